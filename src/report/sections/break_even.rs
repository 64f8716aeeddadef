//! Break-even: from which task size does each strategy beat sequential (the `hash-size-*`
//! sweep), and what does one task cost it (the `overhead` benches) — the cost that explains
//! the break-even.

use std::collections::BTreeMap;

use maud::{Markup, html};
use serde_json::json;

use crate::bench_id::{BenchFunction, Group};
use crate::costs::fit::fit_line;
use crate::costs::measured::overhead_points;
use crate::costs::model::ScalingPoint;

use super::super::analysis::{GroupAnalysis, Point, effect_size};
use super::super::blocks::{
    Page, figure, findings, findings_markdown, group_anchor, group_markdown, group_table, md_cell,
    scroll, strategy_link,
};
use super::super::charts;
use super::super::data::RunData;
use super::super::format;
use super::{Section, Takeaway};
use crate::interval::Interval;

const ID: &str = "break-even";

/// A strategy's per-task cost, from the `overhead` group.
#[derive(Clone, Debug, PartialEq)]
pub struct Overhead {
    /// Time per empty task in nanoseconds: the slope of the cost line
    /// `T(N) = fixed + per_task × N` fitted to the empty-task times (`crate::costs`).
    pub per_task_ns: Interval,
    /// The line's last point, which a row links to.
    pub point: Point,
}

/// Each strategy's per-task overhead: the slope of its empty-task cost line, fitted to the
/// same points as the cost model's (strategies with fewer than two points have none).
pub fn overheads(groups: &[&GroupAnalysis]) -> BTreeMap<BenchFunction, Overhead> {
    let mut map = BTreeMap::new();
    for g in groups.iter().filter(|g| g.group == Group::Overhead) {
        let measurements: Vec<_> = g.points.iter().map(|p| p.measurement.clone()).collect();
        for (strategy, points) in overhead_points(&measurements) {
            let Ok(line) = fit_line(&points.line) else {
                continue;
            };
            let last = points.line.iter().map(|(n, _)| *n as u64).max();
            if let Some(point) = g.points_of(strategy).find(|p| Some(p.value()) == last) {
                map.insert(
                    strategy,
                    Overhead {
                        per_task_ns: line.slope,
                        point: point.clone(),
                    },
                );
            }
        }
    }
    map
}

/// Where a strategy starts beating `sequential` in a break-even sweep.
#[derive(Clone, Debug, PartialEq)]
pub enum BreakEven {
    /// The smallest measured bytes per task whose speedup interval lies above 1.
    At {
        /// Bytes per task.
        bytes: u64,
        /// The point at that size.
        point: Point,
    },
    /// It never beat `sequential` up to the largest measured size.
    Never {
        /// The largest measured bytes per task.
        largest: u64,
        /// The point at that size.
        point: Point,
    },
    /// The strategy was not in a break-even sweep (only its overhead was measured).
    NotMeasured,
}

/// One row of the break-even table.
#[derive(Clone, Debug, PartialEq)]
pub struct BreakEvenRow {
    /// The strategy.
    pub strategy: BenchFunction,
    /// The break-even group it was measured in, if any.
    pub group: Option<Group>,
    /// Where it starts to beat `sequential`.
    pub break_even: BreakEven,
    /// Its speedup at the smallest measured size, if it was in a sweep.
    pub smallest: Option<(u64, Interval)>,
    /// Its per-task overhead, if the `overhead` group measured it.
    pub overhead: Option<Overhead>,
}

