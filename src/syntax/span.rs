//! Byte ranges into the original Dockerfile text, and line/column lookup.

use serde::Serialize;

/// A half-open byte range `start..end` into the original source text.
///
/// Every piece of the syntax model carries one; edits are splices over these
/// ranges, so text we did not mean to touch is never re-rendered.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub const fn new(start: usize, end: usize) -> Self {
        Span { start, end }
    }

    pub const fn len(&self) -> usize {
        self.end - self.start
    }

    pub const fn is_empty(&self) -> bool {
        self.start == self.end
    }

    pub fn contains(&self, other: Span) -> bool {
        self.start <= other.start && other.end <= self.end
    }

    /// The text this span covers in `source`.
    pub fn text<'s>(&self, source: &'s str) -> &'s str {
        &source[self.start..self.end]
    }
}

/// 1-based line and column (in characters) of a byte offset.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

/// Maps byte offsets to lines, counting lines the way BuildKit does: a line ends
/// at `\n` only, and a final line without `\n` still counts.
#[derive(Clone, Debug)]
pub struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    pub fn new(source: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(
            source
                .bytes()
                .enumerate()
                .filter(|&(_, b)| b == b'\n')
                .map(|(i, _)| i + 1),
        );
        LineIndex { starts }
    }

    /// Position of `offset` (clamped to the source length by the caller).
    pub fn position(&self, source: &str, offset: usize) -> Position {
        let line = self.starts.partition_point(|&s| s <= offset);
        let line_start = self.starts[line - 1];
        let column = source
            .get(line_start..offset)
            .map_or(offset - line_start, |s| s.chars().count())
            + 1;
        Position { line, column }
    }

    /// Positions of many offsets; linear in the text when they come in
    /// order (as findings do), however many share a line.
    pub fn positions(&self, source: &str, offsets: &[usize]) -> Vec<Position> {
        let mut out = Vec::with_capacity(offsets.len());
        // The last offset and its position, to count on from.
        let mut last: Option<(usize, Position)> = None;
        for &offset in offsets {
            let pos = match last {
                Some((at, p))
                    if at <= offset
                        && self.starts.get(p.line).is_none_or(|&next| offset < next) =>
                {
                    let more = source
                        .get(at..offset)
                        .map_or(offset - at, |s| s.chars().count());
                    Position {
                        line: p.line,
                        column: p.column + more,
                    }
                }
                _ => self.position(source, offset),
            };
            out.push(pos);
            last = Some((offset, pos));
        }
        out
    }

    /// Byte offset of the start of 1-based `line`, if it exists.
    pub fn line_start(&self, line: usize) -> Option<usize> {
        self.starts.get(line.checked_sub(1)?).copied()
    }
}

/// Position of `offset` in raw bytes, for errors found before the text is known
/// to be UTF-8. Columns count bytes there.
pub fn byte_position(bytes: &[u8], offset: usize) -> Position {
    let before = &bytes[..offset.min(bytes.len())];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let line_start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    Position {
        line,
        column: offset - line_start + 1,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn many_positions_match_one_by_one() {
        let src = "RUN a é b\nRUN c\n\nRUN ééé d e f\nx";
        let idx = LineIndex::new(src);
        let offsets: Vec<usize> = (0..=src.len())
            .filter(|&o| src.is_char_boundary(o))
            .collect();
        let one: Vec<Position> = offsets.iter().map(|&o| idx.position(src, o)).collect();
        assert_eq!(idx.positions(src, &offsets), one);
        let back: Vec<usize> = offsets.iter().rev().copied().collect();
        let one: Vec<Position> = back.iter().map(|&o| idx.position(src, o)).collect();
        assert_eq!(idx.positions(src, &back), one);
    }

    #[test]
    fn positions_count_lines_on_newline_only() {
        let src = "ab\r\ncé\nx";
        let idx = LineIndex::new(src);
        assert_eq!(idx.position(src, 0), Position { line: 1, column: 1 });
        assert_eq!(idx.position(src, 4), Position { line: 2, column: 1 });
        // 'é' is two bytes: the byte after it is the third character.
        assert_eq!(idx.position(src, 7), Position { line: 2, column: 3 });
        assert_eq!(idx.position(src, 8), Position { line: 3, column: 1 });
        assert_eq!(idx.line_start(3), Some(8));
        assert_eq!(idx.line_start(4), None);
    }

    #[test]
    fn byte_positions_for_raw_input() {
        assert_eq!(
            byte_position(b"a\nbc\xff", 4),
            Position { line: 2, column: 3 }
        );
    }
}
