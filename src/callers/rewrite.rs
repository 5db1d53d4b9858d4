//! Splicing into YAML caller files: removing entries, adding keys and items
//! at the indentation already used, and checking the result by re-parsing:
//! the edited file's tree must equal the old tree with exactly the intended
//! changes, or the edit is refused.

use super::yaml::{self, Node, Value};
use super::{Seg, YamlPath};
use crate::fix::Edit;
use crate::syntax::Span;

/// The node at `path` below `root`.
pub(crate) fn at<'n>(root: &'n Node, path: &[Seg]) -> Option<&'n Node> {
    let mut n = root;
    for seg in path {
        n = match seg {
            Seg::Key(k) => n.get(k)?,
            Seg::Index(i) => n.items().get(*i)?,
        };
    }
    Some(n)
}

/// The value at `path` below `root`.
pub(crate) fn value_at<'v>(root: &'v mut Value, path: &[Seg]) -> Option<&'v mut Value> {
    let mut v = root;
    for seg in path {
        v = match (seg, v) {
            (Seg::Key(k), v) => v.get_mut(k)?,
            (Seg::Index(i), Value::Seq(items)) => items.get_mut(*i)?,
            _ => return None,
        };
    }
    Some(v)
}

pub(crate) fn child(path: &[Seg], key: &str) -> YamlPath {
    let mut p = path.to_vec();
    p.push(Seg::Key(key.to_owned()));
    p
}

/// Removes the entries `indexes` of the block or flow collection `node`
/// (a mapping's entries or a sequence's items).
pub(crate) fn remove_entries(
    src: &str,
    node: &Node,
    indexes: &[usize],
) -> Result<Vec<Edit>, String> {
    let spans: Vec<Span> = if node.is_map() {
        node.entries()
            .iter()
            .map(|(k, v)| Span::new(k.span.start, v.span.end.max(k.span.end)))
            .collect()
    } else {
        node.items().iter().map(|i| i.span).collect()
    };
    let mut edits = Vec::new();
    if node.is_flow() {
        for &i in indexes {
            let span = if i > 0 && !indexes.contains(&(i - 1)) {
                Span::new(spans[i - 1].end, spans[i].end)
            } else if i + 1 < spans.len() {
                Span::new(spans[i].start, spans[i + 1].start)
            } else if i > 0 {
                Span::new(spans[i - 1].end, spans[i].end)
            } else {
                spans[i]
            };
            edits.push(Edit::delete(span));
        }
        return Ok(edits);
    }
    for &i in indexes {
        edits.push(Edit::delete(whole_lines(src, spans[i], !node.is_map())?));
    }
    Ok(edits)
}

/// The full lines holding `span` (indentation, a sequence's `- `, a trailing
/// comment and the line break included), refusing when anything else shares
/// those lines.
pub(crate) fn whole_lines(src: &str, span: Span, dash: bool) -> Result<Span, String> {
    let start = yaml::line_start(src, span.start);
    let before = src[start..span.start].trim_start_matches(' ');
    let before_ok = before.is_empty() || dash && before.trim_end() == "-";
    let end = yaml::next_line(src, span.end);
    let after = src[span.end..end].trim();
    if !before_ok || !(after.is_empty() || after.starts_with('#')) {
        return Err(format!(
            "line {} holds more than the entry",
            yaml::line_of(src, span.start)
        ));
    }
    Ok(Span::new(start, end))
}

/// A key and its value, as whole lines.
pub(crate) fn key_lines(src: &str, key: &Node, value: &Node) -> Result<Span, String> {
    whole_lines(
        src,
        Span::new(key.span.start, value.span.end.max(key.span.end)),
        false,
    )
}

/// Where to add lines after `node`: the start of the line after its end.
pub(crate) fn after(src: &str, node: &Node) -> usize {
    yaml::next_line(src, node.span.end.max(node.span.start))
}

/// The indentation of a block mapping's keys (or a block sequence's dashes).
pub(crate) fn indent_of(src: &str, node: &Node) -> String {
    let at = match (node.entries().first(), node.items().first()) {
        (Some((k, _)), _) => k.span.start,
        (_, Some(i)) => {
            let ls = yaml::line_start(src, i.span.start);
            ls + src[ls..].len() - src[ls..].trim_start_matches(' ').len()
        }
        _ => node.span.start,
    };
    " ".repeat(yaml::column(src, at))
}

