//! Cheap dispatch for the process strategies: a warm pool starts no thread per run, and what
//! a task costs compared with the primitive under it.
//!
//! The cost comparison is `#[ignore]`d (it times things); run it alone, in release mode:
//! `cargo test --release --test process_dispatch -- --ignored --nocapture`.

use std::collections::HashSet;
use std::io::{Read, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use parbench::strategy::{ProcessPool, Processes, Strategy, Threads};
use parbench::worker::WorkerCommand;
use parbench::workload::{TaskSet, Workload};

fn worker() -> WorkerCommand {
    WorkerCommand::parbench(env!("CARGO_BIN_EXE_parbench"))
}

/// The kernel's name of a thread (its `comm`), from its `/proc` directory.
fn thread_name(dir: &Path) -> Option<String> {
    std::fs::read_to_string(dir.join("comm")).ok()
}

/// The ids of this process's threads that the thread named `family` may have started: those
/// that inherited its name (a thread started without a name does) and those parbench named.
fn threads_of(family: &str) -> HashSet<u64> {
    std::fs::read_dir("/proc/self/task")
        .expect("/proc/self/task is readable")
        .flatten()
        .filter(|task| {
            thread_name(&task.path()).is_some_and(|name| {
                let name = name.trim_end();
                name == family || name.starts_with("parbench-")
            })
        })
        .filter_map(|task| task.file_name().to_str()?.parse().ok())
        .collect()
}

/// Runs `work` and returns how many threads the calling thread started meanwhile (see
/// [`threads_of`]; other tests' threads carry their own tests' names), as seen by a sampling
/// thread, named otherwise, that looks every 100 µs.
fn threads_started_during(work: impl FnOnce()) -> usize {
    let family = thread_name(Path::new("/proc/thread-self")).expect("a thread has a name");
    let family = family.trim_end().to_string();
    let before = threads_of(&family);
    let stop = Arc::new(AtomicBool::new(false));
    let sampled = Arc::new(AtomicBool::new(false));
    let sampler = {
        let (stop, sampled) = (Arc::clone(&stop), Arc::clone(&sampled));
        std::thread::Builder::new()
            .name("thread-sampler".to_string())
            .spawn(move || {
                let mut seen = HashSet::new();
                loop {
                    seen.extend(threads_of(&family).difference(&before).copied());
                    sampled.store(true, Ordering::SeqCst);
                    if stop.load(Ordering::SeqCst) {
                        return seen.len();
                    }
                    std::thread::sleep(Duration::from_micros(100));
                }
            })
            .unwrap()
    };
    while !sampled.load(Ordering::SeqCst) {
        std::thread::yield_now();
    }
    work();
    stop.store(true, Ordering::SeqCst);
    sampler.join().unwrap()
}

// Timings and thread watching are disturbed by tests running beside them: the tests of this
// file run one at a time.
static ALONE: Mutex<()> = Mutex::new(());

fn sleep_tasks(duration: Duration, tasks: usize) -> TaskSet {
    TaskSet::new(Workload::Sleep { duration }, tasks).unwrap()
}

#[test]
fn a_warm_pool_runs_many_batches_without_starting_threads() {
    let _alone = ALONE.lock().unwrap_or_else(|e| e.into_inner());
    let mut pool = ProcessPool::spawn(&worker(), 2).unwrap();
    // Runs of 20 ms: a thread started per run would live long enough to be seen.
    let sleeps = sleep_tasks(Duration::from_millis(10), 4);
    let hashes = TaskSet::new(Workload::Hash { bytes: 1 << 20 }, 4).unwrap();
    let started = threads_started_during(|| {
        for _ in 0..25 {
            sleeps
                .verify("process-pool", &pool.run(&sleeps).unwrap())
                .unwrap();
            hashes
                .verify("process-pool", &pool.run(&hashes).unwrap())
                .unwrap();
        }
    });
    assert_eq!(started, 0, "50 warm-pool runs started {started} thread(s)");
    pool.shut_down().unwrap();
    // The same watch sees a strategy that starts a thread per task.
    // Threads that live long enough for the sampler to get the CPU on a busy machine.
    let long_sleeps = sleep_tasks(Duration::from_millis(300), 4);
    let started = threads_started_during(|| {
        long_sleeps
            .verify("threads", &Threads.run(&long_sleeps).unwrap())
            .unwrap();
    });
    assert_eq!(started, long_sleeps.len(), "the watch misses threads");
}

#[test]
fn inputs_larger_than_a_pipe_reach_every_worker_at_once() {
    let _alone = ALONE.lock().unwrap_or_else(|e| e.into_inner());
    // 8 inputs of 1 MiB, 16 times a pipe's buffer: written as the pipes take them.
    let tasks = TaskSet::new(Workload::Hash { bytes: 1 << 20 }, 8).unwrap();
    let mut pool = ProcessPool::spawn(&worker(), 3).unwrap();
    tasks
        .verify("process-pool", &pool.run(&tasks).unwrap())
        .unwrap();
    pool.shut_down().unwrap();
    let processes = Processes::new(worker());
    tasks
        .verify("processes", &processes.run(&tasks).unwrap())
        .unwrap();
}

#[test]
fn a_thousand_tasks_in_flight_come_back_whole_and_in_order() {
    let _alone = ALONE.lock().unwrap_or_else(|e| e.into_inner());
    // 125 in flight on each worker, their replies sent in batches: each output must still
    // reach its own task.
    let tasks = TaskSet::new(Workload::Hash { bytes: 64 }, 1000).unwrap();
    let mut pool = ProcessPool::spawn(&worker(), 2).unwrap();
    for _ in 0..3 {
        tasks
            .verify("process-pool", &pool.run(&tasks).unwrap())
            .unwrap();
    }
    let mixed_sizes = TaskSet::new(Workload::Receive { bytes: 200_000 }, 40).unwrap();
    mixed_sizes
        .verify("process-pool", &pool.run(&mixed_sizes).unwrap())
        .unwrap();
    pool.shut_down().unwrap();
}

/// Times each of `cases` `rounds` times, interleaved (one of each per round, so drift on a
/// busy machine hits them alike), after a warm-up round, and returns their median times.
fn interleaved_medians(rounds: usize, cases: &mut [&mut dyn FnMut()]) -> Vec<Duration> {
    for case in cases.iter_mut() {
        case();
    }
    let mut times = vec![Vec::with_capacity(rounds); cases.len()];
    for _ in 0..rounds {
        for (case, times) in cases.iter_mut().zip(&mut times) {
            let start = Instant::now();
            case();
            times.push(start.elapsed());
        }
    }
    times
        .into_iter()
        .map(|mut t| {
            t.sort();
            t[t.len() / 2]
        })
        .collect()
}

fn micros(d: Duration) -> f64 {
    d.as_secs_f64() * 1e6
}

/// Prints each process strategy's cost per empty task beside the primitive under it, all
/// measured here in one program, interleaved, so their ratios hold on a busy machine.
#[test]
#[ignore = "timing: run alone with --release --ignored --nocapture"]
fn process_strategy_costs_against_their_primitives() {
    let _alone = ALONE.lock().unwrap_or_else(|e| e.into_inner());
    const BATCH: usize = 64;
    // A 16-byte round trip through pipes to a warm child (`cat` echoes what it reads).
    let mut cat = Command::new("cat")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let (mut to_cat, mut from_cat) = (cat.stdin.take().unwrap(), cat.stdout.take().unwrap());
    let mut echo = [0u8; 16];
    let pool = std::cell::RefCell::new(ProcessPool::spawn(&worker(), 2).unwrap());
    let one = TaskSet::new(Workload::Noop, 1).unwrap();
    let batch = TaskSet::new(Workload::Noop, BATCH).unwrap();
    let warm = interleaved_medians(
        5_000,
        &mut [
            &mut || {
                to_cat.write_all(&[7u8; 16]).unwrap();
                from_cat.read_exact(&mut echo).unwrap();
            },
            &mut || {
                pool.borrow_mut().run(&one).unwrap();
            },
            &mut || {
                pool.borrow_mut().run(&batch).unwrap();
            },
        ],
    );
    drop(to_cat);
    cat.wait().unwrap();
    pool.into_inner().shut_down().unwrap();
    let (round_trip, pool_one, pool_batch) = (warm[0], warm[1], warm[2] / BATCH as u32);

    // Spawning and waiting for the worker binary doing nothing (its stdin is empty).
    let exe = env!("CARGO_BIN_EXE_parbench");
    let processes = Processes::new(worker());
    let eight = TaskSet::new(Workload::Noop, 8).unwrap();
    let cold = interleaved_medians(
        200,
        &mut [
            &mut || {
                let status = Command::new(exe)
                    .arg("worker")
                    .stdin(Stdio::null())
                    .stdout(Stdio::null())
                    .status()
                    .unwrap();
                assert!(status.success());
            },
            &mut || {
                processes.run(&one).unwrap();
            },
            &mut || {
                processes.run(&eight).unwrap();
            },
        ],
    );
    let (spawn_wait, processes_one, processes_eight) = (cold[0], cold[1], cold[2] / 8);

    let ratio = |a: Duration, b: Duration| a.as_secs_f64() / b.as_secs_f64();
    println!(
        "primitive: 16-byte pipe round trip to a warm child   {:8.1} µs",
        micros(round_trip)
    );
    println!(
        "process-pool-warm, 1 empty task per run               {:8.1} µs  (x{:.2} the round trip)",
        micros(pool_one),
        ratio(pool_one, round_trip)
    );
    println!(
        "process-pool-warm, {BATCH} empty tasks per run, per task  {:8.1} µs  (x{:.2})",
        micros(pool_batch),
        ratio(pool_batch, round_trip)
    );
    println!(
        "primitive: spawn + wait of `parbench worker`          {:8.1} µs",
        micros(spawn_wait)
    );
    println!(
        "processes, 1 empty task                               {:8.1} µs  (x{:.2} spawn + wait)",
        micros(processes_one),
        ratio(processes_one, spawn_wait)
    );
    println!(
        "processes, 8 empty tasks, per task                    {:8.1} µs  (x{:.2})",
        micros(processes_eight),
        ratio(processes_eight, spawn_wait)
    );
}
