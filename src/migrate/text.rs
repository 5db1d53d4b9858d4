//! Text helpers of the planner: whole lines, paths, ids, shell quoting.

use super::*;

/// The edit that makes a RUN read the env file before its command.
pub(super) fn source_env_edit(ins: &Instruction) -> Edit {
    let sourcing = format!(". /run/secrets/{ENV_SECRET_ID}");
    // `RUN <<EOF` alone: the heredoc is the script; source it on its first line.
    if let Some(h) = ins.heredocs.first().filter(|h| h.word == ins.args_span) {
        return Edit::insert(h.body.start, format!("{sourcing}\n"));
    }
    Edit::insert(ins.args_span.start, format!("{sourcing} && "))
}

/// The span of whole lines covering `span`, with the final line ending.
pub(super) fn whole_lines(source: &str, span: Span) -> Span {
    let start = source[..span.start].rfind('\n').map_or(0, |i| i + 1);
    let rest = &source[span.end..];
    let end = match rest.find('\n') {
        Some(i) if rest[..i].trim_end_matches('\r').is_empty() => span.end + i + 1,
        _ => span.end,
    };
    Span::new(start, end)
}

/// Whether an `rm`/`chmod` operand names the copied file.
pub(super) fn names_file(a: &str, f: &CopiedFile) -> bool {
    let base = f.target.rsplit('/').next().unwrap_or(&f.target);
    let a = a.trim_end_matches('/');
    a == f.target
        || a == base
        || a == format!("./{base}")
        || a.strip_prefix("~").is_some_and(|r| f.target.ends_with(r))
        || a.strip_prefix("$HOME")
            .is_some_and(|r| f.target.ends_with(r))
        || (!a.starts_with('/') && f.target.ends_with(&format!("/{a}")))
}

/// Joins a path to a directory, as WORKDIR and COPY do.
pub(super) fn join(dir: &str, path: &str) -> String {
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

/// A secret id from a file name: `.netrc` → `netrc`.
pub(super) fn secret_id(name: &str) -> String {
    let id: String = name
        .trim_start_matches('.')
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if id.is_empty() {
        "secret".into()
    } else {
        id
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn joins_paths_like_docker() {
        assert_eq!(join("/app", ".netrc"), "/app/.netrc");
        assert_eq!(join("/app/", "./x"), "/app/x");
        assert_eq!(join("/", ".npmrc"), "/.npmrc");
        assert_eq!(join("/app", "/root/.netrc"), "/root/.netrc");
        assert_eq!(join("/app", "."), "/app");
    }

    #[test]
    fn whole_lines_take_indentation_and_newline() {
        let src = "FROM x\n  RUN a\r\nRUN b";
        assert_eq!(whole_lines(src, Span::new(9, 14)), Span::new(7, 16));
        assert_eq!(whole_lines(src, Span::new(16, 21)), Span::new(16, 21));
    }
}
