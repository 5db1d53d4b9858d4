//! Lossless, BuildKit-faithful Dockerfile syntax layer.
//!
//! The file is split into instructions by the rules of BuildKit's parser
//! (`frontend/dockerfile/parser`): parser directives at the top, the escape
//! character, line continuations, comment and empty lines inside
//! continuations, heredocs. Every instruction, keyword, flag, argument and
//! heredoc carries its byte [`Span`] in the original text; nothing here ever
//! re-renders text, so edits are splices into the original bytes.
//!
//! Where BuildKit itself is lenient (unknown instructions, invalid JSON in an
//! exec form) we are equally lenient; where it rejects a file we reject it with
//! a line and column.

pub mod comments;
mod error;
mod heredoc;
mod instruction;
mod json;
mod logical;
mod parser;
pub mod span;
mod words;

use std::borrow::Cow;

use serde::Serialize;

pub use error::{SyntaxError, SyntaxErrorKind};
pub use logical::LogicalLine;
pub use parser::{parse, parse_bytes, validate};
pub use span::{LineIndex, Position, Span};

/// A parsed Dockerfile: its directives and instructions, all pointing into
/// `source`.
#[derive(Clone, Debug)]
pub struct Dockerfile<'s> {
    pub source: &'s str,
    /// The text starts with a UTF-8 byte-order mark.
    pub has_bom: bool,
    /// The escape character: `\` unless `# escape=` says otherwise.
    pub escape: char,
    pub directives: Vec<Directive>,
    pub instructions: Vec<Instruction<'s>>,
}

/// A parser directive such as `# syntax=...`, `# escape=...` or `# check=...`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Directive {
    /// Lower-case name.
    pub name: String,
    pub value: String,
    pub span: Span,
    pub line: usize,
}

/// The instruction keywords BuildKit knows. Anything else is [`Keyword::Other`]
/// (BuildKit's parser accepts it and leaves the rejection to a later stage).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Keyword {
    Add,
    Arg,
    Cmd,
    Copy,
    Entrypoint,
    Env,
    Expose,
    From,
    Healthcheck,
    Label,
    Maintainer,
    Onbuild,
    Run,
    Shell,
    Stopsignal,
    User,
    Volume,
    Workdir,
    Other,
}

impl Keyword {
    /// Case-insensitive lookup of an instruction word.
    pub fn from_word(word: &str) -> Keyword {
        const TABLE: [(&str, Keyword); 18] = [
            ("ADD", Keyword::Add),
            ("ARG", Keyword::Arg),
            ("CMD", Keyword::Cmd),
            ("COPY", Keyword::Copy),
            ("ENTRYPOINT", Keyword::Entrypoint),
            ("ENV", Keyword::Env),
            ("EXPOSE", Keyword::Expose),
            ("FROM", Keyword::From),
            ("HEALTHCHECK", Keyword::Healthcheck),
            ("LABEL", Keyword::Label),
            ("MAINTAINER", Keyword::Maintainer),
            ("ONBUILD", Keyword::Onbuild),
            ("RUN", Keyword::Run),
            ("SHELL", Keyword::Shell),
            ("STOPSIGNAL", Keyword::Stopsignal),
            ("USER", Keyword::User),
            ("VOLUME", Keyword::Volume),
            ("WORKDIR", Keyword::Workdir),
        ];
        if !(3..=11).contains(&word.len()) {
            return Keyword::Other;
        }
        TABLE
            .iter()
            .find(|(name, _)| name.len() == word.len() && name.eq_ignore_ascii_case(word))
            .map_or(Keyword::Other, |&(_, k)| k)
    }

    /// Upper-case name; `None` for [`Keyword::Other`].
    pub fn name(self) -> Option<&'static str> {
        Some(match self {
            Keyword::Add => "ADD",
            Keyword::Arg => "ARG",
            Keyword::Cmd => "CMD",
            Keyword::Copy => "COPY",
            Keyword::Entrypoint => "ENTRYPOINT",
            Keyword::Env => "ENV",
            Keyword::Expose => "EXPOSE",
            Keyword::From => "FROM",
            Keyword::Healthcheck => "HEALTHCHECK",
            Keyword::Label => "LABEL",
            Keyword::Maintainer => "MAINTAINER",
            Keyword::Onbuild => "ONBUILD",
            Keyword::Run => "RUN",
            Keyword::Shell => "SHELL",
            Keyword::Stopsignal => "STOPSIGNAL",
            Keyword::User => "USER",
            Keyword::Volume => "VOLUME",
            Keyword::Workdir => "WORKDIR",
            Keyword::Other => return None,
        })
    }

    /// RUN, CMD, ENTRYPOINT and SHELL: a text argument is a shell command.
    pub fn takes_shell_form(self) -> bool {
        matches!(
            self,
            Keyword::Run | Keyword::Cmd | Keyword::Entrypoint | Keyword::Shell
        )
    }

    /// RUN, COPY and ADD may carry heredocs.
    pub fn takes_heredocs(self) -> bool {
        matches!(self, Keyword::Run | Keyword::Copy | Keyword::Add)
    }
}

/// One piece of text with its place in the original source. `value` is the
/// text as BuildKit sees it: joined across continuations, JSON strings decoded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Arg<'s> {
    pub span: Span,
    pub value: Cow<'s, str>,
}

