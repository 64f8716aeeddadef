//! Turns Criterion's times into answers: speedups with intervals, verdicts, break-even task
//! sizes, per-task overheads and the point where oversubscription stops helping.
//!
//! Every figure is derived from the measured means and their confidence intervals; nothing is
//! estimated where a measurement is missing (a point without a baseline has no speedup).

use std::cmp::Ordering;
use std::collections::BTreeMap;

use serde::Serialize;

use crate::bench_id::{BenchFunction, Group};
use crate::records::MemoryRecord;

use super::Interval;
use super::criterion_data::Measurement;

/// A speedup whose whole confidence interval is at least this much helps.
pub const HELPS_AT_LEAST: f64 = 1.10;
/// A speedup whose whole confidence interval is at most this much hurts.
pub const HURTS_AT_MOST: f64 = 0.90;

/// The strategy every other one is compared with.
pub const SEQUENTIAL: &str = "sequential";

/// Known strategies in the order the report lists them; unknown names follow alphabetically.
pub const STRATEGY_ORDER: &[&str] = &[
    SEQUENTIAL,
    "threads",
    "rayon",
    "rayon-n",
    "processes",
    "process-pool",
    "process-pool-warm",
    "gil",
    "async",
    "async-multi",
];

/// Orders strategy names: the known ones first in [`STRATEGY_ORDER`], then alphabetically.
pub fn strategy_order(a: &str, b: &str) -> Ordering {
    let rank = |s: &str| {
        STRATEGY_ORDER
            .iter()
            .position(|k| *k == s)
            .unwrap_or(usize::MAX)
    };
    rank(a).cmp(&rank(b)).then_with(|| a.cmp(b))
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
            Group::Overhead | Group::Receive { .. } | Group::Primitive => Baseline::None,
            Group::HashWorkers { .. } => Baseline::OwnOneWorker,
            _ => Baseline::SequentialAtSameValue,
        }
    }
}

/// How one measurement compares with its baseline.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Comparison {
    /// Baseline time / this time, with the interval from both confidence intervals.
    Speedup(Interval),
    /// This measurement is the baseline itself.
    IsBaseline,
    /// The baseline was not measured at this value, so no speedup is given.
    NoBaseline,
    /// The group has no baseline (`overhead`).
    NotCompared,
}

impl Comparison {
    /// The speedup, if there is one.
    pub fn speedup(&self) -> Option<Interval> {
        match self {
            Comparison::Speedup(s) => Some(*s),
            _ => None,
        }
    }

    /// A short text for tables: `×1.95 [1.90, 2.01]` or why there is none.
    pub fn label(&self) -> String {
        match self {
            Comparison::Speedup(s) => format!(
                "×{} [{}, {}]",
                factor(s.point),
                factor(s.lower),
                factor(s.upper)
            ),
            Comparison::IsBaseline => "baseline".to_string(),
            Comparison::NoBaseline => "no baseline measured".to_string(),
            Comparison::NotCompared => "–".to_string(),
        }
    }
}

/// Speedup of `time` over `baseline`: point = baseline / time, interval
/// `[baseline.lower / time.upper, baseline.upper / time.lower]`.
pub fn speedup(baseline: &Interval, time: &Interval) -> Interval {
    Interval {
        point: baseline.point / time.point,
        lower: baseline.lower / time.upper,
        upper: baseline.upper / time.lower,
    }
}

/// One measurement with its comparison.
#[derive(Clone, Debug, PartialEq)]
pub struct Point {
    /// The measurement.
    pub measurement: Measurement,
    /// How it compares with the group's baseline.
    pub comparison: Comparison,
}

impl Point {
    /// The strategy name.
    pub fn strategy(&self) -> &str {
        self.measurement.id.function.name()
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
    /// Its points, by strategy (see [`strategy_order`]) then value.
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
        let time_of = |strategy: &str, value: u64| {
            own.iter()
                .find(|m| m.id.function.name() == strategy && m.id.value == value)
                .map(|m| m.mean_ns)
        };
        let mut points: Vec<Point> = own
            .iter()
            .map(|m| {
                let comparison = match baseline {
                    Baseline::None => Comparison::NotCompared,
                    Baseline::SequentialAtSameValue
                        if m.id.function == BenchFunction::Sequential =>
                    {
                        Comparison::IsBaseline
                    }
                    Baseline::SequentialAtSameValue => match time_of(SEQUENTIAL, m.id.value) {
                        Some(base) => Comparison::Speedup(speedup(&base, &m.mean_ns)),
                        None => Comparison::NoBaseline,
                    },
                    Baseline::OwnOneWorker if m.id.value == 1 => Comparison::IsBaseline,
                    Baseline::OwnOneWorker => match time_of(m.id.function.name(), 1) {
                        Some(base) => Comparison::Speedup(speedup(&base, &m.mean_ns)),
                        None => Comparison::NoBaseline,
                    },
                };
                Point {
                    measurement: (*m).clone(),
                    comparison,
                }
            })
            .collect();
        points.sort_by(|a, b| {
            strategy_order(a.strategy(), b.strategy()).then(a.value().cmp(&b.value()))
        });
        GroupAnalysis {
            group,
            baseline,
            points,
        }
    }

