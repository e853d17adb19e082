//! The `guichet` binary: parses the command line and hands over to the library.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = guichet::cli::Cli::parse();
    match guichet::cli::run(cli) {
        Ok(code) => code,
        Err(err) => {
            if guichet::cli::is_broken_pipe(&err) {
                return ExitCode::SUCCESS;
            }
            eprintln!("guichet: {err:#}");
            ExitCode::FAILURE
        }
    }
}
