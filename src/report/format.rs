//! Every label the report prints, in one place: factors and speedups with their intervals,
//! times, byte sizes, ideals, percentages, serial fractions and counts.
//!
//! Nothing else in `src/report` formats a figure: sections call these functions, so a speedup
//! reads `×1.98 [1.90, 2.05]` in every table, sentence, chart and output format alike. The
//! numbers under them (three significant digits, a time in its unit) come from
//! [`crate::format`], which the CLI prints through too.

use crate::bench_id::Group;
use crate::units;

/// A factor with three significant digits (`58.3`, `1.96`, `0.312`); `?` if not finite.
pub use crate::format::three_digits as factor;
/// A time in nanoseconds with three significant digits and a unit (`12.3 µs`).
pub use crate::format::time;

use super::analysis::{AgainstBaseline, Verdict};
use crate::interval::Interval;

/// A factor as a multiple: `×1.96`.
pub fn times(x: f64) -> String {
    format!("×{}", factor(x))
}

/// A speedup's point estimate alone: `×1.96`.
pub fn speedup_point(s: &Interval) -> String {
    times(s.point)
}

/// A speedup with its interval: `×1.98 [1.90, 2.05]`.
pub fn speedup(s: &Interval) -> String {
    crate::format::speedup_interval(s.point, s.lower, s.upper)
}

/// A time with its interval: `12.3 µs [12.1 µs, 12.5 µs]`.
pub fn time_interval(t: &Interval) -> String {
    format!("{} [{}, {}]", time(t.point), time(t.lower), time(t.upper))
}

/// An ideal speedup: whole numbers without decimals (`×64`), others as [`times`].
pub fn ideal(x: f64) -> String {
    if x.fract() == 0.0 && x.is_finite() {
        format!("×{x:.0}")
    } else {
        times(x)
    }
}

/// A byte size as a person reads it: `64 KiB`, `312.5 MiB`, and `none` for zero (benchmark
/// IDs keep their own form, [`units::bytes_label`]).
pub fn bytes(b: u64) -> String {
    if b == 0 {
        "none".to_string()
    } else {
        units::bytes_for_people(b)
    }
}

/// A growth in resident memory in MiB: `+90.0 MiB`.
pub fn memory_growth(bytes: u64) -> String {
    format!("+{:.1} MiB", bytes as f64 / (1u64 << 20) as f64)
}

/// A whole percentage: `50 %`.
pub fn percent(value: u64) -> String {
    format!("{value} %")
}

/// A share between 0 and 1 as a whole percentage: `95 %`.
pub fn share(x: f64) -> String {
    format!("{:.0} %", x * 100.0)
}

/// A serial fraction in a table: three decimals (`0.050`).
pub fn fraction(s: f64) -> String {
    format!("{s:.3}")
}

/// A serial fraction in a sentence: two decimals (`0.05`).
pub fn fraction_short(s: f64) -> String {
    format!("{s:.2}")
}

/// A fitted serial fraction's point: the number inside the law's domain [0, 1]; outside it
/// (a least-squares fit can land there) the bound it is at, with the fit beside it:
/// `≥ 1 (fit 1.033)`, `≤ 0 (fit -0.054)`.
fn fraction_point(s: f64, number: fn(f64) -> String) -> String {
    if s > 1.0 {
        format!("≥ 1 (fit {})", number(s))
    } else if s < 0.0 {
        format!("≤ 0 (fit {})", number(s))
    } else {
        number(s)
    }
}

/// A serial fraction with its range in a table: `0.050 [0.009, 0.093]`.
pub fn fraction_range(s: f64, low: f64, high: f64) -> String {
    format!(
        "{} [{}, {}]",
        fraction_point(s, fraction),
        fraction(low),
        fraction(high)
    )
}

/// A serial fraction with its range in a sentence: `0.05 [0.01, 0.09]`.
pub fn fraction_range_short(s: f64, low: f64, high: f64) -> String {
    format!(
        "{} [{}, {}]",
        fraction_point(s, fraction_short),
        fraction_short(low),
        fraction_short(high)
    )
}

/// A task count with its noun: `1 task`, `64 tasks`.
pub fn tasks(n: u64) -> String {
    if n == 1 {
        "1 task".to_string()
    } else {
        format!("{n} tasks")
    }
}

