//! GitHub workflows and composite actions: `docker/build-push-action` steps
//! (`build-args:` becomes `secrets:`, keeping each `${{ }}` expression),
//! other actions with a build-args input (reported), and `run:` steps read
//! as shell.

use std::path::Path;

use super::embed::{Embedded, Host, Script};
use super::rewrite::{self, child};
use super::scan::{self, Ctx, Cwd, Env, Found};
use super::yaml::{self, Node, Style, Value};
use super::{
    ArgSite, ArgValue, BuildArg, CallerKind, How, Invocation, SecretSource, Seg, Target, YamlPath,
};
use crate::fix::Edit;
use crate::syntax::Span;

pub(crate) fn discover(ctx: &Ctx, out: &mut Found) -> Result<(), String> {
    let root = yaml::parse(ctx.src)?;
    let top_dir = working_directory(&root);
    if let Some(steps) = root.get("runs").and_then(|r| r.get("steps")) {
        let path = vec![Seg::Key("runs".into()), Seg::Key("steps".into())];
        steps_of(ctx, steps, &path, Cwd::Known(Default::default()), out);
    }
    for (key, job) in root.get("jobs").map(Node::entries).unwrap_or_default() {
        let (Some(id), Some(steps)) = (key.str(), job.get("steps")) else {
            continue;
        };
        let dir = working_directory(job).or(top_dir.clone());
        let moved = steps.items().iter().any(|s| {
            s.get("uses")
                .and_then(Node::str)
                .is_some_and(|u| u.starts_with("actions/checkout"))
                && s.get("with").and_then(|w| w.get("path")).is_some()
        });
        let cwd = if moved {
            Cwd::Unknown(
                "the job checks the repository out into another path".into(),
                Vec::new(),
            )
        } else {
            match dir {
                Some(d) => Cwd::Known(Default::default()).join_dir(&d),
                None => Cwd::Known(Default::default()),
            }
        };
        let path = vec![
            Seg::Key("jobs".into()),
            Seg::Key(id.into()),
            Seg::Key("steps".into()),
        ];
        steps_of(ctx, steps, &path, cwd, out);
    }
    Ok(())
}

fn working_directory(n: &Node) -> Option<String> {
    n.get("defaults")?
        .get("run")?
        .get("working-directory")?
        .str()
        .map(str::to_owned)
}

fn steps_of(ctx: &Ctx, steps: &Node, path: &YamlPath, job_cwd: Cwd, out: &mut Found) {
    for (i, step) in steps.items().iter().enumerate() {
        let mut step_path = path.clone();
        step_path.push(Seg::Index(i));
        if let Some(uses) = step.get("uses").and_then(Node::str) {
            if let Some(with) = step.get("with") {
                action_step(ctx, step, uses, with, child(&step_path, "with"), out);
            }
            continue;
        }
        let Some(run) = step.get("run") else {
            continue;
        };
        if step
            .get("shell")
            .and_then(Node::str)
            .is_some_and(|s| !matches!(s.split_whitespace().next(), Some("bash" | "sh")))
        {
            continue;
        }
        let mut cwd = match step.get("working-directory").and_then(Node::str) {
            Some(d) => job_cwd.join_dir(d),
            None => job_cwd.clone(),
        };
        let Some(text) = run.str() else {
            continue;
        };
        let embedded =
            super::scalar::embed(ctx.src, run).unwrap_or_else(|| Embedded::unmapped(text));
        let script = Script::new(embedded, Host::Yaml(run.style().unwrap_or(Style::Plain)));
        let env = Env {
            github: true,
            ..Env::default()
        };
        scan::scan(ctx, &script, &mut cwd, &env, run.span, out);
    }
}

/// The major version of `owner/repo@vN...`, or of a `# vN` comment after a
/// pinned commit.
fn major(ctx: &Ctx, uses: &str, node_end: usize) -> Option<u32> {
    let r = uses.split('@').nth(1)?;
    let from_ref = r
        .strip_prefix('v')
        .and_then(|v| v.split('.').next()?.parse().ok());
    from_ref.or_else(|| {
        let line_end = yaml::next_line(ctx.src, node_end);
        let comment = ctx.src[node_end..line_end].split('#').nth(1)?.trim();
        comment.strip_prefix('v')?.split('.').next()?.parse().ok()
    })
}

