//! `async` and `async-multi`: every task a tokio task, like Python's `asyncio`.
//!
//! `async` runs one event loop on one thread (tokio's current-thread runtime), as `asyncio`
//! does: waits (`tokio::time::sleep`, sockets) overlap, but computing runs inline and blocks
//! the loop, so hash tasks serialize — async helps waiting, not computing. `async-multi` runs
//! the same tasks on tokio's multi-thread runtime (one worker per logical CPU by default), so
//! computing spreads over the cores too. The runtime is built once, outside the timed run.

use tokio::runtime::{Builder, Runtime};
use tokio::task::JoinHandle;

use super::{Strategy, StrategyKind};
use crate::error::{Error, Result};
use crate::workload::{TaskOutput, TaskSet};

/// A tokio runtime that runs every task of a set as its own tokio task.
#[derive(Debug)]
pub struct AsyncLoop {
    runtime: Runtime,
    kind: StrategyKind,
    workers: usize,
}

impl AsyncLoop {
    /// One event loop on the calling thread: the `async` strategy.
    pub fn current_thread() -> Result<Self> {
        let runtime = Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|source| Error::System {
                action: "cannot build the tokio current-thread runtime",
                source,
            })?;
        Ok(AsyncLoop {
            runtime,
            kind: StrategyKind::Async,
            workers: 1,
        })
    }

    /// Waits `duration` with `tokio::time::sleep` on this loop: how long a timer wait of the
    /// event loop really lasts (tokio's timer counts whole milliseconds and rounds up).
    pub fn sleep(&self, duration: std::time::Duration) {
        // Made inside the runtime: a sleep needs its timer when created.
        self.runtime
            .block_on(async { tokio::time::sleep(duration).await });
    }

    /// tokio's multi-thread runtime with `workers` worker threads: the `async-multi` strategy.
    pub fn multi_thread(workers: usize) -> Result<Self> {
        let runtime = Builder::new_multi_thread()
            .worker_threads(workers)
            .thread_name("parbench-tokio")
            .enable_all()
            .build()
            .map_err(|source| Error::System {
                action: "cannot build the tokio multi-thread runtime (lower --workers)",
                source,
            })?;
        Ok(AsyncLoop {
            runtime,
            kind: StrategyKind::AsyncMulti,
            workers,
        })
    }
}

/// Join handles whose tasks are aborted if they are dropped before being awaited.
struct AbortOnDrop(Vec<JoinHandle<Result<TaskOutput>>>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        for handle in &self.0 {
            handle.abort();
        }
    }
}

impl Strategy for AsyncLoop {
    fn kind(&self) -> StrategyKind {
        self.kind
    }

    fn workers(&self, _tasks: usize) -> usize {
        self.workers
    }

    fn run(&self, tasks: &TaskSet) -> Result<Vec<TaskOutput>> {
        self.runtime.block_on(async {
            // Plain join handles, awaited in task order: every task runs concurrently from
            // its spawn on, and the outputs come back in order with no bookkeeping per task
            // (a `JoinSet` costs about twice a bare spawn here). On an error the rest are
            // aborted when `handles` drops.
            let mut handles = AbortOnDrop(
                (0..tasks.len())
                    .map(|index| tokio::spawn(tasks.task_future(index)))
                    .collect(),
            );
            let mut outputs = Vec::with_capacity(tasks.len());
            for (index, handle) in handles.0.iter_mut().enumerate() {
                let output = handle.await.map_err(|e| Error::TaskFailed {
                    task: index,
                    detail: format!("its tokio task failed: {e}"),
                })?;
                outputs.push(output?);
            }
            Ok(outputs)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workload::Workload;
    use std::time::{Duration, Instant};

    #[test]
    fn sleeps_overlap_on_one_thread() {
        let tasks = TaskSet::new(
            Workload::Sleep {
                duration: Duration::from_millis(50),
            },
            200,
        )
        .unwrap();
        let strategy = AsyncLoop::current_thread().unwrap();
        let start = Instant::now();
        let outputs = strategy.run(&tasks).unwrap();
        assert!(
            start.elapsed() < Duration::from_millis(1000),
            "{:?}",
            start.elapsed()
        );
        tasks.verify("async", &outputs).unwrap();
        assert_eq!(strategy.workers(200), 1);
    }

    #[test]
    fn multi_thread_outputs_in_task_order() {
        let tasks = TaskSet::new(Workload::Hash { bytes: 10_000 }, 17).unwrap();
        let strategy = AsyncLoop::multi_thread(2).unwrap();
        tasks
            .verify("async-multi", &strategy.run(&tasks).unwrap())
            .unwrap();
    }
}
