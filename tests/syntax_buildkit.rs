//! The syntax layer against BuildKit's own parser test files
//! (`../shared/corpus/buildkit`): every valid case must produce BuildKit's
//! parse-tree dump, every negative case must be rejected.

mod support;

use dfix::syntax::{self, Args, Instruction, Keyword};
use support::{corpus_dir, go_quote, prerequisite};

/// BuildKit's `Node.Dump` for one instruction: `keyword ["flags"] "args"`.
fn dump(source: &str, ins: &Instruction) -> String {
    let mut out = ins.keyword_text(source).to_lowercase();
    if !ins.flags.is_empty() {
        let flags: Vec<String> = ins.flags.iter().map(|f| go_quote(&f.text)).collect();
        out.push_str(&format!(" [{}]", flags.join(" ")));
    }
    dump_args(source, ins.keyword, &ins.args, &mut out);
    out
}

fn dump_args(source: &str, keyword: Keyword, args: &Args, out: &mut String) {
    let mut push = |s: &str| {
        out.push(' ');
        out.push_str(&go_quote(s));
    };
    match args {
        Args::None => {}
        Args::Ignored => push(""),
        Args::Text(a) => push(&a.value),
        Args::Exec(items) | Args::Words(items) => items.iter().for_each(|a| push(&a.value)),
        Args::KeyValues(pairs) if keyword == Keyword::Arg => {
            for kv in pairs {
                match &kv.value {
                    Some(v) => push(&format!("{}={}", kv.key.value, v.value)),
                    None => push(&kv.key.value),
                }
            }
        }
        Args::KeyValues(pairs) => {
            for kv in pairs {
                push(&kv.key.value);
                push(kv.value.as_ref().map_or("", |v| &v.value));
                push(if kv.has_equals { "=" } else { "" });
            }
        }
        Args::Health { kind, command } => {
            push(&kind.value);
            dump_args(source, keyword, command, out);
        }
        Args::Sub(inner) => {
            out.push_str(&format!(" ({})", dump(source, inner)));
        }
    }
}

#[test]
fn testfiles_match_buildkit_dumps() {
    let dir = corpus_dir().join("buildkit/testfiles");
    if !prerequisite(dir.is_dir(), "the BuildKit test corpus (../shared/corpus)") {
        return;
    }
    let mut cases = 0;
    let mut failures = Vec::new();
    for case in std::fs::read_dir(&dir).unwrap() {
        let case = case.unwrap().path();
        let source = std::fs::read(case.join("Dockerfile")).unwrap();
        let expected = std::fs::read_to_string(case.join("result")).unwrap();
        cases += 1;
        let parsed = match syntax::parse_bytes(&source) {
            Ok(p) => p,
            Err(e) => {
                failures.push(format!("{}: rejected: {e}", case.display()));
                continue;
            }
        };
        let got: Vec<String> = parsed
            .instructions
            .iter()
            .map(|i| format!("({})", dump(parsed.source, i)))
            .collect();
        let want: Vec<&str> = expected
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect();
        if got != want {
            failures.push(format!(
                "{}:\n  want: {want:#?}\n  got:  {got:#?}",
                case.display()
            ));
        }
    }
    assert_eq!(cases, 33, "the corpus holds 33 valid cases");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn negative_testfiles_are_rejected() {
    let dir = corpus_dir().join("buildkit/testfiles-negative");
    if !prerequisite(dir.is_dir(), "the BuildKit test corpus (../shared/corpus)") {
        return;
    }
    let mut cases = 0;
    for case in std::fs::read_dir(&dir).unwrap() {
        let case = case.unwrap().path();
        let source = std::fs::read(case.join("Dockerfile")).unwrap();
        cases += 1;
        assert!(
            syntax::parse_bytes(&source).is_err(),
            "{} must be rejected",
            case.display()
        );
    }
    assert_eq!(cases, 4);
}
