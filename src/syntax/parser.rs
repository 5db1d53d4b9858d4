//! The line loop: directives, comments, continuations and heredoc bodies,
//! following BuildKit's `parser.Parse`. Iterative throughout, so input size
//! never grows the stack.

use std::ops::Range;

use super::error::{SyntaxError, SyntaxErrorKind};
use super::heredoc;
use super::instruction::{parse_instruction, Placement};
use super::logical::LogicalLine;
use super::span::{byte_position, LineIndex, Span};
use super::{Directive, Dockerfile, Heredoc, Instruction};

const BOM: &str = "\u{feff}";

/// Parses raw bytes: rejects binary data and invalid UTF-8 with a position.
pub fn parse_bytes(bytes: &[u8]) -> Result<Dockerfile<'_>, SyntaxError> {
    if let Some(nul) = memchr::memchr(0, bytes) {
        return Err(SyntaxError::new(
            SyntaxErrorKind::Binary,
            byte_position(bytes, nul),
        ));
    }
    let source = std::str::from_utf8(bytes).map_err(|e| {
        SyntaxError::new(
            SyntaxErrorKind::InvalidUtf8,
            byte_position(bytes, e.valid_up_to()),
        )
    })?;
    parse(source)
}

/// Parses Dockerfile text.
pub fn parse(source: &str) -> Result<Dockerfile<'_>, SyntaxError> {
    Parser::new(source, true).run()
}

/// Checks that `source` parses, keeping nothing: the memory of one
/// instruction rather than of the file.
pub fn validate(source: &str) -> Result<(), SyntaxError> {
    Parser::new(source, false).run().map(|_| ())
}

/// One physical line: `start..content_end` is its text without the line
/// ending (all trailing `\r`/`\n`, as BuildKit trims them).
#[derive(Clone, Copy)]
struct Line {
    start: usize,
    content_end: usize,
}

struct Parser<'s> {
    source: &'s str,
    bytes: &'s [u8],
    pos: usize,
    line_no: usize,
    escape: u8,
    directives_done: bool,
    directives: Vec<Directive>,
    instructions: Vec<Instruction<'s>>,
    /// Instructions read so far.
    count: usize,
    /// Keep the instructions (a parse) or drop each once read (a check).
    keep: bool,
    /// Reused buffer for the pieces of the current logical line.
    pieces: Vec<Range<usize>>,
}

impl<'s> Parser<'s> {
    fn new(source: &'s str, keep: bool) -> Self {
        // At most one instruction per line; growing a large vector is a
        // measurable cost, and a doubled vector a measurable peak.
        let lines = memchr::memchr_iter(b'\n', source.as_bytes()).count() + 1;
        let capacity = if keep {
            lines.min(source.len() / 4 + 1)
        } else {
            1
        };
        Parser {
            source,
            bytes: source.as_bytes(),
            pos: 0,
            line_no: 0,
            escape: b'\\',
            directives_done: false,
            directives: Vec::new(),
            instructions: Vec::with_capacity(capacity),
            count: 0,
            keep,
            pieces: Vec::new(),
        }
    }

    fn error_at(&self, kind: SyntaxErrorKind, offset: usize) -> SyntaxError {
        SyntaxError::new(
            kind,
            LineIndex::new(self.source).position(self.source, offset),
        )
    }

    fn next_line(&mut self) -> Option<Line> {
        if self.pos >= self.bytes.len() {
            return None;
        }
        let start = self.pos;
        let (mut content_end, next) = match memchr::memchr(b'\n', &self.bytes[start..]) {
            Some(i) => (start + i, start + i + 1),
            None => (self.bytes.len(), self.bytes.len()),
        };
        while content_end > start && matches!(self.bytes[content_end - 1], b'\r' | b'\n') {
            content_end -= 1;
        }
        self.pos = next;
        self.line_no += 1;
        Some(Line { start, content_end })
    }

