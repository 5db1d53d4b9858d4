//! `--format sarif`: SARIF 2.1.0, as GitHub code scanning accepts it.

use serde_json::{json, Value};

use super::json::FileJson;
use crate::rules::{self, docs};

fn rule_descriptors() -> Vec<Value> {
    rules::ALL
        .iter()
        .map(|&r| {
            let what = docs::part(r, docs::PARTS[0]).unwrap_or_else(|| r.summary().to_owned());
            json!({
                "id": r.id(),
                "name": r.name(),
                "shortDescription": { "text": r.summary() },
                "fullDescription": { "text": what },
                "help": {
                    "text": docs::render(r, false),
                    "markdown": docs::markdown(r).unwrap_or(r.summary())
                },
                "defaultConfiguration": { "level": "error" },
                "properties": { "tags": ["security", "secrets", "dockerfile"] }
            })
        })
        .collect()
}

/// A path as a relative URI reference (RFC 3986) with forward slashes:
/// every byte but the unreserved characters and `/` is percent-encoded
/// (UTF-8), so that `#`, `?`, `%`, blanks, line breaks, a `:` that would
/// read as a scheme, and non-ASCII names all survive.
fn uri(path: &str) -> String {
    let path = path.trim_start_matches("./").replace('\\', "/");
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The run as a SARIF log. Files that could not be read, and problems
/// planning a fix (a broken `.env`), become tool notifications (errors);
/// what could not be checked becomes notes; a file's findings are results
/// whatever else went wrong.
pub fn document(files: &[FileJson]) -> String {
    let ids: Vec<&str> = rules::ALL.iter().map(|r| r.id()).collect();
    let mut results = Vec::new();
    let mut notifications = Vec::new();
    // What could not be checked: notes, which do not fail the run.
    let mut notes = Vec::new();
    for f in files {
        if let Some(error) = &f.error {
            notifications.push(json!({
                "level": "error",
                "message": { "text": error },
                "locations": [{ "physicalLocation": { "artifactLocation": { "uri": uri(&f.path) } } }]
            }));
        }
        for note in &f.unchecked {
            notes.push(json!({
                "level": "note",
                "message": { "text": note.message },
                "locations": [{ "physicalLocation": {
                    "artifactLocation": { "uri": uri(&f.path) },
                    "region": { "startLine": note.line, "startColumn": note.column }
                } }]
            }));
        }
        for finding in &f.findings {
            let mut message = finding.message.clone();
            if let Some(reason) = &finding.reason {
                message.push_str(&format!(" (needs a person: {reason})"));
            }
            let mut result = json!({
                "ruleId": finding.rule,
                "ruleIndex": ids.iter().position(|id| *id == finding.rule).unwrap_or(0),
                "level": "error",
                "message": { "text": message },
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": { "uri": uri(&f.path), "uriBaseId": "%SRCROOT%" },
                        "region": { "startLine": finding.line, "startColumn": finding.column }
                    }
                }]
            });
            if let Some(env_use) = finding.env_use {
                // Who reads a secret environment variable: build, runtime, both.
                result["properties"] = json!({ "use": env_use });
            }
            if finding.suppressed {
                let mut suppression = json!({
                    "kind": if finding.in_source { "inSource" } else { "external" }
                });
                if let Some(why) = &finding.justification {
                    suppression["justification"] = json!(why);
                }
                result["suppressions"] = json!([suppression]);
            }
            results.push(result);
        }
    }
    let log = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "dfix",
                    "semanticVersion": env!("CARGO_PKG_VERSION"),
                    "rules": rule_descriptors()
                }
            },
            "invocations": [{
                "executionSuccessful": notifications.is_empty(),
                "toolExecutionNotifications": notifications.into_iter().chain(notes).collect::<Vec<_>>()
            }],
            "results": results
        }]
    });
    let mut out = serde_json::to_string_pretty(&log).expect("serializable");
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::uri;

    #[test]
    fn uris_are_percent_encoded() {
        for (path, want) in [
            ("./app/Dockerfile", "app/Dockerfile"),
            ("./app #1/Dockerfile", "app%20%231/Dockerfile"),
            ("100%/a?b", "100%25/a%3Fb"),
            ("c:d/x", "c%3Ad/x"),
            ("line\nbreak", "line%0Abreak"),
            ("caf\u{e9}/x~y", "caf%C3%A9/x~y"),
            ("a\\b", "a/b"),
        ] {
            assert_eq!(uri(path), want, "{path:?}");
        }
    }
}
