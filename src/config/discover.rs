//! Finding the configuration of a Dockerfile: the nearest `.dfix.toml` in
//! its directory or a parent, up to the repository root. Each directory is
//! looked at once per run, and each file read once.

use std::collections::{HashMap, HashSet};
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

use super::{file, Settings, Source};

/// The configuration file's name.
pub const FILE_NAME: &str = ".dfix.toml";

/// Where settings come from for a run.
#[derive(Clone, Debug)]
pub enum Mode {
    /// The nearest `.dfix.toml` of each Dockerfile.
    Discover,
    /// One file for every Dockerfile (`--config FILE`).
    Fixed(Arc<Settings>),
    /// Defaults only (`--isolated`).
    Isolated,
}

/// The settings of one Dockerfile.
#[derive(Clone, Debug)]
pub enum Lookup {
    Found(Arc<Settings>),
    /// Its configuration is broken: one line naming the file and why.
    /// Said once per file; later lookups give [`Lookup::Skip`].
    Error(String),
    /// Its configuration is broken and was reported already.
    Skip,
}

/// Settings for paths, cached per directory.
#[derive(Debug)]
pub struct Resolver {
    mode: Mode,
    cwd: PathBuf,
    defaults: Arc<Settings>,
    /// Each directory asked about or passed on the way up (absolute): its
    /// configuration file, if any.
    dirs: HashMap<PathBuf, Option<PathBuf>>,
    /// The same by the directory as it was given (walks ask with relative
    /// paths): no path arithmetic for a directory seen before.
    given: HashMap<PathBuf, Option<PathBuf>>,
    /// Each configuration file read.
    files: HashMap<PathBuf, Result<Arc<Settings>, String>>,
    reported: HashSet<PathBuf>,
}

impl Resolver {
    pub fn new(mode: Mode) -> Self {
        Resolver {
            mode,
            cwd: std::env::current_dir().unwrap_or_default(),
            defaults: Arc::default(),
            dirs: HashMap::new(),
            given: HashMap::new(),
            files: HashMap::new(),
            reported: HashSet::new(),
        }
    }

    /// The settings of the Dockerfile at `path`.
    pub fn for_file(&mut self, path: &Path) -> Lookup {
        let dir = path.parent().unwrap_or(Path::new(""));
        self.for_dir(dir)
    }

    /// The settings of the Dockerfiles in `dir`.
    pub fn for_dir(&mut self, dir: &Path) -> Lookup {
        let found = match &self.mode {
            Mode::Fixed(settings) => return Lookup::Found(settings.clone()),
            Mode::Isolated => return Lookup::Found(self.defaults.clone()),
            Mode::Discover => match self.given.get(dir) {
                Some(known) => known.clone(),
                None => {
                    let found = self.config_of(&absolute(&self.cwd, dir));
                    self.given.insert(dir.to_path_buf(), found.clone());
                    found
                }
            },
        };
        let Some(config) = found else {
            return Lookup::Found(self.defaults.clone());
        };
        let loaded = self.files.entry(config.clone()).or_insert_with(|| {
            file::load(&config, Source::Discovered(config.clone())).map(Arc::new)
        });
        match loaded {
            Ok(settings) => Lookup::Found(settings.clone()),
            Err(message) if self.reported.insert(config) => Lookup::Error(message.clone()),
            Err(_) => Lookup::Skip,
        }
    }

    /// The configuration file for `dir` (absolute): the nearest one up to
    /// the repository root.
    ///
    /// Most trees have no configuration, so the way up looks for the file
    /// alone; only when one is found above does each directory passed get
    /// its `.git` checked (a repository root in between cuts it off).
    fn config_of(&mut self, dir: &Path) -> Option<PathBuf> {
        let mut walked = Vec::new();
        let mut at = Some(dir);
        let mut found = None;
        while let Some(d) = at {
            if let Some(known) = self.dirs.get(d) {
                found = known.clone();
                break;
            }
            let candidate = d.join(FILE_NAME);
            // A directory of that name is not a configuration: the search
            // goes on, and reading it would fail anyway.
            if std::fs::metadata(&candidate).is_ok_and(|m| !m.is_dir()) {
                self.dirs.insert(d.to_path_buf(), Some(candidate.clone()));
                found = Some(candidate);
                break;
            }
            walked.push(d.to_path_buf());
            at = d.parent();
        }
        // From the top down: below a repository root, nothing from above.
        for d in walked.into_iter().rev() {
            if found.is_some() && d.join(".git").symlink_metadata().is_ok() {
                found = None;
            }
            self.dirs.insert(d, found.clone());
        }
        self.dirs.get(dir).cloned().flatten()
    }
}

/// `path` made absolute against `cwd`, with `.` and `..` resolved by
/// their names (links are not followed: the search goes up the path as
/// the user wrote it).
pub fn absolute(cwd: &Path, path: &Path) -> PathBuf {
    let mut out = if path.is_absolute() {
        PathBuf::new()
    } else {
        cwd.to_path_buf()
    };
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn absolute_paths_by_name() {
        let cwd = Path::new("/w/repo");
        assert_eq!(absolute(cwd, Path::new("")), Path::new("/w/repo"));
        assert_eq!(absolute(cwd, Path::new("./a/../b")), Path::new("/w/repo/b"));
        assert_eq!(absolute(cwd, Path::new("../x")), Path::new("/w/x"));
        assert_eq!(absolute(cwd, Path::new("/abs/./y")), Path::new("/abs/y"));
    }

    #[test]
    fn nearest_file_up_to_the_repository_root() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        let outer = root.join("outer");
        let inner = outer.join("sub/inner");
        std::fs::create_dir_all(inner.join("deep")).unwrap();
        std::fs::create_dir_all(outer.join(".git")).unwrap();
        std::fs::write(outer.join(FILE_NAME), "ignore = [\"DF003\"]\n").unwrap();
        // A nested repository without its own file: the outer one stops at
        // its root.
        std::fs::write(inner.join(".git"), "gitdir: elsewhere\n").unwrap();
        let mut r = Resolver::new(Mode::Discover);
        let of = |r: &mut Resolver, dir: &Path| match r.for_dir(dir) {
            Lookup::Found(s) => s.source.as_ref().map(|s| s.path().to_path_buf()),
            other => panic!("{other:?}"),
        };
        assert_eq!(of(&mut r, &outer.join("sub")), Some(outer.join(FILE_NAME)));
        assert_eq!(of(&mut r, &inner.join("deep")), None);
        std::fs::write(root.join(FILE_NAME), "ignore = [").unwrap();
        // Above the outer repository's root: not searched, so never read.
        assert_eq!(of(&mut r, &outer), Some(outer.join(FILE_NAME)));
        // The same answers whatever is asked first (the cache fills from
        // the other end).
        let mut r = Resolver::new(Mode::Discover);
        assert_eq!(of(&mut r, &inner.join("deep")), None);
        assert_eq!(of(&mut r, &inner), None);
        assert_eq!(of(&mut r, &outer.join("sub")), Some(outer.join(FILE_NAME)));
        assert_eq!(of(&mut r, &outer), Some(outer.join(FILE_NAME)));
        // A broken file is reported once.
        let mut fresh = Resolver::new(Mode::Discover);
        assert!(matches!(fresh.for_dir(root), Lookup::Error(_)));
        assert!(matches!(fresh.for_dir(root), Lookup::Skip));
    }
}
