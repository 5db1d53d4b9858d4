//! Who needs a secret environment variable: the build, the container, or
//! both. `ENV NAME=...` with a secret-like name is two different problems:
//! a value a `RUN` reads while building is a build secret (a secret mount
//! fixes it); a value the container reads when it runs is a run-time
//! secret, which belongs to the deployment (`docker run --env-file`,
//! compose `env_file:`), not to the build. Moving a run-time secret into
//! the build's `.env` hides it from the image and breaks the container.
//!
//! The rule, for a variable declared by `ENV` (or an `ARG` promoted into
//! an `ENV`) in stage S:
//!
//! * **build reads**: a `RUN` after the declaration in S, or any `RUN` of a
//!   stage built `FROM` S (directly or through others), whose shell expands
//!   it (`$NAME`, `${NAME...}`, in its command line, a `RUN <<EOF` script
//!   or an unquoted heredoc), or that runs a program documented to read it
//!   from the environment ([`readers`]: npm and `NPM_TOKEN`, pip and
//!   `PIP_INDEX_URL`, go and git and `GITHUB_TOKEN`, ...). Nothing else is
//!   proof: see [`readers`] for why that is the safe side.
//! * **possible build reads**: a `RUN` that names it where the shell does
//!   not expand it (single quotes, a quoted heredoc: a git credential
//!   helper, an `.npmrc` holding `${NPM_TOKEN}`, read by whoever runs git
//!   or npm later, in the build or in the container), or that runs a
//!   program whose config files interpolate any variable (npm, pip, mvn,
//!   ...). These count as build reads when the container may need the
//!   variable too (they make **both**), never as proof that it does not.
//! * **run-time reads**: a `CMD`, `ENTRYPOINT`, `HEALTHCHECK` or `ONBUILD`
//!   that names it, in S, in a stage S builds on (whose `CMD` S inherits)
//!   or in a stage built from S; and, when S is part of the final image
//!   (the last stage, or one it is built `FROM`): the image the final
//!   image starts from is known to read it ([`images`]), or no `RUN` is
//!   known to read it — then it can only be there for the container.
//! * The variable is a **build** secret when only build reads were found
//!   (or none: a stage the final image does not inherit is build-only), a
//!   **run-time** secret when only run-time reads were, and **both** when
//!   both were.

mod images;
mod readers;

#[cfg(test)]
mod tests;

use serde::Serialize;

use crate::facts::Facts;
use crate::secrets::url::references;
use crate::shell::Script;
use crate::syntax::{Args, Instruction, Keyword};

/// What needs a secret environment variable.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Use {
    /// `RUN` steps read it while building.
    Build,
    /// The container reads it when it runs.
    Runtime,
    /// Both.
    Both,
}

impl Use {
    pub fn as_str(self) -> &'static str {
        match self {
            Use::Build => "build",
            Use::Runtime => "runtime",
            Use::Both => "both",
        }
    }

    /// The container needs it.
    pub fn at_runtime(self) -> bool {
        self != Use::Build
    }
}

/// How a `RUN` reads the variable.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum How {
    /// Its text names it.
    Named,
    /// It runs a program that reads it from the environment.
    Program(String),
    /// It runs a program whose config files may read it (`${VAR}` in an
    /// `.npmrc`): not proof of a read.
    Config(String),
    /// It names it where the shell does not expand it (a git credential
    /// helper in single quotes): a later reader may read it.
    Unexpanded,
}

impl How {
    /// The read is known, not only possible.
    pub fn certain(&self) -> bool {
        !matches!(self, How::Config(_) | How::Unexpanded)
    }
}

/// A `RUN` that reads the variable while building.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BuildRead {
    /// The instruction index.
    pub run: usize,
    pub how: How,
    /// The `RUN` is in exec form: it cannot source an env file.
    pub exec: bool,
}

/// Why the container needs the variable.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RuntimeRead {
    /// `CMD`, `ENTRYPOINT`, `HEALTHCHECK` or `ONBUILD` names it.
    Instruction { idx: usize, keyword: Keyword },
    /// The image the final image starts from reads it (its name).
    BaseImage(&'static str),
    /// It stays in the final image and no `RUN` is known to read it.
    Unread,
}

