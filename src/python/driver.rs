//! The CPython driver process and the line-based JSON protocol parbench speaks with it.
//!
//! `python/driver.py` (standard library only) is embedded in parbench, written to a temporary
//! directory and run as `<interpreter> -I <dir>/parbench_driver.py` in a process group of its
//! own. It stays running and answers requests, one JSON object per line each way:
//!
//! ```text
//! hello (driver, once at start-up):
//!   {"parbench_driver": 1, "python": "3.11.7", "implementation": "CPython",
//!    "executable": "/usr/bin/python3.11", "gil": "enabled" | "disabled",
//!    "free_threaded_build": false, "start_method": "fork", "cpus": 2}
//!   (an interpreter older than 3.8 sends only the first four fields, then exits)
//! requests (parbench) and their replies (driver), each reply with "ok": true:
//!   {"op": "run", "strategy": "thread-pool", "tasks": 8, "runs": 3, "workers": 2,
//!    "task": {"kind": "sleep", "nanos": 10000000} | {"kind": "hash", "bytes": 1048576}
//!          | {"kind": "loop", "iterations": 5000}}
//!     -> {"durations_ns": [..one per run..], "digest": "<sha256 hex over the outputs>",
//!         "outputs": ["<hex of task 0's output>", ...]}
//!   {"op": "pool_pids"}  -> {"pids": [..the warm pool's worker processes..]}
//!   {"op": "close"}      -> {}                        (ends the pools and the event loop)
//! a failed request:  {"ok": false, "error": "ValueError: ..."}
//! ```
//!
//! A loop task of 0 iterations is an empty task (the `py-overhead` group). A free-threaded
//! build is also started with `-X gil=1` (the GIL forced on, as `PYTHON_GIL=1`, which `-I`
//! would ignore). `strategy` is a [`BenchFunction`] name. Each run is timed inside Python with
//! `time.perf_counter_ns`, so interpreter start-up is never timed; inputs are built before the
//! clock, the warm process pool, the thread pool and the event loop are built before a run and
//! kept across requests. Every run's outputs must equal the first run's (else the request
//! fails); parbench checks the first against its own. The driver exits on end of input, after
//! closing its pools and joining their workers. This is protocol version
//! [`PROTOCOL_VERSION`].

use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Read, Write};
use std::os::unix::process::CommandExt;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::{GilStatus, Interpreter, PyBuild, PyScenario, PyTag, PythonError};
use crate::worker::describe_status;

/// The driver's source, shipped inside parbench.
pub const DRIVER_SOURCE: &str = include_str!("../../python/driver.py");

/// The protocol version this parbench speaks (the driver's hello must say the same).
pub const PROTOCOL_VERSION: u32 = 1;

/// The oldest Python the driver supports.
pub const MIN_VERSION: (u32, u32) = (3, 8);

/// How long a starting interpreter gets to say hello before measuring: a Python does in tens
/// of milliseconds, so a program silent this long is taken for hung.
pub const HELLO_TIMEOUT: Duration = Duration::from_secs(10);

/// How long it gets when the benchmarks are only listed or run once as tests, so a program
/// that never answers costs little there.
pub const HELLO_TIMEOUT_CHECK: Duration = Duration::from_secs(3);
/// How long one request may take before the driver is taken for hung.
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(120);
/// How long a driver that closed its output, or was asked to exit, gets to exit on its own.
const EXIT_GRACE: Duration = Duration::from_secs(3);
/// The longest line read from the driver; a longer one is garbage.
const MAX_LINE: u64 = 1 << 20;
/// How many of the driver's last stderr lines are kept for error messages.
const STDERR_LINES: usize = 20;

/// What the interpreter said about itself at start-up.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InterpreterInfo {
    /// Its version, e.g. `3.11.7`.
    pub version: String,
    /// `platform.python_implementation()`, e.g. `CPython` or `PyPy`.
    pub implementation: String,
    /// `sys.executable`: the interpreter's real path (behind a shim or a symlink).
    pub executable: String,
    /// Whether the GIL is on while the driver runs.
    pub gil: GilStatus,
    /// Whether the interpreter is a free-threaded build (3.13t and later).
    pub free_threaded_build: bool,
    /// `multiprocessing`'s start method (`fork`, `forkserver` or `spawn`).
    pub start_method: String,
    /// `os.cpu_count()`, when Python knows it.
    pub cpus: Option<usize>,
}

