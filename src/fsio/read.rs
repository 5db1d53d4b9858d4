//! Reading the files dfix parses: only regular files, never more than
//! [`MAX_FILE_SIZE`], and a Dockerfile's reading stops at the first chunk
//! that shows it is binary.
//!
//! A path can name anything: a link to `/dev/zero` or `/dev/urandom` (an
//! endless stream), a FIFO (whose `open` waits for a writer), a socket, a
//! directory. The file's type is checked before it is opened; it is opened
//! with `O_NONBLOCK`, so that a FIFO swapped in after the check cannot block,
//! and checked again on the open descriptor. Whatever passes is a regular
//! file, read in chunks up to the cap.

use std::fmt;
use std::fs::{self, File, Metadata};
use std::io::{self, Read};
use std::os::unix::fs::{FileTypeExt, OpenOptionsExt};
use std::path::Path;

use crate::engine::io_reason;

/// The largest file dfix reads. Real Dockerfiles and ignore files are a few
/// kilobytes; the largest of the 5,895 files of the test corpus is 20 kB.
pub const MAX_FILE_SIZE: usize = 4 << 20;

/// How [`MAX_FILE_SIZE`] is named in messages.
pub const MAX_FILE_SIZE_TEXT: &str = "4 MiB";

/// Bytes asked of the kernel per read.
const CHUNK: usize = 64 << 10;

/// Bytes at the start that tell UTF-16 text (see [`is_utf16`]).
const UTF16_WINDOW: usize = 64;

/// Why a file was not read.
#[derive(Debug)]
pub enum ReadError {
    /// The system said no (missing, permission denied, a link loop, ...).
    Io(io::Error),
    /// Not a regular file: what it is, with its article (`a FIFO`).
    NotRegular(&'static str),
    /// A symbolic link, where links are not followed.
    Symlink,
    /// Larger than [`MAX_FILE_SIZE`].
    TooLarge,
    /// UTF-16 text (a byte-order mark, or NULs in every other byte).
    Utf16,
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReadError::Io(e) => f.write_str(&io_reason(e)),
            ReadError::NotRegular(what) => write!(f, "not a regular file ({what})"),
            ReadError::Symlink => f.write_str("is a symbolic link"),
            ReadError::TooLarge => write!(f, "larger than {MAX_FILE_SIZE_TEXT}"),
            ReadError::Utf16 => f.write_str("UTF-16 is not supported (save it as UTF-8)"),
        }
    }
}

impl From<io::Error> for ReadError {
    fn from(e: io::Error) -> Self {
        ReadError::Io(e)
    }
}

/// Reads a Dockerfile. A binary file is read only up to the chunk holding
/// its first NUL byte: the parser then says where it is. The error is one
/// line naming the file.
pub fn dockerfile(path: &Path) -> Result<Vec<u8>, String> {
    let name = path.display();
    read(path, true).map_err(|e| match e {
        ReadError::TooLarge => format!("{name}: {e}, not a Dockerfile"),
        e => format!("{name}: {e}"),
    })
}

/// Reads a small text file that may be missing (`.dockerignore`,
/// `.gitignore`): `None` when there is none. The error is one line naming
/// the file.
pub fn optional_text(path: &Path) -> Result<Option<String>, String> {
    let name = path.display();
    match read(path, false) {
        Ok(bytes) => String::from_utf8(bytes)
            .map(Some)
            .map_err(|_| format!("{name}: not valid UTF-8")),
        Err(ReadError::Io(e)) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(format!("{name}: {e}")),
    }
}

/// Reads the regular file at `path` (links followed), up to the cap; with
/// `stop_at_nul`, only up to the chunk with the first NUL byte.
pub fn read(path: &Path, stop_at_nul: bool) -> Result<Vec<u8>, ReadError> {
    let (file, meta) = open_regular(path, true)?;
    read_capped(file, meta.len(), stop_at_nul)
}

/// Opens a regular file for reading without ever blocking: the type is
/// checked before the open and again on the descriptor. With `follow`
/// false, a symbolic link is refused by the open itself (`ELOOP`).
pub fn open_regular(path: &Path, follow: bool) -> Result<(File, Metadata), ReadError> {
    let before = if follow {
        fs::metadata(path)
    } else {
        fs::symlink_metadata(path)
    }?;
    if before.file_type().is_symlink() {
        return Err(ReadError::Symlink);
    }
    check_regular(&before)?;
    let mut flags = libc::O_NONBLOCK | libc::O_NOCTTY;
    if !follow {
        flags |= libc::O_NOFOLLOW;
    }
    let file = fs::OpenOptions::new()
        .read(true)
        .custom_flags(flags)
        .open(path)?;
    let meta = file.metadata()?;
    check_regular(&meta)?;
    Ok((file, meta))
}

/// Refuses anything but a regular file, naming what it is.
pub fn check_regular(meta: &Metadata) -> Result<(), ReadError> {
    let kind = meta.file_type();
    if kind.is_file() {
        return Ok(());
    }
    if kind.is_dir() {
        return Err(ReadError::Io(io::ErrorKind::IsADirectory.into()));
    }
    Err(ReadError::NotRegular(describe(&kind)))
}

/// What a file that is not a regular file is, with its article.
pub fn describe(kind: &fs::FileType) -> &'static str {
    if kind.is_fifo() {
        "a FIFO"
    } else if kind.is_char_device() {
        "a character device"
    } else if kind.is_block_device() {
        "a block device"
    } else if kind.is_socket() {
        "a socket"
    } else if kind.is_dir() {
        "a directory"
    } else {
        "not a file"
    }
}

