//! The `parbench` command line: run one scenario, describe the machine, or serve as a worker.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use parbench::machine::Machine;
use parbench::records::criterion_dir;
use parbench::report;
use parbench::run::{Repeat, Scenario, run_repeated};
use parbench::strategy::{StrategyConfig, StrategyKind};
use parbench::units;
use parbench::worker::{self, WorkerCommand};
use parbench::workload::{Workload, WorkloadKind};

/// Measures where threads help and where they don't.
#[derive(Parser)]
#[command(name = "parbench", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run N tasks of one workload on one strategy and time them.
    Run(RunArgs),
    /// Print this machine's cores, CPU model, OS and compiler.
    Machine {
        /// Print one JSON object instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Write reports/index.html, summary.md and summary.json from Criterion's saved results.
    Report {
        /// Criterion's directory (default: $CRITERION_HOME, else $CARGO_TARGET_DIR/criterion,
        /// else target/criterion).
        #[arg(long, value_name = "DIR")]
        criterion_dir: Option<PathBuf>,
        /// Where to write the report.
        #[arg(long, value_name = "DIR", default_value = "reports")]
        out: PathBuf,
    },
    /// Compare runs' summary.json (or report directories): two as text or JSON (how many
    /// speedups land inside the other run's intervals, which verdicts changed, which means moved
    /// most), two or more as a page with --html.
    Compare {
        /// The runs: each a summary.json or the directory holding one.
        #[arg(required = true, value_name = "RUN")]
        runs: Vec<PathBuf>,
        /// Print one JSON object instead of text.
        #[arg(long, conflicts_with = "html")]
        json: bool,
        /// Write a page comparing the runs side by side into directory OUT (OUT/index.html).
        #[arg(long, value_name = "OUT")]
        html: Option<PathBuf>,
        /// Name a run on the page, in the order of the runs (default: its CPUs, CPU model and
        /// start time); give it once per run.
        #[arg(long, value_name = "TEXT", requires = "html")]
        label: Vec<String>,
    },
    /// Rank every strategy for your own tasks by predicted wall time, from the cost model.
    Advise(AdviseArgs),
    /// Serve tasks on stdin/stdout (used by the process strategies).
    #[command(hide = true)]
    Worker,
}

#[derive(clap::Args)]
struct RunArgs {
    /// What each task does.
    #[arg(long, value_name = "NAME")]
    workload: WorkloadKind,
    /// How the tasks run.
    #[arg(long, value_name = "NAME")]
    strategy: StrategyKind,
    /// How many tasks (1 to 100000).
    #[arg(long, value_name = "N")]
    tasks: usize,
    /// How long each task waits, for sleep, mixed and net, e.g. 10ms or 1s (default 10ms).
    #[arg(long, value_name = "D")]
    duration: Option<String>,
    /// How many bytes each task hashes, writes or receives, for hash, mixed, file and receive,
    /// e.g. 64KiB or 4MiB (default 1MiB).
    #[arg(long, value_name = "B")]
    bytes: Option<String>,
    /// Pool size for rayon, process-pool and async-multi (default: logical CPUs); for gil a
    /// pool of W threads instead of one per task (1 to 1024).
    #[arg(long, value_name = "W")]
    workers: Option<usize>,
    /// For gil: how long a thread may hold the lock before handing it over (default 5ms, as
    /// CPython's sys.getswitchinterval()).
    #[arg(long, value_name = "D")]
    switch_interval: Option<String>,
    /// How many timed runs (1 to 10000); with more than one, prints mean ± σ, median and
    /// range, and wall_seconds is the median.
    #[arg(
        long,
        value_name = "N",
        default_value_t = 1,
        allow_negative_numbers = true
    )]
    runs: usize,
    /// How many untimed runs before the timed ones (0 to 1000).
    #[arg(
        long,
        value_name = "K",
        default_value_t = 0,
        allow_negative_numbers = true
    )]
    warmup: usize,
    /// Print one JSON object on stdout instead of text.
    #[arg(long)]
    json: bool,
    /// Skip checking the outputs against the sequential reference.
    #[arg(long)]
    no_verify: bool,
    /// Start the run even if it would take more than an hour by parbench's estimate.
    #[arg(long)]
    yes: bool,
    /// Run on K of this machine's CPUs (CPU affinity), as if it had K; the same as
    /// PARBENCH_CPUS=K, which it overrides.
    #[arg(long, value_name = "K", allow_negative_numbers = true)]
    cpus: Option<String>,
}

