//! CPU time per benchmark, recorded by the benches with one extra run outside Criterion's
//! timing, in `parbench-cpu.json` beside Criterion's data.
//!
//! Criterion measures wall time only. CPU time against wall time splits `sequential`'s work
//! into computing and waiting (what the cost model needs) and gives each strategy's "cores
//! busy" (CPU time / wall time). Worker processes count once reaped, as in
//! [`measure`](crate::measure::measure).

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

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

impl CpuRecord {
    /// CPU time over wall time: how many cores the run kept busy on average.
    pub fn cores_busy(&self) -> Option<f64> {
        (self.wall_seconds > 0.0).then(|| self.cpu_seconds / self.wall_seconds)
    }

    /// The share of the run spent computing, `cpu / wall` clamped to `[0, 1]`: right for
    /// `sequential`, which computes on one core at most.
    pub fn computing_share(&self) -> Option<f64> {
        self.cores_busy().map(|b| b.clamp(0.0, 1.0))
    }

    /// Reads every record in `criterion_dir`; empty if the benches never wrote any.
    pub fn read_all(criterion_dir: &Path) -> Result<Vec<CpuRecord>> {
        let path = criterion_dir.join(CPU_FILE);
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(source) => {
                return Err(Error::Io {
                    action: "cannot read",
                    path,
                    source,
                });
            }
        };
        serde_json::from_str(&text).map_err(|e| Error::BadData {
            path,
            detail: e.to_string(),
        })
    }

    /// Adds `records` to the file in `criterion_dir`, replacing older records of the same IDs.
    pub fn save_all(criterion_dir: &Path, records: &[CpuRecord]) -> Result<()> {
        let mut all = Self::read_all(criterion_dir)?;
        all.retain(|old| records.iter().all(|new| new.id != old.id));
        all.extend_from_slice(records);
        all.sort_by(|a, b| a.id.cmp(&b.id));
        std::fs::create_dir_all(criterion_dir).map_err(|source| Error::Io {
            action: "cannot create",
            path: criterion_dir.to_path_buf(),
            source,
        })?;
        let path = criterion_dir.join(CPU_FILE);
        let text = serde_json::to_string_pretty(&all).expect("records serialize");
        std::fs::write(&path, text).map_err(|source| Error::Io {
            action: "cannot write",
            path,
            source,
        })
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
