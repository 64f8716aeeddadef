//! `parbench advise`: ranks every strategy for a user's own tasks by the cost model's
//! predicted wall time, best first, each with a one-line reason.
//!
//! The tasks are described either by their work (`--cpu`, `--wait`, `--input`) or as a
//! `parbench run` scenario (`--workload hash --bytes 1MiB`), which becomes work through the
//! measured hashing speed. The model comes from a bench run's `summary.json`
//! ([`crate::costs::summary::read_model`]) or, when there is none, from
//! [`crate::costs::calibrate`].

use std::time::Duration;

use serde::Serialize;

use crate::costs::model::{CostModel, Prediction, TaskWork};
use crate::error::{Error, Result};
use crate::format::time;
use crate::interval::Interval;
use crate::machine::Machine;
use crate::run::check_runnable;
use crate::shape::task_noun;
use crate::strategy::StrategyKind;
use crate::units::{self, bytes_for_people as size};
use crate::workload::Workload;

/// What the user's tasks are: how many, and what each does.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Case {
    /// How many tasks.
    pub tasks: usize,
    /// What each task does.
    pub work: TaskWork,
}

impl Case {
    /// Tasks described by their work: computing and waiting per task, input bytes per task.
    ///
    /// `tasks` must be 1 to 100,000 and all tasks' input together at most 4 GiB.
    pub fn from_work(tasks: usize, cpu: Duration, wait: Duration, input: u64) -> Result<Self> {
        check_case(tasks, input, "--input")?;
        Ok(Case {
            tasks,
            work: TaskWork::exact(cpu.as_nanos() as f64, wait.as_nanos() as f64, input),
        })
    }

    /// Tasks described as a `parbench run` scenario; hashing becomes computing at the model's
    /// measured speed per byte.
    pub fn from_workload(tasks: usize, workload: &Workload, model: &CostModel) -> Result<Self> {
        let input = workload.input_bytes();
        check_case(tasks, input, "--bytes")?;
        let ns = |d: &Duration| d.as_nanos() as f64;
        let hashing = |bytes: u64| {
            model
                .hash_ns_per_byte_at(bytes, tasks)
                .map(|per_byte| per_byte.scaled(bytes as f64))
                .ok_or_else(|| {
                    Error::invalid(
                        "--workload",
                        "needs the hashing speed, which the model lacks: describe the tasks \
                         with --cpu instead",
                    )
                })
        };
        let (compute_ns, wait_ns) = match workload {
            Workload::Noop | Workload::Receive { .. } => {
                (Interval::exact(0.0), Interval::exact(0.0))
            }
            Workload::Sleep { duration } | Workload::Net { duration } => {
                (Interval::exact(0.0), Interval::exact(ns(duration)))
            }
            Workload::Hash { bytes } => (hashing(*bytes)?, Interval::exact(0.0)),
            Workload::Mixed { bytes, duration } => {
                (hashing(*bytes)?, Interval::exact(ns(duration)))
            }
            Workload::File { .. } => {
                return Err(Error::invalid(
                    "--workload",
                    "file cannot be predicted: its time is the disk's fsync; describe the \
                     tasks with --cpu and --wait instead",
                ));
            }
        };
        Ok(Case {
            tasks,
            work: TaskWork {
                compute_ns,
                wait_ns,
                input_bytes: input,
                timer_waits: matches!(workload, Workload::Sleep { .. } | Workload::Mixed { .. }),
            },
        })
    }
}

/// Checks the task count and the input of all tasks together; `flag` is the flag that gave
/// the input (`--input`, or `--bytes` with `--workload`).
fn check_case(tasks: usize, input: u64, flag: &'static str) -> Result<()> {
    units::check_count("--tasks", tasks, units::MAX_TASKS)?;
    let total = input.saturating_mul(tasks as u64);
    if total > units::MAX_TOTAL_BYTES {
        return Err(Error::invalid(
            flag,
            format!(
                "times --tasks must be at most 4 GiB of input in all, got {} × {tasks} = {}",
                size(input),
                size(total)
            ),
        ));
    }
    Ok(())
}

/// Parses a per-task duration (`--cpu`, `--wait`): 0 to 10 minutes, e.g. `250us` or `0s`.
pub fn parse_work_duration(flag: &'static str, text: &str) -> Result<Duration> {
    let duration = humantime::parse_duration(text.trim()).map_err(|_| {
        Error::invalid(
            flag,
            format!("must be a duration such as 250us, 10ms or 0s, got '{text}'"),
        )
    })?;
    if duration > units::MAX_DURATION {
        return Err(Error::invalid(
            flag,
            format!(
                "must be between 0s and 10min, got {}",
                humantime::format_duration(duration)
            ),
        ));
    }
    Ok(duration)
}

