//! Command-line arguments (clap derive). Parsed once into a [`crate::Config`].

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

const EXAMPLES: &str = "\
Examples:
  dfix Dockerfile                 show the diff, the .env keys and the build command
  dfix --write Dockerfile         apply it: rewrite the Dockerfile, write .env
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