impl InterpreterInfo {
    /// The version as (major, minor), if it has that form.
    pub fn major_minor(&self) -> Option<(u32, u32)> {
        parse_major_minor(&self.version)
    }

    /// The interpreter's part of its benchmark IDs: its version and how it runs (a
    /// free-threaded build with the GIL on is taken to have it forced on).
    pub fn tag(&self) -> PyTag {
        let (major, minor) = self.major_minor().unwrap_or((0, 0));
        let build = match (self.free_threaded_build, self.gil) {
            (false, _) => PyBuild::Gil,
            (true, GilStatus::Disabled) => PyBuild::FreeThreaded,
            (true, GilStatus::Enabled) => PyBuild::FreeThreadedGilOn,
        };
        PyTag {
            major: u8::try_from(major).unwrap_or(u8::MAX),
            minor: u8::try_from(minor).unwrap_or(u8::MAX),
            build,
        }
    }
}

fn parse_major_minor(version: &str) -> Option<(u32, u32)> {
    let mut parts = version.split('.');
    Some((parts.next()?.parse().ok()?, parts.next()?.parse().ok()?))
}

/// The driver's answer to one `run` request, before parbench has checked it.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct RunReply {
    /// How long each run took, measured inside Python, in nanoseconds.
    pub durations_ns: Vec<u64>,
    /// SHA-256 (hex) over the first run's task outputs in task order.
    pub digest: String,
    /// Each task's output of the first run, in hex.
    pub outputs: Vec<String>,
}

impl RunReply {
    /// The total of the runs' durations: what Criterion's `iter_custom` wants.
    pub fn total(&self) -> Duration {
        Duration::from_nanos(self.durations_ns.iter().sum())
    }
}

#[derive(Deserialize)]
struct PoolPids {
    pids: Vec<u32>,
}

/// A running driver: the interpreter under test, ready for requests.
///
/// Dropping it closes its input (the driver ends its pools and exits) and, if it has not
/// exited within a few seconds, kills its whole process group, so no pool worker outlives it.
pub struct PythonDriver {
    interpreter: Interpreter,
    info: InterpreterInfo,
    child: Child,
    reaped: bool,
    stdin: Option<ChildStdin>,
    lines: Receiver<String>,
    stderr: Arc<Mutex<VecDeque<String>>>,
    timeout: Duration,
    _script_dir: tempfile::TempDir,
}

impl PythonDriver {
    /// Writes the driver to a temporary file, starts it on `interpreter` and reads its hello,
    /// waiting at most 10 s for it.
    pub fn start(interpreter: Interpreter) -> Result<Self, PythonError> {
        Self::start_waiting(interpreter, HELLO_TIMEOUT)
    }

    /// [`PythonDriver::start`], waiting at most `hello_timeout` for the hello.
    pub fn start_waiting(
        interpreter: Interpreter,
        hello_timeout: Duration,
    ) -> Result<Self, PythonError> {
        let system = |action| {
            let interpreter = interpreter.clone();
            move |source| PythonError::System {
                interpreter,
                action,
                source,
            }
        };
        let script_dir = tempfile::Builder::new()
            .prefix("parbench-python-")
            .tempdir()
            .map_err(system("create a temporary directory for the driver"))?;
        let script = script_dir.path().join("parbench_driver.py");
        std::fs::write(&script, DRIVER_SOURCE).map_err(system("write the driver script"))?;
        let mut command = Command::new(&interpreter.program);
        // `-I` ignores PYTHON* variables, so the GIL is forced on with its -X option.
        if interpreter.gil_forced {
            command.args(["-X", "gil=1"]);
        }
        let mut child = command
            .arg("-I")
            .arg(&script)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            // Its own process group: killing the group also ends the pools' worker processes.
            .process_group(0)
            .spawn()
            .map_err(|source| PythonError::NotFound {
                interpreter: interpreter.clone(),
                source,
            })?;
        let stdout = child.stdout.take().expect("stdout is piped");
        let stderr_pipe = child.stderr.take().expect("stderr is piped");
        let stderr = Arc::new(Mutex::new(VecDeque::new()));
        let mut driver = PythonDriver {
            stdin: child.stdin.take(),
            lines: read_lines(stdout),
            stderr: Arc::clone(&stderr),
            interpreter,
            info: placeholder_info(),
            child,
            reaped: false,
            timeout: hello_timeout,
            _script_dir: script_dir,
        };
        keep_tail(stderr_pipe, stderr);
        let when = "before starting parbench's driver";
        let hello = match driver.receive(when) {
            Err(PythonError::Timeout { interpreter, .. }) => {
                return Err(PythonError::Silent {
                    interpreter,
                    seconds: hello_timeout.as_secs_f64(),
                });
            }
            other => other?,
        };
        driver.info = driver.check_hello(&hello, when)?;
        driver.timeout = DEFAULT_TIMEOUT;
        Ok(driver)
    }