    /// The strategies measured in this group, in report order.
    pub fn strategies(&self) -> Vec<&str> {
        let mut names: Vec<&str> = self.points.iter().map(|p| p.strategy()).collect();
        names.dedup();
        names
    }

    /// One strategy's points, by value.
    pub fn points_of<'a>(&'a self, strategy: &'a str) -> impl Iterator<Item = &'a Point> + 'a {
        self.points.iter().filter(move |p| p.strategy() == strategy)
    }

    /// One strategy's point at one value.
    pub fn point(&self, strategy: &str, value: u64) -> Option<&Point> {
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
}

/// The ideal speedup at `value` in `group` on a machine with `logical_cores`: N for waiting
/// tasks (sleeps and loopback requests: all can wait at once), min(N, cores) for computing
/// tasks; `None` where no simple ideal exists: overhead, mixed (two references instead, see
/// [`mixed_references`]) and file (its tasks mix fsync waits, which one device may serialize,
/// with hashing, so neither ×N nor ×min(N, cores) bounds them).
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
        | Group::Mixed { .. }
        | Group::File { .. }
        | Group::Receive { .. }
        | Group::Primitive => None,
    }
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

/// One point of a `waits-*` group with the peak memory the benches recorded for it.
#[derive(Clone, Debug, PartialEq)]
pub struct WaitsRow {
    /// The `waits-*` group.
    pub group: Group,
    /// The measured point (time per run of all tasks).
    pub point: Point,
    /// The memory record of the same ID, if the benches wrote one.
    pub memory: Option<MemoryRecord>,
}

/// Every point of the `waits-*` groups, by group, strategy and task count, joined with the
/// memory records by benchmark ID.
pub fn waits_rows(groups: &[GroupAnalysis], memory: &[MemoryRecord]) -> Vec<WaitsRow> {
    groups
        .iter()
        .filter(|g| matches!(g.group, Group::Waits { .. }))
        .flat_map(|g| {
            g.points.iter().map(|p| {
                let id = p.measurement.id.to_string();
                WaitsRow {
                    group: g.group,
                    point: p.clone(),
                    memory: memory.iter().find(|r| r.id == id).cloned(),
                }
            })
        })
        .collect()
}

/// What the data says about one strategy on one workload.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Verdict {
    /// The whole interval is at least [`HELPS_AT_LEAST`]; `speedup` is the point estimate.
    Helps {
        /// The speedup (point estimate).
        speedup: f64,
    },
    /// The whole interval lies within [`HURTS_AT_MOST`, `HELPS_AT_LEAST`].
    NoGain,
    /// The whole interval is at most [`HURTS_AT_MOST`]; `slowdown` = 1 / speedup.
    Hurts {
        /// How many times slower than the baseline (point estimate).
        slowdown: f64,
    },
    /// The interval straddles a threshold: the data cannot decide.
    Inconclusive,
}

impl Verdict {
    /// Decides from a speedup and its confidence interval (see the thresholds).
    pub fn from_speedup(s: &Interval) -> Verdict {
        if s.lower >= HELPS_AT_LEAST {
            Verdict::Helps { speedup: s.point }
        } else if s.upper <= HURTS_AT_MOST {
            Verdict::Hurts {
                slowdown: 1.0 / s.point,
            }
        } else if s.lower >= HURTS_AT_MOST && s.upper <= HELPS_AT_LEAST {
            Verdict::NoGain
        } else {
            Verdict::Inconclusive
        }
    }

