//! How long the suite will take, from the plan alone: so each bench binary can say where it is
//! and how long the rest will take, and a test can hold every profile to its time budget on
//! machines this one cannot be.
//!
//! For each benchmark Criterion spends its warm-up time or one iteration, whichever is longer,
//! then its measurement time or one iteration per sample, whichever is longer, and then draws
//! its bootstrap and plots. An iteration is estimated from the sweep's parameters: waits ×
//! tasks / how many a strategy overlaps, hashing at a conservative speed over the cores it
//! uses, thread and process starts at measured costs.

use std::time::Duration;

use super::{Plan, Profile, Timing};
use crate::bench_id::BenchFunction;
use crate::shape::shape;

/// One bench binary of the suite (`benches/<name>.rs`) and the sweeps it measures.
#[derive(Clone, Copy, Debug)]
pub struct BenchBinary {
    /// The binary's name, as `cargo bench --bench NAME` takes it.
    pub name: &'static str,
    /// The Criterion groups it measures under a plan, as the estimate sees them.
    pub sweeps: fn(&Plan) -> Vec<Sweep>,
}

/// Every bench binary, in the order `cargo bench` runs them: by name.
///
/// Adding a bench binary is one line here (in name order), naming the `Plan` method that
/// lists its sweeps; adding a sweep to a binary is one more [`Sweep`] in that method.
pub const BENCH_BINARIES: &[BenchBinary] = &[
    BenchBinary {
        name: "break_even",
        sweeps: Plan::break_even_sweeps,
    },
    BenchBinary {
        name: "cpu_bound",
        sweeps: Plan::cpu_bound_sweeps,
    },
    BenchBinary {
        name: "io_bound",
        sweeps: Plan::io_bound_sweeps,
    },
    BenchBinary {
        name: "mixed",
        sweeps: Plan::mixed_sweeps,
    },
    BenchBinary {
        name: "overhead",
        sweeps: Plan::overhead_sweeps,
    },
    BenchBinary {
        name: "pairs",
        sweeps: Plan::pairs_sweeps,
    },
    BenchBinary {
        name: "primitives",
        sweeps: Plan::primitives_sweeps,
    },
    BenchBinary {
        name: "python",
        sweeps: Plan::python_sweeps,
    },
    BenchBinary {
        name: "real_io",
        sweeps: Plan::real_io_sweeps,
    },
    BenchBinary {
        name: "scaling",
        sweeps: Plan::scaling_sweeps,
    },
    BenchBinary {
        name: "waits",
        sweeps: Plan::waits_sweeps,
    },
];

/// One Criterion group as the estimate sees it: its timing and one iteration of each of its
/// benchmarks.
#[derive(Clone, Debug, PartialEq)]
pub struct Sweep {
    /// Criterion's timing for the group.
    pub timing: Timing,
    /// How long one iteration of each benchmark takes.
    pub iterations: Vec<Duration>,
    /// Runs of each benchmark outside Criterion's timing (e.g. the peak-memory run).
    pub untimed_runs: u32,
    /// Whether Criterion analyses each benchmark afterwards (its bootstrap and plots); the
    /// paired sets are combined by parbench in a moment instead.
    pub analysed: bool,
}

/// Single-core SHA-256 speed assumed: below the 1.2 GB/s measured by the suite on a 2-core
/// Xeon and OpenSSL's 2 GB/s on a 2-core EPYC, so that a slower machine is not under-estimated.
pub const HASH_BYTES_PER_SECOND: f64 = 1.0e9;

/// Starting and joining one OS thread, as one of thousands (`docs/measuring.md`: 29–49 µs alone,
/// 98 µs each for 10,000 sleeping threads).
pub const THREAD_START: Duration = Duration::from_micros(100);

/// Spawning one worker process and waiting for it (0.81 ms measured for a small binary; the
/// suite's `processes` sleep sweep shows about 1.2 ms per task).
pub const PROCESS_START: Duration = Duration::from_micros(1200);

/// Bytes per second through a pipe to a worker process and back (a task's input and output).
pub const PIPE_BYTES_PER_SECOND: f64 = 1.0e9;