    fn run(mut self) -> Result<Dockerfile<'s>, SyntaxError> {
        let has_bom = self.source.starts_with(BOM);
        while let Some(line) = self.next_line() {
            let mut start = line.start;
            if self.line_no == 1 && has_bom {
                start += BOM.len();
            }
            start = self.skip_leading_space(start, line.content_end);
            if !self.directives_done {
                self.directive(start, line.content_end)?;
            }
            if self.bytes.get(start) == Some(&b'#') || start == line.content_end {
                continue;
            }
            self.instruction(start, line)?;
        }
        if self.count == 0 {
            return Err(self.error_at(SyntaxErrorKind::NoInstructions, self.source.len()));
        }
        Ok(Dockerfile {
            source: self.source,
            has_bom,
            escape: self.escape as char,
            directives: self.directives,
            instructions: self.instructions,
        })
    }

    fn skip_leading_space(&self, from: usize, to: usize) -> usize {
        let mut i = from;
        // ASCII first; Unicode white space (which BuildKit trims too) is rare.
        while i < to && matches!(self.bytes[i], b' ' | b'\t' | b'\r' | b'\n' | 0x0b | 0x0c) {
            i += 1;
        }
        if i < to && self.bytes[i] >= 0x80 {
            let text = &self.source[i..to];
            i += text.len() - text.trim_start().len();
        }
        i
    }

    /// Reads one instruction whose first line starts at `start`.
    fn instruction(&mut self, start: usize, first: Line) -> Result<(), SyntaxError> {
        let start_line = self.line_no;
        let mut last_end = first.content_end;
        self.pieces.clear();
        let (piece_end, mut continues) = self.continuation(start, first.content_end);
        self.pieces.push(start..piece_end);
        while continues {
            let Some(line) = self.next_line() else { break };
            last_end = line.content_end;
            let text_start = self.skip_leading_space(line.start, line.content_end);
            if text_start == line.content_end || self.bytes[text_start] == b'#' {
                // Comment and empty lines inside a continuation are dropped.
                continue;
            }
            let (piece_end, more) = self.continuation(line.start, line.content_end);
            self.pieces.push(line.start..piece_end);
            continues = more;
        }
        let logical = LogicalLine::from_pieces(self.source, &self.pieces);
        let placement = Placement {
            span: Span::new(start, last_end),
            start_line,
            end_line: self.line_no,
        };
        let mut instruction = parse_instruction(logical, self.escape as char, placement)
            .map_err(|(kind, at)| self.error_at(kind, self.logical_to_original(at)))?;
        self.heredocs(&mut instruction)?;
        self.count += 1;
        if self.keep {
            self.instructions.push(instruction);
        }
        Ok(())
    }

    /// Maps a logical offset of the line in `self.pieces` to the source.
    fn logical_to_original(&self, offset: usize) -> usize {
        let mut remaining = offset;
        for piece in &self.pieces {
            if remaining <= piece.len() {
                return piece.start + remaining;
            }
            remaining -= piece.len();
        }
        self.pieces.last().map_or(0, |p| p.end)
    }

    /// Whether `start..end` ends in a line continuation, and where its text
    /// ends: the escape character followed only by spaces and tabs, unless that
    /// escape character is itself escaped.
    fn continuation(&self, start: usize, end: usize) -> (usize, bool) {
        let mut i = end;
        while i > start && matches!(self.bytes[i - 1], b' ' | b'\t') {
            i -= 1;
        }
        if i == start || self.bytes[i - 1] != self.escape {
            return (end, false);
        }
        let escape_at = i - 1;
        if escape_at > start && self.bytes[escape_at - 1] == self.escape {
            return (end, false);
        }
        (escape_at, true)
    }

    /// Reads a parser directive from a line at the top of the file, or marks
    /// the directives as done.
    fn directive(&mut self, start: usize, end: usize) -> Result<(), SyntaxError> {
        let Some((name, value)) = directive_parts(&self.source[start..end]) else {
            self.directives_done = true;
            return Ok(());
        };
        let name = name.to_ascii_lowercase();
        if !matches!(name.as_str(), "syntax" | "escape" | "check") {
            self.directives_done = true;
            return Ok(());
        }
        if self.directives.iter().any(|d| d.name == name) {
            return Err(self.error_at(SyntaxErrorKind::DuplicateDirective(name), start));
        }
        if name == "escape" {
            match value {
                "\\" => self.escape = b'\\',
                "`" => self.escape = b'`',
                other => {
                    return Err(
                        self.error_at(SyntaxErrorKind::InvalidEscape(other.to_owned()), start)
                    )
                }
            }
        }
        self.directives.push(Directive {
            name,
            value: value.to_owned(),
            span: Span::new(start, end),
            line: self.line_no,
        });
        Ok(())
    }

    /// Reads the bodies of the instruction's heredocs from the lines after it.
    fn heredocs(&mut self, instruction: &mut Instruction<'s>) -> Result<(), SyntaxError> {
        let target = instruction.effective();
        if !target.keyword.takes_heredocs() || target.is_exec_form() {
            return Ok(());
        }
        let operators = heredoc::operators(instruction.line.as_str())
            .map_err(|(kind, at)| self.error_at(kind, instruction.line.span(at..at).start))?;
        for op in operators {
            let body_start = self.pos;
            let mut terminator = None;
            while let Some(line) = self.next_line() {
                let mut text = &self.source[line.start..line.content_end];
                if op.chomp {
                    text = text.trim_start_matches('\t');
                }
                if text == op.name {
                    terminator = Some(line);
                    break;
                }
            }
            let Some(term) = terminator else {
                return Err(self.error_at(
                    SyntaxErrorKind::UnterminatedHeredoc(op.name),
                    instruction.line.span(op.word.clone()).start,
                ));
            };
            instruction.heredocs.push(Heredoc {
                name: op.name,
                fd: op.fd,
                chomp: op.chomp,
                expand: op.expand,
                word: instruction.line.span(op.word),
                body: Span::new(body_start, term.start),
                terminator: Span::new(term.start, term.content_end),
            });
            instruction.span.end = term.content_end;
            instruction.end_line = self.line_no;
        }
        Ok(())
    }
}

