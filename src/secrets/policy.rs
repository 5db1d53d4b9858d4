//! An organisation's own words on what is a secret (`[secrets]` in
//! `.dfix.toml`): more secret-like variable names (`extra-names`), names
//! and values known not to be secrets (`allow-names`, `allow-values`).
//!
//! A [`Policy`] is handed to the rules through their context and from there
//! to every detector, so that the same judgement applies wherever a name or
//! a value is weighed; the plain functions of [`super`] are the empty
//! policy's.

use std::collections::BTreeSet;

use super::detect::{self, Found};
use super::judge::{judge, Verdict};
use super::CredentialMatch;
use crate::shell::Script;

/// What the settings add to and take from the built-in judgement.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Policy {
    extra_names: Vec<NamePattern>,
    allow_names: Vec<NamePattern>,
    allow_values: BTreeSet<String>,
}

/// The built-in judgement, unchanged.
pub static DEFAULT: Policy = Policy::new();

impl Policy {
    pub const fn new() -> Policy {
        Policy {
            extra_names: Vec::new(),
            allow_names: Vec::new(),
            allow_values: BTreeSet::new(),
        }
    }

    /// A policy from the settings' lists. Names may hold `*` (any run of
    /// characters) and match ASCII case-insensitively; values match exactly.
    pub fn from_lists(
        extra_names: &[String],
        allow_names: &[String],
        allow_values: &[String],
    ) -> Self {
        Policy {
            extra_names: extra_names.iter().map(|n| NamePattern::new(n)).collect(),
            allow_names: allow_names.iter().map(|n| NamePattern::new(n)).collect(),
            allow_values: allow_values.iter().cloned().collect(),
        }
    }

    /// [`super::is_secret_name`], with `allow-names` taken out and
    /// `extra-names` added.
    pub fn is_secret_name(&self, name: &str) -> bool {
        if self.allow_names.iter().any(|p| p.matches(name)) {
            return false;
        }
        super::names::is_secret_name(name) || self.extra_names.iter().any(|p| p.matches(name))
    }

    /// [`judge`], except that an `allow-values` value is a throwaway value
    /// (made up for the build, nobody's credential).
    pub fn judge(&self, value: &str) -> Verdict {
        if !self.allow_values.is_empty() && self.allows_value(value) {
            return Verdict::Throwaway;
        }
        judge(value)
    }

    /// [`super::judge::judge_named`] (a value that only repeats its
    /// variable's name stands in for the real one) under this policy.
    pub fn judge_named(&self, name: &str, value: &str) -> Verdict {
        if !self.allow_values.is_empty() && self.allows_value(value) {
            return Verdict::Throwaway;
        }
        super::judge::judge_named(name, value)
    }

    /// The value is a credential by [`Policy::judge`].
    pub fn is_secret_value(&self, value: &str) -> bool {
        self.judge(value) == Verdict::Secret
    }

    /// The value is listed in `allow-values` (as written, or without the
    /// surrounding blanks and quotes [`judge`] ignores too).
    pub fn allows_value(&self, value: &str) -> bool {
        self.allow_values.contains(value)
            || self
                .allow_values
                .contains(value.trim().trim_matches(['"', '\'']))
    }

    /// [`super::prefilter::may_hold_credential`], letting through texts
    /// that mention an `extra-names` name.
    pub fn may_hold_credential(&self, text: &str) -> bool {
        if super::prefilter::may_hold_credential(text) {
            return true;
        }
        if self.extra_names.is_empty() {
            return false;
        }
        let lower = text.to_ascii_lowercase();
        self.extra_names
            .iter()
            .any(|p| lower.contains(p.longest_literal()))
    }

    /// [`detect::in_script`] under this policy.
    pub fn in_script(&self, script: &Script<'_>) -> Vec<Found> {
        detect::in_script_with(script, self)
    }

    /// [`detect::in_data`] under this policy.
    pub fn in_data(&self, script: &Script<'_>, host: Option<&str>) -> Vec<Found> {
        detect::in_data_with(script, host, self)
    }

