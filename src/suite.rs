//! The benchmark suite's plan: which profile runs which sweeps, sized to this machine.
//!
//! `PARBENCH_PROFILE` picks a [`Profile`]; a [`Plan`] turns it and the core counts into the
//! task counts, sizes and Criterion timings the benches use. Sweeps derive from
//! `crate::cpus::available()`, never from a hard-coded core count, so the same suite fits a 2-core
//! laptop and a 64-core server. What the benches record beside Criterion's data lives in
//! [`records`](crate::records).

use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::bench_id::{BenchFunction, Group};
use crate::error::Result;

mod estimate;
pub use estimate::{
    BENCH_BINARIES, BenchBinary, BinaryEstimate, Estimate, Sweep, TaskCost, budget, rough_duration,
};

/// The environment variable that picks the profile.
pub const PROFILE_VAR: &str = "PARBENCH_PROFILE";

/// A named parameter set for the whole suite.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "kebab-case")]
pub enum Profile {
    /// A first look and CI smoke test: the whole suite in about 90 seconds.
    Quick,
    /// The full picture in at most about 10 minutes on a 2-core machine.
    Default,
    /// Only the seed's example: 2 tasks sleeping 1 s, threads against sequential.
    Seed,
}

impl Profile {
    /// Every profile, in the order the README lists them.
    pub const ALL: &[Profile] = &[Profile::Quick, Profile::Default, Profile::Seed];

    /// The profile's name as `PARBENCH_PROFILE` takes it.
    pub fn name(self) -> &'static str {
        match self {
            Profile::Quick => "quick",
            Profile::Default => "default",
            Profile::Seed => "seed",
        }
    }

    /// Parses a profile name; unknown names are an error listing the known ones.
    pub fn from_name(name: &str) -> Result<Self> {
        crate::units::from_value_name("PARBENCH_PROFILE", name)
    }

    /// The profile `PARBENCH_PROFILE` names, or [`Profile::Default`] when it is unset or empty.
    pub fn from_env() -> Result<Self> {
        match std::env::var(PROFILE_VAR) {
            Ok(name) if !name.trim().is_empty() => Self::from_name(&name),
            _ => Ok(Profile::Default),
        }
    }
}

/// How long Criterion samples one benchmark of a group.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Timing {
    /// Samples per benchmark (Criterion's minimum is 10).
    pub sample_size: usize,
    /// Warm-up time per benchmark.
    pub warm_up: Duration,
    /// Target measurement time per benchmark.
    pub measurement: Duration,
    /// Whether to use Criterion's flat sampling (for slow benchmarks: sleeps, processes).
    pub flat: bool,
}

/// The sweeps of one profile on one machine.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Plan {
    /// The profile this plan is for.
    pub profile: Profile,
    /// Logical CPUs the sweeps are sized to.
    pub logical_cores: usize,
}

impl Plan {
    /// The plan for `profile` on a machine with `logical_cores` logical CPUs.
    pub fn new(profile: Profile, logical_cores: usize) -> Self {
        Plan {
            profile,
            logical_cores: logical_cores.max(1),
        }
    }

    /// The plan `PARBENCH_PROFILE` picks for this machine.
    pub fn from_env() -> Result<Self> {
        Ok(Self::new(Profile::from_env()?, crate::cpus::available()))
    }

    /// The core count the sweeps are sized to: the logical cores, up to [`Plan::SIZING_CAP`]
    /// of the profile. Beyond it, sweeps sized to every core would take longer than the
    /// profile's budget: the sequential baseline of 8 × 256 hash tasks alone takes minutes.
    pub fn sized_cores(&self) -> usize {
        self.logical_cores.min(match self.profile {
            Profile::Quick => Self::QUICK_SIZING_CAP,
            _ => Self::SIZING_CAP,
        })
    }

    /// The most cores the `default` sweeps are sized to.
    pub const SIZING_CAP: usize = 8;

