//! Files and directories that hold credentials, judged by their names and
//! where they land. Their content, when dfix can read it, is judged by
//! [`super::content`] and has the last word.
//!
//! A name can say *secret* (`id_rsa`, `.npmrc`, `kaggle.json`,
//! `keystore.p12`, `serviceAccountKey.json`, `.env.production`, anything
//! copied into `~/.ssh/`), or *public* whatever else it says (`*.pub`,
//! certificates, trust stores, `known_hosts`, snakeoil keys, apt and GPG
//! public keys, templates such as `.env.example`), or nothing.

/// Names that are credential files wherever they are.
const SECRET_NAMES: &[(&str, &str)] = &[
    (".netrc", "netrc credentials"),
    ("_netrc", "netrc credentials"),
    (".npmrc", "npm registry credentials"),
    (".yarnrc.yml", "yarn registry credentials"),
    (".pypirc", "PyPI credentials"),
    ("pip.conf", "pip index credentials"),
    ("pip.ini", "pip index credentials"),
    (".git-credentials", "git credentials"),
    (".pgpass", "PostgreSQL passwords"),
    (".my.cnf", "MySQL client credentials"),
    (".dockercfg", "registry credentials"),
    (".s3cfg", "S3 credentials"),
    (".boto", "cloud credentials"),
    (".vault-token", "a Vault token"),
    ("settings.xml", "Maven credentials"),
    ("settings-security.xml", "Maven master password"),
    ("auth.json", "Composer credentials"),
    ("nuget.config", "NuGet feed credentials"),
    ("kaggle.json", "a Kaggle API key"),
    ("signate.json", "a SIGNATE API token"),
    ("credentials.json", "a credentials file"),
    ("key.json", "a key file"),
    ("token.json", "an OAuth token"),
    ("token.pickle", "an OAuth token"),
    ("id_rsa", "an SSH private key"),
    ("id_dsa", "an SSH private key"),
    ("id_ecdsa", "an SSH private key"),
    ("id_ed25519", "an SSH private key"),
    ("id_ecdsa_sk", "an SSH private key"),
    ("id_ed25519_sk", "an SSH private key"),
    (".env", "an env file"),
];

/// Extensions of private-key stores (not trust stores, see [`is_public`]).
const SECRET_EXTENSIONS: &[(&str, &str)] = &[
    (".p12", "a PKCS#12 key store"),
    (".pfx", "a PKCS#12 key store"),
    (".jks", "a Java key store"),
    (".keystore", "a key store"),
    (".ppk", "a PuTTY private key"),
    (".sec", "a GPG secret key"),
    (".kdbx", "a password database"),
];

/// Home directories whose files are credentials, with what they hold.
const SECRET_DIRS: &[(&str, &str)] = &[
    (".ssh", "SSH keys"),
    (".aws", "AWS credentials"),
    (".gnupg", "GPG keys"),
    (".docker", "registry credentials"),
    (".kube", "Kubernetes credentials"),
    (".kaggle", "a Kaggle API key"),
    (".azure", "Azure credentials"),
    ("gcloud", "Google Cloud credentials"),
    (".signate", "a SIGNATE API token"),
];

/// Words that mark a template, not the file itself.
const TEMPLATE_WORDS: &[&str] = &[
    "example", "sample", "template", "tmpl", "tpl", "dist", "defaults", "skel",
];

fn base(path: &str) -> &str {
    let path = path.trim_end_matches('/');
    path.rsplit('/').next().unwrap_or(path)
}

/// Dot-, dash- and underscore-separated words of a lower-case name.
fn name_words(name: &str) -> impl Iterator<Item = &str> {
    name.split(['.', '-', '_']).filter(|w| !w.is_empty())
}

/// A public file whatever else its name says: public keys, certificates,
/// trust stores, host keys, throwaway test keys, templates.
fn is_public(name: &str) -> bool {
    let has = |w: &str| name.contains(w);
    name.ends_with(".pub")
        || name.ends_with(".crt")
        || name.ends_with(".cer")
        || name.ends_with(".csr")
        || has("public")
        || has("known_hosts")
        || has("authorized_keys")
        || has("truststore")
        || has("cacert")
        || has("snakeoil")
        || has("chain")
        || name == "ca.pem"
        || name.starts_with("ca-")
        || name.starts_with("ca.")
        || (has("cert") && !has("key") && !has("priv"))
        || name_words(name).any(|w| TEMPLATE_WORDS.contains(&w))
}

