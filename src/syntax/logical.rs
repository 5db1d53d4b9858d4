//! BuildKit's "logical line": the physical lines of one instruction joined the
//! way BuildKit joins them (continuation characters, comment lines and empty
//! lines dropped), with a map back to the original bytes.

use std::borrow::Cow;
use std::ops::Range;

use super::span::Span;

/// One contiguous piece of the original text that is part of a logical line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Segment {
    /// Offset of this piece within the logical text.
    logical: usize,
    /// Offset of this piece within the original source.
    original: usize,
    len: usize,
}

/// The text BuildKit parses for one instruction, and where each byte of it came
/// from. Borrowed from the source when the instruction fits on one line.
#[derive(Clone, Debug)]
pub struct LogicalLine<'s> {
    text: Cow<'s, str>,
    /// The first piece; most instructions have no other, and then no
    /// allocation is needed for the map.
    first: Segment,
    /// The pieces after the first.
    rest: Vec<Segment>,
}

impl<'s> LogicalLine<'s> {
    /// Joins the given original ranges, in order.
    pub(crate) fn from_pieces(source: &'s str, pieces: &[Range<usize>]) -> Self {
        let mut first: Option<Segment> = None;
        // Most instructions are one line: no vector for them.
        let mut rest = Vec::new();
        let mut logical = 0;
        for piece in pieces {
            if piece.is_empty() {
                continue;
            }
            let s = Segment {
                logical,
                original: piece.start,
                len: piece.len(),
            };
            match first {
                None => first = Some(s),
                Some(_) => {
                    if rest.is_empty() {
                        rest.reserve_exact(pieces.len().saturating_sub(1));
                    }
                    rest.push(s);
                }
            }
            logical += piece.len();
        }
        let text = match (&first, rest.as_slice()) {
            (None, _) => Cow::Borrowed(""),
            (Some(one), []) => Cow::Borrowed(&source[one.original..one.original + one.len]),
            (Some(one), many) => {
                let mut joined = String::with_capacity(logical);
                for s in std::iter::once(one).chain(many) {
                    joined.push_str(&source[s.original..s.original + s.len]);
                }
                Cow::Owned(joined)
            }
        };
        // An empty anchor, so offsets still map somewhere sensible.
        let first = first.unwrap_or(Segment {
            logical: 0,
            original: pieces.first().map_or(0, |p| p.start),
            len: 0,
        });
        LogicalLine { text, first, rest }
    }

    fn segment(&self, i: usize) -> Segment {
        if i == 0 {
            self.first
        } else {
            self.rest[i - 1]
        }
    }

    fn segment_count(&self) -> usize {
        1 + self.rest.len()
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// A slice of the logical text, borrowed from the source where possible.
    pub(crate) fn slice(&self, range: Range<usize>) -> Cow<'s, str> {
        match &self.text {
            Cow::Borrowed(s) => Cow::Borrowed(&s[range]),
            Cow::Owned(s) => Cow::Owned(s[range].to_owned()),
        }
    }

    /// Original offset of the logical byte at `offset` (a start position).
    fn start_of(&self, offset: usize) -> usize {
        let i = if self.rest.is_empty() || offset < self.first.len {
            0
        } else {
            (1 + self.rest.partition_point(|s| s.logical + s.len <= offset))
                .min(self.segment_count() - 1)
        };
        let s = self.segment(i);
        s.original + offset.saturating_sub(s.logical).min(s.len)
    }

    /// Original offset just after the logical byte before `offset` (an end position).
    fn end_of(&self, offset: usize) -> usize {
        let i = if self.rest.is_empty() || offset <= self.first.len {
            0
        } else {
            self.rest.partition_point(|s| s.logical < offset)
        };
        let s = self.segment(i);
        s.original + (offset - s.logical.min(offset)).min(s.len)
    }

    /// The original span that a logical range covers. A range that crosses a line
    /// continuation covers the continuation bytes too.
    pub fn span(&self, range: Range<usize>) -> Span {
        if range.is_empty() {
            let at = self.start_of(range.start);
            return Span::new(at, at);
        }
        Span::new(self.start_of(range.start), self.end_of(range.end))
    }

    /// The original pieces a logical range is made of, in order: one span
    /// per physical line it touches, without the continuation characters and
    /// the comment or empty lines between them. A splice that replaces the
    /// first piece and deletes the others changes what BuildKit joins and
    /// nothing else.
    pub fn pieces(&self, range: Range<usize>) -> Vec<Span> {
        if range.is_empty() {
            return vec![self.span(range)];
        }
        let mut out = Vec::new();
        for i in 0..self.segment_count() {
            let s = self.segment(i);
            let start = range.start.max(s.logical);
            let end = range.end.min(s.logical + s.len);
            if start < end {
                let at = s.original + (start - s.logical);
                out.push(Span::new(at, at + (end - start)));
            }
        }
        out
    }

    /// True when the logical text is one contiguous piece of the source.
    pub fn is_contiguous(&self) -> bool {
        self.rest.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_ranges_across_continuations() {
        let src = "RUN a \\\n  b\n";
        let line = LogicalLine::from_pieces(src, &[0..6, 8..11]);
        assert_eq!(line.as_str(), "RUN a   b");
        assert_eq!(line.span(0..3), Span::new(0, 3));
        assert_eq!(line.span(8..9), Span::new(10, 11));
        // "a   b" crosses the continuation.
        let s = line.span(4..9);
        assert_eq!(&src[s.start..s.end], "a \\\n  b");
        // A range that ends exactly at a segment boundary stays in the first piece.
        assert_eq!(line.span(4..6), Span::new(4, 6));
        assert_eq!(line.span(6..6), Span::new(8, 8));
    }

    #[test]
    fn pieces_leave_out_the_continuation() {
        let src = "RUN a \\\n# c\n  b\n";
        let line = LogicalLine::from_pieces(src, &[0..6, 12..15]);
        assert_eq!(line.as_str(), "RUN a   b");
        let pieces: Vec<&str> = line.pieces(4..9).iter().map(|s| s.text(src)).collect();
        assert_eq!(pieces, ["a ", "  b"]);
        assert_eq!(line.pieces(7..9), [Span::new(13, 15)]);
    }

    #[test]
    fn single_piece_borrows() {
        let src = "FROM x";
        let pieces = [Range { start: 0, end: 6 }];
        let line = LogicalLine::from_pieces(src, &pieces);
        assert!(matches!(line.slice(5..6), Cow::Borrowed("x")));
        assert!(line.is_contiguous());
    }
}
