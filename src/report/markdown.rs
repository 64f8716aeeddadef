//! Writes `summary.md`: the machine, findings, verdict and break-even tables in Markdown, fit
//! for a README or a pull request. Links point to Criterion's pages, relative to the output
//! directory.

use std::fmt::Write;

use super::analysis::factor;
use super::{
    Report, break_even_cells, break_even_link, machine_rows, notes, value_label, verdict_rule,
};

/// Escapes a table cell (pipes and line breaks).
fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

/// Renders the Markdown summary.
pub fn render(report: &Report) -> String {
    let mut md = String::new();
    let w = &mut md;
    let _ = writeln!(w, "# parbench report\n");
    let _ = writeln!(w, "Generated: {}\n", report.generated);
    let _ = writeln!(
        w,
        "Full page: [index.html](index.html). Criterion's own report: \
         [report/index.html]({}).\n",
        report.criterion_index()
    );
    let _ = writeln!(w, "## Machine\n");
    let _ = writeln!(w, "| Fact | Value |\n|---|---|");
    for (label, value) in machine_rows(report) {
        let _ = writeln!(w, "| {label} | {} |", cell(&value));
    }
    let notes = notes(report);
    if !notes.is_empty() {
        let _ = writeln!(w, "\n## Notes\n");
        for note in notes {
            let _ = writeln!(w, "- {note}");
        }
    }
    let _ = writeln!(w, "\n## Findings\n");
    if report.findings.is_empty() {
        let _ = writeln!(w, "- The data has no comparison to draw findings from.");
    }
    for finding in &report.findings {
        let _ = writeln!(w, "- {finding}");
    }
    let _ = writeln!(w, "\n## Verdicts\n");
    let _ = writeln!(w, "{}\n", verdict_rule(report));
    if report.verdicts.is_empty() {
        let _ = writeln!(w, "No strategy was measured against `sequential`.");
    } else {
        let _ = writeln!(
            w,
            "| Workload | Strategy | At | Speedup [interval] | Verdict |\n|---|---|---:|---|---|"
        );
        for v in &report.verdicts {
            let _ = writeln!(
                w,
                "| {} | [{}]({}) | {} | ×{} [{}, {}] | {} |",
                v.group,
                cell(&v.strategy),
                report.criterion_page(&v.point.measurement.directory),
                value_label(&v.group, v.point.value()),
                factor(v.speedup.point),
                factor(v.speedup.lower),
                factor(v.speedup.upper),
                v.verdict.label()
            );
        }
    }
    let _ = writeln!(w, "\n## Break-even\n");
    let _ = writeln!(
        w,
        "The smallest measured task size at which a strategy's whole speedup interval lies above \
         ×1 (it beats `sequential`), with its per-task cost from the overhead benches (time at the \
         largest task count / task count).\n"
    );
    if report.break_even.is_empty() {
        let _ = writeln!(
            w,
            "Neither the break-even sweep nor the overhead benches ran."
        );
    } else {
        let _ = writeln!(
            w,
            "| Sweep | Strategy | Beats sequential from | Overhead per task |\n|---|---|---|---|"
        );
        for row in &report.break_even {
            let (at, overhead) = break_even_cells(row);
            let strategy = match break_even_link(row) {
                Some(dir) => format!("[{}]({})", cell(&row.strategy), report.criterion_page(dir)),
                None => cell(&row.strategy),
            };
            let sweep = row.group.map(|g| g.to_string()).unwrap_or("–".to_string());
            let _ = writeln!(w, "| {sweep} | {strategy} | {at} | {overhead} |");
        }
    }
    md
}
