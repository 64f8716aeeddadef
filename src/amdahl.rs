//! Amdahl's law fitted to measured speedups: how much of the work stays serial, and what that
//! allows on more cores than were measured.
//!
//! Amdahl's law says `n` workers speed a job up by `S(n) = 1 / (s + (1 - s) / n)`, where `s`
//! is the serial fraction. Rewritten as `1/S - 1/n = s (1 - 1/n)` it is linear in `s`, so
//! [`estimate`] finds `s` by weighted least squares through the origin on `x = 1 - 1/n`,
//! `y = 1/S - 1/n`, each point weighted by its speedup's interval, and gives the 95 % range of
//! `s` those intervals allow. Where the law does not hold — a speedup above its worker count or
//! the machine's cores beyond noise, a job that gets slower with workers — it says so with a
//! typed [`NoFit`] instead of a number. [`SerialFraction::predict`] extrapolates to more cores
//! and gives only the range when the range spans more than a factor of 2.
//!
//! ```
//! use parbench::amdahl::{self, Prediction, SpeedupPoint};
//!
//! // A 10 % serial job measured on 2, 4 and 8 workers, each speedup ±3 %.
//! let points: Vec<SpeedupPoint> = [2.0, 4.0, 8.0]
//!     .iter()
//!     .map(|&n| {
//!         let s = amdahl::speedup(0.1, n);
//!         SpeedupPoint { workers: n, speedup: s, lower: s / 1.03, upper: s * 1.03 }
//!     })
//!     .collect();
//! let fit = amdahl::estimate(&points, 8).unwrap();
//! assert!((fit.estimate - 0.1).abs() < 1e-9);
//! assert!(fit.lower < 0.1 && 0.1 < fit.upper);
//! assert!(matches!(fit.predict(16.0), Prediction::Estimate { .. }));
//! ```

use serde::Serialize;

use crate::format::{speedup_interval, three_digits};

/// The speedup Amdahl's law gives for serial fraction `s` on `n` workers.
pub fn speedup(serial_fraction: f64, workers: f64) -> f64 {
    1.0 / (serial_fraction + (1.0 - serial_fraction) / workers)
}

/// The least relative half-width (95 %) [`estimate`] gives each speedup: ±2 %.
///
/// Measured intervals are wider (the report's are widened for run-to-run variation, see
/// [`crate::quality::intervals`]); this floor only keeps a point given as exact from pinning the
/// serial fraction down to nothing.
pub const SPEEDUP_FLOOR: f64 = 0.02;

/// The core count the page's headline prediction is for.
pub const HEADLINE_CORES: f64 = 64.0;

/// A prediction whose range spans more than this factor is not given as one number.
pub const PIN_DOWN_FACTOR: f64 = 2.0;

/// One measured speedup over the 1-worker time, with its confidence interval.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct SpeedupPoint {
    /// Workers the speedup was measured on.
    pub workers: f64,
    /// The speedup (point estimate).
    pub speedup: f64,
    /// The interval's lower bound.
    pub lower: f64,
    /// The interval's upper bound.
    pub upper: f64,
}

impl SpeedupPoint {
    /// `×2.27 [2.10, 2.45] on 2 workers`.
    pub fn label(&self) -> String {
        format!(
            "{} on {} workers",
            speedup_interval(self.speedup, self.lower, self.upper),
            self.workers
        )
    }
}

