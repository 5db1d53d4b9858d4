//! `.dockerignore` as BuildKit reads it (moby's `ignorefile` and
//! `patternmatcher`), so that dfix sees exactly the files a `COPY .` sends.
//!
//! Reading the file: a line whose first byte is `#` is a comment (an
//! indented `#` is not); the line is trimmed; a leading `!` marks an
//! exception (spaces after it go too); the rest is cleaned like Go's
//! `filepath.Clean`, and one leading `/` is dropped, so every pattern is
//! anchored at the context root: `key.json` excludes `key.json`, not
//! `config/key.json`.
//!
//! Matching a path (relative to the root, `/`-separated): every pattern is
//! tried in order, and the last one that matches decides (an exception
//! re-includes). A pattern matches a path when it matches the path itself
//! or any of its parent directories, so `secrets` excludes everything under
//! `secrets/`. Within a pattern `*` and `?` never match `/`; `**` matches
//! any number of directories (also none); `[...]` classes and `\` escapes
//! are as in Go's regular expressions, where a class may match `/`. A
//! pattern that starts with `**` matches every path that ends with the rest
//! (`**/id_rsa`), and one that ends with `/**` every path that starts with
//! what comes before it; these are string tests, as in moby, not globs.
//!
//! A pattern that Go's `filepath.Match` calls malformed (an unclosed `[`,
//! `[]a]`, `[-x]`, a trailing `\`) or a lone `!` makes BuildKit refuse the
//! build; [`Matcher::parse`] refuses it too.

use regex::Regex;

/// The patterns of one ignore file.
#[derive(Debug, Default)]
pub struct Matcher {
    patterns: Vec<Pattern>,
}

#[derive(Debug)]
struct Pattern {
    /// The cleaned pattern (without the `!`).
    text: String,
    exception: bool,
    how: How,
}

#[derive(Debug)]
enum How {
    /// No wildcard: the path equals the pattern.
    Exact,
    /// `dir/**`: the path starts with `dir/`.
    Prefix(String),
    /// `**/x`, `**x`: the path ends with the rest (or is `x` for `**/x`).
    Suffix(String),
    Regex(Regex),
}

/// Why an ignore file cannot be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadPattern {
    pub line: usize,
    pub pattern: String,
}

impl std::fmt::Display for BadPattern {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "line {}: malformed pattern {:?} (BuildKit refuses the build)",
            self.line, self.pattern
        )
    }
}

impl Matcher {
    /// Reads the text of an ignore file.
    pub fn parse(text: &str) -> Result<Matcher, BadPattern> {
        let mut patterns = Vec::new();
        for (i, line) in text.lines().enumerate() {
            let line = line.strip_suffix('\r').unwrap_or(line);
            let line = if i == 0 {
                line.strip_prefix('\u{feff}').unwrap_or(line)
            } else {
                line
            };
            let Some(entry) = read_line(line) else {
                continue;
            };
            let bad = || BadPattern {
                line: i + 1,
                pattern: line.trim().to_owned(),
            };
            patterns.push(Pattern::new(&entry).ok_or_else(bad)?);
        }
        Ok(Matcher { patterns })
    }

    /// The patterns as cleaned entries (`!` kept), in order.
    pub fn entries(&self) -> impl Iterator<Item = String> + '_ {
        self.patterns.iter().map(|p| {
            if p.exception {
                format!("!{}", p.text)
            } else {
                p.text.clone()
            }
        })
    }

    /// Whether the ignore file leaves `path` out of the context. `path` is
    /// relative to the root, `/`-separated, cleaned; the root itself is
    /// never excluded.
    pub fn excludes(&self, path: &str) -> bool {
        let path = clean(path);
        if path == "." {
            return false;
        }
        let parents: Vec<&str> = match path.rfind('/') {
            Some(i) => path[..i].split('/').collect(),
            None => Vec::new(),
        };
        let mut excluded = false;
        for p in &self.patterns {
            // An exception can only change an excluded path, and the other
            // way round.
            if p.exception != excluded {
                continue;
            }
            let mut hit = p.matches(&path);
            if !hit {
                hit = (1..=parents.len()).any(|n| p.matches(&parents[..n].join("/")));
            }
            if hit {
                excluded = !p.exception;
            }
        }
        excluded
    }
}

/// What one line of an ignore file says about a path, on its own.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LineMatch {
    /// A comment or a blank line.
    Skip,
    NoMatch,
    /// The pattern matches the path or a parent directory of it.
    Matches {
        exception: bool,
    },
    /// A pattern BuildKit refuses.
    Malformed {
        exception: bool,
    },
}

