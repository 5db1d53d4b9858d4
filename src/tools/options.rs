//! Secrets given as options of any program: `--password X`,
//! `--api-token=X`, `-storepass X`, `-passout pass:X`, and `-pX`/`-p X` for
//! the tools that read `-p` as a password.

use super::Invocation;
use crate::secrets::detect::{Ctx, Finder};
use crate::secrets::names::words;
use crate::secrets::{CredentialKind as K, Role as R};

/// How a tool reads `-p`.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum ShortP {
    /// `-p` is something else (`mkdir -p`).
    No,
    /// Only attached: `mysql -pSECRET` (`-p` alone prompts).
    Attached,
    /// `-pSECRET` or `-p SECRET` (registry logins, sshpass).
    Any,
}

/// Last words of a `--name` option that takes a secret as the next argument.
const TAKES_VALUE: &[&str] = &[
    "password",
    "passwd",
    "pass",
    "pwd",
    "token",
    "secret",
    "passphrase",
    "key",
    "apikey",
];

/// Prefilter words: every secret option name holds one (with the `key`
/// forms of [`crate::secrets::prefilter::KEY_TRIGGERS`]).
pub(crate) const TRIGGERS: &[&str] = &["pass", "pwd", "secret", "token", "cred", "auth", "dsn"];

pub(crate) fn detect(
    f: &mut Finder<'_, '_>,
    inv: &Invocation<'_>,
    host: Option<&str>,
    short_p: ShortP,
) {
    let rest = inv.args;
    for (j, &w) in rest.iter().enumerate() {
        let v = f.value(w);
        let next = rest
            .get(j + 1)
            .copied()
            .filter(|&n| !f.value(n).starts_with('-'));
        let ctx = Ctx {
            tool: Some(inv.program),
            host,
            name: Some("password"),
        };
        if short_p != ShortP::No && v.starts_with("-p") && !v.starts_with("--") {
            if v.len() > 2 {
                f.add_rest(w, 2, K::PasswordOption, R::Password, ctx);
            } else if let Some(n) = next.filter(|_| short_p == ShortP::Any) {
                f.add_rest(n, 0, K::PasswordOption, R::Password, ctx);
            }
            continue;
        }
        let dashes = v.bytes().take(2).take_while(|&c| c == b'-').count();
        let body = &v[dashes..];
        let (name, eq) = match body.split_once('=') {
            Some((n, _)) => (n, Some(dashes + n.len() + 1)),
            None => (body, None),
        };
        let secret = match dashes {
            1 => {
                let pass = ["pass", "password", "passwd"]
                    .iter()
                    .any(|p| name.ends_with(p));
                name.len() >= 4
                    && name.bytes().all(|c| c.is_ascii_lowercase())
                    && (pass || matches!(name, "passin" | "passout"))
            }
            2 => f.is_secret_name(name),
            _ => false,
        };
        if !secret {
            continue;
        }
        let last = words(name).pop().unwrap_or_default();
        let attached = short_p == ShortP::Attached;
        let (target, from) = match (eq, next) {
            (Some(e), _) => (w, e),
            (None, Some(n)) if !attached && (dashes == 1 || TAKES_VALUE.contains(&&*last)) => {
                (n, 0)
            }
            _ => continue,
        };
        let tv = &f.value(target)[from..];
        // openssl `env:VAR`/`file:path`, `docker build --secret id=…`.
        let skip = ["env:", "file:", "fd:", "stdin", "id=", "type=", "src="];
        if skip.iter().any(|p| tv.starts_with(p)) {
            continue;
        }
        let token = matches!(&*last, "token" | "key" | "apikey" | "secret");
        let role = if token { R::Token } else { R::Password };
        let ctx = Ctx {
            tool: Some(inv.program),
            host,
            name: Some(name),
        };
        if tv.starts_with("pass:") {
            f.add_rest(target, from + 5, K::PasswordOption, role, ctx);
        } else if last == "auth" {
            f.user_pass(target, from, K::PasswordOption, ctx);
        } else {
            f.add_rest(target, from, K::PasswordOption, role, ctx);
        }
    }
}
