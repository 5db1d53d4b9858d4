//! dfix over the shared corpus:
//! - `real/`: almost no file gets a finding; the few that do are a reviewed
//!   snapshot (`snapshots/corpus__real_findings.snap`);
//! - `antipatterns/`: how many labelled leaks are found and fixed, with every
//!   miss listed and explained;
//! - every rewrite passes the shared checks and re-parses with BuildKit's own
//!   parser.

mod support;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use dfix::syntax;
use support::{corpus_dir, files_under, prerequisite};

fn settings() -> insta::Settings {
    let mut s = insta::Settings::clone_current();
    s.set_snapshot_path("../snapshots");
    s.set_prepend_module_to_snapshot(true);
    s.set_omit_expression(true);
    s
}

/// Rule ids of the findings, `DF001 x2, DF003` style, how many need a
/// person, and who reads the secret environment variables (`build`,
/// `runtime`, `both`).
fn summarize(findings: &[dfix::rules::Finding]) -> String {
    let mut by_rule: BTreeMap<&str, usize> = BTreeMap::new();
    for f in findings {
        *by_rule.entry(f.rule.id()).or_default() += 1;
    }
    let manual = findings.iter().filter(|f| !f.fixable()).count();
    let rules: Vec<String> = by_rule
        .into_iter()
        .map(|(id, n)| {
            if n == 1 {
                id.to_owned()
            } else {
                format!("{id} x{n}")
            }
        })
        .collect();
    let mut uses: BTreeMap<&str, usize> = BTreeMap::new();
    for f in findings {
        if let Some(u) = f.env_use {
            *uses.entry(u.as_str()).or_default() += 1;
        }
    }
    let uses: Vec<String> = uses
        .into_iter()
        .map(|(u, n)| {
            if n == 1 {
                u.to_owned()
            } else {
                format!("{u} x{n}")
            }
        })
        .collect();
    if uses.is_empty() {
        format!("{} ({manual} need a person)", rules.join(", "))
    } else {
        format!(
            "{} ({manual} need a person; ENV use: {})",
            rules.join(", "),
            uses.join(", ")
        )
    }
}

/// A secret the container needs is never fixed into a build secret unless
/// the user asked for a run-time env file.
fn assert_runtime_left_alone(file: &str, m: &dfix::Analysis) {
    for f in &m.findings {
        if f.env_use.is_some_and(dfix::Use::at_runtime) {
            assert!(
                !f.fixable(),
                "{file}: a run-time secret was fixed: {}",
                f.message
            );
        }
    }
    assert!(m.runtime_env.is_empty(), "{file}");
}

/// With `--runtime-env`, every run-time secret leaves the image for the
/// run-time file and never for the build's `.env` (unless the build reads
/// it too), and every rewrite passes the shared checks.
fn check_with_runtime_env(file: &str, parsed: &syntax::Dockerfile<'_>) {
    let options = dfix::Options {
        runtime_env: true,
        ..Default::default()
    };
    let env = Default::default();
    let input = dfix::Input {
        existing_env: &env,
        context: None,
        options: &options,
    };
    let m = dfix::analyze_parsed_with(parsed, &input).unwrap();
    support::check_rewrite(parsed.source, &m.rewritten, &m.edits);
    for f in &m.findings {
        let Some(u) = f.env_use else { continue };
        let name_in = |list: &[dfix::EnvSecret]| {
            list.iter()
                .any(|e| f.message.contains(&format!(" {} ", e.name)))
        };
        if f.fixable() && u == dfix::Use::Runtime {
            assert!(name_in(&m.runtime_env), "{file}: {}", f.message);
            assert!(
                !name_in(&m.env),
                "{file}: a run-time secret went to the build: {}",
                f.message
            );
        }
    }
}

#[test]
fn real_corpus_has_almost_no_findings() {
    let root = corpus_dir().join("real");
    if !prerequisite(root.is_dir(), "the corpus (../shared/corpus)") {
        return;
    }
    let files = files_under(&root);
    let mut flagged = Vec::new();
    for file in &files {
        let bytes = std::fs::read(file).unwrap();
        let Ok(parsed) = syntax::parse_bytes(&bytes) else {
            continue;
        };
        let m = dfix::analyze_parsed(&parsed, &Default::default()).unwrap();
        if !m.findings.is_empty() {
            let rel = file.strip_prefix(&root).unwrap().display().to_string();
            flagged.push(format!("{rel}: {}", summarize(&m.findings)));
            let rewritten = m.rewritten.clone();
            support::check_rewrite(parsed.source, &rewritten, &m.edits);
            assert_runtime_left_alone(&rel, &m);
            check_with_runtime_env(&rel, &parsed);
        }
    }
    assert!(files.len() > 5_800);
    // Almost all of the few flagged files hold literal passwords in ENV or
    // copy real keys; the snapshot below is the reviewed list.
    assert!(
        flagged.len() * 50 < files.len(),
        "more than 2% of real files flagged: {}",
        flagged.len()
    );
    settings().bind(|| insta::assert_snapshot!("real_findings", flagged.join("\n")));
}

