//! The page's sections, one module each, listed once in [`SECTIONS`] in page order.
//!
//! Each module owns everything about its part of the page: the analysis result it computes
//! from the run's [`RunData`], its sentences ([`Section::findings`]), its candidates for the
//! first screen ([`Section::takeaways`]), and its HTML, Markdown and JSON. The frame
//! (`report/page.rs`) puts them together: the first section (the verdict matrix and the
//! takeaways) opens the page, a table of contents follows, then every other section with data.
//! A section without data ([`Section::has_data`] false) is left out of the page, the
//! Markdown, the table of contents and the matrix links; its JSON keys are still written
//! (empty), so `summary.json` keeps one shape.
//!
//! # Adding a section
//!
//! 1. Write `src/report/sections/<name>.rs` with a `pub fn build(data: &RunData) ->
//!    Box<dyn Section>` and a type implementing [`Section`]: its [`Section::headline`] says
//!    the finding, its [`Section::lead`] holds the answer (at most [`LEAD_BUDGET`] words with
//!    the headline) and its one chart or small table, and its [`Section::html`] the rest,
//!    which the frame folds into `<details>` under the summary line [`Section::more`]. Use the shared plumbing only:
//!    [`super::analysis`] (speedups, verdicts, ideals), [`super::format`] (every label),
//!    `report/charts.rs` (charts), `report/blocks.rs` (links, figures, group tables). Never
//!    import a sibling section.
//! 2. Add `mod <name>;` below and one line `<name>::build,` to [`SECTIONS`] where it should
//!    appear on the page.
//!
//! That is all: the table of contents, takeaways, `summary.md`, the `findings` of
//! `summary.json` and the groups' links follow. Claim the groups you show with
//! [`Section::groups`]; groups no section claims are shown by the "Other measurements"
//! section, so a group the page does not know yet (e.g. a future `py-*` group) is never lost.
//! Add the new JSON keys to the schema in `page.rs` and raise `SUMMARY_VERSION`.

/// The [`Section`] methods of a section made of group blocks, written once: inside its `impl
/// Section`, `group_block_methods!()` says that it has data when `self.blocks` (a
/// `Vec<GroupBlock>`) is not empty, shows their groups, and has their sentences and takeaway
/// candidates.
macro_rules! group_block_methods {
    () => {
        fn has_data(&self) -> bool {
            !self.blocks.is_empty()
        }

        fn groups(&self) -> Vec<crate::bench_id::Group> {
            self.blocks.iter().map(|b| b.group.group).collect()
        }

        fn findings(&self) -> Vec<String> {
            self.blocks
                .iter()
                .flat_map(|b| b.sentences.clone())
                .collect()
        }

        fn takeaways(&self) -> Vec<Takeaway> {
            self.blocks
                .iter()
                .flat_map(|b| b.takeaways.clone())
                .collect()
        }
    };
}

mod amdahl;
mod break_even;
mod computing;
mod costs;
mod gil;
mod machine;
mod matrix;
mod mixed;
mod other;
pub mod pairs;
mod python;
mod quality;
mod waiting;
mod waits;

use maud::Markup;

use crate::bench_id::Group;

use super::analysis::GroupAnalysis;
pub use super::blocks::Takeaway;
use super::blocks::{
    Page, findings, findings_markdown, group_anchor, group_table, group_table_markdown,
};
use super::data::RunData;

/// Builds one section from the run's data.
pub type Build = fn(&RunData) -> Box<dyn Section>;

/// One workload group as the group-by-group sections (waiting, computing, mixed) show it: its
/// analysis, its sentences and its candidates for the first screen.
struct GroupBlock {
    group: GroupAnalysis,
    sentences: Vec<String>,
    takeaways: Vec<Takeaway>,
}

impl GroupBlock {
    /// The group's part of the page: heading, `chart`, sentences and its table of points.
    fn html(&self, page: &Page, chart: Markup) -> Markup {
        maud::html! {
            h3 id=(group_anchor(&self.group.group)) { (self.group.group.to_string()) }
            (chart)
            (findings(&self.sentences))
            (group_table(page, &self.group))
        }
    }

