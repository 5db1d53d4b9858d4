//! Poetry: `poetry config http-basic.NAME USER SECRET`, `poetry config
//! pypi-token.NAME SECRET` write `auth.toml` in Poetry's config directory.
//!
//! Remedy: the command goes; `POETRY_HTTP_BASIC_<NAME>_USERNAME`/`_PASSWORD`
//! or `POETRY_PYPI_TOKEN_<NAME>` in `.env` (upper case, `.` and `-` as `_`)
//! give Poetry the same credential.

use super::options::{self, ShortP};
use super::{positional, Invocation, Tool};
use crate::secrets::detect::{Ctx, Finder};
use crate::secrets::{CredentialKind as K, Role as R};

pub static TOOL: Tool = Tool {
    names: &["poetry"],
    triggers: &["http-basic", "pypi-token"],
    check: None,
    detect,
    persist: Some(persist),
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

fn persist(input: &super::persist::Input<'_>) -> super::persist::Keeps {
    use super::persist::{env_part, Keeps, Remedy};
    let pos = input.positional(&[]);
    if pos.first().map(|&w| input.value(w)) != Some("config") || pos.len() < 3 {
        return Keeps::Nothing;
    }
    let Some((kind, name)) = input.value(pos[1]).split_once('.') else {
        return Keeps::Nothing;
    };
    let name = env_part(name);
    let entries: Vec<(String, usize)> = match kind {
        "http-basic" if pos.len() >= 4 => vec![
            (format!("POETRY_HTTP_BASIC_{name}_USERNAME"), pos[2]),
            (format!("POETRY_HTTP_BASIC_{name}_PASSWORD"), pos[3]),
        ],
        "pypi-token" => vec![(format!("POETRY_PYPI_TOKEN_{name}"), pos[2])],
        _ => return Keeps::Nothing,
    };
    if !entries.iter().any(|&(_, w)| input.carries(w)) {
        return Keeps::Nothing;
    }
    let mut derived = Vec::new();
    for (var, w) in entries {
        let Some(t) = input.template(w, 0..input.value(w).len()) else {
            return Keeps::Manual(format!("poetry config {kind} writes auth.toml"));
        };
        derived.push((var, t));
    }
    Keeps::Fix(Remedy {
        describe: format!(
            "poetry config {kind} writes auth.toml: the command goes, and POETRY_* variables in .env give Poetry the credential"
        ),
        remove: true,
        derived,
        later_runs: Some("poetry"),
        ..Remedy::default()
    })
}
