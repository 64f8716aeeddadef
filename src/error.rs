//! The one error type of the library.
//!
//! Every variant names what was wrong (the flag, the task, the file) and, where it helps, what
//! to do about it, so the CLI can print it as a single line.

use std::net::SocketAddr;
use std::path::PathBuf;

/// Everything that can go wrong while parsing input, running tasks or reading results.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A command-line value or library argument outside what parbench accepts.
    #[error("{flag} {message}")]
    InvalidInput {
        /// The flag or parameter that was wrong, e.g. `--tasks`.
        flag: &'static str,
        /// What was wrong and what is accepted.
        message: String,
    },

    /// A name (workload, strategy, profile) that parbench does not know.
    #[error("unknown {what} '{given}': expected one of {expected}")]
    UnknownName {
        /// What kind of name it was, e.g. `strategy`.
        what: &'static str,
        /// The name that was given.
        given: String,
        /// The accepted names, comma-separated.
        expected: String,
    },

    /// A task ran without what its workload needs (a scratch directory, a loopback server),
    /// because its context was not built by `TaskSet::new`.
    #[error("the {workload} workload needs {needs}; build its tasks with TaskSet::new")]
    MissingTaskContext {
        /// The workload's name, e.g. `file`.
        workload: &'static str,
        /// What it needs, e.g. `a scratch directory`.
        needs: &'static str,
    },

    /// A process strategy was built without a worker program to run.
    #[error(
        "the {strategy} strategy needs a worker program; set one with StrategyConfig::worker_command"
    )]
    MissingWorkerCommand {
        /// The strategy's name, e.g. `processes`.
        strategy: &'static str,
    },

    /// A process pool was used again after it lost a worker.
    #[error("the process pool lost a worker in an earlier run; spawn a new pool")]
    PoolBroken,

    /// A worker process could not be started.
    #[error("could not start worker process '{program}': {source}")]
    WorkerSpawn {
        /// The program that was run as the worker.
        program: PathBuf,
        /// Why the operating system refused.
        source: std::io::Error,
    },

    /// A worker process died or stopped answering while it had a task.
    #[error("worker process {pid} died while running task {task}: {status}")]
    WorkerDied {
        /// The index of the task the worker was running.
        task: usize,
        /// The worker's process id.
        pid: u32,
        /// How it ended, e.g. `killed by signal 9 (SIGKILL)` or `exit status 3`.
        status: String,
    },

    /// A worker process answered with something that is not a valid reply.
    #[error("worker process {pid} sent an invalid reply for task {task}: {detail}")]
    WorkerProtocol {
        /// The index of the task the reply was for.
        task: usize,
        /// The worker's process id.
        pid: u32,
        /// What was wrong with the reply.
        detail: String,
    },

    /// A task itself failed (in-process or reported by a worker).
    #[error("task {task} failed: {detail}")]
    TaskFailed {
        /// The index of the task.
        task: usize,
        /// What went wrong.
        detail: String,
    },

    /// A strategy's outputs differ from the sequential reference.
    #[error(
        "verification failed: {strategy} gave a different output than sequential for task {task}"
    )]
    Mismatch {
        /// The strategy whose output was wrong.
        strategy: String,
        /// The first task whose output differs.
        task: usize,
    },

    /// An I/O operation on a named file or directory failed.
    #[error("{action} '{path}': {source}")]
    Io {
        /// What parbench was doing, e.g. `cannot read`.
        action: &'static str,
        /// The file or directory concerned.
        path: PathBuf,
        /// The operating system's reason.
        source: std::io::Error,
    },

    /// An I/O operation with no file to name (sockets, pipes, runtimes).
    #[error("{action}: {source}")]
    System {
        /// What parbench was doing, e.g. `cannot start the loopback server`.
        action: &'static str,
        /// The operating system's reason.
        source: std::io::Error,
    },

    /// The loopback server of the `net` workload could not listen on its address.
    #[error("cannot start the loopback server on {addr}: {source}")]
    Bind {
        /// The address it tried to bind.
        addr: SocketAddr,
        /// The operating system's reason.
        source: std::io::Error,
    },

    /// Saved benchmark data (Criterion's JSON) is missing or cannot be understood.
    #[error("benchmark data '{path}' is unusable: {detail}")]
    BadData {
        /// The file concerned.
        path: PathBuf,
        /// What was wrong with it.
        detail: String,
    },

    /// The answer could not be written to standard output (a full disk, a closed pipe).
    ///
    /// A closed pipe (`std::io::ErrorKind::BrokenPipe`) is not a failure of parbench: the CLI
    /// ends quietly on it, as Unix tools do; see [`Error::is_closed_output`].
    #[error("cannot write {what} to standard output: {source}")]
    Output {
        /// What was being written, e.g. `the run's report`.
        what: &'static str,
        /// The operating system's reason.
        source: std::io::Error,
    },

    /// A strategy that starts one thread per task was asked for more threads than this
    /// machine lets one process start.
    #[error(
        "--tasks {tasks} is more than the {strategy} strategy can run here: it starts one thread \
         per task, and this machine allows at most {limit} threads at once ({why}); lower \
         --tasks{hint}"
    )]
    TooManyThreads {
        /// The strategy's name, e.g. `threads`.
        strategy: &'static str,
        /// How many tasks (and so threads) were asked for.
        tasks: usize,
        /// How many threads the machine allows at most.
        limit: usize,
        /// Which limit of the machine says so.
        why: String,
        /// Another way to run the tasks, e.g. `, or give --workers N`.
        hint: &'static str,
    },

    /// A run whose estimated length is beyond what parbench starts without being asked.
    #[error(
        "this run would take at least {estimate} ({detail}); pass --yes to start it anyway, or \
         lower {lower}"
    )]
    TooLong {
        /// The estimate, e.g. `1.07 years`.
        estimate: String,
        /// How it was estimated, e.g. `100000 tasks one after another, each waiting 10min`.
        detail: String,
        /// The flags that shorten the run, e.g. `--tasks, --runs, --warmup or --duration`.
        lower: String,
    },

    /// Two summaries that cannot be compared with each other.
    #[error("cannot compare '{a}' with '{b}': {why}")]
    Incomparable {
        /// The first summary.
        a: PathBuf,
        /// The second summary.
        b: PathBuf,
        /// Why not, and what to do.
        why: String,
    },

    /// The Python interpreter under test could not be started or measured.
    #[error(transparent)]
    Python(#[from] crate::python::error::PythonError),
}

/// The library's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// Shorthand for [`Error::InvalidInput`].
    pub fn invalid(flag: &'static str, message: impl Into<String>) -> Self {
        Error::InvalidInput {
            flag,
            message: message.into(),
        }
    }

    /// Whether this is a write to a closed standard output (a reader that went away, as in
    /// `parbench machine | head -1`): the CLI then ends quietly with status 0, as ripgrep does.
    pub fn is_closed_output(&self) -> bool {
        matches!(self, Error::Output { source, .. } if source.kind() == std::io::ErrorKind::BrokenPipe)
    }

    /// Shorthand for [`Error::Io`]: `action` failed on `path`.
    pub fn io(action: &'static str, path: &std::path::Path, source: std::io::Error) -> Self {
        Error::Io {
            action,
            path: path.to_path_buf(),
            source,
        }
    }
}