/// Judges one line for `path` (relative to the root, `/`-separated), as
/// [`Matcher::excludes`] would within a whole file.
pub fn match_line(line: &str, path: &str) -> LineMatch {
    let Some(entry) = read_line(line) else {
        return LineMatch::Skip;
    };
    let exception = entry.starts_with('!');
    let Some(p) = Pattern::new(&entry) else {
        return LineMatch::Malformed { exception };
    };
    let path = clean(path);
    let parents: Vec<&str> = path.split('/').collect();
    let hit = p.matches(&path) || (1..parents.len()).any(|n| p.matches(&parents[..n].join("/")));
    if hit {
        LineMatch::Matches { exception }
    } else {
        LineMatch::NoMatch
    }
}

/// One line of the file as an entry, or `None` for comments and blanks.
fn read_line(line: &str) -> Option<String> {
    if line.starts_with('#') {
        return None;
    }
    let mut pattern = line.trim();
    if pattern.is_empty() {
        return None;
    }
    let exception = pattern.starts_with('!');
    if exception {
        pattern = pattern[1..].trim();
    }
    let mut cleaned = String::new();
    if !pattern.is_empty() {
        cleaned = clean(pattern);
        if cleaned.len() > 1 && cleaned.starts_with('/') {
            cleaned.remove(0);
        }
    }
    Some(if exception {
        format!("!{cleaned}")
    } else {
        cleaned
    })
}

impl Pattern {
    /// Compiles an entry (`!` allowed); `None` when BuildKit would refuse it.
    fn new(entry: &str) -> Option<Pattern> {
        let mut p = clean(entry.trim());
        let exception = p.starts_with('!');
        if exception {
            if p.len() == 1 {
                return None;
            }
            p.remove(0);
        }
        if !well_formed(&p) {
            return None;
        }
        let how = compile(&p)?;
        Some(Pattern {
            text: p,
            exception,
            how,
        })
    }

    fn matches(&self, path: &str) -> bool {
        match &self.how {
            How::Exact => path == self.text,
            How::Prefix(prefix) => path.starts_with(prefix.as_str()),
            How::Suffix(suffix) => {
                path.ends_with(suffix.as_str())
                    || suffix.strip_prefix('/').is_some_and(|s| path == s)
            }
            How::Regex(re) => re.is_match(path),
        }
    }
}

/// Regex-special characters that mean nothing in a path pattern.
fn escaped_in_regex(c: char) -> bool {
    matches!(c, '.' | '+' | '(' | ')' | '|' | '{' | '}' | '$')
}

/// The match kind of a cleaned pattern, as moby decides it: exact when it
/// has no wildcard, a prefix or suffix test for a `**` at the end or the
/// start, else an anchored regex.
fn compile(pattern: &str) -> Option<How> {
    #[derive(PartialEq)]
    enum Kind {
        Exact,
        Prefix,
        Suffix,
        Regex,
    }
    let chars: Vec<char> = pattern.chars().collect();
    let mut re = String::from("^");
    let mut kind = Kind::Exact;
    let mut i = 0;
    let mut in_class = false;
    while i < chars.len() {
        let first = i == 0;
        let c = chars[i];
        i += 1;
        if in_class {
            match c {
                ']' => {
                    re.push(']');
                    in_class = false;
                }
                '\\' => {
                    // Well-formed: something follows.
                    let next = chars[i];
                    i += 1;
                    push_escaped(&mut re, next, true);
                }
                c => push_literal(&mut re, c, true),
            }
            continue;
        }
        match c {
            '*' if chars.get(i) == Some(&'*') => {
                i += 1;
                if chars.get(i) == Some(&'/') {
                    i += 1;
                }
                if i == chars.len() {
                    if kind == Kind::Exact {
                        kind = Kind::Prefix;
                    } else {
                        re.push_str(".*");
                        kind = Kind::Regex;
                    }
                } else {
                    re.push_str("(.*/)?");
                    kind = Kind::Regex;
                }
                if first {
                    kind = Kind::Suffix;
                }
            }
            '*' => {
                re.push_str("[^/]*");
                kind = Kind::Regex;
            }
            '?' => {
                re.push_str("[^/]");
                kind = Kind::Regex;
            }
            '\\' => match chars.get(i) {
                Some(&next) => {
                    i += 1;
                    push_escaped(&mut re, next, false);
                    kind = Kind::Regex;
                }
                None => re.push_str("\\\\"),
            },
            '[' => {
                re.push('[');
                in_class = true;
                kind = Kind::Regex;
                // `[^` negates, in Go as in Rust; a literal `]` right after
                // the opening cannot occur in a well-formed pattern.
                if chars.get(i) == Some(&'^') {
                    re.push('^');
                    i += 1;
                }
            }
            c if escaped_in_regex(c) => {
                re.push('\\');
                re.push(c);
            }
            c => push_literal(&mut re, c, false),
        }
    }
    match kind {
        Kind::Exact => Some(How::Exact),
        Kind::Prefix => Some(How::Prefix(pattern[..pattern.len() - 2].to_owned())),
        Kind::Suffix => Some(How::Suffix(pattern[2..].to_owned())),
        Kind::Regex => {
            re.push('$');
            Regex::new(&re).ok().map(How::Regex)
        }
    }
}

