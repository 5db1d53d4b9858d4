//! Just enough POSIX shell scanning for `RUN` text.
//!
//! The input is the shell-form command text of a `RUN` instruction, exactly as
//! it appears in the Dockerfile (original bytes). Every position this module
//! reports is a byte offset into that text, so callers can splice the original.
//!
//! # What is handled
//!
//! * Dockerfile line continuations: the escape character (`\` by default,
//!   `` ` `` with `# escape=``) followed by optional blanks and a newline is
//!   removed, as BuildKit does before the shell ever sees the text. Lines that
//!   follow a continuation and are empty or start with `#` (after blanks) are
//!   dropped too (BuildKit strips them). This happens regardless of quoting,
//!   again like BuildKit. Inside heredoc bodies nothing is removed.
//! * Words with their quoting: unquoted, `'single'`, `"double"`, `$'ansi-c'`
//!   (and `$"..."`, treated as double quotes), backslash escapes.
//! * Expansions inside words: `$NAME`, `${...}`, `$(...)`, `$((...))` and
//!   backticks are kept as part of the word. Command substitutions are scanned
//!   only far enough to find their end and the quotes inside them (so
//!   [`Scan::quote_context_at`] is right inside `"$(echo 'x')"`); they are not
//!   split into commands.
//! * Operators `&&`, `||`, `;`, `;;`, `|`, `|&`, `&`, `(`, `)`, unescaped
//!   newlines, redirections (`>`, `>>`, `<`, `<>`, `>|`, `>&`, `<&`, `&>`,
//!   `&>>`, `<<<`, with an optional fd number: `2>&1` is one token) and heredoc
//!   operators (`<<EOF`, `<<-EOF`, `<<'EOF'`) followed by their bodies.
//! * Shell comments (`#` at the start of a word, to the end of the line).
//!
//! # What is not handled
//!
//! Reserved words (`if`, `then`, `for`, `{`, ...) are ordinary words here; a
//! [`Segment`] that starts with one is flagged ([`Segment::reserved_word`]) and
//! [`Scan::removal`] refuses to delete it. `case` patterns with an unbalanced
//! `)` inside `$(...)`, aliases, arrays and `$'...'` escape decoding are out of
//! scope. Heredocs inside command substitutions are not recognised. For
//! `RUN <<EOF` scripts, pass the heredoc body itself as the text to scan.

use std::ops::Range;

/// The quoting that applies at a byte offset.
///
/// Offsets that sit on a quote character itself report the context *outside*
/// the quotes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum QuoteContext {
    /// Outside any quotes (also: inside `$(...)` / backticks, which start a
    /// fresh unquoted context, and inside shell comments).
    Unquoted,
    /// Inside `'...'`: no expansion at all.
    SingleQuoted,
    /// Inside `"..."` or `$"..."`: `$`, `` ` `` and `\` keep their meaning.
    DoubleQuoted,
    /// Inside `$'...'`: like single quotes, but with C escapes.
    AnsiCQuoted,
    /// Inside a heredoc body. `expanding` is true when the delimiter was
    /// unquoted, so `$NAME` is expanded in the body.
    Heredoc {
        /// Whether parameter expansion happens in the body.
        expanding: bool,
    },
}

/// The quoting of one piece of a word.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PieceKind {
    /// Unquoted text, including backslash escapes and expansions.
    Unquoted,
    /// `'...'`.
    SingleQuoted,
    /// `"..."` or `$"..."`.
    DoubleQuoted,
    /// `$'...'`.
    AnsiCQuoted,
}

/// A run of a word with one kind of quoting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Piece {
    /// What quotes this piece.
    pub kind: PieceKind,
    /// Byte range including the quote characters (and the `$` of `$'..'`).
    pub range: Range<usize>,
    /// Byte range of the text between the quotes (same as `range` when
    /// unquoted).
    pub content: Range<usize>,
}

/// A shell word.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word {
    /// Byte range of the whole word. May contain line continuations.
    pub range: Range<usize>,
    /// The quoting runs that make up the word, in order.
    pub pieces: Vec<Piece>,
}

impl Word {
    /// True when some piece of the word is quoted.
    pub fn has_quotes(&self) -> bool {
        self.pieces.iter().any(|p| p.kind != PieceKind::Unquoted)
    }
}

/// Control and list operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Operator {
    /// `&&`
    AndIf,
    /// `||`
    OrIf,
    /// `;`
    Semi,
    /// `;;`
    DoubleSemi,
    /// `|`
    Pipe,
    /// `|&`
    PipeAmp,
    /// `&`
    Amp,
    /// `(`
    LParen,
    /// `)`
    RParen,
}

/// Redirection operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RedirectOp {
    /// `>`
    Out,
    /// `>>`
    Append,
    /// `<`
    In,
    /// `<>`
    ReadWrite,
    /// `>|`
    Clobber,
    /// `>&`
    DupOut,
    /// `<&`
    DupIn,
    /// `&>`
    OutErr,
    /// `&>>`
    AppendOutErr,
    /// `<<<`
    HereString,
}

/// A redirection operator token. Its range includes a leading fd number and,
/// for `>&` / `<&`, a directly attached fd or `-` (`2>&1` is one token); any
/// other target is the next word token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Redirect {
    /// The fd number written before the operator, if any.
    pub fd: Option<u32>,
    /// The operator.
    pub op: RedirectOp,
    /// For `>&` / `<&`: the attached target (`1`, `-`), if any.
    pub dup_target: Option<String>,
}

/// A heredoc operator `<<DELIM` / `<<-DELIM`; the token range covers the
/// operator and the delimiter word.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeredocOp {
    /// The delimiter after quote removal.
    pub delimiter: String,
    /// True when any part of the delimiter was quoted or escaped: the body is
    /// then taken literally.
    pub quoted: bool,
    /// `<<-`: leading tabs are stripped from body lines.
    pub strip_tabs: bool,
    /// Byte range of the delimiter word.
    pub delimiter_range: Range<usize>,
}

/// The body of a heredoc; the token range runs from the first body byte to the
/// end of the terminator line (excluding its newline).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeredocBody {
    /// Index (in [`Scan::tokens`]) of the [`HeredocOp`] this body belongs to.
    pub op_token: usize,
    /// The body lines, including the newline of the last line.
    pub body: Range<usize>,
    /// The terminator line, if the heredoc was terminated.
    pub terminator: Option<Range<usize>>,
    /// Whether `$` expansion happens in the body.
    pub expanding: bool,
}

/// What a token is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TokenKind {
    /// A word.
    Word(Word),
    /// A control/list operator.
    Op(Operator),
    /// A redirection operator.
    Redirect(Redirect),
    /// A heredoc operator.
    Heredoc(HeredocOp),
    /// A heredoc body.
    HeredocBody(HeredocBody),
    /// An unescaped newline.
    Newline,
    /// A shell comment (`#` to end of line).
    Comment,
}

/// A token with its byte range.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    /// What the token is.
    pub kind: TokenKind,
    /// Its byte range in the scanned text.
    pub range: Range<usize>,
}

impl Token {
    /// The word, if this token is one.
    pub fn word(&self) -> Option<&Word> {
        match &self.kind {
            TokenKind::Word(w) => Some(w),
            _ => None,
        }
    }
}

/// A region with a quoting context. Command substitutions and backtick
/// bodies are recorded as [`QuoteContext::Unquoted`] regions so that they
/// override an enclosing double-quote region.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuoteSpan {
    /// The context inside.
    pub context: QuoteContext,
    /// The bytes the context applies to (between the delimiters).
    pub content: Range<usize>,
    /// Including the delimiters (`'`, `"`, `$'`, `$(`/`)`, backticks; for
    /// heredocs the body only).
    pub outer: Range<usize>,
}

/// Kinds of expansion found in words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ExpansionKind {
    /// `$NAME`, `${...}`, `$1`, `$@`, ...
    Variable,
    /// `$(...)`
    CommandSubst,
    /// `` `...` ``
    Backtick,
    /// `$((...))`
    Arithmetic,
}

/// An expansion and its byte range (from `$` or the backtick to the end).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expansion {
    /// What kind of expansion.
    pub kind: ExpansionKind,
    /// Where it is.
    pub range: Range<usize>,
}

/// A parameter reference: `$NAME`, `${NAME}`, `${NAME:-x}`, `${#NAME}`, `$1`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VarRef {
    /// The parameter name (`HOME`, `1`, `@`).
    pub name: String,
    /// The whole reference.
    pub range: Range<usize>,
    /// Just the name.
    pub name_range: Range<usize>,
    /// Written with braces.
    pub braced: bool,
    /// For `${NAME<modifier>}`: the range of `<modifier>` (`:-x`, `%.*`).
    pub modifier: Option<Range<usize>>,
}

/// The operator that separates two segments.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ListOp {
    /// `&&`
    AndIf,
    /// `||`
    OrIf,
    /// `;`
    Semi,
    /// `;;`
    DoubleSemi,
    /// `|`
    Pipe,
    /// `|&`
    PipeAmp,
    /// `&`
    Amp,
    /// An unescaped newline.
    Newline,
}

/// A separator between segments with its byte range.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Separator {
    /// Which operator.
    pub op: ListOp,
    /// Where it is.
    pub range: Range<usize>,
    /// Index of its token.
    pub token: usize,
}

/// A simple command (or a `( ... )` group) between list/pipe operators.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Segment {
    /// From the first token to the last (no surrounding blanks). Heredoc
    /// bodies are not included; see `extent_end`.
    pub range: Range<usize>,
    /// End of the segment including the heredoc bodies it owns.
    pub extent_end: usize,
    /// Token indices of the segment (for a group: including its children).
    pub tokens: Range<usize>,
    /// Token indices of heredoc bodies owned by this segment.
    pub heredoc_bodies: Vec<usize>,
    /// The separator before it (at the same nesting level), if any.
    pub before: Option<Separator>,
    /// The separator after it (at the same nesting level), if any.
    pub after: Option<Separator>,
    /// The enclosing `( ... )` group segment, if any.
    pub parent: Option<usize>,
    /// This segment is a `( ... )` group; its children have it as parent.
    pub group: bool,
    /// The first word is a shell reserved word (`if`, `then`, `do`, `{`, ...):
    /// this is not a simple command and must not be deleted on its own.
    pub reserved_word: bool,
}

