//! A build context on disk, read within bounds.

use std::io::Read;
use std::path::{Path, PathBuf};

use super::{join, BuildContext, Entry, Matcher, MAX_READ};
use crate::fsio;

/// A directory read as BuildKit sends it.
#[derive(Debug)]
pub struct DiskContext {
    root: PathBuf,
    ignore: Matcher,
    /// What each path looked up is (DF002 and DF005 ask about the same
    /// sources).
    seen: std::sync::Mutex<std::collections::HashMap<String, Entry>>,
}

/// The ignore file BuildKit uses for `dockerfile` built in `root`: the
/// Dockerfile's own `<name>.dockerignore` beside it when there is one,
/// else `.dockerignore` at the root of the context.
pub fn ignore_path(root: &Path, dockerfile: &Path) -> PathBuf {
    if let Some(name) = dockerfile.file_name() {
        let mut own = name.to_os_string();
        own.push(".dockerignore");
        let own = dockerfile.with_file_name(own);
        if std::fs::symlink_metadata(&own).is_ok() {
            return own;
        }
    }
    root.join(".dockerignore")
}

impl DiskContext {
    /// Opens the context `root` of the Dockerfile at `dockerfile`. The
    /// error is one line: the root is not a directory, or the ignore file
    /// cannot be read or holds a pattern BuildKit refuses.
    pub fn open(root: &Path, dockerfile: &Path) -> Result<DiskContext, String> {
        let meta = std::fs::metadata(root)
            .map_err(|e| format!("{}: {}", root.display(), crate::engine::io_reason(&e)))?;
        if !meta.is_dir() {
            return Err(format!("{}: not a directory", root.display()));
        }
        let path = ignore_path(root, dockerfile);
        let ignore = match fsio::read::optional_text(&path)? {
            Some(text) => Matcher::parse(&text).map_err(|e| format!("{}: {e}", path.display()))?,
            None => Matcher::default(),
        };
        Ok(DiskContext {
            root: root.to_path_buf(),
            ignore,
            seen: Default::default(),
        })
    }

    /// What `path` is, without following a link anywhere on the way, so
    /// that no link leads out of the root.
    fn look_up(&self, path: &str) -> Entry {
        if path.split('/').any(|p| p == "..") {
            return Entry::Missing;
        }
        // The path itself first: most looked-up paths are missing or at the
        // top, and then one look is enough.
        let kind = match std::fs::symlink_metadata(self.root.join(path)) {
            Ok(meta) => Self::kind(&meta),
            Err(_) => return Entry::Missing,
        };
        if let Some((dirs, _)) = path.rsplit_once('/') {
            let mut at = self.root.clone();
            for part in dirs.split('/') {
                at.push(part);
                match std::fs::symlink_metadata(&at) {
                    Ok(meta) if meta.file_type().is_dir() => {}
                    _ => return Entry::Missing,
                }
            }
        }
        if self.ignore.excludes(path) {
            Entry::Excluded
        } else {
            kind
        }
    }

    fn kind(meta: &std::fs::Metadata) -> Entry {
        let t = meta.file_type();
        if t.is_file() {
            Entry::File
        } else if t.is_dir() {
            Entry::Dir
        } else {
            Entry::Other
        }
    }
}

impl BuildContext for DiskContext {
    fn describe(&self) -> String {
        self.root.display().to_string()
    }

    fn entry(&self, path: &str) -> Entry {
        if path.is_empty() {
            return Entry::Dir;
        }
        let cached = self
            .seen
            .lock()
            .ok()
            .and_then(|seen| seen.get(path).copied());
        if let Some(entry) = cached {
            return entry;
        }
        let entry = self.look_up(path);
        if let Ok(mut seen) = self.seen.lock() {
            seen.insert(path.to_owned(), entry);
        }
        entry
    }

    fn children(&self, dir: &str) -> Vec<(String, Entry)> {
        if self.entry(dir) != Entry::Dir {
            return Vec::new();
        }
        let Ok(read) = std::fs::read_dir(self.root.join(dir)) else {
            return Vec::new();
        };
        let mut out: Vec<(String, Entry)> = read
            .filter_map(Result::ok)
            .filter_map(|e| {
                let name = e.file_name().into_string().ok()?;
                let kind = match e.file_type() {
                    Ok(t) if t.is_file() => Entry::File,
                    Ok(t) if t.is_dir() => Entry::Dir,
                    _ => Entry::Other,
                };
                let kind = if self.ignore.excludes(&join(dir, &name)) {
                    Entry::Excluded
                } else {
                    kind
                };
                Some((name, kind))
            })
            .collect();
        out.sort();
        out
    }

    fn read(&self, path: &str) -> Option<String> {
        if self.entry(path) != Entry::File {
            return None;
        }
        let (file, meta) = fsio::read::open_regular(&self.root.join(path), false).ok()?;
        if meta.len() > MAX_READ {
            return None;
        }
        let mut bytes = Vec::new();
        file.take(MAX_READ + 1).read_to_end(&mut bytes).ok()?;
        if bytes.len() as u64 > MAX_READ {
            return None;
        }
        String::from_utf8(bytes).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_within_the_root_and_never_through_links() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("ctx");
        std::fs::create_dir_all(root.join("credentials")).unwrap();
        std::fs::write(root.join("credentials/key.json"), "{}").unwrap();
        std::fs::write(root.join(".dockerignore"), "*.log\n").unwrap();
        std::fs::write(root.join("app.log"), "x").unwrap();
        std::fs::write(dir.path().join("outside.json"), "secret").unwrap();
        std::os::unix::fs::symlink(dir.path().join("outside.json"), root.join("link.json"))
            .unwrap();
        std::os::unix::fs::symlink(dir.path(), root.join("up")).unwrap();
        std::fs::write(root.join("big.json"), vec![b'a'; MAX_READ as usize + 1]).unwrap();
        let df = root.join("Dockerfile");
        std::fs::write(&df, "FROM x\n").unwrap();
        let cx = DiskContext::open(&root, &df).unwrap();
        assert_eq!(cx.entry("credentials/key.json"), Entry::File);
        assert_eq!(cx.read("credentials/key.json").as_deref(), Some("{}"));
        assert_eq!(cx.entry("app.log"), Entry::Excluded);
        assert_eq!(cx.entry("link.json"), Entry::Other);
        assert_eq!(cx.read("link.json"), None);
        assert_eq!(cx.entry("up/outside.json"), Entry::Missing);
        assert_eq!(cx.read("big.json"), None);
        let files = cx.files_under("").files;
        assert_eq!(
            files,
            [
                ".dockerignore",
                "Dockerfile",
                "big.json",
                "credentials/key.json"
            ]
        );
    }

    #[test]
    fn the_dockerfiles_own_ignore_file_wins() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::write(root.join(".dockerignore"), "a\n").unwrap();
        std::fs::write(root.join("prod.Dockerfile.dockerignore"), "b\n").unwrap();
        std::fs::write(root.join("a"), "").unwrap();
        std::fs::write(root.join("b"), "").unwrap();
        let cx = DiskContext::open(root, &root.join("prod.Dockerfile")).unwrap();
        assert_eq!(cx.entry("a"), Entry::File);
        assert_eq!(cx.entry("b"), Entry::Excluded);
        let cx = DiskContext::open(root, &root.join("Dockerfile")).unwrap();
        assert_eq!(cx.entry("a"), Entry::Excluded);
        std::fs::write(root.join(".dockerignore"), "[\n").unwrap();
        let err = DiskContext::open(root, &root.join("Dockerfile")).unwrap_err();
        assert!(err.contains("malformed pattern"), "{err}");
    }
}
