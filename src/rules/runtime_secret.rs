//! What [`super::secret_build_arg`] may do with a secret environment
//! variable once [`crate::env_use`] has said who reads it, and what a
//! person is told when it may not do anything. A run-time secret belongs
//! to the deployment: dfix never moves it into the build's `.env`, and
//! moves it out of the image only when asked (`--runtime-env FILE`).

use crate::env_use::{Classification, Use};
use crate::envfile::runtime::check_value;
use crate::rules::Context;
use crate::secrets::SecretValue;

/// Why the variable `name` (classified as `c`, with `value` when the
/// Dockerfile holds it) is left for a person, if it is.
pub(super) fn blocked(
    cx: &Context<'_, '_, '_>,
    c: &Classification,
    name: &str,
    value: Option<&SecretValue>,
) -> Option<String> {
    let lines = |idx: usize| cx.d.instructions[idx].start_line;
    let env_use = c.env_use();
    if let Some(idx) = c.onbuild() {
        return Some(format!(
            "an ONBUILD step (line {}) reads {name} in the build of every image made FROM this one; \
             give it to those builds another way",
            lines(idx)
        ));
    }
    let stays_exec = |r: &usize| !cx.converted_exec.contains(r);
    if let Some(run) = c
        .exec_readers()
        .find(stays_exec)
        .filter(|_| env_use != Use::Runtime)
    {
        return Some(format!(
            "an exec-form RUN (line {}) reads {name} and cannot source the env file; \
             write that RUN in the shell form first",
            lines(run)
        ));
    }
    match env_use {
        Use::Build => None,
        Use::Runtime if !cx.options.runtime_env => Some(format!(
            "the container needs {name} when it runs, so it belongs to the deployment, not the build: \
             take it out of the image and pass it when the container starts, e.g. a line {name}=... \
             in an env file kept out of git and of the build context, then \
             `docker run --env-file FILE IMAGE` (compose: `env_file: [FILE]`, or \
             `environment: [{name}]` to pass it from the shell); `dfix --runtime-env FILE` does this"
        )),
        Use::Both if !cx.options.runtime_env => Some(format!(
            "the build and the container may both need {name}: the RUN steps can read it from a secret \
             mount, the container from an env file given when it starts \
             (`docker run --env-file FILE IMAGE`; compose: `env_file: [FILE]`); \
             `dfix --runtime-env FILE` does both"
        )),
        Use::Runtime | Use::Both => value
            .and_then(|v| check_value(v.expose()).err())
            .map(|why| {
                format!(
                    "its value cannot go into a run-time env file that docker run --env-file and \
                     compose read alike ({why}); pass {name} to the container another way"
                )
            }),
    }
}
