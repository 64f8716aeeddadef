//! Turns Criterion's times into comparisons every section shares: speedups with intervals,
//! the verdict rule, and the ideal speedup of a group.
//!
//! Every figure is derived from the measured means and their confidence intervals; nothing is
//! estimated where a measurement is missing (a point without a baseline has no speedup).
//! Section-specific analyses (break-even, plateaus, Amdahl fits, …) live in their section's
//! module under [`super::sections`].

use serde::Serialize;

use crate::bench_id::{BenchFunction, Group};
use crate::costs::model::ScalingPoint;

use crate::criterion_data::Measurement;
use crate::interval::Interval;
use crate::pairs::{ArmResult, Mode, PairsRecord};

/// A speedup helps when its point is at least this much and its whole interval lies above ×1.
pub const HELPS_AT_LEAST: f64 = 1.10;
/// A speedup hurts when its point is at most this much and its whole interval lies below ×1.
pub const HURTS_AT_MOST: f64 = 0.90;
/// A speedup gains nothing when its point lies between the two thresholds and its interval
/// within [1 / this, this]: the data rule out a change of a quarter either way.
pub const NO_GAIN_RULES_OUT: f64 = 1.25;

/// How far a re-run can move a speedup: the run-to-run floor of one mean
/// ([`crate::quality::intervals::RUN_TO_RUN_FLOOR`], ±5 %) for each of its two means, in
/// quadrature: a factor of about 1.071.
pub fn borderline_margin() -> f64 {
    (std::f64::consts::SQRT_2 * crate::quality::intervals::RUN_TO_RUN_FLOOR.ln_1p()).exp()
}

/// What a group's speedups are relative to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Baseline {
    /// `sequential` at the same value (task count, bytes, percent).
    SequentialAtSameValue,
    /// The same strategy at 1 worker (the `hash-workers` groups).
    OwnOneWorker,
    /// No speedup: the group measures cost per task (`overhead`).
    None,
}

impl Baseline {
    /// The baseline a group's points are compared with.
    pub fn of(group: &Group) -> Baseline {
        match group {
            Group::Overhead
            | Group::PyOverhead { .. }
            | Group::Receive { .. }
            | Group::Primitive => Baseline::None,
            Group::HashWorkers { .. } => Baseline::OwnOneWorker,
            _ => Baseline::SequentialAtSameValue,
        }
    }
}

/// How one measurement compares with its baseline.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum AgainstBaseline {
    /// Baseline time / this time, with the interval from both confidence intervals.
    Speedup(Interval),
    /// This measurement is the baseline itself.
    IsBaseline,
    /// The baseline was not measured at this value, so no speedup is given.
    NoBaseline,
    /// The group has no baseline (`overhead`).
    NotCompared,
}

impl AgainstBaseline {
    /// The speedup, if there is one.
    pub fn speedup(&self) -> Option<Interval> {
        match self {
            AgainstBaseline::Speedup(s) => Some(*s),
            _ => None,
        }
    }
}

/// Speedup of `time` over `baseline`: point = baseline / time, the two intervals' log
/// half-widths added in quadrature ([`crate::quality::intervals::speedup`]).
pub fn speedup(baseline: &Interval, time: &Interval) -> Interval {
    crate::quality::intervals::speedup(baseline, time)
}

/// One measurement with its comparison.
#[derive(Clone, Debug, PartialEq)]
pub struct Point {
    /// The measurement.
    pub measurement: Measurement,
    /// How it compares with the group's baseline.
    pub comparison: AgainstBaseline,
    /// Whether its numbers rest on a noisy measurement: its own, or its baseline's (for a
    /// paired speedup: its processes disagree, see [`PROCESS_SPREAD_NOISY`]).
    pub noisy: bool,
    /// Its speedup measured in pairs, when the `pairs` bench measured it: then
    /// [`Point::comparison`] holds the hot paired speedup.
    pub paired: Option<PairedPoint>,
    /// What is anomalous about its speedup, judged against the raw compute scaling.
    pub anomaly: Option<Anomaly>,
}

/// A point's paired speedups (see [`crate::pairs`]).
#[derive(Clone, Debug, PartialEq)]
pub struct PairedPoint {
    /// Measured in a tight loop.
    pub hot: ArmResult,
    /// Measured as an occasional call after an idle gap, where it was.
    pub cold: Option<ArmResult>,
    /// The speedup of the two Criterion means, for comparison.
    pub unpaired: Option<Interval>,
}

impl PairedPoint {
    /// Whether hot and cold differ beyond both intervals.
    pub fn hot_and_cold_differ(&self) -> bool {
        self.cold.as_ref().is_some_and(|cold| {
            let (h, c) = (&self.hot.speedup, &cold.speedup);
            h.lower > c.upper || c.lower > h.upper
        })
    }
}

