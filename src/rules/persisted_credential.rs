//! DF004 `persisted-credential`.
//!
//! **What it catches:** a command that writes a credential it is given into
//! a file of the image: `git clone https://ci:TOKEN@host/r` (the URL stays
//! in `.git/config`), config commands (`git config`, `aws configure set`,
//! `poetry config`, `bundle config`, `npm`/`yarn config set`, `pip config
//! set`, `composer config`, `go env -w`, `gem sources --add`, `dotnet nuget
//! add source`), registry logins (`docker login` writes
//! `~/.docker/config.json`, whatever the password came from), and a RUN that
//! writes a credential into a file (`echo ... > ~/.npmrc`, `cat <<EOF >
//! settings.xml`) that a later RUN removes, or none does. The credential may
//! be a literal (DF001) or a secret variable (DF003): moving it out of the
//! Dockerfile does not help while the tool writes it down.
//!
//! **Why it matters:** a layer keeps every file that exists when its RUN
//! ends; removing it later, or a secret mount for the input, changes
//! nothing about what the tool wrote.
//!
//! **Example:**
//! ```dockerfile
//! RUN git clone https://ci:${GIT_TOKEN}@git.example.com/org/app.git /src
//! ```
//! becomes
//! ```dockerfile
//! RUN --mount=type=secret,id=env . /run/secrets/env && git clone https://git.example.com/org/app.git /src
//! ```
//! with `GIT_CONFIG_COUNT=1`, `GIT_CONFIG_KEY_0="url.https://ci:${GIT_TOKEN}@git.example.com/.insteadOf"`
//! and `GIT_CONFIG_VALUE_0="https://git.example.com/"` in `.env`.
//!
//! **Fix safety:** per tool (see `src/tools/`), in order of preference: the
//! tool's own environment variables in `.env` instead of its file (the
//! config command goes); a tmpfs over the tool's config directory for that
//! RUN (`--mount=type=tmpfs,target=/root/.docker`); undoing it before the
//! RUN ends. A file written by one RUN and removed by a later one becomes a
//! secret file next to `.env`, mounted where it was written. When dfix
//! cannot tell what a command does with the credential (it writes a file or
//! its output goes to one), it says so instead of calling the file fixed.

use std::collections::BTreeMap;
use std::ops::Range;

use crate::facts::{RunText, TextKind};
use crate::rules::{Context, GeneratedFile, Intent, Rule};
use crate::secrets::SecretValue;
use crate::shell::{Command, Quoting, RedirectOp, Script};
use crate::syntax::{Args, Keyword, Span};
use crate::tools::persist::{Carrier, Input, Keeps, Remedy};

/// What the file's commands add to `.env` together.
#[derive(Default)]
struct Shared {
    /// `GIT_CONFIG_KEY_n`/`GIT_CONFIG_VALUE_n` templates.
    git: Vec<(String, String)>,
    /// Composer auth: kind → host → JSON value.
    composer: BTreeMap<String, BTreeMap<String, String>>,
    /// The RUN of the first use of each.
    git_runs: Vec<usize>,
    composer_runs: Vec<usize>,
}

pub fn check(cx: &mut Context<'_, '_, '_>) {
    let mut shared = Shared::default();
    for s in 0..cx.facts.stages.len() {
        let stage = cx.facts.stages[s].clone();
        if stage.windows || stage.foreign_shell {
            continue;
        }
        for idx in stage.instructions.clone() {
            if cx.d.instructions[idx].keyword == Keyword::Run {
                run(cx, idx, stage.instructions.end, &mut shared);
            }
        }
    }
    finish(cx, shared);
}

/// The home directory of the user a RUN runs as, when dfix knows it.
/// What a remedy sees of `cmd` in the RUN at `idx`.
fn input_for<'a>(
    cx: &'a Context<'_, '_, '_>,
    idx: usize,
    script: &'a Script<'a>,
    cmd: &'a Command,
    program: &'a str,
    carriers: &'a [(usize, Carrier)],
) -> Input<'a> {
    Input {
        script,
        cmd,
        program,
        args: script.args(cmd),
        carriers,
        home: home(cx, idx),
        known: &cx.facts.declared,
    }
}

