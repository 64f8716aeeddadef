//! Writes `index.html`: one self-contained page (inline CSS and SVG, no scripts, no fonts or
//! files from the network) with the machine, findings, verdicts, break-even table, one chart
//! and one table per group, every row linking to Criterion's own page for that benchmark.

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
    break_even(w, report);

    let _ = writeln!(w, "<h2 id=\"groups\">Measurements</h2>");
    let _ = writeln!(
        w,
        "<p>The dashed ideal line is ×N for waiting tasks (all N can wait at once) and \
         ×min(N, {} logical cores) for hashing. Error bars are Criterion's confidence intervals.</p>",
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
    let charts = [
        charts::speedup_chart(g, cores),
        matches!(g.group, Group::HashSize { .. } | Group::Overhead)
            .then(|| charts::time_chart(g))
            .flatten(),
    ];
    for chart in charts.into_iter().flatten() {
        match chart {
            Ok(svg) => {
                let _ = writeln!(w, "<figure>\n{svg}\n</figure>");
            }
            Err(e) => {
                let _ = writeln!(w, "<p class=\"note\">{}</p>", esc(&e));
            }
        }
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
