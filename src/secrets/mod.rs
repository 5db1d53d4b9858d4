//! What counts as a secret: names ([`names`]), values ([`judge`]: the one
//! placeholder and throwaway judgement), well-known formats ([`tokens`]),
//! secret files ([`files`]), and the detectors that find literal credentials
//! in the words of a [`Script`] ([`detect`], with the per-tool detectors of
//! [`crate::tools`]).
//!
//! # What counts as a literal
//!
//! A value that holds a live shell expansion where the secret would be
//! (`$X`, `${X:-y}`, `$(cat f)`, a backtick) is a reference, not a literal:
//! the shell model marks those bytes ([`crate::shell::Word::dynamic`]). In
//! single quotes, or a heredoc with a quoted delimiter, `$` is plain text.
//! Values that only stand for a secret (`<password>`, `xxx`, `YOUR_TOKEN`,
//! `changeme`, `dummy`, paths, booleans) and throwaway values made up for one
//! build step (`SECRET_KEY=build`, `snakeoil`) are not credentials: see
//! [`judge`]. Weak but real values (`password`, `secret`, `admin`) are.

pub mod content;
pub mod detect;
pub mod files;
pub mod judge;
pub(crate) mod names;
mod naming;
pub mod policy;
pub mod prefilter;
pub mod sinks;
pub mod tokens;
pub mod url;

#[cfg(test)]
mod tests;

use std::ops::Range;

pub use detect::{find_credentials, Found};
pub use judge::{judge, judge_named, Verdict};
pub use names::is_secret_name;
pub use naming::suggest_env_name;
pub use policy::Policy;

/// A secret that must not be printed by accident: `Debug` and `Display`
/// print `****`; [`SecretValue::expose`] gives the value.
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

impl std::fmt::Display for SecretValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("****")
    }
}

/// A value for display: `****` when shorter than 12 characters, else its
/// first 2 characters and `****`.
pub fn mask(value: &str) -> String {
    if value.chars().count() < 12 {
        return "****".into();
    }
    let head: String = value.chars().take(2).collect();
    format!("{head}****")
}

/// What a credential is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CredentialKind {
    /// `scheme://user:PASSWORD@host`
    UrlPassword,
    /// `scheme://TOKEN@host`
    UrlToken,
    /// `https://host/path?access_token=TOKEN`
    UrlQuery,
    /// `curl -u user:PASSWORD`
    CurlUser,
    /// `--password X`, `mysql -pX`, `docker login -p X`, `-storepass X`, …
    PasswordOption,
    /// `Authorization: Bearer X`, `PRIVATE-TOKEN: X`, `X-API-Key: X`, …
    AuthHeader,
    /// `NAME=literal` with a secret-looking `NAME` (env prefix, `export`, ENV).
    SecretAssignment,
    /// npm/yarn registry credential: `_authToken=X`, `npm config set …`.
    NpmAuth,
    /// `machine H login U password P`
    Netrc,
    /// `aws configure set aws_secret_access_key X`
    AwsConfig,
    /// `poetry config`, `composer config`, `bundle config` credentials.
    PackageConfig,
    /// A well-known format: an index into [`tokens::FORMATS`].
    Token(usize),
    /// Another copy of a literal found elsewhere in the file.
    Copy,
}

impl CredentialKind {
    pub fn describe(self) -> &'static str {
        use CredentialKind::*;
        match self {
            UrlPassword => "password in a URL",
            UrlToken => "token in a URL",
            UrlQuery => "secret in a URL query",
            CurlUser => "password in curl --user",
            PasswordOption => "password on the command line",
            AuthHeader => "Authorization header",
            SecretAssignment => "literal value of a secret variable",
            NpmAuth => "npm registry credential",
            Netrc => "password in a netrc line",
            AwsConfig => "AWS credential in aws configure",
            PackageConfig => "package manager credential",
            Token(i) => tokens::FORMATS[i].describe,
            Copy => "the same secret again",
        }
    }

    /// A well-known token format, recognised without context.
    pub fn is_token_format(self) -> bool {
        matches!(self, CredentialKind::Token(_))
    }
}

/// What the secret value is used as.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Role {
    Password,
    Token,
    ApiKey,
    AccessKeyId,
    SecretKey,
    PrivateKey,
    Url,
}

impl Role {
    /// Upper-case suffix for variable names.
    pub fn suffix(self) -> &'static str {
        match self {
            Role::Password => "PASSWORD",
            Role::Token => "TOKEN",
            Role::ApiKey => "API_KEY",
            Role::AccessKeyId => "ACCESS_KEY_ID",
            Role::SecretKey => "SECRET_KEY",
            Role::PrivateKey => "PRIVATE_KEY",
            Role::Url => "URL",
        }
    }
}

/// A literal credential in a text (for callers that hold plain text).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CredentialMatch {
    /// The secret value's bytes in the text (no quotes; escapes of its
    /// quoting included).
    pub range: Range<usize>,
    pub kind: CredentialKind,
    /// The program or format it was given to: `curl`, `mysql`, `docker`,
    /// `npm`, `yarn`, `aws`, `poetry`, `composer`, `bundle`, `netrc`, or
    /// `shell` for a `NAME=value` assignment.
    pub tool: Option<String>,
    /// The host, registry, netrc machine or repository it is for.
    pub host: Option<String>,
    /// The variable, option or config key it was assigned to.
    pub name: Option<String>,
    pub role: Role,
}
