//! The benchmark ID scheme, defined once: the benches write these IDs, the report reads them.
//!
//! A Criterion ID has three parts, `group/function/value`:
//!
//! | group                     | function  | value                | question                      |
//! |---------------------------|-----------|----------------------|-------------------------------|
//! | `sleep-10ms`              | strategy  | task count           | do waits overlap?             |
//! | `hash-1MiB`               | strategy  | task count           | does computing scale?         |
//! | `hash-size-n4`            | strategy  | bytes per task       | where is the break-even?      |
//! | `overhead`                | strategy  | task count (empty)   | what does a task cost?        |
//! | `hash-workers-1MiB-n16`   | strategy  | worker count         | Amdahl: how far does it scale?|
//! | `mixed-20ms-n8`           | strategy  | waiting share in %   | computing and waiting mixed   |
//! | `waits-50ms`              | strategy  | task count           | threads against async at scale|
//! | `file-64KiB`              | strategy  | task count           | real blocking file I/O        |
//! | `net-10ms`                | strategy  | task count           | real blocking socket I/O      |
//! | `py-sleep-10ms@3.11`      | CPython strategy | task count    | CPython: do waits overlap?    |
//! | `py-hash-4MiB@3.13t`      | CPython strategy | task count    | CPython: does hashlib scale?  |
//! | `py-loop-50000@3.13t-gil` | CPython strategy | task count    | CPython: does pure Python?    |
//! | `py-overhead@3.11`        | CPython strategy | task count (empty) | CPython: what does a thread cost? |
//! | `receive-n2`              | strategy  | bytes per task       | what does moving input cost?  |
//! | `primitive`               | primitive | 1, or bare threads   | the floor each strategy sits on|
//!
//! Functions are [`BenchFunction`]s: the [`StrategyKind`] names, the bench-only variants
//! `rayon-n` and `process-pool-warm`, the CPython strategies of the `py-*` groups, and the
//! [`Primitive`]s of the `primitive` group (only there).
//! Examples: `sleep-10ms/threads/64`, `hash-1MiB/rayon/8`, `hash-size-n4/processes/65536`,
//! `overhead/process-pool-warm/1`, `py-hash-4MiB@3.13t/thread-pool/8`, `primitive/thread-spawn/1`,
//! `primitive/hash-threads/2`. A `py-loop-<size>` group's size is the loop task's step count
//! (see [`crate::python::PyTask::Loop`]).
//!
//! Every `py-*` group ends in `@` and the interpreter it ran on, a [`PyTag`]: `3.11` (a build
//! with the GIL), `3.13t` (a free-threaded build running without it), `3.13t-gil` (the same
//! build with the GIL forced back on, `-X gil=1`). So `py-loop-50000@3.13t/threads/8` is eight
//! pure-Python loops on eight threads of a free-threaded 3.13, and today's `group/function/value`
//! shape and names stay as they were, with the interpreter added where it matters.
//!
//! This module is the one place that maps names to types: everything else passes
//! [`Group`]s and [`BenchFunction`]s.

use std::fmt;
use std::time::Duration;

use serde::{Deserialize, Serialize, Serializer};

use crate::strategy::StrategyKind;
use crate::units;

/// What one benchmark runs: a strategy as the CLI runs it, a bench-only variant, or a CPython
/// strategy. The declaration order is the order every report lists them in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum BenchFunction {
    /// [`StrategyKind::Sequential`] (in `py-*` groups: CPython, one task after another).
    Sequential,
    /// [`StrategyKind::Threads`] (in `py-*` groups: one `threading.Thread` per task).
    Threads,
    /// [`StrategyKind::Rayon`].
    Rayon,
    /// Bench-only: rayon on a pool with one thread per task (no blocking trap).
    RayonN,
    /// [`StrategyKind::Processes`].
    Processes,
    /// [`StrategyKind::ProcessPool`] (in `py-*` groups: `multiprocessing.Pool` started inside
    /// the timed run).
    ProcessPool,
    /// Bench-only: a process pool spawned before the clock starts (in `py-*` groups: a warm
    /// `multiprocessing.Pool`).
    ProcessPoolWarm,
    /// [`StrategyKind::Gil`].
    Gil,
    /// [`StrategyKind::Async`].
    Async,
    /// [`StrategyKind::AsyncMulti`].
    AsyncMulti,
    /// CPython only: `concurrent.futures.ThreadPoolExecutor`.
    ThreadPool,
    /// CPython only: one `asyncio` event loop, CPU work inline.
    Asyncio,
    /// CPython only: `asyncio.to_thread` per task.
    AsyncioToThread,
    /// A primitive operation of the `primitive` group, not a strategy.
    Primitive(Primitive),
}

