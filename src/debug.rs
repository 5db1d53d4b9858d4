//! `dfix debug parse FILE`: the syntax layer's view of a file, one JSON object
//! per instruction. Stable: scripts and bug reports rely on it.

use serde::Serialize;

use crate::syntax::{Args, Dockerfile, Instruction, Span};

#[derive(Serialize)]
struct FlagView<'a> {
    name: &'a str,
    value: Option<&'a str>,
    start: usize,
    end: usize,
}

#[derive(Serialize)]
struct HeredocView<'a> {
    name: &'a str,
    fd: u32,
    chomp: bool,
    expand: bool,
    word: Span,
    body: Span,
    terminator: Span,
}

#[derive(Serialize)]
struct InstructionView<'a> {
    keyword: String,
    start_line: usize,
    end_line: usize,
    start: usize,
    end: usize,
    keyword_span: Span,
    flags: Vec<FlagView<'a>>,
    /// `none`, `shell`, `text`, `exec`, `words`, `pairs`, `healthcheck`, `onbuild`, `ignored`.
    form: &'static str,
    args: Span,
    heredocs: Vec<HeredocView<'a>>,
}

fn form(ins: &Instruction) -> &'static str {
    match &ins.args {
        Args::None => "none",
        Args::Ignored => "ignored",
        Args::Text(_) if ins.keyword.takes_shell_form() => "shell",
        Args::Text(_) => "text",
        Args::Exec(_) => "exec",
        Args::Words(_) => "words",
        Args::KeyValues(_) => "pairs",
        Args::Health { .. } => "healthcheck",
        Args::Sub(_) => "onbuild",
    }
}

fn view<'a>(source: &str, ins: &'a Instruction) -> InstructionView<'a> {
    InstructionView {
        keyword: ins.keyword_upper(source),
        start_line: ins.start_line,
        end_line: ins.end_line,
        start: ins.span.start,
        end: ins.span.end,
        keyword_span: ins.keyword_span,
        flags: ins
            .flags
            .iter()
            .map(|f| FlagView {
                name: f.name(),
                value: f.value(),
                start: f.span.start,
                end: f.span.end,
            })
            .collect(),
        form: form(ins),
        args: ins.args_span,
        heredocs: ins
            .heredocs
            .iter()
            .map(|h| HeredocView {
                name: &h.name,
                fd: h.fd,
                chomp: h.chomp,
                expand: h.expand,
                word: h.word,
                body: h.body,
                terminator: h.terminator,
            })
            .collect(),
    }
}

/// One JSON line per instruction.
pub fn parse_dump(dockerfile: &Dockerfile) -> String {
    let mut out = String::new();
    for ins in &dockerfile.instructions {
        out.push_str(&serde_json::to_string(&view(dockerfile.source, ins)).expect("serializable"));
        out.push('\n');
    }
    out
}
