//! Command-line arguments (clap derive), and the validated [`Config`] a run
//! is made from.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

const EXAMPLES: &str = "\
Examples:
  dfix Dockerfile                 show the diff, the .env keys and the build command
  dfix --write Dockerfile         apply it: rewrite the Dockerfile, write .env
  dfix --write --runtime-env runtime.env Dockerfile
                                  also move run-time secrets to runtime.env
  dfix --check .                  CI: list findings under the current directory
  dfix --check --format sarif . > dfix.sarif
  dfix --write --jobs 4 ~/src     migrate every repository under ~/src

Exit status: 0 clean, 1 findings or changes pending, 2 an error occurred.";

/// Take credentials out of Dockerfiles: hard-coded secrets, COPY-then-rm of
/// secret files and secret ARG/ENV become BuildKit secret mounts.
#[derive(Debug, Parser)]
#[command(
    name = "dfix",
    version,
    about,
    after_help = EXAMPLES,
    args_conflicts_with_subcommands = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,

    /// Dockerfiles, or directories to search for them.
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    #[command(flatten)]
    pub mode: ModeArgs,

    /// Print secret values instead of masking them.
    #[arg(long)]
    pub show_secrets: bool,

    /// The env file to write secrets to (default: .env next to the Dockerfile).
    #[arg(long, value_name = "FILE")]
    pub env_file: Option<PathBuf>,

    /// The build context (default: the Dockerfile's directory). Only with one file.
    #[arg(long, value_name = "DIR")]
    pub context: Option<PathBuf>,

    /// Move secrets the container reads at run time out of the image into
    /// this env file (NAME=value lines for `docker run --env-file` and
    /// compose `env_file:`). A bare name is next to each Dockerfile; a path
    /// needs exactly one Dockerfile. Without it they are left for a person.
    #[arg(long, value_name = "FILE")]
    pub runtime_env: Option<PathBuf>,

    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,

    /// Files processed in parallel (default: all cores).
    #[arg(long, short = 'j', value_name = "N")]
    pub jobs: Option<usize>,

    /// Also search files ignored by .gitignore and .ignore.
    #[arg(long)]
    pub no_ignore: bool,

    /// With --write: also replace read-only files (keeping their mode), and
    /// rewrite a Dockerfile that has several hard links in place, so that
    /// every name gets the rewrite (without it, such files are refused).
    #[arg(long)]
    pub force: bool,

    /// Follow symbolic links to directories (a link loop is reported as an error).
    #[arg(long, short = 'L')]
    pub follow: bool,

    /// When to colour the output (NO_COLOR is respected with `auto`).
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN")]
    pub color: ColorChoice,
}

/// What to do with what is found; the default is a dry run.
#[derive(Debug, Args)]
#[group(multiple = false)]
pub struct ModeArgs {
    /// Apply the changes: rewrite Dockerfiles, write .env, .dockerignore, .gitignore.
    #[arg(long, short = 'w')]
    pub write: bool,
    /// Only report findings, one per line (`file:line:col: ID message`).
    #[arg(long)]
    pub check: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Text,
    Json,
    Sarif,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Tools for looking inside dfix.
    #[command(hide = true)]
    Debug {
        #[command(subcommand)]
        what: DebugCommand,
    },
}

#[derive(Debug, Subcommand)]
pub enum DebugCommand {
    /// Print how dfix splits a Dockerfile: one JSON object per instruction.
    Parse { file: PathBuf },
}

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
    pub file: crate::engine::FileOptions,
    pub show_secrets: bool,
    pub color: bool,
    pub walk: crate::walk::WalkOptions,
    pub format: Format,
    pub jobs: Option<usize>,
}

impl Config {
    pub fn style(&self) -> crate::output::OutputStyle {
        crate::output::OutputStyle {
            color: self.color,
            show_secrets: self.show_secrets,
        }
    }
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
    pub fn from_cli(cli: &Cli) -> Result<Config, String> {
        if cli.jobs == Some(0) {
            return Err("--jobs must be at least 1".into());
        }
        if cli.paths.is_empty() {
            return Err("no PATH given (try `dfix --help`)".into());
        }
        if cli.context.is_some() && (cli.paths.len() != 1 || cli.paths[0].is_dir()) {
            return Err("--context needs exactly one Dockerfile".into());
        }
        if cli.env_file.is_some() && (cli.paths.len() != 1 || cli.paths[0].is_dir()) {
            return Err("--env-file needs exactly one Dockerfile".into());
        }
        if let Some(file) = &cli.runtime_env {
            let mut parts = file.components();
            let bare = matches!(
                (parts.next(), parts.next()),
                (Some(std::path::Component::Normal(_)), None)
            );
            if file.as_os_str().is_empty() {
                return Err("--runtime-env needs a file name".into());
            }
            if !bare && (cli.paths.len() != 1 || cli.paths[0].is_dir()) {
                return Err(
                    "--runtime-env with a directory part needs exactly one Dockerfile \
                     (a bare name such as runtime.env is put next to each Dockerfile)"
                        .into(),
                );
            }
        }
        let mode = if cli.mode.write {
            Mode::Write
        } else if cli.mode.check {
            Mode::Check
        } else {
            Mode::DryRun
        };
        let color = match cli.color {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                    && console::Term::stdout().features().is_attended()
            }
        };
        Ok(Config {
            paths: cli.paths.clone(),
            mode,
            file: crate::engine::FileOptions {
                write: mode == Mode::Write,
                check: mode == Mode::Check,
                force: cli.force,
                env_file: cli.env_file.clone(),
                context: cli.context.clone(),
                runtime_env: cli.runtime_env.clone(),
            },
            show_secrets: cli.show_secrets,
            color,
            walk: crate::walk::WalkOptions {
                no_ignore: cli.no_ignore,
                follow: cli.follow,
            },
            format: cli.format,
            jobs: cli.jobs,
        })
    }
}
