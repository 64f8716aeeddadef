//! What the `python` bench records beside Criterion's data (through [`crate::records`]): the
//! interpreters it measured (version, build, GIL state, how a free-threaded one was built), the
//! ones it could not, or why it measured nothing, so the page can label the CPython section or
//! say how to enable it.

use std::path::Path;

use serde::{Deserialize, Serialize};

use super::{InterpreterInfo, Origin, PyTag};
use crate::bench_id::{BenchFunction, Group};
use crate::error::Result;
use crate::records;
use crate::suite::Plan;

/// The file, inside Criterion's directory, where the `python` bench writes its [`PythonRecord`].
pub const PYTHON_FILE: &str = "parbench-python.json";

/// A CPython strategy the interpreter cannot run, and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SkippedStrategy {
    /// The strategy's name, e.g. `asyncio-to-thread`.
    pub strategy: String,
    /// Why it was not measured.
    pub reason: String,
}

impl SkippedStrategy {
    /// A skipped `function` with its `reason`.
    pub fn new(function: BenchFunction, reason: String) -> Self {
        SkippedStrategy {
            strategy: function.name().to_string(),
            reason,
        }
    }
}

/// How `scripts/free-threaded-python.sh` built an interpreter (its `parbench-build.json`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BuildRecord {
    /// What it was built from, e.g. `python3.13_3.13.5.orig.tar.xz`.
    pub source: String,
    /// How long fetching, configuring, compiling and installing took, in seconds.
    pub build_seconds: u64,
    /// `make -j` jobs (the machine's CPUs).
    #[serde(default)]
    pub jobs: u64,
}

/// One interpreter the bench measured.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InterpreterRecord {
    /// Its part of the benchmark IDs (`3.11`, `3.13t`, `3.13t-gil`).
    pub tag: PyTag,
    /// The program as given (a `PARBENCH_PYTHON` entry, `python3`, a cached path).
    pub program: String,
    /// Where it was found.
    pub origin: Origin,
    /// Whether its GIL was forced on (`-X gil=1`).
    pub gil_forced: bool,
    /// What it said about itself.
    pub info: InterpreterInfo,
    /// How it was built, when `scripts/free-threaded-python.sh` built it.
    pub build: Option<BuildRecord>,
    /// Strategies it cannot run.
    pub skipped: Vec<SkippedStrategy>,
    /// Why its measurements stop short (it died, or stopped answering); the benchmarks it
    /// finished before stand.
    pub error: Option<String>,
}

/// An interpreter of the run that could not be started.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FailedInterpreter {
    /// The program as given.
    pub program: String,
    /// The one-line error.
    pub error: String,
}

/// The latest `python` bench's outcome.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "kebab-case")]
pub enum PythonRecord {
    /// At least one interpreter was measured.
    Measured {
        /// The interpreters measured, in order (the first is the reference: the loop task
        /// was sized on it).
        interpreters: Vec<InterpreterRecord>,
        /// Interpreters that could not be started, or ran as one measured before them.
        failed: Vec<FailedInterpreter>,
        /// How to get a free-threaded build measured, when none was.
        free_threaded_hint: Option<String>,
        /// Bytes per hash task (the `py-hash-<bytes>@…` groups).
        hash_bytes: u64,
        /// Steps per loop task (the `py-loop-<size>@…` groups,
        /// [`crate::suite::Plan::python_loop_iterations`]).
        loop_iterations: u64,
        /// The task counts it measured.
        tasks: Vec<usize>,
    },
    /// No interpreter: `PARBENCH_PYTHON` unset and no `python3` on `PATH`.
    Missing {
        /// How to enable the measurements.
        hint: String,
    },
    /// No interpreter could be measured (not found, too old, exited, garbage, wrong answers).
    Broken {
        /// The program as given (the first that failed).
        program: String,
        /// The one-line error.
        error: String,
    },
}