    /// `helps ×S`, `no gain`, `hurts ×S` (S times slower) or `inconclusive`.
    pub fn label(&self) -> String {
        match self {
            Verdict::Helps { speedup } => format!("helps ×{}", factor(*speedup)),
            Verdict::NoGain => "no gain".to_string(),
            Verdict::Hurts { slowdown } => format!("hurts ×{}", factor(*slowdown)),
            Verdict::Inconclusive => "inconclusive".to_string(),
        }
    }
}

/// The verdict for one strategy on one workload.
#[derive(Clone, Debug, PartialEq)]
pub struct VerdictRow {
    /// The workload group.
    pub group: Group,
    /// The strategy.
    pub strategy: String,
    /// The point the verdict is taken at: the largest value with a speedup.
    pub point: Point,
    /// The speedup there.
    pub speedup: Interval,
    /// The verdict.
    pub verdict: Verdict,
}

/// One verdict per (group, strategy) of the groups compared with `sequential`, taken at the
/// largest value where the strategy has a speedup: the point where parallelism has the most
/// room, so the verdict says what the strategy does at scale.
pub fn verdicts(groups: &[GroupAnalysis]) -> Vec<VerdictRow> {
    let mut rows = Vec::new();
    for g in groups {
        if g.baseline != Baseline::SequentialAtSameValue {
            continue;
        }
        for strategy in g.strategies() {
            let last = g
                .points_of(strategy)
                .filter_map(|p| p.comparison.speedup().map(|s| (p, s)))
                .last();
            if let Some((point, speedup)) = last {
                rows.push(VerdictRow {
                    group: g.group,
                    strategy: strategy.to_string(),
                    point: point.clone(),
                    speedup,
                    verdict: Verdict::from_speedup(&speedup),
                });
            }
        }
    }
    rows
}

/// A strategy's per-task cost, from the `overhead` group.
#[derive(Clone, Debug, PartialEq)]
pub struct Overhead {
    /// Time per empty task in nanoseconds (time / task count at the largest count).
    pub per_task_ns: Interval,
    /// The point it was taken from.
    pub point: Point,
}

/// Each strategy's per-task overhead: its time at the largest task count of the `overhead`
/// group divided by that count.
pub fn overheads(groups: &[GroupAnalysis]) -> BTreeMap<String, Overhead> {
    let mut map = BTreeMap::new();
    for g in groups.iter().filter(|g| g.group == Group::Overhead) {
        for strategy in g.strategies() {
            if let Some(point) = g.points_of(strategy).filter(|p| p.value() > 0).last() {
                let n = point.value() as f64;
                let t = point.measurement.mean_ns;
                map.insert(
                    strategy.to_string(),
                    Overhead {
                        per_task_ns: Interval {
                            point: t.point / n,
                            lower: t.lower / n,
                            upper: t.upper / n,
                        },
                        point: point.clone(),
                    },
                );
            }
        }
    }
    map
}

/// Where a strategy starts beating `sequential` in a break-even sweep.
#[derive(Clone, Debug, PartialEq)]
pub enum BreakEven {
    /// The smallest measured bytes per task whose speedup interval lies above 1.
    At {
        /// Bytes per task.
        bytes: u64,
        /// The point at that size.
        point: Point,
    },
    /// It never beat `sequential` up to the largest measured size.
    Never {
        /// The largest measured bytes per task.
        largest: u64,
        /// The point at that size.
        point: Point,
    },
    /// The strategy was not in a break-even sweep (only its overhead was measured).
    NotMeasured,
}

/// One row of the break-even table.
#[derive(Clone, Debug, PartialEq)]
pub struct BreakEvenRow {
    /// The strategy.
    pub strategy: String,
    /// The break-even group it was measured in, if any.
    pub group: Option<Group>,
    /// Where it starts to beat `sequential`.
    pub break_even: BreakEven,
    /// Its per-task overhead, if the `overhead` group measured it.
    pub overhead: Option<Overhead>,
}

