//! The `hash` workload: SHA-256 over a task's input, the CPU-bound case.
//!
//! Input definition (documented in the README): byte `j` of task `i` is `(i + j) mod 256`.
//! The hash runs in 64 KiB slices, each one compute phase, so a gate (the simulated GIL)
//! can hand over between slices as CPython does between bytecodes.

use sha2::{Digest, Sha256};

use super::{Gate, TaskOutput};

/// How many bytes one compute slice hashes.
const SLICE: usize = 64 * 1024;

/// Builds the input of task `index`: `len` bytes where byte `j` is `(index + j) mod 256`.
pub fn task_input(index: usize, len: usize) -> Vec<u8> {
    (0..len)
        .map(|j| (index.wrapping_add(j) % 256) as u8)
        .collect()
}

/// Hashes `input` in compute slices and returns its 32-byte SHA-256 digest.
pub(super) fn run<G: Gate>(input: &[u8], gate: &mut G) -> TaskOutput {
    let mut hasher = Sha256::new();
    for slice in input.chunks(SLICE) {
        gate.compute(|| hasher.update(slice));
    }
    TaskOutput::new(hasher.finalize().to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workload::{NoGate, hex};

    #[test]
    fn input_follows_the_documented_rule() {
        assert_eq!(task_input(0, 4), vec![0, 1, 2, 3]);
        assert_eq!(task_input(3, 2), vec![3, 4]);
        assert_eq!(task_input(255, 3), vec![255, 0, 1]);
    }

    #[test]
    fn sliced_hash_equals_one_shot_sha256() {
        let input = task_input(7, 3 * SLICE + 5);
        let sliced = run(&input, &mut NoGate);
        assert_eq!(sliced.as_bytes(), Sha256::digest(&input).as_slice());
    }

    #[test]
    fn known_answer() {
        // SHA-256("abc") from FIPS 180-2.
        let out = run(b"abc", &mut NoGate);
        assert_eq!(
            hex(out.as_bytes()),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
