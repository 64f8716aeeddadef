//! Where the time goes: the primitive floor, each strategy's fitted fixed, per-task and
//! per-byte costs beside its primitive, the machine's raw compute scaling, and the cost
//! model's prediction against every measurement it covers, with the misses spelled out.
//!
//! The numbers come from [`crate::costs::CostReport`]; this module only words and renders
//! them. Groups shown here: `overhead`, `receive-n*` and `primitive`.

use maud::{Markup, html};

use crate::bench_id::{Group, Primitive};
use crate::costs::measured::{BenchPrediction, ModelBreakEven, WorkSource};
use crate::costs::summary::summary_fields;
use crate::costs::{CostReport, StrategyCost};

use super::super::analysis::{GroupAnalysis, effect_size};
use super::super::blocks::{
    Page, figure, findings, findings_markdown, group_anchor, group_markdown, group_table, scroll,
};
use super::super::charts;
use super::super::data::RunData;
use super::super::format;
use super::{Section, Takeaway};
use crate::criterion_data::Measurement;
use crate::interval::Interval;

const ID: &str = "costs";

/// A per-task cost this many times its primitive's is worth a takeaway.
const NOTABLE_RATIO: f64 = 1.5;

/// The costs section.
pub struct Costs {
    report: Option<CostReport>,
    groups: Vec<GroupAnalysis>,
}

/// Builds the section from every measurement of the run and the CPU records.
pub fn build(data: &RunData) -> Box<dyn Section> {
    let measurements: Vec<Measurement> = data
        .groups
        .iter()
        .flat_map(|g| g.points.iter().map(|p| p.measurement.clone()))
        .collect();
    let raw_scaling_bytes = data.raw_scaling_bytes();
    // The speed by working set stays only if the interleaved measurement confirms it.
    let one_rate = data
        .pairs
        .as_ref()
        .and_then(|p| p.byte_cost_depends_on_working_set())
        .filter(|depends| !depends)
        .map(|_| {
            "hashing at one rate: measured alternately as 1 MiB tasks, 4 MiB tasks and one \
             task, one computation showed no cost per byte that differs beyond ±5 %, so the \
             speed by working set of the suite's separate measurements is left out"
                .to_string()
        });
    let report = CostReport::build_with(
        &measurements,
        &data.cpu,
        data.cores(),
        raw_scaling_bytes,
        one_rate,
    );
    let groups = data
        .groups_where(|g| {
            matches!(
                g,
                Group::Overhead | Group::Receive { .. } | Group::Primitive
            )
        })
        .into_iter()
        .cloned()
        .collect();
    Box::new(Costs { report, groups })
}

/// A signed time: fitted intercepts can fall below zero within their interval.
fn time(ns: f64) -> String {
    if ns.abs() < 0.5 {
        "0 ns".to_string()
    } else if ns < 0.0 {
        format!("−{}", format::time(-ns))
    } else {
        format::time(ns)
    }
}

fn interval(i: &Interval) -> String {
    format!("{} [{}, {}]", time(i.point), time(i.lower), time(i.upper))
}

fn per_byte(i: &Interval) -> String {
    format!(
        "{} ns/B [{}, {}]",
        format::factor(i.point),
        format::factor(i.lower),
        format::factor(i.upper)
    )
}

fn residual(r: f64) -> String {
    if (r * 100.0).abs() < 0.5 {
        "0 %".to_string()
    } else {
        format!("{:+.0} %", r * 100.0)
    }
}

/// A model's break-even size, which falls anywhere: `20.5 KiB`.
fn approx_bytes(b: u64) -> String {
    bytesize::ByteSize::b(b).to_string()
}

/// The task count of the figure set beside the primitive, when it is the one past the line.
fn compared_at(c: &StrategyCost) -> Option<usize> {
    c.beyond
        .filter(|_| c.compared_past_the_line())
        .map(|b| b.measured_tasks)
}

