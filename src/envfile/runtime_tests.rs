//! The run-time env file against the programs that read it. Each reader
//! below follows its source (read with the search tool; no code copied):
//! docker/cli `opts/file.go` `parseKeyValueFile` (and its successor
//! `pkg/kvfile`, which also drops a matching pair of quotes), and
//! compose-go `dotenv/parser.go` (`getStatementStart`, `locateKeyName`,
//! `extractVarValue`, with `template.Substitute` for `$`). Every value dfix
//! writes must come back the same from all of them; every value it refuses
//! would come back wrong from at least one. `tests/runtime_env.rs` checks
//! the same against the real programs.

use std::path::Path;

use proptest::prelude::*;

use super::runtime::{check_value, parse_existing};
use super::{plan_as, Dialect, EnvFileError, WantedEntry};

/// `docker run --env-file`, as releases up to 28 read it.
fn docker_read(text: &str) -> Option<Vec<(String, String)>> {
    docker_read_as(text, false)
}

/// `docker run --env-file`: `(name, value)` per definition, or `None` when
/// docker refuses the file; `trim_quotes` for the current `pkg/kvfile`.
fn docker_read_as(text: &str, trim_quotes: bool) -> Option<Vec<(String, String)>> {
    let mut out = Vec::new();
    // bufio.ScanLines: split at LF, drop one CR before it; no empty last line.
    let body = text.strip_suffix('\n').unwrap_or(text);
    for (i, raw) in body.split('\n').enumerate() {
        let mut line = raw.strip_suffix('\r').unwrap_or(raw);
        if i == 0 {
            line = line.strip_prefix('\u{feff}').unwrap_or(line);
        }
        let line = line.trim_start();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (name, value) = line.split_once('=')?;
        let name = name.trim_start_matches([' ', '\t']);
        if name.is_empty() || name.contains([' ', '\t']) {
            return None;
        }
        let quoted = |q: char| value.len() >= 2 && value.starts_with(q) && value.ends_with(q);
        let value = if trim_quotes && (quoted('\'') || quoted('"')) {
            &value[1..value.len() - 1]
        } else {
            value
        };
        out.push((name.to_owned(), value.to_owned()));
    }
    Some(out)
}

/// compose-go's isSpace: blanks but not the line feed.
fn compose_space(c: char) -> bool {
    matches!(c, '\t' | '\x0b' | '\x0c' | '\r' | ' ' | '\u{85}' | '\u{a0}')
}

/// compose's `env_file:` reading: `(name, value)` per definition; a value
/// with `$` comes back as `<interpolated>` (compose substitutes it), and
/// `None` stands for a parse error.
fn compose_read(text: &str) -> Option<Vec<(String, String)>> {
    let mut out = Vec::new();
    let mut rest = text;
    loop {
        rest = rest.trim_start();
        if rest.is_empty() {
            return Some(out);
        }
        if rest.starts_with('#') {
            rest = rest.find('\n').map_or("", |i| &rest[i..]);
            continue;
        }
        if let Some(after) = rest.strip_prefix("export") {
            if after.starts_with(char::is_whitespace) {
                rest = after;
            }
        }
        rest = rest.trim_start_matches(compose_space);
        let end = rest.find(['=', ':', '\n'])?;
        if rest.as_bytes()[end] == b'\n' {
            return None; // an inherited name; not written by dfix
        }
        let name = rest[..end].trim_end();
        if name.contains(' ') {
            return None;
        }
        rest = rest[end + 1..].trim_start_matches(compose_space);
        let value;
        match rest.chars().next() {
            Some(q @ ('\'' | '"')) => {
                let close = rest[1..].find(q)? + 1;
                value = rest[1..close].to_owned();
                rest = &rest[close + 1..];
            }
            _ => {
                let (line, tail) = rest.split_once('\n').unwrap_or((rest, ""));
                let line = line.split(" #").next().unwrap_or("");
                let line = line.trim_end();
                value = if line.contains('$') {
                    "<interpolated>".to_owned()
                } else {
                    line.to_owned()
                };
                rest = tail;
            }
        }
        out.push((name.to_owned(), value));
    }
}

const P: &str = "app/runtime.env";

fn planned(existing: Option<&str>, wanted: &[WantedEntry]) -> Result<String, EnvFileError> {
    plan_as(Dialect::Runtime, Path::new(P), existing, wanted).map(|p| p.text)
}

#[test]
fn values_both_read_alike_are_written_as_they_are() {
    for value in [
        "Sup3r-Secret-Root",
        "p@ss#word",
        "two words",
        "tab\tinside",
        "tab\t#hash",
        "back\\slash\\",
        "it's",
        "say \"hi\"",
        "=starts=with=equals",
        "x:y",
        "ünïcödé €",
        "",
        "#hash-first",
        "cr\rinside",
    ] {
        assert_eq!(check_value(value), Ok(()), "{value:?}");
        let text = planned(None, &[WantedEntry::secret("A_SECRET", value)]).unwrap();
        assert!(text.ends_with(&format!("\nA_SECRET={value}\n")), "{text}");
        let want = vec![("A_SECRET".to_owned(), value.to_owned())];
        assert_eq!(docker_read(&text), Some(want.clone()), "docker, {value:?}");
        assert_eq!(
            docker_read_as(&text, true),
            Some(want.clone()),
            "kvfile, {value:?}"
        );
        assert_eq!(compose_read(&text), Some(want), "compose, {value:?}");
    }
}

