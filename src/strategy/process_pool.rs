//! `process-pool`: long-lived worker processes fed tasks over pipes, like Python's
//! `multiprocessing.Pool` / `ProcessPoolExecutor`.
//!
//! [`ProcessPool`] is the pool itself: spawn it once and call [`ProcessPool::run`] many times to
//! time a warm pool. [`ProcessPoolStrategy`] spawns a pool inside the timed run and shuts it
//! down afterwards, as `with Pool(...)` does. Tasks are handed out one at a time to whichever
//! worker is free; one parent thread per worker talks to it.

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use nix::sys::signal::{Signal, kill};
use nix::unistd::Pid;

use super::{Strategy, StrategyKind, in_task_order};
use crate::error::{Error, Result};
use crate::units;
use crate::worker::{WorkerCommand, WorkerProcess};
use crate::workload::{TaskOutput, TaskSet};

/// A pool of reused worker processes.
///
/// Dropping the pool kills and reaps any worker still running.
#[derive(Debug)]
pub struct ProcessPool {
    workers: Vec<WorkerProcess>,
    broken: bool,
}

impl ProcessPool {
    /// Starts `size` worker processes of `command`.
    pub fn spawn(command: &WorkerCommand, size: usize) -> Result<Self> {
        units::check_count("--workers", size, units::MAX_WORKERS)?;
        let workers = (0..size)
            .map(|_| WorkerProcess::spawn(command))
            .collect::<Result<Vec<_>>>()?;
        Ok(ProcessPool {
            workers,
            broken: false,
        })
    }

    /// How many worker processes the pool has.
    pub fn size(&self) -> usize {
        self.workers.len()
    }

    /// The process ids of the workers.
    pub fn pids(&self) -> Vec<u32> {
        self.workers.iter().map(WorkerProcess::pid).collect()
    }

    /// Runs every task on the pool's workers and returns the outputs in task order.
    ///
    /// If a worker fails, the others are killed at once (no waiting for their tasks) and the
    /// pool cannot be used again.
    pub fn run(&mut self, tasks: &TaskSet) -> Result<Vec<TaskOutput>> {
        if self.broken {
            return Err(Error::PoolBroken);
        }
        let next = AtomicUsize::new(0);
        let failed = AtomicBool::new(false);
        let first_error = Mutex::new(None);
        let pids = self.pids();
        let results: Vec<Vec<(usize, TaskOutput)>> = std::thread::scope(|scope| {
            let handles: Vec<_> = self
                .workers
                .iter_mut()
                .map(|worker| {
                    let (next, failed, first_error, pids) = (&next, &failed, &first_error, &pids);
                    scope.spawn(move || {
                        let mut done = Vec::new();
                        while !failed.load(Ordering::SeqCst) {
                            let index = next.fetch_add(1, Ordering::SeqCst);
                            if index >= tasks.len() {
                                break;
                            }
                            match worker.run(
                                index,
                                tasks.workload(),
                                tasks.context(),
                                tasks.input(index),
                            ) {
                                Ok(output) => done.push((index, output)),
                                Err(error) => {
                                    if !failed.swap(true, Ordering::SeqCst) {
                                        *first_error.lock().expect("error slot") = Some(error);
                                        kill_others(pids, worker.pid());
                                    }
                                    break;
                                }
                            }
                        }
                        done
                    })
                })
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().expect("pool dispatcher thread does not panic"))
                .collect()
        });
        if let Some(error) = first_error.into_inner().expect("error slot") {
            self.broken = true;
            for worker in &mut self.workers {
                worker.kill();
            }
            return Err(error);
        }
        Ok(in_task_order(tasks.len(), results.into_iter().flatten()))
    }

    /// Closes the workers' pipes and waits for each to exit cleanly.
    pub fn shut_down(self) -> Result<()> {
        let mut first_error = None;
        for worker in self.workers {
            if let Err(e) = worker.shut_down(0) {
                first_error.get_or_insert(e);
            }
        }
        first_error.map_or(Ok(()), Err)
    }
}

/// Sends SIGKILL to every worker but `except`, so their dispatcher threads stop at once.
///
/// Safe against pid reuse: a worker is reaped only by its own dispatcher thread after it died,
/// and they are all still blocked on their pipes when this runs.
fn kill_others(pids: &[u32], except: u32) {
    for &pid in pids.iter().filter(|&&pid| pid != except) {
        let _ = kill(Pid::from_raw(pid as i32), Signal::SIGKILL);
    }
}

/// The `process-pool` strategy: spawns a pool for the run, runs the tasks, shuts it down.
#[derive(Debug, Clone)]
pub struct ProcessPoolStrategy {
    command: WorkerCommand,
    size: usize,
}

impl ProcessPoolStrategy {
    /// A strategy that runs each set of tasks on a fresh pool of `size` workers of `command`.
    pub fn new(command: WorkerCommand, size: usize) -> Self {
        ProcessPoolStrategy { command, size }
    }
}

impl Strategy for ProcessPoolStrategy {
    fn kind(&self) -> StrategyKind {
        StrategyKind::ProcessPool
    }

    fn workers(&self, _tasks: usize) -> usize {
        self.size
    }

    fn run(&self, tasks: &TaskSet) -> Result<Vec<TaskOutput>> {
        let mut pool = ProcessPool::spawn(&self.command, self.size)?;
        let outputs = pool.run(tasks)?;
        pool.shut_down()?;
        Ok(outputs)
    }
}
