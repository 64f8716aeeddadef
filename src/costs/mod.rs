//! Where the time goes: the primitive floor, each strategy's fitted costs, and a model that
//! predicts every benchmark from them.
//!
//! - [`fit`]: a cost line `T(x) = fixed + slope · x` fitted to measured times with intervals
//!   (weighted least squares; see its docs for how the intervals are made).
//! - [`model`]: the [`CostModel`] — a strategy's time for N tasks from its fixed cost, cost
//!   per task and per byte moved, the tasks' computing and waiting, the core count and the
//!   machine's measured raw compute scaling. The formula is documented there.
//! - [`measured`]: the model built from a bench run ([`CostReport`]), with a prediction and
//!   residual per benchmark and break-even sizes checked against the measured sweep.
//! - [`cpu`]: the CPU time per benchmark the benches record beside Criterion's data.
//! - [`primitives`]: the primitives the model needs, as the functions both the `primitives`
//!   bench and the calibration time.
//! - [`calibrate`]: the same costs measured in a few seconds without Criterion, for
//!   `parbench advise` on a machine with no bench run.
//! - [`summary`]: the costs as `summary.json` carries them, and reading them back.

pub mod calibrate;
pub mod cpu;
pub mod fit;
pub mod measured;
pub mod model;
pub mod primitives;
pub mod summary;

pub use cpu::CpuRecord;
pub use measured::CostReport;
pub use model::{CostModel, Prediction, StrategyCost, TaskWork};
