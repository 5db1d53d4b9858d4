//! Planning the new `.env` text: merge wanted entries into the existing file
//! without changing any existing byte.
//!
//! Rules:
//!
//! * Existing bytes are kept as they are. The only change ever made to them
//!   is a line ending added after a last line that has none, and only when
//!   something is appended. Appended lines use the file's line ending.
//! * A wanted key that the file already sets to the same value (as dotenvy
//!   reads it; `export K=v` and `K=v` both count) is reused: nothing is
//!   appended. A line that sh might read differently from dotenvy (see
//!   [`Concern`]) never counts as the same value.
//! * A wanted key that the file sets to anything else is never overwritten:
//!   planning fails with [`EnvFileError::Conflict`], naming the key. (The
//!   Dockerfile side never asks for such a key: names it makes up avoid the
//!   keys the file holds.)
//! * A key the file sets without `export` is not there for the build:
//!   sourcing the file would not hand it to the tools. An `export` line with
//!   the same value is appended.
//! * A placeholder is satisfied by any existing definition of its key.
//!
//! Line formats of the build's `.env` (see also [`super::env_quote`]; the
//! run-time env file's are in [`super::runtime`]):
//!
//! ```text
//! export NAME='value'
//! export NAME='' # TODO: fill in (note)
//! ```
//!
//! A placeholder is an empty value followed by a comment. Both sh and
//! dotenvy read it as the empty string: sh because `#` after a blank starts
//! a comment, dotenvy because a blank then `#` after a value ends it. There
//! is exactly one blank before the `#`: with two, dotenvy's line splitter no
//! longer treats the rest as a comment, and a `'` in the note would open a
//! quote that swallows the following lines.
//!
//! In a CRLF file every appended line ends in ` #` before the CR LF, so that
//! the CR falls into a comment: sh would otherwise keep it at the end of the
//! value (dotenvy drops it), e.g. `export A='x'` CR LF sources as `x` CR.

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};

use super::dialect::Dialect;
use super::error::{ConflictReason, EnvFileError};
use super::existing::{Concern, Definition};
use super::quote::is_valid_name;

/// The value dfix wants a key to have.
#[derive(Clone, PartialEq, Eq)]
pub enum WantedValue {
    /// A literal credential taken out of the Dockerfile.
    Secret(String),
    /// A value the user has to fill in (e.g. a former `--build-arg`); the
    /// note, if any, ends up in the line's comment.
    Placeholder { note: Option<String> },
    /// A value made of earlier entries: the text of a double-quoted word
    /// whose only expansions are `${NAME}` (a tool's own variable built from
    /// a secret, such as `GIT_CONFIG_KEY_0`). Written as
    /// `export NAME="text"`; sh and dotenvy expand it alike when it passes
    /// [`derived_value`].
    Derived(String),
    /// A derived value that may supersede a derived line dfix wrote before
    /// for the same name (a list several Dockerfiles share): a new line is
    /// appended, and sh and dotenvy both keep the last.
    Collected(String),
}

impl fmt::Debug for WantedValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WantedValue::Secret(_) => f.write_str("Secret(<redacted>)"),
            WantedValue::Derived(t) => f.debug_tuple("Derived").field(t).finish(),
            WantedValue::Collected(t) => f.debug_tuple("Collected").field(t).finish(),
            WantedValue::Placeholder { note } => {
                f.debug_struct("Placeholder").field("note", note).finish()
            }
        }
    }
}

/// One variable dfix wants in the `.env` file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WantedEntry {
    pub name: String,
    pub value: WantedValue,
}

impl WantedEntry {
    pub fn secret(name: impl Into<String>, value: impl Into<String>) -> Self {
        WantedEntry {
            name: name.into(),
            value: WantedValue::Secret(value.into()),
        }
    }

    pub fn derived(name: impl Into<String>, template: impl Into<String>) -> Self {
        WantedEntry {
            name: name.into(),
            value: WantedValue::Derived(template.into()),
        }
    }

