//! Composer: `composer config [-g] http-basic.HOST USER SECRET`,
//! `github-oauth.HOST SECRET` and the other auth keys; `composer global
//! config ...` is `composer config -g ...`. It writes `auth.json`.
//!
//! Remedy: the command goes, and `COMPOSER_AUTH` in `.env` (the JSON of
//! `auth.json`, all such commands of the file merged) gives Composer the
//! credentials.

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
    persist: Some(persist),
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

fn persist(input: &super::persist::Input<'_>) -> super::persist::Keeps {
    use super::persist::{json_in_template, Keeps, Remedy};
    let pos = input.positional(&[]);
    let skip = usize::from(pos.first().is_some_and(|&w| input.value(w) == "global"));
    let pos = &pos[skip.min(pos.len())..];
    if pos.first().map(|&w| input.value(w)) != Some("config") || pos.len() < 3 {
        return Keeps::Nothing;
    }
    let Some((kind, host)) = input.value(pos[1]).split_once('.') else {
        return Keeps::Nothing;
    };
    let words: &[usize] = match kind {
        "http-basic" | "bitbucket-oauth" if pos.len() >= 4 => &pos[2..4],
        "github-oauth" | "gitlab-token" | "gitlab-oauth" | "bearer" => &pos[2..3],
        _ => return Keeps::Nothing,
    };
    if !words.iter().any(|&w| input.carries(w)) {
        return Keeps::Nothing;
    }
    let manual = || Keeps::Manual(format!("composer config {kind} writes auth.json"));
    let mut parts = Vec::new();
    for &w in words {
        let Some(t) = input
            .template(w, 0..input.value(w).len())
            .and_then(|t| json_in_template(&t))
        else {
            return manual();
        };
        parts.push(t);
    }
    if host.contains(['"', '\\', '$', '`']) {
        return manual();
    }
    let value = match (kind, parts.as_slice()) {
        ("http-basic", [u, p]) => {
            format!("{{\\\"username\\\":\\\"{u}\\\",\\\"password\\\":\\\"{p}\\\"}}")
        }
        ("bitbucket-oauth", [k, s]) => {
            format!("{{\\\"consumer-key\\\":\\\"{k}\\\",\\\"consumer-secret\\\":\\\"{s}\\\"}}")
        }
        (_, [t]) => format!("\\\"{t}\\\""),
        _ => return manual(),
    };
    Keeps::Fix(Remedy {
        describe: format!(
            "composer config {kind} writes auth.json: the command goes, and COMPOSER_AUTH in .env gives Composer the credential"
        ),
        remove: true,
        composer_auth: vec![(kind.to_owned(), host.to_owned(), value)],
        later_runs: Some("composer"),
        ..Remedy::default()
    })
}