impl BenchFunction {
    /// Every function, in report order.
    pub const ALL: &[BenchFunction] = &[
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
        BenchFunction::ThreadPool,
        BenchFunction::Asyncio,
        BenchFunction::AsyncioToThread,
        BenchFunction::Primitive(Primitive::ThreadSpawn),
        BenchFunction::Primitive(Primitive::RayonInstall),
        BenchFunction::Primitive(Primitive::ProcessSpawn),
        BenchFunction::Primitive(Primitive::PipeRoundTrip),
        BenchFunction::Primitive(Primitive::PipeRoundTripCrossCpu),
        BenchFunction::Primitive(Primitive::TokioCurrentSpawn),
        BenchFunction::Primitive(Primitive::TokioMultiSpawn),
        BenchFunction::Primitive(Primitive::TokioSleep),
        BenchFunction::Primitive(Primitive::LockUnlock),
        BenchFunction::Primitive(Primitive::HashThreads),
    ];

    /// The name in benchmark IDs.
    pub fn name(self) -> &'static str {
        match self {
            BenchFunction::RayonN => "rayon-n",
            BenchFunction::ProcessPoolWarm => "process-pool-warm",
            BenchFunction::ThreadPool => "thread-pool",
            BenchFunction::Asyncio => "asyncio",
            BenchFunction::AsyncioToThread => "asyncio-to-thread",
            BenchFunction::Primitive(primitive) => primitive.name(),
            other => other
                .strategy()
                .expect("every other function is a strategy")
                .name(),
        }
    }

    /// Parses an ID's function part; `None` if it is not one of parbench's.
    pub fn parse(name: &str) -> Option<BenchFunction> {
        Self::ALL.iter().copied().find(|f| f.name() == name)
    }

    /// The CLI strategy this function runs, if it is one.
    pub fn strategy(self) -> Option<StrategyKind> {
        Some(match self {
            BenchFunction::Sequential => StrategyKind::Sequential,
            BenchFunction::Threads => StrategyKind::Threads,
            BenchFunction::Rayon => StrategyKind::Rayon,
            BenchFunction::Processes => StrategyKind::Processes,
            BenchFunction::ProcessPool => StrategyKind::ProcessPool,
            BenchFunction::Gil => StrategyKind::Gil,
            BenchFunction::Async => StrategyKind::Async,
            BenchFunction::AsyncMulti => StrategyKind::AsyncMulti,
            BenchFunction::RayonN
            | BenchFunction::ProcessPoolWarm
            | BenchFunction::ThreadPool
            | BenchFunction::Asyncio
            | BenchFunction::AsyncioToThread
            | BenchFunction::Primitive(_) => return None,
        })
    }

    /// The primitive this function measures, if it is one.
    pub fn primitive(self) -> Option<Primitive> {
        match self {
            BenchFunction::Primitive(primitive) => Some(primitive),
            _ => None,
        }
    }

    /// Whether this function runs its tasks in worker processes.
    pub fn uses_processes(self) -> bool {
        matches!(
            self,
            BenchFunction::ProcessPoolWarm | BenchFunction::Primitive(Primitive::ProcessSpawn)
        ) || self.strategy().is_some_and(StrategyKind::uses_processes)
    }
}

