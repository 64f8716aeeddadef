//! Amdahl's law fitted to measured speedups: how much of the work stays serial.
//!
//! Amdahl's law says `n` workers speed a job up by `S(n) = 1 / (s + (1 - s) / n)`, where `s`
//! is the serial fraction. Rewritten as `1/S - 1/n = s (1 - 1/n)` it is linear in `s`, so
//! [`fit`] finds `s` by least squares through the origin on `x = 1 - 1/n`, `y = 1/S - 1/n`
//! (a closed form, no iteration), with its standard error. [`AmdahlFit::predict`] extrapolates
//! to core counts the machine does not have, with an interval from `s ± SE`.
//!
//! ```
//! use parbench::amdahl;
//!
//! // Speedups of a job that is 10 % serial.
//! let points: Vec<(f64, f64)> = [1.0, 2.0, 4.0]
//!     .iter()
//!     .map(|&n| (n, 1.0 / (0.1 + 0.9 / n)))
//!     .collect();
//! let fit = amdahl::fit(&points)?;
//! assert!((fit.serial_fraction - 0.1).abs() < 1e-9);
//! assert!((fit.predict(8.0).speedup - 1.0 / (0.1 + 0.9 / 8.0)).abs() < 1e-9);
//! # Ok::<(), parbench::amdahl::FitError>(())
//! ```

use serde::Serialize;

/// Why a set of points cannot be fitted.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum FitError {
    /// Fewer than two points.
    #[error("fit needs at least 2 (workers, speedup) points, got {got}")]
    TooFewPoints {
        /// How many points were given.
        got: usize,
    },
    /// A point with fewer than one worker or a speedup that is not positive and finite.
    #[error("fit needs workers >= 1 and a positive speedup, got ({workers}, {speedup})")]
    InvalidPoint {
        /// The point's workers.
        workers: f64,
        /// The point's speedup.
        speedup: f64,
    },
    /// Every point has one worker, which says nothing about the serial fraction.
    #[error("fit needs at least one point with more than one worker")]
    NoPointAboveOneWorker,
}

/// The serial fraction of a job, fitted to its speedups.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct AmdahlFit {
    /// The fitted serial fraction `s`, clamped to `[0, 1]`.
    pub serial_fraction: f64,
    /// The standard error of `s` (zero when the points fit exactly or with only one `n > 1`).
    pub standard_error: f64,
    /// How many points the fit used.
    pub points: usize,
}

/// A predicted speedup with the range that `s ± SE` gives.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Prediction {
    /// Workers the prediction is for.
    pub workers: f64,
    /// The speedup at the fitted `s`.
    pub speedup: f64,
    /// The speedup at `s + SE` (the pessimistic end).
    pub low: f64,
    /// The speedup at `s - SE` (the optimistic end).
    pub high: f64,
}

/// The speedup Amdahl's law gives for serial fraction `s` on `n` workers.
pub fn speedup(serial_fraction: f64, workers: f64) -> f64 {
    1.0 / (serial_fraction + (1.0 - serial_fraction) / workers)
}

/// Fits the serial fraction to `(workers, speedup)` points.
///
/// Needs at least two points, at least one with more than one worker; workers must be ≥ 1 and
/// speedups positive and finite. Speedup is time on one worker divided by time on `n`.
pub fn fit(points: &[(f64, f64)]) -> Result<AmdahlFit, FitError> {
    if points.len() < 2 {
        return Err(FitError::TooFewPoints { got: points.len() });
    }
    if let Some(&(n, s)) = points
        .iter()
        .find(|&&(n, s)| !(n.is_finite() && n >= 1.0 && s.is_finite() && s > 0.0))
    {
        return Err(FitError::InvalidPoint {
            workers: n,
            speedup: s,
        });
    }
    let xy: Vec<(f64, f64)> = points
        .iter()
        .map(|&(n, s)| (1.0 - 1.0 / n, 1.0 / s - 1.0 / n))
        .collect();
    let sxx: f64 = xy.iter().map(|(x, _)| x * x).sum();
    if sxx <= f64::EPSILON {
        return Err(FitError::NoPointAboveOneWorker);
    }
    let sxy: f64 = xy.iter().map(|(x, y)| x * y).sum();
    let s = sxy / sxx;
    let residuals: f64 = xy.iter().map(|(x, y)| (y - s * x).powi(2)).sum();
    let dof = (points.len() - 1) as f64;
    let standard_error = (residuals / dof / sxx).sqrt();
    Ok(AmdahlFit {
        serial_fraction: s.clamp(0.0, 1.0),
        standard_error,
        points: points.len(),
    })
}

