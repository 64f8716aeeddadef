//! The report: reads Criterion's saved results and writes `index.html`, `summary.md` and
//! `summary.json` answering where threads help and where they don't.
//!
//! [`generate`] is the entry point; the benches call it at the end of every run and
//! `parbench report` calls it on demand. [`criterion_data`] reads the files, [`analysis`]
//! computes speedups, verdicts and break-even points, [`scaling`] fits Amdahl's law, [`gil`]
//! checks Python's lesson, [`findings`] words them all; one private
//! module per output format renders them. The JSON schema is documented in `json.rs`
//! (`"schema": "parbench-summary"`, [`SUMMARY_VERSION`]).

pub mod analysis;
mod charts;
pub mod criterion_data;
pub mod findings;
pub mod gil;
mod html;
mod json;
mod markdown;
pub mod scaling;
#[cfg(test)]
pub(crate) mod testdata;

use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};
use std::time::SystemTime;

use serde::Serialize;

use crate::bench_id::Group;
use crate::error::{Error, Result};
use crate::machine::Machine;
use crate::records::{MemoryRecord, RunMeta};
use crate::suite::{Plan, Profile};

use analysis::{BreakEvenRow, GroupAnalysis, Plateau, VerdictRow, WaitsRow};
use criterion_data::Measurement;

pub use json::SUMMARY_VERSION;

/// The page's file name inside the output directory.
pub const HTML_FILE: &str = "index.html";
/// The Markdown summary's file name inside the output directory.
pub const MARKDOWN_FILE: &str = "summary.md";
/// The JSON summary's file name inside the output directory.
pub const JSON_FILE: &str = "summary.json";

/// A point estimate with its confidence interval (a time in ns, or a speedup factor).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, serde::Deserialize)]
pub struct Interval {
    /// The point estimate.
    pub point: f64,
    /// The interval's lower bound.
    pub lower: f64,
    /// The interval's upper bound.
    pub upper: f64,
}

/// What [`generate`] wrote.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReportSummary {
    /// The HTML page.
    pub html: PathBuf,
    /// The Markdown summary.
    pub markdown: PathBuf,
    /// The JSON summary.
    pub json: PathBuf,
    /// How many parbench benchmarks the report covers.
    pub benchmarks: usize,
    /// Groups the profile runs that have no data (e.g. after `cargo bench -- sleep`).
    pub missing_groups: Vec<String>,
    /// Benchmarks found but skipped, with the reason.
    pub skipped: Vec<String>,
}

/// Where the report's machine facts come from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum MachineSource {
    /// Recorded by the benches in `parbench-run.json`.
    RecordedByBenches,
    /// Not recorded: this machine, read when the report was generated.
    ReadAtReportTime,
}

/// Everything the output formats show, computed once.
#[derive(Clone, Debug)]
pub struct Report {
    /// When the report was generated (RFC 3339); the only thing that differs between two
    /// generations from the same data.
    pub generated: String,
    /// The machine facts.
    pub machine: Machine,
    /// Where the machine facts come from.
    pub machine_source: MachineSource,
    /// The bench profile, if recorded.
    pub profile: Option<Profile>,
    /// When the bench run started, if recorded.
    pub run_started: Option<String>,
    /// Every group's measurements and speedups, in group order.
    pub groups: Vec<GroupAnalysis>,
    /// One verdict per (group, strategy).
    pub verdicts: Vec<VerdictRow>,
    /// The break-even table.
    pub break_even: Vec<BreakEvenRow>,
    /// Where oversubscription stops helping, per strategy of the `hash-*` groups.
    pub plateaus: Vec<Plateau>,
    /// Amdahl fits, one per strategy of the `hash-workers-*` groups.
    pub amdahl: Vec<scaling::AmdahlRow>,
    /// threads, gil and async side by side on waiting and computing, if either was measured.
    pub gil: Option<gil::GilComparison>,
    /// The `waits-*` points with their memory records.
    pub waits: Vec<WaitsRow>,
    /// Every memory record the benches wrote (`parbench-memory.json`).
    pub memory: Vec<MemoryRecord>,
    /// Sentences generated from the numbers.
    pub findings: Vec<String>,
    /// Groups the profile runs but that have no data.
    pub missing_groups: Vec<String>,
    /// Benchmarks skipped while reading, with the reason.
    pub skipped: Vec<String>,
    /// The confidence level of Criterion's intervals (e.g. 0.95), if all agree.
    pub confidence_level: Option<f64>,
    /// URL prefix from the output directory to the Criterion directory, ending in `/`.
    criterion_url: String,
}

