//! End-to-end use of `dfix::envfile` on a throw-away project directory:
//! read, plan, write, update the ignore files, run again, source with sh.

use std::fs;
use std::path::Path;
use std::process::Command;

use dfix::envfile::{
    is_in_git_repo, plan, plan_ignore_update, read_env_file, write_env_file, IgnoreKind, Outcome,
    WantedEntry,
};

fn sh_value(dir: &Path, name: &str) -> Vec<u8> {
    let out = Command::new("sh")
        .arg("-c")
        .arg(format!(". ./.env && printf %s \"${name}\""))
        .current_dir(dir)
        .env_clear()
        .env("PATH", "/usr/local/bin:/usr/bin:/bin")
        .output()
        .expect("sh runs");
    assert!(out.status.success() && out.stderr.is_empty(), "{out:?}");
    out.stdout
}

fn update_ignore(path: &Path, kind: IgnoreKind, entries: &[&str]) -> bool {
    let existing = fs::read_to_string(path).ok();
    match plan_ignore_update(kind, existing.as_deref(), entries) {
        Some(text) => {
            fs::write(path, text).unwrap();
            true
        }
        None => false,
    }
}

#[test]
fn project_round_trip() {
    let root = tempfile::tempdir().unwrap();
    let dir = root.path();
    fs::create_dir(dir.join(".git")).unwrap();
    let env_path = dir.join(".env");
    let old = "# shared settings\r\nexport NPM_TOKEN='old-token' #\r\nREGION=eu\r\n";
    fs::write(&env_path, old).unwrap();
    fs::write(dir.join(".dockerignore"), "node_modules\n.env\n!.env\n").unwrap();

    // The Dockerfile side names a new value so that it takes no key the
    // file holds (`NPM_TOKEN_2`); the plan only appends.
    let wanted = [
        WantedEntry::secret("NPM_TOKEN_2", "new 'token' with \\ and $"),
        WantedEntry::secret("PIP_PASSWORD", "p@ss\nword"),
        WantedEntry::placeholder("API_KEY", Some("was --build-arg API_KEY")),
    ];

    // First run.
    let existing = read_env_file(&env_path).unwrap();
    let first = plan(&env_path, existing.as_deref(), &wanted).unwrap();
    assert!(first.changed);
    assert!(first.text.starts_with(old));
    assert_eq!(
        first.added(),
        vec!["NPM_TOKEN_2", "PIP_PASSWORD", "API_KEY"]
    );
    // REGION=eu CR LF: sh would keep the CR, so it is flagged.
    assert_eq!(first.warnings.len(), 1);
    assert_eq!(first.warnings[0].key, "REGION");
    let outcome = write_env_file(&env_path, &first.text).unwrap();
    assert!(!outcome.created);

    assert_eq!(sh_value(dir, "NPM_TOKEN"), b"old-token");
    assert_eq!(sh_value(dir, "NPM_TOKEN_2"), b"new 'token' with \\ and $");
    assert_eq!(sh_value(dir, "PIP_PASSWORD"), b"p@ss\nword");
    assert_eq!(sh_value(dir, "API_KEY"), b"");

    // The ignore files: .dockerignore re-included .env, so it is appended
    // again; .gitignore is created because this is a git work tree.
    assert!(is_in_git_repo(dir));
    assert!(update_ignore(
        &dir.join(".dockerignore"),
        IgnoreKind::Docker,
        &[".env"]
    ));
    assert_eq!(
        fs::read_to_string(dir.join(".dockerignore")).unwrap(),
        "node_modules\n.env\n!.env\n.env\n"
    );
    assert!(update_ignore(
        &dir.join(".gitignore"),
        IgnoreKind::Git,
        &[".env"]
    ));
    assert_eq!(
        fs::read_to_string(dir.join(".gitignore")).unwrap(),
        ".env\n"
    );

    // Second run: nothing changes anywhere.
    let existing = read_env_file(&env_path).unwrap();
    let second = plan(&env_path, existing.as_deref(), &wanted).unwrap();
    assert!(!second.changed);
    assert!(second.entries.iter().all(|e| e.outcome == Outcome::Reused));
    assert!(!update_ignore(
        &dir.join(".dockerignore"),
        IgnoreKind::Docker,
        &[".env"]
    ));
    assert!(!update_ignore(
        &dir.join(".gitignore"),
        IgnoreKind::Git,
        &[".env"]
    ));

    // A key the file holds with another value is never overwritten: an
    // error naming key and file.
    let clash = [WantedEntry::secret(
        "NPM_TOKEN",
        "new 'token' with \\ and $",
    )];
    let err = plan(&env_path, existing.as_deref(), &clash).unwrap_err();
    let msg = err.to_string();
    assert!(msg.contains("NPM_TOKEN") && msg.contains(".env"), "{msg}");
    assert!(
        !msg.contains("token'") && !msg.contains("old-token"),
        "{msg}"
    );
}

#[cfg(unix)]
#[test]
fn new_env_file_is_private_and_sourcable() {
    use std::os::unix::fs::PermissionsExt;

    let root = tempfile::tempdir().unwrap();
    let env_path = root.path().join(".env");
    assert_eq!(read_env_file(&env_path).unwrap(), None);
    let p = plan(
        &env_path,
        None,
        &[WantedEntry::secret("GH_TOKEN", "ghp_x'y\"z")],
    )
    .unwrap();
    let outcome = write_env_file(&env_path, &p.text).unwrap();
    assert!(outcome.created);
    let mode = fs::metadata(&env_path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    assert_eq!(sh_value(root.path(), "GH_TOKEN"), b"ghp_x'y\"z");
    assert!(!is_in_git_repo(root.path()) || Path::new("/.git").exists());
}
