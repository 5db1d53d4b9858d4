//! Facts about a Dockerfile that every rule reads: its stages (base image,
//! name, the stage it builds on, Windows, the shell), the WORKDIR and USER
//! in effect at each instruction, the variables used in URL user-info, the
//! defaults of the ARGs before the first FROM, and the shell texts of each
//! RUN with their place in the file.

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;

use crate::shell::{Script, SourceMap};
use crate::syntax::{Args, Dockerfile, Heredoc, Instruction, Keyword};

/// One `FROM` and the instructions up to the next.
#[derive(Clone, Debug)]
pub struct Stage {
    /// Instruction indices, the FROM included.
    pub instructions: Range<usize>,
    /// `AS name`, lower-cased.
    pub name: Option<String>,
    /// The image it starts from, as written.
    pub base: String,
    /// The earlier stage it builds on (`FROM build AS test`).
    pub parent: Option<usize>,
    /// Windows or PowerShell: POSIX sourcing does not apply.
    pub windows: bool,
    /// A `SHELL` that is not a POSIX shell (`["/bin/bash", "-c"]` is).
    pub foreign_shell: bool,
    /// Starts from an image with no shell (`scratch`, distroless).
    pub no_shell: bool,
}

/// What the rules read.
pub struct Facts<'d, 's> {
    pub d: &'d Dockerfile<'s>,
    pub stages: Vec<Stage>,
    /// The stage of each instruction (`None` before the first FROM).
    pub stage_of: Vec<Option<usize>>,
    /// The absolute WORKDIR in effect at each instruction, when known.
    pub workdir: Vec<Option<String>>,
    /// A non-root USER is in effect at each instruction.
    pub non_root: Vec<bool>,
    /// Variables that appear in the user-info of a URL anywhere: whatever
    /// they hold is a credential.
    pub userinfo_vars: BTreeSet<String>,
    /// Defaults of the ARGs before the first FROM.
    pub global_args: BTreeMap<String, String>,
    /// Every name an ARG or ENV declares: what a RUN may read.
    pub declared: BTreeSet<String>,
}

/// What a piece of RUN text is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TextKind {
    /// The shell-form command line.
    CommandLine,
    /// `RUN <<EOF` alone: the heredoc body is the script.
    Script,
    /// A heredoc body fed to a command (`cat <<EOF > f`); `expands` when its
    /// delimiter was unquoted.
    Data { expands: bool },
}

/// One shell text of a RUN and where it sits in the file.
pub struct RunText<'d, 's> {
    pub text: &'d str,
    pub map: SourceMap<'d, 's>,
    pub kind: TextKind,
    /// For heredoc bodies: the heredoc.
    pub heredoc: Option<&'d Heredoc>,
    /// The instruction's line holds `<<` where BuildKit's word lexer gave
    /// up (an open quote): an edit that closed the quote would turn the
    /// lines after it into a heredoc. Nothing in such a text is rewritten.
    pub fragile: bool,
}

impl RunText<'_, '_> {
    /// Lexes the text the way its kind is read.
    pub fn lex(&self) -> Script<'_> {
        let mut script = match self.kind {
            TextKind::CommandLine => Script::command_line(self.text),
            TextKind::Script => Script::whole(self.text),
            TextKind::Data { expands } => Script::data(self.text, expands),
        };
        script.incomplete |= self.fragile;
        script
    }
}

/// Images that start without a shell.
fn shell_less(image: &str) -> bool {
    let image = image.to_ascii_lowercase();
    image == "scratch" || image.contains("distroless") || image.contains("chainguard/static")
}

fn text_arg<'a>(ins: &'a Instruction<'_>) -> Option<&'a str> {
    match &ins.args {
        Args::Text(a) => Some(a.value.as_ref()),
        _ => None,
    }
}

/// Joins a path to a directory, as WORKDIR and COPY do.
pub fn join(dir: &str, path: &str) -> String {
    if path.starts_with('/') {
        return path.to_owned();
    }
    let path = path.trim_start_matches("./");
    let path = if path == "." { "" } else { path };
    let mut out = dir.trim_end_matches('/').to_owned();
    if !path.is_empty() {
        out.push('/');
        out.push_str(path);
    } else if out.is_empty() {
        out.push('/');
    }
    out
}

