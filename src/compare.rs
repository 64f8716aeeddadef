//! `parbench compare A/summary.json B/summary.json`: do two runs agree?
//!
//! The check of calibration `docs/measuring.md` describes: of the benchmarks with a
//! speedup in both runs, how many of B's speedup points lie inside A's printed intervals (and
//! the other way round) — about 83 % for correct 95 % intervals of two independent runs — which
//! verdicts changed, and which means moved most.
//!
//! Only like is compared with like: two summaries of different schema versions, or with no
//! benchmark in common, are refused; a benchmark is compared only when both runs measured it
//! with the same parameters (its ID, and what the ID does not say, such as the bytes each
//! thread of `primitive/hash-threads` hashes in each profile), a verdict only when both runs
//! took it at the same point. What is left out is counted with its reason.
//!
//! [`Comparison`] is the typed result; [`Comparison::text`] and [`Comparison::json`] render
//! it, and [`page`] builds the page comparing two or more runs (`compare RUN… --html OUT`) on
//! [`Comparison::of`] pair by pair. Every file is first checked against
//! `reports/summary.schema.json` ([`SUMMARY_SCHEMA`]).

pub mod page;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::bench_id::{BenchFunction, BenchId, Group, Primitive};
use crate::error::{Error, Result};
use crate::interval::Interval;
use crate::suite::{Plan, Profile};

/// The schema name every `summary.json` carries.
pub const SCHEMA: &str = "parbench-summary";

/// The JSON Schema of `summary.json` (`reports/summary.schema.json`), which every file
/// compared must match.
pub const SUMMARY_SCHEMA: &str = include_str!("../reports/summary.schema.json");

/// Checks `value` against [`SUMMARY_SCHEMA`]: `Err` with the first problem (where, and what)
/// when it does not match.
pub fn check_schema(value: &serde_json::Value) -> std::result::Result<(), String> {
    let schema: serde_json::Value =
        serde_json::from_str(SUMMARY_SCHEMA).expect("reports/summary.schema.json is JSON");
    let validator =
        jsonschema::validator_for(&schema).expect("reports/summary.schema.json is a schema");
    match validator.iter_errors(value).next() {
        None => Ok(()),
        Some(error) => {
            let at = error.instance_path().to_string();
            Err(format!(
                "{} {error}",
                if at.is_empty() {
                    "at the top:".to_string()
                } else {
                    format!("at {at}:")
                }
            ))
        }
    }
}

/// How many of the most-moved means the comparison lists.
pub const MOVED_SHOWN: usize = 10;

/// The fields of a `summary.json` the comparison uses.
#[derive(Debug, Deserialize)]
struct SummaryFile {
    version: u32,
    #[serde(default)]
    profile: Option<String>,
    #[serde(default)]
    machine: Option<MachineEntry>,
    benchmarks: Vec<BenchmarkEntry>,
    #[serde(default)]
    verdicts: Vec<VerdictEntry>,
    #[serde(default)]
    pairs: Option<PairsEntry>,
}

#[derive(Debug, Deserialize)]
struct PairsEntry {
    #[serde(default)]
    record: Option<crate::pairs::PairsRecord>,
}

#[derive(Debug, Deserialize)]
struct MachineEntry {
    logical_cores: usize,
    #[serde(default)]
    cpu_model: Option<String>,
}

#[derive(Debug, Deserialize)]
struct BenchmarkEntry {
    id: String,
    mean_ns: f64,
    speedup: Option<Interval>,
    #[serde(default)]
    noise: Option<NoiseEntry>,
}

#[derive(Debug, Deserialize)]
struct NoiseEntry {
    noisy: bool,
}

#[derive(Debug, Deserialize)]
struct VerdictEntry {
    group: String,
    strategy: String,
    value: u64,
    #[serde(default)]
    speedup: Option<Interval>,
    verdict: VerdictKind,
    label: String,
    /// Absent in summaries before borderline verdicts were marked: counted as firm.
    #[serde(default)]
    borderline: bool,
}

#[derive(Debug, Deserialize)]
struct VerdictKind {
    kind: String,
}

/// Where a run came from, as the comparison reports it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RunInfo {
    /// The file it was read from.
    pub path: PathBuf,
    /// Its schema version.
    pub version: u32,
    /// The profile it ran (`quick`, `default`, `seed`), if recorded.
    pub profile: Option<String>,
    /// The logical cores of its machine, if recorded.
    pub logical_cores: Option<usize>,
    /// The CPU model of its machine, if recorded.
    pub cpu_model: Option<String>,
}

/// One run's summary as the comparison sees it.
#[derive(Clone, Debug, PartialEq)]
pub struct RunSummary {
    /// Where it came from.
    pub info: RunInfo,
    /// Every benchmark's mean (ns), speedup (if any), noise flag (if recorded) and hidden
    /// parameters, by ID.
    pub benchmarks: BTreeMap<String, Benchmark>,
    /// Every verdict by `group/strategy`.
    pub verdicts: BTreeMap<String, Verdict>,
    /// Every paired speedup with its interval for a re-run, by what it measures (its
    /// benchmark ID, else `set/label`: `raw-scaling/2 bare threads`) and its mode.
    pub paired: BTreeMap<(String, crate::pairs::Mode), Interval>,
    /// What the page comparing runs shows besides: the machine, times, quality, layout, costs.
    pub facts: page::RunFacts,
}

