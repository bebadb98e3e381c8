//! What `grant init SHELL` and `grant completions SHELL` print: the static snippets
//! under `shell/` (the `assume` function, its hook, its completion), and clap's
//! completion of grant with profile names added after `--profile`.

use std::path::Path;

use super::{Shell, ShellError};

const BASH_INIT: &str = include_str!("../../shell/grant.bash");
const BASH_COMPLETE: &str = include_str!("../../shell/complete.bash");
const ZSH_INIT: &str = include_str!("../../shell/grant.zsh");
const ZSH_COMPLETE: &str = include_str!("../../shell/complete.zsh");
const FISH_INIT: &str = include_str!("../../shell/grant.fish");
const FISH_COMPLETE: &str = include_str!("../../shell/complete.fish");
const POWERSHELL_INIT: &str = include_str!("../../shell/grant.ps1");
const POWERSHELL_COMPLETE: &str = include_str!("../../shell/complete.ps1");

/// How clap's zsh completion describes a `--profile` value, and what completes it.
const ZSH_PROFILE_ACTION: (&str, &str) = (":PROFILE:_default'", ":PROFILE:__grant_profiles'");
/// The line of clap's zsh completion that registers it; the profile helper goes before.
const ZSH_REGISTRATION: &str = "if [ \"$funcstack[1]\" = \"_grant\" ]; then";
/// clap's PowerShell completer, kept as a script block that ours falls back to.
const POWERSHELL_REGISTRATION: (&str, &str) = (
    "Register-ArgumentCompleter -Native -CommandName 'grant' -ScriptBlock {",
    "$global:__GrantClapCompleter = {",
);

/// The completion script of grant for `shell`, from the CLI definition `command`.
pub fn completions(shell: Shell, command: clap::Command) -> String {
    let clap_script = clap_completions(shell, command);
    match shell {
        Shell::Bash => format!("{clap_script}{BASH_COMPLETE}"),
        Shell::Zsh => {
            let (from, to) = ZSH_PROFILE_ACTION;
            let script = clap_script.replace(from, to);
            match script.split_once(ZSH_REGISTRATION) {
                Some((body, registration)) => {
                    format!(
                        "{body}{}\n{ZSH_REGISTRATION}{registration}",
                        ZSH_COMPLETE.trim()
                    )
                }
                None => format!("{script}{ZSH_COMPLETE}"),
            }
        }
        Shell::Fish => format!("{clap_script}{FISH_COMPLETE}"),
        Shell::PowerShell => {
            let (from, to) = POWERSHELL_REGISTRATION;
            format!("{}{POWERSHELL_COMPLETE}", clap_script.replacen(from, to, 1))
        }
    }
}

/// The integration for an rc file: `assume`, its hook and completions. `clock_file`
/// is fish's clock (a file dated at the epoch, see `shell/grant.fish`).
pub fn init(shell: Shell, command: clap::Command, clock_file: &Path) -> Result<String, ShellError> {
    let completions = completions(shell, command);
    Ok(match shell {
        Shell::Bash => format!("{BASH_INIT}\n{completions}"),
        // Completion needs compinit; without it, assume still works.
        Shell::Zsh => {
            format!("{ZSH_INIT}\nif (( $+functions[compdef] )); then\n{completions}\nfi\n")
        }
        Shell::Fish => {
            let clock = Shell::Fish.quote(&clock_file.to_string_lossy())?;
            format!("set -g __grant_clock {clock}\n{FISH_INIT}\n{completions}")
        }
        Shell::PowerShell => format!("{POWERSHELL_INIT}\n{completions}"),
    } + super::directory::snippet(shell))
}

fn clap_completions(shell: Shell, mut command: clap::Command) -> String {
    let generator = match shell {
        Shell::Bash => clap_complete::Shell::Bash,
        Shell::Zsh => clap_complete::Shell::Zsh,
        Shell::Fish => clap_complete::Shell::Fish,
        Shell::PowerShell => clap_complete::Shell::PowerShell,
    };
    let mut script = Vec::new();
    clap_complete::generate(generator, &mut command, "grant", &mut script);
    String::from_utf8_lossy(&script).into_owned()
}

/// The file each shell's completion is committed as, under `completions/`.
pub fn completion_file_name(shell: Shell) -> &'static str {
    match shell {
        Shell::Bash => "grant.bash",
        Shell::Zsh => "_grant",
        Shell::Fish => "grant.fish",
        Shell::PowerShell => "_grant.ps1",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::Cli;
    use clap::CommandFactory;

    fn completions_of(shell: Shell) -> String {
        completions(shell, Cli::command())
    }

    #[test]
    fn zsh_completes_profile_values_with_grant_profiles() {
        let script = completions_of(Shell::Zsh);
        assert!(
            !script.contains(ZSH_PROFILE_ACTION.0),
            "every --profile is ours"
        );
        assert!(script.matches(ZSH_PROFILE_ACTION.1).count() >= 4);
        let helper = script.find("__grant_profiles() {").unwrap();
        assert!(
            helper < script.find(ZSH_REGISTRATION).unwrap(),
            "defined before use"
        );
    }

    #[test]
    fn powershell_falls_back_to_clap_for_all_but_profiles() {
        let script = completions_of(Shell::PowerShell);
        assert_eq!(script.matches(POWERSHELL_REGISTRATION.1).count(), 1);
        assert_eq!(
            script.matches(POWERSHELL_REGISTRATION.0).count(),
            1,
            "ours alone"
        );
        assert!(
            script.find(POWERSHELL_REGISTRATION.1).unwrap()
                < script.find(POWERSHELL_REGISTRATION.0).unwrap()
        );
    }

    /// PowerShell cannot run here: its snippet is kept simple and checked as text.
    #[test]
    fn powershell_assume_evaluates_only_what_succeeded() {
        let script = init(Shell::PowerShell, Cli::command(), Path::new("/x")).unwrap();
        assert!(script.contains("$code = & grant assume --shell powershell @args"));
        assert!(script.contains("& grant assume @options '--' @command"));
        assert!(script.contains("if ($LASTEXITCODE -eq 0 -and $code) {"));
        assert_eq!(
            script.matches("Invoke-Expression").count(),
            1 + 1 + 1, // and the directory hook's
            "{script}"
        );
        assert!(script.contains("Register-ArgumentCompleter -Native -CommandName assume"));
    }

    #[test]
    fn fish_init_names_its_clock_quoted() {
        let script = init(Shell::Fish, Cli::command(), Path::new("/tmp/it's/clock")).unwrap();
        assert!(script.starts_with("set -g __grant_clock '/tmp/it\\'s/clock'\n"));
    }
}