#[derive(clap::Args)]
struct AdviseArgs {
    /// Computing per task (CPU time on one core), e.g. 250us or 2ms.
    #[arg(
        long,
        value_name = "D",
        conflicts_with = "workload",
        allow_hyphen_values = true
    )]
    cpu: Option<String>,
    /// Waiting per task (sleeps, I/O), e.g. 10ms (default 0s).
    #[arg(
        long,
        value_name = "D",
        conflicts_with = "workload",
        allow_hyphen_values = true
    )]
    wait: Option<String>,
    /// Bytes of input each task receives, e.g. 64KiB (default none).
    #[arg(long, value_name = "B", conflicts_with = "workload")]
    input: Option<String>,
    /// How many tasks (1 to 100000).
    #[arg(long, value_name = "N")]
    tasks: usize,
    /// Or: the tasks as a `parbench run` scenario (with --bytes and --duration).
    #[arg(long, value_name = "NAME")]
    workload: Option<WorkloadKind>,
    /// With --workload sleep, mixed or net: how long each task waits (default 10ms).
    #[arg(long, value_name = "D")]
    duration: Option<String>,
    /// With --workload hash, mixed, file or receive: how many bytes each task hashes, writes
    /// or receives (default 1MiB).
    #[arg(long, value_name = "B")]
    bytes: Option<String>,
    /// Print one JSON object instead of text.
    #[arg(long)]
    json: bool,
    /// The bench run's summary to take the model from (default reports/summary.json; when
    /// that does not exist, the costs are calibrated on this machine in a few seconds).
    #[arg(long, value_name = "FILE")]
    from: Option<PathBuf>,
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => return usage_error(error),
    };
    let result = match cli.command {
        Command::Run(args) => restrict_cpus(args.cpus.as_deref())
            .and_then(|()| parbench::signals::exit_cleanly_on_termination().map_err(Into::into))
            .and_then(|()| run(args)),
        Command::Machine { json } => restrict_cpus(None).and_then(|()| machine(json)),
        Command::Report { criterion_dir, out } => write_report(criterion_dir, out),
        Command::Compare {
            runs,
            json,
            html,
            label,
        } => compare(&runs, json, html, &label),
        Command::Advise(args) => advise(args),
        Command::Worker => worker::serve_stdio().map_err(|e| anyhow::anyhow!("worker: {e}")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        // A reader that went away (`parbench machine | head -1`) is no failure: end quietly
        // with status 0, as ripgrep does.
        Err(error)
            if error
                .downcast_ref::<parbench::Error>()
                .is_some_and(parbench::Error::is_closed_output) =>
        {
            ExitCode::SUCCESS
        }
        Err(error) => {
            // Library errors carry their cause in their message; printing the chain would repeat it.
            note(format_args!("error: {error}"));
            ExitCode::FAILURE
        }
    }
}

/// Writes `text` to stdout and flushes it; a failure is an [`Error::Output`] naming `what`
/// (a closed pipe included, which `main` turns into a quiet exit).
///
/// [`Error::Output`]: parbench::Error::Output
fn emit(what: &'static str, text: &str) -> Result<(), parbench::Error> {
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())
        .and_then(|()| out.flush())
        .map_err(|source| parbench::Error::Output { what, source })
}

/// Writes one line to stderr; a stderr that cannot be written to is ignored (there is nowhere
/// left to say so).
fn note(line: std::fmt::Arguments<'_>) {
    let _ = writeln!(std::io::stderr().lock(), "{line}");
}

/// Prints clap's help or version as it is, and any usage error on one line (clap's own text,
/// its list of possible values included, without the "try --help" hint).
fn usage_error(error: clap::Error) -> ExitCode {
    use clap::error::ErrorKind;
    if matches!(
        error.kind(),
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion
    ) || error.kind() == ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
    {
        let _ = error.print();
        return ExitCode::from(error.exit_code() as u8);
    }
    let text = error.to_string();
    let line = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with("For more information"))
        .collect::<Vec<_>>()
        .join(" ");
    note(format_args!("{line}"));
    ExitCode::from(2)
}

