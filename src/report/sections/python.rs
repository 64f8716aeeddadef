//! Python, measured: CPython's own threads, pools and asyncio on parbench's tasks (the
//! `python` bench's `py-*@<interpreter>` groups) on every interpreter of the run — a build
//! with the GIL, a free-threaded build with the GIL off and forced back on — beside Rust's
//! threads and the simulated `gil`, for waiting, hashlib hashing and pure-Python computing.
//!
//! Built from the `py-*` groups and the interpreter record the bench wrote
//! ([`PythonRecord`]); without data it says how to enable the measurements or why they are
//! missing, and without a free-threaded build how to get one. Every sentence branches on the
//! measured verdicts, never on what CPython is expected to do.

use maud::{Markup, html};
use plotters::prelude::*;
use serde_json::{Value, json};

use crate::bench_id::{BenchFunction, Group, PyBuild, PyTag};
use crate::interval::Interval;
use crate::python::{
    CPYTHON_STRATEGIES, FREE_THREADED_SCRIPT, GilStatus, InterpreterRecord, PythonRecord,
    enable_hint,
};
use crate::suite::Profile;

use super::super::analysis::{GroupAnalysis, Point, Verdict, effect_size, speedup};
use super::super::blocks::{
    Page, figure, findings, findings_markdown, md_cell, scroll, strategy_link,
};
use super::super::data::RunData;
use super::super::format;
use super::{Section, Takeaway};

const ID: &str = "python";

/// What a Python reader may look for in vain: parbench's advice stays with Rust.
const RUST_ONLY: &str = "parbench's `advise` command and its cost model stay Rust-only: they \
     predict Rust's strategies from Rust's measured costs and say nothing about CPython; the \
     figures here are CPython's own.";

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

    fn title(self) -> &'static str {
        match self {
            Work::Waiting => "Waiting",
            Work::Hashing => "Hashing (hashlib)",
            Work::PurePython => "Pure Python",
        }
    }
}

/// Who ran a row: CPython on one interpreter, or parbench's Rust strategies.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Runtime {
    CPython(PyTag),
    Rust,
}

/// An interpreter in words: `3.11 (GIL)`, `3.13t (free-threaded, GIL off)`,
/// `3.13t (GIL forced on)`.
fn tag_label(tag: PyTag) -> String {
    let plain = PyTag {
        build: PyBuild::Gil,
        ..tag
    };
    match tag.build {
        PyBuild::Gil => format!("{plain} (GIL)"),
        PyBuild::FreeThreaded => format!("{plain}t (free-threaded, GIL off)"),
        PyBuild::FreeThreadedGilOn => format!("{plain}t (GIL forced on)"),
    }
}

/// One strategy's points at the compared task count, one per kind of work.
#[derive(Clone, Debug, PartialEq)]
struct Row {
    runtime: Runtime,
    strategy: BenchFunction,
    cells: [Option<Point>; 3],
}

impl Row {
    fn speedup(&self, work: Work) -> Option<Interval> {
        self.cells[work as usize].as_ref()?.comparison.speedup()
    }
}

/// What one interpreter's empty tasks say: the cost per task of a thread (start and join)
/// and of a `ThreadPoolExecutor` hand-off, over running the empty task inline.
#[derive(Clone, Debug, PartialEq)]
struct StartCost {
    tag: PyTag,
    tasks: u64,
    thread: Option<Interval>,
    thread_pool: Option<Interval>,
}

/// The free-threaded build's own cost on one thread: its sequential loop time over the GIL
/// build's.
#[derive(Clone, Debug, PartialEq)]
struct SingleThread {
    free: PyTag,
    gil: PyTag,
    /// Free-threaded time / GIL-build time (above 1: slower).
    ratio: Interval,
    free_ns: Interval,
    gil_ns: Interval,
}

/// The measured comparison.
#[derive(Clone, Debug, PartialEq)]
struct Comparison {
    /// The task count every row is taken at.
    tasks: u64,
    /// The interpreters, in the bench's order.
    interpreters: Vec<InterpreterRecord>,
    /// Every `py-*` group shown.
    groups: Vec<Group>,
    /// The first interpreter's groups, per kind of work (for the column headers).
    columns: [Option<Group>; 3],
    /// Rust's sleep and hash groups of the rows.
    rust_groups: [Option<Group>; 2],
    rows: Vec<Row>,
    start_costs: Vec<StartCost>,
    single_thread: Option<SingleThread>,
    sentences: Vec<String>,
    takeaways: Vec<(String, f64)>,
}

/// What the section shows.
enum State {
    /// The bench never ran, or the profile does not run it.
    NotRun {
        /// The latest run's profile, if recorded.
        profile: Option<Profile>,
        /// Whether that profile measures CPython at all, if known.
        measures_python: Option<bool>,
    },
    /// No interpreter: how to enable it.
    Missing { hint: String },
    /// No interpreter could be measured, and why.
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
    /// The CPython pools' size for each task count, as the bench ran them.
    workers_by_tasks: Box<dyn Fn(u64) -> usize>,
}

/// Builds the section from the `py-*` groups, the Rust sleep and hash groups of the same
/// task count, and the interpreter record.
pub fn build(data: &RunData) -> Box<dyn Section> {
    let cores = data.cores();
    let state = match &data.python {
        None => State::NotRun {
            profile: data.profile,
            measures_python: data.profile_measures_python(),
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
    let workers_by_tasks = data.python_workers_by_tasks();
    Box::new(PythonSection {
        state,
        cores,
        workers_by_tasks,
    })
}

/// The first group of `groups` that `is` picks.
fn find(groups: &[GroupAnalysis], is: impl Fn(&Group) -> bool) -> Option<&GroupAnalysis> {
    groups.iter().find(|g| is(&g.group))
}

/// One interpreter's groups: sleep, hash, loop (the columns), and its empty tasks.
struct Groups<'a> {
    tag: PyTag,
    columns: [Option<&'a GroupAnalysis>; 3],
    overhead: Option<&'a GroupAnalysis>,
}

impl Groups<'_> {
    fn of(
        groups: &[GroupAnalysis],
        on: PyTag,
        hash_bytes: u64,
        loop_iterations: u64,
    ) -> Groups<'_> {
        Groups {
            tag: on,
            columns: [
                find(
                    groups,
                    |g| matches!(g, Group::PySleep { on: o, .. } if *o == on),
                ),
                find(groups, |g| {
                    *g == Group::PyHash {
                        bytes: hash_bytes,
                        on,
                    }
                }),
                find(groups, |g| {
                    *g == Group::PyLoop {
                        iterations: loop_iterations,
                        on,
                    }
                }),
            ],
            overhead: find(groups, |g| *g == Group::PyOverhead { on }),
        }
    }
}

