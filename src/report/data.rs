//! The run's data, read and compared once: what every section is built from.
//!
//! [`RunData::build`] reads Criterion's results and the records the benches wrote, compares
//! every group with its baseline and takes the verdicts; it also knows the links from the
//! output directory to Criterion's own pages.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Component, Path, PathBuf};

use serde::Serialize;

use crate::bench_id::Group;
use crate::canary::CanaryReading;
use crate::costs::CpuRecord;
use crate::costs::measured;
use crate::costs::model::ScalingPoint;
use crate::error::Result;
use crate::machine::Machine;
use crate::pairs::PairsRecord;
use crate::python::PythonRecord;
use crate::quality::Quality;
use crate::quality::load::LoadRecord;
use crate::records::{MemoryRecord, RunManifest};
use crate::suite::{Plan, Profile};

use super::analysis::{self, GroupAnalysis, VerdictRow};
use super::format;
use crate::criterion_data::{self, Measurement};

/// Where the report's machine facts come from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum MachineSource {
    /// Recorded by the benches in `parbench-run.json`.
    RecordedByBenches,
    /// Not recorded: this machine, read when the report was generated.
    ReadAtReportTime,
}

/// Everything the sections are built from, computed once.
#[derive(Clone, Debug)]
pub struct RunData {
    /// When the report was generated (RFC 3339); the only thing that differs between two
    /// generations from the same data.
    pub generated: String,
    /// The machine facts.
    pub machine: Machine,
    /// Where the machine facts come from.
    pub machine_source: MachineSource,
    /// The bench profile, if recorded.
    pub profile: Option<Profile>,
    /// When the bench run started, if recorded.
    pub run_started: Option<String>,
    /// Every group's measurements and speedups, in group order.
    pub groups: Vec<GroupAnalysis>,
    /// One verdict per (group, strategy) of the groups compared with `sequential`.
    pub verdicts: Vec<VerdictRow>,
    /// Every memory record the benches wrote (`parbench-memory.json`).
    pub memory: Vec<MemoryRecord>,
    /// Every CPU-time record the benches wrote (`parbench-cpu.json`).
    pub cpu: Vec<CpuRecord>,
    /// What the `python` bench recorded about the interpreter (`parbench-python.json`), if
    /// it ran.
    pub python: Option<PythonRecord>,
    /// Groups the profile runs but that have no data.
    pub missing_groups: Vec<String>,
    /// Benchmarks skipped while reading, with the reason.
    pub skipped: Vec<String>,
    /// The confidence level of Criterion's intervals (e.g. 0.95), if all agree.
    pub confidence_level: Option<f64>,
    /// How much the measurements can be trusted: noisy benchmarks, the load around the bench
    /// binaries (`parbench-load.json`), and the warning.
    pub quality: Quality,
    /// The warning at the top of the page: only when a verdict (and so a matrix cell) rests on
    /// a noisy measurement or on one taken in a slow stretch of the machine, naming them.
    pub top_warning: Option<String>,
    /// The paired speedups of the run (`parbench-pairs.json`), if the `pairs` bench ran.
    pub pairs: Option<PairsRecord>,
    /// The speed canary's readings during the run (`parbench-canary.json`), oldest first.
    pub canary: Vec<CanaryReading>,
    /// What the run recorded about itself (`parbench-run.json`): a manifest of its groups and
    /// their settings, or, from benches older than manifests, the machine and profile alone.
    pub manifest: Option<RunManifest>,
    /// URL prefix from the output directory to the Criterion directory, ending in `/`.
    criterion_url: String,
}