    pub fn collected(name: impl Into<String>, template: impl Into<String>) -> Self {
        WantedEntry {
            name: name.into(),
            value: WantedValue::Collected(template.into()),
        }
    }

    pub fn placeholder(name: impl Into<String>, note: Option<&str>) -> Self {
        WantedEntry {
            name: name.into(),
            value: WantedValue::Placeholder {
                note: note.map(str::to_owned),
            },
        }
    }
}

/// Line ending of the `.env` file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineEnding {
    Lf,
    CrLf,
}

impl LineEnding {
    /// The ending of the file's first line; LF when it has no line break.
    pub fn detect(text: &str) -> LineEnding {
        match text.find('\n') {
            Some(at) if at > 0 && text.as_bytes()[at - 1] == b'\r' => LineEnding::CrLf,
            _ => LineEnding::Lf,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            LineEnding::Lf => "\n",
            LineEnding::CrLf => "\r\n",
        }
    }
}

/// What happened to one wanted entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// A line was appended.
    Added,
    /// The file already had it: nothing appended.
    Reused,
}

/// The plan for one wanted entry, in request order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedEntry {
    pub name: String,
    pub outcome: Outcome,
    /// Whether this entry was a placeholder.
    pub placeholder: bool,
    /// Line of the new text that defines `name` (the last definition, which
    /// is the one sh keeps).
    pub line: Option<usize>,
    /// Whether sourcing the file exports the variable (so that commands run
    /// after `. /run/secrets/<id>` see it). False only for a reused
    /// placeholder whose key the file sets without `export`.
    pub exported: bool,
}

/// A line of the existing file that sh may read differently from dotenvy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineWarning {
    pub line: usize,
    pub key: String,
    pub concern: Concern,
}

/// The merged `.env` file. Its `Debug` output leaves out the text.
#[derive(Clone, PartialEq, Eq)]
pub struct EnvPlan {
    /// The file the plan is for (used in messages only).
    pub path: PathBuf,
    /// The full new text. Equal to the existing text when nothing is added;
    /// empty when there was no file and nothing is added.
    pub text: String,
    /// Whether `text` differs from the existing file (or a new file is to be
    /// created).
    pub changed: bool,
    /// Whether there was no file before.
    pub new_file: bool,
    pub line_ending: LineEnding,
    pub entries: Vec<PlannedEntry>,
    /// Existing lines that sh may read differently from dotenvy. A shell
    /// syntax error on any line stops sh from reading the lines after it,
    /// the appended ones included, so these deserve a warning.
    pub warnings: Vec<LineWarning>,
}

impl fmt::Debug for EnvPlan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EnvPlan")
            .field("path", &self.path)
            .field(
                "text",
                &format_args!("<{} bytes redacted>", self.text.len()),
            )
            .field("changed", &self.changed)
            .field("new_file", &self.new_file)
            .field("line_ending", &self.line_ending)
            .field("entries", &self.entries)
            .field("warnings", &self.warnings)
            .finish()
    }
}

impl EnvPlan {
    /// Names whose lines were appended, in order.
    pub fn added(&self) -> Vec<&str> {
        self.names_with(Outcome::Added)
    }

    /// Names already present in the file, in order.
    pub fn reused(&self) -> Vec<&str> {
        self.names_with(Outcome::Reused)
    }

    fn names_with(&self, outcome: Outcome) -> Vec<&str> {
        self.entries
            .iter()
            .filter(|e| e.outcome == outcome)
            .map(|e| e.name.as_str())
            .collect()
    }
}

/// What the merged file says about one key.
#[derive(Debug, Clone)]
struct Known {
    /// Line of the last definition (`None`: added by this plan, line not
    /// known yet).
    line: Option<usize>,
    exported: bool,
    state: KnownState,
}

#[derive(Debug, Clone)]
enum KnownState {
    Value(String),
    Unverifiable(Concern),
    Ambiguous,
}

