//! The page comparing two or more runs (`parbench compare RUN… --html OUT`): each run's
//! machine, speed canary and measurement quality, the verdict matrices side by side with the
//! cells that differ marked, the headline speedups of every run in one chart, and each run's
//! costs per task.
//!
//! Built on [`Comparison::of`] between the first run and each other one, so the same rules
//! hold: other schema versions and runs with nothing in common are refused, and what could not
//! be compared is said with its reason. One self-contained file in the answer page's style.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use maud::{Markup, html};

use super::{Comparison, LeftOut, RunSummary, Verdict};
use crate::bench_id::Group;
use crate::costs::summary::CostEntry;
use crate::error::{Error, Result};
use crate::interval::Interval;
use crate::machine::Machine;
use crate::report::format;

/// The file the page is written to inside its directory.
pub const HTML_FILE: &str = "index.html";

/// The strategy of the headline chart: one thread per task, the lesson's.
const HEADLINE_STRATEGY: &str = "threads";

/// The headline groups of the chart: waiting (sleep tasks) and computing (hash tasks by count).
fn headline_kind(group: &Group) -> Option<&'static str> {
    match group {
        Group::Sleep { .. } => Some("Waiting"),
        Group::Hash { .. } => Some("Computing"),
        _ => None,
    }
}

/// What a run's `summary.json` says besides its benchmarks and verdicts, for the page.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RunFacts {
    /// The machine it ran on, if recorded.
    pub machine: Option<Machine>,
    /// When the run started (RFC 3339), if recorded.
    pub run_started: Option<String>,
    /// When its summary was generated (RFC 3339).
    pub generated: Option<String>,
    /// The measurement quality line.
    pub quality_line: Option<String>,
    /// The speed canary in one line, when the run has readings.
    pub canary_line: Option<String>,
    /// The verdict matrix's columns (strategies), in the run's order.
    pub columns: Vec<String>,
    /// The verdict matrix's rows (groups), in the run's order.
    pub rows: Vec<String>,
    /// The costs per strategy.
    pub costs: Vec<CostEntry>,
    /// Groups the run's profile plans that it has no data for.
    pub missing_groups: Vec<String>,
}

impl RunFacts {
    /// Reads the facts from a summary already checked against the schema; what is absent
    /// stays empty.
    pub fn read(value: &serde_json::Value) -> RunFacts {
        let text = |v: &serde_json::Value| v.as_str().map(str::to_string);
        let strings = |v: &serde_json::Value| -> Vec<String> {
            v.as_array()
                .map(|a| {
                    a.iter()
                        .filter_map(|s| s.as_str().map(str::to_string))
                        .collect()
                })
                .unwrap_or_default()
        };
        let matrix = &value["verdict_matrix"];
        RunFacts {
            machine: serde_json::from_value(value["machine"].clone()).ok(),
            run_started: text(&value["run_started"]),
            generated: text(&value["generated"]),
            quality_line: text(&value["quality"]["line"]),
            canary_line: canary_line(&value["pairs"]),
            columns: strings(&matrix["columns"]),
            rows: matrix["rows"]
                .as_array()
                .map(|rows| rows.iter().filter_map(|r| text(&r["group"])).collect())
                .unwrap_or_default(),
            costs: serde_json::from_value(value["costs"].clone()).unwrap_or_default(),
            missing_groups: strings(&value["missing_groups"]),
        }
    }
}

/// The canary's line from the summary's `pairs` object: how much the machine's speed moved.
fn canary_line(pairs: &serde_json::Value) -> Option<String> {
    let c = &pairs["canary"];
    let readings = c["readings"].as_u64()?;
    let slowest = c["slowest_factor"].as_f64()?;
    let (low, high) = (
        c["scaling"]["lower"].as_f64()?,
        c["scaling"]["upper"].as_f64()?,
    );
    let mut line = format!(
        "Speed canary: {readings} readings, the slowest {} of the fastest; all cores scaled {} \
         to {}.",
        format::times(slowest),
        format::times(low),
        format::times(high)
    );
    if let (Some(fastest), Some(median)) = (
        c["spawn"]["fastest_ns"].as_f64(),
        c["spawn"]["median_factor"].as_f64(),
    ) {
        line.push_str(&format!(
            " Starting a process took {} (median).",
            format::time(fastest * median)
        ));
    }
    let slow: Vec<&str> = pairs["slow_groups"]
        .as_array()
        .map(|a| a.iter().filter_map(|s| s.as_str()).collect())
        .unwrap_or_default();
    if !slow.is_empty() {
        line.push_str(&format!(
            " Measured in a slow stretch: {}.",
            slow.join(", ")
        ));
    }
    Some(line)
}

