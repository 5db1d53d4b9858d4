//! One Dockerfile, end to end: read → parse → plan → apply → re-parse and
//! re-check → `.env` and ignore-file plans → (with `--write`) atomic writes.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::combine::ENV_SECRET_ID;
use crate::config::{SecretsStyle, Settings};
use crate::context::{BuildContext, DiskContext};
use crate::deploy::{self, ComposeProposal};
use crate::envfile::{self, Dialect, IgnoreKind, WantedEntry};
use crate::migration::{self, CallerMigration};
use crate::rules::{EnvSecret, EnvValue, FileSecret, Finding, SuppressedFinding};
use crate::syntax::{self, Keyword, LineIndex, Position};
use crate::Analysis;
use crate::{buildcmd, fsio};

/// Settings for processing one file.
#[derive(Clone, Debug, Default)]
pub struct FileOptions {
    /// Write the changes.
    pub write: bool,
    /// Only find: no `.env`, ignore-file or build-command planning.
    pub check: bool,
    /// `--env-file`: the env file (default `.env` next to the Dockerfile).
    pub env_file: Option<PathBuf>,
    /// `--context`: the build context (default: the Dockerfile's directory).
    pub context: Option<PathBuf>,
    /// `--force`: replace read-only files, rewrite hard-linked ones in place.
    pub force: bool,
    /// `--runtime-env`: the run-time env file that run-time secrets move
    /// to. A bare file name is taken next to each Dockerfile.
    pub runtime_env: Option<PathBuf>,
    /// The configuration in effect for the file.
    pub settings: Arc<Settings>,
    /// `--secrets`: how former build args reach the build (`None`: the
    /// configuration's `secrets-style`).
    pub secrets: Option<SecretsStyle>,
    /// Ask the files that build each Dockerfile (compose, CI, Makefiles)
    /// before a secret `ARG` goes, and migrate them too.
    pub callers: bool,
    /// The directories named on the command line, absolute: outside git,
    /// the repository of a Dockerfile is the one that holds it.
    pub roots: Arc<Vec<PathBuf>>,
}

impl FileOptions {
    /// The options for the Dockerfile at `path` under `settings`: its
    /// configuration's env file, unless the command line named one.
    pub fn for_file(&self, path: &Path, settings: Arc<Settings>) -> FileOptions {
        let env_file = self
            .env_file
            .clone()
            .or_else(|| settings.env_file_for(path));
        FileOptions {
            env_file,
            settings,
            ..self.clone()
        }
    }
}

/// A finding with its position.
#[derive(Clone, Copy, Debug)]
pub struct Located<'a> {
    pub finding: &'a Finding,
    pub position: Position,
}

/// What processing one Dockerfile found and did.
#[derive(Debug)]
pub struct FileReport {
    pub path: PathBuf,
    /// Where each of `analysis.findings` is (line and column).
    pub positions: Vec<Position>,
    /// Where each of `analysis.suppressed` is.
    pub suppressed_positions: Vec<Position>,
    pub original: String,
    pub rewritten: String,
    pub analysis: Analysis,
    pub env_path: PathBuf,
    /// The merged `.env` text, when it changes.
    pub env_text: Option<String>,
    /// Keys the `.env` already had.
    pub env_reused: Vec<String>,
    /// The run-time env file (`--runtime-env`), when it gets values.
    pub runtime_env_path: Option<PathBuf>,
    /// Its merged text, when it changes.
    pub runtime_env_text: Option<String>,
    /// Keys it already had.
    pub runtime_env_reused: Vec<String>,
    /// `docker run --env-file ...`, when run-time secrets moved.
    pub run_command: Option<String>,
    /// Compose services that build this Dockerfile and need the run-time
    /// secrets.
    pub compose: Vec<ComposeProposal>,
    /// Ignore files to create or extend: path and new text.
    pub ignore_updates: Vec<(PathBuf, String)>,
    /// Secret files dfix creates next to the `.env` (what a RUN used to
    /// write into the image): their id, path, and text when it is to be
    /// written (`None`: already there, the same).
    pub generated: Vec<(String, PathBuf, Option<String>)>,
    pub build_command: Option<String>,
    /// The secret build args the fix removed, for the callers' rewrite
    /// (when a caller builds the Dockerfile).
    pub callers: Option<CallerMigration>,
    /// The changes were written.
    pub written: bool,
    /// What went wrong planning or writing the fix (a broken `.env`, an
    /// unwritable directory): one line each, naming the file. The findings
    /// stand regardless.
    pub problems: Vec<String>,
    /// Lines of the existing `.env` that sh may read differently from
    /// dotenvy: one line each.
    pub env_warnings: Vec<String>,
    /// What the user should know about the write (a `.env` made private).
    pub notices: Vec<String>,
    /// What could not be checked, with where (the build context was not
    /// read, a copied directory is not in it): not findings.
    pub unchecked: Vec<(Position, String)>,
}

