//! How much this run's numbers can be trusted: how many benchmarks are noisy and why, the
//! machine's load around each bench binary, the warning when either calls for a re-run, and
//! how the intervals are widened to survive one ([`crate::quality`]).

use maud::{Markup, html};
use serde_json::json;

use crate::quality::load::{LoadRecord, Moment};
use crate::quality::noise::{MAX_RELATIVE_HALF_WIDTH, MAX_SEVERE_OUTLIER_SHARE, Noise};
use crate::quality::{MAX_NOISY_SHARE, Quality, intervals};

use super::super::blocks::{Page, md_cell, scroll};
use super::super::data::RunData;
use super::super::format;
use super::Section;

const ID: &str = "quality";

/// One noisy benchmark: its ID, its Criterion directory and its noise.
struct NoisyBenchmark {
    id: String,
    directory: String,
    noise: Noise,
}

/// The measurement-quality section.
pub struct QualitySection {
    quality: Quality,
    noisy: Vec<NoisyBenchmark>,
}

/// Builds the section from the run's quality and every noisy measurement.
pub fn build(data: &RunData) -> Box<dyn Section> {
    let noisy = data
        .groups
        .iter()
        .flat_map(|g| g.points.iter())
        .filter_map(|p| {
            let m = &p.measurement;
            m.noise.filter(|n| n.noisy).map(|noise| NoisyBenchmark {
                id: m.id.to_string(),
                directory: m.directory.clone(),
                noise,
            })
        })
        .collect();
    Box::new(QualitySection {
        quality: data.quality.clone(),
        noisy,
    })
}

impl QualitySection {
    /// The thresholds and the widening, in words.
    fn rule(&self) -> String {
        format!(
            "A benchmark is noisy when its mean's confidence interval is wider than ±{} of the \
             mean, or when more than {} of its samples are severe outliers (beyond 3 \
             interquartile ranges from the quartiles, as Criterion classifies them). Numbers \
             resting on a noisy benchmark carry a ~, and so does a verdict taken there. The \
             page warns when more than {} of the benchmarks are noisy, or when a bench binary \
             started on a busy machine (1-minute load above half the logical cores while another \
             process was runnable). Speedup intervals are widened for what changes between runs: \
             each mean's interval is the wider of Criterion's and a batch-means interval over the \
             samples in measurement order (drift within the run), combined with a floor of ±{} \
             per mean; the two means' intervals add in quadrature. `parbench compare` checks \
             them against a second run.",
            format::share(MAX_RELATIVE_HALF_WIDTH),
            format::share(MAX_SEVERE_OUTLIER_SHARE),
            format::share(MAX_NOISY_SHARE),
            format::share(intervals::RUN_TO_RUN_FLOOR),
        )
    }

    fn reason(noise: &Noise) -> String {
        noise.reason().unwrap_or_default()
    }

    fn moment(r: &LoadRecord) -> &'static str {
        match r.moment {
            Moment::Before => "before",
            Moment::After => "after",
        }
    }
}