/// Writing, syncing and reading back one small file: about 2.8 ms in the suite's `file` sweep
/// on a 2-core VM, rounded up; counted one after another (one disk).
pub const FILE_SYNC: Duration = Duration::from_millis(3);

/// Criterion's analysis and plots per benchmark after measuring: 0.36 s measured at 10,000
/// bootstrap resamples on 2 cores (they scale with the resamples).
pub const ANALYSIS_PER_10K_RESAMPLES: Duration = Duration::from_millis(360);

/// Starting one CPython worker process of a `multiprocessing.Pool` (fork plus the pool's
/// set-up), rounded up.
pub const PYTHON_PROCESS_START: Duration = Duration::from_millis(30);

/// Per bench binary: starting it, building its inputs and pools, and parbench's report at the
/// end.
pub const BINARY_OVERHEAD: Duration = Duration::from_secs(1);

/// What one task of a sweep costs, for the estimate.
#[derive(Clone, Copy, Debug, Default)]
pub struct TaskCost {
    /// Bytes hashed on one core.
    pub hash_bytes: u64,
    /// Time spent waiting (sleeping, a slow server), which strategies can overlap.
    pub wait: Duration,
    /// Time spent on the disk, counted one task after another.
    pub disk: Duration,
}

impl TaskCost {
    fn compute(&self) -> Duration {
        Duration::from_secs_f64(self.hash_bytes as f64 / HASH_BYTES_PER_SECOND)
    }
}

/// The estimated duration of one bench binary.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct BinaryEstimate {
    /// The binary's name.
    pub name: &'static str,
    /// How long it is expected to run.
    pub duration: Duration,
}

/// The estimated durations of the whole suite, one per bench binary in running order.
#[derive(Clone, Debug, PartialEq)]
pub struct Estimate {
    /// One entry per bench binary, in the order `cargo bench` runs them.
    pub binaries: Vec<BinaryEstimate>,
}

impl Estimate {
    /// The whole suite's expected duration.
    pub fn total(&self) -> Duration {
        self.binaries.iter().map(|b| b.duration).sum()
    }

    /// The progress line a bench binary prints as it starts, e.g.
    /// `parbench: 3/8 io_bound — about 5 min left`; `None` for a name not in the suite.
    ///
    /// The time left counts this binary and every one after it.
    pub fn progress(&self, name: &str) -> Option<String> {
        let place = self.binaries.iter().position(|b| b.name == name)?;
        let left: Duration = self.binaries[place..].iter().map(|b| b.duration).sum();
        Some(format!(
            "parbench: {}/{} {name} — about {} left",
            place + 1,
            self.binaries.len(),
            rough_duration(left)
        ))
    }
}

/// A paired set as the estimate sees it: in each of `processes` passes, a sizing round and
/// `untimed` rounds more, then rounds of `round` filling `budget.per_set`; no Criterion
/// analysis afterwards.
fn paired_sweep(
    budget: &crate::pairs::PairsBudget,
    round: Duration,
    processes: usize,
    untimed: u32,
) -> Sweep {
    Sweep {
        timing: Timing {
            sample_size: crate::pairs::rounds_for(budget, round.as_secs_f64()),
            warm_up: Duration::ZERO,
            measurement: budget.per_set,
            flat: true,
        },
        iterations: vec![round; processes],
        untimed_runs: untimed,
        analysed: false,
    }
}

/// A duration as a person waiting wants it: `40 s` (to 10 s) under a minute, `3 min` above
/// (rounded up).
pub fn rough_duration(duration: Duration) -> String {
    let seconds = duration.as_secs_f64();
    if seconds < 55.0 {
        format!("{} s", ((seconds / 10.0).ceil() * 10.0).max(10.0))
    } else {
        format!("{} min", (seconds / 60.0).ceil())
    }
}

