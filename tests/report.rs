//! The report end to end: a fake Criterion tree in a temp dir, `generate`, and checks of the
//! HTML (parsed back), the Markdown (snapshot), the JSON, and the CLI.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use parbench::machine::Machine;
use parbench::report;
use parbench::suite::{Profile, RunMeta};
use predicates::prelude::PredicateBooleanExt;
use predicates::str::contains;
use scraper::{Html, Selector};

/// Writes one benchmark as Criterion would: `benchmark.json` and `estimates.json` (mean with a
/// ±2 % interval) under `<dir>/<group>/<function>/<value>/new/`.
fn write_benchmark(dir: &Path, group: &str, function: &str, value: u64, mean_ns: f64) {
    let new = dir
        .join(group)
        .join(function)
        .join(value.to_string())
        .join("new");
    std::fs::create_dir_all(&new).unwrap();
    let full = format!("{group}/{function}/{value}");
    let id = serde_json::json!({
        "group_id": group, "function_id": function, "value_str": value.to_string(),
        "throughput": null, "full_id": full, "directory_name": full, "title": full,
    });
    let estimate = |point: f64| {
        serde_json::json!({
            "confidence_interval": {
                "confidence_level": 0.95, "lower_bound": point * 0.98, "upper_bound": point * 1.02,
            },
            "point_estimate": point, "standard_error": point * 0.01,
        })
    };
    let estimates = serde_json::json!({
        "mean": estimate(mean_ns), "median": estimate(mean_ns),
        "median_abs_dev": estimate(mean_ns * 0.01), "slope": null,
        "std_dev": estimate(mean_ns * 0.02),
    });
    std::fs::write(new.join("benchmark.json"), id.to_string()).unwrap();
    std::fs::write(new.join("estimates.json"), estimates.to_string()).unwrap();
}

/// The run record of a fixed 2-core machine, so outputs do not depend on this machine.
fn write_meta(dir: &Path) {
    RunMeta {
        machine: Machine {
            logical_cores: 2,
            physical_cores: 2,
            cpu_model: "Test CPU".to_string(),
            os: "testos".to_string(),
            rustc: "rustc 1.0.0".to_string(),
            parbench: "0.1.0".to_string(),
        },
        profile: Profile::Default,
        started: "2026-01-01T00:00:00Z".to_string(),
    }
    .write(dir)
    .unwrap();
}

const MS: f64 = 1e6;

fn write_sleep(dir: &Path, threads_speedup_at_64: f64) {
    for n in [1u64, 4, 64] {
        let seq = n as f64 * 10.0 * MS;
        write_benchmark(dir, "sleep-10ms", "sequential", n, seq);
        let threads = if n == 64 {
            seq / threads_speedup_at_64
        } else {
            10.2 * MS
        };
        write_benchmark(dir, "sleep-10ms", "threads", n, threads);
        write_benchmark(dir, "sleep-10ms", "rayon", n, seq / (n.min(2) as f64));
        write_benchmark(dir, "sleep-10ms", "processes", n, 10.0 * MS + n as f64 * MS);
    }
    // No sequential point at 128: speedup absent, never invented.
    write_benchmark(dir, "sleep-10ms", "threads", 128, 11.0 * MS);
}

fn write_rest(dir: &Path) {
    for n in [1u64, 2, 4, 16] {
        let seq = n as f64 * 2.0 * MS;
        let parallel = seq / (n.min(2) as f64);
        write_benchmark(dir, "hash-1MiB", "sequential", n, seq);
        write_benchmark(dir, "hash-1MiB", "threads", n, parallel * 1.02);
        write_benchmark(dir, "hash-1MiB", "rayon", n, parallel * 1.01);
        write_benchmark(dir, "hash-1MiB", "processes", n, parallel + 1.5 * MS);
    }
    for bytes in [1u64 << 10, 64 << 10, 1 << 20] {
        let seq = 4.0 * bytes as f64 * 2.0;
        write_benchmark(dir, "hash-size-n4", "sequential", bytes, seq);
        write_benchmark(dir, "hash-size-n4", "threads", bytes, seq / 2.0 + 40e3);
        write_benchmark(
            dir,
            "hash-size-n4",
            "processes",
            bytes,
            seq / 2.0 + 8.0 * MS,
        );
    }
    for (strategy, per_task) in [
        ("sequential", 50.0),
        ("threads", 20e3),
        ("processes", 1.0 * MS),
    ] {
        for n in [1u64, 16] {
            write_benchmark(dir, "overhead", strategy, n, per_task * n as f64);
        }
    }
    // Not parbench's: skipped with a note.
    write_benchmark(dir, "fib", "recursive", 20, 5.0);
}

