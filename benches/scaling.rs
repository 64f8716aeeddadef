//! Worker count: how far does hashing scale, and what would a bigger machine give?
//!
//! Run with: `cargo bench --bench scaling`
//!
//! Measures a fixed batch of hash tasks (2 × the largest worker count, 1 MiB each) while the
//! worker count grows in powers of two up to 2 × the logical cores: a rayon pool, the
//! simulated GIL with a pool of threads, tokio's multi-thread runtime and a warm process pool,
//! each sized to the worker count. The report fits Amdahl's serial fraction to each strategy's
//! speedup over its own one-worker time and predicts 8, 16 and 64 cores. Expected: rayon and
//! the process pool near-linear up to the core count; `gil` flat (serial fraction near 1).
//!
//! IDs: `hash-workers-<bytes>-n<tasks>/<strategy>/<workers>`.

mod support;

use criterion::{Criterion, Throughput};
use parbench::bench_id::Group;
use parbench::suite::Plan;
use parbench::workload::{TaskSet, Workload};

/// Measures the same hash tasks on each strategy as its worker count grows.
fn worker_counts(c: &mut Criterion, plan: &Plan) {
    let workers = plan.scaling_workers();
    if workers.is_empty() {
        return;
    }
    let (bytes, tasks) = (plan.scaling_bytes(), plan.scaling_tasks());
    let id_group = Group::HashWorkers { bytes, tasks };
    let mut group = support::SuiteGroup::new(c, id_group, plan.fast_timing());
    group.throughput(Throughput::Bytes(bytes * tasks as u64));
    // Built before timing: every task's input and the expected digests.
    let set = TaskSet::new(Workload::Hash { bytes }, tasks).expect("valid hash tasks");
    for w in workers {
        group.run_on(plan.scaling_strategies(), w as u64, &set, Some(w));
    }
    group.finish();
}

fn main() {
    support::main(&[worker_counts]);
}
