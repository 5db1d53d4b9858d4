//! Suppressions: the findings a person has judged and silenced.
//!
//! * `# dfix ignore=DF001[,DF003...]` (or `all`) in the comment lines directly
//!   above an instruction silences those rules' findings on it, and their
//!   fixes (hadolint's `# hadolint ignore=DL3008`, ruff's `# noqa: F401`).
//! * `# dfix global ignore=DF003` anywhere in the file silences them in the
//!   whole file.
//! * BuildKit's `# check=skip=SecretsUsedInArgOrEnv` (or `skip=all`)
//!   directive says the same of secret ARG/ENV names: it silences DF003.
//! * `ignore = [...]` in `.dfix.toml` silences rules wherever it applies.
//!
//! Text after the ids is the justification (`# dfix ignore=DF003 public
//! read-only token`), carried to JSON and SARIF. The file is read once into
//! [`Suppressions`]; rules ask it through [`crate::rules::Context::report`],
//! which records which suppression was used, so that one silencing nothing
//! is reported (DF100, [`crate::rules::unused_suppression`]).

use serde::Serialize;

use crate::rules::Rule;
use crate::syntax::comments::{comments, Place};
use crate::syntax::{Dockerfile, Span};

/// How a finding was silenced.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum How {
    /// `# dfix ignore=` above the instruction.
    Inline,
    /// `# dfix global ignore=` in the file.
    Global,
    /// BuildKit's `# check=skip=` directive.
    BuildkitCheck,
    /// `ignore` in the configuration.
    Config,
}

impl How {
    pub fn as_str(self) -> &'static str {
        match self {
            How::Inline => "inline",
            How::Global => "global",
            How::BuildkitCheck => "buildkit-check",
            How::Config => "config",
        }
    }

    /// Written in the Dockerfile (SARIF's `inSource`), rather than beside it.
    pub fn in_source(self) -> bool {
        self != How::Config
    }
}

/// Why a finding is not reported.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Suppression {
    pub how: How,
    /// The text after the ids, if any.
    pub justification: Option<String>,
}

/// BuildKit's name for its check of secret-like ARG/ENV names.
const BUILDKIT_SECRETS_CHECK: &str = "SecretsUsedInArgOrEnv";

/// What one suppression names.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Targets {
    All,
    Rules(Vec<Rule>),
}

impl Targets {
    fn covers(&self, rule: Rule) -> bool {
        match self {
            Targets::All => true,
            Targets::Rules(rules) => rules.contains(&rule),
        }
    }
}

#[derive(Clone, Debug)]
struct Entry {
    how: How,
    targets: Targets,
    /// For an inline suppression, the instruction it is above.
    instruction: Option<usize>,
    /// The comment (empty for the configuration).
    span: Span,
    /// Ids that name no rule.
    unknown: Vec<String>,
    justification: Option<String>,
    /// Rules it silenced at least once.
    used: Vec<Rule>,
}

/// A suppression comment that silences nothing, with why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unused {
    pub span: Span,
    pub message: String,
}

/// The suppressions of one file, and which have been used.
#[derive(Clone, Debug, Default)]
pub struct Suppressions {
    /// In the order they are consulted: inline, global, BuildKit, config.
    entries: Vec<Entry>,
    /// Where each instruction starts, to place a finding.
    starts: Vec<usize>,
    /// Comments that look like suppressions but silence nothing as written.
    misplaced: Vec<Unused>,
}

