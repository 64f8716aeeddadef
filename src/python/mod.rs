//! CPython, measured: parbench's tasks on the real interpreter's threads, pools and asyncio.
//!
//! parbench reproduces Python's lesson with a simulated GIL; this module measures the lesson's
//! own world. A [`PythonDriver`] runs `python/driver.py` on each interpreter of the run
//! ([`interpreters_from_env`]: the ones `PARBENCH_PYTHON` lists, else `python3` and a
//! free-threaded build found on `PATH` or in parbench's cache; [`start_all`] adds each
//! free-threaded build a second time with its GIL forced on) and times [`PyScenario`]s inside
//! Python: `sleep`
//! (`time.sleep` / `asyncio.sleep`), `hash` (`hashlib.sha256` over parbench's own inputs) and
//! `loop` (pure-Python computing that holds the GIL), on the [`CPYTHON_STRATEGIES`]. Every
//! output is checked against parbench's own Rust computation. [`PythonRecord`] keeps what the
//! `python` bench learnt about the interpreter (or why it measured nothing) beside Criterion's
//! data.

mod driver;
pub(crate) mod error;
pub mod pairs;
mod record;
mod session;

use std::ffi::OsString;
use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::bench_id::{BenchFunction, BenchId, Group};
use crate::error::{Error, Result};
use crate::workload::{TaskOutput, TaskSet, Workload, hex, run_digest};

pub use driver::{
    DRIVER_SOURCE, HELLO_TIMEOUT, HELLO_TIMEOUT_CHECK, InterpreterInfo, MIN_VERSION,
    PROTOCOL_VERSION, PythonDriver, RunReply,
};
pub use error::{Interpreter, Origin, PYTHON_VAR, PythonError};
pub use record::{
    BuildRecord, FailedInterpreter, InterpreterRecord, PYTHON_FILE, PythonRecord, SkippedStrategy,
};

pub use crate::bench_id::{PyBuild, PyTag};
pub use session::{Session, Slot};

/// The interpreter measured when [`PYTHON_VAR`] is unset: `python3`, looked up on `PATH`.
pub const DEFAULT_PROGRAM: &str = "python3";

/// Free-threaded builds looked for on `PATH` when [`PYTHON_VAR`] is unset, newest first.
pub const FREE_THREADED_PROGRAMS: &[&str] = &["python3.14t", "python3.13t"];

/// The script that finds or builds a free-threaded CPython into parbench's cache.
pub const FREE_THREADED_SCRIPT: &str = "scripts/free-threaded-python.sh";

/// The environment variable that moves parbench's cache directory (default
/// `$XDG_CACHE_HOME/parbench`, else `~/.cache/parbench`).
pub const CACHE_VAR: &str = "PARBENCH_CACHE";

/// The CPython strategies, in report order: one after another, a thread per task, a
/// `ThreadPoolExecutor`, `multiprocessing.Pool` started inside the timed run and a warm one,
/// one `asyncio` loop with computing inline, and `asyncio.to_thread` per task.
pub const CPYTHON_STRATEGIES: &[BenchFunction] = &[
    BenchFunction::Sequential,
    BenchFunction::Threads,
    BenchFunction::ThreadPool,
    BenchFunction::ProcessPool,
    BenchFunction::ProcessPoolWarm,
    BenchFunction::Asyncio,
    BenchFunction::AsyncioToThread,
];

/// Whether the interpreter's global interpreter lock is on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum GilStatus {
    /// One thread runs Python code at a time (every CPython before the free-threaded builds).
    Enabled,
    /// A free-threaded build running without the GIL (`sys._is_gil_enabled()` is false).
    Disabled,
}

impl GilStatus {
    /// `enabled` or `disabled`.
    pub fn name(self) -> &'static str {
        match self {
            GilStatus::Enabled => "enabled",
            GilStatus::Disabled => "disabled",
        }
    }
}

/// What one CPython task does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PyTask {
    /// `time.sleep(duration)` (`asyncio.sleep` in the asyncio strategies); returns its index.
    Sleep {
        /// How long each task sleeps.
        duration: Duration,
    },
    /// `hashlib.sha256` over parbench's input of task i (byte j is (i + j) mod 256).
    Hash {
        /// Bytes per task.
        bytes: u64,
    },
    /// A pure-Python loop holding the GIL: a 32-bit LCG stepped `iterations` times from the
    /// task's index ([`loop_result`]).
    Loop {
        /// Steps per task.
        iterations: u64,
    },
    /// A task that does nothing (a loop of no steps; returns its index): what remains is what
    /// the strategy costs per task, e.g. starting a thread.
    Empty,
}

