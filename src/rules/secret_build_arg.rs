//! DF003 `secret-build-arg`.
//!
//! **What it catches:** an `ARG` or `ENV` whose name says it holds a secret
//! (`NPM_TOKEN`, `PYPI_PASS`, `githubToken`, ... — see
//! [`crate::secrets::is_secret_name`]; `GPG_KEY`, `PUBLIC_KEY_PATH` and the like
//! are not secrets), any `ARG` used in the user-info part of a URL, and `ARG`s
//! promoted to `ENV` (`ENV NPM_TOKEN=$NPM_TOKEN`), in every stage and before
//! the first `FROM`. A literal default (`ARG NPM_TOKEN=npm_abc...`) is
//! reported as DF001, since the credential is then written in the file.
//!
//! **Why it matters:** build arguments are recorded in `docker history` and
//! `ENV` values in the image config, for anyone who pulls the image; an `ENV`
//! also hands the value to every later `RUN` (tools like npm read it without
//! the `RUN` naming it).
//!
//! **Example:**
//! ```dockerfile
//! ARG NPM_TOKEN
//! RUN npm ci
//! ```
//! becomes
//! ```dockerfile
//! RUN --mount=type=secret,id=env . /run/secrets/env && npm ci
//! ```
//! with `NPM_TOKEN` in `.env` (a placeholder to fill in when the value came
//! from `--build-arg`).
//!
//! **Fix safety:** the declarations go; `${NAME}` references stay; every
//! later `RUN` of the stage (and, for an `ENV`, of the stages built `FROM`
//! it) gets `--mount=type=secret,id=env` and runs `. /run/secrets/env`
//! first, so the tools that read the variable from the environment still
//! see it. A secret also used outside `RUN` (`FROM`, `LABEL`) is reported
//! for a person.
//!
//! **Callers:** when other files build the Dockerfile (compose, CI
//! workflows, Makefiles, scripts: see [`crate::callers`]), an `ARG` that
//! one of them passes in a way dfix cannot rewrite stays, reported for a
//! person with that caller's place, so the build never loses the value.
//! With one secret per arg (`--secrets per-secret`, or `auto` when a caller
//! passes the arg) a RUN mounts `--mount=type=secret,id=NAME` and runs
//! `export NAME="$(cat /run/secrets/NAME)"` first (or, under a
//! `# syntax=` pin of frontend 1.10 or newer, mounts it with `env=NAME`);
//! the callers then pass `--secret id=NAME,env=...`. A literal default
//! still goes to the `.env`.
//!
//! An `ENV` (or an `ARG` promoted into one) is classified first (see
//! [`crate::env_use`]): only a **build** secret gets the fix above. A
//! **run-time** secret (the container reads it: `CMD` names it, the base
//! image reads it, or nothing in the build does and it stays in the final
//! image) never goes to the build's `.env`: by default it is reported for
//! a person with what to do; with `--runtime-env FILE` its declaration
//! goes and its value moves to FILE, which `docker run --env-file FILE`
//! and compose `env_file:` read. A secret **both** need gets both, with
//! `--runtime-env` only. Other words of the same `ENV` line stay.

use crate::env_use::{self, Classification, Use};
use crate::facts::Stage;
use crate::rules::{Context, EnvValue, Finding, Intent, Rule};
use crate::secrets::url::references;
use crate::secrets::{SecretValue, Verdict};
use crate::shell::Script;
use crate::syntax::{Args, Keyword, Span};

/// Why nothing is rewritten in a Windows stage.
pub(crate) const WINDOWS: &str =
    "Windows/PowerShell stage: sourcing a POSIX env file does not apply";

