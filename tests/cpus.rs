//! `PARBENCH_CPUS=K` and `parbench run --cpus K`: the restriction reaches worker processes and
//! pool threads, the machine line says "K of N", and bad counts are one-line errors.

mod common;

use nix::sched::{CpuSet, sched_getaffinity};
use nix::unistd::Pid;

use common::parbench;
use parbench::worker::WorkerProcess;

/// The CPUs in a process's (or thread's) affinity mask.
fn cpus_of(pid: i32) -> Vec<usize> {
    let mask = sched_getaffinity(Pid::from_raw(pid)).unwrap();
    (0..CpuSet::count())
        .filter(|&c| mask.is_set(c).unwrap())
        .collect()
}

#[test]
fn a_worker_process_and_a_pool_thread_keep_the_restricted_cpus() {
    // On a thread of its own, so that the other tests keep every CPU.
    std::thread::spawn(|| {
        let kept = parbench::cpus::restrict("PARBENCH_CPUS", 1).unwrap();
        assert_eq!(kept.len(), 1);
        let mut worker = WorkerProcess::spawn(&common::worker()).unwrap();
        assert_eq!(cpus_of(worker.pid() as i32), kept, "the worker process");
        worker.kill();
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(2)
            .build()
            .unwrap();
        assert_eq!(pool.install(|| cpus_of(0)), kept, "a rayon pool thread");
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .build()
            .unwrap();
        let in_runtime = runtime.block_on(async { tokio::spawn(async { cpus_of(0) }).await });
        assert_eq!(in_runtime.unwrap(), kept, "a tokio worker thread");
        assert_eq!(parbench::cpus::available(), 1);
        assert_eq!(
            parbench::suite::Plan::from_env()
                .map(|p| p.logical_cores)
                .ok(),
            Some(1)
        );
    })
    .join()
    .unwrap();
}

#[test]
fn the_cli_runs_on_k_cpus_and_says_so() {
    let json = common::run_json(&[
        "--workload",
        "hash",
        "--strategy",
        "rayon",
        "--tasks",
        "2",
        "--cpus",
        "1",
    ]);
    assert_eq!(json["logical_cores"], 1);
    assert_eq!(json["workers"], 1, "the pool is sized for 1 CPU: {json}");
    let machine = parbench()
        .arg("machine")
        .env("PARBENCH_CPUS", "1")
        .output()
        .unwrap();
    let text = String::from_utf8(machine.stdout).unwrap();
    let all = parbench::cpus::machine_cpus();
    if all > 1 {
        assert!(
            text.contains(&format!("logical cores:  1 of {all}")),
            "{text}"
        );
    }
}

#[test]
fn bad_cpu_counts_are_one_line_errors() {
    let too_many = (parbench::cpus::allowed().len() + 1).to_string();
    for value in ["0", too_many.as_str(), "two"] {
        let output = parbench()
            .arg("machine")
            .env("PARBENCH_CPUS", value)
            .output()
            .unwrap();
        assert!(!output.status.success());
        let stderr = String::from_utf8(output.stderr).unwrap();
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
        assert!(
            stderr.contains("PARBENCH_CPUS must be a number of CPUs from 1 to"),
            "{stderr}"
        );
        let output = parbench()
            .args([
                "run",
                "--workload",
                "noop",
                "--strategy",
                "threads",
                "--tasks",
                "1",
                "--cpus",
                value,
            ])
            .output()
            .unwrap();
        let stderr = String::from_utf8(output.stderr).unwrap();
        assert!(
            stderr.contains("--cpus must be a number of CPUs"),
            "{stderr}"
        );
    }
}
