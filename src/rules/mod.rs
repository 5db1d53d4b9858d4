//! The anti-patterns dfix finds. Each rule lives in its own module whose doc
//! comment says what it catches, why it matters and what its fix does; this
//! registry lists them all.

pub mod hardcoded_credential;
pub mod secret_build_arg;
pub mod secret_file_copy;

use serde::Serialize;

use crate::syntax::Span;

/// A rule's identity.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum Rule {
    /// DF001: see [`hardcoded_credential`].
    HardcodedCredential,
    /// DF002: see [`secret_file_copy`].
    SecretFileCopy,
    /// DF003: see [`secret_build_arg`].
    SecretBuildArg,
}

/// Every rule, in id order.
pub const ALL: [Rule; 3] = [
    Rule::HardcodedCredential,
    Rule::SecretFileCopy,
    Rule::SecretBuildArg,
];

impl Rule {
    pub fn id(self) -> &'static str {
        match self {
            Rule::HardcodedCredential => "DF001",
            Rule::SecretFileCopy => "DF002",
            Rule::SecretBuildArg => "DF003",
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Rule::HardcodedCredential => "hardcoded-credential",
            Rule::SecretFileCopy => "secret-file-copy",
            Rule::SecretBuildArg => "secret-build-arg",
        }
    }

    pub fn summary(self) -> &'static str {
        match self {
            Rule::HardcodedCredential => "a credential is written into the Dockerfile",
            Rule::SecretFileCopy => "a secret file is copied into an image layer",
            Rule::SecretBuildArg => {
                "a secret is passed as a build argument or environment variable"
            }
        }
    }
}

/// One problem found in a Dockerfile. The message never holds a secret value.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub rule: Rule,
    pub span: Span,
    pub message: String,
    /// `None` when dfix fixes it; otherwise why a person has to.
    pub manual: Option<String>,
}

impl Finding {
    pub fn fixable(&self) -> bool {
        self.manual.is_none()
    }
}
