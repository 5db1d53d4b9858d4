//! Well-known credential formats, recognised anywhere without context.
//!
//! One table: a new format is one [`TokenFormat`] entry. The prefilter takes
//! its trigger from here, the matcher its pattern, the output its name.

use std::sync::LazyLock;

use regex_automata::meta::Regex;

use super::Role;

/// A credential format.
#[derive(Debug)]
pub struct TokenFormat {
    /// What it is, for messages: `GitHub token`.
    pub describe: &'static str,
    /// The variable it moves to.
    pub env_name: &'static str,
    /// Lower-case texts one of which every match contains (for the
    /// prefilter).
    pub triggers: &'static [&'static str],
    /// The regex (empty for a format found by hand).
    pub pattern: &'static str,
    /// Bytes before the random part (its placeholder check skips them).
    pub prefix_len: usize,
    /// The format has a fixed length: a longer alphanumeric run is not it.
    pub fixed_length: bool,
    pub role: Role,
}

/// Every known format. The index is the format's identity.
pub static FORMATS: &[TokenFormat] = &[
    TokenFormat {
        describe: "GitHub token",
        env_name: "GITHUB_TOKEN",
        triggers: &["ghp_", "gho_", "ghu_", "ghs_", "ghr_"],
        pattern: r"gh[pousr]_[A-Za-z0-9]{36}",
        prefix_len: 4,
        fixed_length: true,
        role: Role::Token,
    },
    TokenFormat {
        describe: "GitHub token",
        env_name: "GITHUB_TOKEN",
        triggers: &["github_pat_"],
        pattern: r"github_pat_[A-Za-z0-9_]{22,}",
        prefix_len: 11,
        fixed_length: false,
        role: Role::Token,
    },
    TokenFormat {
        describe: "GitLab token",
        env_name: "GITLAB_TOKEN",
        triggers: &["glpat-"],
        pattern: r"glpat-[A-Za-z0-9_-]{20,}",
        prefix_len: 6,
        fixed_length: false,
        role: Role::Token,
    },
    TokenFormat {
        describe: "npm token",
        env_name: "NPM_TOKEN",
        triggers: &["npm_"],
        pattern: r"npm_[A-Za-z0-9]{36}",
        prefix_len: 4,
        fixed_length: true,
        role: Role::Token,
    },
    TokenFormat {
        describe: "PyPI token",
        env_name: "PYPI_TOKEN",
        triggers: &["pypi-"],
        pattern: r"pypi-[A-Za-z0-9_-]{50,}",
        prefix_len: 5,
        fixed_length: false,
        role: Role::Token,
    },
    TokenFormat {
        describe: "AWS access key ID",
        env_name: "AWS_ACCESS_KEY_ID",
        triggers: &["akia"],
        pattern: r"AKIA[A-Z0-9]{16}",
        prefix_len: 4,
        fixed_length: true,
        role: Role::AccessKeyId,
    },
    TokenFormat {
        describe: "AWS access key ID",
        env_name: "AWS_ACCESS_KEY_ID",
        triggers: &["asia"],
        pattern: r"ASIA[A-Z0-9]{16}",
        prefix_len: 4,
        fixed_length: true,
        role: Role::AccessKeyId,
    },
    TokenFormat {
        describe: "Slack token",
        env_name: "SLACK_TOKEN",
        triggers: &["xox"],
        pattern: r"xox[baprs]-[A-Za-z0-9-]{10,}",
        prefix_len: 5,
        fixed_length: false,
        role: Role::Token,
    },
    TokenFormat {
        describe: "Slack webhook URL",
        env_name: "SLACK_WEBHOOK_URL",
        triggers: &["hooks.slack"],
        pattern: r"https://hooks\.slack\.com/services/[A-Za-z0-9_/]+",
        prefix_len: 34,
        fixed_length: false,
        role: Role::Url,
    },
    TokenFormat {
        describe: "Stripe API key",
        env_name: "STRIPE_API_KEY",
        triggers: &["sk_", "rk_"],
        pattern: r"(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{16,}",
        prefix_len: 8,
        fixed_length: false,
        role: Role::ApiKey,
    },
    TokenFormat {
        describe: "Sentry auth token",
        env_name: "SENTRY_AUTH_TOKEN",
        triggers: &["sntrys_"],
        pattern: r"sntrys_[A-Za-z0-9_=+/-]{20,}",
        prefix_len: 7,
        fixed_length: false,
        role: Role::Token,
    },
    TokenFormat {
        describe: "JSON Web Token",
        env_name: "JWT_TOKEN",
        triggers: &["eyj"],
        pattern: r"eyJ[A-Za-z0-9_-]+\.eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+",
        prefix_len: 0,
        fixed_length: false,
        role: Role::Token,
    },
    TokenFormat {
        describe: "private key",
        env_name: "PRIVATE_KEY",
        triggers: &["-----begin "],
        pattern: "",
        prefix_len: 0,
        fixed_length: false,
        role: Role::PrivateKey,
    },
];

