//! The logic behind each command of `crate::cli`.

mod allow;
mod assume;
mod cache;
mod console;
mod convert;
mod credential_process;
mod credentials;
mod doctor;
mod export;
mod init;
mod populate;
mod profiles;
mod registry;
mod saml;
mod secret_agent;
mod serve;
mod settings;
mod sso;
mod uninstall;

use std::io::{self, Write};
use std::sync::OnceLock;

use anyhow::Context;

use crate::cli::{Cli, Command, ProfilesCommand, SsoCommand};
use crate::settings::Settings;

/// grant's settings, read once per run: the first part of a command that needs them
/// reads the file, every later one (`assume -c` opening the console) gets the same.
fn settings() -> anyhow::Result<&'static Settings> {
    static SETTINGS: OnceLock<Settings> = OnceLock::new();
    if let Some(settings) = SETTINGS.get() {
        return Ok(settings);
    }
    let loaded = Settings::load().context("cannot load grant's settings")?;
    Ok(SETTINGS.get_or_init(|| loaded))
}

pub fn run(cli: Cli) -> anyhow::Result<()> {
    if let Command::CredentialProcess(args) = cli.command {
        return credential_process::run(args);
    }
    crate::log::init(false, None);
    match cli.command {
        Command::CredentialProcess(_) => unreachable!("handled above"),
        Command::Assume(args) => assume::run(args),
        Command::Init(args) => init::init(args.shell, args.save.as_deref()),
        Command::TcshDirectoryHook => init::tcsh_directory_hook(),
        Command::Completions { shell } => init::completions(shell),
        Command::Complete(args) => init::complete(args.words),
        Command::Profiles(args) => match &args.command {
            Some(ProfilesCommand::Convert(convert)) => convert::run(convert),
            None => profiles::run(&args),
        },
        Command::Doctor(args) => doctor::run(&args),
        Command::Cache(command) => cache::run(command),
        Command::Settings(args) => settings::run(args),
        Command::Allow(args) => allow::allow(&args),
        Command::Deny(args) => allow::deny(&args),
        Command::DirectoryProfile(args) => allow::directory_profile(&args),
        Command::Sso(SsoCommand::Populate(args)) => populate::run(&args, true),
        Command::Sso(SsoCommand::Generate(args)) => populate::run(&args, false),
        Command::Sso(command) => sso::run(command),
        Command::Saml(command) => saml::run(command),
        Command::Serve(args) => serve::run(args),
        Command::Console(args) => console::run(args),
        Command::Export(args) => export::run(args),
        Command::SecretAgent(args) => secret_agent::run(&args),
        Command::Credentials(command) => credentials::run(command),
        Command::Uninstall(args) => uninstall::run(&args),
        Command::Registry(command) => registry::run(command),
    }
}

/// The shell a command line names, as the shell code knows it.
fn shell_of(name: crate::cli::ShellName) -> crate::shell::Shell {
    use crate::cli::ShellName;
    use crate::shell::Shell;
    match name {
        ShellName::Bash => Shell::Bash,
        ShellName::Zsh => Shell::Zsh,
        ShellName::Fish => Shell::Fish,
        ShellName::Powershell => Shell::PowerShell,
        ShellName::Nu => Shell::Nu,
        ShellName::Tcsh => Shell::Tcsh,
    }
}

/// clap's report of an argument mistake (`error: ...`, indented details, a blank
/// line, `Usage: ...`, a hint) as one line: the mistake, then the usage.
pub fn usage_line(report: &str) -> String {
    let mut mistake = Vec::new();
    let mut usage = None;
    for line in report.lines().map(str::trim) {
        if let Some(rest) = line.strip_prefix("Usage:") {
            usage = Some(rest.trim());
        } else if usage.is_none()
            && !line.is_empty()
            && !line.starts_with("tip:")
            && !line.starts_with("For more information")
        {
            mistake.push(line.strip_prefix("error:").unwrap_or(line).trim());
        }
    }
    let mistake = mistake.join(" ");
    match usage {
        Some(usage) => format!("{mistake} (usage: {usage}; more with --help)"),
        None => format!("{mistake} (more with --help)"),
    }
}

/// Writes lines to stdout; a closed pipe (`grant profiles | head`) ends quietly.
pub(crate) fn print_lines<I, S>(lines: I) -> io::Result<()>
where
    I: IntoIterator<Item = S>,
    S: AsRef<str>,
{
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    let result = lines
        .into_iter()
        .try_for_each(|line| {
            out.write_all(line.as_ref().as_bytes())?;
            out.write_all(b"\n")
        })
        .and_then(|()| out.flush());
    match result {
        Err(error) if reader_went_away(&error) => Ok(()),
        other => other,
    }
}

/// Whether writing to stdout failed because its reader closed it (`grant ... | head`):
/// not an error. Windows says so with ERROR_NO_DATA (232), which Rust reads as a
/// broken pipe, or ERROR_PIPE_NOT_CONNECTED (233), which it does not (seen under Wine).
pub(crate) fn reader_went_away(error: &io::Error) -> bool {
    error.kind() == io::ErrorKind::BrokenPipe
        || (cfg!(windows) && matches!(error.raw_os_error(), Some(232 | 233)))
}

#[cfg(test)]
mod tests {
    use super::{reader_went_away, usage_line};

    #[test]
    fn a_closed_stdout_is_the_readers_choice_on_every_system() {
        use std::io::{Error, ErrorKind};
        assert!(reader_went_away(&Error::from(ErrorKind::BrokenPipe)));
        assert!(!reader_went_away(&Error::from(ErrorKind::PermissionDenied)));
        for windows_code in [232, 233] {
            let error = Error::from_raw_os_error(windows_code);
            assert_eq!(reader_went_away(&error), cfg!(windows), "{error}");
        }
    }

    #[test]
    fn argument_mistakes_are_one_line_with_the_usage() {
        let report = "error: the following required arguments were not provided:\n  --profile <PROFILE>\n\nUsage: grant cache clear --profile <PROFILE>\n\nFor more information, try '--help'.\n";
        assert_eq!(
            usage_line(report),
            "the following required arguments were not provided: --profile <PROFILE> (usage: grant cache clear --profile <PROFILE>; more with --help)"
        );
        let report = "error: invalid value '5x' for '--window <WINDOW>': not a duration\n\nFor more information, try '--help'.\n";
        assert_eq!(
            usage_line(report),
            "invalid value '5x' for '--window <WINDOW>': not a duration (more with --help)"
        );
    }
}
