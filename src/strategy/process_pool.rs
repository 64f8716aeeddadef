//! `process-pool`: long-lived worker processes fed tasks over pipes, like Python's
//! `multiprocessing.Pool` / `ProcessPoolExecutor`.
//!
//! [`ProcessPool`] is the pool itself: spawn it once and call [`ProcessPool::run`] many times to
//! time a warm pool. [`ProcessPoolStrategy`] spawns a pool inside the timed run and shuts it
//! down afterwards, as `with Pool(...)` does. Tasks are handed out in order to whichever worker
//! has room, several in flight on each ([`in_flight_per_worker`]: the one it computes and the
//! next ones, already in its pipe, so a worker does not sleep between tasks), by the calling
//! thread alone: it waits on every worker's pipes at once with `poll` ([`dispatch`]), so a run
//! starts no thread.

use nix::poll::{PollFd, PollFlags};

use super::{Strategy, StrategyKind};
use crate::error::{Error, Result};
use crate::units;
use crate::worker::{TaskHeader, WorkerCommand, WorkerProcess, wait_for_pipes};
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
        let result = dispatch(&mut self.workers, tasks, 0);
        self.broken = result.is_err();
        result
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

/// Runs `tasks` on `workers` from the calling thread and returns the outputs in task order.
///
/// Tasks before `first_unsent` must already be in flight on some worker (begun with
/// [`WorkerProcess::begin`]); the others are handed out in order to whichever worker has room
/// ([`in_flight_per_worker`]). One `poll` waits on every busy worker's reply pipe, and on the
/// request pipe of those whose request is not written whole yet, so large inputs go out to all workers at once and
/// a worker that dies is noticed as soon as its pipe closes. On the first error every other
/// worker is killed and reaped, and that error is returned.
pub(super) fn dispatch(
    workers: &mut [WorkerProcess],
    tasks: &TaskSet,
    first_unsent: usize,
) -> Result<Vec<TaskOutput>> {
    let result = hand_out(workers, tasks, first_unsent);
    if result.is_err() {
        for worker in workers.iter_mut() {
            worker.kill();
        }
    }
    result
}