    /// The interpreter this driver runs on, as it was given.
    pub fn interpreter(&self) -> &Interpreter {
        &self.interpreter
    }

    /// What the interpreter said about itself.
    pub fn info(&self) -> &InterpreterInfo {
        &self.info
    }

    /// The interpreter's part of its benchmark IDs ([`InterpreterInfo::tag`]).
    pub fn tag(&self) -> PyTag {
        self.info.tag()
    }

    /// The driver's process id (also its process group's id).
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Sets how long one request may take before the driver is taken for hung and stopped.
    pub fn set_timeout(&mut self, timeout: Duration) {
        self.timeout = timeout;
    }

    /// Runs `scenario` `runs` times in the driver and returns its unchecked reply.
    ///
    /// Use [`PyScenario::check`] on the reply: it compares the outputs with parbench's own.
    pub fn run(&mut self, scenario: &PyScenario, runs: u64) -> Result<RunReply, PythonError> {
        let request = json!({
            "op": "run",
            "strategy": scenario.function.name(),
            "task": scenario.task.spec(),
            "tasks": scenario.tasks,
            "runs": runs.max(1),
            "workers": scenario.workers.max(1),
        });
        let when = format!("while running {scenario}");
        let reply: RunReply = self.request(&request, &when)?;
        if reply.durations_ns.len() as u64 != runs.max(1) || reply.outputs.len() != scenario.tasks {
            return Err(self.protocol(
                &when,
                format!(
                    "asked for {runs} runs of {} tasks, got {} durations and {} outputs",
                    scenario.tasks,
                    reply.durations_ns.len(),
                    reply.outputs.len()
                ),
            ));
        }
        Ok(reply)
    }

    /// The process ids of the warm process pool's workers (empty when there is none).
    pub fn pool_pids(&mut self) -> Result<Vec<u32>, PythonError> {
        let reply: PoolPids = self.request(&json!({"op": "pool_pids"}), "listing pool workers")?;
        Ok(reply.pids)
    }

    /// Ends the driver's pools (joining their workers) and its event loop; the driver stays.
    pub fn close_pools(&mut self) -> Result<(), PythonError> {
        let _: Value = self.request(&json!({"op": "close"}), "while closing its pools")?;
        Ok(())
    }

    /// Closes the driver's input and waits for it to exit cleanly.
    pub fn close(mut self) -> Result<(), PythonError> {
        drop(self.stdin.take());
        let deadline = Instant::now() + EXIT_GRACE;
        let status = loop {
            match self.child.try_wait() {
                Ok(Some(status)) => break status,
                Ok(None) if Instant::now() < deadline => std::thread::sleep(POLL),
                _ => {
                    return Err(PythonError::Timeout {
                        interpreter: self.interpreter.clone(),
                        when: "while exiting".into(),
                        seconds: EXIT_GRACE.as_secs(),
                    });
                }
            }
        };
        self.reaped = true;
        if status.success() {
            Ok(())
        } else {
            Err(PythonError::Exited {
                interpreter: self.interpreter.clone(),
                when: "while exiting".into(),
                status: describe_status(status),
                stderr: self.stderr_tail(),
            })
        }
    }

    /// Kills the driver and its pools' workers at once (its whole process group) and reaps it.
    pub fn kill(&mut self) {
        drop(self.stdin.take());
        self.kill_group();
        if !self.reaped {
            let _ = self.child.wait();
            self.reaped = true;
        }
    }

    fn kill_group(&self) {
        // The group id is the driver's pid; it is not reused while any member (or the
        // unreaped driver) is left, so this cannot hit another process group.
        let group = nix::unistd::Pid::from_raw(self.child.id() as i32);
        let _ = nix::sys::signal::killpg(group, nix::sys::signal::Signal::SIGKILL);
    }

