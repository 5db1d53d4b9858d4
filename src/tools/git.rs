//! git: a URL with user-info (`git clone https://ci:TOKEN@host/r`) is kept
//! in `r/.git/config` (`remote.origin.url`), and `git config` keeps what it
//! is given in a config file (`url."https://TOKEN@host/".insteadOf`,
//! `http.extraheader`).
//!
//! Remedy: the command clones the clean URL, and the credential reaches git
//! through `GIT_CONFIG_COUNT`/`GIT_CONFIG_KEY_n`/`GIT_CONFIG_VALUE_n` in
//! `.env` (`url.<URL with credential>.insteadOf = <clean URL>`), which git
//! reads from the environment and never writes down; a `git config` that
//! carries a credential goes, and its key and value move to the same
//! variables. This also serves submodules and `go mod download`, which run
//! git.

use super::options::{self, ShortP};
use super::persist::{Input, Keeps, Remedy};
use super::{Invocation, Tool};
use crate::secrets::detect::Finder;
use crate::secrets::url::parse_url;

pub static TOOL: Tool = Tool {
    names: &["git"],
    triggers: &[],
    check: None,
    detect,
    examples: &[],
    persist: Some(persist),
};

fn detect(f: &mut Finder<'_, '_>, inv: &Invocation<'_>) {
    options::detect(f, inv, inv.host, ShortP::No);
}

/// Global options that take a value (`git -C dir clone ...`).
const GLOBAL_TAKES: &[&str] = &[
    "-C",
    "-c",
    "--git-dir",
    "--work-tree",
    "--namespace",
    "--exec-path",
];

/// Subcommands that store the URL they are given.
const STORES_URL: &[&str] = &["clone", "submodule", "remote"];

fn persist(input: &Input<'_>) -> Keeps {
    if !input.any() {
        return Keeps::Nothing;
    }
    let mut args = input.args.iter().copied().peekable();
    let mut sub = None;
    while let Some(w) = args.next() {
        let v = input.value(w);
        if GLOBAL_TAKES.contains(&v) {
            args.next();
        } else if !v.starts_with('-') {
            sub = Some(v);
            break;
        }
    }
    let rest: Vec<usize> = args.collect();
    match sub {
        Some("config") => config(input, &rest),
        Some(s) if STORES_URL.contains(&s) => urls(input, &rest, s),
        _ => Keeps::Nothing,
    }
}

/// `clone`/`submodule add`/`remote add|set-url` with a credential in a URL.
fn urls(input: &Input<'_>, rest: &[usize], sub: &str) -> Keeps {
    let mut remedy = Remedy {
        describe: format!(
            "git {sub} keeps the URL, credential included, in .git/config: \
             the clean URL is {sub}d, and the credential reaches git through GIT_CONFIG_* in .env"
        ),
        later_runs: Some("git"),
        ..Remedy::default()
    };
    for &w in rest.iter().filter(|&&w| input.carries(w)) {
        let value = input.value(w);
        let Some(p) = value.find("://") else {
            continue;
        };
        let Some(url) = parse_url(value, p) else {
            continue;
        };
        let Some(info) = url.userinfo else {
            continue;
        };
        // scheme://userinfo@host[:port]/ and scheme://host[:port]/; without
        // a path (the host a variable that may hold one), the whole URL.
        let slash = value[info.end..].find('/').map(|i| info.end + i);
        let host_end = slash.unwrap_or(value.len());
        let sep = if slash.is_some() { "/" } else { "" };
        let Some(with) = input.template(w, 0..host_end) else {
            return Keeps::Manual(format!(
                "git {sub} keeps the URL in .git/config, and its credential is not one dfix can move to .env"
            ));
        };
        let Some(clean) = input
            .template(w, 0..info.start)
            .zip(input.template(w, info.end + 1..host_end))
        else {
            return Keeps::Manual(format!("git {sub} keeps the URL in .git/config"));
        };
        let clean = format!("{}{}", clean.0, clean.1);
        remedy.git_config.push((
            format!("url.{with}{sep}.insteadOf"),
            format!("{clean}{sep}"),
        ));
        // The user-info and its `@` go from the URL.
        remedy
            .replace
            .push((w, info.start..info.end + 1, String::new()));
    }
    if remedy.git_config.is_empty() {
        return Keeps::Nothing;
    }
    Keeps::Fix(remedy)
}

/// `git config [scope] KEY VALUE` with a credential in the key or value.
fn config(input: &Input<'_>, rest: &[usize]) -> Keeps {
    let mut positional = Vec::new();
    for &w in rest {
        let v = input.value(w);
        if matches!(
            v,
            "--get"
                | "--get-all"
                | "--unset"
                | "--unset-all"
                | "--list"
                | "-l"
                | "--remove-section"
                | "--rename-section"
        ) {
            return Keeps::Nothing;
        }
        if matches!(v, "--add" | "--replace-all") {
            continue;
        }
        if v == "--file" || v == "-f" || v == "--type" {
            return Keeps::Manual(
                "git config with --file or --type writes a file dfix does not model".into(),
            );
        }
        if !v.starts_with('-') {
            positional.push(w);
        }
    }
    let [key, value] = positional[..] else {
        return Keeps::Nothing;
    };
    if !input.carries(key) && !input.carries(value) {
        return Keeps::Nothing;
    }
    let (Some(k), Some(v)) = (
        input.template(key, 0..input.value(key).len()),
        input.template(value, 0..input.value(value).len()),
    ) else {
        return Keeps::Manual(
            "git config keeps the credential in a config file, and it is not one dfix can move to .env".into(),
        );
    };
    Keeps::Fix(Remedy {
        describe: "git config keeps the credential in ~/.gitconfig: the command goes, and \
                   the setting reaches git through GIT_CONFIG_* in .env"
            .into(),
        remove: true,
        git_config: vec![(k, v)],
        later_runs: Some("git"),
        ..Remedy::default()
    })
}