/// What to delete to remove one segment (see [`Scan::removal`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Removal {
    /// Byte ranges to delete, sorted and disjoint.
    pub ranges: Vec<Range<usize>>,
    /// Deleting leaves no command at all: the whole `RUN` becomes empty.
    pub leaves_empty: bool,
}

/// How an assignment word was introduced.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AssignmentKind {
    /// `NAME=value cmd` or a bare `NAME=value` statement.
    Prefix,
    /// `export NAME=value` (also `readonly`, `declare`, `typeset`, `local`).
    Export,
    /// `env [-i] NAME=value cmd`.
    Env,
}

/// A `NAME=value` word.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assignment {
    /// The variable name.
    pub name: String,
    /// Where the name is.
    pub name_range: Range<usize>,
    /// Everything after `=` up to the end of the word (quotes included).
    pub value_range: Range<usize>,
    /// The whole word.
    pub word_range: Range<usize>,
    /// Token index of the word.
    pub token: usize,
    /// How it was introduced.
    pub kind: AssignmentKind,
}

/// A replacement to apply to the scanned text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Splice {
    /// Bytes to replace.
    pub range: Range<usize>,
    /// What to put there.
    pub replacement: String,
}

const CONTENT: u8 = 0;
const SYNTAX: u8 = 1;

/// The result of scanning one command text. Scan once, query many times.
#[derive(Debug, Clone)]
pub struct Scan<'a> {
    text: &'a str,
    /// Logical byte index -> raw byte offset (continuations removed).
    lmap: Vec<usize>,
    /// Per logical byte: CONTENT or SYNTAX (quote delimiters, escaping
    /// backslashes), used to decode values.
    flags: Vec<u8>,
    tokens: Vec<Token>,
    spans: Vec<QuoteSpan>,
    expansions: Vec<Expansion>,
    vars: Vec<VarRef>,
    segments: Vec<Segment>,
}

/// Scan `text` with the given Dockerfile escape character (`\` or `` ` ``;
/// anything else is treated as `\`).
pub fn scan(text: &str, escape: char) -> Scan<'_> {
    Scan::new(text, escape)
}

/// The quoting context at `offset` in `text` (escape character `\`).
/// Offsets past the end report [`QuoteContext::Unquoted`].
pub fn quote_context_at(text: &str, offset: usize) -> QuoteContext {
    Scan::new(text, '\\').quote_context_at(offset)
}

/// True when `name` is a valid shell variable name (`[A-Za-z_][A-Za-z0-9_]*`).
pub fn is_valid_name(name: &str) -> bool {
    let b = name.as_bytes();
    !b.is_empty()
        && (b[0].is_ascii_alphabetic() || b[0] == b'_')
        && b.iter().all(|c| c.is_ascii_alphanumeric() || *c == b'_')
}

/// True when the whole `word_text` is just one parameter reference and hence
/// not a literal: `$X`, `${X}`, `${X:-y}`, `${#X}`, `$1`, optionally wrapped in
/// double quotes (`"$X"`, `"${X:-y}"`). Surrounding blanks are ignored.
pub fn is_variable_reference(word_text: &str) -> bool {
    let mut t = word_text.trim();
    if t.len() >= 2 && t.starts_with('"') && t.ends_with('"') {
        t = &t[1..t.len() - 1];
    }
    let b = t.as_bytes();
    if b.len() < 2 || b[0] != b'$' {
        return false;
    }
    if b[1] == b'{' {
        // Find the matching close brace; it must be the last byte.
        let mut depth = 0usize;
        let mut i = 1;
        let mut close = None;
        while i < b.len() {
            match b[i] {
                b'\\' => i += 1,
                b'{' => depth += 1,
                b'}' => {
                    depth -= 1;
                    if depth == 0 {
                        close = Some(i);
                        break;
                    }
                }
                _ => {}
            }
            i += 1;
        }
        let Some(close) = close else { return false };
        if close != b.len() - 1 {
            return false;
        }
        let inner = &t[2..close];
        let inner = inner.strip_prefix(['#', '!']).unwrap_or(inner);
        let name_len = param_name_len(inner.as_bytes(), 0);
        // After the name: nothing, or a parameter-expansion operator.
        return name_len > 0
            && match inner.as_bytes().get(name_len) {
                None => true,
                Some(c) => b":-=?+#%/^,@[".contains(c),
            };
    }
    let rest = &b[1..];
    if rest[0].is_ascii_alphabetic() || rest[0] == b'_' {
        return rest.iter().all(|c| c.is_ascii_alphanumeric() || *c == b'_');
    }
    rest.len() == 1 && (rest[0].is_ascii_digit() || b"@*#?$!-".contains(&rest[0]))
}

/// Length of a parameter name at `b[i..]`: an identifier, one digit-run for
/// positional parameters, or one special character.
fn param_name_len(b: &[u8], i: usize) -> usize {
    let Some(&c) = b.get(i) else { return 0 };
    if c.is_ascii_alphabetic() || c == b'_' {
        b[i..]
            .iter()
            .take_while(|c| c.is_ascii_alphanumeric() || **c == b'_')
            .count()
    } else if c.is_ascii_digit() {
        b[i..].iter().take_while(|c| c.is_ascii_digit()).count()
    } else if b"@*#?$!-".contains(&c) {
        1
    } else {
        0
    }
}

/// The text to splice in place of a literal so that it becomes a reference
/// to variable `name`, given the quoting context of the literal.
///
/// * Unquoted: `"${NAME}"`. Always quoted: the literal could not contain
///   unescaped blanks or glob characters, but the value of the variable may,
///   and an unquoted expansion would be split and globbed. A double-quoted
///   piece can be glued to any unquoted text without changing the word.
/// * Double quotes / expanding heredoc: `${NAME}`.
/// * Single quotes: `'"${NAME}"'` (close, reference, reopen).
/// * `$'...'`: `'"${NAME}"$'` (close, reference, reopen as `$'`).
/// * Literal heredoc (`<<'EOF'`): `None`, nothing can be expanded there.
///
/// Returns `None` as well when `name` is not a valid variable name.
pub fn render_reference(context: QuoteContext, name: &str) -> Option<String> {
    if !is_valid_name(name) {
        return None;
    }
    Some(match context {
        QuoteContext::Unquoted => format!("\"${{{name}}}\""),
        QuoteContext::DoubleQuoted | QuoteContext::Heredoc { expanding: true } => {
            format!("${{{name}}}")
        }
        QuoteContext::SingleQuoted => format!("'\"${{{name}}}\"'"),
        QuoteContext::AnsiCQuoted => format!("'\"${{{name}}}\"$'"),
        QuoteContext::Heredoc { expanding: false } => return None,
    })
}

/// Words that make a segment a compound-command fragment.
const RESERVED_WORDS: &[&str] = &[
    "if", "then", "else", "elif", "fi", "do", "done", "case", "esac", "while", "until", "for",
    "in", "{", "}", "function", "select",
];

impl<'a> Scan<'a> {
    /// Scan `text`; `escape` is the Dockerfile escape character (`\` or
    /// `` ` ``; anything else is treated as `\`).
    pub fn new(text: &'a str, escape: char) -> Self {
        let esc = if escape == '`' { b'`' } else { b'\\' };
        let lmap = logical_offsets(text.as_bytes(), esc);
        let mut lx = Lexer {
            b: text.as_bytes(),
            flags: vec![CONTENT; lmap.len()],
            lmap,
            tokens: Vec::new(),
            spans: Vec::new(),
            expansions: Vec::new(),
            vars: Vec::new(),
            pending: Vec::new(),
        };
        lx.run();
        let Lexer {
            lmap,
            flags,
            tokens,
            mut spans,
            mut expansions,
            mut vars,
            ..
        } = lx;
        spans.sort_by_key(|s| (s.content.start, std::cmp::Reverse(s.content.end)));
        expansions.sort_by_key(|e| (e.range.start, std::cmp::Reverse(e.range.end)));
        vars.sort_by_key(|v| (v.range.start, std::cmp::Reverse(v.range.end)));
        let segments = build_segments(text, &tokens);
        Scan {
            text,
            lmap,
            flags,
            tokens,
            spans,
            expansions,
            vars,
            segments,
        }
    }

