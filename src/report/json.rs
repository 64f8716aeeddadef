//! Writes `summary.json`: machine facts and every benchmark's estimate, speedup and verdict,
//! for scripts and other tools.
//!
//! Schema (`"schema": "parbench-summary"`, `"version"`: [`SUMMARY_VERSION`]); times are
//! nanoseconds per iteration, intervals are Criterion's confidence intervals of the mean:
//!
//! ```text
//! { "schema": "parbench-summary", "version": 2,
//!   "generated": RFC 3339 time of generation (the only field that changes between two
//!                generations from the same data),
//!   "machine": { logical_cores, physical_cores, cpu_model, os, rustc, parbench,
//!                "source": "recorded-by-benches" | "read-at-report-time" },
//!   "profile": "quick" | "default" | "seed" | null, "run_started": RFC 3339 | null,
//!   "confidence_level": 0.95 | null,
//!   "thresholds": { "helps_at_least": 1.1, "hurts_at_most": 0.9 },
//!   "benchmarks": [ { "id", "group", "strategy", "value", "value_meaning",
//!                     "mean_ns", "lower_ns", "upper_ns",
//!                     "baseline": "sequential-at-same-value" | "own-one-worker" | "none",
//!                     "speedup": { "point", "lower", "upper" } | null,
//!                     "speedup_note": null | "is-baseline" | "no-baseline" | "not-compared",
//!                     "ideal_speedup": number | null, "criterion_page": relative URL } ],
//!   "verdicts": [ { "group", "strategy", "value", "speedup": {..},
//!                   "verdict": { "kind": "helps", "speedup" } | { "kind": "no-gain" }
//!                            | { "kind": "hurts", "slowdown" } | { "kind": "inconclusive" },
//!                   "label" } ],
//!   "break_even": [ { "strategy", "group": string | null,
//!                     "status": "at" | "never" | "not-measured",
//!                     "bytes": at: break-even bytes, never: largest measured, else null,
//!                     "overhead_per_task_ns": { "point", "lower", "upper" } | null } ],
//!   "oversubscription": [ { "group", "strategy", "stops_after": tasks | null,
//!                           "speedup_there": {..}, "largest_tasks", "speedup_at_largest": {..} } ],
//!   "amdahl": [ { "group", "strategy", "fitted_up_to_workers": logical cores,
//!                 "measured": [ { "workers", "speedup": {..}, "fitted": bool } ],
//!                 "fit": { "serial_fraction", "standard_error", "points",
//!                          "serial_fraction_range": { "optimistic", "pessimistic" },
//!                          "predictions": [ { "workers", "speedup", "low", "high" } ] } | null,
//!                 "fit_error": string | null } ],
//!   "gil_comparison": { "waiting": { "group", "tasks" } | null, "computing": {..} | null,
//!                       "rows": [ { "strategy", "waiting_speedup": {..} | null,
//!                                   "computing_speedup": {..} | null } ],
//!                       "lesson": "reproduced" | "not-reproduced" | "cannot-tell",
//!                       "sentence" } | null,
//!   "memory": [ { "id", "rss_before_bytes", "peak_rss_bytes", "growth_bytes", "wall_seconds" } ],
//!   "findings": [ string ], "missing_groups": [ string ], "skipped": [ string ] }
//! ```
//!
//! Version 2 added `amdahl`, `gil_comparison` and `memory` (peak memory the benches recorded,
//! e.g. for the `waits-*` points; join with `benchmarks` by `id`). Amdahl predictions' `low` and
//! `high` come from the serial fractions fitted on the speedup intervals' lower and upper bounds.

use serde::Serialize;

use crate::machine::Machine;

use super::analysis::{
    BreakEven, Comparison, HELPS_AT_LEAST, HURTS_AT_MOST, Verdict, ideal_speedup,
};
use super::gil::{GilComparison, Lesson, Side};
use super::scaling::{AmdahlRow, ScalingPrediction};
use super::{Interval, MachineSource, Report};

/// The version of `summary.json`'s schema; raised on any incompatible change.
pub const SUMMARY_VERSION: u32 = 2;