/// One row of the costs table, as cells.
fn cost_cells(c: &StrategyCost) -> [String; 6] {
    [
        interval(&c.fixed_ns),
        match &c.beyond {
            Some(b) => format!(
                "{} up to {} tasks; {} each beyond (measured at {})",
                interval(&c.per_task_ns),
                b.from_tasks,
                interval(&b.per_task_ns),
                b.measured_tasks
            ),
            None => interval(&c.per_task_ns),
        },
        c.per_byte_ns
            .as_ref()
            .map(per_byte)
            .unwrap_or_else(|| "–".to_string()),
        c.primitive
            .map(|p| p.name().to_string())
            .unwrap_or_else(|| "–".to_string()),
        c.primitive_ns
            .as_ref()
            .map(interval)
            .unwrap_or_else(|| "not measured".to_string()),
        c.ratio_to_primitive()
            .map(|r| match compared_at(c) {
                Some(n) => format!("{} (at {n} tasks)", format::times(r)),
                None => format::times(r),
            })
            .unwrap_or_else(|| "–".to_string()),
    ]
}

/// The parts of a prediction: `fixed + tasks + transfer + work`.
fn parts(p: &BenchPrediction) -> String {
    let q = &p.prediction;
    let mut parts = vec![
        format!("fixed {}", time(q.fixed_ns.point)),
        format!("tasks {}", time(q.tasks_ns.point)),
    ];
    if let Some(t) = q.transfer_ns {
        parts.push(format!("transfer {}", time(t.point)));
    }
    parts.push(format!("work {}", time(q.work_ns.point)));
    parts.join(" + ")
}

fn source(p: &BenchPrediction) -> &'static str {
    match &p.work_source {
        WorkSource::Sequential {
            same_point: true,
            cpu_split: true,
            ..
        } => "sequential, CPU split",
        WorkSource::Sequential {
            same_point: true, ..
        } => "sequential, nominal split",
        WorkSource::Sequential { .. } => "sequential at another count",
        WorkSource::Nominal => "nominal work",
    }
}

fn break_even_sentence(b: &ModelBreakEven) -> String {
    let model = b
        .model_bytes
        .map(|x| format!("from {}", approx_bytes(x)))
        .unwrap_or_else(|| "never (up to 1GiB)".to_string());
    let measured = match (b.measured_bytes, b.measured_below) {
        (Some(at), Some(below)) => format!(
            "between {} and {} per task",
            format::bytes(below),
            format::bytes(at)
        ),
        (Some(at), None) => format!("at {} per task or below", format::bytes(at)),
        (None, _) => format!("never up to {}", format::bytes(b.largest_measured)),
    };
    let verdict = if b.agrees { "agrees" } else { "disagrees" };
    format!(
        "{} on {}: the model puts the break-even {model}, the sweep {measured} — the model {verdict}.",
        b.strategy, b.group
    )
}

/// Where the two ends of a pipe run decides what a round trip costs: both pinned to one CPU,
/// then the child on another CPU. The process pools' cost per task is set beside both: above
/// the floor, their workers run wherever the scheduler puts them and pay some cross-CPU wake-ups;
/// below it, queued tasks and batched replies share a round trip among several tasks.
fn pipe_placement_sentence(report: &CostReport) -> Option<String> {
    let of = |p: Primitive| {
        report
            .primitives
            .iter()
            .find(|(q, _)| *q == p)
            .map(|(_, t)| *t)
    };
    let one = of(Primitive::PipeRoundTrip)?;
    let across = of(Primitive::PipeRoundTripCrossCpu)?;
    let (below, above): (Vec<_>, Vec<_>) = report
        .model
        .costs
        .iter()
        .filter(|c| c.primitive == Some(Primitive::PipeRoundTrip))
        // Below only when the whole interval is: a figure that might reach the floor is not.
        .partition(|c| c.compared_with_primitive().upper < one.lower);
    let label = |c: &&StrategyCost| {
        let at = compared_at(c)
            .map(|n| format!(" at {n} tasks"))
            .unwrap_or_default();
        format!(
            "{} {}{at}",
            c.strategy,
            interval(&c.compared_with_primitive())
        )
    };
    let list = |costs: &[&StrategyCost]| costs.iter().map(label).collect::<Vec<_>>().join(", ");
    let mut pools = String::new();
    if !below.is_empty() {
        pools += &format!(
            " The process pools' cost per task ({}) lies below even the one-CPU figure: a pool \
             keeps several tasks queued on each worker and takes their replies in batches, so a \
             task does not pay a whole round trip.",
            list(&below)
        );
    }
    if !above.is_empty() {
        pools += &format!(
            " The process pools' cost per task ({}) is compared with the one-CPU figure, the \
             floor; their workers run on every CPU, so their round trips pay some of the \
             difference.",
            list(&above)
        );
    }
    Some(format!(
        "A pipe round trip costs {} with both ends on one CPU and {} with the child on another \
         CPU ({}): each message then wakes the other CPU. Unpinned, a run gets a mix of the \
         two.{pools}",
        interval(&one),
        interval(&across),
        format::times(across.point / one.point),
    ))
}

