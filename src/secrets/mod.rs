//! Credentials: secret-looking names, literal credentials in shell text, and
//! the environment variable names they move to.
//!
//! * [`is_secret_name`]: does a variable name hold a secret (see [`names`] for
//!   the rules).
//! * [`find_credentials`]: byte ranges of literal credentials in the text of a
//!   `RUN` command (line continuations, quotes and heredoc bodies included) or
//!   of an `ARG`/`ENV` value.
//! * [`suggest_env_name`]: a deterministic variable name for a match.
//! * [`SecretValue`] and [`mask`]: values that never print in clear by accident.
//!
//! # What counts as a literal
//!
//! A value that contains a live shell expansion where the secret would be
//! (`$X`, `${X:-y}`, `$(cat f)`, a backtick) is a reference, not a literal.
//! In single quotes, or a heredoc with a quoted delimiter, `$` is plain text.
//! Placeholders are skipped: `<password>`, `{{token}}`, `[token]`,
//! `YOUR_TOKEN`, `your-password`, values made only of `x`, `*`, `.`, `-`,
//! `_`, `#` (`xxx`, `***`, `...`), anything with `xxxx`, `%s`, and the words
//! `redacted`, `placeholder`, `replace_me`, `todo`, `tbd`, `none`, `null`,
//! `undefined`, `example`. `changeme`, `password`, `secret` and other weak
//! values **are** reported: they work, and they are published with the
//! Dockerfile.

mod commands;
mod lex;
pub(crate) mod names;
#[cfg(test)]
mod tests;
mod values;

use std::ops::Range;

pub use names::is_secret_name;

/// A secret that must not be printed by accident: `Debug` and `Display`
/// print `****`; [`SecretValue::expose`] gives the value.
#[derive(Clone, PartialEq, Eq)]
pub struct SecretValue(String);

impl SecretValue {
    pub fn new(v: impl Into<String>) -> Self {
        SecretValue(v.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for SecretValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("****")
    }
}

impl std::fmt::Display for SecretValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("****")
    }
}

/// A value for display: `****` when shorter than 12 characters, else its
/// first 2 characters and `****`.
pub fn mask(value: &str) -> String {
    if value.chars().count() < 12 {
        return "****".into();
    }
    let head: String = value.chars().take(2).collect();
    format!("{head}****")
}

/// What a credential is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CredentialKind {
    /// `scheme://user:PASSWORD@host`
    UrlPassword,
    /// `scheme://TOKEN@host`
    UrlToken,
    /// `https://host/path?access_token=TOKEN`
    UrlQuery,
    /// `curl -u user:PASSWORD`
    CurlUser,
    /// `--password X`, `mysql -pX`, `docker login -p X`, `-storepass X`, …
    PasswordOption,
    /// `Authorization: Bearer X`, `PRIVATE-TOKEN: X`, `X-API-Key: X`, …
    AuthHeader,
    /// `NAME=literal` with a secret-looking `NAME` (env prefix, `export`, ENV).
    SecretAssignment,
    /// npm/yarn registry credential: `_authToken=X`, `npm config set …`.
    NpmAuth,
    /// `machine H login U password P`
    Netrc,
    /// `aws configure set aws_secret_access_key X`
    AwsConfig,
    /// `poetry config`, `composer config`, `bundle config` credentials.
    PackageConfig,
    GitHubToken,
    GitLabToken,
    NpmToken,
    PypiToken,
    AwsAccessKey,
    SlackToken,
    SlackWebhook,
    StripeKey,
    SentryToken,
    Jwt,
    /// A whole `-----BEGIN … PRIVATE KEY-----` block.
    PrivateKey,
}

impl CredentialKind {
    pub fn describe(self) -> &'static str {
        use CredentialKind::*;
        match self {
            UrlPassword => "password in a URL",
            UrlToken => "token in a URL",
            UrlQuery => "secret in a URL query",
            CurlUser => "password in curl --user",
            PasswordOption => "password on the command line",
            AuthHeader => "Authorization header",
            SecretAssignment => "literal value of a secret variable",
            NpmAuth => "npm registry credential",
            Netrc => "password in a netrc line",
            AwsConfig => "AWS credential in aws configure",
            PackageConfig => "package manager credential",
            GitHubToken => "GitHub token",
            GitLabToken => "GitLab token",
            NpmToken => "npm token",
            PypiToken => "PyPI token",
            AwsAccessKey => "AWS access key ID",
            SlackToken => "Slack token",
            SlackWebhook => "Slack webhook URL",
            StripeKey => "Stripe API key",
            SentryToken => "Sentry auth token",
            Jwt => "JSON Web Token",
            PrivateKey => "private key",
        }
    }

    /// A well-known token format, recognised without context.
    pub fn is_token_format(self) -> bool {
        use CredentialKind::*;
        matches!(
            self,
            GitHubToken
                | GitLabToken
                | NpmToken
                | PypiToken
                | AwsAccessKey
                | SlackToken
                | SlackWebhook
                | StripeKey
                | SentryToken
                | Jwt
                | PrivateKey
        )
    }
}

