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
