//! Task size: where does each strategy start to beat `sequential`?
//!
//! Run with: `cargo bench --bench break_even`
//!
//! Measures 2 × logical-cores hash tasks while the bytes per task grow from 1 KiB to 4 MiB.
//! Expected: for tiny tasks the per-task overhead (a thread spawn, a process spawn, a pipe
//! transfer) dominates and parallel strategies lose; as tasks grow each one crosses
//! `sequential` — threads and rayon early, processes late. The overhead bench explains where.
//!
//! IDs: `hash-size-n<tasks>/<strategy>/<bytes>`.

mod support;

use criterion::{Criterion, Throughput};
use parbench::bench_id::Group;
use parbench::suite::Plan;
use parbench::workload::{TaskSet, Workload};

/// Measures a fixed number of hash tasks on each strategy as the task size grows.
fn hash_sizes(c: &mut Criterion, plan: &Plan) {
    let tasks = plan.break_even_tasks();
    let id_group = Group::HashSize { tasks };
    let mut group = support::SuiteGroup::new(c, id_group, plan.fast_timing());
    for bytes in plan.break_even_bytes() {
        // Built before timing: every task's input and the expected digests.
        let set = TaskSet::new(Workload::Hash { bytes }, tasks).expect("valid hash tasks");
        group.throughput(Throughput::Bytes(bytes * tasks as u64));
        group.run(plan.break_even_strategies(), bytes, &set);
    }
    group.finish();
}

fn main() {
    support::main(&[hash_sizes]);
}
