//! The generated `.env` file: planning and merging it, quoting values so
//! that `sh` and dotenvy agree on them, writing it safely, and keeping it
//! out of `.dockerignore`d build contexts and `.gitignore`d repositories.
//!
//! The `.env` file is consumed twice: by `sh` in the build (a rewritten
//! `RUN --mount=type=secret,id=<id> . /run/secrets/<id> && ...`), and by
//! dotenvy when dfix reads an existing file to merge into it. Every line
//! dfix writes reads back identically in both; see [`quote`] for the
//! dotenvy 0.15 quirks that forced the representation, and [`plan()`] for
//! the merge rules and line formats.
//!
//! One concern per file:
//!
//! * [`quote`]: [`shell_single_quote`], [`env_quote`], name validation.
//! * [`runtime`]: the run-time env file (`--runtime-env`): `NAME=value`
//!   lines that `docker run --env-file` and compose read alike.
//! * `dialect`: [`Dialect`], what differs between the two kinds of file.
//! * `existing`: dotenvy's reading of an existing file, with line numbers
//!   and a check for lines sh would read differently ([`Concern`]).
//! * `plan`: [`plan()`], [`EnvPlan`].
//! * `write`: [`read_env_file`], [`write_env_file`].
//! * `ignore_files`: [`plan_ignore_update`] (and
//!   [`plan_ignore_update_with_temp`], which also covers dfix's temporary
//!   files), [`is_in_git_repo`].
//! * `error`: [`EnvFileError`]; messages name the file and never contain a
//!   value.

mod dialect;
mod error;
mod existing;
mod existing_env;
mod ignore_files;
mod plan;
pub mod quote;
pub mod runtime;
mod write;

#[cfg(test)]
mod runtime_tests;
#[cfg(test)]
mod tests;

pub use dialect::Dialect;
pub use error::{ConflictReason, EnvFileError};
pub use existing::Concern;
pub use existing_env::Existing;
pub use ignore_files::{
    is_ignored, is_in_git_repo, is_tracked_by_git, plan_ignore_update,
    plan_ignore_update_with_temp, IgnoreKind, TEMP_PATTERN_DOCKER, TEMP_PATTERN_GIT,
};
pub use plan::{
    derived_value, plan, plan_as, EnvPlan, LineEnding, LineWarning, Outcome, PlannedEntry,
    WantedEntry, WantedValue,
};
pub use quote::{env_quote, is_valid_name, shell_single_quote, shell_word, Unquotable};
pub use write::{read_env_file, write_env_file, WriteOutcome, NEW_FILE_MODE};
