//! Sentences generated from this run's numbers: how threads scale on waiting tasks, how far
//! computing scales against the core count, whether a GIL reproduces Python's lesson, how the
//! waiting share of mixed tasks moves each speedup, what 10,000 waits cost threads against
//! async, each strategy's fitted serial fraction, where oversubscription stops helping, where
//! each strategy breaks even, and why rayon's CPU-sized pool is the wrong pool for blocking work.
//!
//! Every figure comes from the analysis; each sentence branches on what the data says (a
//! strategy that did not help is said not to have helped). No sentence is fixed text.

use crate::bench_id::Group;
use crate::units;

use super::analysis::{
    BreakEven, BreakEvenRow, GroupAnalysis, HELPS_AT_LEAST, Plateau, SEQUENTIAL, WaitsRow, factor,
    ideal_speedup, mixed_references,
};
use super::gil::GilComparison;
use super::scaling::AmdahlRow;
use super::{Interval, memory_growth_label, time_label};

/// How close to its pool size rayon's sleep speedup must be (as a share of the pool size) for
/// the report to say the pool capped it.
pub const POOL_CAP_TOLERANCE: f64 = 0.25;

/// The strategies the mixed-task sentence names, when measured.
pub const MIXED_STRATEGIES: &[&str] = &["threads", "rayon", "gil", "async", "async-multi"];

/// A serial fraction at least this large reads as "extra cores buy nothing".
pub const MOSTLY_SERIAL: f64 = 0.9;

/// Everything the findings are drawn from.
#[derive(Clone, Copy, Debug)]
pub struct Inputs<'a> {
    /// Every group's analysis.
    pub groups: &'a [GroupAnalysis],
    /// The break-even rows.
    pub break_even: &'a [BreakEvenRow],
    /// The oversubscription plateaus.
    pub plateaus: &'a [Plateau],
    /// The Amdahl fits.
    pub amdahl: &'a [AmdahlRow],
    /// The GIL comparison, if any.
    pub gil: Option<&'a GilComparison>,
    /// The `waits-*` points with their memory records.
    pub waits: &'a [WaitsRow],
    /// The machine's logical cores.
    pub logical_cores: usize,
}

/// The findings for a report, in a fixed order: waiting, rayon's trap, computing, Python's
/// lesson, mixed tasks, waits at scale, Amdahl fits, oversubscription, break-even.
pub fn findings(inputs: &Inputs) -> Vec<String> {
    let groups = inputs.groups;
    let logical_cores = inputs.logical_cores;
    let mut out = Vec::new();
    for g in groups.iter().filter(|g| is_waiting(&g.group)) {
        out.extend(waiting(g, logical_cores));
    }
    for g in groups
        .iter()
        .filter(|g| matches!(g.group, Group::Hash { .. }))
    {
        out.extend(computing(g, logical_cores));
    }
    if let Some(gil) = inputs.gil {
        out.push(gil.sentence.clone());
    }
    for g in groups
        .iter()
        .filter(|g| matches!(g.group, Group::Mixed { .. }))
    {
        out.extend(mixed(g, logical_cores));
    }
    out.extend(waits_at_scale(inputs.waits));
    out.extend(inputs.amdahl.iter().map(amdahl_sentence));
    out.extend(oversubscription(inputs.plateaus, logical_cores));
    out.extend(break_even_sentences(inputs.break_even));
    out
}

/// Each strategy's speedup at the highest and the lowest waiting share of a mixed group.
fn mixed(g: &GroupAnalysis, cores: usize) -> Option<String> {
    let (all_waiting, all_computing) = mixed_references(&g.group, cores)?;
    let parts: Vec<String> = MIXED_STRATEGIES
        .iter()
        .filter_map(|&strategy| {
            let series: Vec<(u64, Interval)> = g
                .points_of(strategy)
                .filter_map(|p| p.comparison.speedup().map(|s| (p.value(), s)))
                .collect();
            let (low, high) = (series.first()?, series.last()?);
            Some(if low.0 == high.0 {
                format!("{strategy} {} at {} %", x(&high.1), high.0)
            } else {
                format!(
                    "{strategy} {} at {} % waiting, {} at {} %",
                    x(&high.1),
                    high.0,
                    x(&low.1),
                    low.0
                )
            })
        })
        .collect();
    (!parts.is_empty()).then(|| {
        format!(
            "{} ({}): {} (references: ×{} if all waiting overlaps, ×{} for pure computing).",
            g.group,
            tasks(match g.group {
                Group::Mixed { tasks, .. } => tasks as u64,
                _ => 0,
            }),
            parts.join("; "),
            ideal_label(all_waiting),
            ideal_label(all_computing)
        )
    })
}

