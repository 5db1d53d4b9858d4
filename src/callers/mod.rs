//! Build callers: the files of a repository that build its Dockerfiles and
//! pass build args (compose files, GitHub workflows and actions, GitLab CI,
//! CircleCI, Travis, Makefiles, shell scripts, Jenkinsfiles, skaffold), and
//! the byte-exact edits that make them pass BuildKit secrets instead once
//! dfix has turned an `ARG` into a secret mount.
//!
//! The flow, for a planner that migrates Dockerfiles:
//! 1. [`discover`] the repository once;
//! 2. for each Dockerfile, [`Discovery::check`] says which of its secret
//!    args every caller can pass as a secret (`migratable`) and which must
//!    stay `ARG`s because some caller cannot be rewritten or might build the
//!    Dockerfile without us knowing (`blocked`, with each place);
//! 3. the planner decides;
//! 4. [`Discovery::rewrite`] gives the caller edits for what was migrated,
//!    each file verified by re-parsing, and the secrets CI must now provide.
//!
//! The secret id is always the arg's name, so the Dockerfile side mounts
//! `--mount=type=secret,id=NAME`.

mod actions;
mod ci;
mod command;
mod compose;
mod embed;
mod files;
mod jenkins;
mod make;
mod plan;
mod quote;
mod report;
mod rewrite;
mod scalar;
mod scan;
mod sh;
mod skaffold;
mod yaml;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::syntax::Span;

pub use plan::Migration;
pub use report::{
    Blocked, CallerRef, FileRewrite, Readiness, RequiredSecret, Rewrite, SecretSource,
};

/// Everything found in one repository.
#[derive(Debug, Default, Serialize)]
pub struct Discovery {
    pub root: PathBuf,
    /// Every build invocation, in file order.
    pub invocations: Vec<Invocation>,
    /// Callers that only hand values to another caller (`make X=...`,
    /// `docker compose up`, a script run from CI, GitLab `variables:`).
    pub indirect: Vec<Indirect>,
    /// Caller files that could not be read or parsed (those callers are
    /// unknown: see [`Discovery::check`]).
    pub errors: Vec<FileError>,
    #[serde(skip)]
    pub(crate) sources: BTreeMap<PathBuf, Source>,
}

/// One build: which Dockerfile, which args.
#[derive(Clone, Debug, Serialize)]
pub struct Invocation {
    /// The caller file, relative to the repository.
    pub file: PathBuf,
    pub line: usize,
    /// The whole invocation in the caller file (a command line, a compose
    /// service's `build:`, a workflow step).
    pub span: Span,
    pub caller: CallerKind,
    pub dockerfile: Target,
    pub args: Vec<BuildArg>,
    /// Build args come from somewhere dfix cannot read (a `--build-arg`
    /// word that is not literal, `--build-arg-file`): any arg may be passed.
    pub hidden_args: bool,
    /// Why no pass site of this caller can be rewritten, if so.
    pub blocked: Option<String>,
    #[serde(skip)]
    pub(crate) how: How,
}

/// What kind of caller an invocation is.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum CallerKind {
    /// A compose service's `build:`.
    Compose { service: String },
    /// `docker/build-push-action`; `major` is 1 for `build_args:` (no
    /// secrets input), else the version of the `@ref` when it says one.
    BuildPushAction { major: Option<u32> },
    /// Another action with a build-args input.
    Action { uses: String },
    /// A command line: `docker build`, `docker buildx build`, `podman build`,
    /// `buildah bud`, `docker compose build --build-arg`.
    Command { program: String },
    /// A skaffold artifact.
    Skaffold { image: String },
}

/// The Dockerfile an invocation builds.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Target {
    /// A path relative to the repository (not checked to exist).
    Resolved { path: PathBuf },
    /// Not known from the text. `candidates` are repository-relative
    /// patterns (`*` for any text) of what it might be; empty when it might
    /// be any Dockerfile.
    Ambiguous {
        reason: String,
        candidates: Vec<String>,
    },
}

