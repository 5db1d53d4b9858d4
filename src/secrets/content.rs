//! What a file holds, when dfix can read it in the build context: a
//! private key, a service-account key, a registry `auth`, a literal token
//! in `.npmrc` — or only references (`${NPM_TOKEN}`), certificates, a
//! credential helper. When the content is decisive it wins over the name
//! ([`super::files`]): an `.npmrc` whose token is `${NPM_TOKEN}` is safe to
//! copy, and a `config.json` in the app directory that holds a
//! service-account key is not.

use super::judge::{judge_named, Verdict};
use super::names::is_secret_name;
use super::url::{parse_url, positions};

/// What the content says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Content {
    /// A credential, and what it is.
    Secret(&'static str),
    /// A credential file's format without a credential in it (only
    /// references, public keys, a credential helper).
    Clean,
    /// Nothing either way.
    Unknown,
}

/// Judges the text of a file named `name` (its base name).
pub fn judge_content(name: &str, text: &str) -> Content {
    let name = name.to_ascii_lowercase();
    if text.trim_start().starts_with('{') {
        if let Ok(value) = serde_json::from_str::<serde_json::Value>(text) {
            let verdict = json(&name, &value);
            if verdict != Content::Unknown {
                return verdict;
            }
        }
    }
    if let Some(c) = pem(text) {
        return c;
    }
    if name.ends_with(".xml") || name == "nuget.config" {
        return xml(text);
    }
    lines(&name, text)
}

/// Private-key blocks; a file of certificates and public keys only is clean.
fn pem(text: &str) -> Option<Content> {
    let mut public = false;
    for at in positions(text, "-----BEGIN ") {
        let rest = &text[at + 11..];
        let label = &rest[..rest.find("-----")?];
        if label.ends_with("PRIVATE KEY") || label.ends_with("PRIVATE KEY BLOCK") {
            return Some(Content::Secret("a private key"));
        }
        public = true;
    }
    public.then_some(Content::Clean)
}

fn json(name: &str, v: &serde_json::Value) -> Content {
    let Some(obj) = v.as_object() else {
        return Content::Unknown;
    };
    let text = |k: &str| obj.get(k).and_then(|x| x.as_str());
    let real = |s: Option<&str>| s.is_some_and(super::judge::is_secret_value);
    match text("type") {
        Some("service_account") if obj.contains_key("private_key") => {
            return Content::Secret("a service-account key")
        }
        Some("authorized_user") if real(text("refresh_token")) => {
            return Content::Secret("Google user credentials")
        }
        _ => {}
    }
    for app in ["installed", "web"] {
        let secret = obj
            .get(app)
            .and_then(|a| a.get("client_secret"))
            .and_then(|s| s.as_str());
        if real(secret) {
            return Content::Secret("an OAuth client secret");
        }
    }
    if name == "kaggle.json" || (obj.contains_key("username") && obj.contains_key("key")) {
        return if real(text("key")) {
            Content::Secret("an API key")
        } else {
            Content::Clean
        };
    }
    let docker = ["auths", "credHelpers", "credsStore", "credsstore"];
    if docker.iter().any(|k| obj.contains_key(*k)) {
        let auths = obj.get("auths").and_then(|a| a.as_object());
        let has_auth = auths.is_some_and(|a| {
            a.values().any(|entry| {
                ["auth", "identitytoken", "password", "registrytoken"]
                    .iter()
                    .any(|k| real(entry.get(*k).and_then(|x| x.as_str())))
            })
        });
        return if has_auth {
            Content::Secret("registry credentials")
        } else {
            Content::Clean
        };
    }
    Content::Unknown
}

/// `<password>x</password>` (Maven) and NuGet's `ClearTextPassword`;
/// `${env.X}` references are not credentials.
fn xml(text: &str) -> Content {
    let mut format = false;
    for (open, close) in [
        ("<password>", "</password>"),
        ("<privatekey>", "</privatekey>"),
    ] {
        for at in positions(text, open) {
            format = true;
            let rest = &text[at + open.len()..];
            let value = rest[..rest.find(close).unwrap_or(0)].trim();
            if literal(value, "password") {
                return Content::Secret("a password");
            }
        }
    }
    for at in positions(text, "ClearTextPassword") {
        format = true;
        let rest = &text[at..];
        if let Some(v) = rest.find("value=\"") {
            let value = &rest[v + 7..];
            let value = &value[..value.find('"').unwrap_or(0)];
            if literal(value, "password") {
                return Content::Secret("a password");
            }
        }
    }
    if format {
        Content::Clean
    } else {
        Content::Unknown
    }
}

/// A value that is a credential: not empty, not a reference
/// (`${X}`, `$X`, `%X%`, `${env.X}`), and a secret by [`judge_named`].
fn literal(value: &str, name: &str) -> bool {
    let v = value.trim().trim_matches(['"', '\'']);
    !v.is_empty() && !v.contains("${") && judge_named(name, v) == Verdict::Secret
}

