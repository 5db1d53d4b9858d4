//! What DF002 and DF005 share: the secret files a stage copies in, the
//! `RUN`s that need them while they are there, their clean-up commands,
//! and the fix (a secret mount at the path each file had).
//!
//! A file is either *named* by the `COPY` (the copy, or that source of it,
//! goes) or *brought* by a source that names a directory or a wildcard
//! (it is excluded from the context in `.dockerignore`, so the same `COPY`
//! no longer brings it).

use crate::facts::{join, TextKind};
use crate::fix::Edit;
use crate::rules::{Context, FileSecret, Intent, Rule};
use crate::syntax::{Args, Keyword, Span};

/// Operands naming a copied secret file in one `rm`/`chmod`/`chown`.
#[derive(Debug, Clone)]
pub struct Cleanup {
    run: usize,
    text: usize,
    command: usize,
    operands: usize,
    mine: Vec<usize>,
}

/// How the `COPY` gets the file.
#[derive(Debug, Clone)]
pub enum Origin {
    /// It names it: the source word goes (the whole `COPY` when it is the
    /// only source).
    Named { word: Span, only_source: bool },
    /// A directory or wildcard source brings it: it leaves the context.
    Brought { exclude: String },
}

/// A secret file a stage copies into the image.
#[derive(Debug)]
pub struct CopiedFile {
    pub rule: Rule,
    pub copy: usize,
    /// Where the finding points.
    pub span: Span,
    pub origin: Origin,
    /// Its path in the build context (as named, without `./`).
    pub source: String,
    /// Its absolute path in the image.
    pub target: String,
    pub mount_options: String,
    /// What it holds (`an SSH private key`), for the message.
    pub what: &'static str,
    /// RUNs while it is present, and the one that removes it.
    pub runs: Vec<usize>,
    pub removed_by: Option<usize>,
    pub cleanups: Vec<Cleanup>,
    pub blocked: Option<String>,
}

/// A `COPY`/`ADD` read for its sources.
pub struct CopyArgs<'a> {
    pub dest: &'a str,
    /// `(word span, source as written)`.
    pub sources: Vec<(Span, &'a str)>,
    pub json: bool,
    /// The destination is a directory: a trailing `/`, `.`, several
    /// sources, or a wildcard.
    pub dir_dest: bool,
}

/// The sources and destination of a `COPY`/`ADD` (heredoc sources left
/// out); `None` when it has fewer than two words.
pub fn copy_args<'a>(d: &'a crate::syntax::Dockerfile<'_>, idx: usize) -> Option<CopyArgs<'a>> {
    let ins = &d.instructions[idx];
    let (words, json) = match &ins.args {
        Args::Words(w) => (w, false),
        Args::Exec(w) => (w, true),
        _ => return None,
    };
    if words.len() < 2 {
        return None;
    }
    let (dest, sources) = words.split_last()?;
    let dest = dest.value.as_ref();
    let sources: Vec<(Span, &str)> = sources
        .iter()
        .filter(|s| !s.value.starts_with("<<"))
        .map(|s| (s.span, s.value.as_ref()))
        .collect();
    let wildcard = sources
        .iter()
        .any(|(_, s)| crate::context::glob::has_wildcard(s));
    let dir_dest = dest.ends_with('/') || dest == "." || sources.len() > 1 || wildcard;
    Some(CopyArgs {
        dest,
        sources,
        json,
        dir_dest,
    })
}

/// The absolute path of `path` in the image at instruction `idx`.
pub fn absolute(cx: &Context<'_, '_, '_>, idx: usize, path: &str) -> String {
    if path.starts_with('/') {
        return path.to_owned();
    }
    cx.facts.workdir[idx]
        .as_deref()
        .map_or(path.to_owned(), |w| join(w, path))
}

