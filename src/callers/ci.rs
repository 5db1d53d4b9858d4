//! YAML CI files whose jobs are shell lines: GitLab CI (`before_script`,
//! `script`, `after_script`, plus `variables:` that feed the jobs'
//! environment), CircleCI (`run:` steps) and Travis (its phase lists).

use std::path::PathBuf;

use super::embed::{Embedded, Host, Script};
use super::files::FileKind;
use super::scan::{self, Ctx, Cwd, Env, Found};
use super::yaml::{self, Node, Style};
use super::{ArgValue, Indirect};

pub(crate) fn discover(ctx: &Ctx, kind: FileKind, out: &mut Found) -> Result<(), String> {
    let root = yaml::parse(ctx.src)?;
    match kind {
        FileKind::GitlabCi => gitlab(ctx, &root, out),
        FileKind::Circle => circle(ctx, &root, out),
        _ => travis(ctx, &root, out),
    }
    Ok(())
}

fn root_cwd() -> Cwd {
    Cwd::Known(PathBuf::new())
}

/// Every shell line of a scalar or (nested) list of scalars, run one after
/// another in one shell.
fn lines(ctx: &Ctx, node: &Node, cwd: &mut Cwd, out: &mut Found) {
    if node.is_seq() {
        for item in node.items() {
            lines(ctx, item, cwd, out);
        }
        return;
    }
    let Some(text) = node.str() else {
        return;
    };
    let embedded = super::scalar::embed(ctx.src, node).unwrap_or_else(|| Embedded::unmapped(text));
    let script = Script::new(embedded, Host::Yaml(node.style().unwrap_or(Style::Plain)));
    scan::scan(ctx, &script, cwd, &Env::default(), node.span, out);
}

fn gitlab(ctx: &Ctx, root: &Node, out: &mut Found) {
    variables(ctx, root, out);
    for (key, job) in root.entries() {
        if !job.is_map() || key.str() == Some("variables") {
            continue;
        }
        variables(ctx, job, out);
        // before_script and script share one shell; after_script has its own.
        let mut cwd = root_cwd();
        for k in ["before_script", "script"] {
            if let Some(n) = job.get(k) {
                lines(ctx, n, &mut cwd, out);
            }
        }
        if let Some(n) = job.get("after_script") {
            lines(ctx, n, &mut root_cwd(), out);
        }
    }
    for k in ["before_script", "after_script"] {
        if let Some(n) = root.get(k) {
            lines(ctx, n, &mut root_cwd(), out);
        }
    }
}

/// A `variables:` block: each variable reaches the job's environment.
fn variables(ctx: &Ctx, node: &Node, out: &mut Found) {
    let Some(vars) = node.get("variables") else {
        return;
    };
    let passes: Vec<(String, ArgValue)> = vars
        .entries()
        .iter()
        .filter_map(|(k, v)| {
            let value = v.str().or_else(|| v.get("value").and_then(Node::str))?;
            let value = match value
                .strip_prefix('$')
                .map(|r| r.trim_start_matches('{').trim_end_matches('}'))
            {
                Some(n) if super::sh::is_name(n) => ArgValue::Env(n.to_owned()),
                _ if value.contains('$') => ArgValue::Computed,
                _ => ArgValue::Literal,
            };
            Some((k.str()?.to_owned(), value))
        })
        .collect();
    if !passes.is_empty() {
        out.indirect.push(Indirect {
            file: ctx.file.to_path_buf(),
            line: yaml::line_of(ctx.src, vars.span.start),
            what: "variables".into(),
            runs: None,
            targets: Vec::new(),
            passes,
        });
    }
}

fn circle(ctx: &Ctx, root: &Node, out: &mut Found) {
    for (_, job) in root.get("jobs").map(Node::entries).unwrap_or_default() {
        let base = match job.get("working_directory").and_then(Node::str) {
            None | Some("~/project") => root_cwd(),
            Some(_) => Cwd::Unknown(
                "the job's working_directory is not the checkout".into(),
                Vec::new(),
            ),
        };
        for step in job.get("steps").map(Node::items).unwrap_or_default() {
            let Some(run) = step.get("run") else {
                continue;
            };
            let mut cwd = match run.get("working_directory").and_then(Node::str) {
                Some(d) => base.join_dir(d),
                None => base.clone(),
            };
            let command = if run.is_map() {
                run.get("command")
            } else {
                Some(run)
            };
            if let Some(c) = command {
                lines(ctx, c, &mut cwd, out);
            }
        }
    }
}

const TRAVIS_PHASES: &[&str] = &[
    "before_install",
    "install",
    "before_script",
    "script",
    "after_success",
    "after_failure",
    "before_deploy",
    "after_deploy",
    "after_script",
];

fn travis(ctx: &Ctx, root: &Node, out: &mut Found) {
    let mut jobs = vec![root];
    for k in ["jobs", "matrix"] {
        if let Some(include) = root.get(k).and_then(|j| j.get("include")) {
            jobs.extend(include.items());
        }
    }
    for job in jobs {
        // Travis runs the phases in one shell, in the checkout.
        let mut cwd = root_cwd();
        for phase in TRAVIS_PHASES {
            if let Some(n) = job.get(phase) {
                lines(ctx, n, &mut cwd, out);
            }
        }
    }
}
