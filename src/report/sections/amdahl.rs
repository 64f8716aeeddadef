//! Amdahl's law fitted to the worker-count sweeps (`hash-workers-*`): each strategy's serial
//! fraction, from its speedups over its own 1-worker time, and the speedups that predicts on
//! machines with more cores than this one.
//!
//! Only points with at most as many workers as logical cores enter the fit: beyond that the
//! workers share the cores, a plateau Amdahl's law does not model. The uncertainty is given
//! twice, because with one point above one worker (a 2-core machine) the least-squares standard
//! error is 0: the standard error, and the range from fitting the speedup intervals' bounds.
//! The 1-worker point (×1 by definition) enters the fit only when it is needed as a second point.
//! The chart is scaled to the measured points; the fitted curves run on, lighter, beyond them.

use maud::{Markup, html};
use serde::Serialize;
use serde_json::json;

use crate::amdahl::{self, AmdahlFit};
use crate::bench_id::{BenchFunction, Group};

use super::super::analysis::{Comparison, GroupAnalysis, Point};
use super::super::blocks::{
    Page, figure, findings, findings_markdown, group_anchor, md_cell, scroll, strategy_link,
};
use super::super::charts::{self, Chart, Line, LineKind, Series, YAxis};
use super::super::criterion_data::Interval;
use super::super::data::RunData;
use super::super::format;
use super::Section;

const ID: &str = "amdahl";

/// The core counts the report predicts speedups for.
pub const PREDICT_AT: &[u64] = &[8, 16, 64];

/// A serial fraction at least this large reads as "extra cores buy nothing".
pub const MOSTLY_SERIAL: f64 = 0.9;

/// A speedup whose whole interval lies this far above the worker count is called faster than
/// linear: no Amdahl fit is made for it.
pub const SUPERLINEAR_MARGIN: f64 = 1.05;

/// How many doublings beyond the largest measured worker count the chart draws the fits.
const CHART_DOUBLINGS_BEYOND: f64 = 2.0;

/// A predicted speedup with the range the serial-fraction range gives.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct ScalingPrediction {
    /// Workers (cores) the prediction is for.
    pub workers: u64,
    /// The speedup at the fitted serial fraction.
    pub speedup: f64,
    /// The speedup at the pessimistic serial fraction (fitted on the lower bounds).
    pub low: f64,
    /// The speedup at the optimistic serial fraction (fitted on the upper bounds).
    pub high: f64,
}

/// A successful fit with its uncertainty and predictions.
#[derive(Clone, Debug, PartialEq)]
pub struct Fitted {
    /// The least-squares fit on the speedups' point estimates.
    pub fit: AmdahlFit,
    /// The serial fraction fitted on every speedup's lower bound (the most serial reading).
    pub pessimistic: f64,
    /// The serial fraction fitted on every speedup's upper bound (the least serial reading).
    pub optimistic: f64,
    /// Predicted speedups at [`PREDICT_AT`] cores.
    pub predictions: Vec<ScalingPrediction>,
}

