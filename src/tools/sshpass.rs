//! `sshpass -p SECRET ssh ...`.

use super::options::{self, ShortP};
use super::{Invocation, Tool};
use crate::secrets::detect::Finder;

pub static TOOL: Tool = Tool {
    names: &["sshpass"],
    triggers: &["sshpass"],
    check: None,
    detect,
    examples: &["sshpass -p sshpw ssh user@host.example.com"],
    persist: None,
};

fn detect(f: &mut Finder<'_, '_>, inv: &Invocation<'_>) {
    options::detect(f, inv, inv.host, ShortP::Any);
}
