//! Programs that read a variable from the environment without the `RUN`
//! naming it: `RUN npm ci` reads `NPM_TOKEN` through an `.npmrc` holding
//! `${NPM_TOKEN}`; `RUN pip install -r requirements.txt` reads
//! `PIP_INDEX_URL`.
//!
//! The rule is small on purpose. A program counts as reading a variable
//! only when the variable is one of the names the program itself (or the
//! config file convention everyone uses with it) documents; see the table.
//! Anything else — an application, a build script, `make`, `npm run build`
//! — counts as not reading it. Guessing wrong that way is the safe side:
//! a secret in the final image that no `RUN` reads is a run-time secret,
//! which dfix leaves alone unless told (`--runtime-env`); guessing "the
//! build reads it" would move it out of an image whose container needs it.
//!
//! Sources: npm's `npmrc` and `config` docs (`${VAR}` in `.npmrc`,
//! `npm_config_*`; `NPM_TOKEN`/`NODE_AUTH_TOKEN` are the names npm's and
//! GitHub's docs put there), yarn berry's `yarnrc` (`YARN_*`), pip's
//! configuration docs (`PIP_<OPTION>`), uv's and poetry's environment
//! variable docs, go's `go help environment` and module reference
//! (`GOPROXY`, `GOPRIVATE`, `GONOSUMDB`, `GOAUTH`, `NETRC`), gh's
//! `gh help environment` (`GH_TOKEN`, `GITHUB_TOKEN`, which git and go also
//! reach through gh's credential helper), git's `GIT_CONFIG_*`/`GIT_ASKPASS`,
//! the AWS CLI's `AWS_*`, composer's `COMPOSER_AUTH`, bundler's
//! `BUNDLE_<HOST>`, libpq's `PG*`, MySQL's `MYSQL_PWD`, gradle's
//! `ORG_GRADLE_PROJECT_*`, NuGet's `NuGetPackageSourceCredentials_*`,
//! r-lib/remotes' `GITHUB_PAT` (for `R -e 'remotes::install_github(...)'`),
//! the Hugging Face CLI's `HF_TOKEN`, and
//! the notes in `../shared/reference/credential-consumers.md`.

/// A program and the variables it reads (`*` at the end: a prefix,
/// compared without regard to case, as npm does for `npm_config_*`).
struct Reader {
    programs: &'static [&'static str],
    vars: &'static [&'static str],
}

const READERS: &[Reader] = &[
    Reader {
        programs: &["npm", "npx", "yarn", "yarnpkg", "pnpm", "pnpx"],
        vars: &[
            "NPM_TOKEN",
            "NPM_AUTH_TOKEN",
            "NODE_AUTH_TOKEN",
            "NPM_CONFIG_*",
            "YARN_*",
        ],
    },
    Reader {
        programs: &["pip", "pip3", "pipenv", "uv", "poetry", "pdm", "twine"],
        vars: &["PIP_*", "UV_*", "POETRY_*", "PDM_*", "PIPENV_*", "TWINE_*"],
    },
    Reader {
        programs: &["go"],
        vars: &[
            "GOPROXY",
            "GOPRIVATE",
            "GONOPROXY",
            "GONOSUMDB",
            "GOFLAGS",
            "GOAUTH",
            "NETRC",
            "GH_TOKEN",
            "GITHUB_TOKEN",
        ],
    },
    Reader {
        programs: &["git"],
        vars: &[
            "GIT_CONFIG_*",
            "GIT_ASKPASS",
            "GIT_TOKEN",
            "GH_TOKEN",
            "GITHUB_TOKEN",
        ],
    },
    Reader {
        programs: &["gh"],
        vars: &[
            "GH_TOKEN",
            "GITHUB_TOKEN",
            "GH_ENTERPRISE_TOKEN",
            "GITHUB_ENTERPRISE_TOKEN",
        ],
    },
    Reader {
        programs: &["aws"],
        vars: &["AWS_*"],
    },
    Reader {
        programs: &["composer"],
        vars: &["COMPOSER_*"],
    },
    Reader {
        programs: &["bundle", "bundler"],
        vars: &["BUNDLE_*"],
    },
    Reader {
        programs: &["gem"],
        vars: &["GEM_HOST_API_KEY"],
    },
    Reader {
        programs: &[
            "psql",
            "pg_dump",
            "pg_dumpall",
            "pg_restore",
            "pg_isready",
            "createdb",
            "dropdb",
            "createuser",
        ],
        vars: &["PG*"],
    },
    Reader {
        programs: &[
            "mysql",
            "mysqldump",
            "mysqladmin",
            "mysqlimport",
            "mysqlshow",
            "mariadb",
            "mariadb-dump",
            "mariadb-admin",
        ],
        vars: &["MYSQL_PWD"],
    },
    Reader {
        programs: &["gradle", "gradlew"],
        vars: &["ORG_GRADLE_PROJECT_*"],
    },
    Reader {
        programs: &["dotnet", "nuget"],
        vars: &[
            "NUGETPACKAGESOURCECREDENTIALS_*",
            "VSS_NUGET_EXTERNAL_FEED_ENDPOINTS",
        ],
    },
    Reader {
        programs: &["conda", "mamba", "micromamba"],
        vars: &["CONDA_*"],
    },
    Reader {
        programs: &["gcloud", "gsutil"],
        vars: &["CLOUDSDK_*", "GOOGLE_APPLICATION_CREDENTIALS"],
    },
    Reader {
        programs: &["az"],
        vars: &["AZURE_*"],
    },
    Reader {
        programs: &["sentry-cli"],
        vars: &["SENTRY_*"],
    },
    Reader {
        programs: &["R", "Rscript"],
        vars: &["GITHUB_PAT", "GITHUB_TOKEN"],
    },
    Reader {
        programs: &["huggingface-cli", "hf"],
        vars: &["HF_TOKEN", "HUGGING_FACE_HUB_TOKEN"],
    },
];

