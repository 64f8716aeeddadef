//! Every strategy against `sequential`, the overlap of waits, and the process strategies'
//! behaviour when a worker dies.

use std::path::Path;
use std::time::{Duration, Instant};

use parbench::Error;
use parbench::strategy::{
    ProcessPool, RayonPool, Sequential, Strategy, StrategyConfig, StrategyKind, Threads,
};
use parbench::worker::WorkerCommand;
use parbench::workload::{TaskSet, Workload};

fn worker() -> WorkerCommand {
    WorkerCommand::parbench(env!("CARGO_BIN_EXE_parbench"))
}

fn config() -> StrategyConfig {
    StrategyConfig::new().worker_command(worker())
}

fn small_workloads() -> Vec<Workload> {
    vec![
        Workload::Noop,
        Workload::Sleep {
            duration: Duration::from_millis(5),
        },
        Workload::Hash { bytes: 100_000 },
    ]
}

#[test]
fn every_strategy_matches_sequential_on_every_workload() {
    for workload in small_workloads() {
        let tasks = TaskSet::new(workload, 6).unwrap();
        let reference = Sequential.run(&tasks).unwrap();
        tasks.verify("sequential", &reference).unwrap();
        for &kind in StrategyKind::ALL {
            let strategy = kind.build(&config()).unwrap();
            let outputs = strategy
                .run(&tasks)
                .unwrap_or_else(|e| panic!("{kind} on {workload}: {e}"));
            assert_eq!(outputs, reference, "{kind} on {workload}");
        }
    }
}

#[test]
fn sized_pools_match_sequential_too() {
    let tasks = TaskSet::new(Workload::Hash { bytes: 70_000 }, 5).unwrap();
    let reference = Sequential.run(&tasks).unwrap();
    for workers in [1, 3] {
        let cfg = config().workers(Some(workers)).unwrap();
        for kind in [StrategyKind::Rayon, StrategyKind::ProcessPool] {
            let strategy = kind.build(&cfg).unwrap();
            assert_eq!(strategy.workers(5), workers, "{kind}");
            assert_eq!(
                strategy.run(&tasks).unwrap(),
                reference,
                "{kind} x{workers}"
            );
        }
    }
}

#[test]
fn threads_overlap_sleeps() {
    // Eight 200 ms sleeps take 1.6 s one after another; overlapped, about 200 ms.
    let tasks = TaskSet::new(
        Workload::Sleep {
            duration: Duration::from_millis(200),
        },
        8,
    )
    .unwrap();
    let start = Instant::now();
    let outputs = Threads.run(&tasks).unwrap();
    let elapsed = start.elapsed();
    tasks.verify("threads", &outputs).unwrap();
    assert!(elapsed < Duration::from_millis(800), "took {elapsed:?}");
}

#[test]
fn a_cpu_sized_rayon_pool_serializes_sleeps_and_a_task_sized_one_does_not() {
    let sleep = Duration::from_millis(50);
    let tasks = TaskSet::new(Workload::Sleep { duration: sleep }, 8).unwrap();
    // Two threads for eight sleeps: at least four sleeps one after another, on any machine.
    let narrow = RayonPool::new(Some(2)).unwrap();
    let start = Instant::now();
    narrow.run(&tasks).unwrap();
    assert!(start.elapsed() >= 4 * sleep, "took {:?}", start.elapsed());
    // Eight threads for eight sleeps: they overlap.
    let wide = RayonPool::new(Some(8)).unwrap();
    let start = Instant::now();
    wide.run(&tasks).unwrap();
    assert!(start.elapsed() < 6 * sleep, "took {:?}", start.elapsed());
}

#[test]
fn a_warm_pool_is_reused_across_runs() {
    let mut pool = ProcessPool::spawn(&worker(), 2).unwrap();
    let pids = pool.pids();
    for bytes in [1000, 5000] {
        let tasks = TaskSet::new(Workload::Hash { bytes }, 4).unwrap();
        let outputs = pool.run(&tasks).unwrap();
        tasks.verify("process-pool", &outputs).unwrap();
    }
    assert_eq!(pool.pids(), pids, "the same workers served both runs");
    pool.shut_down().unwrap();
    for pid in pids {
        assert!(!process_exists(pid), "worker {pid} was reaped");
    }
}

fn process_exists(pid: u32) -> bool {
    Path::new(&format!("/proc/{pid}")).exists()
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
        assert!(!process_exists(*pid), "worker {pid} left behind");
    }
    let again = pool.run(&tasks).unwrap_err().to_string();
    assert!(again.contains("spawn a new pool"), "{again}");
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

#[test]
fn process_strategies_need_a_worker_program() {
    let err = match StrategyKind::Processes.build(&StrategyConfig::new()) {
        Ok(_) => panic!("built without a worker program"),
        Err(e) => e.to_string(),
    };
    assert!(err.contains("worker program"), "{err}");
}

#[test]
fn too_many_processes_is_an_error_before_spawning() {
    let tasks = TaskSet::new(Workload::Noop, 5000).unwrap();
    let strategy = StrategyKind::Processes.build(&config()).unwrap();
    let err = strategy.run(&tasks).unwrap_err().to_string();
    assert!(
        err.starts_with("--tasks must be between 1 and 2048"),
        "{err}"
    );
}
