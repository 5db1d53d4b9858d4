//! Files that hold credentials wherever they are copied.

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
    let public = name.ends_with(".pub")
        || name.contains("public")
        || name.contains("cert")
        || name.contains("known_hosts")
        || name.contains("authorized_keys")
        || name.contains("config");
    if dest_lower.contains("/.ssh/") || dest_lower.starts_with("~/.ssh") {
        return !public;
    }
    if public && !SECRET_FILE_NAMES.contains(&name.as_str()) {
        return false;
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
            ("ssh_config", "/root/.ssh/config"),
            ("config", "/root/.ssh/"),
            ("public.pem", "/app/"),
            ("requirements.txt", "."),
        ] {
            assert!(!is_secret_file(src, dest), "{src} -> {dest}");
        }
    }
}
