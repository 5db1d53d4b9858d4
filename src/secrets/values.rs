//! Detectors for literal credentials: context in words and commands (URLs,
//! options, headers, config commands, netrc, npmrc, assignments) and
//! well-known token formats anywhere in the text.

use std::ops::Range;
use std::sync::LazyLock;

use regex_automata::meta::Regex;

use super::lex::{self, Word};
use super::names::{contains_any_ignore_case, is_identifier, is_secret_name};
use super::{CredentialKind as K, CredentialMatch, SecretRole as R};

/// Builds a detector regex for fast start-up: without the literal prefilters
/// (the texts are short, and `regex` would spend most of a small run building
/// them).
fn regex(pattern: &str) -> Regex {
    Regex::builder()
        .configure(Regex::config().auto_prefilter(false))
        .build(pattern)
        .expect("valid regex")
}

/// Cheap test before lexing: some trigger must appear in the text.
static PREFILTER: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        // A URL only with user-info; `-u` only as an option after `curl` (the
        // one detector that reads it; not `set -eux`), `-p` never (`mkdir -p`:
        // the `-pSECRET` tools are named below); `_pat` only as a whole word
        // (not `_path`); key, PAT and
        // config words only in the shapes that carry secrets (not `apt-key`,
        // `PATH`, `git config user.name`).
        // Matched against ASCII-lowercased text: a case-insensitive regex
        // costs several times more to build, and it is built on every run.
        r"://[^\s/@'\x22]*@|curl(?s:.)*(?-u:[\s'\x22]-[a-z]*u)|_pat(?:[^a-z0-9]|$)|(?-u:--user|mysql|mariadb|sshpass|pass|pwd|psw|token|auth|secret|_key|-key:|key=|api[-_]?key|access[-_]?key|private[-_]?key|cred|dsn|\bpat\b|login|http-basic|pypi-token|github-oauth|bundle|machine|xox|akia|asia|sk_|rk_|sntrys_|eyj|-----begin|npm_|pypi-|gh[pousr]_|hooks\.slack)",
    )
});

static TOKENS: LazyLock<Regex> = LazyLock::new(|| {
    regex(concat!(
        r"gh[pousr]_[A-Za-z0-9]{36}|github_pat_[A-Za-z0-9_]{22,}|glpat-[A-Za-z0-9_-]{20,}",
        r"|npm_[A-Za-z0-9]{36}|pypi-[A-Za-z0-9_-]{50,}|(?:AKIA|ASIA)[A-Z0-9]{16}",
        r"|xox[baprs]-[A-Za-z0-9-]{10,}|https://hooks\.slack\.com/services/[A-Za-z0-9_/]+",
        r"|(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{16,}|sntrys_[A-Za-z0-9_=+/-]{20,}",
        r"|eyJ[A-Za-z0-9_-]+\.eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+",
    ))
});

/// An HTTP header that carries a credential, up to where its value starts.
/// Case-sensitive: match it against ASCII-lowercased text.
static HEADER: LazyLock<Regex> = LazyLock::new(|| {
    regex(concat!(
        r"(?-u)(?:^|[\s\x22'=])(?:(?:proxy-)?authorization\s*:\s*(?:(?:bearer|basic|token|bot|sso-key)\s+)?",
        r"|(?:private-token|job-token|deploy-token|x-api-key|x-apikey|x-auth-token|x-api-token|api-key",
        r"|apikey|x-vault-token|x-jfrog-art-api|x-access-token|x-gitlab-token|x-github-token",
        r"|circle-token|x-auth-key)\s*:\s*)",
    ))
});

/// Every header [`HEADER`] knows has `auth`, `token`, `key` or `jfrog` in its
/// name: a word without any of them needs no regex (nor its building).
fn may_name_header(word: &str) -> bool {
    contains_any_ignore_case(word, &["auth", "token", "key", "jfrog"])
}

/// All candidates, possibly overlapping.
pub(crate) fn candidates(text: &str) -> Vec<CredentialMatch> {
    if !PREFILTER.is_match(&text.to_ascii_lowercase()) {
        return Vec::new();
    }
    let mut d = Detector { out: Vec::new() };
    token_formats(text, &mut d.out);
    let lexed = lex::lex(text);
    let text_host = lexed.words.iter().find_map(|w| first_url_host(&w.value));
    for cmd in &lexed.commands {
        let words = &lexed.words[cmd.clone()];
        let cmd_host = words.iter().find_map(|w| first_url_host(&w.value));
        let host = cmd_host.as_deref().or(text_host.as_deref());
        for w in words {
            d.word(w, host);
        }
        d.command(words, text_host.as_deref());
    }
    d.out
}

