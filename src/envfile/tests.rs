//! Round-trip tests against real shells and dotenvy.
//!
//! Every generated `.env` file is sourced by each available shell (`sh`,
//! `dash`, `busybox sh`, `bash`; missing ones are skipped, `sh` is
//! required) and read by dotenvy (`from_read_iter` and `from_path_iter`),
//! and all of them must give back the exact bytes of every value.

use std::collections::HashMap;
use std::path::Path;
use std::process::Command;

use proptest::prelude::*;
use proptest::test_runner::{Config, RngSeed};

use super::*;

/// Shells to source with: `sh` always; the others if installed.
fn shells() -> Vec<Vec<&'static str>> {
    let candidates: [&[&'static str]; 4] = [&["sh"], &["dash"], &["busybox", "sh"], &["bash"]];
    candidates
        .iter()
        .filter(|cmd| {
            Command::new(cmd[0])
                .args(&cmd[1..])
                .args(["-c", "exit 0"])
                .output()
                .map(|o| o.status.success())
                .unwrap_or(false)
        })
        .map(|cmd| cmd.to_vec())
        .collect()
}

/// Sources `./<file>` in `dir` with `shell`, in an empty environment, and
/// returns the values of `names` as bytes. Panics if sourcing prints
/// anything on stderr or fails.
fn source_with(shell: &[&str], dir: &Path, file: &str, names: &[String]) -> Vec<Vec<u8>> {
    let args: String = names.iter().map(|n| format!(" \"${n}\"")).collect();
    let script = format!(". ./{file} && printf '%s\\000'{args}");
    let out = Command::new(shell[0])
        .args(&shell[1..])
        .arg("-c")
        .arg(&script)
        .current_dir(dir)
        .env_clear()
        .env("PATH", "/usr/local/bin:/usr/bin:/bin")
        .output()
        .expect("run shell");
    assert!(
        out.status.success() && out.stderr.is_empty(),
        "{shell:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut values: Vec<Vec<u8>> = out.stdout.split(|&b| b == 0).map(<[u8]>::to_vec).collect();
    assert_eq!(values.pop(), Some(Vec::new()), "output ends with NUL");
    assert_eq!(values.len(), names.len());
    values
}

/// Writes `text` to `<tmp>/.env` and checks that every shell and dotenvy
/// read `expected` from it.
fn assert_reads_back(text: &str, expected: &[(String, String)]) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(".env");
    std::fs::write(&path, text).unwrap();
    let names: Vec<String> = expected.iter().map(|(n, _)| n.clone()).collect();

    let shells = shells();
    assert!(!shells.is_empty(), "sh is required");
    for shell in &shells {
        let got = source_with(shell, dir.path(), ".env", &names);
        for ((name, want), got) in expected.iter().zip(got) {
            assert_eq!(got, want.as_bytes(), "{shell:?} misread {name} ({want:?})");
        }
    }

    let from_read: HashMap<String, String> = dotenvy::from_read_iter(text.as_bytes())
        .collect::<Result<_, _>>()
        .expect("dotenvy from_read_iter parses");
    let from_path: HashMap<String, String> = dotenvy::from_path_iter(&path)
        .unwrap()
        .collect::<Result<_, _>>()
        .expect("dotenvy from_path_iter parses");
    for (name, want) in expected {
        assert_eq!(
            from_read.get(name),
            Some(want),
            "dotenvy (read) misread {name} ({want:?})"
        );
        assert_eq!(
            from_path.get(name),
            Some(want),
            "dotenvy (path) misread {name} ({want:?})"
        );
    }
}

fn nasty_values() -> Vec<String> {
    let mut values: Vec<String> = [
        "",
        " ",
        "  leading",
        "trailing  ",
        " both ",
        "'",
        "''",
        "'''",
        "\\",
        "\\\\",
        "a\\",
        "\\a",
        "a\\'b",
        "\\'",
        "'\\",
        "'\\''",
        "it's",
        "$HOME",
        "${HOME}",
        "$(id)",
        "$((1+1))",
        "`id`",
        "\\$HOME",
        "!",
        "!!",
        "!$",
        "\"",
        "a\"b",
        "\"'\"",
        "@",
        "user@host",
        "#",
        "#x",
        "a #b",
        "a#b",
        "tab\there",
        "\t",
        "\tx\t",
        "new\nline",
        "\n",
        "trailing\n",
        "\n\nlead",
        "a\n#b\n",
        "a\n'b\n",
        "cr\r",
        "\r",
        "\r\n",
        "crlf\r\nx",
        "é",
        "日本語",
        "crab 🦀",
        "\u{3000}",
        "a\u{3000}",
        "\u{a0}nbsp\u{a0}",
        "\u{feff}bom",
        "x=y",
        "export A=b",
        "--build-arg",
        "-n",
        "-e",
        "%s",
        "%d\\n",
        "*",
        "?",
        "[a]",
        "~",
        "~/x",
        "a;b",
        "a|b",
        "a&b",
        "(x)",
        "{x}",
        "<>",
        "\u{1}\u{1f}\u{7f}",
        "\\n",
        "a\\nb",
        "pa$$w0rd!'\"`\\",
        "ghp_0123456789abcdefABCDEF",
        "https://user:p%40ss@example.invalid/x?y=1&z=2",
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect();
    let punctuation: String = (0x21u8..0x7f)
        .map(char::from)
        .filter(char::is_ascii_punctuation)
        .collect();
    values.extend(punctuation.chars().map(String::from));
    values.extend(punctuation.chars().map(|c| format!("a{c}b")));
    values.extend(punctuation.chars().map(|c| format!("{c}{c}")));
    values.push(punctuation.clone());
    values.push(punctuation.chars().rev().collect());
    values.push("x".repeat(10_000));
    values
}

fn named(values: &[String]) -> Vec<(String, String)> {
    values
        .iter()
        .enumerate()
        .map(|(i, v)| (format!("V{i}"), v.clone()))
        .collect()
}

#[test]
fn env_quote_reads_back_in_sh_and_dotenvy() {
    let expected = named(&nasty_values());
    let text: String = expected
        .iter()
        .map(|(n, v)| format!("export {n}={}\n", env_quote(v).unwrap()))
        .collect();
    assert_reads_back(&text, &expected);
}

#[test]
fn planned_file_reads_back_lf() {
    let expected = named(&nasty_values());
    let wanted: Vec<WantedEntry> = expected
        .iter()
        .map(|(n, v)| WantedEntry::secret(n, v))
        .collect();
    let plan = plan(Path::new(".env"), None, &wanted).unwrap();
    assert_eq!(plan.added().len(), expected.len());
    assert_reads_back(&plan.text, &expected);
}

#[test]
fn planned_file_reads_back_crlf() {
    let existing = "# windows file\r\nexport OLD='x' # c\r\n";
    let mut expected = named(&nasty_values());
    let wanted: Vec<WantedEntry> = expected
        .iter()
        .map(|(n, v)| WantedEntry::secret(n, v))
        .chain([WantedEntry::placeholder(
            "PH",
            Some("was --build-arg PH; it's \"odd\""),
        )])
        .collect();
    let plan = plan(Path::new(".env"), Some(existing), &wanted).unwrap();
    assert!(plan.text.starts_with(existing));
    assert_eq!(plan.line_ending, LineEnding::CrLf);
    expected.push(("OLD".into(), "x".into()));
    expected.push(("PH".into(), String::new()));
    assert_reads_back(&plan.text, &expected);
}

#[test]
fn placeholders_read_as_empty() {
    let wanted = [
        WantedEntry::placeholder("A", None),
        WantedEntry::placeholder("B", Some("was --build-arg B")),
        WantedEntry::placeholder("C", Some("it's a \"note\" with $x `y` \\ and\nnewline")),
        WantedEntry::secret("D", "after"),
    ];
    let plan = plan(Path::new(".env"), None, &wanted).unwrap();
    assert!(plan
        .text
        .contains("export B='' # TODO: fill in (was --build-arg B)\n"));
    let expected = [("A", ""), ("B", ""), ("C", ""), ("D", "after")]
        .map(|(n, v)| (n.to_owned(), v.to_owned()));
    assert_reads_back(&plan.text, &expected);
}

#[test]
fn sourced_variables_are_exported() {
    let dir = tempfile::tempdir().unwrap();
    let wanted = [WantedEntry::secret("TOKEN", "t'o k\\en")];
    let plan = plan(Path::new(".env"), None, &wanted).unwrap();
    std::fs::write(dir.path().join(".env"), &plan.text).unwrap();
    // The child `sh` only sees exported variables.
    let out = Command::new("sh")
        .args(["-c", ". ./.env && sh -c 'printf %s \"$TOKEN\"'"])
        .current_dir(dir.path())
        .env_clear()
        .env("PATH", "/usr/local/bin:/usr/bin:/bin")
        .output()
        .unwrap();
    assert_eq!(out.stdout, b"t'o k\\en");
}

#[test]
fn textbook_quoting_reads_back_in_sh() {
    let values = nasty_values();
    let shells = shells();
    for shell in &shells {
        for chunk in values.chunks(40) {
            let args: String = chunk
                .iter()
                .map(|v| format!(" {}", shell_single_quote(v)))
                .collect();
            let out = Command::new(shell[0])
                .args(&shell[1..])
                .arg("-c")
                .arg(format!("printf '%s\\000'{args}"))
                .env_clear()
                .output()
                .unwrap();
            assert!(out.status.success(), "{shell:?}");
            let got: Vec<&[u8]> = out.stdout.split(|&b| b == 0).collect();
            for (want, got) in chunk.iter().zip(got) {
                assert_eq!(got, want.as_bytes(), "{shell:?} misread {want:?}");
            }
        }
    }
}

/// Evidence for the representation choice: dotenvy 0.15 misreads the
/// textbook form of values with a backslash before a `'` or at the end,
/// which sh reads fine.
#[test]
fn dotenvy_misreads_textbook_quoting_of_backslashes() {
    for value in ["a\\", "a\\'b", "\\"] {
        let text = format!("export K={}\nexport L='next'\n", shell_single_quote(value));
        let parsed: Result<Vec<_>, _> = dotenvy::from_read_iter(text.as_bytes()).collect();
        assert!(
            parsed.is_err(),
            "dotenvy now reads {value:?}: revisit env_quote"
        );
        // With env_quote both lines read back.
        let text = format!("export K={}\nexport L='next'\n", env_quote(value).unwrap());
        assert_reads_back(
            &text,
            &[("K".into(), value.into()), ("L".into(), "next".into())],
        );
    }
    // The textbook `'\''` for a plain quote is fine in dotenvy.
    let parsed: Vec<_> = dotenvy::from_read_iter("K='a'\\''b'\n".as_bytes())
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(parsed, vec![("K".to_owned(), "a'b".to_owned())]);
}

/// Evidence for the CRLF guard: sh keeps the CR of `export A='x'` CR LF.
#[test]
fn sh_keeps_cr_without_guard() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join(".env"),
        "export A='x'\r\nexport B='y' #\r\n",
    )
    .unwrap();
    let got = source_with(&["sh"], dir.path(), ".env", &["A".into(), "B".into()]);
    assert_eq!(got, vec![b"x\r".to_vec(), b"y".to_vec()]);
}

