//! Writes `index.html`: one self-contained page (inline CSS and SVG, no scripts, no fonts or
//! files from the network) with the machine, findings, verdicts, the GIL comparison, the
//! mixed-task chart, threads against async at scale, the Amdahl fits, the break-even table, and
//! one chart and one table per group, every row linking to Criterion's own page for it.

use std::fmt::Write;

use crate::bench_id::Group;

use super::analysis::{GroupAnalysis, factor, ideal_speedup};
use super::{
    Report, break_even_cells, break_even_link, charts, machine_rows, notes, time_label,
    value_label, verdict_rule,
};

const STYLE: &str = "body{font-family:sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;\
color:#222;line-height:1.45}table{border-collapse:collapse;margin:.5rem 0 1.5rem}\
th,td{border:1px solid #ccc;padding:.25rem .6rem;text-align:left;vertical-align:top}\
th{background:#f3f3f3}td.num{text-align:right}.helps{color:#1a7f37}.hurts{color:#b42318}\
.inconclusive{color:#8a6d00}.note{background:#fff8e1;border-left:4px solid #e0b100;\
padding:.4rem .8rem}figure{margin:1rem 0}svg{max-width:100%;height:auto}\
.generated{color:#666}";

/// Escapes text for HTML content and attribute values.
fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Turns `code` spans of a note into `<code>` after escaping.
fn with_code(text: &str) -> String {
    let mut out = String::new();
    for (i, part) in esc(text).split('`').enumerate() {
        if i % 2 == 1 {
            let _ = write!(out, "<code>{part}</code>");
        } else {
            out.push_str(part);
        }
    }
    out
}

fn link(report: &Report, directory: &str, text: &str) -> String {
    format!(
        "<a href=\"{}\">{}</a>",
        esc(&report.criterion_page(directory)),
        esc(text)
    )
}

/// Renders the page.
pub fn render(report: &Report) -> String {
    let mut h = String::new();
    let w = &mut h;
    let _ = writeln!(
        w,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <title>parbench report</title>\n<style>{STYLE}</style>\n</head>\n<body>"
    );
    let _ = writeln!(
        w,
        "<h1>parbench report: where threads help and where they don't</h1>"
    );
    let _ = writeln!(
        w,
        "<p class=\"generated\">Generated: {}. Criterion's own report: <a href=\"{}\">report/index.html</a>.</p>",
        esc(&report.generated),
        esc(&report.criterion_index())
    );

    let _ = writeln!(
        w,
        "<h2 id=\"machine\">Machine</h2>\n<table id=\"machine-table\">"
    );
    for (label, value) in machine_rows(report) {
        let _ = writeln!(
            w,
            "<tr><th>{}</th><td>{}</td></tr>",
            esc(label),
            esc(&value)
        );
    }
    let _ = writeln!(w, "</table>");

    for note in notes(report) {
        let _ = writeln!(w, "<p class=\"note\">{}</p>", with_code(&note));
    }

    let _ = writeln!(
        w,
        "<h2 id=\"findings\">Findings</h2>\n<ul id=\"findings-list\">"
    );
    if report.findings.is_empty() {
        let _ = writeln!(
            w,
            "<li>The data has no comparison to draw findings from.</li>"
        );
    }
    for finding in &report.findings {
        let _ = writeln!(w, "<li>{}</li>", esc(finding));
    }
    let _ = writeln!(w, "</ul>");

    verdicts(w, report);
    gil_section(w, report);
    mixed_section(w, report);
    waits_section(w, report);
    amdahl_section(w, report);
    break_even(w, report);

    let _ = writeln!(w, "<h2 id=\"groups\">Measurements</h2>");
    let _ = writeln!(
        w,
        "<p>The dashed ideal line is ×N for waiting tasks (sleeps, loopback requests: all N can \
         wait at once) and ×min(N, {} logical cores) for hashing. File tasks have none: they mix \
         fsync waits, which one device may serialize, with hashing. Mixed tasks are charted in \
         their own section. Error bars are Criterion's confidence intervals.</p>",
        report.machine.logical_cores
    );
    for g in &report.groups {
        group_section(w, report, g);
    }
    let _ = writeln!(w, "</body>\n</html>");
    h
}

