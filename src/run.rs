//! Measured runs of one scenario: build the tasks and the strategy once, run them (warm-up
//! runs first, then the timed ones), verify every run, summarise.
//!
//! This is what `parbench run` does; the benches use the pieces directly so that Criterion
//! times only the strategy's run. Repeating runs, as hyperfine does, turns one lucky or
//! unlucky number into a median with its spread ([`crate::stats`]).

use std::time::Duration;

use serde::Serialize;

use crate::error::{Error, Result};
use crate::measure::{PeakRss, measure};
use crate::stats::{self, Summary, TimeUnit, Warning};
use crate::strategy::{MAX_PROCESSES, StrategyConfig, StrategyKind, ThreadLimit};
use crate::units;
use crate::workload::{TaskOutput, TaskSet, Workload, WorkloadKind, check_outputs, run_digest};

/// The most timed runs one `parbench run` may ask for (`--runs`).
pub const MAX_RUNS: usize = 10_000;
/// The most warm-up runs one `parbench run` may ask for (`--warmup`).
pub const MAX_WARMUP: usize = 1_000;

/// The longest run `parbench run` starts without `--yes`: one hour.
pub const MAX_UNASKED_LENGTH: Duration = Duration::from_secs(3600);

/// Hashing speed no CPU beats (4 GB/s on one core; SHA-256 with the SHA extensions reaches
/// about 2 GB/s), so that a length estimated with it is a lower bound.
const FASTEST_HASH_NS_PER_BYTE: f64 = 0.25;

/// The least one thread start costs (a bare `std::thread` spawn takes 10 to 70 µs).
const FASTEST_THREAD_SPAWN_NS: f64 = 5e3;

/// The least one process start costs (a `fork` + `exec` takes 0.3 ms and more).
const FASTEST_PROCESS_SPAWN_NS: f64 = 1e5;

/// Checks that `--duration` (a wait) and `--bytes` (an input) were given only to workloads
/// that have them; an error naming the flag and the workloads it applies to otherwise.
pub fn check_workload_flags(kind: WorkloadKind, duration: bool, bytes: bool) -> Result<()> {
    let (waits, has_input) = match kind {
        WorkloadKind::Sleep | WorkloadKind::Net => (true, false),
        WorkloadKind::Hash | WorkloadKind::File | WorkloadKind::Receive => (false, true),
        WorkloadKind::Mixed => (true, true),
        WorkloadKind::Noop => (false, false),
    };
    if duration && !waits {
        return Err(Error::invalid(
            "--duration",
            format!(
                "does not apply to the {} workload: it sets how long each sleep, mixed or net \
                 task waits",
                kind.name()
            ),
        ));
    }
    if bytes && !has_input {
        return Err(Error::invalid(
            "--bytes",
            format!(
                "does not apply to the {} workload: it sets the bytes each hash, mixed, file or \
                 receive task hashes, writes or receives",
                kind.name()
            ),
        ));
    }
    Ok(())
}

/// Checks that `--workers` and `--switch-interval` were given only to strategies that use
/// them; an error naming the flag and the strategies it applies to otherwise.
pub fn check_strategy_flags(
    strategy: StrategyKind,
    workers: bool,
    switch_interval: bool,
) -> Result<()> {
    let (pool, why_not) = match strategy {
        StrategyKind::Rayon
        | StrategyKind::ProcessPool
        | StrategyKind::AsyncMulti
        | StrategyKind::Gil => (true, ""),
        StrategyKind::Sequential => (false, "one task after another on the calling thread"),
        StrategyKind::Threads => (false, "one thread per task"),
        StrategyKind::Processes => (false, "one process per task"),
        StrategyKind::Async => (false, "one event loop on one thread"),
    };
    if workers && !pool {
        return Err(Error::invalid(
            "--workers",
            format!(
                "does not apply to the {strategy} strategy ({why_not}): it sets the pool size of \
                 rayon, process-pool, async-multi and gil"
            ),
        ));
    }
    if switch_interval && strategy != StrategyKind::Gil {
        return Err(Error::invalid(
            "--switch-interval",
            format!("applies only to the gil strategy, not to {strategy}"),
        ));
    }
    Ok(())
}