/// `# name = value` at the start of a (left-trimmed) line: BuildKit's
/// `^#\s*([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.+?)\s*$`.
fn directive_parts(line: &str) -> Option<(&str, &str)> {
    let rest = line.strip_prefix('#')?.trim_start_matches(is_re_space);
    let name_len = rest
        .char_indices()
        .find(|&(i, c)| !(c.is_ascii_alphabetic() || (i > 0 && c.is_ascii_digit())))
        .map_or(rest.len(), |(i, _)| i);
    if name_len == 0 {
        return None;
    }
    let (name, rest) = rest.split_at(name_len);
    let after_equals = rest.trim_start_matches(is_re_space).strip_prefix('=')?;
    let value = after_equals.trim_matches(is_re_space);
    if !value.is_empty() {
        return Some((name, value));
    }
    // `(.+?)` needs one character: with only white space after `=`, the regex
    // still matches and takes the last white-space character as the value.
    let last = after_equals.chars().last()?;
    Some((name, &after_equals[after_equals.len() - last.len_utf8()..]))
}

/// Go's regexp `\s`: ASCII white space.
fn is_re_space(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\x0c' | '\r' | ' ')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn directive_syntax() {
        assert_eq!(directive_parts("# escape=`"), Some(("escape", "`")));
        assert_eq!(directive_parts("#escape = ` "), Some(("escape", "`")));
        assert_eq!(
            directive_parts("# syntax=docker/dockerfile:1"),
            Some(("syntax", "docker/dockerfile:1"))
        );
        assert_eq!(directive_parts("# a1=b c"), Some(("a1", "b c")));
        assert_eq!(directive_parts("# 1a=b"), None);
        assert_eq!(directive_parts("# escape="), None);
        assert_eq!(directive_parts("# just a comment"), None);
    }
}
