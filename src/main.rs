//! The `dfix` binary: arguments in, exit code out. Everything else is in the library.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = dfix::cli::Cli::parse();
    ExitCode::from(dfix::run(cli).code())
}
