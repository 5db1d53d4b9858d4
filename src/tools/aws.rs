//! The AWS CLI: `aws configure set aws_secret_access_key SECRET` (and the key
//! id and session token) writes `~/.aws/credentials`.
//!
//! Remedy: the command goes, and the value reaches the CLI as
//! `AWS_ACCESS_KEY_ID`/`AWS_SECRET_ACCESS_KEY`/`AWS_SESSION_TOKEN` in `.env`,
//! which take precedence over the files. Not for a named profile (a
//! `--profile` on the command line wins over the variables).

use super::options::{self, ShortP};
use super::{Invocation, Tool};
use crate::secrets::detect::{Ctx, Finder};
use crate::secrets::{CredentialKind as K, Role as R};

pub static TOOL: Tool = Tool {
    names: &["aws"],
    triggers: &["configure"],
    check: None,
    detect,
    persist: Some(persist),
    examples: &[
        "aws configure set aws_secret_access_key wJalrXUtnFEMI/K7MDENG",
        "aws --profile p configure set default.aws_session_token sesstok",
    ],
};

fn detect(f: &mut Finder<'_, '_>, inv: &Invocation<'_>) {
    configure_set(f, inv);
    options::detect(f, inv, inv.host, ShortP::No);
}

fn configure_set(f: &mut Finder<'_, '_>, inv: &Invocation<'_>) {
    let rest = inv.args;
    let mut pos = Vec::new();
    let mut j = 0;
    while j < rest.len() {
        let v = f.value(rest[j]);
        if v.starts_with("--") {
            j += if v.contains('=') { 1 } else { 2 };
            continue;
        }
        pos.push(rest[j]);
        j += 1;
    }
    if pos.len() < 4 || f.value(pos[0]) != "configure" || f.value(pos[1]) != "set" {
        return;
    }
    let key = f.value(pos[2]).rsplit('.').next().unwrap_or("");
    // A computed key (`$KEY`) is no known setting.
    if key.contains(['$', '`']) || !f.is_secret_name(key) {
        return;
    }
    let role = if key.ends_with("id") {
        R::AccessKeyId
    } else if key.contains("secret") {
        R::SecretKey
    } else {
        R::Token
    };
    let ctx = Ctx {
        tool: Some("aws"),
        name: Some(key),
        ..Ctx::default()
    };
    f.add_rest(pos[3], 0, K::AwsConfig, role, ctx);
}

/// The variable each credential key maps to.
fn variable(key: &str) -> Option<&'static str> {
    match key {
        "aws_access_key_id" => Some("AWS_ACCESS_KEY_ID"),
        "aws_secret_access_key" => Some("AWS_SECRET_ACCESS_KEY"),
        "aws_session_token" => Some("AWS_SESSION_TOKEN"),
        _ => None,
    }
}

fn persist(input: &super::persist::Input<'_>) -> super::persist::Keeps {
    use super::persist::{Keeps, Remedy};
    let pos = input.positional(&["--profile", "--region", "--output", "--endpoint-url"]);
    let [configure, set, key, value, ..] = pos[..] else {
        return Keeps::Nothing;
    };
    if input.value(configure) != "configure" || input.value(set) != "set" || !input.carries(value) {
        return Keeps::Nothing;
    }
    let full = input.value(key);
    let (profile, key) = full.rsplit_once('.').unwrap_or(("default", full));
    let Some(var) = variable(key) else {
        return Keeps::Nothing;
    };
    if input.option(&["--profile"]).is_some() || !matches!(profile, "default" | "profile.default") {
        return Keeps::Manual(
            "aws configure set writes ~/.aws/credentials for a named profile;              AWS_* variables only replace the default profile"
                .into(),
        );
    }
    let Some(template) = input.template(value, 0..input.value(value).len()) else {
        return Keeps::Manual("aws configure set writes ~/.aws/credentials".into());
    };
    Keeps::Fix(Remedy {
        describe: format!(
            "aws configure set writes ~/.aws/credentials: the command goes, and {var} in .env gives the CLI the key"
        ),
        remove: true,
        derived: vec![(var.to_owned(), template)],
        later_runs: Some("aws"),
        ..Remedy::default()
    })
}
