//! Workloads: what one task does.
//!
//! A [`Workload`] names the kind of task and its parameters; a [`TaskSet`] is N tasks of one
//! workload with their inputs built, ready for a strategy to run. Every task returns a
//! [`TaskOutput`] that proves it ran (its index for `sleep`, its digest for `hash`), so any
//! two strategies can be compared output by output. Workloads that touch the system (`file`,
//! `net`) get what they need from the [`TaskContext`] their [`TaskSet`] set up.

mod file;
mod hash;
mod mixed;
mod net;
mod noop;
mod receive;
mod sleep;

use std::fmt;
use std::future::Future;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};
use crate::units;

pub use hash::task_input;
pub use mixed::hashing_rate;
pub use net::{LoopbackServer, MAX_CONNECTIONS, REQUEST_TIMEOUT};

/// What one task does, with its parameters.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Workload {
    /// Does nothing and returns its index: measures a strategy's own overhead.
    Noop,
    /// Blocks the calling thread for `duration`: the lesson's stand-in for waiting on I/O.
    Sleep {
        /// How long each task sleeps.
        duration: Duration,
    },
    /// SHA-256 over `bytes` bytes of the task's input: CPU-bound work.
    Hash {
        /// How many bytes each task hashes.
        bytes: u64,
    },
    /// Hashes `bytes` bytes, then waits `duration`: computing and waiting in one task.
    Mixed {
        /// How many bytes each task hashes first.
        bytes: u64,
        /// How long each task then waits.
        duration: Duration,
    },
    /// Writes `bytes` bytes to a fresh file, fsyncs, reads them back and hashes them.
    File {
        /// How many bytes each task writes.
        bytes: u64,
    },
    /// One request to a loopback server that answers after `duration`.
    Net {
        /// How long the server waits before it answers.
        duration: Duration,
    },
    /// Receives `bytes` bytes of input and only counts them: the cost of moving input.
    Receive {
        /// How many bytes each task receives.
        bytes: u64,
    },
}

/// The kinds of workload, by the name the CLI (`--workload`, listed by clap) and the report use.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, clap::ValueEnum)]
pub enum WorkloadKind {
    /// Each task sleeps `--duration`: the lesson's stand-in for waiting on I/O.
    Sleep,
    /// Each task hashes `--bytes` bytes with SHA-256: computing.
    Hash,
    /// Each task does nothing: the strategy's own cost.
    Noop,
    /// Each task hashes `--bytes`, then waits `--duration`.
    Mixed,
    /// Each task writes, fsyncs, reads back and hashes a `--bytes` file.
    File,
    /// Each task sends one request to a loopback server that answers after `--duration`.
    Net,
    /// Each task receives `--bytes` of input and does not hash it: the cost of moving input.
    Receive,
}

impl WorkloadKind {
    /// The name on the command line.
    pub fn name(self) -> &'static str {
        match self {
            WorkloadKind::Sleep => "sleep",
            WorkloadKind::Hash => "hash",
            WorkloadKind::Noop => "noop",
            WorkloadKind::Mixed => "mixed",
            WorkloadKind::File => "file",
            WorkloadKind::Net => "net",
            WorkloadKind::Receive => "receive",
        }
    }

    /// Finds a workload kind by name; an unknown name is an error listing the known ones.
    pub fn from_name(name: &str) -> Result<Self> {
        units::from_value_name("workload", name)
    }
}

impl Workload {
    /// Builds a workload of `kind` from the `--duration` / `--bytes` values.
    ///
    /// Missing parameters take the defaults `10ms` and `1MiB`.
    pub fn new(kind: WorkloadKind, duration: Option<Duration>, bytes: Option<u64>) -> Result<Self> {
        let duration =
            units::check_duration("--duration", duration.unwrap_or(Duration::from_millis(10)))?;
        let bytes = units::check_bytes("--bytes", bytes.unwrap_or(1 << 20))?;
        Ok(match kind {
            WorkloadKind::Sleep => Workload::Sleep { duration },
            WorkloadKind::Hash => Workload::Hash { bytes },
            WorkloadKind::Noop => Workload::Noop,
            WorkloadKind::Mixed => Workload::Mixed { bytes, duration },
            WorkloadKind::File => Workload::File { bytes },
            WorkloadKind::Net => Workload::Net { duration },
            WorkloadKind::Receive => Workload::Receive { bytes },
        })
    }