impl Plan {
    /// How long each bench binary is expected to run under this plan (see the module doc).
    pub fn estimate(&self) -> Estimate {
        let analysis = ANALYSIS_PER_10K_RESAMPLES.mul_f64(self.resamples() as f64 / 10_000.0);
        let binaries = BENCH_BINARIES
            .iter()
            .map(|binary| {
                let benchmarks: Duration = (binary.sweeps)(self)
                    .iter()
                    .flat_map(|sweep| {
                        sweep.iterations.iter().map(move |&iteration| {
                            criterion_time(sweep.timing, iteration)
                                + iteration * sweep.untimed_runs
                                + if sweep.analysed {
                                    analysis
                                } else {
                                    Duration::ZERO
                                }
                        })
                    })
                    .sum();
                BinaryEstimate {
                    name: binary.name,
                    duration: BINARY_OVERHEAD + benchmarks,
                }
            })
            .collect();
        Estimate { binaries }
    }

    /// One iteration of `tasks` tasks costing `cost` each on `function`, with `workers` as its
    /// `--workers` (default: its own): the waits overlap and the computing spreads as the
    /// function's [`shape`] says, and the threads and processes it starts inside the timing
    /// cost [`THREAD_START`] and [`PROCESS_START`] each.
    pub fn iteration(
        &self,
        function: BenchFunction,
        cost: TaskCost,
        tasks: usize,
        workers: Option<usize>,
    ) -> Duration {
        let tasks = tasks.max(1);
        let shape = shape(function, tasks, workers, self.logical_cores);
        let start = THREAD_START * shape.threads_started as u32
            + PROCESS_START * shape.processes_started as u32;
        let mut iteration = start
            + cost.compute() * tasks as u32 / shape.computing as u32
            + cost.wait * tasks.div_ceil(shape.in_progress) as u32
            + cost.disk * tasks as u32;
        if function.uses_processes() {
            let piped = (cost.hash_bytes * tasks as u64) as f64 / PIPE_BYTES_PER_SECOND;
            iteration += Duration::from_secs_f64(piped);
        }
        iteration
    }

    /// One [`Sweep`] over `values`, each a task count, task cost and worker count, on every
    /// function in `functions`.
    fn sweep(
        &self,
        timing: Timing,
        functions: &[BenchFunction],
        points: impl IntoIterator<Item = (usize, TaskCost, Option<usize>)>,
    ) -> Sweep {
        let iterations = points
            .into_iter()
            .flat_map(|(tasks, cost, workers)| {
                functions
                    .iter()
                    .map(move |&f| self.iteration(f, cost, tasks, workers))
            })
            .collect();
        Sweep {
            timing,
            iterations,
            untimed_runs: 0,
            analysed: true,
        }
    }

