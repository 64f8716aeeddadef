//! The costs as `summary.json` carries them, and reading them back for `parbench advise`.
//!
//! The summary gains four keys (times in ns, intervals `{point, lower, upper}`):
//!
//! ```text
//! "costs": [ { "strategy", "fixed_ns": {..}, "per_task_ns": {..}, "per_byte_ns": {..} | null,
//!              "primitive": "<name>" | null, "primitive_ns": {..} | null,
//!              "ratio_to_primitive": number | null,
//!              "beyond": { "from_tasks", "measured_tasks", "per_task_ns": {..} } | null } ],
//! "cost_model": { "logical_cores", "raw_scaling": [ { "threads", "speedup": {..} } ],
//!                 "hash_ns_per_byte": {..} | null,
//!                 "hash_speed": [ { "total_bytes", "ns_per_byte": {..} } ],
//!                 "tokio_sleep_overshoot_ns": {..} | null,
//!                 "primitives": [ { "primitive", "ns": {..} } ], "unexplained_above": 0.25 },
//! "predictions": [ { "id", "measured_ns": {..}, "predicted_ns": {..}, "fixed_ns", "tasks_ns",
//!                    "transfer_ns": {..} | null, "work_ns", "residual", "unexplained",
//!                    "work_source": { "kind": "sequential", "id", "same_point", "cpu_split" }
//!                                 | { "kind": "nominal" },
//!                    "cores_busy": number | null } ],
//! "model_break_even": [ { "group", "strategy", "model_bytes": n | null,
//!                         "measured_bytes": n | null, "measured_below": n | null,
//!                         "largest_measured", "agrees" } ]
//! ```
//!
//! `sequential` has no primitive (`null`). [`read_model`] takes `costs` and `cost_model` back
//! from a summary of this parbench's schema version only.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::bench_id::{BenchFunction, Primitive};
use crate::error::{Error, Result};
use crate::interval::Interval;
use crate::machine::Machine;

use super::measured::{CostReport, WorkSource};
use super::model::{
    BeyondLine, CostModel, HashSpeedPoint, ScalingPoint, StrategyCost, UNEXPLAINED_ABOVE,
};

/// One strategy's costs in `summary.json`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CostEntry {
    /// The strategy's name.
    pub strategy: String,
    /// Fixed cost per run.
    pub fixed_ns: Interval,
    /// Cost per task.
    pub per_task_ns: Interval,
    /// Cost per input byte moved (process strategies).
    pub per_byte_ns: Option<Interval>,
    /// The primitive's name.
    pub primitive: Option<String>,
    /// The primitive's time.
    pub primitive_ns: Option<Interval>,
    /// Cost per task over the primitive's time.
    pub ratio_to_primitive: Option<f64>,
    /// Cost per task past the fitted line, where a count far past it was measured.
    pub beyond: Option<BeyondLine>,
}

/// The model's other inputs in `summary.json`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ModelEntry {
    /// Logical CPUs of the measured machine.
    pub logical_cores: usize,
    /// The raw compute scaling.
    pub raw_scaling: Vec<ScalingPoint>,
    /// Hashing time per byte on one core.
    pub hash_ns_per_byte: Option<Interval>,
    /// Hashing time per byte on one core by working set (all tasks' inputs together).
    pub hash_speed: Vec<HashSpeedPoint>,
    /// How much longer than asked a tokio sleep lasts (`tokio-sleep-1ms` − 1 ms).
    pub tokio_sleep_overshoot_ns: Option<Interval>,
    /// Every primitive at one operation.
    pub primitives: Vec<PrimitiveEntry>,
    /// The residual beyond which a prediction is "unexplained".
    pub unexplained_above: f64,
}

/// One primitive's time.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PrimitiveEntry {
    /// Its name.
    pub primitive: String,
    /// One operation, in ns.
    pub ns: Interval,
}

#[derive(Serialize)]
struct PredictionEntry<'a> {
    id: String,
    measured_ns: Interval,
    predicted_ns: Interval,
    fixed_ns: Interval,
    tasks_ns: Interval,
    transfer_ns: Option<Interval>,
    work_ns: Interval,
    residual: f64,
    unexplained: bool,
    work_source: &'a WorkSource,
    cores_busy: Option<f64>,
}

#[derive(Serialize)]
struct BreakEvenEntry {
    group: String,
    strategy: String,
    model_bytes: Option<u64>,
    measured_bytes: Option<u64>,
    measured_below: Option<u64>,
    largest_measured: u64,
    agrees: bool,
}

