//! The page frame: puts the sections together into `index.html`, `summary.md` and
//! `summary.json`.
//!
//! The HTML page opens with the answer: the title, the machine in one line, then the first
//! section (the verdict matrix and the ranked takeaways), a table of contents, the notes on
//! missing data, and every other section with data. Each section is its headline (the
//! finding), its lead (a few sentences and one chart or small table) and its detail folded
//! into `<details>`, so that with every `<details>` closed the page stays within 3,000 words
//! and 12,000 px at 1400 × 900 (`tests/browser.rs`). It is one self-contained file: inline
//! CSS and SVG, one small optional script (opening the folded detail a followed link points
//! into), no font or file from the network; it follows the system's dark
//! mode, prints without navigation, and never scrolls sideways (wide tables scroll inside
//! their own box).
//!
//! `summary.json` (`"schema": "parbench-summary"`, `"version"`: [`SUMMARY_VERSION`]); times
//! are nanoseconds per iteration, `lower_ns`/`upper_ns` are Criterion's confidence interval of
//! the mean, speedup intervals combine both means' intervals widened for run-to-run variation
//! (`crate::quality::intervals`), strategies are [`crate::bench_id::BenchFunction`] names:
//!
//! ```text
//! { "schema": "parbench-summary", "version": 11,
//!   "generated": RFC 3339 time of generation (the only field that changes between two
//!                generations from the same data),
//!   "machine": { logical_cores, physical_cores, cpu_model, os, rustc, parbench,
//!                "source": "recorded-by-benches" | "read-at-report-time" },
//!   "profile": "quick" | "default" | "seed" | null, "run_started": RFC 3339 | null,
//!   "confidence_level": 0.95 | null,
//!   "thresholds": { "helps_at_least": 1.1, "hurts_at_most": 0.9, "no_gain_rules_out": 1.25 },
//!   "benchmarks": [ { "id", "group", "strategy", "value", "value_meaning",
//!                     "mean_ns", "lower_ns", "upper_ns",
//!                     "baseline": "sequential-at-same-value" | "own-one-worker" | "none",
//!                     "speedup": { "point", "lower", "upper" } | null,
//!                     "speedup_note": null | "is-baseline" | "no-baseline" | "not-compared",
//!                     "ideal_speedup": number | null, "criterion_page": relative URL,
//!                     "noise": { "relative_half_width", "severe_outliers", "samples",
//!                                "noisy": bool } | null (no sample.json) } ],
//!   "takeaways": [ { "section": section id, "sentence", "effect": |ln factor| } ],
//!   then one or more keys per section, in alphabetical order:
//!   "amdahl": [ { "group", "strategy", "fitted_up_to_workers": logical cores,
//!                 "measured": [ { "workers", "speedup": {..}, "fitted": bool } ],
//!                 "fit": { "serial_fraction", "serial_fraction_range": { "lower", "upper" },
//!                          "standard_error", "points", "worker_counts", "precision",
//!                          "predictions": [ { "kind": "estimate", "workers", "speedup", "low",
//!                                             "high", "label" }
//!                                         | { "kind": "unpinned", "workers", "low", "high",
//!                                             "label" } ],
//!                          "workers_to_pin_down_64_cores": number | null,
//!                          "what_is_missing": string | null } | null,
//!                 "fit_error": { "kind", "reason" } | null, "noisy": bool } ],
//!   "break_even": [ { "strategy", "group": string | null,
//!                     "status": "at" | "never" | "not-measured",
//!                     "bytes": at: break-even bytes, never: largest measured, else null,
//!                     "overhead_per_task_ns": { "point", "lower", "upper" } | null } ],
//!   "costs", "cost_model", "predictions", "model_break_even": the cost model, documented in
//!                `crate::costs::summary` (`"costs": [ { "strategy", "fixed_ns", "per_task_ns",
//!                "per_byte_ns", "primitive", "primitive_ns", "ratio_to_primitive" } ]`),
//!   "gil_comparison": { "waiting": { "group", "tasks" } | null, "computing": {..} | null,
//!                       "rows": [ { "strategy", "waiting_speedup": {..} | null,
//!                                   "computing_speedup": {..} | null } ],
//!                       "lesson": "reproduced" | "not-reproduced" | "cannot-tell",
//!                       "sentence" } | null,
//!   "memory": [ { "id", "rss_before_bytes", "peak_rss_bytes", "growth_bytes", "wall_seconds" } ],
//!   "quality": { "benchmarks": assessed, "noisy", "noisy_benchmarks": [ id ], "busy_start",
//!                "warning": string | null, "line",
//!                "thresholds": { "relative_half_width", "severe_outlier_share", "noisy_share" },
//!                "run_to_run_floor",
//!                "load": [ { "bench", "moment": "before" | "after", "load_average": [3],
//!                            "runnable_others", "logical_cores", "at" } ] },
//!   "oversubscription": [ { "group", "strategy", "stops_after": tasks | null,
//!                           "speedup_there": {..}, "largest_tasks", "speedup_at_largest": {..} } ],
//!   "python": { "status": "measured" | "missing" | "broken" | "not-run",
//!               "note": why there are no CPython rows and how to get them | null,
//!               "interpreters": [ { "tag": "3.11" | "3.13t" | "3.13t-gil", "program",
//!                                   "origin": "env" | "path" | "cache", "executable",
//!                                   "version", "implementation",
//!                                   "build": "gil" | "free-threaded", "free_threaded_build",
//!                                   "gil": "enabled" | "disabled", "gil_forced",
//!                                   "start_method", "built": { "source", "build_seconds",
//!                                   "jobs" } | null, "skipped": [ { "strategy", "reason" } ],
//!                                   "error": why its measurements stop short | null,
//!                                   "thread_start_ns": {..} | null,
//!                                   "thread_pool_handoff_ns": {..} | null } ],
//!               "failed": [ { "program", "error" } ],
//!               "free_threaded_hint": how to get a free-threaded build | null,
//!               "sizes": { "hash_bytes", "loop_iterations", "tasks": [ counts ] } | null,
//!               "tasks": the task count of the rows | null,
//!               "rows": [ { "runtime": "cpython" | "rust", "interpreter": tag | null,
//!                           "strategy", "waiting" | "hashing" | "pure_python":
//!                             { "id", "mean_ns": {..}, "speedup": {..} | null,
//!                               "verdict": {..} | null } | null } ],
//!               "single_thread_overhead": { "free_threaded", "gil_build",
//!                                           "time_ratio": {..}, "free_threaded_ns": {..},
//!                                           "gil_build_ns": {..} } | null,
//!               "sentences": [ string ], "rust_only": string },
//!   "verdict_matrix": { "columns": [ strategy ],
//!                       "rows": [ { "group", "section": section id | null } ] }
//!                     (the matrix's layout; a cell is the entry of "verdicts" with the row's
//!                     group and the column's strategy, absent where there is none),
//!   "verdicts": [ { "group", "strategy", "value", "speedup": {..},
//!                   "verdict": { "kind": "helps", "speedup" } | { "kind": "no-gain" }
//!                            | { "kind": "hurts", "slowdown" } | { "kind": "inconclusive" },
//!                   "label", "noisy": bool, "borderline": bool } ],
//!   "findings": [ string ], "missing_groups": [ string ], "skipped": [ string ] }
//! ```
//!
//! Version 2 added `amdahl`, `gil_comparison` and `memory` (peak memory the benches recorded,
//! e.g. for the `waits-*` points; join with `benchmarks` by `id`). Version 3 added
//! `takeaways` and `verdict_matrix`, and orders `findings` by page section. Version 4 added
//! `python` (CPython measured beside Rust; `py-*` groups in `benchmarks`). Version 5 added the
//! cost model: `costs`, `cost_model`, `predictions` and `model_break_even`. Version 6 widened
//! every speedup interval for run-to-run variation (`crate::quality::intervals`), and added
//! each benchmark's `noise`, the `quality` object, verdicts' `noisy`, and the Amdahl fits of
//! `crate::amdahl::estimate` (a serial-fraction range from the speedups' intervals, typed fit
//! errors, predictions that give only a range where it spans more than a factor of 2).
//! Version 7 added to the cost model each strategy's cost per task past its fitted line
//! (`costs[].beyond`) and the hashing speed by working set (`cost_model.hash_speed`).
//! Version 8 added tokio's timer overshoot (`cost_model.tokio_sleep_overshoot_ns`), which the
//! model adds to the event loops' timer waits. Version 9 writes each verdict once: in
//! `verdicts`; `verdict_matrix` keeps the matrix's layout (columns and rows) without cells.
//! Version 10 measures several CPython interpreters: `python.interpreter` became
//! `python.interpreters` (each with its tag, build, GIL state and thread start cost), and
//! `python` gained `failed`, `free_threaded_hint`, `sizes`, `single_thread_overhead` and each
//! row's `interpreter`; speedups come from the `pairs` bench where it measured them: each
//! verdict gained `paired` (hot and cold paired speedups, rounds, per-process figures, the
//! unpaired Criterion speedup), `cold_differs` and `anomaly`, and `pairs` holds the paired
//! record, the speed canary's summary and readings, the groups measured in a slow stretch,
//! the points whose hot and cold differ and every anomaly with its counters.
//! Version 11 changed the verdict rule — the direction from the interval, the size from the
//! point ([`super::analysis::Verdict`]) — and added `thresholds.no_gain_rules_out`: its
//! verdicts are not comparable with version 10's.

