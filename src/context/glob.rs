//! Wildcards in `COPY`/`ADD` sources, matched as BuildKit matches them:
//! with Go's `filepath.Match` rules on paths relative to the context root.
//! `*` is any run of characters but `/`, `?` one character but `/`,
//! `[...]` a class (`[^...]` negated, ranges `a-z`, `\` escapes), `\x` the
//! character `x`. A pattern matches a path with as many `/`-separated parts.

/// Whether the source path has a wildcard BuildKit expands.
pub fn has_wildcard(path: &str) -> bool {
    path.contains(['*', '?', '['])
}

/// Whether `path` (relative, `/`-separated) matches `pattern` (the same).
pub fn matches(pattern: &str, path: &str) -> bool {
    let p: Vec<&str> = pattern.split('/').collect();
    let s: Vec<&str> = path.split('/').collect();
    p.len() == s.len() && p.iter().zip(&s).all(|(p, s)| part(p, s))
}

/// `filepath.Match` on one path part.
pub fn part(pattern: &str, name: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let n: Vec<char> = name.chars().collect();
    from(&p, &n)
}

fn from(p: &[char], n: &[char]) -> bool {
    match p.first() {
        None => n.is_empty(),
        Some('*') => (0..=n.len()).any(|k| from(&p[1..], &n[k..])),
        Some('?') => !n.is_empty() && from(&p[1..], &n[1..]),
        Some('[') => match class(&p[1..], n.first().copied()) {
            Some((true, rest)) => from(rest, &n[1..]),
            _ => false,
        },
        Some('\\') if p.len() > 1 => n.first() == Some(&p[1]) && from(&p[2..], &n[1..]),
        Some(&c) => n.first() == Some(&c) && from(&p[1..], &n[1..]),
    }
}

/// Reads a class after its `[`: whether `c` is in it, and what follows the
/// class; `None` when malformed or there is no character.
fn class(p: &[char], c: Option<char>) -> Option<(bool, &[char])> {
    let c = c?;
    let (negated, mut p) = match p.first() {
        Some('^') => (true, &p[1..]),
        _ => (false, p),
    };
    let mut hit = false;
    let mut first = true;
    loop {
        match p.first()? {
            ']' if !first => return Some((hit != negated, &p[1..])),
            _ => {}
        }
        let (lo, rest) = esc(p)?;
        let (hi, rest) = match rest.first() {
            Some('-') => esc(&rest[1..])?,
            _ => (lo, rest),
        };
        hit |= lo <= c && c <= hi;
        p = rest;
        first = false;
    }
}

fn esc(p: &[char]) -> Option<(char, &[char])> {
    match p.first()? {
        '-' | ']' => None,
        '\\' => Some((*p.get(1)?, &p[2..])),
        &c => Some((c, &p[1..])),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_match_rules() {
        let table = [
            ("*.json", "key.json", true),
            ("*.json", "dir/key.json", false),
            ("*/*.json", "dir/key.json", true),
            (".env*", ".env", true),
            (".env*", ".env.local", true),
            ("a?c", "abc", true),
            ("a?c", "a/c", false),
            ("ab[b-d]", "abc", true),
            ("ab[^b-d]", "abc", false),
            ("a\\*b", "a*b", true),
            ("a\\*b", "ab", false),
            ("[", "a", false),
            ("*x", "xxx", true),
        ];
        for (p, s, want) in table {
            assert_eq!(matches(p, s), want, "{p} on {s}");
        }
        assert!(has_wildcard("*.pem"));
        assert!(!has_wildcard("id_rsa"));
    }
}