    /// The paired sets of `benches/pairs.rs`, each mode of each set as a sweep of one
    /// iteration per process: a round (every arm once; hot: a batch of at least
    /// [`PairsBudget::hot_batch`](crate::pairs::PairsBudget) per arm; cold: one call after the
    /// gap) as warm-up, one untimed round more, then rounds filling the set's budget.
    pub fn pairs_sweeps(&self) -> Vec<Sweep> {
        use crate::pairs::{ArmKind, Mode, PairsBudget};
        use crate::workload::Workload;
        let budget = PairsBudget::of(self);
        let mixed = self
            .mixed_shares()
            .into_iter()
            .map(|p| (p, self.mixed_hash_bytes(p, HASH_BYTES_PER_SECOND)))
            .collect();
        let cost_of = |w: &Workload| match *w {
            Workload::Sleep { duration } | Workload::Net { duration } => TaskCost {
                wait: duration,
                ..TaskCost::default()
            },
            Workload::Hash { bytes } | Workload::Receive { bytes } => TaskCost {
                hash_bytes: bytes,
                ..TaskCost::default()
            },
            Workload::Mixed { bytes, duration } => TaskCost {
                hash_bytes: bytes,
                wait: duration,
                ..TaskCost::default()
            },
            Workload::File { bytes } => TaskCost {
                hash_bytes: bytes,
                disk: FILE_SYNC,
                ..TaskCost::default()
            },
            Workload::Noop => TaskCost::default(),
        };
        // The follow-up processes measure the sets whose verdict is still open, hot only, with
        // a longer time per set: a sixth of the computing sets is assumed (4 to 6 of 37 in a
        // default run on 2 cores, 2026-12-05).
        let sets = crate::pairs::sets(self, &mixed);
        let follow_ups: Vec<crate::pairs::PairSet> = sets
            .iter()
            .filter(|s| s.processes == budget.processes)
            .step_by(6)
            .map(|s| crate::pairs::PairSet {
                modes: vec![Mode::Hot],
                processes: budget.follow_up_processes,
                ..s.clone()
            })
            .collect();
        let follow_up_budget = budget.for_follow_up();
        sets.iter()
            .map(|set| (set, budget))
            .chain(follow_ups.iter().map(|set| (set, follow_up_budget)))
            .flat_map(|(set, budget)| {
                set.modes.iter().map(move |&mode| {
                    let round: Duration = set
                        .arms
                        .iter()
                        .map(|arm| {
                            let call = match arm.kind {
                                ArmKind::Function { function, workers } => self.iteration(
                                    function,
                                    cost_of(&arm.workload),
                                    arm.tasks,
                                    workers,
                                ),
                                ArmKind::BareThreads { .. } => cost_of(&arm.workload).compute(),
                            };
                            match mode {
                                Mode::Hot if call < Duration::from_millis(10) => {
                                    call + call.max(budget.hot_batch)
                                }
                                Mode::Hot => call,
                                Mode::Cold => call + budget.cold_gap,
                            }
                        })
                        .sum();
                    let settle = match mode {
                        Mode::Hot => 0,
                        Mode::Cold => budget.cold_settle_rounds as u32,
                    };
                    paired_sweep(&budget.for_mode(mode), round, set.processes, settle)
                })
            })
            .collect()
    }

    /// The sweeps of `benches/python.rs` on one interpreter: CPython's sleep, hash and loop
    /// tasks (a loop task is sized to cost what a hash task costs, but has no input to send to
    /// a worker process), each pool start paying `PYTHON_PROCESS_START` per worker. With a
    /// free-threaded build the bench runs them on up to three interpreters, which this does not
    /// count.
    pub fn python_sweeps(&self) -> Vec<Sweep> {
        let sleep = TaskCost {
            wait: self.python_sleep_duration(),
            ..TaskCost::default()
        };
        let hash = TaskCost {
            hash_bytes: self.python_hash_bytes(),
            ..TaskCost::default()
        };
        [(sleep, false), (hash, false), (hash, true)]
            .into_iter()
            .map(|(cost, no_input)| {
                let iterations = self
                    .python_tasks()
                    .into_iter()
                    .flat_map(|tasks| {
                        crate::python::CPYTHON_STRATEGIES.iter().map(move |&f| {
                            let workers = self.python_workers(tasks);
                            let start = if f == BenchFunction::ProcessPool {
                                PYTHON_PROCESS_START * workers as u32
                            } else {
                                Duration::ZERO
                            };
                            let unsent = if no_input && f.uses_processes() {
                                let bytes = (cost.hash_bytes * tasks as u64) as f64;
                                Duration::from_secs_f64(bytes / PIPE_BYTES_PER_SECOND)
                            } else {
                                Duration::ZERO
                            };
                            self.iteration(f, cost, tasks, Some(workers)) + start - unsent
                        })
                    })
                    .collect();
                Sweep {
                    timing: self.python_timing(),
                    iterations,
                    untimed_runs: 0,
                    analysed: true,
                }
            })
            .chain(self.python_pairs_sweeps(sleep, hash))
            .collect()
    }