/// The operations every strategy is built from, measured alone in the `primitive` group: the
/// floor a strategy's cost per task is compared with.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Primitive {
    /// `std::thread::spawn` of an empty closure, then `join`.
    ThreadSpawn,
    /// One empty job on an idle rayon pool, from outside it (`ThreadPool::install`).
    RayonInstall,
    /// `Command` spawn and wait of the `parbench worker` program with empty stdin (it exits
    /// at once).
    ProcessSpawn,
    /// 16 bytes written to a warm child process (`cat`) through a pipe and read back, both
    /// pinned to one CPU: the floor of a round trip, with no wake-up of another CPU.
    PipeRoundTrip,
    /// The same round trip with the child pinned to another CPU than the parent: every
    /// message wakes the other CPU (on a VM, an idle vCPU woken through the hypervisor).
    PipeRoundTripCrossCpu,
    /// `tokio::spawn` of an empty task and `await` of it on a current-thread runtime.
    TokioCurrentSpawn,
    /// `tokio::spawn` of an empty task and `await` of it from `block_on` on tokio's
    /// multi-thread runtime.
    TokioMultiSpawn,
    /// `tokio::time::sleep` of 1 ms awaited on a current-thread runtime: tokio's timer counts
    /// whole milliseconds and rounds a deadline up, so it lasts longer than asked.
    TokioSleep,
    /// Lock and unlock of an uncontended `parking_lot::Mutex`.
    LockUnlock,
    /// The hash kernel on k bare threads at once (value = k), each hashing its own ready input:
    /// the machine's raw compute scaling.
    HashThreads,
}

impl Primitive {
    /// Every primitive, in report order.
    pub const ALL: &[Primitive] = &[
        Primitive::ThreadSpawn,
        Primitive::RayonInstall,
        Primitive::ProcessSpawn,
        Primitive::PipeRoundTrip,
        Primitive::PipeRoundTripCrossCpu,
        Primitive::TokioCurrentSpawn,
        Primitive::TokioMultiSpawn,
        Primitive::TokioSleep,
        Primitive::LockUnlock,
        Primitive::HashThreads,
    ];

    /// The name in benchmark IDs (`primitive/<name>/<value>`).
    pub fn name(self) -> &'static str {
        match self {
            Primitive::ThreadSpawn => "thread-spawn",
            Primitive::RayonInstall => "rayon-install",
            Primitive::ProcessSpawn => "process-spawn",
            Primitive::PipeRoundTrip => "pipe-round-trip",
            Primitive::PipeRoundTripCrossCpu => "pipe-round-trip-cross-cpu",
            Primitive::TokioCurrentSpawn => "tokio-current-spawn",
            Primitive::TokioMultiSpawn => "tokio-multi-spawn",
            Primitive::TokioSleep => "tokio-sleep-1ms",
            Primitive::LockUnlock => "lock-unlock",
            Primitive::HashThreads => "hash-threads",
        }
    }

    /// What one operation is, in words, for tables.
    pub fn description(self) -> &'static str {
        match self {
            Primitive::ThreadSpawn => "spawn + join of an empty std::thread",
            Primitive::RayonInstall => "one job on an idle rayon pool, from outside it",
            Primitive::ProcessSpawn => "spawn + wait of the worker program doing nothing",
            Primitive::PipeRoundTrip => {
                "16-byte round trip through pipes to a warm child, both on one CPU"
            }
            Primitive::PipeRoundTripCrossCpu => "the same round trip with the child on another CPU",
            Primitive::TokioCurrentSpawn => "tokio current-thread spawn + await",
            Primitive::TokioMultiSpawn => "tokio multi-thread spawn + await (from block_on)",
            Primitive::TokioSleep => "tokio::time::sleep(1 ms) awaited (current-thread runtime)",
            Primitive::LockUnlock => "uncontended mutex lock + unlock",
            Primitive::HashThreads => "the hash kernel on k bare threads",
        }
    }

    /// Parses a primitive's name; `None` if it is not one.
    pub fn parse(name: &str) -> Option<Primitive> {
        Self::ALL.iter().copied().find(|p| p.name() == name)
    }
}

impl fmt::Display for Primitive {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl Serialize for Primitive {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        serializer.serialize_str(self.name())
    }
}

