//! Software counters read around a timed call: CPU time, context switches, page faults, time
//! spent waiting for a CPU and migrations — what this kind of VM exposes without hardware
//! counters.
//!
//! `getrusage` covers every thread the process ever had (and the children it waited for);
//! the run delay and the migrations come from `/proc/self/task/*/schedstat` and `…/sched`, so
//! they count only threads alive both before and after the call (a strategy's pool threads and
//! the calling thread, not the threads a `threads` run starts and joins inside it).

use std::ops::{AddAssign, Sub};

use nix::sys::resource::{UsageWho, getrusage};
use serde::{Deserialize, Serialize};

/// Counter totals (a snapshot, or a difference of two snapshots summed over calls).
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Counters {
    /// User plus system CPU time of the process and its waited-for children, in ns.
    pub cpu_ns: f64,
    /// Voluntary context switches (a thread blocked: a wait, a lock, a join).
    pub voluntary_switches: f64,
    /// Involuntary context switches (a thread preempted while it could run).
    pub involuntary_switches: f64,
    /// Minor page faults.
    pub minor_faults: f64,
    /// Time threads spent runnable but waiting for a CPU, in ns (threads alive around the call).
    pub run_delay_ns: f64,
    /// Moves of a thread to another CPU (threads alive around the call; needs the kernel's
    /// scheduler statistics, else 0).
    pub migrations: f64,
}

impl Counters {
    /// The counters now.
    pub fn now() -> Counters {
        let mut c = Counters::default();
        for who in [UsageWho::RUSAGE_SELF, UsageWho::RUSAGE_CHILDREN] {
            if let Ok(u) = getrusage(who) {
                let tv =
                    |t: nix::sys::time::TimeVal| t.tv_sec() as f64 * 1e9 + t.tv_usec() as f64 * 1e3;
                c.cpu_ns += tv(u.user_time()) + tv(u.system_time());
                c.voluntary_switches += u.voluntary_context_switches() as f64;
                c.involuntary_switches += u.involuntary_context_switches() as f64;
                c.minor_faults += u.minor_page_faults() as f64;
            }
        }
        let (delay, migrations) = threads_sched();
        c.run_delay_ns = delay;
        c.migrations = migrations;
        c
    }

    /// Every counter divided by `calls`: the counters of one call.
    pub fn per_call(&self, calls: f64) -> Counters {
        let d = calls.max(1.0);
        Counters {
            cpu_ns: self.cpu_ns / d,
            voluntary_switches: self.voluntary_switches / d,
            involuntary_switches: self.involuntary_switches / d,
            minor_faults: self.minor_faults / d,
            run_delay_ns: self.run_delay_ns / d,
            migrations: self.migrations / d,
        }
    }
}

impl Sub for Counters {
    type Output = Counters;
    /// The counters between two snapshots; thread-level counters never go below zero (a
    /// thread that exited takes its share with it).
    fn sub(self, before: Counters) -> Counters {
        Counters {
            cpu_ns: self.cpu_ns - before.cpu_ns,
            voluntary_switches: self.voluntary_switches - before.voluntary_switches,
            involuntary_switches: self.involuntary_switches - before.involuntary_switches,
            minor_faults: self.minor_faults - before.minor_faults,
            run_delay_ns: (self.run_delay_ns - before.run_delay_ns).max(0.0),
            migrations: (self.migrations - before.migrations).max(0.0),
        }
    }
}

impl AddAssign for Counters {
    fn add_assign(&mut self, other: Counters) {
        self.cpu_ns += other.cpu_ns;
        self.voluntary_switches += other.voluntary_switches;
        self.involuntary_switches += other.involuntary_switches;
        self.minor_faults += other.minor_faults;
        self.run_delay_ns += other.run_delay_ns;
        self.migrations += other.migrations;
    }
}

/// The run delay (ns) and migrations summed over this process's live threads.
fn threads_sched() -> (f64, f64) {
    let Ok(tasks) = std::fs::read_dir("/proc/self/task") else {
        return (0.0, 0.0);
    };
    let (mut delay, mut migrations) = (0.0, 0.0);
    for task in tasks.flatten() {
        let path = task.path();
        if let Ok(text) = std::fs::read_to_string(path.join("schedstat")) {
            // "<time on CPU ns> <time waiting to run ns> <timeslices>"
            delay += text
                .split_whitespace()
                .nth(1)
                .and_then(|v| v.parse::<f64>().ok())
                .unwrap_or(0.0);
        }
        if let Ok(text) = std::fs::read_to_string(path.join("sched")) {
            migrations += text
                .lines()
                .find(|l| l.starts_with("se.nr_migrations"))
                .and_then(|l| l.split(':').nth(1))
                .and_then(|v| v.trim().parse::<f64>().ok())
                .unwrap_or(0.0);
        }
    }
    (delay, migrations)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn busy_work_shows_as_cpu_time_and_differences_do_not_go_negative() {
        let before = Counters::now();
        let mut x = 0u64;
        let start = std::time::Instant::now();
        while start.elapsed() < std::time::Duration::from_millis(30) {
            x = x.wrapping_mul(6364136223846793005).wrapping_add(1);
        }
        std::hint::black_box(x);
        let spent = Counters::now() - before;
        assert!(spent.cpu_ns > 5e6, "{spent:?}");
        assert!(spent.run_delay_ns >= 0.0 && spent.migrations >= 0.0);
        let half = spent.per_call(2.0);
        assert!((half.cpu_ns * 2.0 - spent.cpu_ns).abs() < 1.0);
    }
}