fn home(cx: &Context<'_, '_, '_>, idx: usize) -> Option<&'static str> {
    (!cx.facts.non_root[idx]).then_some("/root")
}

fn run(cx: &mut Context<'_, '_, '_>, idx: usize, stage_end: usize, shared: &mut Shared) {
    let texts = cx.facts.run_texts(idx);
    // Heredoc bodies (by their place among the RUN's heredocs) that carry a
    // credential: the command they feed is given it.
    let first_heredoc = usize::from(
        texts
            .first()
            .is_some_and(|t| t.kind == TextKind::CommandLine),
    );
    let carried: Vec<usize> = texts
        .iter()
        .enumerate()
        .filter(|(t, text)| {
            matches!(text.kind, TextKind::Data { .. })
                && (cx
                    .plan
                    .literal_uses
                    .iter()
                    .any(|u| u.run == idx && u.text == *t)
                    || (text.kind == TextKind::Data { expands: true }
                        && text
                            .lex()
                            .vars
                            .iter()
                            .any(|v| cx.plan.secret_vars.contains(&v.name))))
        })
        .map(|(t, _)| t - first_heredoc)
        .collect();
    for (t, text) in texts.iter().enumerate() {
        if !matches!(text.kind, TextKind::CommandLine | TextKind::Script) {
            continue;
        }
        let has_literals = cx
            .plan
            .literal_uses
            .iter()
            .any(|u| u.run == idx && u.text == t)
            || (text.kind == TextKind::CommandLine && !carried.is_empty());
        let may_use_vars = !cx.plan.secret_vars.is_empty() && text.text.contains('$');
        if !has_literals
            && !may_use_vars
            && !crate::secrets::prefilter::may_mention(text.text, "login")
        {
            continue;
        }
        let script = text.lex();
        let carriers = carriers(cx, idx, t, &script);
        for (c, cmd) in script.commands.iter().enumerate() {
            if cmd.group {
                continue;
            }
            let mine: Vec<(usize, Carrier)> = carriers
                .iter()
                .filter(|(w, _)| crate::secrets::detect::command_words(&script, cmd).contains(w))
                .cloned()
                .collect();
            let Some(program) = script.program(cmd) else {
                continue;
            };
            let fed = text.kind == TextKind::CommandLine
                && cmd
                    .heredocs
                    .iter()
                    .any(|&h| carried.contains(&script.heredocs[h].ordinal));
            let input = input_for(cx, idx, &script, cmd, program, &mine);
            if let Some(inner) = crate::tools::persist::shell_string_keeper(&input) {
                // The credential goes into a shell string: dfix does not
                // rewrite inside it, so what runs there is not changed.
                cx.report(
                    Rule::PersistedCredential,
                    text.map.span(cmd.range.clone()),
                    format!("{program} -c runs {inner}, which may keep a credential in the image"),
                    Some(format!(
                        "the credential reaches {inner} inside a `{program} -c` string, which dfix \
                         does not rewrite: run {inner} directly in the RUN, or check what it writes"
                    )),
                );
                continue;
            }
            let tool = crate::tools::tool(program).and_then(|t| t.persist);
            let input = input_for(cx, idx, &script, cmd, program, &mine);
            let keeps = match tool {
                Some(persist) => persist(&input),
                None if mine.is_empty() && !fed => Keeps::Nothing,
                None => writes(cx, (idx, t), text, &script, c, &mine, stage_end),
            };
            let span = text.map.span(cmd.range.clone());
            let keeps = match keeps {
                // A credential in the command that needs a person: no remedy
                // may copy its words into new text, and the command is not
                // fixed until that person has moved it.
                Keeps::Fix(_) if unmoved_credential_in(cx, span) => Keeps::Manual(
                    "it is given a credential dfix cannot move: move that first".into(),
                ),
                Keeps::Fix(_) if script.incomplete => Keeps::Manual(super::INCOMPLETE.into()),
                keeps => keeps,
            };
            match keeps {
                Keeps::Nothing => {}
                Keeps::Manual(why) => {
                    cx.report(
                        Rule::PersistedCredential,
                        span,
                        format!("{program} may keep a credential in the image"),
                        Some(why),
                    );
                }
                Keeps::Fix(remedy) => apply(
                    cx, idx, t, text, &script, c, &remedy, stage_end, shared, program, span,
                ),
            }
        }
    }
}

/// A literal credential that stays where it is (its finding needs a
/// person) lies inside `span`.
fn unmoved_credential_in(cx: &Context<'_, '_, '_>, span: Span) -> bool {
    cx.plan.findings.iter().any(|f| {
        f.rule == Rule::HardcodedCredential
            && f.manual.is_some()
            && f.span.start < span.end
            && span.start < f.span.end
    })
}

/// A command's words, redirection targets and inline heredoc bodies.
/// The credentials the words of a RUN text carry: the literals DF001 moved,
/// and references to secret variables the build now reads from `.env`.
fn carriers(
    cx: &Context<'_, '_, '_>,
    idx: usize,
    t: usize,
    script: &Script<'_>,
) -> Vec<(usize, Carrier)> {
    let mut out: Vec<(usize, Carrier)> = cx
        .plan
        .literal_uses
        .iter()
        .filter(|u| u.run == idx && u.text == t)
        .map(|u| {
            (
                u.word,
                Carrier::Literal {
                    range: u.range.clone(),
                    name: u.name.clone(),
                },
            )
        })
        .collect();
    for v in &script.vars {
        if !cx.plan.secret_vars.contains(&v.name) {
            continue;
        }
        // The innermost word holding the reference.
        let word = (0..script.words.len())
            .filter(|&w| {
                let r = &script.words[w].range;
                r.start <= v.range.start && v.range.end <= r.end
            })
            .min_by_key(|&w| script.words[w].range.len());
        if let Some(w) = word {
            out.push((w, Carrier::Variable(v.name.clone())));
        }
    }
    out
}

/// The text that gives value bytes `r` of word `w` the new value `value`
/// where they stand: their script-text range and the replacement.
fn requote(
    script: &Script<'_>,
    w: usize,
    r: Range<usize>,
    value: &str,
) -> Option<(Range<usize>, String)> {
    let word = &script.words[w];
    let (range, piece) = word.source(r)?;
    if value.is_empty() {
        return Some((range, String::new()));
    }
    let text = match word.pieces[piece].quoting {
        Quoting::Unquoted => crate::shell::quote::single(value),
        Quoting::Single if !value.contains('\'') => value.to_owned(),
        Quoting::Double => {
            let mut out = String::new();
            for c in value.chars() {
                if matches!(c, '$' | '"' | '\\' | '`') {
                    out.push('\\');
                }
                out.push(c);
            }
            out
        }
        _ => return None,
    };
    Some((range, text))
}

#[allow(clippy::too_many_arguments)]
fn apply(
    cx: &mut Context<'_, '_, '_>,
    idx: usize,
    t: usize,
    text: &RunText<'_, '_>,
    script: &Script<'_>,
    c: usize,
    remedy: &Remedy,
    stage_end: usize,
    shared: &mut Shared,
    program: &str,
    span: Span,
) {
    let manual = |cx: &mut Context<'_, '_, '_>, why: String| {
        cx.report(
            Rule::PersistedCredential,
            span,
            format!("{program} may keep a credential in the image"),
            Some(why),
        );
    };
    if cx.suppressed(Rule::PersistedCredential, span) {
        // Silenced: recorded as such, and nothing of the fix is planned.
        cx.report(
            Rule::PersistedCredential,
            span,
            remedy.describe.clone(),
            None,
        );
        return;
    }
    // A tmpfs the RUN already has (a file fixed before): nothing to do.
    let ins = &cx.d.instructions[idx];
    let mounted = |dir: &String| {
        ins.flags.iter().filter(|f| f.name() == "mount").any(|f| {
            let v = f.value().unwrap_or("");
            v.split(',').any(|p| p == "type=tmpfs")
                && v.split(',').any(|p| {
                    p == format!("target={dir}")
                        || p == format!("dst={dir}")
                        || p == format!("destination={dir}")
                })
        })
    };
    let only_tmpfs = remedy.replace.is_empty()
        && !remedy.remove
        && remedy.derived.is_empty()
        && remedy.git_config.is_empty()
        && remedy.composer_auth.is_empty()
        && remedy.undo.is_none();
    if only_tmpfs && !remedy.tmpfs.is_empty() && remedy.tmpfs.iter().all(mounted) {
        return;
    }
    let needs_env = !remedy.derived.is_empty()
        || !remedy.git_config.is_empty()
        || !remedy.composer_auth.is_empty()
        || remedy.undo.is_some();
    if needs_env {
        if let Err(why) = cx.facts.can_source(idx) {
            return manual(cx, format!("{}, but {why}", remedy.describe));
        }
    }
    // Everything is checked before anything is planned.
    let mut replacements = Vec::new();
    for (w, r, value) in &remedy.replace {
        let word = &script.words[*w];
        // A whole word that goes takes its quotes and the blank before it.
        if value.is_empty() && *r == (0..word.value.len()) {
            let start = script.text[..word.range.start]
                .trim_end_matches([' ', '\t'])
                .len();
            replacements.push((start..word.range.end, String::new()));
            continue;
        }
        match requote(script, *w, r.clone(), value) {
            Some(x) => replacements.push(x),
            None => {
                return manual(
                    cx,
                    format!("{}; the word cannot be rewritten safely", remedy.describe),
                )
            }
        }
    }
    for (name, template) in &remedy.derived {
        if !cx.plan.add_derived(name, template.clone()) {
            return manual(
                cx,
                format!(
                    "{}, but {name} in .env would need two different values",
                    remedy.describe
                ),
            );
        }
    }
    cx.report(
        Rule::PersistedCredential,
        span,
        remedy.describe.clone(),
        None,
    );
    // Piece by piece: comment lines inside a continuation stay.
    for (range, content) in replacements {
        for e in text.map.replace(range, &content) {
            cx.plan.replace_span(e.span, e.content.into_owned());
        }
    }
    if remedy.remove {
        cx.plan.intend(Intent::RemoveCommands {
            run: idx,
            text: t,
            commands: vec![c],
        });
    }
    for dir in &remedy.tmpfs {
        cx.plan
            .intend(Intent::Mount(idx, format!("type=tmpfs,target={dir}")));
    }
    if let Some(undo) = &remedy.undo {
        let end = text.map.offset(script.text.trim_end().len());
        let joiner = if text.kind == TextKind::Script {
            "\n"
        } else {
            " && "
        };
        cx.plan
            .edit(crate::fix::Edit::insert(end, format!("{joiner}{undo}")));
    }
    shared.git.extend(remedy.git_config.iter().cloned());
    if !remedy.git_config.is_empty() {
        shared.git_runs.push(idx);
    }
    for (kind, host, value) in &remedy.composer_auth {
        shared
            .composer
            .entry(kind.clone())
            .or_default()
            .insert(host.clone(), value.clone());
        shared.composer_runs.push(idx);
    }
    if needs_env {
        cx.plan.source_env(idx);
    }
    if let Some(tool) = remedy.later_runs {
        for later in idx + 1..stage_end {
            let ins = &cx.d.instructions[later];
            if ins.keyword != Keyword::Run || !mentions(ins.span.text(cx.d.source), tool) {
                continue;
            }
            if matches!(ins.args, Args::Text(_)) {
                cx.plan.source_env(later);
            } else {
                cx.report(
                    Rule::PersistedCredential,
                    ins.args_span,
                    format!("this exec-form RUN runs {tool}, whose credential now comes from .env"),
                    Some(
                        "an exec-form RUN cannot source the .env file: make it a shell-form RUN"
                            .into(),
                    ),
                );
            }
        }
    }
}

