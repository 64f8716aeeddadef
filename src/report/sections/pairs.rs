//! How the speedups were measured: in pairs, hot and cold, in several processes — and how
//! much the machine's own speed moved meanwhile (the speed canary).
//!
//! This section owns the paired measurement's own findings: where a pool called after a pause
//! is slower than one kept busy, every speedup the raw compute scaling does not explain (with
//! the counters measured on both sides), whether a byte costs the same at every working set,
//! and how far the two unpaired Criterion means would have put each speedup.

use maud::{Markup, html};
use serde_json::json;

use crate::canary::{CanaryReading, CanarySummary, SLOW_AT};
use crate::interval::Interval;
use crate::pairs::{ArmResult, Counters, Mode, PairsRecord, RAW_SCALING, WORKING_SET};

use super::super::analysis::{Anomaly, GroupAnalysis, Point, effect_size};
use super::super::blocks::{Page, Takeaway, findings, findings_markdown, scroll};
use super::super::data::RunData;
use super::super::format;
use super::Section;

/// The section's anchor.
pub const ID: &str = "pairs";

/// A point whose hot and cold speedups were both measured.
struct HotCold {
    id: String,
    hot: Interval,
    cold: Interval,
    differ: bool,
}

/// A point the raw compute scaling does not explain, with what was measured about it.
struct Explained {
    id: String,
    speedup: Interval,
    anomaly: Anomaly,
    arm: Option<ArmResult>,
}

struct Pairs {
    record: Option<PairsRecord>,
    canary: Option<CanarySummary>,
    readings: Vec<CanaryReading>,
    slow_groups: Vec<String>,
    hot_cold: Vec<HotCold>,
    anomalies: Vec<Explained>,
    /// Points whose Criterion speedup lies outside their paired interval, of those with both.
    unpaired_outside: (usize, usize),
}

/// Builds the section from the run's pairs and canary readings.
pub fn build(data: &RunData) -> Box<dyn Section> {
    let points: Vec<&Point> = data.groups.iter().flat_map(all_points).collect();
    let hot_cold = points
        .iter()
        .filter_map(|p| {
            let paired = p.paired.as_ref()?;
            let cold = paired.cold.as_ref()?;
            Some(HotCold {
                id: p.measurement.id.to_string(),
                hot: paired.hot.speedup,
                cold: cold.speedup,
                differ: paired.hot_and_cold_differ(),
            })
        })
        .collect();
    let anomalies = points
        .iter()
        .filter_map(|p| {
            Some(Explained {
                id: p.measurement.id.to_string(),
                speedup: p.comparison.speedup()?,
                anomaly: p.anomaly?,
                arm: p.paired.as_ref().map(|q| q.hot.clone()),
            })
        })
        .collect();
    let with_both: Vec<(Interval, Interval)> = points
        .iter()
        .filter_map(|p| {
            let paired = p.paired.as_ref()?;
            Some((paired.hot.speedup, paired.unpaired?))
        })
        .collect();
    let outside = with_both
        .iter()
        .filter(|(paired, unpaired)| unpaired.point < paired.lower || unpaired.point > paired.upper)
        .count();
    let canary = CanarySummary::of(&data.canary);
    let slow_groups = canary
        .as_ref()
        .map(CanarySummary::slow_groups)
        .unwrap_or_default();
    Box::new(Pairs {
        record: data.pairs.clone(),
        canary,
        readings: data.canary.clone(),
        slow_groups,
        hot_cold,
        anomalies,
        unpaired_outside: (outside, with_both.len()),
    })
}

fn all_points(g: &GroupAnalysis) -> impl Iterator<Item = &Point> {
    g.points.iter()
}

