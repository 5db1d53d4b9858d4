//! Words of a shell command, with a map from each word's unquoted value back
//! to the source bytes, so a secret found in the value can be spliced in the
//! original text.
//!
//! This is a small, forgiving lexer: quotes (`'…'`, `"…"`, `$'…'`), backslash
//! escapes, `$(…)`/`${…}`/backticks (kept verbatim), Dockerfile line
//! continuations, comments, operators, redirections and heredoc bodies. A
//! heredoc body becomes one raw word. It never fails: unterminated quotes run
//! to the end of the text.

use std::ops::Range;

/// A run of value bytes copied 1:1 from the source.
#[derive(Clone, Copy, Debug)]
struct Seg {
    val: usize,
    src: usize,
    len: usize,
    /// Quoting context id: a new id starts at every opening and closing quote.
    group: u32,
    /// `$` and backticks in this run are expanded by the shell.
    expands: bool,
    quoted: bool,
}

#[derive(Debug, Default)]
pub(crate) struct Word {
    /// The word with quotes and escapes removed (expansions kept verbatim).
    pub value: String,
    /// A heredoc body: quotes in it are plain text.
    pub raw: bool,
    /// The target of a redirection, not an argument.
    pub redirect: bool,
    segs: Vec<Seg>,
}

impl Word {
    fn push(&mut self, text: &str, src: Range<usize>, group: u32, expands: bool, quoted: bool) {
        if src.is_empty() {
            return;
        }
        let val = self.value.len();
        let len = src.len();
        if let Some(last) = self.segs.last_mut() {
            if last.src + last.len == src.start && last.group == group && last.expands == expands {
                last.len += len;
                self.value.push_str(&text[src]);
                return;
            }
        }
        self.segs.push(Seg {
            val,
            src: src.start,
            len,
            group,
            expands,
            quoted,
        });
        self.value.push_str(&text[src]);
    }

    fn seg_at(&self, val: usize) -> Option<&Seg> {
        let i = self.segs.partition_point(|s| s.val + s.len <= val);
        self.segs.get(i).filter(|s| s.val <= val)
    }

    /// Source range of the value bytes `r`, if they all lie in one quoting
    /// context (escapes and line continuations inside it are included).
    pub fn source(&self, r: Range<usize>) -> Option<Range<usize>> {
        if r.is_empty() || r.end > self.value.len() {
            return None;
        }
        let a = self.seg_at(r.start)?;
        let b = self.seg_at(r.end - 1)?;
        (a.group == b.group).then(|| a.src + (r.start - a.val)..b.src + (r.end - b.val))
    }

    /// The value bytes `r` contain a shell expansion (`$X`, `${…}`, `$(…)`,
    /// a backtick) that is live in its quoting context.
    pub fn dynamic(&self, r: Range<usize>) -> bool {
        let v = self.value.as_bytes();
        r.clone().any(|i| {
            let live = self.seg_at(i).is_some_and(|s| s.expands);
            live && match v[i] {
                b'`' => true,
                b'$' => v
                    .get(i + 1)
                    .is_some_and(|&n| n.is_ascii_alphanumeric() || b"_{(!@#?*$-".contains(&n)),
                _ => false,
            }
        })
    }

    /// The word starts with an unquoted `NAME=`; returns the length of `NAME`.
    pub fn assignment_name_len(&self) -> Option<usize> {
        if self.raw {
            return None;
        }
        let eq = self.value.find('=')?;
        let name = &self.value[..eq];
        let first = self.segs.first()?;
        (crate::secrets::names::is_identifier(name) && !first.quoted && first.len > eq)
            .then_some(eq)
    }
}

/// Words and the simple commands they form.
#[derive(Debug, Default)]
pub(crate) struct Lexed {
    pub words: Vec<Word>,
    /// Index ranges into `words`, one per simple command.
    pub commands: Vec<Range<usize>>,
}

struct Heredoc {
    delim: String,
    strip_tabs: bool,
    expands: bool,
}

struct Lexer<'a> {
    t: &'a str,
    b: &'a [u8],
    i: usize,
    group: u32,
    out: Lexed,
    cmd_start: usize,
    pending: Vec<Heredoc>,
    redirect_next: bool,
}

pub(crate) fn lex(text: &str) -> Lexed {
    let mut lx = Lexer {
        t: text,
        b: text.as_bytes(),
        i: 0,
        group: 0,
        out: Lexed::default(),
        cmd_start: 0,
        pending: Vec::new(),
        redirect_next: false,
    };
    lx.run();
    lx.out
}

