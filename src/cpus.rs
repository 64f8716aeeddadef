//! How many CPUs parbench may use: every CPU this process may run on, or K of them when
//! `PARBENCH_CPUS=K` (or `parbench run --cpus K`) restricts it, so that a smaller machine can
//! be emulated on this one.
//!
//! The restriction is CPU affinity (`sched_setaffinity`) set on the calling thread before
//! anything else starts: the threads, pools, runtimes and worker processes started afterwards
//! inherit it. Every place that sizes something to "the cores" asks [`available`].

use nix::sched::{CpuSet, sched_getaffinity, sched_setaffinity};
use nix::unistd::Pid;

use crate::error::{Error, Result};

/// The environment variable that restricts the suite to K CPUs.
pub const ENV: &str = "PARBENCH_CPUS";

/// The CPUs the calling thread may run on (its affinity mask), at least 1: what pools and
/// sweeps are sized to. Under a restriction, K.
pub fn available() -> usize {
    allowed().len().max(1)
}

/// Every online CPU of this machine, whatever the affinity: the N of "K of N CPUs".
pub fn machine_cpus() -> usize {
    std::fs::read_to_string("/sys/devices/system/cpu/online")
        .ok()
        .and_then(|list| count_list(&list))
        .unwrap_or(0)
        .max(available())
}

/// Counts the CPUs of a kernel CPU list such as `0-3,6,8-9`.
fn count_list(list: &str) -> Option<usize> {
    list.trim().split(',').try_fold(0, |n, part| {
        Some(
            n + match part.split_once('-') {
                Some((a, b)) => b.parse::<usize>().ok()?.checked_sub(a.parse().ok()?)? + 1,
                None => part.parse::<usize>().map(|_| 1).ok()?,
            },
        )
    })
}

/// The CPU numbers in the calling thread's affinity mask, in order.
pub fn allowed() -> Vec<usize> {
    match sched_getaffinity(Pid::from_raw(0)) {
        Ok(mask) => (0..CpuSet::count())
            .filter(|&c| mask.is_set(c).unwrap_or(false))
            .collect(),
        Err(_) => (0..num_cpus::get()).collect(),
    }
}

/// Parses a CPU count given as `what` (`PARBENCH_CPUS` or `--cpus`): a whole number from 1 to
/// the CPUs this process may run on.
pub fn parse(what: &'static str, given: &str) -> Result<usize> {
    let there = allowed().len().max(1);
    let bad = |why: String| Error::InvalidInput {
        flag: what,
        message: format!("must be a number of CPUs from 1 to {there} (this machine's), {why}"),
    };
    let k: usize = given
        .trim()
        .parse()
        .map_err(|_| bad(format!("got '{given}'")))?;
    if k == 0 || k > there {
        return Err(bad(format!("got {k}")));
    }
    Ok(k)
}

/// Restricts the calling thread (and every thread and process it starts from now on) to the
/// first `k` CPUs it may run on; returns the CPUs kept. Keeping all of them changes nothing.
pub fn restrict(what: &'static str, k: usize) -> Result<Vec<usize>> {
    let cpus = allowed();
    let k = parse(what, &k.to_string())?;
    let kept: Vec<usize> = cpus.into_iter().take(k).collect();
    let mut mask = CpuSet::new();
    for &cpu in &kept {
        mask.set(cpu).map_err(|e| Error::InvalidInput {
            flag: what,
            message: format!("cannot select CPU {cpu}: {e}"),
        })?;
    }
    sched_setaffinity(Pid::from_raw(0), &mask).map_err(|e| Error::InvalidInput {
        flag: what,
        message: format!("cannot restrict this process to {k} CPUs: {e}"),
    })?;
    Ok(kept)
}

/// Applies `PARBENCH_CPUS` when it is set: `Ok(Some(k))` once restricted to `k` CPUs,
/// `Ok(None)` when unset, an error naming the variable for 0, more CPUs than there are, or
/// not a number. Call it first thing, before any thread or pool starts.
pub fn restrict_from_env() -> Result<Option<usize>> {
    match std::env::var(ENV) {
        Ok(value) if value.trim().is_empty() => Ok(None),
        Ok(value) => {
            let k = parse(ENV, &value)?;
            restrict(ENV, k)?;
            Ok(Some(k))
        }
        Err(std::env::VarError::NotPresent) => Ok(None),
        Err(std::env::VarError::NotUnicode(_)) => Err(Error::InvalidInput {
            flag: ENV,
            message: "must be a number of CPUs, got a value that is not text".to_string(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kernel_cpu_lists_are_counted() {
        assert_eq!(count_list("0-3,6,8-9\n"), Some(7));
        assert_eq!(count_list("0"), Some(1));
        assert_eq!(count_list("x"), None);
    }

    #[test]
    fn bad_counts_are_one_line_errors() {
        let there = allowed().len();
        for given in ["0", "x", "-1", &(there + 1).to_string()] {
            let e = parse(ENV, given).unwrap_err().to_string();
            assert!(e.starts_with("PARBENCH_CPUS must be"), "{e}");
            assert!(!e.contains('\n'), "{e}");
        }
        assert_eq!(parse("--cpus", "1").unwrap(), 1);
    }

    #[test]
    fn a_restricted_thread_passes_its_cpus_to_pool_threads() {
        // On a thread of its own, so that the other tests keep every CPU.
        std::thread::spawn(|| {
            let kept = restrict(ENV, 1).unwrap();
            assert_eq!(kept.len(), 1);
            assert_eq!(available(), 1);
            assert!(machine_cpus() >= 1);
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(2)
                .build()
                .unwrap();
            let in_pool = pool.install(allowed);
            assert_eq!(in_pool, kept);
        })
        .join()
        .unwrap();
    }
}
