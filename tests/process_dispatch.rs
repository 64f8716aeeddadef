//! Cheap dispatch for the process strategies: a warm pool starts no thread per run, and what
//! a task costs compared with the primitive under it.
//!
//! The cost comparison is `#[ignore]`d (it times things); run it alone, in release mode:
//! `cargo test --release --test process_dispatch -- --ignored --nocapture`.

use std::io::{Read, Write};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use parbench::strategy::{ProcessPool, Processes, Strategy, Threads};
use parbench::worker::WorkerCommand;
use parbench::workload::{TaskSet, Workload};

fn worker() -> WorkerCommand {
    WorkerCommand::parbench(env!("CARGO_BIN_EXE_parbench"))
}

/// How many threads this process has now.
fn thread_count() -> usize {
    std::fs::read_dir("/proc/self/task")
        .expect("/proc/self/task is readable")
        .count()
}

/// Runs `work` while a sampling thread watches the thread count; returns the most threads
/// seen beyond those present before `work` started (the sampler itself not counted).
fn extra_threads_during(work: impl FnOnce()) -> usize {
    let stop = Arc::new(AtomicBool::new(false));
    let most = Arc::new(AtomicUsize::new(0));
    let sampler = {
        let (stop, most) = (Arc::clone(&stop), Arc::clone(&most));
        std::thread::spawn(move || {
            while !stop.load(Ordering::SeqCst) {
                most.fetch_max(thread_count(), Ordering::SeqCst);
                std::thread::sleep(Duration::from_micros(100));
            }
        })
    };
    // Once the sampler runs, the count includes it.
    while most.load(Ordering::SeqCst) == 0 {
        std::thread::yield_now();
    }
    let before = thread_count();
    work();
    stop.store(true, Ordering::SeqCst);
    sampler.join().unwrap();
    most.load(Ordering::SeqCst).saturating_sub(before)
}

// The only test of this file that runs by default: the thread counts see no other test's
// threads.
#[test]
fn a_warm_pool_runs_many_batches_without_starting_threads() {
    let mut pool = ProcessPool::spawn(&worker(), 2).unwrap();
    let sleeps = TaskSet::new(
        Workload::Sleep {
            duration: Duration::from_millis(2),
        },
        4,
    )
    .unwrap();
    let hashes = TaskSet::new(Workload::Hash { bytes: 1 << 20 }, 4).unwrap();
    let before = thread_count();
    let extra = extra_threads_during(|| {
        for _ in 0..25 {
            sleeps
                .verify("process-pool", &pool.run(&sleeps).unwrap())
                .unwrap();
            hashes
                .verify("process-pool", &pool.run(&hashes).unwrap())
                .unwrap();
        }
    });
    assert_eq!(extra, 0, "50 warm-pool runs started {extra} thread(s)");
    assert_eq!(thread_count(), before);
    pool.shut_down().unwrap();
    // The same watch sees a strategy that does start threads.
    let extra = extra_threads_during(|| {
        sleeps
            .verify("threads", &Threads.run(&sleeps).unwrap())
            .unwrap();
    });
    assert!(extra >= 1, "the thread count cannot see threads");
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