impl Report {
    /// Reads and analyses the data below `criterion_dir`; links are made relative to
    /// `out_dir`, which must exist.
    pub fn build(criterion_dir: &Path, out_dir: &Path, generated: String) -> Result<Report> {
        let data = criterion_data::load(criterion_dir)?;
        let meta = RunMeta::read(criterion_dir)?;
        let (machine, machine_source, profile, run_started) = match meta {
            Some(meta) => (
                meta.machine,
                MachineSource::RecordedByBenches,
                Some(meta.profile),
                Some(meta.started),
            ),
            None => (
                Machine::detect(),
                MachineSource::ReadAtReportTime,
                None,
                None,
            ),
        };
        // Groups another profile measured earlier (e.g. `hash-256KiB` of `quick` beside the
        // default's `hash-1MiB`) would mix two runs' settings in one page: left out, and said.
        let planned = profile.map(|p| Plan::new(p, machine.logical_cores).groups());
        let mut skipped = data.skipped;
        let mut stale = std::collections::BTreeSet::new();
        let mut by_group: BTreeMap<Group, Vec<Measurement>> = BTreeMap::new();
        for m in &data.measurements {
            match &planned {
                Some(planned) if !planned.contains(&m.id.group) => {
                    stale.insert(m.id.group);
                }
                _ => by_group.entry(m.id.group).or_default().push(m.clone()),
            }
        }
        for group in stale {
            skipped.push(format!(
                "{group}: not a group of the latest run's profile ({}); measured by an earlier run \
                 with other settings, so left out",
                profile.map_or("unknown", Profile::name)
            ));
        }
        let groups: Vec<GroupAnalysis> = by_group
            .iter()
            .map(|(group, ms)| GroupAnalysis::new(*group, ms))
            .collect();
        let verdicts = analysis::verdicts(&groups);
        let break_even = analysis::break_even(&groups);
        let plateaus = analysis::plateaus(&groups);
        let memory = MemoryRecord::read_all(criterion_dir)?;
        let cores = machine.logical_cores;
        let amdahl = scaling::amdahl_rows(&groups, cores);
        let gil = gil::compare(&groups, cores);
        let waits = analysis::waits_rows(&groups, &memory);
        let findings = findings::findings(&findings::Inputs {
            groups: &groups,
            break_even: &break_even,
            plateaus: &plateaus,
            amdahl: &amdahl,
            gil: gil.as_ref(),
            waits: &waits,
            logical_cores: cores,
        });
        let missing_groups = missing_groups(&groups, profile, machine.logical_cores);
        let mut levels: Vec<f64> = groups
            .iter()
            .flat_map(|g| g.points.iter().map(|p| p.measurement.confidence_level))
            .collect();
        levels.sort_by(f64::total_cmp);
        levels.dedup();
        let confidence_level = (levels.len() == 1).then(|| levels[0]);
        Ok(Report {
            generated,
            machine,
            machine_source,
            profile,
            run_started,
            groups,
            verdicts,
            break_even,
            plateaus,
            amdahl,
            gil,
            waits,
            memory,
            findings,
            missing_groups,
            skipped,
            confidence_level,
            criterion_url: criterion_url(criterion_dir, out_dir),
        })
    }

    /// The link to Criterion's own page for a benchmark directory (relative to the output
    /// directory when possible).
    pub fn criterion_page(&self, directory: &str) -> String {
        format!(
            "{}{}/report/index.html",
            self.criterion_url,
            url_path(directory)
        )
    }

    /// The link to Criterion's own summary page of all benchmarks.
    pub fn criterion_index(&self) -> String {
        format!("{}report/index.html", self.criterion_url)
    }

