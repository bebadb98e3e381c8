//! The directory hook of `grant init` (`shell/directory.*`): the nearest
//! `.aws-profile` switches the shell to its profile, once `grant allow` recorded it.
//! The snippets only find the file and keep the state; `grant directory-profile`
//! decides and writes the code.

use super::Shell;

const BASH: &str = include_str!("../../shell/directory.bash");
const ZSH: &str = include_str!("../../shell/directory.zsh");
const FISH: &str = include_str!("../../shell/directory.fish");
const POWERSHELL: &str = include_str!("../../shell/directory.ps1");

/// The directory hook for `shell`, appended to its integration.
pub fn snippet(shell: Shell) -> &'static str {
    match shell {
        Shell::Bash => BASH,
        Shell::Zsh => ZSH,
        Shell::Fish => FISH,
        Shell::PowerShell => POWERSHELL,
    }
}

/// The variable naming the allow list's stamp, which the hook compares at each
/// prompt: a `grant allow` or `grant deny` anywhere changes it.
pub fn stamp_line(shell: Shell, stamp: &std::path::Path) -> Result<String, super::ShellError> {
    let path = shell.quote(&stamp.to_string_lossy())?;
    Ok(match shell {
        Shell::Bash => format!("__grant_directory_stamp_file={path}\n"),
        Shell::Zsh => format!("typeset -g __grant_directory_stamp_file={path}\n"),
        Shell::Fish => format!("set -g __grant_directory_stamp_file {path}\n"),
        Shell::PowerShell => format!("$global:__GrantDirectoryStampFile = {path}\n"),
    })
}

/// The integration `script` without the directory hook (AutoAssumeDirectory=false).
pub fn without_hook(shell: Shell, script: &str) -> String {
    script.replacen(snippet(shell), "\n", 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_snippet_passes_the_file_as_one_argument_after_double_dash() {
        for shell in Shell::ALL {
            let snippet = snippet(shell);
            let call = snippet
                .lines()
                .find(|line| line.contains("grant directory-profile"))
                .unwrap();
            assert!(
                call.contains(" -- ") || call.contains(" '--' "),
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
            let script = format!("before\n{}after\n", snippet(shell));
            assert_eq!(without_hook(shell, &script), "before\n\nafter\n");
        }
    }
}
