//! `--format json`: one document for the whole run. No secret values: edits
//! carry only the text dfix inserts (`${NAME}` references, mount flags), and
//! `.env` keys are listed without their values.

use serde::Serialize;

use crate::deploy::ComposeProposal;
use crate::engine::FileReport;
use crate::env_use::Use;
use crate::fix::Edit;
use crate::migration::apply::RepositoryJson;

#[derive(Serialize)]
pub struct FindingJson {
    pub rule: &'static str,
    pub name: &'static str,
    pub line: usize,
    pub column: usize,
    pub message: String,
    pub fixable: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// For a secret environment variable: `build`, `runtime` or `both`.
    #[serde(rename = "use", skip_serializing_if = "Option::is_none")]
    pub env_use: Option<Use>,
    /// Silenced by a suppression: not counted, not fixed.
    pub suppressed: bool,
    /// How: `inline`, `global`, `buildkit-check` or `config`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suppressed_by: Option<&'static str>,
    /// The text after the ids of the suppression comment.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub justification: Option<String>,
    /// SARIF's suppression kind (`inSource`, `external`).
    #[serde(skip)]
    pub in_source: bool,
}

impl FindingJson {
    fn new(
        finding: &crate::rules::Finding,
        at: crate::syntax::Position,
        by: Option<&crate::suppress::Suppression>,
    ) -> Self {
        FindingJson {
            rule: finding.rule.id(),
            name: finding.rule.name(),
            line: at.line,
            column: at.column,
            message: finding.message.clone(),
            fixable: finding.fixable() && by.is_none(),
            reason: finding.manual.clone(),
            suppressed: by.is_some(),
            suppressed_by: by.map(|b| b.how.as_str()),
            justification: by.and_then(|b| b.justification.clone()),
            in_source: by.is_some_and(|b| b.how.in_source()),
            env_use: finding.env_use,
        }
    }
}

/// Something dfix could not check: not a finding.
#[derive(Serialize)]
pub struct UncheckedJson {
    pub line: usize,
    pub column: usize,
    pub message: String,
}

#[derive(Serialize)]
pub struct SecretFileJson {
    pub id: String,
    pub source: String,
    pub target: String,
}

/// One file of the run.
#[derive(Serialize)]
pub struct FileJson {
    pub path: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    pub findings: Vec<FindingJson>,
    pub edits: Vec<Edit>,
    pub env_file: Option<String>,
    pub env_keys: Vec<String>,
    pub secret_files: Vec<SecretFileJson>,
    pub build_command: Option<String>,
    /// The run-time env file (`--runtime-env`) and its keys, without values.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub runtime_env_file: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub runtime_env_keys: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub run_command: Option<String>,
    /// Compose services that build this Dockerfile and the change that
    /// gives them the run-time secrets.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub compose: Vec<ComposeProposal>,
    pub written: bool,
    /// What the user should know about the write (a `.env` made private).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notices: Vec<String>,
    /// What could not be checked (the build context was not read).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub unchecked: Vec<UncheckedJson>,
}

impl FileJson {
    pub fn error(path: &str, message: &str) -> Self {
        FileJson {
            path: path.to_owned(),
            error: Some(message.to_owned()),
            findings: Vec::new(),
            edits: Vec::new(),
            env_file: None,
            env_keys: Vec::new(),
            secret_files: Vec::new(),
            build_command: None,
            runtime_env_file: None,
            runtime_env_keys: Vec::new(),
            run_command: None,
            compose: Vec::new(),
            written: false,
            notices: Vec::new(),
            unchecked: Vec::new(),
        }
    }

    pub fn from_report(r: &FileReport) -> Self {
        let mut findings: Vec<FindingJson> = r
            .findings()
            .map(|l| FindingJson::new(l.finding, l.position, None))
            .chain(
                r.suppressed()
                    .map(|(s, at)| FindingJson::new(&s.finding, at, Some(&s.by))),
            )
            .collect();
        findings.sort_by_key(|f| (f.line, f.column, f.suppressed));
        FileJson {
            path: r.path.display().to_string(),
            error: (!r.problems.is_empty()).then(|| r.problems.join("; ")),
            findings,
            edits: r.analysis.edits.clone(),
            env_file: r
                .analysis
                .uses_env_file()
                .then(|| r.env_path.display().to_string()),
            env_keys: r.analysis.env.iter().map(|e| e.name.clone()).collect(),
            secret_files: r
                .analysis
                .files
                .iter()
                .map(|f| SecretFileJson {
                    id: f.id.clone(),
                    source: f.source.clone(),
                    target: f.target.clone(),
                })
                .chain(
                    r.generated
                        .iter()
                        .zip(&r.analysis.generated)
                        .map(|((id, path, _), g)| SecretFileJson {
                            id: id.clone(),
                            source: path.display().to_string(),
                            target: g.target.clone(),
                        }),
                )
                .collect(),
            build_command: r.build_command.clone(),
            runtime_env_file: r.runtime_env_path.as_ref().map(|p| p.display().to_string()),
            runtime_env_keys: r
                .analysis
                .runtime_env
                .iter()
                .map(|e| e.name.clone())
                .collect(),
            run_command: r.run_command.clone(),
            compose: r.compose.clone(),
            written: r.written,
            notices: r.notices.clone(),
            unchecked: r
                .unchecked
                .iter()
                .map(|(at, message)| UncheckedJson {
                    line: at.line,
                    column: at.column,
                    message: message.clone(),
                })
                .collect(),
        }
    }
}

#[derive(Serialize)]
struct SummaryJson<'a> {
    files: usize,
    with_findings: usize,
    by_rule: &'a std::collections::BTreeMap<&'static str, usize>,
    fixed: usize,
    manual: usize,
    errors: usize,
    suppressed: usize,
}

#[derive(Serialize)]
struct Document<'a> {
    version: u32,
    files: &'a [FileJson],
    /// Per repository whose build callers dfix rewrites: the secrets CI
    /// must provide before the change is merged.
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    repositories: &'a [RepositoryJson],
    summary: SummaryJson<'a>,
}

/// The whole run as one JSON document.
pub fn document(
    files: &[FileJson],
    repositories: &[RepositoryJson],
    summary: &crate::driver::Summary,
) -> String {
    let doc = Document {
        version: 1,
        files,
        repositories,
        summary: SummaryJson {
            files: summary.files + summary.errors,
            with_findings: summary.with_findings,
            by_rule: &summary.by_rule,
            fixed: summary.fixed,
            manual: summary.manual,
            errors: summary.errors,
            suppressed: summary.suppressed,
        },
    };
    let mut out = serde_json::to_string_pretty(&doc).expect("serializable");
    out.push('\n');
    out
}
