//! skaffold: docker artifacts' `buildArgs` (a value of `{{.VAR}}` reads the
//! environment; no value passes the variable of the same name through).
//! Skaffold has `docker.secrets: [{id, env}]` (in its v4beta1 schema and
//! later), so a migrated arg moves there.

use std::path::Path;

use super::rewrite::{self, child};
use super::scan::{Ctx, Found};
use super::yaml::{self, Node, Value};
use super::{ArgSite, ArgValue, BuildArg, CallerKind, How, Invocation, SecretSource, Seg, Target};
use crate::fix::Edit;
use crate::syntax::Span;

/// True for `skaffold/v4beta1` and later.
fn has_secret_env(api: &str) -> bool {
    let Some(v) = api.strip_prefix("skaffold/v") else {
        return false;
    };
    let major: u32 = v
        .chars()
        .take_while(char::is_ascii_digit)
        .collect::<String>()
        .parse()
        .unwrap_or(0);
    let beta: u32 = v
        .split("beta")
        .nth(1)
        .and_then(|b| b.parse().ok())
        .unwrap_or(0);
    major > 4 || major == 4 && (beta >= 1 || !v.contains("beta") && !v.contains("alpha"))
}

pub(crate) fn discover(ctx: &Ctx, out: &mut Found) -> Result<(), String> {
    let root = yaml::parse(ctx.src)?;
    let api = root.get("apiVersion").and_then(Node::str).unwrap_or("");
    let base = ctx.file.parent().unwrap_or(Path::new("")).to_path_buf();
    let mut places: Vec<(Vec<Seg>, &Node)> = Vec::new();
    if let Some(b) = root.get("build") {
        places.push((vec![Seg::Key("build".into())], b));
    }
    for (i, p) in root
        .get("profiles")
        .map(Node::items)
        .unwrap_or_default()
        .iter()
        .enumerate()
    {
        if let Some(b) = p.get("build") {
            places.push((
                vec![
                    Seg::Key("profiles".into()),
                    Seg::Index(i),
                    Seg::Key("build".into()),
                ],
                b,
            ));
        }
    }
    for (path, build) in places {
        let no_buildkit = build
            .get("local")
            .and_then(|l| l.get("useBuildkit"))
            .and_then(Node::str)
            == Some("false");
        for (i, artifact) in build
            .get("artifacts")
            .map(Node::items)
            .unwrap_or_default()
            .iter()
            .enumerate()
        {
            let Some(docker) = artifact.get("docker") else {
                continue;
            };
            let context = artifact.get("context").and_then(Node::str).unwrap_or(".");
            let file = docker
                .get("dockerfile")
                .and_then(Node::str)
                .unwrap_or("Dockerfile");
            let joined = base.join(context).join(file);
            let dockerfile = match super::normalize(Path::new(""), &joined) {
                Some(p) if !joined.to_string_lossy().contains("{{") && !file.starts_with('/') => {
                    Target::Resolved { path: p }
                }
                _ => Target::Ambiguous {
                    reason: "the path is templated or leaves the repository".into(),
                    candidates: Vec::new(),
                },
            };
            let blocked = if !has_secret_env(api) {
                Some(format!("skaffold `{api}`: `docker.secrets` with `env` needs apiVersion skaffold/v4beta1 or later"))
            } else if no_buildkit {
                Some("skaffold secrets need BuildKit and `useBuildkit` is false".to_owned())
            } else if docker.merges() || docker.anchored {
                Some("uses YAML anchors or merge keys".to_owned())
            } else {
                None
            };
            let args = docker
                .get("buildArgs")
                .map(Node::entries)
                .unwrap_or_default()
                .iter()
                .enumerate()
                .filter_map(|(j, (k, v))| {
                    let name = k.str()?.to_owned();
                    let value = if v.is_null() {
                        ArgValue::PassThrough
                    } else {
                        template(v.str()?)
                    };
                    let span = Span::new(k.span.start, v.span.end.max(k.span.end));
                    let (source, why) = match &value {
                        ArgValue::PassThrough => {
                            (Some(SecretSource::Env { var: name.clone() }), None)
                        }
                        ArgValue::Env(var) => (Some(SecretSource::Env { var: var.clone() }), None),
                        ArgValue::Literal => (
                            None,
                            Some("the value is written in skaffold.yaml (not shown)".to_owned()),
                        ),
                        _ => (
                            None,
                            Some("the value is not a plain `{{.VAR}}` template".to_owned()),
                        ),
                    };
                    Some(BuildArg {
                        line: yaml::line_of(ctx.src, span.start),
                        blocked: why,
                        source,
                        site: ArgSite::Entry(j),
                        span,
                        value,
                        name,
                    })
                })
                .collect();
            let mut artifact_path = child(&path, "artifacts");
            artifact_path.push(Seg::Index(i));
            out.invocations.push(Invocation {
                file: ctx.file.to_path_buf(),
                line: yaml::line_of(ctx.src, artifact.span.start),
                span: artifact.span,
                caller: CallerKind::Skaffold {
                    image: artifact
                        .get("image")
                        .and_then(Node::str)
                        .unwrap_or("")
                        .to_owned(),
                },
                dockerfile,
                args,
                hidden_args: docker.merges(),
                blocked,
                how: How::Skaffold(child(&artifact_path, "docker")),
            });
        }
    }
    Ok(())
}