fn action_step(
    ctx: &Ctx,
    step: &Node,
    uses: &str,
    with: &Node,
    with_path: YamlPath,
    out: &mut Found,
) {
    let bpa = uses.starts_with("docker/build-push-action@");
    let args_key = with
        .entries()
        .iter()
        .map(|(k, _)| k.str().unwrap_or(""))
        .find(|k| {
            let k = k.to_ascii_lowercase().replace(['-', '_'], "");
            k == "buildargs" || k == "buildextraargs" || k == "extrabuildargs"
        });
    let Some(args_key) = args_key else {
        let builds = ["docker", "build", "image", "kaniko", "podman", "buildah"]
            .iter()
            .any(|w| uses.to_ascii_lowercase().contains(w));
        if with.merges() && builds {
            // Inputs merged from elsewhere (`<<: *a`): any arg may be passed.
            out.invocations.push(Invocation {
                file: ctx.file.to_path_buf(),
                line: yaml::line_of(ctx.src, step.span.start),
                span: step.span,
                caller: CallerKind::Action {
                    uses: uses.to_owned(),
                },
                dockerfile: Target::Ambiguous {
                    reason: "inputs merged from a YAML anchor".into(),
                    candidates: Vec::new(),
                },
                args: Vec::new(),
                hidden_args: true,
                blocked: Some("uses YAML merge keys".into()),
                how: How::None,
            });
        }
        return;
    };
    let uses_node = step.get("uses").map_or(step.span, |u| u.span);
    let (_, key, node) = with.entry(args_key).expect("found above");
    let line = yaml::line_of(ctx.src, step.span.start);
    let lit = |k: &str| with.get(k).and_then(Node::str).map(str::to_owned);
    let v1 = bpa && args_key == "build_args";
    let (caller, dockerfile, mut blocked) = if bpa && args_key == "build-args" {
        let version = major(ctx, uses, uses_node.end);
        (
            CallerKind::BuildPushAction { major: version },
            bpa_target(lit("context"), lit("file"), version),
            None,
        )
    } else if v1 {
        let dir = lit("path").unwrap_or_else(|| ".".into());
        let file = lit("dockerfile").unwrap_or_else(|| format!("{dir}/Dockerfile"));
        (
            CallerKind::BuildPushAction { major: Some(1) },
            path_target(&file),
            Some("build-push-action v1 has no secrets input: move to v2 or later (`build-args:` and `secrets:`)".to_owned()),
        )
    } else {
        let file = [
            "file",
            "dockerfile",
            "Dockerfile",
            "dockerfile_path",
            "dockerfile-path",
        ]
        .iter()
        .find_map(|k| lit(k));
        let target = match file {
            Some(f) if !f.contains("${{") => Target::Ambiguous {
                reason: format!("third-party action `{uses}`"),
                candidates: vec![f.trim_start_matches("./").to_owned()],
            },
            _ => Target::Ambiguous {
                reason: format!("third-party action `{uses}`"),
                candidates: Vec::new(),
            },
        };
        (
            CallerKind::Action {
                uses: uses.to_owned(),
            },
            target,
            Some(format!(
                "`{uses}` is not an action dfix can give secrets to"
            )),
        )
    };
    let text = node.str().unwrap_or("");
    let embedded = super::scalar::embed(ctx.src, node);
    let editable = matches!(
        node.style(),
        Some(Style::Literal | Style::Plain | Style::Single | Style::Double)
    ) && embedded.is_some();
    if blocked.is_none() && !editable {
        blocked = Some(
            "the `build-args:` value is written in a form dfix does not edit (folded or escaped)"
                .into(),
        );
    }
    if blocked.is_none() && (with.merges() || with.anchored || node.anchored) {
        blocked = Some("uses YAML anchors or merge keys".into());
    }
    let separators: &[char] = if bpa && !v1 { &['\n'] } else { &['\n', ','] };
    let mut args = Vec::new();
    let mut at = 0;
    for (i, item) in text.split(separators).enumerate() {
        let start = at;
        at += item.len() + 1;
        let trimmed = item.trim();
        if trimmed.is_empty() {
            continue;
        }
        let lead = item.len() - item.trim_start().len();
        let decoded = Span::new(start + lead, start + lead + trimmed.len());
        let span = embedded
            .as_ref()
            .and_then(|e| e.raw(decoded))
            .unwrap_or(node.span);
        let (name, value) = match trimmed.split_once('=') {
            Some((n, v)) => (n.trim().to_owned(), item_value(v.trim())),
            None => (trimmed.to_owned(), ArgValue::PassThrough),
        };
        let (source, why) = match &value {
            ArgValue::Expression(e) => (
                Some(SecretSource::GithubExpression {
                    expression: format!("${{{{ {e} }}}}"),
                }),
                None,
            ),
            ArgValue::Literal => (
                None,
                Some("the value is written in the workflow (not shown)".to_owned()),
            ),
            ArgValue::PassThrough => (
                None,
                Some(
                    "a build arg without a value (taken from the runner's environment)".to_owned(),
                ),
            ),
            _ => (
                None,
                Some("the value is not a single `${{ }}` expression".to_owned()),
            ),
        };
        args.push(BuildArg {
            line: yaml::line_of(ctx.src, span.start),
            blocked: why,
            source,
            site: ArgSite::Line(i),
            span,
            value,
            name,
        });
    }
    let _ = key;
    out.invocations.push(Invocation {
        file: ctx.file.to_path_buf(),
        line,
        span: step.span,
        caller,
        dockerfile,
        args,
        hidden_args: false,
        blocked,
        how: How::BuildPushAction(with_path),
    });
}

