//! Tokens of a script: words (with quoting and decoded values), operators,
//! redirections, heredoc operators and inline bodies, comments. Command
//! substitutions are lexed as nested scripts, to a bounded depth.

use std::ops::Range;

use super::word::{Piece, Quoting, Word};
use super::{HeredocOp, RedirectOp, VarRef};

/// Nested `$(...)`/backticks deeper than this are skipped over, not read.
const MAX_DEPTH: usize = 24;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ListOp {
    AndIf,
    OrIf,
    Semi,
    DoubleSemi,
    Pipe,
    PipeAmp,
    Amp,
    Newline,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Tok {
    Word(usize),
    List(ListOp),
    Open,
    Close,
    Redirect {
        op: RedirectOp,
        fd: Option<u32>,
        /// `2>&1`: the target is part of the operator.
        attached: bool,
    },
    Heredoc(usize),
    /// An inline heredoc body (its word).
    Body(usize),
}

/// One level of tokens (the script, or one command substitution).
#[derive(Debug, Default)]
pub(crate) struct Level {
    pub tokens: Vec<(Tok, Range<usize>)>,
    pub nested: bool,
}

pub(crate) struct Lexer<'a> {
    pub b: &'a [u8],
    pub text: &'a str,
    pub words: Vec<Word>,
    pub vars: Vec<VarRef>,
    pub heredocs: Vec<HeredocOp>,
    pub levels: Vec<Level>,
    /// Heredoc bodies are in the text (a script) rather than elsewhere (the
    /// first line of a RUN, whose bodies the Dockerfile parser took).
    inline_heredocs: bool,
    /// Heredoc operators waiting for their bodies after the next newline.
    pending: Vec<usize>,
    /// The text ends inside something it opened: a quote, a substitution,
    /// a subshell, a heredoc without its terminator. A shell refuses it,
    /// and text appended to it would land inside that construct.
    pub incomplete: bool,
}

fn is_blank(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\r' | 0x0c)
}

fn breaks_word(c: u8) -> bool {
    is_blank(c) || matches!(c, b'\n' | b';' | b'&' | b'|' | b'<' | b'>' | b'(' | b')')
}

fn name_len(b: &[u8]) -> usize {
    match b.first() {
        Some(c) if c.is_ascii_alphabetic() || *c == b'_' => b
            .iter()
            .take_while(|c| c.is_ascii_alphanumeric() || **c == b'_')
            .count(),
        _ => 0,
    }
}

impl<'a> Lexer<'a> {
    pub fn new(text: &'a str, inline_heredocs: bool) -> Self {
        Lexer {
            b: text.as_bytes(),
            text,
            words: Vec::new(),
            vars: Vec::new(),
            heredocs: Vec::new(),
            levels: Vec::new(),
            inline_heredocs,
            pending: Vec::new(),
            incomplete: false,
        }
    }

    fn at(&self, i: usize) -> u8 {
        self.b.get(i).copied().unwrap_or(0)
    }

