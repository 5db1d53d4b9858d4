//! Turns the commands of one piece of shell text into invocations: which
//! Dockerfile each build line builds (following `cd`), how each build arg's
//! value is given, and whether its words can be rewritten in place.

use std::path::{Path, PathBuf};

use super::command::{self, Action, ArgWord};
use super::embed::{Host, Script};
use super::sh::{self, Part};
use super::{
    ArgSite, ArgValue, BuildArg, CallerKind, How, Indirect, Invocation, SecretSource, Target,
};
use crate::syntax::Span;

/// The file being read.
pub(crate) struct Ctx<'a> {
    pub root: &'a Path,
    pub file: &'a Path,
    pub src: &'a str,
}

#[derive(Default)]
pub(crate) struct Found {
    pub invocations: Vec<Invocation>,
    pub indirect: Vec<Indirect>,
    /// Script files run by these callers, with the directory each runs in.
    pub script_runs: Vec<(PathBuf, Cwd)>,
}

/// The directory commands run in, relative to the repository.
#[derive(Clone, Debug)]
pub(crate) enum Cwd {
    Known(PathBuf),
    /// Not known: why, and the directories it may be.
    Unknown(String, Vec<PathBuf>),
}

impl Cwd {
    fn join(&self, dir: &str) -> Cwd {
        if dir.starts_with('/') || dir.starts_with('~') || dir == "-" {
            return Cwd::Unknown(
                format!("`cd {dir}` leaves the repository's paths"),
                Vec::new(),
            );
        }
        match self {
            Cwd::Known(p) => match super::normalize(Path::new(""), &p.join(dir)) {
                Some(p) => Cwd::Known(p),
                None => Cwd::Unknown(format!("`cd {dir}` leaves the repository"), Vec::new()),
            },
            Cwd::Unknown(why, dirs) => Cwd::Unknown(
                why.clone(),
                dirs.iter()
                    .filter_map(|d| super::normalize(Path::new(""), &d.join(dir)))
                    .collect(),
            ),
        }
    }
}

/// Says why a make variable does not reach the recipe's environment.
pub(crate) type MakeCheck<'a> = &'a dyn Fn(&str) -> Option<String>;

/// What the caller knows about where values come from (make variables
/// assigned in the Makefile, Jenkins environment names).
#[derive(Default)]
pub(crate) struct Env<'a> {
    /// make: a variable the Makefile assigns without exporting, with why.
    pub make_unexported: Option<MakeCheck<'a>>,
    /// Jenkins: names bound in the pipeline's environment.
    pub groovy_env: Option<&'a [String]>,
    /// GitHub Actions: `${{ }}` expressions are pasted into the text.
    pub github: bool,
}

