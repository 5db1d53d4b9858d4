//! Makefiles: each recipe line is its own shell, run in the Makefile's
//! directory; `$$` is the shell's dollar and `$(VAR)` make's. A make variable
//! reaches the recipe's environment when it comes from the environment or the
//! command line, or is exported; one the Makefile sets without `export`
//! does not, so its pass sites are reported.

use std::path::Path;

use super::embed::{Embedded, Host, Script};
use super::scan::{self, Ctx, Cwd, Env, Found};
use crate::syntax::Span;

/// A Makefile's variables: which are assigned, which exported.
#[derive(Default)]
pub(crate) struct Vars {
    assigned: Vec<String>,
    exported: Vec<String>,
    export_all: bool,
}

impl Vars {
    pub fn unexported(&self, name: &str) -> Option<String> {
        let set = self.assigned.iter().any(|a| a == name);
        let exported = self.export_all || self.exported.iter().any(|e| e == name);
        (set && !exported).then(|| {
            format!("`{name}` is set in the Makefile without `export`, so the recipe's shell does not have it (add `export {name}`)")
        })
    }
}

/// The recipe lines of `src` (each with the continuation lines it joins, as
/// make hands them to the shell) and the variables.
pub(crate) fn read(src: &str) -> (Vec<Embedded>, Vars) {
    let mut vars = Vars::default();
    let mut recipes = Vec::new();
    let lines: Vec<(usize, &str)> = {
        let mut at = 0;
        src.split_inclusive('\n')
            .map(|l| {
                let r = (at, l);
                at += l.len();
                r
            })
            .collect()
    };
    let mut in_rule = false;
    let mut i = 0;
    while i < lines.len() {
        let (at, line) = lines[i];
        let body = line.trim_end_matches(['\n', '\r']);
        if in_rule && body.starts_with('\t') {
            // A recipe line and its continuations.
            let mut e = Embedded::default();
            let mut start = at + 1;
            let mut text = &body[1..];
            loop {
                let prefix = text.len() - text.trim_start_matches(['@', '-', '+', ' ']).len();
                if e.text.is_empty() {
                    start += prefix;
                    text = &text[prefix..];
                }
                e.push_raw(text, start);
                let continued = text.ends_with('\\') && i + 1 < lines.len();
                if !continued {
                    break;
                }
                // The line ending of this line (not of the rule's first).
                let line = lines[i].1;
                let eol = line.len() - line.trim_end_matches(['\n', '\r']).len();
                e.push_raw("\n", start + text.len() + eol.saturating_sub(1));
                i += 1;
                let (next_at, next) = lines[i];
                let next_body = next.trim_end_matches(['\n', '\r']);
                let tab = usize::from(next_body.starts_with('\t'));
                start = next_at + tab;
                text = &next_body[tab..];
            }
            recipes.push(e);
            i += 1;
            continue;
        }
        let trimmed = body.trim_start();
        if body.is_empty() || trimmed.starts_with('#') {
            i += 1;
            continue;
        }
        in_rule = false;
        if let Some(rest) = trimmed
            .strip_prefix("export ")
            .or_else(|| trimmed.strip_prefix("export\t"))
        {
            let names = rest.split(['=', ':', '?', '+', '!']).next().unwrap_or("");
            vars.exported
                .extend(names.split_whitespace().map(str::to_owned));
            if let Some(name) = assigned_name(rest) {
                vars.assigned.push(name);
            }
        } else if trimmed.starts_with(".EXPORT_ALL_VARIABLES") {
            vars.export_all = true;
        } else if let Some(name) = trimmed.strip_prefix("define ") {
            vars.assigned
                .push(name.split_whitespace().next().unwrap_or("").to_owned());
        } else if let Some(name) =
            assigned_name(trimmed.strip_prefix("override ").unwrap_or(trimmed))
        {
            vars.assigned.push(name);
        } else if let Some((targets, recipe)) = rule(trimmed) {
            in_rule = true;
            let _ = targets;
            if let Some(r) = recipe {
                let start = at + (body.len() - trimmed.len()) + r;
                recipes.push(Embedded::identity(&trimmed[r..], start));
            }
        }
        i += 1;
    }
    (recipes, vars)
}

/// `NAME = ...`, `NAME := ...`, `NAME ?= ...` and the like.
fn assigned_name(line: &str) -> Option<String> {
    let op = line.find(['=', ':', '?', '+', '!'])?;
    let name = line[..op].trim();
    let rest = &line[op..];
    let is_op = ["=", ":=", "::=", ":::=", "?=", "+=", "!="]
        .iter()
        .any(|o| rest.starts_with(o));
    (is_op && super::sh::is_name(name)).then(|| name.to_owned())
}

/// A rule line: its targets and the offset of a `; recipe` on it.
fn rule(line: &str) -> Option<(&str, Option<usize>)> {
    let colon = line.find(':')?;
    if line[colon..].starts_with(":=") || line[..colon].contains('=') {
        return None;
    }
    let recipe = line[colon..].find(';').map(|s| colon + s + 1);
    let recipe = recipe.map(|r| r + line[r..].len() - line[r..].trim_start().len());
    Some((&line[..colon], recipe))
}

pub(crate) fn discover(ctx: &Ctx, out: &mut Found) -> Result<(), String> {
    let (recipes, vars) = read(ctx.src);
    let dir = ctx.file.parent().unwrap_or(Path::new("")).to_path_buf();
    let check = |name: &str| vars.unexported(name);
    let env = Env {
        make_unexported: Some(&check),
        ..Env::default()
    };
    for e in recipes {
        let fallback = e.raw(Span::new(0, 0)).unwrap_or_default();
        let script = Script::new(e, Host::Make);
        let mut cwd = Cwd::Known(dir.clone());
        scan::scan(ctx, &script, &mut cwd, &env, fallback, out);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recipes_and_variables() {
        let src = "export A\nB ?= x\nC := $(shell cat c)\n.PHONY: all\nall: dep ; echo $$HOME\n\t@docker build \\\n\t\t--build-arg A=$(A) .\n\n# c\nx:\n\techo x\n";
        let (recipes, vars) = read(src);
        let texts: Vec<&str> = recipes.iter().map(|e| e.text.as_str()).collect();
        assert_eq!(
            texts,
            [
                "echo $$HOME",
                "docker build \\\n\t--build-arg A=$(A) .",
                "echo x"
            ]
        );
        let e = &recipes[1];
        let at = e.text.find("--build-arg").unwrap();
        let raw = e.raw(Span::new(at, at + 11)).unwrap();
        assert_eq!(raw.text(src), "--build-arg");
        assert!(vars.unexported("A").is_none());
        assert!(vars.unexported("B").is_some());
        assert!(vars.unexported("D").is_none());
    }

    #[test]
    fn a_continuation_line_longer_or_shorter_than_the_first() {
        for src in [
            "image:\n\tdocker build --network=host --no-cache \\\n\t\t--build-arg T=$(T) \\\n\t\t-t x .\n",
            "image:\n\tdocker build \\\r\n\t\t--build-arg TOKEN_WITH_A_LONG_NAME=$(T) .\r\n",
        ] {
            let (recipes, _) = read(src);
            assert_eq!(recipes.len(), 1);
            let e = &recipes[0];
            let at = e.text.find("--build-arg").unwrap();
            let raw = e.raw(Span::new(at, at + 11)).unwrap();
            assert_eq!(raw.text(src), "--build-arg");
        }
    }
}
