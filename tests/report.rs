//! The report end to end: a fake Criterion tree in a temp dir, `generate`, and checks of the
//! HTML (parsed back), the Markdown (snapshot), the JSON, and the CLI.

mod common;

use common::fixture::*;

use std::path::Path;

use assert_cmd::Command;
use parbench::amdahl;
use parbench::canary::CanaryReading;
use parbench::interval::Interval;
use parbench::pairs::{ArmResult, Counters, Mode, PairsRecord, SetResult};
use parbench::report;
use parbench::report::format::factor;
use parbench::suite::{Profile, RunMeta};
use predicates::prelude::PredicateBooleanExt;
use predicates::str::contains;
use scraper::{Html, Selector};

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
    assert_eq!(summary.benchmarks, FULL_TREE_BENCHMARKS);
    assert!(
        summary.missing_groups.is_empty(),
        "{:?}",
        summary.missing_groups
    );
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
    assert_eq!(break_even[0][2], "64 KiB per task");
    assert!(break_even[0][3].starts_with("20.0 µs"), "{break_even:?}");
    assert_eq!(break_even[1][1], "processes");
    assert!(break_even[1][2].starts_with("never in the measured range (up to 1 MiB)"));

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
    // Its one script is inline (see the_page_opens_with_the_matrix_and_takeaways_then_the_contents).
    for offline in ["<script src", "href=\"http", "src=", "@import", "url("] {
        assert!(
            !text.contains(offline),
            "the page must work offline: {offline}"
        );
    }
    let findings = Selector::parse("p.finding").unwrap();
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

fn texts(html: &Html, selector: &str) -> Vec<String> {
    let selector = Selector::parse(selector).unwrap();
    html.select(&selector).map(|e| e.text().collect()).collect()
}

fn json(path: &Path) -> serde_json::Value {
    serde_json::from_str(&read(path)).unwrap()
}

#[test]
fn amdahl_fits_and_predictions_appear_in_json_html_and_markdown() {
    let (_tmp, criterion, out) = full_tree();
    let summary = report::generate(&criterion, &out).unwrap();
    let json = json(&summary.json);
    let fits = json["amdahl"].as_array().unwrap();
    assert_eq!(fits.len(), SERIAL.len());
    let html = Html::parse_document(&read(&summary.html));
    let rows = table_rows(&html, "#amdahl-table");
    let md = read(&summary.details);
    for (strategy, s) in SERIAL {
        let fit = fits.iter().find(|f| f["strategy"] == strategy).unwrap();
        assert_eq!(fit["fitted_up_to_workers"], 2);
        assert!(fit["fit_error"].is_null());
        let fitted = fit["fit"]["serial_fraction"].as_f64().unwrap();
        assert!((fitted - s).abs() < 1e-6, "{strategy}: {fitted}");
        assert_eq!(
            fit["fit"]["points"], 1,
            "2 workers only: 1 is the baseline, 4 beyond"
        );
        assert_eq!(fit["fit"]["worker_counts"], 1);
        let measured = fit["measured"].as_array().unwrap();
        assert_eq!(measured.len(), 3);
        assert_eq!(measured[2]["fitted"], false);
        let range = &fit["fit"]["serial_fraction_range"];
        let (lower, upper) = (
            range["lower"].as_f64().unwrap(),
            range["upper"].as_f64().unwrap(),
        );
        assert!(
            lower <= fitted && fitted <= upper && lower < upper,
            "{range}"
        );
        let at64 = &fit["fit"]["predictions"][2];
        assert_eq!(at64["workers"], 64.0);
        let expected = amdahl::speedup(s, 64.0);
        assert!(at64["low"].as_f64().unwrap() <= expected + 1e-9);
        assert!(at64["high"].as_f64().unwrap() >= expected - 1e-9);
        let row = rows.iter().find(|r| r[1] == strategy).unwrap();
        assert!(row[2].starts_with(&format!("{s:.3} [")), "{row:?}");
        assert!(
            row[3].contains("4*: ×"),
            "the plateau point is marked: {row:?}"
        );
        if s == 1.0 {
            // All serial: every reading of the 2-worker point gives about ×1 on 64 cores.
            assert_eq!(at64["kind"], "estimate", "{at64}");
            assert!((at64["speedup"].as_f64().unwrap() - expected).abs() < 1e-6);
            assert!(
                row[6].starts_with(&format!("×{} [", factor(expected))),
                "{row:?}"
            );
        } else {
            // One worker count above 1 cannot pin a 64-core speedup down to a factor of 2.
            assert_eq!(at64["kind"], "unpinned", "{at64}");
            assert!(
                at64["label"]
                    .as_str()
                    .unwrap()
                    .contains("cannot pin it down")
            );
            assert!(row[6].contains("(range only)"), "{row:?}");
            assert!(fit["fit"]["what_is_missing"].is_string(), "{fit}");
        }
    }
    assert!(md.contains("cannot pin it down"), "{md}");
    let findings = texts(&html, "p.finding");
    assert!(
        findings
            .iter()
            .any(|f| f.contains("gil serial fraction 1.00")
                && f.contains("extra cores buy little")),
        "{findings:?}"
    );
    assert!(
        findings
            .iter()
            .any(|f| f.contains("rayon serial fraction 0.05")
                && f.contains("Only the 2-worker point exists on this 2-core machine")
                && f.contains("would need a measurement on")),
        "{findings:?}"
    );
    let svg_texts = texts(&html, "figure svg text");
    assert!(
        svg_texts.iter().any(|t| t.trim() == "rayon fit"),
        "the fitted curve is in a chart"
    );
    assert!(
        texts(&html, "p")
            .iter()
            .any(|p| p.contains("a plateau the law does not model")),
        "the page says why points beyond the cores are not fitted"
    );
}

