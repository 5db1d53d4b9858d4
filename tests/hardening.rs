//! I/O hardening (issue 12): nothing lost, nothing hangs, nothing read from
//! outside. Each test drives the `dfix` binary on a temporary tree.

mod support;

use std::collections::BTreeMap;
use std::fs;
use std::io::Read;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Output, Stdio};
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

fn mode(path: &Path) -> u32 {
    fs::metadata(path).unwrap().permissions().mode() & 0o7777
}

fn set_mode(path: &Path, mode: u32) {
    fs::set_permissions(path, fs::Permissions::from_mode(mode)).unwrap();
}

fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions.
    unsafe { libc::geteuid() == 0 }
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

/// The `dfix:` error lines of stderr, without the closing summary.
fn error_lines(out: &Output) -> Vec<String> {
    text(&out.stderr)
        .lines()
        .filter(|l| l.starts_with("dfix: ") && !l.contains(" files, "))
        .map(str::to_owned)
        .collect()
}

/// `${NAME}` references in a rewritten Dockerfile.
fn references(dockerfile: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut rest = dockerfile;
    while let Some(at) = rest.find("${") {
        rest = &rest[at + 2..];
        let end = rest.find('}').unwrap();
        names.push(rest[..end].to_owned());
        rest = &rest[end..];
    }
    names
}

/// The values `sh` gets for `names` after sourcing `env`.
fn sourced(env: &Path, names: &[String]) -> Vec<String> {
    let mut script = format!(". '{}' || exit 9", env.display());
    for n in names {
        script.push_str(&format!("; printf '%s\\n' \"${{{n}-<unset>}}\""));
    }
    let out = Command::new("sh").arg("-c").arg(script).output().unwrap();
    assert!(
        out.status.success() && out.stderr.is_empty(),
        "{} does not source cleanly: {}",
        env.display(),
        text(&out.stderr)
    );
    text(&out.stdout).lines().map(str::to_owned).collect()
}

// ---------------------------------------------------------------------------
// 1. Concurrent processes sharing a .env

#[test]
fn parallel_processes_sharing_an_env_lose_no_secret() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    // Per directory: two hosts, and a third file with the first host's name
    // but another password (it must get a fresh name, not overwrite).
    let files = [
        ("a.Dockerfile", "one"),
        ("b.Dockerfile", "two"),
        ("c.Dockerfile", "one"),
    ];
    let dirs = 16;
    let mut expected: Vec<(PathBuf, String)> = Vec::new();
    for d in 0..dirs {
        let dir = root.join(format!("d{d:02}"));
        fs::create_dir(&dir).unwrap();
        fs::write(dir.join(".env"), "# mine\nKEEP=1\n").unwrap();
        for (f, (name, host)) in files.iter().enumerate() {
            let secret = format!("S3cr3t-{d}-{f}-Value");
            seed_with(&dir, name, host, &secret);
            expected.push((dir.join(name), secret));
        }
    }
    let children: Vec<(PathBuf, Child)> = expected
        .iter()
        .map(|(path, _)| {
            let child = Command::new(bin())
                .arg("--write")
                .arg(path.strip_prefix(root).unwrap())
                .current_dir(root)
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap();
            (path.clone(), child)
        })
        .collect();
    for (path, child) in children {
        let out = wait_or_kill(child, Duration::from_secs(120), "parallel --write");
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}: {}",
            path.display(),
            show(&out)
        );
    }
    let mut lost = Vec::new();
    for (path, secret) in &expected {
        let rewritten = fs::read_to_string(path).unwrap();
        assert!(!rewritten.contains(secret.as_str()), "{}", path.display());
        let names = references(&rewritten);
        assert_eq!(names.len(), 1, "{rewritten}");
        let env = path.parent().unwrap().join(".env");
        let values = sourced(&env, &names);
        if values != [secret.clone()] {
            lost.push(format!("{} ({})", path.display(), names[0]));
        }
        let env_text = fs::read_to_string(&env).unwrap();
        assert!(env_text.starts_with("# mine\nKEEP=1\n"), "{env_text}");
    }
    assert!(
        lost.is_empty(),
        "{} of {} secrets lost: {lost:?}",
        lost.len(),
        expected.len()
    );
}

// ---------------------------------------------------------------------------
// 2. Temporary files: signals, stale files, names covered by ignore entries

