//! The records the benches write beside Criterion's data, and the one way to read and write them.
//!
//! Criterion measures time; parbench also needs to know which machine and profile a run came
//! from ([`RunMeta`]) and what Criterion does not measure, such as peak memory
//! ([`MemoryRecord`]). Each record is a small serde type, a file name inside Criterion's
//! directory, and a read and a write method of one line each: one value per file uses
//! [`load_json`] and [`save_json`]; a list merged by benchmark ID uses [`load_json_list`] and
//! [`merge_json_list`]. These are the only functions that touch the files, and they
//! attach the file's path to every error (criterion.rs `fs.rs` is the model): a record that
//! cannot be read or parsed is an error naming the file — in the benches and the report alike —
//! never silently replaced.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::machine::Machine;
use crate::suite::Profile;

/// Where Criterion keeps its data, and so parbench its records: `$CRITERION_HOME`, else
/// `$CARGO_TARGET_DIR/criterion`, else `target/criterion` below `base` — the same order
/// Criterion itself uses.
pub fn criterion_dir(base: &Path) -> PathBuf {
    if let Some(home) = std::env::var_os("CRITERION_HOME") {
        return PathBuf::from(home);
    }
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(target) => base.join(PathBuf::from(target)).join("criterion"),
        None => base.join("target").join("criterion"),
    }
}

/// Reads the JSON value in `path`; `Ok(None)` only when the file does not exist.
///
/// Any other failure — unreadable, not JSON, not the expected shape — is an error naming
/// `path`.
pub fn load_json<T: DeserializeOwned>(path: &Path) -> Result<Option<T>> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(source) => return Err(Error::io("cannot read", path, source)),
    };
    serde_json::from_str(&text)
        .map(Some)
        .map_err(|e| Error::BadData {
            path: path.to_path_buf(),
            detail: e.to_string(),
        })
}

/// Writes `value` as pretty JSON to `path`, creating its directory if needed.
///
/// The text goes to a temporary file in the same directory first and is then renamed over
/// `path`, so a reader never sees half a record, even if the writer is killed. Every error
/// names the file or directory concerned.
pub fn save_json<T: Serialize + ?Sized>(path: &Path, value: &T) -> Result<()> {
    let text = serde_json::to_string_pretty(value).map_err(|e| Error::BadData {
        path: path.to_path_buf(),
        detail: format!("cannot serialize: {e}"),
    })?;
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    std::fs::create_dir_all(dir).map_err(|source| Error::io("cannot create", dir, source))?;
    let mut temp = tempfile::NamedTempFile::new_in(dir)
        .map_err(|source| Error::io("cannot create a temporary file in", dir, source))?;
    temp.write_all(text.as_bytes())
        .map_err(|source| Error::io("cannot write", temp.path(), source))?;
    temp.persist(path)
        .map_err(|e| Error::io("cannot write", path, e.error))?;
    Ok(())
}

/// Reads the JSON list in `path`; empty when the file does not exist.
pub fn load_json_list<T: DeserializeOwned>(path: &Path) -> Result<Vec<T>> {
    Ok(load_json(path)?.unwrap_or_default())
}

/// Adds `records` to the JSON list in `path`, replacing older entries with the same `key`
/// (usually a benchmark ID); the list stays sorted by key. A file that exists but cannot be
/// read is an error naming it, never overwritten.
pub fn merge_json_list<T, K>(path: &Path, records: &[T], key: impl Fn(&T) -> &K) -> Result<()>
where
    T: Serialize + DeserializeOwned + Clone,
    K: Ord + ?Sized,
{
    let mut all: Vec<T> = load_json_list(path)?;
    all.retain(|old| records.iter().all(|new| key(new) != key(old)));
    all.extend_from_slice(records);
    all.sort_by(|a, b| key(a).cmp(key(b)));
    save_json(path, &all)
}

/// The file, inside Criterion's directory, where the benches record their [`RunMeta`].
pub const META_FILE: &str = "parbench-run.json";

/// What the benches record about the run that produced Criterion's data.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunMeta {
    /// The machine the benches ran on.
    pub machine: Machine,
    /// The profile of the latest bench run.
    pub profile: Profile,
    /// When the latest bench run started (RFC 3339, UTC).
    pub started: String,
}

impl RunMeta {
    /// The facts of a run starting now on this machine.
    pub fn now(profile: Profile) -> Self {
        RunMeta {
            machine: Machine::detect(),
            profile,
            started: humantime::format_rfc3339_seconds(SystemTime::now()).to_string(),
        }
    }

    /// Reads the record from `criterion_dir`; `Ok(None)` if the benches never wrote one.
    pub fn read(criterion_dir: &Path) -> Result<Option<Self>> {
        load_json(&criterion_dir.join(META_FILE))
    }

    /// Writes the record into `criterion_dir`, replacing an older one.
    pub fn write(&self, criterion_dir: &Path) -> Result<()> {
        save_json(&criterion_dir.join(META_FILE), self)
    }
}

