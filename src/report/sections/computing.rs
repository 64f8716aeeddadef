//! Computing: hashing tasks. How far does each strategy scale against the core count, and
//! where does adding tasks beyond the cores (oversubscription) stop helping?
//!
//! Two ideals: the nominal `min(tasks, cores)`, and, when the run measured the machine's raw
//! compute scaling (`primitive/hash-threads/<k>`), the measured one — what the hash kernel
//! reaches on as many bare threads, the most a computing strategy can reach here. Both are in
//! the charts and the sentences; without the measurement only the nominal one is.

use maud::{Markup, html};
use serde::Serialize;

use crate::bench_id::{BenchFunction, Group};
use crate::costs::model::ScalingPoint;

use super::super::analysis::{GroupAnalysis, Verdict, effect_size, ideal_speedup, measured_ideal};
use super::super::blocks::{Page, figure};
use super::super::charts;
use super::super::data::RunData;
use super::super::format;
use super::{GroupBlock, Section, Takeaway};
use crate::interval::Interval;

const ID: &str = "computing";

/// Where adding tasks stops raising a strategy's speedup on computing work.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Plateau {
    /// The `hash-*` group.
    #[serde(serialize_with = "as_name")]
    pub group: Group,
    /// The strategy.
    pub strategy: BenchFunction,
    /// The last task count whose successors do not raise the speedup above this point's
    /// interval; `None` if the speedup still rises at the largest count.
    #[serde(rename = "stops_after")]
    pub after: Option<u64>,
    /// The speedup at `after` (or at the largest count when it still rises).
    pub speedup_there: Interval,
    /// The largest task count measured.
    pub largest_tasks: u64,
    /// The speedup at the largest task count.
    pub speedup_at_largest: Interval,
}

fn as_name<S: serde::Serializer>(group: &Group, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(group)
}

/// For each strategy in a `hash-*` group: the first task count after which no larger count's
/// speedup rises above this count's confidence interval (a dip followed by a rise is not a
/// plateau).
pub fn plateaus(g: &GroupAnalysis) -> Vec<Plateau> {
    let mut rows = Vec::new();
    for strategy in g.strategies() {
        let series = g.speedups_of(strategy);
        let Some(&largest) = series.last() else {
            continue;
        };
        let stop = (0..series.len().saturating_sub(1))
            .find(|&i| {
                series[i + 1..]
                    .iter()
                    .all(|(_, later)| later.point <= series[i].1.upper)
            })
            .map(|i| series[i]);
        let (after, speedup_there) = match stop {
            Some((value, s)) => (Some(value), s),
            None => (None, largest.1),
        };
        rows.push(Plateau {
            group: g.group,
            strategy,
            after,
            speedup_there,
            largest_tasks: largest.0,
            speedup_at_largest: largest.1,
        });
    }
    rows
}

/// The computing section.
pub struct Computing {
    blocks: Vec<GroupBlock>,
    /// Every group's oversubscription plateaus.
    plateaus: Vec<Plateau>,
    cores: usize,
    raw_scaling: Vec<ScalingPoint>,
}

/// Builds the section from the `hash-*` groups.
pub fn build(data: &RunData) -> Box<dyn Section> {
    let cores = data.cores();
    let raw_scaling = data.raw_scaling();
    let mut all_plateaus = Vec::new();
    let blocks = data
        .groups_where(|g| matches!(g, Group::Hash { .. }))
        .into_iter()
        .map(|g| {
            let plateaus = plateaus(g);
            let (best, takeaway) = best_speedup(g, cores, &raw_scaling);
            let mut sentences: Vec<String> = best.into_iter().collect();
            sentences.extend(oversubscription(&g.group, &plateaus, cores));
            all_plateaus.extend(plateaus);
            GroupBlock {
                group: g.clone(),
                sentences,
                takeaways: takeaway.into_iter().collect(),
            }
        })
        .collect();
    Box::new(Computing {
        blocks,
        plateaus: all_plateaus,
        cores,
        raw_scaling,
    })
}

/// What bare threads reach at `value` tasks of `g`, as a clause: `bare threads on this
/// machine reach ×1.86 [1.79, 1.94]`; `None` when the raw scaling was not measured there.
fn bare_threads(
    g: &GroupAnalysis,
    value: u64,
    cores: usize,
    raw_scaling: &[ScalingPoint],
) -> Option<String> {
    measured_ideal(&g.group, value, cores, raw_scaling)
        .map(|s| format!("bare threads on this machine reach {}", format::speedup(&s)))
}

