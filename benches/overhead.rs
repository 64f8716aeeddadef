//! What does a task cost before it does anything, and what does moving its input cost?
//!
//! Run with: `cargo bench --bench overhead`
//!
//! Measures empty tasks at 1, the cores, 4 × and 16 × the cores on every strategy; the report
//! fits `T(N) = fixed + per_task × N` to each strategy's points (`parbench::costs`) and sets
//! the cost per task beside its primitive (`cargo bench --bench primitives`). Every strategy
//! but `processes` also runs 1024 empty tasks: a thousand live threads cost more each than the
//! line says, a slope fitted on a few dozen tasks is too uncertain to multiply by a thousand,
//! and the model uses the cost per task past the line for more tasks than its last count. Then tasks that
//! receive an input and do not hash it, on the process strategies, over input sizes: the
//! slope is what moving one byte to a worker costs. Expected: nanoseconds per task for
//! `sequential`, microseconds for threads, rayon, the GIL, the event loops and a warm pool, a
//! millisecond or so for a process; about a nanosecond per byte through a pipe.
//!
//! IDs: `overhead/<strategy>/<tasks>` and `receive-n<tasks>/<strategy>/<bytes>`.

mod support;

use criterion::{Criterion, Throughput};
use parbench::bench_id::Group;
use parbench::suite::Plan;
use parbench::workload::{TaskSet, Workload};

/// Measures empty tasks on each strategy at each task count of the plan.
fn empty_tasks(c: &mut Criterion, plan: &Plan) {
    let counts = plan.overhead_tasks();
    if counts.is_empty() {
        return;
    }
    let mut group = support::SuiteGroup::new(c, Group::Overhead, plan.cost_timing());
    for tasks in counts {
        let set = TaskSet::new(Workload::Noop, tasks).expect("valid noop tasks");
        group.run(plan.overhead_strategies(), tasks as u64, &set);
    }
    if let Some(tasks) = plan.many_tasks() {
        let set = TaskSet::new(Workload::Noop, tasks).expect("valid noop tasks");
        group.run(plan.many_tasks_strategies(), tasks as u64, &set);
    }
    group.finish();
}

/// Measures moving inputs of growing size to worker processes that only count them.
fn input_transfer(c: &mut Criterion, plan: &Plan) {
    let sizes = plan.receive_bytes();
    if sizes.is_empty() {
        return;
    }
    let tasks = plan.receive_tasks();
    let mut group = support::SuiteGroup::new(c, Group::Receive { tasks }, plan.cost_timing());
    for bytes in sizes {
        group.throughput(Throughput::Bytes(bytes * tasks as u64));
        let set = TaskSet::new(Workload::Receive { bytes }, tasks).expect("valid receive tasks");
        group.run(plan.receive_strategies(), bytes, &set);
    }
    group.finish();
}

fn main() {
    support::main(&[empty_tasks, input_transfer]);
}