/// One run on the page: its letter, its label and its summary.
pub struct LabelledRun<'a> {
    /// `A`, `B`, `C`…
    pub letter: char,
    /// `--label`, else the machine and the time.
    pub label: String,
    /// The run.
    pub run: &'a RunSummary,
}

impl LabelledRun<'_> {
    fn verdict(&self, group: &str, strategy: &str) -> Option<&Verdict> {
        self.run.verdicts.get(&format!("{group}/{strategy}"))
    }

    fn machine_line(&self) -> String {
        let f = &self.run.facts;
        let mut parts = Vec::new();
        match &f.machine {
            Some(m) => parts.push(format!(
                "{} CPUs ({} physical cores), {}, {}, {}",
                m.cpus_text(),
                m.physical_cores,
                m.cpu_model,
                m.os,
                m.rustc
            )),
            None => parts.push("machine not recorded".to_string()),
        }
        parts.push(match &self.run.info.profile {
            Some(p) => format!("{p} profile"),
            None => "profile not recorded".to_string(),
        });
        if let Some(at) = &f.run_started {
            parts.push(format!("started {}", short_time(at)));
        }
        parts.join(", ")
    }
}

/// The default label of a run: its CPUs, CPU model and start time, else its file.
pub fn default_label(run: &RunSummary) -> String {
    let f = &run.facts;
    match &f.machine {
        Some(m) => {
            let mut label = format!("{} CPUs, {}", m.cpus_text(), m.cpu_model);
            if let Some(at) = f.run_started.as_ref().or(f.generated.as_ref()) {
                label.push_str(&format!(", {}", short_time(at)));
            }
            label
        }
        None => run.info.path.display().to_string(),
    }
}

/// `2026-12-04T23:05:10Z` as `2026-12-04 23:05 UTC`.
fn short_time(at: &str) -> String {
    match (at.get(..10), at.get(11..16)) {
        (Some(day), Some(time)) if at.ends_with('Z') => format!("{day} {time} UTC"),
        _ => at.to_string(),
    }
}

/// How a cell of the matrix differs between the runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Difference {
    /// The runs agree (or only one has a verdict).
    Same,
    /// A speedup lies outside another run's interval, with the same verdict.
    SpeedupMoved,
    /// The verdict changed.
    VerdictChanged,
}

/// How the verdicts of one cell differ across runs.
pub fn difference(verdicts: &[Option<&Verdict>]) -> Difference {
    let present: Vec<&Verdict> = verdicts.iter().flatten().copied().collect();
    if present.windows(2).any(|w| w[0].kind != w[1].kind) {
        return Difference::VerdictChanged;
    }
    let outside = |x: &Verdict, y: &Verdict| match (x.speedup, y.speedup) {
        (Some(p), Some(q)) => !p.contains(q.point) && !q.contains(p.point),
        _ => false,
    };
    let moved = present
        .iter()
        .enumerate()
        .any(|(i, x)| present[i + 1..].iter().any(|y| outside(x, y)));
    if moved {
        Difference::SpeedupMoved
    } else {
        Difference::Same
    }
}

/// Compares `runs` (two or more; labels from `labels` in order, the rest by machine and time)
/// and writes the page into directory `out`; returns the page's path.
pub fn write(runs: &[RunSummary], labels: &[String], out: &Path) -> Result<PathBuf> {
    let html = html(runs, labels)?;
    std::fs::create_dir_all(out).map_err(|source| Error::io("cannot create", out, source))?;
    let path = out.join(HTML_FILE);
    std::fs::write(&path, html).map_err(|source| Error::io("cannot write", &path, source))?;
    Ok(path)
}

