//! dfix's temporary files: how they are named, created and put in place.
//!
//! Every file dfix writes goes through a temporary file in the same
//! directory, named `.dfix-tmp-` and twelve letters or digits (a backup for
//! an in-place rewrite adds `.bak`). The name is fixed in shape so that
//! ignore files can cover it (`.dfix-tmp-*`, see
//! [`crate::envfile::TEMP_PATTERN_GIT`]) and so that a later run can tell
//! dfix's leftovers from a user's files ([`is_temp_name`]).
//!
//! Each temporary file is created with `O_EXCL` and its final mode's
//! privacy from the first byte (0600 unless it becomes a new public file),
//! and is recorded in a process-wide list while it exists. A signal handler
//! ([`super::cleanup`]) removes what the list holds before the process
//! ends; renames happen under the list's lock, so the handler never races
//! one.

use std::fs::{self, File};
use std::hash::{BuildHasher, Hasher};
use std::io;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard};

/// The start of every temporary file's name.
pub const PREFIX: &str = ".dfix-tmp-";

/// The end of a backup's name (see [`super::write`], hard links).
pub const BACKUP_SUFFIX: &str = ".bak";

/// Letters and digits after [`PREFIX`].
const RANDOM_LEN: usize = 12;

/// A name dfix gives its temporary files: `.dfix-tmp-` and exactly twelve
/// ASCII letters or digits.
pub fn is_temp_name(name: &str) -> bool {
    name.strip_prefix(PREFIX).is_some_and(|rest| {
        rest.len() == RANDOM_LEN && rest.bytes().all(|b| b.is_ascii_alphanumeric())
    })
}

/// A backup of a file rewritten in place: a temporary name plus `.bak`.
pub fn is_backup_name(name: &str) -> bool {
    name.strip_suffix(BACKUP_SUFFIX).is_some_and(is_temp_name)
}

/// The temporary `.env` copies of dfix 0.1 (`.dfix-env-` and six letters
/// or digits, then `.tmp`): they hold secrets, so a sweep removes them too.
pub fn is_legacy_env_temp(name: &str) -> bool {
    name.strip_prefix(".dfix-env-")
        .and_then(|rest| rest.strip_suffix(".tmp"))
        .is_some_and(|mid| mid.len() == 6 && mid.bytes().all(|b| b.is_ascii_alphanumeric()))
}

/// Temporary files that exist now, for the signal handler.
static LIVE: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// The list of live temporary files, locked. While it is held, no
/// temporary file is created or renamed and the signal handler waits.
pub(crate) fn live() -> MutexGuard<'static, Vec<PathBuf>> {
    // A panic elsewhere while holding the lock leaves the list usable.
    LIVE.lock().unwrap_or_else(|e| e.into_inner())
}

/// A temporary file next to its target. Dropped without
/// [`persist`](TempFile::persist), it is removed.
#[derive(Debug)]
pub struct TempFile {
    path: PathBuf,
    file: File,
    /// Renamed into place: nothing to remove.
    placed: bool,
}

impl TempFile {
    /// Creates a new temporary file in `dir` with permission bits `mode`
    /// (the umask applies), named [`PREFIX`] + random + `suffix`.
    pub fn create(dir: &Path, mode: u32, suffix: &str) -> io::Result<TempFile> {
        super::cleanup::install();
        let mut live = live();
        let mut tries = 0;
        loop {
            let path = dir.join(format!("{PREFIX}{}{suffix}", random_name()));
            let opened = fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .mode(mode)
                .custom_flags(libc::O_NOFOLLOW | libc::O_CLOEXEC)
                .open(&path);
            match opened {
                Ok(file) => {
                    live.push(path.clone());
                    return Ok(TempFile {
                        path,
                        file,
                        placed: false,
                    });
                }
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists && tries < 100 => tries += 1,
                Err(e) => return Err(e),
            }
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn file(&self) -> &File {
        &self.file
    }

    /// Renames the file over `target`.
    pub fn persist(mut self, target: &Path) -> io::Result<()> {
        test_pause();
        // The guard goes before `self` can drop (which takes it again).
        {
            let mut live = live();
            fs::rename(&self.path, target)?;
            forget(&mut live, &self.path);
        }
        self.placed = true;
        Ok(())
    }

    /// Puts the file at `target` only if nothing is there yet
    /// (`AlreadyExists` otherwise).
    pub fn persist_noclobber(mut self, target: &Path) -> io::Result<()> {
        test_pause();
        {
            let mut live = live();
            match fs::hard_link(&self.path, target) {
                Ok(()) => {
                    let _ = fs::remove_file(&self.path);
                }
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => return Err(e),
                // A filesystem without hard links: check, then rename.
                Err(_) if fs::symlink_metadata(target).is_ok() => {
                    return Err(io::ErrorKind::AlreadyExists.into())
                }
                Err(_) => fs::rename(&self.path, target)?,
            }
            forget(&mut live, &self.path);
        }
        self.placed = true;
        Ok(())
    }
}

impl TempFile {
    /// Leaves the file where it is, under its temporary name.
    pub fn keep(mut self) -> PathBuf {
        forget(&mut live(), &self.path);
        self.placed = true;
        self.path.clone()
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        if self.placed {
            return;
        }
        let mut live = live();
        let _ = fs::remove_file(&self.path);
        forget(&mut live, &self.path);
    }
}

fn forget(live: &mut Vec<PathBuf>, path: &Path) {
    if let Some(at) = live.iter().position(|p| p == path) {
        live.swap_remove(at);
    }
}

/// Twelve letters and digits, different for every call: the process's
/// random hash keys over a counter, the time and the process id. `O_EXCL`
/// settles the rare clash.
fn random_name() -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    const ALPHABET: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u64(COUNTER.fetch_add(1, Ordering::Relaxed));
    hasher.write_u32(std::process::id());
    if let Ok(now) = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH) {
        hasher.write_u128(now.as_nanos());
    }
    let mut bits = u128::from(hasher.finish()) << 64;
    hasher.write_u8(0);
    bits |= u128::from(hasher.finish());
    (0..RANDOM_LEN)
        .map(|_| {
            let c = ALPHABET[(bits % ALPHABET.len() as u128) as usize] as char;
            bits /= ALPHABET.len() as u128;
            c
        })
        .collect()
}

