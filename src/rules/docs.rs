//! The documentation of each rule, as `dfix rule` prints it and SARIF
//! carries it: the `//!` comment of the rule's file, copied at build time
//! (`src/build.rs`), so that it is written in one place.

use std::fmt::Write as _;

use super::{Rule, ALL};

include!(concat!(env!("OUT_DIR"), "/rule_docs.rs"));

/// The four parts every rule's documentation has, in this order.
pub const PARTS: [&str; 4] = ["What it catches", "Why it matters", "Example", "Fix safety"];

/// The markdown documentation of `rule`, as written in its file.
pub fn markdown(rule: Rule) -> Option<&'static str> {
    RULE_DOCS
        .iter()
        .map(|(_, doc)| *doc)
        .find(|doc| header(doc).is_some_and(|(id, _)| id == rule.id()))
}

/// `DF001 `hardcoded-credential`.` → the id and the name.
fn header(doc: &str) -> Option<(&str, &str)> {
    let first = doc.lines().next()?;
    let (id, rest) = first.split_once(' ')?;
    let name = rest.trim_end_matches('.').trim_matches('`');
    (id.starts_with("DF") && id.len() == 5).then_some((id, name))
}

/// `[`crate::a::b`]` links become `` `b` ``; a link to a rule's module
/// becomes its id and name.
fn resolve_links(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut rest = line;
    while let Some(start) = rest.find("[`") {
        let Some(len) = rest[start..].find("`]") else {
            break;
        };
        let path = &rest[start + 2..start + len];
        let last = path.rsplit("::").next().unwrap_or(path);
        out.push_str(&rest[..start]);
        let rule = RULE_DOCS
            .iter()
            .find(|(module, _)| *module == last)
            .and_then(|(_, doc)| header(doc));
        match rule {
            Some((id, name)) => {
                let _ = write!(out, "{id} (`{name}`)");
            }
            None => {
                let _ = write!(out, "`{last}`");
            }
        }
        rest = &rest[start + len + 2..];
    }
    out.push_str(rest);
    out
}

/// Width of the text `dfix rule` prints, indentation included.
const WIDTH: usize = 78;

/// The documentation of `rule` for a terminal: the title, then each part
/// under its heading, paragraphs indented and filled to [`WIDTH`], examples
/// indented further and left as written.
pub fn render(rule: Rule, color: bool) -> String {
    let bold = |s: &str| {
        if color {
            console::Style::new().bold().apply_to(s).to_string()
        } else {
            s.to_owned()
        }
    };
    let mut out = format!(
        "{}\n",
        bold(&format!(
            "{} {}: {}",
            rule.id(),
            rule.name(),
            rule.summary()
        ))
    );
    let Some(doc) = markdown(rule) else {
        return out;
    };
    let mut in_code = false;
    let mut paragraph: Vec<String> = Vec::new();
    for line in doc.lines().skip(1) {
        if line.starts_with("```") {
            fill(&mut out, &mut paragraph);
            in_code = !in_code;
            continue;
        }
        if in_code {
            let _ = writeln!(out, "      {line}");
            continue;
        }
        let line = resolve_links(line);
        match heading(&line) {
            Some((title, rest)) => {
                fill(&mut out, &mut paragraph);
                let _ = writeln!(out, "\n{}", bold(title));
                paragraph.extend(rest.split_whitespace().map(str::to_owned));
            }
            None if line.trim().is_empty() => fill(&mut out, &mut paragraph),
            None => paragraph.extend(line.split_whitespace().map(str::to_owned)),
        }
    }
    fill(&mut out, &mut paragraph);
    out
}

