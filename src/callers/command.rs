//! What one simple command does, as far as build callers are concerned:
//! `docker build` (and `docker buildx build`, `docker image build`,
//! `podman build`, `buildah bud`), `docker compose ... build|up|run`, `make`,
//! `cd`.

use super::sh::{Part, Word};
use crate::syntax::Span;

/// A `--build-arg` on a command line (spans are in the script text).
#[derive(Clone, Debug)]
pub(crate) struct ArgWord {
    /// The `--build-arg` word (or `--build-arg=NAME=...`, which is all of it).
    pub flag: Span,
    /// The `NAME=value` word when it is separate.
    pub value_word: Option<Span>,
    pub name: String,
    /// The value's parts; `None` for `--build-arg NAME` (taken from the
    /// environment).
    pub value: Option<Vec<Part>>,
}

#[derive(Clone, Debug)]
pub(crate) enum Action {
    Build {
        program: &'static str,
        /// `-f` value parts, and the context's.
        file: Option<Vec<Part>>,
        context: Option<Vec<Part>>,
        /// Podman and buildah look for `Containerfile` first.
        containerfile: bool,
        /// Why the Dockerfile cannot be told from the words, if it cannot.
        unclear: Option<String>,
        args: Vec<ArgWord>,
        /// Build args come from somewhere we cannot read (a dynamic
        /// `--build-arg` word, `--build-arg-file`).
        hidden_args: bool,
    },
    Compose {
        files: Vec<Vec<Part>>,
        subcommand: String,
        args: Vec<ArgWord>,
    },
    Make {
        directory: Option<Vec<Part>>,
        file: Option<Vec<Part>>,
        targets: Vec<String>,
        variables: Vec<(String, Vec<Part>)>,
    },
    /// `cd DIR`; `None` when the directory is not literal.
    Cd(Option<String>),
    /// A word that runs a script file (`./x.sh`, `bash x.sh`).
    Script(String),
    Other,
}

const WRAPPERS: &[&str] = &[
    "sudo", "time", "exec", "command", "env", "nohup", "!", "{", "then", "do", "else", "elif",
    "if", "while", "until",
];

/// Reads one command.
pub(crate) fn interpret(words: &[Word]) -> Action {
    let mut i = 0;
    while i < words.len() {
        let w = &words[i];
        match w.literal() {
            Some(s) if WRAPPERS.contains(&s.as_str()) => i += 1,
            Some(s) if s.starts_with('-') && i > 0 => i += 1,
            _ if is_assignment(w) => i += 1,
            _ => break,
        }
    }
    let Some(program) = words.get(i).and_then(Word::literal) else {
        return Action::Other;
    };
    let rest = &words[i + 1..];
    let base = program.rsplit('/').next().unwrap_or(&program);
    match base {
        "docker" | "podman" | "nerdctl" => docker(base, rest),
        "docker-compose" | "podman-compose" => compose(rest),
        "buildah" => match rest.first().and_then(Word::literal).as_deref() {
            Some("bud" | "build" | "build-using-dockerfile") => {
                build("buildah bud", &rest[1..], true)
            }
            _ => Action::Other,
        },
        "make" | "gmake" => make(rest),
        "cd" | "pushd" => match rest {
            [dir] => Action::Cd(dir.literal()),
            _ => Action::Cd(None),
        },
        "bash" | "sh" | "dash" | "zsh" => match rest
            .iter()
            .find(|w| !w.literal().is_some_and(|s| s.starts_with('-')))
        {
            Some(w) => w.literal().map_or(Action::Other, Action::Script),
            None => Action::Other,
        },
        _ if program.ends_with(".sh") || program.starts_with("./") => Action::Script(program),
        _ => Action::Other,
    }
}

fn is_assignment(w: &Word) -> bool {
    matches!(w.parts.first(), Some(Part::Lit(t)) if t.find('=').is_some_and(|eq| super::sh::is_name(&t[..eq])))
}

