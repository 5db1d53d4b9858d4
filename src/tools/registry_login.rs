//! Container registry logins (`docker login -u U -p SECRET host`, podman,
//! buildah, skopeo, nerdctl, helm registry, oras, crane): the registry is
//! the credential's host.

use super::options::{self, ShortP};
use super::{Invocation, Tool};
use crate::secrets::detect::Finder;

pub static TOOL: Tool = Tool {
    names: &[
        "docker", "podman", "buildah", "skopeo", "nerdctl", "helm", "oras", "crane",
    ],
    triggers: &["login"],
    check: None,
    detect,
    examples: &[
        "docker login -u me -p dockerpw registry.example.com",
        "podman login --password=podpw quay.example.com",
    ],
};

fn detect(f: &mut Finder<'_, '_>, inv: &Invocation<'_>) {
    let login = inv.args.iter().position(|&w| f.value(w) == "login");
    let Some(login) = login else {
        options::detect(f, inv, inv.host, ShortP::No);
        return;
    };
    let registry = registry(f, &inv.args[login + 1..]);
    let host = registry.as_deref().or(inv.host);
    options::detect(f, inv, host, ShortP::Any);
}

/// The registry argument after `login`.
fn registry(f: &Finder<'_, '_>, rest: &[usize]) -> Option<String> {
    let mut j = 0;
    let mut found = None;
    while j < rest.len() {
        let v = f.value(rest[j]);
        if matches!(
            v,
            "-u" | "--username" | "-p" | "--password" | "--config" | "--authfile"
        ) {
            j += 2;
            continue;
        }
        if !v.starts_with('-') {
            let host = v.split("://").last().unwrap_or(v);
            found = Some(host.split('/').next().unwrap_or(host).to_ascii_lowercase());
        }
        j += 1;
    }
    found
}
