//! A YAML document as a tree of nodes with byte spans into the original
//! text, built from `saphyr-parser`'s events; and the plain value of a tree,
//! to compare a document's meaning before and after an edit.
//!
//! Nothing here renders YAML: edits are splices located through the spans.

use saphyr_parser::{Event, Parser, ScalarStyle};

use crate::syntax::Span;

/// How a scalar is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Style {
    Plain,
    Single,
    Double,
    Literal,
    Folded,
}

#[derive(Clone, Debug)]
pub(crate) enum Kind {
    Scalar {
        value: String,
        style: Style,
    },
    Seq {
        items: Vec<Node>,
        flow: bool,
    },
    Map {
        entries: Vec<(Node, Node)>,
        flow: bool,
    },
    /// `*a`, with the parser's id of the anchor.
    Alias(usize),
}

/// One node. `span` covers the node's text: a quoted scalar with its
/// quotes, a block scalar from its `|`/`>` to the end of its last content
/// line, a block collection from its first to the end of its last child, a
/// flow collection with its brackets. An empty value (`key:`) has an empty
/// span right after its key.
#[derive(Clone, Debug)]
pub(crate) struct Node {
    pub span: Span,
    /// Carries an anchor (`&a`): other places may alias it.
    pub anchored: bool,
    /// The parser's id of that anchor (0 for none).
    pub anchor: usize,
    pub kind: Kind,
}

/// The meaning of a tree, without positions or layout: what a re-parse must
/// give back (with exactly the intended changes) after an edit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Value {
    /// The text, and whether it was plain (`null` and `"null"` differ).
    Scalar(String, bool),
    Seq(Vec<Value>),
    Map(Vec<(Value, Value)>),
    Alias(usize),
}

impl Node {
    pub fn str(&self) -> Option<&str> {
        match &self.kind {
            Kind::Scalar { value, .. } => Some(value),
            _ => None,
        }
    }

    pub fn style(&self) -> Option<Style> {
        match &self.kind {
            Kind::Scalar { style, .. } => Some(*style),
            _ => None,
        }
    }

    /// An empty plain scalar, `~` or `null`: the value of `key:`.
    pub fn is_null(&self) -> bool {
        matches!(&self.kind, Kind::Scalar { value, style: Style::Plain }
            if value.is_empty() || value == "~" || value == "null" || value == "Null" || value == "NULL")
    }

    pub fn entries(&self) -> &[(Node, Node)] {
        match &self.kind {
            Kind::Map { entries, .. } => entries,
            _ => &[],
        }
    }

    pub fn items(&self) -> &[Node] {
        match &self.kind {
            Kind::Seq { items, .. } => items,
            _ => &[],
        }
    }

    pub fn is_map(&self) -> bool {
        matches!(self.kind, Kind::Map { .. })
    }

    pub fn is_seq(&self) -> bool {
        matches!(self.kind, Kind::Seq { .. })
    }

    pub fn is_flow(&self) -> bool {
        matches!(
            self.kind,
            Kind::Map { flow: true, .. } | Kind::Seq { flow: true, .. }
        )
    }

    /// The entry whose key is the plain text `key`.
    pub fn entry(&self, key: &str) -> Option<(usize, &Node, &Node)> {
        self.entries()
            .iter()
            .enumerate()
            .find(|(_, (k, _))| k.str() == Some(key))
            .map(|(i, (k, v))| (i, k, v))
    }

    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entry(key).map(|(_, _, v)| v)
    }

    /// A merge key (`<<`) or an alias among the entries: values may come
    /// from elsewhere, so this mapping is not edited.
    pub fn merges(&self) -> bool {
        self.entries()
            .iter()
            .any(|(k, v)| k.str() == Some("<<") || matches!(v.kind, Kind::Alias(_)))
    }

    /// Every anchored node below (and including) this one, by anchor id.
    pub fn anchors(&self) -> std::collections::HashMap<usize, &Node> {
        let mut out = std::collections::HashMap::new();
        let mut stack = vec![self];
        while let Some(n) = stack.pop() {
            if n.anchor != 0 {
                out.insert(n.anchor, n);
            }
            stack.extend(n.items());
            stack.extend(n.entries().iter().flat_map(|(k, v)| [k, v]));
        }
        out
    }

    /// The node an alias stands for (itself when it is no alias).
    pub fn resolve<'n>(&'n self, anchors: &std::collections::HashMap<usize, &'n Node>) -> &'n Node {
        match self.kind {
            Kind::Alias(id) => anchors.get(&id).copied().unwrap_or(self),
            _ => self,
        }
    }

    /// `key` of this mapping, or else of the mappings merged into it with
    /// `<<: *a` (aliases resolved).
    pub fn get_merged<'n>(
        &'n self,
        key: &str,
        anchors: &std::collections::HashMap<usize, &'n Node>,
    ) -> Option<&'n Node> {
        if let Some(v) = self.get(key) {
            return Some(v.resolve(anchors));
        }
        let merged = self.get("<<")?;
        let sources: Vec<&Node> = if merged.is_seq() {
            merged.items().iter().collect()
        } else {
            vec![merged]
        };
        sources
            .into_iter()
            .find_map(|m| m.resolve(anchors).get_merged(key, anchors))
    }

    pub fn value(&self) -> Value {
        match &self.kind {
            Kind::Scalar { value, style } => Value::Scalar(value.clone(), *style == Style::Plain),
            Kind::Seq { items, .. } => Value::Seq(items.iter().map(Node::value).collect()),
            Kind::Map { entries, .. } => Value::Map(
                entries
                    .iter()
                    .map(|(k, v)| (k.value(), v.value()))
                    .collect(),
            ),
            Kind::Alias(id) => Value::Alias(*id),
        }
    }
}