/// The page comparing `runs` (see [`write`]).
pub fn html(runs: &[RunSummary], labels: &[String]) -> Result<String> {
    if runs.len() < 2 {
        return Err(Error::InvalidInput {
            flag: "--html",
            message: format!(
                "compares two or more runs, got {}: give each run's summary.json or report \
                 directory",
                runs.len()
            ),
        });
    }
    if labels.len() > runs.len() {
        return Err(Error::InvalidInput {
            flag: "--label",
            message: format!(
                "was given {} times for {} runs: give at most one label per run",
                labels.len(),
                runs.len()
            ),
        });
    }
    let comparisons = runs[1..]
        .iter()
        .map(|other| Comparison::of(&runs[0], other))
        .collect::<Result<Vec<_>>>()?;
    let runs: Vec<LabelledRun> = runs
        .iter()
        .enumerate()
        .map(|(i, run)| LabelledRun {
            letter: (b'A' + i as u8) as char,
            label: labels.get(i).cloned().unwrap_or_else(|| default_label(run)),
            run,
        })
        .collect();
    let title = format!("parbench: {} runs side by side", runs.len());
    let body = html! {
        header {
            h1 { (title) }
            ol #runs {
                @for r in &runs {
                    li data-run=(r.letter) {
                        span.run-letter { (r.letter) } " " strong { (r.label) } ": "
                        span.machine-line { "measured on " (r.machine_line()) "." }
                        @if r.run.facts.canary_line.is_some() || r.run.facts.quality_line.is_some() {
                            p.machine-line {
                                @if let Some(line) = &r.run.facts.canary_line { span.canary-line { (line) } " " }
                                @if let Some(line) = &r.run.facts.quality_line { span.quality-line { "Measurement quality: " (line) "." } }
                            }
                        }
                    }
                }
            }
        }
        main {
            (matrix(&runs))
            nav #contents aria-label="Contents" {
                h2 { "Contents" }
                ol {
                    li { a href="#verdicts" { "Verdicts side by side" } }
                    li { a href="#headline" { "Headline speedups" } }
                    li { a href="#costs" { "Costs per task" } }
                    li { a href="#left-out" { "What could not be compared" } }
                    li { a href="#reruns" { "Re-runs of one machine" } }
                }
            }
            (headline(&runs))
            (costs(&runs))
            (left_out(&runs, &comparisons))
            (reruns(&runs, &comparisons))
        }
    };
    let style = format!("{}{STYLE}", crate::report::PAGE_STYLE);
    Ok(crate::report::document(
        &title,
        &style,
        Markup::default(),
        body,
    ))
}

/// What the compare page adds to the answer page's style.
const STYLE: &str = r#"
#runs{margin:.3rem 0 .4rem;padding-left:0;list-style:none}
#runs li{margin:.2rem 0}
#runs .machine-line{font-size:.85rem}
#runs li>p.machine-line{margin-left:1.8em}
.run-letter{display:inline-block;min-width:1.4em;text-align:center;font-weight:700;
border:1px solid var(--line);border-radius:3px;background:var(--head)}
#compare-matrix{font-variant-numeric:tabular-nums}
#compare-matrix tbody th{white-space:nowrap}
#compare-matrix{font-size:.82rem}
#compare-matrix th{padding:.15rem .3rem}
#compare-matrix td{padding:.1rem .2rem}
#compare-matrix td .cell-run{display:block;padding:0 .25rem;margin:.1rem 0;border-radius:2px;white-space:nowrap}
#compare-matrix td.differs{outline:3px solid var(--note-line);outline-offset:-3px}
.mark{font-weight:700;color:var(--note-line)}
ul.changes li{margin:.1rem 0}
"#;

