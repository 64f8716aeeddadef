//! Measures the cost model in a few seconds, without Criterion: for `parbench advise` on a
//! machine where `cargo bench` has not run.
//!
//! The same quantities as the benches, sized by the same [`Plan`] (the `default` profile on
//! this machine), with fewer repetitions: every CLI strategy on empty tasks at
//! [`Plan::overhead_tasks`] (the cost line) and, but `processes`, at [`Plan::many_tasks`] (the
//! cost per task past the line), a warm pool on `receive` tasks of
//! [`Plan::FEW_RECEIVE_BYTES`] (the cost per byte of both process strategies), the hash kernel
//! on [`Plan::raw_scaling_threads`] bare threads (the raw scaling and the hashing speed) and a
//! 1 ms tokio sleep, the last two through the very functions the `primitives` bench times
//! ([`super::primitives`]). Each point is run repeatedly for about [`POINT_BUDGET`] (3 to 40
//! runs); its interval is the mean ± 1.96 standard errors. Every run's outputs are checked
//! against the sequential reference.

use std::time::{Duration, Instant};

use crate::bench_id::BenchFunction;
use crate::error::Result;
use crate::interval::{Interval, Z95};
use crate::shape::primitive_of;
use crate::strategy::{AsyncLoop, ProcessPool, StrategyConfig, StrategyKind};
use crate::suite::{Plan, Profile};
use crate::worker::WorkerCommand;
use crate::workload::{TaskOutput, TaskSet, Workload};

use super::fit::fit_line;
use super::measured::{beyond_line, tokio_sleep_overshoot};
use super::model::{CostModel, ScalingPoint, StrategyCost};
use super::primitives::{HashThreads, tokio_sleep};

/// How long one calibration point is repeated for, at most (after its first run).
pub const POINT_BUDGET: Duration = Duration::from_millis(250);

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
    let cores = crate::cpus::available().max(1);
    let plan = Plan::new(Profile::Default, cores);
    let config = StrategyConfig::new().worker_command(worker.clone());
    let counts = plan.overhead_tasks();
    let empty: Vec<TaskSet> = counts
        .iter()
        .map(|&n| TaskSet::new(Workload::Noop, n))
        .collect::<Result<_>>()?;
    let many = match plan.many_tasks() {
        Some(n) => Some((n, TaskSet::new(Workload::Noop, n)?)),
        None => None,
    };
    let sizes = Plan::FEW_RECEIVE_BYTES;
    let receive: Vec<TaskSet> = sizes
        .iter()
        .map(|&bytes| TaskSet::new(Workload::Receive { bytes }, plan.receive_tasks()))
        .collect::<Result<_>>()?;
    let per_byte = warm_pool_per_byte(&worker, cores, &sizes, &receive)?;
    let mut costs = Vec::new();
    for &kind in StrategyKind::ALL {
        let function = BenchFunction::from(kind);
        let points = counts
            .iter()
            .zip(&empty)
            .map(|(&n, set)| Ok((n as f64, time_strategy(kind, &config, set)?)))
            .collect::<Result<Vec<_>>>()?;
        let line = fit_line(&points)?;
        let beyond = match &many {
            Some((n, set)) if plan.many_tasks_strategies().contains(&function) => {
                let far = time_strategy(kind, &config, set)?;
                beyond_line(&line, &points, &[(*n as f64, far)])
            }
            _ => None,
        };
        costs.push(StrategyCost {
            strategy: function,
            fixed_ns: line.fixed,
            per_task_ns: line.slope,
            per_byte_ns: kind.uses_processes().then_some(per_byte),
            primitive: primitive_of(function),
            primitive_ns: None,
            beyond,
        });
    }
    let (raw_scaling, hash_ns_per_byte) = raw_scaling(&plan)?;
    let event_loop = AsyncLoop::current_thread()?;
    let sleep = repeat(|| {
        tokio_sleep(&event_loop);
        Ok(())
    })?;
    Ok(Calibration {
        model: CostModel {
            logical_cores: cores,
            costs,
            raw_scaling,
            hash_ns_per_byte: Some(hash_ns_per_byte),
            hash_speed: Vec::new(),
            tokio_sleep_overshoot_ns: Some(tokio_sleep_overshoot(sleep)),
        },
        elapsed: started.elapsed(),
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
    let tasks = sets.first().map_or(1, TaskSet::len).max(1);
    Ok(fit_line(&points)?.slope.scaled(1.0 / tasks as f64))
}

/// The hash kernel on the plan's bare-thread counts, as `primitive/hash-threads/<k>`: `S(k)`
/// for every k > 1, and ns per byte at k = 1.
fn raw_scaling(plan: &Plan) -> Result<(Vec<ScalingPoint>, Interval)> {
    let threads = plan.raw_scaling_threads();
    let top = threads.last().copied().unwrap_or(1);
    let hashing = HashThreads::new(plan.raw_scaling_bytes(), top)?;
    let one = repeat(|| hashing.run(1))?;
    let mut points = Vec::new();
    for k in threads.into_iter().filter(|&k| k > 1) {
        let t = repeat(|| hashing.run(k))?;
        points.push(ScalingPoint::from_times(k, &one, &t));
    }
    Ok((points, one.scaled(1.0 / hashing.bytes() as f64)))
}
