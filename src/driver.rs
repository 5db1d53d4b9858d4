//! Running dfix over files and trees: the walk, batches, worker threads,
//! progress, the summary, and printing each file's output in one piece in
//! path order.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::cli::{self, Config, Mode, Outcome};
use crate::config::{Resolver, Settings};
use crate::{commands, debug, engine, fsio, jobs, migration, output, syntax, walk};

/// Runs the command line.
pub fn run(cli: cli::Cli) -> Outcome {
    if let Some(command) = &cli.command {
        return match command {
            cli::Command::Debug {
                what: cli::DebugCommand::Parse { file },
            } => debug_parse(file),
            other => commands::run(other),
        };
    }
    match Config::from_cli(&cli) {
        Ok(config) => run_config(&config),
        Err(message) => {
            eprintln!("dfix: {message}");
            Outcome::Error
        }
    }
}

/// Counts for the closing summary.
#[derive(Debug, Default)]
pub struct Summary {
    pub files: usize,
    pub with_findings: usize,
    pub by_rule: std::collections::BTreeMap<&'static str, usize>,
    pub fixed: usize,
    pub manual: usize,
    pub errors: usize,
    /// Findings silenced by suppressions.
    pub suppressed: usize,
}

impl Summary {
    pub(crate) fn add(&mut self, r: &engine::FileReport) {
        self.suppressed += r.analysis.suppressed.len();
        self.files += 1;
        if r.has_findings() {
            self.with_findings += 1;
        }
        for l in r.findings() {
            *self.by_rule.entry(l.finding.rule.id()).or_default() += 1;
        }
        if r.changes() {
            self.fixed += 1;
        }
        if r.manual().next().is_some() {
            self.manual += 1;
        }
    }

    fn render(&self, mode: Mode, elapsed: std::time::Duration) -> String {
        let rules: Vec<String> = self
            .by_rule
            .iter()
            .map(|(id, n)| format!("{id} {n}"))
            .collect();
        let fixed = match mode {
            Mode::Write => "fixed",
            Mode::DryRun | Mode::Check => "fixable",
        };
        let suppressed = if self.suppressed > 0 {
            format!(", {} suppressed", self.suppressed)
        } else {
            String::new()
        };
        format!(
            "dfix: {} files, {} with findings{}, {} {fixed}, {} need a person{suppressed}, {} errors, {:.2}s",
            self.files + self.errors,
            self.with_findings,
            if rules.is_empty() {
                String::new()
            } else {
                format!(" ({})", rules.join(", "))
            },
            self.fixed,
            self.manual,
            self.errors,
            elapsed.as_secs_f64()
        )
    }
}

/// Files that share a directory share its `.env` and `.dockerignore`, so
/// they must not be written at the same time: the files of one batch grouped
/// by directory, each group in path order. Path order does not keep a
/// directory's files together (`a/Dockerfile`, `a/b/Dockerfile`,
/// `a/z.Dockerfile`), hence the map.
fn groups_by_directory<T: AsRef<Path>>(batch: &[T]) -> Vec<Vec<&T>> {
    // Keyed by the directory's bytes: `Path`'s own comparison goes component
    // by component, and costs more than the work it orders.
    let mut by_dir: std::collections::BTreeMap<&[u8], Vec<&T>> = std::collections::BTreeMap::new();
    for item in batch {
        let dir = item.as_ref().parent().unwrap_or(Path::new(""));
        by_dir
            .entry(dir.as_os_str().as_encoded_bytes())
            .or_default()
            .push(item);
    }
    by_dir.into_values().collect()
}

/// A file to process, with its settings.
struct Job {
    path: PathBuf,
    settings: Arc<Settings>,
}

impl AsRef<Path> for Job {
    fn as_ref(&self) -> &Path {
        &self.path
    }
}

/// Files processed together; batches run one after another, so memory stays
/// flat however large the tree, and only files within a batch race.
const BATCH: usize = 256;

