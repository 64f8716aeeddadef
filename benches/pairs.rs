//! Paired speedups: every ratio the page concludes from, measured as a ratio.
//!
//! Run with: `cargo bench --bench pairs`
//!
//! For every point a verdict, the matrix, a takeaway or the Amdahl fit uses, the baseline and
//! every strategy run the same tasks in rounds, each round in a random order, so that a slow
//! second of this machine hits both sides of every ratio (at a computing point, the strategies
//! on OS processes in rounds of their own, with the baseline); the speedup is the geometric
//! mean of the per-round ratios. Small and medium tasks are measured both in a tight loop
//! (hot, as Criterion does) and as an occasional call after an idle gap (cold). Each pass over the sets
//! runs in a fresh process, several passes per run, because the variation between processes
//! is real (Kalibera & Jones); the speed canary is read between passes. Then the sets with a
//! verdict more rounds could still decide (an interval across a threshold, its point beyond
//! the re-run margin of it) get a few follow-up processes, hot only. Expected: no speedup
//! above the raw compute scaling measured beside it; rayon's small tasks faster hot than cold.
//!
//! Writes `parbench-pairs.json` beside Criterion's data; no Criterion benchmark IDs.

mod support;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use parbench::bench_id::Group;
use parbench::pairs::{self, PairSet, PairsBudget, PairsRecord, PassResult};
use parbench::records::{RunManifest, criterion_dir};
use parbench::report::analysis;
use parbench::suite::Plan;
use parbench::workload::hashing_rate;

/// Set in a child process: the file its pass writes (JSON).
const PASS_OUT_VAR: &str = "PARBENCH_PAIRS_OUT";
/// Set in a child process: which pass it is (orders its rounds).
const PASS_INDEX_VAR: &str = "PARBENCH_PAIRS_PASS";
/// Set in a child process: the mixed tasks' hashed bytes by waiting share (JSON), so every
/// process measures the same tasks.
const PASS_MIXED_VAR: &str = "PARBENCH_PAIRS_MIXED";
/// Set in a follow-up process: the names of the sets it measures (JSON), hot only.
const PASS_FOLLOW_UP_VAR: &str = "PARBENCH_PAIRS_FOLLOW_UP";

fn main() {
    let plan = support::plan();
    if let Some(out) = std::env::var_os(PASS_OUT_VAR) {
        let index = std::env::var(PASS_INDEX_VAR)
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        child(&plan, Path::new(&out), index);
        return;
    }
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    if !support::measuring() {
        // `cargo test --benches`: one round of every set in this process, every output
        // checked, so a broken pair fails the tests.
        let sets = pairs::sets(&plan, &mixed_bytes(&plan));
        let budget = PairsBudget {
            processes: 1,
            waiting_processes: 1,
            follow_up_processes: 0,
            per_set: Duration::ZERO,
            min_rounds: 1,
            max_rounds: 1,
            cold_gap: Duration::from_millis(1),
            cold_settle_rounds: 0,
            hot_batch: Duration::ZERO,
        };
        pairs::run_pass(&sets, &budget, &support::worker(), 0, |_| {})
            .unwrap_or_else(|e| support::exit_with(&e));
        return;
    }
    let c = support::criterion(&plan);
    measure(&plan);
    support::finish(c);
}

/// Runs every pass in its own process, then combines and saves them.
fn measure(plan: &Plan) {
    let dir = criterion_dir(Path::new(env!("CARGO_MANIFEST_DIR")));
    let mixed = mixed_bytes(plan);
    let sets = pairs::sets(plan, &mixed);
    let budget = PairsBudget::of(plan);
    let exe = std::env::current_exe().unwrap_or_else(|e| {
        support::exit_with(&parbench::Error::System {
            action: "cannot find the pairs bench binary",
            source: e,
        })
    });
    let scratch = tempfile::tempdir().unwrap_or_else(|e| {
        support::exit_with(&parbench::Error::System {
            action: "cannot create a directory for the passes",
            source: e,
        })
    });
    let mut passes: Vec<PassResult> = Vec::new();
    let started = Instant::now();
    for index in 0..budget.processes {
        support::canary(&format!("before pass {}", index + 1));
        eprintln!(
            "parbench: pairs, process {} of {} ({} sets; {:.0} s so far)",
            index + 1,
            budget.processes,
            sets.len(),
            started.elapsed().as_secs_f64()
        );
        match run_child(&exe, scratch.path(), index, &mixed, None) {
            Ok(pass) => passes.push(pass),
            Err(why) => eprintln!("warning: pairs process {} failed: {why}", index + 1),
        }
    }
    if passes.is_empty() {
        support::canary("after the passes");
        eprintln!("warning: no pairs process succeeded: the page's speedups stay unpaired");
        return;
    }
    let shapes: Vec<_> = sets.iter().map(PairSet::shape).collect();
    let gap_ms = budget.cold_gap.as_secs_f64() * 1e3;
    // The sets with a verdict more rounds could still decide get further processes.
    let open = analysis::open_sets(&PairsRecord::combine(&shapes, &passes, gap_ms));
    if !open.is_empty() {
        for k in 0..budget.follow_up_processes {
            let index = budget.processes + k;
            support::canary(&format!("before follow-up {}", k + 1));
            eprintln!(
                "parbench: pairs, follow-up process {} of {} for {} sets with an open verdict \
                 ({}; {:.0} s so far)",
                k + 1,
                budget.follow_up_processes,
                open.len(),
                open.join(", "),
                started.elapsed().as_secs_f64()
            );
            match run_child(&exe, scratch.path(), index, &mixed, Some(&open)) {
                Ok(pass) => passes.push(pass),
                Err(why) => eprintln!("warning: pairs follow-up {} failed: {why}", k + 1),
            }
        }
    }
    support::canary("after the passes");
    let record = PairsRecord {
        cold_settle_rounds: Some(budget.cold_settle_rounds),
        ..PairsRecord::combine(&shapes, &passes, gap_ms)
    };
    if let Err(error) = record.save(&dir) {
        eprintln!("warning: the paired speedups are not recorded: {error}");
    }
    let mut settings = BTreeMap::new();
    settings.insert("processes".to_string(), serde_json::json!(budget.processes));
    settings.insert("follow_up_sets".to_string(), serde_json::json!(open));
    settings.insert(
        "sets".to_string(),
        serde_json::json!(sets.iter().map(|s| s.name.clone()).collect::<Vec<_>>()),
    );
    settings.insert(
        "mixed_hash_bytes_by_waiting_percent".to_string(),
        serde_json::json!(mixed),
    );
    if let Err(error) = RunManifest::record_settings(&dir, env!("CARGO_CRATE_NAME"), settings) {
        eprintln!("warning: the run's manifest does not name the pairs: {error}");
    }
    eprintln!(
        "parbench: pairs done in {:.0} s ({} processes)",
        started.elapsed().as_secs_f64(),
        passes.len()
    );
}

