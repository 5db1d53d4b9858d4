//! Compose files: each service's `build:` (string or `context` +
//! `dockerfile`) and its `args` (mapping or list, `- NAME` passing the
//! caller's variable through). Migrated args leave `args`, the service gets
//! `build.secrets: [NAME]` and the file a top-level
//! `secrets: NAME: environment: VAR`.

use std::path::{Path, PathBuf};

use super::rewrite::{self, child};
use super::scan::{Ctx, Found};
use super::yaml::{self, Node, Value};
use super::{ArgSite, ArgValue, BuildArg, CallerKind, How, Invocation, SecretSource, Seg, Target};
use crate::fix::Edit;

pub(crate) fn discover(ctx: &Ctx, out: &mut Found) -> Result<(), String> {
    let root = yaml::parse(ctx.src)?;
    let Some(services) = root.get("services") else {
        return Ok(());
    };
    let base = ctx.file.parent().unwrap_or(Path::new("")).to_path_buf();
    let top_secrets = root.get("secrets");
    let anchors = root.anchors();
    let first = out.invocations.len();
    for (key, service) in services.entries() {
        let service = service.resolve(&anchors);
        // Read through aliases and merge keys; such a service is reported,
        // never edited.
        let (Some(name), Some(build)) = (key.str(), service.get_merged("build", &anchors)) else {
            continue;
        };
        if build.get("dockerfile_inline").is_some() {
            continue;
        }
        let dockerfile = target(&base, build);
        let mut blocked = None;
        let args_node = build.get_merged("args", &anchors);
        if service.merges()
            || service.get("build").is_none_or(|b| !std::ptr::eq(b, build))
            || build
                .get("args")
                .is_some_and(|a| !args_node.is_some_and(|n| std::ptr::eq(a, n)))
            || build.merges()
            || service.anchored
            || build.anchored
            || args_node.is_some_and(|a| a.anchored)
        {
            blocked = Some("uses YAML anchors, aliases or merge keys: an edit here would change other places too".to_owned());
        } else if build.is_flow() {
            blocked = Some("a flow-style `build: {...}` mapping".to_owned());
        }
        let mut args = Vec::new();
        for (i, (arg_name, value, span)) in args_of(args_node).into_iter().enumerate() {
            let mut b = BuildArg {
                line: yaml::line_of(ctx.src, span.start),
                blocked: None,
                source: None,
                site: ArgSite::Entry(i),
                span,
                value,
                name: arg_name,
            };
            judge(&mut b, top_secrets);
            args.push(b);
        }
        out.invocations.push(Invocation {
            file: ctx.file.to_path_buf(),
            line: yaml::line_of(ctx.src, key.span.start),
            span: crate::syntax::Span::new(key.span.start, build.span.end),
            caller: CallerKind::Compose {
                service: name.to_owned(),
            },
            dockerfile,
            args,
            hidden_args: false,
            blocked,
            how: How::Compose(vec![Seg::Key("services".into()), Seg::Key(name.to_owned())]),
        });
    }
    one_source_per_name(&mut out.invocations[first..]);
    Ok(())
}

/// One top-level secret per name: an arg that services of this file take
/// from different variables cannot become one secret.
fn one_source_per_name(invocations: &mut [Invocation]) {
    let mut sources: Vec<(String, SecretSource)> = Vec::new();
    for a in invocations.iter().flat_map(|i| &i.args) {
        if let Some(s) = &a.source {
            if !sources.contains(&(a.name.clone(), s.clone())) {
                sources.push((a.name.clone(), s.clone()));
            }
        }
    }
    for a in invocations.iter_mut().flat_map(|i| &mut i.args) {
        if a.source.is_some() && sources.iter().filter(|(n, _)| *n == a.name).count() > 1 {
            a.blocked = Some(format!("services of this file take `{}` from different variables; one top-level secret cannot hold both", a.name));
            a.source = None;
        }
    }
}

