//! The cost model built from a bench run: fitted costs, primitives, raw scaling, and a
//! prediction with its residual for every benchmark the model covers.
//!
//! [`CostReport::build`] reads Criterion's measurements (and the CPU records):
//!
//! - **costs**: each strategy's `overhead/<strategy>/<N>` line fitted with
//!   [`fit_line`] (fixed = intercept, per task = slope); for the process
//!   strategies the `receive-n<N>/<strategy>/<bytes>` line over bytes per task, whose slope / N
//!   is the cost per byte moved;
//! - **primitives**: `primitive/<name>/1`, and the raw scaling `S(k) = k · T(1) / T(k)` from
//!   `primitive/hash-threads/<k>`;
//! - **work per task** of each benchmark: `sequential`'s mean time at the same point divided by
//!   the task count, split into computing and waiting by its recorded CPU share (without a
//!   record: by what the group's workload does). Where `sequential` was not measured at that
//!   point, its per-task time at another task count of the group is used, and for groups
//!   without any (`waits-*`), the workload's nominal work (a sleep's duration; hashing at the
//!   measured speed per byte), and the prediction says so.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::bench_id::{BenchFunction, BenchId, Group, Primitive};
use crate::criterion_data::Measurement;
use crate::interval::Interval;

use super::cpu::CpuRecord;
use super::fit::{LineFit, fit_line};
use super::model::{
    BeyondLine, CostModel, HashSpeedPoint, Prediction, ScalingPoint, StrategyCost, TaskWork,
    is_unexplained, residual,
};
use super::primitives::TOKIO_SLEEP;
use crate::shape::primitive_of;

/// Where a benchmark's work per task came from.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum WorkSource {
    /// `sequential` at this benchmark's point (or, `same_point: false`, another task count of
    /// the group), split by its recorded CPU share (`cpu_split: true`) or by the workload.
    Sequential {
        /// The `sequential` benchmark used.
        id: String,
        /// Whether it was measured at this benchmark's own point.
        same_point: bool,
        /// Whether a CPU record split computing from waiting.
        cpu_split: bool,
    },
    /// No `sequential` measurement: the workload's nominal work.
    Nominal,
}

/// One benchmark's prediction against its measurement.
#[derive(Clone, Debug, PartialEq)]
pub struct BenchPrediction {
    /// The benchmark.
    pub id: BenchId,
    /// Criterion's mean with its interval, in ns.
    pub measured_ns: Interval,
    /// The model's parts and total.
    pub prediction: Prediction,
    /// `measured / predicted − 1`.
    pub residual: f64,
    /// Whether the model misses by more than 25 %.
    pub unexplained: bool,
    /// Where the work per task came from.
    pub work_source: WorkSource,
    /// The work per task the model used (computing, waiting, bytes).
    pub work: TaskWork,
    /// CPU time / wall time of its first run (in Criterion's warm-up), if recorded and at
    /// least 1 ms long.
    pub cores_busy: Option<f64>,
}

/// A strategy's fitted lines.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct StrategyFit {
    /// The strategy.
    pub strategy: BenchFunction,
    /// Time against task count of empty tasks.
    pub tasks: LineFit,
    /// Time against bytes per task of `receive` tasks, if swept.
    pub bytes: Option<LineFit>,
}

/// Where the model puts a strategy's break-even task size, against the measured sweep.
#[derive(Clone, Debug, PartialEq)]
pub struct ModelBreakEven {
    /// The break-even group (`hash-size-n<N>`).
    pub group: Group,
    /// The strategy.
    pub strategy: BenchFunction,
    /// The smallest bytes per task from which the model predicts it beats `sequential`;
    /// `None` if never up to 1 GiB.
    pub model_bytes: Option<u64>,
    /// The smallest measured size whose speedup interval lies above 1; `None` if none.
    pub measured_bytes: Option<u64>,
    /// The measured size below `measured_bytes` (the model agrees if it falls between).
    pub measured_below: Option<u64>,
    /// The largest measured size.
    pub largest_measured: u64,
    /// Whether the model's size falls where the measurement puts it.
    pub agrees: bool,
}

/// Everything the cost model says about one bench run.
#[derive(Clone, Debug, PartialEq)]
pub struct CostReport {
    /// The fitted model.
    pub model: CostModel,
    /// The fitted lines per strategy.
    pub fits: Vec<StrategyFit>,
    /// Every primitive measured at one operation, in ns.
    pub primitives: Vec<(Primitive, Interval)>,
    /// One prediction per covered benchmark, in ID order.
    pub predictions: Vec<BenchPrediction>,
    /// Break-even sizes from the model against the measured sweep.
    pub break_evens: Vec<ModelBreakEven>,
    /// What could not be fitted or predicted, and why.
    pub notes: Vec<String>,
}