/// A signing key of a package repository (`nginx_signing.key`,
/// `Release.key`, `docker.gpg`): public by its role.
fn is_repository_key(name: &str) -> bool {
    let gpg = name.ends_with(".gpg") || name.ends_with(".asc");
    let words = [
        "signing", "release", "archive", "repo", "apt", "gpgkey", "pgp", "gpg",
    ];
    gpg && !name.contains("secret") && !name.contains("priv") && !name.starts_with("secring")
        || (name.ends_with(".key") && name_words(name).any(|w| words.contains(&w)))
}

/// What secret file `source` (as named by a COPY) is when it lands at
/// `dest` (the path it gets in the image), or `None`.
pub fn secret_kind(source: &str, dest: &str) -> Option<&'static str> {
    let name = base(source).to_ascii_lowercase();
    if !could_be_secret(&name, dest) && !could_be_secret(&name, source) {
        return None;
    }
    let dest_lower = dest.to_ascii_lowercase();
    let src_lower = source.to_ascii_lowercase();
    // `dir` is a part of the destination's directories, or of the source's.
    let dest_dirs = dest_lower.rsplit_once('/').map_or("", |(d, _)| d);
    let src_dirs = src_lower.rsplit_once('/').map_or("", |(d, _)| d);
    let under = |dir: &str| {
        let has = |path: &str| {
            path.split('/').any(|p| p == dir) || (dir.contains('/') && path.contains(dir))
        };
        has(dest_dirs) || has(&dest_lower) && dest_lower.ends_with(dir) || has(src_dirs)
    };
    if let Some(&(_, what)) = SECRET_NAMES.iter().find(|(n, _)| *n == name) {
        if !is_public(&name) {
            return Some(what);
        }
    }
    let trusted_keys = ["/etc/apt/", "keyrings", "rpm-gpg"];
    if is_public(&name)
        || is_repository_key(&name)
        || trusted_keys.iter().any(|d| dest_lower.contains(d))
    {
        return None;
    }
    if name.starts_with(".npmrc") || name.starts_with(".netrc") {
        return Some("registry credentials");
    }
    if under(".ssh") && !name.contains("config") {
        return Some("an SSH private key");
    }
    if name == "credentials" && (under(".aws") || under(".gem") || under("gcloud")) {
        return Some("cloud credentials");
    }
    if name == "config.json" && under(".docker") {
        return Some("registry credentials");
    }
    if name == "config" && under(".kube") {
        return Some("Kubernetes credentials");
    }
    if (name == "kubeconfig" || name.ends_with(".kubeconfig")) && !name.contains("example") {
        return Some("Kubernetes credentials");
    }
    if name == "hosts.yml" && under(".config/gh") {
        return Some("a GitHub CLI token");
    }
    if name == "gradle.properties" && under(".gradle") {
        return Some("Gradle credentials");
    }
    if under(".gnupg") && !matches!(name.as_str(), "pubring.kbx" | "pubring.gpg" | "trustdb.gpg") {
        return Some("GPG keys");
    }
    if name.starts_with("secring.") || name.contains("private-keys") {
        return Some("a GPG secret keyring");
    }
    if let Some(&(_, what)) = SECRET_EXTENSIONS.iter().find(|(e, _)| name.ends_with(e)) {
        return Some(what);
    }
    if name.starts_with("keystore.") {
        return Some("a key store");
    }
    if name.ends_with(".pem") || name.ends_with(".key") {
        return Some("a private key");
    }
    if name.ends_with(".json") && is_key_json(&name) {
        return Some("a service-account key");
    }
    if is_env_file(&name) {
        return Some("an env file");
    }
    None
}