/// Where the value will come from, and why it cannot, if it cannot.
fn judge(b: &mut BuildArg, top_secrets: Option<&Node>) {
    let var = match &b.value {
        ArgValue::PassThrough => b.name.clone(),
        ArgValue::Env(v) => v.clone(),
        ArgValue::Literal => {
            b.blocked = Some("the value is written in the compose file (not shown); it cannot come from the environment".into());
            return;
        }
        _ => {
            b.blocked = Some("the value is not a plain `${VAR}`".into());
            return;
        }
    };
    if !super::sh::is_name(&b.name) {
        b.blocked = Some("the arg's name is not a plain name".into());
        return;
    }
    if let Some(existing) = top_secrets.and_then(|s| s.get(&b.name)) {
        if existing.get("environment").and_then(Node::str) != Some(var.as_str()) {
            b.blocked = Some(format!(
                "the top-level secret `{}` already exists with another source",
                b.name
            ));
            return;
        }
    }
    b.source = Some(SecretSource::Env { var });
}

/// The Dockerfile of a `build:` value, relative to the repository.
fn target(base: &Path, build: &Node) -> Target {
    let (context, file) = match build.str() {
        Some(s) => (s.to_owned(), "Dockerfile".to_owned()),
        None => (
            build
                .get("context")
                .and_then(Node::str)
                .unwrap_or(".")
                .to_owned(),
            build
                .get("dockerfile")
                .and_then(Node::str)
                .unwrap_or("Dockerfile")
                .to_owned(),
        ),
    };
    if context.contains("://") || context.starts_with("git@") || context.starts_with("github.com/")
    {
        return Target::Ambiguous {
            reason: "the build context is remote".into(),
            candidates: Vec::new(),
        };
    }
    if file.starts_with('/') || context.starts_with('/') {
        return Target::Ambiguous {
            reason: "an absolute path".into(),
            candidates: Vec::new(),
        };
    }
    let path: PathBuf = base.join(&context).join(&file);
    let text = path.to_string_lossy();
    if text.contains('$') {
        let pattern = interpolation_pattern(&text);
        return Target::Ambiguous {
            reason: "the path uses a variable".into(),
            candidates: super::normalize(Path::new(""), Path::new(&pattern))
                .map(|p| vec![p.to_string_lossy().into_owned()])
                .unwrap_or_default(),
        };
    }
    match super::normalize(Path::new(""), &path) {
        Some(path) => Target::Resolved { path },
        None => Target::Ambiguous {
            reason: "the path leaves the repository".into(),
            candidates: Vec::new(),
        },
    }
}

/// `a/${X}/b` as the pattern `a/*/b`.
fn interpolation_pattern(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(i) = rest.find('$') {
        out.push_str(&rest[..i]);
        out.push('*');
        rest = &rest[i + 1..];
        let skip = if rest.starts_with('{') {
            rest.find('}').map_or(rest.len(), |j| j + 1)
        } else {
            rest.bytes()
                .take_while(|b| b.is_ascii_alphanumeric() || *b == b'_')
                .count()
        };
        rest = &rest[skip..];
    }
    out.push_str(rest);
    out
}

/// The args of a `build.args` node: name, value, span of the entry.
fn args_of(node: Option<&Node>) -> Vec<(String, ArgValue, crate::syntax::Span)> {
    let Some(node) = node else {
        return Vec::new();
    };
    if node.is_map() {
        return node
            .entries()
            .iter()
            .filter_map(|(k, v)| {
                let value = if v.is_null() {
                    ArgValue::PassThrough
                } else {
                    value_of(v.str()?)
                };
                Some((
                    k.str()?.to_owned(),
                    value,
                    crate::syntax::Span::new(k.span.start, v.span.end.max(k.span.end)),
                ))
            })
            .collect();
    }
    node.items()
        .iter()
        .filter_map(|item| {
            let s = item.str()?;
            let (name, value) = match s.split_once('=') {
                Some((n, v)) => (n, value_of(v)),
                None => (s, ArgValue::PassThrough),
            };
            Some((name.to_owned(), value, item.span))
        })
        .collect()
}

