//! The speed canary: a fixed reference task measured again and again during a run, so the
//! report can say how much the machine's own speed moved and which benchmarks were measured
//! while it was slow.
//!
//! One reading hashes [`CANARY_BYTES`] on one thread, and the same on every logical CPU at
//! once (one buffer per thread), each the best of [`CANARY_TRIES`]: the first tracks the
//! machine's speed, the second its parallel capacity (on a shared VM both drift); a third
//! starts a small process (`true`) and waits for it, best of [`CANARY_TRIES`]: what the
//! operating system's own work costs now, which moves apart from hashing (one run of the
//! suite spawns and pipes 8–25 % slower against hashing than the run before it). The benches
//! take a reading when a bench binary starts and ends and around every group; the readings
//! go to `parbench-canary.json`, and `parbench advise` takes one before it predicts.

use std::path::Path;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

use crate::error::Result;
use crate::interval::Interval;
use crate::records;
use crate::workload::{Workload, task_input};

/// Bytes one canary task hashes: about a millisecond on one core.
pub const CANARY_BYTES: usize = 2 << 20;

/// Tries per reading; the fastest counts.
pub const CANARY_TRIES: usize = 3;

/// A reading this much slower than the run's fastest marks a slow stretch.
pub const SLOW_AT: f64 = 1.20;

/// The file, inside Criterion's directory, holding the run's canary readings.
pub const CANARY_FILE: &str = "parbench-canary.json";

/// One reading of the canary.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CanaryReading {
    /// Where in the run it was taken: `<bench>: start`, `<bench>: before <group>`, ….
    pub at: String,
    /// The bench binary that took it.
    pub bench: String,
    /// Seconds since the Unix epoch.
    pub unix_seconds: f64,
    /// The time to hash [`CANARY_BYTES`] on one thread, ns.
    pub one_core_ns: f64,
    /// The time for every logical CPU to hash as much at once, ns.
    pub all_cores_ns: f64,
    /// How many threads the second measurement used.
    pub cores: usize,
    /// The time to start `true` and wait for it, ns; `None` where it could not be started
    /// (or in readings taken before parbench measured it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub spawn_ns: Option<f64>,
}

/// The program the canary starts: `true`, found on `PATH`.
pub const SPAWN_PROGRAM: &str = "true";

impl CanaryReading {
    /// Takes a reading now, labelled `at`, for bench binary `bench`, on `cores` threads.
    pub fn take(bench: &str, at: &str, cores: usize) -> CanaryReading {
        let cores = cores.max(1);
        let inputs: Vec<Vec<u8>> = (0..cores).map(|i| task_input(i, CANARY_BYTES)).collect();
        let hash = Workload::Hash {
            bytes: CANARY_BYTES as u64,
        };
        let best = |run: &dyn Fn()| {
            (0..CANARY_TRIES)
                .map(|_| {
                    let start = Instant::now();
                    run();
                    start.elapsed().as_nanos() as f64
                })
                .fold(f64::INFINITY, f64::min)
        };
        let one_core_ns = best(&|| {
            std::hint::black_box(hash.expected_output(0, &inputs[0]));
        });
        let all_cores_ns = best(&|| {
            std::thread::scope(|scope| {
                for (i, input) in inputs.iter().enumerate() {
                    scope.spawn(move || std::hint::black_box(hash.expected_output(i, input)));
                }
            });
        });
        let spawn_ns = (0..CANARY_TRIES)
            .map(|_| {
                let start = Instant::now();
                let status = std::process::Command::new(SPAWN_PROGRAM).status().ok()?;
                status.success().then(|| start.elapsed().as_nanos() as f64)
            })
            .try_fold(f64::INFINITY, |best, t| t.map(|t| best.min(t)));
        CanaryReading {
            at: at.to_string(),
            bench: bench.to_string(),
            unix_seconds: SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map_or(0.0, |d| d.as_secs_f64()),
            one_core_ns,
            all_cores_ns,
            cores,
            spawn_ns,
        }
    }

    /// The parallel capacity this reading shows: `cores` × one core's time over the time of
    /// every core at once (×cores at best).
    pub fn scaling(&self) -> f64 {
        self.cores as f64 * self.one_core_ns / self.all_cores_ns
    }

    /// Reads every reading in `criterion_dir`, oldest first; empty if none was taken.
    pub fn read_all(criterion_dir: &Path) -> Result<Vec<CanaryReading>> {
        let mut all: Vec<CanaryReading> =
            records::load_json_list(&criterion_dir.join(CANARY_FILE))?;
        all.sort_by(|a, b| a.unix_seconds.total_cmp(&b.unix_seconds));
        Ok(all)
    }

