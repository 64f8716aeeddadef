//! I/O-bound tasks: do waits overlap?
//!
//! Run with: `cargo bench --bench io_bound` (`PARBENCH_PROFILE=seed` for the seed's example).
//!
//! Measures how long N tasks that each sleep 10 ms (1 s in the `seed` profile) take on every
//! strategy, for N from 1 to 64 and 4 × the logical cores. Expected: `threads`, `rayon-n`,
//! `gil` (it releases its lock while waiting), `async` and `async-multi` stay near one sleep,
//! `processes` too plus its start-up cost; `sequential` grows as N × sleep;
//! `rayon` on its CPU-sized global pool and `process-pool` with one worker per CPU grow as
//! N / cores × sleep — blocking in a compute pool is the trap.
//!
//! IDs: `sleep-<duration>/<strategy>/<tasks>`.

mod support;

use criterion::Criterion;
use parbench::bench_id::Group;
use parbench::suite::Plan;
use parbench::workload::{TaskSet, Workload};

/// Measures how long N sleeping tasks take on each strategy.
fn sleep_tasks(c: &mut Criterion, plan: &Plan) {
    let duration = plan.sleep_duration();
    let id_group = Group::Sleep { duration };
    let mut group = support::SuiteGroup::new(c, id_group, plan.slow_timing());
    let strategies = plan.sleep_strategies();
    for tasks in plan.sleep_tasks() {
        // Built before timing: the tasks and their expected outputs.
        let set = TaskSet::new(Workload::Sleep { duration }, tasks).expect("valid sleep tasks");
        group.run(strategies, tasks as u64, &set);
    }
    group.finish();
}

fn main() {
    support::main(&[sleep_tasks]);
}
