//! How much the measurements can be trusted: per-benchmark noise ([`noise`]), the machine's load
//! around each bench binary ([`load`]), intervals widened for run-to-run variation
//! ([`intervals`]), and the run's overall [`Quality`] with its warning.

pub mod intervals;
pub mod load;
pub mod noise;

use serde::Serialize;

use load::{LoadRecord, Moment};
use noise::Noise;

/// A run with more than this share of noisy benchmarks gets the warning (10 %).
pub const MAX_NOISY_SHARE: f64 = 0.10;

/// What the warning asks for.
pub const QUIET_MACHINE_ADVICE: &str = "re-run on a quiet machine";

/// The measurement quality of a whole run.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Quality {
    /// How many benchmarks had their noise assessed.
    pub benchmarks: usize,
    /// How many of them are noisy.
    pub noisy: usize,
    /// The load records of the bench binaries, by bench then moment.
    pub load: Vec<LoadRecord>,
    /// Whether any bench binary started on a busy machine ([`LoadRecord::busy`]).
    pub busy_start: bool,
    /// The warning to show, ending in [`QUIET_MACHINE_ADVICE`]; `None` for a quiet run.
    pub warning: Option<String>,
}

impl Quality {
    /// Sums up the noise of every benchmark and the load records.
    pub fn assess<'a>(noise: impl IntoIterator<Item = &'a Noise>, load: Vec<LoadRecord>) -> Self {
        let (benchmarks, noisy) = noise
            .into_iter()
            .fold((0, 0), |(n, k), x| (n + 1, k + usize::from(x.noisy)));
        let busy: Vec<&LoadRecord> = load
            .iter()
            .filter(|r| r.moment == Moment::Before && r.busy())
            .collect();
        let too_noisy = benchmarks > 0 && noisy as f64 / benchmarks as f64 > MAX_NOISY_SHARE;
        let mut reasons = Vec::new();
        if let Some(first) = busy.first() {
            let others = match busy.len() {
                1 => String::new(),
                2 => " and 1 more bench binary".to_string(),
                n => format!(" and {} more bench binaries", n - 1),
            };
            reasons.push(format!(
                "the machine was busy when {}{others} started ({} on {} cores)",
                first.bench,
                first.label(),
                first.logical_cores
            ));
        }
        if too_noisy {
            reasons.push(format!(
                "{noisy} of {benchmarks} benchmarks ({:.0} %) are noisy",
                noisy as f64 * 100.0 / benchmarks as f64
            ));
        }
        let warning = (!reasons.is_empty())
            .then(|| format!("Warning: {} — {QUIET_MACHINE_ADVICE}.", reasons.join("; ")));
        Quality {
            benchmarks,
            noisy,
            busy_start: !busy.is_empty(),
            load,
            warning,
        }
    }

    /// One line for the page: `3 of 80 benchmarks noisy; load before 0.12, after 1.95 (1 min)`.
    pub fn line(&self) -> String {
        let mut line = format!("{} of {} benchmarks noisy", self.noisy, self.benchmarks);
        let first = |moment| {
            self.load
                .iter()
                .filter(|r| r.moment == moment)
                .min_by(|a, b| a.at.cmp(&b.at))
        };
        let last_after = self
            .load
            .iter()
            .filter(|r| r.moment == Moment::After)
            .max_by(|a, b| a.at.cmp(&b.at));
        if let (Some(before), Some(after)) = (first(Moment::Before), last_after) {
            line.push_str(&format!(
                "; load {:.2} before the first bench binary, {:.2} after the last (1-minute averages)",
                before.load_average[0], after.load_average[0]
            ));
        } else if let Some(before) = first(Moment::Before) {
            line.push_str(&format!(
                "; load {:.2} before the first bench binary (1-minute average)",
                before.load_average[0]
            ));
        } else {
            line.push_str("; no load recorded");
        }
        line
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn noise(noisy: bool) -> Noise {
        Noise {
            relative_half_width: if noisy { 0.08 } else { 0.01 },
            severe_outliers: 0,
            samples: 20,
            noisy,
        }
    }

    fn record(bench: &str, moment: Moment, load: f64, others: u32, at: &str) -> LoadRecord {
        LoadRecord {
            bench: bench.to_string(),
            moment,
            load_average: [load, load, load],
            runnable_others: others,
            logical_cores: 2,
            at: at.to_string(),
        }
    }

    #[test]
    fn a_quiet_run_has_no_warning() {
        let all: Vec<Noise> = (0..20).map(|i| noise(i < 2)).collect();
        let load = vec![
            record("cpu_bound", Moment::Before, 0.1, 0, "2026-01-01T00:00:00Z"),
            record("cpu_bound", Moment::After, 1.9, 0, "2026-01-01T00:01:00Z"),
        ];
        let q = Quality::assess(&all, load);
        assert_eq!((q.benchmarks, q.noisy), (20, 2));
        assert!(!q.busy_start);
        assert_eq!(q.warning, None, "10 % noisy is the limit, not above it");
        assert_eq!(
            q.line(),
            "2 of 20 benchmarks noisy; load 0.10 before the first bench binary, 1.90 after the \
             last (1-minute averages)"
        );
    }

    #[test]
    fn many_noisy_benchmarks_or_a_busy_start_warn() {
        let all: Vec<Noise> = (0..20).map(|i| noise(i < 3)).collect();
        let q = Quality::assess(&all, Vec::new());
        let warning = q.warning.clone().unwrap();
        assert_eq!(
            warning,
            "Warning: 3 of 20 benchmarks (15 %) are noisy — re-run on a quiet machine."
        );
        assert_eq!(q.line(), "3 of 20 benchmarks noisy; no load recorded");
        let load = vec![record("io_bound", Moment::Before, 1.6, 2, "t")];
        let q = Quality::assess(&[noise(false)], load);
        assert!(q.busy_start);
        let warning = q.warning.unwrap();
        assert_eq!(
            warning,
            "Warning: the machine was busy when io_bound started (load 1.60 (1 min), 2 other \
             runnable on 2 cores) — re-run on a quiet machine."
        );
        // Both reasons at once, and a quiet start alone does not warn.
        let all: Vec<Noise> = (0..20).map(|i| noise(i < 3)).collect();
        let load = vec![
            record("io_bound", Moment::Before, 1.6, 2, "t"),
            record("waits", Moment::Before, 1.9, 1, "u"),
        ];
        let warning = Quality::assess(&all, load).warning.unwrap();
        assert!(
            warning.contains("io_bound and 1 more bench binary started"),
            "{warning}"
        );
        assert!(warning.contains("; 3 of 20 benchmarks"), "{warning}");
        let load = vec![record("io_bound", Moment::Before, 0.2, 0, "t")];
        assert_eq!(Quality::assess(&[noise(false)], load).warning, None);
    }
}