fn summarize(defs: &[Definition]) -> HashMap<String, Known> {
    let mut known: HashMap<String, Known> = HashMap::new();
    for def in defs {
        let state = match def.concern {
            Some(concern) => KnownState::Unverifiable(concern),
            None => KnownState::Value(def.value.clone()),
        };
        match known.get_mut(&def.key) {
            None => {
                known.insert(
                    def.key.clone(),
                    Known {
                        line: Some(def.line),
                        exported: def.exported,
                        state,
                    },
                );
            }
            Some(k) => {
                k.line = Some(def.line);
                // In sh the export attribute sticks once set.
                k.exported |= def.exported;
                k.state = match (&k.state, state) {
                    (KnownState::Unverifiable(c), _) => KnownState::Unverifiable(*c),
                    (_, KnownState::Unverifiable(c)) => KnownState::Unverifiable(c),
                    (KnownState::Value(a), KnownState::Value(b)) if *a == b => KnownState::Value(b),
                    _ => KnownState::Ambiguous,
                };
            }
        }
    }
    known
}

fn reason_for(state: &KnownState) -> ConflictReason {
    match state {
        KnownState::Value(_) => ConflictReason::DifferentValue,
        KnownState::Unverifiable(c) => ConflictReason::Unverifiable(*c),
        KnownState::Ambiguous => ConflictReason::AmbiguousDuplicate,
    }
}

/// Keeps a placeholder note on one line: control characters become blanks.
fn clean_note(note: &str) -> String {
    note.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect::<String>()
        .trim()
        .to_owned()
}

/// Builds the merged `.env` text.
///
/// `path` is only used in messages. `existing` is the current content, or
/// `None` when there is no file. Errors: an invalid name, an unstorable
/// value, an existing file dotenvy cannot parse, or the first key the file
/// sets to something else. No error or `Debug` output contains a value.
/// Linear in the size of the file and the request.
pub fn plan(
    path: &Path,
    existing: Option<&str>,
    wanted: &[WantedEntry],
) -> Result<EnvPlan, EnvFileError> {
    plan_as(Dialect::Build, path, existing, wanted)
}

