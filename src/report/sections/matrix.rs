//! The answer at a glance: the verdict matrix (one row per workload, one column per strategy,
//! each cell the speedup at the group's largest measured value, coloured by verdict) and the
//! ranked takeaways; below them, every verdict with its interval and the rule behind it.

use maud::{Markup, html};
use serde_json::json;

use crate::bench_id::{BenchFunction, Group, PyBuild};

use super::super::analysis::{Anomaly, Verdict, VerdictRow};
use super::super::blocks::{Page, md_cell, scroll, strategy_link};
use super::super::data::RunData;
use super::super::format;
use super::Section;
use crate::interval::Interval;

/// The workloads the matrix has a row for, in row order; `None` for groups it leaves to
/// their sections (sweeps of size, workers or waits without a sequential baseline). One
/// CPython line: pure Python on a free-threaded build without the GIL, its `threads` cell only.
fn row_rank(group: &Group) -> Option<u8> {
    match group {
        Group::Sleep { .. } => Some(0),
        Group::Net { .. } => Some(1),
        Group::File { .. } => Some(2),
        Group::Mixed { .. } => Some(3),
        Group::Hash { .. } => Some(4),
        Group::PyLoop { on, .. } if on.build == PyBuild::FreeThreaded => Some(5),
        _ => None,
    }
}

/// Whether a verdict has a cell in the matrix: every strategy of its rows, and `threads` alone
/// on the CPython line.
fn in_matrix(v: &VerdictRow) -> bool {
    row_rank(&v.group).is_some()
        && (v.group.python().is_none() || v.strategy == BenchFunction::Threads)
}

/// One cell: a strategy's verdict on one workload.
#[derive(Clone, Debug, PartialEq)]
pub struct MatrixCell {
    /// The strategy.
    pub strategy: BenchFunction,
    /// The value the verdict is taken at (the largest with a speedup).
    pub value: u64,
    /// The speedup there.
    pub speedup: Interval,
    /// The verdict.
    pub verdict: Verdict,
    /// Whether the verdict rests on a noisy measurement (the strategy's or its baseline's,
    /// see [`crate::quality::noise`]).
    pub noisy: bool,
    /// Whether the verdict is borderline (a re-run may decide it otherwise).
    pub borderline: bool,
    /// The speedup after an idle gap, where it differs from the one in a loop.
    pub cold: Option<Interval>,
    /// What the raw compute scaling does not explain about it.
    pub anomaly: Option<Anomaly>,
}

/// One row: a workload group and its cells, one per column (`None`: not measured).
#[derive(Clone, Debug, PartialEq)]
pub struct MatrixRow {
    /// The workload group.
    pub group: Group,
    /// The cells, in column order.
    pub cells: Vec<Option<MatrixCell>>,
}

/// The verdict matrix and the full verdict table.
pub struct Matrix {
    columns: Vec<BenchFunction>,
    rows: Vec<MatrixRow>,
    verdicts: Vec<VerdictRow>,
    rule: String,
}

/// Builds the matrix from the verdicts.
pub fn build(data: &RunData) -> Box<dyn Section> {
    let in_matrix: Vec<&VerdictRow> = data.verdicts.iter().filter(|v| in_matrix(v)).collect();
    let mut columns: Vec<BenchFunction> = in_matrix.iter().map(|v| v.strategy).collect();
    columns.sort();
    columns.dedup();
    let mut groups: Vec<Group> = in_matrix.iter().map(|v| v.group).collect();
    groups.sort_by_key(|g| (row_rank(g), *g));
    groups.dedup();
    let rows = groups
        .into_iter()
        .map(|group| MatrixRow {
            group,
            cells: columns
                .iter()
                .map(|&strategy| {
                    in_matrix
                        .iter()
                        .find(|v| v.group == group && v.strategy == strategy)
                        .map(|v| MatrixCell {
                            strategy,
                            value: v.point.value(),
                            speedup: v.speedup,
                            verdict: v.verdict,
                            noisy: v.noisy,
                            borderline: v.borderline,
                            cold: v.cold_differs(),
                            anomaly: v.anomaly(),
                        })
                })
                .collect(),
        })
        .collect();
    Box::new(Matrix {
        columns,
        rows,
        verdicts: data.verdicts.clone(),
        rule: data.verdict_rule(),
    })
}

