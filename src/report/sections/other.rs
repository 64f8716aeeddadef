//! Other measurements: groups no section shows (e.g. a group kind a newer bench writes before
//! the page has a section for it), each with its chart and table, so no data goes unshown.
//!
//! Built by [`super::build_all`] after the registered sections, from the groups none of them
//! claims.

use maud::{Markup, html};

use crate::bench_id::Group;

use super::super::analysis::GroupAnalysis;
use super::super::blocks::{Page, figure, group_anchor, group_markdown, group_table};
use super::super::charts;
use super::super::data::RunData;
use super::Section;

/// The section of unclaimed groups.
pub struct Other {
    groups: Vec<GroupAnalysis>,
    cores: usize,
}

/// Builds the section from the groups in `unshown`.
pub fn build(data: &RunData, unshown: Vec<Group>) -> Box<dyn Section> {
    Box::new(Other {
        groups: data
            .groups
            .iter()
            .filter(|g| unshown.contains(&g.group))
            .cloned()
            .collect(),
        cores: data.cores(),
    })
}

impl Section for Other {
    fn id(&self) -> &'static str {
        "other"
    }

    fn title(&self) -> &'static str {
        "Other measurements"
    }

    fn has_data(&self) -> bool {
        !self.groups.is_empty()
    }

    fn groups(&self) -> Vec<Group> {
        self.groups.iter().map(|g| g.group).collect()
    }

    fn headline(&self) -> String {
        format!(
            "{} group(s) no other section explains yet",
            self.groups.len()
        )
    }

    fn lead(&self, _page: &Page) -> Markup {
        html! { p.lead { "Measured by this run but not yet read by any section of the page; their charts and every measurement are below." } }
    }

    fn more(&self) -> String {
        format!(
            "Every group no other section shows ({}): its chart and measurements",
            self.groups.len()
        )
    }

    fn html(&self, page: &Page) -> Markup {
        html! {
            @for g in &self.groups {
                h3 id=(group_anchor(&g.group)) { (g.group.to_string()) }
                (figure(charts::speedup_chart(g, self.cores).or_else(|| charts::time_chart(g))))
                (group_table(page, g))
            }
        }
    }

    fn markdown(&self, page: &Page) -> String {
        self.groups
            .iter()
            .map(|g| group_markdown(page, g) + "\n")
            .collect()
    }
}