impl CostReport {
    /// Builds the model from a run's measurements and CPU records on `logical_cores`;
    /// `raw_scaling_bytes` is what each bare thread of `primitive/hash-threads` hashed (known
    /// from the run's plan), the fallback for the hashing speed.
    ///
    /// `None` when the run has no `overhead` group with two task counts (nothing to fit).
    pub fn build(
        measurements: &[Measurement],
        cpu: &[CpuRecord],
        logical_cores: usize,
        raw_scaling_bytes: Option<u64>,
    ) -> Option<CostReport> {
        Self::build_with(measurements, cpu, logical_cores, raw_scaling_bytes, None)
    }

    /// [`CostReport::build`], with `one_rate`: when an interleaved measurement found that a
    /// byte costs the same at every working set, why — then the model hashes at one rate
    /// (no speed by working set) and its notes say so.
    pub fn build_with(
        measurements: &[Measurement],
        cpu: &[CpuRecord],
        logical_cores: usize,
        raw_scaling_bytes: Option<u64>,
        one_rate: Option<String>,
    ) -> Option<CostReport> {
        let mut notes = Vec::new();
        let time = |group: Group, function: BenchFunction, value: u64| {
            measurements
                .iter()
                .find(|m| m.id == BenchId::new(group, function, value))
                .map(|m| m.mean_ns)
        };
        let primitives: Vec<(Primitive, Interval)> = Primitive::ALL
            .iter()
            .filter(|p| **p != Primitive::HashThreads)
            .filter_map(|&p| Some((p, time(Group::Primitive, BenchFunction::Primitive(p), 1)?)))
            .collect();
        let raw_scaling = raw_scaling(measurements);
        let mut fits = Vec::new();
        let mut costs = Vec::new();
        for (function, OverheadPoints { line: points, far }) in overhead_points(measurements) {
            let tasks = match fit_line(&points) {
                Ok(fit) => fit,
                Err(e) => {
                    notes.push(format!("{function}: no cost line ({e})"));
                    continue;
                }
            };
            let receive = points_of(
                measurements,
                |g| matches!(g, Group::Receive { .. }),
                function,
            );
            let receive_tasks = measurements.iter().find_map(|m| match m.id.group {
                Group::Receive { tasks } if m.id.function == function => Some(tasks),
                _ => None,
            });
            let bytes = if receive.is_empty() {
                None
            } else {
                match fit_line(&receive) {
                    Ok(fit) => Some(fit),
                    Err(e) => {
                        notes.push(format!("{function}: no cost per byte ({e})"));
                        None
                    }
                }
            };
            let per_byte_ns = bytes.filter(|_| function.uses_processes()).map(|fit| {
                fit.slope
                    .scaled(1.0 / receive_tasks.unwrap_or(1).max(1) as f64)
            });
            let primitive = primitive_of(function);
            let beyond = beyond_line(&tasks, &points, &far);
            costs.push(StrategyCost {
                strategy: function,
                fixed_ns: tasks.fixed,
                per_task_ns: tasks.slope,
                per_byte_ns,
                primitive,
                primitive_ns: primitive
                    .and_then(|p| primitives.iter().find(|(q, _)| *q == p).map(|(_, t)| *t)),
                beyond,
            });
            fits.push(StrategyFit {
                strategy: function,
                tasks,
                bytes,
            });
        }
        if costs.is_empty() {
            return None;
        }
        borrow_per_byte(&mut costs, &mut notes);
        let model = CostModel {
            logical_cores,
            costs,
            raw_scaling,
            hash_ns_per_byte: hash_ns_per_byte(measurements).or_else(|| {
                let one = time(
                    Group::Primitive,
                    BenchFunction::Primitive(Primitive::HashThreads),
                    1,
                )?;
                Some(one.scaled(1.0 / raw_scaling_bytes? as f64))
            }),
            hash_speed: if one_rate.is_some() {
                Vec::new()
            } else {
                hash_speed(measurements)
            },
            tokio_sleep_overshoot_ns: time(
                Group::Primitive,
                BenchFunction::Primitive(Primitive::TokioSleep),
                1,
            )
            .map(tokio_sleep_overshoot),
        };
        notes.extend(one_rate);
        if model.raw_scaling.is_empty() {
            notes.push(
                "the raw compute scaling (primitive/hash-threads) was not measured: computing \
                 is assumed to scale with the nominal core count"
                    .to_string(),
            );
        }
        let predictions = predictions(&model, measurements, cpu, &mut notes);
        let break_evens = break_evens(&model, measurements);
        Some(CostReport {
            model,
            fits,
            primitives,
            predictions,
            break_evens,
            notes,
        })
    }
}

