//! Draws the report's charts as inline SVG with plotters' SVG backend (text as `<text>`
//! elements, so no font files are needed): speedup against the swept value with the ideal line
//! (or, for mixed tasks, the all-waiting and all-computing references), measured speedups with
//! their Amdahl curves, and time against the swept value (the break-even sweep, the overhead
//! benches, the waits sweep).
//!
//! Error bars are Criterion's confidence intervals. Task counts, sizes and workers use a log2
//! x axis; a swept percentage (the mixed groups) a linear one.

use plotters::coord::ranged1d::{AsRangedCoord, ValueFormatter};
use plotters::prelude::*;

use crate::amdahl;
use crate::bench_id::Group;
use crate::units;

use super::Interval;
use super::analysis::{
    Baseline, GroupAnalysis, SEQUENTIAL, STRATEGY_ORDER, ideal_speedup, mixed_references,
};
use super::findings::ideal_label;
use super::scaling::{AmdahlRow, PREDICT_AT};
use super::time_label;

const SIZE: (u32, u32) = (720, 400);
const FONT: &str = "sans-serif";

/// One line of a chart: a strategy's points with intervals.
struct Series {
    name: String,
    color: RGBColor,
    points: Vec<(f64, Interval)>,
}

/// A dashed line drawn under the series: an ideal, a reference or a fitted curve.
struct Reference {
    name: String,
    color: RGBColor,
    points: Vec<(f64, f64)>,
}

const GREY: RGBColor = RGBColor(0x99, 0x99, 0x99);
const DARK_GREY: RGBColor = RGBColor(0x55, 0x55, 0x55);

/// What a chart plots on its y axis.
#[derive(Clone, Copy, PartialEq)]
enum YAxis {
    /// Speedup, linear from 0.
    Speedup,
    /// Time in ns, log scale.
    Time,
}

/// A fixed colour per strategy, the same in every chart.
fn color(strategy: &str, unknown_index: usize) -> RGBColor {
    const PALETTE: [RGBColor; 12] = [
        RGBColor(0x44, 0x44, 0x44),
        RGBColor(0x1f, 0x77, 0xb4),
        RGBColor(0xd6, 0x27, 0x28),
        RGBColor(0xff, 0x7f, 0x0e),
        RGBColor(0x2c, 0xa0, 0x2c),
        RGBColor(0x94, 0x67, 0xbd),
        RGBColor(0x8c, 0x56, 0x4b),
        RGBColor(0xe3, 0x77, 0xc2),
        RGBColor(0x17, 0xbe, 0xcf),
        RGBColor(0xbc, 0xbd, 0x22),
        RGBColor(0x7f, 0x7f, 0x7f),
        RGBColor(0x00, 0x00, 0x80),
    ];
    let index = STRATEGY_ORDER
        .iter()
        .position(|s| *s == strategy)
        .unwrap_or(STRATEGY_ORDER.len() + unknown_index);
    PALETTE[index % PALETTE.len()]
}

/// The speedup chart of a group compared with a baseline; `None` if it has no speedups.
pub fn speedup_chart(
    group: &GroupAnalysis,
    logical_cores: usize,
) -> Option<Result<String, String>> {
    if group.baseline == Baseline::None {
        return None;
    }
    let series = collect(group, |p| {
        (p.strategy() != SEQUENTIAL)
            .then(|| p.comparison.speedup())
            .flatten()
    });
    if series.is_empty() {
        return None;
    }
    let values = group.values();
    let ideal: Vec<(f64, f64)> = values
        .iter()
        .filter_map(|&v| ideal_speedup(&group.group, v, logical_cores).map(|i| (v as f64, i)))
        .collect();
    let mut references = Vec::new();
    if !ideal.is_empty() {
        references.push(Reference {
            name: "ideal".to_string(),
            color: GREY,
            points: ideal,
        });
    }
    if let Some((all_waiting, all_computing)) = mixed_references(&group.group, logical_cores) {
        let (first, last) = (values[0] as f64, values[values.len() - 1] as f64);
        for (value, meaning, color) in [
            (all_waiting, "all waiting", GREY),
            (all_computing, "all computing", DARK_GREY),
        ] {
            references.push(Reference {
                name: format!("×{} {meaning}", ideal_label(value)),
                color,
                points: vec![(first, value), (last, value)],
            });
        }
    }
    let baseline = match group.baseline {
        Baseline::OwnOneWorker => "its own 1-worker time",
        _ => "sequential",
    };
    let title = format!("{}: speedup over {baseline}", group.group);
    Some(draw(group, &title, YAxis::Speedup, &series, &references))
}

