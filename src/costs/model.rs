//! The cost model: a strategy's time for N tasks from its fitted costs and the tasks' work.
//!
//! A run of `N` tasks, each computing `c` and waiting `w` and receiving `b` bytes of input,
//! on a strategy with fixed cost `F`, cost per task `P` and cost per byte moved `Q` (process
//! strategies only), takes
//!
//! ```text
//! T = F + P·N + Q·b·N + work
//! work = max( ⌈N / K⌉ · (c + w),  N·c / S(p) + w )
//! ```
//!
//! where `K` is how many tasks can be in progress at once (1 for `sequential`, the pool size
//! for `rayon` and `process-pool`, N for a thread, process or event-loop task each), `p` how
//! many of them can compute at once (`min(K, N, cores)`, but 1 under the simulated GIL and on
//! one event loop) — both as [`crate::shape`] states them for every strategy — and `S(p)` the machine's measured raw compute scaling on `p` bare threads
//! (×1 at one thread; not the nominal `p`, since two vCPUs may share one physical core). The
//! first term is the worker-bound: each of `K` workers runs `⌈N/K⌉` tasks one after another
//! (the blocking trap of a CPU-sized pool). The second is the core-bound: all the computing
//! spread over the cores, then the last task's wait. Overheads are added, not overlapped with
//! work: dispatching and spawning happen on the calling thread.
//!
//! Every part carries an interval from its inputs' intervals (a negative lower bound of a
//! fitted cost counts as zero); the total's interval is the sum of the parts' bounds.

use serde::{Deserialize, Serialize};

use crate::bench_id::{BenchFunction, Primitive};
use crate::interval::Interval;
use crate::shape::{Shape, primitive_of, shape};

/// A prediction misses when the measurement differs from it by more than this fraction.
pub const UNEXPLAINED_ABOVE: f64 = 0.25;

/// What one task does, as the model sees it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TaskWork {
    /// Computing per task in ns (CPU time on one core).
    pub compute_ns: Interval,
    /// Waiting per task in ns (wall time without CPU: sleeps, I/O).
    pub wait_ns: Interval,
    /// Input bytes each task receives.
    pub input_bytes: u64,
    /// Whether the waits are timer sleeps (the `sleep` and `mixed` workloads), which an event
    /// loop's timer lengthens ([`CostModel::tokio_sleep_overshoot_ns`]); I/O waits are not.
    pub timer_waits: bool,
}

impl TaskWork {
    /// Work known exactly (no interval), e.g. a user's own figures; its waits are not timers.
    pub fn exact(compute_ns: f64, wait_ns: f64, input_bytes: u64) -> Self {
        TaskWork {
            compute_ns: Interval::exact(compute_ns),
            wait_ns: Interval::exact(wait_ns),
            input_bytes,
            timer_waits: false,
        }
    }

    /// The same work, its waits marked as timer sleeps (or not).
    pub fn with_timer_waits(self, timer_waits: bool) -> Self {
        TaskWork {
            timer_waits,
            ..self
        }
    }
}

/// One strategy's fitted costs, beside the primitive it is built on.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct StrategyCost {
    /// The strategy (or bench-only variant).
    pub strategy: BenchFunction,
    /// Fixed cost of a run, in ns: the intercept of the empty-task line.
    pub fixed_ns: Interval,
    /// Cost per task, in ns: the slope of the empty-task line.
    pub per_task_ns: Interval,
    /// Cost per input byte moved to a worker, in ns; `None` for in-process strategies, whose
    /// tasks read their input where it is.
    pub per_byte_ns: Option<Interval>,
    /// The primitive its cost per task is compared with; `None` for `sequential`.
    pub primitive: Option<Primitive>,
    /// That primitive's measured time, in ns, if measured.
    pub primitive_ns: Option<Interval>,
    /// The cost per task beyond the fitted line, where a strategy measured a task count far
    /// past it (1024 tasks: every strategy but `processes`); `None` where the line is all
    /// that was measured.
    pub beyond: Option<BeyondLine>,
}