/// Checks, before anything is built, that `strategy` can run `tasks` tasks of `input_bytes`
/// each with `workers` (`--workers`) on this machine: one thread per task within the machine's
/// thread limits ([`ThreadLimit`]), one process per task within [`MAX_PROCESSES`], and all
/// inputs together within [`units::MAX_TOTAL_BYTES`].
/// `parbench advise` ranks only the strategies this accepts.
pub fn check_runnable(
    strategy: StrategyKind,
    tasks: usize,
    workers: Option<usize>,
    input_bytes: u64,
) -> Result<()> {
    let total = input_bytes.saturating_mul(tasks as u64);
    if total > units::MAX_TOTAL_BYTES {
        let size = units::bytes_for_people;
        return Err(Error::invalid(
            "--bytes",
            format!(
                "times --tasks must be at most 4 GiB of input in all, got {} × {tasks} = {}",
                size(input_bytes),
                size(total)
            ),
        ));
    }
    match strategy {
        StrategyKind::Threads => ThreadLimit::check_ahead(strategy, tasks, tasks, input_bytes),
        StrategyKind::Gil => {
            let threads = workers.map_or(tasks, |w| w.min(tasks));
            ThreadLimit::check_ahead(strategy, threads, tasks, input_bytes)
        }
        StrategyKind::Processes if tasks > MAX_PROCESSES => Err(Error::invalid(
            "--tasks",
            format!(
                "must be between 1 and {MAX_PROCESSES} with the processes strategy (one process \
                 per task), got {tasks}; process-pool runs any number"
            ),
        )),
        StrategyKind::Processes
        | StrategyKind::Sequential
        | StrategyKind::Rayon
        | StrategyKind::ProcessPool
        | StrategyKind::Async
        | StrategyKind::AsyncMulti => Ok(()),
    }
}

/// The least time a run can take, from its arithmetic alone: waits that cannot overlap, bytes
/// hashed at a speed no CPU beats, threads or processes started at a cost none undercuts.
#[derive(Clone, Debug, PartialEq)]
pub struct LengthEstimate {
    /// The lower bound of the whole run, warm-ups included.
    pub total: Duration,
    /// How it was reached, in words: `10000 runs of at least 16.7 min: 100000 tasks wait
    /// 10.0 ms one after another`.
    pub detail: String,
}

/// Estimates the least time `scenario` takes on this machine with `workers` (`--workers`),
/// repeated as `repeat` says.
pub fn estimate_length(
    scenario: &Scenario,
    workers: Option<usize>,
    repeat: Repeat,
) -> LengthEstimate {
    use crate::report::format::time;
    let cores = crate::cpus::available() as f64;
    let n = scenario.tasks as f64;
    let pool = workers
        .unwrap_or(crate::cpus::available())
        .min(scenario.tasks) as f64;
    let (wait_ns, bytes) = match scenario.workload {
        Workload::Sleep { duration } | Workload::Net { duration } => {
            (duration.as_nanos() as f64, 0)
        }
        Workload::Mixed { bytes, duration } => (duration.as_nanos() as f64, bytes),
        Workload::Hash { bytes } | Workload::File { bytes } => (0.0, bytes),
        Workload::Noop | Workload::Receive { .. } => (0.0, 0),
    };
    // How many tasks wait at once, how many compute at once, and what starting each costs.
    let (waiting, computing, spawn_ns) = match scenario.strategy {
        StrategyKind::Sequential => (1.0, 1.0, 0.0),
        StrategyKind::Threads => (n, n.min(cores), FASTEST_THREAD_SPAWN_NS),
        StrategyKind::Processes => (n, n.min(cores), FASTEST_PROCESS_SPAWN_NS),
        StrategyKind::Rayon | StrategyKind::ProcessPool => (pool, pool.min(cores), 0.0),
        StrategyKind::Gil => {
            let threads = workers.map_or(n, |w| (w as f64).min(n));
            (threads, 1.0, FASTEST_THREAD_SPAWN_NS)
        }
        StrategyKind::Async => (n, 1.0, 0.0),
        StrategyKind::AsyncMulti => (n, pool.min(cores), 0.0),
    };
    let rounds = (n / waiting).ceil();
    let waits_ns = rounds * wait_ns;
    let hashing_ns = n * bytes as f64 * FASTEST_HASH_NS_PER_BYTE / computing;
    let starts_ns = n * spawn_ns;
    let wait = time(wait_ns);
    let (per_run_ns, why) = [
        (
            waits_ns,
            if rounds == n {
                format!("{} tasks wait {wait} one after another", scenario.tasks)
            } else if rounds > 1.0 {
                format!("{rounds} rounds of {waiting} tasks waiting {wait}")
            } else {
                format!("every task waits {wait}")
            },
        ),
        (
            hashing_ns,
            format!(
                "hashing {} × {} on {} at 4 GB/s each",
                scenario.tasks,
                units::bytes_for_people(bytes),
                match computing as usize {
                    1 => "1 core".to_string(),
                    n => format!("{n} cores"),
                }
            ),
        ),
        (
            starts_ns,
            format!(
                "starting {} threads or processes one by one",
                scenario.tasks
            ),
        ),
    ]
    .into_iter()
    .max_by(|a, b| a.0.total_cmp(&b.0))
    .expect("three candidates");
    let runs = repeat.runs + repeat.warmup;
    let total_ns = per_run_ns * runs as f64;
    let runs_text = match runs {
        1 => "one run".to_string(),
        n => format!("{n} runs"),
    };
    LengthEstimate {
        total: Duration::from_secs_f64(total_ns.min(u64::MAX as f64 / 2.0) / 1e9),
        detail: format!("{runs_text} of at least {}: {why}", time(per_run_ns)),
    }
}

