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

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::bench_id::Group;
use crate::error::{Error, Result};
use crate::machine::Machine;
use crate::suite::{Plan, Profile};

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

/// The file, inside Criterion's directory, where the benches keep the run's [`RunManifest`].
pub const META_FILE: &str = "parbench-run.json";

/// What a run of the benches actually ran: the machine, the profile, the plan's sizing, the
/// groups the whole profile plans, and each bench binary with every group it measured and the
/// settings it measured them with (including what was decided at run time, such as the mixed
/// tasks' calibrated byte counts).
///
/// The bench binaries write it; the report reads it instead of re-deriving the plan. A bench
/// binary of the same profile and core count adds its entry (replacing its own older one); a
/// binary of another profile or core count starts a new manifest, so groups measured under
/// other settings are left out of the report and named there.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RunManifest {
    /// The machine the benches ran on.
    pub machine: Machine,
    /// The profile of the run.
    pub profile: Profile,
    /// When the latest bench binary of the run started (RFC 3339, UTC).
    pub started: String,
    /// The core count the sweeps were sized to ([`Plan::sized_cores`](crate::suite::Plan)).
    #[serde(default)]
    pub sized_cores: usize,
    /// Every group the profile plans on this machine, whether measured yet or not (IDs as
    /// [`Group`]'s `Display` writes them). Empty in a record written before manifests existed.
    #[serde(default)]
    pub planned_groups: Vec<String>,
    /// The bench binaries of this run that have started, in the order they started.
    #[serde(default)]
    pub benches: Vec<BenchEntry>,
    /// The task counts the profile's CPython sweep runs (none: it does not measure CPython).
    #[serde(default)]
    pub python_tasks: Vec<usize>,
}

/// One bench binary of a run: when it ran and the groups it measured.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BenchEntry {
    /// The bench binary's name, e.g. `cpu_bound`.
    pub bench: String,
    /// When it started (RFC 3339, UTC).
    pub started: String,
    /// The groups it measured, in order.
    pub groups: Vec<GroupEntry>,
    /// What it measured outside any group (e.g. the paired sets), by name.
    #[serde(default)]
    pub settings: BTreeMap<String, serde_json::Value>,
}

/// One measured group and the settings it was measured with.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GroupEntry {
    /// The group's ID, e.g. `hash-1MiB`.
    pub group: String,
    /// Settings beyond what the ID says, by name (e.g. `hash_bytes_at_percent` for mixed).
    #[serde(default)]
    pub settings: BTreeMap<String, serde_json::Value>,
}

/// The earlier name of [`RunManifest`].
pub type RunMeta = RunManifest;

impl RunManifest {
    /// The manifest of a run of `plan` starting now on this machine, with no bench yet.
    pub fn now(plan: &Plan) -> Self {
        RunManifest {
            machine: Machine::detect(),
            profile: plan.profile,
            started: now_rfc3339(),
            sized_cores: plan.sized_cores(),
            planned_groups: plan.groups().iter().map(Group::to_string).collect(),
            benches: Vec::new(),
            python_tasks: plan.python_tasks(),
        }
    }

    /// Whether this record is a manifest (written by benches that record their groups) rather
    /// than an older record of the machine and profile alone.
    pub fn is_manifest(&self) -> bool {
        !self.planned_groups.is_empty()
    }

    /// Records in `criterion_dir` that bench binary `bench` of `plan` starts now: adds its
    /// entry to the manifest of the same profile and core count, or starts a new manifest.
    pub fn begin_bench(criterion_dir: &Path, plan: &Plan, bench: &str) -> Result<()> {
        let fresh = Self::now(plan);
        let mut manifest = match Self::read(criterion_dir)? {
            Some(old)
                if old.is_manifest()
                    && old.profile == fresh.profile
                    && old.machine.logical_cores == fresh.machine.logical_cores
                    && old.planned_groups == fresh.planned_groups =>
            {
                RunManifest {
                    started: fresh.started.clone(),
                    machine: fresh.machine.clone(),
                    ..old
                }
            }
            _ => fresh.clone(),
        };
        manifest.benches.retain(|b| b.bench != bench);
        manifest.benches.push(BenchEntry {
            bench: bench.to_string(),
            started: fresh.started,
            groups: Vec::new(),
            settings: BTreeMap::new(),
        });
        manifest.write(criterion_dir)
    }

    /// Records in `criterion_dir` that bench binary `bench` measured `group` with `settings`
    /// (replacing an entry of the same group).
    pub fn record_group(
        criterion_dir: &Path,
        bench: &str,
        group: &Group,
        settings: BTreeMap<String, serde_json::Value>,
    ) -> Result<()> {
        let Some(mut manifest) = Self::read(criterion_dir)? else {
            return Ok(());
        };
        let id = group.to_string();
        for entry in manifest.benches.iter_mut().filter(|b| b.bench == bench) {
            entry.groups.retain(|g| g.group != id);
            entry.groups.push(GroupEntry {
                group: id.clone(),
                settings: settings.clone(),
            });
        }
        manifest.write(criterion_dir)
    }