/// A character as itself. Go reads `^` outside a class as an anchor, and
/// so does Rust; inside a class Rust gives meaning to `[`, `&`, `~` and
/// `-` pairs that Go reads literally, so those are escaped there.
fn push_literal(re: &mut String, c: char, in_class: bool) {
    if in_class && matches!(c, '[' | '&' | '~') {
        re.push('\\');
    }
    re.push(c);
}

/// An escaped character: literal wherever it is.
fn push_escaped(re: &mut String, c: char, in_class: bool) {
    if in_class {
        if c.is_ascii_alphanumeric() {
            re.push(c);
        } else {
            re.push('\\');
            re.push(c);
        }
    } else {
        re.push_str(&regex::escape(&c.to_string()));
    }
}

/// Go's `filepath.Match` syntax check: every class closed and made of
/// ranges `c` or `c-c` (a `-` or `]` only escaped), no trailing `\`.
fn well_formed(pattern: &str) -> bool {
    let chars: Vec<char> = pattern.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        match chars[i] {
            '\\' => {
                if i + 1 >= chars.len() {
                    return false;
                }
                i += 2;
            }
            '[' => {
                i += 1;
                if chars.get(i) == Some(&'^') {
                    i += 1;
                }
                let mut ranges = 0;
                loop {
                    if chars.get(i) == Some(&']') && ranges > 0 {
                        i += 1;
                        break;
                    }
                    let Some(next) = class_char(&chars, i) else {
                        return false;
                    };
                    i = next;
                    if chars.get(i) == Some(&'-') {
                        let Some(next) = class_char(&chars, i + 1) else {
                            return false;
                        };
                        i = next;
                    }
                    ranges += 1;
                }
            }
            _ => i += 1,
        }
    }
    true
}

/// One character of a class at `i` (escaped or not), as Go's `getEsc`
/// reads it: where the next part starts, or `None` if malformed.
fn class_char(chars: &[char], i: usize) -> Option<usize> {
    match chars.get(i)? {
        '-' | ']' => None,
        '\\' => {
            chars.get(i + 1)?;
            // Something must follow the class character.
            chars.get(i + 2).map(|_| i + 2)
        }
        _ => chars.get(i + 1).map(|_| i + 1),
    }
}