/// `text` runs `program` (as a word).
fn mentions(text: &str, program: &str) -> bool {
    let b = text.as_bytes();
    crate::secrets::url::positions(text, program).any(|i| {
        let before = i.checked_sub(1).map(|j| b[j]);
        let after = b.get(i + program.len()).copied();
        let word = |c: u8| c.is_ascii_alphanumeric() || c == b'_' || c == b'-';
        !before.is_some_and(word) && !after.is_some_and(word)
    })
}

/// The GIT_CONFIG_* and COMPOSER_AUTH entries all commands share, merged
/// with what an existing `.env` (which other Dockerfiles may share) holds.
fn finish(cx: &mut Context<'_, '_, '_>, shared: Shared) {
    if !shared.git.is_empty() {
        let existing = existing_git(cx);
        let mut all = existing.clone();
        for pair in shared.git {
            if !all.contains(&pair) {
                all.push(pair);
            }
        }
        let mut ok = cx
            .plan
            .add_collected("GIT_CONFIG_COUNT", all.len().to_string());
        for (i, (k, v)) in all.iter().enumerate() {
            ok &= cx
                .plan
                .add_derived(&format!("GIT_CONFIG_KEY_{i}"), k.clone());
            ok &= cx
                .plan
                .add_derived(&format!("GIT_CONFIG_VALUE_{i}"), v.clone());
        }
        if !ok {
            let span = cx.d.instructions[shared.git_runs[0]].span;
            cx.report(
                Rule::PersistedCredential,
                span,
                "git configuration through GIT_CONFIG_* clashes with .env".into(),
                Some("GIT_CONFIG_* in .env already hold other settings".into()),
            );
        }
    }
    if !shared.composer.is_empty() {
        let mut auth = existing_composer(cx);
        for (kind, hosts) in shared.composer {
            auth.entry(kind).or_default().extend(hosts);
        }
        let kinds: Vec<String> = auth
            .iter()
            .map(|(kind, hosts)| {
                let hosts: Vec<String> = hosts
                    .iter()
                    .map(|(h, v)| format!("\\\"{h}\\\":{v}"))
                    .collect();
                format!("\\\"{kind}\\\":{{{}}}", hosts.join(","))
            })
            .collect();
        if !cx
            .plan
            .add_collected("COMPOSER_AUTH", format!("{{{}}}", kinds.join(",")))
        {
            let span = cx.d.instructions[shared.composer_runs[0]].span;
            cx.report(
                Rule::PersistedCredential,
                span,
                "COMPOSER_AUTH clashes with .env".into(),
                Some("COMPOSER_AUTH in .env already holds other credentials".into()),
            );
        }
    }
}