/// What tokio's millisecond timer adds to the event loops' timer waits, from the 1 ms sleep.
fn tokio_timer_sentence(report: &CostReport) -> Option<String> {
    let sleep = report
        .primitives
        .iter()
        .find(|(p, _)| *p == Primitive::TokioSleep)
        .map(|(_, t)| *t)?;
    let overshoot = report.model.tokio_sleep_overshoot_ns?;
    Some(format!(
        "A 1 ms tokio sleep lasts {}: tokio's timer counts whole milliseconds and rounds a \
         deadline up. The model adds the {} beyond the 1 ms to the timer waits (sleep, waits, mixed) \
         of async and async-multi; threads sleep on the operating system's timer.",
        interval(&sleep),
        interval(&overshoot),
    ))
}

impl Costs {
    fn unexplained(&self) -> Vec<&BenchPrediction> {
        self.report
            .iter()
            .flat_map(|r| r.predictions.iter())
            .filter(|p| p.unexplained)
            .collect()
    }

    /// The predictions by group, in group order.
    fn by_group(&self) -> Vec<(Group, Vec<&BenchPrediction>)> {
        let mut out: Vec<(Group, Vec<&BenchPrediction>)> = Vec::new();
        for p in self.report.iter().flat_map(|r| r.predictions.iter()) {
            match out.iter_mut().find(|(g, _)| *g == p.id.group) {
                Some((_, ps)) => ps.push(p),
                None => out.push((p.id.group, vec![p])),
            }
        }
        out.sort_by_key(|(g, _)| *g);
        out
    }
}

/// The page beside `index.html` that holds every prediction against its measurement.
pub const COSTS_PAGE: &str = "costs.html";

impl Costs {
    /// Every prediction against its measurement, group by group: the body of [`COSTS_PAGE`].
    fn predictions_html(&self) -> Markup {
        html! {
            @for (group, ps) in self.by_group() {
                h4 { (group.to_string()) }
                (scroll(html! {
                    table {
                        thead { tr { th { "Strategy" } th { (group.value_meaning()) } th { "Measured" } th { "Predicted" } th { "Parts" } th { "Residual" } th { "Cores busy" } th { "Work from" } } }
                        tbody { @for p in ps {
                            tr class=[p.unexplained.then_some("unexplained")] {
                                td { (p.id.function.name()) }
                                td { (format::value(&group, p.id.value)) }
                                td { (interval(&p.measured_ns)) }
                                td { (interval(&p.prediction.total_ns)) }
                                td { (parts(p)) }
                                td { (residual(p.residual)) @if p.unexplained { " unexplained" } }
                                td { (p.cores_busy.map(|b| format!("{b:.2}")).unwrap_or_else(|| "–".to_string())) }
                                td { (source(p)) }
                            }
                        } }
                    }
                }))
            }
        }
    }
}

/// How many of the model's misses the section's lead lists.
const LEAD_MISSES: usize = 5;

impl Costs {
    /// The ladder: every strategy with a primitive, from the cheapest primitive to the
    /// dearest (a function call up to a process).
    fn rungs(&self) -> Vec<charts::Rung> {
        let Some(report) = &self.report else {
            return Vec::new();
        };
        let mut rungs: Vec<charts::Rung> = report
            .model
            .costs
            .iter()
            .filter_map(|c| {
                Some(charts::Rung {
                    strategy: c.strategy,
                    primitive: c.primitive?.name().to_string(),
                    cost: c.compared_with_primitive(),
                    primitive_ns: c.primitive_ns,
                })
            })
            .collect();
        let key = |r: &charts::Rung| r.primitive_ns.map_or(f64::INFINITY, |p| p.point);
        rungs.sort_by(|a, b| key(a).total_cmp(&key(b)));
        rungs
    }

