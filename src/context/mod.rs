//! The build context: the files a `COPY`/`ADD` can bring into an image.
//!
//! The rules stay pure: they never touch the disk, they ask a
//! [`BuildContext`]. [`DiskContext`] reads a directory the way BuildKit
//! sends it (its `.dockerignore` applied, see [`dockerignore`]) with bounds:
//! it never follows a link, never leaves the root, reads only regular files
//! of at most [`MAX_READ`] bytes and looks at no more than [`MAX_ENTRIES`]
//! entries per walk. [`MemoryContext`] holds files in memory, for tests and
//! for callers that have no directory.

pub mod disk;
pub mod dockerignore;
pub mod glob;

use std::collections::BTreeMap;

pub use disk::DiskContext;
pub use dockerignore::Matcher;

/// The largest context file read (a credential file is a few kilobytes).
pub const MAX_READ: u64 = 256 << 10;

/// Entries looked at per walk of a directory; past it the walk stops and
/// says so.
pub const MAX_ENTRIES: usize = 50_000;

/// Directories a walk does not enter: they are large, and what they hold
/// comes from package managers and git, not from the author.
pub const NOT_WALKED: &[&str] = &[".git", "node_modules"];

/// What a path of the context is, once the ignore file is applied.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Entry {
    File,
    Dir,
    /// A link, FIFO, socket or device: never read.
    Other,
    /// Not there.
    Missing,
    /// There, but the ignore file leaves it out of the context.
    Excluded,
}

/// The regular files under a directory that the context sends.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Listing {
    /// Paths relative to the context root, sorted.
    pub files: Vec<String>,
    /// The walk stopped at [`MAX_ENTRIES`]: there may be more.
    pub truncated: bool,
}

/// A build context that rules can question.
pub trait BuildContext: Sync {
    /// Where it is, for messages.
    fn describe(&self) -> String;
    /// What `path` is (relative to the root, `/`-separated, cleaned; `""`
    /// is the root).
    fn entry(&self, path: &str) -> Entry;
    /// The names in directory `dir` with what each is (excluded ones are
    /// [`Entry::Excluded`]), sorted.
    fn children(&self, dir: &str) -> Vec<(String, Entry)>;
    /// The text of a file the context sends, when it is a regular file of
    /// at most [`MAX_READ`] bytes holding UTF-8.
    fn read(&self, path: &str) -> Option<String>;

    /// The regular files under `dir` (the directory's own path included
    /// in each), skipping [`NOT_WALKED`] and excluded entries.
    fn files_under(&self, dir: &str) -> Listing {
        let mut out = Listing::default();
        let mut stack = vec![dir.to_owned()];
        let mut seen = 0usize;
        while let Some(d) = stack.pop() {
            for (name, entry) in self.children(&d) {
                seen += 1;
                if seen > MAX_ENTRIES {
                    out.truncated = true;
                    out.files.sort();
                    return out;
                }
                let path = join(&d, &name);
                match entry {
                    Entry::File => out.files.push(path),
                    Entry::Dir if !NOT_WALKED.contains(&name.as_str()) => stack.push(path),
                    _ => {}
                }
            }
        }
        out.files.sort();
        out
    }

    /// The paths a wildcard source matches (files and directories), sorted.
    fn expand(&self, pattern: &str) -> Vec<(String, Entry)> {
        let parts: Vec<&str> = pattern.split('/').collect();
        let mut level: Vec<String> = vec![String::new()];
        let mut found = Vec::new();
        for (i, part) in parts.iter().enumerate() {
            let last = i + 1 == parts.len();
            let mut next = Vec::new();
            for dir in &level {
                for (name, entry) in self.children(dir) {
                    if entry == Entry::Excluded || !glob::part(part, &name) {
                        continue;
                    }
                    let path = join(dir, &name);
                    if last {
                        found.push((path, entry));
                    } else if entry == Entry::Dir {
                        next.push(path);
                    }
                }
            }
            level = next;
        }
        found.sort();
        found
    }
}

/// `dir/name`, or `name` at the root.
pub fn join(dir: &str, name: &str) -> String {
    if dir.is_empty() {
        name.to_owned()
    } else {
        format!("{dir}/{name}")
    }
}

/// The context path a `COPY`/`ADD` source names: BuildKit resolves it
/// inside the context, so `../x` and `/x` both mean `x` at the root, and
/// `.` is the root (`""`). `None` for a URL or a Git source.
pub fn source_path(source: &str) -> Option<String> {
    if source.contains("://") || source.starts_with("git@") {
        return None;
    }
    let cleaned = dockerignore::clean(&format!("/{source}"));
    Some(cleaned.trim_start_matches('/').to_owned())
}

/// A context with more paths left out, as the fix leaves it once the ignore
/// file lists them: what a second run of dfix sees.
pub struct Excluding<'a> {
    pub inner: &'a dyn BuildContext,
    /// Context paths (and everything under them) now excluded.
    pub paths: Vec<String>,
}