    /// The group's part of `summary.md`: heading, sentences and its table of points.
    fn markdown(&self, page: &Page) -> String {
        format!(
            "### {}\n\n{}{}\n",
            self.group.group,
            findings_markdown(&self.sentences),
            group_table_markdown(page, &self.group)
        )
    }
}

/// How many words a section's heading and its text before its first chart or table hold at
/// most (the page's lead budget, checked in `tests/browser.rs`).
pub const LEAD_BUDGET: usize = 80;

/// The heading that says a section's finding: its largest takeaway (without the full stop),
/// or `fallback` (the topic) when it has none.
fn headline_from(takeaways: &[Takeaway], fallback: &str) -> String {
    takeaways
        .iter()
        .filter(|t| t.effect.is_finite())
        .max_by(|a, b| a.effect.total_cmp(&b.effect))
        .map(|t| t.sentence.trim_end_matches('.').to_string())
        .unwrap_or_else(|| fallback.to_string())
}

/// The first of `sentences` that fit in `words` words together: none when the first alone is
/// longer (it stays in the section's detail).
fn lead_sentences(sentences: &[String], words: usize) -> Vec<String> {
    let mut out = Vec::new();
    let mut count = 0;
    for s in sentences {
        let n = s.split_whitespace().count();
        if count + n > words {
            break;
        }
        count += n;
        out.push(s.clone());
    }
    out
}

/// A lead under `headline`: the first sentences that fit in [`LEAD_BUDGET`] words with the
/// headline (see [`lead_sentences`]) in one paragraph, then the chart or table.
fn lead(headline: &str, sentences: &[String], chart: Markup) -> Markup {
    let room = LEAD_BUDGET.saturating_sub(headline.split_whitespace().count());
    let text = lead_sentences(sentences, room).join(" ");
    maud::html! {
        @if !text.is_empty() { p.lead { (text) } }
        (chart)
    }
}

/// The lead of a section made of group blocks: `headline`, the first block's sentences and
/// `chart` of it; empty without blocks.
fn blocks_lead(
    blocks: &[GroupBlock],
    headline: &str,
    chart: impl Fn(&GroupBlock) -> Markup,
) -> Markup {
    match blocks.first() {
        Some(b) => lead(headline, &b.sentences, chart(b)),
        None => Markup::default(),
    }
}

/// Every section, in page order. The first one (the verdict matrix and takeaways) opens the
/// page above the table of contents.
pub const SECTIONS: &[Build] = &[
    matrix::build,
    waiting::build,
    computing::build,
    mixed::build,
    waits::build,
    gil::build,
    python::build,
    amdahl::build,
    break_even::build,
    costs::build,
    pairs::build,
    quality::build,
    machine::build,
];

/// How many takeaways the first screen shows at most.
pub const MAX_TAKEAWAYS: usize = 6;
/// How many takeaways one section may place on the first screen, so that one section's
/// many large effects do not crowd out the others.
pub const MAX_TAKEAWAYS_PER_SECTION: usize = 2;