impl From<StrategyKind> for BenchFunction {
    fn from(kind: StrategyKind) -> Self {
        match kind {
            StrategyKind::Sequential => BenchFunction::Sequential,
            StrategyKind::Threads => BenchFunction::Threads,
            StrategyKind::Rayon => BenchFunction::Rayon,
            StrategyKind::Processes => BenchFunction::Processes,
            StrategyKind::ProcessPool => BenchFunction::ProcessPool,
            StrategyKind::Gil => BenchFunction::Gil,
            StrategyKind::Async => BenchFunction::Async,
            StrategyKind::AsyncMulti => BenchFunction::AsyncMulti,
        }
    }
}

impl fmt::Display for BenchFunction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl Serialize for BenchFunction {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        serializer.serialize_str(self.name())
    }
}

/// How a CPython interpreter ran: with the GIL of a default build, or a free-threaded build
/// (PEP 703) with the GIL off or forced back on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PyBuild {
    /// A default build: the GIL is always on.
    Gil,
    /// A free-threaded build running without the GIL.
    FreeThreaded,
    /// A free-threaded build with the GIL forced back on (`-X gil=1`, as `PYTHON_GIL=1`).
    FreeThreadedGilOn,
}

/// The interpreter part of a `py-*` group name: version and build, `3.11`, `3.13t` or
/// `3.13t-gil` ([`PyBuild`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PyTag {
    /// The major version (3).
    pub major: u8,
    /// The minor version (13 for 3.13).
    pub minor: u8,
    /// How it ran.
    pub build: PyBuild,
}

impl PyTag {
    /// Parses `3.11`, `3.13t` or `3.13t-gil`; `None` for anything else.
    pub fn parse(tag: &str) -> Option<PyTag> {
        let (version, build) = if let Some(v) = tag.strip_suffix("t-gil") {
            (v, PyBuild::FreeThreadedGilOn)
        } else if let Some(v) = tag.strip_suffix('t') {
            (v, PyBuild::FreeThreaded)
        } else {
            (tag, PyBuild::Gil)
        };
        let (major, minor) = version.split_once('.')?;
        let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        if !digits(major) || !digits(minor) {
            return None;
        }
        Some(PyTag {
            major: major.parse().ok()?,
            minor: minor.parse().ok()?,
            build,
        })
    }
}

impl fmt::Display for PyTag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let suffix = match self.build {
            PyBuild::Gil => "",
            PyBuild::FreeThreaded => "t",
            PyBuild::FreeThreadedGilOn => "t-gil",
        };
        write!(f, "{}.{}{suffix}", self.major, self.minor)
    }
}

impl Serialize for PyTag {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for PyTag {
    fn deserialize<D: serde::Deserializer<'de>>(
        deserializer: D,
    ) -> std::result::Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        PyTag::parse(&text)
            .ok_or_else(|| serde::de::Error::custom(format!("not an interpreter tag: '{text}'")))
    }
}

/// What a benchmark group measures, with its fixed parameter.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Group {
    /// Sleeping tasks of one duration; value = task count.
    Sleep {
        /// How long each task sleeps.
        duration: Duration,
    },
    /// Hash tasks of one size; value = task count.
    Hash {
        /// Bytes per task.
        bytes: u64,
    },
    /// A fixed number of hash tasks; value = bytes per task (the break-even sweep).
    HashSize {
        /// Task count.
        tasks: usize,
    },
    /// Empty tasks; value = task count. Measures each strategy's own cost.
    Overhead,
    /// A fixed number of hash tasks on a swept worker count; value = workers (Amdahl fit).
    HashWorkers {
        /// Bytes per task.
        bytes: u64,
        /// Task count.
        tasks: usize,
    },
    /// Tasks that hash then wait, at a fixed total cost; value = waiting share in percent.
    Mixed {
        /// The total cost of one task (computing plus waiting).
        total: Duration,
        /// Task count.
        tasks: usize,
    },
    /// Many sleeping tasks (threads against async); value = task count.
    Waits {
        /// How long each task sleeps.
        duration: Duration,
    },
    /// Write, fsync, read back and hash a file; value = task count.
    File {
        /// Bytes per file.
        bytes: u64,
    },
    /// One request to a slow loopback server; value = task count.
    Net {
        /// How long the server waits before answering.
        duration: Duration,
    },
    /// CPython tasks that sleep (`time.sleep` / `asyncio.sleep`); value = task count.
    PySleep {
        /// How long each task sleeps.
        duration: Duration,
        /// The interpreter.
        on: PyTag,
    },
    /// CPython tasks that hash with `hashlib.sha256`; value = task count.
    PyHash {
        /// Bytes per task.
        bytes: u64,
        /// The interpreter.
        on: PyTag,
    },
    /// CPython tasks that run a pure-Python loop holding the GIL; value = task count.
    PyLoop {
        /// Loop steps per task.
        iterations: u64,
        /// The interpreter.
        on: PyTag,
    },
    /// Empty CPython tasks; value = task count. What starting a thread (or handing a task to
    /// a pool) costs on this interpreter, beside a task that does nothing.
    PyOverhead {
        /// The interpreter.
        on: PyTag,
    },
    /// Tasks that receive their input and do not hash it (`receive` workload); value = bytes
    /// per task. Measures what moving input to a worker process costs per byte.
    Receive {
        /// Task count.
        tasks: usize,
    },
    /// The primitive operations alone; function = a [`Primitive`], value = 1 (one operation)
    /// or the number of bare threads (`hash-threads`).
    Primitive,
}