impl PyTask {
    /// The benchmark group of this task on interpreter `on`: `py-sleep-10ms@3.11`,
    /// `py-hash-4MiB@3.13t`, `py-loop-50000@3.13t-gil`, `py-overhead@3.11`.
    pub fn group(&self, on: PyTag) -> Group {
        match *self {
            PyTask::Sleep { duration } => Group::PySleep { duration, on },
            PyTask::Hash { bytes } => Group::PyHash { bytes, on },
            PyTask::Loop { iterations } => Group::PyLoop { iterations, on },
            PyTask::Empty => Group::PyOverhead { on },
        }
    }

    /// The task as the driver protocol's `task` object.
    fn spec(&self) -> Value {
        match *self {
            PyTask::Sleep { duration } => {
                json!({"kind": "sleep", "nanos": duration.as_nanos() as u64})
            }
            PyTask::Hash { bytes } => json!({"kind": "hash", "bytes": bytes}),
            PyTask::Loop { iterations } => json!({"kind": "loop", "iterations": iterations}),
            PyTask::Empty => json!({"kind": "loop", "iterations": 0}),
        }
    }

    /// The outputs `tasks` tasks must give, computed by parbench itself in Rust: the index of
    /// a sleep task, the SHA-256 of a hash task's input, the loop's result.
    pub fn expected_outputs(&self, tasks: usize) -> Result<Vec<TaskOutput>> {
        Ok(match *self {
            PyTask::Sleep { duration } => {
                TaskSet::new(Workload::Sleep { duration }, tasks)?.expected_outputs()
            }
            PyTask::Hash { bytes } => {
                TaskSet::new(Workload::Hash { bytes }, tasks)?.expected_outputs()
            }
            PyTask::Loop { iterations } => (0..tasks).map(|i| loop_output(i, iterations)).collect(),
            PyTask::Empty => (0..tasks).map(|i| loop_output(i, 0)).collect(),
        })
    }
}

/// One CPython benchmark: an interpreter, a task, a strategy, a task count and the pools'
/// worker count.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PyScenario {
    /// The interpreter it runs on (its part of the benchmark ID).
    pub on: PyTag,
    /// What each task does.
    pub task: PyTask,
    /// How the tasks run: one of [`CPYTHON_STRATEGIES`].
    pub function: BenchFunction,
    /// How many tasks one run has.
    pub tasks: usize,
    /// Threads of the `ThreadPoolExecutor`, processes of the pools (ignored by the others).
    pub workers: usize,
}

impl PyScenario {
    /// A scenario; `function` must be one of [`CPYTHON_STRATEGIES`] and the counts positive.
    pub fn new(
        on: PyTag,
        task: PyTask,
        function: BenchFunction,
        tasks: usize,
        workers: usize,
    ) -> Result<Self> {
        if !CPYTHON_STRATEGIES.contains(&function) {
            return Err(Error::invalid(
                "strategy",
                format!("{function} is not a CPython strategy"),
            ));
        }
        crate::units::check_count("--tasks", tasks, crate::units::MAX_TASKS)?;
        crate::units::check_count("--workers", workers, crate::units::MAX_WORKERS)?;
        Ok(PyScenario {
            on,
            task,
            function,
            tasks,
            workers,
        })
    }

    /// The benchmark ID: `py-hash-4MiB@3.13t/thread-pool/8`.
    pub fn id(&self) -> BenchId {
        BenchId::new(self.task.group(self.on), self.function, self.tasks as u64)
    }

