//! The comment lines of a parsed Dockerfile, and where each stands: in the
//! block of comment lines directly above an instruction, among the
//! continuation lines of one (where BuildKit drops it), or on its own.
//!
//! The parser keeps no comments (its hot loop only skips them); this reads
//! them back from the gaps between instructions, which hold nothing but
//! blank lines, comments and directives, and from the lines of a continued
//! instruction that are not heredoc bodies.

use super::{Dockerfile, Span};

/// One comment line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Comment<'s> {
    /// From the `#` to the end of the line (line ending excluded).
    pub span: Span,
    /// The text after the `#`, trimmed.
    pub text: &'s str,
    pub place: Place,
}

/// Where a comment stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Place {
    /// In the block of comment lines directly above instruction `i` (no
    /// blank line between the comment and the instruction).
    Before(usize),
    /// Among the continuation lines of instruction `i`.
    Inside(usize),
    /// Anywhere else: followed by a blank line, or after the last instruction.
    Loose,
}

/// Every comment line of `d` in file order, directives excluded.
pub fn comments<'s>(d: &Dockerfile<'s>) -> Vec<Comment<'s>> {
    let source = d.source;
    let mut out = Vec::new();
    let mut gap_start = if d.has_bom { '\u{feff}'.len_utf8() } else { 0 };
    for (i, ins) in d.instructions.iter().enumerate() {
        gap(d, gap_start..ins.span.start, Some(i), &mut out);
        inside(d, i, &mut out);
        gap_start = ins.span.end;
    }
    gap(d, gap_start..source.len(), None, &mut out);
    out
}

/// The whole lines in `range` (its first and last pieces belong to the
/// instructions around it): `(start, content end)` of each.
fn lines(source: &str, range: std::ops::Range<usize>, whole_first: bool) -> Vec<(usize, usize)> {
    let bytes = source.as_bytes();
    let mut at = range.start;
    if !whole_first {
        // Skip the rest of the previous instruction's last line.
        match memchr::memchr(b'\n', &bytes[at..range.end]) {
            Some(i) => at += i + 1,
            None => return Vec::new(),
        }
    }
    let mut out = Vec::new();
    while at < range.end {
        let (end, next) = match memchr::memchr(b'\n', &bytes[at..range.end]) {
            Some(i) => (at + i, at + i + 1),
            // A last piece without a line ending: the start of the next
            // instruction's line, or the file's last line.
            None => (range.end, range.end),
        };
        let mut content_end = end;
        while content_end > at && bytes[content_end - 1] == b'\r' {
            content_end -= 1;
        }
        out.push((at, content_end));
        at = next;
    }
    out
}

/// A line's comment, if it is one: the span from `#` and the trimmed text.
fn comment_on(source: &str, (start, end): (usize, usize)) -> Option<(Span, &str)> {
    let line = &source[start..end];
    let text = line.trim_start();
    let hash = start + (line.len() - text.len());
    let body = text.strip_prefix('#')?;
    Some((Span::new(hash, end), body.trim()))
}

fn gap<'s>(
    d: &Dockerfile<'s>,
    range: std::ops::Range<usize>,
    next: Option<usize>,
    out: &mut Vec<Comment<'s>>,
) {
    let first_gap = next == Some(0) || (next.is_none() && d.instructions.is_empty());
    let mut all = lines(d.source, range.clone(), first_gap);
    if next.is_some() {
        // The last piece is the indentation of the next instruction's line.
        if all.last().is_some_and(|&(_, end)| end == range.end) {
            all.pop();
        }
    }
    let mut block: Vec<usize> = Vec::new();
    for line in all {
        let Some((span, text)) = comment_on(d.source, line) else {
            // A blank line ends a block.
            for &c in &block {
                out[c].place = Place::Loose;
            }
            block.clear();
            continue;
        };
        if d.directives.iter().any(|x| x.span.start == span.start) {
            continue;
        }
        block.push(out.len());
        out.push(Comment {
            span,
            text,
            place: next.map_or(Place::Loose, Place::Before),
        });
    }
}

fn inside<'s>(d: &Dockerfile<'s>, i: usize, out: &mut Vec<Comment<'s>>) {
    let ins = &d.instructions[i];
    if ins.end_line == ins.start_line {
        return;
    }
    let in_heredoc = |at: usize| {
        ins.heredocs
            .iter()
            .any(|h| (h.body.start..=h.terminator.end).contains(&at))
    };
    for line in lines(d.source, ins.span.start..ins.span.end, false) {
        if in_heredoc(line.0) {
            continue;
        }
        if let Some((span, text)) = comment_on(d.source, line) {
            out.push(Comment {
                span,
                text,
                place: Place::Inside(i),
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn places(src: &str) -> Vec<(&str, Place)> {
        let d = crate::syntax::parse(src).unwrap();
        comments(&d)
            .into_iter()
            .map(|c| (c.text, c.place))
            .collect()
    }

    #[test]
    fn comments_and_where_they_stand() {
        let src = "# syntax=docker/dockerfile:1\n\
                   # loose\n\
                   \n\
                   # a\n  # b\nFROM alpine\n\
                   RUN echo \\\n  # inside\n  done\n\
                   # before heredoc\n\
                   RUN <<EOF\n# in the body\nEOF\n\
                   # after\n\
                   \n\
                   # end";
        assert_eq!(
            places(src),
            [
                ("loose", Place::Loose),
                ("a", Place::Before(0)),
                ("b", Place::Before(0)),
                ("inside", Place::Inside(1)),
                ("before heredoc", Place::Before(2)),
                ("after", Place::Loose),
                ("end", Place::Loose),
            ]
        );
    }

    #[test]
    fn crlf_bom_and_indented_instructions() {
        let src = "\u{feff}# first\r\n   FROM alpine\r\n#x\r\n\tRUN true\r\n";
        let d = crate::syntax::parse(src).unwrap();
        let found = comments(&d);
        assert_eq!(found[0].text, "first");
        assert_eq!(found[0].place, Place::Before(0));
        assert_eq!(found[0].span.text(src), "# first");
        assert_eq!(found[1].span.text(src), "#x");
        assert_eq!(found[1].place, Place::Before(1));
    }
}
