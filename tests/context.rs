//! The build context on the command line: what a `COPY` of a directory
//! brings is found in the context dfix reads, fixed through the ignore file
//! BuildKit uses for that Dockerfile, and, when the context cannot be read,
//! reported as a note that is not a finding.

use std::fs;
use std::path::Path;
use std::process::{Command, Output};

fn dfix(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_dfix"))
        .args(args)
        .current_dir(dir)
        .env_remove("NO_COLOR")
        .output()
        .unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

const KEY: &str = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----\n";

fn tree(dir: &Path, dockerfile_name: &str) {
    fs::create_dir_all(dir.join("deploy")).unwrap();
    fs::write(dir.join("deploy/id_deploy"), KEY).unwrap();
    fs::write(dir.join("app.py"), "print(1)\n").unwrap();
    fs::write(
        dir.join(dockerfile_name),
        "FROM python:3.12\nWORKDIR /src\nCOPY . .\nRUN pip install .\n",
    )
    .unwrap();
}

#[test]
fn a_key_brought_by_copy_dot_is_left_out_in_the_dockerfiles_own_ignore_file() {
    let dir = tempfile::tempdir().unwrap();
    tree(dir.path(), "prod.Dockerfile");
    // BuildKit prefers `<Dockerfile>.dockerignore` to `.dockerignore`.
    fs::write(dir.path().join(".dockerignore"), "deploy\n").unwrap();
    fs::write(dir.path().join("prod.Dockerfile.dockerignore"), "*.pyc\n").unwrap();
    let check = dfix(dir.path(), &["--check", "prod.Dockerfile"]);
    assert_eq!(check.status.code(), Some(1), "{}", text(&check.stderr));
    let stdout = text(&check.stdout);
    assert!(
        stdout.contains("prod.Dockerfile:3:6: DF005 secret file deploy/id_deploy (a private key)"),
        "{stdout}"
    );
    let write = dfix(dir.path(), &["--write", "prod.Dockerfile"]);
    assert_eq!(write.status.code(), Some(0), "{}", text(&write.stderr));
    let own = fs::read_to_string(dir.path().join("prod.Dockerfile.dockerignore")).unwrap();
    assert!(own.starts_with("*.pyc\ndeploy/id_deploy\n"), "{own}");
    assert_eq!(
        fs::read_to_string(dir.path().join(".dockerignore")).unwrap(),
        "deploy\n"
    );
    let rewritten = fs::read_to_string(dir.path().join("prod.Dockerfile")).unwrap();
    assert!(
        rewritten.contains(
            "RUN --mount=type=secret,id=id_deploy,target=/src/deploy/id_deploy pip install ."
        ),
        "{rewritten}"
    );
    let again = dfix(dir.path(), &["--check", "prod.Dockerfile"]);
    assert_eq!(again.status.code(), Some(0), "{}", text(&again.stdout));
}

#[test]
fn an_excluded_key_is_not_a_finding() {
    let dir = tempfile::tempdir().unwrap();
    tree(dir.path(), "Dockerfile");
    fs::write(dir.path().join(".dockerignore"), "deploy/\n").unwrap();
    let out = dfix(dir.path(), &["--check", "Dockerfile"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
}

#[test]
fn without_a_readable_context_a_note_says_what_was_not_checked() {
    let dir = tempfile::tempdir().unwrap();
    tree(dir.path(), "Dockerfile");
    let out = dfix(
        dir.path(),
        &["--check", "--context", "missing", "Dockerfile"],
    );
    // Not a finding: a clean exit, nothing on stdout.
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(text(&out.stdout), "");
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("dfix: note: Dockerfile:3:6: COPY/ADD of a directory or wildcard: the build context was not read"),
        "{stderr}"
    );
    assert!(
        stderr.contains("build context: missing: no such file"),
        "{stderr}"
    );
    let json = dfix(
        dir.path(),
        &[
            "--check",
            "--format",
            "json",
            "--context",
            "missing",
            "Dockerfile",
        ],
    );
    let doc: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    let unchecked = &doc["files"][0]["unchecked"];
    assert_eq!(unchecked[0]["line"], 3, "{doc}");
    assert_eq!(doc["files"][0]["findings"].as_array().unwrap().len(), 0);
    let sarif = dfix(
        dir.path(),
        &[
            "--check",
            "--format",
            "sarif",
            "--context",
            "missing",
            "Dockerfile",
        ],
    );
    let log: serde_json::Value = serde_json::from_slice(&sarif.stdout).unwrap();
    let run = &log["runs"][0];
    assert_eq!(run["invocations"][0]["executionSuccessful"], true);
    assert_eq!(
        run["invocations"][0]["toolExecutionNotifications"][0]["level"],
        "note"
    );
    assert_eq!(run["results"].as_array().unwrap().len(), 0);
}