/// Processes every file of `config` and prints the results: in path order,
/// each file's output in one piece, whatever the number of threads.
///
/// A directory is walked on its own thread while the files found so far are
/// processed, so the walk's system calls overlap the work.
pub fn run_config(config: &Config) -> Outcome {
    if let Some(name) = &config.stdin {
        return crate::stdin::run(config, name);
    }
    let started = std::time::Instant::now();
    let mut run = Run::new(config);
    let mut resolver = Resolver::new(config.settings.clone());
    let one_file = config.paths.len() == 1 && !config.paths[0].is_dir();
    if one_file {
        // No threads: start-up time is what matters for one file.
        let cwd = std::env::current_dir().unwrap_or_default();
        let path = config.paths[0].clone();
        let batch = match walk::settle(&mut resolver, &cwd, path, true, config.walk) {
            Some(walk::Found::File(path, settings)) => vec![Job { path, settings }],
            // A broken configuration: said like a walk error.
            Some(walk::Found::Error(message)) => {
                run.walk_errors.push(message);
                Vec::new()
            }
            // Excluded (--force-exclude): nothing to do.
            None => Vec::new(),
        };
        if run.batch(&batch, None).is_err() {
            return run.outcome;
        }
    } else {
        let (sender, receiver) = std::sync::mpsc::sync_channel(4 * BATCH);
        let stopped = std::thread::scope(|scope| {
            scope.spawn(move || {
                walk::walk(&config.paths, config.walk, &mut resolver, |found| {
                    sender.send(found).is_ok()
                });
            });
            // Started with the first batch, when the number of files is known.
            let mut pool: Option<Option<rayon::ThreadPool>> = None;
            // Owned here, so that returning early drops it and ends the walk
            // before the scope waits for the walking thread.
            let receiver = receiver;
            let mut batch = Vec::with_capacity(BATCH);
            let mut found = receiver.iter().peekable();
            while found.peek().is_some() {
                batch.clear();
                for f in found.by_ref() {
                    match f {
                        walk::Found::File(path, settings) => batch.push(Job { path, settings }),
                        walk::Found::Error(message) => run.walk_errors.push(message),
                    }
                    if batch.len() == BATCH {
                        break;
                    }
                }
                run.discovered(batch.len());
                if pool.is_none() {
                    match jobs::pool(config.jobs, batch.len()) {
                        Ok(p) => pool = Some(p),
                        Err(e) => {
                            eprintln!("dfix: {e}");
                            run.outcome = Outcome::Error;
                            return true;
                        }
                    }
                }
                if run
                    .batch(&batch, pool.as_ref().and_then(Option::as_ref))
                    .is_err()
                {
                    // Dropping the receiver stops the walk.
                    return true;
                }
            }
            false
        });
        if stopped {
            return run.outcome;
        }
    }
    run.finish(started, !one_file)
}

/// The state of a run: what has been printed and counted so far.
struct Run<'c> {
    config: &'c Config,
    outcome: Outcome,
    summary: Summary,
    json_files: Vec<output::json::FileJson>,
    walk_errors: Vec<String>,
    progress: Option<indicatif::ProgressBar>,
    discovered: usize,
    /// What the callers of the fixed Dockerfiles must change.
    callers: migration::apply::Pending,
}

/// Output could not be written (a closed pipe): stop quietly.
struct Stop;

impl<'c> Run<'c> {
    fn new(config: &'c Config) -> Run<'c> {
        Run {
            config,
            outcome: Outcome::Clean,
            summary: Summary::default(),
            json_files: Vec::new(),
            walk_errors: Vec::new(),
            progress: None,
            discovered: 0,
            callers: Default::default(),
        }
    }

    /// Counts files found; a progress bar appears once a run on a terminal
    /// is long, and grows with the walk.
    fn discovered(&mut self, n: usize) {
        self.discovered += n;
        match &self.progress {
            Some(bar) => bar.set_length(self.discovered as u64),
            None => {
                let done = self.summary.files + self.summary.errors;
                self.progress = progress_bar(self.discovered, done);
            }
        }
    }

    /// Processes one batch (in parallel with a pool) and prints its results
    /// in path order.
    fn batch(&mut self, batch: &[Job], pool: Option<&rayon::ThreadPool>) -> Result<(), Stop> {
        use rayon::prelude::*;

        let options = &self.config.file;
        let groups = groups_by_directory(batch);
        let mut results: Processed = match pool {
            Some(pool) => pool.install(|| {
                groups
                    .par_iter()
                    .flat_map_iter(|g| process_group(g, options))
                    .collect()
            }),
            None => groups
                .iter()
                .flat_map(|g| process_group(g, options))
                .collect(),
        };
        results.sort_by_cached_key(|r| walk::order_key(&r.0.path));
        for (path, result) in results {
            if let Some(bar) = &self.progress {
                bar.inc(1);
            }
            self.file(&path.path, result)?;
        }
        Ok(())
    }

    fn file(
        &mut self,
        path: &Path,
        result: Result<engine::FileReport, String>,
    ) -> Result<(), Stop> {
        let config = self.config;
        let r = match result {
            Err(message) => {
                self.summary.errors += 1;
                self.outcome = self.outcome.max(Outcome::Error);
                if config.format == cli::Format::Text {
                    eprintln!("dfix: {message}");
                } else {
                    self.json_files.push(output::json::FileJson::error(
                        &path.display().to_string(),
                        &message,
                    ));
                }
                return Ok(());
            }
            Ok(r) => r,
        };
        self.summary.add(&r);
        if !r.problems.is_empty() {
            self.summary.errors += 1;
            self.outcome = self.outcome.max(Outcome::Error);
        }
        if config.format == cli::Format::Text {
            for problem in &r.problems {
                eprintln!("dfix: {problem}");
            }
            for warning in &r.env_warnings {
                eprintln!("dfix: warning: {warning}");
            }
            for (at, note) in &r.unchecked {
                eprintln!(
                    "dfix: note: {}:{}:{}: {note}",
                    r.path.display(),
                    at.line,
                    at.column
                );
            }
        }
        // Callers follow the Dockerfile only where its fix stands.
        let stands = match config.mode {
            Mode::Check => true,
            Mode::DryRun => r.problems.is_empty(),
            Mode::Write => r.written,
        };
        if let Some(m) = r.callers.as_ref().filter(|_| stands) {
            self.callers.add(m);
        }
        let pending = match config.mode {
            Mode::Check => r.has_findings(),
            Mode::DryRun => r.has_findings() || r.changes(),
            // Placeholders to fill in are work left for a person too.
            Mode::Write => {
                r.manual().next().is_some()
                    || r.analysis
                        .env
                        .iter()
                        .any(|e| e.value == crate::rules::EnvValue::Placeholder)
            }
        };
        if pending {
            self.outcome = self.outcome.max(Outcome::Findings);
        }
        if config.format != cli::Format::Text {
            self.json_files
                .push(output::json::FileJson::from_report(&r));
            return Ok(());
        }
        let text = output::file_text(&r, config.mode, config.style());
        std::io::stdout()
            .lock()
            .write_all(text.as_bytes())
            .map_err(|_| Stop)
    }

    /// Walk errors, the JSON or SARIF document, and the summary.
    fn finish(mut self, started: std::time::Instant, many: bool) -> Outcome {
        let config = self.config;
        if let Some(bar) = self.progress.take() {
            bar.finish_and_clear();
        }
        for message in std::mem::take(&mut self.walk_errors) {
            eprintln!("dfix: {message}");
            self.summary.errors += 1;
            self.outcome = self.outcome.max(Outcome::Error);
        }
        let callers = std::mem::take(&mut self.callers).finish(
            config.mode,
            config.color && config.format == cli::Format::Text,
            config.file.force,
        );
        for problem in &callers.errors {
            eprintln!("dfix: {problem}");
            self.summary.errors += 1;
            self.outcome = self.outcome.max(Outcome::Error);
        }
        if !callers.findings.is_empty() {
            self.outcome = self.outcome.max(Outcome::Findings);
        }
        if config.format == cli::Format::Text {
            let mut out = std::io::stdout().lock();
            let _ = out.write_all(callers.text.as_bytes());
            for line in &callers.findings {
                let _ = writeln!(out, "{line}");
            }
        }
        let rendered = match config.format {
            cli::Format::Text => None,
            cli::Format::Json => Some(output::json::document(
                &self.json_files,
                &callers.json,
                &self.summary,
            )),
            cli::Format::Sarif => Some(output::sarif::document(&self.json_files)),
        };
        if let Some(doc) = rendered {
            let _ = std::io::stdout().lock().write_all(doc.as_bytes());
        }
        if config.format == cli::Format::Text && many {
            eprintln!("{}", self.summary.render(config.mode, started.elapsed()));
        }
        self.outcome
    }
}

type Processed<'a> = Vec<(&'a Job, Result<engine::FileReport, String>)>;

