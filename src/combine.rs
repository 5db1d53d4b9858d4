//! The intents of every rule for one file, merged into byte edits: each RUN
//! gets one set of mounts (one `.env` mount, no mount it already has) and
//! one sourcing; removals of commands, operands, declaration words and whole
//! instructions are worked out together so that what is left stays valid.

use std::collections::{BTreeMap, BTreeSet};

use crate::facts::{Facts, TextKind};
use crate::fix::Edit;
use crate::rules::{Intent, Plan};
use crate::syntax::{Args, Instruction, Span};

mod secret;

/// The secret id under which the `.env` file is mounted (spelled out in the
/// constant mount and sourcing texts below).
pub const ENV_SECRET_ID: &str = "env";

/// What one RUN needs.
#[derive(Default, Debug)]
struct RunNeeds {
    env: bool,
    /// Secret build args it reads from secrets of their own.
    reads: Vec<String>,
    /// The command was rewritten with the sourcing already in it.
    sourced: bool,
    mounts: Vec<String>,
}

/// The span of whole lines covering `span`, with the final line ending.
pub fn whole_lines(source: &str, span: Span) -> Span {
    let start = source[..span.start].rfind('\n').map_or(0, |i| i + 1);
    let rest = &source[span.end..];
    let end = match rest.find('\n') {
        Some(i) if rest[..i].trim_end_matches('\r').is_empty() => span.end + i + 1,
        _ => span.end,
    };
    Span::new(start, end)
}

/// The line ending a text uses (`\r\n` when its first line ends so).
fn line_ending(text: &str) -> &'static str {
    match text.find('\n') {
        Some(i) if i > 0 && text.as_bytes()[i - 1] == b'\r' => "\r\n",
        _ => "\n",
    }
}

/// Where a RUN reads the env file: before its command line, or as the
/// first line of its script (after a shell's `#!` line).
pub fn sourcing_edit(source: &str, ins: &Instruction<'_>) -> Edit {
    let sourcing = ". /run/secrets/env";
    if let Some(h) = ins.heredocs.first().filter(|h| h.word == ins.args_span) {
        let body = h.body.text(source);
        let eol = line_ending(body);
        let at = if body.starts_with("#!") {
            body.find('\n').map_or(body.len(), |i| i + 1)
        } else {
            0
        };
        return Edit::insert(h.body.start + at, format!("{sourcing}{eol}"));
    }
    Edit::insert(ins.args_span.start, ". /run/secrets/env && ")
}

/// The RUN already mounts this (`type=secret,id=env`, in any order).
fn has_mount(ins: &Instruction<'_>, mount: &str) -> bool {
    let want: BTreeSet<&str> = mount.split(',').collect();
    ins.flags.iter().filter(|f| f.name() == "mount").any(|f| {
        let have: BTreeSet<&str> = f.value().unwrap_or("").split(',').collect();
        let id_have = have.iter().find(|p| p.starts_with("id="));
        let id_want = want.iter().find(|p| p.starts_with("id="));
        have == want || (id_have.is_some() && id_have == id_want && have.contains("type=secret"))
    })
}