impl Group {
    /// Parses a group name; `None` if it is not one of parbench's.
    pub fn parse(name: &str) -> Option<Group> {
        let duration = |s: &str| units::parse_duration("group", s).ok();
        let bytes = |s: &str| units::parse_bytes("group", s).ok();
        let tasks = |s: &str| {
            s.strip_prefix('n')?
                .parse::<usize>()
                .ok()
                .filter(|&n| n > 0)
        };
        if name == "overhead" {
            return Some(Group::Overhead);
        }
        if let Some(rest) = name.strip_prefix("py-") {
            let (rest, tag) = rest.rsplit_once('@')?;
            let on = PyTag::parse(tag)?;
            if rest == "overhead" {
                return Some(Group::PyOverhead { on });
            }
            let (kind, param) = rest.split_once('-')?;
            return match kind {
                "sleep" => Some(Group::PySleep {
                    duration: duration(param)?,
                    on,
                }),
                "hash" => Some(Group::PyHash {
                    bytes: bytes(param)?,
                    on,
                }),
                "loop" => Some(Group::PyLoop {
                    iterations: param.parse().ok().filter(|&n| n > 0)?,
                    on,
                }),
                _ => None,
            };
        }
        if name == "primitive" {
            return Some(Group::Primitive);
        }
        if let Some(rest) = name.strip_prefix("receive-") {
            return Some(Group::Receive {
                tasks: tasks(rest)?,
            });
        }
        if let Some(rest) = name.strip_prefix("hash-size-") {
            return Some(Group::HashSize {
                tasks: tasks(rest)?,
            });
        }
        if let Some(rest) = name.strip_prefix("hash-workers-") {
            let (b, n) = rest.rsplit_once('-')?;
            return Some(Group::HashWorkers {
                bytes: bytes(b)?,
                tasks: tasks(n)?,
            });
        }
        if let Some(rest) = name.strip_prefix("mixed-") {
            let (d, n) = rest.rsplit_once('-')?;
            return Some(Group::Mixed {
                total: duration(d)?,
                tasks: tasks(n)?,
            });
        }
        let (kind, param) = name.split_once('-')?;
        match kind {
            "sleep" => Some(Group::Sleep {
                duration: duration(param)?,
            }),
            "hash" => Some(Group::Hash {
                bytes: bytes(param)?,
            }),
            "waits" => Some(Group::Waits {
                duration: duration(param)?,
            }),
            "file" => Some(Group::File {
                bytes: bytes(param)?,
            }),
            "net" => Some(Group::Net {
                duration: duration(param)?,
            }),
            _ => None,
        }
    }

    /// The interpreter of a `py-*` group; `None` for parbench's own (Rust) groups.
    pub fn python(&self) -> Option<PyTag> {
        match *self {
            Group::PySleep { on, .. }
            | Group::PyHash { on, .. }
            | Group::PyLoop { on, .. }
            | Group::PyOverhead { on } => Some(on),
            _ => None,
        }
    }

