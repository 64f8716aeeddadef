//! `processes`: one OS process per task, like Python's `multiprocessing.Process`.
//!
//! Every task gets a fresh `parbench worker` process: all are started and sent their task,
//! then all are joined. Starting a process and moving the input through its pipe are costs
//! this strategy pays that threads do not.

use std::os::fd::BorrowedFd;

use nix::poll::{PollFd, PollFlags, PollTimeout, poll};

use super::{Strategy, StrategyKind};
use crate::error::{Error, Result};
use crate::units;
use crate::worker::{WorkerCommand, WorkerProcess};
use crate::workload::{TaskOutput, TaskSet};

/// The most processes one run may start.
pub const MAX_PROCESSES: usize = 2048;

/// Starts one worker process per task, then collects their replies in task order.
#[derive(Debug, Clone)]
pub struct Processes {
    command: WorkerCommand,
}

impl Processes {
    /// A strategy that runs each task in a new process of `command`.
    pub fn new(command: WorkerCommand) -> Self {
        Processes { command }
    }
}

impl Strategy for Processes {
    fn kind(&self) -> StrategyKind {
        StrategyKind::Processes
    }

    fn workers(&self, tasks: usize) -> usize {
        tasks
    }

    fn run(&self, tasks: &TaskSet) -> Result<Vec<TaskOutput>> {
        units::check_count("--tasks", tasks.len(), MAX_PROCESSES).map_err(|_| {
            Error::invalid(
                "--tasks",
                format!(
                    "must be between 1 and {MAX_PROCESSES} with the processes strategy (one process per task), got {}",
                    tasks.len()
                ),
            )
        })?;
        // Workers live in this Vec: on any error it is dropped, which kills and reaps them all.
        let mut workers = Vec::with_capacity(tasks.len());
        for index in 0..tasks.len() {
            let mut worker = WorkerProcess::spawn(&self.command)?;
            worker.send(index, tasks.workload(), tasks.context(), tasks.input(index))?;
            worker.finish_sending();
            workers.push(worker);
        }
        let mut outputs: Vec<Option<TaskOutput>> = vec![None; tasks.len()];
        receive_as_ready(&mut workers, &mut outputs)?;
        for (index, worker) in workers.into_iter().enumerate() {
            worker.shut_down(index)?;
        }
        Ok(outputs
            .into_iter()
            .map(|o| o.expect("every task replied"))
            .collect())
    }
}

/// Receives each worker's reply as soon as it is ready, whatever the task order, so a worker
/// that dies is noticed at once rather than after the tasks before it finish.
///
/// A reply is one write of at most a few dozen bytes (atomic on a pipe), so once `poll` says a
/// pipe is readable the whole reply, or the end of the pipe, is there.
fn receive_as_ready(
    workers: &mut [WorkerProcess],
    outputs: &mut [Option<TaskOutput>],
) -> Result<()> {
    while outputs.iter().any(Option::is_none) {
        let ready: Vec<usize> = {
            let waiting: Vec<(usize, Option<BorrowedFd<'_>>)> = workers
                .iter()
                .enumerate()
                .filter(|(index, _)| outputs[*index].is_none())
                .map(|(index, worker)| (index, worker.reply_fd()))
                .collect();
            let buffered: Vec<usize> = waiting
                .iter()
                .filter(|(_, fd)| fd.is_none())
                .map(|(index, _)| *index)
                .collect();
            if buffered.is_empty() {
                let mut fds: Vec<PollFd<'_>> = waiting
                    .iter()
                    .filter_map(|(_, fd)| fd.map(|fd| PollFd::new(fd, PollFlags::POLLIN)))
                    .collect();
                match poll(&mut fds, PollTimeout::NONE) {
                    Ok(_) | Err(nix::errno::Errno::EINTR) => {}
                    Err(errno) => {
                        return Err(Error::System {
                            action: "cannot wait for the worker processes' replies",
                            source: std::io::Error::from(errno),
                        });
                    }
                }
                waiting
                    .iter()
                    .zip(&fds)
                    .filter(|(_, fd)| fd.revents().is_some_and(|r| !r.is_empty()))
                    .map(|((index, _), _)| *index)
                    .collect()
            } else {
                buffered
            }
        };
        for index in ready {
            outputs[index] = Some(workers[index].receive(index)?);
        }
    }
    Ok(())
}