impl RunData {
    /// Reads and analyses the data below `criterion_dir`; links are made relative to
    /// `out_dir`, which must exist.
    pub fn build(criterion_dir: &Path, out_dir: &Path, generated: String) -> Result<RunData> {
        let data = criterion_data::load(criterion_dir)?;
        let meta = RunManifest::read(criterion_dir)?;
        let python = PythonRecord::load(criterion_dir)?;
        let mut skipped = data.skipped;
        // Which groups the latest run measured, and which it plans: from the run's manifest;
        // a record written before manifests existed falls back to the profile's plan, and
        // says so.
        let (planned, expected) = match &meta {
            Some(meta) if meta.is_manifest() => (Some(meta.measured_groups()), meta.planned()),
            Some(meta) => {
                skipped.push(
                    "the run's manifest: the benches that wrote these data did not record one, so \
                     the groups were derived from the profile's plan"
                        .to_string(),
                );
                legacy_groups(meta.profile, meta.machine.logical_cores, python.as_ref())
            }
            None => (
                None,
                legacy_groups(Profile::Default, Machine::detect().logical_cores, None).1,
            ),
        };
        let manifest = meta.clone();
        let (machine, machine_source, profile, run_started) = match meta {
            Some(meta) => (
                meta.machine,
                MachineSource::RecordedByBenches,
                Some(meta.profile),
                Some(meta.started),
            ),
            None => (
                Machine::detect(),
                MachineSource::ReadAtReportTime,
                None,
                None,
            ),
        };
        // Groups another profile measured earlier (e.g. `hash-256KiB` of `quick` beside the
        // default's `hash-1MiB`) would mix two runs' settings in one page: left out, and said.
        let mut stale = BTreeSet::new();
        let mut by_group: BTreeMap<Group, Vec<Measurement>> = BTreeMap::new();
        for m in &data.measurements {
            match &planned {
                Some(planned) if !planned.contains(&m.id.group) => {
                    stale.insert(m.id.group);
                }
                _ => by_group.entry(m.id.group).or_default().push(m.clone()),
            }
        }
        for group in stale {
            skipped.push(format!(
                "{group}: not a group of the latest run's profile ({}); measured by an earlier run \
                 with other settings, so left out",
                profile.map_or("unknown", Profile::name)
            ));
        }
        let pairs = PairsRecord::load_run(criterion_dir)?.map(PairsRecord::for_a_rerun);
        let canary = CanaryReading::read_all(criterion_dir)?;
        let mut groups: Vec<GroupAnalysis> = by_group
            .iter()
            .map(|(group, ms)| GroupAnalysis::new(*group, ms).paired_with(pairs.as_ref()))
            .collect();
        let raw = raw_scaling_of(&groups, pairs.as_ref());
        for g in &mut groups {
            g.mark_anomalies(machine.logical_cores, &raw);
        }
        let verdicts = analysis::verdicts(&groups);
        let memory = MemoryRecord::read_all(criterion_dir)?;
        let cpu = CpuRecord::read_all(criterion_dir)?;
        let missing_groups = missing_groups(&groups, &expected);
        let mut levels: Vec<f64> = groups
            .iter()
            .flat_map(|g| g.points.iter().map(|p| p.measurement.confidence_level))
            .collect();
        levels.sort_by(f64::total_cmp);
        levels.dedup();
        let confidence_level = (levels.len() == 1).then(|| levels[0]);
        let quality = quality_of(&groups, LoadRecord::read_all(criterion_dir)?);
        let slow_groups = crate::canary::CanarySummary::of(&canary)
            .map(|c| c.slow_groups())
            .unwrap_or_default();
        let top_warning = verdict_warning(&verdicts, &slow_groups);
        Ok(RunData {
            generated,
            machine,
            machine_source,
            profile,
            run_started,
            groups,
            verdicts,
            memory,
            cpu,
            python,
            missing_groups,
            skipped,
            confidence_level,
            quality,
            top_warning,
            pairs,
            canary,
            manifest,
            criterion_url: criterion_url(criterion_dir, out_dir),
        })
    }

    /// Data from already analysed groups, for tests of the sections: a 2-core test machine,
    /// links relative to nothing.
    #[cfg(test)]
    pub(crate) fn from_groups(groups: Vec<GroupAnalysis>, logical_cores: usize) -> RunData {
        RunData {
            generated: "2026-01-01T00:00:00Z".to_string(),
            machine: Machine {
                logical_cores,
                machine_cpus: None,
                physical_cores: logical_cores,
                cpu_model: "Test CPU".to_string(),
                os: "testos".to_string(),
                rustc: "rustc 1.0.0".to_string(),
                parbench: "0.1.0".to_string(),
            },
            machine_source: MachineSource::RecordedByBenches,
            profile: Some(Profile::Default),
            run_started: None,
            verdicts: analysis::verdicts(&groups),
            quality: quality_of(&groups, Vec::new()),
            top_warning: None,
            groups,
            memory: Vec::new(),
            cpu: Vec::new(),
            python: None,
            missing_groups: Vec::new(),
            skipped: Vec::new(),
            confidence_level: Some(0.95),
            pairs: None,
            canary: Vec::new(),
            manifest: None,
            criterion_url: String::new(),
        }
    }

    /// The machine's logical cores.
    pub fn cores(&self) -> usize {
        self.machine.logical_cores
    }