fn verdicts(w: &mut String, report: &Report) {
    let _ = writeln!(w, "<h2 id=\"verdicts\">Verdicts</h2>");
    let _ = writeln!(w, "<p>{}</p>", esc(&verdict_rule(report)));
    if report.verdicts.is_empty() {
        let _ = writeln!(w, "<p>No strategy was measured against sequential.</p>");
        return;
    }
    let _ = writeln!(
        w,
        "<table id=\"verdicts-table\">\n<tr><th>Workload</th><th>Strategy</th><th>At</th>\
         <th>Speedup [interval]</th><th>Verdict</th></tr>"
    );
    for v in &report.verdicts {
        let class = match v.verdict {
            super::analysis::Verdict::Helps { .. } => "helps",
            super::analysis::Verdict::Hurts { .. } => "hurts",
            super::analysis::Verdict::NoGain => "no-gain",
            super::analysis::Verdict::Inconclusive => "inconclusive",
        };
        let _ = writeln!(
            w,
            "<tr><td>{}</td><td>{}</td><td class=\"num\">{}</td><td>×{} [{}, {}]</td>\
             <td class=\"{class}\">{}</td></tr>",
            esc(&v.group.to_string()),
            link(report, &v.point.measurement.directory, &v.strategy),
            esc(&value_label(&v.group, v.point.value())),
            factor(v.speedup.point),
            factor(v.speedup.lower),
            factor(v.speedup.upper),
            esc(&v.verdict.label())
        );
    }
    let _ = writeln!(w, "</table>");
}

fn figure(w: &mut String, chart: Option<Result<String, String>>) {
    match chart {
        Some(Ok(svg)) => {
            let _ = writeln!(w, "<figure>\n{svg}\n</figure>");
        }
        Some(Err(e)) => {
            let _ = writeln!(w, "<p class=\"note\">{}</p>", esc(&e));
        }
        None => {}
    }
}

fn gil_section(w: &mut String, report: &Report) {
    let _ = writeln!(w, "<h2 id=\"gil\">Python's lesson, reproduced?</h2>");
    let _ = writeln!(
        w,
        "<p>Under a global interpreter lock (the <code>gil</code> strategy: one thread per task, \
         one lock, released while waiting) threads should overlap waits like free threads yet gain \
         nothing on computing, where free threads gain up to the core count. Speedups over \
         sequential at each group's largest task count with a <code>gil</code> speedup.</p>"
    );
    let Some(c) = &report.gil else {
        let _ = writeln!(
            w,
            "<p>Neither a sleep group nor a hash group was measured.</p>"
        );
        return;
    };
    let (waiting, computing) = super::gil_headers(c);
    let _ = writeln!(
        w,
        "<table id=\"gil-table\">\n<tr><th>Strategy</th><th>{}</th><th>{}</th></tr>",
        esc(&waiting),
        esc(&computing)
    );
    for row in &c.rows {
        let dir = row
            .waiting
            .as_ref()
            .or(row.computing.as_ref())
            .map(|p| p.measurement.directory.as_str())
            .unwrap_or_default();
        let _ = writeln!(
            w,
            "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
            link(report, dir, &row.strategy),
            esc(&super::speedup_cell(row.waiting.as_ref())),
            esc(&super::speedup_cell(row.computing.as_ref()))
        );
    }
    let _ = writeln!(w, "</table>");
    let _ = writeln!(w, "<p id=\"gil-conclusion\">{}</p>", esc(&c.sentence));
}