/// A quick look before the full judgement: every name [`secret_kind`]
/// accepts is a dotfile, lands in a dot directory, or has one of these
/// pieces.
fn could_be_secret(name: &str, path: &str) -> bool {
    const PIECES: &[&str] = &[
        "key",
        "secret",
        "cred",
        "token",
        "priv",
        "pass",
        "auth",
        "id_",
        "pip",
        "nuget",
        "pem",
        "p12",
        "pfx",
        "jks",
        "sec",
        "ppk",
        "kdbx",
        "s3cfg",
        "settings",
        "kube",
        "account",
        "adminsdk",
        "gha-creds",
        "kaggle",
        "signate",
        "-sa",
        "_sa",
    ];
    name.starts_with('.')
        || name.starts_with('_')
        || path.contains("/.")
        || path.starts_with('.')
        || path.starts_with('~')
        || PIECES.iter().any(|p| name.contains(p))
}

/// Shorthand for [`secret_kind`].
pub fn is_secret_file(source: &str, dest: &str) -> bool {
    secret_kind(source, dest).is_some()
}

/// `serviceAccountKey.json`, `my-project-firebase-adminsdk-x1.json`,
/// `gcp-key.json`, `client_secret_123.json`, `gha-creds-ab12.json`.
fn is_key_json(name: &str) -> bool {
    let stem = name.trim_end_matches(".json");
    let compact: String = stem.chars().filter(|c| c.is_ascii_alphanumeric()).collect();
    compact.contains("serviceaccount")
        || stem.contains("adminsdk")
        || stem.starts_with("client_secret")
        || stem.starts_with("gha-creds")
        || compact.ends_with("credentials")
        || compact.contains("privatekey")
        || [
            "key",
            "keys",
            "secret",
            "secrets",
            "creds",
            "credential",
            "sa",
        ]
        .iter()
        .any(|w| name_words(stem).last() == Some(*w))
            && !name_words(stem).any(|w| ["public", "pub", "api", "schema"].contains(&w))
}

/// `.env` for the deployed environment (`.env.production`, `.env.local`,
/// `secrets.env`); other variants (`.env.docker`, `.env.virtualbox`,
/// `meta.env`) are as often plain settings, for the content to decide.
fn is_env_file(name: &str) -> bool {
    const DEPLOYED: &[&str] = &[
        "production",
        "prod",
        "local",
        "staging",
        "stage",
        "live",
        "secret",
        "secrets",
        "private",
    ];
    let suffix = name.strip_prefix(".env.").unwrap_or("");
    let stem = name.strip_suffix(".env").unwrap_or("");
    DEPLOYED.contains(&suffix) || ["secret", "secrets", "credentials"].contains(&stem)
}

/// What a directory copied by name holds, when it is a credential
/// directory (`.aws`, `.ssh`, `.config/gcloud`, ...), judged by its own
/// name, or by the name it gets in the image when the source is written as
/// a directory (`aws-creds/`): `COPY ssh/config /root/.ssh/` copies a file.
pub fn secret_dir(source: &str, dest: &str) -> Option<&'static str> {
    let by_dest = source.ends_with('/') && source != "./";
    let names: &[&str] = if by_dest { &[source, dest] } else { &[source] };
    let lands = base(dest).to_ascii_lowercase();
    names.iter().find_map(|p| {
        let name = base(p).to_ascii_lowercase();
        // Projects keep build files in `.docker/` and `.kube/` too: those
        // count only where the tools read them (`~/.docker`).
        let tool_dir = matches!(name.as_str(), ".docker" | ".kube" | "gcloud");
        SECRET_DIRS
            .iter()
            .find(|(d, _)| {
                *d == name
                    && (name != "gcloud" || p.contains(".config"))
                    && (!tool_dir || lands == name)
            })
            .map(|(_, what)| *what)
    })
}