impl<'d, 's> Facts<'d, 's> {
    pub fn new(d: &'d Dockerfile<'s>) -> Self {
        let n = d.instructions.len();
        let mut facts = Facts {
            d,
            stages: Vec::new(),
            stage_of: vec![None; n],
            workdir: vec![None; n],
            non_root: vec![false; n],
            userinfo_vars: crate::secrets::url::userinfo_variables(d.source),
            global_args: BTreeMap::new(),
            declared: BTreeSet::new(),
        };
        // A backtick escape is common on Windows but not proof of it: the
        // base image and SHELL decide.
        let global_windows = false;
        let mut workdir: Option<String> = None;
        let mut non_root = false;
        for (idx, ins) in d.instructions.iter().enumerate() {
            if ins.keyword == Keyword::From {
                facts.start_stage(idx, ins, global_windows);
                workdir = Some("/".into());
                non_root = false;
            }
            let stage = facts.stages.len().checked_sub(1);
            facts.stage_of[idx] = stage;
            if matches!(ins.keyword, Keyword::Arg | Keyword::Env) {
                if let Args::KeyValues(pairs) = &ins.args {
                    facts
                        .declared
                        .extend(pairs.iter().map(|kv| kv.key.value.to_string()));
                }
            }
            match ins.keyword {
                Keyword::Arg if stage.is_none() => {
                    if let Args::KeyValues(pairs) = &ins.args {
                        for kv in pairs {
                            if let Some(v) = &kv.value {
                                facts
                                    .global_args
                                    .insert(kv.key.value.to_string(), v.value.to_string());
                            }
                        }
                    }
                }
                Keyword::Workdir => {
                    if let Some(a) = text_arg(ins) {
                        let dir = a.trim_matches('"');
                        workdir = if dir.contains('$') {
                            None
                        } else if dir.starts_with('/') {
                            Some(dir.to_owned())
                        } else {
                            workdir.map(|w| join(&w, dir))
                        };
                    }
                }
                Keyword::User => {
                    if let Some(a) = text_arg(ins) {
                        let user = a.split(':').next().unwrap_or("");
                        non_root = !(user == "root" || user == "0");
                    }
                }
                Keyword::Shell => {
                    if let (Some(s), Args::Exec(items)) = (stage, &ins.args) {
                        let first = items.first().map(|a| a.value.to_ascii_lowercase());
                        let first = first.unwrap_or_default();
                        if first.contains("powershell")
                            || first.contains("pwsh")
                            || first.contains("cmd")
                        {
                            facts.stages[s].windows = true;
                        }
                        let base = first.rsplit('/').next().unwrap_or(&first).to_owned();
                        facts.stages[s].foreign_shell = !matches!(
                            base.as_str(),
                            "sh" | "bash" | "dash" | "ash" | "zsh" | "ksh" | "mksh" | "busybox"
                        );
                    }
                }
                _ => {}
            }
            facts.workdir[idx] = workdir.clone();
            facts.non_root[idx] = non_root;
        }
        facts
    }

    fn start_stage(&mut self, idx: usize, ins: &Instruction<'_>, global_windows: bool) {
        let words: Vec<&str> = match &ins.args {
            Args::Words(w) => w.iter().map(|a| a.value.as_ref()).collect(),
            _ => Vec::new(),
        };
        let base = words.first().copied().unwrap_or("").to_owned();
        let name = match words.as_slice() {
            [_, as_kw, name, ..] if as_kw.eq_ignore_ascii_case("as") => {
                Some(name.to_ascii_lowercase())
            }
            _ => None,
        };
        let lower = base.to_ascii_lowercase();
        let parent = self
            .stages
            .iter()
            .position(|s| s.name.as_deref() == Some(lower.as_str()));
        let (windows, foreign, no_shell) = match parent {
            Some(p) => {
                let s = &self.stages[p];
                (s.windows, s.foreign_shell, s.no_shell)
            }
            None => (false, false, shell_less(&base)),
        };
        if let Some(last) = self.stages.last_mut() {
            last.instructions.end = idx;
        }
        self.stages.push(Stage {
            instructions: idx..self.d.instructions.len(),
            name,
            base,
            parent,
            windows: windows
                || global_windows
                || lower.contains("windows")
                || lower.contains("nanoserver"),
            foreign_shell: foreign,
            no_shell,
        });
    }

