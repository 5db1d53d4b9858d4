//! What a tool does with a credential it is given: whether it writes it
//! into a file of the image (`git clone` keeps the URL in `.git/config`,
//! `aws configure set` writes `~/.aws/credentials`, `docker login` writes
//! `~/.docker/config.json`), and the remedy that keeps it out: the tool's
//! own environment variables in `.env` instead of the file, a tmpfs over the
//! tool's config directory for the one RUN, or undoing it in the same RUN.
//! Each tool's file says which applies to it; this module holds what they
//! share.

use std::ops::Range;

use crate::shell::{Command, Script};

/// How a credential reaches a word of a command.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Carrier {
    /// A literal, now in `.env` as `name`: its bytes in the word's value.
    Literal { range: Range<usize>, name: String },
    /// A reference to a secret variable the build reads from `.env`.
    Variable(String),
}

/// A command that may persist a credential, as the remedies see it.
pub struct Input<'a> {
    pub script: &'a Script<'a>,
    pub cmd: &'a Command,
    pub program: &'a str,
    pub args: &'a [usize],
    /// The credentials each word carries (by word index).
    pub carriers: &'a [(usize, Carrier)],
    /// The home directory of the user the RUN runs as, when known.
    pub home: Option<&'a str>,
    /// Variables a RUN may read besides the secrets (declared by an ARG or
    /// ENV): a template may name them too.
    pub known: &'a std::collections::BTreeSet<String>,
}

impl Input<'_> {
    pub fn value(&self, w: usize) -> &str {
        self.script.value(w)
    }

    /// The word carries a credential.
    pub fn carries(&self, w: usize) -> bool {
        self.carriers.iter().any(|(c, _)| *c == w)
    }

    /// Any argument (or assignment) carries one.
    pub fn any(&self) -> bool {
        !self.carriers.is_empty()
    }

    /// The positional arguments, with the words that follow options taking
    /// a value (`takes`) skipped.
    pub fn positional(&self, takes: &[&str]) -> Vec<usize> {
        let mut out = Vec::new();
        let mut skip = false;
        for &w in self.args {
            let v = self.value(w);
            if skip {
                skip = false;
            } else if v.starts_with('-') {
                skip = takes.contains(&v);
            } else {
                out.push(w);
            }
        }
        out
    }

    /// The value of option `name` (`--name V` or `--name=V`): its word and
    /// where the value starts in it.
    pub fn option(&self, names: &[&str]) -> Option<(usize, usize)> {
        let mut it = self.args.iter().peekable();
        while let Some(&w) = it.next() {
            let v = self.value(w);
            for name in names {
                if v == *name {
                    return it.peek().map(|&&n| (n, 0));
                }
                if let Some(rest) = v.strip_prefix(name) {
                    if rest.starts_with('=') {
                        return Some((w, name.len() + 1));
                    }
                }
            }
        }
        None
    }

    /// The text of value bytes `r` of word `w` as the inside of a
    /// double-quoted `.env` value: literal credentials and secret variables
    /// become `${NAME}`, other text is escaped. `None` when it holds an
    /// expansion `.env` cannot make (`$(..)`, a variable the build does not
    /// read from `.env`) or a backtick.
    pub fn template(&self, w: usize, r: Range<usize>) -> Option<String> {
        let word = &self.script.words[w];
        let value = &word.value;
        let literals: Vec<(&Range<usize>, &str)> = self
            .carriers
            .iter()
            .filter(|(c, _)| *c == w)
            .filter_map(|(_, c)| match c {
                Carrier::Literal { range, name } => Some((range, name.as_str())),
                Carrier::Variable(_) => None,
            })
            .collect();
        let variables: Vec<&str> = self
            .carriers
            .iter()
            .filter(|(c, _)| *c == w)
            .filter_map(|(_, c)| match c {
                Carrier::Variable(n) => Some(n.as_str()),
                Carrier::Literal { .. } => None,
            })
            .collect();
        let mut out = String::new();
        for (run, dynamic) in word.runs() {
            let run = run.start.max(r.start)..run.end.min(r.end);
            if run.is_empty() {
                continue;
            }
            if dynamic {
                for name in references(&value[run.clone()])? {
                    if !variables.contains(&name) && !self.known.contains(name) {
                        return None;
                    }
                    out.push_str(&format!("${{{name}}}"));
                }
                continue;
            }
            let mut at = run.start;
            while at < run.end {
                if let Some((lit, name)) = literals.iter().find(|(l, _)| l.start == at) {
                    if lit.end > run.end {
                        return None;
                    }
                    out.push_str(&format!("${{{name}}}"));
                    at = lit.end;
                    continue;
                }
                let c = value[at..].chars().next()?;
                match c {
                    '`' | '\n' | '\r' | '\0' => return None,
                    '"' | '\\' | '$' => {
                        out.push('\\');
                        out.push(c);
                    }
                    c => out.push(c),
                }
                at += c.len_utf8();
            }
        }
        Some(out)
    }
}