/// A temp dir with `criterion/` (full fake data) and `reports/` as the output.
fn full_tree() -> (tempfile::TempDir, PathBuf, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let criterion = tmp.path().join("criterion");
    write_meta(&criterion);
    write_sleep(&criterion, 58.0);
    write_rest(&criterion);
    let out = tmp.path().join("reports");
    (tmp, criterion, out)
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap()
}

/// The file without its generation time (the only line allowed to differ).
fn without_generation_time(text: &str) -> String {
    text.lines()
        .filter(|l| !l.contains("Generated:") && !l.contains("\"generated\":"))
        .collect::<Vec<_>>()
        .join("\n")
}

fn table_rows(html: &Html, table: &str) -> Vec<Vec<String>> {
    let rows = Selector::parse(&format!("{table} tr")).unwrap();
    let cells = Selector::parse("td").unwrap();
    html.select(&rows)
        .map(|r| {
            r.select(&cells)
                .map(|c| c.text().collect::<String>())
                .collect::<Vec<_>>()
        })
        .filter(|r| !r.is_empty())
        .collect()
}

#[test]
fn html_has_machine_verdicts_break_even_charts_and_links() {
    let (_tmp, criterion, out) = full_tree();
    let summary = report::generate(&criterion, &out).unwrap();
    assert_eq!(summary.benchmarks, 12 + 1 + 16 + 9 + 6);
    assert!(summary.missing_groups.is_empty());
    assert_eq!(summary.skipped.len(), 1);
    let html = Html::parse_document(&read(&summary.html));

    let machine = table_rows(&html, "#machine-table");
    assert!(machine.iter().any(|r| r[0] == "2"), "{machine:?}");
    assert!(machine.iter().any(|r| r[0] == "Test CPU"));

    let verdicts = table_rows(&html, "#verdicts-table");
    let verdict = |group: &str, strategy: &str| {
        verdicts
            .iter()
            .find(|r| r[0] == group && r[1] == strategy)
            .unwrap_or_else(|| panic!("no verdict for {group}/{strategy}: {verdicts:?}"))
            .clone()
    };
    let threads = verdict("sleep-10ms", "threads");
    assert_eq!(threads[2], "64", "taken at the largest N with a baseline");
    assert!(threads[4].starts_with("helps ×58"), "{threads:?}");
    assert!(verdict("hash-1MiB", "threads")[4].starts_with("helps ×1.9"));
    assert!(verdict("hash-size-n4", "processes")[4].starts_with("hurts ×"));
    assert!(!verdicts.iter().any(|r| r[1] == "sequential"));

    let break_even = table_rows(&html, "#break-even-table");
    assert_eq!(break_even[0][1], "threads");
    assert_eq!(break_even[0][2], "64KiB per task");
    assert!(break_even[0][3].starts_with("20.0 µs"), "{break_even:?}");
    assert_eq!(break_even[1][1], "processes");
    assert!(break_even[1][2].starts_with("never in the measured range (up to 1MiB)"));

    let no_baseline = table_rows(&html, "table[data-group=\"sleep-10ms\"]");
    assert!(
        no_baseline
            .iter()
            .any(|r| r[0] == "threads" && r[1] == "128" && r[3] == "no baseline measured"),
        "{no_baseline:?}"
    );

    // Every row of every table but the machine's links to Criterion's page of its benchmark.
    let link = Selector::parse("a").unwrap();
    let row = Selector::parse("#verdicts-table tr, #break-even-table tr, .group-table tr").unwrap();
    let mut links = 0;
    for tr in html.select(&row) {
        if tr.select(&Selector::parse("th").unwrap()).next().is_some() {
            continue;
        }
        let a = tr.select(&link).next().expect("row has a link");
        let href = a.value().attr("href").unwrap();
        assert!(href.starts_with("../criterion/") && href.ends_with("/report/index.html"));
        let bench_dir = out.join(href.trim_end_matches("/report/index.html"));
        assert!(bench_dir.join("new/benchmark.json").is_file(), "{href}");
        links += 1;
    }
    assert!(links > 40, "{links}");

    let svg = Selector::parse("figure svg").unwrap();
    assert!(
        html.select(&svg).count() >= 4,
        "sleep, hash, hash-size (2), overhead"
    );
    let text = read(&summary.html);
    for offline in ["<script", "href=\"http", "src=", "@import", "url("] {
        assert!(
            !text.contains(offline),
            "the page must work offline: {offline}"
        );
    }
    let findings = Selector::parse("#findings-list li").unwrap();
    let findings: Vec<String> = html
        .select(&findings)
        .map(|li| li.text().collect())
        .collect();
    assert!(
        findings
            .iter()
            .any(|f| f.contains("rayon is the wrong pool for blocking work")),
        "{findings:?}"
    );
}

