//! The subcommands that explain rather than process: `dfix rule`,
//! `dfix config`, `dfix completions`, `dfix man`.

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::CommandFactory;

use crate::cli::{Cli, Command, Outcome};
use crate::config::{show, Lookup, Resolver};
use crate::rules::{docs, Rule};

/// Runs a subcommand.
pub fn run(command: &Command) -> Outcome {
    let printed = match command {
        Command::Rule { rule, all, color } => match (rule, all) {
            (_, true) => Ok(docs::list()),
            (Some(code), false) => match Rule::from_code(code) {
                Some(rule) => Ok(docs::render(rule, color.on_stdout())),
                None => Err(format!(
                    "unknown rule `{code}` (dfix rule --all lists them)"
                )),
            },
            (None, false) => Err("name a rule, or give --all".into()),
        },
        Command::Config {
            path,
            settings,
            env_file,
            show_secrets,
        } => config(
            path.as_deref(),
            settings,
            env_file.as_deref(),
            *show_secrets,
        ),
        Command::Completions { shell } => {
            let mut out = Vec::new();
            clap_complete::generate(*shell, &mut Cli::command(), "dfix", &mut out);
            Ok(String::from_utf8_lossy(&out).into_owned())
        }
        Command::Man => {
            let mut out = Vec::new();
            match clap_mangen::Man::new(Cli::command()).render(&mut out) {
                Ok(()) => Ok(String::from_utf8_lossy(&out).into_owned()),
                Err(e) => Err(format!("cannot render the manual page: {e}")),
            }
        }
        Command::Debug { .. } => Err("internal error: debug is handled by the driver".into()),
    };
    match printed {
        Ok(text) => {
            // A closed pipe (`dfix man | head`) is not an error.
            let _ = std::io::stdout().lock().write_all(text.as_bytes());
            Outcome::Clean
        }
        Err(message) => {
            eprintln!("dfix: {message}");
            Outcome::Error
        }
    }
}

/// `dfix config [PATH]`.
fn config(
    path: Option<&Path>,
    settings: &crate::cli::SettingsArgs,
    env_file: Option<&Path>,
    show_secrets: bool,
) -> Result<String, String> {
    let path = path.map_or_else(|| PathBuf::from("."), Path::to_path_buf);
    if !path.exists() {
        return Err(format!("{}: no such file or directory", path.display()));
    }
    let mut resolver = Resolver::new(settings.mode()?);
    let lookup = if path.is_dir() {
        resolver.for_dir(&path)
    } else {
        resolver.for_file(&path)
    };
    let found = match lookup {
        Lookup::Found(found) => found,
        Lookup::Error(message) => return Err(message),
        Lookup::Skip => return Err("internal error: a configuration reported twice".into()),
    };
    let cli = show::CommandLine {
        env_file,
        isolated: settings.isolated,
    };
    Ok(show::render(&path, &found, &cli, show_secrets))
}
