//! CPU time per benchmark, recorded by the benches on the first run Criterion makes (in its
//! warm-up, outside the samples), in `parbench-cpu.json` beside Criterion's data.
//!
//! Criterion measures wall time only. CPU time against wall time splits `sequential`'s work
//! into computing and waiting (what the cost model needs) and gives each strategy's "cores
//! busy" (CPU time / wall time). Worker processes count once reaped, as in
//! [`measure`](crate::measure::measure).

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::Result;
use crate::records::{load_json_list, merge_json_list};

/// The file, inside Criterion's directory, where the benches record CPU times.
pub const CPU_FILE: &str = "parbench-cpu.json";

/// Wall and CPU time of one run of one benchmark, outside Criterion's timing.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CpuRecord {
    /// The benchmark's full ID, e.g. `hash-1MiB/threads/8`.
    pub id: String,
    /// The run's wall-clock time in seconds.
    pub wall_seconds: f64,
    /// The run's user + system CPU time in seconds, reaped worker processes included.
    pub cpu_seconds: f64,
}

/// Runs shorter than this have no meaningful CPU share: the process's CPU time includes its
/// other threads (an idle pool spinning down, the runtime's), and is read at microsecond
/// resolution.
pub const MIN_WALL_SECONDS: f64 = 1e-3;

impl CpuRecord {
    /// CPU time over wall time: how many cores the run kept busy on average; `None` for runs
    /// shorter than [`MIN_WALL_SECONDS`].
    pub fn cores_busy(&self) -> Option<f64> {
        (self.wall_seconds >= MIN_WALL_SECONDS).then(|| self.cpu_seconds / self.wall_seconds)
    }

    /// The share of the run spent computing, `cpu / wall` clamped to `[0, 1]`: right for
    /// `sequential`, which computes on one core at most.
    pub fn computing_share(&self) -> Option<f64> {
        self.cores_busy().map(|b| b.clamp(0.0, 1.0))
    }

    /// Reads every record in `criterion_dir`; empty if the benches never wrote any, an error
    /// naming the file if it cannot be read.
    pub fn read_all(criterion_dir: &Path) -> Result<Vec<CpuRecord>> {
        load_json_list(&criterion_dir.join(CPU_FILE))
    }

    /// Adds `records` to the file in `criterion_dir`, replacing older records of the same IDs.
    pub fn save_all(criterion_dir: &Path, records: &[CpuRecord]) -> Result<()> {
        merge_json_list(&criterion_dir.join(CPU_FILE), records, |r| r.id.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_merge_by_id_and_corruption_names_the_file() {
        let dir = tempfile::tempdir().unwrap();
        assert!(CpuRecord::read_all(dir.path()).unwrap().is_empty());
        let record = |id: &str, cpu| CpuRecord {
            id: id.to_string(),
            wall_seconds: 0.5,
            cpu_seconds: cpu,
        };
        let short = CpuRecord {
            wall_seconds: 1e-5,
            ..record("a/z/1", 1e-5)
        };
        assert_eq!(short.cores_busy(), None, "too short to tell");
        CpuRecord::save_all(dir.path(), &[record("a/x/1", 0.1), record("a/y/1", 0.9)]).unwrap();
        CpuRecord::save_all(dir.path(), &[record("a/x/1", 0.25)]).unwrap();
        let all = CpuRecord::read_all(dir.path()).unwrap();
        assert_eq!(all.len(), 2);
        assert_eq!(all[0].cores_busy(), Some(0.5));
        assert_eq!(all[1].computing_share(), Some(1.0), "clamped");
        std::fs::write(dir.path().join(CPU_FILE), "[{").unwrap();
        let err = CpuRecord::read_all(dir.path()).unwrap_err().to_string();
        assert!(err.contains(CPU_FILE), "{err}");
    }
}
