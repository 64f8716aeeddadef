//! Draws the report's charts as inline SVG with plotters' SVG backend (text as `<text>`
//! elements, so no font files are needed).
//!
//! One look for every chart: each [`BenchFunction`] has one colour from the Okabe–Ito
//! colour-blind-safe palette and one marker ([`style`]), the same in every chart; the legend
//! sits in its own panel right of the plot, off the data; ideal and reference lines are
//! labelled on the line; the y axis turns logarithmic when the measured range exceeds
//! [`LOG_SCALE_ABOVE`]; and the axes are scaled to what was measured: reference lines and
//! extrapolations (drawn lighter) never set the scale, they are cut at its edge.
//!
//! Error bars are Criterion's confidence intervals. Task counts, sizes and workers use a log2
//! x axis; a swept percentage (the mixed groups) a linear one.

use plotters::coord::ranged1d::{AsRangedCoord, ValueFormatter};
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use crate::bench_id::{BenchFunction, Group};
use crate::costs::model::ScalingPoint;

use super::analysis::{
    Baseline, GroupAnalysis, Point, ideal_speedup, measured_ideal, mixed_references,
};
use super::format;
use crate::interval::Interval;

/// The whole SVG: plot and legend panel.
const SIZE: (u32, u32) = (760, 400);
/// The legend panel's width, right of the plot.
const LEGEND_WIDTH: u32 = 170;
const FONT: &str = "sans-serif";

/// A chart's y axis turns logarithmic when its largest measured value is more than this many
/// times its smallest.
pub const LOG_SCALE_ABOVE: f64 = 20.0;

/// The Okabe–Ito palette (Okabe & Ito 2008), safe for the common colour-vision deficiencies.
mod okabe_ito {
    use plotters::style::RGBColor;
    pub const BLACK: RGBColor = RGBColor(0x00, 0x00, 0x00);
    pub const ORANGE: RGBColor = RGBColor(0xE6, 0x9F, 0x00);
    pub const SKY_BLUE: RGBColor = RGBColor(0x56, 0xB4, 0xE9);
    pub const BLUISH_GREEN: RGBColor = RGBColor(0x00, 0x9E, 0x73);
    pub const YELLOW: RGBColor = RGBColor(0xF0, 0xE4, 0x42);
    pub const BLUE: RGBColor = RGBColor(0x00, 0x72, 0xB2);
    pub const VERMILLION: RGBColor = RGBColor(0xD5, 0x5E, 0x00);
    pub const REDDISH_PURPLE: RGBColor = RGBColor(0xCC, 0x79, 0xA7);
}

/// The grey of ideal and reference lines.
const REFERENCE: RGBColor = RGBColor(0x77, 0x77, 0x77);

/// The shape a strategy's points are drawn with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Marker {
    /// A filled circle.
    Circle,
    /// A filled triangle.
    Triangle,
    /// A filled square.
    Square,
    /// A filled diamond.
    Diamond,
    /// An upright cross.
    Cross,
}

/// The colour and marker of a strategy, the same in every chart; no two functions share both.
pub fn style(function: BenchFunction) -> (RGBColor, Marker) {
    use okabe_ito::*;
    match function {
        BenchFunction::Sequential => (BLACK, Marker::Circle),
        BenchFunction::Threads => (BLUE, Marker::Circle),
        BenchFunction::Rayon => (VERMILLION, Marker::Triangle),
        BenchFunction::RayonN => (VERMILLION, Marker::Cross),
        BenchFunction::Processes => (BLUISH_GREEN, Marker::Square),
        BenchFunction::ProcessPool => (REDDISH_PURPLE, Marker::Diamond),
        BenchFunction::ProcessPoolWarm => (REDDISH_PURPLE, Marker::Cross),
        BenchFunction::Gil => (ORANGE, Marker::Triangle),
        BenchFunction::Async => (SKY_BLUE, Marker::Square),
        BenchFunction::AsyncMulti => (SKY_BLUE, Marker::Diamond),
        BenchFunction::ThreadPool => (BLUE, Marker::Cross),
        BenchFunction::Asyncio => (SKY_BLUE, Marker::Circle),
        BenchFunction::AsyncioToThread => (YELLOW, Marker::Diamond),
        // Primitives are not strategies; a chart of them (bare threads) uses grey.
        BenchFunction::Primitive(_) => (RGBColor(0x99, 0x99, 0x99), Marker::Circle),
    }
}

