//! The cost of the primitives: what does one task cost before it does anything?
//!
//! Run with: `cargo bench --bench overhead`
//!
//! Measures running one empty task: spawning and joining a thread, a rayon job, spawning a
//! process (the worker doing nothing), a round trip through a warm process pool, and starting
//! plus shutting down a whole pool. Expected: nanoseconds for `sequential`, microseconds for
//! threads, rayon, the GIL, the event loops and a warm pool, a millisecond or more for a
//! process. These explain the
//! break-even sizes.
//!
//! IDs: `overhead/<strategy>/<tasks>`.

mod support;

use criterion::Criterion;
use parbench::bench_id::Group;
use parbench::suite::Plan;
use parbench::workload::{TaskSet, Workload};

/// One empty task: its whole cost is the strategy's overhead.
const TASKS: usize = 1;

/// Measures one empty task on each strategy.
fn empty_task(c: &mut Criterion, plan: &Plan) {
    if !plan.runs_overhead() {
        return;
    }
    let mut group = support::SuiteGroup::new(c, Group::Overhead, plan.fast_timing());
    let set = TaskSet::new(Workload::Noop, TASKS).expect("valid noop task");
    group.run(plan.hash_strategies(), TASKS as u64, &set);
    group.finish();
}

fn main() {
    support::main(&[empty_task]);
}
