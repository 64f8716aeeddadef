//! Computing and waiting mixed: tasks of a fixed total cost, part hashing and part waiting,
//! swept over the waiting share. Which strategies overlap the waiting part?

use maud::{Markup, html};

use crate::bench_id::{BenchFunction, Group};

use super::super::analysis::{GroupAnalysis, effect_size, mixed_references};
use super::super::blocks::{
    Page, figure, findings, findings_markdown, group_anchor, md_cell, scroll,
};
use super::super::charts;
use super::super::data::RunData;
use super::super::format;
use super::{GroupBlock, Section, Takeaway};

const ID: &str = "mixed";

/// The mixed-task section.
pub struct Mixed {
    blocks: Vec<GroupBlock>,
    cores: usize,
}

/// Builds the section from the `mixed-*` groups.
pub fn build(data: &RunData) -> Box<dyn Section> {
    let cores = data.cores();
    let blocks = data
        .groups_where(|g| matches!(g, Group::Mixed { .. }))
        .into_iter()
        .map(|g| GroupBlock {
            group: g.clone(),
            sentences: sentence(g, cores).into_iter().collect(),
            takeaways: takeaway(g).into_iter().collect(),
        })
        .collect();
    Box::new(Mixed { blocks, cores })
}

/// The strategies compared with sequential.
fn compared(g: &GroupAnalysis) -> Vec<BenchFunction> {
    g.strategies()
        .into_iter()
        .filter(|s| *s != BenchFunction::Sequential)
        .collect()
}

/// Each strategy's speedup at the highest and the lowest waiting share.
fn sentence(g: &GroupAnalysis, cores: usize) -> Option<String> {
    let (all_waiting, all_computing) = mixed_references(&g.group, cores)?;
    let tasks = match g.group {
        Group::Mixed { tasks, .. } => tasks as u64,
        _ => return None,
    };
    let parts: Vec<String> = compared(g)
        .into_iter()
        .filter_map(|strategy| {
            let series = g.speedups_of(strategy);
            let (low, high) = (series.first()?, series.last()?);
            Some(if low.0 == high.0 {
                format!(
                    "{strategy} {} at {}",
                    format::speedup_point(&high.1),
                    format::percent(high.0)
                )
            } else {
                format!(
                    "{strategy} {} at {} waiting, {} at {}",
                    format::speedup_point(&high.1),
                    format::percent(high.0),
                    format::speedup_point(&low.1),
                    format::percent(low.0)
                )
            })
        })
        .collect();
    (!parts.is_empty()).then(|| {
        format!(
            "{} ({}): {} (references: {} if all waiting overlaps, {} for pure computing).",
            g.group,
            format::tasks(tasks),
            parts.join("; "),
            format::ideal(all_waiting),
            format::ideal(all_computing)
        )
    })
}

/// The spread between the best and the worst strategy at the share nearest half waiting.
fn takeaway(g: &GroupAnalysis) -> Option<Takeaway> {
    let share = g.values().into_iter().min_by_key(|v| v.abs_diff(50))?;
    let at = g.speedups_at(share);
    let best = at.iter().max_by(|a, b| a.1.point.total_cmp(&b.1.point))?;
    let worst = at.iter().min_by(|a, b| a.1.point.total_cmp(&b.1.point))?;
    (best.0 != worst.0).then(|| Takeaway {
        section: ID,
        sentence: format!(
            "With {} of each task waiting ({}), {} reaches {} but {} only {}.",
            format::percent(share),
            g.group,
            best.0,
            format::speedup_point(&best.1),
            worst.0,
            format::speedup_point(&worst.1)
        ),
        effect: effect_size(best.1.point / worst.1.point),
    })
}

impl Mixed {
    fn rule(&self) -> String {
        format!(
            "Each task costs the same total time, part hashing and part waiting; the x axis is the \
             waiting share. The dashed references are ×N, where all waiting overlaps (every task \
             waits at once: the 100 % end), and ×min(N, {} logical cores), pure computing (the 0 % \
             end). Between them, the best any schedule can do at waiting share p is min(N, cores / \
             (1 − p)) (the cores must still run all the hashing), which rises from the lower \
             reference to the upper one; a strategy that stays on the lower line does not overlap \
             its waiting.",
            self.cores
        )
    }

