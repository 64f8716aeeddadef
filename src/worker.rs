//! The worker process protocol: how `processes` and `process-pool` talk to their workers.
//!
//! A worker is the `parbench` binary run as `parbench worker`. It reads requests on stdin and
//! answers each on stdout, until stdin closes. All integers are little-endian.
//!
//! ```text
//! request: u32 header length, header (JSON: {"index", "workload", "context"}),
//!          u64 input length, input
//! reply:   u64 task index, u8 status (0 = output, 1 = task error), u32 length, payload
//! ```
//!
//! `context` is the run's [`TaskContext`]: `{"scratch_dir": path or null, "server": "ip:port"
//! or null}`, so a worker's `file` task writes into the parent's scratch directory and its
//! `net` task calls the parent's loopback server. A header without `context` means none.
//!
//! Moving the input through the pipe is the cost a process pays that a thread does not (as
//! Python's `multiprocessing` pickles arguments), so it is part of what the strategies measure.
//! [`WorkerProcess`] is the parent's side: it kills and reaps its child when dropped, so no
//! worker outlives a failed run.

use std::ffi::OsString;
use std::io::{self, BufReader, BufWriter, Read, Write};
use std::path::PathBuf;
use std::process::{Child, ChildStdin, ChildStdout, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::workload::{NoGate, TaskContext, TaskOutput, Workload};

/// The largest reply payload a worker may send; anything longer is garbage.
const MAX_REPLY: u32 = 1 << 20;
/// The largest request header a worker accepts.
const MAX_HEADER: u32 = 1 << 16;
/// How long a worker that closed its pipe gets to exit on its own before it is killed.
const EXIT_GRACE: Duration = Duration::from_millis(500);

/// The program (and arguments) that runs a worker.
///
/// For parbench this is its own binary with the `worker` argument; tests may point it at any
/// program to play a faulty worker.
#[derive(Clone, Debug)]
pub struct WorkerCommand {
    program: PathBuf,
    args: Vec<OsString>,
}

impl WorkerCommand {
    /// The `parbench` binary at `exe`, run as `exe worker`.
    pub fn parbench(exe: impl Into<PathBuf>) -> Self {
        WorkerCommand {
            program: exe.into(),
            args: vec!["worker".into()],
        }
    }

    /// The running binary as worker: right for the `parbench` CLI itself.
    pub fn current_exe() -> Result<Self> {
        let exe = std::env::current_exe().map_err(|source| Error::System {
            action: "cannot find the parbench binary to run as worker",
            source,
        })?;
        Ok(Self::parbench(exe))
    }

    /// Any program with arguments, e.g. a shell script that plays a crashing worker.
    pub fn custom(
        program: impl Into<PathBuf>,
        args: impl IntoIterator<Item = impl Into<OsString>>,
    ) -> Self {
        WorkerCommand {
            program: program.into(),
            args: args.into_iter().map(Into::into).collect(),
        }
    }
}

/// The header of a request: which task, of which workload, in which context.
#[derive(Serialize, Deserialize)]
struct RequestHeader {
    index: usize,
    workload: Workload,
    #[serde(default)]
    context: TaskContext,
}

/// Writes one request for task `index` to a worker.
fn write_request(
    out: &mut impl Write,
    index: usize,
    workload: &Workload,
    context: &TaskContext,
    input: &[u8],
) -> io::Result<()> {
    let header = serde_json::to_vec(&RequestHeader {
        index,
        workload: *workload,
        context: context.clone(),
    })
    .map_err(io::Error::other)?;
    out.write_all(&(header.len() as u32).to_le_bytes())?;
    out.write_all(&header)?;
    out.write_all(&(input.len() as u64).to_le_bytes())?;
    out.write_all(input)?;
    out.flush()
}

/// Reads one request; `Ok(None)` when the parent closed the pipe between requests.
fn read_request(input: &mut impl Read) -> io::Result<Option<(RequestHeader, Vec<u8>)>> {
    let mut len = [0u8; 4];
    match input.read_exact(&mut len) {
        Ok(()) => {}
        Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => return Ok(None),
        Err(e) => return Err(e),
    }
    let len = u32::from_le_bytes(len);
    if len > MAX_HEADER {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            "request header too long",
        ));
    }
    let mut header = vec![0u8; len as usize];
    input.read_exact(&mut header)?;
    let header: RequestHeader = serde_json::from_slice(&header)
        .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))?;
    let mut len = [0u8; 8];
    input.read_exact(&mut len)?;
    let len = u64::from_le_bytes(len);
    if len > crate::units::MAX_TASK_BYTES {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            "request input too long",
        ));
    }
    let mut data = vec![0u8; len as usize];
    input.read_exact(&mut data)?;
    Ok(Some((header, data)))
}