/// The union of the runs' matrix layouts: rows (groups) and columns (strategies) in the
/// order they first appear.
fn layout(runs: &[LabelledRun]) -> (Vec<String>, Vec<String>) {
    let mut rows: Vec<String> = Vec::new();
    let mut columns: Vec<String> = Vec::new();
    let add = |list: &mut Vec<String>, item: &str| {
        if !list.iter().any(|x| x == item) {
            list.push(item.to_string());
        }
    };
    for r in runs {
        for row in &r.run.facts.rows {
            add(&mut rows, row);
        }
        for column in &r.run.facts.columns {
            add(&mut columns, column);
        }
    }
    // Summaries without a recorded layout: their verdicts' groups and strategies.
    for r in runs {
        for key in r.run.verdicts.keys() {
            if let Some((group, strategy)) = key.rsplit_once('/') {
                if r.run.facts.rows.is_empty() {
                    add(&mut rows, group);
                }
                if r.run.facts.columns.is_empty() {
                    add(&mut columns, strategy);
                }
            }
        }
    }
    (rows, columns)
}

/// The point a verdict was taken at: `16` of `hash-1MiB/threads/16`.
fn point(v: &Verdict) -> &str {
    v.id.rsplit('/').next().unwrap_or("")
}

/// One cell of the matrix: every run's verdict and how they differ.
struct Cell<'a> {
    id: String,
    verdicts: Vec<Option<&'a Verdict>>,
    difference: Difference,
    other_points: bool,
}

impl Cell<'_> {
    fn marked(&self) -> bool {
        self.difference != Difference::Same
    }

    /// Every run's verdict in words: `A helps ×1.83 at 16; B no gain at 8`.
    fn each(&self, runs: &[LabelledRun]) -> String {
        runs.iter()
            .zip(&self.verdicts)
            .map(|(r, v)| match v {
                Some(v) => format!("{} {} at {}", r.letter, v.label, point(v)),
                None => format!("{} not measured", r.letter),
            })
            .collect::<Vec<_>>()
            .join("; ")
    }
}

/// The matrix: one row per group, one column per strategy, each cell every run's verdict.
fn matrix(runs: &[LabelledRun]) -> Markup {
    let (rows, columns) = layout(runs);
    let cells: Vec<(&String, Vec<Option<Cell>>)> = rows
        .iter()
        .map(|g| {
            let row = columns
                .iter()
                .map(|c| {
                    let verdicts: Vec<Option<&Verdict>> =
                        runs.iter().map(|r| r.verdict(g, c)).collect();
                    let points: BTreeSet<&str> =
                        verdicts.iter().flatten().map(|v| point(v)).collect();
                    (!verdicts.iter().all(Option::is_none)).then(|| Cell {
                        id: format!("{g}/{c}"),
                        difference: difference(&verdicts),
                        other_points: points.len() > 1,
                        verdicts,
                    })
                })
                .collect();
            (g, row)
        })
        .collect();
    let changes: Vec<&Cell> = cells
        .iter()
        .flat_map(|(_, row)| row.iter().flatten())
        .filter(|c| c.marked())
        .collect();
    let table = html! {
        table #compare-matrix {
            thead { tr { th { "Workload" } @for c in &columns { th scope="col" { (c) } } } }
            tbody { @for (g, row) in &cells { tr {
                th scope="row" { (g) }
                @for cell in row { @match cell {
                    None => td.not-measured { "–" },
                    Some(cell) => td class=[cell.marked().then_some("differs")]
                        data-cell=(cell.id)
                        data-differs=(match cell.difference { Difference::Same => "no", Difference::SpeedupMoved => "speedup", Difference::VerdictChanged => "verdict" }) {
                        @for (r, v) in runs.iter().zip(&cell.verdicts) {
                            @match v {
                                Some(v) => span class={"cell-run verdict-" (v.kind) @if v.borderline { " borderline" }}
                                    title={(r.letter) ": " (v.label) " at " (point(v))} {
                                    (r.letter) " " (v.label) @if v.borderline { "°" }
                                },
                                None => span.cell-run.not-measured { (r.letter) " –" },
                            }
                        }
                        @match cell.difference {
                            Difference::VerdictChanged => span.mark title="the verdict changed" { "≠" },
                            Difference::SpeedupMoved => span.mark title="a speedup lies outside another run's interval" { "↔" },
                            Difference::Same => {},
                        }
                        @if cell.other_points { span.mark title="taken at different points: each run's sweep is sized to its CPUs" { "†" } }
                    },
                } }
            } } }
        }
    };
    html! {
        section #verdicts {
            h2 { "Verdicts side by side" }
            p.legend {
                "Each cell lists every run's verdict (helps / no gain / hurts / inconclusive, ° borderline) "
                "for the workload and strategy. Marked cells differ: "
                span.mark { "≠" } " the verdict changed, "
                span.mark { "↔" } " the same verdict but a speedup outside another run's interval; "
                span.mark { "†" } " the runs took the verdict at different points (task counts are "
                "sized to each run's CPUs), so it answers the same question at each machine's own scale."
            }
            div.scroll { (table) }
            @if changes.is_empty() {
                p.finding #changes { "Every verdict the runs share agrees, within the intervals." }
            } @else {
                p.finding { (changes.iter().filter(|c| c.difference == Difference::VerdictChanged).count()) " verdicts changed, "
                    (changes.iter().filter(|c| c.difference == Difference::SpeedupMoved).count()) " speedups moved outside another run's interval:" }
                ul.changes #changes { @for cell in &changes {
                    li data-cell=(cell.id) { strong { (cell.id) } ": " (cell.each(runs))
                        @if cell.difference == Difference::SpeedupMoved { " (same verdict, speedup moved)" }
                        @if cell.other_points { " †" } }
                } }
            }
        }
    }
}

