//! The machine the run was measured on, where those facts come from, and when the report was
//! generated.

use maud::{Markup, html};

use super::super::blocks::{Page, md_cell};
use super::super::data::{MachineSource, RunData};
use super::Section;

/// The machine section: its facts as (label, value) rows.
pub struct MachineSection {
    rows: Vec<(&'static str, String)>,
}

/// Builds the machine's rows.
pub fn build(data: &RunData) -> Box<dyn Section> {
    let m = &data.machine;
    let not_recorded = || "not recorded".to_string();
    let rows = vec![
        ("Logical cores", m.cpus_text()),
        ("Physical cores", m.physical_cores.to_string()),
        ("CPU model", m.cpu_model.clone()),
        ("OS", m.os.clone()),
        ("Compiler", m.rustc.clone()),
        ("parbench", m.parbench.clone()),
        (
            "Profile",
            data.profile
                .map(|p| p.name().to_string())
                .unwrap_or_else(not_recorded),
        ),
        (
            "Run started",
            data.run_started.clone().unwrap_or_else(not_recorded),
        ),
        (
            "Source of these facts",
            match data.machine_source {
                MachineSource::RecordedByBenches => "recorded by the benches".to_string(),
                MachineSource::ReadAtReportTime => {
                    "not recorded by the benches: this machine, read at report time".to_string()
                }
            },
        ),
    ];
    Box::new(MachineSection { rows })
}

impl Section for MachineSection {
    fn id(&self) -> &'static str {
        "machine"
    }

    fn title(&self) -> &'static str {
        "Machine"
    }

    fn has_data(&self) -> bool {
        true
    }

    fn headline(&self) -> String {
        "The machine these numbers come from".to_string()
    }

    fn html(&self, _page: &Page) -> Markup {
        Markup::default()
    }

    fn lead(&self, page: &Page) -> Markup {
        html! {
            table #machine-table {
                @for (label, value) in &self.rows { tr { th scope="row" { (label) } td { (value) } } }
            }
            p.generated {
                "Generated: " (page.data.generated) ". Criterion's own report, one page per benchmark: "
                a href=(page.data.criterion_index()) { "report/index.html" } "."
            }
        }
    }

    fn markdown(&self, _page: &Page) -> String {
        let mut md = "| Fact | Value |\n|---|---|\n".to_string();
        for (label, value) in &self.rows {
            md.push_str(&format!("| {label} | {} |\n", md_cell(value)));
        }
        md
    }
}
