//! One measured run of one scenario: build the tasks, run them on a strategy, verify, report.
//!
//! This is what `parbench run` does; the benches use the pieces directly so that Criterion
//! times only the strategy's run.

use serde::Serialize;

use crate::error::Result;
use crate::measure::{PeakRss, measure};
use crate::strategy::{StrategyConfig, StrategyKind};
use crate::workload::{TaskSet, Workload, run_digest};

/// What to run.
#[derive(Clone, Debug)]
pub struct Scenario {
    /// The workload of every task.
    pub workload: Workload,
    /// The strategy that runs the tasks.
    pub strategy: StrategyKind,
    /// How many tasks.
    pub tasks: usize,
    /// Whether to check the outputs against the sequential reference.
    pub verify: bool,
}

/// The result of one run, as `parbench run --json` prints it.
#[derive(Clone, Debug, Serialize)]
pub struct RunReport {
    /// The workload's name (`sleep`, `hash`, `noop`).
    pub workload: String,
    /// The workload with its parameter, as in benchmark IDs (`sleep-10ms`).
    pub workload_label: String,
    /// The strategy's name.
    pub strategy: String,
    /// How many tasks ran.
    pub tasks: usize,
    /// How many threads or processes ran tasks at once.
    pub workers: usize,
    /// Wall-clock time of the run.
    pub wall_seconds: f64,
    /// User + system CPU time of the run, worker processes included.
    pub cpu_seconds: f64,
    /// True only if the outputs were compared with the sequential reference and all matched.
    pub verified: bool,
    /// SHA-256 over the task outputs in task order, in hex.
    pub digest: String,
    /// Logical CPUs of the machine.
    pub logical_cores: usize,
    /// Peak resident memory of the parbench process during the run, in bytes: the whole
    /// process (inputs included), worker processes not counted; `None` where Linux's
    /// `/proc/self/clear_refs` is unavailable. See [`PeakRss`].
    pub peak_rss_bytes: Option<u64>,
}

/// Builds the tasks and strategy (untimed), runs the tasks (timed), and verifies the outputs.
pub fn run_scenario(scenario: &Scenario, config: &StrategyConfig) -> Result<RunReport> {
    let tasks = TaskSet::new(scenario.workload, scenario.tasks)?;
    let strategy = scenario.strategy.build(config)?;
    let peak = PeakRss::start();
    let (outputs, measurement) = measure(|| strategy.run(&tasks));
    let peak_rss_bytes = peak.finish();
    let outputs = outputs?;
    if scenario.verify {
        tasks.verify(scenario.strategy.name(), &outputs)?;
    }
    Ok(RunReport {
        workload: scenario.workload.name().to_string(),
        workload_label: scenario.workload.to_string(),
        strategy: scenario.strategy.name().to_string(),
        tasks: scenario.tasks,
        workers: strategy.workers(scenario.tasks),
        wall_seconds: measurement.wall.as_secs_f64(),
        cpu_seconds: measurement.cpu.as_secs_f64(),
        verified: scenario.verify,
        digest: run_digest(&outputs),
        logical_cores: num_cpus::get(),
        peak_rss_bytes,
    })
}