impl Excluding<'_> {
    fn excluded(&self, path: &str) -> bool {
        self.paths.iter().any(|p| {
            path == p
                || path
                    .strip_prefix(p.as_str())
                    .is_some_and(|r| r.starts_with('/'))
        })
    }
}

impl BuildContext for Excluding<'_> {
    fn describe(&self) -> String {
        self.inner.describe()
    }

    fn entry(&self, path: &str) -> Entry {
        match self.inner.entry(path) {
            Entry::Missing => Entry::Missing,
            _ if self.excluded(path) => Entry::Excluded,
            e => e,
        }
    }

    fn children(&self, dir: &str) -> Vec<(String, Entry)> {
        self.inner
            .children(dir)
            .into_iter()
            .map(|(name, e)| {
                let e = if self.excluded(&join(dir, &name)) {
                    Entry::Excluded
                } else {
                    e
                };
                (name, e)
            })
            .collect()
    }

    fn read(&self, path: &str) -> Option<String> {
        if self.excluded(path) {
            None
        } else {
            self.inner.read(path)
        }
    }
}

/// Files in memory: for tests, and for callers that hold the files.
#[derive(Debug, Default)]
pub struct MemoryContext {
    files: BTreeMap<String, String>,
    ignore: Matcher,
}

impl MemoryContext {
    /// A context of these `(path, text)` files; a `.dockerignore` among
    /// them is read as the ignore file.
    pub fn new(files: &[(&str, &str)]) -> Result<Self, dockerignore::BadPattern> {
        let files: BTreeMap<String, String> = files
            .iter()
            .map(|(p, t)| (dockerignore::clean(p), (*t).to_owned()))
            .collect();
        let ignore = match files.get(".dockerignore") {
            Some(text) => Matcher::parse(text)?,
            None => Matcher::default(),
        };
        Ok(MemoryContext { files, ignore })
    }

    fn is_dir(&self, path: &str) -> bool {
        path.is_empty() || {
            let prefix = format!("{path}/");
            self.files
                .range(prefix.clone()..)
                .next()
                .is_some_and(|(k, _)| k.starts_with(&prefix))
        }
    }
}

impl BuildContext for MemoryContext {
    fn describe(&self) -> String {
        "(in memory)".to_owned()
    }

    fn entry(&self, path: &str) -> Entry {
        let present = self.files.contains_key(path) || self.is_dir(path);
        if !present {
            Entry::Missing
        } else if !path.is_empty() && self.ignore.excludes(path) {
            Entry::Excluded
        } else if self.files.contains_key(path) {
            Entry::File
        } else {
            Entry::Dir
        }
    }

    fn children(&self, dir: &str) -> Vec<(String, Entry)> {
        let prefix = if dir.is_empty() {
            String::new()
        } else {
            format!("{dir}/")
        };
        let mut names: Vec<String> = self
            .files
            .keys()
            .filter_map(|k| k.strip_prefix(&prefix))
            .map(|rest| rest.split('/').next().unwrap_or(rest).to_owned())
            .collect();
        names.dedup();
        names
            .into_iter()
            .map(|n| {
                let e = self.entry(&join(dir, &n));
                (n, e)
            })
            .collect()
    }

    fn read(&self, path: &str) -> Option<String> {
        if self.entry(path) != Entry::File {
            return None;
        }
        self.files
            .get(path)
            .filter(|t| t.len() as u64 <= MAX_READ)
            .cloned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sources_resolve_inside_the_context() {
        assert_eq!(source_path(".").as_deref(), Some(""));
        assert_eq!(source_path("./").as_deref(), Some(""));
        assert_eq!(source_path("../key.json").as_deref(), Some("key.json"));
        assert_eq!(
            source_path("/home/u/key.json").as_deref(),
            Some("home/u/key.json")
        );
        assert_eq!(source_path("src/").as_deref(), Some("src"));
        assert_eq!(source_path("https://example.com/x"), None);
    }

    #[test]
    fn memory_context_applies_the_ignore_file() {
        let cx = MemoryContext::new(&[
            (".dockerignore", "service-account.json\nnode_modules\n"),
            ("service-account.json", "{}"),
            ("credentials/service-account.json", "{}"),
            ("src/app.js", ""),
            ("node_modules/x/index.js", ""),
        ])
        .unwrap();
        assert_eq!(cx.entry("service-account.json"), Entry::Excluded);
        assert_eq!(cx.entry("credentials"), Entry::Dir);
        assert_eq!(cx.entry("nope"), Entry::Missing);
        let all = cx.files_under("");
        assert_eq!(
            all.files,
            [
                ".dockerignore",
                "credentials/service-account.json",
                "src/app.js"
            ]
        );
        assert!(!all.truncated);
        assert_eq!(cx.read("service-account.json"), None);
        assert_eq!(cx.read("src/app.js").as_deref(), Some(""));
        let found: Vec<String> = cx.expand("*/*.json").into_iter().map(|(p, _)| p).collect();
        assert_eq!(found, ["credentials/service-account.json"]);
    }
}