    /// [`detect::find_credentials`] under this policy.
    pub fn find_credentials(&self, text: &str) -> Vec<CredentialMatch> {
        detect::find_credentials_with(text, self)
    }
}

/// A variable name, or a pattern of them with `*`, lower-cased.
#[derive(Clone, Debug, PartialEq, Eq)]
struct NamePattern {
    lower: String,
}

impl NamePattern {
    fn new(pattern: &str) -> Self {
        NamePattern {
            lower: pattern.to_ascii_lowercase(),
        }
    }

    fn matches(&self, name: &str) -> bool {
        glob(self.lower.as_bytes(), name.to_ascii_lowercase().as_bytes())
    }

    /// The longest piece without `*`: a text that can hold a match holds it.
    fn longest_literal(&self) -> &str {
        self.lower.split('*').max_by_key(|p| p.len()).unwrap_or("")
    }
}

/// `*` matches any run of bytes; everything else itself.
fn glob(pattern: &[u8], text: &[u8]) -> bool {
    let (mut p, mut t) = (0, 0);
    // Where the last `*` was, and the text position it is tried from.
    let mut star: Option<(usize, usize)> = None;
    while t < text.len() {
        if p < pattern.len() && pattern[p] == b'*' {
            star = Some((p, t));
            p += 1;
        } else if p < pattern.len() && pattern[p] == text[t] {
            p += 1;
            t += 1;
        } else if let Some((sp, st)) = star {
            p = sp + 1;
            t = st + 1;
            star = Some((sp, st + 1));
        } else {
            return false;
        }
    }
    pattern[p..].iter().all(|&c| c == b'*')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn name_patterns() {
        for (pattern, name, want) in [
            ("ACME_CRED", "ACME_CRED", true),
            ("ACME_CRED", "acme_cred", true),
            ("ACME_CRED", "ACME_CRED_2", false),
            ("*_SEED", "SIGNING_SEED", true),
            ("*_SEED", "SEED", false),
            ("ACME_*_ID", "ACME_DEPLOY_ID", true),
            ("ACME_*_ID", "ACME_ID", false),
            ("*", "ANY", true),
            ("a*b*c", "aXbYc", true),
            ("a*b*c", "aXcYb", false),
        ] {
            assert_eq!(
                glob(
                    pattern.to_ascii_lowercase().as_bytes(),
                    name.to_ascii_lowercase().as_bytes()
                ),
                want,
                "{pattern} {name}"
            );
        }
    }

    #[test]
    fn names_are_added_and_taken_out() {
        let p = Policy::from_lists(&strings(&["ACME_SEED"]), &strings(&["NPM_TOKEN"]), &[]);
        assert!(p.is_secret_name("ACME_SEED"));
        assert!(!DEFAULT.is_secret_name("ACME_SEED"));
        assert!(!p.is_secret_name("NPM_TOKEN"));
        assert!(DEFAULT.is_secret_name("NPM_TOKEN"));
        // The prefilter lets a text naming an extra name through.
        assert!(!DEFAULT.may_hold_credential("ACME_SEED=x1y2z3 make"));
        assert!(p.may_hold_credential("ACME_SEED=x1y2z3 make"));
        assert_eq!(p.find_credentials("ACME_SEED=q8Jd02kLm make").len(), 1);
        assert!(DEFAULT
            .find_credentials("ACME_SEED=q8Jd02kLm make")
            .is_empty());
    }

    #[test]
    fn allowed_values_are_not_credentials() {
        let p = Policy::from_lists(&[], &[], &strings(&["ci-build-pw-2024"]));
        assert_eq!(p.judge("ci-build-pw-2024"), Verdict::Throwaway);
        assert_eq!(p.judge("\"ci-build-pw-2024\""), Verdict::Throwaway);
        assert_eq!(DEFAULT.judge("ci-build-pw-2024"), Verdict::Secret);
        let run = "mysql -u root --password=ci-build-pw-2024 db";
        assert!(p.find_credentials(run).is_empty());
        assert_eq!(DEFAULT.find_credentials(run).len(), 1);
    }
}
