//! The codemod on its fixtures (`tests/fixtures/<name>/Dockerfile`): the dry
//! run's diff, findings, `.env` plan and build command are reviewed snapshots
//! (`snapshots/`), and every rewrite passes the shared checks in
//! `support::check_rewrite`. A fixture's `dfix-options` file holds options
//! for its run, one a line (`runtime-env FILE`); the other files of its
//! directory (a compose file) are there for dfix to find.

mod support;

use dfix::engine::{self, FileOptions};
use dfix::output::{self as report, OutputStyle};

/// The options a fixture asks for in its `dfix-options` file.
fn options(dir: &std::path::Path) -> FileOptions {
    let mut options = FileOptions::default();
    let text = std::fs::read_to_string(dir.join("dfix-options")).unwrap_or_default();
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        match line.split_once(' ') {
            Some(("runtime-env", file)) => options.runtime_env = Some(file.into()),
            _ => panic!("unknown fixture option: {line}"),
        }
    }
    options
}

/// Dry-run output for a fixture, with the temporary path replaced.
fn dry_run(name: &str) -> String {
    let dir = support::fixture_copy(name);
    let path = dir.path().join("Dockerfile");
    let r = engine::process(&path, &options(dir.path())).unwrap();
    let disk = dfix::context::DiskContext::open(dir.path(), &path).unwrap();
    let after = dfix::context::Excluding {
        inner: &disk,
        paths: r
            .analysis
            .files
            .iter()
            .map(|f| f.source.clone())
            .chain(r.analysis.exclude.iter().cloned())
            .collect(),
    };
    support::check_rewrite_in(&r.original, &r.rewritten, &r.analysis.edits, Some(&after));
    let style = OutputStyle::default();
    let mut out = String::new();
    if r.changes() {
        out.push_str(&report::diff(&r, style));
    }
    out.push_str(&report::finding_lines(&r));
    for (s, at) in r.suppressed() {
        let f = &s.finding;
        out.push_str(&format!(
            "{}:{}:{}: {} {} [suppressed ({}){}]\n",
            r.path.display(),
            at.line,
            at.column,
            f.rule.id(),
            f.message,
            s.by.how.as_str(),
            s.by.justification
                .as_deref()
                .map_or(String::new(), |j| format!(": {j}"))
        ));
    }
    out.push_str(&report::summary(&r, style));
    out.push_str(&report::compose_text(&r));
    // Paths as if dfix ran in the fixture's directory.
    let tmp = dir.path().to_string_lossy().into_owned();
    out.replace(&format!("{tmp}/"), "").replace(&tmp, ".")
}

#[test]
fn fixtures_dry_run() {
    for name in support::fixture_names() {
        let output = dry_run(&name);
        insta::with_settings!({
            snapshot_path => "../snapshots",
            prepend_module_to_snapshot => false,
            snapshot_suffix => name.clone(),
            omit_expression => true,
        }, {
            insta::assert_snapshot!("dry_run", output);
        });
    }
}
