//! Planning the migration of one Dockerfile: run the rules over its stages,
//! decide what can be fixed, and turn that into byte-exact [`Edit`]s plus the
//! secrets the build must now receive (`.env` entries and mounted files).
//!
//! `stage` reads a stage (declarations, copies, uses outside RUN), `run`
//! rewrites RUN instructions, `settle` decides what each secret becomes and
//! emits the edits; `values` judges literals and `text` holds text helpers.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::ops::Range;

use crate::envfile;
use crate::fix::Edit;
use crate::rules::secret_file_copy::is_secret_file;
use crate::rules::{Finding, Rule};
use crate::secrets::{self, SecretValue};
use crate::shell;
use crate::syntax::{Args, Dockerfile, Instruction, Keyword, Span};

mod run;
mod settle;
mod stage;
mod text;
mod values;

use text::*;
use values::*;

/// Why nothing is rewritten in a Windows stage.
const WINDOWS: &str = "Windows/PowerShell stage: sourcing a POSIX env file does not apply";

/// The secret id under which the `.env` file is mounted.
pub const ENV_SECRET_ID: &str = "env";

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

/// Everything dfix would do to one Dockerfile.
#[derive(Debug, Default)]
pub struct Migration {
    pub findings: Vec<Finding>,
    pub edits: Vec<Edit>,
    pub env: Vec<EnvSecret>,
    pub files: Vec<FileSecret>,
    /// Where literal secret values sit in the original text (fixed or not),
    /// for masking output.
    pub secret_spans: Vec<Span>,
}

impl Migration {
    pub fn uses_env_file(&self) -> bool {
        !self.env.is_empty()
    }
}

/// Secret mounts and sourcing one RUN needs.
#[derive(Default, Debug)]
struct RunNeeds {
    env: bool,
    /// The command was rewritten with the sourcing already in it.
    sourced: bool,
    mounts: Vec<String>,
}

/// A secret ARG or ENV of a stage.
#[derive(Debug)]
struct SecretVar {
    name: String,
    /// The declaring instruction and the range of the `name[=value]` word.
    decl: usize,
    word: Span,
    from_env: bool,
    /// `ENV NAME=$NAME` promotions of it: more words to delete.
    promotions: Vec<(usize, Span)>,
    value: Option<SecretValue>,
    /// RUNs naming it.
    used_by: Vec<usize>,
    /// Why it cannot be fixed, if so.
    blocked: Option<String>,
}

/// Operands naming a copied secret file in one `rm`/`chmod`/`chown`.
#[derive(Debug, Clone)]
struct Cleanup {
    run: usize,
    segment: usize,
    /// How many operands the command has.
    operands: usize,
    /// The ones naming this file (file offsets).
    mine: Vec<Span>,
}

/// A secret file copied into the image by a stage.
#[derive(Debug)]
struct CopiedFile {
    copy: usize,
    /// The source word to delete (the whole COPY if it is the only one).
    source_word: Span,
    only_source: bool,
    source: String,
    target: String,
    mount_options: String,
    /// RUNs while it is present, and the removals found.
    runs: Vec<usize>,
    removed_by: Option<usize>,
    /// Its operands in `rm`/`chmod`/`chown` commands.
    cleanups: Vec<Cleanup>,
    blocked: Option<String>,
}

/// Analyses `d` and plans its migration.
pub fn plan(d: &Dockerfile) -> Migration {
    plan_with_existing(d, &BTreeMap::new())
}

/// Like [`plan`], knowing the keys and values an existing `.env` already
/// holds: a literal equal to one of them reuses its name; names dfix makes up
/// never take a key that holds another value.
pub fn plan_with_existing(d: &Dockerfile, existing: &BTreeMap<String, String>) -> Migration {
    let mut planner = Planner {
        d,
        existing,
        m: Migration::default(),
        runs: BTreeMap::new(),
        taken_names: HashSet::new(),
        deleted: BTreeSet::new(),
        declarations_deleted: BTreeMap::new(),
        segment_removals: BTreeMap::new(),
        operand_removals: BTreeMap::new(),
        userinfo_vars: BTreeSet::new(),
        public_vars: BTreeSet::new(),
        redeclared_args: BTreeSet::new(),
        settled_secret_args: BTreeSet::new(),
    };
    planner.run();
    planner.finish()
}

struct Planner<'a, 's> {
    d: &'a Dockerfile<'s>,
    /// Keys and values of the existing `.env`.
    existing: &'a BTreeMap<String, String>,
    m: Migration,
    runs: BTreeMap<usize, RunNeeds>,
    taken_names: HashSet<String>,
    /// Instructions deleted whole.
    deleted: BTreeSet<usize>,
    /// Operands to delete, by (RUN, segment): the operand count and the spans.
    operand_removals: BTreeMap<(usize, usize), (usize, BTreeSet<Span>)>,
    /// Shell segments to delete, by RUN (decided in `finish`).
    segment_removals: BTreeMap<usize, BTreeSet<usize>>,
    /// ARG/ENV words to delete, by instruction.
    declarations_deleted: BTreeMap<usize, Vec<Span>>,
    /// Secret variables whose declarations were removed from a stage.
    settled_secret_args: BTreeSet<String>,
    /// Variables used in the user-info part of a URL anywhere in the file.
    userinfo_vars: BTreeSet<String>,
    /// ARG names declared inside some stage.
    redeclared_args: BTreeSet<String>,
    /// Secret-sounding variables whose value is public (a fingerprint).
    public_vars: BTreeSet<String>,
}

