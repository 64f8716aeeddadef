//! Amdahl's law fitted to the worker-count sweeps (`hash-workers-*`): each strategy's serial
//! fraction, from its speedups over its own 1-worker time, and the speedups that predicts on
//! machines with more cores than this one.
//!
//! Only points with at most as many workers as logical cores enter the fit: beyond that the
//! workers share the cores, a plateau Amdahl's law does not model. The uncertainty is given
//! twice, because with one point above one worker (a 2-core machine) the least-squares standard
//! error is 0: the standard error, and the range from fitting the speedup intervals' bounds.
//! The 1-worker point (×1 by definition) enters the fit only when it is needed as a second point.

use serde::Serialize;

use crate::amdahl::{self, AmdahlFit};
use crate::bench_id::Group;
use crate::error::Error;

use super::analysis::{Comparison, GroupAnalysis, Point, factor};

/// The core counts the report predicts speedups for.
pub const PREDICT_AT: &[u64] = &[8, 16, 64];

/// A predicted speedup with the range the serial-fraction range gives.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct ScalingPrediction {
    /// Workers (cores) the prediction is for.
    pub workers: u64,
    /// The speedup at the fitted serial fraction.
    pub speedup: f64,
    /// The speedup at the pessimistic serial fraction (fitted on the lower bounds).
    pub low: f64,
    /// The speedup at the optimistic serial fraction (fitted on the upper bounds).
    pub high: f64,
}

/// A successful fit with its uncertainty and predictions.
#[derive(Clone, Debug, PartialEq)]
pub struct Fitted {
    /// The least-squares fit on the speedups' point estimates.
    pub fit: AmdahlFit,
    /// The serial fraction fitted on every speedup's lower bound (the most serial reading).
    pub pessimistic: f64,
    /// The serial fraction fitted on every speedup's upper bound (the least serial reading).
    pub optimistic: f64,
    /// Predicted speedups at [`PREDICT_AT`] cores.
    pub predictions: Vec<ScalingPrediction>,
}

impl Fitted {
    /// The predicted speedup on `workers` workers, with its range.
    pub fn predict(&self, workers: u64) -> ScalingPrediction {
        let n = workers as f64;
        ScalingPrediction {
            workers,
            speedup: amdahl::speedup(self.fit.serial_fraction, n),
            low: amdahl::speedup(self.pessimistic, n),
            high: amdahl::speedup(self.optimistic, n),
        }
    }
}

/// One strategy's worker-count sweep and its Amdahl fit.
#[derive(Clone, Debug, PartialEq)]
pub struct AmdahlRow {
    /// The `hash-workers-*` group.
    pub group: Group,
    /// The strategy.
    pub strategy: String,
    /// Every measured point of the strategy, by workers (the 1-worker point is the baseline).
    pub points: Vec<Point>,
    /// The fit used points with at most this many workers (the logical cores).
    pub fitted_up_to: u64,
    /// The fit, or why there is none.
    pub fit: Result<Fitted, String>,
}

impl AmdahlRow {
    /// The measured `(workers, speedup)` pairs, the 1-worker baseline as exactly 1.
    pub fn measured(&self) -> Vec<(u64, super::Interval)> {
        self.points
            .iter()
            .filter_map(|p| measured_speedup(p).map(|s| (p.value(), s)))
            .collect()
    }
}

/// A point's speedup over the strategy's own 1-worker time; exactly 1 for that point itself.
fn measured_speedup(p: &Point) -> Option<super::Interval> {
    match p.comparison {
        Comparison::Speedup(s) => Some(s),
        Comparison::IsBaseline => Some(super::Interval {
            point: 1.0,
            lower: 1.0,
            upper: 1.0,
        }),
        _ => None,
    }
}

/// A speedup whose whole interval lies this far above the worker count is called faster than
/// linear: no Amdahl fit is made for it.
pub const SUPERLINEAR_MARGIN: f64 = 1.05;

/// One row per strategy of every `hash-workers-*` group, fitted on the points with at most
/// `logical_cores` workers.
pub fn amdahl_rows(groups: &[GroupAnalysis], logical_cores: usize) -> Vec<AmdahlRow> {
    let cores = logical_cores.max(1) as u64;
    let mut rows = Vec::new();
    for g in groups
        .iter()
        .filter(|g| matches!(g.group, Group::HashWorkers { .. }))
    {
        for strategy in g.strategies() {
            let points: Vec<Point> = g.points_of(strategy).cloned().collect();
            let fit = fit_points(&points, cores);
            rows.push(AmdahlRow {
                group: g.group,
                strategy: strategy.to_string(),
                points,
                fitted_up_to: cores,
                fit,
            });
        }
    }
    rows
}

