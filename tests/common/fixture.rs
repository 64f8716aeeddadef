//! Fake Criterion data for the report: every group the default profile runs on a fixed
//! 2-core machine, as `tests/report.rs` checks it and `tests/browser.rs` renders it.

use std::path::{Path, PathBuf};

use parbench::amdahl;
use parbench::bench_id::Group;
use parbench::machine::Machine;
use parbench::records::{BenchEntry, GroupEntry};
use parbench::suite::{MemoryRecord, Profile, RunMeta};

/// Writes one benchmark as Criterion would, with a ±2 % interval.
pub fn write_benchmark(dir: &Path, group: &str, function: &str, value: u64, mean_ns: f64) {
    super::write_criterion_benchmark(dir, (group, function, value), mean_ns, 0.02);
}

/// The run's manifest on a fixed 2-core machine (every group of the default profile
/// measured), so outputs do not depend on this machine.
pub fn write_meta(dir: &Path) {
    let planned = parbench::suite::Plan::new(Profile::Default, 2).groups();
    RunMeta {
        machine: Machine {
            logical_cores: 2,
            machine_cpus: None,
            physical_cores: 2,
            cpu_model: "Test CPU".to_string(),
            os: "testos".to_string(),
            rustc: "rustc 1.0.0".to_string(),
            parbench: "0.1.0".to_string(),
        },
        profile: Profile::Default,
        started: "2026-01-01T00:00:00Z".to_string(),
        sized_cores: 2,
        planned_groups: planned.iter().map(|g| g.to_string()).collect(),
        benches: vec![BenchEntry {
            bench: "every bench".to_string(),
            started: "2026-01-01T00:00:00Z".to_string(),
            groups: planned
                .iter()
                .map(|g| GroupEntry {
                    group: g.to_string(),
                    settings: match g {
                        Group::Primitive => [("hash_threads_bytes".to_string(), 4u64 << 20)]
                            .into_iter()
                            .map(|(k, v)| (k, v.into()))
                            .collect(),
                        _ => Default::default(),
                    },
                })
                .collect(),
            settings: Default::default(),
        }],
        python_tasks: vec![2, 8],
    }
    .write(dir)
    .unwrap();
}

pub const MS: f64 = 1e6;

pub fn write_sleep(dir: &Path, threads_speedup_at_64: f64) {
    for n in [1u64, 4, 64] {
        let seq = n as f64 * 10.0 * MS;
        write_benchmark(dir, "sleep-10ms", "sequential", n, seq);
        let threads = if n == 64 {
            seq / threads_speedup_at_64
        } else {
            10.2 * MS
        };
        write_benchmark(dir, "sleep-10ms", "threads", n, threads);
        write_benchmark(dir, "sleep-10ms", "rayon", n, seq / (n.min(2) as f64));
        write_benchmark(dir, "sleep-10ms", "processes", n, 10.0 * MS + n as f64 * MS);
        write_benchmark(dir, "sleep-10ms", "gil", n, threads * 1.03);
        write_benchmark(dir, "sleep-10ms", "async", n, threads * 0.99);
    }
    // No sequential point at 128: speedup absent, never invented.
    write_benchmark(dir, "sleep-10ms", "threads", 128, 11.0 * MS);
}

/// The hash sweep on 2 cores; `gil_speedup` is the gil's speedup at 2 tasks and beyond.
pub fn write_hash(dir: &Path, gil_speedup: f64) {
    for n in [1u64, 2, 4, 16] {
        let seq = n as f64 * 2.0 * MS;
        let parallel = seq / (n.min(2) as f64);
        write_benchmark(dir, "hash-1MiB", "sequential", n, seq);
        write_benchmark(dir, "hash-1MiB", "threads", n, parallel * 1.02);
        write_benchmark(dir, "hash-1MiB", "rayon", n, parallel * 1.01);
        write_benchmark(dir, "hash-1MiB", "processes", n, parallel + 1.5 * MS);
        let gil = if n == 1 { seq } else { seq / gil_speedup };
        write_benchmark(dir, "hash-1MiB", "gil", n, gil);
        write_benchmark(dir, "hash-1MiB", "async", n, seq * 1.01);
    }
}

/// The serial fractions the worker sweep is generated from.
pub const SERIAL: [(&str, f64); 4] = [
    ("rayon", 0.05),
    ("process-pool-warm", 0.2),
    ("gil", 1.0),
    ("async-multi", 0.1),
];

/// The worker sweep on 2 cores: Amdahl's law up to 2 workers, a plateau at 4.
pub fn write_workers(dir: &Path) {
    for (strategy, s) in SERIAL {
        for workers in [1u64, 2, 4] {
            let speedup = amdahl::speedup(s, workers.min(2) as f64);
            let time = 16.0 * MS / speedup;
            write_benchmark(dir, "hash-workers-1MiB-n8", strategy, workers, time);
        }
    }
}