/// One build arg at one pass site.
#[derive(Clone, Debug, Serialize)]
pub struct BuildArg {
    pub name: String,
    pub value: ArgValue,
    /// The pass site in the caller file (`--build-arg NAME=...`, the
    /// compose `args` entry, the `build-args:` line).
    pub span: Span,
    pub line: usize,
    /// Why this pass site cannot become a secret, if it cannot.
    pub blocked: Option<String>,
    /// Where the secret's value will come from once migrated.
    pub source: Option<SecretSource>,
    #[serde(skip)]
    pub(crate) site: ArgSite,
}

/// How a build arg's value is given. Literal values are never kept.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", content = "name", rename_all = "snake_case")]
pub enum ArgValue {
    /// No value: taken from the caller's environment (`- NPM_TOKEN`,
    /// `--build-arg NPM_TOKEN`).
    PassThrough,
    /// A literal value (not shown).
    Literal,
    /// `$VAR` / `${VAR}` (shell, compose) or `{{.VAR}}` (skaffold).
    Env(String),
    /// make's `$(VAR)` in a recipe.
    MakeVar(String),
    /// A GitHub Actions expression such as `secrets.NPM_TOKEN`.
    Expression(String),
    /// A Groovy interpolation in a Jenkinsfile (`${VAR}`, `${env.VAR}`).
    Groovy(String),
    /// Computed when the caller runs (`$(cat f)`, `${X:-y}`, `prefix$X`).
    Computed,
}

/// A caller that runs another caller.
#[derive(Clone, Debug, Serialize)]
pub struct Indirect {
    pub file: PathBuf,
    pub line: usize,
    /// `make`, `compose`, `script` or `variables`.
    pub what: String,
    /// What it runs (a Makefile, compose file or script), when known.
    pub runs: Option<PathBuf>,
    /// Make targets or the compose subcommand.
    pub targets: Vec<String>,
    /// Variables it sets for what it runs, with how each value is given.
    pub passes: Vec<(String, ArgValue)>,
}

#[derive(Clone, Debug, Serialize)]
pub struct FileError {
    pub file: PathBuf,
    pub message: String,
}

/// A caller file's text and what kind of file it is.
#[derive(Clone)]
pub(crate) struct Source {
    pub text: String,
    pub kind: files::FileKind,
}

/// Without the text: a caller file may hold a literal secret.
impl std::fmt::Debug for Source {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Source")
            .field("kind", &self.kind)
            .field("bytes", &self.text.len())
            .finish()
    }
}

/// A location in a YAML tree: keys and sequence indexes from the root.
pub(crate) type YamlPath = Vec<Seg>;

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Seg {
    Key(String),
    Index(usize),
}

/// How an invocation is rewritten (private to the module).
#[derive(Clone, Debug, Default)]
pub(crate) enum How {
    /// Through its args' command words.
    Command,
    /// A compose service at this path (`services.<name>`).
    Compose(YamlPath),
    /// A workflow step's `with:` mapping.
    BuildPushAction(YamlPath),
    /// A skaffold artifact.
    Skaffold(YamlPath),
    #[default]
    None,
}

/// How one pass site is rewritten.
#[derive(Clone, Debug, Default)]
pub(crate) enum ArgSite {
    /// `--build-arg` words in a script: the raw spans of the flag word and
    /// of the value word (`None` for `--build-arg=NAME=...`), and how text
    /// is written there.
    Words {
        flag: Span,
        value: Option<Span>,
        host: embed::Host,
        /// Where the script is: the YAML scalar's or Groovy literal's span,
        /// or the start of a recipe line.
        script_at: Span,
        /// The same two words' spans in the script text.
        flag_text: Span,
        value_text: Option<Span>,
    },
    /// An entry of a YAML mapping or sequence, by index.
    Entry(usize),
    /// A line of a `build-args:` scalar, by index among its items.
    Line(usize),
    #[default]
    None,
}

/// The BuildKit secret id a migrated arg is passed as: the arg's own name.
/// The Dockerfile side mounts `--mount=type=secret,id=<this>`.
pub fn secret_id(arg_name: &str) -> &str {
    arg_name
}