/// The verdict's label, saying so when it rests on a noisy measurement and when it is
/// borderline.
fn verdict_label(v: &VerdictRow) -> String {
    let mut label = format::verdict(&v.verdict);
    if v.noisy {
        label.push_str(" (noisy measurement)");
    }
    if v.borderline {
        label.push_str(" (borderline: a re-run may decide otherwise)");
    }
    if let Some(cold) = v.cold_differs() {
        label.push_str(&format!(
            "; in a loop — after a pause {}",
            format::speedup(&cold)
        ));
    }
    if let Some(anomaly) = v.anomaly() {
        label.push_str(&format!("; {}", format::anomaly(&anomaly)));
    }
    label
}

/// How a verdict's speedup was measured, in a few words.
fn measured_how(v: &VerdictRow) -> String {
    match &v.point.paired {
        Some(p) => format!(
            "paired, {} rounds in {} processes",
            p.hot.rounds,
            p.hot.per_process.len()
        ),
        None => "two Criterion means".to_string(),
    }
}

impl Matrix {
    /// The cell's text: the speedup, `?` when inconclusive, `~` when noisy.
    fn cell_text(cell: &MatrixCell) -> String {
        let mut text = format::speedup_point(&cell.speedup);
        if cell.verdict == Verdict::Inconclusive {
            text.push('?');
        }
        if cell.noisy {
            text.push('~');
        }
        if cell.borderline {
            text.push('°');
        }
        if cell.anomaly.is_some() {
            text.push('!');
        }
        if let Some(cold) = &cell.cold {
            text.push_str(&format!(" ({} after a pause)", format::speedup_point(cold)));
        }
        text
    }

    fn cell_title(row: &MatrixRow, cell: &MatrixCell) -> String {
        let mut title = format!(
            "{} on {}: {}{}, {} at {} {}",
            cell.strategy,
            row.group,
            format::verdict(&cell.verdict),
            if cell.borderline { " (borderline)" } else { "" },
            format::speedup(&cell.speedup),
            format::value(&row.group, cell.value),
            row.group.value_meaning()
        );
        if let Some(cold) = &cell.cold {
            title.push_str(&format!(
                " in a loop; {} after a pause",
                format::speedup(cold)
            ));
        }
        if let Some(anomaly) = &cell.anomaly {
            title.push_str(&format!("; {}", format::anomaly(anomaly)));
        }
        title
    }
}

impl Matrix {
    /// The matrix with its legend, then the takeaways, in Markdown.
    fn matrix_markdown(&self, page: &Page) -> String {
        let mut md = String::new();
        if !self.rows.is_empty() {
            md.push_str("| Workload |");
            for f in &self.columns {
                md.push_str(&format!(" {f} |"));
            }
            md.push_str(&format!("\n|---|{}\n", "---|".repeat(self.columns.len())));
            for row in &self.rows {
                md.push_str(&format!("| {} |", row.group));
                for cell in &row.cells {
                    match cell {
                        Some(c) => md.push_str(&format!(
                            " {} {} |",
                            Self::cell_text(c),
                            md_cell(format::verdict_word(&c.verdict))
                        )),
                        None => md.push_str(" – |"),
                    }
                }
                md.push('\n');
            }
            md.push_str(&format!(
                "\nSpeedup over sequential at the largest measured value (mixed rows: at the middle waiting share), {}; `?` inconclusive, \
                 `~` noisy, `°` borderline (a re-run may decide it otherwise), `!` beyond the raw \
                 compute scaling.\n\n",
                if self.verdicts.iter().any(VerdictRow::paired) {
                    "measured in pairs and in a loop (the figure after a pause beside it where \
                     it differs)"
                } else {
                    "from two Criterion means"
                }
            ));
        }
        for (i, t) in page.takeaways.iter().enumerate() {
            md.push_str(&format!(
                "{}. {} ([more](index.html#{}))\n",
                i + 1,
                t.sentence,
                t.section
            ));
        }
        md
    }
}