impl FileReport {
    pub fn changes(&self) -> bool {
        self.original != self.rewritten
    }

    /// The findings with their positions.
    pub fn findings(&self) -> impl Iterator<Item = Located<'_>> {
        self.analysis
            .findings
            .iter()
            .zip(&self.positions)
            .map(|(finding, &position)| Located { finding, position })
    }

    /// The silenced findings with their positions.
    pub fn suppressed(&self) -> impl Iterator<Item = (&SuppressedFinding, Position)> {
        self.analysis
            .suppressed
            .iter()
            .zip(self.suppressed_positions.iter().copied())
    }

    pub fn has_findings(&self) -> bool {
        !self.analysis.findings.is_empty()
    }

    /// Findings a person must handle.
    pub fn manual(&self) -> impl Iterator<Item = Located<'_>> {
        self.findings().filter(|l| !l.finding.fixable())
    }

    /// Every secret value of this file, for masking output.
    pub fn secret_values(&self) -> Vec<&str> {
        self.analysis
            .env
            .iter()
            .chain(&self.analysis.runtime_env)
            .filter_map(|e| e.value.secret().map(|v| v.expose()))
            .chain(self.analysis.generated.iter().map(|g| g.content.expose()))
            .filter(|v| !v.is_empty())
            .collect()
    }
}

/// Processes one file; the error is one line naming the file.
pub fn process(path: &Path, options: &FileOptions) -> Result<FileReport, String> {
    let _locks = fsio::lock::for_options(path, options)?;
    let bytes = fsio::read::dockerfile(path)?;
    let mut report = analyze(path, bytes, options, options.callers)?;
    if !report.changes() || options.check {
        // With --check, findings only: the .env and ignore files are not
        // read, so a broken one never hides them.
        return Ok(report);
    }
    let context = context_of(path, options);
    let planned = plan_files(&mut report, &context);
    if let Err(problem) = planned {
        report.problems.push(problem);
        return Ok(report);
    }
    if options.write {
        if let Err(problem) = write(&mut report, options.force) {
            report.problems.push(problem);
        }
    }
    Ok(report)
}

/// A Dockerfile that already reads the `.env` (a file dfix fixed before) is
/// not done while the `.env` holds placeholders no one filled in: the build
/// would read them empty. Each is a finding on the first RUN that mounts it.
fn unfilled_placeholders(
    d: &syntax::Dockerfile<'_>,
    env_path: &Path,
    analysis: &mut Analysis,
    problems: &mut Vec<String>,
) {
    let mounts_env = |ins: &syntax::Instruction<'_>| {
        ins.flags.iter().any(|f| {
            f.name() == "mount"
                && f.value()
                    .is_some_and(|v| v.split(',').any(|p| p == "id=env"))
        })
    };
    let Some(run) = d.instructions.iter().find(|i| mounts_env(i)) else {
        return;
    };
    let text = match envfile::read_env_file(env_path) {
        Ok(Some(text)) => text,
        Ok(None) => return,
        Err(e) => {
            problems.push(e.to_string());
            return;
        }
    };
    let values = envfile::Existing::read(&text).values;
    for line in text.lines() {
        let Some(rest) = line.strip_prefix("export ") else {
            continue;
        };
        let Some((key, _)) = rest.split_once('=') else {
            continue;
        };
        if line.contains("# TODO: fill in") && values.get(key).is_some_and(String::is_empty) {
            analysis.findings.push(Finding {
                rule: crate::rules::Rule::SecretBuildArg,
                span: run.keyword_span,
                message: format!("{key} in {} is still a placeholder", env_path.display()),
                manual: Some("fill it in: the build reads it empty".into()),
                env_use: None,
            });
        }
    }
    analysis.findings.sort_by_key(|f| (f.span.start, f.rule));
}