/// One strategy's measured points with their intervals.
#[derive(Clone, Debug)]
pub struct Series {
    /// The strategy: its colour, marker and legend name.
    pub strategy: BenchFunction,
    /// `(x, y with interval)`, by x.
    pub points: Vec<(f64, Interval)>,
}

/// What a dashed line stands for.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum LineKind {
    /// An ideal or reference speedup, grey, labelled on the line.
    Reference,
    /// A second reference just under another (the measured ideal under the nominal one),
    /// grey, labelled under the line so the two labels do not overlap.
    ReferenceBelow,
    /// A strategy's fitted curve in its colour, named in the legend; beyond
    /// `measured_up_to` on the x axis it is an extrapolation, drawn lighter.
    Fit {
        /// The strategy it was fitted to.
        strategy: BenchFunction,
        /// The largest x the fit was measured at.
        measured_up_to: f64,
    },
}

/// A dashed line under the series; it never sets the chart's scale.
#[derive(Clone, Debug)]
pub struct Line {
    /// Its label: on the line for references, in the legend for fits.
    pub label: String,
    /// What it stands for.
    pub kind: LineKind,
    /// Its points, by x.
    pub points: Vec<(f64, f64)>,
}

/// What the y axis shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum YAxis {
    /// A speedup factor.
    Speedup,
    /// A time in nanoseconds.
    Time,
}

/// Everything one chart shows.
#[derive(Clone, Debug)]
pub struct Chart {
    /// The caption.
    pub title: String,
    /// The group, for the x axis's meaning and tick labels.
    pub group: Group,
    /// The y axis.
    pub y: YAxis,
    /// The measured series.
    pub series: Vec<Series>,
    /// Reference lines and fits.
    pub lines: Vec<Line>,
    /// How far right the x axis runs, if beyond the measured values (for extrapolations).
    pub x_max: Option<f64>,
}

/// A chart rendered to SVG, or why it could not be drawn.
pub type Rendered = Result<String, String>;

/// The speedup chart of a group compared with a baseline; `None` if it has no speedups.
pub fn speedup_chart(group: &GroupAnalysis, logical_cores: usize) -> Option<Rendered> {
    speedup_chart_with(group, logical_cores, &[])
}