/// Names whose content is worth reading when looking for secrets in a
/// context: any name [`secret_kind`] knows, and the formats a key can hide
/// in under any name.
pub fn worth_reading(path: &str) -> bool {
    let name = base(path).to_ascii_lowercase();
    is_secret_file(path, path)
        || [
            ".json",
            ".pem",
            ".key",
            ".properties",
            ".env",
            ".asc",
            ".gpg",
        ]
        .iter()
        .any(|e| name.ends_with(e))
        || [
            "key", "secret", "cred", "token", "priv", "passw", "auth", "id_",
        ]
        .iter()
        .any(|w| name.contains(w))
        || name == "config"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_file_names() {
        for (src, dest) in [
            (".netrc", "."),
            (".npmrc-ci", "."),
            ("id_rsa", "/root/.ssh/id_rsa"),
            ("deploy", "/root/.ssh/"),
            ("keys/server.key", "/etc/ssl/"),
            (".aws/credentials", "/root/.aws/credentials"),
            ("credentials", "/root/.aws/"),
            ("NuGet.Config", "."),
            ("kaggle.json", "/root/.kaggle/kaggle.json"),
            ("cert/keystore.p12", "."),
            ("keystore.jks", "/app/keystore.jks"),
            ("alfreds-keys/alfreds-gpg-key.sec", "/root/"),
            ("secring.gpg", "/root/.gnupg/"),
            ("serviceAccountKey.json", "."),
            ("config/serviceAccount.json", "."),
            ("my-app-firebase-adminsdk-x1y2z.json", "."),
            ("gee_key.json", "."),
            ("gcp-key.json", "."),
            ("key.json", "/app/key.json"),
            ("client_secret_123.json", "."),
            ("gha-creds-ff0f93a0a81dd6b5.json", "/app/key.json"),
            (".env.production", "./build/.env"),
            ("secrets.env", "/app/"),
            ("config.json", "/root/.docker/config.json"),
            ("gradle.properties", "/root/.gradle/"),
            ("config", "/root/.kube/config"),
            ("token.json", "/app/"),
            ("hosts.yml", "/root/.config/gh/hosts.yml"),
        ] {
            assert!(is_secret_file(src, dest), "{src} -> {dest}");
        }
        for (src, dest) in [
            ("package.json", "."),
            ("config.json", "/app/"),
            ("tsconfig.json", "."),
            ("id_rsa.pub", "/root/.ssh/"),
            ("id_rsa.pub", "/root/.ssh/authorized_keys"),
            ("known_hosts", "/root/.ssh/"),
            ("ca-cert.pem", "/etc/ssl/"),
            ("fullchain.pem", "/etc/ssl/"),
            ("ssh_config", "/etc/ssh/ssh_config"),
            ("config", "/root/.ssh/"),
            ("public.pem", "/app/"),
            ("requirements.txt", "."),
            ("truststore.jks", "/usr/lib/jvm/lib/security/truststore.jks"),
            ("registry.snakeoil.key", "/etc/ssl/private/"),
            ("nginx_signing.key", "/tmp/"),
            ("Release.key", "/tmp/"),
            ("wikimedia.key", "/etc/apt/trusted.gpg.d/"),
            ("stefan_eissing_public.asc", "/tmp/apache_signer_key.asc"),
            ("doc/denis-corbin.gpg", "/tmp/"),
            (".env.example", "/app/.env.example"),
            (".env.sample", "."),
            ("gradle.properties", "."),
            ("api_key_schema.json", "."),
            ("library-scripts/meta.env", "/usr/local/etc/"),
            (".env.virtualbox", "/app/"),
            ("ssh_config", "/root/.ssh/config"),
            ("bin/sshconfig", "/root/.ssh/config"),
        ] {
            assert!(!is_secret_file(src, dest), "{src} -> {dest}");
        }
    }

    #[test]
    fn secret_directories() {
        assert_eq!(secret_dir(".aws", "/root/.aws"), Some("AWS credentials"));
        assert_eq!(secret_dir(".ssh", "/root/.ssh/"), Some("SSH keys"));
        assert_eq!(
            secret_dir("aws-creds/", "/root/.aws/"),
            Some("AWS credentials")
        );
        assert_eq!(secret_dir("ssh/config", "/root/.ssh/"), None);
        assert_eq!(
            secret_dir(".config/gcloud", "/root/.config/gcloud"),
            Some("Google Cloud credentials")
        );
        assert_eq!(secret_dir("src/", "/app/"), None);
        assert_eq!(
            secret_dir(".docker", "/root/.docker/"),
            Some("registry credentials")
        );
        assert_eq!(secret_dir(".docker/", "/root/"), None);
        assert_eq!(secret_dir("gcloud", "/opt/gcloud"), None);
    }
}
