//! The AWS CLI: `aws configure set aws_secret_access_key SECRET` (and the key
//! id and session token).

use super::options::{self, ShortP};
use super::{Invocation, Tool};
use crate::secrets::detect::{Ctx, Finder};
use crate::secrets::{CredentialKind as K, Role as R};

pub static TOOL: Tool = Tool {
    names: &["aws"],
    triggers: &["configure"],
    check: None,
    detect,
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
    if !f.is_secret_name(key) {
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
