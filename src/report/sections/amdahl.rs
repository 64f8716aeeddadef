//! Amdahl's law fitted to the worker-count sweeps (`hash-workers-*`): each strategy's serial
//! fraction, from its speedups over its own 1-worker time, and what that allows on machines
//! with more cores than this one.
//!
//! The fit is [`crate::amdahl::estimate`]: weighted by every speedup's interval (the run-to-run
//! intervals of the report), only on points with at most as many workers as logical cores
//! (beyond that the workers share the cores, a plateau the law does not model), and typed "no
//! fit" where the law does not hold (a speedup above its workers or the cores beyond noise: the
//! 1-worker time is then not a serial baseline). A prediction whose range spans more than a
//! factor of 2 is given as that range only, and where one worker count above 1 is all there is
//! (a 2-core machine), the page says what a bigger machine would need to measure.
//! The chart is scaled to the measured points; the fitted curves run on, lighter, beyond them.

use maud::{Markup, html};
use serde_json::json;

use crate::amdahl::{self, HEADLINE_CORES, NoFit, Prediction, SerialFraction, SpeedupPoint};
use crate::bench_id::{BenchFunction, Group};

use super::super::analysis::{AgainstBaseline, GroupAnalysis, Point};
use super::super::blocks::{
    Page, figure, findings, findings_markdown, group_anchor, md_cell, noisy_mark, scroll,
    strategy_link,
};
use super::super::charts::{self, Chart, Line, LineKind, Series, YAxis};
use super::super::data::RunData;
use super::super::format;
use super::Section;
use crate::interval::Interval;

const ID: &str = "amdahl";

/// The core counts the report predicts speedups for.
pub const PREDICT_AT: &[u64] = &[8, 16, 64];

/// A serial fraction whose whole range is at least this large reads as "extra cores buy
/// nothing".
pub const MOSTLY_SERIAL: f64 = 0.9;

/// How many doublings beyond the largest measured worker count the chart draws the fits.
const CHART_DOUBLINGS_BEYOND: f64 = 2.0;

/// A serial fraction fitted to one strategy's sweep, with its predictions.
#[derive(Clone, Debug, PartialEq)]
pub struct Fitted {
    /// The serial fraction and the range the speedups' intervals allow.
    pub fit: SerialFraction,
    /// Predicted speedups at [`PREDICT_AT`] cores.
    pub predictions: Vec<Prediction>,
}

/// Why one strategy's sweep has no fit.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum RowNoFit {
    /// Its 1-worker time, the baseline of every speedup, was not measured.
    #[error("its 1-worker time was not measured, so it has no speedups")]
    NoOneWorkerPoint,
    /// The law does not hold, or there is nothing to fit.
    #[error(transparent)]
    Law(#[from] NoFit),
}

impl RowNoFit {
    /// A short kebab-case name for `summary.json`.
    pub fn kind(&self) -> &'static str {
        match self {
            RowNoFit::NoOneWorkerPoint => "no-one-worker-point",
            RowNoFit::Law(NoFit::NoParallelPoint { .. }) => "no-parallel-point",
            RowNoFit::Law(NoFit::InvalidPoint { .. }) => "invalid-point",
            RowNoFit::Law(NoFit::FasterThanLinear { .. }) => "faster-than-linear",
            RowNoFit::Law(NoFit::AboveCores { .. }) => "above-cores",
            RowNoFit::Law(NoFit::JointlySuperlinear { .. }) => "jointly-superlinear",
            RowNoFit::Law(NoFit::SlowerWithWorkers { .. }) => "slower-with-workers",
        }
    }
}

/// One strategy's worker-count sweep and its Amdahl fit.
#[derive(Clone, Debug, PartialEq)]
pub struct AmdahlRow {
    /// The `hash-workers-*` group.
    pub group: Group,
    /// The strategy.
    pub strategy: BenchFunction,
    /// Every measured point of the strategy, by workers (the 1-worker point is the baseline).
    pub points: Vec<Point>,
    /// The fit used points with at most this many workers (the logical cores).
    pub fitted_up_to: u64,
    /// The fit, or why there is none.
    pub fit: Result<Fitted, RowNoFit>,
}

