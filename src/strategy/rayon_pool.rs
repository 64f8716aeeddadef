//! `rayon`: `par_iter` over the tasks on a rayon pool.
//!
//! With no `--workers`, the pool has rayon's default size (one thread per logical CPU, or
//! `RAYON_NUM_THREADS`): right for computing, and the trap for blocking waits — N sleeping
//! tasks take N / pool size sleeps. A pool sized to the task count does not fall in it.
//!
//! Every run enters the pool with `install`, so even one task is dispatched to a pool thread
//! and back: a one-item `par_iter` called from outside would run inline on the caller and
//! measure nothing of the pool.

use rayon::prelude::*;

use super::{Strategy, StrategyKind};
use crate::error::{Error, Result};
use crate::workload::{NoGate, TaskOutput, TaskSet};

/// Runs the tasks with `par_iter` inside a rayon pool of its own.
#[derive(Debug)]
pub struct RayonPool {
    pool: rayon::ThreadPool,
}

impl RayonPool {
    /// Builds a pool of `workers` threads, or of rayon's default size when `None`.
    pub fn new(workers: Option<usize>) -> Result<Self> {
        let pool = rayon::ThreadPoolBuilder::new()
            // 0 is rayon's default: RAYON_NUM_THREADS, else the logical CPUs.
            .num_threads(workers.unwrap_or(0))
            .thread_name(|i| format!("parbench-rayon-{i}"))
            .build()
            .map_err(|e| Error::System {
                action: "cannot build the rayon pool (lower --workers)",
                source: std::io::Error::other(e),
            })?;
        Ok(RayonPool { pool })
    }

    /// Runs `work` on one of the pool's threads (`install`), whatever calls it.
    fn in_pool<R: Send>(&self, work: impl FnOnce() -> R + Send) -> R {
        self.pool.install(work)
    }
}

impl Strategy for RayonPool {
    fn kind(&self) -> StrategyKind {
        StrategyKind::Rayon
    }

    fn workers(&self, _tasks: usize) -> usize {
        self.pool.current_num_threads()
    }

    fn run(&self, tasks: &TaskSet) -> Result<Vec<TaskOutput>> {
        self.in_pool(|| {
            (0..tasks.len())
                .into_par_iter()
                .map(|i| tasks.run_one(i, &mut NoGate))
                .collect()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workload::Workload;

    #[test]
    fn one_task_is_dispatched_to_a_pool_thread() {
        let pool = RayonPool::new(None).unwrap();
        assert_eq!(rayon::current_thread_index(), None, "the test runs outside");
        let inside = pool.in_pool(|| std::thread::current().name().map(str::to_string));
        assert!(
            inside.is_some_and(|name| name.starts_with("parbench-rayon-")),
            "work ran on the caller instead of the pool"
        );
        let tasks = TaskSet::new(Workload::Hash { bytes: 100 }, 1).unwrap();
        let outputs = pool.run(&tasks).unwrap();
        tasks.verify("rayon", &outputs).unwrap();
    }

    #[test]
    fn default_size_is_rayons_and_workers_set_it() {
        assert_eq!(
            RayonPool::new(None).unwrap().workers(1),
            rayon::current_num_threads()
        );
        assert_eq!(RayonPool::new(Some(3)).unwrap().workers(1), 3);
    }
}
