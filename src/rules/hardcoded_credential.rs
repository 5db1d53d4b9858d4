//! DF001 `hardcoded-credential`.
//!
//! **What it catches:** a literal credential in a `RUN` command or heredoc
//! body, or in an `ARG`/`ENV` default (found with the declarations: see
//! [`super::secret_build_arg`]): URL user-info (`https://user:pass@host`),
//! `curl -u user:pass`, `--password X`, `Authorization:` headers,
//! `NAME=literal cmd` / `export NAME=literal` with a secret-like NAME, npm
//! `_authToken=`, netrc lines, `aws configure set`, `poetry config
//! http-basic`, and well-known token formats (GitHub, GitLab, npm, PyPI,
//! AWS, Slack, Stripe, Sentry, JWT, private-key blocks). Also a credential in
//! an instruction that is not a `RUN` (`LABEL`, `CMD`, `ADD https://u:p@...`).
//!
//! **Why it matters:** the Dockerfile is usually in version control, and the
//! command line of every `RUN` is stored in the image (`docker history`).
//!
//! **Example:**
//! ```dockerfile
//! RUN pip install --extra-index-url https://ci:s3cret@pypi.example.com/simple app
//! ```
//! becomes
//! ```dockerfile
//! RUN --mount=type=secret,id=env . /run/secrets/env && pip install --extra-index-url https://ci:"${PYPI_EXAMPLE_COM_PASSWORD}"@pypi.example.com/simple app
//! ```
//! with `PYPI_EXAMPLE_COM_PASSWORD` in `.env`.
//!
//! **Fix safety:** the value moves to the `.env` file under a name taken
//! from its context; the literal becomes `${NAME}`, quoted so the command
//! keeps its meaning in every quoting; the `RUN` gets
//! `--mount=type=secret,id=env` and runs `. /run/secrets/env` first. A JSON
//! (exec form) `RUN` is rewritten to the shell form (not in a stage without
//! a shell). A credential in a literal (quoted-delimiter) heredoc that is
//! not the script itself cannot be expanded, one that spans two quotings
//! cannot be spliced, and one outside `RUN` is needed by the image or at run
//! time: those are reported for a person.

use super::secret_build_arg::WINDOWS;
use super::INCOMPLETE;
use crate::facts::{RunText, TextKind};
use crate::fix::Edit;
use crate::rules::{Context, EnvValue, LiteralUse, Rule};
use crate::secrets::detect::Found;
use crate::secrets::{CredentialKind, SecretValue};
use crate::shell::{self, Script};
use crate::syntax::{Args, Keyword, Span};

pub fn check(cx: &mut Context<'_, '_, '_>) {
    for idx in 0..cx.d.instructions.len() {
        let ins = &cx.d.instructions[idx];
        match ins.keyword {
            Keyword::Run => run(cx, idx),
            Keyword::Arg | Keyword::Env | Keyword::From | Keyword::Workdir | Keyword::User => {}
            Keyword::Copy => {}
            Keyword::Onbuild => {
                let text = ins.span.text(cx.src());
                if cx.policy.may_hold_credential(text)
                    && !cx.policy.find_credentials(text).is_empty()
                {
                    cx.report(
                        Rule::HardcodedCredential,
                        ins.span,
                        "credential in an ONBUILD instruction".into(),
                        Some("ONBUILD runs in another build; move the secret there".into()),
                    );
                }
            }
            _ => outside_run(cx, idx),
        }
    }
    copies(cx);
}

/// Whether a value is worth searching for elsewhere: long, or not a plain
/// word (`nagios` as a password would match every path with it).
fn searchable(v: &str) -> bool {
    let digits = v.bytes().any(|b| b.is_ascii_digit());
    let letters = v.bytes().any(|b| b.is_ascii_alphabetic());
    let other = v.bytes().any(|b| !b.is_ascii_alphanumeric());
    // A value with a line break in it (`$'...\n'`) would be matched across
    // lines: a heredoc's terminator line, say.
    !v.chars().any(char::is_control)
        && (v.len() >= 20 || (v.len() >= 6 && letters && (digits || other)))
}

