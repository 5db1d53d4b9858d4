//! Bundler: `bundle config [set] HOST USER:SECRET` (a gem server's
//! credentials; `mirror.`, `build.` and `local.` keys are something else)
//! writes `.bundle/config` or `~/.bundle/config`.
//!
//! Remedy: the command goes, and `BUNDLE_<HOST>` in `.env` (upper case,
//! `.` as `__`, `-` as `___`: `gems.my-host.com` → `BUNDLE_GEMS__MY___HOST__COM`)
//! gives Bundler the same credential.

use super::options::{self, ShortP};
use super::{positional, Invocation, Tool};
use crate::secrets::detect::{Ctx, Finder};
use crate::secrets::url::colon;
use crate::secrets::{CredentialKind as K, Role as R};

pub static TOOL: Tool = Tool {
    names: &["bundle", "bundler"],
    triggers: &["bundle"],
    check: None,
    detect,
    persist: Some(persist),
    examples: &[
        "bundle config set gems.example.com alice:bundlepw",
        "bundle config gems.example.com tokenonly123abc",
    ],
};

fn detect(f: &mut Finder<'_, '_>, inv: &Invocation<'_>) {
    config(f, inv);
    options::detect(f, inv, inv.host, ShortP::No);
}

fn config(f: &mut Finder<'_, '_>, inv: &Invocation<'_>) {
    let pos = positional(f, inv.args);
    if pos.first().map(|&w| f.value(w)) != Some("config") {
        return;
    }
    let at = if pos.get(1).is_some_and(|&w| f.value(w) == "set") {
        2
    } else {
        1
    };
    let (Some(&key), Some(&value)) = (pos.get(at), pos.get(at + 1)) else {
        return;
    };
    let k = f.value(key);
    let host_key = k.contains('.') || (k.starts_with("BUNDLE_") && k.contains("__"));
    let other = ["mirror.", "build.", "local."]
        .iter()
        .any(|p| k.starts_with(p));
    let v = f.value(value);
    if !host_key || other || v.contains("://") {
        return;
    }
    let host = k.split("://").last().unwrap_or(k);
    let host = host.split('/').next().unwrap_or(host);
    let ctx = Ctx {
        tool: Some("bundle"),
        host: Some(host),
        name: None,
    };
    match colon(v) {
        Some(c) if &v[c + 1..] == "x-oauth-basic" => {
            f.add(value, 0..c, K::PackageConfig, R::Token, ctx);
        }
        Some(c) => {
            f.add_rest(value, c + 1, K::PackageConfig, R::Password, ctx);
        }
        None => {
            f.add_rest(value, 0, K::PackageConfig, R::Token, ctx);
        }
    }
}

/// Bundler's variable for a host: `BUNDLE_` + the host with `.` as `__` and
/// `-` as `___`, upper case. For a source URL (`bundle config set
/// http://host:8080/gems/ u:p`) Bundler looks the credential up by the URL,
/// which no variable can name, then by the bare host (`credentials_for`:
/// `self[uri.to_s] || self[uri.host]`), without the port.
fn variable(host: &str) -> String {
    let url = host.contains("://");
    let host = host.split("://").last().unwrap_or(host);
    let host = host.split('/').next().unwrap_or(host);
    let host = if url {
        let host = host.rsplit('@').next().unwrap_or(host);
        host.split(':').next().unwrap_or(host)
    } else {
        host
    };
    let mut out = String::from("BUNDLE_");
    for c in host.chars() {
        match c {
            '.' => out.push_str("__"),
            '-' => out.push_str("___"),
            c => out.push(c.to_ascii_uppercase()),
        }
    }
    out
}

fn persist(input: &super::persist::Input<'_>) -> super::persist::Keeps {
    use super::persist::{Keeps, Remedy};
    let pos = input.positional(&[]);
    if pos.first().map(|&w| input.value(w)) != Some("config") {
        return Keeps::Nothing;
    }
    let at = if pos.get(1).is_some_and(|&w| input.value(w) == "set") {
        2
    } else {
        1
    };
    let (Some(&key), Some(&value)) = (pos.get(at), pos.get(at + 1)) else {
        return Keeps::Nothing;
    };
    if !input.carries(value) {
        return Keeps::Nothing;
    }
    let k = input.value(key);
    let var = if k.starts_with("BUNDLE_") {
        k.to_owned()
    } else {
        variable(k)
    };
    if !crate::shell::is_name(&var) {
        return Keeps::Manual("bundle config writes .bundle/config".into());
    }
    let Some(t) = input.template(value, 0..input.value(value).len()) else {
        return Keeps::Manual("bundle config writes .bundle/config".into());
    };
    Keeps::Fix(Remedy {
        describe: format!(
            "bundle config writes .bundle/config: the command goes, and {var} in .env gives Bundler the credential"
        ),
        remove: true,
        derived: vec![(var, t)],
        later_runs: Some("bundle"),
        ..Remedy::default()
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn bundler_mangles_hosts() {
        assert_eq!(
            super::variable("my.gem-host.com"),
            "BUNDLE_MY__GEM___HOST__COM"
        );
        assert_eq!(
            super::variable("https://gems.example.com/"),
            "BUNDLE_GEMS__EXAMPLE__COM"
        );
        assert_eq!(
            super::variable("http://127.0.0.1:33033/gems/"),
            "BUNDLE_127__0__0__1"
        );
    }
}
