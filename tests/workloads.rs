//! The workloads that need more than the CPU: `file` (a scratch directory that is cleaned up,
//! errors naming it, an unusable `TMPDIR`) and `net` (a loopback server every strategy can
//! reach, gone with its task set; slow calls that overlap).

mod common;

use std::time::Duration;

use parbench::strategy::StrategyKind;
use parbench::workload::{TaskSet, Workload};

use common::{best_time, build, timing_lock};

#[test]
fn file_tasks_leave_no_file_behind() {
    let tasks = TaskSet::new(Workload::File { bytes: 70_000 }, 5).unwrap();
    let dir = tasks.scratch_dir().unwrap().to_path_buf();
    assert!(dir.is_dir());
    for &kind in StrategyKind::ALL {
        let outputs = build(kind).run(&tasks).unwrap();
        tasks.verify(kind.name(), &outputs).unwrap();
        let left: Vec<_> = std::fs::read_dir(&dir).unwrap().collect();
        assert!(left.is_empty(), "{kind} left {left:?}");
    }
    drop(tasks);
    assert!(
        !dir.exists(),
        "the scratch directory goes with the task set"
    );
}

#[test]
fn file_errors_name_the_directory_and_leave_nothing() {
    let tasks = TaskSet::new(Workload::File { bytes: 1000 }, 3).unwrap();
    let dir = tasks.scratch_dir().unwrap().to_path_buf();
    std::fs::remove_dir(&dir).unwrap();
    for kind in [
        StrategyKind::Threads,
        StrategyKind::Async,
        StrategyKind::Processes,
    ] {
        let err = build(kind).run(&tasks).unwrap_err().to_string();
        assert!(err.contains(&*dir.to_string_lossy()), "{kind}: {err}");
    }
    drop(tasks);
    assert!(!dir.exists());
}

#[test]
fn unusable_tmpdir_is_a_clear_error() {
    // Tests may run as root, whom permission bits do not stop: a path below a regular file
    // cannot be a directory for anyone.
    let not_a_dir = tempfile::NamedTempFile::new().unwrap();
    let bad = not_a_dir.path().join("tmp");
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_parbench"))
        .args([
            "run",
            "--workload",
            "file",
            "--strategy",
            "threads",
            "--tasks",
            "2",
        ])
        .env("TMPDIR", &bad)
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("TMPDIR") && stderr.contains(&*bad.to_string_lossy()),
        "{stderr}"
    );
    assert_eq!(stderr.trim_end().lines().count(), 1, "{stderr}");
    assert_eq!(
        stderr.matches("os error").count(),
        1,
        "cause said once: {stderr}"
    );
}

#[test]
fn net_server_answers_every_strategy_and_stops_with_the_set() {
    let tasks = TaskSet::new(
        Workload::Net {
            duration: Duration::from_millis(2),
        },
        20,
    )
    .unwrap();
    let addr = tasks.server_addr().unwrap();
    assert!(addr.ip().is_loopback());
    for &kind in StrategyKind::ALL {
        let outputs = build(kind).run(&tasks).unwrap();
        tasks.verify(kind.name(), &outputs).unwrap();
    }
    drop(tasks);
    assert!(
        std::net::TcpStream::connect_timeout(&addr, Duration::from_secs(1)).is_err(),
        "the server is gone once the task set is dropped"
    );
}

#[test]
fn slow_service_calls_overlap_on_threads_and_async() {
    let _timing = timing_lock();
    let tasks = TaskSet::new(
        Workload::Net {
            duration: Duration::from_millis(100),
        },
        16,
    )
    .unwrap();
    for kind in [
        StrategyKind::Threads,
        StrategyKind::Gil,
        StrategyKind::Async,
    ] {
        let took = best_time(&*build(kind), &tasks, 1);
        assert!(
            took < Duration::from_millis(800),
            "{kind}: 16 calls to a 100 ms service took {took:?} (sequential: 1.6 s)"
        );
    }
}