fn run(args: RunArgs) -> anyhow::Result<()> {
    use parbench::run::{check_length, check_runnable, check_strategy_flags, check_workload_flags};
    check_workload_flags(args.workload, args.duration.is_some(), args.bytes.is_some())?;
    check_strategy_flags(
        args.strategy,
        args.workers.is_some(),
        args.switch_interval.is_some(),
    )?;
    let workload = scenario_workload(args.workload, &args.duration, &args.bytes)?;
    let strategy = args.strategy;
    units::check_count("--tasks", args.tasks, units::MAX_TASKS)?;
    let mut config = StrategyConfig::new().workers(args.workers)?;
    if let Some(interval) = args.switch_interval.as_deref() {
        config = config.switch_interval(units::parse_duration("--switch-interval", interval)?)?;
    }
    let config = config.worker_command(WorkerCommand::current_exe()?);
    let repeat = Repeat::new(args.runs, args.warmup)?;
    let scenario = Scenario {
        workload,
        strategy,
        tasks: args.tasks,
        verify: !args.no_verify,
    };
    check_runnable(strategy, args.tasks, args.workers, workload.input_bytes())?;
    check_length(&scenario, args.workers, repeat, args.yes)?;
    if !args.json {
        let repeats = match (repeat.warmup(), repeat.runs()) {
            (0, 1) => String::new(),
            (0, runs) => format!(": {runs} timed run(s)"),
            (warmup, runs) => format!(": {warmup} warm-up run(s), then {runs} timed run(s)"),
        };
        emit(
            "the run's heading",
            &format!(
                "Running {} {} task(s) on {} ({}){repeats}\n",
                args.tasks,
                workload,
                strategy,
                Machine::detect().summary()
            ),
        )?;
    }
    let report = run_repeated(&scenario, &config, repeat)?;
    let text = if args.json {
        serde_json::to_string(&report)?
    } else {
        report.text()
    };
    emit("the run's report", &(text + "\n"))?;
    for warning in &report.warnings {
        note(format_args!("Warning: {warning}"));
    }
    Ok(())
}

/// The workload of a scenario from `--workload`, `--duration` and `--bytes` (each parsed, its
/// default when not given), as `run` and `advise --workload` take it.
fn scenario_workload(
    kind: WorkloadKind,
    duration: &Option<String>,
    bytes: &Option<String>,
) -> anyhow::Result<Workload> {
    let duration = duration
        .as_deref()
        .map(|d| units::parse_duration("--duration", d))
        .transpose()?;
    let bytes = bytes
        .as_deref()
        .map(|b| units::parse_bytes("--bytes", b))
        .transpose()?;
    Ok(Workload::new(kind, duration, bytes)?)
}

/// Restricts this process to `--cpus K` when given, else to `PARBENCH_CPUS` when set, before
/// any thread starts; the worker processes it starts inherit the restriction.
fn restrict_cpus(flag: Option<&str>) -> anyhow::Result<()> {
    match flag {
        Some(given) => {
            let k = parbench::cpus::parse("--cpus", given)?;
            parbench::cpus::restrict("--cpus", k)?;
        }
        None => {
            parbench::cpus::restrict_from_env()?;
        }
    }
    Ok(())
}

fn machine(json: bool) -> anyhow::Result<()> {
    let machine = Machine::detect();
    let text = if json {
        serde_json::to_string(&machine)? + "\n"
    } else {
        [
            ("logical cores: ", machine.cpus_text()),
            ("physical cores:", machine.physical_cores.to_string()),
            ("CPU model:     ", machine.cpu_model.clone()),
            ("OS:            ", machine.os.clone()),
            ("compiler:      ", machine.rustc.clone()),
            ("parbench:      ", machine.parbench.clone()),
        ]
        .iter()
        .map(|(name, value)| format!("{name} {value}\n"))
        .collect()
    };
    Ok(emit("the machine's description", &text)?)
}

fn write_report(dir: Option<PathBuf>, out: PathBuf) -> anyhow::Result<()> {
    let dir = match dir {
        Some(dir) => dir,
        None => criterion_dir(&std::env::current_dir()?),
    };
    let summary = report::generate(&dir, &out)?;
    let mut text = format!(
        "Report of {} benchmark(s) from {}:\n",
        summary.benchmarks,
        dir.display()
    );
    for path in [
        &summary.html,
        &summary.markdown,
        &summary.details,
        &summary.json,
    ] {
        text += &format!("  {}\n", path.display());
    }
    if !summary.missing_groups.is_empty() {
        text += &format!("Not run: {}\n", summary.missing_groups.join(", "));
    }
    Ok(emit("the list of report files", &text)?)
}

