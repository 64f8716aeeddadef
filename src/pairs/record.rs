//! The paired speedups of a run, as the `pairs` bench writes them beside Criterion's data
//! (`parbench-pairs.json`) and the report reads them.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::Result;
use crate::interval::Interval;
use crate::records;

use super::counters::Counters;
use super::estimate;
use super::rounds::PassResult;
use super::{Mode, PairSet};

/// The file, inside Criterion's directory, holding the run's [`PairsRecord`].
pub const PAIRS_FILE: &str = "parbench-pairs.json";

/// The file, inside Criterion's directory, holding the CPython points measured as pairs by
/// the `python` bench (a [`PairsRecord`] too; the report reads it beside [`PAIRS_FILE`]).
pub const PYTHON_PAIRS_FILE: &str = "parbench-python-pairs.json";

/// What combining passes needs to know of a set: its name, its modes and its arms, the
/// baseline first. A Rust [`PairSet`] gives it with [`PairSet::shape`]; the `python` bench
/// builds it for CPython's sets, whose arms run in an interpreter.
#[derive(Clone, Debug, PartialEq)]
pub struct SetShape {
    /// The set's name, unique in a run.
    pub name: String,
    /// The modes it is measured in.
    pub modes: Vec<Mode>,
    /// The baseline (first) and the compared arms.
    pub arms: Vec<ArmShape>,
}

/// One arm of a [`SetShape`].
#[derive(Clone, Debug, PartialEq)]
pub struct ArmShape {
    /// Its label.
    pub label: String,
    /// The suite benchmark it measures again, if any (`group/function/value`).
    pub bench_id: Option<String>,
    /// How much work one call does, in a unit common to the set.
    pub work: f64,
}

impl PairSet {
    /// What [`PairsRecord::combine`] needs of the set.
    pub fn shape(&self) -> SetShape {
        SetShape {
            name: self.name.clone(),
            modes: self.modes.clone(),
            arms: self
                .arms
                .iter()
                .map(|a| ArmShape {
                    label: a.label.clone(),
                    bench_id: a.bench_id.clone(),
                    work: a.work,
                })
                .collect(),
        }
    }
}

/// Every paired set of a run, with each arm's speedup over the set's baseline.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PairsRecord {
    /// How many processes (passes) measured each set.
    pub processes: usize,
    /// The idle gap before each cold call, in ms.
    pub cold_gap_ms: f64,
    /// Untimed cold rounds before the timed ones, in each process (`None` in records made
    /// before parbench settled the cold mode).
    #[serde(default)]
    pub cold_settle_rounds: Option<usize>,
    /// The sets, in the order they were measured.
    pub sets: Vec<SetResult>,
}

/// One set's results.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SetResult {
    /// The set's name, e.g. `hash-1MiB@16`.
    pub name: String,
    /// The baseline's label.
    pub baseline: String,
    /// Every compared arm in every mode.
    pub arms: Vec<ArmResult>,
}

/// One arm's paired speedup over the baseline in one mode.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ArmResult {
    /// The arm's label.
    pub label: String,
    /// The suite benchmark it measures again, if any (`group/function/value`).
    pub bench_id: Option<String>,
    /// The mode.
    pub mode: Mode,
    /// The geometric mean of the per-round speedups (per unit of work), with its 95 % interval.
    pub speedup: Interval,
    /// Each process's own geometric mean.
    pub per_process: Vec<f64>,
    /// Rounds over all processes.
    pub rounds: usize,
    /// The arm's median time of one call, in ns, over all rounds.
    pub median_ns: f64,
    /// The baseline's median time of one call, in ns, over the same rounds.
    pub baseline_median_ns: f64,
    /// The arm's counters per call.
    pub counters: Counters,
    /// The baseline's counters per call, in the same rounds.
    pub baseline_counters: Counters,
}

impl ArmResult {
    /// The arm's run-to-run floor ([`estimate::for_a_rerun`]): [`estimate::PROCESS_RUN_TO_RUN_FLOOR`]
    /// for a suite benchmark whose function runs its tasks in OS processes, otherwise
    /// [`estimate::RUN_TO_RUN_FLOOR`].
    pub fn run_to_run_floor(&self) -> f64 {
        let in_processes = self
            .bench_id
            .as_deref()
            .and_then(crate::bench_id::BenchId::parse)
            .is_some_and(|id| id.function.uses_processes());
        if in_processes {
            estimate::PROCESS_RUN_TO_RUN_FLOOR
        } else {
            estimate::RUN_TO_RUN_FLOOR
        }
    }
}

