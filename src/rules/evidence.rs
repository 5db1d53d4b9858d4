//! What a stage does with the files it copies, as evidence of what they
//! are: a path that `GOOGLE_APPLICATION_CREDENTIALS`, `KUBECONFIG` or
//! `gcloud ... --key-file` names is a credential file whatever it is
//! called; a key that `apt-key add`, `rpm --import` or `gpg --dearmor`
//! reads is a public signing key.

use std::sync::LazyLock;

use aho_corasick::AhoCorasick;

use crate::facts::TextKind;
use crate::rules::copies::absolute;
use crate::rules::Context;
use crate::secrets::names::words;
use crate::syntax::{Args, Keyword};

/// Paths in the image a stage reads as credentials or as public keys.
#[derive(Debug, Default)]
pub struct Evidence {
    /// Absolute paths of credential files.
    pub credentials: Vec<String>,
    /// Absolute paths of public keys.
    pub public: Vec<String>,
}

impl Evidence {
    /// Whether `target` is a credential file the stage names, or lies in a
    /// credential directory it names (`DOCKER_CONFIG`).
    pub fn names_credential(&self, target: &str) -> bool {
        self.credentials.iter().any(|p| p == target)
    }

    pub fn names_public(&self, target: &str) -> bool {
        self.public.iter().any(|p| p == target)
    }
}

/// Variables whose value is the path of a credential file.
fn is_credential_path_var(name: &str) -> bool {
    const KNOWN: &[&str] = &[
        "GOOGLE_APPLICATION_CREDENTIALS",
        "AWS_SHARED_CREDENTIALS_FILE",
        "KUBECONFIG",
        "CLOUDSDK_AUTH_CREDENTIAL_FILE_OVERRIDE",
        "GOOGLE_CREDENTIALS_FILE",
        "FIREBASE_SERVICE_ACCOUNT_PATH",
    ];
    if KNOWN.contains(&name) {
        return true;
    }
    let stems = ["file", "path", "keyfile"];
    if !crate::secrets::names::contains_any_ignore_case(name, &stems) {
        return false;
    }
    let w = words(name);
    let ends = |tail: &[&str]| w.len() >= tail.len() && w[w.len() - tail.len()..] == *tail;
    let public = w
        .iter()
        .any(|x| matches!(x.as_str(), "public" | "pub" | "cert" | "ca"));
    !public
        && (ends(&["credentials", "file"])
            || ends(&["credential", "file"])
            || ends(&["key", "file"])
            || ends(&["keyfile"])
            || ends(&["service", "account", "file"])
            || ends(&["service", "account", "path"]))
}

/// Options whose value is a credential file.
const KEY_FILE_OPTIONS: &[&str] = &["--key-file", "--keyfile", "--credential-file"];

/// The evidence of the stage holding instruction `idx`.
pub fn of_stage(cx: &Context<'_, '_, '_>, idx: usize) -> Evidence {
    let mut ev = Evidence::default();
    let Some(stage) = cx.facts.stage(idx) else {
        return ev;
    };
    for i in stage.instructions.clone() {
        let ins = &cx.d.instructions[i];
        match (&ins.keyword, &ins.args) {
            (Keyword::Env, Args::KeyValues(pairs)) => {
                for kv in pairs {
                    if !is_credential_path_var(&kv.key.value) {
                        continue;
                    }
                    let Some(v) = &kv.value else { continue };
                    let v = v.value.trim_matches(['"', '\'']);
                    if !v.is_empty() && !v.contains('$') {
                        ev.credentials.push(absolute(cx, i, v));
                    }
                }
            }
            (Keyword::Run, _) => run(cx, i, &mut ev),
            _ => {}
        }
    }
    ev
}

/// Words one of which any evidence in a RUN text has (the text is lexed
/// only then).
static TRIGGERS: LazyLock<AhoCorasick> = LazyLock::new(|| {
    AhoCorasick::new([
        "key-file",
        "keyfile",
        "credential",
        "apt-key",
        "--import",
        "dearmo",
        "KUBECONFIG",
        "KEY_FILE",
        "CREDENTIALS",
    ])
    .expect("valid patterns")
});

fn run(cx: &Context<'_, '_, '_>, idx: usize, ev: &mut Evidence) {
    for text in cx.facts.run_texts(idx) {
        if !matches!(text.kind, TextKind::CommandLine | TextKind::Script)
            || !TRIGGERS.is_match(text.text)
        {
            continue;
        }
        let script = text.lex();
        for cmd in &script.commands {
            let Some(program) = script.program(cmd) else {
                continue;
            };
            let args: Vec<&str> = script.args(cmd).iter().map(|&w| script.value(w)).collect();
            for (i, a) in args.iter().enumerate() {
                for opt in KEY_FILE_OPTIONS {
                    let value = match a.strip_prefix(opt) {
                        Some("") => args.get(i + 1).copied(),
                        Some(rest) => rest.strip_prefix('='),
                        None => None,
                    };
                    if let Some(v) = value.filter(|v| !v.contains('$') && !v.is_empty()) {
                        ev.credentials.push(absolute(cx, idx, v));
                    }
                }
            }
            let public_reader = match program {
                "apt-key" => args.first() == Some(&"add"),
                "rpm" => args.contains(&"--import"),
                "gpg" | "gpg2" => args.contains(&"--dearmor") || args.contains(&"--dearmour"),
                _ => false,
            };
            if public_reader {
                for a in args.iter().filter(|a| !a.starts_with('-') && **a != "add") {
                    ev.public.push(absolute(cx, idx, a));
                }
            }
            for &w in &cmd.words {
                let value = script.value(w);
                if let Some((name, v)) = value.split_once('=') {
                    if is_credential_path_var(name) && !v.contains('$') && !v.is_empty() {
                        ev.credentials.push(absolute(cx, idx, v));
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::is_credential_path_var;

    #[test]
    fn credential_path_variables() {
        for n in [
            "GOOGLE_APPLICATION_CREDENTIALS",
            "KUBECONFIG",
            "GCP_KEY_FILE",
            "SERVICE_ACCOUNT_FILE",
            "FIREBASE_CREDENTIALS_FILE",
        ] {
            assert!(is_credential_path_var(n), "{n}");
        }
        for n in [
            "PUBLIC_KEY_FILE",
            "SSL_CERT_FILE",
            "CONFIG_FILE",
            "NODE_ENV",
        ] {
            assert!(!is_credential_path_var(n), "{n}");
        }
    }
}
