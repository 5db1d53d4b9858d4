//! Bundler: `bundle config [set] HOST USER:SECRET` (a gem server's
//! credentials; `mirror.`, `build.` and `local.` keys are something else).

use super::options::{self, ShortP};
use super::{positional, Invocation, Tool};
use crate::secrets::detect::{Ctx, Finder};
use crate::secrets::url::colon;
use crate::secrets::{CredentialKind as K, Role as R};

pub static TOOL: Tool = Tool {
    names: &["bundle", "bundler"],
    triggers: &["bundle"],
    check: None,
    detect,
    examples: &[
        "bundle config set gems.example.com alice:bundlepw",
        "bundle config gems.example.com tokenonly123abc",
    ],
};

fn detect(f: &mut Finder<'_, '_>, inv: &Invocation<'_>) {
    config(f, inv);
    options::detect(f, inv, inv.host, ShortP::No);
}

fn config(f: &mut Finder<'_, '_>, inv: &Invocation<'_>) {
    let pos = positional(f, inv.args);
    if pos.first().map(|&w| f.value(w)) != Some("config") {
        return;
    }
    let at = if pos.get(1).is_some_and(|&w| f.value(w) == "set") {
        2
    } else {
        1
    };
    let (Some(&key), Some(&value)) = (pos.get(at), pos.get(at + 1)) else {
        return;
    };
    let k = f.value(key);
    let host_key = k.contains('.') || (k.starts_with("BUNDLE_") && k.contains("__"));
    let other = ["mirror.", "build.", "local."]
        .iter()
        .any(|p| k.starts_with(p));
    let v = f.value(value);
    if !host_key || other || v.contains("://") {
        return;
    }
    let host = k.split("://").last().unwrap_or(k);
    let host = host.split('/').next().unwrap_or(host);
    let ctx = Ctx {
        tool: Some("bundle"),
        host: Some(host),
        name: None,
    };
    match colon(v) {
        Some(c) if &v[c + 1..] == "x-oauth-basic" => {
            f.add(value, 0..c, K::PackageConfig, R::Token, ctx);
        }
        Some(c) => {
            f.add_rest(value, c + 1, K::PackageConfig, R::Password, ctx);
        }
        None => {
            f.add_rest(value, 0, K::PackageConfig, R::Token, ctx);
        }
    }
}