/// A `--name[=value]` flag before an instruction's arguments.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Flag<'s> {
    pub span: Span,
    /// The flag as BuildKit reads it: quotes removed, backslash escapes applied.
    pub text: Cow<'s, str>,
}

impl Flag<'_> {
    /// The name without the leading `--`, e.g. `mount`.
    pub fn name(&self) -> &str {
        let body = self.text.strip_prefix("--").unwrap_or(&self.text);
        body.split_once('=').map_or(body, |(name, _)| name)
    }

    /// The value after `=`, if any.
    pub fn value(&self) -> Option<&str> {
        self.text.split_once('=').map(|(_, v)| v)
    }
}

/// `name=value` (ENV/LABEL new form, ARG) or `name value` (old form).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyValue<'s> {
    /// The whole `name=value` word (for the old form: name through value).
    pub span: Span,
    pub key: Arg<'s>,
    /// `None` for an ARG without a default.
    pub value: Option<Arg<'s>>,
    /// Written as `name=value` (as opposed to the old `ENV name value` form).
    pub has_equals: bool,
}

/// An instruction's arguments, in the shape BuildKit gives them.
#[derive(Clone, Debug)]
pub enum Args<'s> {
    /// No arguments.
    None,
    /// An unknown instruction: BuildKit keeps no arguments.
    Ignored,
    /// The shell form of RUN/CMD/ENTRYPOINT/SHELL, or the single string of
    /// MAINTAINER/USER/WORKDIR/STOPSIGNAL.
    Text(Arg<'s>),
    /// A JSON array (exec form).
    Exec(Vec<Arg<'s>>),
    /// Whitespace-separated words (FROM, EXPOSE, COPY/ADD/VOLUME shell form).
    Words(Vec<Arg<'s>>),
    /// ARG names with optional defaults, ENV and LABEL pairs. Values keep their
    /// quotes and escapes, as BuildKit's parser keeps them.
    KeyValues(Vec<KeyValue<'s>>),
    /// HEALTHCHECK's type (`CMD`, `NONE`) and its command.
    Health {
        kind: Arg<'s>,
        command: Box<Args<'s>>,
    },
    /// ONBUILD's wrapped instruction.
    Sub(Box<Instruction<'s>>),
}

/// A heredoc attached to a RUN, COPY or ADD.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Heredoc {
    /// The delimiter word with quotes removed.
    pub name: String,
    /// `3<<EOF` gives 3; 0 when no descriptor is written.
    pub fd: u32,
    /// `<<-`: leading tabs are stripped from body and terminator.
    pub chomp: bool,
    /// False when the delimiter is quoted: the body is not expanded.
    pub expand: bool,
    /// The `<<EOF` word on the instruction line.
    pub word: Span,
    /// The body: every line between the instruction and the terminator,
    /// with their line endings.
    pub body: Span,
    /// The terminator line, without its line ending.
    pub terminator: Span,
}

/// One instruction, from its keyword to the end of its last line (the
/// heredoc terminator line, if it has heredocs), without the final line ending.
#[derive(Clone, Debug)]
pub struct Instruction<'s> {
    pub keyword: Keyword,
    pub keyword_span: Span,
    pub span: Span,
    /// 1-based, counted as BuildKit counts them.
    pub start_line: usize,
    pub end_line: usize,
    pub flags: Vec<Flag<'s>>,
    /// Everything after the flags, trimmed (may be empty).
    pub args_span: Span,
    /// Where the arguments sit in [`Instruction::line`]: the text BuildKit
    /// hands to the shell for a shell-form RUN is `line[args_logical]`.
    pub args_logical: std::ops::Range<usize>,
    pub args: Args<'s>,
    pub heredocs: Vec<Heredoc>,
    /// The joined text BuildKit parsed for this instruction.
    pub line: LogicalLine<'s>,
}

impl<'s> Instruction<'s> {
    /// The keyword as written (any case).
    pub fn keyword_text<'a>(&self, source: &'a str) -> &'a str {
        self.keyword_span.text(source)
    }

    /// Upper-cased keyword as written, for output.
    pub fn keyword_upper(&self, source: &str) -> String {
        self.keyword
            .name()
            .map_or_else(|| self.keyword_text(source).to_uppercase(), str::to_owned)
    }

    /// True for the JSON (exec) form.
    pub fn is_exec_form(&self) -> bool {
        match &self.args {
            Args::Exec(_) => true,
            Args::Health { command, .. } => matches!(**command, Args::Exec(_)),
            _ => false,
        }
    }

    /// The first flag with this name (`mount`, `from`, ...).
    pub fn flag(&self, name: &str) -> Option<&Flag<'s>> {
        self.flags.iter().find(|f| f.name() == name)
    }

    /// For ONBUILD, the wrapped instruction; otherwise `self`.
    pub fn effective(&self) -> &Instruction<'s> {
        match &self.args {
            Args::Sub(inner) => inner,
            _ => self,
        }
    }
}

impl Dockerfile<'_> {
    /// Line and column of a byte offset.
    pub fn position(&self, offset: usize) -> Position {
        LineIndex::new(self.source).position(self.source, offset)
    }
}

/// BuildKit's word lexer refuses `line` (an open quote): it then finds no
/// heredoc in it, whatever `<<` it holds.
pub fn shell_words_fail(line: &str) -> bool {
    words::shell_words(line).is_err()
}
