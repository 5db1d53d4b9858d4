//! DF002 `secret-file-copy`.
//!
//! **What it catches:** `COPY`/`ADD` of a credential file — `.netrc`,
//! `.npmrc`, `.pypirc`, `pip.conf`, `.git-credentials`, SSH keys (`id_rsa`,
//! `id_ed25519`, `*.pem`, `*.key`, anything copied into `~/.ssh/`),
//! `.aws/credentials`, `.docker/config.json`, `settings.xml`, `auth.json`,
//! `NuGet.Config`, `.env` — alone, among other sources, or renamed on the way
//! in; whether or not a later `RUN` removes it.
//!
//! **Why it matters:** `rm` in a later layer hides the file but the layer that
//! `COPY` made still holds it: anyone with the image can extract it.
//!
//! **Fix:** the file (or just that source of a multi-source `COPY`) is no
//! longer copied; every `RUN` between the copy and its removal mounts it with
//! `--mount=type=secret,id=<id>,target=<absolute path it had>` (owner and mode
//! carried over from `--chown`/`--chmod`); the `rm` (and any `chmod`) of the
//! file goes, as a whole `RUN` or as one `&&`/`;` segment. A file that is never
//! removed may be needed at run time: reported, not fixed.

/// File names (lower case) that hold credentials wherever they are copied.
const SECRET_FILE_NAMES: &[&str] = &[
    ".netrc",
    "_netrc",
    ".npmrc",
    ".yarnrc.yml",
    ".pypirc",
    "pip.conf",
    "pip.ini",
    ".git-credentials",
    "id_rsa",
    "id_dsa",
    "id_ecdsa",
    "id_ed25519",
    "credentials",
    "config.json",
    "settings.xml",
    "auth.json",
    "nuget.config",
    ".env",
    ".gem/credentials",
];

/// True when copying a file with this path puts a credential in the image.
/// `dest` is where it lands (used for `~/.ssh/...` targets).
pub fn is_secret_file(source: &str, dest: &str) -> bool {
    let name = source
        .rsplit('/')
        .next()
        .unwrap_or(source)
        .to_ascii_lowercase();
    let dest_lower = dest.to_ascii_lowercase();
    if dest_lower.contains("/.ssh/") || dest_lower.starts_with("~/.ssh") {
        return !name.ends_with(".pub") && name != "known_hosts";
    }
    if name == "credentials" {
        return source.contains(".aws") || dest_lower.contains(".aws");
    }
    if name == "config.json" {
        return source.contains(".docker") || dest_lower.contains(".docker");
    }
    SECRET_FILE_NAMES.contains(&name.as_str())
        || name.ends_with(".pem") && !name.contains("cert") && !name.contains("ca")
        || name.ends_with(".key") && !name.contains("pub")
        || name.starts_with(".npmrc")
        || name.starts_with(".netrc")
}

#[cfg(test)]
mod tests {
    use super::is_secret_file;

    #[test]
    fn secret_file_names() {
        for (src, dest) in [
            (".netrc", "."),
            (".npmrc-ci", ".npmrc"),
            ("id_rsa", "/root/.ssh/id_rsa"),
            ("deploy", "/root/.ssh/"),
            ("keys/server.key", "/etc/ssl/"),
            (".aws/credentials", "/root/.aws/credentials"),
            ("NuGet.Config", "."),
        ] {
            assert!(is_secret_file(src, dest), "{src} -> {dest}");
        }
        for (src, dest) in [
            ("package.json", "."),
            ("config.json", "/app/"),
            ("id_rsa.pub", "/root/.ssh/"),
            ("known_hosts", "/root/.ssh/"),
            ("ca-cert.pem", "/etc/ssl/"),
            ("requirements.txt", "."),
        ] {
            assert!(!is_secret_file(src, dest), "{src} -> {dest}");
        }
    }
}
