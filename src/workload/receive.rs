//! The `receive` workload: a task that takes its input and does not hash it.
//!
//! Its cost is whatever getting the input to the task costs: nothing for in-process
//! strategies, the transfer through a pipe for the process strategies. The `receive-n*` sweep
//! over input sizes turns that into a cost per byte.

use super::TaskOutput;

/// Returns the input's length and the wrapping sum of its bytes (16 bytes in all): cheap next
/// to moving the input, and still different for a short or corrupted input.
pub(super) fn run(input: &[u8]) -> TaskOutput {
    let sum = input
        .iter()
        .fold(0u64, |sum, &byte| sum.wrapping_add(u64::from(byte)));
    let mut out = (input.len() as u64).to_le_bytes().to_vec();
    out.extend_from_slice(&sum.to_le_bytes());
    TaskOutput::new(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn output_tells_length_and_content() {
        let a = run(&[1, 2, 3]);
        assert_eq!(&a.as_bytes()[..8], &3u64.to_le_bytes());
        assert_eq!(&a.as_bytes()[8..], &6u64.to_le_bytes());
        assert_ne!(run(&[1, 2, 4]), a, "a changed byte changes the output");
        assert_ne!(run(&[1, 2]), a, "a short input changes the output");
    }
}