    /// What the value part of this group's IDs counts, for axis labels.
    pub fn value_meaning(&self) -> &'static str {
        match self {
            Group::HashSize { .. } | Group::Receive { .. } => "bytes per task",
            Group::HashWorkers { .. } => "workers",
            Group::Mixed { .. } => "waiting share (%)",
            Group::Primitive => "operations or bare threads",
            _ => "tasks",
        }
    }
}

impl fmt::Display for Group {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let d = |d: &Duration| units::duration_label(*d);
        let b = |b: &u64| units::bytes_label(*b);
        match self {
            Group::Sleep { duration } => write!(f, "sleep-{}", d(duration)),
            Group::Hash { bytes } => write!(f, "hash-{}", b(bytes)),
            Group::HashSize { tasks } => write!(f, "hash-size-n{tasks}"),
            Group::Overhead => write!(f, "overhead"),
            Group::HashWorkers { bytes, tasks } => write!(f, "hash-workers-{}-n{tasks}", b(bytes)),
            Group::Mixed { total, tasks } => write!(f, "mixed-{}-n{tasks}", d(total)),
            Group::Waits { duration } => write!(f, "waits-{}", d(duration)),
            Group::File { bytes } => write!(f, "file-{}", b(bytes)),
            Group::Net { duration } => write!(f, "net-{}", d(duration)),
            Group::PySleep { duration, on } => write!(f, "py-sleep-{}@{on}", d(duration)),
            Group::PyHash { bytes, on } => write!(f, "py-hash-{}@{on}", b(bytes)),
            Group::PyLoop { iterations, on } => write!(f, "py-loop-{iterations}@{on}"),
            Group::PyOverhead { on } => write!(f, "py-overhead@{on}"),
            Group::Receive { tasks } => write!(f, "receive-n{tasks}"),
            Group::Primitive => write!(f, "primitive"),
        }
    }
}

/// One benchmark's full ID: `group/strategy/value`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct BenchId {
    /// The group, parsed.
    pub group: Group,
    /// The function: a strategy, a bench-only variant or a CPython strategy.
    pub function: BenchFunction,
    /// The swept parameter (task count, bytes, workers or percent).
    pub value: u64,
}

impl BenchId {
    /// Builds an ID.
    pub fn new(group: Group, function: BenchFunction, value: u64) -> Self {
        BenchId {
            group,
            function,
            value,
        }
    }

    /// Parses Criterion's parts (`group_id`, `function_id`, `value_str`); `None` if any part is
    /// not of parbench's scheme (a primitive outside the `primitive` group, or a strategy in
    /// it, included).
    pub fn from_parts(group: &str, function: Option<&str>, value: Option<&str>) -> Option<Self> {
        let group = Group::parse(group)?;
        let function = BenchFunction::parse(function?)?;
        if (group == Group::Primitive) != function.primitive().is_some() {
            return None;
        }
        Some(BenchId {
            group,
            function,
            value: value?.parse().ok()?,
        })
    }

    /// Parses a full ID such as `sleep-10ms/threads/64`.
    pub fn parse(full: &str) -> Option<Self> {
        let mut parts = full.splitn(3, '/');
        Self::from_parts(parts.next()?, parts.next(), parts.next())
    }
}

