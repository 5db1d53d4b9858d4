//! `--format json` and `--format sarif` on a small tree: well-formed, no
//! secret values, SARIF valid against the SARIF 2.1.0 JSON schema.

mod support;

use std::path::Path;
use std::process::Command;

const SECRET: &str = "Fmt-S3cret-Value";

fn tree() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let app = dir.path().join("app");
    std::fs::create_dir(&app).unwrap();
    std::fs::write(
        app.join("Dockerfile"),
        format!("FROM alpine\nRUN pip install -i https://ci:{SECRET}@pypi.example.com/simple x\n"),
    )
    .unwrap();
    std::fs::write(app.join("clean.Dockerfile"), "FROM alpine\nRUN true\n").unwrap();
    std::fs::write(dir.path().join("broken.Dockerfile"), "# nothing\n").unwrap();
    dir
}

fn dfix_json(dir: &Path, format: &str) -> (i32, serde_json::Value, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_dfix"))
        .args(["--check", "--format", format, "."])
        .current_dir(dir)
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(!stdout.contains(SECRET));
    let value = serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stdout}"));
    (out.status.code().unwrap(), value, stdout)
}

#[test]
fn json_lists_files_findings_edits_and_keys() {
    let dir = tree();
    let (code, doc, _) = dfix_json(dir.path(), "json");
    assert_eq!(code, 2, "a broken file makes the run exit 2");
    let files = doc["files"].as_array().unwrap();
    let paths: Vec<&str> = files.iter().map(|f| f["path"].as_str().unwrap()).collect();
    assert_eq!(
        paths,
        [
            "./app/Dockerfile",
            "./app/clean.Dockerfile",
            "./broken.Dockerfile"
        ]
    );
    let app = &files[0];
    assert_eq!(app["findings"][0]["rule"], "DF001");
    assert_eq!(app["findings"][0]["line"], 2);
    assert_eq!(app["findings"][0]["fixable"], true);
    assert_eq!(app["env_keys"][0], "PYPI_EXAMPLE_COM_PASSWORD");
    assert!(app["edits"].as_array().unwrap().len() >= 2);
    assert!(app["build_command"]
        .as_str()
        .unwrap()
        .contains("--secret id=env,src=./app/.env"));
    assert!(files[2]["error"]
        .as_str()
        .unwrap()
        .contains("file with no instructions"));
    assert_eq!(doc["summary"]["errors"], 1);
    assert_eq!(doc["summary"]["by_rule"]["DF001"], 1);
}

#[test]
fn sarif_is_valid_sarif_2_1_0() {
    let dir = tree();
    let (_, log, text) = dfix_json(dir.path(), "sarif");
    assert_eq!(log["version"], "2.1.0");
    let result = &log["runs"][0]["results"][0];
    assert_eq!(result["ruleId"], "DF001");
    assert_eq!(
        result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "app/Dockerfile"
    );
    assert_eq!(
        result["locations"][0]["physicalLocation"]["region"]["startLine"],
        2
    );

    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let schema = root.join(".venv/sarif-2.1.0.json");
    let python = root.join(".venv/bin/python");
    let has_validator = schema.is_file()
        && Command::new(&python)
            .args(["-c", "import jsonschema"])
            .status()
            .is_ok_and(|s| s.success());
    if !support::prerequisite(
        has_validator,
        "the SARIF schema and jsonschema in .venv (see tests/run.sh)",
    ) {
        return;
    }
    let file = dir.path().join("out.sarif");
    std::fs::write(&file, text).unwrap();
    let check = Command::new(&python)
        .args([
            "-c",
            "import json, sys, jsonschema\n\
             schema = json.load(open(sys.argv[1]))\n\
             jsonschema.validate(json.load(open(sys.argv[2])), schema)\n\
             print('valid')",
        ])
        .arg(&schema)
        .arg(&file)
        .output()
        .unwrap();
    assert!(
        check.status.success(),
        "SARIF does not validate: {}",
        String::from_utf8_lossy(&check.stderr)
    );
}