/// Break-even rows: for every strategy other than `sequential` in a `hash-size` group, the
/// smallest size at which its speedup's lower bound exceeds 1; strategies only in `overhead`
/// get a row with their overhead alone.
pub fn break_even(groups: &[&GroupAnalysis]) -> Vec<BreakEvenRow> {
    let overheads = overheads(groups);
    let mut rows = Vec::new();
    let mut seen = Vec::new();
    for g in groups
        .iter()
        .filter(|g| matches!(g.group, Group::HashSize { .. }))
    {
        for strategy in g.strategies() {
            if strategy == BenchFunction::Sequential {
                continue;
            }
            let compared: Vec<(&Point, Interval)> = g
                .points_of(strategy)
                .filter_map(|p| p.comparison.speedup().map(|s| (p, s)))
                .collect();
            let (Some(&(first, first_speedup)), Some(&(last, _))) =
                (compared.first(), compared.last())
            else {
                continue;
            };
            let break_even = compared
                .iter()
                .find(|(_, s)| s.lower > 1.0)
                .map(|(p, _)| BreakEven::At {
                    bytes: p.value(),
                    point: (*p).clone(),
                })
                .unwrap_or_else(|| BreakEven::Never {
                    largest: last.value(),
                    point: last.clone(),
                });
            seen.push(strategy);
            rows.push(BreakEvenRow {
                strategy,
                group: Some(g.group),
                break_even,
                smallest: Some((first.value(), first_speedup)),
                overhead: overheads.get(&strategy).cloned(),
            });
        }
    }
    for (strategy, overhead) in &overheads {
        if *strategy != BenchFunction::Sequential && !seen.contains(strategy) {
            rows.push(BreakEvenRow {
                strategy: *strategy,
                group: None,
                break_even: BreakEven::NotMeasured,
                smallest: None,
                overhead: Some(overhead.clone()),
            });
        }
    }
    rows
}

/// The break-even section.
pub struct BreakEvenSection {
    groups: Vec<GroupAnalysis>,
    rows: Vec<BreakEvenRow>,
    cores: usize,
    /// The machine's raw compute scaling, for the charts' measured ideal (empty if unmeasured).
    raw_scaling: Vec<ScalingPoint>,
}

/// Builds the section from the `hash-size-*` and `overhead` groups.
pub fn build(data: &RunData) -> Box<dyn Section> {
    let groups = data.groups_where(|g| matches!(g, Group::HashSize { .. } | Group::Overhead));
    let rows = break_even(&groups);
    Box::new(BreakEvenSection {
        groups: groups.into_iter().cloned().collect(),
        rows,
        cores: data.cores(),
        raw_scaling: data.raw_scaling(),
    })
}

fn overhead_note(row: &BreakEvenRow) -> String {
    row.overhead
        .as_ref()
        .map(|o| format!(" (overhead {} per task)", format::time(o.per_task_ns.point)))
        .unwrap_or_default()
}

impl BreakEvenSection {
    fn cells(row: &BreakEvenRow) -> (String, String) {
        let at = match &row.break_even {
            BreakEven::At { bytes, .. } => format!("{} per task", format::bytes(*bytes)),
            BreakEven::Never { largest, .. } => format!(
                "never in the measured range (up to {})",
                format::bytes(*largest)
            ),
            BreakEven::NotMeasured => "not measured".to_string(),
        };
        let overhead = row
            .overhead
            .as_ref()
            .map(|o| format::time_interval(&o.per_task_ns))
            .unwrap_or_else(|| "not measured".to_string());
        (at, overhead)
    }

    /// The benchmark a row links to: its break-even point, else its overhead point.
    fn link(row: &BreakEvenRow) -> Option<&str> {
        match &row.break_even {
            BreakEven::At { point, .. } | BreakEven::Never { point, .. } => {
                Some(&point.measurement.directory)
            }
            BreakEven::NotMeasured => row
                .overhead
                .as_ref()
                .map(|o| o.point.measurement.directory.as_str()),
        }
    }
}

