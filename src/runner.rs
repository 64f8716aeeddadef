//! One benchmark function ready to be timed: a strategy as the CLI runs it, or one of the
//! benches' own variants (`rayon-n`, `process-pool-warm`).
//!
//! Criterion's benches and the paired measurements ([`crate::pairs`]) build their runners
//! here, so both time exactly the same thing.

use crate::bench_id::BenchFunction;
use crate::error::{Error, Result};
use crate::strategy::{ProcessPool, RayonPool, Strategy, StrategyConfig};
use crate::worker::WorkerCommand;
use crate::workload::{TaskOutput, TaskSet};

/// One benchmark function ready to be timed.
pub enum Runner {
    /// A strategy as the CLI runs it (and `rayon-n`: rayon with one thread per task).
    Plain(Box<dyn Strategy>),
    /// A process pool spawned before the clock starts (`process-pool-warm`).
    WarmPool(ProcessPool),
}

impl Runner {
    /// Builds the runner named `function` for sets of `tasks` tasks, outside any timing.
    ///
    /// `rayon-n` is a rayon pool with one thread per task; `process-pool-warm` a pool of
    /// `workers` processes (default: one per logical CPU), already started; other names are
    /// strategies, with `workers` as their `--workers` (default: their own). The process
    /// strategies run `worker` as their worker program. A CPython function is an error.
    pub fn build(
        function: BenchFunction,
        tasks: usize,
        workers: Option<usize>,
        worker: &WorkerCommand,
    ) -> Result<Runner> {
        match (function, function.strategy()) {
            (BenchFunction::RayonN, _) => Ok(Runner::Plain(Box::new(RayonPool::new(Some(tasks))?))),
            (BenchFunction::ProcessPoolWarm, _) => Ok(Runner::WarmPool(ProcessPool::spawn(
                worker,
                workers.unwrap_or_else(crate::cpus::available),
            )?)),
            (_, Some(kind)) => StrategyConfig::new()
                .worker_command(worker.clone())
                .workers(workers)
                .and_then(|config| kind.build(&config))
                .map(Runner::Plain),
            (_, None) => Err(Error::InvalidInput {
                flag: "benchmark function",
                message: format!("{function} is a CPython strategy, not one parbench runs in Rust"),
            }),
        }
    }

    /// Runs every task; this is what is timed.
    pub fn run(&mut self, tasks: &TaskSet) -> Result<Vec<TaskOutput>> {
        match self {
            Runner::Plain(strategy) => strategy.run(tasks),
            Runner::WarmPool(pool) => pool.run(tasks),
        }
    }
}
