//! Settings from a configuration file, `.dfix.toml`.
//!
//! The file nearest to a Dockerfile wins: dfix looks in the Dockerfile's
//! directory, then each parent, and stops at the repository root (the
//! directory holding `.git`; outside a repository, at the file system's
//! root). Files do not merge: the nearest one is all the configuration that
//! file gets, and a key it leaves out has its default. `--config FILE`
//! replaces the search; `--isolated` ignores every file.
//!
//! * [`file`]: the keys and their checking.
//! * [`discover`]: the search, cached per directory.
//! * [`show`]: `dfix config`, the settings in effect and where each came from.

pub mod discover;
pub mod file;
pub mod show;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::Deserialize;

use crate::rules::{self, Rule};
use crate::secrets::Policy;

pub use discover::{Lookup, Mode, Resolver, FILE_NAME};

/// How the secrets of a rewritten build reach it (`secrets-style`, or
/// `--secrets`, which wins): see [`crate::migration::decide`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SecretsStyle {
    /// Let dfix choose.
    #[default]
    Auto,
    /// One `.env` file mounted as secret `env` and sourced.
    EnvFile,
    /// One secret per value.
    PerSecret,
}

impl SecretsStyle {
    pub fn as_str(self) -> &'static str {
        match self {
            SecretsStyle::Auto => "auto",
            SecretsStyle::EnvFile => "env-file",
            SecretsStyle::PerSecret => "per-secret",
        }
    }
}

/// Where the settings came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Source {
    /// The nearest `.dfix.toml`.
    Discovered(PathBuf),
    /// `--config FILE`.
    Explicit(PathBuf),
}

impl Source {
    pub fn path(&self) -> &Path {
        match self {
            Source::Discovered(p) | Source::Explicit(p) => p,
        }
    }
}

/// The settings in effect for the Dockerfiles of one directory.
#[derive(Clone, Debug, Default)]
pub struct Settings {
    /// The file they came from; `None`: every key has its default.
    pub source: Option<Source>,
    /// The keys the file sets (`secrets.extra-names` for the table's).
    pub set: Vec<&'static str>,
    /// Rules silenced wherever these settings apply.
    pub ignore: Vec<Rule>,
    /// gitignore-style patterns, relative to the file's directory: matching
    /// Dockerfiles are left out of directory walks.
    pub exclude: Vec<String>,
    matcher: Option<Arc<ignore::gitignore::Gitignore>>,
    /// The env file, relative to each Dockerfile's directory.
    pub env_file: Option<PathBuf>,
    pub secrets_style: SecretsStyle,
    pub extra_names: Vec<String>,
    pub allow_names: Vec<String>,
    pub allow_values: Vec<String>,
    /// What the rules are given, built once.
    pub rules: Arc<rules::Options>,
}

impl Settings {
    /// Builds what the rules read from the lists.
    fn built(mut self) -> Self {
        self.rules = Arc::new(rules::Options {
            policy: Policy::from_lists(&self.extra_names, &self.allow_names, &self.allow_values),
            ignore: self.ignore.clone(),
            ..rules::Options::default()
        });
        self
    }

    /// Whether the file sets `key`.
    pub fn sets(&self, key: &str) -> bool {
        self.set.contains(&key)
    }

    /// Whether `exclude` has any pattern.
    pub fn excludes(&self) -> bool {
        self.matcher.is_some()
    }

    /// The `exclude` pattern that leaves out the file at `path` (absolute),
    /// if one does.
    pub fn excluded(&self, path: &Path) -> Option<String> {
        let matcher = self.matcher.as_ref()?;
        let rel = path.strip_prefix(matcher.path()).ok()?;
        match matcher.matched_path_or_any_parents(rel, false) {
            ignore::Match::Ignore(glob) => Some(glob.original().to_owned()),
            _ => None,
        }
    }

    /// The env file for the Dockerfile at `path`, when these settings name one.
    pub fn env_file_for(&self, dockerfile: &Path) -> Option<PathBuf> {
        let name = self.env_file.as_ref()?;
        Some(dockerfile.parent().unwrap_or(Path::new("")).join(name))
    }
}