impl AmdahlFit {
    /// The speedup predicted on `workers` workers, with the range `s ± SE` gives.
    pub fn predict(&self, workers: f64) -> Prediction {
        let s = self.serial_fraction;
        let se = self.standard_error;
        Prediction {
            workers,
            speedup: speedup(s, workers),
            low: speedup((s + se).clamp(0.0, 1.0), workers),
            high: speedup((s - se).clamp(0.0, 1.0), workers),
        }
    }

    /// The largest speedup any number of workers can give: `1 / s` (infinite for `s = 0`).
    pub fn ceiling(&self) -> f64 {
        1.0 / self.serial_fraction
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn exact(s: f64, ns: &[f64]) -> Vec<(f64, f64)> {
        ns.iter().map(|&n| (n, speedup(s, n))).collect()
    }

    #[test]
    fn recovers_a_known_serial_fraction_exactly() {
        for s in [0.0, 0.05, 0.3, 1.0] {
            let fit = fit(&exact(s, &[1.0, 2.0, 3.0, 4.0])).unwrap();
            assert!((fit.serial_fraction - s).abs() < 1e-12, "{s}: {fit:?}");
            assert!(fit.standard_error < 1e-9, "{fit:?}");
        }
    }

    #[test]
    fn recovers_it_from_noisy_data_within_its_error() {
        // Deterministic ±3 % noise on a 20 % serial job, two samples per worker count.
        let noise = [1.03, 0.97, 0.99, 1.02, 0.98, 1.01, 1.03, 0.97];
        let ns = [1.0, 1.0, 2.0, 2.0, 4.0, 4.0, 8.0, 8.0];
        let points: Vec<_> = ns
            .iter()
            .zip(noise)
            .map(|(&n, e)| (n, speedup(0.2, n) * e))
            .collect();
        let fit = fit(&points).unwrap();
        assert!(fit.standard_error > 0.0);
        assert!(
            (fit.serial_fraction - 0.2).abs() < 3.0 * fit.standard_error + 0.01,
            "{fit:?}"
        );
        let p = fit.predict(16.0);
        assert!(p.low <= p.speedup && p.speedup <= p.high, "{p:?}");
        assert!((p.speedup - speedup(0.2, 16.0)).abs() < 0.5, "{p:?}");
    }

    #[test]
    fn too_few_points_and_one_worker_only_are_errors() {
        assert!(fit(&[]).is_err());
        let err = fit(&[(2.0, 1.5)]).unwrap_err().to_string();
        assert!(err.contains("at least 2"), "{err}");
        let err = fit(&[(1.0, 1.0), (1.0, 1.1)]).unwrap_err().to_string();
        assert!(err.contains("more than one worker"), "{err}");
        assert!(fit(&[(1.0, 1.0), (2.0, 0.0)]).is_err());
        assert!(fit(&[(0.5, 1.0), (2.0, 1.5)]).is_err());
        assert!(fit(&[(1.0, 1.0), (2.0, f64::NAN)]).is_err());
    }

    #[test]
    fn serial_fraction_is_clamped() {
        // Superlinear speedup would mean s < 0; a slowdown with workers, s > 1.
        let fit_super = fit(&[(1.0, 1.0), (2.0, 2.5), (4.0, 5.0)]).unwrap();
        assert_eq!(fit_super.serial_fraction, 0.0);
        assert_eq!(fit_super.ceiling(), f64::INFINITY);
        let fit_slow = fit(&[(1.0, 1.0), (2.0, 0.6), (4.0, 0.5)]).unwrap();
        assert_eq!(fit_slow.serial_fraction, 1.0);
        assert!((fit_slow.predict(64.0).speedup - 1.0).abs() < 1e-12);
    }
}