    /// The cell labels of one strategy's row, one per share.
    fn cells(g: &GroupAnalysis, strategy: BenchFunction) -> Vec<String> {
        g.values()
            .iter()
            .map(|&v| {
                g.point(strategy, v)
                    .map(|p| format::comparison(&p.comparison))
                    .unwrap_or_else(|| "–".to_string())
            })
            .collect()
    }
}

impl Section for Mixed {
    fn id(&self) -> &'static str {
        ID
    }

    fn title(&self) -> &'static str {
        "Computing and waiting mixed"
    }

    group_block_methods!();

    fn lead(&self, _page: &Page) -> Markup {
        super::blocks_lead(&self.blocks, &self.headline(), |b| {
            figure(charts::speedup_chart(&b.group, self.cores))
        })
    }

    fn more(&self) -> String {
        format!(
            "The reference lines, and every mixed group ({}) share by share",
            self.blocks.len()
        )
    }

    fn html(&self, _page: &Page) -> Markup {
        html! {
            p { (self.rule()) }
            @for b in &self.blocks {
                @let g = &b.group;
                h3 id=(group_anchor(&g.group)) { (g.group.to_string()) }
                (figure(charts::speedup_chart(g, self.cores)))
                (findings(&b.sentences))
                details {
                    summary { "Every speedup of " (g.group.to_string()) }
                    (scroll(html! {
                        table.io-share-table data-group=(g.group.to_string()) {
                            thead { tr {
                                th { "Strategy" }
                                @for share in g.values() { th { (format::percent(share)) " waiting" } }
                            } }
                            tbody { @for s in compared(g) { tr {
                                td { (s.name()) }
                                @for cell in Self::cells(g, s) { td { (cell) } }
                            } } }
                        }
                    }))
                }
            }
        }
    }

    fn markdown(&self, _page: &Page) -> String {
        let mut md = format!("{}\n\n", self.rule());
        for b in &self.blocks {
            let g = &b.group;
            let shares = g.values();
            md.push_str(&format!("### {}\n\n", g.group));
            md.push_str(&findings_markdown(&b.sentences));
            md.push_str("| Strategy |");
            for share in &shares {
                md.push_str(&format!(" {} waiting |", format::percent(*share)));
            }
            md.push_str(&format!("\n|---|{}\n", "---|".repeat(shares.len())));
            for s in compared(g) {
                md.push_str(&format!(
                    "| {} | {} |\n",
                    md_cell(s.name()),
                    Self::cells(g, s).join(" | ")
                ));
            }
            md.push('\n');
        }
        md
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bench_id::BenchFunction::{Gil, Sequential, Threads};
    use crate::report::testdata::{analyse, m};
    use std::time::Duration;

    #[test]
    fn the_sentence_and_takeaway_carry_the_figures() {
        let mixed = Group::Mixed {
            total: Duration::from_millis(10),
            tasks: 8,
        };
        let mut data = Vec::new();
        for (share, gil, threads) in [(0u64, 1.0, 1.9), (50, 1.9, 3.8), (100, 7.4, 7.6)] {
            data.push(m(mixed, Sequential, share, 80e6));
            data.push(m(mixed, Gil, share, 80e6 / gil));
            data.push(m(mixed, Threads, share, 80e6 / threads));
        }
        let section = build(&RunData::from_groups(analyse(&data), 2));
        let text = section.findings().join("\n");
        assert!(
            text.contains("mixed-10ms-n8 (8 tasks): threads ×7.60 at 100 % waiting, ×1.90 at 0 %; gil ×7.40 at 100 % waiting, ×1.00 at 0 %"),
            "{text}"
        );
        assert!(
            text.contains("(references: ×8 if all waiting overlaps, ×2 for pure computing)"),
            "{text}"
        );
        let t = &section.takeaways()[0];
        assert_eq!(
            t.sentence,
            "With 50 % of each task waiting (mixed-10ms-n8), threads reaches ×3.80 but gil only ×1.90."
        );
        assert!((t.effect - 2f64.ln()).abs() < 1e-9);
    }
}