/// Mount options carried over from `--chown`/`--chmod`, or why the file
/// cannot be mounted for the user that reads it.
pub fn mount_options(cx: &Context<'_, '_, '_>, idx: usize) -> (String, Option<String>) {
    let ins = &cx.d.instructions[idx];
    let non_root = cx.facts.non_root[idx];
    let mut options = String::new();
    let mut blocked = None;
    if ins.flag("from").is_some() {
        blocked = Some("copied from another stage or image, not the build context".into());
    }
    if let Some(chown) = ins.flag("chown").and_then(|f| f.value()) {
        let (user, group) = chown.split_once(':').unwrap_or((chown, chown));
        if user.bytes().all(|b| b.is_ascii_digit()) && group.bytes().all(|b| b.is_ascii_digit()) {
            options.push_str(&format!(",uid={user},gid={group}"));
        } else if non_root {
            blocked = blocked.or(Some(format!(
                "--chown={chown} names a user; a mount needs numeric ids"
            )));
        }
    } else if non_root {
        blocked = blocked.or(Some(
            "a non-root USER reads it; give the mount a uid".into(),
        ));
    }
    if let Some(mode) = ins.flag("chmod").and_then(|f| f.value()) {
        options.push_str(&format!(",mode=0{}", mode.trim_start_matches('0')));
    }
    (options, blocked)
}

/// Whether an `rm`/`chmod` operand names the copied file.
fn names_file(a: &str, f: &CopiedFile) -> bool {
    let base = f.target.rsplit('/').next().unwrap_or(&f.target);
    let a = a.trim_end_matches('/');
    a == f.target
        || a == base
        || a == format!("./{base}")
        || a.strip_prefix('~').is_some_and(|r| f.target.ends_with(r))
        || a.strip_prefix("$HOME")
            .is_some_and(|r| f.target.ends_with(r))
        || (!a.starts_with('/') && f.target.ends_with(&format!("/{a}")))
}