/// A strategy's cost per task past the largest task count of its fitted line: thread per
/// task costs more each once a thousand threads live at once (stacks, scheduler, the other
/// CPU's wake-ups), which a line fitted on a few dozen tasks cannot show.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct BeyondLine {
    /// The last task count of the fitted line; the line holds up to it.
    pub from_tasks: usize,
    /// The task count measured beyond it.
    pub measured_tasks: usize,
    /// Cost per task between the two: `(T(measured) − line(from)) / (measured − from)`.
    pub per_task_ns: Interval,
}

impl BeyondLine {
    /// The cost of `tasks` tasks on a line of slope `per_task` that turns to this slope
    /// beyond [`BeyondLine::from_tasks`].
    fn tasks_ns(&self, per_task: Interval, tasks: f64) -> Interval {
        let from = self.from_tasks as f64;
        if tasks <= from {
            return per_task.scaled(tasks);
        }
        let extra = tasks - from;
        Interval {
            point: per_task.point * from + self.per_task_ns.point.max(0.0) * extra,
            lower: per_task.lower * from + self.per_task_ns.lower.max(0.0) * extra,
            upper: per_task.upper * from + self.per_task_ns.upper.max(0.0) * extra,
        }
    }
}

/// One point of the hashing speed against the working set: sequential hashing of
/// `total_bytes` (all tasks' inputs together) cost `ns_per_byte` per byte. Beyond the caches
/// the same kernel runs slower per byte.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct HashSpeedPoint {
    /// All tasks' inputs together.
    pub total_bytes: u64,
    /// Time per byte hashed on one core, in ns.
    pub ns_per_byte: Interval,
}

impl StrategyCost {
    /// Costs known exactly (zero-width intervals), e.g. a user's or a test's own figures, beside
    /// the strategy's primitive (its time not measured) and with nothing measured past the line.
    pub fn exact(
        strategy: BenchFunction,
        fixed_ns: f64,
        per_task_ns: f64,
        per_byte_ns: Option<f64>,
    ) -> Self {
        StrategyCost {
            strategy,
            fixed_ns: Interval::exact(fixed_ns),
            per_task_ns: Interval::exact(per_task_ns),
            per_byte_ns: per_byte_ns.map(Interval::exact),
            primitive: primitive_of(strategy),
            primitive_ns: None,
            beyond: None,
        }
    }

    /// What is set beside the primitive: the cost per task, except for a primitive paid once
    /// per run (rayon enters its pool once, with `install`), where it is one task's whole cost,
    /// fixed + per task. Where the line's cost per task cannot be told from zero (its interval
    /// reaches it: the noise of a few dozen tasks hides the slope) and a count past the line
    /// was measured, the cost per task there is set beside the primitive instead
    /// ([`StrategyCost::compared_past_the_line`]).
    pub fn compared_with_primitive(&self) -> Interval {
        match self.primitive {
            Some(Primitive::RayonInstall) => self.fixed_ns.plus(&self.per_task_ns),
            _ => match &self.beyond {
                Some(beyond) if self.compared_past_the_line() => beyond.per_task_ns,
                _ => self.per_task_ns,
            },
        }
    }

    /// Whether [`StrategyCost::compared_with_primitive`] is the cost per task past the line.
    pub fn compared_past_the_line(&self) -> bool {
        self.primitive != Some(Primitive::RayonInstall)
            && self.beyond.is_some()
            && self.per_task_ns.lower <= 0.0
    }

    /// [`StrategyCost::compared_with_primitive`] over the primitive's time (point estimates),
    /// if both are known and the compared cost is positive (a slope fitted below zero says the
    /// noise hid it).
    pub fn ratio_to_primitive(&self) -> Option<f64> {
        self.primitive_ns
            .map(|p| self.compared_with_primitive().point / p.point)
            .filter(|r| r.is_finite() && *r > 0.0)
    }
}

/// One point of the raw compute scaling: the hash kernel on `threads` bare threads.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct ScalingPoint {
    /// Bare threads, each hashing its own input.
    pub threads: usize,
    /// `threads × T(1) / T(threads)`, with its interval.
    pub speedup: Interval,
}

