//! The worker process protocol: how `processes` and `process-pool` talk to their workers.
//!
//! A worker is the `parbench` binary run as `parbench worker`. It reads requests on stdin and
//! answers each on stdout, until stdin closes. All integers are little-endian.
//!
//! ```text
//! request: u64 task index, u32 header length, header (JSON: {"workload", "context"}),
//!          u64 input length, input
//! reply:   u64 task index, u8 status (0 = output, 1 = task error), u32 length, payload
//! ```
//!
//! Every task of a run has the same header, so the parent encodes it once ([`TaskHeader`]) and
//! the worker decodes it once (it keeps the last header's bytes and what they said).
//! `context` is the run's [`TaskContext`]: `{"scratch_dir": path or null, "server": "ip:port"
//! or null}`, so a worker's `file` task writes into the parent's scratch directory and its
//! `net` task calls the parent's loopback server. A header without `context` means none.
//!
//! Moving the input through the pipe is the cost a process pays that a thread does not (as
//! Python's `multiprocessing` pickles arguments), so it is part of what the strategies measure.
//! [`WorkerProcess`] is the parent's side. The parent drives any number of workers from one
//! thread: its pipe ends are non-blocking, and it waits on all of them at once with `poll`
//! (see [`WorkerProcess::begin`] and [`WorkerProcess::advance`]), so a large input never
//! blocks it and a worker that dies is noticed at once.
//!
//! No worker outlives its parent:
//! - [`WorkerProcess`] kills and reaps its child when dropped, so a failed run leaves none;
//! - the worker asks the kernel for SIGKILL when its parent dies (`PR_SET_PDEATHSIG`), the
//!   only guarantee against a parent killed by SIGKILL; the parent passes its pid in
//!   `PARBENCH_PARENT_PID` so that a worker whose parent died before that request took effect
//!   exits at once. (The kernel sends it when the *thread* that spawned the worker ends: spawn
//!   workers on a thread that outlives them, as parbench does.)
//! - a worker whose stdin closes exits after answering what it has;
//! - on SIGINT or SIGTERM `parbench run` kills its workers before it exits (see
//!   [`crate::signals`]); workers run in their own process group, so a terminal's Ctrl-C
//!   reaches only the parent, which cleans up in order.

use std::collections::VecDeque;
use std::ffi::OsString;
use std::io::{self, BufRead, BufReader, BufWriter, IoSlice, Read, Write};
use std::os::fd::{AsFd, BorrowedFd};
use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::{Child, ChildStdin, ChildStdout, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use nix::fcntl::{FcntlArg, OFlag, fcntl};
use nix::poll::{PollFd, PollFlags, PollTimeout, poll};
use nix::sys::signal::{Signal, kill};
use nix::sys::wait::{Id, WaitPidFlag, WaitStatus, waitid};
use nix::unistd::Pid;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::signals::OnTermination;
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

/// The header of a request: which workload, in which context.
#[derive(Deserialize)]
struct RequestHeader {
    workload: Workload,
    #[serde(default)]
    context: TaskContext,
}

/// [`RequestHeader`] as the parent writes it, borrowing what it sends.
#[derive(Serialize)]
struct RequestHeaderRef<'a> {
    workload: &'a Workload,
    context: &'a TaskContext,
}

/// The header every request of a run carries (its workload and context), encoded once.
#[derive(Clone, Debug)]
pub struct TaskHeader {
    json: Vec<u8>,
}

impl TaskHeader {
    /// Encodes the header of `workload`'s tasks in `context`.
    pub fn new(workload: &Workload, context: &TaskContext) -> Result<Self> {
        let json = serde_json::to_vec(&RequestHeaderRef { workload, context })
            .map_err(|e| Error::invalid("workload", e.to_string()))?;
        Ok(TaskHeader { json })
    }

