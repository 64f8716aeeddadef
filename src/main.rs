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
    /// Compare two runs' summary.json: how many speedups land inside the other run's
    /// intervals, which verdicts changed, which means moved most.
    Compare {
        /// The first run's summary.json.
        a: PathBuf,
        /// The second run's summary.json.
        b: PathBuf,
        /// Print one JSON object instead of text.
        #[arg(long)]
        json: bool,
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
    /// How long each sleep task waits, e.g. 10ms or 1s (default 10ms).
    #[arg(long, value_name = "D")]
    duration: Option<String>,
    /// How many bytes each hash task hashes, e.g. 64KiB or 4MiB (default 1MiB).
    #[arg(long, value_name = "B")]
    bytes: Option<String>,
    /// Pool size for rayon, process-pool and async-multi (default: logical CPUs); gil: threads
    /// in all (default: one per task).
    #[arg(long, value_name = "W")]
    workers: Option<usize>,
    /// How long a gil thread may hold the lock before handing it over (default 5ms, as
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
    /// With --workload: how long each task waits (default 10ms).
    #[arg(long, value_name = "D", requires = "workload")]
    duration: Option<String>,
    /// With --workload: how many bytes each task hashes or receives (default 1MiB).
    #[arg(long, value_name = "B", requires = "workload")]
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
        Command::Run(args) => parbench::signals::exit_cleanly_on_termination()
            .map_err(Into::into)
            .and_then(|()| run(args)),
        Command::Machine { json } => machine(json),
        Command::Report { criterion_dir, out } => write_report(criterion_dir, out),
        Command::Compare { a, b, json } => parbench::compare::compare_files(&a, &b)
            .map(|c| print!("{}", if json { c.json() + "\n" } else { c.text() }))
            .map_err(Into::into),
        Command::Advise(args) => advise(args),
        Command::Worker => worker::serve_stdio().map_err(|e| anyhow::anyhow!("worker: {e}")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            // Library errors carry their cause in their message; printing the chain would repeat it.
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
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
    eprintln!("{line}");
    ExitCode::from(2)
}

fn run(args: RunArgs) -> anyhow::Result<()> {
    let duration = args
        .duration
        .as_deref()
        .map(|d| units::parse_duration("--duration", d))
        .transpose()?;
    let bytes = args
        .bytes
        .as_deref()
        .map(|b| units::parse_bytes("--bytes", b))
        .transpose()?;
    let workload = Workload::new(args.workload, duration, bytes)?;
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
    if !args.json {
        let repeats = match (repeat.warmup(), repeat.runs()) {
            (0, 1) => String::new(),
            (0, runs) => format!(": {runs} timed run(s)"),
            (warmup, runs) => format!(": {warmup} warm-up run(s), then {runs} timed run(s)"),
        };
        println!(
            "Running {} {} task(s) on {} ({}){repeats}",
            args.tasks,
            workload,
            strategy,
            Machine::detect().summary()
        );
        std::io::stdout().flush()?;
    }
    let report = run_repeated(&scenario, &config, repeat)?;
    if args.json {
        println!("{}", serde_json::to_string(&report)?);
    } else {
        println!("{}", report.text());
    }
    for warning in &report.warnings {
        eprintln!("Warning: {warning}");
    }
    Ok(())
}

fn machine(json: bool) -> anyhow::Result<()> {
    let machine = Machine::detect();
    if json {
        println!("{}", serde_json::to_string(&machine)?);
    } else {
        println!("logical cores:  {}", machine.logical_cores);
        println!("physical cores: {}", machine.physical_cores);
        println!("CPU model:      {}", machine.cpu_model);
        println!("OS:             {}", machine.os);
        println!("compiler:       {}", machine.rustc);
        println!("parbench:       {}", machine.parbench);
    }
    Ok(())
}

fn write_report(dir: Option<PathBuf>, out: PathBuf) -> anyhow::Result<()> {
    let dir = match dir {
        Some(dir) => dir,
        None => criterion_dir(&std::env::current_dir()?),
    };
    let summary = report::generate(&dir, &out)?;
    println!(
        "Report of {} benchmark(s) from {}:",
        summary.benchmarks,
        dir.display()
    );
    for path in [&summary.html, &summary.markdown, &summary.json] {
        println!("  {}", path.display());
    }
    if !summary.missing_groups.is_empty() {
        println!("Not run: {}", summary.missing_groups.join(", "));
    }
    Ok(())
}

fn advise(args: AdviseArgs) -> anyhow::Result<()> {
    use parbench::advise::{Case, parse_work_duration, rank};
    use parbench::format::time;
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
            let duration = args
                .duration
                .as_deref()
                .map(|d| units::parse_duration("--duration", d))
                .transpose()?;
            let bytes = args
                .bytes
                .as_deref()
                .map(|b| units::parse_bytes("--bytes", b))
                .transpose()?;
            Some(Workload::new(kind, duration, bytes)?)
        }
        None if cpu.is_none() && wait.is_none() => anyhow::bail!(
            "advise needs the tasks' work: --cpu and/or --wait (with --input), or --workload"
        ),
        None => None,
    };
    units::check_count("--tasks", args.tasks, units::MAX_TASKS)?;
    let default = PathBuf::from("reports").join(report::JSON_FILE);
    let (model, machine, source) = match &args.from {
        Some(path) => {
            let (model, machine) =
                parbench::costs::summary::read_model(path, report::SUMMARY_VERSION)?;
            (model, machine, path.display().to_string())
        }
        None if default.exists() => {
            let (model, machine) =
                parbench::costs::summary::read_model(&default, report::SUMMARY_VERSION)?;
            (model, machine, default.display().to_string())
        }
        None => {
            if !args.json {
                eprintln!(
                    "No {}: calibrating this machine's costs (a few seconds; `cargo bench` \
                     measures them properly)",
                    default.display()
                );
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
    let case = match &workload {
        Some(workload) => Case::from_workload(args.tasks, workload, &model)?,
        None => Case::from_work(
            args.tasks,
            cpu.unwrap_or_default(),
            wait.unwrap_or_default(),
            input.unwrap_or(0),
        )?,
    };
    let ranking = rank(&model, &case);
    if ranking.is_empty() {
        anyhow::bail!("{source} has costs for none of the strategies: run `cargo bench`");
    }
    let advice = parbench::advise::Advice {
        ranking,
        source,
        machine,
    };
    if args.json {
        println!("{}", serde_json::to_string(&advice)?);
        return Ok(());
    }
    println!(
        "{} task(s), each computing {}, waiting {}, receiving {}; model: {} ({} logical cores)",
        case.tasks,
        time(case.work.compute_ns.point),
        time(case.work.wait_ns.point),
        units::bytes_label(case.work.input_bytes),
        advice.source,
        model.logical_cores
    );
    for (i, r) in advice.ranking.iter().enumerate() {
        println!(
            "{:>2}. {:<13} {:>10}  {}",
            i + 1,
            r.strategy,
            time(r.predicted_seconds * 1e9),
            r.reason
        );
    }
    Ok(())
}