#[derive(Serialize)]
struct Summary<'a> {
    schema: &'static str,
    version: u32,
    generated: &'a str,
    machine: MachineFacts<'a>,
    profile: Option<&'static str>,
    run_started: Option<&'a str>,
    confidence_level: Option<f64>,
    thresholds: Thresholds,
    benchmarks: Vec<Benchmark>,
    verdicts: Vec<VerdictEntry>,
    break_even: Vec<BreakEvenEntry>,
    oversubscription: Vec<PlateauEntry>,
    amdahl: Vec<AmdahlEntry>,
    gil_comparison: Option<GilEntry>,
    memory: Vec<MemoryEntry>,
    findings: &'a [String],
    missing_groups: &'a [String],
    skipped: &'a [String],
}

#[derive(Serialize)]
struct MachineFacts<'a> {
    #[serde(flatten)]
    machine: &'a Machine,
    source: MachineSource,
}

#[derive(Serialize)]
struct Thresholds {
    helps_at_least: f64,
    hurts_at_most: f64,
}

#[derive(Serialize)]
struct Benchmark {
    id: String,
    group: String,
    strategy: String,
    value: u64,
    value_meaning: &'static str,
    mean_ns: f64,
    lower_ns: f64,
    upper_ns: f64,
    baseline: super::analysis::Baseline,
    speedup: Option<Interval>,
    speedup_note: Option<&'static str>,
    ideal_speedup: Option<f64>,
    criterion_page: String,
}

#[derive(Serialize)]
struct VerdictEntry {
    group: String,
    strategy: String,
    value: u64,
    speedup: Interval,
    verdict: Verdict,
    label: String,
}

#[derive(Serialize)]
struct BreakEvenEntry {
    strategy: String,
    group: Option<String>,
    status: &'static str,
    bytes: Option<u64>,
    overhead_per_task_ns: Option<Interval>,
}

#[derive(Serialize)]
struct PlateauEntry {
    group: String,
    strategy: String,
    stops_after: Option<u64>,
    speedup_there: Interval,
    largest_tasks: u64,
    speedup_at_largest: Interval,
}

#[derive(Serialize)]
struct AmdahlEntry {
    group: String,
    strategy: String,
    fitted_up_to_workers: u64,
    measured: Vec<MeasuredSpeedup>,
    fit: Option<FitEntry>,
    fit_error: Option<String>,
}

#[derive(Serialize)]
struct MeasuredSpeedup {
    workers: u64,
    speedup: Interval,
    fitted: bool,
}

#[derive(Serialize)]
struct FitEntry {
    serial_fraction: f64,
    standard_error: f64,
    points: usize,
    serial_fraction_range: FractionRange,
    predictions: Vec<ScalingPrediction>,
}

#[derive(Serialize)]
struct FractionRange {
    optimistic: f64,
    pessimistic: f64,
}

#[derive(Serialize)]
struct GilEntry {
    waiting: Option<SideEntry>,
    computing: Option<SideEntry>,
    rows: Vec<GilRowEntry>,
    lesson: Lesson,
    sentence: String,
}

#[derive(Serialize)]
struct SideEntry {
    group: String,
    tasks: u64,
}

#[derive(Serialize)]
struct GilRowEntry {
    strategy: String,
    waiting_speedup: Option<Interval>,
    computing_speedup: Option<Interval>,
}

#[derive(Serialize)]
struct MemoryEntry {
    id: String,
    rss_before_bytes: u64,
    peak_rss_bytes: u64,
    growth_bytes: u64,
    wall_seconds: f64,
}

fn amdahl_entry(row: &AmdahlRow) -> AmdahlEntry {
    AmdahlEntry {
        group: row.group.to_string(),
        strategy: row.strategy.clone(),
        fitted_up_to_workers: row.fitted_up_to,
        measured: row
            .measured()
            .into_iter()
            .map(|(workers, speedup)| MeasuredSpeedup {
                workers,
                speedup,
                fitted: workers <= row.fitted_up_to,
            })
            .collect(),
        fit: row.fit.as_ref().ok().map(|f| FitEntry {
            serial_fraction: f.fit.serial_fraction,
            standard_error: f.fit.standard_error,
            points: f.fit.points,
            serial_fraction_range: FractionRange {
                optimistic: f.optimistic,
                pessimistic: f.pessimistic,
            },
            predictions: f.predictions.clone(),
        }),
        fit_error: row.fit.as_ref().err().cloned(),
    }
}