/// A byte set as a table, for the lexer's inner loops.
const fn byte_set(bytes: &[u8]) -> [bool; 256] {
    let mut set = [false; 256];
    let mut i = 0;
    while i < bytes.len() {
        set[bytes[i] as usize] = true;
        i += 1;
    }
    set
}

/// Bytes that end a run of plain word bytes.
const WORD_BREAK: [bool; 256] = byte_set(b" \t\r\n;&|()<>\\'\"$`");
/// Bytes that end a run of plain bytes inside double quotes.
const DQUOTE_BREAK: [bool; 256] = byte_set(b"\"\\`$");

fn is_blank(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\r')
}

impl Lexer<'_> {
    fn run(&mut self) {
        while self.i < self.b.len() {
            let c = self.b[self.i];
            if is_blank(c) {
                self.i += 1;
            } else if c == b'\\' && self.continuation().is_some() {
                self.i += self.continuation().unwrap_or(1);
            } else if c == b'\n' {
                self.i += 1;
                self.end_command();
                if !self.pending.is_empty() {
                    self.heredoc_bodies();
                }
            } else if matches!(c, b';' | b'&' | b'|' | b'(' | b')') {
                self.i += 1;
                self.end_command();
            } else if matches!(c, b'<' | b'>') {
                self.redirection();
            } else if c == b'#' {
                while self.i < self.b.len() && self.b[self.i] != b'\n' {
                    self.i += 1;
                }
            } else {
                let mut w = self.word();
                w.redirect = std::mem::take(&mut self.redirect_next);
                self.out.words.push(w);
            }
        }
        self.end_command();
    }

    fn end_command(&mut self) {
        let end = self.out.words.len();
        if end > self.cmd_start {
            self.out.commands.push(self.cmd_start..end);
        }
        self.cmd_start = end;
        self.redirect_next = false;
    }

    /// Length of a line continuation (escape, blanks, newline) at `self.i`.
    fn continuation(&self) -> Option<usize> {
        let mut j = self.i + 1;
        while j < self.b.len() && is_blank(self.b[j]) {
            j += 1;
        }
        (self.b.get(j) == Some(&b'\n')).then_some(j + 1 - self.i)
    }

    fn redirection(&mut self) {
        let b = self.b;
        if b[self.i..].starts_with(b"<<") && b.get(self.i + 2) != Some(&b'<') {
            self.i += 2;
            let strip_tabs = b.get(self.i) == Some(&b'-');
            if strip_tabs {
                self.i += 1;
            }
            while self.i < b.len() && is_blank(b[self.i]) {
                self.i += 1;
            }
            let start = self.i;
            let delim = self.word();
            let quoted = self.t[start..self.i].contains(['\'', '"', '\\']);
            if !delim.value.is_empty() {
                self.pending.push(Heredoc {
                    delim: delim.value,
                    strip_tabs,
                    expands: !quoted,
                });
            }
            return;
        }
        // A file-descriptor number written right before the operator.
        if let Some(last) = self.out.words.last() {
            let adjacent = last.segs.last().is_some_and(|s| s.src + s.len == self.i);
            if adjacent
                && last.value.bytes().all(|c| c.is_ascii_digit())
                && self.out.words.len() > self.cmd_start
            {
                self.out.words.pop();
            }
        }
        while self.i < b.len() && matches!(b[self.i], b'<' | b'>' | b'&' | b'|') {
            self.i += 1;
        }
        self.redirect_next = true;
    }

    fn heredoc_bodies(&mut self) {
        for h in std::mem::take(&mut self.pending) {
            let start = self.i;
            let mut end = self.b.len();
            while self.i < self.b.len() {
                let line_end =
                    memchr::memchr(b'\n', &self.b[self.i..]).map_or(self.b.len(), |n| self.i + n);
                let line = self.t[self.i..line_end].trim_end_matches('\r');
                let line = if h.strip_tabs {
                    line.trim_start_matches('\t')
                } else {
                    line
                };
                if line == h.delim {
                    end = self.i;
                    self.i = (line_end + 1).min(self.b.len());
                    break;
                }
                self.i = (line_end + 1).min(self.b.len());
            }
            let mut w = Word {
                raw: true,
                ..Word::default()
            };
            self.group += 1;
            w.push(self.t, start..end, self.group, h.expands, false);
            self.out.words.push(w);
            self.end_command();
        }
    }

    /// Length of the `$(…)`/`${…}` at `self.i`, or of the backtick string.
    fn substitution_end(&self) -> usize {
        let b = self.b;
        let mut j = self.i + 1;
        if b[self.i] == b'`' {
            while j < b.len() && b[j] != b'`' {
                j += if b[j] == b'\\' { 2 } else { 1 };
            }
            return (j + 1).min(b.len());
        }
        let (open, close) = if b[j] == b'(' {
            (b'(', b')')
        } else {
            (b'{', b'}')
        };
        let mut depth = 0usize;
        while j < b.len() {
            let c = b[j];
            if c == b'\\' {
                j += 2;
                continue;
            }
            if c == b'\'' && open == b'(' {
                j += memchr::memchr(b'\'', &b[j + 1..]).map_or(b.len(), |n| n + 2);
                continue;
            }
            if c == b'"' {
                j += 1;
                while j < b.len() && b[j] != b'"' {
                    j += if b[j] == b'\\' { 2 } else { 1 };
                }
            } else if c == open {
                depth += 1;
            } else if c == close {
                depth -= 1;
                if depth == 0 {
                    return j + 1;
                }
            }
            j += 1;
        }
        b.len()
    }

    fn word(&mut self) -> Word {
        let (t, b) = (self.t, self.b);
        let mut w = Word::default();
        self.group += 1;
        while self.i < b.len() {
            let c = b[self.i];
            match c {
                b' ' | b'\t' | b'\r' | b'\n' | b';' | b'&' | b'|' | b'(' | b')' | b'<' | b'>' => {
                    break
                }
                b'\\' => {
                    if let Some(n) = self.continuation() {
                        self.i += n;
                        continue;
                    }
                    let ch = t[self.i + 1..].chars().next().map_or(0, char::len_utf8);
                    w.push(t, self.i + 1..self.i + 1 + ch, self.group, false, false);
                    self.i += 1 + ch;
                }
                b'\'' => {
                    let s = self.i + 1;
                    let e = memchr::memchr(b'\'', &b[s..]).map_or(b.len(), |n| s + n);
                    self.group += 1;
                    w.push(t, s..e, self.group, false, true);
                    self.group += 1;
                    self.i = (e + 1).min(b.len());
                }
                b'$' if b.get(self.i + 1) == Some(&b'\'') => {
                    let s = self.i + 2;
                    let mut e = s;
                    while e < b.len() && b[e] != b'\'' {
                        e += if b[e] == b'\\' { 2 } else { 1 };
                    }
                    let e = e.min(b.len());
                    self.group += 1;
                    w.push(t, s..e, self.group, false, true);
                    self.group += 1;
                    self.i = (e + 1).min(b.len());
                }
                b'"' => self.double_quoted(&mut w),
                b'$' | b'`' if c == b'`' || matches!(b.get(self.i + 1), Some(b'(' | b'{')) => {
                    let e = self.substitution_end();
                    w.push(t, self.i..e, self.group, true, false);
                    self.i = e;
                }
                _ => {
                    let s = self.i;
                    self.i += 1;
                    while self.i < b.len() && !WORD_BREAK[usize::from(b[self.i])] {
                        self.i += 1;
                    }
                    w.push(t, s..self.i, self.group, true, false);
                }
            }
        }
        self.group += 1;
        w
    }

    fn double_quoted(&mut self, w: &mut Word) {
        let (t, b) = (self.t, self.b);
        self.i += 1;
        self.group += 1;
        while self.i < b.len() {
            let c = b[self.i];
            if c == b'"' {
                self.i += 1;
                break;
            }
            if c == b'\\' {
                if let Some(n) = self.continuation() {
                    self.i += n;
                } else if b.get(self.i + 1).is_some_and(|n| b"$`\"\\".contains(n)) {
                    w.push(t, self.i + 1..self.i + 2, self.group, false, true);
                    self.i += 2;
                } else {
                    w.push(t, self.i..self.i + 1, self.group, true, true);
                    self.i += 1;
                }
            } else if c == b'`' || (c == b'$' && matches!(b.get(self.i + 1), Some(b'(' | b'{'))) {
                let e = self.substitution_end();
                w.push(t, self.i..e, self.group, true, true);
                self.i = e;
            } else {
                let s = self.i;
                self.i += 1;
                while self.i < b.len() && !DQUOTE_BREAK[usize::from(b[self.i])] {
                    self.i += 1;
                }
                w.push(t, s..self.i, self.group, true, true);
            }
        }
        self.group += 1;
    }
}
