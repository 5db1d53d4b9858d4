//! One Dockerfile from standard input, for editors:
//! `dfix - --stdin-filename app/Dockerfile`.
//!
//! Standard output gets the rewritten file (dry run and `--write`), or the
//! findings (`--check`), or the JSON/SARIF document; everything else (the
//! `.env` keys, masked, the build command, findings that need a person)
//! goes to standard error. The name places the file: its configuration,
//! `.env` and build context are found from its directory, and findings are
//! shown under it. Nothing is written to disk but, with `--write`, the
//! `.env`. When something goes wrong, standard output gets the text as it
//! came in, so that an editor replacing its buffer with it loses nothing;
//! so it does, with `--force-exclude`, for a name the configuration excludes.

use std::io::{Read, Write};
use std::path::Path;

use crate::cli::{Config, Format, Mode, Outcome};
use crate::config::{Lookup, Resolver};
use crate::driver::Summary;
use crate::fsio::read::{MAX_FILE_SIZE, MAX_FILE_SIZE_TEXT};
use crate::{engine, output};

/// Reads standard input, up to [`MAX_FILE_SIZE`].
fn read_stdin(name: &Path) -> Result<Vec<u8>, String> {
    let mut bytes = Vec::new();
    std::io::stdin()
        .lock()
        .take(MAX_FILE_SIZE as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("{}: {}", name.display(), engine::io_reason(&e)))?;
    if bytes.len() > MAX_FILE_SIZE {
        return Err(format!(
            "{}: larger than {MAX_FILE_SIZE_TEXT}, not a Dockerfile",
            name.display()
        ));
    }
    Ok(bytes)
}

/// Runs dfix on standard input as the file `name`.
pub fn run(config: &Config, name: &Path) -> Outcome {
    let fail = |message: &str| {
        eprintln!("dfix: {message}");
        Outcome::Error
    };
    let bytes = match read_stdin(name) {
        Ok(bytes) => bytes,
        Err(message) => return fail(&message),
    };
    let settings = match Resolver::new(config.settings.clone()).for_file(name) {
        Lookup::Found(settings) => settings,
        Lookup::Error(message) => {
            // The text goes back as it came.
            let _ = std::io::stdout().lock().write_all(&bytes);
            return fail(&message);
        }
        Lookup::Skip => return Outcome::Error,
    };
    if config.walk.force_exclude && settings.excludes() {
        let cwd = std::env::current_dir().unwrap_or_default();
        if settings
            .excluded(&crate::config::discover::absolute(&cwd, name))
            .is_some()
        {
            // Left alone, as a walk would leave the file: the text as it came.
            if config.mode != Mode::Check && config.format == Format::Text {
                let _ = std::io::stdout().lock().write_all(&bytes);
            }
            return Outcome::Clean;
        }
    }
    let options = config.file.for_file(name, settings);
    let original = bytes.clone();
    let report = match engine::process_stdin(name, bytes, &options) {
        Ok(report) => report,
        Err(message) => {
            if config.mode != Mode::Check && config.format == Format::Text {
                let _ = std::io::stdout().lock().write_all(&original);
            }
            return fail(&message);
        }
    };
    let failed = !report.problems.is_empty();
    let mut outcome = if failed {
        Outcome::Error
    } else {
        Outcome::Clean
    };
    let pending = match config.mode {
        Mode::Check => report.has_findings(),
        Mode::DryRun => report.has_findings() || report.changes(),
        Mode::Write => report.manual().next().is_some(),
    };
    if pending {
        outcome = outcome.max(Outcome::Findings);
    }
    let stdout = match config.format {
        Format::Json | Format::Sarif => {
            let mut summary = Summary::default();
            summary.add(&report);
            if failed {
                summary.errors += 1;
            }
            let files = [output::json::FileJson::from_report(&report)];
            if config.format == Format::Json {
                output::json::document(&files, &[], &summary)
            } else {
                output::sarif::document(&files)
            }
        }
        Format::Text => {
            let mut err = String::new();
            for problem in &report.problems {
                err.push_str(&format!("dfix: {problem}\n"));
            }
            for warning in &report.env_warnings {
                err.push_str(&format!("dfix: warning: {warning}\n"));
            }
            let out = if config.mode == Mode::Check {
                output::finding_lines(&report)
            } else {
                if report.manual().next().is_some() {
                    err.push_str(&output::finding_lines(&report));
                }
                if report.changes() {
                    err.push_str(&output::summary(&report, config.style()));
                }
                for notice in &report.notices {
                    err.push_str(notice);
                    err.push('\n');
                }
                if failed {
                    report.original.clone()
                } else {
                    report.rewritten.clone()
                }
            };
            let _ = std::io::stderr().lock().write_all(err.as_bytes());
            out
        }
    };
    let _ = std::io::stdout().lock().write_all(stdout.as_bytes());
    outcome
}