    /// Builds a workload from its CLI name; see [`Workload::new`].
    pub fn from_name(name: &str, duration: Option<Duration>, bytes: Option<u64>) -> Result<Self> {
        Self::new(WorkloadKind::from_name(name)?, duration, bytes)
    }

    /// Which kind of workload this is.
    pub fn kind(&self) -> WorkloadKind {
        match self {
            Workload::Noop => WorkloadKind::Noop,
            Workload::Sleep { .. } => WorkloadKind::Sleep,
            Workload::Hash { .. } => WorkloadKind::Hash,
            Workload::Mixed { .. } => WorkloadKind::Mixed,
            Workload::File { .. } => WorkloadKind::File,
            Workload::Net { .. } => WorkloadKind::Net,
            Workload::Receive { .. } => WorkloadKind::Receive,
        }
    }

    /// The workload's short name: `sleep`, `hash`, `noop`, `mixed`, `file`, `net`, `receive`.
    pub fn name(&self) -> &'static str {
        self.kind().name()
    }

    /// How many input bytes each task carries (zero for workloads without input).
    pub fn input_bytes(&self) -> u64 {
        match self {
            Workload::Hash { bytes }
            | Workload::Mixed { bytes, .. }
            | Workload::File { bytes }
            | Workload::Receive { bytes } => *bytes,
            Workload::Noop | Workload::Sleep { .. } | Workload::Net { .. } => 0,
        }
    }

    /// Runs task `index` with `input` in `context`, passing its compute and wait phases
    /// through `gate`.
    pub fn run_task<G: Gate>(
        &self,
        index: usize,
        input: &[u8],
        context: &TaskContext,
        gate: &mut G,
    ) -> Result<TaskOutput> {
        match self {
            Workload::Noop => Ok(noop::run(index)),
            Workload::Sleep { duration } => Ok(sleep::run(index, *duration, gate)),
            Workload::Hash { .. } => Ok(hash::run(input, gate)),
            Workload::Mixed { duration, .. } => Ok(mixed::run(input, *duration, gate)),
            Workload::File { .. } => file::run(input, context.scratch_dir()?, gate),
            Workload::Net { duration } => net::run(index, context.server()?, *duration, gate),
            Workload::Receive { .. } => Ok(gate.compute(|| receive::run(input))),
        }
    }

    /// Runs task `index` with `input` as one task of an async event loop.
    ///
    /// Waits are awaited (`tokio::time::sleep`) and free the loop; computing runs inline and
    /// blocks it, as CPU-bound code does in Python's `asyncio`.
    pub async fn run_task_async(
        &self,
        index: usize,
        input: &[u8],
        context: &TaskContext,
    ) -> Result<TaskOutput> {
        match self {
            Workload::Noop => Ok(noop::run(index)),
            Workload::Sleep { duration } => Ok(sleep::run_async(index, *duration).await),
            Workload::Hash { .. } => Ok(hash::run(input, &mut NoGate)),
            Workload::Mixed { duration, .. } => Ok(mixed::run_async(input, *duration).await),
            Workload::File { .. } => file::run_async(index, input, context.scratch_dir()?).await,
            Workload::Net { duration } => net::run_async(index, context.server()?, *duration).await,
            Workload::Receive { .. } => Ok(receive::run(input)),
        }
    }

    /// The output task `index` must produce, computed on the calling thread without waiting.
    ///
    /// Waiting does not change an output, so this is the sequential computation with the
    /// waits left out: the reference every strategy's outputs are checked against.
    pub fn expected_output(&self, index: usize, input: &[u8]) -> TaskOutput {
        match self {
            Workload::Noop | Workload::Sleep { .. } => noop::run(index),
            Workload::Hash { .. } | Workload::Mixed { .. } | Workload::File { .. } => {
                hash::run(input, &mut NoGate)
            }
            Workload::Net { .. } => net::expected(index),
            Workload::Receive { .. } => receive::run(input),
        }
    }
}