    /// Checks the driver's reply against `expected` (from [`PyTask::expected_outputs`]):
    /// the digest first, then each output. Returns the total time of the runs.
    pub fn check(&self, reply: &RunReply, expected: &[TaskOutput]) -> Result<Duration> {
        let mismatch = |task| Error::Mismatch {
            strategy: format!("CPython {} ({})", self.function, self.id()),
            task,
        };
        let wrong_output = (0..expected.len().max(reply.outputs.len())).find(|&i| {
            match (expected.get(i), reply.outputs.get(i)) {
                (Some(want), Some(got)) => hex(want.as_bytes()) != *got,
                _ => true,
            }
        });
        if let Some(task) = wrong_output {
            return Err(mismatch(task));
        }
        if reply.digest != run_digest(expected) {
            return Err(Error::TaskFailed {
                task: 0,
                detail: format!(
                    "{}: the driver's digest {} is not the digest of its outputs",
                    self.id(),
                    reply.digest
                ),
            });
        }
        Ok(reply.total())
    }
}

impl fmt::Display for PyScenario {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.id().fmt(f)
    }
}

/// Why `function` cannot run on the interpreter `info` describes, if it cannot.
pub fn unsupported(function: BenchFunction, info: &InterpreterInfo) -> Option<String> {
    let too_old = info.major_minor().is_some_and(|v| v < (3, 9));
    (function == BenchFunction::AsyncioToThread && too_old).then(|| {
        format!(
            "asyncio.to_thread needs Python 3.9 or newer; this is {}",
            info.version
        )
    })
}

/// The interpreters to measure, in order: see [`interpreters_from`].
pub fn interpreters_from_env() -> Vec<Interpreter> {
    let cached = cache_dir().map(|dir| cached_free_threaded(&dir));
    interpreters_from(
        std::env::var_os(PYTHON_VAR),
        std::env::var_os("PATH"),
        cached,
    )
}

/// The interpreters a value of [`PYTHON_VAR`] names: each entry of its `:`-separated list
/// (as `PATH` is written), in order; when it is unset or empty, [`DEFAULT_PROGRAM`] on `PATH`,
/// then the first of [`FREE_THREADED_PROGRAMS`] on `path`, else `cached` (the free-threaded
/// build [`FREE_THREADED_SCRIPT`] leaves in the cache) if that file exists.
pub fn interpreters_from(
    value: Option<OsString>,
    path: Option<OsString>,
    cached: Option<PathBuf>,
) -> Vec<Interpreter> {
    if let Some(list) = value.filter(|v| !v.is_empty()) {
        return std::env::split_paths(&list)
            .filter(|p| !p.as_os_str().is_empty())
            .map(|p| Interpreter::new(p, Origin::Env))
            .collect();
    }
    let mut interpreters = vec![Interpreter::new(DEFAULT_PROGRAM, Origin::Path)];
    let on_path = FREE_THREADED_PROGRAMS.iter().find(|name| {
        path.as_ref()
            .is_some_and(|p| std::env::split_paths(p).any(|dir| is_executable(&dir.join(name))))
    });
    match (on_path, cached) {
        (Some(name), _) => interpreters.push(Interpreter::new(*name, Origin::Path)),
        (None, Some(cached)) if is_executable(&cached) => {
            interpreters.push(Interpreter::new(cached, Origin::Cache))
        }
        _ => {}
    }
    interpreters
}

/// The interpreter a value of [`PYTHON_VAR`] names when it names one: the value if set and
/// not empty, else [`DEFAULT_PROGRAM`] on `PATH`.
pub fn interpreter_from(value: Option<OsString>) -> Interpreter {
    match value {
        Some(program) if !program.is_empty() => Interpreter::new(program, Origin::Env),
        _ => Interpreter::new(DEFAULT_PROGRAM, Origin::Path),
    }
}

fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

/// parbench's cache directory: [`CACHE_VAR`], else `$XDG_CACHE_HOME/parbench`, else
/// `~/.cache/parbench` (what [`FREE_THREADED_SCRIPT`] uses); `None` without a home.
pub fn cache_dir() -> Option<PathBuf> {
    let var = |name| {
        std::env::var_os(name)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    };
    var(CACHE_VAR)
        .or_else(|| var("XDG_CACHE_HOME").map(|d| d.join("parbench")))
        .or_else(|| var("HOME").map(|d| d.join(".cache").join("parbench")))
}

/// Where [`FREE_THREADED_SCRIPT`] puts the free-threaded CPython it builds, under `cache`.
pub fn cached_free_threaded(cache: &Path) -> PathBuf {
    cache.join("python3.13t").join("bin").join("python3.13t")
}

