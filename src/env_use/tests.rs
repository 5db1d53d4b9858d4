//! The classification as a table: a Dockerfile, a variable, who reads it.

use super::*;
use crate::facts::Facts;
use crate::syntax::{parse, Args};

/// Classifies `name` at its first declaration, as the rule does: an `ARG`
/// promoted into an `ENV` of its stage (`ENV NAME=$NAME`) counts as an ENV.
fn classified(src: &str, name: &str) -> Classification {
    let d = parse(src).unwrap();
    let facts = Facts::new(&d);
    let declares = |idx: usize, kw: Keyword| {
        let ins = &d.instructions[idx];
        ins.keyword == kw
            && matches!(&ins.args, Args::KeyValues(kvs) if kvs.iter().any(|kv| kv.key.value == name))
    };
    let decl = (0..d.instructions.len())
        .find(|&i| {
            facts.stage_of[i].is_some() && (declares(i, Keyword::Env) || declares(i, Keyword::Arg))
        })
        .unwrap_or_else(|| panic!("{name} is not declared in a stage"));
    let stage = facts.stage_of[decl].unwrap();
    let env = facts.stages[stage]
        .instructions
        .clone()
        .any(|i| declares(i, Keyword::Env));
    classify(&facts, stage, decl, name, env)
}

fn use_of(src: &str, name: &str) -> Use {
    classified(src, name).env_use()
}

