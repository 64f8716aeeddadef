//! How each benchmark function runs its tasks, stated once: how many are in progress at once,
//! how many compute at once, what a run starts inside its timing, whose timer its waits run
//! on, and the primitive its cost per task is compared with.
//!
//! The suite's time estimate ([`crate::suite::Plan::estimate`]), the cost model
//! ([`crate::costs::CostModel::predict`]) and `parbench advise` all read these two functions.
//! Both are exhaustive `match`es without a fallback arm: a new [`BenchFunction`] does not
//! compile until it says here what it means.

use crate::bench_id::{BenchFunction, Primitive};

/// How the tasks of one run overlap, and what the run starts while it is timed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shape {
    /// Tasks in progress at once (`K`): 1 to the task count.
    pub in_progress: usize,
    /// Tasks computing at once (`p`): 1 to the smaller of the task count and the cores, before
    /// the machine's raw scaling is applied.
    pub computing: usize,
    /// OS threads a run starts inside its timing.
    pub threads_started: usize,
    /// OS processes a run starts inside its timing.
    pub processes_started: usize,
    /// Whether its tasks' timer waits run on tokio's timer, which counts whole milliseconds and
    /// rounds a deadline up (the cost model lengthens them by the measured overshoot); threads
    /// sleep on the operating system's timer.
    pub tokio_timer: bool,
}

/// The shape of `function` running `tasks` tasks with `workers` as its `--workers` (its own
/// default when `None`) on `cores` logical cores.
///
/// ```
/// use parbench::bench_id::BenchFunction;
/// use parbench::shape::shape;
///
/// // A CPU-sized pool on 2 cores waits in rounds of 2; a thread per task overlaps all 64.
/// assert_eq!(shape(BenchFunction::Rayon, 64, None, 2).in_progress, 2);
/// let threads = shape(BenchFunction::Threads, 64, None, 2);
/// assert_eq!((threads.in_progress, threads.computing), (64, 2));
/// assert_eq!(threads.threads_started, 64);
/// ```
pub fn shape(function: BenchFunction, tasks: usize, workers: Option<usize>, cores: usize) -> Shape {
    let n = tasks.max(1);
    let cores = cores.max(1);
    let pool = workers.unwrap_or(cores).max(1);
    // (in progress, computing, threads started, processes started, tokio's timer)
    let (in_progress, computing, threads_started, processes_started, tokio_timer) = match function {
        BenchFunction::Sequential | BenchFunction::Primitive(_) => (1, 1, 0, 0, false),
        BenchFunction::Threads => (n, n, n, 0, false),
        BenchFunction::Rayon | BenchFunction::ProcessPoolWarm => (pool, pool, 0, 0, false),
        BenchFunction::RayonN => (n, n, 0, 0, false),
        BenchFunction::Processes => (n, n, 0, n, false),
        BenchFunction::ProcessPool => (pool, pool, 0, pool, false),
        // Threads that compute one at a time: the simulated GIL, CPython's thread pools.
        BenchFunction::Gil | BenchFunction::ThreadPool | BenchFunction::AsyncioToThread => {
            let threads = workers.unwrap_or(n);
            (threads, 1, threads, 0, false)
        }
        // One event loop: every wait overlaps, one task computes at a time.
        BenchFunction::Async => (n, 1, 0, 0, true),
        BenchFunction::Asyncio => (n, 1, 0, 0, false),
        BenchFunction::AsyncMulti => (n, pool, 0, 0, true),
    };
    Shape {
        in_progress: in_progress.clamp(1, n),
        computing: computing.clamp(1, cores.min(n)),
        threads_started,
        processes_started,
        tokio_timer,
    }
}

/// The primitive `function`'s cost per task is compared with; `None` where there is none: the
/// baseline (`sequential`), CPython's strategies (no Rust primitive stands under them) and the
/// primitives themselves.
pub fn primitive_of(function: BenchFunction) -> Option<Primitive> {
    match function {
        BenchFunction::Threads | BenchFunction::Gil => Some(Primitive::ThreadSpawn),
        BenchFunction::Rayon | BenchFunction::RayonN => Some(Primitive::RayonInstall),
        BenchFunction::Processes => Some(Primitive::ProcessSpawn),
        BenchFunction::ProcessPool | BenchFunction::ProcessPoolWarm => {
            Some(Primitive::PipeRoundTrip)
        }
        BenchFunction::Async => Some(Primitive::TokioCurrentSpawn),
        BenchFunction::AsyncMulti => Some(Primitive::TokioMultiSpawn),
        BenchFunction::Sequential
        | BenchFunction::ThreadPool
        | BenchFunction::Asyncio
        | BenchFunction::AsyncioToThread
        | BenchFunction::Primitive(_) => None,
    }
}

/// What one task costs `function`, in words, as a plural noun: `thread spawns`, `pool jobs`,
/// `process starts`, `pool round trips`, `tokio tasks`, or `calls` where no primitive stands
/// under it.
pub fn task_noun(function: BenchFunction) -> &'static str {
    match primitive_of(function) {
        None => "calls",
        Some(Primitive::ThreadSpawn) => "thread spawns",
        Some(Primitive::RayonInstall) => "pool jobs",
        Some(Primitive::ProcessSpawn) => "process starts",
        Some(Primitive::PipeRoundTrip | Primitive::PipeRoundTripCrossCpu) => "pool round trips",
        Some(Primitive::TokioCurrentSpawn | Primitive::TokioMultiSpawn) => "tokio tasks",
        Some(Primitive::TokioSleep) => "tokio sleeps",
        Some(Primitive::LockUnlock) => "lock round trips",
        Some(Primitive::HashThreads) => "hashing threads",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes_stay_within_the_tasks_and_the_cores() {
        for &function in BenchFunction::ALL {
            for tasks in [1, 3, 64] {
                for workers in [None, Some(1), Some(16)] {
                    let s = shape(function, tasks, workers, 4);
                    assert!((1..=tasks).contains(&s.in_progress), "{function} {tasks}");
                    assert!(
                        (1..=tasks.min(4)).contains(&s.computing),
                        "{function} {tasks}"
                    );
                }
            }
        }
    }

    #[test]
    fn pools_wait_in_rounds_and_one_lock_computes_alone() {
        let rayon = shape(BenchFunction::Rayon, 16, None, 2);
        assert_eq!((rayon.in_progress, rayon.computing), (2, 2));
        let gil = shape(BenchFunction::Gil, 16, None, 2);
        assert_eq!(
            (gil.in_progress, gil.computing, gil.threads_started),
            (16, 1, 16)
        );
        let pool = shape(BenchFunction::ProcessPool, 1, Some(4), 8);
        assert_eq!((pool.in_progress, pool.processes_started), (1, 4));
        assert_eq!(shape(BenchFunction::AsyncMulti, 8, Some(3), 4).computing, 3);
    }

    #[test]
    fn every_strategy_but_the_baseline_has_a_primitive() {
        for &kind in crate::strategy::StrategyKind::ALL {
            let function = BenchFunction::from(kind);
            let has = primitive_of(function).is_some();
            assert_eq!(has, function != BenchFunction::Sequential, "{function}");
        }
        assert_eq!(task_noun(BenchFunction::Sequential), "calls");
        assert_eq!(task_noun(BenchFunction::ProcessPool), "pool round trips");
    }
}