/// [`speedup_chart`] with, for a hashing group and a run that measured the machine's raw
/// compute scaling, a second reference line beside the nominal ideal: the measured ideal, what
/// bare threads reach ([`measured_ideal`]), labelled with its value at the largest count.
pub fn speedup_chart_with(
    group: &GroupAnalysis,
    logical_cores: usize,
    raw_scaling: &[ScalingPoint],
) -> Option<Rendered> {
    if group.baseline == Baseline::None {
        return None;
    }
    let series = collect(group, |p| {
        (p.strategy() != BenchFunction::Sequential)
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
    let mut lines = Vec::new();
    if !ideal.is_empty() {
        lines.push(Line {
            label: "ideal".to_string(),
            kind: LineKind::Reference,
            points: ideal,
        });
    }
    if let Some(line) = measured_ideal_line(group, &values, logical_cores, raw_scaling) {
        lines.push(line);
    }
    if let Some((all_waiting, all_computing)) = mixed_references(&group.group, logical_cores) {
        let (first, last) = (values[0] as f64, values[values.len() - 1] as f64);
        for (value, meaning) in [
            (all_waiting, "all waiting"),
            (all_computing, "all computing"),
        ] {
            lines.push(Line {
                label: format!("{} {meaning}", format::ideal(value)),
                kind: LineKind::Reference,
                points: vec![(first, value), (last, value)],
            });
        }
    }
    let baseline = match group.baseline {
        Baseline::OwnOneWorker => "its own 1-worker time",
        _ => BenchFunction::Sequential.name(),
    };
    Some(draw(&Chart {
        title: format!("{}: speedup over {baseline}", group.group),
        group: group.group,
        y: YAxis::Speedup,
        series,
        lines,
        x_max: None,
    }))
}

/// The measured-ideal line over `values`: ×1 where the nominal ideal is one thread, the raw
/// scaling where its thread count was measured; `None` unless some count above one was.
fn measured_ideal_line(
    group: &GroupAnalysis,
    values: &[u64],
    logical_cores: usize,
    raw_scaling: &[ScalingPoint],
) -> Option<Line> {
    let mut points = Vec::new();
    let mut last = None;
    for &v in values {
        if let Some(s) = measured_ideal(&group.group, v, logical_cores, raw_scaling) {
            points.push((v as f64, s.point));
            last = Some(s);
        } else if ideal_speedup(&group.group, v, logical_cores) == Some(1.0) {
            points.push((v as f64, 1.0));
        }
    }
    let last = last?;
    Some(Line {
        label: format!(
            "measured ideal (bare threads) {}",
            format::speedup_point(&last)
        ),
        kind: LineKind::ReferenceBelow,
        points,
    })
}

/// The time chart of a group (the break-even sweep, the overhead benches, the waits sweep).
pub fn time_chart(group: &GroupAnalysis) -> Option<Rendered> {
    let series = collect(group, |p| Some(p.measurement.mean_ns));
    if series.is_empty() {
        return None;
    }
    Some(draw(&Chart {
        title: format!("{}: time per iteration", group.group),
        group: group.group,
        y: YAxis::Time,
        series,
        lines: Vec::new(),
        x_max: None,
    }))
}

/// One series per strategy of the group, with the y value `y` picks (strategies without any
/// are left out).
pub fn collect(group: &GroupAnalysis, y: impl Fn(&Point) -> Option<Interval>) -> Vec<Series> {
    group
        .strategies()
        .into_iter()
        .filter_map(|strategy| {
            let points: Vec<(f64, Interval)> = group
                .points_of(strategy)
                .filter_map(|p| y(p).map(|i| (p.value() as f64, i)))
                .collect();
            (!points.is_empty()).then_some(Series { strategy, points })
        })
        .collect()
}

fn x_label(group: &Group, x: f64) -> String {
    let value = x.round() as u64;
    match group {
        Group::HashSize { .. } => format::bytes(value),
        _ => value.to_string(),
    }
}

/// The smallest and largest finite, positive value.
fn bounds(values: impl Iterator<Item = f64>) -> (f64, f64) {
    values
        .filter(|v| v.is_finite() && *v > 0.0)
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
            (lo.min(v), hi.max(v))
        })
}

/// The axes a chart is drawn on, chosen from the measured values alone.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Axes {
    x: (f64, f64),
    log_x: bool,
    y: (f64, f64),
    log_y: bool,
}

impl Axes {
    fn of(chart: &Chart) -> Axes {
        let measured = || chart.series.iter().flat_map(|s| s.points.iter());
        let (mut x_min, mut x_max) = bounds(measured().map(|p| p.0));
        let zero_x = measured().any(|p| p.0 == 0.0);
        if zero_x || !x_min.is_finite() {
            x_min = 0.0;
        }
        if let Some(extended) = chart.x_max {
            x_max = x_max.max(extended);
        }
        let log_x = x_min >= 1.0;
        let x = if x_max > x_min {
            (x_min, x_max)
        } else if log_x {
            (x_min / 2.0, x_max * 2.0)
        } else {
            (x_min - 1.0, x_max + 1.0)
        };
        let (y_min, y_max) = bounds(measured().flat_map(|p| [p.1.lower, p.1.upper, p.1.point]));
        // A speedup chart keeps ×1 in view: above it helps, below it hurts.
        let (y_min, y_max) = match chart.y {
            YAxis::Speedup => (y_min.min(1.0), y_max.max(1.0)),
            YAxis::Time => (y_min, y_max),
        };
        let log_y = y_max / y_min > LOG_SCALE_ABOVE;
        let y = if log_y {
            (y_min / 1.3, y_max * 1.3)
        } else {
            (0.0, y_max * 1.12)
        };
        Axes { x, log_x, y, log_y }
    }

