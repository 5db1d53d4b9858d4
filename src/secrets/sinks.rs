//! Variables that are secrets by where they go, whatever they are called:
//! `pip install --extra-index-url $INDEX` (an index URL carries the
//! credentials of a private index), `dotnet restore -s $FEED`,
//! `mysql -p$PW`, `docker login -p $PW`, `--password $X`, and what is
//! written into a key or credential file (`printf "$KEY" > ~/.ssh/id_rsa`,
//! `echo "//r/:_authToken=$T" > .npmrc`).

use std::collections::BTreeMap;
use std::sync::LazyLock;

use aho_corasick::AhoCorasick;

use super::files::is_secret_file;
use super::names::{contains_any_ignore_case, is_secret_name};
use crate::facts::{Facts, TextKind};
use crate::shell::{Command, Script};
use crate::syntax::Keyword;

/// `(offset, name)` of each `$NAME` / `${NAME...}` in a value.
fn vars_in(value: &str) -> Vec<(usize, String)> {
    let b = value.as_bytes();
    let mut out = Vec::new();
    for (i, _) in value.match_indices('$') {
        let start = if b.get(i + 1) == Some(&b'{') {
            i + 2
        } else {
            i + 1
        };
        let len = b[start.min(b.len())..]
            .iter()
            .take_while(|c| c.is_ascii_alphanumeric() || **c == b'_')
            .count();
        if len > 0 && !b[start].is_ascii_digit() {
            out.push((i, value[start..start + len].to_owned()));
        }
    }
    out
}

/// Options that take an index or feed URL, by program.
fn url_option(program: &str, words: &[&str], option: &str) -> bool {
    let pip = matches!(program, "pip" | "pip3" | "uv" | "pipenv" | "poetry")
        || (program.starts_with("python") && words.contains(&"pip"));
    let nuget = matches!(program, "dotnet" | "nuget" | "msbuild");
    (pip && matches!(
        option,
        "--index-url" | "--extra-index-url" | "-i" | "--index" | "--default-index" | "--find-links"
    )) || (nuget && matches!(option, "-s" | "--source" | "-Source" | "-source"))
}

/// Programs whose `-p` is a password.
const DASH_P_PASSWORD: &[&str] = &[
    "mysql",
    "mysqladmin",
    "mysqldump",
    "mariadb",
    "sshpass",
    "docker",
    "podman",
    "buildah",
    "skopeo",
    "helm",
    "oras",
    "crane",
];

/// Credential files a RUN may write a variable into: a text naming none
/// of them needs a look only where a `$` follows an option.
static FILES: LazyLock<AhoCorasick> = LazyLock::new(|| {
    AhoCorasick::new([
        ".npmrc",
        ".netrc",
        ".ssh",
        "id_",
        ".pypirc",
        "pip.conf",
        "settings.xml",
        "config.json",
        "kaggle",
        "nuget",
        "NuGet",
        "gradle",
        ".env",
        ".pem",
        ".key",
        ".git-credentials",
        "credentials",
    ])
    .expect("valid patterns")
});

/// The options whose value is a sink (see [`url_option`]).
const SINK_OPTIONS: &[&str] = &[
    "--index-url",
    "--extra-index-url",
    "-i",
    "--index",
    "--default-index",
    "--find-links",
    "-s",
    "--source",
    "-Source",
    "-source",
];

/// Whether a RUN text may hold a sink, without lexing it: a `$` right
/// after an option (`-p$X`, `-s $FEED`, `--index-url "${X}"`,
/// `password=$X`) or a credential file's name.
fn may_hold_sink(text: &str) -> bool {
    let b = text.as_bytes();
    let option_before = memchr::memchr_iter(b'$', b).any(|d| {
        let head = &b[d.saturating_sub(24)..d];
        let head = head
            .iter()
            .rposition(|c| !matches!(c, b' ' | b'"' | b'\'' | b'='))
            .map_or(&head[..0], |i| &head[..=i]);
        let word_start = head
            .iter()
            .rposition(|c| c.is_ascii_whitespace())
            .map_or(0, |i| i + 1);
        let word = &head[word_start..];
        let word = std::str::from_utf8(word).unwrap_or("");
        let option = word.split('=').next().unwrap_or(word);
        SINK_OPTIONS.contains(&option)
            || option.starts_with("-p")
            || (option.starts_with('-') || word.ends_with('='))
                && contains_any_ignore_case(word, &["pass", "pwd", "token", "secret", "auth"])
    });
    option_before || FILES.is_match(text)
}

