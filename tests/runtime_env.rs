//! Run-time secrets end to end with the `dfix` binary: left for a person by
//! default, moved to the `--runtime-env` file when asked (never to the
//! build's `.env`, never clobbering a value, private, ignored), and that
//! file read back by the programs that consume it: Compose v2
//! (`docker compose config`) and docker/cli's env-file reader (`docker
//! stack config`, which parses `env_file:` with the same function as
//! `docker run --env-file`, and needs no daemon).

mod support;

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const SECRET: &str = "Rt-My5ql-Root-Pw";

fn dfix(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_dfix"))
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// A repository with a MySQL image whose root password is baked in, and a
/// compose file that builds it.
fn mysql_repo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir(dir.path().join(".git")).unwrap();
    fs::write(
        dir.path().join("Dockerfile"),
        format!("FROM mysql:8.0\nENV TZ=UTC MYSQL_ROOT_PASSWORD={SECRET}\nCOPY schema.sql /docker-entrypoint-initdb.d/\n"),
    )
    .unwrap();
    fs::write(
        dir.path().join("compose.yaml"),
        "services:\n  db:\n    build: .\n",
    )
    .unwrap();
    dir
}

#[test]
fn by_default_a_run_time_secret_is_left_for_a_person() {
    let dir = mysql_repo();
    let before = fs::read_to_string(dir.path().join("Dockerfile")).unwrap();
    for args in [&["Dockerfile"][..], &["--write", "Dockerfile"]] {
        let out = dfix(dir.path(), args);
        let stdout = text(&out.stdout);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {stdout}");
        assert!(stdout.contains("needs a person: the container needs MYSQL_ROOT_PASSWORD"));
        assert!(
            stdout.contains("`docker run --env-file FILE IMAGE`"),
            "{stdout}"
        );
        assert!(stdout.contains("compose.yaml:2: compose service db builds this Dockerfile"));
        assert!(
            stdout.contains("        - MYSQL_ROOT_PASSWORD\n"),
            "{stdout}"
        );
        assert!(
            !stdout.contains("docker build"),
            "no build secret for it: {stdout}"
        );
        assert!(!stdout.contains(SECRET));
    }
    assert_eq!(
        fs::read_to_string(dir.path().join("Dockerfile")).unwrap(),
        before
    );
    for name in [".env", "runtime.env", ".dockerignore", ".gitignore"] {
        assert!(!dir.path().join(name).exists(), "{name} was written");
    }
}

#[test]
fn runtime_env_moves_it_to_a_private_ignored_file() {
    let dir = mysql_repo();
    let out = dfix(
        dir.path(),
        &["--write", "--runtime-env", "runtime.env", "Dockerfile"],
    );
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}{}", text(&out.stderr));
    assert!(!stdout.contains(SECRET), "{stdout}");
    assert!(stdout.contains("run with (the container reads these at run time; IMAGE is the image you built):\n  docker run --env-file runtime.env IMAGE\n"), "{stdout}");
    assert!(!stdout.contains("docker build"), "{stdout}");
    assert!(
        stdout.contains("      env_file: [runtime.env]\n"),
        "{stdout}"
    );
    let dockerfile = fs::read_to_string(dir.path().join("Dockerfile")).unwrap();
    assert_eq!(
        dockerfile,
        "FROM mysql:8.0\nENV TZ=UTC\nCOPY schema.sql /docker-entrypoint-initdb.d/\n"
    );
    let runtime = dir.path().join("runtime.env");
    let written = fs::read_to_string(&runtime).unwrap();
    assert!(
        written.ends_with(&format!("\nMYSQL_ROOT_PASSWORD={SECRET}\n")),
        "{written}"
    );
    assert_eq!(
        fs::metadata(&runtime).unwrap().permissions().mode() & 0o777,
        0o600
    );
    assert!(!dir.path().join(".env").exists(), "nothing for the build");
    let gitignore = fs::read_to_string(dir.path().join(".gitignore")).unwrap();
    let dockerignore = fs::read_to_string(dir.path().join(".dockerignore")).unwrap();
    assert!(gitignore.lines().any(|l| l == "runtime.env"), "{gitignore}");
    assert!(
        dockerignore.lines().any(|l| l == "runtime.env"),
        "{dockerignore}"
    );
    // Done: a second run finds nothing and changes nothing.
    let again = dfix(
        dir.path(),
        &["--write", "--runtime-env", "runtime.env", "Dockerfile"],
    );
    assert_eq!(again.status.code(), Some(0), "{}", text(&again.stdout));
    assert_eq!(fs::read_to_string(&runtime).unwrap(), written);
}

