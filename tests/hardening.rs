//! I/O hardening (issue 12): nothing lost, nothing hangs, nothing read from
//! outside. Each test drives the `dfix` binary on a temporary tree.

mod support;

use std::collections::BTreeMap;
use std::fs;
use std::io::Read;
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

const SECRET: &str = "s3cr3t-Value-42";

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

fn seed_with(dir: &Path, name: &str, host: &str, secret: &str) {
    fs::write(
        dir.join(name),
        format!("FROM alpine\nRUN pip install --index-url https://ci:{secret}@{host}.example.com/simple app\n"),
    )
    .unwrap();
}

fn seed(dir: &Path) {
    seed_with(dir, "Dockerfile", "pypi", SECRET);
}

/// Waits for a child that may hang: it is killed after `limit` (a hang
/// detector, far above any normal run), and the test fails.
fn wait_or_kill(mut child: Child, limit: Duration, what: &str) -> Output {
    let mut stdout = child.stdout.take().unwrap();
    let mut stderr = child.stderr.take().unwrap();
    let out_reader = std::thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = stdout.read_to_end(&mut buf);
        buf
    });
    let err_reader = std::thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = stderr.read_to_end(&mut buf);
        buf
    });
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{what}: dfix hung (killed after {limit:?})");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    Output {
        status,
        stdout: out_reader.join().unwrap(),
        stderr: err_reader.join().unwrap(),
    }
}

fn dfix_bounded(dir: &Path, args: &[&str]) -> Output {
    let child = Command::new(bin())
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    wait_or_kill(child, Duration::from_secs(60), &args.join(" "))
}

// ---------------------------------------------------------------------------
// 6. --jobs

#[test]
fn absurd_job_counts_are_bounded() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    for sub in ["a", "b", "c"] {
        fs::create_dir(dir.join(sub)).unwrap();
        seed(&dir.join(sub));
    }
    for jobs in ["100000", "5000"] {
        let out = dfix_bounded(dir, &["--check", "--jobs", jobs, "."]);
        assert_eq!(out.status.code(), Some(1), "{}", show(&out));
        assert!(!text(&out.stderr).contains("panicked"), "{}", show(&out));
        assert_eq!(text(&out.stdout).lines().count(), 3, "{}", show(&out));
    }
}

// ---------------------------------------------------------------------------
// 7. The printed build command

/// The words `sh` makes of a command line.
fn shell_words(command: &str) -> Vec<String> {
    let out = Command::new("sh")
        .arg("-c")
        .arg("eval \"set -- $1\" && printf '%s\\0' \"$@\"")
        .arg("sh")
        .arg(command)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let mut words: Vec<String> = text(&out.stdout).split('\0').map(str::to_owned).collect();
    assert_eq!(words.pop().as_deref(), Some(""));
    words
}

/// Fields of a CSV record as Go's encoding/csv reads it (Python's csv
/// module with the default dialect agrees on these inputs).
fn csv_fields(record: &str) -> Vec<String> {
    let out = Command::new("python3")
        .args([
            "-c",
            "import csv, sys\n\
             rows = list(csv.reader([sys.argv[1]]))\n\
             assert len(rows) == 1\n\
             sys.stdout.write('\\0'.join(rows[0]))",
        ])
        .arg(record)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    text(&out.stdout).split('\0').map(str::to_owned).collect()
}

#[test]
fn build_command_survives_commas_quotes_and_leading_dashes() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    for sub in ["a,b \"c\" 'd'", "-x"] {
        fs::create_dir(dir.join(sub)).unwrap();
        fs::write(
            dir.join(sub).join("Dockerfile"),
            format!("FROM alpine\nCOPY .netrc /root/.netrc\nRUN curl -u ci:{SECRET} https://h.example.com/a && rm /root/.netrc\n"),
        )
        .unwrap();
        let dockerfile = format!("{sub}/Dockerfile");
        let out = dfix(dir, &["--", &dockerfile]);
        assert_eq!(out.status.code(), Some(1), "{}", show(&out));
        let stdout = text(&out.stdout);
        let command = stdout
            .split("build with:\n  ")
            .nth(1)
            .and_then(|rest| rest.lines().next())
            .unwrap_or_else(|| panic!("{stdout}"));
        let words = shell_words(command);
        assert_eq!(
            words[..3],
            ["DOCKER_BUILDKIT=1", "docker", "build"],
            "{command}"
        );
        let mut secrets = BTreeMap::new();
        let mut rest = &words[3..];
        while rest[0] == "--secret" {
            let fields = csv_fields(&rest[1]);
            assert_eq!(fields.len(), 2, "{command}: {fields:?}");
            let id = fields[0].strip_prefix("id=").unwrap().to_owned();
            let src = fields[1].strip_prefix("src=").unwrap().to_owned();
            secrets.insert(id, src);
            rest = &rest[2..];
        }
        let prefix = if sub.starts_with('-') { "./" } else { "" };
        assert_eq!(
            secrets,
            BTreeMap::from([
                ("env".to_owned(), format!("{prefix}{sub}/.env")),
                ("netrc".to_owned(), format!("{prefix}{sub}/.netrc")),
            ]),
            "{command}"
        );
        assert_eq!(
            rest,
            [
                "-f".to_owned(),
                format!("{prefix}{dockerfile}"),
                format!("{prefix}{sub}")
            ],
            "{command}"
        );
    }
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