    /// Adds `reading` to the file in `criterion_dir`. A bench binary's first reading (`start`)
    /// removes the readings an earlier run of the same binary left.
    pub fn save(criterion_dir: &Path, reading: &CanaryReading, starts_bench: bool) -> Result<()> {
        let path = criterion_dir.join(CANARY_FILE);
        let mut all: Vec<CanaryReading> = records::load_json_list(&path)?;
        if starts_bench {
            all.retain(|r| r.bench != reading.bench);
        }
        all.push(reading.clone());
        records::save_json(&path, &all)
    }
}

/// What a run's canary readings say.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CanarySummary {
    /// How many readings.
    pub readings: usize,
    /// The fastest one-core time, ns.
    pub fastest_ns: f64,
    /// The slowest reading over the fastest (≥ 1).
    pub slowest_factor: f64,
    /// The median reading over the fastest.
    pub median_factor: f64,
    /// The parallel capacity's range over the readings: lowest, median, highest.
    pub scaling: Interval,
    /// The readings slower than [`SLOW_AT`] × the fastest, by label.
    pub slow: Vec<String>,
    /// Starting a process: the fastest time (ns) and the slowest and median readings over it,
    /// when the readings have it.
    pub spawn: Option<SpawnSummary>,
}

/// What the canary's process starts say over a run.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SpawnSummary {
    /// The fastest start, ns.
    pub fastest_ns: f64,
    /// The slowest over the fastest (≥ 1).
    pub slowest_factor: f64,
    /// The median over the fastest.
    pub median_factor: f64,
}

impl SpawnSummary {
    /// Summarises the readings' process starts; `None` when none has one.
    fn of(readings: &[CanaryReading]) -> Option<SpawnSummary> {
        let times: Vec<f64> = readings.iter().filter_map(|r| r.spawn_ns).collect();
        let fastest = times.iter().copied().fold(f64::INFINITY, f64::min);
        if !fastest.is_finite() || fastest <= 0.0 {
            return None;
        }
        let factors: Vec<f64> = times.iter().map(|t| t / fastest).collect();
        Some(SpawnSummary {
            fastest_ns: fastest,
            slowest_factor: factors.iter().copied().fold(1.0, f64::max),
            median_factor: crate::stats::median(&factors).unwrap_or(1.0),
        })
    }
}

impl CanarySummary {
    /// Summarises `readings`; `None` without any.
    pub fn of(readings: &[CanaryReading]) -> Option<CanarySummary> {
        if readings.is_empty() {
            return None;
        }
        let fastest = readings
            .iter()
            .map(|r| r.one_core_ns)
            .fold(f64::INFINITY, f64::min);
        let factors: Vec<f64> = readings.iter().map(|r| r.one_core_ns / fastest).collect();
        let scalings: Vec<f64> = readings.iter().map(CanaryReading::scaling).collect();
        let lowest = scalings.iter().copied().fold(f64::INFINITY, f64::min);
        let highest = scalings.iter().copied().fold(0.0, f64::max);
        Some(CanarySummary {
            readings: readings.len(),
            fastest_ns: fastest,
            slowest_factor: factors.iter().copied().fold(1.0, f64::max),
            median_factor: crate::stats::median(&factors).unwrap_or(1.0),
            scaling: Interval {
                point: crate::stats::median(&scalings).unwrap_or(lowest),
                lower: lowest,
                upper: highest,
            },
            slow: readings
                .iter()
                .zip(&factors)
                .filter(|(_, f)| **f > SLOW_AT)
                .map(|(r, _)| r.at.clone())
                .collect(),
            spawn: SpawnSummary::of(readings),
        })
    }

    /// The groups measured in a slow stretch: those with a reading before or after them
    /// (`<bench>: before <group>` / `after <group>`) slower than [`SLOW_AT`] × the fastest.
    pub fn slow_groups(&self) -> Vec<String> {
        let mut groups: Vec<String> = self
            .slow
            .iter()
            .filter_map(|at| {
                let (_, what) = at.split_once(": ")?;
                what.strip_prefix("before ")
                    .or_else(|| what.strip_prefix("after "))
                    .map(str::to_string)
            })
            .collect();
        groups.sort();
        groups.dedup();
        groups
    }
}

/// The machine's speed now against a bench run's: the canary's one-core time now over its
/// median during the run.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct SpeedNow {
    /// The one-core reference time now, ns.
    pub now_ns: f64,
    /// Its median during the bench run, ns.
    pub during_run_ns: f64,
    /// `now_ns / during_run_ns`: above 1, this machine is slower now.
    pub factor: f64,
}

