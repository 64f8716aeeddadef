//! Threads against async at scale: up to 10,000 tasks that only wait, one OS thread each
//! against tasks on an event loop, in time and in peak memory (recorded by the bench in
//! `parbench-memory.json`, joined here by benchmark ID).

use maud::{Markup, html};
use serde_json::json;

use crate::bench_id::{BenchFunction, Group};
use crate::suite::{MEMORY_FILE, MemoryRecord};

use super::super::analysis::{GroupAnalysis, Point, effect_size};
use super::super::blocks::{
    Page, figure, findings, findings_markdown, group_anchor, scroll, strategy_link,
};
use super::super::charts;
use super::super::data::RunData;
use super::super::format;
use super::{Section, Takeaway};

const ID: &str = "waits";

/// One point of a `waits-*` group with the peak memory the benches recorded for it.
#[derive(Clone, Debug, PartialEq)]
pub struct WaitsRow {
    /// The `waits-*` group.
    pub group: Group,
    /// The measured point (time per run of all tasks).
    pub point: Point,
    /// The memory record of the same ID, if the benches wrote one.
    pub memory: Option<MemoryRecord>,
}

/// Every point of the groups, by group, strategy and task count, joined with the memory
/// records by benchmark ID.
pub fn waits_rows(groups: &[&GroupAnalysis], memory: &[MemoryRecord]) -> Vec<WaitsRow> {
    groups
        .iter()
        .flat_map(|g| {
            g.points.iter().map(|p| {
                let id = p.measurement.id.to_string();
                WaitsRow {
                    group: g.group,
                    point: p.clone(),
                    memory: memory.iter().find(|r| r.id == id).cloned(),
                }
            })
        })
        .collect()
}

/// The waits section.
pub struct Waits {
    groups: Vec<GroupAnalysis>,
    rows: Vec<WaitsRow>,
    memory: Vec<MemoryRecord>,
}

/// Builds the section from the `waits-*` groups and the memory records.
pub fn build(data: &RunData) -> Box<dyn Section> {
    let groups = data.groups_where(|g| matches!(g, Group::Waits { .. }));
    let rows = waits_rows(&groups, &data.memory);
    Box::new(Waits {
        groups: groups.into_iter().cloned().collect(),
        rows,
        memory: data.memory.clone(),
    })
}

fn memory_label(record: Option<&MemoryRecord>) -> String {
    record
        .map(|r| format::memory_growth(r.growth_bytes()))
        .unwrap_or_else(|| "not recorded".to_string())
}

impl Waits {
    /// The rows at the largest task count of one group.
    fn largest(&self, group: Group) -> Vec<&WaitsRow> {
        let of_group = self.rows.iter().filter(|r| r.group == group);
        let Some(n) = of_group.clone().map(|r| r.point.value()).max() else {
            return Vec::new();
        };
        of_group.filter(|r| r.point.value() == n).collect()
    }
}

