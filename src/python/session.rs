//! One `python` bench's interpreters together: started in order
//! ([`start_all`](super::start_all)), the loop task sized once on the first, each measured
//! until it fails, and the record of it all.
//!
//! An interpreter that dies or stops answering is taken out of the run and named; the others
//! go on. Criterion cannot stop a benchmark half-way, so [`Slot::measure`] then returns a
//! placeholder time and remembers the benchmark ([`Slot::take_died_in`]) for the bench to
//! discard. A wrong answer is not an interpreter failure: it is returned as an error.

use std::path::Path;
use std::time::Duration;

use super::{
    CPYTHON_STRATEGIES, FailedInterpreter, Interpreter, InterpreterRecord, PyBuild, PyScenario,
    PyTag, PythonDriver, PythonError, PythonRecord, SkippedStrategy, build_record, enable_hint,
    free_threaded_hint, start_all_within, unsupported,
};
use crate::bench_id::BenchId;
use crate::error::Result;
use crate::workload::TaskOutput;

/// One interpreter of the run: its driver while it lives, and what the record says of it.
pub struct Slot {
    driver: PythonDriver,
    record: InterpreterRecord,
    died_in: Option<BenchId>,
}

impl Slot {
    fn new(driver: PythonDriver) -> Self {
        let info = driver.info().clone();
        let skipped = CPYTHON_STRATEGIES
            .iter()
            .filter_map(|&f| unsupported(f, &info).map(|why| SkippedStrategy::new(f, why)))
            .collect();
        let interpreter = driver.interpreter().clone();
        let record = InterpreterRecord {
            tag: driver.tag(),
            program: interpreter.program.display().to_string(),
            origin: interpreter.origin,
            gil_forced: interpreter.gil_forced,
            build: build_record(Path::new(&info.executable)),
            info,
            skipped,
            error: None,
        };
        Slot {
            driver,
            record,
            died_in: None,
        }
    }

    /// The interpreter's part of the benchmark IDs.
    pub fn tag(&self) -> PyTag {
        self.record.tag
    }

    /// What the record will say of this interpreter.
    pub fn record(&self) -> &InterpreterRecord {
        &self.record
    }

    /// Whether it is still measured (it has not failed).
    pub fn alive(&self) -> bool {
        self.record.error.is_none()
    }

    /// Takes it out of the run on `error`, killing its driver; `during` is the benchmark it
    /// failed in, if any. Returns the one-line message saying so.
    pub fn fail(&mut self, error: &PythonError, during: Option<BenchId>) -> String {
        self.driver.kill();
        let place = during
            .as_ref()
            .map(|id| format!(" (in {id}; that benchmark is discarded)"))
            .unwrap_or_default();
        self.record.error = Some(error.to_string());
        self.died_in = during;
        format!("{error}{place}; any other interpreters are still measured")
    }

    /// The benchmark this interpreter died in, once: its placeholder time must be discarded.
    pub fn take_died_in(&mut self) -> Option<BenchId> {
        self.died_in.take()
    }

    /// Runs `scenario` `iters` times and checks the outputs against `expected`: the time
    /// Python measured, summed. When the interpreter fails (now or before) it is taken out of
    /// the run, the failure is printed on one line, and `iters` milliseconds are returned as a
    /// placeholder for Criterion (see [`Slot::take_died_in`]). A wrong answer is an error.
    pub fn measure(
        &mut self,
        scenario: &PyScenario,
        iters: u64,
        expected: &[TaskOutput],
    ) -> Result<Duration> {
        let placeholder = Duration::from_millis(iters);
        if !self.alive() {
            return Ok(placeholder);
        }
        match self.driver.run(scenario, iters) {
            Ok(reply) => scenario.check(&reply, expected),
            Err(error) => {
                let message = self.fail(&error, Some(scenario.id()));
                eprintln!("error: python bench: {message}");
                Ok(placeholder)
            }
        }
    }

    /// Runs `scenario` `runs` times back to back and checks the outputs against `expected`:
    /// each run's time, as Python measured it. `Ok(None)` when the interpreter fails (now or
    /// before): it is taken out of the run and the failure printed on one line. A wrong answer
    /// is an error.
    pub fn time_runs(
        &mut self,
        scenario: &PyScenario,
        runs: u64,
        expected: &[TaskOutput],
    ) -> Result<Option<Vec<Duration>>> {
        if !self.alive() {
            return Ok(None);
        }
        match self.driver.run(scenario, runs) {
            Ok(reply) => {
                scenario.check(&reply, expected)?;
                Ok(Some(
                    reply
                        .durations_ns
                        .iter()
                        .map(|&ns| Duration::from_nanos(ns))
                        .collect(),
                ))
            }
            Err(error) => {
                let message = self.fail(&error, None);
                eprintln!("error: python bench: {message}");
                Ok(None)
            }
        }
    }

