//! What every parbench bench shares: the plan from `PARBENCH_PROFILE`, Criterion's
//! configuration per group, the worker program, verified measurement, and the summary report
//! written when a bench binary finishes.
//!
//! Each bench file includes this with `mod support;` and uses only part of it.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::Path;

use criterion::measurement::WallTime;
use criterion::{Bencher, BenchmarkGroup, BenchmarkId, Criterion, SamplingMode, Throughput};

use parbench::bench_id::{BenchFunction, BenchId, Group};
use parbench::canary::CanaryReading;
use parbench::costs::CpuRecord;
use parbench::measure::measure;
use parbench::quality::load::{LoadRecord, Moment};
use parbench::records::{RunManifest, criterion_dir};
pub use parbench::runner::Runner;
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

/// The plan `PARBENCH_PROFILE` picks, for the CPUs `PARBENCH_CPUS` leaves (restricting this
/// process to them first); an unknown profile or a bad CPU count ends the bench with a clear
/// error.
pub fn plan() -> Plan {
    if let Err(error) = parbench::cpus::restrict_from_env() {
        exit_with(&error);
    }
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
        if let Err(error) = RunManifest::begin_bench(&dir, plan, env!("CARGO_CRATE_NAME")) {
            eprintln!("warning: the run's manifest is not written: {error}");
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
        record_load(&dir, Moment::Before);
        canary("start");
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
    canary("end");
    record_load(&criterion_dir(root), Moment::After);
    match parbench::report::generate(&criterion_dir(root), &root.join("reports")) {
        Ok(summary) => eprintln!(
            "parbench: summary of {} benchmarks written to {}",
            summary.benchmarks,
            summary.html.display()
        ),
        Err(error) => eprintln!("parbench: no summary written: {error}"),
    }
}

/// Records in the run's manifest that this bench binary measured `group` with `settings`
/// (when measuring; a failure is a warning).
pub fn record_group(group: &Group, settings: BTreeMap<String, serde_json::Value>) {
    if !measuring() {
        return;
    }
    let dir = criterion_dir(Path::new(env!("CARGO_MANIFEST_DIR")));
    if let Err(error) = RunManifest::record_group(&dir, env!("CARGO_CRATE_NAME"), group, settings) {
        eprintln!("warning: the run's manifest does not name group {group}: {error}");
    }
}

/// Takes a reading of the speed canary labelled `at` (`start`, `before <group>`, …) and adds
/// it to the run's readings, when measuring; a failure is a warning.
pub fn canary(at: &str) {
    if !measuring() {
        return;
    }
    let bench = env!("CARGO_CRATE_NAME");
    let reading = CanaryReading::take(
        bench,
        &format!("{bench}: {at}"),
        parbench::cpus::available(),
    );
    let dir = criterion_dir(Path::new(env!("CARGO_MANIFEST_DIR")));
    if let Err(error) = CanaryReading::save(&dir, &reading, at == "start") {
        eprintln!("warning: the speed canary is not recorded: {error}");
    }
}

/// Records `/proc/loadavg` for this bench binary beside Criterion's data (for the report's
/// busy-machine warning); a failure is a warning, not the end of the measurement.
fn record_load(dir: &Path, moment: Moment) {
    let bench = env!("CARGO_CRATE_NAME");
    if let Some(record) = LoadRecord::now(bench, moment)
        && let Err(error) = LoadRecord::save(dir, &record)
    {
        eprintln!("warning: the load around this bench is not recorded: {error}");
    }
}

/// The `parbench` binary as worker program for the process strategies.
pub fn worker() -> WorkerCommand {
    WorkerCommand::parbench(env!("CARGO_BIN_EXE_parbench"))
}

/// One Criterion group of the suite: the parbench group it measures and its timing.
///
/// When measuring, the first run of each benchmark (in Criterion's warm-up) also records its
/// CPU time ([`CpuRecord`]); the records are saved when the group finishes.
pub struct SuiteGroup<'a> {
    inner: BenchmarkGroup<'a, WallTime>,
    id: Group,
    timing: Timing,
    cpu: Vec<CpuRecord>,
    settings: BTreeMap<String, serde_json::Value>,
}

impl<'a> SuiteGroup<'a> {
    /// Opens the Criterion group for `id` with `timing` applied.
    pub fn new(c: &'a mut Criterion, id: Group, timing: Timing) -> Self {
        canary(&format!("before {id}"));
        let mut inner = c.benchmark_group(id.to_string());
        inner
            .sample_size(timing.sample_size)
            .warm_up_time(timing.warm_up)
            .measurement_time(timing.measurement);
        SuiteGroup {
            inner,
            id,
            timing,
            cpu: Vec::new(),
            settings: BTreeMap::new(),
        }
    }

    /// Records a setting of this group that its ID does not say (e.g. a size calibrated at
    /// run time) in the run's manifest, under `name`.
    pub fn setting(&mut self, name: &str, value: impl serde::Serialize) {
        let value = serde_json::to_value(value).expect("a setting serializes to JSON");
        self.settings.insert(name.to_string(), value);
    }

    /// Benchmarks `routine` as `group/<function>/<value>` (for what is not a strategy run on a
    /// task set: the primitives); `flat` picks Criterion's flat sampling.
    pub fn bench(
        &mut self,
        function: BenchFunction,
        value: u64,
        flat: bool,
        routine: impl FnMut(&mut Bencher<'_, WallTime>),
    ) {
        self.inner.sampling_mode(if flat || self.timing.flat {
            SamplingMode::Flat
        } else {
            SamplingMode::Auto
        });
        self.inner
            .bench_function(BenchmarkId::new(function.name(), value), routine);
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
            let mut runner = runner(name, tasks.len(), workers);
            let id = BenchId::new(self.id, name, value);
            // Flat sampling for slow groups and for every process strategy: a process costs
            // milliseconds, too slow for Criterion's linear sampling in a short measurement.
            let flat = self.timing.flat || name.uses_processes();
            self.inner.sampling_mode(if flat {
                SamplingMode::Flat
            } else {
                SamplingMode::Auto
            });
            // The first run Criterion makes (in its warm-up, outside the samples) also records
            // the CPU time: no extra run.
            let mut record = None;
            let wanted = measuring();
            bench_verified(&mut self.inner, &id, &expected, || {
                if !wanted || record.is_some() {
                    return runner.run(tasks);
                }
                let (outputs, m) = measure(|| runner.run(tasks));
                record = Some(CpuRecord {
                    id: id.to_string(),
                    wall_seconds: m.wall.as_secs_f64(),
                    cpu_seconds: m.cpu.as_secs_f64(),
                });
                outputs
            });
            self.cpu.extend(record);
        }
    }

    /// Closes the group (Criterion writes its summary), saves its CPU records and records it
    /// in the run's manifest.
    pub fn finish(self) {
        self.inner.finish();
        canary(&format!("after {}", self.id));
        if !self.cpu.is_empty() {
            let dir = criterion_dir(Path::new(env!("CARGO_MANIFEST_DIR")));
            if let Err(error) = CpuRecord::save_all(&dir, &self.cpu) {
                eprintln!("warning: CPU times not recorded: {error}");
            }
        }
        record_group(&self.id, self.settings);
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

/// Builds the runner named `name` for sets of `tasks` tasks with `workers` workers, outside
/// any timing; a runner that cannot be built ends the bench naming it.
pub fn runner(name: BenchFunction, tasks: usize, workers: Option<usize>) -> Runner {
    Runner::build(name, tasks, workers, &worker())
        .unwrap_or_else(|e| panic!("cannot build {name}: {e}"))
}
