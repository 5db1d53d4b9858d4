//! Planning the migration of one Dockerfile: run the rules over its stages,
//! decide what can be fixed, and turn that into byte-exact [`Edit`]s plus the
//! secrets the build must now receive (`.env` entries and mounted files).

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::ops::Range;

use crate::envfile;
use crate::fix::Edit;
use crate::rules::secret_file_copy::is_secret_file;
use crate::rules::{Finding, Rule};
use crate::secrets::{self, SecretValue};
use crate::shell;
use crate::syntax::{Args, Dockerfile, Instruction, Keyword, Span};

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

    fn stage(&mut self, stage: Range<usize>, windows: bool, globals: &BTreeMap<String, String>) {
        let d = self.d;
        let mut workdir: Option<String> = None;
        let mut non_root_user = false;
        let mut windows = windows;
        let mut vars: Vec<SecretVar> = Vec::new();
        let mut files: Vec<CopiedFile> = Vec::new();
        for idx in stage.clone() {
            let ins = &d.instructions[idx];
            match ins.keyword {
                Keyword::From => {
                    if let Args::Words(w) = &ins.args {
                        let image = w.first().map(|a| a.value.to_ascii_lowercase());
                        if image.is_some_and(|i| i.contains("windows") || i.contains("nanoserver"))
                        {
                            windows = true;
                        }
                    }
                    self.uses_outside_run(ins, &mut vars);
                }
                Keyword::Shell => {
                    if let Args::Exec(a) = &ins.args {
                        if a.first().is_some_and(|s| {
                            s.value.to_ascii_lowercase().contains("powershell")
                                || s.value.contains("pwsh")
                                || s.value.contains("cmd")
                        }) {
                            windows = true;
                        }
                    }
                }
                Keyword::Workdir => {
                    if let Args::Text(a) = &ins.args {
                        let dir = a.value.trim_matches('"').to_owned();
                        workdir = if dir.contains('$') {
                            None
                        } else if dir.starts_with('/') {
                            Some(dir)
                        } else {
                            workdir.map(|w| join(&w, &dir))
                        };
                    }
                }
                Keyword::User => {
                    if let Args::Text(a) = &ins.args {
                        let user = a.value.split(':').next().unwrap_or("");
                        non_root_user = !(user == "root" || user == "0");
                    }
                }
                Keyword::Arg | Keyword::Env => self.declarations(idx, &mut vars, globals),
                Keyword::Copy | Keyword::Add => {
                    self.copy(idx, workdir.as_deref(), non_root_user, &mut files)
                }
                Keyword::Run => {
                    for f in files.iter_mut().filter(|f| f.removed_by.is_none()) {
                        f.runs.push(idx);
                    }
                    self.run_instruction(idx, &mut vars, &mut files, windows);
                }
                Keyword::Onbuild => {
                    let inner = ins.effective();
                    if let Args::KeyValues(pairs) = &inner.args {
                        for kv in pairs {
                            let name = kv.key.value.as_ref();
                            if secrets::is_secret_name(name) {
                                let kw = inner.keyword_upper(self.src());
                                self.finding(
                                    Rule::SecretBuildArg,
                                    kv.span,
                                    format!(
                                        "ONBUILD {kw} {name}: a secret for the child image's build"
                                    ),
                                    Some("ONBUILD runs in another build; fix it there".into()),
                                );
                            }
                        }
                    }
                    let text = ins.span.text(self.src());
                    if !literal_credentials(text).is_empty() {
                        self.finding(
                            Rule::HardcodedCredential,
                            ins.span,
                            "credential in an ONBUILD instruction".into(),
                            Some("ONBUILD runs in another build; move the secret there".into()),
                        );
                    }
                    self.uses_outside_run(ins, &mut vars);
                }
                _ => {
                    self.literal_outside_run(ins);
                    self.uses_outside_run(ins, &mut vars);
                }
            }
        }
        self.settle_vars(stage, vars, windows);
        self.settle_files(files, windows);
    }

    /// A literal credential in LABEL, CMD, ENTRYPOINT, HEALTHCHECK, ...: it is
    /// in the image config or needed at run time, so a person decides.
    fn literal_outside_run(&mut self, ins: &Instruction) {
        let text = ins.span.text(self.src());
        let mut matches = literal_credentials(text);
        if matches!(ins.keyword, Keyword::Label | Keyword::Maintainer) {
            // Labels document usage (`-e POSTGRESQL_PASSWORD=pass`): only
            // unmistakable credentials count there.
            matches.retain(|m| {
                !matches!(
                    m.kind,
                    secrets::CredentialKind::SecretAssignment
                        | secrets::CredentialKind::PasswordOption
                )
            });
        }
        for m in matches {
            let span = shift(m.range.clone(), ins.span.start);
            self.m.secret_spans.push(span);
            let kw = ins.keyword_upper(self.src());
            self.finding(
                Rule::HardcodedCredential,
                span,
                format!("{} in {kw}", m.kind.describe()),
                Some(format!(
                    "{kw} keeps it in the image or needs it at run time"
                )),
            );
        }
    }

    /// Marks secret variables named by a non-RUN instruction as not fixable.
    fn uses_outside_run(&self, ins: &Instruction, vars: &mut [SecretVar]) {
        let text = ins.span.text(self.src());
        for v in vars.iter_mut() {
            if v.blocked.is_none() && references(text, &v.name) {
                let kw = ins.keyword_upper(self.src());
                v.blocked = Some(format!("{} is also used by {kw}, outside RUN", v.name));
            }
        }
    }

    fn declarations(
        &mut self,
        idx: usize,
        vars: &mut Vec<SecretVar>,
        globals: &BTreeMap<String, String>,
    ) {
        let ins = &self.d.instructions[idx];
        let Args::KeyValues(pairs) = &ins.args else {
            return;
        };
        let from_env = ins.keyword == Keyword::Env;
        for kv in pairs {
            let name = kv.key.value.to_string();
            if !from_env {
                self.redeclared_args.insert(name.clone());
            }
            let raw_value = kv.value.as_ref().map(|v| v.value.to_string());
            // ENV X=$ARG promotes a secret ARG: the same secret.
            if let Some(existing) = vars.iter_mut().find(|v| {
                raw_value
                    .as_deref()
                    .is_some_and(|r| shell::is_variable_reference(r) && references(r, &v.name))
            }) {
                existing.from_env = existing.from_env || from_env;
                if name == existing.name {
                    existing.promotions.push((idx, kv.span));
                    self.finding(
                        Rule::SecretBuildArg,
                        kv.span,
                        format!("build argument {name} is stored in the image config by ENV"),
                        None,
                    );
                    continue;
                }
            }
            let written = raw_value
                .as_deref()
                .filter(|v| !v.is_empty() && !shell::is_variable_reference(v))
                .map(unquote);
            if written.as_deref().is_some_and(is_fingerprint) {
                self.public_vars.insert(name.clone());
                continue;
            }
            let placeholder = written.as_deref().is_some_and(is_placeholder);
            if from_env && placeholder {
                // `ENV PASSWORD=XXXXXX`: a stand-in for run-time configuration.
                continue;
            }
            // An ARG with a stand-in default is still a secret: users pass the
            // real value with --build-arg.
            let literal = written.filter(|_| !placeholder);
            let credential_value = literal
                .as_deref()
                .is_some_and(|v| !literal_credentials(v).is_empty());
            let empty = raw_value
                .as_deref()
                .is_some_and(|r| r.is_empty() || r == "\"\"" || r == "''");
            if from_env && empty {
                // An empty ENV stores nothing yet; it is a leak once someone
                // fills it in for a build step that needs it.
                let later_run = self.d.instructions[idx + 1..]
                    .iter()
                    .take_while(|i| i.keyword != Keyword::From)
                    .any(|i| i.keyword == Keyword::Run);
                if secrets::is_secret_name(&name) && later_run {
                    self.finding(
                        Rule::SecretBuildArg,
                        kv.span,
                        format!("empty ENV {name} waits for a secret that RUN steps read"),
                        Some("a value written here is stored in the image config; pass it as a build secret instead".into()),
                    );
                }
                continue;
            }
            if from_env
                && raw_value
                    .as_deref()
                    .is_some_and(|r| self.public_vars.iter().any(|p| references(r, p)))
            {
                // An ENV that copies a public ARG is public.
                continue;
            }
            let in_userinfo = self.userinfo_vars.contains(&name);
            if !secrets::is_secret_name(&name) && !credential_value && !in_userinfo {
                continue;
            }
            let value = literal
                .or_else(|| {
                    (!from_env && raw_value.is_none())
                        .then(|| globals.get(&name).map(|g| unquote(g)))
                        .flatten()
                })
                .map(SecretValue::new);
            let kind = if from_env {
                "environment variable"
            } else {
                "build argument"
            };
            let (rule, mut what) = if value.is_some() {
                (
                    Rule::HardcodedCredential,
                    format!("{kind} {name} has a literal secret value"),
                )
            } else {
                (
                    Rule::SecretBuildArg,
                    format!("secret {kind} {name} ends up in the image history"),
                )
            };
            if from_env {
                what.push_str(
                    "; once it leaves the image config, pass it at run time if the container needs it",
                );
            }
            if value.is_some() {
                if let Some(v) = &kv.value {
                    self.m.secret_spans.push(v.span);
                }
            }
            self.finding(rule, kv.span, what, None);
            self.taken_names.insert(name.clone());
            vars.push(SecretVar {
                name,
                decl: idx,
                word: kv.span,
                from_env,
                promotions: Vec::new(),
                value,
                used_by: Vec::new(),
                blocked: None,
            });
        }
    }

    fn copy(
        &mut self,
        idx: usize,
        workdir: Option<&str>,
        non_root_user: bool,
        files: &mut Vec<CopiedFile>,
    ) {
        let ins = &self.d.instructions[idx];
        let Args::Words(words) = &ins.args else {
            return;
        };
        if words.len() < 2 {
            return;
        }
        let (dest, sources) = words.split_last().expect("two words");
        let dest = dest.value.as_ref();
        let dir_dest = dest.ends_with('/') || dest == "." || sources.len() > 1;
        for source in sources {
            let path = source.value.as_ref();
            // Renamed on the way in: the name it gets counts too.
            let lands_as_secret = !dir_dest && is_secret_file(dest, dest);
            if !is_secret_file(path, dest) && !lands_as_secret {
                continue;
            }
            let base = path
                .trim_end_matches('/')
                .rsplit('/')
                .next()
                .unwrap_or(path);
            let in_image = if dir_dest {
                join(dest, base)
            } else {
                dest.to_owned()
            };
            let target = if in_image.starts_with('/') {
                Some(in_image)
            } else {
                workdir.map(|w| join(w, &in_image)).or(Some(in_image))
            };
            let mut blocked = None;
            if ins.flag("from").is_some() {
                blocked = Some("copied from another stage or image, not the build context".into());
            } else if path.contains(['*', '?', '$', '[']) || dest.contains('$') {
                blocked = Some("the path uses a wildcard or a variable".into());
            }
            let mut mount_options = String::new();
            if let Some(chown) = ins.flag("chown").and_then(|f| f.value()) {
                let (user, group) = chown.split_once(':').unwrap_or((chown, chown));
                if user.bytes().all(|b| b.is_ascii_digit())
                    && group.bytes().all(|b| b.is_ascii_digit())
                {
                    mount_options.push_str(&format!(",uid={user},gid={group}"));
                } else if non_root_user {
                    blocked = Some(format!(
                        "--chown={chown} names a user; a mount needs numeric ids"
                    ));
                }
            } else if non_root_user {
                blocked = Some("a non-root USER reads it; give the mount a uid".into());
            }
            if let Some(mode) = ins.flag("chmod").and_then(|f| f.value()) {
                mount_options.push_str(&format!(",mode=0{}", mode.trim_start_matches('0')));
            }
            files.push(CopiedFile {
                copy: idx,
                source_word: source.span,
                only_source: sources.len() == 1,
                source: path.trim_start_matches("./").to_owned(),
                target: target.unwrap_or_default(),
                mount_options,
                runs: Vec::new(),
                removed_by: None,
                cleanups: Vec::new(),
                blocked,
            });
        }
    }

    fn run_instruction(
        &mut self,
        idx: usize,
        vars: &mut [SecretVar],
        files: &mut [CopiedFile],
        windows: bool,
    ) {
        let d = self.d;
        let ins = &d.instructions[idx];
        if let Args::Exec(items) = &ins.args {
            self.exec_form(idx, items, windows);
            return;
        }
        let Some((offset, text)) = shell_text(d, ins) else {
            return;
        };
        // Most RUNs hold no secret at all: skip the shell scan for them.
        let active_files = files.iter().any(|f| f.removed_by.is_none());
        if vars.is_empty()
            && !active_files
            && ins.heredocs.is_empty()
            && literal_credentials(text).is_empty()
        {
            return;
        }
        let scan = shell::scan(text, d.escape);
        for v in vars.iter_mut() {
            if scan.variable_refs().iter().any(|r| r.name == v.name) {
                v.used_by.push(idx);
            }
        }
        self.literals(idx, offset, &scan, windows);
        for h in &ins.heredocs {
            let body = h.body.text(self.src());
            if h.word == ins.args_span {
                // `RUN <<EOF`: the body is the script.
                let body_scan = shell::scan(body, d.escape);
                for v in vars.iter_mut() {
                    if body_scan.variable_refs().iter().any(|r| r.name == v.name) {
                        v.used_by.push(idx);
                    }
                }
                self.literals(idx, h.body.start, &body_scan, windows);
            } else {
                self.heredoc_data(idx, h, windows);
            }
        }
        // Removals of copied secret files.
        for f in files.iter_mut().filter(|f| f.removed_by.is_none()) {
            for (seg_idx, _) in scan.segments().iter().enumerate() {
                let words: Vec<(std::ops::Range<usize>, String)> = scan
                    .segment_words(seg_idx)
                    .map(|(_, w)| (w.range.clone(), scan.decode(w.range.clone())))
                    .collect();
                // Operands start after the command (and after chmod's mode or
                // chown's owner).
                let skip = match words.first().map(|(_, w)| w.as_str()) {
                    Some("rm") => 1,
                    Some("chmod" | "chown") if words.len() >= 3 => 2,
                    _ => continue,
                };
                let operands: Vec<&(std::ops::Range<usize>, String)> = words[skip..]
                    .iter()
                    .filter(|(_, w)| !w.starts_with('-'))
                    .collect();
                let mine: Vec<Span> = operands
                    .iter()
                    .filter(|(_, w)| names_file(w, f))
                    .map(|(r, _)| shift(r.clone(), offset))
                    .collect();
                if mine.is_empty() {
                    continue;
                }
                if skip == 1 {
                    f.removed_by = Some(idx);
                }
                // A mounted secret is read-only: its rm, chmod and chown go,
                // once the file is known to be fixed.
                f.cleanups.push(Cleanup {
                    run: idx,
                    segment: seg_idx,
                    operands: operands.len(),
                    mine,
                });
            }
        }
    }

    /// Replaces the literal credentials of one shell text (a RUN command or a
    /// heredoc script) that starts at `offset` in the file.
    fn literals(&mut self, idx: usize, offset: usize, scan: &shell::Scan, windows: bool) {
        for m in literal_credentials(scan.text()) {
            let span = shift(m.range.clone(), offset);
            self.m.secret_spans.push(span);
            if windows {
                self.finding(
                    Rule::HardcodedCredential,
                    span,
                    m.kind.describe().to_string(),
                    Some(WINDOWS.into()),
                );
                continue;
            }
            let value = scan.decode(m.range.clone());
            let base = secrets::suggest_env_name(&m);
            let name = self.env_name_for(&base, &value);
            match scan.reference_splice(m.range.clone(), &name) {
                Some(splice) => {
                    let at = shift(splice.range, offset);
                    self.m.edits.push(Edit::replace(at, splice.replacement));
                    self.moved_literal(idx, span, m.kind.describe(), name, value);
                }
                None => self.finding(
                    Rule::HardcodedCredential,
                    span,
                    m.kind.describe().to_string(),
                    Some("the value spans quoting that cannot be rewritten safely".into()),
                ),
            }
        }
    }

    fn moved_literal(&mut self, idx: usize, span: Span, what: &str, name: String, value: String) {
        self.finding(
            Rule::HardcodedCredential,
            span,
            format!("{what} (moves to .env as {name})"),
            None,
        );
        self.add_env(name, Some(SecretValue::new(value)));
        self.runs.entry(idx).or_default().env = true;
    }

    /// A heredoc that is data for a command (`cat <<EOF > file`): an
    /// unquoted delimiter lets the shell expand `${NAME}` in it.
    fn heredoc_data(&mut self, idx: usize, h: &crate::syntax::Heredoc, windows: bool) {
        let body = h.body.text(self.src());
        for m in data_credentials(body) {
            let span = shift(m.range.clone(), h.body.start);
            self.m.secret_spans.push(span);
            let blocked = if windows {
                Some(WINDOWS)
            } else if !h.expand {
                Some("the heredoc delimiter is quoted, so its body cannot read a variable")
            } else {
                None
            };
            if let Some(reason) = blocked {
                self.finding(
                    Rule::HardcodedCredential,
                    span,
                    m.kind.describe().into(),
                    Some(reason.into()),
                );
                continue;
            }
            let value = body[m.range.clone()].to_owned();
            let name = self.env_name_for(&secrets::suggest_env_name(&m), &value);
            self.m
                .edits
                .push(Edit::replace(span, format!("${{{name}}}")));
            self.moved_literal(idx, span, m.kind.describe(), name, value);
        }
    }

    /// A JSON (exec form) RUN holding a credential becomes a shell-form RUN
    /// that sources the env file: exec form has no shell to expand `${NAME}`.
    fn exec_form(&mut self, idx: usize, items: &[crate::syntax::Arg], windows: bool) {
        let ins = &self.d.instructions[idx];
        let mut words = Vec::with_capacity(items.len());
        let mut found = false;
        for item in items {
            let value = item.value.as_ref();
            let matches = literal_credentials(value);
            if matches.is_empty() {
                words.push(sh_quote(value));
                continue;
            }
            found = true;
            // JSON escapes make offsets in the decoded value differ from the
            // file: mask the whole string, inside its quotes.
            self.m
                .secret_spans
                .push(Span::new(item.span.start + 1, item.span.end - 1));
            if windows {
                for m in &matches {
                    self.finding(
                        Rule::HardcodedCredential,
                        item.span,
                        m.kind.describe().into(),
                        Some(WINDOWS.into()),
                    );
                }
                return;
            }
            let mut word = String::new();
            let mut at = 0;
            for m in matches {
                if m.range.start > at {
                    word.push_str(&envfile::shell_single_quote(&value[at..m.range.start]));
                }
                let secret = value[m.range.clone()].to_owned();
                let name = self.env_name_for(&secrets::suggest_env_name(&m), &secret);
                word.push_str(&format!("\"${{{name}}}\""));
                self.moved_literal(idx, item.span, m.kind.describe(), name, secret);
                at = m.range.end;
            }
            if at < value.len() {
                word.push_str(&envfile::shell_single_quote(&value[at..]));
            }
            words.push(word);
        }
        if found {
            let command = format!(". /run/secrets/{ENV_SECRET_ID} && {}", words.join(" "));
            self.m.edits.push(Edit::replace(ins.args_span, command));
            self.runs.entry(idx).or_default().sourced = true;
        }
    }

    /// Name for a literal found in a RUN: reuse one already planned for the
    /// same value.
    fn env_name_for(&mut self, base: &str, value: &str) -> String {
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

    fn add_env(&mut self, name: String, value: Option<SecretValue>) {
        if !self.m.env.iter().any(|e| e.name == name) {
            self.m.env.push(EnvSecret { name, value });
        }
    }

    /// Deletes shell segments of one RUN. Each run of consecutive removed
    /// segments goes with the operator after it, or, at the end, with the
    /// operator before it; when nothing is left the whole RUN goes.
    fn remove_segments(&mut self, idx: usize, remove: &BTreeSet<usize>) {
        let d = self.d;
        let Some((offset, text)) = shell_text(d, &d.instructions[idx]) else {
            return;
        };
        let scan = shell::scan(text, d.escape);
        let segments = scan.segments();
        let top: Vec<usize> = (0..segments.len())
            .filter(|&i| segments[i].parent.is_none())
            .collect();
        if remove
            .iter()
            .any(|i| segments.get(*i).is_none_or(|s| s.parent.is_some()))
        {
            // Inside a ( ... ) group: one at a time, as the scanner allows.
            for &seg in remove {
                if let Some(r) = scan.removal(seg) {
                    if r.leaves_empty {
                        self.delete_instruction(idx);
                        return;
                    }
                    for range in r.ranges {
                        self.m.edits.push(Edit::delete(shift(range, offset)));
                    }
                }
            }
            return;
        }
        if top.iter().all(|i| remove.contains(i)) {
            self.delete_instruction(idx);
            return;
        }
        let mut i = 0;
        while i < top.len() {
            if !remove.contains(&top[i]) {
                i += 1;
                continue;
            }
            let first = i;
            while i < top.len() && remove.contains(&top[i]) {
                i += 1;
            }
            let range = if first == 0 {
                segments[top[first]].range.start..segments[top[i]].range.start
            } else {
                segments[top[first - 1]].extent_end..segments[top[i - 1]].extent_end
            };
            self.m.edits.push(Edit::delete(shift(range, offset)));
        }
    }

    /// Deletes a whole instruction with its line (indentation and line ending).
    fn delete_instruction(&mut self, idx: usize) {
        if !self.deleted.insert(idx) {
            return;
        }
        let span = self.d.instructions[idx].span;
        self.m
            .edits
            .push(Edit::delete(whole_lines(self.src(), span)));
    }

    fn settle_vars(&mut self, stage: Range<usize>, vars: Vec<SecretVar>, windows: bool) {
        let d = self.d;
        for v in vars {
            let blocked = v.blocked.clone().or_else(|| {
                windows.then(|| {
                    "Windows/PowerShell stage: sourcing a POSIX env file does not apply".to_owned()
                })
            });
            if let Some(reason) = blocked {
                if let Some(f) = self.m.findings.iter_mut().rev().find(|f| f.span == v.word) {
                    f.manual = Some(reason);
                }
                continue;
            }
            // Every later RUN of the stage needs the value: an ARG or ENV is in
            // the environment of each of them, and tools read it from there
            // without the RUN naming it.
            let users: Vec<usize> = (v.decl + 1..stage.end)
                .filter(|&i| d.instructions[i].keyword == Keyword::Run)
                .collect();
            for run in users {
                if shell_text(d, &d.instructions[run]).is_some() {
                    self.runs.entry(run).or_default().env = true;
                }
            }
            self.add_env(v.name.clone(), v.value.clone());
            self.delete_declaration(v.decl, v.word);
            for &(idx, word) in &v.promotions {
                self.delete_declaration(idx, word);
            }
            self.settled_secret_args.insert(v.name.clone());
        }
    }

    /// Deletes one `name[=value]` of an ARG/ENV (the whole instruction once
    /// all of its words go; decided in `finish`).
    fn delete_declaration(&mut self, idx: usize, word: Span) {
        self.declarations_deleted.entry(idx).or_default().push(word);
    }

    fn settle_files(&mut self, files: Vec<CopiedFile>, windows: bool) {
        let mut ids: Vec<String> = self.m.files.iter().map(|f| f.id.clone()).collect();
        for f in files {
            let name = f.source.rsplit('/').next().unwrap_or(&f.source).to_owned();
            let span = f.source_word;
            let message = format!("secret file {name} is copied into an image layer");
            let reason = f
                .blocked
                .clone()
                .or_else(|| windows.then(|| "Windows stage".to_owned()))
                .or_else(|| {
                    f.removed_by.is_none().then(|| {
                        "never removed: it may be needed at run time; mount it where it is used"
                            .to_owned()
                    })
                });
            if let Some(reason) = reason {
                self.finding(Rule::SecretFileCopy, span, message, Some(reason));
                continue;
            }
            self.finding(Rule::SecretFileCopy, span, message, None);
            let mut id = secret_id(&name);
            let mut n = 2;
            while ids.contains(&id) {
                id = format!("{}_{n}", secret_id(&name));
                n += 1;
            }
            ids.push(id.clone());
            for c in &f.cleanups {
                let entry = self
                    .operand_removals
                    .entry((c.run, c.segment))
                    .or_insert_with(|| (c.operands, BTreeSet::new()));
                entry.1.extend(c.mine.iter().copied());
            }
            let mount = format!(
                "--mount=type=secret,id={id},target={}{}",
                f.target, f.mount_options
            );
            for run in &f.runs {
                if Some(*run) == f.removed_by && self.deleted.contains(run) {
                    continue;
                }
                self.runs
                    .entry(*run)
                    .or_default()
                    .mounts
                    .push(mount.clone());
            }
            if f.only_source {
                self.delete_instruction(f.copy);
            } else {
                let start = self.src()[..span.start].trim_end_matches([' ', '\t']).len();
                self.m.edits.push(Edit::delete(Span::new(start, span.end)));
            }
            self.m.files.push(FileSecret {
                id,
                source: f.source,
                target: f.target,
            });
        }
    }

    fn finish(mut self) -> Migration {
        let d = self.d;
        // A command left with none of its operands goes whole; otherwise only
        // the operands naming mounted secrets go (`rm -f .npmrc notes.txt`).
        for ((run, segment), (count, spans)) in std::mem::take(&mut self.operand_removals) {
            if spans.len() >= count {
                self.segment_removals
                    .entry(run)
                    .or_default()
                    .insert(segment);
            } else {
                for span in spans {
                    let start = self.src()[..span.start].trim_end_matches([' ', '\t']).len();
                    self.m.edits.push(Edit::delete(Span::new(start, span.end)));
                }
            }
        }
        for (idx, remove) in std::mem::take(&mut self.segment_removals) {
            self.remove_segments(idx, &remove);
        }
        for (idx, words) in std::mem::take(&mut self.declarations_deleted) {
            let ins = &d.instructions[idx];
            let spans: Vec<Span> = match &ins.args {
                Args::KeyValues(p) => p.iter().map(|kv| kv.span).collect(),
                _ => Vec::new(),
            };
            let gone: Vec<bool> = spans.iter().map(|s| words.contains(s)).collect();
            if gone.iter().all(|&g| g) {
                self.delete_instruction(idx);
                continue;
            }
            // Each run of deleted words goes with the separator after it, or,
            // at the end, with the separator before it (which may hold a line
            // continuation that must not be left dangling).
            let mut i = 0;
            while i < spans.len() {
                if !gone[i] {
                    i += 1;
                    continue;
                }
                let first = i;
                while i < spans.len() && gone[i] {
                    i += 1;
                }
                let range = if i < spans.len() {
                    Span::new(spans[first].start, spans[i].start)
                } else {
                    Span::new(spans[first - 1].end, spans[i - 1].end)
                };
                self.m.edits.push(Edit::delete(range));
            }
        }
        for (idx, needs) in std::mem::take(&mut self.runs) {
            if self.deleted.contains(&idx) {
                continue;
            }
            let ins = &d.instructions[idx];
            let mut flags = String::new();
            if needs.env {
                flags.push_str(&format!(" --mount=type=secret,id={ENV_SECRET_ID}"));
            }
            for m in &needs.mounts {
                flags.push(' ');
                flags.push_str(m);
            }
            if !flags.is_empty() {
                self.m.edits.push(Edit::insert(ins.keyword_span.end, flags));
            }
            if needs.env && !needs.sourced {
                self.m.edits.push(source_env_edit(ins));
            }
        }
        self.m.edits.sort();
        self.m.edits.dedup();
        self.m.findings.sort_by_key(|f| (f.span.start, f.rule));
        self.m
    }
}

