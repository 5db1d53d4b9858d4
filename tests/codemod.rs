//! The codemod on its fixtures (`tests/fixtures/<name>/Dockerfile`): the dry
//! run's diff, findings, `.env` plan and build command are reviewed snapshots
//! (`snapshots/`), and every rewrite passes the shared checks in
//! `support::check_rewrite`.

mod support;

use dfix::engine::{self, FileOptions};
use dfix::output::{self as report, OutputStyle};

/// Dry-run output for a fixture, with the temporary path replaced.
fn dry_run(name: &str) -> String {
    let dir = support::fixture_copy(name);
    let path = dir.path().join("Dockerfile");
    let r = engine::process(&path, &FileOptions::default()).unwrap();
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
    out.push_str(&report::summary(&r, style));
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