/// The git settings an existing `.env` passes through GIT_CONFIG_*.
fn existing_git(cx: &Context<'_, '_, '_>) -> Vec<(String, String)> {
    let derived = cx.existing_derived;
    let count: usize = derived
        .get("GIT_CONFIG_COUNT")
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    (0..count)
        .map_while(|i| {
            Some((
                derived.get(&format!("GIT_CONFIG_KEY_{i}"))?.clone(),
                derived.get(&format!("GIT_CONFIG_VALUE_{i}"))?.clone(),
            ))
        })
        .collect()
}

/// The Composer auth an existing `.env` holds: kind → host → JSON value
/// (as template text).
fn existing_composer(cx: &Context<'_, '_, '_>) -> BTreeMap<String, BTreeMap<String, String>> {
    let mut out: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
    let Some(text) = cx.existing_derived.get("COMPOSER_AUTH") else {
        return out;
    };
    // The template escapes JSON's quotes for the shell; `${NAME}` stays.
    let json = text.replace("\\\"", "\"");
    let Ok(serde_json::Value::Object(kinds)) = serde_json::from_str::<serde_json::Value>(&json)
    else {
        return out;
    };
    for (kind, hosts) in kinds {
        let serde_json::Value::Object(hosts) = hosts else {
            continue;
        };
        for (host, value) in hosts {
            let value = serde_json::to_string(&value)
                .unwrap_or_default()
                .replace('"', "\\\"");
            out.entry(kind.clone()).or_default().insert(host, value);
        }
    }
    out
}

