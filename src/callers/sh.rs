//! Splits shell text into simple commands and words, with the span of each
//! word and what it is made of (literal text, `$VAR`, make's `$(VAR)`, a
//! GitHub `${{ }}` expression, or something only known at run time).
//!
//! Enough of the POSIX shell for build command lines: quotes, escapes, line
//! continuations, comments, operators, redirections and here-documents are
//! read so that they never become words of a command; what a word expands
//! to is only judged, never computed.

use crate::syntax::Span;

/// A piece of a word.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Part {
    /// Text the shell takes as it is (quotes removed).
    Lit(String),
    /// `$NAME` or `${NAME}`, quoted or not.
    Var { name: String, span: Span },
    /// make's `$(NAME)` or `${NAME}` in a recipe.
    MakeVar(String),
    /// A GitHub Actions `${{ ... }}` expression (the runner substitutes it
    /// into the text before the shell starts).
    Gh(String),
    /// Anything else: command substitution, `${X:-y}`, `$1`, arithmetic
    /// (with its span in the text).
    Dynamic(Span),
}

#[derive(Clone, Debug)]
pub(crate) struct Word {
    pub span: Span,
    pub parts: Vec<Part>,
}

#[derive(Clone, Debug)]
pub(crate) struct Command {
    pub words: Vec<Word>,
}

impl Word {
    /// The word's value when it is all literal text.
    pub fn literal(&self) -> Option<String> {
        let mut s = String::new();
        for p in &self.parts {
            match p {
                Part::Lit(t) => s.push_str(t),
                _ => return None,
            }
        }
        Some(s)
    }

    /// Splits `NAME=value` at the first `=` of its literal start: the name
    /// and the parts after the `=`, or `None` for the name alone (no `=`).
    /// The name must be literal.
    pub fn split_assignment(&self) -> Option<(String, Option<Vec<Part>>)> {
        let mut name = String::new();
        for (i, p) in self.parts.iter().enumerate() {
            let Part::Lit(t) = p else {
                return None;
            };
            if let Some(eq) = t.find('=') {
                name.push_str(&t[..eq]);
                let mut rest = Vec::new();
                if eq + 1 < t.len() {
                    rest.push(Part::Lit(t[eq + 1..].to_owned()));
                }
                rest.extend(self.parts[i + 1..].iter().cloned());
                return Some((name, Some(merge_literals(rest))));
            }
            name.push_str(t);
        }
        Some((name, None))
    }
}

fn merge_literals(parts: Vec<Part>) -> Vec<Part> {
    let mut out: Vec<Part> = Vec::new();
    for p in parts {
        match (out.last_mut(), p) {
            (Some(Part::Lit(a)), Part::Lit(b)) => a.push_str(&b),
            (_, p) => out.push(p),
        }
    }
    out
}

/// The simple commands of `text`, in order. With `make`, `$` is make's:
/// `$$` is the shell's dollar and `$(X)` a make variable.
pub(crate) fn commands(text: &str, make: bool) -> Vec<Command> {
    let mut lx = Lexer {
        s: text,
        b: text.as_bytes(),
        i: 0,
        make,
        commands: Vec::new(),
        words: Vec::new(),
        word: None,
        skip_word: false,
        heredocs: Vec::new(),
    };
    lx.run();
    lx.commands
}

struct Building {
    start: usize,
    parts: Vec<Part>,
}

struct Lexer<'s> {
    s: &'s str,
    b: &'s [u8],
    i: usize,
    make: bool,
    commands: Vec<Command>,
    words: Vec<Word>,
    word: Option<Building>,
    /// The next word is a redirection target, not an argument.
    skip_word: bool,
    heredocs: Vec<(String, bool)>,
}