/// Where `needle` starts in `hay`, for the short words of a command:
/// `str::find` and `match_indices` set up a two-way searcher per call, which
/// costs more than these words take to scan. Overlapping matches are all
/// yielded (none of the needles here can overlap itself).
fn positions<'a>(hay: &'a str, needle: &'a str) -> impl Iterator<Item = usize> + 'a {
    let (h, n) = (hay.as_bytes(), needle.as_bytes());
    let first = n.first().copied().unwrap_or(0);
    memchr::memchr_iter(first, h).filter(move |&i| h[i..].starts_with(n))
}

/// `hay.contains(needle)`, by [`positions`].
fn has(hay: &str, needle: &str) -> bool {
    positions(hay, needle).next().is_some()
}

fn is_token_char(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_'
}

/// `-----BEGIN ... PRIVATE KEY-----` through the first matching `-----END
/// ... PRIVATE KEY-----`. By hand: a regex for "anything up to" is costly to
/// build, and it is built on every run.
fn private_key_blocks(text: &str) -> Vec<std::ops::Range<usize>> {
    const BEGIN: &str = "-----BEGIN ";
    const END: &str = "-----END ";
    // `[A-Z ]*PRIVATE KEY-----` at `at`: its length.
    let label = |at: usize| -> Option<usize> {
        let rest = &text[at..];
        let len = rest
            .bytes()
            .take_while(|b| b.is_ascii_uppercase() || *b == b' ')
            .count();
        (rest[..len].ends_with("PRIVATE KEY") && rest[len..].starts_with("-----"))
            .then_some(len + 5)
    };
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(i) = text[from..].find(BEGIN) {
        let start = from + i;
        from = start + BEGIN.len();
        let Some(header) = label(from) else { continue };
        let mut search = from + header;
        while let Some(j) = text[search..].find(END) {
            let end_at = search + j + END.len();
            if let Some(len) = label(end_at) {
                out.push(start..end_at + len);
                from = end_at + len;
                break;
            }
            search = end_at;
        }
    }
    out
}

fn token_formats(text: &str, out: &mut Vec<CredentialMatch>) {
    let b = text.as_bytes();
    let keys = if text.contains("-----BEGIN ") {
        private_key_blocks(text)
    } else {
        Vec::new()
    };
    let mut found: Vec<std::ops::Range<usize>> = TOKENS
        .find_iter(text)
        .map(|m| m.range())
        .filter(|r| !keys.iter().any(|k| k.start <= r.start && r.end <= k.end))
        .chain(keys.iter().cloned())
        .collect();
    found.sort_by_key(|r| r.start);
    for range in found {
        let s = &text[range.clone()];
        if range.start > 0 && is_token_char(b[range.start - 1]) {
            continue;
        }
        let (kind, role, prefix, fixed) = match s.as_bytes()[0] {
            b'g' if s.starts_with("glpat-") => (K::GitLabToken, R::Token, 6, false),
            b'g' if s.starts_with("github_pat_") => (K::GitHubToken, R::Token, 11, false),
            b'g' => (K::GitHubToken, R::Token, 4, true),
            b'n' => (K::NpmToken, R::Token, 4, true),
            b'p' => (K::PypiToken, R::Token, 5, false),
            b'A' => (K::AwsAccessKey, R::AccessKeyId, 4, true),
            b'x' => (K::SlackToken, R::Token, 5, false),
            b'h' => (K::SlackWebhook, R::Url, 34, false),
            b's' if s.starts_with("sntrys_") => (K::SentryToken, R::Token, 7, false),
            b's' | b'r' => (K::StripeKey, R::ApiKey, 8, false),
            b'e' => (K::Jwt, R::Token, 0, false),
            _ => (K::PrivateKey, R::PrivateKey, 0, false),
        };
        if fixed && b.get(range.end).is_some_and(u8::is_ascii_alphanumeric) {
            continue;
        }
        let body = if kind == K::PrivateKey {
            s.split("-----").nth(2).unwrap_or("").trim()
        } else {
            &s[prefix.min(s.len())..]
        };
        let distinct = body
            .bytes()
            .filter(u8::is_ascii_alphanumeric)
            .collect::<std::collections::BTreeSet<_>>();
        if is_placeholder(body) || distinct.len() <= 2 {
            continue;
        }
        out.push(CredentialMatch::new(range, kind, role));
    }
}