#[test]
fn a_failed_amdahl_fit_says_why() {
    let (_tmp, criterion, out) = full_tree();
    for workers in ["2", "4"] {
        std::fs::remove_dir_all(criterion.join("hash-workers-1MiB-n8/gil").join(workers)).unwrap();
    }
    let summary = report::generate(&criterion, &out).unwrap();
    let json = json(&summary.json);
    let gil = json["amdahl"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["strategy"] == "gil")
        .unwrap();
    assert!(gil["fit"].is_null());
    assert_eq!(gil["fit_error"]["kind"], "no-parallel-point");
    let reason = gil["fit_error"]["reason"].as_str().unwrap();
    assert!(
        reason.contains("no speedup measured on more than one worker within the 2 cores"),
        "{reason}"
    );
    let html = Html::parse_document(&read(&summary.html));
    let rows = table_rows(&html, "#amdahl-table");
    let row = rows.iter().find(|r| r[1] == "gil").unwrap();
    assert!(row[2].starts_with("no fit: no speedup measured"), "{row:?}");
    assert!(
        texts(&html, "p.finding")
            .iter()
            .any(|f| f.contains("no Amdahl fit for gil")),
    );
}

#[test]
fn the_gil_sentence_follows_the_data() {
    let (_tmp, criterion, out) = full_tree();
    let summary = report::generate(&criterion, &out).unwrap();
    let html = Html::parse_document(&read(&summary.html));
    let conclusion = texts(&html, "#gil-conclusion").concat();
    assert!(
        conclusion.starts_with("Python's lesson reproduced"),
        "{conclusion}"
    );
    assert!(
        conclusion.contains("gains nothing on 16 tasks of hash-1MiB (×1.00)"),
        "{conclusion}"
    );
    let rows = table_rows(&html, "#gil-table");
    let strategies: Vec<&str> = rows.iter().map(|r| r[0].as_str()).collect();
    assert_eq!(
        strategies,
        ["threads", "processes", "gil", "async"],
        "report order"
    );
    let gil = rows.iter().find(|r| r[0] == "gil").unwrap();
    assert!(gil[1].starts_with("×56.3"), "{rows:?}");
    assert_eq!(
        json(&summary.json)["gil_comparison"]["lesson"],
        "reproduced"
    );

    write_hash(&criterion, 1.9);
    let summary = report::generate(&criterion, &out).unwrap();
    let html = Html::parse_document(&read(&summary.html));
    let conclusion = texts(&html, "#gil-conclusion").concat();
    assert!(
        conclusion.starts_with("Python's lesson not reproduced"),
        "{conclusion}"
    );
    assert!(!conclusion.contains("gains nothing"), "{conclusion}");
    assert!(
        conclusion.contains("speeds 16 tasks of hash-1MiB up ×1.90"),
        "{conclusion}"
    );
    assert_eq!(
        json(&summary.json)["gil_comparison"]["lesson"],
        "not-reproduced"
    );
}

