//! What can go wrong with the Python interpreter under test, one line each.

use std::fmt;
use std::path::PathBuf;

/// The environment variable that names the interpreter to measure.
pub const PYTHON_VAR: &str = "PARBENCH_PYTHON";

/// Where the interpreter under test comes from: `PARBENCH_PYTHON`, or `python3` on `PATH`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Interpreter {
    /// The program as given: a path, or a name looked up on `PATH`.
    pub program: PathBuf,
    /// Whether it was named by `PARBENCH_PYTHON` (else it is `python3` found on `PATH`).
    pub from_env: bool,
}

impl fmt::Display for Interpreter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let from = if self.from_env { PYTHON_VAR } else { "on PATH" };
        write!(f, "Python '{}' ({from})", self.program.display())
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
            | PythonError::Timeout { interpreter, .. }
            | PythonError::System { interpreter, .. } => interpreter,
        }
    }
}
