//! The benchmark ID scheme, defined once: the benches write these IDs, the report reads them.
//!
//! A Criterion ID has three parts, `group/function/value`:
//!
//! | group                     | function  | value                | question                      |
//! |---------------------------|-----------|----------------------|-------------------------------|
//! | `sleep-10ms`              | strategy  | task count           | do waits overlap?             |
//! | `hash-1MiB`               | strategy  | task count           | does computing scale?         |
//! | `hash-size-n4`            | strategy  | bytes per task       | where is the break-even?      |
//! | `overhead`                | strategy  | task count (empty)   | what does a task cost?        |
//! | `hash-workers-1MiB-n16`   | strategy  | worker count         | Amdahl: how far does it scale?|
//! | `mixed-20ms-n8`           | strategy  | waiting share in %   | computing and waiting mixed   |
//! | `waits-50ms`              | strategy  | task count           | threads against async at scale|
//! | `file-64KiB`              | strategy  | task count           | real blocking file I/O        |
//! | `net-10ms`                | strategy  | task count           | real blocking socket I/O      |
//!
//! Functions are [`StrategyKind`](crate::strategy::StrategyKind) names, plus the bench-only
//! variants [`RAYON_N`] and [`PROCESS_POOL_WARM`]. Examples: `sleep-10ms/threads/64`,
//! `hash-1MiB/rayon/8`, `hash-size-n4/processes/65536`, `overhead/process-pool-warm/1`.

use std::fmt;
use std::time::Duration;

use crate::units;

/// Bench-only function name: rayon on a pool with one thread per task (no blocking trap).
pub const RAYON_N: &str = "rayon-n";
/// Bench-only function name: a process pool spawned before the clock starts.
pub const PROCESS_POOL_WARM: &str = "process-pool-warm";

/// What a benchmark group measures, with its fixed parameter.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Group {
    /// Sleeping tasks of one duration; value = task count.
    Sleep {
        /// How long each task sleeps.
        duration: Duration,
    },
    /// Hash tasks of one size; value = task count.
    Hash {
        /// Bytes per task.
        bytes: u64,
    },
    /// A fixed number of hash tasks; value = bytes per task (the break-even sweep).
    HashSize {
        /// Task count.
        tasks: usize,
    },
    /// Empty tasks; value = task count. Measures each strategy's own cost.
    Overhead,
    /// A fixed number of hash tasks on a swept worker count; value = workers (Amdahl fit).
    HashWorkers {
        /// Bytes per task.
        bytes: u64,
        /// Task count.
        tasks: usize,
    },
    /// Tasks that hash then wait, at a fixed total cost; value = waiting share in percent.
    Mixed {
        /// The total cost of one task (computing plus waiting).
        total: Duration,
        /// Task count.
        tasks: usize,
    },
    /// Many sleeping tasks (threads against async); value = task count.
    Waits {
        /// How long each task sleeps.
        duration: Duration,
    },
    /// Write, fsync, read back and hash a file; value = task count.
    File {
        /// Bytes per file.
        bytes: u64,
    },
    /// One request to a slow loopback server; value = task count.
    Net {
        /// How long the server waits before answering.
        duration: Duration,
    },
}

impl Group {
    /// Parses a group name; `None` if it is not one of parbench's.
    pub fn parse(name: &str) -> Option<Group> {
        let duration = |s: &str| units::parse_duration("group", s).ok();
        let bytes = |s: &str| units::parse_bytes("group", s).ok();
        let tasks = |s: &str| {
            s.strip_prefix('n')?
                .parse::<usize>()
                .ok()
                .filter(|&n| n > 0)
        };
        if name == "overhead" {
            return Some(Group::Overhead);
        }
        if let Some(rest) = name.strip_prefix("hash-size-") {
            return Some(Group::HashSize {
                tasks: tasks(rest)?,
            });
        }
        if let Some(rest) = name.strip_prefix("hash-workers-") {
            let (b, n) = rest.rsplit_once('-')?;
            return Some(Group::HashWorkers {
                bytes: bytes(b)?,
                tasks: tasks(n)?,
            });
        }
        if let Some(rest) = name.strip_prefix("mixed-") {
            let (d, n) = rest.rsplit_once('-')?;
            return Some(Group::Mixed {
                total: duration(d)?,
                tasks: tasks(n)?,
            });
        }
        let (kind, param) = name.split_once('-')?;
        match kind {
            "sleep" => Some(Group::Sleep {
                duration: duration(param)?,
            }),
            "hash" => Some(Group::Hash {
                bytes: bytes(param)?,
            }),
            "waits" => Some(Group::Waits {
                duration: duration(param)?,
            }),
            "file" => Some(Group::File {
                bytes: bytes(param)?,
            }),
            "net" => Some(Group::Net {
                duration: duration(param)?,
            }),
            _ => None,
        }
    }

