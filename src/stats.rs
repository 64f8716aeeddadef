//! Summary statistics of repeated runs, the warnings hyperfine gives about them, and times
//! printed in one unit for a whole table (through [`crate::format`]).
//!
//! `parbench run --runs N` times the same scenario N times; [`Summary`] condenses the N wall
//! times (mean, sample standard deviation, median, range) and [`warnings`] says when they
//! deserve less trust than they seem to: runs too short to time well, a first run much slower
//! than the rest, runs that vary by more than 10 % of their mean.

use std::fmt;

use crate::format::{three_digits, time};

/// Runs shorter than this are hard to time well (hyperfine's `MIN_EXECUTION_TIME`): 5 ms.
pub const FAST_RUN_SECONDS: f64 = 5e-3;

/// A standard deviation above this share of the mean makes the runs unstable (pyperf's and
/// hyperfine's rule of thumb): 10 %.
pub const MAX_RELATIVE_STDDEV: f64 = 0.10;

/// A first run is *much* slower than the rest when it exceeds the median of the others by
/// more than this many robust standard deviations (1.4826 × their median absolute deviation;
/// hyperfine's outlier threshold) ...
pub const SLOW_FIRST_RUN_SIGMAS: f64 = 10.0;

/// ... and by more than this share of that median: 20 %.
pub const SLOW_FIRST_RUN_EXCESS: f64 = 0.20;

/// Scales a median absolute deviation to an estimate of the standard deviation of normal data.
const MAD_TO_SIGMA: f64 = 1.4826;

/// Mean, spread, median and range of a set of timed runs, in seconds.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Summary {
    /// How many runs.
    pub runs: usize,
    /// The arithmetic mean.
    pub mean: f64,
    /// The sample standard deviation (divided by n − 1); `None` for a single run.
    pub stddev: Option<f64>,
    /// The median (the mean of the two middle values for an even count).
    pub median: f64,
    /// The fastest run.
    pub min: f64,
    /// The slowest run.
    pub max: f64,
}

impl Summary {
    /// Summarises `times`; `None` when there are none.
    pub fn of(times: &[f64]) -> Option<Summary> {
        if times.is_empty() {
            return None;
        }
        let runs = times.len();
        let mean = times.iter().sum::<f64>() / runs as f64;
        let stddev = (runs > 1).then(|| {
            let squares: f64 = times.iter().map(|t| (t - mean).powi(2)).sum();
            (squares / (runs - 1) as f64).sqrt()
        });
        Some(Summary {
            runs,
            mean,
            stddev,
            median: median(times)?,
            min: times.iter().copied().fold(f64::INFINITY, f64::min),
            max: times.iter().copied().fold(f64::NEG_INFINITY, f64::max),
        })
    }

    /// The standard deviation as a share of the mean (`None` for one run or a zero mean).
    pub fn relative_stddev(&self) -> Option<f64> {
        self.stddev
            .filter(|_| self.mean > 0.0)
            .map(|stddev| stddev / self.mean)
    }
}