/// `{{.VAR}}` (spaces allowed) reads the environment variable VAR.
fn template(v: &str) -> ArgValue {
    let inner = v
        .trim()
        .strip_prefix("{{")
        .and_then(|r| r.strip_suffix("}}"))
        .map(str::trim);
    match inner.and_then(|i| i.strip_prefix('.')) {
        Some(name) if super::sh::is_name(name) => ArgValue::Env(name.to_owned()),
        _ if v.contains("{{") => ArgValue::Computed,
        _ => ArgValue::Literal,
    }
}

pub(crate) fn rewrite(
    src: &str,
    root: &Node,
    work: &[(&Invocation, Vec<&BuildArg>)],
    expected: &mut Value,
    edits: &mut Vec<Edit>,
) -> Result<(), String> {
    let nl = yaml::newline(src);
    let unit = rewrite::unit(src, root);
    for (inv, args) in work {
        let How::Skaffold(path) = &inv.how else {
            continue;
        };
        let docker = rewrite::at(root, path).ok_or("the artifact is gone")?;
        let (_, key, build_args) = docker.entry("buildArgs").ok_or("buildArgs is gone")?;
        let mut indexes: Vec<usize> = args
            .iter()
            .filter_map(|a| match a.site {
                ArgSite::Entry(i) => Some(i),
                _ => None,
            })
            .collect();
        indexes.sort_unstable();
        indexes.dedup();
        let all = indexes.len() == build_args.entries().len();
        let indent = rewrite::indent_of(src, docker);
        let mut items = Vec::new();
        let mut text = String::new();
        let existing = docker.get("secrets");
        let item_indent = match existing {
            Some(s) if s.is_seq() && !s.is_flow() => rewrite::indent_of(src, s),
            None => format!("{indent}{unit}"),
            Some(_) => return Err("`docker.secrets` is not a block list".into()),
        };
        for a in args {
            let Some(SecretSource::Env { var }) = &a.source else {
                return Err("a migrated arg has no environment variable".into());
            };
            text.push_str(&format!(
                "{item_indent}- id: {}{nl}{item_indent}  env: {var}{nl}",
                a.name
            ));
            items.push(Value::Map(vec![
                (Value::plain("id"), Value::plain(&a.name)),
                (Value::plain("env"), Value::plain(var)),
            ]));
        }
        if all {
            rewrite::value_remove(expected, path, &["buildArgs".to_owned()], &[]);
        } else {
            let keys: Vec<String> = indexes
                .iter()
                .filter_map(|&i| build_args.entries()[i].0.str().map(str::to_owned))
                .collect();
            rewrite::value_remove(expected, &child(path, "buildArgs"), &keys, &[]);
        }
        let mut seq: Vec<Value> = existing
            .map(|e| e.items().iter().map(Node::value).collect())
            .unwrap_or_default();
        seq.extend(items);
        rewrite::value_set(expected, path, "secrets", Value::Seq(seq));
        let block = match existing {
            Some(s) => {
                edits.push(Edit::insert(rewrite::after(src, s), text));
                String::new()
            }
            None => format!("{indent}secrets:{nl}{text}"),
        };
        if all {
            edits.push(Edit::replace(
                rewrite::key_lines(src, key, build_args)?,
                block,
            ));
        } else {
            edits.extend(rewrite::remove_entries(src, build_args, &indexes)?);
            if !block.is_empty() {
                edits.push(Edit::insert(rewrite::after(src, docker), block));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_and_templates() {
        assert!(has_secret_env("skaffold/v4beta11"));
        assert!(!has_secret_env("skaffold/v2beta29"));
        assert!(!has_secret_env("skaffold/v4beta0"));
        assert_eq!(
            template("{{.NPM_TOKEN}}"),
            ArgValue::Env("NPM_TOKEN".into())
        );
        assert_eq!(
            template("{{ .NPM_TOKEN }}"),
            ArgValue::Env("NPM_TOKEN".into())
        );
        assert_eq!(template("x"), ArgValue::Literal);
    }
}
