//! CPython, measured: do Python's own threads, pools and asyncio help, where parbench's Rust
//! strategies and its simulated GIL do?
//!
//! Run with: `cargo bench --bench python` (`PARBENCH_PYTHON=/path/to/python` measures another
//! interpreter than `python3` on `PATH`, e.g. a free-threaded 3.13t).
//!
//! Measures, inside CPython (`time.perf_counter_ns`, interpreter start-up outside the timing),
//! N tasks that sleep (`time.sleep` / `asyncio.sleep`, as long as a Rust sleep task), hash
//! (`hashlib.sha256` over the Rust hash sweep's inputs) or loop (pure Python holding the GIL,
//! sized at start-up to take as long as one hash task) on the CPython strategies: sequential,
//! a thread per task, a `ThreadPoolExecutor`, `multiprocessing.Pool` started inside the timed
//! run and a warm one, one `asyncio` loop, and `asyncio.to_thread`. Criterion gets the sum of
//! the times Python measured (`iter_custom`); every reply's outputs are checked against
//! parbench's own Rust computation, so a wrong answer fails the bench. Expected with the GIL
//! on: threads overlap sleeps; hashlib threads scale (hashlib releases the GIL on large
//! buffers); pure-Python loops gain nothing from threads and need processes.
//!
//! Without an interpreter the bench says how to enable it and exits successfully; a broken
//! one is named in a one-line error, the rest of the suite still runs, and the record beside
//! Criterion's data (`parbench-python.json`) tells the page why the section is missing.
//!
//! IDs: `py-sleep-<duration>/<strategy>/<tasks>`, `py-hash-<bytes>/<strategy>/<tasks>`,
//! `py-loop-<steps>/<strategy>/<tasks>`.

mod support;

use std::path::Path;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, SamplingMode, Throughput};
use parbench::python::{
    self, CPYTHON_STRATEGIES, PyScenario, PyTask, PythonDriver, PythonRecord, SkippedStrategy,
};
use parbench::records::criterion_dir;
use parbench::suite::Plan;

/// Loop steps timed at start-up to size the loop task (a few milliseconds of pure Python).
const LOOP_PROBE: u64 = 100_000;
/// Best of how many calibration rounds.
const CALIBRATION_ROUNDS: u32 = 3;

/// Measures every CPython task on every CPython strategy, for each task count of the plan.
fn cpython(c: &mut Criterion, plan: &Plan) {
    let counts = plan.python_tasks();
    if counts.is_empty() {
        return;
    }
    let mut driver = match python::start_from_env() {
        Ok(Some(driver)) => driver,
        Ok(None) => {
            eprintln!(
                "parbench: python bench skipped: no python3 on PATH; to measure CPython, {}",
                python::enable_hint()
            );
            record(&PythonRecord::Missing {
                hint: python::enable_hint(),
            });
            return;
        }
        Err(error) => {
            eprintln!("error: python bench skipped: {error}");
            record(&PythonRecord::Broken {
                program: error.interpreter().program.display().to_string(),
                error: error.to_string(),
            });
            return;
        }
    };
    let info = driver.info().clone();
    eprintln!(
        "parbench: measuring {} {} (GIL {}) at {}",
        info.implementation,
        info.version,
        info.gil.name(),
        info.executable
    );
    let hash_bytes = plan.python_hash_bytes();
    let loop_iterations = match driver.calibrate(hash_bytes, LOOP_PROBE, CALIBRATION_ROUNDS) {
        Ok(calibration) => python::loop_iterations_like_hash(calibration, LOOP_PROBE),
        Err(error) => abandon(&mut driver, error.into()),
    };
    let tasks = [
        PyTask::Sleep {
            duration: plan.python_sleep_duration(),
        },
        PyTask::Hash { bytes: hash_bytes },
        PyTask::Loop {
            iterations: loop_iterations,
        },
    ];
    let skipped: Vec<SkippedStrategy> = CPYTHON_STRATEGIES
        .iter()
        .filter_map(|&f| python::unsupported(f, &info).map(|why| SkippedStrategy::new(f, why)))
        .collect();
    for skip in &skipped {
        eprintln!(
            "parbench: CPython {} skipped: {}",
            skip.strategy, skip.reason
        );
    }
    let timing = plan.python_timing();
    for task in tasks {
        let mut group = c.benchmark_group(task.group().to_string());
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
                .unwrap_or_else(|e| abandon(&mut driver, e));
            for &function in CPYTHON_STRATEGIES {
                if python::unsupported(function, &info).is_some() {
                    continue;
                }
                let scenario = PyScenario::new(task, function, count, plan.python_workers(count))
                    .unwrap_or_else(|e| abandon(&mut driver, e));
                let id = BenchmarkId::new(function.name(), count);
                group.bench_function(id, |b| {
                    b.iter_custom(|iters| {
                        measure(&mut driver, &scenario, iters, &expected)
                            .unwrap_or_else(|e| abandon(&mut driver, e))
                    })
                });
            }
        }
        group.finish();
        support::record_group(&task.group(), Default::default());
        // The warm pool's idle workers and helper threads should not share the machine with
        // the next group's timings.
        if let Err(error) = driver.close_pools() {
            abandon(&mut driver, error.into());
        }
    }
    let program = driver.interpreter().program.display().to_string();
    let from_env = driver.interpreter().from_env;
    if let Err(error) = driver.close() {
        eprintln!("warning: {error}");
    }
    record(&PythonRecord::Measured {
        program,
        from_env,
        info,
        hash_bytes,
        loop_iterations,
        tasks: counts,
        skipped,
    });
}

/// Runs `scenario` `iters` times in the driver and checks its outputs: the time Python
/// measured, summed.
fn measure(
    driver: &mut PythonDriver,
    scenario: &PyScenario,
    iters: u64,
    expected: &[parbench::workload::TaskOutput],
) -> parbench::Result<Duration> {
    let reply = driver.run(scenario, iters)?;
    scenario.check(&reply, expected)
}

/// Ends the bench on an error: stops the driver and its pools, says why in one line, records
/// it for the page and exits — successfully for a broken interpreter (the rest of the suite
/// runs), with failure for a wrong answer.
fn abandon(driver: &mut PythonDriver, error: parbench::Error) -> ! {
    driver.kill();
    eprintln!("error: python bench stopped: {error}");
    record(&PythonRecord::Broken {
        program: driver.interpreter().program.display().to_string(),
        error: error.to_string(),
    });
    let wrong_answer = !matches!(error, parbench::Error::Python(_));
    if support::measuring() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        if let Err(error) = parbench::report::generate(&criterion_dir(root), &root.join("reports"))
        {
            eprintln!("parbench: no summary written: {error}");
        }
    }
    std::process::exit(i32::from(wrong_answer));
}

/// Saves `record` beside Criterion's data when measuring (not in test or list mode).
fn record(record: &PythonRecord) {
    if !support::measuring() {
        return;
    }
    let dir = criterion_dir(Path::new(env!("CARGO_MANIFEST_DIR")));
    if let Err(error) = record.save(&dir) {
        eprintln!("warning: the page will not name the Python interpreter: {error}");
    }
}

fn main() {
    support::main(&[cpython]);
}
