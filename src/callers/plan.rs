//! The two questions a planner asks: which secret args of a Dockerfile can
//! move (every caller can pass them as secrets, no unknown caller might pass
//! them), and, once it has decided, the caller edits for what moved.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Serialize;

use super::files::FileKind;
use super::report::{Blocked, CallerRef, FileRewrite, Readiness, RequiredSecret, Rewrite};
use super::yaml::{self, Node, Value};
use super::{
    quote, rewrite, ArgSite, BuildArg, Discovery, FileError, How, Invocation, Seg, Target, YamlPath,
};
use crate::fix::Edit;
use crate::syntax::Span;

/// The args that moved from `ARG` to secrets in one Dockerfile.
#[derive(Clone, Debug, Serialize)]
pub struct Migration {
    /// Relative to the repository (or under its root).
    pub dockerfile: PathBuf,
    pub args: Vec<String>,
}

type Work<'d> = BTreeMap<PathBuf, Vec<(&'d Invocation, Vec<&'d BuildArg>)>>;

impl Discovery {
    fn relative(&self, dockerfile: &Path) -> PathBuf {
        super::normalize(&self.root, dockerfile).unwrap_or_else(|| dockerfile.to_path_buf())
    }

    /// Invocations that build `dockerfile`, or might.
    pub fn callers_of(&self, dockerfile: &Path) -> Vec<&Invocation> {
        let d = self.relative(dockerfile);
        self.invocations
            .iter()
            .filter(|i| i.dockerfile.might_be(&d))
            .collect()
    }

    /// Which of `secret_args` (ARG names the planner wants to turn into
    /// secrets) can move for `dockerfile`, and which must stay `ARG`s:
    /// passed by a caller that cannot be rewritten (literal value, a form
    /// dfix does not edit, an action without a secrets input), or by a
    /// caller that might build this Dockerfile without saying so. Every
    /// rewrite counted as possible here has been planned and re-parsed.
    pub fn check(&self, dockerfile: &Path, secret_args: &[String]) -> Readiness {
        let d = self.relative(dockerfile);
        let mut r = Readiness {
            dockerfile: d.clone(),
            ..Readiness::default()
        };
        let mut work: Work = BTreeMap::new();
        for inv in self.callers_of(&d) {
            let certain = matches!(inv.dockerfile, Target::Resolved { .. });
            r.callers.push(CallerRef {
                file: inv.file.clone(),
                line: inv.line,
                caller: inv.caller.clone(),
                certain,
            });
            for name in secret_args {
                let mut block = |reason: String, line: usize| {
                    r.blocked.push(Blocked {
                        arg: name.clone(),
                        file: inv.file.clone(),
                        line,
                        reason,
                    })
                };
                if inv.hidden_args {
                    block(
                        "this caller passes build args dfix cannot read".into(),
                        inv.line,
                    );
                }
                let passes: Vec<&BuildArg> = inv.args.iter().filter(|a| a.name == *name).collect();
                for p in &passes {
                    if let Target::Ambiguous { reason, .. } = &inv.dockerfile {
                        block(format!("might build this Dockerfile ({reason})"), p.line);
                    } else if let Some(why) = inv.blocked.as_ref().or(p.blocked.as_ref()) {
                        block(why.clone(), p.line);
                    }
                }
                if certain && inv.blocked.is_none() {
                    let ok: Vec<&BuildArg> =
                        passes.into_iter().filter(|p| p.blocked.is_none()).collect();
                    if !ok.is_empty() {
                        let list = work.entry(inv.file.clone()).or_default();
                        match list.iter_mut().find(|(i, _)| std::ptr::eq(*i, inv)) {
                            Some((_, args)) => args.extend(ok),
                            None => list.push((inv, ok)),
                        }
                    }
                }
            }
        }
        // Callers we could not read may pass these args too.
        for e in &self.errors {
            let Some(src) = self.sources.get(&e.file).map(|s| s.text.as_str()).or(None) else {
                let text = std::fs::read_to_string(self.root.join(&e.file)).unwrap_or_default();
                for name in secret_args.iter().filter(|n| text.contains(n.as_str())) {
                    r.blocked.push(Blocked {
                        arg: name.clone(),
                        file: e.file.clone(),
                        line: 0,
                        reason: format!("the caller file could not be read: {}", e.message),
                    });
                }
                continue;
            };
            for name in secret_args.iter().filter(|n| src.contains(n.as_str())) {
                r.blocked.push(Blocked {
                    arg: name.clone(),
                    file: e.file.clone(),
                    line: 0,
                    reason: format!("the caller file could not be read: {}", e.message),
                });
            }
        }
        // Plan the edits that would be made: a file that fails its check
        // blocks the args it would have carried.
        for (file, list) in &work {
            if let Err(message) = self.plan_file(file, list) {
                for (_, args) in list {
                    for a in args {
                        r.blocked.push(Blocked {
                            arg: a.name.clone(),
                            file: file.clone(),
                            line: a.line,
                            reason: message.clone(),
                        });
                    }
                }
            }
        }
        r.blocked
            .sort_by(|a, b| (&a.arg, &a.file, a.line).cmp(&(&b.arg, &b.file, b.line)));
        r.blocked.dedup();
        r.migratable = secret_args
            .iter()
            .filter(|n| !r.blocked.iter().any(|b| b.arg == **n))
            .cloned()
            .collect();
        r
    }

