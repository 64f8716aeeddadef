//! Python, measured: CPython's own threads, pools and asyncio on parbench's tasks (the
//! `python` bench's `py-*` groups), beside Rust's threads and the simulated `gil` on the same
//! tasks, for waiting, hashlib hashing and pure-Python computing.
//!
//! Built from the `py-*` groups and the interpreter record the bench wrote
//! ([`PythonRecord`]); without data it says how to enable the measurements or why they are
//! missing. Every sentence branches on the measured verdicts, never on what CPython is
//! expected to do.

use maud::{Markup, html};
use serde_json::{Value, json};

use crate::bench_id::{BenchFunction, Group};
use crate::python::{CPYTHON_STRATEGIES, GilStatus, PythonRecord, enable_hint};
use crate::suite::{Plan, Profile};

use super::super::analysis::{GroupAnalysis, Point, Verdict, effect_size};
use super::super::blocks::{Page, findings, findings_markdown, md_cell, scroll, strategy_link};
use super::super::data::RunData;
use super::super::format;
use super::{Section, Takeaway};

const ID: &str = "python";

/// The three kinds of work the section compares, as its table's columns.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Work {
    Waiting,
    Hashing,
    PurePython,
}

const WORKS: [Work; 3] = [Work::Waiting, Work::Hashing, Work::PurePython];

impl Work {
    fn key(self) -> &'static str {
        match self {
            Work::Waiting => "waiting",
            Work::Hashing => "hashing",
            Work::PurePython => "pure_python",
        }
    }
}

/// Who ran a row: CPython itself, or parbench's Rust strategies.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Runtime {
    CPython,
    Rust,
}

/// One strategy's points at the compared task count, one per kind of work.
#[derive(Clone, Debug, PartialEq)]
struct Row {
    runtime: Runtime,
    strategy: BenchFunction,
    cells: [Option<Point>; 3],
}

impl Row {
    fn speedup(&self, work: Work) -> Option<crate::interval::Interval> {
        self.cells[work as usize].as_ref()?.comparison.speedup()
    }

    fn label(&self) -> String {
        match self.runtime {
            Runtime::CPython => format!("CPython {}", self.strategy),
            Runtime::Rust if self.strategy == BenchFunction::Gil => {
                "Rust gil (simulated GIL)".to_string()
            }
            Runtime::Rust => format!("Rust {}", self.strategy),
        }
    }
}

/// The measured comparison.
#[derive(Clone, Debug, PartialEq)]
struct Comparison {
    /// The task count every row is taken at.
    tasks: u64,
    /// The groups of the columns, CPython's and Rust's (Rust has no pure-Python column).
    groups: [Option<Group>; 3],
    rust_groups: [Option<Group>; 2],
    rows: Vec<Row>,
    sentences: Vec<String>,
    takeaway: Option<(String, f64)>,
}

/// What the section shows.
enum State {
    /// The bench never ran, or the profile does not run it.
    NotRun {
        /// The latest run's profile, if recorded.
        profile: Option<Profile>,
    },
    /// No interpreter: how to enable it.
    Missing { hint: String },
    /// The interpreter could not be measured, and why.
    Broken { program: String, error: String },
    /// Measured; `comparison` is `None` when the record exists but no `py-*` data does
    /// (e.g. a filtered run).
    Measured {
        record: Box<PythonRecord>,
        comparison: Option<Box<Comparison>>,
    },
}

/// The section.
pub struct PythonSection {
    state: State,
    cores: usize,
}

/// Builds the section from the `py-*` groups, the Rust sleep and hash groups of the same
/// tasks, and the interpreter record.
pub fn build(data: &RunData) -> Box<dyn Section> {
    let cores = data.cores();
    let state = match &data.python {
        None => State::NotRun {
            profile: data.profile,
        },
        Some(PythonRecord::Missing { hint }) => State::Missing { hint: hint.clone() },
        Some(PythonRecord::Broken { program, error }) => State::Broken {
            program: program.clone(),
            error: error.clone(),
        },
        Some(record @ PythonRecord::Measured { .. }) => State::Measured {
            record: Box::new(record.clone()),
            comparison: compare(&data.groups, record).map(Box::new),
        },
    };
    Box::new(PythonSection { state, cores })
}

