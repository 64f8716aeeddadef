//! CPU-bound tasks: does computing scale with threads?
//!
//! Run with: `cargo bench --bench cpu_bound`
//!
//! Measures how long N tasks that each SHA-256 1 MiB (256 KiB in `quick`) take on every
//! strategy, for N = 1, 2, 8, the logical cores, 2 × and 8 × the cores. Expected: the speedup over
//! `sequential` rises to about the core count and then stops — oversubscription buys nothing;
//! processes pay for spawning and for moving each input through a pipe; `gil` and the
//! one-thread `async` loop gain nothing, as in Python. Criterion reports the
//! throughput in bytes hashed per second.
//!
//! IDs: `hash-<bytes>/<strategy>/<tasks>`.

mod support;

use criterion::{Criterion, Throughput};
use parbench::bench_id::Group;
use parbench::suite::Plan;
use parbench::workload::{TaskSet, Workload};

/// Measures how long N hash tasks take on each strategy.
fn hash_tasks(c: &mut Criterion, plan: &Plan) {
    let bytes = plan.hash_bytes();
    let id_group = Group::Hash { bytes };
    let mut group = support::SuiteGroup::new(c, id_group, plan.fast_timing());
    for tasks in plan.hash_tasks() {
        // Built before timing: every task's input and the expected digests.
        let set = TaskSet::new(Workload::Hash { bytes }, tasks).expect("valid hash tasks");
        group.throughput(Throughput::Bytes(bytes * tasks as u64));
        group.run(plan.hash_strategies(), tasks as u64, &set);
    }
    group.finish();
}

fn main() {
    support::main(&[hash_tasks]);
}