/// Reads the commands of `script` run from `cwd` (updated by `cd`).
pub(crate) fn scan(
    ctx: &Ctx,
    script: &Script,
    cwd: &mut Cwd,
    env: &Env,
    fallback: Span,
    out: &mut Found,
) {
    let text = &script.embedded.text;
    for cmd in sh::commands(text, script.make()) {
        let words = &cmd.words;
        let (Some(first), Some(last)) = (words.first(), words.last()) else {
            continue;
        };
        let whole = script
            .embedded
            .raw(Span::new(first.span.start, last.span.end))
            .unwrap_or(fallback);
        let line = super::yaml::line_of(ctx.src, whole.start);
        match command::interpret(words) {
            Action::Cd(Some(dir)) => *cwd = cwd.join(&dir),
            Action::Cd(None) => {
                *cwd = script_dir_cd(ctx, text, &words[1..]).unwrap_or_else(|| {
                    Cwd::Unknown("`cd` to a directory that is not literal".into(), Vec::new())
                })
            }
            Action::Build {
                program,
                file,
                context,
                containerfile,
                unclear,
                args,
                hidden_args,
            } => {
                let dockerfile = resolve(
                    ctx.root,
                    cwd,
                    file.as_deref(),
                    context.as_deref(),
                    containerfile,
                    unclear,
                );
                let args = args
                    .iter()
                    .map(|a| arg(ctx, script, a, env, fallback))
                    .collect();
                let classic = words
                    .iter()
                    .any(|w| w.literal().as_deref() == Some("DOCKER_BUILDKIT=0"));
                out.invocations.push(Invocation {
                    file: ctx.file.to_path_buf(),
                    line,
                    span: whole,
                    caller: CallerKind::Command {
                        program: program.to_owned(),
                    },
                    dockerfile,
                    args,
                    hidden_args,
                    blocked: classic.then(|| {
                        "BuildKit is turned off (`DOCKER_BUILDKIT=0`): no `--secret`".to_owned()
                    }),
                    how: How::Command,
                });
            }
            Action::Compose {
                files,
                subcommand,
                args,
            } => {
                let runs = match (files.first(), &*cwd) {
                    (Some(f), Cwd::Known(d)) => literal(f).map(|f| d.join(f)),
                    (None, Cwd::Known(d)) => Some(d.join("compose.yaml")),
                    _ => None,
                };
                if !args.is_empty() {
                    let args = args
                        .iter()
                        .map(|a| {
                            let mut b = arg(ctx, script, a, env, fallback);
                            b.blocked =
                                Some("`docker compose build` has no `--secret` option".into());
                            b
                        })
                        .collect();
                    out.invocations.push(Invocation {
                        file: ctx.file.to_path_buf(),
                        line,
                        span: whole,
                        caller: CallerKind::Command {
                            program: "docker compose build".into(),
                        },
                        dockerfile: Target::Ambiguous {
                            reason: "`docker compose build --build-arg` passes the arg to every service it builds".into(),
                            candidates: Vec::new(),
                        },
                        args,
                        hidden_args: false,
                        blocked: Some("`docker compose build` has no `--secret` option".into()),
                        how: How::None,
                    });
                }
                out.indirect.push(Indirect {
                    file: ctx.file.to_path_buf(),
                    line,
                    what: "compose".into(),
                    runs,
                    targets: vec![subcommand],
                    passes: Vec::new(),
                });
            }
            Action::Make {
                directory,
                file,
                targets,
                variables,
            } => {
                let dir = match (&directory, &*cwd) {
                    (Some(d), Cwd::Known(c)) => literal(d).map(|d| c.join(d)),
                    (None, Cwd::Known(c)) => Some(c.clone()),
                    _ => None,
                };
                let runs = dir.map(|d| match file.as_deref().and_then(literal) {
                    Some(f) => d.join(f),
                    None => d.join("Makefile"),
                });
                out.indirect.push(Indirect {
                    file: ctx.file.to_path_buf(),
                    line,
                    what: "make".into(),
                    runs: runs.and_then(|r| super::normalize(Path::new(""), &r)),
                    targets,
                    passes: variables
                        .iter()
                        .map(|(n, v)| (n.clone(), classify(Some(v), script, env)))
                        .collect(),
                });
            }
            Action::Script(path) => {
                let runs = match &*cwd {
                    Cwd::Known(d) => super::normalize(Path::new(""), &d.join(&path)),
                    Cwd::Unknown(..) => None,
                };
                if let Some(r) = &runs {
                    out.script_runs.push((r.clone(), cwd.clone()));
                }
                out.indirect.push(Indirect {
                    file: ctx.file.to_path_buf(),
                    line,
                    what: "script".into(),
                    runs,
                    targets: Vec::new(),
                    passes: Vec::new(),
                });
            }
            Action::Other => {}
        }
    }
}

/// `cd "$(dirname "$0")"` (optionally followed by `/..`): the script's own
/// directory.
fn script_dir_cd(ctx: &Ctx, text: &str, words: &[sh::Word]) -> Option<Cwd> {
    let [w] = words else {
        return None;
    };
    let raw: String = w
        .span
        .text(text)
        .chars()
        .filter(|c| *c != '"' && *c != '\'')
        .collect();
    let rest = [
        "$(dirname $0)",
        "$(dirname ${BASH_SOURCE[0]})",
        "$(dirname $BASH_SOURCE)",
        "`dirname $0`",
    ]
    .iter()
    .find_map(|p| raw.strip_prefix(p))?;
    let mut dir = ctx.file.parent()?.to_path_buf();
    for piece in rest.split('/').filter(|p| !p.is_empty()) {
        dir.push(piece);
    }
    super::normalize(Path::new(""), &dir).map(Cwd::Known)
}

