//! What `grant init SHELL` and `grant completions SHELL` print: the static snippets
//! under `shell/` (the `assume` function, its hook, its completion), and clap's
//! completion of grant with profile names added after `--profile`.
//!
//! `grant init` runs at every shell start, so it prints only `assume`, the hook and
//! a loader of a few lines: the shell runs `grant completions` on the first Tab
//! (bash's `complete -F` and zsh's `compdef` stubs, fish's autoloading from
//! `$fish_complete_path`); nushell's `@complete` runs `grant __complete` on each Tab
//! (`super::complete`). Evaluating clap's whole completion at start cost 6 to 10 ms
//! a shell, 8 ms of CPU in nushell.

use std::path::{Path, PathBuf};

use super::{Shell, ShellError};

const BASH_INIT: &str = include_str!("../../shell/grant.bash");
const BASH_COMPLETE: &str = include_str!("../../shell/complete.bash");
const ZSH_INIT: &str = include_str!("../../shell/grant.zsh");
const ZSH_COMPLETE: &str = include_str!("../../shell/complete.zsh");
const FISH_INIT: &str = include_str!("../../shell/grant.fish");
const FISH_COMPLETE: &str = include_str!("../../shell/complete.fish");
const POWERSHELL_INIT: &str = include_str!("../../shell/grant.ps1");
const POWERSHELL_COMPLETE: &str = include_str!("../../shell/complete.ps1");
const NU_INIT: &str = include_str!("../../shell/grant.nu");
const TCSH_INIT: &str = include_str!("../../shell/grant.tcsh");
/// What fish autoloads for `grant` and `assume`: grant's completion, sourced once.
pub const FISH_COMPLETION_LOADER: &str = include_str!("../../shell/complete-loader.fish");