impl Value {
    pub fn plain(s: &str) -> Value {
        Value::Scalar(s.to_owned(), true)
    }

    pub fn get_mut(&mut self, key: &str) -> Option<&mut Value> {
        match self {
            Value::Map(entries) => entries
                .iter_mut()
                .find(|(k, _)| matches!(k, Value::Scalar(s, _) if s == key))
                .map(|(_, v)| v),
            _ => None,
        }
    }
}

/// Parses the first document of `src`. A stream with more than one document
/// is refused: no caller file we edit has several.
pub(crate) fn parse(src: &str) -> Result<Node, String> {
    let chars = CharIndex::new(src);
    let mut parser = Parser::new_from_str(src);
    let mut stack: Vec<Open> = Vec::new();
    let mut root: Option<Node> = None;
    let mut last_end = 0usize;
    let mut documents = 0;
    while let Some(event) = parser.next_event() {
        let (event, span) = event.map_err(|e| {
            let m = e.marker();
            format!("line {}, column {}: {}", m.line(), m.col() + 1, e.info())
        })?;
        let start = chars.byte(span.start.index());
        let end = chars.byte(span.end.index());
        let node = match event {
            Event::DocumentStart(_) => {
                documents += 1;
                if documents > 1 {
                    return Err("more than one YAML document".into());
                }
                continue;
            }
            Event::StreamStart | Event::StreamEnd | Event::DocumentEnd | Event::Nothing => continue,
            Event::Alias(id) => Node {
                span: Span::new(start, end),
                anchored: false,
                anchor: 0,
                kind: Kind::Alias(id),
            },
            Event::Scalar(value, style, anchor, _) => {
                let style = match style {
                    ScalarStyle::Plain => Style::Plain,
                    ScalarStyle::SingleQuoted => Style::Single,
                    ScalarStyle::DoubleQuoted => Style::Double,
                    ScalarStyle::Literal => Style::Literal,
                    ScalarStyle::Folded => Style::Folded,
                };
                let span = if matches!(style, Style::Literal | Style::Folded) {
                    block_scalar_span(src, last_end, start, end)
                } else {
                    Span::new(start, end)
                };
                Node {
                    span,
                    anchored: anchor != 0,
                    anchor,
                    kind: Kind::Scalar {
                        value: value.into_owned(),
                        style,
                    },
                }
            }
            Event::SequenceStart(anchor, _) | Event::MappingStart(anchor, _) => {
                let map = matches!(event, Event::MappingStart(..));
                // A flow collection's start event covers its bracket.
                let flow = matches!(src.as_bytes().get(end.wrapping_sub(1)), Some(b'[' | b'{'))
                    && end > start;
                stack.push(Open {
                    start,
                    anchor,
                    map,
                    flow,
                    children: Vec::new(),
                });
                last_end = end.max(last_end);
                continue;
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let open = stack.pop().ok_or("unbalanced YAML events")?;
                let close = if open.flow {
                    end
                } else {
                    open.children.last().map_or(open.start, |c| c.span.end)
                };
                let kind = if open.map {
                    let mut entries = Vec::new();
                    let mut it = open.children.into_iter();
                    while let (Some(k), Some(v)) = (it.next(), it.next()) {
                        entries.push((k, v));
                    }
                    Kind::Map {
                        entries,
                        flow: open.flow,
                    }
                } else {
                    Kind::Seq {
                        items: open.children,
                        flow: open.flow,
                    }
                };
                Node {
                    span: Span::new(open.start, close.max(open.start)),
                    anchored: open.anchor != 0,
                    anchor: open.anchor,
                    kind,
                }
            }
        };
        if node.span.end > node.span.start {
            last_end = node.span.end;
        } else {
            last_end = last_end.max(node.span.end);
        }
        match stack.last_mut() {
            Some(open) => open.children.push(node),
            None => root = Some(node),
        }
    }
    root.ok_or_else(|| "empty YAML document".into())
}