fn compare(
    runs: &[PathBuf],
    json: bool,
    html: Option<PathBuf>,
    labels: &[String],
) -> anyhow::Result<()> {
    use parbench::compare::{RunSummary, page};
    if let Some(out) = html {
        if runs.len() < 2 {
            anyhow::bail!(
                "--html compares two or more runs, got {}: give each run's summary.json or \
                 report directory",
                runs.len()
            );
        }
        let summaries = runs
            .iter()
            .map(|run| RunSummary::read(run))
            .collect::<Result<Vec<_>, _>>()?;
        let path = page::write(&summaries, labels, &out)?;
        return Ok(emit(
            "the page's path",
            &format!("compared {} runs: {}\n", runs.len(), path.display()),
        )?);
    }
    let [a, b] = runs else {
        anyhow::bail!(
            "compare takes two runs as text or JSON, got {}: add --html OUT to compare {} on \
             a page",
            runs.len(),
            if runs.len() < 2 {
                "two or more"
            } else {
                "more than two"
            }
        );
    };
    let comparison = parbench::compare::compare_files(a, b)?;
    let text = if json {
        comparison.json() + "\n"
    } else {
        comparison.text()
    };
    Ok(emit("the comparison", &text)?)
}

fn advise(args: AdviseArgs) -> anyhow::Result<()> {
    use parbench::advise::{Advice, Case, CpuRestriction, parse_work_duration};
    // First, before calibration starts any thread: its costs are then measured on K CPUs.
    let cpus = parbench::cpus::restrict_from_env()?;
    let duration = |flag, text: &Option<String>| {
        text.as_deref()
            .map(|d| parse_work_duration(flag, d))
            .transpose()
    };
    let (cpu, wait) = (
        duration("--cpu", &args.cpu)?,
        duration("--wait", &args.wait)?,
    );
    let input = args
        .input
        .as_deref()
        .map(|b| units::parse_bytes("--input", b))
        .transpose()?;
    let workload = match args.workload {
        Some(kind) => {
            parbench::run::check_workload_flags(
                kind,
                args.duration.is_some(),
                args.bytes.is_some(),
            )?;
            Some(scenario_workload(kind, &args.duration, &args.bytes)?)
        }
        None if args.bytes.is_some() || args.duration.is_some() => {
            let (flag, instead) = if args.bytes.is_some() {
                ("--bytes", "each task's input as --input")
            } else {
                ("--duration", "each task's waiting as --wait")
            };
            return Err(parbench::Error::invalid(
                flag,
                format!("applies only with --workload; with --cpu and --wait, give {instead}"),
            )
            .into());
        }
        None if cpu.is_none() && wait.is_none() => anyhow::bail!(
            "advise needs the tasks' work: --cpu and/or --wait (with --input), or --workload"
        ),
        None => None,
    };
    units::check_count("--tasks", args.tasks, units::MAX_TASKS)?;
    let default = PathBuf::from("reports").join(report::JSON_FILE);
    let from_summary = match &args.from {
        Some(path) => Some(path.clone()),
        None if default.exists() => Some(default.clone()),
        None => None,
    };
    let mut speed = None;
    let (model, machine, source) = match &from_summary {
        Some(path) => {
            let (model, machine) =
                parbench::costs::summary::read_model(path, report::SUMMARY_VERSION)?;
            // The machine's speed now against the bench run's, from its speed canary.
            speed = std::fs::read_to_string(path)
                .ok()
                .and_then(|text| serde_json::from_str(&text).ok())
                .and_then(|json| parbench::canary::SpeedNow::against_summary(&json));
            let model = match &speed {
                Some(s) => model.at_speed(s.factor),
                None => model,
            };
            (model, machine, path.display().to_string())
        }
        None => {
            if !args.json {
                note(format_args!(
                    "No {}: calibrating this machine's costs (a few seconds; `cargo bench` \
                     measures them properly)",
                    default.display()
                ));
            }
            let calibration = parbench::costs::calibrate::calibrate(WorkerCommand::current_exe()?)?;
            let source = format!(
                "calibrated on this machine in {:.1} s (no {})",
                calibration.elapsed.as_secs_f64(),
                default.display()
            );
            (calibration.model, Machine::detect(), source)
        }
    };
    let (model, cpus) = match cpus {
        Some(k) => {
            let (model, restriction) = CpuRestriction::apply(k, &model);
            (model, Some(restriction))
        }
        None => (model, None),
    };
    let case = match &workload {
        Some(workload) => Case::from_workload(args.tasks, workload, &model)?,
        None => Case::from_work(
            args.tasks,
            cpu.unwrap_or_default(),
            wait.unwrap_or_default(),
            input.unwrap_or(0),
        )?,
    };
    let mut advice = Advice::new(&model, &case, source, machine)?;
    advice.speed = speed;
    advice.cpus = cpus;
    let text = if args.json {
        serde_json::to_string(&advice)? + "\n"
    } else {
        advice.text(&case, model.logical_cores)
    };
    Ok(emit("the advice", &text)?)
}
