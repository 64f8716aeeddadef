//! What every parbench bench shares: the plan from `PARBENCH_PROFILE`, Criterion's
//! configuration per group, the worker program, verified measurement, and the summary report
//! written when a bench binary finishes.
//!
//! Each bench file includes this with `mod support;` and uses only part of it.
#![allow(dead_code)]

use std::path::Path;

use criterion::measurement::WallTime;
use criterion::{BenchmarkGroup, BenchmarkId, Criterion, SamplingMode, Throughput};

use parbench::bench_id::{BenchFunction, BenchId, Group};
use parbench::records::{RunMeta, criterion_dir};
use parbench::strategy::{ProcessPool, RayonPool, Strategy, StrategyConfig};
use parbench::suite::{Plan, Timing};
use parbench::worker::WorkerCommand;
use parbench::workload::{TaskOutput, TaskSet};

/// A bench binary's `main`: reads the plan, configures Criterion, runs each of `benches`,
/// and finishes (closing summary, then parbench's report).
pub fn main(benches: &[fn(&mut Criterion, &Plan)]) {
    let plan = plan();
    let mut c = criterion(&plan);
    for bench in benches {
        bench(&mut c, &plan);
    }
    finish(c);
}

/// The plan `PARBENCH_PROFILE` picks; an unknown profile ends the bench with a clear error.
pub fn plan() -> Plan {
    Plan::from_env().unwrap_or_else(|error| exit_with(&error))
}

/// Ends the bench binary with `error` on one line (no panic backtrace) and exit status 2.
pub fn exit_with(error: &parbench::Error) -> ! {
    eprintln!("error: {error}");
    std::process::exit(2);
}

/// Whether this binary measures (`cargo bench`) rather than runs each bench once as a test
/// (`cargo test --benches`) or lists them.
pub fn measuring() -> bool {
    let args: Vec<String> = std::env::args().collect();
    let has = |flag: &str| args.iter().any(|a| a == flag);
    has("--bench")
        && !has("--test")
        && !has("--list")
        && !args.iter().any(|a| a.starts_with("--profile-time"))
}

/// Criterion configured from the command line (filters, `--save-baseline`, `--baseline` keep
/// working), after recording which machine and profile the measurements come from.
pub fn criterion(plan: &Plan) -> Criterion {
    if measuring() {
        let dir = criterion_dir(Path::new(env!("CARGO_MANIFEST_DIR")));
        if let Err(error) = RunMeta::now(plan.profile).write(&dir) {
            eprintln!("warning: the report will not name this machine: {error}");
        }
        let sized = plan.sized_cores();
        if sized < plan.logical_cores {
            eprintln!(
                "parbench: profile '{}', sized as for {sized} of the {} logical cores",
                plan.profile.name(),
                plan.logical_cores
            );
        } else {
            eprintln!(
                "parbench: profile '{}', sized to {} logical cores",
                plan.profile.name(),
                plan.logical_cores
            );
        }
        // This binary's place in the whole suite and the time the rest should take.
        if let Some(progress) = plan.estimate().progress(env!("CARGO_CRATE_NAME")) {
            eprintln!("{progress}");
        }
    }
    // Fewer bootstrap resamples than Criterion's 100,000 (see `Plan::resamples`): the 95 %
    // intervals barely change, while plotting every benchmark's bootstrap distributions drops
    // from about 4 s to 0.4 s on 2 cores. `-- --nresamples N` still overrides it.
    Criterion::default()
        .nresamples(plan.resamples())
        .configure_from_args()
}

/// Ends a bench binary: Criterion's closing summary (as `criterion_main!` does), then, when
/// measuring, parbench's summary under `reports/` from everything Criterion has saved so far.
///
/// Every bench binary regenerates it, so after `cargo bench` it covers the whole suite, and
/// after a filtered run it covers what exists (and says what was not run).
pub fn finish(criterion: Criterion) {
    criterion.final_summary();
    if !measuring() {
        return;
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    match parbench::report::generate(&criterion_dir(root), &root.join("reports")) {
        Ok(summary) => eprintln!(
            "parbench: summary of {} benchmarks written to {}",
            summary.benchmarks,
            summary.html.display()
        ),
        Err(error) => eprintln!("parbench: no summary written: {error}"),
    }
}

/// The `parbench` binary as worker program for the process strategies.
pub fn worker() -> WorkerCommand {
    WorkerCommand::parbench(env!("CARGO_BIN_EXE_parbench"))
}

/// One Criterion group of the suite: the parbench group it measures and its timing.
pub struct SuiteGroup<'a> {
    inner: BenchmarkGroup<'a, WallTime>,
    id: Group,
    timing: Timing,
}

