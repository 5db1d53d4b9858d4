//! Tables for `find_credentials` and `suggest_env_name`.

use super::*;

/// The kinds, with token formats by their first table entry.
#[allow(non_snake_case, non_upper_case_globals)]
mod K {
    use super::CredentialKind;
    pub use super::CredentialKind::*;
    pub const GitHubToken: CredentialKind = Token(0);
    pub const GitLabToken: CredentialKind = Token(2);
    pub const NpmToken: CredentialKind = Token(3);
    pub const PypiToken: CredentialKind = Token(4);
    pub const AwsAccessKey: CredentialKind = Token(5);
    pub const SlackToken: CredentialKind = Token(7);
    pub const SlackWebhook: CredentialKind = Token(8);
    pub const StripeKey: CredentialKind = Token(9);
    pub const SentryToken: CredentialKind = Token(10);
    pub const Jwt: CredentialKind = Token(11);
    pub const PrivateKey: CredentialKind = Token(12);
}

/// A token format stands for all formats with its description.
fn norm(k: CredentialKind) -> CredentialKind {
    match k {
        CredentialKind::Token(i) => CredentialKind::Token(
            tokens::FORMATS
                .iter()
                .position(|f| f.describe == tokens::FORMATS[i].describe)
                .unwrap_or(i),
        ),
        k => k,
    }
}

const GH: &str = "ghp_u8jzPde0IgxLd6GncfBAepfJBd0Kh8oOOL8d";
const GH_PAT: &str = "github_pat_KLzdocJ2isAjIhKtJ0RlgL_KOmxgJTeKdNnFRIBXuDL7DxtpYlSXp";
const GL: &str = "glpat-fKtHF4vUCsMehGAkWvj7";
const NPM: &str = "npm_FAc9QeWJKY40uvSwMFLZDe1f8rESQedUStPK";
const PYPI: &str = "pypi-R0CsTy4Qwb8DwkNhFdnXsiVpzz63FfkCzJr4i0B3JrTAwR4y9ojfljoQoaF1";
const AKIA: &str = "AKIALQSAJ08XUI6D39ZZ";
const SLACK: &str = "xoxb-661760313721-vMdgaKjIg8xNbe3nNyjOq9wM";
const HOOK: &str = "https://hooks.slack.com/services/T0123ABCD/B0456EFGH/aBcDeFgHiJkLmNoPqRsTuVwX";
const STRIPE: &str = "sk_live_xEhh2FDEEtfjgVvVqE1SkHbn";
const SENTRY: &str = "sntrys_88HxjSI6bWHtP3fS2qHx6kwXoIIXGvOoNZYW2mZp";
const JWT: &str =
    "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.0zVZomHFwUbbYrEqmSM9wCZ7Uw9xfogoEmvnEN5N1aE";
const PEM: &str =
    "-----BEGIN RSA PRIVATE KEY-----\\nMIIEowIBAAKCAQEA1x2y3z\\n-----END RSA PRIVATE KEY-----";

fn found(text: &str) -> Vec<(String, CredentialKind)> {
    let ms = find_credentials(text);
    for pair in ms.windows(2) {
        assert!(
            pair[0].range.end <= pair[1].range.start,
            "overlap or order in {text:?}: {ms:?}"
        );
    }
    ms.iter()
        .map(|m| (text[m.range.clone()].to_owned(), norm(m.kind)))
        .collect()
}

fn names(text: &str) -> Vec<String> {
    find_credentials(text)
        .iter()
        .map(suggest_env_name)
        .collect()
}

