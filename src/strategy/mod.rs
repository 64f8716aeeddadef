//! Strategies: how N tasks are run.
//!
//! Each strategy is one file implementing [`Strategy`]; [`StrategyKind`] picks one by the name
//! the CLI and the benchmark IDs use. Building a strategy (a rayon pool, say) happens in
//! [`StrategyKind::build`], outside any timed region; [`Strategy::run`] is what is timed.

mod async_loop;
mod gil;
mod process_pool;
mod processes;
mod rayon_pool;
mod sequential;
mod threads;

use std::fmt;
use std::time::Duration;

use crate::error::{Error, Result};
use crate::units;
use crate::worker::WorkerCommand;
use crate::workload::{TaskOutput, TaskSet};

pub use async_loop::AsyncLoop;
pub use gil::{DEFAULT_SWITCH_INTERVAL, Gil, GilGate};
pub use process_pool::{MIN_IN_FLIGHT, ProcessPool, ProcessPoolStrategy, in_flight_per_worker};
pub use processes::{MAX_PROCESSES, Processes};
pub use rayon_pool::RayonPool;
pub use sequential::Sequential;
pub use threads::{MAPPINGS_PER_THREAD, ThreadLimit, Threads};

/// A way of running every task of a [`TaskSet`].
pub trait Strategy: Send + Sync {
    /// Which strategy this is.
    fn kind(&self) -> StrategyKind;
    /// How many threads or processes run tasks at once for a set of `tasks` tasks.
    fn workers(&self, tasks: usize) -> usize;
    /// Runs every task and returns the outputs in task order.
    fn run(&self, tasks: &TaskSet) -> Result<Vec<TaskOutput>>;
}

/// The strategies parbench knows, by the name the CLI (`--strategy`, listed by clap) and the
/// benchmark IDs use.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, clap::ValueEnum)]
pub enum StrategyKind {
    /// One task after another on the calling thread: the baseline.
    Sequential,
    /// One `std::thread` per task, all started, then all joined.
    Threads,
    /// `par_iter` inside a rayon pool of the logical CPUs (or `--workers` threads).
    Rayon,
    /// One OS process per task, like Python's `multiprocessing.Process`.
    Processes,
    /// A pool of reused worker processes, like Python's `multiprocessing.Pool`.
    ProcessPool,
    /// One thread per task sharing one global lock: a simulated CPython GIL.
    Gil,
    /// One tokio task per task on a current-thread runtime: one event loop, like `asyncio`.
    Async,
    /// One tokio task per task on tokio's multi-thread runtime.
    AsyncMulti,
}

impl StrategyKind {
    /// Every strategy, in the order reports list them.
    pub const ALL: &[StrategyKind] = &[
        StrategyKind::Sequential,
        StrategyKind::Threads,
        StrategyKind::Rayon,
        StrategyKind::Processes,
        StrategyKind::ProcessPool,
        StrategyKind::Gil,
        StrategyKind::Async,
        StrategyKind::AsyncMulti,
    ];

    /// The name used on the command line and in benchmark IDs.
    pub fn name(self) -> &'static str {
        match self {
            StrategyKind::Sequential => "sequential",
            StrategyKind::Threads => "threads",
            StrategyKind::Rayon => "rayon",
            StrategyKind::Processes => "processes",
            StrategyKind::ProcessPool => "process-pool",
            StrategyKind::Gil => "gil",
            StrategyKind::Async => "async",
            StrategyKind::AsyncMulti => "async-multi",
        }
    }

    /// Finds a strategy by name; an unknown name is an error listing the known ones.
    pub fn from_name(name: &str) -> Result<Self> {
        units::from_value_name("strategy", name)
    }

    /// Whether this strategy runs tasks in worker processes.
    pub fn uses_processes(self) -> bool {
        matches!(self, StrategyKind::Processes | StrategyKind::ProcessPool)
    }

    /// Builds the strategy: pools and runtimes are made here, not in [`Strategy::run`].
    pub fn build(self, config: &StrategyConfig) -> Result<Box<dyn Strategy>> {
        let workers = config.workers;
        Ok(match self {
            StrategyKind::Sequential => Box::new(Sequential),
            StrategyKind::Threads => Box::new(Threads),
            StrategyKind::Rayon => Box::new(RayonPool::new(workers)?),
            StrategyKind::Processes => {
                Box::new(Processes::new(config.require_worker_command(self)?))
            }
            StrategyKind::ProcessPool => Box::new(ProcessPoolStrategy::new(
                config.require_worker_command(self)?,
                workers.unwrap_or_else(crate::cpus::available),
            )),
            StrategyKind::Gil => Box::new(Gil::new(config.switch_interval, workers)),
            StrategyKind::Async => Box::new(AsyncLoop::current_thread()?),
            StrategyKind::AsyncMulti => Box::new(AsyncLoop::multi_thread(
                workers.unwrap_or_else(crate::cpus::available),
            )?),
        })
    }
}

impl fmt::Display for StrategyKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// What building a strategy may need: a worker count, the program to run as worker, and the
/// simulated GIL's switch interval.
#[derive(Clone, Debug)]
pub struct StrategyConfig {
    workers: Option<usize>,
    worker_command: Option<WorkerCommand>,
    switch_interval: Duration,
}

impl Default for StrategyConfig {
    fn default() -> Self {
        StrategyConfig {
            workers: None,
            worker_command: None,
            switch_interval: DEFAULT_SWITCH_INTERVAL,
        }
    }
}

impl StrategyConfig {
    /// A configuration with default workers, no worker program and a 5 ms switch interval.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the `gil` strategy's switch interval (`--switch-interval`), checked against
    /// 1 µs ..= 10 min.
    pub fn switch_interval(mut self, interval: Duration) -> Result<Self> {
        self.switch_interval = units::check_duration("--switch-interval", interval)?;
        Ok(self)
    }

    /// Sets the worker count (`--workers`), checked against `1..=1024`.
    pub fn workers(mut self, workers: Option<usize>) -> Result<Self> {
        if let Some(w) = workers {
            units::check_count("--workers", w, units::MAX_WORKERS)?;
        }
        self.workers = workers;
        Ok(self)
    }

    /// Sets the program that process strategies run as their worker.
    pub fn worker_command(mut self, command: WorkerCommand) -> Self {
        self.worker_command = Some(command);
        self
    }

    fn require_worker_command(&self, strategy: StrategyKind) -> Result<WorkerCommand> {
        self.worker_command
            .clone()
            .ok_or(Error::MissingWorkerCommand {
                strategy: strategy.name(),
            })
    }
}

/// Puts `(index, output)` pairs, produced in any order, back into task order.
pub(crate) fn in_task_order(
    tasks: usize,
    pairs: impl IntoIterator<Item = (usize, TaskOutput)>,
) -> Vec<TaskOutput> {
    let mut slots: Vec<Option<TaskOutput>> = vec![None; tasks];
    for (index, output) in pairs {
        slots[index] = Some(output);
    }
    slots
        .into_iter()
        .map(|slot| slot.expect("every task produced an output"))
        .collect()
}
