//! The whole flag space of the CLI, tried at random: `run`, `advise`, `compare`, `machine` and
//! `report` with random combinations of flags and values, good and bad, from a seeded generator.
//!
//! Every case must end with status 0, 1 or 2 (no panic, no abort, no signal), a failure must
//! be one line on stderr, and no process parbench started may outlive it. Each run is capped
//! at [`CAP`]; a run still going then is stopped with SIGTERM, then SIGKILL (parbench alone:
//! its workers must die with it) and counted, not failed — a long valid run is not a bug. The seed and the case count are
//! printed; `PARBENCH_FLAGS_SEED` and `PARBENCH_FLAGS_CASES` replay or widen a search, and
//! `PARBENCH_FLAGS_SHOW=1` prints every case with its status and first line of stderr, e.g.
//! `PARBENCH_FLAGS_SEED=7 PARBENCH_FLAGS_SHOW=1 cargo test --test cli_flags -- --nocapture`.

use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The longest one case may run before it is killed.
const CAP: Duration = Duration::from_secs(2);
/// The seed CI uses, so that a failure there replays anywhere.
const DEFAULT_SEED: u64 = 20_261_204;
/// How many cases CI tries.
const DEFAULT_CASES: usize = 400;
/// The whole test stops starting new cases after this long.
const BUDGET: Duration = Duration::from_secs(50);

/// xorshift64*: small, seeded, good enough to pick flags.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }

    fn pick<'a>(&mut self, values: &[&'a str]) -> &'a str {
        values[(self.next() % values.len() as u64) as usize]
    }
}

/// A flag's values: those it accepts, and those it must refuse in one line.
struct Values {
    good: &'static [&'static str],
    bad: &'static [&'static str],
}

impl Values {
    /// A good value seven times in eight, else a bad one (so that a case with several flags is
    /// often valid all through, and runs).
    fn pick(&self, rng: &mut Rng) -> &'static str {
        if rng.chance(88) {
            rng.pick(self.good)
        } else {
            rng.pick(self.bad)
        }
    }
}

const WORKLOADS: Values = Values {
    good: &["sleep", "hash", "noop", "mixed", "file", "net", "receive"],
    bad: &["spin", ""],
};
const STRATEGIES: Values = Values {
    good: &[
        "sequential",
        "threads",
        "rayon",
        "processes",
        "process-pool",
        "gil",
        "async",
        "async-multi",
    ],
    bad: &["fibers"],
};
const TASKS: Values = Values {
    good: &["1", "2", "3", "100000"],
    bad: &["0", "-1", "100001", "x", "1e3", "18446744073709551616"],
};
const DURATIONS: Values = Values {
    good: &["1ms", "1us", "2ms", "10min"],
    bad: &["0s", "soon", "-1s", "11min", "1h", ""],
};
const BYTES: Values = Values {
    good: &["1", "64KiB", "1MiB", "4MiB"],
    bad: &["0", "2GiB", "1TiB", "lots", "-1"],
};
const WORKERS: Values = Values {
    good: &["1", "2", "3"],
    bad: &["0", "1025", "-1", "many"],
};
const RUNS: Values = Values {
    good: &["1", "2", "3"],
    bad: &["0", "10001", "-3", "x"],
};
const WARMUPS: Values = Values {
    good: &["0", "1"],
    bad: &["1001", "-1"],
};
const INTERVALS: Values = Values {
    good: &["1ms", "1us"],
    bad: &["0s", "11min", "x"],
};

/// The files `compare` and `advise --from` are given.
struct Files {
    summary: PathBuf,
    others: Vec<PathBuf>,
}

impl Files {
    fn new(dir: &Path) -> Files {
        let summary = Path::new(env!("CARGO_MANIFEST_DIR")).join("reports/example/summary.json");
        let json: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&summary).unwrap()).unwrap();
        let write = |name: &str, text: String| {
            let path = dir.join(name);
            std::fs::write(&path, text).unwrap();
            path
        };
        let variant = |name: &str, key: &str, value: serde_json::Value| {
            let mut changed = json.clone();
            changed[key] = value;
            write(name, changed.to_string())
        };
        let others = vec![
            variant("older.json", "version", 7.into()),
            variant("empty.json", "benchmarks", serde_json::json!([])),
            variant("quick.json", "profile", "quick".into()),
            write("corrupt.json", "{\"schema\": ".to_string()),
            write("foreign.json", "{\"results\": []}".to_string()),
            dir.join("absent.json"),
        ];
        Files { summary, others }
    }

    fn pick(&self, rng: &mut Rng) -> PathBuf {
        if rng.chance(60) {
            self.summary.clone()
        } else {
            self.others[(rng.next() % self.others.len() as u64) as usize].clone()
        }
    }
}

