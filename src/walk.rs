//! Finding Dockerfiles: explicit files as given, directories walked with the
//! `ignore` crate (honouring `.gitignore` and `.ignore` unless told not to),
//! each with the settings of its configuration, whose `exclude` patterns
//! leave files out of the walk.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::config::{self, Lookup, Resolver, Settings};

/// A Dockerfile by its name: `Dockerfile`, `Dockerfile.*`, `*.Dockerfile`,
/// `*.dockerfile`, `Containerfile`, `Containerfile.*`, except the names of
/// [`NOT_DOCKERFILES`].
pub fn is_dockerfile_name(name: &str) -> bool {
    (name == "Dockerfile"
        || name == "Containerfile"
        || name.starts_with("Dockerfile.")
        || name.starts_with("Containerfile.")
        || name.ends_with(".Dockerfile")
        || name.ends_with(".dockerfile"))
        && !NOT_DOCKERFILES
            .iter()
            .any(|end| ends_with_ignoring_case(name, end))
}

/// Endings of names that match the patterns above but are not Dockerfile
/// syntax, so a walk leaves them out (a file named on the command line is
/// still read): BuildKit's per-Dockerfile ignore file
/// (`Dockerfile.dockerignore`), documentation, patch output, vim swap
/// files. Backups and templates (`Dockerfile.orig`, `.bak`, `.old`, `~`,
/// `.j2`, `.tmpl`, ...) are still searched: they are Dockerfile text, and a
/// copy that holds a credential leaks it as much as the original.
pub const NOT_DOCKERFILES: &[&str] = &[
    ".dockerignore",
    ".md",
    ".markdown",
    ".rst",
    ".adoc",
    ".rej",
    ".patch",
    ".diff",
    ".swp",
    ".swo",
];

fn ends_with_ignoring_case(name: &str, end: &str) -> bool {
    name.len() >= end.len()
        && name.as_bytes()[name.len() - end.len()..].eq_ignore_ascii_case(end.as_bytes())
}

/// How to search directories.
#[derive(Clone, Copy, Debug, Default)]
pub struct WalkOptions {
    /// Also search files that `.gitignore` and `.ignore` exclude.
    pub no_ignore: bool,
    /// Follow symbolic links to directories (loops are reported).
    pub follow: bool,
    /// Apply the configuration's `exclude` to files named explicitly too.
    pub force_exclude: bool,
}

/// What a walk yields.
#[derive(Debug)]
pub enum Found {
    /// A file to process, and its settings.
    File(PathBuf, Arc<Settings>),
    /// One line naming a path that could not be searched.
    Error(String),
}

/// Walks `paths` and hands every Dockerfile and every error to `emit`, as
/// they are found, in path order (see [`order_key`]): the PATH arguments
/// sorted, each directory's files in order. Files named explicitly are
/// yielded whatever their name; a file reached twice is yielded once; a
/// file its configuration excludes is left out (when named explicitly, only
/// with `force_exclude`); a broken configuration is one error, and the
/// files it governs are left out. Stops early when `emit` returns `false`.
pub fn walk(
    paths: &[PathBuf],
    options: WalkOptions,
    resolver: &mut Resolver,
    mut emit: impl FnMut(Found) -> bool,
) {
    let cwd = std::env::current_dir().unwrap_or_default();
    let mut settle =
        |path: PathBuf, explicit: bool| settle(resolver, &cwd, path, explicit, options);
    let mut roots: Vec<&PathBuf> = paths.iter().collect();
    roots.sort_by_cached_key(|p| order_key(&normal(p)));
    let mut seen = Seen {
        paths: std::collections::HashSet::new(),
        track: options.follow || roots.len() > 1,
        resolve: options.follow,
    };
    for root in roots {
        if !root.is_dir() {
            // Named explicitly: processed whatever its name; errors come later.
            if !seen.first(root) {
                continue;
            }
            if let Some(found) = settle(root.clone(), true) {
                if !emit(found) {
                    return;
                }
            }
            continue;
        }
        let walker = ignore::WalkBuilder::new(root)
            .standard_filters(!options.no_ignore)
            .hidden(false)
            .follow_links(options.follow)
            .filter_entry(|e| e.file_name() != ".git")
            .sort_by_file_name(|a, b| a.cmp(b))
            .build();
        for entry in walker {
            let found = match entry {
                Ok(e) => {
                    let named = e.file_name().to_str().is_some_and(is_dockerfile_name);
                    // A link is taken whatever it points at: a dangling or
                    // looping one is reported when it is read.
                    let file = e.file_type().is_some_and(|t| t.is_file() || t.is_symlink());
                    if !(named && file) {
                        continue;
                    }
                    let path = e.into_path();
                    if !seen.first(&path) {
                        continue;
                    }
                    match settle(path, false) {
                        Some(found) => found,
                        None => continue,
                    }
                }
                Err(err) => Found::Error(walk_error(root, &err)),
            };
            if !emit(found) {
                return;
            }
        }
    }
}

