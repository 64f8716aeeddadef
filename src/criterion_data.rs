//! Reads the results Criterion saved: every `<group>/<function>/<value>/new/benchmark.json`
//! below the Criterion directory, with the mean of its `estimates.json` beside it.
//!
//! When Criterion's `sample.json` is there too, each benchmark gets its noise assessment and a
//! run-to-run interval ([`crate::quality`]).
//!
//! Only the fields the report needs are deserialized. IDs outside parbench's scheme
//! ([`BenchId`]) are skipped with a note; a missing or unparsable `estimates.json` or
//! `sample.json`, or an estimate that is not a positive finite time, is an [`Error::BadData`]
//! naming the file.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::bench_id::BenchId;
use crate::error::{Error, Result};
use crate::interval::Interval;
use crate::quality::intervals;
use crate::quality::noise::{Noise, SAMPLE_FILE, Samples};

/// How deep below the Criterion directory a `new/benchmark.json` may sit
/// (`group/function/value/new/benchmark.json` is depth 5).
const MAX_DEPTH: usize = 6;

/// One benchmark as Criterion saved it.
#[derive(Clone, Debug, PartialEq)]
pub struct Measurement {
    /// The parsed ID.
    pub id: BenchId,
    /// The benchmark's directory relative to the Criterion directory, `/`-separated
    /// (its HTML page is `<directory>/report/index.html`).
    pub directory: String,
    /// The mean time per iteration in nanoseconds, with its confidence interval.
    pub mean_ns: Interval,
    /// The confidence level of the interval, e.g. 0.95.
    pub confidence_level: f64,
    /// The mean's interval widened for run-to-run variation
    /// ([`crate::quality::intervals::run_to_run_mean`]): what speedups are computed from.
    pub run_to_run_ns: Interval,
    /// How noisy the measurement was, from Criterion's samples; `None` where no
    /// `sample.json` was saved (not assessed).
    pub noise: Option<Noise>,
}

impl Measurement {
    /// A measurement from Criterion's mean, its confidence level and (when saved) its samples:
    /// the run-to-run interval and the noise follow from them.
    pub fn new(
        id: BenchId,
        directory: String,
        mean_ns: Interval,
        confidence_level: f64,
        samples: Option<&Samples>,
    ) -> Measurement {
        Measurement {
            id,
            directory,
            mean_ns,
            confidence_level,
            run_to_run_ns: intervals::run_to_run_mean(&mean_ns, samples),
            noise: samples.map(|s| Noise::assess(&mean_ns, s)),
        }
    }

    /// Whether the measurement was assessed as noisy.
    pub fn noisy(&self) -> bool {
        self.noise.is_some_and(|n| n.noisy)
    }
}

/// Everything read from one Criterion directory.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CriterionData {
    /// parbench's benchmarks, sorted by ID.
    pub measurements: Vec<Measurement>,
    /// Benchmarks found but not of parbench's scheme (or duplicates), with the reason.
    pub skipped: Vec<String>,
}

/// The fields of Criterion's `benchmark.json` the report uses.
#[derive(Deserialize)]
struct SavedId {
    group_id: String,
    function_id: Option<String>,
    value_str: Option<String>,
}

/// The fields of Criterion's `estimates.json` the report uses.
#[derive(Deserialize)]
struct SavedEstimates {
    mean: SavedEstimate,
}

#[derive(Deserialize)]
struct SavedEstimate {
    point_estimate: f64,
    confidence_interval: SavedInterval,
}

#[derive(Deserialize)]
struct SavedInterval {
    confidence_level: f64,
    lower_bound: f64,
    upper_bound: f64,
}

/// Reads every benchmark below `criterion_dir`.
///
/// A missing or empty directory, or one with no benchmark of parbench's scheme, is an error
/// telling to run `cargo bench` first.
pub fn load(criterion_dir: &Path) -> Result<CriterionData> {
    let mut found = Vec::new();
    if criterion_dir.is_dir() {
        find_benchmark_files(criterion_dir, 0, &mut found)?;
    }
    found.sort();
    let mut by_id = BTreeMap::new();
    let mut skipped = Vec::new();
    for benchmark_file in &found {
        let new_dir = benchmark_file.parent().expect("file has a parent");
        let bench_dir = new_dir.parent().expect("new/ has a parent");
        let directory = relative_directory(criterion_dir, bench_dir);
        let saved: SavedId = read_json(benchmark_file)?;
        let Some(id) = BenchId::from_parts(
            &saved.group_id,
            saved.function_id.as_deref(),
            saved.value_str.as_deref(),
        ) else {
            skipped.push(format!(
                "{directory}: not a parbench benchmark ID (group/strategy/value)"
            ));
            continue;
        };
        if by_id.contains_key(&id) {
            skipped.push(format!("{directory}: a second benchmark with the ID {id}"));
            continue;
        }
        let estimates_file = new_dir.join("estimates.json");
        if !estimates_file.is_file() {
            return Err(Error::BadData {
                path: estimates_file,
                detail: format!(
                    "missing next to '{}'; rerun `cargo bench` for {id}",
                    benchmark_file.display()
                ),
            });
        }
        let estimates: SavedEstimates = read_json(&estimates_file)?;
        let mean = estimates.mean;
        let mean_ns = Interval {
            point: mean.point_estimate,
            lower: mean.confidence_interval.lower_bound,
            upper: mean.confidence_interval.upper_bound,
        };
        check_time(&estimates_file, &mean_ns)?;
        // Criterion saves the samples beside the estimates; data written without them (older
        // tools, hand-made trees) is read without a noise assessment.
        let samples = if new_dir.join(SAMPLE_FILE).is_file() {
            Some(Samples::read(new_dir)?)
        } else {
            None
        };
        let level = mean.confidence_interval.confidence_level;
        by_id.insert(
            id.clone(),
            Measurement::new(id, directory, mean_ns, level, samples.as_ref()),
        );
    }
    if by_id.is_empty() {
        let detail = if found.is_empty() {
            "no Criterion results found (no */new/benchmark.json); run `cargo bench` first"
                .to_string()
        } else {
            format!(
                "{} Criterion result(s) found but none with a parbench ID; run `cargo bench` first",
                found.len()
            )
        };
        return Err(Error::BadData {
            path: criterion_dir.to_path_buf(),
            detail,
        });
    }
    Ok(CriterionData {
        measurements: by_id.into_values().collect(),
        skipped,
    })
}

