//! Is a variable (or option, or config key) name one that holds a secret?
//!
//! The name is split into lower-case words on `_`, `-`, `.` and camelCase or
//! acronym boundaries (`githubToken` → `github token`, `NPMToken` →
//! `npm token`), and the words are matched whole, so `BYPASS_CACHE` and
//! `COMPASS_VERSION` are not secrets while `PYPI_PASS` is.
//!
//! Decisions beyond BuildKit's `SecretsUsedInArgOrEnv` check:
//!
//! * A name whose **last** word says what the value is *about* rather than the
//!   secret itself is not a secret: `PASSWORD_FILE`, `TOKEN_URL`, `KEY_ID`,
//!   `AUTH_MODULE_VERSION`, `PASSWORD_HASH` (a hash is not reusable as the
//!   credential), `PASSWORD_MIN_LENGTH`. The one exception is
//!   `access key id` (`AWS_ACCESS_KEY_ID`): AWS treats it as half of the
//!   credential pair and it identifies the account, so it is kept secret.
//! * Toggles such as `MYSQL_ALLOW_EMPTY_PASSWORD` or
//!   `MYSQL_RANDOM_ROOT_PASSWORD` (a word like `allow`, `empty`, `random`,
//!   `generate`, `skip`, `no`, `disable`) are not secrets.
//! * `key` alone is not a secret (`GPG_KEY`, `KEY`, `PUBLIC_KEY`); it is when
//!   qualified: `API_KEY`, `ACCESS_KEY`, `SECRET_KEY`, `PRIVATE_KEY`,
//!   `SIGNING_KEY`, `ENCRYPTION_KEY`, `MASTER_KEY`, `LICENSE_KEY`,
//!   `DEPLOY_KEY`, `SSH_KEY`. Anything with `public` in it is not a secret.
//! * `auth` is a secret as the last word or before `token`/`key`
//!   (`NPM_AUTH`, `COMPOSER_AUTH`), not in `AUTH_URL` or `AUTH_MODULE_VERSION`.
//! * `BUNDLE_<HOST>` with a `__` (bundler's spelling of a dot, as in
//!   `BUNDLE_GITHUB__COM`) holds `user:password` for that gem server: secret.
//! * `PWD` and `OLDPWD` are the shell's directory variables, not passwords.
//! * A single word that merely *ends* in a long secret word counts
//!   (`DBPASSWORD`, `GITHUBTOKEN`, `APIKEY`); short words (`pass`, `pat`,
//!   `pwd`) must stand alone.