    /// The bytes of a request for task `index` that come before its `input_len` bytes of input.
    fn request_head(&self, index: usize, input_len: usize) -> Vec<u8> {
        let mut head = Vec::with_capacity(8 + 4 + self.json.len() + 8);
        head.extend_from_slice(&(index as u64).to_le_bytes());
        head.extend_from_slice(&(self.json.len() as u32).to_le_bytes());
        head.extend_from_slice(&self.json);
        head.extend_from_slice(&(input_len as u64).to_le_bytes());
        head
    }
}

/// The reply status of a task that produced its output.
const STATUS_OUTPUT: u8 = 0;
/// The reply status of a task that failed; the payload is the error message.
const STATUS_ERROR: u8 = 1;
/// The length of a reply's fixed part: task index, status, payload length.
const REPLY_HEAD: usize = 13;

/// Writes one request for task `index` to a worker.
#[cfg(test)]
fn write_request(
    out: &mut impl Write,
    index: usize,
    workload: &Workload,
    context: &TaskContext,
    input: &[u8],
) -> io::Result<()> {
    let header = TaskHeader::new(workload, context).map_err(io::Error::other)?;
    out.write_all(&header.request_head(index, input.len()))?;
    out.write_all(input)?;
    out.flush()
}

/// Reads a reply to task `index` from the start of the bytes received so far: `Ok(None)` while
/// it is incomplete, its status and the payload's range once it is whole (the reply ends where
/// the payload does; bytes after it belong to the next reply), or what is wrong with it.
fn parse_reply(
    bytes: &[u8],
    index: usize,
) -> std::result::Result<Option<(u8, std::ops::Range<usize>)>, String> {
    let Some(head) = bytes.get(..REPLY_HEAD) else {
        return Ok(None);
    };
    let got_index = u64::from_le_bytes(head[0..8].try_into().expect("8 bytes"));
    let status = head[8];
    let len = u32::from_le_bytes(head[9..13].try_into().expect("4 bytes"));
    if got_index != index as u64 {
        return Err(format!("reply names task {got_index}"));
    }
    if status > STATUS_ERROR || len > MAX_REPLY {
        return Err(format!("bad status {status} or length {len}"));
    }
    let end = REPLY_HEAD + len as usize;
    if bytes.len() < end {
        return Ok(None);
    }
    Ok(Some((status, REPLY_HEAD..end)))
}

/// The worker's end of the request pipe: reads requests one after another, keeping the last
/// header decoded (every task of a run has the same one) and one input buffer (so that a
/// worker's pages for a large input are touched once, not once per task).
struct Requests<R> {
    input: BufReader<R>,
    /// The last request's header bytes, and what they say.
    header_json: Vec<u8>,
    header: Option<RequestHeader>,
    /// The last request's input.
    data: Vec<u8>,
}

impl<R: Read> Requests<R> {
    fn new(input: R) -> Self {
        Requests {
            input: BufReader::new(input),
            header_json: Vec::new(),
            header: None,
            data: Vec::new(),
        }
    }

