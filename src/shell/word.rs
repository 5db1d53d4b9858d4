//! A shell word: its quoting pieces and its value as the shell gives it to
//! the program (quotes removed, escapes applied, expansions left as written),
//! with a compact map from every value byte back to the script text.

use std::ops::Range;

use smallvec::SmallVec;

/// How a piece of a word is quoted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Quoting {
    /// No quotes: backslash escapes, expansions, field splitting.
    Unquoted,
    /// `'...'`: nothing is special.
    Single,
    /// `"..."` or `$"..."`: `$`, `` ` `` and `\` keep their meaning.
    Double,
    /// `$'...'`: like single quotes, with C escapes.
    AnsiC,
    /// A heredoc body; `expands` when its delimiter was unquoted.
    Heredoc { expands: bool },
}

impl Quoting {
    /// `$NAME` is expanded in this quoting.
    pub fn expands(self) -> bool {
        matches!(
            self,
            Quoting::Unquoted | Quoting::Double | Quoting::Heredoc { expands: true }
        )
    }
}

/// A run of a word with one quoting.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Piece {
    pub quoting: Quoting,
    /// With the quote characters (and the `$` of `$'..'`).
    pub outer: Range<usize>,
    /// Between the quotes (the same as `outer` when unquoted).
    pub inner: Range<usize>,
}

/// Value bytes `val..val+val_len` come from text bytes `src..src+src_len`.
/// Equal lengths map byte for byte; otherwise (a decoded `$'\n'`) the run is
/// atomic.
/// Offsets are `u32`: a word lives in one RUN of a file far smaller than
/// 4 GiB, and a word with one run then needs no allocation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Seg {
    val: u32,
    val_len: u32,
    src: u32,
    src_len: u32,
    piece: u32,
    /// Part of an expansion (`$X`, `${..}`, `$(..)`, backticks): not literal.
    dynamic: bool,
}

impl Seg {
    fn val(&self) -> usize {
        self.val as usize
    }
    fn val_len(&self) -> usize {
        self.val_len as usize
    }
    fn src(&self) -> usize {
        self.src as usize
    }
    fn src_len(&self) -> usize {
        self.src_len as usize
    }
    fn piece(&self) -> usize {
        self.piece as usize
    }
    /// The text offset of value offset `at` (its start for an escape).
    fn start_of(&self, at: usize) -> usize {
        if self.val_len == self.src_len {
            self.src() + (at - self.val())
        } else {
            self.src()
        }
    }
    /// The text offset just after value offset `at - 1`.
    fn end_of(&self, at: usize) -> usize {
        if self.val_len == self.src_len {
            self.src() + (at - self.val())
        } else {
            self.src() + self.src_len()
        }
    }
}

/// A word of a script.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Word {
    /// The whole word in the script text.
    pub range: Range<usize>,
    pub pieces: SmallVec<[Piece; 1]>,
    /// What the program receives (expansions as written).
    pub value: String,
    pub(crate) segs: SmallVec<[Seg; 1]>,
}

impl Word {
    /// True when some piece is quoted.
    pub fn has_quotes(&self) -> bool {
        self.pieces.iter().any(|p| p.quoting != Quoting::Unquoted)
    }

    /// A heredoc body: quotes in it are plain text.
    pub fn is_heredoc(&self) -> bool {
        matches!(
            self.pieces.first(),
            Some(Piece {
                quoting: Quoting::Heredoc { .. },
                ..
            })
        )
    }

    pub(crate) fn push_piece(&mut self, piece: Piece) -> usize {
        self.pieces.push(piece);
        self.pieces.len() - 1
    }

    /// Appends value text that maps to text bytes `src` (same length when
    /// `literal`; an atomic decoded escape otherwise).
    pub(crate) fn push(&mut self, value: &str, src: Range<usize>, piece: usize, dynamic: bool) {
        if value.is_empty() && src.is_empty() {
            return;
        }
        let val = self.value.len();
        let one_to_one = value.len() == src.len();
        if let Some(last) = self.segs.last_mut() {
            let joins = last.src() + last.src_len() == src.start
                && last.piece() == piece
                && last.dynamic == dynamic
                && last.val_len == last.src_len
                && one_to_one;
            if joins {
                last.val_len += value.len() as u32;
                last.src_len += src.len() as u32;
                self.value.push_str(value);
                return;
            }
        }
        self.segs.push(Seg {
            val: val as u32,
            val_len: value.len() as u32,
            src: src.start as u32,
            src_len: src.len() as u32,
            piece: piece as u32,
            dynamic,
        });
        self.value.push_str(value);
    }

