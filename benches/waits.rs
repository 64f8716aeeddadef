//! Many waits: where do threads start to cost, and what does an event loop save?
//!
//! Run with: `cargo bench --bench waits`
//!
//! Measures 100, 1,000 and 10,000 tasks that each sleep 50 ms, on one OS thread per task and
//! on tokio's event loops. Besides Criterion's times it records each point's peak memory (one
//! extra run outside the timing) in `parbench-memory.json` beside Criterion's data. Expected:
//! all stay near 50 ms at 100 tasks; at 10,000, threads pay for creating and scheduling that
//! many OS threads (time and memory) while the event loops barely notice.
//!
//! IDs: `waits-<duration>/<strategy>/<tasks>`.

mod support;

use std::path::Path;
use std::time::Instant;

use criterion::Criterion;
use parbench::bench_id::{BenchId, Group};
use parbench::measure::{PeakRss, resident_bytes};
use parbench::records::{MemoryRecord, criterion_dir};
use parbench::suite::Plan;
use parbench::workload::{TaskSet, Workload};

use support::Runner;

/// Runs `tasks` once on `runner` and records its peak memory (not timed by Criterion).
fn memory_of(id: &BenchId, runner: &mut Runner, tasks: &TaskSet) -> MemoryRecord {
    let rss_before_bytes = resident_bytes().unwrap_or(0);
    let peak = PeakRss::start();
    let start = Instant::now();
    let outputs = runner.run(tasks).unwrap_or_else(|e| panic!("{id}: {e}"));
    let wall_seconds = start.elapsed().as_secs_f64();
    let peak_rss_bytes = peak.finish().unwrap_or(0);
    tasks
        .verify(id.function.name(), &outputs)
        .unwrap_or_else(|e| panic!("{id}: {e}"));
    MemoryRecord {
        id: id.to_string(),
        rss_before_bytes,
        peak_rss_bytes,
        wall_seconds,
    }
}

/// Measures many sleeping tasks on threads and on event loops, with their peak memory.
fn many_waits(c: &mut Criterion, plan: &Plan) {
    let counts = plan.waits_tasks();
    if counts.is_empty() {
        return;
    }
    let duration = plan.waits_duration();
    let id_group = Group::Waits { duration };
    let dir = criterion_dir(Path::new(env!("CARGO_MANIFEST_DIR")));
    if support::measuring() {
        // A corrupt memory file stops the bench before minutes of measuring, naming the file.
        if let Err(error) = MemoryRecord::read_all(&dir) {
            support::exit_with(&error);
        }
    }
    let mut records = Vec::new();
    let mut group = support::SuiteGroup::new(c, id_group, plan.slow_timing());
    for tasks in counts {
        // Built before timing: the tasks and their expected outputs.
        let set = TaskSet::new(Workload::Sleep { duration }, tasks).expect("valid sleep tasks");
        if support::measuring() {
            for &name in plan.waits_strategies() {
                let id = BenchId::new(id_group, name, tasks as u64);
                records.push(memory_of(
                    &id,
                    &mut support::runner(name, tasks, None),
                    &set,
                ));
            }
        }
        group.run(plan.waits_strategies(), tasks as u64, &set);
    }
    group.finish();
    if !records.is_empty()
        && let Err(error) = MemoryRecord::save_all(&dir, &records)
    {
        support::exit_with(&error);
    }
}

fn main() {
    support::main(&[many_waits]);
}
