//! The one reader of shell text in dfix: RUN commands and heredoc scripts,
//! as the shell reads them.
//!
//! The input is what BuildKit hands to the shell: for a shell-form RUN, the
//! instruction's arguments joined by the syntax layer exactly as BuildKit
//! joins them (line continuations, and the comment and empty lines inside
//! them, already gone: see [`crate::syntax::LogicalLine`]); for `RUN <<EOF`,
//! the heredoc body. So this module knows nothing of Dockerfile escapes, and
//! detection and splicing see the same text BuildKit does. A [`SourceMap`]
//! takes every offset back to the file.
//!
//! What is read: words with their quoting (`'..'`, `".."`, `$'..'` with its
//! escapes decoded, `$".."`, backslashes), expansions (`$X`, `${..}`,
//! `$((..))`, and `$(..)`/backticks, read as nested scripts), operators and
//! lists, `( .. )` groups, redirections, heredoc operators (and their bodies
//! when they are in the text), comments, POSIX backslash-newline.
//! Compound commands (`if`, `for`, `{ ..; }`) are word lists whose first word
//! is reserved ([`Command::reserved`]); they are read, never taken apart.

mod lexer;
mod list;
pub mod quote;
mod source;
mod splice;
mod word;

use std::ops::Range;

pub(crate) use lexer::ListOp;
pub use list::Removal;
pub use source::SourceMap;
pub use splice::{reference, Splice};
pub use word::{Piece, Quoting, Word};

/// `[A-Za-z_][A-Za-z0-9_]*`: a shell variable name.
pub fn is_name(name: &str) -> bool {
    let b = name.as_bytes();
    !b.is_empty()
        && (b[0].is_ascii_alphabetic() || b[0] == b'_')
        && b.iter().all(|c| c.is_ascii_alphanumeric() || *c == b'_')
}

/// Redirection operators.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RedirectOp {
    Out,
    Append,
    In,
    ReadWrite,
    Clobber,
    DupOut,
    DupIn,
    OutErr,
    AppendOutErr,
    HereString,
}

impl RedirectOp {
    /// The redirection writes to its target.
    pub fn writes(self) -> bool {
        matches!(
            self,
            RedirectOp::Out
                | RedirectOp::Append
                | RedirectOp::Clobber
                | RedirectOp::OutErr
                | RedirectOp::AppendOutErr
                | RedirectOp::ReadWrite
        )
    }
}

/// A redirection of a command.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Redirect {
    pub op: RedirectOp,
    pub fd: Option<u32>,
    /// The target word (none for `2>&1`).
    pub target: Option<usize>,
    pub range: Range<usize>,
}

/// A heredoc operator (`<<EOF`, `<<-'EOF'`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HeredocOp {
    pub delimiter: String,
    /// The delimiter was quoted: the body is taken literally.
    pub quoted: bool,
    pub strip_tabs: bool,
    pub range: Range<usize>,
    /// Its place among the script's heredoc operators: for a RUN's first
    /// line, the index of its body in the instruction's heredocs.
    pub ordinal: usize,
    /// The body as a word, when it is in the text.
    pub body: Option<usize>,
}

/// `$NAME` or `${NAME...}` (positional and special parameters are left out).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VarRef {
    pub name: String,
    pub range: Range<usize>,
}

/// The operator between two commands of a list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Separator {
    pub(crate) op: ListOp,
    pub range: Range<usize>,
}

/// A simple command, or a `( ... )` group of commands.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Command {
    /// Its words (assignments, program, arguments), without redirection
    /// targets: indices into [`Script::words`].
    pub words: Vec<usize>,
    pub redirects: Vec<Redirect>,
    /// Indices into [`Script::heredocs`].
    pub heredocs: Vec<usize>,
    /// First to last token.
    pub range: Range<usize>,
    /// The end including the heredoc bodies it owns.
    pub extent_end: usize,
    pub before: Option<Separator>,
    pub after: Option<Separator>,
    /// The enclosing group.
    pub parent: Option<usize>,
    pub group: bool,
    /// Starts with a reserved word (`if`, `do`, `{`, ...).
    pub reserved: bool,
    /// Inside a command substitution.
    pub nested: bool,
    pub(crate) level: usize,
}

/// A lexed script. Lex once, query many times.
#[derive(Debug)]
pub struct Script<'a> {
    pub text: &'a str,
    pub words: Vec<Word>,
    /// Every command, nested ones included, each level in order.
    pub commands: Vec<Command>,
    pub vars: Vec<VarRef>,
    pub heredocs: Vec<HeredocOp>,
    /// The text ends inside something it opened (a quote, a substitution,
    /// a heredoc without its terminator): the shell refuses it, and dfix
    /// neither splices into it nor appends to it.
    pub incomplete: bool,
}

/// Wrappers that run the command after their options.
const WRAPPERS: &[&str] = &[
    "sudo", "env", "exec", "time", "nohup", "command", "nice", "xargs", "gosu", "su-exec", "doas",
    "eval",
];

/// Reserved words that may stand before a command.
const LEADING_RESERVED: &[&str] = &[
    "if", "then", "else", "elif", "do", "while", "until", "!", "{",
];

impl<'a> Script<'a> {
    /// Lexes the first line of a shell-form RUN (its heredoc bodies are
    /// elsewhere: [`HeredocOp::ordinal`] points to them).
    pub fn command_line(text: &'a str) -> Self {
        Self::lex(text, false)
    }