    /// Sends `request` and reads the reply, which must say `"ok": true` and parse as `T`.
    fn request<T: DeserializeOwned>(
        &mut self,
        request: &Value,
        when: &str,
    ) -> Result<T, PythonError> {
        let mut line = request.to_string();
        line.push('\n');
        let sent = match self.stdin.as_mut() {
            Some(stdin) => stdin
                .write_all(line.as_bytes())
                .and_then(|()| stdin.flush()),
            None => Err(std::io::ErrorKind::BrokenPipe.into()),
        };
        if sent.is_err() {
            return Err(self.died(when));
        }
        let reply = self.receive(when)?;
        match reply.get("ok") {
            Some(Value::Bool(true)) => {}
            Some(Value::Bool(false)) => {
                let detail = reply
                    .get("error")
                    .and_then(Value::as_str)
                    .unwrap_or("no reason given")
                    .to_string();
                return Err(PythonError::Failed {
                    interpreter: self.interpreter.clone(),
                    when: when.to_string(),
                    detail,
                });
            }
            _ => return Err(self.protocol(when, format!("a reply without \"ok\": {reply}"))),
        }
        serde_json::from_value(reply.clone()).map_err(|e| {
            self.protocol(
                when,
                format!("{e} in reply {}", shorten(&reply.to_string())),
            )
        })
    }

    /// Reads the next line and parses it as a JSON object.
    fn receive(&mut self, when: &str) -> Result<Value, PythonError> {
        let line = match self.lines.recv_timeout(self.timeout) {
            Ok(line) => line,
            Err(RecvTimeoutError::Disconnected) => return Err(self.died(when)),
            Err(RecvTimeoutError::Timeout) => {
                self.kill();
                return Err(PythonError::Timeout {
                    interpreter: self.interpreter.clone(),
                    when: when.to_string(),
                    seconds: self.timeout.as_secs(),
                });
            }
        };
        match serde_json::from_str::<Value>(&line) {
            Ok(value @ Value::Object(_)) => Ok(value),
            _ => {
                let detail = format!("it printed '{}'", shorten(line.trim_end()));
                self.kill();
                Err(self.protocol(when, detail))
            }
        }
    }

    /// Checks the hello line: the protocol version first, then the Python version.
    fn check_hello(&mut self, hello: &Value, when: &str) -> Result<InterpreterInfo, PythonError> {
        let protocol = hello.get("parbench_driver").and_then(Value::as_u64);
        if protocol != Some(u64::from(PROTOCOL_VERSION)) {
            let detail = format!(
                "expected a hello of protocol {PROTOCOL_VERSION}, got {}",
                shorten(&hello.to_string())
            );
            self.kill();
            return Err(self.protocol(when, detail));
        }
        let version = hello.get("python").and_then(Value::as_str).unwrap_or("");
        match parse_major_minor(version) {
            Some(v) if v >= MIN_VERSION => {}
            Some(_) => {
                let version = version.to_string();
                self.kill();
                return Err(PythonError::TooOld {
                    interpreter: self.interpreter.clone(),
                    version,
                });
            }
            None => {
                let detail = format!("a hello without a version: {}", shorten(&hello.to_string()));
                self.kill();
                return Err(self.protocol(when, detail));
            }
        }
        let mut info = hello.clone();
        if let Some(object) = info.as_object_mut() {
            object.insert("version".into(), Value::String(version.to_string()));
        }
        serde_json::from_value(info).map_err(|e| {
            let detail = format!("{e} in hello {}", shorten(&hello.to_string()));
            self.kill();
            self.protocol(when, detail)
        })
    }

    fn protocol(&self, when: &str, detail: String) -> PythonError {
        PythonError::Protocol {
            interpreter: self.interpreter.clone(),
            when: when.to_string(),
            detail,
        }
    }

    /// The error for a driver whose output closed: waits briefly for it to exit on its own
    /// (to say how it ended), then ends its process group.
    fn died(&mut self, when: &str) -> PythonError {
        drop(self.stdin.take());
        let deadline = Instant::now() + EXIT_GRACE;
        let status = loop {
            match self.child.try_wait() {
                Ok(Some(status)) => {
                    self.reaped = true;
                    break describe_status(status);
                }
                Ok(None) if Instant::now() < deadline => std::thread::sleep(POLL),
                _ => break "it closed its output, so it was stopped".to_string(),
            }
        };
        self.kill();
        PythonError::Exited {
            interpreter: self.interpreter.clone(),
            when: when.to_string(),
            status,
            stderr: self.stderr_tail(),
        }
    }

