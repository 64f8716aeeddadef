//! Real blocking I/O: files and sockets instead of sleeping.
//!
//! Run with: `cargo bench --bench real_io`
//!
//! `file`: each task writes 1 MiB to a fresh file in a temporary directory, fsyncs it, reads it
//! back and hashes it. `net`: each task sends one request over loopback TCP to a local server
//! (started by parbench before timing) that answers after 10 ms, like a slow remote service.
//! Expected: `net` behaves like sleeping — waits overlap on threads, the GIL and the event
//! loops; `file` depends on the disk: fsyncs may or may not overlap, and the report says which.
//!
//! IDs: `file-<bytes>/<strategy>/<tasks>`, `net-<duration>/<strategy>/<tasks>`.

mod support;

use criterion::{Criterion, Throughput};
use parbench::bench_id::Group;
use parbench::suite::Plan;
use parbench::workload::{TaskSet, Workload};

/// Measures file tasks on each strategy as the task count grows.
fn files(c: &mut Criterion, plan: &Plan) {
    let bytes = plan.file_bytes();
    let id_group = Group::File { bytes };
    let mut group = support::SuiteGroup::new(c, id_group, plan.slow_timing());
    for tasks in plan.file_tasks() {
        // Built before timing: inputs, expected digests and the scratch directory.
        let set = TaskSet::new(Workload::File { bytes }, tasks).expect("valid file tasks");
        group.throughput(Throughput::Bytes(bytes * tasks as u64));
        group.run(plan.real_io_strategies(), tasks as u64, &set);
    }
    group.finish();
}

/// Measures requests to a slow loopback server on each strategy as the task count grows.
fn sockets(c: &mut Criterion, plan: &Plan) {
    let duration = plan.net_duration();
    let id_group = Group::Net { duration };
    let mut group = support::SuiteGroup::new(c, id_group, plan.slow_timing());
    for tasks in plan.net_tasks() {
        // Built before timing: the expected replies and the server, listening.
        let set = TaskSet::new(Workload::Net { duration }, tasks).expect("valid net tasks");
        group.run(plan.real_io_strategies(), tasks as u64, &set);
    }
    group.finish();
}

fn main() {
    support::main(&[files, sockets]);
}
