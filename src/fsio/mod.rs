//! Every file dfix reads or writes goes through here.
//!
//! * [`read`]: only regular files, opened without blocking, at most
//!   [`read::MAX_FILE_SIZE`], binary and UTF-16 text recognised early.
//! * [`lock`]: `--write` locks the directories it reads and writes, so
//!   that runs in parallel merge into what is really there.
//! * [`write`]: the order of writes, temporary files, modes, owners,
//!   read-only files and hard links.
//! * [`temp`]: names and life of temporary files.
//! * [`cleanup`]: no temporary file outlives a signal or a killed run.

pub mod cleanup;
pub mod lock;
pub mod read;
pub mod temp;
pub mod write;

pub use lock::DirLocks;
pub use write::{commit, Commit};
