//! Every file dfix reads goes through here.
//!
//! * [`read`]: only regular files, opened without blocking, at most
//!   [`read::MAX_FILE_SIZE`], binary and UTF-16 text recognised early.

pub mod read;