/// Refuses a run whose [`estimate_length`] exceeds [`MAX_UNASKED_LENGTH`] unless `yes`
/// (`--yes`) says the user means it.
pub fn check_length(
    scenario: &Scenario,
    workers: Option<usize>,
    repeat: Repeat,
    yes: bool,
) -> Result<()> {
    let estimate = estimate_length(scenario, workers, repeat);
    if yes || estimate.total <= MAX_UNASKED_LENGTH {
        return Ok(());
    }
    Err(Error::TooLong {
        estimate: crate::report::format::time(estimate.total.as_nanos() as f64),
        detail: estimate.detail,
        lower: match (
            scenario.workload.kind(),
            scenario.workload.input_bytes() > 0,
        ) {
            (WorkloadKind::Mixed, _) => "--tasks, --runs, --warmup, --duration or --bytes",
            (WorkloadKind::Sleep | WorkloadKind::Net, _) => {
                "--tasks, --runs, --warmup or --duration"
            }
            (_, true) => "--tasks, --runs, --warmup or --bytes",
            (_, false) => "--tasks, --runs or --warmup",
        }
        .to_string(),
    })
}

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

/// How often a scenario runs: `warmup` untimed runs, then `runs` timed ones.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Repeat {
    runs: usize,
    warmup: usize,
}

impl Repeat {
    /// One timed run and no warm-up: what `parbench run` does by default.
    pub const ONCE: Repeat = Repeat { runs: 1, warmup: 0 };

    /// `runs` timed runs (1 to [`MAX_RUNS`]) after `warmup` untimed ones (0 to
    /// [`MAX_WARMUP`]); other values are an error naming `--runs` or `--warmup`.
    pub fn new(runs: usize, warmup: usize) -> Result<Self> {
        units::check_count("--runs", runs, MAX_RUNS)?;
        if warmup > MAX_WARMUP {
            return Err(Error::invalid(
                "--warmup",
                format!("must be between 0 and {MAX_WARMUP}, got {warmup}"),
            ));
        }
        Ok(Repeat { runs, warmup })
    }

    /// How many runs are timed.
    pub fn runs(self) -> usize {
        self.runs
    }

    /// How many untimed warm-up runs come first.
    pub fn warmup(self) -> usize {
        self.warmup
    }
}

