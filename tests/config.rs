//! `.dfix.toml` end to end: discovery (nearest wins, up to the repository
//! root, nested repositories), `--config`, `--isolated`, strict keys, what
//! each key does, and `dfix config`.

mod support;

use std::fs;
use std::path::Path;
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

/// One line per finding, `path rule` only.
fn found(root: &Path, args: &[&str]) -> Vec<String> {
    let out = dfix_in(root, args, None);
    assert!(out.status.code().is_some_and(|c| c < 2), "{}", show(&out));
    let mut lines: Vec<String> = text(&out.stdout)
        .lines()
        .map(|l| {
            let path = l.split(':').next().unwrap();
            let rule = l.split_whitespace().nth(1).unwrap();
            format!("{path} {rule}")
        })
        .collect();
    lines.sort();
    lines
}

const ARG_FILE: &str = "FROM alpine\nARG NPM_TOKEN\nRUN npm ci\n";

#[test]
fn the_nearest_file_wins_and_files_do_not_merge() {
    let dir = repo();
    let root = dir.path();
    put(root, ".dfix.toml", "ignore = [\"DF003\"]\n");
    put(root, "a/b/Dockerfile", ARG_FILE);
    // A nearer file without `ignore`: DF003 is back (no merging).
    put(root, "c/.dfix.toml", "exclude = []\n");
    put(root, "c/Dockerfile", ARG_FILE);
    assert_eq!(found(root, &["--check", "."]), ["./c/Dockerfile DF003"]);
    // The same when the file is named, and from another directory.
    assert_eq!(
        found(&root.join("a"), &["--check", "b/Dockerfile"]),
        Vec::<String>::new()
    );
}

#[test]
fn discovery_stops_at_the_repository_root() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    // outer/ is a repository with a configuration; outer/vendor/inner is a
    // repository of its own (a submodule: `.git` is a file) without one.
    put(root, "outer/.git/HEAD", "ref: refs/heads/main\n");
    put(root, "outer/.dfix.toml", "ignore = [\"DF003\"]\n");
    put(root, "outer/app/Dockerfile", ARG_FILE);
    put(
        root,
        "outer/vendor/inner/.git",
        "gitdir: ../../.git/modules/inner\n",
    );
    put(root, "outer/vendor/inner/Dockerfile", ARG_FILE);
    // Above the outer repository: never read, though it is broken.
    put(root, ".dfix.toml", "this is not toml = [\n");
    assert_eq!(
        found(&root.join("outer"), &["--check", "."]),
        ["./vendor/inner/Dockerfile DF003"]
    );
}

#[test]
fn config_replaces_discovery_and_isolated_ignores_every_file() {
    let dir = repo();
    let root = dir.path();
    put(root, ".dfix.toml", "ignore = [\"DF003\"]\n");
    put(root, "Dockerfile", ARG_FILE);
    put(root, "elsewhere/strict.toml", "ignore = []\n");
    assert!(found(root, &["--check", "Dockerfile"]).is_empty());
    assert_eq!(
        found(root, &["--check", "--isolated", "Dockerfile"]),
        ["Dockerfile DF003"]
    );
    assert_eq!(
        found(
            root,
            &["--check", "--config", "elsewhere/strict.toml", "Dockerfile"]
        ),
        ["Dockerfile DF003"]
    );
    let both = dfix_in(
        root,
        &["--check", "--isolated", "--config", "x.toml", "."],
        None,
    );
    assert_eq!(both.status.code(), Some(2), "{}", show(&both));
}

#[test]
fn unknown_keys_are_one_line_naming_the_file_and_the_key() {
    let dir = repo();
    let root = dir.path();
    put(root, "ok/Dockerfile", ARG_FILE);
    put(
        root,
        "bad/.dfix.toml",
        "ignore = []\nexclude_dirs = [\"x\"]\n",
    );
    put(root, "bad/Dockerfile", ARG_FILE);
    put(root, "bad/sub/Dockerfile", ARG_FILE);
    let out = dfix_in(root, &["--check", "."], None);
    assert_eq!(out.status.code(), Some(2), "{}", show(&out));
    let errors: Vec<String> = text(&out.stderr)
        .lines()
        .filter(|l| !l.starts_with("dfix: 1 files") && !l.contains(" files, "))
        .map(str::to_owned)
        .collect();
    assert_eq!(errors.len(), 1, "reported once: {errors:?}");
    let bad = root.join("bad/.dfix.toml");
    assert!(
        errors[0].starts_with(&format!(
            "dfix: {}: line 2, column 1: unknown field `exclude_dirs`",
            bad.display()
        )),
        "{}",
        errors[0]
    );
    // The other files still run; those the broken file governs do not.
    assert_eq!(
        text(&out.stdout).trim(),
        "./ok/Dockerfile:2:5: DF003 secret build argument NPM_TOKEN ends up in the image history"
    );

    // --config with an unknown key stops the run before any file.
    put(root, "strict.toml", "[secrets]\nallow_values = []\n");
    let out = dfix_in(root, &["--check", "--config", "strict.toml", "ok"], None);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let err = text(&out.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.starts_with("dfix: strict.toml: line 2, column 1: unknown field `allow_values`, expected one of `extra-names`, `allow-names`, `allow-values`"),
        "{err}"
    );
    // A bad value is named too.
    put(root, "style.toml", "secrets-style = \"vault\"\n");
    let out = dfix_in(root, &["--check", "--config", "style.toml", "ok"], None);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr)
            .contains("unknown variant `vault`, expected one of `auto`, `env-file`, `per-secret`"),
        "{}",
        show(&out)
    );
}

