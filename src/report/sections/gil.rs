//! Python's lesson, checked against this run: threads under a global interpreter lock (the
//! `gil` strategy) should overlap waits like free threads, yet gain nothing on computing,
//! where free threads gain up to the core count.
//!
//! [`compare`] puts `threads`, `gil`, `async` and the process strategies side by side on a
//! sleep group and a hash group, each at its largest task count, and words whether the numbers
//! reproduce the lesson; the sentence branches on the data, never on what Python would do.

use maud::{Markup, html};
use serde_json::json;

use crate::bench_id::{BenchFunction, Group};

use super::super::analysis::{GroupAnalysis, Point, Verdict, effect_size, ideal_speedup};
use super::super::blocks::{Page, md_cell, scroll, strategy_link};
use super::super::data::RunData;
use super::super::format;
use super::{Section, Takeaway};
use crate::interval::Interval;

const ID: &str = "gil";

/// The share of threads' waiting speedup the `gil` must reach to "overlap waits like threads".
pub const LIKE_THREADS: f64 = 0.75;

/// Whether the comparison shows a strategy (when measured): free and locked threads, the
/// event loop, and the process strategies Python would reach for.
fn compared(f: BenchFunction) -> bool {
    matches!(
        f,
        BenchFunction::Threads
            | BenchFunction::Gil
            | BenchFunction::Async
            | BenchFunction::Processes
            | BenchFunction::ProcessPool
    )
}

/// The group and task count one side of the comparison is taken at.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Side {
    /// The group (a `sleep-*` or `hash-*` group).
    pub group: Group,
    /// The task count: the largest at which `gil` has a speedup (else any strategy).
    pub tasks: u64,
}

/// One strategy's speedups over sequential on both sides.
#[derive(Clone, Debug, PartialEq)]
pub struct GilRow {
    /// The strategy.
    pub strategy: BenchFunction,
    /// Its point on the waiting side, if measured with a speedup.
    pub waiting: Option<Point>,
    /// Its point on the computing side, if measured with a speedup.
    pub computing: Option<Point>,
}

/// What the data says about the lesson.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Lesson {
    /// gil overlaps waits like threads, gains nothing on hashing, and threads do gain there.
    Reproduced,
    /// At least one of the three does not hold.
    NotReproduced,
    /// threads or gil is missing on one side.
    CannotTell,
}

/// The side-by-side comparison and its conclusion.
#[derive(Clone, Debug, PartialEq)]
pub struct GilComparison {
    /// The waiting side, if a sleep group was measured.
    pub waiting: Option<Side>,
    /// The computing side, if a hash group was measured.
    pub computing: Option<Side>,
    /// One row per compared strategy measured on either side.
    pub rows: Vec<GilRow>,
    /// The conclusion.
    pub lesson: Lesson,
    /// The conclusion in words, with the figures.
    pub sentence: String,
    /// The conclusion in one short sentence for the first screen, with its effect size.
    pub takeaway: Option<(String, f64)>,
}

impl GilComparison {
    /// A strategy's speedup on the waiting (`true`) or computing (`false`) side.
    fn speedup(&self, strategy: BenchFunction, waiting: bool) -> Option<Interval> {
        let row = self.rows.iter().find(|r| r.strategy == strategy)?;
        let point = if waiting {
            &row.waiting
        } else {
            &row.computing
        };
        point.as_ref()?.comparison.speedup()
    }
}

/// Picks the side of a group: the largest task count at which `gil` has a speedup, else the
/// largest at which any strategy has one.
fn side(g: &GroupAnalysis) -> Option<Side> {
    let compared = |strategy: Option<BenchFunction>| {
        g.points
            .iter()
            .filter(|p| strategy.is_none_or(|s| p.strategy() == s))
            .filter(|p| p.comparison.speedup().is_some())
            .map(|p| p.value())
            .max()
    };
    let tasks = compared(Some(BenchFunction::Gil)).or_else(|| compared(None))?;
    Some(Side {
        group: g.group,
        tasks,
    })
}

