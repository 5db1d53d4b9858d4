//! curl: `-u user:SECRET` (also `-uuser:SECRET`, `--user=`, a cluster such
//! as `-fsSLu`, and the proxy user `-U`), `--oauth2-bearer SECRET`.

use super::options::{self, ShortP};
use super::{Invocation, Tool};
use crate::secrets::detect::{Ctx, Finder};
use crate::secrets::{CredentialKind as K, Role as R};

pub static TOOL: Tool = Tool {
    names: &["curl"],
    triggers: &["--user", "--proxy-user", "--oauth2-bearer"],
    check: Some(user_option),
    detect,
    examples: &[
        "curl -u admin:hunter22 https://nexus.example.com/repo/x",
        "set -eux; curl -fsSLu admin:pw12345 ftp://files.example.com/a",
        "curl -fsSLU proxy:pw67890 -x http://proxy.example.com:3128 https://x.example.com/a",
        "curl --user=admin:pw1234 -o x",
        "curl --oauth2-bearer bearer123 https://api.example.com",
    ],
    persist: None,
};

/// `curl` and later an option cluster ending in `u` (`-u`, `-fsSLu`): on
/// lower-cased text, so `-U` reads as `-u` too.
fn user_option(lower: &str) -> bool {
    let Some(at) = lower.find("curl") else {
        return false;
    };
    let b = lower.as_bytes();
    let mut i = at + 4;
    while let Some(p) = memchr::memchr(b'-', &b[i..]) {
        let start = i + p;
        let before = start.checked_sub(1).map(|j| b[j]);
        let letters = b[start + 1..]
            .iter()
            .take_while(|c| c.is_ascii_lowercase())
            .count();
        if matches!(before, Some(b' ' | b'\t' | b'\n' | b'\'' | b'"'))
            && letters > 0
            && b[start + letters] == b'u'
        {
            return true;
        }
        i = start + 1;
    }
    false
}

fn detect(f: &mut Finder<'_, '_>, inv: &Invocation<'_>) {
    let host = inv.host.or(inv.script_host);
    let rest = inv.args;
    let ctx = Ctx {
        tool: Some("curl"),
        host,
        name: Some("user"),
    };
    for (j, &w) in rest.iter().enumerate() {
        let v = f.value(w);
        let next = rest.get(j + 1).copied();
        let cluster_u = v.len() > 2
            && v.starts_with('-')
            && !v.starts_with("--")
            && (v.ends_with('u') || v.ends_with('U'))
            && v[1..].bytes().all(|c| c.is_ascii_alphabetic());
        if matches!(v, "-u" | "--user" | "-U" | "--proxy-user")
            || (cluster_u && !v.starts_with("-u") && !v.starts_with("-U"))
        {
            if let Some(n) = next {
                f.user_pass(n, 0, K::CurlUser, ctx);
            }
        } else if let Some(p) = ["--user=", "--proxy-user=", "-u"]
            .iter()
            .find(|p| v.starts_with(**p) && v.len() > p.len())
        {
            f.user_pass(w, p.len(), K::CurlUser, ctx);
        } else if v == "--oauth2-bearer" {
            if let Some(n) = next {
                let ctx = Ctx { name: None, ..ctx };
                f.add_rest(n, 0, K::AuthHeader, R::Token, ctx);
            }
        }
    }
    options::detect(f, inv, inv.host, ShortP::No);
}
