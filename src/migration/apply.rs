//! The callers' side of a run, once every Dockerfile is planned: per
//! repository, one [`crate::callers::Discovery::rewrite`] of everything the
//! run migrated (a compose file that builds two Dockerfiles is edited
//! once), shown as diffs, written with `--write`, listed with `--check`,
//! and summed up for `--format json` as the secrets CI must now provide.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Serialize;

use super::{CallerMigration, Repository};
use crate::callers::{ArgValue, FileRewrite, Migration, RequiredSecret, SecretSource};
use crate::cli::Mode;

/// The migrations of a run, per repository root.
#[derive(Debug, Default)]
pub struct Pending {
    repos: BTreeMap<PathBuf, (Repository, Vec<Migration>)>,
}

/// What the callers' side did.
#[derive(Debug, Default)]
pub struct Done {
    /// For standard output: diffs (dry run), `rewritten` lines (write).
    pub text: String,
    /// One line each, naming the file: callers that still pass build args
    /// (`--check`), and rewrites that failed.
    pub findings: Vec<String>,
    pub errors: Vec<String>,
    pub json: Vec<RepositoryJson>,
}

/// One repository in `--format json`: the secrets CI must provide before
/// the change is merged, and the caller files changed. No values.
#[derive(Debug, Serialize)]
pub struct RepositoryJson {
    pub root: String,
    pub secrets: Vec<SecretJson>,
    pub files: Vec<String>,
    pub written: bool,
    pub errors: Vec<String>,
}

/// A secret a caller must now provide.
#[derive(Debug, Serialize)]
pub struct SecretJson {
    /// The BuildKit secret id (the former build arg's name).
    pub id: String,
    /// Where its value comes from: an environment variable or CI secret.
    pub source: SecretSource,
    /// The caller file and the line of the pass site.
    pub file: String,
    pub line: usize,
    pub dockerfile: String,
}

impl Pending {
    /// Adds one Dockerfile's migration (one whose fix stands: shown, or
    /// written).
    pub fn add(&mut self, m: &CallerMigration) {
        self.repos
            .entry(m.repository.root.clone())
            .or_insert_with(|| (m.repository.clone(), Vec::new()))
            .1
            .push(m.migration.clone());
    }

    /// Rewrites every repository's callers for `mode`; `color` for diffs,
    /// `force` as for Dockerfiles.
    pub fn finish(self, mode: Mode, color: bool, force: bool) -> Done {
        let mut done = Done::default();
        for (_, (repo, migrations)) in self.repos {
            let rewrite = repo.discovery.rewrite(&migrations);
            let shown = |p: &Path| repo.shown_root.join(p).display().to_string();
            let mut json = RepositoryJson {
                root: match repo.shown_root.as_os_str().is_empty() {
                    true => ".".to_owned(),
                    false => repo.shown_root.display().to_string(),
                },
                secrets: rewrite
                    .secrets
                    .iter()
                    .map(|s| secret_json(s, &shown))
                    .collect(),
                files: rewrite.files.iter().map(|f| shown(&f.path)).collect(),
                written: false,
                errors: Vec::new(),
            };
            for e in &rewrite.errors {
                let line = format!("{}: not rewritten: {}", shown(&e.file), e.message);
                json.errors.push(line.clone());
                done.errors.push(line);
            }
            match mode {
                Mode::DryRun => {
                    for f in &rewrite.files {
                        let literals = literal_secrets(&repo, f);
                        done.text
                            .push_str(&diff(f, &repo.shown_root, &literals, color));
                    }
                }
                Mode::Check => {
                    for s in &rewrite.secrets {
                        done.findings.push(format!(
                            "{}:{}: passes {} to {} with --build-arg; once its ARG goes this \
                             caller must pass secret {} (dfix --write rewrites both)",
                            shown(&s.file),
                            s.line,
                            s.id,
                            shown(&s.dockerfile),
                            s.id
                        ));
                    }
                }
                Mode::Write => {
                    let mut all = true;
                    for f in &rewrite.files {
                        let path = repo.root.join(&f.path);
                        match crate::fsio::write::replace_file(&path, &f.rewritten, force) {
                            Ok(notices) => {
                                done.text
                                    .push_str(&format!("{}: rewritten\n", shown(&f.path)));
                                for n in notices {
                                    done.text.push_str(&n);
                                    done.text.push('\n');
                                }
                            }
                            Err(problem) => {
                                all = false;
                                json.errors.push(problem.clone());
                                done.errors.push(problem);
                            }
                        }
                    }
                    json.written = all && !rewrite.files.is_empty();
                }
            }
            if mode != Mode::Check && !rewrite.secrets.is_empty() {
                done.text.push_str(&secrets_text(&rewrite.secrets, &shown));
            }
            if !rewrite.files.is_empty() || !rewrite.errors.is_empty() {
                done.json.push(json);
            }
        }
        done
    }
}