/// One strategy's empty-task times (task count, time in ns) of the `overhead` group.
#[derive(Clone, Debug, PartialEq)]
pub struct OverheadPoints {
    /// The points the cost line is fitted to: up to the largest task count every strategy
    /// measured.
    pub line: Vec<(f64, Interval)>,
    /// Points past it that only some strategies measured (1024 tasks: all but `processes`).
    pub far: Vec<(f64, Interval)>,
}

/// Each strategy's [`OverheadPoints`], by strategy. The one place the line's points are
/// chosen: the cost model and the break-even section both read them here.
pub fn overhead_points(measurements: &[Measurement]) -> BTreeMap<BenchFunction, OverheadPoints> {
    let functions: Vec<BenchFunction> = by_function(measurements, |g| g == Group::Overhead)
        .into_keys()
        .collect();
    let line_end = common_overhead_counts(measurements, &functions)
        .into_iter()
        .max()
        .map_or(f64::INFINITY, |n| n as f64);
    functions
        .into_iter()
        .map(|function| {
            let all = points_of(measurements, |g| g == Group::Overhead, function);
            let (line, far) = all.into_iter().partition(|(n, _)| *n <= line_end);
            (function, OverheadPoints { line, far })
        })
        .collect()
}

/// The task counts of the `overhead` group that every one of `functions` measured.
fn common_overhead_counts(measurements: &[Measurement], functions: &[BenchFunction]) -> Vec<u64> {
    let counts_of = |f: BenchFunction| -> Vec<u64> {
        measurements
            .iter()
            .filter(|m| m.id.group == Group::Overhead && m.id.function == f)
            .map(|m| m.id.value)
            .collect()
    };
    let Some((first, rest)) = functions.split_first() else {
        return Vec::new();
    };
    let mut common = counts_of(*first);
    for &f in rest {
        let theirs = counts_of(f);
        common.retain(|n| theirs.contains(n));
    }
    common
}

/// The cost per task from the line's last count to the largest count measured beyond it:
/// `(T(far) − line(last)) / (far − last)`, its bounds from the far point's and the line's.
pub(super) fn beyond_line(
    line: &LineFit,
    points: &[(f64, Interval)],
    far: &[(f64, Interval)],
) -> Option<BeyondLine> {
    let last = points.iter().map(|(n, _)| *n).fold(f64::NAN, f64::max);
    let (far_n, far_t) = far
        .iter()
        .filter(|(n, _)| *n > last)
        .max_by(|a, b| a.0.total_cmp(&b.0))?;
    let span = far_n - last;
    let at_last = |fixed: f64, slope: f64| fixed + slope * last;
    Some(BeyondLine {
        from_tasks: last as usize,
        measured_tasks: *far_n as usize,
        per_task_ns: Interval {
            point: (far_t.point - at_last(line.fixed.point, line.slope.point)) / span,
            lower: (far_t.lower - at_last(line.fixed.upper, line.slope.upper)) / span,
            upper: (far_t.upper - at_last(line.fixed.lower, line.slope.lower)) / span,
        },
    })
}

/// A process strategy without its own input-transfer sweep (`process-pool`, and all but the
/// warm pool in `quick`) takes the cost per byte of one that has one, preferring the warm pool:
/// they move inputs through the same pipe protocol. The note says so.
fn borrow_per_byte(costs: &mut [StrategyCost], notes: &mut Vec<String>) {
    let measured = |f: BenchFunction| {
        costs
            .iter()
            .find(|c| c.strategy == f)
            .and_then(|c| c.per_byte_ns)
            .map(|q| (f, q))
    };
    let donor = measured(BenchFunction::ProcessPoolWarm)
        .or_else(|| measured(BenchFunction::Processes))
        .or_else(|| measured(BenchFunction::ProcessPool));
    for cost in costs.iter_mut() {
        if !cost.strategy.uses_processes() || cost.per_byte_ns.is_some() {
            continue;
        }
        match donor {
            Some((from, q)) => {
                cost.per_byte_ns = Some(q);
                notes.push(format!(
                    "{}: cost per byte taken from {from} (the same pipe protocol; not swept itself)",
                    cost.strategy
                ));
            }
            None => notes.push(format!(
                "{}: the input-transfer sweep did not run, so moving inputs counts as free",
                cost.strategy
            )),
        }
    }
}

fn by_function(
    measurements: &[Measurement],
    group: impl Fn(Group) -> bool,
) -> BTreeMap<BenchFunction, Vec<&Measurement>> {
    let mut map: BTreeMap<BenchFunction, Vec<&Measurement>> = BTreeMap::new();
    for m in measurements.iter().filter(|m| group(m.id.group)) {
        map.entry(m.id.function).or_default().push(m);
    }
    map
}

