//! The `net` workload: one request/response over loopback TCP to a slow local service.
//!
//! [`LoopbackServer`] is the service: parbench starts it on `127.0.0.1` with an ephemeral
//! port before the clock starts; it answers each request after a fixed delay (a slow remote
//! service), with the SHA-256 of the request. It serves at most [`MAX_CONNECTIONS`]
//! connections at once (more wait in the listen backlog), gives a client [`REQUEST_TIMEOUT`]
//! to send its request, and shuts down when dropped: it stops accepting, closes every
//! connection and its thread is joined. A task's request is `parbench request <index>\n`;
//! its output is the reply, which [`expected`] computes without the network.

use std::io::{self, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpStream};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use sha2::{Digest, Sha256};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::sync::{Semaphore, oneshot};

use super::{Gate, TaskOutput};
use crate::error::{Error, Result};
use crate::signals::OnTermination;

/// The most connections the server handles at once.
pub const MAX_CONNECTIONS: usize = 4096;
/// How long the server waits for a client's request before dropping the connection.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a client waits to connect.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a client waits for the reply beyond the server's delay.
const REPLY_SLACK: Duration = Duration::from_secs(30);
/// The longest request the server reads.
const MAX_REQUEST: u64 = 4096;
/// The length of a reply: one SHA-256 digest.
const REPLY_LEN: usize = 32;
/// How long an interrupted `parbench run` waits for the server's thread to end.
const STOP_PATIENCE_ON_TERMINATION: Duration = Duration::from_secs(1);

/// The request task `index` sends.
pub fn request(index: usize) -> Vec<u8> {
    format!("parbench request {index}\n").into_bytes()
}

/// The reply the server gives to `request`: its SHA-256.
fn reply_to(request: &[u8]) -> Vec<u8> {
    Sha256::digest(request).to_vec()
}

/// The output task `index` must produce, computed without the network.
pub(super) fn expected(index: usize) -> TaskOutput {
    TaskOutput::new(reply_to(&request(index)))
}

/// Sends task `index`'s request to `server` with blocking std sockets, in a wait phase.
pub(super) fn run<G: Gate>(
    index: usize,
    server: SocketAddr,
    delay: Duration,
    gate: &mut G,
) -> Result<TaskOutput> {
    gate.wait(|| exchange(server, &request(index), delay))
        .map(TaskOutput::new)
        .map_err(|e| failed(index, server, e))
}

fn exchange(server: SocketAddr, request: &[u8], delay: Duration) -> io::Result<Vec<u8>> {
    let mut stream = TcpStream::connect_timeout(&server, CONNECT_TIMEOUT)?;
    stream.set_read_timeout(Some(delay + REPLY_SLACK))?;
    stream.set_write_timeout(Some(CONNECT_TIMEOUT))?;
    stream.write_all(request)?;
    stream.shutdown(Shutdown::Write)?;
    let mut reply = Vec::with_capacity(REPLY_LEN);
    stream.take(REPLY_LEN as u64 + 1).read_to_end(&mut reply)?;
    check_reply(reply)
}

/// The async variant: the same exchange on `tokio::net::TcpStream`.
pub(super) async fn run_async(
    index: usize,
    server: SocketAddr,
    delay: Duration,
) -> Result<TaskOutput> {
    let exchange = async {
        let mut stream =
            tokio::time::timeout(CONNECT_TIMEOUT, tokio::net::TcpStream::connect(server))
                .await
                .map_err(|_| io::Error::from(io::ErrorKind::TimedOut))??;
        stream.write_all(&request(index)).await?;
        stream.shutdown().await?;
        let mut reply = Vec::with_capacity(REPLY_LEN);
        stream
            .take(REPLY_LEN as u64 + 1)
            .read_to_end(&mut reply)
            .await?;
        check_reply(reply)
    };
    tokio::time::timeout(delay + REPLY_SLACK, exchange)
        .await
        .map_err(|_| io::Error::from(io::ErrorKind::TimedOut))
        .and_then(|reply| reply)
        .map(TaskOutput::new)
        .map_err(|e| failed(index, server, e))
}

fn check_reply(reply: Vec<u8>) -> io::Result<Vec<u8>> {
    if reply.len() != REPLY_LEN {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!(
                "expected a {REPLY_LEN}-byte reply, got {} bytes",
                reply.len()
            ),
        ));
    }
    Ok(reply)
}

fn failed(index: usize, server: SocketAddr, error: io::Error) -> Error {
    Error::TaskFailed {
        task: index,
        detail: format!("request to the loopback server {server} failed: {error}"),
    }
}

/// A slow local service on loopback TCP, run on its own thread by a tokio event loop.
///
/// Dropping it shuts it down: no listener, connection or thread outlives it. So does the
/// cleanup of an interrupted `parbench run` (see [`crate::signals`]).
#[derive(Debug)]
pub struct LoopbackServer {
    addr: SocketAddr,
    running: Arc<Mutex<Running>>,
    _on_termination: OnTermination,
}

