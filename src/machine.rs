//! Facts about the machine a measurement ran on: cores, CPU model, OS, compiler.
//!
//! Every report names its machine, so that its numbers can be read against the core count
//! they were measured with.

use serde::{Deserialize, Serialize};

/// What parbench knows about this machine.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Machine {
    /// Logical CPUs (`num_cpus::get`), hyper-threads included.
    pub logical_cores: usize,
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
            logical_cores: num_cpus::get(),
            physical_cores: num_cpus::get_physical(),
            cpu_model: cpu_model().unwrap_or_else(|| "unknown".to_string()),
            os: os_description(),
            rustc: env!("PARBENCH_RUSTC_VERSION").to_string(),
            parbench: env!("CARGO_PKG_VERSION").to_string(),
        }
    }

    /// A one-line description: `2 logical / 2 physical cores, Intel(R) Xeon(R) Processor`.
    pub fn summary(&self) -> String {
        format!(
            "{} logical / {} physical cores, {}",
            self.logical_cores, self.physical_cores, self.cpu_model
        )
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
        assert!(m.physical_cores >= 1 && m.physical_cores <= m.logical_cores);
        assert!(m.rustc.starts_with("rustc "), "{}", m.rustc);
        assert!(m.summary().contains("cores"));
    }
}
