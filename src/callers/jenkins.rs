//! Jenkinsfiles: the shell text of `sh` steps (`sh '...'`, `sh "..."`,
//! `sh '''...'''`, `sh """..."""`, `sh(script: ...)`), inside `dir('x') {}`
//! blocks. In `"` strings Groovy substitutes `${...}` before the shell runs:
//! such a value is only taken as an environment variable when the pipeline
//! binds that name (`withCredentials`, `environment {}`).

use std::path::PathBuf;

use regex::Regex;

use super::embed::{Embedded, Host, Script};
use super::scan::{self, Ctx, Cwd, Env, Found};
use crate::syntax::Span;

/// One `sh` string: the literal's span (quotes included), and its script.
pub(crate) struct ShString {
    pub literal: Span,
    pub script: Script,
    /// `dir('...')` blocks around it, outermost first (`None`: not literal).
    pub dirs: Vec<Option<String>>,
}

/// Every `sh` string of a Jenkinsfile, in order.
pub(crate) fn sh_strings(src: &str) -> Vec<ShString> {
    let b = src.as_bytes();
    let mut out = Vec::new();
    let mut depth = 0usize;
    let mut dir_stack: Vec<(usize, Option<String>)> = Vec::new();
    let mut pending_dir: Option<Option<String>> = None;
    let mut last_ident = String::new();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if src[i..].starts_with("//") {
            i = src[i..].find('\n').map_or(b.len(), |n| i + n);
            continue;
        }
        if src[i..].starts_with("/*") {
            i = src[i + 2..].find("*/").map_or(b.len(), |n| i + 2 + n + 2);
            continue;
        }
        match c {
            b'\'' | b'"' => {
                let (end, literal) = string_literal(src, i);
                if last_ident == "sh" {
                    if let Some(script) = literal {
                        let dirs = dir_stack.iter().map(|(_, d)| d.clone()).collect();
                        out.push(ShString {
                            literal: Span::new(i, end),
                            script,
                            dirs,
                        });
                    }
                } else if last_ident == "dir" {
                    pending_dir = Some(
                        literal
                            .map(|s| s.embedded.text)
                            .filter(|t| !t.contains('$')),
                    );
                }
                last_ident.clear();
                i = end;
                continue;
            }
            b'{' => {
                last_ident.clear();
                depth += 1;
                if let Some(d) = pending_dir.take() {
                    dir_stack.push((depth, d));
                }
            }
            b'}' => {
                last_ident.clear();
                if dir_stack.last().is_some_and(|(d, _)| *d == depth) {
                    dir_stack.pop();
                }
                depth = depth.saturating_sub(1);
            }
            c if c.is_ascii_alphabetic() || c == b'_' => {
                let end = src[i..]
                    .find(|ch: char| !(ch.is_ascii_alphanumeric() || ch == '_'))
                    .map_or(b.len(), |n| i + n);
                let word = &src[i..end];
                // `sh(script: '...')` and `sh script: '...'` keep `sh` as the
                // word that matters; `returnStdout: true,` and the like do not.
                if !(last_ident == "sh" && word == "script") {
                    last_ident = word.to_owned();
                }
                i = end;
                continue;
            }
            b'(' | b':' | b' ' | b'\t' | b'\n' | b'\r' => {}
            _ => last_ident.clear(),
        }
        i += 1;
    }
    out
}

