//! One pass over the paired sets, in this process: for each set and mode, rounds in which the
//! baseline and every arm run once each in a random order; every output checked against the
//! sequential reference.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use crate::error::Result;
use crate::runner::Runner;
use crate::worker::WorkerCommand;
use crate::workload::{TaskOutput, TaskSet, check_outputs};

use super::counters::Counters;
use super::plan::PairsBudget;
use super::{Arm, ArmKind, Mode, PairSet};

/// Calls shorter than this get an untimed call before each timed batch in the hot mode (and
/// a second untimed call at the start): long enough that a pool's workers stay awake after
/// it, short enough that the extra call is cheap.
pub const WARM_CALL_BELOW: Duration = Duration::from_millis(10);

/// Back-to-back calls whose fastest sizes a short arm's hot batch.
const SIZING_CALLS: usize = 3;

/// How many rounds of `round` seconds fill `budget.per_set`: at least `min_rounds` (one for a
/// round of half a second or more, whose processes then supply the repetitions), at most
/// `max_rounds`.
pub fn rounds_for(budget: &PairsBudget, round: f64) -> usize {
    let least = if round < 0.5 {
        budget.min_rounds.max(1)
    } else {
        1
    };
    ((budget.per_set.as_secs_f64() / round).floor() as usize)
        .clamp(least, budget.max_rounds.max(least))
}

/// What one pass measured: every set, in order.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct PassResult {
    /// The sets of the pass.
    pub sets: Vec<SetPass>,
}

/// One set in one pass.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SetPass {
    /// The set's name.
    pub name: String,
    /// Each mode measured.
    pub modes: Vec<ModePass>,
}

/// One mode of one set in one pass: the arms' times round by round.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ModePass {
    /// The mode.
    pub mode: Mode,
    /// Every arm, the baseline first.
    pub arms: Vec<ArmPass>,
}

/// One arm's times in one pass: per round, the time of one call (ns); and its counters.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ArmPass {
    /// The arm's label.
    pub label: String,
    /// The time of one call in each round, in ns (a hot batch's mean).
    pub per_call_ns: Vec<f64>,
    /// How many calls the hot batch made (1 when cold).
    pub batch: usize,
    /// The counters of all timed calls, summed.
    pub counters: Counters,
    /// How many calls were timed.
    pub calls: usize,
}

/// Runs pass `index` over `sets` (those measured in at least `index + 1` processes) within
/// `budget`, with `worker` as the process strategies' worker program; `index` also seeds the
/// rounds' order. `progress` is told each set's name as it starts.
pub fn run_pass(
    sets: &[PairSet],
    budget: &PairsBudget,
    worker: &WorkerCommand,
    index: usize,
    mut progress: impl FnMut(&str),
) -> Result<PassResult> {
    let mut rng = fastrand::Rng::with_seed(0x5eed_0000 + index as u64);
    let mut result = PassResult::default();
    for set in sets.iter().filter(|s| s.processes > index) {
        progress(&set.name);
        result.sets.push(run_set(set, budget, worker, &mut rng)?);
    }
    Ok(result)
}

/// A built arm: its runner, its tasks and their expected outputs.
struct Ready<'a> {
    arm: &'a Arm,
    runner: ArmRunner,
    tasks: &'a TaskSet,
    expected: &'a [TaskOutput],
}

enum ArmRunner {
    Suite(Runner),
    BareThreads(usize),
}

impl Ready<'_> {
    fn call(&mut self) -> Result<()> {
        let outputs = match &mut self.runner {
            ArmRunner::Suite(runner) => runner.run(self.tasks)?,
            ArmRunner::BareThreads(k) => bare_threads(self.tasks, *k),
        };
        check_outputs(&self.arm.label, self.expected, &outputs)
    }
}

/// `k` scoped threads, each hashing (running) one task: no strategy around them.
fn bare_threads(tasks: &TaskSet, k: usize) -> Vec<TaskOutput> {
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..k.min(tasks.len()))
            .map(|i| {
                scope.spawn(move || {
                    tasks
                        .run_one(i, &mut crate::workload::NoGate)
                        .expect("a bare hash task cannot fail")
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("a bare hash thread panicked"))
            .collect()
    })
}