/// Runs pass `index` in a fresh process of this binary and reads what it measured: every set,
/// or the `follow_up` sets only.
fn run_child(
    exe: &Path,
    scratch: &Path,
    index: usize,
    mixed: &BTreeMap<u64, u64>,
    follow_up: Option<&[String]>,
) -> Result<PassResult, String> {
    let out: PathBuf = scratch.join(format!("pass-{index}.json"));
    let mut command = Command::new(exe);
    if let Some(names) = follow_up {
        command.env(
            PASS_FOLLOW_UP_VAR,
            serde_json::to_string(names).expect("names serialize"),
        );
    }
    let status = command
        .env(PASS_OUT_VAR, &out)
        .env(PASS_INDEX_VAR, index.to_string())
        .env(
            PASS_MIXED_VAR,
            serde_json::to_string(mixed).expect("a map of numbers serializes"),
        )
        .status()
        .map_err(|e| format!("cannot start {}: {e}", exe.display()))?;
    if !status.success() {
        return Err(format!("it ended with {status}"));
    }
    let text = std::fs::read_to_string(&out).map_err(|e| format!("no result: {e}"))?;
    serde_json::from_str(&text).map_err(|e| format!("unreadable result: {e}"))
}

/// A child process: one pass over every set, written to `out`.
fn child(plan: &Plan, out: &Path, index: usize) {
    let mixed: BTreeMap<u64, u64> = std::env::var(PASS_MIXED_VAR)
        .ok()
        .and_then(|text| serde_json::from_str(&text).ok())
        .unwrap_or_default();
    let mut sets: Vec<PairSet> = pairs::sets(plan, &mixed);
    let mut budget = PairsBudget::of(plan);
    if let Some(names) = std::env::var(PASS_FOLLOW_UP_VAR)
        .ok()
        .and_then(|text| serde_json::from_str::<Vec<String>>(&text).ok())
    {
        sets = pairs::follow_up(&sets, &names);
        budget = budget.for_follow_up();
    }
    let pass = pairs::run_pass(&sets, &budget, &support::worker(), index, |_| {})
        .unwrap_or_else(|e| support::exit_with(&e));
    let text = serde_json::to_string(&pass).expect("a pass serializes");
    if let Err(e) = std::fs::write(out, text) {
        eprintln!("error: cannot write {}: {e}", out.display());
        std::process::exit(2);
    }
}

/// The bytes each mixed waiting share hashes: as the `mixed` bench of this run calibrated
/// them (from the run's manifest), else calibrated here the same way.
fn mixed_bytes(plan: &Plan) -> BTreeMap<u64, u64> {
    let dir = criterion_dir(Path::new(env!("CARGO_MANIFEST_DIR")));
    let group = Group::Mixed {
        total: plan.mixed_total(),
        tasks: plan.mixed_tasks(),
    };
    let recorded = RunManifest::read(&dir)
        .ok()
        .flatten()
        .filter(|m| m.profile == plan.profile)
        .and_then(|m| {
            let by_share = m
                .settings_of(&group)?
                .get("hash_bytes_by_waiting_percent")?;
            serde_json::from_value::<BTreeMap<String, u64>>(by_share.clone()).ok()
        });
    match recorded {
        Some(by_share) => by_share
            .into_iter()
            .filter_map(|(k, v)| Some((k.parse().ok()?, v)))
            .collect(),
        None => {
            let shares = plan.mixed_shares();
            if shares.is_empty() {
                return BTreeMap::new();
            }
            let rate = hashing_rate();
            shares
                .into_iter()
                .map(|p| (p, plan.mixed_hash_bytes(p, rate)))
                .collect()
        }
    }
}