/// Line formats: `key=value`, `key = value`, `export KEY=value`,
/// `key: value`, netrc's `password x`, URLs with a password. A known
/// credential file with none of them holding a literal is clean.
fn lines(name: &str, text: &str) -> Content {
    let known = super::files::is_secret_file(name, name)
        || [".properties", ".ini", ".cfg", ".conf"]
            .iter()
            .any(|e| name.ends_with(e))
        || name == "credentials"
        || name == "config"
        || name.starts_with(".env")
        || name.ends_with(".env");
    if !known {
        // Source code and documents are not credential files: only a key
        // block or a key JSON (above) makes them one.
        return Content::Unknown;
    }
    for line in text.lines() {
        let line = line.trim();
        if line.starts_with('#') || line.starts_with(';') || line.starts_with("//#") {
            continue;
        }
        for p in positions(line, "://") {
            if let Some(url) = parse_url(line, p) {
                if let Some(info) = url.userinfo {
                    let info = &line[info];
                    if let Some((_, pass)) = info.split_once(':') {
                        if literal(pass, "password") && !pass.starts_with('$') {
                            return Content::Secret("a password in a URL");
                        }
                    }
                }
            }
        }
        let line = line.strip_prefix("export ").unwrap_or(line);
        let split = line
            .split_once('=')
            .or_else(|| line.split_once(':').filter(|(k, _)| !k.contains(' ')));
        if let Some((key, value)) = split {
            let key = key.trim();
            // `//registry/:_authToken`: the key is after the last `:`.
            let key = key.rsplit(':').next().unwrap_or(key);
            let value = value.trim();
            if is_secret_name(key) && !value.starts_with('$') && literal(value, key) {
                return Content::Secret("a credential");
            }
            continue;
        }
        let mut words = line.split_whitespace();
        while let Some(w) = words.next() {
            if w == "password" {
                if let Some(v) = words.next() {
                    if literal(v, "password") && !v.starts_with('$') {
                        return Content::Secret("a password");
                    }
                }
            }
        }
    }
    Content::Clean
}

#[cfg(test)]
mod tests {
    use super::*;
    use Content::*;

    #[test]
    fn content_decides() {
        let key = "-----BEGIN PRIVATE KEY-----\nMIIEvQ\n-----END PRIVATE KEY-----\n";
        let sa = r#"{"type": "service_account", "project_id": "p", "private_key_id": "1",
            "private_key": "-----BEGIN PRIVATE KEY-----\nMII\n-----END PRIVATE KEY-----\n"}"#;
        let table: &[(&str, &str, Content)] = &[
            ("id_rsa", key, Secret("a private key")),
            ("server.pem", "-----BEGIN CERTIFICATE-----\nMII\n-----END CERTIFICATE-----\n", Clean),
            ("signing.key", "-----BEGIN PGP PUBLIC KEY BLOCK-----\nx\n", Clean),
            ("private.asc", "-----BEGIN PGP PRIVATE KEY BLOCK-----\nx\n", Secret("a private key")),
            ("config.json", sa, Secret("a service-account key")),
            ("key.json", r#"{"type":"service_account","private_key":"x"}"#, Secret("a service-account key")),
            ("kaggle.json", r#"{"username":"me","key":"0123456789abcdef0123456789abcdef"}"#, Secret("an API key")),
            ("kaggle.json", r#"{"username":"","key":""}"#, Clean),
            ("config.json", r#"{"credHelpers": {"123.dkr.ecr.us-east-1.amazonaws.com": "ecr-login"}}"#, Clean),
            ("config.json", "{\n\t  \"credsStore\": \"ecr-login\"\n}\n", Clean),
            ("config.json", r#"{"auths": {"https://index.docker.io/v1/": {"auth": "dXNlcjpzM2NyM3QtUGFzcw=="}}}"#, Secret("registry credentials")),
            ("package.json", r#"{"name": "app", "version": "1.0.0"}"#, Unknown),
            (".npmrc", "registry=https://r.example.com/\n//r.example.com/:_authToken=${NPM_TOKEN}\n", Clean),
            (".npmrc", "//registry.npmjs.org/:_authToken=npm_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789\n", Secret("a credential")),
            (".npmrc", "registry=https://pkgs.dev.azure.com/x/_packaging/y/npm/registry/\n\nalways-auth=true\n", Clean),
            ("credentials", "[default]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYzz9Kq3Jdq\n", Secret("a credential")),
            ("pip.conf", "[global]\nindex-url = https://mirrors.aliyun.com/pypi/simple/\n", Clean),
            ("pip.conf", "[global]\nindex-url = https://ci:s3cr3t-Pass@pypi.example.com/simple/\n", Secret("a password in a URL")),
            (".git-credentials", "https://me:ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789@github.com\n", Secret("a password in a URL")),
            (".netrc", "machine github.com login me password s3cr3t-Pass\n", Secret("a password")),
            ("gradle.properties", "org.gradle.jvmargs=-Xmx2g\nandroid.useAndroidX=true\n", Clean),
            ("gradle.properties", "nexusUsername=ci\nnexusPassword=s3cr3t-Pass\n", Secret("a credential")),
            ("settings.xml", "<settings><servers><server><password>${env.NEXUS_PASSWORD}</password></server></servers></settings>", Clean),
            ("settings.xml", "<settings><servers><server><password>s3cr3t-Pass</password></server></servers></settings>", Secret("a password")),
            (".env", "PORT=3000\nNODE_ENV=production\n", Clean),
            (".env", "PORT=3000\nSTRIPE_SECRET_KEY=sk_live_aBcDeFgHiJkLmNoPqRsTuVwX\n", Secret("a credential")),
            (".env.example", "API_KEY=your-api-key\nDB_PASSWORD=changeme\n", Clean),
            ("notes.txt", "hello", Unknown),
            ("settings.py", "SECRET_KEY = 'k8s9ad8f7asdf987asdf9a8sdf'\n", Unknown),
        ];
        for (name, text, want) in table {
            assert_eq!(judge_content(name, text), *want, "{name}: {text}");
        }
    }
}