/// The edit that makes a RUN read the env file before its command.
fn source_env_edit(ins: &Instruction) -> Edit {
    let sourcing = format!(". /run/secrets/{ENV_SECRET_ID}");
    // `RUN <<EOF` alone: the heredoc is the script; source it on its first line.
    if let Some(h) = ins.heredocs.first().filter(|h| h.word == ins.args_span) {
        return Edit::insert(h.body.start, format!("{sourcing}\n"));
    }
    Edit::insert(ins.args_span.start, format!("{sourcing} && "))
}

/// The span of whole lines covering `span`, with the final line ending.
fn whole_lines(source: &str, span: Span) -> Span {
    let start = source[..span.start].rfind('\n').map_or(0, |i| i + 1);
    let rest = &source[span.end..];
    let end = match rest.find('\n') {
        Some(i) if rest[..i].trim_end_matches('\r').is_empty() => span.end + i + 1,
        _ => span.end,
    };
    Span::new(start, end)
}

/// Names of the variables that appear in the user-info part of a URL
/// (`https://${USER}:${PASS}@host`): whatever they hold is a credential.
fn userinfo_variables(text: &str) -> BTreeSet<String> {
    // A hand scan rather than a regex: this runs on every file, and building
    // a regex costs more than a short file takes to check.
    let bytes = text.as_bytes();
    let mut names = BTreeSet::new();
    let mut from = 0;
    while let Some(i) = text[from..].find("://") {
        let at = from + i;
        let start = at + 3;
        from = start;
        if at == 0 || !bytes[at - 1].is_ascii_alphanumeric() {
            continue;
        }
        let end = bytes[start..]
            .iter()
            .position(|&b| matches!(b, b'/' | b'@' | b'\'' | b'"') || b.is_ascii_whitespace())
            .map_or(bytes.len(), |p| start + p);
        if bytes.get(end) != Some(&b'@') {
            continue;
        }
        let userinfo = &text[start..end];
        let mut rest = userinfo;
        while let Some(d) = rest.find('$') {
            let after = rest[d + 1..].strip_prefix('{').unwrap_or(&rest[d + 1..]);
            let len = after
                .bytes()
                .take_while(|b| b.is_ascii_alphanumeric() || *b == b'_')
                .count();
            if len > 0 && !after.as_bytes()[0].is_ascii_digit() {
                names.insert(after[..len].to_owned());
            }
            rest = &rest[d + 1..];
        }
    }
    names
}

