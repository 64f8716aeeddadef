//! Waiting: tasks that sleep, wait on a loopback socket or on a file's fsync. Do the waits
//! overlap, how close to the ideal ×N does each strategy come, and is rayon's CPU-sized pool
//! the wrong pool for blocking work?

use maud::{Markup, html};

use crate::bench_id::{BenchFunction, Group};

use super::super::analysis::{GroupAnalysis, Verdict, effect_size, ideal_speedup};
use super::super::blocks::{Page, figure};
use super::super::charts;
use super::super::data::RunData;
use super::super::format;
use super::{GroupBlock, Section, Takeaway};

/// How close to its pool size rayon's waiting speedup must be (as a share of the pool size)
/// for the report to say the pool capped it.
pub const POOL_CAP_TOLERANCE: f64 = 0.25;

const ID: &str = "waiting";

fn is_waiting(group: &Group) -> bool {
    matches!(
        group,
        Group::Sleep { .. } | Group::Net { .. } | Group::File { .. }
    )
}

/// The waiting section.
pub struct Waiting {
    blocks: Vec<GroupBlock>,
    cores: usize,
}

/// Builds the section from the `sleep-*`, `net-*` and `file-*` groups.
pub fn build(data: &RunData) -> Box<dyn Section> {
    let cores = data.cores();
    let blocks = data
        .groups_where(is_waiting)
        .into_iter()
        .map(|g| {
            let (sentences, takeaways) = analyse(g, cores);
            GroupBlock {
                group: g.clone(),
                sentences,
                takeaways,
            }
        })
        .collect();
    Box::new(Waiting { blocks, cores })
}

/// The sentences and takeaways of one group.
fn analyse(g: &GroupAnalysis, cores: usize) -> (Vec<String>, Vec<Takeaway>) {
    let mut out = Vec::new();
    let mut takeaways = Vec::new();
    let Some(n) = g.largest_compared() else {
        return (out, takeaways);
    };
    let ideal = ideal_speedup(&g.group, n, cores);
    let ideal_note = ideal
        .map(|i| format!(" (ideal {})", format::ideal(i)))
        .unwrap_or_default();
    let series = g.speedups_of(BenchFunction::Threads);
    if let (Some(first), Some(last)) = (series.first(), series.last()) {
        let last_ideal = ideal_speedup(&g.group, last.0, cores)
            .map(|i| format!(" (ideal {})", format::ideal(i)))
            .unwrap_or_default();
        out.push(if !Verdict::helps(&last.1) {
            format!(
                "{}: threads did not help: {} at {}{last_ideal}.",
                g.group,
                format::speedup_point(&last.1),
                format::tasks(last.0),
            )
        } else if series.len() > 1 && last.1.point > first.1.upper {
            let steps: Vec<String> = series
                .iter()
                .map(|(n, s)| format!("{} at {}", format::speedup_point(s), format::tasks(*n)))
                .collect();
            format!(
                "{}: threads' speedup grows with the task count: {}{}.",
                g.group,
                steps.join(", "),
                if ideal.is_some() { " (ideal ×N)" } else { "" }
            )
        } else {
            format!(
                "{}: threads reach {} at {}{last_ideal}.",
                g.group,
                format::speedup_point(&last.1),
                format::tasks(last.0),
            )
        });
    }
    let at_n = g.speedups_at(n);
    if !at_n.is_empty() {
        let list: Vec<String> = at_n
            .iter()
            .map(|(s, v)| format!("{s} {}", format::speedup_point(v)))
            .collect();
        out.push(format!(
            "{} of {}: {}{ideal_note}.",
            format::tasks(n),
            g.group,
            list.join(", "),
        ));
        if let Some((best, s)) = at_n.iter().max_by(|a, b| a.1.point.total_cmp(&b.1.point)) {
            takeaways.push(Takeaway {
                section: ID,
                sentence: if Verdict::helps(s) {
                    format!(
                        "{best} runs {} of {} {} faster than one after another{ideal_note}.",
                        format::tasks(n),
                        g.group,
                        format::speedup_point(s),
                    )
                } else {
                    format!(
                        "No strategy clearly speeds up {} of {}: the best, {best}, reaches {}.",
                        format::tasks(n),
                        g.group,
                        format::speedup_point(s),
                    )
                },
                effect: effect_size(s.point),
            });
        }
        let worst = at_n.iter().min_by(|a, b| a.1.point.total_cmp(&b.1.point));
        if let Some((worst, s)) = worst.filter(|(_, s)| Verdict::hurts(s)) {
            takeaways.push(Takeaway {
                section: ID,
                sentence: format!(
                    "{worst} makes {} of {} {} slower than one after another.",
                    format::tasks(n),
                    g.group,
                    format::times(1.0 / s.point),
                ),
                effect: effect_size(s.point),
            });
        }
    }
    if let Some((_, rayon)) = at_n.iter().find(|(s, _)| *s == BenchFunction::Rayon) {
        let pool = cores.max(1) as f64;
        if n as f64 >= 2.0 * pool {
            let capped = (rayon.point - pool).abs() <= POOL_CAP_TOLERANCE * pool;
            let others: Vec<(BenchFunction, _)> = at_n
                .iter()
                .filter(|(s, _)| matches!(s, BenchFunction::Threads | BenchFunction::RayonN))
                .copied()
                .collect();
            let compare = if others.is_empty() {
                String::new()
            } else {
                let list: Vec<String> = others
                    .iter()
                    .map(|(s, v)| format!("{s} {}", format::speedup_point(v)))
                    .collect();
                format!(" (against {} at the same count)", list.join(", "))
            };
            out.push(if capped {
                format!(
                    "rayon is the wrong pool for blocking work: on {} of {} it reaches only {}, about its pool size of {cores} threads (one per logical core) rather than ×{n}, because a waiting task holds its pool thread and only {cores} can wait at once{compare}.",
                    format::tasks(n),
                    g.group,
                    format::speedup_point(rayon),
                )
            } else {
                format!(
                    "rayon on {} of {}: {} with a pool of {cores} threads; this run does not show its speedup capped at the pool size{compare}.",
                    format::tasks(n),
                    g.group,
                    format::speedup_point(rayon),
                )
            });
            if let (true, Some((other, s))) = (capped, others.first()) {
                takeaways.push(Takeaway {
                    section: ID,
                    sentence: format!(
                        "rayon's pool of {cores} threads caps {} of {} at {}, where {other} reach {}: blocking work needs a thread per wait.",
                        format::tasks(n),
                        g.group,
                        format::speedup_point(rayon),
                        format::speedup_point(s),
                    ),
                    effect: effect_size(s.point / rayon.point),
                });
            }
        }
    }
    (out, takeaways)
}

