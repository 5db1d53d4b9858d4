//! The callers of a Dockerfile during a run: before a secret `ARG` goes,
//! the files that build the Dockerfile ([`crate::callers`]) are asked
//! whether they can pass it as a secret instead. An arg some caller cannot
//! move stays an `ARG` (a finding for a person, naming that caller), so a
//! repository is never half-migrated; the others are migrated on both
//! sides, with the secrets style (`--secrets`) chosen here.
//!
//! [`decide`] runs per Dockerfile, in the engine; [`apply`] gathers every
//! Dockerfile's [`CallerMigration`] per repository once all are planned,
//! and rewrites each caller file once.

pub mod apply;
mod frontend;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::callers::{Discovery, Migration, Target};
use crate::config::SecretsStyle;
use crate::deploy;
use crate::rules::{EnvValue, PerSecret};
use crate::syntax::Dockerfile;

/// What the callers of one Dockerfile mean for its fix.
#[derive(Debug, Default)]
pub struct Decision {
    /// Secret args that must stay `ARG`s, with why (the caller's place).
    pub blocked: BTreeMap<String, String>,
    /// `Some` when the build reads former build args as secrets of their
    /// own.
    pub per_secret: Option<PerSecret>,
    /// The repository and its callers, when any caller builds the
    /// Dockerfile.
    pub repository: Option<Repository>,
    /// Args a caller passes that can move (with where), for
    /// [`expanded_by_env_file`].
    pub passed: BTreeMap<String, Vec<String>>,
}

/// A repository's callers, as found once per run.
#[derive(Clone, Debug)]
pub struct Repository {
    /// Absolute.
    pub root: PathBuf,
    /// The root as shown: relative to the working directory, or absolute
    /// when the Dockerfile was named so.
    pub shown_root: PathBuf,
    pub discovery: Arc<Discovery>,
}

/// The args one Dockerfile's fix moved, for its callers' rewrite.
#[derive(Clone, Debug)]
pub struct CallerMigration {
    pub repository: Repository,
    pub migration: Migration,
}

/// The repository holding the Dockerfile at `abs`: the nearest ancestor
/// with `.git`; outside git, the directory named on the command line that
/// holds it (`roots`, absolute), else the Dockerfile's directory.
pub fn repository_root(abs: &Path, roots: &[PathBuf]) -> PathBuf {
    let dir = abs.parent().unwrap_or(Path::new("/"));
    if let Some(git) = dir.ancestors().find(|a| a.join(".git").exists()) {
        return git.to_path_buf();
    }
    roots
        .iter()
        .filter(|r| dir.starts_with(r))
        .max_by_key(|r| r.components().count())
        .cloned()
        .unwrap_or_else(|| deploy::repository_root(dir))
}

/// Asks the callers of the Dockerfile at `path` (parsed as `d`) about the
/// secret build args its fix would remove (`args`), and settles the
/// secrets style: `auto` is one secret per arg when a caller passes one of
/// them, the `.env` file otherwise. With the `.env` file, an arg a caller
/// passes stays (the caller would have no way to pass it).
pub fn decide(
    path: &Path,
    d: &Dockerfile<'_>,
    args: &[String],
    style: SecretsStyle,
    roots: &[PathBuf],
) -> Decision {
    let Ok(abs) = std::path::absolute(path) else {
        return Decision::default();
    };
    let root = repository_root(&abs, roots);
    let discovery = match deploy::discovered(&root) {
        Ok(d) => d,
        // Callers unknown: nothing may move.
        Err(why) => {
            return Decision {
                blocked: args
                    .iter()
                    .map(|a| (a.clone(), format!("{why}; the ARG stays")))
                    .collect(),
                ..Decision::default()
            }
        }
    };
    let shown_root = if path.is_absolute() {
        root.clone()
    } else {
        deploy::relative_to_cwd(&root)
    };
    let shown = |file: &Path, line: usize| {
        let file = shown_root.join(file);
        if line == 0 {
            file.display().to_string()
        } else {
            format!("{}:{line}", file.display())
        }
    };
    let readiness = discovery.check(&abs, args);
    let mut blocked: BTreeMap<String, String> = BTreeMap::new();
    for b in &readiness.blocked {
        let place = format!("{} ({})", shown(&b.file, b.line), b.reason);
        blocked
            .entry(b.arg.clone())
            .and_modify(|why| {
                why.push_str("; ");
                why.push_str(&place);
            })
            .or_insert(place);
    }
    for why in blocked.values_mut() {
        *why = format!(
            "a caller passes it with --build-arg and dfix cannot move it: {why}; \
             the ARG stays until a person moves that caller"
        );
    }
    // Args a caller certainly passes and can pass as a secret.
    let mut passed: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for inv in discovery.callers_of(&abs) {
        if !matches!(inv.dockerfile, Target::Resolved { .. }) {
            continue;
        }
        for a in inv.args.iter().filter(|a| args.contains(&a.name)) {
            if !blocked.contains_key(&a.name) {
                passed
                    .entry(a.name.clone())
                    .or_default()
                    .push(shown(&inv.file, a.line));
            }
        }
    }
    let style = match style {
        SecretsStyle::Auto if passed.is_empty() => SecretsStyle::EnvFile,
        SecretsStyle::Auto => SecretsStyle::PerSecret,
        s => s,
    };
    if style == SecretsStyle::EnvFile {
        for (name, places) in std::mem::take(&mut passed) {
            blocked.insert(
                name,
                format!(
                    "{} pass{} it with --build-arg, and with --secrets env-file there is no \
                     way to pass it: use --secrets per-secret (or auto)",
                    places.join(", "),
                    if places.len() == 1 { "es" } else { "" }
                ),
            );
        }
    }
    let repository = (!readiness.callers.is_empty()).then_some(Repository {
        root,
        shown_root,
        discovery,
    });
    Decision {
        passed,
        blocked,
        per_secret: (style == SecretsStyle::PerSecret).then(|| PerSecret {
            env_mount: frontend::sets_secret_env(d),
        }),
        repository,
    }
}

/// Former build args a caller passes (`passed`) that the fix in `analysis`
/// still needs the `.env` file for: an entry built from them (`GOPROXY=
/// "https://ci:${GOPROXY_TOKEN}@..."`, DF004), which no caller passes. Each
/// with why it must stay an `ARG`.
pub fn expanded_by_env_file(
    analysis: &crate::Analysis,
    passed: &BTreeMap<String, Vec<String>>,
) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for e in &analysis.env {
        let (EnvValue::Derived(template) | EnvValue::Collected(template)) = &e.value else {
            continue;
        };
        for name in analysis
            .per_secret
            .iter()
            .filter(|n| passed.contains_key(*n))
        {
            if crate::secrets::url::references(template, name) {
                out.entry(name.clone()).or_insert_with(|| {
                    format!(
                        "the fix builds {} in the .env file from it, and {} pass{} no .env \
                         file: a person must move that value out of the .env first",
                        e.name,
                        passed[name].join(", "),
                        if passed[name].len() == 1 { "es" } else { "" }
                    )
                });
            }
        }
    }
    out
}