    /// Records in `criterion_dir` what bench binary `bench` measured outside any group.
    pub fn record_settings(
        criterion_dir: &Path,
        bench: &str,
        settings: BTreeMap<String, serde_json::Value>,
    ) -> Result<()> {
        let Some(mut manifest) = Self::read(criterion_dir)? else {
            return Ok(());
        };
        for entry in manifest.benches.iter_mut().filter(|b| b.bench == bench) {
            entry.settings.extend(settings.clone());
        }
        manifest.write(criterion_dir)
    }

    /// Every group the run's bench binaries measured, in the order they measured them.
    pub fn measured_groups(&self) -> Vec<Group> {
        self.benches
            .iter()
            .flat_map(|b| &b.groups)
            .filter_map(|g| Group::parse(&g.group))
            .collect()
    }

    /// The groups the profile plans (parsed from their IDs).
    pub fn planned(&self) -> Vec<Group> {
        self.planned_groups
            .iter()
            .filter_map(|g| Group::parse(g))
            .collect()
    }

    /// The settings `group` was measured with, if the manifest records it.
    pub fn settings_of(&self, group: &Group) -> Option<&BTreeMap<String, serde_json::Value>> {
        let id = group.to_string();
        self.benches
            .iter()
            .flat_map(|b| &b.groups)
            .find(|g| g.group == id)
            .map(|g| &g.settings)
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

/// The time now as RFC 3339 (UTC, seconds).
pub fn now_rfc3339() -> String {
    humantime::format_rfc3339_seconds(SystemTime::now()).to_string()
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
        let meta = RunMeta::now(&Plan::new(Profile::Quick, 2));
        meta.write(dir.path()).unwrap();
        assert_eq!(RunMeta::read(dir.path()).unwrap(), Some(meta));
        std::fs::write(dir.path().join(META_FILE), "{ not json").unwrap();
        let err = RunMeta::read(dir.path()).unwrap_err().to_string();
        assert!(err.contains(META_FILE), "{err}");
    }

    #[test]
    fn the_manifest_gathers_each_bench_and_group_and_restarts_for_another_profile() {
        let dir = tempfile::tempdir().unwrap();
        let quick = Plan::new(Profile::Quick, 2);
        RunManifest::begin_bench(dir.path(), &quick, "cpu_bound").unwrap();
        let hash = Group::Hash { bytes: 256 << 10 };
        RunManifest::record_group(dir.path(), "cpu_bound", &hash, BTreeMap::new()).unwrap();
        RunManifest::begin_bench(dir.path(), &quick, "mixed").unwrap();
        let mixed = quick
            .groups()
            .into_iter()
            .find(|g| matches!(g, Group::Mixed { .. }))
            .unwrap();
        let settings = BTreeMap::from([("bytes".to_string(), serde_json::json!(42))]);
        RunManifest::record_group(dir.path(), "mixed", &mixed, settings).unwrap();
        let manifest = RunManifest::read(dir.path()).unwrap().unwrap();
        assert!(manifest.is_manifest());
        assert_eq!(manifest.measured_groups(), vec![hash, mixed]);
        assert_eq!(manifest.planned(), quick.groups());
        assert_eq!(manifest.settings_of(&mixed).unwrap()["bytes"], 42);
        // The same bench again replaces its own entry; another profile starts anew.
        RunManifest::begin_bench(dir.path(), &quick, "cpu_bound").unwrap();
        let again = RunManifest::read(dir.path()).unwrap().unwrap();
        assert_eq!(again.measured_groups(), vec![mixed]);
        RunManifest::begin_bench(dir.path(), &Plan::new(Profile::Default, 2), "mixed").unwrap();
        let fresh = RunManifest::read(dir.path()).unwrap().unwrap();
        assert_eq!(fresh.profile, Profile::Default);
        assert!(fresh.measured_groups().is_empty());
        assert_eq!(fresh.benches.len(), 1);
    }

    #[test]
    fn a_record_older_than_manifests_still_reads() {
        let dir = tempfile::tempdir().unwrap();
        let old = serde_json::json!({
            "machine": Machine::detect(),
            "profile": "quick",
            "started": "2026-01-01T00:00:00Z",
        });
        save_json(&dir.path().join(META_FILE), &old).unwrap();
        let meta = RunManifest::read(dir.path()).unwrap().unwrap();
        assert!(!meta.is_manifest());
        assert!(meta.measured_groups().is_empty());
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
