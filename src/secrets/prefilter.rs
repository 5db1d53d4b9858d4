//! The cheap test that keeps most RUN lines away from the lexer: a text can
//! hold a credential only if it contains a trigger of some detector, tool
//! or token format. Built from their declarations, so a new detector cannot
//! forget to register its trigger (a test holds every example to it).

use std::sync::LazyLock;

use aho_corasick::AhoCorasick;

use super::tokens;
use super::url::has_userinfo_url;
use crate::tools::{options, TOOLS};

/// Triggers of the detectors that need no command (URLs are tested by
/// shape: [`has_userinfo_url`]).
const WORD_TRIGGERS: &[&str] = &[
    // Headers: every name holds `auth`, `token`, `jfrog` or a `key` form.
    "auth",
    "token",
    "jfrog",
    // netrc and npmrc lines.
    "password",
    "_auth",
    "_password",
    "npmauth",
    // `NAME=value` with a secret name: every secret name holds a stem
    // (`pat` as a whole word: see [`word_pat`]).
    "pass",
    "pwd",
    "psw",
    "secret",
    "cred",
    "dsn",
    "bundle_",
];

/// `key` only in the shapes a secret name or header takes (not `apt-key`,
/// `keyring`, `--recv-keys`).
pub(crate) const KEY_TRIGGERS: &[&str] = &[
    "_key",
    "key=",
    "keys=",
    "-key:",
    "apikey",
    "api-key",
    "accesskey",
    "access-key",
    "privatekey",
    "private-key",
];

/// `pat` as a word of a name (`GH_PAT`, `PAT=`), not in `path`.
fn word_pat(lower: &str) -> bool {
    let b = lower.as_bytes();
    super::url::positions(lower, "pat").any(|i| {
        let before = i.checked_sub(1).map(|j| b[j]);
        let after = b.get(i + 3).copied();
        !before.is_some_and(|c| c.is_ascii_alphanumeric())
            && !after.is_some_and(|c| c.is_ascii_alphanumeric())
    })
}

fn triggers() -> Vec<&'static str> {
    let mut all: Vec<&'static str> = WORD_TRIGGERS.to_vec();
    all.extend(KEY_TRIGGERS);
    all.extend(options::TRIGGERS);
    for t in TOOLS {
        all.extend(t.triggers);
    }
    for f in tokens::FORMATS {
        all.extend(f.triggers);
    }
    all.sort_unstable();
    all.dedup();
    all
}

static WORDS: LazyLock<AhoCorasick> =
    LazyLock::new(|| AhoCorasick::new(triggers()).expect("valid trigger words"));

/// Whether `text` may hold a literal credential: as written, or once the
/// shell has taken its quotes and escapes off (`http-\basic`, `"pass"word`
/// are what the detectors, which read word values, see).
pub fn may_hold_credential(text: &str) -> bool {
    let lower = text.to_ascii_lowercase();
    if matches_lowercase(&lower) {
        return true;
    }
    let unquoted = unquote(&lower);
    unquoted.len() != lower.len() && matches_lowercase(&unquoted)
}

/// `text` without quote characters and backslashes: a superset test of
/// what its words' values hold.
fn unquote(text: &str) -> String {
    text.chars()
        .filter(|c| !matches!(c, '\\' | '\'' | '"'))
        .collect()
}

/// Whether some word of `text` may hold `needle` once the shell has taken
/// quotes and escapes off.
pub fn may_mention(text: &str, needle: &str) -> bool {
    text.contains(needle) || (text.contains(['\\', '\'', '"']) && unquote(text).contains(needle))
}

fn matches_lowercase(lower: &str) -> bool {
    WORDS.is_match(lower)
        || has_userinfo_url(lower)
        || word_pat(lower)
        || TOOLS.iter().any(|t| t.check.is_some_and(|c| c(lower)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_tool_example_passes() {
        for t in TOOLS {
            for e in t.examples {
                assert!(may_hold_credential(e), "{e}");
            }
        }
    }

    #[test]
    fn quotes_and_escapes_do_not_hide_a_trigger() {
        for text in [
            "poetry config http-\\basic.corp ci s3cret",
            "echo \"pass\"word=x",
            "curl -u 'ci':'x' https://h",
        ] {
            assert!(may_hold_credential(text), "{text}");
        }
    }

    #[test]
    fn plain_commands_do_not() {
        for text in [
            "apt-get update && apt-get install -y curl",
            "curl -fsSL https://deb.nodesource.com/setup_20.x | bash -",
            "mkdir -p /app && cd /app",
            "pip install -r requirements.txt",
        ] {
            assert!(!may_hold_credential(text), "{text}");
        }
    }
}