impl fmt::Display for Workload {
    /// The workload with its parameter, as used in benchmark group names: `sleep-10ms`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Workload::Noop => write!(f, "noop"),
            Workload::Sleep { duration } => {
                write!(f, "sleep-{}", units::duration_label(*duration))
            }
            Workload::Hash { bytes } => write!(f, "hash-{}", units::bytes_label(*bytes)),
            Workload::File { bytes } => write!(f, "file-{}", units::bytes_label(*bytes)),
            Workload::Net { duration } => write!(f, "net-{}", units::duration_label(*duration)),
            Workload::Receive { bytes } => write!(f, "receive-{}", units::bytes_label(*bytes)),
            Workload::Mixed { bytes, duration } => write!(
                f,
                "mixed-{}-{}",
                units::bytes_label(*bytes),
                units::duration_label(*duration)
            ),
        }
    }
}

/// The hook through which a task enters its compute and wait phases.
///
/// Strategies without a global lock use [`NoGate`]; the simulated GIL holds its lock in
/// `compute` and releases it in `wait`. Compute phases come in small slices (a 64 KiB chunk
/// of hashing), so a gate can hand over between them.
pub trait Gate {
    /// Runs one slice of computation.
    fn compute<R>(&mut self, work: impl FnOnce() -> R) -> R {
        work()
    }
    /// Runs one blocking wait.
    fn wait<R>(&mut self, wait: impl FnOnce() -> R) -> R {
        wait()
    }
}

/// The gate of every strategy that lets tasks compute in parallel: it only runs the phases.
#[derive(Debug, Default, Clone, Copy)]
pub struct NoGate;

impl Gate for NoGate {}

/// What a task returns: proof that it ran and what it computed.
#[derive(Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct TaskOutput(Vec<u8>);

impl TaskOutput {
    /// Wraps raw output bytes.
    pub fn new(bytes: Vec<u8>) -> Self {
        TaskOutput(bytes)
    }
    /// The output's bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }
}

impl fmt::Debug for TaskOutput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "TaskOutput({})", hex(&self.0))
    }
}

/// Lower-case hexadecimal of `bytes`.
pub fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes
        .iter()
        .fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
}

/// A run's combined digest: SHA-256 over the task outputs in task order, in hex.
pub fn run_digest(outputs: &[TaskOutput]) -> String {
    let mut hasher = Sha256::new();
    for output in outputs {
        hasher.update(output.as_bytes());
    }
    hex(&hasher.finalize())
}

/// What a task needs from its run besides its input: where to write files, whom to call.
///
/// It travels to worker processes in the request header, so it holds plain paths and
/// addresses; the [`TaskSet`] owns the directory and server they point to.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaskContext {
    /// The run's scratch directory (the `file` workload).
    pub scratch_dir: Option<PathBuf>,
    /// The run's loopback server (the `net` workload).
    pub server: Option<SocketAddr>,
}

impl TaskContext {
    fn scratch_dir(&self) -> Result<&Path> {
        self.scratch_dir
            .as_deref()
            .ok_or(Error::MissingTaskContext {
                workload: "file",
                needs: "a scratch directory",
            })
    }

    fn server(&self) -> Result<SocketAddr> {
        self.server.ok_or(Error::MissingTaskContext {
            workload: "net",
            needs: "a loopback server",
        })
    }
}

/// N tasks of one workload with their inputs built, ready for a strategy to run.
///
/// Building the inputs happens here, before any clock starts, and so does setting up what the
/// workload needs: a scratch directory for `file` (in `TMPDIR`), a loopback server for `net`.
/// Dropping the set removes the directory and shuts the server down.
#[derive(Debug)]
pub struct TaskSet {
    workload: Workload,
    /// Shared so that async tasks, which must own what they use, can hold them cheaply.
    inputs: Arc<[Vec<u8>]>,
    context: Arc<TaskContext>,
    scratch: Option<file::ScratchDir>,
    server: Option<LoopbackServer>,
}