fn run_set(
    set: &PairSet,
    budget: &PairsBudget,
    worker: &WorkerCommand,
    rng: &mut fastrand::Rng,
) -> Result<SetPass> {
    // Task sets and expected outputs, built once per distinct workload and count.
    let mut task_sets: BTreeMap<String, (TaskSet, Vec<TaskOutput>)> = BTreeMap::new();
    for arm in &set.arms {
        if let std::collections::btree_map::Entry::Vacant(slot) = task_sets.entry(task_key(arm)) {
            let tasks = TaskSet::new(arm.workload, arm.tasks)?;
            let expected = tasks.expected_outputs();
            slot.insert((tasks, expected));
        }
    }
    let mut ready: Vec<Ready<'_>> = Vec::new();
    for arm in &set.arms {
        let (tasks, expected) = &task_sets[&task_key(arm)];
        let runner = match arm.kind {
            ArmKind::Function { function, workers } => {
                ArmRunner::Suite(Runner::build(function, arm.tasks, workers, worker)?)
            }
            ArmKind::BareThreads { threads } => ArmRunner::BareThreads(threads),
        };
        ready.push(Ready {
            arm,
            runner,
            tasks,
            expected,
        });
    }
    // One untimed call each (two for short calls: the first builds what is built lazily):
    // the last gives the time of one call that sizes the batches and the rounds.
    // One untimed call each; for a short call, then the fastest of a few back to back: the
    // time of one call in a loop, which sizes the hot batches (sized on a call that found
    // the pool asleep, a batch would be too short to be hot) and the rounds.
    let mut single = Vec::with_capacity(ready.len());
    for r in &mut ready {
        let start = Instant::now();
        r.call()?;
        let mut took = start.elapsed();
        if took < WARM_CALL_BELOW {
            for _ in 0..SIZING_CALLS {
                let start = Instant::now();
                r.call()?;
                took = took.min(start.elapsed());
            }
        }
        single.push(took.max(Duration::from_nanos(1)));
    }
    let mut modes = Vec::new();
    for &mode in &set.modes {
        let batches: Vec<usize> = single
            .iter()
            .map(|t| match mode {
                Mode::Hot => (budget.hot_batch.as_secs_f64() / t.as_secs_f64())
                    .ceil()
                    .clamp(1.0, 10_000.0) as usize,
                Mode::Cold => 1,
            })
            .collect();
        let round: f64 = single
            .iter()
            .zip(&batches)
            .map(|(t, &b)| match mode {
                Mode::Hot if *t < WARM_CALL_BELOW => t.as_secs_f64() * (b + 1) as f64,
                Mode::Hot => t.as_secs_f64() * b as f64,
                Mode::Cold => t.as_secs_f64() + budget.cold_gap.as_secs_f64(),
            })
            .sum();
        let rounds = rounds_for(&budget.for_mode(mode), round);
        let mut arms: Vec<ArmPass> = ready
            .iter()
            .zip(&batches)
            .map(|(r, &batch)| ArmPass {
                label: r.arm.label.clone(),
                per_call_ns: Vec::with_capacity(rounds),
                batch,
                counters: Counters::default(),
                calls: 0,
            })
            .collect();
        let mut order: Vec<usize> = (0..ready.len()).collect();
        if mode == Mode::Cold {
            for _ in 0..budget.cold_settle_rounds {
                rng.shuffle(&mut order);
                for &i in &order {
                    std::thread::sleep(budget.cold_gap);
                    ready[i].call()?;
                }
            }
        }
        for _ in 0..rounds {
            rng.shuffle(&mut order);
            for &i in &order {
                let r = &mut ready[i];
                let batch = arms[i].batch;
                if mode == Mode::Cold {
                    std::thread::sleep(budget.cold_gap);
                }
                // The counters are read outside the timed calls, and for the hot mode before
                // the untimed call that wakes the pool, so that nothing lets it sleep again
                // before the batch; they then count that call too.
                let before = Counters::now();
                let warm = mode == Mode::Hot && single[i] < WARM_CALL_BELOW;
                if warm {
                    // An untimed call first keeps a pool's workers awake, as in Criterion's
                    // loop; a call this long would not let them sleep anyway.
                    r.call()?;
                }
                let start = Instant::now();
                for _ in 0..batch {
                    r.call()?;
                }
                let elapsed = start.elapsed();
                let spent = Counters::now() - before;
                let a = &mut arms[i];
                a.per_call_ns.push(elapsed.as_nanos() as f64 / batch as f64);
                a.counters += spent;
                a.calls += batch + usize::from(warm);
            }
        }
        modes.push(ModePass { mode, arms });
    }
    Ok(SetPass {
        name: set.name.clone(),
        modes,
    })
}

