//! `dfix config [PATH]`: the settings in effect for a path, as TOML, each
//! key followed by where its value came from (the default, a file, or the
//! command line).

use std::fmt::Write as _;
use std::path::Path;

use super::{Settings, Source};

/// What the command line sets for the run, besides the configuration.
#[derive(Clone, Debug, Default)]
pub struct CommandLine<'a> {
    /// `--env-file`.
    pub env_file: Option<&'a Path>,
    /// `--isolated`.
    pub isolated: bool,
}

fn string(s: &str) -> String {
    toml::Value::String(s.to_owned()).to_string()
}

fn list<'a>(items: impl IntoIterator<Item = &'a str>) -> String {
    let items: Vec<String> = items.into_iter().map(string).collect();
    format!("[{}]", items.join(", "))
}

/// The settings for `path` as TOML with a comment saying where each came
/// from. `allow-values` are masked like secrets unless `show_secrets`: they
/// are meant to be harmless, but a real value put there by mistake must not
/// be printed.
pub fn render(
    path: &Path,
    settings: &Settings,
    cli: &CommandLine<'_>,
    show_secrets: bool,
) -> String {
    let from_file = match &settings.source {
        Some(Source::Explicit(p)) => format!("{} (--config)", p.display()),
        Some(Source::Discovered(p)) => p.display().to_string(),
        None => String::new(),
    };
    let origin = |key: &str| {
        if settings.sets(key) {
            from_file.clone()
        } else {
            "default".to_owned()
        }
    };
    let mut out = String::new();
    let _ = writeln!(out, "# settings for {}", path.display());
    let _ = match (&settings.source, cli.isolated) {
        (_, true) => writeln!(out, "# configuration file: none (--isolated)"),
        (Some(source), _) => writeln!(out, "# configuration file: {}", source_text(source)),
        (None, _) => writeln!(
            out,
            "# configuration file: none (no {} up to the repository root)",
            super::FILE_NAME
        ),
    };
    let cwd = std::env::current_dir().unwrap_or_default();
    if let Some(pattern) = settings.excluded(&super::discover::absolute(&cwd, path)) {
        let _ = writeln!(
            out,
            "# {} is excluded from directory walks by {}",
            path.display(),
            string(&pattern)
        );
    }
    let mut lines: Vec<(String, String)> = Vec::new();
    let ids = settings.ignore.iter().map(|r| r.id());
    lines.push((format!("ignore = {}", list(ids)), origin("ignore")));
    let exclude = settings.exclude.iter().map(String::as_str);
    lines.push((format!("exclude = {}", list(exclude)), origin("exclude")));
    let env_file = match (cli.env_file, &settings.env_file) {
        (Some(p), _) => (
            string(&p.to_string_lossy()),
            "command line (--env-file)".to_owned(),
        ),
        (None, Some(p)) => (
            string(&p.to_string_lossy()),
            format!("{}; next to each Dockerfile", origin("env-file")),
        ),
        (None, None) => (
            string(".env"),
            "default; next to each Dockerfile".to_owned(),
        ),
    };
    lines.push((format!("env-file = {}", env_file.0), env_file.1));
    lines.push((
        format!(
            "secrets-style = {}",
            string(settings.secrets_style.as_str())
        ),
        origin("secrets-style"),
    ));
    lines.push((String::new(), String::new()));
    lines.push(("[secrets]".to_owned(), String::new()));
    for (key, values) in [
        ("extra-names", &settings.extra_names),
        ("allow-names", &settings.allow_names),
    ] {
        let value = list(values.iter().map(String::as_str));
        lines.push((
            format!("{key} = {value}"),
            origin(&format!("secrets.{key}")),
        ));
    }
    let masked: Vec<String> = settings
        .allow_values
        .iter()
        .map(|v| {
            if show_secrets {
                v.clone()
            } else {
                crate::secrets::mask(v)
            }
        })
        .collect();
    let mut origin_values = origin("secrets.allow-values");
    if !show_secrets && !masked.is_empty() {
        origin_values.push_str(" (masked; --show-secrets prints them)");
    }
    lines.push((
        format!("allow-values = {}", list(masked.iter().map(String::as_str))),
        origin_values,
    ));
    let width = lines.iter().map(|(l, _)| l.len()).max().unwrap_or(0);
    for (line, origin) in lines {
        if origin.is_empty() {
            let _ = writeln!(out, "{line}");
        } else {
            let _ = writeln!(out, "{line:width$}  # {origin}");
        }
    }
    out
}

fn source_text(source: &Source) -> String {
    match source {
        Source::Explicit(p) => format!("{} (--config)", p.display()),
        Source::Discovered(p) => format!("{} (the nearest)", p.display()),
    }
}
