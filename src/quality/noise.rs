//! The noise guard: how trustworthy one benchmark's mean is, from the data Criterion saved
//! (`new/estimates.json` and `new/sample.json`).
//!
//! Two signs of a noisy measurement: a wide confidence interval of the mean (its half-width
//! relative to the mean above [`MAX_RELATIVE_HALF_WIDTH`]), and many severe outliers among the
//! per-iteration sample times (more than [`MAX_SEVERE_OUTLIER_SHARE`] of the samples outside
//! Tukey's outer fences, 3 interquartile ranges beyond the quartiles, as Criterion classifies
//! them). Either one makes a benchmark [`Noise::noisy`].

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::interval::Interval;

/// A mean whose confidence interval is wider than ± this share of the mean is noisy (±5 %).
///
/// Most benchmarks of a quiet 2-core machine have intervals of ±0.5–3 %; at ±5 % the interval
/// alone can move a speedup across a verdict threshold (×1.1 for "helps").
pub const MAX_RELATIVE_HALF_WIDTH: f64 = 0.05;

/// A benchmark with more than this share of severe outliers among its samples is noisy (10 %).
///
/// Severe outliers are rare in a quiet run (Criterion reports "high severe" for one sample in
/// fifty or fewer); more than one in ten means something else ran during the measurement.
pub const MAX_SEVERE_OUTLIER_SHARE: f64 = 0.10;

/// Tukey's outer fences lie this many interquartile ranges beyond the quartiles (Criterion's
/// "severe" outliers).
pub const SEVERE_FENCE_IQR: f64 = 3.0;

/// The name of Criterion's per-sample file inside a benchmark's `new/` directory.
pub const SAMPLE_FILE: &str = "sample.json";

/// The samples Criterion saved for one benchmark (`new/sample.json`): sample `i` ran
/// `iters[i]` iterations in `times[i]` nanoseconds, in the order they were measured.
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct Samples {
    /// Iterations per sample.
    pub iters: Vec<f64>,
    /// Total time of each sample in nanoseconds.
    pub times: Vec<f64>,
}

impl Samples {
    /// Reads `sample.json` from a benchmark's `new/` directory; a missing, corrupt or
    /// inconsistent file is an [`Error::BadData`] naming it.
    pub fn read(new_dir: &Path) -> Result<Samples> {
        let path = new_dir.join(SAMPLE_FILE);
        let text = std::fs::read_to_string(&path).map_err(|source| Error::Io {
            action: "cannot read",
            path: path.clone(),
            source,
        })?;
        let samples: Samples = serde_json::from_str(&text).map_err(|e| Error::BadData {
            path: path.clone(),
            detail: format!("not Criterion's sample JSON: {e}"),
        })?;
        samples
            .check()
            .map_err(|detail| Error::BadData { path, detail })?;
        Ok(samples)
    }

    /// Checks that there is at least one sample, as many times as iteration counts, and every
    /// value positive and finite.
    pub fn check(&self) -> std::result::Result<(), String> {
        if self.iters.is_empty() || self.iters.len() != self.times.len() {
            return Err(format!(
                "expected as many times as iteration counts, at least one, got {} and {}",
                self.times.len(),
                self.iters.len()
            ));
        }
        let valid = |x: &f64| x.is_finite() && *x > 0.0;
        if !self.iters.iter().chain(&self.times).all(valid) {
            return Err("iteration counts and times must be positive and finite".to_string());
        }
        Ok(())
    }

    /// How many samples there are.
    pub fn len(&self) -> usize {
        self.times.len()
    }

    /// Whether there are no samples.
    pub fn is_empty(&self) -> bool {
        self.times.is_empty()
    }

    /// The time per iteration of each sample, in the order measured (what Criterion's mean and
    /// outlier classification use).
    pub fn per_iteration(&self) -> Vec<f64> {
        self.iters
            .iter()
            .zip(&self.times)
            .map(|(iters, time)| time / iters)
            .collect()
    }
}

