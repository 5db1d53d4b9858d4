//! DF003 `secret-build-arg`.
//!
//! **What it catches:** an `ARG` or `ENV` whose name says it holds a secret
//! (`NPM_TOKEN`, `PYPI_PASS`, `githubToken`, ... — see
//! [`crate::secrets::is_secret_name`]; `GPG_KEY`, `PUBLIC_KEY_PATH` and the like
//! are not secrets), any `ARG` used in the user-info part of a URL, and `ARG`s
//! promoted to `ENV` (`ENV NPM_TOKEN=$NPM_TOKEN`), in every stage and before
//! the first `FROM`.
//!
//! **Why it matters:** build arguments are recorded in `docker history` and
//! `ENV` values in the image config, for anyone who pulls the image; an `ENV`
//! also hands the value to every later `RUN` (tools like npm read it without
//! the `RUN` naming it).
//!
//! **Fix:** the declarations go; `${NAME}` references stay; every `RUN` that
//! uses the value (for an `ENV`, or an `ARG` no `RUN` names, every later `RUN`
//! of the stage) gets `--mount=type=secret,id=env` and runs
//! `. /run/secrets/env` first. A literal default goes into the `.env`; a value
//! that came from `--build-arg` gets a placeholder to fill in. A secret also
//! used outside `RUN` (`FROM`, `LABEL`, a `CMD` that needs it at run time) is
//! reported for a person.
