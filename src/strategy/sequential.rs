//! `sequential`: one task after another on the calling thread — the baseline.

use super::{Strategy, StrategyKind};
use crate::error::Result;
use crate::workload::{NoGate, TaskOutput, TaskSet};

/// Runs the tasks one after another on the calling thread.
#[derive(Debug, Default, Clone, Copy)]
pub struct Sequential;

impl Strategy for Sequential {
    fn kind(&self) -> StrategyKind {
        StrategyKind::Sequential
    }

    fn workers(&self, _tasks: usize) -> usize {
        1
    }

    fn run(&self, tasks: &TaskSet) -> Result<Vec<TaskOutput>> {
        (0..tasks.len())
            .map(|i| tasks.run_one(i, &mut NoGate))
            .collect()
    }
}