fn hand_out(
    workers: &mut [WorkerProcess],
    tasks: &TaskSet,
    first_unsent: usize,
) -> Result<Vec<TaskOutput>> {
    let header = TaskHeader::new(tasks.workload(), tasks.context())?;
    let mut outputs: Vec<Option<TaskOutput>> = vec![None; tasks.len()];
    let mut next = first_unsent;
    let mut remaining = tasks.len();
    // Every worker gets a task, then more queued behind it up to `depth`, in turns, so that a
    // short run still spreads over all workers.
    let depth = in_flight_per_worker(tasks.len(), workers.len());
    for _ in 0..depth {
        for worker in workers.iter_mut() {
            if worker.can_begin(depth) && next < tasks.len() {
                worker.begin(next, &header, tasks.input(next), false)?;
                next += 1;
            }
        }
    }
    // Which worker each poll entry belongs to, and whether it is its request pipe.
    let mut owners: Vec<(usize, bool)> = Vec::with_capacity(2 * workers.len());
    let mut ready: Vec<(usize, bool, bool)> = Vec::with_capacity(workers.len());
    let mut answered = Vec::with_capacity(depth);
    while remaining > 0 {
        owners.clear();
        ready.clear();
        {
            let mut fds: Vec<PollFd<'_>> = Vec::with_capacity(2 * workers.len());
            for (w, worker) in workers.iter().enumerate() {
                if !worker.is_busy() {
                    continue;
                }
                fds.push(PollFd::new(worker.reply_fd(), PollFlags::POLLIN));
                owners.push((w, false));
                if let Some(fd) = worker.request_fd() {
                    fds.push(PollFd::new(fd, PollFlags::POLLOUT));
                    owners.push((w, true));
                }
            }
            assert!(!fds.is_empty(), "tasks remain, so some worker has one");
            wait_for_pipes(&mut fds)?;
            for (fd, &(w, request)) in fds.iter().zip(&owners) {
                if fd.revents().is_none_or(|r| r.is_empty()) {
                    continue;
                }
                match ready.last_mut() {
                    Some((last, writable, readable)) if *last == w => {
                        *writable |= request;
                        *readable |= !request;
                    }
                    _ => ready.push((w, request, !request)),
                }
            }
        }
        for &(w, writable, readable) in &ready {
            let worker = &mut workers[w];
            worker.advance(|i| tasks.input(i), writable, readable, &mut answered)?;
            for (index, output) in answered.drain(..) {
                outputs[index] = Some(output);
                remaining -= 1;
            }
            while worker.can_begin(depth) && next < tasks.len() {
                worker.begin(next, &header, tasks.input(next), false)?;
                next += 1;
            }
        }
    }
    Ok(outputs
        .into_iter()
        .map(|output| output.expect("every task replied"))
        .collect())
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

/// The fewest tasks one worker may have in flight: the one it computes and the next seven,
/// waiting in its pipe.
pub const MIN_IN_FLIGHT: usize = 8;

/// How many tasks one worker of a pool may have in flight, for `tasks` tasks on `workers`
/// workers: [`MIN_IN_FLIGHT`], or a quarter of each worker's share when that is more, as
/// `multiprocessing.Pool.map` sizes its chunks (`len / (4 × workers)`).
///
/// A worker with work queued does not sleep between tasks, and the dispatcher wakes once for
/// several replies. On the 2-vCPU VM of `reports/example` a worker that ran dry waited for a
/// wake-up from the other vCPU (tens of µs) for every window of tasks: 1024 empty tasks on a
/// warm pool of 2 took 11.4 ms with 2 in flight, 7.5 ms with 4, 4.4 ms with 8 and 0.69 ms with
/// 128 (this rule), against 2.4 µs for one pipe round trip on one CPU. The price is balance:
/// the tasks in flight are dealt out ahead, as `multiprocessing`'s chunks are, so uneven tasks
/// may finish less evenly (by at most a quarter of a worker's share).
pub fn in_flight_per_worker(tasks: usize, workers: usize) -> usize {
    MIN_IN_FLIGHT.max(tasks.div_ceil(4 * workers.max(1)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workload::Workload;

    fn worker_command() -> WorkerCommand {
        // The library's unit tests have no parbench binary: a shell plays a worker.
        WorkerCommand::custom("sh", ["-c", "exec cat >/dev/null"])
    }

    #[test]
    fn a_worker_keeps_a_quarter_of_its_share_in_flight_and_never_fewer_than_eight() {
        assert_eq!(in_flight_per_worker(1, 2), MIN_IN_FLIGHT);
        assert_eq!(in_flight_per_worker(64, 2), MIN_IN_FLIGHT);
        assert_eq!(in_flight_per_worker(1024, 2), 128);
        assert_eq!(in_flight_per_worker(1000, 64), MIN_IN_FLIGHT);
        assert_eq!(in_flight_per_worker(100_000, 64), 391);
    }

    #[test]
    fn a_broken_pool_refuses_to_run_again() {
        let mut pool = ProcessPool::spawn(&worker_command(), 2).unwrap();
        let tasks = TaskSet::new(Workload::Noop, 3).unwrap();
        let pids = pool.pids();
        for pid in &pids {
            let _ = nix::sys::signal::kill(
                nix::unistd::Pid::from_raw(*pid as i32),
                nix::sys::signal::Signal::SIGKILL,
            );
        }
        let err = pool.run(&tasks).unwrap_err().to_string();
        assert!(err.contains("SIGKILL"), "{err}");
        let err = pool.run(&tasks).unwrap_err().to_string();
        assert!(err.contains("spawn a new pool"), "{err}");
    }
}
