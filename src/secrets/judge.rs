//! The one judgement of a value that stands where a secret would: is it a
//! secret, or something that only looks like one? Every detector and rule
//! asks here; what each does with the answer depends on where the value is
//! (an `ARG` with a stand-in default is still a secret build argument, say).

/// What a value is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Treat it as a real credential.
    Secret,
    /// A stand-in for a value someone fills in: `<token>`, `xxx`, `changeme`,
    /// `YOUR_TOKEN`, `REPLACE_ME`, `dummy`, `${VAR}` written as text.
    Placeholder,
    /// A value made up so one build step runs (`SECRET_KEY=build
    /// ./manage.py collectstatic`, `snakeoil`): not a credential of anyone's.
    Throwaway,
    /// A shell or template reference (`$TOKEN`, `${TOKEN}`, `%TOKEN%`).
    Reference,
    /// A file path: a key file, not a key.
    Path,
    /// `true`, `0`, `yes`...
    Boolean,
}

/// Words that mean "fill me in".
const PLACEHOLDER_WORDS: &[&str] = &[
    "null",
    "none",
    "nil",
    "undefined",
    "setme",
    "todo",
    "tbd",
    "ignored",
    "unset",
    "redacted",
    "placeholder",
    "unused",
    "example",
    "sample",
    "replace_me",
    "replaceme",
    "replace-me",
    "changeme",
    "change_me",
    "change-me",
    "change-this",
    "changethis",
    "your-token",
    "your_token",
    "yourtoken",
    "secret_here",
    "password_here",
    "token_here",
    // The JDK trust store's published default password.
    "changeit",
    // Fixed user names of token authentication: the token goes elsewhere.
    "__token__",
    "x-access-token",
    "oauth2accesstoken",
    "gitlab-ci-token",
    "x-token-auth",
    "x-oauth-basic",
    // Metasyntactic words.
    "foo",
    "bar",
    "baz",
    "qux",
    "foobar",
];

/// Pieces that mark a made-up value anywhere in it
/// (`changeme-set-in-compose`, `changeme_in_production`).
const PLACEHOLDER_PARTS: &[&str] = &[
    "xxxx",
    "changeme",
    "change_me",
    "change-me",
    "changethis",
    "change-this",
    "change_this",
    "replaceme",
    "replace_me",
    "replace-me",
    "placeholder",
    "fillme",
    "fill_me",
    "fill-me",
    "not-a-secret",
    "notasecret",
    "not_a_secret",
    "not-so-secret",
    "not-real",
    "notreal",
    "not_real",
];

/// Values (or words in them) made up for one build step.
const THROWAWAY_WORDS: &[&str] = &[
    "build",
    "building",
    "buildtime",
    "snakeoil",
    "collectstatic",
    "insecure",
    "dummy",
    "fake",
    "docker-build",
    "build-only",
    "buildonly",
    "for-build",
    "not-used",
    "notused",
];

const BOOLEANS: &[&str] = &[
    "true", "false", "yes", "no", "on", "off", "0", "1", "y", "n", "enabled", "disabled",
];

/// Judges `value` as written (one level of surrounding quotes is ignored).
pub fn judge(value: &str) -> Verdict {
    let v = value.trim().trim_matches(['"', '\'']);
    if is_reference(v) {
        return Verdict::Reference;
    }
    let lower = v.to_ascii_lowercase();
    if BOOLEANS.contains(&lower.as_str()) {
        return Verdict::Boolean;
    }
    if is_path(v) {
        return Verdict::Path;
    }
    if is_placeholder(v, &lower) {
        return Verdict::Placeholder;
    }
    if is_throwaway(&lower) {
        return Verdict::Throwaway;
    }
    Verdict::Secret
}

/// [`judge`] for the value of a variable or option `name`: a value that
/// only repeats the name, or its secret word, stands in for the real one
/// (`SECRET_KEY=test_SECRET_KEY`, `GIT_PASSWORD=password`,
/// `API_TOKEN=token`).
pub fn judge_named(name: &str, value: &str) -> Verdict {
    let verdict = judge(value);
    if verdict == Verdict::Secret && repeats_name(name, value) {
        Verdict::Placeholder
    } else {
        verdict
    }
}

