//! Text output: unified diffs, finding lines, the `.env` summary and the build
//! command. Secret values are masked everywhere unless `--show-secrets`.

use std::fmt::Write as _;

use console::Style;
use similar::TextDiff;

use crate::engine::FileReport;
use crate::secrets;

/// How to print.
#[derive(Clone, Copy, Debug, Default)]
pub struct OutputStyle {
    pub color: bool,
    pub show_secrets: bool,
}

/// Replaces every secret value of the file by its mask.
pub fn mask(text: &str, report: &FileReport, show_secrets: bool) -> String {
    if show_secrets {
        return text.to_owned();
    }
    let mut values = report.secret_values();
    // Longest first, so a value containing another is masked whole.
    values.sort_by_key(|v| std::cmp::Reverse(v.len()));
    let mut out = text.to_owned();
    for v in values {
        out = out.replace(v, &secrets::mask(v));
    }
    out
}

/// The git-style unified diff of the rewrite.
pub fn diff(report: &FileReport, style: OutputStyle) -> String {
    let path = report.path.to_string_lossy();
    let path = path.trim_start_matches("./");
    let diff = TextDiff::from_lines(&report.original, &report.rewritten);
    let text = diff
        .unified_diff()
        .context_radius(3)
        .header(&format!("a/{path}"), &format!("b/{path}"))
        .to_string();
    let text = mask(&text, report, style.show_secrets);
    if !style.color {
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
    for l in &report.findings {
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
    for e in &report.migration.env {
        let shown = match &e.value {
            Some(v) if style.show_secrets => v.expose().to_owned(),
            Some(v) => secrets::mask(v.expose()),
            None => "<fill in: was --build-arg>".to_owned(),
        };
        let state = if report.env_reused.contains(&e.name) {
            "already there"
        } else {
            verb
        };
        let _ = writeln!(out, "{env}: {} = {shown} ({state})", e.name);
    }
    for f in &report.migration.files {
        let _ = writeln!(
            out,
            "secret file {} is mounted at {} (id {})",
            f.source, f.target, f.id
        );
    }
    for (path, _) in &report.ignore_updates {
        let _ = writeln!(out, "{}: {verb} the secret paths into it", path.display());
    }
    if report.migration.env.iter().any(|e| e.value.is_none()) {
        let _ = writeln!(
            out,
            "fill in the placeholders in {env}: those values used to come from --build-arg"
        );
    }
    if let Some(cmd) = &report.build_command {
        let _ = writeln!(out, "build with:\n  {cmd}");
    }
    out
}