/// Values that stand for a secret rather than being one.
pub(crate) fn is_placeholder(v: &str) -> bool {
    let l = v.to_ascii_lowercase();
    v.is_empty()
        || (v.starts_with('<') && v.ends_with('>'))
        || (v.starts_with('[') && v.ends_with(']'))
        || v.starts_with("{{")
        || v.starts_with('%')
        || v.bytes().all(|c| b"xX*.-_#".contains(&c))
        || l.contains("xxxx")
        || (l.starts_with("your") && l.len() > 4)
        || matches!(
            l.as_str(),
            "redacted"
                | "placeholder"
                | "dummy"
                | "fake"
                | "unused"
                | "replace_me"
                | "replaceme"
                | "replace-me"
                | "todo"
                | "tbd"
                | "none"
                | "null"
                | "undefined"
                | "example"
        )
}

/// An absolute or relative file path: a key file, not a key.
pub(super) fn looks_like_path(v: &str) -> bool {
    ["/", "./", "../", "~/"].iter().any(|p| v.starts_with(p)) && !v.contains(char::is_whitespace)
}

/// A value end: whitespace, or a `\n`/`\t`/`\r` escape as written for
/// `printf`/`echo -e`.
fn value_end(v: &str, from: usize) -> usize {
    let b = v.as_bytes();
    let mut i = from;
    while i < b.len() {
        if b[i].is_ascii_whitespace()
            || (b[i] == b'\\' && matches!(b.get(i + 1), Some(b'n' | b't' | b'r')))
        {
            break;
        }
        i += 1;
    }
    i
}

/// In a heredoc body, quotes around a value are part of the file: drop them.
fn unquote_raw(w: &Word, r: Range<usize>) -> Range<usize> {
    let s = &w.value.as_bytes()[r.clone()];
    if w.raw && s.len() >= 2 && (s[0] == b'"' || s[0] == b'\'') && s[s.len() - 1] == s[0] {
        r.start + 1..r.end - 1
    } else {
        r
    }
}

/// Position of the first `:` not inside `${…}`.
pub(super) fn colon(v: &str) -> Option<usize> {
    let mut depth = 0usize;
    for (i, c) in v.bytes().enumerate() {
        match c {
            b'{' => depth += 1,
            b'}' => depth = depth.saturating_sub(1),
            b':' if depth == 0 => return Some(i),
            _ => {}
        }
    }
    None
}

pub(super) fn basename(v: &str) -> &str {
    v.rsplit('/').next().unwrap_or(v)
}

struct Url {
    /// `user:pass` or `token`, value offsets.
    userinfo: Option<Range<usize>>,
    host: String,
    /// Query string (after `?`), value offsets.
    query: Option<Range<usize>>,
}

/// Length of a `$NAME` or `${…}` at the start of `b`, else 0.
fn variable_len(b: &[u8]) -> usize {
    match (b.first(), b.get(1)) {
        (Some(b'$'), Some(b'{')) => memchr::memchr(b'}', b).map_or(0, |e| e + 1),
        (Some(b'$'), _) => 1 + b[1..].iter().take_while(|&&c| is_token_char(c)).count(),
        _ => 0,
    }
}

/// Host and port length at the start of `s` (a variable such as `$HOST`
/// counts as a host); `None` unless followed by the end of `s` or a separator.
fn host_at(s: &str) -> Option<(usize, bool)> {
    let b = s.as_bytes();
    let mut n = match b.first() {
        Some(b'[') => memchr::memchr(b']', b)? + 1,
        Some(b'$') => variable_len(b),
        _ => b
            .iter()
            .take_while(|c| c.is_ascii_alphanumeric() || b"-._".contains(c))
            .count(),
    };
    let valid = match b.first() {
        Some(b'[') => true,
        Some(b'$') => n > 1,
        Some(c) => c.is_ascii_alphanumeric(),
        None => false,
    };
    if n == 0 || !valid {
        return None;
    }
    let host_len = n;
    let mut port = false;
    if b.get(n) == Some(&b':') {
        let rest = &b[n + 1..];
        let len = match variable_len(rest) {
            0 => rest.iter().take_while(|c| c.is_ascii_digit()).count(),
            v => v,
        };
        if len == 0 {
            return None;
        }
        n += 1 + len;
        port = true;
    }
    match b.get(n) {
        None => Some((host_len, port)),
        Some(c) if c.is_ascii_whitespace() || b";,)'\"<>|&`".contains(c) => Some((host_len, port)),
        _ => None,
    }
}