/// One section of the page: built from the run's data, or without data and left out.
pub trait Section {
    /// Its anchor (`<section id>`) and table-of-contents target.
    fn id(&self) -> &'static str;
    /// Its topic: the table-of-contents entry and the Markdown copy's heading.
    fn title(&self) -> &'static str;
    /// Its heading on the page: the finding in a few words, generated from the data (not the
    /// topic; the topic is [`Section::title`]). Defaults to its largest takeaway, or the title
    /// when it has none (see [`headline_from`]).
    fn headline(&self) -> String {
        headline_from(&self.takeaways(), self.title())
    }
    /// Its lead, shown open under the heading: the answer in at most ~80 words, then its one
    /// chart or small table. Empty by default.
    fn lead(&self, page: &Page) -> Markup {
        let _ = page;
        Markup::default()
    }
    /// The summary line of the folded detail ([`Section::html`]): what is inside.
    fn more(&self) -> String {
        format!("The detail of \u{201c}{}\u{201d}", self.title())
    }
    /// Whether the run has data for it; without, it is left out of the page.
    fn has_data(&self) -> bool;
    /// The groups it shows (so the matrix can link to it, and no group goes unshown).
    fn groups(&self) -> Vec<Group> {
        Vec::new()
    }
    /// Its sentences, generated from the numbers.
    fn findings(&self) -> Vec<String> {
        Vec::new()
    }
    /// Its candidates for the first screen.
    fn takeaways(&self) -> Vec<Takeaway> {
        Vec::new()
    }
    /// Its detail in HTML (full tables, per-benchmark lists, fits, method): the frame folds
    /// it into a `<details>` block below the lead, summarised by [`Section::more`]; empty
    /// detail is left out.
    fn html(&self, page: &Page) -> Markup;
    /// Its full Markdown copy, for `details.md` (the frame adds the heading).
    fn markdown(&self, page: &Page) -> String;
    /// Its own pages beside `index.html`, for detail too long even to fold: (file name,
    /// title, body), which the frame writes in the page's style with a link back. None by
    /// default.
    fn pages(&self, page: &Page) -> Vec<(&'static str, &'static str, Markup)> {
        let _ = page;
        Vec::new()
    }
    /// Its part of `summary.md`, kept to the answer (the frame adds the heading); empty by
    /// default, when the summary only links to the section by its headline.
    fn summary_markdown(&self, page: &Page) -> String {
        let _ = page;
        String::new()
    }
    /// Its top-level keys of `summary.json`, written with or without data.
    fn json(&self, page: &Page) -> Vec<(&'static str, serde_json::Value)> {
        let _ = page;
        Vec::new()
    }
}

/// Builds every section of [`SECTIONS`], then "Other measurements" for the groups none of
/// them shows.
pub fn build_all(data: &RunData) -> Vec<Box<dyn Section>> {
    let mut sections: Vec<Box<dyn Section>> = SECTIONS.iter().map(|build| build(data)).collect();
    let shown: Vec<Group> = sections.iter().flat_map(|s| s.groups()).collect();
    let unshown: Vec<Group> = data
        .groups
        .iter()
        .map(|g| g.group)
        .filter(|g| !shown.contains(g))
        .collect();
    let last = sections.len().saturating_sub(1);
    sections.insert(last, other::build(data, unshown));
    sections
}

/// The takeaways of every section with data, largest effect first (ties keep page order),
/// at most [`MAX_TAKEAWAYS`] and at most [`MAX_TAKEAWAYS_PER_SECTION`] from one section.
pub fn ranked_takeaways(sections: &[Box<dyn Section>]) -> Vec<Takeaway> {
    let mut all: Vec<Takeaway> = sections
        .iter()
        .filter(|s| s.has_data())
        .flat_map(|s| s.takeaways())
        .filter(|t| t.effect.is_finite())
        .collect();
    all.sort_by(|a, b| b.effect.total_cmp(&a.effect));
    let mut ranked: Vec<Takeaway> = Vec::new();
    for t in all {
        let from_section = ranked.iter().filter(|r| r.section == t.section).count();
        if from_section < MAX_TAKEAWAYS_PER_SECTION && ranked.len() < MAX_TAKEAWAYS {
            ranked.push(t);
        }
    }
    ranked
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lead_keeps_to_its_budget_with_the_headline() {
        let sentences = vec!["one two three.".to_string(), "four five.".to_string()];
        assert_eq!(lead_sentences(&sentences, 5), sentences);
        assert_eq!(lead_sentences(&sentences, 4), sentences[..1]);
        assert!(lead_sentences(&sentences, 2).is_empty());
        let headline = "word ".repeat(LEAD_BUDGET - 3);
        let html = lead(&headline, &sentences, Markup::default()).into_string();
        assert_eq!(html, "<p class=\"lead\">one two three.</p>");
    }

    #[test]
    fn section_ids_are_unique() {
        let data = RunData::from_groups(Vec::new(), 2);
        let sections = build_all(&data);
        let mut ids: Vec<&str> = sections.iter().map(|s| s.id()).collect();
        let count = ids.len();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), count, "{ids:?}");
        assert!(sections.iter().all(|s| !s.title().is_empty()));
    }
}