/// The format found by hand: a whole `-----BEGIN ... PRIVATE KEY-----` block.
const PRIVATE_KEY: usize = 12;

/// All regex formats in one automaton; a match says which.
static MATCHER: LazyLock<(Regex, Vec<usize>)> = LazyLock::new(|| {
    let with_pattern: Vec<usize> = (0..FORMATS.len())
        .filter(|&i| !FORMATS[i].pattern.is_empty())
        .collect();
    let patterns: Vec<&str> = with_pattern.iter().map(|&i| FORMATS[i].pattern).collect();
    let regex = Regex::builder()
        .configure(Regex::config().auto_prefilter(false))
        .build_many(&patterns)
        .expect("valid token patterns");
    (regex, with_pattern)
});

fn is_token_char(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_'
}

/// `-----BEGIN ... PRIVATE KEY-----` through the first matching `-----END
/// ... PRIVATE KEY-----`.
fn private_key_blocks(text: &str) -> Vec<std::ops::Range<usize>> {
    const BEGIN: &str = "-----BEGIN ";
    const END: &str = "-----END ";
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

/// Known-format credentials in `text`: (range, format index), in order,
/// never overlapping; stand-ins such as `ghp_xxxx...` are left out.
pub fn find(text: &str) -> Vec<(std::ops::Range<usize>, usize)> {
    let b = text.as_bytes();
    let keys = if text.contains("-----BEGIN ") {
        private_key_blocks(text)
    } else {
        Vec::new()
    };
    let (regex, index) = &*MATCHER;
    let mut found: Vec<(std::ops::Range<usize>, usize)> = regex
        .find_iter(text)
        .map(|m| (m.range(), index[m.pattern().as_usize()]))
        .filter(|(r, _)| !keys.iter().any(|k| k.start <= r.start && r.end <= k.end))
        .collect();
    found.extend(keys.into_iter().map(|k| (k, PRIVATE_KEY)));
    found.sort_by_key(|(r, _)| r.start);
    found.retain(|(range, format)| {
        let f = &FORMATS[*format];
        let s = &text[range.clone()];
        if range.start > 0 && is_token_char(b[range.start - 1]) {
            return false;
        }
        if f.fixed_length && b.get(range.end).is_some_and(u8::is_ascii_alphanumeric) {
            return false;
        }
        let body = if *format == PRIVATE_KEY {
            s.split("-----").nth(2).unwrap_or("").trim()
        } else {
            &s[f.prefix_len.min(s.len())..]
        };
        let distinct = body
            .bytes()
            .filter(u8::is_ascii_alphanumeric)
            .collect::<std::collections::BTreeSet<_>>();
        super::judge::judge(body) == super::judge::Verdict::Secret && distinct.len() > 2
    });
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_private_key_entry_is_the_hand_made_one() {
        assert!(FORMATS[PRIVATE_KEY].pattern.is_empty());
        assert_eq!(FORMATS.iter().filter(|f| f.pattern.is_empty()).count(), 1);
    }

    #[test]
    fn every_trigger_is_in_its_matches() {
        let samples = [
            "ghp_u8jzPde0IgxLd6GncfBAepfJBd0Kh8oOOL8d",
            "github_pat_KLzdocJ2isAjIhKtJ0RlgL_KOmxgJTeKdNnFRIBXuDL7DxtpYlSXp",
            "glpat-fKtHF4vUCsMehGAkWvj7",
            "npm_FAc9QeWJKY40uvSwMFLZDe1f8rESQedUStPK",
            "pypi-R0CsTy4Qwb8DwkNhFdnXsiVpzz63FfkCzJr4i0B3JrTAwR4y9ojfljoQoaF1",
            "AKIALQSAJ08XUI6D39ZZ",
            "ASIALQSAJ08XUI6D39ZZ",
            "xoxb-661760313721-vMdgaKjIg8xNbe3nNyjOq9wM",
            "https://hooks.slack.com/services/T0123ABCD/B0456EFGH/aBcDeFgHiJkLmNoPqRsTuVwX",
            "sk_live_xEhh2FDEEtfjgVvVqE1SkHbn",
            "sntrys_88HxjSI6bWHtP3fS2qHx6kwXoIIXGvOoNZYW2mZp",
            "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.0zVZomHFwUbbYrEqmSM9wCZ7Uw9xfogoEmvnEN5N1aE",
            "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA1x2y3z\n-----END RSA PRIVATE KEY-----",
        ];
        assert_eq!(samples.len(), FORMATS.len(), "one sample per format");
        for (i, sample) in samples.iter().enumerate() {
            let got = find(sample);
            assert_eq!(got, vec![(0..sample.len(), i)], "{sample}");
            let lower = sample.to_ascii_lowercase();
            assert!(
                FORMATS[i].triggers.iter().any(|t| lower.contains(t)),
                "{sample}"
            );
        }
    }
}
