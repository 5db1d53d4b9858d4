//! What the planner and the JSON report get: per Dockerfile, which secret
//! args can move and which must stay (with every place that holds them);
//! after the rewrite, the edited files and every secret CI must provide.
//! No value is ever included.

use std::path::PathBuf;

use serde::Serialize;

use super::{CallerKind, FileError};
use crate::fix::Edit;

/// Where a migrated secret's value comes from at the caller.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum SecretSource {
    /// An environment variable of the caller (`--secret id=NAME,env=VAR`,
    /// compose `environment: VAR`).
    Env { var: String },
    /// A GitHub Actions expression, kept as it was (`${{ secrets.NPM }}`).
    GithubExpression { expression: String },
}

/// The answer to [`super::Discovery::check`] for one Dockerfile.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Readiness {
    pub dockerfile: PathBuf,
    /// Callers that build it, or might.
    pub callers: Vec<CallerRef>,
    /// Secret args that every caller can pass as secrets (or that no caller
    /// passes): safe to migrate.
    pub migratable: Vec<String>,
    /// Secret args that must stay `ARG`s, with each place that holds them.
    pub blocked: Vec<Blocked>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CallerRef {
    pub file: PathBuf,
    pub line: usize,
    pub caller: CallerKind,
    /// False when the caller only might build this Dockerfile.
    pub certain: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Blocked {
    pub arg: String,
    pub file: PathBuf,
    pub line: usize,
    pub reason: String,
}

/// The result of [`super::Discovery::rewrite`].
#[derive(Clone, Debug, Default, Serialize)]
pub struct Rewrite {
    pub files: Vec<FileRewrite>,
    /// Every secret the callers now pass: create these in CI before merging.
    pub secrets: Vec<RequiredSecret>,
    /// Pass sites that could not be rewritten (the planner migrated an arg
    /// that `check` had blocked, or a file failed its re-parse check): the
    /// files named here are left unchanged.
    pub errors: Vec<FileError>,
}

/// One caller file's edits (byte ranges of the original text).
#[derive(Clone, Debug, Serialize)]
pub struct FileRewrite {
    pub path: PathBuf,
    pub edits: Vec<Edit>,
    #[serde(skip)]
    pub original: String,
    #[serde(skip)]
    pub rewritten: String,
}

impl FileRewrite {
    /// The git-style unified diff of the rewrite.
    pub fn diff(&self) -> String {
        let path = self.path.to_string_lossy();
        similar::TextDiff::from_lines(&self.original, &self.rewritten)
            .unified_diff()
            .context_radius(3)
            .header(&format!("a/{path}"), &format!("b/{path}"))
            .to_string()
    }
}

/// A secret a caller must now provide.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct RequiredSecret {
    /// The secret id (the former build arg's name).
    pub id: String,
    pub source: SecretSource,
    /// The caller file and the line of the pass site.
    pub file: PathBuf,
    pub line: usize,
    /// The Dockerfile that mounts it.
    pub dockerfile: PathBuf,
}