/// The canary's line for the top of the page: how much the machine's speed moved.
pub fn canary_line(readings: &[CanaryReading]) -> Option<String> {
    let s = CanarySummary::of(readings)?;
    let mut line = format!(
        "Machine speed during the run: hashing {} on one core ran {}–{} × its fastest time over \
         {} readings; on every core at once it scaled {} to {}",
        format::bytes(crate::canary::CANARY_BYTES as u64),
        format::factor(1.0),
        format::factor(s.slowest_factor),
        s.readings,
        format::times(s.scaling.lower),
        format::times(s.scaling.upper)
    );
    if let Some(spawn) = &s.spawn {
        line.push_str(&format!(
            "; a small process ({}) started in {} at best, up to {} × that",
            crate::canary::SPAWN_PROGRAM,
            format::time(spawn.fastest_ns),
            format::factor(spawn.slowest_factor)
        ));
    }
    line.push('.');
    let slow = s.slow_groups();
    if !slow.is_empty() {
        line.push_str(&format!(
            " Measured in a slow stretch (a reading above {} × the fastest): {}.",
            format::factor(SLOW_AT),
            slow.join(", ")
        ));
    }
    Some(line)
}

/// The counters of an arm against its baseline, per call, in words.
fn counters_sentence(arm: &ArmResult) -> String {
    let (a, b): (&Counters, &Counters) = (&arm.counters, &arm.baseline_counters);
    format!(
        "per call, the strategy against sequential: CPU time {} against {}; waiting for a CPU \
         {} against {}; involuntary context switches {:.1} against {:.1}; voluntary {:.1} \
         against {:.1}; migrations {:.1} against {:.1}; page faults {:.0} against {:.0} \
         (waiting and migrations count threads alive around the call only)",
        format::time(a.cpu_ns),
        format::time(b.cpu_ns),
        format::time(a.run_delay_ns),
        format::time(b.run_delay_ns),
        a.involuntary_switches,
        b.involuntary_switches,
        a.voluntary_switches,
        b.voluntary_switches,
        a.migrations,
        b.migrations,
        a.minor_faults,
        b.minor_faults
    )
}

/// What the method says of the untimed cold rounds, if the run had any.
fn settle_method(record: &PairsRecord) -> String {
    match record.cold_settle_rounds {
        Some(n) if n > 0 => format!(
            ", timed once {n} untimed rounds of the same have run in that process: the first \
             such calls after busy work run faster than the ones that follow"
        ),
        _ => String::new(),
    }
}

/// What the method says of the follow-up processes, if any set had them: the most processes
/// behind one of the Rust sets beyond the record's own.
fn follow_up_method(record: &PairsRecord) -> String {
    let most = record
        .sets
        .iter()
        .filter(|s| !s.name.starts_with("py-"))
        .flat_map(|s| &s.arms)
        .map(|a| a.per_process.len())
        .max()
        .unwrap_or(0);
    let open = record
        .sets
        .iter()
        .filter(|s| !s.name.starts_with("py-"))
        .filter(|s| {
            s.arms
                .iter()
                .any(|a| a.per_process.len() > record.processes)
        })
        .count();
    if most <= record.processes {
        return String::new();
    }
    format!(
        " Sets whose verdict was still open after them ({open} here: an interval across a \
         threshold, its point beyond the re-run margin of it, so that more rounds could \
         decide it) got {} processes more, in a loop only, each with {} times a pass's \
         time per set.",
        most - record.processes,
        crate::pairs::FOLLOW_UP_TIME_FACTOR
    )
}

/// What the method says of CPython's paired sets, if the run has any: each call timed inside
/// the interpreter, in loop mode only, the interpreters started afresh for each pass.
fn python_method(record: &PairsRecord) -> String {
    let passes: Vec<usize> = record
        .sets
        .iter()
        .filter(|s| s.name.starts_with("py-"))
        .flat_map(|s| &s.arms)
        .map(|a| a.per_process.len())
        .collect();
    let (Some(&fewest), Some(&most)) = (passes.iter().min(), passes.iter().max()) else {
        return String::new();
    };
    let more = if most > fewest {
        format!(" ({most} for the sets whose verdict was still open after them)")
    } else {
        String::new()
    };
    format!(
        " CPython's speedups are paired the same way, each call timed inside the interpreter \
         (a call under 10 ms right after an untimed one), in {fewest} passes{more} that each \
         start the interpreters afresh; they are measured in a loop only."
    )
}

