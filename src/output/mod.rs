//! Output: unified diffs, finding lines, the `.env` summary and the build
//! command as text, and the JSON and SARIF documents. Secret values are
//! masked everywhere unless `--show-secrets`.

pub mod json;
pub mod sarif;

use std::fmt::Write as _;

use console::Style;
use similar::TextDiff;

use crate::engine::FileReport;
use crate::rules::EnvValue;
use crate::secrets;

/// How to print.
#[derive(Clone, Copy, Debug, Default)]
pub struct OutputStyle {
    pub color: bool,
    pub show_secrets: bool,
}

/// Values shorter than this are replaced by text search only where they
/// stand alone (they would mangle unrelated words); where they were found
/// they are always masked.
const MIN_SEARCHED_SECRET: usize = 4;

/// Masks secrets in the original text: at the places they were found, and
/// wherever else their value appears.
fn mask_original(report: &FileReport) -> String {
    let edits: Vec<crate::fix::Edit> = report
        .analysis
        .secret_spans
        .iter()
        .map(|s| crate::fix::Edit::replace(*s, secrets::mask(s.text(&report.original))))
        .collect();
    let masked =
        crate::fix::apply(&report.original, &edits).unwrap_or_else(|_| report.original.clone());
    mask_values(&masked, report)
}

/// Replaces every known secret value in `text` by its mask, in one pass.
/// A value shorter than [`MIN_SEARCHED_SECRET`] is masked only where it
/// stands alone (not inside a longer word), so that it cannot mangle
/// unrelated text.
pub fn mask_values(text: &str, report: &FileReport) -> String {
    let mut values: Vec<&str> = report
        .secret_values()
        .into_iter()
        .chain(
            report
                .analysis
                .secret_spans
                .iter()
                .map(|s| s.text(&report.original)),
        )
        .filter(|v| !v.is_empty())
        .collect();
    values.sort_unstable();
    values.dedup();
    if values.is_empty() {
        return text.to_owned();
    }
    let Ok(ac) = aho_corasick::AhoCorasick::builder()
        .match_kind(aho_corasick::MatchKind::LeftmostLongest)
        .build(&values)
    else {
        return text.to_owned();
    };
    let b = text.as_bytes();
    let alone = |start: usize, end: usize| {
        let word = |c: &u8| c.is_ascii_alphanumeric() || *c == b'_';
        !start
            .checked_sub(1)
            .and_then(|i| b.get(i))
            .is_some_and(word)
            && !b.get(end).is_some_and(word)
    };
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for m in ac.find_iter(text) {
        let v = values[m.pattern().as_usize()];
        if v.len() < MIN_SEARCHED_SECRET && !alone(m.start(), m.end()) {
            continue;
        }
        out.push_str(&text[at..m.start()]);
        out.push_str(&secrets::mask(v));
        at = m.end();
    }
    out.push_str(&text[at..]);
    out
}

/// The git-style unified diff of the rewrite.
pub fn diff(report: &FileReport, style: OutputStyle) -> String {
    let path = report.path.to_string_lossy();
    let path = path.trim_start_matches("./");
    let (old, new) = if style.show_secrets {
        (report.original.clone(), report.rewritten.clone())
    } else {
        (
            mask_original(report),
            mask_values(&report.rewritten, report),
        )
    };
    let diff = TextDiff::from_lines(&old, &new);
    let text = diff
        .unified_diff()
        .context_radius(3)
        .header(&format!("a/{path}"), &format!("b/{path}"))
        .to_string();
    color_diff(text, style.color)
}

/// A unified diff coloured for a terminal (`color`), or as it is.
pub fn color_diff(text: String, color: bool) -> String {
    if !color {
        return text;
    }
    let (red, green, cyan) = (
        Style::new().red(),
        Style::new().green(),
        Style::new().cyan(),
    );
    text.split_inclusive('\n')
        .map(|line| {
            if line.starts_with("+++") || line.starts_with("---") {
                Style::new().bold().apply_to(line).to_string()
            } else if line.starts_with('+') {
                green.apply_to(line).to_string()
            } else if line.starts_with('-') {
                red.apply_to(line).to_string()
            } else if line.starts_with("@@") {
                cyan.apply_to(line).to_string()
            } else {
                line.to_owned()
            }
        })
        .collect()
}

/// `file:line:col: ID message`, one per finding.
pub fn finding_lines(report: &FileReport) -> String {
    let mut out = String::new();
    for l in report.findings() {
        let f = &l.finding;
        let _ = write!(
            out,
            "{}:{}:{}: {} {}",
            report.path.display(),
            l.position.line,
            l.position.column,
            f.rule.id(),
            f.message
        );
        if let Some(reason) = &f.manual {
            let _ = write!(out, " [needs a person: {reason}]");
        }
        out.push('\n');
    }
    out
}