/// Starts the driver on `interpreter`. `Ok(None)` when it is the default `python3` and `PATH`
/// has none (nothing to measure); an interpreter that is named but missing, too old or broken
/// is an error.
pub fn start(interpreter: Interpreter) -> std::result::Result<Option<PythonDriver>, PythonError> {
    start_within(interpreter, HELLO_TIMEOUT)
}

/// [`start`], giving the interpreter `hello_timeout` to say hello.
pub fn start_within(
    interpreter: Interpreter,
    hello_timeout: Duration,
) -> std::result::Result<Option<PythonDriver>, PythonError> {
    match PythonDriver::start_waiting(interpreter, hello_timeout) {
        Err(PythonError::NotFound {
            interpreter,
            source,
        }) if interpreter.origin == Origin::Path
            && source.kind() == std::io::ErrorKind::NotFound =>
        {
            Ok(None)
        }
        started => started.map(Some),
    }
}

/// The interpreters of one run, started: [`start_all`]'s result.
pub struct Lineup {
    /// The drivers that started, in order, each with a different [`PyTag`].
    pub drivers: Vec<PythonDriver>,
    /// The interpreters that could not be started, and why.
    pub failed: Vec<PythonError>,
    /// Interpreters left out because an earlier one ran as the same tag, one line each.
    pub duplicates: Vec<String>,
}

/// Starts every interpreter of `interpreters`; a free-threaded build running without the GIL
/// is started a second time with the GIL forced on, right after it. A default `python3`
/// missing from `PATH` is left out silently; another that fails is in [`Lineup::failed`]; one
/// whose tag an earlier one already has (the same version and build twice) is stopped and
/// named in [`Lineup::duplicates`].
pub fn start_all(interpreters: &[Interpreter]) -> Lineup {
    start_all_within(interpreters, HELLO_TIMEOUT)
}

/// [`start_all`], giving each interpreter `hello_timeout` to say hello.
pub fn start_all_within(interpreters: &[Interpreter], hello_timeout: Duration) -> Lineup {
    let mut lineup = Lineup {
        drivers: Vec::new(),
        failed: Vec::new(),
        duplicates: Vec::new(),
    };
    let mut queue: std::collections::VecDeque<Interpreter> = interpreters.iter().cloned().collect();
    while let Some(interpreter) = queue.pop_front() {
        let driver = match start_within(interpreter, hello_timeout) {
            Ok(Some(driver)) => driver,
            Ok(None) => continue,
            Err(error) => {
                lineup.failed.push(error);
                continue;
            }
        };
        let tag = driver.tag();
        if let Some(first) = lineup.drivers.iter().find(|d| d.tag() == tag) {
            lineup.duplicates.push(format!(
                "{} was not measured: it runs as {tag}, like {} before it",
                driver.interpreter(),
                first.interpreter()
            ));
            continue;
        }
        if tag.build == PyBuild::FreeThreaded && !driver.interpreter().gil_forced {
            queue.push_front(driver.interpreter().with_gil_forced());
        }
        lineup.drivers.push(driver);
    }
    lineup
}

/// What a free-threaded build's installation says about how it was built: the
/// `parbench-build.json` [`FREE_THREADED_SCRIPT`] writes beside `bin/` of the interpreter at
/// `executable`; `None` for an interpreter it did not build.
pub fn build_record(executable: &Path) -> Option<BuildRecord> {
    let prefix = executable.parent()?.parent()?;
    let text = std::fs::read_to_string(prefix.join("parbench-build.json")).ok()?;
    serde_json::from_str(&text).ok()
}

/// How to get a free-threaded interpreter measured, in one sentence, for messages and the page.
pub fn free_threaded_hint() -> String {
    format!(
        "no free-threaded CPython was found (python3.14t or python3.13t on PATH, or one built \
         into parbench's cache): run `{FREE_THREADED_SCRIPT}` once (it builds CPython 3.13 with \
         --disable-gil, about 2 min on 2 cores) and the python bench measures it beside python3"
    )
}

/// How to enable the CPython measurements, for messages and the page.
pub fn enable_hint() -> String {
    format!(
        "install python3 (3.8 or newer) or set {PYTHON_VAR}=/path/to/python (a `:`-separated \
         list measures several), then run `cargo bench --bench python`"
    )
}

