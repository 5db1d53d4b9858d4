//! Reading and atomically writing the `.env` file.
//!
//! Decisions:
//!
//! * **Symbolic links are refused**, for reading and for writing
//!   ([`EnvFileError::Symlink`]). A repository can ship `.env` as a link to
//!   anywhere (`~/.ssh/authorized_keys`, say); following it would let a
//!   codemod run on someone else's repository rewrite files outside it.
//!   Users with a linked `.env` point dfix at the real file. Should the path
//!   turn into a link between the check and the write, the final rename
//!   replaces the link itself, never its target.
//! * **Nothing but a regular file is read**: the file is opened with
//!   `O_NOFOLLOW | O_NONBLOCK` and checked again on the open descriptor, so
//!   a link or a FIFO swapped in after the check neither is followed nor
//!   blocks; it is read up to [`crate::fsio::read::MAX_FILE_SIZE`].
//! * **Atomic replace**: the text goes to a temporary file in the same
//!   directory (a [`crate::fsio::temp::TempFile`]: private from its first
//!   byte, removed on SIGINT/SIGTERM), which is flushed to disk and then
//!   renamed over the path, so readers see the old or the new file, never
//!   half of one; the directory is flushed after the rename.
//! * **Mode**: a new file is created with mode 0600. An existing file that
//!   group or others may read loses those bits (0644 becomes 0600) when
//!   dfix writes secrets into it, and [`WriteOutcome::tightened_from`] says
//!   so, so that the caller can tell the user; the owner's bits are kept,
//!   and nothing is ever made more open. The owner and group are kept where
//!   the process may set them (as root, or the same user); otherwise
//!   [`WriteOutcome::owner_changed`] is set.
//! * **New files never clobber**: if the file did not exist before, it is
//!   created without replacing one that appeared meanwhile
//!   ([`EnvFileError::CreatedConcurrently`]).
//! * A hard-linked file is replaced by a new inode, so the other names keep
//!   the old content; [`WriteOutcome::hard_link_split`] says so.

use std::fs;
use std::io::{self, Write};
use std::path::Path;

use super::error::EnvFileError;
use crate::fsio::read::{self as safe_read, ReadError};
use crate::fsio::temp::TempFile;

/// What [`write_env_file`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WriteOutcome {
    /// The file did not exist before.
    pub created: bool,
    /// Permission bits of the written file (Unix only).
    pub mode: Option<u32>,
    /// Group or others may read the file.
    pub readable_by_others: bool,
    /// The existing file's mode, when group or others could read it and
    /// the written file no longer lets them.
    pub tightened_from: Option<u32>,
    /// The existing file's owner or group could not be kept.
    pub owner_changed: bool,
    /// The existing file had other hard links, which keep the old content.
    pub hard_link_split: bool,
}

/// Mode of a new `.env` file.
pub const NEW_FILE_MODE: u32 = 0o600;

/// Checks what is at `path`: `None` if nothing, the metadata of a regular
/// file, or an error for a link or anything else.
fn inspect(path: &Path) -> Result<Option<fs::Metadata>, EnvFileError> {
    match fs::symlink_metadata(path) {
        Ok(meta) if meta.file_type().is_symlink() => Err(EnvFileError::Symlink {
            path: path.to_owned(),
        }),
        Ok(meta) if !meta.is_file() => Err(EnvFileError::NotRegularFile {
            path: path.to_owned(),
        }),
        Ok(meta) => Ok(Some(meta)),
        Err(err) if err.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(err) => Err(EnvFileError::io(path, "cannot inspect", err)),
    }
}

