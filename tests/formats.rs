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

    validate_sarif(dir.path(), &text);
}

/// Validates a SARIF log against the SARIF 2.1.0 schema, formats included
/// (`uri-reference` for artifact locations), when `.venv` has the schema and
/// the validators.
fn validate_sarif(dir: &Path, text: &str) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let schema = root.join(".venv/sarif-2.1.0.json");
    let python = root.join(".venv/bin/python");
    let has_validator = schema.is_file()
        && Command::new(&python)
            .args(["-c", "import jsonschema, rfc3986_validator"])
            .status()
            .is_ok_and(|s| s.success());
    if !support::prerequisite(
        has_validator,
        "the SARIF schema, jsonschema and rfc3986-validator in .venv (see tests/run.sh)",
    ) {
        return;
    }
    let file = dir.join("out.sarif");
    std::fs::write(&file, text).unwrap();
    let check = Command::new(&python)
        .args([
            "-c",
            "import json, sys, jsonschema\n\
             schema = json.load(open(sys.argv[1]))\n\
             checker = jsonschema.FormatChecker()\n\
             assert 'uri-reference' in checker.checkers\n\
             jsonschema.validate(json.load(open(sys.argv[2])), schema, format_checker=checker)\n\
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

/// Percent-decodes a URI reference (RFC 3986).
fn percent_decode(uri: &str) -> String {
    let bytes = uri.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap();
            out.push(u8::from_str_radix(hex, 16).unwrap());
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).unwrap()
}

#[test]
fn sarif_uris_are_percent_encoded() {
    let dir = tempfile::tempdir().unwrap();
    let odd = [
        "app #1",
        "a b",
        "100%",
        "line\nbreak",
        "caf\u{e9} \u{1f40b}",
        "c:d",
        "q?x",
        "[x]",
    ];
    for sub in odd {
        let path = dir.path().join(sub);
        std::fs::create_dir(&path).unwrap();
        std::fs::write(
            path.join("Dockerfile"),
            format!(
                "FROM alpine\nRUN pip install -i https://ci:{SECRET}@pypi.example.com/simple x\n"
            ),
        )
        .unwrap();
    }
    // An unreadable file becomes a notification with a location too.
    std::fs::write(dir.path().join("app #1/bad.Dockerfile"), "# nothing\n").unwrap();
    let (_, log, text) = dfix_json(dir.path(), "sarif");
    let results = log["runs"][0]["results"].as_array().unwrap();
    let mut uris: Vec<String> = results
        .iter()
        .map(|r| {
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    let notifications = log["runs"][0]["invocations"][0]["toolExecutionNotifications"]
        .as_array()
        .unwrap();
    assert_eq!(notifications.len(), 1);
    uris.push(
        notifications[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            .as_str()
            .unwrap()
            .to_owned(),
    );
    for uri in &uris {
        assert!(
            uri.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-._~/%".contains(&b)),
            "{uri:?}"
        );
    }
    let mut decoded: Vec<String> = uris.iter().map(|u| percent_decode(u)).collect();
    decoded.sort();
    let mut want: Vec<String> = odd.iter().map(|s| format!("{s}/Dockerfile")).collect();
    want.push("app #1/bad.Dockerfile".to_owned());
    want.sort();
    assert_eq!(decoded, want);
    assert!(
        uris.contains(&"app%20%231/Dockerfile".to_owned()),
        "{uris:?}"
    );
    assert!(
        uris.contains(&"caf%C3%A9%20%F0%9F%90%8B/Dockerfile".to_owned()),
        "{uris:?}"
    );
    validate_sarif(dir.path(), &text);
}

/// A build secret, a run-time one and one both read, in one Dockerfile
/// that a compose service builds.
fn uses_tree() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("Dockerfile"),
        format!(
            "FROM mysql:8\n\
             ENV MYSQL_ROOT_PASSWORD={SECRET}-root\n\
             ENV API_TOKEN={SECRET}-api\n\
             ENV SYNC_TOKEN={SECRET}-sync\n\
             RUN fetch --token \"$API_TOKEN\" --sync \"$SYNC_TOKEN\"\n\
             CMD [\"sh\", \"-c\", \"exec mysqld --sync-token=$SYNC_TOKEN\"]\n"
        ),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("docker-compose.yml"),
        "services:\n  db:\n    build: .\n",
    )
    .unwrap();
    dir
}

#[test]
fn env_findings_carry_their_use() {
    let dir = uses_tree();
    let out = Command::new(env!("CARGO_BIN_EXE_dfix"))
        .args([
            "--format",
            "json",
            "--runtime-env",
            "runtime.env",
            "Dockerfile",
        ])
        .current_dir(dir.path())
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(!stdout.contains(SECRET), "{stdout}");
    let doc: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let file = &doc["files"][0];
    let uses: Vec<(&str, &str, bool)> = file["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["message"].as_str().unwrap().split(' ').nth(2).unwrap(),
                f["use"].as_str().unwrap(),
                f["fixable"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        uses,
        [
            ("MYSQL_ROOT_PASSWORD", "runtime", true),
            ("API_TOKEN", "build", true),
            ("SYNC_TOKEN", "both", true),
        ]
    );
    assert_eq!(
        file["env_keys"],
        serde_json::json!(["API_TOKEN", "SYNC_TOKEN"])
    );
    assert_eq!(file["runtime_env_file"], "runtime.env");
    assert_eq!(
        file["runtime_env_keys"],
        serde_json::json!(["MYSQL_ROOT_PASSWORD", "SYNC_TOKEN"])
    );
    assert_eq!(
        file["run_command"],
        "docker run --env-file runtime.env IMAGE"
    );
    assert_eq!(
        file["compose"],
        serde_json::json!([{
            "file": "docker-compose.yml", "line": 2, "service": "db", "certain": true,
            "env_file": "runtime.env", "environment": []
        }])
    );
    // A finding that is not about an environment variable has no `use`.
    let (_, plain, _) = dfix_json(tree().path(), "json");
    assert!(plain["files"][0]["findings"][0].get("use").is_none());
}

#[test]
fn sarif_results_carry_the_use_of_env_findings() {
    let dir = uses_tree();
    let (_, log, text) = dfix_json(dir.path(), "sarif");
    let uses: Vec<&str> = log["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["properties"]["use"].as_str().unwrap())
        .collect();
    assert_eq!(uses, ["runtime", "build", "both"]);
    validate_sarif(dir.path(), &text);
}

#[test]
fn sarif_marks_suppressed_results_and_documents_every_rule() {
    let dir = support::repo();
    let root = dir.path();
    support::put(
        root,
        "app/Dockerfile",
        &format!(
            "FROM alpine\n# dfix ignore=DF001 a public demo login\nRUN pip install -i https://ci:{SECRET}@pypi.example.com/simple x\nARG NPM_TOKEN\nRUN npm ci\n"
        ),
    );
    support::put(root, ".dfix.toml", "ignore = [\"DF003\"]\n");
    let (code, log, text) = dfix_json(root, "sarif");
    assert_eq!(code, 0, "only suppressed findings: {text}");
    let results = log["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 2, "{text}");
    let by_rule = |id: &str| results.iter().find(|r| r["ruleId"] == id).unwrap();
    assert_eq!(
        by_rule("DF001")["suppressions"],
        serde_json::json!([{"kind": "inSource", "justification": "a public demo login"}])
    );
    assert_eq!(
        by_rule("DF003")["suppressions"],
        serde_json::json!([{"kind": "external"}])
    );
    let rules = log["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap();
    let ids: Vec<&str> = rules.iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["DF001", "DF002", "DF003", "DF004", "DF005", "DF100"]);
    // The help is the rule's own documentation.
    let help = rules[1]["help"]["text"].as_str().unwrap();
    assert!(help.contains("\nWhy it matters\n"), "{help}");
    assert!(rules[1]["fullDescription"]["text"]
        .as_str()
        .unwrap()
        .starts_with("`COPY`/`ADD` of a credential file"));
    validate_sarif(root, &text);
}