struct Open {
    start: usize,
    anchor: usize,
    map: bool,
    flow: bool,
    children: Vec<Node>,
}

/// The parser reports a block scalar from its first content character to
/// past the blank lines after it; the span we keep runs from the `|`/`>`
/// indicator (the first one after the previous token) to the end of the
/// last non-blank content line.
fn block_scalar_span(src: &str, previous_end: usize, start: usize, end: usize) -> Span {
    let indicator = src[previous_end.min(start)..start]
        .find(['|', '>'])
        .map_or(start, |i| previous_end.min(start) + i);
    let content = &src[start..end.max(start)];
    let trimmed = content.trim_end_matches([' ', '\t', '\r', '\n']);
    Span::new(indicator, start + trimmed.len())
}

/// Character index to byte offset (the parser counts characters).
struct CharIndex {
    offsets: Option<Vec<usize>>,
    len: usize,
}

impl CharIndex {
    fn new(src: &str) -> CharIndex {
        let offsets = (!src.is_ascii()).then(|| src.char_indices().map(|(i, _)| i).collect());
        CharIndex {
            offsets,
            len: src.len(),
        }
    }

    fn byte(&self, index: usize) -> usize {
        match &self.offsets {
            None => index.min(self.len),
            Some(offsets) => offsets.get(index).copied().unwrap_or(self.len),
        }
    }
}

/// Byte offset of the start of the line holding `at`.
pub(crate) fn line_start(src: &str, at: usize) -> usize {
    src[..at].rfind('\n').map_or(0, |i| i + 1)
}

/// Byte offset just past the `\n` ending the line holding `at` (or the end
/// of the text).
pub(crate) fn next_line(src: &str, at: usize) -> usize {
    src[at..].find('\n').map_or(src.len(), |i| at + i + 1)
}

/// Column (in bytes) of `at` within its line: a node's indentation.
pub(crate) fn column(src: &str, at: usize) -> usize {
    at - line_start(src, at)
}

/// The text's line break: `\r\n` when its first line ends so.
pub(crate) fn newline(src: &str) -> &'static str {
    match src.find('\n') {
        Some(i) if i > 0 && src.as_bytes()[i - 1] == b'\r' => "\r\n",
        _ => "\n",
    }
}

/// 1-based line number of a byte offset.
pub(crate) fn line_of(src: &str, at: usize) -> usize {
    src.as_bytes()[..at.min(src.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_cover_the_text_of_each_node() {
        let src = "a:\n  b: [x, 'y']\n  c: |\n    one\n    two\n\n  d: {k: v}\n  é: \"q\"\n";
        let root = parse(src).unwrap();
        let a = root.get("a").unwrap();
        let text = |n: &Node| n.span.text(src).to_owned();
        assert_eq!(text(a.get("b").unwrap()), "[x, 'y']");
        assert_eq!(text(a.get("c").unwrap()), "|\n    one\n    two");
        assert_eq!(text(a.get("d").unwrap()), "{k: v}");
        assert_eq!(text(a.get("é").unwrap()), "\"q\"");
        assert_eq!(text(a), &src[5..src.len() - 1]);
        assert!(a.get("b").unwrap().is_flow());
    }

    #[test]
    fn values_ignore_layout_but_not_quoting() {
        let one = parse("a: [1, 2]\nb: x\n").unwrap().value();
        let two = parse("a:\n  - 1\n  - 2\nb: 'x'\n").unwrap().value();
        let three = parse("a:\n  - 1\n  - 2\nb: x # c\n").unwrap().value();
        assert_ne!(one, two);
        assert_eq!(one, three);
    }

    #[test]
    fn empty_values_and_second_documents() {
        let root = parse("a:\nb: 1\n").unwrap();
        assert!(root.get("a").unwrap().is_null());
        assert!(parse("a: 1\n---\nb: 2\n").is_err());
    }
}
