//! `threads`: one `std::thread` per task, all started, then all joined — the seed's example.
//!
//! One thread per task means all of them alive at once, so the machine's limits on threads
//! bound the task count: [`ThreadLimit`] reads them, and a run that would pass them is refused
//! before any thread starts (rather than run in waves, which would be a pool, not a thread per
//! task: `--strategy gil --workers N`, `rayon` and `async` are the pools and loops for that).

use std::os::unix::fs::MetadataExt;
use std::sync::OnceLock;

use super::{Strategy, StrategyKind};
use crate::error::{Error, Result};
use crate::workload::{NoGate, TaskOutput, TaskSet};

/// Memory mappings one thread takes (measured on Linux): its stack and the stack's guard page,
/// and the signal stack Rust's standard library sets up at the thread's start and its guard
/// page. When `vm.max_map_count` runs out there, std aborts the whole process.
pub const MAPPINGS_PER_THREAD: usize = 4;

/// Threads kept in reserve under every limit: the process's own (main, pools, samplers) and
/// whatever the rest of the machine starts meanwhile.
const SPARE_THREADS: usize = 64;

/// Memory mappings kept in reserve: allocations made while the threads run.
const SPARE_MAPPINGS: usize = 512;

/// Mappings an up-front check keeps in reserve beyond [`SPARE_MAPPINGS`]: what building the
/// tasks and the runtime take before the threads start.
const AHEAD_SPARE_MAPPINGS: usize = 256;

/// Threads an up-front check keeps in reserve beyond [`SPARE_THREADS`]: what the run starts
/// besides the tasks' threads (a memory sampler, a runtime).
const AHEAD_SPARE_THREADS: usize = 16;

/// How many threads this process may start at once on this machine, and which limit says so.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ThreadLimit {
    /// The most threads it may start now.
    pub threads: usize,
    /// The limit that allows no more, in words, e.g. `vm.max_map_count is 65530 and each
    /// thread takes 4 memory mappings`.
    pub why: String,
}

impl ThreadLimit {
    /// Reads the machine's limits now: `vm.max_map_count` (against the mappings this process
    /// already has, and `extra_mappings` it will make before starting the threads),
    /// `kernel.threads-max` and `kernel.pid_max` (against the threads running on the machine)
    /// and `RLIMIT_NPROC` (against this user's threads; not for root), each also keeping
    /// `extra_threads` for threads the run starts besides the tasks'. The tightest wins; `None`
    /// where `/proc` does not tell them (not Linux).
    pub fn read(extra_mappings: usize, extra_threads: usize) -> Option<ThreadLimit> {
        let sysctl = |name: &str| -> Option<usize> {
            std::fs::read_to_string(format!("/proc/sys/{}", name.replace('.', "/")))
                .ok()?
                .trim()
                .parse()
                .ok()
        };
        let mut limits = Vec::new();
        if let (Some(max), Ok(maps)) = (
            sysctl("vm.max_map_count"),
            std::fs::read_to_string("/proc/self/maps"),
        ) {
            let used = maps.lines().count() + extra_mappings;
            limits.push(ThreadLimit {
                threads: max.saturating_sub(used + SPARE_MAPPINGS) / MAPPINGS_PER_THREAD,
                why: format!(
                    "vm.max_map_count is {max}, this process and the tasks' inputs take {used}, \
                     and each thread takes {MAPPINGS_PER_THREAD} memory mappings"
                ),
            });
        }
        let running = machine_threads();
        for (name, what) in [
            ("kernel.threads-max", "threads on the machine"),
            ("kernel.pid_max", "thread IDs"),
        ] {
            if let (Some(max), Some(running)) = (sysctl(name), running) {
                limits.push(ThreadLimit {
                    threads: max.saturating_sub(running + extra_threads + SPARE_THREADS),
                    why: format!("{name} allows {max} {what} and {running} are running"),
                });
            }
        }
        if let Some((max, mine)) = user_limit() {
            limits.push(ThreadLimit {
                threads: max.saturating_sub(mine + extra_threads + SPARE_THREADS),
                why: format!(
                    "the limit on this user's processes and threads (RLIMIT_NPROC, ulimit -u) \
                     is {max} and {mine} are running"
                ),
            });
        }
        limits.into_iter().min_by_key(|l| l.threads)
    }

    /// Checks, before the tasks' inputs are built, that `strategy` will be able to start
    /// `threads` threads for `tasks` tasks of `input_bytes` each: stricter than [`check`] by
    /// the mappings the inputs will take (glibc maps each buffer of 128 KiB or more on its own)
    /// and a margin, so that what passes here passes there.
    ///
    /// [`check`]: ThreadLimit::check
    pub fn check_ahead(
        strategy: StrategyKind,
        threads: usize,
        tasks: usize,
        input_bytes: u64,
    ) -> Result<()> {
        let inputs = if input_bytes >= 128 << 10 { tasks } else { 0 };
        Self::check_with(
            strategy,
            threads,
            inputs + AHEAD_SPARE_MAPPINGS,
            AHEAD_SPARE_THREADS,
        )
    }