/// The result of the runs of one scenario, as `parbench run --json` prints it.
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
    /// Wall-clock time: the median of the timed runs (the run's time when there is one).
    pub wall_seconds: f64,
    /// User + system CPU time, worker processes included: the median of the timed runs.
    pub cpu_seconds: f64,
    /// True only if every run's outputs (warm-ups included) were compared with the
    /// sequential reference and all matched.
    pub verified: bool,
    /// SHA-256 over the task outputs in task order, in hex (of the first timed run; with
    /// verification every run's outputs are the same).
    pub digest: String,
    /// Logical CPUs of the machine.
    pub logical_cores: usize,
    /// Peak resident memory of the parbench process during the timed runs (the highest of
    /// them), in bytes: the whole process (inputs included), worker processes not counted;
    /// `None` where Linux's `/proc/self/clear_refs` is unavailable. See [`PeakRss`].
    pub peak_rss_bytes: Option<u64>,
    /// How many untimed warm-up runs came before the timed ones.
    pub warmup_runs: usize,
    /// The wall-clock time of every timed run, in the order they ran.
    pub runs_seconds: Vec<f64>,
    /// The CPU time of every timed run, in the order they ran.
    pub runs_cpu_seconds: Vec<f64>,
    /// The median of [`RunReport::runs_seconds`].
    pub median_seconds: f64,
    /// The mean of [`RunReport::runs_seconds`].
    pub mean_seconds: f64,
    /// The sample standard deviation of [`RunReport::runs_seconds`]; `None` for one run.
    pub stddev_seconds: Option<f64>,
    /// The fastest timed run.
    pub min_seconds: f64,
    /// The slowest timed run.
    pub max_seconds: f64,
    /// Why these numbers deserve less trust than they seem to, as sentences.
    pub warnings: Vec<Warning>,
}

/// Builds the tasks and strategy (untimed), runs the tasks once (timed), and verifies them.
pub fn run_scenario(scenario: &Scenario, config: &StrategyConfig) -> Result<RunReport> {
    run_repeated(scenario, config, Repeat::ONCE)
}

/// Builds the tasks and the strategy once (untimed: a rayon pool or a tokio runtime is not
/// rebuilt per run), makes the warm-up runs, then the timed runs, verifying every run's
/// outputs against the sequential reference (computed once, untimed).
///
/// `process-pool` starts and stops its pool inside every run, as its meaning says.
pub fn run_repeated(
    scenario: &Scenario,
    config: &StrategyConfig,
    repeat: Repeat,
) -> Result<RunReport> {
    let tasks = TaskSet::new(scenario.workload, scenario.tasks)?;
    let strategy = scenario.strategy.build(config)?;
    let expected = scenario.verify.then(|| tasks.expected_outputs());
    let check = |outputs: &[TaskOutput]| match &expected {
        Some(expected) => check_outputs(scenario.strategy.name(), expected, outputs),
        None => Ok(()),
    };
    for _ in 0..repeat.warmup {
        check(&strategy.run(&tasks)?)?;
    }
    let mut wall = Vec::with_capacity(repeat.runs);
    let mut cpu = Vec::with_capacity(repeat.runs);
    let mut peaks = Vec::with_capacity(repeat.runs);
    let mut digest = None;
    for _ in 0..repeat.runs {
        let peak = PeakRss::start();
        let (outputs, measurement) = measure(|| strategy.run(&tasks));
        peaks.push(peak.finish());
        let outputs = outputs?;
        check(&outputs)?;
        digest.get_or_insert_with(|| run_digest(&outputs));
        wall.push(measurement.wall.as_secs_f64());
        cpu.push(measurement.cpu.as_secs_f64());
    }
    let summary = Summary::of(&wall).expect("at least one timed run");
    Ok(RunReport {
        workload: scenario.workload.name().to_string(),
        workload_label: scenario.workload.to_string(),
        strategy: scenario.strategy.name().to_string(),
        tasks: scenario.tasks,
        workers: strategy.workers(scenario.tasks),
        wall_seconds: summary.median,
        cpu_seconds: stats::median(&cpu).expect("at least one timed run"),
        verified: scenario.verify,
        digest: digest.expect("at least one timed run"),
        logical_cores: crate::cpus::available(),
        peak_rss_bytes: peaks
            .into_iter()
            .collect::<Option<Vec<_>>>()
            .and_then(|p| p.into_iter().max()),
        warmup_runs: repeat.warmup,
        warnings: stats::warnings(&wall, repeat.warmup > 0),
        runs_seconds: wall,
        runs_cpu_seconds: cpu,
        median_seconds: summary.median,
        mean_seconds: summary.mean,
        stddev_seconds: summary.stddev,
        min_seconds: summary.min,
        max_seconds: summary.max,
    })
}

