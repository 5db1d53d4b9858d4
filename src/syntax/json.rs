//! The exec (JSON array) form, decided as BuildKit decides it: the arguments
//! must start with `[` and be valid JSON; a valid array holding anything but
//! strings is an error, and anything that is not valid JSON falls back to the
//! shell form.

use std::ops::Range;

/// Outcome of reading arguments as JSON.
pub(crate) enum JsonArgs {
    /// Not a JSON array: use the shell form.
    NotJson,
    /// A JSON array that holds something other than strings: an error.
    NotStrings,
    /// Each element: the range of its string literal (with quotes) and its value.
    Strings(Vec<(Range<usize>, String)>),
}

pub(crate) fn parse_json_args(text: &str, range: Range<usize>) -> JsonArgs {
    let slice = &text[range.clone()];
    let trimmed = slice.trim_start();
    if !trimmed.starts_with('[') {
        return JsonArgs::NotJson;
    }
    let Ok(serde_json::Value::Array(items)) = serde_json::from_str::<serde_json::Value>(trimmed)
    else {
        return JsonArgs::NotJson;
    };
    let mut values = Vec::with_capacity(items.len());
    for item in items {
        match item {
            serde_json::Value::String(s) => values.push(s),
            _ => return JsonArgs::NotStrings,
        }
    }
    let base = range.start + (slice.len() - trimmed.len());
    let literals = string_literal_ranges(trimmed);
    debug_assert_eq!(literals.len(), values.len());
    JsonArgs::Strings(
        literals
            .into_iter()
            .map(|r| r.start + base..r.end + base)
            .zip(values)
            .collect(),
    )
}

/// Ranges of the top-level string literals of a JSON array already known to be
/// valid and to hold only strings.
fn string_literal_ranges(json: &str) -> Vec<Range<usize>> {
    let bytes = json.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'"' {
            let start = i;
            i += 1;
            while bytes[i] != b'"' {
                i += if bytes[i] == b'\\' { 2 } else { 1 };
            }
            i += 1;
            out.push(start..i);
        } else {
            i += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(t: &str) -> Option<Vec<(&str, String)>> {
        match parse_json_args(t, 0..t.len()) {
            JsonArgs::Strings(v) => Some(v.into_iter().map(|(r, s)| (&t[r], s)).collect()),
            _ => None,
        }
    }

    #[test]
    fn exec_form_with_ranges() {
        let got = strings(r#" [ "a\"b", "c" ] "#).unwrap();
        assert_eq!(got, [(r#""a\"b""#, "a\"b".into()), (r#""c""#, "c".into())]);
        assert_eq!(strings("[]").unwrap(), []);
    }

    #[test]
    fn invalid_json_falls_back_and_non_strings_are_errors() {
        assert!(matches!(parse_json_args("['a']", 0..5), JsonArgs::NotJson));
        assert!(matches!(parse_json_args("[\"a\"", 0..4), JsonArgs::NotJson));
        assert!(matches!(parse_json_args("echo [", 0..6), JsonArgs::NotJson));
        let t = r#"["a", ["b"]]"#;
        assert!(matches!(
            parse_json_args(t, 0..t.len()),
            JsonArgs::NotStrings
        ));
    }
}