fn points_of(
    measurements: &[Measurement],
    group: impl Fn(Group) -> bool,
    function: BenchFunction,
) -> Vec<(f64, Interval)> {
    measurements
        .iter()
        .filter(|m| group(m.id.group) && m.id.function == function)
        .map(|m| (m.id.value as f64, m.mean_ns))
        .collect()
}

/// The machine's raw compute scaling `S(k) = k · T(1) / T(k)` from
/// `primitive/hash-threads/<k>`, for every k > 1 measured with k = 1 (empty without them).
/// The one place it is computed: the cost model and the report's sections both read it here.
pub fn raw_scaling(measurements: &[Measurement]) -> Vec<ScalingPoint> {
    let hash = BenchFunction::Primitive(Primitive::HashThreads);
    let at = |k: u64| {
        measurements
            .iter()
            .find(|m| m.id == BenchId::new(Group::Primitive, hash, k))
            .map(|m| m.mean_ns)
    };
    let Some(one) = at(1) else {
        return Vec::new();
    };
    measurements
        .iter()
        .filter(|m| m.id.group == Group::Primitive && m.id.function == hash && m.id.value > 1)
        .map(|m| ScalingPoint::from_times(m.id.value as usize, &one, &m.mean_ns))
        .collect()
}

/// Time per hashed byte on one core, from `sequential` in the break-even sweep (the slope of
/// its time against total bytes), else from the largest `sequential` point of a `hash-*`
/// group.
fn hash_ns_per_byte(measurements: &[Measurement]) -> Option<Interval> {
    let sequential = |m: &&Measurement| m.id.function == BenchFunction::Sequential;
    let sweep: Vec<(f64, Interval)> = measurements
        .iter()
        .filter(sequential)
        .filter_map(|m| match m.id.group {
            Group::HashSize { tasks } => Some((m.id.value as f64 * tasks as f64, m.mean_ns)),
            _ => None,
        })
        .collect();
    if let Ok(fit) = fit_line(&sweep)
        && fit.slope.point > 0.0
    {
        return Some(fit.slope);
    }
    measurements
        .iter()
        .filter(sequential)
        .filter_map(|m| match m.id.group {
            Group::Hash { bytes } => Some((m, (bytes * m.id.value) as f64)),
            _ => None,
        })
        .max_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(m, total)| m.mean_ns.scaled(1.0 / total))
}

/// The hashing speed by working set: every `sequential` point of the `hash-*` groups as time
/// per byte of all its tasks' inputs together, points of equal total merged (mean of their
/// bounds), sorted by total.
fn hash_speed(measurements: &[Measurement]) -> Vec<HashSpeedPoint> {
    let mut by_total: BTreeMap<u64, Vec<Interval>> = BTreeMap::new();
    for m in measurements
        .iter()
        .filter(|m| m.id.function == BenchFunction::Sequential)
    {
        let total = match m.id.group {
            Group::HashSize { tasks } => m.id.value * tasks as u64,
            Group::Hash { bytes } => bytes * m.id.value,
            _ => continue,
        };
        if total > 0 {
            by_total
                .entry(total)
                .or_default()
                .push(m.mean_ns.scaled(1.0 / total as f64));
        }
    }
    by_total
        .into_iter()
        .map(|(total_bytes, speeds)| {
            let mean =
                |f: fn(&Interval) -> f64| speeds.iter().map(f).sum::<f64>() / speeds.len() as f64;
            HashSpeedPoint {
                total_bytes,
                ns_per_byte: Interval {
                    point: mean(|i| i.point),
                    lower: mean(|i| i.lower),
                    upper: mean(|i| i.upper),
                },
            }
        })
        .collect()
}

/// How many tasks a benchmark ran; `None` for primitives.
pub fn tasks_of(id: &BenchId) -> Option<usize> {
    Some(match id.group {
        Group::HashSize { tasks }
        | Group::HashWorkers { tasks, .. }
        | Group::Mixed { tasks, .. }
        | Group::Receive { tasks } => tasks,
        Group::Primitive => return None,
        _ => id.value as usize,
    })
}

/// Whether a group's tasks wait on timers (sleeps), which the event loops' timer lengthens,
/// rather than on I/O (a socket, a disk).
fn waits_on_timers(group: Group) -> bool {
    matches!(
        group,
        Group::Sleep { .. } | Group::Waits { .. } | Group::Mixed { .. }
    )
}