/// What happens to the `.env`, secrets and ignore files, and how to build.
pub fn summary(report: &FileReport, style: OutputStyle) -> String {
    let mut out = String::new();
    let env = report.env_path.display();
    let verb = if report.written {
        "wrote"
    } else {
        "would write"
    };
    for e in &report.analysis.env {
        let shown = match &e.value {
            // A derived value names other entries; it holds no secret.
            EnvValue::Derived(t) | EnvValue::Collected(t) => format!("\"{t}\""),
            EnvValue::Secret(v) if style.show_secrets => v.expose().to_owned(),
            EnvValue::Secret(v) => secrets::mask(v.expose()),
            EnvValue::Placeholder => "<fill in: was --build-arg>".to_owned(),
        };
        let state = if report.env_reused.contains(&e.name) {
            "already there"
        } else {
            verb
        };
        let _ = writeln!(out, "{env}: {} = {shown} ({state})", e.name);
    }
    if let Some(runtime) = &report.runtime_env_path {
        for e in &report.analysis.runtime_env {
            let shown = match &e.value {
                EnvValue::Secret(v) if style.show_secrets => v.expose().to_owned(),
                EnvValue::Secret(v) => secrets::mask(v.expose()),
                EnvValue::Derived(t) | EnvValue::Collected(t) => format!("\"{t}\""),
                EnvValue::Placeholder => "<fill in: was --build-arg>".to_owned(),
            };
            let state = if report.runtime_env_reused.contains(&e.name) {
                "already there"
            } else {
                verb
            };
            let _ = writeln!(
                out,
                "{}: {} = {shown} ({state}; for the container)",
                runtime.display(),
                e.name
            );
        }
    }
    for f in &report.analysis.files {
        let _ = writeln!(
            out,
            "secret file {} is mounted at {} (id {})",
            f.source, f.target, f.id
        );
    }
    for ((id, path, _), g) in report.generated.iter().zip(&report.analysis.generated) {
        let _ = writeln!(
            out,
            "secret file {} holds what a RUN wrote to {} (id {id}): {verb}",
            path.display(),
            g.target
        );
    }
    for (path, _) in &report.ignore_updates {
        let _ = writeln!(out, "{}: {verb} the secret paths into it", path.display());
    }
    if report
        .analysis
        .env
        .iter()
        .any(|e| e.value == EnvValue::Placeholder)
    {
        let _ = writeln!(
            out,
            "fill in the placeholders in {env}: those values used to come from --build-arg"
        );
    }
    if let Some(runtime) = &report.runtime_env_path {
        if report
            .analysis
            .runtime_env
            .iter()
            .any(|e| e.value == EnvValue::Placeholder)
        {
            let _ = writeln!(
                out,
                "fill in the placeholders in {}: those values used to come from --build-arg",
                runtime.display()
            );
        }
    }
    if let Some(cmd) = &report.build_command {
        let _ = writeln!(out, "build with:\n  {cmd}");
    }
    if let Some(cmd) = &report.run_command {
        let _ = writeln!(
            out,
            "run with (the container reads these at run time; IMAGE is the image you built):\n  {cmd}"
        );
    }
    out
}

/// For each compose service that builds the Dockerfile: the change that
/// gives its container the run-time secrets.
pub fn compose_text(report: &FileReport) -> String {
    let mut out = String::new();
    for c in &report.compose {
        let builds = if c.certain { "builds" } else { "may build" };
        let _ = write!(
            out,
            "{}:{}: compose service {} {builds} this Dockerfile; ",
            c.file.display(),
            c.line,
            c.service
        );
        match &c.env_file {
            Some(file) => {
                let _ = writeln!(
                    out,
                    "give its container the run-time secrets:\n  services:\n    {}:\n      env_file: [{file}]",
                    c.service
                );
            }
            None => {
                let _ = writeln!(
                    out,
                    "once the run-time secrets ({}) leave the image, give them to its container (from the shell that runs compose, or `env_file:` with NAME=value lines):\n  services:\n    {}:\n      environment:",
                    c.environment.join(", "),
                    c.service
                );
                for name in &c.environment {
                    let _ = writeln!(out, "        - {name}");
                }
            }
        }
    }
    out
}

/// Everything text mode prints for one file, as one piece.
pub fn file_text(r: &FileReport, mode: crate::cli::Mode, style: OutputStyle) -> String {
    let mut text = String::new();
    match mode {
        crate::cli::Mode::Check => return finding_lines(r),
        crate::cli::Mode::DryRun if r.changes() => text.push_str(&diff(r, style)),
        crate::cli::Mode::Write if r.written => {
            text.push_str(&format!("{}: rewritten\n", r.path.display()));
            for notice in &r.notices {
                text.push_str(notice);
                text.push('\n');
            }
        }
        _ => {}
    }
    if r.manual().next().is_some() {
        text.push_str(&finding_lines(r));
    }
    if r.changes() {
        text.push_str(&summary(r, style));
    }
    text.push_str(&compose_text(r));
    text
}