    /// The paired CPython sets of `benches/python.rs` on one interpreter (sleep, hash, loop at
    /// the largest task count), as [`Plan::pairs_sweeps`] counts the Rust ones: each pass a
    /// sizing round, then rounds filling the set's budget; a call under 10 ms twice (its
    /// untimed run first).
    fn python_pairs_sweeps(&self, sleep: TaskCost, hash: TaskCost) -> Vec<Sweep> {
        let budget = crate::python::pairs::budget(self);
        let Some(&tasks) = self.python_tasks().iter().max() else {
            return Vec::new();
        };
        let workers = self.python_workers(tasks);
        // The follow-up passes measure the sets whose verdict is still open: one of the three
        // (a hash set) is assumed.
        [
            (sleep, budget.processes),
            (hash, budget.processes),
            (hash, budget.processes),
            (hash, budget.follow_up_processes),
        ]
        .into_iter()
        .filter(|&(_, passes)| passes > 0)
        .map(|(cost, passes)| {
            let round: Duration = crate::python::CPYTHON_STRATEGIES
                .iter()
                .map(|&f| {
                    let start = if f == BenchFunction::ProcessPool {
                        PYTHON_PROCESS_START * workers as u32
                    } else {
                        Duration::ZERO
                    };
                    let call = self.iteration(f, cost, tasks, Some(workers)) + start;
                    if call < crate::pairs::WARM_CALL_BELOW {
                        call * 2
                    } else {
                        call
                    }
                })
                .sum();
            paired_sweep(&budget, round, passes, 0)
        })
        .collect()
    }

    /// The sweeps of `benches/break_even.rs`.
    pub fn break_even_sweeps(&self) -> Vec<Sweep> {
        let tasks = self.break_even_tasks();
        let points = self.break_even_bytes().into_iter().map(|hash_bytes| {
            let cost = TaskCost {
                hash_bytes,
                ..TaskCost::default()
            };
            (tasks, cost, None)
        });
        vec![self.sweep(self.fast_timing(), self.break_even_strategies(), points)]
    }

    /// The sweeps of `benches/cpu_bound.rs`.
    pub fn cpu_bound_sweeps(&self) -> Vec<Sweep> {
        let cost = TaskCost {
            hash_bytes: self.hash_bytes(),
            ..TaskCost::default()
        };
        let points = self
            .hash_tasks()
            .into_iter()
            .map(|tasks| (tasks, cost, None));
        vec![self.sweep(self.fast_timing(), self.hash_strategies(), points)]
    }

    /// The sweeps of `benches/io_bound.rs`.
    pub fn io_bound_sweeps(&self) -> Vec<Sweep> {
        let cost = TaskCost {
            wait: self.sleep_duration(),
            ..TaskCost::default()
        };
        let points = self
            .sleep_tasks()
            .into_iter()
            .map(|tasks| (tasks, cost, None));
        vec![self.sweep(self.slow_timing(), self.sleep_strategies(), points)]
    }

    /// The sweeps of `benches/mixed.rs`.
    pub fn mixed_sweeps(&self) -> Vec<Sweep> {
        let total = self.mixed_total();
        let points = self.mixed_shares().into_iter().map(|percent| {
            let waiting = percent as f64 / 100.0;
            let cost = TaskCost {
                hash_bytes: (total.as_secs_f64() * (1.0 - waiting) * HASH_BYTES_PER_SECOND) as u64,
                wait: total.mul_f64(waiting),
                ..TaskCost::default()
            };
            (self.mixed_tasks(), cost, None)
        });
        vec![self.sweep(self.slow_timing(), self.mixed_strategies(), points)]
    }

    /// The sweeps of `benches/overhead.rs`: empty tasks over task counts, then `receive`
    /// tasks over input sizes.
    pub fn overhead_sweeps(&self) -> Vec<Sweep> {
        let empty = self
            .overhead_tasks()
            .into_iter()
            .map(|tasks| (tasks, TaskCost::default(), None));
        let tasks = self.receive_tasks();
        // Receiving is piping, which `iteration` counts for the hashed bytes of a process
        // strategy; the hashing itself is absent, a small over-estimate.
        let receive = self.receive_bytes().into_iter().map(|hash_bytes| {
            let cost = TaskCost {
                hash_bytes,
                ..TaskCost::default()
            };
            (tasks, cost, None)
        });
        let many = self
            .many_tasks()
            .into_iter()
            .map(|tasks| (tasks, TaskCost::default(), None));
        let mut sweeps = vec![
            self.sweep(self.cost_timing(), self.overhead_strategies(), empty),
            self.sweep(self.cost_timing(), self.many_tasks_strategies(), many),
            self.sweep(self.cost_timing(), self.receive_strategies(), receive),
        ];
        sweeps.retain(|s| !s.iterations.is_empty());
        sweeps
    }