/// Time and memory growth of every strategy at the largest task count of each waits group.
fn waits_at_scale(rows: &[WaitsRow]) -> Vec<String> {
    let mut out = Vec::new();
    let mut groups: Vec<Group> = rows.iter().map(|r| r.group).collect();
    groups.dedup();
    for group in groups {
        let of_group: Vec<&WaitsRow> = rows.iter().filter(|r| r.group == group).collect();
        let Some(n) = of_group.iter().map(|r| r.point.value()).max() else {
            continue;
        };
        let parts: Vec<String> = of_group
            .iter()
            .filter(|r| r.point.value() == n)
            .map(|r| {
                let memory = match &r.memory {
                    Some(_) => format!("{} peak memory", memory_growth_label(r.memory.as_ref())),
                    None => "memory not recorded".to_string(),
                };
                format!(
                    "{} {} and {memory}",
                    r.point.strategy(),
                    time_label(r.point.measurement.mean_ns.point)
                )
            })
            .collect();
        let wait = match group {
            Group::Waits { duration } => units::duration_label(duration),
            _ => String::new(),
        };
        out.push(format!(
            "{n} waits of {wait} ({group}): {}.",
            parts.join(", ")
        ));
    }
    out
}

/// The fitted serial fraction of one strategy and what it predicts, or why there is no fit.
fn amdahl_sentence(row: &AmdahlRow) -> String {
    let fitted = match &row.fit {
        Ok(fitted) => fitted,
        Err(reason) => {
            return format!(
                "{}: no Amdahl fit for {}: {reason}.",
                row.group, row.strategy
            );
        }
    };
    let s = fitted.fit.serial_fraction;
    let predictions: Vec<String> = fitted
        .predictions
        .iter()
        .map(|p| {
            format!(
                "×{} [{}, {}] on {}",
                factor(p.speedup),
                factor(p.low),
                factor(p.high),
                p.workers
            )
        })
        .collect();
    let meaning = if s >= MOSTLY_SERIAL {
        "extra cores buy nothing".to_string()
    } else if s > 0.0 {
        format!("at most ×{} on any number of cores", factor(1.0 / s))
    } else {
        "no serial part measured: it scales with the cores".to_string()
    };
    format!(
        "{}: {} fitted serial fraction {:.2} [{:.2}, {:.2}] on 1 to {} workers: {meaning}; predicted {} cores.",
        row.group,
        row.strategy,
        s,
        fitted.optimistic,
        fitted.pessimistic,
        row.fitted_up_to,
        predictions.join(", ")
    )
}

fn is_waiting(group: &Group) -> bool {
    matches!(
        group,
        Group::Sleep { .. } | Group::Waits { .. } | Group::Net { .. }
    )
}

fn tasks(n: u64) -> String {
    if n == 1 {
        "1 task".to_string()
    } else {
        format!("{n} tasks")
    }
}

/// An ideal factor: whole numbers without decimals (`64`), others as [`factor`].
pub(super) fn ideal_label(ideal: f64) -> String {
    if ideal.fract() == 0.0 {
        format!("{ideal:.0}")
    } else {
        factor(ideal)
    }
}

fn x(s: &Interval) -> String {
    format!("×{}", factor(s.point))
}

/// The largest value at which any strategy of the group has a speedup.
fn largest_compared(g: &GroupAnalysis) -> Option<u64> {
    g.points
        .iter()
        .filter(|p| p.comparison.speedup().is_some())
        .map(|p| p.value())
        .max()
}

