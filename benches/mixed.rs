//! Mixed tasks: computing, then waiting — where between the two lessons does a task fall?
//!
//! Run with: `cargo bench --bench mixed`
//!
//! Each task hashes, then sleeps, like a request handler that parses a request and then waits
//! on a database. A task's total cost stays 10 ms while its waiting share sweeps 0 %, 25 %,
//! 50 %, 75 %, 100 %; the hashing part's size comes from this machine's measured hash speed.
//! Expected: `threads` near the task count when waiting dominates and near the core count when
//! computing does; `gil` and the one-thread `async` loop gain only on the waiting share.
//!
//! IDs: `mixed-<total>-n<tasks>/<strategy>/<waiting percent>`.

mod support;

use criterion::Criterion;
use parbench::bench_id::Group;
use parbench::suite::Plan;
use parbench::workload::{TaskSet, Workload, hashing_rate};

/// Measures mixed tasks on each in-process strategy as the waiting share grows.
fn waiting_shares(c: &mut Criterion, plan: &Plan) {
    let shares = plan.mixed_shares();
    if shares.is_empty() {
        return;
    }
    let (total, tasks) = (plan.mixed_total(), plan.mixed_tasks());
    let rate = hashing_rate();
    let id_group = Group::Mixed { total, tasks };
    let mut group = support::SuiteGroup::new(c, id_group, plan.slow_timing());
    let mut hashed = std::collections::BTreeMap::new();
    for percent in shares {
        let duration = total.mul_f64(percent as f64 / 100.0);
        let bytes = plan.mixed_hash_bytes(percent, rate);
        if support::measuring() {
            eprintln!(
                "parbench: {percent} % waiting = hash {bytes} bytes ({:.0} MB/s here), then wait {:?}",
                rate / 1e6,
                duration
            );
        }
        hashed.insert(percent.to_string(), bytes);
        let workload = Workload::Mixed { bytes, duration };
        // Built before timing: every task's input and the expected digests.
        let set = TaskSet::new(workload, tasks).expect("valid mixed tasks");
        group.run(plan.mixed_strategies(), percent, &set);
    }
    group.setting("hash_bytes_rate_per_second", rate);
    group.setting("hash_bytes_by_waiting_percent", hashed);
    group.finish();
}

fn main() {
    support::main(&[waiting_shares]);
}
