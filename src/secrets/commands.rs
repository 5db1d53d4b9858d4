//! Credentials given to commands: `curl -u`, password options, `docker
//! login -p`, `mysql -pX`, and the config commands of npm/yarn, aws, poetry,
//! composer and bundler.

use super::lex::Word;
use super::names::{is_secret_name, words};
use super::values::{basename, colon, first_url_host, looks_like_path, Ctx, Detector};
use super::{CredentialKind as K, SecretRole as R};

const MYSQL_TOOLS: &[&str] = &[
    "mysql",
    "mysqldump",
    "mysqladmin",
    "mysqlimport",
    "mariadb",
    "mariadb-dump",
    "mariadb-admin",
];

const LOGIN_TOOLS: &[&str] = &[
    "docker", "podman", "buildah", "skopeo", "nerdctl", "helm", "oras", "crane",
];

/// Last words of a `--name` option that takes a secret as the next argument.
const TAKES_VALUE: &[&str] = &[
    "password",
    "passwd",
    "pass",
    "pwd",
    "token",
    "secret",
    "passphrase",
    "key",
    "apikey",
];

/// Index of the command word: after `NAME=value` prefixes and wrappers such
/// as `sudo -u app` or `env -i`.
fn command_start(args: &[&Word]) -> usize {
    let mut i = 0;
    loop {
        let Some(w) = args.get(i) else { return i };
        if w.assignment_name_len().is_some() {
            i += 1;
            continue;
        }
        let wrapper = [
            "sudo", "env", "exec", "time", "nohup", "command", "nice", "xargs",
        ];
        if !wrapper.contains(&basename(&w.value)) {
            return i;
        }
        i += 1;
        while let Some(a) = args.get(i) {
            if matches!(a.value.as_str(), "-u" | "-g" | "-n") {
                i += 2;
            } else if a.value.starts_with('-') {
                i += 1;
            } else {
                break;
            }
        }
    }
}

impl Detector {
    /// Credentials given as arguments of the simple command `all`.
    pub(super) fn command(&mut self, all: &[Word], text_host: Option<&str>) {
        let args: Vec<&Word> = all.iter().filter(|w| !w.redirect && !w.raw).collect();
        let i = command_start(&args);
        let Some(cmd) = args.get(i) else { return };
        let tool = basename(&cmd.value);
        let rest = &args[i + 1..];
        let cmd_host = rest.iter().find_map(|w| first_url_host(&w.value));
        match tool {
            "curl" => self.curl(rest, cmd_host.as_deref().or(text_host)),
            "npm" | "pnpm" | "yarn" => self.npm_config(tool, rest),
            "aws" => self.aws(rest),
            "poetry" | "composer" => self.poetry_composer(tool, rest),
            "bundle" | "bundler" => self.bundle(rest),
            _ => {}
        }
        let login = LOGIN_TOOLS.contains(&tool) && rest.iter().any(|w| w.value == "login");
        let registry = if login { registry(rest) } else { None };
        let host = registry.as_deref().or(cmd_host.as_deref());
        self.options(tool, rest, host, login);
    }

