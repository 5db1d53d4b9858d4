//! The subcommands that explain: `dfix rule`, `dfix completions`, `dfix man`;
//! and files named like a subcommand, which stay usable.

mod support;

use std::process::Output;

use support::{dfix_in, put, repo};

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn ok(out: Output) -> String {
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    text(&out.stdout)
}

fn snapshot(name: &str, value: &str) {
    insta::with_settings!({
        snapshot_path => "../snapshots",
        prepend_module_to_snapshot => false,
        omit_expression => true,
    }, {
        insta::assert_snapshot!(name, value);
    });
}

#[test]
fn rule_prints_the_rules_own_documentation() {
    let dir = repo();
    let df001 = ok(dfix_in(dir.path(), &["rule", "DF001"], None));
    snapshot("rule_df001", &df001);
    // By name, in any case; the same text.
    assert_eq!(
        ok(dfix_in(dir.path(), &["rule", "Hardcoded-Credential"], None)),
        df001
    );
    // The text is the rule file's doc comment.
    let source = include_str!("../src/rules/secret_file_copy.rs");
    let df002 = ok(dfix_in(dir.path(), &["rule", "df002"], None));
    for line in ["COPY .npmrc .", "RUN npm ci && rm .npmrc"] {
        assert!(source.contains(&format!("//! {line}\n")));
        assert!(df002.contains(&format!("      {line}\n")), "{df002}");
    }
    let all = ok(dfix_in(dir.path(), &["rule", "--all"], None));
    snapshot("rule_all", &all);
    let unknown = dfix_in(dir.path(), &["rule", "DF999"], None);
    assert_eq!(unknown.status.code(), Some(2));
    assert_eq!(
        text(&unknown.stderr),
        "dfix: unknown rule `DF999` (dfix rule --all lists them)\n"
    );
}

#[test]
fn completions_and_man_page() {
    let dir = repo();
    for (shell, marker) in [
        ("bash", "complete -F _dfix"),
        ("zsh", "#compdef dfix"),
        ("fish", "complete -c dfix"),
        ("powershell", "Register-ArgumentCompleter"),
    ] {
        let script = ok(dfix_in(dir.path(), &["completions", shell], None));
        assert!(script.contains(marker), "{shell}: {script}");
        assert!(script.contains("stdin-filename"), "{shell}");
        assert!(script.contains("rule"), "{shell}");
    }
    let man = ok(dfix_in(dir.path(), &["man"], None));
    assert!(man.contains(".TH dfix 1"), "{man}");
    assert!(man.contains("\\-\\-isolated"), "{man}");
}

#[test]
fn a_file_named_like_a_subcommand_is_still_a_path() {
    let dir = repo();
    let root = dir.path();
    let leaky = "FROM alpine\nRUN curl -u d:Sub-Secret-1618 https://e.example.com/\n";
    put(root, "rule", leaky);
    put(root, "config", leaky);
    for args in [
        &["--check", "./rule"][..],
        &["--check", "rule"],
        &["--check", "--", "config"],
    ] {
        let out = dfix_in(root, args, None);
        assert_eq!(
            out.status.code(),
            Some(1),
            "{args:?}: {}",
            text(&out.stderr)
        );
        assert!(text(&out.stdout).contains(": DF001 "), "{args:?}");
    }
}