impl Suppressions {
    /// Reads the suppressions of `d`; `config` are the rules the
    /// configuration ignores.
    pub fn new(d: &Dockerfile<'_>, config: &[Rule]) -> Self {
        let mut s = Suppressions::default();
        // Most files mention dfix nowhere: no comment scan for them.
        if memchr::memmem::find(d.source.as_bytes(), b"dfix").is_some() {
            s.comments(d);
        }
        for directive in d.directives.iter().filter(|x| x.name == "check") {
            if skips_secrets_check(&directive.value) {
                s.entries.push(Entry {
                    how: How::BuildkitCheck,
                    targets: Targets::Rules(vec![Rule::SecretBuildArg]),
                    instruction: None,
                    span: directive.span,
                    unknown: Vec::new(),
                    justification: None,
                    used: Vec::new(),
                });
            }
        }
        if !config.is_empty() {
            s.entries.push(Entry {
                how: How::Config,
                targets: Targets::Rules(config.to_vec()),
                instruction: None,
                span: Span::default(),
                unknown: Vec::new(),
                justification: None,
                used: Vec::new(),
            });
        }
        s.entries.sort_by_key(|e| e.how);
        if s.entries.iter().any(|e| e.how == How::Inline) {
            s.starts = d.instructions.iter().map(|i| i.span.start).collect();
        }
        s
    }

    fn comments(&mut self, d: &Dockerfile<'_>) {
        for c in comments(d) {
            let Some(parsed) = parse_comment(c.text) else {
                continue;
            };
            let Ok(p) = parsed else {
                self.misplaced.push(Unused {
                    span: c.span,
                    message: "malformed suppression: write `# dfix ignore=DF001[,DF003]` \
                              or `# dfix global ignore=DF001`"
                        .into(),
                });
                continue;
            };
            let instruction = match (p.global, c.place) {
                (true, _) => None,
                (false, Place::Before(i)) => Some(i),
                (false, place) => {
                    let why = if matches!(place, Place::Inside(_)) {
                        "it is among an instruction's continuation lines"
                    } else {
                        "no instruction follows it directly"
                    };
                    self.misplaced.push(Unused {
                        span: c.span,
                        message: format!(
                            "suppression applies to nothing: {why}; put it on the line \
                             above the instruction"
                        ),
                    });
                    continue;
                }
            };
            self.entries.push(Entry {
                how: if p.global { How::Global } else { How::Inline },
                targets: p.targets,
                instruction,
                span: c.span,
                unknown: p.unknown,
                justification: p.justification,
                used: Vec::new(),
            });
        }
    }

    /// The instruction a finding at `offset` belongs to.
    fn instruction_at(&self, offset: usize) -> Option<usize> {
        self.starts.partition_point(|&s| s <= offset).checked_sub(1)
    }

    fn find(&self, rule: Rule, offset: usize) -> Option<usize> {
        let at = self.instruction_at(offset);
        self.entries
            .iter()
            .position(|e| e.targets.covers(rule) && (e.how != How::Inline || e.instruction == at))
    }

    /// Whether a finding of `rule` at `offset` is silenced (without
    /// counting the suppression as used).
    pub fn covers(&self, rule: Rule, offset: usize) -> bool {
        self.find(rule, offset).is_some()
    }

    /// The suppression that silences a finding of `rule` at `offset`, if
    /// any; it counts as used.
    pub fn check(&mut self, rule: Rule, offset: usize) -> Option<Suppression> {
        let i = self.find(rule, offset)?;
        let e = &mut self.entries[i];
        if !e.used.contains(&rule) {
            e.used.push(rule);
        }
        Some(Suppression {
            how: e.how,
            justification: e.justification.clone(),
        })
    }

    /// Suppression comments that silenced nothing, or name unknown rules, or
    /// stand where they apply to nothing; in file order.
    pub fn unused(&self) -> Vec<Unused> {
        let mut out = self.misplaced.clone();
        for e in self
            .entries
            .iter()
            .filter(|e| matches!(e.how, How::Inline | How::Global))
        {
            let scope = if e.how == How::Inline {
                "this instruction"
            } else {
                "this file"
            };
            let mut parts = Vec::new();
            match &e.targets {
                Targets::All if e.used.is_empty() && e.unknown.is_empty() => {
                    parts.push(format!("no finding in {scope} to silence"));
                }
                Targets::All => {}
                Targets::Rules(rules) => {
                    let idle: Vec<&str> = rules
                        .iter()
                        .filter(|r| !e.used.contains(r))
                        .map(|r| r.id())
                        .collect();
                    if !idle.is_empty() {
                        parts.push(format!("no {} finding in {scope}", idle.join(" or ")));
                    }
                }
            }
            if !e.unknown.is_empty() {
                parts.push(format!("unknown rule {}", e.unknown.join(", ")));
            }
            if !parts.is_empty() {
                out.push(Unused {
                    span: e.span,
                    message: format!("unused suppression: {}", parts.join("; ")),
                });
            }
        }
        out.sort_by_key(|u| u.span.start);
        out
    }
}

