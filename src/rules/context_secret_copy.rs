//! DF005 `context-secret-copy`.
//!
//! **What it catches:** a `COPY`/`ADD` whose source is the whole build
//! context (`COPY . .`), a directory (`COPY src/ /app/`) or a wildcard
//! (`COPY *.json /app/`) and that brings a secret file the instruction does
//! not name: a service-account key in `credentials/`, a `.env`, an SSH key,
//! an `.npmrc` with a literal token. dfix reads the build context
//! (`--context`, by default the Dockerfile's directory) as BuildKit sends
//! it: the Dockerfile's own `<name>.dockerignore` or the context's
//! `.dockerignore` applied with BuildKit's matching (patterns anchored at the
//! root: `key.json` does not leave out `config/key.json`). Files are judged
//! by name and, where they are readable, by content (a private-key block, a
//! service-account JSON, a registry `auth`, `aws_secret_access_key`, a
//! literal `_authToken=`). Without the context nothing is reported: a notice
//! says what could not be checked.
//!
//! **Why it matters:** the file ends up in a layer of the image although no
//! line of the Dockerfile mentions it; `.dockerignore` is the only guard.
//!
//! **Example:**
//! ```dockerfile
//! # context: app.py, credentials/service-account.json; .dockerignore: service-account.json
//! COPY . /app
//! RUN python /app/setup.py
//! ```
//! becomes
//! ```dockerfile
//! COPY . /app
//! RUN --mount=type=secret,id=service-account_json,target=/app/credentials/service-account.json python /app/setup.py
//! ```
//! with `credentials/service-account.json` appended to `.dockerignore` and
//! the build run with `--secret id=service-account_json,src=credentials/service-account.json`.
//!
//! **Fix safety:** the file is appended to the ignore file BuildKit reads
//! (the Dockerfile's own one if it has one), so the same `COPY` no longer
//! brings it; every later `RUN` of the stage (until one removes it) mounts
//! it at the path it had, and its `rm`/`chmod`/`chown` go. A container that
//! reads the file at run time must now be given it then (a volume or an
//! orchestrator secret): the message says so. A file a non-root `USER`
//! reads, a copy from another stage and a Windows stage are reported for a
//! person.

use crate::context::{glob, source_path, BuildContext, Entry};
use crate::rules::copies::{self, absolute, copy_args, CopiedFile, Origin};
use crate::rules::{Context, Rule};
use crate::secrets::content::{judge_content, Content};
use crate::secrets::files::{secret_kind, worth_reading};

/// What secret a context file is, judged by name and readable content.
pub fn judge(b: &dyn BuildContext, file: &str, target: &str) -> Option<&'static str> {
    if !could_be_secret(file) {
        return None;
    }
    let named = secret_kind(file, target);
    if named.is_none() && !worth_reading(file) {
        return None;
    }
    let name = file.rsplit('/').next().unwrap_or(file);
    match b.read(file).map(|text| judge_content(name, &text)) {
        Some(Content::Secret(what)) => Some(what),
        Some(Content::Clean) => None,
        _ => named,
    }
}

/// A quick look at a file's name before the full judgement: every name
/// [`secret_kind`] or [`worth_reading`] can accept is a dotfile, or has one
/// of these pieces (a walk of a big context meets mostly source files).
fn could_be_secret(path: &str) -> bool {
    const PIECES: &[&str] = &[
        "key",
        "secret",
        "cred",
        "token",
        "priv",
        "pass",
        "auth",
        "id_",
        "rc",
        "conf",
        "env",
        "json",
        "pem",
        "p12",
        "pfx",
        "jks",
        "store",
        "sec",
        "ppk",
        "kdbx",
        "ring",
        "properties",
        "s3cfg",
        "boto",
        "settings",
        "asc",
        "gpg",
        "yml",
        "xml",
        "ini",
        "kube",
    ];
    let name = path.rsplit('/').next().unwrap_or(path);
    if name.starts_with('.') || path.contains("/.") {
        return true;
    }
    let lower = name.to_ascii_lowercase();
    PIECES.iter().any(|p| lower.contains(p))
}

pub fn check(cx: &mut Context<'_, '_, '_>) {
    let mut unread: Option<crate::syntax::Span> = None;
    copies::each_stage(cx, |cx, idx, files| copy(cx, idx, files, &mut unread));
    if let Some(span) = unread {
        let why = match cx.build {
            None => "the build context was not read".to_owned(),
            Some(b) => format!("not found in the build context {}", b.describe()),
        };
        cx.plan.notice(
            span,
            format!(
                "COPY/ADD of a directory or wildcard: {why}, so secret files it may bring \
                 were not checked (give the context with --context)"
            ),
        );
    }
}

/// Whether a source copies more than it names.
fn wide(source: &str) -> bool {
    source == "." || source.ends_with('/') || glob::has_wildcard(source)
}

fn copy(
    cx: &mut Context<'_, '_, '_>,
    idx: usize,
    files: &mut Vec<CopiedFile>,
    unread: &mut Option<crate::syntax::Span>,
) {
    let Some(args) = copy_args(cx.d, idx) else {
        return;
    };
    if cx.d.instructions[idx].flag("from").is_some() {
        return;
    }
    let (mount_options, blocked) = copies::mount_options(cx, idx);
    for &(span, source) in &args.sources {
        let Some(path) = source_path(source).filter(|_| !source.contains('$')) else {
            continue;
        };
        let Some(b) = cx.build else {
            if wide(source) {
                unread.get_or_insert(span);
            }
            continue;
        };
        // (file in the context, its path under the destination)
        let mut found: Vec<(String, String)> = Vec::new();
        let mut truncated = false;
        let mut walk = |dir: &str, under: &str, found: &mut Vec<(String, String)>| {
            let listing = b.files_under(dir);
            truncated |= listing.truncated;
            for f in listing.files {
                let rel = if dir.is_empty() {
                    f.as_str()
                } else {
                    f.strip_prefix(&format!("{dir}/")).unwrap_or(&f)
                };
                let rel = crate::context::join(under, rel);
                found.push((f.clone(), rel));
            }
        };
        if glob::has_wildcard(&path) {
            let matches = b.expand(&path);
            if matches.is_empty() {
                unread.get_or_insert(span);
            }
            for (p, entry) in matches {
                let name = p.rsplit('/').next().unwrap_or(&p).to_owned();
                match entry {
                    Entry::File => found.push((p, name)),
                    Entry::Dir => walk(&p, "", &mut found),
                    _ => {}
                }
            }
        } else {
            match b.entry(&path) {
                Entry::Dir if crate::secrets::files::secret_dir(source, args.dest).is_none() => {
                    walk(&path, "", &mut found)
                }
                Entry::Missing | Entry::Excluded if wide(source) => {
                    unread.get_or_insert(span);
                }
                _ => {}
            }
        }
        if truncated {
            cx.plan.notice(
                span,
                format!("{source}: more files than dfix reads; not all were checked"),
            );
        }
        for (file, rel) in found {
            if cx.plan.reported_sources.contains(&file) {
                continue;
            }
            let target = absolute(cx, idx, &crate::facts::join(args.dest, &rel));
            let Some(what) = judge(b, &file, &target) else {
                continue;
            };
            files.push(CopiedFile {
                rule: Rule::ContextSecretCopy,
                copy: idx,
                span,
                origin: Origin::Brought {
                    exclude: file.clone(),
                },
                source: file,
                target,
                mount_options: mount_options.clone(),
                what,
                runs: Vec::new(),
                removed_by: None,
                cleanups: Vec::new(),
                blocked: blocked.clone(),
            });
        }
    }
}
