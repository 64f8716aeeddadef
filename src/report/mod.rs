//! The report: reads Criterion's saved results and writes `index.html`, `summary.md` (the
//! answer in a few kilobytes), `details.md` (every table in Markdown), `summary.json` and the
//! sections' own pages (`costs.html`) answering where threads help and where they don't.
//!
//! [`generate`] is the entry point; the benches call it at the end of every run and
//! `parbench report` calls it on demand. The report is cut by page section, not by layer:
//!
//! - shared plumbing: [`crate::criterion_data`] reads the files (and [`crate::interval`] holds the shape of every estimate), [`data`] gathers the run and its
//!   verdicts, [`analysis`] computes speedups, verdicts and ideals, [`format`](mod@format) writes every
//!   label, `charts` draws the SVG charts, `blocks` holds the HTML and Markdown pieces the
//!   sections share;
//! - [`sections`]: one module per section of the page, each owning its analysis, sentences,
//!   takeaways, HTML, Markdown and JSON, listed once in [`sections::SECTIONS`];
//! - `page`: the frame that puts the sections into the three files. The JSON schema is
//!   documented there (`"schema": "parbench-summary"`, [`SUMMARY_VERSION`]).

pub mod analysis;
mod blocks;
mod charts;
pub mod data;
pub mod format;
mod page;
pub mod sections;
#[cfg(test)]
pub(crate) mod testdata;

use std::path::{Path, PathBuf};
use std::time::SystemTime;

use crate::error::{Error, Result};

pub use data::{MachineSource, RunData};
/// The answer page's CSS, for other pages in its style (the page comparing runs).
pub(crate) use page::STYLE as PAGE_STYLE;
pub(crate) use page::document;
pub use page::{SUMMARY_BUDGET, SUMMARY_VERSION};

/// The page's file name inside the output directory.
pub const HTML_FILE: &str = "index.html";
/// The Markdown summary's file name inside the output directory.
pub const MARKDOWN_FILE: &str = "summary.md";
/// The full Markdown copy's file name inside the output directory (every table).
pub const DETAILS_FILE: &str = "details.md";
/// The JSON summary's file name inside the output directory.
pub const JSON_FILE: &str = "summary.json";

/// What [`generate`] wrote.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReportSummary {
    /// The HTML page.
    pub html: PathBuf,
    /// The Markdown summary.
    pub markdown: PathBuf,
    /// The full Markdown copy.
    pub details: PathBuf,
    /// The JSON summary.
    pub json: PathBuf,
    /// How many parbench benchmarks the report covers.
    pub benchmarks: usize,
    /// Groups the profile runs that have no data (e.g. after `cargo bench -- sleep`).
    pub missing_groups: Vec<String>,
    /// Benchmarks found but skipped, with the reason.
    pub skipped: Vec<String>,
}

/// Reads Criterion's results below `criterion_dir` and writes `index.html`, `summary.md` and
/// `summary.json` into `out_dir` (created if needed).
///
/// Works on partial data (missing groups are listed in the report, sections without data are
/// left out); a missing or corrupt Criterion file, or a corrupt `parbench-memory.json`, is an
/// error naming it, and an empty `criterion_dir` an error telling to run `cargo bench` first.
/// Two runs on the same data write the same files apart from the generation time.
pub fn generate(criterion_dir: &Path, out_dir: &Path) -> Result<ReportSummary> {
    let generated = humantime::format_rfc3339_seconds(SystemTime::now()).to_string();
    std::fs::create_dir_all(out_dir).map_err(|source| Error::Io {
        action: "cannot create",
        path: out_dir.to_path_buf(),
        source,
    })?;
    let data = RunData::build(criterion_dir, out_dir, generated)?;
    let frame = page::Frame::new(&data);
    let html = out_dir.join(HTML_FILE);
    let markdown = out_dir.join(MARKDOWN_FILE);
    let json = out_dir.join(JSON_FILE);
    let details = out_dir.join(DETAILS_FILE);
    write(&html, &frame.html())?;
    write(&markdown, &frame.markdown())?;
    write(&details, &frame.details())?;
    for (file, text) in frame.pages() {
        write(&out_dir.join(file), &text)?;
    }
    write(&json, &frame.json())?;
    Ok(ReportSummary {
        html,
        markdown,
        details,
        json,
        benchmarks: data.benchmark_count(),
        missing_groups: data.missing_groups,
        skipped: data.skipped,
    })
}

fn write(path: &Path, text: &str) -> Result<()> {
    std::fs::write(path, text).map_err(|source| Error::Io {
        action: "cannot write",
        path: path.to_path_buf(),
        source,
    })
}