fn docker(program: &str, words: &[Word]) -> Action {
    const GLOBAL: &[&str] = &[
        "-H",
        "--host",
        "-c",
        "--context",
        "--config",
        "-l",
        "--log-level",
        "--tlscacert",
        "--tlscert",
        "--tlskey",
        "--url",
        "--connection",
        "--root",
        "--runroot",
    ];
    let mut i = 0;
    while let Some(s) = words.get(i).and_then(Word::literal) {
        if GLOBAL.contains(&s.as_str()) {
            i += 2;
        } else if s.starts_with('-') {
            i += 1;
        } else {
            break;
        }
    }
    let sub = |n: usize| words.get(i + n).and_then(Word::literal);
    let name = match program {
        "podman" => "podman build",
        "nerdctl" => "nerdctl build",
        _ => "docker build",
    };
    let containerfile = program != "docker";
    match sub(0).as_deref() {
        Some("build") => build(name, &words[i + 1..], containerfile),
        Some("image") if sub(1).as_deref() == Some("build") => {
            build(name, &words[i + 2..], containerfile)
        }
        Some("buildx") => {
            let mut j = i + 1;
            while let Some(s) = words.get(j).and_then(Word::literal) {
                match s.as_str() {
                    "--builder" => j += 2,
                    "build" | "b" => {
                        let name = if program == "docker" {
                            "docker buildx build"
                        } else {
                            name
                        };
                        return build(name, &words[j + 1..], containerfile);
                    }
                    s if s.starts_with('-') => j += 1,
                    _ => return Action::Other,
                }
            }
            Action::Other
        }
        Some("compose") => compose(&words[i + 1..]),
        _ => Action::Other,
    }
}

/// Options of `docker build`, `docker buildx build`, `podman build` and
/// `buildah bud` that take a value in the next word.
const VALUED: &[&str] = &[
    "-f",
    "--file",
    "-t",
    "--tag",
    "--secret",
    "--target",
    "--platform",
    "--label",
    "--cache-from",
    "--cache-to",
    "--network",
    "--progress",
    "--ssh",
    "-o",
    "--output",
    "--iidfile",
    "--add-host",
    "--build-context",
    "--allow",
    "--attest",
    "--metadata-file",
    "--shm-size",
    "--ulimit",
    "--cgroup-parent",
    "--isolation",
    "-m",
    "--memory",
    "--memory-swap",
    "--cpu-shares",
    "--cpu-period",
    "--cpu-quota",
    "--cpuset-cpus",
    "--cpuset-mems",
    "-c",
    "--annotation",
    "--builder",
    "--sbom",
    "--provenance",
    "--call",
    "--security-opt",
    "--no-cache-filter",
    "--format",
    "--jobs",
    "-v",
    "--volume",
    "--authfile",
    "--creds",
    "--cert-dir",
    "--arch",
    "--os",
    "--variant",
    "--dns",
    "--dns-option",
    "--dns-search",
    "--from",
    "--env",
    "-e",
    "--ignorefile",
    "--manifest",
    "--timestamp",
    "--logfile",
    "--unsetenv",
    "--retry",
    "--retry-delay",
    "--runtime",
    "--userns",
    "--hooks-dir",
    "--layer-label",
    "--os-feature",
    "--os-version",
    "--decryption-key",
    "--sign-by",
    "--label-file",
    "--cpp-flag",
    "--device",
    "--group-add",
    "--pid",
    "--ipc",
    "--uts",
    "--cap-add",
    "--cap-drop",
    "--isolation",
];
const FLAGS: &[&str] = &[
    "--no-cache",
    "--pull",
    "--push",
    "--load",
    "-q",
    "--quiet",
    "--rm",
    "--force-rm",
    "--squash",
    "--squash-all",
    "--compress",
    "--disable-content-trust",
    "--layers",
    "--no-hosts",
    "--debug",
    "-D",
    "--check",
    "--pull-always",
    "--pull-never",
    "--all-platforms",
    "--disable-compression",
    "--identity-label",
    "--omit-history",
    "--skip-unused-stages",
    "--stdin",
    "--tls-verify",
    "--http-proxy",
    "--read-only",
    "--compat-volumes",
];