/// One benchmark of a run.
#[derive(Clone, Debug, PartialEq)]
pub struct Benchmark {
    /// The mean time per iteration in ns.
    pub mean_ns: f64,
    /// The speedup with its printed interval, if the benchmark has one.
    pub speedup: Option<Interval>,
    /// Whether the run marked it noisy (`None` for summaries without noise data).
    pub noisy: Option<bool>,
    /// What it was measured with that its ID does not say (see [`hidden_parameters`]).
    pub parameters: Option<String>,
}

/// One verdict of a run.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Verdict {
    /// The ID of the point it was taken at (`group/strategy/value`).
    pub id: String,
    /// Its kind (`helps`, `no-gain`, `hurts`, `inconclusive`).
    pub kind: String,
    /// Its label, e.g. `helps ×1.95`.
    pub label: String,
    /// Whether the run marked it borderline (a re-run may decide it otherwise).
    pub borderline: bool,
    /// The speedup it rests on, with its interval (not in the text or JSON comparison).
    #[serde(skip)]
    pub speedup: Option<Interval>,
}

/// What a benchmark was measured with that its ID does not carry, under `profile` (`None`
/// when the summary does not record one): for `primitive/hash-threads/<k>` the bytes each bare
/// thread hashes, which the profile sets. `None` for IDs that carry all their parameters.
pub fn hidden_parameters(id: &str, profile: Option<&str>) -> Option<String> {
    let parsed = BenchId::parse(id)?;
    match (parsed.group, parsed.function) {
        (Group::Primitive, BenchFunction::Primitive(Primitive::HashThreads)) => {
            Some(match profile.and_then(|p| Profile::from_name(p).ok()) {
                Some(profile) => format!(
                    "{} per thread",
                    crate::units::bytes_for_people(Plan::new(profile, 1).raw_scaling_bytes())
                ),
                None => "bytes per thread unknown (no profile recorded)".to_string(),
            })
        }
        _ => None,
    }
}

impl RunSummary {
    /// Reads a `summary.json` (or the one in report directory `path`); a missing, unreadable,
    /// corrupt or foreign file, or one that does not match the schema, is an error naming it.
    pub fn read(path: &Path) -> Result<RunSummary> {
        let in_dir;
        let path = if path.is_dir() {
            in_dir = path.join(crate::report::JSON_FILE);
            in_dir.as_path()
        } else {
            path
        };
        let text = std::fs::read_to_string(path)
            .map_err(|source| Error::io("cannot read", path, source))?;
        let bad = |detail: String| Error::BadData {
            path: path.to_path_buf(),
            detail,
        };
        let value: serde_json::Value =
            serde_json::from_str(&text).map_err(|e| bad(format!("not JSON: {e}")))?;
        let schema = value.get("schema").and_then(|s| s.as_str());
        if schema != Some(SCHEMA) {
            return Err(bad(format!(
                "not a parbench summary (schema {}, expected \"{SCHEMA}\"); give the \
                 summary.json that `cargo bench` or `parbench report` writes",
                schema.map_or("missing".to_string(), |s| format!("\"{s}\""))
            )));
        }
        if !value.get("version").is_some_and(serde_json::Value::is_u64) {
            return Err(bad(
                "a parbench summary without a schema version: regenerate it with `parbench \
                 report` from its Criterion data"
                    .to_string(),
            ));
        }
        check_schema(&value).map_err(|problem| {
            bad(format!(
                "does not match parbench's summary schema (reports/summary.schema.json) {problem}; \
                 regenerate it with `parbench report` from its Criterion data"
            ))
        })?;
        let facts = page::RunFacts::read(&value);
        let file: SummaryFile = serde_json::from_value(value).map_err(|e| {
            bad(format!(
                "a parbench summary without the fields compared: {e}"
            ))
        })?;
        let profile = file.profile;
        let benchmarks = file
            .benchmarks
            .into_iter()
            .map(|b| {
                let parameters = hidden_parameters(&b.id, profile.as_deref());
                (
                    b.id,
                    Benchmark {
                        mean_ns: b.mean_ns,
                        speedup: b.speedup,
                        noisy: b.noise.map(|n| n.noisy),
                        parameters,
                    },
                )
            })
            .collect();
        let verdicts = file
            .verdicts
            .into_iter()
            .map(|v| {
                (
                    format!("{}/{}", v.group, v.strategy),
                    Verdict {
                        id: format!("{}/{}/{}", v.group, v.strategy, v.value),
                        kind: v.verdict.kind,
                        label: v.label,
                        borderline: v.borderline,
                        speedup: v.speedup,
                    },
                )
            })
            .collect();
        let paired = file
            .pairs
            .and_then(|p| p.record)
            .map(|record| {
                record
                    .sets
                    .iter()
                    .flat_map(|set| {
                        set.arms.iter().map(move |arm| {
                            let what = arm
                                .bench_id
                                .clone()
                                .unwrap_or_else(|| format!("{}/{}", set.name, arm.label));
                            ((what, arm.mode), arm.speedup)
                        })
                    })
                    .collect()
            })
            .unwrap_or_default();
        let (logical_cores, cpu_model) = match file.machine {
            Some(m) => (Some(m.logical_cores), m.cpu_model),
            None => (None, None),
        };
        Ok(RunSummary {
            info: RunInfo {
                path: path.to_path_buf(),
                version: file.version,
                profile,
                logical_cores,
                cpu_model,
            },
            benchmarks,
            verdicts,
            paired,
            facts,
        })
    }
}

