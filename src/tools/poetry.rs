//! Poetry: `poetry config http-basic.NAME USER SECRET`, `poetry config
//! pypi-token.NAME SECRET`.

use super::options::{self, ShortP};
use super::{positional, Invocation, Tool};
use crate::secrets::detect::{Ctx, Finder};
use crate::secrets::{CredentialKind as K, Role as R};

pub static TOOL: Tool = Tool {
    names: &["poetry"],
    triggers: &["http-basic", "pypi-token"],
    check: None,
    detect,
    examples: &[
        "poetry config http-basic.myrepo alice poetrypw",
        "poetry config pypi-token.private plaintok",
    ],
};

fn detect(f: &mut Finder<'_, '_>, inv: &Invocation<'_>) {
    let pos = positional(f, inv.args);
    if pos.first().map(|&w| f.value(w)) == Some("config") && pos.len() >= 3 {
        if let Some((kind, name)) = f.value(pos[1]).split_once('.') {
            let (value, role) = match kind {
                "http-basic" => (pos.get(3), R::Password),
                "pypi-token" => (pos.get(2), R::Token),
                _ => (None, R::Token),
            };
            if let Some(&value) = value {
                let ctx = Ctx {
                    tool: Some("poetry"),
                    host: Some(name),
                    name: Some(kind),
                };
                f.add_rest(value, 0, K::PackageConfig, role, ctx);
            }
        }
    }
    options::detect(f, inv, inv.host, ShortP::No);
}