/// A match of a value that is not part of a longer word.
fn stands_alone(text: &str, start: usize, end: usize) -> bool {
    let b = text.as_bytes();
    let word = |c: u8| c.is_ascii_alphanumeric() || c == b'_';
    !start.checked_sub(1).is_some_and(|i| word(b[i])) && !b.get(end).is_some_and(|&c| word(c))
}

/// Every other copy of a literal that moved to `.env`: in a RUN it becomes
/// the same variable; anywhere else a person decides (the image or the
/// container needs it there).
fn copies(cx: &mut Context<'_, '_, '_>) {
    let values: Vec<(String, String)> = cx
        .plan
        .env
        .iter()
        .filter_map(|e| {
            e.value
                .secret()
                .map(|v| (v.expose().to_owned(), e.name.clone()))
        })
        .filter(|(v, _)| searchable(v))
        .collect();
    if values.is_empty() {
        return;
    }
    let Ok(ac) = aho_corasick::AhoCorasick::builder()
        .match_kind(aho_corasick::MatchKind::LeftmostLongest)
        .build(values.iter().map(|(v, _)| v))
    else {
        return;
    };
    let handled = |cx: &Context<'_, '_, '_>, span: Span| {
        cx.plan
            .secret_spans
            .iter()
            .any(|s| s.start < span.end && span.start < s.end)
    };
    for idx in 0..cx.d.instructions.len() {
        let ins = &cx.d.instructions[idx];
        if !ac.is_match(ins.span.text(cx.src())) {
            continue;
        }
        if ins.keyword == Keyword::Run && matches!(ins.args, Args::Text(_)) {
            let windows = cx.facts.stage(idx).is_some_and(|s| s.windows);
            for (t, text) in cx.facts.run_texts(idx).iter().enumerate() {
                if !ac.is_match(text.text) {
                    continue;
                }
                let script = text.lex();
                for w in 0..script.words.len() {
                    let value = script.words[w].value.clone();
                    for m in ac.find_iter(&value) {
                        if !stands_alone(&value, m.start(), m.end()) {
                            continue;
                        }
                        let range = m.start()..m.end();
                        let Some(src) = script.words[w].source_span(range.clone()) else {
                            continue;
                        };
                        let span = text.map.span(src);
                        if handled(cx, span) || script.words[w].dynamic(range.clone()) {
                            continue;
                        }
                        let (secret, name) = values[m.pattern().as_usize()].clone();
                        let found = Found {
                            word: w,
                            range,
                            kind: CredentialKind::Copy,
                            role: crate::secrets::Role::Password,
                            tool: None,
                            host: None,
                            name: Some(name.clone()),
                        };
                        let _ = secret;
                        literal(cx, (idx, t), text, &script, &found, windows);
                    }
                }
            }
            continue;
        }
        // Anywhere else: the same value outside RUN.
        let text = ins.span.text(cx.src());
        let kw = ins.keyword_upper(cx.src());
        let matches: Vec<(usize, usize)> = ac
            .find_iter(text)
            .map(|m| (m.start(), m.end()))
            .filter(|&(a, b)| stands_alone(text, a, b))
            .collect();
        for (a, b) in matches {
            let span = Span::new(ins.span.start + a, ins.span.start + b);
            if handled(cx, span) {
                continue;
            }
            cx.plan.secret_spans.push(span);
            cx.report(
                Rule::HardcodedCredential,
                span,
                format!("the same secret again, in {kw}"),
                Some(format!(
                    "{kw} keeps it in the image or needs it at run time"
                )),
            );
        }
    }
}