/// The first group of `groups` that `is` picks.
fn find(groups: &[GroupAnalysis], is: impl Fn(&Group) -> bool) -> Option<&GroupAnalysis> {
    groups.iter().find(|g| is(&g.group))
}

/// Puts CPython's strategies and Rust's threads and gil side by side at the largest task
/// count CPython measured.
fn compare(groups: &[GroupAnalysis], record: &PythonRecord) -> Option<Comparison> {
    let PythonRecord::Measured {
        hash_bytes,
        loop_iterations,
        tasks: measured,
        ..
    } = record
    else {
        return None;
    };
    let py: [Option<&GroupAnalysis>; 3] = [
        find(groups, |g| matches!(g, Group::PySleep { .. })),
        find(groups, |g| *g == Group::PyHash { bytes: *hash_bytes }),
        find(groups, |g| {
            *g == Group::PyLoop {
                iterations: *loop_iterations,
            }
        }),
    ];
    // The largest task count the latest run measured (a group may hold older points too).
    let tasks = measured
        .iter()
        .map(|&n| n as u64)
        .filter(|&n| {
            py.iter()
                .flatten()
                .any(|g| g.points.iter().any(|p| p.value() == n))
        })
        .max()?;
    let rust: [Option<&GroupAnalysis>; 2] = [
        py[0].and_then(|p| match p.group {
            Group::PySleep { duration } => find(groups, |g| *g == Group::Sleep { duration }),
            _ => None,
        }),
        find(groups, |g| *g == Group::Hash { bytes: *hash_bytes }),
    ];
    let at = |g: Option<&GroupAnalysis>, strategy: BenchFunction| {
        g.and_then(|g| g.point(strategy, tasks)).cloned()
    };
    let mut rows: Vec<Row> = CPYTHON_STRATEGIES
        .iter()
        .map(|&strategy| Row {
            runtime: Runtime::CPython,
            strategy,
            cells: py.map(|g| at(g, strategy)),
        })
        .filter(|r| r.cells.iter().any(Option::is_some))
        .collect();
    for strategy in [BenchFunction::Threads, BenchFunction::Gil] {
        let row = Row {
            runtime: Runtime::Rust,
            strategy,
            cells: [at(rust[0], strategy), at(rust[1], strategy), None],
        };
        if row.cells.iter().any(Option::is_some) {
            rows.push(row);
        }
    }
    let mut comparison = Comparison {
        tasks,
        groups: py.map(|g| g.map(|g| g.group)),
        rust_groups: rust.map(|g| g.map(|g| g.group)),
        rows,
        sentences: Vec::new(),
        takeaway: None,
    };
    conclude(&mut comparison);
    Some(comparison)
}

impl Comparison {
    fn speedup(
        &self,
        runtime: Runtime,
        strategy: BenchFunction,
        work: Work,
    ) -> Option<crate::interval::Interval> {
        self.rows
            .iter()
            .find(|r| r.runtime == runtime && r.strategy == strategy)?
            .speedup(work)
    }
}

/// Whether two verdicts say the same (both help, both no gain, both hurt); `None` when
/// either is inconclusive.
fn same_verdict(a: &Verdict, b: &Verdict) -> Option<bool> {
    match (a, b) {
        (Verdict::Inconclusive, _) | (_, Verdict::Inconclusive) => None,
        _ => Some(std::mem::discriminant(a) == std::mem::discriminant(b)),
    }
}

fn verdict_of(s: &crate::interval::Interval) -> Verdict {
    Verdict::from_speedup(s)
}

/// "help (×1.80 [1.70, 1.90])" and the like, for a plural subject ("threads help") or a
/// singular one ("a warm pool helps").
fn effect(s: &crate::interval::Interval, singular: bool) -> String {
    let word = match (verdict_of(s), singular) {
        (Verdict::Helps { .. }, false) => "help",
        (Verdict::Helps { .. }, true) => "helps",
        (Verdict::NoGain, false) => "gain nothing",
        (Verdict::NoGain, true) => "gains nothing",
        (Verdict::Hurts { .. }, false) => "hurt",
        (Verdict::Hurts { .. }, true) => "hurts",
        (Verdict::Inconclusive, false) => "are inconclusive",
        (Verdict::Inconclusive, true) => "is inconclusive",
    };
    format!("{word} ({})", format::speedup(s))
}

