//! CPython, measured: do Python's own threads, pools and asyncio help, with the GIL and
//! without it, where parbench's Rust strategies and its simulated GIL do?
//!
//! Run with: `cargo bench --bench python`. It measures `python3` and a free-threaded build
//! (`python3.14t`/`python3.13t` on `PATH`, or the one `scripts/free-threaded-python.sh` built
//! into `~/.cache/parbench`), the free-threaded one twice: with the GIL off and with it forced
//! back on (`-X gil=1`, as `PYTHON_GIL=1`). `PARBENCH_PYTHON=/path/a:/path/b` measures the
//! interpreters it lists instead.
//!
//! Measures, inside CPython (`time.perf_counter_ns`, interpreter start-up outside the timing),
//! N tasks that sleep (`time.sleep` / `asyncio.sleep`, as long as a Rust sleep task), hash
//! (`hashlib.sha256` over 4 MiB each, about 2 ms) or loop (pure Python, sized at start-up on
//! the first interpreter to take as long as one hash task) on the CPython strategies:
//! sequential, a thread per task, a `ThreadPoolExecutor`, `multiprocessing.Pool` started
//! inside the timed run and a warm one, one `asyncio` loop, and `asyncio.to_thread`; and empty
//! tasks on sequential, threads and the thread pool (`py-overhead`: what starting a thread
//! costs on each interpreter). Criterion gets the sum of the times Python measured
//! (`iter_custom`); every reply's outputs are checked against parbench's own Rust computation,
//! so a wrong answer fails the bench. Expected with the GIL on: threads overlap sleeps;
//! hashlib threads scale (hashlib releases the GIL on large buffers); pure-Python loops gain
//! nothing from threads and need processes. Without the GIL: pure-Python threads scale
//! towards the cores, and each loop runs somewhat slower than on the GIL build.
//!
//! Then the verdict points (sleep, hash and loop at the largest task count) are measured
//! again as pairs (`parbench::python::pairs`): sequential and every strategy once per round in
//! a random order, in several passes that each start the interpreters afresh; the page takes
//! CPython's speedups from them (`parbench-python-pairs.json`) and its times from Criterion.
//!
//! Without an interpreter the bench says how to enable it and exits successfully; a broken
//! one is named in a one-line error and the others are still measured (one that dies mid-run
//! keeps the benchmarks it finished; the one it died in is discarded); the record beside
//! Criterion's data (`parbench-python.json`) tells the page who was measured and why a part is
//! missing.
//!
//! IDs: `py-sleep-<duration>@<interpreter>/<strategy>/<tasks>`, `py-hash-<bytes>@…`,
//! `py-loop-<steps>@…`, `py-overhead@…`; the interpreter is `3.11`, `3.13t` or `3.13t-gil`.

mod support;

use std::path::Path;

use criterion::{BenchmarkId, Criterion, SamplingMode, Throughput};
use parbench::bench_id::{BenchFunction, BenchId};
use parbench::pairs::{PYTHON_PAIRS_FILE, PairsBudget, PairsRecord, PassResult};
use parbench::python::pairs::PySet;
use parbench::python::{
    self, CPYTHON_STRATEGIES, Interpreter, PyScenario, PyTask, PythonRecord, Session, Slot,
};
use parbench::records::criterion_dir;
use parbench::report::analysis;
use parbench::suite::Plan;

/// The strategies of the empty tasks: inline, a thread per task, a thread pool.
const OVERHEAD_STRATEGIES: &[BenchFunction] = &[
    BenchFunction::Sequential,
    BenchFunction::Threads,
    BenchFunction::ThreadPool,
];