/// Puts every interpreter's CPython strategies and Rust's threads and gil side by side at the
/// largest task count CPython measured.
fn compare(groups: &[GroupAnalysis], record: &PythonRecord) -> Option<Comparison> {
    let PythonRecord::Measured {
        interpreters,
        hash_bytes,
        loop_iterations,
        tasks: measured,
        ..
    } = record
    else {
        return None;
    };
    let per: Vec<Groups> = interpreters
        .iter()
        .map(|i| Groups::of(groups, i.tag, *hash_bytes, *loop_iterations))
        .collect();
    // The largest task count the latest run measured (a group may hold older points too).
    let tasks = measured
        .iter()
        .map(|&n| n as u64)
        .filter(|&n| {
            per.iter()
                .flat_map(|g| g.columns.iter().flatten())
                .any(|g| g.points.iter().any(|p| p.value() == n))
        })
        .max()?;
    let sleep_duration = per.iter().find_map(|g| match g.columns[0]?.group {
        Group::PySleep { duration, .. } => Some(duration),
        _ => None,
    });
    // Rust's hash group of the same task size if there is one, else the largest measured.
    let rust_hash = find(groups, |g| *g == Group::Hash { bytes: *hash_bytes }).or_else(|| {
        groups
            .iter()
            .filter(|g| matches!(g.group, Group::Hash { .. }))
            .filter(|g| g.point(BenchFunction::Threads, tasks).is_some())
            .max_by_key(|g| match g.group {
                Group::Hash { bytes } => bytes,
                _ => 0,
            })
    });
    let rust: [Option<&GroupAnalysis>; 2] = [
        sleep_duration.and_then(|duration| find(groups, |g| *g == Group::Sleep { duration })),
        rust_hash,
    ];
    let at = |g: Option<&GroupAnalysis>, strategy: BenchFunction| {
        g.and_then(|g| g.point(strategy, tasks)).cloned()
    };
    let mut rows: Vec<Row> = Vec::new();
    for g in &per {
        for &strategy in CPYTHON_STRATEGIES {
            let row = Row {
                runtime: Runtime::CPython(g.tag),
                strategy,
                cells: g.columns.map(|g| at(g, strategy)),
            };
            if row.cells.iter().any(Option::is_some) {
                rows.push(row);
            }
        }
    }
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
    let start_costs = per
        .iter()
        .filter_map(|g| start_cost(g.tag, g.overhead?, tasks))
        .collect();
    let single_thread = single_thread(&per, tasks);
    let mut shown: Vec<Group> = Vec::new();
    for g in &per {
        shown.extend(g.columns.iter().flatten().map(|g| g.group));
        shown.extend(g.overhead.iter().map(|g| g.group));
    }
    let mut comparison = Comparison {
        tasks,
        interpreters: interpreters.clone(),
        groups: shown,
        columns: per.first().map(|g| g.columns.map(|g| g.map(|g| g.group)))?,
        rust_groups: rust.map(|g| g.map(|g| g.group)),
        rows,
        start_costs,
        single_thread,
        sentences: Vec::new(),
        takeaways: Vec::new(),
    };
    conclude(&mut comparison);
    Some(comparison)
}

/// `a − b` of two independent estimates, bound by bound so the interval covers both.
fn difference(a: &Interval, b: &Interval) -> Interval {
    Interval {
        point: a.point - b.point,
        lower: a.lower - b.upper,
        upper: a.upper - b.lower,
    }
}

/// What a thread and a thread-pool hand-off cost per empty task on one interpreter, at the
/// largest task count its `py-overhead` group measured up to `tasks`.
fn start_cost(tag: PyTag, overhead: &GroupAnalysis, tasks: u64) -> Option<StartCost> {
    let n = overhead
        .values()
        .into_iter()
        .filter(|&v| v <= tasks && overhead.point(BenchFunction::Sequential, v).is_some())
        .max()?;
    let inline = overhead
        .point(BenchFunction::Sequential, n)?
        .measurement
        .mean_ns;
    let per_task = |strategy| {
        overhead
            .point(strategy, n)
            .map(|p| difference(&p.measurement.mean_ns, &inline).scaled(1.0 / n as f64))
    };
    Some(StartCost {
        tag,
        tasks: n,
        thread: per_task(BenchFunction::Threads),
        thread_pool: per_task(BenchFunction::ThreadPool),
    })
}

/// The first free-threaded build running without the GIL against the first build with one:
/// their sequential pure-Python loops at `tasks` tasks.
fn single_thread(per: &[Groups], tasks: u64) -> Option<SingleThread> {
    let sequential = |build: PyBuild| {
        let g = per.iter().find(|g| g.tag.build == build)?;
        let p = g.columns[Work::PurePython as usize]?.point(BenchFunction::Sequential, tasks)?;
        Some((g.tag, p.measurement.mean_ns))
    };
    let (free, free_ns) = sequential(PyBuild::FreeThreaded)?;
    let (gil, gil_ns) = sequential(PyBuild::Gil)?;
    Some(SingleThread {
        free,
        gil,
        ratio: speedup(&free_ns, &gil_ns),
        free_ns,
        gil_ns,
    })
}

impl Comparison {
    fn speedup(&self, runtime: Runtime, strategy: BenchFunction, work: Work) -> Option<Interval> {
        self.rows
            .iter()
            .find(|r| r.runtime == runtime && r.strategy == strategy)?
            .speedup(work)
    }

    /// The first interpreter of `build`, if the run has one.
    fn tag(&self, build: PyBuild) -> Option<PyTag> {
        self.interpreters
            .iter()
            .map(|i| i.tag)
            .find(|t| t.build == build)
    }