impl Section for BreakEvenSection {
    fn id(&self) -> &'static str {
        ID
    }

    fn title(&self) -> &'static str {
        "Break-even: from which task size does it pay?"
    }

    fn has_data(&self) -> bool {
        !self.groups.is_empty()
    }

    fn groups(&self) -> Vec<Group> {
        self.groups.iter().map(|g| g.group).collect()
    }

    fn findings(&self) -> Vec<String> {
        let mut groups: Vec<Group> = self.rows.iter().filter_map(|r| r.group).collect();
        groups.dedup();
        groups
            .into_iter()
            .map(|group| {
                let parts: Vec<String> = self
                    .rows
                    .iter()
                    .filter(|r| r.group == Some(group))
                    .map(|r| {
                        let overhead = overhead_note(r);
                        match &r.break_even {
                            BreakEven::At { bytes, .. } => format!(
                                "{} beats sequential from {} per task{overhead}",
                                r.strategy,
                                format::bytes(*bytes)
                            ),
                            BreakEven::Never { largest, .. } => format!(
                                "{} never beats it up to {} per task{overhead}",
                                r.strategy,
                                format::bytes(*largest)
                            ),
                            BreakEven::NotMeasured => {
                                format!("{} was not measured{overhead}", r.strategy)
                            }
                        }
                    })
                    .collect();
                format!("Break-even on {group}: {}.", parts.join("; "))
            })
            .collect()
    }

    /// Per sweep: the strategy that loses most at the smallest size, and where it pays off.
    fn takeaways(&self) -> Vec<Takeaway> {
        let mut groups: Vec<Group> = self.rows.iter().filter_map(|r| r.group).collect();
        groups.dedup();
        groups
            .into_iter()
            .filter_map(|group| {
                let (row, (size, s)) = self
                    .rows
                    .iter()
                    .filter(|r| r.group == Some(group))
                    .filter_map(|r| r.smallest.map(|x| (r, x)))
                    .min_by(|a, b| a.1.1.point.total_cmp(&b.1.1.point))?;
                if s.point >= 1.0 {
                    return None;
                }
                let then = match &row.break_even {
                    BreakEven::At { bytes, .. } => {
                        format!("it pays from {} per task", format::bytes(*bytes))
                    }
                    BreakEven::Never { largest, .. } => {
                        format!("it never pays up to {} per task", format::bytes(*largest))
                    }
                    BreakEven::NotMeasured => return None,
                };
                Some(Takeaway {
                    section: ID,
                    sentence: format!(
                        "Small tasks cost more than they gain: at {} per task ({group}) {} is {} slower than sequential{}; {then}.",
                        format::bytes(size),
                        row.strategy,
                        format::times(1.0 / s.point),
                        overhead_note(row),
                    ),
                    effect: effect_size(s.point),
                })
            })
            .collect()
    }

    fn more(&self) -> String {
        format!(
            "How break-even is read, and every sweep's charts and measurements ({})",
            self.groups.len()
        )
    }

    fn html(&self, page: &Page) -> Markup {
        html! {
            p { "The smallest measured task size at which a strategy's whole speedup interval lies above ×1 (it beats sequential), with its per-task cost from the overhead benches (the slope of the empty-task cost line, the one \"Where the time goes\" fits) that explains it." }
            (findings(&self.findings()))
            @for g in &self.groups {
                h3 id=(group_anchor(&g.group)) { (g.group.to_string()) }
                (figure(charts::speedup_chart_with(g, self.cores, &self.raw_scaling)))
                (figure(charts::time_chart(g)))
                (group_table(page, g))
            }
        }
    }

    fn lead(&self, page: &Page) -> Markup {
        let first: Vec<String> = self.findings().into_iter().take(1).collect();
        html! {
            (super::lead(&self.headline(), &first, Markup::default()))
            @if !self.rows.is_empty() {
                (scroll(html! {
                    table #break-even-table {
                        thead { tr { th { "Sweep" } th { "Strategy" } th { "Beats sequential from" } th { "Overhead per task" } } }
                        tbody { @for row in &self.rows {
                            @let (at, overhead) = Self::cells(row);
                            tr {
                                td { (row.group.map(|g| g.to_string()).unwrap_or_else(|| "–".to_string())) }
                                td { @match Self::link(row) {
                                    Some(dir) => (strategy_link(page, dir, row.strategy)),
                                    None => (row.strategy.name()),
                                } }
                                td { (at) }
                                td { (overhead) }
                            }
                        } }
                    }
                }))
            }
        }
    }

    fn markdown(&self, page: &Page) -> String {
        let mut md = findings_markdown(&self.findings());
        if !self.rows.is_empty() {
            md.push_str("| Sweep | Strategy | Beats sequential from | Overhead per task |\n|---|---|---|---|\n");
            for row in &self.rows {
                let (at, overhead) = Self::cells(row);
                let strategy = match Self::link(row) {
                    Some(dir) => format!("[{}]({})", row.strategy, page.data.criterion_page(dir)),
                    None => md_cell(row.strategy.name()),
                };
                let sweep = row.group.map(|g| g.to_string()).unwrap_or("–".to_string());
                md.push_str(&format!("| {sweep} | {strategy} | {at} | {overhead} |\n"));
            }
        }
        for g in &self.groups {
            md.push('\n');
            md.push_str(&group_markdown(page, g));
        }
        md
    }

    fn json(&self, _page: &Page) -> Vec<(&'static str, serde_json::Value)> {
        let rows: Vec<serde_json::Value> = self
            .rows
            .iter()
            .map(|r| {
                let (status, bytes) = match &r.break_even {
                    BreakEven::At { bytes, .. } => ("at", Some(*bytes)),
                    BreakEven::Never { largest, .. } => ("never", Some(*largest)),
                    BreakEven::NotMeasured => ("not-measured", None),
                };
                json!({
                    "strategy": r.strategy,
                    "group": r.group.map(|g| g.to_string()),
                    "status": status,
                    "bytes": bytes,
                    "overhead_per_task_ns": r.overhead.as_ref().map(|o| o.per_task_ns),
                })
            })
            .collect();
        vec![("break_even", serde_json::Value::Array(rows))]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bench_id::BenchFunction::{ProcessPool, Processes, Sequential, Threads};
    use crate::report::testdata::{analyse, measurement};

    #[test]
    fn break_even_is_the_smallest_size_beating_sequential() {
        let size = Group::HashSize { tasks: 4 };
        let m = |g, f, v, ns| measurement(g, f, v, ns, 0.02);
        let mut data = Vec::new();
        for (bytes, seq, threads, procs) in [
            (1024u64, 10e3, 40e3, 4e6),
            (65536, 400e3, 300e3, 4.2e6),
            (1 << 20, 6.4e6, 3.3e6, 7e6),
        ] {
            data.push(m(size, Sequential, bytes, seq));
            data.push(m(size, Threads, bytes, threads));
            data.push(m(size, Processes, bytes, procs));
        }
        data.push(m(Group::Overhead, Threads, 1, 20e3));
        data.push(m(Group::Overhead, Threads, 16, 160e3));
        // A thousand live threads cost more each: past the line, not in its slope.
        data.push(m(Group::Overhead, Threads, 1024, 100e6));
        data.push(m(Group::Overhead, ProcessPool, 1, 1e6));
        data.push(m(Group::Overhead, ProcessPool, 16, 16e6));
        let groups = analyse(&data);
        let refs: Vec<&GroupAnalysis> = groups.iter().collect();
        let rows = break_even(&refs);
        let names: Vec<BenchFunction> = rows.iter().map(|r| r.strategy).collect();
        assert_eq!(names, [Threads, Processes, ProcessPool]);
        assert!(matches!(
            rows[0].break_even,
            BreakEven::At { bytes: 65536, .. }
        ));
        let overhead = rows[0].overhead.as_ref().unwrap().per_task_ns;
        assert!(
            (overhead.point - 140e3 / 15.0).abs() < 1.0,
            "the slope of the line through 1 and 16 tasks: {overhead:?}"
        );
        assert_eq!(rows[0].overhead.as_ref().unwrap().point.value(), 16);
        assert!(
            matches!(rows[1].break_even, BreakEven::Never { largest, .. } if largest == 1 << 20)
        );
        assert!(rows[1].overhead.is_none());
        assert_eq!(rows[2].break_even, BreakEven::NotMeasured);

        let section = build(&RunData::from_groups(groups, 2));
        let takeaways = section.takeaways();
        assert_eq!(takeaways.len(), 1);
        assert_eq!(
            takeaways[0].sentence,
            "Small tasks cost more than they gain: at 1 KiB per task (hash-size-n4) processes is ×400 slower than sequential; it never pays up to 1 MiB per task."
        );
    }
}
