//! Paired speedups: every ratio the page draws a conclusion from is measured as a ratio.
//!
//! Two Criterion means measured minutes apart divide whatever the machine did in between: on
//! a shared VM its speed drifts by tens of percent over minutes, and a speedup of two means
//! can come out above the core count. Here a [`PairSet`] holds the baseline and the arms
//! compared with it on the same tasks; a *round* runs each of them once, in a random order,
//! so whatever the machine does in a given second hits both sides of every ratio. The
//! speedup is the geometric mean of the per-round ratios ([`estimate`]), measured
//!
//! - **hot** ([`Mode::Hot`]): each side called back to back in a batch after an untimed call,
//!   as Criterion does — a pool's workers stay awake; and
//! - **cold** ([`Mode::Cold`]): one call after an idle gap — a pool's workers asleep, as an
//!   occasional call in a program finds them;
//!
//! in several processes (the variation between processes is real and is in the interval).
//! The `pairs` bench runs the passes and writes a [`PairsRecord`]; the report takes its
//! speedups, verdicts and matrix from it.

mod counters;
pub mod estimate;
mod plan;
mod record;
mod rounds;

use serde::{Deserialize, Serialize};

use crate::bench_id::{BenchFunction, Group};
use crate::workload::Workload;

pub use counters::Counters;
pub use plan::{
    FOLLOW_UP_TIME_FACTOR, PROCESS_ARMS_SUFFIX, PairsBudget, RAW_SCALING, WORKING_SET, follow_up,
    sets,
};
pub use record::{
    ArmResult, ArmShape, PAIRS_FILE, PYTHON_PAIRS_FILE, PairsRecord, SetResult, SetShape,
};
pub use rounds::{ArmPass, ModePass, PassResult, SetPass, WARM_CALL_BELOW, rounds_for, run_pass};

/// How each side of a pair is called.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Mode {
    /// Back to back in a tight loop, after an untimed call: a pool's workers awake.
    Hot,
    /// One call after an idle gap: a pool's workers asleep.
    Cold,
}

impl Mode {
    /// How the page says it: `in a loop`, `after a pause`.
    pub fn phrase(self) -> &'static str {
        match self {
            Mode::Hot => "in a loop",
            Mode::Cold => "after a pause",
        }
    }
}

/// What an arm runs.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum ArmKind {
    /// A benchmark function of the suite (a strategy or a bench variant), with its workers.
    Function {
        /// The function.
        function: BenchFunction,
        /// Its worker count, where the arm sets one.
        workers: Option<usize>,
    },
    /// `threads` bare scoped threads, each hashing one task's input: the raw compute scaling.
    BareThreads {
        /// How many threads.
        threads: usize,
    },
}

/// One side of the comparisons of a [`PairSet`].
#[derive(Clone, Debug, PartialEq)]
pub struct Arm {
    /// A short label: the benchmark ID it stands for, or a description.
    pub label: String,
    /// The suite benchmark this arm measures again, paired (`group/function/value`), if any.
    pub bench_id: Option<String>,
    /// What it runs.
    pub kind: ArmKind,
    /// The tasks' workload.
    pub workload: Workload,
    /// How many tasks one call runs.
    pub tasks: usize,
    /// How much work one call does, in any unit common to the set (bytes hashed): ratios are
    /// of time per unit of work, so arms doing different amounts compare fairly.
    pub work: f64,
}

/// A baseline and the arms compared with it, measured in rounds.
#[derive(Clone, Debug, PartialEq)]
pub struct PairSet {
    /// The set's name, unique in a run, e.g. `hash-1MiB@16`.
    pub name: String,
    /// The suite group its arms belong to (or stand beside).
    pub group: Group,
    /// The baseline (first) and the compared arms.
    pub arms: Vec<Arm>,
    /// The modes it is measured in.
    pub modes: Vec<Mode>,
    /// In how many of the run's processes it is measured (the first ones): waiting sets,
    /// whose ratios ride on timers rather than on the machine's speed, take fewer.
    pub processes: usize,
}

impl PairSet {
    /// The baseline arm.
    pub fn baseline(&self) -> &Arm {
        &self.arms[0]
    }
}