/// How clap's zsh completion describes a `--profile` value, and what completes it.
const ZSH_PROFILE_ACTION: (&str, &str) = (":PROFILE:_default'", ":PROFILE:__grant_profiles'");
/// The line of clap's zsh completion that registers it; the profile helper goes before.
const ZSH_REGISTRATION: &str = "if [ \"$funcstack[1]\" = \"_grant\" ]; then";
/// How clap's nushell completion types profile names, and what completes them.
const NU_PROFILE_TYPES: [(&str, &str); 3] = [
    (
        "--profile: string",
        "--profile: string@\"nu-complete grant profiles\"",
    ),
    (
        "profile?: string",
        "profile?: string@\"nu-complete grant profiles\"",
    ),
    (
        "...profiles: string",
        "...profiles: string@\"nu-complete grant profiles\"",
    ),
];
/// The line that opens clap's nushell module; the profile completer goes inside it.
const NU_MODULE: &str = "module completions {\n";
const NU_PROFILES: &str = "  def \"nu-complete grant profiles\" [] {\n    try { ^grant profiles | lines } catch { [] }\n  }\n";
/// The first line of clap's zsh completion, and ours: autoloaded from a vendor
/// folder (the packages'), the one file completes both `grant` and `assume`.
const ZSH_COMPDEF: (&str, &str) = ("#compdef grant\n", "#compdef grant assume\n");
/// What the autoloaded file runs first: `assume`'s completion when zsh loaded it for
/// `assume`.
const ZSH_AUTOLOAD_CALL: (&str, &str) = (
    "\n    _grant \"$@\"\n",
    "\n    if [[ $service == assume ]]; then _grant_assume \"$@\"; else _grant \"$@\"; fi\n",
);
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
            let (from, to) = ZSH_COMPDEF;
            let script = script.replacen(from, to, 1);
            match script.split_once(ZSH_REGISTRATION) {
                Some((body, registration)) => {
                    let (from, to) = ZSH_AUTOLOAD_CALL;
                    format!(
                        "{body}{}\n{ZSH_REGISTRATION}{}",
                        ZSH_COMPLETE.trim(),
                        registration.replacen(from, to, 1)
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
        Shell::Nu => {
            let script = NU_PROFILE_TYPES
                .iter()
                .fold(clap_script, |script, (from, to)| script.replace(from, to));
            script.replacen(NU_MODULE, &format!("{NU_MODULE}\n{NU_PROFILES}"), 1)
        }
        Shell::Tcsh => clap_script,
    }
}

/// The files fish's integration reads, which `grant init fish` makes.
#[derive(Debug, Clone, Default)]
pub struct InitFiles {
    /// fish's clock: a file dated at the epoch, see `shell/grant.fish`.
    pub fish_clock: PathBuf,
    /// The folder holding [`FISH_COMPLETION_LOADER`] as `grant.fish` and `assume.fish`;
    /// `None` when it could not be written.
    pub fish_completions: Option<PathBuf>,
    /// The allow list's stamp (`allowed_dirs::stamp_file`), which the directory hook
    /// reads at each prompt to see `grant allow` and `grant deny` without a process.
    pub allow_stamp: PathBuf,
    /// The folder `grant init` runs in (the shell's `$PWD`) when no `.aws-profile`
    /// is in it or above, for tcsh's [`directory::tcsh_start`](super::directory::tcsh_start).
    pub nothing_above: Option<PathBuf>,
}

/// The integration for an rc file: `assume`, its hook, and completion loaded on the
/// first Tab (nushell's asks grant on each Tab). Each part is a piece of shell code;
/// the parts run in order. `command` (the CLI definition) is built only for
/// PowerShell, whose completion is eager.
pub fn init(
    shell: Shell,
    command: impl FnOnce() -> clap::Command,
    files: &InitFiles,
) -> Result<String, ShellError> {
    Ok(init_parts(shell, command, files)?.join("\n"))
}

fn init_parts(
    shell: Shell,
    command: impl FnOnce() -> clap::Command,
    files: &InitFiles,
) -> Result<Vec<String>, ShellError> {
    let mut parts = match shell {
        Shell::Bash => vec![BASH_INIT.to_owned()],
        Shell::Zsh => vec![ZSH_INIT.to_owned()],
        Shell::Fish => vec![
            format!("set -g __grant_clock {}\n", quoted_path(&files.fish_clock)?),
            FISH_INIT.to_owned(),
            fish_completion(files.fish_completions.as_deref())?,
        ],
        // Eager: PowerShell cannot run on the test machines, to measure or to type into.
        Shell::PowerShell => vec![POWERSHELL_INIT.to_owned(), completions(shell, command())],
        // Its completion is one `extern grant []` whose `@complete` asks grant on
        // Tab (`grant __complete`); clap's `extern`s of every command, parsed at
        // each start, cost more than the rest of the integration.
        Shell::Nu => vec![NU_INIT.to_owned()],
        // Its completion is a few `complete` builtins; names come on Tab.
        Shell::Tcsh => vec![TCSH_INIT.to_owned(), tcsh_completion()],
    };
    parts.insert(1, shell.set_env(CODE_VARIABLE, &code_id(shell))? + "\n");
    parts.push(super::directory::stamp_line(shell, &files.allow_stamp)?);
    parts.push(super::directory::snippet(shell).to_owned());
    if shell == Shell::Tcsh {
        parts.push(super::directory::tcsh_start(
            files.nothing_above.as_deref(),
            &files.allow_stamp,
        ));
        return Ok(vec![super::tcsh::statements(&parts.join("\n"))]);
    }
    Ok(parts)
}

/// Names, in the shell that loaded `grant init`, the code it loaded: [`code_id`].
pub const CODE_VARIABLE: &str = "GRANT_INIT_CODE";

/// A short digest of the snippets `grant init SHELL` prints, which `grant doctor`
/// compares with the one the shell loaded: a copy saved before grant changed (the
/// README's way for nushell, an alternative for tcsh) is then found out. std's
/// SipHash, a tenth of SHA-256's cost on every shell start; it need only agree
/// between two runs of the same binary.
pub fn code_id(shell: Shell) -> String {
    use std::hash::{Hash, Hasher};
    let init = match shell {
        Shell::Bash => BASH_INIT,
        Shell::Zsh => ZSH_INIT,
        Shell::Fish => FISH_INIT,
        Shell::PowerShell => POWERSHELL_INIT,
        Shell::Nu => NU_INIT,
        Shell::Tcsh => TCSH_INIT,
    };
    let mut hasher = std::hash::DefaultHasher::new();
    (init, super::directory::snippet(shell)).hash(&mut hasher);
    if shell == Shell::Tcsh {
        super::directory::tcsh_hook().hash(&mut hasher);
    }
    format!("{:016x}", hasher.finish())
}

fn quoted_path(path: &Path) -> Result<String, ShellError> {
    Shell::Fish.quote(&path.to_string_lossy())
}

/// fish autoloads a command's completion from `$fish_complete_path` on first use;
/// without the loaders' folder the completion is sourced at start instead.
fn fish_completion(folder: Option<&Path>) -> Result<String, ShellError> {
    Ok(match folder {
        Some(folder) => {
            let folder = quoted_path(folder)?;
            format!(
                "contains -- {folder} $fish_complete_path; or set -gp fish_complete_path {folder}\n"
            )
        }
        None => "command grant completions fish | source\n".to_owned(),
    })
}

/// clap's completion script for `shell`, offering neither hidden commands nor (but
/// in nushell) hidden options.
fn clap_completions(shell: Shell, command: clap::Command) -> String {
    if shell == Shell::Tcsh {
        return tcsh_completion();
    }
    let hidden = hidden_options(&command);
    let mut command = without_hidden_commands(command);
    let mut script = Vec::new();
    let generator = match shell {
        Shell::Bash => clap_complete::Shell::Bash,
        Shell::Zsh => clap_complete::Shell::Zsh,
        Shell::Fish => clap_complete::Shell::Fish,
        Shell::PowerShell => clap_complete::Shell::PowerShell,
        Shell::Nu => {
            let generator = clap_complete_nushell::Nushell;
            clap_complete::generate(generator, &mut command, "grant", &mut script);
            return String::from_utf8_lossy(&script).into_owned();
        }
        Shell::Tcsh => unreachable!("written above"),
    };
    clap_complete::generate(generator, &mut command, "grant", &mut script);
    without_hidden_options(shell, &String::from_utf8_lossy(&script), &hidden)
}

/// The long names of the hidden options of visible commands (`assume --reassume`,
/// the hook's call), which clap's generators offer like any other.
fn hidden_options(command: &clap::Command) -> Vec<String> {
    let mut hidden: Vec<String> = command
        .get_subcommands()
        .filter(|subcommand| !subcommand.is_hide_set())
        .flat_map(clap::Command::get_arguments)
        .filter(|arg| arg.is_hide_set())
        .filter_map(|arg| arg.get_long().map(|long| format!("--{long}")))
        .collect();
    hidden.sort();
    hidden.dedup();
    hidden
}

/// `script` without the offers of `hidden` options: a word of bash's option lists,
/// a line of zsh's `_arguments`, fish's `complete` and PowerShell's results.
/// Nushell's externs keep them (nushell refuses a flag its `extern` does not name):
/// its script is returned before this.
fn without_hidden_options(shell: Shell, script: &str, hidden: &[String]) -> String {
    let offers = |line: &str, option: &str| match shell {
        Shell::Zsh => line.contains(&format!("{option}[")),
        Shell::Fish => line.contains(&format!(" -l {} ", &option[2..])),
        Shell::PowerShell => line.contains(&format!("::new('{option}'")),
        _ => false,
    };
    let mut kept = String::with_capacity(script.len());
    for line in script.split_inclusive('\n') {
        if hidden.iter().any(|option| offers(line, option)) {
            continue;
        }
        if shell == Shell::Bash && line.trim_start().starts_with("opts=\"") {
            let words = hidden.iter().fold(line.to_owned(), |line, option| {
                line.replace(&format!(" {option} "), " ")
            });
            kept.push_str(&words);
            continue;
        }
        kept.push_str(line);
    }
    kept
}

/// `command` with only the commands its help shows: clap's generators walk every
/// subcommand, hidden or not, and would offer the shell hooks' own calls
/// (`directory-profile`, `__complete`, ...) on Tab. clap cannot remove a
/// subcommand, so the root is built again: grant's has no arguments of its own.
fn without_hidden_commands(command: clap::Command) -> clap::Command {
    let visible = command
        .get_subcommands()
        .filter(|subcommand| !subcommand.is_hide_set())
        .cloned();
    let mut root = clap::Command::new("grant")
        .version(env!("CARGO_PKG_VERSION"))
        .propagate_version(command.is_propagate_version_set())
        .subcommand_required(command.is_subcommand_required_set());
    if let Some(about) = command.get_about() {
        root = root.about(about.clone());
    }
    for arg in command.get_arguments() {
        root = root.arg(arg.clone());
    }
    root.subcommands(visible)
}

/// The commands tcsh completes as grant's first word: those `grant --help` lists.
/// Written out, not read from the definition: building all of clap's definitions
/// at each tcsh start costs about a millisecond, most of it musl's allocator
/// mapping and unmapping their memory. A test keeps the two equal.
const TCSH_COMMANDS: &str = "credential-process assume init completions profiles cache \
    settings allow deny sso saml serve console export doctor credentials uninstall registry";

/// tcsh's `complete` builtins (clap has no generator for it): grant's commands as the
/// first word, profile names after `--profile` and for assume.
fn tcsh_completion() -> String {
    format!(
        "complete grant 'p/1/({TCSH_COMMANDS})/' 'n/--profile/`grant profiles`/'\ncomplete assume 'p/*/`grant profiles`/'\n"
    )
}

/// The file each shell's completion is committed as, under `completions/`.
pub fn completion_file_name(shell: Shell) -> &'static str {
    match shell {
        Shell::Bash => "grant.bash",
        Shell::Zsh => "_grant",
        Shell::Fish => "grant.fish",
        Shell::PowerShell => "_grant.ps1",
        Shell::Nu => "grant.nu",
        Shell::Tcsh => "grant.tcsh",
    }
}

