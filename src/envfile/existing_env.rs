//! What an existing `.env` already holds, as the rules need it: each key's
//! value as dotenvy reads the whole file, and the text of the derived
//! entries dfix wrote (`export NAME="...${OTHER}..."`), which lists that
//! several Dockerfiles share (`GIT_CONFIG_*`) are merged with.

use std::collections::BTreeMap;

use super::plan::derived_value;

/// An existing `.env`, read.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Existing {
    /// Values as dotenvy reads them.
    pub values: BTreeMap<String, String>,
    /// The text between the quotes of each `export NAME="..."` line that is
    /// a derived entry (the last such line of a name).
    pub derived: BTreeMap<String, String>,
}

impl Existing {
    /// Reads `.env` text; lines dotenvy cannot parse are left out (planning
    /// the merge reports them).
    pub fn read(text: &str) -> Self {
        let values = dotenvy::from_read_iter(text.as_bytes()).flatten().collect();
        let mut derived = BTreeMap::new();
        for line in text.lines() {
            let line = line.trim_end_matches('\r');
            let Some(rest) = line.strip_prefix("export ") else {
                continue;
            };
            let Some((name, quoted)) = rest.split_once('=') else {
                continue;
            };
            let Some(inner) = quoted.strip_prefix('"').and_then(|q| q.strip_suffix('"')) else {
                continue;
            };
            if crate::shell::is_name(name)
                && derived_value(inner, &|_| Some(String::new())).is_some()
            {
                derived.insert(name.to_owned(), inner.to_owned());
            }
        }
        Existing { values, derived }
    }

    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_values_and_derived_lines() {
        let e = Existing::read(
            "export T='x'\nexport GIT_CONFIG_COUNT=\"1\"\nexport K=\"url.https://${T}@h/.insteadOf\"\nexport BAD=\"$(id)\"\r\n",
        );
        assert_eq!(e.values["T"], "x");
        assert_eq!(e.derived["K"], "url.https://${T}@h/.insteadOf");
        assert_eq!(e.derived["GIT_CONFIG_COUNT"], "1");
        assert!(!e.derived.contains_key("BAD"));
        assert!(!e.derived.contains_key("T"));
    }
}
