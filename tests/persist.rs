//! What dfix does about tools that write a credential into the image
//! (DF004), tool by tool: the rewritten RUN as BuildKit joins it, and the
//! `.env` entries that carry the credential instead.

mod support;

use std::path::Path;
use std::process::Command;

use dfix::rules::{EnvValue, Rule};

/// (Dockerfile body after `FROM x`, the RUN it becomes, `.env` entries
/// derived from others as NAME=text).
type Case = (&'static str, &'static str, &'static [&'static str]);

const TABLE: &[Case] = &[
    // git: the clean URL is cloned; the credential reaches git from .env.
    (
        "ARG TOKEN\nRUN git clone https://ci:${TOKEN}@git.example.com/o/r.git /src",
        ". /run/secrets/env && git clone https://git.example.com/o/r.git /src",
        &[
            "GIT_CONFIG_COUNT=1",
            "GIT_CONFIG_KEY_0=url.https://ci:${TOKEN}@git.example.com/.insteadOf",
            "GIT_CONFIG_VALUE_0=https://git.example.com/",
        ],
    ),
    (
        "RUN git clone \"https://x-access-token:ghp_u8jzPde0IgxLd6GncfBAepfJBd0Kh8oOOL8d@github.com/o/r\"",
        ". /run/secrets/env && git clone \"https://github.com/o/r\"",
        &[
            "GIT_CONFIG_COUNT=1",
            "GIT_CONFIG_KEY_0=url.https://x-access-token:${GITHUB_TOKEN}@github.com/.insteadOf",
            "GIT_CONFIG_VALUE_0=https://github.com/",
        ],
    ),
    (
        "ARG GH_TOKEN\nRUN git config --global url.\"https://${GH_TOKEN}@github.com/\".insteadOf \"https://github.com/\" && go mod download",
        ". /run/secrets/env && go mod download",
        &[
            "GIT_CONFIG_COUNT=1",
            "GIT_CONFIG_KEY_0=url.https://${GH_TOKEN}@github.com/.insteadOf",
            "GIT_CONFIG_VALUE_0=https://github.com/",
        ],
    ),
    // aws: AWS_* variables beat ~/.aws/credentials.
    (
        "ARG AWS_SECRET\nRUN aws configure set aws_secret_access_key \"$AWS_SECRET\" && aws s3 ls",
        ". /run/secrets/env && aws s3 ls",
        &["AWS_SECRET_ACCESS_KEY=${AWS_SECRET}"],
    ),
    // poetry, bundler, pip, go, composer, yarn, dotnet: their own variables.
    (
        "ARG PYPI_PASSWORD\nRUN poetry config http-basic.corp-repo ci $PYPI_PASSWORD && poetry install",
        ". /run/secrets/env && poetry install",
        &[
            "POETRY_HTTP_BASIC_CORP_REPO_USERNAME=ci",
            "POETRY_HTTP_BASIC_CORP_REPO_PASSWORD=${PYPI_PASSWORD}",
        ],
    ),
    (
        "ARG GEM_PASSWORD\nRUN bundle config gems.my-host.com ci:$GEM_PASSWORD && bundle install",
        ". /run/secrets/env && bundle install",
        &["BUNDLE_GEMS__MY___HOST__COM=ci:${GEM_PASSWORD}"],
    ),
    (
        "ARG PIP_PASSWORD\nRUN pip config set global.extra-index-url https://ci:${PIP_PASSWORD}@pypi.example.com/simple && pip install app",
        ". /run/secrets/env && pip install app",
        &["PIP_EXTRA_INDEX_URL=https://ci:${PIP_PASSWORD}@pypi.example.com/simple"],
    ),
    (
        "ARG PROXY_PASSWORD\nRUN go env -w GOFLAGS=-mod=mod GOPROXY=https://ci:${PROXY_PASSWORD}@proxy.example.com,direct && go build ./...",
        ". /run/secrets/env && go env -w GOFLAGS=-mod=mod && go build ./...",
        &["GOPROXY=https://ci:${PROXY_PASSWORD}@proxy.example.com,direct"],
    ),
    (
        "ARG REPO_PASSWORD\nRUN composer config -g http-basic.repo.example.com ci \"$REPO_PASSWORD\" && composer install",
        ". /run/secrets/env && composer install",
        &["COMPOSER_AUTH={\\\"http-basic\\\":{\\\"repo.example.com\\\":{\\\"username\\\":\\\"ci\\\",\\\"password\\\":\\\"${REPO_PASSWORD}\\\"}}}"],
    ),
    (
        "ARG NPM_TOKEN\nRUN yarn config set npmAuthToken \"$NPM_TOKEN\" && yarn install",
        ". /run/secrets/env && yarn install",
        &["YARN_NPM_AUTH_TOKEN=${NPM_TOKEN}"],
    ),
    (
        "ARG NUGET_PASSWORD\nRUN dotnet nuget add source https://n.example.com/index.json --name corp --username ci --password $NUGET_PASSWORD --store-password-in-clear-text && dotnet restore",
        ". /run/secrets/env && dotnet nuget add source https://n.example.com/index.json --name corp && dotnet restore",
        &["NuGetPackageSourceCredentials_corp=Username=ci;Password=${NUGET_PASSWORD}"],
    ),
    // npm: the config file holds ${NAME}, which npm expands.
    (
        "ARG NPM_TOKEN\nRUN npm config set //npm.example.com/:_authToken \"$NPM_TOKEN\" && npm ci",
        ". /run/secrets/env && npm config set //npm.example.com/:_authToken \"\\${NPM_TOKEN}\" && npm ci",
        &[],
    ),
    (
        "ARG NPM_TOKEN\nRUN echo \"//npm.example.com/:_authToken=${NPM_TOKEN}\" >> ~/.npmrc && npm ci",
        ". /run/secrets/env && echo \"//npm.example.com/:_authToken=\\${NPM_TOKEN}\" >> ~/.npmrc && npm ci",
        &[],
    ),
    // gem: undone before the RUN ends.
    (
        "ARG GEM_PASSWORD\nRUN gem sources --add https://ci:${GEM_PASSWORD}@gems.example.com/ && gem install app",
        ". /run/secrets/env && gem sources --add https://ci:${GEM_PASSWORD}@gems.example.com/ && gem install app && gem sources --remove \"https://ci:${GEM_PASSWORD}@gems.example.com/\"",
        &[],
    ),
    // docker login: a tmpfs over its config directory (checked on the flags).
    (
        "RUN --mount=type=secret,id=pw docker login -u ci --password-stdin r.example.com < /run/secrets/pw && docker pull r.example.com/x",
        "docker login -u ci --password-stdin r.example.com < /run/secrets/pw && docker pull r.example.com/x",
        &[],
    ),
];