fn conclude(c: &mut Comparison) {
    use BenchFunction::{Gil, ProcessPool, ProcessPoolWarm, Threads};
    use Runtime::{CPython, Rust};
    let n = format::tasks(c.tasks);
    let group = |i: usize| c.groups[i].map(|g| g.to_string()).unwrap_or_default();
    let mut out = Vec::new();

    if let Some(threads) = c.speedup(CPython, Threads, Work::Waiting) {
        let rust = c
            .speedup(Rust, Threads, Work::Waiting)
            .map(|s| format!("; Rust threads {}", format::speedup_point(&s)))
            .unwrap_or_default();
        out.push(format!(
            "Waiting ({n} of {}): CPython threads {}{rust}.",
            group(0),
            effect(&threads, false)
        ));
    }

    let hash_threads = c.speedup(CPython, Threads, Work::Hashing);
    if let Some(threads) = hash_threads {
        let rust = c
            .speedup(Rust, Threads, Work::Hashing)
            .map(|s| format!("; Rust threads {}", format::speedup_point(&s)))
            .unwrap_or_default();
        let meaning = match verdict_of(&threads) {
            Verdict::Helps { .. } => "hashlib threads help: hashlib hashes with the GIL released",
            Verdict::NoGain | Verdict::Hurts { .. } => "hashlib threads do not help",
            Verdict::Inconclusive => "whether hashlib threads help cannot be told from this data",
        };
        out.push(format!(
            "Hashing ({n} of {}): {meaning} — CPython threads {}{rust}.",
            group(1),
            effect(&threads, false)
        ));
    }

    let loop_threads = c.speedup(CPython, Threads, Work::PurePython);
    if let Some(threads) = loop_threads {
        let pools: Vec<String> = [
            (ProcessPoolWarm, "a warm process pool"),
            (ProcessPool, "a pool started in the run"),
        ]
        .iter()
        .filter_map(|&(f, name)| {
            c.speedup(CPython, f, Work::PurePython)
                .map(|s| format!("{name} {}", effect(&s, true)))
        })
        .collect();
        let pools = if pools.is_empty() {
            String::new()
        } else {
            format!("; {}", pools.join(", "))
        };
        out.push(format!(
            "Pure-Python computing ({n} of {}): CPython threads {}{pools}.",
            group(2),
            effect(&threads, false)
        ));
    }

    // The simulated GIL against the real one: Rust's gil hashing holds its lock while it
    // computes, as CPython holds the GIL in pure-Python code.
    let gil_hash = c.speedup(Rust, Gil, Work::Hashing);
    match (gil_hash, loop_threads) {
        (Some(gil), Some(threads)) => {
            let how = match same_verdict(&verdict_of(&gil), &verdict_of(&threads)) {
                Some(true) => format!(
                    "behaves like the real one (both: {})",
                    format::verdict_word(&verdict_of(&gil))
                ),
                Some(false) => "does not behave like the real one".to_string(),
                None => "cannot be compared with the real one from this data".to_string(),
            };
            let mut sentence = format!(
                "The simulated GIL {how} on computing: Rust gil threads hashing {} against CPython threads on pure Python {}",
                format::speedup(&gil),
                format::speedup(&threads)
            );
            if let Some(hash) = hash_threads {
                let hash_helps = matches!(verdict_of(&hash), Verdict::Helps { .. });
                let gil_helps = matches!(verdict_of(&gil), Verdict::Helps { .. });
                if hash_helps && !gil_helps {
                    sentence.push_str(&format!(
                        "; unlike hashlib, which CPython threads speed up {}, it keeps its lock while hashing",
                        format::speedup_point(&hash)
                    ));
                }
            }
            if let (Some(gil_wait), Some(py_wait)) = (
                c.speedup(Rust, Gil, Work::Waiting),
                c.speedup(CPython, Threads, Work::Waiting),
            ) {
                let how = match same_verdict(&verdict_of(&gil_wait), &verdict_of(&py_wait)) {
                    Some(true) => "alike",
                    Some(false) => "differently",
                    None => "inconclusively",
                };
                sentence.push_str(&format!(
                    "; on waiting they behave {how} (gil {}, CPython threads {})",
                    format::speedup_point(&gil_wait),
                    format::speedup_point(&py_wait)
                ));
            }
            sentence.push('.');
            out.push(sentence);
        }
        (None, Some(_)) => out.push(format!(
            "The simulated GIL cannot be compared with the real one: Rust's gil was not measured on {n} of {}.",
            c.rust_groups[1].map(|g| g.to_string()).unwrap_or_else(|| "the same hash tasks".into())
        )),
        _ => {}
    }
    c.sentences = out;
    if let (Some(hash), Some(pure)) = (hash_threads, loop_threads) {
        c.takeaway = Some((
            format!(
                "CPython threads on {n}: hashlib {}, pure Python {}.",
                format::speedup_point(&hash),
                format::speedup_point(&pure)
            ),
            effect_size(hash.point / pure.point),
        ));
    }
}