/// A command of no modelled tool that is given a credential: whether its
/// output goes to a file, and what to do about a file written this way.
fn writes(
    cx: &mut Context<'_, '_, '_>,
    (idx, t): (usize, usize),
    text: &RunText<'_, '_>,
    script: &Script<'_>,
    c: usize,
    carriers: &[(usize, Carrier)],
    stage_end: usize,
) -> Keeps {
    let cmd = &script.commands[c];
    let program = script.program(cmd).unwrap_or("");
    let file = cmd.redirects.iter().find_map(|r| {
        let target = script.value(r.target?);
        (r.op.writes() && !target.starts_with("/dev/")).then(|| (r.op, target.to_owned()))
    });
    let to_file = match (program, file) {
        (_, Some(f)) => f,
        ("tee", None) => match script
            .args(cmd)
            .iter()
            .find(|&&w| !script.value(w).starts_with('-'))
        {
            Some(&w) => (RedirectOp::Out, script.value(w).to_owned()),
            None => return Keeps::Nothing,
        },
        ("sed", None)
            if script
                .args(cmd)
                .iter()
                .any(|&w| script.value(w).starts_with("-i")) =>
        {
            return Keeps::Manual("sed -i writes the credential into a file of the image".into())
        }
        _ => return Keeps::Nothing,
    };
    let (op, path) = to_file;
    let Some(target) = absolute(cx, idx, &path) else {
        return Keeps::Manual(format!(
            "{program} writes the credential to {path}, which stays in this layer"
        ));
    };
    // Removed later in the same RUN: the layer never holds it.
    let removed_here = script.commands[c + 1..]
        .iter()
        .any(|later| !later.nested && removes(script, later, &target, cx, idx));
    if removed_here {
        return Keeps::Nothing;
    }
    // An npm config file may hold `${NAME}`, which npm expands from the
    // environment when it reads the file: write that instead.
    if target.ends_with("npmrc") {
        if let Some(remedy) = npmrc_reference(script, carriers, &target, program) {
            return Keeps::Fix(remedy);
        }
    }
    if op != RedirectOp::Out && op != RedirectOp::Clobber && program != "tee" {
        return Keeps::Manual(format!(
            "{program} appends the credential to {target}, which stays in this layer"
        ));
    }
    let Some(content) = content(cx, idx, text, script, c) else {
        return Keeps::Manual(format!(
            "{program} writes the credential to {target}, which stays in this layer; \
             dfix cannot work out what it writes"
        ));
    };
    // Removed by a later RUN of the stage?
    let mut removal = None;
    for later in idx + 1..stage_end {
        if cx.d.instructions[later].keyword != Keyword::Run {
            continue;
        }
        for (lt, ltext) in cx.facts.run_texts(later).iter().enumerate() {
            if !matches!(ltext.kind, TextKind::CommandLine | TextKind::Script) {
                continue;
            }
            let ls = ltext.lex();
            if ls.incomplete {
                // Nothing in a text the shell refuses is edited.
                continue;
            }
            for (lc, lcmd) in ls.commands.iter().enumerate() {
                if !lcmd.nested && !lcmd.group && removes(&ls, lcmd, &target, cx, later) {
                    let operands: Vec<usize> = ls
                        .args(lcmd)
                        .iter()
                        .copied()
                        .filter(|&w| !ls.value(w).starts_with('-'))
                        .collect();
                    let mine: Vec<usize> = operands
                        .iter()
                        .copied()
                        .filter(|&w| {
                            absolute(cx, later, ls.value(w)).as_deref() == Some(target.as_str())
                        })
                        .collect();
                    removal = Some((later, lt, lc, mine, operands.len()));
                    break;
                }
            }
            if removal.is_some() {
                break;
            }
        }
        if removal.is_some() {
            break;
        }
    }
    let Some((rm_run, rm_text, rm_cmd, mine, total)) = removal else {
        return Keeps::Manual(format!(
            "{program} writes the credential to {target}, which is never removed: \
             it may be needed at run time; a person decides where it belongs"
        ));
    };
    // Decided before anything is planned: the caller's own checks come
    // after this returns.
    if script.incomplete {
        return Keeps::Manual(super::INCOMPLETE.into());
    }
    if unmoved_credential_in(cx, text.map.span(cmd.range.clone())) {
        return Keeps::Manual("it is given a credential dfix cannot move: move that first".into());
    }
    // The file becomes a secret next to .env, mounted where it was written
    // up to (and in) the RUN that removed it.
    let base = target.rsplit('/').next().unwrap_or(&target);
    let stem: String = base
        .trim_start_matches('.')
        .chars()
        .map(|ch| {
            if ch.is_ascii_alphanumeric() || ch == '-' || ch == '_' {
                ch
            } else {
                '_'
            }
        })
        .collect();
    let stem = if stem.is_empty() {
        "secret".to_owned()
    } else {
        stem
    };
    let mut id = stem.clone();
    let mut n = 2;
    while cx.plan.files.iter().any(|f| f.id == id) || cx.plan.generated.iter().any(|g| g.id == id) {
        id = format!("{stem}_{n}");
        n += 1;
    }
    cx.plan.generated.push(GeneratedFile {
        id: id.clone(),
        content: SecretValue::new(content),
        target: target.clone(),
    });
    cx.plan.intend(Intent::RemoveCommands {
        run: idx,
        text: t,
        commands: vec![c],
    });
    cx.plan.intend(Intent::RemoveOperands {
        run: rm_run,
        text: rm_text,
        command: rm_cmd,
        operands: mine,
        total,
    });
    let mount = format!("type=secret,id={id},target={target}");
    for later in idx..=rm_run {
        if cx.d.instructions[later].keyword == Keyword::Run {
            cx.plan.intend(Intent::Mount(later, mount.clone()));
        }
    }
    Keeps::Fix(Remedy {
        describe: format!(
            "{program} writes the credential to {target}, which stays in this layer: \
             the file becomes a secret file (id {id}) mounted where it was read"
        ),
        ..Remedy::default()
    })
}