#[test]
fn the_runtime_file_is_merged_and_never_clobbered() {
    let dir = mysql_repo();
    let runtime = dir.path().join("runtime.env");
    let mine = "# mine\nAPP_MODE=prod\nMYSQL_ROOT_PASSWORD=Another-Pw-9\n";
    fs::write(&runtime, mine).unwrap();
    let out = dfix(
        dir.path(),
        &["--write", "--runtime-env", "runtime.env", "Dockerfile"],
    );
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("runtime.env: line 3: MYSQL_ROOT_PASSWORD is not overwritten"),
        "{stderr}"
    );
    assert!(!stderr.contains(SECRET) && !stderr.contains("Another-Pw-9"));
    assert_eq!(fs::read_to_string(&runtime).unwrap(), mine);
    assert!(fs::read_to_string(dir.path().join("Dockerfile"))
        .unwrap()
        .contains(SECRET));
    // The same value already there is reused: the file keeps its bytes.
    let same = format!("APP_MODE=prod\r\nMYSQL_ROOT_PASSWORD={SECRET}\r\n");
    fs::write(&runtime, &same).unwrap();
    let out = dfix(
        dir.path(),
        &["--write", "--runtime-env", "runtime.env", "Dockerfile"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(text(&out.stdout)
        .contains("MYSQL_ROOT_PASSWORD = Rt**** (already there; for the container)"));
    assert_eq!(fs::read_to_string(&runtime).unwrap(), same);
}

#[test]
fn a_secret_both_need_goes_to_both_files() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("Dockerfile"),
        format!("FROM alpine\nENV API_TOKEN={SECRET}\nRUN wget --header \"X-Token: $API_TOKEN\" https://api.example.com/x\nCMD serve --token \"$API_TOKEN\"\n"),
    )
    .unwrap();
    let out = dfix(
        dir.path(),
        &["--write", "--runtime-env", "runtime.env", "Dockerfile"],
    );
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}{}", text(&out.stderr));
    assert!(stdout.contains("docker build --secret id=env,src=.env -f Dockerfile ."));
    assert!(stdout.contains("docker run --env-file runtime.env IMAGE"));
    let env = fs::read_to_string(dir.path().join(".env")).unwrap();
    let runtime = fs::read_to_string(dir.path().join("runtime.env")).unwrap();
    assert!(
        env.contains(&format!("export API_TOKEN='{SECRET}'")),
        "{env}"
    );
    assert!(
        runtime.contains(&format!("\nAPI_TOKEN={SECRET}\n")),
        "{runtime}"
    );
    let dockerfile = fs::read_to_string(dir.path().join("Dockerfile")).unwrap();
    assert!(!dockerfile.contains(SECRET), "{dockerfile}");
    assert!(dockerfile.contains("RUN --mount=type=secret,id=env . /run/secrets/env && wget"));
}