/// Finds every build caller under `repo_root` (walking with `.gitignore`
/// honoured, `.git` skipped).
pub fn discover(repo_root: &Path) -> Discovery {
    let mut d = Discovery {
        root: repo_root.to_path_buf(),
        ..Discovery::default()
    };
    // Scripts last: the callers that run them say where they run.
    let mut callers = files::callers(repo_root, &mut d.errors);
    callers.sort_by_key(|(_, kind)| *kind == files::FileKind::Shell);
    let mut script_runs: Vec<(PathBuf, scan::Cwd)> = Vec::new();
    // A script named by another script may run from anywhere that one does:
    // only callers outside scripts tell a script's directory.
    let script_texts: Vec<(PathBuf, String)> = callers
        .iter()
        .filter(|(_, k)| *k == files::FileKind::Shell)
        .map(|(p, _)| {
            (
                p.clone(),
                std::fs::read_to_string(repo_root.join(p)).unwrap_or_default(),
            )
        })
        .collect();
    for (rel, kind) in callers {
        let text = match std::fs::read(repo_root.join(&rel)) {
            Ok(bytes) => match String::from_utf8(bytes) {
                Ok(t) => t,
                Err(_) => {
                    d.errors.push(FileError {
                        file: rel,
                        message: "not UTF-8".into(),
                    });
                    continue;
                }
            },
            Err(e) => {
                d.errors.push(FileError {
                    file: rel,
                    message: e.to_string(),
                });
                continue;
            }
        };
        let mut found = scan::Found::default();
        let ctx = scan::Ctx {
            root: repo_root,
            file: &rel,
            src: &text,
        };
        let result = match kind {
            files::FileKind::Compose => compose::discover(&ctx, &mut found),
            files::FileKind::Workflow | files::FileKind::Action => {
                actions::discover(&ctx, &mut found)
            }
            files::FileKind::GitlabCi | files::FileKind::Circle | files::FileKind::Travis => {
                ci::discover(&ctx, kind, &mut found)
            }
            files::FileKind::Makefile => make::discover(&ctx, &mut found),
            files::FileKind::Shell => {
                let name = rel
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
                let named_by_script = script_texts
                    .iter()
                    .any(|(p, t)| *p != rel && t.contains(&name));
                let run_from: Vec<&scan::Cwd> = if named_by_script {
                    Vec::new()
                } else {
                    script_runs
                        .iter()
                        .filter(|(p, _)| *p == rel)
                        .map(|(_, c)| c)
                        .collect()
                };
                scan::discover_script(&ctx, &run_from, &mut found)
            }
            files::FileKind::Jenkinsfile => jenkins::discover(&ctx, &mut found),
            files::FileKind::Skaffold => skaffold::discover(&ctx, &mut found),
        };
        if let Err(message) = result {
            d.errors.push(FileError {
                file: rel.clone(),
                message,
            });
        }
        script_runs.extend(found.script_runs);
        d.invocations.extend(found.invocations);
        d.indirect.extend(found.indirect);
        d.sources.insert(rel, Source { text, kind });
    }
    d.invocations
        .sort_by(|a, b| (&a.file, a.line).cmp(&(&b.file, b.line)));
    d.indirect
        .sort_by(|a, b| (&a.file, a.line).cmp(&(&b.file, b.line)));
    d
}

impl Target {
    /// True when this target is, or might be, `dockerfile` (relative to the
    /// repository).
    pub fn might_be(&self, dockerfile: &Path) -> bool {
        match self {
            Target::Resolved { path } => path == dockerfile,
            Target::Ambiguous { candidates, .. } => {
                let name = dockerfile.to_string_lossy();
                candidates.is_empty() || candidates.iter().any(|c| scan::glob(c, &name))
            }
        }
    }
}

/// `path` relative to `root`, with `.` and `..` resolved by text; `None`
/// when it leaves the repository.
pub(crate) fn normalize(root: &Path, path: &Path) -> Option<PathBuf> {
    let path = path.strip_prefix(root).unwrap_or(path);
    let mut out: Vec<&std::ffi::OsStr> = Vec::new();
    for c in path.components() {
        match c {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                out.pop()?;
            }
            std::path::Component::Normal(n) => out.push(n),
            _ => return None,
        }
    }
    Some(out.iter().collect())
}