/// Writes the words of a paragraph as lines indented by two spaces and no
/// wider than [`WIDTH`] (a longer word stands alone). A code span (between
/// backticks) is never broken.
fn fill(out: &mut String, words: &mut Vec<String>) {
    let mut units: Vec<String> = Vec::new();
    let mut open = false;
    for word in words.drain(..) {
        match units.last_mut() {
            Some(last) if open => {
                last.push(' ');
                last.push_str(&word);
            }
            _ => units.push(word.clone()),
        }
        if word.matches('`').count() % 2 == 1 {
            open = !open;
        }
    }
    let mut line = String::new();
    for word in units {
        if !line.is_empty() && 2 + line.len() + 1 + word.chars().count() > WIDTH {
            let _ = writeln!(out, "  {line}");
            line.clear();
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(&word);
    }
    if !line.is_empty() {
        let _ = writeln!(out, "  {line}");
    }
}

/// `**Title:** rest` → the title and the rest.
fn heading(line: &str) -> Option<(&str, &str)> {
    let body = line.strip_prefix("**")?;
    let (title, rest) = body.split_once(":**")?;
    Some((title, rest.trim_start()))
}

/// One part of `rule`'s documentation as one plain line (for SARIF).
pub fn part(rule: Rule, title: &str) -> Option<String> {
    let doc = markdown(rule)?;
    let mut text = String::new();
    let mut inside = false;
    for line in doc.lines() {
        match heading(line) {
            Some((t, rest)) => {
                if inside {
                    break;
                }
                inside = t == title;
                if inside {
                    text.push_str(rest);
                }
            }
            None if inside => {
                text.push(' ');
                text.push_str(line.trim());
            }
            None => {}
        }
    }
    (!text.is_empty()).then(|| {
        resolve_links(
            text.split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
                .as_str(),
        )
    })
}

/// `dfix rule --all`: id, name and summary of every rule, one per line.
pub fn list() -> String {
    let width = ALL.iter().map(|r| r.name().len()).max().unwrap_or(0);
    ALL.iter()
        .map(|r| format!("{}  {:width$}  {}\n", r.id(), r.name(), r.summary()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rule_file_has_the_four_parts_in_order() {
        let mut documented = Vec::new();
        for (module, doc) in RULE_DOCS {
            // Helpers in src/rules/ that are not rules carry no `DFnnn` title.
            let Some((id, name)) = header(doc) else {
                continue;
            };
            let rule = Rule::from_code(id)
                .unwrap_or_else(|| panic!("src/rules/{module}.rs documents unknown rule {id}"));
            assert_eq!(name, rule.name(), "src/rules/{module}.rs: title");
            let mut at = 0;
            for part in PARTS {
                let marker = format!("\n**{part}:**");
                let found = doc[at..].find(&marker).unwrap_or_else(|| {
                    panic!("src/rules/{module}.rs: its doc comment lacks `**{part}:**` (or has it out of order)")
                });
                at += found + marker.len();
            }
            assert!(
                doc.contains("```dockerfile"),
                "src/rules/{module}.rs: no example"
            );
            documented.push(rule);
        }
        for rule in ALL {
            assert!(
                documented.contains(&rule),
                "{} has no documented file",
                rule.id()
            );
        }
    }

    #[test]
    fn rendering_resolves_links_and_keeps_examples() {
        let text = render(Rule::SecretBuildArg, false);
        assert!(text.starts_with("DF003 secret-build-arg: "));
        assert!(text.contains("\nWhat it catches\n"));
        assert!(text.contains("`is_secret_name`"), "{text}");
        assert!(!text.contains("[`"), "{text}");
        assert!(text.contains("      ARG NPM_TOKEN\n"), "{text}");
        let df001 = render(Rule::HardcodedCredential, false);
        let words: Vec<&str> = df001.split_whitespace().collect();
        assert!(
            words.join(" ").contains("see DF003 (`secret-build-arg`)"),
            "{df001}"
        );
        assert!(df001
            .lines()
            .all(|l| l.len() <= WIDTH || l.starts_with("      ")));
        assert!(part(Rule::SecretFileCopy, "Why it matters")
            .unwrap()
            .starts_with("`rm` in a later layer hides the file"));
    }
}