/// (text, expected matches as (exact substring, kind), suggested name of the first).
type Case = (String, Vec<(&'static str, CredentialKind)>, &'static str);

fn positives() -> Vec<Case> {
    let s = |t: &str| t.to_owned();
    vec![
        // URL user-info.
        (s("pip install --index-url https://user:s3cr3t@pypi.example.com/simple pkg"), vec![("s3cr3t", K::UrlPassword)], "PYPI_EXAMPLE_COM_PASSWORD"),
        (s("git clone 'https://svc:p@ss w$rd!x@dl.example.com/tool'"), vec![("p@ss w$rd!x", K::UrlPassword)], "DL_EXAMPLE_COM_PASSWORD"),
        (s(r#"curl -fsSL "https://deploy:Tr0ub4dor&3@www.example.org/x.tgz" | tar xz"#), vec![("Tr0ub4dor&3", K::UrlPassword)], "EXAMPLE_ORG_PASSWORD"),
        (s("curl https://me:p%40ssw0rd@api.example.com/"), vec![("p%40ssw0rd", K::UrlPassword)], "API_EXAMPLE_COM_PASSWORD"),
        (format!("git clone https://x-access-token:{GH}@github.com/o/r.git"), vec![(GH, K::GitHubToken)], "GITHUB_TOKEN"),
        (format!("git clone https://{GH}@github.com/org/repo"), vec![(GH, K::GitHubToken)], "GITHUB_TOKEN"),
        (s("git clone https://abcdefghijklmnopqrstuvwxyz123456@git.example.com/x.git"), vec![("abcdefghijklmnopqrstuvwxyz123456", K::UrlToken)], "GIT_EXAMPLE_COM_TOKEN"),
        (s("git clone https://oauth2:plaintok99@gitlab.example.com/g/p.git"), vec![("plaintok99", K::UrlPassword)], "GITLAB_EXAMPLE_COM_TOKEN"),
        (s("pip install -i https://__token__:tok-Abc123@10.0.0.5:8080/simple x"), vec![("tok-Abc123", K::UrlPassword)], "HOST_10_0_0_5_TOKEN"),
        (s("git config --global url.\"https://tok3nvalue1234567890abc:x-oauth-basic@github.com/\".insteadOf \"https://github.com/\""), vec![("tok3nvalue1234567890abc", K::UrlToken)], "GITHUB_COM_TOKEN"),
        (format!("git config --global url.\"https://oauth2:{GL}@gitlab.com/\".insteadOf https://gitlab.com/"), vec![(GL, K::GitLabToken)], "GITLAB_TOKEN"),
        (s("echo \"https://a:pw1@h1.example.com/x https://b:pw2@h2.example.com/y\""), vec![("pw1", K::UrlPassword), ("pw2", K::UrlPassword)], "H1_EXAMPLE_COM_PASSWORD"),
        (s("psql postgres://app:dbpass@db:5432/app -c 'select 1'"), vec![("dbpass", K::UrlPassword)], "DB_PASSWORD"),
        (s("curl \"https://api.example.com/v1/data?access_token=qtok123&limit=5\""), vec![("qtok123", K::UrlQuery)], "API_EXAMPLE_COM_ACCESS_TOKEN"),
        // curl and password options.
        (s("curl -u admin:hunter22 https://nexus.example.com/repo/x"), vec![("hunter22", K::CurlUser)], "NEXUS_EXAMPLE_COM_PASSWORD"),
        (s("curl --user 'bob:pa ss$!' http://h.example.com"), vec![("pa ss$!", K::CurlUser)], "H_EXAMPLE_COM_PASSWORD"),
        (s("curl -uadmin:secret123 -O http://files.example.com/a"), vec![("secret123", K::CurlUser)], "FILES_EXAMPLE_COM_PASSWORD"),
        (s("curl -su admin:pw12345 ftp://files.example.com/a"), vec![("pw12345", K::CurlUser)], "FILES_EXAMPLE_COM_PASSWORD"),
        // The prefilter lets `-u` through only after `curl`.
        (s("set -eux; curl -fsSLu admin:pw12345 ftp://files.example.com/a"), vec![("pw12345", K::CurlUser)], "FILES_EXAMPLE_COM_PASSWORD"),
        (s("curl -fsSLU proxy:pw67890 -x http://proxy.example.com:3128 https://x.example.com/a"), vec![("pw67890", K::CurlUser)], "PROXY_EXAMPLE_COM_PASSWORD"),
        (s("curl --user=admin:pw1234 -o x"), vec![("pw1234", K::CurlUser)], "CURL_PASSWORD"),
        (s(r#"curl -u "admin:pa\$\$word" http://h.example.com"#), vec![(r"pa\$\$word", K::CurlUser)], "H_EXAMPLE_COM_PASSWORD"),
        (s("wget --password=wgetpass http://files.example.com/f"), vec![("wgetpass", K::PasswordOption)], "FILES_EXAMPLE_COM_PASSWORD"),
        (s("wget --http-user=u --http-password wgetpass2 -q -O f"), vec![("wgetpass2", K::PasswordOption)], "WGET_HTTP_PASSWORD"),
        (s("wget --ftp-password=ftppw ftp://ftp.example.com/"), vec![("ftppw", K::PasswordOption)], "FTP_EXAMPLE_COM_PASSWORD"),
        (s("mysql -uroot -pRootPw1 -e 'select 1'"), vec![("RootPw1", K::PasswordOption)], "MYSQL_PASSWORD"),
        (s("mysql -h db -u root -p'my$ecret' app"), vec![("my$ecret", K::PasswordOption)], "MYSQL_PASSWORD"),
        (s("mysqldump --password=dumppw db > /dump.sql"), vec![("dumppw", K::PasswordOption)], "MYSQLDUMP_PASSWORD"),
        (s("docker login -u me -p dockerpw registry.example.com"), vec![("dockerpw", K::PasswordOption)], "REGISTRY_EXAMPLE_COM_PASSWORD"),
        (s("docker login --password dockerpw2 -u me"), vec![("dockerpw2", K::PasswordOption)], "DOCKER_PASSWORD"),
        (s("twine upload --password twinepw dist/*"), vec![("twinepw", K::PasswordOption)], "TWINE_PASSWORD"),
        (s("sshpass -p sshpw ssh user@host.example.com"), vec![("sshpw", K::PasswordOption)], "SSHPASS_PASSWORD"),
        (s("keytool -importcert -storepass storepw -keystore x.jks"), vec![("storepw", K::PasswordOption)], "KEYTOOL_STOREPASS"),
        (s("openssl pkcs12 -export -passout pass:p12pw -out a.p12"), vec![("p12pw", K::PasswordOption)], "OPENSSL_PASSOUT"),
        (s("sudo -u app deploy --api-token=deploytok"), vec![("deploytok", K::PasswordOption)], "DEPLOY_API_TOKEN"),
        // Headers.
        (s(r#"curl -H "Authorization: Bearer abc.def.ghi" https://api.example.com/v1"#), vec![("abc.def.ghi", K::AuthHeader)], "API_EXAMPLE_COM_TOKEN"),
        (s("curl -H 'Authorization: Basic dXNlcjpwYXNz' https://h.example.com/"), vec![("dXNlcjpwYXNz", K::AuthHeader)], "H_EXAMPLE_COM_TOKEN"),
        (s(r#"curl --header "Authorization: token 0123456789abcdef" -sS https://x.example.com"#), vec![("0123456789abcdef", K::AuthHeader)], "X_EXAMPLE_COM_TOKEN"),
        (s(r#"curl --header "PRIVATE-TOKEN: plainprivtoken1" https://gitlab.example.com/api/v4/projects"#), vec![("plainprivtoken1", K::AuthHeader)], "GITLAB_EXAMPLE_COM_TOKEN"),
        (s(r#"curl -H "JOB-TOKEN: jobtok123" -O https://gitlab.example.com/a"#), vec![("jobtok123", K::AuthHeader)], "GITLAB_EXAMPLE_COM_TOKEN"),
        (s("curl -H 'X-API-Key: k3y-v4lue' -d @f"), vec![("k3y-v4lue", K::AuthHeader)], "API_TOKEN"),
        (s(r#"wget --header="X-Auth-Token: authtok99" http://h.example.com/"#), vec![("authtok99", K::AuthHeader)], "H_EXAMPLE_COM_TOKEN"),
        (format!("curl -H \"Authorization: Bearer {JWT}\" https://api.example.com"), vec![(JWT, K::Jwt)], "JWT_TOKEN"),
        (s("curl --oauth2-bearer bearer123 https://api.example.com"), vec![("bearer123", K::AuthHeader)], "API_EXAMPLE_COM_TOKEN"),
        // Assignments.
        (s("NPM_TOKEN=npmlit123 npm publish"), vec![("npmlit123", K::SecretAssignment)], "NPM_TOKEN"),
        (s("export DB_PASSWORD='my pass!'"), vec![("my pass!", K::SecretAssignment)], "DB_PASSWORD"),
        (format!("export GH_PAT={GH} && gh auth status"), vec![(GH, K::GitHubToken)], "GH_PAT"),
        (s("MYSQL_ROOT_PASSWORD=rootpw MYSQL_DATABASE=app"), vec![("rootpw", K::SecretAssignment)], "MYSQL_ROOT_PASSWORD"),
        (s("githubToken=ghtoken123 ./deploy.sh"), vec![("ghtoken123", K::SecretAssignment)], "GITHUB_TOKEN"),
        (s("export DB_PASSWORD=hunter22"), vec![("hunter22", K::SecretAssignment)], "DB_PASSWORD"),
        (s("echo \"SENTRY_DSN=https://k3y@o1.ingest.sentry.io/1\" >> .env"), vec![("https://k3y@o1.ingest.sentry.io/1", K::SecretAssignment)], "SENTRY_DSN"),
        (s("docker build --build-arg NPM_TOKEN=buildargtok ."), vec![("buildargtok", K::SecretAssignment)], "NPM_TOKEN"),
        (s("BUNDLE_GITHUB__COM=user:bundlepw bundle install"), vec![("user:bundlepw", K::SecretAssignment)], "BUNDLE_GITHUB__COM"),
        // npm / yarn.
        (s("echo \"//registry.npmjs.org/:_authToken=npmrc-tok-1\" > .npmrc"), vec![("npmrc-tok-1", K::NpmAuth)], "NPM_TOKEN"),
        (s("echo \"//npm.pkg.github.com/:_authToken=pkgtok\" >> ~/.npmrc"), vec![("pkgtok", K::NpmAuth)], "NPM_PKG_GITHUB_COM_NPM_TOKEN"),
        (s("echo _auth=dXNlcjpwYXNz > .npmrc"), vec![("dXNlcjpwYXNz", K::NpmAuth)], "NPM_AUTH"),
        (s("echo '_password=cGFzcw==' >> .npmrc"), vec![("cGFzcw==", K::NpmAuth)], "NPM_PASSWORD"),
        (s("npm config set //registry.npmjs.org/:_authToken npmcfgtok"), vec![("npmcfgtok", K::NpmAuth)], "NPM_TOKEN"),
        (s("npm config set \"//reg.example.com/:_authToken=cfgtok2\""), vec![("cfgtok2", K::NpmAuth)], "REG_EXAMPLE_COM_NPM_TOKEN"),
        (s("yarn config set npmAuthToken yarntok"), vec![("yarntok", K::NpmAuth)], "YARN_NPM_AUTH_TOKEN"),
        (s("cat <<'EOF' > .npmrc\n//registry.npmjs.org/:_authToken=heredoctok\nEOF\nnpm ci"), vec![("heredoctok", K::NpmAuth)], "NPM_TOKEN"),
        // netrc.
        (s("echo \"machine github.com login bot password netrcpw\" > ~/.netrc"), vec![("netrcpw", K::Netrc)], "GITHUB_COM_PASSWORD"),
        (s("printf 'machine gitlab.example.com\\nlogin ci\\npassword pr1ntfpw\\n' > /root/.netrc"), vec![("pr1ntfpw", K::Netrc)], "GITLAB_EXAMPLE_COM_PASSWORD"),
        (s("cat > /root/.netrc <<EOF\nmachine nexus.example.com\n  login u\n  password hd-pass\nEOF\npip install x"), vec![("hd-pass", K::Netrc)], "NEXUS_EXAMPLE_COM_PASSWORD"),
        // Build tools' XML settings.
        (s("cat <<EOF > /root/.m2/settings.xml\n<servers><server><id>p</id><username>ci</username><password>Mvn-pw-77</password></server></servers>\nEOF\nmvn -B validate"), vec![("Mvn-pw-77", K::PackageConfig)], "MAVEN_PASSWORD"),
        (s("cat > NuGet.Config <<EOF\n<packageSourceCredentials><feed><add key=\"Username\" value=\"ci\" /><add key=\"ClearTextPassword\" value=\"Nu-pw-88\" /></feed></packageSourceCredentials>\nEOF"), vec![("Nu-pw-88", K::PackageConfig)], "NUGET_PASSWORD"),
        // aws, poetry, composer, bundle.
        (s("aws configure set aws_secret_access_key wJalrXUtnFEMI/K7MDENG"), vec![("wJalrXUtnFEMI/K7MDENG", K::AwsConfig)], "AWS_SECRET_ACCESS_KEY"),
        (format!("aws configure set aws_access_key_id {AKIA} --profile ci"), vec![(AKIA, K::AwsAccessKey)], "AWS_ACCESS_KEY_ID"),
        (s("aws --profile p configure set default.aws_session_token sesstok"), vec![("sesstok", K::AwsConfig)], "AWS_SESSION_TOKEN"),
        (s("poetry config http-basic.myrepo alice poetrypw"), vec![("poetrypw", K::PackageConfig)], "POETRY_HTTP_BASIC_MYREPO_PASSWORD"),
        (format!("poetry config pypi-token.pypi {PYPI}"), vec![(PYPI, K::PypiToken)], "PYPI_TOKEN"),
        (s("poetry config pypi-token.private plaintok"), vec![("plaintok", K::PackageConfig)], "POETRY_PYPI_TOKEN_PRIVATE"),
        (s("composer config -g http-basic.repo.example.com bob composerpw"), vec![("composerpw", K::PackageConfig)], "COMPOSER_REPO_EXAMPLE_COM_PASSWORD"),
        (s("composer config --global github-oauth.github.com ghcomposer1"), vec![("ghcomposer1", K::PackageConfig)], "COMPOSER_GITHUB_TOKEN"),
        (s("bundle config set gems.example.com alice:bundlepw"), vec![("bundlepw", K::PackageConfig)], "BUNDLE_GEMS_EXAMPLE_COM_PASSWORD"),
        (format!("bundle config github.com {GH}:x-oauth-basic"), vec![(GH, K::GitHubToken)], "GITHUB_TOKEN"),
        // Token formats anywhere.
        (format!("echo {GH_PAT} | gh auth login --with-token"), vec![(GH_PAT, K::GitHubToken)], "GITHUB_TOKEN"),
        (format!("echo '{NPM}' > /tmp/t"), vec![(NPM, K::NpmToken)], "NPM_TOKEN"),
        (format!("./notify.sh {SLACK}"), vec![(SLACK, K::SlackToken)], "SLACK_TOKEN"),
        (format!("curl -X POST -d '{{\"text\":\"hi\"}}' {HOOK}"), vec![(HOOK, K::SlackWebhook)], "SLACK_WEBHOOK_URL"),
        (format!("stripe listen --api-key={STRIPE}"), vec![(STRIPE, K::StripeKey)], "STRIPE_API_KEY"),
        (format!("sentry-cli --auth-token {SENTRY} releases new v1"), vec![(SENTRY, K::SentryToken)], "SENTRY_AUTH_TOKEN"),
        (format!("echo \"{PEM}\" > /root/.ssh/id_rsa"), vec![(PEM, K::PrivateKey)], "PRIVATE_KEY"),
        // Alone (not given to aws, not assigned to its variable), an AWS key
        // id is not named AWS_ACCESS_KEY_ID: exported without its secret
        // key, that name breaks every AWS CLI call ("partial credentials").
        (format!("echo {AKIA}"), vec![(AKIA, K::AwsAccessKey)], "AWS_KEY_ID"),
        (format!("git clone https://{AKIA}@git.example.com/o/r.git"), vec![(AKIA, K::AwsAccessKey)], "GIT_EXAMPLE_COM_AWS_KEY_ID"),
        (format!("AWS_ACCESS_KEY_ID={AKIA} aws s3 ls"), vec![(AKIA, K::AwsAccessKey)], "AWS_ACCESS_KEY_ID"),
        // Dockerfile continuations, several matches.
        (s("curl -u admin:contpw \\\n    https://repo.example.com/x"), vec![("contpw", K::CurlUser)], "REPO_EXAMPLE_COM_PASSWORD"),
        (s("pip install \\\n  --extra-index-url https://u:contpw2@pypi.example.com/simple \\\n  pkg"), vec![("contpw2", K::UrlPassword)], "PYPI_EXAMPLE_COM_PASSWORD"),
        (s("curl -u a:pw1234 -H \"X-API-Key: kk99\" https://h.example.com"), vec![("pw1234", K::CurlUser), ("kk99", K::AuthHeader)], "H_EXAMPLE_COM_PASSWORD"),
        (s("cat <<'EOF' > /app/.env\nAPI_KEY=lit$eral\nEOF"), vec![("lit$eral", K::SecretAssignment)], "API_KEY"),
    ]
}

#[test]
fn finds_credentials_table() {
    let table = positives();
    let mut failures = Vec::new();
    for (text, want, name) in &table {
        let got = found(text);
        let want: Vec<(String, CredentialKind)> =
            want.iter().map(|(s, k)| (s.to_string(), *k)).collect();
        if got != want {
            failures.push(format!("{text:?}\n   got {got:?}\n  want {want:?}"));
            continue;
        }
        let got_name = names(text);
        if got_name.first().map(String::as_str) != Some(*name) {
            failures.push(format!("{text:?}: name {got_name:?}, want {name}"));
        }
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
    let negatives = negatives();
    assert!(table.len() + negatives.len() >= 80);
}

fn negatives() -> Vec<&'static str> {
    vec![
        // Settings that only name the password elsewhere.
        "cat <<'EOF' > settings.xml\n<server><password>${env.MAVEN_PASSWORD}</password></server>\nEOF",
        "git clone git@github.com:org/repo.git",
        "git clone https://github.com/org/repo",
        "docker-php-ext-install pdo_mysql",
        "echo \"$PW\" | docker login -u me --password-stdin registry.example.com",
        "docker run -p 8080:80 nginx",
        "mkdir -p /x",
        "pip install -r requirements.txt",
        "PATH=/usr/local/bin:$PATH",
        "apt-key adv --keyserver hkp://keyserver.ubuntu.com:80 --recv-keys 0xABCDEF",
        "gpg --batch --recv-keys 0123456789ABCDEF0123456789ABCDEF01234567",
        "echo \"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855  f.tgz\" | sha256sum -c -",
        "echo user@host.com",
        "curl http://localhost:8080",
        "ssh-keyscan github.com >> ~/.ssh/known_hosts",
        "curl https://${USER}:${PASS}@host.example.com/x",
        "curl -u \"$USER:$TOKEN\" https://x.example.com",
        "echo \"//registry.npmjs.org/:_authToken=${NPM_TOKEN}\" > .npmrc",
        "git clone https://deploy@git.example.com/x.git",
        "curl -u admin:<password> https://x.example.com",
        "export GITHUB_TOKEN=YOUR_TOKEN",
        "NPM_TOKEN=xxx npm i",
        "deploy --password '***'",
        "export API_KEY=...",
        "mysql -u root -p mydb",
        "mysql --password mydb",
        "MYSQL_ALLOW_EMPTY_PASSWORD=yes",
        "GOOGLE_APPLICATION_CREDENTIALS=/secrets/key.json",
        "curl -H \"Authorization: Bearer $TOKEN\" https://api.example.com",
        "curl -H \"Authorization: Bearer $(cat /run/secrets/t)\" https://api.example.com",
        "export GITHUB_TOKEN=\"${GITHUB_TOKEN:-}\"",
        "echo don\\'t; curl https://example.com # it's fine",
        "npm ci --no-audit",
        "echo ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
        "echo \"machine github.com login x password $GH_TOKEN\" > ~/.netrc",
        "aws configure set region eu-west-1",
        "poetry config virtualenvs.create false",
        "composer config -g repos.packagist composer https://packagist.org",
        "bundle config set without development",
        "useradd -m -s /bin/bash app",
        "curl -fsSL https://deb.nodesource.com/setup_20.x | bash -",
        "TOKEN_URL=https://auth.example.com/token",
        "printf 'machine %s login %s password %s\\n' \"$H\" \"$U\" \"$P\" > ~/.netrc",
        "cat <<EOF > .env\nAPI_KEY=$API_KEY\nEOF",
        "git clone https://${GITHUB_TOKEN}@github.com/o/r",
        "curl --user \"admin:${PASS}\" https://x.example.com",
        "curl -u admin https://x.example.com",
        "wget --password-file=/run/secrets/p https://x.example.com",
        "openssl rsa -passin env:KEY_PASS -in k.pem",
        "npm config set registry https://registry.example.com/",
        "docker login -u me --password-stdin < /run/secrets/pw",
        "pip install 'pkg>=1.0' --trusted-host pypi.example.com",
        "curl -sSL https://example.com/install.sh | sh -s -- -y",
        "",
        "RUN",
    ]
}

#[test]
fn negatives_table() {
    let failures: Vec<String> = negatives()
        .into_iter()
        .filter_map(|t| Some(format!("{t:?}: {:?}", found(t))).filter(|_| !found(t).is_empty()))
        .collect();
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn ranges_splice_within_one_quoting_context() {
    let text = "git clone 'https://svc:p@ss w$rd!x@dl.example.com/tool' && curl -u \"a:b c\" https://h.example.com";
    let ms = find_credentials(text);
    assert_eq!(ms.len(), 2);
    let (a, b) = (&ms[0].range, &ms[1].range);
    assert_eq!(&text[a.start - 12..a.start], "https://svc:");
    assert_eq!(&text[b.clone()], "b c");
    assert_eq!(ms[0].host.as_deref(), Some("dl.example.com"));
    // A password that spans two quoting contexts cannot be spliced: skipped.
    assert!(find_credentials("curl -u admin:'pa ss'word https://h.example.com").is_empty());
}

#[test]
fn context_fields() {
    let m = &find_credentials("poetry config http-basic.corp alice pw123")[0];
    assert_eq!(
        (m.tool.as_deref(), m.host.as_deref(), m.name.as_deref()),
        (Some("poetry"), Some("corp"), Some("http-basic"))
    );
    assert_eq!(m.role, Role::Password);
    let text = "pip install -i https://ci:litpw@${PYPI_HOST}/simple x";
    assert_eq!(names(text), ["PYPI_HOST_PASSWORD"]);
    let m = &find_credentials("NODE_AUTH_TOKEN=abc123 yarn")[0];
    assert_eq!(
        (m.tool.as_deref(), m.name.as_deref()),
        (Some("shell"), Some("NODE_AUTH_TOKEN"))
    );
}

#[test]
fn suggested_names_are_identifiers() {
    let long = "curl https://u:pw@a-very-long-host-name.with.many.parts.internal.example.com/x";
    for (text, _, _) in positives()
        .iter()
        .map(|(t, w, n)| (t.as_str(), w, n))
        .chain([(long, &vec![], &"")])
    {
        for n in names(text) {
            assert!(n.len() <= 48, "{n}");
            assert!(
                n.starts_with(|c: char| c.is_ascii_uppercase() || c == '_'),
                "{n}"
            );
            assert!(
                n.bytes()
                    .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == b'_'),
                "{n}"
            );
        }
    }
    assert_eq!(
        names(long),
        ["A_VERY_LONG_HOST_NAME_WITH_MANY_PARTS_I_PASSWORD"]
    );
}

#[test]
fn masks_values() {
    assert_eq!(mask(""), "****");
    assert_eq!(mask("short"), "****");
    assert_eq!(mask("elevenchars"), "****");
    assert_eq!(mask("twelve-chars"), "tw****");
    assert_eq!(mask("ünïcode-secret"), "ün****");
    let v = SecretValue::new("hunter22");
    assert_eq!(format!("{v} {v:?}"), "**** ****");
    assert_eq!(v.expose(), "hunter22");
    assert_eq!(CredentialKind::UrlPassword.describe(), "password in a URL");
}

#[test]
fn odd_input_does_not_panic() {
    for text in [
        "'",
        "\"",
        "\\",
        "$(",
        "${",
        "`",
        "<<",
        "<<EOF",
        "a=",
        "=b",
        "://",
        "x://@",
        "https://:@",
        "-p",
        "-u",
        "curl -u",
        "curl -u :",
        "https://a:b@",
        "machine",
        "machine h password",
        "_authToken=",
        "ü://ü:ü@ü",
        "echo \"$(echo 'x\"')\" https://u:p@h.example.com",
        "--password=",
        "aws configure set",
        "\u{1F600}=x",
    ] {
        let _ = find_credentials(text);
    }
}

#[test]
fn more_cases() {
    let cases: &[(&str, &[&str])] = &[
        ("echo 'default login anonymous password guest@' > ~/.netrc", &["guest@"]),
        ("echo 'the default password is admin'", &[]),
        ("docker build --secret id=npm,src=.npmrc .", &[]),
        ("SECRET_KEY_BASE=dummy bundle exec rails assets:precompile", &[]),
        ("gh auth login --with-token < /run/secrets/gh", &[]),
        ("helm repo add corp https://charts.example.com --username u --password helmpw", &["helmpw"]),
        ("pip install --index-url=https://u:idxpw@pypi.example.com/simple x", &["idxpw"]),
        ("pip install git+https://github.com/org/repo.git@v1.2.3", &[]),
        ("echo 'deb [signed-by=/usr/share/keyrings/k.gpg] https://download.docker.com/linux/debian bookworm stable'", &[]),
        ("curl -u ':tokenonly123' https://h.example.com", &["tokenonly123"]),
        ("pip install -i https://ci:litpw@${PYPI_HOST}:${PORT}/simple x", &["litpw"]),
        ("git clone https://ci:litpw2@$GIT_HOST/x.git", &["litpw2"]),
        ("bundle config set mirror.https://rubygems.org https://gems.example.com", &[]),
        ("bundle config build.pg --with-pg-config=/usr/bin/pg_config", &[]),
        ("composer global config http-basic.repo.example.com u globalpw", &["globalpw"]),
        ("ansible-playbook --private-key ./id_rsa --vault-password-file /v site.yml", &[]),
        ("sudo -E -u app env GITHUB_TOKEN=envtok ./release --token=rt1", &["envtok", "rt1"]),
        ("ENV_PASSWORD=\"a b\" TOKEN='c d' run", &["a b", "c d"]),
    ];
    for (text, want) in cases {
        assert_eq!(
            found(text)
                .iter()
                .map(|(s, _)| s.as_str())
                .collect::<Vec<_>>(),
            *want,
            "in {text:?}"
        );
    }
}

/// Every match of the tables can be spliced by the shell model, i.e. it lies
/// within one quoting context. (A body of a heredoc with a quoted delimiter
/// cannot expand `${NAME}`: the rules report those for a person.)
#[test]
fn matches_splice_with_the_shell_model() {
    let mut failures = Vec::new();
    for (text, _, _) in positives()
        .into_iter()
        .filter(|(t, _, _)| !t.contains("<<'"))
    {
        let script = crate::shell::Script::whole(&text);
        for m in detect::in_script(&script) {
            if script
                .reference_splice(m.word, m.range.clone(), "X")
                .is_none()
            {
                failures.push(format!(
                    "{text:?}: {:?}",
                    &script.words[m.word].value[m.range]
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The prefilter lets every detector's examples through.
#[test]
fn prefilter_passes_every_positive() {
    for (text, _, _) in positives() {
        assert!(prefilter::may_hold_credential(&text), "{text:?}");
    }
}

proptest::proptest! {
    #[test]
    fn arbitrary_text_gives_sorted_ranges_on_char_boundaries(
        text in "[a-zA-Z0-9 :/@'\"$\\\\=\n_.{}()|;<>#-]{0,80}|(curl -u |https://|machine h password |TOKEN=|ü|\\\\\n|'|\"|<<E\n){0,8}"
    ) {
        let ms = find_credentials(&text);
        for pair in ms.windows(2) {
            proptest::prop_assert!(pair[0].range.end <= pair[1].range.start);
        }
        for m in &ms {
            proptest::prop_assert!(text.get(m.range.clone()).is_some_and(|s| !s.is_empty()));
            let n = suggest_env_name(m);
            proptest::prop_assert!(crate::shell::is_name(&n) && n.len() <= 48);
        }
    }
}

#[test]
fn private_key_blocks_span_lines_and_skip_other_ends() {
    let text = "cat > /k <<EOF\n-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmU\n-----END CERTIFICATE-----\nQUJDREVGR0hJSktMTU5PUA\n-----END OPENSSH PRIVATE KEY-----\nEOF";
    let ms = find_credentials(text);
    assert_eq!(ms.len(), 1, "{ms:?}");
    assert_eq!(ms[0].kind, K::PrivateKey);
    let got = &text[ms[0].range.clone()];
    assert!(got.starts_with("-----BEGIN OPENSSH PRIVATE KEY-----\n"));
    assert!(got.ends_with("QUJDREVGR0hJSktMTU5PUA\n-----END OPENSSH PRIVATE KEY-----"));
    // A public key or certificate is not a private key.
    assert!(
        find_credentials("-----BEGIN PUBLIC KEY-----\nMIIB\n-----END PUBLIC KEY-----").is_empty()
    );
}

#[test]
fn a_name_never_holds_a_secret_value() {
    // The registry is taken from the last word, which here is a token.
    let text = "docker login -u ci -p s3cr3tPw1x AKIALQSAJ08XUI6D39ZZ";
    let ms = find_credentials(text);
    assert!(!ms.is_empty());
    for m in &ms {
        let n = suggest_env_name(m);
        assert!(!n.contains("AKIA"), "{n}");
    }
    // A real host still names it.
    assert_eq!(
        names("docker login -u ci -p s3cr3tPw1x r.example.com")[0],
        "R_EXAMPLE_COM_PASSWORD"
    );
}
