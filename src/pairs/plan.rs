//! Which comparisons are paired: every point a verdict, the matrix, a takeaway or the Amdahl
//! fit reads, plus the two references the page judges them by (the raw compute scaling and
//! the cost of a byte at each working set).

use std::collections::BTreeMap;
use std::time::Duration;

use crate::bench_id::{BenchFunction, BenchId, Group};
use crate::suite::{Plan, Profile};
use crate::workload::Workload;

use super::{Arm, ArmKind, Mode, PairSet};

/// How long the pairs may take: per pass, per set and mode, and how many passes (processes).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PairsBudget {
    /// Processes (passes over the sets), each a fresh process.
    pub processes: usize,
    /// Processes that measure the waiting sets (sleep, sockets, mixed): their ratios ride on
    /// timers, not on the machine's speed, and one of their rounds takes seconds. (The file
    /// set's ratios ride on the disk and on hashing, near the verdicts' thresholds: it takes
    /// `processes`.)
    pub waiting_processes: usize,
    /// Further processes, after the others, for the sets a verdict of which is still open: an
    /// inconclusive arm that a narrower interval could decide
    /// ([`crate::report::analysis::Verdict::more_rounds_could_decide`]; the hot mode only).
    pub follow_up_processes: usize,
    /// Time per set and mode in one pass; at least one round is always measured.
    pub per_set: Duration,
    /// Fewest rounds per set and mode in one pass, whatever the budget.
    pub min_rounds: usize,
    /// Most rounds per set and mode in one pass.
    pub max_rounds: usize,
    /// Idle gap before each call of the cold mode.
    pub cold_gap: Duration,
    /// Untimed rounds before the cold mode's timed ones. The first few calls after a gap
    /// that follow busy work run in another regime: on the 2-vCPU VM, sequential against
    /// rayon on 4 × 256 KiB read ×0.99 over a process's first 3 cold rounds, ×0.93–0.96 over
    /// its first 6, and ×0.84–0.86 once 2 to 10 untimed rounds went first (docs/measuring.md,
    /// "The first calls after a pause"). A call now and then in a program is the second
    /// regime.
    pub cold_settle_rounds: usize,
    /// Least time one timed batch of the hot mode takes.
    pub hot_batch: Duration,
}

impl PairsBudget {
    /// The budget of `plan`'s profile; beyond the sizing cap (where every call of a cold
    /// process pool starts a process per core) fewer processes and half the time per set.
    pub fn of(plan: &Plan) -> PairsBudget {
        let budget = match plan.profile {
            Profile::Quick | Profile::Seed => PairsBudget {
                processes: 3,
                waiting_processes: 3,
                follow_up_processes: 2,
                per_set: Duration::from_millis(20),
                min_rounds: 2,
                max_rounds: 60,
                cold_gap: Duration::from_millis(10),
                cold_settle_rounds: 1,
                hot_batch: Duration::from_millis(1),
            },
            Profile::Default => PairsBudget {
                processes: 6,
                waiting_processes: 3,
                follow_up_processes: 4,
                per_set: Duration::from_millis(190),
                min_rounds: 2,
                max_rounds: 200,
                cold_gap: Duration::from_millis(10),
                cold_settle_rounds: 3,
                hot_batch: Duration::from_millis(2),
            },
        };
        if beyond_sizing_cap(plan) {
            PairsBudget {
                processes: budget.processes.min(3),
                waiting_processes: budget.waiting_processes.min(3),
                follow_up_processes: budget.follow_up_processes.min(2),
                per_set: budget.per_set / 2,
                ..budget
            }
        } else {
            budget
        }
    }
}

impl PairsBudget {
    /// The budget of a follow-up process: [`FOLLOW_UP_TIME_FACTOR`] times the time per set, since
    /// it measures only the few sets whose verdict is still open.
    pub fn for_follow_up(self) -> PairsBudget {
        PairsBudget {
            per_set: self.per_set * FOLLOW_UP_TIME_FACTOR,
            ..self
        }
    }
}

impl PairsBudget {
    /// The budget of `mode`'s timed rounds: this one when hot, [`PairsBudget::for_cold`] when
    /// cold.
    pub fn for_mode(self, mode: Mode) -> PairsBudget {
        match mode {
            Mode::Hot => self,
            Mode::Cold => self.for_cold(),
        }
    }