/// A secret ARG or ENV of a stage.
#[derive(Debug)]
struct SecretVar {
    name: String,
    /// The declaring instruction and the `name[=value]` word.
    decl: usize,
    word: Span,
    from_env: bool,
    /// `ENV NAME=$NAME` promotions: more words to delete.
    promotions: Vec<(usize, Span)>,
    value: EnvValue,
    /// The variable whose value this one copies (`ENV B=$A`), by index.
    copied_from: Option<usize>,
    /// The finding's rule and message.
    rule: Rule,
    message: String,
    /// Why it cannot be fixed, if so.
    blocked: Option<String>,
    /// A `CMD`, `ENTRYPOINT` or `HEALTHCHECK` names it: a reason not to fix
    /// an `ARG` (which the container never sees); for an `ENV` the
    /// classification weighs it.
    run_time_use: Option<String>,
}

/// State across stages.
#[derive(Default)]
struct FileState {
    /// ARG names declared inside some stage.
    redeclared: std::collections::BTreeSet<String>,
    /// Secret variables whose declarations went from a stage.
    settled: std::collections::BTreeSet<String>,
    /// Secret-sounding variables whose value is public (a fingerprint).
    public: std::collections::BTreeSet<String>,
    /// Variables that are secrets by where RUNs use them.
    by_use: std::collections::BTreeMap<String, &'static str>,
}

pub fn check(cx: &mut Context<'_, '_, '_>) {
    let mut state = FileState {
        by_use: crate::secrets::sinks::credential_variables(cx.facts),
        ..FileState::default()
    };
    for s in 0..cx.facts.stages.len() {
        stage(cx, s, &mut state);
    }
    global_args(cx, &state);
}

/// The whole value is one reference (`$X`, `"${X:-y}"`).
fn is_reference(raw: &str) -> bool {
    let s = Script::command_line(raw);
    s.words.len() == 1 && s.words[0].is_reference()
}

/// The value an ARG/ENV word gives, quotes and escapes removed.
pub(crate) fn literal(raw: &str) -> String {
    let s = Script::command_line(raw);
    match s.words.as_slice() {
        [w] => w.value.clone(),
        _ => {
            let v = raw.trim();
            for q in ['"', '\''] {
                if v.len() >= 2 && v.starts_with(q) && v.ends_with(q) {
                    return v[1..v.len() - 1].to_owned();
                }
            }
            v.to_owned()
        }
    }
}

fn stage(cx: &mut Context<'_, '_, '_>, s: usize, state: &mut FileState) {
    let facts = cx.facts;
    let Stage {
        instructions,
        windows,
        ..
    } = facts.stages[s].clone();
    let mut vars: Vec<SecretVar> = Vec::new();
    for idx in instructions.clone() {
        let ins = &cx.d.instructions[idx];
        match ins.keyword {
            Keyword::Arg | Keyword::Env => declarations(cx, idx, &mut vars, state),
            Keyword::Run => {}
            Keyword::Onbuild => {
                onbuild(cx, idx);
                uses_outside_run(cx, idx, &mut vars);
            }
            _ => uses_outside_run(cx, idx, &mut vars),
        }
    }
    settle(cx, s, vars, windows, state);
}

/// ONBUILD ARG/ENV with a secret name: a secret for a child image's build.
fn onbuild(cx: &mut Context<'_, '_, '_>, idx: usize) {
    let ins = &cx.d.instructions[idx];
    let inner = ins.effective();
    let Args::KeyValues(pairs) = &inner.args else {
        return;
    };
    for kv in pairs {
        let name = kv.key.value.as_ref();
        if cx.policy.is_secret_name(name) {
            let kw = inner.keyword_upper(cx.src());
            cx.report(
                Rule::SecretBuildArg,
                kv.span,
                format!("ONBUILD {kw} {name}: a secret for the child image's build"),
                Some("ONBUILD runs in another build; fix it there".into()),
            );
        }
    }
}

/// Marks secret variables that a non-RUN instruction names as not fixable.
fn uses_outside_run(cx: &Context<'_, '_, '_>, idx: usize, vars: &mut [SecretVar]) {
    let ins = &cx.d.instructions[idx];
    let text = ins.span.text(cx.src());
    let run_time = matches!(
        ins.keyword,
        Keyword::Cmd | Keyword::Entrypoint | Keyword::Healthcheck
    );
    for v in vars.iter_mut() {
        if references(text, &v.name) {
            let kw = ins.keyword_upper(cx.src());
            let why = Some(format!("{} is also used by {kw}, outside RUN", v.name));
            if run_time {
                v.run_time_use = v.run_time_use.take().or(why);
            } else if v.blocked.is_none() {
                v.blocked = why;
            }
        }
    }
}

