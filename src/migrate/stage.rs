//! Reading a stage: WORKDIR and USER, secret ARG/ENV declarations, copied
//! secret files, and secrets used outside RUN.

use super::*;

impl<'s> Planner<'_, 's> {
    pub(super) fn stage(
        &mut self,
        stage: Range<usize>,
        windows: bool,
        globals: &BTreeMap<String, String>,
    ) {
        let d = self.d;
        let mut workdir: Option<String> = None;
        let mut non_root_user = false;
        let mut windows = windows;
        let mut vars: Vec<SecretVar> = Vec::new();
        let mut files: Vec<CopiedFile> = Vec::new();
        for idx in stage.clone() {
            let ins = &d.instructions[idx];
            match ins.keyword {
                Keyword::From => {
                    if let Args::Words(w) = &ins.args {
                        let image = w.first().map(|a| a.value.to_ascii_lowercase());
                        if image.is_some_and(|i| i.contains("windows") || i.contains("nanoserver"))
                        {
                            windows = true;
                        }
                    }
                    self.uses_outside_run(ins, &mut vars);
                }
                Keyword::Shell => {
                    if let Args::Exec(a) = &ins.args {
                        if a.first().is_some_and(|s| {
                            s.value.to_ascii_lowercase().contains("powershell")
                                || s.value.contains("pwsh")
                                || s.value.contains("cmd")
                        }) {
                            windows = true;
                        }
                    }
                }
                Keyword::Workdir => {
                    if let Args::Text(a) = &ins.args {
                        let dir = a.value.trim_matches('"').to_owned();
                        workdir = if dir.contains('$') {
                            None
                        } else if dir.starts_with('/') {
                            Some(dir)
                        } else {
                            workdir.map(|w| join(&w, &dir))
                        };
                    }
                }
                Keyword::User => {
                    if let Args::Text(a) = &ins.args {
                        let user = a.value.split(':').next().unwrap_or("");
                        non_root_user = !(user == "root" || user == "0");
                    }
                }
                Keyword::Arg | Keyword::Env => self.declarations(idx, &mut vars, globals),
                Keyword::Copy | Keyword::Add => {
                    self.copy(idx, workdir.as_deref(), non_root_user, &mut files)
                }
                Keyword::Run => {
                    for f in files.iter_mut().filter(|f| f.removed_by.is_none()) {
                        f.runs.push(idx);
                    }
                    self.run_instruction(idx, &mut vars, &mut files, windows);
                }
                Keyword::Onbuild => {
                    let inner = ins.effective();
                    if let Args::KeyValues(pairs) = &inner.args {
                        for kv in pairs {
                            let name = kv.key.value.as_ref();
                            if secrets::is_secret_name(name) {
                                let kw = inner.keyword_upper(self.src());
                                self.finding(
                                    Rule::SecretBuildArg,
                                    kv.span,
                                    format!(
                                        "ONBUILD {kw} {name}: a secret for the child image's build"
                                    ),
                                    Some("ONBUILD runs in another build; fix it there".into()),
                                );
                            }
                        }
                    }
                    let text = ins.span.text(self.src());
                    if !literal_credentials(text).is_empty() {
                        self.finding(
                            Rule::HardcodedCredential,
                            ins.span,
                            "credential in an ONBUILD instruction".into(),
                            Some("ONBUILD runs in another build; move the secret there".into()),
                        );
                    }
                    self.uses_outside_run(ins, &mut vars);
                }
                _ => {
                    self.literal_outside_run(ins);
                    self.uses_outside_run(ins, &mut vars);
                }
            }
        }
        self.settle_vars(stage, vars, windows);
        self.settle_files(files, windows);
    }

    /// A literal credential in LABEL, CMD, ENTRYPOINT, HEALTHCHECK, ...: it is
    /// in the image config or needed at run time, so a person decides.
    pub(super) fn literal_outside_run(&mut self, ins: &Instruction) {
        let text = ins.span.text(self.src());
        let mut matches = literal_credentials(text);
        if matches!(ins.keyword, Keyword::Label | Keyword::Maintainer) {
            // Labels document usage (`-e POSTGRESQL_PASSWORD=pass`): only
            // unmistakable credentials count there.
            matches.retain(|m| {
                !matches!(
                    m.kind,
                    secrets::CredentialKind::SecretAssignment
                        | secrets::CredentialKind::PasswordOption
                )
            });
        }
        for m in matches {
            let span = shift(m.range.clone(), ins.span.start);
            self.m.secret_spans.push(span);
            let kw = ins.keyword_upper(self.src());
            self.finding(
                Rule::HardcodedCredential,
                span,
                format!("{} in {kw}", m.kind.describe()),
                Some(format!(
                    "{kw} keeps it in the image or needs it at run time"
                )),
            );
        }
    }

    /// Marks secret variables named by a non-RUN instruction as not fixable.
    pub(super) fn uses_outside_run(&self, ins: &Instruction, vars: &mut [SecretVar]) {
        let text = ins.span.text(self.src());
        for v in vars.iter_mut() {
            if v.blocked.is_none() && references(text, &v.name) {
                let kw = ins.keyword_upper(self.src());
                v.blocked = Some(format!("{} is also used by {kw}, outside RUN", v.name));
            }
        }
    }

    pub(super) fn declarations(
        &mut self,
        idx: usize,
        vars: &mut Vec<SecretVar>,
        globals: &BTreeMap<String, String>,
    ) {
        let ins = &self.d.instructions[idx];
        let Args::KeyValues(pairs) = &ins.args else {
            return;
        };
        let from_env = ins.keyword == Keyword::Env;
        for kv in pairs {
            let name = kv.key.value.to_string();
            if !from_env {
                self.redeclared_args.insert(name.clone());
            }
            let raw_value = kv.value.as_ref().map(|v| v.value.to_string());
            // ENV X=$ARG promotes a secret ARG: the same secret.
            if let Some(existing) = vars.iter_mut().find(|v| {
                raw_value
                    .as_deref()
                    .is_some_and(|r| shell::is_variable_reference(r) && references(r, &v.name))
            }) {
                existing.from_env = existing.from_env || from_env;
                if name == existing.name {
                    existing.promotions.push((idx, kv.span));
                    self.finding(
                        Rule::SecretBuildArg,
                        kv.span,
                        format!("build argument {name} is stored in the image config by ENV"),
                        None,
                    );
                    continue;
                }
            }
            let written = raw_value
                .as_deref()
                .filter(|v| !v.is_empty() && !shell::is_variable_reference(v))
                .map(unquote);
            if written.as_deref().is_some_and(is_fingerprint) {
                self.public_vars.insert(name.clone());
                continue;
            }
            let placeholder = written.as_deref().is_some_and(is_placeholder);
            if from_env && placeholder {
                // `ENV PASSWORD=XXXXXX`: a stand-in for run-time configuration.
                continue;
            }
            // An ARG with a stand-in default is still a secret: users pass the
            // real value with --build-arg.
            let literal = written.filter(|_| !placeholder);
            let credential_value = literal
                .as_deref()
                .is_some_and(|v| !literal_credentials(v).is_empty());
            let empty = raw_value
                .as_deref()
                .is_some_and(|r| r.is_empty() || r == "\"\"" || r == "''");
            if from_env && empty {
                // An empty ENV stores nothing yet; it is a leak once someone
                // fills it in for a build step that needs it.
                let later_run = self.d.instructions[idx + 1..]
                    .iter()
                    .take_while(|i| i.keyword != Keyword::From)
                    .any(|i| i.keyword == Keyword::Run);
                if secrets::is_secret_name(&name) && later_run {
                    self.finding(
                        Rule::SecretBuildArg,
                        kv.span,
                        format!("empty ENV {name} waits for a secret that RUN steps read"),
                        Some("a value written here is stored in the image config; pass it as a build secret instead".into()),
                    );
                }
                continue;
            }
            if from_env
                && raw_value
                    .as_deref()
                    .is_some_and(|r| self.public_vars.iter().any(|p| references(r, p)))
            {
                // An ENV that copies a public ARG is public.
                continue;
            }
            let in_userinfo = self.userinfo_vars.contains(&name);
            if !secrets::is_secret_name(&name) && !credential_value && !in_userinfo {
                continue;
            }
            let value = literal
                .or_else(|| {
                    (!from_env && raw_value.is_none())
                        .then(|| globals.get(&name).map(|g| unquote(g)))
                        .flatten()
                })
                .map(SecretValue::new);
            let kind = if from_env {
                "environment variable"
            } else {
                "build argument"
            };
            let (rule, mut what) = if value.is_some() {
                (
                    Rule::HardcodedCredential,
                    format!("{kind} {name} has a literal secret value"),
                )
            } else {
                (
                    Rule::SecretBuildArg,
                    format!("secret {kind} {name} ends up in the image history"),
                )
            };
            if from_env {
                what.push_str(
                    "; once it leaves the image config, pass it at run time if the container needs it",
                );
            }
            if value.is_some() {
                if let Some(v) = &kv.value {
                    self.m.secret_spans.push(v.span);
                }
            }
            self.finding(rule, kv.span, what, None);
            self.taken_names.insert(name.clone());
            vars.push(SecretVar {
                name,
                decl: idx,
                word: kv.span,
                from_env,
                promotions: Vec::new(),
                value,
                used_by: Vec::new(),
                blocked: None,
            });
        }
    }

    pub(super) fn copy(
        &mut self,
        idx: usize,
        workdir: Option<&str>,
        non_root_user: bool,
        files: &mut Vec<CopiedFile>,
    ) {
        let ins = &self.d.instructions[idx];
        let Args::Words(words) = &ins.args else {
            return;
        };
        if words.len() < 2 {
            return;
        }
        let (dest, sources) = words.split_last().expect("two words");
        let dest = dest.value.as_ref();
        let dir_dest = dest.ends_with('/') || dest == "." || sources.len() > 1;
        for source in sources {
            let path = source.value.as_ref();
            // Renamed on the way in: the name it gets counts too.
            let lands_as_secret = !dir_dest && is_secret_file(dest, dest);
            if !is_secret_file(path, dest) && !lands_as_secret {
                continue;
            }
            let base = path
                .trim_end_matches('/')
                .rsplit('/')
                .next()
                .unwrap_or(path);
            let in_image = if dir_dest {
                join(dest, base)
            } else {
                dest.to_owned()
            };
            let target = if in_image.starts_with('/') {
                Some(in_image)
            } else {
                workdir.map(|w| join(w, &in_image)).or(Some(in_image))
            };
            let mut blocked = None;
            if ins.flag("from").is_some() {
                blocked = Some("copied from another stage or image, not the build context".into());
            } else if path.contains(['*', '?', '$', '[']) || dest.contains('$') {
                blocked = Some("the path uses a wildcard or a variable".into());
            }
            let mut mount_options = String::new();
            if let Some(chown) = ins.flag("chown").and_then(|f| f.value()) {
                let (user, group) = chown.split_once(':').unwrap_or((chown, chown));
                if user.bytes().all(|b| b.is_ascii_digit())
                    && group.bytes().all(|b| b.is_ascii_digit())
                {
                    mount_options.push_str(&format!(",uid={user},gid={group}"));
                } else if non_root_user {
                    blocked = Some(format!(
                        "--chown={chown} names a user; a mount needs numeric ids"
                    ));
                }
            } else if non_root_user {
                blocked = Some("a non-root USER reads it; give the mount a uid".into());
            }
            if let Some(mode) = ins.flag("chmod").and_then(|f| f.value()) {
                mount_options.push_str(&format!(",mode=0{}", mode.trim_start_matches('0')));
            }
            files.push(CopiedFile {
                copy: idx,
                source_word: source.span,
                only_source: sources.len() == 1,
                source: path.trim_start_matches("./").to_owned(),
                target: target.unwrap_or_default(),
                mount_options,
                runs: Vec::new(),
                removed_by: None,
                cleanups: Vec::new(),
                blocked,
            });
        }
    }
}
