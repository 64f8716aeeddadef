//! The noise guard end to end: fake Criterion data with and without noise, and load records
//! with and without a busy start, through `parbench report`; the marks and the warning appear
//! and disappear with them.

mod common;

use std::path::{Path, PathBuf};

use parbench::quality::load::{LOAD_FILE, LoadRecord, Moment};

/// How the fake measurements of one run look.
#[derive(Clone, Copy)]
enum Kind {
    /// ±1 % intervals, samples within ±1 %.
    Quiet,
    /// ±9 % intervals for threads, and 2 of 10 of its samples far out.
    Noisy,
}

/// Writes one benchmark as Criterion does: `benchmark.json`, `estimates.json` (mean ±`spread`)
/// and `sample.json` (flat sampling, per-iteration times `samples`).
fn write_benchmark(dir: &Path, id: (&str, &str, u64), mean_ns: f64, spread: f64, samples: &[f64]) {
    let new = common::write_criterion_benchmark(dir, id, mean_ns, spread);
    let sample = serde_json::json!({
        "sampling_mode": "Flat",
        "iters": vec![1.0; samples.len()],
        "times": samples,
    });
    std::fs::write(new.join("sample.json"), sample.to_string()).unwrap();
}

/// Ten samples around `mean`: within ±1 %, or with two far out (20 % severe outliers).
fn samples(mean: f64, kind: Kind) -> Vec<f64> {
    let mut values: Vec<f64> = (0..10)
        .map(|i| mean * (1.0 + 0.002 * (i as f64 - 4.5)))
        .collect();
    if let Kind::Noisy = kind {
        values[2] = mean * 3.0;
        values[7] = mean * 4.0;
    }
    values
}

/// A sleep sweep: sequential quiet, threads `kind`; load records with a busy start or not.
fn run(root: &Path, kind: Kind, busy: bool) -> PathBuf {
    let criterion = root.join("criterion");
    for n in [1u64, 8] {
        let seq = n as f64 * 1e7;
        write_benchmark(
            &criterion,
            ("sleep-10ms", "sequential", n),
            seq,
            0.01,
            &samples(seq, Kind::Quiet),
        );
        let spread = match kind {
            Kind::Quiet => 0.01,
            Kind::Noisy => 0.09,
        };
        write_benchmark(
            &criterion,
            ("sleep-10ms", "threads", n),
            1e7,
            spread,
            &samples(1e7, kind),
        );
    }
    let load = |moment, load: f64, others| LoadRecord {
        bench: "io_bound".to_string(),
        moment,
        load_average: [load, load, load],
        runnable_others: others,
        logical_cores: 2,
        at: "2026-11-28T10:00:00Z".to_string(),
    };
    let before = if busy {
        load(Moment::Before, 1.8, 2)
    } else {
        load(Moment::Before, 0.1, 0)
    };
    LoadRecord::save(&criterion, &before).unwrap();
    LoadRecord::save(&criterion, &load(Moment::After, 1.9, 0)).unwrap();
    assert!(criterion.join(LOAD_FILE).is_file());
    let out = root.join("reports");
    common::report_command(&criterion, &out).assert().success();
    out
}

fn read(out: &Path) -> (String, String, serde_json::Value) {
    let html = std::fs::read_to_string(out.join("index.html")).unwrap();
    // The full Markdown copy: `summary.md` keeps only the answer, not the noisy list.
    let md = std::fs::read_to_string(out.join("details.md")).unwrap();
    let json = std::fs::read_to_string(out.join("summary.json")).unwrap();
    (html, md, serde_json::from_str(&json).unwrap())
}

fn noise_of<'a>(json: &'a serde_json::Value, id: &str) -> &'a serde_json::Value {
    let benchmarks = json["benchmarks"].as_array().unwrap();
    &benchmarks.iter().find(|b| b["id"] == id).unwrap()["noise"]
}

const ADVICE: &str = "re-run on a quiet machine";

