//! Reading URLs and values inside word values: user-info, host, query; where
//! a value ends.

use std::ops::Range;

pub(crate) struct Url {
    /// `user:pass` or `token`, value offsets.
    pub userinfo: Option<Range<usize>>,
    pub host: String,
    /// Query string (after `?`), value offsets.
    pub query: Option<Range<usize>>,
}

fn is_token_char(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_'
}

/// Where `needle` starts in `hay` (all places; the needles here cannot
/// overlap themselves). Cheaper than a searcher for short words.
pub(crate) fn positions<'a>(hay: &'a str, needle: &'a str) -> impl Iterator<Item = usize> + 'a {
    let (h, n) = (hay.as_bytes(), needle.as_bytes());
    let first = n.first().copied().unwrap_or(0);
    memchr::memchr_iter(first, h).filter(move |&i| h[i..].starts_with(n))
}

pub(crate) fn has(hay: &str, needle: &str) -> bool {
    positions(hay, needle).next().is_some()
}

/// A value ends at whitespace, or at a `\n`/`\t`/`\r` escape as written for
/// `printf`/`echo -e`.
pub(crate) fn value_end(v: &str, from: usize) -> usize {
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

/// Position of the first `:` not inside `${…}`.
pub(crate) fn colon(v: &str) -> Option<usize> {
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
            .take_while(|c| c.is_ascii_alphanumeric() || b"-._".contains(c) || **c >= 0x80)
            .count(),
    };
    let valid = match b.first() {
        Some(b'[') => true,
        Some(b'$') => n > 1,
        Some(c) => c.is_ascii_alphanumeric() || *c == b'_' || *c >= 0x80,
        None => false,
    };
    if n == 0 || !valid || !s.is_char_boundary(n) {
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
pub(crate) fn parse_url(v: &str, p: usize) -> Option<Url> {
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
    let query_from = start + region_len.min(url_end - start);
    let query = v[query_from..url_end]
        .find('?')
        .map(|q| query_from + q + 1..url_end);
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

/// The host of the first URL in `v`.
pub(crate) fn first_url_host(v: &str) -> Option<String> {
    positions(v, "://")
        .find_map(|p| parse_url(v, p))
        .map(|u| u.host)
}

/// A URL with user-info somewhere in `lower` (lower-cased text): the
/// prefilter's test for the URL detectors.
pub(crate) fn has_userinfo_url(lower: &str) -> bool {
    let b = lower.as_bytes();
    positions(lower, "://").any(|p| {
        b[p + 3..]
            .iter()
            // Quotes may sit inside the user-info (`ci:a\"b@`): only a
            // slash or a blank ends it here.
            .take_while(|c| **c != b'/' && !c.is_ascii_whitespace())
            .any(|&c| c == b'@')
    })
}

/// Names of the variables in the user-info part of a URL
/// (`https://${USER}:${PASS}@host`): whatever they hold is a credential.
pub fn userinfo_variables(text: &str) -> std::collections::BTreeSet<String> {
    let bytes = text.as_bytes();
    let mut names = std::collections::BTreeSet::new();
    for at in positions(text, "://") {
        let start = at + 3;
        if at == 0 || !bytes[at - 1].is_ascii_alphanumeric() {
            continue;
        }
        let end = bytes[start..]
            .iter()
            .position(|&b| matches!(b, b'/' | b'@' | b'\'' | b'"') || b.is_ascii_whitespace())
            .map_or(bytes.len(), |p| start + p);
        if bytes.get(end) != Some(&b'@') {
            continue;
        }
        // `user:password`: the password holds the credential, unless it is
        // the fixed `x-oauth-basic` (or empty) and the token is the user.
        let info = &text[start..end];
        let mut rest = match colon(info) {
            Some(c) if !matches!(&info[c + 1..], "" | "x-oauth-basic") => &info[c + 1..],
            _ => info,
        };
        while let Some(d) = rest.find('$') {
            let after = rest[d + 1..].strip_prefix('{').unwrap_or(&rest[d + 1..]);
            let len = after
                .bytes()
                .take_while(|b| b.is_ascii_alphanumeric() || *b == b'_')
                .count();
            if len > 0 && !after.as_bytes()[0].is_ascii_digit() {
                names.insert(after[..len].to_owned());
            }
            rest = &rest[d + 1..];
        }
    }
    names
}

/// Whether `text` names variable `name` as `$name` or `${name...}`.
pub fn references(text: &str, name: &str) -> bool {
    let mut rest = text;
    while let Some(i) = rest.find('$') {
        let after = &rest[i + 1..];
        let candidate = after.strip_prefix('{').unwrap_or(after);
        if let Some(tail) = candidate.strip_prefix(name) {
            if !tail.starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_') {
                return true;
            }
        }
        rest = after;
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variables_in_url_userinfo() {
        let got = userinfo_variables(
            "pip install -i https://${PYPI_USER}:$PYPI_PASS@${PYPI_URL}/simple x",
        );
        // The user name is not the credential.
        assert_eq!(got.into_iter().collect::<Vec<_>>(), ["PYPI_PASS"]);
        let token_as_user =
            userinfo_variables("git config url.https://${GITHUB_TOKEN}:@github.com");
        assert_eq!(
            token_as_user.into_iter().collect::<Vec<_>>(),
            ["GITHUB_TOKEN"]
        );
        let oauth = userinfo_variables("https://$GH_TOKEN:x-oauth-basic@github.com/o/r");
        assert_eq!(oauth.into_iter().collect::<Vec<_>>(), ["GH_TOKEN"]);
        assert!(userinfo_variables("git clone git@github.com:$ORG/x").is_empty());
        assert!(userinfo_variables("curl https://h.example.com/$X@y").is_empty());
        let quoted = userinfo_variables(
            "pip install 'git+https://${GIT_LOGIN}:${GIT_PASSWORD}@github.com/o/r'",
        );
        assert_eq!(quoted.into_iter().collect::<Vec<_>>(), ["GIT_PASSWORD"]);
    }

    #[test]
    fn finds_variable_references() {
        assert!(references("https://${U}:${PASS}@h", "PASS"));
        assert!(references("$PASS", "PASS"));
        assert!(!references("$PASSWORD", "PASS"));
        assert!(references("${PASS:-x}", "PASS"));
    }

    #[test]
    fn userinfo_shapes() {
        assert!(has_userinfo_url("curl https://u:p@h/x"));
        assert!(!has_userinfo_url("curl https://h/x@y"));
        let url = parse_url("https://u:p@bücher.example/x", 5).unwrap();
        assert_eq!(url.host, "bücher.example");
        let url = parse_url("https://u:p@_svc.example.com/x", 5).unwrap();
        assert_eq!(url.host, "_svc.example.com");
    }
}
