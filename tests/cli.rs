//! The `parbench` command line: the seed example, JSON output, bad input, `machine` and help.

mod common;

use std::path::Path;

use parbench::strategy::StrategyKind;
use predicates::prelude::*;

use common::{parbench, run_json};

#[test]
fn the_seed_example_overlaps_two_sleeps() {
    // The seed's two 1 s sleeps, scaled down to 300 ms: threads take about one sleep.
    parbench()
        .args([
            "run",
            "--workload",
            "sleep",
            "--strategy",
            "threads",
            "--tasks",
            "2",
            "--duration",
            "300ms",
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "Running 2 sleep-300ms task(s) on threads",
        ))
        .stdout(predicate::str::is_match(r"(?m)^Finished in 0\.\d{2,3} second\(s\)$").unwrap());
}

#[test]
fn json_reports_every_field_and_verifies() {
    let report = run_json(&[
        "--workload",
        "hash",
        "--strategy",
        "rayon",
        "--tasks",
        "4",
        "--bytes",
        "64KiB",
    ]);
    for field in [
        "workload",
        "strategy",
        "tasks",
        "workers",
        "wall_seconds",
        "cpu_seconds",
        "verified",
        "digest",
    ] {
        assert!(report.get(field).is_some(), "missing {field} in {report}");
    }
    assert_eq!(report["workload"], "hash");
    assert_eq!(report["strategy"], "rayon");
    assert_eq!(report["tasks"], 4);
    assert_eq!(report["verified"], true);
    assert_eq!(report["digest"].as_str().unwrap().len(), 64);
}

#[test]
fn all_strategies_give_the_same_digest() {
    // Every strategy the CLI runs, each in a fresh process.
    let digests: Vec<_> = StrategyKind::ALL
        .iter()
        .map(|kind| {
            let s = kind.name();
            let r = run_json(&[
                "--workload",
                "hash",
                "--strategy",
                s,
                "--tasks",
                "3",
                "--bytes",
                "10KiB",
            ]);
            assert_eq!(r["verified"], true, "{s}");
            r["digest"].as_str().unwrap().to_string()
        })
        .collect();
    assert!(digests.windows(2).all(|w| w[0] == w[1]), "{digests:?}");
}

#[test]
fn no_verify_says_so() {
    let r = run_json(&[
        "--workload",
        "noop",
        "--strategy",
        "threads",
        "--tasks",
        "2",
        "--no-verify",
    ]);
    assert_eq!(r["verified"], false);
}

#[test]
fn sleeping_uses_little_cpu_and_hashing_uses_a_lot() {
    let sleep = run_json(&[
        "--workload",
        "sleep",
        "--strategy",
        "threads",
        "--tasks",
        "4",
        "--duration",
        "200ms",
    ]);
    let sleep_wall = sleep["wall_seconds"].as_f64().unwrap();
    let sleep_cpu = sleep["cpu_seconds"].as_f64().unwrap();
    assert!(sleep_cpu < sleep_wall / 4.0, "{sleep}");
    // Process workers' CPU time counts too: hashing in workers is not free.
    let hash = run_json(&[
        "--workload",
        "hash",
        "--strategy",
        "processes",
        "--tasks",
        "2",
        "--bytes",
        "8MiB",
    ]);
    assert!(hash["cpu_seconds"].as_f64().unwrap() > 0.01, "{hash}");
}

#[test]
fn bad_input_gives_one_line_naming_the_flag() {
    // (arguments of `parbench run`, what the one-line error must say)
    let cases: &[(&str, &str)] = &[
        (
            "--workload hash --strategy threads --tasks 0",
            "--tasks must be between 1 and 100000, got 0",
        ),
        (
            "--workload hash --strategy threads --tasks 2 --bytes 0",
            "--bytes must be between 1B and 1GiB",
        ),
        (
            "--workload hash --strategy threads --tasks 2 --bytes 1TiB",
            "--bytes must be between 1B and 1GiB",
        ),
        (
            "--workload hash --strategy threads --tasks 2 --bytes lots",
            "--bytes must be a size",
        ),
        (
            "--workload sleep --strategy threads --tasks 2 --duration soon",
            "--duration must be a duration",
        ),
        (
            "--workload sleep --strategy threads --tasks 2 --duration 0s",
            "--duration must be between",
        ),
        (
            "--workload spin --strategy threads --tasks 2",
            "invalid value 'spin' for '--workload <NAME>' [possible values: sleep, hash, noop, mixed, file, net, receive]",
        ),
        (
            "--workload hash --strategy fibers --tasks 2",
            "invalid value 'fibers' for '--strategy <NAME>' [possible values: sequential, threads, rayon, processes, process-pool, gil, async, async-multi]",
        ),
        (
            "--workload hash --strategy rayon --tasks 2 --workers 0",
            "--workers must be between 1 and 1024",
        ),
        (
            "--workload noop --strategy processes --tasks 100000",
            "--tasks must be between 1 and 2048 with the processes strategy",
        ),
        (
            "--workload hash --strategy threads --tasks 8 --bytes 1GiB",
            "--bytes times --tasks must be at most 4 GiB",
        ),
        (
            "--workload noop --strategy threads --tasks 100000",
            "--tasks 100000 is more than the threads strategy can run here",
        ),
        (
            "--workload noop --strategy gil --tasks 100000",
            "or give --workers N to run them on a pool",
        ),
        (
            "--workload sleep --strategy sequential --tasks 100000 --duration 10min --runs 10000",
            "this run would take at least 292 years",
        ),
        (
            "--workload hash --strategy threads --tasks 2 --workers 4",
            "--workers does not apply to the threads strategy",
        ),
        (
            "--workload hash --strategy rayon --tasks 2 --switch-interval 1ms",
            "--switch-interval applies only to the gil strategy",
        ),
        (
            "--workload hash --strategy gil --tasks 2 --duration 1s",
            "--duration does not apply to the hash workload",
        ),
        (
            "--workload sleep --strategy threads --tasks 2 --bytes 1MiB",
            "--bytes does not apply to the sleep workload",
        ),
    ];
    for (args, message) in cases {
        let output = parbench()
            .arg("run")
            .args(args.split_whitespace())
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(!output.status.success(), "{args:?} succeeded");
        assert!(stderr.contains(message), "{args:?}: {stderr}");
        assert_eq!(stderr.trim_end().lines().count(), 1, "{args:?}: {stderr}");
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
    }
}