#[test]
fn mixed_tasks_get_the_io_share_chart_and_sentence() {
    let (_tmp, criterion, out) = full_tree();
    let summary = report::generate(&criterion, &out).unwrap();
    let html = Html::parse_document(&read(&summary.html));
    let svg_texts = texts(&html, "figure svg text");
    for legend in ["×8 all waiting", "×2 all computing", "waiting share (%)"] {
        assert!(
            svg_texts.iter().any(|t| t.trim() == legend),
            "{legend}: {svg_texts:?}"
        );
    }
    let rows = table_rows(&html, ".io-share-table");
    let gil = rows.iter().find(|r| r[0] == "gil").unwrap();
    assert!(
        gil[1].starts_with("×1.00") && gil[3].starts_with("×7.40"),
        "{gil:?}"
    );
    let findings = texts(&html, "p.finding");
    assert!(
        findings.iter().any(|f| f.contains(
            "threads ×7.60 at 100 % waiting, ×1.90 at 0 %; rayon ×2.00 at 100 % waiting, ×1.90 at 0 %; gil ×7.40 at 100 % waiting, ×1.00 at 0 %"
        )),
        "{findings:?}"
    );
}

#[test]
fn waits_table_joins_memory_records_and_says_when_none() {
    let (_tmp, criterion, out) = full_tree();
    let summary = report::generate(&criterion, &out).unwrap();
    let html = Html::parse_document(&read(&summary.html));
    let rows = table_rows(&html, "#waits-table");
    assert_eq!(rows.len(), 9);
    let cell = |strategy: &str, n: &str| {
        rows.iter().find(|r| r[1] == strategy && r[2] == n).unwrap()[4].clone()
    };
    for (strategy, mib) in MEMORY_MIB {
        assert_eq!(cell(strategy, "10000"), format!("+{mib}.0 MiB"));
    }
    assert_eq!(cell("async-multi", "10000"), "not recorded");
    assert_eq!(cell("threads", "100"), "not recorded");
    let findings = texts(&html, "p.finding");
    assert!(
        findings.iter().any(|f| f.contains(
            "10000 waits of 50ms (waits-50ms): threads 1.20 s and +90.0 MiB peak memory, async 80.0 ms and +17.0 MiB peak memory, async-multi 90.0 ms and memory not recorded"
        )),
        "{findings:?}"
    );
    let json = json(&summary.json);
    let memory = json["memory"].as_array().unwrap();
    assert_eq!(memory.len(), MEMORY_MIB.len());
    assert_eq!(memory[0]["id"], "waits-50ms/async/10000");
    assert_eq!(memory[0]["growth_bytes"], 17 << 20);
}

#[test]
fn a_corrupt_memory_file_is_an_error_naming_it() {
    let (_tmp, criterion, out) = full_tree();
    let file = criterion.join(parbench::suite::MEMORY_FILE);
    std::fs::write(&file, "[{\"id\": ").unwrap();
    let err = report::generate(&criterion, &out).unwrap_err().to_string();
    assert!(err.contains(&file.display().to_string()), "{err}");
}

#[test]
fn file_and_net_groups_get_verdicts_and_ideals() {
    let (_tmp, criterion, out) = full_tree();
    let summary = report::generate(&criterion, &out).unwrap();
    let json = json(&summary.json);
    let benchmarks = json["benchmarks"].as_array().unwrap();
    let find = |id: &str| benchmarks.iter().find(|b| b["id"] == id).unwrap();
    assert_eq!(find("net-10ms/threads/8")["ideal_speedup"], 8.0);
    assert!(find("file-1MiB/threads/4")["ideal_speedup"].is_null());
    let verdicts = json["verdicts"].as_array().unwrap();
    for group in ["file-1MiB", "net-10ms"] {
        assert!(
            verdicts
                .iter()
                .any(|v| v["group"] == group && v["strategy"] == "threads"),
            "{group}"
        );
    }
}

/// `details.md` (or `summary.md`) cut at its `## ` headings: (heading, text) per section.
fn markdown_sections(md: &str) -> Vec<(String, String)> {
    let mut sections: Vec<(String, String)> = Vec::new();
    for line in md.lines() {
        if let Some(heading) = line.strip_prefix("## ") {
            sections.push((heading.to_string(), String::new()));
        } else if let Some((_, text)) = sections.last_mut() {
            text.push_str(line);
            text.push('\n');
        }
    }
    sections
}