fn declarations(
    cx: &mut Context<'_, '_, '_>,
    idx: usize,
    vars: &mut Vec<SecretVar>,
    state: &mut FileState,
) {
    let d = cx.d;
    let ins = &d.instructions[idx];
    let Args::KeyValues(pairs) = &ins.args else {
        return;
    };
    let from_env = ins.keyword == Keyword::Env;
    for kv in pairs {
        let name = kv.key.value.to_string();
        if !from_env {
            state.redeclared.insert(name.clone());
        }
        let raw = kv.value.as_ref().map(|v| v.value.to_string());
        let reference = raw.as_deref().is_some_and(is_reference);
        // ENV X=$ARG promotes a secret ARG: the same secret. Under another
        // name it is a copy, which keeps the ARG for as long as it stays.
        let mut copied_from = None;
        let mut built_from = None;
        if reference {
            let promoted = vars
                .iter()
                .position(|v| raw.as_deref().is_some_and(|r| references(r, &v.name)));
            if let Some(i) = promoted {
                if name == vars[i].name {
                    vars[i].from_env |= from_env;
                    vars[i].promotions.push((idx, kv.span));
                    continue;
                }
                copied_from = Some(i);
            }
        } else if let Some(r) = raw.as_deref() {
            // `ENV DB_URL=postgres://app:$DB_PASSWORD@db/app`: BuildKit
            // expands the secret into this value, which would lose it.
            let kw = ins.keyword_upper(cx.src());
            for v in vars.iter_mut().filter(|v| references(r, &v.name)) {
                v.blocked.get_or_insert(format!(
                    "its value is used in {kw} {name} (line {}), which dfix leaves as it is",
                    ins.start_line
                ));
                built_from.get_or_insert_with(|| v.name.clone());
            }
        }
        let written = raw
            .as_deref()
            .filter(|v| !v.is_empty() && !reference)
            .map(literal);
        if written
            .as_deref()
            .is_some_and(crate::secrets::judge::is_fingerprint)
        {
            state.public.insert(name.clone());
            continue;
        }
        // Only a secret name can be repeated by a stand-in value.
        let secret_name = cx.policy.is_secret_name(&name);
        let verdict = written.as_deref().map(|v| {
            if secret_name {
                cx.policy.judge_named(&name, v)
            } else {
                cx.policy.judge(v)
            }
        });
        // A default made up so the build runs (`ARG SECRET_KEY=dummy`) asks
        // for no secret.
        if !from_env && verdict == Some(Verdict::Throwaway) {
            continue;
        }
        let stand_in = verdict.is_some_and(|v| v != Verdict::Secret);
        if from_env && stand_in {
            // `ENV PASSWORD=XXXXXX`: a stand-in for run-time configuration.
            continue;
        }
        // An ARG with a stand-in default is still a secret: users pass the
        // real value with --build-arg.
        let literal_value = written.filter(|_| !stand_in);
        let credential_value = literal_value
            .as_deref()
            .is_some_and(|v| !cx.policy.find_credentials(v).is_empty());
        let empty = raw
            .as_deref()
            .is_some_and(|r| r.is_empty() || r == "\"\"" || r == "''");
        if from_env && empty {
            // An empty ENV stores nothing yet; it leaks once someone fills it
            // in for a build step that needs it.
            let later_run = d.instructions[idx + 1..]
                .iter()
                .take_while(|i| i.keyword != Keyword::From)
                .any(|i| i.keyword == Keyword::Run);
            if cx.policy.is_secret_name(&name) && later_run {
                cx.report(
                    Rule::SecretBuildArg,
                    kv.span,
                    format!("empty ENV {name} waits for a secret that RUN steps read"),
                    Some("a value written here is stored in the image config; pass it as a build secret instead".into()),
                );
            }
            continue;
        }
        if from_env
            && raw
                .as_deref()
                .is_some_and(|r| state.public.iter().any(|p| references(r, p)))
        {
            // An ENV that copies a public ARG is public.
            continue;
        }
        let in_userinfo = cx.facts.userinfo_vars.contains(&name);
        let by_use = !from_env && used_as_secret(state, &name, raw.as_deref());
        if !cx.policy.is_secret_name(&name) && !credential_value && !in_userinfo && !by_use {
            if let Some(i) = copied_from {
                let kw = ins.keyword_upper(cx.src());
                vars[i].blocked.get_or_insert(format!(
                    "its value is copied into {kw} {name} (line {}), which dfix leaves as it is",
                    ins.start_line
                ));
            }
            continue;
        }
        let undeclared = |r: &str| !refers_to_declared(cx, idx, r);
        if from_env && reference && raw.as_deref().is_some_and(undeclared) {
            // `ENV TOKEN=${TOKEN}` with no ARG or ENV TOKEN before it:
            // BuildKit expands it to nothing.
            continue;
        }
        if !from_env && literal_value.is_none() && !recorded_later(cx, idx, &name) {
            // Declared after the stage's last RUN and used by nothing that
            // stores it: no value of it reaches the image.
            continue;
        }
        // A default of an argument secret only by its use is not itself
        // a credential (`ARG FEED=test`).
        let literal_value = literal_value.filter(|_| !by_use || cx.policy.is_secret_name(&name));
        let value = literal_value
            .or_else(|| {
                (!from_env && raw.is_none())
                    .then(|| cx.facts.global_args.get(&name).map(|g| literal(g)))
                    .flatten()
                    .filter(|g| cx.policy.judge(g) == Verdict::Secret)
            })
            .map(SecretValue::new)
            .map_or(EnvValue::Placeholder, EnvValue::Secret);
        let kind = if from_env {
            "environment variable"
        } else {
            "build argument"
        };
        let (rule, message) = if value.secret().is_some() {
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
        if value.secret().is_some() {
            if let Some(v) = &kv.value {
                cx.plan.secret_spans.push(v.span);
            }
        }
        cx.plan.reserve(&name);
        let blocked = (!crate::shell::is_name(&name))
            .then(|| format!("{name} is not a name a shell can read from a secret file"))
            .or_else(|| {
                // Its value expands a secret that stays where it is, so
                // this one stays with it.
                built_from.map(|from| format!("its value is built from {from}, which stays"))
            });
        vars.push(SecretVar {
            name,
            decl: idx,
            word: kv.span,
            from_env,
            promotions: Vec::new(),
            copied_from,
            value,
            rule,
            message,
            blocked,
            run_time_use: None,
        });
    }
}

/// A secret build arg the files that build this Dockerfile keep passing
/// with `--build-arg` (see [`crate::rules::Options::caller_blocked`]): its
/// `ARG` stays until a person moves those callers, or the build would lose
/// the value.
fn passed_by_callers(cx: &Context<'_, '_, '_>, v: &SecretVar) -> Option<String> {
    let is_arg = cx.d.instructions[v.decl].keyword == Keyword::Arg;
    if !is_arg {
        return None;
    }
    cx.options.caller_blocked.get(&v.name).cloned()
}

/// What becomes of one secret variable.
struct Decision {
    class: Option<Classification>,
    /// Why a person has to handle it, if so.
    blocked: Option<String>,
}

fn decide(cx: &Context<'_, '_, '_>, stage: usize, v: &SecretVar, windows: bool) -> Decision {
    let class = v
        .from_env
        .then(|| env_use::classify(cx.facts, stage, v.decl, &v.name, true));
    let blocked = v
        .blocked
        .clone()
        .or_else(|| passed_by_callers(cx, v))
        .or_else(|| v.run_time_use.clone().filter(|_| !v.from_env))
        .or_else(|| windows.then(|| WINDOWS.to_owned()))
        .or_else(|| {
            (!v.from_env)
                .then(|| exec_form_reader(cx, stage, v))
                .flatten()
        })
        .or_else(|| declared_otherwise(cx, v))
        .or_else(|| {
            class
                .as_ref()
                .and_then(|c| super::runtime_secret::blocked(cx, c, &v.name, v.value.secret()))
        });
    Decision { class, blocked }
}

/// Decides each secret variable of a stage once the stage is read.
fn settle(
    cx: &mut Context<'_, '_, '_>,
    stage: usize,
    vars: Vec<SecretVar>,
    windows: bool,
    state: &mut FileState,
) {
    let mut decisions: Vec<Decision> = vars.iter().map(|v| decide(cx, stage, v, windows)).collect();
    // A copy that stays keeps what it copies (`ARG A` for `ENV B=$A`); a
    // copy comes after its source, so one pass backwards follows chains.
    for i in (0..vars.len()).rev() {
        if let (Some(src), true) = (vars[i].copied_from, decisions[i].blocked.is_some()) {
            let line = cx.d.instructions[vars[i].decl].start_line;
            let name = &vars[i].name;
            decisions[src].blocked.get_or_insert_with(|| {
                format!("its value is copied into {name} (line {line}), which stays")
            });
        }
    }
    for (v, decision) in vars.into_iter().zip(decisions) {
        apply(cx, stage, v, decision, state);
    }
}

/// Records the findings of one variable and, unless a person must handle
/// it, its fix.
fn apply(
    cx: &mut Context<'_, '_, '_>,
    stage: usize,
    v: SecretVar,
    decision: Decision,
    state: &mut FileState,
) {
    let d = cx.d;
    let facts = cx.facts;
    let Decision { class, blocked } = decision;
    let env_use = class.as_ref().map(Classification::env_use);
    let says = class.as_ref().map(|c| c.describe(&d.instructions));
    if env_use.is_some_and(Use::at_runtime) && !cx.plan.runtime_names.contains(&v.name) {
        cx.plan.runtime_names.push(v.name.clone());
    }
    let message = match &says {
        Some(says) if v.promotions.is_empty() => format!("{}; {says}", v.message),
        _ => v.message.clone(),
    };
    // A silenced declaration keeps its ENV promotions, and a silenced
    // promotion keeps the declaration it expands: either way, both stay.
    let promotion_silenced = v
        .promotions
        .iter()
        .any(|&(_, word)| cx.suppressed(Rule::SecretBuildArg, word));
    let reported = cx.report_finding(Finding {
        rule: v.rule,
        span: v.word,
        message,
        manual: blocked.clone(),
        env_use,
    });
    let blocked = blocked
        .or_else(|| {
            (!reported)
                .then(|| format!("the finding of the declaration of {} is suppressed", v.name))
        })
        .or_else(|| {
            promotion_silenced
                .then(|| format!("a finding of an ENV that promotes {} is suppressed", v.name))
        });
    for &(_, word) in &v.promotions {
        let mut message = format!(
            "build argument {} is stored in the image config by ENV",
            v.name
        );
        if let Some(says) = &says {
            message = format!("{message}; {says}");
        }
        cx.report_finding(Finding {
            rule: Rule::SecretBuildArg,
            span: word,
            message,
            manual: blocked.clone(),
            env_use,
        });
    }
    if blocked.is_some() {
        cx.plan.kept_vars.insert(v.name);
        return;
    }
    let is_arg = d.instructions[v.decl].keyword == Keyword::Arg;
    if is_arg {
        cx.plan.removed_args.insert(v.name.clone());
    }
    if env_use != Some(Use::Runtime) {
        // A value callers pass with --build-arg becomes a secret of its own
        // when the run says so; a literal always goes to the `.env`.
        let own_secret =
            is_arg && v.value == EnvValue::Placeholder && cx.options.per_secret.is_some();
        // Every later RUN of the stage (and, for an ENV, of the stages
        // built from it) needs the value: an ARG or ENV is in the
        // environment of each of them, and tools read it from there
        // without the RUN naming it.
        for (run, ins) in d.instructions.iter().enumerate() {
            let Some(s) = facts.stage_of[run] else {
                continue;
            };
            let sees = (s == stage && run > v.decl)
                || (v.from_env && s != stage && facts.inherits(s, stage));
            if sees && ins.keyword == Keyword::Run && matches!(ins.args, Args::Text(_)) {
                if own_secret {
                    cx.plan.read_secret(run, &v.name);
                } else {
                    cx.plan.source_env(run);
                }
            }
        }
        if own_secret {
            if !cx.plan.per_secret.contains(&v.name) {
                cx.plan.per_secret.push(v.name.clone());
            }
        } else {
            cx.plan.add_env(v.name.clone(), v.value.clone());
        }
        cx.plan.secret_vars.insert(v.name.clone());
    }
    if env_use.is_some_and(Use::at_runtime) {
        cx.plan.add_runtime_env(v.name.clone(), v.value.clone());
    }
    cx.plan.intend(Intent::DeleteDeclaration(v.decl, v.word));
    for &(idx, word) in &v.promotions {
        cx.plan.intend(Intent::DeleteDeclaration(idx, word));
    }
    state.settled.insert(v.name);
}

pub(crate) fn pairs_of<'i, 's>(
    ins: &'i crate::syntax::Instruction<'s>,
) -> Option<&'i [crate::syntax::KeyValue<'s>]> {
    match (&ins.keyword, &ins.args) {
        (Keyword::Arg | Keyword::Env, Args::KeyValues(pairs)) => Some(pairs),
        _ => None,
    }
}