/// The Amdahl chart of a `hash-workers-*` group: each strategy's measured speedups over its
/// own 1-worker time (the 1-worker point at exactly ×1) and its fitted curve, dashed, out to
/// the largest of [`PREDICT_AT`] workers; `None` without any measured speedup.
pub fn amdahl_chart(group: &GroupAnalysis, rows: &[AmdahlRow]) -> Option<Result<String, String>> {
    let rows: Vec<&AmdahlRow> = rows.iter().filter(|r| r.group == group.group).collect();
    let mut unknown = 0;
    let mut series = Vec::new();
    let mut curves = Vec::new();
    let top = PREDICT_AT.iter().copied().max().unwrap_or(1) as f64;
    for row in rows {
        if !STRATEGY_ORDER.contains(&row.strategy.as_str()) {
            unknown += 1;
        }
        let color = color(&row.strategy, unknown);
        let points: Vec<(f64, Interval)> = row
            .measured()
            .into_iter()
            .map(|(n, s)| (n as f64, s))
            .collect();
        if points.is_empty() {
            continue;
        }
        series.push(Series {
            name: row.strategy.clone(),
            color,
            points,
        });
        if let Ok(fitted) = &row.fit {
            // Quarter powers of two from 1 to the top: a smooth curve on the log2 axis.
            let steps = (top.log2() * 4.0).round() as i32;
            curves.push(Reference {
                name: format!("{} fit", row.strategy),
                color,
                points: (0..=steps)
                    .map(|k| {
                        let n = 2f64.powf(f64::from(k) / 4.0);
                        (n, amdahl::speedup(fitted.fit.serial_fraction, n))
                    })
                    .collect(),
            });
        }
    }
    if series.is_empty() {
        return None;
    }
    let title = format!("{}: measured and Amdahl-fitted speedup", group.group);
    Some(draw(group, &title, YAxis::Speedup, &series, &curves))
}

/// The time chart of a group (the break-even sweep, the overhead benches).
pub fn time_chart(group: &GroupAnalysis) -> Option<Result<String, String>> {
    let series = collect(group, |p| Some(p.measurement.mean_ns));
    if series.is_empty() {
        return None;
    }
    let title = format!("{}: time per iteration", group.group);
    Some(draw(group, &title, YAxis::Time, &series, &[]))
}

fn collect(
    group: &GroupAnalysis,
    y: impl Fn(&super::analysis::Point) -> Option<Interval>,
) -> Vec<Series> {
    let mut unknown = 0;
    group
        .strategies()
        .into_iter()
        .filter_map(|name| {
            let points: Vec<(f64, Interval)> = group
                .points_of(name)
                .filter_map(|p| y(p).map(|i| (p.value() as f64, i)))
                .collect();
            if !STRATEGY_ORDER.contains(&name) {
                unknown += 1;
            }
            (!points.is_empty()).then(|| Series {
                name: name.to_string(),
                color: color(name, unknown),
                points,
            })
        })
        .collect()
}

fn x_label(group: &Group, x: f64) -> String {
    match group {
        Group::HashSize { .. } => units::bytes_label(x.round() as u64),
        _ => format!("{}", x.round() as u64),
    }
}

fn draw(
    group: &GroupAnalysis,
    title: &str,
    y_axis: YAxis,
    series: &[Series],
    references: &[Reference],
) -> Result<String, String> {
    let reference_points = || references.iter().flat_map(|r| r.points.iter());
    let xs = series
        .iter()
        .flat_map(|s| s.points.iter().map(|p| p.0))
        .chain(reference_points().map(|p| p.0));
    let (x_min, x_max) = bounds(xs);
    let ys = series
        .iter()
        .flat_map(|s| s.points.iter().flat_map(|p| [p.1.lower, p.1.upper]))
        .chain(reference_points().map(|p| p.1));
    let (y_min, y_max) = bounds(ys);
    let mut svg = String::new();
    {
        let log_x = x_min >= 1.0;
        let x_range = if x_max > x_min {
            x_min..x_max
        } else {
            x_min * 0.5..x_max * 2.0 + 1.0
        };
        let result = match (log_x, y_axis) {
            (true, YAxis::Speedup) => plot(
                &mut svg,
                group,
                title,
                x_range.log_scale().base(2.0),
                0.0..y_max * 1.1,
                y_axis,
                series,
                references,
            ),
            (true, YAxis::Time) => plot(
                &mut svg,
                group,
                title,
                x_range.log_scale().base(2.0),
                (y_min * 0.8..y_max * 1.25).log_scale(),
                y_axis,
                series,
                references,
            ),
            (false, YAxis::Speedup) => plot(
                &mut svg,
                group,
                title,
                x_range,
                0.0..y_max * 1.1,
                y_axis,
                series,
                references,
            ),
            (false, YAxis::Time) => plot(
                &mut svg,
                group,
                title,
                x_range,
                (y_min * 0.8..y_max * 1.25).log_scale(),
                y_axis,
                series,
                references,
            ),
        };
        result?;
    }
    Ok(svg)
}

fn bounds(values: impl Iterator<Item = f64>) -> (f64, f64) {
    values
        .filter(|v| v.is_finite())
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
            (lo.min(v), hi.max(v))
        })
}