#[test]
fn extra_names_allow_names_and_allow_values() {
    let dir = repo();
    let root = dir.path();
    put(
        root,
        "Dockerfile",
        "FROM alpine\n\
         ARG ACME_SEED\n\
         ARG NPM_TOKEN\n\
         RUN mysql -u root --password=Xq-Shared-Pw-2024 db\n\
         RUN curl -u d:Real-Secret-31337 https://e.example.com/\n\
         RUN ACME_SIGNING_SEED=q8Jd02kLmXz make\n",
    );
    let before = found(root, &["--check", "Dockerfile"]);
    assert_eq!(before.len(), 3, "{before:?}");
    put(
        root,
        ".dfix.toml",
        "[secrets]\n\
         extra-names = [\"ACME_SEED\", \"ACME_*_SEED\"]\n\
         allow-names = [\"NPM_TOKEN\"]\n\
         allow-values = [\"Xq-Shared-Pw-2024\"]\n",
    );
    let out = dfix_in(root, &["--check", "Dockerfile"], None);
    let lines = text(&out.stdout);
    let want = [
        "Dockerfile:2:5: DF003 secret build argument ACME_SEED",
        "Dockerfile:5:",
        "Dockerfile:6:23: DF001 literal value of a secret variable (moves to .env as ACME_SIGNING_SEED)",
    ];
    assert_eq!(lines.lines().count(), want.len(), "{lines}");
    for (line, want) in lines.lines().zip(want) {
        assert!(line.starts_with(want), "{line}\nwanted {want}");
    }
}

#[test]
fn exclude_leaves_files_out_of_walks_and_env_file_moves_the_env() {
    let dir = repo();
    let root = dir.path();
    put(
        root,
        ".dfix.toml",
        "exclude = [\"legacy/\", \"*.generated.Dockerfile\"]\nenv-file = \"build.env\"\n",
    );
    let leaky = "FROM alpine\nRUN curl -u d:Excl-Secret-2718 https://e.example.com/\n";
    for f in [
        "app/Dockerfile",
        "legacy/Dockerfile",
        "legacy/deep/Dockerfile",
        "app/x.generated.Dockerfile",
    ] {
        put(root, f, leaky);
    }
    assert_eq!(found(root, &["--check", "."]), ["./app/Dockerfile DF001"]);
    // A file named on the command line is processed, unless --force-exclude.
    assert_eq!(
        found(root, &["--check", "legacy/Dockerfile"]),
        ["legacy/Dockerfile DF001"]
    );
    assert!(found(root, &["--check", "--force-exclude", "legacy/Dockerfile"]).is_empty());

    let out = dfix_in(root, &["--write", "app/Dockerfile"], None);
    assert_eq!(out.status.code(), Some(0), "{}", show(&out));
    assert!(root.join("app/build.env").is_file());
    assert!(!root.join("app/.env").exists());
    assert!(fs::read_to_string(root.join("app/.dockerignore"))
        .unwrap()
        .contains("build.env"));
    // --env-file on the command line wins.
    put(root, "b/Dockerfile", leaky);
    let out = dfix_in(root, &["--env-file", "b/cli.env", "b/Dockerfile"], None);
    assert!(
        text(&out.stdout).contains("--secret id=env,src=b/cli.env"),
        "{}",
        show(&out)
    );
}

/// `dfix config` on a small tree, with the temporary path replaced.
fn config_output(root: &Path, args: &[&str]) -> String {
    let out = dfix_in(root, args, None);
    assert_eq!(out.status.code(), Some(0), "{}", show(&out));
    let tmp = root.display().to_string();
    text(&out.stdout).replace(&tmp, "<repo>")
}

#[test]
fn config_prints_the_settings_and_where_each_came_from() {
    let dir = repo();
    let root = dir.path();
    put(
        root,
        ".dfix.toml",
        "# The organisation's settings.\n\
         ignore = [\"DF003\"]\n\
         exclude = [\"legacy/\"]\n\
         secrets-style = \"env-file\"\n\
         [secrets]\n\
         extra-names = [\"ACME_*_SEED\"]\n\
         allow-values = [\"Xq-Shared-Pw-2024\"]\n",
    );
    put(root, "app/Dockerfile", ARG_FILE);
    put(root, "legacy/Dockerfile", ARG_FILE);
    let shown = config_output(root, &["config", "app/Dockerfile"]);
    let excluded = config_output(
        root,
        &["config", "legacy/Dockerfile", "--env-file", "ci.env"],
    );
    let isolated = config_output(root, &["config", "--isolated"]);
    insta::with_settings!({
        snapshot_path => "../snapshots",
        prepend_module_to_snapshot => false,
        omit_expression => true,
    }, {
        insta::assert_snapshot!("config_app", shown);
        insta::assert_snapshot!("config_excluded_with_env_file", excluded);
        insta::assert_snapshot!("config_isolated", isolated);
    });
    // allow-values only with --show-secrets.
    assert!(!shown.contains("Xq-Shared-Pw-2024"));
    assert!(config_output(root, &["config", "--show-secrets"]).contains("\"Xq-Shared-Pw-2024\""));
    // The output is TOML that dfix reads back to the same settings.
    let values = |out: &str| -> String {
        out.lines()
            .filter(|l| !l.starts_with('#'))
            .map(|l| format!("{}\n", l.split(" #").next().unwrap().trim_end()))
            .collect()
    };
    let all = config_output(root, &["config", "app/Dockerfile", "--show-secrets"]);
    put(root, "again/.dfix.toml", &all);
    let again = config_output(root, &["config", "again", "--show-secrets"]);
    assert_eq!(values(&again), values(&all));
    // An unreadable configuration is an error.
    put(root, "broken/.dfix.toml", "ignore = [\"DF000\"]\n");
    let out = dfix_in(root, &["config", "broken"], None);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("unknown rule `DF000` in `ignore`"));
}
