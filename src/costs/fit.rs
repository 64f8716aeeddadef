//! Fitting a cost line `T(x) = fixed + slope × x` to measured times with intervals.
//!
//! Each point is a mean time with Criterion's 95 % confidence interval. [`fit_line`] is a
//! weighted least-squares fit: a point's standard error is its interval's half-width / 1.96,
//! its weight `1 / se²`. The parameters' standard errors come from the weighted normal
//! equations. Criterion's intervals describe one stretch of sampling and understate the
//! spread between benchmarks (see `docs/measuring.md`), so when the points scatter around the line
//! more than their intervals allow (reduced χ² = χ² / (n − 2) above 1), the standard errors
//! are multiplied by `√(reduced χ²)` (the Birge ratio) and the 95 % interval uses Student's t
//! with `n − 2` degrees of freedom instead of 1.96. With two points (no degree of freedom
//! left) the intervals come from the points' own intervals alone, and the fit says so
//! ([`LineFit::reduced_chi2`] is `None`).
//!
//! ```
//! use parbench::costs::fit::fit_line;
//! use parbench::interval::Interval;
//!
//! // 20 µs fixed plus 5 µs per task, each point known to ±1 %.
//! let points: Vec<(f64, Interval)> = [1.0, 2.0, 8.0, 32.0]
//!     .iter()
//!     .map(|&n| {
//!         let t = 20e3 + 5e3 * n;
//!         (n, Interval { point: t, lower: 0.99 * t, upper: 1.01 * t })
//!     })
//!     .collect();
//! let fit = fit_line(&points)?;
//! assert!((fit.fixed.point - 20e3).abs() < 1.0 && (fit.slope.point - 5e3).abs() < 0.1);
//! assert!(fit.slope.lower < 5e3 && 5e3 < fit.slope.upper);
//! # Ok::<(), parbench::Error>(())
//! ```

use serde::Serialize;

use crate::error::{Error, Result};
use crate::interval::{Interval, Z95, t95};

/// A fitted line with 95 % intervals on both parameters.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct LineFit {
    /// The intercept: the cost at `x = 0` (a strategy's fixed cost).
    pub fixed: Interval,
    /// The slope: the cost per unit of `x` (per task, per byte).
    pub slope: Interval,
    /// How many points were fitted.
    pub points: usize,
    /// χ² / (n − 2) of the weighted residuals; `None` with only two points.
    pub reduced_chi2: Option<f64>,
}

impl LineFit {
    /// The line's value at `x` (point estimate).
    pub fn at(&self, x: f64) -> f64 {
        self.fixed.point + self.slope.point * x
    }
}