impl Section for QualitySection {
    fn id(&self) -> &'static str {
        ID
    }

    fn title(&self) -> &'static str {
        "Measurement quality"
    }

    fn has_data(&self) -> bool {
        self.quality.benchmarks > 0 || !self.quality.load.is_empty()
    }

    fn findings(&self) -> Vec<String> {
        let mut sentences = vec![format!("{}.", self.quality.line())];
        sentences.extend(self.quality.warning.clone());
        sentences
    }

    fn headline(&self) -> String {
        match &self.quality.warning {
            Some(_) => "Some verdicts rest on noisy measurements".to_string(),
            None if self.noisy.is_empty() => "Every benchmark measured steadily".to_string(),
            None => format!(
                "{} of {} benchmarks were measured with noise",
                self.noisy.len(),
                self.quality.benchmarks
            ),
        }
    }

    /// The quality line; the warning, which can name many verdicts, stands at the top of the
    /// page already and in the detail here.
    fn lead(&self, _page: &Page) -> Markup {
        html! {
            p #quality-line { (self.quality.line()) "." }
        }
    }

    fn more(&self) -> String {
        format!(
            "What counts as noisy, the noisy benchmarks ({}) and the machine's load around each bench",
            self.noisy.len()
        )
    }

    fn html(&self, page: &Page) -> Markup {
        html! {
            @if let Some(warning) = &self.quality.warning { p.note { strong { (warning) } } }
            p { (self.rule()) }
            @if !self.noisy.is_empty() {
                details #noisy-benchmarks {
                    summary { "Noisy benchmarks (" (self.noisy.len()) ")" }
                    (scroll(html! {
                        table {
                            thead { tr { th { "Benchmark" } th { "Why" } th { "Samples" } } }
                            tbody { @for b in &self.noisy { tr {
                                td { a href=(page.data.criterion_page(&b.directory)) { (b.id) } }
                                td { (Self::reason(&b.noise)) }
                                td.num { (b.noise.samples) }
                            } } }
                        }
                    }))
                }
            }
            @if !self.quality.load.is_empty() {
                (scroll(html! {
                    table #load-table {
                        thead { tr {
                            th { "Bench binary" } th { "When" } th { "Load (1, 5, 15 min)" }
                            th { "Other runnable" } th { "At" }
                        } }
                        tbody { @for r in &self.quality.load { tr class=[(r.moment == Moment::Before && r.busy()).then_some("noisy")] {
                            td { (r.bench) } td { (Self::moment(r)) }
                            td { (format!("{:.2}, {:.2}, {:.2}", r.load_average[0], r.load_average[1], r.load_average[2])) }
                            td.num { (r.runnable_others) } td { (r.at) }
                        } } }
                    }
                }))
            }
        }
    }

    fn summary_markdown(&self, _page: &Page) -> String {
        format!("{}.\n", self.quality.line())
    }

    fn markdown(&self, page: &Page) -> String {
        let mut md = format!("{}.\n\n", self.quality.line());
        if let Some(warning) = &self.quality.warning {
            md.push_str(&format!("**{warning}**\n\n"));
        }
        md.push_str(&format!("{}\n\n", self.rule()));
        if !self.noisy.is_empty() {
            md.push_str("| Noisy benchmark | Why | Samples |\n|---|---|---:|\n");
            for b in &self.noisy {
                md.push_str(&format!(
                    "| [{}]({}) | {} | {} |\n",
                    b.id,
                    page.data.criterion_page(&b.directory),
                    md_cell(&Self::reason(&b.noise)),
                    b.noise.samples
                ));
            }
            md.push('\n');
        }
        if !self.quality.load.is_empty() {
            md.push_str(
                "| Bench binary | When | Load (1, 5, 15 min) | Other runnable | At |\n\
                 |---|---|---|---:|---|\n",
            );
            for r in &self.quality.load {
                md.push_str(&format!(
                    "| {} | {} | {:.2}, {:.2}, {:.2} | {} | {} |\n",
                    r.bench,
                    Self::moment(r),
                    r.load_average[0],
                    r.load_average[1],
                    r.load_average[2],
                    r.runnable_others,
                    r.at
                ));
            }
        }
        md
    }

    fn json(&self, _page: &Page) -> Vec<(&'static str, serde_json::Value)> {
        let q = &self.quality;
        vec![(
            "quality",
            json!({
                "benchmarks": q.benchmarks,
                "noisy": q.noisy,
                "noisy_benchmarks": self.noisy.iter().map(|b| b.id.as_str()).collect::<Vec<_>>(),
                "busy_start": q.busy_start,
                "warning": q.warning,
                "line": q.line(),
                "thresholds": {
                    "relative_half_width": MAX_RELATIVE_HALF_WIDTH,
                    "severe_outlier_share": MAX_SEVERE_OUTLIER_SHARE,
                    "noisy_share": MAX_NOISY_SHARE,
                },
                "run_to_run_floor": intervals::RUN_TO_RUN_FLOOR,
                "load": q.load,
            }),
        )]
    }
}