    /// Lexes one level from `i`; a nested level ends at its unmatched `)`
    /// (or, for backticks, at `end`). Returns where it stopped.
    pub fn level(&mut self, mut i: usize, end: usize, depth: usize, nested: bool) -> usize {
        let id = self.levels.len();
        self.levels.push(Level {
            tokens: Vec::new(),
            nested,
        });
        let mut parens = 0usize;
        let mut cases = 0usize;
        let mut at_word_start = true;
        while i < end {
            let c = self.b[i];
            if is_blank(c) {
                i += 1;
                at_word_start = true;
                continue;
            }
            if c == b'\\' && self.at(i + 1) == b'\n' {
                i += 2;
                continue;
            }
            let start = i;
            let tok = match c {
                b'\n' => {
                    i += 1;
                    let t = Tok::List(ListOp::Newline);
                    self.levels[id].tokens.push((t, start..start + 1));
                    if !self.pending.is_empty() {
                        i = self.bodies(i, end, id);
                    }
                    at_word_start = true;
                    continue;
                }
                b'#' if at_word_start => {
                    while i < end && self.b[i] != b'\n' {
                        i += 1;
                    }
                    continue;
                }
                b')' if nested && parens == 0 && cases == 0 => return i,
                b'(' => {
                    parens += 1;
                    i += 1;
                    Tok::Open
                }
                b')' => {
                    if cases == 0 {
                        parens = parens.saturating_sub(1);
                    }
                    i += 1;
                    Tok::Close
                }
                b'&' | b'|' | b';' => {
                    let (t, len) = self.operator(i);
                    i += len;
                    t
                }
                b'<' | b'>' => {
                    let (t, next) = self.redirect(i, None, end, depth);
                    i = next;
                    t
                }
                b'0'..=b'9' => {
                    let digits = self.b[i..end]
                        .iter()
                        .take_while(|c| c.is_ascii_digit())
                        .count();
                    if matches!(self.at(i + digits), b'<' | b'>') && i + digits < end {
                        let fd = self.text[i..i + digits].parse().ok();
                        let (t, next) = self.redirect(i + digits, fd, end, depth);
                        i = next;
                        t
                    } else {
                        let (w, next) = self.word(i, end, depth);
                        i = next;
                        Tok::Word(w)
                    }
                }
                _ => {
                    let (w, next) = self.word(i, end, depth);
                    i = next;
                    match self.words[w].value.as_str() {
                        "case" => cases += 1,
                        "esac" => cases = cases.saturating_sub(1),
                        _ => {}
                    }
                    Tok::Word(w)
                }
            };
            at_word_start = !matches!(tok, Tok::Word(_));
            self.levels[id].tokens.push((tok, start..i));
        }
        // A subshell without its `)`; heredocs whose bodies never came.
        self.incomplete |= parens > 0 || (!nested && !self.pending.is_empty());
        end
    }

    fn operator(&self, i: usize) -> (Tok, usize) {
        let two = (self.b[i], self.at(i + 1));
        match two {
            (b'&', b'&') => (Tok::List(ListOp::AndIf), 2),
            (b'&', b'>') => {
                let append = self.at(i + 2) == b'>';
                let op = if append {
                    RedirectOp::AppendOutErr
                } else {
                    RedirectOp::OutErr
                };
                let t = Tok::Redirect {
                    op,
                    fd: None,
                    attached: false,
                };
                (t, if append { 3 } else { 2 })
            }
            (b'&', _) => (Tok::List(ListOp::Amp), 1),
            (b'|', b'|') => (Tok::List(ListOp::OrIf), 2),
            (b'|', b'&') => (Tok::List(ListOp::PipeAmp), 2),
            (b'|', _) => (Tok::List(ListOp::Pipe), 1),
            (b';', b';') => (Tok::List(ListOp::DoubleSemi), 2),
            _ => (Tok::List(ListOp::Semi), 1),
        }
    }

    /// A redirection operator at `i` (its fd, if any, was before it).
    fn redirect(&mut self, i: usize, fd: Option<u32>, end: usize, depth: usize) -> (Tok, usize) {
        let (c, c1, c2) = (self.b[i], self.at(i + 1), self.at(i + 2));
        if c == b'<' && c1 == b'<' && c2 != b'<' {
            return self.heredoc(i, end, depth);
        }
        let (op, len) = match (c, c1) {
            (b'<', b'<') => (RedirectOp::HereString, 3),
            (b'<', b'&') => (RedirectOp::DupIn, 2),
            (b'<', b'>') => (RedirectOp::ReadWrite, 2),
            (b'<', _) => (RedirectOp::In, 1),
            (_, b'>') => (RedirectOp::Append, 2),
            (_, b'&') => (RedirectOp::DupOut, 2),
            (_, b'|') => (RedirectOp::Clobber, 2),
            _ => (RedirectOp::Out, 1),
        };
        let mut next = i + len;
        let mut attached = false;
        if matches!(op, RedirectOp::DupIn | RedirectOp::DupOut) {
            let digits = self.b[next..end]
                .iter()
                .take_while(|c| c.is_ascii_digit())
                .count();
            let n = if digits == 0 && self.at(next) == b'-' {
                1
            } else {
                digits
            };
            if n > 0 && (next + n >= end || breaks_word(self.at(next + n))) {
                next += n;
                attached = true;
            }
        }
        (Tok::Redirect { op, fd, attached }, next)
    }