#[test]
fn table() {
    use Use::*;
    let cases: &[(&str, &str, &str, Use)] = &[
        (
            "nothing reads it and it stays in the image",
            "FROM alpine\nENV ADMIN_PASS=x\nRUN apk add curl\nCMD [\"app\"]\n",
            "ADMIN_PASS",
            Runtime,
        ),
        (
            "a RUN names it",
            "FROM alpine\nENV API_TOKEN=x\nRUN curl -H \"Authorization: Bearer $API_TOKEN\" https://x\nCMD [\"app\"]\n",
            "API_TOKEN",
            Build,
        ),
        (
            "a RUN before the declaration does not count",
            "FROM alpine\nRUN echo $API_TOKEN\nENV API_TOKEN=x\nCMD [\"app\"]\n",
            "API_TOKEN",
            Runtime,
        ),
        (
            "read only by CMD",
            "FROM alpine\nENV VPN_PASSWORD=x\nRUN apk add ocserv\nCMD ocserv --password \"$VPN_PASSWORD\"\n",
            "VPN_PASSWORD",
            Runtime,
        ),
        (
            "read by ENTRYPOINT in exec form through sh -c",
            "FROM alpine\nENV MAIL_PASS=x\nENTRYPOINT [\"sh\", \"-c\", \"exec mail --pass=${MAIL_PASS}\"]\n",
            "MAIL_PASS",
            Runtime,
        ),
        (
            "read by HEALTHCHECK",
            "FROM alpine\nENV ADMIN_PASSWORD=x\nRUN echo $ADMIN_PASSWORD > /tmp/x\nHEALTHCHECK CMD curl -u admin:$ADMIN_PASSWORD http://localhost/\n",
            "ADMIN_PASSWORD",
            Both,
        ),
        (
            "read by a RUN and by CMD",
            "FROM alpine\nENV DB_PASSWORD=x\nRUN init-db --password \"$DB_PASSWORD\"\nCMD app --db-password \"$DB_PASSWORD\"\n",
            "DB_PASSWORD",
            Both,
        ),
        (
            "the base image reads it",
            "FROM mysql:8\nENV MYSQL_ROOT_PASSWORD=x\nCOPY schema.sql /docker-entrypoint-initdb.d/\n",
            "MYSQL_ROOT_PASSWORD",
            Runtime,
        ),
        (
            "the base image reads it and a RUN too",
            "FROM docker.io/library/postgres:16\nENV POSTGRES_PASSWORD=x\nRUN echo \"$POSTGRES_PASSWORD\" | md5sum\n",
            "POSTGRES_PASSWORD",
            Both,
        ),
        (
            "the base image of the stage the final stage builds on",
            "FROM rabbitmq:3 AS base\nENV RABBITMQ_DEFAULT_PASS=x\nFROM base\nRUN rabbitmq-plugins enable --offline rabbitmq_mqtt\n",
            "RABBITMQ_DEFAULT_PASS",
            Runtime,
        ),
        (
            "a variable the base image does not read",
            "FROM postgres:16\nENV PGPASSWORD=x\nRUN psql -h db -c 'select 1'\n",
            "PGPASSWORD",
            Build,
        ),
        (
            "multi-stage: a builder stage the final image does not inherit",
            "FROM node:20 AS build\nENV NPM_TOKEN=x\nRUN npm ci\nFROM nginx\nCOPY --from=build /app/dist /usr/share/nginx/html\n",
            "NPM_TOKEN",
            Build,
        ),
        (
            "multi-stage: build-only even when nothing reads it",
            "FROM alpine AS build\nENV SECRET_KEY=x\nRUN make\nFROM alpine\nCOPY --from=build /out /out\n",
            "SECRET_KEY",
            Build,
        ),
        (
            "multi-stage: read by a RUN of a stage built FROM it",
            "FROM node:20 AS base\nENV NPM_TOKEN=x\nFROM base AS app\nRUN npm ci\nCMD [\"node\", \"index.js\"]\n",
            "NPM_TOKEN",
            Build,
        ),
        (
            "multi-stage: inherited into the final image, read by nothing",
            "FROM alpine AS base\nENV API_SECRET=x\nFROM base\nRUN apk add curl\n",
            "API_SECRET",
            Runtime,
        ),
        (
            "multi-stage: a RUN of an unrelated stage does not read it",
            "FROM alpine AS a\nENV API_SECRET=x\nFROM alpine AS b\nRUN echo $API_SECRET\nFROM a\n",
            "API_SECRET",
            Runtime,
        ),
        (
            "multi-stage: the CMD it runs under comes from the stage it builds on",
            "FROM alpine AS base\nCMD serve --key \"$SIGNING_KEY\"\nFROM base\nENV SIGNING_KEY=x\nRUN echo $SIGNING_KEY > /dev/null\n",
            "SIGNING_KEY",
            Both,
        ),
        (
            "multi-stage: a stage run on its own (--target) whose CMD reads it",
            "FROM alpine AS test\nENV TEST_PASSWORD=x\nCMD run-tests --password $TEST_PASSWORD\nFROM alpine\nCOPY app /app\n",
            "TEST_PASSWORD",
            Runtime,
        ),
        (
            "ONBUILD names it",
            "FROM node:20\nENV NPM_TOKEN=x\nONBUILD RUN npm ci --//registry.npmjs.org/:_authToken=$NPM_TOKEN\n",
            "NPM_TOKEN",
            Runtime,
        ),
        (
            "an ARG promoted into ENV, read by npm",
            "FROM node:20\nARG NPM_TOKEN\nENV NPM_TOKEN=$NPM_TOKEN\nRUN npm ci\nCMD [\"node\", \"index.js\"]\n",
            "NPM_TOKEN",
            Build,
        ),
        (
            "an ARG promoted into ENV that only the container reads",
            "FROM python:3.12\nARG DB_PASSWORD\nENV DB_PASSWORD=${DB_PASSWORD}\nCOPY . /app\nCMD [\"python\", \"/app/main.py\"]\n",
            "DB_PASSWORD",
            Runtime,
        ),
        (
            "an ARG alone never reaches the container",
            "FROM alpine\nARG API_TOKEN\nCMD [\"app\"]\n",
            "API_TOKEN",
            Build,
        ),
        (
            "a heredoc RUN names it",
            "FROM alpine\nENV API_KEY=x\nRUN <<EOF\nset -e\ncurl -H \"X-Key: $API_KEY\" https://api.example.com/\nEOF\nCMD [\"app\"]\n",
            "API_KEY",
            Build,
        ),
        (
            "an unquoted heredoc expands it",
            "FROM node:20\nENV REGISTRY_TOKEN=x\nRUN cat > .npmrc <<EOF\n//registry.example.com/:_authToken=${REGISTRY_TOKEN}\nEOF\nCMD [\"node\", \"index.js\"]\n",
            "REGISTRY_TOKEN",
            Build,
        ),
        (
            "a quoted heredoc writes an .npmrc that names it, and npm reads it in the build",
            "FROM node:20\nENV NPM_TOKEN=x\nRUN cat > .npmrc <<'EOF'\n//registry.npmjs.org/:_authToken=${NPM_TOKEN}\nEOF\nRUN npm ci\nCMD [\"node\", \"index.js\"]\n",
            "NPM_TOKEN",
            Build,
        ),
        (
            "a quoted heredoc names it for whoever reads the file later",
            "FROM node:20\nENV REGISTRY_TOKEN=x\nRUN cat > .npmrc <<'EOF'\n//registry.example.com/:_authToken=${REGISTRY_TOKEN}\nEOF\nCMD [\"node\", \"index.js\"]\n",
            "REGISTRY_TOKEN",
            Both,
        ),
        (
            "a git helper in single quotes reads it when git runs, here in the container (antipattern 043)",
            "FROM ubuntu:20.04\nENV GITHUB_TOKEN=x\nRUN git config --global credential.helper '!f() { echo \"password=$GITHUB_TOKEN\"; }; f'\nRUN adduser --disabled-password jenkins\n",
            "GITHUB_TOKEN",
            Both,
        ),
        (
            "the same helper, and git clone in the build",
            "FROM ubuntu:20.04\nENV GITHUB_TOKEN=x\nRUN git config --global credential.helper '!f() { echo \"password=$GITHUB_TOKEN\"; }; f'\nRUN git clone https://github.com/acme/private\n",
            "GITHUB_TOKEN",
            Build,
        ),
        (
            "npm reads NPM_TOKEN through .npmrc",
            "FROM node:20\nENV NPM_TOKEN=x\nCOPY .npmrc package.json ./\nRUN npm ci\nCMD [\"node\", \"index.js\"]\n",
            "NPM_TOKEN",
            Build,
        ),
        (
            "pip reads PIP_INDEX_URL",
            "FROM python:3.12\nENV PIP_INDEX_URL=https://u:p@pypi.example.com/simple\nRUN pip install -r requirements.txt\nCMD [\"python\"]\n",
            "PIP_INDEX_URL",
            Build,
        ),
        (
            "python -m pip is pip",
            "FROM python:3.12\nENV PIP_EXTRA_INDEX_URL=https://u:p@pypi.example.com/simple\nRUN python3 -m pip install app\n",
            "PIP_EXTRA_INDEX_URL",
            Build,
        ),
        (
            "go reaches private modules with GITHUB_TOKEN",
            "FROM golang:1.22\nENV GITHUB_TOKEN=x GOPRIVATE=github.com/acme\nRUN go mod download\nCMD [\"/app\"]\n",
            "GITHUB_TOKEN",
            Build,
        ),
        (
            "an application run by RUN is not known to read it",
            "FROM python:3.12\nENV DB_PASSWORD=x\nRUN python manage.py collectstatic\nCMD [\"gunicorn\", \"app\"]\n",
            "DB_PASSWORD",
            Runtime,
        ),
        (
            "npm may read any variable through .npmrc, and the container may need it",
            "FROM node:20\nENV SESSION_SECRET=x\nRUN npm ci\nCMD [\"node\", \"index.js\"]\n",
            "SESSION_SECRET",
            Both,
        ),
        (
            "mvn may read it through ${env.*} in its settings (corpus antipattern 016)",
            "FROM maven:3\nARG repo_password\nENV REPO_PASSWORD=$repo_password\nRUN mvn package -s build/settings.xml\n",
            "REPO_PASSWORD",
            Both,
        ),
        (
            "pip may read it through ${VAR} in a requirements file (corpus antipattern 047)",
            "FROM python:3.8\nENV GIT_PAT=x\nRUN pip3 install -r requirements.txt\n",
            "GIT_PAT",
            Both,
        ),
        (
            "a may-read in a stage the final image does not inherit is a build read",
            "FROM node:20 AS build\nENV SESSION_SECRET=x\nRUN npm run build\nFROM nginx\nCOPY --from=build /app /app\n",
            "SESSION_SECRET",
            Build,
        ),
        (
            "a may-read does not hide a documented read",
            "FROM node:20\nENV NPM_TOKEN=x\nRUN npm ci\nCMD [\"node\", \"index.js\"]\n",
            "NPM_TOKEN",
            Build,
        ),
        (
            "an exec-form RUN runs npm",
            "FROM node:20\nENV NPM_TOKEN=x\nRUN [\"npm\", \"ci\"]\nCMD [\"node\", \"index.js\"]\n",
            "NPM_TOKEN",
            Build,
        ),
        (
            "an exec-form RUN names it through sh -c",
            "FROM alpine\nENV API_TOKEN=x\nRUN [\"sh\", \"-c\", \"curl -H \\\"X: $API_TOKEN\\\" https://x\"]\nCMD [\"app\"]\n",
            "API_TOKEN",
            Build,
        ),
    ];
    for (what, src, name, want) in cases {
        assert_eq!(use_of(src, name), *want, "{what}:\n{src}");
    }
}

