//! I/O hardening (issue 12): nothing lost, nothing hangs, nothing read from
//! outside. Each test drives the `dfix` binary on a temporary tree.

mod support;

use std::fs;
use std::path::Path;
use std::process::{Command, Output};

fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_dfix")
}

fn dfix(dir: &Path, args: &[&str]) -> Output {
    Command::new(bin())
        .args(args)
        .current_dir(dir)
        .env_remove("NO_COLOR")
        .output()
        .unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn show(out: &Output) -> String {
    format!(
        "status {:?}\n--- stdout\n{}--- stderr\n{}",
        out.status,
        text(&out.stdout),
        text(&out.stderr)
    )
}

// ---------------------------------------------------------------------------
// 13. Names the walk skips

#[test]
fn the_walk_skips_files_that_are_not_dockerfiles() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    fs::write(dir.join("Dockerfile"), "FROM alpine\nRUN true\n").unwrap();
    let skipped = [
        "Dockerfile.dockerignore",
        "app.Dockerfile.dockerignore",
        "Containerfile.dockerignore",
        "Dockerfile.md",
        "Dockerfile.rej",
        "Dockerfile.swp",
        "Dockerfile.patch",
    ];
    for name in skipped {
        fs::write(dir.join(name), "# only a comment\n").unwrap();
    }
    let out = dfix(dir, &["--check", "."]);
    assert_eq!(out.status.code(), Some(0), "{}", show(&out));
    // Named on the command line, a file is always processed.
    let out = dfix(dir, &["--check", "Dockerfile.dockerignore"]);
    assert_eq!(out.status.code(), Some(2), "{}", show(&out));
    assert!(text(&out.stderr).contains("Dockerfile.dockerignore"));
}
