//! Intervals meant to survive a re-run: Criterion's interval of a mean, widened for what
//! changes between two runs of the suite, and speedups combined from two such intervals.
//!
//! Criterion's bootstrap treats a benchmark's samples as independent draws from one process in
//! one stretch of time. Between two runs more changes (CPU placement, frequency, memory layout,
//! neighbours on a shared host: the variation between executions Kalibera & Jones, "Rigorous
//! benchmarking in reasonable time", 2013, tell to measure at its own level). Without the time
//! to repeat every bench binary, each mean gets (see [`run_to_run_mean`]):
//!
//! 1. **Drift within the run, by batch means**: the samples, in the order Criterion measured
//!    them, are cut into [`BATCHES`] consecutive batches; the spread of the batch means gives a
//!    Student-t interval that widens when the timing drifts during the measurement (what the
//!    bootstrap misses when samples are not independent). The wider of this and Criterion's
//!    interval is kept.
//! 2. **A run-to-run floor** ([`RUN_TO_RUN_FLOOR`]) added in quadrature: the variation between
//!    executions that no single run shows, calibrated from pairs of runs on 2-core machines.
//!
//! A speedup `baseline / time` then gets the log-space half-widths of both means added in
//! quadrature ([`speedup`]): two independent errors, so the interval of a ratio of two ±5 %
//! means is ±7.1 %, not ±10 %.

use crate::interval::{Interval, t95};

use super::noise::Samples;

/// The run-to-run floor: every mean's 95 % interval is at least ± this share of the mean,
/// added in quadrature to what the run itself shows (±5 %).
///
/// Calibrated from two back-to-back default runs on a quiet 2-core machine
/// (`docs/measuring.md`): the median benchmark's mean moved 1.7 % between the runs, one
/// in ten more than 8.6 %. A two-part normal mixture with those quantiles (most means moving
/// by about ±2 %, one in five by about ±12 %) needs a speedup interval of ±7.1 % — √2 × 5 %,
/// two means — for 80 % of a second run's speedups to land inside the first run's intervals,
/// the goal `parbench compare` checks. Busy machines move far more (see the quality warning).
pub const RUN_TO_RUN_FLOOR: f64 = 0.05;

/// How many consecutive batches the samples are cut into for the batch-means interval.
pub const BATCHES: usize = 5;

/// The 95 % half-width of the mean of `per_iteration` (in measurement order) by batch means,
/// as a share of the mean; `None` with fewer than two samples per batch.
pub fn batch_means_half_width(per_iteration: &[f64]) -> Option<f64> {
    let n = per_iteration.len();
    if n < 2 * BATCHES {
        return None;
    }
    let mut sums = [0.0; BATCHES];
    let mut counts = [0usize; BATCHES];
    for (i, x) in per_iteration.iter().enumerate() {
        let batch = i * BATCHES / n;
        sums[batch] += x;
        counts[batch] += 1;
    }
    let means: Vec<f64> = sums.iter().zip(counts).map(|(s, c)| s / c as f64).collect();
    let grand = per_iteration.iter().sum::<f64>() / n as f64;
    let k = BATCHES as f64;
    let center = means.iter().sum::<f64>() / k;
    let variance = means.iter().map(|m| (m - center).powi(2)).sum::<f64>() / (k - 1.0);
    let half_width = t95(BATCHES - 1) * (variance / k).sqrt();
    (grand > 0.0).then(|| half_width / grand)
}

/// A mean's interval widened for run-to-run variation: on each side, the wider of Criterion's
/// interval and the batch-means interval (when `samples` are known), combined in quadrature
/// with [`RUN_TO_RUN_FLOOR`], in log space. The point estimate is Criterion's.
pub fn run_to_run_mean(criterion: &Interval, samples: Option<&Samples>) -> Interval {
    let batch = samples
        .and_then(|s| batch_means_half_width(&s.per_iteration()))
        .map_or(0.0, f64::ln_1p);
    let floor = RUN_TO_RUN_FLOOR.ln_1p();
    let side = |own: f64| (own.max(batch).powi(2) + floor.powi(2)).sqrt();
    let p = criterion.point;
    let below = side(log_ratio(p, criterion.lower));
    let above = side(log_ratio(criterion.upper, p));
    Interval {
        point: p,
        lower: p * (-below).exp(),
        upper: p * above.exp(),
    }
}

