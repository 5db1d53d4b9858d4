//! The anti-patterns dfix finds. Each rule is one file whose doc comment says
//! what it catches, why it matters, an example and how safe its fix is; it
//! checks the Dockerfile (reading [`crate::facts`]) and records findings and
//! the intents of its fix in a shared [`Plan`]. [`crate::combine`] turns the
//! intents of all rules into one set of byte edits. A new rule is one file
//! and one line in [`RULES`].

pub mod context_secret_copy;
pub(crate) mod copies;
pub mod docs;
pub(crate) mod evidence;
pub mod hardcoded_credential;
pub mod persisted_credential;
mod runtime_secret;
pub mod secret_build_arg;
pub mod secret_file_copy;
pub mod unused_suppression;

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use serde::Serialize;

use crate::context::BuildContext;
use crate::env_use::Use;
use crate::facts::Facts;
use crate::fix::Edit;
use crate::secrets::{Policy, SecretValue};
use crate::suppress::{Suppression, Suppressions};
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
    /// DF004: see [`persisted_credential`].
    PersistedCredential,
    /// DF005: see [`context_secret_copy`].
    ContextSecretCopy,
    /// DF100: see [`unused_suppression`].
    UnusedSuppression,
}

/// Every rule, in id order.
pub const ALL: [Rule; 6] = [
    Rule::HardcodedCredential,
    Rule::SecretFileCopy,
    Rule::SecretBuildArg,
    Rule::PersistedCredential,
    Rule::ContextSecretCopy,
    Rule::UnusedSuppression,
];

/// The checks, in the order they run: declarations first, so the names of
/// secret variables are known before literals are named; literals before
/// what tools do with them.
const RULES: &[fn(&mut Context<'_, '_, '_>)] = &[
    secret_build_arg::check,
    hardcoded_credential::check,
    persisted_credential::check,
    secret_file_copy::check,
    // After DF002: a file it reported is not reported again.
    context_secret_copy::check,
    // Last: it reports the suppressions the others did not use.
    unused_suppression::check,
];

impl Rule {
    pub fn id(self) -> &'static str {
        match self {
            Rule::HardcodedCredential => "DF001",
            Rule::SecretFileCopy => "DF002",
            Rule::SecretBuildArg => "DF003",
            Rule::PersistedCredential => "DF004",
            Rule::ContextSecretCopy => "DF005",
            Rule::UnusedSuppression => "DF100",
        }
    }

    /// The rule with this id or name, in any case (`DF001`,
    /// `hardcoded-credential`).
    pub fn from_code(code: &str) -> Option<Rule> {
        ALL.into_iter()
            .find(|r| r.id().eq_ignore_ascii_case(code) || r.name().eq_ignore_ascii_case(code))
    }

    pub fn name(self) -> &'static str {
        match self {
            Rule::HardcodedCredential => "hardcoded-credential",
            Rule::SecretFileCopy => "secret-file-copy",
            Rule::SecretBuildArg => "secret-build-arg",
            Rule::PersistedCredential => "persisted-credential",
            Rule::ContextSecretCopy => "context-secret-copy",
            Rule::UnusedSuppression => "unused-suppression",
        }
    }

    pub fn summary(self) -> &'static str {
        match self {
            Rule::HardcodedCredential => "a credential is written into the Dockerfile",
            Rule::SecretFileCopy => "a secret file is copied into an image layer",
            Rule::SecretBuildArg => {
                "a secret is passed as a build argument or environment variable"
            }
            Rule::PersistedCredential => "a command writes a credential it is given into the image",
            Rule::ContextSecretCopy => {
                "a COPY of a directory brings a secret file from the build context"
            }
            Rule::UnusedSuppression => "a suppression comment silences nothing",
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
    /// For a secret environment variable: who reads it (see
    /// [`crate::env_use`]).
    #[serde(rename = "use", skip_serializing_if = "Option::is_none")]
    pub env_use: Option<Use>,
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

/// A finding a person has silenced: reported as such, never fixed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SuppressedFinding {
    pub finding: Finding,
    pub by: Suppression,
}

/// A value the build now reads from the `.env` file (or, in
/// [`Plan::runtime_env`], the container from the run-time env file).
#[derive(Clone, Debug)]
pub struct EnvSecret {
    pub name: String,
    pub value: EnvValue,
}

/// What an `.env` entry holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EnvValue {
    /// A literal taken out of the Dockerfile.
    Secret(SecretValue),
    /// The value used to come from `--build-arg NAME=...`: the user fills it
    /// in.
    Placeholder,
    /// A tool's own variable made of other entries: the text of a
    /// double-quoted shell word whose only expansions are `${NAME}` of
    /// earlier entries (`url.https://ci:${GIT_TOKEN}@host/.insteadOf`).
    Derived(String),
    /// A derived value that gathers what every Dockerfile sharing the file
    /// needs (`GIT_CONFIG_COUNT`, `COMPOSER_AUTH`): a new line supersedes the
    /// one dfix wrote before.
    Collected(String),
}

