//! Measures the cost model in a few seconds, without Criterion: for `parbench advise` on a
//! machine where `cargo bench` has not run.
//!
//! The same quantities as the benches, with fewer repetitions: every CLI strategy on empty
//! tasks at 1, the cores, 4 × and 16 × the cores (the cost line), and but `processes` at
//! [`MANY_TASKS`] (the cost per task past the line), a warm pool on `receive` tasks of 1 KiB
//! and 1 MiB (the cost per byte of both process strategies), and the hash kernel on 1 to `cores` bare threads
//! (the raw scaling and the hashing speed). Each point is run repeatedly for about
//! [`POINT_BUDGET`] (3 to 40 runs); its interval is the mean ± 1.96 standard errors. Every
//! run's outputs are checked against the sequential reference.

use std::time::{Duration, Instant};

use crate::bench_id::BenchFunction;
use crate::error::{Error, Result};
use crate::interval::Interval;
use crate::strategy::{AsyncLoop, ProcessPool, StrategyConfig, StrategyKind};
use crate::worker::WorkerCommand;
use crate::workload::{NoGate, TaskOutput, TaskSet, Workload};

use super::fit::{Z95, fit_line};
use super::measured::{beyond_line, tokio_sleep_overshoot};
use super::model::{CostModel, ScalingPoint, StrategyCost, primitive_of};
use super::scale;

/// How long one calibration point is repeated for, at most (after its first run).
pub const POINT_BUDGET: Duration = Duration::from_millis(250);
/// The task count measured past the line, as the default profile's benches do: a thousand live
/// threads cost more each than a line fitted on a few dozen says.
pub const MANY_TASKS: usize = 1024;
/// Bytes each bare thread hashes for the raw scaling.
const SCALING_BYTES: usize = 4 << 20;

/// A model measured on this machine, and how long measuring took.
#[derive(Clone, Debug)]
pub struct Calibration {
    /// The model.
    pub model: CostModel,
    /// How long calibrating took.
    pub elapsed: Duration,
}

/// Runs `run` for about [`POINT_BUDGET`] (3 to 40 times) and returns the mean time in ns with
/// its 95 % interval.
fn repeat(mut run: impl FnMut() -> Result<()>) -> Result<Interval> {
    let started = Instant::now();
    let mut times = Vec::new();
    while times.len() < 3 || (times.len() < 40 && started.elapsed() < POINT_BUDGET) {
        let t = Instant::now();
        run()?;
        times.push(t.elapsed().as_nanos() as f64);
    }
    let n = times.len() as f64;
    let mean = times.iter().sum::<f64>() / n;
    let var = times.iter().map(|t| (t - mean).powi(2)).sum::<f64>() / (n - 1.0);
    let half = Z95 * (var / n).sqrt();
    Ok(Interval {
        point: mean,
        lower: mean - half,
        upper: mean + half,
    })
}

/// Times `run` on `set` with [`repeat`], checking every run's outputs (`name` names the
/// strategy in a mismatch).
fn time_verified(
    name: &str,
    set: &TaskSet,
    mut run: impl FnMut(&TaskSet) -> Result<Vec<TaskOutput>>,
) -> Result<Interval> {
    let expected = set.expected_outputs();
    repeat(|| crate::workload::check_outputs(name, &expected, &run(set)?))
}

/// Times `strategy` on `set`, checking every run's outputs.
fn time_strategy(kind: StrategyKind, config: &StrategyConfig, set: &TaskSet) -> Result<Interval> {
    let strategy = kind.build(config)?;
    time_verified(kind.name(), set, |set| strategy.run(set))
}