/// A paired speedup whose processes disagree by more than this factor (highest over lowest
/// process) rests on a noisy measurement: the variation between processes dominates.
pub const PROCESS_SPREAD_NOISY: f64 = 1.25;

/// A speedup the raw compute scaling does not explain.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Anomaly {
    /// Its whole interval lies above the raw scaling of as many bare threads.
    Superlinear {
        /// The raw scaling it exceeds.
        raw: Interval,
        /// On how many threads.
        threads: usize,
    },
    /// Its whole interval lies far below the raw scaling ([`FAR_BELOW`]) while another
    /// in-process strategy reaches it at the same point (their intervals overlap).
    FarBelow {
        /// The raw scaling.
        raw: Interval,
        /// On how many threads.
        threads: usize,
        /// The strategy that reaches it.
        sibling: BenchFunction,
        /// Its speedup there.
        sibling_speedup: Interval,
    },
}

/// A speedup whose upper bound is below this share of the raw scaling's lower bound is far
/// below it.
pub const FAR_BELOW: f64 = 0.8;

impl Point {
    /// The strategy (benchmark function).
    pub fn strategy(&self) -> BenchFunction {
        self.measurement.id.function
    }

    /// The swept value.
    pub fn value(&self) -> u64 {
        self.measurement.id.value
    }
}

/// One group's measurements, compared with its baseline.
#[derive(Clone, Debug, PartialEq)]
pub struct GroupAnalysis {
    /// The group.
    pub group: Group,
    /// What its speedups are relative to.
    pub baseline: Baseline,
    /// Its points, by strategy (in [`BenchFunction`] order) then value.
    pub points: Vec<Point>,
}

impl GroupAnalysis {
    /// Compares every measurement of one group with the group's baseline.
    pub fn new(group: Group, measurements: &[Measurement]) -> Self {
        let baseline = Baseline::of(&group);
        let own: Vec<&Measurement> = measurements
            .iter()
            .filter(|m| m.id.group == group)
            .collect();
        let baseline_of = |function: BenchFunction, value: u64| {
            own.iter()
                .find(|m| m.id.function == function && m.id.value == value)
                .copied()
        };
        // Speedups come from the run-to-run intervals (Criterion's widened, see
        // `crate::quality::intervals`), so that they survive a re-run.
        let compare = |base: Option<&Measurement>, m: &Measurement| match base {
            Some(base) => (
                AgainstBaseline::Speedup(speedup(&base.run_to_run_ns, &m.run_to_run_ns)),
                base.noisy() || m.noisy(),
            ),
            None => (AgainstBaseline::NoBaseline, m.noisy()),
        };
        let mut points: Vec<Point> = own
            .iter()
            .map(|m| {
                let (comparison, noisy) = match baseline {
                    Baseline::None => (AgainstBaseline::NotCompared, m.noisy()),
                    Baseline::SequentialAtSameValue
                        if m.id.function == BenchFunction::Sequential =>
                    {
                        (AgainstBaseline::IsBaseline, m.noisy())
                    }
                    Baseline::SequentialAtSameValue => {
                        compare(baseline_of(BenchFunction::Sequential, m.id.value), m)
                    }
                    Baseline::OwnOneWorker if m.id.value == 1 => {
                        (AgainstBaseline::IsBaseline, m.noisy())
                    }
                    Baseline::OwnOneWorker => compare(baseline_of(m.id.function, 1), m),
                };
                Point {
                    measurement: (*m).clone(),
                    comparison,
                    noisy,
                    paired: None,
                    anomaly: None,
                }
            })
            .collect();
        points.sort_by_key(|p| (p.strategy(), p.value()));
        GroupAnalysis {
            group,
            baseline,
            points,
        }
    }

    /// Takes each point's speedup from `pairs` where the `pairs` bench measured it (hot; the
    /// cold one beside it), keeping the Criterion speedup for comparison.
    pub fn paired_with(mut self, pairs: Option<&PairsRecord>) -> Self {
        let Some(pairs) = pairs else {
            return self;
        };
        for p in &mut self.points {
            let id = p.measurement.id.to_string();
            let Some(hot) = pairs.of_bench(&id, Mode::Hot) else {
                continue;
            };
            let unpaired = p.comparison.speedup();
            p.comparison = AgainstBaseline::Speedup(hot.speedup);
            p.noisy = process_spread(&hot.per_process) > PROCESS_SPREAD_NOISY;
            p.paired = Some(PairedPoint {
                hot: hot.clone(),
                cold: pairs.of_bench(&id, Mode::Cold).cloned(),
                unpaired,
            });
        }
        self
    }

