//! The primitive floor: what the operations every strategy is built from cost alone, and how
//! far this machine's cores really scale.
//!
//! Run with: `cargo bench --bench primitives`
//!
//! Measures spawning and joining an empty thread, one job on an idle rayon pool from outside
//! it, spawning and waiting for the worker program doing nothing, a 16-byte round trip through
//! pipes to a warm child (`cat`) with both ends pinned to one CPU and with the child pinned to
//! another CPU, tokio spawn + await on both runtimes, a 1 ms tokio sleep, and an uncontended
//! lock. Then the hash kernel on 1 to `cores` bare threads at once (inputs ready, no pool):
//! `k × T(1) / T(k)` is the raw compute scaling, the ideal a computing strategy can reach here
//! (two vCPUs may be two hyperthreads of one core). Expected on a 2-vCPU VM (`docs/measuring.md`):
//! tens of µs for a thread or a rayon job, about 1 ms for a process, a few µs for the pipe on
//! one CPU and tens of µs across vCPUs (each message wakes an idle vCPU),
//! under 1 µs for a current-thread tokio task, 1 to 2 ms for the 1 ms tokio sleep (its timer
//! counts whole milliseconds and rounds up), tens of ns for the lock; the raw scaling
//! close to ×2.
//!
//! IDs: `primitive/<name>/1` and `primitive/hash-threads/<k>`.

mod support;

use std::hint::black_box;
use std::io::{Read, Write};
use std::process::{Child, Command, Stdio};
use std::time::Instant;

use criterion::Criterion;
use nix::sched::{CpuSet, sched_getaffinity, sched_setaffinity};
use nix::unistd::Pid;
use parbench::bench_id::{BenchFunction, Group, Primitive};
use parbench::costs::primitives::{HashThreads, tokio_sleep};
use parbench::strategy::AsyncLoop;
use parbench::suite::Plan;

/// One operation: the value part of every primitive but the raw scaling.
const ONE: u64 = 1;
/// Bytes of one pipe round trip.
const ROUND_TRIP_BYTES: usize = 16;

/// A `cat` child whose stdin and stdout are pipes: it echoes what it is sent. Killed and
/// reaped when dropped.
struct Echo {
    child: Child,
}

/// Pins the calling thread to `cpu`, returning the mask it had; `None` (and no change) where
/// the kernel refuses (a CPU outside this process's set).
fn pin_to(cpu: usize) -> Option<CpuSet> {
    let me = Pid::from_raw(0);
    let before = sched_getaffinity(me).ok()?;
    let mut only = CpuSet::new();
    only.set(cpu).ok()?;
    sched_setaffinity(me, &only).ok()?;
    Some(before)
}

/// The first two CPUs this process may run on (one CPU twice on a one-CPU machine).
fn two_cpus() -> Option<(usize, usize)> {
    let mask = sched_getaffinity(Pid::from_raw(0)).ok()?;
    let mut allowed = (0..CpuSet::count()).filter(|&c| mask.is_set(c).unwrap_or(false));
    let first = allowed.next()?;
    Some((first, allowed.next().unwrap_or(first)))
}

/// Runs `measure` with this thread pinned to `parent_cpu` and a `cat` child pinned to
/// `child_cpu` (a child inherits its parent's CPU mask when it is spawned), then restores the
/// thread's mask. Pinning makes the round trip's cost one number: unpinned, the scheduler
/// sometimes keeps both ends on one CPU (a few µs) and sometimes wakes the other CPU (tens
/// of µs on a VM), and Criterion's mean is whatever mix of the two a run happened to get.
fn with_pinned_echo(parent_cpu: usize, child_cpu: usize, measure: impl FnOnce(&mut Echo)) {
    let Some(original) = pin_to(child_cpu) else {
        eprintln!("parbench: cannot pin to CPU {child_cpu}; pipe round trip not measured");
        return;
    };
    let mut echo = Echo::spawn();
    if pin_to(parent_cpu).is_some() {
        measure(&mut echo);
    }
    drop(echo);
    let _ = sched_setaffinity(Pid::from_raw(0), &original);
}

impl Echo {
    fn spawn() -> Echo {
        let child = Command::new("cat")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("`cat` runs as the warm child of the pipe round trip");
        Echo { child }
    }