impl Section for Matrix {
    fn id(&self) -> &'static str {
        "answer"
    }

    fn title(&self) -> &'static str {
        "Where threads help, at a glance"
    }

    fn has_data(&self) -> bool {
        !self.verdicts.is_empty()
    }

    fn html(&self, _page: &Page) -> Markup {
        Markup::default()
    }

    fn lead(&self, page: &Page) -> Markup {
        html! {
            @if !self.rows.is_empty() {
                (scroll(html! {
                    table #verdict-matrix {
                        thead { tr {
                            th { "Workload" }
                            @for f in &self.columns { th scope="col" { (f.name()) } }
                        } }
                        tbody { @for row in &self.rows {
                            @let target = format!("#{}", page.section_of(&row.group).unwrap_or("answer"));
                            tr {
                                th scope="row" { a href=(target) { (row.group.to_string()) } }
                                @for cell in &row.cells {
                                    @match cell {
                                        Some(cell) => td class={ "cell " (cell.verdict.class()) @if cell.noisy { " noisy" } @if cell.borderline { " borderline" } } {
                                            a href=(target) title=(Self::cell_title(row, cell)) { (Self::cell_text(cell)) }
                                        },
                                        None => td.not-measured { "–" },
                                    }
                                }
                            }
                        } }
                    }
                }))
                p.legend {
                    "Speedup over sequential at the largest measured value (mixed: the middle share). "
                    span.chip.verdict-helps { "helps" } " "
                    span.chip.verdict-no-gain { "no gain" } " "
                    span.chip.verdict-hurts { "hurts" } " "
                    span.chip.verdict-inconclusive { "? inconclusive" } " "
                    span.chip.noisy { "~ noisy" } " "
                    span.chip.borderline { "° borderline" } " "
                    span.chip { "! beyond the raw scaling" }
                    @if self.verdicts.iter().any(VerdictRow::paired) {
                        " Speedups measured in pairs (each round runs sequential and the \
                         strategy on the same tasks, in a random order) and in a loop, as a busy \
                         program calls them; a second figure is the speedup after a pause, where \
                         it differs. "
                        a href="#pairs" { "How" }
                    } @else {
                        " Speedups from two Criterion means, measured apart."
                    }
                }
            }
            @if !page.takeaways.is_empty() {
                ol #takeaways {
                    @for t in page.takeaways {
                        li { (t.sentence) " " a.more href=(format!("#{}", t.section)) { "more" } }
                    }
                }
            }
            details #verdicts {
                summary { "Every verdict, with its interval (" (self.verdicts.len()) ")" }
                p { (self.rule) }
                (scroll(html! {
                    table #verdicts-table {
                        thead { tr { th { "Workload" } th { "Strategy" } th { "At" } th { "Speedup [interval]" } th { "Verdict" } th { "Measured" } } }
                        tbody { @for v in &self.verdicts { tr {
                            td { (v.group.to_string()) }
                            td { (strategy_link(page, &v.point.measurement.directory, v.strategy)) }
                            td.num { (format::value(&v.group, v.point.value())) }
                            td { (format::speedup(&v.speedup)) }
                            td class={ (v.verdict.class()) @if v.noisy { " noisy" } @if v.borderline { " borderline" } } { (verdict_label(v)) }
                            td { (measured_how(v)) }
                        } } }
                    }
                }))
            }
        }
    }

    fn markdown(&self, page: &Page) -> String {
        let mut md = self.matrix_markdown(page);
        md.push_str(&format!("\n### Every verdict\n\n{}\n\n", self.rule));
        if self.verdicts.is_empty() {
            md.push_str("No strategy was measured against `sequential`.\n");
        } else {
            md.push_str(
                "| Workload | Strategy | At | Speedup [interval] | Verdict | Measured |\n|---|---|---:|---|---|---|\n",
            );
            for v in &self.verdicts {
                md.push_str(&format!(
                    "| {} | [{}]({}) | {} | {} | {} | {} |\n",
                    v.group,
                    v.strategy,
                    page.data.criterion_page(&v.point.measurement.directory),
                    format::value(&v.group, v.point.value()),
                    format::speedup(&v.speedup),
                    verdict_label(v),
                    measured_how(v)
                ));
            }
        }
        md
    }

    /// The matrix, the takeaways and every verdict with its interval, in a few kilobytes:
    /// one short row per verdict, its marks (`~` noisy, `°` borderline) after the word.
    fn summary_markdown(&self, page: &Page) -> String {
        let mut md = self.matrix_markdown(page);
        if !self.verdicts.is_empty() {
            md.push_str(
                "\n### Every verdict\n\n| Workload | Strategy | At | Speedup [interval] | Verdict |\n|---|---|---:|---|---|\n",
            );
            for v in &self.verdicts {
                md.push_str(&format!(
                    "| {} | {} | {} | {} | {}{}{} |\n",
                    v.group,
                    v.strategy,
                    format::value(&v.group, v.point.value()),
                    format::speedup(&v.speedup),
                    md_cell(format::verdict_word(&v.verdict)),
                    if v.noisy { " ~" } else { "" },
                    if v.borderline { " °" } else { "" },
                ));
            }
        }
        md
    }

    fn json(&self, page: &Page) -> Vec<(&'static str, serde_json::Value)> {
        let verdicts: Vec<serde_json::Value> = self
            .verdicts
            .iter()
            .map(|v| {
                json!({
                    "group": v.group.to_string(),
                    "strategy": v.strategy,
                    "value": v.point.value(),
                    "speedup": v.speedup,
                    "verdict": v.verdict,
                    "label": format::verdict(&v.verdict),
                    "noisy": v.noisy,
                    "borderline": v.borderline,
                    "paired": v.point.paired.as_ref().map(|p| json!({
                        "hot": p.hot.speedup,
                        "cold": p.cold.as_ref().map(|c| c.speedup),
                        "rounds": p.hot.rounds,
                        "processes": p.hot.per_process,
                        "unpaired": p.unpaired,
                    })),
                    "cold_differs": v.cold_differs(),
                    "anomaly": v.anomaly(),
                })
            })
            .collect();
        // The matrix's layout only: each cell's verdict is the entry of `verdicts` with the
        // row's group and the column's strategy, written once.
        let rows: Vec<serde_json::Value> = self
            .rows
            .iter()
            .map(|row| {
                json!({
                    "group": row.group.to_string(),
                    "section": page.section_of(&row.group),
                })
            })
            .collect();
        vec![
            ("verdicts", serde_json::Value::Array(verdicts)),
            (
                "verdict_matrix",
                json!({ "columns": self.columns, "rows": rows }),
            ),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bench_id::BenchFunction::{Processes, Rayon, Sequential, Threads};
    use crate::report::testdata::{HASH, SLEEP, analyse, m};
    use scraper::{Html, Selector};

    fn page_html(data: &RunData) -> Html {
        let section = build(data);
        let page = Page {
            data,
            takeaways: &[],
            sections: vec![("waiting", vec![SLEEP]), ("computing", vec![HASH])],
        };
        Html::parse_fragment(&section.lead(&page).into_string())
    }

    #[test]
    fn one_row_per_workload_one_column_per_strategy() {
        let mut data = Vec::new();
        for n in [1u64, 8] {
            data.push(m(HASH, Sequential, n, n as f64 * 1e6));
            data.push(m(HASH, Threads, n, n as f64 * 1e6 / n.min(2) as f64));
            data.push(m(SLEEP, Sequential, n, n as f64 * 1e7));
            data.push(m(SLEEP, Threads, n, 1e7));
            data.push(m(SLEEP, Processes, n, n as f64 * 1e7 * 3.0));
        }
        // ×1.10 whose interval reaches below ×1: inconclusive.
        data.push(crate::report::testdata::measurement(
            SLEEP,
            Rayon,
            8,
            8e7 / 1.1,
            0.15,
        ));
        let run = RunData::from_groups(analyse(&data), 2);
        let html = page_html(&run);
        let rows = Selector::parse("#verdict-matrix tbody tr").unwrap();
        let heads: Vec<String> = html
            .select(&rows)
            .map(|r| {
                r.select(&Selector::parse("th").unwrap())
                    .next()
                    .unwrap()
                    .text()
                    .collect()
            })
            .collect();
        assert_eq!(heads, ["sleep-10ms", "hash-1MiB"], "sleep before hash");
        let columns: Vec<String> = html
            .select(&Selector::parse("#verdict-matrix thead th").unwrap())
            .map(|t| t.text().collect())
            .collect();
        assert_eq!(columns, ["Workload", "threads", "rayon", "processes"]);
        let cell = |class: &str| -> Vec<String> {
            html.select(&Selector::parse(&format!("#verdict-matrix td.{class}")).unwrap())
                .map(|t| t.text().collect())
                .collect()
        };
        assert_eq!(cell("verdict-helps"), ["×8.00", "×2.00"]);
        assert_eq!(cell("verdict-hurts"), ["×0.333"]);
        assert_eq!(cell("verdict-inconclusive"), ["×1.10?°"]);
        assert_eq!(cell("not-measured").len(), 2, "rayon and processes on hash");
        let links: Vec<&str> = html
            .select(&Selector::parse("#verdict-matrix td a").unwrap())
            .map(|a| a.value().attr("href").unwrap())
            .collect();
        assert_eq!(links, ["#waiting", "#waiting", "#waiting", "#computing"]);
        assert_eq!(
            html.select(&Selector::parse("#verdicts-table tbody tr").unwrap())
                .count(),
            4
        );
    }

    #[test]
    fn a_free_threaded_cpython_loop_gets_one_line_with_its_threads() {
        let on = |t| crate::bench_id::PyTag::parse(t).unwrap();
        let py_loop = |t| Group::PyLoop {
            iterations: 5000,
            on: on(t),
        };
        let mut data = vec![m(HASH, Sequential, 8, 8e6), m(HASH, Threads, 8, 4e6)];
        for tag in ["3.11", "3.13t", "3.13t-gil"] {
            data.push(m(py_loop(tag), Sequential, 8, 8e6));
            data.push(m(py_loop(tag), Threads, 8, 4.2e6));
            data.push(m(py_loop(tag), BenchFunction::ThreadPool, 8, 4.4e6));
        }
        let run = RunData::from_groups(analyse(&data), 2);
        let section = build(&run);
        let json = section.json(&Page {
            data: &run,
            takeaways: &[],
            sections: vec![],
        });
        let matrix = &json.iter().find(|(k, _)| *k == "verdict_matrix").unwrap().1;
        let groups: Vec<&str> = matrix["rows"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["group"].as_str().unwrap())
            .collect();
        assert_eq!(groups, ["hash-1MiB", "py-loop-5000@3.13t"]);
        assert_eq!(matrix["columns"], serde_json::json!(["threads"]));
    }

    #[test]
    fn a_noisy_cell_is_marked() {
        let cell = MatrixCell {
            strategy: Threads,
            value: 4,
            speedup: Interval::exact(4.0),
            verdict: Verdict::Helps { speedup: 4.0 },
            noisy: true,
            borderline: false,
            cold: None,
            anomaly: None,
        };
        assert_eq!(Matrix::cell_text(&cell), "×4.00~");
        let both = MatrixCell {
            cold: Some(Interval {
                point: 0.95,
                lower: 0.9,
                upper: 1.0,
            }),
            anomaly: Some(crate::report::analysis::Anomaly::Superlinear {
                raw: Interval {
                    point: 1.9,
                    lower: 1.8,
                    upper: 2.0,
                },
                threads: 2,
            }),
            ..cell.clone()
        };
        assert_eq!(Matrix::cell_text(&both), "×4.00~! (×0.950 after a pause)");
        let borderline = MatrixCell {
            speedup: Interval {
                point: 1.25,
                lower: 1.12,
                upper: 1.39,
            },
            verdict: Verdict::Helps { speedup: 1.25 },
            noisy: false,
            borderline: true,
            ..cell
        };
        assert_eq!(Matrix::cell_text(&borderline), "×1.25°");
    }

    #[test]
    fn without_verdicts_there_is_no_matrix() {
        let run = RunData::from_groups(Vec::new(), 2);
        assert!(!build(&run).has_data());
    }
}