/// The run-time env file for the Dockerfile at `path`: a bare file name
/// (`runtime.env`) next to the Dockerfile, any other path as given.
pub fn runtime_env_path_of(path: &Path, options: &FileOptions) -> Option<PathBuf> {
    let file = options.runtime_env.as_ref()?;
    let bare = file.components().count() == 1
        && matches!(
            file.components().next(),
            Some(std::path::Component::Normal(_))
        );
    if bare {
        Some(path.parent().unwrap_or(Path::new("")).join(file))
    } else {
        Some(file.clone())
    }
}

/// The two paths name one file (by text, or by what they point at).
fn same_file(a: &Path, b: &Path) -> bool {
    let plain = |p: &Path| p.strip_prefix("./").unwrap_or(p).to_path_buf();
    if plain(a) == plain(b) {
        return true;
    }
    match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(x), Ok(y)) => x == y,
        _ => false,
    }
}

/// Plans every file the fix writes besides the Dockerfile: the `.env`, the
/// secret files next to it, the run-time env file and the ignore files.
fn plan_files(report: &mut FileReport, context: &Path) -> Result<(), String> {
    plan_env(report)
        .and_then(|()| plan_generated(report))
        .and_then(|()| plan_runtime_env(report))
        .and_then(|()| plan_ignores(report, context))
}

/// The build context: `--context`, or the Dockerfile's directory (`.` for
/// a bare name, keeping paths short).
fn context_of(path: &Path, options: &FileOptions) -> PathBuf {
    let parent = path.parent().unwrap_or(Path::new(""));
    options.context.clone().unwrap_or_else(|| {
        if parent.as_os_str().is_empty() {
            PathBuf::from(".")
        } else {
            parent.to_path_buf()
        }
    })
}

/// Parses and analyses the text of the Dockerfile at `path`, and plans the
/// build and run commands; nothing is read but the `.env` the fix would
/// extend.
fn analyze(
    path: &Path,
    bytes: Vec<u8>,
    options: &FileOptions,
    with_callers: bool,
) -> Result<FileReport, String> {
    let name = path.display();
    let parsed = syntax::parse_bytes(&bytes).map_err(|e| format!("{name}: {e}"))?;
    // An existing .env shapes names (its keys are not taken for other
    // values); --check plans no .env, so it never reads one.
    let existing = if options.check {
        Default::default()
    } else {
        existing_env(&env_path_of(path, options))
    };
    let runtime_env = runtime_env_path_of(path, options);
    if let Some(runtime) = &runtime_env {
        if same_file(runtime, &env_path_of(path, options)) {
            return Err(format!(
                "{name}: --runtime-env {} is the build's env file; name another file",
                runtime.display()
            ));
        }
    }
    let mut rule_options = (*options.settings.rules).clone();
    rule_options.runtime_env = runtime_env.is_some();
    // Only COPY and ADD read the context: a Dockerfile without them never
    // opens it.
    let copies = parsed
        .instructions
        .iter()
        .any(|i| matches!(i.effective().keyword, Keyword::Copy | Keyword::Add));
    let disk = if copies {
        DiskContext::open(&context_of(path, options), path)
    } else {
        Err(String::new())
    };
    let input = crate::Input {
        existing_env: &existing,
        context: disk.as_ref().ok().map(|c| c as &dyn BuildContext),
        options: &rule_options,
    };
    let mut analysis =
        crate::analyze_parsed_with(&parsed, &input).map_err(|e| format!("{name}: {e}"))?;
    let mut callers = None;
    if with_callers && !analysis.removed_args.is_empty() {
        let (again, migration) = plan_with_callers(path, &parsed, &input, options, &analysis)?;
        callers = migration;
        if let Some(again) = again {
            analysis = again;
        }
    }
    let mut problems = Vec::new();
    unfilled_placeholders(
        &parsed,
        &env_path_of(path, options),
        &mut analysis,
        &mut problems,
    );
    drop(parsed);
    let original = String::from_utf8(bytes).expect("parse_bytes checked it is UTF-8");
    let rewritten = std::mem::take(&mut analysis.rewritten);
    let offsets: Vec<usize> = analysis.findings.iter().map(|f| f.span.start).collect();
    let suppressed: Vec<usize> = analysis
        .suppressed
        .iter()
        .map(|s| s.finding.span.start)
        .collect();
    let noticed: Vec<usize> = analysis.notices.iter().map(|n| n.span.start).collect();
    // Most files have neither findings nor notes: no index for them.
    let (positions, suppressed_positions, notice_positions) =
        if offsets.is_empty() && suppressed.is_empty() && noticed.is_empty() {
            Default::default()
        } else {
            let index = LineIndex::new(&original);
            (
                index.positions(&original, &offsets),
                index.positions(&original, &suppressed),
                index.positions(&original, &noticed),
            )
        };
    let mut unchecked: Vec<(Position, String)> = notice_positions
        .into_iter()
        .zip(&analysis.notices)
        .map(|(p, n)| (p, n.message.clone()))
        .collect();
    if !analysis.notices.is_empty() {
        match &disk {
            Err(why) if !why.is_empty() => unchecked.push((
                Position { line: 1, column: 1 },
                format!("build context: {why}"),
            )),
            _ => {}
        }
    }
    let runtime_env_path = runtime_env.filter(|_| analysis.uses_runtime_env());
    let mut report = FileReport {
        path: path.to_path_buf(),
        positions,
        suppressed_positions,
        original,
        rewritten,
        analysis,
        env_path: env_path_of(path, options),
        env_text: None,
        env_reused: Vec::new(),
        runtime_env_path,
        runtime_env_text: None,
        runtime_env_reused: Vec::new(),
        run_command: None,
        compose: Vec::new(),
        ignore_updates: Vec::new(),
        generated: Vec::new(),
        build_command: None,
        callers,
        written: false,
        problems,
        env_warnings: Vec::new(),
        notices: Vec::new(),
        unchecked,
    };
    if !options.check {
        report.compose = deploy::compose_proposals(
            &report.path,
            &report.analysis.runtime_names,
            report.runtime_env_path.as_deref(),
        );
    }
    if !report.changes() {
        return Ok(report);
    }
    report.generated = report
        .analysis
        .generated
        .iter()
        .map(|g| (g.id.clone(), generated_path(&report.env_path, &g.id), None))
        .collect();
    // No `--secret` for a value no build step reads.
    if report.analysis.uses_env_file()
        || !report.analysis.files.is_empty()
        || !report.analysis.generated.is_empty()
        || !report.analysis.per_secret.is_empty()
    {
        report.build_command = Some(build_command(&report, &context_of(path, options)));
    }
    report.run_command = report.runtime_env_path.as_deref().map(deploy::run_command);
    Ok(report)
}

