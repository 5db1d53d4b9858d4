//! The Dockerfile side of one secret per former build arg (`--secrets
//! per-secret`): the mount of secret `NAME`, and, unless the frontend sets
//! the variable itself (`env=NAME`), the shell text that reads the secret
//! file into the variable before the RUN's commands, so that tools which
//! read it from the environment still see it.

use crate::fix::Edit;
use crate::syntax::Instruction;

/// The `--mount=` value for secret `name`.
pub fn mount(name: &str, env_mount: bool) -> String {
    let id = crate::callers::secret_id(name);
    if env_mount {
        format!("type=secret,id={id},env={name}")
    } else {
        format!("type=secret,id={id}")
    }
}

/// `NAME="$(cat /run/secrets/NAME)"`: the assignment that reads one secret.
fn assignment(name: &str) -> String {
    let id = crate::callers::secret_id(name);
    format!("{name}=\"$(cat /run/secrets/{id})\"")
}

/// The RUN already reads secret `name` (a file fixed before).
pub fn already_read(src: &str, ins: &Instruction<'_>, name: &str) -> bool {
    let id = crate::callers::secret_id(name);
    ins.span
        .text(src)
        .contains(&format!("$(cat /run/secrets/{id})"))
}

/// The text that exports `names` from their secret files, before the
/// RUN's command line or as the first line of its script (after a `#!`
/// line); then, with `source_env`, the sourcing of the `.env` file.
pub fn reading_edit(src: &str, ins: &Instruction<'_>, names: &[&str], source_env: bool) -> Edit {
    let assignments: Vec<String> = names.iter().map(|n| assignment(n)).collect();
    let export = format!("export {}", assignments.join(" "));
    if let Some(h) = ins.heredocs.first().filter(|h| h.word == ins.args_span) {
        let body = h.body.text(src);
        let eol = if body.contains("\r\n") { "\r\n" } else { "\n" };
        let at = if body.starts_with("#!") {
            body.find('\n').map_or(body.len(), |i| i + 1)
        } else {
            0
        };
        let mut text = format!("{export}{eol}");
        if source_env {
            text.push_str(&format!(". /run/secrets/env{eol}"));
        }
        return Edit::insert(h.body.start + at, text);
    }
    let mut text = format!("{export} && ");
    if source_env {
        text.push_str(". /run/secrets/env && ");
    }
    Edit::insert(ins.args_span.start, text)
}
