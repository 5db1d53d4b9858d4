//! The syntax layer, feature by feature: each test is an example of one rule
//! BuildKit applies, with the spans we promise.

use dfix::syntax::{parse, parse_bytes, Args, Keyword, SyntaxErrorKind};

fn keywords(src: &str) -> Vec<(String, usize, usize)> {
    let d = parse(src).unwrap();
    d.instructions
        .iter()
        .map(|i| (i.keyword_upper(src), i.start_line, i.end_line))
        .collect()
}

fn kw(list: &[(&str, usize, usize)]) -> Vec<(String, usize, usize)> {
    list.iter().map(|&(k, s, e)| (k.to_owned(), s, e)).collect()
}

#[test]
fn directives_at_the_top_only() {
    let src = "# syntax=docker/dockerfile:1\n# check=skip=all\n# escape=`\nFROM x\nRUN a `\n  b\n";
    let d = parse(src).unwrap();
    assert_eq!(d.escape, '`');
    let names: Vec<_> = d
        .directives
        .iter()
        .map(|d| (d.name.as_str(), d.value.as_str()))
        .collect();
    assert_eq!(
        names,
        [
            ("syntax", "docker/dockerfile:1"),
            ("check", "skip=all"),
            ("escape", "`")
        ]
    );
    assert_eq!(d.directives[2].span.text(src), "# escape=`");
    assert_eq!(keywords(src), kw(&[("FROM", 4, 4), ("RUN", 5, 6)]));

    // A comment, a blank line or an instruction ends the directives.
    for src in [
        "# hello\n# escape=`\nFROM x\nRUN a `\nb\n",
        "\n# escape=`\nFROM x\nRUN a `\nb\n",
    ] {
        let d = parse(src).unwrap();
        assert_eq!(d.escape, '\\');
        assert_eq!(d.instructions.len(), 3, "{src:?}");
    }
}

#[test]
fn directive_errors() {
    let dup = parse("# escape=`\n# escape=\\\nFROM x\n").unwrap_err();
    assert_eq!(
        dup.kind,
        SyntaxErrorKind::DuplicateDirective("escape".into())
    );
    assert_eq!(dup.position.line, 2);
    let bad = parse("# escape=x\nFROM x\n").unwrap_err();
    assert_eq!(bad.kind, SyntaxErrorKind::InvalidEscape("x".into()));
}

#[test]
fn continuations_as_buildkit_joins_them() {
    let src = "FROM x\nRUN a \\\n  # comment \\\n\n   \n  b \\ \t\nc\nRUN d \\\\\nRUN e\n";
    assert_eq!(
        keywords(src),
        kw(&[("FROM", 1, 1), ("RUN", 2, 7), ("RUN", 8, 8), ("RUN", 9, 9)])
    );
    let d = parse(src).unwrap();
    let run = &d.instructions[1];
    assert_eq!(run.line.as_str(), "RUN a   b c");
    match &run.args {
        Args::Text(a) => {
            assert_eq!(a.value, "a   b c");
            // The span runs from `a` to `c` in the original, across the comment.
            assert!(a.span.text(src).starts_with("a \\\n  # comment"));
            assert!(a.span.text(src).ends_with("\nc"));
        }
        other => panic!("{other:?}"),
    }
    // An escaped escape at the end of a line does not continue it.
    assert_eq!(d.instructions[2].args_span.text(src), "d \\\\");
}

#[test]
fn continuation_at_end_of_file_and_backtick_escape() {
    assert_eq!(
        keywords("FROM x\nRUN a \\"),
        kw(&[("FROM", 1, 1), ("RUN", 2, 2)])
    );
    assert_eq!(
        keywords("FROM x\nRUN a \\\n# only a comment"),
        kw(&[("FROM", 1, 1), ("RUN", 2, 3)])
    );
    let src = "# escape=`\nFROM x\nWORKDIR C:\\app\\\nRUN dir `\n  /b\n";
    assert_eq!(
        keywords(src),
        kw(&[("FROM", 2, 2), ("WORKDIR", 3, 3), ("RUN", 4, 5)])
    );
}

