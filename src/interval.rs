//! A point estimate with its confidence interval: the one shape every time, speedup and fitted
//! cost of parbench has, from Criterion's estimates to the cost model and the page.

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

    /// Every bound moved by `by` (e.g. a measured time less the time it was asked to take).
    pub fn shifted(&self, by: f64) -> Interval {
        self.plus(&Interval::exact(by))
    }

    /// Every bound divided by `by` (e.g. a time per task from a time for N tasks).
    pub fn divided_by(&self, by: f64) -> Interval {
        Interval {
            point: self.point / by,
            lower: self.lower / by,
            upper: self.upper / by,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