/// The value a declaration gives its variable: its literal, the global
/// ARG's default for a bare `ARG NAME`, `None` for a bare one without
/// (a `--build-arg`), or `Same` for a promotion (`ENV NAME=$NAME`).
#[derive(PartialEq)]
enum Given {
    Value(Option<String>),
    Same,
}

fn given(cx: &Context<'_, '_, '_>, name: &str, raw: Option<&str>) -> Given {
    match raw {
        None => Given::Value(cx.facts.global_args.get(name).map(|g| literal(g))),
        Some(r) if is_reference(r) && references(r, name) => Given::Same,
        Some(r) => Given::Value(Some(literal(r))),
    }
}

/// Another ARG or ENV of the same name gives it another value: one `.env`
/// entry (which every sourcing RUN exports) cannot stand for both.
fn declared_otherwise(cx: &Context<'_, '_, '_>, v: &SecretVar) -> Option<String> {
    let own = pairs_of(&cx.d.instructions[v.decl])?
        .iter()
        .find(|kv| kv.span == v.word)?;
    let mine = given(cx, &v.name, own.value.as_ref().map(|x| x.value.as_ref()));
    for ins in &cx.d.instructions {
        let Some(pairs) = pairs_of(ins) else {
            continue;
        };
        for kv in pairs
            .iter()
            .filter(|kv| kv.key.value == v.name && kv.span != v.word)
        {
            let theirs = given(cx, &v.name, kv.value.as_ref().map(|x| x.value.as_ref()));
            if theirs != Given::Same && mine != Given::Same && theirs != mine {
                return Some(format!(
                    "{} is also declared on line {} with another value, and one .env entry \
                     cannot hold both: give one of them another name",
                    v.name, ins.start_line
                ));
            }
        }
    }
    None
}