impl SpeedNow {
    /// Takes a reading now (every logical CPU for the parallel half) and sets it against the
    /// run's canary in `summary` (a `summary.json`'s value: `pairs.canary`); `None` when the
    /// summary has no canary.
    pub fn against_summary(summary: &serde_json::Value) -> Option<SpeedNow> {
        let canary = summary.get("pairs")?.get("canary")?;
        let fastest = canary.get("fastest_ns")?.as_f64()?;
        let median = canary.get("median_factor")?.as_f64()?;
        let during_run_ns = fastest * median;
        let now = CanaryReading::take("advise", "advise: now", crate::cpus::available());
        (during_run_ns > 0.0).then(|| SpeedNow {
            now_ns: now.one_core_ns,
            during_run_ns,
            factor: now.one_core_ns / during_run_ns,
        })
    }

    /// The sentence `advise` prints about it.
    pub fn sentence(&self) -> String {
        format!(
            "machine speed: the reference task takes {} now against {} during the bench run \
             (×{:.2}); the model's computing costs are scaled by that",
            crate::format::time(self.now_ns),
            crate::format::time(self.during_run_ns),
            self.factor
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reading(at: &str, one: f64, all: f64, t: f64) -> CanaryReading {
        CanaryReading {
            at: at.to_string(),
            bench: at.split(':').next().unwrap().to_string(),
            unix_seconds: t,
            one_core_ns: one,
            all_cores_ns: all,
            cores: 2,
            spawn_ns: None,
        }
    }

    #[test]
    fn process_starts_are_summarised_when_the_readings_have_them() {
        let mut readings = [
            reading("a: start", 1.0e6, 1.0e6, 1.0),
            reading("a: end", 1.0e6, 1.0e6, 2.0),
            reading("b: start", 1.0e6, 1.0e6, 3.0),
        ];
        assert_eq!(CanarySummary::of(&readings).unwrap().spawn, None);
        readings[0].spawn_ns = Some(500_000.0);
        readings[1].spawn_ns = Some(600_000.0);
        readings[2].spawn_ns = Some(800_000.0);
        let spawn = CanarySummary::of(&readings).unwrap().spawn.unwrap();
        assert_eq!(spawn.fastest_ns, 500_000.0);
        assert!((spawn.slowest_factor - 1.6).abs() < 1e-9);
        assert!((spawn.median_factor - 1.2).abs() < 1e-9);
    }

    #[test]
    fn a_slow_stretch_is_found_and_names_its_groups() {
        let readings = [
            reading("cpu_bound: start", 1.0e6, 1.05e6, 1.0),
            reading("cpu_bound: before hash-1MiB", 1.02e6, 1.1e6, 2.0),
            reading("cpu_bound: after hash-1MiB", 1.48e6, 2.0e6, 3.0),
            reading("mixed: before mixed-10ms-n8", 1.01e6, 1.0e6, 4.0),
        ];
        let s = CanarySummary::of(&readings).unwrap();
        assert_eq!(s.readings, 4);
        assert!((s.slowest_factor - 1.48).abs() < 1e-9);
        assert_eq!(s.slow, ["cpu_bound: after hash-1MiB"]);
        assert_eq!(s.slow_groups(), ["hash-1MiB"]);
        assert!(s.scaling.lower < s.scaling.point && s.scaling.point <= s.scaling.upper);
        assert!((s.scaling.upper - 2.02).abs() < 1e-9);
        assert!(CanarySummary::of(&[]).is_none());
    }

    #[test]
    fn the_speed_now_is_set_against_the_runs_median() {
        let summary = serde_json::json!({
            "pairs": { "canary": { "fastest_ns": 1.0e6, "median_factor": 1.1 } }
        });
        let speed = SpeedNow::against_summary(&summary).unwrap();
        assert!((speed.during_run_ns - 1.1e6).abs() < 1e-6);
        assert!(speed.factor > 0.0 && speed.now_ns > 0.0);
        assert!(speed.sentence().contains("during the bench run"));
        assert!(SpeedNow::against_summary(&serde_json::json!({})).is_none());
    }

    #[test]
    fn readings_are_taken_saved_and_a_new_start_replaces_a_bench_s_old_ones() {
        let r = CanaryReading::take("t", "t: start", 2);
        assert!(r.one_core_ns > 0.0 && r.all_cores_ns > 0.0);
        assert!(
            r.spawn_ns.is_some_and(|ns| ns > 0.0),
            "`true` is on PATH here: {:?}",
            r.spawn_ns
        );
        assert!(r.scaling() > 0.0);
        let dir = tempfile::tempdir().unwrap();
        CanaryReading::save(dir.path(), &r, true).unwrap();
        CanaryReading::save(dir.path(), &reading("t: end", 1.0, 1.0, 9e9), false).unwrap();
        assert_eq!(CanaryReading::read_all(dir.path()).unwrap().len(), 2);
        CanaryReading::save(dir.path(), &r, true).unwrap();
        assert_eq!(CanaryReading::read_all(dir.path()).unwrap().len(), 1);
    }
}
