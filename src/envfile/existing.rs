//! Reading an existing `.env` file: dotenvy's view of it, mapped to line
//! numbers, plus a check of whether `sh` would read each line the same way.
//!
//! Values are parsed by dotenvy itself (never by a re-implementation), one
//! logical line at a time so that every definition and every error has a
//! line number. A logical line is the shortest run of physical lines that
//! dotenvy parses on its own; a value in quotes may span several lines.
//!
//! dotenvy and `sh` disagree on many constructs (see [`Concern`]). Since the
//! file is consumed by `sh` in the build (`. /run/secrets/<id>`), a line with
//! such a construct is never taken as proof that a key already holds a given
//! value, and it is reported as a warning: a shell syntax error on any line
//! stops `sh` from reading the lines after it.

use std::borrow::Cow;
use std::fmt;

/// A construct on an existing line that `sh` and dotenvy may read
/// differently.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Concern {
    /// `$` or a backtick outside single quotes: expanded when sourced (and
    /// substituted from dfix's own environment by dotenvy).
    Expansion,
    /// A backslash sequence that sh and dotenvy read differently (`\n`,
    /// escapes inside double quotes other than `\\`, `\"`, `\$`, or a
    /// trailing backslash, which sh reads as a line continuation).
    Escapes,
    /// An unquoted shell operator (`( ) ; & | < >`): sourcing may fail.
    ShellSyntax,
    /// An unquoted `~`, which sh may expand to a home directory.
    Tilde,
    /// sh would not read the line as an assignment (a name with `.`, blanks
    /// around `=`, or whitespace other than blanks around `export`).
    NotAnAssignment,
    /// `#` right after `=`: dotenvy reads an empty value, sh a value
    /// starting with `#`.
    HashAfterEquals,
    /// The line ends in a carriage return (CRLF file): sh keeps the CR as
    /// part of the value, dotenvy drops it.
    CarriageReturn,
    /// dotenvy trims trailing whitespace that sh keeps.
    TrailingWhitespace,
    /// sh and dotenvy split this text into lines differently.
    LineSplit,
    /// A run-time env file line that `docker run --env-file` and compose
    /// read differently (quotes, `$`, a comment, blanks, an odd name).
    RuntimeReaders,
    /// A run-time env file line without `=`: the value comes from the
    /// environment of whoever runs the container.
    Inherited,
}

impl fmt::Display for Concern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Concern::Expansion => "sh expands `$` or backticks on this line when sourcing",
            Concern::Escapes => "sh and dotenvy read its backslash escapes differently",
            Concern::ShellSyntax => {
                "it has unquoted shell operators, so sh may fail to source the file"
            }
            Concern::Tilde => "sh may expand its unquoted `~`",
            Concern::NotAnAssignment => "sh would not read it as a variable assignment",
            Concern::HashAfterEquals => {
                "dotenvy reads `#` right after `=` as a comment, sh does not"
            }
            Concern::CarriageReturn => "it ends in a carriage return, which sh keeps in the value",
            Concern::TrailingWhitespace => "dotenvy trims trailing whitespace that sh keeps",
            Concern::LineSplit => "sh and dotenvy split it into lines differently",
            Concern::RuntimeReaders => "docker run --env-file and compose read it differently",
            Concern::Inherited => {
                "it has no `=`, so its value comes from the environment of docker run"
            }
        })
    }
}

/// One `KEY=value` definition found in the existing file.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct Definition {
    pub key: String,
    /// The value as dotenvy reads it.
    pub value: String,
    /// 1-based number of the first physical line of the definition.
    pub line: usize,
    /// Whether the line starts with `export` (so sourcing exports it).
    pub exported: bool,
    /// Why sh might read this line differently from dotenvy, if it might.
    pub concern: Option<Concern>,
}

impl fmt::Debug for Definition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Definition")
            .field("key", &self.key)
            .field("value", &"<redacted>")
            .field("line", &self.line)
            .field("exported", &self.exported)
            .field("concern", &self.concern)
            .finish()
    }
}

