//! Words of the `docker build` command dfix prints.
//!
//! Docker reads the value of each `--secret` flag as one CSV record, with
//! Go's `encoding/csv`: `id=env,src=PATH` is two fields. A path holding a
//! comma would start a third field, and one holding a double quote makes
//! Go's reader fail ("bare quote"), so such a field is written the CSV way:
//! in double quotes, each `"` doubled. The record is then one word for the
//! shell. A relative path that starts with `-` would read as an option
//! (`-f -` even means "the Dockerfile on standard input"), so it gets `./`
//! in front, wherever a path appears.

use std::borrow::Cow;
use std::path::Path;

use crate::envfile::shell_word;

/// `--secret id=ID,src=PATH`, quoted for Docker's CSV reader and for sh.
pub fn secret_flag(id: &str, src: &Path) -> String {
    let src = format!("src={}", dashless(&src.to_string_lossy()));
    let record = format!("{},{}", csv_field(&format!("id={id}")), csv_field(&src));
    format!("--secret {}", shell_word(&record))
}

/// `--secret id=NAME,env=NAME`: a former build arg passed as a secret from
/// the variable of the same name in the environment of `docker build`.
pub fn env_secret_flag(name: &str) -> String {
    let id = crate::callers::secret_id(name);
    let record = format!(
        "{},{}",
        csv_field(&format!("id={id}")),
        csv_field(&format!("env={name}"))
    );
    format!("--secret {}", shell_word(&record))
}

/// A path as one shell word that no program reads as an option.
pub fn path_word(path: &Path) -> String {
    shell_word(&dashless(&path.to_string_lossy()))
}

/// `./` before a relative path starting with `-`.
fn dashless(path: &str) -> Cow<'_, str> {
    if path.starts_with('-') {
        Cow::Owned(format!("./{path}"))
    } else {
        Cow::Borrowed(path)
    }
}

/// One CSV field as Go's `encoding/csv` writes it: quoted when it holds a
/// comma, a double quote or a line break, each `"` doubled.
fn csv_field(field: &str) -> Cow<'_, str> {
    if field.contains([',', '"', '\n', '\r']) {
        Cow::Owned(format!("\"{}\"", field.replace('"', "\"\"")))
    } else {
        Cow::Borrowed(field)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::process::Command;

    /// (path, CSV record before shell quoting).
    const CASES: &[(&str, &str)] = &[
        (".env", "id=env,src=.env"),
        ("./app/.env", "id=env,src=./app/.env"),
        ("/abs/x y/.env", "id=env,src=/abs/x y/.env"),
        ("a,b/.env", "id=env,\"src=a,b/.env\""),
        ("say \"hi\"/.env", "id=env,\"src=say \"\"hi\"\"/.env\""),
        ("it's/.env", "id=env,src=it's/.env"),
        ("-x/.env", "id=env,src=./-x/.env"),
        ("-", "id=env,src=./-"),
        ("line\nbreak/.env", "id=env,\"src=line\nbreak/.env\""),
        ("$HOME/`x`/.env", "id=env,src=$HOME/`x`/.env"),
        ("caf\u{e9},\"q\"", "id=env,\"src=caf\u{e9},\"\"q\"\"\""),
    ];

    #[test]
    fn csv_records() {
        for (path, record) in CASES {
            let flag = secret_flag("env", Path::new(path));
            assert_eq!(flag, format!("--secret {}", shell_word(record)), "{path:?}");
        }
        assert_eq!(path_word(Path::new("-x/Dockerfile")), "./-x/Dockerfile");
        assert_eq!(path_word(Path::new("/-x")), "/-x");
        assert_eq!(path_word(Path::new("a b")), "'a b'");
        assert_eq!(path_word(Path::new(".")), ".");
    }

    /// The words sh makes of `words`, NUL-separated.
    fn through_sh(words: &str) -> Vec<String> {
        let out = Command::new("sh")
            .arg("-c")
            .arg(format!("printf '%s\\0' {words}"))
            .output()
            .unwrap();
        assert!(out.status.success());
        let mut got: Vec<String> = String::from_utf8(out.stdout)
            .unwrap()
            .split('\0')
            .map(str::to_owned)
            .collect();
        got.pop();
        got
    }

    /// Fields of one CSV record read by Python's csv module, which agrees
    /// with Go's encoding/csv on quoted fields, doubled quotes and line
    /// breaks inside quotes.
    fn through_csv(record: &str) -> Vec<String> {
        let out = Command::new("python3")
            .args([
                "-c",
                "import csv, io, sys\n\
                 rows = list(csv.reader(io.StringIO(sys.argv[1], newline='')))\n\
                 assert len(rows) == 1, rows\n\
                 sys.stdout.write('\\0'.join(rows[0]))",
            ])
            .arg(record)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout)
            .unwrap()
            .split('\0')
            .map(str::to_owned)
            .collect()
    }

    #[test]
    fn round_trip_through_sh_and_a_csv_reader() {
        for (path, _) in CASES {
            let flag = secret_flag("env", Path::new(path));
            let words = through_sh(&flag);
            assert_eq!(words.len(), 2, "{flag}");
            assert_eq!(words[0], "--secret");
            let fields = through_csv(&words[1]);
            let want = if path.starts_with('-') {
                format!("./{path}")
            } else {
                path.to_string()
            };
            assert_eq!(
                fields,
                ["id=env".to_owned(), format!("src={want}")],
                "{flag}"
            );
            let word = through_sh(&path_word(Path::new(path)));
            assert_eq!(word, [want], "{path:?}");
        }
    }
}