fn secret_json(s: &RequiredSecret, shown: &dyn Fn(&Path) -> String) -> SecretJson {
    SecretJson {
        id: s.id.clone(),
        source: s.source.clone(),
        file: shown(&s.file),
        line: s.line,
        dockerfile: shown(&s.dockerfile),
    }
}

/// What CI must provide, one line per secret and caller.
fn secrets_text(secrets: &[RequiredSecret], shown: &dyn Fn(&Path) -> String) -> String {
    let mut out =
        String::from("secrets the callers now pass (create them in CI before merging):\n");
    for s in secrets {
        let from = match &s.source {
            SecretSource::Env { var } => format!("environment variable {var}"),
            SecretSource::GithubExpression { expression } => expression.clone(),
        };
        out.push_str(&format!(
            "  {} from {from} ({}:{})\n",
            s.id,
            shown(&s.file),
            s.line
        ));
    }
    out
}

/// The literal values a caller file gives build args with a secret name
/// (`NPM_TOKEN: npm_...`, which dfix leaves for a person): never shown.
fn literal_secrets(repo: &Repository, f: &FileRewrite) -> Vec<String> {
    let mut values = Vec::new();
    for inv in repo
        .discovery
        .invocations
        .iter()
        .filter(|i| i.file == f.path)
    {
        for a in &inv.args {
            if a.value != ArgValue::Literal || !crate::secrets::is_secret_name(&a.name) {
                continue;
            }
            let Some(site) = f.original.get(a.span.start..a.span.end) else {
                continue;
            };
            let after = site
                .find(a.name.as_str())
                .map_or(site, |i| &site[i + a.name.len()..]);
            let value = after
                .trim_start_matches(|c: char| c == '=' || c == ':' || c.is_whitespace())
                .trim_end()
                .trim_matches(|c| c == '"' || c == '\'');
            if value.len() >= 4 {
                values.push(value.to_owned());
            }
        }
    }
    values
}

/// A caller file's diff, paths as shown, with the literal secret values
/// of its build args (`literals`) and anything else that looks like a
/// credential masked: a caller file may hold a literal secret next to the
/// lines that change.
fn diff(f: &FileRewrite, shown_root: &Path, literals: &[String], color: bool) -> String {
    let shown = FileRewrite {
        path: shown_root.join(&f.path),
        edits: Vec::new(),
        original: f.original.clone(),
        rewritten: f.rewritten.clone(),
    };
    let mut text: String = shown.diff().split_inclusive('\n').map(mask_line).collect();
    for value in literals {
        text = text.replace(value.as_str(), &crate::secrets::mask(value));
    }
    crate::output::color_diff(text, color)
}

/// `line` with every credential found in it masked.
fn mask_line(line: &str) -> String {
    let found = crate::secrets::find_credentials(line);
    if found.is_empty() {
        return line.to_owned();
    }
    let edits: Vec<crate::fix::Edit> = found
        .iter()
        .map(|m| {
            let span = crate::syntax::Span::new(m.range.start, m.range.end);
            crate::fix::Edit::replace(span, crate::secrets::mask(&line[m.range.clone()]))
        })
        .collect();
    crate::fix::apply(line, &edits).unwrap_or_else(|_| "[line with a secret not shown]\n".into())
}