/// Labelled leaks dfix does not find, and why.
const MISSES: &[(&str, &str)] = &[
    (
        "014",
        "GH_TOKEN is never declared, so no value reaches the build or the image from the \
         Dockerfile; the leak needs the build to run with it set some other way",
    ),
    (
        "022",
        "NUGET_PACKAGE_SOURCE is a package-source URL by name and goes to a script, not to \
         a credential sink dfix can see; the credential is only in the value passed at build time",
    ),
    (
        "030",
        "NPM_TOKEN is never declared: RUN reads an empty variable, so the Dockerfile \
         itself passes no secret",
    ),
    (
        "050",
        "every ENV value is a placeholder (USER_PASS=example, GITLAB_TOKEN=token): the \
         image holds no credential until someone writes real ones there",
    ),
];

#[test]
fn antipatterns_found_and_fixed() {
    let root = corpus_dir().join("antipatterns");
    if !prerequisite(root.is_dir(), "the corpus (../shared/corpus)") {
        return;
    }
    let manifest = std::fs::read_to_string(root.join("MANIFEST.tsv")).unwrap();
    let mut lines = Vec::new();
    let (mut total, mut found, mut fixed) = (0, 0, 0);
    let mut misses = Vec::new();
    for row in manifest.lines().skip(1) {
        let cols: Vec<&str> = row.split('\t').collect();
        let (nnn, labels) = (cols[0], cols[4]);
        total += 1;
        let bytes = std::fs::read(root.join(format!("{nnn}.Dockerfile"))).unwrap();
        let parsed = match syntax::parse_bytes(&bytes) {
            Ok(p) => p,
            Err(e) => {
                lines.push(format!("{nnn} {labels}: does not parse: {e}"));
                continue;
            }
        };
        let m = dfix::analyze_parsed(&parsed, &Default::default()).unwrap();
        let rewritten = m.rewritten.clone();
        support::check_rewrite(parsed.source, &rewritten, &m.edits);
        assert_runtime_left_alone(nnn, &m);
        check_with_runtime_env(nnn, &parsed);
        if m.findings.is_empty() {
            misses.push(nnn.to_owned());
            let why = MISSES
                .iter()
                .find(|(n, _)| *n == nnn)
                .map_or("UNEXPLAINED", |(_, w)| w);
            lines.push(format!("{nnn} {labels}: MISSED: {why}"));
            continue;
        }
        found += 1;
        let all_fixed = m.findings.iter().all(|f| f.fixable());
        if all_fixed {
            fixed += 1;
        }
        lines.push(format!("{nnn} {labels}: {}", summarize(&m.findings)));
    }
    let report = format!(
        "found {found} of {total}, fixed completely {fixed}\n{}",
        lines.join("\n")
    );
    eprintln!("{report}");
    let explained: Vec<&str> = MISSES.iter().map(|(n, _)| *n).collect();
    assert_eq!(
        misses, explained,
        "every miss is explained, every explained miss is a miss"
    );
    settings().bind(|| insta::assert_snapshot!("antipatterns", report));
}

#[test]
fn rewrites_reparse_with_buildkit() {
    let Some(python) = support::reference_python() else {
        prerequisite(
            false,
            "a Python venv with the `dockerfile` package (.venv, see .ci/run)",
        );
        return;
    };
    let out = tempfile::tempdir().unwrap();
    let mut inputs: Vec<PathBuf> = support::fixture_names()
        .iter()
        .map(|n| {
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("tests/fixtures")
                .join(n)
                .join("Dockerfile")
        })
        .collect();
    inputs.extend(files_under(&corpus_dir().join("antipatterns")));
    let mut written = Vec::new();
    for (i, input) in inputs.iter().enumerate() {
        let bytes = std::fs::read(input).unwrap();
        let Ok(parsed) = syntax::parse_bytes(&bytes) else {
            continue;
        };
        let m = dfix::analyze_parsed(&parsed, &Default::default()).unwrap();
        if m.edits.is_empty() {
            continue;
        }
        let rewritten = m.rewritten.clone();
        let path = out.path().join(format!("{i}.Dockerfile"));
        std::fs::write(&path, rewritten).unwrap();
        written.push(path);
    }
    assert!(written.len() > 20, "only {} rewrites", written.len());
    for r in support::reference_parse(&python, &written) {
        assert!(r.ok, "BuildKit rejects a rewrite: {}: {}", r.file, r.error);
    }
}