/// How noisy one benchmark's measurement was.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Noise {
    /// Half the width of the mean's confidence interval, as a share of the mean (0.05 = ±5 %).
    pub relative_half_width: f64,
    /// How many samples lie beyond Tukey's outer fences (severe outliers).
    pub severe_outliers: usize,
    /// How many samples Criterion took.
    pub samples: usize,
    /// Whether either threshold ([`MAX_RELATIVE_HALF_WIDTH`], [`MAX_SEVERE_OUTLIER_SHARE`]) is
    /// exceeded.
    pub noisy: bool,
}

impl Noise {
    /// Assesses a benchmark from its mean's confidence interval and its samples.
    pub fn assess(mean: &Interval, samples: &Samples) -> Noise {
        let relative_half_width = (mean.upper - mean.lower) / 2.0 / mean.point;
        let severe_outliers = severe_outliers(&samples.per_iteration());
        let count = samples.len();
        let share = severe_outliers as f64 / count.max(1) as f64;
        Noise {
            relative_half_width,
            severe_outliers,
            samples: count,
            noisy: too_wide(relative_half_width) || share > MAX_SEVERE_OUTLIER_SHARE,
        }
    }

    /// The share of samples that are severe outliers.
    pub fn severe_outlier_share(&self) -> f64 {
        self.severe_outliers as f64 / self.samples.max(1) as f64
    }

    /// Why the benchmark is noisy, e.g. `±7.2 % interval, 3 of 20 samples severe outliers`;
    /// `None` when it is not.
    pub fn reason(&self) -> Option<String> {
        if !self.noisy {
            return None;
        }
        let mut parts = Vec::new();
        if too_wide(self.relative_half_width) {
            parts.push(format!(
                "±{:.1} % interval",
                self.relative_half_width * 100.0
            ));
        }
        if self.severe_outlier_share() > MAX_SEVERE_OUTLIER_SHARE {
            parts.push(format!(
                "{} of {} samples severe outliers",
                self.severe_outliers, self.samples
            ));
        }
        Some(parts.join(", "))
    }
}

/// Whether a relative half-width is above [`MAX_RELATIVE_HALF_WIDTH`] (or not a number).
fn too_wide(relative_half_width: f64) -> bool {
    relative_half_width.is_nan() || relative_half_width > MAX_RELATIVE_HALF_WIDTH
}

/// How many of `values` lie beyond Tukey's outer fences (`q1 - 3 IQR`, `q3 + 3 IQR`), with the
/// quartiles interpolated as Criterion computes them.
pub fn severe_outliers(values: &[f64]) -> usize {
    if values.is_empty() {
        return 0;
    }
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let q1 = percentile(&sorted, 25.0);
    let q3 = percentile(&sorted, 75.0);
    let iqr = q3 - q1;
    let (low, high) = (q1 - SEVERE_FENCE_IQR * iqr, q3 + SEVERE_FENCE_IQR * iqr);
    values.iter().filter(|&&x| x < low || x > high).count()
}

