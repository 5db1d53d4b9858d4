//! The two kinds of env file dfix writes, and what differs between them:
//! the build's `.env` (sourced by `sh` in a `RUN`, read back with dotenvy)
//! and the run-time env file (`--runtime-env`, read by `docker run
//! --env-file` and compose). [`super::plan()`] merges into either the same
//! way: existing bytes kept, equal values reused, a different value never
//! overwritten.

use std::path::Path;

use super::error::EnvFileError;
use super::existing::{parse_existing, Definition};
use super::quote::env_quote;
use super::runtime;

/// Which env file a plan is for.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Dialect {
    /// The build's `.env`: `export NAME='value'` lines.
    #[default]
    Build,
    /// The run-time env file: `NAME=value` lines.
    Runtime,
}

const BUILD_HEADER: &[&str] = &[
    "# Build secrets written by dfix, passed to docker build with --secret.",
    "# Keep this file private: out of version control and out of the build context.",
];

const RUNTIME_HEADER: &[&str] = &[
    "# Run-time secrets written by dfix: docker run --env-file <this file>, or compose env_file:.",
    "# One NAME=value per line, read literally: no quotes, no $, no export.",
    "# Keep this file private: out of version control and out of the build context.",
];

impl Dialect {
    /// The value as it is written after `NAME=`, or why it cannot be.
    pub(crate) fn quote(self, value: &str) -> Result<String, &'static str> {
        match self {
            Dialect::Build => env_quote(value).map_err(|e| e.why()),
            Dialect::Runtime => runtime::check_value(value).map(|()| value.to_owned()),
        }
    }

    /// The line setting `name` to an already quoted value.
    pub(crate) fn line(self, name: &str, quoted: &str) -> String {
        match self {
            Dialect::Build => format!("export {name}={quoted}"),
            Dialect::Runtime => runtime::line(name, quoted),
        }
    }

    /// A placeholder's lines: an optional comment line before it, and the
    /// line itself (an empty value both readers agree on).
    pub(crate) fn placeholder(self, name: &str, note: &str) -> (Option<String>, String) {
        let todo = if note.is_empty() {
            "TODO: fill in".to_owned()
        } else {
            format!("TODO: fill in ({note})")
        };
        match self {
            Dialect::Build => (None, format!("export {name}='' # {todo}")),
            // docker run keeps a comment after the value as part of it.
            Dialect::Runtime => (Some(format!("# {name}: {todo}")), format!("{name}=")),
        }
    }

    pub(crate) fn header(self) -> &'static [&'static str] {
        match self {
            Dialect::Build => BUILD_HEADER,
            Dialect::Runtime => RUNTIME_HEADER,
        }
    }

    /// Every definition of an existing file, or the error for the first
    /// line this file's reader refuses.
    pub(crate) fn parse(self, path: &Path, text: &str) -> Result<Vec<Definition>, EnvFileError> {
        match self {
            Dialect::Build => parse_existing(text).map_err(|line| EnvFileError::Parse {
                path: path.to_owned(),
                line,
            }),
            Dialect::Runtime => {
                runtime::parse_existing(text).map_err(|line| EnvFileError::RuntimeParse {
                    path: path.to_owned(),
                    line,
                })
            }
        }
    }

    /// In a CRLF file, whether an appended line needs ` #` before the CR:
    /// `sh` keeps a CR in the value; `docker run` and compose drop it.
    pub(crate) fn guards_cr(self) -> bool {
        self == Dialect::Build
    }
}
