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
  dfix rule DF002                 what a rule catches, why, an example, how safe its fix is
  dfix config app/Dockerfile      the settings in effect there, and where each came from
  dfix - --stdin-filename app/Dockerfile < app/Dockerfile   (editors: the rewritten file)
  dfix completions bash > ~/.local/share/bash-completion/completions/dfix

Silence a finding you have judged with `# dfix ignore=DF001` on the line above
the instruction, or `# dfix global ignore=DF003` for the file; settings come
from the nearest .dfix.toml. A file named like a subcommand is given as ./rule.

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

    /// How former build args reach the build: `per-secret` mounts each as
    /// its own secret (what CI passes with `--secret id=NAME,env=NAME`),
    /// `env-file` sources the `.env` file, `auto` is per-secret when a
    /// caller (compose, a workflow, a Makefile...) passes the arg and
    /// env-file otherwise. Default: the configuration's `secrets-style`,
    /// else auto.
    #[arg(long, value_enum, value_name = "STYLE")]
    pub secrets: Option<SecretsArg>,

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

    #[command(flatten)]
    pub settings: SettingsArgs,

    /// With PATH `-` (standard input): where the Dockerfile would be. Its
    /// configuration, `.env` and context are found from there, and findings
    /// are shown under this name.
    #[arg(long, value_name = "PATH")]
    pub stdin_filename: Option<PathBuf>,

    /// Leave out files matching the configuration's `exclude` even when
    /// they are named on the command line (as pre-commit names them).
    #[arg(long)]
    pub force_exclude: bool,
}

/// `--secrets`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum SecretsArg {
    Auto,
    EnvFile,
    PerSecret,
}

impl SecretsArg {
    pub fn style(self) -> crate::config::SecretsStyle {
        match self {
            SecretsArg::Auto => crate::config::SecretsStyle::Auto,
            SecretsArg::EnvFile => crate::config::SecretsStyle::EnvFile,
            SecretsArg::PerSecret => crate::config::SecretsStyle::PerSecret,
        }
    }
}

/// Where settings come from.
#[derive(Debug, Args, Clone, Default)]
pub struct SettingsArgs {
    /// Use this configuration file for every Dockerfile instead of the
    /// nearest .dfix.toml.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Ignore every configuration file: built-in settings only.
    #[arg(long, conflicts_with = "config")]
    pub isolated: bool,
}

impl SettingsArgs {
    /// The run's source of settings; the error is one line naming the file.
    pub fn mode(&self) -> Result<crate::config::Mode, String> {
        use crate::config::{file, Mode, Source};
        if self.isolated {
            return Ok(Mode::Isolated);
        }
        match &self.config {
            None => Ok(Mode::Discover),
            Some(path) => {
                let settings = file::load(path, Source::Explicit(path.clone()))?;
                Ok(Mode::Fixed(std::sync::Arc::new(settings)))
            }
        }
    }
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

impl ColorChoice {
    /// Whether to colour standard output: `auto` colours a terminal unless
    /// NO_COLOR is set.
    pub fn on_stdout(self) -> bool {
        match self {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                    && console::Term::stdout().features().is_attended()
            }
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Explain a rule: what it catches, why it matters, an example before
    /// and after, and how safe its fix is.
    Rule {
        /// A rule id or name (DF001, hardcoded-credential).
        #[arg(required_unless_present = "all")]
        rule: Option<String>,
        /// List every rule: id, name, summary.
        #[arg(long, conflicts_with = "rule")]
        all: bool,
        /// When to colour the output.
        #[arg(long, value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN")]
        color: ColorChoice,
    },
    /// Print the settings in effect for a path (default: the current
    /// directory) and where each came from.
    Config {
        path: Option<PathBuf>,
        #[command(flatten)]
        settings: SettingsArgs,
        /// As given to a run: shown as coming from the command line.
        #[arg(long, value_name = "FILE")]
        env_file: Option<PathBuf>,
        /// Print `allow-values` instead of masking them.
        #[arg(long)]
        show_secrets: bool,
    },
    /// Print a completion script for a shell.
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff; `dfix man | man -l -`).
    Man,
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
    /// Where each file's settings come from.
    pub settings: crate::config::Mode,
    /// Reading one Dockerfile from standard input, under this name (`-`
    /// when none was given).
    pub stdin: Option<PathBuf>,
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
        let stdin = cli.paths.iter().any(|p| p.as_os_str() == "-");
        if stdin && cli.paths.len() > 1 {
            return Err("`-` (standard input) must be the only PATH".into());
        }
        if cli.stdin_filename.is_some() && !stdin {
            return Err("--stdin-filename needs PATH `-` (standard input)".into());
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
        let color = cli.color.on_stdout();
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
                settings: Default::default(),
                secrets: cli.secrets.map(SecretsArg::style),
                callers: true,
                roots: std::sync::Arc::new(
                    cli.paths
                        .iter()
                        .filter(|p| p.is_dir())
                        .filter_map(|p| std::path::absolute(p).ok())
                        .collect(),
                ),
            },
            show_secrets: cli.show_secrets,
            color,
            walk: crate::walk::WalkOptions {
                no_ignore: cli.no_ignore,
                follow: cli.follow,
                force_exclude: cli.force_exclude,
            },
            format: cli.format,
            jobs: cli.jobs,
            settings: cli.settings.mode()?,
            stdin: stdin.then(|| {
                cli.stdin_filename
                    .clone()
                    .unwrap_or_else(|| PathBuf::from("-"))
            }),
        })
    }
}