#[test]
fn runtime_env_paths() {
    let dir = tempfile::tempdir().unwrap();
    for sub in ["a", "b"] {
        fs::create_dir(dir.path().join(sub)).unwrap();
        fs::write(
            dir.path().join(sub).join("Dockerfile"),
            format!("FROM alpine\nENV ADMIN_PASSWORD={SECRET}-{sub}\nCMD [\"app\"]\n"),
        )
        .unwrap();
    }
    // A bare name is next to each Dockerfile.
    let out = dfix(dir.path(), &["--write", "--runtime-env", "run.env", "."]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    for sub in ["a", "b"] {
        let written = fs::read_to_string(dir.path().join(sub).join("run.env")).unwrap();
        assert!(written.contains(&format!("ADMIN_PASSWORD={SECRET}-{sub}\n")));
    }
    // A path with a directory part names one file, for one Dockerfile.
    let out = dfix(dir.path(), &["--runtime-env", "./run.env", "."]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr)
        .contains("--runtime-env with a directory part needs exactly one Dockerfile"));
    // Never the build's own env file.
    let out = dfix(dir.path(), &["--runtime-env", ".env", "a/Dockerfile"]);
    assert_eq!(out.status.code(), Some(2));
    let out = dfix(
        dir.path(),
        &[
            "--env-file",
            "x.env",
            "--runtime-env",
            "./x.env",
            "a/Dockerfile",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("a/Dockerfile: --runtime-env ./x.env is the build's env file"),
        "{}",
        text(&out.stderr)
    );
}

/// Values that exercise both readers' rules and that dfix accepts.
const VALUES: &[&str] = &[
    "Sup3r-Secret",
    "p@ss#word",
    "two words",
    "tab\there",
    "back\\slash\\",
    "it's",
    "say \"hi\"",
    "=leading=equals",
    "x:y",
    "ünïcödé €",
    "#hash-first",
];

/// Values dfix refuses for the run-time file (see
/// `envfile::runtime::check_value`): docker keeps each as written, compose
/// does not. They are written naively to `naive.env`, read by the service
/// `naive`, to show that the refusal is needed.
const REFUSED: &[&str] = &[
    " leading blank",
    "trailing blank ",
    "'single quoted'",
    "\"double quoted\"",
    "dollar$sign",
    "blank #hash",
];

/// The run-time env file dfix writes for `VALUES`, in a fresh directory
/// with a compose file that reads it (and `naive.env` with `REFUSED`).
fn written_runtime_file() -> (tempfile::TempDir, Vec<(String, String)>) {
    let dir = tempfile::tempdir().unwrap();
    let mut df = String::from("FROM alpine\n");
    let mut want = Vec::new();
    for (i, v) in VALUES.iter().enumerate() {
        let name = format!("APP_SECRET_{i}");
        let quoted = v.replace('\\', "\\\\").replace('"', "\\\"");
        df.push_str(&format!("ENV {name}=\"{quoted}\"\n"));
        want.push((name, (*v).to_owned()));
    }
    df.push_str("CMD [\"app\"]\n");
    fs::write(dir.path().join("Dockerfile"), df).unwrap();
    let out = dfix(
        dir.path(),
        &["--write", "--runtime-env", "runtime.env", "Dockerfile"],
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    let naive: String = REFUSED
        .iter()
        .enumerate()
        .map(|(i, v)| format!("REFUSED_{i}={v}\n"))
        .collect();
    fs::write(dir.path().join("naive.env"), naive).unwrap();
    fs::write(
        dir.path().join("compose.yaml"),
        "services:\n  app:\n    image: alpine\n    env_file: [runtime.env]\n  naive:\n    image: alpine\n    env_file: [naive.env]\n",
    )
    .unwrap();
    (dir, want)
}

fn environment_of(json: &str, service: &str) -> serde_json::Value {
    let doc: serde_json::Value = serde_json::from_str(json).unwrap();
    doc["services"][service]["environment"].clone()
}

#[test]
fn compose_reads_the_runtime_file_back_exactly() {
    let Some(compose) = [
        std::env::var_os("DFIX_COMPOSE").map(PathBuf::from),
        Some(PathBuf::from(
            "/var/cache/dfix-e2e/compose/usr/libexec/docker/cli-plugins/docker-compose",
        )),
    ]
    .into_iter()
    .flatten()
    .find(|p| p.is_file()) else {
        support::prerequisite(
            false,
            "docker compose (Debian's docker-compose 2.x, see tests/run.sh)",
        );
        return;
    };
    let (dir, want) = written_runtime_file();
    let out = Command::new(compose)
        .args(["-f", "compose.yaml", "config", "--format", "json"])
        .current_dir(dir.path())
        .env_clear()
        .env("PATH", "/usr/bin:/bin")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let env = environment_of(&text(&out.stdout), "app");
    for (name, value) in want {
        assert_eq!(env[&name], value.as_str(), "{name}");
    }
    let naive = environment_of(&text(&out.stdout), "naive");
    for (i, value) in REFUSED.iter().enumerate() {
        assert_ne!(
            naive[format!("REFUSED_{i}")],
            *value,
            "compose kept {value:?}"
        );
    }
}

/// A docker CLI with `docker stack config` (docker/cli 23 or later).
fn docker_with_stack_config() -> Option<PathBuf> {
    [
        std::env::var_os("DFIX_DOCKER").map(PathBuf::from),
        Some(PathBuf::from("/usr/local/bin/docker")),
        Some(PathBuf::from("/usr/bin/docker")),
    ]
    .into_iter()
    .flatten()
    .filter(|p| p.is_file())
    .find(|p| {
        Command::new(p)
            .args(["stack", "config", "--help"])
            .output()
            .is_ok_and(|o| o.status.success())
    })
}

#[test]
fn docker_reads_the_runtime_file_back_exactly() {
    let Some(docker) = docker_with_stack_config() else {
        support::prerequisite(
            false,
            "a docker CLI with `docker stack config` (docker/cli 23 or later)",
        );
        return;
    };
    let (dir, want) = written_runtime_file();
    let out = Command::new(docker)
        .args(["stack", "config", "-c", "compose.yaml"])
        .current_dir(dir.path())
        .env_clear()
        .env("PATH", "/usr/bin:/bin")
        .env("DOCKER_HOST", "unix:///nonexistent/docker.sock")
        .env("HOME", dir.path())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let yaml = text(&out.stdout);
    let env = yaml_environment(&yaml, "app");
    for (name, value) in want {
        assert_eq!(env.get(&name), Some(&value), "{name}\n{yaml}");
    }
    let naive = yaml_environment(&yaml, "naive");
    for (i, value) in REFUSED.iter().enumerate() {
        let name = format!("REFUSED_{i}");
        assert_eq!(naive.get(&name).map(String::as_str), Some(*value), "{yaml}");
    }
}

/// The `environment:` mapping of `service` in what `docker stack config`
/// prints, its scalars decoded by a YAML parser.
fn yaml_environment(yaml: &str, service: &str) -> std::collections::BTreeMap<String, String> {
    use saphyr_parser::{Event, Parser};
    let mut out = std::collections::BTreeMap::new();
    let mut parser = Parser::new_from_str(yaml);
    let mut last_scalar = String::new();
    let mut in_service = false;
    let mut inside = false;
    let mut key: Option<String> = None;
    while let Some(Ok((event, _))) = parser.next_event() {
        match event {
            Event::MappingStart(..) if last_scalar == service => in_service = true,
            Event::MappingStart(..) if in_service && last_scalar == "environment" => inside = true,
            Event::MappingEnd if inside => return out,
            Event::Scalar(value, ..) => {
                if inside {
                    match key.take() {
                        None => key = Some(value.to_string()),
                        Some(k) => {
                            out.insert(k, value.to_string());
                        }
                    }
                }
                last_scalar = value.to_string();
            }
            _ => last_scalar.clear(),
        }
    }
    out
}

/// The analysis of `src`, with or without `--runtime-env`.
fn analyzed(src: &str, runtime_env: bool) -> dfix::Analysis {
    let d = dfix::syntax::parse(src).unwrap();
    let env = Default::default();
    let options = dfix::Options {
        runtime_env,
        ..Default::default()
    };
    let input = dfix::Input {
        existing_env: &env,
        context: None,
        options: &options,
    };
    let m = dfix::analyze_parsed_with(&d, &input).unwrap();
    support::check_rewrite(src, &m.rewritten, &m.edits);
    m
}

/// The reason a person is needed for the finding whose message names `name`.
fn manual_reason<'a>(m: &'a dfix::Analysis, name: &str) -> Option<&'a str> {
    m.findings
        .iter()
        .find(|f| f.message.contains(&format!(" {name} ")))
        .unwrap_or_else(|| panic!("no finding for {name}: {:?}", m.findings))
        .manual
        .as_deref()
}

