//! Container registry logins (`docker login -u U -p SECRET host`, podman,
//! buildah, skopeo, nerdctl, helm registry, oras, crane): the registry is
//! the credential's host.
//!
//! A login writes the credential to a file (`~/.docker/config.json`,
//! base64-encoded; `/run/containers/0/auth.json` for podman and friends as
//! root; `--config`/`--authfile` move it), wherever the password came from,
//! a secret mount included. Remedy: a tmpfs over that directory for the RUN,
//! so the file never reaches the layer. `helm repo add --password` writes
//! `repositories.yaml` among other settings: reported for a person.

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
    persist: Some(persist),
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

fn persist(input: &super::persist::Input<'_>) -> super::persist::Keeps {
    use super::persist::{Keeps, Remedy};
    let words: Vec<&str> = input.args.iter().map(|&w| input.value(w)).collect();
    if input.program == "helm" && words.starts_with(&["repo", "add"]) && input.any() {
        return Keeps::Manual(
            "helm repo add keeps the password in repositories.yaml; pass --username/--password to \
             the helm command that needs them instead"
                .into(),
        );
    }
    let login = words.iter().position(|w| *w == "login");
    let Some(login) = login.filter(|&l| l <= 1) else {
        return Keeps::Nothing;
    };
    let _ = login;
    let dir = match input.program {
        "docker" | "nerdctl" => match input.option(&["--config"]) {
            Some((w, at)) => Some(input.value(w)[at..].to_owned()),
            None => input
                .home
                .map(|h| format!("{}/.docker", h.trim_end_matches('/'))),
        },
        "podman" | "buildah" | "skopeo" => match input.option(&["--authfile"]) {
            Some((w, at)) => {
                let f = &input.value(w)[at..];
                f.rsplit_once('/').map(|(d, _)| d.to_owned())
            }
            None => (input.home == Some("/root")).then(|| "/run/containers/0".to_owned()),
        },
        "helm" => input
            .home
            .map(|h| format!("{}/.config/helm/registry", h.trim_end_matches('/'))),
        _ => None,
    };
    match dir.filter(|d| d.starts_with('/') && !d.contains(['$', '`', ' ', ','])) {
        Some(dir) => Keeps::Fix(Remedy {
            describe: format!(
                "{} login writes the credential to {dir}: that directory is a tmpfs for this RUN",
                input.program
            ),
            tmpfs: vec![dir],
            ..Remedy::default()
        }),
        None => Keeps::Manual(format!(
            "{} login writes the credential to a file in its config directory, which dfix cannot place",
            input.program
        )),
    }
}