    /// Reads the next request and returns its task index; `Ok(None)` when the parent closed the
    /// pipe between requests. Its header and input are then [`Requests::header`] and
    /// [`Requests::data`].
    fn next(&mut self) -> io::Result<Option<usize>> {
        let mut index = [0u8; 8];
        match self.input.read_exact(&mut index) {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => return Ok(None),
            Err(e) => return Err(e),
        }
        let index = u64::from_le_bytes(index);
        let index = usize::try_from(index).map_err(|_| invalid_data("task index too large"))?;
        let len = read_u32(&mut self.input)?;
        if len > MAX_HEADER {
            return Err(invalid_data("request header too long"));
        }
        let same_header = self.header.is_some() && self.header_json.len() == len as usize && {
            let buffered = self.input.buffer();
            buffered.len() >= len as usize && buffered[..len as usize] == self.header_json[..]
        };
        if same_header {
            self.input.consume(len as usize);
        } else {
            self.header = None;
            self.header_json.resize(len as usize, 0);
            self.input.read_exact(&mut self.header_json)?;
            let header: RequestHeader = serde_json::from_slice(&self.header_json)
                .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))?;
            self.header = Some(header);
        }
        let mut len = [0u8; 8];
        self.input.read_exact(&mut len)?;
        let len = u64::from_le_bytes(len);
        if len > crate::units::MAX_TASK_BYTES {
            return Err(invalid_data("request input too long"));
        }
        self.data.resize(len as usize, 0);
        self.input.read_exact(&mut self.data)?;
        Ok(Some(index))
    }

    /// The header of the last request read.
    fn header(&self) -> &RequestHeader {
        self.header.as_ref().expect("a request was read")
    }

    /// The input of the last request read.
    fn data(&self) -> &[u8] {
        &self.data
    }

    /// Whether a whole request waits in the buffer already: then the worker goes on to it
    /// without reading the pipe, and may hold its replies back a little.
    fn whole_request_buffered(&self) -> bool {
        let buffered = self.input.buffer();
        let Some(header_len) = buffered.get(8..12) else {
            return false;
        };
        let header_len = u32::from_le_bytes(header_len.try_into().expect("4 bytes")) as usize;
        let input_len_at = 12 + header_len;
        let Some(input_len) = buffered.get(input_len_at..input_len_at + 8) else {
            return false;
        };
        let input_len = u64::from_le_bytes(input_len.try_into().expect("8 bytes"));
        (buffered.len() - input_len_at - 8) as u64 >= input_len
    }
}

fn read_u32(input: &mut impl Read) -> io::Result<u32> {
    let mut bytes = [0u8; 4];
    input.read_exact(&mut bytes)?;
    Ok(u32::from_le_bytes(bytes))
}

fn invalid_data(what: &'static str) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, what)
}

/// Writes one reply (into `out`'s buffer: the caller flushes).
fn write_reply(out: &mut impl Write, index: usize, result: &Result<TaskOutput>) -> io::Result<()> {
    let (status, payload): (u8, std::borrow::Cow<'_, [u8]>) = match result {
        Ok(output) => (STATUS_OUTPUT, output.as_bytes().into()),
        Err(e) => (STATUS_ERROR, e.to_string().into_bytes().into()),
    };
    out.write_all(&(index as u64).to_le_bytes())?;
    out.write_all(&[status])?;
    out.write_all(&(payload.len() as u32).to_le_bytes())?;
    out.write_all(&payload)
}

/// How many replies a worker may hold back while the next request already waits in its
/// buffer: it sends them together, so the parent wakes once for several. Fewer than the
/// tasks a pool keeps in flight on a worker when it has many
/// ([`crate::strategy::in_flight_per_worker`]), so the parent hears of them,
/// and sends more, before the worker's queue runs dry.
const REPLY_BATCH: usize = 16;

/// The worker's side: answers requests from `input` on `output` until `input` closes.
///
/// Replies go out when no whole request waits in the input buffer (before the worker could
/// block on a read) or when 16 of them are held back, whichever comes first.
/// `parbench worker` runs it on its stdin and stdout, through [`serve_stdio`].
pub fn serve(input: impl Read, output: impl Write) -> io::Result<()> {
    let mut requests = Requests::new(input);
    let mut output = BufWriter::new(output);
    let mut held_back = 0;
    while let Some(index) = requests.next()? {
        let header = requests.header();
        let result = header
            .workload
            .run_task(index, requests.data(), &header.context, &mut NoGate);
        write_reply(&mut output, index, &result)?;
        held_back += 1;
        if held_back >= REPLY_BATCH || !requests.whole_request_buffered() {
            output.flush()?;
            held_back = 0;
        }
    }
    output.flush()
}

/// The environment variable in which the parent passes its process id to its workers.
pub const PARENT_PID_ENV: &str = "PARBENCH_PARENT_PID";

/// What `parbench worker` runs: asks to die with its parent, then serves stdin and stdout.
pub fn serve_stdio() -> io::Result<()> {
    die_with_parent()?;
    serve(io::stdin().lock(), io::stdout().lock())
}