use maud::{DOCTYPE, Markup, PreEscaped, html};
use serde::Serialize;

use crate::machine::Machine;

use super::analysis::{
    AgainstBaseline, Baseline, HELPS_AT_LEAST, HURTS_AT_MOST, NO_GAIN_RULES_OUT, ideal_speedup,
};
use super::blocks::{Page, with_code};
use super::data::{MachineSource, RunData};
use super::sections::{self, Section, Takeaway};
use crate::interval::Interval;

/// The version of `summary.json`'s schema; raised on any incompatible change (the history is
/// in this module's documentation).
pub const SUMMARY_VERSION: u32 = 11;

/// The most `summary.md` may weigh, in bytes: a summary, not the tables.
pub const SUMMARY_BUDGET: usize = 12 * 1024;

/// The page's title.
const TITLE: &str = "parbench: where do threads help, and where don't they?";

pub(crate) const STYLE: &str = r#"
:root{color-scheme:light dark;--fg:#1b1b1b;--bg:#fff;--muted:#5c5c5c;--line:#cfcfcf;
--head:#f1f1f1;--link:#0a58a8;--helps:#cbeede;--helps-fg:#00472f;--hurts:#f8d5bf;
--hurts-fg:#7a2d00;--nogain:#e4e4e4;--note:#fff4cf;--note-line:#d9a600}
@media (prefers-color-scheme:dark){:root{--fg:#e8e8e8;--bg:#15171a;--muted:#a8a8a8;
--line:#3b3f45;--head:#24272b;--link:#80bdff;--helps:#0d4a35;--helps-fg:#c6f3de;
--hurts:#5b2a0b;--hurts-fg:#ffdcc4;--nogain:#34373c;--note:#3a321b;--note-line:#b58a00}}
*{box-sizing:border-box}
body{font:16px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;color:var(--fg);
background:var(--bg);max-width:72rem;margin:0 auto;padding:.4rem 1rem 3rem}
a{color:var(--link)}
h1{font-size:1.45rem;margin:.5rem 0 .1rem}
h2{font-size:1.2rem;margin:2.2rem 0 .5rem;padding-bottom:.15rem;border-bottom:1px solid var(--line)}
#answer>h2{margin-top:.6rem}
h3{font-size:1.05rem;margin:1.4rem 0 .3rem}
p,li,summary{overflow-wrap:anywhere}
.machine-line{color:var(--muted);margin:0}
.scroll{max-width:100%;overflow-x:auto}
table{border-collapse:collapse;margin:.3rem 0 .8rem}
th,td{border:1px solid var(--line);padding:.2rem .5rem;text-align:left;vertical-align:top}
thead th,th[scope=row]{background:var(--head)}
td.num{text-align:right}
#verdict-matrix{font-variant-numeric:tabular-nums}
#verdict-matrix tbody th{white-space:nowrap}
#verdict-matrix td{text-align:center;padding:0}
#verdict-matrix td a{display:block;padding:.25rem .6rem;color:inherit;text-decoration:none;white-space:nowrap}
#verdict-matrix td a:hover,#verdict-matrix td a:focus{text-decoration:underline}
#verdict-matrix th[scope=row] a{color:inherit}
.verdict-helps{background:var(--helps);color:var(--helps-fg)}
.verdict-hurts{background:var(--hurts);color:var(--hurts-fg)}
.verdict-no-gain{background:var(--nogain)}
.verdict-inconclusive{background:repeating-linear-gradient(135deg,transparent 0 5px,var(--nogain) 5px 10px);
outline:2px dashed var(--muted);outline-offset:-4px}
.noisy{font-style:italic;text-decoration:underline wavy var(--muted)}
.borderline{box-shadow:inset 0 -4px 0 var(--note-line)}
td.not-measured{color:var(--muted)}
.legend{font-size:.85rem;color:var(--muted);margin:.1rem 0 .5rem}
.chip{display:inline-block;padding:0 .4rem;border-radius:3px;color:var(--fg)}
#takeaways{margin:.4rem 0;padding-left:1.6rem}
#takeaways li{margin:.1rem 0}
a.more{font-size:.85rem}
nav#contents{border-top:1px solid var(--line);border-bottom:1px solid var(--line);margin:1rem 0;padding:.3rem 0}
nav#contents h2{font-size:1rem;border:0;margin:.2rem 0}
nav#contents ol{columns:2 16rem;margin:.2rem 0;padding-left:1.6rem}
figure{margin:.8rem 0}
svg{display:block;max-width:100%;height:auto;border-radius:4px}
details{margin:.4rem 0}
details.more>summary{margin:.2rem 0 .6rem}
p.lead{margin:.3rem 0 .5rem}
summary{cursor:pointer;color:var(--link)}
.note{background:var(--note);border-left:4px solid var(--note-line);padding:.4rem .8rem}
.generated{color:var(--muted);font-size:.9rem}
code{font-size:.92em}
@media print{
body{max-width:none;font-size:10.5pt;color:#000;background:#fff;padding:0}
nav#contents,summary,a.more{display:none}
details::details-content{content-visibility:visible;display:contents}
details>*{display:block}
a{color:inherit;text-decoration:none}
.scroll{overflow:visible}
section,figure,table{break-inside:avoid}
h2,h3{break-after:avoid}
*{print-color-adjust:exact;-webkit-print-color-adjust:exact}}
"#;

/// The page's one script, optional: a link to an anchor inside closed `<details>` opens
/// them (on load and on every `hashchange`) and scrolls to it. Without it the page still
/// works: the detail opens with a click on its summary line (and Chromium opens the
/// `<details>` around a followed anchor on its own). Printing opens every `<details>` (on
/// `beforeprint`; without the script, the print stylesheet shows their content where the
/// browser supports `::details-content`).
const OPEN_TARGET: &str = "(function(){function o(){var h=location.hash.slice(1);if(!h)return;\
var t=document.getElementById(decodeURIComponent(h));if(!t)return;var c=false;\
for(var e=t.parentElement;e;e=e.parentElement){if(e.tagName==='DETAILS'&&!e.open){e.open=true;c=true;}}\
if(c)t.scrollIntoView();}addEventListener('hashchange',o);\
addEventListener('DOMContentLoaded',o);addEventListener('beforeprint',function(){\
document.querySelectorAll('details').forEach(function(d){d.open=true;});});})();";

/// A whole page in the answer page's frame, as text ending in a newline: the document type, a
/// head with the charset, the viewport, `title`, the CSS `style` and `head_extra`, then `body`.
/// `index.html`, the sections' own pages and the page comparing runs all begin so.
pub(crate) fn document(title: &str, style: &str, head_extra: Markup, body: Markup) -> String {
    let markup = html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) }
                style { (PreEscaped(style)) }
                (head_extra)
            }
            body { (body) }
        }
    };
    let mut text = markup.into_string();
    text.push('\n');
    text
}