/// Every variable used as a credential, with why, in the RUNs of a file.
pub fn credential_variables(facts: &Facts<'_, '_>) -> BTreeMap<String, &'static str> {
    let mut out = BTreeMap::new();
    for (idx, ins) in facts.d.instructions.iter().enumerate() {
        if ins.keyword != Keyword::Run {
            continue;
        }
        for text in facts.run_texts(idx) {
            if !matches!(text.kind, TextKind::CommandLine | TextKind::Script)
                || !text.text.contains('$')
                || !may_hold_sink(text.text)
            {
                continue;
            }
            let script = text.lex();
            for cmd in script.commands.iter().filter(|c| !c.group) {
                command(&script, cmd, &mut out);
            }
        }
    }
    out
}

fn command(script: &Script<'_>, cmd: &Command, out: &mut BTreeMap<String, &'static str>) {
    let Some(program) = script.program(cmd) else {
        return;
    };
    let args: Vec<&str> = script.args(cmd).iter().map(|&w| script.value(w)).collect();
    let mut add = |value: &str, why: &'static str| {
        if let Some((0, name)) = vars_in(value).first() {
            out.entry(name.clone()).or_insert(why);
        }
    };
    for (i, a) in args.iter().enumerate() {
        let (option, inline) = match a.split_once('=') {
            Some((o, v)) if o.starts_with('-') => (o, Some(v)),
            _ => (*a, None),
        };
        if !option.starts_with('-') {
            continue;
        }
        let value = inline.or_else(|| args.get(i + 1).copied());
        let Some(value) = value else { continue };
        if url_option(program, &args, option) {
            add(value, "used as a package index or feed URL");
        } else if option == "-p" && DASH_P_PASSWORD.contains(&program) {
            add(value, "used as a password");
        } else if let Some(glued) = option
            .strip_prefix("-p")
            .filter(|_| program.starts_with("mysql"))
        {
            add(glued, "used as a password");
        } else if option.starts_with("--") && is_secret_name(option.trim_start_matches('-')) {
            add(value, "given to a password option");
        }
    }
    // What is written into a key or credential file.
    let writes_secret_file = cmd.redirects.iter().any(|r| {
        r.op.writes()
            && r.target.is_some_and(|t| {
                let path = script.value(t);
                is_secret_file(path, path) || path.contains(".ssh/")
            })
    });
    if writes_secret_file && matches!(program, "echo" | "printf" | "cat") {
        for a in &args {
            let lower = a.to_ascii_lowercase();
            for (at, name) in vars_in(a) {
                // In an `.npmrc`/`.netrc` line only the credential's own
                // place counts: `registry=$URL` is not a secret.
                let key_before = lower[..at].rfind(['=', ' ']).map_or("", |e| &lower[..e]);
                let credential_key = ["_authtoken", "_auth", "_password", "password", "token"]
                    .iter()
                    .any(|k| key_before.ends_with(k));
                let whole = at == 0 || a[..at].trim_matches(['"', '\'']).is_empty();
                if credential_key || whole {
                    out.entry(name).or_insert("written into a credential file");
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars(dockerfile: &str) -> Vec<String> {
        let d = crate::syntax::parse(dockerfile).unwrap();
        let facts = Facts::new(&d);
        credential_variables(&facts).into_keys().collect()
    }

    #[test]
    fn secrets_by_where_they_go() {
        let got = vars(concat!(
            "FROM x\n",
            "RUN pip install --extra-index-url ${AUTHED_URL} -r r.txt\n",
            "RUN printf \"$MY_VAR\" > ~/.ssh/id_rsa\n",
            "RUN dotnet restore app.csproj -s $FEED -s https://api.nuget.org/v3/index.json\n",
            "RUN mysql -p$PW -e x && docker login -u me -p $DOCKER_PW r.example.com\n",
            "RUN echo \"//r.example.com/:_authToken=$NPM_T\" > .npmrc\n",
            "RUN tool --api-token=$TOOL_T run\n",
            "RUN python -m pip install -i $IDX app\n",
        ));
        assert_eq!(
            got,
            [
                "AUTHED_URL",
                "DOCKER_PW",
                "FEED",
                "IDX",
                "MY_VAR",
                "NPM_T",
                "PW",
                "TOOL_T"
            ]
        );
    }

    #[test]
    fn not_secrets() {
        let got = vars(concat!(
            "FROM x\n",
            "RUN echo \"registry=$NPM_REGISTRY\" > .npmrc\n",
            "RUN echo $VERSION > version.txt\n",
            "RUN pip install -r $REQS\n",
            "RUN curl -o $OUT https://example.com/x\n",
            "RUN tar -p $DIR\n",
        ));
        assert!(got.is_empty(), "{got:?}");
    }
}