/// What the secret value is used as.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SecretRole {
    Password,
    Token,
    ApiKey,
    AccessKeyId,
    SecretKey,
    PrivateKey,
    Url,
}

impl SecretRole {
    /// Upper-case suffix for variable names.
    pub fn suffix(self) -> &'static str {
        match self {
            SecretRole::Password => "PASSWORD",
            SecretRole::Token => "TOKEN",
            SecretRole::ApiKey => "API_KEY",
            SecretRole::AccessKeyId => "ACCESS_KEY_ID",
            SecretRole::SecretKey => "SECRET_KEY",
            SecretRole::PrivateKey => "PRIVATE_KEY",
            SecretRole::Url => "URL",
        }
    }
}

/// A literal credential in a text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CredentialMatch {
    /// Byte range of just the secret value (no quotes), inside one quoting
    /// context (it may include backslash escapes of that context).
    pub range: Range<usize>,
    pub kind: CredentialKind,
    /// The program or format it was given to: `curl`, `mysql`, `docker`,
    /// `npm`, `yarn`, `aws`, `poetry`, `composer`, `bundle`, `netrc`, or
    /// `shell` for a `NAME=value` assignment.
    pub tool: Option<String>,
    /// The host, registry, netrc machine or repository it is for.
    pub host: Option<String>,
    /// The variable, option or config key it was assigned to
    /// (`NPM_TOKEN`, `password`, `_authToken`, `http-basic`).
    pub name: Option<String>,
    pub role: SecretRole,
}

impl CredentialMatch {
    fn new(range: Range<usize>, kind: CredentialKind, role: SecretRole) -> Self {
        CredentialMatch {
            range,
            kind,
            tool: None,
            host: None,
            name: None,
            role,
        }
    }

    fn priority(&self) -> u8 {
        match self.kind {
            k if k.is_token_format() => 3,
            CredentialKind::SecretAssignment => 1,
            _ => 2,
        }
    }
}

/// Literal credentials in `text`, sorted by position, never overlapping.
///
/// When two candidates overlap, the longer one is kept (a whole URL password
/// over a token format found inside it); for the same range the more specific
/// kind wins (a token format over a URL password or a variable assignment)
/// and takes the context (host, variable name) of the others.
pub fn find_credentials(text: &str) -> Vec<CredentialMatch> {
    let mut found = values::candidates(text);
    if found.len() < 2 {
        return found;
    }
    found.sort_by(|a, b| {
        (a.range.start, a.range.end, std::cmp::Reverse(a.priority())).cmp(&(
            b.range.start,
            b.range.end,
            std::cmp::Reverse(b.priority()),
        ))
    });
    // Same range: the first (highest priority) absorbs the context of the rest.
    let mut merged: Vec<CredentialMatch> = Vec::with_capacity(found.len());
    for m in found {
        match merged.last_mut() {
            Some(last) if last.range == m.range => {
                // `GH_PAT=ghp_…`: a token format keeps the user's variable name.
                let shell = m.tool.as_deref() == Some("shell") && last.kind.is_token_format();
                last.host = last.host.take().or(m.host);
                if shell || last.tool.is_none() {
                    last.tool = m.tool;
                    last.name = m.name;
                }
            }
            _ => merged.push(m),
        }
    }
    let mut order: Vec<usize> = (0..merged.len()).collect();
    order.sort_by_key(|&i| {
        let m = &merged[i];
        (
            std::cmp::Reverse(m.range.len()),
            std::cmp::Reverse(m.priority()),
            m.range.start,
        )
    });
    let mut keep: Vec<usize> = Vec::new();
    for i in order {
        let r = &merged[i].range;
        if keep
            .iter()
            .all(|&k| merged[k].range.end <= r.start || r.end <= merged[k].range.start)
        {
            keep.push(i);
        }
    }
    keep.sort_unstable();
    let mut keep = keep.into_iter().peekable();
    merged
        .into_iter()
        .enumerate()
        .filter_map(|(i, m)| (keep.next_if_eq(&i).is_some()).then_some(m))
        .collect()
}

const MAX_NAME: usize = 48;

/// Upper-case identifier slug of a host: `www.` and a port dropped, other
/// characters turned into single `_`.
fn host_slug(host: &str) -> String {
    let host = host.trim_start_matches("www.");
    let host = host
        .rsplit_once(':')
        .filter(|(_, p)| p.bytes().all(|c| c.is_ascii_digit()))
        .map_or(host, |(h, _)| h);
    slug(host)
}

