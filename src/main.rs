use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = grant::cli::Cli::parse();
    match grant::commands::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("grant: {}", grant::commands::one_line(&error));
            ExitCode::FAILURE
        }
    }
}
