use std::process::ExitCode;

use clap::error::ErrorKind;

fn main() -> ExitCode {
    disable_core_dumps();
    let cli = match grant::cli::Cli::parse_command_line() {
        Ok(cli) => cli,
        Err(error) => return usage_error(&error),
    };
    match grant::commands::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            // The single point where errors reach the terminal: the values they
            // quote (profile names, file contents, service messages) show escaped.
            let line = grant::term_text::one_line(&error);
            eprintln!("grant: {}", grant::term_text::shown(&line));
            ExitCode::FAILURE
        }
    }
}

/// Help and --version print as clap writes them; a mistake in the arguments is one
/// line, like every other error, with the usage that fits.
fn usage_error(error: &clap::Error) -> ExitCode {
    let shown_as_is = matches!(
        error.kind(),
        ErrorKind::DisplayHelp
            | ErrorKind::DisplayVersion
            | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
    );
    if shown_as_is {
        let _ = error.print();
        return ExitCode::from(u8::try_from(error.exit_code()).unwrap_or(2));
    }
    let line = grant::commands::usage_line(&error.render().to_string());
    eprintln!("grant: {}", grant::term_text::shown(&line));
    ExitCode::from(2)
}

/// Tokens and credentials live in this process's memory: a crash must not write them
/// to a core file, nor may another process of the user read them through ptrace or
/// /proc/PID/mem. Two system calls, so every command pays them, the cache hit too.
/// Only the soft core limit drops to 0: children inherit it, and a shell started by
/// `assume --exec` can still raise it again for its own programs.
fn disable_core_dumps() {
    #[cfg(unix)]
    {
        use rustix::process::{Resource, getrlimit, setrlimit};
        let mut limit = getrlimit(Resource::Core);
        limit.current = Some(0);
        let _ = setrlimit(Resource::Core, limit);
    }
    #[cfg(any(target_os = "linux", target_os = "android"))]
    let _ = rustix::process::set_dumpable_behavior(rustix::process::DumpableBehavior::NotDumpable);
}