/// The file's indentation step: the first nested key's column (2 if none).
pub(crate) fn unit(src: &str, root: &Node) -> String {
    let step = root
        .entries()
        .iter()
        .find_map(|(_, v)| {
            v.entries()
                .first()
                .map(|(k, _)| yaml::column(src, k.span.start))
        })
        .filter(|&n| n > 0)
        .unwrap_or(2);
    " ".repeat(step)
}

/// Text to insert at `at`: preceded by a line break when `at` is the end of
/// a file without a final one.
pub(crate) fn at_line_start(src: &str, at: usize, text: String) -> Edit {
    if at == src.len() && !src.is_empty() && !src.ends_with('\n') {
        Edit::insert(at, format!("{}{text}", yaml::newline(src)))
    } else {
        Edit::insert(at, text)
    }
}

/// Applies `edits` and checks that the result parses to `expected`
/// (mappings compared without regard to order).
pub(crate) fn apply_checked(src: &str, edits: &[Edit], expected: &Value) -> Result<String, String> {
    let new = crate::fix::apply(src, edits).map_err(|e| e.to_string())?;
    let parsed = yaml::parse(&new).map_err(|e| format!("the edited file does not parse: {e}"))?;
    if normal(&parsed.value()) != normal(expected) {
        return Err("the edited file does not mean what was intended".into());
    }
    Ok(new)
}

fn normal(v: &Value) -> Value {
    match v {
        Value::Map(entries) => {
            let mut e: Vec<(Value, Value)> = entries
                .iter()
                .map(|(k, v)| (normal(k), normal(v)))
                .collect();
            e.sort_by_key(|(k, _)| format!("{k:?}"));
            Value::Map(e)
        }
        Value::Seq(items) => Value::Seq(items.iter().map(normal).collect()),
        v => v.clone(),
    }
}

/// Removes the mapping key `key` (or the sequence items at `indexes`) from
/// the value at `path`.
pub(crate) fn value_remove(root: &mut Value, path: &[Seg], keys: &[String], indexes: &[usize]) {
    match value_at(root, path) {
        Some(Value::Map(entries)) => {
            entries.retain(|(k, _)| !matches!(k, Value::Scalar(s, _) if keys.contains(s)))
        }
        Some(Value::Seq(items)) => {
            let mut i = 0;
            items.retain(|_| {
                i += 1;
                !indexes.contains(&(i - 1))
            })
        }
        _ => {}
    }
}

/// Sets `key` of the mapping at `path` (added at the end when missing).
pub(crate) fn value_set(root: &mut Value, path: &[Seg], key: &str, value: Value) {
    if let Some(Value::Map(entries)) = value_at(root, path) {
        match entries
            .iter_mut()
            .find(|(k, _)| matches!(k, Value::Scalar(s, _) if s == key))
        {
            Some((_, v)) => *v = value,
            None => entries.push((Value::plain(key), value)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn block_and_flow_removals() {
        let src = "a:\n  - x # one\n  - y\nb: [x, y, z]\n";
        let root = yaml::parse(src).unwrap();
        let edits = remove_entries(src, root.get("a").unwrap(), &[0]).unwrap();
        assert_eq!(
            crate::fix::apply(src, &edits).unwrap(),
            "a:\n  - y\nb: [x, y, z]\n"
        );
        let edits = remove_entries(src, root.get("b").unwrap(), &[0, 2]).unwrap();
        assert_eq!(
            crate::fix::apply(src, &edits).unwrap(),
            "a:\n  - x # one\n  - y\nb: [y]\n"
        );
    }

    #[test]
    fn shared_lines_are_refused() {
        let src = "a: {x: 1}\n";
        let root = yaml::parse(src).unwrap();
        let (k, v) = &root.entries()[0];
        assert!(key_lines(src, k, v).is_ok());
        let v = root.get("a").unwrap();
        assert!(whole_lines(src, v.entries()[0].0.span, false).is_err());
    }
}