/// The URL whose `://` is at `p` in `v`.
fn parse_url(v: &str, p: usize) -> Option<Url> {
    let b = v.as_bytes();
    let scheme = b[..p]
        .iter()
        .rev()
        .take_while(|c| c.is_ascii_alphanumeric() || b"+.-".contains(c))
        .count();
    if scheme < 2 || !b[p - scheme].is_ascii_alphabetic() {
        return None;
    }
    let start = p + 3;
    let rest = &v[start..];
    let region_len = rest.find(['/', '?', '#', '\n']).unwrap_or(rest.len());
    let region = &rest[..region_len];
    let terminated = region_len < rest.len() && rest.as_bytes()[region_len] != b'\n';
    let mut userinfo = None;
    let mut host = None;
    for (at, _) in region.rmatch_indices('@') {
        let Some((len, port)) = host_at(&region[at + 1..]) else {
            continue;
        };
        let info = &region[..at];
        if info.contains(char::is_whitespace)
            && !(port || (at + 1 + len == region.len() && terminated))
        {
            continue;
        }
        if info.contains("://") {
            continue;
        }
        userinfo = Some(start..start + at);
        host = Some(host_name(&region[at + 1..at + 1 + len]));
        break;
    }
    let host = match host {
        Some(h) => h,
        None => {
            let (len, _) = host_at(region)
                .or_else(|| host_at(&region[..region.find(char::is_whitespace)?]))?;
            host_name(&region[..len])
        }
    };
    let url_end = start + value_end(rest, 0);
    let query = v[start + region_len.min(url_end - start)..url_end]
        .find('?')
        .map(|q| start + region_len.min(url_end - start) + q + 1..url_end);
    Some(Url {
        userinfo,
        host,
        query,
    })
}

/// Lower-case host; a variable host (`${REGISTRY}`) gives its name.
fn host_name(h: &str) -> String {
    h.trim_start_matches("${")
        .trim_start_matches('$')
        .trim_end_matches('}')
        .to_ascii_lowercase()
}

pub(super) fn first_url_host(v: &str) -> Option<String> {
    positions(v, "://")
        .find_map(|p| parse_url(v, p))
        .map(|u| u.host)
}

const TOKEN_USERS: &[&str] = &[
    "x-access-token",
    "oauth2",
    "oauth",
    "gitlab-ci-token",
    "__token__",
    "token",
    "x-token-auth",
    "pat",
    "bearer",
];

fn looks_like_token(s: &str) -> bool {
    let known = [
        "ghp_",
        "gho_",
        "ghu_",
        "ghs_",
        "ghr_",
        "github_pat_",
        "glpat-",
        "npm_",
        "pypi-",
    ];
    known.iter().any(|k| s.starts_with(k))
        || (s.len() >= 20
            && s.bytes()
                .all(|c| c.is_ascii_alphanumeric() || b"-_.~%+=".contains(&c)))
}

/// Context for a match being added.
#[derive(Default)]
pub(super) struct Ctx<'a> {
    pub tool: Option<&'a str>,
    pub host: Option<&'a str>,
    pub name: Option<&'a str>,
}

pub(super) struct Detector {
    out: Vec<CredentialMatch>,
}

impl Detector {
    /// Adds the value bytes `r` of `w` unless they are a reference, a
    /// placeholder or cannot be mapped to one quoting context.
    pub(super) fn add(
        &mut self,
        w: &Word,
        r: Range<usize>,
        kind: K,
        role: R,
        ctx: Ctx<'_>,
    ) -> bool {
        let r = unquote_raw(w, r);
        if r.is_empty() || w.dynamic(r.clone()) || is_placeholder(&w.value[r.clone()]) {
            return false;
        }
        let Some(range) = w.source(r) else {
            return false;
        };
        let mut m = CredentialMatch::new(range, kind, role);
        m.tool = ctx.tool.map(str::to_owned);
        m.host = ctx.host.map(str::to_owned);
        m.name = ctx.name.map(str::to_owned);
        self.out.push(m);
        true
    }