/// Words a secret name ends with that a value may only repeat.
const SECRET_WORDS: &[&str] = &[
    "password",
    "passwd",
    "pass",
    "pwd",
    "secret",
    "token",
    "key",
    "apikey",
    "passphrase",
];

fn repeats_name(name: &str, value: &str) -> bool {
    let v = value
        .trim()
        .trim_matches(['"', '\''])
        .to_ascii_lowercase()
        .replace('-', "_");
    let words = super::names::words(name);
    let joined = words.join("_");
    // A name of several words inside the value (`test_SECRET_KEY`); a
    // one-word name only as the whole value (`password netrc-password` is
    // a password).
    (words.len() > 1 && v.contains(&joined))
        || v == words.concat()
        || words
            .iter()
            .any(|w| *w == v && SECRET_WORDS.contains(&w.as_str()))
}

/// Shorthand: the value is a credential.
pub fn is_secret_value(value: &str) -> bool {
    judge(value) == Verdict::Secret
}

fn is_reference(v: &str) -> bool {
    let b = v.as_bytes();
    b.first() == Some(&b'$')
        || (v.starts_with('%') && v.ends_with('%') && v.len() > 2)
        || v.starts_with("{{")
}

fn is_placeholder(v: &str, lower: &str) -> bool {
    let inner = v.trim_matches(['*', '<', '>', '{', '}', '[', ']', '_', '-', '.', ' ']);
    let inner_lower = inner.to_ascii_lowercase();
    // At most one distinct letter or digit: `xxxx`, `****`, `0000`.
    let mut alnum = v.bytes().filter(u8::is_ascii_alphanumeric);
    let one_kind = alnum.next().is_none_or(|first| alnum.all(|b| b == first));
    // `REPLACE_ME`, `PRIV_REPO_PASSWORD`: a name standing in for a value
    // (an AWS key id is capitals too, but has no underscore).
    let capitals = inner.len() >= 6
        && inner.contains('_')
        && inner
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_')
        && inner.bytes().any(|b| b.is_ascii_uppercase());
    v.is_empty()
        || one_kind
        || capitals
        || (v.starts_with('<') && v.ends_with('>'))
        || (v.starts_with('[') && v.ends_with(']'))
        || (v.starts_with('%') && v.len() <= 3)
        || v.bytes().all(|c| b"xX*.-_#".contains(&c))
        || PLACEHOLDER_WORDS.contains(&lower)
        || PLACEHOLDER_WORDS.contains(&inner_lower.as_str())
        || PLACEHOLDER_PARTS.iter().any(|p| lower.contains(p))
        || is_your_value(lower)
}

/// `your-token`, `YOUR_PASSWORD`, `yourapikey`: not `yourls`.
fn is_your_value(lower: &str) -> bool {
    let Some(rest) = lower.strip_prefix("your") else {
        return false;
    };
    let rest = rest.trim_start_matches(['-', '_', '.']);
    [
        "pass", "pwd", "token", "key", "secret", "api", "user", "name", "own", "access", "auth",
        "cred", "value", "here",
    ]
    .iter()
    .any(|w| rest.starts_with(w))
}

fn is_throwaway(lower: &str) -> bool {
    THROWAWAY_WORDS.contains(&lower)
        || lower
            .split(|c: char| !c.is_ascii_alphanumeric())
            .any(|w| matches!(w, "snakeoil" | "insecure" | "dummy" | "fake" | "throwaway"))
}

/// A file path: `/run/key.json`, `~/.ssh/id_rsa`, `./x`, `data/.htpasswd`.
/// A base64 secret holds `/` too, so a relative path needs path-like parts
/// and a file name with a dot.
fn is_path(v: &str) -> bool {
    if v.contains(char::is_whitespace) || v.contains("://") || v.contains(['@', ':', '=']) {
        return false;
    }
    if ["/", "./", "../", "~/"].iter().any(|p| v.starts_with(p)) {
        return v.len() > 1;
    }
    let parts: Vec<&str> = v.split('/').collect();
    parts.len() >= 2
        && parts.iter().all(|p| {
            !p.is_empty()
                && p.bytes()
                    .all(|c| c.is_ascii_alphanumeric() || b"._-".contains(&c))
        })
        && parts.last().is_some_and(|last| last.contains('.'))
}

