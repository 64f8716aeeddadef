//! Workers that die or misbehave: killed mid-run (through the CLI and the library), a worker
//! program that exits at once, one that writes garbage. Each fails the run with an error naming
//! the worker, in bounded time, and leaves no process behind.

mod common;

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use parbench::Error;
use parbench::strategy::{ProcessPool, StrategyConfig, StrategyKind};
use parbench::worker::WorkerCommand;
use parbench::workload::{TaskSet, Workload};

use common::{alive, children_of, exists, worker};

/// Starts a long run on `strategy`, kills one of its workers, and checks the error and that
/// no worker survives.
fn kill_a_worker_mid_run(strategy: StrategyKind) {
    // `--workers` sizes the pool; `processes` starts one process per task and refuses it.
    let pool: &[&str] = if strategy == StrategyKind::ProcessPool {
        &["--workers", "3"]
    } else {
        &[]
    };
    let child = Command::new(env!("CARGO_BIN_EXE_parbench"))
        .args([
            "run",
            "--workload",
            "sleep",
            "--strategy",
            strategy.name(),
            "--tasks",
            "3",
            "--duration",
            "5s",
        ])
        .args(pool)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let pid = child.id();
    let deadline = Instant::now() + Duration::from_secs(10);
    let workers = loop {
        let workers = children_of(pid);
        if workers.len() == 3 || Instant::now() > deadline {
            break workers;
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    assert_eq!(workers.len(), 3, "{strategy}: the workers did not start");
    // The last-started worker: its task is the last one, so noticing its death at once shows
    // that replies are not awaited in task order.
    let victim = *workers.iter().max().unwrap();
    Command::new("kill")
        .args(["-9", &victim.to_string()])
        .status()
        .unwrap();
    let started = Instant::now();
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success(), "{strategy}: {stderr}");
    assert!(
        stderr.contains(&format!("worker process {victim} died while running task")),
        "{strategy}: {stderr}"
    );
    assert!(
        stderr.contains("killed by signal 9 (SIGKILL)"),
        "{strategy}: {stderr}"
    );
    assert!(!stderr.contains("panicked"), "{strategy}: {stderr}");
    // Bounded: the other workers are killed, not waited for through their 5 s sleeps.
    assert!(
        started.elapsed() < Duration::from_secs(4),
        "{strategy}: took {:?}",
        started.elapsed()
    );
    for worker in workers {
        assert!(!alive(worker), "{strategy}: worker {worker} survived");
    }
}

#[test]
fn a_killed_worker_fails_process_pool_cleanly() {
    kill_a_worker_mid_run(StrategyKind::ProcessPool);
}

#[test]
fn a_killed_worker_fails_processes_cleanly() {
    kill_a_worker_mid_run(StrategyKind::Processes);
}

#[test]
fn a_killed_pool_worker_fails_the_run_and_leaves_no_process() {
    let mut pool = ProcessPool::spawn(&worker(), 2).unwrap();
    let pids = pool.pids();
    let victim = pids[1];
    let killer = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(300));
        let _ = std::process::Command::new("kill")
            .args(["-9", &victim.to_string()])
            .status();
    });
    let tasks = TaskSet::new(
        Workload::Sleep {
            duration: Duration::from_secs(3),
        },
        4,
    )
    .unwrap();
    let start = Instant::now();
    let err = pool.run(&tasks).unwrap_err();
    killer.join().unwrap();
    assert!(
        matches!(err, Error::WorkerDied { pid, .. } if pid == victim),
        "{err}"
    );
    assert!(err.to_string().contains("SIGKILL"), "{err}");
    // The surviving worker was killed at once instead of finishing its 3 s sleeps.
    assert!(
        start.elapsed() < Duration::from_secs(3),
        "took {:?}",
        start.elapsed()
    );
    for pid in &pids {
        assert!(!exists(*pid), "worker {pid} left behind");
    }
    let again = pool.run(&tasks).unwrap_err();
    assert!(matches!(again, Error::PoolBroken), "{again}");
}

#[test]
fn a_crashing_worker_program_fails_processes_with_its_status() {
    let crashing = WorkerCommand::custom("sh", ["-c", "exit 3"]);
    let cfg = StrategyConfig::new().worker_command(crashing);
    let tasks = TaskSet::new(Workload::Noop, 3).unwrap();
    for kind in [StrategyKind::Processes, StrategyKind::ProcessPool] {
        let err = kind
            .build(&cfg)
            .unwrap()
            .run(&tasks)
            .unwrap_err()
            .to_string();
        assert!(err.contains("exit status 3"), "{kind}: {err}");
        assert!(err.contains("task "), "{kind}: {err}");
    }
}

#[test]
fn a_garbage_writing_worker_is_a_protocol_error() {
    let garbage = WorkerCommand::custom(
        "sh",
        [
            "-c",
            "cat >/dev/null & printf 'garbage garbage garbage'; exec sleep 5",
        ],
    );
    let cfg = StrategyConfig::new().worker_command(garbage);
    let tasks = TaskSet::new(Workload::Noop, 2).unwrap();
    let start = Instant::now();
    let err = StrategyKind::ProcessPool
        .build(&cfg)
        .unwrap()
        .run(&tasks)
        .unwrap_err();
    assert!(matches!(err, Error::WorkerProtocol { .. }), "{err}");
    assert!(
        start.elapsed() < Duration::from_secs(5),
        "it did not wait for the sleep"
    );
}