    /// Whole-word value `w[from..]`.
    pub(super) fn add_rest(
        &mut self,
        w: &Word,
        from: usize,
        kind: K,
        role: R,
        ctx: Ctx<'_>,
    ) -> bool {
        self.add(w, from.min(w.value.len())..w.value.len(), kind, role, ctx)
    }

    /// `user:password` in `w[from..]`: the password.
    pub(super) fn user_pass(&mut self, w: &Word, from: usize, kind: K, ctx: Ctx<'_>) {
        let v = &w.value[from.min(w.value.len())..];
        if let Some(c) = colon(v) {
            self.add_rest(w, from + c + 1, kind, R::Password, ctx);
        }
    }

    /// Detectors that need no command context; `host` is the command's (or
    /// the text's) first URL host, for headers.
    fn word(&mut self, w: &Word, host: Option<&str>) {
        let v = w.value.as_str();
        if has(v, "://") {
            self.urls(w);
        }
        if v.contains(':') && may_name_header(v) {
            // ASCII lowercasing keeps every byte offset.
            let lower = v.to_ascii_lowercase();
            if HEADER.is_match(&lower) {
                self.headers(w, &lower, host);
            }
        }
        if has(v, "password") && (has(v, "machine") || has(v, "default")) {
            self.netrc(w);
        }
        if has(v, "_auth") || has(v, "_password") || has(v, "npmAuth") {
            self.npmrc(w);
        }
        if v.contains('=') {
            self.assignments(w);
        }
    }

    fn urls(&mut self, w: &Word) {
        let v = w.value.as_str();
        for p in positions(v, "://") {
            let Some(url) = parse_url(v, p) else { continue };
            let host = Some(url.host.as_str());
            if let Some(info) = url.userinfo {
                let s = &v[info.clone()];
                match colon(s) {
                    Some(c) if &s[c + 1..] == "x-oauth-basic" => {
                        let ctx = Ctx {
                            host,
                            ..Ctx::default()
                        };
                        self.add(w, info.start..info.start + c, K::UrlToken, R::Token, ctx);
                    }
                    Some(c) => {
                        let user = s[..c].to_ascii_lowercase();
                        let role = if TOKEN_USERS.contains(&user.as_str()) {
                            R::Token
                        } else {
                            R::Password
                        };
                        self.add(
                            w,
                            info.start + c + 1..info.end,
                            K::UrlPassword,
                            role,
                            Ctx {
                                host,
                                ..Ctx::default()
                            },
                        );
                    }
                    None if looks_like_token(s) => {
                        self.add(
                            w,
                            info,
                            K::UrlToken,
                            R::Token,
                            Ctx {
                                host,
                                ..Ctx::default()
                            },
                        );
                    }
                    None => {}
                }
            }
            if let Some(q) = url.query {
                let mut at = q.start;
                for param in v[q.clone()].split('&') {
                    if let Some((name, _)) = param.split_once('=') {
                        if is_secret_name(name) {
                            let ctx = Ctx {
                                host,
                                name: Some(name),
                                ..Ctx::default()
                            };
                            let r = at + name.len() + 1..at + param.len();
                            let r = r.start..r.start + v[r.clone()].find('#').unwrap_or(r.len());
                            self.add(w, r, K::UrlQuery, R::Token, ctx);
                        }
                    }
                    at += param.len() + 1;
                }
            }
        }
    }

    /// `lower` is the word's value, ASCII-lowercased.
    fn headers(&mut self, w: &Word, lower: &str, host: Option<&str>) {
        let v = w.value.as_str();
        let ends: Vec<usize> = HEADER.find_iter(lower).map(|m| m.end()).collect();
        for start in ends {
            let end = start + v[start..].find(['"', '\'']).unwrap_or(v.len() - start);
            let end = value_end(&v[..end], start);
            self.add(
                w,
                start..end,
                K::AuthHeader,
                R::Token,
                Ctx {
                    host,
                    ..Ctx::default()
                },
            );
        }
    }

