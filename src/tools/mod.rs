//! The programs that take credentials, one file each: how each receives a
//! credential (options, config commands, URL user-info), which words any
//! such command must contain (for the prefilter), and examples that the
//! tests hold every detector and the prefilter to.
//!
//! A new tool is one file with one [`Tool`] and one line in [`TOOLS`].

mod aws;
mod bundler;
mod composer;
mod conda;
mod curl;
mod dotnet;
mod gem;
mod git;
mod go;
mod mysql;
mod npm;
pub(crate) mod options;
pub mod persist;
mod pip;
mod poetry;
mod registry_login;
mod sshpass;

use crate::secrets::detect::Finder;
use crate::secrets::url::first_url_host;
use crate::shell::Command;

/// A command line as a tool sees it.
pub struct Invocation<'c> {
    /// The program's base name.
    pub program: &'c str,
    /// Its arguments (word indices).
    pub args: &'c [usize],
    /// The first URL host among the arguments.
    pub host: Option<&'c str>,
    /// The first URL host of the whole script.
    pub script_host: Option<&'c str>,
}

/// A program that takes credentials.
pub struct Tool {
    /// Program names it answers to.
    pub names: &'static [&'static str],
    /// Lower-case words one of which any credential this tool's detector
    /// finds comes with (the prefilter lets a RUN through on any of them).
    pub triggers: &'static [&'static str],
    /// A finer prefilter test, on lower-cased text, for what words cannot
    /// say (`curl ... -fsSLu`).
    pub check: Option<fn(&str) -> bool>,
    /// Finds the credentials of one invocation.
    pub detect: fn(&mut Finder<'_, '_>, &Invocation<'_>),
    /// Commands that give this tool a credential, for the tests.
    pub examples: &'static [&'static str],
    /// Whether (and how) the tool writes a credential it is given into a
    /// file of the image, and the remedy; `None`: it keeps nothing.
    pub persist: Option<fn(&persist::Input<'_>) -> persist::Keeps>,
}

/// Every tool.
pub static TOOLS: &[&Tool] = &[
    &aws::TOOL,
    &bundler::TOOL,
    &composer::TOOL,
    &conda::TOOL,
    &curl::TOOL,
    &dotnet::TOOL,
    &gem::TOOL,
    &git::TOOL,
    &go::TOOL,
    &mysql::TOOL,
    &npm::TOOL,
    &pip::TOOL,
    &poetry::TOOL,
    &registry_login::TOOL,
    &sshpass::TOOL,
];

/// The tool of a program name, if dfix knows it.
pub fn tool(program: &str) -> Option<&'static Tool> {
    TOOLS.iter().copied().find(|t| t.names.contains(&program))
}

/// Runs the detector of `cmd`'s program (or the generic option detector).
pub(crate) fn detect(f: &mut Finder<'_, '_>, cmd: &Command, script_host: Option<&str>) {
    let script = f.script;
    let Some(program) = script.program(cmd) else {
        return;
    };
    let args = script.args(cmd);
    let host = args.iter().find_map(|&w| first_url_host(script.value(w)));
    let inv = Invocation {
        program,
        args,
        host: host.as_deref(),
        script_host,
    };
    match tool(program) {
        Some(t) => (t.detect)(f, &inv),
        None => options::detect(f, &inv, inv.host, options::ShortP::No),
    }
}

/// The positional arguments (not starting with `-`).
pub(crate) fn positional(f: &Finder<'_, '_>, args: &[usize]) -> Vec<usize> {
    args.iter()
        .copied()
        .filter(|&w| !f.value(w).starts_with('-'))
        .collect()
}