impl Lexer<'_> {
    fn run(&mut self) {
        while self.i < self.b.len() {
            let c = self.b[self.i];
            match c {
                b' ' | b'\t' | b'\r' => {
                    self.end_word();
                    self.i += 1;
                }
                b'\n' => {
                    self.end_word();
                    self.end_command();
                    self.i += 1;
                    self.skip_heredocs();
                }
                b'\\' if self.continuation() > 0 => self.i += self.continuation(),
                b'#' if self.word.is_none() => {
                    while self.i < self.b.len() && self.b[self.i] != b'\n' {
                        self.i += 1;
                    }
                }
                b';' | b'|' | b'(' | b')' => {
                    self.end_word();
                    self.end_command();
                    self.i += 1;
                }
                b'&' if self.b.get(self.i + 1) != Some(&b'>') => {
                    self.end_word();
                    self.end_command();
                    self.i += 1;
                }
                b'<' | b'>' | b'&' => self.redirection(),
                _ => self.word_piece(),
            }
        }
        self.end_word();
        self.end_command();
    }

    /// Length of a backslash-newline at `i` (0 if there is none).
    fn continuation(&self) -> usize {
        match (self.b.get(self.i + 1), self.b.get(self.i + 2)) {
            (Some(b'\n'), _) => 2,
            (Some(b'\r'), Some(b'\n')) => 3,
            _ => 0,
        }
    }

    fn end_word(&mut self) {
        if let Some(w) = self.word.take() {
            if std::mem::take(&mut self.skip_word) {
                return;
            }
            self.words.push(Word {
                span: Span::new(w.start, self.i),
                parts: merge_literals(w.parts),
            });
        }
    }

    fn end_command(&mut self) {
        if !self.words.is_empty() {
            self.commands.push(Command {
                words: std::mem::take(&mut self.words),
            });
        }
        self.skip_word = false;
    }

    fn redirection(&mut self) {
        // A number right before the operator is its file descriptor.
        let fd = self
            .word
            .as_ref()
            .is_some_and(|w| self.s[w.start..self.i].bytes().all(|b| b.is_ascii_digit()));
        if fd {
            self.word = None;
        } else {
            self.end_word();
        }
        let start = self.i;
        while self.i < self.b.len() && matches!(self.b[self.i], b'<' | b'>' | b'&' | b'|' | b'-') {
            self.i += 1;
        }
        let op = &self.s[start..self.i];
        if op.ends_with('&') || op == ">&" {
            // `2>&1`, `>&-`: the target is a descriptor.
            while self.i < self.b.len()
                && (self.b[self.i].is_ascii_digit() || self.b[self.i] == b'-')
            {
                self.i += 1;
            }
            return;
        }
        if op.starts_with("<<") && !op.starts_with("<<<") {
            // Here-document: its delimiter is the next word.
            let mut j = self.i;
            while j < self.b.len() && matches!(self.b[j], b' ' | b'\t') {
                j += 1;
            }
            let k = self.s[j..]
                .find(|c: char| c.is_whitespace() || ";|&<>()".contains(c))
                .map_or(self.s.len(), |n| j + n);
            let delimiter = self.s[j..k].replace(['\'', '"', '\\'], "");
            self.heredocs.push((delimiter, op.ends_with('-')));
        }
        self.skip_word = true;
    }

    fn skip_heredocs(&mut self) {
        for (delimiter, tabs) in std::mem::take(&mut self.heredocs) {
            while self.i < self.b.len() {
                let end = self.s[self.i..]
                    .find('\n')
                    .map_or(self.s.len(), |n| self.i + n);
                let line = self.s[self.i..end].trim_end_matches('\r');
                let line = if tabs {
                    line.trim_start_matches('\t')
                } else {
                    line
                };
                self.i = (end + 1).min(self.s.len());
                if line == delimiter {
                    break;
                }
            }
        }
    }

    fn part(&mut self, p: Part) {
        let start = self.i;
        let w = self.word.get_or_insert(Building {
            start,
            parts: Vec::new(),
        });
        w.parts.push(p);
    }

    fn lit(&mut self, s: &str) {
        self.part(Part::Lit(s.to_owned()));
    }

    fn word_piece(&mut self) {
        if self.word.is_none() {
            self.word = Some(Building {
                start: self.i,
                parts: Vec::new(),
            });
        }
        let c = self.b[self.i];
        match c {
            b'\'' => {
                let end = self.s[self.i + 1..]
                    .find('\'')
                    .map_or(self.s.len(), |n| self.i + 1 + n);
                let inner = self.s[self.i + 1..end].to_owned();
                self.lit(&inner);
                self.i = (end + 1).min(self.s.len());
            }
            b'"' => self.double_quoted(),
            b'\\' => {
                let next = self.s[self.i + 1..].chars().next();
                self.i += 1;
                if let Some(ch) = next {
                    self.lit(&ch.to_string());
                    self.i += ch.len_utf8();
                }
            }
            b'$' => self.dollar(),
            b'`' => {
                let start = self.i;
                self.i = self.closing_backtick();
                self.part(Part::Dynamic(Span::new(start, self.i)));
            }
            _ => {
                let ch = self.s[self.i..].chars().next().unwrap_or(' ');
                self.lit(&ch.to_string());
                self.i += ch.len_utf8();
            }
        }
    }

    fn closing_backtick(&self) -> usize {
        let mut j = self.i + 1;
        while j < self.b.len() && self.b[j] != b'`' {
            j += if self.b[j] == b'\\' { 2 } else { 1 };
        }
        (j + 1).min(self.b.len())
    }

    fn double_quoted(&mut self) {
        self.i += 1;
        while self.i < self.b.len() {
            match self.b[self.i] {
                b'"' => {
                    self.i += 1;
                    return;
                }
                b'\\' => {
                    let next = self.s[self.i + 1..].chars().next();
                    match next {
                        Some('\n') => self.i += 2,
                        Some(ch @ ('$' | '`' | '"' | '\\')) => {
                            self.lit(&ch.to_string());
                            self.i += 2;
                        }
                        _ => {
                            self.lit("\\");
                            self.i += 1;
                        }
                    }
                }
                b'$' => self.dollar(),
                b'`' => {
                    let start = self.i;
                    self.i = self.closing_backtick();
                    self.part(Part::Dynamic(Span::new(start, self.i)));
                }
                _ => {
                    let ch = self.s[self.i..].chars().next().unwrap_or(' ');
                    self.lit(&ch.to_string());
                    self.i += ch.len_utf8();
                }
            }
        }
    }

    /// Index just past the bracket closing the one at `open`, counting
    /// nesting and skipping quoted text.
    fn closing(&self, open: usize) -> usize {
        let (o, c) = match self.b[open] {
            b'(' => (b'(', b')'),
            _ => (b'{', b'}'),
        };
        let mut depth = 0;
        let mut j = open;
        while j < self.b.len() {
            match self.b[j] {
                b'\\' => j += 1,
                b'\'' if o == b'(' => {
                    j = self.s[j + 1..]
                        .find('\'')
                        .map_or(self.b.len(), |n| j + 1 + n);
                }
                x if x == o => depth += 1,
                x if x == c => {
                    depth -= 1;
                    if depth == 0 {
                        return j + 1;
                    }
                }
                _ => {}
            }
            j += 1;
        }
        self.b.len()
    }

    fn dollar(&mut self) {
        let start = self.i;
        if self.make {
            match self.b.get(self.i + 1) {
                Some(b'$') => {
                    self.i += 1;
                    return self.shell_dollar(start);
                }
                Some(b'(' | b'{') => {
                    let end = self.closing(self.i + 1);
                    let inner = &self.s[self.i + 2..end.saturating_sub(1).max(self.i + 2)];
                    let p = if is_name(inner) {
                        Part::MakeVar(inner.to_owned())
                    } else {
                        Part::Dynamic(Span::new(start, end))
                    };
                    self.i = end;
                    return self.part(p);
                }
                Some(_) => {
                    let ch = self.s[self.i + 1..].chars().next().unwrap_or(' ');
                    self.i += 1 + ch.len_utf8();
                    return self.part(Part::MakeVar(ch.to_string()));
                }
                None => {
                    self.i += 1;
                    return self.lit("$");
                }
            }
        }
        self.shell_dollar(start)
    }

    /// A shell expansion whose `$` is at `self.i` (`start` is where its text
    /// begins, two bytes earlier for make's `$$`).
    fn shell_dollar(&mut self, start: usize) {
        let rest = &self.s[self.i + 1..];
        if rest.starts_with("{{") {
            let end = rest.find("}}").map_or(self.s.len(), |n| self.i + 1 + n + 2);
            let inner = self.s[self.i + 3..end.saturating_sub(2).max(self.i + 3)]
                .trim()
                .to_owned();
            self.i = end;
            return self.part(Part::Gh(inner));
        }
        if rest.starts_with('{') {
            let end = self.closing(self.i + 1);
            let inner = &self.s[self.i + 2..end.saturating_sub(1).max(self.i + 2)];
            let p = if is_name(inner) {
                Part::Var {
                    name: inner.to_owned(),
                    span: Span::new(start, end),
                }
            } else {
                Part::Dynamic(Span::new(start, end))
            };
            self.i = end;
            return self.part(p);
        }
        if rest.starts_with('(') {
            self.i = self.closing(self.i + 1);
            return self.part(Part::Dynamic(Span::new(start, self.i)));
        }
        if rest.starts_with('\'') {
            let mut j = self.i + 2;
            while j < self.b.len() && self.b[j] != b'\'' {
                j += if self.b[j] == b'\\' { 2 } else { 1 };
            }
            self.i = (j + 1).min(self.b.len());
            return self.part(Part::Dynamic(Span::new(start, self.i)));
        }
        let name_len = rest
            .bytes()
            .take_while(|b| b.is_ascii_alphanumeric() || *b == b'_')
            .count();
        if name_len > 0 && !rest.as_bytes()[0].is_ascii_digit() {
            let end = self.i + 1 + name_len;
            let p = Part::Var {
                name: rest[..name_len].to_owned(),
                span: Span::new(start, end),
            };
            self.i = end;
            return self.part(p);
        }
        match rest.bytes().next() {
            Some(b'@' | b'*' | b'#' | b'?' | b'$' | b'!' | b'-' | b'0'..=b'9') => {
                self.i += 2;
                self.part(Part::Dynamic(Span::new(start, self.i)))
            }
            _ => {
                self.i += 1;
                self.lit("$")
            }
        }
    }
}