    /// Checks that `strategy` may start `threads` threads at once now; an error naming the
    /// limit, and another way to run the tasks, otherwise.
    ///
    /// Strategies call this inside their timed run, so it costs nothing for counts far below
    /// the limits read at the first call (at start-up, or in a bench's warm-up); only a count
    /// above half of those reads them again.
    pub fn check(strategy: StrategyKind, threads: usize) -> Result<()> {
        static AT_START: OnceLock<Option<ThreadLimit>> = OnceLock::new();
        match AT_START.get_or_init(|| ThreadLimit::read(0, 0)) {
            Some(limit) if threads > limit.threads / 2 => Self::check_with(strategy, threads, 0, 0),
            _ => Ok(()),
        }
    }

    fn check_with(
        strategy: StrategyKind,
        threads: usize,
        extra_mappings: usize,
        extra_threads: usize,
    ) -> Result<()> {
        let hint = match strategy {
            StrategyKind::Gil => ", or give --workers N to run them on a pool of N threads",
            _ => ", or run them on a pool or a loop: --strategy rayon, async or gil --workers N",
        };
        match ThreadLimit::read(extra_mappings, extra_threads) {
            Some(limit) if threads > limit.threads => Err(Error::TooManyThreads {
                strategy: strategy.name(),
                tasks: threads,
                limit: limit.threads,
                why: limit.why,
                hint,
            }),
            _ => Ok(()),
        }
    }
}

/// The threads running on the whole machine: `/proc/loadavg`'s fourth field is
/// `running/total` scheduling entities.
fn machine_threads() -> Option<usize> {
    let loadavg = std::fs::read_to_string("/proc/loadavg").ok()?;
    loadavg
        .split_whitespace()
        .nth(3)?
        .split('/')
        .nth(1)?
        .parse()
        .ok()
}

/// `RLIMIT_NPROC` and the threads this user runs now; `None` when it does not bind (unlimited,
/// or root, whom the kernel exempts).
fn user_limit() -> Option<(usize, usize)> {
    use nix::sys::resource::{RLIM_INFINITY, Resource, getrlimit};
    let (soft, _) = getrlimit(Resource::RLIMIT_NPROC).ok()?;
    let uid = std::fs::metadata("/proc/self").ok()?.uid();
    if soft == RLIM_INFINITY || uid == 0 {
        return None;
    }
    let mut mine = 0;
    for entry in std::fs::read_dir("/proc").ok()?.flatten() {
        let is_pid = entry
            .file_name()
            .to_str()
            .is_some_and(|n| n.bytes().all(|b| b.is_ascii_digit()));
        if !is_pid || entry.metadata().map(|m| m.uid()).ok() != Some(uid) {
            continue;
        }
        // `/proc/<pid>/stat`: the 20th field, counted after the command's closing parenthesis
        // (a command may contain spaces), is the number of threads.
        let threads = std::fs::read_to_string(entry.path().join("stat"))
            .ok()
            .and_then(|stat| {
                let rest = &stat[stat.rfind(')')? + 1..];
                rest.split_whitespace().nth(17)?.parse::<usize>().ok()
            });
        mine += threads.unwrap_or(1);
    }
    Some((usize::try_from(soft).unwrap_or(usize::MAX), mine))
}

/// Starts one OS thread per task, then joins them all in task order.
#[derive(Debug, Default, Clone, Copy)]
pub struct Threads;

impl Strategy for Threads {
    fn kind(&self) -> StrategyKind {
        StrategyKind::Threads
    }

    fn workers(&self, tasks: usize) -> usize {
        tasks
    }

    fn run(&self, tasks: &TaskSet) -> Result<Vec<TaskOutput>> {
        ThreadLimit::check(StrategyKind::Threads, tasks.len())?;
        std::thread::scope(|scope| {
            let mut handles = Vec::with_capacity(tasks.len());
            for index in 0..tasks.len() {
                let handle = std::thread::Builder::new()
                    .name(format!("parbench-task-{index}"))
                    // Tasks need little stack; a small one lets thousands of threads start.
                    .stack_size(256 * 1024)
                    .spawn_scoped(scope, move || tasks.run_one(index, &mut NoGate))
                    .map_err(|source| Error::System {
                        action: "cannot start one thread per task (lower --tasks)",
                        source,
                    })?;
                handles.push(handle);
            }
            handles
                .into_iter()
                .enumerate()
                .map(|(index, handle)| {
                    handle.join().unwrap_or_else(|_| {
                        Err(Error::TaskFailed {
                            task: index,
                            detail: "its thread panicked".to_string(),
                        })
                    })
                })
                .collect()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_limit_names_a_machine_limit_and_allows_a_thousand_threads() {
        let limit = ThreadLimit::read(0, 0).expect("Linux tells its limits");
        let ahead = ThreadLimit::read(1000, 16).unwrap();
        assert!(ahead.threads < limit.threads, "{ahead:?} {limit:?}");
        assert!(limit.threads >= 1000, "{limit:?}");
        assert!(
            ["vm.max_map_count", "kernel.", "RLIMIT_NPROC"]
                .iter()
                .any(|name| limit.why.contains(name)),
            "{limit:?}"
        );
        let err = ThreadLimit::check(StrategyKind::Threads, usize::MAX)
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with(
                "--tasks 18446744073709551615 is more than the threads strategy can run here"
            ),
            "{err}"
        );
        assert!(!err.contains('\n'), "{err}");
        assert!(ThreadLimit::check(StrategyKind::Threads, 8).is_ok());
    }
}