    fn heredoc(&mut self, i: usize, end: usize, depth: usize) -> (Tok, usize) {
        let mut j = i + 2;
        let strip_tabs = self.at(j) == b'-';
        if strip_tabs {
            j += 1;
        }
        while j < end && matches!(self.b[j], b' ' | b'\t') {
            j += 1;
        }
        let ordinal = self.heredocs.len();
        if j >= end || breaks_word(self.b[j]) {
            self.incomplete = true;
            self.heredocs.push(HeredocOp {
                delimiter: String::new(),
                quoted: false,
                strip_tabs,
                range: i..i + 2,
                ordinal,
                body: None,
            });
            return (Tok::Heredoc(ordinal), i + 2);
        }
        let (w, next) = self.word(j, end, depth + MAX_DEPTH);
        let word = &self.words[w];
        let quoted = word.has_quotes() || self.text[word.range.clone()].contains('\\');
        self.heredocs.push(HeredocOp {
            delimiter: word.value.clone(),
            quoted,
            strip_tabs,
            range: i..next,
            ordinal,
            body: None,
        });
        if self.inline_heredocs {
            self.pending.push(ordinal);
        }
        (Tok::Heredoc(ordinal), next)
    }

    /// Reads the bodies of the pending heredocs from line start `i`.
    fn bodies(&mut self, mut i: usize, end: usize, level: usize) -> usize {
        let pending = std::mem::take(&mut self.pending);
        let last = pending.len().saturating_sub(1);
        for (n, op) in pending.into_iter().enumerate() {
            let body_start = i;
            let (delim, strip, expands) = {
                let h = &self.heredocs[op];
                (h.delimiter.clone(), h.strip_tabs, !h.quoted)
            };
            let mut body_end = end;
            let mut resume = end;
            let mut terminated = false;
            while i < end {
                let line_end = memchr::memchr(b'\n', &self.b[i..end]).map_or(end, |p| i + p);
                let mut line = &self.b[i..line_end];
                if line.last() == Some(&b'\r') {
                    line = &line[..line.len() - 1];
                }
                if strip {
                    while line.first() == Some(&b'\t') {
                        line = &line[1..];
                    }
                }
                if line == delim.as_bytes() {
                    terminated = true;
                    body_end = i;
                    // The newline after the terminator separates commands.
                    resume = line_end;
                    break;
                }
                i = (line_end + 1).min(end);
            }
            self.incomplete |= !terminated;
            let w = self.body_word(body_start..body_end, expands);
            self.heredocs[op].body = Some(w);
            // The token runs to the end of the terminator line.
            self.levels[level]
                .tokens
                .push((Tok::Body(w), body_start..resume));
            i = resume;
            if n < last && i < end && self.b[i] == b'\n' {
                i += 1;
            }
        }
        i
    }

    /// A heredoc body as one word: its text as written, with the expansions
    /// of an unquoted delimiter's body marked.
    pub fn body_word(&mut self, range: Range<usize>, expands: bool) -> usize {
        let mut w = Word {
            range: range.clone(),
            ..Word::default()
        };
        let p = w.push_piece(Piece {
            quoting: Quoting::Heredoc { expands },
            outer: range.clone(),
            inner: range.clone(),
        });
        let mut i = range.start;
        let mut lit = i;
        while i < range.end {
            let c = self.b[i];
            if !expands || !(c == b'$' || c == b'`' || c == b'\\') {
                i += 1;
                continue;
            }
            if c == b'\\' {
                i += 2;
                continue;
            }
            let end = if c == b'`' {
                memchr::memchr(b'`', &self.b[i + 1..range.end]).map_or(range.end, |p| i + p + 2)
            } else {
                self.skip_dollar(i, range.end)
            };
            if end == i + 1 && c == b'$' {
                i += 1;
                continue;
            }
            w.push(&self.text[lit..i], lit..i, p, false);
            w.push(&self.text[i..end], i..end, p, true);
            i = end;
            lit = i;
        }
        let end = range.end.min(self.b.len());
        w.push(&self.text[lit.min(end)..end], lit.min(end)..end, p, false);
        self.words.push(w);
        self.words.len() - 1
    }

