//! Writes `summary.json`: machine facts and every benchmark's estimate, speedup and verdict,
//! for scripts and other tools.
//!
//! Schema (`"schema": "parbench-summary"`, `"version"`: [`SUMMARY_VERSION`]); times are
//! nanoseconds per iteration, intervals are Criterion's confidence intervals of the mean:
//!
//! ```text
//! { "schema": "parbench-summary", "version": 1,
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
//!   "findings": [ string ], "missing_groups": [ string ], "skipped": [ string ] }
//! ```

use serde::Serialize;

use crate::machine::Machine;

use super::analysis::{
    BreakEven, Comparison, HELPS_AT_LEAST, HURTS_AT_MOST, Verdict, ideal_speedup,
};
use super::{Interval, MachineSource, Report};

/// The version of `summary.json`'s schema; raised on any incompatible change.
pub const SUMMARY_VERSION: u32 = 1;

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
                strategy: m.id.strategy.clone(),
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
        findings: &report.findings,
        missing_groups: &report.missing_groups,
        skipped: &report.skipped,
    };
    let mut text = serde_json::to_string_pretty(&summary).expect("the summary serializes");
    text.push('\n');
    text
}
