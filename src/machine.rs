//! Facts about the machine a measurement ran on: cores, CPU model, OS, compiler.
//!
//! Every report names its machine, so that its numbers can be read against the core count
//! they were measured with.

use serde::{Deserialize, Serialize};

/// What parbench knows about this machine.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Machine {
    /// Logical CPUs the run could use, hyper-threads included: all of them, or K under
    /// `PARBENCH_CPUS=K` ([`crate::cpus::available`]).
    pub logical_cores: usize,
    /// Every online CPU of the machine ([`crate::cpus::machine_cpus`]); more than
    /// `logical_cores` when the run was restricted to fewer. Absent in older summaries: read
    /// as `logical_cores`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub machine_cpus: Option<usize>,
    /// Physical cores (`num_cpus::get_physical`).
    pub physical_cores: usize,
    /// The CPU model as the OS names it, or `unknown`.
    pub cpu_model: String,
    /// The operating system and kernel, e.g. `linux (Debian GNU/Linux 12, kernel 6.1.0)`.
    pub os: String,
    /// The compiler parbench was built with.
    pub rustc: String,
    /// parbench's version.
    pub parbench: String,
}

impl Machine {
    /// Reads the facts of the machine this runs on.
    pub fn detect() -> Self {
        Machine {
            logical_cores: crate::cpus::available(),
            machine_cpus: Some(crate::cpus::machine_cpus()),
            physical_cores: num_cpus::get_physical(),
            cpu_model: cpu_model().unwrap_or_else(|| "unknown".to_string()),
            os: os_description(),
            rustc: env!("PARBENCH_RUSTC_VERSION").to_string(),
            parbench: env!("CARGO_PKG_VERSION").to_string(),
        }
    }

    /// A one-line description: `2 logical / 2 physical cores, Intel(R) Xeon(R) Processor`, or
    /// under a restriction `1 of 2 CPUs (2 physical cores), Intel(R) Xeon(R) Processor`.
    pub fn summary(&self) -> String {
        match self.restricted_from() {
            Some(n) => format!(
                "{} of {n} CPUs ({} physical cores), {}",
                self.logical_cores, self.physical_cores, self.cpu_model
            ),
            None => format!(
                "{} logical / {} physical cores, {}",
                self.logical_cores, self.physical_cores, self.cpu_model
            ),
        }
    }

    /// The machine's CPU count N when the run used fewer (K of N), else `None`.
    pub fn restricted_from(&self) -> Option<usize> {
        self.machine_cpus.filter(|&n| n > self.logical_cores)
    }

    /// The CPUs the run used, as the machine line says them: `2`, or `1 of 2`.
    pub fn cpus_text(&self) -> String {
        match self.restricted_from() {
            Some(n) => format!("{} of {n}", self.logical_cores),
            None => self.logical_cores.to_string(),
        }
    }
}

fn cpu_model() -> Option<String> {
    let info = std::fs::read_to_string("/proc/cpuinfo").ok()?;
    info.lines()
        .find(|line| line.starts_with("model name"))
        .and_then(|line| line.split_once(':'))
        .map(|(_, model)| model.trim().to_string())
}

fn os_description() -> String {
    let release = std::fs::read_to_string("/etc/os-release")
        .ok()
        .and_then(|text| {
            text.lines()
                .find_map(|line| line.strip_prefix("PRETTY_NAME="))
                .map(|name| name.trim_matches('"').to_string())
        });
    let kernel = std::fs::read_to_string("/proc/sys/kernel/osrelease")
        .ok()
        .map(|k| k.trim().to_string());
    let mut parts = Vec::new();
    parts.extend(release);
    parts.extend(kernel.map(|k| format!("kernel {k}")));
    if parts.is_empty() {
        std::env::consts::OS.to_string()
    } else {
        format!("{} ({})", std::env::consts::OS, parts.join(", "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_sane_facts() {
        let m = Machine::detect();
        assert!(m.logical_cores >= 1);
        assert!(m.physical_cores >= 1);
        assert!(m.machine_cpus.unwrap() >= m.logical_cores);
        assert!(m.rustc.starts_with("rustc "), "{}", m.rustc);
        assert!(m.summary().contains("cores"));
    }
}