    /// Marks the speedups the raw compute scaling (`raw_scaling`) does not explain: above it
    /// ([`Anomaly::Superlinear`]), or far below it where an in-process sibling reaches it
    /// ([`Anomaly::FarBelow`]).
    pub fn mark_anomalies(&mut self, logical_cores: usize, raw_scaling: &[ScalingPoint]) {
        let group = self.group;
        let snapshot = self.points.clone();
        for p in &mut self.points {
            let Some(s) = p.comparison.speedup() else {
                continue;
            };
            let Some(raw) = measured_ideal(&group, p.value(), logical_cores, raw_scaling) else {
                continue;
            };
            let threads = ideal_speedup(&group, p.value(), logical_cores).unwrap_or(1.0) as usize;
            if s.lower > raw.upper {
                p.anomaly = Some(Anomaly::Superlinear { raw, threads });
                continue;
            }
            if !computes_in_process(p.strategy()) || s.upper >= raw.lower * FAR_BELOW {
                continue;
            }
            let sibling = snapshot
                .iter()
                .filter(|q| q.value() == p.value() && q.strategy() != p.strategy())
                .filter(|q| computes_in_process(q.strategy()))
                .filter_map(|q| Some((q.strategy(), q.comparison.speedup()?)))
                .find(|(_, qs)| qs.upper >= raw.lower && qs.lower <= raw.upper);
            if let Some((sibling, sibling_speedup)) = sibling {
                p.anomaly = Some(Anomaly::FarBelow {
                    raw,
                    threads,
                    sibling,
                    sibling_speedup,
                });
            }
        }
    }

    /// The strategies measured in this group, in report order.
    pub fn strategies(&self) -> Vec<BenchFunction> {
        let mut functions: Vec<BenchFunction> = self.points.iter().map(|p| p.strategy()).collect();
        functions.dedup();
        functions
    }

    /// One strategy's points, by value.
    pub fn points_of(&self, strategy: BenchFunction) -> impl Iterator<Item = &Point> + '_ {
        self.points.iter().filter(move |p| p.strategy() == strategy)
    }

    /// One strategy's `(value, speedup)` pairs, by value, where it has a speedup.
    pub fn speedups_of(&self, strategy: BenchFunction) -> Vec<(u64, Interval)> {
        self.points_of(strategy)
            .filter_map(|p| p.comparison.speedup().map(|s| (p.value(), s)))
            .collect()
    }

    /// One strategy's point at one value.
    pub fn point(&self, strategy: BenchFunction, value: u64) -> Option<&Point> {
        self.points
            .iter()
            .find(|p| p.strategy() == strategy && p.value() == value)
    }

    /// The values measured in this group, ascending.
    pub fn values(&self) -> Vec<u64> {
        let mut values: Vec<u64> = self.points.iter().map(|p| p.value()).collect();
        values.sort_unstable();
        values.dedup();
        values
    }

    /// The largest value at which any strategy of the group has a speedup.
    pub fn largest_compared(&self) -> Option<u64> {
        self.points
            .iter()
            .filter(|p| p.comparison.speedup().is_some())
            .map(|p| p.value())
            .max()
    }

    /// Every strategy's speedup at one value, in report order.
    pub fn speedups_at(&self, value: u64) -> Vec<(BenchFunction, Interval)> {
        self.strategies()
            .into_iter()
            .filter_map(|s| Some((s, self.point(s, value)?.comparison.speedup()?)))
            .collect()
    }
}

/// Highest over lowest of per-process speedups (1 with fewer than two).
pub fn process_spread(per_process: &[f64]) -> f64 {
    let low = per_process.iter().copied().fold(f64::INFINITY, f64::min);
    let high = per_process.iter().copied().fold(0.0, f64::max);
    if per_process.len() < 2 || low <= 0.0 {
        1.0
    } else {
        high / low
    }
}

/// Whether `strategy` computes in parallel inside this process (threads, rayon, tokio's
/// worker threads): the strategies expected to reach the raw scaling on computing tasks.
pub fn computes_in_process(strategy: BenchFunction) -> bool {
    matches!(
        strategy,
        BenchFunction::Threads
            | BenchFunction::Rayon
            | BenchFunction::RayonN
            | BenchFunction::AsyncMulti
    )
}

/// The ideal speedup at `value` in `group` on a machine with `logical_cores`: N for waiting
/// tasks (sleeps and loopback requests: all can wait at once), min(N, cores) for computing
/// tasks; `None` where no simple ideal exists: overhead, mixed (two references instead, see
/// [`mixed_references`]), file (its tasks mix fsync waits, which one device may serialize,
/// with hashing, so neither ×N nor ×min(N, cores) bounds them) and groups the report does not
/// know.
pub fn ideal_speedup(group: &Group, value: u64, logical_cores: usize) -> Option<f64> {
    let cores = logical_cores.max(1) as f64;
    match group {
        Group::Sleep { .. } | Group::Waits { .. } | Group::Net { .. } | Group::PySleep { .. } => {
            Some(value as f64)
        }
        Group::Hash { .. } | Group::PyHash { .. } | Group::PyLoop { .. } => {
            Some((value as f64).min(cores))
        }
        Group::HashSize { tasks } => Some((*tasks as f64).min(cores)),
        Group::HashWorkers { .. } => Some((value as f64).min(cores)),
        Group::Overhead
        | Group::PyOverhead { .. }
        | Group::Mixed { .. }
        | Group::File { .. }
        | Group::Receive { .. }
        | Group::Primitive => None,
    }
}