    /// `--password X`, `--api-token=X`, `-storepass X`, `-passout pass:X`;
    /// `-pX`/`-p X` for mysql, `sshpass` and registry logins.
    fn options(&mut self, tool: &str, rest: &[&Word], host: Option<&str>, login: bool) {
        let mysql = MYSQL_TOOLS.contains(&tool);
        let short_p = mysql || login || tool == "sshpass";
        for (j, w) in rest.iter().enumerate() {
            let v = w.value.as_str();
            let next = rest.get(j + 1).filter(|n| !n.value.starts_with('-'));
            if short_p && v.starts_with("-p") && !v.starts_with("--") {
                let ctx = || Ctx {
                    tool: Some(tool),
                    host,
                    name: Some("password"),
                };
                if v.len() > 2 {
                    self.add_rest(w, 2, K::PasswordOption, R::Password, ctx());
                } else if let Some(n) = next.filter(|_| !mysql) {
                    self.add_rest(n, 0, K::PasswordOption, R::Password, ctx());
                }
                continue;
            }
            let dashes = v.bytes().take(2).take_while(|&c| c == b'-').count();
            let body = &v[dashes..];
            let (name, eq) = match body.split_once('=') {
                Some((n, _)) => (n, Some(dashes + n.len() + 1)),
                None => (body, None),
            };
            let secret = match dashes {
                1 => {
                    let pass = ["pass", "password", "passwd"]
                        .iter()
                        .any(|p| name.ends_with(p));
                    name.len() >= 4
                        && name.bytes().all(|c| c.is_ascii_lowercase())
                        && (pass || matches!(name, "passin" | "passout"))
                }
                2 => is_secret_name(name),
                _ => false,
            };
            if !secret {
                continue;
            }
            let last = words(name).pop().unwrap_or_default();
            let (target, from) = match (eq, next) {
                (Some(e), _) => (*w, e),
                (None, Some(n)) if !mysql && (dashes == 1 || TAKES_VALUE.contains(&&*last)) => {
                    (*n, 0)
                }
                _ => continue,
            };
            let tv = &target.value[from..];
            // openssl `env:VAR`/`file:path`, `docker build --secret id=…`, key files.
            let skip = ["env:", "file:", "fd:", "stdin", "id=", "type=", "src="];
            if skip.iter().any(|p| tv.starts_with(p)) || looks_like_path(tv) {
                continue;
            }
            let token = matches!(&*last, "token" | "key" | "apikey" | "secret");
            let role = if token { R::Token } else { R::Password };
            let ctx = Ctx {
                tool: Some(tool),
                host,
                name: Some(name),
            };
            if tv.starts_with("pass:") {
                self.add_rest(target, from + 5, K::PasswordOption, role, ctx);
            } else if last == "auth" {
                self.user_pass(target, from, K::PasswordOption, ctx);
            } else {
                self.add_rest(target, from, K::PasswordOption, role, ctx);
            }
        }
    }

    fn curl(&mut self, rest: &[&Word], host: Option<&str>) {
        for (j, w) in rest.iter().enumerate() {
            let v = w.value.as_str();
            let next = rest.get(j + 1);
            let ctx = || Ctx {
                tool: Some("curl"),
                host,
                name: Some("user"),
            };
            // `-fsSLu user:pass`: short options run together, ending in `-u`
            // (user) or `-U` (proxy user), whose value is the next word.
            let cluster_u = v.len() > 2
                && v.starts_with('-')
                && !v.starts_with("--")
                && (v.ends_with('u') || v.ends_with('U'))
                && v[1..].bytes().all(|c| c.is_ascii_alphabetic());
            if matches!(v, "-u" | "--user" | "-U" | "--proxy-user")
                || (cluster_u && !v.starts_with("-u") && !v.starts_with("-U"))
            {
                if let Some(n) = next {
                    self.user_pass(n, 0, K::CurlUser, ctx());
                }
            } else if let Some(p) = ["--user=", "--proxy-user=", "-u"]
                .iter()
                .find(|p| v.starts_with(**p) && v.len() > p.len())
            {
                self.user_pass(w, p.len(), K::CurlUser, ctx());
            } else if v == "--oauth2-bearer" {
                if let Some(n) = next {
                    self.add_rest(
                        n,
                        0,
                        K::AuthHeader,
                        R::Token,
                        Ctx {
                            tool: Some("curl"),
                            host,
                            name: None,
                        },
                    );
                }
            }
        }
    }

    fn npm_config(&mut self, tool: &str, rest: &[&Word]) {
        let pos: Vec<&Word> = rest
            .iter()
            .copied()
            .filter(|w| !w.value.starts_with('-'))
            .collect();
        let at = match pos.first().map(|w| w.value.as_str()) {
            Some("config") if pos.get(1).is_some_and(|w| w.value == "set") => 2,
            Some("set") => 1,
            _ => return,
        };
        let Some(key_word) = pos.get(at) else { return };
        let (key, value, from) = match key_word.value.split_once('=') {
            Some((k, _)) => (k, *key_word, k.len() + 1),
            None => match pos.get(at + 1) {
                Some(v) => (key_word.value.as_str(), *v, 0),
                None => return,
            },
        };
        let last = key
            .rsplit([':', '.', ']'])
            .next()
            .unwrap_or(key)
            .trim_matches(['"', '\'', '[']);
        if !is_secret_name(last) {
            return;
        }
        let host = key.find("//").map(|s| {
            let h = &key[s + 2..];
            &h[..h.find(['/', '"', ':', '\'']).unwrap_or(h.len())]
        });
        let role = if last.contains("assword") {
            R::Password
        } else {
            R::Token
        };
        let ctx = Ctx {
            tool: Some(tool),
            host,
            name: Some(last),
        };
        self.add_rest(value, from, K::NpmAuth, role, ctx);
    }