/// Break-even rows: for every strategy other than `sequential` in a `hash-size` group, the
/// smallest size at which its speedup's lower bound exceeds 1; strategies only in `overhead`
/// get a row with their overhead alone.
pub fn break_even(groups: &[GroupAnalysis]) -> Vec<BreakEvenRow> {
    let overheads = overheads(groups);
    let mut rows = Vec::new();
    let mut seen = Vec::new();
    for g in groups {
        if !matches!(g.group, Group::HashSize { .. }) {
            continue;
        }
        for strategy in g.strategies() {
            if strategy == SEQUENTIAL {
                continue;
            }
            let compared: Vec<(&Point, Interval)> = g
                .points_of(strategy)
                .filter_map(|p| p.comparison.speedup().map(|s| (p, s)))
                .collect();
            let Some(&(last, _)) = compared.last() else {
                continue;
            };
            let break_even = compared
                .iter()
                .find(|(_, s)| s.lower > 1.0)
                .map(|(p, _)| BreakEven::At {
                    bytes: p.value(),
                    point: (*p).clone(),
                })
                .unwrap_or_else(|| BreakEven::Never {
                    largest: last.value(),
                    point: last.clone(),
                });
            seen.push(strategy.to_string());
            rows.push(BreakEvenRow {
                strategy: strategy.to_string(),
                group: Some(g.group),
                break_even,
                overhead: overheads.get(strategy).cloned(),
            });
        }
    }
    let mut only_overhead: Vec<&String> = overheads
        .keys()
        .filter(|s| s.as_str() != SEQUENTIAL && !seen.contains(s))
        .collect();
    only_overhead.sort_by(|a, b| strategy_order(a, b));
    for strategy in only_overhead {
        rows.push(BreakEvenRow {
            strategy: strategy.clone(),
            group: None,
            break_even: BreakEven::NotMeasured,
            overhead: overheads.get(strategy).cloned(),
        });
    }
    rows
}

/// Where adding tasks stops raising a strategy's speedup on computing work.
#[derive(Clone, Debug, PartialEq)]
pub struct Plateau {
    /// The `hash-*` group.
    pub group: Group,
    /// The strategy.
    pub strategy: String,
    /// The last task count whose successor does not raise the speedup above this point's
    /// interval; `None` if the speedup still rises at the largest count.
    pub after: Option<u64>,
    /// The speedup at `after` (or at the largest count when it still rises).
    pub speedup_there: Interval,
    /// The largest task count measured and its speedup.
    pub largest: (u64, Interval),
}

/// For each strategy in each `hash-*` group: the first task count after which no larger
/// count's speedup rises above this count's confidence interval (a dip followed by a rise is
/// not a plateau).
pub fn plateaus(groups: &[GroupAnalysis]) -> Vec<Plateau> {
    let mut rows = Vec::new();
    for g in groups
        .iter()
        .filter(|g| matches!(g.group, Group::Hash { .. }))
    {
        for strategy in g.strategies() {
            let series: Vec<(u64, Interval)> = g
                .points_of(strategy)
                .filter_map(|p| p.comparison.speedup().map(|s| (p.value(), s)))
                .collect();
            let Some(&largest) = series.last() else {
                continue;
            };
            let stop = (0..series.len().saturating_sub(1))
                .find(|&i| {
                    series[i + 1..]
                        .iter()
                        .all(|(_, later)| later.point <= series[i].1.upper)
                })
                .map(|i| series[i]);
            let (after, speedup_there) = match stop {
                Some((value, s)) => (Some(value), s),
                None => (None, largest.1),
            };
            rows.push(Plateau {
                group: g.group,
                strategy: strategy.to_string(),
                after,
                speedup_there,
                largest,
            });
        }
    }
    rows
}

