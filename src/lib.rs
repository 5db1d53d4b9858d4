//! dfix: take credentials out of Dockerfiles.
//!
//! The engine is usable as a library; `src/main.rs` is a thin CLI on top.

pub mod cli;
pub mod debug;
pub mod engine;
pub mod envfile;
pub mod fix;
pub mod migrate;
pub mod report;
pub mod rules;
pub mod secrets;
pub mod shell;
pub mod syntax;
pub mod walk;

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

/// Settings for a run, validated from the command line.
#[derive(Clone, Debug)]
pub struct Config {
    pub paths: Vec<std::path::PathBuf>,
    pub mode: Mode,
    pub file: engine::FileOptions,
    pub show_secrets: bool,
    pub color: bool,
    pub no_ignore: bool,
}

/// What to do with what is found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Show the diff and the build command (the default).
    DryRun,
    /// Apply the changes.
    Write,
    /// Only list findings.
    Check,
}

impl Config {
    /// Validates the command line. The error is one line.
    pub fn from_cli(cli: &cli::Cli) -> Result<Config, String> {
        if cli.paths.is_empty() {
            return Err("no PATH given (try `dfix --help`)".into());
        }
        if cli.context.is_some() && (cli.paths.len() != 1 || cli.paths[0].is_dir()) {
            return Err("--context needs exactly one Dockerfile".into());
        }
        if cli.env_file.is_some() && (cli.paths.len() != 1 || cli.paths[0].is_dir()) {
            return Err("--env-file needs exactly one Dockerfile".into());
        }
        let mode = if cli.mode.write {
            Mode::Write
        } else if cli.mode.check {
            Mode::Check
        } else {
            Mode::DryRun
        };
        let color = match cli.color {
            cli::ColorChoice::Always => true,
            cli::ColorChoice::Never => false,
            cli::ColorChoice::Auto => {
                std::env::var_os("NO_COLOR").map_or(true, |v| v.is_empty())
                    && console::Term::stdout().features().is_attended()
            }
        };
        Ok(Config {
            paths: cli.paths.clone(),
            mode,
            file: engine::FileOptions {
                write: mode == Mode::Write,
                env_file: cli.env_file.clone(),
                context: cli.context.clone(),
            },
            show_secrets: cli.show_secrets,
            color,
            no_ignore: cli.no_ignore,
        })
    }
}

/// Runs the command line.
pub fn run(cli: cli::Cli) -> Outcome {
    if let Some(cli::Command::Debug {
        what: cli::DebugCommand::Parse { file },
    }) = &cli.command
    {
        return debug_parse(file);
    }
    match Config::from_cli(&cli) {
        Ok(config) => run_config(&config),
        Err(message) => {
            eprintln!("dfix: {message}");
            Outcome::Error
        }
    }
}

/// Processes every file of `config` and prints the results.
pub fn run_config(config: &Config) -> Outcome {
    let (files, walk_errors) = walk::find(&config.paths, config.no_ignore);
    let mut outcome = Outcome::Clean;
    let style = report::OutputStyle {
        color: config.color,
        show_secrets: config.show_secrets,
    };
    let stdout = std::io::stdout();
    for path in &files {
        let result = engine::process(path, &config.file);
        let mut out = stdout.lock();
        let text = match result {
            Err(message) => {
                eprintln!("dfix: {message}");
                outcome = outcome.max(Outcome::Error);
                continue;
            }
            Ok(r) => {
                let pending = match config.mode {
                    Mode::Check => !r.findings.is_empty(),
                    Mode::DryRun => !r.findings.is_empty() || r.changes(),
                    Mode::Write => r.manual().next().is_some(),
                };
                if pending {
                    outcome = outcome.max(Outcome::Findings);
                }
                match config.mode {
                    Mode::Check => report::finding_lines(&r),
                    Mode::DryRun | Mode::Write => {
                        let mut text = String::new();
                        if r.changes() && config.mode == Mode::DryRun {
                            text.push_str(&report::diff(&r, style));
                        } else if r.written {
                            text.push_str(&format!("{}: rewritten\n", r.path.display()));
                        }
                        let manual: Vec<_> = r.manual().collect();
                        if !manual.is_empty() {
                            text.push_str(&report::finding_lines(&r));
                        }
                        if r.changes() {
                            text.push_str(&report::summary(&r, style));
                        }
                        text
                    }
                }
            }
        };
        if out.write_all(text.as_bytes()).is_err() {
            // Broken pipe: stop quietly.
            return outcome;
        }
    }
    for message in walk_errors {
        eprintln!("dfix: {message}");
        outcome = outcome.max(Outcome::Error);
    }
    outcome
}

fn debug_parse(file: &Path) -> Outcome {
    let parsed = std::fs::read(file)
        .map_err(|e| format!("{}: {}", file.display(), engine::io_reason(&e)))
        .and_then(|bytes| {
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