/// The secret args of the Dockerfile at `path` are known (the first plan,
/// `first`): asks its callers, and plans again with what they say (args
/// that stay, the secrets style) until no arg is left that the `.env` file
/// would expand. Returns the new plan, if another was made, and the
/// migration for the callers' rewrite.
fn plan_with_callers(
    path: &Path,
    parsed: &syntax::Dockerfile<'_>,
    input: &crate::Input<'_>,
    options: &FileOptions,
    first: &Analysis,
) -> Result<(Option<Analysis>, Option<CallerMigration>), String> {
    let name = path.display();
    let style = options.secrets.unwrap_or(options.settings.secrets_style);
    let decision = migration::decide(path, parsed, &first.removed_args, style, &options.roots);
    let mut again = crate::rules::Options {
        caller_blocked: decision.blocked,
        per_secret: decision.per_secret,
        ..input.options.clone()
    };
    let mut planned: Option<Analysis> = None;
    // Each pass only adds args that stay, so this ends.
    while !again.caller_blocked.is_empty() || again.per_secret.is_some() {
        let input = crate::Input {
            options: &again,
            ..*input
        };
        let analysis =
            crate::analyze_parsed_with(parsed, &input).map_err(|e| format!("{name}: {e}"))?;
        let more: Vec<(String, String)> =
            migration::expanded_by_env_file(&analysis, &decision.passed)
                .into_iter()
                .filter(|(n, _)| !again.caller_blocked.contains_key(n))
                .collect();
        planned = Some(analysis);
        if more.is_empty() {
            break;
        }
        again.caller_blocked.extend(more);
    }
    let args = planned.as_ref().unwrap_or(first).removed_args.clone();
    let migration = decision.repository.map(|repository| CallerMigration {
        repository,
        migration: crate::callers::Migration {
            dockerfile: std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf()),
            args,
        },
    });
    Ok((planned, migration))
}

