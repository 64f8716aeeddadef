//! The `sleep` workload: block the calling thread, the lesson's stand-in for waiting on I/O.

use std::time::Duration;

use super::{Gate, TaskOutput, noop};

/// Sleeps for `duration` inside a wait phase and returns the task's index.
pub(super) fn run<G: Gate>(index: usize, duration: Duration, gate: &mut G) -> TaskOutput {
    gate.wait(|| std::thread::sleep(duration));
    noop::run(index)
}
