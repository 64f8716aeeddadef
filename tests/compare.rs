//! `parbench compare`: two summaries written by `parbench report` from fake Criterion data,
//! compared as a user would, and the one-line errors for files that are not summaries.

mod common;

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use predicates::str::contains;

/// Writes one benchmark as Criterion would, with a ±`spread` interval.
fn write_benchmark(dir: &Path, id: (&str, &str, u64), mean_ns: f64, spread: f64) {
    common::write_criterion_benchmark(dir, id, mean_ns, spread);
}

/// A run of the sleep group: sequential takes `n × 10 ms`, threads `10 ms × factor[n]`.
fn run(root: &Path, name: &str, threads: &[(u64, f64)]) -> PathBuf {
    let criterion = root.join(name).join("criterion");
    for &(n, t) in threads {
        write_benchmark(
            &criterion,
            ("sleep-10ms", "sequential", n),
            n as f64 * 1e7,
            0.01,
        );
        write_benchmark(&criterion, ("sleep-10ms", "threads", n), t, 0.01);
    }
    let out = root.join(name).join("reports");
    common::report_command(&criterion, &out).assert().success();
    out.join("summary.json")
}

fn parbench() -> Command {
    Command::cargo_bin("parbench").unwrap()
}

#[test]
fn a_run_compared_with_itself_agrees_everywhere() {
    let dir = tempfile::tempdir().unwrap();
    let a = run(dir.path(), "a", &[(1, 1e7), (8, 1.05e7), (64, 1.2e7)]);
    parbench()
        .args(["compare"])
        .arg(&a)
        .arg(&a)
        .assert()
        .success()
        .stdout(contains(
            "B's speedups inside A's intervals: 3 of 3 (100.0 %)",
        ))
        .stdout(contains("Verdicts agreeing: 1 of 1 (100.0 %)"));
}

#[test]
fn moved_points_changed_verdicts_and_json() {
    let dir = tempfile::tempdir().unwrap();
    // In B, threads at 64 tasks take 1 s instead of 12 ms: ×53 becomes ×0.64, and the verdict
    // (taken at 64 tasks) turns from helps to hurts; 8 tasks barely move; 1 task doubles.
    let a = run(dir.path(), "a", &[(1, 1e7), (8, 1.05e7), (64, 1.2e7)]);
    let b = run(dir.path(), "b", &[(1, 2e7), (8, 1.06e7), (64, 1e9)]);
    let output = parbench()
        .args(["compare", "--json"])
        .arg(&a)
        .arg(&b)
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(json["common_benchmarks"], 6);
    assert_eq!(json["b_inside_a"]["common"], 3, "{json}");
    assert!(
        json["b_inside_a"]["inside"].as_u64().unwrap() <= 1,
        "{json}"
    );
    assert_eq!(json["moved_most"][0]["id"], "sleep-10ms/threads/64");
    let ratio = json["moved_most"][0]["ratio"].as_f64().unwrap();
    assert!((ratio - 1e9 / 1.2e7).abs() < 1e-6, "{ratio}");
    assert_eq!(json["agreeing_verdicts"], 0);
    assert_eq!(json["changed_verdicts"][0]["id"], "sleep-10ms/threads");
    let text = parbench().arg("compare").arg(&a).arg(&b).output().unwrap();
    let text = String::from_utf8(text.stdout).unwrap();
    assert!(text.contains("Means that moved most (B / A):"), "{text}");
    assert!(text.contains("sleep-10ms/threads/64: ×83.333"), "{text}");
    assert!(
        text.contains("changed sleep-10ms/threads: helps ×53.3 (sleep-10ms/threads/64) → hurts"),
        "{text}"
    );
}

#[test]
fn missing_corrupt_and_foreign_files_are_one_line_errors() {
    let dir = tempfile::tempdir().unwrap();
    let a = run(dir.path(), "a", &[(1, 1e7), (8, 1.05e7)]);
    let check = |other: &Path, expected: &str| {
        let output = parbench()
            .arg("compare")
            .arg(&a)
            .arg(other)
            .output()
            .unwrap();
        assert!(!output.status.success());
        let stderr = String::from_utf8(output.stderr).unwrap();
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
        assert!(stderr.contains(expected), "{stderr}");
        assert!(stderr.contains(&other.display().to_string()), "{stderr}");
    };
    check(&dir.path().join("absent.json"), "cannot read");
    let corrupt = dir.path().join("corrupt.json");
    std::fs::write(&corrupt, "{ \"schema\": \"parbench-summary\", ").unwrap();
    check(&corrupt, "not JSON");
    let foreign = dir.path().join("hyperfine.json");
    std::fs::write(
        &foreign,
        r#"{"results": [{"command": "sleep 1", "mean": 1.0}]}"#,
    )
    .unwrap();
    check(&foreign, "not a parbench summary");
}

#[test]
fn other_versions_and_empty_summaries_are_refused_in_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let a = run(dir.path(), "a", &[(1, 1e7), (8, 1.05e7)]);
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&a).unwrap()).unwrap();
    let variant = |name: &str, change: &dyn Fn(&mut serde_json::Value)| {
        let mut value = json.clone();
        change(&mut value);
        let path = dir.path().join(name);
        std::fs::write(&path, value.to_string()).unwrap();
        path
    };
    let older = variant("older.json", &|v| v["version"] = 7.into());
    let empty = variant("empty.json", &|v| v["benchmarks"] = serde_json::json!([]));
    for (other, expected) in [
        (&older, "of version 7; regenerate the older one"),
        (&empty, "they have no benchmark in common (A has 4, B 0)"),
    ] {
        let output = parbench()
            .arg("compare")
            .arg(&a)
            .arg(other)
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(1));
        let stderr = String::from_utf8(output.stderr).unwrap();
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
        assert!(stderr.contains(expected), "{stderr}");
    }
}