/// How much longer than its 1 ms a measured `tokio-sleep-1ms` lasted.
pub(super) fn tokio_sleep_overshoot(sleep_1ms: Interval) -> Interval {
    sleep_1ms.shifted(-(TOKIO_SLEEP.as_nanos() as f64))
}

/// The worker count a benchmark set (only the worker sweep sets one).
fn workers_of(id: &BenchId) -> Option<usize> {
    match id.group {
        Group::HashWorkers { .. } => Some(id.value as usize),
        _ => None,
    }
}

/// What one task of a group's workload does by definition; `None` where it is not known
/// without measuring (`file`: the disk's fsync).
fn nominal_work(id: &BenchId, model: &CostModel) -> Option<TaskWork> {
    let ns = |d: std::time::Duration| d.as_nanos() as f64;
    let hashing = |bytes: u64| {
        let ns_per_byte = model.hash_ns_per_byte_at(bytes, tasks_of(id)?)?;
        Some(TaskWork {
            compute_ns: ns_per_byte.scaled(bytes as f64),
            wait_ns: Interval::exact(0.0),
            input_bytes: bytes,
            timer_waits: false,
        })
    };
    match id.group {
        Group::Sleep { duration } | Group::Waits { duration } | Group::Net { duration } => {
            Some(TaskWork::exact(0.0, ns(duration), 0).with_timer_waits(waits_on_timers(id.group)))
        }
        Group::Hash { bytes } | Group::HashWorkers { bytes, .. } => hashing(bytes),
        Group::HashSize { .. } => hashing(id.value),
        Group::Overhead => Some(TaskWork::exact(0.0, 0.0, 0)),
        Group::Receive { .. } => Some(TaskWork::exact(0.0, 0.0, id.value)),
        Group::Mixed { total, .. } => {
            let wait = ns(total) * id.value as f64 / 100.0;
            Some(TaskWork::exact(ns(total) - wait, wait, 0).with_timer_waits(true))
        }
        // The disk's fsync, the primitives themselves, and CPython's tasks (no Rust model).
        Group::File { .. }
        | Group::Primitive
        | Group::PySleep { .. }
        | Group::PyHash { .. }
        | Group::PyLoop { .. }
        | Group::PyOverhead { .. } => None,
    }
}

/// Bytes each task of a benchmark receives as input.
fn input_bytes(id: &BenchId) -> u64 {
    match id.group {
        Group::Hash { bytes } | Group::HashWorkers { bytes, .. } | Group::File { bytes } => bytes,
        Group::HashSize { .. } | Group::Receive { .. } => id.value,
        _ => 0,
    }
}

/// The work per task of benchmark `id`, and where it came from.
fn work_of(
    id: &BenchId,
    measurements: &[Measurement],
    cpu: &[CpuRecord],
    model: &CostModel,
) -> Option<(TaskWork, WorkSource)> {
    let sequential = |m: &&Measurement| m.id.function == BenchFunction::Sequential;
    // The same point; else another task count of a group swept over task counts; else, for
    // the worker sweep, the hash group of the same size.
    let counts_tasks = matches!(
        id.group,
        Group::Sleep { .. }
            | Group::Hash { .. }
            | Group::Waits { .. }
            | Group::File { .. }
            | Group::Net { .. }
            | Group::Overhead
    );
    let reference = measurements
        .iter()
        .filter(sequential)
        .find(|m| m.id.group == id.group && m.id.value == id.value)
        .map(|m| (m, true))
        .or_else(|| {
            let related = |m: &&Measurement| match (id.group, m.id.group) {
                (a, b) if counts_tasks && a == b => true,
                (Group::HashWorkers { bytes, .. }, Group::Hash { bytes: b }) => bytes == b,
                _ => false,
            };
            measurements
                .iter()
                .filter(sequential)
                .filter(related)
                .max_by_key(|m| m.id.value)
                .map(|m| (m, false))
        });
    let nominal = nominal_work(id, model);
    // Empty and receive-only tasks do nothing by definition: sequential's time there is its
    // own cost per task, already in the fitted line, not work.
    if matches!(id.group, Group::Overhead | Group::Receive { .. }) {
        return nominal.map(|work| (work, WorkSource::Nominal));
    }
    let Some((reference, same_point)) = reference else {
        return nominal.map(|work| (work, WorkSource::Nominal));
    };
    let n = tasks_of(&reference.id)?.max(1) as f64;
    let record = cpu
        .iter()
        .find(|r| r.id == reference.id.to_string())
        .and_then(CpuRecord::computing_share);
    let share = record.or_else(|| {
        let w = nominal?;
        let total = w.compute_ns.point + w.wait_ns.point;
        Some(if total > 0.0 {
            w.compute_ns.point / total
        } else {
            1.0
        })
    })?;
    let per_task = reference.mean_ns.scaled(1.0 / n);
    let work = TaskWork {
        compute_ns: per_task.scaled(share),
        wait_ns: per_task.scaled(1.0 - share),
        input_bytes: input_bytes(id),
        timer_waits: waits_on_timers(id.group),
    };
    Some((
        work,
        WorkSource::Sequential {
            id: reference.id.to_string(),
            same_point,
            cpu_split: record.is_some(),
        },
    ))
}