fn build(program: &'static str, words: &[Word], containerfile: bool) -> Action {
    let mut file = None;
    let mut positionals: Vec<&Word> = Vec::new();
    let mut unclear = None;
    let mut args = Vec::new();
    let mut hidden_args = false;
    let mut i = 0;
    while i < words.len() {
        let w = &words[i];
        let lit = literal_prefix(w);
        if lit == "--build-arg" && w.literal().is_some() {
            match words.get(i + 1) {
                Some(v) => match v.split_assignment() {
                    Some((name, value)) => args.push(ArgWord {
                        flag: w.span,
                        value_word: Some(v.span),
                        name,
                        value,
                    }),
                    None => hidden_args = true,
                },
                None => hidden_args = true,
            }
            i += 2;
            continue;
        }
        if lit.starts_with("--build-arg=") {
            let mut parts = w.parts.clone();
            if let Some(Part::Lit(t)) = parts.first_mut() {
                *t = t["--build-arg=".len()..].to_owned();
            }
            let inner = Word {
                span: w.span,
                parts: parts
                    .into_iter()
                    .filter(|p| *p != Part::Lit(String::new()))
                    .collect(),
            };
            match inner.split_assignment() {
                Some((name, value)) => args.push(ArgWord {
                    flag: w.span,
                    value_word: None,
                    name,
                    value,
                }),
                None => hidden_args = true,
            }
            i += 1;
            continue;
        }
        if lit.starts_with("--build-arg-file") {
            hidden_args = true;
        }
        if lit == "-f" || lit == "--file" {
            if w.literal().is_some() {
                file = words.get(i + 1).map(|v| v.parts.clone());
                i += 2;
                continue;
            }
        } else if let Some(rest) = lit.strip_prefix("--file=").or_else(|| {
            lit.strip_prefix("-f")
                .filter(|r| !r.is_empty() && !r.starts_with('-'))
        }) {
            let mut parts = w.parts.clone();
            if let Some(Part::Lit(t)) = parts.first_mut() {
                *t = rest.to_owned();
            }
            file = Some(parts);
            i += 1;
            continue;
        }
        match w.literal() {
            Some(s) if VALUED.contains(&s.as_str()) => i += 2,
            Some(s) if s.starts_with('-') && s.len() > 1 => {
                if !FLAGS.contains(&s.as_str()) && !s.contains('=') && !is_valued_cluster(&s) {
                    unclear.get_or_insert(format!("unknown option `{s}`"));
                }
                i += 1;
            }
            None if lit.starts_with('-') => {
                if !lit.contains('=') {
                    unclear.get_or_insert("an option that is not literal".to_owned());
                }
                i += 1;
            }
            _ => {
                positionals.push(w);
                i += 1;
            }
        }
    }
    let context = match positionals.as_slice() {
        [one] => Some(one.parts.clone()),
        [] => {
            unclear.get_or_insert("no build context".to_owned());
            None
        }
        _ => {
            unclear.get_or_insert("more than one build context".to_owned());
            None
        }
    };
    Action::Build {
        program,
        file,
        context,
        containerfile,
        unclear,
        args,
        hidden_args,
    }
}

/// `-qt`, `-t=x` and the like: short flags run together.
fn is_valued_cluster(s: &str) -> bool {
    s.len() > 2 && !s.starts_with("--") && s[1..].chars().all(|c| "qtfmco".contains(c))
}

/// The literal text at the start of a word (up to its first expansion).
fn literal_prefix(w: &Word) -> String {
    match w.parts.first() {
        Some(Part::Lit(t)) => t.clone(),
        _ => String::new(),
    }
}