impl Pairs {
    fn method(&self) -> Option<String> {
        let r = self.record.as_ref()?;
        Some(format!(
            "Each speedup on this page that says \"paired\" comes from rounds: sequential and \
             every strategy run the same tasks once each per round, in a random order, so \
             that a slow second of this machine hits both sides of a ratio (at a computing \
             point the strategies on OS processes in rounds of their own, with sequential: \
             a thread pool runs slow right after a wait on processes). The speedup is \
             the geometric mean of the per-round ratios; {} processes measured the computing \
             sets (the waiting sets, whose ratios ride on timers, fewer: see each verdict's \
             Measured column). The run's own 95 % interval is the wider of a bootstrap over \
             processes and rounds and a Student-t interval over the processes' means; the page \
             prints it as an interval for a re-run: a run-to-run floor of ±{} added (what \
             changes between two runs minutes apart; ±{} for strategies on OS processes, whose \
             process starts and pipes shift against hashing from one run to the next) and the \
             whole widened by √2, since a \
             re-run's own figure is as uncertain as this one. An independent measurement made \
             the same way should land inside it 95 % of the time, and a firm verdict is one a \
             re-run should repeat. \"In a loop\" is \
             each side called back to back after an untimed call, as Criterion does (a \
             pool's workers awake); \"after a pause\" is one call after {} idle (its workers \
             asleep){}.{}{}",
            r.processes,
            format::share(crate::pairs::estimate::RUN_TO_RUN_FLOOR),
            format::share(crate::pairs::estimate::PROCESS_RUN_TO_RUN_FLOOR),
            format::time(r.cold_gap_ms * 1e6),
            settle_method(r),
            follow_up_method(r),
            python_method(r)
        ))
    }

    fn sentences(&self) -> Vec<String> {
        let mut out = Vec::new();
        if let Some(line) = self.canary_text() {
            out.push(line);
        }
        let differ: Vec<&HotCold> = self.hot_cold.iter().filter(|h| h.differ).collect();
        if !self.hot_cold.is_empty() {
            out.push(format!(
                "Hot and cold: {} of {} speedups measured both ways differ beyond their \
                 intervals{}.",
                differ.len(),
                self.hot_cold.len(),
                match differ
                    .iter()
                    .max_by(|a, b| (a.hot.point / a.cold.point)
                        .total_cmp(&(b.hot.point / b.cold.point)))
                {
                    Some(h) => format!(
                        "; the largest gap: {} {} in a loop, {} after a pause",
                        h.id,
                        format::speedup(&h.hot),
                        format::speedup(&h.cold)
                    ),
                    None => String::new(),
                }
            ));
        }
        if self.anomalies.is_empty() && self.record.is_some() {
            out.push(
                "No paired speedup lies above the raw compute scaling, and none far below it \
                 where another in-process strategy reaches it."
                    .to_string(),
            );
        }
        for a in &self.anomalies {
            let mut s = format!(
                "{}: {} is {}",
                a.id,
                format::speedup(&a.speedup),
                format::anomaly(&a.anomaly)
            );
            match &a.arm {
                Some(arm) => s.push_str(&format!("; measured {}.", counters_sentence(arm))),
                None => s.push_str("; it was not measured in pairs, so no counters."),
            }
            out.push(s);
        }
        if let Some(ws) = self.working_set() {
            out.push(ws);
        }
        if let Some(raw) = self.raw_scaling() {
            out.push(raw);
        }
        let (outside, total) = self.unpaired_outside;
        if total > 0 {
            out.push(format!(
                "Unpaired, the two Criterion means of {outside} of these {total} points give a \
                 speedup outside the paired interval: the drift of a shared machine between \
                 two measurements minutes apart."
            ));
        }
        out
    }