    /// How many benchmarks the report covers.
    pub fn benchmark_count(&self) -> usize {
        self.groups.iter().map(|g| g.points.len()).sum()
    }
}

/// Reads Criterion's results below `criterion_dir` and writes `index.html`, `summary.md` and
/// `summary.json` into `out_dir` (created if needed).
///
/// Works on partial data (missing groups are listed in the report); a missing or corrupt
/// Criterion file, or a corrupt `parbench-memory.json`, is an error naming it, and an empty `criterion_dir` an error
/// telling to run `cargo bench` first. Two runs on the same data write the same files apart
/// from the generation time.
pub fn generate(criterion_dir: &Path, out_dir: &Path) -> Result<ReportSummary> {
    let generated = humantime::format_rfc3339_seconds(SystemTime::now()).to_string();
    std::fs::create_dir_all(out_dir).map_err(|source| Error::Io {
        action: "cannot create",
        path: out_dir.to_path_buf(),
        source,
    })?;
    let report = Report::build(criterion_dir, out_dir, generated)?;
    let html = out_dir.join(HTML_FILE);
    let markdown = out_dir.join(MARKDOWN_FILE);
    let json = out_dir.join(JSON_FILE);
    write(&html, &html::render(&report))?;
    write(&markdown, &markdown::render(&report))?;
    write(&json, &json::render(&report))?;
    Ok(ReportSummary {
        html,
        markdown,
        json,
        benchmarks: report.benchmark_count(),
        missing_groups: report.missing_groups,
        skipped: report.skipped,
    })
}

fn write(path: &Path, text: &str) -> Result<()> {
    std::fs::write(path, text).map_err(|source| Error::Io {
        action: "cannot write",
        path: path.to_path_buf(),
        source,
    })
}

/// The groups the profile runs (the machine's plan) whose kind has no data at all.
fn missing_groups(
    groups: &[GroupAnalysis],
    profile: Option<Profile>,
    logical_cores: usize,
) -> Vec<String> {
    let expected = Plan::new(profile.unwrap_or(Profile::Default), logical_cores).groups();
    let kind = |g: &Group| std::mem::discriminant(g);
    expected
        .into_iter()
        .filter(|e| !groups.iter().any(|g| kind(&g.group) == kind(e)))
        .map(|e| e.to_string())
        .collect()
}

/// The URL prefix (ending in `/`) from `out_dir` to `criterion_dir`: relative when both
/// resolve, else an absolute `file://` URL.
fn criterion_url(criterion_dir: &Path, out_dir: &Path) -> String {
    let (Ok(target), Ok(from)) = (criterion_dir.canonicalize(), out_dir.canonicalize()) else {
        let absolute = std::path::absolute(criterion_dir).unwrap_or(criterion_dir.to_path_buf());
        return format!("file://{}/", url_path(&absolute.to_string_lossy()));
    };
    match relative_path(&from, &target) {
        Some(rel) if rel.as_os_str().is_empty() => String::new(),
        Some(rel) => {
            let parts: Vec<String> = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            format!("{}/", url_path(&parts.join("/")))
        }
        None => format!("file://{}/", url_path(&target.to_string_lossy())),
    }
}

/// The path leading from directory `from` to `to`, both absolute; `None` if they share no
/// root (e.g. different drives).
fn relative_path(from: &Path, to: &Path) -> Option<PathBuf> {
    let from: Vec<Component> = from.components().collect();
    let to: Vec<Component> = to.components().collect();
    if from.first() != to.first() {
        return None;
    }
    let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    let mut rel = PathBuf::new();
    for _ in common..from.len() {
        rel.push("..");
    }
    for c in &to[common..] {
        rel.push(c.as_os_str());
    }
    Some(rel)
}

/// Percent-encodes what a URL path cannot hold literally; keeps `/`.
fn url_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for byte in path.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                out.push(byte as char)
            }
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

