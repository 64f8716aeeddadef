//! `processes`: one OS process per task, like Python's `multiprocessing.Process`.
//!
//! Every task gets a fresh `parbench worker` process: all are started and sent their task
//! (what a pipe does not take at once is written while the replies are awaited, all from the
//! calling thread), then all are joined. Starting a process and moving the input through its pipe are costs
//! this strategy pays that threads do not.

use super::process_pool::dispatch;
use super::{Strategy, StrategyKind};
use crate::error::{Error, Result};
use crate::units;
use crate::worker::{TaskHeader, WorkerCommand, WorkerProcess};
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
        let header = TaskHeader::new(tasks.workload(), tasks.context())?;
        let mut workers = Vec::with_capacity(tasks.len());
        for index in 0..tasks.len() {
            let mut worker = WorkerProcess::spawn(&self.command)?;
            // Written now if the pipe takes it (small inputs), else by `dispatch`; the
            // worker's stdin closes after it, so it exits once it has answered.
            worker.begin(index, &header, tasks.input(index), true)?;
            workers.push(worker);
        }
        let outputs = dispatch(&mut workers, tasks, tasks.len())?;
        for (index, worker) in workers.into_iter().enumerate() {
            worker.shut_down(index)?;
        }
        Ok(outputs)
    }
}
