//! Quoting values so that `sh` and `dotenvy` both read them back exactly.
//!
//! Two quoting functions live here:
//!
//! * [`shell_single_quote`] is textbook POSIX single quoting: the value goes
//!   between `'…'` and every `'` in it becomes `'\''`. Any POSIX shell reads
//!   it back byte for byte. Use it for shell command lines.
//!
//! * [`env_quote`] is what the `.env` file uses. dotenvy 0.15 cannot read
//!   every textbook-quoted value: the part of dotenvy that splits the file
//!   into logical lines treats a backslash inside single quotes as escaping
//!   the next character, although its value parser (and sh) keep backslashes
//!   inside single quotes literal. So `K='a\'` (a value ending in `\`) or
//!   `K='a\'\''b'` (a value containing `\'`) make dotenvy keep reading past
//!   the closing quote, swallow the following lines and fail with a parse
//!   error. `env_quote` therefore keeps backslashes out of the quotes: it
//!   closes the quote and writes `\\` (a backslash escaped by a backslash,
//!   which sh and dotenvy both read as one `\`), and writes each `'` as `\'`
//!   outside the quotes (same reading in both). Everything else stays inside
//!   single quotes, where neither reader interprets anything: `$`, backticks,
//!   `"`, `!`, `#`, blanks, tabs, newlines, carriage returns and non-ASCII
//!   characters are all literal. The result is still a valid POSIX word.
//!
//! The only value that cannot be stored at all is one containing a NUL byte
//! (no environment variable can hold one); [`env_quote`] refuses it.

pub use crate::shell::quote::{single as shell_single_quote, word as shell_word};

/// Why a value cannot be written to a `.env` file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unquotable {
    /// The value contains a NUL byte.
    Nul,
}

impl Unquotable {
    pub(crate) fn why(self) -> &'static str {
        match self {
            Unquotable::Nul => "it contains a NUL byte",
        }
    }
}

/// Quotes a value for the right-hand side of an `export NAME=` line in the
/// `.env` file, in a form that POSIX sh (dash, busybox, bash) and dotenvy
/// 0.15 both read back as exactly `value`.
///
/// Runs of characters other than `'` and `\` are single quoted; `'` becomes
/// `\'` and `\` becomes `\\`, both outside the quotes. The empty value is
/// `''`. Examples: `it's` → `'it'\''s'`, `a\b` → `'a'\\'b'`.
pub fn env_quote(value: &str) -> Result<String, Unquotable> {
    if value.contains('\0') {
        return Err(Unquotable::Nul);
    }
    if value.is_empty() {
        return Ok("''".to_owned());
    }
    let mut out = String::with_capacity(value.len() + 2);
    let mut open = false;
    for c in value.chars() {
        match c {
            '\'' | '\\' => {
                if open {
                    out.push('\'');
                    open = false;
                }
                out.push('\\');
                out.push(c);
            }
            _ => {
                if !open {
                    out.push('\'');
                    open = true;
                }
                out.push(c);
            }
        }
    }
    if open {
        out.push('\'');
    }
    Ok(out)
}

/// True if `name` is a portable shell variable name: `[A-Za-z_][A-Za-z0-9_]*`.
///
/// dotenvy also accepts `.` in names, but sh does not, so such names are
/// never written.
pub use crate::shell::is_name as is_valid_name;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn textbook_single_quote() {
        assert_eq!(shell_single_quote(""), "''");
        assert_eq!(shell_single_quote("abc"), "'abc'");
        assert_eq!(shell_single_quote("it's"), "'it'\\''s'");
        assert_eq!(shell_single_quote("'"), "''\\'''");
        assert_eq!(shell_single_quote("a\\"), "'a\\'");
    }

    #[test]
    fn env_quote_shapes() {
        assert_eq!(env_quote("").unwrap(), "''");
        assert_eq!(env_quote("abc").unwrap(), "'abc'");
        assert_eq!(env_quote("it's").unwrap(), "'it'\\''s'");
        assert_eq!(env_quote("'").unwrap(), "\\'");
        assert_eq!(env_quote("''").unwrap(), "\\'\\'");
        assert_eq!(env_quote("a\\").unwrap(), "'a'\\\\");
        assert_eq!(env_quote("\\").unwrap(), "\\\\");
        assert_eq!(env_quote("a\\'b").unwrap(), "'a'\\\\\\''b'");
        assert_eq!(env_quote("$HOME `x` \"q\"").unwrap(), "'$HOME `x` \"q\"'");
        assert_eq!(env_quote("a\nb").unwrap(), "'a\nb'");
        assert_eq!(env_quote("a\0b"), Err(Unquotable::Nul));
    }

    #[test]
    fn names() {
        for ok in ["A", "_", "a_1", "NPM_TOKEN", "_9"] {
            assert!(is_valid_name(ok), "{ok}");
        }
        for bad in ["", "1A", "A-B", "A.B", "A B", "É", "A=", "export K"] {
            assert!(!is_valid_name(bad), "{bad}");
        }
    }
}
