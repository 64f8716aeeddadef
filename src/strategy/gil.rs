//! `gil`: one thread per task sharing one global lock — a simulated CPython GIL.
//!
//! A task holds the lock while it computes and releases it while it waits, as CPython releases
//! the GIL around blocking calls. A thread that has held the lock for the switch interval
//! (CPython's `sys.getswitchinterval()`, 5 ms by default) hands it to a waiting thread, as
//! CPython's forced switch does. Expected: waits overlap as with `threads`; computing does not.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use parking_lot::{Mutex, MutexGuard};

use super::threads::ThreadLimit;
use super::{Strategy, StrategyKind, in_task_order};
use crate::error::{Error, Result};
use crate::workload::{Gate, TaskOutput, TaskSet};

/// CPython's default switch interval (`sys.getswitchinterval()`).
pub const DEFAULT_SWITCH_INTERVAL: Duration = Duration::from_millis(5);

/// Runs every task on its own thread (or on a pool of `workers` threads), all sharing one
/// global interpreter lock.
#[derive(Debug)]
pub struct Gil {
    switch_interval: Duration,
    workers: Option<usize>,
    lock: Mutex<()>,
}

impl Gil {
    /// A GIL strategy handing the lock over every `switch_interval`; `workers` = `None` starts
    /// one thread per task (`threading.Thread`), `Some(n)` a pool of `n` threads
    /// (`ThreadPoolExecutor(max_workers=n)`).
    pub fn new(switch_interval: Duration, workers: Option<usize>) -> Self {
        Gil {
            switch_interval,
            workers,
            lock: Mutex::new(()),
        }
    }

    /// How long a thread may hold the lock before handing it to a waiting one.
    pub fn switch_interval(&self) -> Duration {
        self.switch_interval
    }

    fn gate(&self) -> GilGate<'_> {
        GilGate::new(&self.lock, self.switch_interval)
    }
}

impl Default for Gil {
    fn default() -> Self {
        Gil::new(DEFAULT_SWITCH_INTERVAL, None)
    }
}

impl Strategy for Gil {
    fn kind(&self) -> StrategyKind {
        StrategyKind::Gil
    }

    fn workers(&self, tasks: usize) -> usize {
        self.workers.map_or(tasks, |w| w.min(tasks))
    }

    fn run(&self, tasks: &TaskSet) -> Result<Vec<TaskOutput>> {
        let threads = self.workers(tasks.len());
        ThreadLimit::check(StrategyKind::Gil, threads)?;
        let next = AtomicUsize::new(0);
        let results: Vec<Result<Vec<(usize, TaskOutput)>>> = std::thread::scope(|scope| {
            let mut handles = Vec::with_capacity(threads);
            for thread in 0..threads {
                let next = &next;
                let handle = std::thread::Builder::new()
                    .name(format!("parbench-gil-{thread}"))
                    .stack_size(256 * 1024)
                    .spawn_scoped(scope, move || {
                        let mut done = Vec::new();
                        loop {
                            let index = next.fetch_add(1, Ordering::SeqCst);
                            if index >= tasks.len() {
                                return Ok(done);
                            }
                            // A fresh gate per task: the lock is released when the task ends.
                            let output = tasks.run_one(index, &mut self.gate())?;
                            done.push((index, output));
                        }
                    })
                    .map_err(|source| Error::System {
                        action: "cannot start one thread per task (lower --tasks)",
                        source,
                    });
                match handle {
                    Ok(handle) => handles.push(handle),
                    Err(error) => {
                        // Stop handing out tasks; the threads already started finish theirs.
                        next.store(tasks.len(), Ordering::SeqCst);
                        handles.into_iter().for_each(|h| drop(h.join()));
                        return vec![Err(error)];
                    }
                }
            }
            handles
                .into_iter()
                .map(|handle| {
                    handle.join().unwrap_or_else(|_| {
                        Err(Error::TaskFailed {
                            task: 0,
                            detail: "a gil thread panicked".to_string(),
                        })
                    })
                })
                .collect()
        });
        let mut pairs = Vec::with_capacity(tasks.len());
        for result in results {
            pairs.extend(result?);
        }
        Ok(in_task_order(tasks.len(), pairs))
    }
}

/// The gate of one task under the simulated GIL: holds the global lock while computing.
///
/// The lock is taken at the first compute slice, kept across slices, handed over fairly once
/// held for the switch interval, released before every wait and when the gate is dropped.
pub struct GilGate<'a> {
    lock: &'a Mutex<()>,
    guard: Option<MutexGuard<'a, ()>>,
    held_since: Instant,
    switch_interval: Duration,
}

impl<'a> GilGate<'a> {
    /// A gate on `lock` that hands it over every `switch_interval`.
    pub fn new(lock: &'a Mutex<()>, switch_interval: Duration) -> Self {
        GilGate {
            lock,
            guard: None,
            held_since: Instant::now(),
            switch_interval,
        }
    }

    /// Whether this gate holds the lock now.
    pub fn holds_lock(&self) -> bool {
        self.guard.is_some()
    }
}

impl Gate for GilGate<'_> {
    fn compute<R>(&mut self, work: impl FnOnce() -> R) -> R {
        if self.guard.is_none() {
            self.guard = Some(self.lock.lock());
            self.held_since = Instant::now();
        }
        let value = work();
        if self.held_since.elapsed() >= self.switch_interval {
            if let Some(guard) = self.guard.as_mut() {
                // Fair unlock and re-lock: a waiting thread gets the lock first, as in
                // CPython's forced switch; with none waiting this keeps it at once.
                MutexGuard::bump(guard);
            }
            self.held_since = Instant::now();
        }
        value
    }

    fn wait<R>(&mut self, wait: impl FnOnce() -> R) -> R {
        self.guard = None;
        wait()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workload::Workload;

    #[test]
    fn gate_holds_while_computing_and_releases_to_wait() {
        let lock = Mutex::new(());
        let mut gate = GilGate::new(&lock, DEFAULT_SWITCH_INTERVAL);
        assert!(!gate.holds_lock());
        gate.compute(|| assert!(lock.is_locked()));
        assert!(gate.holds_lock(), "kept across compute slices");
        gate.wait(|| assert!(!lock.is_locked(), "released before waiting"));
        gate.compute(|| ());
        drop(gate);
        assert!(!lock.is_locked(), "dropping the gate releases the lock");
    }

    #[test]
    fn holder_hands_over_after_the_switch_interval() {
        let lock = Mutex::new(());
        let (a_done, b_got) = std::thread::scope(|scope| {
            // A computes for 300 ms in small slices; B asks for the lock after 20 ms.
            let a = scope.spawn(|| {
                let mut gate = GilGate::new(&lock, Duration::from_millis(1));
                let start = Instant::now();
                while start.elapsed() < Duration::from_millis(300) {
                    gate.compute(|| std::thread::sleep(Duration::from_micros(200)));
                }
                Instant::now()
            });
            std::thread::sleep(Duration::from_millis(20));
            let mut gate = GilGate::new(&lock, Duration::from_millis(1));
            let b_got = gate.compute(Instant::now);
            drop(gate);
            (a.join().unwrap(), b_got)
        });
        assert!(b_got < a_done, "B got the lock while A was still computing");
    }

    #[test]
    fn outputs_match_sequential() {
        let tasks = TaskSet::new(Workload::Hash { bytes: 200_000 }, 5).unwrap();
        for gil in [Gil::default(), Gil::new(Duration::from_micros(50), Some(2))] {
            let outputs = gil.run(&tasks).unwrap();
            tasks.verify("gil", &outputs).unwrap();
        }
    }
}
