//! Parsing and printing the sizes, durations and counts that flags and benchmark IDs carry.
//!
//! Parsing is strict and bounded: a zero, an unparsable text or an absurd value is an
//! [`Error::InvalidInput`] naming the flag and the accepted range. Printing gives the short,
//! stable labels used in benchmark IDs (`64KiB`, `10ms`).

use std::time::Duration;

use crate::error::{Error, Result};

/// The largest input one task may hash or write: 1 GiB.
pub const MAX_TASK_BYTES: u64 = 1 << 30;
/// The largest input all tasks of a run may hold together: 4 GiB.
pub const MAX_TOTAL_BYTES: u64 = 4 << 30;
/// The longest wait one task may have: 10 minutes.
pub const MAX_DURATION: Duration = Duration::from_secs(600);
/// The most tasks one run may have.
pub const MAX_TASKS: usize = 100_000;
/// The most workers (pool threads or processes) one run may ask for.
pub const MAX_WORKERS: usize = 1024;

/// Parses a byte size such as `64KiB`, `4MiB` or `1000`, between 1 byte and [`MAX_TASK_BYTES`].
pub fn parse_bytes(flag: &'static str, text: &str) -> Result<u64> {
    let size: bytesize::ByteSize = text.trim().parse().map_err(|_| {
        Error::invalid(
            flag,
            format!("must be a size such as 64KiB or 4MiB, got '{text}'"),
        )
    })?;
    check_bytes(flag, size.as_u64())
}

/// Checks that a byte size is between 1 byte and [`MAX_TASK_BYTES`].
pub fn check_bytes(flag: &'static str, bytes: u64) -> Result<u64> {
    if bytes == 0 || bytes > MAX_TASK_BYTES {
        return Err(Error::invalid(
            flag,
            format!("must be between 1B and 1GiB, got {}", bytes_label(bytes)),
        ));
    }
    Ok(bytes)
}

/// Parses a duration such as `10ms`, `1s` or `2min`, between 1 µs and [`MAX_DURATION`].
pub fn parse_duration(flag: &'static str, text: &str) -> Result<Duration> {
    let duration = humantime::parse_duration(text.trim()).map_err(|_| {
        Error::invalid(
            flag,
            format!("must be a duration such as 10ms or 1s, got '{text}'"),
        )
    })?;
    check_duration(flag, duration)
}

/// Checks that a duration is between 1 µs and [`MAX_DURATION`].
pub fn check_duration(flag: &'static str, duration: Duration) -> Result<Duration> {
    if duration < Duration::from_micros(1) || duration > MAX_DURATION {
        return Err(Error::invalid(
            flag,
            format!(
                "must be between 1us and 10min, got {}",
                humantime::format_duration(duration)
            ),
        ));
    }
    Ok(duration)
}

/// Checks a count flag (`--tasks`, `--workers`) against `1..=max`.
pub fn check_count(flag: &'static str, value: usize, max: usize) -> Result<usize> {
    if value == 0 || value > max {
        return Err(Error::invalid(
            flag,
            format!("must be between 1 and {max}, got {value}"),
        ));
    }
    Ok(value)
}

/// The short label of a byte size used in benchmark IDs: `1MiB`, `64KiB`, `1500B`.
pub fn bytes_label(bytes: u64) -> String {
    const KIB: u64 = 1024;
    const MIB: u64 = 1024 * 1024;
    const GIB: u64 = 1024 * 1024 * 1024;
    match bytes {
        0 => "0B".to_string(),
        b if b % GIB == 0 => format!("{}GiB", b / GIB),
        b if b % MIB == 0 => format!("{}MiB", b / MIB),
        b if b % KIB == 0 => format!("{}KiB", b / KIB),
        b => format!("{b}B"),
    }
}