/// A test hook: `DFIX_TEST_PAUSE_BEFORE_RENAME=MS` sleeps that long before
/// each temporary file is put in place, so that tests can signal a write in
/// progress.
fn test_pause() {
    static PAUSE: std::sync::OnceLock<Option<u64>> = std::sync::OnceLock::new();
    let pause = PAUSE.get_or_init(|| {
        std::env::var("DFIX_TEST_PAUSE_BEFORE_RENAME")
            .ok()
            .and_then(|v| v.parse().ok())
    });
    if let Some(ms) = pause {
        std::thread::sleep(std::time::Duration::from_millis(*ms));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write as _;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn names() {
        for _ in 0..100 {
            let name = format!("{PREFIX}{}", random_name());
            assert!(is_temp_name(&name), "{name}");
            assert!(is_backup_name(&format!("{name}{BACKUP_SUFFIX}")));
            assert!(!is_backup_name(&name));
        }
        assert_ne!(random_name(), random_name());
        for other in [
            ".dfix-tmp-",
            ".dfix-tmp-short",
            ".dfix-tmp-Ab3dEf9hJk2mX",
            ".dfix-tmp-Ab3dEf9hJk2.",
            ".dfix-tmp-notes.txt",
            "dfix-tmp-Ab3dEf9hJk2m",
            ".dfix-tmp-Ab3dEf9hJk2m.tmp",
            ".env",
        ] {
            assert!(!is_temp_name(other), "{other}");
        }
        assert!(is_legacy_env_temp(".dfix-env-x7Yz9Q.tmp"));
        for other in [".dfix-env-notes.tmp", ".dfix-env-x7Yz9Q", ".dfix-x7Yz9Q"] {
            assert!(!is_legacy_env_temp(other), "{other}");
        }
    }

    #[test]
    fn create_persist_and_drop() {
        let dir = tempfile::tempdir().unwrap();
        let mut tmp = TempFile::create(dir.path(), 0o600, "").unwrap();
        assert!(is_temp_name(
            &tmp.path().file_name().unwrap().to_string_lossy()
        ));
        assert_eq!(
            fs::metadata(tmp.path()).unwrap().permissions().mode() & 0o777,
            0o600
        );
        assert!(live().contains(&tmp.path().to_path_buf()));
        tmp.file.write_all(b"x").unwrap();
        let path = tmp.path().to_path_buf();
        tmp.persist(&dir.path().join("out")).unwrap();
        assert!(!live().contains(&path));
        assert_eq!(fs::read(dir.path().join("out")).unwrap(), b"x");

        let tmp = TempFile::create(dir.path(), 0o600, BACKUP_SUFFIX).unwrap();
        let path = tmp.path().to_path_buf();
        assert!(path.exists());
        drop(tmp);
        assert!(!path.exists() && !live().contains(&path));

        // No clobbering.
        let tmp = TempFile::create(dir.path(), 0o600, "").unwrap();
        let err = tmp.persist_noclobber(&dir.path().join("out")).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::AlreadyExists);
        let tmp = TempFile::create(dir.path(), 0o600, "").unwrap();
        tmp.persist_noclobber(&dir.path().join("new")).unwrap();
        let left: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .filter(|n| n.starts_with(PREFIX))
            .collect();
        assert!(left.is_empty(), "{left:?}");
    }
}
