//! One `--write` at a time per directory, across threads and processes.
//!
//! Writing a Dockerfile's changes reads and merges three shared files: the
//! `.env`, `.dockerignore` and `.gitignore`. Two dfix processes doing that
//! at once for two Dockerfiles of one directory each merge into what they
//! read, and the second rename drops the first one's secrets. So `--write`
//! takes an exclusive advisory lock (`flock`) on every directory it will
//! read from or write to — the Dockerfile's, the `.env`'s, the build
//! context, and those that links among them point into — before it reads
//! anything, and keeps them until its last rename: the merge is always done
//! from the files' current content.
//!
//! The lock is on the directory itself, opened read-only: nothing is
//! created, so there is no lock file to leave behind or to clean up, and
//! the kernel releases it when the process dies, even by SIGKILL. Locks are
//! taken in (device, inode) order, the same in every process, so two runs
//! never wait for each other in a circle. `flock` locks belong to an open
//! file description, so two threads of one process exclude each other too.
//! Every dfix honours the lock; other programs are not asked to.
//!
//! Why std's `File::lock` (Rust 1.89) and no crate: it is `flock(LOCK_EX)`
//! on Unix, exactly what is needed, and it blocks until the lock is free.

use std::fs::File;
use std::io;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

use super::cleanup;
use crate::engine::io_reason;

/// Locks held until dropped.
#[must_use = "the directories are unlocked when this is dropped"]
#[derive(Debug)]
pub struct DirLocks {
    _held: Vec<File>,
}

/// Locks the directories that a `--write` of `dockerfile` reads and writes
/// (with `env_file` and `context` as given on the command line, or their
/// defaults next to the Dockerfile, and the run-time env file if any), then
/// removes what a killed run left in them. A directory that does not exist
/// is skipped (reading or writing there fails later, with the file named).
pub fn for_write(
    dockerfile: &Path,
    env_file: Option<&Path>,
    context: Option<&Path>,
    runtime_env: Option<&Path>,
) -> Result<DirLocks, String> {
    let home = dir_of(dockerfile);
    let env = env_file.map_or_else(|| home.join(".env"), Path::to_path_buf);
    let env_dir = dir_of(&env);
    let context = context.map_or_else(|| home.clone(), Path::to_path_buf);
    let mut dirs = vec![home.clone(), env_dir.clone(), context.clone()];
    let mut linked = vec![
        dockerfile.to_path_buf(),
        context.join(".dockerignore"),
        env_dir.join(".gitignore"),
    ];
    if let Some(runtime) = runtime_env {
        let dir = dir_of(runtime);
        linked.push(dir.join(".gitignore"));
        dirs.push(dir);
    }
    // Writes through a link replace the file it points at, next to it.
    for linked in linked {
        let is_link = std::fs::symlink_metadata(&linked).is_ok_and(|m| m.file_type().is_symlink());
        if let (true, Ok(real)) = (is_link, std::fs::canonicalize(&linked)) {
            dirs.push(dir_of(&real));
        }
    }
    let mut opened: Vec<((u64, u64), PathBuf, File)> = Vec::with_capacity(dirs.len());
    for dir in dirs {
        let file = match File::open(&dir) {
            Ok(file) => file,
            Err(e)
                if e.kind() == io::ErrorKind::NotFound
                    || e.kind() == io::ErrorKind::NotADirectory =>
            {
                continue
            }
            Err(e) => return Err(format!("{}: cannot lock: {}", dir.display(), io_reason(&e))),
        };
        let meta = file
            .metadata()
            .map_err(|e| format!("{}: cannot lock: {}", dir.display(), io_reason(&e)))?;
        if !meta.is_dir() {
            continue;
        }
        let id = (meta.dev(), meta.ino());
        if opened.iter().all(|(seen, ..)| *seen != id) {
            opened.push((id, dir, file));
        }
    }
    opened.sort_by_key(|(id, ..)| *id);
    for (_, dir, file) in &opened {
        file.lock().map_err(|e| {
            format!(
                "{}: cannot lock the directory ({}); nothing written",
                dir.display(),
                io_reason(&e)
            )
        })?;
    }
    for (_, dir, _) in &opened {
        cleanup::sweep(dir);
    }
    Ok(DirLocks {
        _held: opened.into_iter().map(|(_, _, file)| file).collect(),
    })
}

/// [`for_write`] with a run's file options: locks when they write, and
/// nothing otherwise.
pub fn for_options(
    dockerfile: &Path,
    options: &crate::engine::FileOptions,
) -> Result<Option<DirLocks>, String> {
    if !options.write {
        return Ok(None);
    }
    let runtime_env = crate::engine::runtime_env_path_of(dockerfile, options);
    for_write(
        dockerfile,
        options.env_file.as_deref(),
        options.context.as_deref(),
        runtime_env.as_deref(),
    )
    .map(Some)
}

/// The directory holding `path` (`.` for a bare name).
fn dir_of(path: &Path) -> PathBuf {
    match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::Arc;

    #[test]
    fn a_second_lock_on_a_directory_waits_for_the_first() {
        let dir = tempfile::tempdir().unwrap();
        let df = dir.path().join("Dockerfile");
        let first = for_write(&df, None, None, None).unwrap();
        let second_has_it = Arc::new(AtomicBool::new(false));
        let flag = second_has_it.clone();
        let df2 = dir.path().join("b.Dockerfile");
        let waiter = std::thread::spawn(move || {
            let _second = for_write(&df2, None, None, None).unwrap();
            flag.store(true, Ordering::SeqCst);
        });
        // Not a timing assertion: whatever the delay, the second cannot
        // have the lock while the first is held.
        std::thread::sleep(std::time::Duration::from_millis(50));
        assert!(!second_has_it.load(Ordering::SeqCst));
        drop(first);
        waiter.join().unwrap();
        assert!(second_has_it.load(Ordering::SeqCst));
    }

    #[test]
    fn missing_directories_are_skipped_and_the_same_one_is_locked_once() {
        let dir = tempfile::tempdir().unwrap();
        let locks = for_write(
            &dir.path().join("missing/Dockerfile"),
            Some(&dir.path().join(".env")),
            Some(dir.path()),
            Some(&dir.path().join("runtime.env")),
        )
        .unwrap();
        assert_eq!(locks._held.len(), 1);
        assert_eq!(dir_of(Path::new("Dockerfile")), Path::new("."));
        assert_eq!(dir_of(Path::new("a/Dockerfile")), Path::new("a"));
    }
}
