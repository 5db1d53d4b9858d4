//! The one error type of the `.env` module.
//!
//! Every variant names the file it is about, every message is a single line,
//! and no message ever contains a value read from or meant for a `.env` file:
//! variable *names* and line numbers are shown, values never are.

use std::fmt;
use std::io;
use std::path::PathBuf;

use super::existing::Concern;

/// Why a wanted entry could not reuse the definition already in the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConflictReason {
    /// The key is already set to a different value.
    DifferentValue,
    /// The key is already set, but the existing line cannot be compared
    /// safely (sh and dotenvy may read it differently, or it expands
    /// variables at source time).
    Unverifiable(Concern),
    /// The key is defined more than once in the existing file, and the
    /// definitions do not agree.
    AmbiguousDuplicate,
}

impl fmt::Display for ConflictReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConflictReason::DifferentValue => f.write_str("it already has a different value"),
            ConflictReason::Unverifiable(concern) => {
                write!(f, "its existing value cannot be checked ({concern})")
            }
            ConflictReason::AmbiguousDuplicate => {
                f.write_str("it is defined more than once with different values")
            }
        }
    }
}

/// Shows a path on one line: control characters are escaped.
struct Shown<'a>(&'a std::path::Path);

impl fmt::Display for Shown<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = self.0.to_string_lossy();
        for c in text.chars() {
            if c.is_control() {
                write!(f, "{}", c.escape_default())?;
            } else {
                f.write_fmt(format_args!("{c}"))?;
            }
        }
        Ok(())
    }
}

/// Formats an optional line number as `: line N` (or nothing).
struct AtLine(Option<usize>);

impl fmt::Display for AtLine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(line) => write!(f, ": line {line}"),
            None => Ok(()),
        }
    }
}

/// Errors of `.env` planning and writing.
#[derive(Debug, thiserror::Error)]
pub enum EnvFileError {
    /// The existing file is not something dotenvy can read.
    #[error("{}: line {line}: dotenvy cannot parse this line", Shown(path))]
    Parse { path: PathBuf, line: usize },

    /// The existing run-time env file has a line `docker run --env-file`
    /// refuses (a name with a blank in it, `export NAME=...`).
    #[error(
        "{}: line {line}: docker run --env-file cannot read this line",
        Shown(path)
    )]
    RuntimeParse { path: PathBuf, line: usize },

    /// A wanted key is already set and may not be overwritten.
    #[error(
        "{}{}: {key} is not overwritten because {reason}",
        Shown(path),
        AtLine(*line)
    )]
    Conflict {
        path: PathBuf,
        key: String,
        /// Line of the existing definition; `None` when the clash is
        /// between two entries of the same request.
        line: Option<usize>,
        reason: ConflictReason,
    },

    /// A wanted name is not a portable shell variable name.
    #[error(
        "{}: {name:?} is not a valid variable name (want [A-Za-z_][A-Za-z0-9_]*)",
        Shown(path)
    )]
    InvalidName { path: PathBuf, name: String },

    /// A wanted value cannot be stored so that both sh and dotenvy read it
    /// back exactly (a NUL byte, which no environment variable can hold).
    #[error(
        "{}: the value for {key} cannot be stored in this env file ({why})",
        Shown(path)
    )]
    Unrepresentable {
        path: PathBuf,
        key: String,
        why: &'static str,
    },

    /// The path is a symbolic link; dfix does not write through links.
    #[error(
        "{}: is a symbolic link; refusing to read or replace it (point dfix at the real file)",
        Shown(path)
    )]
    Symlink { path: PathBuf },

    /// The path exists but is not a regular file.
    #[error("{}: is not a regular file", Shown(path))]
    NotRegularFile { path: PathBuf },

    /// The existing file is larger than any `.env` file dfix reads.
    #[error(
        "{}: larger than {}, not read",
        Shown(path),
        crate::fsio::read::MAX_FILE_SIZE_TEXT
    )]
    TooLarge { path: PathBuf },

    /// The existing file is not UTF-8.
    #[error("{}: is not valid UTF-8", Shown(path))]
    NotUtf8 { path: PathBuf },

    /// A file that did not exist when planning appeared before writing.
    #[error(
        "{}: was created by someone else while dfix was writing it; not replaced",
        Shown(path)
    )]
    CreatedConcurrently { path: PathBuf },

    /// An I/O operation failed.
    #[error("{}: {op}: {source}", Shown(path))]
    Io {
        path: PathBuf,
        op: &'static str,
        #[source]
        source: io::Error,
    },
}

impl EnvFileError {
    /// The file this error is about.
    pub fn path(&self) -> &std::path::Path {
        match self {
            EnvFileError::Parse { path, .. }
            | EnvFileError::RuntimeParse { path, .. }
            | EnvFileError::Conflict { path, .. }
            | EnvFileError::InvalidName { path, .. }
            | EnvFileError::Unrepresentable { path, .. }
            | EnvFileError::Symlink { path }
            | EnvFileError::NotRegularFile { path }
            | EnvFileError::NotUtf8 { path }
            | EnvFileError::TooLarge { path }
            | EnvFileError::CreatedConcurrently { path }
            | EnvFileError::Io { path, .. } => path,
        }
    }

    pub(crate) fn io(path: impl Into<PathBuf>, op: &'static str, source: io::Error) -> Self {
        EnvFileError::Io {
            path: path.into(),
            op,
            source,
        }
    }
}
