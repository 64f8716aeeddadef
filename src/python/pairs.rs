//! CPython's verdict points measured as pairs, as [`crate::pairs`] measures Rust's.
//!
//! For each interpreter and each task (sleep, hash, loop), sequential and every other CPython
//! strategy the interpreter runs take the same tasks at the verdicts' task count, once each
//! per round in a random order, so that a slow second of the machine hits both sides of every
//! ratio. Each call is timed inside Python; a call shorter than
//! [`WARM_CALL_BELOW`](crate::pairs::WARM_CALL_BELOW) gets an untimed run right before it (the
//! hot mode of the Rust pairs: pools awake). Each pass starts the interpreters afresh, because
//! the variation between processes is real; the passes combine as the Rust ones do
//! ([`PairsRecord::combine`](crate::pairs::PairsRecord::combine)).

use std::time::Duration;

use super::{PyScenario, PyTag, PyTask, Session, unsupported};
use crate::bench_id::BenchFunction;
use crate::error::Result;
use crate::pairs::{
    ArmPass, ArmShape, Counters, Mode, ModePass, PairsBudget, PassResult, SetPass, SetShape,
    WARM_CALL_BELOW, rounds_for,
};
use crate::suite::{Plan, Profile};
use crate::workload::TaskOutput;

use super::CPYTHON_STRATEGIES;

/// How long CPython's pairs may take: `processes` passes (each over freshly started
/// interpreters), each giving every set `per_set` of rounds, within `min_rounds` and
/// `max_rounds`, then `follow_up_processes` passes over the sets whose verdict is still open.
/// Many short passes rather than a few long ones: the variation lives between interpreter
/// processes, and a Student-t interval over three process means is wide.
pub fn budget(plan: &Plan) -> PairsBudget {
    let rust = PairsBudget::of(plan);
    match plan.profile {
        // None in `quick`, to keep it within 90 s: its CPython verdicts divide Criterion's
        // means, and say so.
        Profile::Quick | Profile::Seed => PairsBudget {
            processes: 0,
            waiting_processes: 0,
            follow_up_processes: 0,
            per_set: Duration::ZERO,
            min_rounds: 1,
            max_rounds: 1,
            ..rust
        },
        // As many passes as the Rust computing sets get (fewer beyond the sizing cap).
        Profile::Default => PairsBudget {
            processes: rust.processes,
            waiting_processes: rust.processes,
            follow_up_processes: rust.follow_up_processes,
            per_set: Duration::from_millis(500),
            min_rounds: 2,
            max_rounds: 6,
            ..rust
        },
    }
}

/// One CPython set: sequential (first) and every other strategy one interpreter runs, on one
/// task at one task count.
#[derive(Clone, Debug)]
pub struct PySet {
    /// The set's name: the group and the task count, e.g. `py-hash-4MiB@3.11@8`.
    pub name: String,
    /// The interpreter.
    pub on: PyTag,
    /// Sequential, then the compared strategies.
    pub scenarios: Vec<PyScenario>,
    /// The outputs every strategy must give, computed by parbench in Rust.
    pub expected: Vec<TaskOutput>,
}

impl PySet {
    /// What [`PairsRecord::combine`](crate::pairs::PairsRecord::combine) needs of it: every
    /// arm the same work (the same tasks), each standing for its Criterion benchmark.
    pub fn shape(&self) -> SetShape {
        SetShape {
            name: self.name.clone(),
            modes: vec![Mode::Hot],
            arms: self
                .scenarios
                .iter()
                .map(|s| ArmShape {
                    label: s.function.name().to_string(),
                    bench_id: Some(s.id().to_string()),
                    work: 1.0,
                })
                .collect(),
        }
    }
}