    /// The budget of the cold mode's timed rounds: half the time per set, since its
    /// [`cold_settle_rounds`](PairsBudget::cold_settle_rounds) untimed rounds come first.
    pub fn for_cold(self) -> PairsBudget {
        PairsBudget {
            per_set: self.per_set / 2,
            ..self
        }
    }
}

/// How many times a normal pass's time per set a follow-up process gives each open set.
pub const FOLLOW_UP_TIME_FACTOR: u32 = 3;

/// Whether the machine has more logical cores than the sweeps are sized to: there the
/// strategies that start processes inside each call (`processes`, `process-pool`) start
/// dozens per call and are left to Criterion's means in the computing sets.
fn beyond_sizing_cap(plan: &Plan) -> bool {
    plan.logical_cores > plan.sized_cores()
}

/// The sets named in `names`, as the follow-up processes measure them: the hot mode only (the
/// verdicts' mode), in every process they are given to.
pub fn follow_up(sets: &[PairSet], names: &[String]) -> Vec<PairSet> {
    sets.iter()
        .filter(|s| names.contains(&s.name))
        .map(|s| PairSet {
            modes: vec![Mode::Hot],
            processes: usize::MAX,
            ..s.clone()
        })
        .collect()
}

/// The paired sets of `plan`: the hash sweep at every task count and the break-even sweep at
/// every size (hot and cold; `quick`: its largest size only), the largest point of the sleep, file and net sweeps and three
/// waiting shares of the mixed sweep (hot), the worker-count sweep against one worker (not in
/// `quick`), the raw
/// compute scaling (bare threads against one), and one computation at three working sets.
/// `mixed_bytes` gives the hashed bytes of each mixed waiting share (as the mixed bench
/// calibrated them); shares without a count are left out. A computing point's arms on OS
/// processes are measured in a set of their own, apart from those on threads
/// ([`PROCESS_ARMS_SUFFIX`]).
pub fn sets(plan: &Plan, mixed_bytes: &BTreeMap<u64, u64>) -> Vec<PairSet> {
    let budget = PairsBudget::of(plan);
    let mut sets = Vec::new();
    let hot = vec![Mode::Hot];
    // Small and medium computations (up to `COLD_UP_TO` bytes a call) are measured cold too:
    // there a pool's wake-up is a visible share of the call (within the sizing cap: beyond
    // it the pairs keep to the hot figure, to stay within the suite's time).
    let hot_and_cold = |bytes: u64, tasks: usize| {
        if bytes * tasks as u64 <= COLD_UP_TO && !beyond_sizing_cap(plan) {
            vec![Mode::Hot, Mode::Cold]
        } else {
            vec![Mode::Hot]
        }
    };
    // A set's arms as one set, or, for a computing set with arms of both kinds, two: the
    // arms on threads and those on OS processes, each with the baseline. A process arm
    // leaves the second core idle while its parent waits, and a thread pool's next batch
    // after it runs slower for about 10 ms (docs/measuring.md, "What runs before a batch"):
    // in one round with them, rayon's small hot batches read ×1.2 where alone in a loop they
    // reach ×1.5. (Beyond the sizing cap, where only the warm pool is left on processes and
    // idle cores are many, one set, to stay within the suite's time.)
    let function_sets = |group: Group,
                         value: u64,
                         workload: Workload,
                         tasks: usize,
                         functions: &[BenchFunction],
                         modes: &Vec<Mode>|
     -> Vec<PairSet> {
        let functions: Vec<BenchFunction> = functions
            .iter()
            .copied()
            .filter(|f| {
                !(beyond_sizing_cap(plan)
                    && matches!(f, BenchFunction::Processes | BenchFunction::ProcessPool))
            })
            .collect();
        let work = workload.input_bytes().max(1) as f64 * tasks as f64;
        let waits = matches!(
            workload,
            Workload::Sleep { .. } | Workload::Net { .. } | Workload::Mixed { .. }
        );
        let arm = |function: BenchFunction| {
            let id = BenchId::new(group, function, value).to_string();
            Arm {
                label: id.clone(),
                bench_id: Some(id),
                kind: ArmKind::Function {
                    function,
                    workers: None,
                },
                workload,
                tasks,
                work,
            }
        };
        let set = |name: String, functions: Vec<BenchFunction>| PairSet {
            processes: if waits {
                budget.waiting_processes
            } else {
                budget.processes
            },
            name,
            group,
            arms: functions.into_iter().map(arm).collect(),
            modes: modes.clone(),
        };
        let name = format!("{group}@{value}");
        let (baseline, compared) = functions.split_first().expect("a baseline");
        let (in_processes, on_threads): (Vec<BenchFunction>, Vec<BenchFunction>) =
            compared.iter().partition(|f| f.uses_processes());
        if waits || in_processes.is_empty() || on_threads.is_empty() || beyond_sizing_cap(plan) {
            return vec![set(name, functions)];
        }
        let with_baseline = |arms: Vec<BenchFunction>| [vec![*baseline], arms].concat();
        vec![
            set(
                format!("{name}{PROCESS_ARMS_SUFFIX}"),
                with_baseline(in_processes),
            ),
            set(name, with_baseline(on_threads)),
        ]
    };

    if let Some(&tasks) = plan.sleep_tasks().last()
        && plan.profile != Profile::Seed
    {
        let duration = plan.sleep_duration();
        sets.extend(function_sets(
            Group::Sleep { duration },
            tasks as u64,
            Workload::Sleep { duration },
            tasks,
            plan.sleep_strategies(),
            &hot,
        ));
    }
    let bytes = plan.hash_bytes();
    for tasks in plan.hash_tasks() {
        sets.extend(function_sets(
            Group::Hash { bytes },
            tasks as u64,
            Workload::Hash { bytes },
            tasks,
            plan.hash_strategies(),
            &hot_and_cold(bytes, tasks),
        ));
    }
    let tasks = plan.break_even_tasks();
    // `quick` pairs only the break-even sweep's largest size (its verdict) and no worker
    // sweep, to stay within its 90 seconds.
    let quick = plan.profile == Profile::Quick;
    let sizes = plan.break_even_bytes();
    let skip = if quick {
        sizes.len().saturating_sub(1)
    } else {
        0
    };
    for bytes in sizes.into_iter().skip(skip) {
        sets.extend(function_sets(
            Group::HashSize { tasks },
            bytes,
            Workload::Hash { bytes },
            tasks,
            plan.break_even_strategies(),
            &hot_and_cold(bytes, tasks),
        ));
    }
    let shares = plan.mixed_shares();
    let chosen: Vec<u64> = match shares.as_slice() {
        [] => vec![],
        [.., last] if quick => vec![*last],
        [only] => vec![*only],
        [first, .., last] => {
            let middle = shares[shares.len() / 2];
            let mut v = vec![*first, middle, *last];
            v.dedup();
            v
        }
    };
    let (total, mixed_tasks) = (plan.mixed_total(), plan.mixed_tasks());
    for percent in chosen {
        let Some(&bytes) = mixed_bytes.get(&percent) else {
            continue;
        };
        let duration = total.mul_f64(percent as f64 / 100.0);
        sets.extend(function_sets(
            Group::Mixed {
                total,
                tasks: mixed_tasks,
            },
            percent,
            Workload::Mixed { bytes, duration },
            mixed_tasks,
            plan.mixed_strategies(),
            &hot,
        ));
    }
    if let Some(&tasks) = plan.file_tasks().last() {
        let bytes = plan.file_bytes();
        sets.extend(function_sets(
            Group::File { bytes },
            tasks as u64,
            Workload::File { bytes },
            tasks,
            plan.real_io_strategies(),
            &hot,
        ));
    }
    if let Some(&tasks) = plan.net_tasks().last() {
        let duration = plan.net_duration();
        sets.extend(function_sets(
            Group::Net { duration },
            tasks as u64,
            Workload::Net { duration },
            tasks,
            plan.real_io_strategies(),
            &hot,
        ));
    }
    let workers = plan.scaling_workers();
    if !workers.is_empty() && !quick {
        let (bytes, tasks) = (plan.scaling_bytes(), plan.scaling_tasks());
        let group = Group::HashWorkers { bytes, tasks };
        let workload = Workload::Hash { bytes };
        for &function in plan.scaling_strategies() {
            let arms = workers
                .iter()
                .map(|&w| {
                    let id = BenchId::new(group, function, w as u64).to_string();
                    Arm {
                        label: id.clone(),
                        bench_id: Some(id),
                        kind: ArmKind::Function {
                            function,
                            workers: Some(w),
                        },
                        workload,
                        tasks,
                        work: (bytes * tasks as u64) as f64,
                    }
                })
                .collect();
            sets.push(PairSet {
                name: format!("{group}@{function}"),
                group,
                arms,
                modes: hot.clone(),
                processes: budget.processes,
            });
        }
    }
    let threads = plan.raw_scaling_threads();
    if !threads.is_empty() {
        // Each thread hashes as much as the primitive's bare threads do (4 MiB): enough that
        // starting a thread is a small part of it, so the reference is the machine's
        // parallel capacity, not that plus a thread start.
        let bytes = plan.raw_scaling_bytes();
        sets.push(PairSet {
            name: RAW_SCALING.to_string(),
            group: Group::Primitive,
            arms: threads
                .iter()
                .map(|&k| Arm {
                    label: format!("{k} bare threads"),
                    bench_id: Some(
                        BenchId::new(
                            Group::Primitive,
                            BenchFunction::Primitive(crate::bench_id::Primitive::HashThreads),
                            k as u64,
                        )
                        .to_string(),
                    ),
                    kind: ArmKind::BareThreads { threads: k },
                    workload: Workload::Hash { bytes },
                    tasks: k,
                    work: (bytes * k as u64) as f64,
                })
                .collect(),
            modes: hot.clone(),
            processes: budget.processes,
        });
    }
    if plan.profile != Profile::Seed {
        // One computation of a fixed total at three working sets, on one core: whether a
        // byte costs the same in 1 MiB tasks as in one large task.
        let total: u64 = match plan.profile {
            Profile::Quick => 4 << 20,
            _ => 16 << 20,
        };
        let shapes = [(total >> 20) as usize, (total >> 22) as usize, 1usize];
        sets.push(PairSet {
            name: WORKING_SET.to_string(),
            group: Group::Hash { bytes: total },
            arms: shapes
                .iter()
                .map(|&tasks| {
                    let bytes = total / tasks as u64;
                    Arm {
                        label: format!("{tasks} × {}", crate::units::bytes_label(bytes)),
                        bench_id: None,
                        kind: ArmKind::Function {
                            function: BenchFunction::Sequential,
                            workers: None,
                        },
                        workload: Workload::Hash { bytes },
                        tasks,
                        work: total as f64,
                    }
                })
                .collect(),
            modes: hot,
            processes: budget.processes,
        });
    }
    sets
}