impl ScalingPoint {
    /// `S(k) = k · T(1) / T(k)` from the hash kernel's time on one bare thread and on
    /// `threads`: the widest ratio of the two intervals (a lower bound below zero counts as
    /// zero, one below 1 ns as 1 ns).
    pub fn from_times(threads: usize, one: &Interval, at_k: &Interval) -> ScalingPoint {
        let k = threads as f64;
        ScalingPoint {
            threads,
            speedup: Interval {
                point: k * one.point / at_k.point,
                lower: k * one.lower.max(0.0) / at_k.upper,
                upper: k * one.upper / at_k.lower.max(1.0),
            },
        }
    }
}

/// What a run of N tasks of one strategy is predicted to cost, part by part.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Prediction {
    /// The strategy.
    pub strategy: BenchFunction,
    /// `F`: the fixed cost.
    pub fixed_ns: Interval,
    /// `P·N`: the cost of the tasks themselves.
    pub tasks_ns: Interval,
    /// `Q·b·N`: moving the inputs; `None` for in-process strategies.
    pub transfer_ns: Option<Interval>,
    /// The work, overlapped as the strategy allows.
    pub work_ns: Interval,
    /// The sum of the parts.
    pub total_ns: Interval,
    /// How the tasks overlapped.
    #[serde(skip)]
    pub shape: Shape,
    /// The raw scaling used for the computing (`S(p)`, point).
    pub scaling: f64,
    /// Whether the worker-bound (`⌈N/K⌉ · (c + w)`) set the work rather than the core-bound.
    pub worker_bound: bool,
}

/// Everything the model needs about a machine: its cores, measured scaling and costs.
#[derive(Clone, Debug, PartialEq)]
pub struct CostModel {
    /// Logical CPUs.
    pub logical_cores: usize,
    /// Each strategy's fitted costs.
    pub costs: Vec<StrategyCost>,
    /// The raw compute scaling, by thread count (may be empty: then `S(p) = p`, said so).
    pub raw_scaling: Vec<ScalingPoint>,
    /// Time to hash one byte on one core, in ns (turns a task size into computing), where no
    /// speed by working set was measured.
    pub hash_ns_per_byte: Option<Interval>,
    /// The hashing speed by working set, from `sequential`'s hash benchmarks, by total bytes
    /// (may be empty).
    pub hash_speed: Vec<HashSpeedPoint>,
    /// How much longer than asked a `tokio::time::sleep` lasts, in ns: tokio's timer counts
    /// whole milliseconds and rounds a deadline up (`tokio-sleep-1ms` − 1 ms). The event
    /// loops' timer waits last this much longer; `None` where it was not measured.
    pub tokio_sleep_overshoot_ns: Option<Interval>,
}

impl CostModel {
    /// The model on a machine `factor` times slower than when it was measured (the speed
    /// canary's reading now over its median during the bench run): every cost of computing —
    /// a strategy's fixed, per-task and per-byte costs, the hashing speed — scales by it;
    /// waits (a sleep, tokio's timer) do not.
    pub fn at_speed(&self, factor: f64) -> CostModel {
        let scale = |i: Interval| i.scaled(factor);
        let mut model = self.clone();
        for c in &mut model.costs {
            c.fixed_ns = scale(c.fixed_ns);
            c.per_task_ns = scale(c.per_task_ns);
            c.per_byte_ns = c.per_byte_ns.map(scale);
            if let Some(beyond) = &mut c.beyond {
                beyond.per_task_ns = scale(beyond.per_task_ns);
            }
        }
        model.hash_ns_per_byte = model.hash_ns_per_byte.map(scale);
        for p in &mut model.hash_speed {
            p.ns_per_byte = scale(p.ns_per_byte);
        }
        model
    }

    /// The model on a machine restricted to `cpus` CPUs (`PARBENCH_CPUS`): pools are sized to
    /// them and computing spreads over at most that many; the costs and the raw scaling stay as
    /// measured (past the largest thread count measured, the scaling is held there).
    pub fn on_cpus(&self, cpus: usize) -> CostModel {
        CostModel {
            logical_cores: cpus.max(1),
            ..self.clone()
        }
    }