/// Evidence for the single blank before a placeholder's comment: with two,
/// dotenvy's line splitter reads a `'` in the comment as opening a quote.
#[test]
fn dotenvy_two_blank_comment_quirk() {
    let text = "export K=''  # it's\nexport L=x\n";
    assert!(dotenvy::from_read_iter(text.as_bytes())
        .collect::<Result<Vec<_>, _>>()
        .is_err());
    let text = "export K='' # it's\nexport L=x\n";
    assert_reads_back(
        text,
        &[("K".into(), String::new()), ("L".into(), "x".into())],
    );
}

fn value_strategy() -> impl Strategy<Value = String> {
    prop_oneof![
        r"[ -~]{0,40}",
        r"[ -~\t\n\r]{0,40}",
        r"['\\ a$#\n]{0,16}",
        r"\PC{0,24}",
        r"[\x01-\x7f]{0,24}",
    ]
}

proptest! {
    #![proptest_config(Config {
        cases: 96,
        rng_seed: RngSeed::Fixed(0x5eed_0e4f),
        failure_persistence: None,
        ..Config::default()
    })]

    #[test]
    fn random_values_read_back(values in prop::collection::vec(value_strategy(), 1..6)) {
        let expected = named(&values);
        let wanted: Vec<WantedEntry> = expected
            .iter()
            .map(|(n, v)| WantedEntry::secret(n, v))
            .collect();
        let plan = plan(Path::new(".env"), Some("# existing\n"), &wanted).unwrap();
        assert_reads_back(&plan.text, &expected);
        // Merging the same values again is a no-op.
        let again = super::plan(Path::new(".env"), Some(&plan.text), &wanted).unwrap();
        prop_assert!(!again.changed);
        prop_assert_eq!(again.reused().len(), values.len());
    }

    #[test]
    fn textbook_quoting_random(value in value_strategy()) {
        let out = Command::new("sh")
            .arg("-c")
            .arg(format!("printf %s {}", shell_single_quote(&value)))
            .env_clear()
            .output()
            .unwrap();
        prop_assert_eq!(out.stdout, value.as_bytes());
    }
}