/// Measures the model on this machine with `worker` as the process strategies' worker.
pub fn calibrate(worker: WorkerCommand) -> Result<Calibration> {
    let started = Instant::now();
    let cores = num_cpus::get().max(1);
    let config = StrategyConfig::new().worker_command(worker.clone());
    let mut counts = vec![1usize, cores, 4 * cores, 16 * cores];
    counts.dedup();
    let many = TaskSet::new(Workload::Noop, MANY_TASKS)?;
    let empty: Vec<TaskSet> = counts
        .iter()
        .map(|&n| TaskSet::new(Workload::Noop, n))
        .collect::<Result<_>>()?;
    let sizes = [1u64 << 10, 1 << 20];
    let receive: Vec<TaskSet> = sizes
        .iter()
        .map(|&bytes| TaskSet::new(Workload::Receive { bytes }, cores))
        .collect::<Result<_>>()?;
    let per_byte = warm_pool_per_byte(&worker, cores, &sizes, &receive)?;
    let mut costs = Vec::new();
    for &kind in StrategyKind::ALL {
        let points = counts
            .iter()
            .zip(&empty)
            .map(|(&n, set)| Ok((n as f64, time_strategy(kind, &config, set)?)))
            .collect::<Result<Vec<_>>>()?;
        let line = fit_line(&points)?;
        let beyond = if kind != StrategyKind::Processes && 16 * cores < MANY_TASKS {
            let far = time_strategy(kind, &config, &many)?;
            beyond_line(&line, &points, &[(MANY_TASKS as f64, far)])
        } else {
            None
        };
        let per_byte_ns = kind.uses_processes().then_some(per_byte);
        let function = BenchFunction::from(kind);
        costs.push(StrategyCost {
            strategy: function,
            fixed_ns: line.fixed,
            per_task_ns: line.slope,
            per_byte_ns,
            primitive: primitive_of(function),
            primitive_ns: None,
            beyond,
        });
    }
    let (raw_scaling, hash_ns_per_byte) = raw_scaling(cores)?;
    let tokio_sleep_overshoot_ns = Some(tokio_sleep_overshoot(tokio_sleep_1ms()?));
    Ok(Calibration {
        model: CostModel {
            logical_cores: cores,
            costs,
            raw_scaling,
            hash_ns_per_byte: Some(hash_ns_per_byte),
            hash_speed: Vec::new(),
            tokio_sleep_overshoot_ns,
        },
        elapsed: started.elapsed(),
    })
}

/// `tokio::time::sleep(1 ms)` awaited on the `async` strategy's event loop, as the
/// `primitives` bench measures it.
fn tokio_sleep_1ms() -> Result<Interval> {
    let event_loop = AsyncLoop::current_thread()?;
    repeat(|| {
        event_loop.sleep(Duration::from_millis(1));
        Ok(())
    })
}

/// The cost per byte moved to a worker, from `receive` tasks of each of `sizes` on a pool of
/// `cores` workers spawned once, outside the timing: both process strategies move inputs
/// through the same pipe protocol (as the benches take the warm pool's figure for the cold
/// pool), and a pool or process started per run adds milliseconds of jitter that a few runs
/// cannot tell from a megabyte's transfer.
fn warm_pool_per_byte(
    worker: &WorkerCommand,
    cores: usize,
    sizes: &[u64],
    sets: &[TaskSet],
) -> Result<Interval> {
    let mut pool = ProcessPool::spawn(worker, cores)?;
    let points = sizes
        .iter()
        .zip(sets)
        .map(|(&bytes, set)| {
            let time = time_verified("process-pool", set, |set| pool.run(set))?;
            Ok((bytes as f64, time))
        })
        .collect::<Result<Vec<_>>>()?;
    pool.shut_down()?;
    Ok(scale(fit_line(&points)?.slope, 1.0 / cores as f64))
}

/// The hash kernel on 1 to `cores` (at most 8) bare threads: `S(k)` and ns per byte at k = 1.
fn raw_scaling(cores: usize) -> Result<(Vec<ScalingPoint>, Interval)> {
    let top = cores.min(8);
    let set = TaskSet::new(
        Workload::Hash {
            bytes: SCALING_BYTES as u64,
        },
        top,
    )?;
    let expected = set.expected_outputs();
    let (set, expected) = (&set, &expected);
    let on_threads = |k: usize| {
        repeat(|| {
            std::thread::scope(|scope| {
                let handles: Vec<_> = (0..k)
                    .map(|i| scope.spawn(move || set.run_one(i, &mut NoGate)))
                    .collect();
                for (i, handle) in handles.into_iter().enumerate() {
                    let output = handle.join().map_err(|_| Error::TaskFailed {
                        task: i,
                        detail: "a calibration thread panicked".to_string(),
                    })??;
                    if output != expected[i] {
                        return Err(Error::Mismatch {
                            strategy: "calibration".to_string(),
                            task: i,
                        });
                    }
                }
                Ok(())
            })
        })
    };
    let one = on_threads(1)?;
    let mut points = Vec::new();
    for k in 2..=top {
        let t = on_threads(k)?;
        let k_f = k as f64;
        points.push(ScalingPoint {
            threads: k,
            speedup: Interval {
                point: k_f * one.point / t.point,
                lower: k_f * one.lower.max(0.0) / t.upper,
                upper: k_f * one.upper / t.lower.max(1.0),
            },
        });
    }
    Ok((points, scale(one, 1.0 / SCALING_BYTES as f64)))
}