/// All edits of a plan.
pub fn edits(facts: &Facts<'_, '_>, plan: &mut Plan) -> Vec<Edit> {
    let d = facts.d;
    let src = d.source;
    let mut edits: Vec<Edit> = std::mem::take(&mut plan.edits);
    let mut deleted: BTreeSet<usize> = BTreeSet::new();
    let mut runs: BTreeMap<usize, RunNeeds> = BTreeMap::new();
    let mut declarations: BTreeMap<usize, Vec<Span>> = BTreeMap::new();
    let mut commands: BTreeMap<(usize, usize), BTreeSet<usize>> = BTreeMap::new();
    let mut operands: BTreeMap<(usize, usize, usize), (usize, BTreeSet<usize>)> = BTreeMap::new();
    // A RUN that needs a former build arg asks for the `.env` (DF004's
    // later npm RUNs); when every such arg is a secret of its own and the
    // `.env` gets nothing, those RUNs read the secrets already, and a mount
    // of an `.env` no build passes would fail them.
    let no_env = plan.env.is_empty() && !plan.per_secret.is_empty();
    for &r in plan.source_env.iter().filter(|_| !no_env) {
        runs.entry(r).or_default().env = true;
    }
    for &r in &plan.sourced {
        runs.entry(r).or_default().sourced = true;
    }
    for (&r, names) in &plan.secret_reads {
        runs.entry(r).or_default().reads = names.iter().cloned().collect();
    }
    for intent in &plan.intents {
        match intent {
            Intent::Mount(r, m) => {
                let needs = runs.entry(*r).or_default();
                if !needs.mounts.contains(m) {
                    needs.mounts.push(m.clone());
                }
            }
            Intent::DeleteInstruction(i) => {
                deleted.insert(*i);
            }
            Intent::DeleteDeclaration(i, w) => declarations.entry(*i).or_default().push(*w),
            Intent::RemoveCommands {
                run,
                text,
                commands: c,
            } => commands.entry((*run, *text)).or_default().extend(c),
            Intent::RemoveOperands {
                run,
                text,
                command,
                operands: o,
                total,
            } => {
                let e = operands
                    .entry((*run, *text, *command))
                    .or_insert_with(|| (*total, BTreeSet::new()));
                e.1.extend(o);
            }
        }
    }
    // A command left with none of its operands goes whole; otherwise only
    // the operands naming mounted secrets go (`rm -f .npmrc notes.txt`).
    for ((run, text, command), (total, ops)) in operands {
        if ops.len() >= total {
            commands.entry((run, text)).or_default().insert(command);
            continue;
        }
        let texts = facts.run_texts(run);
        let t = &texts[text];
        let script = t.lex();
        for w in ops {
            let r = script.words[w].range.clone();
            let start = script.text[..r.start].trim_end_matches([' ', '\t']).len();
            edits.push(Edit::delete(t.map.span(start..r.end)));
        }
    }
    // Removed text takes the edits other rules made inside it.
    let mut removed: Vec<Edit> = Vec::new();
    for ((run, text), cmds) in commands {
        let texts = facts.run_texts(run);
        let t = &texts[text];
        let script = t.lex();
        let cmds: Vec<usize> = cmds.into_iter().collect();
        let Some(removal) = script.removal(&cmds) else {
            continue;
        };
        if removal.leaves_empty {
            // Nothing left to run: the RUN goes, with any heredoc bodies.
            deleted.insert(run);
            continue;
        }
        for r in removal.ranges {
            removed.push(Edit::delete(t.map.span(r)));
        }
        // The heredoc bodies a removed command of a RUN's first line fed sit
        // after that line: they go with it.
        if t.kind == TextKind::CommandLine {
            let ins = &d.instructions[run];
            for &c in &cmds {
                for &h in &script.commands[c].heredocs {
                    if let Some(body) = ins.heredocs.get(script.heredocs[h].ordinal) {
                        let span = Span::new(body.body.start, body.terminator.end);
                        removed.push(Edit::delete(whole_lines(src, span)));
                    }
                }
            }
        }
    }
    edits.retain(|e| {
        !removed
            .iter()
            .any(|r| r.span.start <= e.span.start && e.span.end <= r.span.end)
    });
    edits.extend(removed);
    for (idx, words) in declarations {
        let ins = &d.instructions[idx];
        let spans: Vec<Span> = match &ins.args {
            Args::KeyValues(p) => p.iter().map(|kv| kv.span).collect(),
            _ => Vec::new(),
        };
        let gone: Vec<bool> = spans.iter().map(|s| words.contains(s)).collect();
        if gone.iter().all(|&g| g) {
            deleted.insert(idx);
            continue;
        }
        // Each run of deleted words goes with the separator after it, or, at
        // the end, with the separator before it (which may hold a line
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
            edits.push(Edit::delete(range));
        }
    }
    for &idx in &deleted {
        // Edits inside a deleted instruction are moot.
        let span = d.instructions[idx].span;
        edits.retain(|e| !(span.start <= e.span.start && e.span.end <= span.end));
        edits.push(Edit::delete(whole_lines(src, span)));
    }
    for (idx, needs) in runs {
        if deleted.contains(&idx) {
            continue;
        }
        let ins = &d.instructions[idx];
        let mut flags = String::new();
        let env_mount = "type=secret,id=env";
        let only_env = needs.mounts.iter().all(|m| has_mount(ins, m));
        if needs.env && !has_mount(ins, env_mount) {
            if only_env {
                // The common case: one constant, no copy per RUN.
                edits.push(Edit::insert(
                    ins.keyword_span.end,
                    " --mount=type=secret,id=env",
                ));
            } else {
                flags.push_str(" --mount=type=secret,id=env");
            }
        }
        for m in &needs.mounts {
            if !has_mount(ins, m) {
                flags.push_str(&format!(" --mount={m}"));
            }
        }
        for name in &needs.reads {
            let mount = secret::mount(name, plan.secret_env_mount);
            if !has_mount(ins, &mount) {
                flags.push_str(&format!(" --mount={mount}"));
            }
        }
        if !flags.is_empty() {
            edits.push(Edit::insert(ins.keyword_span.end, flags));
        }
        let unread: Vec<&str> = needs
            .reads
            .iter()
            .filter(|n| !plan.secret_env_mount && !secret::already_read(src, ins, n))
            .map(String::as_str)
            .collect();
        let source = needs.env && !needs.sourced && !already_sourced(src, ins);
        if !unread.is_empty() {
            // One insertion: the secrets are read before the `.env` is
            // sourced, whose derived entries may expand them.
            edits.push(secret::reading_edit(src, ins, &unread, source));
        } else if source {
            edits.push(sourcing_edit(src, ins));
        }
    }
    edits.sort();
    edits.dedup();
    edits
}

/// The RUN already starts by sourcing the env file (a file fixed before).
fn already_sourced(src: &str, ins: &Instruction<'_>) -> bool {
    let sourcing = format!(". /run/secrets/{ENV_SECRET_ID}");
    let text = match ins.heredocs.first().filter(|h| h.word == ins.args_span) {
        Some(h) => h.body.text(src),
        None => ins.args_span.text(src),
    };
    text.lines()
        .take(2)
        .any(|l| l.trim_start().starts_with(&sourcing))
}