    fn canary_text(&self) -> Option<String> {
        let s = self.canary.as_ref()?;
        Some(format!(
            "The speed canary ran {}–{} × its fastest time ({} readings, median {}), and its \
             parallel capacity ranged {} to {} (median {}).{}",
            format::factor(1.0),
            format::factor(s.slowest_factor),
            s.readings,
            format::factor(s.median_factor),
            format::times(s.scaling.lower),
            format::times(s.scaling.upper),
            format::times(s.scaling.point),
            if self.slow_groups.is_empty() {
                String::new()
            } else {
                format!(
                    " Groups measured in a slow stretch: {}.",
                    self.slow_groups.join(", ")
                )
            }
        ))
    }

    /// Whether a byte costs the same in 1 MiB tasks, 4 MiB tasks and one large task.
    fn working_set(&self) -> Option<String> {
        let set = self.record.as_ref()?.set(WORKING_SET)?;
        let parts: Vec<String> = set
            .arms
            .iter()
            .filter(|a| a.mode == Mode::Hot)
            .map(|a| format!("{} {}", a.label, format::speedup(&a.speedup)))
            .collect();
        if parts.is_empty() {
            return None;
        }
        let same = self.record.as_ref()?.byte_cost_depends_on_working_set() == Some(false);
        Some(format!(
            "Working set, one core, the same bytes hashed alternately as {} (speed relative to \
             it): {}. {}",
            set.baseline,
            parts.join(", "),
            if same {
                "Every interval reaches ×1 ± 5 %: no effect of the working set can be told, so \
                 the cost model hashes at one rate."
            } else {
                "A byte's cost depends on the working set beyond ±5 %, so the cost model keeps \
                 its hashing speed by working set."
            }
        ))
    }

    fn raw_scaling(&self) -> Option<String> {
        let set = self.record.as_ref()?.set(RAW_SCALING)?;
        let parts: Vec<String> = set
            .arms
            .iter()
            .map(|a| format!("{} {}", a.label, format::speedup(&a.speedup)))
            .collect();
        (!parts.is_empty()).then(|| {
            format!(
                "Raw compute scaling, paired (bare threads each hashing its own input against \
                 one): {}. Computing speedups are judged against it.",
                parts.join(", ")
            )
        })
    }
}

impl Pairs {
    /// The benchmarks whose speedup after a pause differs from the one in a loop.
    fn hot_cold_table(&self) -> Markup {
        html! {
            @if self.hot_cold.iter().any(|h| h.differ) {
                (scroll(html! {
                    table #hot-cold {
                        thead { tr { th { "Benchmark" } th { "In a loop" } th { "After a pause" } } }
                        tbody { @for h in self.hot_cold.iter().filter(|h| h.differ) { tr {
                            td { (h.id) } td { (format::speedup(&h.hot)) } td { (format::speedup(&h.cold)) }
                        } } }
                    }
                }))
            }
        }
    }
}