fn derived(a: &dfix::Analysis) -> Vec<String> {
    a.env
        .iter()
        .filter_map(|e| match &e.value {
            EnvValue::Derived(t) | EnvValue::Collected(t) => Some(format!("{}={t}", e.name)),
            _ => None,
        })
        .collect()
}

#[test]
fn each_tool_keeps_nothing_in_the_image() {
    for (body, run, entries) in TABLE {
        let source = format!("FROM x\n{body}\n");
        let a = dfix::analyze(&source, &Default::default()).unwrap();
        support::check_rewrite(&source, &a.rewritten, &a.edits);
        let persisted: Vec<_> = a
            .findings
            .iter()
            .filter(|f| f.rule == Rule::PersistedCredential)
            .collect();
        assert!(!persisted.is_empty(), "{body}: no DF004");
        assert!(
            persisted.iter().all(|f| f.fixable()),
            "{body}: {persisted:?}"
        );
        let d = dfix::syntax::parse(&a.rewritten).unwrap();
        let last = d
            .instructions
            .iter()
            .rfind(|i| i.keyword == dfix::syntax::Keyword::Run)
            .unwrap();
        assert_eq!(
            &last.line.as_str()[last.args_logical.clone()],
            *run,
            "{body}"
        );
        assert_eq!(derived(&a), *entries, "{body}");
    }
}

#[test]
fn a_docker_login_gets_a_tmpfs_once() {
    let source = "FROM docker\nRUN docker login -u ci -p \"$PW\" r.example.com\n";
    let a = dfix::analyze(source, &Default::default()).unwrap();
    assert!(
        a.rewritten
            .contains("--mount=type=tmpfs,target=/root/.docker"),
        "{}",
        a.rewritten
    );
    let again = dfix::analyze(&a.rewritten, &Default::default()).unwrap();
    assert!(again.edits.is_empty());
}