fn mixed_section(w: &mut String, report: &Report) {
    let _ = writeln!(w, "<h2 id=\"io-share\">Computing and waiting mixed</h2>");
    let mixed: Vec<&GroupAnalysis> = report
        .groups
        .iter()
        .filter(|g| matches!(g.group, Group::Mixed { .. }))
        .collect();
    if mixed.is_empty() {
        let _ = writeln!(w, "<p>No mixed group was measured.</p>");
        return;
    }
    let _ = writeln!(w, "<p>{}</p>", esc(&super::mixed_rule(report)));
    for g in mixed {
        figure(w, charts::speedup_chart(g, report.machine.logical_cores));
        let (shares, rows) = super::mixed_table(g);
        let _ = write!(
            w,
            "<table class=\"io-share-table\" data-group=\"{}\">\n<tr><th>Strategy</th>",
            esc(&g.group.to_string())
        );
        for share in &shares {
            let _ = write!(w, "<th>{share} % waiting</th>");
        }
        let _ = writeln!(w, "</tr>");
        for (strategy, cells) in rows {
            let _ = write!(w, "<tr><td>{}</td>", esc(&strategy));
            for cell in cells {
                let _ = write!(w, "<td>{}</td>", esc(&cell));
            }
            let _ = writeln!(w, "</tr>");
        }
        let _ = writeln!(w, "</table>");
    }
}

fn waits_section(w: &mut String, report: &Report) {
    let _ = writeln!(w, "<h2 id=\"waits\">Threads against async at scale</h2>");
    let waits: Vec<&GroupAnalysis> = report
        .groups
        .iter()
        .filter(|g| matches!(g.group, Group::Waits { .. }))
        .collect();
    if waits.is_empty() {
        let _ = writeln!(w, "<p>No waits group was measured.</p>");
        return;
    }
    let _ = writeln!(
        w,
        "<p>Many tasks that only wait: one OS thread each (<code>threads</code>) against tasks \
         on one thread (<code>async</code>) or on a runtime's worker threads \
         (<code>async-multi</code>). Time per run of all tasks (log axes), and how much one run \
         raised the process's resident memory (peak minus before, recorded by the bench outside \
         Criterion's timing in <code>{}</code>).</p>",
        crate::records::MEMORY_FILE
    );
    for g in waits {
        figure(w, charts::time_chart(g));
    }
    let _ = writeln!(
        w,
        "<table id=\"waits-table\">\n<tr><th>Workload</th><th>Strategy</th><th>Tasks</th>\
         <th>Mean time [interval]</th><th>Peak memory growth</th></tr>"
    );
    for row in &report.waits {
        let t = row.point.measurement.mean_ns;
        let _ = writeln!(
            w,
            "<tr><td>{}</td><td>{}</td><td class=\"num\">{}</td><td>{} [{}, {}]</td>\
             <td class=\"num\">{}</td></tr>",
            esc(&row.group.to_string()),
            link(
                report,
                &row.point.measurement.directory,
                row.point.strategy()
            ),
            row.point.value(),
            esc(&time_label(t.point)),
            esc(&time_label(t.lower)),
            esc(&time_label(t.upper)),
            esc(&super::memory_growth_label(row.memory.as_ref()))
        );
    }
    let _ = writeln!(w, "</table>");
}

fn amdahl_section(w: &mut String, report: &Report) {
    let _ = writeln!(
        w,
        "<h2 id=\"amdahl\">Amdahl: how far would more cores go?</h2>"
    );
    if report.amdahl.is_empty() {
        let _ = writeln!(
            w,
            "<p>No worker-count sweep (hash-workers) was measured.</p>"
        );
        return;
    }
    let _ = writeln!(w, "<p>{}</p>", esc(&super::amdahl_rule(report)));
    for g in report
        .groups
        .iter()
        .filter(|g| matches!(g.group, Group::HashWorkers { .. }))
    {
        figure(w, charts::amdahl_chart(g, &report.amdahl));
    }
    let _ = write!(
        w,
        "<table id=\"amdahl-table\">\n<tr><th>Workload</th><th>Strategy</th>\
         <th>Serial fraction s [range], SE</th><th>Measured speedups (workers: ×S; * beyond the \
         cores, not fitted)</th>"
    );
    for n in super::scaling::PREDICT_AT {
        let _ = write!(w, "<th>Predicted on {n} cores</th>");
    }
    let _ = writeln!(w, "</tr>");
    for row in &report.amdahl {
        let dir = row
            .points
            .last()
            .map(|p| p.measurement.directory.as_str())
            .unwrap_or_default();
        let _ = write!(
            w,
            "<tr><td>{}</td><td>{}</td><td class=\"serial-fraction\">{}</td><td>{}</td>",
            esc(&row.group.to_string()),
            link(report, dir, &row.strategy),
            esc(&super::serial_fraction_cell(row)),
            esc(&super::measured_cell(row))
        );
        for cell in super::prediction_cells(row) {
            let _ = write!(w, "<td class=\"num\">{}</td>", esc(&cell));
        }
        let _ = writeln!(w, "</tr>");
    }
    let _ = writeln!(w, "</table>");
}

