//! npm, pnpm and yarn: `npm config set //host/:_authToken SECRET` (or
//! `key=SECRET`), `yarn config set npmAuthToken SECRET`. Lines written to an
//! `.npmrc` are read by the npmrc detector wherever they appear.

use super::options::{self, ShortP};
use super::{positional, Invocation, Tool};
use crate::secrets::detect::{Ctx, Finder};
use crate::secrets::{CredentialKind as K, Role as R};

pub static TOOL: Tool = Tool {
    names: &["npm", "pnpm", "yarn"],
    triggers: &["auth", "token", "password"],
    check: None,
    detect,
    examples: &[
        "npm config set //registry.npmjs.org/:_authToken npmcfgtok",
        "npm config set \"//reg.example.com/:_authToken=cfgtok2\"",
        "yarn config set npmAuthToken yarntok",
    ],
};

fn detect(f: &mut Finder<'_, '_>, inv: &Invocation<'_>) {
    config_set(f, inv);
    options::detect(f, inv, inv.host, ShortP::No);
}

fn config_set(f: &mut Finder<'_, '_>, inv: &Invocation<'_>) {
    let pos = positional(f, inv.args);
    let at = match pos.first().map(|&w| f.value(w)) {
        Some("config") if pos.get(1).is_some_and(|&w| f.value(w) == "set") => 2,
        Some("set") => 1,
        _ => return,
    };
    let Some(&key_word) = pos.get(at) else { return };
    let kv = f.value(key_word);
    let (key, value, from) = match kv.split_once('=') {
        Some((k, _)) => (k, key_word, k.len() + 1),
        None => match pos.get(at + 1) {
            Some(&v) => (kv, v, 0),
            None => return,
        },
    };
    let last = key
        .rsplit([':', '.', ']'])
        .next()
        .unwrap_or(key)
        .trim_matches(['"', '\'', '[']);
    if !f.is_secret_name(last) {
        return;
    }
    let host = key.find("//").map(|s| {
        let h = &key[s + 2..];
        &h[..h.find(['/', '"', ':', '\'']).unwrap_or(h.len())]
    });
    let role = if last.contains("assword") {
        R::Password
    } else {
        R::Token
    };
    let ctx = Ctx {
        tool: Some(inv.program),
        host,
        name: Some(last),
    };
    f.add_rest(value, from, K::NpmAuth, role, ctx);
}
