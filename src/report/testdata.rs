//! The report's test helpers: the fake measurements of [`crate::criterion_data::testdata`],
//! and their analyses.

use crate::bench_id::Group;
use crate::criterion_data::Measurement;
pub(crate) use crate::criterion_data::testdata::{HASH, SLEEP, m, measurement};

/// The analyses of every group in `data`, in group order.
pub(crate) fn analyse(data: &[Measurement]) -> Vec<crate::report::analysis::GroupAnalysis> {
    let mut groups: Vec<Group> = data.iter().map(|m| m.id.group).collect();
    groups.sort();
    groups.dedup();
    groups
        .into_iter()
        .map(|g| crate::report::analysis::GroupAnalysis::new(g, data))
        .collect()
}