/// What reads one variable.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Classification {
    pub build: Vec<BuildRead>,
    pub runtime: Vec<RuntimeRead>,
    /// The declaring stage is part of the final image.
    pub in_final_image: bool,
}

impl Classification {
    pub fn env_use(&self) -> Use {
        match (self.build.is_empty(), self.runtime.is_empty()) {
            (_, true) => Use::Build,
            (true, false) => Use::Runtime,
            (false, false) => Use::Both,
        }
    }

    /// An `ONBUILD` step names it: a child image's build reads it from this
    /// image's config.
    pub fn onbuild(&self) -> Option<usize> {
        self.runtime.iter().find_map(|r| match r {
            RuntimeRead::Instruction {
                idx,
                keyword: Keyword::Onbuild,
            } => Some(*idx),
            _ => None,
        })
    }

    /// The exec-form `RUN`s that read it.
    pub fn exec_readers(&self) -> impl Iterator<Item = usize> + '_ {
        self.build.iter().filter(|r| r.exec).map(|r| r.run)
    }

    /// A few words on who reads it, for a finding's message:
    /// `the build reads it (RUN, line 3: npm)`,
    /// `a run-time secret: the container reads it (the mysql image)`.
    pub fn describe(&self, instructions: &[Instruction<'_>]) -> String {
        let certain = self.build.iter().any(|r| r.how.certain());
        let first = self
            .build
            .iter()
            .find(|r| r.how.certain())
            .or(self.build.first());
        let build = first.map(|r| {
            let line = instructions[r.run].start_line;
            match &r.how {
                How::Named => format!("RUN, line {line}"),
                How::Program(p) => format!("RUN, line {line}: {p}"),
                How::Config(p) => format!("RUN, line {line}: {p}, through its config files"),
                How::Unexpanded => format!("RUN, line {line} names it for a later reader"),
            }
        });
        let runtime = self.runtime.first().map(|r| match r {
            RuntimeRead::Instruction {
                idx,
                keyword: Keyword::Onbuild,
            } => format!(
                "ONBUILD, line {}, in the builds of images made FROM it",
                instructions[*idx].start_line
            ),
            RuntimeRead::Instruction { idx, keyword } => format!(
                "{}, line {}",
                keyword.name().unwrap_or("?"),
                instructions[*idx].start_line
            ),
            RuntimeRead::BaseImage(image) => format!("the {image} image"),
            RuntimeRead::Unread => {
                "no RUN is known to read it and it stays in the image".to_owned()
            }
        });
        match (build, runtime) {
            (Some(b), None) if self.in_final_image => {
                format!("the build reads it ({b}); nothing shows the container does")
            }
            (Some(b), None) => format!("the build reads it ({b})"),
            (Some(b), Some(r)) if certain => {
                format!("the build ({b}) and the container ({r}) read it")
            }
            (Some(b), Some(r)) => {
                format!("the build may read it ({b}) and the container may need it ({r})")
            }
            (None, Some(r)) if self.runtime == [RuntimeRead::Unread] => {
                format!("a run-time secret: {r}")
            }
            (None, Some(r)) if self.onbuild().is_some() => {
                format!("needed after this build ({r})")
            }
            (None, Some(r)) => format!("a run-time secret: the container reads it ({r})"),
            (None, None) => "no RUN reads it, and the final image does not keep it".to_owned(),
        }
    }
}