/// Whether `text` names variable `name` as `$name` or `${name...}`.
fn references(text: &str, name: &str) -> bool {
    let mut rest = text;
    while let Some(i) = rest.find('$') {
        let after = &rest[i + 1..];
        let candidate = after.strip_prefix('{').unwrap_or(after);
        if let Some(tail) = candidate.strip_prefix(name) {
            if !tail.starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_') {
                return true;
            }
        }
        rest = after;
    }
    false
}

/// Whether an `rm`/`chmod` operand names the copied file.
fn names_file(a: &str, f: &CopiedFile) -> bool {
    let base = f.target.rsplit('/').next().unwrap_or(&f.target);
    let a = a.trim_end_matches('/');
    a == f.target
        || a == base
        || a == format!("./{base}")
        || a.strip_prefix("~").is_some_and(|r| f.target.ends_with(r))
        || a.strip_prefix("$HOME")
            .is_some_and(|r| f.target.ends_with(r))
        || (!a.starts_with('/') && f.target.ends_with(&format!("/{a}")))
}

/// Joins a path to a directory, as WORKDIR and COPY do.
fn join(dir: &str, path: &str) -> String {
    if path.starts_with('/') {
        return path.to_owned();
    }
    let path = path.trim_start_matches("./");
    let path = if path == "." { "" } else { path };
    let mut out = dir.trim_end_matches('/').to_owned();
    if !path.is_empty() {
        out.push('/');
        out.push_str(path);
    } else if out.is_empty() {
        out.push('/');
    }
    out
}