/// An exec-form RUN that sees `v` and names `$NAME`: it cannot source the
/// `.env` file, so the variable cannot leave its declaration for it.
fn exec_form_reader(cx: &Context<'_, '_, '_>, stage: usize, v: &SecretVar) -> Option<String> {
    let name = v.name.as_str();
    let reads = |text: &str| {
        let mut rest = text;
        while let Some(at) = rest.find('$') {
            rest = &rest[at + 1..];
            let inner = rest.strip_prefix('{').unwrap_or(rest);
            if let Some(after) = inner.strip_prefix(name) {
                if !after.starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_') {
                    return true;
                }
            }
        }
        false
    };
    let facts = cx.facts;
    let (_, ins) = cx.d.instructions.iter().enumerate().find(|&(run, ins)| {
        let sees = facts.stage_of[run].is_some_and(|s| {
            (s == stage && run > v.decl) || (v.from_env && s != stage && facts.inherits(s, stage))
        });
        sees && ins.keyword == Keyword::Run
            && matches!(ins.args, Args::Exec(_))
            && !cx.converted_exec.contains(&run)
            && reads(ins.span.text(cx.src()))
    })?;
    Some(format!(
        "the exec-form RUN on line {} reads ${name} and cannot source a secret file: make it a \
         shell-form RUN first",
        ins.start_line
    ))
}

