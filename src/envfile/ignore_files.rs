//! Keeping `.env` (and similar files) in `.dockerignore` and `.gitignore`.
//!
//! An entry is "present" when the file, evaluated with last-match-wins as
//! the tool itself does, ends up excluding it; a mere line that equals the
//! entry is not enough, because a later `!.env` re-includes it. Missing
//! entries are appended at the end, which makes them win over any earlier
//! negation. All existing bytes are kept; the only change is a line ending
//! after a last line that has none. New lines use the file's line ending.
//!
//! The two formats differ, so [`IgnoreKind`] picks the rules:
//!
//! * `.gitignore` is evaluated with the `ignore` crate's gitignore matcher
//!   (a pattern without `/` matches at any depth, `/x` only at the root,
//!   globs, `!` negation, `\` escapes). Git's rule that a file in an excluded
//!   directory cannot be re-included is not modelled; that errs towards
//!   appending an entry that was not needed, never towards a missing one.
//! * `.dockerignore` is read with [`crate::context::dockerignore`], the one
//!   implementation of BuildKit's rules (patterns anchored at the context
//!   root, `**`, `!` exceptions, a pattern matching a parent directory
//!   excludes what is inside).
//!
//! A pattern that cannot be understood (an unclosed `[` in `.dockerignore`,
//! braces in `.gitignore`, which the `ignore` crate would read as
//! alternatives but git reads literally) is treated as
//! possibly re-including the entry if it is a negation, and as not excluding
//! it otherwise, so in doubt the entry is appended.
//!
//! [`plan_ignore_update_with_temp`] also adds the one pattern dfix writes:
//! [`TEMP_PATTERN_GIT`] or [`TEMP_PATTERN_DOCKER`], covering the temporary
//! files dfix writes next to `.env` and Dockerfiles (they hold secrets
//! while they exist, and a killed run can leave one behind until the next
//! run removes it).
//!
//! Entries are literal paths relative to the ignore file's directory, with
//! `/` as separator. When written, glob characters and a leading `!` or `#`
//! are escaped with `\`. Entries that are empty or have line breaks or
//! surrounding whitespace cannot be written faithfully and are skipped.

use std::path::Path;

use super::plan::LineEnding;

/// Which ignore-file syntax to use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IgnoreKind {
    /// `.dockerignore`: anchored at the build context root.
    Docker,
    /// `.gitignore`: a name without `/` matches at any depth.
    Git,
}

/// `.gitignore` pattern for dfix's temporary files, at any depth (see
/// [`crate::fsio::temp`]).
pub const TEMP_PATTERN_GIT: &str = ".dfix-tmp-*";

/// `.dockerignore` pattern for dfix's temporary files: Docker anchors
/// patterns at the context root, and `**/` matches at any depth.
pub const TEMP_PATTERN_DOCKER: &str = "**/.dfix-tmp-*";

/// The new text of the ignore file with the missing `entries` appended, or
/// `None` when every entry is already excluded (or no entry is usable).
/// `existing` is `None` when there is no file yet.
pub fn plan_ignore_update(
    kind: IgnoreKind,
    existing: Option<&str>,
    entries: &[&str],
) -> Option<String> {
    plan_lines(kind, existing, entries, false)
}

/// [`plan_ignore_update`], and when an entry is usable, the pattern for
/// dfix's temporary files too unless the file already covers them.
pub fn plan_ignore_update_with_temp(
    kind: IgnoreKind,
    existing: Option<&str>,
    entries: &[&str],
) -> Option<String> {
    plan_lines(kind, existing, entries, true)
}

/// Whether `text` excludes dfix's temporary files, at the top and deeper.
fn covers_temp_files(kind: IgnoreKind, text: &str) -> bool {
    let name = format!("{}0123456789ab", crate::fsio::temp::PREFIX);
    [
        name.clone(),
        format!("{name}{}", crate::fsio::temp::BACKUP_SUFFIX),
        format!("a/b/{name}"),
    ]
    .iter()
    .all(|path| is_ignored(kind, text, path))
}

