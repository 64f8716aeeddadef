//! Measuring a run: wall-clock time and CPU time, worker processes included.
//!
//! CPU time against wall time is what tells computing from waiting: sleeping tasks use almost
//! no CPU, hashing tasks use about as much CPU as the cores they kept busy. Peak memory
//! ([`PeakRss`]) tells what thousands of threads cost against thousands of async tasks.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
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
pub struct Measurement {
    /// Elapsed wall-clock time.
    pub wall: Duration,
    /// CPU time (user + system) of this process and every child reaped meanwhile.
    pub cpu: Duration,
}

/// Runs `work` and measures its wall and CPU time.
///
/// Children count only once reaped, so `work` must wait for every process it starts (all
/// parbench strategies do).
pub fn measure<T>(work: impl FnOnce() -> T) -> (T, Measurement) {
    let cpu_before = cpu_time_used();
    let start = Instant::now();
    let value = work();
    let wall = start.elapsed();
    let cpu = cpu_time_used().saturating_sub(cpu_before);
    (value, Measurement { wall, cpu })
}

/// The peak resident memory of this process during one stretch of work (Linux only).
///
/// [`PeakRss::start`] resets the kernel's high-water mark (`VmHWM`) by writing `5` to
/// `/proc/self/clear_refs`, and starts a thread that samples the resident size
/// (`VmRSS`) every [`SAMPLE_EVERY`]: the kernel does not always raise `VmHWM`
/// before memory is unmapped (a thread's stack at its exit, say), and sampling catches what
/// lives longer than a sample. [`PeakRss::finish`] returns the larger of both. The figure is
/// the whole process's peak, including what was resident before (binary, inputs): compare
/// runs with each other, not with zero. Worker processes are not counted. The sampler costs
/// about 1 % of one core, which the run's CPU time includes. Without `/proc` there is no
/// figure.
#[derive(Debug)]
pub struct PeakRss {
    stop: Arc<AtomicBool>,
    sampler: Option<JoinHandle<u64>>,
}

/// How often [`PeakRss`] samples the resident size.
pub const SAMPLE_EVERY: Duration = Duration::from_millis(2);

impl PeakRss {
    /// Resets the high-water mark and starts sampling.
    pub fn start() -> Self {
        let stop = Arc::new(AtomicBool::new(false));
        let reset = std::fs::write("/proc/self/clear_refs", "5").is_ok();
        let sampler = reset.then(|| {
            let stop = Arc::clone(&stop);
            std::thread::Builder::new()
                .name("parbench-rss".to_string())
                .spawn(move || {
                    let mut peak = 0;
                    while !stop.load(Ordering::Relaxed) {
                        peak = peak.max(resident_bytes().unwrap_or(0));
                        std::thread::sleep(SAMPLE_EVERY);
                    }
                    peak.max(resident_bytes().unwrap_or(0))
                })
                .ok()
        });
        PeakRss {
            stop,
            sampler: sampler.flatten(),
        }
    }

    /// Stops sampling; the peak resident size in bytes since [`PeakRss::start`], if known.
    pub fn finish(mut self) -> Option<u64> {
        let sampled = self.stop_sampler()?;
        Some(sampled.max(high_water_mark().unwrap_or(0)))
    }

    fn stop_sampler(&mut self) -> Option<u64> {
        self.stop.store(true, Ordering::Relaxed);
        self.sampler.take()?.join().ok()
    }
}

impl Drop for PeakRss {
    fn drop(&mut self) {
        self.stop_sampler();
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
        let peak = PeakRss::start();
        let big = vec![1u8; 64 << 20];
        std::hint::black_box(&big);
        std::thread::sleep(Duration::from_millis(30));
        drop(big);
        let after = peak.finish().unwrap();
        assert!(after >= before + (48 << 20), "{before} -> {after}");
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
