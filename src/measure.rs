//! Measuring a run: wall-clock time and CPU time, worker processes included.
//!
//! CPU time against wall time is what tells computing from waiting: sleeping tasks use almost
//! no CPU, hashing tasks use about as much CPU as the cores they kept busy. Peak memory
//! ([`PeakRss`]) tells what thousands of threads cost against thousands of async tasks.

use std::sync::{Condvar, Mutex, OnceLock};
use std::time::{Duration, Instant};

use nix::sys::resource::{UsageWho, getrusage};

/// User plus system CPU time used so far by this process and by its reaped children.
pub fn cpu_time_used() -> Duration {
    [UsageWho::RUSAGE_SELF, UsageWho::RUSAGE_CHILDREN]
        .into_iter()
        .filter_map(|who| getrusage(who).ok())
        .map(|usage| {
            let user = usage.user_time();
            let system = usage.system_time();
            let micros = |t: nix::sys::time::TimeVal| {
                Duration::from_secs(t.tv_sec() as u64) + Duration::from_micros(t.tv_usec() as u64)
            };
            micros(user) + micros(system)
        })
        .sum()
}

/// Wall and CPU time of one measured stretch of work.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WallAndCpu {
    /// Elapsed wall-clock time.
    pub wall: Duration,
    /// CPU time (user + system) of this process and every child reaped meanwhile.
    pub cpu: Duration,
}

/// Runs `work` and measures its wall and CPU time.
///
/// Children count only once reaped, so `work` must wait for every process it starts (all
/// parbench strategies do).
pub fn measure<T>(work: impl FnOnce() -> T) -> (T, WallAndCpu) {
    let cpu_before = cpu_time_used();
    let start = Instant::now();
    let value = work();
    let wall = start.elapsed();
    let cpu = cpu_time_used().saturating_sub(cpu_before);
    (value, WallAndCpu { wall, cpu })
}

/// The peak resident memory of this process during one stretch of work (Linux only).
///
/// [`PeakRss::start`] resets the kernel's high-water mark (`VmHWM`) by writing `5` to
/// `/proc/self/clear_refs`, and arms a sampler thread that reads the resident size (`VmRSS`)
/// every [`SAMPLE_EVERY`]: the kernel does not always raise `VmHWM` before memory is unmapped
/// (a thread's stack at its exit, say), and sampling catches what lives longer than a sample.
/// [`PeakRss::finish`] returns the larger of both. The figure is the whole process's peak,
/// including what was resident before (binary, inputs): compare runs with each other, not with
/// zero. Worker processes are not counted. The sampler costs about 1 % of one core while
/// armed, which the run's CPU time includes. Without `/proc` there is no figure.
///
/// One sampler thread serves every measurement and sleeps while none is armed: `finish` never
/// waits for it. A caller that waited for a sampler to wake and exit idled a millisecond or so
/// between runs, and on the VM of `reports/example` a run after such a pause hashed about 45 %
/// slower (8 × 1 MiB: 7.9 ms against 5.4 ms back to back), which made `parbench run` slower
/// than the Criterion benches it is compared with.
#[derive(Debug)]
pub struct PeakRss {
    /// The measurement's number with the sampler; `None` where it cannot be measured.
    generation: Option<u64>,
}

/// How often [`PeakRss`] samples the resident size.
pub const SAMPLE_EVERY: Duration = Duration::from_millis(2);

/// What the sampler thread and the measurements share.
#[derive(Default)]
struct SamplerState {
    /// Counts measurements, so that a sample taken for one is not credited to the next.
    generation: u64,
    armed: bool,
    peak: u64,
}

/// The one sampler thread's shared state, started on first use; `None` where it cannot run.
fn sampler() -> Option<&'static (Mutex<SamplerState>, Condvar)> {
    static SAMPLER: OnceLock<Option<&'static (Mutex<SamplerState>, Condvar)>> = OnceLock::new();
    *SAMPLER.get_or_init(|| {
        let shared: &'static (Mutex<SamplerState>, Condvar) = Box::leak(Box::new((
            Mutex::new(SamplerState::default()),
            Condvar::new(),
        )));
        std::thread::Builder::new()
            .name("parbench-rss".to_string())
            .spawn(move || sample_while_armed(shared))
            .ok()
            .map(|_| shared)
    })
}

/// The sampler's loop: waits until a measurement is armed, then samples every
/// [`SAMPLE_EVERY`] until it is finished.
fn sample_while_armed((state, wake): &(Mutex<SamplerState>, Condvar)) {
    let lock = || state.lock().unwrap_or_else(|e| e.into_inner());
    let mut guard = lock();
    loop {
        while !guard.armed {
            guard = wake.wait(guard).unwrap_or_else(|e| e.into_inner());
        }
        let generation = guard.generation;
        drop(guard);
        let resident = resident_bytes().unwrap_or(0);
        guard = lock();
        if guard.armed && guard.generation == generation {
            guard.peak = guard.peak.max(resident);
            guard = wake
                .wait_timeout(guard, SAMPLE_EVERY)
                .unwrap_or_else(|e| e.into_inner())
                .0;
        }
    }
}

