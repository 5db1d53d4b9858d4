//! DF001 `hardcoded-credential`.
//!
//! **What it catches:** a literal credential in a `RUN` command or heredoc
//! body, or in an `ARG`/`ENV` default: URL user-info
//! (`https://user:pass@host`), `curl -u user:pass`, `--password X`,
//! `Authorization:` headers, `NAME=literal cmd` / `export NAME=literal` with a
//! secret-like NAME, npm `_authToken=`, netrc lines, `aws configure set`,
//! `poetry config http-basic`, and well-known token formats (GitHub, GitLab,
//! npm, PyPI, AWS, Slack, Stripe, Sentry, JWT, private-key blocks).
//!
//! **Why it matters:** the Dockerfile is usually in version control, and the
//! command line of every `RUN` is stored in the image (`docker history`).
//!
//! **Fix:** the value moves to the `.env` file under a name taken from its
//! context; the literal becomes `${NAME}` (quoted so the command keeps its
//! meaning); the `RUN` gets `--mount=type=secret,id=env` and runs
//! `. /run/secrets/env` first. A JSON (exec form) `RUN` is rewritten to the
//! shell form. A credential in a literal (quoted-delimiter) heredoc that is not
//! the script itself cannot be expanded and is reported for a person.
