//! How many worker threads a run starts.
//!
//! `--jobs` is a wish, not an order: each thread costs a stack and a guard
//! page, and a runaway count (`--jobs 100000`) made thread creation fail
//! inside the pool ("failed to set up alternative stack guard page") and
//! the run hang, while `--jobs 5000` spent half a minute starting threads
//! for one file. The work is file reads and parsing, so more threads than a
//! few per core buy nothing.

/// The most threads a run starts, whatever the machine.
pub const MAX_JOBS: usize = 256;

/// Threads per core at most: a little I/O wait is worth overlapping.
const PER_CORE: usize = 4;

/// Worker threads for `requested` (`--jobs`, default: one per core) when
/// `files` files are known to be waiting: never more than the files, than
/// [`PER_CORE`] per core, or than [`MAX_JOBS`]; at least one.
pub fn workers(requested: Option<usize>, files: usize) -> usize {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    bounded(requested, files, cores)
}

fn bounded(requested: Option<usize>, files: usize, cores: usize) -> usize {
    requested
        .unwrap_or(cores)
        .min(PER_CORE * cores)
        .min(MAX_JOBS)
        .min(files)
        .max(1)
}

/// The pool for a run whose first batch holds `files` files (all of them,
/// when the batch is not full); `None` when one thread is enough, and the
/// work runs on the calling thread.
pub fn pool(requested: Option<usize>, files: usize) -> Result<Option<rayon::ThreadPool>, String> {
    let threads = workers(requested, files);
    if threads == 1 {
        return Ok(None);
    }
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map(Some)
        .map_err(|e| format!("cannot start {threads} worker threads: {e}"))
}

#[cfg(test)]
mod tests {
    use super::bounded;

    #[test]
    fn bounded_by_files_cores_and_a_maximum() {
        assert_eq!(bounded(Some(100_000), 3, 2), 3);
        assert_eq!(bounded(Some(100_000), 1_000, 2), 8);
        assert_eq!(bounded(Some(100_000), 1_000, 128), 256);
        assert_eq!(bounded(Some(5_000), 1, 2), 1);
        assert_eq!(bounded(None, 1_000, 2), 2);
        assert_eq!(bounded(None, 1, 16), 1);
        assert_eq!(bounded(Some(3), 1_000, 2), 3);
        assert_eq!(bounded(Some(1), 0, 2), 1);
        assert_eq!(bounded(None, 0, 2), 1);
    }
}