impl EnvValue {
    /// The literal, when there is one.
    pub fn secret(&self) -> Option<&SecretValue> {
        match self {
            EnvValue::Secret(v) => Some(v),
            _ => None,
        }
    }
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

/// A literal moved to the `.env` file, where it was.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LiteralUse {
    pub run: usize,
    /// Index into [`Facts::run_texts`] of the RUN.
    pub text: usize,
    /// The word of the lexed text, and the literal's bytes in its value.
    pub word: usize,
    pub range: std::ops::Range<usize>,
    /// The `.env` entry it moved to.
    pub name: String,
}

/// A secret file dfix creates next to the `.env` file (the content a RUN
/// used to write into the image), mounted where it was written.
#[derive(Clone, Debug)]
pub struct GeneratedFile {
    pub id: String,
    pub content: SecretValue,
    /// Where RUNs find it.
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

/// Why nothing is rewritten in a shell text that ends inside something it
/// opened (the shell would refuse it too).
pub(crate) const INCOMPLETE: &str =
    "the shell text ends inside an unterminated quote, substitution or \
     heredoc: dfix does not rewrite what the shell cannot parse";

/// Findings, intents and the secrets the fixed build needs, collected by
/// the rules of one file.
#[derive(Debug, Default)]
pub struct Plan {
    pub findings: Vec<Finding>,
    /// Findings silenced by a suppression (their fixes are not planned).
    pub suppressed: Vec<SuppressedFinding>,
    pub intents: Vec<Intent>,
    /// Bytes to replace (splices of literals, rewritten exec forms).
    pub edits: Vec<Edit>,
    /// RUNs that read the `.env` file: they mount it and source it first.
    pub source_env: std::collections::BTreeSet<usize>,
    /// RUNs whose new text already sources it (an exec form rewritten to
    /// the shell form): they only mount it.
    pub sourced: std::collections::BTreeSet<usize>,
    pub env: Vec<EnvSecret>,
    /// Values the container reads at run time, for the `--runtime-env` file.
    pub runtime_env: Vec<EnvSecret>,
    /// Every secret environment variable the container reads at run time,
    /// moved to the run-time env file or left for a person.
    pub runtime_names: Vec<String>,
    pub files: Vec<FileSecret>,
    /// Where literal secret values sit in the original text (fixed or not),
    /// for masking output.
    pub secret_spans: Vec<Span>,
    /// Secret variables whose declarations go: the build now reads them from
    /// the `.env` file (and commands that use them may keep them: DF004).
    pub secret_vars: std::collections::BTreeSet<String>,
    /// Secret build args whose `ARG` goes (the names callers pass with
    /// `--build-arg`): what [`crate::callers`] is asked about.
    pub removed_args: BTreeSet<String>,
    /// RUNs that read secret build args as their own secrets
    /// ([`PerSecret`]), with the names each reads.
    pub secret_reads: BTreeMap<usize, BTreeSet<String>>,
    /// Every name read that way, in the order first planned: the build gets
    /// `--secret id=NAME,env=NAME` for each.
    pub per_secret: Vec<String>,
    /// Those secrets are mounted with `env=NAME` (see [`PerSecret`]).
    pub secret_env_mount: bool,
    /// Secret variables whose declarations stay (a person must handle
    /// them): a RUN of their scope reads their value from there, so no
    /// literal may be renamed after them.
    pub kept_vars: std::collections::BTreeSet<String>,
    /// Where literals moved to the `.env` file were used.
    pub literal_uses: Vec<LiteralUse>,
    /// Secret files dfix writes next to the `.env` file and mounts.
    pub generated: Vec<GeneratedFile>,
    /// What could not be checked.
    pub notices: Vec<Notice>,
    /// Context paths the ignore file must now leave out (besides the
    /// sources of [`Plan::files`]).
    pub exclude: Vec<String>,
    /// Context paths of the secret files DF002 reported (DF005 leaves them).
    pub reported_sources: BTreeSet<String>,
    env_index: HashMap<String, usize>,
    by_value: HashMap<String, usize>,
    taken: HashSet<String>,
    /// For each base name, the next `_N` suffix worth trying.
    next_suffix: HashMap<String, usize>,
}

impl Plan {
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

    /// The RUN reads the secret build arg `name` from its own secret.
    pub fn read_secret(&mut self, run: usize, name: &str) {
        self.secret_reads
            .entry(run)
            .or_default()
            .insert(name.to_owned());
    }