#[test]
fn only_the_secret_word_of_an_env_line_goes() {
    let src = "FROM alpine\nENV A=1 PASSWORD=Rt-W0rd-Secret B=\"two words\"\nCMD [\"app\"]\n";
    let m = analyzed(src, true);
    assert_eq!(
        m.rewritten,
        "FROM alpine\nENV A=1 B=\"two words\"\nCMD [\"app\"]\n"
    );
    assert_eq!(m.runtime_env[0].name, "PASSWORD");
    assert!(m.env.is_empty());
    // Without the option nothing changes.
    assert_eq!(analyzed(src, false).rewritten, src);
}

#[test]
fn a_secret_expanded_into_another_variable_stays() {
    let src = "FROM python:3.12\nENV DB_PASSWORD=Rt-Db-Secret-Pw\nENV DATABASE_URL=postgres://app:$DB_PASSWORD@db/app\nCMD [\"app\"]\n";
    let m = analyzed(src, true);
    assert_eq!(m.rewritten, src);
    let why = manual_reason(&m, "DB_PASSWORD").unwrap();
    assert!(why.contains("used in ENV DATABASE_URL (line 3)"), "{why}");
}

#[test]
fn an_arg_copied_into_a_run_time_env_stays_with_it() {
    let src = "FROM node:20\nARG package_token\nENV BUNDLE_GEMS__EXAMPLE__COM=${package_token}\nCMD [\"sh\"]\n";
    let m = analyzed(src, false);
    assert_eq!(m.rewritten, src);
    let why = manual_reason(&m, "package_token").unwrap();
    assert!(
        why.contains("copied into BUNDLE_GEMS__EXAMPLE__COM (line 3), which stays"),
        "{why}"
    );
    // Moved with --runtime-env, the copy goes, and so may its source.
    let m = analyzed(src, true);
    assert_eq!(m.rewritten, "FROM node:20\nCMD [\"sh\"]\n");
    assert_eq!(m.runtime_env[0].name, "BUNDLE_GEMS__EXAMPLE__COM");
}