/// Why Amdahl's law gives no serial fraction for a sweep: the typed "no fit".
#[derive(Clone, Debug, PartialEq, Serialize, thiserror::Error)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum NoFit {
    /// No point with more than one worker within the cores: nothing to fit.
    #[error(
        "no speedup measured on more than one worker within the {cores} cores, so there is \
         nothing to fit"
    )]
    NoParallelPoint {
        /// The machine's logical cores.
        cores: usize,
    },
    /// A point that is not a speedup (workers below 1, a speedup not positive and finite, or
    /// bounds not around the point).
    #[error("({workers} workers, ×{speedup}) is not a measured speedup with an interval")]
    InvalidPoint {
        /// The point's workers.
        workers: f64,
        /// The point's speedup.
        speedup: f64,
    },
    /// A speedup above its worker count beyond noise: the 1-worker time is not a serial
    /// baseline (something slows one worker that more workers hide), so the law does not apply.
    #[error(
        "{} is faster than linear beyond noise: its 1-worker time is not a serial baseline, so \
         Amdahl's law does not apply",
        point.label()
    )]
    FasterThanLinear {
        /// The offending point.
        point: SpeedupPoint,
    },
    /// A speedup above the machine's core count beyond noise, which no serial fraction allows.
    #[error(
        "{} is above this machine's {cores} cores beyond noise: its 1-worker time is not a \
         serial baseline, so Amdahl's law does not apply",
        point.label()
    )]
    AboveCores {
        /// The offending point.
        point: SpeedupPoint,
        /// The machine's logical cores.
        cores: usize,
    },
    /// The points together say the serial fraction is below 0 (faster than linear) beyond
    /// noise, though no single one does.
    #[error(
        "together the speedups are faster than linear (serial fraction at most {upper:.3} < 0), \
         which Amdahl's law does not describe"
    )]
    JointlySuperlinear {
        /// The upper end of the fitted serial fraction's range.
        upper: f64,
    },
    /// More workers make it slower beyond noise (serial fraction above 1): the law describes
    /// work that does not get slower with workers.
    #[error(
        "it gets slower with more workers (serial fraction at least {lower:.3} > 1), which \
         Amdahl's law does not describe"
    )]
    SlowerWithWorkers {
        /// The lower end of the fitted serial fraction's range.
        lower: f64,
    },
}

/// A serial fraction fitted to measured speedups, with the 95 % range they allow.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct SerialFraction {
    /// The weighted least-squares estimate; slightly below 0 when the speedups are at the
    /// ideal within noise, above 1 when slower within noise (not clamped).
    pub estimate: f64,
    /// The lower end of the range: the estimate minus 1.96 standard errors, or 0 where the
    /// range reaches below what the law allows.
    pub lower: f64,
    /// The upper end: the estimate plus 1.96 standard errors, or 1.
    pub upper: f64,
    /// The standard error of the estimate (from the speedups' intervals, scaled up when the
    /// points scatter more than their intervals say).
    pub standard_error: f64,
    /// How many speedups the fit used.
    pub points: usize,
    /// How many different worker counts above 1 they cover.
    pub worker_counts: usize,
    /// The median relative half-width of the fitted speedups (their precision).
    pub precision: f64,
}

/// What the data says about the speedup on more workers than were measured.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Prediction {
    /// The range is narrow enough (within [`PIN_DOWN_FACTOR`]) to give a number.
    Estimate {
        /// Workers the prediction is for.
        workers: f64,
        /// The speedup at the estimated serial fraction.
        speedup: f64,
        /// The speedup at the upper end of the serial fraction's range.
        low: f64,
        /// The speedup at the lower end.
        high: f64,
    },
    /// The range spans more than [`PIN_DOWN_FACTOR`]: only the range is said.
    Unpinned {
        /// Workers the prediction is for.
        workers: f64,
        /// The speedup at the upper end of the serial fraction's range.
        low: f64,
        /// The speedup at the lower end.
        high: f64,
    },
}

impl Prediction {
    /// The range `(low, high)` either way.
    pub fn range(&self) -> (f64, f64) {
        match *self {
            Prediction::Estimate { low, high, .. } | Prediction::Unpinned { low, high, .. } => {
                (low, high)
            }
        }
    }

    /// `×12.3 [9.80, 15.1] on 64 cores`, or `between ×9.80 and ×64.0 on 64 cores: N worker
    /// counts cannot pin it down` for an unpinned range.
    pub fn label(&self, worker_counts: usize) -> String {
        match *self {
            Prediction::Estimate {
                workers,
                speedup,
                low,
                high,
            } => format!(
                "{} on {workers} cores",
                speedup_interval(speedup, low, high)
            ),
            Prediction::Unpinned { workers, low, high } => format!(
                "between ×{} and ×{} on {workers} cores: {} cannot pin it down",
                three_digits(low),
                three_digits(high),
                match worker_counts {
                    1 => "one worker count above 1".to_string(),
                    n => format!("{n} worker counts above 1"),
                }
            ),
        }
    }
}