impl AmdahlRow {
    /// The measured `(workers, speedup)` pairs, the 1-worker baseline as exactly 1.
    pub fn measured(&self) -> Vec<(u64, Interval)> {
        self.points
            .iter()
            .filter_map(|p| measured_speedup(p).map(|s| (p.value(), s)))
            .collect()
    }

    /// Whether any of its measurements is noisy.
    pub fn noisy(&self) -> bool {
        self.points.iter().any(|p| p.noisy)
    }
}

/// A point's speedup over the strategy's own 1-worker time; exactly 1 for that point itself
/// (by definition, not a measurement).
fn measured_speedup(p: &Point) -> Option<Interval> {
    match p.comparison {
        AgainstBaseline::Speedup(s) => Some(s),
        AgainstBaseline::IsBaseline => Some(Interval::exact(1.0)),
        _ => None,
    }
}

/// One row per strategy of the groups, fitted on the points with at most `logical_cores`
/// workers.
pub fn amdahl_rows(groups: &[&GroupAnalysis], logical_cores: usize) -> Vec<AmdahlRow> {
    let cores = logical_cores.max(1);
    let mut rows = Vec::new();
    for g in groups {
        for strategy in g.strategies() {
            let points: Vec<Point> = g.points_of(strategy).cloned().collect();
            let fit = fit_points(&points, cores);
            rows.push(AmdahlRow {
                group: g.group,
                strategy,
                points,
                fitted_up_to: cores as u64,
                fit,
            });
        }
    }
    rows
}

fn fit_points(points: &[Point], cores: usize) -> Result<Fitted, RowNoFit> {
    if !points.iter().any(|p| p.value() == 1) {
        return Err(RowNoFit::NoOneWorkerPoint);
    }
    let speedups: Vec<SpeedupPoint> = points
        .iter()
        .filter_map(|p| match p.comparison {
            AgainstBaseline::Speedup(s) => Some(SpeedupPoint {
                workers: p.value() as f64,
                speedup: s.point,
                lower: s.lower,
                upper: s.upper,
            }),
            _ => None,
        })
        .collect();
    let fit = amdahl::estimate(&speedups, cores)?;
    Ok(Fitted {
        fit,
        predictions: PREDICT_AT.iter().map(|&n| fit.predict(n as f64)).collect(),
    })
}

/// What the sweep cannot tell and what would: on a machine with one worker count above 1 (a
/// 2-core machine), the workers a bigger machine would need to measure to pin the headline
/// prediction down to a factor of 2.
fn what_is_missing(row: &AmdahlRow, fitted: &Fitted) -> Option<String> {
    let headline = fitted.fit.predict(HEADLINE_CORES);
    if !matches!(headline, Prediction::Unpinned { .. }) {
        return None;
    }
    let counts = fitted.fit.worker_counts;
    let fitted_workers = row
        .points
        .iter()
        .map(|p| p.value())
        .filter(|&n| n > 1 && n <= row.fitted_up_to)
        .max()
        .unwrap_or(row.fitted_up_to);
    let only = if counts == 1 {
        format!(
            "only the {fitted_workers}-worker point exists on this {}-core machine",
            row.fitted_up_to
        )
    } else {
        format!(
            "{counts} worker counts above 1 on this {}-core machine",
            row.fitted_up_to
        )
    };
    let precision = format::share(fitted.fit.precision);
    Some(match fitted.fit.workers_to_pin_down(HEADLINE_CORES) {
        Some(n) => format!(
            "{only}; pinning the {HEADLINE_CORES}-core speedup down to a factor of 2 would need a \
             measurement on {n} workers, on a machine with at least {n} cores, at the same \
             ±{precision} precision"
        ),
        None => format!(
            "{only}; even 4096 workers measured at the same ±{precision} would not pin the \
             {HEADLINE_CORES}-core speedup down to a factor of 2"
        ),
    })
}

