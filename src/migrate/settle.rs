//! Deciding what a stage's secrets become once the whole stage is read,
//! and turning every need into edits.

use super::*;

impl<'s> Planner<'_, 's> {
    pub(super) fn settle_vars(&mut self, stage: Range<usize>, vars: Vec<SecretVar>, windows: bool) {
        let d = self.d;
        for v in vars {
            let blocked = v.blocked.clone().or_else(|| {
                windows.then(|| {
                    "Windows/PowerShell stage: sourcing a POSIX env file does not apply".to_owned()
                })
            });
            if let Some(reason) = blocked {
                if let Some(f) = self.m.findings.iter_mut().rev().find(|f| f.span == v.word) {
                    f.manual = Some(reason);
                }
                continue;
            }
            // Every later RUN of the stage needs the value: an ARG or ENV is in
            // the environment of each of them, and tools read it from there
            // without the RUN naming it.
            let users: Vec<usize> = (v.decl + 1..stage.end)
                .filter(|&i| d.instructions[i].keyword == Keyword::Run)
                .collect();
            for run in users {
                if shell_text(d, &d.instructions[run]).is_some() {
                    self.runs.entry(run).or_default().env = true;
                }
            }
            self.add_env(v.name.clone(), v.value.clone());
            self.delete_declaration(v.decl, v.word);
            for &(idx, word) in &v.promotions {
                self.delete_declaration(idx, word);
            }
            self.settled_secret_args.insert(v.name.clone());
        }
    }

    /// Deletes one `name[=value]` of an ARG/ENV (the whole instruction once
    /// all of its words go; decided in `finish`).
    pub(super) fn delete_declaration(&mut self, idx: usize, word: Span) {
        self.declarations_deleted.entry(idx).or_default().push(word);
    }

    pub(super) fn settle_files(&mut self, files: Vec<CopiedFile>, windows: bool) {
        let mut ids: Vec<String> = self.m.files.iter().map(|f| f.id.clone()).collect();
        for f in files {
            let name = f.source.rsplit('/').next().unwrap_or(&f.source).to_owned();
            let span = f.source_word;
            let message = format!("secret file {name} is copied into an image layer");
            let reason = f
                .blocked
                .clone()
                .or_else(|| windows.then(|| "Windows stage".to_owned()))
                .or_else(|| {
                    f.removed_by.is_none().then(|| {
                        "never removed: it may be needed at run time; mount it where it is used"
                            .to_owned()
                    })
                });
            if let Some(reason) = reason {
                self.finding(Rule::SecretFileCopy, span, message, Some(reason));
                continue;
            }
            self.finding(Rule::SecretFileCopy, span, message, None);
            let mut id = secret_id(&name);
            let mut n = 2;
            while ids.contains(&id) {
                id = format!("{}_{n}", secret_id(&name));
                n += 1;
            }
            ids.push(id.clone());
            for c in &f.cleanups {
                let entry = self
                    .operand_removals
                    .entry((c.run, c.segment))
                    .or_insert_with(|| (c.operands, BTreeSet::new()));
                entry.1.extend(c.mine.iter().copied());
            }
            let mount = format!(
                "--mount=type=secret,id={id},target={}{}",
                f.target, f.mount_options
            );
            for run in &f.runs {
                if Some(*run) == f.removed_by && self.deleted.contains(run) {
                    continue;
                }
                self.runs
                    .entry(*run)
                    .or_default()
                    .mounts
                    .push(mount.clone());
            }
            if f.only_source {
                self.delete_instruction(f.copy);
            } else {
                let start = self.src()[..span.start].trim_end_matches([' ', '\t']).len();
                self.m.edits.push(Edit::delete(Span::new(start, span.end)));
            }
            self.m.files.push(FileSecret {
                id,
                source: f.source,
                target: f.target,
            });
        }
    }

    pub(super) fn finish(mut self) -> Migration {
        let d = self.d;
        // A command left with none of its operands goes whole; otherwise only
        // the operands naming mounted secrets go (`rm -f .npmrc notes.txt`).
        for ((run, segment), (count, spans)) in std::mem::take(&mut self.operand_removals) {
            if spans.len() >= count {
                self.segment_removals
                    .entry(run)
                    .or_default()
                    .insert(segment);
            } else {
                for span in spans {
                    let start = self.src()[..span.start].trim_end_matches([' ', '\t']).len();
                    self.m.edits.push(Edit::delete(Span::new(start, span.end)));
                }
            }
        }
        for (idx, remove) in std::mem::take(&mut self.segment_removals) {
            self.remove_segments(idx, &remove);
        }
        for (idx, words) in std::mem::take(&mut self.declarations_deleted) {
            let ins = &d.instructions[idx];
            let spans: Vec<Span> = match &ins.args {
                Args::KeyValues(p) => p.iter().map(|kv| kv.span).collect(),
                _ => Vec::new(),
            };
            let gone: Vec<bool> = spans.iter().map(|s| words.contains(s)).collect();
            if gone.iter().all(|&g| g) {
                self.delete_instruction(idx);
                continue;
            }
            // Each run of deleted words goes with the separator after it, or,
            // at the end, with the separator before it (which may hold a line
            // continuation that must not be left dangling).
            let mut i = 0;
            while i < spans.len() {
                if !gone[i] {
                    i += 1;
                    continue;
                }
                let first = i;
                while i < spans.len() && gone[i] {
                    i += 1;
                }
                let range = if i < spans.len() {
                    Span::new(spans[first].start, spans[i].start)
                } else {
                    Span::new(spans[first - 1].end, spans[i - 1].end)
                };
                self.m.edits.push(Edit::delete(range));
            }
        }
        for (idx, needs) in std::mem::take(&mut self.runs) {
            if self.deleted.contains(&idx) {
                continue;
            }
            let ins = &d.instructions[idx];
            let mut flags = String::new();
            if needs.env {
                flags.push_str(&format!(" --mount=type=secret,id={ENV_SECRET_ID}"));
            }
            for m in &needs.mounts {
                flags.push(' ');
                flags.push_str(m);
            }
            if !flags.is_empty() {
                self.m.edits.push(Edit::insert(ins.keyword_span.end, flags));
            }
            if needs.env && !needs.sourced {
                self.m.edits.push(source_env_edit(ins));
            }
        }
        self.m.edits.sort();
        self.m.edits.dedup();
        self.m.findings.sort_by_key(|f| (f.span.start, f.rule));
        self.m
    }
}