    /// The caller edits for what the planner migrated, one verified rewrite
    /// per file, and every secret the callers must now provide. A file whose
    /// edits fail their check (or that holds a pass site `check` had
    /// blocked) is left out and named in `errors`.
    pub fn rewrite(&self, migrations: &[Migration]) -> Rewrite {
        let mut out = Rewrite::default();
        let mut work: Work = BTreeMap::new();
        let mut secrets: Vec<RequiredSecret> = Vec::new();
        let mut refused: BTreeMap<PathBuf, String> = BTreeMap::new();
        for m in migrations {
            let d = self.relative(&m.dockerfile);
            for inv in self.callers_of(&d) {
                let passes: Vec<&BuildArg> = inv
                    .args
                    .iter()
                    .filter(|a| m.args.contains(&a.name))
                    .collect();
                if passes.is_empty() {
                    continue;
                }
                let why = match &inv.dockerfile {
                    Target::Ambiguous { reason, .. } => {
                        Some(format!("might build {} ({reason})", d.display()))
                    }
                    Target::Resolved { .. } => inv
                        .blocked
                        .clone()
                        .or_else(|| passes.iter().find_map(|p| p.blocked.clone())),
                };
                if let Some(why) = why {
                    refused
                        .entry(inv.file.clone())
                        .or_insert(format!("line {}: {why}", inv.line));
                    continue;
                }
                for p in &passes {
                    if let Some(source) = &p.source {
                        secrets.push(RequiredSecret {
                            id: p.name.clone(),
                            source: source.clone(),
                            file: inv.file.clone(),
                            line: p.line,
                            dockerfile: d.clone(),
                        });
                    }
                }
                let list = work.entry(inv.file.clone()).or_default();
                match list.iter_mut().find(|(i, _)| std::ptr::eq(*i, inv)) {
                    Some((_, args)) => args.extend(passes),
                    None => list.push((inv, passes)),
                }
            }
        }
        for (file, list) in &work {
            if let Some(message) = refused.get(file) {
                out.errors.push(FileError {
                    file: file.clone(),
                    message: message.clone(),
                });
                continue;
            }
            match self.plan_file(file, list) {
                Ok(r) => out.files.push(r),
                Err(message) => out.errors.push(FileError {
                    file: file.clone(),
                    message,
                }),
            }
        }
        for (file, message) in refused {
            if !work.contains_key(&file) {
                out.errors.push(FileError { file, message });
            }
        }
        let failed: Vec<&PathBuf> = out.errors.iter().map(|e| &e.file).collect();
        secrets.retain(|s| !failed.contains(&&s.file));
        secrets.sort();
        secrets.dedup();
        out.secrets = secrets;
        out
    }