#[test]
fn a_long_run_starts_with_yes_and_limits_are_refused_before_the_heading() {
    // 400 sleeps of 10 s one after another: over an hour, refused without --yes.
    let long = "--workload sleep --strategy sequential --tasks 400 --duration 10s";
    let output = parbench()
        .arg("run")
        .args(long.split_whitespace())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("at least 66.7 min (one run of at least 66.7 min: 400 tasks wait 10.0 s one after another); pass --yes"),
        "{stderr}"
    );
    assert!(output.stdout.is_empty(), "refused before the heading");
    // The same tasks overlapping on threads take 10 s: no question asked (checked, not run).
    let output = parbench()
        .args([
            "run",
            "--workload",
            "noop",
            "--strategy",
            "threads",
            "--tasks",
            "100000",
        ])
        .output()
        .unwrap();
    assert!(output.stdout.is_empty(), "refused before the heading");
    assert!(String::from_utf8_lossy(&output.stderr).contains("vm.max_map_count"));
}

/// Runs `parbench <args>` with its stdout a pipe that is closed before parbench writes.
fn with_closed_stdout(args: &[&str]) -> std::process::Output {
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("parbench"))
        .args(args)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    child.wait_with_output().unwrap()
}

#[test]
fn a_closed_stdout_ends_quietly_and_a_full_disk_is_one_line() {
    let summary = Path::new(env!("CARGO_MANIFEST_DIR")).join("reports/example/summary.json");
    let summary = summary.to_str().unwrap();
    let commands: &[&[&str]] = &[
        &["machine"],
        &["machine", "--json"],
        &[
            "run",
            "--workload",
            "noop",
            "--strategy",
            "threads",
            "--tasks",
            "2",
        ],
        &[
            "run",
            "--workload",
            "noop",
            "--strategy",
            "threads",
            "--tasks",
            "2",
            "--json",
        ],
        &[
            "advise", "--wait", "10ms", "--tasks", "4", "--from", summary,
        ],
        &[
            "advise", "--wait", "10ms", "--tasks", "4", "--json", "--from", summary,
        ],
        &["compare", summary, summary],
        &["compare", summary, summary, "--json"],
    ];
    for args in commands {
        let output = with_closed_stdout(args);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(0), "{args:?}: {stderr}");
        assert!(
            stderr.trim().is_empty() || !stderr.contains("panicked"),
            "{args:?}: {stderr}"
        );
        assert!(!stderr.contains("error"), "{args:?}: {stderr}");
        if !Path::new("/dev/full").exists() {
            continue;
        }
        let output = std::process::Command::new(assert_cmd::cargo::cargo_bin("parbench"))
            .args(*args)
            .stdout(std::fs::File::create("/dev/full").unwrap())
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(1), "{args:?}: {stderr}");
        let line = stderr.lines().next().unwrap_or_default();
        assert!(
            line.starts_with("error: cannot write the ")
                && line.ends_with("to standard output: No space left on device (os error 28)"),
            "{args:?}: {stderr}"
        );
        assert_eq!(stderr.trim_end().lines().count(), 1, "{args:?}: {stderr}");
    }
}

#[test]
fn machine_prints_the_core_counts() {
    parbench()
        .arg("machine")
        .assert()
        .success()
        .stdout(predicate::str::contains(format!(
            "logical cores:  {}",
            num_cpus::get()
        )))
        .stdout(predicate::str::contains(format!(
            "physical cores: {}",
            num_cpus::get_physical()
        )));
    let out = parbench().args(["machine", "--json"]).output().unwrap();
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["logical_cores"], num_cpus::get());
}

#[test]
fn worker_subcommand_serves_nothing_on_empty_input() {
    parbench()
        .arg("worker")
        .write_stdin(Vec::new())
        .assert()
        .success();
    parbench()
        .arg("worker")
        .write_stdin(vec![0xff; 12])
        .assert()
        .failure()
        .stderr(predicate::str::contains("worker:"));
}

#[test]
fn help_lists_the_subcommands() {
    let out = parbench().arg("--help").output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("run") && text.contains("machine"), "{text}");
    assert!(Path::new(env!("CARGO_BIN_EXE_parbench")).exists());
}