impl Section for Waiting {
    fn id(&self) -> &'static str {
        ID
    }

    fn title(&self) -> &'static str {
        "Waiting: sleeps, sockets and files"
    }

    group_block_methods!();

    fn lead(&self, _page: &Page) -> Markup {
        super::blocks_lead(&self.blocks, &self.headline(), |b| {
            figure(charts::speedup_chart(&b.group, self.cores))
        })
    }

    fn more(&self) -> String {
        format!(
            "Every waiting group ({}): its chart, its sentences and every measurement",
            self.blocks.len()
        )
    }

    fn html(&self, page: &Page) -> Markup {
        html! {
            p { "Tasks that wait: the dashed ideal is ×N where all N tasks can wait at once (sleeps, loopback requests). File tasks have none: they mix fsync waits, which one device may serialize, with hashing. Error bars are Criterion's confidence intervals." }
            @for b in &self.blocks {
                (b.html(page, figure(charts::speedup_chart(&b.group, self.cores))))
            }
        }
    }

    fn markdown(&self, page: &Page) -> String {
        self.blocks.iter().map(|b| b.markdown(page)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bench_id::BenchFunction::{Rayon, Sequential, Threads};
    use crate::criterion_data::Measurement;
    use crate::report::testdata::{SLEEP, analyse as groups, m};

    fn run(data: &[Measurement], cores: usize) -> (String, Vec<Takeaway>) {
        let section = build(&RunData::from_groups(groups(data), cores));
        (section.findings().join("\n"), section.takeaways())
    }

    fn sleep_data(threads_64: f64, rayon_64: f64) -> Vec<Measurement> {
        vec![
            m(SLEEP, Sequential, 1, 10e6),
            m(SLEEP, Sequential, 64, 640e6),
            m(SLEEP, Threads, 1, 10.1e6),
            m(SLEEP, Threads, 64, 640e6 / threads_64),
            m(SLEEP, Rayon, 64, 640e6 / rayon_64),
        ]
    }

    #[test]
    fn sleep_findings_carry_the_measured_figures() {
        let (text, takeaways) = run(&sleep_data(58.0, 2.0), 2);
        assert!(
            text.contains("grows with the task count: ×0.990 at 1 task, ×58.0 at 64 tasks"),
            "{text}"
        );
        assert!(text.contains("threads ×58.0, rayon ×2.00"), "{text}");
        assert!(
            text.contains("rayon is the wrong pool for blocking work"),
            "{text}"
        );
        assert!(text.contains("pool size of 2 threads"), "{text}");
        let sentences: Vec<&str> = takeaways.iter().map(|t| t.sentence.as_str()).collect();
        assert!(
            sentences.contains(&"threads runs 64 tasks of sleep-10ms ×58.0 faster than one after another (ideal ×64)."),
            "{sentences:?}"
        );
        assert!(
            sentences
                .iter()
                .any(|s| s.starts_with("rayon's pool of 2 threads caps")),
            "{sentences:?}"
        );
    }

    #[test]
    fn findings_follow_the_data() {
        let (text, _) = run(&sleep_data(1.0, 40.0), 2);
        assert!(
            text.contains("threads did not help: ×1.00 at 64 tasks"),
            "{text}"
        );
        assert!(!text.contains("wrong pool"), "{text}");
        assert!(text.contains("does not show"), "{text}");
        // On 16 cores a rayon speedup of 2 is not the pool size either.
        let (text, _) = run(&sleep_data(58.0, 2.0), 16);
        assert!(!text.contains("wrong pool"), "{text}");
    }

    #[test]
    fn a_strategy_that_hurts_is_a_takeaway() {
        let (_, takeaways) = run(&sleep_data(0.25, 2.0), 2);
        assert!(
            takeaways.iter().any(|t| t.sentence
                == "threads makes 64 tasks of sleep-10ms ×4.00 slower than one after another."),
            "{takeaways:?}"
        );
    }
}