/// A literal credential in LABEL, CMD, ENTRYPOINT, HEALTHCHECK, ADD, ...: it
/// is in the image config or needed at run time, so a person decides.
fn outside_run(cx: &mut Context<'_, '_, '_>, idx: usize) {
    let ins = &cx.d.instructions[idx];
    let text = ins.span.text(cx.src());
    if !cx.policy.may_hold_credential(text) {
        return;
    }
    let mut matches = cx.policy.find_credentials(text);
    if matches!(ins.keyword, Keyword::Label | Keyword::Maintainer) {
        // Labels document usage (`-e POSTGRESQL_PASSWORD=pass`): only
        // unmistakable credentials count there.
        matches.retain(|m| {
            !matches!(
                m.kind,
                CredentialKind::SecretAssignment | CredentialKind::PasswordOption
            )
        });
    }
    let kw = ins.keyword_upper(cx.src());
    for m in matches {
        let span = Span::new(ins.span.start + m.range.start, ins.span.start + m.range.end);
        cx.plan.secret_spans.push(span);
        let why = if ins.keyword == Keyword::Add {
            "ADD downloads it at build time and keeps the URL in the image history; \
             fetch it in a RUN with the credential from a secret mount"
                .to_owned()
        } else {
            format!("{kw} keeps it in the image or needs it at run time")
        };
        cx.report(
            Rule::HardcodedCredential,
            span,
            format!("{} in {kw}", m.kind.describe()),
            Some(why),
        );
    }
}

fn run(cx: &mut Context<'_, '_, '_>, idx: usize) {
    let facts = cx.facts;
    let ins = &cx.d.instructions[idx];
    let stage = facts.stage(idx);
    let windows = stage.is_some_and(|s| s.windows);
    if let Args::Exec(items) = &ins.args {
        exec_form(cx, idx, items, windows);
        return;
    }
    for (t, text) in facts.run_texts(idx).iter().enumerate() {
        if !cx.policy.may_hold_credential(text.text) {
            continue;
        }
        let script = text.lex();
        let found = match text.kind {
            TextKind::Data { .. } => cx.policy.in_data(&script, None),
            _ => cx.policy.in_script(&script),
        };
        for m in found {
            literal(cx, (idx, t), text, &script, &m, windows);
        }
    }
}

/// Replaces one literal found in a RUN text.
fn literal(
    cx: &mut Context<'_, '_, '_>,
    (idx, t): (usize, usize),
    text: &RunText<'_, '_>,
    script: &Script<'_>,
    m: &Found,
    windows: bool,
) {
    let word = &script.words[m.word];
    let value = word.value[m.range.clone()].to_owned();
    let masked = word.source_span(m.range.clone()).unwrap_or(0..0);
    let pieces = text.map.pieces(masked);
    cx.plan.secret_spans.extend(pieces.iter().copied());
    let span = pieces.first().copied().unwrap_or(Span::new(0, 0));
    let what = m.kind.describe();
    let blocked = if windows {
        Some(WINDOWS)
    } else if text.kind == (TextKind::Data { expands: false }) {
        Some("the heredoc delimiter is quoted, so its body cannot read a variable")
    } else if script.incomplete {
        Some(INCOMPLETE)
    } else {
        None
    };
    if let Some(reason) = blocked {
        cx.report(
            Rule::HardcodedCredential,
            span,
            what.into(),
            Some(reason.into()),
        );
        return;
    }
    if cx.suppressed(Rule::HardcodedCredential, span) {
        cx.report(Rule::HardcodedCredential, span, what.into(), None);
        return;
    }
    let name = cx.name_for_literal(&m.env_name(), &value);
    let Some(splice) = script.reference_splice(m.word, m.range.clone(), &name) else {
        cx.report(
            Rule::HardcodedCredential,
            span,
            what.into(),
            Some("the value spans quoting that cannot be rewritten safely".into()),
        );
        return;
    };
    for e in text.map.replace(splice.range, &splice.replacement) {
        cx.plan.edit(e);
    }
    cx.plan.literal_uses.push(LiteralUse {
        run: idx,
        text: t,
        word: m.word,
        range: m.range.clone(),
        name: name.clone(),
    });
    moved(cx, idx, span, what, name, value);
}

fn moved(
    cx: &mut Context<'_, '_, '_>,
    idx: usize,
    span: Span,
    what: &str,
    name: String,
    value: String,
) {
    cx.report(
        Rule::HardcodedCredential,
        span,
        format!("{what} (moves to .env as {name})"),
        None,
    );
    cx.plan
        .add_env(name, EnvValue::Secret(SecretValue::new(value)));
    cx.plan.source_env(idx);
}