/// How many of one run's speedup points lie inside the other run's intervals.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Coverage {
    /// Points inside.
    pub inside: usize,
    /// Benchmarks with a speedup in both runs.
    pub common: usize,
}

impl Coverage {
    /// The share inside, `None` without common speedups.
    pub fn share(&self) -> Option<f64> {
        (self.common > 0).then(|| self.inside as f64 / self.common as f64)
    }

    fn text(&self) -> String {
        match self.share() {
            Some(_) => format!(
                "{} of {} ({})",
                self.inside,
                self.common,
                percent(self.inside, self.common)
            ),
            None => "no common speedups".to_string(),
        }
    }
}

/// `part` of `whole` as a percentage with one decimal, cut down rather than rounded so that
/// 54 of 57 (94.74 %) never reads as a goal of 95 % met: `94.7 %`; `–` when `whole` is 0.
fn percent(part: usize, whole: usize) -> String {
    if whole == 0 {
        return "–".to_string();
    }
    let tenths = part * 1000 / whole;
    format!("{}.{} %", tenths / 10, tenths % 10)
}

/// A verdict that differs between the runs.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ChangedVerdict {
    /// `group/strategy`.
    pub id: String,
    /// A's verdict.
    pub a: Verdict,
    /// B's verdict.
    pub b: Verdict,
    /// Whether the two runs give opposite clear answers (helps in one, hurts in the other),
    /// rather than a clear answer in one and "inconclusive" or "no gain" in the other.
    pub reversed: bool,
    /// Whether either run marked it borderline.
    pub borderline: bool,
}

/// A mean that moved between the runs.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct MovedMean {
    /// The benchmark ID.
    pub id: String,
    /// A's mean in ns.
    pub a_ns: f64,
    /// B's mean in ns.
    pub b_ns: f64,
    /// B / A.
    pub ratio: f64,
    /// Whether either run marked the benchmark noisy (`None` if neither recorded noise).
    pub noisy: Option<bool>,
}

/// A benchmark or verdict in both runs that was not compared, and why.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "reason", rename_all = "kebab-case")]
pub enum LeftOut {
    /// A benchmark both runs measured under one ID with different parameters.
    DifferentParameters {
        /// The benchmark ID.
        id: String,
        /// A's parameters.
        a: String,
        /// B's parameters.
        b: String,
    },
    /// A verdict the runs took at different points (task counts, sizes).
    DifferentPoints {
        /// `group/strategy`.
        id: String,
        /// The point A's verdict was taken at.
        a: String,
        /// The point B's verdict was taken at.
        b: String,
    },
}

/// The comparison of two runs.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Comparison {
    /// The first run.
    pub a: RunInfo,
    /// The second run.
    pub b: RunInfo,
    /// Benchmarks in both runs measured with the same parameters: those compared.
    pub common_benchmarks: usize,
    /// Benchmarks only A has.
    pub only_in_a: usize,
    /// Benchmarks only B has.
    pub only_in_b: usize,
    /// What both runs have but was not compared, with why.
    pub left_out: Vec<LeftOut>,
    /// B's speedup points inside A's intervals.
    pub b_inside_a: Coverage,
    /// A's speedup points inside B's intervals.
    pub a_inside_b: Coverage,
    /// Of the paired speedups alone (hot and cold, Rust and CPython): B's points inside A's
    /// intervals for a re-run. Compared only between runs of one profile, and only where the
    /// benchmark was measured with the same parameters in both.
    pub paired_b_inside_a: Coverage,
    /// Of the paired speedups alone: A's points inside B's intervals.
    pub paired_a_inside_b: Coverage,
    /// Verdicts (by group and strategy) taken at the same point in both runs.
    pub common_verdicts: usize,
    /// Of those, how many agree.
    pub agreeing_verdicts: usize,
    /// The verdicts that differ.
    pub changed_verdicts: Vec<ChangedVerdict>,
    /// Of those, how many give opposite clear answers (helps ↔ hurts).
    pub reversed_verdicts: usize,
    /// Verdicts in both runs that neither run marked borderline.
    pub common_firm_verdicts: usize,
    /// Of those, how many agree.
    pub agreeing_firm_verdicts: usize,
    /// The [`MOVED_SHOWN`] means that moved most (by |ln(B / A)|).
    pub moved_most: Vec<MovedMean>,
    /// The median move of all common means, as |B / A - 1|.
    pub median_move: Option<f64>,
}

