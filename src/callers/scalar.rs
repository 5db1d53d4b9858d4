//! Where each character of a YAML scalar's value comes from in the file, so
//! that a command inside a `run:` or `script:` value can be edited in place;
//! and how replacement text is written in each scalar style.
//!
//! The decoding here is ours, so it is only trusted when it gives back
//! exactly the value the YAML parser read; otherwise the scalar is not edited.

use super::embed::Embedded;
use super::yaml::{Node, Style};
use crate::syntax::Span;

/// The value of `node` with, for every byte of it, the byte range of the file
/// it comes from; `None` for a shape we do not map (or when our reading
/// differs from the parser's).
pub(crate) fn embed(src: &str, node: &Node) -> Option<Embedded> {
    let (value, style) = (node.str()?, node.style()?);
    let mut out = Embedded::default();
    let span = node.span;
    match style {
        Style::Plain => flow_lines(src, span, &mut out, |_, piece, at, out| {
            out.push_raw(piece, at);
            Some(())
        })?,
        Style::Single => flow_lines(
            src,
            Span::new(span.start + 1, span.end - 1),
            &mut out,
            |_, piece, at, out| {
                let mut i = 0;
                while i < piece.len() {
                    if piece[i..].starts_with("''") {
                        out.push_mapped("'", Span::new(at + i, at + i + 2));
                        i += 2;
                    } else {
                        let c = piece[i..].chars().next()?;
                        out.push_raw(&piece[i..i + c.len_utf8()], at + i);
                        i += c.len_utf8();
                    }
                }
                Some(())
            },
        )?,
        Style::Double => double(src, span, &mut out)?,
        Style::Literal | Style::Folded => block(src, span, style == Style::Folded, &mut out)?,
    }
    (out.text == value).then_some(out)
}

/// Writes `text` (one line) for a scalar of `style`. The result is checked by
/// re-parsing the edited file.
pub(crate) fn encode(style: Style, text: &str) -> String {
    match style {
        Style::Plain | Style::Literal | Style::Folded => text.to_owned(),
        Style::Single => text.replace('\'', "''"),
        Style::Double => text.replace('\\', "\\\\").replace('"', "\\\""),
    }
}

/// Plain and single-quoted scalars: lines are trimmed and folded (one line
/// break becomes a space, each further one a newline). `piece` gets each
/// line's kept text and its offset.
fn flow_lines(
    src: &str,
    inner: Span,
    out: &mut Embedded,
    mut piece: impl FnMut(&str, &str, usize, &mut Embedded) -> Option<()>,
) -> Option<()> {
    let text = src.get(inner.start..inner.end)?;
    let lines: Vec<(usize, &str)> = split_lines(text, inner.start);
    let last = lines.len() - 1;
    let mut breaks = 0;
    let mut fold_from = None;
    for (n, (at, line)) in lines.iter().enumerate() {
        let line = line.strip_suffix('\r').unwrap_or(line);
        let lead = if n == 0 {
            0
        } else {
            line.len() - line.trim_start_matches([' ', '\t']).len()
        };
        let kept = &line[lead..];
        let kept = if n == last {
            kept
        } else {
            kept.trim_end_matches([' ', '\t'])
        };
        if n > 0 && kept.is_empty() && n != last {
            breaks += 1;
            continue;
        }
        if n > 0 {
            let from = fold_from.unwrap_or(*at);
            let region = Span::new(from, at + lead);
            if breaks == 0 {
                out.push_mapped(" ", region);
            } else {
                for _ in 0..breaks {
                    out.push_mapped("\n", region);
                }
            }
            breaks = 0;
        }
        piece(src, kept, at + lead, out)?;
        fold_from = Some(at + lead + kept.len());
    }
    Some(())
}

fn split_lines(text: &str, base: usize) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut at = 0;
    for line in text.split('\n') {
        out.push((base + at, line));
        at += line.len() + 1;
    }
    out
}

fn double(src: &str, span: Span, out: &mut Embedded) -> Option<()> {
    let inner = Span::new(span.start + 1, span.end - 1);
    // Escaped line breaks join lines without a space; handle the simple
    // shapes only (escapes within one line, plain folds between lines).
    flow_lines(src, inner, out, |_, piece, at, out| {
        let mut i = 0;
        while i < piece.len() {
            let rest = &piece[i..];
            if let Some(esc) = rest.strip_prefix('\\') {
                let c = esc.chars().next()?;
                let decoded = match c {
                    '\\' => "\\",
                    '"' => "\"",
                    '/' => "/",
                    ' ' => " ",
                    't' | '\t' => "\t",
                    'n' => "\n",
                    _ => return None,
                };
                out.push_mapped(decoded, Span::new(at + i, at + i + 1 + c.len_utf8()));
                i += 1 + c.len_utf8();
            } else {
                let c = rest.chars().next()?;
                out.push_raw(&rest[..c.len_utf8()], at + i);
                i += c.len_utf8();
            }
        }
        Some(())
    })
}