/// The median of `values` (the mean of the two middle ones for an even count).
pub fn median(values: &[f64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let mid = sorted.len() / 2;
    Some(if sorted.len().is_multiple_of(2) {
        (sorted[mid - 1] + sorted[mid]) / 2.0
    } else {
        sorted[mid]
    })
}

/// Why a set of runs deserves less trust than its numbers suggest.
#[derive(Clone, Debug, PartialEq)]
pub enum Warning {
    /// A run took less than [`FAST_RUN_SECONDS`].
    FastRun {
        /// The fastest run, in seconds.
        fastest: f64,
        /// How many runs were timed.
        runs: usize,
    },
    /// The first run was much slower than the others (see [`SLOW_FIRST_RUN_SIGMAS`] and
    /// [`SLOW_FIRST_RUN_EXCESS`]).
    SlowFirstRun {
        /// The first run, in seconds.
        first: f64,
        /// The median of the other runs, in seconds.
        others_median: f64,
        /// Whether warm-up runs were already made.
        warmup_in_use: bool,
    },
    /// The standard deviation exceeds [`MAX_RELATIVE_STDDEV`] of the mean.
    HighVariation {
        /// The sample standard deviation, in seconds.
        stddev: f64,
        /// The mean, in seconds.
        mean: f64,
    },
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Warning::FastRun { fastest, runs } => {
                write!(
                    f,
                    "a run took less than 5 ms (the fastest {}): at that length timer \
                     resolution, scheduling and start-up costs weigh heavily, ",
                    time(fastest * 1e9)
                )?;
                if runs < 30 {
                    write!(
                        f,
                        "so repeat it (--runs 30 or more) and compare medians, or give the \
                         tasks more work"
                    )
                } else {
                    write!(
                        f,
                        "so give the tasks more work (--tasks, --bytes, --duration)"
                    )
                }
            }
            Warning::SlowFirstRun {
                first,
                others_median,
                warmup_in_use,
            } => {
                write!(
                    f,
                    "the first run ({}) was {:.0} % slower than the median of the others ({}); \
                     more than 20 % and 10 robust standard deviations counts as much slower: \
                     pools, caches or page faults were still warming up. ",
                    time(first * 1e9),
                    (first / others_median - 1.0) * 100.0,
                    time(others_median * 1e9)
                )?;
                if warmup_in_use {
                    write!(
                        f,
                        "Increase --warmup, or re-run on a quiet machine in case it was a \
                         random outlier"
                    )
                } else {
                    write!(f, "Use --warmup 1 or more to leave such runs out")
                }
            }
            Warning::HighVariation { stddev, mean } => write!(
                f,
                "the standard deviation ({}) is {:.0} % of the mean ({}), above 10 %: the runs \
                 vary too much to tell small differences apart; re-run on a quiet machine or \
                 with more --runs and compare medians",
                time(stddev * 1e9),
                stddev / mean * 100.0,
                time(mean * 1e9)
            ),
        }
    }
}

impl serde::Serialize for Warning {
    /// A warning serialises as its sentence.
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// The warnings that apply to `times`, the timed runs in the order they ran.
///
/// `warmup_in_use` only changes the advice given for a slow first run.
pub fn warnings(times: &[f64], warmup_in_use: bool) -> Vec<Warning> {
    let Some(summary) = Summary::of(times) else {
        return Vec::new();
    };
    let mut found = Vec::new();
    if summary.min < FAST_RUN_SECONDS {
        found.push(Warning::FastRun {
            fastest: summary.min,
            runs: summary.runs,
        });
    }
    if let Some((first, others_median)) = slow_first_run(times) {
        found.push(Warning::SlowFirstRun {
            first,
            others_median,
            warmup_in_use,
        });
    }
    if let (Some(relative), Some(stddev)) = (summary.relative_stddev(), summary.stddev)
        && relative > MAX_RELATIVE_STDDEV
    {
        found.push(Warning::HighVariation {
            stddev,
            mean: summary.mean,
        });
    }
    found
}

/// The first run and the median of the others, when the first is much slower (three runs or
/// more).
fn slow_first_run(times: &[f64]) -> Option<(f64, f64)> {
    let (&first, others) = times.split_first()?;
    if others.len() < 2 {
        return None;
    }
    let others_median = median(others)?;
    let deviations: Vec<f64> = others.iter().map(|t| (t - others_median).abs()).collect();
    let sigma = MAD_TO_SIGMA * median(&deviations)?;
    let excess = first - others_median;
    (excess > SLOW_FIRST_RUN_SIGMAS * sigma && excess > SLOW_FIRST_RUN_EXCESS * others_median)
        .then_some((first, others_median))
}

/// The unit a time of `seconds` reads best in, as hyperfine chooses it: s from 1 s, ms from
/// 1 ms, µs below.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TimeUnit {
    /// Seconds.
    Second,
    /// Milliseconds.
    Millisecond,
    /// Microseconds.
    Microsecond,
}

impl TimeUnit {
    /// The unit for a time of `seconds`.
    pub fn for_seconds(seconds: f64) -> TimeUnit {
        if seconds >= 1.0 {
            TimeUnit::Second
        } else if seconds >= 1e-3 {
            TimeUnit::Millisecond
        } else {
            TimeUnit::Microsecond
        }
    }