fn literal(parts: &[Part]) -> Option<String> {
    sh::Word {
        span: Span::default(),
        parts: parts.to_vec(),
    }
    .literal()
}

/// A path's text with every non-literal part as `*`, and whether there was
/// one.
fn pattern(parts: &[Part]) -> (String, bool) {
    let mut s = String::new();
    let mut dynamic = false;
    for p in parts {
        match p {
            Part::Lit(t) => s.push_str(t),
            _ => {
                s.push('*');
                dynamic = true;
            }
        }
    }
    (s, dynamic)
}

/// The Dockerfile of a build command run from `cwd`.
pub(crate) fn resolve(
    root: &Path,
    cwd: &Cwd,
    file: Option<&[Part]>,
    context: Option<&[Part]>,
    containerfile: bool,
    unclear: Option<String>,
) -> Target {
    let ambiguous =
        |reason: String, candidates: Vec<String>| Target::Ambiguous { reason, candidates };
    let remote = |p: &str| {
        p.contains("://") || p.starts_with("git@") || p.starts_with("github.com/") || p == "-"
    };
    if let Some(ctx) = context.map(pattern) {
        if remote(&ctx.0) {
            return ambiguous(
                "the build context is remote or standard input".into(),
                Vec::new(),
            );
        }
    }
    let relative = match (file, context) {
        (Some(f), _) => {
            let (f, dynamic) = pattern(f);
            if f == "-" {
                return ambiguous(
                    "the Dockerfile comes from standard input".into(),
                    Vec::new(),
                );
            }
            (f, dynamic)
        }
        (None, Some(c)) if unclear.is_none() => {
            let (c, dynamic) = pattern(c);
            let dir = Path::new(&c);
            let name = if containerfile && !dynamic {
                match cwd {
                    Cwd::Known(d) if root.join(d).join(dir).join("Containerfile").is_file() => {
                        "Containerfile"
                    }
                    _ => "Dockerfile",
                }
            } else {
                "Dockerfile"
            };
            (dir.join(name).to_string_lossy().into_owned(), dynamic)
        }
        _ => {
            return ambiguous(
                unclear.unwrap_or_else(|| "no build context".into()),
                Vec::new(),
            )
        }
    };
    let (rel, dynamic) = relative;
    if rel.starts_with('/') {
        return ambiguous(format!("absolute path `{rel}`"), Vec::new());
    }
    let dirs = match cwd {
        Cwd::Known(d) => vec![d.clone()],
        Cwd::Unknown(_, dirs) => dirs.clone(),
    };
    let candidates: Vec<String> = dirs
        .iter()
        .filter_map(|d| super::normalize(Path::new(""), &d.join(&rel)))
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    match cwd {
        Cwd::Unknown(why, _) => ambiguous(why.clone(), candidates),
        Cwd::Known(_) if dynamic => ambiguous(
            "the Dockerfile's path depends on a variable".into(),
            candidates,
        ),
        Cwd::Known(_) => match candidates.into_iter().next() {
            Some(p) => Target::Resolved {
                path: PathBuf::from(p),
            },
            None => ambiguous("the path leaves the repository".into(), Vec::new()),
        },
    }
}

