//! Replacing a literal in a word by a reference to a variable, keeping the
//! word's meaning in every quoting.

use std::ops::Range;

use super::word::Quoting;
use super::{is_name, Script};

/// Replace script-text `range` by `replacement`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Splice {
    pub range: Range<usize>,
    pub replacement: String,
}

/// The text that makes a literal in `quoting` a reference to `name`:
///
/// * unquoted: `"${NAME}"` (the value may hold blanks or glob characters);
/// * double quotes, expanding heredoc: `${NAME}`;
/// * single quotes: `'"${NAME}"'` (close, reference, reopen);
/// * `$'...'`: `'"${NAME}"$'`;
/// * literal heredoc: `None`: nothing is expanded there.
pub fn reference(quoting: Quoting, name: &str) -> Option<String> {
    if !is_name(name) {
        return None;
    }
    Some(match quoting {
        Quoting::Unquoted => format!("\"${{{name}}}\""),
        Quoting::Double | Quoting::Heredoc { expands: true } => format!("${{{name}}}"),
        Quoting::Single => format!("'\"${{{name}}}\"'"),
        Quoting::AnsiC => format!("'\"${{{name}}}\"$'"),
        Quoting::Heredoc { expands: false } => return None,
    })
}

impl Script<'_> {
    /// The splice that turns value bytes `r` of word `word` into a reference
    /// to `name`. The bytes must lie in one piece of the word. When they fill
    /// a whole `'...'` piece, or touch one of its ends, the quotes are taken
    /// into the splice so no empty `''` is left. A decoded `$'\n'` escape is
    /// never cut in half.
    pub fn reference_splice(&self, word: usize, r: Range<usize>, name: &str) -> Option<Splice> {
        let w = &self.words[word];
        let (range, piece) = w.source(r)?;
        let piece = &w.pieces[piece];
        let quoting = piece.quoting;
        let replacement = reference(quoting, name)?;
        if !matches!(quoting, Quoting::Single | Quoting::AnsiC) {
            return Some(Splice { range, replacement });
        }
        let bare = format!("\"${{{name}}}\"");
        let reopen = if quoting == Quoting::AnsiC { "$'" } else { "'" };
        let at_start = range.start == piece.inner.start;
        let at_end = range.end == piece.inner.end;
        Some(match (at_start, at_end) {
            (true, true) => Splice {
                range: piece.outer.clone(),
                replacement: bare,
            },
            (true, false) => Splice {
                range: piece.outer.start..range.end,
                replacement: format!("{bare}{reopen}"),
            },
            (false, true) => Splice {
                range: range.start..piece.outer.end,
                replacement: format!("'{bare}"),
            },
            (false, false) => Splice { range, replacement },
        })
    }
}
