//! The logic behind each command of `crate::cli`.

mod assume;
mod credential_process;
mod init;
mod populate;
mod profiles;
mod settings;
mod sso;

use std::io::{self, Write};

use crate::cli::{Cli, Command, SsoCommand};

pub fn run(cli: Cli) -> anyhow::Result<()> {
    if let Command::CredentialProcess(args) = cli.command {
        return credential_process::run(args);
    }
    crate::log::init(false, None);
    match cli.command {
        Command::CredentialProcess(_) => unreachable!("handled above"),
        Command::Assume(args) => assume::run(args),
        Command::Init { shell } => init::init(&shell),
        Command::Completions { shell } => init::completions(&shell),
        Command::Profiles(args) => profiles::run(&args),
        Command::Settings(args) => settings::run(args),
        Command::Sso(SsoCommand::Populate(args)) => populate::run(&args, true),
        Command::Sso(SsoCommand::Generate(args)) => populate::run(&args, false),
        Command::Sso(command) => sso::run(command),
    }
}

/// An error and its causes on one line, as every failure of grant is reported.
pub fn one_line(error: &anyhow::Error) -> String {
    let mut line = String::new();
    for cause in error.chain() {
        let text = cause.to_string();
        if line.contains(&text) {
            continue;
        }
        if !line.is_empty() {
            line.push_str(": ");
        }
        line.push_str(&text);
    }
    line.replace(['\n', '\r'], " ")
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
        Err(error) if error.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        other => other,
    }
}