/// A file with its settings; an error when its configuration is broken
/// (once per configuration); `None` when it is left out: excluded by its
/// configuration (named explicitly, only with `force_exclude`), or governed
/// by a broken configuration already reported.
pub fn settle(
    resolver: &mut Resolver,
    cwd: &Path,
    path: PathBuf,
    explicit: bool,
    options: WalkOptions,
) -> Option<Found> {
    match resolver.for_file(&path) {
        Lookup::Found(settings) => {
            let excluded = (!explicit || options.force_exclude)
                && settings.excludes()
                && settings
                    .excluded(&config::discover::absolute(cwd, &path))
                    .is_some();
            (!excluded).then(|| Found::File(path, settings))
        }
        Lookup::Error(message) => Some(Found::Error(message)),
        Lookup::Skip => None,
    }
}

/// The files already yielded, when a file can be reached twice: through two
/// overlapping PATH arguments, or with `--follow` through links (then keyed
/// by the file a path resolves to, so that it is processed and written once).
/// One directory walked without following links needs no record, which keeps
/// memory flat on large trees.
struct Seen {
    paths: std::collections::HashSet<PathBuf>,
    track: bool,
    resolve: bool,
}

impl Seen {
    fn first(&mut self, path: &Path) -> bool {
        if !self.track {
            return true;
        }
        let key = match self.resolve.then(|| std::fs::canonicalize(path)) {
            Some(Ok(real)) => real,
            _ => normal(path),
        };
        self.paths.insert(key)
    }
}

/// `path` without `.` components: `./a/./Dockerfile` is `a/Dockerfile`.
fn normal(path: &Path) -> PathBuf {
    path.components()
        .filter(|c| *c != std::path::Component::CurDir)
        .collect()
}

/// A sort key giving `Path`'s own order (component by component) for the
/// normalised paths a walk yields, at the cost of a byte comparison: the
/// separator becomes NUL, which no path contains, so `a/b` comes before `a.b`
/// just as component `a` comes before `a.b`.
pub fn order_key(path: &Path) -> Vec<u8> {
    let mut key = path.as_os_str().as_encoded_bytes().to_vec();
    for b in &mut key {
        if *b == b'/' {
            *b = 0;
        }
    }
    key
}