    /// A `$` expansion at `i` seen only to find its end (inside heredoc
    /// bodies), recording variable references.
    fn skip_dollar(&mut self, i: usize, end: usize) -> usize {
        match self.at(i + 1) {
            b'{' => {
                let close = self.brace_end(i + 2, end);
                self.param_ref(i, i + 2, close);
                close
            }
            b'(' => self.paren_end(i + 2, end),
            _ => {
                let n = name_len(&self.b[i + 1..end]);
                if n > 0 {
                    self.vars.push(VarRef {
                        name: self.text[i + 1..i + 1 + n].to_owned(),
                        range: i..i + 1 + n,
                    });
                    i + 1 + n
                } else {
                    i + 1 + usize::from(self.at(i + 1).is_ascii_digit())
                }
            }
        }
    }

    /// A word starting at `i`.
    pub fn word(&mut self, mut i: usize, end: usize, depth: usize) -> (usize, usize) {
        let start = i;
        let mut w = Word::default();
        let mut unquoted: Option<usize> = None;
        while i < end {
            let c = self.b[i];
            if breaks_word(c) {
                break;
            }
            let quote = c == b'\''
                || c == b'"'
                || (c == b'$' && matches!(self.at(i + 1), b'\'' | b'"') && i + 1 < end);
            if quote {
                unquoted = None;
                i = match (c, self.at(i + 1)) {
                    (b'\'', _) => self.single(&mut w, i, end),
                    (b'"', _) => self.double(&mut w, i, i + 1, end, depth),
                    (_, b'\'') => self.ansi_c(&mut w, i, end),
                    _ => self.double(&mut w, i, i + 2, end, depth),
                };
                continue;
            }
            let p = match unquoted {
                Some(p) => {
                    w.pieces[p].outer.end = i;
                    w.pieces[p].inner.end = i;
                    p
                }
                None => {
                    let p = w.push_piece(Piece {
                        quoting: Quoting::Unquoted,
                        outer: i..i,
                        inner: i..i,
                    });
                    unquoted = Some(p);
                    p
                }
            };
            i = match c {
                b'\\' if self.at(i + 1) == b'\n' => i + 2,
                b'\\' if i + 1 < end => {
                    let n = utf8_len(self.b[i + 1]);
                    let e = (i + 1 + n).min(end);
                    w.push(&self.text[i + 1..e], i + 1..e, p, false);
                    e
                }
                b'$' => self.dollar(&mut w, p, i, end, depth),
                b'`' => self.backtick(&mut w, p, i, end, depth),
                _ => {
                    let n = self.b[i..end]
                        .iter()
                        .take_while(|&&c| {
                            !breaks_word(c) && !matches!(c, b'\'' | b'"' | b'\\' | b'$' | b'`')
                        })
                        .count()
                        .max(1);
                    w.push(&self.text[i..i + n], i..i + n, p, false);
                    i + n
                }
            };
            w.pieces[p].outer.end = i;
            w.pieces[p].inner.end = i;
        }
        w.range = start..i;
        self.words.push(w);
        (self.words.len() - 1, i)
    }

    fn single(&mut self, w: &mut Word, i: usize, end: usize) -> usize {
        let close = memchr::memchr(b'\'', &self.b[i + 1..end]).map_or(end, |p| i + 1 + p);
        self.incomplete |= close >= end;
        let outer_end = (close + 1).min(end);
        let p = w.push_piece(Piece {
            quoting: Quoting::Single,
            outer: i..outer_end,
            inner: i + 1..close,
        });
        w.push(&self.text[i + 1..close], i + 1..close, p, false);
        outer_end
    }

