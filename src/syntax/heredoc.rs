//! Finding heredoc operators (`<<EOF`, `<<-EOF`, `3<<"EOF"`) on an
//! instruction line, by BuildKit's rules: split the whole line into shell
//! words; a word of the form `[digits]<<[-]rest` with a non-empty `rest`
//! free of `<` that reads as exactly one shell word is a heredoc.

use std::ops::Range;

use super::words::{shell_words, unquote_word};
use super::SyntaxErrorKind;

/// A heredoc operator found on a logical line.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Operator {
    pub name: String,
    pub fd: u32,
    pub chomp: bool,
    pub expand: bool,
    /// Range of the whole word in the logical line.
    pub word: Range<usize>,
}

/// The heredoc operators of a line, in order.
pub(crate) fn operators(line: &str) -> Result<Vec<Operator>, (SyntaxErrorKind, usize)> {
    static HEREDOC_OPERATOR: std::sync::LazyLock<memchr::memmem::Finder<'static>> =
        std::sync::LazyLock::new(|| memchr::memmem::Finder::new(b"<<"));
    if HEREDOC_OPERATOR.find(line.as_bytes()).is_none() {
        return Ok(Vec::new());
    }
    // BuildKit ignores a lexer error here: such a line has no heredocs.
    let Ok(words) = shell_words(line) else {
        return Ok(Vec::new());
    };
    let mut found = Vec::new();
    for word in words {
        let text = &line[word.clone()];
        let digits = text.bytes().take_while(u8::is_ascii_digit).count();
        let Some(after) = text[digits..].strip_prefix("<<") else {
            continue;
        };
        let (chomp, rest) = match after.strip_prefix('-') {
            Some(r) => (true, r),
            None => (false, after),
        };
        if rest.is_empty() || rest.contains('<') {
            continue;
        }
        let name = match unquote_word(rest) {
            Ok(Some(name)) => name,
            Ok(None) => continue,
            Err(_) => {
                return Err((
                    SyntaxErrorKind::InvalidHeredocWord(text.to_owned()),
                    word.start,
                ))
            }
        };
        let quotes = |s: &str| s.bytes().filter(|&b| b == b'\'' || b == b'"').count();
        let expand = quotes(&name) == quotes(rest);
        // Go parses the descriptor as an unsigned integer and ignores overflow.
        let fd = text[..digits].parse().unwrap_or(0);
        found.push(Operator {
            name,
            fd,
            chomp,
            expand,
            word,
        });
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(line: &str) -> Vec<(String, u32, bool, bool)> {
        operators(line)
            .unwrap()
            .into_iter()
            .map(|o| (o.name, o.fd, o.chomp, o.expand))
            .collect()
    }

    #[test]
    fn recognises_buildkit_heredoc_words() {
        assert_eq!(names("RUN <<EOF"), [("EOF".into(), 0, false, true)]);
        assert_eq!(names("RUN 3<<-EOF"), [("EOF".into(), 3, true, true)]);
        assert_eq!(names("RUN <<'EOF' bash"), [("EOF".into(), 0, false, false)]);
        assert_eq!(names("RUN <<eo'f'"), [("eof".into(), 0, false, false)]);
        assert_eq!(
            names("COPY <<A <<B /dest"),
            [("A".into(), 0, false, true), ("B".into(), 0, false, true)]
        );
        assert_eq!(
            names("RUN <<'one two'"),
            [("one two".into(), 0, false, false)]
        );
    }

    #[test]
    fn rejects_what_buildkit_rejects() {
        assert!(names("RUN \"<<NOHEREDOC\"").is_empty());
        assert!(names("RUN <<  EOF").is_empty());
        assert!(names("RUN echo <<<here").is_empty());
        assert!(names("RUN echo 'open <<EOF").is_empty());
        assert!(names("RUN echo a<<EOF").is_empty());
    }
}