#[test]
fn what_reads_it_is_recorded() {
    let c = classified(
        "FROM mysql:8\nENV MYSQL_ROOT_PASSWORD=x\nRUN echo $MYSQL_ROOT_PASSWORD\nCMD [\"mysqld\", \"--password=$MYSQL_ROOT_PASSWORD\"]\n",
        "MYSQL_ROOT_PASSWORD",
    );
    assert_eq!(
        c.build,
        [BuildRead {
            run: 2,
            how: How::Named,
            exec: false
        }]
    );
    assert_eq!(
        c.runtime,
        [
            RuntimeRead::Instruction {
                idx: 3,
                keyword: Keyword::Cmd
            },
            RuntimeRead::BaseImage("mysql")
        ]
    );
    let c = classified(
        "FROM node:20\nENV NPM_TOKEN=x\nRUN [\"npm\", \"ci\"]\nONBUILD RUN echo $NPM_TOKEN\n",
        "NPM_TOKEN",
    );
    assert_eq!(c.exec_readers().next(), Some(2));
    assert_eq!(c.onbuild(), Some(3));
    let c = classified("FROM alpine\nENV ADMIN_PASS=x\n", "ADMIN_PASS");
    assert_eq!(c.runtime, [RuntimeRead::Unread]);
}

#[test]
fn descriptions() {
    let d = parse("FROM mysql:8\nENV MYSQL_ROOT_PASSWORD=x\nRUN npm ci\nCMD app\n").unwrap();
    let cases = [
        (
            Classification {
                build: vec![BuildRead {
                    run: 2,
                    how: How::Program("npm".into()),
                    exec: false,
                }],
                runtime: vec![],
                in_final_image: true,
            },
            "the build reads it (RUN, line 3: npm); nothing shows the container does",
        ),
        (
            Classification {
                build: vec![BuildRead {
                    run: 2,
                    how: How::Named,
                    exec: false,
                }],
                runtime: vec![],
                in_final_image: false,
            },
            "the build reads it (RUN, line 3)",
        ),
        (
            Classification {
                build: vec![],
                runtime: vec![RuntimeRead::BaseImage("mysql")],
                in_final_image: true,
            },
            "a run-time secret: the container reads it (the mysql image)",
        ),
        (
            Classification {
                build: vec![BuildRead {
                    run: 2,
                    how: How::Named,
                    exec: false,
                }],
                runtime: vec![RuntimeRead::Instruction {
                    idx: 3,
                    keyword: Keyword::Cmd,
                }],
                in_final_image: true,
            },
            "the build (RUN, line 3) and the container (CMD, line 4) read it",
        ),
        (
            Classification {
                build: vec![BuildRead {
                    run: 2,
                    how: How::Config("npm".into()),
                    exec: false,
                }],
                runtime: vec![RuntimeRead::Unread],
                in_final_image: true,
            },
            "the build may read it (RUN, line 3: npm, through its config files) and the container may need it (no RUN is known to read it and it stays in the image)",
        ),
        (
            Classification {
                build: vec![],
                runtime: vec![RuntimeRead::Unread],
                in_final_image: true,
            },
            "a run-time secret: no RUN is known to read it and it stays in the image",
        ),
        (
            Classification {
                build: vec![],
                runtime: vec![RuntimeRead::Instruction {
                    idx: 3,
                    keyword: Keyword::Onbuild,
                }],
                in_final_image: true,
            },
            "needed after this build (ONBUILD, line 4, in the builds of images made FROM it)",
        ),
    ];
    for (c, want) in cases {
        assert_eq!(c.describe(&d.instructions), want);
    }
}
