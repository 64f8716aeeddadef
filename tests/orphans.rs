//! No orphans: whatever ends `parbench run`, its workers, scratch directory and server go too.
//!
//! Each test starts the real binary on a long run, ends it (SIGKILL, SIGTERM, SIGINT) while
//! its tasks are running, and checks what is left by reading `/proc`.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use nix::sys::signal::{Signal, kill};
use nix::unistd::Pid;

/// How long the tests wait for something that should take milliseconds.
const PATIENCE: Duration = Duration::from_secs(10);
/// How long after its parent's death a worker may still be alive (the goal is 100 ms; the
/// machine running the tests may be busy).
const WORKER_DEATH_LIMIT: Duration = Duration::from_secs(1);

/// How long workers get to receive their first task.
const SETTLE: Duration = Duration::from_millis(500);

/// A process as `/proc/<pid>/stat` describes it: enough to tell it from a later one that
/// reuses its pid.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct ProcessId {
    pid: i32,
    start_time: u64,
}

/// State, parent pid and start time of `pid`, or `None` if it does not exist.
fn stat(pid: i32) -> Option<(char, i32, u64)> {
    let text = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name, in parentheses, may contain spaces: the fields follow the last ')'.
    let fields: Vec<&str> = text[text.rfind(')')? + 1..].split_whitespace().collect();
    let state = fields.first()?.chars().next()?;
    let parent = fields.get(1)?.parse().ok()?;
    let start_time = fields.get(19)?.parse().ok()?;
    Some((state, parent, start_time))
}

/// The children of `parent` now.
fn children_of(parent: u32) -> Vec<ProcessId> {
    std::fs::read_dir("/proc")
        .expect("/proc is readable")
        .filter_map(|entry| entry.ok()?.file_name().to_str()?.parse::<i32>().ok())
        .filter_map(|pid| {
            let (_, ppid, start_time) = stat(pid)?;
            (ppid == parent as i32).then_some(ProcessId { pid, start_time })
        })
        .collect()
}

/// Whether `process` still runs: exists, is the same process, and is not a zombie.
fn alive(process: ProcessId) -> bool {
    stat(process.pid).is_some_and(|(state, _, start_time)| {
        start_time == process.start_time && !matches!(state, 'Z' | 'X')
    })
}