fn best_speedup(
    g: &GroupAnalysis,
    cores: usize,
    raw_scaling: &[ScalingPoint],
) -> (Option<String>, Option<Takeaway>) {
    let Some((point, s)) = g
        .points
        .iter()
        .filter(|p| p.strategy() != BenchFunction::Sequential)
        .filter_map(|p| p.comparison.speedup().map(|s| (p, s)))
        .max_by(|a, b| a.1.point.total_cmp(&b.1.point))
    else {
        return (None, None);
    };
    let ideal = ideal_speedup(&g.group, point.value(), cores).unwrap_or(1.0);
    let at = format!("{} at {}", point.strategy(), format::tasks(point.value()));
    let bare = bare_threads(g, point.value(), cores, raw_scaling);
    let sentence = if !Verdict::helps(&s) {
        format!(
            "{}: no strategy sped hashing up on {cores} logical cores; the best was {} ({at}){}.",
            g.group,
            format::speedup_point(&s),
            bare.map(|b| format!(", where {b}")).unwrap_or_default()
        )
    } else {
        format!(
            "{}: hashing sped up at most {} ({at}) on {cores} logical cores (ideal {} = min(tasks, cores){}).",
            g.group,
            format::speedup_point(&s),
            format::ideal(ideal),
            bare.map(|b| format!("; {b}")).unwrap_or_default()
        )
    };
    (Some(sentence), at_scale(g, cores, raw_scaling))
}

/// The first-screen sentence: the best strategy at the largest task count, against the ideal
/// (and the measured ideal, when the raw scaling was measured).
fn at_scale(g: &GroupAnalysis, cores: usize, raw_scaling: &[ScalingPoint]) -> Option<Takeaway> {
    let n = g.largest_compared()?;
    let (best, s) = g
        .speedups_at(n)
        .into_iter()
        .max_by(|a, b| a.1.point.total_cmp(&b.1.point))?;
    let ideal = ideal_speedup(&g.group, n, cores).unwrap_or(1.0);
    let bare = bare_threads(g, n, cores, raw_scaling);
    Some(if Verdict::helps(&s) {
        Takeaway {
            section: ID,
            sentence: format!(
                "Computing {} of {} on {cores} logical cores: {best} reaches {}, ideal {} = min(tasks, cores){}.",
                format::tasks(n),
                g.group,
                format::speedup_point(&s),
                format::ideal(ideal),
                bare.map(|b| format!("; {b}")).unwrap_or_default()
            ),
            effect: effect_size(s.point),
        }
    } else {
        Takeaway {
            section: ID,
            sentence: format!(
                "No strategy clearly speeds up computing {} of {} on {cores} logical cores: the best, {best}, reaches {} (ideal {}{}).",
                format::tasks(n),
                g.group,
                format::speedup_point(&s),
                format::ideal(ideal),
                bare.map(|b| format!("; {b}")).unwrap_or_default()
            ),
            effect: effect_size(ideal / s.point),
        }
    })
}

fn oversubscription(group: &Group, plateaus: &[Plateau], cores: usize) -> Option<String> {
    let parts: Vec<String> = plateaus
        .iter()
        .filter(|p| p.strategy != BenchFunction::Sequential)
        .map(|p| match p.after {
            Some(after) => {
                let cores_note = if after == cores as u64 {
                    format!(" (= {cores} logical cores)")
                } else {
                    String::new()
                };
                format!(
                    "{} stops gaining beyond {}{cores_note}: {} there, {} at {}",
                    p.strategy,
                    format::tasks(after),
                    format::speedup_point(&p.speedup_there),
                    format::speedup_point(&p.speedup_at_largest),
                    format::tasks(p.largest_tasks)
                )
            }
            None => format!(
                "{} still gains up to the largest count, {} at {}",
                p.strategy,
                format::speedup_point(&p.speedup_at_largest),
                format::tasks(p.largest_tasks)
            ),
        })
        .collect();
    (!parts.is_empty()).then(|| format!("Oversubscription on {group}: {}.", parts.join("; ")))
}