    /// `"..."` whose content starts at `from` (after `"` or `$"`).
    fn double(&mut self, w: &mut Word, i: usize, from: usize, end: usize, depth: usize) -> usize {
        let p = w.push_piece(Piece {
            quoting: Quoting::Double,
            outer: i..i,
            inner: from..from,
        });
        let mut j = from;
        while j < end && self.b[j] != b'"' {
            match self.b[j] {
                b'\\' if matches!(self.at(j + 1), b'$' | b'`' | b'"' | b'\\') => {
                    w.push(&self.text[j + 1..j + 2], j + 1..j + 2, p, false);
                    j += 2;
                }
                b'\\' if self.at(j + 1) == b'\n' => j += 2,
                b'$' => j = self.dollar(w, p, j, end, depth),
                b'`' => j = self.backtick(w, p, j, end, depth),
                _ => {
                    let n = self.b[j..end]
                        .iter()
                        .take_while(|&&c| !matches!(c, b'"' | b'\\' | b'$' | b'`'))
                        .count()
                        .max(1);
                    w.push(&self.text[j..j + n], j..j + n, p, false);
                    j += n;
                }
            }
        }
        self.incomplete |= j >= end;
        let close = j.min(end);
        let outer_end = (close + 1).min(end);
        w.pieces[p].inner.end = close;
        w.pieces[p].outer.end = outer_end;
        outer_end
    }

    fn ansi_c(&mut self, w: &mut Word, i: usize, end: usize) -> usize {
        let p = w.push_piece(Piece {
            quoting: Quoting::AnsiC,
            outer: i..i,
            inner: i + 2..i + 2,
        });
        let mut j = i + 2;
        while j < end && self.b[j] != b'\'' {
            if self.b[j] != b'\\' {
                let n = self.b[j..end]
                    .iter()
                    .take_while(|&&c| c != b'\\' && c != b'\'')
                    .count();
                w.push(&self.text[j..j + n], j..j + n, p, false);
                j += n;
                continue;
            }
            let (value, len) = ansi_escape(&self.b[j..end]);
            let len = len.min(end - j);
            match value {
                Some(v) => w.push(&v, j..j + len, p, false),
                None => w.push(&self.text[j..j + len], j..j + len, p, false),
            }
            j += len;
        }
        self.incomplete |= j >= end;
        let close = j.min(end);
        let outer_end = (close + 1).min(end);
        w.pieces[p].inner.end = close;
        w.pieces[p].outer.end = outer_end;
        outer_end
    }

    /// A `$` at `i` in a word piece `p`.
    fn dollar(&mut self, w: &mut Word, p: usize, i: usize, end: usize, depth: usize) -> usize {
        let e = match self.at(i + 1) {
            b'(' if self.at(i + 2) == b'(' && i + 2 < end => self.arith_end(i + 3, end),
            b'(' if i + 1 < end => {
                if depth < MAX_DEPTH {
                    let close = self.level(i + 2, end, depth + 1, true);
                    // A substitution without its `)`.
                    self.incomplete |= close >= end;
                    (close + 1).min(end)
                } else {
                    self.paren_end(i + 2, end)
                }
            }
            b'{' if i + 1 < end => {
                let close = self.brace_end(i + 2, end);
                self.param_ref(i, i + 2, close);
                close
            }
            _ => {
                let rest = &self.b[i + 1..end];
                let n = name_len(rest);
                if n > 0 {
                    self.vars.push(VarRef {
                        name: self.text[i + 1..i + 1 + n].to_owned(),
                        range: i..i + 1 + n,
                    });
                    i + 1 + n
                } else if rest
                    .first()
                    .is_some_and(|c| c.is_ascii_digit() || b"@*#?$!-".contains(c))
                {
                    i + 2
                } else {
                    // A lone `$` is literal.
                    w.push("$", i..i + 1, p, false);
                    return i + 1;
                }
            }
        };
        let e = e.min(end);
        w.push(&self.text[i..e], i..e, p, true);
        e
    }

    /// `${` name ...: records the reference; `open` is after `${`.
    fn param_ref(&mut self, dollar: usize, open: usize, close: usize) {
        let mut s = open;
        if matches!(self.at(s), b'#' | b'!') {
            s += 1;
        }
        let n = name_len(&self.b[s..close.max(s)]);
        if n > 0 {
            self.vars.push(VarRef {
                name: self.text[s..s + n].to_owned(),
                range: dollar..close,
            });
        }
    }

    /// After `${`: the index after the matching `}`.
    fn brace_end(&mut self, mut j: usize, end: usize) -> usize {
        let mut depth = 1usize;
        while j < end {
            match self.b[j] {
                b'\\' => j += 1,
                b'\'' => {
                    j = memchr::memchr(b'\'', &self.b[j + 1..end]).map_or(end, |p| j + 1 + p);
                }
                b'{' => depth += 1,
                b'}' => {
                    depth -= 1;
                    if depth == 0 {
                        return j + 1;
                    }
                }
                _ => {}
            }
            j += 1;
        }
        self.incomplete = true;
        end
    }