fn compose(words: &[Word]) -> Action {
    let mut files = Vec::new();
    let mut i = 0;
    while let Some(w) = words.get(i) {
        let s = w.literal().unwrap_or_default();
        match s.as_str() {
            "-f" | "--file" => {
                if let Some(v) = words.get(i + 1) {
                    files.push(v.parts.clone());
                }
                i += 2;
            }
            "-p"
            | "--project-directory"
            | "--project-name"
            | "--env-file"
            | "--profile"
            | "--progress"
            | "--ansi"
            | "--parallel" => i += 2,
            s if s.starts_with('-') => i += 1,
            _ => break,
        }
    }
    let subcommand = words.get(i).and_then(Word::literal).unwrap_or_default();
    let mut args = Vec::new();
    let mut j = i + 1;
    while j < words.len() {
        if words[j].literal().as_deref() == Some("--build-arg") {
            if let Some((name, value)) = words.get(j + 1).and_then(Word::split_assignment) {
                args.push(ArgWord {
                    flag: words[j].span,
                    value_word: words.get(j + 1).map(|w| w.span),
                    name,
                    value,
                });
            }
            j += 2;
        } else {
            j += 1;
        }
    }
    Action::Compose {
        files,
        subcommand,
        args,
    }
}

fn make(words: &[Word]) -> Action {
    let mut directory = None;
    let mut file = None;
    let mut targets = Vec::new();
    let mut variables = Vec::new();
    let mut i = 0;
    while let Some(w) = words.get(i) {
        let s = w.literal();
        match s.as_deref() {
            Some("-C" | "--directory") => {
                directory = words.get(i + 1).map(|v| v.parts.clone());
                i += 2;
                continue;
            }
            Some("-f" | "--file" | "--makefile") => {
                file = words.get(i + 1).map(|v| v.parts.clone());
                i += 2;
                continue;
            }
            Some("-j" | "-l" | "-o" | "-W" | "-I") => {
                i += 2;
                continue;
            }
            _ => {}
        }
        if is_assignment(w) {
            if let Some((name, Some(value))) = w.split_assignment() {
                variables.push((name, value));
            }
        } else if let Some(t) = s.filter(|s| !s.starts_with('-')) {
            targets.push(t);
        }
        i += 1;
    }
    Action::Make {
        directory,
        file,
        targets,
        variables,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::callers::sh::commands;

    fn action(text: &str) -> Action {
        interpret(&commands(text, false)[0].words)
    }

    #[test]
    fn docker_build_lines() {
        let Action::Build { file, context, args, unclear, .. } =
            action("DOCKER_BUILDKIT=1 docker buildx build --push -t x:1 -f app/Dockerfile --build-arg A=$B --build-arg=C app")
        else {
            panic!()
        };
        assert_eq!(file, Some(vec![Part::Lit("app/Dockerfile".into())]));
        assert_eq!(context, Some(vec![Part::Lit("app".into())]));
        assert_eq!(unclear, None);
        assert_eq!(args.len(), 2);
        assert_eq!(args[1].name, "C");
        assert!(args[1].value.is_none());
        let Action::Build { unclear, .. } = action("docker build --weird x .") else {
            panic!()
        };
        assert_eq!(unclear.as_deref(), Some("unknown option `--weird`"));
    }

    #[test]
    fn other_commands() {
        assert!(
            matches!(action("docker compose -f a.yml build --build-arg X=1"), Action::Compose { files, args, .. } if files.len() == 1 && args.len() == 1)
        );
        assert!(
            matches!(action("make -C app image NPM_TOKEN=$T"), Action::Make { targets, variables, .. } if targets == ["image"] && variables.len() == 1)
        );
        assert!(matches!(action("cd app"), Action::Cd(Some(d)) if d == "app"));
        assert!(
            matches!(action("bash -e scripts/build.sh"), Action::Script(s) if s == "scripts/build.sh")
        );
        assert!(matches!(action("docker run x"), Action::Other));
    }
}