fn speedups_at(g: &GroupAnalysis, value: u64) -> Vec<(String, Interval)> {
    g.strategies()
        .into_iter()
        .filter_map(|s| {
            let speedup = g.point(s, value)?.comparison.speedup()?;
            Some((s.to_string(), speedup))
        })
        .collect()
}

fn waiting(g: &GroupAnalysis, cores: usize) -> Vec<String> {
    let mut out = Vec::new();
    let Some(n) = largest_compared(g) else {
        return out;
    };
    let ideal = ideal_speedup(&g.group, n, cores).unwrap_or(n as f64);
    let series: Vec<(u64, Interval)> = g
        .points_of("threads")
        .filter_map(|p| p.comparison.speedup().map(|s| (p.value(), s)))
        .collect();
    if let (Some(first), Some(last)) = (series.first(), series.last()) {
        let sentence = if last.1.lower < HELPS_AT_LEAST {
            format!(
                "{}: threads did not help: {} at {} (ideal ×{}).",
                g.group,
                x(&last.1),
                tasks(last.0),
                last.0
            )
        } else if series.len() > 1 && last.1.point > first.1.upper {
            let steps: Vec<String> = series
                .iter()
                .map(|(n, s)| format!("{} at {}", x(s), tasks(*n)))
                .collect();
            format!(
                "{}: threads' speedup grows with the task count: {} (ideal ×N).",
                g.group,
                steps.join(", ")
            )
        } else {
            format!(
                "{}: threads reach {} at {} (ideal ×{}).",
                g.group,
                x(&last.1),
                tasks(last.0),
                last.0
            )
        };
        out.push(sentence);
    }
    let at_n = speedups_at(g, n);
    if !at_n.is_empty() {
        let list: Vec<String> = at_n.iter().map(|(s, v)| format!("{s} {}", x(v))).collect();
        out.push(format!(
            "{} of {}: {} (ideal ×{}).",
            tasks(n),
            g.group,
            list.join(", "),
            ideal_label(ideal)
        ));
    }
    if let Some((_, rayon)) = at_n.iter().find(|(s, _)| s == "rayon") {
        let pool = cores.max(1) as f64;
        if n as f64 >= 2.0 * pool {
            let capped = (rayon.point - pool).abs() <= POOL_CAP_TOLERANCE * pool;
            let others: Vec<String> = at_n
                .iter()
                .filter(|(s, _)| s == "threads" || s == "rayon-n")
                .map(|(s, v)| format!("{s} {}", x(v)))
                .collect();
            let compare = if others.is_empty() {
                String::new()
            } else {
                format!(" (against {} at the same count)", others.join(", "))
            };
            out.push(if capped {
                format!(
                    "rayon is the wrong pool for blocking work: on {} of {} it reaches only {}, about its pool size of {cores} threads (one per logical core) rather than ×{n}, because a waiting task holds its pool thread and only {cores} can wait at once{compare}.",
                    tasks(n),
                    g.group,
                    x(rayon),
                )
            } else {
                format!(
                    "rayon on {} of {}: {} with a pool of {cores} threads; this run does not show its speedup capped at the pool size{compare}.",
                    tasks(n),
                    g.group,
                    x(rayon),
                )
            });
        }
    }
    out
}

fn computing(g: &GroupAnalysis, cores: usize) -> Option<String> {
    let best = g
        .points
        .iter()
        .filter(|p| p.strategy() != SEQUENTIAL)
        .filter_map(|p| p.comparison.speedup().map(|s| (p, s)))
        .max_by(|a, b| a.1.point.total_cmp(&b.1.point))?;
    let (point, s) = best;
    let ideal = ideal_speedup(&g.group, point.value(), cores).unwrap_or(1.0);
    Some(if s.lower < HELPS_AT_LEAST {
        format!(
            "{}: no strategy sped hashing up on {cores} logical cores; the best was {} ({} at {}).",
            g.group,
            x(&s),
            point.strategy(),
            tasks(point.value())
        )
    } else {
        format!(
            "{}: hashing sped up at most {} ({} at {}) on {cores} logical cores (ideal ×{} = min(tasks, cores)).",
            g.group,
            x(&s),
            point.strategy(),
            tasks(point.value()),
            ideal_label(ideal)
        )
    })
}