impl TaskSet {
    /// Builds `tasks` tasks of `workload`, checking the count and the total input size.
    pub fn new(workload: Workload, tasks: usize) -> Result<Self> {
        units::check_count("--tasks", tasks, units::MAX_TASKS)?;
        let total = workload.input_bytes().saturating_mul(tasks as u64);
        if total > units::MAX_TOTAL_BYTES {
            return Err(Error::invalid(
                "--bytes",
                format!(
                    "times --tasks must be at most 4GiB of input in all, got {} x {tasks} = {}",
                    units::bytes_label(workload.input_bytes()),
                    units::bytes_label(total)
                ),
            ));
        }
        let bytes = workload.input_bytes() as usize;
        let scratch = match workload {
            Workload::File { .. } => Some(file::ScratchDir::new(scratch_dir()?)),
            _ => None,
        };
        let server = match workload {
            Workload::Net { duration } => Some(LoopbackServer::start(duration)?),
            _ => None,
        };
        let context = Arc::new(TaskContext {
            scratch_dir: scratch.as_ref().map(|dir| dir.path().to_path_buf()),
            server: server.as_ref().map(LoopbackServer::addr),
        });
        let inputs = (0..tasks).map(|i| task_input(i, bytes)).collect();
        Ok(TaskSet {
            workload,
            inputs,
            context,
            scratch,
            server,
        })
    }

    /// The workload every task runs.
    pub fn workload(&self) -> &Workload {
        &self.workload
    }

    /// How many tasks there are.
    pub fn len(&self) -> usize {
        self.inputs.len()
    }

    /// Whether there are no tasks (never true for a set built by [`TaskSet::new`]).
    pub fn is_empty(&self) -> bool {
        self.inputs.is_empty()
    }

    /// The input of task `index`.
    pub fn input(&self, index: usize) -> &[u8] {
        &self.inputs[index]
    }

    /// What the tasks need from the run: scratch directory, server address.
    pub fn context(&self) -> &TaskContext {
        &self.context
    }

    /// The scratch directory of a `file` set (removed when the set is dropped).
    pub fn scratch_dir(&self) -> Option<&Path> {
        self.scratch.as_ref().map(|dir| dir.path())
    }

    /// The address of a `net` set's loopback server (shut down when the set is dropped).
    pub fn server_addr(&self) -> Option<SocketAddr> {
        self.server.as_ref().map(LoopbackServer::addr)
    }

    /// Runs task `index` on the calling thread through `gate`.
    pub fn run_one<G: Gate>(&self, index: usize, gate: &mut G) -> Result<TaskOutput> {
        self.workload
            .run_task(index, self.input(index), &self.context, gate)
    }

    /// Task `index` as an owned future, for async runtimes that spawn `'static` tasks.
    pub fn task_future(
        &self,
        index: usize,
    ) -> impl Future<Output = Result<TaskOutput>> + Send + 'static {
        let workload = self.workload;
        let inputs = Arc::clone(&self.inputs);
        let context = Arc::clone(&self.context);
        async move {
            workload
                .run_task_async(index, &inputs[index], &context)
                .await
        }
    }

    /// The outputs every strategy must return, computed sequentially without the waits.
    pub fn expected_outputs(&self) -> Vec<TaskOutput> {
        (0..self.len())
            .map(|i| self.workload.expected_output(i, self.input(i)))
            .collect()
    }

    /// Checks `outputs` of `strategy` against [`TaskSet::expected_outputs`].
    pub fn verify(&self, strategy: &str, outputs: &[TaskOutput]) -> Result<()> {
        let expected = self.expected_outputs();
        check_outputs(strategy, &expected, outputs)
    }
}

/// A fresh scratch directory in the system's temporary directory (`TMPDIR` if set).
fn scratch_dir() -> Result<tempfile::TempDir> {
    tempfile::Builder::new()
        .prefix("parbench-")
        .tempdir()
        .map_err(|source| Error::Io {
            action: "cannot create a scratch directory (set TMPDIR to a writable directory) in",
            path: std::env::temp_dir(),
            source,
        })
}