    /// Ends the driver's pools between groups; a failure takes the interpreter out.
    pub fn close_pools(&mut self) -> Option<String> {
        if !self.alive() {
            return None;
        }
        let error = self.driver.close_pools().err()?;
        Some(self.fail(&error, None))
    }

    /// Kills the driver and its pools at once (before exiting on a wrong answer).
    pub fn kill(&mut self) {
        self.driver.kill();
    }
}

/// The interpreters of one run.
pub struct Session {
    slots: Vec<Slot>,
    failed: Vec<FailedInterpreter>,
    /// One line per interpreter that could not be started or duplicated another.
    pub messages: Vec<String>,
    first_error: Option<PythonError>,
}

impl Session {
    /// Starts `interpreters` ([`start_all`](super::start_all): free-threaded builds twice, GIL
    /// off and forced on), giving each `hello_timeout` to say hello.
    pub fn start(interpreters: &[Interpreter], hello_timeout: Duration) -> Session {
        let lineup = start_all_within(interpreters, hello_timeout);
        let mut failed = Vec::new();
        let mut messages = Vec::new();
        for error in &lineup.failed {
            messages.push(format!(
                "error: python bench: {error}; any other interpreters are still measured"
            ));
            failed.push(FailedInterpreter {
                program: error.interpreter().program.display().to_string(),
                error: error.to_string(),
            });
        }
        for duplicate in &lineup.duplicates {
            messages.push(format!("parbench: {duplicate}"));
            failed.push(FailedInterpreter {
                program: String::new(),
                error: duplicate.clone(),
            });
        }
        Session {
            slots: lineup.drivers.into_iter().map(Slot::new).collect(),
            failed,
            messages,
            first_error: lineup.failed.into_iter().next(),
        }
    }

    /// The interpreters started, in order.
    pub fn slots(&self) -> &[Slot] {
        &self.slots
    }

    /// The interpreters started, in order, to measure.
    pub fn slots_mut(&mut self) -> &mut [Slot] {
        &mut self.slots
    }

    /// The record when nothing could be measured: `Missing` when no interpreter was there,
    /// `Broken` with the first failure; `None` while one is alive.
    pub fn nothing_measured(&self) -> Option<PythonRecord> {
        if self.slots.iter().any(Slot::alive) {
            return None;
        }
        let failed_slot = self.slots.iter().find_map(|s| {
            s.record
                .error
                .clone()
                .map(|error| (s.record.program.clone(), error))
        });
        Some(
            match (&self.first_error, failed_slot, self.failed.first()) {
                (Some(error), _, _) => PythonRecord::Broken {
                    program: error.interpreter().program.display().to_string(),
                    error: error.to_string(),
                },
                (None, Some((program, error)), _) => PythonRecord::Broken { program, error },
                (None, None, Some(f)) => PythonRecord::Broken {
                    program: f.program.clone(),
                    error: f.error.clone(),
                },
                (None, None, None) => PythonRecord::Missing {
                    hint: enable_hint(),
                },
            },
        )
    }

    /// Closes every driver still running, without a record (a pass of the pairs).
    pub fn close(self) {
        for slot in self.slots.into_iter().filter(Slot::alive) {
            if let Err(error) = slot.driver.close() {
                eprintln!("warning: {error}");
            }
        }
    }

    /// Kills every driver and its pools at once (before exiting on a wrong answer).
    pub fn kill(&mut self) {
        for slot in &mut self.slots {
            slot.kill();
        }
    }

    /// Closes every driver still running and returns the record of the run.
    pub fn finish(self, hash_bytes: u64, loop_iterations: u64, tasks: Vec<usize>) -> PythonRecord {
        let free_threaded_hint = (!self
            .slots
            .iter()
            .any(|s| s.tag().build == PyBuild::FreeThreaded))
        .then(free_threaded_hint);
        let mut interpreters = Vec::new();
        for slot in self.slots {
            let Slot { driver, record, .. } = slot;
            if record.error.is_none()
                && let Err(error) = driver.close()
            {
                eprintln!("warning: {error}");
            }
            interpreters.push(record);
        }
        PythonRecord::Measured {
            interpreters,
            failed: self.failed,
            free_threaded_hint,
            hash_bytes,
            loop_iterations,
            tasks,
        }
    }
}