/// `${{ expr }}` alone is an expression; anything else is literal text to
/// the action (it does no shell expansion).
fn item_value(v: &str) -> ArgValue {
    match v.strip_prefix("${{").and_then(|r| r.strip_suffix("}}")) {
        Some(inner) if !inner.contains("}}") => ArgValue::Expression(inner.trim().to_owned()),
        _ if v.contains("${{") => ArgValue::Computed,
        _ => ArgValue::Literal,
    }
}

/// build-push-action: `file` is relative to the workspace; without it, v3
/// and later read `<context>/Dockerfile`, v2 `./Dockerfile`. Without
/// `context` the build uses the Git context, whose root is the repository.
fn bpa_target(context: Option<String>, file: Option<String>, major: Option<u32>) -> Target {
    let context = context.unwrap_or_else(|| ".".into());
    if context.contains("{{defaultContext}}") || context.contains("://") {
        return Target::Ambiguous {
            reason: "a Git context".into(),
            candidates: Vec::new(),
        };
    }
    match (file, major) {
        (Some(f), _) => path_target(&f),
        (None, Some(2)) => path_target("Dockerfile"),
        (None, Some(_)) => path_target(&format!("{context}/Dockerfile")),
        (None, None) if matches!(context.as_str(), "." | "./") => path_target("Dockerfile"),
        (None, None) => Target::Ambiguous {
            reason: "the action's version is not known (v2 reads ./Dockerfile, later versions <context>/Dockerfile)".into(),
            candidates: vec!["Dockerfile".into(), format!("{}/Dockerfile", context.trim_start_matches("./"))],
        },
    }
}

fn path_target(p: &str) -> Target {
    if p.contains("${{") || p.contains('$') {
        let mut pattern = String::new();
        let mut rest = p;
        while let Some(i) = rest.find("${{") {
            pattern.push_str(&rest[..i]);
            pattern.push('*');
            rest = rest[i..].find("}}").map_or("", |j| &rest[i + j + 2..]);
        }
        pattern.push_str(rest);
        return Target::Ambiguous {
            reason: "the path uses an expression".into(),
            candidates: super::normalize(Path::new(""), Path::new(&pattern))
                .map(|p| vec![p.to_string_lossy().into_owned()])
                .unwrap_or_default(),
        };
    }
    match super::normalize(Path::new(""), Path::new(p)) {
        Some(path) if !p.starts_with('/') => Target::Resolved { path },
        _ => Target::Ambiguous {
            reason: "the path leaves the repository".into(),
            candidates: Vec::new(),
        },
    }
}

