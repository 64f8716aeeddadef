//! `parbench compare RUN… --html OUT`: pages of two and three runs made from fake Criterion
//! data (a changed verdict is marked, an unchanged one is not, a run missing a group is
//! reported), their one-line errors, and `reports/summary.schema.json` against the example,
//! real output and broken files.

mod common;

use std::path::{Path, PathBuf};

use common::{FakeGroup, fake_run, parbench};
use scraper::{Html, Selector};

/// Sleep: 10 ms tasks, threads overlap them (×53 at 64 tasks) in every run.
const SLEEP: FakeGroup = (
    "sleep-10ms",
    &[(1, 1e7, 1e7), (8, 8e7, 1.05e7), (64, 6.4e7 * 10.0, 1.2e7)],
);
/// Hash on a machine where threads help: ×3.8 at 8 tasks.
const HASH_HELPS: FakeGroup = (
    "hash-1MiB",
    &[(1, 2e6, 2e6), (2, 4e6, 2.1e6), (8, 1.6e7, 4.2e6)],
);
/// Hash on one CPU: threads gain nothing.
const HASH_NO_GAIN: FakeGroup = (
    "hash-1MiB",
    &[(1, 2e6, 2e6), (2, 4e6, 4e6), (8, 1.6e7, 1.6e7)],
);

/// Three runs: A (hash helps), B (hash gains nothing), C (no hash group at all).
fn runs(root: &Path) -> [PathBuf; 3] {
    [
        fake_run(root, "a", &[SLEEP, HASH_HELPS]),
        fake_run(root, "b", &[SLEEP, HASH_NO_GAIN]),
        fake_run(root, "c", &[SLEEP]),
    ]
}

/// `parbench compare RUN… --html OUT` with `extra` arguments; the page's HTML.
fn page(runs: &[&Path], out: &Path, extra: &[&str]) -> Html {
    parbench()
        .arg("compare")
        .args(runs)
        .arg("--html")
        .arg(out)
        .args(extra)
        .assert()
        .success();
    Html::parse_document(&std::fs::read_to_string(out.join("index.html")).unwrap())
}

fn cell<'a>(page: &'a Html, id: &str) -> scraper::ElementRef<'a> {
    let selector = Selector::parse(&format!("td[data-cell=\"{id}\"]")).unwrap();
    page.select(&selector)
        .next()
        .unwrap_or_else(|| panic!("no cell {id}"))
}

fn text(page: &Html, selector: &str) -> String {
    let selector = Selector::parse(selector).unwrap();
    page.select(&selector)
        .flat_map(|e| e.text())
        .collect::<String>()
}

#[test]
fn two_runs_mark_a_changed_verdict_and_not_an_unchanged_one() {
    let dir = tempfile::tempdir().unwrap();
    let [a, b, _] = runs(dir.path());
    let out = dir.path().join("compare");
    let page = page(
        &[&a, &b],
        &out,
        &["--label", "all CPUs", "--label", "1 CPU"],
    );
    let hash = cell(&page, "hash-1MiB/threads");
    assert_eq!(hash.value().attr("data-differs"), Some("verdict"));
    assert!(hash.value().classes().any(|c| c == "differs"));
    let hash_text: String = hash.text().collect();
    assert!(hash_text.contains("A helps"), "{hash_text}");
    assert!(hash_text.contains("B no gain"), "{hash_text}");
    let sleep = cell(&page, "sleep-10ms/threads");
    assert_eq!(sleep.value().attr("data-differs"), Some("no"));
    assert!(!sleep.value().classes().any(|c| c == "differs"));
    let runs = text(&page, "#runs");
    assert!(
        runs.contains("all CPUs") && runs.contains("1 CPU"),
        "{runs}"
    );
    assert!(
        text(&page, "#changes").contains("hash-1MiB/threads"),
        "the change is listed under the matrix"
    );
    // Both runs are of one machine: today's re-run statistics are on the page.
    assert!(text(&page, "#reruns").contains("B's speedups inside A's intervals"));
    assert_eq!(
        Selector::parse("#headline svg")
            .map(|s| page.select(&s).count())
            .unwrap(),
        1
    );
}

