//! Simple commands and the lists they form (`a && b; c | d`, `( ... )`
//! groups), built from one level's tokens; and what to delete to remove one
//! command while keeping the rest valid.

use std::ops::Range;

use super::lexer::{Level, ListOp, Tok};
use super::{Command, Redirect, Script};

/// Words that make a command a fragment of a compound command.
const RESERVED: &[&str] = &[
    "if", "then", "else", "elif", "fi", "do", "done", "case", "esac", "while", "until", "for",
    "in", "{", "}", "function", "select", "!",
];

/// The commands of one level, appended to `out`.
pub(crate) fn build(id: usize, level: &Level, words: &[super::Word], out: &mut Vec<Command>) {
    let first = out.len();
    let mut cur: Option<Command> = None;
    let mut groups: Vec<usize> = Vec::new();
    let mut pending_sep: Option<(ListOp, Range<usize>)> = None;
    let mut awaiting_target: Option<usize> = None;

    let new =
        |start: usize, parent: Option<usize>, before: Option<(ListOp, Range<usize>)>| Command {
            words: Vec::new(),
            redirects: Vec::new(),
            heredocs: Vec::new(),
            range: start..start,
            extent_end: start,
            before: before.map(|(op, range)| super::Separator { op, range }),
            after: None,
            parent,
            group: false,
            reserved: false,
            nested: level.nested,
            level: id,
        };
    let finish = |cur: &mut Option<Command>,
                  out: &mut Vec<Command>,
                  after: Option<(ListOp, Range<usize>)>|
     -> bool {
        match cur.take() {
            Some(mut c) => {
                c.after = after.map(|(op, range)| super::Separator { op, range });
                out.push(c);
                true
            }
            None => false,
        }
    };

    for (tok, range) in &level.tokens {
        match tok {
            Tok::Word(w) => {
                if let Some(r) = awaiting_target.take() {
                    if let Some(c) = cur.as_mut() {
                        c.redirects[r].target = Some(*w);
                        c.range.end = range.end;
                        c.extent_end = c.extent_end.max(range.end);
                        continue;
                    }
                }
                let c = cur.get_or_insert_with(|| {
                    new(range.start, groups.last().copied(), pending_sep.take())
                });
                if c.words.is_empty()
                    && RESERVED.contains(&words[*w].value.as_str())
                    && !words[*w].has_quotes()
                {
                    c.reserved = true;
                }
                c.words.push(*w);
                c.range.end = range.end;
                c.extent_end = c.extent_end.max(range.end);
            }
            Tok::Redirect { op, fd, attached } => {
                let c = cur.get_or_insert_with(|| {
                    new(range.start, groups.last().copied(), pending_sep.take())
                });
                c.redirects.push(Redirect {
                    op: *op,
                    fd: *fd,
                    target: None,
                    range: range.clone(),
                });
                if !attached {
                    awaiting_target = Some(c.redirects.len() - 1);
                }
                c.range.end = range.end;
                c.extent_end = c.extent_end.max(range.end);
            }
            Tok::Heredoc(h) => {
                let c = cur.get_or_insert_with(|| {
                    new(range.start, groups.last().copied(), pending_sep.take())
                });
                c.heredocs.push(*h);
                c.range.end = range.end;
                c.extent_end = c.extent_end.max(range.end);
            }
            Tok::Body(_) => {
                // Bodies follow the newline that ended their command.
                if let Some(c) = cur.as_mut() {
                    c.extent_end = c.extent_end.max(range.end);
                } else if let Some(last) = out[first..].last_mut() {
                    last.extent_end = last.extent_end.max(range.end);
                }
            }
            Tok::List(op) => {
                awaiting_target = None;
                let sep = (*op, range.clone());
                if finish(&mut cur, out, Some(sep.clone())) {
                    pending_sep = Some(sep);
                } else if *op != ListOp::Newline && pending_sep.is_none() {
                    // `; ;`-like leftovers keep the last real separator.
                    pending_sep = Some(sep);
                }
            }
            Tok::Open => {
                awaiting_target = None;
                finish(&mut cur, out, None);
                let mut g = new(range.start, groups.last().copied(), pending_sep.take());
                g.group = true;
                g.range.end = range.end;
                g.extent_end = range.end;
                out.push(g);
                groups.push(out.len() - 1);
            }
            Tok::Close => {
                awaiting_target = None;
                finish(&mut cur, out, None);
                if let Some(g) = groups.pop() {
                    out[g].range.end = range.end;
                    out[g].extent_end = out[g].extent_end.max(range.end);
                    pending_sep = None;
                }
            }
        }
    }
    finish(&mut cur, out, None);
    // A group's `after`/`before` come from the separators around it.
    link_groups(&mut out[first..], level);
}

