//! The `file` workload: real blocking file I/O.
//!
//! Each task writes its input to a fresh file in the run's scratch directory, `fsync`s it,
//! reads it back (normally from the page cache) and hashes what it read; the output is that
//! SHA-256, the same as `hash` on the input. The file is removed afterwards, also on error.
//! The async variant uses `tokio::fs`, which runs each call on tokio's blocking thread pool:
//! the event loop stays free, but the I/O itself still occupies a thread.

use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use tokio::io::{AsyncReadExt, AsyncSeekExt, AsyncWriteExt};

use super::{Gate, NoGate, TaskOutput, hash};
use crate::error::{Error, Result};
use crate::signals::OnTermination;

/// What the error says parbench was doing when the file I/O failed.
const ACTION: &str = "cannot write, fsync and read back a task file in";

/// Writes, syncs and reads back `input` in a wait phase, then hashes it in compute slices.
pub(super) fn run<G: Gate>(input: &[u8], dir: &Path, gate: &mut G) -> Result<TaskOutput> {
    let data = gate
        .wait(|| round_trip(input, dir))
        .map_err(|source| io_error(dir, source))?;
    Ok(hash::run(&data, gate))
}

/// The `file` workload's scratch directory: removed when dropped, and by the cleanup of an
/// interrupted `parbench run` (see [`crate::signals`]).
#[derive(Debug)]
pub(super) struct ScratchDir {
    /// Declared first, so dropped first: the directory is removed before the cleanup action
    /// is unregistered, and an interruption in between still finds it registered.
    dir: tempfile::TempDir,
    _on_termination: OnTermination,
}

impl ScratchDir {
    /// Takes charge of `dir`.
    pub(super) fn new(dir: tempfile::TempDir) -> Self {
        let path = dir.path().to_path_buf();
        ScratchDir {
            dir,
            _on_termination: OnTermination::register(move || remove_while_in_use(&path)),
        }
    }

    /// The directory's path.
    pub(super) fn path(&self) -> &Path {
        self.dir.path()
    }
}

/// Removes `dir` and what it holds, trying again if tasks still running create files in it
/// meanwhile (each creates at most one, so a few tries suffice).
fn remove_while_in_use(dir: &Path) {
    for _ in 0..REMOVE_TRIES {
        match std::fs::remove_dir_all(dir) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => {
                std::thread::sleep(std::time::Duration::from_millis(1))
            }
            _ => return,
        }
    }
}

/// How often [`remove_while_in_use`] tries.
const REMOVE_TRIES: usize = 20;

fn round_trip(input: &[u8], dir: &Path) -> io::Result<Vec<u8>> {
    // A NamedTempFile is removed when dropped, whichever way this function returns.
    let mut file = tempfile::Builder::new().prefix("task-").tempfile_in(dir)?;
    file.write_all(input)?;
    file.as_file().sync_all()?;
    file.seek(SeekFrom::Start(0))?;
    let mut data = Vec::with_capacity(input.len());
    file.read_to_end(&mut data)?;
    Ok(data)
}

/// The async variant: the same steps through `tokio::fs`, hashing inline on the loop.
pub(super) async fn run_async(index: usize, input: &[u8], dir: &Path) -> Result<TaskOutput> {
    let path = dir.join(unique_name(index));
    // Removes the file when dropped: on success and on error. (A task cancelled while its
    // open is still on the blocking pool may leave the file; the set's scratch directory,
    // removed when the set drops, catches that.)
    let _remove = tempfile::TempPath::try_from_path(&path).map_err(|e| io_error(dir, e))?;
    let data = round_trip_async(input, &path)
        .await
        .map_err(|source| io_error(dir, source))?;
    Ok(hash::run(&data, &mut NoGate))
}

async fn round_trip_async(input: &[u8], path: &Path) -> io::Result<Vec<u8>> {
    let mut file = tokio::fs::OpenOptions::new()
        .create_new(true)
        .read(true)
        .write(true)
        .open(path)
        .await?;
    file.write_all(input).await?;
    file.flush().await?;
    file.sync_all().await?;
    file.seek(SeekFrom::Start(0)).await?;
    let mut data = Vec::with_capacity(input.len());
    file.read_to_end(&mut data).await?;
    Ok(data)
}

/// A file name no other task of any run in the same scratch directory uses.
fn unique_name(index: usize) -> PathBuf {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    PathBuf::from(format!("task-{}-{index}-{n}", std::process::id()))
}

fn io_error(dir: &Path, source: io::Error) -> Error {
    Error::Io {
        action: ACTION,
        path: dir.to_path_buf(),
        source,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sha2::{Digest, Sha256};

    #[test]
    fn output_is_the_hash_of_the_input_and_no_file_stays() {
        let dir = tempfile::tempdir().unwrap();
        let input = super::super::task_input(3, 100_000);
        let out = run(&input, dir.path(), &mut NoGate).unwrap();
        assert_eq!(out.as_bytes(), Sha256::digest(&input).as_slice());
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        let out_async = runtime.block_on(run_async(3, &input, dir.path())).unwrap();
        assert_eq!(out_async, out);
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }

    #[test]
    fn a_missing_directory_is_an_error_naming_it() {
        let dir = tempfile::tempdir().unwrap();
        let gone = dir.path().join("gone");
        let err = run(b"abc", &gone, &mut NoGate).unwrap_err().to_string();
        assert!(err.contains(&*gone.to_string_lossy()), "{err}");
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        let err = runtime
            .block_on(run_async(0, b"abc", &gone))
            .unwrap_err()
            .to_string();
        assert!(err.contains("cannot write"), "{err}");
    }
}