#[test]
fn markdown_snapshot() {
    let (_tmp, criterion, out) = full_tree();
    let summary = report::generate(&criterion, &out).unwrap();
    let md = read(&summary.markdown);
    assert!(md.contains("Generated: "));
    insta::assert_snapshot!(without_generation_time(&md));
}

#[test]
fn json_has_schema_machine_benchmarks_and_verdicts() {
    let (_tmp, criterion, out) = full_tree();
    let summary = report::generate(&criterion, &out).unwrap();
    let json: serde_json::Value = serde_json::from_str(&read(&summary.json)).unwrap();
    assert_eq!(json["schema"], "parbench-summary");
    assert_eq!(json["version"], report::SUMMARY_VERSION);
    assert_eq!(json["machine"]["logical_cores"], 2);
    assert_eq!(json["machine"]["source"], "recorded-by-benches");
    assert_eq!(json["profile"], "default");
    let benchmarks = json["benchmarks"].as_array().unwrap();
    assert_eq!(benchmarks.len(), summary.benchmarks);
    let find = |id: &str| {
        benchmarks
            .iter()
            .find(|b| b["id"] == id)
            .unwrap_or_else(|| panic!("{id}"))
    };
    let t = find("sleep-10ms/threads/64");
    let s = t["speedup"]["point"].as_f64().unwrap();
    assert!((s - 58.0).abs() < 1e-6, "{s}");
    assert!(t["speedup"]["lower"].as_f64().unwrap() < s);
    assert!(find("sleep-10ms/threads/128")["speedup"].is_null());
    assert_eq!(
        find("sleep-10ms/threads/128")["speedup_note"],
        "no-baseline"
    );
    assert_eq!(find("hash-1MiB/threads/16")["ideal_speedup"], 2.0);
    assert!(!json["verdicts"].as_array().unwrap().is_empty());
    assert_eq!(json["break_even"][0]["status"], "at");
    assert_eq!(json["break_even"][0]["bytes"], 65536);
    assert!(!json["findings"].as_array().unwrap().is_empty());
    assert_eq!(json["missing_groups"].as_array().unwrap().len(), 0);
}

#[test]
fn findings_change_when_the_data_changes() {
    let (_tmp, criterion, out) = full_tree();
    let first = read(&report::generate(&criterion, &out).unwrap().markdown);
    assert!(first.contains("threads ×58.0"), "{first}");
    write_sleep(&criterion, 1.0);
    let second = read(&report::generate(&criterion, &out).unwrap().markdown);
    assert!(
        second.contains("sleep-10ms: threads did not help: ×1.00 at 64 tasks"),
        "{second}"
    );
    assert!(!second.contains("threads ×58.0"));
}