/// One panel of the headline chart: its kind, the groups it shows, each run's speedup.
struct Panel {
    kind: &'static str,
    groups: String,
    bars: Vec<(char, Option<Interval>)>,
}

/// One chart of the headline speedups: waiting and computing, one bar per run with its
/// interval, beside the "no gain" line at ×1.
fn headline(runs: &[LabelledRun]) -> Markup {
    // Per kind, each run's verdict on its first group of that kind (its name may differ
    // between profiles: hash-1MiB, hash-256KiB).
    let panels: Vec<Panel> = ["Waiting", "Computing"]
        .into_iter()
        .map(|kind| {
            let found: Vec<Option<&Verdict>> = runs
                .iter()
                .map(|r| {
                    r.run.verdicts.iter().find_map(|(key, v)| {
                        let (group, strategy) = key.rsplit_once('/')?;
                        (strategy == HEADLINE_STRATEGY
                            && Group::parse(group).as_ref().and_then(headline_kind) == Some(kind))
                        .then_some(v)
                    })
                })
                .collect();
            let groups: BTreeSet<&str> = found
                .iter()
                .flatten()
                .filter_map(|v| v.id.split('/').next())
                .collect();
            let bars = runs
                .iter()
                .zip(&found)
                .map(|(r, v)| (r.letter, v.and_then(|v| v.speedup)))
                .collect();
            Panel {
                kind,
                groups: groups.into_iter().collect::<Vec<_>>().join(" / "),
                bars,
            }
        })
        .collect();
    let bar_h = 22.0;
    let (left, right, width) = (40.0, 200.0, 760.0);
    let panel_h = |n: usize| 30.0 + bar_h * n as f64 + 22.0;
    let height: f64 = panels.iter().map(|p| panel_h(p.bars.len())).sum();
    let plot_w = width - left - right;
    let mut y0 = 0.0;
    let svg = html! {
        svg xmlns="http://www.w3.org/2000/svg" width=(width) height=(height)
            viewBox={"0 0 " (width) " " (height)} role="img"
            aria-label="Headline speedups of every run, waiting and computing, with intervals"
            font-family="system-ui, sans-serif" font-size="13" {
            @for Panel { kind: title, groups: group, bars } in &panels {
                @let top = { let t = y0; y0 += panel_h(bars.len()); t };
                @let max = bars.iter().filter_map(|b| b.1.map(|s| s.upper)).fold(1.0_f64, f64::max) * 1.1;
                @let x = |v: f64| left + plot_w * (v.max(0.0) / max);
                text x="0" y=(top + 18.0) font-weight="bold" fill="currentColor" {
                    (title) ": " (HEADLINE_STRATEGY) " on " (group)
                }
                line x1=(x(1.0)) x2=(x(1.0)) y1=(top + 26.0) y2=(top + 26.0 + bar_h * bars.len() as f64)
                    stroke="#888" stroke-dasharray="4 3" {}
                text x=(x(1.0)) y=(top + 26.0 + bar_h * bars.len() as f64 + 14.0) text-anchor="middle" fill="#888" font-size="11" { "×1 (no gain)" }
                @for (i, (letter, speedup)) in bars.iter().enumerate() {
                    @let y = top + 26.0 + bar_h * i as f64;
                    text x="8" y=(y + 15.0) fill="currentColor" font-weight="bold" { (letter) }
                    @match speedup {
                        Some(s) => {
                            rect x=(left) y=(y + 4.0) width=(x(s.point) - left) height=(bar_h - 8.0)
                                fill=(if s.point > 1.0 { "#3f9f73" } else { "#b0b0b0" }) {}
                            line x1=(x(s.lower)) x2=(x(s.upper)) y1=(y + bar_h / 2.0) y2=(y + bar_h / 2.0) stroke="currentColor" stroke-width="1.5" {}
                            line x1=(x(s.lower)) x2=(x(s.lower)) y1=(y + 6.0) y2=(y + bar_h - 6.0) stroke="currentColor" {}
                            line x1=(x(s.upper)) x2=(x(s.upper)) y1=(y + 6.0) y2=(y + bar_h - 6.0) stroke="currentColor" {}
                            text x=(width - right + 8.0) y=(y + 15.0) fill="currentColor" { (format::speedup(s)) }
                        },
                        None => text x=(left + 4.0) y=(y + 15.0) fill="#888" { "not measured" },
                    }
                }
            }
        }
    };
    html! {
        section #headline {
            h2 { "Headline speedups" }
            p.legend { "The speedup each verdict rests on (bar) with its interval (whiskers), over the "
                "sequential run of the same tasks; at the verdict's point of each run." }
            figure { (svg) }
        }
    }
}

