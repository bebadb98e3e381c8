use std::process::ExitCode;

use clap::Parser;
use clap::error::ErrorKind;

fn main() -> ExitCode {
    let cli = match grant::cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => return usage_error(&error),
    };
    match grant::commands::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            // The single point where errors reach the terminal: the values they
            // quote (profile names, file contents, service messages) show escaped.
            let line = grant::commands::one_line(&error);
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
