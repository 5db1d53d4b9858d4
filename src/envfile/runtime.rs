//! The run-time env file (`--runtime-env FILE`): values the container reads
//! when it starts, for `docker run --env-file FILE` and compose's
//! `env_file:`. The build's `.env` format (`export NAME='value'`) is wrong
//! here: `docker run` reads `export NAME` as a name with a blank in it and
//! refuses the file, and it keeps quotes as part of the value.
//!
//! How each reads a line:
//!
//! * `docker run --env-file` (docker/cli `opts/file.go`,
//!   `parseKeyValueFile`): one line per variable (a CR before the LF is
//!   dropped, a UTF-8 BOM on the first line too); leading white space is
//!   skipped; an empty line or one starting with `#` is skipped; the name is
//!   everything before the first `=` and may not contain a blank; the value
//!   is everything after it, taken literally: no escapes, comments,
//!   `export` or `$` expansion. A line without `=` takes the variable from
//!   the environment of `docker run`. Quotes were kept too until recently;
//!   the current reader (docker/cli `pkg/kvfile`) drops one pair of
//!   matching quotes around the whole value.
//! * compose (compose-go `dotenv/parser.go`): skips white space and `#`
//!   lines, drops an `export ` prefix, trims white space around the name and
//!   after `=`; a value that starts with `'` or `"` is quoted (the quotes
//!   go; in double quotes escapes and `$` are processed); any other value
//!   ends at the end of the line or at ` #` (a comment), loses its trailing
//!   white space, and has `$NAME`, `${NAME}` and `$$` interpolated.
//!
//! So dfix writes `NAME=value`, unquoted, and only for a value both read
//! back exactly: see [`check_value`]. Any other value is refused with the
//! reason, and its finding is left for a person. (Early compose v2
//! releases, 2.3 for one, cut an unquoted value at any `#`; this follows
//! the current parser, which needs the blank before it.)

use super::existing::{Concern, Definition};

/// Why a value cannot be written so that `docker run --env-file` and
/// compose read it back the same; `Ok` when it can.
pub fn check_value(value: &str) -> Result<(), &'static str> {
    if value.contains('\0') {
        return Err("it holds a NUL byte, which no environment variable can");
    }
    if value.contains('\n') {
        return Err("it spans lines, and both read one line per variable");
    }
    if value.starts_with(char::is_whitespace) {
        return Err("it starts with white space, which compose drops and docker run keeps");
    }
    if value.ends_with(char::is_whitespace) {
        return Err("it ends with white space, which compose drops and docker run keeps");
    }
    if value.starts_with(['\'', '"']) {
        // Compose reads a quoted value; docker run keeps the quotes, or
        // (recent releases) drops a matching pair.
        return Err("it starts with a quote, which compose and docker run read differently");
    }
    if value.contains('$') {
        return Err("it holds `$`, which compose expands and docker run keeps");
    }
    if value.contains(" #") {
        return Err("it holds ` #`, where compose starts a comment");
    }
    Ok(())
}

/// The line that sets `name` to `value` (checked with [`check_value`]).
pub(crate) fn line(name: &str, value: &str) -> String {
    format!("{name}={value}")
}

/// Reads an existing run-time env file the way `docker run --env-file`
/// does: every definition in file order (`exported` is always true: every
/// line reaches the container), or the 1-based number of the first line
/// `docker run` refuses. A definition compose would read differently, or
/// whose value `docker run` takes from its own environment, carries a
/// [`Concern`]: it never counts as holding a given value.
pub(crate) fn parse_existing(text: &str) -> Result<Vec<Definition>, usize> {
    let mut defs = Vec::new();
    for (i, raw) in text.split('\n').enumerate() {
        let mut line = raw.strip_suffix('\r').unwrap_or(raw);
        if i == 0 {
            line = line.strip_prefix('\u{feff}').unwrap_or(line);
        }
        let trimmed = line.trim_start();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let (name, value) = match trimmed.split_once('=') {
            Some((name, value)) => (name, Some(value)),
            None => (trimmed, None),
        };
        let name = name.trim_start_matches([' ', '\t']);
        if name.is_empty() || name.contains([' ', '\t']) {
            return Err(i + 1);
        }
        let concern = match value {
            None => Some(Concern::Inherited),
            Some(v) if !super::is_valid_name(name) || check_value(v).is_err() => {
                Some(Concern::RuntimeReaders)
            }
            Some(_) => None,
        };
        defs.push(Definition {
            key: name.to_owned(),
            value: value.unwrap_or("").to_owned(),
            line: i + 1,
            exported: true,
            concern,
        });
    }
    Ok(defs)
}