/// [`plan()`] for either kind of env file: the same merge rules, the
/// dialect's line format and reader.
pub fn plan_as(
    dialect: Dialect,
    path: &Path,
    existing: Option<&str>,
    wanted: &[WantedEntry],
) -> Result<EnvPlan, EnvFileError> {
    // Check the whole request before looking at the file.
    let mut quoted: Vec<Option<String>> = Vec::with_capacity(wanted.len());
    for entry in wanted {
        if !is_valid_name(&entry.name) {
            return Err(EnvFileError::InvalidName {
                path: path.to_owned(),
                name: entry.name.clone(),
            });
        }
        quoted.push(match &entry.value {
            WantedValue::Secret(value) => {
                Some(
                    dialect
                        .quote(value)
                        .map_err(|why| EnvFileError::Unrepresentable {
                            path: path.to_owned(),
                            key: entry.name.clone(),
                            why,
                        })?,
                )
            }
            WantedValue::Derived(_) | WantedValue::Collected(_) if dialect == Dialect::Runtime => {
                return Err(EnvFileError::Unrepresentable {
                    path: path.to_owned(),
                    key: entry.name.clone(),
                    why: "a run-time env file cannot expand other entries",
                });
            }
            WantedValue::Derived(t) | WantedValue::Collected(t) => {
                // Checked now; the value is worked out against the file below.
                derived_value(t, &|_| Some(String::new())).ok_or_else(|| {
                    EnvFileError::Unrepresentable {
                        path: path.to_owned(),
                        key: entry.name.clone(),
                        why: "a derived value may only expand ${NAME} of other entries",
                    }
                })?;
                Some(format!("\"{t}\""))
            }
            WantedValue::Placeholder { .. } => None,
        });
    }

    let old = existing.unwrap_or("");
    let defs = dialect.parse(path, old)?;
    let warnings = defs
        .iter()
        // dfix's own derived lines expand `${NAME}` on purpose.
        .filter(|d| !is_derived_line(line_text(old, d.line)))
        .filter_map(|d| {
            d.concern.map(|concern| LineWarning {
                line: d.line,
                key: d.key.clone(),
                concern,
            })
        })
        .collect();
    let mut known = summarize(&defs);
    let line_ending = LineEnding::detect(old);
    let eol = line_ending.as_str();

    let mut entries = Vec::with_capacity(wanted.len());
    // (entry index, a comment line before it, line text without line
    // ending, ends in a comment)
    let mut appended: Vec<(usize, Option<String>, String, bool)> = Vec::new();

    for (entry, quoted) in wanted.iter().zip(&quoted) {
        let is_placeholder = quoted.is_none();
        let secret = match &entry.value {
            WantedValue::Secret(v) => Some(v.as_str()),
            WantedValue::Placeholder { .. }
            | WantedValue::Derived(_)
            | WantedValue::Collected(_) => None,
        };
        let (before, line) = match (&entry.value, quoted) {
            (
                WantedValue::Secret(_) | WantedValue::Derived(_) | WantedValue::Collected(_),
                Some(q),
            ) => (None, dialect.line(&entry.name, q)),
            (WantedValue::Placeholder { note }, _) => {
                let note = note.as_deref().map(clean_note).unwrap_or_default();
                dialect.placeholder(&entry.name, &note)
            }
            (
                WantedValue::Secret(_) | WantedValue::Derived(_) | WantedValue::Collected(_),
                None,
            ) => {
                unreachable!("secrets and derived values are quoted above")
            }
        };
        let mut planned = PlannedEntry {
            name: entry.name.clone(),
            outcome: Outcome::Added,
            placeholder: is_placeholder,
            line: None,
            exported: true,
        };
        let derived = matches!(
            entry.value,
            WantedValue::Derived(_) | WantedValue::Collected(_)
        );
        let collected = matches!(entry.value, WantedValue::Collected(_));
        let add = match (known.get(&entry.name), secret) {
            (None, _) => true,
            // A derived line is the same when its text is; a collected one
            // supersedes a derived line of its name with a new line.
            (Some(k), None) if derived => {
                let last = k.line.map(|n| line_text(old, n).trim_end());
                let same = last == Some(line.as_str());
                let supersedes = collected
                    && last.is_some_and(|l| {
                        l.strip_prefix(&format!("export {}=\"", entry.name))
                            .and_then(|r| r.strip_suffix('"'))
                            .is_some_and(|inner| {
                                derived_value(inner, &|_| Some(String::new())).is_some()
                            })
                    });
                if supersedes && !same {
                    appended.push((entries.len(), before, line, false));
                    entries.push(planned);
                    continue;
                }
                if !same {
                    return Err(EnvFileError::Conflict {
                        path: path.to_owned(),
                        key: entry.name.clone(),
                        line: k.line,
                        reason: reason_for(&k.state),
                    });
                }
                planned.outcome = Outcome::Reused;
                planned.line = k.line;
                false
            }
            // A placeholder is satisfied by any definition.
            (Some(k), None) => {
                planned.outcome = Outcome::Reused;
                planned.line = k.line;
                planned.exported = k.exported;
                false
            }
            (Some(k), Some(want)) => match &k.state {
                KnownState::Value(have) if have == want => {
                    if k.exported {
                        planned.outcome = Outcome::Reused;
                        planned.line = k.line;
                        false
                    } else {
                        // Same value, not exported: export it.
                        true
                    }
                }
                state => {
                    return Err(EnvFileError::Conflict {
                        path: path.to_owned(),
                        key: entry.name.clone(),
                        line: k.line,
                        reason: reason_for(state),
                    })
                }
            },
        };
        if add {
            let commented = is_placeholder && before.is_none();
            appended.push((entries.len(), before, line, commented));
            known.insert(
                entry.name.clone(),
                Known {
                    line: None,
                    exported: true,
                    state: KnownState::Value(secret.unwrap_or("").to_owned()),
                },
            );
        }
        entries.push(planned);
    }

    // Assemble the text.
    let mut text = String::with_capacity(
        old.len()
            + appended
                .iter()
                .map(|a| a.2.len() + a.1.as_ref().map_or(0, String::len) + 4)
                .sum::<usize>(),
    );
    text.push_str(old);
    if !appended.is_empty() {
        if existing.is_none() {
            for header in dialect.header() {
                text.push_str(header);
                text.push_str(eol);
            }
        } else if !text.is_empty() && !text.ends_with('\n') {
            // A last line without ending: close it (a lone CR just gets LF).
            text.push_str(if text.ends_with('\r') { "\n" } else { eol });
        }
        let mut line_no = memchr::memchr_iter(b'\n', text.as_bytes()).count() + 1;
        let mut added_lines: HashMap<String, usize> = HashMap::with_capacity(appended.len());
        for (index, before, line, has_comment) in &appended {
            if let Some(before) = before {
                text.push_str(before);
                text.push_str(eol);
                line_no += 1;
            }
            entries[*index].line = Some(line_no);
            added_lines.insert(entries[*index].name.clone(), line_no);
            text.push_str(line);
            if dialect.guards_cr() && line_ending == LineEnding::CrLf && !has_comment {
                // Keep the CR inside a comment, where sh ignores it.
                text.push_str(" #");
            }
            text.push_str(eol);
            // A value may hold line breaks of its own.
            line_no += 1 + memchr::memchr_iter(b'\n', line.as_bytes()).count();
        }
        // An entry reused from one added earlier in this same plan points
        // at that line.
        for e in entries.iter_mut() {
            if e.outcome == Outcome::Reused && e.line.is_none() {
                e.line = added_lines.get(&e.name).copied();
            }
        }
        verify_round_trip(dialect, path, &text, wanted, &entries)?;
    }

    let changed = match existing {
        Some(old) => text != old,
        None => !text.is_empty(),
    };
    Ok(EnvPlan {
        path: path.to_owned(),
        text,
        changed,
        new_file: existing.is_none(),
        line_ending,
        entries,
        warnings,
    })
}