/// Who was measured and how, in one sentence; `tasks` sizes the pools as the bench did.
fn interpreter_line(record: &PythonRecord, cores: usize, tasks: u64) -> Option<String> {
    let PythonRecord::Measured {
        program,
        from_env,
        info,
        loop_iterations,
        hash_bytes,
        ..
    } = record
    else {
        return None;
    };
    let gil = match (info.gil, info.free_threaded_build) {
        (GilStatus::Enabled, false) => "GIL enabled".to_string(),
        (GilStatus::Enabled, true) => {
            "GIL enabled (a free-threaded build with the GIL back on)".to_string()
        }
        (GilStatus::Disabled, _) => "GIL disabled (free-threaded build)".to_string(),
    };
    let workers = Plan::new(Profile::Default, cores).python_workers(tasks as usize);
    let from = if *from_env {
        format!("PARBENCH_PYTHON={program}")
    } else {
        format!("{program} on PATH")
    };
    Some(format!(
        "Measured on {} {} at {} ({from}), {gil}; multiprocessing start method {}; pools of {workers} workers at {}. A loop task of {loop_iterations} steps was sized at start-up to take about as long as hashing {}.",
        info.implementation,
        info.version,
        info.executable,
        info.start_method,
        format::tasks(tasks),
        format::bytes(*hash_bytes),
    ))
}

fn skipped(record: &PythonRecord) -> Vec<String> {
    match record {
        PythonRecord::Measured { skipped, .. } => skipped
            .iter()
            .map(|s| format!("{} was not measured: {}.", s.strategy, s.reason))
            .collect(),
        _ => Vec::new(),
    }
}

impl PythonSection {
    fn note(&self) -> Option<String> {
        match &self.state {
            State::NotRun {
                profile: Some(profile),
            } if Plan::new(*profile, self.cores).python_tasks().is_empty() => Some(format!(
                "The {} profile does not measure CPython; the default and quick profiles do.",
                profile.name()
            )),
            State::NotRun { .. } => Some(format!(
                "CPython was not measured in this run; to measure it, {}.",
                enable_hint()
            )),
            State::Missing { hint } => Some(format!(
                "CPython was not measured: no python3 was found; to measure it, {hint}."
            )),
            State::Broken { error, .. } => Some(format!(
                "CPython was not measured: {error}"
            )),
            State::Measured {
                comparison: None, ..
            } => Some(
                "CPython's interpreter was recorded, but no py-* measurements of it were found (a filtered run?); run `cargo bench --bench python`.".to_string(),
            ),
            State::Measured { .. } => None,
        }
    }

    fn comparison(&self) -> Option<(&PythonRecord, &Comparison)> {
        match &self.state {
            State::Measured {
                record,
                comparison: Some(c),
            } => Some((record, c)),
            _ => None,
        }
    }

    fn header(c: &Comparison, i: usize) -> String {
        let what = ["Waiting", "Hashing (hashlib)", "Pure Python"][i];
        match c.groups[i] {
            Some(g) => format!("{what}: {}", g),
            None => format!("{what}: not measured"),
        }
    }
}

