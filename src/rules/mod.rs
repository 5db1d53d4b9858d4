//! The anti-patterns dfix finds. Each rule is one file whose doc comment says
//! what it catches, why it matters, an example and how safe its fix is; it
//! checks the Dockerfile (reading [`crate::facts`]) and records findings and
//! the intents of its fix in a shared [`Plan`]. [`crate::combine`] turns the
//! intents of all rules into one set of byte edits. A new rule is one file
//! and one line in [`RULES`].

pub mod context_secret_copy;
pub(crate) mod copies;
pub(crate) mod evidence;
pub mod hardcoded_credential;
pub mod secret_build_arg;
pub mod secret_file_copy;

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use serde::Serialize;

use crate::context::BuildContext;
use crate::facts::Facts;
use crate::fix::Edit;
use crate::secrets::SecretValue;
use crate::syntax::{Dockerfile, Span};

/// A rule's identity.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum Rule {
    /// DF001: see [`hardcoded_credential`].
    HardcodedCredential,
    /// DF002: see [`secret_file_copy`].
    SecretFileCopy,
    /// DF003: see [`secret_build_arg`].
    SecretBuildArg,
    /// DF004: see [`context_secret_copy`].
    ContextSecretCopy,
}

/// Every rule, in id order.
pub const ALL: [Rule; 4] = [
    Rule::HardcodedCredential,
    Rule::SecretFileCopy,
    Rule::SecretBuildArg,
    Rule::ContextSecretCopy,
];

/// The checks, in the order they run: declarations first, so the names of
/// secret variables are known before literals are named.
const RULES: &[fn(&mut Context<'_, '_, '_>)] = &[
    secret_build_arg::check,
    hardcoded_credential::check,
    secret_file_copy::check,
    // After DF002: a file it reported is not reported again.
    context_secret_copy::check,
];

impl Rule {
    pub fn id(self) -> &'static str {
        match self {
            Rule::HardcodedCredential => "DF001",
            Rule::SecretFileCopy => "DF002",
            Rule::SecretBuildArg => "DF003",
            Rule::ContextSecretCopy => "DF004",
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Rule::HardcodedCredential => "hardcoded-credential",
            Rule::SecretFileCopy => "secret-file-copy",
            Rule::SecretBuildArg => "secret-build-arg",
            Rule::ContextSecretCopy => "context-secret-copy",
        }
    }

    pub fn summary(self) -> &'static str {
        match self {
            Rule::HardcodedCredential => "a credential is written into the Dockerfile",
            Rule::SecretFileCopy => "a secret file is copied into an image layer",
            Rule::SecretBuildArg => {
                "a secret is passed as a build argument or environment variable"
            }
            Rule::ContextSecretCopy => {
                "a COPY of a directory brings a secret file from the build context"
            }
        }
    }
}

/// One problem found in a Dockerfile. The message never holds a secret value.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub rule: Rule,
    pub span: Span,
    pub message: String,
    /// `None` when dfix fixes it; otherwise why a person has to.
    pub manual: Option<String>,
}

impl Finding {
    pub fn fixable(&self) -> bool {
        self.manual.is_none()
    }
}

/// Something dfix could not check, with where it is: not a finding (a
/// clean file gets notices too), but worth saying.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Notice {
    pub span: Span,
    pub message: String,
}

/// A value the build now reads from the `.env` file.
#[derive(Clone, Debug)]
pub struct EnvSecret {
    pub name: String,
    /// `None`: the value used to come from `--build-arg NAME=...`; the user
    /// fills it in.
    pub value: Option<SecretValue>,
}

/// A file the build now receives as a secret mount instead of a COPY.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileSecret {
    pub id: String,
    /// Path of the file in the build context, as the COPY named it.
    pub source: String,
    /// Where it is mounted (the path it used to have in the image).
    pub target: String,
}

/// One piece of a fix, as a rule wants it; [`crate::combine`] merges them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Intent {
    /// The RUN gets this `--mount=` value.
    Mount(usize, String),
    /// The instruction goes, with its line.
    DeleteInstruction(usize),
    /// One `name[=value]` word of an ARG/ENV goes (the instruction too once
    /// all its words go).
    DeleteDeclaration(usize, Span),
    /// Top-level commands of one shell text of a RUN go (the RUN too when
    /// nothing is left). `text` indexes [`Facts::run_texts`].
    RemoveCommands {
        run: usize,
        text: usize,
        commands: Vec<usize>,
    },
    /// Some operands of one command go (`rm -f .npmrc notes.txt`); the
    /// command goes when none would be left.
    RemoveOperands {
        run: usize,
        text: usize,
        command: usize,
        /// Word indices of the operands to remove.
        operands: Vec<usize>,
        /// How many operands the command has.
        total: usize,
    },
}