    /// The sweeps of `benches/primitives.rs`: eight operations of microseconds (a process
    /// start of a millisecond among them), a 1 ms tokio sleep (about 2 ms: its timer rounds
    /// up), then the hash kernel on k bare threads.
    pub fn primitives_sweeps(&self) -> Vec<Sweep> {
        if !self.runs_primitives() {
            return vec![];
        }
        let mut iterations = vec![Duration::from_micros(50); 7];
        iterations.push(PROCESS_START);
        iterations.push(Duration::from_micros(2200));
        let bytes = self.raw_scaling_bytes();
        iterations.extend(self.raw_scaling_threads().into_iter().map(|k| {
            THREAD_START * k as u32
                + Duration::from_secs_f64(bytes as f64 / HASH_BYTES_PER_SECOND)
                    .mul_f64((k as f64 / self.logical_cores as f64).max(1.0))
        }));
        vec![Sweep {
            timing: self.cost_timing(),
            iterations,
            untimed_runs: 0,
            analysed: true,
        }]
    }

    /// The sweeps of `benches/real_io.rs`: files, then sockets.
    pub fn real_io_sweeps(&self) -> Vec<Sweep> {
        let file = TaskCost {
            hash_bytes: self.file_bytes(),
            disk: FILE_SYNC,
            ..TaskCost::default()
        };
        let net = TaskCost {
            wait: self.net_duration(),
            ..TaskCost::default()
        };
        let strategies = self.real_io_strategies();
        vec![
            self.sweep(
                self.slow_timing(),
                strategies,
                self.file_tasks().into_iter().map(|t| (t, file, None)),
            ),
            self.sweep(
                self.slow_timing(),
                strategies,
                self.net_tasks().into_iter().map(|t| (t, net, None)),
            ),
        ]
    }

    /// The sweeps of `benches/scaling.rs`.
    pub fn scaling_sweeps(&self) -> Vec<Sweep> {
        let cost = TaskCost {
            hash_bytes: self.scaling_bytes(),
            ..TaskCost::default()
        };
        let tasks = self.scaling_tasks();
        let points = self
            .scaling_workers()
            .into_iter()
            .map(|w| (tasks, cost, Some(w)));
        vec![self.sweep(self.fast_timing(), self.scaling_strategies(), points)]
    }

    /// The sweeps of `benches/waits.rs`, with one untimed peak-memory run per benchmark.
    pub fn waits_sweeps(&self) -> Vec<Sweep> {
        let cost = TaskCost {
            wait: self.waits_duration(),
            ..TaskCost::default()
        };
        let points = self.waits_tasks().into_iter().map(|t| (t, cost, None));
        let mut sweep = self.sweep(self.slow_timing(), self.waits_strategies(), points);
        sweep.untimed_runs = 1;
        vec![sweep]
    }
}

/// Criterion's time for one benchmark of `timing` whose iteration takes `iteration`: warm-up
/// or one iteration, whichever is longer, then the measurement or one iteration per sample.
fn criterion_time(timing: Timing, iteration: Duration) -> Duration {
    timing.warm_up.max(iteration)
        + timing
            .measurement
            .max(iteration * timing.sample_size as u32)
}