/// Each credential of a command that writes an `.npmrc` becomes the text
/// `${NAME}` (NAME the variable `.env` holds it in), when each is a literal
/// moved to `.env` or a secret variable's whole reference.
fn npmrc_reference(
    script: &Script<'_>,
    carriers: &[(usize, Carrier)],
    target: &str,
    program: &str,
) -> Option<Remedy> {
    if carriers.is_empty() {
        return None;
    }
    let mut replace = Vec::new();
    for (w, carrier) in carriers {
        match carrier {
            Carrier::Literal { range, name } => {
                replace.push((*w, range.clone(), format!("${{{name}}}")));
            }
            Carrier::Variable(name) => {
                let word = &script.words[*w];
                let runs: Vec<_> = word
                    .runs()
                    .filter(|(r, dynamic)| {
                        *dynamic && {
                            let t = &word.value[r.clone()];
                            t == format!("${name}") || t == format!("${{{name}}}")
                        }
                    })
                    .collect();
                if runs.is_empty() {
                    return None;
                }
                for (r, _) in runs {
                    replace.push((*w, r, format!("${{{name}}}")));
                }
            }
        }
    }
    replace.sort_by_key(|(w, r, _)| (*w, r.start));
    replace.dedup_by_key(|(w, r, _)| (*w, r.start));
    Some(Remedy {
        describe: format!(
            "{program} writes the credential to {target}: it now writes ${{NAME}}, \
             which npm expands from .env when it reads the file"
        ),
        replace,
        later_runs: Some("npm"),
        ..Remedy::default()
    })
}