impl Section for Computing {
    fn id(&self) -> &'static str {
        ID
    }

    fn title(&self) -> &'static str {
        "Computing: hashing"
    }

    group_block_methods!();

    fn lead(&self, _page: &Page) -> Markup {
        super::blocks_lead(&self.blocks, &self.headline(), |b| {
            figure(charts::speedup_chart_with(
                &b.group,
                self.cores,
                &self.raw_scaling,
            ))
        })
    }

    fn more(&self) -> String {
        format!(
            "Every computing group ({}): its chart, its sentences and every measurement",
            self.blocks.len()
        )
    }

    fn html(&self, page: &Page) -> Markup {
        html! {
            p {
                "Tasks that hash: at most one task per core computes at a time, so the dashed ideal is ×min(N, " (self.cores) " logical cores). Beyond the cores, more tasks only share them (oversubscription)."
                @if !self.raw_scaling.is_empty() {
                    " The second dashed line, the measured ideal, is what the hash kernel reaches on as many bare threads on this machine (primitive/hash-threads: no strategy, no pool): the most a computing strategy can reach here, which can be well below the core count when logical cores share a physical one."
                }
            }
            @for b in &self.blocks {
                (b.html(page, figure(charts::speedup_chart_with(&b.group, self.cores, &self.raw_scaling))))
            }
        }
    }

    fn markdown(&self, page: &Page) -> String {
        self.blocks.iter().map(|b| b.markdown(page)).collect()
    }

    fn json(&self, _page: &Page) -> Vec<(&'static str, serde_json::Value)> {
        vec![(
            "oversubscription",
            serde_json::to_value(&self.plateaus).expect("plateaus serialize"),
        )]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bench_id::BenchFunction::{ProcessPool, Rayon, Sequential, Threads};
    use crate::bench_id::Primitive;
    use crate::report::testdata::{HASH, analyse, m};

    #[test]
    fn sentences_give_both_ideals_when_bare_threads_were_measured_and_only_the_nominal_without() {
        let mut data = Vec::new();
        for (n, s) in [(1u64, 1.0), (2, 1.8), (4, 1.75)] {
            data.push(m(HASH, Sequential, n, n as f64 * 1e6));
            data.push(m(HASH, Threads, n, n as f64 * 1e6 / s));
        }
        let without = build(&RunData::from_groups(analyse(&data), 2));
        let hash_threads = BenchFunction::Primitive(Primitive::HashThreads);
        data.push(m(Group::Primitive, hash_threads, 1, 2e6));
        data.push(m(Group::Primitive, hash_threads, 2, 2.15e6));
        let with = build(&RunData::from_groups(analyse(&data), 2));

        let nominal =
            "at most ×1.80 (threads at 2 tasks) on 2 logical cores (ideal ×2 = min(tasks, cores)";
        let text = with.findings().join("\n");
        assert!(
            text.contains(&format!(
                "{nominal}; bare threads on this machine reach ×1.86 ["
            )),
            "{text}"
        );
        let takeaway = &with.takeaways()[0].sentence;
        assert!(
            takeaway.ends_with(
                "threads reaches ×1.75, ideal ×2 = min(tasks, cores); bare threads on this machine reach ×1.86 [1.82, 1.90]."
            ),
            "{takeaway}"
        );

        let text = without.findings().join("\n");
        assert!(text.contains(&format!("{nominal}).")), "{text}");
        assert!(!text.contains("bare threads"), "{text}");
        let takeaway = &without.takeaways()[0].sentence;
        assert!(
            takeaway.ends_with("ideal ×2 = min(tasks, cores).") && !takeaway.contains("bare"),
            "{takeaway}"
        );
    }

    #[test]
    fn plateau_is_where_the_speedup_stops_rising() {
        let mut data = Vec::new();
        for (n, threads) in [(1u64, 1.0), (2, 1.95), (4, 1.96), (16, 1.97)] {
            data.push(m(HASH, Sequential, n, n as f64 * 1e6));
            data.push(m(HASH, Threads, n, n as f64 * 1e6 / threads));
            data.push(m(HASH, Rayon, n, n as f64 * 1e6 / n as f64));
        }
        let rows = plateaus(&GroupAnalysis::new(HASH, &data));
        let threads = rows.iter().find(|r| r.strategy == Threads).unwrap();
        assert_eq!(threads.after, Some(2));
        assert!((threads.speedup_there.point - 1.95).abs() < 1e-9);
        let rayon = rows.iter().find(|r| r.strategy == Rayon).unwrap();
        assert_eq!(rayon.after, None, "still rising");
        assert_eq!(rayon.largest_tasks, 16);
    }

    #[test]
    fn a_dip_before_a_rise_is_not_a_plateau() {
        let mut data = Vec::new();
        for (n, pool) in [(1u64, 0.5), (2, 0.3), (4, 0.6), (16, 0.61)] {
            data.push(m(HASH, Sequential, n, n as f64 * 1e6));
            data.push(m(HASH, ProcessPool, n, n as f64 * 1e6 / pool));
        }
        let rows = plateaus(&GroupAnalysis::new(HASH, &data));
        assert_eq!(rows[0].after, Some(4), "the rise after the dip counts");
    }

    #[test]
    fn hashing_is_measured_against_the_core_count() {
        let mut data = Vec::new();
        for (n, s) in [(1u64, 1.0), (2, 1.96), (4, 1.95)] {
            data.push(m(HASH, Sequential, n, n as f64 * 1e6));
            data.push(m(HASH, Threads, n, n as f64 * 1e6 / s));
        }
        let section = build(&RunData::from_groups(analyse(&data), 2));
        let text = section.findings().join("\n");
        assert!(
            text.contains("at most ×1.96 (threads at 2 tasks) on 2 logical cores (ideal ×2"),
            "{text}"
        );
        assert!(
            text.contains("threads stops gaining beyond 2 tasks (= 2 logical cores)"),
            "{text}"
        );
        let flat: Vec<_> = [1u64, 2]
            .iter()
            .flat_map(|&n| [m(HASH, Sequential, n, 1e6), m(HASH, Threads, n, 1e6)])
            .collect();
        let section = build(&RunData::from_groups(analyse(&flat), 2));
        assert!(
            section
                .findings()
                .join("\n")
                .contains("no strategy sped hashing up")
        );
    }
}
