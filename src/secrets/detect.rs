//! Finding literal credentials in the words of a script: the detectors that
//! need no command (URLs, headers, netrc and npmrc lines, `NAME=value`,
//! token formats), then each command's tool ([`crate::tools`]).

use std::ops::Range;
use std::sync::LazyLock;

use regex_automata::meta::Regex;

use super::names::contains_any_ignore_case;
use super::naming::{env_name, Context};
use super::policy::{Policy, DEFAULT};
use super::url::{colon, first_url_host, has, parse_url, positions, value_end};
use super::{tokens, CredentialKind as K, CredentialMatch, Role as R};
use crate::shell::{Command, Script};

/// A literal credential in a word of a script.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Found {
    /// Index into [`Script::words`].
    pub word: usize,
    /// The secret's bytes in the word's value.
    pub range: Range<usize>,
    pub kind: K,
    pub role: R,
    pub tool: Option<String>,
    pub host: Option<String>,
    pub name: Option<String>,
}

impl Found {
    /// The variable the value moves to.
    pub fn env_name(&self) -> String {
        env_name(&Context {
            kind: self.kind,
            role: self.role,
            tool: self.tool.as_deref(),
            host: self.host.as_deref(),
            name: self.name.as_deref(),
        })
    }

    fn priority(&self) -> u8 {
        match self.kind {
            k if k.is_token_format() => 3,
            K::SecretAssignment => 1,
            _ => 2,
        }
    }
}

/// What a detector knows about a credential besides its place.
#[derive(Default, Clone, Copy)]
pub struct Ctx<'a> {
    pub tool: Option<&'a str>,
    pub host: Option<&'a str>,
    pub name: Option<&'a str>,
}

/// Collects what the detectors find in one script.
pub struct Finder<'s, 'a> {
    pub script: &'s Script<'a>,
    /// What the settings say is and is not a secret.
    policy: &'s Policy,
    out: Vec<Found>,
}

impl<'s, 'a> Finder<'s, 'a> {
    /// The value of word `w`.
    pub fn value(&self, w: usize) -> &'s str {
        &self.script.words[w].value
    }

    /// Whether a variable, option or key name holds a secret (under the
    /// run's policy). A computed name (`$KEY`, `` `cmd` ``) names nothing
    /// known.
    pub fn is_secret_name(&self, name: &str) -> bool {
        !name.contains(['$', '`']) && self.policy.is_secret_name(name)
    }

    /// Adds value bytes `r` of word `w`, unless they are an expansion or not
    /// a credential by [`judge`] (under the run's policy).
    pub fn add(&mut self, w: usize, r: Range<usize>, kind: K, role: R, ctx: Ctx<'_>) -> bool {
        let word = &self.script.words[w];
        let r = unquote_data(word, r);
        if r.is_empty()
            || word.dynamic(r.clone())
            || !self.policy.is_secret_value(&word.value[r.clone()])
        {
            return false;
        }
        self.out.push(Found {
            word: w,
            range: r,
            kind,
            role,
            tool: ctx.tool.map(str::to_owned),
            host: ctx.host.map(str::to_owned),
            name: ctx.name.map(str::to_owned),
        });
        true
    }

    /// The value of `w` from byte `from` on.
    pub fn add_rest(&mut self, w: usize, from: usize, kind: K, role: R, ctx: Ctx<'_>) -> bool {
        let len = self.value(w).len();
        self.add(w, from.min(len)..len, kind, role, ctx)
    }

    /// `user:password` in the value of `w` from `from`: the password.
    pub fn user_pass(&mut self, w: usize, from: usize, kind: K, ctx: Ctx<'_>) {
        let v = &self.value(w)[from.min(self.value(w).len())..];
        if let Some(c) = colon(v) {
            self.add_rest(w, from + c + 1, kind, R::Password, ctx);
        }
    }
}

/// In a heredoc body, quotes around a value belong to the file: drop them.
fn unquote_data(w: &crate::shell::Word, r: Range<usize>) -> Range<usize> {
    let s = &w.value.as_bytes()[r.clone()];
    if w.is_heredoc() && s.len() >= 2 && (s[0] == b'"' || s[0] == b'\'') && s[s.len() - 1] == s[0] {
        r.start + 1..r.end - 1
    } else {
        r
    }
}

/// Credentials in a script: every command's words, redirection targets and
/// inline heredoc bodies, then the command's tool. Sorted by word and
/// position, never overlapping within a word.
pub fn in_script(script: &Script<'_>) -> Vec<Found> {
    in_script_with(script, &DEFAULT)
}