    /// The stage an instruction belongs to.
    pub fn stage(&self, idx: usize) -> Option<&Stage> {
        self.stage_of[idx].map(|s| &self.stages[s])
    }

    /// The last stage: the image `docker build` produces without `--target`.
    pub fn final_stage(&self) -> Option<usize> {
        self.stages.len().checked_sub(1)
    }

    /// Whether RUN `idx` can read the `.env` file by sourcing it with a POSIX
    /// shell, and why not.
    pub fn can_source(&self, idx: usize) -> Result<(), String> {
        let ins = &self.d.instructions[idx];
        if let Some(stage) = self.stage(idx) {
            if stage.windows {
                return Err(crate::rules::secret_build_arg::WINDOWS.into());
            }
            if stage.foreign_shell {
                return Err("the stage's SHELL is not a POSIX shell, which sourcing needs".into());
            }
        }
        if let Some(h) = ins.heredocs.first().filter(|h| h.word == ins.args_span) {
            let body = h.body.text(self.d.source);
            if let Some(shebang) = body.strip_prefix("#!") {
                let line = shebang.lines().next().unwrap_or("").trim();
                let mut words = line.split_whitespace();
                let first = words.next().unwrap_or("");
                let program = match first.rsplit('/').next() {
                    Some("env") => words.find(|w| !w.starts_with('-')).unwrap_or(""),
                    Some(p) => p,
                    None => "",
                };
                let shells = ["sh", "bash", "dash", "ash", "zsh", "ksh", "mksh", "busybox"];
                if !shells.contains(&program) {
                    return Err(format!(
                        "the RUN's script runs under {program} (its #! line), which cannot read a POSIX env file"
                    ));
                }
            }
        }
        if matches!(ins.args, Args::Exec(_)) && self.stage(idx).is_some_and(|s| s.no_shell) {
            return Err(
                "exec form in a stage without /bin/sh: there is no shell to read a secret file"
                    .into(),
            );
        }
        Ok(())
    }

    /// Stage `s` and the stages it builds on (`FROM build AS test`), from
    /// `s` back to the one that starts from an image.
    pub fn lineage(&self, s: usize) -> Vec<usize> {
        let mut out = vec![s];
        let mut at = s;
        // A parent always comes earlier, so this ends.
        while let Some(p) = self.stages[at].parent {
            out.push(p);
            at = p;
        }
        out
    }

    /// Stage `child` is `ancestor` or builds on it, and so inherits its
    /// `ENV`s.
    pub fn inherits(&self, child: usize, ancestor: usize) -> bool {
        self.lineage(child).contains(&ancestor)
    }

    /// The image of stage `s` is part of the final image: `s` is the last
    /// stage or one the last stage builds on.
    pub fn in_final_image(&self, s: usize) -> bool {
        self.final_stage().is_some_and(|f| self.inherits(f, s))
    }

    /// The image the lineage of stage `s` starts from, as written.
    pub fn root_image(&self, s: usize) -> &str {
        let root = *self.lineage(s).last().expect("a lineage holds its stage");
        &self.stages[root].base
    }

    /// The shell texts of a RUN: its command line (shell form) and its
    /// heredoc bodies.
    pub fn run_texts(&self, idx: usize) -> Vec<RunText<'d, 's>> {
        let d = self.d;
        let ins = &d.instructions[idx];
        let mut out = Vec::new();
        let line = ins.line.as_str();
        let fragile = line.contains("<<") && crate::syntax::shell_words_fail(line);
        if let Args::Text(_) = &ins.args {
            let r = ins.args_logical.clone();
            out.push(RunText {
                text: &ins.line.as_str()[r.clone()],
                map: SourceMap::Line {
                    line: &ins.line,
                    offset: r.start,
                },
                kind: TextKind::CommandLine,
                heredoc: None,
                fragile,
            });
        }
        for h in &ins.heredocs {
            let kind = if h.word == ins.args_span {
                TextKind::Script
            } else {
                TextKind::Data { expands: h.expand }
            };
            out.push(RunText {
                text: h.body.text(d.source),
                map: SourceMap::At(h.body.start),
                kind,
                heredoc: Some(h),
                fragile,
            });
        }
        out
    }
}