/// The machine section's rows (label, value), shared by the HTML and Markdown outputs.
fn machine_rows(report: &Report) -> Vec<(&'static str, String)> {
    let m = &report.machine;
    let not_recorded = || "not recorded".to_string();
    vec![
        ("Logical cores", m.logical_cores.to_string()),
        ("Physical cores", m.physical_cores.to_string()),
        ("CPU model", m.cpu_model.clone()),
        ("OS", m.os.clone()),
        ("Compiler", m.rustc.clone()),
        ("parbench", m.parbench.clone()),
        (
            "Profile",
            report
                .profile
                .map(|p| p.name().to_string())
                .unwrap_or_else(not_recorded),
        ),
        (
            "Run started",
            report.run_started.clone().unwrap_or_else(not_recorded),
        ),
        (
            "Source of these facts",
            match report.machine_source {
                MachineSource::RecordedByBenches => "recorded by the benches".to_string(),
                MachineSource::ReadAtReportTime => {
                    "not recorded by the benches: this machine, read at report time".to_string()
                }
            },
        ),
    ]
}

/// The rule behind the verdicts, in words, shared by the HTML and Markdown outputs.
fn verdict_rule(report: &Report) -> String {
    let level = report
        .confidence_level
        .map(|c| format!("{:.0} %", c * 100.0))
        .unwrap_or_else(|| "Criterion's".to_string());
    format!(
        "Speedup = sequential's mean time / the strategy's mean time at the same value, with the \
         interval [sequential lower / strategy upper, sequential upper / strategy lower] from \
         {level} confidence intervals. Each verdict is taken at the largest value where the \
         strategy has a speedup. helps ×S: the whole interval is at least ×{helps}; hurts ×S: the \
         whole interval is at most ×{hurts} (S = times slower); no gain: the whole interval lies \
         within [×{hurts}, ×{helps}]; inconclusive: the interval crosses a threshold.",
        helps = analysis::HELPS_AT_LEAST,
        hurts = analysis::HURTS_AT_MOST,
    )
}

/// The notes on missing or skipped data, shared by the HTML and Markdown outputs.
fn notes(report: &Report) -> Vec<String> {
    let mut notes = Vec::new();
    if !report.missing_groups.is_empty() {
        notes.push(format!(
            "Not run in this data: {}. Run `cargo bench` without a filter to measure them.",
            report.missing_groups.join(", ")
        ));
    }
    for skipped in &report.skipped {
        notes.push(format!("Skipped {skipped}."));
    }
    if report.confidence_level.is_none() {
        notes.push("The benchmarks were measured at different confidence levels.".to_string());
    }
    notes
}

/// The break-even cell and the overhead cell of a row.
fn break_even_cells(row: &analysis::BreakEvenRow) -> (String, String) {
    let at = match &row.break_even {
        analysis::BreakEven::At { bytes, .. } => {
            format!("{} per task", crate::units::bytes_label(*bytes))
        }
        analysis::BreakEven::Never { largest, .. } => format!(
            "never in the measured range (up to {})",
            crate::units::bytes_label(*largest)
        ),
        analysis::BreakEven::NotMeasured => "not measured".to_string(),
    };
    let overhead = row
        .overhead
        .as_ref()
        .map(|o| {
            format!(
                "{} [{}, {}]",
                time_label(o.per_task_ns.point),
                time_label(o.per_task_ns.lower),
                time_label(o.per_task_ns.upper)
            )
        })
        .unwrap_or_else(|| "not measured".to_string());
    (at, overhead)
}

/// The benchmark directory a break-even row links to: its break-even point, else its
/// overhead point.
fn break_even_link(row: &analysis::BreakEvenRow) -> Option<&str> {
    match &row.break_even {
        analysis::BreakEven::At { point, .. } | analysis::BreakEven::Never { point, .. } => {
            Some(&point.measurement.directory)
        }
        _ => row
            .overhead
            .as_ref()
            .map(|o| o.point.measurement.directory.as_str()),
    }
}

/// A swept value as the tables show it: a byte size for the break-even sweep, a percentage for
/// the mixed sweep, else the number.
fn value_label(group: &Group, value: u64) -> String {
    match group {
        Group::HashSize { .. } => crate::units::bytes_label(value),
        Group::Mixed { .. } => format!("{value} %"),
        _ => value.to_string(),
    }
}