fn matches(pattern: &str, name: &str) -> bool {
    match pattern.strip_suffix('*') {
        Some(prefix) => {
            name.len() > prefix.len()
                && name.as_bytes()[..prefix.len()].eq_ignore_ascii_case(prefix.as_bytes())
        }
        None => pattern == name,
    }
}

/// Programs whose config files (or project code) may read any variable.
const CONFIG_READERS: &[&str] = &[
    "npm", "npx", "yarn", "yarnpkg", "pnpm", "pip", "pip3", "uv", "mvn", "mvnw", "gradle",
    "gradlew", "dotnet", "nuget", "conda", "mamba", "bundle", "bundler",
];

/// Whether `program` may read any variable through files dfix cannot see.
pub fn may_read(program: &str) -> bool {
    CONFIG_READERS.contains(&program)
}

/// git asks for credentials only when it talks to a remote: `git config`
/// only writes a helper that reads the variable later.
pub fn git_uses_remote(args: &[&str]) -> bool {
    const REMOTE: &[&str] = &[
        "clone",
        "fetch",
        "pull",
        "push",
        "ls-remote",
        "submodule",
        "remote",
        "archive",
    ];
    // The subcommand: the first word that is not an option (nor the value
    // of `-C dir` / `-c key=value`).
    let mut words = args.iter();
    while let Some(w) = words.next() {
        match *w {
            "-C" | "-c" | "--git-dir" | "--work-tree" => {
                words.next();
            }
            w if w.starts_with('-') => {}
            w => return REMOTE.contains(&w),
        }
    }
    false
}

/// Whether `program` (a base name; for `python -m pip`, the module) reads
/// variable `name` from the environment by itself.
pub fn reads(program: &str, name: &str) -> bool {
    READERS
        .iter()
        .filter(|r| r.programs.contains(&program))
        .any(|r| r.vars.iter().any(|p| matches(p, name)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documented_names_only() {
        for (program, name, want) in [
            ("npm", "NPM_TOKEN", true),
            ("yarn", "NODE_AUTH_TOKEN", true),
            ("npm", "npm_config_//registry.example.com/:_authToken", true),
            ("npm", "SENTRY_AUTH_TOKEN", false),
            ("pip", "PIP_INDEX_URL", true),
            ("pip", "PIP", false),
            ("uv", "UV_INDEX_URL", true),
            ("go", "GITHUB_TOKEN", true),
            ("go", "GOPROXY", true),
            ("git", "GITHUB_TOKEN", true),
            ("git", "GIT_PASSWORD", false),
            ("gh", "GH_TOKEN", true),
            ("aws", "AWS_SECRET_ACCESS_KEY", true),
            ("psql", "PGPASSWORD", true),
            ("mysql", "MYSQL_PWD", true),
            ("mysql", "MYSQL_ROOT_PASSWORD", false),
            ("dotnet", "NuGetPackageSourceCredentials_feed", true),
            ("python", "DB_PASSWORD", false),
            ("make", "NPM_TOKEN", false),
            ("curl", "API_TOKEN", false),
        ] {
            assert_eq!(reads(program, name), want, "{program} {name}");
        }
        assert!(may_read("mvn") && may_read("pip3") && may_read("npm"));
        assert!(git_uses_remote(&["clone", "https://github.com/acme/x"]));
        assert!(git_uses_remote(&["-C", "src", "-c", "a=b", "fetch"]));
        assert!(!git_uses_remote(&[
            "config",
            "--global",
            "credential.helper",
            "store"
        ]));
        assert!(!git_uses_remote(&["-C", "fetch", "log"]));
        assert!(!may_read("curl") && !may_read("python") && !may_read("make"));
    }
}