fn predictions(
    model: &CostModel,
    measurements: &[Measurement],
    cpu: &[CpuRecord],
    notes: &mut Vec<String>,
) -> Vec<BenchPrediction> {
    let mut out = Vec::new();
    let mut unpredictable = std::collections::BTreeSet::new();
    for m in measurements {
        let Some(tasks) = tasks_of(&m.id) else {
            continue;
        };
        if model.cost(m.id.function).is_none() {
            continue;
        }
        let Some((work, work_source)) = work_of(&m.id, measurements, cpu, model) else {
            unpredictable.insert(m.id.group.to_string());
            continue;
        };
        let Some(prediction) = model.predict(m.id.function, tasks, &work, workers_of(&m.id)) else {
            continue;
        };
        let residual = residual(m.mean_ns.point, prediction.total_ns.point);
        out.push(BenchPrediction {
            id: m.id.clone(),
            measured_ns: m.mean_ns,
            residual,
            unexplained: is_unexplained(residual),
            prediction,
            work_source,
            work,
            cores_busy: cpu
                .iter()
                .find(|r| r.id == m.id.to_string())
                .and_then(CpuRecord::cores_busy),
        });
    }
    for group in unpredictable {
        notes.push(format!(
            "{group}: not predicted (no sequential measurement, and its work per task is not \
             known without one)"
        ));
    }
    out
}

/// The smallest bytes per task (1 B to 1 GiB) at which the model has `strategy` beat
/// `sequential` on `tasks` hash tasks; `None` if never.
pub fn model_break_even(model: &CostModel, strategy: BenchFunction, tasks: usize) -> Option<u64> {
    model.hash_ns_per_byte_at(1, tasks)?;
    let margin = |bytes: u64| -> Option<f64> {
        let work = TaskWork {
            compute_ns: model
                .hash_ns_per_byte_at(bytes, tasks)?
                .scaled(bytes as f64),
            wait_ns: Interval::exact(0.0),
            input_bytes: bytes,
            timer_waits: false,
        };
        let own = model.predict(strategy, tasks, &work, None)?.total_ns.point;
        let base = model
            .predict(BenchFunction::Sequential, tasks, &work, None)?
            .total_ns
            .point;
        Some(base - own)
    };
    // Scan sizes in steps of 2^(1/8), then bisect between the last loss and the first win.
    let mut previous = 1u64;
    for step in 0..=(30 * 8) {
        let bytes = 2f64.powf(step as f64 / 8.0).round() as u64;
        if margin(bytes)? > 0.0 {
            let (mut lo, mut hi) = (previous, bytes);
            while hi - lo > 1 && hi > lo + lo / 100 {
                let mid = lo + (hi - lo) / 2;
                if margin(mid)? > 0.0 {
                    hi = mid;
                } else {
                    lo = mid;
                }
            }
            return Some(hi);
        }
        previous = bytes;
    }
    None
}