/// The string literal starting at `at`: its end, and its text for the shell
/// (`None` when an escape is one we do not read).
fn string_literal(src: &str, at: usize) -> (usize, Option<Script>) {
    let q = &src[at..at + 1];
    let triple = src[at..].starts_with(&q.repeat(3));
    let delim = if triple { q.repeat(3) } else { q.to_owned() };
    let interpolating = q == "\"";
    let mut e = Embedded::default();
    let mut interpolated = Vec::new();
    let mut ok = true;
    let mut i = at + delim.len();
    let b = src.as_bytes();
    while i < b.len() {
        if src[i..].starts_with(&delim) {
            let script = ok.then_some(Script {
                embedded: e,
                host: Host::Groovy { interpolating },
                host_interpolated: interpolated,
            });
            return (i + delim.len(), script);
        }
        let c = b[i];
        if c == b'\n' && !triple {
            break;
        }
        if c == b'\\' {
            let next = src[i + 1..].chars().next().unwrap_or(' ');
            let decoded = match next {
                '\\' => Some("\\"),
                '\'' => Some("'"),
                '"' => Some("\""),
                '$' => Some("$"),
                'n' => Some("\n"),
                't' => Some("\t"),
                '\n' if triple => Some(""),
                _ => None,
            };
            match decoded {
                Some(d) => e.push_mapped(d, Span::new(i, i + 1 + next.len_utf8())),
                None => ok = false,
            }
            i += 1 + next.len_utf8();
            continue;
        }
        if c == b'$' && interpolating {
            let start = e.text.len();
            let end = if src[i + 1..].starts_with('{') {
                let mut depth = 0;
                let mut j = i + 1;
                while j < b.len() {
                    match b[j] {
                        b'{' => depth += 1,
                        b'}' => {
                            depth -= 1;
                            if depth == 0 {
                                break;
                            }
                        }
                        _ => {}
                    }
                    j += 1;
                }
                (j + 1).min(b.len())
            } else {
                let n = src[i + 1..]
                    .find(|ch: char| !(ch.is_ascii_alphanumeric() || ch == '_' || ch == '.'))
                    .map_or(b.len(), |n| i + 1 + n);
                if n == i + 1 {
                    ok = false;
                }
                n
            };
            e.push_raw(&src[i..end], i);
            interpolated.push(Span::new(start, e.text.len()));
            i = end;
            continue;
        }
        let ch = src[i..].chars().next().unwrap_or(' ');
        e.push_raw(&src[i..i + ch.len_utf8()], i);
        i += ch.len_utf8();
    }
    (i.min(b.len()), None)
}

/// Names the pipeline puts in the environment: `withCredentials` variables
/// and `environment {}` entries.
pub(crate) fn environment_names(src: &str) -> Vec<String> {
    let mut names = Vec::new();
    let bound = Regex::new(r#"(?:variable|usernameVariable|passwordVariable|keyFileVariable|tokenVariable)\s*:\s*['"]([A-Za-z_][A-Za-z0-9_]*)['"]"#).expect("valid regex");
    names.extend(bound.captures_iter(src).map(|c| c[1].to_owned()));
    let block = Regex::new(r"\benvironment\s*\{").expect("valid regex");
    let entry = Regex::new(r"(?m)^\s*([A-Za-z_][A-Za-z0-9_]*)\s*=").expect("valid regex");
    for m in block.find_iter(src) {
        let mut depth = 0;
        let mut end = src.len();
        for (j, c) in src[m.end() - 1..].char_indices() {
            match c {
                '{' => depth += 1,
                '}' => {
                    depth -= 1;
                    if depth == 0 {
                        end = m.end() - 1 + j;
                        break;
                    }
                }
                _ => {}
            }
        }
        names.extend(
            entry
                .captures_iter(&src[m.end()..end])
                .map(|c| c[1].to_owned()),
        );
    }
    names
}

pub(crate) fn discover(ctx: &Ctx, out: &mut Found) -> Result<(), String> {
    let names = environment_names(ctx.src);
    let env = Env {
        groovy_env: Some(&names),
        ..Env::default()
    };
    let base = ctx.file.parent().map(PathBuf::from).unwrap_or_default();
    for s in sh_strings(ctx.src) {
        let mut cwd = Cwd::Known(base.clone());
        for d in &s.dirs {
            cwd = match d {
                Some(d) => cwd.join_dir(d),
                None => Cwd::Unknown(
                    "inside a `dir()` block whose directory is not literal".into(),
                    Vec::new(),
                ),
            };
        }
        scan::scan(ctx, &s.script, &mut cwd, &env, s.literal, out);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sh_steps() {
        let src = "pipeline { steps {\n  dir('app') {\n    sh '''docker build \\\\\n  --build-arg T=$T .'''\n  }\n  sh \"make X=${env.T}\"\n  sh(script: 'echo \\'hi\\'', returnStdout: true)\n  echo 'not sh'\n} }\n";
        let found = sh_strings(src);
        let texts: Vec<&str> = found
            .iter()
            .map(|s| s.script.embedded.text.as_str())
            .collect();
        assert_eq!(
            texts,
            [
                "docker build \\\n  --build-arg T=$T .",
                "make X=${env.T}",
                "echo 'hi'"
            ]
        );
        assert_eq!(found[0].dirs, [Some("app".to_owned())]);
        assert!(found[1].dirs.is_empty());
        assert_eq!(found[1].script.host_interpolated, [Span::new(7, 15)]);
    }

    #[test]
    fn bound_names() {
        let src = "withCredentials([string(credentialsId: 'npm', variable: 'NPM_TOKEN')]) {}\nenvironment {\n  GH = credentials('gh')\n}\n";
        assert_eq!(environment_names(src), ["NPM_TOKEN", "GH"]);
    }
}
