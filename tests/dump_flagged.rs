mod support;
#[test]
#[ignore]
fn dump() {
    let root = support::corpus_dir().join("real");
    for file in support::files_under(&root) {
        let bytes = std::fs::read(&file).unwrap();
        let Ok(parsed) = dfix::syntax::parse_bytes(&bytes) else { continue };
        let m = dfix::migrate::plan(&parsed);
        for f in &m.findings {
            let pos = parsed.position(f.span.start);
            println!("{}:{}: {} {} | {}", file.strip_prefix(&root).unwrap().display(), pos.line, f.rule.id(), f.message, f.span.text(parsed.source).chars().take(60).collect::<String>().replace('\n', " "));
        }
    }
}
