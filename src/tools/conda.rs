//! conda: `conda config --add channels https://u:SECRET@host/...` writes
//! `~/.condarc`, credential included. Its variables' list format is not
//! documented well enough to rewrite into, so this is reported for a person
//! (a `.condarc` holding `${VAR}`, which conda expands, is the clean way).

use super::options::{self, ShortP};
use super::persist::{Input, Keeps};
use super::{Invocation, Tool};
use crate::secrets::detect::Finder;

pub static TOOL: Tool = Tool {
    names: &["conda", "mamba", "micromamba"],
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
    let config = input
        .args
        .first()
        .is_some_and(|&w| input.value(w) == "config");
    if config && input.any() {
        return Keeps::Manual(
            "conda config writes the credential to ~/.condarc; write a .condarc that holds ${VAR} instead".into(),
        );
    }
    Keeps::Nothing
}