/// The measured ideal of a Rust hashing group (`hash-*`, `hash-size-*`, `hash-workers-*`) at
/// `value`: the machine's raw compute scaling (`raw_scaling`, from
/// [`RunData::raw_scaling`](super::data::RunData::raw_scaling)) on as many bare threads as
/// [`ideal_speedup`] counts (`min(tasks, cores)`). `None` for other groups, for one thread
/// (where both ideals are ×1 by definition), and where that thread count was not measured:
/// nothing is interpolated.
pub fn measured_ideal(
    group: &Group,
    value: u64,
    logical_cores: usize,
    raw_scaling: &[ScalingPoint],
) -> Option<Interval> {
    if !matches!(
        group,
        Group::Hash { .. } | Group::HashSize { .. } | Group::HashWorkers { .. }
    ) {
        return None;
    }
    let threads = ideal_speedup(group, value, logical_cores)? as usize;
    if threads < 2 {
        return None;
    }
    raw_scaling
        .iter()
        .find(|s| s.threads == threads)
        .map(|s| s.speedup)
}

/// The two reference speedups of a `mixed-*` group of N tasks: ×N, when all waiting overlaps
/// (every task waits at once, the 100 % end), and ×min(N, cores), pure computing (the 0 % end).
/// `None` for other groups.
pub fn mixed_references(group: &Group, logical_cores: usize) -> Option<(f64, f64)> {
    match group {
        Group::Mixed { tasks, .. } => {
            let n = *tasks as f64;
            Some((n, n.min(logical_cores.max(1) as f64)))
        }
        _ => None,
    }
}

/// What the data says about one strategy on one workload.
///
/// The direction comes from the interval and the size from the point: a verdict needs the
/// whole interval on one side of ×1 (or, for "no gain", inside [1 / [`NO_GAIN_RULES_OUT`],
/// [`NO_GAIN_RULES_OUT`]]), and the point estimate decides whether the change is worth a
/// name ([`HELPS_AT_LEAST`], [`HURTS_AT_MOST`]).
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Verdict {
    /// Faster for certain (the whole interval above ×1) and by at least [`HELPS_AT_LEAST`]
    /// at the point; `speedup` is the point estimate.
    Helps {
        /// The speedup (point estimate).
        speedup: f64,
    },
    /// The point lies between [`HURTS_AT_MOST`] and [`HELPS_AT_LEAST`], and the interval
    /// rules out a change of [`NO_GAIN_RULES_OUT`] either way.
    NoGain,
    /// Slower for certain (the whole interval below ×1) and at most [`HURTS_AT_MOST`] at the
    /// point; `slowdown` = 1 / speedup.
    Hurts {
        /// How many times slower than the baseline (point estimate).
        slowdown: f64,
    },
    /// The data cannot decide: the point is beyond a threshold but the interval reaches past
    /// ×1, or it lies between them but the interval reaches past [`NO_GAIN_RULES_OUT`].
    Inconclusive,
}

impl Verdict {
    /// Decides from a speedup and its interval (see the thresholds).
    pub fn from_speedup(s: &Interval) -> Verdict {
        if s.point >= HELPS_AT_LEAST && s.lower > 1.0 {
            Verdict::Helps { speedup: s.point }
        } else if s.point <= HURTS_AT_MOST && s.upper < 1.0 {
            Verdict::Hurts {
                slowdown: 1.0 / s.point,
            }
        } else if s.point > HURTS_AT_MOST
            && s.point < HELPS_AT_LEAST
            && s.lower >= 1.0 / NO_GAIN_RULES_OUT
            && s.upper <= NO_GAIN_RULES_OUT
        {
            Verdict::NoGain
        } else {
            Verdict::Inconclusive
        }
    }

    /// Whether the speedup helps ([`Verdict::Helps`]).
    pub fn helps(s: &Interval) -> bool {
        matches!(Verdict::from_speedup(s), Verdict::Helps { .. })
    }

    /// Whether the speedup hurts ([`Verdict::Hurts`]).
    pub fn hurts(s: &Interval) -> bool {
        matches!(Verdict::from_speedup(s), Verdict::Hurts { .. })
    }

    /// Whether the verdict is borderline: scaling the whole interval (point and bounds) up or
    /// down by the run-to-run floor of a speedup ([`borderline_margin`]) would change it. A re-run
    /// moves a speedup by about that much, so such a verdict may come out differently next
    /// time (typically between a clear verdict and "inconclusive"); a verdict that is not
    /// borderline is firm.
    pub fn is_borderline(s: &Interval) -> bool {
        let verdict = Verdict::from_speedup(s);
        let m = borderline_margin();
        let same = |v: Verdict| std::mem::discriminant(&v) == std::mem::discriminant(&verdict);
        !(same(Verdict::from_speedup(&s.scaled(m)))
            && same(Verdict::from_speedup(&s.scaled(1.0 / m))))
    }