/// Fits the serial fraction to speedups measured on a machine with `cores` logical cores.
///
/// Points with one worker are the baseline (×1 by definition) and are ignored; points with
/// more workers than cores are only checked (the law does not model sharing cores). Each
/// speedup's interval (at least ±[`SPEEDUP_FLOOR`]) sets its weight in a least-squares fit of
/// `1/S - 1/n = s (1 - 1/n)`; the range is ±1.96 standard errors, cut to the law's domain
/// `[0, 1]` only where it reaches past it — never to zero width. Where the law does not hold
/// (a speedup above its workers or the cores beyond noise, a serial fraction beyond `[0, 1]`
/// beyond noise), the result says why instead of giving a number.
pub fn estimate(
    points: &[SpeedupPoint],
    cores: usize,
) -> std::result::Result<SerialFraction, NoFit> {
    let cores = cores.max(1);
    for p in points {
        let valid = p.workers.is_finite()
            && p.workers >= 1.0
            && [p.speedup, p.lower, p.upper]
                .iter()
                .all(|v| v.is_finite() && *v > 0.0)
            && p.lower <= p.speedup
            && p.speedup <= p.upper;
        if !valid {
            return Err(NoFit::InvalidPoint {
                workers: p.workers,
                speedup: p.speedup,
            });
        }
        // Beyond noise: even with the floor's ±2 %.
        let lower = p.lower.min(p.speedup / (1.0 + SPEEDUP_FLOOR));
        if lower > p.workers {
            return Err(NoFit::FasterThanLinear { point: *p });
        }
        if lower > cores as f64 {
            return Err(NoFit::AboveCores { point: *p, cores });
        }
    }
    let fitted: Vec<&SpeedupPoint> = points
        .iter()
        .filter(|p| p.workers > 1.0 && p.workers <= cores as f64)
        .collect();
    if fitted.is_empty() {
        return Err(NoFit::NoParallelPoint { cores });
    }
    let floor = SPEEDUP_FLOOR.ln_1p();
    let mut rows = Vec::new();
    let mut precisions = Vec::new();
    for p in &fitted {
        let n = p.workers;
        // Speedup bounds at least ±2 % around the point, in log space.
        let below = (p.speedup / p.lower).ln().max(floor);
        let above = (p.upper / p.speedup).ln().max(floor);
        let (s_low, s_high) = (p.speedup * (-below).exp(), p.speedup * above.exp());
        let x = 1.0 - 1.0 / n;
        let y = 1.0 / p.speedup - 1.0 / n;
        let sigma = (1.0 / s_low - 1.0 / s_high) / (2.0 * 1.96);
        rows.push((x, y, 1.0 / (sigma * sigma)));
        precisions.push((below + above) / 2.0);
    }
    let sxx: f64 = rows.iter().map(|(x, _, w)| w * x * x).sum();
    let sxy: f64 = rows.iter().map(|(x, y, w)| w * x * y).sum();
    let estimate = sxy / sxx;
    let mut standard_error = (1.0 / sxx).sqrt();
    if rows.len() > 1 {
        let chi2: f64 = rows
            .iter()
            .map(|(x, y, w)| w * (y - estimate * x).powi(2))
            .sum();
        let per_dof = chi2 / (rows.len() - 1) as f64;
        if per_dof > 1.0 {
            standard_error *= per_dof.sqrt();
        }
    }
    let (low, high) = (
        estimate - 1.96 * standard_error,
        estimate + 1.96 * standard_error,
    );
    if high < 0.0 {
        return Err(NoFit::JointlySuperlinear { upper: high });
    }
    if low > 1.0 {
        return Err(NoFit::SlowerWithWorkers { lower: low });
    }
    let mut counts: Vec<u64> = fitted.iter().map(|p| p.workers as u64).collect();
    counts.sort_unstable();
    counts.dedup();
    precisions.sort_by(f64::total_cmp);
    Ok(SerialFraction {
        estimate,
        lower: low.max(0.0),
        upper: high.min(1.0),
        standard_error,
        points: rows.len(),
        worker_counts: counts.len(),
        precision: precisions[precisions.len() / 2].exp_m1(),
    })
}

impl SerialFraction {
    /// The speedup on `workers` workers the range allows: one number when the range is within
    /// [`PIN_DOWN_FACTOR`] and the estimate is a serial fraction (within `[0, 1]`, not beyond
    /// it within noise), else the range alone.
    pub fn predict(&self, workers: f64) -> Prediction {
        let low = speedup(self.upper, workers);
        let high = speedup(self.lower, workers);
        if (0.0..=1.0).contains(&self.estimate) && high <= low * PIN_DOWN_FACTOR {
            Prediction::Estimate {
                workers,
                speedup: speedup(self.estimate, workers),
                low,
                high,
            }
        } else {
            Prediction::Unpinned { workers, low, high }
        }
    }

