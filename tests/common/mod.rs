//! What the integration tests share: the `parbench` command, strategies built with its worker
//! program, small workloads, timing helpers for noisy machines, process checks via /proc, and
//! fake Criterion data for the report, quality and compare tests.
//!
//! Each test file includes this with `mod common;` and uses only part of it.
#![allow(dead_code)]

pub mod fixture;

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

use parbench::strategy::{Strategy, StrategyConfig, StrategyKind};
use parbench::worker::WorkerCommand;
use parbench::workload::{TaskSet, Workload};

/// The `parbench` binary, ready for arguments.
pub fn parbench() -> assert_cmd::Command {
    assert_cmd::Command::new(assert_cmd::cargo::cargo_bin("parbench"))
}

/// `parbench report --criterion-dir <criterion> --out <out>`, ready to run and check.
pub fn report_command(criterion: &std::path::Path, out: &std::path::Path) -> assert_cmd::Command {
    let mut command = parbench();
    command
        .args(["report", "--criterion-dir"])
        .arg(criterion)
        .arg("--out")
        .arg(out);
    command
}

/// Runs `parbench run <args> --json`, checks it succeeded and returns its JSON report.
pub fn run_json(args: &[&str]) -> serde_json::Value {
    let output = parbench()
        .arg("run")
        .args(args)
        .arg("--json")
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap()
}

/// The `parbench` binary as worker program for the process strategies.
pub fn worker() -> WorkerCommand {
    WorkerCommand::parbench(env!("CARGO_BIN_EXE_parbench"))
}

/// A strategy configuration whose process strategies run [`worker`].
pub fn config() -> StrategyConfig {
    StrategyConfig::new().worker_command(worker())
}

/// Builds `kind` with [`config`].
pub fn build(kind: StrategyKind) -> Box<dyn Strategy> {
    kind.build(&config())
        .unwrap_or_else(|e| panic!("cannot build {kind}: {e}"))
}

/// Every workload at a small size.
pub fn small_workloads() -> Vec<Workload> {
    let ms = Duration::from_millis;
    vec![
        Workload::Noop,
        Workload::Sleep { duration: ms(5) },
        Workload::Hash { bytes: 100_000 },
        Workload::Mixed {
            bytes: 100_000,
            duration: ms(5),
        },
        Workload::File { bytes: 100_000 },
        Workload::Net { duration: ms(5) },
    ]
}

/// Timing tests of one test binary take this lock so that they do not compete for the cores.
pub fn timing_lock() -> MutexGuard<'static, ()> {
    static TIMING: Mutex<()> = Mutex::new(());
    TIMING.lock().unwrap_or_else(|e| e.into_inner())
}

/// The fastest of `runs` verified runs of `strategy`: the least disturbed by other load.
pub fn best_time(strategy: &dyn Strategy, tasks: &TaskSet, runs: usize) -> Duration {
    (0..runs)
        .map(|_| {
            let start = Instant::now();
            let outputs = strategy.run(tasks).unwrap();
            let elapsed = start.elapsed();
            tasks.verify(strategy.kind().name(), &outputs).unwrap();
            elapsed
        })
        .min()
        .unwrap()
}

/// Bytes one hash task needs to take about `target` on this build and machine.
pub fn hash_bytes_for(target: Duration) -> u64 {
    let probe = TaskSet::new(Workload::Hash { bytes: 1 << 20 }, 1).unwrap();
    let took = best_time(&*build(StrategyKind::Sequential), &probe, 3);
    let per_byte = took.as_secs_f64() / (1 << 20) as f64;
    ((target.as_secs_f64() / per_byte) as u64).clamp(64 << 10, 256 << 20)
}

/// The process ids of the children of `pid`, from /proc.
pub fn children_of(pid: u32) -> Vec<u32> {
    let mut children = Vec::new();
    let Ok(tasks) = std::fs::read_dir(format!("/proc/{pid}/task")) else {
        return children;
    };
    for task in tasks.flatten() {
        if let Ok(text) = std::fs::read_to_string(task.path().join("children")) {
            children.extend(
                text.split_whitespace()
                    .filter_map(|p| p.parse::<u32>().ok()),
            );
        }
    }
    children
}

/// Whether `pid` is running: it has a /proc entry and is not a zombie (after its parent exits,
/// init reaps it).
pub fn alive(pid: u32) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        Ok(stat) => !stat
            .rsplit(')')
            .next()
            .unwrap_or("")
            .trim_start()
            .starts_with('Z'),
        Err(_) => false,
    }
}

/// Whether `pid` still has a /proc entry: true for a zombie that nobody has reaped yet.
pub fn exists(pid: u32) -> bool {
    std::path::Path::new(&format!("/proc/{pid}")).exists()
}

/// Writes one benchmark as Criterion does: `benchmark.json` and `estimates.json` (mean
/// `mean_ns` with a ±`spread` interval) under `<dir>/<group>/<function>/<value>/new/`, and
/// returns that directory.
pub fn write_criterion_benchmark(
    dir: &Path,
    (group, function, value): (&str, &str, u64),
    mean_ns: f64,
    spread: f64,
) -> PathBuf {
    let full = format!("{group}/{function}/{value}");
    let new = dir.join(&full).join("new");
    std::fs::create_dir_all(&new).unwrap();
    let benchmark = serde_json::json!({
        "group_id": group, "function_id": function, "value_str": value.to_string(),
        "throughput": null, "full_id": full, "directory_name": full, "title": full,
    });
    let estimate = |point: f64| {
        serde_json::json!({
            "confidence_interval": {"confidence_level": 0.95,
                "lower_bound": point * (1.0 - spread), "upper_bound": point * (1.0 + spread)},
            "point_estimate": point, "standard_error": point * spread / 2.0,
        })
    };
    let estimates = serde_json::json!({
        "mean": estimate(mean_ns), "median": estimate(mean_ns),
        "median_abs_dev": estimate(mean_ns * 0.01), "slope": null,
        "std_dev": estimate(mean_ns * 0.02),
    });
    std::fs::write(new.join("benchmark.json"), benchmark.to_string()).unwrap();
    std::fs::write(new.join("estimates.json"), estimates.to_string()).unwrap();
    new
}

/// One group of a fake run: its name and, per task count, the sequential and threads means
/// in ns.
pub type FakeGroup<'a> = (&'a str, &'a [(u64, f64, f64)]);

/// A run made of fake Criterion data for `groups` (±1 % intervals), reported with `parbench
/// report` into `root/name/reports`; returns that directory's `summary.json`.
pub fn fake_run(root: &Path, name: &str, groups: &[FakeGroup]) -> PathBuf {
    let criterion = root.join(name).join("criterion");
    for (group, points) in groups {
        for &(n, sequential, threads) in points.iter() {
            write_criterion_benchmark(&criterion, (group, "sequential", n), sequential, 0.01);
            write_criterion_benchmark(&criterion, (group, "threads", n), threads, 0.01);
        }
    }
    let out = root.join(name).join("reports");
    report_command(&criterion, &out).assert().success();
    out.join("summary.json")
}