    /// Replaces a span that earlier edits may have touched inside (a whole
    /// URL whose password was spliced): those edits go.
    pub fn replace_span(&mut self, span: Span, content: String) {
        self.edits
            .retain(|e| !(span.start <= e.span.start && e.span.end <= span.end));
        self.edits.push(Edit::replace(span, content));
    }

    /// The name of the `.env` entry holding this literal, if one does.
    pub fn env_name_of_value(&self, value: &str) -> Option<&str> {
        self.by_value.get(value).map(|&i| self.env[i].name.as_str())
    }

    /// Whether `.env` already has an entry with this name.
    pub fn has_env(&self, name: &str) -> bool {
        self.env_index.contains_key(name)
    }

    /// Adds a collected entry (see [`EnvValue::Collected`]).
    pub fn add_collected(&mut self, name: &str, template: String) -> bool {
        match self.env_index.get(name) {
            Some(&i) => self.env[i].value == EnvValue::Collected(template),
            None => {
                self.add_env(name.to_owned(), EnvValue::Collected(template));
                true
            }
        }
    }

    /// Adds a derived entry; `false` when the name already holds something
    /// else (two different values for one tool variable).
    pub fn add_derived(&mut self, name: &str, template: String) -> bool {
        // `AWS_ACCESS_KEY_ID="${AWS_ACCESS_KEY_ID}"`: the entry is there.
        if template == format!("${{{name}}}") && self.env_index.contains_key(name) {
            return true;
        }
        match self.env_index.get(name) {
            Some(&i) => self.env[i].value == EnvValue::Derived(template),
            None => {
                self.add_env(name.to_owned(), EnvValue::Derived(template));
                true
            }
        }
    }

    /// A variable name no made-up name may take.
    pub fn reserve(&mut self, name: &str) {
        self.taken.insert(name.to_owned());
    }

    /// Adds an `.env` entry (once per name).
    pub fn add_env(&mut self, name: String, value: EnvValue) {
        if self.env_index.contains_key(&name) {
            return;
        }
        if let EnvValue::Secret(v) = &value {
            self.by_value
                .entry(v.expose().to_owned())
                .or_insert(self.env.len());
        }
        self.env_index.insert(name.clone(), self.env.len());
        self.taken.insert(name.clone());
        self.env.push(EnvSecret { name, value });
    }

    /// Adds an entry of the run-time env file (once per name).
    pub fn add_runtime_env(&mut self, name: String, value: EnvValue) {
        if self.runtime_env.iter().all(|e| e.name != name) {
            self.runtime_env.push(EnvSecret { name, value });
        }
    }
}

/// What a run's settings tell the rules.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// What is and is not a secret, beyond the built-in judgement.
    pub policy: Policy,
    /// Rules the configuration silences.
    pub ignore: Vec<Rule>,
    /// `--runtime-env`: a run-time secret leaves the image for a run-time
    /// env file (by default it is left for a person).
    pub runtime_env: bool,
    /// Secret build args that stay `ARG`s because of the files that build
    /// the Dockerfile (a caller dfix cannot rewrite, one that might build
    /// it unseen): name and why, naming the caller's place. Set by the
    /// engine once it has asked [`crate::callers`].
    pub caller_blocked: BTreeMap<String, String>,
    /// How a secret build arg whose value a caller passes reaches the RUNs:
    /// `None` through the `.env` file (`--secrets env-file`), otherwise one
    /// secret per arg.
    pub per_secret: Option<PerSecret>,
}

/// One BuildKit secret per former build arg, with the arg's name as id.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PerSecret {
    /// The frontend (`# syntax=` 1.10 or newer) sets the variable itself:
    /// `--mount=type=secret,id=NAME,env=NAME`. Otherwise the RUN reads the
    /// file into it: `export NAME="$(cat /run/secrets/NAME)"`.
    pub env_mount: bool,
}

/// What a rule sees: the file, its facts, the existing `.env`, the run's
/// policy on secrets, the file's suppressions, the build context (when
/// there is one to read), the plan.
pub struct Context<'a, 'd, 's> {
    pub d: &'d Dockerfile<'s>,
    pub facts: &'a Facts<'d, 's>,
    pub build: Option<&'a dyn BuildContext>,
    /// Keys and values of the existing `.env`.
    pub existing: &'a BTreeMap<String, String>,
    /// Its derived entries' text.
    pub existing_derived: &'a BTreeMap<String, String>,
    /// The same, keys by value.
    existing_keys: HashMap<&'a str, Vec<&'a str>>,
    pub options: &'a Options,
    /// Exec-form RUNs DF001 rewrites to the shell form: they can source
    /// the env file once it has.
    pub converted_exec: std::collections::BTreeSet<usize>,
    /// What is a secret: ask it rather than [`crate::secrets`]'s plain
    /// functions, so that the settings apply.
    pub policy: &'a Policy,
    pub suppressions: Suppressions,
    pub plan: Plan,
}