/// Asks the kernel for SIGKILL when the parent dies, then checks the parent is still the one
/// that started this worker: if it died before the request took effect, exits at once.
fn die_with_parent() -> io::Result<()> {
    nix::sys::prctl::set_pdeathsig(nix::sys::signal::Signal::SIGKILL).map_err(io::Error::from)?;
    let started_by = std::env::var(PARENT_PID_ENV)
        .ok()
        .and_then(|pid| pid.parse::<i32>().ok());
    if let Some(parent) = started_by
        && nix::unistd::getppid().as_raw() != parent
    {
        // Orphaned already: nobody will ever read a reply.
        std::process::exit(1);
    }
    Ok(())
}

/// The progress of a request being written to a worker.
#[derive(Debug)]
struct Sending {
    /// The request's bytes before the input.
    head: Vec<u8>,
    /// How many bytes of head + input are written.
    written: usize,
    /// Whether to close the worker's stdin once the request is written.
    last: bool,
}

/// One running worker process, seen from the parent.
///
/// Its pipe ends are non-blocking: [`WorkerProcess::begin`] starts a task and
/// [`WorkerProcess::advance`] moves it on when `poll` says a pipe is ready, so one thread can
/// drive many workers. Several tasks can be in flight on one worker: while it computes one,
/// the next requests already wait in its pipe, so it does not go to sleep between tasks
/// (waking a process on another vCPU costs tens of µs). The worker answers in
/// order. [`WorkerProcess::run`] does both for a single task. Dropping it kills the child if
/// it still runs and reaps it, so no zombie or orphan stays.
#[derive(Debug)]
pub struct WorkerProcess {
    child: Child,
    stdin: Option<ChildStdin>,
    stdout: ChildStdout,
    /// The tasks in flight, oldest first: begun and not yet answered. The last one's request
    /// may still be being written ([`WorkerProcess::sending`]).
    in_flight: VecDeque<usize>,
    /// The request being written, until it is written whole.
    sending: Option<Sending>,
    /// The reply's bytes read so far.
    reply: Vec<u8>,
    /// Kills the child if parbench is interrupted; dropped before the child is reaped, so a
    /// pid is never signalled after it was freed.
    on_termination: Option<OnTermination>,
}

impl WorkerProcess {
    /// Starts a worker process.
    pub fn spawn(command: &WorkerCommand) -> Result<Self> {
        let spawn_error = |source| Error::WorkerSpawn {
            program: command.program.clone(),
            source,
        };
        let mut child = Command::new(&command.program)
            .args(&command.args)
            .env(PARENT_PID_ENV, std::process::id().to_string())
            .process_group(0)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .map_err(spawn_error)?;
        let pid = Pid::from_raw(child.id() as i32);
        let on_termination = Some(OnTermination::register(move || kill_and_await(pid)));
        let stdin = child.stdin.take().expect("stdin was piped");
        let stdout = child.stdout.take().expect("stdout was piped");
        // From here on, dropping `worker` kills and reaps the child.
        let worker = WorkerProcess {
            child,
            stdin: Some(stdin),
            stdout,
            in_flight: VecDeque::new(),
            sending: None,
            reply: Vec::new(),
            on_termination,
        };
        set_nonblocking(worker.stdin.as_ref().expect("just set"))
            .and_then(|()| set_nonblocking(&worker.stdout))
            .map_err(spawn_error)?;
        widen_pipe(worker.stdin.as_ref().expect("just set"));
        Ok(worker)
    }

    /// The worker's process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Whether any task is in flight: begun and not yet answered.
    pub fn is_busy(&self) -> bool {
        !self.in_flight.is_empty()
    }

    /// Whether another task can begin now: its previous request is written whole and fewer
    /// than `depth` tasks are in flight.
    pub fn can_begin(&self, depth: usize) -> bool {
        self.sending.is_none() && self.in_flight.len() < depth && self.stdin.is_some()
    }