    /// The machine's raw compute scaling measured in this run (`primitive/hash-threads/<k>`,
    /// see [`measured::raw_scaling`]), by thread count; empty when it was not measured.
    pub fn raw_scaling(&self) -> Vec<ScalingPoint> {
        raw_scaling_of(&self.groups, self.pairs.as_ref())
    }

    /// The bytes each bare thread hashed in the raw compute scaling (`primitive/hash-threads`):
    /// as the run's manifest records it, or, for a run without one, as its profile's plan says.
    pub fn raw_scaling_bytes(&self) -> Option<u64> {
        let manifest = self.manifest.as_ref()?;
        if manifest.is_manifest() {
            return manifest
                .settings_of(&Group::Primitive)?
                .get("hash_threads_bytes")?
                .as_u64();
        }
        Some(Plan::new(manifest.profile, manifest.machine.logical_cores).raw_scaling_bytes())
    }

    /// Whether the run's profile measures CPython: from the manifest, or for a run without
    /// one, from its profile's plan; `None` when the profile is unknown.
    pub fn profile_measures_python(&self) -> Option<bool> {
        let manifest = self.manifest.as_ref()?;
        Some(if manifest.is_manifest() {
            !manifest.python_tasks.is_empty()
        } else {
            !Plan::new(manifest.profile, manifest.machine.logical_cores)
                .python_tasks()
                .is_empty()
        })
    }

    /// The CPython pools' size for a task count, as the `python` bench recorded it in the
    /// run's manifest; for a run without one, as the default plan sizes it.
    pub fn python_workers_by_tasks(&self) -> Box<dyn Fn(u64) -> usize> {
        let recorded: BTreeMap<String, usize> = self
            .manifest
            .iter()
            .flat_map(|m| &m.benches)
            .flat_map(|b| &b.groups)
            .filter_map(|g| g.settings.get("workers_by_tasks"))
            .find_map(|v| serde_json::from_value(v.clone()).ok())
            .unwrap_or_default();
        let plan = Plan::new(Profile::Default, self.cores());
        Box::new(move |tasks| {
            recorded
                .get(&tasks.to_string())
                .copied()
                .unwrap_or_else(|| plan.python_workers(tasks as usize))
        })
    }

    /// The groups matching `is`, in group order.
    pub fn groups_where(&self, is: impl Fn(&Group) -> bool) -> Vec<&GroupAnalysis> {
        self.groups.iter().filter(|g| is(&g.group)).collect()
    }

    /// The link to Criterion's own page for a benchmark directory (relative to the output
    /// directory when possible).
    pub fn criterion_page(&self, directory: &str) -> String {
        format!(
            "{}{}/report/index.html",
            self.criterion_url,
            url_path(directory)
        )
    }

    /// The link to Criterion's own summary page of all benchmarks.
    pub fn criterion_index(&self) -> String {
        format!("{}report/index.html", self.criterion_url)
    }

    /// How many benchmarks the report covers.
    pub fn benchmark_count(&self) -> usize {
        self.groups.iter().map(|g| g.points.len()).sum()
    }

    /// The machine in one line: cores, CPU, OS, compiler, profile.
    pub fn machine_line(&self) -> String {
        let m = &self.machine;
        let profile = match self.profile {
            Some(p) => format!("{} profile", p.name()),
            None => "profile not recorded".to_string(),
        };
        let source = match self.machine_source {
            MachineSource::RecordedByBenches => "",
            MachineSource::ReadAtReportTime => " (read at report time)",
        };
        format!(
            "{} logical cores ({} physical), {}, {}, {}, {profile}{source}",
            m.cpus_text(),
            m.physical_cores,
            m.cpu_model,
            m.os,
            m.rustc
        )
    }

    /// The notes on missing or skipped data.
    pub fn notes(&self) -> Vec<String> {
        let mut notes = Vec::new();
        if !self.missing_groups.is_empty() {
            notes.push(format!(
                "Not run in this data: {}. Run `cargo bench` without a filter to measure them.",
                self.missing_groups.join(", ")
            ));
        }
        for skipped in &self.skipped {
            notes.push(format!("Skipped {skipped}."));
        }
        if self.confidence_level.is_none() {
            notes.push("The benchmarks were measured at different confidence levels.".to_string());
        }
        notes
    }