impl fmt::Display for BenchId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}/{}", self.group, self.function, self.value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_group_round_trips() {
        let groups = [
            Group::Sleep {
                duration: Duration::from_millis(10),
            },
            Group::Hash { bytes: 1 << 20 },
            Group::HashSize { tasks: 4 },
            Group::Overhead,
            Group::HashWorkers {
                bytes: 1 << 20,
                tasks: 16,
            },
            Group::Mixed {
                total: Duration::from_millis(20),
                tasks: 8,
            },
            Group::Waits {
                duration: Duration::from_millis(50),
            },
            Group::File { bytes: 64 * 1024 },
            Group::Net {
                duration: Duration::from_millis(10),
            },
            Group::PySleep {
                duration: Duration::from_millis(10),
                on: PyTag::parse("3.11").unwrap(),
            },
            Group::PyHash {
                bytes: 1 << 20,
                on: PyTag::parse("3.13t").unwrap(),
            },
            Group::PyLoop {
                iterations: 5_000,
                on: PyTag::parse("3.13t-gil").unwrap(),
            },
            Group::PyOverhead {
                on: PyTag::parse("3.14t").unwrap(),
            },
            Group::Receive { tasks: 2 },
            Group::Primitive,
        ];
        for group in groups {
            let name = group.to_string();
            assert_eq!(Group::parse(&name), Some(group), "{name}");
        }
    }

    #[test]
    fn documented_examples_parse() {
        let id = BenchId::parse("sleep-10ms/threads/64").unwrap();
        assert_eq!(
            id.group,
            Group::Sleep {
                duration: Duration::from_millis(10)
            }
        );
        assert_eq!((id.function, id.value), (BenchFunction::Threads, 64));
        assert_eq!(id.to_string(), "sleep-10ms/threads/64");
        let id = BenchId::parse("hash-size-n4/processes/65536").unwrap();
        assert_eq!(id.group, Group::HashSize { tasks: 4 });
        assert_eq!(
            BenchId::parse("hash-1MiB/rayon/8").unwrap().group,
            Group::Hash { bytes: 1 << 20 }
        );
        let id = BenchId::parse("primitive/hash-threads/2").unwrap();
        assert_eq!(id.group, Group::Primitive);
        assert_eq!(id.function.primitive(), Some(Primitive::HashThreads));
        assert_eq!(id.to_string(), "primitive/hash-threads/2");
        for primitive in Primitive::ALL {
            assert_eq!(Primitive::parse(primitive.name()), Some(*primitive));
            assert!(BenchFunction::ALL.contains(&BenchFunction::Primitive(*primitive)));
        }
    }

    #[test]
    fn every_function_round_trips_in_report_order() {
        for (i, f) in BenchFunction::ALL.iter().enumerate() {
            assert_eq!(BenchFunction::parse(f.name()), Some(*f));
            if i > 0 {
                assert!(
                    BenchFunction::ALL[i - 1] < *f,
                    "ALL is in declaration order"
                );
            }
        }
        for kind in StrategyKind::ALL {
            assert_eq!(BenchFunction::from(*kind).strategy(), Some(*kind));
        }
    }

    #[test]
    fn python_ids_name_their_interpreter() {
        let id = BenchId::parse("py-loop-50000@3.13t/threads/8").unwrap();
        let on = id.group.python().unwrap();
        assert_eq!(
            (on.major, on.minor, on.build),
            (3, 13, PyBuild::FreeThreaded)
        );
        assert_eq!(id.to_string(), "py-loop-50000@3.13t/threads/8");
        let forced = PyTag::parse("3.13t-gil").unwrap();
        assert_eq!(forced.build, PyBuild::FreeThreadedGilOn);
        assert_eq!(forced.to_string(), "3.13t-gil");
        assert_eq!(PyTag::parse("3.11").unwrap().build, PyBuild::Gil);
        let json = serde_json::to_string(&forced).unwrap();
        assert_eq!(json, "\"3.13t-gil\"");
        assert_eq!(serde_json::from_str::<PyTag>(&json).unwrap(), forced);
        assert!(serde_json::from_str::<PyTag>("\"x\"").is_err());
        assert_eq!(
            BenchId::parse("py-overhead@3.11/threads/2").unwrap().group,
            Group::PyOverhead {
                on: PyTag::parse("3.11").unwrap()
            }
        );
        assert_eq!(Group::Hash { bytes: 1 }.python(), None);
    }

    #[test]
    fn foreign_ids_are_rejected() {
        for bad in [
            "fib/20",
            "sleep-soon/threads/1",
            "hash-1MiB/rayon/many",
            "hash-size-nx/a/1",
            "other-1/a/1",
            "hash-1MiB/thraeds/8",
            "py-loop-0@3.11/threads/8",
            "py-loop-many@3.11/threads/8",
            "py-spin-1@3.11/threads/8",
            "py-loop-10@/threads/8",
            "py-loop-10@3/threads/8",
            "py-loop-10@3.13x/threads/8",
            "py-loop-10@3.13t-gilt/threads/8",
            "py-overhead/threads/8",
            "primitive/threads/1",
            "overhead/thread-spawn/1",
        ] {
            assert_eq!(BenchId::parse(bad), None, "{bad}");
        }
    }
}