impl PeakRss {
    /// Resets the high-water mark and arms the sampler.
    pub fn start() -> Self {
        let arm = || {
            std::fs::write("/proc/self/clear_refs", "5").ok()?;
            let (state, wake) = sampler()?;
            let mut guard = state.lock().unwrap_or_else(|e| e.into_inner());
            guard.generation += 1;
            guard.armed = true;
            guard.peak = 0;
            let generation = guard.generation;
            drop(guard);
            wake.notify_one();
            Some(generation)
        };
        PeakRss { generation: arm() }
    }

    /// Disarms the sampler; the peak resident size in bytes since [`PeakRss::start`], if
    /// known.
    pub fn finish(self) -> Option<u64> {
        let generation = self.generation?;
        let (state, _) = sampler()?;
        let mut guard = state.lock().unwrap_or_else(|e| e.into_inner());
        let sampled = if guard.generation == generation {
            guard.armed = false;
            guard.peak
        } else {
            0
        };
        drop(guard);
        let now = resident_bytes().unwrap_or(0);
        Some(sampled.max(now).max(high_water_mark().unwrap_or(0)))
    }
}

/// The kernel's resident high-water mark (`VmHWM`) in bytes.
fn high_water_mark() -> Option<u64> {
    status_kib("VmHWM:").map(|kib| kib * 1024)
}

/// The current resident size (`VmRSS`) in bytes, if `/proc` tells it.
pub fn resident_bytes() -> Option<u64> {
    status_kib("VmRSS:").map(|kib| kib * 1024)
}

/// A `kB` field of `/proc/self/status`.
fn status_kib(field: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find_map(|line| line.strip_prefix(field))?
        .trim()
        .strip_suffix("kB")?
        .trim()
        .parse()
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// CPU time is per process: tests that read it must not overlap each other.
    static CPU_CLOCK: std::sync::Mutex<()> = std::sync::Mutex::new(());

    #[test]
    fn sleeping_uses_wall_time_not_cpu_time() {
        let _serial = CPU_CLOCK.lock().unwrap_or_else(|e| e.into_inner());
        let ((), m) = measure(|| std::thread::sleep(Duration::from_millis(100)));
        assert!(m.wall >= Duration::from_millis(100));
        assert!(m.cpu < m.wall / 2, "{m:?}");
    }

    #[test]
    fn peak_rss_sees_an_allocation_freed_before_the_end() {
        let _serial = CPU_CLOCK.lock().unwrap_or_else(|e| e.into_inner());
        let baseline = PeakRss::start();
        std::thread::sleep(Duration::from_millis(10));
        let Some(before) = baseline.finish() else {
            println!("note: no /proc/self/clear_refs here, peak RSS not measurable");
            return;
        };
        let after = peak_of_a_freed_block(Duration::from_millis(30));
        assert!(after >= before + (48 << 20), "{before} -> {after}");
    }

    /// The peak measured around 64 MiB held for `held` and freed before the end.
    fn peak_of_a_freed_block(held: Duration) -> u64 {
        let peak = PeakRss::start();
        let block = vec![1u8; 64 << 20];
        std::hint::black_box(&block);
        std::thread::sleep(held);
        drop(block);
        peak.finish().expect("measurable: checked before")
    }

    /// The threads of this process named `name`.
    fn threads_named(name: &str) -> usize {
        std::fs::read_dir("/proc/self/task")
            .map(|tasks| {
                tasks
                    .flatten()
                    .filter(|task| {
                        std::fs::read_to_string(task.path().join("comm"))
                            .is_ok_and(|comm| comm.trim_end() == name)
                    })
                    .count()
            })
            .unwrap_or(0)
    }

    #[test]
    fn one_sampler_serves_every_measurement_and_each_gets_its_own_peak() {
        let _serial = CPU_CLOCK.lock().unwrap_or_else(|e| e.into_inner());
        if PeakRss::start().finish().is_none() {
            println!("note: no /proc/self/clear_refs here, peak RSS not measurable");
            return;
        }
        let big = peak_of_a_freed_block(Duration::from_millis(10));
        // Tests running beside this one allocate too (the peak is the whole process's): the
        // smallest of 20 later peaks must have left the 64 MiB behind.
        let smallest = (0..20)
            .map(|_| {
                let small = PeakRss::start();
                std::thread::sleep(Duration::from_millis(3));
                small.finish().unwrap()
            })
            .min()
            .unwrap();
        assert!(smallest + (48 << 20) <= big, "{smallest} after {big}");
        assert_eq!(threads_named("parbench-rss"), 1);
    }

    #[test]
    fn spinning_uses_cpu_time() {
        let _serial = CPU_CLOCK.lock().unwrap_or_else(|e| e.into_inner());
        let ((), m) = measure(|| {
            let start = Instant::now();
            let mut x = 0u64;
            while start.elapsed() < Duration::from_millis(200) {
                x = std::hint::black_box(x.wrapping_add(1));
            }
        });
        // On a loaded machine the spin may be descheduled; a tenth is a safe lower bound.
        assert!(m.cpu >= Duration::from_millis(20), "{m:?}");
    }
}
