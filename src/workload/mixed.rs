//! The `mixed` workload: hash `bytes`, then wait `duration` — a request handler that parses a
//! request and then waits on a database.
//!
//! The output is the hash's digest, as for `hash`; the wait leaves no trace in it.

use std::time::Duration;

use super::{Gate, TaskOutput, hash};

/// Hashes `input` in compute slices, then sleeps `duration` in a wait phase.
pub(super) fn run<G: Gate>(input: &[u8], duration: Duration, gate: &mut G) -> TaskOutput {
    let digest = hash::run(input, gate);
    gate.wait(|| std::thread::sleep(duration));
    digest
}

/// Hashes `input` inline (blocking the event loop), then awaits `tokio::time::sleep`.
pub(super) async fn run_async(input: &[u8], duration: Duration) -> TaskOutput {
    let digest = hash::run(input, &mut super::NoGate);
    tokio::time::sleep(duration).await;
    digest
}