/// Reads `reader` to its end, failing past [`MAX_FILE_SIZE`]; `size` is what
/// the file claims to hold (a file that grows is still cut off). With
/// `stop_at_nul`, stops after the first chunk holding a NUL byte.
pub fn read_capped(
    mut reader: impl Read,
    size: u64,
    stop_at_nul: bool,
) -> Result<Vec<u8>, ReadError> {
    if size > MAX_FILE_SIZE as u64 {
        return Err(ReadError::TooLarge);
    }
    // One more byte than the file claims, so that the end is seen at once.
    let mut buf: Vec<u8> = Vec::with_capacity(size as usize + 1);
    let mut nul_seen = false;
    loop {
        let start = buf.len();
        // Fill what was reserved; past it, grow by a chunk (never beyond
        // one byte over the cap).
        let room = match buf.capacity() - start {
            0 => CHUNK,
            spare => spare,
        }
        .min(MAX_FILE_SIZE + 1 - start);
        buf.resize(start + room, 0);
        let n = loop {
            match reader.read(&mut buf[start..]) {
                Ok(n) => break n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    buf.truncate(start);
                    return Err(ReadError::Io(e));
                }
            }
        };
        buf.truncate(start + n);
        if n == 0 {
            break;
        }
        if buf.len() > MAX_FILE_SIZE {
            return Err(ReadError::TooLarge);
        }
        // Past the bytes the UTF-16 check looks at, a NUL settles it.
        nul_seen = nul_seen || memchr::memchr(0, &buf[start..]).is_some();
        if stop_at_nul && nul_seen && buf.len() >= UTF16_WINDOW {
            break;
        }
    }
    if is_utf16(&buf) {
        return Err(ReadError::Utf16);
    }
    Ok(buf)
}

/// UTF-16 text: a UTF-16 byte-order mark (its bytes never occur in UTF-8),
/// or, in the first 64 bytes, NUL in every odd byte and no even one (little
/// endian, ASCII text) or the other way round (big endian).
fn is_utf16(bytes: &[u8]) -> bool {
    if bytes.starts_with(&[0xff, 0xfe]) || bytes.starts_with(&[0xfe, 0xff]) {
        return true;
    }
    let head = &bytes[..bytes.len().min(UTF16_WINDOW) & !1];
    if head.len() < 4 {
        return false;
    }
    let pairs = || head.chunks_exact(2);
    pairs().all(|p| p[0] != 0 && p[1] == 0) || pairs().all(|p| p[0] == 0 && p[1] != 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_endless_stream_of_nuls_stops_at_once() {
        // `io::repeat` never ends, like /dev/zero.
        let bytes = read_capped(io::repeat(0), 0, true).unwrap();
        assert!(bytes.len() <= 2 * CHUNK && bytes.contains(&0));
    }

    #[test]
    fn an_endless_stream_of_text_stops_at_the_cap() {
        let err = read_capped(io::repeat(b'#'), 0, true).unwrap_err();
        assert!(matches!(err, ReadError::TooLarge));
        assert_eq!(err.to_string(), "larger than 4 MiB");
        // A claimed size over the cap is refused before reading.
        let err = read_capped(io::empty(), MAX_FILE_SIZE as u64 + 1, true).unwrap_err();
        assert!(matches!(err, ReadError::TooLarge));
        // Exactly the cap is fine.
        let text = vec![b'#'; MAX_FILE_SIZE];
        assert_eq!(
            read_capped(&text[..], 10, true).unwrap().len(),
            MAX_FILE_SIZE
        );
    }

    #[test]
    fn small_files_and_files_that_lie_about_their_size() {
        for (content, claimed) in [("FROM a\n", 7), ("FROM a\n", 0), ("FROM a\n", 2), ("", 0)] {
            let got = read_capped(content.as_bytes(), claimed, true).unwrap();
            assert_eq!(got, content.as_bytes());
        }
        let long = "RUN true\n".repeat(20_000);
        assert_eq!(
            read_capped(long.as_bytes(), 10, false).unwrap(),
            long.as_bytes()
        );
    }

    #[test]
    fn utf16_is_recognised() {
        let text = "FROM alpine\n";
        let le: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
        let be: Vec<u8> = text.encode_utf16().flat_map(u16::to_be_bytes).collect();
        for bytes in [
            le.clone(),
            be.clone(),
            [&[0xff, 0xfe][..], &le].concat(),
            [&[0xfe, 0xff][..], &be].concat(),
            // A BOM and text without any ASCII (so without NULs).
            [
                &[0xff, 0xfe][..],
                &"日本"
                    .encode_utf16()
                    .flat_map(u16::to_le_bytes)
                    .collect::<Vec<u8>>(),
            ]
            .concat(),
        ] {
            assert!(
                matches!(read_capped(&bytes[..], 0, true), Err(ReadError::Utf16)),
                "{bytes:?}"
            );
        }
        for bytes in [
            &b"FROM a\n\0\0\0\0"[..],
            b"\x7fELF\x00\x01",
            b"\0\0\0\0",
            b"\xef\xbb\xbfFROM a\n",
            b"F\0",
        ] {
            assert!(
                !matches!(read_capped(bytes, 0, true), Err(ReadError::Utf16)),
                "{bytes:?}"
            );
        }
    }
}
