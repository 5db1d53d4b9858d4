//! The `dfix` binary: arguments in, exit code out. Everything else is in the library.

use std::process::ExitCode;

use clap::Parser;

/// mimalloc: parsing and detection make many small, short-lived allocations,
/// and glibc's allocator was a quarter of a bulk run's time.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = dfix::cli::Cli::parse();
    ExitCode::from(dfix::run(cli).code())
}
