//! Rewriting RUN instructions: literal credentials (shell text, heredoc
//! scripts and data, exec form) and the removal of secret files.

use super::*;

impl<'s> Planner<'_, 's> {
    pub(super) fn run_instruction(
        &mut self,
        idx: usize,
        vars: &mut [SecretVar],
        files: &mut [CopiedFile],
        windows: bool,
    ) {
        let d = self.d;
        let ins = &d.instructions[idx];
        if let Args::Exec(items) = &ins.args {
            self.exec_form(idx, items, windows);
            return;
        }
        let Some((offset, text)) = shell_text(d, ins) else {
            return;
        };
        // Most RUNs hold no secret at all: skip the shell scan for them.
        let active_files = files.iter().any(|f| f.removed_by.is_none());
        if vars.is_empty()
            && !active_files
            && ins.heredocs.is_empty()
            && literal_credentials(text).is_empty()
        {
            return;
        }
        let scan = shell::scan(text, d.escape);
        for v in vars.iter_mut() {
            if scan.variable_refs().iter().any(|r| r.name == v.name) {
                v.used_by.push(idx);
            }
        }
        self.literals(idx, offset, &scan, windows);
        for h in &ins.heredocs {
            let body = h.body.text(self.src());
            if h.word == ins.args_span {
                // `RUN <<EOF`: the body is the script.
                let body_scan = shell::scan(body, d.escape);
                for v in vars.iter_mut() {
                    if body_scan.variable_refs().iter().any(|r| r.name == v.name) {
                        v.used_by.push(idx);
                    }
                }
                self.literals(idx, h.body.start, &body_scan, windows);
            } else {
                self.heredoc_data(idx, h, windows);
            }
        }
        // Removals of copied secret files.
        for f in files.iter_mut().filter(|f| f.removed_by.is_none()) {
            for (seg_idx, _) in scan.segments().iter().enumerate() {
                let words: Vec<(std::ops::Range<usize>, String)> = scan
                    .segment_words(seg_idx)
                    .map(|(_, w)| (w.range.clone(), scan.decode(w.range.clone())))
                    .collect();
                // Operands start after the command (and after chmod's mode or
                // chown's owner).
                let skip = match words.first().map(|(_, w)| w.as_str()) {
                    Some("rm") => 1,
                    Some("chmod" | "chown") if words.len() >= 3 => 2,
                    _ => continue,
                };
                let operands: Vec<&(std::ops::Range<usize>, String)> = words[skip..]
                    .iter()
                    .filter(|(_, w)| !w.starts_with('-'))
                    .collect();
                let mine: Vec<Span> = operands
                    .iter()
                    .filter(|(_, w)| names_file(w, f))
                    .map(|(r, _)| shift(r.clone(), offset))
                    .collect();
                if mine.is_empty() {
                    continue;
                }
                if skip == 1 {
                    f.removed_by = Some(idx);
                }
                // A mounted secret is read-only: its rm, chmod and chown go,
                // once the file is known to be fixed.
                f.cleanups.push(Cleanup {
                    run: idx,
                    segment: seg_idx,
                    operands: operands.len(),
                    mine,
                });
            }
        }
    }

    /// Replaces the literal credentials of one shell text (a RUN command or a
    /// heredoc script) that starts at `offset` in the file.
    pub(super) fn literals(
        &mut self,
        idx: usize,
        offset: usize,
        scan: &shell::Scan,
        windows: bool,
    ) {
        for m in literal_credentials(scan.text()) {
            let span = shift(m.range.clone(), offset);
            self.m.secret_spans.push(span);
            if windows {
                self.finding(
                    Rule::HardcodedCredential,
                    span,
                    m.kind.describe().to_string(),
                    Some(WINDOWS.into()),
                );
                continue;
            }
            let value = scan.decode(m.range.clone());
            let base = secrets::suggest_env_name(&m);
            let name = self.env_name_for(&base, &value);
            match scan.reference_splice(m.range.clone(), &name) {
                Some(splice) => {
                    let at = shift(splice.range, offset);
                    self.m.edits.push(Edit::replace(at, splice.replacement));
                    self.moved_literal(idx, span, m.kind.describe(), name, value);
                }
                None => self.finding(
                    Rule::HardcodedCredential,
                    span,
                    m.kind.describe().to_string(),
                    Some("the value spans quoting that cannot be rewritten safely".into()),
                ),
            }
        }
    }

    pub(super) fn moved_literal(
        &mut self,
        idx: usize,
        span: Span,
        what: &str,
        name: String,
        value: String,
    ) {
        self.finding(
            Rule::HardcodedCredential,
            span,
            format!("{what} (moves to .env as {name})"),
            None,
        );
        self.add_env(name, Some(SecretValue::new(value)));
        self.runs.entry(idx).or_default().env = true;
    }

    /// A heredoc that is data for a command (`cat <<EOF > file`): an
    /// unquoted delimiter lets the shell expand `${NAME}` in it.
    pub(super) fn heredoc_data(&mut self, idx: usize, h: &crate::syntax::Heredoc, windows: bool) {
        let body = h.body.text(self.src());
        for m in data_credentials(body) {
            let span = shift(m.range.clone(), h.body.start);
            self.m.secret_spans.push(span);
            let blocked = if windows {
                Some(WINDOWS)
            } else if !h.expand {
                Some("the heredoc delimiter is quoted, so its body cannot read a variable")
            } else {
                None
            };
            if let Some(reason) = blocked {
                self.finding(
                    Rule::HardcodedCredential,
                    span,
                    m.kind.describe().into(),
                    Some(reason.into()),
                );
                continue;
            }
            let value = body[m.range.clone()].to_owned();
            let name = self.env_name_for(&secrets::suggest_env_name(&m), &value);
            self.m
                .edits
                .push(Edit::replace(span, format!("${{{name}}}")));
            self.moved_literal(idx, span, m.kind.describe(), name, value);
        }
    }

    /// A JSON (exec form) RUN holding a credential becomes a shell-form RUN
    /// that sources the env file: exec form has no shell to expand `${NAME}`.
    pub(super) fn exec_form(&mut self, idx: usize, items: &[crate::syntax::Arg], windows: bool) {
        let ins = &self.d.instructions[idx];
        let mut words = Vec::with_capacity(items.len());
        let mut found = false;
        for item in items {
            let value = item.value.as_ref();
            let matches = literal_credentials(value);
            if matches.is_empty() {
                words.push(envfile::shell_word(value));
                continue;
            }
            found = true;
            // JSON escapes make offsets in the decoded value differ from the
            // file: mask the whole string, inside its quotes.
            self.m
                .secret_spans
                .push(Span::new(item.span.start + 1, item.span.end - 1));
            if windows {
                for m in &matches {
                    self.finding(
                        Rule::HardcodedCredential,
                        item.span,
                        m.kind.describe().into(),
                        Some(WINDOWS.into()),
                    );
                }
                return;
            }
            let mut word = String::new();
            let mut at = 0;
            for m in matches {
                if m.range.start > at {
                    word.push_str(&envfile::shell_single_quote(&value[at..m.range.start]));
                }
                let secret = value[m.range.clone()].to_owned();
                let name = self.env_name_for(&secrets::suggest_env_name(&m), &secret);
                word.push_str(&format!("\"${{{name}}}\""));
                self.moved_literal(idx, item.span, m.kind.describe(), name, secret);
                at = m.range.end;
            }
            if at < value.len() {
                word.push_str(&envfile::shell_single_quote(&value[at..]));
            }
            words.push(word);
        }
        if found {
            let command = format!(". /run/secrets/{ENV_SECRET_ID} && {}", words.join(" "));
            self.m.edits.push(Edit::replace(ins.args_span, command));
            self.runs.entry(idx).or_default().sourced = true;
        }
    }

    /// Deletes shell segments of one RUN. Each run of consecutive removed
    /// segments goes with the operator after it, or, at the end, with the
    /// operator before it; when nothing is left the whole RUN goes.
    pub(super) fn remove_segments(&mut self, idx: usize, remove: &BTreeSet<usize>) {
        let d = self.d;
        let Some((offset, text)) = shell_text(d, &d.instructions[idx]) else {
            return;
        };
        let scan = shell::scan(text, d.escape);
        let segments = scan.segments();
        let top: Vec<usize> = (0..segments.len())
            .filter(|&i| segments[i].parent.is_none())
            .collect();
        if remove
            .iter()
            .any(|i| segments.get(*i).is_none_or(|s| s.parent.is_some()))
        {
            // Inside a ( ... ) group: one at a time, as the scanner allows.
            for &seg in remove {
                if let Some(r) = scan.removal(seg) {
                    if r.leaves_empty {
                        self.delete_instruction(idx);
                        return;
                    }
                    for range in r.ranges {
                        self.m.edits.push(Edit::delete(shift(range, offset)));
                    }
                }
            }
            return;
        }
        if top.iter().all(|i| remove.contains(i)) {
            self.delete_instruction(idx);
            return;
        }
        let mut i = 0;
        while i < top.len() {
            if !remove.contains(&top[i]) {
                i += 1;
                continue;
            }
            let first = i;
            while i < top.len() && remove.contains(&top[i]) {
                i += 1;
            }
            let range = if first == 0 {
                segments[top[first]].range.start..segments[top[i]].range.start
            } else {
                segments[top[first - 1]].extent_end..segments[top[i - 1]].extent_end
            };
            self.m.edits.push(Edit::delete(shift(range, offset)));
        }
    }
}