    /// The costs of `strategy`, if fitted.
    pub fn cost(&self, strategy: BenchFunction) -> Option<&StrategyCost> {
        self.costs.iter().find(|c| c.strategy == strategy)
    }

    /// Time per byte hashing `tasks` inputs of `bytes` each on one core: interpolated in
    /// log(total bytes) between the measured working sets and held at the nearest one outside
    /// them; [`CostModel::hash_ns_per_byte`] when no speed by working set was measured.
    pub fn hash_ns_per_byte_at(&self, bytes: u64, tasks: usize) -> Option<Interval> {
        let mut points = self.hash_speed.clone();
        points.sort_by_key(|p| p.total_bytes);
        let (Some(first), Some(last)) = (points.first(), points.last()) else {
            return self.hash_ns_per_byte;
        };
        let total = (bytes.max(1) as f64) * tasks.max(1) as f64;
        if total <= first.total_bytes as f64 {
            return Some(first.ns_per_byte);
        }
        if total >= last.total_bytes as f64 {
            return Some(last.ns_per_byte);
        }
        let above = points
            .iter()
            .position(|p| p.total_bytes as f64 >= total)
            .expect("total is below the last point");
        let (a, b) = (points[above - 1], points[above]);
        let f = (total.ln() - (a.total_bytes as f64).ln())
            / ((b.total_bytes as f64).ln() - (a.total_bytes as f64).ln());
        let mix = |x: f64, y: f64| x + f * (y - x);
        Some(Interval {
            point: mix(a.ns_per_byte.point, b.ns_per_byte.point),
            lower: mix(a.ns_per_byte.lower, b.ns_per_byte.lower),
            upper: mix(a.ns_per_byte.upper, b.ns_per_byte.upper),
        })
    }

    /// `S(p)`: the measured raw scaling at `p` threads, linearly interpolated between measured
    /// counts and held at the largest measured one beyond it; `p` itself (the nominal ideal)
    /// when nothing was measured.
    pub fn scaling(&self, threads: usize) -> Interval {
        let p = threads.max(1);
        if p == 1 {
            return Interval::exact(1.0);
        }
        let mut points = self.raw_scaling.clone();
        points.sort_by_key(|s| s.threads);
        let Some(last) = points.last() else {
            return Interval::exact(p as f64);
        };
        if p >= last.threads {
            return last.speedup;
        }
        let below = points
            .iter()
            .rev()
            .find(|s| s.threads <= p)
            .copied()
            .unwrap_or(ScalingPoint {
                threads: 1,
                speedup: Interval::exact(1.0),
            });
        let above = points
            .iter()
            .find(|s| s.threads >= p)
            .copied()
            .expect("p is below the last point");
        if above.threads == below.threads {
            return above.speedup;
        }
        let f = (p - below.threads) as f64 / (above.threads - below.threads) as f64;
        let mix = |a: f64, b: f64| a + f * (b - a);
        Interval {
            point: mix(below.speedup.point, above.speedup.point),
            lower: mix(below.speedup.lower, above.speedup.lower),
            upper: mix(below.speedup.upper, above.speedup.upper),
        }
    }