/// Fits `T(x) = fixed + slope × x` to `(x, time)` points by weighted least squares.
///
/// Needs at least two distinct `x` and positive, finite times with `lower <= point <= upper`.
pub fn fit_line(points: &[(f64, Interval)]) -> Result<LineFit> {
    let bad = |message: String| Error::invalid("cost fit", message);
    if let Some((x, t)) = points.iter().find(|(x, t)| {
        !(x.is_finite()
            && t.point.is_finite()
            && t.lower.is_finite()
            && t.upper.is_finite()
            && t.lower <= t.point
            && t.point <= t.upper)
    }) {
        return Err(bad(format!(
            "needs finite points with lower <= point <= upper, got x = {x}, {t:?}"
        )));
    }
    let mut xs: Vec<f64> = points.iter().map(|(x, _)| *x).collect();
    xs.sort_by(f64::total_cmp);
    xs.dedup();
    if xs.len() < 2 {
        return Err(bad(format!(
            "needs points at two different x at least, got {} point(s) at {} x",
            points.len(),
            xs.len()
        )));
    }
    // A zero-width interval would get an infinite weight: floor each standard error at 0.1 %
    // of its time, far below what any measurement here reaches.
    let weighted: Vec<(f64, f64, f64)> = points
        .iter()
        .map(|(x, t)| {
            let se = ((t.upper - t.lower) / (2.0 * Z95)).max(1e-3 * t.point.abs().max(1e-12));
            (*x, t.point, 1.0 / (se * se))
        })
        .collect();
    let (mut sw, mut swx, mut swy, mut swxx, mut swxy) = (0.0, 0.0, 0.0, 0.0, 0.0);
    for &(x, y, w) in &weighted {
        sw += w;
        swx += w * x;
        swy += w * y;
        swxx += w * x * x;
        swxy += w * x * y;
    }
    let det = sw * swxx - swx * swx;
    let slope = (sw * swxy - swx * swy) / det;
    let fixed = (swy - slope * swx) / sw;
    // Covariance of (fixed, slope) with known weights: the inverse of the normal matrix.
    let var_fixed = swxx / det;
    let var_slope = sw / det;
    let n = weighted.len();
    let dof = n - 2;
    let chi2: f64 = weighted
        .iter()
        .map(|&(x, y, w)| w * (y - fixed - slope * x).powi(2))
        .sum();
    let reduced_chi2 = (dof > 0).then(|| chi2 / dof as f64);
    let (scale, quantile) = match reduced_chi2 {
        Some(r) if r > 1.0 => (r.sqrt(), t95(dof)),
        _ => (1.0, Z95),
    };
    let interval = |value: f64, variance: f64| {
        let half = quantile * scale * variance.sqrt();
        Interval {
            point: value,
            lower: value - half,
            upper: value + half,
        }
    };
    Ok(LineFit {
        fixed: interval(fixed, var_fixed),
        slope: interval(slope, var_slope),
        points: n,
        reduced_chi2,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn point(x: f64, t: f64, rel: f64) -> (f64, Interval) {
        (
            x,
            Interval {
                point: t,
                lower: t * (1.0 - rel),
                upper: t * (1.0 + rel),
            },
        )
    }

    #[test]
    fn recovers_known_costs_from_exact_points() {
        let points: Vec<_> = [1.0, 2.0, 8.0, 32.0]
            .iter()
            .map(|&n| point(n, 50e3 + 30e3 * n, 0.02))
            .collect();
        let fit = fit_line(&points).unwrap();
        assert!((fit.fixed.point - 50e3).abs() < 1e-3, "{fit:?}");
        assert!((fit.slope.point - 30e3).abs() < 1e-6, "{fit:?}");
        assert!(fit.reduced_chi2.unwrap() < 1e-9);
        assert!(fit.fixed.lower < 50e3 && fit.fixed.upper > 50e3);
        assert!(
            fit.slope.upper - fit.slope.lower > 0.0,
            "no zero-width interval"
        );
    }

    #[test]
    fn scatter_beyond_the_intervals_widens_them() {
        // Known costs 10 µs + 2 µs/task, with ±10 % scatter the ±0.5 % intervals do not admit.
        let noisy: Vec<_> = [(1.0, 1.1), (2.0, 0.9), (8.0, 1.1), (32.0, 0.9)]
            .iter()
            .map(|&(n, f)| point(n, (10e3 + 2e3 * n) * f, 0.005))
            .collect();
        let exact: Vec<_> = [1.0, 2.0, 8.0, 32.0]
            .iter()
            .map(|&n| point(n, 10e3 + 2e3 * n, 0.005))
            .collect();
        let noisy = fit_line(&noisy).unwrap();
        let exact = fit_line(&exact).unwrap();
        assert!(noisy.reduced_chi2.unwrap() > 1.0);
        let width = |i: Interval| i.upper - i.lower;
        assert!(width(noisy.slope) > 10.0 * width(exact.slope));
        assert!(
            noisy.slope.lower < 2e3 && 2e3 < noisy.slope.upper,
            "the true slope stays inside: {:?}",
            noisy.slope
        );
    }

    #[test]
    fn two_points_fit_exactly_with_intervals_from_the_points() {
        let fit = fit_line(&[point(1.0, 3.0, 0.1), point(3.0, 7.0, 0.1)]).unwrap();
        assert!((fit.slope.point - 2.0).abs() < 1e-9 && (fit.fixed.point - 1.0).abs() < 1e-9);
        assert_eq!(fit.reduced_chi2, None);
        assert!(fit.slope.lower < 2.0 && fit.slope.upper > 2.0);
    }

    #[test]
    fn rejects_single_x_and_broken_intervals() {
        let err = fit_line(&[point(2.0, 1.0, 0.1), point(2.0, 1.1, 0.1)]).unwrap_err();
        assert!(err.to_string().contains("two different x"), "{err}");
        let broken = (
            1.0,
            Interval {
                point: 1.0,
                lower: 2.0,
                upper: 3.0,
            },
        );
        assert!(fit_line(&[broken, point(2.0, 1.0, 0.1)]).is_err());
        assert!(fit_line(&[point(f64::NAN, 1.0, 0.1), point(2.0, 1.0, 0.1)]).is_err());
    }
}