#[test]
fn heredocs_with_bodies_and_spans() {
    let src = "FROM x\nRUN <<EOF\necho hi\nEOF\nCOPY <<-\"A\" 3<<B /dest\n\tone\n\tA\ntwo\nB\nRUN after\n";
    let d = parse(src).unwrap();
    assert_eq!(
        keywords(src),
        kw(&[
            ("FROM", 1, 1),
            ("RUN", 2, 4),
            ("COPY", 5, 9),
            ("RUN", 10, 10)
        ])
    );
    let run = &d.instructions[1];
    assert_eq!(run.span.text(src), "RUN <<EOF\necho hi\nEOF");
    let h = &run.heredocs[0];
    assert_eq!(
        (h.name.as_str(), h.fd, h.chomp, h.expand),
        ("EOF", 0, false, true)
    );
    assert_eq!(h.word.text(src), "<<EOF");
    assert_eq!(h.body.text(src), "echo hi\n");
    assert_eq!(h.terminator.text(src), "EOF");
    let copy = &d.instructions[2];
    let got: Vec<_> = copy
        .heredocs
        .iter()
        .map(|h| (h.name.as_str(), h.fd, h.chomp, h.expand, h.body.text(src)))
        .collect();
    assert_eq!(
        got,
        [
            ("A", 0, true, false, "\tone\n"),
            ("B", 3, false, true, "two\n")
        ]
    );
}

#[test]
fn heredoc_errors_and_non_heredocs() {
    let err = parse("FROM x\nRUN <<EOF\necho hi\n").unwrap_err();
    assert_eq!(err.kind, SyntaxErrorKind::UnterminatedHeredoc("EOF".into()));
    assert_eq!((err.position.line, err.position.column), (2, 5));
    // Exec form and other instructions take no heredocs.
    assert_eq!(
        keywords("FROM x\nRUN [\"<<EOF\"]\nUSER <<EOF\nEOF\n"),
        kw(&[("FROM", 1, 1), ("RUN", 2, 2), ("USER", 3, 3), ("EOF", 4, 4)])
    );
}

#[test]
fn crlf_bom_no_final_newline_case_and_indentation() {
    let src = "\u{feff}from x AS build\r\n  run echo a \\\r\n    b\r\n\tCopy . /app";
    let d = parse(src).unwrap();
    assert!(d.has_bom);
    assert_eq!(
        keywords(src),
        kw(&[("FROM", 1, 1), ("RUN", 2, 3), ("COPY", 4, 4)])
    );
    let run = &d.instructions[1];
    assert_eq!(run.keyword, Keyword::Run);
    assert_eq!(run.keyword_text(src), "run");
    // Spans stop before the line ending, and the first starts after the BOM.
    assert_eq!(run.span.text(src), "run echo a \\\r\n    b");
    assert_eq!(d.instructions[0].span.start, 3);
    assert_eq!(d.instructions[2].span.text(src), "Copy . /app");
}

#[test]
fn flags_with_spans() {
    let src = "FROM --platform=$BUILDPLATFORM x\nRUN --mount=type=cache,target=/root/.cache --network=none pip install\nCOPY --chown=1:1 --link a b\n";
    let d = parse(src).unwrap();
    let flags = |i: usize| -> Vec<(String, Option<String>, String)> {
        d.instructions[i]
            .flags
            .iter()
            .map(|f| {
                (
                    f.name().to_owned(),
                    f.value().map(str::to_owned),
                    f.span.text(src).to_owned(),
                )
            })
            .collect()
    };
    assert_eq!(
        flags(0),
        [(
            "platform".into(),
            Some("$BUILDPLATFORM".into()),
            "--platform=$BUILDPLATFORM".into()
        )]
    );
    assert_eq!(
        flags(1)[0].1.as_deref(),
        Some("type=cache,target=/root/.cache")
    );
    assert_eq!(flags(1)[1].2, "--network=none");
    assert_eq!(flags(2)[1], ("link".into(), None, "--link".into()));
    assert_eq!(d.instructions[1].args_span.text(src), "pip install");
    assert_eq!(
        d.instructions[1].flag("network").unwrap().value(),
        Some("none")
    );
}