impl Fitted {
    /// The predicted speedup on `workers` workers, with its range.
    pub fn predict(&self, workers: u64) -> ScalingPrediction {
        let n = workers as f64;
        ScalingPrediction {
            workers,
            speedup: amdahl::speedup(self.fit.serial_fraction, n),
            low: amdahl::speedup(self.pessimistic, n),
            high: amdahl::speedup(self.optimistic, n),
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
    pub fit: Result<Fitted, String>,
}

impl AmdahlRow {
    /// The measured `(workers, speedup)` pairs, the 1-worker baseline as exactly 1.
    pub fn measured(&self) -> Vec<(u64, Interval)> {
        self.points
            .iter()
            .filter_map(|p| measured_speedup(p).map(|s| (p.value(), s)))
            .collect()
    }
}

/// A point's speedup over the strategy's own 1-worker time; exactly 1 for that point itself.
fn measured_speedup(p: &Point) -> Option<Interval> {
    match p.comparison {
        Comparison::Speedup(s) => Some(s),
        Comparison::IsBaseline => Some(Interval::exact(1.0)),
        _ => None,
    }
}

/// One row per strategy of the groups, fitted on the points with at most `logical_cores`
/// workers.
pub fn amdahl_rows(groups: &[&GroupAnalysis], logical_cores: usize) -> Vec<AmdahlRow> {
    let cores = logical_cores.max(1) as u64;
    let mut rows = Vec::new();
    for g in groups {
        for strategy in g.strategies() {
            let points: Vec<Point> = g.points_of(strategy).cloned().collect();
            let fit = fit_points(&points, cores);
            rows.push(AmdahlRow {
                group: g.group,
                strategy,
                points,
                fitted_up_to: cores,
                fit,
            });
        }
    }
    rows
}

fn fit_points(points: &[Point], cores: u64) -> Result<Fitted, String> {
    if !points.iter().any(|p| p.value() == 1) {
        return Err("its 1-worker time was not measured, so it has no speedups".to_string());
    }
    let mut estimates = Vec::new();
    let mut lowers = Vec::new();
    let mut uppers = Vec::new();
    for p in points.iter().filter(|p| p.value() <= cores) {
        if let Some(s) = measured_speedup(p) {
            let n = p.value() as f64;
            estimates.push((n, s.point));
            lowers.push((n, s.lower));
            uppers.push((n, s.upper));
        }
    }
    // The 1-worker point is ×1 by definition, not a measurement of s: it would only add a
    // degree of freedom and shrink the standard error. It stays in only when the fit needs a
    // second point.
    if estimates.iter().filter(|(n, _)| *n > 1.0).count() >= 2 {
        for points in [&mut estimates, &mut lowers, &mut uppers] {
            points.retain(|(n, _)| *n > 1.0);
        }
    }
    // Faster than linear (e.g. a one-worker process pool that waits on its pipe while two
    // workers overlap that wait): Amdahl's law has no serial fraction for it, and clamping s to
    // 0 would predict perfect scaling from a measurement that says something else.
    for p in points
        .iter()
        .filter(|p| p.value() > 1 && p.value() <= cores)
    {
        if let Some(s) = measured_speedup(p) {
            let n = p.value() as f64;
            if s.lower > n * SUPERLINEAR_MARGIN {
                return Err(format!(
                    "on {n} workers it is {} faster than on one, more than {n}×: \
                     its one-worker run is slowed by something more workers hide, which \
                     Amdahl's law does not describe, so no serial fraction or prediction is given",
                    format::speedup(&s)
                ));
            }
        }
    }
    let reason = |e: amdahl::FitError| {
        format!(
            "{} measured point(s) with at most {cores} workers; the {e}",
            estimates.len()
        )
    };
    let fit = amdahl::fit(&estimates).map_err(reason)?;
    let pessimistic = amdahl::fit(&lowers).map_err(reason)?.serial_fraction;
    let optimistic = amdahl::fit(&uppers).map_err(reason)?.serial_fraction;
    let mut fitted = Fitted {
        fit,
        pessimistic,
        optimistic,
        predictions: Vec::new(),
    };
    fitted.predictions = PREDICT_AT.iter().map(|&n| fitted.predict(n)).collect();
    Ok(fitted)
}

/// The fitted serial fraction of one strategy and what it predicts, or why there is no fit.
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
    let s = fitted.fit.serial_fraction;
    let predictions: Vec<String> = fitted
        .predictions
        .iter()
        .map(|p| format!("{} on {}", prediction(p), p.workers))
        .collect();
    let meaning = if s >= MOSTLY_SERIAL {
        "extra cores buy nothing".to_string()
    } else if s > 0.0 {
        format!("at most {} on any number of cores", format::times(1.0 / s))
    } else {
        "no serial part measured: it scales with the cores".to_string()
    };
    format!(
        "{}: {} fitted serial fraction {} on 1 to {} workers: {meaning}; predicted {} cores.",
        row.group,
        row.strategy,
        format::fraction_range_short(s, fitted.optimistic, fitted.pessimistic),
        row.fitted_up_to,
        predictions.join(", ")
    )
}

/// A prediction with its range: `×15.4 [12.1, 19.0]`.
fn prediction(p: &ScalingPrediction) -> String {
    format::speedup(&Interval {
        point: p.speedup,
        lower: p.low,
        upper: p.high,
    })
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
             workers, all hashing the same tasks. Amdahl's law S(W) = 1 / (s + (1 − s) / W) is \
             fitted (least squares on 1/S − 1/W = s (1 − 1/W)) to the points with at most {cores} \
             workers, the logical cores: beyond them workers share cores, a plateau Amdahl's law \
             does not model, so those points are shown but not fitted. The range of s is the fit \
             on every speedup's lower bound (pessimistic) and on every upper bound (optimistic); \
             SE is the fit's standard error, 0 when only one point has more than one worker. \
             Predictions on {} cores use the fitted s, with the range from that range of s; they \
             assume those cores behave like these. The chart is scaled to the measured points; \
             the fitted curves continue, lighter, where nothing was measured.",
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
                            (n, amdahl::speedup(fitted.fit.serial_fraction, n))
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
                format::fraction_range(f.fit.serial_fraction, f.optimistic, f.pessimistic),
                format::fraction(f.fit.standard_error)
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
                    format!("{n}{beyond}: {}", format::speedup(s))
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
            .map(|&n| match &row.fit {
                Ok(f) => prediction(&f.predict(n)),
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
                        "serial_fraction": f.fit.serial_fraction,
                        "standard_error": f.fit.standard_error,
                        "points": f.fit.points,
                        "serial_fraction_range": {
                            "optimistic": f.optimistic,
                            "pessimistic": f.pessimistic,
                        },
                        "predictions": f.predictions,
                    })),
                    "fit_error": row.fit.as_ref().err(),
                })
            })
            .collect();
        vec![("amdahl", serde_json::Value::Array(rows))]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bench_id::BenchFunction::{AsyncMulti, Gil, ProcessPoolWarm, Rayon};
    use crate::report::criterion_data::Measurement;
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
    fn amdahl_times(strategy: BenchFunction, s: f64, workers: &[u64]) -> Vec<Measurement> {
        workers
            .iter()
            .map(|&n| m(strategy, n, 16e6 / amdahl::speedup(s, n as f64)))
            .collect()
    }

    #[test]
    fn a_faster_than_linear_speedup_gets_no_fit() {
        // One worker 22.7 ms, two workers 8.4 ms: ×2.7 on 2 workers.
        let data = [m(ProcessPoolWarm, 1, 22.7e6), m(ProcessPoolWarm, 2, 8.4e6)];
        let rows = rows(&data, 2);
        let reason = rows[0].fit.as_ref().unwrap_err();
        assert!(reason.contains("more than 2×"), "{reason}");
        // Exactly linear within noise is still fitted (s = 0).
        let data = [m(AsyncMulti, 1, 16e6), m(AsyncMulti, 2, 7.9e6)];
        let rows = amdahl_rows(&[&GroupAnalysis::new(G, &data)], 2);
        assert_eq!(rows[0].fit.as_ref().unwrap().fit.serial_fraction, 0.0);
    }

    #[test]
    fn fits_known_serial_fractions_on_points_up_to_the_cores() {
        let mut data = amdahl_times(Rayon, 0.05, &[1, 2, 4, 8]);
        data.extend(amdahl_times(Gil, 1.0, &[1, 2, 4, 8]));
        let rows = rows(&data, 4);
        let rayon = rows.iter().find(|r| r.strategy == Rayon).unwrap();
        let fitted = rayon.fit.as_ref().unwrap();
        assert!(
            (fitted.fit.serial_fraction - 0.05).abs() < 1e-9,
            "{fitted:?}"
        );
        assert_eq!(
            fitted.fit.points, 2,
            "2 and 4 workers; 8 is beyond the cores"
        );
        assert!(
            fitted.pessimistic > 0.05 && fitted.optimistic < 0.05,
            "{fitted:?}"
        );
        let at64 = fitted.predictions.iter().find(|p| p.workers == 64).unwrap();
        assert!((at64.speedup - amdahl::speedup(0.05, 64.0)).abs() < 1e-6);
        assert!(
            at64.low < at64.speedup && at64.speedup < at64.high,
            "{at64:?}"
        );
        assert_eq!(rayon.measured().len(), 4);
        let gil = rows.iter().find(|r| r.strategy == Gil).unwrap();
        let fitted = gil.fit.as_ref().unwrap();
        assert!((fitted.fit.serial_fraction - 1.0).abs() < 1e-9);
        assert!((fitted.predictions[2].speedup - 1.0).abs() < 1e-9);
        assert!(sentence(gil).contains("extra cores buy nothing"));
    }

    #[test]
    fn a_fit_without_enough_points_says_why() {
        let rows1 = rows(&amdahl_times(Rayon, 0.05, &[2, 4]), 2);
        let reason = rows1[0].fit.as_ref().unwrap_err();
        assert!(
            reason.contains("1-worker time was not measured"),
            "{reason}"
        );
        let rows2 = rows(&amdahl_times(Rayon, 0.05, &[1, 4]), 2);
        let reason = rows2[0].fit.as_ref().unwrap_err();
        assert!(
            reason.contains("1 measured point(s) with at most 2 workers; the fit needs at least 2"),
            "{reason}"
        );
        assert!(sentence(&rows2[0]).contains("no Amdahl fit for rayon"));
    }

    #[test]
    fn the_chart_is_scaled_to_the_measured_points() {
        let data = amdahl_times(Rayon, 0.05, &[1, 2, 4]);
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
        assert!(fit_end.1 > 9.0, "{fit_end:?}");
        // The y axis stays near the measured speedups (×3.48 at 4 workers), not ×9.
        let (_, top) = charts::y_range(&chart);
        assert!(top > 3.48 && top < 4.5, "{top}");
        let svg = charts::draw(&chart).unwrap();
        assert!(svg.contains("rayon fit"));
    }
}