impl Comparison {
    /// Compares two runs' summaries: refused (an error naming both files) when their schema
    /// versions differ or when no benchmark of one was measured with the same parameters in
    /// the other.
    pub fn of(a: &RunSummary, b: &RunSummary) -> Result<Comparison> {
        let refuse = |why: String| Error::Incomparable {
            a: a.info.path.clone(),
            b: b.info.path.clone(),
            why,
        };
        if a.info.version != b.info.version {
            return Err(refuse(format!(
                "A is a summary of schema version {} and B of version {}; regenerate the older \
                 one with `parbench report` from its Criterion data, or compare runs of one \
                 parbench",
                a.info.version, b.info.version
            )));
        }
        let mut b_inside_a = Coverage {
            inside: 0,
            common: 0,
        };
        let mut a_inside_b = b_inside_a;
        let mut moved = Vec::new();
        let mut left_out = Vec::new();
        for (id, x) in &a.benchmarks {
            let Some(y) = b.benchmarks.get(id) else {
                continue;
            };
            if x.parameters != y.parameters {
                let describe = |p: &Option<String>| p.clone().unwrap_or_else(|| "none".into());
                left_out.push(LeftOut::DifferentParameters {
                    id: id.clone(),
                    a: describe(&x.parameters),
                    b: describe(&y.parameters),
                });
                continue;
            }
            if let (Some(sx), Some(sy)) = (x.speedup, y.speedup) {
                b_inside_a.common += 1;
                a_inside_b.common += 1;
                b_inside_a.inside += usize::from(sx.contains(sy.point));
                a_inside_b.inside += usize::from(sy.contains(sx.point));
            }
            let noisy = match (x.noisy, y.noisy) {
                (None, None) => None,
                (p, q) => Some(p.unwrap_or(false) || q.unwrap_or(false)),
            };
            moved.push(MovedMean {
                id: id.clone(),
                a_ns: x.mean_ns,
                b_ns: y.mean_ns,
                ratio: y.mean_ns / x.mean_ns,
                noisy,
            });
        }
        let in_both = a
            .benchmarks
            .keys()
            .filter(|id| b.benchmarks.contains_key(*id))
            .count();
        if moved.is_empty() {
            let why = if in_both == 0 {
                format!(
                    "they have no benchmark in common (A has {}, B {}): nothing to compare",
                    a.benchmarks.len(),
                    b.benchmarks.len()
                )
            } else {
                format!(
                    "none of the {in_both} benchmarks in both was measured with the same \
                     parameters (profiles {} and {})",
                    a.info.profile.as_deref().unwrap_or("unknown"),
                    b.info.profile.as_deref().unwrap_or("unknown")
                )
            };
            return Err(refuse(why));
        }
        let common_benchmarks = moved.len();
        let (paired_b_inside_a, paired_a_inside_b) = paired_coverage(a, b);
        let size = |m: &MovedMean| m.ratio.ln().abs();
        moved.sort_by(|p, q| size(q).total_cmp(&size(p)).then(p.id.cmp(&q.id)));
        let mut moves: Vec<f64> = moved.iter().map(|m| (m.ratio - 1.0).abs()).collect();
        moves.sort_by(f64::total_cmp);
        let median_move = (!moves.is_empty()).then(|| moves[moves.len() / 2]);
        moved.truncate(MOVED_SHOWN);
        let mut changed_verdicts = Vec::new();
        let mut common_verdicts = 0;
        let (mut common_firm_verdicts, mut agreeing_firm_verdicts) = (0, 0);
        for (key, x) in &a.verdicts {
            let Some(y) = b.verdicts.get(key) else {
                continue;
            };
            let parameters =
                |s: &RunSummary, id: &str| s.benchmarks.get(id).and_then(|m| m.parameters.clone());
            if x.id != y.id || parameters(a, &x.id) != parameters(b, &y.id) {
                left_out.push(LeftOut::DifferentPoints {
                    id: key.clone(),
                    a: x.id.clone(),
                    b: y.id.clone(),
                });
                continue;
            }
            common_verdicts += 1;
            if !x.borderline && !y.borderline {
                common_firm_verdicts += 1;
                agreeing_firm_verdicts += usize::from(x.kind == y.kind);
            }
            if x.kind != y.kind {
                let clear = |kind: &str| matches!(kind, "helps" | "hurts");
                changed_verdicts.push(ChangedVerdict {
                    id: key.clone(),
                    a: x.clone(),
                    b: y.clone(),
                    reversed: clear(&x.kind) && clear(&y.kind),
                    borderline: x.borderline || y.borderline,
                });
            }
        }
        Ok(Comparison {
            a: a.info.clone(),
            b: b.info.clone(),
            common_benchmarks,
            only_in_a: a.benchmarks.len() - in_both,
            only_in_b: b.benchmarks.len() - in_both,
            left_out,
            b_inside_a,
            a_inside_b,
            paired_b_inside_a,
            paired_a_inside_b,
            common_verdicts,
            agreeing_verdicts: common_verdicts - changed_verdicts.len(),
            reversed_verdicts: changed_verdicts.iter().filter(|v| v.reversed).count(),
            common_firm_verdicts,
            agreeing_firm_verdicts,
            changed_verdicts,
            moved_most: moved,
            median_move,
        })
    }

