//! The report: reads Criterion's saved results and writes `index.html`, `summary.md` and
//! `summary.json` answering where threads help and where they don't.
//!
//! [`generate`] is the entry point; the benches call it at the end of every run and
//! `parbench report` calls it on demand. [`criterion_data`] reads the files, [`analysis`]
//! computes speedups, verdicts and break-even points, [`findings`] words them; one private
//! module per output format renders them. The JSON schema is documented in `json.rs`
//! (`"schema": "parbench-summary"`, [`SUMMARY_VERSION`]).

pub mod analysis;
mod charts;
pub mod criterion_data;
pub mod findings;
mod html;
mod json;
mod markdown;
#[cfg(test)]
pub(crate) mod testdata;

use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};
use std::time::SystemTime;

use serde::Serialize;

use crate::bench_id::Group;
use crate::error::{Error, Result};
use crate::machine::Machine;
use crate::suite::{Plan, Profile, RunMeta};

use analysis::{BreakEvenRow, GroupAnalysis, Plateau, VerdictRow};
use criterion_data::Measurement;

pub use json::SUMMARY_VERSION;

/// The page's file name inside the output directory.
pub const HTML_FILE: &str = "index.html";
/// The Markdown summary's file name inside the output directory.
pub const MARKDOWN_FILE: &str = "summary.md";
/// The JSON summary's file name inside the output directory.
pub const JSON_FILE: &str = "summary.json";

/// A point estimate with its confidence interval (a time in ns, or a speedup factor).
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
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
        let mut by_group: BTreeMap<Group, Vec<Measurement>> = BTreeMap::new();
        for m in &data.measurements {
            by_group.entry(m.id.group).or_default().push(m.clone());
        }
        let groups: Vec<GroupAnalysis> = by_group
            .iter()
            .map(|(group, ms)| GroupAnalysis::new(*group, ms))
            .collect();
        let verdicts = analysis::verdicts(&groups);
        let break_even = analysis::break_even(&groups);
        let plateaus = analysis::plateaus(&groups);
        let findings = findings::findings(&groups, &break_even, &plateaus, machine.logical_cores);
        let missing_groups = missing_groups(&groups, profile, machine.logical_cores);
        let mut levels: Vec<f64> = data
            .measurements
            .iter()
            .map(|m| m.confidence_level)
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
            findings,
            missing_groups,
            skipped: data.skipped,
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
/// Criterion file is an [`Error::BadData`] naming it, and an empty `criterion_dir` an error
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
    let plan = Plan::new(profile.unwrap_or(Profile::Default), logical_cores);
    let mut expected = Vec::new();
    if !plan.sleep_tasks().is_empty() {
        expected.push(Group::Sleep {
            duration: plan.sleep_duration(),
        });
    }
    if !plan.hash_tasks().is_empty() {
        expected.push(Group::Hash {
            bytes: plan.hash_bytes(),
        });
    }
    if !plan.break_even_bytes().is_empty() {
        expected.push(Group::HashSize {
            tasks: plan.break_even_tasks(),
        });
    }
    if plan.runs_overhead() {
        expected.push(Group::Overhead);
    }
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

/// A swept value as the tables show it: a byte size for the break-even sweep, else the number.
fn value_label(group: &Group, value: u64) -> String {
    match group {
        Group::HashSize { .. } => crate::units::bytes_label(value),
        _ => value.to_string(),
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
    fn time_labels_pick_a_unit() {
        assert_eq!(time_label(12_345.0), "12.3 µs");
        assert_eq!(time_label(1.5e9), "1.50 s");
        assert_eq!(time_label(999.0), "999 ns");
    }
}