/// The speedup `baseline / time` with an interval whose log-space half-widths are those of the
/// two means added in quadrature (independent errors).
pub fn speedup(baseline: &Interval, time: &Interval) -> Interval {
    let point = baseline.point / time.point;
    let below = log_ratio(baseline.point, baseline.lower).hypot(log_ratio(time.upper, time.point));
    let above = log_ratio(baseline.upper, baseline.point).hypot(log_ratio(time.point, time.lower));
    Interval {
        point,
        lower: point * (-below).exp(),
        upper: point * above.exp(),
    }
}

/// `ln(high / low)`, or 0 when the bounds are not positive and ordered.
fn log_ratio(high: f64, low: f64) -> f64 {
    if low > 0.0 && high >= low && high.is_finite() {
        (high / low).ln()
    } else {
        0.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn interval(point: f64, relative: f64) -> Interval {
        Interval {
            point,
            lower: point * (1.0 - relative),
            upper: point * (1.0 + relative),
        }
    }

    fn flat(per_iteration: Vec<f64>) -> Samples {
        Samples {
            iters: vec![1.0; per_iteration.len()],
            times: per_iteration,
        }
    }

    #[test]
    fn batch_means_see_drift_that_shuffled_samples_hide() {
        // The same twenty values: in measurement order they drift from 100 to 119.
        let drifting: Vec<f64> = (0..20).map(|i| 100.0 + i as f64).collect();
        let mut alternating = Vec::new();
        for i in 0..10 {
            alternating.push(100.0 + i as f64);
            alternating.push(119.0 - i as f64);
        }
        let drift = batch_means_half_width(&drifting).unwrap();
        let steady = batch_means_half_width(&alternating).unwrap();
        assert!(drift > 0.05, "{drift}");
        assert!(steady < 0.01, "{steady}");
        assert_eq!(batch_means_half_width(&drifting[..9]), None);
    }

    #[test]
    fn no_mean_keeps_a_narrower_interval_than_the_floor() {
        let tight = interval(1000.0, 0.001);
        let widened = run_to_run_mean(&tight, None);
        let half = (widened.upper / widened.point).ln();
        assert!(half >= RUN_TO_RUN_FLOOR.ln_1p(), "{widened:?}");
        assert!(half < RUN_TO_RUN_FLOOR.ln_1p() + 0.001, "{widened:?}");
        assert_eq!(widened.point, tight.point);
        // A wide interval stays about as wide.
        let wide = interval(1000.0, 0.2);
        let widened = run_to_run_mean(&wide, None);
        assert!(widened.lower <= wide.lower && widened.upper >= wide.upper);
        assert!(widened.upper < 1000.0 * 1.22, "{widened:?}");
    }

    #[test]
    fn drift_widens_a_narrow_criterion_interval() {
        let drifting: Vec<f64> = (0..20).map(|i| 100.0 + i as f64).collect();
        let criterion = interval(109.5, 0.01);
        let widened = run_to_run_mean(&criterion, Some(&flat(drifting)));
        let quiet = run_to_run_mean(&criterion, Some(&flat(vec![109.5; 20])));
        assert!(widened.upper > quiet.upper * 1.02, "{widened:?} {quiet:?}");
    }

    #[test]
    fn speedup_intervals_add_in_quadrature_and_never_vanish() {
        let s = speedup(&interval(200.0, 0.05), &interval(100.0, 0.05));
        assert!((s.point - 2.0).abs() < 1e-12);
        let half = (s.upper / s.point).ln();
        let each = (1.05f64).ln();
        assert!((half - each * 2f64.sqrt()).abs() < 0.002, "{s:?}");
        assert!(s.lower < 2.0 && s.upper > 2.0);
        let exact = Interval {
            point: 5.0,
            lower: 5.0,
            upper: 5.0,
        };
        let s = speedup(&exact, &interval(5.0, 0.01));
        assert!(s.lower < 1.0 && s.upper > 1.0, "{s:?}");
    }
}