/// Reads an existing `.env` file: `Ok(None)` if there is none. Refuses
/// symbolic links and anything but a regular UTF-8 file.
pub fn read_env_file(path: &Path) -> Result<Option<String>, EnvFileError> {
    let Some(checked) = inspect(path)? else {
        return Ok(None);
    };
    let (file, opened) = match safe_read::open_regular(path, false) {
        Ok(opened) => opened,
        Err(ReadError::Io(err)) if err.kind() == io::ErrorKind::NotFound => return Ok(None),
        // The path became a link between the check and the open.
        Err(ReadError::Io(err)) if err.raw_os_error() == Some(libc::ELOOP) => {
            return Err(EnvFileError::Symlink {
                path: path.to_owned(),
            })
        }
        Err(ReadError::Io(err)) => return Err(EnvFileError::io(path, "cannot read", err)),
        Err(ReadError::Symlink) => {
            return Err(EnvFileError::Symlink {
                path: path.to_owned(),
            })
        }
        Err(_) => {
            return Err(EnvFileError::NotRegularFile {
                path: path.to_owned(),
            })
        }
    };
    if !same_file(&checked, &opened) {
        return Err(EnvFileError::Symlink {
            path: path.to_owned(),
        });
    }
    let bytes = match safe_read::read_capped(file, opened.len(), false) {
        Ok(bytes) => bytes,
        Err(ReadError::Io(err)) => return Err(EnvFileError::io(path, "cannot read", err)),
        Err(ReadError::Utf16) => {
            return Err(EnvFileError::NotUtf8 {
                path: path.to_owned(),
            })
        }
        Err(_) => {
            return Err(EnvFileError::TooLarge {
                path: path.to_owned(),
            })
        }
    };
    String::from_utf8(bytes)
        .map(Some)
        .map_err(|_| EnvFileError::NotUtf8 {
            path: path.to_owned(),
        })
}

/// Writes `text` to `path` atomically; see the module documentation for
/// links, modes and ownership.
pub fn write_env_file(path: &Path, text: &str) -> Result<WriteOutcome, EnvFileError> {
    let existing = inspect(path)?;
    let dir = parent_dir(path);
    let tmp = TempFile::create(dir, NEW_FILE_MODE, "")
        .map_err(|err| EnvFileError::io(path, "cannot create a temporary file next to it", err))?;
    let io_err = |op: &'static str| move |err: io::Error| EnvFileError::io(path, op, err);

    let mut outcome = WriteOutcome {
        created: existing.is_none(),
        mode: None,
        readable_by_others: false,
        tightened_from: None,
        owner_changed: false,
        hard_link_split: false,
    };
    tmp.file()
        .write_all(text.as_bytes())
        .map_err(io_err("cannot write a temporary copy"))?;
    set_metadata(tmp.file(), existing.as_ref(), &mut outcome)
        .map_err(io_err("cannot set permissions on a temporary copy"))?;
    tmp.file()
        .sync_all()
        .map_err(io_err("cannot flush a temporary copy"))?;

    if existing.is_some() {
        tmp.persist(path)
            .map_err(|err| EnvFileError::io(path, "cannot replace", err))?;
    } else {
        tmp.persist_noclobber(path).map_err(|err| {
            if err.kind() == io::ErrorKind::AlreadyExists {
                EnvFileError::CreatedConcurrently {
                    path: path.to_owned(),
                }
            } else {
                EnvFileError::io(path, "cannot create", err)
            }
        })?;
    }
    // Make the rename itself durable; not all filesystems allow this.
    crate::fsio::write::sync_dir(dir);
    Ok(outcome)
}

/// Whether the opened file (`opened`) is the one `checked` describes.
fn same_file(checked: &fs::Metadata, opened: &fs::Metadata) -> bool {
    use std::os::unix::fs::MetadataExt;
    (opened.dev(), opened.ino()) == (checked.dev(), checked.ino())
}

/// The directory that holds `path` (`.` for a bare file name).
fn parent_dir(path: &Path) -> &Path {
    match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    }
}