fn fit_points(points: &[Point], cores: u64) -> Result<Fitted, String> {
    if !points.iter().any(|p| p.value() == 1) {
        return Err("its 1-worker time was not measured, so it has no speedups".to_string());
    }
    let mut estimates = Vec::new();
    let mut lowers = Vec::new();
    let mut uppers = Vec::new();
    for p in points.iter().filter(|p| p.value() <= cores) {
        if let Some(s) = measured_speedup(p) {
            let n = p.value() as f64;
            estimates.push((n, s.point));
            lowers.push((n, s.lower));
            uppers.push((n, s.upper));
        }
    }
    // The 1-worker point is ×1 by definition, not a measurement of s: it would only add a
    // degree of freedom and shrink the standard error. It stays in only when the fit needs a
    // second point.
    if estimates.iter().filter(|(n, _)| *n > 1.0).count() >= 2 {
        for points in [&mut estimates, &mut lowers, &mut uppers] {
            points.retain(|(n, _)| *n > 1.0);
        }
    }
    // Faster than linear (e.g. a one-worker process pool that waits on its pipe while two
    // workers overlap that wait): Amdahl's law has no serial fraction for it, and clamping s to
    // 0 would predict perfect scaling from a measurement that says something else.
    for p in points
        .iter()
        .filter(|p| p.value() > 1 && p.value() <= cores)
    {
        if let Some(s) = measured_speedup(p) {
            let n = p.value() as f64;
            if s.lower > n * SUPERLINEAR_MARGIN {
                return Err(format!(
                    "on {n} workers it is ×{} [{}, {}] faster than on one, more than {n}×: \
                     its one-worker run is slowed by something more workers hide, which \
                     Amdahl's law does not describe, so no serial fraction or prediction is given",
                    factor(s.point),
                    factor(s.lower),
                    factor(s.upper)
                ));
            }
        }
    }
    let reason = |e: Error| {
        let detail = match e {
            Error::InvalidInput { message, .. } => message,
            other => other.to_string(),
        };
        format!(
            "{} measured point(s) with at most {cores} workers; the {detail}",
            estimates.len()
        )
    };
    let fit = amdahl::fit(&estimates).map_err(reason)?;
    let pessimistic = amdahl::fit(&lowers).map_err(reason)?.serial_fraction;
    let optimistic = amdahl::fit(&uppers).map_err(reason)?.serial_fraction;
    let mut fitted = Fitted {
        fit,
        pessimistic,
        optimistic,
        predictions: Vec::new(),
    };
    fitted.predictions = PREDICT_AT.iter().map(|&n| fitted.predict(n)).collect();
    Ok(fitted)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::criterion_data::Measurement;

    const G: Group = Group::HashWorkers {
        bytes: 1 << 20,
        tasks: 8,
    };

    fn m(strategy: &str, workers: u64, ns: f64) -> Measurement {
        crate::report::testdata::measurement(G, strategy, workers, ns, 0.02)
    }

    /// Times of a job with serial fraction `s` at each worker count.
    fn amdahl_times(strategy: &str, s: f64, workers: &[u64]) -> Vec<Measurement> {
        workers
            .iter()
            .map(|&n| m(strategy, n, 16e6 / amdahl::speedup(s, n as f64)))
            .collect()
    }

    #[test]
    fn a_faster_than_linear_speedup_gets_no_fit() {
        // One worker 22.7 ms, two workers 8.4 ms: ×2.7 on 2 workers.
        let data = [
            m("process-pool-warm", 1, 22.7e6),
            m("process-pool-warm", 2, 8.4e6),
        ];
        let rows = amdahl_rows(&[GroupAnalysis::new(G, &data)], 2);
        let reason = rows[0].fit.as_ref().unwrap_err();
        assert!(reason.contains("more than 2×"), "{reason}");
        // Exactly linear within noise is still fitted (s = 0).
        let data = [m("async-multi", 1, 16e6), m("async-multi", 2, 7.9e6)];
        let rows = amdahl_rows(&[GroupAnalysis::new(G, &data)], 2);
        assert_eq!(rows[0].fit.as_ref().unwrap().fit.serial_fraction, 0.0);
    }

    #[test]
    fn fits_known_serial_fractions_on_points_up_to_the_cores() {
        let mut data = amdahl_times("rayon", 0.05, &[1, 2, 4, 8]);
        data.extend(amdahl_times("gil", 1.0, &[1, 2, 4, 8]));
        let rows = amdahl_rows(&[GroupAnalysis::new(G, &data)], 4);
        let rayon = rows.iter().find(|r| r.strategy == "rayon").unwrap();
        let fitted = rayon.fit.as_ref().unwrap();
        assert!(
            (fitted.fit.serial_fraction - 0.05).abs() < 1e-9,
            "{fitted:?}"
        );
        assert_eq!(
            fitted.fit.points, 2,
            "2 and 4 workers; 8 is beyond the cores"
        );
        assert!(
            fitted.pessimistic > 0.05 && fitted.optimistic < 0.05,
            "{fitted:?}"
        );
        let at64 = fitted.predictions.iter().find(|p| p.workers == 64).unwrap();
        assert!((at64.speedup - amdahl::speedup(0.05, 64.0)).abs() < 1e-6);
        assert!(
            at64.low < at64.speedup && at64.speedup < at64.high,
            "{at64:?}"
        );
        assert_eq!(rayon.measured().len(), 4);
        let gil = rows.iter().find(|r| r.strategy == "gil").unwrap();
        let fitted = gil.fit.as_ref().unwrap();
        assert!((fitted.fit.serial_fraction - 1.0).abs() < 1e-9);
        assert!((fitted.predictions[2].speedup - 1.0).abs() < 1e-9);
    }

    #[test]
    fn a_fit_without_enough_points_says_why() {
        let data = amdahl_times("rayon", 0.05, &[2, 4]);
        let rows = amdahl_rows(&[GroupAnalysis::new(G, &data)], 2);
        let reason = rows[0].fit.as_ref().unwrap_err();
        assert!(
            reason.contains("1-worker time was not measured"),
            "{reason}"
        );
        let data = amdahl_times("rayon", 0.05, &[1, 4]);
        let rows = amdahl_rows(&[GroupAnalysis::new(G, &data)], 2);
        let reason = rows[0].fit.as_ref().unwrap_err();
        assert!(
            reason.contains("1 measured point(s) with at most 2 workers"),
            "{reason}"
        );
    }
}
