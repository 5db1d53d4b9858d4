//! The `--secret` value for one migrated arg, quoted for Docker's CSV
//! reading of `--secret` and then for the shell.

/// `id=NAME,env=VAR`, each field CSV-quoted when Docker's CSV reader needs
/// it (a `,`, `"` or line break inside, or leading white space).
pub(crate) fn secret_value(id: &str, env: &str) -> String {
    [format!("id={id}"), format!("env={env}")]
        .iter()
        .map(|f| csv_field(f))
        .collect::<Vec<_>>()
        .join(",")
}

fn csv_field(field: &str) -> String {
    if field.contains([',', '"', '\n', '\r']) || field.starts_with([' ', '\t']) {
        format!("\"{}\"", field.replace('"', "\"\""))
    } else {
        field.to_owned()
    }
}

/// `word` as one shell word: as it is when it has no special character,
/// else in single quotes.
pub(crate) fn shell_word(word: &str) -> String {
    let safe = |b: u8| b.is_ascii_alphanumeric() || b"_@%+=:,./-".contains(&b);
    if !word.is_empty() && word.bytes().all(safe) {
        word.to_owned()
    } else {
        format!("'{}'", word.replace('\'', "'\\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_inside_shell() {
        assert_eq!(
            shell_word(&secret_value("NPM_TOKEN", "GH_NPM")),
            "id=NPM_TOKEN,env=GH_NPM"
        );
        assert_eq!(shell_word(&secret_value("a,b", "X")), "'\"id=a,b\",env=X'");
        assert_eq!(
            shell_word(&secret_value("a\"b", "X")),
            "'\"id=a\"\"b\",env=X'"
        );
        assert_eq!(shell_word("it's"), "'it'\\''s'");
    }
}