/// `costs` of a model, in summary form.
pub fn cost_entries(costs: &[StrategyCost]) -> Vec<CostEntry> {
    costs
        .iter()
        .map(|c| CostEntry {
            strategy: c.strategy.name().to_string(),
            fixed_ns: c.fixed_ns,
            per_task_ns: c.per_task_ns,
            per_byte_ns: c.per_byte_ns,
            primitive: c.primitive.map(|p| p.name().to_string()),
            primitive_ns: c.primitive_ns,
            ratio_to_primitive: c.ratio_to_primitive(),
            beyond: c.beyond,
        })
        .collect()
}

/// The four keys this module adds to `summary.json`, as JSON values by key.
pub fn summary_fields(report: &CostReport) -> Vec<(&'static str, serde_json::Value)> {
    let model = ModelEntry {
        logical_cores: report.model.logical_cores,
        raw_scaling: report.model.raw_scaling.clone(),
        hash_ns_per_byte: report.model.hash_ns_per_byte,
        hash_speed: report.model.hash_speed.clone(),
        tokio_sleep_overshoot_ns: report.model.tokio_sleep_overshoot_ns,
        primitives: report
            .primitives
            .iter()
            .map(|(p, ns)| PrimitiveEntry {
                primitive: p.name().to_string(),
                ns: *ns,
            })
            .collect(),
        unexplained_above: UNEXPLAINED_ABOVE,
    };
    let predictions: Vec<PredictionEntry> = report
        .predictions
        .iter()
        .map(|p| PredictionEntry {
            id: p.id.to_string(),
            measured_ns: p.measured_ns,
            predicted_ns: p.prediction.total_ns,
            fixed_ns: p.prediction.fixed_ns,
            tasks_ns: p.prediction.tasks_ns,
            transfer_ns: p.prediction.transfer_ns,
            work_ns: p.prediction.work_ns,
            residual: p.residual,
            unexplained: p.unexplained,
            work_source: &p.work_source,
            cores_busy: p.cores_busy,
        })
        .collect();
    let break_even: Vec<BreakEvenEntry> = report
        .break_evens
        .iter()
        .map(|b| BreakEvenEntry {
            group: b.group.to_string(),
            strategy: b.strategy.name().to_string(),
            model_bytes: b.model_bytes,
            measured_bytes: b.measured_bytes,
            measured_below: b.measured_below,
            largest_measured: b.largest_measured,
            agrees: b.agrees,
        })
        .collect();
    let value = |v: serde_json::Result<serde_json::Value>| v.expect("the costs serialize");
    vec![
        (
            "costs",
            value(serde_json::to_value(cost_entries(&report.model.costs))),
        ),
        ("cost_model", value(serde_json::to_value(&model))),
        ("predictions", value(serde_json::to_value(&predictions))),
        ("model_break_even", value(serde_json::to_value(&break_even))),
    ]
}

/// The parts of a summary [`read_model`] reads.
#[derive(Deserialize)]
struct SavedSummary {
    machine: Machine,
    costs: Option<Vec<CostEntry>>,
    cost_model: Option<ModelEntry>,
}

