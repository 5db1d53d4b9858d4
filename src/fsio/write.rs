//! Putting one Dockerfile's changes on disk, in an order a crash cannot
//! spoil: the `.env` and the run-time env file first, then generated secret
//! files, the ignore files, the Dockerfile last. A run killed at any point
//! leaves each Dockerfile either as it was or fully rewritten, and a
//! rewritten Dockerfile always finds its keys in the `.env` (an `.env` with
//! a key no Dockerfile uses yet is harmless: the next run reuses it).
//!
//! Each file is written to a temporary file next to it ([`TempFile`]),
//! flushed, given the old file's owner, group and mode, renamed over it,
//! and the directory is flushed so that the rename is on disk before the
//! next file is touched. Before anything is written, every file to be
//! replaced is checked: a read-only file (no write bit at all, or one the
//! user may not write) is refused unless `--force`, and so is a Dockerfile
//! with several hard links, which a rename would split (the other names
//! would keep the secret). With `--force` such a Dockerfile is rewritten in
//! place, under every name, after a backup copy is on disk.

use std::fs::{self, File, Metadata};
use std::io::{self, Write as _};
use std::os::unix::fs::{MetadataExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

use super::temp::{self, TempFile, BACKUP_SUFFIX};
use crate::engine::io_reason;
use crate::envfile;

/// Mode of a new `.dockerignore` or `.gitignore` (the umask applies), as
/// for any file a user creates: these are not secret.
pub const NEW_PUBLIC_MODE: u32 = 0o644;

/// Everything one Dockerfile's `--write` puts on disk.
#[derive(Debug)]
pub struct Commit<'a> {
    /// The `.env` and its new text, when it changes.
    pub env: Option<(&'a Path, &'a str)>,
    /// The run-time env file (`--runtime-env`) and its new text, when it
    /// changes: private like the `.env`.
    pub runtime_env: Option<(&'a Path, &'a str)>,
    /// Ignore files and their new text.
    pub ignores: &'a [(PathBuf, String)],
    /// New secret files (private, like the `.env`) and their text.
    pub secrets: &'a [(PathBuf, String)],
    /// The Dockerfile and its rewritten text.
    pub dockerfile: &'a Path,
    pub text: &'a str,
    /// `--force`: replace read-only files, rewrite hard-linked ones in place.
    pub force: bool,
}

/// Writes `commit` (see the module documentation). Returns notices for the
/// user, one line each: a `.env` whose mode was tightened, an owner that
/// could not be kept. The error is one line naming the file.
pub fn commit(commit: &Commit) -> Result<Vec<String>, String> {
    // Every check first: a refusal writes nothing at all.
    let dockerfile = Target::inspect(commit.dockerfile)?
        .ok_or_else(|| format!("{}: no such file", commit.dockerfile.display()))?;
    dockerfile.check_writable(commit.force)?;
    let in_place = dockerfile.meta.nlink() > 1;
    if in_place && !commit.force {
        return Err(format!(
            "{}: has {} hard links, and replacing it would leave the secret under the other names; \
             not replaced (--force rewrites it in place, under every name)",
            commit.dockerfile.display(),
            dockerfile.meta.nlink()
        ));
    }
    for (env, _) in commit.env.iter().chain(&commit.runtime_env) {
        check_env(env, commit.force)?;
    }
    let mut ignores = Vec::with_capacity(commit.ignores.len());
    for (path, text) in commit.ignores {
        let target = Target::inspect(path)?;
        if let Some(target) = &target {
            target.check_writable(commit.force)?;
        }
        ignores.push((path, target, text));
    }

    let mut notices = Vec::new();
    for &(env, text) in commit.env.iter().chain(&commit.runtime_env) {
        notices.extend(write_env(env, text)?);
    }
    for (path, text) in commit.secrets {
        envfile::write_env_file(path, text).map_err(|e| e.to_string())?;
    }
    for (path, target, text) in ignores {
        notices.extend(replace(path, target.as_ref(), text.as_bytes())?);
    }
    if in_place {
        rewrite_in_place(&dockerfile, commit.text.as_bytes())?;
    } else {
        notices.extend(replace(
            commit.dockerfile,
            Some(&dockerfile),
            commit.text.as_bytes(),
        )?);
    }
    Ok(notices)
}