/// Names in `dir` that look like dfix's temporary files, old or new.
fn temp_files(dir: &Path) -> Vec<String> {
    fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".dfix"))
        .collect()
}

fn signal_during_write(signal: i32) {
    use std::os::unix::process::ExitStatusExt;
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    seed(dir);
    let original = fs::read_to_string(dir.join("Dockerfile")).unwrap();
    let mut child = Command::new(bin())
        .args(["--write", "Dockerfile"])
        .current_dir(dir)
        .env("DFIX_TEST_PAUSE_BEFORE_RENAME", "60000")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Wait until a temporary file holding the secret is there.
    let started = Instant::now();
    let temp = loop {
        if let Some(name) = temp_files(dir).into_iter().next() {
            break dir.join(name);
        }
        if let Some(status) = child.try_wait().unwrap() {
            panic!("dfix ended ({status:?}) without pausing before a rename");
        }
        assert!(started.elapsed() < Duration::from_secs(60), "no temp file");
        std::thread::sleep(Duration::from_millis(5));
    };
    // Private from the start.
    assert_eq!(mode(&temp), 0o600, "{}", temp.display());
    // SAFETY: kill with a valid pid and signal number.
    assert_eq!(unsafe { libc::kill(child.id() as i32, signal) }, 0);
    let started = Instant::now();
    let status: ExitStatus = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > Duration::from_secs(60) {
            let _ = child.kill();
            panic!("dfix did not stop on signal {signal}");
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    assert_eq!(status.signal(), Some(signal), "{status:?}");
    assert_eq!(temp_files(dir), Vec::<String>::new(), "left behind");
    assert_eq!(
        fs::read_to_string(dir.join("Dockerfile")).unwrap(),
        original
    );
}

#[test]
fn sigterm_during_a_write_leaves_no_temp_file() {
    signal_during_write(libc::SIGTERM);
}

#[test]
fn sigint_during_a_write_leaves_no_temp_file() {
    signal_during_write(libc::SIGINT);
}

#[test]
fn a_signal_ignored_by_the_parent_stays_ignored() {
    use std::os::unix::process::CommandExt;
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    seed(dir);
    let mut command = Command::new(bin());
    command
        .args(["--write", "Dockerfile"])
        .current_dir(dir)
        .env("DFIX_TEST_PAUSE_BEFORE_RENAME", "300")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    // As `nohup` does.
    // SAFETY: signal() is async-signal-safe; nothing else runs in the child.
    unsafe {
        command.pre_exec(|| {
            libc::signal(libc::SIGHUP, libc::SIG_IGN);
            Ok(())
        });
    }
    let child = command.spawn().unwrap();
    let started = Instant::now();
    while temp_files(dir).is_empty() {
        assert!(started.elapsed() < Duration::from_secs(60), "no temp file");
        std::thread::sleep(Duration::from_millis(5));
    }
    // SAFETY: kill with a valid pid and signal number.
    unsafe { libc::kill(child.id() as i32, libc::SIGHUP) };
    let out = wait_or_kill(child, Duration::from_secs(60), "--write under nohup");
    assert_eq!(out.status.code(), Some(0), "{}", show(&out));
    assert!(!fs::read_to_string(dir.join("Dockerfile"))
        .unwrap()
        .contains(SECRET));
    assert_eq!(temp_files(dir), Vec::<String>::new());
}

#[test]
fn stale_temp_files_are_removed_by_the_next_write_and_ignored_meanwhile() {
    use dfix::envfile::{is_ignored, IgnoreKind};
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    fs::create_dir(dir.join(".git")).unwrap();
    seed(dir);
    let stale = [".dfix-tmp-Ab3dEf9hJk2m", ".dfix-env-x7Yz9Q.tmp"];
    let users = [
        ".dfix-tmp-notes.txt",
        ".dfix-tmp-short",
        "dfix-tmp-Ab3dEf9hJk2m",
        ".dfix-config",
        ".dfix-env-notes.tmp",
    ];
    for name in stale.iter().chain(&users) {
        fs::write(dir.join(name), "export OLD='secret'\n").unwrap();
    }
    let out = dfix(dir, &["--write", "Dockerfile"]);
    assert_eq!(out.status.code(), Some(0), "{}", show(&out));
    for name in stale {
        assert!(!dir.join(name).exists(), "{name} was not removed");
    }
    for name in users {
        assert!(dir.join(name).exists(), "{name} is not dfix's, yet removed");
    }
    // A rerun with nothing left to change still sweeps.
    fs::write(dir.join(stale[0]), "x").unwrap();
    let out = dfix(dir, &["--write", "Dockerfile"]);
    assert_eq!(out.status.code(), Some(0), "{}", show(&out));
    assert!(!dir.join(stale[0]).exists());

    // What dfix wrote into .gitignore and .dockerignore also covers the
    // names of its temporary files, in the directory of the .env.
    let gitignore = fs::read_to_string(dir.join(".gitignore")).unwrap();
    let dockerignore = fs::read_to_string(dir.join(".dockerignore")).unwrap();
    for name in [
        ".env",
        ".dfix-tmp-Ab3dEf9hJk2m",
        ".dfix-tmp-Ab3dEf9hJk2m.bak",
    ] {
        assert!(
            is_ignored(IgnoreKind::Git, &gitignore, name),
            "{name}: {gitignore}"
        );
        assert!(
            is_ignored(IgnoreKind::Docker, &dockerignore, name),
            "{name}: {dockerignore}"
        );
    }
    // .env in a subdirectory of the build context.
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    fs::create_dir_all(dir.join("app/secrets")).unwrap();
    seed(&dir.join("app"));
    let out = dfix(
        dir,
        &[
            "--write",
            "--env-file",
            "app/secrets/.env",
            "--context",
            "app",
            "app/Dockerfile",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", show(&out));
    let dockerignore = fs::read_to_string(dir.join("app/.dockerignore")).unwrap();
    for name in ["secrets/.env", "secrets/.dfix-tmp-Ab3dEf9hJk2m"] {
        assert!(
            is_ignored(IgnoreKind::Docker, &dockerignore, name),
            "{name}: {dockerignore}"
        );
    }
}

// ---------------------------------------------------------------------------
// 3. Modes

/// Runs dfix under `umask`.
fn dfix_umask(dir: &Path, umask: &str, args: &[&str]) -> Output {
    Command::new("sh")
        .arg("-c")
        .arg(format!("umask {umask} && exec \"$0\" \"$@\""))
        .arg(bin())
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap()
}

#[test]
fn a_readable_env_is_tightened_with_a_notice_and_new_ignore_files_are_0644() {
    for (before, notice) in [(0o644, true), (0o666, true), (0o640, true), (0o600, false)] {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        fs::create_dir(dir.join(".git")).unwrap();
        seed(dir);
        fs::write(dir.join(".env"), "OTHER=1\n").unwrap();
        set_mode(&dir.join(".env"), before);
        let out = dfix_umask(dir, "022", &["--write", "Dockerfile"]);
        assert_eq!(out.status.code(), Some(0), "{}", show(&out));
        assert_eq!(mode(&dir.join(".env")), 0o600, "{before:o}");
        let stdout = text(&out.stdout);
        let lines: Vec<&str> = stdout.lines().filter(|l| l.contains("now 0600")).collect();
        if notice {
            assert_eq!(
                lines,
                [format!(".env: was readable by others (mode {before:04o}), now 0600").as_str()],
                "{stdout}"
            );
        } else {
            assert!(lines.is_empty(), "{stdout}");
        }
        assert!(fs::read_to_string(dir.join(".env"))
            .unwrap()
            .starts_with("OTHER=1\n"));
        for ignore in [".dockerignore", ".gitignore"] {
            assert_eq!(mode(&dir.join(ignore)), 0o644, "{ignore}");
        }
    }
    // A tighter umask gives tighter new files; an existing ignore file keeps
    // its mode.
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    fs::create_dir(dir.join(".git")).unwrap();
    seed(dir);
    fs::write(dir.join(".gitignore"), "target\n").unwrap();
    set_mode(&dir.join(".gitignore"), 0o664);
    let out = dfix_umask(dir, "077", &["--write", "Dockerfile"]);
    assert_eq!(out.status.code(), Some(0), "{}", show(&out));
    assert_eq!(mode(&dir.join(".dockerignore")), 0o600);
    assert_eq!(mode(&dir.join(".gitignore")), 0o664);
    assert_eq!(mode(&dir.join(".env")), 0o600);
}

// ---------------------------------------------------------------------------
// 4, 5. Devices, FIFOs, huge files

fn mkfifo(path: &Path) {
    let c = std::ffi::CString::new(path.as_os_str().as_encoded_bytes()).unwrap();
    // SAFETY: a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o644) }, 0);
}

#[test]
fn devices_and_huge_files_are_refused_and_the_rest_is_checked() {
    use std::os::unix::fs::symlink;
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    seed(dir);
    fs::create_dir(dir.join("z")).unwrap();
    fs::create_dir(dir.join("u")).unwrap();
    symlink("/dev/zero", dir.join("z/Dockerfile")).unwrap();
    symlink("/dev/urandom", dir.join("u/Dockerfile")).unwrap();
    let big = "# a comment line that is long enough to fill space quickly\n".repeat(90_000);
    fs::write(dir.join("big.Dockerfile"), format!("FROM alpine\n{big}")).unwrap();
    let out = dfix_bounded(dir, &["--check", "."]);
    assert_eq!(out.status.code(), Some(2), "{}", show(&out));
    let mut errors = error_lines(&out);
    errors.sort();
    assert_eq!(
        errors,
        [
            "dfix: ./big.Dockerfile: larger than 4 MiB, not a Dockerfile",
            "dfix: ./u/Dockerfile: not a regular file (a character device)",
            "dfix: ./z/Dockerfile: not a regular file (a character device)",
        ],
        "{}",
        show(&out)
    );
    assert!(
        text(&out.stdout).contains("./Dockerfile:2:"),
        "{}",
        show(&out)
    );
    // Named on the command line, and in the other modes.
    for mode in ["--check", "--write", "--show-secrets"] {
        let out = dfix_bounded(dir, &[mode, "z/Dockerfile", "Dockerfile"]);
        assert_eq!(out.status.code(), Some(2), "{}", show(&out));
        assert_eq!(
            error_lines(&out),
            ["dfix: z/Dockerfile: not a regular file (a character device)"]
        );
    }
}

#[test]
fn fifos_are_refused_without_blocking() {
    use std::os::unix::fs::symlink;
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    seed(dir);
    mkfifo(&dir.join("fifo.Dockerfile"));
    // Named on the command line.
    let out = dfix_bounded(dir, &["--check", "fifo.Dockerfile", "Dockerfile"]);
    assert_eq!(out.status.code(), Some(2), "{}", show(&out));
    assert_eq!(
        error_lines(&out),
        ["dfix: fifo.Dockerfile: not a regular file (a FIFO)"]
    );
    assert!(text(&out.stdout).contains("Dockerfile:2:"));
    // Reached through a link in a walked directory.
    fs::create_dir(dir.join("sub")).unwrap();
    symlink("../fifo.Dockerfile", dir.join("sub/Dockerfile")).unwrap();
    let out = dfix_bounded(dir, &["--check", "sub"]);
    assert_eq!(out.status.code(), Some(2), "{}", show(&out));
    assert_eq!(
        error_lines(&out),
        ["dfix: sub/Dockerfile: not a regular file (a FIFO)"]
    );
    // The files dfix merges into: .dockerignore, .gitignore, .env.
    for name in [".dockerignore", ".gitignore", ".env"] {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        fs::create_dir(dir.join(".git")).unwrap();
        seed(dir);
        mkfifo(&dir.join(name));
        let out = dfix_bounded(dir, &["--write", "Dockerfile"]);
        assert_eq!(out.status.code(), Some(2), "{name}: {}", show(&out));
        let errors = error_lines(&out);
        assert_eq!(errors.len(), 1, "{name}: {}", show(&out));
        let shown = if name == ".env" {
            name.to_owned()
        } else {
            format!("./{name}")
        };
        assert!(
            errors[0].starts_with(&format!("dfix: {shown}: "))
                && errors[0].contains("not a regular file"),
            "{errors:?}"
        );
        assert!(fs::read_to_string(dir.join("Dockerfile"))
            .unwrap()
            .contains(SECRET));
    }
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
// 9, 10, 11. Read-only files, hard links, owners

#[test]
fn read_only_files_are_refused_unless_forced() {
    for (name, read_only) in [
        ("Dockerfile", 0o444),
        (".env", 0o444),
        ("Dockerfile", 0o400),
    ] {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        seed(dir);
        if name == ".env" {
            fs::write(dir.join(".env"), "OTHER=1\n").unwrap();
        }
        set_mode(&dir.join(name), read_only);
        let before_df = fs::read_to_string(dir.join("Dockerfile")).unwrap();
        let out = dfix(dir, &["--write", "Dockerfile"]);
        assert_eq!(out.status.code(), Some(2), "{}", show(&out));
        assert_eq!(
            error_lines(&out),
            [format!(
                "dfix: {name}: read-only (mode {read_only:04o}); not replaced (--force replaces it)"
            )],
            "{}",
            show(&out)
        );
        // Nothing at all was written.
        assert_eq!(
            fs::read_to_string(dir.join("Dockerfile")).unwrap(),
            before_df
        );
        assert!(!dir.join(".dockerignore").exists());
        if name == ".env" {
            assert_eq!(fs::read_to_string(dir.join(".env")).unwrap(), "OTHER=1\n");
        } else {
            assert!(!dir.join(".env").exists());
        }
        // --force replaces it and keeps it read-only.
        let out = dfix(dir, &["--write", "--force", "Dockerfile"]);
        assert_eq!(out.status.code(), Some(0), "{}", show(&out));
        assert!(!fs::read_to_string(dir.join("Dockerfile"))
            .unwrap()
            .contains(SECRET));
        assert_eq!(mode(&dir.join(name)) & 0o222, 0, "{name} became writable");
    }
    let help = text(&Command::new(bin()).arg("--help").output().unwrap().stdout);
    assert!(help.contains("--force"), "{help}");
}

#[test]
fn read_only_files_are_refused_for_an_unprivileged_user_too() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    set_mode(dir, 0o777);
    seed(dir);
    set_mode(&dir.join("Dockerfile"), 0o444);
    let out = if is_root() {
        let copy = support::binary_copy(dir);
        Command::new("setpriv")
            .args(["--reuid=65534", "--regid=65534", "--clear-groups", "--"])
            .arg(&copy)
            .args(["--write", "Dockerfile"])
            .current_dir(dir)
            .output()
            .unwrap()
    } else {
        dfix(dir, &["--write", "Dockerfile"])
    };
    assert_eq!(out.status.code(), Some(2), "{}", show(&out));
    assert!(
        error_lines(&out)[0].starts_with("dfix: Dockerfile: read-only (mode 0444)"),
        "{}",
        show(&out)
    );
    assert!(fs::read_to_string(dir.join("Dockerfile"))
        .unwrap()
        .contains(SECRET));
}

#[test]
fn hard_linked_dockerfiles_are_refused_or_rewritten_under_every_name() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    seed(dir);
    fs::create_dir(dir.join("other")).unwrap();
    fs::hard_link(dir.join("Dockerfile"), dir.join("other/Dockerfile.copy")).unwrap();
    let original = fs::read_to_string(dir.join("Dockerfile")).unwrap();
    let out = dfix(dir, &["--write", "Dockerfile"]);
    assert_eq!(out.status.code(), Some(2), "{}", show(&out));
    assert_eq!(
        error_lines(&out),
        ["dfix: Dockerfile: has 2 hard links, and replacing it would leave the secret under the other names; not replaced (--force rewrites it in place, under every name)"],
        "{}",
        show(&out)
    );
    for name in ["Dockerfile", "other/Dockerfile.copy"] {
        assert_eq!(fs::read_to_string(dir.join(name)).unwrap(), original);
    }
    assert!(!dir.join(".env").exists());

    let inode = fs::metadata(dir.join("Dockerfile")).unwrap().ino();
    let out = dfix(dir, &["--write", "--force", "Dockerfile"]);
    assert_eq!(out.status.code(), Some(0), "{}", show(&out));
    let rewritten = fs::read_to_string(dir.join("Dockerfile")).unwrap();
    assert!(!rewritten.contains(SECRET) && rewritten.contains("--mount=type=secret"));
    assert_eq!(
        fs::read_to_string(dir.join("other/Dockerfile.copy")).unwrap(),
        rewritten
    );
    assert_eq!(fs::metadata(dir.join("Dockerfile")).unwrap().ino(), inode);
    assert_eq!(fs::metadata(dir.join("Dockerfile")).unwrap().nlink(), 2);
    assert_eq!(temp_files(dir), Vec::<String>::new());
}

#[test]
fn owners_of_replaced_files_are_kept() {
    if !support::prerequisite(is_root(), "root (to own files as nobody)") {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    fs::create_dir(dir.join(".git")).unwrap();
    seed(dir);
    fs::write(dir.join(".env"), "OTHER=1\n").unwrap();
    fs::write(dir.join(".dockerignore"), "target\n").unwrap();
    fs::write(dir.join(".gitignore"), "target\n").unwrap();
    let names = ["Dockerfile", ".env", ".dockerignore", ".gitignore"];
    for name in names {
        std::os::unix::fs::chown(dir.join(name), Some(65534), Some(65534)).unwrap();
    }
    set_mode(&dir.join("Dockerfile"), 0o664);
    let out = dfix(dir, &["--write", "Dockerfile"]);
    assert_eq!(out.status.code(), Some(0), "{}", show(&out));
    for name in names {
        let meta = fs::metadata(dir.join(name)).unwrap();
        assert_eq!((meta.uid(), meta.gid()), (65534, 65534), "{name}");
    }
    assert_eq!(mode(&dir.join("Dockerfile")), 0o664);
    assert!(!fs::read_to_string(dir.join("Dockerfile"))
        .unwrap()
        .contains(SECRET));
    assert!(fs::read_to_string(dir.join(".gitignore"))
        .unwrap()
        .contains(".env"));
}

// ---------------------------------------------------------------------------
// 12. UTF-16

#[test]
fn utf16_is_named_as_such() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    seed(dir);
    let content = "FROM alpine\nRUN true\n";
    let le: Vec<u8> = content.encode_utf16().flat_map(u16::to_le_bytes).collect();
    let be: Vec<u8> = content.encode_utf16().flat_map(u16::to_be_bytes).collect();
    fs::write(
        dir.join("le-bom.Dockerfile"),
        [&[0xff, 0xfe][..], &le].concat(),
    )
    .unwrap();
    fs::write(
        dir.join("be-bom.Dockerfile"),
        [&[0xfe, 0xff][..], &be].concat(),
    )
    .unwrap();
    fs::write(dir.join("le.Dockerfile"), &le).unwrap();
    fs::write(dir.join("be.Dockerfile"), &be).unwrap();
    let out = dfix(dir, &["--check", "."]);
    assert_eq!(out.status.code(), Some(2), "{}", show(&out));
    let mut errors = error_lines(&out);
    errors.sort();
    let want: Vec<String> = ["be-bom", "be", "le-bom", "le"]
        .iter()
        .map(|n| format!("dfix: ./{n}.Dockerfile: UTF-16 is not supported (save it as UTF-8)"))
        .collect();
    let mut want = want;
    want.sort();
    assert_eq!(errors, want, "{}", show(&out));
    // A file that merely has a NUL byte is still binary.
    fs::write(dir.join("nul.Dockerfile"), b"FROM alpine\n\0\n").unwrap();
    let out = dfix(dir, &["--check", "nul.Dockerfile"]);
    assert!(text(&out.stderr).contains("binary"), "{}", show(&out));
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

#[test]
fn secret_sources_never_point_outside_the_context() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    fs::write(
        dir.join("Dockerfile"),
        "FROM alpine\n\
         ADD https://example.com/.netrc /root/.netrc\n\
         RUN pip install x && rm /root/.netrc\n\
         COPY ../../etc/.netrc /root/.netrc\n\
         RUN pip install y && rm /root/.netrc\n",
    )
    .unwrap();
    let out = dfix(dir, &["Dockerfile"]);
    let stdout = text(&out.stdout);
    // BuildKit resolves `..` inside the context: so does the --secret src.
    assert!(
        stdout.contains("--secret id=netrc,src=./etc/.netrc "),
        "{}",
        show(&out)
    );
    assert!(
        !stdout.contains("src=https") && !stdout.contains("src=./../"),
        "{}",
        show(&out)
    );
    // A download is no file of the context: a person handles it.
    assert!(
        stdout.contains("Dockerfile:2:5: DF002 secret file .netrc is downloaded into an image layer [needs a person: ADD downloads it"),
        "{}",
        show(&out)
    );
}