/// The variable names of a run of expansions (`$A`, `${B}`, `$A${B}`), or
/// `None` for anything else (`${A:-x}`, `$(cmd)`, `$1`).
fn references(text: &str) -> Option<Vec<&str>> {
    let mut out = Vec::new();
    let mut rest = text;
    while !rest.is_empty() {
        rest = rest.strip_prefix('$')?;
        let (name, after) = match rest.strip_prefix('{') {
            Some(inner) => {
                let end = inner.find('}')?;
                (&inner[..end], &inner[end + 1..])
            }
            None => {
                let end = rest
                    .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                    .unwrap_or(rest.len());
                (&rest[..end], &rest[end..])
            }
        };
        if !crate::shell::is_name(name) {
            return None;
        }
        out.push(name);
        rest = after;
    }
    Some(out)
}

/// What to do about a command.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Keeps {
    /// The tool keeps nothing: moving the credential out of the text is
    /// enough.
    Nothing,
    /// It would keep the credential; this keeps it out.
    Fix(Remedy),
    /// It keeps the credential and dfix cannot keep it out: why.
    Manual(String),
}

/// Changes that keep a tool from writing a credential into the image.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Remedy {
    /// What the tool would do and what dfix does instead, for the finding.
    pub describe: String,
    /// Give value bytes of words a new value (the rule quotes it for where
    /// it stands): (word, value range, new value, taken literally).
    pub replace: Vec<(usize, Range<usize>, String)>,
    /// Drop the whole command.
    pub remove: bool,
    /// `.env` entries made of others: (name, template).
    pub derived: Vec<(String, String)>,
    /// git configuration through `GIT_CONFIG_*`: (key, value) templates.
    pub git_config: Vec<(String, String)>,
    /// Composer auth: (kind, host, JSON value template).
    pub composer_auth: Vec<(String, String, String)>,
    /// A tmpfs over these directories for the RUN.
    pub tmpfs: Vec<String>,
    /// A command to run after the rest of the RUN (`gem sources --remove`).
    pub undo: Option<String>,
    /// Later RUNs of the stage that run this program need the `.env` file
    /// (the config the command wrote served them).
    pub later_runs: Option<&'static str>,
}

/// Upper-case, non-alphanumerics as `_`: a tool's variable-name part.
pub fn env_part(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_uppercase()
            } else {
                '_'
            }
        })
        .collect()
}

/// Escapes text for a JSON string inside a double-quoted shell word.
pub fn json_in_template(template: &str) -> Option<String> {
    // A template's literal text is already escaped for the shell word; JSON
    // additionally needs `"` and `\` escaped, which the shell escaping of the
    // template makes `\"` and `\\`: those would need doubling, so refuse.
    if template.contains("\\\"") || template.contains("\\\\") {
        return None;
    }
    Some(template.to_owned())
}

