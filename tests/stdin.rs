//! `dfix - --stdin-filename PATH`: a Dockerfile from standard input, as an
//! editor sends it. Standard output is the rewritten file or the findings;
//! nothing is written but the `.env`, and only with `--write`.

mod support;

use std::fs;
use std::path::Path;
use std::process::Output;

use support::{dfix_in, put, repo};

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn show(out: &Output) -> String {
    format!(
        "stdout:\n{}\nstderr:\n{}",
        text(&out.stdout),
        text(&out.stderr)
    )
}

const SECRET: &str = "Stdin-Secret-6174";

fn leaky() -> String {
    format!("FROM alpine\r\nRUN curl -u d:{SECRET} https://e.example.com/a\r\nCMD [\"a\"]")
}

/// Every file under `root`, relative, sorted.
fn files(root: &Path) -> Vec<String> {
    let mut out: Vec<String> = support::files_under(root)
        .into_iter()
        .map(|p| p.strip_prefix(root).unwrap().display().to_string())
        .filter(|p| !p.starts_with(".git/"))
        .collect();
    out.sort();
    out
}

#[test]
fn dry_run_prints_the_rewritten_file_and_writes_nothing() {
    let dir = repo();
    let root = dir.path();
    let input = leaky();
    let out = dfix_in(
        root,
        &["-", "--stdin-filename", "app/Dockerfile"],
        Some(&input),
    );
    assert_eq!(out.status.code(), Some(1), "{}", show(&out));
    let stdout = text(&out.stdout);
    // The whole file, line endings and the missing final newline kept.
    assert_eq!(
        stdout,
        "FROM alpine\r\nRUN --mount=type=secret,id=env . /run/secrets/env && curl -u d:\"${E_EXAMPLE_COM_PASSWORD}\" https://e.example.com/a\r\nCMD [\"a\"]"
    );
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("app/.env: E_EXAMPLE_COM_PASSWORD = St**** (would write)"),
        "{stderr}"
    );
    assert!(!stderr.contains(SECRET) && !stdout.contains(SECRET));
    assert!(files(root).is_empty(), "{:?}", files(root));
}

#[test]
fn write_prints_the_rewritten_file_and_writes_only_the_env() {
    let dir = repo();
    let root = dir.path();
    fs::create_dir(root.join("app")).unwrap();
    let out = dfix_in(
        root,
        &["--write", "-", "--stdin-filename", "app/Dockerfile"],
        Some(&leaky()),
    );
    assert_eq!(out.status.code(), Some(0), "{}", show(&out));
    assert!(text(&out.stdout).contains("\"${E_EXAMPLE_COM_PASSWORD}\""));
    assert_eq!(files(root), ["app/.env"]);
    let env = fs::read_to_string(root.join("app/.env")).unwrap();
    assert!(
        env.contains(&format!("export E_EXAMPLE_COM_PASSWORD='{SECRET}'")),
        "{env}"
    );
    // The ignore files it would have extended are named instead.
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("app/.dockerignore: not updated"),
        "{stderr}"
    );
}

#[test]
fn check_names_findings_after_the_stdin_filename() {
    let dir = repo();
    let root = dir.path();
    let out = dfix_in(
        root,
        &["--check", "-", "--stdin-filename", "svc/Dockerfile"],
        Some(&leaky()),
    );
    assert_eq!(out.status.code(), Some(1), "{}", show(&out));
    assert_eq!(
        text(&out.stdout),
        "svc/Dockerfile:2:15: DF001 password in curl --user (moves to .env as E_EXAMPLE_COM_PASSWORD)\n"
    );
    let json = dfix_in(
        root,
        &[
            "--check",
            "--format",
            "json",
            "-",
            "--stdin-filename",
            "svc/Dockerfile",
        ],
        Some(&leaky()),
    );
    let doc: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(doc["files"][0]["path"], "svc/Dockerfile");
    assert!(files(root).is_empty());
}

#[test]
fn configuration_is_found_from_the_stdin_filename() {
    let dir = repo();
    let root = dir.path();
    put(root, "svc/.dfix.toml", "ignore = [\"DF001\"]\n");
    let args = ["--check", "-", "--stdin-filename", "svc/Dockerfile"];
    let out = dfix_in(root, &args, Some(&leaky()));
    assert_eq!(out.status.code(), Some(0), "{}", show(&out));
    let elsewhere = dfix_in(
        root,
        &["--check", "-", "--stdin-filename", "web/Dockerfile"],
        Some(&leaky()),
    );
    assert_eq!(elsewhere.status.code(), Some(1), "{}", show(&elsewhere));
}

#[test]
fn errors_give_the_text_back_and_exit_2() {
    let dir = repo();
    let root = dir.path();
    let broken = "# only a comment\n";
    let out = dfix_in(
        root,
        &["-", "--stdin-filename", "app/Dockerfile"],
        Some(broken),
    );
    assert_eq!(out.status.code(), Some(2), "{}", show(&out));
    assert_eq!(text(&out.stdout), broken);
    let err = text(&out.stderr);
    assert!(
        err.starts_with("dfix: app/Dockerfile: line 2, column 1: "),
        "{err}"
    );
    // `-` is the only PATH; --stdin-filename needs it.
    let both = dfix_in(root, &["-", "Dockerfile"], Some(broken));
    assert_eq!(both.status.code(), Some(2));
    assert!(text(&both.stderr).contains("`-` (standard input) must be the only PATH"));
    let name_only = dfix_in(root, &["--stdin-filename", "x", "Dockerfile"], None);
    assert_eq!(name_only.status.code(), Some(2));
    assert!(text(&name_only.stderr).contains("--stdin-filename needs PATH `-`"));
}

#[test]
fn write_respects_a_read_only_env_like_a_file_run() {
    use std::os::unix::fs::PermissionsExt;
    let dir = repo();
    let root = dir.path();
    put(root, "app/.env", "export OTHER='x'\n");
    let env = root.join("app/.env");
    fs::set_permissions(&env, fs::Permissions::from_mode(0o444)).unwrap();
    let input = leaky();
    let args = ["--write", "-", "--stdin-filename", "app/Dockerfile"];
    let out = dfix_in(root, &args, Some(&input));
    assert_eq!(out.status.code(), Some(2), "{}", show(&out));
    // The text comes back as it was; the .env is untouched.
    assert_eq!(text(&out.stdout), input);
    assert!(text(&out.stderr).contains("app/.env"), "{}", show(&out));
    assert_eq!(fs::read_to_string(&env).unwrap(), "export OTHER='x'\n");
    let forced = dfix_in(root, &[&["--force"][..], &args].concat(), Some(&input));
    assert_eq!(forced.status.code(), Some(0), "{}", show(&forced));
    assert!(fs::read_to_string(&env).unwrap().contains(SECRET));
}

#[test]
fn force_exclude_leaves_an_excluded_name_alone() {
    let dir = repo();
    let root = dir.path();
    put(root, ".dfix.toml", "exclude = [\"legacy/\"]\n");
    let input = leaky();
    let args = [
        "--force-exclude",
        "-",
        "--stdin-filename",
        "legacy/Dockerfile",
    ];
    let out = dfix_in(root, &args, Some(&input));
    assert_eq!(out.status.code(), Some(0), "{}", show(&out));
    assert_eq!(text(&out.stdout), input);
    // Without --force-exclude a named file is processed, as on disk.
    let out = dfix_in(root, &args[1..], Some(&input));
    assert_eq!(out.status.code(), Some(1), "{}", show(&out));
    assert_ne!(text(&out.stdout), input);
}