/// A secret id from a file name: `.netrc` → `netrc`.
fn secret_id(name: &str) -> String {
    let id: String = name
        .trim_start_matches('.')
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if id.is_empty() {
        "secret".into()
    } else {
        id
    }
}

/// The credentials in `text` whose value is really a literal: a match that
/// reads like a variable reference (`'$TOKEN'` written to a config file for a
/// tool to expand) is not a secret value.
fn literal_credentials(text: &str) -> Vec<secrets::CredentialMatch> {
    let mut found = secrets::find_credentials(text);
    found.retain(|m| {
        let value = text[m.range.clone()].trim_matches(['"', '\'']);
        // `changeit` is the JDK trust store's published default password.
        !value.starts_with('$') && value.len() >= 4 && value != "changeit" && !is_placeholder(value)
    });
    found
}

/// Credentials in data (a heredoc written to a file): the detectors read
/// commands, so each line is also read as the quoted argument of `echo`
/// (`machine host login u password p`, `//host/:_authToken=...`).
fn data_credentials(body: &str) -> Vec<secrets::CredentialMatch> {
    let found = literal_credentials(body);
    if !found.is_empty() {
        return found;
    }
    const PROBE: &str = "echo '";
    let mut out = Vec::new();
    let mut at = 0;
    for line in body.split_inclusive('\n') {
        let text = line.trim_end_matches(['\n', '\r']);
        if !text.is_empty() && !text.contains('\'') {
            for mut m in literal_credentials(&format!("{PROBE}{text}'")) {
                if m.range.start >= PROBE.len() {
                    m.range = m.range.start - PROBE.len() + at..m.range.end - PROBE.len() + at;
                    out.push(m);
                }
            }
        }
        at += line.len();
    }
    out
}