/// Lexical cleaning with Go's `filepath.Clean` rules: repeated and
/// trailing `/` go, `.` elements go, `x/..` pairs go, `..` right after the
/// root goes; an empty result is `.`.
pub fn clean(path: &str) -> String {
    let rooted = path.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => match parts.last() {
                Some(&last) if last != ".." => {
                    parts.pop();
                }
                _ if rooted => {}
                _ => parts.push(".."),
            },
            _ => parts.push(part),
        }
    }
    let joined = parts.join("/");
    match (rooted, joined.is_empty()) {
        (true, _) => format!("/{joined}"),
        (false, true) => ".".to_owned(),
        (false, false) => joined,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(patterns: &[&str]) -> Matcher {
        Matcher::parse(&patterns.join("\n")).unwrap()
    }

    #[test]
    fn reading_the_file() {
        let got = Matcher::parse(
            "\u{feff}a\n/b\n/c/d/here\n\nlast\n# comment\n  # not a comment\n! /x/y\n./z/\n",
        )
        .unwrap();
        let entries: Vec<String> = got.entries().collect();
        assert_eq!(
            entries,
            ["a", "b", "c/d/here", "last", "# not a comment", "!x/y", "z"]
        );
        assert!(Matcher::parse("!").is_err());
        assert!(Matcher::parse("ok\n! ").is_err());
        assert_eq!(Matcher::parse("a\n[").unwrap_err().line, 2);
        for bad in ["[]a]", "[-]", "[x-]", "[-x]", "\\", "[a-b-c]", "[^", "a["] {
            assert!(Matcher::parse(bad).is_err(), "{bad}");
        }
        for good in ["[\\]a]", "[\\-]", "[x\\-]", "a[b-d]e", "a[^b-d]e", "a\\*b"] {
            assert!(Matcher::parse(good).is_ok(), "{good}");
        }
    }

    #[test]
    fn one_pattern() {
        // (pattern, path, excluded): the pattern tested on the path and
        // its parents, as BuildKit does.
        let table = [
            ("**", "file", true),
            ("**", "dir/file", true),
            ("**/", "file", true),
            ("dir/**", "dir/file", true),
            ("dir/**", "dir/dir2/file", true),
            ("dir/**", "dir", false),
            ("**/dir", "dir", true),
            ("**/dir", "dir/file", true),
            ("**/dir2/*", "dir/dir2/file", true),
            ("**/dir2/**", "dir/dir2/dir3/file", true),
            ("**file", "dir/dir/file", true),
            ("**/file*.txt", "dir/dir/file.txt", true),
            ("**/**/*.txt2", "dir/dir/file.txt", false),
            ("**/*.txt", "file.txt", true),
            ("a**/*.txt", "a/dir/dir/file.txt", true),
            ("a/*.txt", "a/dir/file.txt", false),
            ("a/*.txt", "a/file.txt", true),
            ("a[b-d]e", "ace", true),
            ("a[b-d]e", "aae", false),
            ("a[^b-d]e", "aze", true),
            (".*", ".foo", true),
            (".*", "foo", false),
            ("abc.def", "abcZdef", false),
            ("abc?def", "abcZdef", true),
            ("abc?def", "abc/def", false),
            ("**/foo/bar", "dir/dir2/foo/bar", true),
            ("**/.foo", "bar.foo", false),
            ("a(b)c/def", "a(b)c/def", true),
            ("a.|)$(}+{bc", "a.|)$(}+{bc", true),
            ("a\\*b", "a*b", true),
            ("a\\*b", "ab", false),
            ("a*", "ab/c", true),
            ("a*/b", "a/c/b", false),
            // Anchored at the root.
            ("service-account.json", "service-account.json", true),
            (
                "service-account.json",
                "credentials/service-account.json",
                false,
            ),
            ("*.json", "credentials/key.json", false),
            ("**/*.json", "credentials/key.json", true),
            // A parent directory excludes what is inside.
            ("credentials", "credentials/key.json", true),
            ("/credentials/", "credentials/key.json", true),
            ("./.env", ".env", true),
            ("docs/*", "docs/a/b.md", true),
        ];
        for (pattern, path, want) in table {
            assert_eq!(m(&[pattern]).excludes(path), want, "{pattern} on {path}");
        }
    }

    #[test]
    fn exceptions_and_order() {
        assert!(!m(&["docs", "!docs/README.md"]).excludes("docs/README.md"));
        assert!(m(&["docs", "!docs/README.md"]).excludes("docs/other.md"));
        assert!(m(&["!a.go", "*.go"]).excludes("a.go"));
        assert!(!m(&["*.go", "!a.go"]).excludes("a.go"));
        assert!(!m(&["**", "!util/web"]).excludes("util/web/foo"));
        assert!(m(&["**", "!util/web", "util/web/foo"]).excludes("util/web/foo"));
        assert!(!m(&["*.env", "!.env"]).excludes(".env"));
        assert!(!m(&["**"]).excludes("."));
        assert!(!Matcher::default().excludes("anything"));
    }

    #[test]
    fn lines_on_their_own() {
        assert_eq!(match_line("# x", "x"), LineMatch::Skip);
        assert_eq!(match_line("", "x"), LineMatch::Skip);
        assert_eq!(
            match_line("a", "a/b"),
            LineMatch::Matches { exception: false }
        );
        assert_eq!(
            match_line("!a/b", "a/b"),
            LineMatch::Matches { exception: true }
        );
        assert_eq!(match_line("b", "a/b"), LineMatch::NoMatch);
        assert_eq!(
            match_line("![", "a"),
            LineMatch::Malformed { exception: true }
        );
        // A class is a Go regexp class: it can match `/`, as in BuildKit.
        assert_eq!(
            match_line("a[^x]b", "a/b"),
            LineMatch::Matches { exception: false }
        );
    }

    #[test]
    fn cleaning() {
        assert_eq!(clean("a//b/./c/"), "a/b/c");
        assert_eq!(clean("/../a"), "/a");
        assert_eq!(clean("../a"), "../a");
        assert_eq!(clean("a/../.."), "..");
        assert_eq!(clean(""), ".");
    }
}