/// The `p`-th percentile of ascending `sorted` values, interpolated linearly between ranks
/// (Criterion's `Percentiles::at`).
pub fn percentile(sorted: &[f64], p: f64) -> f64 {
    let last = sorted.len() - 1;
    if p >= 100.0 {
        return sorted[last];
    }
    let rank = p / 100.0 * last as f64;
    let floor = rank.floor();
    let n = floor as usize;
    sorted[n] + (sorted[(n + 1).min(last)] - sorted[n]) * (rank - floor)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn flat(per_iteration: &[f64]) -> Samples {
        Samples {
            iters: vec![1.0; per_iteration.len()],
            times: per_iteration.to_vec(),
        }
    }

    fn interval(point: f64, relative: f64) -> Interval {
        Interval {
            point,
            lower: point * (1.0 - relative),
            upper: point * (1.0 + relative),
        }
    }

    #[test]
    fn percentiles_interpolate_as_criterion_does() {
        let sorted = [1.0, 2.0, 3.0, 4.0, 5.0];
        assert_eq!(percentile(&sorted, 25.0), 2.0);
        assert_eq!(percentile(&sorted, 50.0), 3.0);
        assert_eq!(percentile(&sorted, 100.0), 5.0);
        // Rank 0.25 × 3 = 0.75 between 10 and 20.
        assert!((percentile(&[10.0, 20.0, 30.0, 40.0], 25.0) - 17.5).abs() < 1e-12);
    }

    #[test]
    fn severe_outliers_lie_beyond_three_iqr() {
        let mut values = vec![
            100.0, 101.0, 102.0, 103.0, 104.0, 100.0, 102.0, 104.0, 101.0,
        ];
        assert_eq!(severe_outliers(&values), 0);
        // With 110 the quartiles are 101 and 103.75 (IQR 2.75): inner fence 107.9, outer 112.
        values.push(110.0);
        assert_eq!(severe_outliers(&values), 0, "mild only");
        values[9] = 113.0;
        assert_eq!(severe_outliers(&values), 1);
        values[9] = 110.0;
        values.push(200.0);
        values.push(10.0);
        assert_eq!(severe_outliers(&values), 2);
        assert_eq!(severe_outliers(&[]), 0);
        assert_eq!(severe_outliers(&[5.0; 10]), 0, "no spread, no outlier");
    }

    #[test]
    fn a_quiet_benchmark_is_not_noisy() {
        let samples = flat(&[
            100.0, 101.0, 99.0, 100.5, 99.5, 100.2, 99.8, 100.1, 99.9, 100.0,
        ]);
        let noise = Noise::assess(&interval(100.0, 0.01), &samples);
        assert!(!noise.noisy, "{noise:?}");
        assert_eq!(noise.samples, 10);
        assert_eq!(noise.severe_outliers, 0);
        assert!((noise.relative_half_width - 0.01).abs() < 1e-12);
        assert_eq!(noise.reason(), None);
    }

    #[test]
    fn a_wide_interval_or_many_severe_outliers_is_noisy() {
        let quiet = [
            100.0, 101.0, 99.0, 100.5, 99.5, 100.2, 99.8, 100.1, 99.9, 100.0,
        ];
        let wide = Noise::assess(&interval(100.0, 0.08), &flat(&quiet));
        assert!(wide.noisy);
        assert_eq!(wide.reason().unwrap(), "±8.0 % interval");
        // Two of ten samples far out: 20 % severe outliers, with a narrow interval.
        let mut spiky = quiet;
        spiky[3] = 400.0;
        spiky[7] = 500.0;
        let noise = Noise::assess(&interval(100.0, 0.02), &flat(&spiky));
        assert!(noise.noisy);
        assert_eq!(noise.severe_outliers, 2);
        assert_eq!(noise.reason().unwrap(), "2 of 10 samples severe outliers");
        // One of ten is exactly the threshold share: not noisy.
        spiky[3] = 100.0;
        assert!(!Noise::assess(&interval(100.0, 0.02), &flat(&spiky)).noisy);
    }

    #[test]
    fn per_iteration_divides_linear_samples() {
        let samples = Samples {
            iters: vec![2.0, 4.0, 6.0],
            times: vec![20.0, 44.0, 60.0],
        };
        assert_eq!(samples.per_iteration(), vec![10.0, 11.0, 10.0]);
        assert!(samples.check().is_ok());
    }

    #[test]
    fn bad_sample_files_name_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let err = Samples::read(dir.path()).unwrap_err().to_string();
        assert!(err.contains(SAMPLE_FILE), "{err}");
        let file = dir.path().join(SAMPLE_FILE);
        std::fs::write(&file, "{\"iters\": [1.0]").unwrap();
        let err = Samples::read(dir.path()).unwrap_err().to_string();
        assert!(
            err.contains(SAMPLE_FILE) && err.contains("not Criterion"),
            "{err}"
        );
        std::fs::write(&file, r#"{"iters":[1.0,2.0],"times":[5.0]}"#).unwrap();
        let err = Samples::read(dir.path()).unwrap_err().to_string();
        assert!(err.contains("as many times"), "{err}");
        std::fs::write(&file, r#"{"iters":[1.0],"times":[-5.0]}"#).unwrap();
        let err = Samples::read(dir.path()).unwrap_err().to_string();
        assert!(err.contains("positive"), "{err}");
        std::fs::write(
            &file,
            r#"{"sampling_mode":"Linear","iters":[1.0,2.0],"times":[5.0,11.0]}"#,
        )
        .unwrap();
        assert_eq!(Samples::read(dir.path()).unwrap().len(), 2);
    }
}
