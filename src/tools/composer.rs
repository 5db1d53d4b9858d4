//! Composer: `composer config [-g] http-basic.HOST USER SECRET`,
//! `github-oauth.HOST SECRET` and the other auth keys; `composer global
//! config ...` is `composer config -g ...`.

use super::options::{self, ShortP};
use super::{positional, Invocation, Tool};
use crate::secrets::detect::{Ctx, Finder};
use crate::secrets::{CredentialKind as K, Role as R};

pub static TOOL: Tool = Tool {
    names: &["composer"],
    triggers: &[
        "http-basic",
        "github-oauth",
        "gitlab-token",
        "gitlab-oauth",
        "bitbucket-oauth",
        "bearer",
    ],
    check: None,
    detect,
    examples: &[
        "composer config -g http-basic.repo.example.com bob composerpw",
        "composer config --global github-oauth.github.com ghcomposer1",
        "composer global config http-basic.repo.example.com u globalpw",
    ],
};

fn detect(f: &mut Finder<'_, '_>, inv: &Invocation<'_>) {
    let pos = positional(f, inv.args);
    let skip = usize::from(pos.first().is_some_and(|&w| f.value(w) == "global"));
    let pos = &pos[skip.min(pos.len())..];
    if pos.first().map(|&w| f.value(w)) == Some("config") && pos.len() >= 3 {
        if let Some((kind, host)) = f.value(pos[1]).split_once('.') {
            let value = match kind {
                "http-basic" | "bitbucket-oauth" => pos.get(3),
                "github-oauth" | "gitlab-token" | "gitlab-oauth" | "bearer" => pos.get(2),
                _ => None,
            };
            if let Some(&value) = value {
                let role = if kind == "http-basic" {
                    R::Password
                } else {
                    R::Token
                };
                let ctx = Ctx {
                    tool: Some("composer"),
                    host: Some(host),
                    name: Some(kind),
                };
                f.add_rest(value, 0, K::PackageConfig, role, ctx);
            }
        }
    }
    options::detect(f, inv, inv.host, ShortP::No);
}
