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
    persist: Some(persist),
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
    if key.contains(['$', '`']) {
        // The key is computed: which setting it is, is not known.
        return;
    }
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

fn persist(input: &super::persist::Input<'_>) -> super::persist::Keeps {
    use super::persist::{Carrier, Keeps, Remedy};
    let pos = input.positional(&["--location", "-L"]);
    let at = match pos.first().map(|&w| input.value(w)) {
        Some("config") if pos.get(1).is_some_and(|&w| input.value(w) == "set") => 2,
        Some("set") => 1,
        _ => return Keeps::Nothing,
    };
    let Some(&key_word) = pos.get(at) else {
        return Keeps::Nothing;
    };
    let kv = input.value(key_word);
    let (key, value_word, from) = match kv.split_once('=') {
        Some((k, _)) => (k.to_owned(), key_word, k.len() + 1),
        None => match pos.get(at + 1) {
            Some(&v) => (kv.to_owned(), v, 0),
            None => return Keeps::Nothing,
        },
    };
    if !input.carries(value_word) {
        return Keeps::Nothing;
    }
    if input.program == "yarn" {
        let var = match key.as_str() {
            "npmAuthToken" => "YARN_NPM_AUTH_TOKEN",
            "npmAuthIdent" => "YARN_NPM_AUTH_IDENT",
            _ => {
                return Keeps::Manual(
                    "yarn config set writes .yarnrc.yml, and only its top-level auth keys have variables".into(),
                )
            }
        };
        let len = input.value(value_word).len();
        let Some(t) = input.template(value_word, from..len) else {
            return Keeps::Manual("yarn config set writes .yarnrc.yml".into());
        };
        return Keeps::Fix(Remedy {
            describe: format!(
                "yarn config set writes .yarnrc.yml: the command goes, and {var} in .env gives Yarn the token"
            ),
            remove: true,
            derived: vec![(var.to_owned(), t)],
            later_runs: Some("yarn"),
            ..Remedy::default()
        });
    }
    // The value must be one credential: its variable name goes in its place.
    let len = input.value(value_word).len();
    let name = input.carriers.iter().find_map(|(w, c)| match c {
        Carrier::Literal { range, name }
            if *w == value_word && range.start == from && range.end == len =>
        {
            Some(name.clone())
        }
        Carrier::Variable(name)
            if *w == value_word
                && input.template(value_word, from..len).as_deref()
                    == Some(&format!("${{{name}}}")) =>
        {
            Some(name.clone())
        }
        _ => None,
    });
    let Some(name) = name else {
        return Keeps::Manual(format!(
            "{} config set writes ~/.npmrc, and its value is more than one credential",
            input.program
        ));
    };
    Keeps::Fix(Remedy {
        describe: format!(
            "{} config set writes ~/.npmrc: it now writes the text ${{{name}}}, which npm expands from .env when it reads the file",
            input.program
        ),
        replace: vec![(value_word, from..len, format!("${{{name}}}"))],
        later_runs: Some(if input.program == "pnpm" { "pnpm" } else { "npm" }),
        ..Remedy::default()
    })
}