/// Values that stand for a secret without being one: `XXXXXX`, `**setme**`,
/// `00000000-0000-...`, `NULL`, `REPLACE_ME`-style capitals, booleans, and
/// paths (`GOOGLE_APPLICATION_CREDENTIALS=/run/key.json`, `HTPASSWD=data/.htpasswd`).
fn is_placeholder(value: &str) -> bool {
    let v = value.trim_matches(['"', '\'', '*', '<', '>', '{', '}']);
    let lower = v.to_ascii_lowercase();
    let distinct: BTreeSet<char> = v.chars().filter(|c| c.is_ascii_alphanumeric()).collect();
    // `REPLACE_ME`, `PRIV_REPO_PASSWORD`: a name standing in for a value
    // (an AWS key id is capitals too, but has no underscore).
    let capitals = v.len() >= 6
        && v.contains('_')
        && v.bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_')
        && v.bytes().any(|b| b.is_ascii_uppercase());
    let path = !v.contains("://")
        && !v.contains([':', '@', ' '])
        && (v.starts_with(['/', '~']) || v.starts_with("./") || v.contains('/'));
    v.is_empty()
        || distinct.len() <= 1
        || capitals
        || path
        || matches!(
            lower.as_str(),
            "null"
                | "none"
                | "nil"
                | "true"
                | "false"
                | "yes"
                | "no"
                | "on"
                | "off"
                | "setme"
                | "todo"
                | "tbd"
                | "ignored"
                | "unset"
                | "redacted"
                | "your-token"
                | "your_token"
                | "yourtoken"
        )
        || lower.contains("not-a-secret")
        || lower.contains("notasecret")
        || lower.contains("not-so-secret")
        || lower.contains("not_a_secret")
}