fn oversubscription(plateaus: &[Plateau], cores: usize) -> Vec<String> {
    let mut out = Vec::new();
    let mut groups: Vec<Group> = plateaus.iter().map(|p| p.group).collect();
    groups.dedup();
    for group in groups {
        let parts: Vec<String> = plateaus
            .iter()
            .filter(|p| p.group == group && p.strategy != SEQUENTIAL)
            .map(|p| match p.after {
                Some(after) => {
                    let cores_note = if after == cores as u64 {
                        format!(" (= {cores} logical cores)")
                    } else {
                        String::new()
                    };
                    format!(
                        "{} stops gaining beyond {}{cores_note}: {} there, {} at {}",
                        p.strategy,
                        tasks(after),
                        x(&p.speedup_there),
                        x(&p.largest.1),
                        tasks(p.largest.0)
                    )
                }
                None => format!(
                    "{} still gains up to the largest count, {} at {}",
                    p.strategy,
                    x(&p.largest.1),
                    tasks(p.largest.0)
                ),
            })
            .collect();
        if !parts.is_empty() {
            out.push(format!(
                "Oversubscription on {group}: {}.",
                parts.join("; ")
            ));
        }
    }
    out
}

fn break_even_sentences(rows: &[BreakEvenRow]) -> Vec<String> {
    let mut out = Vec::new();
    let mut groups: Vec<Group> = rows.iter().filter_map(|r| r.group).collect();
    groups.dedup();
    for group in groups {
        let parts: Vec<String> = rows
            .iter()
            .filter(|r| r.group == Some(group))
            .map(|r| {
                let overhead = r
                    .overhead
                    .as_ref()
                    .map(|o| format!(" (overhead {} per task)", time_label(o.per_task_ns.point)))
                    .unwrap_or_default();
                match &r.break_even {
                    BreakEven::At { bytes, .. } => format!(
                        "{} beats sequential from {} per task{overhead}",
                        r.strategy,
                        units::bytes_label(*bytes)
                    ),
                    BreakEven::Never { largest, .. } => format!(
                        "{} never beats it up to {} per task{overhead}",
                        r.strategy,
                        units::bytes_label(*largest)
                    ),
                    BreakEven::NotMeasured => format!("{} was not measured{overhead}", r.strategy),
                }
            })
            .collect();
        if !parts.is_empty() {
            out.push(format!("Break-even on {group}: {}.", parts.join("; ")));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::analysis;
    use crate::report::criterion_data::Measurement;
    use std::time::Duration;

    use crate::report::testdata::{HASH, SLEEP, m};

    fn run(data: &[Measurement], cores: usize) -> Vec<String> {
        let mut groups: Vec<Group> = data.iter().map(|m| m.id.group).collect();
        groups.sort();
        groups.dedup();
        let groups: Vec<GroupAnalysis> = groups
            .into_iter()
            .map(|g| GroupAnalysis::new(g, data))
            .collect();
        findings(&Inputs {
            groups: &groups,
            break_even: &analysis::break_even(&groups),
            plateaus: &analysis::plateaus(&groups),
            amdahl: &crate::report::scaling::amdahl_rows(&groups, cores),
            gil: crate::report::gil::compare(&groups, cores).as_ref(),
            waits: &analysis::waits_rows(&groups, &[]),
            logical_cores: cores,
        })
    }

    fn sleep_data(threads_64: f64, rayon_64: f64) -> Vec<Measurement> {
        vec![
            m(SLEEP, "sequential", 1, 10e6),
            m(SLEEP, "sequential", 64, 640e6),
            m(SLEEP, "threads", 1, 10.1e6),
            m(SLEEP, "threads", 64, 640e6 / threads_64),
            m(SLEEP, "rayon", 64, 640e6 / rayon_64),
        ]
    }

    #[test]
    fn sleep_findings_carry_the_measured_figures() {
        let text = run(&sleep_data(58.0, 2.0), 2).join("\n");
        assert!(
            text.contains("grows with the task count: ×0.990 at 1 task, ×58.0 at 64 tasks"),
            "{text}"
        );
        assert!(text.contains("threads ×58.0, rayon ×2.00"), "{text}");
        assert!(
            text.contains("rayon is the wrong pool for blocking work"),
            "{text}"
        );
        assert!(text.contains("pool size of 2 threads"), "{text}");
    }

    #[test]
    fn findings_follow_the_data() {
        let text = run(&sleep_data(1.0, 40.0), 2).join("\n");
        assert!(
            text.contains("threads did not help: ×1.00 at 64 tasks"),
            "{text}"
        );
        assert!(!text.contains("wrong pool"), "{text}");
        assert!(text.contains("does not show"), "{text}");
        // On 16 cores a rayon speedup of 2 is not the pool size either.
        let text = run(&sleep_data(58.0, 2.0), 16).join("\n");
        assert!(!text.contains("wrong pool"), "{text}");
    }

    #[test]
    fn hashing_is_measured_against_the_core_count() {
        let mut data = Vec::new();
        for (n, s) in [(1u64, 1.0), (2, 1.96), (4, 1.95)] {
            data.push(m(HASH, "sequential", n, n as f64 * 1e6));
            data.push(m(HASH, "threads", n, n as f64 * 1e6 / s));
        }
        let text = run(&data, 2).join("\n");
        assert!(
            text.contains("at most ×1.96 (threads at 2 tasks) on 2 logical cores"),
            "{text}"
        );
        assert!(
            text.contains("threads stops gaining beyond 2 tasks (= 2 logical cores)"),
            "{text}"
        );
        let flat: Vec<Measurement> = [1u64, 2]
            .iter()
            .flat_map(|&n| [m(HASH, "sequential", n, 1e6), m(HASH, "threads", n, 1e6)])
            .collect();
        let text = run(&flat, 2).join("\n");
        assert!(text.contains("no strategy sped hashing up"), "{text}");
    }

    #[test]
    fn mixed_waits_and_amdahl_sentences_carry_the_figures() {
        use crate::records::MemoryRecord;
        let mixed = Group::Mixed {
            total: Duration::from_millis(10),
            tasks: 8,
        };
        let waits = Group::Waits {
            duration: Duration::from_millis(50),
        };
        let workers = Group::HashWorkers {
            bytes: 1 << 20,
            tasks: 8,
        };
        let data = vec![
            m(mixed, "sequential", 0, 80e6),
            m(mixed, "sequential", 100, 80e6),
            m(mixed, "gil", 0, 80e6),
            m(mixed, "gil", 100, 80e6 / 7.4),
            m(waits, "threads", 10_000, 1.2e9),
            m(waits, "async", 10_000, 80e6),
            m(workers, "rayon", 1, 16e6),
        ];
        let text = run(&data, 2).join("\n");
        assert!(
            text.contains("mixed-10ms-n8 (8 tasks): gil ×7.40 at 100 % waiting, ×1.00 at 0 %"),
            "{text}"
        );
        assert!(
            text.contains("(references: ×8 if all waiting overlaps, ×2 for pure computing)"),
            "{text}"
        );
        assert!(
            text.contains(
                "threads 1.20 s and memory not recorded, async 80.0 ms and memory not recorded"
            ),
            "{text}"
        );
        assert!(
            text.contains("no Amdahl fit for rayon: 1 measured point(s) with at most 2 workers"),
            "{text}"
        );
        let groups = [GroupAnalysis::new(waits, &data)];
        let record = MemoryRecord {
            id: "waits-50ms/async/10000".to_string(),
            rss_before_bytes: 1 << 20,
            peak_rss_bytes: 18 << 20,
            wall_seconds: 0.08,
        };
        let rows = analysis::waits_rows(&groups, &[record]);
        let text = waits_at_scale(&rows).join("\n");
        assert!(
            text.contains("async 80.0 ms and +17.0 MiB peak memory"),
            "{text}"
        );
    }
}