/// Processes a Dockerfile read from standard input, named `name` (where it
/// would be on disk: its `.env`, context and configuration are found from
/// there). Nothing is written but, with `--write`, the `.env`: the
/// rewritten text is for the caller to print. Ignore files that would need
/// the `.env` are named in notices instead of being changed.
pub fn process_stdin(
    name: &Path,
    bytes: Vec<u8>,
    options: &FileOptions,
) -> Result<FileReport, String> {
    let _locks = if options.write {
        let env = env_path_of(name, options);
        let context = context_of(name, options);
        let runtime_env = runtime_env_path_of(name, options);
        Some(fsio::lock::for_write(
            name,
            Some(&env),
            Some(&context),
            runtime_env.as_deref(),
        )?)
    } else {
        None
    };
    let mut report = analyze(name, bytes, options, options.callers)?;
    // Read from standard input: only the text is printed, so the callers
    // are named, not rewritten to match it.
    if let Some(m) = report.callers.take() {
        let rewrite = m
            .repository
            .discovery
            .rewrite(std::slice::from_ref(&m.migration));
        for s in &rewrite.secrets {
            report.notices.push(format!(
                "{}:{}: passes {} with --build-arg, and must pass secret {} once this text is \
                 saved (dfix --write on the repository rewrites both)",
                m.repository.shown_root.join(&s.file).display(),
                s.line,
                s.id,
                s.id
            ));
        }
    }
    if !report.changes() || options.check {
        return Ok(report);
    }
    let context = context_of(name, options);
    let planned = plan_files(&mut report, &context);
    if let Err(problem) = planned {
        report.problems.push(problem);
        return Ok(report);
    }
    for (path, _) in std::mem::take(&mut report.ignore_updates) {
        report.notices.push(format!(
            "{}: not updated (reading standard input, dfix writes only the .env): \
             add the secret paths to it yourself",
            path.display()
        ));
    }
    if options.write {
        // The .env, the secret files and the run-time env file: what the
        // rewritten text printed on standard output needs.
        let mut files: Vec<(PathBuf, String)> = Vec::new();
        if let Some(text) = &report.env_text {
            files.push((report.env_path.clone(), text.clone()));
        }
        for (_, path, text) in &report.generated {
            if let Some(text) = text {
                files.push((path.clone(), text.clone()));
            }
        }
        if let (Some(path), Some(text)) = (&report.runtime_env_path, &report.runtime_env_text) {
            files.push((path.clone(), text.clone()));
        }
        for (path, text) in files {
            match fsio::write::commit_env(&path, &text, options.force) {
                Ok(notices) => {
                    report.notices.extend(notices);
                    report.written = true;
                }
                Err(problem) => {
                    report.problems.push(problem);
                    break;
                }
            }
        }
    }
    Ok(report)
}

/// The env file of the Dockerfile at `path`: `--env-file`, the
/// configuration's, or `.env` next to it.
fn env_path_of(path: &Path, options: &FileOptions) -> PathBuf {
    let parent = path.parent().unwrap_or(Path::new(""));
    options
        .env_file
        .clone()
        .unwrap_or_else(|| parent.join(".env"))
}

/// Keys and values of an existing `.env`, as dotenvy reads them (a file it
/// cannot read counts as empty here; planning the merge reports it).
fn existing_env(path: &Path) -> envfile::Existing {
    let Ok(Some(text)) = envfile::read_env_file(path) else {
        return Default::default();
    };
    envfile::Existing::read(&text)
}

fn wanted(entries: &[EnvSecret]) -> Vec<WantedEntry> {
    entries
        .iter()
        .map(|e| match &e.value {
            EnvValue::Secret(v) => WantedEntry::secret(&e.name, v.expose()),
            EnvValue::Placeholder => WantedEntry::placeholder(
                &e.name,
                Some(&format!("fill in: was --build-arg {}", e.name)),
            ),
            EnvValue::Derived(t) => WantedEntry::derived(&e.name, t),
            EnvValue::Collected(t) => WantedEntry::collected(&e.name, t),
        })
        .collect()
}

/// The run-time env file: merged like the `.env` (nothing overwritten), in
/// the `NAME=value` form `docker run --env-file` and compose read alike.
fn plan_runtime_env(report: &mut FileReport) -> Result<(), String> {
    let Some(path) = report.runtime_env_path.clone() else {
        return Ok(());
    };
    refuse_tracked(&path)?;
    let wanted = wanted(&report.analysis.runtime_env);
    let existing = envfile::read_env_file(&path).map_err(|e| e.to_string())?;
    let plan = envfile::plan_as(Dialect::Runtime, &path, existing.as_deref(), &wanted)
        .map_err(|e| format!("{e}; nothing written"))?;
    report.runtime_env_reused = plan.reused().into_iter().map(str::to_owned).collect();
    report.env_warnings.extend(plan.warnings.iter().map(|w| {
        format!(
            "{}: line {} ({}): {}",
            path.display(),
            w.line,
            w.key,
            w.concern
        )
    }));
    if plan.changed {
        report.runtime_env_text = Some(plan.text);
    }
    Ok(())
}