/// Parses `text` the way dotenvy does and returns every definition in file
/// order, or the 1-based number of the first line dotenvy cannot parse.
///
/// A missing final newline is treated as present (dfix adds it before
/// appending); without it dotenvy 0.15 rejects a last line that ends in a
/// blank or a backslash.
pub(crate) fn parse_existing(text: &str) -> Result<Vec<Definition>, usize> {
    let text: Cow<'_, str> = if text.is_empty() || text.ends_with('\n') {
        Cow::Borrowed(text)
    } else {
        Cow::Owned(format!("{text}\n"))
    };
    let lines: Vec<(usize, usize)> = physical_lines(&text);
    let mut defs = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let start = lines[i].0;
        // Fast path: a logical line that is one physical line.
        let mut found = None;
        if let Some(items) = parse_chunk(&text[start..lines[i].1]) {
            found = Some((i, items));
        } else {
            // Is the logical line starting here valid at all? dotenvy reads
            // logical lines in order, so its first item answers that.
            match dotenvy::from_read_iter(text[start..].as_bytes()).next() {
                Some(Ok(_)) => {
                    for (j, &(_, end)) in lines.iter().enumerate().skip(i + 1) {
                        if let Some(items) = parse_chunk(&text[start..end]) {
                            found = Some((j, items));
                            break;
                        }
                    }
                }
                Some(Err(_)) | None => return Err(i + 1),
            }
        }
        let Some((j, items)) = found else {
            return Err(i + 1);
        };
        if let Some((key, value)) = items {
            let raw = &text[start..lines[j].1];
            let raw = raw.strip_suffix('\n').unwrap_or(raw);
            let (exported, concern) = scan_line(raw);
            defs.push(Definition {
                key,
                value,
                line: i + 1,
                exported,
                concern,
            });
        }
        i = j + 1;
    }
    Ok(defs)
}

/// Byte ranges of the physical lines of `text`, each with its `\n`.
fn physical_lines(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = 0;
    for piece in text.split_inclusive('\n') {
        out.push((start, start + piece.len()));
        start += piece.len();
    }
    out
}

/// Parses a run of whole lines with dotenvy. `Some(None)` for a comment or
/// blank run, `Some(Some(kv))` for exactly one definition, `None` when
/// dotenvy fails or the run holds more than one logical line.
fn parse_chunk(chunk: &str) -> Option<Option<(String, String)>> {
    let mut items = dotenvy::from_read_iter(chunk.as_bytes());
    let first = match items.next() {
        None => return Some(None),
        Some(Ok(kv)) => kv,
        Some(Err(_)) => return None,
    };
    match items.next() {
        None => Some(Some(first)),
        Some(_) => None,
    }
}

fn is_blank(c: char) -> bool {
    c == ' ' || c == '\t'
}

/// Looks at one logical line that dotenvy accepted as a definition and
/// tells whether it starts with `export`, and whether sh might read it
/// differently from dotenvy.
pub(crate) fn scan_line(raw: &str) -> (bool, Option<Concern>) {
    // dotenvy drops the CR of a CRLF line end; sh keeps it unless it is
    // inside a comment.
    let (line, had_cr) = match raw.strip_suffix('\r') {
        Some(rest) => (rest, true),
        None => (raw, false),
    };
    let mut rest = line.trim_start_matches(is_blank);
    if rest.starts_with(char::is_whitespace) {
        return (false, Some(Concern::NotAnAssignment));
    }
    let mut exported = false;
    if let Some(after) = rest.strip_prefix("export") {
        if after.starts_with(char::is_whitespace) {
            let trimmed = after.trim_start();
            let gap = &after[..after.len() - trimmed.len()];
            if !gap.chars().all(is_blank) {
                return (true, Some(Concern::NotAnAssignment));
            }
            exported = true;
            rest = trimmed;
        }
    }
    let key_len = rest
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '.'))
        .unwrap_or(rest.len());
    let (key, after_key) = rest.split_at(key_len);
    if key.contains('.') {
        return (exported, Some(Concern::NotAnAssignment));
    }
    let Some(value) = after_key.strip_prefix('=') else {
        return (exported, Some(Concern::NotAnAssignment));
    };
    if value.starts_with('#') {
        return (exported, Some(Concern::HashAfterEquals));
    }
    if value.starts_with(char::is_whitespace) {
        // Only `K=` followed by blanks and maybe a comment is read alike.
        let trimmed = value.trim_start_matches(is_blank);
        if !(trimmed.is_empty() || trimmed.starts_with('#')) {
            return (exported, Some(Concern::NotAnAssignment));
        }
        return (exported, after_blank(value, had_cr));
    }
    (exported, scan_value(value, had_cr))
}