    /// The reference interpreter: the first (the loop task was sized on it).
    fn reference(&self) -> Option<PyTag> {
        self.interpreters.first().map(|i| i.tag)
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

fn verdict_of(s: &Interval) -> Verdict {
    Verdict::from_speedup(s)
}

/// "help (×1.80 [1.70, 1.90])" and the like, for a plural subject ("threads help") or a
/// singular one ("a warm pool helps").
fn effect(s: &Interval, singular: bool) -> String {
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

/// A time with its interval: `412 µs [380 µs, 450 µs]`; a difference of two times may reach
/// below zero (`−3.10 µs`).
fn time_interval(t: &Interval) -> String {
    let signed = |ns: f64| {
        if ns < 0.0 {
            format!("−{}", format::time(-ns))
        } else {
            format::time(ns)
        }
    };
    format!(
        "{} [{}, {}]",
        signed(t.point),
        signed(t.lower),
        signed(t.upper)
    )
}

fn conclude(c: &mut Comparison) {
    use BenchFunction::{Gil, ProcessPool, ProcessPoolWarm, ThreadPool, Threads};
    let Some(reference) = c.reference() else {
        return;
    };
    let py = Runtime::CPython(reference);
    let rust = Runtime::Rust;
    let n = format::tasks(c.tasks);
    let group = |i: usize| c.columns[i].map(|g| g.to_string()).unwrap_or_default();
    let mut out = Vec::new();

    if let Some(threads) = c.speedup(py, Threads, Work::Waiting) {
        let rust = c
            .speedup(rust, Threads, Work::Waiting)
            .map(|s| format!("; Rust threads {}", format::speedup_point(&s)))
            .unwrap_or_default();
        out.push(format!(
            "Waiting ({n} of {}): CPython threads {}{rust}.",
            group(0),
            effect(&threads, false)
        ));
    }

    let hash_threads = c.speedup(py, Threads, Work::Hashing);
    if let Some(threads) = hash_threads {
        let rust = c
            .speedup(rust, Threads, Work::Hashing)
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

    let loop_threads = c.speedup(py, Threads, Work::PurePython);
    if let Some(threads) = loop_threads {
        let pools: Vec<String> = [
            (ProcessPoolWarm, "a warm process pool"),
            (ProcessPool, "a pool started in the run"),
        ]
        .iter()
        .filter_map(|&(f, name)| {
            c.speedup(py, f, Work::PurePython)
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

    // Without the GIL: the free-threaded build's threads on pure Python, beside the GIL
    // build's and the same build's with the GIL forced back on.
    let free = c.tag(PyBuild::FreeThreaded);
    let gil_build = c.tag(PyBuild::Gil);
    let forced = c.tag(PyBuild::FreeThreadedGilOn);
    if let Some(free) = free {
        let on = |tag: Option<PyTag>, strategy| {
            tag.and_then(|t| c.speedup(Runtime::CPython(t), strategy, Work::PurePython))
        };
        if let Some(free_threads) = on(Some(free), Threads) {
            let mut beside = Vec::new();
            if let (Some(tag), Some(s)) = (gil_build, on(gil_build, Threads)) {
                beside.push(format!("{} with the GIL ({tag})", format::speedup(&s)));
            }
            if let (Some(tag), Some(s)) = (forced, on(forced, Threads)) {
                beside.push(format!(
                    "{} with the GIL forced back on ({tag})",
                    format::speedup(&s)
                ));
            }
            let pool = on(Some(free), ThreadPool)
                .map(|s| format!("; a ThreadPoolExecutor {}", effect(&s, true)))
                .unwrap_or_default();
            let beside = if beside.is_empty() {
                String::new()
            } else {
                format!(", against {}", beside.join(" and "))
            };
            out.push(format!(
                "Without the GIL ({free}, {n}): CPython threads on pure Python {}{beside}{pool}.",
                effect(&free_threads, false)
            ));
            if let Some(forced_s) = on(forced, Threads) {
                let sentence = match (verdict_of(&free_threads), verdict_of(&forced_s)) {
                    (Verdict::Helps { .. }, Verdict::NoGain | Verdict::Hurts { .. }) => Some(
                        "Forcing the GIL back on takes the gain away again: the difference is the GIL, not the build.",
                    ),
                    (a, b) if same_verdict(&a, &b) == Some(true) => Some(
                        "The free-threaded build's threads give the same verdict with the GIL off and forced on: this data does not show the GIL at work.",
                    ),
                    _ => None,
                };
                out.extend(sentence.map(str::to_string));
            }
            let gil_threads = on(gil_build, Threads);
            let takeaway = match gil_threads {
                Some(g) => (
                    format!(
                        "Without the GIL ({free}), CPython threads on pure Python: {} against {} with it ({}).",
                        format::speedup_point(&free_threads),
                        format::speedup_point(&g),
                        gil_build.map(|t| t.to_string()).unwrap_or_default()
                    ),
                    effect_size(free_threads.point / g.point),
                ),
                None => (
                    format!(
                        "Without the GIL ({free}), CPython threads on pure Python: {}.",
                        format::speedup_point(&free_threads)
                    ),
                    effect_size(free_threads.point),
                ),
            };
            // The first screen gets it only when the data decides it.
            if verdict_of(&free_threads) != Verdict::Inconclusive {
                c.takeaways.push(takeaway);
            }
        }
    }
    if let Some(st) = &c.single_thread {
        let how = match verdict_of(&Interval {
            point: 1.0 / st.ratio.point,
            lower: 1.0 / st.ratio.upper,
            upper: 1.0 / st.ratio.lower,
        }) {
            Verdict::Hurts { .. } => "slower",
            Verdict::Helps { .. } => "faster",
            Verdict::NoGain => "about as fast",
            Verdict::Inconclusive => "inconclusively faster or slower",
        };
        out.push(format!(
            "On one thread the free-threaded build is {how}: the sequential pure-Python loops take {} on {} against {} on {} ({} the time).",
            format::time(st.free_ns.point),
            st.free,
            format::time(st.gil_ns.point),
            st.gil,
            format::speedup(&st.ratio)
        ));
    }
    if !c.start_costs.is_empty() {
        let parts: Vec<String> = c
            .start_costs
            .iter()
            .filter_map(|s| {
                s.thread
                    .map(|t| format!("{} on {}", time_interval(&t), s.tag))
            })
            .collect();
        if !parts.is_empty() {
            out.push(format!(
                "Starting and joining a thread costs, per empty task ({} threads less the same tasks inline): {}.",
                c.start_costs[0].tasks,
                parts.join(", ")
            ));
        }
    }

    // The simulated GIL against the real one: Rust's gil hashing holds its lock while it
    // computes, as CPython holds the GIL in pure-Python code.
    let gil_hash = c.speedup(rust, Gil, Work::Hashing);
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
                "The simulated GIL {how} on computing: Rust gil threads hashing {} against CPython {reference} threads on pure Python {}",
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
                c.speedup(rust, Gil, Work::Waiting),
                c.speedup(py, Threads, Work::Waiting),
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
        c.takeaways.push((
            format!(
                "CPython {reference} threads on {n}: hashlib {}, pure Python {}.",
                format::speedup_point(&hash),
                format::speedup_point(&pure)
            ),
            effect_size(hash.point / pure.point),
        ));
    }
}

/// Who was measured and how, one sentence per interpreter; `tasks` sizes the pools as the
/// bench did.
fn interpreter_lines(record: &PythonRecord, tasks: u64, workers: usize) -> Vec<String> {
    let PythonRecord::Measured {
        interpreters,
        failed,
        free_threaded_hint,
        loop_iterations,
        hash_bytes,
        ..
    } = record
    else {
        return Vec::new();
    };
    let mut lines: Vec<String> = interpreters
        .iter()
        .map(|i| {
            let gil = match (i.info.gil, i.info.free_threaded_build, i.gil_forced) {
                (GilStatus::Enabled, false, _) => "a build with the GIL".to_string(),
                (GilStatus::Enabled, true, true) => {
                    "a free-threaded build with the GIL forced back on (-X gil=1, as PYTHON_GIL=1)"
                        .to_string()
                }
                (GilStatus::Enabled, true, false) => {
                    "a free-threaded build that turned its GIL back on by itself".to_string()
                }
                (GilStatus::Disabled, _, _) => {
                    "a free-threaded build running without the GIL".to_string()
                }
            };
            let built = i
                .build
                .as_ref()
                .map(|b| {
                    format!(
                        "; built by {FREE_THREADED_SCRIPT} from {} in {} min {} s{}",
                        b.source,
                        b.build_seconds / 60,
                        b.build_seconds % 60,
                        if b.jobs > 0 {
                            format!(" (make -j{})", b.jobs)
                        } else {
                            String::new()
                        }
                    )
                })
                .unwrap_or_default();
            let error = i
                .error
                .as_ref()
                .map(|e| format!(" Its measurements stop short: {e}."))
                .unwrap_or_default();
            format!(
                "{}: {} {} at {} ({}), {gil}{built}; multiprocessing start method {}.{error}",
                i.tag,
                i.info.implementation,
                i.info.version,
                i.info.executable,
                origin(i),
                i.info.start_method,
            )
        })
        .collect();
    lines.push(format!(
        "Pools of {workers} workers at {}. A loop task of {loop_iterations} steps was sized at start-up on {} to take about as long as hashing {}.",
        format::tasks(tasks),
        interpreters.first().map(|i| i.tag.to_string()).unwrap_or_default(),
        format::bytes(*hash_bytes),
    ));
    for f in failed {
        lines.push(format!("Not measured: {}", f.error));
    }
    if let Some(hint) = free_threaded_hint {
        lines.push(format!("Without the GIL: not measured, because {hint}."));
    }
    lines
}

fn origin(i: &InterpreterRecord) -> String {
    match i.origin {
        crate::python::Origin::Env => format!("PARBENCH_PYTHON={}", i.program),
        crate::python::Origin::Path => format!("{} on PATH", i.program),
        crate::python::Origin::Cache => "found in parbench's cache".to_string(),
    }
}

fn skipped(record: &PythonRecord) -> Vec<String> {
    match record {
        PythonRecord::Measured { interpreters, .. } => interpreters
            .iter()
            .flat_map(|i| {
                i.skipped.iter().map(move |s| {
                    format!(
                        "{} was not measured on {}: {}.",
                        s.strategy, i.tag, s.reason
                    )
                })
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// The chart's colour of a row's runtime: one per interpreter build, Rust's threads and gil
/// their own (Okabe–Ito, as the other charts).
fn series_colour(runtime: Runtime, strategy: BenchFunction) -> RGBColor {
    match (runtime, strategy) {
        (Runtime::CPython(tag), _) => match tag.build {
            PyBuild::Gil => RGBColor(0x00, 0x72, 0xB2),
            PyBuild::FreeThreaded => RGBColor(0xD5, 0x5E, 0x00),
            PyBuild::FreeThreadedGilOn => RGBColor(0xCC, 0x79, 0xA7),
        },
        (Runtime::Rust, BenchFunction::Gil) => RGBColor(0xE6, 0x9F, 0x00),
        (Runtime::Rust, _) => RGBColor(0x00, 0x9E, 0x73),
    }
}

/// One chart: the speedup of a thread per task with its interval, per kind of work, for every
/// interpreter and Rust's threads and simulated GIL.
fn chart(c: &Comparison, cores: usize) -> Result<String, String> {
    let rows: Vec<&Row> = c
        .rows
        .iter()
        .filter(|r| r.strategy == BenchFunction::Threads || r.strategy == BenchFunction::Gil)
        .filter(|r| r.runtime == Runtime::Rust || r.strategy == BenchFunction::Threads)
        .filter(|r| WORKS.iter().any(|w| r.speedup(*w).is_some()))
        .collect();
    if rows.is_empty() {
        return Err("cannot draw the chart of CPython's threads: no speedup measured".into());
    }
    let top = rows
        .iter()
        .flat_map(|r| WORKS.iter().filter_map(|w| r.speedup(*w)))
        .map(|s| s.upper)
        .chain([cores as f64])
        .fold(1.0f64, f64::max)
        * 1.1;
    let title = format!(
        "A thread per task, {}: speedup over sequential",
        format::tasks(c.tasks)
    );
    let err = |e: &dyn std::fmt::Display| format!("cannot draw the chart {title}: {e}");
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (760, 400)).into_drawing_area();
        root.fill(&WHITE).map_err(|e| err(&e))?;
        let (plot, legend) = root.split_horizontally(760 - 230);
        let mut cartesian = ChartBuilder::on(&plot)
            .caption(&title, ("sans-serif", 18))
            .margin(12)
            .x_label_area_size(40)
            .y_label_area_size(60)
            .build_cartesian_2d(-0.5f64..2.5f64, 0f64..top)
            .map_err(|e| err(&e))?;
        cartesian
            .configure_mesh()
            .disable_x_mesh()
            .x_labels(3)
            .x_label_formatter(&|x| {
                let i = x.round();
                if (x - i).abs() < 0.01 && (0.0..3.0).contains(&i) {
                    WORKS[i as usize].title().to_string()
                } else {
                    String::new()
                }
            })
            .y_desc("speedup (×)")
            .y_label_formatter(&|y| format::factor(*y))
            .light_line_style(RGBColor(0xee, 0xee, 0xee))
            .label_style(("sans-serif", 14))
            .draw()
            .map_err(|e| err(&e))?;
        // ×1 (no gain) and the machine's cores (the raw computing scaling).
        for (y, label) in [
            (1.0, "×1".to_string()),
            (cores as f64, format!("{cores} cores")),
        ] {
            cartesian
                .draw_series(DashedLineSeries::new(
                    vec![(-0.5, y), (2.5, y)],
                    6,
                    4,
                    RGBColor(0x77, 0x77, 0x77).stroke_width(1),
                ))
                .map_err(|e| err(&e))?;
            cartesian
                .draw_series(std::iter::once(Text::new(
                    label,
                    (2.05, y),
                    ("sans-serif", 12)
                        .into_font()
                        .color(&RGBColor(0x77, 0x77, 0x77)),
                )))
                .map_err(|e| err(&e))?;
        }
        let width = 0.7;
        let step = width / rows.len() as f64;
        for (k, row) in rows.iter().enumerate() {
            let colour = series_colour(row.runtime, row.strategy);
            for (w, work) in WORKS.iter().enumerate() {
                let Some(s) = row.speedup(*work) else {
                    continue;
                };
                let x = w as f64 - width / 2.0 + step * (k as f64 + 0.5);
                cartesian
                    .draw_series(std::iter::once(PathElement::new(
                        vec![(x, s.lower), (x, s.upper)],
                        colour.stroke_width(2),
                    )))
                    .map_err(|e| err(&e))?;
                cartesian
                    .draw_series(std::iter::once(Circle::new(
                        (x, s.point),
                        4,
                        colour.filled(),
                    )))
                    .map_err(|e| err(&e))?;
            }
        }
        for (k, row) in rows.iter().enumerate() {
            let y = 30 + 22 * k as i32;
            let colour = series_colour(row.runtime, row.strategy);
            legend
                .draw(&Circle::new((12, y), 4, colour.filled()))
                .map_err(|e| err(&e))?;
            let label = match row.runtime {
                Runtime::CPython(tag) => format!("CPython {tag} threads"),
                Runtime::Rust if row.strategy == BenchFunction::Gil => {
                    "Rust gil (simulated)".into()
                }
                Runtime::Rust => "Rust threads".into(),
            };
            legend
                .draw(&Text::new(
                    label,
                    (24, y - 7),
                    ("sans-serif", 13).into_font(),
                ))
                .map_err(|e| err(&e))?;
        }
        root.present().map_err(|e| err(&e))?;
    }
    Ok(svg)
}

impl PythonSection {
    fn note(&self) -> Option<String> {
        match &self.state {
            State::NotRun {
                profile: Some(profile),
                measures_python: Some(false),
            } => Some(format!(
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
            State::Broken { error, .. } => Some(format!("CPython was not measured: {error}")),
            State::Measured {
                comparison: None, ..
            } => Some(
                "CPython's interpreters were recorded, but no py-* measurements of them were found (a filtered run?); run `cargo bench --bench python`.".to_string(),
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
        let what = WORKS[i].title();
        match c.columns[i] {
            Some(Group::PySleep { duration, .. }) => {
                format!("{what}: {} each", crate::units::duration_label(duration))
            }
            Some(Group::PyHash { bytes, .. }) => format!("{what}: {} each", format::bytes(bytes)),
            Some(Group::PyLoop { iterations, .. }) => format!("{what}: {iterations} steps each"),
            _ => format!("{what}: not measured"),
        }
    }

    fn intro(c: &Comparison) -> String {
        let rust: Vec<String> = c
            .rust_groups
            .iter()
            .flatten()
            .map(|g| g.to_string())
            .collect();
        let rust = if rust.is_empty() {
            "Rust was not measured at this task count".to_string()
        } else {
            format!("Rust's rows come from {}", rust.join(" and "))
        };
        format!(
            "The same tasks run by CPython itself — threading, concurrent.futures, multiprocessing and asyncio — timed inside Python on each interpreter, beside Rust's threads and the simulated gil. Speedups over each runtime's own sequential run, at {}, with 95 % intervals and verdicts; {rust}.",
            format::tasks(c.tasks)
        )
    }

    fn start_cost_lines(c: &Comparison) -> Vec<(String, String, String)> {
        c.start_costs
            .iter()
            .map(|s| {
                let show = |t: &Option<Interval>| {
                    t.as_ref().map(time_interval).unwrap_or_else(|| "–".into())
                };
                (tag_label(s.tag), show(&s.thread), show(&s.thread_pool))
            })
            .collect()
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
            .map(|(_, c)| c.groups.clone())
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
            .map(|(_, c)| c.takeaways.clone())
            .unwrap_or_default()
            .into_iter()
            .map(|(sentence, effect)| Takeaway {
                section: ID,
                sentence,
                effect,
            })
            .collect()
    }

    fn lead(&self, _page: &Page) -> Markup {
        let Some((_, c)) = self.comparison() else {
            let note = self.note().unwrap_or_default();
            return super::lead(&self.headline(), &[note], Markup::default());
        };
        super::lead(
            &self.headline(),
            &c.sentences,
            figure(Some(chart(c, self.cores))),
        )
    }

    fn more(&self) -> String {
        "Every CPython strategy on every interpreter beside Rust's, the interpreters, thread \
         start costs"
            .to_string()
    }

    fn html(&self, page: &Page) -> Markup {
        let Some((record, c)) = self.comparison() else {
            return html! {
                p.note { (self.note().unwrap_or_default()) }
                p.note { (RUST_ONLY) }
            };
        };
        html! {
            p { (Self::intro(c)) }
            @for line in interpreter_lines(record, c.tasks, (self.workers_by_tasks)(c.tasks)) { p { (line) } }
            (findings(&c.sentences))
            div {
                div {
                    (scroll(html! {
                        table #python-table {
                            thead { tr {
                                th { "Runtime" } th { "Strategy" }
                                @for i in 0..3 { th colspan="2" { (Self::header(c, i)) } }
                            } }
                            tbody { @for row in &c.rows {
                                @let dir = row.cells.iter().flatten().next().map(|p| p.measurement.directory.as_str()).unwrap_or_default();
                                tr {
                                    td { @match row.runtime {
                                        Runtime::CPython(tag) => { "CPython " (tag_label(tag)) },
                                        Runtime::Rust => { "Rust" },
                                    } }
                                    td {
                                        (strategy_link(page, dir, row.strategy))
                                        @if row.runtime == Runtime::Rust && row.strategy == BenchFunction::Gil { " (simulated GIL)" }
                                    }
                                    @for cell_point in &row.cells {
                                        td { (cell(cell_point.as_ref())) }
                                        td { (verdict_cell(cell_point.as_ref())) }
                                    }
                                }
                            } }
                        }
                    }))
                }
            }
            @if !c.start_costs.is_empty() {
                (scroll(html! {
                    table #python-start-costs {
                        thead { tr { th { "Interpreter" } th { "a thread per task: start + join" } th { "a ThreadPoolExecutor hand-off" } } }
                        tbody { @for (tag, thread, pool) in Self::start_cost_lines(c) {
                            tr { td { (tag) } td { (thread) } td { (pool) } }
                        } }
                    }
                }))
                p.note { "Per empty task, at " (format::tasks(c.start_costs[0].tasks)) ": the strategy's time less the same empty tasks run inline, with the interval of the difference." }
            }
            @for line in skipped(record) { p.note { (line) } }
            p.note { (RUST_ONLY) }
        }
    }

    fn markdown(&self, _page: &Page) -> String {
        let Some((record, c)) = self.comparison() else {
            return format!("{}\n\n{RUST_ONLY}\n", self.note().unwrap_or_default());
        };
        let mut md = format!("{}\n\n", Self::intro(c));
        for line in interpreter_lines(record, c.tasks, (self.workers_by_tasks)(c.tasks)) {
            md.push_str(&format!("- {line}\n"));
        }
        md.push('\n');
        md.push_str(&format!(
            "| Runtime | Strategy | {} | verdict | {} | verdict | {} | verdict |\n|---|---|---|---|---|---|---|---|\n",
            Self::header(c, 0),
            Self::header(c, 1),
            Self::header(c, 2)
        ));
        for row in &c.rows {
            let runtime = match row.runtime {
                Runtime::CPython(tag) => format!("CPython {}", tag_label(tag)),
                Runtime::Rust => "Rust".to_string(),
            };
            let strategy = if row.runtime == Runtime::Rust && row.strategy == BenchFunction::Gil {
                "gil (simulated GIL)".to_string()
            } else {
                row.strategy.to_string()
            };
            md.push_str(&format!(
                "| {} | {} |",
                md_cell(&runtime),
                md_cell(&strategy)
            ));
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
        if !c.start_costs.is_empty() {
            md.push_str(&format!(
                "Per empty task, at {} (the strategy's time less the same empty tasks inline):\n\n| Interpreter | a thread per task: start + join | a ThreadPoolExecutor hand-off |\n|---|---|---|\n",
                format::tasks(c.start_costs[0].tasks)
            ));
            for (tag, thread, pool) in Self::start_cost_lines(c) {
                md.push_str(&format!("| {} | {thread} | {pool} |\n", md_cell(&tag)));
            }
            md.push('\n');
        }
        md.push_str(&findings_markdown(&c.sentences));
        for line in skipped(record) {
            md.push_str(&format!("{line}\n"));
        }
        md.push_str(&format!("\n{RUST_ONLY}\n"));
        md
    }

    fn json(&self, _page: &Page) -> Vec<(&'static str, Value)> {
        let status = match &self.state {
            State::NotRun { .. } => "not-run",
            State::Missing { .. } => "missing",
            State::Broken { .. } => "broken",
            State::Measured { .. } => "measured",
        };
        let comparison = self.comparison().map(|(_, c)| c);
        let start_of =
            |tag: PyTag| comparison.and_then(|c| c.start_costs.iter().find(|s| s.tag == tag));
        let (interpreters, failed, hint, sizes) = match &self.state {
            State::Measured { record, .. } => match record.as_ref() {
                PythonRecord::Measured {
                    interpreters,
                    failed,
                    free_threaded_hint,
                    hash_bytes,
                    loop_iterations,
                    tasks,
                } => (
                    interpreters
                        .iter()
                        .map(|i| {
                            let start = start_of(i.tag);
                            json!({
                                "tag": i.tag,
                                "program": i.program,
                                "origin": i.origin,
                                "executable": i.info.executable,
                                "version": i.info.version,
                                "implementation": i.info.implementation,
                                "build": if i.info.free_threaded_build { "free-threaded" } else { "gil" },
                                "free_threaded_build": i.info.free_threaded_build,
                                "gil": i.info.gil,
                                "gil_forced": i.gil_forced,
                                "start_method": i.info.start_method,
                                "built": i.build,
                                "skipped": i.skipped,
                                "error": i.error,
                                "thread_start_ns": start.and_then(|s| s.thread),
                                "thread_pool_handoff_ns": start.and_then(|s| s.thread_pool),
                            })
                        })
                        .collect::<Vec<_>>(),
                    json!(failed),
                    json!(free_threaded_hint),
                    json!({"hash_bytes": hash_bytes, "loop_iterations": loop_iterations, "tasks": tasks}),
                ),
                _ => (Vec::new(), json!([]), Value::Null, Value::Null),
            },
            State::Broken { program, error } => (
                Vec::new(),
                json!([{ "program": program, "error": error }]),
                Value::Null,
                Value::Null,
            ),
            _ => (Vec::new(), json!([]), Value::Null, Value::Null),
        };
        let (tasks, rows, sentences, single) = match comparison {
            Some(c) => {
                let rows: Vec<Value> = c
                    .rows
                    .iter()
                    .map(|r| {
                        let (runtime, interpreter) = match r.runtime {
                            Runtime::CPython(tag) => ("cpython", json!(tag)),
                            Runtime::Rust => ("rust", Value::Null),
                        };
                        let mut row = json!({
                            "runtime": runtime,
                            "interpreter": interpreter,
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
                let single = c.single_thread.as_ref().map(|s| {
                    json!({
                        "free_threaded": s.free,
                        "gil_build": s.gil,
                        "time_ratio": s.ratio,
                        "free_threaded_ns": s.free_ns,
                        "gil_build_ns": s.gil_ns,
                    })
                });
                (Some(c.tasks), rows, c.sentences.clone(), single)
            }
            None => (None, Vec::new(), Vec::new(), None),
        };
        vec![(
            "python",
            json!({
                "status": status,
                "note": self.note(),
                "interpreters": interpreters,
                "failed": failed,
                "free_threaded_hint": hint,
                "sizes": sizes,
                "tasks": tasks,
                "rows": rows,
                "single_thread_overhead": single,
                "sentences": sentences,
                "rust_only": RUST_ONLY,
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
    use crate::python::{BuildRecord, FailedInterpreter, InterpreterInfo, Origin, SkippedStrategy};
    use crate::report::testdata::{HASH, SLEEP, analyse, m};
    use scraper::{Html, Selector};

    fn tag(text: &str) -> PyTag {
        PyTag::parse(text).unwrap()
    }

    fn py_sleep(on: &str) -> Group {
        Group::PySleep {
            duration: std::time::Duration::from_millis(10),
            on: tag(on),
        }
    }
    fn py_hash(on: &str) -> Group {
        Group::PyHash {
            bytes: 8 << 20,
            on: tag(on),
        }
    }
    fn py_loop(on: &str) -> Group {
        Group::PyLoop {
            iterations: 3000,
            on: tag(on),
        }
    }
    fn py_overhead(on: &str) -> Group {
        Group::PyOverhead { on: tag(on) }
    }

    fn interpreter(text: &str) -> InterpreterRecord {
        let t = tag(text);
        let free = t.build != PyBuild::Gil;
        InterpreterRecord {
            tag: t,
            program: if free { "python3.13t" } else { "python3" }.into(),
            origin: if free { Origin::Cache } else { Origin::Path },
            gil_forced: t.build == PyBuild::FreeThreadedGilOn,
            info: InterpreterInfo {
                version: format!("{}.{}.7", t.major, t.minor),
                implementation: "CPython".into(),
                executable: format!("/usr/bin/python{}.{}", t.major, t.minor),
                gil: if t.build == PyBuild::FreeThreaded {
                    GilStatus::Disabled
                } else {
                    GilStatus::Enabled
                },
                free_threaded_build: free,
                start_method: "fork".into(),
                cpus: Some(2),
            },
            build: free.then(|| BuildRecord {
                source: "python3.13_3.13.5.orig.tar.xz".into(),
                build_seconds: 123,
                jobs: 2,
            }),
            skipped: if free {
                Vec::new()
            } else {
                vec![SkippedStrategy::new(
                    BenchFunction::AsyncioToThread,
                    "asyncio.to_thread needs Python 3.9 or newer; this is 3.8.18".into(),
                )]
            },
            error: None,
        }
    }

    fn record(tags: &[&str]) -> PythonRecord {
        let interpreters: Vec<InterpreterRecord> = tags.iter().map(|t| interpreter(t)).collect();
        let free = interpreters
            .iter()
            .any(|i| i.tag.build == PyBuild::FreeThreaded);
        PythonRecord::Measured {
            interpreters,
            failed: Vec::new(),
            free_threaded_hint: (!free).then(crate::python::free_threaded_hint),
            hash_bytes: 8 << 20,
            loop_iterations: 3000,
            tasks: vec![2, 8],
        }
    }

    /// One interpreter's measurements at 8 tasks: its threads' speedup on the loop, its
    /// sequential loop time, and the time of 8 empty tasks on threads.
    fn cpython(
        on: &str,
        loop_threads: f64,
        loop_ns: f64,
        empty_threads_ns: f64,
    ) -> Vec<crate::criterion_data::Measurement> {
        let n = 8;
        let ms = 1e6;
        vec![
            m(py_sleep(on), Sequential, n, 80.0 * ms),
            m(py_sleep(on), Threads, n, 10.5 * ms),
            m(py_sleep(on), ThreadPool, n, 40.0 * ms),
            m(py_hash(on), Sequential, n, 8.0 * ms),
            m(py_hash(on), Threads, n, 8.0 * ms / 1.9),
            m(py_hash(on), ProcessPool, n, 60.0 * ms),
            m(py_loop(on), Sequential, n, loop_ns),
            m(py_loop(on), Threads, n, loop_ns / loop_threads),
            m(py_loop(on), ProcessPoolWarm, n, loop_ns / 1.7),
            m(py_overhead(on), Sequential, n, 10_000.0),
            m(py_overhead(on), Threads, n, 10_000.0 + empty_threads_ns),
            m(py_overhead(on), ThreadPool, n, 60_000.0),
            // A smaller task count: the rows are taken at the largest.
            m(py_hash(on), Sequential, 2, 2.0 * ms),
            m(py_hash(on), Threads, 2, 1.0 * ms),
        ]
    }

    fn rust(rust_gil_hash: f64) -> Vec<crate::criterion_data::Measurement> {
        let n = 8;
        let ms = 1e6;
        vec![
            m(SLEEP, Sequential, n, 80.0 * ms),
            m(SLEEP, Threads, n, 10.2 * ms),
            m(SLEEP, Gil, n, 10.4 * ms),
            m(HASH, Sequential, n, 4.0 * ms),
            m(HASH, Threads, n, 2.05 * ms),
            m(HASH, Gil, n, 4.0 * ms / rust_gil_hash),
        ]
    }

    /// CPython 3.11 and Rust at 8 tasks on 2 cores: `py_loop_threads` and `rust_gil_hash` are
    /// the speedups of CPython threads on the loop and of Rust's gil on hashing.
    fn data(py_loop_threads: f64, rust_gil_hash: f64) -> RunData {
        let mut d = cpython("3.11", py_loop_threads, 8e6, 400_000.0);
        d.extend(rust(rust_gil_hash));
        let mut data = RunData::from_groups(analyse(&d), 2);
        data.python = Some(record(&["3.11"]));
        data
    }

    /// 3.11 with the GIL, 3.13t without it (threads ×1.9 on the loop, each loop 1.4 × slower),
    /// and 3.13t with the GIL forced on, beside Rust.
    fn three() -> RunData {
        let mut d = cpython("3.11", 0.95, 8e6, 400_000.0);
        d.extend(cpython("3.13t", 1.9, 11.2e6, 3_200_000.0));
        d.extend(cpython("3.13t-gil", 1.0, 11.0e6, 3_000_000.0));
        d.extend(rust(1.0));
        let mut data = RunData::from_groups(analyse(&d), 2);
        data.python = Some(record(&["3.11", "3.13t", "3.13t-gil"]));
        data
    }

    fn page(data: &RunData) -> Page<'_> {
        Page {
            data,
            takeaways: &[],
            sections: vec![(ID, build(data).groups())],
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
            findings
                .contains("Waiting (8 tasks of py-sleep-10ms@3.11): CPython threads help (×7.62"),
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
        assert!(
            findings.contains("Starting and joining a thread costs, per empty task (8 threads less the same tasks inline): 50.0 µs"),
            "{findings}"
        );
        assert!(!findings.contains("Without the GIL ("), "{findings}");
        let takeaways = section.takeaways();
        assert_eq!(takeaways.len(), 1);
        assert_eq!(
            takeaways[0].sentence,
            "CPython 3.11 threads on 8 tasks: hashlib ×1.90, pure Python ×1.00."
        );
        assert!((takeaways[0].effect - 1.9f64.ln()).abs() < 1e-9);
        let groups: Vec<String> = section.groups().iter().map(|g| g.to_string()).collect();
        assert_eq!(
            groups,
            [
                "py-sleep-10ms@3.11",
                "py-hash-8MiB@3.11",
                "py-loop-3000@3.11",
                "py-overhead@3.11"
            ]
        );
    }

    #[test]
    fn a_simulated_gil_that_scales_is_not_like_the_real_one() {
        let findings = build(&data(1.0, 1.9)).findings().join("\n");
        assert!(
            findings.contains("The simulated GIL does not behave like the real one"),
            "{findings}"
        );
        assert!(!findings.contains("unlike hashlib"), "{findings}");
        // Real threads that scale on pure Python are said as measured.
        let free = build(&data(1.8, 1.0)).findings().join("\n");
        assert!(free.contains("CPython threads help (×1.80"), "{free}");
        assert!(free.contains("does not behave like the real one"), "{free}");
    }

    #[test]
    fn table_json_and_interpreter_lines_carry_the_rows() {
        let data = data(1.0, 1.0);
        let section = build(&data);
        let html = Html::parse_fragment(&format!(
            "{}{}",
            section.lead(&page(&data)).into_string(),
            section.html(&page(&data)).into_string()
        ));
        let rows = Selector::parse("#python-table tbody tr").unwrap();
        // CPython's strategies measured here, then Rust's threads and gil.
        assert_eq!(html.select(&rows).count(), 7);
        let text: String = html.root_element().text().collect();
        assert!(
            text.contains("3.11: CPython 3.11.7 at /usr/bin/python3.11 (python3 on PATH), a build with the GIL"),
            "{text}"
        );
        assert!(
            text.contains("asyncio-to-thread was not measured on 3.11"),
            "{text}"
        );
        assert!(text.contains("stay Rust-only"), "{text}");
        assert!(
            text.contains(
                "Without the GIL: not measured, because no free-threaded CPython was found"
            ),
            "{text}"
        );
        assert!(text.contains(FREE_THREADED_SCRIPT), "{text}");
        assert!(
            html.root_element().html().contains("<svg"),
            "the chart is drawn"
        );
        let md = section.markdown(&page(&data));
        assert!(md.contains("| Rust | gil (simulated GIL) |"), "{md}");
        assert!(md.contains("| CPython 3.11 (GIL) | threads |"), "{md}");
        let json = json(&data);
        assert_eq!(json["status"], "measured");
        assert_eq!(json["tasks"], 8);
        assert_eq!(json["interpreters"][0]["gil"], "enabled");
        assert_eq!(json["interpreters"][0]["build"], "gil");
        assert_eq!(json["interpreters"][0]["tag"], "3.11");
        assert_eq!(json["sizes"]["loop_iterations"], 3000);
        assert!(
            json["free_threaded_hint"]
                .as_str()
                .unwrap()
                .contains(FREE_THREADED_SCRIPT)
        );
        let start = &json["interpreters"][0]["thread_start_ns"];
        assert!(
            (start["point"].as_f64().unwrap() - 50_000.0).abs() < 1e-6,
            "{start}"
        );
        assert!(start["lower"].as_f64().unwrap() < 50_000.0);
        let threads = &json["rows"][1];
        assert_eq!(threads["runtime"], "cpython");
        assert_eq!(threads["interpreter"], "3.11");
        assert_eq!(threads["strategy"], "threads");
        assert_eq!(threads["hashing"]["id"], "py-hash-8MiB@3.11/threads/8");
        assert_eq!(threads["hashing"]["verdict"]["kind"], "helps");
        let gil = json["rows"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["runtime"] == "rust" && r["strategy"] == "gil")
            .unwrap();
        assert!(gil["pure_python"].is_null());
        assert_eq!(gil["hashing"]["id"], "hash-1MiB/gil/8");
        assert!(json["single_thread_overhead"].is_null());
    }

    #[test]
    fn three_interpreters_separate_the_gil_from_the_build() {
        let data = three();
        let section = build(&data);
        let findings = section.findings().join("\n");
        assert!(
            findings.contains(
                "Without the GIL (3.13t, 8 tasks): CPython threads on pure Python help (×1.90"
            ) && findings.contains("with the GIL (3.11)")
                && findings.contains("with the GIL forced back on (3.13t-gil)"),
            "{findings}"
        );
        assert!(
            findings.contains("Forcing the GIL back on takes the gain away again"),
            "{findings}"
        );
        assert!(
            findings.contains("On one thread the free-threaded build is slower: the sequential pure-Python loops take 11.2 ms on 3.13t against 8.00 ms on 3.11 (×1.40"),
            "{findings}"
        );
        assert!(
            findings.contains("50.0 µs [")
                && findings.contains(" on 3.13t, ")
                && findings.contains("375 µs"),
            "{findings}"
        );
        let takeaways = section.takeaways();
        assert_eq!(
            takeaways[0].sentence,
            "Without the GIL (3.13t), CPython threads on pure Python: ×1.90 against ×0.950 with it (3.11)."
        );
        assert!((takeaways[0].effect - 2.0f64.ln()).abs() < 1e-9);
        let html = Html::parse_fragment(&format!(
            "{}{}",
            section.lead(&page(&data)).into_string(),
            section.html(&page(&data)).into_string()
        ));
        let rows = Selector::parse("#python-table tbody tr").unwrap();
        assert_eq!(html.select(&rows).count(), 3 * 5 + 2);
        let costs = Selector::parse("#python-start-costs tbody tr").unwrap();
        assert_eq!(html.select(&costs).count(), 3);
        let text: String = html.root_element().text().collect();
        assert!(
            text.contains("built by scripts/free-threaded-python.sh from python3.13_3.13.5.orig.tar.xz in 2 min 3 s (make -j2)"),
            "{text}"
        );
        assert!(
            text.contains("a free-threaded build with the GIL forced back on (-X gil=1"),
            "{text}"
        );
        assert!(!text.contains("Without the GIL: not measured"), "{text}");
        let svg = html.root_element().html();
        assert!(svg.contains("CPython 3.13t-gil threads") && svg.contains("Rust gil (simulated)"));
        let json = json(&data);
        let tags: Vec<&str> = json["interpreters"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["tag"].as_str().unwrap())
            .collect();
        assert_eq!(tags, ["3.11", "3.13t", "3.13t-gil"]);
        assert_eq!(json["interpreters"][1]["build"], "free-threaded");
        assert_eq!(json["interpreters"][1]["gil"], "disabled");
        assert_eq!(json["interpreters"][2]["gil"], "enabled");
        assert_eq!(json["interpreters"][2]["gil_forced"], true);
        assert_eq!(json["interpreters"][1]["built"]["build_seconds"], 123);
        let single = &json["single_thread_overhead"];
        assert!((single["time_ratio"]["point"].as_f64().unwrap() - 1.4).abs() < 1e-9);
        assert!(json["free_threaded_hint"].is_null());
        let free_loop = json["rows"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["interpreter"] == "3.13t" && r["strategy"] == "threads")
            .unwrap();
        assert_eq!(
            free_loop["pure_python"]["id"],
            "py-loop-3000@3.13t/threads/8"
        );
    }

    #[test]
    fn two_interpreters_without_the_forced_one_still_compare() {
        let mut d = cpython("3.12", 1.0, 8e6, 400_000.0);
        d.extend(cpython("3.14t", 1.8, 9e6, 900_000.0));
        let mut data = RunData::from_groups(analyse(&d), 2);
        data.python = Some(record(&["3.12", "3.14t"]));
        let section = build(&data);
        let findings = section.findings().join("\n");
        assert!(
            findings.contains(
                "Without the GIL (3.14t, 8 tasks): CPython threads on pure Python help (×1.80"
            ) && !findings.contains("forced back on"),
            "{findings}"
        );
        // No Rust data: the comparison with the simulated GIL is not made up.
        assert!(findings.contains("cannot be compared"), "{findings}");
        assert!(
            section.takeaways()[0]
                .sentence
                .starts_with("Without the GIL (3.14t)"),
            "{:?}",
            section.takeaways()
        );
        // An interval that straddles the verdicts' bounds: said in the section, not on the
        // first screen.
        let mut d = cpython("3.12", 1.0, 8e6, 400_000.0);
        d.extend(cpython("3.14t", 1.8, 9e6, 900_000.0));
        let at = d
            .iter()
            .position(|m| m.id.group == py_loop("3.14t") && m.id.function == Threads)
            .unwrap();
        d[at] = crate::report::testdata::measurement(py_loop("3.14t"), Threads, 8, 9e6 / 1.1, 0.2);
        let mut data = RunData::from_groups(analyse(&d), 2);
        data.python = Some(record(&["3.12", "3.14t"]));
        let section = build(&data);
        assert!(section.findings().join(" ").contains("are inconclusive"));
        assert!(
            section
                .takeaways()
                .iter()
                .all(|t| !t.sentence.starts_with("Without the GIL")),
            "{:?}",
            section.takeaways()
        );
    }

    #[test]
    fn an_interpreter_that_died_and_one_that_failed_are_said() {
        let mut data = three();
        if let Some(PythonRecord::Measured {
            interpreters,
            failed,
            ..
        }) = data.python.as_mut()
        {
            interpreters[2].error = Some("Python 'python3.13t' exited (signal 9)".into());
            failed.push(FailedInterpreter {
                program: "/opt/python3.7".into(),
                error: "Python '/opt/python3.7' (PARBENCH_PYTHON) is version 3.7.16".into(),
            });
        }
        let text = build(&data).markdown(&page(&data));
        assert!(
            text.contains("Its measurements stop short: Python 'python3.13t' exited (signal 9)."),
            "{text}"
        );
        assert!(
            text.contains("Not measured: Python '/opt/python3.7'"),
            "{text}"
        );
        assert_eq!(json(&data)["failed"][0]["program"], "/opt/python3.7");
    }

    #[test]
    fn without_data_the_section_says_how_to_enable_it_or_why_not() {
        let mut data = RunData::from_groups(Vec::new(), 2);
        let note = |data: &RunData| build(data).findings().join("\n");
        assert!(note(&data).contains("PARBENCH_PYTHON"), "{}", note(&data));
        assert_eq!(json(&data)["status"], "not-run");
        data.profile = Some(Profile::Seed);
        data.manifest = Some(crate::records::RunManifest::now(&crate::suite::Plan::new(
            Profile::Seed,
            2,
        )));
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
        assert!(
            build(&data)
                .markdown(&page(&data))
                .contains("stay Rust-only")
        );
        data.python = Some(PythonRecord::Broken {
            program: "/opt/python2".into(),
            error: "Python '/opt/python2' (PARBENCH_PYTHON) is version 2.7.18; parbench needs Python 3.8 or newer".into(),
        });
        assert!(note(&data).contains("is version 2.7.18"), "{}", note(&data));
        let json = json(&data);
        assert_eq!(json["status"], "broken");
        assert_eq!(json["failed"][0]["program"], "/opt/python2");
        assert!(json["rows"].as_array().unwrap().is_empty());
        data.python = Some(record(&["3.11"]));
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
        assert_eq!(
            json["rows"][1]["hashing"]["id"],
            "py-hash-8MiB@3.11/threads/2"
        );
        assert!(json["rows"][1]["waiting"].is_null());
    }
}