    /// Lexes a whole script (`RUN <<EOF` body): heredocs are inline.
    pub fn whole(text: &'a str) -> Self {
        Self::lex(text, true)
    }

    /// A heredoc body that is data for a command (`cat <<EOF > file`): one
    /// word, no commands; `expands` when its delimiter was unquoted.
    pub fn data(text: &'a str, expands: bool) -> Self {
        let mut lx = lexer::Lexer::new(text, false);
        lx.body_word(0..text.len(), expands);
        Script {
            text,
            words: lx.words,
            commands: Vec::new(),
            vars: lx.vars,
            heredocs: Vec::new(),
            incomplete: false,
        }
    }

    /// An exec-form command (`RUN ["prog", "arg"]`): `text` is the items
    /// joined by single spaces, each item one literal word.
    pub fn argv(text: &'a str, items: &[&str]) -> Self {
        let mut words = Vec::with_capacity(items.len());
        let mut at = 0;
        for item in items {
            let range = at..at + item.len();
            let mut w = Word {
                range: range.clone(),
                ..Word::default()
            };
            let p = w.push_piece(Piece {
                quoting: Quoting::Single,
                outer: range.clone(),
                inner: range.clone(),
            });
            w.push(item, range, p, false);
            words.push(w);
            at += item.len() + 1;
        }
        let commands = if words.is_empty() {
            Vec::new()
        } else {
            vec![Command {
                words: (0..words.len()).collect(),
                redirects: Vec::new(),
                heredocs: Vec::new(),
                range: 0..text.len(),
                extent_end: text.len(),
                before: None,
                after: None,
                parent: None,
                group: false,
                reserved: false,
                nested: false,
                level: 0,
            }]
        };
        Script {
            text,
            words,
            commands,
            vars: Vec::new(),
            heredocs: Vec::new(),
            incomplete: false,
        }
    }

    fn lex(text: &'a str, inline_heredocs: bool) -> Self {
        let mut lx = lexer::Lexer::new(text, inline_heredocs);
        lx.level(0, text.len(), 0, false);
        let mut commands = Vec::new();
        for (id, level) in lx.levels.iter().enumerate() {
            list::build(id, level, &lx.words, &mut commands);
        }
        Script {
            text,
            words: lx.words,
            commands,
            vars: lx.vars,
            heredocs: lx.heredocs,
            incomplete: lx.incomplete,
        }
    }

    /// The value of word `i`.
    pub fn value(&self, i: usize) -> &str {
        &self.words[i].value
    }

    /// The index (in `cmd.words`) of the program: after `NAME=value`
    /// prefixes, leading reserved words and wrappers such as `sudo -u app`
    /// or `env -i`.
    pub fn program_index(&self, cmd: &Command) -> usize {
        let ws = &cmd.words;
        let mut i = 0;
        while let Some(&w) = ws.get(i) {
            let word = &self.words[w];
            if word.assignment_name_len().is_some()
                || (LEADING_RESERVED.contains(&word.value.as_str()) && !word.has_quotes())
            {
                i += 1;
                continue;
            }
            let base = word.value.rsplit('/').next().unwrap_or(&word.value);
            if !WRAPPERS.contains(&base) {
                return i;
            }
            i += 1;
            while let Some(&a) = ws.get(i) {
                let v = self.value(a);
                if matches!(v, "-u" | "-g" | "-n" | "-C" | "-E" | "-I" | "-L") {
                    i += 2;
                } else if v.starts_with('-') {
                    i += 1;
                } else {
                    break;
                }
            }
        }
        i
    }

    /// The program's name without its directory (`/usr/bin/curl` → `curl`).
    pub fn program(&self, cmd: &Command) -> Option<&str> {
        let w = *cmd.words.get(self.program_index(cmd))?;
        let v = self.value(w);
        Some(v.rsplit('/').next().unwrap_or(v))
    }

    /// The arguments after the program.
    pub fn args<'c>(&self, cmd: &'c Command) -> &'c [usize] {
        let i = self.program_index(cmd);
        cmd.words.get(i + 1..).unwrap_or(&[])
    }

    /// The `NAME=value` words before the program, and those after
    /// `export`/`readonly`/`declare`/`typeset`/`local` or `env`.
    pub fn assignments(&self, cmd: &Command) -> Vec<usize> {
        let mut out: Vec<usize> = cmd
            .words
            .iter()
            .copied()
            .take_while(|&w| self.words[w].assignment_name_len().is_some())
            .collect();
        let rest = &cmd.words[out.len()..];
        let Some(&first) = rest.first() else {
            return out;
        };
        match self.value(first) {
            "export" | "readonly" | "declare" | "typeset" | "local" => out.extend(
                rest[1..]
                    .iter()
                    .copied()
                    .filter(|&w| self.words[w].assignment_name_len().is_some()),
            ),
            "env" => {
                let mut skip = false;
                for &w in &rest[1..] {
                    let v = self.value(w);
                    if skip {
                        skip = false;
                    } else if v.starts_with('-') {
                        skip = matches!(v, "-u" | "--unset" | "-C");
                    } else if self.words[w].assignment_name_len().is_some() {
                        out.push(w);
                    } else {
                        break;
                    }
                }
            }
            _ => {}
        }
        out
    }

    /// The script reads variable `name` somewhere.
    pub fn reads(&self, name: &str) -> bool {
        self.vars.iter().any(|v| v.name == name)
    }
}

#[cfg(test)]
mod tests;