/// What stops a running server: its shutdown signal and its thread.
#[derive(Debug)]
struct Running {
    shutdown: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl Running {
    /// Stops the server and joins its thread; with a `patience`, only if it ends in that time.
    fn stop(&mut self, patience: Option<Duration>) {
        // Dropping the sender wakes the accept loop, which returns; the runtime then drops
        // (on the server thread), closing the listener and every open connection.
        drop(self.shutdown.take());
        let Some(thread) = self.thread.take() else {
            return;
        };
        if let Some(patience) = patience {
            let deadline = std::time::Instant::now() + patience;
            while !thread.is_finished() && std::time::Instant::now() < deadline {
                std::thread::sleep(Duration::from_millis(1));
            }
            if !thread.is_finished() {
                return;
            }
        }
        let _ = thread.join();
    }
}

impl LoopbackServer {
    /// Starts a server on `127.0.0.1` with an ephemeral port, answering after `delay`.
    pub fn start(delay: Duration) -> Result<Self> {
        Self::bind(SocketAddr::from(([127, 0, 0, 1], 0)), delay)
    }

    /// Starts a server on `addr`, answering after `delay`; a port that cannot be bound is an
    /// [`Error::Bind`] naming it.
    pub fn bind(addr: SocketAddr, delay: Duration) -> Result<Self> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|source| Error::System {
                action: "cannot build the loopback server's event loop",
                source,
            })?;
        let listener = runtime
            .block_on(async {
                let socket = match addr {
                    SocketAddr::V4(_) => tokio::net::TcpSocket::new_v4()?,
                    SocketAddr::V6(_) => tokio::net::TcpSocket::new_v6()?,
                };
                socket.bind(addr)?;
                socket.listen(MAX_CONNECTIONS as u32)
            })
            .map_err(|source| Error::Bind { addr, source })?;
        let bound = listener
            .local_addr()
            .map_err(|source| Error::Bind { addr, source })?;
        let (shutdown, stop) = oneshot::channel();
        let thread = std::thread::Builder::new()
            .name("parbench-net-server".to_string())
            .spawn(move || runtime.block_on(serve(listener, delay, stop)))
            .map_err(|source| Error::System {
                action: "cannot start the loopback server's thread",
                source,
            })?;
        let running = Arc::new(Mutex::new(Running {
            shutdown: Some(shutdown),
            thread: Some(thread),
        }));
        let stop_on_termination = Arc::clone(&running);
        Ok(LoopbackServer {
            addr: bound,
            running,
            _on_termination: OnTermination::register(move || {
                lock(&stop_on_termination).stop(Some(STOP_PATIENCE_ON_TERMINATION))
            }),
        })
    }

    /// The address clients connect to.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }
}

impl Drop for LoopbackServer {
    fn drop(&mut self) {
        lock(&self.running).stop(None);
    }
}

/// The server's stopping state, usable even if a thread panicked while holding it.
fn lock(running: &Mutex<Running>) -> std::sync::MutexGuard<'_, Running> {
    running
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Accepts connections until `stop` fires, each answered by its own tokio task.
async fn serve(
    listener: tokio::net::TcpListener,
    delay: Duration,
    mut stop: oneshot::Receiver<()>,
) {
    let permits = Arc::new(Semaphore::new(MAX_CONNECTIONS));
    loop {
        let permit = tokio::select! {
            _ = &mut stop => return,
            permit = Arc::clone(&permits).acquire_owned() => permit.expect("the semaphore stays open"),
        };
        let accepted = tokio::select! {
            _ = &mut stop => return,
            accepted = listener.accept() => accepted,
        };
        match accepted {
            Ok((stream, _)) => {
                tokio::spawn(async move {
                    let _permit = permit;
                    let _ = answer(stream, delay).await;
                });
            }
            // Out of file descriptors, say: let connections finish, then try again.
            Err(_) => tokio::time::sleep(Duration::from_millis(10)).await,
        }
    }
}

/// Reads one request, waits `delay`, replies with the request's SHA-256.
async fn answer(mut stream: tokio::net::TcpStream, delay: Duration) -> io::Result<()> {
    let mut request = Vec::new();
    tokio::time::timeout(
        REQUEST_TIMEOUT,
        (&mut stream).take(MAX_REQUEST).read_to_end(&mut request),
    )
    .await
    .map_err(|_| io::Error::from(io::ErrorKind::TimedOut))??;
    tokio::time::sleep(delay).await;
    stream.write_all(&reply_to(&request)).await?;
    stream.shutdown().await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workload::NoGate;

    #[test]
    fn server_answers_after_its_delay_and_stops_when_dropped() {
        let server = LoopbackServer::start(Duration::from_millis(20)).unwrap();
        let addr = server.addr();
        assert!(addr.ip().is_loopback() && addr.port() != 0);
        let start = std::time::Instant::now();
        let out = run(5, addr, Duration::from_millis(20), &mut NoGate).unwrap();
        assert!(start.elapsed() >= Duration::from_millis(20));
        assert_eq!(out, expected(5));
        drop(server);
        assert!(TcpStream::connect_timeout(&addr, Duration::from_secs(1)).is_err());
    }

    #[test]
    fn a_port_in_use_is_a_clear_error() {
        let server = LoopbackServer::start(Duration::from_millis(1)).unwrap();
        let err = LoopbackServer::bind(server.addr(), Duration::from_millis(1))
            .unwrap_err()
            .to_string();
        assert!(err.contains(&server.addr().to_string()), "{err}");
        assert!(err.contains("loopback server"), "{err}");
    }

    #[test]
    fn a_dead_server_is_a_task_error() {
        let addr = LoopbackServer::start(Duration::from_millis(1))
            .unwrap()
            .addr();
        let err = run(2, addr, Duration::from_millis(1), &mut NoGate)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("task 2") && err.contains(&addr.to_string()),
            "{err}"
        );
    }
}
