//! Go: `go env -w GOPROXY=https://u:SECRET@host` writes the `GOENV` file
//! (`~/.config/go/env`).
//!
//! Remedy: the assignment goes from `go env -w` (the whole command when it
//! was the only one), and the variable in `.env` gives go the same setting:
//! the environment beats the `GOENV` file.

use super::options::{self, ShortP};
use super::persist::{Input, Keeps, Remedy};
use super::{Invocation, Tool};
use crate::secrets::detect::Finder;

pub static TOOL: Tool = Tool {
    names: &["go"],
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
    let (Some(&env), Some(&w)) = (args.first(), args.get(1)) else {
        return Keeps::Nothing;
    };
    if input.value(env) != "env" || input.value(w) != "-w" {
        return Keeps::Nothing;
    }
    let assignments = &args[2..];
    let mut remedy = Remedy {
        describe: "go env -w writes the GOENV file: the setting reaches go from .env instead"
            .into(),
        later_runs: Some("go"),
        ..Remedy::default()
    };
    let mut kept = 0;
    for &a in assignments {
        if !input.carries(a) {
            kept += 1;
            continue;
        }
        let v = input.value(a);
        let Some(eq) = v.find('=') else {
            return Keeps::Manual("go env -w writes the GOENV file".into());
        };
        let (Some(t), true) = (
            input.template(a, eq + 1..v.len()),
            crate::shell::is_name(&v[..eq]),
        ) else {
            return Keeps::Manual("go env -w writes the GOENV file".into());
        };
        remedy.derived.push((v[..eq].to_owned(), t));
        remedy.replace.push((a, 0..v.len(), String::new()));
    }
    if remedy.derived.is_empty() {
        return Keeps::Nothing;
    }
    if kept == 0 {
        remedy.replace.clear();
        remedy.remove = true;
    }
    Keeps::Fix(remedy)
}
