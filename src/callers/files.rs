//! Which files of a repository are build callers, by name and place (and,
//! for scripts without an extension, by their `#!` line).

use std::path::{Path, PathBuf};

use super::FileError;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum FileKind {
    Compose,
    Workflow,
    Action,
    GitlabCi,
    Makefile,
    Shell,
    Jenkinsfile,
    Skaffold,
    Circle,
    Travis,
}

/// The kind of caller `rel` (a repository-relative path) is, by its name
/// and place; `shebang` reads the first line when the name does not tell.
pub(crate) fn classify(rel: &Path, shebang: impl FnOnce() -> Option<String>) -> Option<FileKind> {
    let name = rel.file_name()?.to_str()?;
    let parent = rel.parent().unwrap_or(Path::new(""));
    let yaml = name.ends_with(".yml") || name.ends_with(".yaml");
    let stem = name.trim_end_matches(".yml").trim_end_matches(".yaml");
    if yaml
        && (stem.starts_with("docker-compose")
            || stem.starts_with("compose") && (stem == "compose" || stem.starts_with("compose.")))
    {
        return Some(FileKind::Compose);
    }
    if yaml && parent == Path::new(".github/workflows") {
        return Some(FileKind::Workflow);
    }
    if (name == "action.yml" || name == "action.yaml")
        && (parent == Path::new("") || rel.starts_with(".github/actions"))
    {
        return Some(FileKind::Action);
    }
    if name == ".gitlab-ci.yml" || name.ends_with(".gitlab-ci.yml") {
        return Some(FileKind::GitlabCi);
    }
    if rel == Path::new(".circleci/config.yml") {
        return Some(FileKind::Circle);
    }
    if rel == Path::new(".travis.yml") {
        return Some(FileKind::Travis);
    }
    if name == "skaffold.yaml" || name == "skaffold.yml" {
        return Some(FileKind::Skaffold);
    }
    if matches!(name, "Makefile" | "makefile" | "GNUmakefile") || name.ends_with(".mk") {
        return Some(FileKind::Makefile);
    }
    if name.starts_with("Jenkinsfile")
        || name.ends_with(".Jenkinsfile")
        || name.ends_with(".jenkinsfile")
    {
        return Some(FileKind::Jenkinsfile);
    }
    if name.ends_with(".sh") || name.ends_with(".bash") {
        return Some(FileKind::Shell);
    }
    if !name.contains('.') && shebang().is_some_and(|l| is_shell_shebang(&l)) {
        return Some(FileKind::Shell);
    }
    None
}

fn is_shell_shebang(line: &str) -> bool {
    let Some(rest) = line.strip_prefix("#!") else {
        return false;
    };
    let mut words = rest.split_whitespace();
    let mut program = words.next().unwrap_or("");
    if program.ends_with("/env") {
        program = words.find(|w| !w.starts_with('-')).unwrap_or("");
    }
    matches!(
        program.rsplit('/').next(),
        Some("sh" | "bash" | "dash" | "zsh" | "ksh" | "ash")
    )
}

/// Every caller file under `root` (relative paths, in path order), plus the
/// local files a `.gitlab-ci.yml` includes.
pub(crate) fn callers(root: &Path, errors: &mut Vec<FileError>) -> Vec<(PathBuf, FileKind)> {
    let mut out = Vec::new();
    let walker = ignore::WalkBuilder::new(root)
        .hidden(false)
        .filter_entry(|e| e.file_name() != ".git")
        .sort_by_file_name(|a, b| a.cmp(b))
        .build();
    for entry in walker {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                errors.push(FileError {
                    file: PathBuf::new(),
                    message: e.to_string(),
                });
                continue;
            }
        };
        if !entry.file_type().is_some_and(|t| t.is_file()) {
            continue;
        }
        let Ok(rel) = entry.path().strip_prefix(root) else {
            continue;
        };
        let kind = classify(rel, || first_line(entry.path()));
        if let Some(kind) = kind {
            out.push((rel.to_path_buf(), kind));
        }
    }
    let included: Vec<PathBuf> = out
        .iter()
        .filter(|(p, k)| *k == FileKind::GitlabCi && p == Path::new(".gitlab-ci.yml"))
        .flat_map(|(p, _)| gitlab_includes(root, p))
        .collect();
    for inc in included {
        if !out.iter().any(|(p, _)| *p == inc) && root.join(&inc).is_file() {
            out.push((inc, FileKind::GitlabCi));
        }
    }
    out
}

fn first_line(path: &Path) -> Option<String> {
    use std::io::Read;
    let mut buf = [0u8; 128];
    let n = std::fs::File::open(path).ok()?.read(&mut buf).ok()?;
    let head = std::str::from_utf8(&buf[..n]).ok()?;
    head.lines().next().map(str::to_owned)
}

/// Local files named by `include:` in a `.gitlab-ci.yml` (`include: x.yml`,
/// `- local: /ci/x.yml`, `- /ci/x.yml`); patterns and remote files are
/// skipped.
fn gitlab_includes(root: &Path, rel: &Path) -> Vec<PathBuf> {
    let Ok(text) = std::fs::read_to_string(root.join(rel)) else {
        return Vec::new();
    };
    let Ok(doc) = super::yaml::parse(&text) else {
        return Vec::new();
    };
    let Some(inc) = doc.get("include") else {
        return Vec::new();
    };
    let mut names = Vec::new();
    let mut take = |n: &super::yaml::Node| {
        let s = n.str().or_else(|| n.get("local").and_then(|l| l.str()));
        if let Some(s) = s {
            if !s.contains("://") && !s.contains('*') && !s.contains('$') {
                names.push(PathBuf::from(s.trim_start_matches('/')));
            }
        }
    };
    if inc.is_seq() {
        inc.items().iter().for_each(&mut take);
    } else {
        take(inc);
    }
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(p: &str) -> Option<FileKind> {
        classify(Path::new(p), || Some("#!/usr/bin/env bash".into()))
    }

    #[test]
    fn names_and_places() {
        assert_eq!(kind("docker-compose.prod.yml"), Some(FileKind::Compose));
        assert_eq!(kind("deploy/compose.yaml"), Some(FileKind::Compose));
        assert_eq!(kind("composer.yml"), None);
        assert_eq!(kind(".github/workflows/ci.yml"), Some(FileKind::Workflow));
        assert_eq!(
            kind(".github/actions/build/action.yml"),
            Some(FileKind::Action)
        );
        assert_eq!(kind("Makefile"), Some(FileKind::Makefile));
        assert_eq!(kind("mk/docker.mk"), Some(FileKind::Makefile));
        assert_eq!(kind("Jenkinsfile.release"), Some(FileKind::Jenkinsfile));
        assert_eq!(kind("scripts/build"), Some(FileKind::Shell));
        assert_eq!(kind("scripts/build.py"), None);
        assert!(is_shell_shebang("#!/bin/sh -e"));
        assert!(!is_shell_shebang("#!/usr/bin/env python3"));
    }
}
