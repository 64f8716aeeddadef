//! parbench measures where threads help and where they don't.
//!
//! The classic lesson says threads overlap waiting (I/O-bound work) but, under Python's GIL,
//! cannot speed up computing (CPU-bound work). parbench runs the same tasks — sleeping,
//! hashing, files, sockets — on several [`strategy`]s (sequential, one thread per task, rayon,
//! one process per task, a process pool, a simulated GIL, tokio event loops) and measures what
//! each one buys on this machine; [`amdahl`] fits the serial fraction of a worker sweep.
//!
//! ```
//! use parbench::strategy::{Strategy, Threads};
//! use parbench::workload::{TaskSet, Workload};
//!
//! let tasks = TaskSet::new(Workload::Hash { bytes: 4096 }, 4)?;
//! let outputs = Threads.run(&tasks)?;
//! tasks.verify("threads", &outputs)?;
//! # Ok::<(), parbench::Error>(())
//! ```
#![warn(missing_docs)]

pub mod advise;
pub mod amdahl;
pub mod bench_id;
pub mod canary;
pub mod compare;
pub mod costs;
pub mod cpus;
pub mod criterion_data;
pub mod error;
pub mod format;
pub mod interval;
pub mod machine;
pub mod measure;
pub mod pairs;
pub mod python;
pub mod quality;
pub mod records;
pub mod report;
pub mod run;
pub mod runner;
pub mod shape;
pub mod signals;
pub mod stats;
pub mod strategy;
pub mod suite;
pub mod units;
pub mod worker;
pub mod workload;

pub use error::{Error, Result};