/// Findings, intents and the secrets the fixed build needs, collected by
/// the rules of one file.
#[derive(Debug, Default)]
pub struct Plan {
    pub findings: Vec<Finding>,
    pub intents: Vec<Intent>,
    /// Bytes to replace (splices of literals, rewritten exec forms).
    pub edits: Vec<Edit>,
    /// RUNs that read the `.env` file: they mount it and source it first.
    pub source_env: std::collections::BTreeSet<usize>,
    /// RUNs whose new text already sources it (an exec form rewritten to
    /// the shell form): they only mount it.
    pub sourced: std::collections::BTreeSet<usize>,
    pub env: Vec<EnvSecret>,
    pub files: Vec<FileSecret>,
    /// Where literal secret values sit in the original text (fixed or not),
    /// for masking output.
    pub secret_spans: Vec<Span>,
    /// What could not be checked.
    pub notices: Vec<Notice>,
    /// Context paths the ignore file must now leave out (besides the
    /// sources of [`Plan::files`]).
    pub exclude: Vec<String>,
    /// Context paths of the secret files DF002 reported (DF004 leaves them).
    pub reported_sources: BTreeSet<String>,
    env_index: HashMap<String, usize>,
    by_value: HashMap<String, usize>,
    taken: HashSet<String>,
    /// For each base name, the next `_N` suffix worth trying.
    next_suffix: HashMap<String, usize>,
}

impl Plan {
    pub fn finding(&mut self, rule: Rule, span: Span, message: String, manual: Option<String>) {
        self.findings.push(Finding {
            rule,
            span,
            message,
            manual,
        });
    }

    pub fn notice(&mut self, span: Span, message: String) {
        self.notices.push(Notice { span, message });
    }

    pub fn intend(&mut self, intent: Intent) {
        self.intents.push(intent);
    }

    pub fn edit(&mut self, edit: Edit) {
        self.edits.push(edit);
    }

    /// The RUN reads the `.env` file.
    pub fn source_env(&mut self, run: usize) {
        self.source_env.insert(run);
    }

    /// A variable name no made-up name may take.
    pub fn reserve(&mut self, name: &str) {
        self.taken.insert(name.to_owned());
    }

    /// Adds an `.env` entry (once per name).
    pub fn add_env(&mut self, name: String, value: Option<SecretValue>) {
        if self.env_index.contains_key(&name) {
            return;
        }
        if let Some(v) = &value {
            self.by_value
                .entry(v.expose().to_owned())
                .or_insert(self.env.len());
        }
        self.env_index.insert(name.clone(), self.env.len());
        self.taken.insert(name.clone());
        self.env.push(EnvSecret { name, value });
    }
}

/// What a rule sees: the file, its facts, the existing `.env`, the build
/// context (when there is one to read), the plan.
pub struct Context<'a, 'd, 's> {
    pub d: &'d Dockerfile<'s>,
    pub facts: &'a Facts<'d, 's>,
    pub build: Option<&'a dyn BuildContext>,
    /// Keys and values of the existing `.env`.
    pub existing: &'a BTreeMap<String, String>,
    /// The same, keys by value.
    existing_keys: HashMap<&'a str, Vec<&'a str>>,
    pub plan: Plan,
}

impl Context<'_, '_, '_> {
    pub fn src(&self) -> &str {
        self.d.source
    }

    /// The name for a literal found in a RUN: the name already planned for
    /// the same value, else one equal to `base` or `base_N` that an
    /// existing `.env` holds with this value, else a fresh one.
    pub fn name_for_literal(&mut self, base: &str, value: &str) -> String {
        if let Some(&i) = self.plan.by_value.get(value) {
            return self.plan.env[i].name.clone();
        }
        let reuse = self.existing_keys.get(value).and_then(|keys| {
            keys.iter()
                .find(|k| **k == base || k.strip_prefix(base).is_some_and(|r| r.starts_with('_')))
        });
        if let Some(name) = reuse {
            let name = (*name).to_owned();
            self.plan.taken.insert(name.clone());
            return name;
        }
        let mut name = base.to_owned();
        let mut n = self.plan.next_suffix.get(base).copied().unwrap_or(2);
        while self.plan.taken.contains(&name) || self.existing.contains_key(&name) {
            name = format!("{base}_{n}");
            n += 1;
        }
        self.plan.next_suffix.insert(base.to_owned(), n);
        self.plan.taken.insert(name.clone());
        name
    }
}

/// Runs every rule over `d`.
pub fn check(
    d: &Dockerfile<'_>,
    facts: &Facts<'_, '_>,
    existing: &BTreeMap<String, String>,
    build: Option<&dyn BuildContext>,
) -> Plan {
    let mut existing_keys: HashMap<&str, Vec<&str>> = HashMap::new();
    for (k, v) in existing {
        existing_keys
            .entry(v.as_str())
            .or_default()
            .push(k.as_str());
    }
    let mut cx = Context {
        d,
        facts,
        build,
        existing,
        existing_keys,
        plan: Plan::default(),
    };
    for rule in RULES {
        rule(&mut cx);
    }
    let mut plan = cx.plan;
    plan.findings.sort_by_key(|f| (f.span.start, f.rule));
    plan
}