/// Replaces an existing file that holds no secret (a build caller dfix
/// rewrote: a compose file, a workflow, a Makefile) with `text`, the way
/// [`commit`] replaces a Dockerfile: through a temporary file renamed over
/// it, keeping its mode, owner and the link that leads to it; refused when
/// read-only unless `force`, or when hard-linked (a rename would split it).
pub fn replace_file(path: &Path, text: &str, force: bool) -> Result<Vec<String>, String> {
    let target =
        Target::inspect(path)?.ok_or_else(|| format!("{}: no such file", path.display()))?;
    target.check_writable(force)?;
    if target.meta.nlink() > 1 {
        return Err(format!(
            "{}: has {} hard links, and replacing it would split them; not replaced",
            path.display(),
            target.meta.nlink()
        ));
    }
    Ok(replace(path, Some(&target), text.as_bytes())?
        .into_iter()
        .collect())
}

/// Writes only the `.env` (for a Dockerfile read from standard input, which
/// is not written), with [`commit`]'s checks and notices.
pub fn commit_env(env: &Path, text: &str, force: bool) -> Result<Vec<String>, String> {
    check_env(env, force)?;
    write_env(env, text)
}

/// Refuses a read-only `.env` unless `force`. A link or anything odd is
/// refused by the `.env` writer itself.
fn check_env(env: &Path, force: bool) -> Result<(), String> {
    if let Ok(meta) = fs::symlink_metadata(env) {
        if meta.is_file() {
            Target::new(env, env.to_path_buf(), meta).check_writable(force)?;
        }
    }
    Ok(())
}

/// Writes the `.env`; the notices say what the user should know.
fn write_env(env: &Path, text: &str) -> Result<Vec<String>, String> {
    let outcome = envfile::write_env_file(env, text).map_err(|e| e.to_string())?;
    let mut notices = Vec::new();
    if let (Some(old), Some(new)) = (outcome.tightened_from, outcome.mode) {
        notices.push(format!(
            "{}: was readable by others (mode {old:04o}), now {new:04o}",
            env.display()
        ));
    }
    if outcome.owner_changed {
        notices.push(format!(
            "{}: its owner and group could not be kept",
            env.display()
        ));
    }
    Ok(notices)
}

/// A file about to be replaced: the name it was given, the file that name
/// leads to (a link is kept, and the file it points at replaced), and what
/// it is.
#[derive(Debug)]
struct Target<'a> {
    name: &'a Path,
    real: PathBuf,
    meta: Metadata,
}

impl<'a> Target<'a> {
    fn new(name: &'a Path, real: PathBuf, meta: Metadata) -> Self {
        Target { name, real, meta }
    }

    /// `None` when nothing is there (a new file); an error for anything
    /// but a regular file.
    fn inspect(name: &'a Path) -> Result<Option<Self>, String> {
        let shown = name.display();
        let is_link = fs::symlink_metadata(name).is_ok_and(|m| m.file_type().is_symlink());
        let real = if is_link {
            fs::canonicalize(name).map_err(|e| format!("{shown}: {}", io_reason(&e)))?
        } else {
            name.to_path_buf()
        };
        let meta = match fs::metadata(&real) {
            Ok(meta) => meta,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(format!("{shown}: {}", io_reason(&e))),
        };
        super::read::check_regular(&meta).map_err(|e| format!("{shown}: {e}"))?;
        Ok(Some(Target::new(name, real, meta)))
    }

    /// Refuses a file its owner made read-only, or one this user may not
    /// write, unless forced.
    fn check_writable(&self, force: bool) -> Result<(), String> {
        if force {
            return Ok(());
        }
        let mode = self.meta.mode() & 0o7777;
        let shown = self.name.display();
        if mode & 0o222 == 0 {
            return Err(format!(
                "{shown}: read-only (mode {mode:04o}); not replaced (--force replaces it)"
            ));
        }
        if !may_write(&self.real) {
            return Err(format!(
                "{shown}: not writable by you (mode {mode:04o}, owner {}); not replaced (--force replaces it)",
                self.meta.uid()
            ));
        }
        Ok(())
    }
}

/// Whether this process may write `path` (root may write anything with a
/// write bit; the caller checked that).
fn may_write(path: &Path) -> bool {
    use std::os::unix::ffi::OsStrExt;
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } == 0 {
        return true;
    }
    let Ok(c_path) = std::ffi::CString::new(path.as_os_str().as_bytes()) else {
        return true;
    };
    // SAFETY: a valid NUL-terminated path; faccessat only reads it.
    let ok = unsafe {
        libc::faccessat(
            libc::AT_FDCWD,
            c_path.as_ptr(),
            libc::W_OK,
            libc::AT_EACCESS,
        )
    };
    // Only a clear "no" refuses; an unanswerable question is left to the write.
    ok == 0 || io::Error::last_os_error().raw_os_error() != Some(libc::EACCES)
}