/// Each run's costs per task, strategies ordered by the first run's cost (the ladder).
fn costs(runs: &[LabelledRun]) -> Markup {
    let mut strategies: Vec<(String, f64)> = Vec::new();
    for r in runs {
        for c in &r.run.facts.costs {
            if !strategies.iter().any(|(s, _)| *s == c.strategy) {
                strategies.push((c.strategy.clone(), c.per_task_ns.point));
            }
        }
    }
    strategies.sort_by(|a, b| a.1.total_cmp(&b.1));
    let cost = |r: &LabelledRun, strategy: &str| {
        r.run
            .facts
            .costs
            .iter()
            .find(|c| c.strategy == strategy)
            .cloned()
    };
    html! {
        section #costs {
            h2 { "Costs per task" }
            @if strategies.is_empty() {
                p.note { "No run has a cost model (its overhead bench did not run)." }
            } @else {
                p.legend { "What one more task costs on each strategy, from each run's fit of "
                    "T(N) = fixed + per task × N over empty tasks, cheapest first (by the first run that has it)." }
                div.scroll { table #costs-table {
                    thead { tr { th { "Strategy" } @for r in runs { th title=(r.label) { (r.letter) " per task [interval]" } } } }
                    tbody { @for (s, _) in &strategies { tr {
                        th scope="row" { (s) }
                        @for r in runs { td { @match cost(r, s) {
                            Some(c) => (format::time_interval(&c.per_task_ns)),
                            None => "–",
                        } } }
                    } } }
                } }
            }
        }
    }
}