/// A path as the RUN at `idx` sees it, absolute.
fn absolute(cx: &Context<'_, '_, '_>, idx: usize, path: &str) -> Option<String> {
    let home = home(cx, idx);
    let path = if let Some(rest) = path
        .strip_prefix("~/")
        .or_else(|| path.strip_prefix("$HOME/"))
        .or_else(|| path.strip_prefix("${HOME}/"))
    {
        format!("{}/{rest}", home?)
    } else {
        path.to_owned()
    };
    if path.contains(['$', '`', '*', '?', ',', ' ']) {
        return None;
    }
    if path.starts_with('/') {
        return Some(path);
    }
    cx.facts.workdir[idx]
        .as_deref()
        .map(|w| crate::facts::join(w, &path))
}

/// The command removes `target` (`rm [-f] ... target`).
fn removes(
    script: &Script<'_>,
    cmd: &Command,
    target: &str,
    cx: &Context<'_, '_, '_>,
    idx: usize,
) -> bool {
    script.program(cmd) == Some("rm")
        && script
            .args(cmd)
            .iter()
            .any(|&w| absolute(cx, idx, script.value(w)).as_deref() == Some(target))
}

/// What the command writes, when it is plain text dfix can work out: `echo`
/// of literal words, `printf` of one format without conversions, `cat` of a
/// heredoc.
fn content(
    cx: &Context<'_, '_, '_>,
    idx: usize,
    text: &RunText<'_, '_>,
    script: &Script<'_>,
    c: usize,
) -> Option<String> {
    let cmd = &script.commands[c];
    let args = script.args(cmd);
    let static_word = |w: usize| !script.words[w].runs().any(|(_, dynamic)| dynamic);
    match script.program(cmd)? {
        "echo" => {
            let (newline, words) = match args.first().map(|&w| script.value(w)) {
                Some("-n") => (false, &args[1..]),
                _ => (true, args),
            };
            if !words.iter().all(|&w| {
                static_word(w)
                    && !script.value(w).contains('\\')
                    && !script.value(w).starts_with('-')
            }) {
                return None;
            }
            let mut out = words
                .iter()
                .map(|&w| script.value(w))
                .collect::<Vec<_>>()
                .join(" ");
            if newline {
                out.push('\n');
            }
            Some(out)
        }
        "printf" => {
            let [w] = args else { return None };
            if !static_word(*w) {
                return None;
            }
            let fmt = script.value(*w);
            let mut out = String::new();
            let mut chars = fmt.chars();
            while let Some(ch) = chars.next() {
                match ch {
                    '\\' => match chars.next()? {
                        'n' => out.push('\n'),
                        't' => out.push('\t'),
                        '\\' => out.push('\\'),
                        _ => return None,
                    },
                    '%' => match chars.next()? {
                        '%' => out.push('%'),
                        _ => return None,
                    },
                    ch => out.push(ch),
                }
            }
            Some(out)
        }
        "cat" if args.is_empty() && cmd.heredocs.len() == 1 => {
            let op = &script.heredocs[cmd.heredocs[0]];
            let body = match (op.body, text.kind) {
                (Some(b), _) => {
                    if !static_word(b) {
                        return None;
                    }
                    script.value(b).to_owned()
                }
                (None, TextKind::CommandLine) => {
                    let h = cx.d.instructions[idx].heredocs.get(op.ordinal)?;
                    let body = h.body.text(cx.d.source);
                    if h.expand && body.contains(['$', '`', '\\']) {
                        return None;
                    }
                    body.to_owned()
                }
                _ => return None,
            };
            if op.strip_tabs {
                return Some(
                    body.split_inclusive('\n')
                        .map(|l| l.trim_start_matches('\t'))
                        .collect(),
                );
            }
            Some(body)
        }
        _ => None,
    }
}