/// A suppression comment as written.
#[derive(Debug, PartialEq, Eq)]
struct Parsed {
    global: bool,
    targets: Targets,
    unknown: Vec<String>,
    justification: Option<String>,
}

/// `None` when the comment is not meant as a suppression; an error when it
/// starts like one but does not parse.
fn parse_comment(text: &str) -> Option<Result<Parsed, ()>> {
    let rest = text.strip_prefix("dfix")?;
    if !rest.starts_with([' ', '\t']) {
        return None;
    }
    let rest = rest.trim_start();
    let (global, rest) = match rest.strip_prefix("global") {
        Some(r) if r.starts_with([' ', '\t']) => (true, r.trim_start()),
        _ => (false, rest),
    };
    let Some(list) = rest.strip_prefix("ignore") else {
        // `# dfix global ...` can only be a suppression; anything else
        // after `dfix` is a remark.
        return global.then_some(Err(()));
    };
    let Some(list) = list.trim_start().strip_prefix('=') else {
        return Some(Err(()));
    };
    let list = list.trim_start();
    // The ids run to the first blank that no comma touches.
    let bytes = list.as_bytes();
    let mut end = 0;
    while end < bytes.len() {
        if bytes[end].is_ascii_whitespace() {
            let next = list[end..].trim_start();
            let after_comma = list[..end].trim_end().ends_with(',');
            if !after_comma && !next.starts_with(',') {
                break;
            }
        }
        end += 1;
    }
    let ids: Vec<&str> = list[..end]
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect();
    if ids.is_empty() {
        return Some(Err(()));
    }
    let justification = list[end..]
        .trim()
        .trim_start_matches(['-', ':', '\u{2014}'])
        .trim();
    let mut rules = Vec::new();
    let mut unknown = Vec::new();
    let mut all = false;
    for id in ids {
        if id.eq_ignore_ascii_case("all") {
            all = true;
        } else if let Some(rule) = Rule::from_code(id) {
            rules.push(rule);
        } else {
            unknown.push(id.to_owned());
        }
    }
    Some(Ok(Parsed {
        global,
        targets: if all {
            Targets::All
        } else {
            Targets::Rules(rules)
        },
        unknown,
        justification: (!justification.is_empty()).then(|| justification.to_owned()),
    }))
}