/// An env file git tracks would have its secrets committed.
fn refuse_tracked(path: &Path) -> Result<(), String> {
    if envfile::is_tracked_by_git(path) {
        return Err(format!(
            "{}: git tracks it, so the secrets would be committed; not written \
             (name a file git ignores, or `git rm --cached` it first)",
            path.display()
        ));
    }
    Ok(())
}

fn plan_env(report: &mut FileReport) -> Result<(), String> {
    if !report.analysis.uses_env_file() {
        return Ok(());
    }
    refuse_tracked(&report.env_path)?;
    let wanted = wanted(&report.analysis.env);
    let existing = envfile::read_env_file(&report.env_path).map_err(|e| e.to_string())?;
    let plan = envfile::plan(&report.env_path, existing.as_deref(), &wanted)
        .map_err(|e| format!("{e}; nothing written"))?;
    report.env_reused = plan.reused().into_iter().map(str::to_owned).collect();
    report.env_warnings = plan
        .warnings
        .iter()
        .map(|w| {
            format!(
                "{}: line {} ({}): {}",
                report.env_path.display(),
                w.line,
                w.key,
                w.concern
            )
        })
        .collect();
    if plan.changed {
        report.env_text = Some(plan.text);
    }
    Ok(())
}

/// Where a generated secret file goes: next to the `.env`, named after it
/// (`.env.netrc`).
fn generated_path(env_path: &Path, id: &str) -> PathBuf {
    let name = env_path
        .file_name()
        .map_or_else(|| ".env".into(), |n| n.to_string_lossy().into_owned());
    env_path.with_file_name(format!("{name}.{id}"))
}

/// The generated secret files: written unless already there with the same
/// text; another text there is never overwritten.
fn plan_generated(report: &mut FileReport) -> Result<(), String> {
    for (i, g) in report.analysis.generated.iter().enumerate() {
        let path = &report.generated[i].1;
        let text = g.content.expose();
        match envfile::read_env_file(path).map_err(|e| e.to_string())? {
            Some(old) if old == text => {}
            Some(_) => {
                return Err(format!(
                    "{}: holds something else, not overwritten; nothing written",
                    path.display()
                ))
            }
            None => report.generated[i].2 = Some(text.to_owned()),
        }
    }
    Ok(())
}

fn plan_ignores(report: &mut FileReport, context: &Path) -> Result<(), String> {
    let mut entries: Vec<String> = Vec::new();
    // Every env file dfix writes, with the directory it is in.
    let mut env_files: Vec<PathBuf> = Vec::new();
    if report.analysis.uses_env_file() {
        env_files.push(report.env_path.clone());
    }
    env_files.extend(report.runtime_env_path.clone());
    for env_file in &env_files {
        if let Some(rel) = relative_to(env_file, context) {
            entries.push(rel);
        }
    }
    entries.extend(
        report
            .generated
            .iter()
            .filter_map(|(_, path, _)| relative_to(path, context)),
    );
    entries.extend(report.analysis.files.iter().map(|f| f.source.clone()));
    entries.extend(report.analysis.exclude.iter().cloned());
    let refs: Vec<&str> = entries.iter().map(String::as_str).collect();
    // The ignore file BuildKit reads for this Dockerfile.
    let dockerignore = crate::context::disk::ignore_path(context, &report.path);
    let existing = read_optional(&dockerignore)?;
    if let Some(text) =
        envfile::plan_ignore_update_with_temp(IgnoreKind::Docker, existing.as_deref(), &refs)
    {
        report.ignore_updates.push((dockerignore, text));
    }
    // Each env file (and generated secret file) is named in the .gitignore
    // of its own directory.
    let mut by_dir: Vec<(PathBuf, Vec<String>)> = Vec::new();
    for env_file in env_files
        .iter()
        .chain(report.generated.iter().map(|(_, p, _)| p))
    {
        let dir = env_file
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."))
            .to_path_buf();
        let Some(name) = env_file
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
        else {
            continue;
        };
        match by_dir.iter_mut().find(|(d, _)| *d == dir) {
            Some((_, names)) => names.push(name),
            None => by_dir.push((dir, vec![name])),
        }
    }
    for (dir, names) in by_dir {
        if !envfile::is_in_git_repo(&dir) {
            continue;
        }
        let gitignore = dir.join(".gitignore");
        let existing = read_optional(&gitignore)?;
        let refs: Vec<&str> = names.iter().map(String::as_str).collect();
        if let Some(text) =
            envfile::plan_ignore_update_with_temp(IgnoreKind::Git, existing.as_deref(), &refs)
        {
            report.ignore_updates.push((gitignore, text));
        }
    }
    Ok(())
}