fn slug(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_uppercase());
        } else if !out.is_empty() && !out.ends_with('_') {
            out.push('_');
        }
    }
    out.trim_end_matches('_').to_owned()
}

/// `PREFIX_MIDDLE_SUFFIX` within [`MAX_NAME`], shortening the middle part.
fn compose(prefix: &str, middle: &str, suffix: &str) -> String {
    let fixed: usize = [prefix, suffix]
        .iter()
        .filter(|p| !p.is_empty())
        .map(|p| p.len() + 1)
        .sum();
    let room = MAX_NAME.saturating_sub(fixed);
    let middle = middle[..middle.len().min(room)].trim_end_matches('_');
    let parts: Vec<&str> = [prefix, middle, suffix]
        .into_iter()
        .filter(|p| !p.is_empty())
        .collect();
    finish(&parts.join("_"))
}

/// A valid name: `[A-Z_][A-Z0-9_]*`, at most [`MAX_NAME`] characters.
fn finish(name: &str) -> String {
    let mut s: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_uppercase()
            } else {
                '_'
            }
        })
        .collect();
    if s.is_empty() {
        s.push_str("SECRET");
    }
    if s.as_bytes()[0].is_ascii_digit() {
        s.insert_str(0, "HOST_");
    }
    s.truncate(MAX_NAME);
    s
}

/// A deterministic environment variable name for a match: the assigned
/// variable's own name, a fixed name for a token format (`GITHUB_TOKEN`), or
/// one made from the host and role (`PYPI_EXAMPLE_COM_PASSWORD`).
pub fn suggest_env_name(m: &CredentialMatch) -> String {
    use CredentialKind::*;
    let host = m.host.as_deref().map(host_slug).filter(|h| !h.is_empty());
    let tool = m.tool.as_deref().unwrap_or("");
    let role = m.role.suffix();
    let on_host = |fallback: &str| match &host {
        Some(h) => compose("", h, role),
        None => finish(fallback),
    };
    if tool == "shell" {
        if let Some(name) = &m.name {
            return finish(&names::env_name(name));
        }
    }
    match m.kind {
        GitHubToken => "GITHUB_TOKEN".into(),
        GitLabToken => "GITLAB_TOKEN".into(),
        NpmToken => "NPM_TOKEN".into(),
        PypiToken => "PYPI_TOKEN".into(),
        AwsAccessKey => "AWS_ACCESS_KEY_ID".into(),
        SlackToken => "SLACK_TOKEN".into(),
        SlackWebhook => "SLACK_WEBHOOK_URL".into(),
        StripeKey => "STRIPE_API_KEY".into(),
        SentryToken => "SENTRY_AUTH_TOKEN".into(),
        Jwt => "JWT_TOKEN".into(),
        PrivateKey => "PRIVATE_KEY".into(),
        SecretAssignment => finish(&names::env_name(m.name.as_deref().unwrap_or("SECRET"))),
        AwsConfig => {
            let key = m.name.as_deref().unwrap_or("aws_secret_access_key");
            let key = names::env_name(key);
            finish(&if key.starts_with("AWS_") {
                key
            } else {
                format!("AWS_{key}")
            })
        }
        NpmAuth => {
            let what = match m.name.as_deref() {
                Some("_auth") => "AUTH",
                _ => role,
            };
            match &host {
                _ if tool == "yarn" => "YARN_NPM_AUTH_TOKEN".into(),
                Some(h) if h != "REGISTRY_NPMJS_ORG" => compose("", h, &format!("NPM_{what}")),
                _ => format!("NPM_{what}"),
            }
        }
        PackageConfig => {
            let h = host.clone().unwrap_or_default();
            match (tool, m.name.as_deref().unwrap_or("")) {
                ("poetry", "pypi-token") => compose("POETRY_PYPI_TOKEN", &h, ""),
                ("poetry", _) => compose("POETRY_HTTP_BASIC", &h, "PASSWORD"),
                ("composer", "github-oauth") => "COMPOSER_GITHUB_TOKEN".into(),
                ("composer", _) => compose("COMPOSER", &h, role),
                _ => compose(&slug(tool), &h, role),
            }
        }
        PasswordOption => match &host {
            Some(h) => compose("", h, role),
            None => {
                let opt = names::words(m.name.as_deref().unwrap_or("password")).join("_");
                compose(&slug(tool), "", &opt.to_ascii_uppercase())
            }
        },
        CurlUser => on_host("CURL_PASSWORD"),
        AuthHeader => on_host("API_TOKEN"),
        Netrc => on_host("NETRC_PASSWORD"),
        UrlPassword | UrlToken => on_host(&format!("URL_{role}")),
        UrlQuery => {
            let param = names::env_name(m.name.as_deref().unwrap_or("token"));
            compose("", host.as_deref().unwrap_or("URL"), &param)
        }
    }
}