/// Checks the tail of a line from its first unquoted blank on, which
/// dotenvy has already verified to be blanks and maybe a `#` comment.
fn after_blank(tail: &str, had_cr: bool) -> Option<Concern> {
    let rest = tail.trim_start_matches(is_blank);
    if rest.starts_with('#') {
        // A comment must not run over several lines.
        if rest.contains('\n') {
            return Some(Concern::LineSplit);
        }
        return None;
    }
    // Only blanks: with a CR at the end, sh reads the CR as a command word.
    if had_cr {
        return Some(Concern::CarriageReturn);
    }
    None
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Quote {
    None,
    Single,
    Double,
}

/// Scans the text after `=` as sh would, stopping at the first concern.
fn scan_value(value: &str, had_cr: bool) -> Option<Concern> {
    let mut quote = Quote::None;
    let mut chars = value.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        match quote {
            Quote::Single => match c {
                '\'' => quote = Quote::None,
                // dotenvy's line splitter skips the character after a
                // backslash even inside single quotes.
                '\\' if chars.peek().map(|&(_, n)| n) == Some('\'') => {
                    return Some(Concern::LineSplit)
                }
                _ => {}
            },
            Quote::Double => match c {
                '"' => quote = Quote::None,
                '\\' => match chars.next() {
                    Some((_, '\\' | '"' | '$')) => {}
                    _ => return Some(Concern::Escapes),
                },
                '$' | '`' => return Some(Concern::Expansion),
                _ => {}
            },
            Quote::None => match c {
                '\'' => quote = Quote::Single,
                '"' => quote = Quote::Double,
                '\\' => match chars.next() {
                    Some((_, '\\' | '\'' | '"' | '$' | ' ')) => {}
                    _ => return Some(Concern::Escapes),
                },
                '$' | '`' => return Some(Concern::Expansion),
                '(' | ')' | ';' | '&' | '|' | '<' | '>' => return Some(Concern::ShellSyntax),
                '~' => return Some(Concern::Tilde),
                '\n' => return Some(Concern::LineSplit),
                ' ' | '\t' => {
                    // dotenvy only accepts blanks and a `#` comment after
                    // this; sh reads the same as a comment.
                    return after_blank(&value[at..], had_cr);
                }
                _ => {}
            },
        }
    }
    if quote != Quote::None {
        return Some(Concern::LineSplit);
    }
    if value.ends_with(|c: char| c.is_whitespace()) {
        return Some(Concern::TrailingWhitespace);
    }
    if had_cr {
        return Some(Concern::CarriageReturn);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn defs(text: &str) -> Vec<(String, String, usize, bool, Option<Concern>)> {
        parse_existing(text)
            .unwrap()
            .into_iter()
            .map(|d| (d.key, d.value, d.line, d.exported, d.concern))
            .collect()
    }

    fn one(
        key: &str,
        value: &str,
        line: usize,
        exported: bool,
        concern: Option<Concern>,
    ) -> (String, String, usize, bool, Option<Concern>) {
        (key.into(), value.into(), line, exported, concern)
    }

    #[test]
    fn lines_and_multiline_values() {
        let text = "# c\n\nA=1\nexport B='x\ny\n'\n  C=\"q\"  # note\nexport D=\n";
        assert_eq!(
            defs(text),
            vec![
                one("A", "1", 3, false, None),
                one("B", "x\ny\n", 4, true, None),
                one("C", "q", 7, false, None),
                one("D", "", 8, true, None),
            ]
        );
    }

    #[test]
    fn missing_final_newline_is_tolerated() {
        // dotenvy alone rejects both of these at end of input.
        assert!(dotenvy::from_read_iter("K=a ".as_bytes())
            .next()
            .unwrap()
            .is_err());
        assert_eq!(defs("K=a "), vec![one("K", "a", 1, false, None)]);
        assert_eq!(
            defs("X=1\nK=a\\"),
            vec![
                one("X", "1", 1, false, None),
                one("K", "a", 2, false, Some(Concern::Escapes))
            ]
        );
    }

    #[test]
    fn error_lines() {
        assert_eq!(parse_existing("A=1\nnot a line\nB=2\n"), Err(2));
        assert_eq!(parse_existing("A=1\nB='open\nC=3\n"), Err(2));
        assert_eq!(parse_existing("A=1\n\nB=two words\n"), Err(3));
        assert_eq!(parse_existing("\u{feff}A=1\n"), Err(1));
        assert_eq!(parse_existing("A=\"\\t\"\n"), Err(1));
        // dotenvy 0.15: a `"` right after a substituted name stays open.
        assert_eq!(parse_existing("A=\"$HOME\"\n"), Err(1));
    }

    #[test]
    fn dotenvy_backslash_quirk_shows_as_error() {
        // A value ending in `\` inside single quotes swallows the rest of
        // the file in dotenvy 0.15; sh reads it fine.
        assert_eq!(parse_existing("A='x\\'\nB=1\n"), Err(1));
    }

    #[test]
    fn crlf() {
        assert_eq!(
            defs("A=1\r\nexport B='2' #\r\nC=3 # c\r\n"),
            vec![
                one("A", "1", 1, false, Some(Concern::CarriageReturn)),
                one("B", "2", 2, true, None),
                one("C", "3", 3, false, None),
            ]
        );
    }

    #[test]
    fn concerns() {
        let cases: &[(&str, Option<Concern>)] = &[
            ("K=plain", None),
            ("K='single $x `y` \\ \"'", None),
            ("K=\"dq \\\\ \\\" \\$\"", None),
            ("K=a\\ b", None),
            ("K=it\\'s", None),
            ("K='a'\\''b'", None),
            ("K=a#b", None),
            ("K=", None),
            ("K= # empty", None),
            ("export K=1 # c", None),
            ("K=$HOME", Some(Concern::Expansion)),
            // (dotenvy 0.15 rejects `"$HOME"`: a `"` right after a
            // substituted name does not close the quote.)
            ("K=\"${HOME}\"", Some(Concern::Expansion)),
            ("K=\"$HOME/x\"", Some(Concern::Expansion)),
            ("K=\"`id`\"", Some(Concern::Expansion)),
            ("K=a\\nb", Some(Concern::Escapes)),
            ("K=\"a\\nb\"", Some(Concern::Escapes)),
            ("K=\"a\\'b\"", Some(Concern::Escapes)),
            ("K=a(b)", Some(Concern::ShellSyntax)),
            ("K=a;b", Some(Concern::ShellSyntax)),
            ("K=~/x", Some(Concern::Tilde)),
            ("K.X=1", Some(Concern::NotAnAssignment)),
            ("K =1", Some(Concern::NotAnAssignment)),
            ("K= 1", Some(Concern::NotAnAssignment)),
            ("export\u{3000}K=1", Some(Concern::NotAnAssignment)),
            ("K=#x", Some(Concern::HashAfterEquals)),
            ("K=a\u{3000}", Some(Concern::TrailingWhitespace)),
            ("K=a\\ ", Some(Concern::TrailingWhitespace)),
            ("K=1\r", Some(Concern::CarriageReturn)),
            ("K='1'\r", Some(Concern::CarriageReturn)),
            ("K=\r", Some(Concern::CarriageReturn)),
            ("K=1 \r", Some(Concern::CarriageReturn)),
            ("K= \r", Some(Concern::CarriageReturn)),
            ("K=1 #c\r", None),
        ];
        for (line, want) in cases {
            let parsed = parse_existing(&format!("{line}\n"));
            assert!(parsed.is_ok(), "dotenvy should accept {line:?}");
            assert_eq!(scan_line(line).1, *want, "{line:?}");
        }
    }

    #[test]
    fn export_detection() {
        assert!(scan_line("export K=1").0);
        assert!(scan_line("export\tK=1").0);
        assert!(!scan_line("K=1").0);
        assert!(!scan_line("export=1").0);
        assert!(!scan_line("exportK=1").0);
    }

    #[test]
    fn duplicates_are_all_reported() {
        assert_eq!(
            defs("K=a\nK=b\n"),
            vec![one("K", "a", 1, false, None), one("K", "b", 2, false, None)]
        );
    }
}
