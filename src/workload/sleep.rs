//! The `sleep` workload: block the calling thread, the lesson's stand-in for waiting on I/O.
//!
//! Under an async strategy the task awaits `tokio::time::sleep` instead, which frees the event
//! loop for other tasks as `asyncio.sleep` does.

use std::time::Duration;

use super::{Gate, TaskOutput, noop};

/// Sleeps for `duration` inside a wait phase and returns the task's index.
pub(super) fn run<G: Gate>(index: usize, duration: Duration, gate: &mut G) -> TaskOutput {
    gate.wait(|| std::thread::sleep(duration));
    noop::run(index)
}

/// Awaits `tokio::time::sleep(duration)` and returns the task's index.
pub(super) async fn run_async(index: usize, duration: Duration) -> TaskOutput {
    tokio::time::sleep(duration).await;
    noop::run(index)
}