/// Compares the strategies on the first sleep group and the first hash group; `None` when the
/// data has neither.
pub fn compare(groups: &[GroupAnalysis], logical_cores: usize) -> Option<GilComparison> {
    let pick = |is: fn(&Group) -> bool| {
        groups
            .iter()
            .filter(|g| is(&g.group))
            .find_map(|g| side(g).map(|s| (g, s)))
    };
    let waiting = pick(|g| matches!(g, Group::Sleep { .. }));
    let computing = pick(|g| matches!(g, Group::Hash { .. }));
    if waiting.is_none() && computing.is_none() {
        return None;
    }
    let at = |side: &Option<(&GroupAnalysis, Side)>, strategy: BenchFunction| {
        side.as_ref().and_then(|(g, s)| {
            g.point(strategy, s.tasks)
                .filter(|p| p.comparison.speedup().is_some())
                .cloned()
        })
    };
    let rows: Vec<GilRow> = BenchFunction::ALL
        .iter()
        .copied()
        .filter(|f| compared(*f))
        .map(|strategy| GilRow {
            strategy,
            waiting: at(&waiting, strategy),
            computing: at(&computing, strategy),
        })
        .filter(|r| r.waiting.is_some() || r.computing.is_some())
        .collect();
    let mut comparison = GilComparison {
        waiting: waiting.map(|(_, s)| s),
        computing: computing.map(|(_, s)| s),
        rows,
        lesson: Lesson::CannotTell,
        sentence: String::new(),
        takeaway: None,
    };
    conclude(&mut comparison, logical_cores);
    Some(comparison)
}

fn conclude(c: &mut GilComparison, cores: usize) {
    use BenchFunction::{Gil, Threads};
    let sides = c.waiting.zip(c.computing);
    let speedups = (
        c.speedup(Gil, true),
        c.speedup(Threads, true),
        c.speedup(Gil, false),
        c.speedup(Threads, false),
    );
    let (
        Some((waiting, computing)),
        (Some(wait_gil), Some(wait_threads), Some(hash_gil), Some(hash_threads)),
    ) = (sides, speedups)
    else {
        let mut missing = Vec::new();
        for (side, is_waiting, name) in [
            (c.waiting, true, "a sleep group"),
            (c.computing, false, "a hash group"),
        ] {
            let Some(side) = side else {
                missing.push(name.to_string());
                continue;
            };
            for strategy in [Threads, Gil] {
                if c.speedup(strategy, is_waiting).is_none() {
                    missing.push(format!("{strategy} on {}", side.group));
                }
            }
        }
        c.lesson = Lesson::CannotTell;
        c.sentence = format!(
            "Python's lesson cannot be checked from this data: no speedup for {}.",
            missing.join(", ")
        );
        return;
    };
    let x = format::speedup_point;
    let overlaps = Verdict::helps(&wait_gil) && wait_gil.point >= LIKE_THREADS * wait_threads.point;
    let gil_gains_nothing = matches!(
        Verdict::from_speedup(&hash_gil),
        Verdict::NoGain | Verdict::Hurts { .. }
    );
    let gil_gains = Verdict::helps(&hash_gil);
    let threads_gain = Verdict::helps(&hash_threads);
    let ideal = ideal_speedup(&computing.group, computing.tasks, cores).unwrap_or(1.0);
    let waits = format!(
        "on {} tasks of {} gil {} the waits like threads ({} against threads' {})",
        waiting.tasks,
        waiting.group,
        if overlaps {
            "overlaps"
        } else {
            "does not overlap"
        },
        x(&wait_gil),
        x(&wait_threads)
    );
    let gil_hash = if gil_gains_nothing {
        format!(
            "gains nothing on {} tasks of {} ({})",
            computing.tasks,
            computing.group,
            x(&hash_gil)
        )
    } else if gil_gains {
        format!(
            "speeds {} tasks of {} up {}",
            computing.tasks,
            computing.group,
            x(&hash_gil)
        )
    } else {
        format!(
            "is inconclusive on {} tasks of {} ({})",
            computing.tasks,
            computing.group,
            format::speedup(&hash_gil)
        )
    };
    let threads_hash = format!(
        "threads {} there ({}, ideal {} = min(tasks, {cores} cores))",
        if threads_gain { "gain" } else { "do not gain" },
        x(&hash_threads),
        format::ideal(ideal)
    );
    let reproduced = overlaps && gil_gains_nothing && threads_gain;
    c.lesson = if reproduced {
        Lesson::Reproduced
    } else {
        Lesson::NotReproduced
    };
    let verdict = if reproduced {
        "Python's lesson reproduced"
    } else {
        "Python's lesson not reproduced by this data"
    };
    c.sentence = format!("{verdict}: {waits}; on computing gil {gil_hash} while {threads_hash}.");
    c.takeaway = Some((
        format!(
            "{verdict}: a simulated GIL reaches {} on waiting ({}) and {} on hashing ({}), where free threads reach {}.",
            x(&wait_gil),
            waiting.group,
            x(&hash_gil),
            computing.group,
            x(&hash_threads)
        ),
        effect_size(hash_threads.point / hash_gil.point),
    ));
}

