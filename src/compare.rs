//! `parbench compare A/summary.json B/summary.json`: do two runs agree?
//!
//! The check of calibration `docs/measuring.md` describes: of the benchmarks with a
//! speedup in both runs, how many of B's speedup points lie inside A's printed intervals (and
//! the other way round) — about 83 % for correct 95 % intervals of two independent runs — which
//! verdicts changed, and which means moved most. It reads only the fields it needs from each
//! `summary.json` and accepts any version of the `parbench-summary` schema that has them.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::interval::Interval;

/// The schema name every `summary.json` carries.
pub const SCHEMA: &str = "parbench-summary";

/// How many of the most-moved means the comparison lists.
pub const MOVED_SHOWN: usize = 10;

/// The fields of a `summary.json` the comparison uses.
#[derive(Debug, Deserialize)]
struct SummaryFile {
    schema: String,
    version: u32,
    benchmarks: Vec<BenchmarkEntry>,
    #[serde(default)]
    verdicts: Vec<VerdictEntry>,
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

/// One run's summary as the comparison sees it.
#[derive(Clone, Debug, PartialEq)]
pub struct RunSummary {
    /// The file it was read from.
    pub path: PathBuf,
    /// Its schema version.
    pub version: u32,
    /// Every benchmark's mean (ns), speedup (if any) and noise flag (if recorded), by ID.
    pub benchmarks: BTreeMap<String, Benchmark>,
    /// Every verdict by `group/strategy`.
    pub verdicts: BTreeMap<String, Verdict>,
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
}

/// One verdict of a run.
#[derive(Clone, Debug, PartialEq)]
pub struct Verdict {
    /// The ID of the point it was taken at (`group/strategy/value`).
    pub id: String,
    /// Its kind (`helps`, `no-gain`, `hurts`, `inconclusive`).
    pub kind: String,
    /// Its label, e.g. `helps ×1.95`.
    pub label: String,
    /// Whether the run marked it borderline (a re-run may decide it otherwise).
    pub borderline: bool,
}

impl RunSummary {
    /// Reads a `summary.json`; a missing, unreadable, corrupt or foreign file is an error
    /// naming it.
    pub fn read(path: &Path) -> Result<RunSummary> {
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
        let file: SummaryFile = serde_json::from_value(value).map_err(|e| {
            bad(format!(
                "a parbench summary without the fields compared: {e}"
            ))
        })?;
        debug_assert_eq!(file.schema, SCHEMA);
        let benchmarks = file
            .benchmarks
            .into_iter()
            .map(|b| {
                (
                    b.id,
                    Benchmark {
                        mean_ns: b.mean_ns,
                        speedup: b.speedup,
                        noisy: b.noise.map(|n| n.noisy),
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
                    },
                )
            })
            .collect();
        Ok(RunSummary {
            path: path.to_path_buf(),
            version: file.version,
            benchmarks,
            verdicts,
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
    /// A's label.
    pub a: String,
    /// B's label.
    pub b: String,
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

/// The comparison of two runs.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RunComparison {
    /// A's file.
    pub a: PathBuf,
    /// B's file.
    pub b: PathBuf,
    /// Benchmarks present in both.
    pub common_benchmarks: usize,
    /// B's speedup points inside A's intervals.
    pub b_inside_a: Coverage,
    /// A's speedup points inside B's intervals.
    pub a_inside_b: Coverage,
    /// Verdicts (by group and strategy) present in both runs.
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

impl RunComparison {
    /// Compares two runs' summaries.
    pub fn of(a: &RunSummary, b: &RunSummary) -> RunComparison {
        let mut b_inside_a = Coverage {
            inside: 0,
            common: 0,
        };
        let mut a_inside_b = b_inside_a;
        let mut moved = Vec::new();
        for (id, x) in &a.benchmarks {
            let Some(y) = b.benchmarks.get(id) else {
                continue;
            };
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
        let common_benchmarks = moved.len();
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
            if let Some(y) = b.verdicts.get(key) {
                common_verdicts += 1;
                if !x.borderline && !y.borderline {
                    common_firm_verdicts += 1;
                    agreeing_firm_verdicts += usize::from(x.kind == y.kind);
                }
                if x.kind != y.kind {
                    let clear = |kind: &str| matches!(kind, "helps" | "hurts");
                    changed_verdicts.push(ChangedVerdict {
                        id: key.clone(),
                        a: format!("{} ({})", x.label, x.id),
                        b: format!("{} ({})", y.label, y.id),
                        reversed: clear(&x.kind) && clear(&y.kind),
                        borderline: x.borderline || y.borderline,
                    });
                }
            }
        }
        RunComparison {
            a: a.path.clone(),
            b: b.path.clone(),
            common_benchmarks,
            b_inside_a,
            a_inside_b,
            common_verdicts,
            agreeing_verdicts: common_verdicts - changed_verdicts.len(),
            reversed_verdicts: changed_verdicts.iter().filter(|v| v.reversed).count(),
            common_firm_verdicts,
            agreeing_firm_verdicts,
            changed_verdicts,
            moved_most: moved,
            median_move,
        }
    }

    /// The comparison as text, one fact per line.
    pub fn text(&self) -> String {
        let mut out = format!(
            "A: {}\nB: {}\n{} benchmarks in both",
            self.a.display(),
            self.b.display(),
            self.common_benchmarks
        );
        if let Some(m) = self.median_move {
            out.push_str(&format!("; the median mean moved {:.1} %", m * 100.0));
        }
        out.push('\n');
        out.push_str(&format!(
            "B's speedups inside A's intervals: {}\nA's speedups inside B's intervals: {}\n",
            self.b_inside_a.text(),
            self.a_inside_b.text()
        ));
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
            out.push_str("Verdicts agreeing: no common verdicts\n");
        }
        for v in &self.changed_verdicts {
            out.push_str(&format!(
                "  changed {}: {} → {}{}\n",
                v.id,
                v.a,
                v.b,
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
                    crate::format::time(m.a_ns),
                    crate::format::time(m.b_ns),
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

/// Reads both files and compares them.
pub fn compare_files(a: &Path, b: &Path) -> Result<RunComparison> {
    Ok(RunComparison::of(
        &RunSummary::read(a)?,
        &RunSummary::read(b)?,
    ))
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

    /// A summary with no benchmarks and verdicts `(strategy, kind, borderline)` on group `g`.
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
            "schema": SCHEMA, "version": 7, "benchmarks": [], "verdicts": verdicts,
        });
        let path = dir.join(name);
        std::fs::write(&path, value.to_string()).unwrap();
        path
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
        assert!(err.contains("without the fields compared"), "{err}");
    }
}
