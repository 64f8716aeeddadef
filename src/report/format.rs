//! Every label the report prints, in one place: factors and speedups with their intervals,
//! times, byte sizes, ideals, percentages, serial fractions and counts.
//!
//! Nothing else in `src/report` formats a figure: sections call these functions, so a speedup
//! reads `×1.98 [1.90, 2.05]` in every table, sentence, chart and output format alike.

use crate::bench_id::Group;
use crate::units;

use super::analysis::{Comparison, Verdict};
use crate::interval::Interval;

/// A factor with three significant digits (`58.3`, `1.96`, `0.312`); `?` if not finite.
pub fn factor(x: f64) -> String {
    if !x.is_finite() {
        return "?".to_string();
    }
    if x == 0.0 {
        return "0".to_string();
    }
    // Thresholds just below each power of ten, so that 9.9996 prints as 10.0, not 10.00.
    let magnitude = x.abs();
    if magnitude >= 99.95 {
        format!("{x:.0}")
    } else if magnitude >= 9.995 {
        format!("{x:.1}")
    } else if magnitude >= 0.9995 {
        format!("{x:.2}")
    } else {
        format!("{x:.3}")
    }
}

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
    format!(
        "{} [{}, {}]",
        times(s.point),
        factor(s.lower),
        factor(s.upper)
    )
}

/// A time in nanoseconds with three significant digits and a unit (`12.3 µs`).
pub fn time(ns: f64) -> String {
    // Choose the unit after rounding to three significant digits, so that 999.996 µs reads
    // 1.00 ms, not 1000 µs.
    let rounded = if ns.is_finite() && ns > 0.0 {
        let step = 10f64.powi(ns.log10().floor() as i32 - 2);
        (ns / step).round() * step
    } else {
        ns
    };
    // From 1000 s on, the units a person uses for long times: 16.7 min, 2.78 h, 390 days.
    const MINUTE: f64 = 60e9;
    const HOUR: f64 = 3600e9;
    const DAY: f64 = 86_400e9;
    const YEAR: f64 = 365.25 * DAY;
    let (value, unit) = if rounded >= 1000.0 * DAY {
        (ns / YEAR, "years")
    } else if rounded >= 2.0 * DAY {
        (ns / DAY, "days")
    } else if rounded >= 100.0 * MINUTE {
        (ns / HOUR, "h")
    } else if rounded >= 1e12 {
        (ns / MINUTE, "min")
    } else if rounded >= 1e9 {
        (ns / 1e9, "s")
    } else if rounded >= 1e6 {
        (ns / 1e6, "ms")
    } else if rounded >= 1e3 {
        (ns / 1e3, "µs")
    } else {
        (ns, "ns")
    };
    format!("{} {unit}", factor(value))
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

/// A byte size as benchmark IDs write it: `64KiB`.
pub fn bytes(b: u64) -> String {
    units::bytes_label(b)
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
pub fn comparison(c: &Comparison) -> String {
    match c {
        Comparison::Speedup(s) => speedup(s),
        Comparison::IsBaseline => "baseline".to_string(),
        Comparison::NoBaseline => "no baseline measured".to_string(),
        Comparison::NotCompared => "–".to_string(),
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
    fn times_pick_their_unit_after_rounding() {
        assert_eq!(time(999_996.0), "1.00 ms");
        assert_eq!(time(12_345.0), "12.3 µs");
        assert_eq!(time(999.4), "999 ns");
        assert_eq!(time(2.5e9), "2.50 s");
        assert_eq!(time(999e9), "999 s");
        assert_eq!(time(1000e9), "16.7 min");
        assert_eq!(time(3.6e12 * 3.0), "3.00 h");
        assert_eq!(time(33_729_939e9), "390 days");
        assert_eq!(time(6e18), "190 years");
    }

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
    fn factors_have_three_significant_digits() {
        assert_eq!(factor(58.34), "58.3");
        assert_eq!(factor(1.956), "1.96");
        assert_eq!(factor(0.3124), "0.312");
        assert_eq!(factor(123.4), "123");
        assert_eq!(factor(0.0), "0");
        assert_eq!(factor(9.999_999), "10.0");
        assert_eq!(factor(0.999_99), "1.00");
        assert_eq!(factor(f64::NAN), "?");
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
        assert_eq!(value(&Group::HashSize { tasks: 4 }, 65536), "64KiB");
        assert_eq!(tasks(1), "1 task");
        assert_eq!(share(0.95), "95 %");
        assert_eq!(verdict(&Verdict::Hurts { slowdown: 3.0 }), "hurts ×3.00");
    }
}