fn break_even(w: &mut String, report: &Report) {
    let _ = writeln!(w, "<h2 id=\"break-even\">Break-even</h2>");
    let _ = writeln!(
        w,
        "<p>The smallest measured task size at which a strategy's whole speedup interval lies \
         above ×1 (it beats sequential), with its per-task cost from the overhead benches (time at \
         the largest task count / task count) that explains it.</p>"
    );
    if report.break_even.is_empty() {
        let _ = writeln!(
            w,
            "<p>Neither the break-even sweep nor the overhead benches ran.</p>"
        );
        return;
    }
    let _ = writeln!(
        w,
        "<table id=\"break-even-table\">\n<tr><th>Sweep</th><th>Strategy</th>\
         <th>Beats sequential from</th><th>Overhead per task</th></tr>"
    );
    for row in &report.break_even {
        let (at, overhead) = break_even_cells(row);
        let strategy = match break_even_link(row) {
            Some(dir) => link(report, dir, &row.strategy),
            None => esc(&row.strategy),
        };
        let sweep = row.group.map(|g| g.to_string()).unwrap_or("–".to_string());
        let _ = writeln!(
            w,
            "<tr><td>{}</td><td>{strategy}</td><td>{}</td><td>{}</td></tr>",
            esc(&sweep),
            esc(&at),
            esc(&overhead)
        );
    }
    let _ = writeln!(w, "</table>");
}

fn group_section(w: &mut String, report: &Report, g: &GroupAnalysis) {
    let name = g.group.to_string();
    let _ = writeln!(w, "<h3 id=\"group-{0}\">{0}</h3>", esc(&name));
    let cores = report.machine.logical_cores;
    // Mixed and waits groups are charted in their own sections.
    let charts = [
        (!matches!(g.group, Group::Mixed { .. }))
            .then(|| charts::speedup_chart(g, cores))
            .flatten(),
        matches!(g.group, Group::HashSize { .. } | Group::Overhead)
            .then(|| charts::time_chart(g))
            .flatten(),
    ];
    for chart in charts {
        figure(w, chart);
    }
    let _ = writeln!(
        w,
        "<table class=\"group-table\" data-group=\"{}\">\n<tr><th>Strategy</th><th>{}</th>\
         <th>Mean time [interval]</th><th>Speedup [interval]</th><th>Ideal</th></tr>",
        esc(&name),
        esc(g.group.value_meaning())
    );
    for p in &g.points {
        let t = p.measurement.mean_ns;
        let ideal = ideal_speedup(&g.group, p.value(), cores)
            .map(|i| format!("×{}", factor(i)))
            .unwrap_or_else(|| "–".to_string());
        let _ = writeln!(
            w,
            "<tr><td>{}</td><td class=\"num\">{}</td><td>{} [{}, {}]</td><td>{}</td><td>{}</td></tr>",
            link(report, &p.measurement.directory, p.strategy()),
            esc(&value_label(&g.group, p.value())),
            esc(&time_label(t.point)),
            esc(&time_label(t.lower)),
            esc(&time_label(t.upper)),
            esc(&p.comparison.label()),
            esc(&ideal)
        );
    }
    let _ = writeln!(w, "</table>");
}