    /// The most cores the `quick` sweeps are sized to.
    pub const QUICK_SIZING_CAP: usize = 4;

    /// The task count measured past the cost line ([`Plan::many_tasks`]).
    pub const MANY_TASKS: usize = 1024;

    /// The two input sizes of a short transfer sweep (`quick`, beyond the sizing cap, and
    /// `advise`'s calibration): 1 KiB and 1 MiB, the ends of the full sweep.
    pub const FEW_RECEIVE_BYTES: [u64; 2] = [1 << 10, 1 << 20];

    /// How long each sleep task of the I/O-bound sweep waits.
    pub fn sleep_duration(&self) -> Duration {
        match self.profile {
            Profile::Seed => Duration::from_secs(1),
            _ => Duration::from_millis(10),
        }
    }

    /// Task counts of the I/O-bound sweep; they reach 4 × the sized cores (2 × in `quick`),
    /// and at least 2 × the logical cores, so the blocking trap of a CPU-sized pool shows on
    /// any machine.
    pub fn sleep_tasks(&self) -> Vec<usize> {
        // Twice the cores shows the trap of blocking in a CPU-sized pool; capped at 256 tasks
        // (the trap shows up to 128 cores) so the sequential baseline, 2.56 s an iteration,
        // keeps the suite in its budget on larger machines.
        let trap = (2 * self.logical_cores).min(256);
        match self.profile {
            Profile::Seed => vec![2],
            Profile::Quick => sorted(vec![1, 4, 16, 2 * self.sized_cores()]),
            Profile::Default => {
                sorted(vec![1, 2, 4, 8, 16, 64, (4 * self.sized_cores()).max(trap)])
            }
        }
    }

    /// Bytes per task of the CPU-bound sweep over task counts.
    pub fn hash_bytes(&self) -> u64 {
        match self.profile {
            Profile::Quick => 256 << 10,
            _ => 1 << 20,
        }
    }

    /// Task counts of the CPU-bound sweep: 1, 2, 8 (a common batch), cores, 2 × cores and
    /// 8 × cores, of the sized cores (none in `seed`).
    pub fn hash_tasks(&self) -> Vec<usize> {
        let n = self.sized_cores();
        match self.profile {
            Profile::Seed => vec![],
            Profile::Quick => sorted(vec![1, n, 2 * n]),
            Profile::Default => sorted(vec![1, 2, 8, n, 2 * n, 8 * n]),
        }
    }

    /// Task count of the break-even sweep over task sizes: 2 × the sized cores.
    pub fn break_even_tasks(&self) -> usize {
        2 * self.sized_cores()
    }

    /// Task sizes of the break-even sweep, from 1 KiB to 4 MiB (none in `seed`).
    pub fn break_even_bytes(&self) -> Vec<u64> {
        match self.profile {
            Profile::Seed => vec![],
            Profile::Quick => vec![1 << 10, 64 << 10, 1 << 20],
            Profile::Default => vec![
                1 << 10,
                4 << 10,
                16 << 10,
                64 << 10,
                256 << 10,
                1 << 20,
                4 << 20,
            ],
        }
    }

    /// Task counts of the empty-task sweep that the cost line `fixed + per_task × N` is fitted
    /// to: 1, the sized cores, 4 × and 16 × them (none in `seed`). `quick`, and machines beyond
    /// the sizing cap (where every run of `process-pool` starts a process per core), measure
    /// only 1 and 4 ×.
    pub fn overhead_tasks(&self) -> Vec<usize> {
        let n = self.sized_cores();
        match self.profile {
            Profile::Seed => vec![],
            Profile::Quick => sorted(vec![1, 4 * n]),
            Profile::Default if self.beyond_sizing_cap() => sorted(vec![1, 4 * n]),
            Profile::Default => sorted(vec![1, n, 4 * n, 16 * n]),
        }
    }