    /// Sends `message` and reads it back.
    fn round_trip(&mut self, message: &[u8; ROUND_TRIP_BYTES]) -> [u8; ROUND_TRIP_BYTES] {
        let stdin = self.child.stdin.as_mut().expect("stdin is piped");
        stdin.write_all(message).expect("write to cat");
        let mut reply = [0u8; ROUND_TRIP_BYTES];
        let stdout = self.child.stdout.as_mut().expect("stdout is piped");
        stdout.read_exact(&mut reply).expect("read from cat");
        reply
    }
}

impl Drop for Echo {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Measures each primitive once per iteration.
fn primitives(c: &mut Criterion, plan: &Plan) {
    if !plan.runs_primitives() {
        return;
    }
    let mut group = support::SuiteGroup::new(c, Group::Primitive, plan.cost_timing());
    let id = BenchFunction::Primitive;

    group.bench(id(Primitive::ThreadSpawn), ONE, false, |b| {
        b.iter(|| std::thread::spawn(|| black_box(1u8)).join().unwrap())
    });

    let pool = rayon::ThreadPoolBuilder::new()
        .build()
        .expect("a rayon pool");
    group.bench(id(Primitive::RayonInstall), ONE, false, |b| {
        b.iter(|| assert_eq!(pool.install(|| black_box(1u8)), 1))
    });
    drop(pool);

    let worker = env!("CARGO_BIN_EXE_parbench");
    group.bench(id(Primitive::ProcessSpawn), ONE, true, |b| {
        b.iter(|| {
            let status = Command::new(worker)
                .arg("worker")
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .status()
                .expect("the worker program starts");
            assert!(status.success(), "an idle worker exits cleanly: {status}");
        })
    });

    let message = *b"parbench-16bytes";
    if let Some((one, other)) = two_cpus() {
        with_pinned_echo(one, one, |echo| {
            group.bench(id(Primitive::PipeRoundTrip), ONE, false, |b| {
                b.iter(|| assert_eq!(&echo.round_trip(&message), &message))
            });
        });
        if other != one {
            with_pinned_echo(one, other, |echo| {
                group.bench(id(Primitive::PipeRoundTripCrossCpu), ONE, false, |b| {
                    b.iter(|| assert_eq!(&echo.round_trip(&message), &message))
                });
            });
        }
    }

    let current = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("a current-thread runtime");
    group.bench(id(Primitive::TokioCurrentSpawn), ONE, false, |b| {
        b.iter_custom(|iters| spawn_and_await(&current, iters))
    });
    let multi = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(plan.logical_cores)
        .build()
        .expect("a multi-thread runtime");
    group.bench(id(Primitive::TokioMultiSpawn), ONE, false, |b| {
        b.iter_custom(|iters| spawn_and_await(&multi, iters))
    });

    // A 1 ms sleep on the runtime `async` uses, through the function the calibration of
    // `parbench advise` times too: tokio's timer rounds it up to its next millisecond tick,
    // which the cost model adds to the event loops' timer waits.
    let event_loop = AsyncLoop::current_thread().expect("a current-thread runtime");
    group.bench(id(Primitive::TokioSleep), ONE, false, |b| {
        b.iter(|| tokio_sleep(&event_loop))
    });

    let lock = parking_lot::Mutex::new(0u64);
    group.bench(id(Primitive::LockUnlock), ONE, false, |b| {
        b.iter(|| *black_box(&lock).lock() += 1)
    });

    raw_scaling(&mut group, plan);
    group.finish();
}

/// `iters` tokio tasks spawned and awaited one after another from `block_on`.
fn spawn_and_await(runtime: &tokio::runtime::Runtime, iters: u64) -> std::time::Duration {
    runtime.block_on(async {
        let start = Instant::now();
        for i in 0..iters {
            let got = tokio::spawn(async move { black_box(i) }).await.unwrap();
            assert_eq!(got, i);
        }
        start.elapsed()
    })
}

/// The hash kernel on k bare scoped threads at once, each hashing its own input, through the
/// function the calibration of `parbench advise` times too.
fn raw_scaling(group: &mut support::SuiteGroup<'_>, plan: &Plan) {
    let threads = plan.raw_scaling_threads();
    let Some(&top) = threads.last() else {
        return;
    };
    group.setting("hash_threads_bytes", plan.raw_scaling_bytes());
    // Built before timing: every thread's input and the digests it must produce.
    let hashing = HashThreads::new(plan.raw_scaling_bytes(), top).expect("valid hash tasks");
    for k in threads {
        group.bench(
            BenchFunction::Primitive(Primitive::HashThreads),
            k as u64,
            false,
            |b| b.iter(|| hashing.run(k).expect("every digest right")),
        );
    }
}

fn main() {
    support::main(&[primitives]);
}