/// [`in_script`] under a policy.
pub fn in_script_with(script: &Script<'_>, policy: &Policy) -> Vec<Found> {
    let mut f = Finder {
        script,
        policy,
        out: Vec::new(),
    };
    let text_host = script.words.iter().find_map(|w| first_url_host(&w.value));
    for cmd in script.commands.iter().filter(|c| !c.group) {
        let cmd_host = cmd.words.iter().find_map(|&w| first_url_host(f.value(w)));
        let host = cmd_host.as_deref().or(text_host.as_deref());
        for w in command_words(script, cmd) {
            word(&mut f, w, host);
        }
        crate::tools::detect(&mut f, cmd, text_host.as_deref());
    }
    settle(f.out)
}

/// Credentials in data (a heredoc body written to a file, lexed with
/// [`Script::data`]).
pub fn in_data(script: &Script<'_>, host: Option<&str>) -> Vec<Found> {
    in_data_with(script, host, &DEFAULT)
}

/// [`in_data`] under a policy.
pub fn in_data_with(script: &Script<'_>, host: Option<&str>, policy: &Policy) -> Vec<Found> {
    let mut f = Finder {
        script,
        policy,
        out: Vec::new(),
    };
    for w in 0..script.words.len() {
        word(&mut f, w, host);
    }
    settle(f.out)
}

/// The words a command's detectors read: its words, redirection targets and
/// inline heredoc bodies.
pub(crate) fn command_words(script: &Script<'_>, cmd: &Command) -> Vec<usize> {
    cmd.words
        .iter()
        .copied()
        .chain(cmd.redirects.iter().filter_map(|r| r.target))
        .chain(cmd.heredocs.iter().filter_map(|&h| script.heredocs[h].body))
        .collect()
}