#[test]
fn onbuild_and_exec_form_readers_are_left_for_a_person() {
    let onbuild = "FROM node:20\nENV NPM_TOKEN=npm_0nbuildT0kenValue1234567890abcdefgh\nONBUILD RUN npm ci --token=$NPM_TOKEN\n";
    let m = analyzed(onbuild, true);
    assert_eq!(m.rewritten, onbuild);
    assert!(manual_reason(&m, "NPM_TOKEN").unwrap().contains("ONBUILD"));
    // Also when the ONBUILD is in a stage built FROM it.
    let later = "FROM node:20 AS base\nENV NPM_TOKEN=npm_0nbuildT0kenValue1234567890abcdefgh\nFROM base\nONBUILD RUN npm ci --token=$NPM_TOKEN\n";
    let m = analyzed(later, true);
    assert_eq!(m.rewritten, later);
    assert!(manual_reason(&m, "NPM_TOKEN")
        .unwrap()
        .contains("an ONBUILD step (line 4)"));
    let exec = "FROM node:20\nENV NPM_TOKEN=npm_ExecF0rmT0kenValue1234567890abcdefgh\nRUN [\"npm\", \"ci\"]\nCMD [\"node\", \"x\"]\n";
    let m = analyzed(exec, false);
    assert_eq!(m.rewritten, exec);
    assert!(manual_reason(&m, "NPM_TOKEN")
        .unwrap()
        .contains("an exec-form RUN (line 3) reads NPM_TOKEN"));
}