    /// After `$((`: the index after the matching `))`.
    fn arith_end(&mut self, mut j: usize, end: usize) -> usize {
        let mut depth = 2usize;
        while j < end {
            match self.b[j] {
                b'(' => depth += 1,
                b')' => {
                    depth -= 1;
                    if depth == 0 {
                        return j + 1;
                    }
                }
                _ => {}
            }
            j += 1;
        }
        self.incomplete = true;
        end
    }

    /// After `$(` too deep to read: the index after the matching `)`.
    fn paren_end(&mut self, mut j: usize, end: usize) -> usize {
        let mut depth = 1usize;
        while j < end {
            match self.b[j] {
                b'\\' => j += 1,
                b'\'' => {
                    j = memchr::memchr(b'\'', &self.b[j + 1..end]).map_or(end, |p| j + 1 + p);
                }
                b'(' => depth += 1,
                b')' => {
                    depth -= 1;
                    if depth == 0 {
                        return j + 1;
                    }
                }
                _ => {}
            }
            j += 1;
        }
        self.incomplete = true;
        end
    }

    fn backtick(&mut self, w: &mut Word, p: usize, i: usize, end: usize, depth: usize) -> usize {
        let mut j = i + 1;
        while j < end && self.b[j] != b'`' {
            j += if self.b[j] == b'\\' { 2 } else { 1 };
        }
        self.incomplete |= j >= end;
        let close = j.min(end);
        if depth < MAX_DEPTH {
            self.level(i + 1, close, depth + 1, true);
        }
        let e = (close + 1).min(end);
        w.push(&self.text[i..e], i..e, p, true);
        e
    }
}

fn utf8_len(first: u8) -> usize {
    match first {
        0xC0..=0xDF => 2,
        0xE0..=0xEF => 3,
        0xF0..=0xF7 => 4,
        _ => 1,
    }
}

/// A `$'...'` escape at the start of `b` (`b[0] == '\\'`): its value and
/// length; `None` keeps the text as written (an unknown escape).
fn ansi_escape(b: &[u8]) -> (Option<String>, usize) {
    let Some(&c) = b.get(1) else {
        return (None, 1);
    };
    let simple = match c {
        b'n' => Some('\n'),
        b't' => Some('\t'),
        b'r' => Some('\r'),
        b'a' => Some('\x07'),
        b'b' => Some('\x08'),
        b'e' | b'E' => Some('\x1b'),
        b'f' => Some('\x0c'),
        b'v' => Some('\x0b'),
        b'\\' => Some('\\'),
        b'\'' => Some('\''),
        b'"' => Some('"'),
        b'?' => Some('?'),
        _ => None,
    };
    if let Some(ch) = simple {
        return (Some(ch.to_string()), 2);
    }
    let hex_digits = |from: usize, max: usize| {
        b[from..]
            .iter()
            .take(max)
            .take_while(|c| c.is_ascii_hexdigit())
            .count()
    };
    let number = |from: usize, len: usize, radix: u32| {
        std::str::from_utf8(&b[from..from + len])
            .ok()
            .and_then(|s| u32::from_str_radix(s, radix).ok())
    };
    let (code, len) = match c {
        b'x' => {
            let n = hex_digits(2, 2);
            (number(2, n, 16), 2 + n)
        }
        b'u' | b'U' => {
            let n = hex_digits(2, if c == b'u' { 4 } else { 8 });
            (number(2, n, 16), 2 + n)
        }
        b'0'..=b'7' => {
            let n = b[1..]
                .iter()
                .take(3)
                .take_while(|c| (b'0'..=b'7').contains(c))
                .count();
            (number(1, n, 8), 1 + n)
        }
        // An unknown escape keeps its character, however many bytes long.
        _ => (None, 1 + utf8_len(c)),
    };
    match code.and_then(char::from_u32) {
        Some(ch) if len > 2 || c.is_ascii_digit() => (Some(ch.to_string()), len),
        _ => (None, len),
    }
}
