//! Fake measurements and Criterion results for unit tests (of the report, the cost model and
//! the reader itself).

use std::path::Path;

use crate::bench_id::{BenchFunction, BenchId, Group};
use crate::criterion_data::Measurement;
use crate::interval::Interval;

/// The sleep group the report tests use: 10 ms sleeps.
pub(crate) const SLEEP: Group = Group::Sleep {
    duration: std::time::Duration::from_millis(10),
};
/// The hash group the report tests use: 1 MiB per task.
pub(crate) const HASH: Group = Group::Hash { bytes: 1 << 20 };

/// A measurement of `ns` nanoseconds with a ±1 % interval.
pub(crate) fn m(group: Group, function: BenchFunction, value: u64, ns: f64) -> Measurement {
    measurement(group, function, value, ns, 0.01)
}

/// A measurement of `ns` nanoseconds with an interval of ± `relative_error` × `ns`.
pub(crate) fn measurement(
    group: Group,
    function: BenchFunction,
    value: u64,
    ns: f64,
    relative_error: f64,
) -> Measurement {
    let id = BenchId::new(group, function, value);
    let mean = Interval {
        point: ns,
        lower: ns * (1.0 - relative_error),
        upper: ns * (1.0 + relative_error),
    };
    let directory = id.to_string();
    Measurement::new(id, directory, mean, 0.95, None)
}

/// Writes `<dir>/<group>/<function>/<value>/new/{benchmark,estimates}.json` with a mean of
/// `mean_ns` and a ±2 % interval, as Criterion would.
pub(crate) fn write_benchmark(dir: &Path, group: &str, function: &str, value: &str, mean_ns: f64) {
    let new = dir.join(group).join(function).join(value).join("new");
    std::fs::create_dir_all(&new).unwrap();
    let id = serde_json::json!({
        "group_id": group,
        "function_id": function,
        "value_str": value,
        "throughput": null,
        "full_id": format!("{group}/{function}/{value}"),
        "directory_name": format!("{group}/{function}/{value}"),
        "title": format!("{group}/{function}/{value}"),
    });
    let estimate = |point: f64| {
        serde_json::json!({
            "confidence_interval": {
                "confidence_level": 0.95,
                "lower_bound": point * 0.98,
                "upper_bound": point * 1.02,
            },
            "point_estimate": point,
            "standard_error": point * 0.01,
        })
    };
    let estimates = serde_json::json!({
        "mean": estimate(mean_ns),
        "median": estimate(mean_ns),
        "median_abs_dev": estimate(mean_ns * 0.01),
        "slope": null,
        "std_dev": estimate(mean_ns * 0.02),
    });
    std::fs::write(new.join("benchmark.json"), id.to_string()).unwrap();
    std::fs::write(new.join("estimates.json"), estimates.to_string()).unwrap();
}
