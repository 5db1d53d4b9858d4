//! One Dockerfile, end to end: read → parse → plan → apply → re-parse and
//! re-check → `.env` and ignore-file plans → (with `--write`) atomic writes.

use std::path::{Path, PathBuf};

use crate::combine::ENV_SECRET_ID;
use crate::context::{BuildContext, DiskContext};
use crate::envfile::{self, IgnoreKind, WantedEntry};
use crate::rules::{FileSecret, Finding};
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
    pub original: String,
    pub rewritten: String,
    pub analysis: Analysis,
    pub env_path: PathBuf,
    /// The merged `.env` text, when it changes.
    pub env_text: Option<String>,
    /// Keys the `.env` already had.
    pub env_reused: Vec<String>,
    /// Ignore files to create or extend: path and new text.
    pub ignore_updates: Vec<(PathBuf, String)>,
    pub build_command: Option<String>,
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
            .filter_map(|e| e.value.as_ref().map(|v| v.expose()))
            .filter(|v| !v.is_empty())
            .collect()
    }
}

/// Processes one file; the error is one line naming the file.
pub fn process(path: &Path, options: &FileOptions) -> Result<FileReport, String> {
    let name = path.display();
    let _locks = fsio::lock::for_options(path, options)?;
    let bytes = fsio::read::dockerfile(path)?;
    let parsed = syntax::parse_bytes(&bytes).map_err(|e| format!("{name}: {e}"))?;
    // An existing .env shapes names (its keys are not taken for other
    // values); --check plans no .env, so it never reads one.
    let existing = if options.check {
        Default::default()
    } else {
        existing_env(&env_path_of(path, options))
    };
    // `Dockerfile` alone has the empty parent: keep paths short (`.env`, `.`).
    let parent = path.parent().unwrap_or(Path::new(""));
    let context = options.context.clone().unwrap_or_else(|| {
        if parent.as_os_str().is_empty() {
            PathBuf::from(".")
        } else {
            parent.to_path_buf()
        }
    });
    // Only COPY and ADD read the context: a Dockerfile without them never
    // opens it.
    let copies = parsed
        .instructions
        .iter()
        .any(|i| matches!(i.effective().keyword, Keyword::Copy | Keyword::Add));
    let disk = if copies {
        DiskContext::open(&context, path)
    } else {
        Err(String::new())
    };
    let input = crate::Input {
        existing_env: &existing,
        context: disk.as_ref().ok().map(|c| c as &dyn BuildContext),
    };
    let mut analysis =
        crate::analyze_parsed_with(&parsed, &input).map_err(|e| format!("{name}: {e}"))?;
    drop(parsed);
    let original = String::from_utf8(bytes).expect("parse_bytes checked it is UTF-8");
    let rewritten = std::mem::take(&mut analysis.rewritten);
    // Most files have neither findings nor notes: no index for them.
    let index = if analysis.findings.is_empty() && analysis.notices.is_empty() {
        None
    } else {
        Some(LineIndex::new(&original))
    };
    let positions = if analysis.findings.is_empty() {
        Vec::new()
    } else {
        let offsets: Vec<usize> = analysis.findings.iter().map(|f| f.span.start).collect();
        index
            .as_ref()
            .map_or_else(Vec::new, |i| i.positions(&original, &offsets))
    };
    let mut unchecked: Vec<(Position, String)> = Vec::new();
    if !analysis.notices.is_empty() {
        let offsets: Vec<usize> = analysis.notices.iter().map(|n| n.span.start).collect();
        let at = index
            .as_ref()
            .map_or_else(Vec::new, |i| i.positions(&original, &offsets));
        unchecked = at
            .into_iter()
            .zip(&analysis.notices)
            .map(|(p, n)| (p, n.message.clone()))
            .collect();
        match &disk {
            Err(why) if !why.is_empty() => unchecked.push((
                Position { line: 1, column: 1 },
                format!("build context: {why}"),
            )),
            _ => {}
        }
    }
    let env_path = options
        .env_file
        .clone()
        .unwrap_or_else(|| parent.join(".env"));
    let mut report = FileReport {
        path: path.to_path_buf(),
        positions,
        original,
        rewritten,
        analysis,
        env_path,
        env_text: None,
        env_reused: Vec::new(),
        ignore_updates: Vec::new(),
        build_command: None,
        written: false,
        problems: Vec::new(),
        env_warnings: Vec::new(),
        notices: Vec::new(),
        unchecked,
    };
    if !report.changes() {
        return Ok(report);
    }
    report.build_command = Some(build_command(&report, &context));
    if options.check {
        // Findings only: the .env and ignore files are not read, so a broken
        // one never hides them.
        return Ok(report);
    }
    let planned = plan_env(&mut report).and_then(|()| plan_ignores(&mut report, &context));
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

fn env_path_of(path: &Path, options: &FileOptions) -> PathBuf {
    let parent = path.parent().unwrap_or(Path::new(""));
    options
        .env_file
        .clone()
        .unwrap_or_else(|| parent.join(".env"))
}

/// Keys and values of an existing `.env`, as dotenvy reads them (a file it
/// cannot read counts as empty here; planning the merge reports it).
fn existing_env(path: &Path) -> std::collections::BTreeMap<String, String> {
    let Ok(Some(text)) = envfile::read_env_file(path) else {
        return Default::default();
    };
    dotenvy::from_read_iter(text.as_bytes()).flatten().collect()
}

fn plan_env(report: &mut FileReport) -> Result<(), String> {
    if !report.analysis.uses_env_file() {
        return Ok(());
    }
    let wanted: Vec<WantedEntry> = report
        .analysis
        .env
        .iter()
        .map(|e| match &e.value {
            Some(v) => WantedEntry::secret(&e.name, v.expose()),
            None => WantedEntry::placeholder(
                &e.name,
                Some(&format!("fill in: was --build-arg {}", e.name)),
            ),
        })
        .collect();
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

fn plan_ignores(report: &mut FileReport, context: &Path) -> Result<(), String> {
    let mut entries: Vec<String> = Vec::new();
    if report.analysis.uses_env_file() {
        if let Some(rel) = relative_to(&report.env_path, context) {
            entries.push(rel);
        }
    }
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
    let env_dir = report
        .env_path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    if report.analysis.uses_env_file() && envfile::is_in_git_repo(env_dir) {
        let gitignore = env_dir.join(".gitignore");
        let existing = read_optional(&gitignore)?;
        let name = report
            .env_path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned());
        if let Some(name) = name {
            if let Some(text) = envfile::plan_ignore_update_with_temp(
                IgnoreKind::Git,
                existing.as_deref(),
                &[&name],
            ) {
                report.ignore_updates.push((gitignore, text));
            }
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
    cmd.push_str(&format!(
        " -f {} {}",
        buildcmd::path_word(&report.path),
        buildcmd::path_word(context)
    ));
    cmd
}

fn write(report: &mut FileReport, force: bool) -> Result<(), String> {
    report.notices = fsio::commit(&fsio::Commit {
        env: report
            .env_text
            .as_deref()
            .map(|t| (report.env_path.as_path(), t)),
        ignores: &report.ignore_updates,
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