    /// All edits of one caller file, applied and checked.
    fn plan_file(
        &self,
        file: &Path,
        list: &[(&Invocation, Vec<&BuildArg>)],
    ) -> Result<FileRewrite, String> {
        let source = self.sources.get(file).ok_or("the file was not read")?;
        let src = source.text.as_str();
        let mut edits = Vec::new();
        let words: Vec<&BuildArg> = list
            .iter()
            .filter(|(i, _)| matches!(i.how, How::Command))
            .flat_map(|(_, args)| args.iter().copied())
            .collect();
        let mut changed_scripts: BTreeMap<Span, Vec<(Span, String)>> = BTreeMap::new();
        for a in &words {
            let ArgSite::Words {
                flag,
                value,
                host,
                script_at,
                flag_text,
                value_text,
            } = &a.site
            else {
                return Err(format!("line {}: the pass site cannot be edited", a.line));
            };
            let Some(super::SecretSource::Env { var }) = &a.source else {
                return Err(format!(
                    "line {}: no environment variable holds the value",
                    a.line
                ));
            };
            let secret = quote::shell_word(&quote::secret_value(&a.name, var));
            let pieces: Vec<(Span, Span, String)> = match (value, value_text) {
                (Some(v), Some(vt)) => vec![
                    (*flag, *flag_text, "--secret".to_owned()),
                    (*v, *vt, secret),
                ],
                _ => vec![(*flag, *flag_text, format!("--secret={secret}"))],
            };
            for (raw, text_span, text) in pieces {
                let encoded = host.encode(&text).ok_or_else(|| {
                    format!("line {}: the replacement cannot be written here", a.line)
                })?;
                edits.push(Edit::replace(raw, encoded));
                changed_scripts
                    .entry(*script_at)
                    .or_default()
                    .push((text_span, text));
            }
        }
        let rewritten = match source.kind {
            FileKind::Compose
            | FileKind::Workflow
            | FileKind::Action
            | FileKind::Skaffold
            | FileKind::GitlabCi
            | FileKind::Circle
            | FileKind::Travis => {
                let root = yaml::parse(src)?;
                let mut expected = root.value();
                let structural: Vec<(&Invocation, Vec<&BuildArg>)> = list
                    .iter()
                    .filter(|(i, _)| !matches!(i.how, How::Command))
                    .map(|(i, a)| (*i, a.clone()))
                    .collect();
                match source.kind {
                    FileKind::Compose => {
                        super::compose::rewrite(src, &root, &structural, &mut expected, &mut edits)?
                    }
                    FileKind::Skaffold => super::skaffold::rewrite(
                        src,
                        &root,
                        &structural,
                        &mut expected,
                        &mut edits,
                    )?,
                    _ => {
                        super::actions::rewrite(src, &root, &structural, &mut expected, &mut edits)?
                    }
                }
                for (at, changes) in &changed_scripts {
                    let path = path_to(&root, *at, &mut Vec::new())
                        .ok_or("the script's YAML node is gone")?;
                    let node = rewrite::at(&root, &path).ok_or("the script's YAML node is gone")?;
                    let e = super::scalar::embed(src, node).ok_or("the script cannot be edited")?;
                    let text = splice(&e.text, changes)?;
                    let plain = node.style() == Some(yaml::Style::Plain);
                    *rewrite::value_at(&mut expected, &path).ok_or("no value")? =
                        Value::Scalar(text, plain);
                }
                rewrite::apply_checked(src, &edits, &expected)?
            }
            FileKind::Makefile | FileKind::Jenkinsfile | FileKind::Shell => {
                let new = crate::fix::apply(src, &edits).map_err(|e| e.to_string())?;
                let before = scripts(source.kind, src);
                let after = scripts(source.kind, &new);
                let expected: Vec<String> = before
                    .iter()
                    .map(|(at, text)| match changed_scripts.get(at) {
                        Some(changes) => splice(text, changes),
                        None => Ok(text.clone()),
                    })
                    .collect::<Result<_, _>>()?;
                let after: Vec<String> = after.into_iter().map(|(_, t)| t).collect();
                if after != expected {
                    return Err("the edited file does not give the shell the intended text".into());
                }
                new
            }
        };
        edits.sort();
        Ok(FileRewrite {
            path: file.to_path_buf(),
            edits,
            original: src.to_owned(),
            rewritten,
        })
    }
}

/// The path to the scalar whose span is `span`.
fn path_to(node: &Node, span: Span, path: &mut YamlPath) -> Option<YamlPath> {
    if node.span == span && node.str().is_some() {
        return Some(path.clone());
    }
    for (k, v) in node.entries() {
        if v.span.contains(span) {
            path.push(Seg::Key(k.str()?.to_owned()));
            if let Some(p) = path_to(v, span, path) {
                return Some(p);
            }
            path.pop();
        }
    }
    for (i, v) in node.items().iter().enumerate() {
        if v.span.contains(span) {
            path.push(Seg::Index(i));
            if let Some(p) = path_to(v, span, path) {
                return Some(p);
            }
            path.pop();
        }
    }
    None
}

/// `text` with the ranges replaced.
fn splice(text: &str, changes: &[(Span, String)]) -> Result<String, String> {
    let edits: Vec<Edit> = changes
        .iter()
        .map(|(s, t)| Edit::replace(*s, t.clone()))
        .collect();
    crate::fix::apply(text, &edits).map_err(|e| e.to_string())
}

/// The shell texts of a non-YAML caller file, each keyed like
/// `ArgSite::Words::script_at`.
fn scripts(kind: FileKind, src: &str) -> Vec<(Span, String)> {
    match kind {
        FileKind::Makefile => super::make::read(src)
            .0
            .into_iter()
            .map(|e| (e.raw(Span::new(0, 0)).unwrap_or_default(), e.text))
            .collect(),
        FileKind::Jenkinsfile => super::jenkins::sh_strings(src)
            .into_iter()
            .map(|s| (s.literal, s.script.embedded.text))
            .collect(),
        _ => vec![(Span::new(0, 0), src.to_owned())],
    }
}