/// A value that is a key fingerprint or a checksum (hex digits, optionally
/// grouped or `0x`-prefixed): public, whatever the variable is called
/// (`SWIFT_SIGNING_KEY=A62AE125...`, `GPG_KEYS="B42F 6819 ..."`).
fn is_fingerprint(value: &str) -> bool {
    let hex: String = value
        .split([' ', ','])
        .map(|w| w.trim_start_matches("0x"))
        .collect();
    (16..=256).contains(&hex.len())
        && hex.bytes().all(|b| b.is_ascii_hexdigit())
        && hex.len().is_multiple_of(8)
}

/// Quotes a word for sh when it needs it.
fn sh_quote(word: &str) -> String {
    let plain = !word.is_empty()
        && word
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_./=,:@%+".contains(&b));
    if plain {
        word.to_owned()
    } else {
        envfile::shell_single_quote(word)
    }
}

/// The value of an ARG/ENV word with one level of quotes removed.
fn unquote(value: &str) -> String {
    let v = value.trim();
    for q in ['"', '\''] {
        if v.len() >= 2 && v.starts_with(q) && v.ends_with(q) {
            return v[1..v.len() - 1].to_owned();
        }
    }
    v.to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_not_secrets() {
        for v in [
            "XXXXXX",
            "**setme**",
            "00000000-0000-0000-0000-000000000000",
            "NULL",
            "PRIV_REPO_PASSWORD",
            "true",
            "/run/secrets/key.json",
            "data/.htpasswd",
            "this-is-not-a-secret",
            "<your-token>",
        ] {
            assert!(is_placeholder(v), "{v}");
        }
        for v in [
            "hunter2",
            "s3cr3t-Value-42",
            "p@ss w$rd!x",
            "admin",
            "ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789",
            "a/b:c@d",
        ] {
            assert!(!is_placeholder(v), "{v}");
        }
    }

    #[test]
    fn fingerprints_are_public() {
        assert!(is_fingerprint("A62AE125BBBFBB96A6E042EC925CC1CCED3D1561"));
        assert!(is_fingerprint("0xB42F6819007F00F88E364FD4036A9C25BF357DD4"));
        assert!(is_fingerprint(
            "B42F 6819 007F 00F8 8E36 4FD4 036A 9C25 BF35 7DD4"
        ));
        assert!(!is_fingerprint("s3cr3t-Value-42"));
        assert!(!is_fingerprint("deadbeef"));
        assert!(!is_fingerprint("ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789"));
    }

    #[test]
    fn joins_paths_like_docker() {
        assert_eq!(join("/app", ".netrc"), "/app/.netrc");
        assert_eq!(join("/app/", "./x"), "/app/x");
        assert_eq!(join("/", ".npmrc"), "/.npmrc");
        assert_eq!(join("/app", "/root/.netrc"), "/root/.netrc");
        assert_eq!(join("/app", "."), "/app");
    }

    #[test]
    fn variables_in_url_userinfo() {
        let got = userinfo_variables(
            "pip install -i https://${PYPI_USER}:$PYPI_PASS@${PYPI_URL}/simple x",
        );
        assert_eq!(
            got.into_iter().collect::<Vec<_>>(),
            ["PYPI_PASS", "PYPI_USER"]
        );
        assert!(userinfo_variables("git clone git@github.com:$ORG/x").is_empty());
        assert!(userinfo_variables("curl https://h.example.com/$X@y").is_empty());
        let quoted = userinfo_variables(
            "pip install 'git+https://${GIT_LOGIN}:${GIT_PASSWORD}@github.com/o/r'",
        );
        assert_eq!(
            quoted.into_iter().collect::<Vec<_>>(),
            ["GIT_LOGIN", "GIT_PASSWORD"]
        );
    }

    #[test]
    fn finds_variable_references() {
        assert!(references("https://${U}:${PASS}@h", "PASS"));
        assert!(references("$PASS", "PASS"));
        assert!(!references("$PASSWORD", "PASS"));
        assert!(references("${PASS:-x}", "PASS"));
    }

    #[test]
    fn whole_lines_take_indentation_and_newline() {
        let src = "FROM x\n  RUN a\r\nRUN b";
        assert_eq!(whole_lines(src, Span::new(9, 14)), Span::new(7, 16));
        assert_eq!(whole_lines(src, Span::new(16, 21)), Span::new(16, 21));
    }
}