/// Classifies the variable `name` that instruction `decl` of stage `stage`
/// declares; `env` when it is (or becomes) an `ENV`, which stages built
/// from `stage` inherit. An `ARG` alone is always a build secret.
pub fn classify(
    facts: &Facts<'_, '_>,
    stage: usize,
    decl: usize,
    name: &str,
    env: bool,
) -> Classification {
    let d = facts.d;
    let in_final_image = env && facts.in_final_image(stage);
    let mut build = Vec::new();
    let mut runtime = Vec::new();
    for (idx, ins) in d.instructions.iter().enumerate() {
        let Some(s) = facts.stage_of[idx] else {
            continue;
        };
        let same = s == stage;
        let child = env && !same && facts.inherits(s, stage);
        let parent = env && !same && facts.inherits(stage, s);
        match ins.keyword {
            Keyword::Run if (same && idx > decl) || child => {
                if let Some(read) = run_reads(facts, idx, name) {
                    build.push(read);
                }
            }
            Keyword::Cmd | Keyword::Entrypoint | Keyword::Healthcheck | Keyword::Onbuild
                if env
                    && (same || child || parent)
                    && references(ins.span.text(d.source), name) =>
            {
                runtime.push(RuntimeRead::Instruction {
                    idx,
                    keyword: ins.keyword,
                });
            }
            _ => {}
        }
    }
    if in_final_image {
        if let Some(image) = images::reads(facts.root_image(stage), name) {
            runtime.push(RuntimeRead::BaseImage(image));
        }
        if runtime.is_empty() && !build.iter().any(|r| r.how.certain()) {
            runtime.push(RuntimeRead::Unread);
        }
    }
    Classification {
        build,
        runtime,
        in_final_image,
    }
}

/// How RUN `idx` reads `name`, if it does.
fn run_reads(facts: &Facts<'_, '_>, idx: usize, name: &str) -> Option<BuildRead> {
    let ins = &facts.d.instructions[idx];
    if let Args::Exec(items) = &ins.args {
        let argv: Vec<&str> = items.iter().map(|a| a.value.as_ref()).collect();
        return exec_reads(&argv, name).map(|how| BuildRead {
            run: idx,
            how,
            exec: true,
        });
    }
    let texts = facts.run_texts(idx);
    let scripts: Vec<Script<'_>> = texts.iter().map(|t| t.lex()).collect();
    let how = if scripts.iter().any(|s| s.reads(name)) {
        How::Named
    } else if let Some(how) = scripts.iter().find_map(|s| script_reads(s, name, true)) {
        how
    } else if texts.iter().any(|t| references(t.text, name)) {
        How::Unexpanded
    } else {
        scripts.iter().find_map(|s| script_reads(s, name, false))?
    };
    Some(BuildRead {
        run: idx,
        how,
        exec: false,
    })
}

/// A program of `script` that reads `name` by itself (`certain`), or one
/// that may through its config files.
fn script_reads(script: &Script<'_>, name: &str, certain: bool) -> Option<How> {
    script.commands.iter().find_map(|cmd| {
        let program = script.program(cmd)?;
        let args: Vec<&str> = script.args(cmd).iter().map(|&w| script.value(w)).collect();
        program_reads(program, &args, name).filter(|h| h.certain() == certain)
    })
}

/// An exec-form command: its program, or the script of `sh -c '...'`.
fn exec_reads(argv: &[&str], name: &str) -> Option<How> {
    let (first, args) = argv.split_first()?;
    let program = first.rsplit('/').next().unwrap_or(first);
    if matches!(program, "sh" | "bash" | "dash" | "ash" | "zsh") {
        if let Some(i) = args.iter().position(|a| *a == "-c") {
            let text = args.get(i + 1)?;
            if references(text, name) {
                return Some(How::Named);
            }
            let script = Script::command_line(text);
            return script_reads(&script, name, true)
                .or_else(|| script_reads(&script, name, false));
        }
    }
    program_reads(program, args, name)
}

/// `program args...` reads `name` by itself (`python -m pip` as `pip`).
fn program_reads(program: &str, args: &[&str], name: &str) -> Option<How> {
    let program = if program.starts_with("python") {
        match args.iter().position(|a| *a == "-m") {
            Some(i) => args.get(i + 1).copied()?,
            None => program,
        }
    } else {
        program
    };
    if program == "git" && !readers::git_uses_remote(args) {
        return None;
    }
    if readers::reads(program, name) {
        Some(How::Program(program.to_owned()))
    } else if readers::may_read(program) {
        Some(How::Config(program.to_owned()))
    } else {
        None
    }
}