/// Writes one reply.
fn write_reply(out: &mut impl Write, index: usize, result: &Result<TaskOutput>) -> io::Result<()> {
    let (status, payload): (u8, Vec<u8>) = match result {
        Ok(output) => (0, output.as_bytes().to_vec()),
        Err(e) => (1, e.to_string().into_bytes()),
    };
    out.write_all(&(index as u64).to_le_bytes())?;
    out.write_all(&[status])?;
    out.write_all(&(payload.len() as u32).to_le_bytes())?;
    out.write_all(&payload)?;
    out.flush()
}

/// The worker's side: answers requests from `input` on `output` until `input` closes.
///
/// This is what `parbench worker` runs.
pub fn serve(input: impl Read, output: impl Write) -> io::Result<()> {
    let mut input = BufReader::new(input);
    let mut output = BufWriter::new(output);
    while let Some((header, data)) = read_request(&mut input)? {
        let result = header
            .workload
            .run_task(header.index, &data, &header.context, &mut NoGate);
        write_reply(&mut output, header.index, &result)?;
    }
    Ok(())
}

/// One running worker process, seen from the parent.
///
/// Dropping it kills the child if it still runs and reaps it, so no zombie or orphan stays.
#[derive(Debug)]
pub struct WorkerProcess {
    child: Child,
    stdin: Option<BufWriter<ChildStdin>>,
    stdout: BufReader<ChildStdout>,
}

impl WorkerProcess {
    /// Starts a worker process.
    pub fn spawn(command: &WorkerCommand) -> Result<Self> {
        let mut child = Command::new(&command.program)
            .args(&command.args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .map_err(|source| Error::WorkerSpawn {
                program: command.program.clone(),
                source,
            })?;
        let stdin = child.stdin.take().map(BufWriter::new);
        let stdout = BufReader::new(child.stdout.take().expect("stdout was piped"));
        Ok(WorkerProcess {
            child,
            stdin,
            stdout,
        })
    }

    /// The worker's process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// The read end of the worker's stdout, for waiting on several workers at once with
    /// `poll`; `None` once a reply is already buffered (it can be received without waiting).
    pub fn reply_fd(&self) -> Option<std::os::fd::BorrowedFd<'_>> {
        use std::os::fd::AsFd;
        self.stdout
            .buffer()
            .is_empty()
            .then(|| self.stdout.get_ref().as_fd())
    }

    /// Sends task `index` with its context and input.
    pub fn send(
        &mut self,
        index: usize,
        workload: &Workload,
        context: &TaskContext,
        input: &[u8],
    ) -> Result<()> {
        let result = match self.stdin.as_mut() {
            Some(stdin) => write_request(stdin, index, workload, context, input),
            None => Err(io::Error::from(io::ErrorKind::BrokenPipe)),
        };
        result.map_err(|_| self.died(index))
    }

    /// Closes the worker's stdin: it exits after answering what it has.
    pub fn finish_sending(&mut self) {
        self.stdin = None;
    }

    /// Receives the reply for task `index`.
    pub fn receive(&mut self, index: usize) -> Result<TaskOutput> {
        let pid = self.pid();
        let protocol = |detail: String| Error::WorkerProtocol {
            task: index,
            pid,
            detail,
        };
        let mut head = [0u8; 13];
        if self.stdout.read_exact(&mut head).is_err() {
            return Err(self.died(index));
        }
        let got_index = u64::from_le_bytes(head[0..8].try_into().expect("8 bytes"));
        let status = head[8];
        let len = u32::from_le_bytes(head[9..13].try_into().expect("4 bytes"));
        if got_index != index as u64 {
            self.kill();
            return Err(protocol(format!("reply names task {got_index}")));
        }
        if status > 1 || len > MAX_REPLY {
            self.kill();
            return Err(protocol(format!("bad status {status} or length {len}")));
        }
        let mut payload = vec![0u8; len as usize];
        if self.stdout.read_exact(&mut payload).is_err() {
            return Err(self.died(index));
        }
        if status == 1 {
            return Err(Error::TaskFailed {
                task: index,
                detail: String::from_utf8_lossy(&payload).into_owned(),
            });
        }
        Ok(TaskOutput::new(payload))
    }

    /// Runs one task on this worker: send, then receive.
    pub fn run(
        &mut self,
        index: usize,
        workload: &Workload,
        context: &TaskContext,
        input: &[u8],
    ) -> Result<TaskOutput> {
        self.send(index, workload, context, input)?;
        self.receive(index)
    }

    /// Kills the worker (if it still runs) and reaps it.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// Closes stdin and waits for a clean exit; an unclean one is an error naming `last_task`.
    pub fn shut_down(mut self, last_task: usize) -> Result<()> {
        self.finish_sending();
        match self.child.wait() {
            Ok(status) if status.success() => Ok(()),
            Ok(status) => Err(Error::WorkerDied {
                task: last_task,
                pid: self.pid(),
                status: describe_status(status),
            }),
            Err(source) => Err(Error::System {
                action: "cannot wait for a worker process",
                source,
            }),
        }
    }

