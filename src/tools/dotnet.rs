//! .NET: `dotnet nuget add source URL --name N --username U --password P`
//! writes the password, in clear text on Linux, to `NuGet.Config`.
//!
//! Remedy: the source is added without its credentials, and
//! `NuGetPackageSourceCredentials_<N>` (`Username=U;Password=P`) in `.env`
//! gives NuGet the credentials; it reads them before the config files.

use super::options::{self, ShortP};
use super::persist::{Input, Keeps, Remedy};
use super::{Invocation, Tool};
use crate::secrets::detect::Finder;

pub static TOOL: Tool = Tool {
    names: &["dotnet", "nuget"],
    triggers: &[],
    check: None,
    detect,
    examples: &["dotnet nuget add source https://nuget.example.com/v3/index.json -n corp -u ci -p nugetpw --store-password-in-clear-text"],
    persist: Some(persist),
};

fn detect(f: &mut Finder<'_, '_>, inv: &Invocation<'_>) {
    let add_source = inv.args.len() >= 2;
    let short = if add_source { ShortP::Any } else { ShortP::No };
    options::detect(f, inv, inv.host, short);
}

fn persist(input: &Input<'_>) -> Keeps {
    let args = input.args;
    let words: Vec<&str> = args.iter().map(|&w| input.value(w)).collect();
    let add = match input.program {
        "dotnet" => {
            words.starts_with(&["nuget", "add", "source"])
                || words.starts_with(&["nuget", "update", "source"])
        }
        _ => words.first() == Some(&"sources"),
    };
    if !add || !input.any() {
        return Keeps::Nothing;
    }
    let manual =
        || Keeps::Manual("dotnet nuget add source writes the password to NuGet.Config".into());
    let Some((name_w, name_at)) = input.option(&["--name", "-n", "-Name"]) else {
        return manual();
    };
    let name = &input.value(name_w)[name_at..];
    if !crate::shell::is_name(name) {
        return Keeps::Manual(format!(
            "dotnet nuget add source writes the password to NuGet.Config; the source name {name:?} \
             cannot name an environment variable (NuGetPackageSourceCredentials_<name>): rename the source"
        ));
    }
    let user = input.option(&["--username", "-u", "-Username"]);
    let pass = input.option(&["--password", "-p", "-Password"]);
    let Some((pw, pat)) = pass else {
        return manual();
    };
    let Some(p) = input.template(pw, pat..input.value(pw).len()) else {
        return manual();
    };
    let u = match user {
        Some((uw, uat)) => match input.template(uw, uat..input.value(uw).len()) {
            Some(u) => u,
            None => return manual(),
        },
        None => String::new(),
    };
    let mut remedy = Remedy {
        describe: format!(
            "dotnet nuget add source writes the password to NuGet.Config: the source is added without it, \
             and NuGetPackageSourceCredentials_{name} in .env gives NuGet the credentials"
        ),
        derived: vec![(
            format!("NuGetPackageSourceCredentials_{name}"),
            format!("Username={u};Password={p}"),
        )],
        later_runs: Some(if input.program == "nuget" { "nuget" } else { "dotnet" }),
        ..Remedy::default()
    };
    // The credential options (and the value words that follow them) go.
    let mut it = args.iter().enumerate().peekable();
    while let Some((i, &w)) = it.next() {
        let v = input.value(w);
        let opt = [
            "--username",
            "-u",
            "-Username",
            "--password",
            "-p",
            "-Password",
        ];
        if opt.contains(&v) {
            remedy.replace.push((w, 0..v.len(), String::new()));
            if let Some(&&n) = args.get(i + 1).as_ref() {
                remedy
                    .replace
                    .push((n, 0..input.value(n).len(), String::new()));
                it.next();
            }
        } else if opt.iter().any(|o| v.starts_with(&format!("{o}=")))
            || v == "--store-password-in-clear-text"
            || v == "-StorePasswordInClearText"
        {
            remedy.replace.push((w, 0..v.len(), String::new()));
        }
    }
    Keeps::Fix(remedy)
}