/// The fitted serial fraction of one strategy and what it allows, or why there is no fit.
fn sentence(row: &AmdahlRow) -> String {
    let fitted = match &row.fit {
        Ok(fitted) => fitted,
        Err(reason) => {
            return format!(
                "{}: no Amdahl fit for {}: {reason}.",
                row.group, row.strategy
            );
        }
    };
    let f = &fitted.fit;
    let meaning = meaning(f);
    let headline = f.predict(HEADLINE_CORES).label(f.worker_counts);
    let missing = what_is_missing(row, fitted)
        .map(|m| format!(". {}{}", m[..1].to_uppercase(), &m[1..]))
        .unwrap_or_default();
    format!(
        "{}: {} serial fraction {} from its speedups on up to {} workers{}: {meaning}; \
         predicted {headline}{missing}.",
        row.group,
        row.strategy,
        format::fraction_range_short(f.estimate, f.lower, f.upper),
        row.fitted_up_to,
        if row.noisy() {
            " (noisy measurements)"
        } else {
            ""
        },
    )
}

/// The lead's short form of [`sentence`]: the serial fraction and what it allows, without the
/// prediction and what is missing to pin it down; `None` without a fit.
fn short_sentence(row: &AmdahlRow) -> Option<String> {
    let f = &row.fit.as_ref().ok()?.fit;
    Some(format!(
        "{} on {}: serial fraction {}; {}.",
        row.strategy,
        row.group,
        format::fraction_range_short(f.estimate, f.lower, f.upper),
        meaning(f)
    ))
}

/// What a serial fraction's range allows, in words.
fn meaning(f: &SerialFraction) -> String {
    if f.lower >= MOSTLY_SERIAL {
        "extra cores buy nothing".to_string()
    } else if f.lower <= 0.0 && f.upper >= MOSTLY_SERIAL {
        "the data allow anything from perfect scaling to none".to_string()
    } else if f.lower <= 0.0 {
        "the data cannot rule out perfect scaling".to_string()
    } else if f.estimate >= MOSTLY_SERIAL {
        format!(
            "extra cores buy little: at most {} on any number of cores",
            format::times(1.0 / f.lower)
        )
    } else {
        format!(
            "at most {} to {} on any number of cores",
            format::times(1.0 / f.upper),
            format::times(1.0 / f.lower)
        )
    }
}

/// A prediction in a table cell: `×15.4 [12.1, 19.0]`, or `×9.80 – ×64.0 (range only)`.
fn prediction_cell(p: &Prediction) -> String {
    match *p {
        Prediction::Estimate {
            speedup, low, high, ..
        } => format::speedup(&Interval {
            point: speedup,
            lower: low,
            upper: high,
        }),
        Prediction::Unpinned { low, high, .. } => {
            format!(
                "{} – {} (range only)",
                format::times(low),
                format::times(high)
            )
        }
    }
}

/// The Amdahl section.
pub struct AmdahlSection {
    groups: Vec<GroupAnalysis>,
    rows: Vec<AmdahlRow>,
    cores: usize,
}

/// Builds the fits from the `hash-workers-*` groups.
pub fn build(data: &RunData) -> Box<dyn Section> {
    let groups = data.groups_where(|g| matches!(g, Group::HashWorkers { .. }));
    let rows = amdahl_rows(&groups, data.cores());
    Box::new(AmdahlSection {
        groups: groups.into_iter().cloned().collect(),
        rows,
        cores: data.cores(),
    })
}

impl AmdahlSection {
    fn rule(&self) -> String {
        let predict: Vec<String> = PREDICT_AT.iter().map(|n| n.to_string()).collect();
        format!(
            "Each strategy's speedup on W workers is its own 1-worker time / its time on W \
             workers, all hashing the same tasks, with the run-to-run interval of the page. \
             Amdahl's law S(W) = 1 / (s + (1 − s) / W) is fitted by least squares on \
             1/S − 1/W = s (1 − 1/W), each point weighted by its interval, to the points with at \
             most {cores} workers, the logical cores: beyond them workers share cores, a plateau \
             the law does not model, so those points (*) are only checked. The range of s is \
             ±1.96 standard errors (larger when the points scatter more than their intervals), \
             within the law's domain [0, 1]. Where a speedup lies above its worker count or the \
             cores beyond its interval, the 1-worker time is not a serial baseline and no fit is \
             made. Predictions on {} cores come from the range of s and assume those cores behave \
             like these; a range wider than a factor of 2 is given as the range only. The chart \
             is scaled to the measured points; fitted curves continue, lighter, where nothing \
             was measured.",
            predict.join(", "),
            cores = self.cores
        )
    }

