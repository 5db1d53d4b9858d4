//! The word splitters BuildKit's parser uses, returning ranges into the
//! logical line instead of copies.

use std::ops::Range;

/// BuildKit's `reWhitespace`: the separators of whitespace-delimited arguments.
pub(crate) fn is_separator(b: u8) -> bool {
    matches!(b, b'\t' | 0x0b | 0x0c | b'\r' | b' ')
}

/// ASCII white space, used where BuildKit tests single bytes for spaces.
pub(crate) fn is_ascii_space(b: u8) -> bool {
    matches!(b, b'\t' | b'\n' | 0x0b | 0x0c | b'\r' | b' ')
}

/// `strings.TrimSpace` (Unicode white space) on a range of `text`.
pub(crate) fn trim_space(text: &str, range: Range<usize>) -> Range<usize> {
    let bytes = text.as_bytes();
    let (mut start, mut end) = (range.start, range.end);
    while start < end && is_ascii_space(bytes[start]) {
        start += 1;
    }
    while end > start && is_ascii_space(bytes[end - 1]) {
        end -= 1;
    }
    // Unicode white space at either end is rare: only then the slow path.
    if start < end && (bytes[start] >= 0x80 || bytes[end - 1] >= 0x80) {
        let s = &text[start..end];
        let new_start = start + (s.len() - s.trim_start().len());
        end = start + s.trim_end().len();
        start = new_start.min(end);
    }
    start..end
}

/// Ranges of the pieces of `text[range]` between runs of separators
/// (`reWhitespace.Split`). An empty range gives no pieces.
pub(crate) fn split_whitespace(text: &str, range: Range<usize>) -> Vec<Range<usize>> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    if range.is_empty() {
        return out;
    }
    let mut start = range.start;
    let mut i = range.start;
    while i < range.end {
        if is_separator(bytes[i]) {
            out.push(start..i);
            while i < range.end && is_separator(bytes[i]) {
                i += 1;
            }
            start = i;
        } else {
            i += 1;
        }
    }
    out.push(start..range.end);
    out
}

/// BuildKit's `parseWords`: words separated by white space outside quotes.
/// Quotes and escapes stay in the words, so each word is a contiguous range;
/// an escape character at the very end is dropped.
pub(crate) fn parse_words(text: &str, range: Range<usize>, escape: char) -> Vec<Range<usize>> {
    #[derive(PartialEq)]
    enum Phase {
        Spaces,
        Word,
        Quote(char),
    }
    let mut words = Vec::new();
    let mut phase = Phase::Spaces;
    let mut blank_ok = false;
    let mut start = range.start;
    // End of the last character written into the current word; `None` while empty.
    let mut end: Option<usize> = None;
    let mut chars = text[range.clone()]
        .char_indices()
        .map(|(i, c)| (i + range.start, c))
        .peekable();
    let push = |words: &mut Vec<Range<usize>>, start: usize, end: Option<usize>, blank_ok: bool| {
        if blank_ok || end.is_some() {
            words.push(start..end.unwrap_or(start));
        }
    };
    while let Some((pos, ch)) = chars.next() {
        let after = pos + ch.len_utf8();
        let at_end = after == range.end;
        match phase {
            Phase::Spaces => {
                if ch.is_whitespace() {
                    continue;
                }
                phase = Phase::Word;
                start = pos;
                end = None;
                blank_ok = false;
            }
            Phase::Word | Phase::Quote(_) => {}
        }
        match phase {
            Phase::Spaces => unreachable!(),
            Phase::Word => {
                if ch.is_whitespace() {
                    phase = Phase::Spaces;
                    push(&mut words, start, end, blank_ok);
                    continue;
                }
                if ch == '\'' || ch == '"' {
                    phase = Phase::Quote(ch);
                    blank_ok = true;
                }
                if ch == escape {
                    if at_end {
                        continue;
                    }
                    let (next_pos, next) = chars.next().expect("not at end");
                    end = Some(next_pos + next.len_utf8());
                    continue;
                }
                end = Some(after);
            }
            Phase::Quote(quote) => {
                if ch == quote {
                    phase = Phase::Word;
                }
                if ch == escape && quote != '\'' {
                    if at_end {
                        phase = Phase::Word;
                        continue;
                    }
                    let (next_pos, next) = chars.next().expect("not at end");
                    end = Some(next_pos + next.len_utf8());
                    continue;
                }
                end = Some(after);
            }
        }
    }
    if phase != Phase::Spaces {
        push(&mut words, start, end, blank_ok);
    }
    words
}

/// Why the shell lexer gave up on a line.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct LexError;

/// Splits a line into shell words the way BuildKit's shell lexer does when
/// it looks for heredocs: white space outside quotes separates words; `\`
/// escapes the next character; `'...'` and `"..."` group; `${...}` is one
/// unit. Words are returned as raw ranges (quotes and escapes kept).
pub(crate) fn shell_words(text: &str) -> Result<Vec<Range<usize>>, LexError> {
    let bytes = text.as_bytes();
    let mut words = Vec::new();
    let mut i = 0;
    let mut start: Option<usize> = None;
    while i < bytes.len() {
        let b = bytes[i];
        if is_ascii_space(b) {
            if let Some(s) = start.take() {
                words.push(s..i);
            }
            i += 1;
            continue;
        }
        start.get_or_insert(i);
        match b {
            b'\\' => i = (i + 2).min(bytes.len()),
            b'\'' => {
                let close = memchr::memchr(b'\'', &bytes[i + 1..]).ok_or(LexError)?;
                i += close + 2;
            }
            b'"' => i = skip_double_quoted(bytes, i + 1)?,
            b'$' if bytes.get(i + 1) == Some(&b'{') => i = skip_braced(bytes, i + 2)?,
            _ => i += 1,
        }
    }
    if let Some(s) = start {
        words.push(s..bytes.len());
    }
    Ok(words)
}

