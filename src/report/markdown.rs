//! Writes `summary.md`: the machine, findings, and the verdict, GIL, mixed-task, waits,
//! Amdahl and break-even tables in Markdown (the page's charts are not repeated), fit for a
//! README or a pull request. Links point to Criterion's pages, relative to the output
//! directory.

use std::fmt::Write;

use crate::bench_id::Group;

use super::analysis::factor;
use super::{
    Report, amdahl_rule, break_even_cells, break_even_link, gil_headers, machine_rows,
    measured_cell, memory_growth_label, mixed_rule, mixed_table, notes, prediction_cells, scaling,
    serial_fraction_cell, speedup_cell, time_label, value_label, verdict_rule,
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
    gil_section(w, report);
    mixed_section(w, report);
    waits_section(w, report);
    amdahl_section(w, report);
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

fn gil_section(w: &mut String, report: &Report) {
    let _ = writeln!(w, "\n## Python's lesson, reproduced?\n");
    let Some(c) = &report.gil else {
        let _ = writeln!(w, "Neither a sleep group nor a hash group was measured.");
        return;
    };
    let (waiting, computing) = gil_headers(c);
    let _ = writeln!(w, "| Strategy | {waiting} | {computing} |\n|---|---|---|");
    for row in &c.rows {
        let _ = writeln!(
            w,
            "| {} | {} | {} |",
            cell(&row.strategy),
            speedup_cell(row.waiting.as_ref()),
            speedup_cell(row.computing.as_ref())
        );
    }
    let _ = writeln!(w, "\n{}", c.sentence);
}

fn mixed_section(w: &mut String, report: &Report) {
    let mixed: Vec<_> = report
        .groups
        .iter()
        .filter(|g| matches!(g.group, Group::Mixed { .. }))
        .collect();
    if mixed.is_empty() {
        return;
    }
    let _ = writeln!(w, "\n## Computing and waiting mixed\n");
    let _ = writeln!(w, "{}", mixed_rule(report));
    for g in mixed {
        let (shares, rows) = mixed_table(g);
        let _ = write!(w, "\n{}:\n\n| Strategy |", g.group);
        for share in &shares {
            let _ = write!(w, " {share} % waiting |");
        }
        let _ = writeln!(w, "\n|---|{}", "---|".repeat(shares.len()));
        for (strategy, cells) in rows {
            let _ = writeln!(w, "| {} | {} |", cell(&strategy), cells.join(" | "));
        }
    }
}

fn waits_section(w: &mut String, report: &Report) {
    if report.waits.is_empty() {
        return;
    }
    let _ = writeln!(w, "\n## Threads against async at scale\n");
    let _ = writeln!(
        w,
        "| Workload | Strategy | Tasks | Mean time [interval] | Peak memory growth |\n\
         |---|---|---:|---|---:|"
    );
    for row in &report.waits {
        let t = row.point.measurement.mean_ns;
        let _ = writeln!(
            w,
            "| {} | {} | {} | {} [{}, {}] | {} |",
            row.group,
            cell(row.point.strategy()),
            row.point.value(),
            time_label(t.point),
            time_label(t.lower),
            time_label(t.upper),
            memory_growth_label(row.memory.as_ref())
        );
    }
}

fn amdahl_section(w: &mut String, report: &Report) {
    if report.amdahl.is_empty() {
        return;
    }
    let _ = writeln!(w, "\n## Amdahl: how far would more cores go?\n");
    let _ = writeln!(w, "{}\n", amdahl_rule(report));
    let _ = write!(
        w,
        "| Workload | Strategy | Serial fraction s [range], SE | Measured speedups (* beyond the cores, not fitted) |"
    );
    for n in scaling::PREDICT_AT {
        let _ = write!(w, " Predicted on {n} cores |");
    }
    let _ = writeln!(
        w,
        "\n|---|---|---|---|{}",
        "---:|".repeat(scaling::PREDICT_AT.len())
    );
    for row in &report.amdahl {
        let _ = writeln!(
            w,
            "| {} | {} | {} | {} | {} |",
            row.group,
            cell(&row.strategy),
            cell(&serial_fraction_cell(row)),
            measured_cell(row),
            prediction_cells(row).join(" | ")
        );
    }
}