/// One strategy in the ranking.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Ranked {
    /// The strategy's CLI name.
    pub strategy: String,
    /// Predicted wall time of all tasks, in seconds.
    pub predicted_seconds: f64,
    /// Why, in one line.
    pub reason: String,
    /// The prediction behind it.
    #[serde(skip)]
    pub prediction: Prediction,
}

/// A strategy left out of the ranking because `parbench run` would refuse the case.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct NotRanked {
    /// The strategy's CLI name.
    pub strategy: String,
    /// Why `parbench run` refuses it, as its error says.
    pub why: String,
}

/// The answer to one case.
#[derive(Clone, Debug, Serialize)]
pub struct Advice {
    /// Every strategy the model covers and `parbench run` accepts for the case, fastest first.
    pub ranking: Vec<Ranked>,
    /// The strategies `parbench run` would refuse for the case on this machine (too many
    /// threads or processes), with why.
    pub not_ranked: Vec<NotRanked>,
    /// Where the model came from.
    pub source: String,
    /// The machine the model was measured on.
    pub machine: Machine,
    /// The machine's speed now against the bench run the model came from, when that run
    /// recorded its speed canary: the model was scaled by it.
    pub speed: Option<crate::canary::SpeedNow>,
    /// The CPUs the prediction is sized for when `PARBENCH_CPUS` restricts them.
    pub cpus: Option<CpuRestriction>,
}

/// `PARBENCH_CPUS=K` for `advise`: the prediction is sized for K of this machine's CPUs, as
/// the suite and `parbench run` would run on them.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct CpuRestriction {
    /// K: the CPUs the prediction is sized for.
    pub cpus: usize,
    /// This machine's CPUs, all of them.
    pub machine_cpus: usize,
    /// The CPUs the model's costs were measured on.
    pub model_cpus: usize,
}

impl CpuRestriction {
    /// Sizes `model` for `cpus` CPUs of this machine (see [`CostModel::on_cpus`]).
    pub fn apply(cpus: usize, model: &CostModel) -> (CostModel, CpuRestriction) {
        let restriction = CpuRestriction {
            cpus,
            machine_cpus: crate::cpus::machine_cpus(),
            model_cpus: model.logical_cores,
        };
        (model.on_cpus(cpus), restriction)
    }

    /// What the text output says about it, in one line.
    pub fn sentence(&self) -> String {
        let mut line = format!(
            "sized for {} of this machine's {} CPUs ({}={})",
            self.cpus,
            self.machine_cpus,
            crate::cpus::ENV,
            self.cpus
        );
        if self.cpus > self.model_cpus {
            line += &format!(
                "; the model was measured on {} CPUs, so computing on more is held at the \
                 scaling measured there",
                self.model_cpus
            );
        }
        line
    }
}

impl Advice {
    /// Ranks the strategies for `case` with `model` (see [`rank`]); an error when the model
    /// covers none of them.
    pub fn new(model: &CostModel, case: &Case, source: String, machine: Machine) -> Result<Self> {
        let ranking = rank(model, case);
        if ranking.is_empty() {
            return Err(Error::BadData {
                path: source.into(),
                detail: "it has costs for none of the strategies parbench can run here: run \
                         `cargo bench`"
                    .to_string(),
            });
        }
        Ok(Advice {
            ranking,
            not_ranked: not_ranked(case),
            source,
            machine,
            speed: None,
            cpus: None,
        })
    }

    /// The advice as text: the case and the model's source on one line, then one line per
    /// strategy, best first, then the strategies left out and why.
    pub fn text(&self, case: &Case, logical_cores: usize) -> String {
        let (c, w) = (case.work.compute_ns.point, case.work.wait_ns.point);
        let mut work = Vec::new();
        if c > 0.0 {
            work.push(format!("computing {}", time(c)));
        }
        if w > 0.0 {
            work.push(format!("waiting {}", time(w)));
        }
        if work.is_empty() {
            work.push("doing nothing".to_string());
        }
        match case.work.input_bytes {
            0 => work.push("no input".to_string()),
            bytes => work.push(format!("receiving {}", size(bytes))),
        }
        let mut out = format!(
            "{} task(s), each {}; model: {} ({logical_cores} logical cores)\n",
            case.tasks,
            work.join(", "),
            self.source,
        );
        if let Some(cpus) = &self.cpus {
            out += &format!("{}\n", cpus.sentence());
        }
        if let Some(speed) = &self.speed {
            out += &format!("{}\n", speed.sentence());
        }
        for (i, r) in self.ranking.iter().enumerate() {
            out += &format!(
                "{:>2}. {:<13} {:>10}  {}\n",
                i + 1,
                r.strategy,
                time(r.predicted_seconds * 1e9),
                r.reason
            );
        }
        for n in &self.not_ranked {
            out += &format!("    {:<13} not ranked: {}\n", n.strategy, n.why);
        }
        out
    }
}