/// Everything the frame renders: the sections and the ranked takeaways.
pub struct Frame<'a> {
    data: &'a RunData,
    sections: Vec<Box<dyn Section>>,
    takeaways: Vec<Takeaway>,
}

impl<'a> Frame<'a> {
    /// Builds every section and ranks their takeaways.
    pub fn new(data: &'a RunData) -> Frame<'a> {
        let sections = sections::build_all(data);
        let takeaways = sections::ranked_takeaways(&sections);
        Frame {
            data,
            sections,
            takeaways,
        }
    }

    fn page(&self) -> Page<'_> {
        Page {
            data: self.data,
            takeaways: &self.takeaways,
            sections: self.shown().map(|s| (s.id(), s.groups())).collect(),
        }
    }

    /// The sections with data, in page order.
    fn shown(&self) -> impl Iterator<Item = &Box<dyn Section>> {
        self.sections.iter().filter(|s| s.has_data())
    }

    /// Every sentence of every section with data, in page order.
    pub fn findings(&self) -> Vec<String> {
        self.shown().flat_map(|s| s.findings()).collect()
    }

    /// Renders `index.html`.
    pub fn html(&self) -> String {
        let page = self.page();
        let mut shown = self.shown();
        let first = shown.next();
        let section = |s: &dyn Section| {
            let detail = s.html(&page);
            html! {
                section id=(s.id()) {
                    h2 { (s.headline()) }
                    (s.lead(&page))
                    @if !detail.0.trim().is_empty() {
                        details.more {
                            summary { (s.more()) }
                            (detail)
                        }
                    }
                }
            }
        };
        let notes = self.data.notes();
        let head = html! { script { (PreEscaped(OPEN_TARGET)) } };
        let body = html! {
            header {
                h1 { (TITLE) }
                p.machine-line { "Measured on " (self.data.machine_line()) "." }
                @if let Some(line) = super::sections::pairs::canary_line(&self.data.canary) {
                    p.canary-line #canary { (line) " " a href="#pairs" { "How the speedups were measured" } }
                }
                @if let Some(warning) = &self.data.top_warning {
                    p.note #quality-warning { strong { (warning) } " " a href="#quality" { "Measurement quality" } }
                }
            }
            main {
                @if let Some(s) = first { (section(s.as_ref())) }
                nav #contents aria-label="Contents" {
                    h2 { "Contents" }
                    ol { @for s in self.shown() {
                        li { a href=(format!("#{}", s.id())) { (s.title()) } }
                    } }
                }
                @for note in &notes { p.note { (with_code(note)) } }
                @for s in shown { (section(s.as_ref())) }
            }
        };
        document(TITLE, STYLE, head, body)
    }

    /// Renders the sections' own pages ([`Section::pages`]): (file name, HTML), each in the
    /// page's style with a link back to its section.
    pub fn pages(&self) -> Vec<(&'static str, String)> {
        let page = self.page();
        self.shown()
            .flat_map(|s| {
                s.pages(&page)
                    .into_iter()
                    .map(move |(file, title, body)| (s.id(), file, title, body))
            })
            .map(|(id, file, title, body)| {
                let page = html! {
                    header {
                        h1 { (title) }
                        p.machine-line { "Measured on " (self.data.machine_line()) ". "
                            a href=(format!("index.html#{id}")) { "Back to the answer page" } "." }
                    }
                    main { (body) }
                };
                (file, document(title, STYLE, Markup::default(), page))
            })
            .collect()
    }

    /// Renders `summary.md`: the answer in a few kilobytes (at most [`SUMMARY_BUDGET`]): the
    /// canary and quality lines, the matrix, the takeaways, every verdict with its interval,
    /// and each section's headline linking to the page. The full tables are in `details.md`
    /// ([`Frame::details`]) and `summary.json`.
    pub fn markdown(&self) -> String {
        let page = self.page();
        let mut md = self.markdown_head();
        for s in self.shown() {
            let part = s.summary_markdown(&page);
            if !part.trim().is_empty() {
                md.push_str(&format!("\n## {}\n\n{}\n", s.title(), part.trim_end()));
            }
        }
        md.push_str("\n## What each section found\n\n");
        for s in self.shown() {
            md.push_str(&format!(
                "- {}: [{}](index.html#{})\n",
                s.title(),
                s.headline(),
                s.id()
            ));
        }
        md
    }

    /// Renders `details.md`: every section's full Markdown copy, tables included.
    pub fn details(&self) -> String {
        let page = self.page();
        let mut md = self.markdown_head();
        for s in self.shown() {
            md.push_str(&format!("\n## {}\n\n", s.title()));
            md.push_str(s.markdown(&page).trim_end());
            md.push('\n');
        }
        md
    }

    /// The top of both Markdown files: title, time, machine, links, canary, warning, notes.
    fn markdown_head(&self) -> String {
        let mut md = format!(
            "# {TITLE}\n\nGenerated: {}\n\nMeasured on {}. Full page: [index.html](index.html); \
             every table: [details.md](details.md) and [summary.json](summary.json). \
             Criterion's own report: [report/index.html]({}).\n",
            self.data.generated,
            self.data.machine_line(),
            self.data.criterion_index()
        );
        if let Some(line) = super::sections::pairs::canary_line(&self.data.canary) {
            md.push_str(&format!("\n{line}\n"));
        }
        if let Some(warning) = &self.data.top_warning {
            md.push_str(&format!("\n> **{warning}**\n"));
        }
        let notes = self.data.notes();
        if !notes.is_empty() {
            md.push_str("\n## Notes\n\n");
            for note in notes {
                md.push_str(&format!("- {note}\n"));
            }
        }
        md
    }

    /// Renders `summary.json`.
    pub fn json(&self) -> String {
        let page = self.page();
        let data = self.data;
        let benchmarks = data
            .groups
            .iter()
            .flat_map(|g| g.points.iter().map(move |p| (g, p)))
            .map(|(g, p)| {
                let m = &p.measurement;
                Benchmark {
                    id: m.id.to_string(),
                    group: g.group.to_string(),
                    strategy: m.id.function,
                    value: m.id.value,
                    value_meaning: g.group.value_meaning(),
                    mean_ns: m.mean_ns.point,
                    lower_ns: m.mean_ns.lower,
                    upper_ns: m.mean_ns.upper,
                    baseline: g.baseline,
                    speedup: p.comparison.speedup(),
                    speedup_note: match p.comparison {
                        AgainstBaseline::Speedup(_) => None,
                        AgainstBaseline::IsBaseline => Some("is-baseline"),
                        AgainstBaseline::NoBaseline => Some("no-baseline"),
                        AgainstBaseline::NotCompared => Some("not-compared"),
                    },
                    ideal_speedup: ideal_speedup(&g.group, m.id.value, data.cores()),
                    criterion_page: data.criterion_page(&m.directory),
                    noise: m.noise,
                }
            })
            .collect();
        let sections: serde_json::Map<String, serde_json::Value> = self
            .sections
            .iter()
            .flat_map(|s| s.json(&page))
            .map(|(key, value)| (key.to_string(), value))
            .collect();
        let summary = Summary {
            schema: "parbench-summary",
            version: SUMMARY_VERSION,
            generated: &data.generated,
            machine: MachineFacts {
                machine: &data.machine,
                source: data.machine_source,
            },
            profile: data.profile.map(|p| p.name()),
            run_started: data.run_started.as_deref(),
            confidence_level: data.confidence_level,
            thresholds: Thresholds {
                helps_at_least: HELPS_AT_LEAST,
                hurts_at_most: HURTS_AT_MOST,
                no_gain_rules_out: NO_GAIN_RULES_OUT,
            },
            benchmarks,
            takeaways: &self.takeaways,
            sections,
            findings: self.findings(),
            missing_groups: &data.missing_groups,
            skipped: &data.skipped,
        };
        let mut text = serde_json::to_string_pretty(&summary).expect("the summary serializes");
        text.push('\n');
        text
    }
}

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
    takeaways: &'a [Takeaway],
    #[serde(flatten)]
    sections: serde_json::Map<String, serde_json::Value>,
    findings: Vec<String>,
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
    no_gain_rules_out: f64,
}

#[derive(Serialize)]
struct Benchmark {
    id: String,
    group: String,
    strategy: crate::bench_id::BenchFunction,
    value: u64,
    value_meaning: &'static str,
    mean_ns: f64,
    lower_ns: f64,
    upper_ns: f64,
    baseline: Baseline,
    speedup: Option<Interval>,
    speedup_note: Option<&'static str>,
    ideal_speedup: Option<f64>,
    criterion_page: String,
    noise: Option<crate::quality::noise::Noise>,
}