    /// The comparison as text, one fact per line.
    pub fn text(&self) -> String {
        let run = |name: &str, r: &RunInfo| {
            let mut facts = Vec::new();
            if let Some(profile) = &r.profile {
                facts.push(format!("profile {profile}"));
            }
            if let Some(cores) = r.logical_cores {
                facts.push(format!("{cores} logical cores"));
            }
            if let Some(cpu) = &r.cpu_model {
                facts.push(cpu.clone());
            }
            match facts.is_empty() {
                true => format!("{name}: {}\n", r.path.display()),
                false => format!("{name}: {} ({})\n", r.path.display(), facts.join(", ")),
            }
        };
        let mut out = run("A", &self.a) + &run("B", &self.b);
        if self.a.profile != self.b.profile {
            out.push_str(
                "The profiles differ: only benchmarks measured with the same parameters are \
                 compared, verdicts only where both runs took them at the same point\n",
            );
        }
        if self.a.logical_cores != self.b.logical_cores || self.a.cpu_model != self.b.cpu_model {
            out.push_str(
                "The machines differ: the moves below are the machines' differences as much as \
                 the runs'\n",
            );
        }
        out.push_str(&format!("{} benchmarks compared", self.common_benchmarks));
        if let Some(m) = self.median_move {
            out.push_str(&format!("; the median mean moved {:.1} %", m * 100.0));
        }
        out.push('\n');
        let parameters = self
            .left_out
            .iter()
            .filter(|l| matches!(l, LeftOut::DifferentParameters { .. }))
            .count();
        let points = self.left_out.len() - parameters;
        if self.only_in_a + self.only_in_b + self.left_out.len() > 0 {
            let mut parts = Vec::new();
            if self.only_in_a + self.only_in_b > 0 {
                parts.push(format!(
                    "{} benchmarks only in A and {} only in B",
                    self.only_in_a, self.only_in_b
                ));
            }
            if let Some(LeftOut::DifferentParameters { id, a, b }) = self
                .left_out
                .iter()
                .find(|l| matches!(l, LeftOut::DifferentParameters { .. }))
            {
                parts.push(format!(
                    "{parameters} measured with different parameters (e.g. {id}: {a} in A, {b} \
                     in B)"
                ));
            }
            if points > 0 {
                parts.push(format!(
                    "{points} verdicts taken at different points (task counts or sizes)"
                ));
            }
            out.push_str(&format!("Left out: {}\n", parts.join("; ")));
        }
        out.push_str(&format!(
            "B's speedups inside A's intervals: {}\nA's speedups inside B's intervals: {}\n",
            self.b_inside_a.text(),
            self.a_inside_b.text()
        ));
        if self.paired_b_inside_a.common > 0 {
            out.push_str(&format!(
                "Paired speedups alone: B's inside A's intervals {}; A's inside B's {}\n",
                self.paired_b_inside_a.text(),
                self.paired_a_inside_b.text()
            ));
        }
        if self.common_verdicts > 0 {
            out.push_str(&format!(
                "Verdicts agreeing: {} of {} ({}); reversed (helps ↔ hurts): {}\n",
                self.agreeing_verdicts,
                self.common_verdicts,
                percent(self.agreeing_verdicts, self.common_verdicts),
                self.reversed_verdicts
            ));
            out.push_str(&format!(
                "Firm verdicts (borderline in neither run) agreeing: {} of {} ({})\n",
                self.agreeing_firm_verdicts,
                self.common_firm_verdicts,
                percent(self.agreeing_firm_verdicts, self.common_firm_verdicts)
            ));
        } else {
            out.push_str("Verdicts agreeing: no verdict taken at the same point in both runs\n");
        }
        for v in &self.changed_verdicts {
            out.push_str(&format!(
                "  changed {}: {} ({}) → {} ({}){}\n",
                v.id,
                v.a.label,
                v.a.id,
                v.b.label,
                v.b.id,
                if v.borderline { " (borderline)" } else { "" }
            ));
        }
        if !self.moved_most.is_empty() {
            out.push_str("Means that moved most (B / A):\n");
            for m in &self.moved_most {
                out.push_str(&format!(
                    "  {}: ×{:.3} ({} → {}){}\n",
                    m.id,
                    m.ratio,
                    crate::report::format::time(m.a_ns),
                    crate::report::format::time(m.b_ns),
                    if m.noisy == Some(true) { ", noisy" } else { "" }
                ));
            }
        }
        out
    }

