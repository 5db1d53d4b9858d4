//! Shell text embedded in another file (a YAML scalar, a Groovy string, a
//! Makefile recipe, or a whole script): the text the shell sees, where each
//! byte of it lives in the host file, and how replacement text must be
//! written there.

use super::yaml::Style;
use crate::syntax::Span;

/// Text as the shell (or make) reads it, with the host-file byte range of
/// each of its bytes. Bytes that decode from an escape or a fold map to the
/// whole escape or fold.
#[derive(Clone, Debug, Default)]
pub(crate) struct Embedded {
    pub text: String,
    map: Vec<Span>,
}

impl Embedded {
    /// Text that is its own bytes in the host file, starting at `at`.
    pub fn identity(text: &str, at: usize) -> Embedded {
        let mut e = Embedded::default();
        e.push_raw(text, at);
        e
    }

    /// Text whose place in the host is not known: read, never edited.
    pub fn unmapped(text: &str) -> Embedded {
        Embedded {
            text: text.to_owned(),
            map: Vec::new(),
        }
    }

    pub fn push_raw(&mut self, text: &str, at: usize) {
        self.text.push_str(text);
        self.map
            .extend((0..text.len()).map(|i| Span::new(at + i, at + i + 1)));
    }

    pub fn push_mapped(&mut self, text: &str, from: Span) {
        self.text.push_str(text);
        self.map.extend(std::iter::repeat_n(from, text.len()));
    }

    /// The host-file range of the text range `span`; `None` when it does not
    /// run forward through the host (never for the shapes we build).
    pub fn raw(&self, span: Span) -> Option<Span> {
        if span.start == span.end {
            let at = match self.map.get(span.start) {
                Some(s) => s.start,
                None => self.map.last()?.end,
            };
            return Some(Span::new(at, at));
        }
        let first = self.map.get(span.start)?;
        let last = self.map.get(span.end - 1)?;
        (first.start <= last.end).then(|| Span::new(first.start, last.end))
    }

    /// True when the bytes of `span` are written as themselves in the host
    /// (no escape, fold or continuation inside).
    pub fn verbatim(&self, span: Span) -> bool {
        (span.start..span.end).all(|i| self.map.get(i).is_some_and(|s| s.len() == 1))
            && self.raw(span).is_some_and(|r| r.len() == span.len())
    }
}

/// How replacement text is written where the script lives.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Host {
    /// A script file: text is written as it is.
    Raw,
    /// A Makefile recipe: `$` must be doubled.
    Make,
    /// A YAML scalar of this style.
    Yaml(Style),
    /// A Groovy string: `'...'`/`'''...'''` (single) or `"..."`/`"""..."""`
    /// (interpolating).
    Groovy { interpolating: bool },
}

impl Host {
    /// `text` (one line of shell) as it must be written in the host, or
    /// `None` when it cannot be written there safely.
    pub fn encode(self, text: &str) -> Option<String> {
        if text.contains(['\n', '\r']) {
            return None;
        }
        Some(match self {
            Host::Raw => text.to_owned(),
            Host::Make => text.replace('$', "$$"),
            Host::Yaml(style) => super::scalar::encode(style, text),
            Host::Groovy { interpolating } => {
                let mut s = text.replace('\\', "\\\\");
                if interpolating {
                    s = s.replace('$', "\\$").replace('"', "\\\"");
                } else {
                    s = s.replace('\'', "\\'");
                }
                s
            }
        })
    }
}

/// One piece of shell text in a caller file.
#[derive(Clone, Debug)]
pub(crate) struct Script {
    pub embedded: Embedded,
    pub host: Host,
    /// Byte ranges of the script text that the host substitutes before the
    /// shell runs (Groovy `${...}` in an interpolating string).
    pub host_interpolated: Vec<Span>,
}

impl Script {
    pub fn new(embedded: Embedded, host: Host) -> Script {
        Script {
            embedded,
            host,
            host_interpolated: Vec::new(),
        }
    }

    pub fn make(&self) -> bool {
        self.host == Host::Make
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_map_through_escapes() {
        let mut e = Embedded::identity("ab", 10);
        e.push_mapped("'", Span::new(12, 14));
        e.push_raw("c", 14);
        assert_eq!(e.text, "ab'c");
        assert_eq!(e.raw(Span::new(1, 4)), Some(Span::new(11, 15)));
        assert_eq!(e.raw(Span::new(4, 4)), Some(Span::new(15, 15)));
        assert!(e.verbatim(Span::new(0, 2)));
        assert!(!e.verbatim(Span::new(1, 3)));
    }

    #[test]
    fn hosts_escape_what_they_must() {
        assert_eq!(Host::Make.encode("a$b").unwrap(), "a$$b");
        assert_eq!(
            Host::Groovy {
                interpolating: true
            }
            .encode("'\"a\",$b'")
            .unwrap(),
            "'\\\"a\\\",\\$b'"
        );
        assert_eq!(
            Host::Groovy {
                interpolating: false
            }
            .encode("'x'")
            .unwrap(),
            "\\'x\\'"
        );
        assert_eq!(Host::Yaml(Style::Single).encode("'x'").unwrap(), "''x''");
        assert!(Host::Raw.encode("a\nb").is_none());
    }
}