    /// The scanned text.
    pub fn text(&self) -> &'a str {
        self.text
    }

    /// All tokens in order (heredoc bodies come right after the newline that
    /// ends their operator's line).
    pub fn tokens(&self) -> &[Token] {
        &self.tokens
    }

    /// All words in order.
    pub fn words(&self) -> impl Iterator<Item = &Word> + '_ {
        self.tokens.iter().filter_map(Token::word)
    }

    /// Quote regions (including nested ones), sorted by start.
    pub fn quote_spans(&self) -> &[QuoteSpan] {
        &self.spans
    }

    /// All expansions, sorted by start.
    pub fn expansions(&self) -> &[Expansion] {
        &self.expansions
    }

    /// Parameter references outside single quotes (including those inside
    /// double quotes, `${..:-default}`, command substitutions and expanding
    /// heredoc bodies), sorted by start.
    pub fn variable_refs(&self) -> &[VarRef] {
        &self.vars
    }

    /// Segments: simple commands and `( ... )` groups, in order of their start.
    pub fn segments(&self) -> &[Segment] {
        &self.segments
    }

    /// Words of a segment (for a group: of all its children).
    pub fn segment_words(&self, segment: usize) -> impl Iterator<Item = (usize, &Word)> + '_ {
        let seg = &self.segments[segment];
        seg.tokens
            .clone()
            .filter_map(move |i| self.tokens[i].word().map(|w| (i, w)))
    }

    /// The quoting context at byte `offset` (innermost region wins).
    pub fn quote_context_at(&self, offset: usize) -> QuoteContext {
        self.innermost_span(offset)
            .map_or(QuoteContext::Unquoted, |s| s.context)
    }

    fn innermost_span(&self, offset: usize) -> Option<&QuoteSpan> {
        self.spans
            .iter()
            .take_while(|s| s.content.start <= offset)
            .filter(|s| s.content.contains(&offset))
            .min_by_key(|s| s.content.len())
    }

    /// True when an expansion (`$X`, `${..}`, `$(..)`, backticks, `$((..))`)
    /// overlaps `range`.
    pub fn contains_expansion(&self, range: Range<usize>) -> bool {
        self.expansions
            .iter()
            .take_while(|e| e.range.start < range.end)
            .any(|e| e.range.end > range.start)
    }

    /// The shell-level value of the bytes in `range`: continuations dropped,
    /// quote characters and escaping backslashes removed (outside heredoc
    /// bodies), expansions left as written, `$'..'` escapes not interpreted.
    pub fn decode(&self, range: Range<usize>) -> String {
        let (s, _) = self.decode_with_map(range);
        s
    }

    /// Like [`Scan::decode`], plus for every byte of the result the raw offset
    /// it comes from.
    pub fn decode_with_map(&self, range: Range<usize>) -> (String, Vec<usize>) {
        let b = self.text.as_bytes();
        let first = self.lmap.partition_point(|&o| o < range.start);
        let mut out = Vec::with_capacity(range.len());
        let mut map = Vec::with_capacity(range.len());
        for k in first..self.lmap.len() {
            let o = self.lmap[k];
            if o >= range.end {
                break;
            }
            if self.flags[k] == CONTENT {
                out.push(b[o]);
                map.push(o);
            }
        }
        // Only ASCII bytes are ever dropped, so the result is valid UTF-8
        // unless `range` cuts a character; fall back to a lossy conversion.
        match String::from_utf8(out) {
            Ok(s) => (s, map),
            Err(e) => {
                let s = String::from_utf8_lossy(e.as_bytes()).into_owned();
                let map = if s.len() == map.len() {
                    map
                } else {
                    vec![range.start; s.len()]
                };
                (s, map)
            }
        }
    }

    /// `NAME=value` assignment words of a segment: the leading prefix
    /// assignments of a simple command, and the assignments that follow
    /// `export`/`readonly`/`declare`/`typeset`/`local` or `env` (options
    /// skipped). Empty for groups.
    pub fn assignment_prefixes(&self, segment: usize) -> Vec<Assignment> {
        let seg = &self.segments[segment];
        let mut out = Vec::new();
        if seg.group {
            return out;
        }
        let mut words = self.segment_words(segment).peekable();
        while let Some(&(i, w)) = words.peek() {
            match self.assignment_in(i, w, AssignmentKind::Prefix) {
                Some(a) => {
                    out.push(a);
                    words.next();
                }
                None => break,
            }
        }
        let Some((_, cmd)) = words.next() else {
            return out;
        };
        let cmd_text = self.decode(cmd.range.clone());
        let kind = match cmd_text.as_str() {
            "export" | "readonly" | "declare" | "typeset" | "local" => AssignmentKind::Export,
            "env" => AssignmentKind::Env,
            _ => return out,
        };
        let mut skip_next = false;
        for (i, w) in words {
            if skip_next {
                skip_next = false;
                continue;
            }
            let t = self.decode(w.range.clone());
            if t.starts_with('-') {
                if kind == AssignmentKind::Env && matches!(t.as_str(), "-u" | "--unset" | "-C") {
                    skip_next = true;
                }
                continue;
            }
            match self.assignment_in(i, w, kind) {
                Some(a) => out.push(a),
                // `env A=1 cmd ...`: the command ends the assignments.
                None if kind == AssignmentKind::Env => break,
                None => {}
            }
        }
        out
    }

    fn assignment_in(&self, token: usize, w: &Word, kind: AssignmentKind) -> Option<Assignment> {
        let first = w.pieces.first()?;
        if first.kind != PieceKind::Unquoted {
            return None;
        }
        // Walk logical bytes of the word from its start.
        let b = self.text.as_bytes();
        let k0 = self.lmap.partition_point(|&o| o < w.range.start);
        let mut name = String::new();
        let mut k = k0;
        while k < self.lmap.len() && self.lmap[k] < first.range.end {
            let c = b[self.lmap[k]];
            if c == b'=' {
                if !is_valid_name(&name) {
                    return None;
                }
                let eq = self.lmap[k];
                return Some(Assignment {
                    name,
                    name_range: w.range.start..self.lmap[k - 1] + 1,
                    value_range: eq + 1..w.range.end,
                    word_range: w.range.clone(),
                    token,
                    kind,
                });
            }
            if !(c.is_ascii_alphanumeric() || c == b'_') || self.flags[k] != CONTENT {
                return None;
            }
            name.push(c as char);
            k += 1;
        }
        None
    }

    /// What to delete to remove segment `segment` and keep a valid command:
    ///
    /// * the only segment (at top level): the whole text, `leaves_empty`;
    /// * the only segment of a `( ... )` group: the group is removed instead;
    /// * the first of several: the segment, the operator after it and the
    ///   blanks/continuations up to the next segment;
    /// * any later one: from the end of the previous segment (so the operator
    ///   before it and the blanks) to its end.
    ///
    /// Heredoc bodies owned by the segment are removed too. Returns `None`
    /// for segments that start with a reserved word (or belong to a group
    /// that does), where deleting would break the syntax.
    pub fn removal(&self, segment: usize) -> Option<Removal> {
        let seg = self.segments.get(segment)?;
        if seg.reserved_word {
            return None;
        }
        let siblings: Vec<usize> = (0..self.segments.len())
            .filter(|&i| self.segments[i].parent == seg.parent)
            .collect();
        if siblings.len() == 1 {
            return match seg.parent {
                Some(p) => self.removal(p),
                None => Some(Removal {
                    ranges: std::iter::once(0..self.text.len()).collect(),
                    leaves_empty: true,
                }),
            };
        }
        let pos = siblings.iter().position(|&i| i == segment)?;
        let main = if pos == 0 {
            let next = &self.segments[siblings[1]];
            seg.range.start..next.range.start
        } else {
            let prev = &self.segments[siblings[pos - 1]];
            prev.extent_end..seg.range.end
        };
        let mut ranges: Vec<Range<usize>> = std::iter::once(main).collect();
        for &bt in &seg.heredoc_bodies {
            let r = self.tokens[bt].range.clone();
            // Remove the body and the newline that ends its terminator line.
            let end = if self.text.as_bytes().get(r.end) == Some(&b'\n') {
                r.end + 1
            } else {
                r.end
            };
            ranges.push(r.start..end);
        }
        ranges.sort_by_key(|r| r.start);
        let mut merged: Vec<Range<usize>> = Vec::new();
        for r in ranges {
            match merged.last_mut() {
                Some(last) if r.start <= last.end => last.end = last.end.max(r.end),
                _ => merged.push(r),
            }
        }
        Some(Removal {
            ranges: merged,
            leaves_empty: false,
        })
    }

    /// The splice that replaces the literal at `range` by a reference to
    /// variable `name`, keeping the meaning of the command (see
    /// [`render_reference`] for the per-context rules).
    ///
    /// `range` must lie within one quoting context, or cover whole quoted
    /// pieces in unquoted context. When the literal fills a whole `'...'`
    /// (or `$'...'`) piece, or touches one of its ends, the quote characters
    /// are taken into the splice so no empty `''` is left behind.
    ///
    /// `None` when the range is empty, crosses quoting boundaries, lies in a
    /// literal heredoc, or `name` is invalid.
    pub fn reference_splice(&self, range: Range<usize>, name: &str) -> Option<Splice> {
        if range.is_empty() || range.end > self.text.len() || !is_valid_name(name) {
            return None;
        }
        let (a, b) = (range.start, range.end);
        // Innermost span whose content contains [a, b).
        let mut inner: Option<&QuoteSpan> = None;
        for s in &self.spans {
            let contains = s.content.start <= a && b <= s.content.end;
            let disjoint = s.outer.end <= a || s.outer.start >= b;
            let covered = a <= s.outer.start && s.outer.end <= b;
            if contains {
                let smaller = match inner {
                    Some(i) => s.content.len() <= i.content.len(),
                    None => true,
                };
                if smaller {
                    inner = Some(s);
                }
            } else if !(disjoint || covered) {
                return None;
            }
        }
        let context = inner.map_or(QuoteContext::Unquoted, |s| s.context);
        let reference = render_reference(context, name)?;
        let span = match (context, inner) {
            (QuoteContext::SingleQuoted | QuoteContext::AnsiCQuoted, Some(s)) => s,
            _ => {
                return Some(Splice {
                    range,
                    replacement: reference,
                })
            }
        };
        let bare = format!("\"${{{name}}}\"");
        let reopen = if context == QuoteContext::AnsiCQuoted {
            "$'"
        } else {
            "'"
        };
        let at_start = a == span.content.start;
        let at_end = b == span.content.end;
        Some(match (at_start, at_end) {
            (true, true) => Splice {
                range: span.outer.clone(),
                replacement: bare,
            },
            (true, false) => Splice {
                range: span.outer.start..b,
                replacement: format!("{bare}{reopen}"),
            },
            (false, true) => Splice {
                range: a..span.outer.end,
                replacement: format!("'{bare}"),
            },
            (false, false) => Splice {
                range,
                replacement: reference,
            },
        })
    }
}