    fn aws(&mut self, rest: &[&Word]) {
        let mut pos = Vec::new();
        let mut j = 0;
        while j < rest.len() {
            if rest[j].value.starts_with("--") {
                j += if rest[j].value.contains('=') { 1 } else { 2 };
                continue;
            }
            pos.push(rest[j]);
            j += 1;
        }
        if pos.len() < 4 || pos[0].value != "configure" || pos[1].value != "set" {
            return;
        }
        let key = pos[2].value.rsplit('.').next().unwrap_or("");
        if !is_secret_name(key) {
            return;
        }
        let role = if key.ends_with("id") {
            R::AccessKeyId
        } else if key.contains("secret") {
            R::SecretKey
        } else {
            R::Token
        };
        let ctx = Ctx {
            tool: Some("aws"),
            name: Some(key),
            ..Ctx::default()
        };
        self.add_rest(pos[3], 0, K::AwsConfig, role, ctx);
    }

    fn poetry_composer(&mut self, tool: &str, rest: &[&Word]) {
        let pos: Vec<&Word> = rest
            .iter()
            .copied()
            .filter(|w| !w.value.starts_with('-'))
            .collect();
        // `composer global config …` is `composer config -g …`.
        let skip = usize::from(pos.first().is_some_and(|w| w.value == "global"));
        let pos = &pos[skip.min(pos.len())..];
        if pos.first().map(|w| w.value.as_str()) != Some("config") || pos.len() < 3 {
            return;
        }
        let Some((kind, target)) = pos[1].value.split_once('.') else {
            return;
        };
        let value = match (tool, kind) {
            ("poetry" | "composer", "http-basic") | ("composer", "bitbucket-oauth") => pos.get(3),
            ("poetry", "pypi-token")
            | ("composer", "github-oauth" | "gitlab-token" | "gitlab-oauth" | "bearer") => {
                pos.get(2)
            }
            _ => None,
        };
        let Some(value) = value else { return };
        let role = if kind == "http-basic" {
            R::Password
        } else {
            R::Token
        };
        let ctx = Ctx {
            tool: Some(tool),
            host: Some(target),
            name: Some(kind),
        };
        self.add_rest(value, 0, K::PackageConfig, role, ctx);
    }

    fn bundle(&mut self, rest: &[&Word]) {
        let pos: Vec<&Word> = rest
            .iter()
            .copied()
            .filter(|w| !w.value.starts_with('-'))
            .collect();
        if pos.first().map(|w| w.value.as_str()) != Some("config") {
            return;
        }
        let at = if pos.get(1).is_some_and(|w| w.value == "set") {
            2
        } else {
            1
        };
        let (Some(key), Some(value)) = (pos.get(at), pos.get(at + 1)) else {
            return;
        };
        let k = key.value.as_str();
        let host_key = k.contains('.') || (k.starts_with("BUNDLE_") && k.contains("__"));
        let other = ["mirror.", "build.", "local."]
            .iter()
            .any(|p| k.starts_with(p));
        if !host_key || other || value.value.contains("://") {
            return;
        }
        let host = k.split("://").last().unwrap_or(k);
        let host = host.split('/').next().unwrap_or(host);
        let ctx = || Ctx {
            tool: Some("bundle"),
            host: Some(host),
            name: None,
        };
        let v = value.value.as_str();
        match colon(v) {
            Some(c) if &v[c + 1..] == "x-oauth-basic" => {
                self.add(value, 0..c, K::PackageConfig, R::Token, ctx());
            }
            Some(c) => {
                self.add_rest(value, c + 1, K::PackageConfig, R::Password, ctx());
            }
            None => {
                self.add_rest(value, 0, K::PackageConfig, R::Token, ctx());
            }
        }
    }
}

/// The registry argument of a `login` command.
fn registry(rest: &[&Word]) -> Option<String> {
    let login = rest.iter().position(|w| w.value == "login")?;
    let mut j = login + 1;
    let mut found = None;
    while j < rest.len() {
        let v = rest[j].value.as_str();
        if matches!(
            v,
            "-u" | "--username" | "-p" | "--password" | "--config" | "--authfile"
        ) {
            j += 2;
            continue;
        }
        if !v.starts_with('-') {
            found = Some(
                v.split("://")
                    .last()
                    .unwrap_or(v)
                    .split('/')
                    .next()
                    .unwrap_or(v)
                    .to_ascii_lowercase(),
            );
        }
        j += 1;
    }
    found
}