    /// Predicts `tasks` tasks of `work` on `strategy` with `workers` (its default when
    /// `None`); `None` when the strategy's costs were not fitted (CPython's strategies and the
    /// primitives never are).
    pub fn predict(
        &self,
        strategy: BenchFunction,
        tasks: usize,
        work: &TaskWork,
        workers: Option<usize>,
    ) -> Option<Prediction> {
        let cost = self.cost(strategy)?;
        let shape = shape(strategy, tasks, workers, self.logical_cores);
        let n = tasks.max(1) as f64;
        let nonneg = |i: Interval| Interval {
            point: i.point.max(0.0),
            lower: i.lower.max(0.0),
            upper: i.upper.max(0.0),
        };
        let fixed_ns = nonneg(cost.fixed_ns);
        let tasks_ns = match &cost.beyond {
            Some(beyond) => beyond.tasks_ns(nonneg(cost.per_task_ns), n),
            None => nonneg(cost.per_task_ns).scaled(n),
        };
        let transfer_ns = cost
            .per_byte_ns
            .map(|q| nonneg(q).scaled(work.input_bytes as f64 * n));
        let s = self.scaling(shape.computing);
        let (c, mut w) = (nonneg(work.compute_ns), nonneg(work.wait_ns));
        if let Some(overshoot) = self.tokio_sleep_overshoot_ns
            && shape.tokio_timer
            && work.timer_waits
            && w.point > 0.0
        {
            w = w.plus(&nonneg(overshoot));
        }
        let rounds = (tasks.max(1)).div_ceil(shape.in_progress) as f64;
        let worker_bound = |c: f64, w: f64| rounds * (c + w);
        let core_bound = |c: f64, w: f64, s: f64| n * c / s.max(1e-9) + w;
        let work_at = |c: f64, w: f64, s: f64| worker_bound(c, w).max(core_bound(c, w, s));
        let work_ns = Interval {
            point: work_at(c.point, w.point, s.point),
            lower: work_at(c.lower, w.lower, s.upper),
            upper: work_at(c.upper, w.upper, s.lower),
        };
        let parts = [Some(fixed_ns), Some(tasks_ns), transfer_ns, Some(work_ns)];
        let sum = |f: fn(&Interval) -> f64| parts.iter().flatten().map(f).sum::<f64>();
        let total_ns = Interval {
            point: sum(|i| i.point),
            lower: sum(|i| i.lower),
            upper: sum(|i| i.upper),
        };
        Some(Prediction {
            strategy,
            fixed_ns,
            tasks_ns,
            transfer_ns,
            work_ns,
            total_ns,
            shape,
            scaling: s.point,
            worker_bound: worker_bound(c.point, w.point) > core_bound(c.point, w.point, s.point),
        })
    }
}

/// How far a measurement is from its prediction: `measured / predicted − 1`.
pub fn residual(measured_ns: f64, predicted_ns: f64) -> f64 {
    measured_ns / predicted_ns - 1.0
}

/// Whether a residual is a miss the model cannot explain (more than 25 % off).
pub fn is_unexplained(residual: f64) -> bool {
    !residual.is_finite() || residual.abs() > UNEXPLAINED_ABOVE
}

/// A model for tests elsewhere in the crate.
#[cfg(test)]
pub(crate) mod testdata {
    use super::*;

