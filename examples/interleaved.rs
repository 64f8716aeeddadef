//! An independent check of a paired speedup: sequential against one strategy on the same
//! tasks, alternately in a random order, in several fresh processes; written apart from
//! `parbench::pairs` (no shared measuring code) so that it can confirm or refute the page.
//!
//! Run with:
//! `cargo run --release --example interleaved -- hash 1MiB 16 rayon hot 5 200`
//! (workload, bytes, tasks, strategy, mode, processes, rounds per process). Prints each
//! process's geometric-mean speedup and their mean with a Student-t 95 % interval.
//!
//! Modes, each timing one side of a round:
//! - `hot`: an untimed call, then back-to-back calls for at least 2 ms, their mean — a loop,
//!   as the pairs' default profile and the page's "in a loop" measure;
//! - `cold`: one call after a 10 ms sleep — "after a pause" on the page;
//! - `warm`: one call right after an untimed one — neither of the page's modes; for calls of
//!   tens of µs it can land in another scheduling regime (see docs/measuring.md).
//!
//! Knobs, to see what the suite's rounds do to a pair: `INTERLEAVED_ALSO=processes,threads`
//! runs those strategies untimed before each round (a set's other arms),
//! `INTERLEAVED_SETTLE_MS` sleeps after them, `INTERLEAVED_WARM_MS` sets the hot warm-up;
//! `INTERLEAVED_HOT_FIRST_MS` calls both sides back to back that long before the rounds (as a
//! set's hot rounds precede its cold ones in the pairs), `INTERLEAVED_IDLE_MS` sleeps before the
//! rounds and `INTERLEAVED_SKIP_ROUNDS` runs that many untimed rounds first (the pairs' cold
//! mode runs 3).

use std::process::Command;
use std::time::{Duration, Instant};

use parbench::strategy::{StrategyConfig, StrategyKind};
use parbench::units::parse_bytes;
use parbench::worker::WorkerCommand;
use parbench::workload::{TaskSet, Workload};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.len() != 7 {
        eprintln!(
            "usage: interleaved WORKLOAD BYTES TASKS STRATEGY hot|cold|warm PROCESSES ROUNDS \
             (e.g. hash 1MiB 16 rayon hot 5 200)"
        );
        std::process::exit(2);
    }
    if std::env::var_os("INTERLEAVED_CHILD").is_some() {
        let speedup = one_process(&args);
        println!("{speedup}");
        return;
    }
    let processes: usize = args[5].parse().expect("PROCESSES is a number");
    let mut speedups = Vec::new();
    for p in 0..processes {
        let out = Command::new(std::env::current_exe().expect("this program"))
            .args(&args)
            .env("INTERLEAVED_CHILD", p.to_string())
            .output()
            .expect("a child process");
        let text = String::from_utf8_lossy(&out.stdout);
        let s: f64 = text
            .trim()
            .parse()
            .unwrap_or_else(|_| panic!("child failed: {}", String::from_utf8_lossy(&out.stderr)));
        println!("process {}: ×{s:.3}", p + 1);
        speedups.push(s.ln());
    }
    let k = speedups.len() as f64;
    let mean = speedups.iter().sum::<f64>() / k;
    let sd = (speedups.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (k - 1.0)).sqrt();
    let half = parbench::interval::t95(speedups.len() - 1) * sd / k.sqrt();
    println!(
        "speedup ×{:.3} [{:.3}, {:.3}] over {} processes",
        mean.exp(),
        (mean - half).exp(),
        (mean + half).exp(),
        processes
    );
}