/// For `sh -c 'STRING'` (bash, dash, ash, zsh too) whose string carries a
/// credential: the first command in the string that may write what it is
/// given into the image (its tool's remedy says it keeps the credential,
/// or it redirects its output into a file).
pub fn shell_string_keeper(outer: &Input<'_>) -> Option<String> {
    let (script, cmd, program, carriers) = (outer.script, outer.cmd, outer.program, outer.carriers);
    if !matches!(program, "sh" | "bash" | "dash" | "ash" | "zsh" | "ksh") {
        return None;
    }
    let args = script.args(cmd);
    let at = args.iter().position(|&w| {
        let v = script.value(w);
        v.starts_with('-') && !v.starts_with("--") && v.contains('c')
    })?;
    let string = *args.get(at + 1)?;
    let carried: Vec<&Carrier> = carriers
        .iter()
        .filter(|(w, _)| *w == string)
        .map(|(_, c)| c)
        .collect();
    if carried.is_empty() {
        return None;
    }
    let text = script.value(string);
    let inner = Script::command_line(text);
    // The inner words that hold what the string carried.
    let inner_carriers: Vec<(usize, Carrier)> = (0..inner.words.len())
        .filter_map(|w| {
            let v = inner.value(w);
            carried.iter().find_map(|c| {
                let held = match c {
                    Carrier::Literal { range, .. } => text
                        .get(range.clone())
                        .is_some_and(|lit| !lit.is_empty() && v.contains(lit)),
                    Carrier::Variable(name) => crate::secrets::url::references(v, name),
                };
                held.then(|| (w, (*c).clone()))
            })
        })
        .collect();
    inner.commands.iter().find_map(|c| {
        let p = inner.program(c)?;
        let mine: Vec<(usize, Carrier)> = inner_carriers
            .iter()
            .filter(|(w, _)| crate::secrets::detect::command_words(&inner, c).contains(w))
            .cloned()
            .collect();
        let kept = crate::tools::tool(p)
            .and_then(|t| t.persist)
            .is_some_and(|persist| {
                let input = Input {
                    script: &inner,
                    cmd: c,
                    program: p,
                    args: inner.args(c),
                    carriers: &mine,
                    home: outer.home,
                    known: outer.known,
                };
                !matches!(persist(&input), Keeps::Nothing)
            });
        let written = !mine.is_empty()
            && c.redirects.iter().any(|r| {
                r.target.is_some()
                    && matches!(
                        r.op,
                        crate::shell::RedirectOp::Out
                            | crate::shell::RedirectOp::Append
                            | crate::shell::RedirectOp::Clobber
                            | crate::shell::RedirectOp::OutErr
                            | crate::shell::RedirectOp::AppendOutErr
                    )
            });
        (kept || written).then(|| p.to_owned())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input_template(text: &str, word: usize, carriers: Vec<(usize, Carrier)>) -> Option<String> {
        let script = Script::command_line(text);
        let cmd = &script.commands[0];
        let known = std::collections::BTreeSet::new();
        let input = Input {
            script: &script,
            cmd,
            program: "x",
            args: &[],
            carriers: &carriers,
            home: Some("/root"),
            known: &known,
        };
        let len = script.words[word].value.len();
        input.template(word, 0..len)
    }

    #[test]
    fn templates_reference_env_entries_and_escape_the_rest() {
        let lit = |r: Range<usize>, n: &str| Carrier::Literal {
            range: r,
            name: n.into(),
        };
        assert_eq!(
            input_template(
                "git clone https://ci:s3cret@h/r",
                2,
                vec![(2, lit(11..17, "PW"))]
            )
            .as_deref(),
            Some("https://ci:${PW}@h/r")
        );
        assert_eq!(
            input_template(
                "x \"https://${TOKEN}@h/\"",
                1,
                vec![(1, Carrier::Variable("TOKEN".into()))]
            )
            .as_deref(),
            Some("https://${TOKEN}@h/")
        );
        assert_eq!(
            input_template("x 'a\"b$c'", 1, vec![]).as_deref(),
            Some("a\\\"b\\$c")
        );
        // An expansion that is not a secret variable, a command substitution.
        assert_eq!(input_template("x https://$USER@h/", 1, vec![]), None);
        assert_eq!(input_template("x $(cat t)", 3, vec![]), None);
    }
}