/// How a value is given.
fn classify(parts: Option<&Vec<Part>>, script: &Script, env: &Env) -> ArgValue {
    let Some(parts) = parts else {
        return ArgValue::PassThrough;
    };
    let in_host = |span: &Span| script.host_interpolated.iter().any(|h| h.contains(*span));
    match parts.as_slice() {
        [] => ArgValue::Literal,
        [Part::Var { name, span }] if in_host(span) => ArgValue::Groovy(name.clone()),
        [Part::Var { name, .. }] => ArgValue::Env(name.clone()),
        [Part::Dynamic(span)] if in_host(span) => {
            let text = span.text(&script.embedded.text);
            let inner = text.trim_start_matches("${").trim_end_matches('}');
            let inner = inner.strip_prefix("env.").unwrap_or(inner);
            if sh::is_name(inner) {
                ArgValue::Groovy(inner.to_owned())
            } else {
                ArgValue::Computed
            }
        }
        [Part::MakeVar(name)] if sh::is_name(name) => ArgValue::MakeVar(name.clone()),
        [Part::Gh(e)] if env.github => ArgValue::Expression(e.clone()),
        p if p.iter().all(|p| matches!(p, Part::Lit(_))) => ArgValue::Literal,
        _ => ArgValue::Computed,
    }
}

/// One `--build-arg` of a command line.
fn arg(ctx: &Ctx, script: &Script, a: &ArgWord, env: &Env, fallback: Span) -> BuildArg {
    let value = classify(a.value.as_ref(), script, env);
    let e = &script.embedded;
    let end = a.value_word.unwrap_or(a.flag).end;
    let whole = e.raw(Span::new(a.flag.start, end));
    let span = whole.unwrap_or(fallback);
    let mut blocked = None;
    let source = match &value {
        ArgValue::PassThrough => Some(SecretSource::Env {
            var: a.name.clone(),
        }),
        ArgValue::Env(v) => Some(SecretSource::Env { var: v.clone() }),
        ArgValue::MakeVar(v) => {
            if let Some(why) = env.make_unexported.and_then(|f| f(v)) {
                blocked = Some(why);
            }
            Some(SecretSource::Env { var: v.clone() })
        }
        ArgValue::Groovy(v) => {
            if !env
                .groovy_env
                .is_some_and(|names| names.iter().any(|n| n == v))
            {
                blocked = Some(format!(
                    "`{v}` is a Groovy value pasted into the command; dfix cannot tell that it is in the environment (bind it with withCredentials or environment {{}})"
                ));
            }
            Some(SecretSource::Env { var: v.clone() })
        }
        ArgValue::Expression(_) => {
            blocked = Some("a `${{ }}` expression is pasted into the script: pass it through the step's `env:` and use `$NAME`".into());
            None
        }
        ArgValue::Literal => {
            blocked = Some("the value is written in the caller (not shown); it cannot come from the environment".into());
            None
        }
        ArgValue::Computed => {
            blocked = Some("the value is computed when the caller runs".into());
            None
        }
    };
    if !sh::is_name(&a.name) {
        blocked.get_or_insert_with(|| "the arg's name is not a plain name".into());
    }
    let flag = e.raw(a.flag).filter(|_| e.verbatim(a.flag));
    // The value word may hold escapes of the host (`\$` in Groovy): it is
    // replaced whole, and the re-read of the edited file checks the result.
    let value_raw = a.value_word.map(|v| e.raw(v));
    let words = |flag, value| ArgSite::Words {
        flag,
        value,
        host: script.host,
        script_at: fallback,
        flag_text: a.flag,
        value_text: a.value_word,
    };
    let site = match (flag, value_raw) {
        (Some(flag), None) => words(flag, None),
        (Some(flag), Some(Some(v))) => words(flag, Some(v)),
        _ => {
            blocked.get_or_insert_with(|| {
                "the words cannot be edited in place (escapes or line folds inside)".into()
            });
            ArgSite::None
        }
    };
    if matches!(script.host, Host::Groovy { .. }) && blocked.is_none() && e.raw(a.flag).is_none() {
        blocked = Some("the Groovy string cannot be edited in place".into());
    }
    BuildArg {
        name: a.name.clone(),
        value,
        span,
        line: super::yaml::line_of(ctx.src, span.start),
        source: source.filter(|_| blocked.is_none()),
        blocked,
        site,
    }
}