/// The GIL section.
pub struct GilSection {
    comparison: Option<GilComparison>,
}

/// Builds the comparison from the first sleep and hash groups.
pub fn build(data: &RunData) -> Box<dyn Section> {
    Box::new(GilSection {
        comparison: compare(&data.groups, data.cores()),
    })
}

fn headers(c: &GilComparison) -> (String, String) {
    let side = |s: Option<Side>, what: &str| match s {
        Some(s) => format!("{what}: {} of {}", format::tasks(s.tasks), s.group),
        None => format!("{what}: not measured"),
    };
    (side(c.waiting, "Waiting"), side(c.computing, "Computing"))
}

fn cell(point: Option<&Point>) -> String {
    point
        .map(|p| format::comparison(&p.comparison))
        .unwrap_or_else(|| "not measured".to_string())
}

impl Section for GilSection {
    fn id(&self) -> &'static str {
        ID
    }

    fn title(&self) -> &'static str {
        "Python's lesson, reproduced?"
    }

    fn has_data(&self) -> bool {
        self.comparison.is_some()
    }

    fn findings(&self) -> Vec<String> {
        self.comparison.iter().map(|c| c.sentence.clone()).collect()
    }

    fn takeaways(&self) -> Vec<Takeaway> {
        self.comparison
            .iter()
            .filter_map(|c| c.takeaway.clone())
            .map(|(sentence, effect)| Takeaway {
                section: ID,
                sentence,
                effect,
            })
            .collect()
    }

    fn headline(&self) -> String {
        match self.comparison.as_ref().map(|c| c.lesson) {
            Some(Lesson::Reproduced) => {
                "A global lock overlaps waits but not computing: Python's lesson reproduced"
                    .to_string()
            }
            Some(Lesson::NotReproduced) => {
                "Python's lesson is not reproduced by this run".to_string()
            }
            _ => self.title().to_string(),
        }
    }

    fn more(&self) -> String {
        "What the simulated global interpreter lock is, and what the table compares".to_string()
    }

    fn html(&self, _page: &Page) -> Markup {
        if self.comparison.is_none() {
            return html! {};
        }
        html! {
            p { "Under a global interpreter lock (the " code { (BenchFunction::Gil.name()) } " strategy: one thread per task, one lock, released while waiting) threads should overlap waits like free threads yet gain nothing on computing, where free threads gain up to the core count. Speedups over sequential at each group's largest task count with a " code { (BenchFunction::Gil.name()) } " speedup." }
        }
    }

    fn lead(&self, page: &Page) -> Markup {
        let Some(c) = &self.comparison else {
            return html! {};
        };
        let (waiting, computing) = headers(c);
        html! {
            p #gil-conclusion .finding { (c.sentence) }
            (scroll(html! {
                table #gil-table {
                    thead { tr { th { "Strategy" } th { (waiting) } th { (computing) } } }
                    tbody { @for row in &c.rows {
                        @let dir = row.waiting.as_ref().or(row.computing.as_ref()).map(|p| p.measurement.directory.as_str()).unwrap_or_default();
                        tr {
                            td { (strategy_link(page, dir, row.strategy)) }
                            td { (cell(row.waiting.as_ref())) }
                            td { (cell(row.computing.as_ref())) }
                        }
                    } }
                }
            }))
        }
    }

    fn markdown(&self, _page: &Page) -> String {
        let Some(c) = &self.comparison else {
            return String::new();
        };
        let (waiting, computing) = headers(c);
        let mut md = format!("| Strategy | {waiting} | {computing} |\n|---|---|---|\n");
        for row in &c.rows {
            md.push_str(&format!(
                "| {} | {} | {} |\n",
                md_cell(row.strategy.name()),
                cell(row.waiting.as_ref()),
                cell(row.computing.as_ref())
            ));
        }
        md.push_str(&format!("\n{}\n", c.sentence));
        md
    }

    fn json(&self, _page: &Page) -> Vec<(&'static str, serde_json::Value)> {
        let value = match &self.comparison {
            None => serde_json::Value::Null,
            Some(c) => {
                let side = |s: Option<Side>| {
                    s.map(|s| json!({ "group": s.group.to_string(), "tasks": s.tasks }))
                };
                let speedup = |p: &Option<Point>| p.as_ref().and_then(|p| p.comparison.speedup());
                json!({
                    "waiting": side(c.waiting),
                    "computing": side(c.computing),
                    "rows": c.rows.iter().map(|r| json!({
                        "strategy": r.strategy,
                        "waiting_speedup": speedup(&r.waiting),
                        "computing_speedup": speedup(&r.computing),
                    })).collect::<Vec<_>>(),
                    "lesson": c.lesson,
                    "sentence": c.sentence,
                })
            }
        };
        vec![("gil_comparison", value)]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bench_id::BenchFunction::{Gil, Sequential, Threads};
    use crate::report::testdata::{HASH, SLEEP, m};

    /// Sleep and hash groups at 8 tasks with the given speedups over sequential.
    fn groups(speedups: &[(BenchFunction, f64, f64)]) -> Vec<GroupAnalysis> {
        let mut data = vec![m(SLEEP, Sequential, 8, 80e6), m(HASH, Sequential, 8, 8e6)];
        for &(strategy, waiting, computing) in speedups {
            data.push(m(SLEEP, strategy, 8, 80e6 / waiting));
            data.push(m(HASH, strategy, 8, 8e6 / computing));
        }
        vec![
            GroupAnalysis::new(SLEEP, &data),
            GroupAnalysis::new(HASH, &data),
        ]
    }

    #[test]
    fn the_lesson_follows_the_numbers() {
        let c = compare(&groups(&[(Threads, 7.8, 1.95), (Gil, 7.6, 1.0)]), 2).unwrap();
        assert_eq!(c.lesson, Lesson::Reproduced, "{}", c.sentence);
        assert!(
            c.sentence
                .contains("gil overlaps the waits like threads (×7.60 against threads' ×7.80)"),
            "{}",
            c.sentence
        );
        assert!(
            c.sentence
                .contains("gains nothing on 8 tasks of hash-1MiB (×1.00)"),
            "{}",
            c.sentence
        );
        assert_eq!(c.rows.len(), 2);
        let (takeaway, effect) = c.takeaway.unwrap();
        assert!(
            takeaway.starts_with("Python's lesson reproduced: a simulated GIL reaches ×7.60"),
            "{takeaway}"
        );
        assert!((effect - 1.95f64.ln()).abs() < 1e-9);

        let c = compare(&groups(&[(Threads, 7.8, 1.95), (Gil, 7.6, 1.9)]), 2).unwrap();
        assert_eq!(c.lesson, Lesson::NotReproduced, "{}", c.sentence);
        assert!(!c.sentence.contains("gains nothing"), "{}", c.sentence);
        assert!(
            c.sentence.contains("speeds 8 tasks of hash-1MiB up ×1.90"),
            "{}",
            c.sentence
        );

        let c = compare(&groups(&[(Threads, 7.8, 1.95), (Gil, 1.0, 1.0)]), 2).unwrap();
        assert_eq!(c.lesson, Lesson::NotReproduced);
        assert!(
            c.sentence.contains("gil does not overlap the waits"),
            "{}",
            c.sentence
        );
    }

    #[test]
    fn missing_strategies_are_named() {
        let c = compare(&groups(&[(Threads, 7.8, 1.95)]), 2).unwrap();
        assert_eq!(c.lesson, Lesson::CannotTell);
        assert!(
            c.sentence.contains("gil on sleep-10ms, gil on hash-1MiB"),
            "{}",
            c.sentence
        );
        assert!(c.takeaway.is_none());
        assert!(compare(&[], 2).is_none());
    }
}
