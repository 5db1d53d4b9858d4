//! Errors of the syntax layer. Each carries a 1-based line and column.

use std::fmt;

use super::span::Position;

/// Why a Dockerfile could not be parsed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SyntaxErrorKind {
    /// The bytes are not UTF-8.
    InvalidUtf8,
    /// A NUL byte: this is a binary file, not a Dockerfile.
    Binary,
    /// Only comments, directives and blank lines (BuildKit rejects this too).
    NoInstructions,
    /// A parser directive appears twice.
    DuplicateDirective(String),
    /// `# escape=` names something other than `\` or a backtick.
    InvalidEscape(String),
    /// A heredoc whose terminator line never comes.
    UnterminatedHeredoc(String),
    /// A heredoc word BuildKit's shell lexer cannot read (such as an open quote).
    InvalidHeredocWord(String),
    /// `ENV name` / `LABEL name` with neither `=` nor a value.
    MissingValue(&'static str),
    /// `ENV a=b c`: a later word of the `name=value` form has no `=`. The word
    /// itself is not kept: it may be a secret value.
    MissingEquals,
    /// A JSON array (exec form) holding something other than strings.
    JsonNotStringArray,
}

/// A parse error with the place it was found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyntaxError {
    pub kind: SyntaxErrorKind,
    pub position: Position,
}

impl SyntaxError {
    pub(crate) fn new(kind: SyntaxErrorKind, position: Position) -> Self {
        SyntaxError { kind, position }
    }
}

impl fmt::Display for SyntaxErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SyntaxErrorKind::InvalidUtf8 => write!(f, "not valid UTF-8"),
            SyntaxErrorKind::Binary => write!(f, "binary data (NUL byte), not a Dockerfile"),
            SyntaxErrorKind::NoInstructions => write!(f, "file with no instructions"),
            SyntaxErrorKind::DuplicateDirective(name) => {
                write!(f, "only one {name} parser directive can be used")
            }
            SyntaxErrorKind::InvalidEscape(token) => {
                write!(f, "invalid escape token '{token}' does not match ` or \\")
            }
            SyntaxErrorKind::UnterminatedHeredoc(name) => {
                write!(f, "unterminated heredoc (no line reads '{name}')")
            }
            SyntaxErrorKind::InvalidHeredocWord(word) => {
                write!(f, "cannot read heredoc word '{word}'")
            }
            SyntaxErrorKind::MissingValue(keyword) => {
                write!(f, "{keyword} must have two arguments")
            }
            SyntaxErrorKind::MissingEquals => {
                write!(f, "a word has no '='; must be of the form name=value")
            }
            SyntaxErrorKind::JsonNotStringArray => write!(
                f,
                "when using JSON array syntax, arrays must be comprised of strings only"
            ),
        }
    }
}

impl fmt::Display for SyntaxError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "line {}, column {}: {}",
            self.position.line, self.position.column, self.kind
        )
    }
}

impl std::error::Error for SyntaxError {}