/// Overlaps resolved: for the same range, the most specific kind wins and
/// takes the others' context; otherwise the longer match wins.
fn settle(mut found: Vec<Found>) -> Vec<Found> {
    if found.len() < 2 {
        return found;
    }
    found.sort_by(|a, b| {
        (
            a.word,
            a.range.start,
            a.range.end,
            std::cmp::Reverse(a.priority()),
        )
            .cmp(&(
                b.word,
                b.range.start,
                b.range.end,
                std::cmp::Reverse(b.priority()),
            ))
    });
    let mut merged: Vec<Found> = Vec::with_capacity(found.len());
    for m in found {
        match merged.last_mut() {
            Some(last) if last.word == m.word && last.range == m.range => {
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
    // Within each word (the merged list is sorted by word), the longer match
    // wins an overlap.
    let mut keep = vec![false; merged.len()];
    let mut start = 0;
    while start < merged.len() {
        let word = merged[start].word;
        let end = start
            + merged[start..]
                .iter()
                .take_while(|m| m.word == word)
                .count();
        let mut order: Vec<usize> = (start..end).collect();
        order.sort_by_key(|&i| {
            let m = &merged[i];
            (
                std::cmp::Reverse(m.range.len()),
                std::cmp::Reverse(m.priority()),
                m.range.start,
            )
        });
        // Kept ranges by start: an overlap is with the one before or after.
        let mut kept: std::collections::BTreeMap<usize, usize> = Default::default();
        for i in order {
            let r = &merged[i].range;
            let before = kept
                .range(..=r.start)
                .next_back()
                .is_some_and(|(_, &e)| e > r.start);
            let after = kept
                .range(r.start..)
                .next()
                .is_some_and(|(&s, _)| s < r.end);
            if !before && !after {
                kept.insert(r.start, r.end);
                keep[i] = true;
            }
        }
        start = end;
    }
    merged
        .into_iter()
        .zip(keep)
        .filter_map(|(m, k)| k.then_some(m))
        .collect()
}

/// Literal credentials in a plain text, read as a script: byte ranges in
/// the text, for callers (and tests) that hold text. A value that spans
/// two quotings cannot be spliced and is left out here.
pub fn find_credentials(text: &str) -> Vec<CredentialMatch> {
    find_credentials_with(text, &DEFAULT)
}

/// [`find_credentials`] under a policy.
pub fn find_credentials_with(text: &str, policy: &Policy) -> Vec<CredentialMatch> {
    let script = Script::whole(text);
    let mut out: Vec<CredentialMatch> = in_script_with(&script, policy)
        .into_iter()
        .filter_map(|m| {
            let (range, _) = script.words[m.word].source(m.range.clone())?;
            Some(CredentialMatch {
                range,
                kind: m.kind,
                tool: m.tool,
                host: m.host,
                name: m.name,
                role: m.role,
            })
        })
        .collect();
    out.sort_by_key(|m| m.range.start);
    out
}

/// An HTTP header that carries a credential, up to where its value starts.
/// Case-sensitive: match it against ASCII-lowercased text.
static HEADER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::builder()
        .configure(Regex::config().auto_prefilter(false))
        .build(concat!(
            r"(?-u)(?:^|[\s\x22'=])(?:(?:proxy-)?authorization\s*:\s*(?:(?:bearer|basic|token|bot|sso-key)\s+)?",
            r"|(?:private-token|job-token|deploy-token|x-api-key|x-apikey|x-auth-token|x-api-token|api-key",
            r"|apikey|x-vault-token|x-jfrog-art-api|x-access-token|x-gitlab-token|x-github-token",
            r"|circle-token|x-auth-key)\s*:\s*)",
        ))
        .expect("valid header regex")
});

/// Every header [`HEADER`] knows has one of these in its name.
pub(crate) const HEADER_STEMS: &[&str] = &["auth", "token", "key", "jfrog"];

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

fn is_token_char(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_'
}

/// The detectors that need no command; `host` is the command's (or the
/// script's) first URL host, for headers.
fn word(f: &mut Finder<'_, '_>, w: usize, host: Option<&str>) {
    let v = f.value(w);
    for (range, format) in tokens::find(v) {
        let role = tokens::FORMATS[format].role;
        f.add(w, range, K::Token(format), role, Ctx::default());
    }
    if has(v, "://") {
        urls(f, w);
    }
    if v.contains(':') && contains_any_ignore_case(v, HEADER_STEMS) {
        // ASCII lowercasing keeps every byte offset.
        let lower = v.to_ascii_lowercase();
        if HEADER.is_match(&lower) {
            headers(f, w, &lower, host);
        }
    }
    if has(v, "password") && (has(v, "machine") || has(v, "default")) {
        netrc(f, w);
    }
    if has(v, "_auth") || has(v, "_password") || has(v, "npmAuth") {
        npmrc(f, w);
    }
    if has(v, "<password>") || has(v, "<passphrase>") || has(v, "ClearTextPassword") {
        xml_settings(f, w);
    }
    if v.contains('=') {
        assignments(f, w);
    }
}

fn urls(f: &mut Finder<'_, '_>, w: usize) {
    let v = f.value(w);
    for p in positions(v, "://") {
        let Some(url) = parse_url(v, p) else { continue };
        let ctx = Ctx {
            host: Some(url.host.as_str()),
            ..Ctx::default()
        };
        if let Some(info) = url.userinfo {
            let s = &v[info.clone()];
            match colon(s) {
                Some(c) if &s[c + 1..] == "x-oauth-basic" => {
                    f.add(w, info.start..info.start + c, K::UrlToken, R::Token, ctx);
                }
                Some(c) => {
                    let user = s[..c].to_ascii_lowercase();
                    let role = if TOKEN_USERS.contains(&user.as_str()) {
                        R::Token
                    } else {
                        R::Password
                    };
                    f.add(w, info.start + c + 1..info.end, K::UrlPassword, role, ctx);
                }
                None if looks_like_token(s) => {
                    f.add(w, info, K::UrlToken, R::Token, ctx);
                }
                None => {}
            }
        }
        if let Some(q) = url.query {
            let mut at = q.start;
            for param in v[q.clone()].split('&') {
                if let Some((name, _)) = param.split_once('=') {
                    if f.is_secret_name(name) {
                        let ctx = Ctx {
                            name: Some(name),
                            ..ctx
                        };
                        let r = at + name.len() + 1..at + param.len();
                        let r = r.start..r.start + v[r.clone()].find('#').unwrap_or(r.len());
                        f.add(w, r, K::UrlQuery, R::Token, ctx);
                    }
                }
                at += param.len() + 1;
            }
        }
    }
}

/// `lower` is the word's value, ASCII-lowercased.
fn headers(f: &mut Finder<'_, '_>, w: usize, lower: &str, host: Option<&str>) {
    let v = f.value(w);
    let ends: Vec<usize> = HEADER.find_iter(lower).map(|m| m.end()).collect();
    for start in ends {
        let end = start + v[start..].find(['"', '\'']).unwrap_or(v.len() - start);
        let end = value_end(&v[..end], start);
        let ctx = Ctx {
            host,
            ..Ctx::default()
        };
        f.add(w, start..end, K::AuthHeader, R::Token, ctx);
    }
}

/// Whitespace-separated tokens of a value (with `\n` escapes as spaces).
fn tokens_of(v: &str) -> Vec<Range<usize>> {
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

fn netrc(f: &mut Finder<'_, '_>, w: usize) {
    let v = f.value(w);
    let toks = tokens_of(v);
    // `default` entries need a `login` before the password, so that prose
    // such as "the default password is x" is not a netrc line.
    let mut machine: Option<&str> = None;
    let mut login = false;
    let mut i = 0;
    while i < toks.len() {
        let next = toks.get(i + 1).cloned();
        let mut step = 2;
        match &v[toks[i].clone()] {
            "machine" => (machine, login) = (next.map(|r| &v[r]), false),
            "default" => (machine, login, step) = (Some("default"), false, 1),
            "login" => login = true,
            "password" if machine.is_some_and(|m| m != "default" || login) => {
                if let Some(r) = next {
                    let ctx = Ctx {
                        tool: Some("netrc"),
                        host: machine.filter(|m| *m != "default"),
                        name: Some("password"),
                    };
                    f.add(w, r, K::Netrc, R::Password, ctx);
                }
            }
            "account" | "macdef" => {}
            _ => step = 1,
        }
        i += step;
    }
}

/// Build tools' XML settings: Maven's `settings.xml` (`<password>P</password>`,
/// `<passphrase>`) and NuGet's `<add key="ClearTextPassword" value="P" />`.
fn xml_settings(f: &mut Finder<'_, '_>, w: usize) {
    let v = f.value(w);
    let mut found: Vec<(Range<usize>, &str)> = Vec::new();
    for (open, close) in [
        ("<password>", "</password>"),
        ("<passphrase>", "</passphrase>"),
    ] {
        for p in positions(v, open) {
            let start = p + open.len();
            let Some(len) = v[start..].find(close) else {
                continue;
            };
            // Text alone: no markup, no line break inside.
            if !v[start..start + len].contains(['<', '\n']) {
                found.push((start..start + len, "maven"));
            }
        }
    }
    for p in positions(v, "ClearTextPassword") {
        // The same element: `value="..."` before its end.
        let tag_end = v[p..].find('>').map_or(v.len(), |e| p + e);
        let Some(at) = v[p..tag_end].find("value=") else {
            continue;
        };
        let q = p + at + "value=".len();
        let Some(&quote @ (b'"' | b'\'')) = v.as_bytes().get(q) else {
            continue;
        };
        let Some(len) = memchr::memchr(quote, &v.as_bytes()[q + 1..tag_end]) else {
            continue;
        };
        found.push((q + 1..q + 1 + len, "nuget"));
    }
    for (range, tool) in found {
        let ctx = Ctx {
            tool: Some(tool),
            name: Some("password"),
            ..Ctx::default()
        };
        f.add(w, range, K::PackageConfig, R::Password, ctx);
    }
}

fn npmrc(f: &mut Finder<'_, '_>, w: usize) {
    let v = f.value(w);
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
            let ctx = Ctx {
                tool: Some(if yarn { "yarn" } else { "npm" }),
                host,
                name: Some(key),
            };
            f.add(w, j..value_end(v, j), K::NpmAuth, role, ctx);
        }
    }
}