impl Context<'_, '_, '_> {
    pub fn src(&self) -> &str {
        self.d.source
    }

    /// Every ARG or ENV that declares `name` gives it exactly `value` (or
    /// none does): an `.env` entry `name=value` changes no RUN's view of it.
    fn declarations_give(&self, name: &str, value: &str) -> bool {
        if !self.facts.declared.contains(name) {
            return true;
        }
        self.d.instructions.iter().all(|ins| {
            secret_build_arg::pairs_of(ins).is_none_or(|pairs| {
                pairs.iter().filter(|kv| kv.key.value == name).all(|kv| {
                    let given = match &kv.value {
                        Some(v) => Some(secret_build_arg::literal(&v.value)),
                        None => self
                            .facts
                            .global_args
                            .get(name)
                            .map(|g| secret_build_arg::literal(g)),
                    };
                    given.as_deref() == Some(value)
                })
            })
        })
    }

    /// Records a finding of `rule` at `span` (`manual`: why a person has to
    /// fix it). Returns whether the rule should go on to plan its fix:
    /// false when a suppression silences it (it is then recorded as
    /// suppressed, and nothing of its fix may be planned).
    pub fn report(
        &mut self,
        rule: Rule,
        span: Span,
        message: String,
        manual: Option<String>,
    ) -> bool {
        self.report_finding(Finding {
            rule,
            span,
            message,
            manual,
            env_use: None,
        })
    }

    /// [`Context::report`] for a finding built by the rule (one that says
    /// who reads a variable, say).
    pub fn report_finding(&mut self, finding: Finding) -> bool {
        let (rule, span) = (finding.rule, finding.span);
        match self.suppressions.check(rule, span.start) {
            Some(by) => {
                self.plan.suppressed.push(SuppressedFinding { finding, by });
                false
            }
            None => {
                self.plan.findings.push(finding);
                true
            }
        }
    }

    /// Whether a finding of `rule` at `span` would be silenced, for a rule
    /// that must know before it plans anything (it still calls
    /// [`Context::report`]).
    pub fn suppressed(&self, rule: Rule, span: Span) -> bool {
        self.suppressions.covers(rule, span.start)
    }

    /// The name for a literal found in a RUN: the name already planned for
    /// the same value, else one equal to `base` or `base_N` that an
    /// existing `.env` holds with this value, else a fresh one.
    pub fn name_for_literal(&mut self, base: &str, value: &str) -> String {
        if let Some(&i) = self.plan.by_value.get(value) {
            let name = &self.plan.env[i].name;
            if self.declarations_give(name, value) && !self.plan.kept_vars.contains(name) {
                return name.clone();
            }
        }
        let reuse = self.existing_keys.get(value).and_then(|keys| {
            keys.iter().find(|k| {
                (**k == base || k.strip_prefix(base).is_some_and(|r| r.starts_with('_')))
                    && self.declarations_give(k, value)
                    && !self.plan.kept_vars.contains(**k)
            })
        });
        if let Some(name) = reuse {
            let name = (*name).to_owned();
            self.plan.taken.insert(name.clone());
            return name;
        }
        let mut name = base.to_owned();
        let mut n = self.plan.next_suffix.get(base).copied().unwrap_or(2);
        // A name an ARG or ENV declares is the RUN's own variable: `.env`
        // would override it in every RUN that sources it.
        while self.plan.taken.contains(&name)
            || self.existing.contains_key(&name)
            || self.facts.declared.contains(&name)
        {
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
    env: &crate::envfile::Existing,
    options: &Options,
    build: Option<&dyn BuildContext>,
) -> Plan {
    let existing = &env.values;
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
        existing_derived: &env.derived,
        existing_keys,
        options,
        converted_exec: (0..d.instructions.len())
            .filter(|&i| d.instructions[i].keyword == crate::syntax::Keyword::Run)
            .filter(|&i| hardcoded_credential::converts_exec_form(facts, &options.policy, i))
            .collect(),
        policy: &options.policy,
        suppressions: Suppressions::new(d, &options.ignore),
        plan: Plan {
            secret_env_mount: options.per_secret.is_some_and(|p| p.env_mount),
            ..Plan::default()
        },
    };
    for rule in RULES {
        rule(&mut cx);
    }
    let mut plan = cx.plan;
    plan.findings.sort_by_key(|f| (f.span.start, f.rule));
    plan.suppressed
        .sort_by_key(|s| (s.finding.span.start, s.finding.rule));
    plan
}