    /// The chart of one group: measured speedups and fitted curves, the curves running two
    /// doublings beyond the measured workers, lighter there, cut at the measured scale.
    fn chart(&self, g: &GroupAnalysis) -> Option<Chart> {
        let rows: Vec<&AmdahlRow> = self.rows.iter().filter(|r| r.group == g.group).collect();
        let series: Vec<Series> = rows
            .iter()
            .map(|r| Series {
                strategy: r.strategy,
                points: r
                    .measured()
                    .into_iter()
                    .map(|(n, s)| (n as f64, s))
                    .collect(),
            })
            .filter(|s| !s.points.is_empty())
            .collect();
        let measured_max = series
            .iter()
            .flat_map(|s| s.points.iter().map(|p| p.0))
            .fold(1.0, f64::max);
        let x_max = measured_max * CHART_DOUBLINGS_BEYOND.exp2();
        let steps = (x_max.log2() * 4.0).round() as i32;
        let lines = rows
            .iter()
            .filter_map(|r| {
                let fitted = r.fit.as_ref().ok()?;
                // A curve at an estimate outside the law's domain (at the ideal or slower
                // within noise) would draw what the law cannot give.
                let s = fitted.fit.estimate;
                if !(0.0..=1.0).contains(&s) {
                    return None;
                }
                Some(Line {
                    label: format!("{} fit", r.strategy),
                    kind: LineKind::Fit {
                        strategy: r.strategy,
                        measured_up_to: measured_max,
                    },
                    // Quarter powers of two: a smooth curve on the log2 axis.
                    points: (0..=steps)
                        .map(|k| {
                            let n = 2f64.powf(f64::from(k) / 4.0);
                            (n, amdahl::speedup(s, n))
                        })
                        .collect(),
                })
            })
            .collect();
        (!series.is_empty()).then(|| Chart {
            title: format!("{}: measured and Amdahl-fitted speedup", g.group),
            group: g.group,
            y: YAxis::Speedup,
            series,
            lines,
            x_max: Some(x_max),
        })
    }

    fn serial_fraction_cell(row: &AmdahlRow) -> String {
        match &row.fit {
            Ok(f) => format!(
                "{}, SE {}",
                format::fraction_range(f.fit.estimate, f.fit.lower, f.fit.upper),
                format::fraction(f.fit.standard_error),
            ),
            Err(reason) => format!("no fit: {reason}"),
        }
    }

    fn measured_cell(row: &AmdahlRow) -> String {
        let parts: Vec<String> = row
            .measured()
            .iter()
            .map(|(n, s)| {
                let beyond = if *n > row.fitted_up_to { "*" } else { "" };
                if *n == 1 {
                    format!("{n}: {}", format::times(1.0))
                } else {
                    let noisy = row.points.iter().any(|p| p.value() == *n && p.noisy);
                    format!("{n}{beyond}: {}{}", format::speedup(s), noisy_mark(noisy))
                }
            })
            .collect();
        if parts.is_empty() {
            "none".to_string()
        } else {
            parts.join(", ")
        }
    }

    fn prediction_cells(row: &AmdahlRow) -> Vec<String> {
        PREDICT_AT
            .iter()
            .enumerate()
            .map(|(i, _)| match &row.fit {
                Ok(f) => prediction_cell(&f.predictions[i]),
                Err(_) => "–".to_string(),
            })
            .collect()
    }
}