/// The stages of the file, each read in order: `collect` is asked about
/// each `COPY`/`ADD`, every `RUN` while a file is present needs it (and
/// may remove it), and the files of a stage are settled at its end.
pub fn each_stage(
    cx: &mut Context<'_, '_, '_>,
    mut collect: impl FnMut(&mut Context<'_, '_, '_>, usize, &mut Vec<CopiedFile>),
) {
    for s in 0..cx.facts.stages.len() {
        let stage = cx.facts.stages[s].clone();
        let mut files: Vec<CopiedFile> = Vec::new();
        for idx in stage.instructions.clone() {
            match cx.d.instructions[idx].keyword {
                Keyword::Copy | Keyword::Add => collect(cx, idx, &mut files),
                Keyword::Run if files.iter().any(|f| f.removed_by.is_none()) => {
                    cleanups(cx, idx, &mut files);
                }
                _ => {}
            }
        }
        settle(cx, files, stage.windows);
    }
}

/// A RUN while secret files are present: it needs them, and it may remove
/// them (`rm`) or change them (`chmod`, `chown`), which a mount makes moot.
fn cleanups(cx: &mut Context<'_, '_, '_>, idx: usize, files: &mut [CopiedFile]) {
    for f in files.iter_mut().filter(|f| f.removed_by.is_none()) {
        f.runs.push(idx);
    }
    let texts = cx.facts.run_texts(idx);
    for (t, text) in texts.iter().enumerate() {
        if !matches!(text.kind, TextKind::CommandLine | TextKind::Script) {
            continue;
        }
        let script = text.lex();
        if script.incomplete {
            // The shell refuses this text: nothing in it is edited.
            continue;
        }
        for (c, cmd) in script.commands.iter().enumerate() {
            if cmd.group || cmd.nested {
                continue;
            }
            let Some(program) = script.program(cmd) else {
                continue;
            };
            let args = script.args(cmd);
            let operands: Vec<usize> = match program {
                "rm" => args
                    .iter()
                    .copied()
                    .filter(|&w| !script.value(w).starts_with('-'))
                    .collect(),
                "chmod" | "chown" => args
                    .iter()
                    .copied()
                    .filter(|&w| !script.value(w).starts_with('-'))
                    .skip(1)
                    .collect(),
                _ => continue,
            };
            for f in files.iter_mut().filter(|f| f.removed_by.is_none()) {
                let mine: Vec<usize> = operands
                    .iter()
                    .copied()
                    .filter(|&w| names_file(script.value(w), f))
                    .collect();
                if mine.is_empty() {
                    continue;
                }
                if program == "rm" {
                    f.removed_by = Some(idx);
                }
                // A mounted secret is read-only: its rm, chmod and chown go
                // once the file is known to be fixed.
                f.cleanups.push(Cleanup {
                    run: idx,
                    text: t,
                    command: c,
                    operands: operands.len(),
                    mine,
                });
            }
        }
    }
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

/// The id of the secret mount for context file `source`: the one already
/// planned for it, else a fresh one from its name.
fn id_for(cx: &Context<'_, '_, '_>, source: &str) -> (String, bool) {
    if let Some(f) = cx.plan.files.iter().find(|f| f.source == source) {
        return (f.id.clone(), false);
    }
    let name = source.rsplit('/').next().unwrap_or(source);
    let base = secret_id(name);
    let mut id = base.clone();
    let mut n = 2;
    while cx.plan.files.iter().any(|x| x.id == id) {
        id = format!("{base}_{n}");
        n += 1;
    }
    (id, true)
}

fn settle(cx: &mut Context<'_, '_, '_>, files: Vec<CopiedFile>, windows: bool) {
    for f in files {
        // What DF002 reports, DF005 does not report again; DF005 reports a
        // file again for each stage whose COPY brings it.
        if f.rule == Rule::SecretFileCopy {
            if let Some(path) = crate::context::source_path(&f.source) {
                cx.plan.reported_sources.insert(path);
            }
        }
        let named = matches!(f.origin, Origin::Named { .. });
        let message = if named {
            let name = f.source.rsplit('/').next().unwrap_or(&f.source);
            format!("secret file {name} is copied into an image layer")
        } else {
            format!(
                "secret file {} ({}) from the build context is copied into an image layer",
                f.source, f.what
            )
        };
        let reason = f
            .blocked
            .clone()
            .or_else(|| windows.then(|| "Windows stage".to_owned()))
            .or_else(|| {
                (!f.target.starts_with('/'))
                    .then(|| "the WORKDIR is not known, so neither is where it lands".to_owned())
            })
            .or_else(|| {
                (named && f.removed_by.is_none()).then(|| {
                    "never removed: it may be needed at run time; mount it where it is used"
                        .to_owned()
                })
            });
        if let Some(reason) = reason {
            cx.report(f.rule, f.span, message, Some(reason));
            continue;
        }
        let message = match f.origin {
            Origin::Brought { .. } if f.runs.is_empty() => {
                format!("{message}; .dockerignore now leaves it out")
            }
            Origin::Brought { .. } => format!(
                "{message}; .dockerignore now leaves it out and the RUNs after the COPY mount it \
                 (if the container needs it, give it at run time)"
            ),
            Origin::Named { .. } => message,
        };
        if !cx.report(f.rule, f.span, message, None) {
            continue;
        }
        let (id, fresh) = id_for(cx, &f.source);
        for c in &f.cleanups {
            cx.plan.intend(Intent::RemoveOperands {
                run: c.run,
                text: c.text,
                command: c.command,
                operands: c.mine.clone(),
                total: c.operands,
            });
        }
        let mount = format!("type=secret,id={id},target={}{}", f.target, f.mount_options);
        for &run in &f.runs {
            cx.plan.intend(Intent::Mount(run, mount.clone()));
        }
        match &f.origin {
            Origin::Named {
                only_source: true, ..
            } => cx.plan.intend(Intent::DeleteInstruction(f.copy)),
            Origin::Named { word, .. } => {
                let start = cx.src()[..word.start].trim_end_matches([' ', '\t']).len();
                cx.plan.edit(Edit::delete(Span::new(start, word.end)));
            }
            Origin::Brought { exclude } => {
                if !cx.plan.exclude.contains(exclude) {
                    cx.plan.exclude.push(exclude.clone());
                }
            }
        }
        // A file brought in by a wide COPY and read by no RUN is only left
        // out: the build needs no secret for it.
        if fresh && (named || !f.runs.is_empty()) {
            cx.plan.files.push(FileSecret {
                id,
                source: f.source,
                target: f.target,
            });
        }
    }
}
