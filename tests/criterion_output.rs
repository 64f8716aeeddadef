//! One real, very short Criterion measurement written to a temporary directory: the files the
//! summary report reads exist, and their IDs parse back with parbench's scheme.

use std::time::Duration;

use criterion::{BenchmarkId, Criterion, SamplingMode};
use parbench::bench_id::{BenchFunction, BenchId, Group};
use parbench::strategy::{Strategy, Threads};
use parbench::workload::{TaskSet, Workload};

#[test]
fn criterion_writes_the_files_the_report_reads() {
    let dir = tempfile::tempdir().unwrap();
    let group_id = Group::Hash { bytes: 1024 };
    let tasks = TaskSet::new(Workload::Hash { bytes: 1024 }, 2).unwrap();
    let expected = tasks.expected_outputs();

    let mut c = Criterion::default()
        .output_directory(dir.path())
        .sample_size(10)
        .warm_up_time(Duration::from_millis(10))
        .measurement_time(Duration::from_millis(50))
        .without_plots();
    let mut group = c.benchmark_group(group_id.to_string());
    group.sampling_mode(SamplingMode::Flat);
    group.bench_function(BenchmarkId::new(BenchFunction::Threads.name(), 2), |b| {
        b.iter(|| assert_eq!(Threads.run(&tasks).unwrap(), expected))
    });
    group.finish();

    let new = dir.path().join("hash-1KiB/threads/2/new");
    let benchmark: serde_json::Value =
        serde_json::from_slice(&std::fs::read(new.join("benchmark.json")).unwrap()).unwrap();
    let id = BenchId::from_parts(
        benchmark["group_id"].as_str().unwrap(),
        benchmark["function_id"].as_str(),
        benchmark["value_str"].as_str(),
    )
    .unwrap();
    assert_eq!(id, BenchId::new(group_id, BenchFunction::Threads, 2));

    let estimates: serde_json::Value =
        serde_json::from_slice(&std::fs::read(new.join("estimates.json")).unwrap()).unwrap();
    let mean = &estimates["mean"];
    let point = mean["point_estimate"].as_f64().unwrap();
    let lower = mean["confidence_interval"]["lower_bound"].as_f64().unwrap();
    let upper = mean["confidence_interval"]["upper_bound"].as_f64().unwrap();
    assert!(point > 0.0 && lower <= point && point <= upper, "{mean}");
}