/// Logical byte offsets: everything except Dockerfile line continuations and
/// the comment / empty lines that follow them.
fn logical_offsets(b: &[u8], esc: u8) -> Vec<usize> {
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == esc {
            if let Some(n) = continuation_len(b, i) {
                i = skip_comment_lines(b, i + n);
                continue;
            }
        }
        out.push(i);
        i += 1;
    }
    out
}

/// At `b[i]` == escape: length of `escape [ \t]* \r? \n`, if that is what is
/// there.
fn continuation_len(b: &[u8], i: usize) -> Option<usize> {
    let mut j = i + 1;
    while j < b.len() && (b[j] == b' ' || b[j] == b'\t') {
        j += 1;
    }
    if b.get(j) == Some(&b'\r') && b.get(j + 1) == Some(&b'\n') {
        Some(j + 2 - i)
    } else if b.get(j) == Some(&b'\n') {
        Some(j + 1 - i)
    } else {
        None
    }
}

/// After a continuation: skip lines that are blank or start with `#`.
fn skip_comment_lines(b: &[u8], mut i: usize) -> usize {
    loop {
        let mut j = i;
        while j < b.len() && (b[j] == b' ' || b[j] == b'\t') {
            j += 1;
        }
        match b.get(j) {
            Some(b'#') => {
                while j < b.len() && b[j] != b'\n' {
                    j += 1;
                }
                i = (j + 1).min(b.len());
            }
            Some(b'\n') => i = j + 1,
            Some(b'\r') if b.get(j + 1) == Some(&b'\n') => i = j + 2,
            _ => return i,
        }
        if i >= b.len() {
            return i;
        }
    }
}

struct Lexer<'a> {
    b: &'a [u8],
    lmap: Vec<usize>,
    flags: Vec<u8>,
    tokens: Vec<Token>,
    spans: Vec<QuoteSpan>,
    expansions: Vec<Expansion>,
    vars: Vec<VarRef>,
    /// Heredoc operator tokens still waiting for their bodies.
    pending: Vec<usize>,
}

fn is_blank(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\r' | 0x0c)
}

fn is_word_break(c: u8) -> bool {
    matches!(
        c,
        b' ' | b'\t' | b'\r' | 0x0c | b'\n' | b';' | b'&' | b'|' | b'<' | b'>' | b'(' | b')'
    )
}