/// Waiting shares of the mixed sweep with each strategy's speedup at 0, 50 and 100 %.
pub const MIXED: [(&str, [f64; 3]); 4] = [
    ("threads", [1.9, 3.8, 7.6]),
    ("rayon", [1.9, 2.0, 2.0]),
    ("gil", [1.0, 1.9, 7.4]),
    ("async", [1.0, 1.95, 7.8]),
];

pub fn write_mixed(dir: &Path) {
    for (i, share) in [0u64, 50, 100].into_iter().enumerate() {
        let seq = 80.0 * MS;
        write_benchmark(dir, "mixed-10ms-n8", "sequential", share, seq);
        for (strategy, speedups) in MIXED {
            write_benchmark(dir, "mixed-10ms-n8", strategy, share, seq / speedups[i]);
        }
    }
}

/// Times of the waits sweep at 100, 1000 and 10,000 tasks (no sequential: it would take 500 s).
pub const WAITS: [(&str, [f64; 3]); 3] = [
    ("threads", [55.0, 90.0, 1200.0]),
    ("async", [51.0, 55.0, 80.0]),
    ("async-multi", [51.0, 56.0, 90.0]),
];

/// Memory growth recorded for the 10,000-task points, in MiB; async-multi has none.
pub const MEMORY_MIB: [(&str, u64); 2] = [("threads", 90), ("async", 17)];

pub fn write_waits(dir: &Path) {
    for (strategy, times) in WAITS {
        for (n, ms) in [100u64, 1000, 10_000].into_iter().zip(times) {
            write_benchmark(dir, "waits-50ms", strategy, n, ms * MS);
        }
    }
    let records: Vec<MemoryRecord> = MEMORY_MIB
        .iter()
        .map(|(strategy, mib)| MemoryRecord {
            id: format!("waits-50ms/{strategy}/10000"),
            rss_before_bytes: 10 << 20,
            peak_rss_bytes: (10 + mib) << 20,
            wall_seconds: 1.0,
        })
        .collect();
    MemoryRecord::save_all(dir, &records).unwrap();
}

pub fn write_io(dir: &Path) {
    for n in [1u64, 4] {
        write_benchmark(dir, "file-1MiB", "sequential", n, n as f64 * 5.0 * MS);
        write_benchmark(dir, "file-1MiB", "threads", n, 6.0 * MS);
    }
    for n in [1u64, 8] {
        write_benchmark(dir, "net-10ms", "sequential", n, n as f64 * 10.0 * MS);
        write_benchmark(dir, "net-10ms", "threads", n, 10.5 * MS);
    }
}

/// How many benchmarks the full tree holds.
pub const FULL_TREE_BENCHMARKS: usize = (6 * 3 + 1) // sleep
    + 6 * 4 // hash
    + 9 // hash-size
    + 6 // overhead
    + 4 * 3 // hash-workers
    + 5 * 3 // mixed
    + 3 * 3 // waits
    + 4 + 4 // file, net
    + 4 // receive
    + 4; // primitive

pub fn write_rest(dir: &Path) {
    write_hash(dir, 1.0);
    write_workers(dir);
    write_mixed(dir);
    write_waits(dir);
    write_io(dir);
    for bytes in [1u64 << 10, 64 << 10, 1 << 20] {
        let seq = 4.0 * bytes as f64 * 2.0;
        write_benchmark(dir, "hash-size-n4", "sequential", bytes, seq);
        write_benchmark(dir, "hash-size-n4", "threads", bytes, seq / 2.0 + 40e3);
        write_benchmark(
            dir,
            "hash-size-n4",
            "processes",
            bytes,
            seq / 2.0 + 8.0 * MS,
        );
    }
    for (strategy, per_task) in [
        ("sequential", 50.0),
        ("threads", 20e3),
        ("processes", 1.0 * MS),
    ] {
        for n in [1u64, 16] {
            write_benchmark(dir, "overhead", strategy, n, per_task * n as f64);
        }
    }
    for (strategy, fixed) in [("processes", 2.0 * MS), ("process-pool-warm", 20e3)] {
        for bytes in [1u64 << 10, 1 << 20] {
            let piped = 2.0 * bytes as f64 * 0.5;
            write_benchmark(dir, "receive-n2", strategy, bytes, fixed + piped);
        }
    }
    for (primitive, value, ns) in [
        ("thread-spawn", 1u64, 18e3),
        ("process-spawn", 1, 0.8 * MS),
        ("hash-threads", 1, 2.0 * MS),
        ("hash-threads", 2, 2.1 * MS),
    ] {
        write_benchmark(dir, "primitive", primitive, value, ns);
    }
    // Not parbench's: skipped with a note.
    write_benchmark(dir, "fib", "recursive", 20, 5.0);
}

/// A temp dir with `criterion/` (full fake data) and `reports/` as the output.
pub fn full_tree() -> (tempfile::TempDir, PathBuf, PathBuf) {
    // Every group the default profile runs on the 2-core machine of `write_meta`.
    let tmp = tempfile::tempdir().unwrap();
    let criterion = tmp.path().join("criterion");
    write_meta(&criterion);
    write_sleep(&criterion, 58.0);
    write_rest(&criterion);
    let out = tmp.path().join("reports");
    (tmp, criterion, out)
}