    /// `: <last stderr line>`, or empty when the driver wrote nothing to stderr.
    fn stderr_tail(&self) -> String {
        // The stderr reader may still be draining the pipe of a process that just died.
        let deadline = Instant::now() + Duration::from_millis(200);
        loop {
            let lines = self.stderr.lock().expect("stderr tail lock");
            if let Some(last) = lines.iter().rev().find(|l| !l.trim().is_empty()) {
                return format!(": {}", shorten(last.trim()));
            }
            drop(lines);
            if Instant::now() >= deadline {
                return String::new();
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for PythonDriver {
    fn drop(&mut self) {
        if self.reaped {
            self.kill_group();
            return;
        }
        // A clean exit first: the driver closes its pools and joins their workers.
        drop(self.stdin.take());
        let deadline = Instant::now() + EXIT_GRACE;
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                self.reaped = true;
                break;
            }
            std::thread::sleep(POLL);
        }
        self.kill();
    }
}

const POLL: Duration = Duration::from_millis(10);

fn placeholder_info() -> InterpreterInfo {
    InterpreterInfo {
        version: String::new(),
        implementation: String::new(),
        executable: String::new(),
        gil: GilStatus::Enabled,
        free_threaded_build: false,
        start_method: String::new(),
        cpus: None,
    }
}

/// At most 120 characters of `text`, for error messages.
fn shorten(text: &str) -> String {
    const MAX: usize = 120;
    match text.char_indices().nth(MAX) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text.to_string(),
    }
}

/// A thread that reads `pipe` line by line (lossily decoded, at most [`MAX_LINE`] bytes each)
/// into a channel; the channel closes at end of file.
fn read_lines(pipe: impl Read + Send + 'static) -> Receiver<String> {
    let (sender, receiver) = mpsc::channel();
    std::thread::spawn(move || {
        let mut reader = BufReader::new(pipe);
        loop {
            let mut line = Vec::new();
            match reader.by_ref().take(MAX_LINE).read_until(b'\n', &mut line) {
                Ok(0) | Err(_) => break,
                Ok(_) => {
                    let text = String::from_utf8_lossy(&line).into_owned();
                    if sender.send(text).is_err() {
                        break;
                    }
                }
            }
        }
    });
    receiver
}

/// A thread that keeps the last [`STDERR_LINES`] lines of `pipe` in `tail`.
fn keep_tail(pipe: impl Read + Send + 'static, tail: Arc<Mutex<VecDeque<String>>>) {
    std::thread::spawn(move || {
        let mut reader = BufReader::new(pipe);
        loop {
            let mut line = Vec::new();
            match reader.by_ref().take(MAX_LINE).read_until(b'\n', &mut line) {
                Ok(0) | Err(_) => break,
                Ok(_) => {
                    let mut lines = tail.lock().expect("stderr tail lock");
                    if lines.len() == STDERR_LINES {
                        lines.pop_front();
                    }
                    lines.push_back(String::from_utf8_lossy(&line).into_owned());
                }
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_parse_to_major_minor() {
        assert_eq!(parse_major_minor("3.11.7"), Some((3, 11)));
        assert_eq!(parse_major_minor("3.8"), Some((3, 8)));
        assert_eq!(parse_major_minor("three"), None);
        assert!(parse_major_minor("3.7.16").unwrap() < MIN_VERSION);
        assert!(parse_major_minor("3.10.0").unwrap() >= MIN_VERSION);
    }

    #[test]
    fn long_text_is_shortened_on_a_char_boundary() {
        let long = "é".repeat(300);
        let short = shorten(&long);
        assert_eq!(short.chars().count(), 121);
        assert_eq!(shorten("abc"), "abc");
    }

    #[test]
    fn driver_source_speaks_this_protocol_version() {
        assert!(DRIVER_SOURCE.contains(&format!("PROTOCOL = {PROTOCOL_VERSION}\n")));
        assert!(DRIVER_SOURCE.contains(&format!("MIN_VERSION = {MIN_VERSION:?}\n")));
    }
}
