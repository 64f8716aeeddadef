//! The `mixed` workload: hash `bytes`, then wait `duration` — a request handler that parses a
//! request and then waits on a database.
//!
//! The output is the hash's digest, as for `hash`; the wait leaves no trace in it.

use std::time::{Duration, Instant};

use super::{Gate, TaskOutput, Workload, hash, task_input};

/// How many bytes [`hashing_rate`] hashes per try.
const CALIBRATION_BYTES: usize = 8 << 20;

/// This machine's single-thread SHA-256 speed in bytes per second, the best of five tries:
/// what sizes the hashing part of a mixed task.
pub fn hashing_rate() -> f64 {
    let input = task_input(0, CALIBRATION_BYTES);
    let hash = Workload::Hash {
        bytes: CALIBRATION_BYTES as u64,
    };
    let best = (0..5)
        .map(|_| {
            let start = Instant::now();
            std::hint::black_box(hash.expected_output(0, &input));
            start.elapsed()
        })
        .min()
        .expect("five tries");
    CALIBRATION_BYTES as f64 / best.as_secs_f64()
}

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