    /// The model's largest misses, largest first: at most [`LEAD_MISSES`].
    fn largest_misses(&self) -> Vec<&BenchPrediction> {
        let mut missed = self.unexplained();
        let size = |p: &BenchPrediction| (1.0 + p.residual).max(1e-9).ln().abs();
        missed.sort_by(|a, b| size(b).total_cmp(&size(a)));
        missed.truncate(LEAD_MISSES);
        missed
    }

    /// One miss for the lead: what was measured, what the model said, and where its work
    /// figure came from.
    fn miss(p: &BenchPrediction) -> String {
        format!(
            "{} on {} at {}: measured {}, predicted {} ({}; work from {})",
            p.id.function,
            p.id.group,
            format::value(&p.id.group, p.id.value),
            time(p.measured_ns.point),
            time(p.prediction.total_ns.point),
            residual(p.residual),
            source(p)
        )
    }
}

impl Section for Costs {
    fn id(&self) -> &'static str {
        ID
    }

    fn title(&self) -> &'static str {
        "Where the time goes"
    }

    fn has_data(&self) -> bool {
        self.report.is_some() || !self.groups.is_empty()
    }

    fn groups(&self) -> Vec<Group> {
        self.groups.iter().map(|g| g.group).collect()
    }

    fn findings(&self) -> Vec<String> {
        let Some(report) = &self.report else {
            return Vec::new();
        };
        let mut out = Vec::new();
        let covered = report.predictions.len();
        let missed = self.unexplained();
        out.push(format!(
            "The cost model predicts {} of {covered} benchmarks within 25 %; {} it cannot explain.",
            covered - missed.len(),
            missed.len()
        ));
        for (group, ps) in self.by_group() {
            let misses: Vec<String> = ps
                .iter()
                .filter(|p| p.unexplained)
                .map(|p| {
                    format!(
                        "{}/{} measured {} against {} predicted ({})",
                        p.id.function,
                        p.id.value,
                        time(p.measured_ns.point),
                        time(p.prediction.total_ns.point),
                        residual(p.residual)
                    )
                })
                .collect();
            if !misses.is_empty() {
                out.push(format!("Unexplained on {group}: {}.", misses.join("; ")));
            }
        }
        out.extend(report.break_evens.iter().map(break_even_sentence));
        out.extend(pipe_placement_sentence(report));
        out.extend(tokio_timer_sentence(report));
        out.extend(report.notes.iter().map(|n| format!("Note: {n}.")));
        out
    }

    /// The strategy whose cost per task is furthest above its primitive's.
    fn takeaways(&self) -> Vec<Takeaway> {
        let Some(report) = &self.report else {
            return Vec::new();
        };
        report
            .model
            .costs
            .iter()
            .filter_map(|c| Some((c, c.ratio_to_primitive()?, c.primitive?)))
            .filter(|(_, r, _)| *r >= NOTABLE_RATIO)
            .max_by(|a, b| a.1.total_cmp(&b.1))
            .map(|(c, ratio, primitive)| {
                let per_task = c.compared_with_primitive().point;
                let across = report
                    .primitives
                    .iter()
                    .find(|(p, _)| *p == Primitive::PipeRoundTripCrossCpu)
                    .filter(|_| primitive == Primitive::PipeRoundTrip);
                let why = match across {
                    Some((_, t)) => format!(
                        ": its workers run on every CPU, and the same round trip with the child \
                         on another CPU costs {} — a pool's task pays part of that wake-up",
                        time(t.point)
                    ),
                    None => ": the rest is the strategy's own".to_string(),
                };
                Takeaway {
                    section: ID,
                    sentence: format!(
                        "{} costs {} per task, {} its floor ({}, {}){why}.",
                        c.strategy,
                        time(per_task),
                        format::times(ratio),
                        primitive.description(),
                        time(c.primitive_ns.map_or(0.0, |p| p.point))
                    ),
                    effect: effect_size(ratio),
                }
            })
            .into_iter()
            .collect()
    }

    fn headline(&self) -> String {
        // A fitted cost per task can fall below zero within its interval: the cheapest
        // named is the cheapest measured above zero.
        let rungs: Vec<charts::Rung> = self
            .rungs()
            .into_iter()
            .filter(|r| r.cost.point > 0.0)
            .collect();
        let cost = |r: &&charts::Rung| r.cost.point;
        match (
            rungs.iter().min_by(|a, b| cost(a).total_cmp(&cost(b))),
            rungs.iter().max_by(|a, b| cost(a).total_cmp(&cost(b))),
        ) {
            (Some(cheap), Some(dear)) if cheap.strategy != dear.strategy => format!(
                "One task costs from {} ({}) to {} ({}): the ladder of their primitives",
                time(cheap.cost.point),
                cheap.strategy,
                time(dear.cost.point),
                dear.strategy
            ),
            _ => self.title().to_string(),
        }
    }

    fn lead(&self, _page: &Page) -> Markup {
        let Some(report) = &self.report else {
            return Markup::default();
        };
        let covered = report.predictions.len();
        let missed = self.unexplained().len();
        let misses = self.largest_misses();
        html! {
            p.lead {
                "Each strategy's cost of one task (fitted from empty tasks) beside the primitive under it, from a function call up to a process. The model built from these costs predicts "
                (covered - missed) " of " (covered) " benchmarks within 25 %."
            }
            (figure(charts::ladder_chart(&self.rungs())))
            @if !misses.is_empty() {
                p { "Its largest misses:" }
                ul #largest-misses { @for p in &misses { li { (Self::miss(p)) } } }
            }
        }
    }

    fn pages(&self, _page: &Page) -> Vec<(&'static str, &'static str, Markup)> {
        if self.report.is_none() {
            return Vec::new();
        }
        vec![(
            COSTS_PAGE,
            "Where the time goes: every prediction against its measurement",
            self.predictions_html(),
        )]
    }

    fn more(&self) -> String {
        let predictions = self.report.as_ref().map_or(0, |r| r.predictions.len());
        format!(
            "The model, every fitted cost and primitive, and all {predictions} predictions against measurements"
        )
    }

    fn html(&self, page: &Page) -> Markup {
        html! {
            p { "Each strategy's empty-task times at several task counts are fitted as "
                code { "T(N) = fixed + per_task × N" } " (weighted least squares, 95 % intervals), and the process strategies' times over input sizes as a cost per byte moved. The model then predicts every benchmark: "
                code { "fixed + per_task·N + per_byte·bytes·N + work" } ", the work being sequential's time per task split into computing and waiting by its CPU time, overlapped as the strategy allows and spread over the cores at the measured raw scaling. A miss of more than 25 % is listed as unexplained." }
            (findings(&self.findings()))
            @if let Some(report) = &self.report {
                h3 { "Costs beside their primitives" }
                (scroll(html! {
                    table #costs-table {
                        thead { tr { th { "Strategy" } th { "Fixed" } th { "Per task" } th { "Per byte moved" } th { "Primitive" } th { "Primitive time" } th { "Per task / primitive" sup { "*" } } } }
                        tbody { @for c in &report.model.costs {
                            @let cells = cost_cells(c);
                            tr { td { (c.strategy.name()) } @for cell in &cells { td { (cell) } } }
                        } }
                    }
                }))
                p { small { "* rayon enters its pool once per run, so its whole cost of one task (fixed + per task) is set beside one job on an idle pool. Where the line's cost per task cannot be told from zero (its interval reaches it), the cost per task past the line is set beside the primitive, marked with its task count." } }
                h3 { "The primitive floor and the raw compute scaling" }
                (scroll(html! {
                    table {
                        thead { tr { th { "Primitive" } th { "What" } th { "Time" } } }
                        tbody { @for (p, t) in &report.primitives {
                            tr { td { (p.name()) } td { (p.description()) } td { (interval(t)) } }
                        } }
                    }
                }))
                @if !report.model.raw_scaling.is_empty() {
                    p { "The hash kernel on k bare threads at once against one: the ideal a computing strategy can reach here, beside the nominal ×k." }
                    (scroll(html! {
                        table {
                            thead { tr { th { "Threads" } th { "Raw scaling" } th { "Nominal" } } }
                            tbody { @for s in &report.model.raw_scaling {
                                tr { td { (s.threads) } td { (format::speedup(&s.speedup)) } td { (format::ideal(s.threads as f64)) } }
                            } }
                        }
                    }))
                }
                h3 { "Predicted against measured" }
                p { "Every benchmark the model covers, its measured time beside the prediction and its parts, group by group: "
                    a href=(COSTS_PAGE) { "all " (report.predictions.len()) " predictions against measurements" } "." }
            }
            @for g in &self.groups {
                h3 id=(group_anchor(&g.group)) { (g.group.to_string()) }
                (group_table(page, g))
            }
        }
    }

    fn markdown(&self, page: &Page) -> String {
        let mut md = findings_markdown(&self.findings());
        if let Some(report) = &self.report {
            md.push_str("\n| Strategy | Fixed | Per task | Per byte moved | Primitive | Primitive time | Per task / primitive\\* |\n|---|---|---|---|---|---|---|\n");
            for c in &report.model.costs {
                md.push_str(&format!(
                    "| {} | {} |\n",
                    c.strategy,
                    cost_cells(c).join(" | ")
                ));
            }
            md.push_str("\n\\* rayon enters its pool once per run, so its whole cost of one task (fixed + per task) is set beside one job on an idle pool. Where the line's cost per task cannot be told from zero (its interval reaches it), the cost per task past the line is set beside the primitive, marked with its task count.\n");
            md.push_str("\n| Primitive | What | Time |\n|---|---|---|\n");
            for (p, t) in &report.primitives {
                md.push_str(&format!(
                    "| {} | {} | {} |\n",
                    p.name(),
                    p.description(),
                    interval(t)
                ));
            }
            if !report.model.raw_scaling.is_empty() {
                md.push_str("\n| Threads | Raw scaling | Nominal |\n|---|---|---|\n");
                for s in &report.model.raw_scaling {
                    md.push_str(&format!(
                        "| {} | {} | {} |\n",
                        s.threads,
                        format::speedup(&s.speedup),
                        format::ideal(s.threads as f64)
                    ));
                }
            }
            for (group, ps) in self.by_group() {
                md.push_str(&format!(
                    "\n#### {group}\n\n| Strategy | {} | Measured | Predicted | Parts | Residual | Cores busy |\n|---|---|---|---|---|---|---|\n",
                    group.value_meaning()
                ));
                for p in ps {
                    md.push_str(&format!(
                        "| {} | {} | {} | {} | {} | {}{} | {} |\n",
                        p.id.function,
                        format::value(&group, p.id.value),
                        interval(&p.measured_ns),
                        interval(&p.prediction.total_ns),
                        parts(p),
                        residual(p.residual),
                        if p.unexplained { " unexplained" } else { "" },
                        p.cores_busy
                            .map(|b| format!("{b:.2}"))
                            .unwrap_or_else(|| "–".to_string())
                    ));
                }
            }
        }
        for g in &self.groups {
            md.push('\n');
            md.push_str(&group_markdown(page, g));
        }
        md
    }

    fn json(&self, _page: &Page) -> Vec<(&'static str, serde_json::Value)> {
        match &self.report {
            Some(report) => summary_fields(report),
            None => vec![
                ("costs", serde_json::json!([])),
                ("cost_model", serde_json::Value::Null),
                ("predictions", serde_json::json!([])),
                ("model_break_even", serde_json::json!([])),
            ],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bench_id::BenchFunction::{self, Sequential, Threads};
    use crate::bench_id::Primitive;
    use crate::report::testdata::{analyse, measurement};
    use std::time::Duration;

    /// Empty tasks of `function` at 1, 2, 8 and 32 tasks on the line `fixed + per_task × N`
    /// (ns, ±2 %).
    fn overhead_line(function: BenchFunction, fixed: f64, per_task: f64) -> Vec<Measurement> {
        [1u64, 2, 8, 32]
            .into_iter()
            .map(|n| {
                let ns = fixed + per_task * n as f64;
                measurement(Group::Overhead, function, n, ns, 0.02)
            })
            .collect()
    }

    /// One primitive measured at `ns` (±2 %).
    fn primitive(p: Primitive, ns: f64) -> Measurement {
        measurement(Group::Primitive, BenchFunction::Primitive(p), 1, ns, 0.02)
    }

    #[test]
    fn words_costs_misses_and_break_evens_from_a_synthetic_run() {
        let sleep = Group::Sleep {
            duration: Duration::from_millis(10),
        };
        let m = |g, f, v, ns| measurement(g, f, v, ns, 0.02);
        let mut data = Vec::new();
        for n in [1u64, 2, 8, 32] {
            data.push(m(Group::Overhead, Threads, n, 20e3 + 40e3 * n as f64));
            data.push(m(Group::Overhead, Sequential, n, 50.0 + 10.0 * n as f64));
        }
        let spawn = BenchFunction::Primitive(Primitive::ThreadSpawn);
        data.push(m(Group::Primitive, spawn, 1, 20e3));
        data.push(m(sleep, Sequential, 8, 80.1e6));
        data.push(m(sleep, Threads, 8, 10.4e6));
        data.push(m(sleep, Sequential, 64, 640.5e6));
        data.push(m(sleep, Threads, 64, 40e6));
        let section = build(&RunData::from_groups(analyse(&data), 2));
        assert!(section.has_data());
        let findings = section.findings();
        assert!(
            findings[0].starts_with("The cost model predicts"),
            "{findings:?}"
        );
        assert!(
            findings
                .iter()
                .any(|f| f.starts_with("Unexplained on sleep-10ms: threads/64 measured 40.0 ms")),
            "{findings:?}"
        );
        let takeaway = &section.takeaways()[0];
        assert!(
            takeaway
                .sentence
                .starts_with("threads costs 40.0 µs per task, ×2.00 its floor"),
            "{}",
            takeaway.sentence
        );
        let empty = RunData::from_groups(Vec::new(), 2);
        let page = Page {
            data: &empty,
            takeaways: &[],
            sections: Vec::new(),
        };
        let json = section.json(&page);
        let keys: Vec<&str> = json.iter().map(|(k, _)| *k).collect();
        assert_eq!(
            keys,
            ["costs", "cost_model", "predictions", "model_break_even"]
        );
        assert_eq!(json[0].1[1]["strategy"], "threads");
        assert!((json[0].1[1]["per_task_ns"]["point"].as_f64().unwrap() - 40e3).abs() < 1.0);
    }

    #[test]
    fn pools_are_set_beside_both_pipe_round_trips_and_told_apart_by_the_floor() {
        use crate::bench_id::BenchFunction::{ProcessPool, ProcessPoolWarm};
        let mut data = overhead_line(Sequential, 50.0, 10.0);
        data.extend(overhead_line(ProcessPoolWarm, 30e3, 1e3));
        data.extend(overhead_line(ProcessPool, 2e6, 5e3));
        data.push(primitive(Primitive::PipeRoundTrip, 2.4e3));
        data.push(primitive(Primitive::PipeRoundTripCrossCpu, 90e3));
        let section = build(&RunData::from_groups(analyse(&data), 2));
        let findings = section.findings();
        let sentence = findings
            .iter()
            .find(|f| f.starts_with("A pipe round trip costs"))
            .unwrap_or_else(|| panic!("{findings:?}"));
        assert!(
            sentence.contains(
                "(process-pool-warm 1.00 µs [957 ns, 1.04 µs]) lies below even the one-CPU figure"
            ),
            "{sentence}"
        );
        assert!(
            sentence.contains(
                "(process-pool 5.00 µs [3.31 µs, 6.69 µs]) is compared with the one-CPU figure"
            ),
            "{sentence}"
        );
    }

    #[test]
    fn tokio_s_timer_is_named_with_what_it_adds_to_timer_waits() {
        let mut data = overhead_line(Sequential, 50.0, 10.0);
        data.push(primitive(Primitive::TokioSleep, 2.1e6));
        let section = build(&RunData::from_groups(analyse(&data), 2));
        let findings = section.findings();
        assert!(
            findings
                .iter()
                .any(|f| f.starts_with("A 1 ms tokio sleep lasts 2.10 ms")
                    && f.contains("adds the 1.10 ms [1.06 ms, 1.14 ms] beyond the 1 ms")),
            "{findings:?}"
        );
    }

    #[test]
    fn without_overhead_data_it_has_no_model_but_keeps_the_json_shape() {
        let section = build(&RunData::from_groups(Vec::new(), 2));
        assert!(!section.has_data());
        assert!(section.findings().is_empty());
        let empty = RunData::from_groups(Vec::new(), 2);
        let page = Page {
            data: &empty,
            takeaways: &[],
            sections: Vec::new(),
        };
        assert_eq!(section.json(&page).len(), 4);
    }
}
