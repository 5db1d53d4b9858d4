//! How cost grows with the number of credentials in one file:
//! `cargo bench --bench scale`.
//!
//! For each shape (one RUN per credential; one heredoc script holding them
//! all; one RUN with all of them joined by `&&`; word-dense RUNs with a
//! credential each; and word-dense RUNs without one), it builds files with
//! 10,000 and 20,000 lines and
//! times `dfix --check` and the dry run (median of 5), and reads each run's
//! peak RSS. Targets (issue 6): 20k takes at most 2.5x as long as 10k, and
//! peak RSS stays at or below 20 bytes per input byte. The RSS is printed as
//! measured and net of the RSS of a run on a one-line file (the binary and
//! its allocator, about 4.5 MB, which no input pays for).

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn dfix() -> &'static str {
    env!("CARGO_BIN_EXE_dfix")
}

/// Runs dfix once: wall time and peak RSS in bytes. The child is reaped by
/// `wait4`, which also gives its own peak RSS (clippy cannot see that).
#[allow(clippy::zombie_processes)]
fn run(args: &[&str], file: &Path) -> (Duration, u64) {
    let start = Instant::now();
    let child = Command::new(dfix())
        .args(args)
        .arg(file)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("run dfix");
    let mut status = 0;
    let mut usage = std::mem::MaybeUninit::<libc::rusage>::zeroed();
    // SAFETY: wait4 fills the status and the usage of the child it reaps.
    let usage = unsafe {
        libc::wait4(child.id() as i32, &mut status, 0, usage.as_mut_ptr());
        usage.assume_init()
    };
    let elapsed = start.elapsed();
    assert!(
        libc::WIFEXITED(status) && libc::WEXITSTATUS(status) <= 1,
        "dfix failed"
    );
    (elapsed, usage.ru_maxrss as u64 * 1024)
}

fn measure(args: &[&str], file: &Path) -> (Duration, u64) {
    let mut times = Vec::new();
    let mut rss = 0;
    for _ in 0..5 {
        let (t, r) = run(args, file);
        times.push(t);
        rss = rss.max(r);
    }
    times.sort();
    (times[times.len() / 2], rss)
}

/// (name, text of a file with `n` credentials)
fn shapes(n: usize) -> Vec<(&'static str, String)> {
    let mut per_run = String::from("FROM alpine\n");
    let mut script = String::from("FROM alpine\nRUN <<EOF\n");
    let mut joined = Vec::with_capacity(n);
    let mut wordy = String::from("FROM alpine\n");
    let mut plain = String::from("FROM alpine\n");
    for i in 0..n {
        plain.push_str(&format!(
            "RUN cd /src/p{i} && make -j4 install PREFIX=/opt/p{i} && strip /opt/p{i}/bin/* && rm -rf /src/p{i} /tmp/* && echo ok\n"
        ));
        let url = format!("https://u{i}:pw{i}-s3cret@h{i}.example.com/x");
        per_run.push_str(&format!("RUN curl -fsSL {url}\n"));
        script.push_str(&format!("curl -fsSL {url}\n"));
        joined.push(format!("curl -fsSL {url}"));
        wordy.push_str(&format!(
            "RUN curl -s {url} -o /tmp/f{i} && tar xzf /tmp/f{i} -C /opt/a{i} && rm -rf /tmp/f{i} && echo done {i} with a few more words\n"
        ));
    }
    script.push_str("EOF\n");
    vec![
        ("one RUN each", per_run),
        ("one heredoc script", script),
        (
            "one RUN, && joined",
            format!("FROM alpine\nRUN {}\n", joined.join(" && ")),
        ),
        ("word-dense RUNs", wordy),
        ("word-dense, no secret", plain),
    ]
}

fn main() {
    let dir = tempfile::tempdir().unwrap();
    let tiny = dir.path().join("tiny.Dockerfile");
    std::fs::write(&tiny, "FROM alpine\n").unwrap();
    let (_, base) = measure(&["--check"], &tiny);
    println!("baseline RSS (one-line file): {:.1} MB", base as f64 / 1e6);
    println!(
        "{:<22} {:<7} {:>8} {:>8} {:>6} {:>9} {:>9} {:>9}",
        "shape", "mode", "10k", "20k", "ratio", "RSS 20k", "B/byte", "net B/b"
    );
    let small = shapes(10_000);
    let large = shapes(20_000);
    let mut worst_ratio: f64 = 0.0;
    let mut worst_net: f64 = 0.0;
    for ((name, a), (_, b)) in small.iter().zip(&large) {
        let fa = dir.path().join("a.Dockerfile");
        let fb = dir.path().join("b.Dockerfile");
        std::fs::write(&fa, a).unwrap();
        std::fs::write(&fb, b).unwrap();
        for (mode, args) in [("check", &["--check"][..]), ("dry run", &[][..])] {
            let (ta, _) = measure(args, &fa);
            let (tb, rss) = measure(args, &fb);
            let ratio = tb.as_secs_f64() / ta.as_secs_f64();
            let per_byte = rss as f64 / b.len() as f64;
            let net = rss.saturating_sub(base) as f64 / b.len() as f64;
            worst_ratio = worst_ratio.max(ratio);
            worst_net = worst_net.max(net);
            println!(
                "{name:<22} {mode:<7} {:>7.0}ms {:>7.0}ms {ratio:>6.2} {:>7.1}MB {per_byte:>9.1} {net:>9.1}",
                ta.as_secs_f64() * 1e3,
                tb.as_secs_f64() * 1e3,
                rss as f64 / 1e6,
            );
        }
    }
    println!(
        "worst 20k/10k time ratio {worst_ratio:.2} (target at most 2.5): {}",
        if worst_ratio <= 2.5 { "met" } else { "NOT met" }
    );
    println!(
        "worst net RSS per input byte {worst_net:.1} (target at most 20): {}",
        if worst_net <= 20.0 { "met" } else { "NOT met" }
    );
}