/// The file, inside Criterion's directory, where the benches record peak memory.
pub const MEMORY_FILE: &str = "parbench-memory.json";

/// Peak memory of one run of one benchmark, measured outside Criterion's timing.
///
/// Criterion measures time only; the threads-against-async sweep also records how much memory
/// one run of each point needs, with [`PeakRss`](crate::measure::PeakRss).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MemoryRecord {
    /// The benchmark's full ID, e.g. `waits-50ms/threads/10000`.
    pub id: String,
    /// The process's resident size just before the run, in bytes.
    pub rss_before_bytes: u64,
    /// The process's peak resident size during the run, in bytes.
    pub peak_rss_bytes: u64,
    /// The run's wall-clock time in seconds.
    pub wall_seconds: f64,
}

impl MemoryRecord {
    /// How much the run raised the resident size: peak minus before.
    pub fn growth_bytes(&self) -> u64 {
        self.peak_rss_bytes.saturating_sub(self.rss_before_bytes)
    }

    /// Reads every record in `criterion_dir`; empty if the benches never wrote any.
    pub fn read_all(criterion_dir: &Path) -> Result<Vec<Self>> {
        load_json_list(&criterion_dir.join(MEMORY_FILE))
    }

    /// Adds `records` to the file in `criterion_dir`, replacing older records of the same IDs.
    pub fn save_all(criterion_dir: &Path, records: &[Self]) -> Result<()> {
        merge_json_list(&criterion_dir.join(MEMORY_FILE), records, |r| r.id.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn load_json_is_none_only_for_a_missing_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("absent.json");
        assert_eq!(load_json::<Vec<u32>>(&path).unwrap(), None);
        save_json(&path, &vec![1u32, 2]).unwrap();
        assert_eq!(load_json::<Vec<u32>>(&path).unwrap(), Some(vec![1, 2]));
        let err = load_json::<Vec<u32>>(dir.path()).unwrap_err().to_string();
        assert!(
            err.starts_with("cannot read"),
            "a directory is unreadable: {err}"
        );
    }

    #[test]
    fn save_json_creates_the_directory_and_leaves_no_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a").join("b").join("record.json");
        save_json(&path, &"first").unwrap();
        save_json(&path, &"second").unwrap();
        assert_eq!(
            load_json::<String>(&path).unwrap().as_deref(),
            Some("second")
        );
        let files: Vec<_> = std::fs::read_dir(path.parent().unwrap())
            .unwrap()
            .map(|entry| entry.unwrap().file_name())
            .collect();
        assert_eq!(files, vec![std::ffi::OsString::from("record.json")]);
    }

    #[test]
    fn save_json_names_the_directory_it_cannot_create() {
        let dir = tempfile::tempdir().unwrap();
        let blocker = dir.path().join("file");
        std::fs::write(&blocker, "not a directory").unwrap();
        let err = save_json(&blocker.join("record.json"), &1)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("cannot create") && err.contains("file"),
            "{err}"
        );
    }

    #[test]
    fn run_meta_round_trips_and_absence_is_none() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(RunMeta::read(dir.path()).unwrap(), None);
        let meta = RunMeta::now(Profile::Quick);
        meta.write(dir.path()).unwrap();
        assert_eq!(RunMeta::read(dir.path()).unwrap(), Some(meta));
        std::fs::write(dir.path().join(META_FILE), "{ not json").unwrap();
        let err = RunMeta::read(dir.path()).unwrap_err().to_string();
        assert!(err.contains(META_FILE), "{err}");
    }

    fn record(id: &str, peak: u64) -> MemoryRecord {
        MemoryRecord {
            id: id.to_string(),
            rss_before_bytes: 100,
            peak_rss_bytes: peak,
            wall_seconds: 0.1,
        }
    }

    #[test]
    fn memory_records_merge_by_id() {
        let dir = tempfile::tempdir().unwrap();
        assert!(MemoryRecord::read_all(dir.path()).unwrap().is_empty());
        MemoryRecord::save_all(dir.path(), &[record("a/x/1", 150), record("a/y/1", 300)]).unwrap();
        MemoryRecord::save_all(dir.path(), &[record("a/x/1", 500)]).unwrap();
        let all = MemoryRecord::read_all(dir.path()).unwrap();
        assert_eq!(all.len(), 2);
        assert_eq!(all[0].growth_bytes(), 400);
    }

    #[test]
    fn a_corrupt_memory_file_is_an_error_naming_it_and_is_kept() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(MEMORY_FILE);
        std::fs::write(&path, "[{").unwrap();
        let err = MemoryRecord::read_all(dir.path()).unwrap_err().to_string();
        assert!(err.contains(MEMORY_FILE), "{err}");
        let err = MemoryRecord::save_all(dir.path(), &[record("a/x/1", 150)])
            .unwrap_err()
            .to_string();
        assert!(err.contains(MEMORY_FILE), "{err}");
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "[{");
    }
}
