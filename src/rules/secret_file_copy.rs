//! DF002 `secret-file-copy`.
//!
//! **What it catches:** `COPY`/`ADD` of a credential file — `.netrc`,
//! `.npmrc`, `.pypirc`, `pip.conf`, `.git-credentials`, SSH keys (`id_rsa`,
//! `id_ed25519`, `*.pem`, `*.key`, anything copied into `~/.ssh/`),
//! `.aws/credentials`, `.docker/config.json`, `settings.xml`, `auth.json`,
//! `NuGet.Config`, `.env` — alone, among other sources, or renamed on the way
//! in; whether or not a later `RUN` removes it.
//!
//! **Why it matters:** `rm` in a later layer hides the file but the layer that
//! `COPY` made still holds it: anyone with the image can extract it.
//!
//! **Example:**
//! ```dockerfile
//! COPY .npmrc .
//! RUN npm ci && rm .npmrc
//! ```
//! becomes
//! ```dockerfile
//! RUN --mount=type=secret,id=npmrc,target=/app/.npmrc npm ci
//! ```
//! built with `--secret id=npmrc,src=.npmrc`.
//!
//! **Fix safety:** the file (or just that source of a multi-source `COPY`) is
//! no longer copied; every `RUN` between the copy and its removal mounts it
//! with `--mount=type=secret,id=<id>,target=<absolute path it had>` (owner
//! and mode carried over from `--chown`/`--chmod`); the `rm` (and any
//! `chmod`/`chown`) of the file goes, as a whole `RUN`, one command of a
//! list, or one operand. A file that is never removed may be needed at run
//! time, and a copy from another stage, by wildcard, or by a user name the
//! mount cannot take is not the context's file: those are reported, not
//! fixed.

use crate::facts::{join, TextKind};
use crate::fix::Edit;
use crate::rules::{Context, FileSecret, Intent, Rule};
use crate::secrets::files::is_secret_file;
use crate::syntax::{Args, Keyword, Span};

/// Operands naming a copied secret file in one `rm`/`chmod`/`chown`.
#[derive(Debug, Clone)]
struct Cleanup {
    run: usize,
    text: usize,
    command: usize,
    operands: usize,
    mine: Vec<usize>,
}

/// A secret file copied into the image by a stage.
#[derive(Debug)]
struct CopiedFile {
    copy: usize,
    /// The source word (the whole COPY goes when it is the only one).
    source_word: Span,
    only_source: bool,
    source: String,
    target: String,
    mount_options: String,
    /// RUNs while it is present, and the one that removes it.
    runs: Vec<usize>,
    removed_by: Option<usize>,
    cleanups: Vec<Cleanup>,
    blocked: Option<String>,
}

pub fn check(cx: &mut Context<'_, '_, '_>) {
    for s in 0..cx.facts.stages.len() {
        let stage = cx.facts.stages[s].clone();
        let mut files: Vec<CopiedFile> = Vec::new();
        for idx in stage.instructions.clone() {
            match cx.d.instructions[idx].keyword {
                Keyword::Copy | Keyword::Add => copy(cx, idx, &mut files),
                Keyword::Run if files.iter().any(|f| f.removed_by.is_none()) => {
                    cleanups(cx, idx, &mut files);
                }
                _ => {}
            }
        }
        settle(cx, files, stage.windows);
    }
}

fn copy(cx: &mut Context<'_, '_, '_>, idx: usize, files: &mut Vec<CopiedFile>) {
    let ins = &cx.d.instructions[idx];
    let (words, json) = match &ins.args {
        Args::Words(w) => (w, false),
        Args::Exec(w) => (w, true),
        _ => return,
    };
    if words.len() < 2 {
        return;
    }
    let workdir = cx.facts.workdir[idx].as_deref();
    let non_root = cx.facts.non_root[idx];
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
            in_image
        } else {
            workdir.map_or(in_image.clone(), |w| join(w, &in_image))
        };
        let mut blocked = None;
        if path.contains("://") || path.starts_with("git@") {
            blocked = Some("ADD downloads it: it is not a file of the build context".into());
        } else if ins.flag("from").is_some() {
            blocked = Some("copied from another stage or image, not the build context".into());
        } else if path.contains(['*', '?', '$', '[']) || dest.contains('$') {
            blocked = Some("the path uses a wildcard or a variable".into());
        } else if json && sources.len() > 1 {
            blocked = Some("one source of a JSON-form COPY with several".into());
        }
        let mut mount_options = String::new();
        if let Some(chown) = ins.flag("chown").and_then(|f| f.value()) {
            let (user, group) = chown.split_once(':').unwrap_or((chown, chown));
            if user.bytes().all(|b| b.is_ascii_digit()) && group.bytes().all(|b| b.is_ascii_digit())
            {
                mount_options.push_str(&format!(",uid={user},gid={group}"));
            } else if non_root {
                blocked = Some(format!(
                    "--chown={chown} names a user; a mount needs numeric ids"
                ));
            }
        } else if non_root {
            blocked = Some("a non-root USER reads it; give the mount a uid".into());
        }
        if let Some(mode) = ins.flag("chmod").and_then(|f| f.value()) {
            mount_options.push_str(&format!(",mode=0{}", mode.trim_start_matches('0')));
        }
        files.push(CopiedFile {
            copy: idx,
            source_word: source.span,
            only_source: sources.len() == 1,
            source: in_context(path),
            target,
            mount_options,
            runs: Vec::new(),
            removed_by: None,
            cleanups: Vec::new(),
            blocked,
        });
    }
}

/// A COPY source as BuildKit resolves it: inside the build context, `..`
/// and a leading `/` go no further than its root. The build command's
/// `--secret src=` is made from this, so it never points outside.
fn in_context(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    parts.join("/")
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

fn settle(cx: &mut Context<'_, '_, '_>, files: Vec<CopiedFile>, windows: bool) {
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
            cx.report(Rule::SecretFileCopy, span, message, Some(reason));
            continue;
        }
        if !cx.report(Rule::SecretFileCopy, span, message, None) {
            continue;
        }
        let base = secret_id(&name);
        let mut id = base.clone();
        let mut n = 2;
        while cx.plan.files.iter().any(|x| x.id == id) {
            id = format!("{base}_{n}");
            n += 1;
        }
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
        if f.only_source {
            cx.plan.intend(Intent::DeleteInstruction(f.copy));
        } else {
            let start = cx.src()[..span.start].trim_end_matches([' ', '\t']).len();
            cx.plan.edit(Edit::delete(Span::new(start, span.end)));
        }
        cx.plan.files.push(FileSecret {
            id,
            source: f.source,
            target: f.target,
        });
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn sources_stay_in_the_context() {
        assert_eq!(super::in_context("./.netrc"), ".netrc");
        assert_eq!(super::in_context("../../etc/.netrc"), "etc/.netrc");
        assert_eq!(super::in_context("/root/.npmrc"), "root/.npmrc");
        assert_eq!(super::in_context("a/../../b/./c"), "b/c");
    }
}