/// The short label of a duration used in benchmark IDs: `10ms`, `1s`, `250us`.
pub fn duration_label(duration: Duration) -> String {
    let nanos = duration.as_nanos();
    match nanos {
        0 => "0s".to_string(),
        n if n % 1_000_000_000 == 0 => format!("{}s", n / 1_000_000_000),
        n if n % 1_000_000 == 0 => format!("{}ms", n / 1_000_000),
        n if n % 1_000 == 0 => format!("{}us", n / 1_000),
        n => format!("{n}ns"),
    }
}

/// A byte size as a person writes it, for sentences rather than IDs: `8 MiB`, `62.5 MiB`,
/// `1000 KiB`, `24.4 GiB` (one decimal, dropped when it is zero).
pub fn bytes_for_people(bytes: u64) -> String {
    bytesize::ByteSize::b(bytes)
        .display()
        .iec()
        .to_string()
        .replace(".0 ", " ")
}

/// Finds the value of a clap [`ValueEnum`](clap::ValueEnum) by its name; an unknown name is
/// an [`Error::UnknownName`] listing every accepted one. The one `from_name` of the crate.
pub fn from_value_name<T: clap::ValueEnum>(what: &'static str, name: &str) -> Result<T> {
    T::from_str(name.trim(), false).map_err(|_| Error::UnknownName {
        what,
        given: name.to_string(),
        expected: T::value_variants()
            .iter()
            .filter_map(|v| v.to_possible_value())
            .map(|v| v.get_name().to_string())
            .collect::<Vec<_>>()
            .join(", "),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_binary_sizes() {
        assert_eq!(parse_bytes("--bytes", "64KiB").unwrap(), 64 * 1024);
        assert_eq!(parse_bytes("--bytes", "4MiB").unwrap(), 4 << 20);
        assert_eq!(parse_bytes("--bytes", "1000").unwrap(), 1000);
    }

    #[test]
    fn rejects_zero_absurd_and_garbage_sizes() {
        for bad in ["0", "0KiB", "1TiB", "lots", ""] {
            let err = parse_bytes("--bytes", bad).unwrap_err().to_string();
            assert!(err.starts_with("--bytes "), "{bad}: {err}");
        }
    }

    #[test]
    fn parses_and_bounds_durations() {
        assert_eq!(
            parse_duration("--duration", "10ms").unwrap(),
            Duration::from_millis(10)
        );
        assert_eq!(
            parse_duration("--duration", "1s").unwrap(),
            Duration::from_secs(1)
        );
        for bad in ["0s", "2h", "soon", "-1s"] {
            let err = parse_duration("--duration", bad).unwrap_err().to_string();
            assert!(err.starts_with("--duration "), "{bad}: {err}");
        }
    }

    #[test]
    fn counts_are_bounded() {
        assert_eq!(check_count("--tasks", 8, MAX_TASKS).unwrap(), 8);
        let err = check_count("--tasks", 0, MAX_TASKS)
            .unwrap_err()
            .to_string();
        assert_eq!(err, "--tasks must be between 1 and 100000, got 0");
        assert!(check_count("--tasks", MAX_TASKS + 1, MAX_TASKS).is_err());
    }

    #[test]
    fn labels_round_trip_through_the_parsers() {
        for bytes in [1, 1000, 1024, 64 * 1024, 1 << 20, 4 << 20] {
            let label = bytes_label(bytes);
            assert_eq!(parse_bytes("--bytes", &label).unwrap(), bytes, "{label}");
        }
        for ms in [1, 10, 50, 1000, 2000] {
            let d = Duration::from_millis(ms);
            let label = duration_label(d);
            assert_eq!(parse_duration("--duration", &label).unwrap(), d, "{label}");
        }
        assert_eq!(duration_label(Duration::from_millis(10)), "10ms");
        assert_eq!(bytes_label(1 << 20), "1MiB");
    }

    #[test]
    fn sizes_for_people_read_as_written() {
        assert_eq!(bytes_for_people(8 << 20), "8 MiB");
        assert_eq!(bytes_for_people(64_000 << 10), "62.5 MiB");
        assert_eq!(bytes_for_people(1000 << 10), "1000 KiB");
        assert_eq!(bytes_for_people(0), "0 B");
    }
}