/// Formats a speedup or slowdown factor with three significant digits (`58.3`, `1.96`, `0.312`).
pub fn factor(x: f64) -> String {
    if !x.is_finite() {
        return "?".to_string();
    }
    if x == 0.0 {
        return "0".to_string();
    }
    // Thresholds just below each power of ten, so that 9.9996 prints as 10.0, not 10.00.
    let magnitude = x.abs();
    if magnitude >= 99.95 {
        format!("{x:.0}")
    } else if magnitude >= 9.995 {
        format!("{x:.1}")
    } else if magnitude >= 0.9995 {
        format!("{x:.2}")
    } else {
        format!("{x:.3}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bench_id::BenchId;
    use std::time::Duration;

    fn interval(point: f64, lower: f64, upper: f64) -> Interval {
        Interval {
            point,
            lower,
            upper,
        }
    }

    fn m(group: Group, strategy: &str, value: u64, ns: f64, spread: f64) -> Measurement {
        Measurement {
            id: BenchId::new(group, BenchFunction::parse(strategy).unwrap(), value),
            directory: format!("{group}/{strategy}/{value}"),
            mean_ns: interval(ns, ns * (1.0 - spread), ns * (1.0 + spread)),
            confidence_level: 0.95,
        }
    }

    const SLEEP: Group = Group::Sleep {
        duration: Duration::from_millis(10),
    };
    const HASH: Group = Group::Hash { bytes: 1 << 20 };

    #[test]
    fn speedup_interval_combines_both_intervals() {
        let s = speedup(&interval(100.0, 90.0, 110.0), &interval(50.0, 45.0, 55.0));
        assert!((s.point - 2.0).abs() < 1e-12);
        assert!((s.lower - 90.0 / 55.0).abs() < 1e-12);
        assert!((s.upper - 110.0 / 45.0).abs() < 1e-12);
    }

    #[test]
    fn verdicts_follow_the_thresholds() {
        let v = |p, l, u| Verdict::from_speedup(&interval(p, l, u));
        assert_eq!(v(2.0, 1.9, 2.1), Verdict::Helps { speedup: 2.0 });
        assert_eq!(v(1.0, 0.95, 1.05), Verdict::NoGain);
        assert_eq!(v(0.5, 0.45, 0.55), Verdict::Hurts { slowdown: 2.0 });
        // Overlapping a threshold: no guess.
        assert_eq!(v(1.15, 1.05, 1.25), Verdict::Inconclusive);
        assert_eq!(v(0.9, 0.85, 0.95), Verdict::Inconclusive);
        assert_eq!(v(1.0, 0.5, 2.0), Verdict::Inconclusive);
        // Exactly on a threshold counts.
        assert_eq!(v(1.2, HELPS_AT_LEAST, 1.3), Verdict::Helps { speedup: 1.2 });
        assert_eq!(v(0.5, 0.4, HURTS_AT_MOST), Verdict::Hurts { slowdown: 2.0 });
        assert_eq!(Verdict::Hurts { slowdown: 3.0 }.label(), "hurts ×3.00");
    }

    #[test]
    fn slower_strategy_gets_a_speedup_below_one_and_hurts() {
        let data = [
            m(SLEEP, "sequential", 4, 40e6, 0.01),
            m(SLEEP, "processes", 4, 80e6, 0.01),
        ];
        let g = GroupAnalysis::new(SLEEP, &data);
        let s = g
            .point("processes", 4)
            .unwrap()
            .comparison
            .speedup()
            .unwrap();
        assert!((s.point - 0.5).abs() < 1e-9 && s.upper < 1.0);
        let rows = verdicts(&[g]);
        assert_eq!(rows.len(), 1);
        assert!(
            matches!(rows[0].verdict, Verdict::Hurts { slowdown } if (slowdown - 2.0).abs() < 1e-9)
        );
    }

    #[test]
    fn missing_baseline_gives_no_speedup_and_verdict_uses_largest_compared_point() {
        let data = [
            m(SLEEP, "sequential", 1, 10e6, 0.01),
            m(SLEEP, "sequential", 8, 80e6, 0.01),
            m(SLEEP, "threads", 1, 10e6, 0.01),
            m(SLEEP, "threads", 8, 10e6, 0.01),
            m(SLEEP, "threads", 64, 10e6, 0.01),
        ];
        let g = GroupAnalysis::new(SLEEP, &data);
        assert_eq!(
            g.point("threads", 64).unwrap().comparison,
            Comparison::NoBaseline
        );
        assert_eq!(
            g.point("sequential", 8).unwrap().comparison,
            Comparison::IsBaseline
        );
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
                .all(|p| p.comparison == Comparison::NoBaseline)
        );
        assert!(verdicts(&[g]).is_empty());
    }

    #[test]
    fn strategies_are_ordered_known_first_then_alphabetically() {
        let mut names = vec!["zeta", "rayon", "alpha", "sequential", "process-pool-warm"];
        names.sort_by(|a, b| strategy_order(a, b));
        assert_eq!(
            names,
            ["sequential", "rayon", "process-pool-warm", "alpha", "zeta"]
        );
    }

    #[test]
    fn break_even_is_the_smallest_size_beating_sequential() {
        let size = Group::HashSize { tasks: 4 };
        let mut data = Vec::new();
        for (bytes, seq, threads, procs) in [
            (1024u64, 10e3, 40e3, 4e6),
            (65536, 400e3, 300e3, 4.2e6),
            (1 << 20, 6.4e6, 3.3e6, 7e6),
        ] {
            data.push(m(size, "sequential", bytes, seq, 0.02));
            data.push(m(size, "threads", bytes, threads, 0.02));
            data.push(m(size, "processes", bytes, procs, 0.02));
        }
        data.push(m(Group::Overhead, "threads", 1, 20e3, 0.02));
        data.push(m(Group::Overhead, "threads", 16, 160e3, 0.02));
        data.push(m(Group::Overhead, "process-pool", 16, 16e6, 0.02));
        let groups = [
            GroupAnalysis::new(size, &data),
            GroupAnalysis::new(Group::Overhead, &data),
        ];
        let rows = break_even(&groups);
        let names: Vec<&str> = rows.iter().map(|r| r.strategy.as_str()).collect();
        assert_eq!(names, ["threads", "processes", "process-pool"]);
        assert!(matches!(
            rows[0].break_even,
            BreakEven::At { bytes: 65536, .. }
        ));
        let overhead = rows[0].overhead.as_ref().unwrap().per_task_ns;
        assert!(
            (overhead.point - 10e3).abs() < 1e-6,
            "taken at 16 tasks: {overhead:?}"
        );
        assert!(
            matches!(rows[1].break_even, BreakEven::Never { largest, .. } if largest == 1 << 20)
        );
        assert!(rows[1].overhead.is_none());
        assert_eq!(rows[2].break_even, BreakEven::NotMeasured);
    }

    #[test]
    fn plateau_is_where_the_speedup_stops_rising() {
        let mut data = Vec::new();
        for (n, threads) in [(1u64, 1.0), (2, 1.95), (4, 1.96), (16, 1.97)] {
            data.push(m(HASH, "sequential", n, n as f64 * 1e6, 0.01));
            data.push(m(HASH, "threads", n, n as f64 * 1e6 / threads, 0.01));
            data.push(m(HASH, "rayon", n, n as f64 * 1e6 / n as f64, 0.01));
        }
        let rows = plateaus(&[GroupAnalysis::new(HASH, &data)]);
        let threads = rows.iter().find(|r| r.strategy == "threads").unwrap();
        assert_eq!(threads.after, Some(2));
        assert!((threads.speedup_there.point - 1.95).abs() < 1e-9);
        let rayon = rows.iter().find(|r| r.strategy == "rayon").unwrap();
        assert_eq!(rayon.after, None, "still rising");
        assert_eq!(rayon.largest.0, 16);
    }

    #[test]
    fn a_dip_before_a_rise_is_not_a_plateau() {
        let mut data = Vec::new();
        for (n, pool) in [(1u64, 0.5), (2, 0.3), (4, 0.6), (16, 0.61)] {
            data.push(m(HASH, "sequential", n, n as f64 * 1e6, 0.01));
            data.push(m(HASH, "process-pool", n, n as f64 * 1e6 / pool, 0.01));
        }
        let rows = plateaus(&[GroupAnalysis::new(HASH, &data)]);
        assert_eq!(rows[0].after, Some(4), "the rise after the dip counts");
    }

    #[test]
    fn hash_workers_compare_with_their_own_one_worker_point() {
        let g = Group::HashWorkers {
            bytes: 1 << 20,
            tasks: 16,
        };
        let data = [
            m(g, "threads", 1, 16e6, 0.01),
            m(g, "threads", 2, 8e6, 0.01),
            m(g, "rayon", 2, 8e6, 0.01),
        ];
        let a = GroupAnalysis::new(g, &data);
        let s = a.point("threads", 2).unwrap().comparison.speedup().unwrap();
        assert!((s.point - 2.0).abs() < 1e-9);
        assert_eq!(
            a.point("rayon", 2).unwrap().comparison,
            Comparison::NoBaseline
        );
        assert!(verdicts(&[a]).is_empty(), "not compared with sequential");
    }

    #[test]
    fn ideal_is_n_for_waiting_and_capped_by_cores_for_hashing() {
        assert_eq!(ideal_speedup(&SLEEP, 64, 2), Some(64.0));
        assert_eq!(ideal_speedup(&HASH, 64, 2), Some(2.0));
        assert_eq!(ideal_speedup(&HASH, 1, 2), Some(1.0));
        assert_eq!(ideal_speedup(&Group::Overhead, 4, 2), None);
    }

    #[test]
    fn factors_have_three_significant_digits() {
        assert_eq!(factor(58.34), "58.3");
        assert_eq!(factor(1.956), "1.96");
        assert_eq!(factor(0.3124), "0.312");
        assert_eq!(factor(123.4), "123");
        assert_eq!(factor(0.0), "0");
        assert_eq!(factor(9.999_999), "10.0");
        assert_eq!(factor(0.999_99), "1.00");
    }
}
