//! Where run-time secrets go once they leave the image: the `docker run`
//! line that passes the run-time env file, and, for each compose service
//! that builds the Dockerfile, the `env_file:` or `environment:` it needs
//! (a proposal: dfix does not edit compose files for this). The compose
//! files are found with [`crate::callers`].

use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use serde::Serialize;

use crate::buildcmd::path_word;
use crate::callers::{self, CallerKind, Discovery, Target};

/// The `docker run` line for a run-time env file.
pub fn run_command(env_file: &Path) -> String {
    format!("docker run --env-file {} IMAGE", path_word(env_file))
}

/// A compose service that builds the Dockerfile, and what it needs to give
/// the container its run-time secrets.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ComposeProposal {
    /// The compose file (as reachable from where dfix runs).
    pub file: PathBuf,
    pub line: usize,
    pub service: String,
    /// The service builds this Dockerfile for sure (not "might").
    pub certain: bool,
    /// `env_file:` entry: the run-time env file relative to the compose
    /// file, when dfix writes one.
    pub env_file: Option<String>,
    /// `environment:` entries passed from the shell that runs compose,
    /// when dfix writes no file.
    pub environment: Vec<String>,
}

/// The compose services that build `dockerfile`, each with the change that
/// gives its container `names` (from `runtime_env` when dfix writes that
/// file, otherwise from the environment of compose).
pub fn compose_proposals(
    dockerfile: &Path,
    names: &[String],
    runtime_env: Option<&Path>,
) -> Vec<ComposeProposal> {
    if names.is_empty() {
        return Vec::new();
    }
    let Ok(dockerfile_abs) = std::path::absolute(dockerfile) else {
        return Vec::new();
    };
    let dir = dockerfile_abs.parent().unwrap_or(Path::new("/"));
    let root = repository_root(dir);
    let Ok(discovery) = discovered(&root) else {
        return Vec::new();
    };
    // Shown the way the Dockerfile was named: absolute, or relative to
    // where dfix runs.
    let shown_root = if dockerfile.is_absolute() {
        root.clone()
    } else {
        relative_to_cwd(&root)
    };
    discovery
        .callers_of(&dockerfile_abs)
        .into_iter()
        .filter_map(|inv| {
            let CallerKind::Compose { service } = &inv.caller else {
                return None;
            };
            let compose_dir = root.join(inv.file.parent().unwrap_or(Path::new("")));
            let env_file = runtime_env.and_then(|p| {
                let abs = std::path::absolute(p).ok()?;
                Some(relative(&compose_dir, &abs))
            });
            Some(ComposeProposal {
                file: shown_root.join(&inv.file),
                line: inv.line,
                service: service.clone(),
                certain: matches!(inv.dockerfile, Target::Resolved { .. }),
                environment: if env_file.is_some() {
                    Vec::new()
                } else {
                    names.to_vec()
                },
                env_file,
            })
        })
        .collect()
}

/// The repository holding `dir`: the nearest ancestor with `.git`, or `dir`
/// itself outside git.
pub(crate) fn repository_root(dir: &Path) -> PathBuf {
    dir.ancestors()
        .find(|a| a.join(".git").exists())
        .unwrap_or(dir)
        .to_path_buf()
}

/// One discovery per repository and run: a tree with many Dockerfiles is
/// walked once, however many threads ask for it at the same time (the
/// first walks it, the others wait for its answer). A discovery that
/// panics (a bug in a caller parser) is an error for every Dockerfile of
/// the repository, not the end of the run.
pub(crate) fn discovered(root: &Path) -> Result<Arc<Discovery>, String> {
    type Cell = Arc<OnceLock<Result<Arc<Discovery>, String>>>;
    static CACHE: OnceLock<Mutex<HashMap<PathBuf, Cell>>> = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    let cell: Cell = match cache.lock() {
        Ok(mut c) => c.entry(root.to_path_buf()).or_default().clone(),
        // A thread panicked holding the lock: discover without the cache.
        Err(_) => Arc::default(),
    };
    cell.get_or_init(|| {
        std::panic::catch_unwind(|| callers::discover(root))
            .map(Arc::new)
            .map_err(|_| {
                format!(
                    "{}: reading the files that build its Dockerfiles failed (an internal error)",
                    root.display()
                )
            })
    })
    .clone()
}

/// `path` relative to the working directory (empty for the directory
/// itself), so that `join` gives short paths.
pub(crate) fn relative_to_cwd(path: &Path) -> PathBuf {
    match std::env::current_dir()
        .ok()
        .and_then(|c| std::path::absolute(c).ok())
    {
        Some(cwd) => match relative(&cwd, path).as_str() {
            "." => PathBuf::new(),
            rel => PathBuf::from(rel),
        },
        None => path.to_path_buf(),
    }
}

fn components(p: &Path) -> Vec<Component<'_>> {
    p.components()
        .filter(|c| !matches!(c, Component::CurDir))
        .collect()
}

/// `to` relative to the directory `from` (both absolute), by text.
fn relative(from: &Path, to: &Path) -> String {
    let (from, to) = (components(from), components(to));
    let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    let mut out = PathBuf::new();
    for _ in common..from.len() {
        out.push("..");
    }
    for c in &to[common..] {
        out.push(c.as_os_str());
    }
    let s = out.to_string_lossy().into_owned();
    if s.is_empty() {
        ".".to_owned()
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths() {
        for (from, to, want) in [
            ("/r", "/r/runtime.env", "runtime.env"),
            ("/r/deploy", "/r/app/runtime.env", "../app/runtime.env"),
            ("/r/app", "/r/app", "."),
            ("/r/./app", "/r/app/x", "x"),
        ] {
            assert_eq!(relative(Path::new(from), Path::new(to)), want);
        }
    }

    #[test]
    fn run_command_quotes_the_path() {
        assert_eq!(
            run_command(Path::new("runtime.env")),
            "docker run --env-file runtime.env IMAGE"
        );
        assert_eq!(
            run_command(Path::new("my dir/-x.env")),
            "docker run --env-file 'my dir/-x.env' IMAGE"
        );
    }
}
