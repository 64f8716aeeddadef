//! `threads`: one `std::thread` per task, all started, then all joined — the seed's example.

use super::{Strategy, StrategyKind};
use crate::error::{Error, Result};
use crate::workload::{NoGate, TaskOutput, TaskSet};

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