/// The files of one directory, one after the other.
fn process_group<'a>(group: &[&'a Job], options: &engine::FileOptions) -> Processed<'a> {
    group
        .iter()
        .map(|job| {
            let options = options.for_file(&job.path, job.settings.clone());
            (*job, engine::process(&job.path, &options))
        })
        .collect()
}

/// A progress bar on stderr, only for long runs on a terminal: `total` files
/// found so far, `done` of them processed.
fn progress_bar(total: usize, done: usize) -> Option<indicatif::ProgressBar> {
    if total < 500 || !console::Term::stderr().features().is_attended() {
        return None;
    }
    let bar = indicatif::ProgressBar::new(total as u64);
    bar.set_style(
        indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} files {elapsed}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    bar.set_position(done as u64);
    Some(bar)
}

fn debug_parse(file: &Path) -> Outcome {
    let parsed = fsio::read::dockerfile(file).and_then(|bytes| {
        syntax::parse_bytes(&bytes)
            .map(|d| debug::parse_dump(&d))
            .map_err(|e| format!("{}: {e}", file.display()))
    });
    match parsed {
        Ok(dump) => {
            let _ = std::io::stdout().lock().write_all(dump.as_bytes());
            Outcome::Clean
        }
        Err(message) => {
            eprintln!("dfix: {message}");
            Outcome::Error
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    #[test]
    fn a_directory_is_one_group_even_when_path_order_splits_it() {
        let mut files: Vec<PathBuf> = [
            "a/Dockerfile",
            "a/z.Dockerfile",
            "a/b/Dockerfile",
            "c/Dockerfile",
        ]
        .into_iter()
        .map(PathBuf::from)
        .collect();
        files.sort();
        // Sorted, a/b/Dockerfile sits between the two files of a/.
        assert_eq!(files[1], PathBuf::from("a/b/Dockerfile"));
        let groups: Vec<Vec<&str>> = groups_by_directory(&files)
            .into_iter()
            .map(|g| g.iter().map(|p| p.to_str().unwrap()).collect())
            .collect();
        assert_eq!(
            groups,
            [
                vec!["a/Dockerfile", "a/z.Dockerfile"],
                vec!["a/b/Dockerfile"],
                vec!["c/Dockerfile"]
            ]
        );
    }
}