/// A compose value: `${VAR}`, `$VAR`, `${VAR:?message}` or `${VAR?message}`
/// read the caller's variable; other interpolation is computed; the rest is
/// literal (`$$` is a literal dollar).
fn value_of(s: &str) -> ArgValue {
    let name = if let Some(inner) = s.strip_prefix("${").and_then(|r| r.strip_suffix('}')) {
        let end = inner.find([':', '?', '-', '+']).unwrap_or(inner.len());
        let (name, modifier) = inner.split_at(end);
        (modifier.is_empty() || modifier.starts_with(":?") || modifier.starts_with('?'))
            .then_some(name)
    } else {
        s.strip_prefix('$')
    };
    match name {
        Some(n) if super::sh::is_name(n) => ArgValue::Env(n.to_owned()),
        _ if s.replace("$$", "").contains('$') => ArgValue::Computed,
        _ => ArgValue::Literal,
    }
}

/// Edits for the migrated args of the services of one compose file, checked
/// by re-parsing.
pub(crate) fn rewrite(
    src: &str,
    root: &Node,
    work: &[(&Invocation, Vec<&BuildArg>)],
    expected: &mut Value,
    edits: &mut Vec<Edit>,
) -> Result<(), String> {
    let nl = yaml::newline(src);
    let unit = rewrite::unit(src, root);
    let mut secrets: Vec<(String, String)> = Vec::new();
    for (inv, args) in work {
        let How::Compose(path) = &inv.how else {
            continue;
        };
        let build_path = child(path, "build");
        let build = rewrite::at(root, &build_path).ok_or("the service's build is gone")?;
        let args_node = build.get("args").ok_or("the service's args are gone")?;
        let mut indexes: Vec<usize> = args
            .iter()
            .filter_map(|a| match a.site {
                ArgSite::Entry(i) => Some(i),
                _ => None,
            })
            .collect();
        indexes.sort_unstable();
        indexes.dedup();
        let names: Vec<String> = args.iter().map(|a| a.name.clone()).collect();
        for a in args {
            if let Some(SecretSource::Env { var }) = &a.source {
                if !secrets.iter().any(|(n, _)| *n == a.name) {
                    secrets.push((a.name.clone(), var.clone()));
                }
            }
        }
        let count = args_node.entries().len().max(args_node.items().len());
        let all = indexes.len() == count;
        let key_indent = rewrite::indent_of(src, build);
        let mut new_items: Vec<String> = Vec::new();
        let existing = build.get("secrets");
        for n in &names {
            let present = existing.is_some_and(|s| {
                s.items()
                    .iter()
                    .any(|i| i.str() == Some(n) || i.get("source").and_then(Node::str) == Some(n))
            });
            if !present && !new_items.contains(n) {
                new_items.push(n.clone());
            }
        }
        // The meaning we expect afterwards.
        let args_path = child(&build_path, "args");
        if all {
            rewrite::value_remove(expected, &build_path, &["args".to_owned()], &[]);
        } else if args_node.is_map() {
            let keys: Vec<String> = indexes
                .iter()
                .filter_map(|&i| args_node.entries()[i].0.str().map(str::to_owned))
                .collect();
            rewrite::value_remove(expected, &args_path, &keys, &[]);
        } else {
            rewrite::value_remove(expected, &args_path, &[], &indexes);
        }
        let mut new_seq: Vec<Value> = existing
            .map(|e| e.items().iter().map(Node::value).collect())
            .unwrap_or_default();
        new_seq.extend(new_items.iter().map(|n| Value::plain(n)));
        if existing.is_some() || !new_items.is_empty() {
            rewrite::value_set(expected, &build_path, "secrets", Value::Seq(new_seq));
        }
        // The text.
        let added = |items: &[String], indent: &str| -> String {
            items.iter().map(|n| format!("{indent}- {n}{nl}")).collect()
        };
        let new_key = format!(
            "{key_indent}secrets:{nl}{}",
            added(&new_items, &format!("{key_indent}{unit}"))
        );
        match existing {
            Some(s) if new_items.is_empty() => {
                let _ = s;
            }
            Some(s) if s.is_flow() => {
                let close = s.span.end - 1;
                let sep = if s.items().is_empty() { "" } else { ", " };
                edits.push(Edit::insert(
                    close,
                    format!("{sep}{}", new_items.join(", ")),
                ));
            }
            Some(s) if s.is_seq() => {
                let indent = rewrite::indent_of(src, s);
                edits.push(Edit::insert(
                    rewrite::after(src, s),
                    added(&new_items, &indent),
                ));
            }
            Some(_) => return Err("the service's build.secrets is not a list".into()),
            None if all => {}
            None => edits.push(rewrite::at_line_start(
                src,
                rewrite::after(src, build),
                new_key.clone(),
            )),
        }
        if all {
            let (_, k, v) = build.entry("args").ok_or("args gone")?;
            let lines = rewrite::key_lines(src, k, v)?;
            let replacement = if existing.is_none() {
                new_key
            } else {
                String::new()
            };
            edits.push(Edit::replace(lines, replacement));
        } else {
            edits.extend(rewrite::remove_entries(src, args_node, &indexes)?);
        }
    }
    // Top-level secrets.
    let top = root.get("secrets");
    let mut fresh: Vec<&(String, String)> = Vec::new();
    for s in &secrets {
        match top.and_then(|t| t.get(&s.0)) {
            Some(e) if e.get("environment").and_then(Node::str) == Some(s.1.as_str()) => {}
            Some(_) => {
                return Err(format!(
                    "the top-level secret `{}` already exists with another source",
                    s.0
                ))
            }
            None => fresh.push(s),
        }
    }
    if !fresh.is_empty() {
        let mut entries: Vec<(Value, Value)> = match top.map(Node::value) {
            Some(Value::Map(e)) => e,
            _ => Vec::new(),
        };
        for (n, v) in &fresh {
            entries.push((
                Value::plain(n),
                Value::Map(vec![(Value::plain("environment"), Value::plain(v))]),
            ));
        }
        rewrite::value_set(expected, &[], "secrets", Value::Map(entries));
        match top {
            Some(t) if t.is_map() && !t.is_flow() => {
                let indent = rewrite::indent_of(src, t);
                let text: String = fresh
                    .iter()
                    .map(|(n, v)| format!("{indent}{n}:{nl}{indent}{unit}environment: {v}{nl}"))
                    .collect();
                edits.push(rewrite::at_line_start(src, rewrite::after(src, t), text));
            }
            Some(_) => return Err("the top-level `secrets:` is not a block mapping".into()),
            None => {
                let body: String = fresh
                    .iter()
                    .map(|(n, v)| format!("{unit}{n}:{nl}{unit}{unit}environment: {v}{nl}"))
                    .collect();
                edits.push(rewrite::at_line_start(
                    src,
                    src.len(),
                    format!("secrets:{nl}{body}"),
                ));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compose_values() {
        assert_eq!(value_of("${NPM_TOKEN}"), ArgValue::Env("NPM_TOKEN".into()));
        assert_eq!(value_of("$T"), ArgValue::Env("T".into()));
        assert_eq!(value_of("${T:?set T}"), ArgValue::Env("T".into()));
        assert_eq!(value_of("${T:-x}"), ArgValue::Computed);
        assert_eq!(value_of("a$$b"), ArgValue::Literal);
        assert_eq!(
            interpolation_pattern("docker/${APP}/Dockerfile"),
            "docker/*/Dockerfile"
        );
    }

    #[test]
    fn one_name_two_variables_is_refused() {
        let src = "services:\n  a:\n    build:\n      context: a\n      args: [T=$X]\n  b:\n    build:\n      context: b\n      args: [T=$Y, U=$Y]\n";
        let ctx = Ctx {
            root: Path::new("/nonexistent"),
            file: Path::new("compose.yaml"),
            src,
        };
        let mut found = Found::default();
        discover(&ctx, &mut found).unwrap();
        let blocked: Vec<(&str, bool)> = found
            .invocations
            .iter()
            .flat_map(|i| &i.args)
            .map(|a| (a.name.as_str(), a.blocked.is_some()))
            .collect();
        assert_eq!(blocked, [("T", true), ("T", true), ("U", false)]);
    }
}
