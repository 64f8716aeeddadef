//! CPython, measured: parbench's tasks on the real interpreter's threads, pools and asyncio.
//!
//! parbench reproduces Python's lesson with a simulated GIL; this module measures the lesson's
//! own world. A [`PythonDriver`] runs `python/driver.py` on the interpreter `PARBENCH_PYTHON`
//! names (else `python3` on `PATH`) and times [`PyScenario`]s inside Python: `sleep`
//! (`time.sleep` / `asyncio.sleep`), `hash` (`hashlib.sha256` over parbench's own inputs) and
//! `loop` (pure-Python computing that holds the GIL), on the [`CPYTHON_STRATEGIES`]. Every
//! output is checked against parbench's own Rust computation. [`PythonRecord`] keeps what the
//! `python` bench learnt about the interpreter (or why it measured nothing) beside Criterion's
//! data.

mod driver;
pub(crate) mod error;
mod record;

use std::ffi::OsString;
use std::fmt;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::bench_id::{BenchFunction, BenchId, Group};
use crate::error::{Error, Result};
use crate::workload::{TaskOutput, TaskSet, Workload, hex, run_digest};

pub use driver::{
    Calibration, DRIVER_SOURCE, InterpreterInfo, MIN_VERSION, PROTOCOL_VERSION, PythonDriver,
    RunReply,
};
pub use error::{Interpreter, PYTHON_VAR, PythonError};
pub use record::{PYTHON_FILE, PythonRecord, SkippedStrategy};

/// The interpreter measured when [`PYTHON_VAR`] is unset: `python3`, looked up on `PATH`.
pub const DEFAULT_PROGRAM: &str = "python3";

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
}

impl PyTask {
    /// The benchmark group of this task: `py-sleep-10ms`, `py-hash-1MiB`, `py-loop-5000`.
    pub fn group(&self) -> Group {
        match *self {
            PyTask::Sleep { duration } => Group::PySleep { duration },
            PyTask::Hash { bytes } => Group::PyHash { bytes },
            PyTask::Loop { iterations } => Group::PyLoop { iterations },
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
        })
    }
}