    /// What the value part of this group's IDs counts, for axis labels.
    pub fn value_meaning(&self) -> &'static str {
        match self {
            Group::HashSize { .. } => "bytes per task",
            Group::HashWorkers { .. } => "workers",
            Group::Mixed { .. } => "waiting share (%)",
            _ => "tasks",
        }
    }
}

impl fmt::Display for Group {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let d = |d: &Duration| units::duration_label(*d);
        let b = |b: &u64| units::bytes_label(*b);
        match self {
            Group::Sleep { duration } => write!(f, "sleep-{}", d(duration)),
            Group::Hash { bytes } => write!(f, "hash-{}", b(bytes)),
            Group::HashSize { tasks } => write!(f, "hash-size-n{tasks}"),
            Group::Overhead => write!(f, "overhead"),
            Group::HashWorkers { bytes, tasks } => write!(f, "hash-workers-{}-n{tasks}", b(bytes)),
            Group::Mixed { total, tasks } => write!(f, "mixed-{}-n{tasks}", d(total)),
            Group::Waits { duration } => write!(f, "waits-{}", d(duration)),
            Group::File { bytes } => write!(f, "file-{}", b(bytes)),
            Group::Net { duration } => write!(f, "net-{}", d(duration)),
        }
    }
}

/// One benchmark's full ID: `group/strategy/value`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct BenchId {
    /// The group, parsed.
    pub group: Group,
    /// The function: a strategy name or a bench-only variant.
    pub strategy: String,
    /// The swept parameter (task count, bytes, workers or percent).
    pub value: u64,
}

impl BenchId {
    /// Builds an ID.
    pub fn new(group: Group, strategy: &str, value: u64) -> Self {
        BenchId {
            group,
            strategy: strategy.to_string(),
            value,
        }
    }

    /// Parses Criterion's parts (`group_id`, `function_id`, `value_str`); `None` if any part is
    /// not of parbench's scheme.
    pub fn from_parts(group: &str, function: Option<&str>, value: Option<&str>) -> Option<Self> {
        Some(BenchId {
            group: Group::parse(group)?,
            strategy: function?.to_string(),
            value: value?.parse().ok()?,
        })
    }

    /// Parses a full ID such as `sleep-10ms/threads/64`.
    pub fn parse(full: &str) -> Option<Self> {
        let mut parts = full.splitn(3, '/');
        Self::from_parts(parts.next()?, parts.next(), parts.next())
    }
}

impl fmt::Display for BenchId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}/{}", self.group, self.strategy, self.value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_group_round_trips() {
        let groups = [
            Group::Sleep {
                duration: Duration::from_millis(10),
            },
            Group::Hash { bytes: 1 << 20 },
            Group::HashSize { tasks: 4 },
            Group::Overhead,
            Group::HashWorkers {
                bytes: 1 << 20,
                tasks: 16,
            },
            Group::Mixed {
                total: Duration::from_millis(20),
                tasks: 8,
            },
            Group::Waits {
                duration: Duration::from_millis(50),
            },
            Group::File { bytes: 64 * 1024 },
            Group::Net {
                duration: Duration::from_millis(10),
            },
        ];
        for group in groups {
            let name = group.to_string();
            assert_eq!(Group::parse(&name), Some(group), "{name}");
        }
    }

    #[test]
    fn documented_examples_parse() {
        let id = BenchId::parse("sleep-10ms/threads/64").unwrap();
        assert_eq!(
            id.group,
            Group::Sleep {
                duration: Duration::from_millis(10)
            }
        );
        assert_eq!((id.strategy.as_str(), id.value), ("threads", 64));
        assert_eq!(id.to_string(), "sleep-10ms/threads/64");
        let id = BenchId::parse("hash-size-n4/processes/65536").unwrap();
        assert_eq!(id.group, Group::HashSize { tasks: 4 });
        assert_eq!(
            BenchId::parse("hash-1MiB/rayon/8").unwrap().group,
            Group::Hash { bytes: 1 << 20 }
        );
    }

    #[test]
    fn foreign_ids_are_rejected() {
        for bad in [
            "fib/20",
            "sleep-soon/threads/1",
            "hash-1MiB/rayon/many",
            "hash-size-nx/a/1",
            "other-1/a/1",
        ] {
            assert_eq!(BenchId::parse(bad), None, "{bad}");
        }
    }
}