/// What could not be compared between the first run and each other one, and why; groups a
/// run lacks that another has.
fn left_out(runs: &[LabelledRun], comparisons: &[Comparison]) -> Markup {
    let groups = |r: &LabelledRun| -> BTreeSet<String> {
        r.run
            .benchmarks
            .keys()
            .filter_map(|id| id.split('/').next().map(str::to_string))
            .collect()
    };
    let all: BTreeSet<String> = runs.iter().flat_map(groups).collect();
    let mut lines: Vec<String> = Vec::new();
    for r in runs {
        let has = groups(r);
        let missing: Vec<&String> = all.iter().filter(|g| !has.contains(*g)).collect();
        if !missing.is_empty() {
            lines.push(format!(
                "Run {} has no {} (measured in another run): its cells show –.",
                r.letter,
                missing
                    .iter()
                    .map(|s| s.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
    }
    for (r, c) in runs[1..].iter().zip(comparisons) {
        let a = runs[0].letter;
        let b = r.letter;
        let mut line = format!(
            "A and {b}: {} benchmarks compared; {} only in {a}, {} only in {b}",
            c.common_benchmarks, c.only_in_a, c.only_in_b
        );
        let params = c
            .left_out
            .iter()
            .filter(|l| matches!(l, LeftOut::DifferentParameters { .. }))
            .count();
        let points = c.left_out.len() - params;
        if params > 0 {
            line.push_str(&format!(
                "; {params} measured with different parameters (not compared)"
            ));
        }
        if points > 0 {
            line.push_str(&format!(
                "; {points} verdicts taken at different points (shown side by side, marked †)"
            ));
        }
        if runs[0].run.info.profile != r.run.info.profile {
            line.push_str(&format!(
                "; the profiles differ ({} and {}): only benchmarks measured with the same \
                 settings are compared",
                runs[0].run.info.profile.as_deref().unwrap_or("unknown"),
                r.run.info.profile.as_deref().unwrap_or("unknown")
            ));
        }
        line.push('.');
        lines.push(line);
        for l in &c.left_out {
            if let LeftOut::DifferentParameters { id, a: pa, b: pb } = l {
                lines.push(format!("{id}: {pa} in A, {pb} in {b}."));
            }
        }
    }
    html! {
        section #left-out {
            h2 { "What could not be compared" }
            ul { @for l in &lines { li { (l) } } }
        }
    }
}

/// Two runs of one machine (same CPUs and model): today's re-run statistics.
fn reruns(runs: &[LabelledRun], comparisons: &[Comparison]) -> Markup {
    let same = |x: &RunSummary, y: &RunSummary| match (&x.facts.machine, &y.facts.machine) {
        (Some(p), Some(q)) => {
            p.logical_cores == q.logical_cores
                && p.machine_cpus == q.machine_cpus
                && p.cpu_model == q.cpu_model
        }
        _ => false,
    };
    let pairs: Vec<(&LabelledRun, &Comparison)> = runs[1..]
        .iter()
        .zip(comparisons)
        .filter(|(r, _)| same(runs[0].run, r.run))
        .collect();
    html! {
        section #reruns {
            h2 { "Re-runs of one machine" }
            @if pairs.is_empty() {
                p { "No other run is of the first run's machine with the same CPUs: the "
                    "differences above are the machines' as much as the runs'." }
            }
            @for (r, c) in &pairs {
                h3 { "A and " (r.letter) }
                ul.rerun { @for line in c.text().lines() { li { (line) } } }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn verdict(kind: &str, point: f64, lower: f64, upper: f64) -> Verdict {
        Verdict {
            id: "g/threads/4".to_string(),
            kind: kind.to_string(),
            label: kind.to_string(),
            borderline: false,
            speedup: Some(Interval {
                point,
                lower,
                upper,
            }),
        }
    }

    #[test]
    fn cells_differ_by_verdict_or_by_interval() {
        let a = verdict("helps", 2.0, 1.9, 2.1);
        let same = verdict("helps", 2.05, 1.95, 2.15);
        let moved = verdict("helps", 3.0, 2.9, 3.1);
        let changed = verdict("no-gain", 1.0, 0.95, 1.05);
        assert_eq!(difference(&[Some(&a), Some(&same)]), Difference::Same);
        assert_eq!(
            difference(&[Some(&a), Some(&moved)]),
            Difference::SpeedupMoved
        );
        assert_eq!(
            difference(&[Some(&a), Some(&same), Some(&changed)]),
            Difference::VerdictChanged
        );
        assert_eq!(difference(&[Some(&a), None]), Difference::Same);
    }

    #[test]
    fn times_are_shortened() {
        assert_eq!(short_time("2026-12-04T23:05:10Z"), "2026-12-04 23:05 UTC");
        assert_eq!(short_time("yesterday"), "yesterday");
    }
}
