//! DF002 `secret-file-copy`.
//!
//! **What it catches:** `COPY`/`ADD` of a credential file that the
//! instruction names — `.netrc`, `.npmrc`, `.pypirc`, `pip.conf`,
//! `.git-credentials`, SSH keys (`id_rsa`, `*.pem`, `*.key`, anything copied
//! into `~/.ssh/`), `.aws/credentials`, `.docker/config.json`,
//! `settings.xml`, `NuGet.Config`, `.env` and `.env.*`, key stores (`*.p12`,
//! `*.jks`, `keystore.*`), GPG secret keys (`secring.*`, `*.sec`), cloud
//! service-account keys (`serviceAccountKey.json`, `*-adminsdk-*.json`,
//! `key.json`), `kaggle.json` — alone, among other sources, in the JSON form,
//! by a wildcard whose fixed part is such a name (`.env*`), or renamed on the
//! way in (the name it gets counts too). A file that the stage names as a
//! credential (`GOOGLE_APPLICATION_CREDENTIALS`, `gcloud --key-file`) is one
//! whatever it is called. A credential *directory* copied by name (`.aws`,
//! `.ssh`, `.gnupg`, `.docker`, `.kube`, `.config/gcloud`) counts with the
//! secret files inside it. When the file is in the build context, its
//! content decides: an `.npmrc` that only holds `${NPM_TOKEN}` or a docker
//! `config.json` with only a credential helper is not a secret, and public
//! keys (`apt-key add`, certificates, `*.pub`) never are.
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
//! fixed. The secret files of a credential directory read in the context
//! are left out of the context by `.dockerignore` and mounted for the `RUN`s
//! after the copy (as DF005 does); without the context, the directory is
//! reported.

use crate::context::{glob, source_path, Entry};
use crate::rules::copies::{self, absolute, copy_args, CopiedFile, Origin};
use crate::rules::evidence::{self, Evidence};
use crate::rules::{Context, Rule};
use crate::secrets::content::{judge_content, Content};
use crate::secrets::files::{secret_dir, secret_kind, worth_reading};

pub fn check(cx: &mut Context<'_, '_, '_>) {
    let mut cache: Option<(usize, Evidence)> = None;
    copies::each_stage(cx, |cx, idx, files| {
        let stage = cx.facts.stage_of[idx].unwrap_or(0);
        if cache.as_ref().is_none_or(|(s, _)| *s != stage) {
            cache = Some((stage, evidence::of_stage(cx, idx)));
        }
        let ev = &cache.as_ref().expect("just set").1;
        copy(cx, idx, files, ev);
    });
}

/// The part of a wildcard source's last name before the first wildcard:
/// `.env*` names `.env`.
fn fixed_part(source: &str) -> &str {
    let name = source.rsplit('/').next().unwrap_or(source);
    let end = name.find(['*', '?', '[']).unwrap_or(name.len());
    &name[..end]
}