    /// Task count of the many-tasks point of the empty-task sweep: [`Plan::MANY_TASKS`] on every
    /// strategy but `processes` (a second and a half of process starts per run). Past the
    /// line's last count it pins what a thousand tasks cost: a thousand live threads cost more
    /// each than the line fitted on a few dozen says, and a slope fitted on a few dozen tasks
    /// is too uncertain to multiply by a thousand. Only in `default`, within the sizing cap
    /// (where the line's last count, 16 × the cores, lies below it).
    pub fn many_tasks(&self) -> Option<usize> {
        let past_line = self
            .overhead_tasks()
            .last()
            .is_some_and(|&n| n < Self::MANY_TASKS);
        let wanted = self.profile == Profile::Default && !self.beyond_sizing_cap();
        (wanted && past_line).then_some(Self::MANY_TASKS)
    }

    /// The strategies measured at [`Plan::many_tasks`]: the empty-task sweep's, but
    /// `processes`.
    pub fn many_tasks_strategies(&self) -> &'static [BenchFunction] {
        &[
            BenchFunction::Sequential,
            BenchFunction::Threads,
            BenchFunction::Rayon,
            BenchFunction::ProcessPool,
            BenchFunction::ProcessPoolWarm,
            BenchFunction::Gil,
            BenchFunction::Async,
            BenchFunction::AsyncMulti,
        ]
    }

    /// Whether this machine has more logical cores than the sweeps are sized to.
    fn beyond_sizing_cap(&self) -> bool {
        self.logical_cores > self.sized_cores()
    }

    /// Task count of the input-transfer sweep (`receive` tasks): the sized cores.
    pub fn receive_tasks(&self) -> usize {
        self.sized_cores()
    }

    /// Input sizes of the transfer sweep, whose slope is the process strategies' cost per
    /// byte (none in `seed`; two in `quick` and beyond the sizing cap).
    pub fn receive_bytes(&self) -> Vec<u64> {
        match self.profile {
            Profile::Seed => vec![],
            Profile::Quick => Self::FEW_RECEIVE_BYTES.to_vec(),
            Profile::Default if self.beyond_sizing_cap() => Self::FEW_RECEIVE_BYTES.to_vec(),
            Profile::Default => vec![1 << 10, 64 << 10, 1 << 20, 4 << 20],
        }
    }

    /// Whether the primitives are measured (not in `seed`).
    pub fn runs_primitives(&self) -> bool {
        self.profile != Profile::Seed
    }

    /// Bare-thread counts of the raw compute scaling (`primitive/hash-threads/<k>`): every k
    /// from 1 to the logical cores, or past the sizing cap 1, 2, 4, the sized cores, half the
    /// cores and all of them.
    pub fn raw_scaling_threads(&self) -> Vec<usize> {
        if !self.runs_primitives() {
            return vec![];
        }
        let n = self.logical_cores;
        if n <= Self::SIZING_CAP {
            return (1..=n).collect();
        }
        sorted(vec![1, 2, 4, self.sized_cores(), n / 2, n])
    }

    /// Bytes each bare thread hashes in the raw scaling: 4 MiB (1 MiB in `quick`), so that
    /// starting a thread is a small part of its time.
    pub fn raw_scaling_bytes(&self) -> u64 {
        match self.profile {
            Profile::Quick => 1 << 20,
            _ => 4 << 20,
        }
    }

    /// Criterion timing of the primitives and the cost sweeps (empty tasks, input transfer):
    /// many short benchmarks, so shorter than [`Plan::fast_timing`].
    pub fn cost_timing(&self) -> Timing {
        match self.profile {
            Profile::Quick => Timing {
                sample_size: 10,
                warm_up: Duration::from_millis(20),
                measurement: Duration::from_millis(80),
                flat: false,
            },
            _ => Timing {
                sample_size: 10,
                warm_up: Duration::from_millis(100),
                measurement: Duration::from_millis(400),
                flat: false,
            },
        }
    }

    /// Total cost of one `mixed` task (hashing plus waiting): 10 ms.
    pub fn mixed_total(&self) -> Duration {
        Duration::from_millis(10)
    }

    /// Task count of the `mixed` sweep: 2 × the sized cores, at least 8, so that waiting tasks
    /// can overlap beyond the core count.
    pub fn mixed_tasks(&self) -> usize {
        (2 * self.sized_cores()).max(8)
    }

    /// Waiting shares of a `mixed` task's cost, in percent (none in `seed`).
    pub fn mixed_shares(&self) -> Vec<u64> {
        match self.profile {
            Profile::Seed => vec![],
            Profile::Quick => vec![0, 50, 100],
            Profile::Default => vec![0, 25, 50, 75, 100],
        }
    }

    /// Bytes each `mixed` task hashes at `percent` % waiting on a machine hashing `rate` bytes
    /// per second: the computing part of the task's total cost.
    pub fn mixed_hash_bytes(&self, percent: u64, rate: f64) -> u64 {
        (self.mixed_total().as_secs_f64() * (100 - percent.min(100)) as f64 / 100.0 * rate) as u64
    }

    /// How long each task of the threads-against-async sweep sleeps: 50 ms.
    pub fn waits_duration(&self) -> Duration {
        Duration::from_millis(50)
    }

    /// Task counts of the threads-against-async sweep, up to 10,000 waits (none in `seed`).
    pub fn waits_tasks(&self) -> Vec<usize> {
        match self.profile {
            Profile::Seed => vec![],
            Profile::Quick => vec![100, 1000],
            Profile::Default => vec![100, 1000, 10_000],
        }
    }

    /// Bytes each `file` task writes, syncs, reads back and hashes: 1 MiB.
    pub fn file_bytes(&self) -> u64 {
        1 << 20
    }

    /// Task counts of the `file` sweep (none in `seed`).
    pub fn file_tasks(&self) -> Vec<usize> {
        match self.profile {
            Profile::Seed => vec![],
            Profile::Quick => vec![1, 4],
            Profile::Default => sorted(vec![1, 4, 16, 2 * self.sized_cores()]),
        }
    }

    /// How long the loopback server waits before answering a `net` task: 10 ms.
    pub fn net_duration(&self) -> Duration {
        Duration::from_millis(10)
    }

    /// Task counts of the `net` sweep (none in `seed`).
    pub fn net_tasks(&self) -> Vec<usize> {
        match self.profile {
            Profile::Seed => vec![],
            Profile::Quick => vec![1, 8],
            Profile::Default => sorted(vec![1, 8, 64, 4 * self.sized_cores()]),
        }
    }

    /// Bytes per task of the worker-count sweep (the Amdahl fit): the same as the hash sweep.
    pub fn scaling_bytes(&self) -> u64 {
        self.hash_bytes()
    }

    /// Worker counts of the Amdahl sweep: powers of two up to 2 × the sized cores, and the
    /// sized core count itself (none in `seed`).
    pub fn scaling_workers(&self) -> Vec<usize> {
        if self.profile == Profile::Seed {
            return vec![];
        }
        let cores = self.sized_cores();
        let top = 2 * cores;
        let powers = std::iter::successors(Some(1usize), |w| Some(w * 2)).take_while(|&w| w <= top);
        sorted(powers.chain([cores, top]).collect())
    }

    /// Task count of the Amdahl sweep: 2 × the largest worker count, so every worker has work.
    pub fn scaling_tasks(&self) -> usize {
        2 * self.scaling_workers().last().copied().unwrap_or(1)
    }

    /// The strategies of the sleep sweep (`io_bound`): every strategy, plus rayon sized to the
    /// task count and a pool started before timing; in `seed`, threads against sequential.
    pub fn sleep_strategies(&self) -> &'static [BenchFunction] {
        match self.profile {
            Profile::Seed => &[BenchFunction::Sequential, BenchFunction::Threads],
            _ => &[
                BenchFunction::Sequential,
                BenchFunction::Threads,
                BenchFunction::Rayon,
                BenchFunction::RayonN,
                BenchFunction::Processes,
                BenchFunction::ProcessPool,
                BenchFunction::ProcessPoolWarm,
                BenchFunction::Gil,
                BenchFunction::Async,
                BenchFunction::AsyncMulti,
            ],
        }
    }

    /// The strategies of the hash and overhead sweeps: every strategy that can compute in
    /// parallel, a process pool started before timing, and the Python-like ones (the
    /// simulated GIL and the event loops).
    pub fn hash_strategies(&self) -> &'static [BenchFunction] {
        &[
            BenchFunction::Sequential,
            BenchFunction::Threads,
            BenchFunction::Rayon,
            BenchFunction::Processes,
            BenchFunction::ProcessPool,
            BenchFunction::ProcessPoolWarm,
            BenchFunction::Gil,
            BenchFunction::Async,
            BenchFunction::AsyncMulti,
        ]
    }

    /// The strategies of the empty-task sweep (`overhead`): the same as the hash sweep's.
    pub fn overhead_strategies(&self) -> &'static [BenchFunction] {
        self.hash_strategies()
    }

    /// The strategies of the input-transfer sweep: a process per task and a warm pool (whose
    /// cost per byte stands for `process-pool` too: the same pool, started inside the timing;
    /// `quick`: the warm pool alone, standing for both).
    pub fn receive_strategies(&self) -> &'static [BenchFunction] {
        match self.profile {
            Profile::Quick => &[BenchFunction::ProcessPoolWarm],
            _ => &[BenchFunction::Processes, BenchFunction::ProcessPoolWarm],
        }
    }

    /// The strategies of the break-even sweep: the baseline, every strategy that can compute
    /// in parallel, and a process pool started before timing.
    pub fn break_even_strategies(&self) -> &'static [BenchFunction] {
        &[
            BenchFunction::Sequential,
            BenchFunction::Threads,
            BenchFunction::Rayon,
            BenchFunction::Processes,
            BenchFunction::ProcessPool,
            BenchFunction::ProcessPoolWarm,
        ]
    }

    /// The strategies of the worker-count sweep: those whose worker count can be set.
    pub fn scaling_strategies(&self) -> &'static [BenchFunction] {
        &[
            BenchFunction::Rayon,
            BenchFunction::Gil,
            BenchFunction::AsyncMulti,
            BenchFunction::ProcessPoolWarm,
        ]
    }

    /// The strategies of the `mixed` sweep: the in-process ones.
    pub fn mixed_strategies(&self) -> &'static [BenchFunction] {
        &[
            BenchFunction::Sequential,
            BenchFunction::Threads,
            BenchFunction::Rayon,
            BenchFunction::Gil,
            BenchFunction::Async,
            BenchFunction::AsyncMulti,
        ]
    }

    /// The strategies of the threads-against-async sweep: one OS thread per task, one event
    /// loop, and one with worker threads.
    pub fn waits_strategies(&self) -> &'static [BenchFunction] {
        &[
            BenchFunction::Threads,
            BenchFunction::Async,
            BenchFunction::AsyncMulti,
        ]
    }

    /// The strategies of the `file` and `net` sweeps: the in-process ones and a warm process
    /// pool (its workers reach the same files and server).
    pub fn real_io_strategies(&self) -> &'static [BenchFunction] {
        &[
            BenchFunction::Sequential,
            BenchFunction::Threads,
            BenchFunction::Rayon,
            BenchFunction::Gil,
            BenchFunction::Async,
            BenchFunction::AsyncMulti,
            BenchFunction::ProcessPoolWarm,
        ]
    }

    /// Task counts of the CPython sweep (the `python` bench): 2 × cores in `quick`, 2 and 8 in
    /// `default` — counts the Rust sleep and hash sweeps of the same profile also measure, so
    /// CPython and Rust can be set side by side (none in `seed`).
    pub fn python_tasks(&self) -> Vec<usize> {
        match self.profile {
            Profile::Seed => vec![],
            Profile::Quick => vec![2 * self.sized_cores()],
            Profile::Default => vec![2, 8],
        }
    }

    /// Pool size of the CPython pools for `tasks` tasks: one worker per logical core, as
    /// `Pool()` and `ProcessPoolExecutor()` default to, but never more workers than tasks (a
    /// 256-core machine would otherwise start 256 interpreters for 8 tasks in every run).
    pub fn python_workers(&self, tasks: usize) -> usize {
        self.logical_cores.min(tasks).max(1)
    }

    /// How long each CPython sleep task waits: as long as a task of the Rust sleep sweep.
    pub fn python_sleep_duration(&self) -> Duration {
        self.sleep_duration()
    }

    /// Bytes per CPython hash task: 4 MiB in every profile, about 2 ms of hashlib on one core
    /// (and the loop task about as long), so a speedup stands out from what starting a
    /// thread costs on a free-threaded build (tenths of a millisecond); larger than the Rust
    /// hash sweep's tasks, where a thread starts in tens of microseconds.
    pub fn python_hash_bytes(&self) -> u64 {
        4 << 20
    }

    /// Steps of CPython's pure-Python loop task (`py-loop-<steps>@…`): fixed, so that its
    /// benchmarks have the same IDs in every run and on every machine. On a 2-vCPU VM it takes
    /// about as long in CPython 3.11 as hashing [`Plan::python_hash_bytes`] (a calibration
    /// that used to size it chose 30 000 in 11 of 12 default runs there, and 50 000 once, which
    /// left that run's loop groups out of `parbench compare`).
    pub fn python_loop_iterations(&self) -> u64 {
        30_000
    }

    /// Criterion timing for the CPython benchmarks: flat sampling (a run takes milliseconds)
    /// and shorter than [`Plan::slow_timing`], so the 21 or 42 of them fit the suite's budget;
    /// their speedups come from the pairs ([`crate::python::pairs`]), these give the times.
    pub fn python_timing(&self) -> Timing {
        match self.profile {
            Profile::Quick | Profile::Seed => Timing {
                sample_size: 10,
                warm_up: Duration::from_millis(10),
                measurement: Duration::from_millis(60),
                flat: true,
            },
            Profile::Default => Timing {
                sample_size: 10,
                warm_up: Duration::from_millis(50),
                measurement: Duration::from_millis(200),
                flat: true,
            },
        }
    }

    /// Every group this plan measures, in the order the benches run them.
    pub fn groups(&self) -> Vec<Group> {
        let mut groups = Vec::new();
        if !self.sleep_tasks().is_empty() {
            groups.push(Group::Sleep {
                duration: self.sleep_duration(),
            });
        }
        if !self.hash_tasks().is_empty() {
            groups.push(Group::Hash {
                bytes: self.hash_bytes(),
            });
        }
        if !self.break_even_bytes().is_empty() {
            groups.push(Group::HashSize {
                tasks: self.break_even_tasks(),
            });
        }
        if !self.overhead_tasks().is_empty() {
            groups.push(Group::Overhead);
        }
        if !self.receive_bytes().is_empty() {
            groups.push(Group::Receive {
                tasks: self.receive_tasks(),
            });
        }
        if self.runs_primitives() {
            groups.push(Group::Primitive);
        }
        if !self.scaling_workers().is_empty() {
            groups.push(Group::HashWorkers {
                bytes: self.scaling_bytes(),
                tasks: self.scaling_tasks(),
            });
        }
        if !self.mixed_shares().is_empty() {
            groups.push(Group::Mixed {
                total: self.mixed_total(),
                tasks: self.mixed_tasks(),
            });
        }
        if !self.waits_tasks().is_empty() {
            groups.push(Group::Waits {
                duration: self.waits_duration(),
            });
        }
        if !self.file_tasks().is_empty() {
            groups.push(Group::File {
                bytes: self.file_bytes(),
            });
        }
        if !self.net_tasks().is_empty() {
            groups.push(Group::Net {
                duration: self.net_duration(),
            });
        }
        groups
    }

    /// Bootstrap resamples Criterion draws per benchmark: 10,000 (2,000 in `quick`) instead of
    /// Criterion's 100,000, whose plots alone take about 4 s per benchmark on 2 cores.
    pub fn resamples(&self) -> usize {
        match self.profile {
            Profile::Quick => 2_000,
            _ => 10_000,
        }
    }

    /// Criterion timing for benchmarks that take milliseconds or more (sleeps, processes).
    pub fn slow_timing(&self) -> Timing {
        match self.profile {
            Profile::Quick => Timing {
                sample_size: 10,
                warm_up: Duration::from_millis(30),
                measurement: Duration::from_millis(100),
                flat: true,
            },
            Profile::Default => Timing {
                sample_size: 10,
                warm_up: Duration::from_millis(100),
                measurement: Duration::from_millis(500),
                flat: true,
            },
            Profile::Seed => Timing {
                sample_size: 10,
                warm_up: Duration::from_millis(1),
                measurement: Duration::from_millis(1),
                flat: true,
            },
        }
    }

    /// Criterion timing for fast benchmarks (in-process hashing, spawning a thread).
    pub fn fast_timing(&self) -> Timing {
        match self.profile {
            Profile::Quick => Timing {
                sample_size: 10,
                warm_up: Duration::from_millis(50),
                measurement: Duration::from_millis(150),
                flat: false,
            },
            _ => Timing {
                sample_size: 20,
                warm_up: Duration::from_millis(100),
                measurement: Duration::from_millis(500),
                flat: false,
            },
        }
    }
}

