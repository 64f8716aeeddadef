//! `rayon`: `par_iter` over the tasks on a rayon pool.
//!
//! With no `--workers`, the global pool (one thread per logical CPU) runs the tasks: right for
//! computing, and the trap for blocking waits — N sleeping tasks take N / pool size sleeps.
//! A pool sized to the task count does not fall in it.

use rayon::prelude::*;

use super::{Strategy, StrategyKind};
use crate::error::{Error, Result};
use crate::workload::{NoGate, TaskOutput, TaskSet};

/// Runs the tasks with `par_iter` on the global rayon pool or on a pool of its own.
#[derive(Debug)]
pub struct RayonPool {
    pool: Option<rayon::ThreadPool>,
}

impl RayonPool {
    /// Builds a pool of `workers` threads, or uses the global pool when `None`.
    pub fn new(workers: Option<usize>) -> Result<Self> {
        let pool = workers
            .map(|n| {
                rayon::ThreadPoolBuilder::new()
                    .num_threads(n)
                    .thread_name(|i| format!("parbench-rayon-{i}"))
                    .build()
                    .map_err(|e| Error::System {
                        action: "cannot build the rayon pool (lower --workers)",
                        source: std::io::Error::other(e),
                    })
            })
            .transpose()?;
        Ok(RayonPool { pool })
    }

    fn run_tasks(tasks: &TaskSet) -> Result<Vec<TaskOutput>> {
        (0..tasks.len())
            .into_par_iter()
            .map(|i| tasks.run_one(i, &mut NoGate))
            .collect()
    }
}

impl Strategy for RayonPool {
    fn kind(&self) -> StrategyKind {
        StrategyKind::Rayon
    }

    fn workers(&self, _tasks: usize) -> usize {
        match &self.pool {
            Some(pool) => pool.current_num_threads(),
            None => rayon::current_num_threads(),
        }
    }

    fn run(&self, tasks: &TaskSet) -> Result<Vec<TaskOutput>> {
        match &self.pool {
            Some(pool) => pool.install(|| Self::run_tasks(tasks)),
            None => Self::run_tasks(tasks),
        }
    }
}