#[test]
fn three_runs_report_a_run_missing_a_group() {
    let dir = tempfile::tempdir().unwrap();
    let [a, b, c] = runs(dir.path());
    let out = dir.path().join("compare");
    // Report directories work as well as their summary.json.
    let page = page(&[&a, &b, c.parent().unwrap()], &out, &[]);
    let hash = cell(&page, "hash-1MiB/threads");
    assert_eq!(hash.value().attr("data-differs"), Some("verdict"));
    assert!(hash.text().collect::<String>().contains("C –"));
    let left_out = text(&page, "#left-out");
    assert!(left_out.contains("Run C has no hash-1MiB"), "{left_out}");
    assert!(left_out.contains("A and C:"), "{left_out}");
    assert_eq!(text(&page, "#runs li .run-letter"), "ABC");
}

#[test]
fn bad_input_is_a_one_line_error() {
    let dir = tempfile::tempdir().unwrap();
    let [a, b, _] = runs(dir.path());
    let out = dir.path().join("compare");
    let older = dir.path().join("older.json");
    let mut value: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&b).unwrap()).unwrap();
    value["version"] = 7.into();
    std::fs::write(&older, value.to_string()).unwrap();
    let absent = dir.path().join("absent.json");
    let not_summary = dir.path().join("other.json");
    std::fs::write(&not_summary, r#"{"results": []}"#).unwrap();
    let cases: [(Vec<&Path>, &str); 4] = [
        (vec![&a], "--html compares two or more runs, got 1"),
        (vec![&a, &absent], "cannot read"),
        (vec![&a, &not_summary], "not a parbench summary"),
        (
            vec![&a, &older],
            "regenerate the older one with `parbench report`",
        ),
    ];
    for (runs, expected) in cases {
        let output = parbench()
            .arg("compare")
            .args(&runs)
            .arg("--html")
            .arg(&out)
            .output()
            .unwrap();
        assert!(!output.status.success());
        let stderr = String::from_utf8(output.stderr).unwrap();
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
        assert!(stderr.contains(expected), "{expected}: {stderr}");
    }
    let output = parbench()
        .arg("compare")
        .args([&a, &b, &a])
        .output()
        .unwrap();
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(stderr.contains("add --html OUT"), "{stderr}");
}

#[test]
fn the_schema_accepts_real_summaries() {
    let dir = tempfile::tempdir().unwrap();
    let [a, _, _] = runs(dir.path());
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("reports/example/summary.json");
    for path in [a, example] {
        let value: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        if let Err(problem) = parbench::compare::check_schema(&value) {
            panic!("{} does not match the schema: {problem}", path.display());
        }
    }
}

/// A change that breaks a summary.
type Breakage = fn(&mut serde_json::Value);

#[test]
fn the_schema_names_the_first_problem_of_a_broken_file() {
    let dir = tempfile::tempdir().unwrap();
    let [a, _, _] = runs(dir.path());
    let good: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&a).unwrap()).unwrap();
    let broken: [(&str, Breakage, &str); 5] = [
        (
            "no benchmarks",
            |v| {
                v.as_object_mut().unwrap().remove("benchmarks");
            },
            "benchmarks",
        ),
        (
            "a mean as text",
            |v| v["benchmarks"][0]["mean_ns"] = "12 ms".into(),
            "/benchmarks/0/mean_ns",
        ),
        (
            "an unknown verdict",
            |v| v["verdicts"][0]["verdict"]["kind"] = "great".into(),
            "/verdicts/0/verdict/kind",
        ),
        (
            "a speedup without bounds",
            |v| v["verdicts"][0]["speedup"] = serde_json::json!({"point": 2.0}),
            "/verdicts/0/speedup",
        ),
        (
            "cores as text",
            |v| v["machine"]["logical_cores"] = "two".into(),
            "/machine/logical_cores",
        ),
    ];
    for (what, change, at) in broken {
        let mut value = good.clone();
        change(&mut value);
        let problem = parbench::compare::check_schema(&value)
            .expect_err(what)
            .to_string();
        assert!(problem.contains(at), "{what}: {problem}");
        let path = dir.path().join("broken.json");
        std::fs::write(&path, value.to_string()).unwrap();
        let output = parbench()
            .arg("compare")
            .arg(&a)
            .arg(&path)
            .output()
            .unwrap();
        let stderr = String::from_utf8(output.stderr).unwrap();
        assert!(!output.status.success(), "{what}");
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
        assert!(
            stderr.contains("does not match parbench's summary schema"),
            "{stderr}"
        );
        assert!(stderr.contains(at), "{what}: {stderr}");
    }
    // Sections may add keys of their own.
    let mut extended = good.clone();
    extended["free_threaded"] = serde_json::json!({"anything": [1, 2]});
    extended["machine"]["gpu"] = "none".into();
    assert!(parbench::compare::check_schema(&extended).is_ok());
}