fn plan_lines(
    kind: IgnoreKind,
    existing: Option<&str>,
    entries: &[&str],
    temp: bool,
) -> Option<String> {
    let old = existing.unwrap_or("");
    let mut seen: Vec<&str> = Vec::new();
    let mut missing: Vec<String> = Vec::new();
    for &entry in entries {
        if !usable(entry) || seen.contains(&entry) {
            continue;
        }
        seen.push(entry);
        if !is_ignored(kind, old, entry) {
            missing.push(escape_entry(entry));
        }
    }
    if temp && !seen.is_empty() && !covers_temp_files(kind, old) {
        missing.push(
            match kind {
                IgnoreKind::Docker => TEMP_PATTERN_DOCKER,
                IgnoreKind::Git => TEMP_PATTERN_GIT,
            }
            .to_owned(),
        );
    }
    if missing.is_empty() {
        return None;
    }
    let eol = LineEnding::detect(old).as_str();
    let mut text =
        String::with_capacity(old.len() + missing.iter().map(|e| e.len() + 4).sum::<usize>());
    text.push_str(old);
    if !text.is_empty() && !text.ends_with('\n') {
        text.push_str(if text.ends_with('\r') { "\n" } else { eol });
    }
    for line in missing {
        text.push_str(&line);
        text.push_str(eol);
    }
    Some(text)
}

fn usable(entry: &str) -> bool {
    !entry.is_empty()
        && entry.trim() == entry
        && !entry.contains(['\n', '\r'])
        && !entry.trim_start_matches('/').is_empty()
}