    /// `seconds` in this unit, with three significant digits and the unit: `17.2 ms`.
    pub fn format(self, seconds: f64) -> String {
        let (scale, symbol) = match self {
            TimeUnit::Second => (1.0, "s"),
            TimeUnit::Millisecond => (1e3, "ms"),
            TimeUnit::Microsecond => (1e6, "µs"),
        };
        format!("{} {symbol}", three_digits(seconds * scale))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() <= 1e-12 * a.abs().max(b.abs()).max(1.0)
    }

    #[test]
    fn summary_of_known_values() {
        let s = Summary::of(&[2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0]).unwrap();
        assert_eq!(s.runs, 8);
        assert!(close(s.mean, 5.0));
        // Sample standard deviation: sqrt(32 / 7).
        assert!(close(s.stddev.unwrap(), (32.0f64 / 7.0).sqrt()));
        assert!(close(s.median, 4.5));
        assert_eq!((s.min, s.max), (2.0, 9.0));
        assert!(close(
            s.relative_stddev().unwrap(),
            (32.0f64 / 7.0).sqrt() / 5.0
        ));
    }

    #[test]
    fn one_run_has_no_spread_and_none_has_no_summary() {
        let s = Summary::of(&[0.25]).unwrap();
        assert_eq!(s.stddev, None);
        assert_eq!(s.relative_stddev(), None);
        assert_eq!((s.mean, s.median, s.min, s.max), (0.25, 0.25, 0.25, 0.25));
        assert_eq!(Summary::of(&[]), None);
        assert_eq!(median(&[3.0, 1.0, 2.0]), Some(2.0));
    }

    #[test]
    fn steady_long_runs_give_no_warning() {
        let times = [0.050, 0.051, 0.0505, 0.0502, 0.0508];
        assert_eq!(warnings(&times, false), vec![]);
    }

    #[test]
    fn a_short_run_is_flagged_with_advice_by_run_count() {
        let w = warnings(&[0.004, 0.0041, 0.0040], false);
        assert_eq!(
            w,
            vec![Warning::FastRun {
                fastest: 0.004,
                runs: 3
            }]
        );
        assert!(w[0].to_string().contains("--runs 30"), "{}", w[0]);
        let many = [0.001; 40];
        let text = warnings(&many, false)[0].to_string();
        assert!(
            !text.contains("--runs 30") && text.contains("--tasks"),
            "{text}"
        );
    }

    #[test]
    fn a_much_slower_first_run_is_flagged() {
        let times = [0.080, 0.050, 0.0501, 0.0499, 0.0502];
        let w = warnings(&times, false);
        assert_eq!(w.len(), 2, "{w:?}"); // the slow first run also widens σ beyond 10 %
        assert!(matches!(w[0], Warning::SlowFirstRun { first, .. } if first == 0.080));
        assert!(w[0].to_string().contains("60 % slower"), "{}", w[0]);
        assert!(w[0].to_string().contains("--warmup 1"), "{}", w[0]);
        let advice = warnings(&times, true)[0].to_string();
        assert!(advice.contains("Increase --warmup"), "{advice}");
    }

    #[test]
    fn a_slightly_slower_or_noisy_first_run_is_not() {
        // 10 % slower: below the 20 % floor even though the others hardly vary.
        assert!(slow_first_run(&[0.055, 0.050, 0.050, 0.050]).is_none());
        // 30 % slower, but the others vary as much: within 10 robust σ.
        assert!(slow_first_run(&[0.065, 0.040, 0.050, 0.060, 0.045, 0.055]).is_none());
        // Too few runs to judge.
        assert!(slow_first_run(&[0.5, 0.05]).is_none());
        // Identical others (MAD 0): any excess above 20 % counts.
        assert!(slow_first_run(&[0.07, 0.05, 0.05, 0.05]).is_some());
    }

    #[test]
    fn variation_above_ten_percent_is_flagged() {
        let times = [0.040, 0.060, 0.050, 0.045, 0.055];
        let w = warnings(&times, false);
        assert!(
            matches!(w.as_slice(), [Warning::HighVariation { .. }]),
            "{w:?}"
        );
        assert!(w[0].to_string().contains("16 % of the mean"), "{}", w[0]);
    }

    #[test]
    fn times_in_their_unit() {
        assert_eq!(TimeUnit::Millisecond.format(0.000413), "0.413 ms");
        assert_eq!(TimeUnit::Millisecond.format(1.5), "1500 ms");
    }
}
