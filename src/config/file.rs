//! Reading one `.dfix.toml`: the keys it may hold, checked strictly (an
//! unknown key is an error naming the file, the line and the key), and the
//! [`Settings`] they give.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::Deserialize;
use toml::Spanned;

use super::{SecretsStyle, Settings, Source};
use crate::rules::Rule;

/// The file's keys, as written.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct Raw {
    ignore: Option<Vec<Spanned<String>>>,
    exclude: Option<Vec<Spanned<String>>>,
    env_file: Option<Spanned<String>>,
    secrets_style: Option<SecretsStyle>,
    secrets: Option<RawSecrets>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawSecrets {
    extra_names: Option<Vec<String>>,
    allow_names: Option<Vec<String>>,
    allow_values: Option<Vec<String>>,
}

/// Reads the configuration at `path`. The error is one line naming the file.
pub fn load(path: &Path, source: Source) -> Result<Settings, String> {
    let shown = path.display();
    let bytes = crate::fsio::read::read(path, false).map_err(|e| format!("{shown}: {e}"))?;
    let text = String::from_utf8(bytes).map_err(|_| format!("{shown}: not UTF-8 text"))?;
    parse(&text, path, source)
}

/// Settings from the text of the configuration at `path`.
pub fn parse(text: &str, path: &Path, source: Source) -> Result<Settings, String> {
    let shown = path.display();
    let at = |offset: usize| {
        let p = crate::syntax::LineIndex::new(text).position(text, offset);
        format!("{shown}: line {}, column {}", p.line, p.column)
    };
    let raw: Raw = toml::from_str(text).map_err(|e| {
        let message = e.message().trim().replace('\n', " ");
        match e.span() {
            Some(span) => format!("{}: {message}", at(span.start)),
            None => format!("{shown}: {message}"),
        }
    })?;
    let mut set = Vec::new();
    let mut note = |key: &'static str, present: bool| {
        if present {
            set.push(key);
        }
    };
    note("ignore", raw.ignore.is_some());
    note("exclude", raw.exclude.is_some());
    note("env-file", raw.env_file.is_some());
    note("secrets-style", raw.secrets_style.is_some());
    let secrets = raw.secrets.unwrap_or_default();
    note("secrets.extra-names", secrets.extra_names.is_some());
    note("secrets.allow-names", secrets.allow_names.is_some());
    note("secrets.allow-values", secrets.allow_values.is_some());

    let mut ignore = Vec::new();
    for id in raw.ignore.unwrap_or_default() {
        match Rule::from_code(id.get_ref()) {
            Some(rule) if !ignore.contains(&rule) => ignore.push(rule),
            Some(_) => {}
            None => {
                return Err(format!(
                    "{}: unknown rule `{}` in `ignore` (dfix rule --all lists them)",
                    at(id.span().start),
                    id.get_ref()
                ))
            }
        }
    }
    let root = path
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."));
    let mut exclude = Vec::new();
    let mut builder = ignore::gitignore::GitignoreBuilder::new(&root);
    for pattern in raw.exclude.unwrap_or_default() {
        builder.add_line(None, pattern.get_ref()).map_err(|e| {
            format!(
                "{}: `exclude` pattern `{}`: {}",
                at(pattern.span().start),
                pattern.get_ref(),
                e.to_string().replace('\n', " ")
            )
        })?;
        exclude.push(pattern.into_inner());
    }
    let matcher = match exclude.is_empty() {
        true => None,
        false => Some(Arc::new(
            builder
                .build()
                .map_err(|e| format!("{shown}: `exclude`: {e}"))?,
        )),
    };
    let env_file = match raw.env_file {
        Some(e) if e.get_ref().is_empty() => {
            return Err(format!("{}: `env-file` is empty", at(e.span().start)))
        }
        Some(e) => Some(PathBuf::from(e.into_inner())),
        None => None,
    };
    let lists = [
        secrets.extra_names,
        secrets.allow_names,
        secrets.allow_values,
    ];
    let [extra_names, allow_names, allow_values] = lists.map(Option::unwrap_or_default);
    Ok(Settings {
        source: Some(source),
        set,
        ignore,
        exclude,
        matcher,
        env_file,
        secrets_style: raw.secrets_style.unwrap_or_default(),
        extra_names,
        allow_names,
        allow_values,
        rules: Arc::default(),
    }
    .built())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(text: &str) -> Result<Settings, String> {
        parse(
            text,
            Path::new("/repo/.dfix.toml"),
            Source::Discovered(PathBuf::from("/repo/.dfix.toml")),
        )
    }

    #[test]
    fn every_key() {
        let s = parsed(
            "ignore = [\"DF003\", \"secret-file-copy\"]\n\
             exclude = [\"legacy/\"]\n\
             env-file = \"build.env\"\n\
             secrets-style = \"per-secret\"\n\
             [secrets]\n\
             extra-names = [\"ACME_SEED\"]\n\
             allow-names = [\"NPM_TOKEN\"]\n\
             allow-values = [\"ci-pass\"]\n",
        )
        .unwrap();
        assert_eq!(s.ignore, [Rule::SecretBuildArg, Rule::SecretFileCopy]);
        assert_eq!(s.exclude, ["legacy/"]);
        assert_eq!(s.env_file.as_deref(), Some(Path::new("build.env")));
        assert_eq!(s.secrets_style, SecretsStyle::PerSecret);
        assert!(s.rules.policy.is_secret_name("ACME_SEED"));
        assert!(!s.rules.policy.is_secret_name("NPM_TOKEN"));
        assert!(s
            .excluded(Path::new("/repo/legacy/app/Dockerfile"))
            .is_some());
        assert!(s.excluded(Path::new("/repo/app/Dockerfile")).is_none());
        assert!(s
            .excluded(Path::new("/elsewhere/legacy/Dockerfile"))
            .is_none());
        assert_eq!(s.set.len(), 7);
    }

    #[test]
    fn errors_name_the_file_the_line_and_the_key() {
        for (text, want) in [
            (
                "ignore = [\"DF003\"]\nignored = 1\n",
                "/repo/.dfix.toml: line 2, column 1: unknown field `ignored`, expected one of",
            ),
            (
                "[secrets]\nextra_names = []\n",
                "/repo/.dfix.toml: line 2, column 1: unknown field `extra_names`",
            ),
            (
                "ignore = [\"DF009\"]\n",
                "/repo/.dfix.toml: line 1, column 11: unknown rule `DF009` in `ignore`",
            ),
            (
                "secrets-style = \"vault\"\n",
                "/repo/.dfix.toml: line 1, column 17: unknown variant `vault`, expected one of `auto`, `env-file`, `per-secret`",
            ),
            ("ignore = \"DF001\"\n", "/repo/.dfix.toml: line 1, column 10: invalid type"),
            ("ignore = [\n", "/repo/.dfix.toml: line "),
        ] {
            let err = parsed(text).unwrap_err();
            assert!(err.starts_with(want), "{text:?}: {err}");
            assert!(!err.contains('\n'), "one line: {err}");
        }
    }
}