    /// A 2-core machine with exactly known `costs`, a second core adding `scaling - 1`
    /// (S(2) = `scaling`), hashing at 0.5 ns per byte and tokio's timer overshooting by 0.8 ms.
    pub(crate) fn two_cores(costs: Vec<StrategyCost>, scaling: f64) -> CostModel {
        CostModel {
            logical_cores: 2,
            costs,
            raw_scaling: vec![ScalingPoint {
                threads: 2,
                speedup: Interval::exact(scaling),
            }],
            hash_ns_per_byte: Some(Interval::exact(0.5)),
            hash_speed: Vec::new(),
            tokio_sleep_overshoot_ns: Some(Interval::exact(0.8e6)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::testdata::two_cores;
    use super::*;

    /// A 2-core machine whose second core adds 80 %: S(2) = 1.8.
    fn model() -> CostModel {
        two_cores(
            vec![
                StrategyCost::exact(BenchFunction::Sequential, 0.0, 10.0, None),
                StrategyCost::exact(BenchFunction::Threads, 1e3, 30e3, None),
                StrategyCost::exact(BenchFunction::Rayon, 0.0, 20e3, None),
                StrategyCost::exact(BenchFunction::Processes, 0.0, 1e6, Some(0.5)),
                StrategyCost::exact(BenchFunction::Gil, 1e3, 30e3, None),
                StrategyCost::exact(BenchFunction::Async, 0.0, 500.0, None),
            ],
            1.8,
        )
    }

    fn total(strategy: BenchFunction, tasks: usize, work: TaskWork) -> f64 {
        model()
            .predict(strategy, tasks, &work, None)
            .unwrap()
            .total_ns
            .point
    }

    #[test]
    fn a_slower_machine_scales_the_costs_of_computing_not_the_waits() {
        let model = testdata::two_cores(
            vec![StrategyCost::exact(
                BenchFunction::Threads,
                5e3,
                40e3,
                Some(1.0),
            )],
            1.9,
        );
        let slow = model.at_speed(2.0);
        let threads = slow.cost(BenchFunction::Threads).unwrap();
        assert_eq!(threads.fixed_ns.point, 10e3);
        assert_eq!(threads.per_task_ns.point, 80e3);
        assert_eq!(threads.per_byte_ns.unwrap().point, 2.0);
        assert_eq!(
            slow.hash_ns_per_byte.unwrap().point,
            2.0 * model.hash_ns_per_byte.unwrap().point
        );
        assert_eq!(
            slow.tokio_sleep_overshoot_ns,
            model.tokio_sleep_overshoot_ns
        );
        assert_eq!(slow.raw_scaling, model.raw_scaling);
    }

    #[test]
    fn on_one_cpu_pools_and_computing_are_sized_to_it() {
        let work = TaskWork::exact(1e6, 0.0, 0);
        let one = model().on_cpus(1);
        let rayon = one.predict(BenchFunction::Rayon, 8, &work, None).unwrap();
        assert_eq!(rayon.shape.computing, 1);
        assert_eq!(rayon.work_ns.point, 8e6);
        let both = model()
            .predict(BenchFunction::Rayon, 8, &work, None)
            .unwrap();
        assert_eq!(both.shape.computing, 2);
        assert!((both.work_ns.point - 8e6 / 1.8).abs() < 1.0);
        assert_eq!(one.costs, model().costs);
    }

    #[test]
    fn an_event_loop_waits_longer_on_timers_but_not_on_io() {
        let sleeps = TaskWork::exact(0.0, 2e6, 0);
        let timers = sleeps.with_timer_waits(true);
        // 16 overlapping 2 ms sleeps: one overshoot of tokio's timer (0.8 ms here) on top.
        let on_timers = total(BenchFunction::Async, 16, timers);
        let on_io = total(BenchFunction::Async, 16, sleeps);
        assert!(
            (on_timers - on_io - 0.8e6).abs() < 1.0,
            "{on_timers} vs {on_io}"
        );
        // Threads sleep with the OS's timer: no overshoot.
        assert_eq!(
            total(BenchFunction::Threads, 16, timers),
            total(BenchFunction::Threads, 16, sleeps)
        );
        // No waits, nothing to lengthen.
        let hashing = TaskWork::exact(1e6, 0.0, 0).with_timer_waits(true);
        assert_eq!(
            total(BenchFunction::Async, 4, hashing),
            total(BenchFunction::Async, 4, TaskWork::exact(1e6, 0.0, 0))
        );
    }

    #[test]
    fn a_slope_lost_in_noise_is_compared_past_the_line() {
        let mut pool = StrategyCost::exact(BenchFunction::ProcessPoolWarm, 80e3, 300.0, None);
        pool.per_task_ns = Interval {
            point: 300.0,
            lower: -14e3,
            upper: 15e3,
        };
        pool.primitive_ns = Some(Interval::exact(2e3));
        assert!(
            !pool.compared_past_the_line(),
            "nothing measured past the line"
        );
        pool.beyond = Some(BeyondLine {
            from_tasks: 32,
            measured_tasks: 1024,
            per_task_ns: Interval::exact(16e3),
        });
        assert!(pool.compared_past_the_line());
        assert_eq!(pool.ratio_to_primitive(), Some(8.0));
        // A slope told from zero stays the figure compared.
        pool.per_task_ns = Interval {
            point: 3e3,
            lower: 2e3,
            upper: 4e3,
        };
        assert!(!pool.compared_past_the_line());
        assert_eq!(pool.ratio_to_primitive(), Some(1.5));
    }

    #[test]
    fn sequential_adds_everything_up() {
        let work = TaskWork::exact(1e6, 2e6, 0);
        assert!((total(BenchFunction::Sequential, 4, work) - (40.0 + 4.0 * 3e6)).abs() < 1e-6);
    }

    #[test]
    fn threads_overlap_waits_and_spread_computing_over_the_measured_scaling() {
        let sleeps = TaskWork::exact(0.0, 10e6, 0);
        let t = total(BenchFunction::Threads, 64, sleeps);
        assert!((t - (1e3 + 64.0 * 30e3 + 10e6)).abs() < 1e-6, "{t}");
        let hashing = TaskWork::exact(1e6, 0.0, 0);
        let t = total(BenchFunction::Threads, 8, hashing);
        assert!((t - (1e3 + 8.0 * 30e3 + 8e6 / 1.8)).abs() < 1e-6, "{t}");
    }

    #[test]
    fn a_cpu_sized_pool_waits_in_rounds() {
        let sleeps = TaskWork::exact(0.0, 10e6, 0);
        let p = model()
            .predict(BenchFunction::Rayon, 16, &sleeps, None)
            .unwrap();
        assert!(p.worker_bound);
        assert!((p.work_ns.point - 8.0 * 10e6).abs() < 1e-6);
    }

    #[test]
    fn gil_and_one_event_loop_compute_one_task_at_a_time() {
        let hashing = TaskWork::exact(1e6, 0.0, 0);
        for strategy in [BenchFunction::Gil, BenchFunction::Async] {
            let p = model().predict(strategy, 4, &hashing, None).unwrap();
            assert!((p.work_ns.point - 4e6).abs() < 1e-6, "{strategy}");
        }
    }

    #[test]
    fn processes_pay_per_byte() {
        let p = model()
            .predict(
                BenchFunction::Processes,
                2,
                &TaskWork::exact(0.0, 0.0, 1000),
                None,
            )
            .unwrap();
        assert_eq!(p.transfer_ns.unwrap().point, 0.5 * 1000.0 * 2.0);
        let threads = model()
            .predict(
                BenchFunction::Threads,
                2,
                &TaskWork::exact(0.0, 0.0, 1000),
                None,
            )
            .unwrap();
        assert_eq!(threads.transfer_ns, None);
    }

    #[test]
    fn intervals_contain_the_point_and_negative_costs_count_as_zero() {
        let mut m = model();
        m.costs[1].fixed_ns = Interval {
            point: -5.0,
            lower: -50.0,
            upper: 40.0,
        };
        let work = TaskWork {
            compute_ns: Interval {
                point: 1e6,
                lower: 0.9e6,
                upper: 1.1e6,
            },
            wait_ns: Interval::exact(0.0),
            input_bytes: 0,
            timer_waits: false,
        };
        let p = m.predict(BenchFunction::Threads, 4, &work, None).unwrap();
        assert_eq!(p.fixed_ns.point, 0.0);
        assert!(p.total_ns.lower < p.total_ns.point && p.total_ns.point < p.total_ns.upper);
    }

    #[test]
    fn scaling_interpolates_and_holds_beyond_the_measured() {
        let mut m = model();
        assert_eq!(m.scaling(1).point, 1.0);
        assert_eq!(m.scaling(2).point, 1.8);
        assert_eq!(m.scaling(16).point, 1.8);
        m.raw_scaling.push(ScalingPoint {
            threads: 4,
            speedup: Interval::exact(3.0),
        });
        assert!((m.scaling(3).point - 2.4).abs() < 1e-9);
        m.raw_scaling.clear();
        assert_eq!(m.scaling(3).point, 3.0, "nominal when not measured");
    }

    #[test]
    fn unmodelled_strategies_get_no_prediction() {
        let work = TaskWork::exact(1.0, 0.0, 0);
        assert!(
            model()
                .predict(BenchFunction::Asyncio, 2, &work, None)
                .is_none()
        );
        assert!(
            model()
                .predict(BenchFunction::AsyncMulti, 2, &work, None)
                .is_none(),
            "no costs"
        );
    }

    #[test]
    fn residuals_flag_misses_beyond_a_quarter() {
        assert!(!is_unexplained(residual(1.2, 1.0)));
        assert!(is_unexplained(residual(1.3, 1.0)));
        assert!(is_unexplained(residual(0.7, 1.0)));
    }
}
