//! Measuring a run: wall-clock time and CPU time, worker processes included.
//!
//! CPU time against wall time is what tells computing from waiting: sleeping tasks use almost
//! no CPU, hashing tasks use about as much CPU as the cores they kept busy.

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