/// One CPython benchmark: a task, a strategy, a task count and the pools' worker count.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PyScenario {
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
            task,
            function,
            tasks,
            workers,
        })
    }

    /// The benchmark ID: `py-hash-1MiB/thread-pool/8`.
    pub fn id(&self) -> BenchId {
        BenchId::new(self.task.group(), self.function, self.tasks as u64)
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

/// The interpreter to measure: [`PYTHON_VAR`] if set and not empty, else [`DEFAULT_PROGRAM`].
pub fn interpreter_from_env() -> Interpreter {
    interpreter_from(std::env::var_os(PYTHON_VAR))
}

/// The interpreter a value of [`PYTHON_VAR`] names: the value if set and not empty, else
/// [`DEFAULT_PROGRAM`] on `PATH`.
pub fn interpreter_from(value: Option<OsString>) -> Interpreter {
    match value {
        Some(program) if !program.is_empty() => Interpreter {
            program: program.into(),
            from_env: true,
        },
        _ => Interpreter {
            program: DEFAULT_PROGRAM.into(),
            from_env: false,
        },
    }
}

/// Starts the driver on [`interpreter_from_env`]; see [`start`].
pub fn start_from_env() -> std::result::Result<Option<PythonDriver>, PythonError> {
    start(interpreter_from_env())
}

/// Starts the driver on `interpreter`. `Ok(None)` when it is the default `python3` and `PATH`
/// has none (nothing to measure); an interpreter that is named but missing, too old or broken
/// is an error.
pub fn start(interpreter: Interpreter) -> std::result::Result<Option<PythonDriver>, PythonError> {
    match PythonDriver::start(interpreter) {
        Err(PythonError::NotFound {
            interpreter,
            source,
        }) if !interpreter.from_env && source.kind() == std::io::ErrorKind::NotFound => Ok(None),
        started => started.map(Some),
    }
}

/// How to enable the CPython measurements, for messages and the page.
pub fn enable_hint() -> String {
    format!(
        "install python3 (3.8 or newer) or set {PYTHON_VAR}=/path/to/python, then run \
         `cargo bench --bench python`"
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

/// The loop size that takes about as long as one hash task, from a calibration that timed
/// `probe` iterations: the nearest step of the series 1, 1.5, 2, 3, 5, 7 × 10ᵏ (at least 100),
/// so the benchmark ID stays the same between runs on one machine despite timing noise.
pub fn loop_iterations_like_hash(calibration: Calibration, probe: u64) -> u64 {
    let exact = probe as f64 * calibration.hash_ns as f64 / calibration.loop_ns as f64;
    nearest_step(exact.clamp(100.0, 1e9))
}

/// The step of 1, 1.5, 2, 3, 5, 7 × 10ᵏ nearest to `value` (by ratio).
fn nearest_step(value: f64) -> u64 {
    const STEPS: [f64; 7] = [1.0, 1.5, 2.0, 3.0, 5.0, 7.0, 10.0];
    let decade = 10f64.powi(value.log10().floor() as i32);
    let step = STEPS
        .iter()
        .copied()
        .min_by(|a, b| {
            let distance = |s: f64| (value / (s * decade)).ln().abs();
            distance(*a).total_cmp(&distance(*b))
        })
        .expect("steps are not empty");
    (step * decade).round() as u64
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
    fn loop_size_matches_the_hash_time_on_a_stable_step() {
        let calibration = Calibration {
            hash_ns: 500_000,
            loop_ns: 10_000_000,
        };
        assert_eq!(loop_iterations_like_hash(calibration, 100_000), 5_000);
        let odd = Calibration {
            hash_ns: 777_777,
            loop_ns: 10_000_000,
        };
        assert_eq!(loop_iterations_like_hash(odd, 100_000), 7_000);
        let tiny = Calibration {
            hash_ns: 1,
            loop_ns: 10_000_000,
        };
        assert_eq!(loop_iterations_like_hash(tiny, 100_000), 100);
        assert_eq!(nearest_step(1_300.0), 1_500);
        assert_eq!(nearest_step(1_200.0), 1_000);
        assert_eq!(nearest_step(2_900.0), 3_000);
        assert_eq!(nearest_step(9_000.0), 10_000);
        assert_eq!(nearest_step(4_000.0), 5_000);
    }

    #[test]
    fn scenarios_take_only_cpython_strategies() {
        let task = PyTask::Hash { bytes: 1024 };
        let scenario = PyScenario::new(task, BenchFunction::ThreadPool, 8, 2).unwrap();
        assert_eq!(scenario.to_string(), "py-hash-1KiB/thread-pool/8");
        let err = PyScenario::new(task, BenchFunction::Rayon, 8, 2).unwrap_err();
        assert_eq!(err.to_string(), "strategy rayon is not a CPython strategy");
        assert!(PyScenario::new(task, BenchFunction::Threads, 0, 2).is_err());
    }

    #[test]
    fn check_names_the_first_wrong_task_and_a_wrong_digest() {
        let task = PyTask::Loop { iterations: 10 };
        let scenario = PyScenario::new(task, BenchFunction::Threads, 3, 1).unwrap();
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
            err.contains("task 1") && err.contains("py-loop-10/threads/3"),
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
        assert!(!default.from_env);
        assert_eq!(interpreter_from(Some("".into())), default);
        let named = interpreter_from(Some("/opt/py/bin/python3.13t".into()));
        assert!(named.from_env);
        assert_eq!(
            named.to_string(),
            "Python '/opt/py/bin/python3.13t' (PARBENCH_PYTHON)"
        );
        assert_eq!(default.to_string(), "Python 'python3' (on PATH)");
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