#[test]
fn values_read_differently_are_refused_and_would_be_misread() {
    for value in [
        " leading",
        "trailing ",
        "trailing\u{a0}",
        "'single'",
        "\"double\"",
        "a$b",
        "$HOME",
        "pass #word",
        "two\nlines",
        "cr at the end\r",
        "nul\0byte",
    ] {
        let why = check_value(value).expect_err(value);
        let err = planned(None, &[WantedEntry::secret("A_SECRET", value)]).unwrap_err();
        assert!(
            matches!(err, EnvFileError::Unrepresentable { why: w, .. } if w == why),
            "{value:?}: {err}"
        );
        assert!(!err.to_string().contains(value), "{err}");
        // Written naively, one of the readers would not get the value back.
        if value.contains('\0') {
            continue;
        }
        let naive = format!("A_SECRET={value}\n");
        let want = Some(vec![("A_SECRET".to_owned(), value.to_owned())]);
        assert!(
            docker_read(&naive) != want || compose_read(&naive) != want,
            "{value:?} would have been read back fine"
        );
    }
}

proptest! {
    #[test]
    fn whatever_is_accepted_reads_back_the_same(value in "[ a-z#$'\"=\\\\\t\r\n:\u{a0}]{0,12}") {
        if check_value(&value).is_ok() {
            let text = planned(None, &[WantedEntry::secret("K", &value)]).unwrap();
            let want = Some(vec![("K".to_owned(), value.clone())]);
            prop_assert_eq!(docker_read(&text), want.clone());
            prop_assert_eq!(docker_read_as(&text, true), want.clone());
            prop_assert_eq!(compose_read(&text), want);
        } else {
            let naive = format!("K={value}\n");
            let want = Some(vec![("K".to_owned(), value.clone())]);
            prop_assert!(docker_read(&naive) != want || compose_read(&naive) != want);
        }
    }
}

#[test]
fn a_new_file_has_a_header_both_skip() {
    let text = planned(
        None,
        &[
            WantedEntry::secret("MYSQL_ROOT_PASSWORD", "r00t"),
            WantedEntry::placeholder("DB_PASSWORD", Some("fill in: was --build-arg DB_PASSWORD")),
        ],
    )
    .unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[..3].iter().all(|l| l.starts_with("# ")), "{text}");
    assert_eq!(
        &lines[3..],
        [
            "MYSQL_ROOT_PASSWORD=r00t",
            "# DB_PASSWORD: TODO: fill in (fill in: was --build-arg DB_PASSWORD)",
            "DB_PASSWORD=",
        ]
    );
    let want = Some(vec![
        ("MYSQL_ROOT_PASSWORD".to_owned(), "r00t".to_owned()),
        ("DB_PASSWORD".to_owned(), String::new()),
    ]);
    assert_eq!(docker_read(&text), want);
    assert_eq!(compose_read(&text), want);
}

#[test]
fn an_existing_file_is_merged_without_clobbering() {
    let old = "# mine\nAPP_MODE=prod\nMYSQL_ROOT_PASSWORD=r00t";
    let p = plan_as(
        Dialect::Runtime,
        Path::new(P),
        Some(old),
        &[
            WantedEntry::secret("MYSQL_ROOT_PASSWORD", "r00t"),
            WantedEntry::secret("ADMIN_PASS", "adm1n"),
        ],
    )
    .unwrap();
    assert_eq!(p.text, format!("{old}\nADMIN_PASS=adm1n\n"));
    assert_eq!(p.reused(), ["MYSQL_ROOT_PASSWORD"]);
    assert_eq!(p.added(), ["ADMIN_PASS"]);
    // A different value is never overwritten; the message names the key only.
    let err = planned(
        Some(old),
        &[WantedEntry::secret("MYSQL_ROOT_PASSWORD", "other-pw")],
    )
    .unwrap_err();
    assert!(
        err.to_string()
            .contains("line 3: MYSQL_ROOT_PASSWORD is not overwritten"),
        "{err}"
    );
    assert!(!err.to_string().contains("r00t") && !err.to_string().contains("other-pw"));
}

#[test]
fn crlf_files_get_crlf_lines_and_no_comment_guard() {
    let p = planned(Some("A=1\r\n"), &[WantedEntry::secret("B", "2")]).unwrap();
    assert_eq!(p, "A=1\r\nB=2\r\n");
    let want = Some(vec![
        ("A".to_owned(), "1".to_owned()),
        ("B".to_owned(), "2".to_owned()),
    ]);
    assert_eq!(docker_read(&p), want);
    assert_eq!(compose_read(&p), want);
}

#[test]
fn existing_lines_are_read_as_docker_reads_them() {
    let defs =
        parse_existing("\u{feff}A=1\n  B=two words\r\n# c\n\nC\nD='q'\nE=x #y\nF=$G\n").unwrap();
    let seen: Vec<(&str, &str, bool)> = defs
        .iter()
        .map(|d| (d.key.as_str(), d.value.as_str(), d.concern.is_none()))
        .collect();
    assert_eq!(
        seen,
        [
            ("A", "1", true),
            ("B", "two words", true),
            ("C", "", false),
            ("D", "'q'", false),
            ("E", "x #y", false),
            ("F", "$G", false),
        ]
    );
    assert_eq!(defs[1].line, 2);
    // docker refuses a name with a blank in it, `export NAME=...` included.
    assert_eq!(parse_existing("A=1\nexport B=2\n").unwrap_err(), 2);
    let err = planned(Some("export B=2\n"), &[]).unwrap_err();
    assert_eq!(
        err.to_string(),
        "app/runtime.env: line 1: docker run --env-file cannot read this line"
    );
    // A line the readers disagree on is not taken as any value: docker
    // reads `x #y`, compose `x`.
    let err = planned(Some("D=x #y\n"), &[WantedEntry::secret("D", "x")]).unwrap_err();
    assert!(err.to_string().contains("cannot be checked"), "{err}");
}
