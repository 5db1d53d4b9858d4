//! Leaving no temporary file behind: on SIGINT, SIGTERM and SIGHUP the live
//! temporary files are removed before the process ends, and a `--write`
//! run removes what a killed run left (SIGKILL and power loss cannot be
//! caught) in every directory it locks.
//!
//! The handler is a thread fed by `signal-hook`'s self-pipe: it takes the
//! list of live temporary files (waiting out a rename in progress, which
//! holds it), removes them, and ends the process with the signal's default
//! action, so that the parent sees "killed by SIGINT" as usual. It is
//! installed when the first temporary file is created, so read-only runs
//! never start it. A signal that was ignored when dfix started (`nohup`)
//! stays ignored.

use std::collections::HashSet;
use std::fs;
use std::os::unix::fs::MetadataExt;
use std::path::Path;
use std::sync::{Mutex, Once};

use super::temp;

/// Installs the signal handler once per process. The handler thread
/// registers the signals itself and says so before this returns; if it
/// cannot, signals keep their default action (and a leftover temporary
/// file is removed by the next run).
pub fn install() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
        let (ready, wait) = std::sync::mpsc::sync_channel(1);
        let spawned = std::thread::Builder::new()
            .name("dfix-signals".into())
            .spawn(move || {
                // A signal the parent set to be ignored stays ignored
                // (`nohup`, background jobs of a non-interactive shell).
                let wanted = [SIGINT, SIGTERM, SIGHUP]
                    .into_iter()
                    .filter(|&s| !ignored(s));
                let signals = signal_hook::iterator::Signals::new(wanted);
                let _ = ready.send(());
                let Ok(mut signals) = signals else {
                    return;
                };
                if let Some(signal) = signals.forever().next() {
                    // Held until the end: no temporary file is created or
                    // renamed after this.
                    let live = temp::live();
                    for path in live.iter() {
                        let _ = fs::remove_file(path);
                    }
                    let _ = signal_hook::low_level::emulate_default_handler(signal);
                    std::process::exit(128 + signal);
                }
            });
        if spawned.is_ok() {
            let _ = wait.recv();
        }
    });
}

/// Whether `signal` is set to be ignored (inherited across `exec`).
fn ignored(signal: i32) -> bool {
    // SAFETY: a zeroed sigaction is a valid out-parameter; with a null new
    // action, sigaction only reads the current one.
    unsafe {
        let mut current: libc::sigaction = std::mem::zeroed();
        libc::sigaction(signal, std::ptr::null(), &mut current) == 0
            && current.sa_sigaction == libc::SIG_IGN
    }
}

/// Directories already swept by this process, by (device, inode).
static SWEPT: Mutex<Option<HashSet<(u64, u64)>>> = Mutex::new(None);

/// Removes the temporary files a killed dfix left in `dir`: names of
/// [`temp::is_temp_name`]'s shape (and dfix 0.1's `.env` copies), regular
/// files only. A backup of an in-place rewrite is not removed but named on
/// stderr: it may be the only whole copy of a file. Once per directory and
/// process; the caller holds the directory's lock, so no running dfix has a
/// temporary file there.
pub fn sweep(dir: &Path) {
    let Ok(meta) = fs::metadata(dir) else {
        return;
    };
    {
        let mut swept = SWEPT.lock().unwrap_or_else(|e| e.into_inner());
        if !swept
            .get_or_insert_with(HashSet::new)
            .insert((meta.dev(), meta.ino()))
        {
            return;
        }
    }
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(name) = name.to_str() else {
            continue;
        };
        let leftover = temp::is_temp_name(name) || temp::is_legacy_env_temp(name);
        let backup = temp::is_backup_name(name);
        if !(leftover || backup) || !entry.file_type().is_ok_and(|t| t.is_file()) {
            continue;
        }
        if leftover {
            let _ = fs::remove_file(entry.path());
        } else {
            eprintln!(
                "dfix: {}: left by an interrupted in-place rewrite of a hard-linked file; \
                 it holds that file's earlier content (secrets included): check the file, then delete this copy",
                entry.path().display()
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sweep_removes_only_dfix_leftovers_once() {
        let dir = tempfile::tempdir().unwrap();
        let ours = [".dfix-tmp-Ab3dEf9hJk2m", ".dfix-env-x7Yz9Q.tmp"];
        let theirs = [
            ".dfix-tmp-notes.txt",
            ".dfix-config",
            ".dfix-tmp-Ab3dEf9hJk2m.bak",
            ".env",
        ];
        for name in ours.iter().chain(&theirs) {
            fs::write(dir.path().join(name), "x").unwrap();
        }
        // A directory with a temporary name is not a file dfix made.
        fs::create_dir(dir.path().join(".dfix-tmp-0123456789ab")).unwrap();
        sweep(dir.path());
        for name in ours {
            assert!(!dir.path().join(name).exists(), "{name}");
        }
        for name in theirs.iter().chain(&[".dfix-tmp-0123456789ab"]) {
            assert!(dir.path().join(name).exists(), "{name}");
        }
        // Once per process and directory.
        fs::write(dir.path().join(ours[0]), "x").unwrap();
        sweep(dir.path());
        assert!(dir.path().join(ours[0]).exists());
    }
}