    /// Screen-linear coordinates: log2 / ln of the value on a log axis.
    fn linear(self, (x, y): (f64, f64)) -> (f64, f64) {
        (
            if self.log_x { x.log2() } else { x },
            if self.log_y { y.ln() } else { y },
        )
    }

    fn unlinear(self, (x, y): (f64, f64)) -> (f64, f64) {
        (
            if self.log_x { x.exp2() } else { x },
            if self.log_y { y.exp() } else { y },
        )
    }

    /// Cuts a line where it leaves the y range: the visible runs, each a list of points.
    fn clip(self, points: &[(f64, f64)]) -> Vec<Vec<(f64, f64)>> {
        let (lo, hi) = self.linear_y();
        let inside = |y: f64| y >= lo && y <= hi;
        let mut runs: Vec<Vec<(f64, f64)>> = Vec::new();
        let mut current: Vec<(f64, f64)> = Vec::new();
        let linear: Vec<(f64, f64)> = points
            .iter()
            .filter(|p| p.1.is_finite() && (!self.log_y || p.1 > 0.0))
            .filter(|p| p.0 >= self.x.0 && p.0 <= self.x.1)
            .map(|&p| self.linear(p))
            .collect();
        for (i, &p) in linear.iter().enumerate() {
            if let Some(&prev) = i.checked_sub(1).map(|j| &linear[j]) {
                // Where the segment crosses a bound, add the crossing point.
                for bound in [lo, hi] {
                    if (prev.1 - bound) * (p.1 - bound) < 0.0 {
                        let t = (bound - prev.1) / (p.1 - prev.1);
                        let cross = (prev.0 + t * (p.0 - prev.0), bound);
                        if inside(prev.1) {
                            current.push(cross);
                            runs.push(std::mem::take(&mut current));
                        } else {
                            current.push(cross);
                        }
                    }
                }
            }
            if inside(p.1) {
                current.push(p);
            }
        }
        runs.push(current);
        runs.into_iter()
            .filter(|r| r.len() >= 2)
            .map(|r| r.into_iter().map(|p| self.unlinear(p)).collect())
            .collect()
    }

    fn linear_y(self) -> (f64, f64) {
        if self.log_y {
            (self.y.0.ln(), self.y.1.ln())
        } else {
            self.y
        }
    }
}

/// The y range a chart is drawn with: from the measured points alone.
#[cfg(test)]
pub fn y_range(chart: &Chart) -> (f64, f64) {
    Axes::of(chart).y
}

/// Draws a chart to SVG.
pub fn draw(chart: &Chart) -> Rendered {
    let axes = Axes::of(chart);
    if !(axes.x.0.is_finite() && axes.y.1.is_finite()) {
        return Err(format!(
            "cannot draw the chart {}: nothing measured",
            chart.title
        ));
    }
    let mut svg = String::new();
    let x = axes.x.0..axes.x.1;
    let y = axes.y.0..axes.y.1;
    match (axes.log_x, axes.log_y) {
        (true, true) => plot(
            &mut svg,
            chart,
            &axes,
            x.log_scale().base(2.0),
            y.log_scale(),
        ),
        (true, false) => plot(&mut svg, chart, &axes, x.log_scale().base(2.0), y),
        (false, true) => plot(&mut svg, chart, &axes, x, y.log_scale()),
        (false, false) => plot(&mut svg, chart, &axes, x, y),
    }?;
    Ok(svg)
}

type Area<'a> = DrawingArea<SVGBackend<'a>, plotters::coord::Shift>;

/// Draws one marker centred on a backend coordinate.
fn marker_at<'a>(
    area: &Area<'a>,
    at: (i32, i32),
    color: RGBColor,
    marker: Marker,
) -> Result<(), String> {
    let fill = color.filled();
    let e = |e: DrawingAreaErrorKind<_>| e.to_string();
    match marker {
        Marker::Circle => area.draw(&(EmptyElement::at(at) + Circle::new((0, 0), 4, fill))),
        Marker::Triangle => {
            area.draw(&(EmptyElement::at(at) + TriangleMarker::new((0, 0), 5, fill)))
        }
        Marker::Square => {
            area.draw(&(EmptyElement::at(at) + Rectangle::new([(-4, -4), (4, 4)], fill)))
        }
        Marker::Diamond => area.draw(
            &(EmptyElement::at(at) + Polygon::new(vec![(0, -5), (5, 0), (0, 5), (-5, 0)], fill)),
        ),
        Marker::Cross => {
            area.draw(&(EmptyElement::at(at) + Cross::new((0, 0), 5, color.stroke_width(2))))
        }
    }
    .map_err(e)
}