impl Section for Pairs {
    fn id(&self) -> &'static str {
        ID
    }

    fn title(&self) -> &'static str {
        "How the speedups were measured"
    }

    fn has_data(&self) -> bool {
        self.record.is_some() || self.canary.is_some()
    }

    fn takeaways(&self) -> Vec<Takeaway> {
        self.hot_cold
            .iter()
            .filter(|h| h.differ)
            .max_by(|a, b| (a.hot.point / a.cold.point).total_cmp(&(b.hot.point / b.cold.point)))
            .map(|h| Takeaway {
                section: ID,
                sentence: format!(
                    "A pool kept busy is not a pool called now and then: {} is {} in a loop \
                     but {} after a pause — in code that calls it occasionally, expect the \
                     second.",
                    h.id,
                    format::speedup(&h.hot),
                    format::speedup(&h.cold)
                ),
                effect: effect_size(h.hot.point / h.cold.point),
            })
            .into_iter()
            .collect()
    }

    fn headline(&self) -> String {
        let differ = self.hot_cold.iter().filter(|h| h.differ).count();
        match (self.anomalies.len(), differ, &self.record) {
            (0, 0, Some(r)) => format!(
                "Every speedup measured as pairs in up to {} processes, none beyond the raw \
                 scaling",
                r.processes
            ),
            (0, n, Some(_)) => format!(
                "None beyond the raw scaling; {n} speedups differ after a pause from in a loop"
            ),
            (a, _, Some(_)) => format!("{a} speedups the raw compute scaling does not explain"),
            (_, _, None) => self.title().to_string(),
        }
    }

    fn lead(&self, _page: &Page) -> Markup {
        let first: Vec<String> = self.sentences().into_iter().take(1).collect();
        super::lead(&self.headline(), &first, self.hot_cold_table())
    }

    fn more(&self) -> String {
        "How a pair is measured, the canary, the working set and the raw scaling".to_string()
    }

    fn html(&self, _page: &Page) -> Markup {
        html! {
            @if let Some(method) = self.method() { p { (method) } }
            (findings(&self.sentences()))
        }
    }

    fn markdown(&self, _page: &Page) -> String {
        let mut md = String::new();
        if let Some(method) = self.method() {
            md.push_str(&format!("{method}\n\n"));
        }
        md.push_str(&findings_markdown(&self.sentences()));
        md
    }

    fn json(&self, _page: &Page) -> Vec<(&'static str, serde_json::Value)> {
        vec![(
            "pairs",
            json!({
                "record": self.record,
                "canary": self.canary,
                "canary_readings": self.readings,
                "slow_groups": self.slow_groups,
                "hot_cold_differ": self.hot_cold.iter().filter(|h| h.differ).map(|h| json!({
                    "id": h.id, "hot": h.hot, "cold": h.cold,
                })).collect::<Vec<_>>(),
                "anomalies": self.anomalies.iter().map(|a| json!({
                    "id": a.id, "speedup": a.speedup, "anomaly": a.anomaly,
                    "counters": a.arm.as_ref().map(|arm| json!({
                        "strategy": arm.counters, "sequential": arm.baseline_counters,
                    })),
                })).collect::<Vec<_>>(),
                "unpaired_outside_paired_interval": { "count": self.unpaired_outside.0, "of": self.unpaired_outside.1 },
            }),
        )]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pairs::SetResult;

    fn set(name: &str, processes: &[usize]) -> SetResult {
        SetResult {
            name: name.to_string(),
            baseline: "sequential".to_string(),
            arms: processes
                .iter()
                .map(|&k| ArmResult {
                    label: "threads".to_string(),
                    bench_id: None,
                    mode: Mode::Hot,
                    speedup: Interval {
                        point: 1.5,
                        lower: 1.4,
                        upper: 1.6,
                    },
                    per_process: vec![1.5; k],
                    rounds: 2 * k,
                    median_ns: 1.0,
                    baseline_median_ns: 1.5,
                    counters: Counters::default(),
                    baseline_counters: Counters::default(),
                })
                .collect(),
        }
    }

    #[test]
    fn the_method_names_follow_ups_and_cpython_passes_only_when_there_are_some() {
        let record = |sets| PairsRecord {
            processes: 6,
            cold_gap_ms: 10.0,
            cold_settle_rounds: Some(3),
            sets,
        };
        let plain = record(vec![set("hash-1MiB@16", &[6])]);
        assert_eq!(follow_up_method(&plain), "");
        assert_eq!(python_method(&plain), "");
        assert!(settle_method(&plain).contains("once 3 untimed rounds"));
        let older = PairsRecord {
            cold_settle_rounds: None,
            ..plain.clone()
        };
        assert_eq!(
            settle_method(&older),
            "",
            "a record without settling rounds"
        );
        let full = record(vec![
            set("hash-1MiB@16", &[6]),
            set("hash-1MiB@8", &[10, 6]),
            set("py-hash-4MiB@3.11@8", &[6, 10]),
        ]);
        let follow = follow_up_method(&full);
        assert!(
            follow.contains("(1 here") && follow.contains("4 processes more"),
            "{follow}"
        );
        let python = python_method(&full);
        assert!(
            python.contains("in 6 passes (10 for the sets whose verdict was still open"),
            "{python}"
        );
    }
}