fn assignments(f: &mut Finder<'_, '_>, w: usize) {
    let v = f.value(w);
    let b = v.as_bytes();
    let whole = f.script.words[w].assignment_name_len();
    for e in memchr::memchr_iter(b'=', b) {
        let s = e - b[..e]
            .iter()
            .rev()
            .take_while(|&&c| is_token_char(c))
            .count();
        if s == e || !(s == 0 || b[s - 1].is_ascii_whitespace() || b[s - 1] == b';') {
            continue;
        }
        let name = &v[s..e];
        if !crate::shell::is_name(name) || !f.is_secret_name(name) {
            continue;
        }
        let (start, end) = if whole == Some(e) {
            (e + 1, v.len())
        } else if let Some(&q @ (b'\'' | b'"')) = b.get(e + 1) {
            // Shell text inside a data word (`sh -c "X='a b'"`): the value
            // is what the quotes hold, unless it holds quoting itself.
            let Some(len) = memchr::memchr(q, &b[e + 2..]) else {
                continue;
            };
            let inner = &b[e + 2..e + 2 + len];
            let special: &[u8] = if q == b'"' { b"\"'\\$`" } else { b"'" };
            if inner.iter().any(|c| special.contains(c)) {
                continue;
            }
            (e + 2, e + 2 + len)
        } else {
            (e + 1, value_end(v, e + 1))
        };
        if f.policy.judge_named(name, &v[start..end]) != super::Verdict::Secret {
            // `SECRET_KEY=test_SECRET_KEY`: the name, standing in.
            continue;
        }
        let ctx = Ctx {
            tool: Some("shell"),
            name: Some(name),
            ..Ctx::default()
        };
        f.add(w, start..end, K::SecretAssignment, R::Password, ctx);
    }
}