/// Writes an entry as a pattern that matches exactly that path.
fn escape_entry(entry: &str) -> String {
    let mut out = String::with_capacity(entry.len() + 2);
    if entry.starts_with(['!', '#']) {
        out.push('\\');
    }
    for c in entry.chars() {
        if matches!(c, '*' | '?' | '[' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Whether the ignore file `text` ends up excluding the literal path
/// `entry` (relative to the file's directory, `/`-separated), using
/// last-match-wins. Undecidable negations count as re-including it.
pub fn is_ignored(kind: IgnoreKind, text: &str, entry: &str) -> bool {
    let path = entry.trim_start_matches('/');
    let mut state = State::NotMatched;
    for (index, line) in text.split('\n').enumerate() {
        let line = line.strip_suffix('\r').unwrap_or(line);
        let line = if index == 0 {
            line.strip_prefix('\u{feff}').unwrap_or(line)
        } else {
            line
        };
        let verdict = match kind {
            IgnoreKind::Git => git_line(line, path),
            IgnoreKind::Docker => docker_line(line, path),
        };
        state = match verdict {
            Verdict::NoMatch => state,
            Verdict::Exclude => State::Excluded,
            Verdict::Include => State::NotMatched,
            Verdict::UnknownInclude => State::NotMatched,
            Verdict::UnknownExclude => state,
        };
    }
    state == State::Excluded
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    NotMatched,
    Excluded,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Verdict {
    NoMatch,
    Exclude,
    Include,
    /// A negation we cannot evaluate: it may re-include.
    UnknownInclude,
    /// An exclusion we cannot evaluate: it may or may not exclude.
    UnknownExclude,
}

fn git_line(line: &str, path: &str) -> Verdict {
    use ignore::gitignore::GitignoreBuilder;
    use ignore::Match;

    let negation = line.starts_with('!');
    // The `ignore` crate reads `{a,b}` as alternatives; git reads braces
    // literally. Such a line is left undecided.
    let braces = line.contains('{') && !line.starts_with('#');
    let mut builder = GitignoreBuilder::new("");
    if braces || builder.add_line(None, line).is_err() {
        return if negation {
            Verdict::UnknownInclude
        } else {
            Verdict::UnknownExclude
        };
    }
    let Ok(matcher) = builder.build() else {
        return if negation {
            Verdict::UnknownInclude
        } else {
            Verdict::UnknownExclude
        };
    };
    match matcher.matched_path_or_any_parents(path, false) {
        Match::None => Verdict::NoMatch,
        Match::Ignore(_) => Verdict::Exclude,
        Match::Whitelist(_) => Verdict::Include,
    }
}

fn docker_line(line: &str, path: &str) -> Verdict {
    use crate::context::dockerignore::{match_line, LineMatch};
    match match_line(line, path) {
        LineMatch::Skip | LineMatch::NoMatch => Verdict::NoMatch,
        LineMatch::Matches { exception: false } => Verdict::Exclude,
        LineMatch::Matches { exception: true } => Verdict::Include,
        LineMatch::Malformed { exception: true } => Verdict::UnknownInclude,
        LineMatch::Malformed { exception: false } => Verdict::UnknownExclude,
    }
}

/// Whether `dir` is inside a git work tree: some ancestor (itself
/// included) has a `.git` directory, or a `.git` file (worktrees,
/// submodules) that starts with `gitdir:`. Does not run git; does not stop
/// at filesystem boundaries as git does by default.
pub fn is_in_git_repo(dir: &Path) -> bool {
    let start = std::fs::canonicalize(dir)
        .or_else(|_| std::path::absolute(dir))
        .unwrap_or_else(|_| dir.to_owned());
    start.ancestors().any(|ancestor| {
        let dot_git = ancestor.join(".git");
        match std::fs::metadata(&dot_git) {
            Ok(meta) if meta.is_dir() => true,
            // Only the start is read, of a regular file only (never a FIFO
            // or a device a link points at).
            Ok(meta) if meta.is_file() => crate::fsio::read::open_regular(&dot_git, true)
                .ok()
                .and_then(|(file, _)| {
                    let mut head = [0u8; 7];
                    std::io::Read::read_exact(&mut std::io::Read::take(file, 7), &mut head).ok()?;
                    Some(&head == b"gitdir:")
                })
                .unwrap_or(false),
            _ => false,
        }
    })
}

/// Whether git tracks `file` (which exists): a secret written there would be
/// committed with the next `git commit -a`. Asks git itself; `false` when
/// git is not installed or the file is not in a work tree.
pub fn is_tracked_by_git(file: &Path) -> bool {
    let (Some(dir), Some(name)) = (file.parent(), file.file_name()) else {
        return false;
    };
    let dir = if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    };
    if !file.is_file() || !is_in_git_repo(dir) {
        return false;
    }
    std::process::Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(["ls-files", "--error-unmatch", "--"])
        .arg(name)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

#[cfg(test)]
mod tests {
    use super::*;
    use IgnoreKind::{Docker, Git};

    const BOTH: [IgnoreKind; 2] = [Docker, Git];

    #[test]
    fn new_file() {
        for kind in BOTH {
            assert_eq!(
                plan_ignore_update(kind, None, &[".env", ".netrc", ".env"]).as_deref(),
                Some(".env\n.netrc\n")
            );
        }
    }

    #[test]
    fn temp_files_pattern() {
        for kind in BOTH {
            let text = plan_ignore_update_with_temp(kind, None, &[".env", "app/.netrc"]).unwrap();
            for path in [
                ".env",
                "app/.netrc",
                ".dfix-tmp-Ab3dEf9hJk2m",
                "x/.dfix-tmp-Ab3dEf9hJk2m.bak",
            ] {
                assert!(is_ignored(kind, &text, path), "{kind:?} {path}: {text}");
            }
            assert!(!is_ignored(kind, &text, ".dfix-config"), "{kind:?}");
            // Added once, and also to a file that has the entries already.
            assert_eq!(
                plan_ignore_update_with_temp(kind, Some(&text), &[".env"]),
                None
            );
            let pattern = match kind {
                Docker => TEMP_PATTERN_DOCKER,
                Git => TEMP_PATTERN_GIT,
            };
            assert_eq!(
                plan_ignore_update_with_temp(kind, Some(".env\n"), &[".env"]),
                Some(format!(".env\n{pattern}\n"))
            );
            // Nothing to add when no entry is usable.
            assert_eq!(plan_ignore_update_with_temp(kind, None, &[""]), None);
        }
        assert_eq!(
            plan_ignore_update_with_temp(Docker, None, &[".env"]).as_deref(),
            Some(".env\n**/.dfix-tmp-*\n")
        );
        assert_eq!(
            plan_ignore_update_with_temp(Git, Some("target\r\n"), &[".env"]).as_deref(),
            Some("target\r\n.env\r\n.dfix-tmp-*\r\n")
        );
    }

    #[test]
    fn present_forms() {
        for kind in BOTH {
            for text in [
                ".env\n",
                "/.env\n",
                "**/.env\n",
                "node_modules\n.env\n",
                ".env",
                ".env\r\n",
                "\u{feff}.env\n",
            ] {
                assert_eq!(
                    plan_ignore_update(kind, Some(text), &[".env"]),
                    None,
                    "{kind:?} {text:?}"
                );
            }
        }
        // Glob forms each tool understands.
        for text in ["*.env\n", ".env*\n", ".e?v\n", ".[e]nv\n", "*\n"] {
            assert_eq!(
                plan_ignore_update(Docker, Some(text), &[".env"]),
                None,
                "{text:?}"
            );
            assert_eq!(
                plan_ignore_update(Git, Some(text), &[".env"]),
                None,
                "{text:?}"
            );
        }
        // Docker cleans and trims patterns.
        for text in [
            "./.env\n",
            ".env/\n",
            "  .env  \n",
            "x/../.env\n",
            "//.env\n",
        ] {
            assert_eq!(
                plan_ignore_update(Docker, Some(text), &[".env"]),
                None,
                "{text:?}"
            );
        }
        // Git trims trailing blanks only.
        assert_eq!(plan_ignore_update(Git, Some(".env   \n"), &[".env"]), None);
    }

    #[test]
    fn kinds_differ() {
        // In git a bare name matches at any depth; in Docker it is anchored.
        let text = ".env\n";
        assert_eq!(plan_ignore_update(Git, Some(text), &["app/.env"]), None);
        assert_eq!(
            plan_ignore_update(Docker, Some(text), &["app/.env"]).as_deref(),
            Some(".env\napp/.env\n")
        );
        // `*/.env` does not cover the root file in either.
        for kind in BOTH {
            assert!(plan_ignore_update(kind, Some("*/.env\n"), &[".env"]).is_some());
        }
        // Leading blanks are part of a gitignore pattern.
        assert!(plan_ignore_update(Git, Some("  .env\n"), &[".env"]).is_some());
        // A directory pattern covers files inside it in both.
        for kind in BOTH {
            assert_eq!(
                plan_ignore_update(kind, Some("secrets\n"), &["secrets/.env"]),
                None
            );
        }
        // `#` is a comment only in the first column for Docker.
        assert!(plan_ignore_update(Docker, Some("#.env\n"), &[".env"]).is_some());
        assert!(plan_ignore_update(Git, Some("#.env\n"), &[".env"]).is_some());
    }

    #[test]
    fn last_match_wins() {
        for kind in BOTH {
            assert_eq!(
                plan_ignore_update(kind, Some(".env\n!.env\n"), &[".env"]).as_deref(),
                Some(".env\n!.env\n.env\n"),
                "{kind:?}"
            );
            assert_eq!(
                plan_ignore_update(kind, Some("!.env\n.env\n"), &[".env"]),
                None
            );
            assert!(plan_ignore_update(kind, Some("*\n!.env*\n"), &[".env"]).is_some());
            assert_eq!(plan_ignore_update(kind, Some("*\n!src\n"), &[".env"]), None);
        }
        assert!(plan_ignore_update(Docker, Some(".env\n  ! .env\n"), &[".env"]).is_some());
    }

    #[test]
    fn unreadable_negations_count_as_reinclusion() {
        for (kind, bad) in [(Docker, "!["), (Git, "!{.env,x}"), (Git, "!x\\")] {
            let after = format!(".env\n{bad}\n");
            assert!(
                plan_ignore_update(kind, Some(&after), &[".env"]).is_some(),
                "{kind:?} {bad}"
            );
            let before = format!("{bad}\n.env\n");
            assert_eq!(
                plan_ignore_update(kind, Some(&before), &[".env"]),
                None,
                "{kind:?} {bad}"
            );
        }
        // Unreadable exclusions do not count as excluding.
        assert!(plan_ignore_update(Git, Some("{.env,x}\n"), &[".env"]).is_some());
        // Git reads an unclosed `[` literally: no match, nothing undecided.
        assert_eq!(plan_ignore_update(Git, Some(".env\n![\n"), &[".env"]), None);
    }

    #[test]
    fn bytes_and_line_endings_are_kept() {
        assert_eq!(
            plan_ignore_update(Git, Some("target\r\n# c\r\n"), &[".env", ".netrc"]).as_deref(),
            Some("target\r\n# c\r\n.env\r\n.netrc\r\n")
        );
        assert_eq!(
            plan_ignore_update(Docker, Some("target"), &[".env"]).as_deref(),
            Some("target\n.env\n")
        );
        assert_eq!(
            plan_ignore_update(Docker, Some("a\r\nb"), &[".env"]).as_deref(),
            Some("a\r\nb\r\n.env\r\n")
        );
        assert_eq!(
            plan_ignore_update(Git, Some(""), &[".env"]).as_deref(),
            Some(".env\n")
        );
    }

    #[test]
    fn entries_are_escaped_and_checked() {
        for kind in BOTH {
            let text = plan_ignore_update(kind, None, &["!odd", "#odd", "we*rd[1]?"]).unwrap();
            assert_eq!(text, "\\!odd\n\\#odd\nwe\\*rd\\[1]\\?\n");
            // What was written excludes exactly those paths.
            for entry in ["!odd", "#odd", "we*rd[1]?"] {
                assert!(is_ignored(kind, &text, entry), "{kind:?} {entry}");
            }
            assert!(!is_ignored(kind, &text, "weXrd1Y"));
            assert_eq!(
                plan_ignore_update(kind, None, &["", " x", "a\nb", "/"]),
                None
            );
        }
    }

    /// Cross-check the gitignore evaluation against `git check-ignore`
    /// where git is installed.
    #[test]
    fn agrees_with_git_check_ignore() {
        let dir = tempfile::tempdir().unwrap();
        let repo = dir.path().join("repo");
        let git = |args: &[&str]| {
            std::process::Command::new("git")
                .args(args)
                .current_dir(&repo)
                .env_clear()
                .env("PATH", "/usr/local/bin:/usr/bin:/bin")
                .env("HOME", dir.path())
                .env("GIT_CONFIG_NOSYSTEM", "1")
                .output()
        };
        std::fs::create_dir(&repo).unwrap();
        match git(&["init", "-q"]) {
            Ok(out) if out.status.success() => {}
            _ => return, // no git here
        }
        let texts = [
            ".env\n",
            "/.env\n",
            "**/.env\n",
            "*.env\n",
            ".env*\n",
            "*/.env\n",
            "  .env\n",
            ".env   \n",
            ".env\r\n",
            ".env\n!.env\n",
            "!.env\n.env\n",
            "*\n!.env*\n",
            "#.env\n",
            "\\#.env\n",
            ".e[n]v\n",
            ".env/\n",
            "secrets\n",
            "secrets/\n",
            "secrets/**\n",
            "/secrets/.env\n",
            ".env\n![\n",
        ];
        for text in texts {
            std::fs::write(repo.join(".gitignore"), text).unwrap();
            for entry in [".env", "secrets/.env", "app/.env"] {
                let out = git(&["check-ignore", "-q", "--no-index", entry]).unwrap();
                let git_says = match out.status.code() {
                    Some(0) => true,
                    Some(1) => false,
                    _ => panic!(
                        "git check-ignore failed: {}",
                        String::from_utf8_lossy(&out.stderr)
                    ),
                };
                let ours = is_ignored(Git, text, entry);
                if entry == ".env" {
                    assert_eq!(ours, git_says, "{text:?} {entry}");
                } else {
                    // Deeper down, git's "no re-inclusion under an excluded
                    // directory" is not modelled: we may append needlessly,
                    // but never claim an entry is excluded when it is not.
                    assert!(!ours || git_says, "{text:?} {entry}");
                }
            }
        }
    }

    #[test]
    fn git_repo_detection() {
        let dir = tempfile::tempdir().unwrap();
        let sub = dir.path().join("a/b");
        std::fs::create_dir_all(&sub).unwrap();
        assert!(!is_in_git_repo(&sub));
        std::fs::write(dir.path().join("a/.git"), "not a pointer").unwrap();
        assert!(!is_in_git_repo(&sub));
        std::fs::write(
            dir.path().join("a/.git"),
            "gitdir: /elsewhere/.git/worktrees/a\n",
        )
        .unwrap();
        assert!(is_in_git_repo(&sub));
        std::fs::remove_file(dir.path().join("a/.git")).unwrap();
        std::fs::create_dir(dir.path().join(".git")).unwrap();
        assert!(is_in_git_repo(&sub));
        assert!(is_in_git_repo(dir.path()));
    }
}