impl Section for AmdahlSection {
    fn id(&self) -> &'static str {
        ID
    }

    fn title(&self) -> &'static str {
        "Amdahl: how far would more cores go?"
    }

    fn has_data(&self) -> bool {
        !self.rows.is_empty()
    }

    fn groups(&self) -> Vec<Group> {
        self.groups.iter().map(|g| g.group).collect()
    }

    fn findings(&self) -> Vec<String> {
        self.rows.iter().map(sentence).collect()
    }

    fn headline(&self) -> String {
        let fitted = self
            .rows
            .iter()
            .find_map(|row| row.fit.as_ref().ok().map(|f| (row, f)));
        match fitted {
            Some((row, f)) => match f.fit.predict(HEADLINE_CORES) {
                p @ Prediction::Estimate { .. } => format!(
                    "{} on {} would reach {}",
                    row.strategy,
                    row.group,
                    p.label(f.fit.worker_counts)
                ),
                Prediction::Unpinned { .. } => format!(
                    "This machine's {} cores cannot tell how far more cores would take {} on {}",
                    row.fitted_up_to, row.strategy, row.group
                ),
            },
            None => self.title().to_string(),
        }
    }

    fn lead(&self, _page: &Page) -> Markup {
        let sentences: Vec<String> = self.rows.iter().filter_map(short_sentence).collect();
        let chart = self
            .groups
            .first()
            .map(|g| figure(self.chart(g).map(|c| charts::draw(&c))))
            .unwrap_or_default();
        super::lead(&self.headline(), &sentences, chart)
    }

    fn more(&self) -> String {
        format!(
            "How the serial fraction is fitted, every chart, and every fit and prediction ({})",
            self.rows.len()
        )
    }

    fn html(&self, page: &Page) -> Markup {
        html! {
            p { (self.rule()) }
            @for g in &self.groups {
                h3 id=(group_anchor(&g.group)) { (g.group.to_string()) }
                (figure(self.chart(g).map(|c| charts::draw(&c))))
            }
            (findings(&self.findings()))
            details {
                summary { "Every fit and prediction (" (self.rows.len()) ")" }
                (scroll(html! {
                    table #amdahl-table {
                        thead { tr {
                            th { "Workload" } th { "Strategy" } th { "Serial fraction s [range], SE" }
                            th { "Measured speedups (workers: ×S; * beyond the cores, not fitted)" }
                            @for n in PREDICT_AT { th { "Predicted on " (n) " cores" } }
                        } }
                        tbody { @for row in &self.rows {
                            @let dir = row.points.last().map(|p| p.measurement.directory.as_str()).unwrap_or_default();
                            tr {
                                td { (row.group.to_string()) }
                                td { (strategy_link(page, dir, row.strategy)) }
                                td.serial-fraction { (Self::serial_fraction_cell(row)) }
                                td { (Self::measured_cell(row)) }
                                @for cell in Self::prediction_cells(row) { td.num { (cell) } }
                            }
                        } }
                    }
                }))
            }
        }
    }

    fn markdown(&self, _page: &Page) -> String {
        let mut md = format!("{}\n\n", self.rule());
        md.push_str(&findings_markdown(&self.findings()));
        md.push_str(
            "| Workload | Strategy | Serial fraction s [range], SE | Measured speedups (* beyond the cores, not fitted) |",
        );
        for n in PREDICT_AT {
            md.push_str(&format!(" Predicted on {n} cores |"));
        }
        md.push_str(&format!(
            "\n|---|---|---|---|{}\n",
            "---:|".repeat(PREDICT_AT.len())
        ));
        for row in &self.rows {
            md.push_str(&format!(
                "| {} | {} | {} | {} | {} |\n",
                row.group,
                row.strategy,
                md_cell(&Self::serial_fraction_cell(row)),
                Self::measured_cell(row),
                Self::prediction_cells(row).join(" | ")
            ));
        }
        md
    }

    fn json(&self, _page: &Page) -> Vec<(&'static str, serde_json::Value)> {
        let rows: Vec<serde_json::Value> = self
            .rows
            .iter()
            .map(|row| {
                json!({
                    "group": row.group.to_string(),
                    "strategy": row.strategy,
                    "fitted_up_to_workers": row.fitted_up_to,
                    "measured": row.measured().into_iter().map(|(workers, speedup)| json!({
                        "workers": workers,
                        "speedup": speedup,
                        "fitted": workers <= row.fitted_up_to,
                    })).collect::<Vec<_>>(),
                    "fit": row.fit.as_ref().ok().map(|f| json!({
                        "serial_fraction": f.fit.estimate,
                        "serial_fraction_range": { "lower": f.fit.lower, "upper": f.fit.upper },
                        "standard_error": f.fit.standard_error,
                        "points": f.fit.points,
                        "worker_counts": f.fit.worker_counts,
                        "precision": f.fit.precision,
                        "predictions": f.predictions.iter().map(|p| {
                            let mut value = serde_json::to_value(p).expect("a prediction serializes");
                            value["label"] = json!(p.label(f.fit.worker_counts));
                            value
                        }).collect::<Vec<_>>(),
                        "workers_to_pin_down_64_cores": f.fit.workers_to_pin_down(HEADLINE_CORES),
                        "what_is_missing": what_is_missing(row, f),
                    })),
                    "fit_error": row.fit.as_ref().err().map(|e| json!({
                        "kind": e.kind(),
                        "reason": e.to_string(),
                    })),
                    "noisy": row.noisy(),
                })
            })
            .collect();
        vec![("amdahl", serde_json::Value::Array(rows))]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::amdahl::{NoFit, Prediction};
    use crate::bench_id::BenchFunction::{AsyncMulti, Gil, ProcessPoolWarm, Rayon};
    use crate::criterion_data::Measurement;
    use crate::report::testdata::measurement;

    const G: Group = Group::HashWorkers {
        bytes: 1 << 20,
        tasks: 8,
    };

    fn m(strategy: BenchFunction, workers: u64, ns: f64) -> Measurement {
        measurement(G, strategy, workers, ns, 0.02)
    }

    fn rows(data: &[Measurement], cores: usize) -> Vec<AmdahlRow> {
        amdahl_rows(&[&GroupAnalysis::new(G, data)], cores)
    }

    /// Times of a job with serial fraction `s` at each worker count.
    /// on a machine with `cores` cores (more workers than cores share them: no faster).
    fn amdahl_times(
        strategy: BenchFunction,
        s: f64,
        workers: &[u64],
        cores: u64,
    ) -> Vec<Measurement> {
        workers
            .iter()
            .map(|&n| m(strategy, n, 16e6 / amdahl::speedup(s, n.min(cores) as f64)))
            .collect()
    }

    #[test]
    fn a_faster_than_linear_speedup_gets_no_fit() {
        // One worker 22.7 ms, two workers 8.4 ms: ×2.7 on 2 workers.
        let data = [m(ProcessPoolWarm, 1, 22.7e6), m(ProcessPoolWarm, 2, 8.4e6)];
        let rows = rows(&data, 2);
        let reason = rows[0].fit.as_ref().unwrap_err();
        assert!(
            matches!(reason, RowNoFit::Law(NoFit::FasterThanLinear { .. })),
            "{reason}"
        );
        assert!(sentence(&rows[0]).contains("not a serial baseline"));
        // ×3.1 on 4 workers of a 2-core machine: above the cores.
        let data = [
            m(ProcessPoolWarm, 1, 16e6),
            m(ProcessPoolWarm, 2, 8.4e6),
            m(ProcessPoolWarm, 4, 5.16e6),
        ];
        let reason = rows_of(&data, 2);
        assert_eq!(reason, Some("above-cores"));
    }

    fn rows_of(data: &[Measurement], cores: usize) -> Option<&'static str> {
        rows(data, cores)[0].fit.as_ref().err().map(RowNoFit::kind)
    }

    #[test]
    fn a_range_spanning_the_whole_law_says_the_data_allow_anything() {
        // ×0.97 on 2 workers with a ±60 % interval: s fits above 1, its range is all of [0, 1].
        let data = [
            m(ProcessPoolWarm, 1, 16e6),
            measurement(G, ProcessPoolWarm, 2, 16.5e6, 0.6),
        ];
        let rows = rows(&data, 2);
        let fitted = rows[0].fit.as_ref().unwrap();
        assert!(fitted.fit.estimate > 1.0, "{fitted:?}");
        assert_eq!((fitted.fit.lower, fitted.fit.upper), (0.0, 1.0));
        let sentence = sentence(&rows[0]);
        assert!(
            sentence.contains("the data allow anything from perfect scaling to none"),
            "{sentence}"
        );
        assert!(sentence.contains("≥ 1 (fit"), "{sentence}");
        assert!(!sentence.contains("×?"), "{sentence}");
    }

    #[test]
    fn at_the_ideal_within_noise_gives_a_range_not_a_number() {
        // ×2.03 on 2 workers: the ideal within the run-to-run interval.
        let data = [m(AsyncMulti, 1, 16e6), m(AsyncMulti, 2, 7.9e6)];
        let rows = rows(&data, 2);
        let fitted = rows[0].fit.as_ref().unwrap();
        assert_eq!(fitted.fit.lower, 0.0);
        assert!(fitted.fit.upper > 0.0, "never zero width: {fitted:?}");
        let at64 = fitted.predictions[2];
        let (low, high) = at64.range();
        assert!(matches!(at64, Prediction::Unpinned { .. }), "{at64:?}");
        assert!(high > 2.0 * low && high <= 64.0, "{at64:?}");
        let sentence = sentence(&rows[0]);
        assert!(sentence.contains("cannot pin it down"), "{sentence}");
        assert!(
            sentence.contains("Only the 2-worker point exists on this 2-core machine"),
            "{sentence}"
        );
        assert!(
            sentence.contains("would need a measurement on"),
            "{sentence}"
        );
    }

    #[test]
    fn fits_known_serial_fractions_on_points_up_to_the_cores() {
        let mut data = amdahl_times(Rayon, 0.05, &[1, 2, 4, 8], 4);
        data.extend(amdahl_times(Gil, 1.0, &[1, 2, 4, 8], 4));
        let rows = rows(&data, 4);
        let rayon = rows.iter().find(|r| r.strategy == Rayon).unwrap();
        let fitted = rayon.fit.as_ref().unwrap();
        assert!((fitted.fit.estimate - 0.05).abs() < 1e-9, "{fitted:?}");
        assert_eq!(
            fitted.fit.points, 2,
            "2 and 4 workers; 8 is beyond the cores"
        );
        assert!(
            fitted.fit.lower < 0.05 && fitted.fit.upper > 0.05,
            "{fitted:?}"
        );
        let (low, high) = fitted.predictions[2].range();
        assert!(low < amdahl::speedup(0.05, 64.0) && amdahl::speedup(0.05, 64.0) < high);
        assert_eq!(rayon.measured().len(), 4);
        let gil = rows.iter().find(|r| r.strategy == Gil).unwrap();
        let fitted = gil.fit.as_ref().unwrap();
        assert!((fitted.fit.estimate - 1.0).abs() < 1e-9);
        let Prediction::Estimate { speedup, .. } = fitted.predictions[2] else {
            panic!("{:?}", fitted.predictions[2]);
        };
        assert!((speedup - 1.0).abs() < 1e-9);
        assert!(
            sentence(gil).contains("extra cores buy"),
            "{}",
            sentence(gil)
        );
    }

    #[test]
    fn a_fit_without_enough_points_says_why() {
        let rows1 = rows(&amdahl_times(Rayon, 0.05, &[2, 4], 2), 2);
        let reason = rows1[0].fit.as_ref().unwrap_err();
        assert_eq!(*reason, RowNoFit::NoOneWorkerPoint);
        assert!(
            reason
                .to_string()
                .contains("1-worker time was not measured")
        );
        let rows2 = rows(&amdahl_times(Rayon, 0.05, &[1, 4], 2), 2);
        let reason = rows2[0].fit.as_ref().unwrap_err();
        assert_eq!(reason.kind(), "no-parallel-point");
        assert!(sentence(&rows2[0]).contains("no Amdahl fit for rayon"));
    }

    #[test]
    fn the_chart_is_scaled_to_the_measured_points() {
        let data = amdahl_times(Rayon, 0.05, &[1, 2, 4], 2);
        let section = AmdahlSection {
            groups: vec![GroupAnalysis::new(G, &data)],
            rows: rows(&data, 2),
            cores: 2,
        };
        let chart = section.chart(&section.groups[0]).unwrap();
        let fit_end = chart.lines[0].points.last().unwrap();
        assert_eq!(
            fit_end.0, 16.0,
            "the fit runs two doublings beyond 4 workers"
        );
        assert!(fit_end.1 > 8.0, "{fit_end:?}");
        // The y axis stays near the measured speedups (×1.90 at 2 and 4 workers), not ×8.
        let (_, top) = charts::y_range(&chart);
        assert!(top > 1.9 && top < 3.0, "{top}");
        let svg = charts::draw(&chart).unwrap();
        assert!(svg.contains("rayon fit"));
    }
}
