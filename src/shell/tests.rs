use super::*;

fn values(text: &str) -> Vec<Vec<String>> {
    let s = Script::command_line(text);
    s.commands
        .iter()
        .filter(|c| !c.group)
        .map(|c| c.words.iter().map(|&w| s.value(w).to_owned()).collect())
        .collect()
}

#[test]
fn words_take_their_quotes_off() {
    let table: &[(&str, &[&[&str]])] = &[
        ("echo a b", &[&["echo", "a", "b"]]),
        (
            r#"echo "a b" 'c d' e\ f"#,
            &[&["echo", "a b", "c d", "e f"]],
        ),
        (r#"echo "x\$y\"z\q""#, &[&["echo", "x$y\"z\\q"]]),
        (r"echo $'a\nb\x41\u00e9\'c'", &[&["echo", "a\nbAé'c"]]),
        (r#"echo $"dq""#, &[&["echo", "dq"]]),
        ("echo a\\\nb", &[&["echo", "ab"]]),
        ("echo 'it''s'", &[&["echo", "its"]]),
        ("echo ${A:-x y} $B", &[&["echo", "${A:-x y}", "$B"]]),
        (
            "a && b || c; d | e & f",
            &[&["a"], &["b"], &["c"], &["d"], &["e"], &["f"]],
        ),
        ("echo # a comment\nls", &[&["echo"], &["ls"]]),
        ("echo a#b", &[&["echo", "a#b"]]),
        ("echo x > f 2>&1", &[&["echo", "x"]]),
        (
            "(cd /x && make) && rm -f y",
            &[&["cd", "/x"], &["make"], &["rm", "-f", "y"]],
        ),
        (
            "echo $(curl -u a:b h) done",
            &[
                &["echo", "$(curl -u a:b h)", "done"],
                &["curl", "-u", "a:b", "h"],
            ],
        ),
        ("echo `id -u`", &[&["echo", "`id -u`"], &["id", "-u"]]),
        ("echo $(( 1 + (2) )) z", &[&["echo", "$(( 1 + (2) ))", "z"]]),
        (
            "x=$(case a in a) echo y;; esac) && ls",
            &[
                &["x=$(case a in a) echo y;; esac)"],
                &["ls"],
                &["case", "a", "in", "a"],
                &["echo", "y"],
                &["esac"],
            ],
        ),
    ];
    for (text, want) in table {
        let got = values(text);
        let want: Vec<Vec<String>> = want
            .iter()
            .map(|c| c.iter().map(|w| w.to_string()).collect())
            .collect();
        assert_eq!(got, want, "{text:?}");
    }
}

#[test]
fn expansions_are_not_literal() {
    let s = Script::command_line(r#"curl "https://u:${PASS}@h" 'https://u:$NOT@h' x$(id)y"#);
    let w = &s.words[1];
    let at = w.value.find("${PASS}").unwrap();
    assert!(w.dynamic(at..at + 7));
    assert!(!w.dynamic(0..5));
    let w = &s.words[2];
    assert!(!w.dynamic(0..w.value.len()), "single quotes expand nothing");
    assert!(s.reads("PASS"));
    assert!(!s.reads("NOT"));
    let x = s.words.iter().find(|w| w.value.starts_with('x')).unwrap();
    assert!(x.dynamic(1..6));
    assert!(Script::command_line("$TOKEN").words[0].is_reference());
    assert!(Script::command_line("\"${A:-b}\"").words[0].is_reference());
    assert!(!Script::command_line("a$B").words[0].is_reference());
}

#[test]
fn variable_references_everywhere() {
    let s = Script::whole("echo \"$A\" ${B:-x} $(echo $C) `echo $D` '$E'\ncat <<EOF\n$F ${G}\nEOF\ncat <<'EOF'\n$H\nEOF\n");
    let mut names: Vec<&str> = s.vars.iter().map(|v| v.name.as_str()).collect();
    names.sort();
    assert_eq!(names, ["A", "B", "C", "D", "F", "G"]);
}

#[test]
fn inline_heredocs_in_scripts() {
    let text = "cat <<EOF > /root/.npmrc\n//r/:_authToken=abc\nEOF\nnpm ci\ncat <<-'X' | sh\n\techo $Y\n\tX\n";
    let s = Script::whole(text);
    let progs: Vec<&str> = s.commands.iter().filter_map(|c| s.program(c)).collect();
    assert_eq!(progs, ["cat", "npm", "cat", "sh"]);
    let first = &s.commands[0];
    assert_eq!(first.heredocs, [0]);
    let body = s.heredocs[0].body.unwrap();
    assert_eq!(s.value(body), "//r/:_authToken=abc\n");
    assert!(s.words[body].is_heredoc());
    let target = first.redirects[0].target.unwrap();
    assert_eq!(s.value(target), "/root/.npmrc");
    assert!(first.extent_end > text.find("EOF\n").unwrap());
    let quoted = &s.heredocs[1];
    assert!(quoted.quoted && quoted.strip_tabs);
    assert_eq!(s.value(quoted.body.unwrap()), "\techo $Y\n");
}

#[test]
fn two_heredocs_on_one_line() {
    let s = Script::whole("paste <<A <<B\na1\nA\nb1\nB\necho done\n");
    let bodies: Vec<&str> = s
        .heredocs
        .iter()
        .map(|h| s.value(h.body.unwrap()))
        .collect();
    assert_eq!(bodies, ["a1\n", "b1\n"]);
    let progs: Vec<&str> = s.commands.iter().filter_map(|c| s.program(c)).collect();
    assert_eq!(progs, ["paste", "echo"]);
}

#[test]
fn command_line_heredocs_point_at_the_instruction() {
    let s = Script::command_line("cat <<A >a && cat <<\"B\" >b");
    assert_eq!(s.heredocs.len(), 2);
    assert_eq!(s.heredocs[1].ordinal, 1);
    assert!(s.heredocs[1].quoted && !s.heredocs[0].quoted);
    assert!(s.heredocs.iter().all(|h| h.body.is_none()));
    assert_eq!(s.commands.len(), 2);
}

#[test]
fn programs_after_prefixes_and_wrappers() {
    for (text, prog, args) in [
        ("A=1 B=2 curl -u x", "curl", vec!["-u", "x"]),
        ("sudo -u app env -i A=1 npm ci", "npm", vec!["ci"]),
        ("if curl x; then y; fi", "curl", vec!["x"]),
        ("/usr/bin/git clone u", "git", vec!["clone", "u"]),
    ] {
        let s = Script::command_line(text);
        let c = &s.commands[0];
        assert_eq!(s.program(c), Some(prog), "{text}");
        let got: Vec<&str> = s.args(c).iter().map(|&w| s.value(w)).collect();
        assert_eq!(got, args, "{text}");
    }
}

#[test]
fn assignments_before_and_after_export_and_env() {
    let s = Script::command_line("A=1 B=\"x y\" cmd C=3; export D=4 -n E=5; env -u X F=6 run G=7");
    let names: Vec<Vec<&str>> = s
        .commands
        .iter()
        .map(|c| s.assignments(c).iter().map(|&w| s.value(w)).collect())
        .collect();
    assert_eq!(
        names,
        [vec!["A=1", "B=x y"], vec!["D=4", "E=5"], vec!["F=6"]]
    );
    assert_eq!(
        Script::command_line("'A=1' x").words[0].assignment_name_len(),
        None
    );
}

fn splice(text: &str, word: usize, value_part: &str) -> String {
    let s = Script::command_line(text);
    let w = &s.words[word];
    let at = w.value.find(value_part).unwrap();
    let sp = s
        .reference_splice(word, at..at + value_part.len(), "TOKEN")
        .unwrap();
    format!(
        "{}{}{}",
        &text[..sp.range.start],
        sp.replacement,
        &text[sp.range.end..]
    )
}

#[test]
fn splices_keep_the_meaning_in_every_quoting() {
    assert_eq!(
        splice("curl -u a:pw x", 2, "pw"),
        "curl -u a:\"${TOKEN}\" x"
    );
    assert_eq!(
        splice("curl -u \"a:pw\" x", 2, "pw"),
        "curl -u \"a:${TOKEN}\" x"
    );
    assert_eq!(
        splice("curl -u 'a:pw' x", 2, "pw"),
        "curl -u 'a:'\"${TOKEN}\" x"
    );
    assert_eq!(
        splice("curl -u 'pw:a' x", 2, "pw"),
        "curl -u \"${TOKEN}\"':a' x"
    );
    assert_eq!(
        splice("curl -u 'x:pw:a' x", 2, "pw"),
        "curl -u 'x:'\"${TOKEN}\"':a' x"
    );
    assert_eq!(splice("echo 'pw'", 1, "pw"), "echo \"${TOKEN}\"");
    assert_eq!(
        splice("echo $'a\\npw'", 1, "pw"),
        "echo $'a\\n'\"${TOKEN}\""
    );
    assert_eq!(
        splice("echo pa\\$\\$w x", 1, "pa$$w"),
        "echo \"${TOKEN}\" x"
    );
    assert_eq!(
        splice("x $(curl -u 'a:pw' h)", 3, "pw"),
        "x $(curl -u 'a:'\"${TOKEN}\" h)"
    );
    let s = Script::command_line("echo a'b'");
    assert_eq!(s.reference_splice(1, 0..2, "T"), None, "crosses quoting");
}

fn remove(text: &str, which: &[usize]) -> String {
    let s = Script::command_line(text);
    let r = s.removal(which).expect("removable");
    if r.leaves_empty {
        return "<empty>".into();
    }
    let mut out = String::new();
    let mut at = 0;
    for range in r.ranges {
        out.push_str(&text[at..range.start]);
        at = range.end;
    }
    out.push_str(&text[at..]);
    out
}

#[test]
fn removing_commands_keeps_a_valid_list() {
    assert_eq!(remove("rm -f .npmrc", &[0]), "<empty>");
    assert_eq!(remove("npm ci && rm -f .npmrc", &[1]), "npm ci");
    assert_eq!(remove("rm -f .npmrc && npm ci", &[0]), "npm ci");
    assert_eq!(remove("a && rm x; b", &[1]), "a; b");
    assert_eq!(remove("a && b && c", &[0, 1]), "c");
    assert_eq!(remove("a && b && c", &[1, 2]), "a");
    assert_eq!(remove("a && (rm x) && b", &[1]), "a && b");
    assert_eq!(remove("(cd d && rm x) && b", &[2]), "(cd d) && b");
    let s = Script::command_line("if a; then rm x; fi");
    assert_eq!(s.removal(&[1]), None);
    let s = Script::command_line("echo $(rm x)");
    let nested = s.commands.iter().position(|c| c.nested).unwrap();
    assert_eq!(s.removal(&[nested]), None);
    // The kept text would end in an escaped blank: a line continuation.
    let s = Script::command_line("a 'x'\\  || rm y");
    assert_eq!(s.removal(&[1]), None);
}

#[test]
fn no_panic_on_unterminated_input() {
    for text in [
        "echo 'abc",
        "echo \"abc",
        "echo $'ab",
        "echo $(abc",
        "echo ${abc",
        "echo `abc",
        "cat <<",
        "cat <<EOF",
        "echo \\",
        "echo $",
        "( a",
        "a )",
        "echo $((1+",
        "x >",
        "echo \"$(echo 'a\")",
        "2>",
        "&>>",
        "<<<",
        "é'\u{1F600}",
        "echo $'x\\\u{1F600}n'",
    ] {
        let s = Script::whole(text);
        for w in &s.words {
            assert!(w.range.end <= text.len());
        }
        let _ = Script::command_line(text);
    }
}

#[test]
fn text_that_ends_inside_a_construct_is_incomplete() {
    for text in [
        "echo 'abc",
        "echo \"abc",
        "echo $'ab",
        "echo $(abc",
        "echo ${abc",
        "echo `abc",
        "cat <<",
        "cat <<EOF\nbody",
        "cat <<EOF",
        "( a",
        "echo $((1+",
        "echo \"$(echo 'a\")",
        "echo \"//h/:_$(authToken=x\" > f\ngem x",
    ] {
        assert!(Script::whole(text).incomplete, "{text:?}");
    }
    for text in [
        "echo 'abc' \"d\" $'e' $(f) ${g} `h` $((1+2))",
        "cat <<EOF\nbody\nEOF\necho ok",
        "(a) && { b; }",
        "echo \"$(echo 'a')\"",
        "case x in a) b;; esac",
        "echo `echo \\`x\\``",
    ] {
        assert!(!Script::whole(text).incomplete, "{text:?}");
    }
    // The first line of a RUN: its heredoc bodies are elsewhere.
    assert!(!Script::command_line("cat <<EOF > f").incomplete);
}

#[test]
fn deep_nesting_is_bounded() {
    let text = format!("{}x{}", "$(".repeat(5000), ")".repeat(5000));
    let s = Script::command_line(&text);
    assert!(s.commands.len() < 100);
}