/// The shell a person starts, from the value of `SHELL` (its last word; bash under
/// Git Bash sets it on Windows too), else PowerShell on Windows, else bash.
pub fn login_shell(shell_variable: Option<&std::ffi::OsStr>) -> Shell {
    let named = shell_variable.and_then(|path| {
        let name = Path::new(path).file_stem()?.to_str()?.to_owned();
        name.parse().ok()
    });
    named.unwrap_or(if cfg!(windows) {
        Shell::PowerShell
    } else {
        Shell::Bash
    })
}

/// The line that loads `grant init` in `shell`'s startup file, as the README has it.
pub fn how_to_load(shell: Shell) -> String {
    let line = match shell {
        Shell::Bash => "add eval \"$(grant init bash)\" to ~/.bashrc",
        Shell::Zsh => "add eval \"$(grant init zsh)\" to ~/.zshrc, after compinit",
        Shell::Fish => "add grant init fish | source to ~/.config/fish/config.fish",
        Shell::PowerShell => {
            "add Invoke-Expression (& grant init powershell | Out-String) to $PROFILE"
        }
        Shell::Nu => {
            "run grant init nu | save -f ($nu.user-autoload-dirs | first | path join grant.nu) once, then open a new shell"
        }
        Shell::Tcsh => "add eval \"`grant init tcsh`\" to ~/.tcshrc",
    };
    format!("{line} (other shells: grant init --help)")
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
    fn the_login_shell_is_the_last_word_of_shell() {
        use std::ffi::OsStr;
        let default = if cfg!(windows) {
            Shell::PowerShell
        } else {
            Shell::Bash
        };
        let cases = [
            (Some("/usr/bin/zsh"), Shell::Zsh),
            (
                Some("C:\\Program Files\\PowerShell\\7\\pwsh.exe"),
                if cfg!(windows) {
                    Shell::PowerShell
                } else {
                    default
                },
            ),
            (Some("/usr/local/bin/pwsh"), Shell::PowerShell),
            (Some("/opt/homebrew/bin/nu"), Shell::Nu),
            (Some("/bin/sh"), default),
            (Some("/bin/$(reboot)"), default),
            (Some(""), default),
            (None, default),
        ];
        for (value, expected) in cases {
            assert_eq!(login_shell(value.map(OsStr::new)), expected, "{value:?}");
        }
    }

    #[test]
    fn tcsh_completes_every_command_help_lists() {
        let listed: Vec<String> = Cli::command()
            .get_subcommands()
            .filter(|command| !command.is_hide_set())
            .map(|command| command.get_name().to_owned())
            .collect();
        let written: Vec<&str> = TCSH_COMMANDS.split_whitespace().collect();
        assert_eq!(written, listed);
    }

    #[test]
    fn no_shell_is_offered_the_hidden_commands() {
        let hidden: Vec<String> = Cli::command()
            .get_subcommands()
            .filter(|command| command.is_hide_set())
            .map(|command| command.get_name().to_owned())
            .collect();
        assert!(hidden.len() >= 4, "{hidden:?}");
        for shell in Shell::ALL {
            let script = completions_of(shell);
            for name in &hidden {
                assert!(!script.contains(name.as_str()), "{shell:?} offers {name}");
            }
            assert!(script.contains("credential-process"), "{shell:?}");
        }
    }

    #[test]
    fn no_shell_but_nushell_is_offered_the_hidden_options() {
        let hidden = hidden_options(&Cli::command());
        assert_eq!(hidden, ["--reassume"]);
        for shell in [Shell::Bash, Shell::Zsh, Shell::Fish, Shell::PowerShell] {
            let script = completions_of(shell);
            let offers = script
                .lines()
                .filter(|line| line.contains("reassume"))
                .filter(|line| {
                    !(shell == Shell::Zsh && line.contains("(--unset --exec --reassume"))
                })
                .collect::<Vec<_>>();
            assert_eq!(offers, Vec::<&str>::new(), "{shell:?}");
            assert!(
                script.contains("export-all-env-vars"),
                "{shell:?} keeps the others"
            );
        }
        assert!(completions_of(Shell::Nu).contains("--reassume"));
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
    fn zsh_autoloads_one_file_for_grant_and_assume() {
        let script = completions_of(Shell::Zsh);
        assert!(script.starts_with(ZSH_COMPDEF.1), "{}", &script[..40]);
        let registration = script.split_once(ZSH_REGISTRATION).unwrap().1;
        assert!(
            registration.starts_with(ZSH_AUTOLOAD_CALL.1),
            "{registration}"
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
        let script = init(Shell::PowerShell, Cli::command, &InitFiles::default()).unwrap();
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
        let files = InitFiles {
            fish_clock: PathBuf::from("/tmp/it's/clock"),
            fish_completions: Some(PathBuf::from("/tmp/it's/completions")),
            allow_stamp: PathBuf::from("/tmp/it's/stamp"),
            nothing_above: None,
        };
        let script = init(Shell::Fish, Cli::command, &files).unwrap();
        assert!(script.starts_with("set -g __grant_clock '/tmp/it\\'s/clock'\n"));
        assert!(script.contains("set -g __grant_directory_stamp_file '/tmp/it\\'s/stamp'\n"));
        assert!(script.contains(
            "contains -- '/tmp/it\\'s/completions' $fish_complete_path; or set -gp fish_complete_path '/tmp/it\\'s/completions'\n"
        ));
    }

    /// Start-up evaluates no completion definitions: they come on the first Tab.
    #[test]
    fn init_leaves_completion_to_the_first_tab() {
        let files = InitFiles {
            fish_clock: PathBuf::from("/c"),
            fish_completions: Some(PathBuf::from("/f")),
            allow_stamp: PathBuf::from("/s"),
            nothing_above: None,
        };
        for shell in [Shell::Bash, Shell::Zsh, Shell::Fish] {
            let script = init(shell, Cli::command, &files).unwrap();
            let full = completions(shell, Cli::command());
            assert!(
                script.len() * 8 < full.len(),
                "{shell}: {} bytes",
                script.len()
            );
            for line in full
                .lines()
                .filter(|line| line.starts_with("complete -c grant"))
            {
                assert!(!script.contains(line), "{shell} defines {line}");
            }
            assert!(!script.contains("_grant_commands"), "{shell}");
        }
        let fish = init(Shell::Fish, Cli::command, &InitFiles::default()).unwrap();
        assert!(fish.contains("command grant completions fish | source"));
    }
}
