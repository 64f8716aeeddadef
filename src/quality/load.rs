//! How busy the machine was around each bench binary: `/proc/loadavg` read before and after,
//! saved beside Criterion's data in [`LOAD_FILE`].
//!
//! A measurement taken while other programs compete for the cores is slower and noisier than
//! the machine can be; the report warns when a bench binary started on a busy machine
//! ([`LoadRecord::busy`]).

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::Result;
use crate::records;

/// The file, inside Criterion's directory, where the benches record the load around each bench
/// binary.
pub const LOAD_FILE: &str = "parbench-load.json";

/// When a load record was taken.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Moment {
    /// Just before the bench binary measured its first benchmark.
    Before,
    /// Just after it measured its last one.
    After,
}

/// The machine's load at one moment around one bench binary.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LoadRecord {
    /// The bench binary, e.g. `cpu_bound`.
    pub bench: String,
    /// Before or after its measurements.
    pub moment: Moment,
    /// The 1-, 5- and 15-minute load averages.
    pub load_average: [f64; 3],
    /// Processes runnable besides this one (the reader): the median of readings over 100 ms.
    pub runnable_others: u32,
    /// The machine's logical cores.
    pub logical_cores: usize,
    /// When it was read (RFC 3339, UTC).
    pub at: String,
}

impl LoadRecord {
    /// Reads `/proc/loadavg` now; `None` where the system has no such file.
    pub fn now(bench: &str, moment: Moment) -> Option<LoadRecord> {
        let text = std::fs::read_to_string("/proc/loadavg").ok()?;
        let (load_average, _) = parse_loadavg(&text)?;
        Some(LoadRecord {
            bench: bench.to_string(),
            moment,
            load_average,
            runnable_others: runnable_others_median()?,
            logical_cores: crate::cpus::machine_cpus(),
            at: humantime::format_rfc3339_seconds(std::time::SystemTime::now()).to_string(),
        })
    }

    /// Whether the machine was busy: the 1-minute load average above half the logical cores
    /// while another process was runnable.
    ///
    /// Both are needed: the average lags by a minute (a compile that just ended, or the
    /// suite's own previous bench binary, still shows), and a neighbour must be runnable in
    /// most readings over 100 ms, not at one instant.
    pub fn busy(&self) -> bool {
        self.load_average[0] > self.logical_cores as f64 / 2.0 && self.runnable_others >= 1
    }

    /// `load 1.52 (1 min), 2 other runnable` for the page.
    pub fn label(&self) -> String {
        format!(
            "load {:.2} (1 min), {} other runnable",
            self.load_average[0], self.runnable_others
        )
    }

    /// Reads every record in `criterion_dir`; empty if the benches never wrote any, an error
    /// naming the file if it cannot be read.
    pub fn read_all(criterion_dir: &Path) -> Result<Vec<LoadRecord>> {
        records::load_json_list(&criterion_dir.join(LOAD_FILE))
    }

    /// Adds `record` to the file in `criterion_dir`; a `before` record replaces every older
    /// record of the same bench binary (a new run of it starts). A file that exists but cannot
    /// be read is an error, never overwritten.
    pub fn save(criterion_dir: &Path, record: &LoadRecord) -> Result<()> {
        let path = criterion_dir.join(LOAD_FILE);
        let mut all = Self::read_all(criterion_dir)?;
        all.retain(|old| {
            old.bench != record.bench
                || (record.moment == Moment::After && old.moment == Moment::Before)
        });
        all.push(record.clone());
        all.sort_by(|a, b| (&a.bench, a.moment).cmp(&(&b.bench, b.moment)));
        records::save_json(&path, &all)
    }
}

/// How many samples of the runnable count [`LoadRecord::now`] takes, 10 ms apart.
const RUNNABLE_SAMPLES: usize = 11;