/// A group command's `after` separator is the list operator that follows
/// its `)`.
fn link_groups(cmds: &mut [Command], level: &Level) {
    for cmd in cmds.iter_mut() {
        if !cmd.group || cmd.after.is_some() {
            continue;
        }
        let end = cmd.range.end;
        let next = level
            .tokens
            .iter()
            .find(|(_, r)| r.start >= end)
            .and_then(|(t, r)| match t {
                Tok::List(op) => Some(super::Separator {
                    op: *op,
                    range: r.clone(),
                }),
                _ => None,
            });
        cmd.after = next;
    }
}

/// What to delete to remove one command (see [`Script::removal`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Removal {
    /// Script-text ranges to delete, sorted and disjoint.
    pub ranges: Vec<Range<usize>>,
    /// Nothing would be left: the whole RUN goes instead.
    pub leaves_empty: bool,
}

impl Script<'_> {
    /// The commands that share `cmd`'s list (same level and group).
    fn siblings(&self, cmd: usize) -> Vec<usize> {
        let c = &self.commands[cmd];
        (0..self.commands.len())
            .filter(|&i| {
                let o = &self.commands[i];
                o.parent == c.parent && o.nested == c.nested && o.level == c.level
            })
            .collect()
    }

    /// What to delete to remove the top-level commands `remove` (in any
    /// order) and keep a valid script: each run of consecutive removed
    /// commands goes with the operator after it, or, at the end of the list,
    /// with the operator before it. `None` when one of them is part of a
    /// compound command or a command substitution.
    pub fn removal(&self, remove: &[usize]) -> Option<Removal> {
        if remove.is_empty() {
            return Some(Removal {
                ranges: Vec::new(),
                leaves_empty: false,
            });
        }
        if remove.iter().any(|&i| {
            let c = &self.commands[i];
            c.reserved || c.nested
        }) {
            return None;
        }
        let first = remove[0];
        if remove
            .iter()
            .any(|&i| self.commands[i].parent != self.commands[first].parent)
        {
            return None;
        }
        let list = self.siblings(first);
        if list.iter().all(|i| remove.contains(i)) {
            return match self.commands[first].parent {
                Some(g) => self.removal(&[g]),
                None => Some(Removal {
                    ranges: std::iter::once(0..self.text.len()).collect(),
                    leaves_empty: true,
                }),
            };
        }
        if list.iter().any(|&i| self.commands[i].reserved) {
            // `if a; then rm x; fi`: deleting pieces of a compound command
            // is not safe without parsing it.
            return None;
        }
        let mut ranges = Vec::new();
        let mut k = 0;
        while k < list.len() {
            if !remove.contains(&list[k]) {
                k += 1;
                continue;
            }
            let start = k;
            while k < list.len() && remove.contains(&list[k]) {
                k += 1;
            }
            let range = if start == 0 {
                self.commands[list[start]].range.start..self.commands[list[k]].range.start
            } else {
                self.commands[list[start - 1]].extent_end..self.commands[list[k - 1]].extent_end
            };
            // A word that ends in an escaped blank (`'x'\ `) would end its
            // line once what follows goes, and a Dockerfile reads `\ ` at
            // the end of a line as a continuation: the next instruction
            // would join this RUN.
            let kept = self.text[..range.start].trim_end_matches([' ', '\t']);
            if kept.len() < range.start && kept.ends_with('\\') {
                return None;
            }
            ranges.push(range);
        }
        Some(Removal {
            ranges,
            leaves_empty: false,
        })
    }
}
