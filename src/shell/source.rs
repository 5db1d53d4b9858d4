//! Where a script's text sits in the Dockerfile: the first line of a RUN is
//! BuildKit's joined text (continuations, comment and empty lines dropped),
//! a heredoc body is a plain slice of the file.

use std::ops::Range;

use crate::fix::Edit;
use crate::syntax::{LogicalLine, Span};

/// Maps script-text offsets to file offsets.
#[derive(Clone, Copy, Debug)]
pub enum SourceMap<'l, 's> {
    /// The text is `line[offset..]` of an instruction's logical line.
    Line {
        line: &'l LogicalLine<'s>,
        offset: usize,
    },
    /// The text is the file from `at` on.
    At(usize),
}

impl SourceMap<'_, '_> {
    /// The file span a text range covers (with any continuation inside it):
    /// what to delete to remove the range.
    pub fn span(&self, r: Range<usize>) -> Span {
        match self {
            SourceMap::Line { line, offset } => line.span(r.start + offset..r.end + offset),
            SourceMap::At(at) => Span::new(r.start + at, r.end + at),
        }
    }

    /// The file offset of a text offset (for insertions).
    pub fn offset(&self, at: usize) -> usize {
        self.span(at..at).start
    }

    /// Edits that replace text range `r` by `content`: the first physical
    /// piece gets the content, the rest of the range is deleted piece by
    /// piece, so continuations and comment lines in between stay.
    pub fn replace(&self, r: Range<usize>, content: &str) -> Vec<Edit> {
        let pieces = match self {
            SourceMap::Line { line, offset } => line.pieces(r.start + offset..r.end + offset),
            SourceMap::At(_) => vec![self.span(r)],
        };
        pieces
            .iter()
            .enumerate()
            .map(|(i, p)| {
                if i == 0 {
                    Edit::replace(*p, content.to_owned())
                } else {
                    Edit::delete(*p)
                }
            })
            .collect()
    }

    /// Spans of the text range, piece by piece (for masking).
    pub fn pieces(&self, r: Range<usize>) -> Vec<Span> {
        match self {
            SourceMap::Line { line, offset } => line.pieces(r.start + offset..r.end + offset),
            SourceMap::At(_) => vec![self.span(r)],
        }
    }
}