/// One line for a walk error: the path it is about, then why.
fn walk_error(root: &Path, err: &ignore::Error) -> String {
    match err {
        ignore::Error::WithDepth { err, .. } => walk_error(root, err),
        ignore::Error::WithPath { path, err } => match err.io_error() {
            Some(io) => format!("{}: {}", path.display(), crate::engine::io_reason(io)),
            None => format!("{}: {}", path.display(), walk_error(root, err)),
        },
        ignore::Error::Loop { ancestor, child } => format!(
            "{}: link loop (points to its ancestor {}), not followed",
            child.display(),
            ancestor.display()
        ),
        ignore::Error::Io(io) => format!("{}: {}", root.display(), crate::engine::io_reason(io)),
        other => format!(
            "{}: {}",
            root.display(),
            other.to_string().replace('\n', " ")
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::{is_dockerfile_name, order_key, walk, Found, WalkOptions};
    use crate::config::{Mode, Resolver};
    use std::path::{Path, PathBuf};

    /// The files a walk yields, relative to `root`, in the order yielded.
    fn walked(root: &Path, args: &[&str]) -> Vec<String> {
        let paths: Vec<PathBuf> = args.iter().map(|a| root.join(a)).collect();
        let mut out = Vec::new();
        walk(
            &paths,
            WalkOptions::default(),
            &mut Resolver::new(Mode::Isolated),
            |found| {
                match found {
                    Found::File(p, _) => {
                        out.push(p.strip_prefix(root).unwrap().display().to_string())
                    }
                    Found::Error(e) => panic!("{e}"),
                }
                true
            },
        );
        out
    }

    #[test]
    fn walks_in_path_order_and_yields_a_file_once() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        for f in [
            "a/Dockerfile",
            "a/b/Dockerfile",
            "a/z.Dockerfile",
            "a.b/Dockerfile",
            "a-c/x.dockerfile",
            "a/README.md",
        ] {
            std::fs::create_dir_all(root.join(f).parent().unwrap()).unwrap();
            std::fs::write(root.join(f), "FROM x\n").unwrap();
        }
        let all = walked(root, &["."]);
        assert_eq!(
            all,
            [
                "a/Dockerfile",
                "a/b/Dockerfile",
                "a/z.Dockerfile",
                "a-c/x.dockerfile",
                "a.b/Dockerfile",
            ]
        );
        // PATH arguments are taken in path order; one named twice, or named
        // and also inside a walked directory, is yielded once.
        let some = walked(
            root,
            &["a.b", "a", "a/Dockerfile", "./a/./Dockerfile", "a.b"],
        );
        assert_eq!(
            some,
            [
                "a/Dockerfile",
                "a/b/Dockerfile",
                "a/z.Dockerfile",
                "a.b/Dockerfile"
            ]
        );
        // Stops when told to.
        let mut n = 0;
        walk(
            &[root.to_path_buf()],
            WalkOptions::default(),
            &mut Resolver::new(Mode::Isolated),
            |_| {
                n += 1;
                n < 2
            },
        );
        assert_eq!(n, 2);
    }

    #[test]
    fn path_order_agrees_with_component_order() {
        let names = [
            "a",
            "a/b",
            "a.b",
            "a/b/c",
            "a-b/c",
            "a/b.c",
            "ab",
            "a/Dockerfile",
            "a/z.Dockerfile",
            "a/b/Dockerfile",
            "A",
            "é/x",
            "a b/c",
            "a/.env",
            "../x/y",
            "../x.y",
        ];
        for x in names {
            for y in names {
                let (px, py) = (PathBuf::from(x), PathBuf::from(y));
                assert_eq!(
                    order_key(&px).cmp(&order_key(&py)),
                    px.cmp(&py),
                    "{x} vs {y}"
                );
            }
        }
    }

    #[test]
    fn dockerfile_names() {
        for n in [
            "Dockerfile",
            "Dockerfile.dev",
            "app.Dockerfile",
            "x.dockerfile",
            "Containerfile",
            "Containerfile.ci",
        ] {
            assert!(is_dockerfile_name(n), "{n}");
        }
        for n in [
            "dockerfile-parser.rs",
            "Dockerfiles",
            "README.md",
            "docker-compose.yml",
            "Dockerfile.dockerignore",
            "app.Dockerfile.dockerignore",
            "Containerfile.dockerignore",
            "Dockerfile.md",
            "Dockerfile.README.MD",
            "Dockerfile.rej",
            "Dockerfile.patch",
            "Dockerfile.swp",
        ] {
            assert!(!is_dockerfile_name(n), "{n}");
        }
        // Backups and templates hold Dockerfile text: still searched.
        for n in [
            "Dockerfile.orig",
            "Dockerfile.bak",
            "Dockerfile.old",
            "Dockerfile.dev~",
            "Dockerfile.j2",
            "Dockerfile.tmpl",
            "Dockerfile.txt",
        ] {
            assert!(is_dockerfile_name(n), "{n}");
        }
    }
}