    fn seg_index(&self, val: usize) -> Option<usize> {
        let i = self.segs.partition_point(|s| s.val() + s.val_len() <= val);
        (i < self.segs.len() && self.segs[i].val() <= val).then_some(i)
    }

    /// The script-text range of value bytes `r`, and the piece they lie in,
    /// when they all lie in one piece. A bound inside a decoded escape takes
    /// the whole escape.
    pub fn source(&self, r: Range<usize>) -> Option<(Range<usize>, usize)> {
        if r.is_empty() || r.end > self.value.len() {
            return None;
        }
        let a = &self.segs[self.seg_index(r.start)?];
        let b = &self.segs[self.seg_index(r.end - 1)?];
        if a.piece != b.piece {
            return None;
        }
        Some((a.start_of(r.start)..b.end_of(r.end), a.piece()))
    }

    /// The script-text range of value bytes `r` across pieces (for masking
    /// and positions, not for splicing).
    pub fn source_span(&self, r: Range<usize>) -> Option<Range<usize>> {
        if r.is_empty() || r.end > self.value.len() {
            return None;
        }
        let a = &self.segs[self.seg_index(r.start)?];
        let b = &self.segs[self.seg_index(r.end - 1)?];
        Some(a.start_of(r.start)..b.end_of(r.end))
    }

    /// Value bytes `r` hold part of an expansion (`$X`, `${..}`, `$(..)`,
    /// a backtick): the shell computes them, they are not a literal.
    pub fn dynamic(&self, r: Range<usize>) -> bool {
        let Some(first) = self.seg_index(r.start) else {
            return false;
        };
        self.segs[first..]
            .iter()
            .take_while(|s| s.val() < r.end)
            .any(|s| s.dynamic)
    }

    /// The value as runs: each value range, and whether the shell computes it
    /// (an expansion, kept as written) or it is literal text.
    pub fn runs(&self) -> impl Iterator<Item = (Range<usize>, bool)> + '_ {
        self.segs
            .iter()
            .map(|s| (s.val()..s.val() + s.val_len(), s.dynamic))
    }

    /// The word is one expansion and nothing else (`$X`, `"${X:-y}"`).
    pub fn is_reference(&self) -> bool {
        !self.segs.is_empty() && self.segs.iter().all(|s| s.dynamic)
    }

    /// The word starts with an unquoted `NAME=`: the length of `NAME`.
    pub fn assignment_name_len(&self) -> Option<usize> {
        if self.is_heredoc() {
            return None;
        }
        let eq = self.value.find('=')?;
        let name = &self.value[..eq];
        let first = self.segs.first()?;
        let unquoted = self.pieces.get(first.piece())?.quoting == Quoting::Unquoted;
        (super::is_name(name) && unquoted && !first.dynamic && first.val_len() > eq).then_some(eq)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn word() -> Word {
        // `a"b\$c"'d'` → a b $ c d
        let mut w = Word::default();
        let p0 = w.push_piece(Piece {
            quoting: Quoting::Unquoted,
            outer: 0..1,
            inner: 0..1,
        });
        w.push("a", 0..1, p0, false);
        let p1 = w.push_piece(Piece {
            quoting: Quoting::Double,
            outer: 1..7,
            inner: 2..6,
        });
        w.push("b", 2..3, p1, false);
        w.push("$", 4..5, p1, false);
        w.push("c", 5..6, p1, false);
        let p2 = w.push_piece(Piece {
            quoting: Quoting::Single,
            outer: 7..10,
            inner: 8..9,
        });
        w.push("d", 8..9, p2, false);
        w
    }

    #[test]
    fn maps_values_back_within_a_piece() {
        let w = word();
        assert_eq!(w.value, "ab$cd");
        assert_eq!(w.source(1..4), Some((2..6, 1)));
        assert_eq!(w.source(0..2), None, "crosses pieces");
        assert_eq!(w.source_span(0..5), Some(0..9));
    }

    #[test]
    fn atomic_escapes_map_whole() {
        let mut w = Word::default();
        let p = w.push_piece(Piece {
            quoting: Quoting::AnsiC,
            outer: 0..7,
            inner: 2..6,
        });
        w.push("a", 2..3, p, false);
        w.push("\n", 3..5, p, false);
        w.push("b", 5..6, p, false);
        assert_eq!(w.value, "a\nb");
        assert_eq!(w.source(1..2), Some((3..5, 0)));
        assert_eq!(w.source(0..3), Some((2..6, 0)));
    }
}