impl Lexer<'_> {
    fn n(&self) -> usize {
        self.lmap.len()
    }

    /// Logical byte `k`, or 0 past the end.
    fn at(&self, k: usize) -> u8 {
        self.lmap.get(k).map_or(0, |&o| self.b[o])
    }

    /// Raw offset of logical byte `k` (text length past the end).
    fn raw(&self, k: usize) -> usize {
        self.lmap.get(k).copied().unwrap_or(self.b.len())
    }

    /// Raw end (exclusive) of a run whose last logical byte is `k - 1`.
    fn raw_end(&self, k: usize) -> usize {
        if k == 0 {
            return 0;
        }
        match self.lmap.get(k - 1) {
            Some(&o) => o + 1,
            None => self.b.len(),
        }
    }

    fn syntax(&mut self, k: usize) {
        if let Some(f) = self.flags.get_mut(k) {
            *f = SYNTAX;
        }
    }

    fn push(&mut self, kind: TokenKind, range: Range<usize>) {
        self.tokens.push(Token { kind, range });
    }

    fn run(&mut self) {
        let n = self.n();
        let mut k = 0;
        while k < n {
            let c = self.at(k);
            match c {
                _ if is_blank(c) => k += 1,
                b'\n' => {
                    let o = self.raw(k);
                    self.push(TokenKind::Newline, o..o + 1);
                    k += 1;
                    if !self.pending.is_empty() {
                        k = self.heredoc_bodies(o + 1);
                    }
                }
                b'#' => {
                    let s = k;
                    while k < n && self.at(k) != b'\n' {
                        k += 1;
                    }
                    let r = self.raw(s)..self.raw_end(k);
                    self.push(TokenKind::Comment, r);
                }
                b'&' | b'|' | b';' | b'(' | b')' => k = self.operator(k),
                b'<' | b'>' => k = self.redirect(k, k),
                b'0'..=b'9' => {
                    let mut j = k;
                    while j < n && self.at(j).is_ascii_digit() {
                        j += 1;
                    }
                    if matches!(self.at(j), b'<' | b'>') && j < n {
                        k = self.redirect(j, k);
                    } else {
                        k = self.word_token(k);
                    }
                }
                _ => k = self.word_token(k),
            }
        }
    }

    fn operator(&mut self, k: usize) -> usize {
        let c = self.at(k);
        let c1 = if k + 1 < self.n() { self.at(k + 1) } else { 0 };
        let (op, len) = match (c, c1) {
            (b'&', b'&') => (Operator::AndIf, 2),
            (b'&', b'>') => {
                let (op, len) = if self.at(k + 2) == b'>' && k + 2 < self.n() {
                    (RedirectOp::AppendOutErr, 3)
                } else {
                    (RedirectOp::OutErr, 2)
                };
                let r = self.raw(k)..self.raw_end(k + len);
                self.push(
                    TokenKind::Redirect(Redirect {
                        fd: None,
                        op,
                        dup_target: None,
                    }),
                    r,
                );
                return k + len;
            }
            (b'&', _) => (Operator::Amp, 1),
            (b'|', b'|') => (Operator::OrIf, 2),
            (b'|', b'&') => (Operator::PipeAmp, 2),
            (b'|', _) => (Operator::Pipe, 1),
            (b';', b';') => (Operator::DoubleSemi, 2),
            (b';', _) => (Operator::Semi, 1),
            (b'(', _) => (Operator::LParen, 1),
            _ => (Operator::RParen, 1),
        };
        let r = self.raw(k)..self.raw_end(k + len);
        self.push(TokenKind::Op(op), r);
        k + len
    }

    /// A redirection whose operator starts at `k`; `start` is where its fd
    /// number starts (== `k` when there is none).
    fn redirect(&mut self, k: usize, start: usize) -> usize {
        let n = self.n();
        let fd = if start < k {
            let digits: String = (start..k).map(|i| self.at(i) as char).collect();
            digits.parse().ok()
        } else {
            None
        };
        let c = self.at(k);
        let c1 = if k + 1 < n { self.at(k + 1) } else { 0 };
        let c2 = if k + 2 < n { self.at(k + 2) } else { 0 };
        if c == b'<' && c1 == b'<' && c2 != b'<' {
            return self.heredoc_op(k, start);
        }
        let (op, mut len) = match (c, c1) {
            (b'<', b'<') => (RedirectOp::HereString, 3),
            (b'<', b'&') => (RedirectOp::DupIn, 2),
            (b'<', b'>') => (RedirectOp::ReadWrite, 2),
            (b'<', _) => (RedirectOp::In, 1),
            (_, b'>') => (RedirectOp::Append, 2),
            (_, b'&') => (RedirectOp::DupOut, 2),
            (_, b'|') => (RedirectOp::Clobber, 2),
            _ => (RedirectOp::Out, 1),
        };
        let mut dup_target = None;
        if matches!(op, RedirectOp::DupIn | RedirectOp::DupOut) {
            let mut j = k + len;
            while j < n && self.at(j).is_ascii_digit() {
                j += 1;
            }
            if j == k + len && j < n && self.at(j) == b'-' {
                j += 1;
            }
            if j > k + len && (j >= n || is_word_break(self.at(j))) {
                dup_target = Some((k + len..j).map(|i| self.at(i) as char).collect());
                len = j - k;
            }
        }
        let r = self.raw(start)..self.raw_end(k + len);
        self.push(TokenKind::Redirect(Redirect { fd, op, dup_target }), r);
        k + len
    }

    fn heredoc_op(&mut self, k: usize, start: usize) -> usize {
        let n = self.n();
        let mut j = k + 2;
        let strip_tabs = j < n && self.at(j) == b'-';
        if strip_tabs {
            j += 1;
        }
        while j < n && matches!(self.at(j), b' ' | b'\t') {
            j += 1;
        }
        if j >= n || is_word_break(self.at(j)) {
            // `<<` with no delimiter: keep it as an operator without body.
            let r = self.raw(start)..self.raw_end(k + 2);
            self.push(
                TokenKind::Heredoc(HeredocOp {
                    delimiter: String::new(),
                    quoted: false,
                    strip_tabs,
                    delimiter_range: r.end..r.end,
                }),
                r,
            );
            return k + 2;
        }
        let (word, end) = self.word(j);
        let quoted = word.has_quotes() || (j..end).any(|i| self.flags[i] == SYNTAX);
        let delimiter: String = {
            let bytes: Vec<u8> = (j..end)
                .filter(|&i| self.flags[i] == CONTENT)
                .map(|i| self.at(i))
                .collect();
            String::from_utf8_lossy(&bytes).into_owned()
        };
        let r = self.raw(start)..word.range.end;
        self.push(
            TokenKind::Heredoc(HeredocOp {
                delimiter,
                quoted,
                strip_tabs,
                delimiter_range: word.range,
            }),
            r,
        );
        self.pending.push(self.tokens.len() - 1);
        end
    }

    /// Read the bodies of the pending heredocs starting at raw offset `pos`
    /// (just after a newline). Returns the logical index to resume at.
    fn heredoc_bodies(&mut self, mut pos: usize) -> usize {
        let pending = std::mem::take(&mut self.pending);
        let count = pending.len();
        for (idx, op_token) in pending.into_iter().enumerate() {
            let (delim, strip, quoted) = match &self.tokens[op_token].kind {
                TokenKind::Heredoc(h) => (h.delimiter.clone(), h.strip_tabs, h.quoted),
                _ => continue,
            };
            let body_start = pos;
            let mut terminator = None;
            loop {
                if pos >= self.b.len() {
                    pos = self.b.len();
                    break;
                }
                let line_end = self.b[pos..]
                    .iter()
                    .position(|&c| c == b'\n')
                    .map_or(self.b.len(), |p| pos + p);
                let mut line = &self.b[pos..line_end];
                if line.last() == Some(&b'\r') {
                    line = &line[..line.len() - 1];
                }
                let mut check = line;
                if strip {
                    while check.first() == Some(&b'\t') {
                        check = &check[1..];
                    }
                }
                if check == delim.as_bytes() {
                    terminator = Some(pos..pos + line.len());
                    // The newline after the last terminator stays for the
                    // main loop (it separates commands).
                    pos = if idx + 1 < count {
                        (line_end + 1).min(self.b.len())
                    } else {
                        line_end
                    };
                    break;
                }
                pos = (line_end + 1).min(self.b.len());
            }
            let body_end = terminator.as_ref().map_or(pos, |t| t.start);
            let token_end = terminator.as_ref().map_or(pos, |t| t.end);
            let expanding = !quoted;
            self.spans.push(QuoteSpan {
                context: QuoteContext::Heredoc { expanding },
                content: body_start..body_end,
                outer: body_start..body_end,
            });
            if expanding {
                self.scan_heredoc_expansions(body_start..body_end);
            }
            self.push(
                TokenKind::HeredocBody(HeredocBody {
                    op_token,
                    body: body_start..body_end,
                    terminator,
                    expanding,
                }),
                body_start..token_end,
            );
        }
        self.lmap.partition_point(|&o| o < pos)
    }

    fn scan_heredoc_expansions(&mut self, body: Range<usize>) {
        let mut k = self.lmap.partition_point(|&o| o < body.start);
        let n = self.n();
        while k < n && self.raw(k) < body.end {
            match self.at(k) {
                b'\\' => k += 2,
                b'$' => k = self.dollar(k),
                b'`' => k = self.backtick(k),
                _ => k += 1,
            }
        }
    }

    fn word_token(&mut self, k: usize) -> usize {
        let (w, end) = self.word(k);
        let r = w.range.clone();
        self.push(TokenKind::Word(w), r);
        end
    }

    /// Scan a word starting at logical `k`; returns it and the logical index
    /// after it.
    fn word(&mut self, mut k: usize) -> (Word, usize) {
        let n = self.n();
        let start = k;
        let mut pieces = Vec::new();
        let mut unquoted_start: Option<usize> = None;
        while k < n {
            let c = self.at(k);
            if is_word_break(c) {
                break;
            }
            let quoted_piece = match c {
                b'\'' => true,
                b'"' => true,
                b'$' if k + 1 < n && matches!(self.at(k + 1), b'\'' | b'"') => true,
                _ => false,
            };
            if quoted_piece {
                if let Some(s) = unquoted_start.take() {
                    let r = self.raw(s)..self.raw_end(k);
                    pieces.push(Piece {
                        kind: PieceKind::Unquoted,
                        range: r.clone(),
                        content: r,
                    });
                }
                let (piece, next) = match c {
                    b'\'' => self.single(k),
                    b'"' => self.double(k),
                    _ if self.at(k + 1) == b'\'' => self.ansi_c(k),
                    _ => {
                        self.syntax(k);
                        let (mut p, next) = self.double(k + 1);
                        p.range.start = self.raw(k);
                        (p, next)
                    }
                };
                pieces.push(piece);
                k = next;
                continue;
            }
            if unquoted_start.is_none() {
                unquoted_start = Some(k);
            }
            match c {
                b'\\' => {
                    self.syntax(k);
                    if k + 1 < n && self.at(k + 1) == b'\n' {
                        self.syntax(k + 1);
                    }
                    k += 2;
                }
                b'$' => k = self.dollar(k),
                b'`' => k = self.backtick(k),
                _ => k += 1,
            }
        }
        let k = k.min(n);
        if let Some(s) = unquoted_start {
            let r = self.raw(s)..self.raw_end(k);
            pieces.push(Piece {
                kind: PieceKind::Unquoted,
                range: r.clone(),
                content: r,
            });
        }
        let range = self.raw(start)..self.raw_end(k);
        (Word { range, pieces }, k)
    }

    /// `'...'` starting at `k`.
    fn single(&mut self, k: usize) -> (Piece, usize) {
        let n = self.n();
        self.syntax(k);
        let mut j = k + 1;
        while j < n && self.at(j) != b'\'' {
            j += 1;
        }
        self.syntax(j);
        let content = self.raw(k) + 1..self.raw(j);
        let outer = self.raw(k)..self.raw_end(j + 1);
        let piece = self.quoted(
            QuoteContext::SingleQuoted,
            PieceKind::SingleQuoted,
            content,
            outer,
        );
        (piece, (j + 1).min(n))
    }

    /// Records a quoted span and returns its piece.
    fn quoted(
        &mut self,
        context: QuoteContext,
        kind: PieceKind,
        content: Range<usize>,
        outer: Range<usize>,
    ) -> Piece {
        self.spans.push(QuoteSpan {
            context,
            content: content.clone(),
            outer: outer.clone(),
        });
        Piece {
            kind,
            range: outer,
            content,
        }
    }

    /// `$'...'` starting at the `$` at `k`.
    fn ansi_c(&mut self, k: usize) -> (Piece, usize) {
        let n = self.n();
        self.syntax(k);
        self.syntax(k + 1);
        let mut j = k + 2;
        while j < n && self.at(j) != b'\'' {
            if self.at(j) == b'\\' {
                j += 1;
            }
            j += 1;
        }
        let j = j.min(n);
        self.syntax(j);
        let content = self.raw(k + 1) + 1..self.raw(j);
        let outer = self.raw(k)..self.raw_end(j + 1);
        let piece = self.quoted(
            QuoteContext::AnsiCQuoted,
            PieceKind::AnsiCQuoted,
            content,
            outer,
        );
        (piece, (j + 1).min(n))
    }

    /// `"..."` starting at `k`.
    fn double(&mut self, k: usize) -> (Piece, usize) {
        let n = self.n();
        self.syntax(k);
        let mut j = k + 1;
        while j < n {
            match self.at(j) {
                b'"' => break,
                b'\\' => {
                    if j + 1 < n && matches!(self.at(j + 1), b'$' | b'`' | b'"' | b'\\' | b'\n') {
                        self.syntax(j);
                        if self.at(j + 1) == b'\n' {
                            self.syntax(j + 1);
                        }
                    }
                    j += 2;
                }
                b'$' => j = self.dollar(j),
                b'`' => j = self.backtick(j),
                _ => j += 1,
            }
        }
        let j = j.min(n);
        self.syntax(j);
        let content = self.raw(k) + 1..self.raw(j);
        let outer = self.raw(k)..self.raw_end(j + 1);
        let piece = self.quoted(
            QuoteContext::DoubleQuoted,
            PieceKind::DoubleQuoted,
            content,
            outer,
        );
        (piece, (j + 1).min(n))
    }

    /// A `$` at `k` (not `$'` / `$"`): returns the index after the expansion.
    fn dollar(&mut self, k: usize) -> usize {
        let n = self.n();
        if k + 1 >= n {
            return k + 1;
        }
        match self.at(k + 1) {
            b'(' if k + 2 < n && self.at(k + 2) == b'(' => {
                let mut depth = 0usize;
                let mut j = k + 1;
                while j < n {
                    match self.at(j) {
                        b'(' => depth += 1,
                        b')' => {
                            depth -= 1;
                            if depth == 0 {
                                break;
                            }
                        }
                        _ => {}
                    }
                    j += 1;
                }
                let r = self.raw(k)..self.raw_end(j + 1);
                self.expansions.push(Expansion {
                    kind: ExpansionKind::Arithmetic,
                    range: r,
                });
                (j + 1).min(n)
            }
            b'(' => {
                let close = self.command_subst(k + 2);
                let content = self.raw(k + 2)..self.raw(close);
                let outer = self.raw(k)..self.raw_end(close + 1);
                self.spans.push(QuoteSpan {
                    context: QuoteContext::Unquoted,
                    content,
                    outer: outer.clone(),
                });
                self.expansions.push(Expansion {
                    kind: ExpansionKind::CommandSubst,
                    range: outer,
                });
                (close + 1).min(n)
            }
            b'{' => {
                let close = self.brace(k + 2);
                let outer = self.raw(k)..self.raw_end(close + 1);
                // Name: optional `#`/`!` prefix, then the parameter name.
                let mut j = k + 2;
                if matches!(self.at(j), b'#' | b'!') && j + 1 < close {
                    let after = self.at(j + 1);
                    if after.is_ascii_alphanumeric() || after == b'_' || b"@*".contains(&after) {
                        j += 1;
                    }
                }
                let bytes: Vec<u8> = (j..close).map(|i| self.at(i)).collect();
                let len = param_name_len(&bytes, 0);
                if len > 0 {
                    let name = String::from_utf8_lossy(&bytes[..len]).into_owned();
                    let name_range = self.raw(j)..self.raw_end(j + len);
                    let modifier = if j + len < close {
                        Some(self.raw(j + len)..self.raw(close))
                    } else {
                        None
                    };
                    self.vars.push(VarRef {
                        name,
                        range: outer.clone(),
                        name_range,
                        braced: true,
                        modifier,
                    });
                }
                self.expansions.push(Expansion {
                    kind: ExpansionKind::Variable,
                    range: outer,
                });
                (close + 1).min(n)
            }
            c if c.is_ascii_alphabetic() || c == b'_' => {
                let mut j = k + 1;
                while j < n && (self.at(j).is_ascii_alphanumeric() || self.at(j) == b'_') {
                    j += 1;
                }
                self.simple_var(k, j);
                j
            }
            c if c.is_ascii_digit() || b"@*#?$!-".contains(&c) => {
                self.simple_var(k, k + 2);
                k + 2
            }
            _ => k + 1,
        }
    }

    fn simple_var(&mut self, k: usize, end: usize) {
        let name: String = (k + 1..end).map(|i| self.at(i) as char).collect();
        let range = self.raw(k)..self.raw_end(end);
        self.vars.push(VarRef {
            name,
            name_range: self.raw(k + 1)..range.end,
            range: range.clone(),
            braced: false,
            modifier: None,
        });
        self.expansions.push(Expansion {
            kind: ExpansionKind::Variable,
            range,
        });
    }

    /// Inside `$(`: returns the index of the matching `)` (or the end).
    fn command_subst(&mut self, mut k: usize) -> usize {
        let n = self.n();
        let mut depth = 0usize;
        let mut word_start = true;
        while k < n {
            let c = self.at(k);
            match c {
                b')' if depth == 0 => return k,
                b')' => depth -= 1,
                b'(' => depth += 1,
                b'\\' => {
                    k += 2;
                    word_start = false;
                    continue;
                }
                b'\'' => {
                    k = self.single(k).1;
                    word_start = false;
                    continue;
                }
                b'"' => {
                    k = self.double(k).1;
                    word_start = false;
                    continue;
                }
                b'$' if k + 1 < n && self.at(k + 1) == b'\'' => {
                    k = self.ansi_c(k).1;
                    word_start = false;
                    continue;
                }
                b'$' => {
                    k = self.dollar(k);
                    word_start = false;
                    continue;
                }
                b'`' => {
                    k = self.backtick(k);
                    word_start = false;
                    continue;
                }
                b'#' if word_start => {
                    while k < n && self.at(k) != b'\n' {
                        k += 1;
                    }
                    continue;
                }
                _ => {}
            }
            word_start = is_word_break(c);
            k += 1;
        }
        n
    }

    /// Inside `${`: returns the index of the matching `}` (or the end).
    fn brace(&mut self, mut k: usize) -> usize {
        let n = self.n();
        while k < n {
            match self.at(k) {
                b'}' => return k,
                b'\\' => k += 2,
                b'\'' => k = self.single(k).1,
                b'"' => k = self.double(k).1,
                b'$' => k = self.dollar(k),
                b'`' => k = self.backtick(k),
                _ => k += 1,
            }
        }
        n
    }

    /// A backtick at `k`: returns the index after the closing backtick.
    fn backtick(&mut self, k: usize) -> usize {
        let n = self.n();
        let mut j = k + 1;
        while j < n && self.at(j) != b'`' {
            if self.at(j) == b'\\' {
                j += 1;
            }
            j += 1;
        }
        let j = j.min(n);
        let content = self.raw(k + 1)..self.raw(j);
        let outer = self.raw(k)..self.raw_end(j + 1);
        self.spans.push(QuoteSpan {
            context: QuoteContext::Unquoted,
            content,
            outer: outer.clone(),
        });
        self.expansions.push(Expansion {
            kind: ExpansionKind::Backtick,
            range: outer,
        });
        (j + 1).min(n)
    }
}

