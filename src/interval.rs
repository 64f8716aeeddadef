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

    /// Every bound divided by `by` (e.g. a time per task from a time for N tasks).
    pub fn divided_by(&self, by: f64) -> Interval {
        Interval {
            point: self.point / by,
            lower: self.lower / by,
            upper: self.upper / by,
        }
    }
}