/// A key fingerprint or checksum (hex digits, optionally grouped or
/// `0x`-prefixed): public, whatever the variable is called
/// (`GPG_KEYS="B42F 6819 ..."`). Only declarations ask: a detector in a
/// command would miss hex API keys.
pub fn is_fingerprint(value: &str) -> bool {
    let hex: String = value
        .split([' ', ','])
        .map(|w| w.trim_start_matches("0x"))
        .collect();
    (16..=256).contains(&hex.len())
        && hex.bytes().all(|b| b.is_ascii_hexdigit())
        && hex.len().is_multiple_of(8)
}

#[cfg(test)]
mod tests {
    use super::Verdict::*;
    use super::*;

    #[test]
    fn one_table_for_every_caller() {
        let table = [
            ("dummy", Throwaway),
            ("changeme", Placeholder),
            ("CHANGEME", Placeholder),
            ("changeit", Placeholder),
            ("<token>", Placeholder),
            ("<your-token>", Placeholder),
            ("[token]", Placeholder),
            ("xxx", Placeholder),
            ("XXXXXX", Placeholder),
            ("****", Placeholder),
            ("**setme**", Placeholder),
            ("00000000-0000-0000-0000-000000000000", Placeholder),
            ("REPLACE_ME", Placeholder),
            ("PRIV_REPO_PASSWORD", Placeholder),
            ("YOUR_TOKEN", Placeholder),
            ("your-password", Placeholder),
            ("this-is-not-a-secret", Placeholder),
            ("NULL", Placeholder),
            ("redacted", Placeholder),
            ("abcxxxxdef", Placeholder),
            ("changeme-set-in-compose", Placeholder),
            ("changeme_in_production", Placeholder),
            ("__token__", Placeholder),
            ("x-access-token", Placeholder),
            ("yourapikey", Placeholder),
            ("foo", Placeholder),
            ("yourls", Secret),
            ("build", Throwaway),
            ("snakeoil", Throwaway),
            ("django-insecure-build-key", Throwaway),
            ("dummy-key-for-collectstatic", Throwaway),
            ("fake_secret_for_tests", Throwaway),
            ("${VAR}", Reference),
            ("$NPM_TOKEN", Reference),
            ("%NUGET_PAT%", Reference),
            ("{{ token }}", Reference),
            ("true", Boolean),
            ("0", Boolean),
            ("/run/secrets/key.json", Path),
            ("~/.ssh/id_rsa", Path),
            ("data/.htpasswd", Path),
            ("hunter2", Secret),
            ("s3cr3t-Value-42", Secret),
            ("p@ss w$rd!x", Secret),
            ("admin", Secret),
            ("password", Secret),
            ("secret", Secret),
            ("ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789", Secret),
            ("wJalrXUtnFEMI/K7MDENG/bPxRfiCYzz9Kq3Jdq", Secret),
            ("a/b:c@d", Secret),
            ("AKIALQSAJ08XUI6D39ZZ", Secret),
        ];
        for (value, want) in table {
            assert_eq!(judge(value), want, "{value}");
        }
    }

    #[test]
    fn a_value_that_repeats_its_name_stands_in() {
        let table = [
            ("SECRET_KEY", "test_SECRET_KEY", Placeholder),
            ("GIT_PASSWORD", "password", Placeholder),
            ("MYSQL_PASSWORD", "password", Placeholder),
            ("API_TOKEN", "token", Placeholder),
            ("SECRET_KEY", "secretkey", Placeholder),
            ("POSTGRES_PASSWORD", "postgres", Secret),
            ("DB_PASSWORD", "hunter2", Secret),
            ("password", "netrc-password", Secret),
            ("PASSWORD", "password", Placeholder),
            ("PAT", "pat", Placeholder),
        ];
        for (name, value, want) in table {
            assert_eq!(judge_named(name, value), want, "{name}={value}");
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
    }
}