fn list_op(op: Operator) -> Option<ListOp> {
    Some(match op {
        Operator::AndIf => ListOp::AndIf,
        Operator::OrIf => ListOp::OrIf,
        Operator::Semi => ListOp::Semi,
        Operator::DoubleSemi => ListOp::DoubleSemi,
        Operator::Pipe => ListOp::Pipe,
        Operator::PipeAmp => ListOp::PipeAmp,
        Operator::Amp => ListOp::Amp,
        Operator::LParen | Operator::RParen => return None,
    })
}

fn build_segments(text: &str, tokens: &[Token]) -> Vec<Segment> {
    let mut segs: Vec<Segment> = Vec::new();
    // Index of the segment being built at the current level.
    let mut cur: Option<usize> = None;
    // Open groups.
    let mut stack: Vec<usize> = Vec::new();
    // `(` that do not open a group (e.g. `f()`), per current segment.
    let mut paren_depth = 0usize;
    let mut last_sep: Option<Separator> = None;
    // Segment of each heredoc operator token, for attaching bodies.
    let mut heredoc_owner: Vec<(usize, usize)> = Vec::new();

    fn start(
        segs: &mut Vec<Segment>,
        i: usize,
        tok: &Token,
        parent: Option<usize>,
        before: Option<Separator>,
        group: bool,
    ) -> usize {
        segs.push(Segment {
            range: tok.range.clone(),
            extent_end: tok.range.end,
            tokens: i..i + 1,
            heredoc_bodies: Vec::new(),
            before,
            after: None,
            parent,
            group,
            reserved_word: false,
        });
        segs.len() - 1
    }
    fn extend(seg: &mut Segment, i: usize, tok: &Token) {
        seg.range.end = tok.range.end;
        seg.extent_end = seg.extent_end.max(tok.range.end);
        seg.tokens.end = i + 1;
    }

    for (i, tok) in tokens.iter().enumerate() {
        let sep_op = match &tok.kind {
            TokenKind::Newline => Some(ListOp::Newline),
            TokenKind::Op(op) => list_op(*op),
            _ => None,
        };
        if let Some(op) = sep_op {
            let sep = Separator {
                op,
                range: tok.range.clone(),
                token: i,
            };
            if let Some(c) = cur.take() {
                segs[c].after = Some(sep.clone());
            }
            paren_depth = 0;
            last_sep = Some(sep);
            continue;
        }
        match &tok.kind {
            TokenKind::Comment => {}
            TokenKind::HeredocBody(b) => {
                if let Some(&(_, s)) = heredoc_owner.iter().find(|(t, _)| *t == b.op_token) {
                    segs[s].heredoc_bodies.push(i);
                    segs[s].extent_end = segs[s].extent_end.max(tok.range.end);
                    let mut p = segs[s].parent;
                    while let Some(g) = p {
                        segs[g].extent_end = segs[g].extent_end.max(tok.range.end);
                        p = segs[g].parent;
                    }
                }
            }
            TokenKind::Op(Operator::LParen) if cur.is_none() => {
                let g = start(
                    &mut segs,
                    i,
                    tok,
                    stack.last().copied(),
                    last_sep.take(),
                    true,
                );
                stack.push(g);
            }
            TokenKind::Op(Operator::RParen) if paren_depth == 0 && !stack.is_empty() => {
                let g = stack.pop().unwrap_or_default();
                extend(&mut segs[g], i, tok);
                last_sep = None;
                cur = Some(g);
            }
            _ => {
                match &tok.kind {
                    TokenKind::Op(Operator::LParen) => paren_depth += 1,
                    TokenKind::Op(Operator::RParen) => paren_depth = paren_depth.saturating_sub(1),
                    _ => {}
                }
                let c = match cur {
                    Some(c) => {
                        extend(&mut segs[c], i, tok);
                        c
                    }
                    None => {
                        let c = start(
                            &mut segs,
                            i,
                            tok,
                            stack.last().copied(),
                            last_sep.take(),
                            false,
                        );
                        if let TokenKind::Word(w) = &tok.kind {
                            let first = &text[w.range.clone()];
                            segs[c].reserved_word =
                                !w.has_quotes() && RESERVED_WORDS.contains(&first);
                        }
                        cur = Some(c);
                        c
                    }
                };
                if matches!(tok.kind, TokenKind::Heredoc(_)) {
                    heredoc_owner.push((i, c));
                }
                // Propagate the end to enclosing groups.
                let mut p = segs[c].parent;
                while let Some(g) = p {
                    segs[g].extent_end = segs[g].extent_end.max(segs[c].extent_end);
                    p = segs[g].parent;
                }
            }
        }
    }
    segs
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<String> {
        let s = scan(text, '\\');
        s.words().map(|w| s.decode(w.range.clone())).collect()
    }

    fn raw_words(text: &str) -> Vec<&str> {
        let s = scan(text, '\\');
        s.words()
            .map(|w| &text[w.range.clone()])
            .collect::<Vec<_>>()
    }

    fn kinds(text: &str) -> Vec<String> {
        let s = scan(text, '\\');
        s.tokens()
            .iter()
            .map(|t| match &t.kind {
                TokenKind::Word(_) => format!("W({})", &text[t.range.clone()]),
                TokenKind::Op(_) => format!("O({})", &text[t.range.clone()]),
                TokenKind::Redirect(_) => format!("R({})", &text[t.range.clone()]),
                TokenKind::Heredoc(_) => format!("H({})", &text[t.range.clone()]),
                TokenKind::HeredocBody(_) => format!("B({})", &text[t.range.clone()]),
                TokenKind::Newline => "NL".to_string(),
                TokenKind::Comment => format!("C({})", &text[t.range.clone()]),
            })
            .collect()
    }

    fn apply(text: &str, r: &Removal) -> String {
        let mut out = String::new();
        let mut last = 0;
        for x in &r.ranges {
            out.push_str(&text[last..x.start]);
            last = x.end;
        }
        out.push_str(&text[last..]);
        out
    }

    fn splice(text: &str, sp: &Splice) -> String {
        format!(
            "{}{}{}",
            &text[..sp.range.start],
            sp.replacement,
            &text[sp.range.end..]
        )
    }

    #[test]
    fn simple_words_and_operators() {
        assert_eq!(
            kinds("apt-get update && apt-get install -y curl; echo ok | tee log || true &"),
            vec![
                "W(apt-get)",
                "W(update)",
                "O(&&)",
                "W(apt-get)",
                "W(install)",
                "W(-y)",
                "W(curl)",
                "O(;)",
                "W(echo)",
                "W(ok)",
                "O(|)",
                "W(tee)",
                "W(log)",
                "O(||)",
                "W(true)",
                "O(&)",
            ]
        );
    }

    #[test]
    fn redirections() {
        assert_eq!(
            kinds("make 2>&1 >>log <in >out 3>x &>all >&- cat<<<str"),
            vec![
                "W(make)", "R(2>&1)", "R(>>)", "W(log)", "R(<)", "W(in)", "R(>)", "W(out)",
                "R(3>)", "W(x)", "R(&>)", "W(all)", "R(>&-)", "W(cat)", "R(<<<)", "W(str)",
            ]
        );
        let s = scan("cmd 2>&1", '\\');
        match &s.tokens()[1].kind {
            TokenKind::Redirect(r) => {
                assert_eq!(r.fd, Some(2));
                assert_eq!(r.op, RedirectOp::DupOut);
                assert_eq!(r.dup_target.as_deref(), Some("1"));
            }
            k => panic!("{k:?}"),
        }
        // A number that is not followed by a redirection is a word.
        assert_eq!(kinds("sleep 10"), vec!["W(sleep)", "W(10)"]);
    }

    #[test]
    fn quoting_pieces() {
        let text = r#"a'b c'"d $e"$'f\'g'h\ i"#;
        let s = scan(text, '\\');
        let w: Vec<&Word> = s.words().collect();
        assert_eq!(w.len(), 1);
        let kinds: Vec<PieceKind> = w[0].pieces.iter().map(|p| p.kind).collect();
        assert_eq!(
            kinds,
            vec![
                PieceKind::Unquoted,
                PieceKind::SingleQuoted,
                PieceKind::DoubleQuoted,
                PieceKind::AnsiCQuoted,
                PieceKind::Unquoted,
            ]
        );
        assert_eq!(&text[w[0].pieces[1].content.clone()], "b c");
        assert_eq!(&text[w[0].pieces[2].content.clone()], "d $e");
        assert_eq!(&text[w[0].pieces[3].range.clone()], r"$'f\'g'");
        assert_eq!(s.decode(w[0].range.clone()), r"ab cd $ef\'gh i");
        assert!(w[0].has_quotes());
    }

    #[test]
    fn escaped_quotes_and_nested_quotes() {
        assert_eq!(
            words(r#"echo "a \"b\" c" 'x"y' "it's""#),
            vec!["echo", r#"a "b" c"#, r#"x"y"#, "it's"]
        );
        assert_eq!(words(r"echo don\'t \$HOME"), vec!["echo", "don't", "$HOME"]);
        // Backslash in double quotes only escapes $ ` " \ newline.
        assert_eq!(words(r#"echo "a\nb\\c\$d""#), vec!["echo", r"a\nb\c$d"]);
        // Single quotes inside double quotes are literal.
        let text = r#"sh -c "echo 'hi there'""#;
        assert_eq!(raw_words(text), vec!["sh", "-c", r#""echo 'hi there'""#]);
        let off = text.find("hi").unwrap();
        assert_eq!(quote_context_at(text, off), QuoteContext::DoubleQuoted);
    }

    #[test]
    fn continuations_and_comment_lines() {
        let text = "apt-get update \\\n    # install tools\n    && apt-get install -y \\\n\n      curl \\  \n      git";
        assert_eq!(
            kinds(text),
            vec![
                "W(apt-get)",
                "W(update)",
                "O(&&)",
                "W(apt-get)",
                "W(install)",
                "W(-y)",
                "W(curl)",
                "W(git)"
            ]
        );
        // A continuation inside a word joins it.
        let text = "echo pass\\\nword";
        assert_eq!(words(text), vec!["echo", "password"]);
        assert_eq!(raw_words(text), vec!["echo", "pass\\\nword"]);
        // Inside quotes too (BuildKit joins lines before the shell runs).
        assert_eq!(words("echo 'a \\\n  b'"), vec!["echo", "a   b"]);
        // CRLF.
        assert_eq!(words("echo a \\\r\n b"), vec!["echo", "a", "b"]);
        // An escaped backslash at end of line: the last one continues.
        assert_eq!(words("echo a\\\\\nb"), vec!["echo", "ab"]);
    }

    #[test]
    fn backtick_escape() {
        let text = "echo a `\n  # comment\n  b";
        let s = scan(text, '`');
        let w: Vec<String> = s.words().map(|w| s.decode(w.range.clone())).collect();
        assert_eq!(w, vec!["echo", "a", "b"]);
        // Backslash is then an ordinary shell escape.
        let s = scan("echo c:\\\\x", '`');
        let w: Vec<String> = s.words().map(|w| s.decode(w.range.clone())).collect();
        assert_eq!(w, vec!["echo", "c:\\x"]);
    }

    #[test]
    fn command_substitution_is_part_of_word() {
        assert_eq!(
            raw_words(r#"echo "$(cat /run/secrets/x | tr -d ')')" `date +%s` x$(( 1 + 2 ))y"#),
            vec![
                "echo",
                r#""$(cat /run/secrets/x | tr -d ')')""#,
                "`date +%s`",
                "x$(( 1 + 2 ))y"
            ]
        );
        let s = scan("a=$(echo $(id -u) ) && b", '\\');
        assert_eq!(s.segments().len(), 2);
        let kinds: Vec<ExpansionKind> = s.expansions().iter().map(|e| e.kind).collect();
        assert_eq!(
            kinds,
            vec![ExpansionKind::CommandSubst, ExpansionKind::CommandSubst]
        );
    }

    #[test]
    fn quote_context() {
        let text = r#"echo plain 'single' "double $(echo 'inner' x) y" $'ansi' `q 'r'`"#;
        let at = |needle: &str| quote_context_at(text, text.find(needle).unwrap());
        assert_eq!(at("plain"), QuoteContext::Unquoted);
        assert_eq!(at("single"), QuoteContext::SingleQuoted);
        assert_eq!(at("double"), QuoteContext::DoubleQuoted);
        assert_eq!(at("inner"), QuoteContext::SingleQuoted);
        assert_eq!(at("x)"), QuoteContext::Unquoted);
        assert_eq!(at("y\""), QuoteContext::DoubleQuoted);
        assert_eq!(at("ansi"), QuoteContext::AnsiCQuoted);
        assert_eq!(at("q "), QuoteContext::Unquoted);
        // On the quote character itself: outside.
        assert_eq!(at("'single"), QuoteContext::Unquoted);
        assert_eq!(quote_context_at(text, 10_000), QuoteContext::Unquoted);
        // Across a continuation.
        let text = "echo 'a \\\n b'";
        assert_eq!(
            quote_context_at(text, text.find('b').unwrap()),
            QuoteContext::SingleQuoted
        );
    }

    #[test]
    fn comments() {
        assert_eq!(
            kinds("echo a#b # rest && more\nnext"),
            vec!["W(echo)", "W(a#b)", "C(# rest && more)", "NL", "W(next)"]
        );
    }

    #[test]
    fn heredocs() {
        let text = "cat <<EOF > /root/.netrc && chmod 600 /root/.netrc\nmachine x login $U password p\nEOF\necho done";
        assert_eq!(
            kinds(text),
            vec![
                "W(cat)",
                "H(<<EOF)",
                "R(>)",
                "W(/root/.netrc)",
                "O(&&)",
                "W(chmod)",
                "W(600)",
                "W(/root/.netrc)",
                "NL",
                "B(machine x login $U password p\nEOF)",
                "NL",
                "W(echo)",
                "W(done)"
            ]
        );
        let s = scan(text, '\\');
        let body_off = text.find("machine").unwrap();
        assert_eq!(
            s.quote_context_at(body_off),
            QuoteContext::Heredoc { expanding: true }
        );
        assert_eq!(s.variable_refs().len(), 1);
        assert_eq!(s.variable_refs()[0].name, "U");

        let text = "cat <<-'END' | sh\n\techo $X\n\tEND\n";
        let s = scan(text, '\\');
        let op = s
            .tokens()
            .iter()
            .find_map(|t| match &t.kind {
                TokenKind::Heredoc(h) => Some(h.clone()),
                _ => None,
            })
            .unwrap();
        assert_eq!(op.delimiter, "END");
        assert!(op.quoted && op.strip_tabs);
        assert!(s.variable_refs().is_empty());
        assert_eq!(
            s.quote_context_at(text.find("echo").unwrap()),
            QuoteContext::Heredoc { expanding: false }
        );
        // Two heredocs on one line.
        let text = "cat <<A <<B\na\nA\nb\nB\nls";
        let k = kinds(text);
        assert_eq!(k[4], "B(a\nA)");
        assert_eq!(k[5], "B(b\nB)");
        assert_eq!(k.last().unwrap(), "W(ls)");
        // Unterminated heredoc runs to the end.
        let k = kinds("cat <<EOF\nabc");
        assert_eq!(k.last().unwrap(), "B(abc)");
    }

    #[test]
    fn segments_and_separators() {
        let text = "a 1 && b 2 || c; d | e\nf & g";
        let s = scan(text, '\\');
        let segs: Vec<&str> = s
            .segments()
            .iter()
            .map(|g| &text[g.range.clone()])
            .collect();
        assert_eq!(segs, vec!["a 1", "b 2", "c", "d", "e", "f", "g"]);
        let ops: Vec<Option<ListOp>> = s
            .segments()
            .iter()
            .map(|g| g.after.as_ref().map(|x| x.op))
            .collect();
        assert_eq!(
            ops,
            vec![
                Some(ListOp::AndIf),
                Some(ListOp::OrIf),
                Some(ListOp::Semi),
                Some(ListOp::Pipe),
                Some(ListOp::Newline),
                Some(ListOp::Amp),
                None
            ]
        );
        assert_eq!(s.segments()[1].before.as_ref().unwrap().op, ListOp::AndIf);
        assert_eq!(
            &text[s.segments()[1].before.as_ref().unwrap().range.clone()],
            "&&"
        );
        assert!(s.segments()[0].before.is_none());
    }

    #[test]
    fn removal_of_segments() {
        let cases: &[(&str, usize, &str)] = &[
            ("rm -f .netrc && make", 0, "make"),
            ("make && rm -f .netrc", 1, "make"),
            ("a && rm -f .netrc && b", 1, "a && b"),
            ("a; rm -f .netrc; b", 1, "a; b"),
            (
                "echo x > .netrc && \\\n    pip install . && \\\n    rm -f .netrc",
                2,
                "echo x > .netrc && \\\n    pip install .",
            ),
            (
                "echo x > .netrc && \\\n    rm -f .netrc && \\\n    pip install .",
                1,
                "echo x > .netrc && \\\n    pip install .",
            ),
            ("rm -f .netrc \\\n  # comment\n  && make", 0, "make"),
            // Segments: 0 = the group, 1 = `cd x`, 2 = `make`, 3 = `rm y`.
            ("(cd x && make) && rm y", 3, "(cd x && make)"),
            ("(cd x && make) && rm y", 2, "(cd x) && rm y"),
            ("(cd x && make) && rm y", 1, "(make) && rm y"),
            ("(cd x && make) && rm y", 0, "rm y"),
            ("a && (rm y) && b", 2, "a && b"),
            ("a | grep x", 1, "a"),
        ];
        for (text, idx, want) in cases {
            let s = scan(text, '\\');
            let r = s.removal(*idx).unwrap();
            assert!(!r.leaves_empty, "{text}");
            assert_eq!(&apply(text, &r), want, "{text} removing {idx}");
        }
        let s = scan("rm -f .netrc", '\\');
        let r = s.removal(0).unwrap();
        assert!(r.leaves_empty);
        assert_eq!(apply("rm -f .netrc", &r), "");

        // Heredoc bodies go with their segment.
        let text = "cat <<EOF > f && make\nbody\nEOF\necho hi";
        let s = scan(text, '\\');
        let r = s.removal(0).unwrap();
        assert_eq!(apply(text, &r), "make\necho hi");
        let text = "make\ncat <<EOF > f\nbody\nEOF\necho hi";
        let s = scan(text, '\\');
        let r = s.removal(1).unwrap();
        assert_eq!(apply(text, &r), "make\necho hi");

        // Reserved words are not removable.
        let s = scan("if true; then rm x; fi", '\\');
        assert!(s.segments()[1].reserved_word);
        assert!(s.removal(1).is_none());
    }

    #[test]
    fn variable_references() {
        let text = r#"echo $A ${B} ${C:-x} "$D ${E%.*}" '$F' \$G ${#H} $1 $@ ${I:-$J} $(echo $K)"#;
        let s = scan(text, '\\');
        let names: Vec<&str> = s.variable_refs().iter().map(|v| v.name.as_str()).collect();
        assert_eq!(
            names,
            vec!["A", "B", "C", "D", "E", "H", "1", "@", "I", "J", "K"]
        );
        let c = &s.variable_refs()[2];
        assert_eq!(&text[c.range.clone()], "${C:-x}");
        assert_eq!(&text[c.name_range.clone()], "C");
        assert_eq!(&text[c.modifier.clone().unwrap()], ":-x");
        assert!(c.braced);
        let a = &s.variable_refs()[0];
        assert_eq!(&text[a.range.clone()], "$A");
        assert!(!a.braced && a.modifier.is_none());
    }

    #[test]
    fn is_variable_reference_table() {
        let yes = [
            "$X",
            "${X}",
            "${X:-y}",
            "\"$X\"",
            "\"${X:-a b}\"",
            "${#X}",
            "$1",
            "${X%%.*}",
            " $TOKEN ",
            "${NPM_TOKEN:?missing}",
        ];
        let no = [
            "X", "$", "${", "${}", "$X$Y", "a$X", "${X}y", "'$X'", "$(cat x)", "`cat x`",
            "\"$X\"y", "${X:-y", "${1X}", "",
        ];
        for y in yes {
            assert!(is_variable_reference(y), "{y}");
        }
        for n in no {
            assert!(!is_variable_reference(n), "{n}");
        }
    }

    #[test]
    fn assignments() {
        let text = "NPM_TOKEN=abc FOO=\"a b\" npm publish BAR=1 && export A=1 B C='x' && env -i -u Z K=v cmd L=2";
        let s = scan(text, '\\');
        let got: Vec<(String, String, AssignmentKind)> = (0..s.segments().len())
            .flat_map(|i| s.assignment_prefixes(i))
            .map(|a| {
                (
                    a.name.clone(),
                    text[a.value_range.clone()].to_string(),
                    a.kind,
                )
            })
            .collect();
        assert_eq!(
            got,
            vec![
                ("NPM_TOKEN".into(), "abc".into(), AssignmentKind::Prefix),
                ("FOO".into(), "\"a b\"".into(), AssignmentKind::Prefix),
                ("A".into(), "1".into(), AssignmentKind::Export),
                ("C".into(), "'x'".into(), AssignmentKind::Export),
                ("K".into(), "v".into(), AssignmentKind::Env),
            ]
        );
        let a = &s.assignment_prefixes(0)[0];
        assert_eq!(&text[a.name_range.clone()], "NPM_TOKEN");
        // Not assignments.
        let s = scan("'A'=1 x; 1A=2 y; A[1]=3 z; =4", '\\');
        for i in 0..s.segments().len() {
            assert!(s.assignment_prefixes(i).is_empty(), "{i}");
        }
        // Bare assignment statement and empty value.
        let s = scan("A= B=2", '\\');
        let a = s.assignment_prefixes(0);
        assert_eq!(a.len(), 2);
        assert!(a[0].value_range.is_empty());
    }

    #[test]
    fn render_reference_table() {
        assert_eq!(
            render_reference(QuoteContext::Unquoted, "PW").unwrap(),
            "\"${PW}\""
        );
        assert_eq!(
            render_reference(QuoteContext::DoubleQuoted, "PW").unwrap(),
            "${PW}"
        );
        assert_eq!(
            render_reference(QuoteContext::SingleQuoted, "PW").unwrap(),
            "'\"${PW}\"'"
        );
        assert_eq!(
            render_reference(QuoteContext::AnsiCQuoted, "PW").unwrap(),
            "'\"${PW}\"$'"
        );
        assert_eq!(
            render_reference(QuoteContext::Heredoc { expanding: true }, "PW").unwrap(),
            "${PW}"
        );
        assert!(render_reference(QuoteContext::Heredoc { expanding: false }, "PW").is_none());
        assert!(render_reference(QuoteContext::Unquoted, "1PW").is_none());
        assert!(render_reference(QuoteContext::Unquoted, "P-W").is_none());
    }

    #[test]
    fn reference_splices() {
        let cases: &[(&str, &str, &str)] = &[
            (
                "curl -u user:secret x",
                "secret",
                "curl -u user:\"${PW}\" x",
            ),
            (
                "curl -u \"user:secret\" x",
                "secret",
                "curl -u \"user:${PW}\" x",
            ),
            (
                "curl -u 'user:secret' x",
                "secret",
                "curl -u 'user:'\"${PW}\" x",
            ),
            ("curl -u 'secret:x' x", "secret", "curl -u \"${PW}\"':x' x"),
            (
                "curl -u 'a:secret:b' x",
                "secret",
                "curl -u 'a:'\"${PW}\"':b' x",
            ),
            ("X='secret' y", "secret", "X=\"${PW}\" y"),
            ("echo $'a secret'", "secret", "echo $'a '\"${PW}\""),
            ("echo $'secret b'", "secret", "echo \"${PW}\"$' b'"),
            (
                "echo \"$(echo secret)\"",
                "secret",
                "echo \"$(echo \"${PW}\")\"",
            ),
            ("cat <<EOF\nsecret\nEOF", "secret", "cat <<EOF\n${PW}\nEOF"),
        ];
        for (text, lit, want) in cases {
            let s = scan(text, '\\');
            let a = text.find(lit).unwrap();
            let sp = s.reference_splice(a..a + lit.len(), "PW").unwrap();
            assert_eq!(&splice(text, &sp), want, "{text}");
            // The result must scan to the same number of words.
            let before = scan(text, '\\').words().count();
            let after_text = splice(text, &sp);
            assert_eq!(scan(&after_text, '\\').words().count(), before, "{want}");
        }
        // Crossing a quote boundary: refused.
        let text = "echo ab'cd'";
        let s = scan(text, '\\');
        assert!(s.reference_splice(1 + 5..5 + 4, "PW").is_none());
        // Covering whole quoted pieces in unquoted context: fine.
        let text = "echo ab'cd'";
        let sp = s.reference_splice(5..text.len(), "PW").unwrap();
        assert_eq!(splice(text, &sp), "echo \"${PW}\"");
        // Literal heredoc: refused.
        let text = "cat <<'EOF'\nsecret\nEOF";
        let s = scan(text, '\\');
        let a = text.find("secret").unwrap();
        assert!(s.reference_splice(a..a + 6, "PW").is_none());
    }

    #[test]
    fn decode_with_map_points_at_raw_bytes() {
        let text = "echo 'a b'\"c\\\"d\"";
        let s = scan(text, '\\');
        let w = s.words().nth(1).unwrap();
        let (val, map) = s.decode_with_map(w.range.clone());
        assert_eq!(val, "a bc\"d");
        for (i, &o) in map.iter().enumerate() {
            assert_eq!(text.as_bytes()[o], val.as_bytes()[i]);
        }
    }

    #[test]
    fn unicode_and_odd_input_does_not_panic() {
        for text in [
            "",
            "'",
            "\"",
            "$",
            "${",
            "$(",
            "`",
            "\\",
            "echo 'ü' \"é\" ✓",
            "a &&",
            "|| b",
            "((",
            "))",
            "<<",
            "<<'",
            "2>",
            "$'\\",
            "echo \"$(\"",
            "cat <<EOF",
            "x=$((1+",
        ] {
            let s = scan(text, '\\');
            for w in s.words() {
                let _ = &text[w.range.clone()];
                let _ = s.decode(w.range.clone());
            }
            for i in 0..s.segments().len() {
                let _ = s.removal(i);
                let _ = s.assignment_prefixes(i);
            }
            for o in 0..=text.len() {
                let _ = s.quote_context_at(o);
            }
        }
    }
}