/// Computations of at most this many bytes a call are paired cold as well as hot.
pub const COLD_UP_TO: u64 = 8 << 20;

/// What the name of a computing set's process arms (with the baseline) adds to the set's own
/// name: `hash-1MiB@16:processes`.
pub const PROCESS_ARMS_SUFFIX: &str = ":processes";

/// The name of the raw compute scaling's set: bare threads against one.
pub const RAW_SCALING: &str = "raw-scaling";

/// The name of the working-set set: one computation in 1 MiB tasks, 4 MiB tasks and one task.
pub const WORKING_SET: &str = "working-set";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_verdict_point_of_the_default_plan_is_paired_once() {
        let plan = Plan::new(Profile::Default, 2);
        let mixed: BTreeMap<u64, u64> = plan.mixed_shares().iter().map(|&p| (p, 1000)).collect();
        let sets = sets(&plan, &mixed);
        let names: Vec<&str> = sets.iter().map(|s| s.name.as_str()).collect();
        for expected in [
            "sleep-10ms@64",
            "hash-1MiB@16",
            "hash-1MiB@1",
            "hash-size-n4@4194304",
            "mixed-10ms-n8@100",
            "mixed-10ms-n8@50",
            "file-1MiB@16",
            "net-10ms@64",
            RAW_SCALING,
            WORKING_SET,
        ] {
            assert!(
                names.contains(&expected),
                "{expected} missing from {names:?}"
            );
        }
        let mut unique = names.clone();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(unique.len(), names.len(), "names are unique");
        for set in &sets {
            assert!(set.arms.len() >= 2, "{}: a baseline and an arm", set.name);
            assert!(!set.modes.is_empty());
        }
        let hash = sets.iter().find(|s| s.name == "hash-1MiB@16").unwrap();
        assert_eq!(hash.baseline().label, "hash-1MiB/sequential/16");
        assert_eq!(hash.modes, [Mode::Hot], "16 MiB a call: hot only");
        let functions = |name: &str| -> Vec<BenchFunction> {
            let set = sets.iter().find(|s| s.name == name).unwrap();
            set.arms
                .iter()
                .map(|a| match a.kind {
                    ArmKind::Function { function, .. } => function,
                    ArmKind::BareThreads { .. } => unreachable!(),
                })
                .collect()
        };
        assert!(
            functions("hash-1MiB@16")
                .iter()
                .all(|f| !f.uses_processes()),
            "threads, rayon, gil and async in one set"
        );
        let in_processes = functions("hash-1MiB@16:processes");
        assert_eq!(in_processes[0], BenchFunction::Sequential);
        assert_eq!(
            in_processes[1..],
            [
                BenchFunction::Processes,
                BenchFunction::ProcessPool,
                BenchFunction::ProcessPoolWarm
            ],
            "the process arms apart, with the baseline"
        );
        assert_eq!(
            functions("hash-1MiB@16").len() + in_processes.len() - 1,
            plan.hash_strategies().len(),
            "every strategy paired once"
        );
        let sleep = sets.iter().find(|s| s.name == "sleep-10ms@64").unwrap();
        assert!(
            sleep.arms.iter().any(|a| a.label.contains("/processes/")),
            "a waiting set keeps its process arms: timers, not a core, decide them"
        );
        let small = sets.iter().find(|s| s.name == "hash-1MiB@8").unwrap();
        assert_eq!(small.modes, [Mode::Hot, Mode::Cold]);
        let raw = sets.iter().find(|s| s.name == RAW_SCALING).unwrap();
        assert_eq!(raw.arms.len(), 2);
        assert_eq!(raw.arms[1].work, 2.0 * raw.arms[0].work);
        let ws = sets.iter().find(|s| s.name == WORKING_SET).unwrap();
        assert!(ws.arms.iter().all(|a| a.work == ws.arms[0].work));
    }

    #[test]
    fn the_file_set_takes_the_computing_processes_and_follow_ups_only_named_sets_hot() {
        let plan = Plan::new(Profile::Default, 2);
        let budget = PairsBudget::of(&plan);
        let mixed: BTreeMap<u64, u64> = plan.mixed_shares().iter().map(|&p| (p, 1000)).collect();
        let sets = sets(&plan, &mixed);
        let processes = |name: &str| sets.iter().find(|s| s.name == name).unwrap().processes;
        assert_eq!(processes("file-1MiB@16"), budget.processes);
        assert_eq!(processes("sleep-10ms@64"), budget.waiting_processes);
        let names = ["hash-1MiB@8".to_string(), "file-1MiB@16".to_string()];
        let follow = follow_up(&sets, &names);
        let got: Vec<&str> = follow.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(got, ["hash-1MiB@8", "file-1MiB@16"]);
        assert!(follow.iter().all(|s| s.modes == [Mode::Hot]));
        assert!(
            follow.iter().all(|s| s.processes > budget.processes),
            "measured in whichever process they are given to"
        );
        let longer = budget.for_follow_up();
        assert_eq!(longer.per_set, budget.per_set * FOLLOW_UP_TIME_FACTOR);
        assert_eq!(
            PairsBudget {
                per_set: budget.per_set,
                ..longer
            },
            budget,
            "only the time per set changes"
        );
    }

    #[test]
    fn the_seed_profile_pairs_almost_nothing_and_mixed_needs_its_bytes() {
        let seed = sets(&Plan::new(Profile::Seed, 2), &BTreeMap::new());
        assert!(seed.is_empty(), "{seed:?}");
        let quick = sets(&Plan::new(Profile::Quick, 2), &BTreeMap::new());
        assert!(
            quick
                .iter()
                .all(|s| !matches!(s.group, Group::Mixed { .. }))
        );
    }
}