#[test]
fn a_quiet_run_has_no_marks_and_no_warning() {
    let dir = tempfile::tempdir().unwrap();
    let (html, md, json) = read(&run(dir.path(), Kind::Quiet, false));
    assert!(!html.contains(ADVICE) && !md.contains(ADVICE));
    assert!(!html.contains("(noisy measurement)"));
    let quality = &json["quality"];
    assert_eq!(quality["benchmarks"], 4);
    assert_eq!(quality["noisy"], 0);
    assert_eq!(quality["warning"], serde_json::Value::Null);
    assert_eq!(quality["busy_start"], false);
    assert_eq!(quality["load"].as_array().unwrap().len(), 2);
    let noise = noise_of(&json, "sleep-10ms/threads/8");
    assert_eq!(noise["noisy"], false);
    assert_eq!(noise["samples"], 10);
    assert_eq!(noise["severe_outliers"], 0);
    assert!((noise["relative_half_width"].as_f64().unwrap() - 0.01).abs() < 1e-9);
    assert!(html.contains("0 of 4 benchmarks noisy; load 0.10 before the first bench binary"));
    // Speedups use the run-to-run interval: ×8 with at least the ±5 % floor on each mean.
    let verdict = &json["verdicts"][0];
    assert_eq!(verdict["noisy"], false);
    let speedup = &verdict["speedup"];
    let (point, lower) = (
        speedup["point"].as_f64().unwrap(),
        speedup["lower"].as_f64().unwrap(),
    );
    assert!((point - 8.0).abs() < 1e-9);
    assert!(lower < 8.0 / 1.07, "{speedup}");
}

#[test]
fn noisy_benchmarks_are_marked_and_warned_about() {
    let dir = tempfile::tempdir().unwrap();
    let (html, md, json) = read(&run(dir.path(), Kind::Noisy, false));
    let quality = &json["quality"];
    assert_eq!(quality["noisy"], 2, "{quality}");
    let warning = quality["warning"].as_str().unwrap();
    assert!(
        warning.contains("2 of 4 benchmarks (50 %) are noisy"),
        "{warning}"
    );
    assert!(warning.ends_with("re-run on a quiet machine."), "{warning}");
    assert!(
        html.contains("id=\"quality-warning\""),
        "the warning opens the page"
    );
    assert!(md.contains(ADVICE));
    let noise = noise_of(&json, "sleep-10ms/threads/8");
    assert_eq!(noise["noisy"], true);
    assert_eq!(noise["severe_outliers"], 2);
    assert_eq!(noise_of(&json, "sleep-10ms/sequential/8")["noisy"], false);
    // The verdict resting on the noisy threads point says so, once: the matrix's row names
    // its group, whose verdicts carry the flag.
    assert_eq!(json["verdicts"][0]["noisy"], true);
    let row = &json["verdict_matrix"]["rows"][0];
    assert_eq!(row["group"], json["verdicts"][0]["group"], "{row}");
    assert!(
        row.get("cells").is_none(),
        "the verdicts are written once: {row}"
    );
    assert!(html.contains("(noisy measurement)"));
    assert!(html.contains("~"));
    assert!(md.contains("2 of 10 samples severe outliers"), "{md}");
}

#[test]
fn a_busy_start_alone_warns() {
    let dir = tempfile::tempdir().unwrap();
    let (html, _, json) = read(&run(dir.path(), Kind::Quiet, true));
    let quality = &json["quality"];
    assert_eq!(quality["noisy"], 0);
    assert_eq!(quality["busy_start"], true);
    let warning = quality["warning"].as_str().unwrap();
    assert!(
        warning.contains("the machine was busy when io_bound started"),
        "{warning}"
    );
    assert!(html.contains(ADVICE));
}

/// A sleep sweep at 8 tasks whose threads speedup is `speedup`, reported to `root/reports`.
fn run_with_speedup(root: &Path, speedup: f64) -> serde_json::Value {
    let criterion = root.join("criterion");
    let seq = 8e7;
    for (strategy, mean) in [("sequential", seq), ("threads", seq / speedup)] {
        write_benchmark(
            &criterion,
            ("sleep-10ms", strategy, 8),
            mean,
            0.01,
            &samples(mean, Kind::Quiet),
        );
    }
    let out = root.join("reports");
    common::report_command(&criterion, &out).assert().success();
    read(&out).2
}

#[test]
fn a_verdict_near_a_threshold_is_marked_borderline_and_a_clear_one_firm() {
    let near = tempfile::tempdir().unwrap();
    let json = run_with_speedup(near.path(), 1.13);
    let verdict = &json["verdicts"][0];
    assert_eq!(verdict["verdict"]["kind"], "helps", "{verdict}");
    assert_eq!(verdict["borderline"], true, "{verdict}");
    let html = std::fs::read_to_string(near.path().join("reports/index.html")).unwrap();
    assert!(html.contains("(borderline: a re-run may decide otherwise)"));
    assert!(html.contains("×1.13°"), "the matrix cell carries the mark");

    let far = tempfile::tempdir().unwrap();
    let json = run_with_speedup(far.path(), 6.0);
    let verdict = &json["verdicts"][0];
    assert_eq!(verdict["verdict"]["kind"], "helps", "{verdict}");
    assert_eq!(verdict["borderline"], false, "{verdict}");
    let html = std::fs::read_to_string(far.path().join("reports/index.html")).unwrap();
    assert!(!html.contains("(borderline: a re-run may decide otherwise)"));
}
