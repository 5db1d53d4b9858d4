//! Suppressions end to end: `# dfix ignore=` above an instruction,
//! `# dfix global ignore=`, BuildKit's `# check=skip=`, the configuration's
//! `ignore`; what `--check`, `--write`, JSON and the summary make of them;
//! unused suppressions (DF100).

mod support;

use std::fs;
use std::process::Output;

use support::{dfix_in, put, repo};

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn show(out: &Output) -> String {
    format!(
        "stdout:\n{}\nstderr:\n{}",
        text(&out.stdout),
        text(&out.stderr)
    )
}

const URL_SECRET: &str = "Url-Secret-4711";
const CURL_SECRET: &str = "Curl-Secret-0815";

fn json(out: &Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", show(out)))
}

#[test]
fn inline_suppression_silences_the_finding_and_its_fix_only() {
    let dir = repo();
    let root = dir.path();
    let original = format!(
        "FROM alpine\n\
         # dfix ignore=DF001 a public mirror's published demo login\n\
         RUN pip install -i https://ci:{URL_SECRET}@pypi.example.com/simple x\n\
         RUN curl -u deploy:{CURL_SECRET} https://example.com/a\n"
    );
    put(root, "Dockerfile", &original);

    let check = dfix_in(root, &["--check", "Dockerfile"], None);
    assert_eq!(check.status.code(), Some(1), "{}", show(&check));
    let lines = text(&check.stdout);
    assert_eq!(lines.lines().count(), 1, "{lines}");
    assert!(lines.starts_with("Dockerfile:4:"), "{lines}");

    let doc = json(&dfix_in(
        root,
        &["--check", "--format", "json", "Dockerfile"],
        None,
    ));
    let findings = doc["files"][0]["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 2);
    assert_eq!(findings[0]["line"], 3);
    assert_eq!(findings[0]["suppressed"], true);
    assert_eq!(findings[0]["suppressed_by"], "inline");
    assert_eq!(findings[0]["fixable"], false);
    assert_eq!(
        findings[0]["justification"],
        "a public mirror's published demo login"
    );
    assert_eq!(findings[1]["suppressed"], false);
    assert_eq!(doc["summary"]["suppressed"], 1);
    assert_eq!(doc["summary"]["by_rule"]["DF001"], 1);

    let write = dfix_in(root, &["--write", "Dockerfile"], None);
    assert_eq!(write.status.code(), Some(0), "{}", show(&write));
    let rewritten = fs::read_to_string(root.join("Dockerfile")).unwrap();
    // The suppressed instruction and its comment are byte for byte as they were.
    let kept: String = original.lines().take(3).map(|l| format!("{l}\n")).collect();
    assert!(rewritten.starts_with(&kept), "{rewritten}");
    assert!(!rewritten.contains(CURL_SECRET));
    let env = fs::read_to_string(root.join(".env")).unwrap();
    assert!(
        env.contains(CURL_SECRET) && !env.contains(URL_SECRET),
        "{env}"
    );
    // Nothing left to do: the suppression is still used, so no DF100 either.
    let again = dfix_in(root, &["--check", "Dockerfile"], None);
    assert_eq!(again.status.code(), Some(0), "{}", show(&again));
}

#[test]
fn only_suppressed_findings_make_check_pass_and_the_summary_counts_them() {
    let dir = repo();
    let root = dir.path();
    put(
        root,
        "a/Dockerfile",
        &format!(
            "FROM alpine\n# dfix ignore=all\nRUN curl -u d:{CURL_SECRET} https://e.example.com/\n"
        ),
    );
    put(
        root,
        "b/Dockerfile",
        "# dfix global ignore=DF003,DF002\nFROM alpine\nARG NPM_TOKEN\nCOPY .npmrc .\nRUN npm ci && rm .npmrc\n",
    );
    let out = dfix_in(root, &["--check", "."], None);
    assert_eq!(out.status.code(), Some(0), "{}", show(&out));
    assert!(out.stdout.is_empty(), "{}", show(&out));
    let summary = text(&out.stderr);
    assert!(summary.contains(", 3 suppressed,"), "{summary}");
    // Nothing planned for them either.
    let dry = dfix_in(root, &["."], None);
    assert_eq!(dry.status.code(), Some(0), "{}", show(&dry));
    assert!(dry.stdout.is_empty(), "{}", show(&dry));
}

#[test]
fn the_buildkit_check_directive_silences_df003_only() {
    for directive in [
        "# check=skip=SecretsUsedInArgOrEnv",
        "# check=skip=JSONArgsRecommended,SecretsUsedInArgOrEnv;error=true",
        "# check=skip=all",
    ] {
        let dir = repo();
        let root = dir.path();
        put(
            root,
            "Dockerfile",
            &format!(
                "{directive}\nFROM alpine\nARG NPM_TOKEN\nRUN curl -u d:{CURL_SECRET} https://e.example.com/\n"
            ),
        );
        let doc = json(&dfix_in(root, &["--check", "--format", "json", "."], None));
        let findings = doc["files"][0]["findings"].as_array().unwrap();
        let of = |rule: &str| {
            findings
                .iter()
                .find(|f| f["rule"] == rule)
                .unwrap_or_else(|| panic!("{directive}: no {rule}: {doc}"))
        };
        assert_eq!(
            of("DF003")["suppressed_by"],
            "buildkit-check",
            "{directive}"
        );
        assert_eq!(of("DF001")["suppressed"], false, "{directive}");
        // BuildKit's own directive is never reported as unused.
        assert!(findings.iter().all(|f| f["rule"] != "DF100"), "{doc}");
    }
    // Without it, DF003 is reported.
    let dir = repo();
    put(
        dir.path(),
        "Dockerfile",
        "FROM alpine\nARG NPM_TOKEN\nRUN npm ci\n",
    );
    let out = dfix_in(dir.path(), &["--check", "Dockerfile"], None);
    assert!(text(&out.stdout).contains("DF003"), "{}", show(&out));
}

#[test]
fn unused_misplaced_and_unknown_suppressions_are_df100() {
    let dir = repo();
    let root = dir.path();
    put(
        root,
        "Dockerfile",
        "# dfix global ignore=DF002\n\
         FROM alpine\n\
         # dfix ignore=DF001\n\
         RUN npm ci\n\
         # dfix ignore=DF003\n\
         \n\
         ARG NPM_TOKEN\n\
         RUN echo \\\n\
         \x20 # dfix ignore=DF001\n\
         \x20 done\n\
         # dfix ignore=DF042\n\
         RUN true\n\
         # dfix ignore DF001\n\
         RUN true\n",
    );
    let out = dfix_in(root, &["--check", "Dockerfile"], None);
    assert_eq!(out.status.code(), Some(1), "{}", show(&out));
    let lines = text(&out.stdout);
    let df100: Vec<&str> = lines.lines().filter(|l| l.contains(" DF100 ")).collect();
    let expect = [
        "Dockerfile:1:1: DF100 unused suppression: no DF002 finding in this file",
        "Dockerfile:3:1: DF100 unused suppression: no DF001 finding in this instruction",
        "Dockerfile:5:1: DF100 suppression applies to nothing: no instruction follows it directly",
        "Dockerfile:9:3: DF100 suppression applies to nothing: it is among an instruction's continuation lines",
        "Dockerfile:11:1: DF100 unused suppression: unknown rule DF042",
        "Dockerfile:13:1: DF100 malformed suppression",
    ];
    assert_eq!(df100.len(), expect.len(), "{lines}");
    for (line, want) in df100.iter().zip(expect) {
        assert!(line.starts_with(want), "{line}\nwanted {want}");
    }
    // The misplaced one silenced nothing: NPM_TOKEN is still reported.
    assert!(lines.contains("Dockerfile:7:5: DF003"), "{lines}");

    // The configuration can turn DF100 off, like any rule.
    put(root, ".dfix.toml", "ignore = [\"DF100\"]\n");
    let quiet = dfix_in(root, &["--check", "Dockerfile"], None);
    assert!(!text(&quiet.stdout).contains("DF100"), "{}", show(&quiet));
}

#[test]
fn a_suppressed_declaration_keeps_its_promotion_for_a_person() {
    let dir = repo();
    let root = dir.path();
    let original =
        "FROM node:20\n# dfix ignore=DF003\nARG NPM_TOKEN\nENV NPM_TOKEN=$NPM_TOKEN\nRUN npm ci\n";
    put(root, "Dockerfile", original);
    let out = dfix_in(root, &["--write", "Dockerfile"], None);
    // The ENV still stores the token in the image config: a person decides.
    assert_eq!(out.status.code(), Some(1), "{}", show(&out));
    assert!(
        text(&out.stdout).contains(
            "Dockerfile:4:5: DF003 build argument NPM_TOKEN is stored in the image config by ENV; \
             the build reads it (RUN, line 5: npm); nothing shows the container does \
             [needs a person: the finding of the declaration of NPM_TOKEN is suppressed]"
        ),
        "{}",
        show(&out)
    );
    assert_eq!(
        fs::read_to_string(root.join("Dockerfile")).unwrap(),
        original
    );
}

#[test]
fn configuration_ignore_is_reported_as_config() {
    let dir = repo();
    let root = dir.path();
    put(root, ".dfix.toml", "ignore = [\"secret-build-arg\"]\n");
    put(
        root,
        "app/Dockerfile",
        "FROM alpine\nARG NPM_TOKEN\nRUN npm ci\n",
    );
    let out = dfix_in(root, &["--check", "--format", "json", "."], None);
    assert_eq!(out.status.code(), Some(0), "{}", show(&out));
    let doc = json(&out);
    let f = &doc["files"][0]["findings"][0];
    assert_eq!(f["rule"], "DF003");
    assert_eq!(f["suppressed_by"], "config");
    assert!(f.get("justification").is_none());
}
