//! TEMPORARY stand-in until the full secrets module lands (helper branch).
use std::ops::Range;

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
pub fn mask(_v: &str) -> String {
    "****".into()
}
pub fn is_secret_name(name: &str) -> bool {
    let n = name.to_ascii_uppercase();
    ["PASS", "TOKEN", "SECRET", "PASSWORD"]
        .iter()
        .any(|w| n.ends_with(w))
}
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CredentialKind {
    UrlPassword,
}
impl CredentialKind {
    pub fn describe(self) -> &'static str {
        "password in a URL"
    }
}
#[derive(Clone, Debug)]
pub struct CredentialMatch {
    pub range: Range<usize>,
    pub kind: CredentialKind,
    pub host: String,
}
pub fn find_credentials(text: &str) -> Vec<CredentialMatch> {
    let re = regex::Regex::new(r"://([^/@\s:'\x22]+):([^/@\s'\x22]+)@([A-Za-z0-9.-]+)").unwrap();
    re.captures_iter(text)
        .filter(|c| !c[2].starts_with('$'))
        .map(|c| {
            let m = c.get(2).unwrap();
            CredentialMatch {
                range: m.range(),
                kind: CredentialKind::UrlPassword,
                host: c[3].to_owned(),
            }
        })
        .collect()
}
pub fn suggest_env_name(m: &CredentialMatch) -> String {
    let slug: String = m
        .host
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_uppercase()
            } else {
                '_'
            }
        })
        .collect();
    format!("{slug}_PASSWORD")
}