    /// The comparison as one JSON object.
    pub fn json(&self) -> String {
        serde_json::to_string_pretty(self).expect("the comparison serializes")
    }
}

/// How many paired speedups of each run lie inside the other's intervals: B in A, then A in
/// B. None between runs of different profiles (their pairs are sized differently), and a
/// benchmark only where both runs measured it with the same parameters.
fn paired_coverage(a: &RunSummary, b: &RunSummary) -> (Coverage, Coverage) {
    let mut b_in_a = Coverage {
        inside: 0,
        common: 0,
    };
    let mut a_in_b = b_in_a;
    if a.info.profile != b.info.profile {
        return (b_in_a, a_in_b);
    }
    for (key, x) in &a.paired {
        let Some(y) = b.paired.get(key) else {
            continue;
        };
        let parameters = |s: &RunSummary| s.benchmarks.get(&key.0).map(|m| m.parameters.clone());
        if parameters(a) != parameters(b) {
            continue;
        }
        b_in_a.common += 1;
        a_in_b.common += 1;
        b_in_a.inside += usize::from(x.contains(y.point));
        a_in_b.inside += usize::from(y.contains(x.point));
    }
    (b_in_a, a_in_b)
}

/// Reads both files and compares them (see [`Comparison::of`]).
pub fn compare_files(a: &Path, b: &Path) -> Result<Comparison> {
    Comparison::of(&RunSummary::read(a)?, &RunSummary::read(b)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn summary(dir: &Path, name: &str, speedups: &[(&str, f64, f64, f64, f64)]) -> PathBuf {
        let benchmarks: Vec<_> = speedups
            .iter()
            .map(|&(id, mean, point, lower, upper)| {
                serde_json::json!({
                    "id": id, "mean_ns": mean,
                    "speedup": {"point": point, "lower": lower, "upper": upper},
                })
            })
            .collect();
        let value = serde_json::json!({
            "schema": SCHEMA, "version": 2, "benchmarks": benchmarks,
            "verdicts": [{"group": "g", "strategy": "threads", "value": 4,
                          "verdict": {"kind": if speedups[0].2 > 1.5 { "helps" } else { "inconclusive" }},
                          "label": "x"}],
        });
        let path = dir.join(name);
        std::fs::write(&path, value.to_string()).unwrap();
        path
    }

    #[test]
    fn counts_points_inside_the_other_runs_intervals() {
        let dir = tempfile::tempdir().unwrap();
        let a = summary(
            dir.path(),
            "a.json",
            &[
                ("g/threads/4", 100.0, 2.0, 1.9, 2.1),
                ("g/rayon/4", 100.0, 1.0, 0.99, 1.01),
            ],
        );
        let b = summary(
            dir.path(),
            "b.json",
            &[
                ("g/threads/4", 110.0, 2.05, 1.8, 2.3),
                ("g/rayon/4", 100.0, 1.2, 1.1, 1.3),
            ],
        );
        let c = compare_files(&a, &b).unwrap();
        assert_eq!(c.common_benchmarks, 2);
        assert_eq!(
            c.b_inside_a,
            Coverage {
                inside: 1,
                common: 2
            }
        );
        assert_eq!(
            c.a_inside_b,
            Coverage {
                inside: 1,
                common: 2
            }
        );
        assert_eq!((c.common_verdicts, c.agreeing_verdicts), (1, 1));
        assert_eq!(c.moved_most[0].id, "g/threads/4");
        assert!((c.moved_most[0].ratio - 1.1).abs() < 1e-12);
        let text = c.text();
        assert!(
            text.contains("B's speedups inside A's intervals: 1 of 2 (50.0 %)"),
            "{text}"
        );
    }

    /// A summary with one benchmark and verdicts `(strategy, kind, borderline)` on group `g`.
    fn verdicts_file(dir: &Path, name: &str, verdicts: &[(&str, &str, bool)]) -> PathBuf {
        let verdicts: Vec<_> = verdicts
            .iter()
            .map(|&(strategy, kind, borderline)| {
                serde_json::json!({"group": "g", "strategy": strategy, "value": 4,
                                  "verdict": {"kind": kind}, "label": kind,
                                  "borderline": borderline})
            })
            .collect();
        let value = serde_json::json!({
            "schema": SCHEMA, "version": 7, "verdicts": verdicts,
            "benchmarks": [{"id": "g/sequential/4", "mean_ns": 100.0, "speedup": null}],
        });
        let path = dir.join(name);
        std::fs::write(&path, value.to_string()).unwrap();
        path
    }

    /// A summary whose pairs record has `hash-1MiB/rayon/16` (hot) and the raw scaling's
    /// two bare threads, with these (point, lower, upper).
    fn paired_summary(
        dir: &Path,
        name: &str,
        profile: &str,
        rayon: (f64, f64, f64),
        raw: (f64, f64, f64),
    ) -> PathBuf {
        let arm = |label: &str, bench_id: Option<&str>, (point, lower, upper): (f64, f64, f64)| {
            serde_json::json!({
                "label": label, "bench_id": bench_id, "mode": "hot",
                "speedup": {"point": point, "lower": lower, "upper": upper},
                "per_process": [point], "rounds": 10, "median_ns": 1.0,
                "baseline_median_ns": 1.0,
                "counters": crate::pairs::Counters::default(),
                "baseline_counters": crate::pairs::Counters::default(),
            })
        };
        let value = serde_json::json!({
            "schema": SCHEMA, "version": 11, "profile": profile,
            "benchmarks": [{"id": "hash-1MiB/rayon/16", "mean_ns": 1e7, "speedup": null}],
            "pairs": {"record": {"processes": 6, "cold_gap_ms": 10.0, "sets": [
                {"name": "hash-1MiB@16", "baseline": "hash-1MiB/sequential/16",
                 "arms": [arm("hash-1MiB/rayon/16", Some("hash-1MiB/rayon/16"), rayon)]},
                {"name": "raw-scaling", "baseline": "1 bare threads",
                 "arms": [arm("2 bare threads", None, raw)]},
            ]}},
        });
        let path = dir.join(name);
        std::fs::write(&path, value.to_string()).unwrap();
        path
    }

    #[test]
    fn paired_speedups_are_counted_apart_and_only_within_one_profile() {
        let dir = tempfile::tempdir().unwrap();
        let a = paired_summary(
            dir.path(),
            "a.json",
            "default",
            (1.6, 1.4, 1.8),
            (1.9, 1.85, 1.95),
        );
        // B's rayon lands inside A's interval, its raw scaling outside; A's rayon is inside
        // B's wide interval, its raw scaling outside B's narrow one.
        let b = paired_summary(
            dir.path(),
            "b.json",
            "default",
            (1.5, 1.2, 1.9),
            (1.7, 1.68, 1.72),
        );
        let c = compare_files(&a, &b).unwrap();
        assert_eq!(
            c.paired_b_inside_a,
            Coverage {
                inside: 1,
                common: 2
            }
        );
        assert_eq!(c.paired_a_inside_b.inside, 1);
        assert!(
            c.text()
                .contains("Paired speedups alone: B's inside A's intervals 1 of 2 (50.0 %)"),
            "{}",
            c.text()
        );
        let quick = paired_summary(
            dir.path(),
            "q.json",
            "quick",
            (1.6, 1.4, 1.8),
            (1.9, 1.85, 1.95),
        );
        let c = compare_files(&a, &quick).unwrap();
        assert_eq!(
            c.paired_b_inside_a.common, 0,
            "other profiles: not compared"
        );
        assert!(!c.text().contains("Paired speedups alone"), "{}", c.text());
    }

    #[test]
    fn a_reversed_verdict_is_told_apart_from_a_weakened_one() {
        let dir = tempfile::tempdir().unwrap();
        let a = verdicts_file(
            dir.path(),
            "a.json",
            &[
                ("threads", "helps", false),
                ("rayon", "helps", false),
                ("gil", "hurts", false),
            ],
        );
        let b = verdicts_file(
            dir.path(),
            "b.json",
            &[
                ("threads", "hurts", false),
                ("rayon", "inconclusive", false),
                ("gil", "hurts", false),
            ],
        );
        let c = compare_files(&a, &b).unwrap();
        assert_eq!((c.common_verdicts, c.agreeing_verdicts), (3, 1));
        assert_eq!(percent(54, 57), "94.7 %");
        assert_eq!(percent(1, 1), "100.0 %");
        assert_eq!(c.reversed_verdicts, 1);
        let reversed: Vec<_> = c.changed_verdicts.iter().map(|v| v.reversed).collect();
        assert_eq!(reversed, [false, true], "rayon weakened, threads reversed");
        assert!(
            c.text().contains("reversed (helps ↔ hurts): 1"),
            "{}",
            c.text()
        );
    }

    #[test]
    fn firm_verdicts_are_those_neither_run_marks_borderline() {
        let dir = tempfile::tempdir().unwrap();
        let a = verdicts_file(
            dir.path(),
            "a.json",
            &[
                ("threads", "helps", false),
                ("rayon", "helps", true),
                ("gil", "hurts", false),
                ("async", "helps", false),
            ],
        );
        let b = verdicts_file(
            dir.path(),
            "b.json",
            &[
                ("threads", "helps", false),
                ("rayon", "inconclusive", false),
                ("gil", "hurts", false),
                ("async", "inconclusive", false),
            ],
        );
        let c = compare_files(&a, &b).unwrap();
        assert_eq!((c.common_verdicts, c.agreeing_verdicts), (4, 2));
        // rayon was borderline in A: left out of the firm count; async changed while firm.
        assert_eq!((c.common_firm_verdicts, c.agreeing_firm_verdicts), (3, 2));
        assert!(
            c.text()
                .contains("Firm verdicts (borderline in neither run) agreeing: 2 of 3 (66.6 %)"),
            "{}",
            c.text()
        );
    }

    #[test]
    fn foreign_or_corrupt_files_are_one_line_errors() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("absent.json");
        let err = RunSummary::read(&missing).unwrap_err().to_string();
        assert!(err.contains("absent.json") && !err.contains('\n'), "{err}");
        let corrupt = dir.path().join("corrupt.json");
        std::fs::write(&corrupt, "{\"schema\": ").unwrap();
        let err = RunSummary::read(&corrupt).unwrap_err().to_string();
        assert!(err.contains("not JSON") && !err.contains('\n'), "{err}");
        let foreign = dir.path().join("foreign.json");
        std::fs::write(&foreign, r#"{"schema": "hyperfine", "results": []}"#).unwrap();
        let err = RunSummary::read(&foreign).unwrap_err().to_string();
        assert!(err.contains("not a parbench summary"), "{err}");
        std::fs::write(&foreign, r#"{"schema": "parbench-summary", "version": 9}"#).unwrap();
        let err = RunSummary::read(&foreign).unwrap_err().to_string();
        // The schema names what is missing before the fields are read.
        assert!(
            err.contains("does not match parbench's summary schema")
                && err.contains("\"benchmarks\" is a required property"),
            "{err}"
        );
        std::fs::write(
            &foreign,
            r#"{"schema": "parbench-summary", "benchmarks": []}"#,
        )
        .unwrap();
        let err = RunSummary::read(&foreign).unwrap_err().to_string();
        assert!(err.contains("without a schema version"), "{err}");
    }

    /// A summary of `profile` with the given benchmark IDs (mean 100 ns, no speedup) and one
    /// verdict of group `g` taken at `verdict_at` tasks.
    fn profile_file(
        dir: &Path,
        name: &str,
        version: u32,
        profile: &str,
        ids: &[&str],
        verdict_at: u64,
    ) -> PathBuf {
        let benchmarks: Vec<_> = ids
            .iter()
            .map(|id| serde_json::json!({"id": id, "mean_ns": 100.0, "speedup": null}))
            .collect();
        let value = serde_json::json!({
            "schema": SCHEMA, "version": version, "profile": profile, "benchmarks": benchmarks,
            "verdicts": [{"group": "g", "strategy": "threads", "value": verdict_at,
                          "verdict": {"kind": "helps"}, "label": "helps ×2.00"}],
        });
        let path = dir.join(name);
        std::fs::write(&path, value.to_string()).unwrap();
        path
    }

    #[test]
    fn other_versions_and_nothing_in_common_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let a = profile_file(dir.path(), "a.json", 8, "default", &["g/threads/4"], 4);
        let old = profile_file(dir.path(), "old.json", 7, "default", &["g/threads/4"], 4);
        let err = compare_files(&a, &old).unwrap_err().to_string();
        assert!(err.contains("schema version 8 and B of version 7"), "{err}");
        let empty = profile_file(dir.path(), "empty.json", 8, "default", &[], 4);
        let err = compare_files(&a, &empty).unwrap_err().to_string();
        assert!(
            err.contains("no benchmark in common (A has 1, B 0)"),
            "{err}"
        );
        assert!(!err.contains('\n'), "{err}");
    }

    #[test]
    fn different_profiles_compare_only_like_with_like() {
        let dir = tempfile::tempdir().unwrap();
        let ids = ["g/threads/4", "g/threads/16", "primitive/hash-threads/1"];
        let a = profile_file(dir.path(), "a.json", 8, "default", &ids, 16);
        let b = profile_file(
            dir.path(),
            "b.json",
            8,
            "quick",
            &ids[..1]
                .iter()
                .chain(&ids[2..])
                .copied()
                .collect::<Vec<_>>(),
            4,
        );
        let c = compare_files(&a, &b).unwrap();
        assert_eq!(c.common_benchmarks, 1, "{c:?}");
        assert_eq!((c.only_in_a, c.only_in_b), (1, 0));
        assert_eq!(c.common_verdicts, 0);
        assert_eq!(
            c.left_out,
            [
                LeftOut::DifferentParameters {
                    id: "primitive/hash-threads/1".into(),
                    a: "4 MiB per thread".into(),
                    b: "1 MiB per thread".into(),
                },
                LeftOut::DifferentPoints {
                    id: "g/threads".into(),
                    a: "g/threads/16".into(),
                    b: "g/threads/4".into(),
                },
            ]
        );
        let text = c.text();
        assert!(text.contains("The profiles differ"), "{text}");
        assert!(text.contains("Left out: 1 benchmarks only in A and 0 only in B; 1 measured with different parameters (e.g. primitive/hash-threads/1: 4 MiB per thread in A, 1 MiB per thread in B); 1 verdicts taken at different points"), "{text}");
        let only_hash = profile_file(dir.path(), "h.json", 8, "quick", &ids[2..], 4);
        let a_hash = profile_file(dir.path(), "ah.json", 8, "default", &ids[2..], 4);
        let err = compare_files(&a_hash, &only_hash).unwrap_err().to_string();
        assert!(
            err.contains("none of the 1 benchmarks in both was measured with the same parameters"),
            "{err}"
        );
    }
}