/// Measures every CPython task on every CPython strategy of every interpreter, for each task
/// count of the plan.
fn cpython(c: &mut Criterion, plan: &Plan) {
    let counts = plan.python_tasks();
    if counts.is_empty() {
        return;
    }
    // Listing the benchmarks or running them once as tests waits less for a silent program.
    let hello_timeout = if support::measuring() {
        python::HELLO_TIMEOUT
    } else {
        python::HELLO_TIMEOUT_CHECK
    };
    forget_pairs();
    let interpreters = python::interpreters_from_env();
    let mut session = Session::start(&interpreters, hello_timeout);
    for message in &session.messages {
        eprintln!("{message}");
    }
    for slot in session.slots() {
        let record = slot.record();
        let info = &record.info;
        eprintln!(
            "parbench: measuring {} {} as {} (GIL {}) at {}",
            info.implementation,
            info.version,
            record.tag,
            info.gil.name(),
            info.executable
        );
        for skip in &record.skipped {
            eprintln!(
                "parbench: CPython {} skipped on {}: {}",
                skip.strategy, record.tag, skip.reason
            );
        }
    }
    let hash_bytes = plan.python_hash_bytes();
    let loop_iterations = plan.python_loop_iterations();
    if let Some(record) = session.nothing_measured() {
        if let PythonRecord::Missing { hint } = &record {
            eprintln!(
                "parbench: python bench skipped: no python3 on PATH; to measure CPython, {hint}"
            );
        }
        record_outcome(&record);
        return;
    }
    let tasks = [
        PyTask::Sleep {
            duration: plan.python_sleep_duration(),
        },
        PyTask::Hash { bytes: hash_bytes },
        PyTask::Loop {
            iterations: loop_iterations,
        },
        PyTask::Empty,
    ];
    let timing = plan.python_timing();
    for task in tasks {
        let strategies = match task {
            PyTask::Empty => OVERHEAD_STRATEGIES,
            _ => CPYTHON_STRATEGIES,
        };
        // Interpreter after interpreter within each kind of task, so a slow stretch of the
        // machine does not land on one interpreter's every measurement.
        for slot in session.slots_mut().iter_mut().filter(|s| s.alive()) {
            let mut group = c.benchmark_group(task.group(slot.tag()).to_string());
            group
                .sample_size(timing.sample_size)
                .warm_up_time(timing.warm_up)
                .measurement_time(timing.measurement)
                .sampling_mode(SamplingMode::Flat);
            for &count in &counts {
                if let PyTask::Hash { bytes } = task {
                    group.throughput(Throughput::Bytes(bytes * count as u64));
                }
                // Built before timing: parbench's own outputs for these tasks.
                let expected = task
                    .expected_outputs(count)
                    .unwrap_or_else(|e| abandon(slot, e));
                for &function in strategies {
                    if !slot.alive() {
                        break;
                    }
                    if python::unsupported(function, &slot.record().info).is_some() {
                        continue;
                    }
                    let scenario = PyScenario::new(
                        slot.tag(),
                        task,
                        function,
                        count,
                        plan.python_workers(count),
                    )
                    .unwrap_or_else(|e| abandon(slot, e));
                    let id = BenchmarkId::new(function.name(), count);
                    group.bench_function(id, |b| {
                        b.iter_custom(|iters| {
                            slot.measure(&scenario, iters, &expected)
                                .unwrap_or_else(|e| abandon(slot, e))
                        })
                    });
                }
            }
            group.finish();
            // What the report needs beside the ID: each task count's pool size.
            let workers: std::collections::BTreeMap<String, usize> = counts
                .iter()
                .map(|&n| (n.to_string(), plan.python_workers(n)))
                .collect();
            support::record_group(
                &task.group(slot.tag()),
                [("workers_by_tasks".to_string(), serde_json::json!(workers))]
                    .into_iter()
                    .collect(),
            );
            if let Some(id) = slot.take_died_in() {
                discard(&id);
            }
            // The warm pool's idle workers and helper threads should not share the machine
            // with the next group's timings.
            if let Some(message) = slot.close_pools() {
                eprintln!("error: python bench: {message}");
            }
        }
    }
    // The verdict points again, as pairs: on the interpreters that lived through the groups.
    let paired = python::pairs::sets(plan, &session, &tasks[..3]).unwrap_or_else(|e| {
        session.kill();
        support::exit_with(&e)
    });
    let record = session.finish(hash_bytes, loop_iterations, counts);
    if let PythonRecord::Measured {
        free_threaded_hint: Some(hint),
        ..
    } = &record
    {
        eprintln!("parbench: without the GIL not measured: {hint}");
    }
    record_outcome(&record);
    measure_pairs(plan, &interpreters, hello_timeout, &paired);
}