    /// The error for a worker whose pipe broke during task `index`: waits briefly for it to
    /// exit on its own (to report how it ended), kills it otherwise.
    fn died(&mut self, index: usize) -> Error {
        let pid = self.pid();
        let deadline = Instant::now() + EXIT_GRACE;
        let status = loop {
            match self.child.try_wait() {
                Ok(Some(status)) => break describe_status(status),
                Ok(None) if Instant::now() < deadline => {
                    std::thread::sleep(Duration::from_millis(5))
                }
                Ok(None) => {
                    self.kill();
                    break "it closed its pipes, so it was killed".to_string();
                }
                Err(e) => break format!("its status is unknown ({e})"),
            }
        };
        Error::WorkerDied {
            task: index,
            pid,
            status,
        }
    }
}

impl Drop for WorkerProcess {
    fn drop(&mut self) {
        self.stdin = None;
        if let Ok(None) = self.child.try_wait() {
            self.kill();
        }
    }
}

/// Says how a process ended: `exit status 3` or `killed by signal 9 (SIGKILL)`.
pub fn describe_status(status: ExitStatus) -> String {
    use std::os::unix::process::ExitStatusExt;
    if let Some(code) = status.code() {
        return format!("exit status {code}");
    }
    match status.signal() {
        Some(signal) => {
            let name = nix::sys::signal::Signal::try_from(signal)
                .map(|s| s.as_str().to_string())
                .unwrap_or_else(|_| "unknown".to_string());
            format!("killed by signal {signal} ({name})")
        }
        None => "ended for an unknown reason".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_and_reply_round_trip_in_memory() {
        let workload = Workload::Hash { bytes: 5 };
        let mut wire = Vec::new();
        let context = TaskContext::default();
        write_request(&mut wire, 3, &workload, &context, &[3, 4, 5, 6, 7]).unwrap();
        write_request(&mut wire, 4, &workload, &context, &[4, 5, 6, 7, 8]).unwrap();
        let mut replies = Vec::new();
        serve(&wire[..], &mut replies).unwrap();
        let expected = workload.expected_output(3, &[3, 4, 5, 6, 7]);
        assert_eq!(&replies[0..8], &3u64.to_le_bytes());
        assert_eq!(replies[8], 0);
        assert_eq!(&replies[13..13 + 32], expected.as_bytes());
        assert_eq!(replies.len(), 2 * (13 + 32));
    }

    #[test]
    fn context_travels_in_the_header_and_may_be_absent() {
        let context = TaskContext {
            scratch_dir: Some("/tmp/x".into()),
            server: Some("127.0.0.1:9".parse().unwrap()),
        };
        let mut wire = Vec::new();
        write_request(&mut wire, 1, &Workload::Noop, &context, &[]).unwrap();
        let (header, _) = read_request(&mut &wire[..]).unwrap().unwrap();
        assert_eq!(header.context, context);
        let old: RequestHeader =
            serde_json::from_str(r#"{"index": 1, "workload": {"kind": "noop"}}"#).unwrap();
        assert_eq!(old.context, TaskContext::default());
    }

    #[test]
    fn garbage_request_is_an_error_not_a_panic() {
        let garbage = [0xffu8; 16];
        let mut replies = Vec::new();
        assert!(serve(&garbage[..], &mut replies).is_err());
    }

    #[test]
    fn crashing_worker_is_reported_with_its_signal() {
        let command = WorkerCommand::custom("sh", ["-c", "kill -9 $$"]);
        let mut worker = WorkerProcess::spawn(&command).unwrap();
        let err = worker
            .run(2, &Workload::Noop, &TaskContext::default(), &[])
            .unwrap_err()
            .to_string();
        assert!(err.contains("task 2"), "{err}");
        assert!(err.contains("SIGKILL"), "{err}");
    }

    #[test]
    fn garbage_reply_is_a_protocol_error() {
        let command = WorkerCommand::custom(
            "sh",
            [
                "-c",
                "cat >/dev/null & printf 'this is not a reply at all'; exec sleep 5",
            ],
        );
        let mut worker = WorkerProcess::spawn(&command).unwrap();
        let err = worker
            .run(0, &Workload::Noop, &TaskContext::default(), &[])
            .unwrap_err();
        assert!(
            matches!(err, Error::WorkerProtocol { task: 0, .. }),
            "{err}"
        );
    }

    #[test]
    fn missing_program_is_a_spawn_error() {
        let command = WorkerCommand::custom("/nonexistent/parbench-worker", Vec::<String>::new());
        let err = WorkerProcess::spawn(&command).unwrap_err().to_string();
        assert!(err.contains("/nonexistent/parbench-worker"), "{err}");
    }

    #[test]
    fn exit_status_descriptions() {
        use std::os::unix::process::ExitStatusExt;
        assert_eq!(
            describe_status(ExitStatus::from_raw(3 << 8)),
            "exit status 3"
        );
        assert_eq!(
            describe_status(ExitStatus::from_raw(9)),
            "killed by signal 9 (SIGKILL)"
        );
    }
}