impl RunReport {
    /// The summary of the runs [`RunReport::runs_seconds`] describe.
    pub fn summary(&self) -> Summary {
        Summary {
            runs: self.runs_seconds.len(),
            mean: self.mean_seconds,
            stddev: self.stddev_seconds,
            median: self.median_seconds,
            min: self.min_seconds,
            max: self.max_seconds,
        }
    }

    /// The text `parbench run` prints after the runs: workers, CPU time, verification and
    /// digest; peak memory; for several runs mean ± σ, median and range as hyperfine prints
    /// them; and last, in the seed's words, `Finished in 1.00 second(s)`. Times have three
    /// significant digits. The warnings are not included (they go to stderr).
    pub fn text(&self) -> String {
        let runs = self.runs_seconds.len();
        let of_runs = if runs > 1 {
            format!(" (median of {runs} runs)")
        } else {
            String::new()
        };
        // One unit per quantity: the CPU time reads in the unit of the times below it.
        let unit = TimeUnit::for_seconds(if runs > 1 {
            self.mean_seconds
        } else {
            self.cpu_seconds
        });
        let mut lines = vec![format!(
            "workers: {}, CPU time: {}{of_runs}, verified: {}, digest: {}",
            self.workers,
            unit.format(self.cpu_seconds),
            self.verified,
            self.digest
        )];
        if let Some(peak) = self.peak_rss_bytes {
            let highest = if runs > 1 { " (highest run)" } else { "" };
            lines.push(format!(
                "peak memory: {:.1} MiB{highest}",
                peak as f64 / (1 << 20) as f64
            ));
        }
        if runs > 1 {
            let s = self.summary();
            let cpu_mean = self.runs_cpu_seconds.iter().sum::<f64>() / runs as f64;
            lines.push(format!(
                "  Time (mean ± σ):   {:>9} ± {:>9}    [CPU: {}]",
                unit.format(s.mean),
                unit.format(s.stddev.unwrap_or(0.0)),
                unit.format(cpu_mean)
            ));
            lines.push(format!("  Median:            {:>9}", unit.format(s.median)));
            let warmup = match self.warmup_runs {
                0 => String::new(),
                1 => ", after 1 warm-up run".to_string(),
                n => format!(", after {n} warm-up runs"),
            };
            lines.push(format!(
                "  Range (min … max): {:>9} … {:>9}    {runs} runs{warmup}",
                unit.format(s.min),
                unit.format(s.max)
            ));
        }
        lines.push(format!(
            "Finished in {} second(s){of_runs}",
            crate::format::three_digits(self.wall_seconds)
        ));
        lines.join("\n")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scenario(workload: Workload, strategy: StrategyKind, tasks: usize) -> Scenario {
        Scenario {
            workload,
            strategy,
            tasks,
            verify: true,
        }
    }

    #[test]
    fn flags_that_do_not_apply_are_errors_naming_them() {
        assert!(check_workload_flags(WorkloadKind::Mixed, true, true).is_ok());
        let err = check_workload_flags(WorkloadKind::Hash, true, false).unwrap_err();
        assert!(
            err.to_string()
                .starts_with("--duration does not apply to the hash workload")
        );
        let err = check_workload_flags(WorkloadKind::Net, false, true).unwrap_err();
        assert!(
            err.to_string()
                .starts_with("--bytes does not apply to the net workload")
        );
        assert!(check_strategy_flags(StrategyKind::Gil, true, true).is_ok());
        let err = check_strategy_flags(StrategyKind::Async, true, false).unwrap_err();
        assert!(
            err.to_string()
                .starts_with("--workers does not apply to the async strategy")
        );
        let err = check_strategy_flags(StrategyKind::Rayon, false, true).unwrap_err();
        assert_eq!(
            err.to_string(),
            "--switch-interval applies only to the gil strategy, not to rayon"
        );
    }

    #[test]
    fn the_length_estimate_is_a_lower_bound_that_overlaps_what_overlaps() {
        let sleep = Workload::Sleep {
            duration: Duration::from_secs(1),
        };
        let length = |strategy, tasks, workers, runs| {
            estimate_length(
                &scenario(sleep, strategy, tasks),
                workers,
                Repeat::new(runs, 0).unwrap(),
            )
        };
        let one_after_another = length(StrategyKind::Sequential, 100, None, 1);
        assert_eq!(one_after_another.total, Duration::from_secs(100));
        assert_eq!(
            one_after_another.detail,
            "one run of at least 100 s: 100 tasks wait 1.00 s one after another"
        );
        assert_eq!(
            length(StrategyKind::Async, 100, None, 3).total,
            Duration::from_secs(3)
        );
        let pool = length(StrategyKind::Gil, 100, Some(10), 1);
        assert_eq!(pool.total, Duration::from_secs(10));
        assert!(
            pool.detail
                .ends_with("10 rounds of 10 tasks waiting 1.00 s"),
            "{pool:?}"
        );
        let s = scenario(sleep, StrategyKind::Sequential, 4000);
        let err = check_length(&s, None, Repeat::ONCE, false).unwrap_err();
        assert!(
            err.to_string()
                .starts_with("this run would take at least 66.7 min"),
            "{err}"
        );
        assert!(check_length(&s, None, Repeat::ONCE, true).is_ok());
    }

    #[test]
    fn repeat_bounds_name_the_flag() {
        assert_eq!(Repeat::new(1, 0).unwrap(), Repeat::ONCE);
        assert_eq!(
            Repeat::new(0, 0).unwrap_err().to_string(),
            "--runs must be between 1 and 10000, got 0"
        );
        assert!(Repeat::new(MAX_RUNS + 1, 0).is_err());
        assert_eq!(
            Repeat::new(5, 5000).unwrap_err().to_string(),
            "--warmup must be between 0 and 1000, got 5000"
        );
    }

    #[test]
    fn repeated_runs_are_counted_summarised_and_verified() {
        let s = scenario(Workload::Hash { bytes: 4096 }, StrategyKind::Rayon, 4);
        let config = StrategyConfig::new().workers(Some(2)).unwrap();
        let report = run_repeated(&s, &config, Repeat::new(5, 2).unwrap()).unwrap();
        assert_eq!(report.runs_seconds.len(), 5);
        assert_eq!(report.runs_cpu_seconds.len(), 5);
        assert_eq!(report.warmup_runs, 2);
        assert_eq!(report.wall_seconds, report.median_seconds);
        assert!(report.min_seconds <= report.median_seconds);
        assert!(report.median_seconds <= report.max_seconds);
        assert!(report.stddev_seconds.is_some());
        assert!(report.verified);
        assert_eq!(report.summary(), Summary::of(&report.runs_seconds).unwrap());
    }

    #[test]
    fn one_run_prints_the_seed_line() {
        let s = scenario(Workload::Noop, StrategyKind::Sequential, 1);
        let mut report = run_scenario(&s, &StrategyConfig::new()).unwrap();
        assert_eq!(report.runs_seconds.len(), 1);
        assert_eq!(report.stddev_seconds, None);
        report.wall_seconds = 1.0031;
        report.cpu_seconds = 0.0287;
        let text = report.text();
        assert!(text.ends_with("\nFinished in 1.00 second(s)"), "{text}");
        assert!(text.contains("CPU time: 28.7 ms, verified: true"), "{text}");
        assert!(!text.contains("Time (mean"), "{text}");
    }

    #[test]
    fn several_runs_print_mean_median_and_range() {
        let s = scenario(Workload::Noop, StrategyKind::Sequential, 1);
        let mut report =
            run_repeated(&s, &StrategyConfig::new(), Repeat::new(3, 1).unwrap()).unwrap();
        report.runs_seconds = vec![0.0172, 0.0168, 0.0181];
        report.runs_cpu_seconds = vec![0.03, 0.03, 0.03];
        let summary = Summary::of(&report.runs_seconds).unwrap();
        report.mean_seconds = summary.mean;
        report.stddev_seconds = summary.stddev;
        report.median_seconds = summary.median;
        report.min_seconds = summary.min;
        report.max_seconds = summary.max;
        report.wall_seconds = summary.median;
        let text = report.text();
        assert!(
            text.contains("Time (mean ± σ):     17.4 ms ±  0.666 ms    [CPU: 30.0 ms]"),
            "{text}"
        );
        assert!(text.contains("Median:              17.2 ms"), "{text}");
        assert!(
            text.contains(
                "Range (min … max):   16.8 ms …   18.1 ms    3 runs, after 1 warm-up run"
            ),
            "{text}"
        );
        assert!(
            text.ends_with("Finished in 0.017 second(s) (median of 3 runs)"),
            "{text}"
        );
    }
}
