//! pip: `pip config set global.index-url https://u:SECRET@host/simple`
//! writes `pip.conf` (the user's, the site's or `/etc/pip.conf`).
//!
//! Remedy: the command goes, and `PIP_INDEX_URL` / `PIP_EXTRA_INDEX_URL`
//! (`PIP_<OPTION>`, upper case, `-` as `_`) in `.env` give pip the same
//! setting. `pip install --index-url URL` itself writes nothing.

use super::options::{self, ShortP};
use super::persist::{Input, Keeps, Remedy};
use super::{Invocation, Tool};
use crate::secrets::detect::Finder;

pub static TOOL: Tool = Tool {
    names: &["pip", "pip3"],
    triggers: &[],
    check: None,
    detect,
    examples: &[],
    persist: Some(persist),
};

fn detect(f: &mut Finder<'_, '_>, inv: &Invocation<'_>) {
    options::detect(f, inv, inv.host, ShortP::No);
}

fn persist(input: &Input<'_>) -> Keeps {
    let pos = input.positional(&[]);
    let [config, set, key, value, ..] = pos[..] else {
        return Keeps::Nothing;
    };
    if input.value(config) != "config" || input.value(set) != "set" || !input.carries(value) {
        return Keeps::Nothing;
    }
    let option = input.value(key).rsplit('.').next().unwrap_or("");
    let var = format!("PIP_{}", option.to_ascii_uppercase().replace('-', "_"));
    if !crate::shell::is_name(&var) {
        return Keeps::Manual("pip config set writes pip.conf".into());
    }
    let Some(t) = input.template(value, 0..input.value(value).len()) else {
        return Keeps::Manual("pip config set writes pip.conf".into());
    };
    Keeps::Fix(Remedy {
        describe: format!(
            "pip config set writes pip.conf: the command goes, and {var} in .env gives pip the setting"
        ),
        remove: true,
        derived: vec![(var, t)],
        later_runs: Some("pip"),
        ..Remedy::default()
    })
}