#[allow(clippy::too_many_arguments)]
fn plot<X, Y>(
    svg: &mut String,
    group: &GroupAnalysis,
    title: &str,
    x_spec: X,
    y_spec: Y,
    y_axis: YAxis,
    series: &[Series],
    references: &[Reference],
) -> Result<(), String>
where
    X: AsRangedCoord<Value = f64>,
    Y: AsRangedCoord<Value = f64>,
    X::CoordDescType: ValueFormatter<f64>,
    Y::CoordDescType: ValueFormatter<f64>,
{
    let err = |e: &dyn std::fmt::Display| format!("cannot draw the chart {title}: {e}");
    let root = SVGBackend::with_string(svg, SIZE).into_drawing_area();
    root.fill(&WHITE).map_err(|e| err(&e))?;
    let mut chart = ChartBuilder::on(&root)
        .caption(title, (FONT, 22))
        .margin(12)
        .x_label_area_size(40)
        .y_label_area_size(70)
        .build_cartesian_2d(x_spec, y_spec)
        .map_err(|e| err(&e))?;
    let g = group.group;
    let y_desc = match y_axis {
        YAxis::Speedup => "speedup (×)".to_string(),
        YAxis::Time => "time per iteration".to_string(),
    };
    chart
        .configure_mesh()
        .x_desc(g.value_meaning())
        .y_desc(y_desc)
        .x_label_formatter(&|x| x_label(&g, *x))
        .y_label_formatter(&|y| match y_axis {
            YAxis::Speedup => super::analysis::factor(*y),
            YAxis::Time => time_label(*y),
        })
        .label_style((FONT, 15))
        .axis_desc_style((FONT, 16))
        .draw()
        .map_err(|e| err(&e))?;
    for reference in references {
        let color = reference.color;
        chart
            .draw_series(DashedLineSeries::new(
                reference.points.iter().copied(),
                6,
                4,
                color.stroke_width(2),
            ))
            .map_err(|e| err(&e))?
            .label(reference.name.as_str())
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], color));
    }
    for s in series {
        let color = s.color;
        chart
            .draw_series(LineSeries::new(
                s.points.iter().map(|(x, i)| (*x, i.point)),
                color.stroke_width(2),
            ))
            .map_err(|e| err(&e))?
            .label(s.name.as_str())
            .legend(move |(x, y)| {
                PathElement::new(vec![(x, y), (x + 20, y)], color.stroke_width(2))
            });
        chart
            .draw_series(s.points.iter().map(|(x, i)| {
                ErrorBar::new_vertical(*x, i.lower, i.point, i.upper, color.filled(), 6)
            }))
            .map_err(|e| err(&e))?;
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperLeft)
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK)
        .label_font((FONT, 15))
        .draw()
        .map_err(|e| err(&e))?;
    root.present().map_err(|e| err(&e))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::criterion_data::Measurement;
    use std::time::Duration;

    fn m(group: Group, strategy: &str, value: u64, ns: f64) -> Measurement {
        crate::report::testdata::measurement(group, strategy, value, ns, 0.02)
    }

    /// The texts of an SVG's `<text>` elements, trimmed.
    fn texts(svg: &str) -> Vec<String> {
        svg.split("<text")
            .skip(1)
            .filter_map(|t| {
                let body = t.split_once('>')?.1;
                Some(body.split_once("</text>")?.0.trim().to_string())
            })
            .collect()
    }

    #[test]
    fn speedup_chart_is_svg_with_axis_labels_and_legend() {
        let g = Group::Sleep {
            duration: Duration::from_millis(10),
        };
        let data: Vec<Measurement> = [1u64, 4, 64]
            .iter()
            .flat_map(|&n| {
                [
                    m(g, "sequential", n, n as f64 * 1e7),
                    m(g, "threads", n, 1e7),
                    m(g, "rayon", n, n as f64 * 1e7 / (n.min(2) as f64)),
                ]
            })
            .collect();
        let svg = speedup_chart(&GroupAnalysis::new(g, &data), 2)
            .unwrap()
            .unwrap();
        assert!(svg.starts_with("<svg"), "{}", &svg[..40]);
        let texts = texts(&svg);
        for text in ["tasks", "speedup (×)", "threads", "rayon", "ideal", "64"] {
            assert!(
                texts.iter().any(|t| t == text),
                "missing {text} in {texts:?}"
            );
        }
        assert!(
            !texts.iter().any(|t| t == "sequential"),
            "the baseline is not a line"
        );
    }

    #[test]
    fn time_chart_handles_a_single_point() {
        let g = Group::HashSize { tasks: 4 };
        let data = [m(g, "sequential", 1024, 5e3)];
        let svg = time_chart(&GroupAnalysis::new(g, &data)).unwrap().unwrap();
        let texts = texts(&svg);
        assert!(texts.iter().any(|t| t == "bytes per task"), "{texts:?}");
        assert!(texts.iter().any(|t| t == "sequential"), "{texts:?}");
    }

    #[test]
    fn groups_without_speedups_have_no_speedup_chart() {
        let data = [m(Group::Overhead, "threads", 4, 5e4)];
        assert!(speedup_chart(&GroupAnalysis::new(Group::Overhead, &data), 2).is_none());
    }
}