/// Moves the migrated lines of each step's `build-args:` to its `secrets:`.
pub(crate) fn rewrite(
    src: &str,
    root: &Node,
    work: &[(&Invocation, Vec<&BuildArg>)],
    expected: &mut Value,
    edits: &mut Vec<Edit>,
) -> Result<(), String> {
    let nl = yaml::newline(src);
    for (inv, args) in work {
        let How::BuildPushAction(path) = &inv.how else {
            continue;
        };
        let with = rewrite::at(root, path).ok_or("the step's `with:` is gone")?;
        let (_, key, node) = with.entry("build-args").ok_or("build-args is gone")?;
        let embedded = super::scalar::embed(src, node).ok_or("build-args cannot be edited")?;
        let text = &embedded.text;
        let moved: Vec<usize> = args
            .iter()
            .filter_map(|a| match a.site {
                ArgSite::Line(i) => Some(i),
                _ => None,
            })
            .collect();
        let mut kept = Vec::new();
        let mut new_lines = Vec::new();
        let mut at = 0;
        for (i, item) in text.split('\n').enumerate() {
            let decoded = Span::new(at, at + item.len());
            at += item.len() + 1;
            if !moved.contains(&i) {
                if !item.trim().is_empty() {
                    kept.push(decoded);
                }
                continue;
            }
            let (name, value) = item
                .trim()
                .split_once('=')
                .ok_or("a moved line has no value")?;
            new_lines.push(format!("{}={}", name.trim(), value.trim()));
            if node.style() == Some(Style::Literal) {
                let raw = embedded
                    .raw(Span::new(decoded.start, decoded.start))
                    .ok_or("unmapped line")?;
                let line = Span::new(
                    yaml::line_start(src, raw.start),
                    yaml::next_line(src, raw.start),
                );
                edits.push(Edit::delete(line));
            }
        }
        let key_indent = rewrite::indent_of(src, with);
        let content_indent = format!("{key_indent}  ");
        let build_args_gone = kept.is_empty();
        if build_args_gone {
            rewrite::value_remove(expected, path, &["build-args".to_owned()], &[]);
        } else {
            if node.style() != Some(Style::Literal) {
                return Err("a one-line build-args with args that stay".into());
            }
            let value: Vec<&str> = text
                .split('\n')
                .enumerate()
                .filter(|(i, _)| !moved.contains(i))
                .map(|(_, t)| t)
                .collect();
            rewrite::value_set(
                expected,
                path,
                "build-args",
                Value::Scalar(value.join("\n"), false),
            );
        }
        // The secrets input.
        let secrets = with.entry("secrets");
        if let Some(old) = secrets.and_then(|(_, _, s)| s.str()) {
            let present: Vec<&str> = old.lines().map(str::trim).collect();
            for l in &new_lines {
                let id = l.split('=').next().unwrap_or("");
                if present.iter().any(|p| p.split('=').next() == Some(id)) {
                    return Err(format!("`secrets:` already has a secret `{id}`"));
                }
            }
        }
        let lines: String = new_lines
            .iter()
            .map(|l| format!("{content_indent}{l}{nl}"))
            .collect();
        let new_value = match secrets {
            Some((_, _, s)) => {
                let old = s.str().ok_or("`secrets:` is not text")?;
                match s.style() {
                    Some(Style::Literal) if old.ends_with('\n') => {
                        let indent = super::scalar::embed(src, s)
                            .and_then(|e| e.raw(Span::new(0, 0)))
                            .map(|r| " ".repeat(yaml::column(src, r.start)))
                            .ok_or("`secrets:` cannot be edited")?;
                        let text: String = new_lines
                            .iter()
                            .map(|l| format!("{indent}{l}{nl}"))
                            .collect();
                        edits.push(Edit::insert(rewrite::after(src, s), text));
                        format!(
                            "{old}{}",
                            new_lines
                                .iter()
                                .map(|l| format!("{l}\n"))
                                .collect::<String>()
                        )
                    }
                    Some(Style::Plain) if !old.contains('\n') => {
                        edits.push(Edit::replace(
                            s.span,
                            format!(
                                "|{nl}{content_indent}{old}{nl}{}",
                                lines.trim_end_matches(nl)
                            ),
                        ));
                        format!(
                            "{old}\n{}",
                            new_lines
                                .iter()
                                .map(|l| format!("{l}\n"))
                                .collect::<String>()
                        )
                    }
                    _ => return Err("`secrets:` is written in a form dfix does not extend".into()),
                }
            }
            None => {
                let block = format!("{key_indent}secrets: |{nl}{lines}");
                if build_args_gone {
                    edits.push(Edit::replace(rewrite::key_lines(src, key, node)?, block));
                } else {
                    edits.push(Edit::insert(rewrite::after(src, node), block));
                }
                new_lines.iter().map(|l| format!("{l}\n")).collect()
            }
        };
        if build_args_gone && secrets.is_some() {
            edits.push(Edit::delete(rewrite::key_lines(src, key, node)?));
        }
        rewrite::value_set(expected, path, "secrets", Value::Scalar(new_value, false));
    }
    Ok(())
}

impl Cwd {
    /// A `working-directory:` (relative to the workspace).
    pub(crate) fn join_dir(&self, dir: &str) -> Cwd {
        let dir = dir.trim_start_matches("./");
        if dir.contains("${{") || dir.contains('$') {
            return Cwd::Unknown(
                "the working directory uses an expression".into(),
                Vec::new(),
            );
        }
        let Cwd::Known(base) = self else {
            return self.clone();
        };
        match super::normalize(Path::new(""), &base.join(dir)) {
            Some(p) if !dir.starts_with('/') => Cwd::Known(p),
            _ => Cwd::Unknown(
                "the working directory is outside the repository".into(),
                Vec::new(),
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_by_version() {
        assert_eq!(
            bpa_target(Some("app".into()), None, Some(5)),
            Target::Resolved {
                path: "app/Dockerfile".into()
            }
        );
        assert_eq!(
            bpa_target(Some("app".into()), None, Some(2)),
            Target::Resolved {
                path: "Dockerfile".into()
            }
        );
        assert!(matches!(
            bpa_target(Some("app".into()), None, None),
            Target::Ambiguous { .. }
        ));
        assert!(
            matches!(path_target("${{ matrix.file }}"), Target::Ambiguous { candidates, .. } if candidates == ["*"])
        );
        assert_eq!(
            item_value("${{ secrets.NPM }}"),
            ArgValue::Expression("secrets.NPM".into())
        );
        assert_eq!(item_value("x"), ArgValue::Literal);
    }
}