/// The strategies `parbench run` refuses for `case` on this machine, with its reasons.
pub fn not_ranked(case: &Case) -> Vec<NotRanked> {
    StrategyKind::ALL
        .iter()
        .filter_map(|&kind| {
            let error = check_runnable(kind, case.tasks, None, case.work.input_bytes).err()?;
            Some(NotRanked {
                strategy: kind.name().to_string(),
                why: error.to_string(),
            })
        })
        .collect()
}

/// Ranks every CLI strategy the model has costs for, and `parbench run` accepts for the case
/// on this machine ([`check_runnable`]), by predicted wall time, best first.
pub fn rank(model: &CostModel, case: &Case) -> Vec<Ranked> {
    let mut ranking: Vec<Ranked> = StrategyKind::ALL
        .iter()
        .filter(|&&kind| check_runnable(kind, case.tasks, None, case.work.input_bytes).is_ok())
        .filter_map(|&kind| {
            let prediction = model.predict(kind.into(), case.tasks, &case.work, None)?;
            Some(Ranked {
                strategy: kind.name().to_string(),
                predicted_seconds: prediction.total_ns.point / 1e9,
                reason: reason(kind, case, &prediction),
                prediction,
            })
        })
        .collect();
    ranking.sort_by(|a, b| a.predicted_seconds.total_cmp(&b.predicted_seconds));
    ranking
}