impl PythonRecord {
    /// The `py-*` groups a measured record stands for under `plan`: the sleep, hash, loop and
    /// overhead groups of every interpreter; none for other records or a plan without CPython
    /// sweeps.
    pub fn groups(&self, plan: &Plan) -> Vec<Group> {
        match self {
            PythonRecord::Measured {
                interpreters,
                hash_bytes,
                loop_iterations,
                ..
            } if !plan.python_tasks().is_empty() => interpreters
                .iter()
                .flat_map(|i| {
                    let on = i.tag;
                    [
                        Group::PySleep {
                            duration: plan.python_sleep_duration(),
                            on,
                        },
                        Group::PyHash {
                            bytes: *hash_bytes,
                            on,
                        },
                        Group::PyLoop {
                            iterations: *loop_iterations,
                            on,
                        },
                        Group::PyOverhead { on },
                    ]
                })
                .collect(),
            _ => Vec::new(),
        }
    }

    /// Writes the record into `criterion_dir`, replacing an older one.
    pub fn save(&self, criterion_dir: &Path) -> Result<()> {
        records::save_json(&criterion_dir.join(PYTHON_FILE), self)
    }

    /// Reads the record from `criterion_dir`; `Ok(None)` if the `python` bench never ran.
    pub fn load(criterion_dir: &Path) -> Result<Option<Self>> {
        records::load_json(&criterion_dir.join(PYTHON_FILE))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::python::GilStatus;
    use crate::suite::Profile;

    fn interpreter(tag: &str) -> InterpreterRecord {
        let tag = PyTag::parse(tag).unwrap();
        let free = tag.build != crate::bench_id::PyBuild::Gil;
        InterpreterRecord {
            tag,
            program: "python3".into(),
            origin: Origin::Path,
            gil_forced: tag.build == crate::bench_id::PyBuild::FreeThreadedGilOn,
            info: InterpreterInfo {
                version: format!("{}.{}.7", tag.major, tag.minor),
                implementation: "CPython".into(),
                executable: "/usr/bin/python3".into(),
                gil: if tag.build == crate::bench_id::PyBuild::FreeThreaded {
                    GilStatus::Disabled
                } else {
                    GilStatus::Enabled
                },
                free_threaded_build: free,
                start_method: "fork".into(),
                cpus: Some(2),
            },
            build: free.then(|| BuildRecord {
                source: "python3.13_3.13.5.orig.tar.xz".into(),
                build_seconds: 123,
                jobs: 2,
            }),
            skipped: vec![],
            error: None,
        }
    }

    #[test]
    fn records_round_trip_and_absence_is_none() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(PythonRecord::load(dir.path()).unwrap(), None);
        let measured = PythonRecord::Measured {
            interpreters: vec![interpreter("3.11"), interpreter("3.13t")],
            failed: vec![FailedInterpreter {
                program: "/no/python".into(),
                error: "cannot start".into(),
            }],
            free_threaded_hint: None,
            hash_bytes: 8 << 20,
            loop_iterations: 50_000,
            tasks: vec![2, 8],
        };
        let plan = Plan::new(Profile::Quick, 2);
        assert_eq!(
            measured
                .groups(&plan)
                .iter()
                .map(|g| g.to_string())
                .collect::<Vec<_>>(),
            [
                "py-sleep-10ms@3.11",
                "py-hash-8MiB@3.11",
                "py-loop-50000@3.11",
                "py-overhead@3.11",
                "py-sleep-10ms@3.13t",
                "py-hash-8MiB@3.13t",
                "py-loop-50000@3.13t",
                "py-overhead@3.13t"
            ]
        );
        assert!(measured.groups(&Plan::new(Profile::Seed, 2)).is_empty());
        for record in [
            measured,
            PythonRecord::Missing { hint: "x".into() },
            PythonRecord::Broken {
                program: "/no/python".into(),
                error: "cannot start".into(),
            },
        ] {
            record.save(dir.path()).unwrap();
            assert_eq!(PythonRecord::load(dir.path()).unwrap(), Some(record));
        }
        let text = std::fs::read_to_string(dir.path().join(PYTHON_FILE)).unwrap();
        assert!(text.contains("\"status\": \"broken\""), "{text}");
        std::fs::write(dir.path().join(PYTHON_FILE), "{").unwrap();
        let err = PythonRecord::load(dir.path()).unwrap_err().to_string();
        assert!(err.contains(PYTHON_FILE), "{err}");
    }
}