/// The explanation above the Amdahl table, shared by the HTML and Markdown outputs.
fn amdahl_rule(report: &Report) -> String {
    let predict: Vec<String> = scaling::PREDICT_AT.iter().map(|n| n.to_string()).collect();
    format!(
        "Each strategy's speedup on W workers is its own 1-worker time / its time on W workers, \
         all hashing the same tasks. Amdahl's law S(W) = 1 / (s + (1 − s) / W) is fitted (least \
         squares on 1/S − 1/W = s (1 − 1/W)) to the points with at most {cores} workers, the \
         logical cores: beyond them workers share cores, a plateau Amdahl's law does not model, so \
         those points are shown but not fitted. The range of s is the fit on every speedup's \
         lower bound (pessimistic) and on every upper bound (optimistic); SE is the fit's standard \
         error, 0 when only one point has more than one worker. Predictions on {} cores use the \
         fitted s, with the range from that range of s; they assume those cores behave like these.",
        predict.join(", "),
        cores = report.machine.logical_cores
    )
}

/// The serial-fraction cell of an Amdahl row: `0.05 [0.03, 0.08], SE 0.00`, or why there is none.
fn serial_fraction_cell(row: &scaling::AmdahlRow) -> String {
    match &row.fit {
        Ok(f) => format!(
            "{:.3} [{:.3}, {:.3}], SE {:.3}",
            f.fit.serial_fraction, f.optimistic, f.pessimistic, f.fit.standard_error
        ),
        Err(reason) => format!("no fit: {reason}"),
    }
}

/// The measured-speedups cell of an Amdahl row: `1: ×1, 2: ×1.96 [1.90, 2.02], 4*: ×1.97`,
/// `*` marking points beyond the cores (not fitted).
fn measured_cell(row: &scaling::AmdahlRow) -> String {
    let parts: Vec<String> = row
        .measured()
        .iter()
        .map(|(n, s)| {
            let beyond = if *n > row.fitted_up_to { "*" } else { "" };
            if *n == 1 {
                format!("{n}: ×1")
            } else {
                format!(
                    "{n}{beyond}: ×{} [{}, {}]",
                    analysis::factor(s.point),
                    analysis::factor(s.lower),
                    analysis::factor(s.upper)
                )
            }
        })
        .collect();
    if parts.is_empty() {
        "none".to_string()
    } else {
        parts.join(", ")
    }
}

/// The prediction cells of an Amdahl row, one per [`scaling::PREDICT_AT`]: `×15.4 [12.1, 19.0]`.
fn prediction_cells(row: &scaling::AmdahlRow) -> Vec<String> {
    scaling::PREDICT_AT
        .iter()
        .map(|&n| match &row.fit {
            Ok(f) => {
                let p = f.predict(n);
                format!(
                    "×{} [{}, {}]",
                    analysis::factor(p.speedup),
                    analysis::factor(p.low),
                    analysis::factor(p.high)
                )
            }
            Err(_) => "–".to_string(),
        })
        .collect()
}

/// The GIL section's column headers for the waiting and computing sides.
fn gil_headers(c: &gil::GilComparison) -> (String, String) {
    let side = |s: Option<gil::Side>, what: &str| match s {
        Some(s) => format!("{what}: {} tasks of {}", s.tasks, s.group),
        None => format!("{what}: not measured"),
    };
    (side(c.waiting, "Waiting"), side(c.computing, "Computing"))
}

/// A speedup cell of the GIL table.
fn speedup_cell(point: Option<&analysis::Point>) -> String {
    point
        .map(|p| p.comparison.label())
        .unwrap_or_else(|| "not measured".to_string())
}

/// The explanation above the mixed-task section, shared by the HTML and Markdown outputs.
fn mixed_rule(report: &Report) -> String {
    format!(
        "Each task costs the same total time, part hashing and part waiting; the x axis is the \
         waiting share. The dashed references are ×N, where all waiting overlaps (every task waits \
         at once: the 100 % end), and ×min(N, {} logical cores), pure computing (the 0 % end). \
         Between them, the best any schedule can do at waiting share p is min(N, cores / (1 − p)) \
         (the cores must still run all the hashing), which rises from the lower reference to the \
         upper one; a strategy that stays on the lower line does not overlap its waiting.",
        report.machine.logical_cores
    )
}