/// A swept value as tables show it: a byte size for the break-even and transfer sweeps, a percentage for
/// the mixed sweep, else the number.
pub fn value(group: &Group, value: u64) -> String {
    match group {
        Group::HashSize { .. } | Group::Receive { .. } => bytes(value),
        Group::Mixed { .. } => percent(value),
        _ => value.to_string(),
    }
}

/// A comparison for tables: the speedup with its interval, or why there is none.
pub fn comparison(c: &AgainstBaseline) -> String {
    match c {
        AgainstBaseline::Speedup(s) => speedup(s),
        AgainstBaseline::IsBaseline => "baseline".to_string(),
        AgainstBaseline::NoBaseline => "no baseline measured".to_string(),
        AgainstBaseline::NotCompared => "–".to_string(),
    }
}

/// A verdict: `helps ×S`, `no gain`, `hurts ×S` (S times slower) or `inconclusive`.
pub fn verdict(v: &Verdict) -> String {
    match v {
        Verdict::Helps { speedup } => format!("helps {}", times(*speedup)),
        Verdict::NoGain => "no gain".to_string(),
        Verdict::Hurts { slowdown } => format!("hurts {}", times(*slowdown)),
        Verdict::Inconclusive => "inconclusive".to_string(),
    }
}

/// What the raw compute scaling does not explain about a speedup, in words.
pub fn anomaly(a: &crate::report::analysis::Anomaly) -> String {
    use crate::report::analysis::Anomaly;
    match a {
        Anomaly::Superlinear { raw, threads } => format!(
            "above the raw compute scaling of {threads} bare threads ({})",
            speedup(raw)
        ),
        Anomaly::FarBelow {
            raw,
            threads,
            sibling,
            sibling_speedup,
        } => format!(
            "far below the raw compute scaling of {threads} bare threads ({}), which {sibling} \
             reaches ({})",
            speedup(raw),
            speedup(sibling_speedup)
        ),
    }
}

/// A verdict's word alone: `helps`, `no gain`, `hurts` or `inconclusive`.
pub fn verdict_word(v: &Verdict) -> &'static str {
    match v {
        Verdict::Helps { .. } => "helps",
        Verdict::NoGain => "no gain",
        Verdict::Hurts { .. } => "hurts",
        Verdict::Inconclusive => "inconclusive",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_serial_fraction_outside_the_law_shows_the_bound_it_is_at() {
        assert_eq!(fraction_range(0.05, 0.009, 0.093), "0.050 [0.009, 0.093]");
        assert_eq!(
            fraction_range(1.033, 0.858, 1.0),
            "≥ 1 (fit 1.033) [0.858, 1.000]"
        );
        assert_eq!(
            fraction_range_short(-0.054, 0.0, 0.026),
            "≤ 0 (fit -0.05) [0.00, 0.03]"
        );
    }

    #[test]
    fn speedups_carry_their_interval() {
        let s = Interval {
            point: 1.98,
            lower: 1.9,
            upper: 2.05,
        };
        assert_eq!(speedup(&s), "×1.98 [1.90, 2.05]");
        assert_eq!(speedup_point(&s), "×1.98");
    }

    #[test]
    fn time_labels_pick_a_unit() {
        assert_eq!(time(12_345.0), "12.3 µs");
        assert_eq!(time(1.5e9), "1.50 s");
        assert_eq!(time(999.0), "999 ns");
        let t = Interval {
            point: 2e6,
            lower: 1.9e6,
            upper: 2.1e6,
        };
        assert_eq!(time_interval(&t), "2.00 ms [1.90 ms, 2.10 ms]");
    }

    #[test]
    fn ideals_memory_and_values() {
        assert_eq!(ideal(64.0), "×64");
        assert_eq!(ideal(2.5), "×2.50");
        assert_eq!(memory_growth(90 << 20), "+90.0 MiB");
        assert_eq!(value(&Group::HashSize { tasks: 4 }, 65536), "64 KiB");
        assert_eq!(
            value(&Group::HashSize { tasks: 4 }, 320_000 << 10),
            "312.5 MiB"
        );
        assert_eq!(value(&Group::Receive { tasks: 2 }, 0), "none");
        assert_eq!(tasks(1), "1 task");
        assert_eq!(share(0.95), "95 %");
        assert_eq!(verdict(&Verdict::Hurts { slowdown: 3.0 }), "hurts ×3.00");
    }
}