    /// Whitespace-separated tokens of a value (with `\n` escapes as spaces).
    fn tokens(v: &str) -> Vec<Range<usize>> {
        let mut out = Vec::new();
        let mut i = 0;
        while i < v.len() {
            let end = value_end(v, i);
            if end > i {
                out.push(i..end);
                i = end;
            } else {
                i += if v.as_bytes()[i] == b'\\' { 2 } else { 1 };
            }
        }
        out
    }

    fn netrc(&mut self, w: &Word) {
        let v = w.value.as_str();
        let toks = Self::tokens(v);
        // `default` entries need a `login` before the password, so that
        // prose such as "the default password is x" is not a netrc line.
        let mut machine: Option<&str> = None;
        let mut login = false;
        let mut i = 0;
        while i < toks.len() {
            let next = toks.get(i + 1).cloned();
            // Keywords that take a value skip it.
            let mut step = 2;
            match &v[toks[i].clone()] {
                "machine" => (machine, login) = (next.map(|r| &v[r]), false),
                "default" => (machine, login, step) = (Some("default"), false, 1),
                "login" => login = true,
                "password" if machine.is_some_and(|m| m != "default" || login) => {
                    if let Some(r) = next {
                        let host = machine.filter(|m| *m != "default");
                        let name = Some("password");
                        let ctx = Ctx {
                            tool: Some("netrc"),
                            host,
                            name,
                        };
                        self.add(w, r, K::Netrc, R::Password, ctx);
                    }
                }
                "account" | "macdef" => {}
                _ => step = 1,
            }
            i += step;
        }
    }

    fn npmrc(&mut self, w: &Word) {
        let v = w.value.as_str();
        let b = v.as_bytes();
        for (key, role) in [
            ("_authToken", R::Token),
            ("_auth", R::Token),
            ("_password", R::Password),
            ("npmAuthToken", R::Token),
            ("npmAuthIdent", R::Token),
        ] {
            for k in positions(v, key) {
                let after = k + key.len();
                let boundary_before = k == 0 || !is_token_char(b[k - 1]);
                if !boundary_before || b.get(after).is_some_and(|&c| is_token_char(c)) {
                    continue;
                }
                let mut j = after;
                while j < b.len() && b[j] == b' ' {
                    j += 1;
                }
                let yarn = key.starts_with("npm");
                if !(b.get(j) == Some(&b'=') || (yarn && b.get(j) == Some(&b':'))) {
                    continue;
                }
                j += 1;
                while j < b.len() && b[j] == b' ' {
                    j += 1;
                }
                let tok_start = v[..k]
                    .rfind(|c: char| c.is_ascii_whitespace())
                    .map_or(0, |s| s + 1);
                let host = v[tok_start..k]
                    .strip_prefix("//")
                    .map(|h| h.split(['/', ':']).next().unwrap_or(h));
                let tool = if yarn { "yarn" } else { "npm" };
                let ctx = Ctx {
                    tool: Some(tool),
                    host,
                    name: Some(key),
                };
                self.add(w, j..value_end(v, j), K::NpmAuth, role, ctx);
            }
        }
    }

    fn assignments(&mut self, w: &Word) {
        let v = w.value.as_str();
        let b = v.as_bytes();
        let whole = w.assignment_name_len();
        for e in memchr::memchr_iter(b'=', b) {
            let s = b[..e]
                .iter()
                .rev()
                .take_while(|&&c| is_token_char(c))
                .count();
            let s = e - s;
            if s == e || !(s == 0 || b[s - 1].is_ascii_whitespace() || b[s - 1] == b';') {
                continue;
            }
            let name = &v[s..e];
            if !is_identifier(name) || !is_secret_name(name) {
                continue;
            }
            let end = if whole == Some(e) {
                v.len()
            } else {
                value_end(v, e + 1)
            };
            let value = &v[e + 1..end];
            let boolean = matches!(
                value.to_ascii_lowercase().as_str(),
                "true" | "false" | "yes" | "no" | "on" | "off" | "0" | "1" | "y" | "n"
            );
            if boolean || looks_like_path(value) {
                continue;
            }
            let ctx = Ctx {
                tool: Some("shell"),
                name: Some(name),
                ..Ctx::default()
            };
            self.add(w, e + 1..end, K::SecretAssignment, R::Password, ctx);
        }
    }
}