    /// The task whose request is still being written, if any.
    pub fn sending_task(&self) -> Option<usize> {
        self.sending.as_ref().and(self.in_flight.back().copied())
    }

    /// The pipe to wait on for writing (`POLLOUT`) while a request is still being written.
    pub fn request_fd(&self) -> Option<BorrowedFd<'_>> {
        self.sending.as_ref()?;
        self.stdin.as_ref().map(AsFd::as_fd)
    }

    /// The pipe to wait on for the reply (`POLLIN`).
    pub fn reply_fd(&self) -> BorrowedFd<'_> {
        self.stdout.as_fd()
    }

    /// Starts task `index`: writes as much of its request as the pipe takes now. The rest is
    /// written by [`WorkerProcess::advance`]. With `last`, the worker's stdin is closed once
    /// the request is written, so it exits after answering.
    pub fn begin(
        &mut self,
        index: usize,
        header: &TaskHeader,
        input: &[u8],
        last: bool,
    ) -> Result<()> {
        debug_assert!(
            self.sending.is_none() && self.stdin.is_some(),
            "a task begins only when the worker can take it"
        );
        let head = header.request_head(index, input.len());
        self.in_flight.push_back(index);
        self.sending = Some(Sending {
            head,
            written: 0,
            last,
        });
        self.send_more(index, input)
    }

    /// Moves the tasks in flight on after `poll`: writes more of the request being written
    /// if `writable`, reads replies if `readable`. Pushes every task answered whole onto
    /// `answered`, oldest first, with its output (a buffer the caller reuses: no allocation
    /// per reply on the dispatch loop); `input_of(i)` is task `i`'s input, as given to
    /// [`WorkerProcess::begin`].
    pub fn advance<'a>(
        &mut self,
        input_of: impl Fn(usize) -> &'a [u8],
        writable: bool,
        readable: bool,
        answered: &mut Vec<(usize, TaskOutput)>,
    ) -> Result<()> {
        if writable && let Some(index) = self.sending_task() {
            self.send_more(index, input_of(index))?;
        }
        if readable {
            self.receive_more(answered)?;
        }
        Ok(())
    }

    /// Runs one task on this worker and waits for its output.
    pub fn run(
        &mut self,
        index: usize,
        workload: &Workload,
        context: &TaskContext,
        input: &[u8],
    ) -> Result<TaskOutput> {
        debug_assert!(!self.is_busy(), "run is for an idle worker");
        let header = TaskHeader::new(workload, context)?;
        self.begin(index, &header, input, false)?;
        let mut answered = Vec::with_capacity(1);
        loop {
            let (writable, readable) = {
                let mut fds = vec![PollFd::new(self.reply_fd(), PollFlags::POLLIN)];
                fds.extend(
                    self.request_fd()
                        .map(|fd| PollFd::new(fd, PollFlags::POLLOUT)),
                );
                wait_for_pipes(&mut fds)?;
                let ready = |fd: Option<&PollFd<'_>>| {
                    fd.and_then(PollFd::revents).is_some_and(|r| !r.is_empty())
                };
                (ready(fds.get(1)), ready(fds.first()))
            };
            self.advance(|_| input, writable, readable, &mut answered)?;
            if let Some((_, output)) = answered.pop() {
                return Ok(output);
            }
        }
    }

    /// Writes what the pipe takes of the request in flight; closes stdin after a last one.
    fn send_more(&mut self, index: usize, input: &[u8]) -> Result<()> {
        let Some(sending) = self.sending.as_mut() else {
            return Ok(());
        };
        let Some(stdin) = self.stdin.as_mut() else {
            return Err(self.died(index));
        };
        let total = sending.head.len() + input.len();
        while sending.written < total {
            let (head, input) = if sending.written < sending.head.len() {
                (&sending.head[sending.written..], input)
            } else {
                (&[][..], &input[sending.written - sending.head.len()..])
            };
            match stdin.write_vectored(&[IoSlice::new(head), IoSlice::new(input)]) {
                Ok(n) => sending.written += n,
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => return Ok(()),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(_) => return Err(self.died(index)),
            }
        }
        if sending.last {
            self.stdin = None;
        }
        self.sending = None;
        Ok(())
    }

    /// Reads what the pipe holds of the replies; pushes every task answered whole onto
    /// `answered`, oldest first.
    fn receive_more(&mut self, answered: &mut Vec<(usize, TaskOutput)>) -> Result<()> {
        let oldest = *self
            .in_flight
            .front()
            .expect("replies are read only while a task is in flight");
        let mut chunk = [0u8; 8192];
        match self.stdout.read(&mut chunk) {
            Ok(0) => return Err(self.died(oldest)),
            Ok(n) => self.reply.extend_from_slice(&chunk[..n]),
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::WouldBlock | io::ErrorKind::Interrupted
                ) =>
            {
                return Ok(());
            }
            Err(_) => return Err(self.died(oldest)),
        }
        let mut consumed = 0;
        loop {
            let rest = &self.reply[consumed..];
            let Some(&index) = self.in_flight.front() else {
                if !rest.is_empty() {
                    let detail = format!("{} bytes after the last reply", rest.len());
                    return Err(self.protocol_error(oldest, detail));
                }
                break;
            };
            let (status, payload) = match parse_reply(rest, index) {
                Ok(None) => break,
                Ok(Some(reply)) => reply,
                Err(detail) => return Err(self.protocol_error(index, detail)),
            };
            if self.in_flight.len() == 1 && self.sending.is_some() {
                let detail = "it replied before reading its whole request".to_string();
                return Err(self.protocol_error(index, detail));
            }
            let bytes = rest[payload.clone()].to_vec();
            consumed += payload.end;
            self.in_flight.pop_front();
            if status == STATUS_ERROR {
                return Err(Error::TaskFailed {
                    task: index,
                    detail: String::from_utf8_lossy(&bytes).into_owned(),
                });
            }
            answered.push((index, TaskOutput::new(bytes)));
        }
        self.reply.drain(..consumed);
        Ok(())
    }

    /// Kills the worker, which broke the protocol during task `index`, and says how.
    fn protocol_error(&mut self, index: usize, detail: String) -> Error {
        self.kill();
        Error::WorkerProtocol {
            task: index,
            pid: self.pid(),
            detail,
        }
    }

    /// Kills the worker (if it still runs) and reaps it.
    pub fn kill(&mut self) {
        self.on_termination = None;
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// Closes stdin and waits for a clean exit; an unclean one is an error naming `last_task`.
    pub fn shut_down(mut self, last_task: usize) -> Result<()> {
        self.stdin = None;
        self.on_termination = None;
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
        self.on_termination = None;
        let pid = self.pid();
        let deadline = Instant::now() + EXIT_GRACE;
        let status = loop {
            match self.child.try_wait() {
                Ok(Some(status)) => break describe_status(status),
                Ok(None) if Instant::now() < deadline => {
                    std::thread::sleep(Duration::from_millis(1))
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
        self.on_termination = None;
        if let Ok(None) = self.child.try_wait() {
            self.kill();
        }
    }
}

/// Waits until one of `fds` is ready; an interrupted wait returns early with nothing ready.
pub(crate) fn wait_for_pipes(fds: &mut [PollFd<'_>]) -> Result<()> {
    match poll(fds, PollTimeout::NONE) {
        Ok(_) | Err(nix::errno::Errno::EINTR) => Ok(()),
        Err(errno) => Err(Error::System {
            action: "cannot wait for the worker processes' pipes",
            source: io::Error::from(errno),
        }),
    }
}

/// The capacity asked of the pipe that carries a worker's inputs: Linux's default limit for
/// unprivileged processes (`/proc/sys/fs/pipe-max-size`).
const INPUT_PIPE_BYTES: nix::libc::c_int = 1 << 20;

/// Asks for a 1 MiB input pipe instead of the default 64 KiB: a 4 MiB input then crosses in 4
/// writes, not 64, and each write that fills the pipe costs a wake-up of the worker (tens of µs
/// when it runs on another vCPU). Best effort: where the kernel refuses (a lower limit, the
/// user's pipe quota spent), the default pipe works, only slower.
fn widen_pipe(fd: impl AsFd) {
    let _ = fcntl(&fd, FcntlArg::F_SETPIPE_SZ(INPUT_PIPE_BYTES));
}

/// Makes reads and writes on `fd` return `WouldBlock` instead of waiting.
fn set_nonblocking(fd: impl AsFd) -> io::Result<()> {
    let flags = OFlag::from_bits_truncate(fcntl(&fd, FcntlArg::F_GETFL)?);
    fcntl(&fd, FcntlArg::F_SETFL(flags | OFlag::O_NONBLOCK))?;
    Ok(())
}

/// The cleanup when parbench is interrupted: kill the worker, and wait (at most a second)
/// until it is dead, without reaping it, since its owner may still reap it.
fn kill_and_await(pid: Pid) {
    let _ = kill(pid, Signal::SIGKILL);
    let deadline = Instant::now() + Duration::from_secs(1);
    let flags = WaitPidFlag::WEXITED | WaitPidFlag::WNOWAIT | WaitPidFlag::WNOHANG;
    while Instant::now() < deadline {
        match waitid(Id::Pid(pid), flags) {
            Ok(WaitStatus::StillAlive) => std::thread::sleep(Duration::from_millis(1)),
            _ => return,
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
        write_request(&mut wire, 1, &Workload::Noop, &context, &[1, 2, 3]).unwrap();
        write_request(&mut wire, 2, &Workload::Noop, &context, &[]).unwrap();
        let mut requests = Requests::new(&wire[..]);
        assert_eq!(requests.next().unwrap(), Some(1));
        assert_eq!(requests.header().context, context);
        assert_eq!(requests.data(), &[1, 2, 3]);
        assert_eq!(requests.next().unwrap(), Some(2));
        assert_eq!(requests.header().context, context);
        assert!(
            requests.data().is_empty(),
            "the reused buffer holds this request's input only"
        );
        assert_eq!(requests.next().unwrap(), None);
        let old: RequestHeader = serde_json::from_str(r#"{"workload": {"kind": "noop"}}"#).unwrap();
        assert_eq!(old.context, TaskContext::default());
    }

    #[test]
    fn a_changed_header_is_decoded_again() {
        let mut wire = Vec::new();
        let context = TaskContext::default();
        write_request(&mut wire, 0, &Workload::Noop, &context, &[]).unwrap();
        write_request(
            &mut wire,
            1,
            &Workload::Hash { bytes: 2 },
            &context,
            &[5, 6],
        )
        .unwrap();
        write_request(
            &mut wire,
            2,
            &Workload::Hash { bytes: 2 },
            &context,
            &[7, 8],
        )
        .unwrap();
        let mut requests = Requests::new(&wire[..]);
        let mut seen = Vec::new();
        while let Some(index) = requests.next().unwrap() {
            seen.push((index, requests.header().workload, requests.data().to_vec()));
        }
        assert_eq!(
            seen,
            [
                (0, Workload::Noop, vec![]),
                (1, Workload::Hash { bytes: 2 }, vec![5, 6]),
                (2, Workload::Hash { bytes: 2 }, vec![7, 8]),
            ]
        );
    }

    #[test]
    fn a_whole_buffered_request_is_told_from_a_partial_one() {
        let mut wire = Vec::new();
        let context = TaskContext::default();
        write_request(&mut wire, 0, &Workload::Noop, &context, &[]).unwrap();
        let one = wire.len();
        write_request(
            &mut wire,
            1,
            &Workload::Receive { bytes: 3 },
            &context,
            &[1, 2, 3],
        )
        .unwrap();
        // All of it: after the first request, the second waits whole in the buffer.
        let mut requests = Requests::new(&wire[..]);
        requests.next().unwrap();
        assert!(requests.whole_request_buffered());
        requests.next().unwrap();
        assert!(!requests.whole_request_buffered());
        // One byte short of the second request: it is not whole.
        let mut requests = Requests::new(&wire[..wire.len() - 1]);
        requests.next().unwrap();
        assert!(!requests.whole_request_buffered());
        let mut requests = Requests::new(&wire[..one + 10]);
        requests.next().unwrap();
        assert!(!requests.whole_request_buffered());
    }

    /// Counts the writes that reach it: each is one `write` on the worker's pipe.
    #[derive(Default)]
    struct CountingPipe {
        writes: usize,
        bytes: Vec<u8>,
    }

    impl Write for CountingPipe {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            self.writes += 1;
            self.bytes.extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn replies_to_requests_waiting_in_the_buffer_go_out_together() {
        let mut wire = Vec::new();
        let context = TaskContext::default();
        for index in 0..2 * REPLY_BATCH + 3 {
            write_request(&mut wire, index, &Workload::Noop, &context, &[]).unwrap();
        }
        let mut pipe = CountingPipe::default();
        serve(&wire[..], &mut pipe).unwrap();
        // Every request was buffered at once: a write per REPLY_BATCH replies, and the rest.
        assert_eq!(pipe.writes, 3);
        let output = Workload::Noop.expected_output(0, &[]);
        let reply_len = REPLY_HEAD + output.as_bytes().len();
        assert_eq!(pipe.bytes.len(), (2 * REPLY_BATCH + 3) * reply_len);
        let mut wire = Vec::new();
        write_request(&mut wire, 0, &Workload::Noop, &context, &[]).unwrap();
        let mut pipe = CountingPipe::default();
        serve(&wire[..], &mut pipe).unwrap();
        assert_eq!(pipe.writes, 1, "a lone reply goes out at once");
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
    fn a_reply_before_the_whole_request_is_a_protocol_error_not_a_hang() {
        // It reads nothing: the 1 MiB request cannot be written whole, yet the reply comes.
        let command = WorkerCommand::custom(
            "sh",
            [
                "-c",
                "printf '\\007\\000\\000\\000\\000\\000\\000\\000\\000\\000\\000\\000\\000'; exec sleep 5",
            ],
        );
        let mut worker = WorkerProcess::spawn(&command).unwrap();
        let input = vec![0u8; 1 << 20];
        let err = worker
            .run(
                7,
                &Workload::Hash { bytes: 1 << 20 },
                &TaskContext::default(),
                &input,
            )
            .unwrap_err();
        assert!(
            matches!(&err, Error::WorkerProtocol { task: 7, detail, .. } if detail.contains("whole request")),
            "{err}"
        );
    }

    #[test]
    fn a_reply_in_pieces_is_put_together() {
        let reply = |index: u64, payload: &[u8]| {
            let mut bytes = index.to_le_bytes().to_vec();
            bytes.push(STATUS_OUTPUT);
            bytes.extend_from_slice(&(payload.len() as u32).to_le_bytes());
            bytes.extend_from_slice(payload);
            bytes
        };
        let whole = reply(4, b"abc");
        for cut in 0..whole.len() {
            assert_eq!(parse_reply(&whole[..cut], 4), Ok(None), "cut at {cut}");
        }
        assert_eq!(parse_reply(&whole, 4), Ok(Some((STATUS_OUTPUT, 13..16))));
        assert!(parse_reply(&whole, 5).unwrap_err().contains("task 4"));
        // Bytes after a whole reply are the next reply's (tasks queued on one worker).
        let mut two = whole.clone();
        two.extend_from_slice(&reply(5, b"de"));
        assert_eq!(parse_reply(&two, 4), Ok(Some((STATUS_OUTPUT, 13..16))));
        assert_eq!(
            parse_reply(&two[16..], 5),
            Ok(Some((STATUS_OUTPUT, 13..15)))
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