fn find_benchmark_files(dir: &Path, depth: usize, found: &mut Vec<PathBuf>) -> Result<()> {
    if depth > MAX_DEPTH {
        return Ok(());
    }
    let entries = std::fs::read_dir(dir).map_err(|source| Error::Io {
        action: "cannot list",
        path: dir.to_path_buf(),
        source,
    })?;
    for entry in entries {
        let entry = entry.map_err(|source| Error::Io {
            action: "cannot list",
            path: dir.to_path_buf(),
            source,
        })?;
        let path = entry.path();
        if !path.is_dir() {
            continue;
        }
        if entry.file_name() == "new" {
            let file = path.join("benchmark.json");
            if file.is_file() {
                found.push(file);
            }
        } else if entry.file_name() != "report" {
            find_benchmark_files(&path, depth + 1, found)?;
        }
    }
    Ok(())
}

fn relative_directory(root: &Path, dir: &Path) -> String {
    let relative = dir.strip_prefix(root).unwrap_or(dir);
    relative
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/")
}

fn read_json<T: serde::de::DeserializeOwned>(path: &Path) -> Result<T> {
    let text = std::fs::read_to_string(path).map_err(|source| Error::Io {
        action: "cannot read",
        path: path.to_path_buf(),
        source,
    })?;
    serde_json::from_str(&text).map_err(|e| Error::BadData {
        path: path.to_path_buf(),
        detail: format!("not Criterion's JSON: {e}"),
    })
}

fn check_time(path: &Path, mean: &Interval) -> Result<()> {
    let values = [mean.lower, mean.point, mean.upper];
    if values.iter().all(|v| v.is_finite() && *v > 0.0) && mean.lower <= mean.upper {
        Ok(())
    } else {
        Err(Error::BadData {
            path: path.to_path_buf(),
            detail: format!(
                "the mean is not a positive time with lower <= upper (lower {}, point {}, upper {})",
                mean.lower, mean.point, mean.upper
            ),
        })
    }
}

#[cfg(test)]
pub(crate) mod testdata;

#[cfg(test)]
mod tests {
    use super::testdata::write_benchmark;
    use super::*;

    #[test]
    fn reads_parbench_ids_and_skips_foreign_ones() {
        let dir = tempfile::tempdir().unwrap();
        write_benchmark(dir.path(), "sleep-10ms", "threads", "64", 1e7);
        write_benchmark(dir.path(), "fib", "recursive", "20", 5.0);
        let data = load(dir.path()).unwrap();
        assert_eq!(data.measurements.len(), 1);
        let m = &data.measurements[0];
        assert_eq!(m.id.to_string(), "sleep-10ms/threads/64");
        assert_eq!(m.directory, "sleep-10ms/threads/64");
        assert!((m.mean_ns.point - 1e7).abs() < 1e-6);
        assert_eq!(data.skipped.len(), 1);
        assert!(
            data.skipped[0].starts_with("fib/recursive/20"),
            "{:?}",
            data.skipped
        );
    }

    #[test]
    fn missing_estimates_names_the_file() {
        let dir = tempfile::tempdir().unwrap();
        write_benchmark(dir.path(), "hash-1MiB", "rayon", "4", 1e6);
        let estimates = dir.path().join("hash-1MiB/rayon/4/new/estimates.json");
        std::fs::remove_file(&estimates).unwrap();
        let err = load(dir.path()).unwrap_err().to_string();
        assert!(err.contains(&estimates.display().to_string()), "{err}");
    }

    #[test]
    fn corrupt_or_negative_estimates_name_the_file() {
        let dir = tempfile::tempdir().unwrap();
        write_benchmark(dir.path(), "hash-1MiB", "rayon", "4", 1e6);
        let estimates = dir.path().join("hash-1MiB/rayon/4/new/estimates.json");
        std::fs::write(&estimates, "{\"mean\": 3").unwrap();
        let err = load(dir.path()).unwrap_err().to_string();
        assert!(err.contains("estimates.json"), "{err}");
        write_benchmark(dir.path(), "hash-1MiB", "rayon", "4", -1.0);
        let err = load(dir.path()).unwrap_err().to_string();
        assert!(
            err.contains("estimates.json") && err.contains("positive"),
            "{err}"
        );
    }

    #[test]
    fn empty_or_missing_directory_says_to_run_the_benches() {
        let dir = tempfile::tempdir().unwrap();
        for path in [dir.path().to_path_buf(), dir.path().join("absent")] {
            let err = load(&path).unwrap_err().to_string();
            assert!(err.contains("cargo bench"), "{err}");
        }
    }
}
