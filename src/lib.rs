//! dfix: take credentials out of Dockerfiles.
//!
//! The engine is usable as a library; `src/main.rs` is a thin CLI on top.

pub mod cli;
pub mod debug;
pub mod envfile;
pub mod fix;
pub mod shell;
pub mod syntax;

use std::io::Write;
use std::path::Path;

/// How a run ended, as an exit status: 0 clean, 1 findings or pending
/// changes, 2 an error occurred.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Outcome {
    Clean = 0,
    Findings = 1,
    Error = 2,
}

impl Outcome {
    pub fn code(self) -> u8 {
        self as u8
    }
}

/// Reads and parses one file; the error is one line naming the file.
pub fn read_dockerfile(path: &Path) -> Result<Vec<u8>, String> {
    std::fs::read(path).map_err(|e| format!("{}: {}", path.display(), io_reason(&e)))
}

fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file".to_owned(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_owned(),
        std::io::ErrorKind::IsADirectory => "is a directory".to_owned(),
        _ => e.to_string(),
    }
}

/// Runs the command line.
pub fn run(cli: cli::Cli) -> Outcome {
    match &cli.command {
        Some(cli::Command::Debug {
            what: cli::DebugCommand::Parse { file },
        }) => debug_parse(file),
        None => {
            let mut outcome = Outcome::Clean;
            for path in &cli.paths {
                let result = read_dockerfile(path).and_then(|bytes| {
                    syntax::parse_bytes(&bytes)
                        .map(|_| ())
                        .map_err(|e| format!("{}: {e}", path.display()))
                });
                if let Err(message) = result {
                    eprintln!("dfix: {message}");
                    outcome = outcome.max(Outcome::Error);
                }
            }
            outcome
        }
    }
}

fn debug_parse(file: &Path) -> Outcome {
    let parsed = read_dockerfile(file).and_then(|bytes| {
        syntax::parse_bytes(&bytes)
            .map(|d| debug::parse_dump(&d))
            .map_err(|e| format!("{}: {e}", file.display()))
    });
    match parsed {
        Ok(dump) => {
            let _ = std::io::stdout().lock().write_all(dump.as_bytes());
            Outcome::Clean
        }
        Err(message) => {
            eprintln!("dfix: {message}");
            Outcome::Error
        }
    }
}