    /// The fewest workers (a power of two up to 4096) one more measurement would need, with
    /// the same precision as these points, to pin the speedup on `target` cores down to
    /// [`PIN_DOWN_FACTOR`] if the serial fraction is what was estimated; `None` if even 4096
    /// would not. 1 when the current range already does.
    pub fn workers_to_pin_down(&self, target: f64) -> Option<u64> {
        if matches!(self.predict(target), Prediction::Estimate { .. }) {
            return Some(1);
        }
        let s = self.estimate.max(0.0);
        let u = self.precision.max(SPEEDUP_FLOOR).ln_1p();
        (1..=12).map(|k| 1u64 << k).find(|&n| {
            let n_f = n as f64;
            let at = speedup(s, n_f);
            let point = SpeedupPoint {
                workers: n_f,
                speedup: at,
                lower: at * (-u).exp(),
                upper: at * u.exp(),
            };
            estimate(&[point], n as usize)
                .map(|fit| matches!(fit.predict(target), Prediction::Estimate { .. }))
                .unwrap_or(false)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A point at speedup `s` on `n` workers with a ± `relative` interval.
    fn point(n: f64, s: f64, relative: f64) -> SpeedupPoint {
        SpeedupPoint {
            workers: n,
            speedup: s,
            lower: s / (1.0 + relative),
            upper: s * (1.0 + relative),
        }
    }

    /// A small deterministic generator (xorshift64*) for the property tests.
    struct Rng(u64);

    impl Rng {
        fn unit(&mut self) -> f64 {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            (self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 11) as f64 / (1u64 << 53) as f64
        }

        fn between(&mut self, low: f64, high: f64) -> f64 {
            low + (high - low) * self.unit()
        }
    }

    #[test]
    fn estimate_recovers_known_fractions_inside_its_range() {
        for s in [0.0, 0.02, 0.2, 0.6, 1.0] {
            let points: Vec<_> = [2.0, 4.0, 8.0]
                .iter()
                .map(|&n| point(n, speedup(s, n), 0.03))
                .collect();
            let fit = estimate(&points, 8).unwrap();
            assert!((fit.estimate - s).abs() < 1e-9, "{s}: {fit:?}");
            assert!(fit.lower <= s && s <= fit.upper, "{s}: {fit:?}");
            assert!(fit.upper > fit.lower, "{fit:?}");
            assert_eq!((fit.points, fit.worker_counts), (3, 3));
        }
    }

    #[test]
    fn scattered_points_widen_the_range() {
        let tight: Vec<_> = [2.0, 4.0]
            .iter()
            .map(|&n| point(n, speedup(0.2, n), 0.02))
            .collect();
        let scattered = vec![
            point(2.0, speedup(0.2, 2.0) * 1.10, 0.02),
            point(4.0, speedup(0.2, 4.0) / 1.10, 0.02),
        ];
        let a = estimate(&tight, 4).unwrap();
        let b = estimate(&scattered, 4).unwrap();
        assert!(b.standard_error > 3.0 * a.standard_error, "{a:?} {b:?}");
    }

    #[test]
    fn the_laws_failures_are_typed() {
        // ×2.27 [2.1, 2.45] on 2 workers: faster than linear beyond noise.
        let err = estimate(&[point(2.0, 2.27, 0.08)], 2).unwrap_err();
        assert!(matches!(err, NoFit::FasterThanLinear { .. }), "{err}");
        assert!(err.to_string().contains("not a serial baseline"), "{err}");
        // ×3.10 on 4 workers of a 2-core machine: above the cores.
        let points = [point(2.0, 1.9, 0.05), point(4.0, 3.10, 0.05)];
        let err = estimate(&points, 2).unwrap_err();
        assert!(matches!(err, NoFit::AboveCores { cores: 2, .. }), "{err}");
        // A 4-worker point beyond the cores within them is only checked, not fitted.
        let points = [point(2.0, 1.9, 0.05), point(4.0, 1.95, 0.05)];
        assert_eq!(estimate(&points, 2).unwrap().points, 1);
        // Slower with every worker.
        let err = estimate(&[point(2.0, 0.6, 0.05)], 2).unwrap_err();
        assert!(matches!(err, NoFit::SlowerWithWorkers { .. }), "{err}");
        // Nothing above one worker.
        let err = estimate(&[point(1.0, 1.0, 0.02)], 2).unwrap_err();
        assert_eq!(err, NoFit::NoParallelPoint { cores: 2 });
        let err = estimate(&[point(2.0, f64::NAN, 0.02)], 2).unwrap_err();
        assert!(matches!(err, NoFit::InvalidPoint { .. }), "{err}");
    }

    #[test]
    fn one_pair_of_workers_cannot_pin_the_64_core_speedup_down() {
        // The committed example's async-multi: ×1.99 [1.93, 2.05] on 2 workers.
        let fit = estimate(&[point(2.0, 1.99, 0.03)], 2).unwrap();
        assert!(fit.lower == 0.0 && fit.upper > 0.02, "{fit:?}");
        let prediction = fit.predict(HEADLINE_CORES);
        let Prediction::Unpinned { low, high, .. } = prediction else {
            panic!("{prediction:?}");
        };
        assert!(high > 2.0 * low, "{prediction:?}");
        assert_eq!(high, 64.0, "the ideal is what s = 0 allows");
        let label = prediction.label(fit.worker_counts);
        assert!(
            label.contains("cannot pin it down") && label.starts_with("between ×"),
            "{label}"
        );
        // What a bigger machine would need: more workers at the same precision.
        let needed = fit.workers_to_pin_down(HEADLINE_CORES).unwrap();
        assert!(needed > 2, "{needed}");
        // A job that is half serial is pinned down by 2 workers alone.
        let fit = estimate(&[point(2.0, speedup(0.5, 2.0), 0.03)], 2).unwrap();
        assert!(matches!(fit.predict(64.0), Prediction::Estimate { .. }));
        assert_eq!(fit.workers_to_pin_down(64.0), Some(1));
    }

    /// Property: for random serial fractions, worker sets and interval widths, and for
    /// superlinear and at-ideal speedups, no range is ever of zero width, every prediction's
    /// range contains its estimate, and a point above its workers beyond noise never gets a fit.
    #[test]
    fn property_no_zero_width_and_no_fit_where_the_law_fails() {
        let mut rng = Rng(0x5EED_0FA3_DA12_3400);
        for case in 0..5000 {
            let cores = [2usize, 4, 8, 16, 64][case % 5];
            let relative = rng.between(0.0, 0.15);
            let kind = case % 3;
            let s = rng.between(0.0, 1.0).powi(3);
            let mut points = Vec::new();
            let mut n = 2.0;
            while n <= cores as f64 {
                let ideal = speedup(s, n);
                let measured = match kind {
                    0 => ideal * rng.between(1.0 - relative, 1.0 + relative).max(0.01),
                    // At the ideal: n within noise.
                    1 => n * rng.between(0.98, 1.02),
                    // Superlinear: above n beyond the interval.
                    _ => n * (1.0 + relative) * rng.between(1.05, 1.5),
                };
                points.push(point(n, measured, relative));
                n *= 2.0;
            }
            match estimate(&points, cores) {
                Ok(fit) => {
                    assert!(kind != 2, "superlinear fitted: {points:?} {fit:?}");
                    assert!(fit.upper > fit.lower, "zero width: {points:?} {fit:?}");
                    assert!((0.0..=1.0).contains(&fit.lower) && fit.upper <= 1.0);
                    for workers in [8.0, 16.0, 64.0] {
                        let prediction = fit.predict(workers);
                        let (low, high) = prediction.range();
                        assert!(high > low, "zero width: {points:?} {prediction:?}");
                        assert!(high <= workers * (1.0 + 1e-9), "{prediction:?}");
                        if let Prediction::Estimate { speedup, .. } = prediction {
                            assert!(low <= speedup && speedup <= high, "{prediction:?}");
                            assert!(high <= low * PIN_DOWN_FACTOR, "{prediction:?}");
                        }
                    }
                }
                Err(NoFit::FasterThanLinear { point }) => {
                    assert!(kind != 1, "at the ideal within noise: {point:?}");
                    assert!(point.lower > point.workers, "{point:?}");
                }
                Err(NoFit::JointlySuperlinear { upper }) => assert!(upper < 0.0),
                Err(NoFit::SlowerWithWorkers { lower }) => {
                    assert!(kind == 0 && lower > 1.0, "{points:?}")
                }
                Err(other) => panic!("{other}: {points:?}"),
            }
        }
    }
}