/// `export NAME="..."` with a text [`derived_value`] accepts: a line dfix
/// writes for a derived entry.
fn is_derived_line(line: &str) -> bool {
    let Some((name, quoted)) = line
        .trim_end()
        .strip_prefix("export ")
        .and_then(|r| r.split_once('='))
    else {
        return false;
    };
    is_valid_name(name)
        && quoted
            .strip_prefix('"')
            .and_then(|q| q.strip_suffix('"'))
            .is_some_and(|inner| derived_value(inner, &|_| Some(String::new())).is_some())
}

/// The text of 1-based line `n` of `text`, without its line ending.
fn line_text(text: &str, n: usize) -> &str {
    text.split('\n')
        .nth(n - 1)
        .unwrap_or("")
        .trim_end_matches('\r')
}

/// The value of a derived entry's text (the inside of a double-quoted word),
/// looking up `${NAME}` with `lookup`; `None` when the text holds anything
/// sh and dotenvy might read differently: an expansion other than
/// `${NAME}`, an unescaped `"` or backtick, a backslash that escapes
/// anything but `"`, `$` or `\`, a backtick (sh runs it, dotenvy keeps
/// it, and refuses one escaped), a line break.
pub fn derived_value(text: &str, lookup: &dyn Fn(&str) -> Option<String>) -> Option<String> {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next()? {
                // dotenvy refuses an escaped backtick: none at all, then.
                e @ ('"' | '$' | '\\') => out.push(e),
                _ => return None,
            },
            '$' => {
                if chars.next()? != '{' {
                    return None;
                }
                let mut name = String::new();
                loop {
                    match chars.next()? {
                        '}' => break,
                        c => name.push(c),
                    }
                }
                if !is_valid_name(&name) {
                    return None;
                }
                out.push_str(&lookup(&name).unwrap_or_default());
            }
            '"' | '`' | '\n' | '\r' | '\0' => return None,
            c => out.push(c),
        }
    }
    Some(out)
}

