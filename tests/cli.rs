//! The `dfix` binary end to end on temporary trees: exit codes, modes,
//! writes that keep the file's bytes, mode and line endings, and secrets
//! that never reach the output unless asked for.

mod support;

use std::fs;
use std::os::unix::fs::PermissionsExt;
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

const SECRET: &str = "s3cr3t-Value-42";

fn seed(dir: &Path) {
    fs::write(
        dir.join("Dockerfile"),
        format!("FROM alpine\nRUN pip install --index-url https://ci:{SECRET}@pypi.example.com/simple app\n"),
    )
    .unwrap();
}

#[test]
fn dry_run_shows_diff_and_build_command_without_the_secret() {
    let dir = tempfile::tempdir().unwrap();
    seed(dir.path());
    let out = dfix(dir.path(), &["Dockerfile"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("--- a/Dockerfile\n+++ b/Dockerfile\n"),
        "{stdout}"
    );
    assert!(stdout.contains("+RUN --mount=type=secret,id=env . /run/secrets/env && pip install"));
    assert!(
        stdout.contains("DOCKER_BUILDKIT=1 docker build --secret id=env,src=.env -f Dockerfile .")
    );
    assert!(
        !stdout.contains(SECRET),
        "the secret leaked into the output:\n{stdout}"
    );
    assert!(!stdout.contains('\x1b'), "no colour on a pipe");
    // Nothing was written.
    assert!(!dir.path().join(".env").exists());
    let shown = dfix(dir.path(), &["--show-secrets", "Dockerfile"]);
    assert!(text(&shown.stdout).contains(SECRET));
}

#[test]
fn write_then_everything_is_clean() {
    let dir = tempfile::tempdir().unwrap();
    seed(dir.path());
    let df = dir.path().join("Dockerfile");
    fs::set_permissions(&df, fs::Permissions::from_mode(0o640)).unwrap();
    let out = dfix(dir.path(), &["--write", "Dockerfile"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    assert!(!text(&out.stdout).contains(SECRET));
    let rewritten = fs::read_to_string(&df).unwrap();
    assert!(!rewritten.contains(SECRET));
    assert_eq!(
        fs::metadata(&df).unwrap().permissions().mode() & 0o777,
        0o640
    );
    let env = dir.path().join(".env");
    assert_eq!(
        fs::metadata(&env).unwrap().permissions().mode() & 0o777,
        0o600
    );
    // The .env gives the exact value back to sh.
    let sourced = Command::new("sh")
        .arg("-c")
        .arg(". ./.env && printf %s \"$PYPI_EXAMPLE_COM_PASSWORD\"")
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(text(&sourced.stdout), SECRET);
    assert!(fs::read_to_string(dir.path().join(".dockerignore"))
        .unwrap()
        .contains(".env"));
    // A second --write changes nothing; --check is clean.
    let again = dfix(dir.path(), &["--write", "Dockerfile"]);
    assert_eq!(again.status.code(), Some(0));
    assert_eq!(fs::read_to_string(&df).unwrap(), rewritten);
    let check = dfix(dir.path(), &["--check", "Dockerfile"]);
    assert_eq!(check.status.code(), Some(0), "{}", text(&check.stdout));
    assert!(check.stdout.is_empty());
}

#[test]
fn write_keeps_crlf_bom_and_missing_final_newline() {
    let dir = tempfile::tempdir().unwrap();
    let original = format!("\u{feff}FROM alpine\r\nRUN curl -u ci:x https://ci:{SECRET}@h.example.com/a\r\nCMD [\"a\"]");
    fs::write(dir.path().join("Dockerfile"), &original).unwrap();
    let out = dfix(dir.path(), &["--write", "Dockerfile"]);
    assert!(
        out.status.code().is_some_and(|c| c < 2),
        "{}",
        text(&out.stderr)
    );
    let rewritten = fs::read_to_string(dir.path().join("Dockerfile")).unwrap();
    assert!(rewritten.starts_with("\u{feff}FROM alpine\r\nRUN --mount=type=secret,id=env "));
    assert!(rewritten.ends_with("\r\nCMD [\"a\"]"));
    assert_eq!(rewritten.matches("\r\n").count(), 2);
    assert_eq!(rewritten.matches('\n').count(), 2);
}

#[test]
fn check_lists_findings_with_positions() {
    let dir = tempfile::tempdir().unwrap();
    seed(dir.path());
    let out = dfix(dir.path(), &["--check", "."]);
    assert_eq!(out.status.code(), Some(1));
    let stdout = text(&out.stdout);
    assert!(stdout.starts_with("./Dockerfile:2:"), "{stdout}");
    assert!(stdout.contains(": DF001 "), "{stdout}");
    assert!(!stdout.contains(SECRET));
}

#[test]
fn errors_name_the_file_and_the_rest_is_processed() {
    let dir = tempfile::tempdir().unwrap();
    seed(dir.path());
    fs::write(dir.path().join("binary.Dockerfile"), b"\x7fELF\x00\x01").unwrap();
    fs::write(dir.path().join("latin1.Dockerfile"), b"FROM x\n# caf\xe9\n").unwrap();
    fs::write(
        dir.path().join("clean.Dockerfile"),
        "FROM alpine\nRUN true\n",
    )
    .unwrap();
    let out = dfix(
        dir.path(),
        &[
            "--check",
            "missing/Dockerfile",
            "binary.Dockerfile",
            "latin1.Dockerfile",
            "Dockerfile",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out.stderr);
    let mut lines: Vec<&str> = stderr.lines().collect();
    // The closing summary comes last.
    let summary = lines.pop().unwrap();
    assert!(
        summary.starts_with(
            "dfix: 4 files, 1 with findings (DF001 1), 1 fixable, 0 need a person, 3 errors"
        ),
        "{summary}"
    );
    assert_eq!(lines.len(), 3, "{stderr}");
    assert!(lines
        .iter()
        .any(|l| l.starts_with("dfix: missing/Dockerfile: no such file")));
    assert!(lines
        .iter()
        .any(|l| l.starts_with("dfix: binary.Dockerfile: line 1, column 5: binary")));
    assert!(lines
        .iter()
        .any(|l| l.starts_with("dfix: latin1.Dockerfile: line 2, column 6: not valid UTF-8")));
    // The good file was still checked.
    assert!(text(&out.stdout).contains("Dockerfile:2:"));
    let clean = dfix(dir.path(), &["clean.Dockerfile"]);
    assert_eq!(clean.status.code(), Some(0));
}

#[test]
fn existing_env_is_merged_and_conflicts_refused() {
    let dir = tempfile::tempdir().unwrap();
    seed(dir.path());
    fs::write(dir.path().join(".env"), "# mine\nOTHER=1\n").unwrap();
    let out = dfix(dir.path(), &["--write", "Dockerfile"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let env = fs::read_to_string(dir.path().join(".env")).unwrap();
    assert!(env.starts_with("# mine\nOTHER=1\n"), "{env}");
    // A made-up name never takes a key that holds another value.
    let dir2 = tempfile::tempdir().unwrap();
    seed(dir2.path());
    fs::write(
        dir2.path().join(".env"),
        "PYPI_EXAMPLE_COM_PASSWORD=other\n",
    )
    .unwrap();
    let out = dfix(dir2.path(), &["--write", "Dockerfile"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let env = fs::read_to_string(dir2.path().join(".env")).unwrap();
    assert!(
        env.starts_with("PYPI_EXAMPLE_COM_PASSWORD=other\n"),
        "{env}"
    );
    assert!(env.contains("export PYPI_EXAMPLE_COM_PASSWORD_2="), "{env}");
    let df = fs::read_to_string(dir2.path().join("Dockerfile")).unwrap();
    assert!(df.contains("${PYPI_EXAMPLE_COM_PASSWORD_2}"), "{df}");
    // A name the Dockerfile fixes (an ARG) that holds another value: refused,
    // nothing written, and neither value printed.
    let dir3 = tempfile::tempdir().unwrap();
    let original = format!("FROM alpine\nARG NPM_TOKEN={SECRET}\nRUN npm ci\n");
    fs::write(dir3.path().join("Dockerfile"), &original).unwrap();
    fs::write(dir3.path().join(".env"), "NPM_TOKEN=other-value\n").unwrap();
    let out = dfix(dir3.path(), &["--write", "Dockerfile"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("NPM_TOKEN") && stderr.contains(".env"),
        "{stderr}"
    );
    assert!(
        !stderr.contains(SECRET) && !stderr.contains("other-value"),
        "{stderr}"
    );
    assert_eq!(
        fs::read_to_string(dir3.path().join("Dockerfile")).unwrap(),
        original
    );
    assert_eq!(
        fs::read_to_string(dir3.path().join(".env")).unwrap(),
        "NPM_TOKEN=other-value\n"
    );
}

#[test]
fn help_has_examples() {
    let out = Command::new(env!("CARGO_BIN_EXE_dfix"))
        .arg("--help")
        .output()
        .unwrap();
    let help = text(&out.stdout);
    assert!(help.contains("Examples:") && help.contains("dfix --write Dockerfile"));
    assert!(help.contains("Exit status: 0 clean, 1 findings or changes pending, 2"));
}

#[test]
fn write_over_a_tree_keeps_every_secret_of_a_directory() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a");
    fs::create_dir_all(a.join("b")).unwrap();
    // Path order puts a/b/Dockerfile between the two files of a/, which share a/.env.
    for (file, host) in [
        ("a/Dockerfile", "one"),
        ("a/b/Dockerfile", "two"),
        ("a/z.Dockerfile", "three"),
    ] {
        fs::write(
            dir.path().join(file),
            format!("FROM alpine\nRUN pip install -i https://ci:{SECRET}-{host}@{host}.example.com/simple x\n"),
        )
        .unwrap();
    }
    let out = dfix(dir.path(), &["--write", "--jobs", "2", "."]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let env = fs::read_to_string(a.join(".env")).unwrap();
    assert!(
        env.contains("ONE_EXAMPLE_COM_PASSWORD") && env.contains("THREE_EXAMPLE_COM_PASSWORD"),
        "{env}"
    );
    assert!(fs::read_to_string(a.join("b/.env"))
        .unwrap()
        .contains("TWO_EXAMPLE_COM_PASSWORD"));
    let check = dfix(dir.path(), &["--check", "."]);
    assert_eq!(check.status.code(), Some(0), "{}", text(&check.stdout));
}

/// Runs dfix so that file permissions apply: root reads every file, so as
/// root the binary is copied into `dir` and run as `nobody` with `setpriv`.
fn dfix_unprivileged(dir: &Path, args: &[&str]) -> Output {
    // SAFETY: geteuid has no preconditions.
    let root = unsafe { libc::geteuid() } == 0;
    let mut cmd = if root {
        let copy = support::binary_copy(dir);
        let mut c = Command::new("setpriv");
        c.args(["--reuid=65534", "--regid=65534", "--clear-groups", "--"])
            .arg(copy);
        c
    } else {
        Command::new(env!("CARGO_BIN_EXE_dfix"))
    };
    cmd.args(args).current_dir(dir).output().unwrap()
}

#[test]
fn link_loops_and_unreadable_files_are_reported_and_the_run_goes_on() {
    use std::os::unix::fs::symlink;
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    fs::set_permissions(dir, fs::Permissions::from_mode(0o755)).unwrap();
    seed(dir);
    for sub in ["a", "b", "c", "d"] {
        fs::create_dir(dir.join(sub)).unwrap();
    }
    // A link to itself, a directory link to an ancestor, an unreadable file
    // and an unreadable directory.
    symlink("Dockerfile.self", dir.join("a/Dockerfile.self")).unwrap();
    symlink("..", dir.join("b/up")).unwrap();
    fs::write(dir.join("c/Dockerfile"), "FROM alpine\n").unwrap();
    fs::set_permissions(dir.join("c/Dockerfile"), fs::Permissions::from_mode(0o000)).unwrap();
    fs::write(dir.join("d/Dockerfile"), "FROM alpine\n").unwrap();
    fs::set_permissions(dir.join("d"), fs::Permissions::from_mode(0o000)).unwrap();

    let out = dfix_unprivileged(dir, &["--check", "--follow", "."]);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    let mut lines: Vec<&str> = stderr.lines().collect();
    let summary = lines.pop().unwrap();
    assert!(
        summary.starts_with(
            "dfix: 5 files, 1 with findings (DF001 1), 1 fixable, 0 need a person, 4 errors"
        ),
        "{stderr}"
    );
    let line_for = |needle: &str| {
        lines
            .iter()
            .find(|l| l.contains(needle))
            .unwrap_or_else(|| panic!("no error line with {needle:?}:\n{stderr}"))
            .to_string()
    };
    assert_eq!(
        line_for("a/Dockerfile.self"),
        "dfix: ./a/Dockerfile.self: symbolic link loop"
    );
    assert_eq!(
        line_for("c/Dockerfile"),
        "dfix: ./c/Dockerfile: permission denied"
    );
    assert_eq!(line_for("./d:"), "dfix: ./d: permission denied");
    assert_eq!(
        line_for("b/up"),
        "dfix: ./b/up: link loop (points to its ancestor .), not followed"
    );
    assert_eq!(lines.len(), 4, "one line per error:\n{stderr}");
    // The readable file was still checked.
    assert!(
        text(&out.stdout).contains("Dockerfile:2:"),
        "{}",
        text(&out.stdout)
    );

    // Without --follow the directory link is not entered, so there is no loop.
    let out = dfix_unprivileged(dir, &["--check", "."]);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(!stderr.contains("b/up"), "{stderr}");
    assert!(
        stderr.lines().last().unwrap().contains(" 3 errors"),
        "{stderr}"
    );
    fs::set_permissions(dir.join("d"), fs::Permissions::from_mode(0o755)).unwrap();
}

#[test]
fn write_through_a_linked_dockerfile_keeps_the_link() {
    use std::os::unix::fs::symlink;
    let dir = tempfile::tempdir().unwrap();
    let real = dir.path().join("docker");
    fs::create_dir(&real).unwrap();
    seed(&real);
    symlink("docker/Dockerfile", dir.path().join("Dockerfile")).unwrap();
    let out = dfix(dir.path(), &["--write", "Dockerfile"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let link = fs::symlink_metadata(dir.path().join("Dockerfile")).unwrap();
    assert!(
        link.file_type().is_symlink(),
        "the link was replaced by a file"
    );
    let rewritten = fs::read_to_string(real.join("Dockerfile")).unwrap();
    assert!(
        rewritten.contains("--mount=type=secret,id=env"),
        "{rewritten}"
    );
    assert!(!rewritten.contains(SECRET));
    // The .env goes next to the Dockerfile as named: the build context.
    assert!(fs::read_to_string(dir.path().join(".env"))
        .unwrap()
        .contains(SECRET));
}