/// The time budget of a whole `cargo bench` under `profile`, on any machine.
pub fn budget(profile: Profile) -> Duration {
    match profile {
        // 95 s since CPython's tasks take milliseconds each (issue 21): 91.6 s on 8 cores.
        Profile::Quick => Duration::from_secs(95),
        Profile::Default => Duration::from_secs(600),
        Profile::Seed => Duration::from_secs(60),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn binaries_are_listed_in_the_order_cargo_runs_them() {
        let names: Vec<_> = BENCH_BINARIES.iter().map(|b| b.name).collect();
        let mut sorted = names.clone();
        sorted.sort_unstable();
        assert_eq!(names, sorted);
    }

    #[test]
    fn every_bench_file_is_in_the_suite() {
        let benches = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("benches");
        let mut files: Vec<String> = std::fs::read_dir(benches)
            .unwrap()
            .filter_map(|entry| {
                let name = entry.unwrap().file_name().into_string().unwrap();
                name.strip_suffix(".rs").map(str::to_string)
            })
            .collect();
        files.sort_unstable();
        let names: Vec<_> = BENCH_BINARIES.iter().map(|b| b.name).collect();
        assert_eq!(files, names);
    }

    #[test]
    fn the_default_suite_fits_10_minutes_from_2_to_256_cores() {
        for cores in [2, 8, 64, 256] {
            let total = Plan::new(Profile::Default, cores).estimate().total();
            assert!(
                total <= budget(Profile::Default),
                "{cores} cores: {total:?}"
            );
        }
    }

    #[test]
    fn quick_fits_95_seconds_on_2_and_8_cores() {
        // On more cores each run of `process-pool` starts one process per core inside the
        // timing (0.3 s on 256 cores): quick is estimated at about 95 s on 64 cores and 2 min
        // on 256.
        for cores in [2, 8] {
            let total = Plan::new(Profile::Quick, cores).estimate().total();
            assert!(total <= budget(Profile::Quick), "{cores} cores: {total:?}");
        }
    }

    #[test]
    fn the_estimate_on_2_cores_is_near_the_measured_run_times() {
        // Measured on 2 cores (README): default 8 min 17 s to 8 min 32 s with the pairs, their
        // follow-ups and three CPython interpreters with their pairs (estimated 8.5), quick
        // about 90 s, seed about 35 s.
        let minutes = |profile| Plan::new(profile, 2).estimate().total().as_secs_f64() / 60.0;
        assert!(
            (6.5..=9.5).contains(&minutes(Profile::Default)),
            "{}",
            minutes(Profile::Default)
        );
        assert!(
            (1.1..=1.6).contains(&minutes(Profile::Quick)),
            "{}",
            minutes(Profile::Quick)
        );
        assert!(
            (0.5..=0.8).contains(&minutes(Profile::Seed)),
            "{}",
            minutes(Profile::Seed)
        );
    }

    #[test]
    fn a_waiting_iteration_divides_by_what_overlaps() {
        let plan = Plan::new(Profile::Default, 2);
        let sleep = TaskCost {
            wait: Duration::from_millis(10),
            ..TaskCost::default()
        };
        let ms = |f, n| plan.iteration(f, sleep, n, None).as_secs_f64() * 1e3;
        assert_eq!(ms(BenchFunction::Sequential, 64), 640.0);
        assert_eq!(ms(BenchFunction::Rayon, 64), 320.0);
        assert_eq!(ms(BenchFunction::Async, 64), 10.0);
        assert!((ms(BenchFunction::Threads, 64) - 16.4).abs() < 1e-9);
    }

    #[test]
    fn a_slow_iteration_stretches_criterion_past_its_measurement_time() {
        let timing = Plan::new(Profile::Default, 2).slow_timing();
        let short = criterion_time(timing, Duration::from_millis(1));
        assert_eq!(short, timing.warm_up + timing.measurement);
        let long = criterion_time(timing, Duration::from_millis(500));
        assert_eq!(long, Duration::from_millis(500 + 5000));
    }

    #[test]
    fn progress_counts_this_binary_and_the_rest() {
        let estimate = Estimate {
            binaries: vec![
                BinaryEstimate {
                    name: "a",
                    duration: Duration::from_secs(100),
                },
                BinaryEstimate {
                    name: "b",
                    duration: Duration::from_secs(25),
                },
            ],
        };
        assert_eq!(
            estimate.progress("a").unwrap(),
            "parbench: 1/2 a — about 3 min left"
        );
        assert_eq!(
            estimate.progress("b").unwrap(),
            "parbench: 2/2 b — about 30 s left"
        );
        assert_eq!(estimate.progress("c"), None);
    }
}