/// The sets of a run: every task of `tasks` on every interpreter of `session` that is alive,
/// at the plan's largest CPython task count (where the verdicts are taken), on the strategies
/// each interpreter supports.
pub fn sets(plan: &Plan, session: &Session, tasks: &[PyTask]) -> Result<Vec<PySet>> {
    let Some(&count) = plan.python_tasks().iter().max() else {
        return Ok(Vec::new());
    };
    let workers = plan.python_workers(count);
    let mut out = Vec::new();
    for &task in tasks {
        let expected = task.expected_outputs(count)?;
        for slot in session.slots().iter().filter(|s| s.alive()) {
            let info = &slot.record().info;
            let functions = std::iter::once(BenchFunction::Sequential).chain(
                CPYTHON_STRATEGIES
                    .iter()
                    .copied()
                    .filter(|&f| f != BenchFunction::Sequential)
                    .filter(|&f| unsupported(f, info).is_none()),
            );
            let scenarios = functions
                .map(|f| PyScenario::new(slot.tag(), task, f, count, workers))
                .collect::<Result<Vec<_>>>()?;
            out.push(PySet {
                name: format!("{}@{count}", task.group(slot.tag())),
                on: slot.tag(),
                scenarios,
                expected: expected.clone(),
            });
        }
    }
    Ok(out)
}

/// One pass over `sets` in `session`'s interpreters (started for this pass): per set, one
/// untimed call of each strategy (it builds the pools and sizes the rounds), then rounds of
/// every strategy once in a random order; then the interpreter's pools are closed. A set whose
/// interpreter is missing or fails is left out of the pass; a wrong answer is an error.
/// `index` seeds the rounds' order.
pub fn run_pass(
    session: &mut Session,
    sets: &[PySet],
    budget: &PairsBudget,
    index: usize,
) -> Result<PassResult> {
    let mut rng = fastrand::Rng::with_seed(0x9e7_0000 + index as u64);
    let mut result = PassResult::default();
    for set in sets {
        let Some(slot) = session
            .slots_mut()
            .iter_mut()
            .find(|s| s.tag() == set.on && s.alive())
        else {
            continue;
        };
        let mut single = Vec::with_capacity(set.scenarios.len());
        for scenario in &set.scenarios {
            let Some(times) = slot.time_runs(scenario, 1, &set.expected)? else {
                break;
            };
            single.push(times[0]);
        }
        if single.len() < set.scenarios.len() {
            continue;
        }
        let warm: Vec<bool> = single.iter().map(|&t| t < WARM_CALL_BELOW).collect();
        let round: f64 = single
            .iter()
            .zip(&warm)
            .map(|(t, &w)| t.as_secs_f64() * if w { 2.0 } else { 1.0 })
            .sum();
        let rounds = rounds_for(budget, round);
        let mut arms: Vec<ArmPass> = set
            .scenarios
            .iter()
            .map(|s| ArmPass {
                label: s.function.name().to_string(),
                per_call_ns: Vec::with_capacity(rounds),
                batch: 1,
                counters: Counters::default(),
                calls: 0,
            })
            .collect();
        let mut order: Vec<usize> = (0..set.scenarios.len()).collect();
        let mut complete = true;
        'rounds: for _ in 0..rounds {
            rng.shuffle(&mut order);
            for &i in &order {
                // With an untimed run first, the timed one is the last of the two.
                let runs = 1 + u64::from(warm[i]);
                let Some(times) = slot.time_runs(&set.scenarios[i], runs, &set.expected)? else {
                    complete = false;
                    break 'rounds;
                };
                let timed = times.last().copied().unwrap_or_default();
                arms[i].per_call_ns.push(timed.as_nanos() as f64);
                arms[i].calls += 1;
            }
        }
        if let Some(message) = slot.close_pools() {
            eprintln!("error: python bench: {message}");
        }
        if !complete {
            continue;
        }
        result.sets.push(SetPass {
            name: set.name.clone(),
            modes: vec![ModePass {
                mode: Mode::Hot,
                arms,
            }],
        });
    }
    Ok(result)
}