    /// The rule behind the verdicts, in words.
    pub fn verdict_rule(&self) -> String {
        let level = self
            .confidence_level
            .map(format::share)
            .unwrap_or_else(|| "Criterion's".to_string());
        format!(
            "Speedup = sequential's time / the strategy's time at the same value. Where it says \
             \"paired\" (see How the speedups were measured) it is the geometric mean of \
             per-round ratios, sequential and the strategy run alternately on the same tasks in \
             several processes, in a loop, its interval one a re-run should land in; elsewhere \
             it divides the two Criterion means, whose \
             {level} confidence intervals are combined, each widened for run-to-run variation \
             (drift seen within the run, and a floor of ±{floor} per mean). Each verdict is \
             taken at the largest value where the strategy has a speedup: the interval gives \
             the direction and the point the size. helps ×S: faster for certain (the whole \
             interval above ×1) and the point at least {helps}; hurts ×S: slower for certain \
             and the point at most {hurts} (S = times slower); no gain: the point between \
             {hurts} and {helps} and the interval within [{low}, {high}], ruling out a change \
             of a quarter; inconclusive: anything else (the direction unknown, or a large \
             change not ruled out). A verdict is borderline (°) when moving its point and \
             interval up or down by {margin} (a re-run's typical move: the \
             floor of both means in quadrature) would change it: a re-run may decide it \
             otherwise. The others are firm.",
            helps = format::times(analysis::HELPS_AT_LEAST),
            hurts = format::times(analysis::HURTS_AT_MOST),
            low = format::times(1.0 / analysis::NO_GAIN_RULES_OUT),
            high = format::times(analysis::NO_GAIN_RULES_OUT),
            floor = format::share(crate::quality::intervals::RUN_TO_RUN_FLOOR),
            margin = format::times(analysis::borderline_margin()),
        )
    }
}

/// The top warning: the verdicts that rest on a noisy measurement — paired ones whose
/// processes disagree only when the verdict is also borderline (a paired interval already
/// holds the processes' spread, so a firm verdict stands), unpaired ones whenever their
/// Criterion measurement is noisy — or, unpaired, on a group measured in a slow stretch of
/// the speed canary (`slow_groups`); `None` when none does.
fn verdict_warning(verdicts: &[VerdictRow], slow_groups: &[String]) -> Option<String> {
    let resting: Vec<String> = verdicts
        .iter()
        .filter(|v| {
            (v.noisy && (v.borderline || !v.paired()))
                || (!v.paired() && slow_groups.contains(&v.group.to_string()))
        })
        .map(|v| format!("{}/{}", v.group, v.strategy))
        .collect();
    if resting.is_empty() {
        return None;
    }
    let shown: Vec<&str> = resting.iter().take(6).map(String::as_str).collect();
    let more = resting.len().saturating_sub(shown.len());
    Some(format!(
        "{} of {} verdicts rest on a noisy or drifted measurement ({}{}): {}.",
        resting.len(),
        verdicts.len(),
        shown.join(", "),
        if more > 0 {
            format!(" and {more} more")
        } else {
            String::new()
        },
        crate::quality::QUIET_MACHINE_ADVICE
    ))
}

/// The run's quality from every assessed measurement of `groups` and the load records.
fn quality_of(groups: &[GroupAnalysis], load: Vec<LoadRecord>) -> Quality {
    let noise: Vec<_> = groups
        .iter()
        .flat_map(|g| g.points.iter().filter_map(|p| p.measurement.noise))
        .collect();
    Quality::assess(&noise, load)
}

/// The raw compute scaling, by thread count: paired (bare threads against one, interleaved)
/// where the `pairs` bench measured it, else from Criterion's `primitive/hash-threads/<k>`.
fn raw_scaling_of(groups: &[GroupAnalysis], pairs: Option<&PairsRecord>) -> Vec<ScalingPoint> {
    let paired: Vec<ScalingPoint> = pairs
        .and_then(|p| p.set(crate::pairs::RAW_SCALING))
        .map(|set| {
            set.arms
                .iter()
                .filter(|a| a.mode == crate::pairs::Mode::Hot)
                .filter_map(|a| {
                    let id = crate::bench_id::BenchId::parse(a.bench_id.as_deref()?)?;
                    Some(ScalingPoint {
                        threads: id.value as usize,
                        speedup: a.speedup,
                    })
                })
                .collect()
        })
        .unwrap_or_default();
    if !paired.is_empty() {
        return paired;
    }
    let primitives: Vec<Measurement> = groups
        .iter()
        .filter(|g| g.group == Group::Primitive)
        .flat_map(|g| g.points.iter().map(|p| p.measurement.clone()))
        .collect();
    measured::raw_scaling(&primitives)
}

