//! A point estimate with its confidence interval: the one shape every time, speedup and fitted
//! cost of parbench has, from Criterion's estimates to the cost model and the page; and the
//! quantiles a 95 % interval is made with ([`Z95`], [`t95`]).

use serde::{Deserialize, Serialize};

/// A point estimate with its confidence interval (a time in ns, or a speedup factor).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Interval {
    /// The point estimate.
    pub point: f64,
    /// The interval's lower bound.
    pub lower: f64,
    /// The interval's upper bound.
    pub upper: f64,
}

impl Interval {
    /// An exact value: a zero-width interval (only for a definition, such as ×1 at a baseline).
    pub fn exact(value: f64) -> Interval {
        Interval {
            point: value,
            lower: value,
            upper: value,
        }
    }

    /// The sum of two independent estimates, bound by bound (a wait plus what a timer adds).
    pub fn plus(&self, other: &Interval) -> Interval {
        Interval {
            point: self.point + other.point,
            lower: self.lower + other.lower,
            upper: self.upper + other.upper,
        }
    }

    /// Every bound moved by adding `by` (e.g. a measured time less the time it was asked to
    /// take).
    pub fn shifted(&self, by: f64) -> Interval {
        self.plus(&Interval::exact(by))
    }

    /// Every bound multiplied by `by >= 0` (e.g. a time per task from a time for N tasks, or
    /// a speedup moved up or down by a margin).
    pub fn scaled(&self, by: f64) -> Interval {
        Interval {
            point: self.point * by,
            lower: self.lower * by,
            upper: self.upper * by,
        }
    }

    /// Whether `x` lies inside the interval (bounds included).
    pub fn contains(&self, x: f64) -> bool {
        self.lower <= x && x <= self.upper
    }
}

/// The normal quantile of a two-sided 95 % interval.
pub const Z95: f64 = 1.959_964;

/// The two-sided 95 % quantile of Student's t distribution with `dof` degrees of freedom
/// (standard table values; infinite at 0, the normal [`Z95`] beyond 30).
pub fn t95(dof: usize) -> f64 {
    const TABLE: [f64; 30] = [
        12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160,
        2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056,
        2.052, 2.048, 2.045, 2.042,
    ];
    match dof {
        0 => f64::INFINITY,
        1..=30 => TABLE[dof - 1],
        _ => Z95,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn t_quantiles_fall_towards_the_normal() {
        assert_eq!(t95(0), f64::INFINITY);
        assert_eq!(t95(1), 12.706);
        assert_eq!(t95(4), 2.776);
        assert_eq!(t95(30), 2.042);
        assert_eq!(t95(31), Z95);
        for dof in 1..40 {
            assert!(t95(dof) >= t95(dof + 1));
        }
    }

    #[test]
    fn scaling_multiplies_and_shifting_adds() {
        let a = Interval {
            point: 2.0,
            lower: 1.0,
            upper: 3.0,
        };
        assert_eq!(
            a.scaled(2.0),
            Interval {
                point: 4.0,
                lower: 2.0,
                upper: 6.0
            }
        );
        assert!(a.contains(3.0) && !a.contains(3.5));
    }

    #[test]
    fn sums_and_shifts_move_every_bound() {
        let a = Interval {
            point: 2.0,
            lower: 1.0,
            upper: 3.0,
        };
        let b = Interval {
            point: 10.0,
            lower: 9.0,
            upper: 12.0,
        };
        assert_eq!(
            a.plus(&b),
            Interval {
                point: 12.0,
                lower: 10.0,
                upper: 15.0
            }
        );
        assert_eq!(
            a.shifted(-1.0),
            Interval {
                point: 1.0,
                lower: 0.0,
                upper: 2.0
            }
        );
    }
}