/// The text of a shell-form RUN command, with its offset in the file.
fn shell_text<'s>(d: &Dockerfile<'s>, ins: &Instruction) -> Option<(usize, &'s str)> {
    match &ins.args {
        Args::Text(_) => Some((ins.args_span.start, ins.args_span.text(d.source))),
        _ => None,
    }
}

fn shift(span: Range<usize>, by: usize) -> Span {
    Span::new(span.start + by, span.end + by)
}

impl<'s> Planner<'_, 's> {
    fn src(&self) -> &'s str {
        self.d.source
    }

    fn finding(&mut self, rule: Rule, span: Span, message: String, manual: Option<String>) {
        self.m.findings.push(Finding {
            rule,
            span,
            message,
            manual,
        });
    }

    fn unique_name(&mut self, base: &str) -> String {
        let mut name = base.to_owned();
        let mut n = 2;
        while self.taken_names.contains(&name) || self.existing.contains_key(&name) {
            name = format!("{base}_{n}");
            n += 1;
        }
        self.taken_names.insert(name.clone());
        name
    }

    fn stages(&self) -> Vec<Range<usize>> {
        let ins = &self.d.instructions;
        let mut starts: Vec<usize> = ins
            .iter()
            .enumerate()
            .filter(|(_, i)| i.keyword == Keyword::From)
            .map(|(n, _)| n)
            .collect();
        starts.push(ins.len());
        starts.windows(2).map(|w| w[0]..w[1]).collect()
    }

    fn run(&mut self) {
        let windows = self.d.escape == '`';
        self.userinfo_vars = userinfo_variables(self.src());
        // ARGs before the first FROM: their defaults, for stages that re-declare them.
        let mut global_defaults: BTreeMap<String, String> = BTreeMap::new();
        for ins in self
            .d
            .instructions
            .iter()
            .take_while(|i| i.keyword != Keyword::From)
        {
            if let Args::KeyValues(pairs) = &ins.args {
                for kv in pairs {
                    if let Some(v) = &kv.value {
                        global_defaults.insert(kv.key.value.to_string(), v.value.to_string());
                    }
                }
            }
        }
        for stage in self.stages() {
            self.stage(stage, windows, &global_defaults);
        }
        self.global_args();
    }

    /// A secret ARG before the first FROM goes too once every stage's copy
    /// of it has gone, unless a FROM line needs it.
    fn global_args(&mut self) {
        let d = self.d;
        let from_text: String = d
            .instructions
            .iter()
            .filter(|i| i.keyword == Keyword::From)
            .map(|i| i.span.text(d.source))
            .collect();
        for (idx, ins) in d.instructions.iter().enumerate() {
            if ins.keyword == Keyword::From {
                break;
            }
            let Args::KeyValues(pairs) = &ins.args else {
                continue;
            };
            for kv in pairs {
                let name = kv.key.value.as_ref();
                let secret = secrets::is_secret_name(name) || self.userinfo_vars.contains(name);
                if !self.settled_secret_args.contains(name) {
                    if secret
                        && !self.redeclared_args.contains(name)
                        && !references(&from_text, name)
                    {
                        self.finding(
                            Rule::SecretBuildArg,
                            kv.span,
                            format!("secret build argument {name} is declared before FROM only"),
                            Some(format!(
                                "no stage re-declares it, so RUN sees {name} empty: \
                                 re-declare it in the stage or pass it as a secret"
                            )),
                        );
                    }
                    continue;
                }
                if references(&from_text, name) {
                    self.finding(
                        Rule::SecretBuildArg,
                        kv.span,
                        format!("secret build argument {name} is used by FROM"),
                        Some("a FROM line needs it; pass it another way".into()),
                    );
                    continue;
                }
                self.delete_declaration(idx, kv.span);
            }
        }
    }

    /// Name for a literal found in a RUN: reuse one already planned for the
    /// same value.
    pub(super) fn env_name_for(&mut self, base: &str, value: &str) -> String {
        if let Some(existing) = self
            .m
            .env
            .iter()
            .find(|e| e.value.as_ref().is_some_and(|v| v.expose() == value))
        {
            return existing.name.clone();
        }
        if let Some((name, _)) = self.existing.iter().find(|(k, v)| {
            *v == value && (*k == base || k.strip_prefix(base).is_some_and(|r| r.starts_with('_')))
        }) {
            let name = name.clone();
            self.taken_names.insert(name.clone());
            return name;
        }
        self.unique_name(base)
    }

    pub(super) fn add_env(&mut self, name: String, value: Option<SecretValue>) {
        if !self.m.env.iter().any(|e| e.name == name) {
            self.m.env.push(EnvSecret { name, value });
        }
    }

    /// Deletes a whole instruction with its line (indentation and line ending).
    pub(super) fn delete_instruction(&mut self, idx: usize) {
        if !self.deleted.insert(idx) {
            return;
        }
        let span = self.d.instructions[idx].span;
        self.m
            .edits
            .push(Edit::delete(whole_lines(self.src(), span)));
    }
}