impl Section for Waits {
    fn id(&self) -> &'static str {
        ID
    }

    fn title(&self) -> &'static str {
        "Threads against async at scale"
    }

    fn has_data(&self) -> bool {
        !self.groups.is_empty()
    }

    fn groups(&self) -> Vec<Group> {
        self.groups.iter().map(|g| g.group).collect()
    }

    /// Time and memory growth of every strategy at the largest task count of each group.
    fn findings(&self) -> Vec<String> {
        self.groups
            .iter()
            .filter_map(|g| {
                let rows = self.largest(g.group);
                let n = rows.first()?.point.value();
                let parts: Vec<String> = rows
                    .iter()
                    .map(|r| {
                        let memory = match &r.memory {
                            Some(m) => {
                                format!("{} peak memory", format::memory_growth(m.growth_bytes()))
                            }
                            None => "memory not recorded".to_string(),
                        };
                        format!(
                            "{} {} and {memory}",
                            r.point.strategy(),
                            format::time(r.point.measurement.mean_ns.point)
                        )
                    })
                    .collect();
                let wait = match g.group {
                    Group::Waits { duration } => crate::units::duration_label(duration),
                    _ => String::new(),
                };
                Some(format!(
                    "{n} waits of {wait} ({}): {}.",
                    g.group,
                    parts.join(", ")
                ))
            })
            .collect()
    }

    fn takeaways(&self) -> Vec<Takeaway> {
        self.groups
            .iter()
            .filter_map(|g| {
                let rows = self.largest(g.group);
                let time = |r: &&WaitsRow| r.point.measurement.mean_ns.point;
                let fast = rows.iter().min_by(|a, b| time(a).total_cmp(&time(b)))?;
                let slow = rows.iter().max_by(|a, b| time(a).total_cmp(&time(b)))?;
                (fast.point.strategy() != slow.point.strategy()).then(|| Takeaway {
                    section: ID,
                    sentence: format!(
                        "{} tasks waiting at once ({}): {} takes {}, {} {} ({} longer).",
                        fast.point.value(),
                        g.group,
                        fast.point.strategy(),
                        format::time(time(fast)),
                        slow.point.strategy(),
                        format::time(time(slow)),
                        format::times(time(slow) / time(fast))
                    ),
                    effect: effect_size(time(slow) / time(fast)),
                })
            })
            .collect()
    }

    fn lead(&self, _page: &Page) -> Markup {
        match self.groups.first() {
            Some(g) => super::lead(
                &self.headline(),
                &self.findings(),
                figure(charts::time_chart(g)),
            ),
            None => Markup::default(),
        }
    }

    fn more(&self) -> String {
        format!(
            "How the waits were measured, every group's chart, and every measurement with its memory ({})",
            self.rows.len()
        )
    }

    fn html(&self, page: &Page) -> Markup {
        html! {
            p {
                "Many tasks that only wait: one OS thread each (" code { (BenchFunction::Threads.name()) } ") against tasks on one thread ("
                code { (BenchFunction::Async.name()) } ") or on a runtime's worker threads (" code { (BenchFunction::AsyncMulti.name()) } "). Time per run of all tasks, and how much one run raised the process's resident memory (peak minus before, recorded by the bench outside Criterion's timing in "
                code { (MEMORY_FILE) } ")."
            }
            @for g in &self.groups {
                h3 id=(group_anchor(&g.group)) { (g.group.to_string()) }
                (figure(charts::time_chart(g)))
            }
            (findings(&self.findings()))
            details {
                summary { "Every waits measurement (" (self.rows.len()) ")" }
                (scroll(html! {
                    table #waits-table {
                        thead { tr { th { "Workload" } th { "Strategy" } th { "Tasks" } th { "Mean time [interval]" } th { "Peak memory growth" } } }
                        tbody { @for r in &self.rows { tr {
                            td { (r.group.to_string()) }
                            td { (strategy_link(page, &r.point.measurement.directory, r.point.strategy())) }
                            td.num { (r.point.value()) }
                            td { (format::time_interval(&r.point.measurement.mean_ns)) }
                            td.num { (memory_label(r.memory.as_ref())) }
                        } } }
                    }
                }))
            }
        }
    }

    fn markdown(&self, _page: &Page) -> String {
        let mut md = findings_markdown(&self.findings());
        md.push_str(
            "| Workload | Strategy | Tasks | Mean time [interval] | Peak memory growth |\n|---|---|---:|---|---:|\n",
        );
        for r in &self.rows {
            md.push_str(&format!(
                "| {} | {} | {} | {} | {} |\n",
                r.group,
                r.point.strategy(),
                r.point.value(),
                format::time_interval(&r.point.measurement.mean_ns),
                memory_label(r.memory.as_ref())
            ));
        }
        md
    }

    fn json(&self, _page: &Page) -> Vec<(&'static str, serde_json::Value)> {
        let memory: Vec<serde_json::Value> = self
            .memory
            .iter()
            .map(|r| {
                json!({
                    "id": r.id,
                    "rss_before_bytes": r.rss_before_bytes,
                    "peak_rss_bytes": r.peak_rss_bytes,
                    "growth_bytes": r.growth_bytes(),
                    "wall_seconds": r.wall_seconds,
                })
            })
            .collect();
        vec![("memory", serde_json::Value::Array(memory))]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bench_id::BenchFunction::{Async, Threads};
    use crate::report::testdata::{analyse, m};
    use std::time::Duration;

    #[test]
    fn time_and_memory_at_the_largest_count() {
        let waits = Group::Waits {
            duration: Duration::from_millis(50),
        };
        let data = [
            m(waits, Threads, 10_000, 1.2e9),
            m(waits, Async, 10_000, 80e6),
        ];
        let mut run = RunData::from_groups(analyse(&data), 2);
        run.memory = vec![MemoryRecord {
            id: "waits-50ms/async/10000".to_string(),
            rss_before_bytes: 1 << 20,
            peak_rss_bytes: 18 << 20,
            wall_seconds: 0.08,
        }];
        let section = build(&run);
        let text = section.findings().join("\n");
        assert!(
            text.contains(
                "threads 1.20 s and memory not recorded, async 80.0 ms and +17.0 MiB peak memory"
            ),
            "{text}"
        );
        let t = &section.takeaways()[0];
        assert_eq!(
            t.sentence,
            "10000 tasks waiting at once (waits-50ms): async takes 80.0 ms, threads 1.20 s (×15.0 longer)."
        );
    }
}
