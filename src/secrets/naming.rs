//! The environment variable a literal credential moves to: the assigned
//! variable's own name, the tool's own variable, a fixed name for a token
//! format (`GITHUB_TOKEN`), or one made from the host and role
//! (`PYPI_EXAMPLE_COM_PASSWORD`).

use super::{names, tokens, CredentialKind, CredentialMatch, Role};

const MAX_NAME: usize = 48;

/// The context of a credential, as the detectors saw it.
pub(crate) struct Context<'a> {
    pub kind: CredentialKind,
    pub role: Role,
    pub tool: Option<&'a str>,
    pub host: Option<&'a str>,
    pub name: Option<&'a str>,
}

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

/// Whether `host` (a host, a repository's name) can name a variable: it
/// holds no token and does not look like one (long, no dot, letters and
/// digits mixed). A name is printed and committed; a command whose last
/// word is a token (`docker login -p X AKIA...`) must not put it there.
fn nameable_host(host: &str) -> bool {
    let random = !host.contains('.')
        && host.len() >= 16
        && host.bytes().any(|b| b.is_ascii_digit())
        && host.bytes().any(|b| b.is_ascii_alphabetic());
    !random && tokens::find(host).is_empty()
}

pub(crate) fn env_name(m: &Context<'_>) -> String {
    use CredentialKind::*;
    let host = m
        .host
        .filter(|h| nameable_host(h))
        .map(host_slug)
        .filter(|h| !h.is_empty());
    let tool = m.tool.unwrap_or("");
    let role = m.role.suffix();
    let on_host = |fallback: &str| match &host {
        Some(h) => compose("", h, role),
        None => finish(fallback),
    };
    if tool == "shell" {
        if let Some(name) = m.name {
            return finish(&names::env_name(name));
        }
    }
    match m.kind {
        // An AWS key id alone in `.env` would reach every AWS CLI or SDK
        // call of the RUNs that source it without its secret key ("partial
        // credentials"): only where aws itself takes it does it keep the
        // variable's own name.
        Token(i) if tokens::FORMATS[i].env_name.starts_with("AWS_") && tool != "aws" => {
            // `AWS_KEY_ID`: a name no AWS tool reads.
            let name = tokens::FORMATS[i].env_name;
            let own = name.replace("_ACCESS_KEY_ID", "_KEY_ID");
            match (&host, m.name) {
                (_, Some(n)) if names::env_name(n) == name => name.into(),
                (Some(h), _) => compose("", h, &own),
                (None, _) => finish(&own),
            }
        }
        Token(i) => tokens::FORMATS[i].env_name.into(),
        SecretAssignment => finish(&names::env_name(m.name.unwrap_or("SECRET"))),
        Copy => finish(m.name.unwrap_or("SECRET")),
        AwsConfig => {
            let key = names::env_name(m.name.unwrap_or("aws_secret_access_key"));
            finish(&if key.starts_with("AWS_") {
                key
            } else {
                format!("AWS_{key}")
            })
        }
        NpmAuth => {
            let what = match m.name {
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
            match (tool, m.name.unwrap_or("")) {
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
                let opt = names::words(m.name.unwrap_or("password")).join("_");
                compose(&slug(tool), "", &opt.to_ascii_uppercase())
            }
        },
        CurlUser => on_host("CURL_PASSWORD"),
        AuthHeader => on_host("API_TOKEN"),
        Netrc => on_host("NETRC_PASSWORD"),
        UrlPassword | UrlToken => on_host(&format!("URL_{role}")),
        UrlQuery => {
            let param = names::env_name(m.name.unwrap_or("token"));
            compose("", host.as_deref().unwrap_or("URL"), &param)
        }
    }
}

/// A deterministic environment variable name for a match.
pub fn suggest_env_name(m: &CredentialMatch) -> String {
    env_name(&Context {
        kind: m.kind,
        role: m.role,
        tool: m.tool.as_deref(),
        host: m.host.as_deref(),
        name: m.name.as_deref(),
    })
}