/// The one-line reason for a strategy's place: what its overhead costs of the total, what
/// moving inputs costs, and how the work overlaps.
fn reason(kind: StrategyKind, case: &Case, p: &Prediction) -> String {
    let total = p.total_ns.point;
    let (lower, upper) = (time(p.total_ns.lower), time(p.total_ns.upper));
    let range = if lower == upper {
        time(total)
    } else {
        format!("{} [{lower}, {upper}]", time(total))
    };
    let overhead = p.fixed_ns.point + p.tasks_ns.point;
    let mut parts = vec![format!(
        "{} {} cost {} of {range}",
        case.tasks,
        task_noun(kind.into()),
        time(overhead)
    )];
    if let Some(transfer) = p.transfer_ns.filter(|t| t.point > 0.0) {
        parts.push(format!(
            "moving {} of input costs {}",
            size(case.work.input_bytes * case.tasks as u64),
            time(transfer.point)
        ));
    }
    let (c, w) = (case.work.compute_ns.point, case.work.wait_ns.point);
    let per_task = time(c + w);
    let rounds = case.tasks.div_ceil(p.shape.in_progress);
    let work = if c + w <= 0.0 {
        "no work to overlap".to_string()
    } else if kind == StrategyKind::Sequential {
        format!("one task after another: {} × {per_task}", case.tasks)
    } else if p.worker_bound && rounds > 1 {
        format!(
            "{} workers run {rounds} rounds of {per_task}{}",
            p.shape.in_progress,
            if w > 0.0 { " (waits block them)" } else { "" }
        )
    } else if c > 0.0 && p.shape.computing <= 1 {
        format!(
            "computing runs one task at a time{}",
            if w > 0.0 { ", the waits overlap" } else { "" }
        )
    } else if c > 0.0 {
        format!(
            "computing spreads over {} cores at ×{:.2}{}",
            p.shape.computing,
            p.scaling,
            if w > 0.0 { ", the waits overlap" } else { "" }
        )
    } else {
        "all waits overlap".to_string()
    };
    parts.push(work);
    parts.join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bench_id::BenchFunction;
    use crate::costs::model::StrategyCost;
    use crate::costs::model::testdata::two_cores;

    /// A 2-core machine with costs like the ones measured on a 2-vCPU VM.
    fn model() -> CostModel {
        let cost = StrategyCost::exact;
        two_cores(
            vec![
                cost(BenchFunction::Sequential, 30.0, 10.0, None),
                cost(BenchFunction::Threads, 5e3, 40e3, None),
                cost(BenchFunction::Rayon, 20e3, 2e3, None),
                cost(BenchFunction::Processes, 50e3, 1e6, Some(1.0)),
                cost(BenchFunction::ProcessPool, 2e6, 6e3, Some(1.0)),
                cost(BenchFunction::Gil, 5e3, 45e3, None),
                cost(BenchFunction::Async, 5e3, 600.0, None),
                cost(BenchFunction::AsyncMulti, 30e3, 3e3, None),
            ],
            1.9,
        )
    }

    fn ranking(case: Case) -> Vec<String> {
        rank(&model(), &case)
            .into_iter()
            .map(|r| r.strategy)
            .collect()
    }

    #[test]
    fn sleep_heavy_tasks_go_to_async_or_threads_never_a_cpu_sized_pool() {
        let case = Case::from_work(64, Duration::ZERO, Duration::from_millis(10), 0).unwrap();
        let order = ranking(case);
        assert!(
            ["async", "threads", "async-multi"].contains(&order[0].as_str()),
            "{order:?}"
        );
        let rayon = order.iter().position(|s| s == "rayon").unwrap();
        assert!(
            rayon >= order.len() - 3,
            "rayon's 2 threads wait in rounds: {order:?}"
        );
    }

    #[test]
    fn ten_microsecond_tasks_go_to_sequential_or_rayon_not_a_thread_each() {
        let case = Case::from_work(64, Duration::from_micros(10), Duration::ZERO, 0).unwrap();
        let order = ranking(case);
        assert!(
            ["sequential", "rayon"].contains(&order[0].as_str()),
            "{order:?}"
        );
        let threads = order.iter().position(|s| s == "threads").unwrap();
        assert!(threads > 1, "{order:?}");
    }

    #[test]
    fn large_inputs_do_not_go_to_processes() {
        let case = Case::from_work(8, Duration::from_millis(2), Duration::ZERO, 64 << 20).unwrap();
        let order = ranking(case);
        assert!(!order[0].starts_with("process"), "{order:?}");
        assert!(
            order[order.len() - 2..]
                .iter()
                .all(|s| s.starts_with("process")),
            "{order:?}"
        );
    }

    #[test]
    fn reasons_name_the_overhead_and_how_work_overlaps() {
        let case = Case::from_work(64, Duration::ZERO, Duration::from_millis(10), 0).unwrap();
        let ranked = rank(&model(), &case);
        let threads = ranked.iter().find(|r| r.strategy == "threads").unwrap();
        assert!(
            threads
                .reason
                .starts_with("64 thread spawns cost 2.56 ms of 12.6 ms;"),
            "{}",
            threads.reason
        );
        let rayon = ranked.iter().find(|r| r.strategy == "rayon").unwrap();
        assert!(
            rayon.reason.contains("2 workers run 32 rounds of 10.0 ms"),
            "{}",
            rayon.reason
        );
        assert!(
            ranked
                .windows(2)
                .all(|w| w[0].predicted_seconds <= w[1].predicted_seconds)
        );
    }

    #[test]
    fn workloads_become_work_through_the_hashing_speed() {
        let hash = Workload::Hash { bytes: 1 << 20 };
        let case = Case::from_workload(4, &hash, &model()).unwrap();
        assert_eq!(case.work.compute_ns.point, 0.5 * (1 << 20) as f64);
        assert_eq!(case.work.input_bytes, 1 << 20);
        let file = Workload::File { bytes: 1 << 20 };
        let err = Case::from_workload(4, &file, &model())
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with("--workload file cannot be predicted"),
            "{err}"
        );
    }

    #[test]
    fn bad_cases_are_one_line_errors_naming_the_flag() {
        let err = Case::from_work(0, Duration::ZERO, Duration::ZERO, 0).unwrap_err();
        assert_eq!(
            err.to_string(),
            "--tasks must be between 1 and 100000, got 0"
        );
        let err = Case::from_work(100, Duration::ZERO, Duration::ZERO, 1 << 30).unwrap_err();
        assert!(
            err.to_string().starts_with("--input times --tasks"),
            "{err}"
        );
        for bad in ["-1s", "soon", "2h"] {
            let err = parse_work_duration("--cpu", bad).unwrap_err().to_string();
            assert!(err.starts_with("--cpu must be"), "{bad}: {err}");
        }
        assert_eq!(parse_work_duration("--wait", "0s").unwrap(), Duration::ZERO);
    }
}
