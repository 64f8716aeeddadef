//! A clean end on SIGINT and SIGTERM: what a run set up is undone before the process exits.
//!
//! Whatever must not outlive an interrupted run registers a cleanup action with
//! [`OnTermination::register`] and drops the guard once it cleaned up normally: a worker
//! process (killed), the `file` workload's scratch directory (removed), the `net` workload's
//! loopback server (stopped). [`exit_cleanly_on_termination`], called once by `parbench run`,
//! makes SIGINT and SIGTERM run every registered action, newest first, and then exit with the
//! conventional status 128 + the signal's number (130, 143).
//!
//! Why this is sound: the signal handler, installed by `signal-hook`, only writes a byte to a
//! self-pipe, which is async-signal-safe. The cleanup runs on an ordinary thread that reads
//! that pipe, where locks, allocation, file removal and waiting on processes are allowed.
//! While it cleans up, that thread holds the registry's lock (so no owner can reap a worker it
//! is about to kill: owners drop their guard before they reap) and the standard output and
//! error locks (so the interrupted run cannot print a misleading error or exit with another
//! status first: every way out of `parbench run` prints). A SIGKILL cannot be caught: for it,
//! the workers' parent-death signal (see [`crate::worker`]) is the guarantee.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard, OnceLock};

use signal_hook::consts::{SIGINT, SIGTERM};
use signal_hook::iterator::Signals;

use crate::error::{Error, Result};

/// A cleanup action, run once if the process is terminated before its guard drops.
type Action = Box<dyn FnOnce() + Send>;

/// The registered actions by registration number (so newest first is highest first).
static ACTIONS: Mutex<BTreeMap<u64, Action>> = Mutex::new(BTreeMap::new());
/// The next registration number.
static NEXT: AtomicU64 = AtomicU64::new(0);
/// Set once the handler is installed (the result of installing it, for later callers).
static INSTALLED: OnceLock<std::result::Result<(), String>> = OnceLock::new();

/// The registry, usable even if a thread panicked while holding it (the map stays valid).
fn actions() -> MutexGuard<'static, BTreeMap<u64, Action>> {
    ACTIONS
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// A registered cleanup action: dropping the guard unregisters it without running it.
#[derive(Debug)]
#[must_use = "dropping the guard unregisters the action at once"]
pub struct OnTermination {
    id: u64,
}

impl OnTermination {
    /// Registers `action`, to be run if SIGINT or SIGTERM ends the process while the returned
    /// guard lives. The action runs on the cleanup thread and must not register or drop guards.
    pub fn register(action: impl FnOnce() + Send + 'static) -> Self {
        let id = NEXT.fetch_add(1, Ordering::Relaxed);
        actions().insert(id, Box::new(action));
        OnTermination { id }
    }
}

impl Drop for OnTermination {
    fn drop(&mut self) {
        actions().remove(&self.id);
    }
}

/// Makes SIGINT and SIGTERM run every registered cleanup action, newest first, and exit with
/// status 128 + the signal's number. Calling it again does nothing.
pub fn exit_cleanly_on_termination() -> Result<()> {
    INSTALLED
        .get_or_init(|| install().map_err(|e| e.to_string()))
        .clone()
        .map_err(|detail| Error::System {
            action: "cannot install the SIGINT/SIGTERM handler",
            source: std::io::Error::other(detail),
        })
}

fn install() -> std::io::Result<()> {
    let mut signals = Signals::new([SIGINT, SIGTERM])?;
    std::thread::Builder::new()
        .name("parbench-signals".to_string())
        .spawn(move || {
            if let Some(signal) = signals.forever().next() {
                clean_up_and_exit(signal);
            }
        })?;
    Ok(())
}

/// Runs every registered action, newest first, and exits with 128 + `signal`.
fn clean_up_and_exit(signal: i32) -> ! {
    // Held until the process exits: see the module documentation.
    let _stdout = std::io::stdout().lock();
    let _stderr = std::io::stderr().lock();
    let mut registered = actions();
    while let Some((_, action)) = registered.pop_last() {
        action();
    }
    std::process::exit(128 + signal)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::sync::atomic::AtomicBool;

    #[test]
    fn a_dropped_guard_unregisters_its_action() {
        let ran = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&ran);
        let guard = OnTermination::register(move || flag.store(true, Ordering::SeqCst));
        let id = guard.id;
        assert!(actions().contains_key(&id));
        drop(guard);
        assert!(!actions().contains_key(&id));
        assert!(!ran.load(Ordering::SeqCst), "unregistering does not run it");
    }

    #[test]
    fn installing_twice_is_harmless() {
        exit_cleanly_on_termination().unwrap();
        exit_cleanly_on_termination().unwrap();
    }
}