/// Reads the cost model and the machine it was measured on from the summary at `path`,
/// which must be a `parbench-summary` of schema version `version`.
pub fn read_model(path: &Path, version: u32) -> Result<(CostModel, Machine)> {
    let bad = |detail: String| Error::BadData {
        path: path.to_path_buf(),
        detail,
    };
    let text = std::fs::read_to_string(path).map_err(|source| Error::Io {
        action: "cannot read the summary",
        path: path.to_path_buf(),
        source,
    })?;
    let json: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| bad(format!("not JSON ({e})")))?;
    if json.get("schema").and_then(|s| s.as_str()) != Some("parbench-summary") {
        return Err(bad(
            "not a parbench summary (no \"schema\": \"parbench-summary\")".to_string(),
        ));
    }
    match json.get("version").and_then(|v| v.as_u64()) {
        Some(v) if v == u64::from(version) => {}
        other => {
            let found = other.map_or("no schema version".to_string(), |v| {
                format!("schema version {v}")
            });
            return Err(bad(format!(
                "{found}, this parbench reads version {version}: run `cargo bench` to measure \
                 again"
            )));
        }
    }
    let saved: SavedSummary =
        serde_json::from_value(json).map_err(|e| bad(format!("not a parbench summary ({e})")))?;
    let (Some(costs), Some(model)) = (saved.costs, saved.cost_model) else {
        return Err(bad(
            "has no costs (the overhead bench did not run): run `cargo bench`".to_string(),
        ));
    };
    if costs.is_empty() || model.logical_cores == 0 {
        return Err(bad(
            "has no costs (the overhead bench did not run): run `cargo bench`".to_string(),
        ));
    }
    let costs = costs
        .into_iter()
        .map(|c| {
            let strategy = BenchFunction::parse(&c.strategy)
                .ok_or_else(|| bad(format!("names an unknown strategy '{}'", c.strategy)))?;
            let primitive = match c.primitive.as_deref() {
                None => None,
                Some(name) => Some(
                    Primitive::parse(name)
                        .ok_or_else(|| bad(format!("names an unknown primitive '{name}'")))?,
                ),
            };
            Ok(StrategyCost {
                strategy,
                fixed_ns: c.fixed_ns,
                per_task_ns: c.per_task_ns,
                per_byte_ns: c.per_byte_ns,
                primitive,
                primitive_ns: c.primitive_ns,
                beyond: c.beyond,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    Ok((
        CostModel {
            logical_cores: model.logical_cores,
            costs,
            raw_scaling: model.raw_scaling,
            hash_ns_per_byte: model.hash_ns_per_byte,
            hash_speed: model.hash_speed,
            tokio_sleep_overshoot_ns: model.tokio_sleep_overshoot_ns,
        },
        saved.machine,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn summary(version: u32) -> serde_json::Value {
        let costs = cost_entries(&[StrategyCost {
            strategy: BenchFunction::Threads,
            fixed_ns: Interval::exact(1e3),
            per_task_ns: Interval::exact(30e3),
            per_byte_ns: None,
            primitive: Some(Primitive::ThreadSpawn),
            primitive_ns: Some(Interval::exact(25e3)),
            beyond: None,
        }]);
        serde_json::json!({
            "schema": "parbench-summary",
            "version": version,
            "machine": Machine::detect(),
            "costs": costs,
            "cost_model": {
                "logical_cores": 2,
                "raw_scaling": [{"threads": 2, "speedup": {"point": 1.9, "lower": 1.8, "upper": 2.0}}],
                "hash_ns_per_byte": null,
                "hash_speed": [{"total_bytes": 4194304, "ns_per_byte": {"point": 0.6, "lower": 0.5, "upper": 0.7}}],
                "primitives": [],
                "unexplained_above": 0.25
            }
        })
    }

    #[test]
    fn round_trips_a_model() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("summary.json");
        std::fs::write(&path, summary(7).to_string()).unwrap();
        let (model, _) = read_model(&path, 7).unwrap();
        assert_eq!(model.logical_cores, 2);
        let threads = model.cost(BenchFunction::Threads).unwrap();
        assert_eq!(threads.per_task_ns.point, 30e3);
        assert_eq!(threads.ratio_to_primitive(), Some(30.0 / 25.0));
        assert_eq!(model.scaling(2).point, 1.9);
        assert_eq!(model.hash_ns_per_byte_at(1 << 20, 4).unwrap().point, 0.6);
    }

    #[test]
    fn refuses_other_versions_foreign_and_corrupt_files() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("summary.json");
        let error = |text: String| {
            std::fs::write(&path, text).unwrap();
            read_model(&path, 7).unwrap_err().to_string()
        };
        let err = error(summary(6).to_string());
        assert!(
            err.contains("cargo bench") && err.contains("version 6"),
            "{err}"
        );
        let err = error("{\"schema\": \"other\"}".to_string());
        assert!(err.contains("not a parbench summary"), "{err}");
        let err = error("{ broken".to_string());
        assert!(
            err.contains("not JSON") && err.contains("summary.json"),
            "{err}"
        );
        let mut no_costs = summary(7);
        no_costs.as_object_mut().unwrap().remove("costs");
        assert!(error(no_costs.to_string()).contains("has no costs"));
        let mut unknown = summary(7);
        unknown["costs"][0]["strategy"] = "fibers".into();
        assert!(error(unknown.to_string()).contains("unknown strategy 'fibers'"));
        let missing = read_model(&dir.path().join("absent.json"), 7).unwrap_err();
        assert!(missing.to_string().contains("absent.json"), "{missing}");
    }
}
