//! Numbers for people, in one place: three significant digits, and a time in the unit that
//! suits it. The report, `parbench run`, `advise` and `compare` all print through these, so
//! 999.996 µs reads `1.00 ms` everywhere.
//!
//! The report's own labels (speedups with intervals, verdicts, fractions) build on these in
//! [`crate::report::format`].

/// A number with three significant digits from 0.1 on (`58.3`, `1.96`, `0.312`), whole
/// numbers from 100 (`123`, `1234`), three decimals below 0.1 (`0.017`); `0` for zero and `?`
/// if not finite.
///
/// ```
/// use parbench::format::three_digits;
///
/// assert_eq!(three_digits(1.956), "1.96");
/// assert_eq!(three_digits(0.017_215), "0.017");
/// assert_eq!(three_digits(9.999_9), "10.0");
/// ```
pub fn three_digits(x: f64) -> String {
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

/// A time in nanoseconds with three significant digits and a unit: `12.3 µs`, `1.00 ms`,
/// `2.50 s`.
///
/// The unit is chosen after rounding to three significant digits, so that 999.996 µs reads
/// `1.00 ms`, not `1000 µs`.
///
/// ```
/// use parbench::format::time;
///
/// assert_eq!(time(999_996.0), "1.00 ms");
/// assert_eq!(time(12_345.0), "12.3 µs");
/// ```
pub fn time(ns: f64) -> String {
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
    format!("{} {unit}", three_digits(value))
}

/// A speedup with its interval: `×1.98 [1.90, 2.05]`, the one way every speedup with an
/// interval is written (the report's `speedup` label and Amdahl's predictions alike).
///
/// ```
/// use parbench::format::speedup_interval;
///
/// assert_eq!(speedup_interval(1.978, 1.901, 2.049), "×1.98 [1.90, 2.05]");
/// ```
pub fn speedup_interval(point: f64, lower: f64, upper: f64) -> String {
    format!(
        "×{} [{}, {}]",
        three_digits(point),
        three_digits(lower),
        three_digits(upper)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_times_read_in_minutes_hours_days_and_years() {
        assert_eq!(time(999e9), "999 s");
        assert_eq!(time(1000e9), "16.7 min");
        assert_eq!(time(3.6e12 * 3.0), "3.00 h");
        assert_eq!(time(33_729_939e9), "390 days");
        assert_eq!(time(6e18), "190 years");
    }

    #[test]
    fn three_significant_digits() {
        assert_eq!(three_digits(58.34), "58.3");
        assert_eq!(three_digits(1.956), "1.96");
        assert_eq!(three_digits(0.3124), "0.312");
        assert_eq!(three_digits(123.4), "123");
        assert_eq!(three_digits(1234.4), "1234");
        assert_eq!(three_digits(0.0), "0");
        assert_eq!(three_digits(9.999_999), "10.0");
        assert_eq!(three_digits(0.999_99), "1.00");
        assert_eq!(three_digits(1.0004), "1.00");
        assert_eq!(three_digits(0.017215), "0.017");
        assert_eq!(three_digits(0.099_96), "0.100");
        assert_eq!(three_digits(99.96), "100");
        assert_eq!(three_digits(-0.3124), "-0.312");
        assert_eq!(three_digits(f64::NAN), "?");
    }

    #[test]
    fn times_pick_their_unit_after_rounding() {
        assert_eq!(time(999_996.0), "1.00 ms");
        assert_eq!(time(12_345.0), "12.3 µs");
        assert_eq!(time(999.4), "999 ns");
        assert_eq!(time(999.0), "999 ns");
        assert_eq!(time(2.5e9), "2.50 s");
        assert_eq!(time(1.5e9), "1.50 s");
        assert_eq!(time(17.215e6), "17.2 ms");
    }
}
