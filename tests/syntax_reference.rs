//! Differential test against BuildKit's own parser (the PyPI package
//! `dockerfile` wraps its Go code): over every Dockerfile in the corpus, the
//! instruction keywords, start and end lines and heredoc bodies must agree, and
//! a file must be rejected exactly when BuildKit rejects it.
//!
//! The shell model's input is checked the same way: for every shell-form RUN,
//! the text dfix lexes equals the text BuildKit hands to the shell.
//!
//! Also checks, over the same files, that the spans tile the source: the
//! instruction spans are in order, in bounds and on character boundaries, and
//! the gaps between them plus the spans give back the input byte for byte.

mod support;

use std::path::PathBuf;

use dfix::syntax;
use support::{corpus_dir, files_under, prerequisite, reference_parse, reference_python};

/// Differences we accept: (file suffix, how our answer starts, why).
const ACCEPTED: &[(&str, &str, &str)] = &[(
    "wixb50/Development-Notes/Dockerfile.0",
    "we reject (line 1, column 2: not valid UTF-8)",
    "its comments are GBK-encoded; dfix edits only text it can keep byte-exact as UTF-8, \
     and says so with a line and column instead of guessing an encoding",
)];

fn corpus_files() -> Vec<PathBuf> {
    let root = corpus_dir();
    let mut files = files_under(&root.join("real"));
    files.extend(files_under(&root.join("buildkit")));
    files.extend(files_under(&root.join("antipatterns")));
    files.retain(|f| f.file_name().is_some_and(|n| n != "result"));
    files
}

#[test]
fn agrees_with_buildkit_on_every_corpus_file() {
    let Some(python) = reference_python() else {
        prerequisite(
            false,
            "a Python venv with the `dockerfile` package (.venv, see .ci/run)",
        );
        return;
    };
    if !prerequisite(
        corpus_dir().join("real").is_dir(),
        "the corpus (../shared/corpus)",
    ) {
        return;
    }
    let files = corpus_files();
    let reference = reference_parse(&python, &files);
    assert_eq!(reference.len(), files.len());
    let mut disagreements = Vec::new();
    let mut instructions = 0;
    let mut shell_runs = 0;
    for want in &reference {
        let bytes = std::fs::read(&want.file).unwrap();
        let got = syntax::parse_bytes(&bytes);
        let problem = match (&got, want.ok) {
            (Err(e), true) => Some(format!("we reject ({e}), BuildKit accepts")),
            (Ok(_), false) => Some(format!("we accept, BuildKit rejects ({})", want.error)),
            (Err(_), false) => None,
            (Ok(parsed), true) => {
                let ours: Vec<(String, usize, usize, Vec<String>)> = parsed
                    .instructions
                    .iter()
                    .map(|i| {
                        (
                            i.keyword_text(parsed.source).to_uppercase(),
                            i.start_line,
                            i.end_line,
                            i.heredocs
                                .iter()
                                .map(|h| h.body.text(parsed.source).to_owned())
                                .collect(),
                        )
                    })
                    .collect();
                let theirs: Vec<_> = want
                    .instructions
                    .iter()
                    .map(|(k, s, e, h, _)| (k.to_uppercase(), *s, *e, h.clone()))
                    .collect();
                instructions += theirs.len();
                let shell_texts = parsed
                    .instructions
                    .iter()
                    .zip(&want.instructions)
                    .filter_map(|(i, (_, _, _, _, text))| Some((i, text.as_deref()?)))
                    .find(|(i, text)| {
                        let ours = &i.line.as_str()[i.args_logical.clone()];
                        ours != *text
                    })
                    .map(|(i, text)| {
                        format!(
                            "RUN at line {}: the shell model reads {:?}, BuildKit hands the shell {text:?}",
                            i.start_line,
                            &i.line.as_str()[i.args_logical.clone()]
                        )
                    });
                shell_runs += want.instructions.iter().filter(|r| r.4.is_some()).count();
                (ours != theirs)
                    .then(|| {
                        let first = ours
                            .iter()
                            .zip(&theirs)
                            .position(|(a, b)| a != b)
                            .unwrap_or(ours.len().min(theirs.len()));
                        format!(
                            "first difference at instruction {first}: ours {:?}, BuildKit {:?}",
                            ours.get(first),
                            theirs.get(first)
                        )
                    })
                    .or(shell_texts)
            }
        };
        if let Some(problem) = problem {
            let accepted = ACCEPTED
                .iter()
                .any(|(f, answer, _)| want.file.ends_with(f) && problem.starts_with(answer));
            if !accepted {
                disagreements.push(format!("{}: {problem}", want.file));
            }
        }
    }
    eprintln!(
        "compared {} files, {instructions} instructions ({shell_runs} shell-form RUN texts), with BuildKit's parser",
        files.len()
    );
    assert!(shell_runs > 19_000, "only {shell_runs} RUN texts compared");
    assert!(files.len() > 5_900, "the whole corpus is compared");
    assert!(
        disagreements.is_empty(),
        "{} disagreements:\n{}",
        disagreements.len(),
        disagreements.join("\n")
    );
}

#[test]
fn spans_tile_every_corpus_file() {
    if !prerequisite(
        corpus_dir().join("real").is_dir(),
        "the corpus (../shared/corpus)",
    ) {
        return;
    }
    let mut parsed_files = 0;
    for file in corpus_files() {
        let bytes = std::fs::read(&file).unwrap();
        let Ok(parsed) = syntax::parse_bytes(&bytes) else {
            continue;
        };
        parsed_files += 1;
        support::check_spans(&parsed);
    }
    assert!(parsed_files > 5_700);
}
