//! RubyGems: `gem sources --add https://u:SECRET@host/` writes `~/.gemrc`,
//! URL and all.
//!
//! Remedy: undo it at the end of the same RUN (`gem sources --remove URL`),
//! so the layer never holds it. When a later RUN runs gem it would need the
//! source: a person decides (Bundler's `BUNDLE_<HOST>` is the clean way).

use super::options::{self, ShortP};
use super::persist::{Input, Keeps, Remedy};
use super::{Invocation, Tool};
use crate::secrets::detect::Finder;

pub static TOOL: Tool = Tool {
    names: &["gem"],
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
    let args = input.args;
    if args.first().map(|&w| input.value(w)) != Some("sources") {
        return Keeps::Nothing;
    }
    let Some((w, from)) = input.option(&["--add", "-a"]) else {
        return Keeps::Nothing;
    };
    if !input.carries(w) {
        return Keeps::Nothing;
    }
    let len = input.value(w).len();
    let Some(t) = input.template(w, from..len) else {
        return Keeps::Manual("gem sources --add writes ~/.gemrc".into());
    };
    Keeps::Fix(Remedy {
        describe: "gem sources --add writes the URL, credential included, to ~/.gemrc: \
                   the RUN removes the source again before it ends"
            .into(),
        undo: Some(format!("gem sources --remove \"{t}\"")),
        ..Remedy::default()
    })
}