/// The shares measured in a mixed group and, per strategy, its speedup label at each share.
fn mixed_table(g: &GroupAnalysis) -> (Vec<u64>, Vec<(String, Vec<String>)>) {
    let shares = g.values();
    let rows = g
        .strategies()
        .into_iter()
        .filter(|s| *s != analysis::SEQUENTIAL)
        .map(|s| {
            let cells = shares
                .iter()
                .map(|&v| {
                    g.point(s, v)
                        .map(|p| p.comparison.label())
                        .unwrap_or_else(|| "–".to_string())
                })
                .collect();
            (s.to_string(), cells)
        })
        .collect();
    (shares, rows)
}

/// A memory record's growth (peak minus before) in MiB, `+90.0 MiB`; "not recorded" without one.
fn memory_growth_label(record: Option<&MemoryRecord>) -> String {
    match record {
        Some(r) => format!("+{:.1} MiB", r.growth_bytes() as f64 / (1u64 << 20) as f64),
        None => "not recorded".to_string(),
    }
}

/// Formats a time in nanoseconds with three significant digits and a unit (`12.3 µs`).
pub fn time_label(ns: f64) -> String {
    let (value, unit) = if ns >= 1e9 {
        (ns / 1e9, "s")
    } else if ns >= 1e6 {
        (ns / 1e6, "ms")
    } else if ns >= 1e3 {
        (ns / 1e3, "µs")
    } else {
        (ns, "ns")
    };
    format!("{} {unit}", analysis::factor(value))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths_climb_then_descend() {
        let rel = relative_path(
            Path::new("/a/b/reports"),
            Path::new("/a/b/target/criterion"),
        );
        assert_eq!(rel.unwrap(), PathBuf::from("../target/criterion"));
        let rel = relative_path(Path::new("/a"), Path::new("/a"));
        assert_eq!(rel.unwrap(), PathBuf::new());
    }

    #[test]
    fn links_are_relative_and_encoded() {
        let dir = tempfile::tempdir().unwrap();
        let criterion = dir.path().join("target/criterion");
        let out = dir.path().join("reports");
        std::fs::create_dir_all(&criterion).unwrap();
        std::fs::create_dir_all(&out).unwrap();
        assert_eq!(criterion_url(&criterion, &out), "../target/criterion/");
        assert_eq!(url_path("a b/c%"), "a%20b/c%25");
    }

    #[test]
    fn missing_groups_are_the_plans_groups_without_data() {
        let kinds = |profile, cores| -> Vec<String> {
            missing_groups(&[], profile, cores)
                .iter()
                .map(|g| g.split('-').next().unwrap().to_string())
                .collect()
        };
        assert_eq!(kinds(Some(Profile::Seed), 2), ["sleep"]);
        assert_eq!(
            kinds(None, 4),
            [
                "sleep",
                "hash",
                "hash",
                "overhead",
                "receive",
                "primitive",
                "hash",
                "mixed",
                "waits",
                "file",
                "net"
            ]
        );
        let sleep = Group::Sleep {
            duration: std::time::Duration::from_millis(10),
        };
        let data = [Measurement {
            id: crate::bench_id::BenchId::new(sleep, crate::bench_id::BenchFunction::Threads, 4),
            directory: String::new(),
            mean_ns: Interval {
                point: 1.0,
                lower: 1.0,
                upper: 1.0,
            },
            confidence_level: 0.95,
        }];
        let groups = [GroupAnalysis::new(sleep, &data)];
        assert!(missing_groups(&groups, Some(Profile::Seed), 2).is_empty());
    }

    #[test]
    fn time_labels_pick_a_unit() {
        assert_eq!(time_label(12_345.0), "12.3 µs");
        assert_eq!(time_label(1.5e9), "1.50 s");
        assert_eq!(time_label(999.0), "999 ns");
    }
}