/// The groups a run without a manifest measured and planned, derived from its profile's plan:
/// what the report did before the benches recorded a manifest. The `py-*` groups of the
/// latest `python` bench count as measured (their loop size was calibrated at run time, so
/// only its record knows it).
fn legacy_groups(
    profile: Profile,
    logical_cores: usize,
    python: Option<&PythonRecord>,
) -> (Option<Vec<Group>>, Vec<Group>) {
    let plan = Plan::new(profile, logical_cores);
    let expected = plan.groups();
    let mut measured = expected.clone();
    measured.extend(python.iter().flat_map(|record| record.groups(&plan)));
    (Some(measured), expected)
}

/// The planned groups (`expected`) whose kind has no data at all.
fn missing_groups(groups: &[GroupAnalysis], expected: &[Group]) -> Vec<String> {
    let kind = |g: &Group| std::mem::discriminant(g);
    expected
        .iter()
        .filter(|e| !groups.iter().any(|g| kind(&g.group) == kind(e)))
        .map(|e| e.to_string())
        .collect()
}

/// The URL prefix (ending in `/`) from `out_dir` to `criterion_dir`: relative when both
/// resolve, else an absolute `file://` URL.
fn criterion_url(criterion_dir: &Path, out_dir: &Path) -> String {
    let (Ok(target), Ok(from)) = (criterion_dir.canonicalize(), out_dir.canonicalize()) else {
        let absolute = std::path::absolute(criterion_dir).unwrap_or(criterion_dir.to_path_buf());
        return format!("file://{}/", url_path(&absolute.to_string_lossy()));
    };
    match relative_path(&from, &target) {
        Some(rel) if rel.as_os_str().is_empty() => String::new(),
        Some(rel) => {
            let parts: Vec<String> = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            format!("{}/", url_path(&parts.join("/")))
        }
        None => format!("file://{}/", url_path(&target.to_string_lossy())),
    }
}

/// The path leading from directory `from` to `to`, both absolute; `None` if they share no
/// root (e.g. different drives).
fn relative_path(from: &Path, to: &Path) -> Option<PathBuf> {
    let from: Vec<Component> = from.components().collect();
    let to: Vec<Component> = to.components().collect();
    if from.first() != to.first() {
        return None;
    }
    let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    let mut rel = PathBuf::new();
    for _ in common..from.len() {
        rel.push("..");
    }
    for c in &to[common..] {
        rel.push(c.as_os_str());
    }
    Some(rel)
}

/// Percent-encodes what a URL path cannot hold literally; keeps `/`.
fn url_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for byte in path.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                out.push(byte as char)
            }
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bench_id::BenchFunction;
    use crate::report::testdata::{SLEEP, m};

    #[test]
    fn relative_paths_climb_then_descend() {
        let rel = relative_path(
            Path::new("/a/b/reports"),
            Path::new("/a/b/target/criterion"),
        );
        assert_eq!(rel.unwrap(), PathBuf::from("../target/criterion"));
        let rel = relative_path(Path::new("/a"), Path::new("/a"));
        assert_eq!(rel.unwrap(), PathBuf::new());
    }

    #[test]
    fn links_are_relative_and_encoded() {
        let dir = tempfile::tempdir().unwrap();
        let criterion = dir.path().join("target/criterion");
        let out = dir.path().join("reports");
        std::fs::create_dir_all(&criterion).unwrap();
        std::fs::create_dir_all(&out).unwrap();
        assert_eq!(criterion_url(&criterion, &out), "../target/criterion/");
        assert_eq!(url_path("a b/c%"), "a%20b/c%25");
    }

    #[test]
    fn missing_groups_are_the_plans_groups_without_data() {
        let kinds = |profile, cores| -> Vec<String> {
            missing_groups(&[], &legacy_groups(profile, cores, None).1)
                .iter()
                .map(|g| g.split('-').next().unwrap().to_string())
                .collect()
        };
        assert_eq!(kinds(Profile::Seed, 2), ["sleep"]);
        assert_eq!(
            kinds(Profile::Default, 4),
            [
                "sleep",
                "hash",
                "hash",
                "overhead",
                "receive",
                "primitive",
                "hash",
                "mixed",
                "waits",
                "file",
                "net"
            ]
        );
        let data = [m(SLEEP, BenchFunction::Threads, 4, 1.0)];
        let groups = [GroupAnalysis::new(SLEEP, &data)];
        let seed = legacy_groups(Profile::Seed, 2, None).1;
        assert!(missing_groups(&groups, &seed).is_empty());
    }
}