/// A whole shell script file. Its working directory is the directory it is
/// run from, which the file does not say: commands before a `cd` into a
/// known directory resolve against both the repository root and the
/// script's directory, as candidates.
///
/// `run_from` is where the callers that run this script run it (`bash
/// scripts/x.sh` in a workflow, `./x.sh` in a recipe): when there is at
/// least one and they all agree, that is the script's directory.
pub(crate) fn discover_script(ctx: &Ctx, run_from: &[&Cwd], out: &mut Found) -> Result<(), String> {
    let script = Script::new(super::embed::Embedded::identity(ctx.src, 0), Host::Raw);
    let dir = ctx.file.parent().unwrap_or(Path::new("")).to_path_buf();
    let mut dirs = vec![PathBuf::new()];
    if dir != Path::new("") {
        dirs.push(dir);
    }
    let agreed = match run_from {
        [Cwd::Known(first), rest @ ..]
            if rest
                .iter()
                .all(|c| matches!(c, Cwd::Known(d) if d == first)) =>
        {
            Some(first.clone())
        }
        _ => None,
    };
    let mut cwd = match agreed {
        Some(d) => Cwd::Known(d),
        None => Cwd::Unknown("the directory the script runs in is not known".into(), dirs),
    };
    scan(
        ctx,
        &script,
        &mut cwd,
        &Env::default(),
        Span::new(0, 0),
        out,
    );
    Ok(())
}

/// `pattern` with `*` matching any text (including `/`) against `text`.
pub(crate) fn glob(pattern: &str, text: &str) -> bool {
    let (p, t) = (pattern.as_bytes(), text.as_bytes());
    let (mut pi, mut ti, mut star, mut mark) = (0, 0, None, 0);
    while ti < t.len() {
        if pi < p.len() && p[pi] == b'*' {
            star = Some(pi);
            mark = ti;
            pi += 1;
        } else if pi < p.len() && p[pi] == t[ti] {
            pi += 1;
            ti += 1;
        } else if let Some(s) = star {
            pi = s + 1;
            mark += 1;
            ti = mark;
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|&b| b == b'*')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classic_builder_lines_are_blocked() {
        let src = "cd \"$(dirname \"$0\")\"\nDOCKER_BUILDKIT=0 docker build --build-arg T .\ndocker build --build-arg T=\"$(cat t)\" .\n";
        let ctx = Ctx {
            root: Path::new("/nonexistent"),
            file: Path::new("ci/build.sh"),
            src,
        };
        let mut found = Found::default();
        discover_script(&ctx, &[], &mut found).unwrap();
        let [classic, computed] = &found.invocations[..] else {
            panic!("{:?}", found.invocations);
        };
        assert_eq!(
            classic.dockerfile,
            Target::Resolved {
                path: "ci/Dockerfile".into()
            }
        );
        assert!(classic
            .blocked
            .as_deref()
            .unwrap()
            .contains("BuildKit is turned off"));
        assert_eq!(computed.args[0].value, ArgValue::Computed);
        assert!(computed.args[0].blocked.is_some());
    }

    #[test]
    fn globs() {
        assert!(glob("docker/*/Dockerfile", "docker/api/Dockerfile"));
        assert!(glob("*", "a/b"));
        assert!(!glob("docker/*/Dockerfile", "app/Dockerfile"));
    }

    #[test]
    fn working_directories() {
        let root = Path::new("/nonexistent");
        let lit = |s: &str| vec![Part::Lit(s.into())];
        let cwd = Cwd::Known(PathBuf::from("app"));
        assert_eq!(
            resolve(root, &cwd, None, Some(&lit(".")), false, None),
            Target::Resolved {
                path: "app/Dockerfile".into()
            }
        );
        assert_eq!(
            resolve(
                root,
                &cwd.join(".."),
                Some(&lit("docker/Dockerfile.prod")),
                Some(&lit(".")),
                false,
                None
            ),
            Target::Resolved {
                path: "docker/Dockerfile.prod".into()
            }
        );
        let unknown = Cwd::Unknown("why".into(), vec![PathBuf::new(), PathBuf::from("scripts")]);
        assert_eq!(
            resolve(root, &unknown, None, Some(&lit("..")), false, None),
            Target::Ambiguous {
                reason: "why".into(),
                candidates: vec!["Dockerfile".into()]
            }
        );
    }
}