/// One process: `ROUNDS` rounds of sequential and the strategy in a random order; the
/// geometric mean of the per-round ratios.
fn one_process(args: &[String]) -> f64 {
    let bytes = parse_bytes("BYTES", &args[1]).expect("BYTES");
    let workload = match args[0].as_str() {
        "hash" => Workload::Hash { bytes },
        other => panic!("only hash is supported here, not {other}"),
    };
    let tasks = TaskSet::new(workload, args[2].parse().expect("TASKS")).expect("tasks");
    let kind = StrategyKind::from_name(&args[3]).expect("STRATEGY");
    let mode = args[4].as_str();
    assert!(
        matches!(mode, "hot" | "cold" | "warm"),
        "MODE is hot, cold or warm, not {mode}"
    );
    let rounds: usize = args[6].parse().expect("ROUNDS");
    let worker = WorkerCommand::parbench(
        std::env::current_exe()
            .unwrap()
            .parent()
            .unwrap()
            .parent()
            .unwrap()
            .join("parbench"),
    );
    let config = StrategyConfig::new().worker_command(worker);
    let baseline = StrategyKind::Sequential.build(&config).unwrap();
    let strategy = kind.build(&config).unwrap();
    let expected = tasks.expected_outputs();
    let check = |s: &dyn parbench::strategy::Strategy| {
        let out = s.run(&tasks).unwrap();
        assert!(out == expected, "wrong outputs");
    };
    // How many back-to-back calls fill 2 ms, per side (hot only).
    let batch_of = |s: &dyn parbench::strategy::Strategy| {
        check(s);
        let start = Instant::now();
        check(s);
        (0.002 / start.elapsed().as_secs_f64())
            .ceil()
            .clamp(1.0, 10_000.0) as usize
    };
    let batches = if mode == "hot" {
        (batch_of(baseline.as_ref()), batch_of(strategy.as_ref()))
    } else {
        (1, 1)
    };
    // Untimed calls before a hot batch: at least one (as the pairs), and as many as fill
    // `INTERLEAVED_WARM_MS` (default 0).
    let warm_for = Duration::from_millis(if mode == "hot" {
        std::env::var("INTERLEAVED_WARM_MS")
            .ok()
            .and_then(|ms| ms.parse().ok())
            .unwrap_or(0)
    } else {
        0
    });
    let time = |s: &dyn parbench::strategy::Strategy, batch: usize| {
        if mode == "cold" {
            std::thread::sleep(Duration::from_millis(10));
        } else {
            let start = Instant::now();
            check(s);
            while start.elapsed() < warm_for {
                check(s);
            }
        }
        let start = Instant::now();
        for _ in 0..batch {
            check(s);
        }
        start.elapsed().as_secs_f64() / batch as f64
    };
    // Other strategies run untimed before each round's pair (`INTERLEAVED_ALSO=processes,…`):
    // what a round of the suite's pairs, with every arm of a set, leaves behind.
    let also: Vec<Box<dyn parbench::strategy::Strategy>> = std::env::var("INTERLEAVED_ALSO")
        .unwrap_or_default()
        .split(',')
        .filter(|name| !name.is_empty())
        .map(|name| {
            StrategyKind::from_name(name)
                .expect("INTERLEAVED_ALSO names strategies")
                .build(&config)
                .unwrap()
        })
        .collect();
    // And how long to wait after them (`INTERLEAVED_SETTLE_MS`, default 0).
    let settle = Duration::from_millis(
        std::env::var("INTERLEAVED_SETTLE_MS")
            .ok()
            .and_then(|ms| ms.parse().ok())
            .unwrap_or(0),
    );
    time(baseline.as_ref(), batches.0);
    time(strategy.as_ref(), batches.1);
    // Idle before the rounds (`INTERLEAVED_IDLE_MS`), then untimed rounds
    // (`INTERLEAVED_SKIP_ROUNDS`): whether the first rounds after a start are another regime.
    let env_ms = |name: &str| {
        std::env::var(name)
            .ok()
            .and_then(|v| v.parse::<u64>().ok())
            .unwrap_or(0)
    };
    // Back-to-back calls of both sides first (`INTERLEAVED_HOT_FIRST_MS`): as the pairs' cold
    // rounds follow the same set's hot ones.
    let hot_first = Instant::now();
    while hot_first.elapsed() < Duration::from_millis(env_ms("INTERLEAVED_HOT_FIRST_MS")) {
        check(baseline.as_ref());
        check(strategy.as_ref());
    }
    std::thread::sleep(Duration::from_millis(env_ms("INTERLEAVED_IDLE_MS")));
    for _ in 0..env_ms("INTERLEAVED_SKIP_ROUNDS") {
        time(baseline.as_ref(), batches.0);
        time(strategy.as_ref(), batches.1);
    }
    let seed = std::env::var("INTERLEAVED_CHILD").unwrap_or_default();
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15 ^ seed.parse::<u64>().unwrap_or(0);
    let mut sum = 0.0;
    for _ in 0..rounds {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        for other in &also {
            check(other.as_ref());
        }
        if !also.is_empty() {
            std::thread::sleep(settle);
        }
        let (b, s) = if state & 1 == 0 {
            let b = time(baseline.as_ref(), batches.0);
            (b, time(strategy.as_ref(), batches.1))
        } else {
            let s = time(strategy.as_ref(), batches.1);
            (time(baseline.as_ref(), batches.0), s)
        };
        sum += (b / s).ln();
    }
    (sum / rounds as f64).exp()
}
