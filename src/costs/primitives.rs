//! The primitives the cost model needs, as functions that run one operation each: the
//! `primitives` bench times them under Criterion, [`super::calibrate`] times the very same
//! functions with fewer repetitions, so the two cannot measure different things.

use std::time::Duration;

use crate::error::{Error, Result};
use crate::strategy::AsyncLoop;
use crate::workload::{NoGate, TaskOutput, TaskSet, Workload};

/// What `primitive/tokio-sleep-1ms` asks `tokio::time::sleep` for: 1 ms.
pub const TOKIO_SLEEP: Duration = Duration::from_millis(1);

/// One `tokio::time::sleep(`[`TOKIO_SLEEP`]`)` awaited on `event_loop` (the `async`
/// strategy's runtime): tokio's timer counts whole milliseconds and rounds a deadline up, so
/// it lasts longer than asked.
pub fn tokio_sleep(event_loop: &AsyncLoop) {
    event_loop.sleep(TOKIO_SLEEP);
}

/// The hash kernel on k bare threads at once (`primitive/hash-threads/<k>`), each hashing its
/// own ready input: inputs and expected digests are built once, before any timing.
pub struct HashThreads {
    set: TaskSet,
    expected: Vec<TaskOutput>,
}

impl HashThreads {
    /// Inputs of `bytes` each for up to `threads` threads, and the digests they must give.
    pub fn new(bytes: u64, threads: usize) -> Result<Self> {
        let set = TaskSet::new(Workload::Hash { bytes }, threads)?;
        let expected = set.expected_outputs();
        Ok(HashThreads { set, expected })
    }

    /// The bytes each thread hashes.
    pub fn bytes(&self) -> u64 {
        self.set.workload().input_bytes()
    }

    /// Hashes on `k` scoped threads at once (at most the count given to [`HashThreads::new`])
    /// and checks every digest.
    pub fn run(&self, k: usize) -> Result<()> {
        let (set, expected) = (&self.set, &self.expected);
        std::thread::scope(|scope| {
            let handles: Vec<_> = (0..k)
                .map(|i| scope.spawn(move || set.run_one(i, &mut NoGate)))
                .collect();
            for (i, handle) in handles.into_iter().enumerate() {
                let output = handle.join().map_err(|_| Error::TaskFailed {
                    task: i,
                    detail: "a hashing thread panicked".to_string(),
                })??;
                if output != expected[i] {
                    return Err(Error::Mismatch {
                        strategy: format!("hash-threads/{k}"),
                        task: i,
                    });
                }
            }
            Ok(())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_threads_check_their_digests() {
        let hashing = HashThreads::new(4096, 2).unwrap();
        assert_eq!(hashing.bytes(), 4096);
        hashing.run(1).unwrap();
        hashing.run(2).unwrap();
    }
}