/// `check=skip=A,B;error=true` names BuildKit's secrets check, or all checks.
fn skips_secrets_check(value: &str) -> bool {
    value.split(';').any(|part| {
        let Some((key, list)) = part.split_once('=') else {
            return false;
        };
        key.trim().eq_ignore_ascii_case("skip")
            && list.split(',').map(str::trim).any(|c| {
                c.eq_ignore_ascii_case(BUILDKIT_SECRETS_CHECK) || c.eq_ignore_ascii_case("all")
            })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(text: &str) -> Option<Result<Parsed, ()>> {
        parse_comment(text)
    }

    #[test]
    fn suppression_comments() {
        let p = parsed("dfix ignore=DF001").unwrap().unwrap();
        assert_eq!(p.targets, Targets::Rules(vec![Rule::HardcodedCredential]));
        assert!(!p.global);
        assert_eq!(p.justification, None);
        let p = parsed("dfix global ignore=df003, secret-file-copy -- read-only mirror token")
            .unwrap()
            .unwrap();
        assert!(p.global);
        assert_eq!(
            p.targets,
            Targets::Rules(vec![Rule::SecretBuildArg, Rule::SecretFileCopy])
        );
        assert_eq!(p.justification.as_deref(), Some("read-only mirror token"));
        let p = parsed("dfix ignore=all,DF999 public demo value")
            .unwrap()
            .unwrap();
        assert_eq!(p.targets, Targets::All);
        assert_eq!(p.unknown, ["DF999"]);
        assert_eq!(p.justification.as_deref(), Some("public demo value"));
        // Not suppressions.
        assert_eq!(parsed("dfix rewrote this line"), None);
        assert_eq!(parsed("dfixed by hand"), None);
        assert_eq!(parsed("hadolint ignore=DL3008"), None);
        // Meant as one, but malformed.
        assert_eq!(parsed("dfix ignore DF001"), Some(Err(())));
        assert_eq!(parsed("dfix ignore="), Some(Err(())));
        assert_eq!(parsed("dfix global DF001"), Some(Err(())));
    }

    #[test]
    fn buildkit_check_directive() {
        assert!(skips_secrets_check("skip=SecretsUsedInArgOrEnv"));
        assert!(skips_secrets_check(
            "skip=JSONArgsRecommended, secretsusedinargorenv;error=true"
        ));
        assert!(skips_secrets_check("error=true;skip=all"));
        assert!(!skips_secrets_check("skip=JSONArgsRecommended"));
        assert!(!skips_secrets_check("error=true"));
    }

    #[test]
    fn inline_applies_to_its_instruction_only_and_records_use() {
        let src = "FROM alpine\n# dfix ignore=DF003,DF002\nARG NPM_TOKEN\nARG PYPI_TOKEN\n";
        let d = crate::syntax::parse(src).unwrap();
        let mut s = Suppressions::new(&d, &[]);
        let arg1 = d.instructions[1].span.start + 4;
        let arg2 = d.instructions[2].span.start + 4;
        assert!(s.covers(Rule::SecretBuildArg, arg1));
        assert!(!s.covers(Rule::SecretBuildArg, arg2));
        assert_eq!(s.unused().len(), 1, "nothing used yet");
        let by = s.check(Rule::SecretBuildArg, arg1).unwrap();
        assert_eq!(by.how, How::Inline);
        let unused = s.unused();
        assert_eq!(unused.len(), 1);
        assert_eq!(
            unused[0].message,
            "unused suppression: no DF002 finding in this instruction"
        );
        assert_eq!(unused[0].span.text(src), "# dfix ignore=DF003,DF002");
    }

    #[test]
    fn inline_wins_over_global_and_config() {
        let src =
            "# dfix global ignore=DF003\nFROM alpine\n# dfix ignore=DF003 mine\nARG NPM_TOKEN\n";
        let d = crate::syntax::parse(src).unwrap();
        let mut s = Suppressions::new(&d, &[Rule::SecretBuildArg]);
        let by = s
            .check(Rule::SecretBuildArg, d.instructions[1].span.start)
            .unwrap();
        assert_eq!(by.how, How::Inline);
        assert_eq!(by.justification.as_deref(), Some("mine"));
        // The global one silenced nothing.
        let unused = s.unused();
        assert_eq!(unused.len(), 1);
        assert_eq!(unused[0].span.start, 0);
        // Elsewhere, the global one applies before the configuration.
        let by = s.check(Rule::SecretBuildArg, 0).unwrap();
        assert_eq!(by.how, How::Global);
        assert!(s.unused().is_empty());
    }

    #[test]
    fn misplaced_suppressions_are_reported() {
        let src = "FROM alpine\n# dfix ignore=DF001\n\nRUN echo \\\n # dfix ignore=DF001\n  done\n# dfix ignore=DF001\n";
        let d = crate::syntax::parse(src).unwrap();
        let s = Suppressions::new(&d, &[]);
        let unused = s.unused();
        assert_eq!(unused.len(), 3);
        assert!(unused[0]
            .message
            .contains("no instruction follows it directly"));
        assert!(unused[1].message.contains("continuation lines"));
        assert!(unused[2]
            .message
            .contains("no instruction follows it directly"));
    }
}
