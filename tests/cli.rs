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
            "--bytes times --tasks must be at most 4GiB",
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