fn cell(point: Option<&Point>) -> String {
    point
        .map(|p| format::comparison(&p.comparison))
        .unwrap_or_else(|| "–".to_string())
}

fn verdict_cell(point: Option<&Point>) -> String {
    point
        .and_then(|p| p.comparison.speedup())
        .map(|s| format::verdict(&Verdict::from_speedup(&s)))
        .unwrap_or_default()
}

impl Section for PythonSection {
    fn id(&self) -> &'static str {
        ID
    }

    fn title(&self) -> &'static str {
        "Python, measured"
    }

    fn has_data(&self) -> bool {
        // Without measurements the section still says how to enable them or why they are
        // missing; when the python bench did not run at all (a filtered run, the seed
        // profile) there is nothing to say, and the section is left out like any other.
        !matches!(self.state, State::NotRun { .. })
    }

    fn groups(&self) -> Vec<Group> {
        self.comparison()
            .map(|(_, c)| c.groups.iter().flatten().copied().collect())
            .unwrap_or_default()
    }

    fn findings(&self) -> Vec<String> {
        match self.comparison() {
            Some((_, c)) => c.sentences.clone(),
            None => self.note().into_iter().collect(),
        }
    }

    fn takeaways(&self) -> Vec<Takeaway> {
        self.comparison()
            .and_then(|(_, c)| c.takeaway.clone())
            .map(|(sentence, effect)| Takeaway {
                section: ID,
                sentence,
                effect,
            })
            .into_iter()
            .collect()
    }

    fn html(&self, page: &Page) -> Markup {
        let Some((record, c)) = self.comparison() else {
            return html! { p.note { (self.note().unwrap_or_default()) } };
        };
        let interpreter = interpreter_line(record, self.cores, c.tasks).unwrap_or_default();
        html! {
            p { "The same tasks run by CPython itself — " code { "threading" } ", " code { "concurrent.futures" } ", " code { "multiprocessing" } " and " code { "asyncio" } " — timed inside Python, beside Rust's threads and the simulated " code { "gil" } " on the same tasks. Speedups over each runtime's own sequential run, at " (format::tasks(c.tasks)) ", with 95 % intervals and verdicts." }
            p { (interpreter) }
            (findings(&c.sentences))
            (scroll(html! {
                table #python-table {
                    thead { tr {
                        th { "Strategy" }
                        @for i in 0..3 { th colspan="2" { (Self::header(c, i)) } }
                    } }
                    tbody { @for row in &c.rows {
                        @let dir = row.cells.iter().flatten().next().map(|p| p.measurement.directory.as_str()).unwrap_or_default();
                        tr {
                            td {
                                @if row.runtime == Runtime::Rust { "Rust " } @else { "CPython " }
                                (strategy_link(page, dir, row.strategy))
                            }
                            @for cell_point in &row.cells {
                                td { (cell(cell_point.as_ref())) }
                                td { (verdict_cell(cell_point.as_ref())) }
                            }
                        }
                    } }
                }
            }))
            @for line in skipped(record) { p.note { (line) } }
        }
    }

    fn markdown(&self, _page: &Page) -> String {
        let Some((record, c)) = self.comparison() else {
            return format!("{}\n", self.note().unwrap_or_default());
        };
        let mut md = format!(
            "{}\n\n",
            interpreter_line(record, self.cores, c.tasks).unwrap_or_default()
        );
        md.push_str(&format!(
            "| Strategy | {} | verdict | {} | verdict | {} | verdict |\n|---|---|---|---|---|---|---|\n",
            Self::header(c, 0),
            Self::header(c, 1),
            Self::header(c, 2)
        ));
        for row in &c.rows {
            md.push_str(&format!("| {} |", md_cell(&row.label())));
            for p in &row.cells {
                md.push_str(&format!(
                    " {} | {} |",
                    cell(p.as_ref()),
                    verdict_cell(p.as_ref())
                ));
            }
            md.push('\n');
        }
        md.push('\n');
        md.push_str(&findings_markdown(&c.sentences));
        for line in skipped(record) {
            md.push_str(&format!("{line}\n"));
        }
        md
    }

    fn json(&self, _page: &Page) -> Vec<(&'static str, Value)> {
        let status = match &self.state {
            State::NotRun { .. } => "not-run",
            State::Missing { .. } => "missing",
            State::Broken { .. } => "broken",
            State::Measured { .. } => "measured",
        };
        let measured = match &self.state {
            State::Measured { record, .. } => Some(record.as_ref()),
            _ => None,
        };
        let interpreter = match (&self.state, measured) {
            (
                _,
                Some(PythonRecord::Measured {
                    program,
                    from_env,
                    info,
                    hash_bytes,
                    loop_iterations,
                    tasks,
                    skipped,
                }),
            ) => json!({
                "program": program,
                "from_env": from_env,
                "executable": info.executable,
                "version": info.version,
                "implementation": info.implementation,
                "gil": info.gil,
                "free_threaded_build": info.free_threaded_build,
                "start_method": info.start_method,
                "hash_bytes": hash_bytes,
                "loop_iterations": loop_iterations,
                "tasks": tasks,
                "skipped": skipped,
            }),
            (State::Broken { program, .. }, _) => json!({ "program": program }),
            _ => Value::Null,
        };
        let (tasks, rows, sentences) = match self.comparison() {
            Some((_, c)) => {
                let rows: Vec<Value> = c
                    .rows
                    .iter()
                    .map(|r| {
                        let mut row = json!({
                            "runtime": match r.runtime { Runtime::CPython => "cpython", Runtime::Rust => "rust" },
                            "strategy": r.strategy,
                        });
                        for work in WORKS {
                            let value = r.cells[work as usize].as_ref().map(|p| {
                                let speedup = p.comparison.speedup();
                                json!({
                                    "id": p.measurement.id.to_string(),
                                    "mean_ns": p.measurement.mean_ns,
                                    "speedup": speedup,
                                    "verdict": speedup.map(|s| Verdict::from_speedup(&s)),
                                })
                            });
                            row[work.key()] = value.unwrap_or(Value::Null);
                        }
                        row
                    })
                    .collect();
                (Some(c.tasks), rows, c.sentences.clone())
            }
            None => (None, Vec::new(), Vec::new()),
        };
        vec![(
            "python",
            json!({
                "status": status,
                "note": self.note(),
                "interpreter": interpreter,
                "tasks": tasks,
                "rows": rows,
                "sentences": sentences,
            }),
        )]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bench_id::BenchFunction::{
        Gil, ProcessPool, ProcessPoolWarm, Sequential, ThreadPool, Threads,
    };
    use crate::python::{InterpreterInfo, SkippedStrategy};
    use crate::report::testdata::{HASH, SLEEP, analyse, m};
    use scraper::{Html, Selector};

    const PY_SLEEP: Group = Group::PySleep {
        duration: std::time::Duration::from_millis(10),
    };
    const PY_HASH: Group = Group::PyHash { bytes: 1 << 20 };
    const PY_LOOP: Group = Group::PyLoop { iterations: 3000 };

    fn record(gil: GilStatus) -> PythonRecord {
        PythonRecord::Measured {
            program: "python3".into(),
            from_env: false,
            info: InterpreterInfo {
                version: "3.11.7".into(),
                implementation: "CPython".into(),
                executable: "/usr/bin/python3.11".into(),
                gil,
                free_threaded_build: gil == GilStatus::Disabled,
                start_method: "fork".into(),
                cpus: Some(2),
            },
            hash_bytes: 1 << 20,
            loop_iterations: 3000,
            tasks: vec![2, 8],
            skipped: vec![SkippedStrategy::new(
                BenchFunction::AsyncioToThread,
                "asyncio.to_thread needs Python 3.9 or newer; this is 3.8.18".into(),
            )],
        }
    }

    /// CPython and Rust at 8 tasks on 2 cores: `py_loop_threads` and `rust_gil_hash` are the
    /// speedups of CPython threads on the loop and of Rust's gil on hashing.
    fn data(py_loop_threads: f64, rust_gil_hash: f64) -> RunData {
        let n = 8;
        let ms = 1e6;
        let mut d = vec![
            m(PY_SLEEP, Sequential, n, 80.0 * ms),
            m(PY_SLEEP, Threads, n, 10.5 * ms),
            m(PY_SLEEP, ThreadPool, n, 40.0 * ms),
            m(PY_HASH, Sequential, n, 8.0 * ms),
            m(PY_HASH, Threads, n, 8.0 * ms / 1.9),
            m(PY_HASH, ProcessPool, n, 60.0 * ms),
            m(PY_LOOP, Sequential, n, 8.0 * ms),
            m(PY_LOOP, Threads, n, 8.0 * ms / py_loop_threads),
            m(PY_LOOP, ProcessPoolWarm, n, 8.0 * ms / 1.7),
            m(SLEEP, Sequential, n, 80.0 * ms),
            m(SLEEP, Threads, n, 10.2 * ms),
            m(SLEEP, Gil, n, 10.4 * ms),
            m(HASH, Sequential, n, 4.0 * ms),
            m(HASH, Threads, n, 2.05 * ms),
            m(HASH, Gil, n, 4.0 * ms / rust_gil_hash),
        ];
        // A smaller task count: the rows are taken at the largest.
        d.push(m(PY_HASH, Sequential, 2, 2.0 * ms));
        d.push(m(PY_HASH, Threads, 2, 1.0 * ms));
        let mut data = RunData::from_groups(analyse(&d), 2);
        data.python = Some(record(GilStatus::Enabled));
        data
    }

    fn page(data: &RunData) -> Page<'_> {
        Page {
            data,
            takeaways: &[],
            sections: vec![(ID, vec![PY_SLEEP, PY_HASH, PY_LOOP])],
        }
    }

    fn json(data: &RunData) -> Value {
        let section = build(data);
        let mut keys = section.json(&page(data));
        assert_eq!(keys.len(), 1);
        let (key, value) = keys.remove(0);
        assert_eq!(key, "python");
        value
    }

    #[test]
    fn sentences_follow_the_measured_verdicts() {
        let data = data(1.0, 1.0);
        let section = build(&data);
        let findings = section.findings().join("\n");
        assert!(
            findings.contains("Waiting (8 tasks of py-sleep-10ms): CPython threads help (×7.62"),
            "{findings}"
        );
        assert!(
            findings.contains("hashlib threads help: hashlib hashes with the GIL released"),
            "{findings}"
        );
        assert!(
            findings.contains("CPython threads gain nothing (×1.00")
                && findings.contains("a warm process pool helps (×1.70"),
            "{findings}"
        );
        assert!(
            findings.contains(
                "The simulated GIL behaves like the real one (both: no gain) on computing"
            ),
            "{findings}"
        );
        assert!(findings.contains("unlike hashlib"), "{findings}");
        assert!(
            findings.contains("on waiting they behave alike"),
            "{findings}"
        );
        let takeaway = &section.takeaways()[0];
        assert_eq!(
            takeaway.sentence,
            "CPython threads on 8 tasks: hashlib ×1.90, pure Python ×1.00."
        );
        assert!((takeaway.effect - 1.9f64.ln()).abs() < 1e-9);
        assert_eq!(section.groups(), vec![PY_SLEEP, PY_HASH, PY_LOOP]);
    }

    #[test]
    fn a_simulated_gil_that_scales_is_not_like_the_real_one() {
        let findings = build(&data(1.0, 1.9)).findings().join("\n");
        assert!(
            findings.contains("The simulated GIL does not behave like the real one"),
            "{findings}"
        );
        assert!(!findings.contains("unlike hashlib"), "{findings}");
        // Real threads that scale on pure Python (a free-threaded build) are said as measured.
        let free = build(&data(1.8, 1.0)).findings().join("\n");
        assert!(free.contains("CPython threads help (×1.80"), "{free}");
        assert!(free.contains("does not behave like the real one"), "{free}");
    }

    #[test]
    fn table_json_and_interpreter_line_carry_the_rows() {
        let data = data(1.0, 1.0);
        let section = build(&data);
        let html = Html::parse_fragment(&section.html(&page(&data)).into_string());
        let rows = Selector::parse("#python-table tbody tr").unwrap();
        let labels: Vec<String> = html
            .select(&rows)
            .map(|r| r.text().next().unwrap_or_default().trim().to_string())
            .collect();
        // CPython's strategies measured here, then Rust's threads and gil.
        assert_eq!(labels.len(), 7, "{labels:?}");
        let text: String = html.root_element().text().collect();
        assert!(
            text.contains("CPython 3.11.7 at /usr/bin/python3.11"),
            "{text}"
        );
        assert!(text.contains("GIL enabled"), "{text}");
        assert!(
            text.contains("asyncio-to-thread was not measured"),
            "{text}"
        );
        let md = section.markdown(&page(&data));
        assert!(md.contains("| Rust gil (simulated GIL) |"), "{md}");
        let json = json(&data);
        assert_eq!(json["status"], "measured");
        assert_eq!(json["tasks"], 8);
        assert_eq!(json["interpreter"]["gil"], "enabled");
        assert_eq!(json["interpreter"]["loop_iterations"], 3000);
        let threads = &json["rows"][1];
        assert_eq!(threads["runtime"], "cpython");
        assert_eq!(threads["strategy"], "threads");
        assert_eq!(threads["hashing"]["id"], "py-hash-1MiB/threads/8");
        assert_eq!(threads["hashing"]["verdict"]["kind"], "helps");
        let gil = json["rows"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["runtime"] == "rust" && r["strategy"] == "gil")
            .unwrap();
        assert!(gil["pure_python"].is_null());
        assert_eq!(gil["hashing"]["id"], "hash-1MiB/gil/8");
    }

    #[test]
    fn without_data_the_section_says_how_to_enable_it_or_why_not() {
        let mut data = RunData::from_groups(Vec::new(), 2);
        let note = |data: &RunData| build(data).findings().join("\n");
        assert!(note(&data).contains("PARBENCH_PYTHON"), "{}", note(&data));
        assert_eq!(json(&data)["status"], "not-run");
        data.profile = Some(Profile::Seed);
        assert!(note(&data).contains("The seed profile does not measure CPython"));
        data.python = Some(PythonRecord::Missing {
            hint: enable_hint(),
        });
        assert!(
            note(&data).contains("no python3 was found"),
            "{}",
            note(&data)
        );
        assert_eq!(json(&data)["status"], "missing");
        data.python = Some(PythonRecord::Broken {
            program: "/opt/python2".into(),
            error: "Python '/opt/python2' (PARBENCH_PYTHON) is version 2.7.18; parbench needs Python 3.8 or newer".into(),
        });
        assert!(note(&data).contains("is version 2.7.18"), "{}", note(&data));
        let json = json(&data);
        assert_eq!(json["status"], "broken");
        assert_eq!(json["interpreter"]["program"], "/opt/python2");
        assert!(json["rows"].as_array().unwrap().is_empty());
        data.python = Some(record(GilStatus::Enabled));
        assert!(
            note(&data).contains("no py-* measurements"),
            "{}",
            note(&data)
        );
        assert!(build(&data).has_data(), "the note is shown");
        assert!(build(&data).takeaways().is_empty());
    }

    #[test]
    fn rows_are_taken_at_the_latest_runs_largest_task_count() {
        let mut data = data(1.0, 1.0);
        // The latest run measured 2 tasks only; the points at 8 are an older run's.
        if let Some(PythonRecord::Measured { tasks, .. }) = data.python.as_mut() {
            *tasks = vec![2];
        }
        let json = json(&data);
        assert_eq!(json["tasks"], 2);
        assert_eq!(json["rows"][1]["hashing"]["id"], "py-hash-1MiB/threads/2");
        assert!(json["rows"][1]["waiting"].is_null());
    }

    #[test]
    fn a_free_threaded_build_is_labelled() {
        let mut data = data(1.8, 1.0);
        data.python = Some(record(GilStatus::Disabled));
        let text = build(&data).markdown(&page(&data));
        assert!(
            text.contains("GIL disabled (free-threaded build)"),
            "{text}"
        );
    }
}