/// A variable name: letters, digits and `_`, not starting with a digit.
pub(crate) fn is_name(s: &str) -> bool {
    !s.is_empty()
        && !s.as_bytes()[0].is_ascii_digit()
        && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str, make: bool) -> Vec<Vec<String>> {
        commands(text, make)
            .iter()
            .map(|c| {
                c.words
                    .iter()
                    .map(|w| w.span.text(text).to_owned())
                    .collect()
            })
            .collect()
    }

    #[test]
    fn commands_and_words() {
        let text =
            "cd app && docker build \\\n  --build-arg \"A=$B\" . > log 2>&1 # c\necho 'x y' | cat";
        assert_eq!(
            words(text, false),
            [
                vec!["cd", "app"],
                vec!["docker", "build", "--build-arg", "\"A=$B\"", "."],
                vec!["echo", "'x y'"],
                vec!["cat"]
            ]
        );
        let c = &commands(text, false)[1];
        assert_eq!(
            c.words[3].split_assignment().unwrap(),
            (
                "A".to_owned(),
                Some(vec![Part::Var {
                    name: "B".into(),
                    span: Span::new(42, 44)
                }])
            )
        );
    }

    #[test]
    fn heredocs_and_substitutions_are_not_words() {
        let text = "cat <<EOF > f\ndocker build .\nEOF\nX=$(docker build -q .) ${{ secrets.T }}\n";
        let w = words(text, false);
        assert_eq!(
            w,
            [
                vec!["cat"],
                vec!["X=$(docker build -q .)", "${{ secrets.T }}"]
            ]
        );
        let c = commands(text, false);
        assert_eq!(c[1].words[1].parts, [Part::Gh("secrets.T".into())]);
    }

    #[test]
    fn make_dollars() {
        let text = "docker build --build-arg A=$(TOKEN) --build-arg B=$$HOME --build-arg C=$(shell cat x) .";
        let c = &commands(text, true)[0];
        let value = |i: usize| c.words[i].split_assignment().unwrap().1.unwrap();
        assert_eq!(value(3), [Part::MakeVar("TOKEN".into())]);
        assert!(matches!(&value(5)[..], [Part::Var { name, .. }] if name == "HOME"));
        assert!(matches!(&value(7)[..], [Part::Dynamic(_)]));
    }
}