    /// Whether more rounds could decide an inconclusive paired verdict: `s` (an interval for
    /// a re-run, [`crate::pairs::estimate::for_a_rerun`]) is inconclusive, while the interval
    /// a perfectly measured point would get (its re-run margin alone) is not. A point whose
    /// re-run margin reaches past ×1 from beyond a threshold stays inconclusive however long
    /// it is measured.
    /// `floor` is the arm's run-to-run floor ([`crate::pairs::ArmResult::run_to_run_floor`]).
    pub fn more_rounds_could_decide(s: &Interval, floor: f64) -> bool {
        let at_floor = crate::pairs::estimate::for_a_rerun(Interval::exact(s.point), floor);
        Verdict::from_speedup(s) == Verdict::Inconclusive
            && Verdict::from_speedup(&at_floor) != Verdict::Inconclusive
    }

    /// The CSS class of the verdict: `verdict-helps`, `verdict-no-gain`, `verdict-hurts`,
    /// `verdict-inconclusive`.
    pub fn class(&self) -> &'static str {
        match self {
            Verdict::Helps { .. } => "verdict-helps",
            Verdict::NoGain => "verdict-no-gain",
            Verdict::Hurts { .. } => "verdict-hurts",
            Verdict::Inconclusive => "verdict-inconclusive",
        }
    }
}

/// The verdict for one strategy on one workload.
#[derive(Clone, Debug, PartialEq)]
pub struct VerdictRow {
    /// The workload group.
    pub group: Group,
    /// The strategy.
    pub strategy: BenchFunction,
    /// The point the verdict is taken at: the largest value with a speedup.
    pub point: Point,
    /// The speedup there.
    pub speedup: Interval,
    /// The verdict.
    pub verdict: Verdict,
    /// Whether it rests on a noisy measurement (the point's or its baseline's).
    pub noisy: bool,
    /// Whether it is borderline: a re-run may decide it differently
    /// ([`Verdict::is_borderline`]).
    pub borderline: bool,
}

impl VerdictRow {
    /// Whether its speedup was measured in pairs.
    pub fn paired(&self) -> bool {
        self.point.paired.is_some()
    }

    /// The cold paired speedup, where it differs from the hot one beyond both intervals.
    pub fn cold_differs(&self) -> Option<Interval> {
        let paired = self.point.paired.as_ref()?;
        paired
            .hot_and_cold_differ()
            .then(|| paired.cold.as_ref().map(|c| c.speedup))
            .flatten()
    }

    /// What is anomalous about it, if anything.
    pub fn anomaly(&self) -> Option<Anomaly> {
        self.point.anomaly
    }
}

/// The sets of `record` (as combined from the passes, before [`PairsRecord::for_a_rerun`])
/// with a hot verdict more rounds could decide ([`Verdict::more_rounds_could_decide`], judged
/// on the interval for a re-run, as the page prints it): the ones the pairs' follow-up
/// processes measure again.
pub fn open_sets(record: &PairsRecord) -> Vec<String> {
    record
        .clone()
        .for_a_rerun()
        .sets
        .iter()
        .filter(|s| {
            s.arms.iter().any(|a| {
                a.mode == Mode::Hot
                    && Verdict::more_rounds_could_decide(&a.speedup, a.run_to_run_floor())
            })
        })
        .map(|s| s.name.clone())
        .collect()
}

/// One verdict per (group, strategy) of the groups compared with `sequential`, taken at the
/// largest value where the strategy has a speedup: the point where parallelism has the most
/// room, so the verdict says what the strategy does at scale. A mixed group's values are
/// waiting shares, whose largest (all waiting) only repeats the sleep row: its verdict is
/// taken at the middle share ([`verdict_value`]), the one the `pairs` bench pairs between
/// the ends.
pub fn verdicts(groups: &[GroupAnalysis]) -> Vec<VerdictRow> {
    let mut rows = Vec::new();
    for g in groups {
        if g.baseline != Baseline::SequentialAtSameValue {
            continue;
        }
        let at = verdict_value(g);
        for strategy in g.strategies() {
            let compared = || {
                g.points_of(strategy)
                    .filter_map(|p| p.comparison.speedup().map(|s| (p, s)))
            };
            let last = at
                .and_then(|v| compared().find(|(p, _)| p.value() == v))
                .or_else(|| compared().last());
            if let Some((point, speedup)) = last {
                rows.push(VerdictRow {
                    group: g.group,
                    strategy,
                    point: point.clone(),
                    speedup,
                    verdict: Verdict::from_speedup(&speedup),
                    noisy: point.noisy,
                    borderline: Verdict::is_borderline(&speedup),
                });
            }
        }
    }
    rows
}

