//! dfix: take credentials out of Dockerfiles.
//!
//! The library's entry point is [`analyze`]: one Dockerfile's text in, its
//! findings and fix out. [`driver`] runs it over files and trees for the
//! command line (`src/main.rs`).

pub mod buildcmd;
pub mod callers;
pub mod cli;
pub mod combine;
pub mod commands;
pub mod config;
pub mod context;
pub mod debug;
pub mod deploy;
pub mod driver;
pub mod engine;
pub mod env_use;
pub mod envfile;
pub mod facts;
pub mod fix;
pub mod fsio;
pub mod jobs;
pub mod migration;
pub mod output;
pub mod rules;
pub mod secrets;
pub mod shell;
pub mod stdin;
pub mod suppress;
pub mod syntax;
pub mod tools;
pub mod walk;

pub use cli::{Config, Mode, Outcome};
pub use context::BuildContext;
pub use driver::run;
pub use env_use::Use;
pub use rules::{EnvSecret, FileSecret, Finding, Notice, Options, Rule, SuppressedFinding};

/// What dfix finds in one Dockerfile and what it would change.
#[derive(Debug, Default)]
pub struct Analysis {
    pub findings: Vec<Finding>,
    /// Findings a suppression silences: reported as such, not fixed.
    pub suppressed: Vec<SuppressedFinding>,
    /// The fix as byte edits of the original text.
    pub edits: Vec<fix::Edit>,
    /// The text with the edits applied.
    pub rewritten: String,
    /// Values the build now reads from the `.env` file.
    pub env: Vec<EnvSecret>,
    /// Values the container now reads from the run-time env file
    /// (`--runtime-env`).
    pub runtime_env: Vec<EnvSecret>,
    /// Every secret environment variable the container reads at run time,
    /// moved or left for a person.
    pub runtime_names: Vec<String>,
    /// Files the build now receives as secret mounts.
    pub files: Vec<FileSecret>,
    /// Secret files to create next to the `.env` (what a RUN wrote).
    pub generated: Vec<rules::GeneratedFile>,
    /// Where literal secret values sit in the original text (fixed or not),
    /// for masking output.
    pub secret_spans: Vec<syntax::Span>,
    /// What could not be checked (no build context, a source not in it).
    pub notices: Vec<Notice>,
    /// Build-context paths the ignore file must leave out, besides the
    /// sources of [`Analysis::files`].
    pub exclude: Vec<String>,
    /// Secret build args whose `ARG` goes: what the callers passed with
    /// `--build-arg` and must now pass as secrets.
    pub removed_args: Vec<String>,
    /// Former build args the build now reads as secrets of their own
    /// (`--secret id=NAME,env=NAME`), not from the `.env` file.
    pub per_secret: Vec<String>,
}

impl Analysis {
    pub fn uses_env_file(&self) -> bool {
        !self.env.is_empty()
    }

    pub fn uses_runtime_env(&self) -> bool {
        !self.runtime_env.is_empty()
    }
}

/// Why a text could not be analysed.
#[derive(Debug, thiserror::Error)]
pub enum AnalyzeError {
    #[error("{0}")]
    Syntax(#[from] syntax::SyntaxError),
    #[error("internal error planning the fix: {0}")]
    Overlap(#[from] fix::OverlapError),
    #[error("internal error: the rewritten file does not parse ({0}); nothing written")]
    Rewritten(syntax::SyntaxError),
}

/// What [`analyze_with`] knows besides the Dockerfile's text.
#[derive(Clone, Copy)]
pub struct Input<'a> {
    /// The `.env` the fix would extend: a literal equal to one of its
    /// values reuses its name, and made-up names never take a key that
    /// holds another value.
    pub existing_env: &'a envfile::Existing,
    /// The build context, when it can be read: without it, what `COPY`
    /// brings from it is not checked (a notice says so).
    pub context: Option<&'a dyn BuildContext>,
    /// The run's settings: a configuration's secret names and values, the
    /// rules it ignores, `--runtime-env`.
    pub options: &'a Options,
}

/// Checks one Dockerfile's text and plans its fix, without a build context
/// and with the default settings. `existing_env` is the `.env` the fix
/// would extend (see [`Input`]).
pub fn analyze(source: &str, existing_env: &envfile::Existing) -> Result<Analysis, AnalyzeError> {
    let d = syntax::parse(source)?;
    analyze_parsed(&d, existing_env)
}

/// [`analyze`] with everything dfix may know: the `.env`, the context and
/// the settings.
pub fn analyze_with(source: &str, input: &Input<'_>) -> Result<Analysis, AnalyzeError> {
    let d = syntax::parse(source)?;
    analyze_parsed_with(&d, input)
}

/// [`analyze`] for a file already parsed.
pub fn analyze_parsed(
    d: &syntax::Dockerfile<'_>,
    existing_env: &envfile::Existing,
) -> Result<Analysis, AnalyzeError> {
    analyze_parsed_with(
        d,
        &Input {
            existing_env,
            context: None,
            options: &Options::default(),
        },
    )
}

/// [`analyze_with`] for a file already parsed.
pub fn analyze_parsed_with(
    d: &syntax::Dockerfile<'_>,
    input: &Input<'_>,
) -> Result<Analysis, AnalyzeError> {
    let facts = facts::Facts::new(d);
    let mut plan = rules::check(d, &facts, input.existing_env, input.options, input.context);
    let edits = combine::edits(&facts, &mut plan);
    drop(facts);
    // The intents and the plan's indexes are done with.
    let rules::Plan {
        findings,
        suppressed,
        env,
        runtime_env,
        runtime_names,
        files,
        secret_spans,
        generated,
        notices,
        exclude,
        removed_args,
        per_secret,
        ..
    } = plan;
    let rewritten = fix::apply(d.source, &edits)?;
    if rewritten != d.source {
        syntax::validate(&rewritten).map_err(AnalyzeError::Rewritten)?;
    }
    Ok(Analysis {
        findings,
        suppressed,
        edits,
        rewritten,
        env,
        runtime_env,
        runtime_names,
        files,
        generated,
        secret_spans,
        notices,
        exclude,
        removed_args: removed_args.into_iter().collect(),
        per_secret,
    })
}