/// Compares a strategy's outputs with reference outputs, naming the first task that differs.
pub fn check_outputs(strategy: &str, expected: &[TaskOutput], actual: &[TaskOutput]) -> Result<()> {
    if let Some(task) =
        (0..expected.len().max(actual.len())).find(|&i| expected.get(i) != actual.get(i))
    {
        return Err(Error::Mismatch {
            strategy: strategy.to_string(),
            task,
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_task_without_its_context_is_a_typed_error() {
        for (workload, needs) in [
            (Workload::File { bytes: 16 }, "a scratch directory"),
            (
                Workload::Net {
                    duration: Duration::from_millis(1),
                },
                "a loopback server",
            ),
        ] {
            let err = workload
                .run_task(0, &[0; 16], &TaskContext::default(), &mut NoGate)
                .unwrap_err();
            assert!(
                matches!(err, Error::MissingTaskContext { needs: n, .. } if n == needs),
                "{workload}: {err}"
            );
        }
    }

    #[test]
    fn names_and_defaults() {
        let w = Workload::from_name("sleep", None, None).unwrap();
        assert_eq!(
            w,
            Workload::Sleep {
                duration: Duration::from_millis(10)
            }
        );
        assert_eq!(w.to_string(), "sleep-10ms");
        let h = Workload::from_name("hash", None, Some(64 * 1024)).unwrap();
        assert_eq!(h.to_string(), "hash-64KiB");
        let m = Workload::from_name("mixed", Some(Duration::from_millis(20)), Some(1 << 20));
        assert_eq!(m.unwrap().to_string(), "mixed-1MiB-20ms");
        let f = Workload::from_name("file", None, Some(64 * 1024)).unwrap();
        assert_eq!(f.to_string(), "file-64KiB");
        assert_eq!(
            Workload::from_name("net", None, None).unwrap().to_string(),
            "net-10ms"
        );
        let err = Workload::from_name("spin", None, None)
            .unwrap_err()
            .to_string();
        assert_eq!(
            err,
            "unknown workload 'spin': expected one of sleep, hash, noop, mixed, file, net, receive"
        );
    }

    #[test]
    fn task_set_rejects_zero_tasks_and_huge_totals() {
        let h = Workload::Hash { bytes: 1 << 30 };
        assert!(
            TaskSet::new(h, 0)
                .unwrap_err()
                .to_string()
                .starts_with("--tasks")
        );
        let err = TaskSet::new(h, 5).unwrap_err().to_string();
        assert!(err.starts_with("--bytes"), "{err}");
    }

    #[test]
    fn outputs_identify_tasks() {
        let set = TaskSet::new(Workload::Hash { bytes: 1000 }, 3).unwrap();
        let out = set.expected_outputs();
        assert_eq!(out.len(), 3);
        assert_ne!(out[0], out[1], "different inputs give different digests");
        let sleeps = TaskSet::new(
            Workload::Sleep {
                duration: Duration::from_millis(1),
            },
            2,
        )
        .unwrap();
        assert_ne!(sleeps.expected_outputs()[0], sleeps.expected_outputs()[1]);
    }

    #[test]
    fn check_outputs_names_first_difference() {
        let a = vec![TaskOutput::new(vec![1]), TaskOutput::new(vec![2])];
        let b = vec![TaskOutput::new(vec![1]), TaskOutput::new(vec![3])];
        assert!(check_outputs("x", &a, &a).is_ok());
        let err = check_outputs("threads", &a, &b).unwrap_err().to_string();
        assert!(err.contains("threads") && err.contains("task 1"), "{err}");
        assert!(
            check_outputs("x", &a, &a[..1]).is_err(),
            "a missing output is a mismatch"
        );
    }

    #[test]
    fn run_digest_depends_on_order() {
        let a = TaskOutput::new(vec![1]);
        let b = TaskOutput::new(vec![2]);
        assert_ne!(run_digest(&[a.clone(), b.clone()]), run_digest(&[b, a]));
    }
}