/// The value a group's verdicts are taken at, when it is not each strategy's largest compared
/// one: a mixed group's middle waiting share (of three shares 0, 50 and 100 %, the 50 %).
pub fn verdict_value(g: &GroupAnalysis) -> Option<u64> {
    match g.group {
        Group::Mixed { .. } => {
            let values = g.values();
            values.get(values.len() / 2).copied()
        }
        _ => None,
    }
}

/// The effect size of a factor, for ranking takeaways: |ln f|, so ×4 and ×0.25 (four times
/// slower) weigh the same and ×1 weighs nothing.
pub fn effect_size(factor: f64) -> f64 {
    if factor.is_finite() && factor > 0.0 {
        factor.ln().abs()
    } else {
        0.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bench_id::BenchFunction::{Processes, Rayon, Sequential, Threads};
    use crate::report::testdata::{SLEEP, measurement};

    fn interval(point: f64, lower: f64, upper: f64) -> Interval {
        Interval {
            point,
            lower,
            upper,
        }
    }

    fn m(f: BenchFunction, value: u64, ns: f64) -> Measurement {
        measurement(SLEEP, f, value, ns, 0.01)
    }

    #[test]
    fn more_rounds_could_decide_an_inconclusive_verdict_whose_point_is_clear_of_x1() {
        const F: f64 = crate::pairs::estimate::RUN_TO_RUN_FLOOR;
        // ×1.25 whose interval reaches below ×1: more rounds could make it "helps".
        assert!(Verdict::more_rounds_could_decide(
            &interval(1.25, 0.95, 1.6),
            F
        ));
        // ×1.03 whose interval reaches past ×1.25: could be "no gain".
        assert!(Verdict::more_rounds_could_decide(
            &interval(1.03, 0.78, 1.35),
            F
        ));
        // ×0.85 reaching above ×1: could be "hurts".
        assert!(Verdict::more_rounds_could_decide(
            &interval(0.85, 0.78, 1.02),
            F
        ));
        // Decided already.
        assert!(!Verdict::more_rounds_could_decide(
            &interval(1.5, 1.3, 1.7),
            F
        ));
        assert!(!Verdict::more_rounds_could_decide(
            &interval(1.0, 0.9, 1.1),
            F
        ));
        // ×1.10 resting on process starts: its run-to-run floor alone reaches below ×1.
        let wide = crate::pairs::estimate::PROCESS_RUN_TO_RUN_FLOOR;
        assert!(Verdict::more_rounds_could_decide(
            &interval(1.1, 0.95, 1.3),
            F
        ));
        assert!(!Verdict::more_rounds_could_decide(
            &interval(1.1, 0.95, 1.3),
            wide
        ));
    }

    #[test]
    fn a_verdict_within_the_run_to_run_margin_of_a_threshold_is_borderline() {
        let m = borderline_margin();
        assert!((m - 1.0714).abs() < 1e-3, "{m}");
        // Helps, its point 2 % above the threshold: a re-run may call it no gain.
        assert!(Verdict::is_borderline(&interval(1.12, 1.05, 1.2)));
        // Helps, its lower bound 2 % above ×1: a re-run may call it inconclusive.
        assert!(Verdict::is_borderline(&interval(1.2, 1.02, 1.4)));
        // Helps far above the threshold, hurts far below, and inconclusive across ×1: firm.
        assert!(!Verdict::is_borderline(&interval(2.0, 1.8, 2.2)));
        assert!(!Verdict::is_borderline(&interval(0.5, 0.45, 0.55)));
        assert!(!Verdict::is_borderline(&interval(1.0, 0.5, 2.0)));
        // No gain in the middle of the band is firm; near its edge, borderline.
        assert!(!Verdict::is_borderline(&interval(1.0, 0.97, 1.02)));
        assert!(Verdict::is_borderline(&interval(1.05, 1.0, 1.1)));
    }

    #[test]
    fn speedup_interval_combines_both_intervals() {
        let s = speedup(&interval(100.0, 90.0, 110.0), &interval(50.0, 45.0, 55.0));
        assert!((s.point - 2.0).abs() < 1e-12);
        // Log half-widths in quadrature: narrower than the worst case of both bounds at once,
        // wider than either interval alone.
        let below = (100f64 / 90.0).ln().hypot((55f64 / 50.0).ln());
        assert!((s.lower - 2.0 * (-below).exp()).abs() < 1e-12);
        assert!(s.lower > 90.0 / 55.0 && s.lower < 2.0 * 50.0 / 55.0);
        let above = (110f64 / 100.0).ln().hypot((50f64 / 45.0).ln());
        assert!((s.upper - 2.0 * above.exp()).abs() < 1e-12);
    }

    #[test]
    fn verdicts_follow_the_thresholds() {
        let v = |p, l, u| Verdict::from_speedup(&interval(p, l, u));
        assert_eq!(v(2.0, 1.9, 2.1), Verdict::Helps { speedup: 2.0 });
        assert_eq!(v(1.0, 0.95, 1.05), Verdict::NoGain);
        assert_eq!(v(0.5, 0.45, 0.55), Verdict::Hurts { slowdown: 2.0 });
        // Faster for certain and by more than the threshold at the point: helps, though the
        // interval reaches below ×1.10.
        assert_eq!(v(1.15, 1.05, 1.25), Verdict::Helps { speedup: 1.15 });
        // The direction unknown: no guess.
        assert_eq!(v(1.15, 0.98, 1.3), Verdict::Inconclusive);
        assert_eq!(v(0.85, 0.7, 1.02), Verdict::Inconclusive);
        // Within the band, but a change of a quarter not ruled out.
        assert_eq!(v(1.0, 0.5, 2.0), Verdict::Inconclusive);
        assert_eq!(v(1.05, 0.82, 1.22), Verdict::NoGain);
        // Exactly on a threshold counts.
        assert_eq!(
            v(HELPS_AT_LEAST, 1.01, 1.2),
            Verdict::Helps { speedup: 1.1 }
        );
        assert_eq!(
            v(HURTS_AT_MOST, 0.8, 0.99),
            Verdict::Hurts {
                slowdown: 1.0 / 0.9
            }
        );
        assert!(
            Verdict::helps(&interval(2.0, 1.9, 2.1)) && !Verdict::hurts(&interval(2.0, 1.9, 2.1))
        );
        assert!(Verdict::hurts(&interval(0.5, 0.4, 0.6)));
        assert_eq!(
            super::super::format::verdict(&Verdict::Hurts { slowdown: 3.0 }),
            "hurts ×3.00"
        );
        assert_eq!(Verdict::NoGain.class(), "verdict-no-gain");
    }

    #[test]
    fn slower_strategy_gets_a_speedup_below_one_and_hurts() {
        let data = [m(Sequential, 4, 40e6), m(Processes, 4, 80e6)];
        let g = GroupAnalysis::new(SLEEP, &data);
        let s = g.point(Processes, 4).unwrap().comparison.speedup().unwrap();
        assert!((s.point - 0.5).abs() < 1e-9 && s.upper < 1.0);
        let rows = verdicts(&[g]);
        assert_eq!(rows.len(), 1);
        assert!(
            matches!(rows[0].verdict, Verdict::Hurts { slowdown } if (slowdown - 2.0).abs() < 1e-9)
        );
    }

    #[test]
    fn a_mixed_group_is_judged_at_its_middle_share_not_at_all_waiting() {
        let mixed = Group::Mixed {
            total: std::time::Duration::from_millis(10),
            tasks: 8,
        };
        let mut data = Vec::new();
        for (share, threads) in [(0u64, 1.9), (50, 3.8), (100, 7.6)] {
            data.push(measurement(mixed, Sequential, share, 80e6, 0.01));
            data.push(measurement(mixed, Threads, share, 80e6 / threads, 0.01));
        }
        let g = GroupAnalysis::new(mixed, &data);
        assert_eq!(verdict_value(&g), Some(50));
        let rows = verdicts(std::slice::from_ref(&g));
        assert_eq!(rows[0].point.value(), 50, "the middle share");
        assert!((rows[0].speedup.point - 3.8).abs() < 1e-9);
        // Other groups keep their largest compared value.
        assert_eq!(verdict_value(&GroupAnalysis::new(SLEEP, &[])), None);
    }

    #[test]
    fn missing_baseline_gives_no_speedup_and_verdict_uses_largest_compared_point() {
        let data = [
            m(Sequential, 1, 10e6),
            m(Sequential, 8, 80e6),
            m(Threads, 1, 10e6),
            m(Threads, 8, 10e6),
            m(Threads, 64, 10e6),
        ];
        let g = GroupAnalysis::new(SLEEP, &data);
        assert_eq!(
            g.point(Threads, 64).unwrap().comparison,
            AgainstBaseline::NoBaseline
        );
        assert_eq!(
            g.point(Sequential, 8).unwrap().comparison,
            AgainstBaseline::IsBaseline
        );
        assert_eq!(g.largest_compared(), Some(8));
        let rows = verdicts(std::slice::from_ref(&g));
        assert_eq!(rows.len(), 1, "sequential gets no verdict");
        assert_eq!(rows[0].point.value(), 8);
        assert!(
            matches!(rows[0].verdict, Verdict::Helps { speedup } if (speedup - 8.0).abs() < 1e-9)
        );
        // Without any sequential point there is no speedup and no verdict at all.
        let g = GroupAnalysis::new(SLEEP, &data[2..]);
        assert!(
            g.points
                .iter()
                .all(|p| p.comparison == AgainstBaseline::NoBaseline)
        );
        assert!(verdicts(&[g]).is_empty());
    }

    #[test]
    fn strategies_come_in_bench_function_order() {
        let data = [m(Rayon, 1, 1e6), m(Sequential, 1, 1e6), m(Threads, 1, 1e6)];
        let g = GroupAnalysis::new(SLEEP, &data);
        assert_eq!(g.strategies(), [Sequential, Threads, Rayon]);
    }

    #[test]
    fn hash_workers_compare_with_their_own_one_worker_point() {
        let g = Group::HashWorkers {
            bytes: 1 << 20,
            tasks: 16,
        };
        let data = [
            measurement(g, Threads, 1, 16e6, 0.01),
            measurement(g, Threads, 2, 8e6, 0.01),
            measurement(g, Rayon, 2, 8e6, 0.01),
        ];
        let a = GroupAnalysis::new(g, &data);
        let s = a.point(Threads, 2).unwrap().comparison.speedup().unwrap();
        assert!((s.point - 2.0).abs() < 1e-9);
        assert_eq!(
            a.point(Rayon, 2).unwrap().comparison,
            AgainstBaseline::NoBaseline
        );
        assert!(verdicts(&[a]).is_empty(), "not compared with sequential");
    }

    #[test]
    fn ideal_is_n_for_waiting_and_capped_by_cores_for_hashing() {
        let hash = Group::Hash { bytes: 1 << 20 };
        assert_eq!(ideal_speedup(&SLEEP, 64, 2), Some(64.0));
        assert_eq!(ideal_speedup(&hash, 64, 2), Some(2.0));
        assert_eq!(ideal_speedup(&hash, 1, 2), Some(1.0));
        assert_eq!(ideal_speedup(&Group::Overhead, 4, 2), None);
    }

    #[test]
    fn measured_ideal_is_the_raw_scaling_at_the_nominal_thread_count() {
        let hash = Group::Hash { bytes: 1 << 20 };
        let two = Interval {
            point: 1.86,
            lower: 1.79,
            upper: 1.94,
        };
        let raw = [ScalingPoint {
            threads: 2,
            speedup: two,
        }];
        assert_eq!(measured_ideal(&hash, 16, 2, &raw), Some(two), "min(16, 2)");
        assert_eq!(measured_ideal(&hash, 1, 2, &raw), None, "×1 by definition");
        assert_eq!(
            measured_ideal(&hash, 4, 4, &raw),
            None,
            "4 threads not measured"
        );
        assert_eq!(measured_ideal(&hash, 16, 2, &[]), None);
        assert_eq!(measured_ideal(&SLEEP, 16, 2, &raw), None, "not computing");
    }

    #[test]
    fn speedups_beyond_the_raw_scaling_are_marked_a_dip_only_where_a_sibling_reaches_it() {
        let hash = Group::Hash { bytes: 1 << 20 };
        let at = |f, n: u64, ns: f64| measurement(hash, f, n, ns, 0.005);
        let data = [
            at(Sequential, 8, 16e6),
            at(Rayon, 8, 8.4e6),    // ×1.90: reaches the raw ×1.9
            at(Threads, 8, 12.8e6), // ×1.25: the dip
            at(Sequential, 16, 32e6),
            at(Rayon, 16, 11e6),   // ×2.9: above it
            at(Threads, 16, 25e6), // ×1.28, but no sibling reaches the raw scaling here
        ];
        let raw = [ScalingPoint {
            threads: 2,
            speedup: interval(1.9, 1.85, 1.95),
        }];
        let mut g = GroupAnalysis::new(hash, &data);
        g.mark_anomalies(2, &raw);
        assert!(matches!(
            g.point(Threads, 8).unwrap().anomaly,
            Some(Anomaly::FarBelow { sibling: Rayon, .. })
        ));
        assert_eq!(g.point(Rayon, 8).unwrap().anomaly, None);
        assert!(matches!(
            g.point(Rayon, 16).unwrap().anomaly,
            Some(Anomaly::Superlinear { threads: 2, .. })
        ));
        assert_eq!(g.point(Threads, 16).unwrap().anomaly, None);
        // Waiting groups are never judged against the compute scaling.
        let mut sleep = GroupAnalysis::new(SLEEP, &[m(Sequential, 8, 80e6), m(Rayon, 8, 1e6)]);
        sleep.mark_anomalies(2, &raw);
        assert!(sleep.points.iter().all(|p| p.anomaly.is_none()));
    }

    #[test]
    fn effect_sizes_weigh_speedups_and_slowdowns_alike() {
        assert!((effect_size(4.0) - effect_size(0.25)).abs() < 1e-12);
        assert_eq!(effect_size(1.0), 0.0);
        assert_eq!(effect_size(f64::NAN), 0.0);
    }
}