/// Waits until `parent` has `count` children and returns them.
fn wait_for_children(parent: &mut Child, count: usize) -> Vec<ProcessId> {
    let deadline = Instant::now() + PATIENCE;
    loop {
        let children = children_of(parent.id());
        if children.len() >= count {
            return children;
        }
        if let Ok(Some(status)) = parent.try_wait() {
            panic!("parbench ended ({status}) before starting {count} workers");
        }
        assert!(
            Instant::now() < deadline,
            "parbench started {} of {count} workers in {PATIENCE:?}",
            children.len()
        );
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// How long until none of `processes` is alive, if that happens within `limit`.
fn time_until_dead(processes: &[ProcessId], limit: Duration) -> Option<Duration> {
    let start = Instant::now();
    while start.elapsed() <= limit {
        if !processes.iter().any(|&p| alive(p)) {
            return Some(start.elapsed());
        }
        std::thread::sleep(Duration::from_millis(2));
    }
    None
}

/// `parbench run` with `args`, its stdout piped.
fn parbench_run(args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_parbench"));
    command
        .arg("run")
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    command
}

fn signal(child: &Child, signal: Signal) {
    kill(Pid::from_raw(child.id() as i32), signal).expect("the child can be signalled");
}

/// Waits for `child` to exit, failing the test if it takes longer than `limit`.
fn wait_at_most(child: &mut Child, limit: Duration) -> ExitStatus {
    let deadline = Instant::now() + limit;
    loop {
        if let Some(status) = child.try_wait().expect("waitable") {
            return status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("parbench did not exit within {limit:?} of the signal");
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// SIGKILLs the parent of a run with `workers` workers sleeping 30 s each, and checks every
/// worker is dead well before its task would end.
fn workers_die_with_a_killed_parent(strategy: &str, workers: usize) {
    let workers_flag = workers.to_string();
    let mut args = vec![
        "--workload",
        "sleep",
        "--duration",
        "30s",
        "--tasks",
        "8",
        "--strategy",
        strategy,
    ];
    // `--workers` sizes the pool; `processes` starts one process per task and refuses it.
    if strategy == "process-pool" {
        args.extend(["--workers", &workers_flag]);
    }
    let mut parent = parbench_run(&args).spawn().unwrap();
    let children = wait_for_children(&mut parent, workers);
    assert_eq!(children.len(), workers, "{strategy}: {children:?}");
    // Let them read their task and start sleeping: an idle worker would exit on the closed
    // pipe alone, and the parent-death signal is what this checks.
    std::thread::sleep(SETTLE);
    assert!(
        children.iter().all(|&p| alive(p)),
        "{strategy}: {children:?}"
    );
    signal(&parent, Signal::SIGKILL);
    parent.wait().unwrap();
    let dead_after = time_until_dead(&children, WORKER_DEATH_LIMIT);
    let still_alive: Vec<_> = children.iter().filter(|&&p| alive(p)).collect();
    assert!(
        dead_after.is_some(),
        "{strategy}: workers {still_alive:?} outlived their SIGKILLed parent by {WORKER_DEATH_LIMIT:?}"
    );
    eprintln!(
        "{strategy}: {workers} workers dead {:?} after their parent",
        dead_after.unwrap()
    );
}

#[test]
fn processes_workers_die_when_their_parent_is_killed() {
    workers_die_with_a_killed_parent("processes", 8);
}

#[test]
fn process_pool_workers_die_when_their_parent_is_killed() {
    workers_die_with_a_killed_parent("process-pool", 2);
}

#[test]
fn sigterm_kills_the_workers_and_exits_143() {
    let mut parent = parbench_run(&[
        "--workload",
        "sleep",
        "--duration",
        "30s",
        "--tasks",
        "4",
        "--strategy",
        "processes",
    ])
    .spawn()
    .unwrap();
    let children = wait_for_children(&mut parent, 4);
    signal(&parent, Signal::SIGTERM);
    let status = wait_at_most(&mut parent, PATIENCE);
    assert_eq!(status.code(), Some(143), "{status}");
    // The parent killed them before it exited: none is left, not even for a moment.
    let still_alive: Vec<_> = children.iter().filter(|&&p| alive(p)).collect();
    assert!(still_alive.is_empty(), "{still_alive:?}");
    let mut stderr = String::new();
    std::io::Read::read_to_string(&mut parent.stderr.take().unwrap(), &mut stderr).unwrap();
    assert!(
        stderr.is_empty(),
        "an interrupted run prints no error: {stderr}"
    );
}

#[test]
fn sigint_exits_130() {
    let mut parent = parbench_run(&[
        "--workload",
        "sleep",
        "--duration",
        "30s",
        "--tasks",
        "2",
        "--strategy",
        "process-pool",
        "--workers",
        "2",
    ])
    .spawn()
    .unwrap();
    let children = wait_for_children(&mut parent, 2);
    signal(&parent, Signal::SIGINT);
    let status = wait_at_most(&mut parent, PATIENCE);
    assert_eq!(status.code(), Some(130), "{status}");
    assert!(!children.iter().any(|&p| alive(p)));
}

/// The one entry of `dir`, once there is one.
fn only_entry(dir: &Path) -> Option<std::path::PathBuf> {
    let entries: Vec<_> = std::fs::read_dir(dir).ok()?.flatten().collect();
    (entries.len() == 1).then(|| entries[0].path())
}

#[test]
fn sigterm_during_a_file_run_removes_its_scratch_directory() {
    let tmp = tempfile::tempdir().unwrap();
    // Many small tasks, one after another: each writes and fsyncs a file in the scratch
    // directory, so the run is still busy in it when the signal comes.
    let mut parent = parbench_run(&[
        "--workload",
        "file",
        "--bytes",
        "1KiB",
        "--tasks",
        "20000",
        "--strategy",
        "sequential",
    ])
    .env("TMPDIR", tmp.path())
    .spawn()
    .unwrap();
    let deadline = Instant::now() + PATIENCE;
    let scratch = loop {
        // The scratch directory, once a task has written a file in it.
        let busy = only_entry(tmp.path())
            .filter(|dir| std::fs::read_dir(dir).is_ok_and(|mut e| e.next().is_some()));
        if let Some(dir) = busy {
            break dir;
        }
        assert!(
            Instant::now() < deadline,
            "no task wrote into a scratch directory"
        );
        assert!(parent.try_wait().unwrap().is_none(), "the run ended early");
        std::thread::sleep(Duration::from_millis(1));
    };
    signal(&parent, Signal::SIGTERM);
    let status = wait_at_most(&mut parent, PATIENCE);
    assert_eq!(status.code(), Some(143), "{status}");
    assert!(!scratch.exists(), "{} survived the run", scratch.display());
    assert_eq!(std::fs::read_dir(tmp.path()).unwrap().count(), 0);
}

#[test]
fn sigterm_during_a_net_run_exits_promptly() {
    let mut parent = parbench_run(&[
        "--workload",
        "net",
        "--duration",
        "30s",
        "--tasks",
        "4",
        "--strategy",
        "threads",
    ])
    .spawn()
    .unwrap();
    // The first line is printed just before the run starts its server and tasks.
    let mut line = String::new();
    BufReader::new(parent.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    assert!(line.starts_with("Running 4 net-30s"), "{line}");
    std::thread::sleep(Duration::from_millis(300));
    let signalled = Instant::now();
    signal(&parent, Signal::SIGTERM);
    let status = wait_at_most(&mut parent, PATIENCE);
    assert_eq!(status.code(), Some(143), "{status}");
    assert!(
        signalled.elapsed() < Duration::from_secs(5),
        "took {:?} to stop",
        signalled.elapsed()
    );
}

/// `parbench worker` with `PARBENCH_PARENT_PID` set to `parent`, its stdin held open.
fn worker_claiming_parent(parent: &str) -> Child {
    Command::new(env!("CARGO_BIN_EXE_parbench"))
        .arg("worker")
        .env(parbench::worker::PARENT_PID_ENV, parent)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap()
}

#[test]
fn a_worker_whose_parent_is_already_gone_exits_at_once() {
    // pid 1 is not this test: the worker was orphaned before it could ask to die with its
    // parent, and must notice.
    let mut orphan = worker_claiming_parent("1");
    let status = wait_at_most(&mut orphan, PATIENCE);
    assert_eq!(status.code(), Some(1), "{status}");
    // With the right parent it stays, serving, until its stdin closes.
    let mut worker = worker_claiming_parent(&std::process::id().to_string());
    std::thread::sleep(Duration::from_millis(200));
    assert!(worker.try_wait().unwrap().is_none(), "it serves its parent");
    drop(worker.stdin.take());
    let status = wait_at_most(&mut worker, PATIENCE);
    assert!(status.success(), "{status}");
}
