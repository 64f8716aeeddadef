//! The `noop` workload: a task that does nothing but say which task it was.

use super::TaskOutput;

/// Returns the task's index as 8 little-endian bytes: the output of tasks that compute nothing.
pub(super) fn run(index: usize) -> TaskOutput {
    TaskOutput::new((index as u64).to_le_bytes().to_vec())
}