/// Measures `sets` in passes, each over freshly started interpreters, and records the paired
/// speedups for the page; when not measuring, one round of each set checks every output.
fn measure_pairs(
    plan: &Plan,
    interpreters: &[Interpreter],
    hello_timeout: std::time::Duration,
    sets: &[PySet],
) {
    if sets.is_empty() || std::env::args().any(|a| a == "--list") {
        return;
    }
    let budget = if support::measuring() {
        python::pairs::budget(plan)
    } else {
        PairsBudget {
            processes: 1,
            follow_up_processes: 0,
            per_set: std::time::Duration::ZERO,
            min_rounds: 1,
            max_rounds: 1,
            ..python::pairs::budget(plan)
        }
    };
    let mut passes = Vec::new();
    for index in 0..budget.processes {
        support::canary(&format!("before CPython pairs pass {}", index + 1));
        eprintln!(
            "parbench: CPython pairs, pass {} of {} ({} sets, interpreters started afresh)",
            index + 1,
            budget.processes,
            sets.len()
        );
        passes.push(fresh_pass(
            interpreters,
            hello_timeout,
            sets,
            &budget,
            index,
        ));
    }
    if !support::measuring() || passes.is_empty() {
        return;
    }
    let shapes: Vec<_> = sets.iter().map(PySet::shape).collect();
    let gap_ms = budget.cold_gap.as_secs_f64() * 1e3;
    // The sets with a verdict more rounds could still decide get further passes.
    let open = analysis::open_sets(&PairsRecord::combine(&shapes, &passes, gap_ms));
    let follow: Vec<PySet> = sets
        .iter()
        .filter(|s| open.contains(&s.name))
        .cloned()
        .collect();
    for k in 0..if follow.is_empty() {
        0
    } else {
        budget.follow_up_processes
    } {
        support::canary(&format!("before CPython pairs follow-up {}", k + 1));
        eprintln!(
            "parbench: CPython pairs, follow-up {} of {} for {} sets with an open verdict ({})",
            k + 1,
            budget.follow_up_processes,
            follow.len(),
            open.join(", ")
        );
        let index = budget.processes + k;
        passes.push(fresh_pass(
            interpreters,
            hello_timeout,
            &follow,
            &budget,
            index,
        ));
    }
    let record = PairsRecord::combine(&shapes, &passes, gap_ms);
    let dir = criterion_dir(Path::new(env!("CARGO_MANIFEST_DIR")));
    if let Err(error) = record.save_python(&dir) {
        eprintln!("warning: CPython's paired speedups are not recorded: {error}");
    }
}

/// Pass `index` over `sets` on freshly started `interpreters`; a wrong answer ends the bench.
fn fresh_pass(
    interpreters: &[Interpreter],
    hello_timeout: std::time::Duration,
    sets: &[PySet],
    budget: &PairsBudget,
    index: usize,
) -> PassResult {
    let mut session = Session::start(interpreters, hello_timeout);
    match python::pairs::run_pass(&mut session, sets, budget, index) {
        Ok(pass) => {
            session.close();
            pass
        }
        Err(error) => {
            session.kill();
            eprintln!("error: python bench stopped: {error}");
            std::process::exit(1);
        }
    }
}

/// Removes an earlier run's CPython pairs, so that a run that stops before its own does not
/// leave them to the page.
fn forget_pairs() {
    if !support::measuring() {
        return;
    }
    let file = criterion_dir(Path::new(env!("CARGO_MANIFEST_DIR"))).join(PYTHON_PAIRS_FILE);
    if let Err(error) = std::fs::remove_file(&file)
        && error.kind() != std::io::ErrorKind::NotFound
    {
        eprintln!(
            "warning: {} is left from an earlier run: {error}",
            file.display()
        );
    }
}

/// Removes the Criterion data of benchmark `id`, which an interpreter died in: Criterion got a
/// placeholder time for it.
fn discard(id: &BenchId) {
    if !support::measuring() {
        return;
    }
    let dir = criterion_dir(Path::new(env!("CARGO_MANIFEST_DIR")))
        .join(id.group.to_string())
        .join(id.function.name())
        .join(id.value.to_string());
    if let Err(error) = std::fs::remove_dir_all(&dir)
        && error.kind() != std::io::ErrorKind::NotFound
    {
        eprintln!(
            "warning: the placeholder of {id} is left in {}: {error}",
            dir.display()
        );
    }
}

/// Ends the bench on a wrong answer: stops the driver and its pools, says why in one line,
/// records it for the page and exits with failure.
fn abandon(slot: &mut Slot, error: parbench::Error) -> ! {
    slot.kill();
    eprintln!("error: python bench stopped: {error}");
    record_outcome(&PythonRecord::Broken {
        program: slot.record().program.clone(),
        error: error.to_string(),
    });
    if support::measuring() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        if let Err(error) = parbench::report::generate(&criterion_dir(root), &root.join("reports"))
        {
            eprintln!("parbench: no summary written: {error}");
        }
    }
    std::process::exit(1);
}

/// Saves `record` beside Criterion's data when measuring (not in test or list mode).
fn record_outcome(record: &PythonRecord) {
    if !support::measuring() {
        return;
    }
    let dir = criterion_dir(Path::new(env!("CARGO_MANIFEST_DIR")));
    if let Err(error) = record.save(&dir) {
        eprintln!("warning: the page will not name the Python interpreters: {error}");
    }
}

fn main() {
    support::main(&[cpython]);
}