#[test]
fn markdown_snapshot_per_section() {
    let (_tmp, criterion, out) = full_tree();
    let summary = report::generate(&criterion, &out).unwrap();
    let md = read(&summary.details);
    assert!(md.contains("Generated: "));
    let sections = markdown_sections(&without_generation_time(&md));
    let headings: Vec<&str> = sections.iter().map(|(h, _)| h.as_str()).collect();
    assert_eq!(
        headings,
        [
            "Notes",
            "Where threads help, at a glance",
            "Waiting: sleeps, sockets and files",
            "Computing: hashing",
            "Computing and waiting mixed",
            "Threads against async at scale",
            "Python's lesson, reproduced?",
            "Amdahl: how far would more cores go?",
            "Break-even: from which task size does it pay?",
            "Where the time goes",
            "Machine",
        ]
    );
    for (heading, text) in sections {
        let name: String = heading
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() {
                    c.to_ascii_lowercase()
                } else {
                    '_'
                }
            })
            .collect();
        insta::assert_snapshot!(format!("markdown_section_{name}"), text);
    }
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
    let first = read(&report::generate(&criterion, &out).unwrap().details);
    assert!(first.contains("threads ×58.0"), "{first}");
    write_sleep(&criterion, 1.0);
    let second = read(&report::generate(&criterion, &out).unwrap().details);
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
        [
            "hash",
            "hash",
            "overhead",
            "receive",
            "primitive",
            "hash",
            "mixed",
            "waits",
            "file",
            "net"
        ],
        "{:?}",
        summary.missing_groups
    );
    assert!(
        summary
            .missing_groups
            .iter()
            .any(|g| g.starts_with("hash-workers-")),
        "{:?}",
        summary.missing_groups
    );
    let html = read(&summary.html);
    assert!(
        html.contains("Not run in this data: hash-"),
        "note of what was not run"
    );
    assert!(html.contains("read at report time"));
    // Sections without data are left out of the page, the matrix and the contents.
    let page = Html::parse_document(&html);
    let ids = texts_of_attr(&page, "main > section[id]", "id");
    assert_eq!(ids, ["answer", "waiting", "gil", "machine"], "{ids:?}");
    let contents = texts_of_attr(&page, "nav#contents a", "href");
    assert_eq!(contents, ["#answer", "#waiting", "#gil", "#machine"]);
    let matrix_rows = texts(&page, "#verdict-matrix tbody th");
    assert_eq!(matrix_rows, ["sleep-10ms"]);
    let md = read(&summary.markdown);
    assert!(!md.contains("## Break-even"), "{md}");
    assert!(!md.contains("## Amdahl"), "{md}");
    assert!(md.contains("Not run in this data: hash-"), "{md}");
}

fn texts_of_attr(html: &Html, selector: &str, attr: &str) -> Vec<String> {
    let selector = Selector::parse(selector).unwrap();
    html.select(&selector)
        .filter_map(|e| e.value().attr(attr).map(str::to_string))
        .collect()
}