/// Lower-case words of a name.
pub(crate) fn words(name: &str) -> Vec<String> {
    let chars: Vec<char> = name.chars().collect();
    let mut out = Vec::new();
    let mut cur = String::new();
    for (i, &c) in chars.iter().enumerate() {
        if !c.is_ascii_alphanumeric() {
            if !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
            continue;
        }
        if c.is_ascii_uppercase() && !cur.is_empty() {
            let prev = chars[i - 1];
            let next_lower = chars.get(i + 1).is_some_and(char::is_ascii_lowercase);
            if prev.is_ascii_lowercase()
                || prev.is_ascii_digit()
                || (prev.is_ascii_uppercase() && next_lower)
            {
                out.push(std::mem::take(&mut cur));
            }
        }
        cur.push(c.to_ascii_lowercase());
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// `[A-Za-z_][A-Za-z0-9_]*`
pub(crate) fn is_identifier(name: &str) -> bool {
    let mut b = name.bytes();
    b.next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == b'_')
        && b.all(|c| c.is_ascii_alphanumeric() || c == b'_')
}

const SECRET_WORDS: &[&str] = &[
    "password",
    "passwd",
    "pass",
    "pwd",
    "psw",
    "passphrase",
    "secret",
    "secrets",
    "token",
    "tokens",
    "credential",
    "credentials",
    "creds",
    "cred",
    "dsn",
    "pat",
    "apikey",
    "accesskey",
    "privatekey",
    "secretkey",
];

/// Secret when a word ends with one of these (`dbpassword`, `githubtoken`).
const SECRET_SUFFIXES: &[&str] = &[
    "password",
    "passwd",
    "passphrase",
    "token",
    "tokens",
    "secret",
    "secrets",
    "apikey",
    "accesskey",
    "privatekey",
    "secretkey",
    "sshkey",
    "deploykey",
    "signingkey",
    "masterkey",
    "licensekey",
    "encryptionkey",
    "credentials",
];

const KEY_QUALIFIERS: &[&str] = &[
    // A service-account, storage-account or Kaggle key is the credential,
    // and so are the keys that publish, upload or sign sessions.
    "account",
    "sa",
    "kaggle",
    "publish",
    "upload",
    "app",
    "service",
    "client",
    "session",
    "storage",
    "api",
    "access",
    "secret",
    "private",
    "signing",
    "encryption",
    "master",
    "license",
    "deploy",
    "ssh",
];

const NOT_SECRET_LAST: &[&str] = &[
    "path",
    "file",
    "files",
    "dir",
    "directory",
    "folder",
    "url",
    "uri",
    "urls",
    "host",
    "hostname",
    "port",
    "user",
    "username",
    "login",
    "name",
    "id",
    "ids",
    "version",
    "ver",
    "type",
    "mode",
    "len",
    "length",
    "server",
    "endpoint",
    "region",
    "fingerprint",
    "enabled",
    "enable",
    "disabled",
    "required",
    "prompt",
    "header",
    "env",
    "location",
    "format",
    "hash",
    "stdin",
    "count",
    "size",
    "timeout",
    "ttl",
    "expiry",
    "expires",
    "expiration",
    "lifetime",
    "policy",
    "algorithm",
    "scope",
    "scopes",
    "helper",
    "provider",
    "method",
    "email",
    "owner",
    "label",
];

const TOGGLE_WORDS: &[&str] = &[
    "allow", "empty", "random", "generate", "skip", "no", "disable",
];

const PUBLIC_WORDS: &[&str] = &["public", "pubkey", "publickey", "keyring", "keyserver"];

/// Does the name (of a variable, option or config key) hold a secret?
pub fn is_secret_name(name: &str) -> bool {
    // Bundler reads `BUNDLE_<HOST>` case-insensitively in spirit: the
    // lower-case spelling is the same gem-server credential.
    let bundle = name
        .get(..7)
        .is_some_and(|p| p.eq_ignore_ascii_case("BUNDLE_"));
    if bundle && name[7..].contains("__") {
        return true;
    }
    if matches!(name, "PWD" | "OLDPWD") || !has_secret_stem(name) {
        return false;
    }
    let w = words(name);
    let Some(last) = w.last() else { return false };
    let has = |set: &[&str]| w.iter().any(|x| set.contains(&x.as_str()));
    if has(TOGGLE_WORDS) || has(PUBLIC_WORDS) {
        return false;
    }
    let n = w.len();
    let access_key_id = n >= 3 && last == "id" && w[n - 2] == "key" && w[n - 3] == "access";
    let access_key_id = access_key_id || (n >= 2 && last == "id" && w[n - 2] == "accesskey");
    if NOT_SECRET_LAST.contains(&last.as_str()) && !access_key_id {
        return false;
    }
    w.iter().enumerate().any(|(i, word)| {
        let prev = i.checked_sub(1).map(|j| w[j].as_str());
        let next = w.get(i + 1).map(String::as_str);
        match word.as_str() {
            "key" | "keys" => prev.is_some_and(|p| KEY_QUALIFIERS.contains(&p)),
            "auth" => matches!(next, None | Some("token" | "key")),
            x => {
                SECRET_WORDS.contains(&x)
                    || SECRET_SUFFIXES
                        .iter()
                        .any(|s| x.len() > s.len() && x.ends_with(s))
            }
        }
    })
}

/// Every secret word and suffix above contains one of these stems: a name
/// without any is not secret, and needs no splitting into words.
const SECRET_STEMS: &[&str] = &[
    "pass", "pwd", "psw", "secret", "token", "cred", "dsn", "pat", "key", "auth",
];

fn has_secret_stem(name: &str) -> bool {
    contains_any_ignore_case(name, SECRET_STEMS)
}

/// Whether `hay` contains one of `needles` (non-empty, lower case), ignoring
/// ASCII case. For names and words, which are short: no searcher to set up.
pub(crate) fn contains_any_ignore_case(hay: &str, needles: &[&str]) -> bool {
    let mut starts = [false; 256];
    for n in needles {
        let b = n.as_bytes()[0];
        starts[usize::from(b)] = true;
        starts[usize::from(b.to_ascii_uppercase())] = true;
    }
    let h = hay.as_bytes();
    (0..h.len()).any(|i| {
        starts[usize::from(h[i])]
            && needles.iter().any(|n| {
                let n = n.as_bytes();
                h[i..]
                    .get(..n.len())
                    .is_some_and(|w| w.eq_ignore_ascii_case(n))
            })
    })
}

/// A name turned into an environment variable name: kept when it already is
/// one in upper case, else its words joined with `_`.
pub(crate) fn env_name(name: &str) -> String {
    let upper = name
        .bytes()
        .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == b'_');
    if upper && is_identifier(name) {
        return name.to_owned();
    }
    words(name).join("_").to_ascii_uppercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_words() {
        assert_eq!(words("githubToken"), ["github", "token"]);
        assert_eq!(words("NPMToken"), ["npm", "token"]);
        assert_eq!(
            words("AWS_SECRET_ACCESS_KEY"),
            ["aws", "secret", "access", "key"]
        );
        assert_eq!(words("oauth2Token"), ["oauth2", "token"]);
        assert_eq!(words("--http-password"), ["http", "password"]);
        assert_eq!(words("_authToken"), ["auth", "token"]);
        assert_eq!(words("api.key"), ["api", "key"]);
    }

    #[test]
    fn every_secret_word_has_a_stem() {
        // The fast reject in `is_secret_name` is exact only while this holds.
        let words = SECRET_WORDS
            .iter()
            .chain(SECRET_SUFFIXES)
            .chain(&["key", "keys", "auth"]);
        for w in words {
            assert!(has_secret_stem(w), "{w}");
            assert!(has_secret_stem(&w.to_ascii_uppercase()), "{w}");
        }
        assert!(!has_secret_stem("DEBIAN_FRONTEND"));
        assert!(!has_secret_stem("PYTHONUNBUFFERED"));
    }

    #[test]
    fn secret_names_table() {
        let secret = [
            "NPM_TOKEN",
            "GITHUB_TOKEN",
            "githubToken",
            "GH_PAT",
            "PAT",
            "PYPI_PASS",
            "PYPI_PSW",
            "DB_PASSWORD",
            "MYSQL_ROOT_PASSWORD",
            "PASSPHRASE",
            "GPG_PASSPHRASE",
            "SSH_PRIVATE_KEY",
            "AWS_SECRET_ACCESS_KEY",
            "AWS_ACCESS_KEY_ID",
            "accessKeyId",
            "API_KEY",
            "apiKey",
            "APIKEY",
            "SENTRY_AUTH_TOKEN",
            "SENTRY_DSN",
            "NODE_AUTH_TOKEN",
            "CI_JOB_TOKEN",
            "COMPOSER_AUTH",
            "NUGET_API_KEY",
            "BUNDLE_GITHUB__COM",
            "BUNDLE_GEMS__CONTRIBSYS__COM",
            "bundle_gems__host__com",
            "KAGGLE_KEY",
            "GCP_SA_KEY",
            "service_account_key",
            "AZURE_STORAGE_ACCOUNT_KEY",
            "MAVEN_PUBLISH_KEY",
            "APP_KEY",
            "AUTH",
            "NPM_AUTH",
            "AUTH_TOKEN",
            "AUTH_KEY",
            "_auth",
            "_authToken",
            "npmAuthToken",
            "SSH_KEY",
            "DEPLOY_KEY",
            "RAILS_MASTER_KEY",
            "LICENSE_KEY",
            "SIGNING_KEY",
            "ENCRYPTION_KEY",
            "SECRET_KEY_BASE",
            "JWT_SECRET",
            "CLIENT_SECRET",
            "AWS_SESSION_TOKEN",
            "DOCKER_PASSWORD",
            "REGISTRY_CREDS",
            "GOOGLE_CREDENTIALS",
            "DB_PWD",
            "PASSWD",
            "SECRET",
            "TOKEN",
            "DBPASSWORD",
            "GITHUBTOKEN",
            "HF_TOKEN",
            "password",
            "db-password",
            "api.key",
            "ARTIFACTORY_API_KEY",
            "PRIVATE_KEY",
            "aws_secret_access_key",
            "aws_access_key_id",
            "CRED",
        ];
        let not_secret = [
            "GPG_KEY",
            "AUTH_MODULE_VERSION",
            "PUBLIC_KEY_PATH",
            "PASSWORD_FILE",
            "TOKEN_URL",
            "KEY_ID",
            "NODE_VERSION",
            "HOME",
            "PATH",
            "USER",
            "USERNAME",
            "PYPI_USER",
            "PYPI_URL",
            "DEBIAN_FRONTEND",
            "COMPASS_VERSION",
            "BYPASS_CACHE",
            "PASSENGER_VERSION",
            "PASSTHROUGH",
            "BYPASS",
            "KEY",
            "PUBLIC_KEY",
            "PUBKEY",
            "KEYRING",
            "KEYSERVER",
            "SSH_PUBLIC_KEY",
            "AUTH_URL",
            "PASSWORD_HASH",
            "GITHUB_TOKEN_FILE",
            "SECRET_NAME",
            "PWD",
            "OLDPWD",
            "MYSQL_ALLOW_EMPTY_PASSWORD",
            "MYSQL_RANDOM_ROOT_PASSWORD",
            "PASSWORD_MIN_LENGTH",
            "TOKEN_ENDPOINT",
            "AWS_REGION",
            "AWS_DEFAULT_REGION",
            "CLIENT_ID",
            "BUNDLE_WITHOUT",
            "BUNDLE_PATH",
            "password-stdin",
            "no-password",
            "recv-keys",
            "keyserver",
            "GPG_KEYS",
            "NEXT_PUBLIC_API_KEY",
            "PASSWORD_PROMPT",
            "AUTH_HEADER",
            "SECRETS_DIR",
            "",
            "_",
            "TOKEN_TTL",
            "PATCH",
            "PASSENGER",
            "TOKENIZER_VERSION",
        ];
        assert!(secret.len() + not_secret.len() >= 60);
        for n in secret {
            assert!(is_secret_name(n), "{n} should be secret");
        }
        for n in not_secret {
            assert!(!is_secret_name(n), "{n} should not be secret");
        }
    }

    #[test]
    fn env_names() {
        assert_eq!(env_name("NPM_TOKEN"), "NPM_TOKEN");
        assert_eq!(env_name("BUNDLE_GITHUB__COM"), "BUNDLE_GITHUB__COM");
        assert_eq!(env_name("githubToken"), "GITHUB_TOKEN");
        assert_eq!(env_name("aws_secret_access_key"), "AWS_SECRET_ACCESS_KEY");
    }
}
