//! Quoting for shell command lines.

/// POSIX `sh` single quoting: `'` + value with each `'` as `'\''` + `'`.
///
/// `sh -c "printf %s $(single(v))"` prints exactly `v` for any
/// `v` without NUL bytes. Do not use it for `.env` values: see the module
/// documentation of `crate::envfile::quote` and its `env_quote`.
pub fn single(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('\'');
    for c in value.chars() {
        if c == '\'' {
            out.push_str("'\\''");
        } else {
            out.push(c);
        }
    }
    out.push('\'');
    out
}

/// A word for a shell command line: as it is when it holds only characters
/// sh leaves alone, otherwise single-quoted.
pub fn word(word: &str) -> String {
    let plain = !word.is_empty()
        && word
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_./=,:@%+".contains(&b));
    if plain {
        word.to_owned()
    } else {
        single(word)
    }
}