/// One random command line.
fn case(rng: &mut Rng, files: &Files) -> Vec<String> {
    let mut args: Vec<String> = Vec::new();
    let flag = |args: &mut Vec<String>, name: &str, value: &str| {
        args.push(name.to_string());
        args.push(value.to_string());
    };
    match rng.next() % 20 {
        0..=11 => {
            args.push("run".into());
            if rng.chance(95) {
                flag(&mut args, "--workload", WORKLOADS.pick(rng));
            }
            if rng.chance(95) {
                flag(&mut args, "--strategy", STRATEGIES.pick(rng));
            }
            if rng.chance(95) {
                flag(&mut args, "--tasks", TASKS.pick(rng));
            }
            for (name, values, percent) in [
                ("--duration", &DURATIONS, 30),
                ("--bytes", &BYTES, 30),
                ("--workers", &WORKERS, 20),
                ("--switch-interval", &INTERVALS, 15),
                ("--runs", &RUNS, 20),
                ("--warmup", &WARMUPS, 15),
            ] {
                if rng.chance(percent) {
                    flag(&mut args, name, values.pick(rng));
                }
            }
            for (name, percent) in [("--json", 30), ("--no-verify", 15), ("--yes", 10)] {
                if rng.chance(percent) {
                    args.push(name.into());
                }
            }
        }
        12..=15 => {
            args.push("advise".into());
            if rng.chance(50) {
                flag(&mut args, "--workload", WORKLOADS.pick(rng));
            }
            for (name, values, percent) in [
                ("--cpu", &DURATIONS, 40),
                ("--wait", &DURATIONS, 40),
                ("--input", &BYTES, 20),
                ("--bytes", &BYTES, 25),
                ("--duration", &DURATIONS, 25),
                ("--tasks", &TASKS, 95),
            ] {
                if rng.chance(percent) {
                    flag(&mut args, name, values.pick(rng));
                }
            }
            if rng.chance(30) {
                args.push("--json".into());
            }
            // Always a model file: without one advise calibrates, which takes seconds.
            args.push("--from".into());
            args.push(files.pick(rng).display().to_string());
        }
        16..=17 => {
            args.push("compare".into());
            let files_given = if rng.chance(80) { 2 } else { rng.next() % 4 };
            for _ in 0..files_given {
                args.push(files.pick(rng).display().to_string());
            }
            if rng.chance(30) {
                args.push("--json".into());
            }
        }
        18 => {
            args.push("machine".into());
            if rng.chance(50) {
                args.push("--json".into());
            }
        }
        _ => {
            // No Criterion data here: an empty or a missing directory, into the test's own.
            args.push("report".into());
            let criterion = if rng.chance(50) {
                "criterion"
            } else {
                "absent"
            };
            flag(&mut args, "--criterion-dir", criterion);
            flag(&mut args, "--out", "reports");
        }
    }
    if rng.chance(5) {
        args.push("--frobnicate".into());
    }
    args
}

/// The processes of process group `group`, as (pid, command) pairs.
fn group_members(group: u32) -> Vec<(u32, String)> {
    let mut members = Vec::new();
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let Some(pid) = entry
            .file_name()
            .to_str()
            .and_then(|n| n.parse::<u32>().ok())
        else {
            continue;
        };
        let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else {
            continue;
        };
        let Some(close) = stat.rfind(')') else {
            continue;
        };
        // After the command: state, ppid, pgrp.
        let pgrp = stat[close + 1..].split_whitespace().nth(2);
        if pgrp.and_then(|g| g.parse::<u32>().ok()) == Some(group) {
            let command = stat[..close]
                .split_once('(')
                .map_or("", |c| c.1)
                .to_string();
            members.push((pid, command));
        }
    }
    members
}

/// How one case ended.
enum Outcome {
    Exited { code: Option<i32>, stderr: String },
    TimedOut,
}