fn task_key(arm: &Arm) -> String {
    format!("{:?}×{}", arm.workload, arm.tasks)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bench_id::{BenchFunction, Group};
    use crate::workload::Workload;

    fn arm(function: BenchFunction, tasks: usize) -> Arm {
        let workload = Workload::Hash { bytes: 4096 };
        Arm {
            label: function.name().to_string(),
            bench_id: None,
            kind: ArmKind::Function {
                function,
                workers: Some(2),
            },
            workload,
            tasks,
            work: 4096.0 * tasks as f64,
        }
    }

    #[test]
    fn a_pass_times_every_arm_in_every_mode_and_round() {
        let set = PairSet {
            name: "t".to_string(),
            group: Group::Hash { bytes: 4096 },
            arms: vec![
                arm(BenchFunction::Sequential, 4),
                arm(BenchFunction::Rayon, 4),
                Arm {
                    kind: ArmKind::BareThreads { threads: 2 },
                    label: "bare".to_string(),
                    ..arm(BenchFunction::Sequential, 2)
                },
            ],
            modes: vec![Mode::Hot, Mode::Cold],
            processes: 1,
        };
        let budget = PairsBudget {
            processes: 1,
            waiting_processes: 1,
            follow_up_processes: 0,
            per_set: Duration::from_millis(20),
            min_rounds: 1,
            max_rounds: 5,
            cold_gap: Duration::from_millis(1),
            cold_settle_rounds: 1,
            hot_batch: Duration::from_micros(200),
        };
        let worker = WorkerCommand::parbench("/nonexistent");
        let mut seen = Vec::new();
        let pass = run_pass(&[set], &budget, &worker, 0, |n| seen.push(n.to_string())).unwrap();
        assert_eq!(seen, ["t"]);
        let modes = &pass.sets[0].modes;
        assert_eq!(modes.len(), 2);
        for m in modes {
            let rounds = m.arms[0].per_call_ns.len();
            assert!((1..=5).contains(&rounds));
            for a in &m.arms {
                assert_eq!(a.per_call_ns.len(), rounds, "{}", a.label);
                assert!(a.per_call_ns.iter().all(|&t| t > 0.0));
                let warm = usize::from(m.mode == Mode::Hot);
                assert_eq!(a.calls, rounds * (a.batch + warm));
            }
        }
        assert!(modes[1].arms.iter().all(|a| a.batch == 1), "cold: one call");
    }

    #[test]
    fn the_cold_mode_settles_with_untimed_rounds_first() {
        let set = PairSet {
            name: "t".to_string(),
            group: Group::Hash { bytes: 4096 },
            arms: vec![
                arm(BenchFunction::Sequential, 2),
                arm(BenchFunction::Threads, 2),
            ],
            modes: vec![Mode::Cold],
            processes: 1,
        };
        let gap = Duration::from_millis(5);
        let budget = PairsBudget {
            processes: 1,
            waiting_processes: 1,
            follow_up_processes: 0,
            per_set: Duration::ZERO,
            min_rounds: 2,
            max_rounds: 2,
            cold_gap: gap,
            cold_settle_rounds: 3,
            hot_batch: Duration::ZERO,
        };
        let worker = WorkerCommand::parbench("/nonexistent");
        let start = Instant::now();
        let pass = run_pass(&[set], &budget, &worker, 0, |_| {}).unwrap();
        let took = start.elapsed();
        let cold = &pass.sets[0].modes[0];
        assert!(
            cold.arms
                .iter()
                .all(|a| a.per_call_ns.len() == 2 && a.calls == 2)
        );
        // A sleep never ends early: two arms, each after the gap, in the settling rounds
        // and the timed ones.
        assert!(
            took >= gap * (2 * (budget.cold_settle_rounds + 2)) as u32,
            "{took:?}: the settling rounds ran"
        );
    }
}