fn copy(cx: &mut Context<'_, '_, '_>, idx: usize, files: &mut Vec<CopiedFile>, ev: &Evidence) {
    let Some(args) = copy_args(cx.d, idx) else {
        return;
    };
    let ins = &cx.d.instructions[idx];
    let from_stage = ins.flag("from").is_some();
    let (mount_options, blocked_by_user) = copies::mount_options(cx, idx);
    let only_source = args.sources.len() == 1;
    for &(span, source) in &args.sources {
        let variable = source.contains('$') || args.dest.contains('$');
        let wildcard = glob::has_wildcard(source);
        let base = source
            .trim_end_matches('/')
            .rsplit('/')
            .next()
            .unwrap_or(source);
        let in_image = if args.dir_dest {
            crate::facts::join(args.dest, base)
        } else {
            args.dest.to_owned()
        };
        let target = absolute(cx, idx, &in_image);
        if source.contains("://") || source.starts_with("git@") {
            // ADD downloads it: no file of the build context to mount.
            if secret_kind(base, &target).is_some() {
                cx.report(
                    Rule::SecretFileCopy,
                    span,
                    format!("secret file {base} is downloaded into an image layer"),
                    Some(
                        "ADD downloads it, so it is not a file of the build context: \
                         fetch it in a RUN with a secret mount, or pass it as a secret"
                            .into(),
                    ),
                );
            }
            continue;
        }
        let path = (!from_stage && !variable)
            .then(|| source_path(source))
            .flatten();
        let entry = match (cx.build, &path) {
            (Some(b), Some(p)) if !wildcard => Some(b.entry(p)),
            _ => None,
        };
        if !wildcard {
            if let Some(what) = secret_dir(source, args.dest) {
                directory(cx, idx, files, (span, source), args.dest, entry, what);
                continue;
            }
            if entry == Some(Entry::Dir) || source == "." || source.ends_with('/') {
                // A directory that does not say what it holds: DF005.
                continue;
            }
        }
        let named = if wildcard {
            let fixed = fixed_part(source);
            (!fixed.is_empty())
                .then(|| secret_kind(fixed, &target))
                .flatten()
        } else {
            secret_kind(source, &target).or_else(|| {
                (!args.dir_dest)
                    .then(|| secret_kind(args.dest, args.dest))
                    .flatten()
            })
        };
        let used = ev
            .names_credential(&target)
            .then_some("a credential file the build names");
        let content = match (cx.build, &path, entry) {
            (Some(b), Some(p), Some(Entry::File)) if worth_reading(p) || named.is_some() => {
                b.read(p).map(|t| judge_content(base, &t))
            }
            _ => None,
        };
        let what = match content {
            Some(Content::Secret(what)) => Some(what),
            Some(Content::Clean) => None,
            _ => named.or(used),
        };
        let Some(what) = what else { continue };
        if ev.names_public(&target) {
            continue;
        }
        let blocked = if from_stage {
            Some("copied from another stage or image, not the build context".to_owned())
        } else if wildcard || variable {
            Some("the path uses a wildcard or a variable".to_owned())
        } else if args.json && !only_source {
            Some("one source of a JSON-form COPY with several".to_owned())
        } else {
            blocked_by_user.clone()
        };
        files.push(CopiedFile {
            rule: Rule::SecretFileCopy,
            copy: idx,
            span,
            origin: Origin::Named {
                word: span,
                only_source,
            },
            source: path
                .clone()
                .unwrap_or_else(|| source.trim_start_matches("./").to_owned()),
            target,
            mount_options: mount_options.clone(),
            what,
            runs: Vec::new(),
            removed_by: None,
            cleanups: Vec::new(),
            blocked,
        });
    }
}

/// A credential directory copied by name: with the context, its secret
/// files; without, the directory is reported.
fn directory(
    cx: &mut Context<'_, '_, '_>,
    idx: usize,
    files: &mut Vec<CopiedFile>,
    (span, source): (crate::syntax::Span, &str),
    dest: &str,
    entry: Option<Entry>,
    what: &'static str,
) {
    let ins = &cx.d.instructions[idx];
    let from_stage = ins.flag("from").is_some();
    let dir = source_path(source).unwrap_or_default();
    if let (Some(b), Some(Entry::Dir)) = (cx.build, entry) {
        let listing = b.files_under(&dir);
        let (mount_options, blocked) = copies::mount_options(cx, idx);
        for file in &listing.files {
            let rel = file.strip_prefix(&format!("{dir}/")).unwrap_or(file);
            let target = absolute(cx, idx, &crate::facts::join(dest, rel));
            let Some(kind) = super::context_secret_copy::judge(b, file, &target) else {
                continue;
            };
            files.push(CopiedFile {
                rule: Rule::SecretFileCopy,
                copy: idx,
                span,
                origin: Origin::Brought {
                    exclude: file.clone(),
                },
                source: file.clone(),
                target,
                mount_options: mount_options.clone(),
                what: kind,
                runs: Vec::new(),
                removed_by: None,
                cleanups: Vec::new(),
                blocked: blocked.clone(),
            });
        }
        if listing.truncated {
            cx.plan.notice(
                span,
                format!("{source}: more files than dfix reads; not all were checked"),
            );
        }
        return;
    }
    let name = source.trim_end_matches('/');
    let reason = if from_stage {
        "copied from another stage or image, not the build context".to_owned()
    } else if cx.build.is_none() {
        "the build context was not read, so which of its files are secret is unknown; \
         leave them out with .dockerignore and mount them where RUNs read them"
            .to_owned()
    } else {
        format!("{name} is not in the build context, so its files could not be checked")
    };
    cx.report(
        Rule::SecretFileCopy,
        span,
        format!("directory {name} ({what}) is copied into an image layer"),
        Some(reason),
    );
    if let Some(p) = source_path(source) {
        cx.plan.reported_sources.insert(p);
    }
}