/// Re-reads the merged text with the dialect's reader (dotenvy for the
/// build's `.env`) and checks that every appended line gives back exactly
/// the wanted value, with nothing the other reader (sh; compose) would read
/// differently. This is a guard against a quoting bug ever mangling a
/// secret; it never fails for a value the dialect accepts.
fn verify_round_trip(
    dialect: Dialect,
    path: &Path,
    text: &str,
    wanted: &[WantedEntry],
    entries: &[PlannedEntry],
) -> Result<(), EnvFileError> {
    let unrepresentable = |key: &str| EnvFileError::Unrepresentable {
        path: path.to_owned(),
        key: key.to_owned(),
        why: match dialect {
            Dialect::Build => "dotenvy would not read it back exactly",
            Dialect::Runtime => "docker run --env-file would not read it back exactly",
        },
    };
    let defs = dialect.parse(path, text)?;
    // The last definition of each key is the one both readers keep.
    let last: HashMap<&str, &Definition> = defs.iter().map(|d| (d.key.as_str(), d)).collect();
    for (entry, planned) in wanted.iter().zip(entries) {
        if planned.outcome != Outcome::Added {
            continue;
        }
        let want = match &entry.value {
            WantedValue::Secret(v) => Some(v.as_str()),
            WantedValue::Placeholder { .. } => Some(""),
            // Its value depends on the lines before it (the check reads one
            // line at a time): [`derived_value`] vouches for its text, and a
            // test reads whole files back in sh and dotenvy.
            WantedValue::Derived(_) | WantedValue::Collected(_) => None,
        };
        let derived = matches!(
            entry.value,
            WantedValue::Derived(_) | WantedValue::Collected(_)
        );
        let def = last
            .get(planned.name.as_str())
            .ok_or_else(|| unrepresentable(&planned.name))?;
        if want.is_some_and(|w| def.value != w)
            || (def.concern.is_some() && !derived)
            || !def.exported
            || Some(def.line) != planned.line
        {
            return Err(unrepresentable(&planned.name));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const P: &str = "proj/.env";

    fn run(existing: Option<&str>, wanted: &[WantedEntry]) -> EnvPlan {
        plan(Path::new(P), existing, wanted).unwrap()
    }

    fn secret(name: &str, value: &str) -> WantedEntry {
        WantedEntry::secret(name, value)
    }

    #[test]
    fn new_file_gets_header_and_lines() {
        let p = run(None, &[secret("A", "1"), secret("B", "it's")]);
        let expected = format!(
            "{}\n{}\nexport A='1'\nexport B='it'\\''s'\n",
            Dialect::Build.header()[0],
            Dialect::Build.header()[1]
        );
        assert_eq!(p.text, expected);
        assert!(p.changed && p.new_file);
        assert_eq!(p.added(), vec!["A", "B"]);
        assert_eq!(p.entries[0].line, Some(3));
        assert_eq!(p.entries[1].line, Some(4));
        assert!(p.entries.iter().all(|e| e.exported));
    }

    #[test]
    fn nothing_wanted_changes_nothing() {
        let p = run(None, &[]);
        assert_eq!(p.text, "");
        assert!(!p.changed);
        let odd = "# c\n\n  A = 1\nB=2";
        let p = run(Some(odd), &[]);
        assert_eq!(p.text, odd);
        assert!(!p.changed);
    }

    #[test]
    fn existing_bytes_are_kept() {
        let old = "# comment\n\n   X='1'   # odd\nexport  Y=\"two\"\n\n\n";
        let p = run(Some(old), &[secret("Z", "3")]);
        assert_eq!(p.text, format!("{old}export Z='3'\n"));
        assert_eq!(p.entries[0].line, Some(7));
        assert!(!p.new_file);
    }

    #[test]
    fn missing_final_newline_is_the_only_change() {
        let p = run(Some("A=1"), &[secret("B", "2")]);
        assert_eq!(p.text, "A=1\nexport B='2'\n");
        let p = run(Some("A=1\r\nC=3"), &[secret("B", "2")]);
        assert_eq!(p.text, "A=1\r\nC=3\r\nexport B='2' #\r\n");
        let p = run(Some("A=1\r"), &[secret("B", "2")]);
        assert_eq!(p.text, "A=1\r\nexport B='2'\n");
        // Nothing appended: not even the newline.
        let p = run(Some("export A=1"), &[secret("A", "1")]);
        assert_eq!(p.text, "export A=1");
        assert!(!p.changed);
    }

    #[test]
    fn crlf_files_get_crlf_lines_with_guard() {
        let old = "A=1\r\n";
        let p = run(
            Some(old),
            &[
                secret("B", "x # y"),
                WantedEntry::placeholder("C", Some("was --build-arg C")),
            ],
        );
        assert_eq!(p.line_ending, LineEnding::CrLf);
        assert_eq!(
            p.text,
            "A=1\r\nexport B='x # y' #\r\nexport C='' # TODO: fill in (was --build-arg C)\r\n"
        );
    }

    #[test]
    fn equal_values_are_reused_in_any_form() {
        let old = "export A=1\nexport B='two words'\nexport C=\"q\\\"x\"\nexport D=a\\ b\n";
        let wanted = [
            secret("A", "1"),
            secret("B", "two words"),
            secret("C", "q\"x"),
            secret("D", "a b"),
        ];
        let p = run(Some(old), &wanted);
        assert_eq!(p.text, old);
        assert!(!p.changed);
        assert_eq!(p.reused(), vec!["A", "B", "C", "D"]);
        let lines: Vec<_> = p.entries.iter().map(|e| (e.line, e.exported)).collect();
        assert_eq!(
            lines,
            vec![
                (Some(1), true),
                (Some(2), true),
                (Some(3), true),
                (Some(4), true)
            ]
        );
    }

    #[test]
    fn export_attribute_sticks_across_duplicates() {
        let p = run(Some("export A=1\nA=1\n"), &[secret("A", "1")]);
        assert_eq!(p.entries[0].outcome, Outcome::Reused);
        assert_eq!(p.entries[0].line, Some(2));
        assert!(p.entries[0].exported);
    }

    #[test]
    fn conflict_fail_names_key_and_file_not_values() {
        let old = "# x\nTOKEN=old-secret-value\n";
        let err = plan(
            Path::new(P),
            Some(old),
            &[secret("TOKEN", "new-secret-value")],
        )
        .unwrap_err();
        let msg = err.to_string();
        assert!(
            msg.contains("TOKEN") && msg.contains(P) && msg.contains("line 2"),
            "{msg}"
        );
        assert!(!msg.contains("secret-value"), "{msg}");
        assert!(!format!("{err:?}").contains("secret-value"));
        assert!(!msg.contains('\n'));
        assert!(matches!(
            err,
            EnvFileError::Conflict {
                reason: ConflictReason::DifferentValue,
                line: Some(2),
                ..
            }
        ));
    }

    #[test]
    fn the_first_conflict_is_named() {
        let old = "A=1\nB=2\n";
        let wanted = [secret("C", "3"), secret("A", "x"), secret("B", "y")];
        let err = plan(Path::new(P), Some(old), &wanted).unwrap_err();
        assert!(
            err.to_string().contains(": line 1: A is not overwritten"),
            "{err}"
        );
    }

    #[test]
    fn an_unexported_key_with_the_value_is_exported() {
        let p = run(Some("A=1\n"), &[secret("A", "1")]);
        assert_eq!(p.text, "A=1\nexport A='1'\n");
        assert_eq!(p.added(), vec!["A"]);
        assert!(p.entries[0].exported);
        let again = run(Some(&p.text), &[secret("A", "1")]);
        assert!(!again.changed);
    }

    #[test]
    fn many_entries_plan_in_linear_time_and_right_lines() {
        let wanted: Vec<WantedEntry> = (0..2000).map(|i| secret(&format!("K{i}"), "v")).collect();
        let p = run(Some("# x\n"), &wanted);
        assert_eq!(p.entries[1999].line, Some(2001));
    }

    #[test]
    fn placeholders() {
        let p = run(
            Some("ARG1=set-by-user\n"),
            &[
                WantedEntry::placeholder("ARG1", Some("was --build-arg ARG1")),
                WantedEntry::placeholder("ARG2", Some("was --build-arg ARG2\nnext")),
                WantedEntry::placeholder("ARG3", None),
            ],
        );
        assert_eq!(
            p.text,
            "ARG1=set-by-user\nexport ARG2='' # TODO: fill in (was --build-arg ARG2 next)\nexport ARG3='' # TODO: fill in\n"
        );
        assert_eq!(p.reused(), vec!["ARG1"]);
        assert!(p.entries.iter().all(|e| e.placeholder));
        // An unverifiable existing line satisfies a placeholder too.
        let p = run(
            Some("ARG1=$OTHER\n"),
            &[WantedEntry::placeholder("ARG1", None)],
        );
        assert_eq!(p.reused(), vec!["ARG1"]);
        assert_eq!(p.warnings.len(), 1);
    }

    #[test]
    fn unverifiable_and_ambiguous_existing_lines_conflict() {
        let err = plan(Path::new(P), Some("A=$B\n"), &[secret("A", "")]).unwrap_err();
        assert!(matches!(
            err,
            EnvFileError::Conflict {
                reason: ConflictReason::Unverifiable(Concern::Expansion),
                ..
            }
        ));
        assert!(err.to_string().contains("cannot be checked"), "{err}");
        let err = plan(Path::new(P), Some("A=1\nA=2\n"), &[secret("A", "2")]).unwrap_err();
        assert!(matches!(
            err,
            EnvFileError::Conflict {
                reason: ConflictReason::AmbiguousDuplicate,
                line: Some(2),
                ..
            }
        ));
        let err = plan(Path::new(P), Some("A=x\r\n"), &[secret("A", "x")]).unwrap_err();
        assert!(matches!(
            err,
            EnvFileError::Conflict {
                reason: ConflictReason::Unverifiable(Concern::CarriageReturn),
                ..
            }
        ));
        let p = run(Some("A=x\r\n"), &[]);
        assert_eq!(p.warnings[0].line, 1);
    }

    #[test]
    fn same_request_twice() {
        let p = run(None, &[secret("A", "1"), secret("A", "1")]);
        assert_eq!(p.added(), vec!["A"]);
        assert_eq!(p.reused(), vec!["A"]);
        assert_eq!(p.entries[1].line, p.entries[0].line);
        let err = plan(Path::new(P), None, &[secret("A", "1"), secret("A", "2")]).unwrap_err();
        assert!(matches!(err, EnvFileError::Conflict { line: None, .. }));
    }

    #[test]
    fn parse_errors_name_file_and_line_only() {
        let err = plan(Path::new(P), Some("A=1\nthis is secret-ish\n"), &[]).unwrap_err();
        assert!(matches!(err, EnvFileError::Parse { line: 2, .. }));
        let msg = err.to_string();
        assert_eq!(msg, "proj/.env: line 2: dotenvy cannot parse this line");
    }

    #[test]
    fn invalid_requests() {
        let err = plan(Path::new(P), None, &[secret("A-B", "1")]).unwrap_err();
        assert!(matches!(err, EnvFileError::InvalidName { .. }));
        let err = plan(Path::new(P), None, &[secret("A", "x\0secret")]).unwrap_err();
        assert!(matches!(err, EnvFileError::Unrepresentable { .. }));
        assert!(!err.to_string().contains("secret"));
    }

    #[test]
    fn debug_output_hides_values() {
        let wanted = [secret("A", "hunter2")];
        let p = run(None, &wanted);
        assert!(p.text.contains("hunter2"));
        assert!(!format!("{p:?}").contains("hunter2"));
        assert!(!format!("{wanted:?}").contains("hunter2"));
    }

    #[test]
    fn line_ending_detection() {
        assert_eq!(LineEnding::detect(""), LineEnding::Lf);
        assert_eq!(LineEnding::detect("a\nb\r\n"), LineEnding::Lf);
        assert_eq!(LineEnding::detect("a\r\nb\n"), LineEnding::CrLf);
        assert_eq!(LineEnding::detect("\n"), LineEnding::Lf);
    }
}