/// A secret ARG before the first FROM goes too once every stage's copy of
/// it has gone, unless a FROM line needs it.
fn global_args(cx: &mut Context<'_, '_, '_>, state: &FileState) {
    let d = cx.d;
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
            let secret = cx.policy.is_secret_name(name) || cx.facts.userinfo_vars.contains(name);
            if !state.settled.contains(name) {
                if secret && !state.redeclared.contains(name) && !references(&from_text, name) {
                    cx.report(
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
                cx.report(
                    Rule::SecretBuildArg,
                    kv.span,
                    format!("secret build argument {name} is used by FROM"),
                    Some("a FROM line needs it; pass it another way".into()),
                );
                continue;
            }
            cx.plan.intend(Intent::DeleteDeclaration(idx, kv.span));
        }
    }
}

/// An ARG that RUNs use as a credential (an index URL, a password option,
/// what goes into a key file), unless its default is a URL without a
/// password (a public index).
fn used_as_secret(state: &FileState, name: &str, raw: Option<&str>) -> bool {
    let public_url = raw.map(literal).is_some_and(|v| {
        crate::secrets::url::positions(&v, "://")
            .next()
            .and_then(|p| crate::secrets::url::parse_url(&v, p))
            .is_some_and(|u| u.userinfo.is_none())
    });
    state.by_use.contains_key(name) && !public_url
}

