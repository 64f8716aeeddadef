//! What the `python` bench records beside Criterion's data (through [`crate::records`]): the interpreter it measured, or
//! why it measured nothing, so the page can label the CPython section or say how to enable it.

use std::path::Path;

use serde::{Deserialize, Serialize};

use super::InterpreterInfo;
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

/// The latest `python` bench's outcome.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "kebab-case")]
pub enum PythonRecord {
    /// The interpreter was measured.
    Measured {
        /// The program as given (`PARBENCH_PYTHON`'s value, or `python3`).
        program: String,
        /// Whether `PARBENCH_PYTHON` named it.
        from_env: bool,
        /// What the interpreter said about itself.
        info: InterpreterInfo,
        /// Bytes per hash task (the `py-hash-<bytes>` group).
        hash_bytes: u64,
        /// Steps per loop task (the `py-loop-<size>` group), calibrated to one hash task.
        loop_iterations: u64,
        /// The task counts it measured.
        tasks: Vec<usize>,
        /// Strategies this interpreter cannot run.
        skipped: Vec<SkippedStrategy>,
    },
    /// No interpreter: `PARBENCH_PYTHON` unset and no `python3` on `PATH`.
    Missing {
        /// How to enable the measurements.
        hint: String,
    },
    /// The interpreter could not be measured (not found, too old, exited, garbage, wrong
    /// answers).
    Broken {
        /// The program as given.
        program: String,
        /// The one-line error.
        error: String,
    },
}

impl PythonRecord {
    /// The `py-*` groups a measured record stands for under `plan`: the sleep, hash and loop
    /// groups of its sizes; none for other records or a plan without CPython sweeps.
    pub fn groups(&self, plan: &Plan) -> Vec<Group> {
        match self {
            PythonRecord::Measured {
                hash_bytes,
                loop_iterations,
                ..
            } if !plan.python_tasks().is_empty() => vec![
                Group::PySleep {
                    duration: plan.python_sleep_duration(),
                },
                Group::PyHash { bytes: *hash_bytes },
                Group::PyLoop {
                    iterations: *loop_iterations,
                },
            ],
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

    #[test]
    fn records_round_trip_and_absence_is_none() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(PythonRecord::load(dir.path()).unwrap(), None);
        let measured = PythonRecord::Measured {
            program: "python3".into(),
            from_env: false,
            info: InterpreterInfo {
                version: "3.11.7".into(),
                implementation: "CPython".into(),
                executable: "/usr/bin/python3.11".into(),
                gil: GilStatus::Enabled,
                free_threaded_build: false,
                start_method: "fork".into(),
                cpus: Some(2),
            },
            hash_bytes: 1 << 20,
            loop_iterations: 5_000,
            tasks: vec![2, 8],
            skipped: vec![],
        };
        let plan = Plan::new(Profile::Quick, 2);
        assert_eq!(
            measured
                .groups(&plan)
                .iter()
                .map(|g| g.to_string())
                .collect::<Vec<_>>(),
            ["py-sleep-10ms", "py-hash-1MiB", "py-loop-5000"]
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