fn gil_entry(c: &GilComparison) -> GilEntry {
    let side = |s: Option<Side>| {
        s.map(|s| SideEntry {
            group: s.group.to_string(),
            tasks: s.tasks,
        })
    };
    let speedup =
        |p: &Option<super::analysis::Point>| p.as_ref().and_then(|p| p.comparison.speedup());
    GilEntry {
        waiting: side(c.waiting),
        computing: side(c.computing),
        rows: c
            .rows
            .iter()
            .map(|r| GilRowEntry {
                strategy: r.strategy.clone(),
                waiting_speedup: speedup(&r.waiting),
                computing_speedup: speedup(&r.computing),
            })
            .collect(),
        lesson: c.lesson,
        sentence: c.sentence.clone(),
    }
}

/// Renders the summary as pretty-printed JSON.
pub fn render(report: &Report) -> String {
    let benchmarks = report
        .groups
        .iter()
        .flat_map(|g| g.points.iter().map(move |p| (g, p)))
        .map(|(g, p)| {
            let m = &p.measurement;
            Benchmark {
                id: m.id.to_string(),
                group: g.group.to_string(),
                strategy: m.id.function.name().to_string(),
                value: m.id.value,
                value_meaning: g.group.value_meaning(),
                mean_ns: m.mean_ns.point,
                lower_ns: m.mean_ns.lower,
                upper_ns: m.mean_ns.upper,
                baseline: g.baseline,
                speedup: p.comparison.speedup(),
                speedup_note: match p.comparison {
                    Comparison::Speedup(_) => None,
                    Comparison::IsBaseline => Some("is-baseline"),
                    Comparison::NoBaseline => Some("no-baseline"),
                    Comparison::NotCompared => Some("not-compared"),
                },
                ideal_speedup: ideal_speedup(&g.group, m.id.value, report.machine.logical_cores),
                criterion_page: report.criterion_page(&m.directory),
            }
        })
        .collect();
    let summary = Summary {
        schema: "parbench-summary",
        version: SUMMARY_VERSION,
        generated: &report.generated,
        machine: MachineFacts {
            machine: &report.machine,
            source: report.machine_source,
        },
        profile: report.profile.map(|p| p.name()),
        run_started: report.run_started.as_deref(),
        confidence_level: report.confidence_level,
        thresholds: Thresholds {
            helps_at_least: HELPS_AT_LEAST,
            hurts_at_most: HURTS_AT_MOST,
        },
        benchmarks,
        verdicts: report
            .verdicts
            .iter()
            .map(|v| VerdictEntry {
                group: v.group.to_string(),
                strategy: v.strategy.clone(),
                value: v.point.value(),
                speedup: v.speedup,
                verdict: v.verdict,
                label: v.verdict.label(),
            })
            .collect(),
        break_even: report
            .break_even
            .iter()
            .map(|r| {
                let (status, bytes) = match &r.break_even {
                    BreakEven::At { bytes, .. } => ("at", Some(*bytes)),
                    BreakEven::Never { largest, .. } => ("never", Some(*largest)),
                    BreakEven::NotMeasured => ("not-measured", None),
                };
                BreakEvenEntry {
                    strategy: r.strategy.clone(),
                    group: r.group.map(|g| g.to_string()),
                    status,
                    bytes,
                    overhead_per_task_ns: r.overhead.as_ref().map(|o| o.per_task_ns),
                }
            })
            .collect(),
        oversubscription: report
            .plateaus
            .iter()
            .map(|p| PlateauEntry {
                group: p.group.to_string(),
                strategy: p.strategy.clone(),
                stops_after: p.after,
                speedup_there: p.speedup_there,
                largest_tasks: p.largest.0,
                speedup_at_largest: p.largest.1,
            })
            .collect(),
        amdahl: report.amdahl.iter().map(amdahl_entry).collect(),
        gil_comparison: report.gil.as_ref().map(gil_entry),
        memory: report
            .memory
            .iter()
            .map(|r| MemoryEntry {
                id: r.id.clone(),
                rss_before_bytes: r.rss_before_bytes,
                peak_rss_bytes: r.peak_rss_bytes,
                growth_bytes: r.growth_bytes(),
                wall_seconds: r.wall_seconds,
            })
            .collect(),
        findings: &report.findings,
        missing_groups: &report.missing_groups,
        skipped: &report.skipped,
    };
    let mut text = serde_json::to_string_pretty(&summary).expect("the summary serializes");
    text.push('\n');
    text
}