/// Literal (`|`) and folded (`>`) block scalars with clip, strip or keep
/// chomping.
fn block(src: &str, span: Span, folded: bool, out: &mut Embedded) -> Option<()> {
    let header_end = span.start + src[span.start..].find('\n')?;
    let header = src[span.start + 1..header_end].trim_end_matches('\r');
    let header = header.split('#').next()?.trim();
    let mut chomp = 'c';
    let mut explicit = None;
    for c in header.chars() {
        match c {
            '-' => chomp = 's',
            '+' => chomp = 'k',
            '1'..='9' => explicit = Some(c as usize - '0' as usize),
            _ => return None,
        }
    }
    if chomp == 'k' {
        return None;
    }
    let body_start = header_end + 1;
    let body = src.get(body_start..span.end)?;
    let lines = split_lines(body, body_start);
    let parent = super::yaml::column(src, super::yaml::line_start(src, span.start));
    let indent = match explicit {
        Some(n) => parent + n,
        None => lines
            .iter()
            .map(|(_, l)| l.strip_suffix('\r').unwrap_or(l))
            .find(|l| !l.trim().is_empty())
            .map(|l| l.len() - l.trim_start_matches(' ').len())?,
    };
    let mut previous_text = false;
    let mut pending_breaks: Vec<Span> = Vec::new();
    for (at, line) in lines {
        let line = line.strip_suffix('\r').unwrap_or(line);
        let eol = Span::new(at + line.len(), at + line.len() + 1);
        if line.trim_matches(' ').is_empty() {
            pending_breaks.push(Span::new(at, eol.end));
            continue;
        }
        if line.len() < indent || !line[..indent].bytes().all(|b| b == b' ') {
            return None;
        }
        let content = &line[indent..];
        let more = content.starts_with([' ', '\t']);
        if !out.text.is_empty() || !pending_breaks.is_empty() {
            let first_break = pending_breaks.first().copied();
            if folded && previous_text && !more && !pending_breaks.is_empty() {
                // The break after the previous line folds to a space, or
                // disappears before blank lines (which stay newlines).
                let breaks = &pending_breaks[1..];
                if breaks.is_empty() {
                    out.push_mapped(" ", first_break?);
                }
                for b in breaks {
                    out.push_mapped("\n", *b);
                }
            } else {
                for b in &pending_breaks {
                    out.push_mapped("\n", *b);
                }
            }
        }
        pending_breaks.clear();
        out.push_raw(content, at + indent);
        pending_breaks.push(eol);
        previous_text = !more;
    }
    if chomp == 'c' {
        if let Some(b) = pending_breaks.first() {
            out.push_mapped("\n", *b);
        }
    }
    Some(())
}

/// The break after the previous content line counts as the first of the
/// pending breaks; `block` pushes it right after each content line. Blank
/// lines before the first content line are newlines of their own.
#[cfg(test)]
mod tests {
    use super::*;
    use crate::callers::yaml;

    fn check(src: &str, key: &str) -> Embedded {
        let root = yaml::parse(src).unwrap();
        let node = root.get(key).unwrap();
        let e = embed(src, node).unwrap_or_else(|| panic!("not mapped: {src:?}"));
        assert_eq!(e.text, node.str().unwrap());
        e
    }

    #[test]
    fn styles_map_back_to_their_bytes() {
        let e = check("run: docker build --build-arg A=$B .\n", "run");
        assert_eq!(e.raw(Span::new(13, 24)), Some(Span::new(18, 29)));
        let e = check("run: 'it''s'\n", "run");
        assert_eq!(e.text, "it's");
        assert_eq!(e.raw(Span::new(2, 3)), Some(Span::new(8, 10)));
        check("run: \"a \\\"b\\\" c\"\n", "run");
        check(
            "run: |\n  docker build \\\n    --build-arg A .\n\n  echo\nx: 1\n",
            "run",
        );
        check("run: |-\n  one\n  two\n", "run");
        check("run: >\n  one\n  two\n\n  three\n    more\n  four\n", "run");
        check("run: plain\n  folded\n\n  twice\nx: 1\n", "run");
        check("run: |\r\n  one\r\n  two\r\n", "run");
    }

    #[test]
    fn unmapped_shapes_are_refused() {
        let src = "run: \"a\\x41\"\n";
        let root = yaml::parse(src).unwrap();
        assert!(embed(src, root.get("run").unwrap()).is_none());
    }
}