/// Replaces `target` (or creates `name`, when `target` is `None`) with
/// `bytes` through a temporary file. A new file gets [`NEW_PUBLIC_MODE`];
/// an existing one keeps its mode, owner and group. Returns a notice when
/// the owner could not be kept.
fn replace(name: &Path, target: Option<&Target>, bytes: &[u8]) -> Result<Option<String>, String> {
    let shown = name.display();
    let path = target.map_or(name, |t| t.real.as_path());
    let dir = dir_of(path);
    let mode = if target.is_some() {
        0o600
    } else {
        NEW_PUBLIC_MODE
    };
    let tmp = TempFile::create(dir, mode, "")
        .map_err(|e| format!("{shown}: cannot write next to it: {}", io_reason(&e)))?;
    let mut notice = None;
    let written = (|| -> io::Result<()> {
        tmp.file().write_all(bytes)?;
        if let Some(target) = target {
            if !keep_owner(tmp.file(), &target.meta)? {
                notice = Some(format!(
                    "{shown}: its owner (uid {}, gid {}) could not be kept",
                    target.meta.uid(),
                    target.meta.gid()
                ));
            }
            // After the owner: changing it may clear set-id bits.
            tmp.file()
                .set_permissions(fs::Permissions::from_mode(target.meta.mode() & 0o7777))?;
        }
        tmp.file().sync_all()
    })();
    written.map_err(|e| format!("{shown}: cannot write: {}", io_reason(&e)))?;
    tmp.persist(path)
        .map_err(|e| format!("{shown}: cannot replace: {}", io_reason(&e)))?;
    sync_dir(dir);
    Ok(notice)
}

/// Gives `file` the owner and group of `meta`; `false` if not allowed
/// (only root may give a file away).
pub(crate) fn keep_owner(file: &File, meta: &Metadata) -> io::Result<bool> {
    let mine = file.metadata()?;
    if (mine.uid(), mine.gid()) == (meta.uid(), meta.gid()) {
        return Ok(true);
    }
    match std::os::unix::fs::fchown(file, Some(meta.uid()), Some(meta.gid())) {
        Ok(()) => Ok(true),
        Err(e) if e.kind() == io::ErrorKind::PermissionDenied => {
            // The group at least, where this user belongs to it.
            let _ = std::os::unix::fs::fchown(file, None, Some(meta.gid()));
            Ok(false)
        }
        Err(e) => Err(e),
    }
}

/// Rewrites a hard-linked file in place, so that every name sees the new
/// text. A backup of the old text goes to disk first; signals wait while
/// the file is being rewritten. Should the rewrite fail, the old text is
/// put back; should that fail too, the backup stays and is named.
fn rewrite_in_place(target: &Target, bytes: &[u8]) -> Result<(), String> {
    let shown = target.name.display();
    let dir = dir_of(&target.real);
    let old = super::read::read(&target.real, false).map_err(|e| format!("{shown}: {e}"))?;
    let backup = TempFile::create(dir, 0o600, BACKUP_SUFFIX).map_err(|e| {
        format!(
            "{shown}: cannot write a backup next to it: {}",
            io_reason(&e)
        )
    })?;
    (|| -> io::Result<()> {
        backup.file().write_all(&old)?;
        backup.file().sync_all()
    })()
    .map_err(|e| {
        format!(
            "{shown}: cannot write a backup next to it: {}",
            io_reason(&e)
        )
    })?;
    sync_dir(dir);
    let failed = {
        let _signals_wait = temp::live();
        overwrite(&target.real, bytes)
            .err()
            .map(|e| (e, overwrite(&target.real, &old).is_ok()))
    };
    match failed {
        // The backup is removed when dropped.
        None => Ok(()),
        Some((e, true)) => Err(format!(
            "{shown}: cannot rewrite in place: {}",
            io_reason(&e)
        )),
        Some((e, false)) => Err(format!(
            "{shown}: cannot rewrite in place ({}), nor put the old text back: it is in {}",
            io_reason(&e),
            backup.keep().display()
        )),
    }
}

/// Writes `bytes` over the regular file at `path`, from its start, and
/// cuts it to that length.
fn overwrite(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut file = fs::OpenOptions::new()
        .write(true)
        .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK)
        .open(path)?;
    if !file.metadata()?.is_file() {
        return Err(io::ErrorKind::InvalidInput.into());
    }
    file.write_all(bytes)?;
    file.set_len(bytes.len() as u64)?;
    file.sync_all()
}

/// Flushes a directory, so that a rename in it is on disk (not every
/// filesystem allows it; then there is nothing more to do).
pub(crate) fn sync_dir(dir: &Path) {
    if let Ok(dir) = File::open(dir) {
        let _ = dir.sync_all();
    }
}

/// The directory holding `path` (`.` for a bare name).
pub(crate) fn dir_of(path: &Path) -> &Path {
    match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    }
}