fn set_metadata(
    file: &fs::File,
    existing: Option<&fs::Metadata>,
    outcome: &mut WriteOutcome,
) -> io::Result<()> {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};

    let mode = match existing {
        Some(meta) => {
            outcome.owner_changed = !crate::fsio::write::keep_owner(file, meta)?;
            outcome.hard_link_split = meta.nlink() > 1;
            let old = meta.mode() & 0o7777;
            // The owner's bits only: a file of secrets is nobody else's.
            let mode = old & 0o700;
            if old & 0o077 != 0 {
                outcome.tightened_from = Some(old);
            }
            mode
        }
        None => NEW_FILE_MODE,
    };
    // After fchown: changing the owner may clear set-id bits.
    file.set_permissions(fs::Permissions::from_mode(mode))?;
    outcome.mode = Some(mode);
    outcome.readable_by_others = mode & 0o044 != 0;
    Ok(())
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::{symlink, PermissionsExt};

    fn mode(path: &Path) -> u32 {
        fs::metadata(path).unwrap().permissions().mode() & 0o7777
    }

    #[test]
    fn new_file_is_private() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(".env");
        let out = write_env_file(&path, "export A='1'\n").unwrap();
        assert!(out.created);
        assert_eq!(out.mode, Some(0o600));
        assert!(!out.readable_by_others);
        assert_eq!(mode(&path), 0o600);
        assert_eq!(fs::read_to_string(&path).unwrap(), "export A='1'\n");
        assert_eq!(
            read_env_file(&path).unwrap().as_deref(),
            Some("export A='1'\n")
        );
        // Only the file itself is left behind.
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn a_readable_mode_is_tightened_and_reported() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(".env");
        fs::write(&path, "A=1\n").unwrap();
        for (before, after) in [
            (0o640, 0o600),
            (0o666, 0o600),
            (0o604, 0o600),
            (0o4755, 0o700),
        ] {
            fs::set_permissions(&path, fs::Permissions::from_mode(before)).unwrap();
            let out = write_env_file(&path, "A=1\nB=2\n").unwrap();
            assert!(!out.created);
            assert_eq!(out.mode, Some(after), "{before:o}");
            assert_eq!(out.tightened_from, Some(before));
            assert!(!out.readable_by_others);
            assert!(!out.owner_changed);
            assert_eq!(mode(&path), after);
            assert_eq!(fs::read_to_string(&path).unwrap(), "A=1\nB=2\n");
        }
        // Never made more open than it was.
        for kept in [0o600, 0o400, 0o700] {
            fs::set_permissions(&path, fs::Permissions::from_mode(kept)).unwrap();
            let out = write_env_file(&path, "A=1\n").unwrap();
            assert_eq!(out.tightened_from, None);
            assert_eq!(mode(&path), kept);
        }
    }

    #[test]
    fn fifos_are_refused_without_blocking() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(".env");
        let c = std::ffi::CString::new(path.to_str().unwrap()).unwrap();
        // SAFETY: a valid NUL-terminated path.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        assert!(matches!(
            read_env_file(&path),
            Err(EnvFileError::NotRegularFile { .. })
        ));
    }

    #[test]
    fn symlinks_are_refused_and_target_untouched() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("elsewhere");
        fs::write(&target, "precious\n").unwrap();
        let link = dir.path().join(".env");
        symlink(&target, &link).unwrap();
        let err = write_env_file(&link, "export A='1'\n").unwrap_err();
        assert!(matches!(err, EnvFileError::Symlink { .. }), "{err}");
        assert!(err.to_string().contains(".env"));
        assert!(matches!(
            read_env_file(&link),
            Err(EnvFileError::Symlink { .. })
        ));
        assert_eq!(fs::read_to_string(&target).unwrap(), "precious\n");
        assert!(fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink());

        // A dangling link is refused too.
        let dangling = dir.path().join("dangling");
        symlink(dir.path().join("nowhere"), &dangling).unwrap();
        assert!(matches!(
            write_env_file(&dangling, "x"),
            Err(EnvFileError::Symlink { .. })
        ));
        assert!(!dir.path().join("nowhere").exists());
    }

    #[test]
    fn directories_and_missing_files() {
        let dir = tempfile::tempdir().unwrap();
        assert!(matches!(
            write_env_file(dir.path(), "x"),
            Err(EnvFileError::NotRegularFile { .. })
        ));
        assert_eq!(read_env_file(&dir.path().join("none")).unwrap(), None);
        let err = write_env_file(&dir.path().join("no/such/dir/.env"), "x").unwrap_err();
        assert!(matches!(err, EnvFileError::Io { .. }));
        assert!(!err.to_string().contains('\n'));
    }

    #[test]
    fn not_utf8() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(".env");
        fs::write(&path, b"A=\xff\n").unwrap();
        assert!(matches!(
            read_env_file(&path),
            Err(EnvFileError::NotUtf8 { .. })
        ));
    }

    #[test]
    fn hard_links_are_reported() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(".env");
        let other = dir.path().join("other");
        fs::write(&path, "A=1\n").unwrap();
        fs::hard_link(&path, &other).unwrap();
        let out = write_env_file(&path, "A=1\nB=2\n").unwrap();
        assert!(out.hard_link_split);
        assert_eq!(fs::read_to_string(&other).unwrap(), "A=1\n");
    }

    #[test]
    fn bare_file_name_lives_in_current_dir() {
        assert_eq!(parent_dir(Path::new(".env")), Path::new("."));
        assert_eq!(parent_dir(Path::new("a/.env")), Path::new("a"));
        assert_eq!(parent_dir(Path::new("/.env")), Path::new("/"));
    }
}
