//! The recall set (`tests/recall/`): dfix still finds every leak it found
//! when the set was last measured and reviewed, and still flags none of the
//! clean look-alikes. `tests/recall/results.tsv` is that reviewed record
//! (written by `tests/recall/compare.sh`, which also runs the peer tools);
//! a change in either direction fails here until it is reviewed there.

mod support;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

/// `id` → whether dfix found something, as `results.tsv` records it.
fn recorded() -> BTreeMap<String, (String, bool)> {
    let text =
        fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/recall/results.tsv"))
            .unwrap();
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split('\t').collect();
    let col = |name: &str| header.iter().position(|h| *h == name).unwrap();
    let (id, label, dfix) = (col("id"), col("label"), col("dfix"));
    lines
        .map(|l| l.split('\t').collect::<Vec<_>>())
        .map(|f| (f[id].to_owned(), (f[label].to_owned(), f[dfix] == "1")))
        .collect()
}

/// The case's Dockerfile and build context, copied so that it is named
/// `Dockerfile` (as `compare.py` stages it).
fn stage(id: &str, into: &Path) -> Option<PathBuf> {
    let dst = into.join(id);
    fs::create_dir_all(&dst).unwrap();
    if let Some(nnn) = id.strip_prefix("AP") {
        let file = support::corpus_dir()
            .join("antipatterns")
            .join(format!("{nnn}.Dockerfile"));
        fs::copy(&file, dst.join("Dockerfile")).ok()?;
        return Some(dst);
    }
    let sub = if id.starts_with('L') {
        "leaks"
    } else {
        "clean"
    };
    let src = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/recall")
        .join(sub)
        .join(&id[1..]);
    let status = Command::new("cp")
        .arg("-a")
        .arg(format!("{}/.", src.display()))
        .arg(&dst)
        .status()
        .unwrap();
    assert!(status.success());
    let main: Vec<_> = fs::read_dir(&dst)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.to_ascii_lowercase().contains("dockerfile") && !n.ends_with(".dockerignore"))
        .collect();
    assert_eq!(
        main.len(),
        1,
        "{id}: one Dockerfile expected, found {main:?}"
    );
    if main[0] != "Dockerfile" {
        fs::rename(dst.join(&main[0]), dst.join("Dockerfile")).unwrap();
    }
    Some(dst)
}

#[test]
fn recall_set_results_hold() {
    let cases = recorded();
    assert!(cases.len() > 150, "results.tsv lists {} cases", cases.len());
    let tmp = tempfile::tempdir().unwrap();
    let mut changed = Vec::new();
    let (mut leaks, mut found, mut clean, mut flagged) = (0, 0, 0, 0);
    for (id, (label, was_found)) in &cases {
        let Some(dir) = stage(id, tmp.path()) else {
            assert!(
                support::prerequisite(false, "../shared/corpus/antipatterns for the recall set"),
                "{id}"
            );
            continue;
        };
        let out = Command::new(env!("CARGO_BIN_EXE_dfix"))
            .args([
                "--check",
                "--format",
                "json",
                "--color",
                "never",
                "--context",
            ])
            .arg(&dir)
            .arg(dir.join("Dockerfile"))
            .output()
            .unwrap();
        let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
            panic!(
                "{id}: no JSON ({e}): {}",
                String::from_utf8_lossy(&out.stderr)
            )
        });
        let now = doc["files"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["findings"].as_array().is_some_and(|a| !a.is_empty()));
        if label == "leak" {
            leaks += 1;
            found += usize::from(now);
        } else {
            clean += 1;
            flagged += usize::from(now);
        }
        if now != *was_found {
            changed.push(format!("{id} ({label}): recorded {was_found}, now {now}"));
        }
    }
    eprintln!("recall set: {found}/{leaks} leaks found, {flagged}/{clean} clean files flagged");
    assert!(
        changed.is_empty(),
        "dfix's results on the recall set changed; review them and re-run \
         tests/recall/compare.sh:\n{}",
        changed.join("\n")
    );
}
