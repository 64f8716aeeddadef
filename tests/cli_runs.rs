//! `parbench run --runs N --warmup K`: repeated runs, their summary, their warnings.
//!
//! Timings on a shared machine are noisy: these tests check structure and consistency, and
//! time only with wide margins (lower bounds that sleeping guarantees).

use std::process::Output;
use std::time::{Duration, Instant};

mod common;

/// `parbench run <args>`, its output whatever its status.
fn parbench_run(args: &[&str]) -> Output {
    common::parbench().arg("run").args(args).output().unwrap()
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn json(output: &Output) -> serde_json::Value {
    assert!(output.status.success(), "{}", stderr(output));
    serde_json::from_slice(&output.stdout).unwrap()
}

fn seconds(report: &serde_json::Value, field: &str) -> f64 {
    report[field]
        .as_f64()
        .unwrap_or_else(|| panic!("{field} in {report}"))
}

/// The JSON fields of repeated runs, and how they must agree with each other.
#[test]
fn json_summarises_every_timed_run() {
    let output = parbench_run(&[
        "--workload",
        "hash",
        "--strategy",
        "rayon",
        "--tasks",
        "4",
        "--bytes",
        "64KiB",
        "--runs",
        "7",
        "--warmup",
        "2",
        "--json",
    ]);
    let report = json(&output);
    // Every field of a single run is still there.
    for field in [
        "workload",
        "workload_label",
        "strategy",
        "tasks",
        "workers",
        "wall_seconds",
        "cpu_seconds",
        "verified",
        "digest",
        "logical_cores",
        "peak_rss_bytes",
    ] {
        assert!(report.get(field).is_some(), "{field} missing: {report}");
    }
    let runs: Vec<f64> = report["runs_seconds"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t.as_f64().unwrap())
        .collect();
    assert_eq!(runs.len(), 7, "{report}");
    assert_eq!(report["runs_cpu_seconds"].as_array().unwrap().len(), 7);
    assert_eq!(report["warmup_runs"], 2);
    assert!(runs.iter().all(|&t| t > 0.0), "{runs:?}");

    let (min, max) = (
        seconds(&report, "min_seconds"),
        seconds(&report, "max_seconds"),
    );
    let median = seconds(&report, "median_seconds");
    let mean = seconds(&report, "mean_seconds");
    let stddev = seconds(&report, "stddev_seconds");
    assert_eq!(seconds(&report, "wall_seconds"), median);
    assert!(min <= median && median <= max, "{report}");
    assert!(min <= mean && mean <= max, "{report}");
    assert!(stddev >= 0.0 && stddev <= max - min, "{report}");
    let fastest = runs.iter().copied().fold(f64::INFINITY, f64::min);
    let slowest = runs.iter().copied().fold(0.0, f64::max);
    assert_eq!((min, max), (fastest, slowest));
    let mut sorted = runs.clone();
    sorted.sort_by(f64::total_cmp);
    assert_eq!(median, sorted[3]);
    let sum: f64 = runs.iter().sum();
    assert!((mean - sum / 7.0).abs() < 1e-12, "{report}");
    assert_eq!(report["verified"], true);
    assert!(report["warnings"].is_array());
}

/// One run (the default) reports one time, no spread and the seed's single line.
#[test]
fn one_run_is_the_default() {
    let report = json(&parbench_run(&[
        "--workload",
        "sleep",
        "--strategy",
        "threads",
        "--tasks",
        "2",
        "--duration",
        "20ms",
        "--json",
    ]));
    assert_eq!(report["runs_seconds"].as_array().unwrap().len(), 1);
    assert_eq!(report["warmup_runs"], 0);
    assert!(report["stddev_seconds"].is_null(), "{report}");
    assert_eq!(report["wall_seconds"], report["runs_seconds"][0]);
}

/// Warm-up runs happen (the process takes their time) but are not among the timed runs.
#[test]
fn warm_up_runs_are_run_but_not_counted() {
    let start = Instant::now();
    let report = json(&parbench_run(&[
        "--workload",
        "sleep",
        "--strategy",
        "threads",
        "--tasks",
        "2",
        "--duration",
        "100ms",
        "--runs",
        "2",
        "--warmup",
        "3",
        "--json",
    ]));
    let elapsed = start.elapsed();
    assert_eq!(report["runs_seconds"].as_array().unwrap().len(), 2);
    assert_eq!(report["warmup_runs"], 3);
    // Five runs of a 100 ms sleep happened: at least 500 ms in all.
    assert!(elapsed >= Duration::from_millis(500), "{elapsed:?}");
    for t in report["runs_seconds"].as_array().unwrap() {
        assert!(t.as_f64().unwrap() >= 0.1, "{report}");
    }
}

/// A run of microseconds gets hyperfine's short-run warning on stderr, with advice.
#[test]
fn short_runs_are_warned_about() {
    let output = parbench_run(&[
        "--workload",
        "noop",
        "--strategy",
        "sequential",
        "--tasks",
        "1",
        "--runs",
        "5",
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    let err = stderr(&output);
    assert!(
        err.lines()
            .any(|l| l.starts_with("Warning: a run took less than 5 ms") && l.contains("--runs")),
        "{err}"
    );
    // Warnings go to stderr only, also with --json, where they are in the object too.
    assert!(!stdout(&output).contains("Warning"), "{}", stdout(&output));
    let json_output = parbench_run(&[
        "--workload",
        "noop",
        "--strategy",
        "sequential",
        "--tasks",
        "1",
        "--json",
    ]);
    let report = json(&json_output);
    let warnings = report["warnings"].as_array().unwrap();
    assert!(
        warnings
            .iter()
            .any(|w| w.as_str().unwrap().starts_with("a run took less than 5 ms")),
        "{report}"
    );
    assert!(stderr(&json_output).contains("Warning: a run took less than 5 ms"));
}

/// Steady 50 ms runs after a warm-up give no warning at all.
#[test]
fn steady_runs_give_no_warning() {
    let output = parbench_run(&[
        "--workload",
        "sleep",
        "--strategy",
        "threads",
        "--tasks",
        "2",
        "--duration",
        "50ms",
        "--runs",
        "5",
        "--warmup",
        "1",
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(!stderr(&output).contains("Warning"), "{}", stderr(&output));
}

/// The text output of repeated runs: mean ± σ, median, range, and the seed's last line.
#[test]
fn text_output_gives_mean_median_and_range() {
    let output = parbench_run(&[
        "--workload",
        "sleep",
        "--strategy",
        "threads",
        "--tasks",
        "2",
        "--duration",
        "20ms",
        "--runs",
        "4",
        "--warmup",
        "1",
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    let out = stdout(&output);
    let time = r"\d+(\.\d+)? (s|ms|µs)";
    let expected = [
        r"^Running 2 sleep-20ms task\(s\) on threads \(.*\): 1 warm-up run\(s\), then 4 timed run\(s\)$"
            .to_string(),
        format!(r"^workers: 2, CPU time: {time} \(median of 4 runs\), verified: true, digest: [0-9a-f]{{64}}$"),
        format!(r"^  Time \(mean ± σ\): +{time} ± +{time}    \[CPU: {time}\]$"),
        format!(r"^  Median: +{time}$"),
        format!(r"^  Range \(min … max\): +{time} … +{time}    4 runs, after 1 warm-up run$"),
        r"^Finished in 0\.0\d\d\d? second\(s\) \(median of 4 runs\)$".to_string(),
    ];
    for pattern in expected {
        let re = matcher(&pattern);
        assert!(out.lines().any(&re), "no line matches {pattern}:\n{out}");
    }
}

/// Times keep three decimals below 0.1 s: a 20 ms run is `0.020`, not `0.02`.
#[test]
fn times_keep_three_decimals_below_a_tenth() {
    let output = parbench_run(&[
        "--workload",
        "sleep",
        "--strategy",
        "threads",
        "--tasks",
        "2",
        "--duration",
        "20ms",
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    let out = stdout(&output);
    let last = out.lines().last().unwrap();
    let value = last
        .strip_prefix("Finished in ")
        .and_then(|l| l.strip_suffix(" second(s)"))
        .unwrap_or_else(|| panic!("{out}"));
    // 0.020 to 0.099: three decimals below 0.1, as the report prints a number.
    assert!(
        value.len() == 5 && value.starts_with("0.0"),
        "{value} in {out}"
    );
}

/// Bad counts give one line naming the flag and its range.
#[test]
fn bad_counts_name_the_flag_and_range() {
    for (args, message) in [
        (
            &["--runs", "0"][..],
            "--runs must be between 1 and 10000, got 0",
        ),
        (
            &["--runs", "1000000"][..],
            "--runs must be between 1 and 10000, got 1000000",
        ),
        (
            &["--warmup", "5000"][..],
            "--warmup must be between 0 and 1000, got 5000",
        ),
        (&["--warmup", "-1"][..], "'--warmup <K>'"),
        (&["--runs", "many"][..], "'--runs <N>'"),
    ] {
        let mut all = vec![
            "--workload",
            "noop",
            "--strategy",
            "sequential",
            "--tasks",
            "1",
        ];
        all.extend_from_slice(args);
        let output = parbench_run(&all);
        assert!(!output.status.success(), "{args:?}");
        let err = stderr(&output);
        assert!(err.contains(message), "{args:?}: {err}");
        assert_eq!(err.trim_end().lines().count(), 1, "{args:?}: {err}");
    }
}

/// Whether a line matches `pattern`, with `predicates`' regex support.
fn matcher(pattern: &str) -> impl Fn(&str) -> bool {
    use predicates::prelude::*;
    let predicate = predicate::str::is_match(pattern).unwrap();
    move |line: &str| predicate.eval(line)
}
