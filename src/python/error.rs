//! What can go wrong with the Python interpreter under test, one line each.

use std::fmt;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

/// The environment variable that names the interpreter to measure.
pub const PYTHON_VAR: &str = "PARBENCH_PYTHON";

/// Where an interpreter under test was found.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Origin {
    /// Named by `PARBENCH_PYTHON`.
    Env,
    /// Found on `PATH` (`python3`, `python3.14t`, `python3.13t`).
    Path,
    /// Built earlier by `scripts/free-threaded-python.sh` into parbench's cache directory.
    Cache,
}

/// An interpreter under test: where it comes from, and whether its GIL is forced on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Interpreter {
    /// The program as given: a path, or a name looked up on `PATH`.
    pub program: PathBuf,
    /// Where it was found.
    pub origin: Origin,
    /// Whether it runs with `-X gil=1` (as `PYTHON_GIL=1`): a free-threaded build with the
    /// GIL forced back on.
    pub gil_forced: bool,
}

impl Interpreter {
    /// `program` from `origin`, run as it is (its GIL as its build has it).
    pub fn new(program: impl Into<PathBuf>, origin: Origin) -> Self {
        Interpreter {
            program: program.into(),
            origin,
            gil_forced: false,
        }
    }

    /// The same program with the GIL forced on (`-X gil=1`).
    pub fn with_gil_forced(&self) -> Self {
        Interpreter {
            gil_forced: true,
            ..self.clone()
        }
    }
}

impl fmt::Display for Interpreter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let from = match self.origin {
            Origin::Env => PYTHON_VAR,
            Origin::Path => "on PATH",
            Origin::Cache => "built by scripts/free-threaded-python.sh",
        };
        let forced = if self.gil_forced {
            ", GIL forced on with -X gil=1"
        } else {
            ""
        };
        write!(f, "Python '{}' ({from}{forced})", self.program.display())
    }
}

/// Why the interpreter under test cannot be measured.
///
/// Every message names the interpreter and says what to do; the `python` bench prints it as
/// one line, skips the CPython section and lets the rest of the suite run.
#[derive(Debug, thiserror::Error)]
pub enum PythonError {
    /// The program could not be started at all (not found, not executable).
    #[error(
        "{interpreter} cannot be started: {source}; set {var} to a Python 3.8 or newer, or unset it",
        var = PYTHON_VAR
    )]
    NotFound {
        /// The interpreter concerned.
        interpreter: Interpreter,
        /// The operating system's reason.
        source: std::io::Error,
    },

    /// The interpreter is older than parbench's driver supports.
    #[error(
        "{interpreter} is version {version}; parbench needs Python 3.8 or newer (set {var} to one)",
        var = PYTHON_VAR
    )]
    TooOld {
        /// The interpreter concerned.
        interpreter: Interpreter,
        /// The version it reported.
        version: String,
    },

    /// The interpreter exited (or was killed) before it answered.
    #[error("{interpreter} exited {when} ({status}){stderr}")]
    Exited {
        /// The interpreter concerned.
        interpreter: Interpreter,
        /// What it was doing, e.g. `before starting parbench's driver`.
        when: String,
        /// How it ended, e.g. `exit status 1`.
        status: String,
        /// The last line it wrote to stderr, as `: <line>`, or empty.
        stderr: String,
    },

    /// The interpreter printed something that is not parbench's driver protocol.
    #[error("{interpreter} does not speak parbench's driver protocol {when}: {detail}")]
    Protocol {
        /// The interpreter concerned.
        interpreter: Interpreter,
        /// What it was doing.
        when: String,
        /// What was wrong with what it printed.
        detail: String,
    },

    /// The driver reported an error (a Python exception) for a request.
    #[error("{interpreter} failed {when}: {detail}")]
    Failed {
        /// The interpreter concerned.
        interpreter: Interpreter,
        /// What it was doing.
        when: String,
        /// The exception the driver reported.
        detail: String,
    },

    /// The interpreter said nothing at start-up within the time a Python takes to start.
    #[error(
        "{interpreter} said nothing within {seconds} s of starting, so it was stopped; a Python \
         says hello in well under a second: check that it is a Python 3.8 or newer that starts \
         without waiting for input"
    )]
    Silent {
        /// The interpreter concerned.
        interpreter: Interpreter,
        /// How long parbench waited.
        seconds: f64,
    },

    /// The interpreter did not answer in time and was stopped.
    #[error("{interpreter} did not answer within {seconds} s {when}, so it was stopped")]
    Timeout {
        /// The interpreter concerned.
        interpreter: Interpreter,
        /// What it was doing.
        when: String,
        /// How long parbench waited.
        seconds: u64,
    },

    /// Talking to the interpreter's pipes or writing the driver failed on parbench's side.
    #[error("cannot {action} for {interpreter}: {source}")]
    System {
        /// The interpreter concerned.
        interpreter: Interpreter,
        /// What parbench was doing, e.g. `write the driver script`.
        action: &'static str,
        /// The operating system's reason.
        source: std::io::Error,
    },
}

impl PythonError {
    /// The interpreter the error is about.
    pub fn interpreter(&self) -> &Interpreter {
        match self {
            PythonError::NotFound { interpreter, .. }
            | PythonError::TooOld { interpreter, .. }
            | PythonError::Exited { interpreter, .. }
            | PythonError::Protocol { interpreter, .. }
            | PythonError::Failed { interpreter, .. }
            | PythonError::Silent { interpreter, .. }
            | PythonError::Timeout { interpreter, .. }
            | PythonError::System { interpreter, .. } => interpreter,
        }
    }
}
