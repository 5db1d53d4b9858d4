//! A credential split by a line continuation is read the way BuildKit joins
//! the lines (comment and empty lines inside the continuation dropped, the
//! `# escape=` character honoured), in detection and in splicing: the value
//! stored is the joined one, and the rewritten RUN joins to the same command
//! with the value replaced by its variable.

/// (Dockerfile, the value dfix must store, the rewritten RUN as BuildKit
/// joins it).
const CASES: &[(&str, &str, &str)] = &[
    (
        "FROM x\nRUN mysql --password=Se\\\n# a comment\ncr3tPassw0rd -h db\n",
        "Secr3tPassw0rd",
        ". /run/secrets/env && mysql --password=\"${MYSQL_PASSWORD}\" -h db",
    ),
    (
        "FROM x\nRUN mysql --password=Se\\\n\ncr3tPassw0rd -h db\n",
        "Secr3tPassw0rd",
        ". /run/secrets/env && mysql --password=\"${MYSQL_PASSWORD}\" -h db",
    ),
    (
        "FROM x\nRUN mysql --password=Se\\\n   \n  # indented comment\n\t\ncr3tPassw0rd -h db\n",
        "Secr3tPassw0rd",
        ". /run/secrets/env && mysql --password=\"${MYSQL_PASSWORD}\" -h db",
    ),
    (
        "FROM x\nRUN curl -fsS https://ci:to\\\n# comment\nken-123@git.example.com/r.tgz\n",
        "token-123",
        ". /run/secrets/env && curl -fsS https://ci:\"${GIT_EXAMPLE_COM_PASSWORD}\"@git.example.com/r.tgz",
    ),
    (
        // git keeps the URL: it clones the clean one (DF004).
        "FROM x\nRUN git clone https://ci:to\\\n# comment\nken-123@git.example.com/r.git\n",
        "token-123",
        ". /run/secrets/env && git clone https://git.example.com/r.git",
    ),
    (
        "# escape=`\nFROM x\nRUN mysql --password=Se`\ncr3tPassw0rd -h db\n",
        "Secr3tPassw0rd",
        ". /run/secrets/env && mysql --password=\"${MYSQL_PASSWORD}\" -h db",
    ),
    (
        "# escape=`\nFROM x\nRUN mysql --password=Se`\n# comment\ncr3tPassw0rd -h C:\\db\\ `\n  -e x\n",
        "Secr3tPassw0rd",
        ". /run/secrets/env && mysql --password=\"${MYSQL_PASSWORD}\" -h C:\\db\\   -e x",
    ),
    (
        "FROM x\r\nRUN mysql --password=Se\\\r\n# a comment\r\ncr3tPassw0rd -h db\r\n",
        "Secr3tPassw0rd",
        ". /run/secrets/env && mysql --password=\"${MYSQL_PASSWORD}\" -h db",
    ),
    (
        "FROM x\nRUN echo a && \\\n    curl -u u:p\\\n# c\nw-999 h.example.com\n",
        "pw-999",
        ". /run/secrets/env && echo a &&     curl -u u:\"${CURL_PASSWORD}\" h.example.com",
    ),
];

#[test]
fn continuations_are_read_as_buildkit_joins_them() {
    for (source, value, joined) in CASES {
        let a = dfix::analyze(source, &Default::default()).unwrap();
        let values: Vec<&str> = a
            .env
            .iter()
            .filter_map(|e| e.value.secret().map(|v| v.expose()))
            .collect();
        assert_eq!(values, [*value], "{source:?}");
        assert!(a.findings.iter().all(|f| f.fixable()), "{source:?}");
        let d = dfix::syntax::parse(&a.rewritten).unwrap();
        let run = d
            .instructions
            .iter()
            .find(|i| i.keyword == dfix::syntax::Keyword::Run)
            .unwrap();
        assert_eq!(
            &run.line.as_str()[run.args_logical.clone()],
            *joined,
            "{source:?} became {:?}",
            a.rewritten
        );
        // Comment lines inside the continuation stay where they were.
        for line in source
            .lines()
            .filter(|l| l.trim_start().starts_with("# ") && !l.contains("escape"))
        {
            assert!(
                a.rewritten.contains(line),
                "{line:?} lost from {:?}",
                a.rewritten
            );
        }
        // Nothing is left to fix.
        let again = dfix::analyze(&a.rewritten, &Default::default()).unwrap();
        assert!(again.edits.is_empty(), "{:?}", a.rewritten);
    }
}
