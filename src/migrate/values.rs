//! Judging values: which literals are credentials, placeholders or
//! fingerprints, and which variables a text references.

use super::*;

/// Names of the variables that appear in the user-info part of a URL
/// (`https://${USER}:${PASS}@host`): whatever they hold is a credential.
pub(super) fn userinfo_variables(text: &str) -> BTreeSet<String> {
    // A hand scan rather than a regex: this runs on every file, and building
    // a regex costs more than a short file takes to check.
    let bytes = text.as_bytes();
    let mut names = BTreeSet::new();
    static SCHEME_END: std::sync::LazyLock<memchr::memmem::Finder<'static>> =
        std::sync::LazyLock::new(|| memchr::memmem::Finder::new("://"));
    for at in SCHEME_END.find_iter(bytes) {
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
        let userinfo = &text[start..end];
        let mut rest = userinfo;
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
pub(super) fn references(text: &str, name: &str) -> bool {
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

/// The credentials in `text` whose value is really a literal: a match that
/// reads like a variable reference (`'$TOKEN'` written to a config file for a
/// tool to expand) is not a secret value.
pub(super) fn literal_credentials(text: &str) -> Vec<secrets::CredentialMatch> {
    let mut found = secrets::find_credentials(text);
    found.retain(|m| {
        let value = text[m.range.clone()].trim_matches(['"', '\'']);
        // `changeit` is the JDK trust store's published default password.
        !value.starts_with('$') && value.len() >= 4 && value != "changeit" && !is_placeholder(value)
    });
    found
}

/// Credentials in data (a heredoc written to a file): the detectors read
/// commands, so each line is also read as the quoted argument of `echo`
/// (`machine host login u password p`, `//host/:_authToken=...`).
pub(super) fn data_credentials(body: &str) -> Vec<secrets::CredentialMatch> {
    let found = literal_credentials(body);
    if !found.is_empty() {
        return found;
    }
    const PROBE: &str = "echo '";
    let mut out = Vec::new();
    let mut at = 0;
    for line in body.split_inclusive('\n') {
        let text = line.trim_end_matches(['\n', '\r']);
        if !text.is_empty() && !text.contains('\'') {
            for mut m in literal_credentials(&format!("{PROBE}{text}'")) {
                if m.range.start >= PROBE.len() {
                    m.range = m.range.start - PROBE.len() + at..m.range.end - PROBE.len() + at;
                    out.push(m);
                }
            }
        }
        at += line.len();
    }
    out
}

/// Values that stand for a secret without being one: `XXXXXX`, `**setme**`,
/// `00000000-0000-...`, `NULL`, `REPLACE_ME`-style capitals, booleans, and
/// paths (`GOOGLE_APPLICATION_CREDENTIALS=/run/key.json`, `HTPASSWD=data/.htpasswd`).
pub(super) fn is_placeholder(value: &str) -> bool {
    let v = value.trim_matches(['"', '\'', '*', '<', '>', '{', '}']);
    let lower = v.to_ascii_lowercase();
    // At most one distinct letter or digit (`xxxx`, `****`, `0000`).
    let mut alnum = v.bytes().filter(u8::is_ascii_alphanumeric);
    let one_kind = alnum.next().is_none_or(|first| alnum.all(|b| b == first));
    // `REPLACE_ME`, `PRIV_REPO_PASSWORD`: a name standing in for a value
    // (an AWS key id is capitals too, but has no underscore).
    let capitals = v.len() >= 6
        && v.contains('_')
        && v.bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_')
        && v.bytes().any(|b| b.is_ascii_uppercase());
    let path = !v.contains("://")
        && !v.contains([':', '@', ' '])
        && (v.starts_with(['/', '~']) || v.starts_with("./") || v.contains('/'));
    v.is_empty()
        || one_kind
        || capitals
        || path
        || matches!(
            lower.as_str(),
            "null"
                | "none"
                | "nil"
                | "true"
                | "false"
                | "yes"
                | "no"
                | "on"
                | "off"
                | "setme"
                | "todo"
                | "tbd"
                | "ignored"
                | "unset"
                | "redacted"
                | "your-token"
                | "your_token"
                | "yourtoken"
        )
        || lower.contains("not-a-secret")
        || lower.contains("notasecret")
        || lower.contains("not-so-secret")
        || lower.contains("not_a_secret")
}

/// A value that is a key fingerprint or a checksum (hex digits, optionally
/// grouped or `0x`-prefixed): public, whatever the variable is called
/// (`SWIFT_SIGNING_KEY=A62AE125...`, `GPG_KEYS="B42F 6819 ..."`).
pub(super) fn is_fingerprint(value: &str) -> bool {
    let hex: String = value
        .split([' ', ','])
        .map(|w| w.trim_start_matches("0x"))
        .collect();
    (16..=256).contains(&hex.len())
        && hex.bytes().all(|b| b.is_ascii_hexdigit())
        && hex.len().is_multiple_of(8)
}

/// The value of an ARG/ENV word with one level of quotes removed.
pub(super) fn unquote(value: &str) -> String {
    let v = value.trim();
    for q in ['"', '\''] {
        if v.len() >= 2 && v.starts_with(q) && v.ends_with(q) {
            return v[1..v.len() - 1].to_owned();
        }
    }
    v.to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_not_secrets() {
        for v in [
            "XXXXXX",
            "**setme**",
            "00000000-0000-0000-0000-000000000000",
            "NULL",
            "PRIV_REPO_PASSWORD",
            "true",
            "/run/secrets/key.json",
            "data/.htpasswd",
            "this-is-not-a-secret",
            "<your-token>",
        ] {
            assert!(is_placeholder(v), "{v}");
        }
        for v in [
            "hunter2",
            "s3cr3t-Value-42",
            "p@ss w$rd!x",
            "admin",
            "ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789",
            "a/b:c@d",
        ] {
            assert!(!is_placeholder(v), "{v}");
        }
    }

    #[test]
    fn fingerprints_are_public() {
        assert!(is_fingerprint("A62AE125BBBFBB96A6E042EC925CC1CCED3D1561"));
        assert!(is_fingerprint("0xB42F6819007F00F88E364FD4036A9C25BF357DD4"));
        assert!(is_fingerprint(
            "B42F 6819 007F 00F8 8E36 4FD4 036A 9C25 BF35 7DD4"
        ));
        assert!(!is_fingerprint("s3cr3t-Value-42"));
        assert!(!is_fingerprint("deadbeef"));
        assert!(!is_fingerprint("ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789"));
    }

    #[test]
    fn variables_in_url_userinfo() {
        let got = userinfo_variables(
            "pip install -i https://${PYPI_USER}:$PYPI_PASS@${PYPI_URL}/simple x",
        );
        assert_eq!(
            got.into_iter().collect::<Vec<_>>(),
            ["PYPI_PASS", "PYPI_USER"]
        );
        assert!(userinfo_variables("git clone git@github.com:$ORG/x").is_empty());
        assert!(userinfo_variables("curl https://h.example.com/$X@y").is_empty());
        let quoted = userinfo_variables(
            "pip install 'git+https://${GIT_LOGIN}:${GIT_PASSWORD}@github.com/o/r'",
        );
        assert_eq!(
            quoted.into_iter().collect::<Vec<_>>(),
            ["GIT_LOGIN", "GIT_PASSWORD"]
        );
    }

    #[test]
    fn finds_variable_references() {
        assert!(references("https://${U}:${PASS}@h", "PASS"));
        assert!(references("$PASS", "PASS"));
        assert!(!references("$PASSWORD", "PASS"));
        assert!(references("${PASS:-x}", "PASS"));
    }
}