impl<'a> SuiteGroup<'a> {
    /// Opens the Criterion group for `id` with `timing` applied.
    pub fn new(c: &'a mut Criterion, id: Group, timing: Timing) -> Self {
        let mut inner = c.benchmark_group(id.to_string());
        inner
            .sample_size(timing.sample_size)
            .warm_up_time(timing.warm_up)
            .measurement_time(timing.measurement);
        SuiteGroup { inner, id, timing }
    }

    /// Sets the bytes processed per iteration of the benchmarks added next.
    pub fn throughput(&mut self, throughput: Throughput) {
        self.inner.throughput(throughput);
    }

    /// Benchmarks each runner in `names` on `tasks` as `group/<name>/<value>`, checking every
    /// result against the sequential reference computed here, before timing.
    pub fn run(&mut self, names: &[BenchFunction], value: u64, tasks: &TaskSet) {
        self.run_on(names, value, tasks, None);
    }

    /// [`SuiteGroup::run`] with every runner built for `workers` workers.
    pub fn run_on(
        &mut self,
        names: &[BenchFunction],
        value: u64,
        tasks: &TaskSet,
        workers: Option<usize>,
    ) {
        let expected = tasks.expected_outputs();
        for &name in names {
            let mut runner = Runner::build(name, tasks.len(), workers);
            let id = BenchId::new(self.id, name, value);
            // Flat sampling for slow groups and for every process strategy: a process costs
            // milliseconds, too slow for Criterion's linear sampling in a short measurement.
            let flat = self.timing.flat || name.uses_processes();
            self.inner.sampling_mode(if flat {
                SamplingMode::Flat
            } else {
                SamplingMode::Auto
            });
            bench_verified(&mut self.inner, &id, &expected, || runner.run(tasks));
        }
    }

    /// Closes the group (Criterion writes its summary).
    pub fn finish(self) {
        self.inner.finish();
    }
}

/// Times `run` as benchmark `id` and fails the bench if it ever returns a wrong answer.
///
/// `run` is the timed work only: tasks, pools and runtimes are built before this is called.
pub fn bench_verified(
    group: &mut BenchmarkGroup<'_, WallTime>,
    id: &BenchId,
    expected: &[TaskOutput],
    mut run: impl FnMut() -> parbench::Result<Vec<TaskOutput>>,
) {
    let criterion_id = BenchmarkId::new(id.function.name(), id.value);
    group.bench_function(criterion_id, |b| {
        b.iter(|| {
            let outputs = run().unwrap_or_else(|e| panic!("{id}: {e}"));
            assert!(outputs == expected, "{id}: wrong outputs");
        })
    });
}

/// One strategy ready to be timed: a library strategy, or a bench-only variant.
pub enum Runner {
    /// A strategy as the CLI runs it.
    Plain(Box<dyn Strategy>),
    /// A process pool spawned before the clock starts (`process-pool-warm`).
    WarmPool(ProcessPool),
}

impl Runner {
    /// Builds the runner named `name` for sets of `tasks` tasks, outside any timing.
    ///
    /// `rayon-n` is a rayon pool with one thread per task; `process-pool-warm` a pool of
    /// `workers` processes (default: one per logical CPU), already started; other names are
    /// [`StrategyKind`] names, with `workers` as their `--workers` (default: their own).
    pub fn build(name: BenchFunction, tasks: usize, workers: Option<usize>) -> Runner {
        let built = match (name, name.strategy()) {
            (BenchFunction::RayonN, _) => {
                RayonPool::new(Some(tasks)).map(|p| Runner::Plain(Box::new(p)))
            }
            (BenchFunction::ProcessPoolWarm, _) => {
                ProcessPool::spawn(&worker(), workers.unwrap_or_else(num_cpus::get))
                    .map(Runner::WarmPool)
            }
            (_, Some(kind)) => StrategyConfig::new()
                .worker_command(worker())
                .workers(workers)
                .and_then(|config| kind.build(&config))
                .map(Runner::Plain),
            (_, None) => panic!("{name} is a CPython strategy, not a Rust runner"),
        };
        built.unwrap_or_else(|e| panic!("cannot build {name}: {e}"))
    }

    /// Runs every task; this is what is timed.
    pub fn run(&mut self, tasks: &TaskSet) -> parbench::Result<Vec<TaskOutput>> {
        match self {
            Runner::Plain(strategy) => strategy.run(tasks),
            Runner::WarmPool(pool) => pool.run(tasks),
        }
    }
}
