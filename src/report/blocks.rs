//! Building blocks the sections share: the page context they render in, links to Criterion's
//! pages, figures, the per-group table in HTML and Markdown, finding paragraphs, and the
//! takeaways sections hand to the first screen.
//!
//! HTML is built with maud, which escapes every spliced value; charts are SVG drawn by
//! [`super::charts`] and embedded with `PreEscaped`.

use maud::{Markup, PreEscaped, html};
use serde::Serialize;

use crate::bench_id::{BenchFunction, Group};

use super::analysis::{GroupAnalysis, ideal_speedup};
use super::charts::Rendered;
use super::data::RunData;
use super::format;

/// One sentence for the first screen, with the size of the effect it reports.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Takeaway {
    /// The id of the section it links to.
    pub section: &'static str,
    /// The sentence, generated from the data.
    pub sentence: String,
    /// The effect size it is ranked by: |ln f| of the factor it reports
    /// ([`super::analysis::effect_size`]).
    pub effect: f64,
}

/// What a section renders in: the run's data, the ranked takeaways, and which section shows
/// which group (for links from the verdict matrix).
pub struct Page<'a> {
    /// The run's data.
    pub data: &'a RunData,
    /// The takeaways of the first screen, ranked.
    pub takeaways: &'a [Takeaway],
    /// For every section on the page: its id and the groups it shows.
    pub sections: Vec<(&'static str, Vec<Group>)>,
}

impl Page<'_> {
    /// The id of the section that shows `group`, if one does.
    pub fn section_of(&self, group: &Group) -> Option<&'static str> {
        self.sections
            .iter()
            .find(|(_, groups)| groups.contains(group))
            .map(|(id, _)| *id)
    }
}

/// The anchor of one group's block inside its section: `group-sleep-10ms`.
pub fn group_anchor(group: &Group) -> String {
    format!("group-{group}")
}

/// A strategy's name linking to Criterion's page of one benchmark.
pub fn strategy_link(page: &Page, directory: &str, strategy: BenchFunction) -> Markup {
    html! { a href=(page.data.criterion_page(directory)) { (strategy.name()) } }
}

/// A chart in a `<figure>`, or the reason it could not be drawn; nothing without a chart.
pub fn figure(chart: Option<Rendered>) -> Markup {
    html! {
        @match chart {
            Some(Ok(svg)) => figure { (PreEscaped(svg)) },
            Some(Err(e)) => p.note { (e) },
            None => {},
        }
    }
}

/// Sentences of a section, one paragraph each.
pub fn findings(sentences: &[String]) -> Markup {
    html! { @for s in sentences { p.finding { (s) } } }
}

/// A wide table in a container that scrolls sideways on its own, so the page never does.
pub fn scroll(table: Markup) -> Markup {
    html! { div.scroll { (table) } }
}

/// Text with `code` spans turned into `<code>` elements.
pub fn with_code(text: &str) -> Markup {
    html! {
        @for (i, part) in text.split('`').enumerate() {
            @if i % 2 == 1 { code { (part) } } @else { (part) }
        }
    }
}

/// Every point of a group in a collapsed table: strategy (linked), value, mean time, speedup
/// and ideal.
pub fn group_table(page: &Page, g: &GroupAnalysis) -> Markup {
    let cores = page.data.cores();
    html! {
        details.measurements {
            summary { "Every measurement of " (g.group.to_string()) " (" (g.points.len()) ")" }
            (scroll(html! {
                table.group-table data-group=(g.group.to_string()) {
                    thead { tr {
                        th { "Strategy" } th { (g.group.value_meaning()) }
                        th { "Mean time [interval]" } th { "Speedup [interval]" } th { "Ideal" }
                    } }
                    tbody { @for p in &g.points { tr class=[p.noisy.then_some("noisy")] {
                        td { (strategy_link(page, &p.measurement.directory, p.strategy())) }
                        td.num { (format::value(&g.group, p.value())) }
                        td { (format::time_interval(&p.measurement.mean_ns)) (noisy_mark(p.measurement.noisy())) }
                        td { (format::comparison(&p.comparison)) (noisy_mark(p.noisy)) }
                        td { (ideal_speedup(&g.group, p.value(), cores).map(format::ideal).unwrap_or_else(|| "–".to_string())) }
                    } } }
                }
            }))
        }
    }
}

/// The mark after a number that rests on a noisy measurement: `~` (see
/// [`crate::quality::noise`]); empty otherwise.
pub fn noisy_mark(noisy: bool) -> &'static str {
    if noisy { "~" } else { "" }
}

/// Escapes a Markdown table cell (pipes and line breaks).
pub fn md_cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

/// A group in Markdown: its heading (`### group`) and its table of points
/// ([`group_table_markdown`]).
pub fn group_markdown(page: &Page, g: &GroupAnalysis) -> String {
    format!("### {}\n\n{}", g.group, group_table_markdown(page, g))
}

/// The Markdown version of [`group_table`].
pub fn group_table_markdown(page: &Page, g: &GroupAnalysis) -> String {
    let cores = page.data.cores();
    let mut md = format!(
        "| Strategy | {} | Mean time [interval] | Speedup [interval] | Ideal |\n|---|---:|---|---|---|\n",
        g.group.value_meaning()
    );
    for p in &g.points {
        md.push_str(&format!(
            "| [{}]({}) | {} | {} | {} | {} |\n",
            p.strategy(),
            page.data.criterion_page(&p.measurement.directory),
            format::value(&g.group, p.value()),
            format::time_interval(&p.measurement.mean_ns) + noisy_mark(p.measurement.noisy()),
            format::comparison(&p.comparison) + noisy_mark(p.noisy),
            ideal_speedup(&g.group, p.value(), cores)
                .map(format::ideal)
                .unwrap_or_else(|| "–".to_string())
        ));
    }
    md
}

/// Sentences as Markdown paragraphs.
pub fn findings_markdown(sentences: &[String]) -> String {
    sentences.iter().map(|s| format!("{s}\n\n")).collect()
}