/// The median over [`RUNNABLE_SAMPLES`] readings of the processes runnable besides the reader.
///
/// One reading catches whatever happened to be on a CPU at that instant (a bench binary
/// exiting, `cargo` starting the next one); a neighbour that keeps a core busy is runnable in
/// most of them.
fn runnable_others_median() -> Option<u32> {
    let mut samples = Vec::with_capacity(RUNNABLE_SAMPLES);
    for i in 0..RUNNABLE_SAMPLES {
        if i > 0 {
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
        let text = std::fs::read_to_string("/proc/loadavg").ok()?;
        samples.push(parse_loadavg(&text)?.1.saturating_sub(1));
    }
    samples.sort_unstable();
    Some(samples[samples.len() / 2])
}

/// The load averages and the runnable count (reader included) from `/proc/loadavg`'s text,
/// e.g. `0.74 1.81 1.07 3/112 21592`.
pub fn parse_loadavg(text: &str) -> Option<([f64; 3], u32)> {
    let mut fields = text.split_whitespace();
    let mut load = [0.0; 3];
    for slot in &mut load {
        *slot = fields.next()?.parse().ok()?;
    }
    let runnable = fields.next()?.split('/').next()?.parse().ok()?;
    Some((load, runnable))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(bench: &str, moment: Moment, load: f64, others: u32) -> LoadRecord {
        LoadRecord {
            bench: bench.to_string(),
            moment,
            load_average: [load, load, load],
            runnable_others: others,
            logical_cores: 2,
            at: "2026-11-28T10:00:00Z".to_string(),
        }
    }

    #[test]
    fn parses_proc_loadavg() {
        let (load, runnable) = parse_loadavg("0.74 1.81 1.07 3/112 21592\n").unwrap();
        assert_eq!(load, [0.74, 1.81, 1.07]);
        assert_eq!(runnable, 3);
        assert!(parse_loadavg("0.74 1.81").is_none());
        assert!(parse_loadavg("a b c 1/2 3").is_none());
    }

    #[test]
    fn reads_this_machine_where_proc_exists() {
        if Path::new("/proc/loadavg").exists() {
            let r = LoadRecord::now("unit", Moment::Before).unwrap();
            assert!(r.load_average.iter().all(|l| l.is_finite() && *l >= 0.0));
            assert!(r.logical_cores >= 1);
        }
    }

    #[test]
    fn busy_needs_load_above_half_the_cores_and_a_runnable_neighbour() {
        assert!(record("a", Moment::Before, 1.5, 1).busy());
        assert!(
            !record("a", Moment::Before, 1.5, 0).busy(),
            "lagging average"
        );
        assert!(!record("a", Moment::Before, 0.9, 3).busy(), "a blip");
        assert!(!record("a", Moment::Before, 1.0, 1).busy(), "exactly half");
    }

    #[test]
    fn a_new_run_of_a_bench_replaces_its_records() {
        let dir = tempfile::tempdir().unwrap();
        assert!(LoadRecord::read_all(dir.path()).unwrap().is_empty());
        LoadRecord::save(dir.path(), &record("b", Moment::Before, 0.1, 0)).unwrap();
        LoadRecord::save(dir.path(), &record("b", Moment::After, 0.2, 0)).unwrap();
        LoadRecord::save(dir.path(), &record("a", Moment::Before, 0.3, 0)).unwrap();
        let all = LoadRecord::read_all(dir.path()).unwrap();
        assert_eq!(all.len(), 3);
        assert_eq!(all[0].bench, "a");
        LoadRecord::save(dir.path(), &record("b", Moment::Before, 1.7, 2)).unwrap();
        let all = LoadRecord::read_all(dir.path()).unwrap();
        let b: Vec<_> = all.iter().filter(|r| r.bench == "b").collect();
        assert_eq!(b.len(), 1);
        assert_eq!(b[0].load_average[0], 1.7);
        std::fs::write(dir.path().join(LOAD_FILE), "[{").unwrap();
        let err = LoadRecord::read_all(dir.path()).unwrap_err().to_string();
        assert!(err.contains(LOAD_FILE), "{err}");
        let err = LoadRecord::save(dir.path(), &record("b", Moment::After, 0.2, 0));
        assert!(err.is_err(), "a corrupt file is not overwritten");
    }
}
