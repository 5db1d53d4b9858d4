//! Fixes as data: an [`Edit`] replaces one byte range of the original text.
//! A file's edits are planned together (`migrate`), so they never overlap;
//! applying copies the untouched text between sorted edits, so bytes outside
//! an edit never change.

use std::borrow::Cow;

use serde::Serialize;

use crate::syntax::Span;

/// Replace `span` of the original text by `content` (empty content deletes;
/// an empty span inserts).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Edit {
    pub span: Span,
    /// The new text (borrowed when it is a constant, as mounts and the
    /// sourcing command are: a file with thousands of them keeps one copy).
    pub content: Cow<'static, str>,
}

impl Edit {
    pub fn replace(span: Span, content: impl Into<Cow<'static, str>>) -> Self {
        Edit {
            span,
            content: content.into(),
        }
    }

    pub fn delete(span: Span) -> Self {
        Edit::replace(span, "")
    }

    pub fn insert(at: usize, content: impl Into<Cow<'static, str>>) -> Self {
        Edit::replace(Span::new(at, at), content)
    }
}

/// Two edits touch the same bytes.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("edits overlap at byte {at}")]
pub struct OverlapError {
    pub at: usize,
}

/// Applies `edits` (in any order) to `source`. Edits must not overlap; two
/// insertions at the same offset are applied in the order given.
pub fn apply(source: &str, edits: &[Edit]) -> Result<String, OverlapError> {
    let mut sorted: Vec<&Edit> = edits.iter().collect();
    sorted.sort_by_key(|e| (e.span.start, e.span.end));
    let grows: usize = sorted.iter().map(|e| e.content.len()).sum();
    let mut out = String::with_capacity(source.len() + grows);
    let mut at = 0;
    for edit in sorted {
        if edit.span.start < at || edit.span.end > source.len() || edit.span.start > edit.span.end {
            return Err(OverlapError {
                at: edit.span.start,
            });
        }
        out.push_str(&source[at..edit.span.start]);
        out.push_str(&edit.content);
        at = edit.span.end;
    }
    out.push_str(&source[at..]);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splices_and_keeps_the_rest() {
        let src = "RUN a && b\n";
        let edits = [
            Edit::replace(Span::new(4, 5), "x"),
            Edit::insert(3, " --mount=type=secret,id=env"),
            Edit::delete(Span::new(5, 10)),
        ];
        assert_eq!(
            apply(src, &edits).unwrap(),
            "RUN --mount=type=secret,id=env x\n"
        );
        assert_eq!(apply(src, &[]).unwrap(), src);
    }

    #[test]
    fn overlapping_edits_are_refused() {
        let edits = [Edit::delete(Span::new(0, 5)), Edit::delete(Span::new(3, 6))];
        assert_eq!(apply("0123456789", &edits), Err(OverlapError { at: 3 }));
    }
}