/// A derived entry (`export K="...${A}..."`) reads back alike in every shell
/// and in dotenvy, made of the secret before it, whatever the secret holds.
#[test]
fn derived_entries_read_back_in_sh_and_dotenvy() {
    for secret in nasty_values().into_iter().filter(|v| !v.contains('\0')) {
        let wanted = vec![
            WantedEntry::secret("TOKEN", &secret),
            WantedEntry::derived(
                "GIT_CONFIG_KEY_0",
                "url.https://ci:${TOKEN}@git.example.com/.insteadOf",
            ),
            WantedEntry::derived("ODD", "a \\\"quoted\\\" \\$dollar \\\\ ${TOKEN}"),
        ];
        let planned = plan(Path::new(".env"), None, &wanted).unwrap();
        assert_reads_back(
            &planned.text,
            &[
                ("TOKEN".into(), secret.clone()),
                (
                    "GIT_CONFIG_KEY_0".into(),
                    format!("url.https://ci:{secret}@git.example.com/.insteadOf"),
                ),
                ("ODD".into(), format!("a \"quoted\" $dollar \\ {secret}")),
            ],
        );
        // A second run finds it all there.
        let again = plan(Path::new(".env"), Some(&planned.text), &wanted).unwrap();
        assert!(!again.changed);
    }
}

#[test]
fn derived_entries_refuse_other_expansions_and_clashes() {
    for bad in [
        "$(id)", "${A:-x}", "$A", "`id`", "\\`", "a\"b", "a\nb", "\\n",
    ] {
        let wanted = [WantedEntry::derived("K", bad)];
        assert!(
            plan(Path::new(".env"), None, &wanted).is_err(),
            "{bad:?} accepted"
        );
    }
    let wanted = [WantedEntry::derived("K", "x${A}")];
    let first = plan(Path::new(".env"), None, &wanted).unwrap();
    let other = [WantedEntry::derived("K", "y${A}")];
    assert!(plan(Path::new(".env"), Some(&first.text), &other).is_err());
}
