//! The directory hook of `grant init` (`shell/directory.*`): the nearest
//! `.aws-profile` switches the shell to its profile, once `grant allow` recorded it.
//! The snippets only find the file and keep the state; `grant directory-profile`
//! decides and writes the code.

use super::Shell;

const BASH: &str = include_str!("../../shell/directory.bash");
const ZSH: &str = include_str!("../../shell/directory.zsh");
const FISH: &str = include_str!("../../shell/directory.fish");
const POWERSHELL: &str = include_str!("../../shell/directory.ps1");
const NU: &str = include_str!("../../shell/directory.nu");
const TCSH: &str = include_str!("../../shell/directory.tcsh");
/// tcsh's walk and switch, loaded on first use: [`tcsh_hook`].
const TCSH_HOOK: &str = include_str!("../../shell/directory-hook.tcsh");

/// The directory hook for `shell`, appended to its integration.
pub fn snippet(shell: Shell) -> &'static str {
    match shell {
        Shell::Bash => BASH,
        Shell::Zsh => ZSH,
        Shell::Fish => FISH,
        Shell::PowerShell => POWERSHELL,
        Shell::Nu => NU,
        Shell::Tcsh => TCSH,
    }
}

/// What `grant __tcsh-directory-hook` prints: the aliases the hook's stand-in
/// loads the first time it runs, as statements (they are evaluated as one line).
pub fn tcsh_hook() -> String {
    super::tcsh::statements(TCSH_HOOK)
}

/// The variable naming the allow list's stamp, which the hook compares at each
/// prompt: a `grant allow` or `grant deny` anywhere changes it. Nushell's is a
/// record, which nushell passes to no program; tcsh's is empty when tcsh cannot
/// carry the path (the hook then sees changes on `cd` only).
pub fn stamp_line(shell: Shell, stamp: &std::path::Path) -> Result<String, super::ShellError> {
    match shell {
        Shell::Nu => {
            let path = shell.quote(&stamp.to_string_lossy())?;
            return Ok(format!("$env.__grant_directory_stamp = {{file: {path}}}\n"));
        }
        Shell::Tcsh => {
            let path = shell
                .quote(&stamp.to_string_lossy())
                .unwrap_or_else(|_| "''".to_owned());
            return Ok(format!("set __grant_directory_stamp_file = {path}\n"));
        }
        _ => {}
    }
    let path = shell.quote(&stamp.to_string_lossy())?;
    Ok(match shell {
        Shell::Bash => format!("__grant_directory_stamp_file={path}\n"),
        Shell::Zsh => format!("typeset -g __grant_directory_stamp_file={path}\n"),
        Shell::Fish => format!("set -g __grant_directory_stamp_file {path}\n"),
        Shell::PowerShell => format!("$global:__GrantDirectoryStampFile = {path}\n"),
        Shell::Nu | Shell::Tcsh => unreachable!("written above"),
    })
}

/// What tcsh's hook needs no walk to know before its first prompt. `nothing_above`
/// is the folder `grant init` runs in when it found no `.aws-profile` there or
/// above: a shell still there takes the allow list's stamp as read now, and its
/// first prompt starts nothing (a saved copy, sourced anywhere, leaves the stamp
/// unread, and the first prompt looks). Nothing when the folder or the stamp's
/// path cannot be given to tcsh.
pub fn tcsh_start(nothing_above: Option<&std::path::Path>, stamp: &std::path::Path) -> String {
    let Some(dir) = nothing_above else {
        return String::new();
    };
    let Ok(quoted_dir) = Shell::Tcsh.quote(&dir.to_string_lossy()) else {
        return String::new();
    };
    let Some((modified, inode)) = tcsh_stamp(stamp) else {
        return String::new();
    };
    format!(
        "if ( $cwd:q == {quoted_dir} ) set __grant_directory_stamp_m = {modified} __grant_directory_stamp_i = {inode}\n"
    )
}

/// The stamp as tcsh's hook reads it: `-M` (modification, epoch seconds) and `-I`
/// (inode) of the file, -1 and -1 when it is missing; `None` when its path cannot
/// be given to tcsh, or off Unix.
#[cfg(unix)]
fn tcsh_stamp(stamp: &std::path::Path) -> Option<(i64, i64)> {
    use std::os::unix::fs::MetadataExt;
    Shell::Tcsh.quote(&stamp.to_string_lossy()).ok()?;
    match std::fs::metadata(stamp) {
        Ok(meta) => Some((meta.mtime(), i64::try_from(meta.ino()).ok()?)),
        Err(_) => Some((-1, -1)),
    }
}

#[cfg(not(unix))]
fn tcsh_stamp(_stamp: &std::path::Path) -> Option<(i64, i64)> {
    None
}

/// The integration `script` without the directory hook (AutoAssumeDirectory=false).
pub fn without_hook(shell: Shell, script: &str) -> String {
    script.replacen(&*as_in_script(shell), "\n", 1)
}

/// The hook as `grant init` prints it: tcsh's as statements, one a line; nushell's
/// as its `pre_prompt` hooks only, since the one change of its configuration that
/// adds them adds the renewal before a command too.
fn as_in_script(shell: Shell) -> std::borrow::Cow<'static, str> {
    match shell {
        Shell::Tcsh => super::tcsh::statements(TCSH).into(),
        Shell::Nu => nu_prompt_hooks().into(),
        shell => snippet(shell).into(),
    }
}

/// From `    pre_prompt: (` to the line that closes its list.
fn nu_prompt_hooks() -> &'static str {
    const END: &str = "\n    }])\n";
    let start = NU.find("    pre_prompt: (").unwrap_or(NU.len());
    let end = NU[start..]
        .find(END)
        .map_or(start, |length| start + length + END.len());
    &NU[start..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nushell_without_the_directory_hook_keeps_the_renewal_hook() {
        let without = without_hook(Shell::Nu, NU);
        assert!(!without.contains("directory-profile"), "{without}");
        assert!(!without.contains("pre_prompt"), "{without}");
        assert!(without.contains("pre_execution"), "{without}");
        assert!(without.contains("assume --reassume"), "{without}");
        assert!(without.trim_end().ends_with("})\n}"), "{without}");
    }

    /// What AutoAssumeDirectory=false takes out never holds the renewal of keys.
    #[test]
    fn no_directory_hook_holds_the_renewal() {
        for shell in Shell::ALL {
            assert!(!as_in_script(shell).contains("--reassume"), "{shell}");
        }
    }

    #[test]
    fn every_snippet_passes_the_file_as_one_argument_after_double_dash() {
        for shell in Shell::ALL {
            let snippet = match shell {
                Shell::Tcsh => TCSH_HOOK,
                shell => snippet(shell),
            };
            let call = snippet
                .lines()
                .find(|line| line.contains("grant directory-profile"))
                .unwrap();
            assert!(
                call.contains(" -- ")
                    || call.contains(" '--' ")
                    || (shell == Shell::Tcsh && call.contains("setenv GRANT_DIRECTORY_FILE ")),
                "{shell}: {call}"
            );
            assert!(
                !snippet.contains("export __grant"),
                "{shell}: state stays unexported"
            );
        }
    }

    #[test]
    fn the_hook_can_be_left_out() {
        for shell in Shell::ALL {
            let script = format!("before\n{}after\n", as_in_script(shell));
            assert_eq!(without_hook(shell, &script), "before\n\nafter\n");
        }
    }
}