fn sorted(mut values: Vec<usize>) -> Vec<usize> {
    values.sort_unstable();
    values.dedup();
    values
}

// Kept while `tests/report.rs` imports the records from here; they live in `records`.
#[doc(hidden)]
pub use crate::records::{MEMORY_FILE, META_FILE, MemoryRecord, RunMeta};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn profiles_parse_and_reject_unknown_names() {
        assert_eq!(Profile::from_name("quick").unwrap(), Profile::Quick);
        assert_eq!(Profile::from_name("seed").unwrap(), Profile::Seed);
        let err = Profile::from_name("fast").unwrap_err().to_string();
        assert_eq!(
            err,
            "unknown PARBENCH_PROFILE 'fast': expected one of quick, default, seed"
        );
    }

    #[test]
    fn sweeps_scale_with_the_core_count() {
        let small = Plan::new(Profile::Default, 2);
        assert_eq!(small.hash_tasks(), vec![1, 2, 4, 8, 16]);
        assert_eq!(small.sleep_tasks(), vec![1, 2, 4, 8, 16, 64]);
        let eight = Plan::new(Profile::Default, 8);
        assert_eq!(eight.hash_tasks(), vec![1, 2, 8, 16, 64]);
        assert_eq!(eight.break_even_tasks(), 16);
        // Above the sizing cap the sweeps are sized as for 8 cores, but the sleep sweep still
        // reaches 2 × the cores (at most 256 tasks), so the blocking trap of a CPU-sized pool
        // shows up to 128 cores.
        let big = Plan::new(Profile::Default, 256);
        assert_eq!(big.hash_tasks(), eight.hash_tasks());
        assert_eq!(big.break_even_tasks(), 16);
        assert_eq!(big.sleep_tasks().last(), Some(&256));
        assert_eq!(
            Plan::new(Profile::Default, 64).sleep_tasks().last(),
            Some(&128)
        );
    }

    #[test]
    fn seed_profile_is_the_seed_example() {
        let seed = Plan::new(Profile::Seed, 8);
        assert_eq!(seed.sleep_duration(), Duration::from_secs(1));
        assert_eq!(seed.sleep_tasks(), vec![2]);
        assert!(seed.hash_tasks().is_empty() && seed.break_even_bytes().is_empty());
    }

    #[test]
    fn criterion_timings_respect_its_minimum_sample_size() {
        for &profile in Profile::ALL {
            let plan = Plan::new(profile, 2);
            assert!(plan.slow_timing().sample_size >= 10);
            assert!(plan.fast_timing().sample_size >= 10);
        }
    }

    #[test]
    fn worker_mixed_and_waits_sweeps_scale_with_the_core_count() {
        let small = Plan::new(Profile::Default, 2);
        assert_eq!(small.scaling_workers(), vec![1, 2, 4]);
        assert_eq!(small.scaling_tasks(), 8);
        assert_eq!(small.mixed_tasks(), 8);
        assert_eq!(small.mixed_shares(), vec![0, 25, 50, 75, 100]);
        assert_eq!(small.waits_tasks(), vec![100, 1000, 10_000]);
        let eight = Plan::new(Profile::Default, 8);
        assert_eq!(eight.scaling_workers(), vec![1, 2, 4, 8, 16]);
        assert_eq!(eight.mixed_tasks(), 16);
        assert_eq!(
            Plan::new(Profile::Default, 48).scaling_workers(),
            eight.scaling_workers()
        );
        assert_eq!(Plan::new(Profile::Default, 2).groups().len(), 11);
        assert_eq!(Plan::new(Profile::Seed, 2).groups().len(), 1);
    }

    #[test]
    fn python_sweeps_share_task_counts_with_the_rust_sweeps() {
        for cores in [1, 2, 3, 8, 64] {
            for &profile in Profile::ALL {
                let plan = Plan::new(profile, cores);
                for n in plan.python_tasks() {
                    assert!(plan.sleep_tasks().contains(&n), "{profile:?} {cores}: {n}");
                    assert!(plan.hash_tasks().contains(&n), "{profile:?} {cores}: {n}");
                }
            }
        }
        assert_eq!(Plan::new(Profile::Default, 2).python_tasks(), vec![2, 8]);
        assert_eq!(Plan::new(Profile::Quick, 2).python_tasks(), vec![4]);
        assert!(Plan::new(Profile::Seed, 2).python_tasks().is_empty());
    }

    #[test]
    fn cost_sweeps_scale_with_the_cores() {
        let small = Plan::new(Profile::Default, 2);
        assert_eq!(small.overhead_tasks(), vec![1, 2, 8, 32]);
        assert_eq!(small.many_tasks(), Some(1024));
        assert_eq!(Plan::new(Profile::Quick, 2).many_tasks(), None);
        assert_eq!(Plan::new(Profile::Default, 64).many_tasks(), None);
        assert_eq!(small.raw_scaling_threads(), vec![1, 2]);
        assert_eq!(Plan::new(Profile::Quick, 2).overhead_tasks(), vec![1, 8]);
        assert_eq!(
            Plan::new(Profile::Default, 8).overhead_tasks(),
            vec![1, 8, 32, 128]
        );
        let beyond = Plan::new(Profile::Default, 64);
        assert_eq!(beyond.overhead_tasks(), vec![1, 32]);
        assert_eq!(beyond.receive_bytes().len(), 2);
        assert_eq!(
            Plan::new(Profile::Default, 1).overhead_tasks(),
            vec![1, 4, 16]
        );
        let big = Plan::new(Profile::Default, 48);
        assert_eq!(big.raw_scaling_threads(), vec![1, 2, 4, 8, 24, 48]);
        let seed = Plan::new(Profile::Seed, 2);
        assert!(seed.overhead_tasks().is_empty() && seed.raw_scaling_threads().is_empty());
    }
}