/// Whether [`exec_form`] rewrites exec-form RUN `idx` to the shell form
/// (it holds a credential, and its stage has a POSIX shell): the rules that
/// run before it count that RUN as one that can source the env file.
pub(crate) fn converts_exec_form(
    facts: &crate::facts::Facts<'_, '_>,
    policy: &crate::secrets::Policy,
    idx: usize,
) -> bool {
    let Args::Exec(items) = &facts.d.instructions[idx].args else {
        return false;
    };
    if facts
        .stage(idx)
        .is_some_and(|s| s.windows || s.no_shell || s.foreign_shell)
    {
        return false;
    }
    let values: Vec<&str> = items.iter().map(|a| a.value.as_ref()).collect();
    let joined = values.join(" ");
    policy.may_hold_credential(&joined)
        && !policy.in_script(&Script::argv(&joined, &values)).is_empty()
}

/// A JSON (exec form) RUN holding a credential becomes a shell-form RUN that
/// sources the env file: exec form has no shell to expand `${NAME}`.
fn exec_form(
    cx: &mut Context<'_, '_, '_>,
    idx: usize,
    items: &[crate::syntax::Arg<'_>],
    windows: bool,
) {
    let ins = &cx.d.instructions[idx];
    let values: Vec<&str> = items.iter().map(|a| a.value.as_ref()).collect();
    let joined = values.join(" ");
    if !cx.policy.may_hold_credential(&joined) {
        return;
    }
    let script = Script::argv(&joined, &values);
    let found = cx.policy.in_script(&script);
    if found.is_empty() {
        return;
    }
    let stage = cx.facts.stage(idx);
    let blocked = if windows {
        Some(WINDOWS.to_owned())
    } else if stage.is_some_and(|s| s.no_shell) {
        Some(
            "exec form in a stage without /bin/sh: there is no shell to read a secret file"
                .to_owned(),
        )
    } else if stage.is_some_and(|s| s.foreign_shell) {
        Some("the stage's SHELL is not a POSIX shell".to_owned())
    } else {
        None
    };
    let suppressed = cx.suppressed(Rule::HardcodedCredential, ins.span);
    let mut words = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let value = item.value.as_ref();
        let mine: Vec<&Found> = found.iter().filter(|m| m.word == i).collect();
        // Mask the values where they are written; JSON escapes make offsets
        // in the decoded value differ from the file, so a string that has
        // them is masked whole, inside its quotes.
        let inside = Span::new(item.span.start + 1, item.span.end - 1);
        if inside.text(cx.src()) == value {
            for m in &mine {
                cx.plan.secret_spans.push(Span::new(
                    inside.start + m.range.start,
                    inside.start + m.range.end,
                ));
            }
        } else if !mine.is_empty() {
            cx.plan.secret_spans.push(inside);
        }
        if blocked.is_some() || suppressed {
            for m in &mine {
                cx.report(
                    Rule::HardcodedCredential,
                    item.span,
                    m.kind.describe().into(),
                    blocked.clone(),
                );
            }
            continue;
        }
        if mine.is_empty() {
            words.push(shell::quote::word(value));
            continue;
        }
        let mut word = String::new();
        let mut at = 0;
        for m in mine {
            if m.range.start > at {
                word.push_str(&shell::quote::single(&value[at..m.range.start]));
            }
            let secret = value[m.range.clone()].to_owned();
            let name = cx.name_for_literal(&m.env_name(), &secret);
            word.push_str(&format!("\"${{{name}}}\""));
            moved(cx, idx, item.span, m.kind.describe(), name, secret);
            at = m.range.end;
        }
        if at < value.len() {
            word.push_str(&shell::quote::single(&value[at..]));
        }
        words.push(word);
    }
    if blocked.is_none() && !suppressed {
        let command = format!(
            ". /run/secrets/{} && {}",
            crate::combine::ENV_SECRET_ID,
            words.join(" ")
        );
        cx.plan.edit(Edit::replace(ins.args_span, command));
        cx.plan.sourced.insert(idx);
    }
}