/// Whether a build argument declared at `decl` reaches the image: a later
/// RUN of the stage records every argument in scope in its history, and
/// ENV, LABEL, USER, WORKDIR, EXPOSE, VOLUME, STOPSIGNAL and the paths of
/// COPY/ADD expand it where the image keeps it.
fn recorded_later(cx: &Context<'_, '_, '_>, decl: usize, name: &str) -> bool {
    let d = cx.d;
    d.instructions[decl + 1..]
        .iter()
        .take_while(|i| i.keyword != Keyword::From)
        .any(|i| match i.keyword {
            Keyword::Run => true,
            Keyword::Cmd | Keyword::Entrypoint | Keyword::Healthcheck => false,
            _ => references(i.span.text(d.source), name),
        })
}

/// Whether the variable a reference value (`$X`, `${X:-}`) names is
/// declared by an ARG or ENV before `idx` in its stage or the stages it
/// builds on, or is one the base image is known to set.
fn refers_to_declared(cx: &Context<'_, '_, '_>, idx: usize, raw: &str) -> bool {
    let script = Script::command_line(raw);
    let Some(var) = script.vars.first().map(|v| v.name.clone()) else {
        return true;
    };
    if matches!(var.as_str(), "PATH" | "HOME" | "HOSTNAME" | "LANG" | "USER") {
        return true;
    }
    let mut stage = cx.facts.stage_of[idx];
    let mut before = idx;
    // An ARG is in scope in its own stage only; an ENV is inherited.
    let mut own = true;
    while let Some(s) = stage {
        let range = cx.facts.stages[s].instructions.clone();
        let declared = cx.d.instructions[range.start..before].iter().any(|i| {
            (i.keyword == Keyword::Env || (own && i.keyword == Keyword::Arg))
                && matches!(&i.args, Args::KeyValues(pairs) if pairs.iter().any(|kv| kv.key.value == var))
        });
        if declared {
            return true;
        }
        own = false;
        stage = cx.facts.stages[s].parent;
        before = stage.map_or(0, |p| cx.facts.stages[p].instructions.end);
    }
    false
}