#[test]
fn generating_twice_gives_the_same_files_apart_from_the_time() {
    let (_tmp, criterion, out) = full_tree();
    let first = report::generate(&criterion, &out).unwrap();
    let texts: Vec<String> = [&first.html, &first.markdown, &first.json]
        .iter()
        .map(|p| read(p))
        .collect();
    let second = report::generate(&criterion, &out).unwrap();
    for (before, path) in texts
        .iter()
        .zip([&second.html, &second.markdown, &second.json])
    {
        assert_eq!(
            without_generation_time(before),
            without_generation_time(&read(path)),
            "{}",
            path.display()
        );
    }
}

#[test]
fn corrupt_estimates_is_an_error_naming_the_file() {
    let (_tmp, criterion, out) = full_tree();
    let file = criterion.join("hash-1MiB/rayon/4/new/estimates.json");
    std::fs::write(&file, "{\"mean\": {\"point_estimate\": ").unwrap();
    let err = report::generate(&criterion, &out).unwrap_err().to_string();
    assert!(err.contains(&file.display().to_string()), "{err}");
}

#[test]
fn missing_groups_are_noted_and_machine_read_at_report_time() {
    let tmp = tempfile::tempdir().unwrap();
    let criterion = tmp.path().join("criterion");
    write_sleep(&criterion, 58.0);
    let summary = report::generate(&criterion, &tmp.path().join("reports")).unwrap();
    let kinds: Vec<&str> = summary
        .missing_groups
        .iter()
        .map(|g| g.split('-').next().unwrap())
        .collect();
    assert_eq!(
        kinds,
        ["hash", "hash", "overhead"],
        "{:?}",
        summary.missing_groups
    );
    let html = read(&summary.html);
    assert!(
        html.contains("Not run in this data: hash-"),
        "note of what was not run"
    );
    assert!(html.contains("read at report time"));
    let md = read(&summary.markdown);
    assert!(md.contains("Neither the break-even sweep nor the overhead benches ran."));
}

#[test]
fn cli_writes_the_report_and_explains_an_empty_directory() {
    let (_tmp, criterion, out) = full_tree();
    Command::cargo_bin("parbench")
        .unwrap()
        .args(["report", "--criterion-dir"])
        .arg(&criterion)
        .arg("--out")
        .arg(&out)
        .assert()
        .success()
        .stdout(
            contains("index.html")
                .and(contains("summary.md"))
                .and(contains("summary.json")),
        );
    assert!(out.join("index.html").is_file());

    let empty = tempfile::tempdir().unwrap();
    Command::cargo_bin("parbench")
        .unwrap()
        .args(["report", "--criterion-dir"])
        .arg(empty.path())
        .arg("--out")
        .arg(empty.path().join("reports"))
        .assert()
        .failure()
        .stderr(contains("error: ").and(contains("run `cargo bench` first")));
}

#[test]
fn reads_what_real_criterion_writes() {
    use criterion::{BenchmarkId, Criterion};
    use std::time::Duration;

    let tmp = tempfile::tempdir().unwrap();
    let criterion_dir = tmp.path().join("criterion");
    let mut c = Criterion::default()
        .output_directory(&criterion_dir)
        .without_plots()
        .sample_size(10)
        .nresamples(1000)
        .warm_up_time(Duration::from_millis(10))
        .measurement_time(Duration::from_millis(50));
    let mut group = c.benchmark_group("hash-4KiB");
    for n in [1u64, 2] {
        for strategy in ["sequential", "threads"] {
            group.bench_with_input(BenchmarkId::new(strategy, n), &n, |b, &n| {
                b.iter(|| (0..n * 1000).fold(0u64, |a, x| a.wrapping_mul(31).wrapping_add(x)))
            });
        }
    }
    group.finish();
    let summary = report::generate(&criterion_dir, &tmp.path().join("reports")).unwrap();
    assert_eq!(summary.benchmarks, 4);
    let json: serde_json::Value = serde_json::from_str(&read(&summary.json)).unwrap();
    let threads = json["benchmarks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["id"] == "hash-4KiB/threads/2")
        .unwrap();
    assert!(threads["speedup"]["point"].as_f64().unwrap() > 0.0);
    assert!(
        threads["criterion_page"]
            .as_str()
            .unwrap()
            .ends_with("criterion/hash-4KiB/threads/2/report/index.html")
    );
}