#[test]
fn exec_form_and_shell_fallback() {
    let src = "FROM x\nRUN [\"pip\", \"install\", \"a b\"]\nRUN ['single', 'quotes']\nCMD [\"a\", \nSHELL [\"/bin/sh\", \"-c\"]\n";
    let d = parse(src).unwrap();
    match &d.instructions[1].args {
        Args::Exec(items) => {
            let v: Vec<_> = items
                .iter()
                .map(|a| (a.value.as_ref(), a.span.text(src)))
                .collect();
            assert_eq!(
                v,
                [
                    ("pip", "\"pip\""),
                    ("install", "\"install\""),
                    ("a b", "\"a b\"")
                ]
            );
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(&d.instructions[2].args, Args::Text(a) if a.value == "['single', 'quotes']"));
    assert!(matches!(&d.instructions[3].args, Args::Text(_)));
    assert!(d.instructions[4].is_exec_form());
    let err = parse("FROM x\nCMD [\"a\", 1]\n").unwrap_err();
    assert_eq!(err.kind, SyntaxErrorKind::JsonNotStringArray);
}

#[test]
fn arg_env_label_onbuild_and_stages() {
    let src = "ARG BASE=alpine VERSION\nFROM $BASE AS build\nENV A=1 B=\"two words\"\nENV OLD value with spaces\nLABEL a=b\nONBUILD RUN --mount=type=secret,id=x make\nFROM build\n";
    let d = parse(src).unwrap();
    let pairs = |i: usize| -> Vec<(String, Option<String>, bool)> {
        match &d.instructions[i].args {
            Args::KeyValues(kv) => kv
                .iter()
                .map(|p| {
                    (
                        p.key.value.to_string(),
                        p.value.as_ref().map(|v| v.value.to_string()),
                        p.has_equals,
                    )
                })
                .collect(),
            other => panic!("{other:?}"),
        }
    };
    assert_eq!(
        pairs(0),
        [
            ("BASE".into(), Some("alpine".into()), true),
            ("VERSION".into(), None, false)
        ]
    );
    assert_eq!(
        pairs(2)[1],
        ("B".into(), Some("\"two words\"".into()), true)
    );
    assert_eq!(
        pairs(3),
        [("OLD".into(), Some("value with spaces".into()), false)]
    );
    match &d.instructions[1].args {
        Args::Words(w) => assert_eq!(
            w.iter().map(|a| a.value.as_ref()).collect::<Vec<_>>(),
            ["$BASE", "AS", "build"]
        ),
        other => panic!("{other:?}"),
    }
    let onbuild = &d.instructions[5];
    assert_eq!(onbuild.keyword, Keyword::Onbuild);
    let inner = onbuild.effective();
    assert_eq!(inner.keyword, Keyword::Run);
    assert_eq!(
        inner.flag("mount").unwrap().span.text(src),
        "--mount=type=secret,id=x"
    );
    assert_eq!(inner.args_span.text(src), "make");
    assert_eq!(pairs(4)[0].0, "a");
    let env_err = parse("FROM x\nENV A=1 B\n").unwrap_err();
    assert_eq!(env_err.kind, SyntaxErrorKind::MissingEquals);
    assert_eq!(
        parse("FROM x\nENV A\n").unwrap_err().kind,
        SyntaxErrorKind::MissingValue("ENV")
    );
}

#[test]
fn malformed_input_gets_line_and_column() {
    let err = parse_bytes(b"FROM x\nRUN echo \xff\n").unwrap_err();
    assert_eq!(err.kind, SyntaxErrorKind::InvalidUtf8);
    assert_eq!((err.position.line, err.position.column), (2, 10));
    let err = parse_bytes(b"\x7fELF\x02\x01\x00\x00").unwrap_err();
    assert_eq!(err.kind, SyntaxErrorKind::Binary);
    assert_eq!(
        parse("# only a comment\n\n").unwrap_err().kind,
        SyntaxErrorKind::NoInstructions
    );
    assert_eq!(parse("").unwrap_err().kind, SyntaxErrorKind::NoInstructions);
    assert_eq!(
        err.to_string(),
        "line 1, column 7: binary data (NUL byte), not a Dockerfile"
    );
}

#[test]
fn huge_inputs_do_not_overflow_the_stack() {
    // One RUN continued over 100,000 lines.
    let mut src = String::from("FROM x\nRUN true");
    for _ in 0..100_000 {
        src.push_str(" \\\n  && true");
    }
    src.push('\n');
    let d = parse(&src).unwrap();
    assert_eq!(d.instructions[1].end_line, 100_002);
    // A 50 MB file.
    let block =
        "RUN apt-get update && apt-get install -y curl \\\n    && rm -rf /var/lib/apt/lists/*\n";
    let big = format!("FROM x\n{}", block.repeat(50_000_000 / block.len()));
    assert!(big.len() > 49_000_000);
    let d = parse(&big).unwrap();
    assert_eq!(d.instructions.len(), 1 + 50_000_000 / block.len());
    // Deeply nested ONBUILD stays shallow too.
    let nested = format!("FROM x\n{}RUN a\n", "ONBUILD ".repeat(100_000));
    assert_eq!(parse(&nested).unwrap().instructions.len(), 2);
}