/// The loop task's result: a 32-bit linear congruential generator
/// (x ← (1103515245·x + 12345) mod 2³²) stepped `iterations` times from `index`.
pub fn loop_result(index: usize, iterations: u64) -> u64 {
    let mut x = index as u64;
    for _ in 0..iterations {
        x = (x * 1_103_515_245 + 12_345) & 0xFFFF_FFFF;
    }
    x
}

/// The loop task's output: [`loop_result`] as 8 little-endian bytes.
pub fn loop_output(index: usize, iterations: u64) -> TaskOutput {
    TaskOutput::new(loop_result(index, iterations).to_le_bytes().to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loop_result_is_the_documented_lcg() {
        assert_eq!(loop_result(0, 0), 0);
        assert_eq!(loop_result(0, 1), 12_345);
        assert_eq!(loop_result(1, 1), 1_103_515_245 + 12_345);
        // Cross-checked with the driver's loop_result on CPython 3.11.
        assert_eq!(loop_result(0, 10_000), 0x34d3_6e30);
        assert_eq!(loop_output(3, 2).as_bytes().len(), 8);
    }

    #[test]
    fn scenarios_take_only_cpython_strategies() {
        let task = PyTask::Hash { bytes: 1024 };
        let on = PyTag::parse("3.13t").unwrap();
        let scenario = PyScenario::new(on, task, BenchFunction::ThreadPool, 8, 2).unwrap();
        assert_eq!(scenario.to_string(), "py-hash-1KiB@3.13t/thread-pool/8");
        let err = PyScenario::new(on, task, BenchFunction::Rayon, 8, 2).unwrap_err();
        assert_eq!(err.to_string(), "strategy rayon is not a CPython strategy");
        assert!(PyScenario::new(on, task, BenchFunction::Threads, 0, 2).is_err());
        let empty = PyScenario::new(on, PyTask::Empty, BenchFunction::Threads, 2, 2).unwrap();
        assert_eq!(empty.to_string(), "py-overhead@3.13t/threads/2");
        assert_eq!(
            PyTask::Empty.expected_outputs(2).unwrap()[1],
            loop_output(1, 0)
        );
    }

    #[test]
    fn check_names_the_first_wrong_task_and_a_wrong_digest() {
        let task = PyTask::Loop { iterations: 10 };
        let on = PyTag::parse("3.11").unwrap();
        let scenario = PyScenario::new(on, task, BenchFunction::Threads, 3, 1).unwrap();
        let expected = task.expected_outputs(3).unwrap();
        let good = RunReply {
            durations_ns: vec![1_000, 2_000],
            digest: run_digest(&expected),
            outputs: expected.iter().map(|o| hex(o.as_bytes())).collect(),
        };
        assert_eq!(
            scenario.check(&good, &expected).unwrap(),
            Duration::from_nanos(3_000)
        );
        let mut wrong = good.clone();
        wrong.outputs[1] = "00".into();
        let err = scenario.check(&wrong, &expected).unwrap_err().to_string();
        assert!(
            err.contains("task 1") && err.contains("py-loop-10@3.11/threads/3"),
            "{err}"
        );
        let mut short = good.clone();
        short.outputs.pop();
        assert!(scenario.check(&short, &expected).is_err());
        let mut bad_digest = good;
        bad_digest.digest = "ab".into();
        let err = scenario
            .check(&bad_digest, &expected)
            .unwrap_err()
            .to_string();
        assert!(err.contains("digest"), "{err}");
    }

    #[test]
    fn an_empty_variable_means_python3_on_path() {
        let default = interpreter_from(None);
        assert_eq!(default.program, std::path::Path::new("python3"));
        assert_eq!(default.origin, Origin::Path);
        assert_eq!(interpreter_from(Some("".into())), default);
        let named = interpreter_from(Some("/opt/py/bin/python3.13t".into()));
        assert_eq!(named.origin, Origin::Env);
        assert_eq!(
            named.to_string(),
            "Python '/opt/py/bin/python3.13t' (PARBENCH_PYTHON)"
        );
        assert_eq!(default.to_string(), "Python 'python3' (on PATH)");
        assert_eq!(
            named.with_gil_forced().to_string(),
            "Python '/opt/py/bin/python3.13t' (PARBENCH_PYTHON, GIL forced on with -X gil=1)"
        );
    }

    /// An executable file `name` in `dir`.
    fn program(dir: &Path, name: &str) -> PathBuf {
        use std::os::unix::fs::PermissionsExt;
        let path = dir.join(name);
        std::fs::write(&path, "#!/bin/sh\n").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
        path
    }

    #[test]
    fn the_variable_lists_interpreters_else_python3_and_a_free_threaded_build() {
        let names = |list: Vec<Interpreter>| -> Vec<(String, Origin)> {
            list.into_iter()
                .map(|i| (i.program.display().to_string(), i.origin))
                .collect()
        };
        assert_eq!(
            names(interpreters_from(
                Some("/a/python3:/b/python3.13t".into()),
                None,
                None
            )),
            [
                ("/a/python3".to_string(), Origin::Env),
                ("/b/python3.13t".to_string(), Origin::Env)
            ]
        );
        let path_dir = tempfile::tempdir().unwrap();
        let cache_dir = tempfile::tempdir().unwrap();
        let cached = cached_free_threaded(cache_dir.path());
        let path = Some(path_dir.path().as_os_str().to_owned());
        // Nothing free-threaded anywhere: python3 alone.
        assert_eq!(
            names(interpreters_from(None, path.clone(), Some(cached.clone()))),
            [("python3".to_string(), Origin::Path)]
        );
        // The cache's build, when the script has built one.
        std::fs::create_dir_all(cached.parent().unwrap()).unwrap();
        program(cached.parent().unwrap(), "python3.13t");
        assert_eq!(
            names(interpreters_from(None, path.clone(), Some(cached.clone())))[1],
            (cached.display().to_string(), Origin::Cache)
        );
        // One on PATH comes first, the newest first.
        program(path_dir.path(), "python3.13t");
        program(path_dir.path(), "python3.14t");
        assert_eq!(
            names(interpreters_from(Some("".into()), path, Some(cached)))[1],
            ("python3.14t".to_string(), Origin::Path)
        );
    }

    #[test]
    fn build_records_are_read_beside_the_interpreters_bin() {
        let dir = tempfile::tempdir().unwrap();
        let bin = dir.path().join("bin");
        std::fs::create_dir_all(&bin).unwrap();
        let python = program(&bin, "python3.13t");
        assert_eq!(build_record(&python), None);
        std::fs::write(
            dir.path().join("parbench-build.json"),
            r#"{"built_by": "x", "source": "python3.13_3.13.5.orig.tar.xz", "build_seconds": 123, "jobs": 2}"#,
        )
        .unwrap();
        let record = build_record(&python).unwrap();
        assert_eq!((record.build_seconds, record.jobs), (123, 2));
        assert!(free_threaded_hint().contains(FREE_THREADED_SCRIPT));
    }

    #[test]
    fn tags_follow_the_build_and_the_gil() {
        let mut info = InterpreterInfo {
            version: "3.13.5".into(),
            implementation: "CPython".into(),
            executable: "/x".into(),
            gil: GilStatus::Enabled,
            free_threaded_build: false,
            start_method: "fork".into(),
            cpus: Some(2),
        };
        assert_eq!(info.tag().to_string(), "3.13");
        info.free_threaded_build = true;
        assert_eq!(info.tag().to_string(), "3.13t-gil");
        info.gil = GilStatus::Disabled;
        assert_eq!(info.tag().to_string(), "3.13t");
    }

    #[test]
    fn to_thread_is_skipped_before_3_9_only() {
        let mut info = InterpreterInfo {
            version: "3.8.18".into(),
            implementation: "CPython".into(),
            executable: "/usr/bin/python3.8".into(),
            gil: GilStatus::Enabled,
            free_threaded_build: false,
            start_method: "fork".into(),
            cpus: Some(2),
        };
        let reason = unsupported(BenchFunction::AsyncioToThread, &info).unwrap();
        assert!(
            reason.contains("3.9") && reason.contains("3.8.18"),
            "{reason}"
        );
        assert_eq!(unsupported(BenchFunction::Asyncio, &info), None);
        info.version = "3.13.0".into();
        assert_eq!(unsupported(BenchFunction::AsyncioToThread, &info), None);
    }
}