impl PairsRecord {
    /// Combines the passes (one per process) over `sets` into speedups. A set or mode missing
    /// from a pass (that process failed) is combined from the passes that have it.
    pub fn combine(sets: &[SetShape], passes: &[PassResult], cold_gap_ms: f64) -> PairsRecord {
        let mut out = Vec::new();
        for (set_index, set) in sets.iter().enumerate() {
            let of_set: Vec<_> = passes
                .iter()
                .filter_map(|p| p.sets.iter().find(|s| s.name == set.name))
                .collect();
            let mut arms = Vec::new();
            for &mode in &set.modes {
                let of_mode: Vec<_> = of_set
                    .iter()
                    .filter_map(|s| s.modes.iter().find(|m| m.mode == mode))
                    .collect();
                if of_mode.is_empty() {
                    continue;
                }
                let base_work = set.arms[0].work;
                for (i, arm) in set.arms.iter().enumerate().skip(1) {
                    let logs: Vec<Vec<f64>> = of_mode
                        .iter()
                        .map(|m| {
                            let (b, a) = (&m.arms[0], &m.arms[i]);
                            b.per_call_ns
                                .iter()
                                .zip(&a.per_call_ns)
                                .map(|(tb, ta)| ((tb / base_work) / (ta / arm.work)).ln())
                                .collect()
                        })
                        .collect();
                    let seed = (set_index * 64 + i * 2 + mode as usize) as u64;
                    let Some(speedup) = estimate::paired_speedup(&logs, seed) else {
                        continue;
                    };
                    let times = |k: usize| -> Vec<f64> {
                        of_mode
                            .iter()
                            .flat_map(|m| m.arms[k].per_call_ns.iter().copied())
                            .collect()
                    };
                    let counters = |k: usize| {
                        let mut total = Counters::default();
                        let mut calls = 0;
                        for m in &of_mode {
                            total += m.arms[k].counters;
                            calls += m.arms[k].calls;
                        }
                        total.per_call(calls as f64)
                    };
                    arms.push(ArmResult {
                        label: arm.label.clone(),
                        bench_id: arm.bench_id.clone(),
                        mode,
                        speedup,
                        per_process: estimate::per_process(&logs),
                        rounds: logs.iter().map(Vec::len).sum(),
                        median_ns: crate::stats::median(&times(i)).unwrap_or(f64::NAN),
                        baseline_median_ns: crate::stats::median(&times(0)).unwrap_or(f64::NAN),
                        counters: counters(i),
                        baseline_counters: counters(0),
                    });
                }
            }
            out.push(SetResult {
                name: set.name.clone(),
                baseline: set.arms[0].label.clone(),
                arms,
            });
        }
        PairsRecord {
            processes: passes.len(),
            cold_gap_ms,
            cold_settle_rounds: None,
            sets: out,
        }
    }

    /// The record as the report reads it: every speedup's interval made the interval a re-run
    /// should land in ([`estimate::for_a_rerun`]).
    pub fn for_a_rerun(mut self) -> Self {
        for arm in self.sets.iter_mut().flat_map(|s| s.arms.iter_mut()) {
            arm.speedup = estimate::for_a_rerun(arm.speedup, arm.run_to_run_floor());
        }
        self
    }

    /// The result of the arm standing for suite benchmark `bench_id` in `mode`.
    pub fn of_bench(&self, bench_id: &str, mode: Mode) -> Option<&ArmResult> {
        self.sets
            .iter()
            .flat_map(|s| &s.arms)
            .find(|a| a.mode == mode && a.bench_id.as_deref() == Some(bench_id))
    }

    /// Whether a byte's cost on one core depends on the working set, from the working-set set
    /// (one computation as 1 MiB tasks, 4 MiB tasks and one task, alternated): `Some(false)`
    /// when every arm's interval overlaps ×1 ± 5 %, `Some(true)` when one lies outside it,
    /// `None` when it was not measured.
    pub fn byte_cost_depends_on_working_set(&self) -> Option<bool> {
        let arms: Vec<&ArmResult> = self
            .set(super::WORKING_SET)?
            .arms
            .iter()
            .filter(|a| a.mode == Mode::Hot)
            .collect();
        if arms.is_empty() {
            return None;
        }
        Some(
            !arms
                .iter()
                .all(|a| a.speedup.lower <= 1.05 && a.speedup.upper >= 0.95),
        )
    }