#[test]
fn cli_writes_the_report_and_explains_an_empty_directory() {
    let (_tmp, criterion, out) = full_tree();
    common::report_command(&criterion, &out)
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

#[test]
fn groups_of_another_profile_are_left_out_and_said() {
    let (_tmp, criterion, out) = full_tree();
    // A quick-profile group measured by an earlier run, beside the default profile's data.
    write_benchmark(&criterion, "hash-256KiB", "sequential", 2, 400_000.0);
    write_benchmark(&criterion, "hash-256KiB", "threads", 2, 100_000.0);
    let summary = report::generate(&criterion, &out).unwrap();
    assert!(
        summary.skipped.iter().any(
            |s| s.starts_with("hash-256KiB: not a group of the latest run's profile (default)")
        ),
        "{:?}",
        summary.skipped
    );
    let markdown = read(&out.join("summary.md"));
    assert!(
        !markdown.contains("| hash-256KiB |"),
        "stale group in a table"
    );
    assert!(
        markdown.contains("hash-256KiB: not a group"),
        "the note is shown"
    );
}

#[test]
fn the_manifest_names_the_groups_of_the_run() {
    let (_tmp, criterion, out) = full_tree();
    // A manifest whose run measured only the sleep group: the other data beside it are an
    // earlier run's, left out, and said.
    let plan = parbench::suite::Plan::new(Profile::Default, 2);
    let mut manifest = RunMeta::now(&plan);
    manifest.machine.logical_cores = 2;
    manifest.write(&criterion).unwrap();
    parbench::records::RunManifest::begin_bench(&criterion, &plan, "io_bound").unwrap();
    let sleep = plan.groups()[0];
    parbench::records::RunManifest::record_group(
        &criterion,
        "io_bound",
        &sleep,
        Default::default(),
    )
    .unwrap();
    let summary = report::generate(&criterion, &out).unwrap();
    assert!(
        summary
            .skipped
            .iter()
            .any(|s| s.starts_with("hash-1MiB: not a group of the latest run")),
        "{:?}",
        summary.skipped
    );
    let markdown = read(&out.join("summary.md"));
    assert!(
        !markdown.contains("| hash-1MiB |"),
        "earlier group in a table"
    );
    assert!(markdown.contains("| sleep-10ms |") || markdown.contains("sleep-10ms"));
}

#[test]
fn a_run_older_than_manifests_reports_from_its_profile_and_says_so() {
    let (_tmp, criterion, out) = full_tree();
    let mut old = RunMeta::read(&criterion).unwrap().unwrap();
    old.planned_groups.clear();
    old.benches.clear();
    old.write(&criterion).unwrap();
    let summary = report::generate(&criterion, &out).unwrap();
    assert_eq!(summary.benchmarks, FULL_TREE_BENCHMARKS);
    assert!(
        summary
            .skipped
            .iter()
            .any(|s| s.starts_with("the run's manifest: the benches that wrote these data")),
        "{:?}",
        summary.skipped
    );
}

/// The ids of every element with one, for checking in-page links.
fn all_ids(html: &Html) -> Vec<String> {
    texts_of_attr(html, "[id]", "id")
}

#[test]
fn the_page_opens_with_the_matrix_and_takeaways_then_the_contents() {
    let (_tmp, criterion, out) = full_tree();
    let summary = report::generate(&criterion, &out).unwrap();
    let text = read(&summary.html);
    let html = Html::parse_document(&text);

    // Matrix: one row per workload in order, one column per strategy in report order.
    let rows = texts(&html, "#verdict-matrix tbody th");
    assert_eq!(
        rows,
        [
            "sleep-10ms",
            "net-10ms",
            "file-1MiB",
            "mixed-10ms-n8",
            "hash-1MiB"
        ]
    );
    let columns = texts(&html, "#verdict-matrix thead th");
    assert_eq!(
        columns,
        ["Workload", "threads", "rayon", "processes", "gil", "async"]
    );
    let threads_on_sleep = texts(&html, "#verdict-matrix tbody tr:first-child td")[0].clone();
    assert_eq!(threads_on_sleep, "×58.0");
    let cell = Selector::parse("#verdict-matrix td.verdict-helps a").unwrap();
    let first = html.select(&cell).next().unwrap();
    assert_eq!(first.value().attr("href"), Some("#waiting"));
    for class in ["verdict-helps", "verdict-no-gain"] {
        assert!(
            !texts(&html, &format!("#verdict-matrix td.{class}")).is_empty(),
            "{class}"
        );
    }

    // Takeaways: 3 to 6 sentences, each linking to a section of the page.
    let ids = all_ids(&html);
    let takeaways = texts(&html, "#takeaways li");
    assert!((3..=6).contains(&takeaways.len()), "{takeaways:?}");
    for href in texts_of_attr(&html, "#takeaways a", "href") {
        let id = href.trim_start_matches('#');
        assert!(
            html.select(&Selector::parse(&format!("section#{id}")).unwrap())
                .next()
                .is_some(),
            "{href}"
        );
    }

    // The contents follow the answer and link every section; every in-page link resolves.
    let sections = texts_of_attr(&html, "main > section[id]", "id");
    assert_eq!(sections[0], "answer");
    let contents = texts_of_attr(&html, "nav#contents a", "href");
    let expected: Vec<String> = sections.iter().map(|id| format!("#{id}")).collect();
    assert_eq!(contents, expected);
    for href in texts_of_attr(&html, "a[href^='#']", "href") {
        assert!(ids.contains(&href[1..].to_string()), "dangling link {href}");
    }
    let main = Selector::parse("main > *").unwrap();
    let order: Vec<String> = html
        .select(&main)
        .take(2)
        .map(|e| e.value().name().to_string())
        .collect();
    assert_eq!(order, ["section", "nav"]);

    // At most 150 words before the first picture (the matrix).
    let before = text.split("<table id=\"verdict-matrix\"").next().unwrap();
    let body = before.split("<body>").nth(1).unwrap();
    let words = Html::parse_fragment(body)
        .root_element()
        .text()
        .collect::<String>()
        .split_whitespace()
        .count();
    assert!(words <= 150, "{words} words before the matrix");

    // Long tables are collapsed.
    for table in [
        ".group-table",
        "#verdicts-table",
        "#waits-table",
        "#amdahl-table",
    ] {
        let inside = Selector::parse(&format!("details {table}")).unwrap();
        assert!(
            html.select(&inside).next().is_some(),
            "{table} in <details>"
        );
    }
    // Dark mode and print styles; one script only, the one opening folded detail a link
    // points into (the page works without it).
    assert!(text.contains("prefers-color-scheme:dark"));
    assert!(text.contains("@media print"));
    assert_eq!(text.matches("<script").count(), 1);
    assert!(text.contains("hashchange"));
}

/// The sections the takeaways link to, in order.
fn takeaway_sections(summary: &report::ReportSummary) -> Vec<String> {
    json(&summary.json)["takeaways"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["section"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn takeaways_are_ranked_by_effect_size_and_follow_the_data() {
    let (_tmp, criterion, out) = full_tree();
    let summary = report::generate(&criterion, &out).unwrap();
    let first = takeaway_sections(&summary);
    let effects: Vec<f64> = json(&summary.json)["takeaways"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["effect"].as_f64().unwrap())
        .collect();
    assert!(effects.windows(2).all(|w| w[0] >= w[1]), "{effects:?}");
    // Processes on 1 KiB tasks, about ×1000 slower than sequential, is the largest effect.
    assert_eq!(first[0], "break-even", "{first:?}");
    let html = Html::parse_document(&read(&summary.html));
    let top = texts(&html, "#takeaways li")[0].clone();
    assert!(
        top.starts_with(
            "Small tasks cost more than they gain: at 1 KiB per task (hash-size-n4) processes is ×"
        ),
        "{top}"
    );
    assert!(first.contains(&"waiting".to_string()), "{first:?}");

    // Cheaper processes shrink that effect: threads ×58 on sleeping tasks comes first.
    for bytes in [1u64 << 10, 64 << 10, 1 << 20] {
        let seq = 4.0 * bytes as f64 * 2.0;
        write_benchmark(&criterion, "hash-size-n4", "processes", bytes, seq * 1.2);
    }
    let summary = report::generate(&criterion, &out).unwrap();
    let second = takeaway_sections(&summary);
    assert_eq!(second[0], "waiting", "{second:?}");
    let html = Html::parse_document(&read(&summary.html));
    let top = texts(&html, "#takeaways li")[0].clone();
    assert!(
        top.starts_with("async runs 64 tasks of sleep-10ms ×58.6 faster"),
        "{top}"
    );
}

#[test]
fn no_section_has_more_than_two_takeaways() {
    let (_tmp, criterion, out) = full_tree();
    let sections = takeaway_sections(&report::generate(&criterion, &out).unwrap());
    for s in &sections {
        assert!(
            sections.iter().filter(|x| *x == s).count() <= 2,
            "{sections:?}"
        );
    }
}

/// One paired result, as the `pairs` bench writes it.
fn paired(bench_id: &str, mode: Mode, speedup: (f64, f64, f64), per_process: &[f64]) -> ArmResult {
    let counters = Counters {
        cpu_ns: 4.0 * MS,
        run_delay_ns: 0.5 * MS,
        involuntary_switches: 3.0,
        ..Counters::default()
    };
    ArmResult {
        label: bench_id.to_string(),
        bench_id: Some(bench_id.to_string()),
        mode,
        speedup: Interval {
            point: speedup.0,
            lower: speedup.1,
            upper: speedup.2,
        },
        per_process: per_process.to_vec(),
        rounds: 50,
        median_ns: 16.0 * MS,
        baseline_median_ns: 32.0 * MS,
        counters,
        baseline_counters: Counters::default(),
    }
}

fn canary(at: &str, one_core_ms: f64, t: f64) -> CanaryReading {
    CanaryReading {
        at: at.to_string(),
        bench: at.split(':').next().unwrap().to_string(),
        unix_seconds: t,
        one_core_ns: one_core_ms * MS,
        all_cores_ns: one_core_ms * MS * 1.05,
        cores: 2,
        spawn_ns: Some(0.5 * MS * t.max(1.0).sqrt()),
    }
}

/// Writes a pairs record for `hash-1MiB` at 16 tasks: rayon above the raw scaling (×2.6
/// against ×1.9), cold after a pause; threads with processes that disagree on a borderline
/// verdict when `noisy`.
fn write_pairs(dir: &Path, noisy: bool) {
    // Noisy: processes that disagree, and a verdict near the helps threshold (borderline);
    // a noisy but firm verdict would not warn, its interval holding the processes' spread.
    let (threads, threads_speedup): (&[f64], _) = if noisy {
        (&[0.95, 1.12, 1.3], (1.12, 1.05, 1.2))
    } else {
        (&[1.9, 1.92, 1.88], (1.9, 1.8, 2.0))
    };
    PairsRecord {
        processes: 3,
        cold_gap_ms: 10.0,
        cold_settle_rounds: Some(3),
        sets: vec![
            SetResult {
                name: "hash-1MiB@16".to_string(),
                baseline: "hash-1MiB/sequential/16".to_string(),
                arms: vec![
                    paired(
                        "hash-1MiB/rayon/16",
                        Mode::Hot,
                        (2.6, 2.5, 2.7),
                        &[2.6, 2.6, 2.6],
                    ),
                    paired(
                        "hash-1MiB/rayon/16",
                        Mode::Cold,
                        (0.95, 0.9, 1.0),
                        &[0.95; 3],
                    ),
                    paired("hash-1MiB/threads/16", Mode::Hot, threads_speedup, threads),
                ],
            },
            SetResult {
                name: parbench::pairs::RAW_SCALING.to_string(),
                baseline: "1 bare threads".to_string(),
                arms: vec![paired(
                    "primitive/hash-threads/2",
                    Mode::Hot,
                    (1.9, 1.85, 1.95),
                    &[1.9, 1.9, 1.9],
                )],
            },
        ],
    }
    .save(dir)
    .unwrap();
}

#[test]
fn paired_speedups_replace_the_means_and_one_above_the_raw_scaling_is_marked_and_explained() {
    let (_tmp, criterion, out) = full_tree();
    write_pairs(&criterion, true);
    for (i, r) in [
        canary("cpu_bound: start", 1.0, 1.0),
        canary("cpu_bound: before hash-1MiB", 1.02, 2.0),
        canary("cpu_bound: after hash-1MiB", 1.48, 3.0),
    ]
    .iter()
    .enumerate()
    {
        CanaryReading::save(&criterion, r, i == 0).unwrap();
    }
    let summary = report::generate(&criterion, &out).unwrap();
    let json: serde_json::Value = serde_json::from_str(&read(&summary.json)).unwrap();
    let verdict = |strategy: &str| {
        json["verdicts"]
            .as_array()
            .unwrap()
            .iter()
            .find(|v| v["group"] == "hash-1MiB" && v["strategy"] == strategy)
            .unwrap()
            .clone()
    };
    let rayon = verdict("rayon");
    assert_eq!(rayon["speedup"]["point"], 2.6, "the paired speedup decides");
    assert_eq!(rayon["anomaly"]["kind"], "superlinear");
    assert_eq!(rayon["cold_differs"]["point"], 0.95);
    assert!(rayon["paired"]["unpaired"]["point"].as_f64().unwrap() > 0.0);
    assert_eq!(verdict("threads")["noisy"], true, "its processes disagree");
    assert_eq!(
        json["pairs"]["canary_readings"].as_array().unwrap().len(),
        3
    );
    assert_eq!(json["pairs"]["slow_groups"][0], "hash-1MiB");
    assert!(
        verdict("processes")["paired"].is_null(),
        "unpaired: Criterion's means"
    );

    let html = Html::parse_document(&read(&summary.html));
    let cell = html
        .select(&Selector::parse("#verdict-matrix td.cell a[title*='rayon on hash-1MiB']").unwrap())
        .next()
        .expect("rayon's hash cell");
    let text: String = cell.text().collect();
    assert!(
        text.contains('!') && text.contains("after a pause"),
        "{text}"
    );
    let pairs_section: String = html
        .select(&Selector::parse("section#pairs").unwrap())
        .next()
        .expect("the pairs section")
        .text()
        .collect();
    assert!(
        pairs_section.contains("above the raw compute scaling")
            && pairs_section.contains("CPU time"),
        "{pairs_section}"
    );
    let top: String = html
        .select(&Selector::parse("#canary").unwrap())
        .next()
        .expect("the canary line")
        .text()
        .collect();
    assert!(top.contains("1.48") && top.contains("hash-1MiB"), "{top}");
    assert!(
        top.contains("a small process (true) started in 500 µs at best"),
        "the OS's own speed beside the machine's: {top}"
    );
    let warning: String = html
        .select(&Selector::parse("#quality-warning").unwrap())
        .next()
        .expect("a verdict rests on noise")
        .text()
        .collect();
    assert!(warning.contains("hash-1MiB/threads"), "{warning}");
    assert!(read(&out.join("summary.md")).contains("Machine speed during the run"));
}

#[test]
fn the_top_warning_appears_only_when_a_verdict_rests_on_noise() {
    let (_tmp, criterion, out) = full_tree();
    write_pairs(&criterion, false);
    let summary = report::generate(&criterion, &out).unwrap();
    let html = Html::parse_document(&read(&summary.html));
    assert!(
        html.select(&Selector::parse("#quality-warning").unwrap())
            .next()
            .is_none(),
        "no verdict rests on noise"
    );
    write_pairs(&criterion, true);
    let summary = report::generate(&criterion, &out).unwrap();
    let html = Html::parse_document(&read(&summary.html));
    assert!(
        html.select(&Selector::parse("#quality-warning").unwrap())
            .next()
            .is_some()
    );
}

/// Why `md` is not a summary, if it is not: over [`report::SUMMARY_BUDGET`] bytes, or missing
/// the matrix, the takeaways, a verdict with its interval, the quality line or the links.
fn summary_problems(md: &str, json: &serde_json::Value) -> Vec<String> {
    let verdicts = json["verdicts"].as_array().unwrap();
    let mut problems = Vec::new();
    if md.len() > report::SUMMARY_BUDGET {
        problems.push(format!(
            "{} bytes, over the budget of {}",
            md.len(),
            report::SUMMARY_BUDGET
        ));
    }
    for (what, needle) in [
        ("the matrix", "| Workload |"),
        ("the takeaways", "\n1. "),
        ("the page's link", "](index.html"),
        ("the details' link", "](details.md)"),
        ("the JSON's link", "](summary.json)"),
    ] {
        if !md.contains(needle) {
            problems.push(format!("no {what} ({needle:?})"));
        }
    }
    if let Some(line) = json["quality"]["line"].as_str()
        && json["quality"]["benchmarks"].as_u64() > Some(0)
        && !md.contains(line)
    {
        problems.push(format!("no quality line ({line:?})"));
    }
    for v in verdicts {
        let s = &v["speedup"];
        let row = format!(
            "| {} | {} | ",
            v["group"].as_str().unwrap(),
            v["strategy"].as_str().unwrap()
        );
        let interval = format!(
            "×{} [{}, {}]",
            factor(s["point"].as_f64().unwrap()),
            factor(s["lower"].as_f64().unwrap()),
            factor(s["upper"].as_f64().unwrap())
        );
        if !md
            .lines()
            .any(|l| l.starts_with(&row) && l.contains(&interval))
        {
            problems.push(format!("no verdict row {row}… {interval}"));
        }
    }
    problems
}

/// `summary.md` is a summary (issue 18): at most 12 KB, with the matrix, the takeaways, every
/// verdict with its interval, the quality line and the links; the full tables are in
/// `details.md`. The check fails on a summary made too long or too thin.
#[test]
fn summary_md_is_a_summary_within_its_budget() {
    let (_tmp, criterion, out) = full_tree();
    let summary = report::generate(&criterion, &out).unwrap();
    let md = read(&summary.markdown);
    let json = json(&summary.json);
    assert!(!json["verdicts"].as_array().unwrap().is_empty());
    let problems = summary_problems(&md, &json);
    assert!(problems.is_empty(), "{problems:?}\n{md}");
    // The tables moved to details.md, not away.
    let details = read(&summary.details);
    assert!(
        details.contains("| Strategy | Fixed | Per task |"),
        "{details}"
    );
    assert!(!md.contains("| Strategy | Fixed | Per task |"), "{md}");
    assert!(
        md.len() < details.len() / 2,
        "{} {}",
        md.len(),
        details.len()
    );

    // Every prediction against its measurement has its own page, linked from the section.
    let costs = read(&out.join("costs.html"));
    assert!(costs.matches("<tr").count() > 20, "{costs}");
    assert!(costs.contains("href=\"index.html#costs\""), "{costs}");
    assert!(read(&summary.html).contains("href=\"costs.html\""));

    let padded = format!("{md}{}", "x".repeat(report::SUMMARY_BUDGET));
    let too_long = summary_problems(&padded, &json);
    assert!(too_long[0].contains("over the budget"), "{too_long:?}");
    let thin = summary_problems("# nothing\n", &json);
    assert!(thin.iter().any(|p| p.contains("the matrix")), "{thin:?}");
    assert!(
        thin.iter().any(|p| p.starts_with("no verdict row")),
        "{thin:?}"
    );
}
