//! `--format json`: one document for the whole run. No secret values: edits
//! carry only the text dfix inserts (`${NAME}` references, mount flags), and
//! `.env` keys are listed without their values.

use serde::Serialize;

use crate::engine::FileReport;
use crate::fix::Edit;

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
            written: false,
            notices: Vec::new(),
            unchecked: Vec::new(),
        }
    }

    pub fn from_report(r: &FileReport) -> Self {
        FileJson {
            path: r.path.display().to_string(),
            error: (!r.problems.is_empty()).then(|| r.problems.join("; ")),
            findings: r
                .findings()
                .map(|l| FindingJson {
                    rule: l.finding.rule.id(),
                    name: l.finding.rule.name(),
                    line: l.position.line,
                    column: l.position.column,
                    message: l.finding.message.clone(),
                    fixable: l.finding.fixable(),
                    reason: l.finding.manual.clone(),
                })
                .collect(),
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
                .collect(),
            build_command: r.build_command.clone(),
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
}

#[derive(Serialize)]
struct Document<'a> {
    version: u32,
    files: &'a [FileJson],
    summary: SummaryJson<'a>,
}

/// The whole run as one JSON document.
pub fn document(files: &[FileJson], summary: &crate::driver::Summary) -> String {
    let doc = Document {
        version: 1,
        files,
        summary: SummaryJson {
            files: summary.files + summary.errors,
            with_findings: summary.with_findings,
            by_rule: &summary.by_rule,
            fixed: summary.fixed,
            manual: summary.manual,
            errors: summary.errors,
        },
    };
    let mut out = serde_json::to_string_pretty(&doc).expect("serializable");
    out.push('\n');
    out
}