    /// The set named `name`.
    pub fn set(&self, name: &str) -> Option<&SetResult> {
        self.sets.iter().find(|s| s.name == name)
    }

    /// Reads the record from `criterion_dir`; `Ok(None)` if the `pairs` bench never ran.
    pub fn load(criterion_dir: &Path) -> Result<Option<Self>> {
        records::load_json(&criterion_dir.join(PAIRS_FILE))
    }

    /// Every paired speedup of the run in `criterion_dir`: the `pairs` bench's record with the
    /// CPython sets of the `python` bench's ([`PYTHON_PAIRS_FILE`]) after its own; `Ok(None)`
    /// if neither bench recorded any.
    pub fn load_run(criterion_dir: &Path) -> Result<Option<Self>> {
        let rust = Self::load(criterion_dir)?;
        let python: Option<Self> = records::load_json(&criterion_dir.join(PYTHON_PAIRS_FILE))?;
        Ok(match (rust, python) {
            (Some(mut rust), Some(python)) => {
                rust.sets.extend(python.sets);
                Some(rust)
            }
            (rust, python) => rust.or(python),
        })
    }

    /// Writes the record of the `python` bench's CPython sets into `criterion_dir`.
    pub fn save_python(&self, criterion_dir: &Path) -> Result<()> {
        records::save_json(&criterion_dir.join(PYTHON_PAIRS_FILE), self)
    }