/// Runs parbench with `args` in its own process group, in `dir`, capped at [`CAP`]; then
/// checks that nothing of its group is left.
fn run_case(args: &[String], dir: &Path) -> Result<Outcome, String> {
    let mut child = Command::new(env!("CARGO_BIN_EXE_parbench"))
        .args(args)
        .current_dir(dir)
        // Scratch files of a killed run stay inside the test's directory.
        .env("TMPDIR", dir)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .process_group(0)
        .spawn()
        .map_err(|e| format!("cannot start parbench: {e}"))?;
    let group = child.id();
    let stderr = child.stderr.take().unwrap();
    let reader = std::thread::spawn(move || std::io::read_to_string(stderr).unwrap_or_default());
    let start = Instant::now();
    let outcome = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break Outcome::Exited {
                code: status.code(),
                stderr: reader.join().unwrap(),
            };
        }
        if start.elapsed() > CAP {
            // parbench alone, as a user's Ctrl-C or `kill` would: SIGTERM (run cleans up and
            // exits 143), then SIGKILL; its workers must die with it either way.
            let pid = nix::unistd::Pid::from_raw(group as i32);
            let _ = nix::sys::signal::kill(pid, nix::sys::signal::Signal::SIGTERM);
            let deadline = Instant::now() + Duration::from_secs(2);
            while child.try_wait().unwrap().is_none() && Instant::now() < deadline {
                std::thread::sleep(Duration::from_millis(10));
            }
            child.kill().unwrap();
            child.wait().unwrap();
            drop(reader);
            break Outcome::TimedOut;
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    // Workers get SIGKILL from the kernel when parbench dies: give them a moment.
    let deadline = Instant::now() + Duration::from_secs(2);
    let mut left = group_members(group);
    while !left.is_empty() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
        left = group_members(group);
    }
    if !left.is_empty() {
        // Clean up before failing, so that one failure does not leak processes.
        let _ = Command::new("kill")
            .args(["-KILL", "--", &format!("-{group}")])
            .status();
        return Err(format!("processes left behind: {left:?}"));
    }
    Ok(outcome)
}

#[test]
fn random_flag_combinations_end_cleanly() {
    let seed = std::env::var("PARBENCH_FLAGS_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(DEFAULT_SEED);
    let cases = std::env::var("PARBENCH_FLAGS_CASES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(DEFAULT_CASES);
    let show = std::env::var_os("PARBENCH_FLAGS_SHOW").is_some();
    let dir = tempfile::tempdir().unwrap();
    let files = Files::new(dir.path());
    std::fs::create_dir(dir.path().join("criterion")).unwrap();
    let mut rng = Rng(seed.max(1));
    let start = Instant::now();
    let (mut ran, mut timed_out) = (0, 0);
    let mut codes = [0usize; 3];
    let mut failures = Vec::new();
    for _ in 0..cases {
        if start.elapsed() > BUDGET {
            break;
        }
        let args = case(&mut rng, &files);
        ran += 1;
        let shown = format!("parbench {}", args.join(" "));
        match run_case(&args, dir.path()) {
            Err(problem) => failures.push(format!("{shown}: {problem}")),
            Ok(Outcome::TimedOut) => timed_out += 1,
            Ok(Outcome::Exited { code, stderr }) => {
                if show {
                    println!("{code:?} {shown}: {}", stderr.lines().next().unwrap_or(""));
                }
                let lines = stderr.trim_end().lines().count();
                match code {
                    Some(c @ 0..=2) => codes[c as usize] += 1,
                    other => failures.push(format!("{shown}: exit {other:?}: {stderr}")),
                }
                if stderr.contains("panicked") || stderr.contains("RUST_BACKTRACE") {
                    failures.push(format!("{shown}: panicked: {stderr}"));
                } else if code != Some(0) && lines != 1 {
                    failures.push(format!("{shown}: {lines} lines on stderr: {stderr}"));
                }
            }
        }
    }
    println!(
        "cli_flags: seed {seed}, {ran} of {cases} cases in {:.1} s: exit 0 ×{}, 1 ×{}, 2 ×{}, \
         stopped at the {} s cap ×{timed_out}",
        start.elapsed().as_secs_f64(),
        codes[0],
        codes[1],
        codes[2],
        CAP.as_secs()
    );
    assert!(
        failures.is_empty(),
        "seed {seed}: {} of {ran} cases failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