fn read_optional(path: &Path) -> Result<Option<String>, String> {
    fsio::read::optional_text(path)
}

/// `path` relative to `dir`, when it lies inside it.
fn relative_to(path: &Path, dir: &Path) -> Option<String> {
    let path = path.strip_prefix("./").unwrap_or(path);
    let dir = dir.strip_prefix("./").unwrap_or(dir);
    if dir.as_os_str().is_empty() || dir == Path::new(".") {
        return Some(path.to_string_lossy().into_owned());
    }
    path.strip_prefix(dir)
        .ok()
        .map(|p| p.to_string_lossy().into_owned())
}

/// The `docker build` command for the rewritten file.
fn build_command(report: &FileReport, context: &Path) -> String {
    let mut cmd = String::from("DOCKER_BUILDKIT=1 docker build");
    if report.analysis.uses_env_file() {
        cmd.push_str(&format!(
            " {}",
            buildcmd::secret_flag(ENV_SECRET_ID, &report.env_path)
        ));
    }
    for FileSecret { id, source, .. } in &report.analysis.files {
        let src = context.join(source);
        cmd.push_str(&format!(" {}", buildcmd::secret_flag(id, &src)));
    }
    for (id, path, _) in &report.generated {
        cmd.push_str(&format!(" {}", buildcmd::secret_flag(id, path)));
    }
    for name in &report.analysis.per_secret {
        cmd.push_str(&format!(" {}", buildcmd::env_secret_flag(name)));
    }
    cmd.push_str(&format!(
        " -f {} {}",
        buildcmd::path_word(&report.path),
        buildcmd::path_word(context)
    ));
    cmd
}

fn write(report: &mut FileReport, force: bool) -> Result<(), String> {
    let runtime_env = match (&report.runtime_env_path, &report.runtime_env_text) {
        (Some(path), Some(text)) => Some((path.as_path(), text.as_str())),
        _ => None,
    };
    report.notices = fsio::commit(&fsio::Commit {
        env: report
            .env_text
            .as_deref()
            .map(|t| (report.env_path.as_path(), t)),
        runtime_env,
        ignores: &report.ignore_updates,
        secrets: &report
            .generated
            .iter()
            .filter_map(|(_, p, t)| t.clone().map(|t| (p.clone(), t)))
            .collect::<Vec<_>>(),
        dockerfile: &report.path,
        text: &report.rewritten,
        force,
    })?;
    report.written = true;
    Ok(())
}

/// Why an I/O operation failed, in a few lower-case words (no path: the
/// caller names the file).
pub fn io_reason(e: &std::io::Error) -> String {
    /// ELOOP on Linux (`ErrorKind::FilesystemLoop` is not stable yet).
    const LINK_LOOP: i32 = 40;
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file".to_owned(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_owned(),
        std::io::ErrorKind::IsADirectory => "is a directory".to_owned(),
        _ if cfg!(target_os = "linux") && e.raw_os_error() == Some(LINK_LOOP) => {
            "symbolic link loop".to_owned()
        }
        _ => match e.raw_os_error() {
            // Without the text a wrapper (the walker's) put around it.
            Some(code) => {
                let text = std::io::Error::from_raw_os_error(code).to_string();
                text.split(" (os error").next().unwrap_or(&text).to_owned()
            }
            // A wrapped error (the walker's): the I/O error it carries.
            None => {
                let mut inner = e.get_ref().and_then(|w| w.source());
                while let Some(err) = inner {
                    if let Some(io) = err.downcast_ref::<std::io::Error>() {
                        return io_reason(io);
                    }
                    inner = err.source();
                }
                e.to_string()
            }
        },
    }
}