    /// Writes the record into `criterion_dir`, replacing an older one.
    pub fn save(&self, criterion_dir: &Path) -> Result<()> {
        records::save_json(&criterion_dir.join(PAIRS_FILE), self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bench_id::{BenchFunction, Group};
    use crate::pairs::rounds::{ArmPass, ModePass, SetPass};
    use crate::pairs::{Arm, ArmKind};
    use crate::workload::Workload;

    fn set() -> PairSet {
        let arm = |f: BenchFunction| Arm {
            label: f.name().to_string(),
            bench_id: Some(format!("hash-1MiB/{}/16", f.name())),
            kind: ArmKind::Function {
                function: f,
                workers: None,
            },
            workload: Workload::Hash { bytes: 1 << 20 },
            tasks: 16,
            work: 16.0,
        };
        PairSet {
            name: "hash-1MiB@16".to_string(),
            group: Group::Hash { bytes: 1 << 20 },
            arms: vec![arm(BenchFunction::Sequential), arm(BenchFunction::Rayon)],
            modes: vec![Mode::Hot],
            processes: 2,
        }
    }

    fn pass(base: &[f64], arm: &[f64]) -> PassResult {
        let a = |label: &str, t: &[f64]| ArmPass {
            label: label.to_string(),
            per_call_ns: t.to_vec(),
            batch: 1,
            counters: Counters::default(),
            calls: t.len(),
        };
        PassResult {
            sets: vec![SetPass {
                name: "hash-1MiB@16".to_string(),
                modes: vec![ModePass {
                    mode: Mode::Hot,
                    arms: vec![a("sequential", base), a("rayon", arm)],
                }],
            }],
        }
    }

    #[test]
    fn the_working_set_matters_only_beyond_five_percent() {
        let arm = |point: f64, lower: f64, upper: f64| ArmResult {
            label: "1 × 16MiB".to_string(),
            bench_id: None,
            mode: Mode::Hot,
            speedup: Interval {
                point,
                lower,
                upper,
            },
            per_process: vec![point],
            rounds: 10,
            median_ns: 1.0,
            baseline_median_ns: 1.0,
            counters: Counters::default(),
            baseline_counters: Counters::default(),
        };
        let record = |arms| PairsRecord {
            processes: 5,
            cold_gap_ms: 10.0,
            cold_settle_rounds: Some(3),
            sets: vec![SetResult {
                name: crate::pairs::WORKING_SET.to_string(),
                baseline: "16 × 1MiB".to_string(),
                arms,
            }],
        };
        assert_eq!(
            record(vec![arm(0.98, 0.96, 1.0), arm(1.01, 0.99, 1.03)])
                .byte_cost_depends_on_working_set(),
            Some(false)
        );
        assert_eq!(
            record(vec![arm(0.98, 0.96, 1.0), arm(0.77, 0.75, 0.79)])
                .byte_cost_depends_on_working_set(),
            Some(true)
        );
        assert_eq!(
            record(vec![]).byte_cost_depends_on_working_set(),
            None,
            "not measured"
        );
    }

    #[test]
    fn arms_on_os_processes_get_the_wider_run_to_run_floor() {
        let arm = |bench_id: Option<&str>| ArmResult {
            label: "arm".to_string(),
            bench_id: bench_id.map(str::to_string),
            mode: Mode::Hot,
            speedup: Interval::exact(2.0),
            per_process: vec![2.0],
            rounds: 10,
            median_ns: 1.0,
            baseline_median_ns: 2.0,
            counters: Counters::default(),
            baseline_counters: Counters::default(),
        };
        let wide = estimate::PROCESS_RUN_TO_RUN_FLOOR;
        let narrow = estimate::RUN_TO_RUN_FLOOR;
        for (id, floor) in [
            (Some("hash-1MiB/processes/16"), wide),
            (Some("hash-1MiB/process-pool/16"), wide),
            (Some("file-1MiB/process-pool-warm/16"), wide),
            (Some("py-hash-4MiB@3.13t/process-pool/8"), wide),
            (Some("hash-1MiB/rayon/16"), narrow),
            (Some("py-hash-4MiB@3.13t/thread-pool/8"), narrow),
            (Some("primitive/hash-threads/2"), narrow),
            (None, narrow),
        ] {
            assert_eq!(arm(id).run_to_run_floor(), floor, "{id:?}");
        }
        // The record's intervals for a re-run take each arm's own floor.
        let record = PairsRecord {
            processes: 6,
            cold_gap_ms: 10.0,
            cold_settle_rounds: Some(3),
            sets: vec![SetResult {
                name: "hash-1MiB@16".to_string(),
                baseline: "hash-1MiB/sequential/16".to_string(),
                arms: vec![
                    arm(Some("hash-1MiB/rayon/16")),
                    arm(Some("hash-1MiB/processes/16")),
                ],
            }],
        }
        .for_a_rerun();
        let upper: Vec<f64> = record.sets[0]
            .arms
            .iter()
            .map(|a| a.speedup.upper / 2.0)
            .collect();
        let expect = |f: f64| (std::f64::consts::SQRT_2 * f.ln_1p()).exp();
        assert!((upper[0] - expect(narrow)).abs() < 1e-9, "{upper:?}");
        assert!((upper[1] - expect(wide)).abs() < 1e-9, "{upper:?}");
    }

    #[test]
    fn passes_combine_into_one_speedup_per_arm_found_by_its_benchmark() {
        // Two processes on a machine that slowed down between and within them: ×2 throughout.
        let passes = [
            pass(&[10.0, 12.0, 14.0], &[5.0, 6.0, 7.0]),
            pass(&[20.0, 22.0], &[10.0, 11.0]),
        ];
        let record = PairsRecord::combine(&[set().shape()], &passes, 20.0);
        assert_eq!(record.processes, 2);
        let r = record
            .of_bench("hash-1MiB/rayon/16", Mode::Hot)
            .expect("found by its ID");
        assert!((r.speedup.point - 2.0).abs() < 1e-9, "{:?}", r.speedup);
        assert_eq!(r.rounds, 5);
        assert_eq!(r.per_process.len(), 2);
        assert!(record.of_bench("hash-1MiB/rayon/16", Mode::Cold).is_none());
        let dir = tempfile::tempdir().unwrap();
        record.save(dir.path()).unwrap();
        assert_eq!(PairsRecord::load(dir.path()).unwrap(), Some(record));
    }

    #[test]
    fn the_run_reads_cpython_sets_after_the_rust_ones_and_either_alone() {
        let rust = PairsRecord::combine(&[set().shape()], &[pass(&[10.0], &[5.0])], 10.0);
        let mut python = rust.clone();
        python.sets[0].name = "py-hash-4MiB@3.11@8".to_string();
        python.sets[0].arms[0].bench_id = Some("py-hash-4MiB@3.11/threads/8".to_string());
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(PairsRecord::load_run(dir.path()).unwrap(), None);
        python.save_python(dir.path()).unwrap();
        assert_eq!(
            PairsRecord::load_run(dir.path()).unwrap().as_ref(),
            Some(&python),
            "CPython's alone"
        );
        rust.save(dir.path()).unwrap();
        let both = PairsRecord::load_run(dir.path()).unwrap().unwrap();
        let names: Vec<&str> = both.sets.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, ["hash-1MiB@16", "py-hash-4MiB@3.11@8"]);
        assert!(
            both.of_bench("py-hash-4MiB@3.11/threads/8", Mode::Hot)
                .is_some()
        );
        assert!(both.of_bench("hash-1MiB/rayon/16", Mode::Hot).is_some());
    }
}