fn break_evens(model: &CostModel, measurements: &[Measurement]) -> Vec<ModelBreakEven> {
    let mut groups: BTreeMap<Group, Vec<&Measurement>> = BTreeMap::new();
    for m in measurements {
        if matches!(m.id.group, Group::HashSize { .. }) {
            groups.entry(m.id.group).or_default().push(m);
        }
    }
    let mut rows = Vec::new();
    for (group, ms) in groups {
        let Group::HashSize { tasks } = group else {
            continue;
        };
        let time = |f: BenchFunction, v: u64| {
            ms.iter()
                .find(|m| m.id.function == f && m.id.value == v)
                .map(|m| m.mean_ns)
        };
        let mut functions: Vec<BenchFunction> = ms.iter().map(|m| m.id.function).collect();
        functions.sort();
        functions.dedup();
        for function in functions {
            if function == BenchFunction::Sequential || model.cost(function).is_none() {
                continue;
            }
            let mut sizes: Vec<u64> = ms
                .iter()
                .filter(|m| m.id.function == function)
                .map(|m| m.id.value)
                .filter(|&v| time(BenchFunction::Sequential, v).is_some())
                .collect();
            sizes.sort_unstable();
            let Some(&largest) = sizes.last() else {
                continue;
            };
            let wins = |v: u64| {
                let (base, own) = (time(BenchFunction::Sequential, v), time(function, v));
                matches!((base, own), (Some(b), Some(o)) if b.lower / o.upper > 1.0)
            };
            let first = sizes.iter().position(|&v| wins(v));
            let measured_bytes = first.map(|i| sizes[i]);
            let measured_below = first.and_then(|i| i.checked_sub(1)).map(|i| sizes[i]);
            let model_bytes = model_break_even(model, function, tasks);
            let agrees = match (model_bytes, measured_bytes) {
                (Some(b), Some(at)) => b <= at && measured_below.is_none_or(|below| b > below),
                (None, None) => true,
                (Some(b), None) => b > largest,
                (None, Some(_)) => false,
            };
            rows.push(ModelBreakEven {
                group,
                strategy: function,
                model_bytes,
                measured_bytes,
                measured_below,
                largest_measured: largest,
                agrees,
            });
        }
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::criterion_data::testdata::m;

    /// The benchmark function named `name` (a strategy or a primitive).
    fn f(name: &str) -> BenchFunction {
        BenchFunction::parse(name).unwrap_or_else(|| panic!("unknown function {name}"))
    }
    use std::time::Duration;

    const SLEEP: Group = Group::Sleep {
        duration: Duration::from_millis(10),
    };

    /// A synthetic run: threads cost 20 µs + 40 µs per task; sequential sleeps 10 ms per task.
    fn run() -> Vec<Measurement> {
        let mut data = Vec::new();
        for n in [1u64, 2, 8, 32] {
            data.push(m(Group::Overhead, f("threads"), n, 20e3 + 40e3 * n as f64));
            data.push(m(
                Group::Overhead,
                f("sequential"),
                n,
                50.0 + 10.0 * n as f64,
            ));
        }
        data.push(m(Group::Primitive, f("thread-spawn"), 1, 35e3));
        data.push(m(Group::Primitive, f("hash-threads"), 1, 2e6));
        data.push(m(Group::Primitive, f("hash-threads"), 2, 2.2e6));
        for n in [1u64, 8] {
            data.push(m(SLEEP, f("sequential"), n, 10.1e6 * n as f64));
        }
        data.push(m(SLEEP, f("threads"), 8, 10.1e6 + 20e3 + 8.0 * 40e3));
        // A threads point far from anything the model could explain.
        data.push(m(SLEEP, f("threads"), 1, 40e6));
        data
    }

    #[test]
    fn fits_costs_scaling_and_predicts_with_residuals() {
        let cpu = vec![CpuRecord {
            id: "sleep-10ms/sequential/8".to_string(),
            wall_seconds: 0.08,
            cpu_seconds: 0.0008,
        }];
        let report = CostReport::build(&run(), &cpu, 2, None).unwrap();
        let threads = report.model.cost(BenchFunction::Threads).unwrap();
        assert!(
            (threads.per_task_ns.point - 40e3).abs() < 1.0,
            "{threads:?}"
        );
        assert!((threads.fixed_ns.point - 20e3).abs() < 10.0, "{threads:?}");
        assert_eq!(threads.primitive, Some(Primitive::ThreadSpawn));
        assert!((threads.ratio_to_primitive().unwrap() - 40.0 / 35.0).abs() < 1e-3);
        assert!((report.model.scaling(2).point - 2.0 * 2e6 / 2.2e6).abs() < 1e-9);
        let at8 = report
            .predictions
            .iter()
            .find(|p| p.id.to_string() == "sleep-10ms/threads/8")
            .unwrap();
        assert!(at8.residual.abs() < 0.05, "{at8:?}");
        assert!(!at8.unexplained);
        assert!(matches!(
            at8.work_source,
            WorkSource::Sequential {
                same_point: true,
                cpu_split: true,
                ..
            }
        ));
        let at1 = report
            .predictions
            .iter()
            .find(|p| p.id.to_string() == "sleep-10ms/threads/1")
            .unwrap();
        assert!(at1.unexplained, "a miss of ×4 is unexplained: {at1:?}");
    }

    #[test]
    fn a_count_past_the_common_line_is_the_cost_beyond_it() {
        let mut data = run();
        // A thousand live threads: 20 µs + 40 µs × 32 on the line, then 100 µs per task.
        let at_32 = 20e3 + 40e3 * 32.0;
        data.push(m(
            Group::Overhead,
            f("threads"),
            1024,
            at_32 + 100e3 * (1024.0 - 32.0),
        ));
        let report = CostReport::build(&data, &[], 2, None).unwrap();
        let threads = report.model.cost(f("threads")).unwrap();
        // The line is the one fitted without the far point.
        assert!(
            (threads.per_task_ns.point - 40e3).abs() < 1e3,
            "{threads:?}"
        );
        let beyond = threads.beyond.expect("a cost beyond the line");
        assert_eq!((beyond.from_tasks, beyond.measured_tasks), (32, 1024));
        assert!((beyond.per_task_ns.point - 100e3).abs() < 1e3, "{beyond:?}");
        assert!(beyond.per_task_ns.lower < beyond.per_task_ns.point);
        assert!(beyond.per_task_ns.upper > beyond.per_task_ns.point);
        // sequential measured nothing past the line: no cost beyond it.
        assert!(report.model.cost(f("sequential")).unwrap().beyond.is_none());
        // The prediction follows the line up to 32 tasks and the steeper cost past it.
        let nothing = TaskWork::exact(0.0, 0.0, 0);
        let at = |n: usize| {
            report
                .model
                .predict(f("threads"), n, &nothing, None)
                .unwrap()
                .total_ns
                .point
        };
        assert!((at(32) - at_32).abs() / at_32 < 0.05, "{}", at(32));
        let at_1000 = at_32 + 100e3 * (1000.0 - 32.0);
        assert!((at(1000) - at_1000).abs() / at_1000 < 0.05, "{}", at(1000));
    }

    #[test]
    fn one_rate_drops_the_speed_by_working_set_and_says_why() {
        let data: Vec<Measurement> = run();
        let kept = CostReport::build(&data, &[], 2, None).unwrap();
        let one =
            CostReport::build_with(&data, &[], 2, None, Some("one rate".to_string())).unwrap();
        assert!(one.model.hash_speed.is_empty());
        assert!(one.notes.iter().any(|n| n == "one rate"));
        assert_eq!(one.model.hash_ns_per_byte, kept.model.hash_ns_per_byte);
    }

    #[test]
    fn hashing_speed_follows_the_working_set() {
        let mut data = run();
        // 0.5 ns/B up to 4 MiB in all, 1 ns/B at 16 MiB.
        let hash_size = Group::HashSize { tasks: 4 };
        for (bytes, ns_per_byte) in [(1u64 << 10, 0.5), (1 << 20, 0.5), (4 << 20, 1.0)] {
            data.push(m(
                hash_size,
                f("sequential"),
                bytes,
                ns_per_byte * 4.0 * bytes as f64,
            ));
        }
        let report = CostReport::build(&data, &[], 2, None).unwrap();
        let model = &report.model;
        assert_eq!(model.hash_speed.len(), 3);
        let at = |bytes: u64, tasks: usize| model.hash_ns_per_byte_at(bytes, tasks).unwrap().point;
        assert!((at(1 << 20, 4) - 0.5).abs() < 1e-3);
        assert!((at(4 << 20, 4) - 1.0).abs() < 1e-3);
        // 8 MiB in all lies halfway between 4 and 16 MiB on a log scale.
        assert!((at(1 << 20, 8) - 0.75).abs() < 1e-3, "{}", at(1 << 20, 8));
        // Held at the ends.
        assert!((at(1, 1) - 0.5).abs() < 1e-3);
        assert!((at(1 << 30, 4) - 1.0).abs() < 1e-3);
    }

    #[test]
    fn without_an_overhead_sweep_there_is_no_model() {
        let data = vec![m(SLEEP, f("sequential"), 1, 10e6)];
        assert!(CostReport::build(&data, &[], 2, None).is_none());
    }

    #[test]
    fn groups_without_sequential_use_the_nominal_work() {
        let mut data = run();
        let waits = Group::Waits {
            duration: Duration::from_millis(50),
        };
        data.push(m(waits, f("threads"), 100, 54e6));
        let report = CostReport::build(&data, &[], 2, None).unwrap();
        let p = report
            .predictions
            .iter()
            .find(|p| p.id.group == waits)
            .unwrap();
        assert_eq!(p.work_source, WorkSource::Nominal);
        assert!((p.prediction.work_ns.point - 50e6).abs() < 1.0);
    }

    #[test]
    fn model_break_even_lies_where_overhead_equals_the_saving() {
        let report = CostReport::build(&run(), &[], 2, None).unwrap();
        let mut model = report.model;
        model.hash_ns_per_byte = Some(Interval::exact(0.5));
        model.raw_scaling.clear();
        // 4 tasks of b bytes on 2 cores: sequential hashes 4 × 0.5 b = 2 b ns, threads half of
        // that, b ns, and pay 20 µs + 4 × 40 µs = 180 µs (sequential 90 ns): b ≈ 180 KB.
        let b = model_break_even(&model, BenchFunction::Threads, 4).unwrap();
        assert!((178_000..=182_000).contains(&b), "{b}");
    }
}