#[test]
fn what_dfix_cannot_tell_needs_a_person() {
    for body in [
        "ARG TOKEN\nRUN ./configure --token \"$TOKEN\" > config.log",
        "ARG TOKEN\nRUN echo \"token=$TOKEN\" > /etc/app.conf",
        "ARG TOKEN\nRUN echo \"token=$TOKEN\" >> /etc/app.conf && rm -f /tmp/x",
        "ARG TOKEN\nRUN sed -i \"s/@TOKEN@/$TOKEN/\" /app/config.yml",
        "ARG TOKEN\nRUN helm repo add corp https://charts.example.com --username ci --password \"$TOKEN\"",
        "ARG TOKEN\nRUN aws configure set aws_access_key_id \"$TOKEN\" --profile ci",
        // Inside a shell string dfix does not rewrite.
        "ARG GIT_TOKEN\nRUN bash -c \"git clone https://ci:${GIT_TOKEN}@github.com/o/r.git /src\"",
        "RUN sh -c 'git clone https://ci:ghp_u8jzPde0IgxLd6GncfBAepfJBd0Kh8oOOL8d@github.com/o/r.git /src'",
        "ARG TOKEN\nRUN sh -c \"echo token=$TOKEN > /etc/app.conf\"",
    ] {
        let source = format!("FROM x\n{body}\n");
        let a = dfix::analyze(&source, &Default::default()).unwrap();
        assert!(
            a.findings
                .iter()
                .any(|f| f.rule == Rule::PersistedCredential && !f.fixable()),
            "{body}: {:?}",
            a.findings
        );
    }
    // A shell string whose command keeps nothing is no finding of DF004.
    let source = "FROM x\nARG PIP_PASSWORD\nRUN sh -c \"pip install --index-url https://ci:$PIP_PASSWORD@h.example.com/simple app\"\n";
    let a = dfix::analyze(source, &Default::default()).unwrap();
    assert!(a
        .findings
        .iter()
        .all(|f| f.rule != Rule::PersistedCredential));
    // Written and removed in the same RUN: nothing reaches the layer.
    let source =
        "FROM x\nARG TOKEN\nRUN echo \"//r/:_authToken=$TOKEN\" > .npmrc && npm ci && rm .npmrc\n";
    let a = dfix::analyze(source, &Default::default()).unwrap();
    assert!(a
        .findings
        .iter()
        .all(|f| f.rule != Rule::PersistedCredential));
}

fn dfix(dir: &Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_dfix"))
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap()
}

/// Two Dockerfiles sharing one `.env` each clone with their own token: the
/// git settings are merged into one list, the file sources in sh to what git
/// needs, and a second run changes nothing.
#[test]
fn dockerfiles_sharing_an_env_merge_their_git_settings() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("Dockerfile"),
        "FROM alpine/git\nRUN git clone https://ci:tok-a-1111@a.example.com/o/r.git\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("Dockerfile.dev"),
        "FROM alpine/git\nRUN git clone https://ci:tok-b-2222@b.example.com/o/r.git\n",
    )
    .unwrap();
    let out = dfix(dir.path(), &["--write", "."]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let sourced = Command::new("sh")
        .arg("-c")
        .arg(". ./.env && printf '%s\\n' \"$GIT_CONFIG_COUNT\" \"$GIT_CONFIG_KEY_0\" \"$GIT_CONFIG_VALUE_0\" \"$GIT_CONFIG_KEY_1\" \"$GIT_CONFIG_VALUE_1\"")
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&sourced.stdout),
        "2\nurl.https://ci:tok-a-1111@a.example.com/.insteadOf\nhttps://a.example.com/\n\
         url.https://ci:tok-b-2222@b.example.com/.insteadOf\nhttps://b.example.com/\n"
    );
    let again = dfix(dir.path(), &["--write", "."]);
    assert_eq!(again.status.code(), Some(0));
    let env = std::fs::read_to_string(dir.path().join(".env")).unwrap();
    let again_env = {
        let out = dfix(dir.path(), &["--write", "."]);
        assert_eq!(out.status.code(), Some(0));
        std::fs::read_to_string(dir.path().join(".env")).unwrap()
    };
    assert_eq!(env, again_env, "a later run appends nothing");
    let warnings = String::from_utf8_lossy(&out.stderr);
    assert!(!warnings.contains("warning"), "{warnings}");
}