fn plot<X, Y>(
    svg: &mut String,
    chart: &Chart,
    axes: &Axes,
    x_spec: X,
    y_spec: Y,
) -> Result<(), String>
where
    X: AsRangedCoord<Value = f64>,
    Y: AsRangedCoord<Value = f64>,
    X::CoordDescType: ValueFormatter<f64>,
    Y::CoordDescType: ValueFormatter<f64>,
{
    let title = &chart.title;
    let err = |e: &dyn std::fmt::Display| format!("cannot draw the chart {title}: {e}");
    let root = SVGBackend::with_string(svg, SIZE).into_drawing_area();
    root.fill(&WHITE).map_err(|e| err(&e))?;
    let (plot_area, legend_area) = root.split_horizontally(SIZE.0 - LEGEND_WIDTH);
    let mut cartesian = ChartBuilder::on(&plot_area)
        .caption(title, (FONT, 20))
        .margin(12)
        .x_label_area_size(40)
        .y_label_area_size(70)
        .build_cartesian_2d(x_spec, y_spec)
        .map_err(|e| err(&e))?;
    let group = chart.group;
    let y_axis = chart.y;
    let y_desc = match y_axis {
        YAxis::Speedup => "speedup (×)",
        YAxis::Time => "time per iteration",
    };
    cartesian
        .configure_mesh()
        .x_desc(group.value_meaning())
        .y_desc(y_desc)
        .x_label_formatter(&|x| x_label(&group, *x))
        .y_label_formatter(&|y| match y_axis {
            YAxis::Speedup => format::factor(*y),
            YAxis::Time => format::time(*y),
        })
        .light_line_style(RGBColor(0xee, 0xee, 0xee))
        .label_style((FONT, 14))
        .axis_desc_style((FONT, 15))
        .draw()
        .map_err(|e| err(&e))?;

    let mut legend: Vec<(String, RGBColor, Option<Marker>)> = Vec::new();
    for line in &chart.lines {
        let (color, fade_after) = match line.kind {
            LineKind::Reference | LineKind::ReferenceBelow => (REFERENCE, None),
            LineKind::Fit {
                strategy,
                measured_up_to,
            } => (style(strategy).0, Some(measured_up_to)),
        };
        for run in axes.clip(&line.points) {
            // The measured part of a fit in full colour, the extrapolated part lighter.
            let (measured, extrapolated): (Vec<_>, Vec<_>) = match fade_after {
                Some(limit) => {
                    let mut m: Vec<_> = run.iter().copied().filter(|p| p.0 <= limit).collect();
                    let mut e: Vec<_> = run.iter().copied().filter(|p| p.0 >= limit).collect();
                    if let (Some(last), Some(first)) = (m.last().copied(), e.first().copied()) {
                        e.insert(0, last);
                        m.push(first);
                        m.retain(|p| p.0 <= first.0);
                    }
                    (m, e)
                }
                None => (run.clone(), Vec::new()),
            };
            cartesian
                .draw_series(DashedLineSeries::new(measured, 7, 4, color.stroke_width(2)))
                .map_err(|e| err(&e))?;
            if extrapolated.len() >= 2 {
                cartesian
                    .draw_series(DashedLineSeries::new(
                        extrapolated,
                        7,
                        4,
                        color.mix(0.35).stroke_width(2),
                    ))
                    .map_err(|e| err(&e))?;
            }
            let label_side = match line.kind {
                LineKind::Reference => Some(VPos::Bottom),
                LineKind::ReferenceBelow => Some(VPos::Top),
                LineKind::Fit { .. } => None,
            };
            if let (Some(side), Some(&end)) = (label_side, run.last()) {
                cartesian
                    .draw_series(std::iter::once(Text::new(
                        line.label.clone(),
                        end,
                        (FONT, 13)
                            .into_font()
                            .color(&REFERENCE)
                            .pos(Pos::new(HPos::Right, side)),
                    )))
                    .map_err(|e| err(&e))?;
            }
        }
        if let LineKind::Fit { .. } = line.kind {
            legend.push((line.label.clone(), color, None));
        }
    }
    for s in &chart.series {
        let (color, marker) = style(s.strategy);
        cartesian
            .draw_series(LineSeries::new(
                s.points.iter().map(|(x, i)| (*x, i.point)),
                color.stroke_width(2),
            ))
            .map_err(|e| err(&e))?;
        cartesian
            .draw_series(s.points.iter().map(|(x, i)| {
                ErrorBar::new_vertical(*x, i.lower, i.point, i.upper, color.stroke_width(1), 8)
            }))
            .map_err(|e| err(&e))?;
        for (x, i) in &s.points {
            let at = cartesian.backend_coord(&(*x, i.point));
            marker_at(&plot_area, at, color, marker).map_err(|e| err(&e))?;
        }
        legend.insert(
            legend.iter().filter(|l| l.2.is_some()).count(),
            (s.strategy.name().to_string(), color, Some(marker)),
        );
    }
    for (i, (name, color, marker)) in legend.iter().enumerate() {
        let y = 50 + 22 * i as i32;
        match marker {
            Some(marker) => {
                legend_area
                    .draw(&PathElement::new(
                        vec![(4, y), (30, y)],
                        color.stroke_width(2),
                    ))
                    .map_err(|e| err(&e))?;
                marker_at(&legend_area, (17, y), *color, *marker).map_err(|e| err(&e))?;
            }
            None => {
                legend_area
                    .draw(&PathElement::new(
                        vec![(4, y), (12, y)],
                        color.stroke_width(2),
                    ))
                    .map_err(|e| err(&e))?;
                legend_area
                    .draw(&PathElement::new(
                        vec![(20, y), (30, y)],
                        color.stroke_width(2),
                    ))
                    .map_err(|e| err(&e))?;
            }
        }
        legend_area
            .draw(&Text::new(
                name.clone(),
                (36, y),
                TextStyle::from((FONT, 14).into_font()).pos(Pos::new(HPos::Left, VPos::Center)),
            ))
            .map_err(|e| err(&e))?;
    }
    root.present().map_err(|e| err(&e))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bench_id::BenchFunction::{Rayon, Sequential, Threads};
    use crate::criterion_data::Measurement;
    use crate::report::testdata::{SLEEP, measurement};

    fn m(group: Group, f: BenchFunction, value: u64, ns: f64) -> Measurement {
        measurement(group, f, value, ns, 0.02)
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
    fn every_function_has_its_own_colour_and_marker() {
        let mut seen = Vec::new();
        let strategies = BenchFunction::ALL
            .iter()
            .filter(|f| !matches!(f, BenchFunction::Primitive(_)));
        for f in strategies {
            let (color, marker) = style(*f);
            let key = (color.0, color.1, color.2, marker);
            assert!(!seen.contains(&key), "{f} shares its look");
            seen.push(key);
        }
    }

    #[test]
    fn speedup_chart_is_svg_with_axis_labels_legend_and_ideal() {
        let data: Vec<Measurement> = [1u64, 4, 64]
            .iter()
            .flat_map(|&n| {
                [
                    m(SLEEP, Sequential, n, n as f64 * 1e7),
                    m(SLEEP, Threads, n, 1e7),
                    m(SLEEP, Rayon, n, n as f64 * 1e7 / (n.min(2) as f64)),
                ]
            })
            .collect();
        let g = GroupAnalysis::new(SLEEP, &data);
        let svg = speedup_chart(&g, 2).unwrap().unwrap();
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
    fn hash_charts_draw_the_measured_ideal_beside_the_nominal_one_when_measured() {
        let hash = Group::Hash { bytes: 1 << 20 };
        let data: Vec<Measurement> = [1u64, 2, 4]
            .iter()
            .flat_map(|&n| {
                [
                    measurement(hash, Sequential, n, n as f64 * 1e6, 0.01),
                    measurement(hash, Threads, n, n as f64 * 1e6 / n.min(2) as f64, 0.01),
                ]
            })
            .collect();
        let g = GroupAnalysis::new(hash, &data);
        let raw = [ScalingPoint {
            threads: 2,
            speedup: Interval {
                point: 1.86,
                lower: 1.79,
                upper: 1.94,
            },
        }];
        let with = texts(&speedup_chart_with(&g, 2, &raw).unwrap().unwrap());
        for text in ["ideal", "measured ideal (bare threads) ×1.86"] {
            assert!(with.iter().any(|t| t == text), "missing {text} in {with:?}");
        }
        let without = texts(&speedup_chart(&g, 2).unwrap().unwrap());
        assert!(without.iter().any(|t| t == "ideal"), "{without:?}");
        assert!(
            !without.iter().any(|t| t.starts_with("measured ideal")),
            "{without:?}"
        );
        let other = [ScalingPoint {
            threads: 4,
            ..raw[0]
        }];
        let unmeasured = texts(&speedup_chart_with(&g, 2, &other).unwrap().unwrap());
        assert!(
            !unmeasured.iter().any(|t| t.starts_with("measured ideal")),
            "no line when min(tasks, cores) threads were not measured: {unmeasured:?}"
        );
    }

    #[test]
    fn a_wide_range_gets_a_log_axis_and_lines_never_set_the_scale() {
        let chart = Chart {
            title: "t".to_string(),
            group: SLEEP,
            y: YAxis::Speedup,
            series: vec![Series {
                strategy: Threads,
                points: vec![(1.0, Interval::exact(1.0)), (64.0, Interval::exact(58.0))],
            }],
            lines: vec![Line {
                label: "ideal".to_string(),
                kind: LineKind::Reference,
                points: vec![(1.0, 1.0), (64.0, 640.0)],
            }],
            x_max: None,
        };
        let axes = Axes::of(&chart);
        assert!(axes.log_y, "×1 to ×58 spans more than 20×");
        assert!(
            axes.y.1 < 100.0,
            "the reference line did not set the scale: {axes:?}"
        );
        let runs = axes.clip(&chart.lines[0].points);
        assert_eq!(runs.len(), 1);
        let end = *runs[0].last().unwrap();
        assert!(
            (end.1 - axes.y.1).abs() < 1e-6 * axes.y.1,
            "cut at the top: {end:?}"
        );
        let mut narrow = chart.clone();
        narrow.series[0].points[1].1 = Interval::exact(1.9);
        let axes = Axes::of(&narrow);
        assert!(!axes.log_y && axes.y.0 == 0.0, "{axes:?}");
    }

    #[test]
    fn time_chart_handles_a_single_point() {
        let g = Group::HashSize { tasks: 4 };
        let data = [m(g, Sequential, 1024, 5e3)];
        let svg = time_chart(&GroupAnalysis::new(g, &data)).unwrap().unwrap();
        let texts = texts(&svg);
        assert!(texts.iter().any(|t| t == "bytes per task"), "{texts:?}");
        assert!(texts.iter().any(|t| t == "sequential"), "{texts:?}");
    }

    #[test]
    fn groups_without_speedups_have_no_speedup_chart() {
        let data = [m(Group::Overhead, Threads, 4, 5e4)];
        assert!(speedup_chart(&GroupAnalysis::new(Group::Overhead, &data), 2).is_none());
    }
}

/// One rung of the cost ladder: a strategy's cost of one task beside its primitive's time.
#[derive(Clone, Debug, PartialEq)]
pub struct Rung {
    /// The strategy.
    pub strategy: BenchFunction,
    /// The primitive it is set beside (`thread-spawn`, `pipe-round-trip`, …).
    pub primitive: String,
    /// The strategy's cost of one task, in ns, with its interval.
    pub cost: Interval,
    /// The primitive's time, in ns, if measured.
    pub primitive_ns: Option<Interval>,
}

/// The ladder from a function call to a process: per strategy (one row each, in the order
/// given), its cost of one task with its interval (a dot and a bar) and its primitive's time
/// (a hollow square), on one logarithmic time axis. Drawn as plain SVG; `None` without rungs.
pub fn ladder_chart(rungs: &[Rung]) -> Option<Rendered> {
    if rungs.is_empty() {
        return None;
    }
    let values: Vec<f64> = rungs
        .iter()
        .flat_map(|r| {
            let p = r.primitive_ns.map(|p| [p.lower, p.point, p.upper]);
            [r.cost.lower, r.cost.point, r.cost.upper]
                .into_iter()
                .chain(p.into_iter().flatten())
        })
        .filter(|v| v.is_finite() && *v > 0.0)
        .collect();
    let (Some(min), Some(max)) = (
        values.iter().copied().reduce(f64::min),
        values.iter().copied().reduce(f64::max),
    ) else {
        return Some(Err(
            "cannot draw the cost ladder: no cost above zero".to_string()
        ));
    };
    let (lo, hi) = (
        min.log10().floor(),
        max.log10().ceil().max(min.log10().floor() + 1.0),
    );
    let (width, left, right, top, row) = (840.0, 270.0, 70.0, 34.0, 26.0);
    let height = top + row * rungs.len() as f64 + 34.0;
    let plot = width - left - right;
    let x = |ns: f64| left + (ns.max(min / 2.0).log10() - lo) / (hi - lo) * plot;
    let mut svg = format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" class="ladder" width="{width}" height="{height}" viewBox="0 0 {width} {height}" font-family="system-ui,sans-serif" font-size="12" fill="currentColor" role="img" aria-label="Cost of one task per strategy beside its primitive, on a log time axis">"#
    );
    svg.push_str(&format!(
        r#"<text x="{left}" y="14">● cost of one task [interval]   □ its primitive   (log scale)</text>"#
    ));
    for k in (lo as i32)..=(hi as i32) {
        let tx = x(10f64.powi(k));
        let label = tick_label(k);
        svg.push_str(&format!(
            r##"<line x1="{tx:.1}" y1="{top}" x2="{tx:.1}" y2="{:.1}" stroke="#888" stroke-opacity="0.35"/><text x="{tx:.1}" y="{:.1}" text-anchor="middle">{label}</text>"##,
            height - 28.0,
            height - 12.0
        ));
    }
    for (i, r) in rungs.iter().enumerate() {
        let cy = top + row * (i as f64 + 0.5);
        let (color, _) = style(r.strategy);
        let color = format!("rgb({},{},{})", color.0, color.1, color.2);
        svg.push_str(&format!(
            r#"<text x="{:.1}" y="{:.1}" text-anchor="end">{} · {}</text>"#,
            left - 8.0,
            cy + 4.0,
            r.strategy.name(),
            escape(&r.primitive)
        ));
        if let Some(p) = r.primitive_ns {
            svg.push_str(&format!(
                r#"<rect x="{:.1}" y="{:.1}" width="9" height="9" fill="none" stroke="currentColor" stroke-width="1.5"/>"#,
                x(p.point) - 4.5,
                cy - 4.5
            ));
        }
        svg.push_str(&format!(
            r#"<line x1="{:.1}" y1="{cy:.1}" x2="{:.1}" y2="{cy:.1}" stroke="{color}" stroke-width="3"/><circle cx="{:.1}" cy="{cy:.1}" r="5" fill="{color}"/>"#,
            x(r.cost.lower),
            x(r.cost.upper),
            x(r.cost.point)
        ));
        let ratio = r
            .primitive_ns
            .map(|p| r.cost.point / p.point)
            .filter(|q| q.is_finite() && *q > 0.0)
            .map(format::times)
            .unwrap_or_default();
        svg.push_str(&format!(
            r#"<text x="{:.1}" y="{:.1}">{ratio}</text>"#,
            width - right + 8.0,
            cy + 4.0
        ));
    }
    svg.push_str("</svg>");
    Some(Ok(svg))
}

/// A power of ten of nanoseconds as an axis label: `1 ns`, `100 µs`, `10 s`.
fn tick_label(k: i32) -> String {
    const UNITS: [&str; 4] = ["ns", "µs", "ms", "s"];
    let unit = (k.div_euclid(3)).clamp(0, 3);
    let rest = k - unit * 3;
    format!("{} {}", 10f64.powi(rest), UNITS[unit as usize])
}

/// Escapes text for SVG.
fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}