/// From just after an opening `"`, the index just after the closing one.
fn skip_double_quoted(bytes: &[u8], i: usize) -> Result<usize, LexError> {
    skip_to(bytes, i, b'"', false)
}

/// From just after `${`, the index just after the matching `}`.
fn skip_braced(bytes: &[u8], i: usize) -> Result<usize, LexError> {
    skip_to(bytes, i, b'}', true)
}

/// Index just after `close`, skipping escapes, nested `"..."` and `${...}`,
/// and (where they count) `'...'`.
fn skip_to(bytes: &[u8], mut i: usize, close: u8, single_quotes: bool) -> Result<usize, LexError> {
    while i < bytes.len() {
        match bytes[i] {
            b if b == close => return Ok(i + 1),
            b'\\' => i += 2,
            b'\'' if single_quotes => {
                let end = memchr::memchr(b'\'', &bytes[i + 1..]).ok_or(LexError)?;
                i += end + 2;
            }
            b'"' => i = skip_double_quoted(bytes, i + 1)?,
            b'$' if bytes.get(i + 1) == Some(&b'{') => i = skip_braced(bytes, i + 2)?,
            _ => i += 1,
        }
    }
    Err(LexError)
}

/// The value of one shell word with quotes removed and escapes applied
/// (BuildKit's lexer without raw quotes/escapes). Unset variables stay as
/// written. Returns `None` when the text is more than one word.
pub(crate) fn unquote_word(word: &str) -> Result<Option<String>, LexError> {
    let bytes = word.as_bytes();
    let mut out = String::with_capacity(word.len());
    let mut i = 0;
    let mut seen_word = false;
    let mut ended = false;
    while i < bytes.len() {
        let b = bytes[i];
        if is_ascii_space(b) {
            if seen_word {
                ended = true;
            }
            i += 1;
            continue;
        }
        if ended {
            return Ok(None);
        }
        seen_word = true;
        match b {
            b'\\' => {
                if let Some(c) = word[i + 1..].chars().next() {
                    out.push(c);
                    i += 1 + c.len_utf8();
                } else {
                    i += 1;
                }
            }
            b'\'' => {
                let close = memchr::memchr(b'\'', &bytes[i + 1..]).ok_or(LexError)?;
                out.push_str(&word[i + 1..i + 1 + close]);
                i += close + 2;
            }
            b'"' => {
                i += 1;
                loop {
                    let Some(&c) = bytes.get(i) else {
                        return Err(LexError);
                    };
                    match c {
                        b'"' => {
                            i += 1;
                            break;
                        }
                        b'\\' if matches!(bytes.get(i + 1), Some(b'"' | b'$' | b'\\')) => {
                            out.push(bytes[i + 1] as char);
                            i += 2;
                        }
                        _ => {
                            let ch = word[i..].chars().next().expect("in bounds");
                            out.push(ch);
                            i += ch.len_utf8();
                        }
                    }
                }
            }
            _ => {
                let ch = word[i..].chars().next().expect("in bounds");
                out.push(ch);
                i += ch.len_utf8();
            }
        }
    }
    Ok(seen_word.then_some(out))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts<'a>(text: &'a str, ranges: &[Range<usize>]) -> Vec<&'a str> {
        ranges.iter().map(|r| &text[r.clone()]).collect()
    }

    #[test]
    fn parse_words_keeps_quotes_and_escapes() {
        let t = r#"a="b c" d\ e 'f g' "" "h\"i" x\"#;
        let w = parse_words(t, 0..t.len(), '\\');
        assert_eq!(
            texts(t, &w),
            [r#"a="b c""#, r"d\ e", "'f g'", r#""""#, r#""h\"i""#, "x"]
        );
        // Inside single quotes the escape character is an ordinary character.
        let t = r"'a\' b";
        assert_eq!(texts(t, &parse_words(t, 0..t.len(), '\\')), [r"'a\'", "b"]);
    }

    #[test]
    fn parse_words_backtick_escape() {
        let t = "a` b c";
        let w = parse_words(t, 0..t.len(), '`');
        assert_eq!(texts(t, &w), ["a` b", "c"]);
    }

    #[test]
    fn split_whitespace_matches_regex_split() {
        let t = "a \t b\u{a0}c";
        assert_eq!(
            texts(t, &split_whitespace(t, 0..t.len())),
            ["a", "b\u{a0}c"]
        );
        assert!(split_whitespace(t, 0..0).is_empty());
    }

    #[test]
    fn shell_words_group_quotes_and_braces() {
        let t = r#"RUN cat <<'one two' "a b" ${X:-c d} e\ f"#;
        let w = shell_words(t).unwrap();
        assert_eq!(
            texts(t, &w),
            [
                "RUN",
                "cat",
                "<<'one two'",
                r#""a b""#,
                "${X:-c d}",
                r"e\ f"
            ]
        );
        assert_eq!(shell_words("echo 'open"), Err(LexError));
        assert_eq!(shell_words("echo ${open"), Err(LexError));
    }

    #[test]
    fn unquote_word_like_the_lexer() {
        assert_eq!(unquote_word("eo'f'").unwrap().as_deref(), Some("eof"));
        assert_eq!(unquote_word(r"eo\'f").unwrap().as_deref(), Some("eo'f"));
        assert_eq!(
            unquote_word(r#""a\"b\x""#).unwrap().as_deref(),
            Some(r#"a"b\x"#)
        );
        assert_eq!(unquote_word("$EOF").unwrap().as_deref(), Some("$EOF"));
        assert_eq!(unquote_word("a b").unwrap(), None);
        assert_eq!(unquote_word("'a"), Err(LexError));
    }
}
