//! The CPython driver: the protocol round trip on the real interpreters, its outputs against
//! parbench's own, several interpreters in one run, every way an interpreter can be missing
//! or broken (fake interpreters are small shell scripts in a temporary directory, given as
//! `PARBENCH_PYTHON` would give them), and `scripts/free-threaded-python.sh` with its build
//! step stubbed. Needs `python3` on `PATH`; a free-threaded build (on `PATH` or in parbench's
//! cache) is measured for real when present, and must be under `CI=true` (CI builds it);
//! timings are never asserted.

mod common;

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::time::{Duration, Instant};

use parbench::bench_id::{BenchFunction, PyBuild, PyTag};
use parbench::python::{
    self, CPYTHON_STRATEGIES, GilStatus, Interpreter, Origin, PyScenario, PyTask, PythonDriver,
    PythonError, PythonRecord, Session,
};
use parbench::workload::{TaskSet, Workload, run_digest};

/// `python3` on `PATH`, started: these tests need it.
fn real_driver() -> PythonDriver {
    start_real(python::interpreter_from(None))
}

fn start_real(interpreter: Interpreter) -> PythonDriver {
    match python::start(interpreter) {
        Ok(Some(driver)) => driver,
        Ok(None) => panic!("these tests need python3 on PATH (CI installs it)"),
        Err(e) => panic!("{e}"),
    }
}

/// The free-threaded build the python bench would measure (on `PATH` or in the cache), if this
/// machine has one; CI builds one, so there it must be found.
fn free_threaded() -> Option<Interpreter> {
    let mut all = python::interpreters_from(
        None,
        std::env::var_os("PATH"),
        python::cache_dir().map(|d| python::cached_free_threaded(&d)),
    );
    let found = (all.len() > 1).then(|| all.remove(1));
    if found.is_none() && std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!(
            "CI=true: no free-threaded CPython found; .ci/run builds one with {}",
            python::FREE_THREADED_SCRIPT
        );
    }
    found
}

/// A scenario on the tag the driver runs as.
fn scenario(
    driver: &PythonDriver,
    task: PyTask,
    function: BenchFunction,
    tasks: usize,
    workers: usize,
) -> PyScenario {
    PyScenario::new(driver.tag(), task, function, tasks, workers).unwrap()
}

/// A fake interpreter: `body` as a shell script in `dir`, as `PARBENCH_PYTHON` names it.
fn fake(dir: &Path, name: &str, body: &str) -> Interpreter {
    let path = dir.join(name);
    std::fs::write(&path, format!("#!/bin/sh\n{body}\n")).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    python::interpreter_from(Some(path.into_os_string()))
}

fn start_err(interpreter: Interpreter) -> PythonError {
    match python::start(interpreter) {
        Ok(_) => panic!("a broken interpreter started"),
        Err(e) => e,
    }
}

/// A valid hello, for fakes that get further than start-up.
const HELLO: &str = r#"echo '{"parbench_driver":1,"python":"3.11.0","implementation":"CPython","executable":"/fake","gil":"enabled","free_threaded_build":false,"start_method":"fork","cpus":2}'"#;

fn one_line(error: &impl std::fmt::Display) -> String {
    let text = error.to_string();
    assert!(!text.contains('\n'), "one line: {text}");
    text
}

/// Runs every task on every strategy on `driver` and checks the outputs.
fn every_strategy_on(mut driver: PythonDriver) {
    let info = driver.info().clone();
    assert_eq!(info.implementation, "CPython");
    assert!(info.major_minor().unwrap() >= python::MIN_VERSION);
    if !info.free_threaded_build {
        assert_eq!(info.gil, GilStatus::Enabled);
    }
    let tasks = [
        PyTask::Sleep {
            duration: Duration::from_millis(2),
        },
        PyTask::Hash { bytes: 70_000 },
        PyTask::Loop { iterations: 300 },
        PyTask::Empty,
    ];
    for task in tasks {
        let expected = task.expected_outputs(5).unwrap();
        for &function in CPYTHON_STRATEGIES {
            if python::unsupported(function, &info).is_some() {
                continue;
            }
            let scenario = scenario(&driver, task, function, 5, 2);
            let reply = driver.run(&scenario, 3).unwrap();
            assert_eq!(reply.durations_ns.len(), 3, "{scenario}");
            assert!(reply.durations_ns.iter().all(|&d| d > 0), "{scenario}");
            let total = scenario.check(&reply, &expected).unwrap();
            assert!(total > Duration::ZERO, "{scenario}");
        }
    }
    driver.close().unwrap();
}

#[test]
fn every_strategy_runs_every_task_with_parbench_outputs() {
    every_strategy_on(real_driver());
}

#[test]
fn the_free_threaded_build_runs_every_task_with_the_gil_off_and_forced_on() {
    let Some(free) = free_threaded() else {
        return;
    };
    let driver = start_real(free.clone());
    assert!(
        driver.info().free_threaded_build,
        "{}",
        driver.interpreter()
    );
    assert_eq!(driver.info().gil, GilStatus::Disabled);
    assert_eq!(driver.tag().build, PyBuild::FreeThreaded);
    every_strategy_on(driver);
    let forced = start_real(free.with_gil_forced());
    assert_eq!(forced.info().gil, GilStatus::Enabled);
    assert_eq!(forced.tag().build, PyBuild::FreeThreadedGilOn);
    assert!(forced.tag().to_string().ends_with("t-gil"));
    every_strategy_on(forced);
}

#[test]
fn hashlib_digests_equal_parbench_hash_task_outputs() {
    let mut driver = real_driver();
    // Sizes around the 256-byte period of the inputs and a multi-slice one.
    for bytes in [1, 255, 256, 257, 200_000] {
        let task = PyTask::Hash { bytes };
        let scenario = scenario(&driver, task, BenchFunction::Sequential, 300, 1);
        let reply = driver.run(&scenario, 1).unwrap();
        let rust = TaskSet::new(Workload::Hash { bytes }, 300).unwrap();
        assert_eq!(
            reply.digest,
            run_digest(&rust.expected_outputs()),
            "{bytes} B"
        );
        scenario.check(&reply, &rust.expected_outputs()).unwrap();
    }
}

#[test]
fn a_driver_error_is_reported_and_the_driver_goes_on() {
    let mut driver = real_driver();
    // The driver itself refuses what it cannot run: a strategy it does not know.
    let scenario = PyScenario {
        on: driver.tag(),
        task: PyTask::Loop { iterations: 10 },
        function: BenchFunction::ThreadPool,
        tasks: 2,
        workers: 1,
    };
    driver.run(&scenario, 1).unwrap();
    let bad = PyScenario {
        function: BenchFunction::Rayon,
        ..scenario
    };
    let err = driver.run(&bad, 1).unwrap_err();
    assert!(matches!(err, PythonError::Failed { .. }), "{err}");
    assert!(one_line(&err).contains("unknown strategy 'rayon'"), "{err}");
    driver.run(&scenario, 1).unwrap();
}

#[test]
fn missing_python3_on_path_means_nothing_to_measure() {
    let absent = Interpreter::new("parbench-no-such-python3", Origin::Path);
    assert!(matches!(python::start(absent), Ok(None)));
}

#[test]
fn a_named_interpreter_that_does_not_exist_is_an_error_naming_it() {
    let err = start_err(python::interpreter_from(Some("/no/such/python3".into())));
    assert!(matches!(err, PythonError::NotFound { .. }), "{err}");
    let text = one_line(&err);
    assert!(
        text.contains("'/no/such/python3' (PARBENCH_PYTHON)") && text.contains("3.8"),
        "{text}"
    );
}

#[test]
fn too_old_interpreters_are_refused_with_their_version() {
    let dir = tempfile::tempdir().unwrap();
    let old = fake(
        dir.path(),
        "python3.7",
        r#"echo '{"parbench_driver":1,"python":"3.7.16","implementation":"CPython","executable":"/x"}'; exit 3"#,
    );
    let err = start_err(old);
    assert!(matches!(err, PythonError::TooOld { .. }), "{err}");
    let text = one_line(&err);
    assert!(
        text.contains("3.7.16") && text.contains("3.8 or newer") && text.contains("python3.7"),
        "{text}"
    );
}

#[test]
fn the_real_driver_refuses_a_real_old_interpreter_when_one_is_installed() {
    // Only where an old CPython happens to be installed; elsewhere the fake above covers it.
    let Some(old) = ["python3.7", "python3.6"]
        .iter()
        .map(|name| python::interpreter_from(Some((*name).into())))
        .find(|i| {
            let probe = std::process::Command::new(&i.program).arg("-V").output();
            probe.is_ok_and(|o| o.status.success())
        })
    else {
        return;
    };
    let err = start_err(old);
    assert!(matches!(err, PythonError::TooOld { .. }), "{err}");
}

#[test]
fn garbage_instead_of_a_hello_is_a_protocol_error() {
    let dir = tempfile::tempdir().unwrap();
    let err = start_err(fake(dir.path(), "chatty", "echo 'Hello, world!'; sleep 30"));
    assert!(matches!(err, PythonError::Protocol { .. }), "{err}");
    assert!(one_line(&err).contains("Hello, world!"), "{err}");
    let err = start_err(fake(
        dir.path(),
        "other",
        r#"echo '{"parbench_driver":7,"python":"3.12.0"}'"#,
    ));
    assert!(one_line(&err).contains("protocol 1"), "{err}");
}

#[test]
fn an_interpreter_that_exits_at_start_is_named_with_its_status_and_stderr() {
    let dir = tempfile::tempdir().unwrap();
    let err = start_err(fake(
        dir.path(),
        "crashing",
        "echo 'SyntaxError: invalid syntax' >&2; exit 2",
    ));
    assert!(matches!(err, PythonError::Exited { .. }), "{err}");
    let text = one_line(&err);
    assert!(
        text.contains("crashing") && text.contains("exit status 2") && text.contains("SyntaxError"),
        "{text}"
    );
}

#[test]
fn an_interpreter_that_dies_mid_run_is_an_error_naming_the_scenario() {
    let dir = tempfile::tempdir().unwrap();
    let body = format!("{HELLO}\nread request\necho 'MemoryError' >&2\nexit 1");
    let mut driver = python::start(fake(dir.path(), "dying", &body))
        .unwrap()
        .unwrap();
    let scenario = scenario(
        &driver,
        PyTask::Hash { bytes: 64 },
        BenchFunction::Threads,
        4,
        2,
    );
    let err = driver.run(&scenario, 2).unwrap_err();
    assert!(matches!(err, PythonError::Exited { .. }), "{err}");
    let text = one_line(&err);
    assert!(
        text.contains("py-hash-64B@3.11/threads/4")
            && text.contains("exit status 1")
            && text.contains("MemoryError"),
        "{text}"
    );
}

#[test]
fn a_real_driver_killed_mid_run_is_reported_with_the_signal() {
    let mut driver = real_driver();
    let pid = nix::unistd::Pid::from_raw(driver.pid() as i32);
    let killer = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(300));
        nix::sys::signal::kill(pid, nix::sys::signal::Signal::SIGKILL).unwrap();
    });
    let task = PyTask::Sleep {
        duration: Duration::from_secs(5),
    };
    let scenario = scenario(&driver, task, BenchFunction::Sequential, 2, 1);
    let started = Instant::now();
    let err = driver.run(&scenario, 1).unwrap_err();
    killer.join().unwrap();
    assert!(
        started.elapsed() < Duration::from_secs(8),
        "noticed at once"
    );
    assert!(one_line(&err).contains("signal 9"), "{err}");
}

#[test]
fn a_driver_that_stops_answering_times_out_and_is_stopped() {
    let dir = tempfile::tempdir().unwrap();
    let body = format!("{HELLO}\nread request\nexec sleep 60");
    let mut driver = python::start(fake(dir.path(), "hanging", &body))
        .unwrap()
        .unwrap();
    driver.set_timeout(Duration::from_millis(500));
    let pid = driver.pid();
    let scenario = scenario(
        &driver,
        PyTask::Loop { iterations: 1 },
        BenchFunction::Threads,
        1,
        1,
    );
    let err = driver.run(&scenario, 1).unwrap_err();
    assert!(matches!(err, PythonError::Timeout { .. }), "{err}");
    assert!(gone(pid), "the hung driver was stopped");
}

#[test]
fn an_interpreter_silent_at_start_is_stopped_soon_and_named() {
    let dir = tempfile::tempdir().unwrap();
    let silent = fake(dir.path(), "silent", "exec sleep 60");
    let started = Instant::now();
    let err = match PythonDriver::start_waiting(silent, Duration::from_millis(300)) {
        Ok(_) => panic!("a silent interpreter started"),
        Err(e) => e,
    };
    assert!(started.elapsed() < Duration::from_secs(5), "stopped soon");
    assert!(matches!(err, PythonError::Silent { .. }), "{err}");
    let text = one_line(&err);
    assert!(
        text.contains("silent") && text.contains("said nothing within 0.3 s of starting"),
        "{text}"
    );
}

/// A real driver whose warm pool of two workers has run once, and those workers' pids (checked
/// alive).
fn driver_with_a_warm_pool() -> (PythonDriver, Vec<u32>) {
    let mut driver = real_driver();
    let scenario = scenario(
        &driver,
        PyTask::Loop { iterations: 100 },
        BenchFunction::ProcessPoolWarm,
        4,
        2,
    );
    driver.run(&scenario, 1).unwrap();
    let pids = driver.pool_pids().unwrap();
    assert_eq!(pids.len(), 2);
    assert!(
        pids.iter().all(|&pid| !gone(pid)),
        "workers alive: {pids:?}"
    );
    (driver, pids)
}

#[test]
fn pool_workers_are_gone_after_the_driver_closes() {
    let (driver, pids) = driver_with_a_warm_pool();
    driver.close().unwrap();
    assert!(pids.iter().all(|&pid| gone(pid)), "workers left: {pids:?}");
}

#[test]
fn pool_workers_are_gone_after_the_driver_is_killed() {
    let (mut driver, pids) = driver_with_a_warm_pool();
    let leader = driver.pid();
    driver.kill();
    assert!(gone(leader));
    assert!(pids.iter().all(|&pid| gone(pid)), "workers left: {pids:?}");
}

/// Whether process `pid` no longer runs (absent, or a zombie awaiting its reaper), waiting up
/// to five seconds for it to go.
fn gone(pid: u32) -> bool {
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let running = match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
            // The state follows the parenthesised command name.
            Ok(text) => !text
                .rsplit_once(')')
                .is_some_and(|(_, rest)| rest.trim_start().starts_with(['Z', 'X'])),
            Err(_) if Path::new("/proc/self").exists() => false,
            Err(_) => nix::sys::signal::kill(nix::unistd::Pid::from_raw(pid as i32), None).is_ok(),
        };
        if !running {
            return true;
        }
        if Instant::now() >= deadline {
            return false;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Writes one benchmark as Criterion would, with a ±2 % interval.
fn write_benchmark(dir: &Path, group: &str, function: &str, value: u64, mean_ns: f64) {
    common::write_criterion_benchmark(dir, (group, function, value), mean_ns, 0.02);
}

/// Generates the report from `criterion` and returns its HTML and `summary.json`.
fn report_of(criterion: &Path) -> (String, serde_json::Value) {
    let out = criterion.parent().unwrap().join("reports");
    let summary = parbench::report::generate(criterion, &out).unwrap();
    let html = std::fs::read_to_string(&summary.html).unwrap();
    let json = std::fs::read_to_string(&summary.json).unwrap();
    (html, serde_json::from_str(&json).unwrap())
}

/// A fake free-threaded 3.13 that says hello (GIL off, or on under `-X gil=1`) and then waits
/// for its input to close.
const FREE_THREADED_FAKE: &str = r#"gil=disabled
for arg in "$@"; do [ "$arg" = gil=1 ] && gil=enabled; done
echo '{"parbench_driver":1,"python":"3.13.5","implementation":"CPython","executable":"/fake/python3.13t","gil":"'$gil'","free_threaded_build":true,"start_method":"fork","cpus":2}'
cat >/dev/null"#;

#[test]
fn a_free_threaded_build_is_started_twice_and_a_duplicate_once() {
    let dir = tempfile::tempdir().unwrap();
    let free = fake(dir.path(), "python3.13t", FREE_THREADED_FAKE);
    let lineup = python::start_all(&[free.clone(), free]);
    let tags: Vec<String> = lineup.drivers.iter().map(|d| d.tag().to_string()).collect();
    assert_eq!(tags, ["3.13t", "3.13t-gil"]);
    assert!(lineup.drivers[1].interpreter().gil_forced);
    assert!(lineup.failed.is_empty());
    assert_eq!(lineup.duplicates.len(), 1, "{:?}", lineup.duplicates);
    assert!(
        lineup.duplicates[0].contains("runs as 3.13t, like"),
        "{:?}",
        lineup.duplicates
    );
}

#[test]
fn several_interpreters_in_one_session_and_one_dies_mid_run() {
    let dir = tempfile::tempdir().unwrap();
    let hello_312 = HELLO.replace("3.11.0", "3.12.0");
    let dying = fake(
        dir.path(),
        "dying",
        &format!("{hello_312}\nread request\necho 'MemoryError' >&2\nexit 1"),
    );
    let missing = python::interpreter_from(Some("/no/such/python3".into()));
    let mut session = Session::start(
        &[python::interpreter_from(None), dying, missing],
        python::HELLO_TIMEOUT,
    );
    assert_eq!(session.slots().len(), 2);
    assert_eq!(session.messages.len(), 1);
    assert!(
        session.messages[0].contains("/no/such/python3"),
        "{:?}",
        session.messages
    );
    let task = PyTask::Loop { iterations: 200 };
    let expected = task.expected_outputs(3).unwrap();
    for round in 0..2 {
        for slot in session.slots_mut() {
            let scenario = PyScenario::new(slot.tag(), task, BenchFunction::Threads, 3, 2).unwrap();
            let time = slot.measure(&scenario, 2, &expected).unwrap();
            assert!(time > Duration::ZERO);
            if slot.tag().to_string() == "3.12" && round == 0 {
                assert!(!slot.alive());
                let died_in = slot.take_died_in().unwrap();
                assert_eq!(died_in.to_string(), "py-loop-200@3.12/threads/3");
                assert_eq!(slot.take_died_in(), None, "said once");
            }
        }
    }
    assert!(session.slots()[0].alive(), "the real one is still measured");
    assert!(session.nothing_measured().is_none());
    let record = session.finish(1 << 16, 200, vec![3]);
    let PythonRecord::Measured {
        interpreters,
        failed,
        free_threaded_hint,
        ..
    } = &record
    else {
        panic!("{record:?}");
    };
    assert_eq!(interpreters.len(), 2);
    assert!(interpreters[0].error.is_none());
    let error = interpreters[1].error.as_deref().unwrap();
    assert!(
        error.contains("exit status 1") && error.contains("MemoryError"),
        "{error}"
    );
    assert_eq!(failed.len(), 1);
    assert!(
        free_threaded_hint
            .as_deref()
            .unwrap()
            .contains("free-threaded-python.sh")
    );
}

#[test]
fn a_session_without_a_working_interpreter_says_why() {
    let dir = tempfile::tempdir().unwrap();
    let session = Session::start(&[], python::HELLO_TIMEOUT);
    assert!(matches!(
        session.nothing_measured(),
        Some(PythonRecord::Missing { .. })
    ));
    let crashing = fake(dir.path(), "crashing", "echo 'boom' >&2; exit 2");
    let session = Session::start(&[crashing], python::HELLO_TIMEOUT_CHECK);
    match session.nothing_measured() {
        Some(PythonRecord::Broken { program, error }) => {
            assert!(program.ends_with("crashing"));
            assert!(error.contains("boom"), "{error}");
        }
        other => panic!("{other:?}"),
    }
}

/// Runs `scripts/free-threaded-python.sh` with `args` and `env` (on top of a `PATH` of
/// `path_dir` and the system's directories): (status code, stdout, stderr).
fn script(args: &[&str], path_dir: &Path, env: &[(&str, &Path)]) -> (i32, String, String) {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join(python::FREE_THREADED_SCRIPT);
    let mut command = std::process::Command::new(script);
    command
        .args(args)
        .env(
            "PATH",
            format!("{}:/usr/local/bin:/usr/bin:/bin", path_dir.display()),
        )
        .env_remove("PARBENCH_FT_BUILD")
        .env_remove("PARBENCH_FT_SOURCE");
    for (key, value) in env {
        command.env(key, value);
    }
    let out = command.output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// A stub of the script's build step: counts its calls in `calls`, then either installs a
/// fake `python3.13t` into DESTDIR/PREFIX or leaves a half-built one and fails.
fn build_stub(dir: &Path, calls: &Path, succeed: bool) -> std::path::PathBuf {
    let ending = if succeed {
        "printf '#!/bin/sh\\nexit 0\\n' > \"$2$1/bin/python3.13t\"\nchmod +x \"$2$1/bin/python3.13t\""
    } else {
        "echo 'make: *** [Makefile:42: python] Error 1' >&2\nexit 2"
    };
    let body = format!(
        "echo call >> '{}'\nmkdir -p \"$2$1/bin\" \"$2$1/lib\"\necho half > \"$2$1/lib/half-built\"\n{ending}",
        calls.display()
    );
    let path = dir.join(if succeed { "build-ok" } else { "build-fails" });
    std::fs::write(&path, format!("#!/bin/sh\n{body}\n")).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    path
}

#[test]
fn the_script_uses_a_free_threaded_python_found_on_path_as_is() {
    let dir = tempfile::tempdir().unwrap();
    let bin = dir.path().join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    fake(&bin, "python3.13t", "exit 0");
    let cache = dir.path().join("cache");
    let (code, out, err) = script(&[], &bin, &[("PARBENCH_CACHE", &cache)]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(out.trim(), bin.join("python3.13t").display().to_string());
    assert!(err.contains("found on PATH"), "{err}");
    assert!(!cache.join("python3.13t").exists(), "nothing built");
    // A python3.13t that is not a free-threaded build is not used.
    fake(&bin, "python3.13t", "exit 1");
    let calls = dir.path().join("calls");
    let stub = build_stub(dir.path(), &calls, true);
    let (code, out, err) = script(
        &[],
        &bin,
        &[("PARBENCH_CACHE", &cache), ("PARBENCH_FT_BUILD", &stub)],
    );
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        out.trim(),
        cache
            .join("python3.13t/bin/python3.13t")
            .display()
            .to_string()
    );
}

#[test]
fn the_script_builds_once_into_the_cache_and_then_returns_it_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache");
    let calls = dir.path().join("calls");
    let stub = build_stub(dir.path(), &calls, true);
    let env = [
        ("PARBENCH_CACHE", cache.as_path()),
        ("PARBENCH_FT_BUILD", stub.as_path()),
    ];
    // The scratch directory of a build that was killed is cleared away.
    let stale = cache.join(".build-python3.13t.killed");
    std::fs::create_dir_all(stale.join("stage")).unwrap();
    let (code, out, err) = script(&["--no-path"], dir.path(), &env);
    assert_eq!(code, 0, "{err}");
    assert!(!stale.exists(), "stale scratch directory removed");
    let python = cache.join("python3.13t/bin/python3.13t");
    assert_eq!(out.trim(), python.display().to_string());
    assert!(err.contains("built python3.13t in"), "{err}");
    let built: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(cache.join("python3.13t/parbench-build.json")).unwrap(),
    )
    .unwrap();
    assert!(built["build_seconds"].as_u64().is_some(), "{built}");
    assert_eq!(
        python::build_record(&python).unwrap().source,
        "PARBENCH_FT_BUILD"
    );
    // Second call: the cached one, without building.
    let (code, out, err) = script(&["--no-path"], dir.path(), &env);
    assert_eq!(code, 0, "{err}");
    assert_eq!(out.trim(), python.display().to_string());
    assert_eq!(
        std::fs::read_to_string(&calls).unwrap().lines().count(),
        1,
        "built once"
    );
    assert!(err.is_empty(), "nothing to say: {err}");
    // And the python bench finds it there.
    let found = python::interpreters_from(None, Some("".into()), Some(python.clone()));
    assert_eq!(found[1].program, python);
    assert_eq!(found[1].origin, Origin::Cache);
}

#[test]
fn a_failed_build_says_why_exits_non_zero_and_caches_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache");
    let calls = dir.path().join("calls");
    let stub = build_stub(dir.path(), &calls, false);
    let env = [
        ("PARBENCH_CACHE", cache.as_path()),
        ("PARBENCH_FT_BUILD", stub.as_path()),
    ];
    let (code, out, err) = script(&["--no-path"], dir.path(), &env);
    assert_eq!(code, 1, "{err}");
    assert!(out.is_empty(), "no path printed: {out}");
    assert!(
        err.contains("Error 1")
            && err.contains("failed while running")
            && err.contains("nothing was cached"),
        "{err}"
    );
    let left: Vec<String> = std::fs::read_dir(&cache)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| !name.ends_with(".log") && !name.ends_with(".lock"))
        .collect();
    assert!(left.is_empty(), "no half-built interpreter left: {left:?}");
    // Without a compiler (or a source) the script says what is missing.
    let (code, _, err) = script(
        &["--no-path"],
        dir.path(),
        &[
            ("PARBENCH_CACHE", &cache),
            ("CC", Path::new("parbench-no-such-cc")),
        ],
    );
    assert_eq!(code, 1);
    assert!(err.contains("no C compiler (parbench-no-such-cc)"), "{err}");
    let (code, _, err) = script(&["--bogus"], dir.path(), &[("PARBENCH_CACHE", &cache)]);
    assert_eq!(code, 2);
    assert!(err.contains("unknown argument '--bogus'"), "{err}");
}

#[test]
fn the_page_and_summary_json_with_and_without_python_data() {
    let tmp = tempfile::tempdir().unwrap();
    let criterion = tmp.path().join("criterion");
    // Rust's side, so the page has a run to report.
    for (group, base) in [("sleep-10ms", 80e6), ("hash-1MiB", 4e6)] {
        write_benchmark(&criterion, group, "sequential", 8, base);
        write_benchmark(&criterion, group, "threads", 8, base / 1.9);
        write_benchmark(&criterion, group, "gil", 8, base);
    }

    // The python bench never ran (a filtered run): the section is left out like any other
    // without data, and summary.json says so.
    let (html, json) = report_of(&criterion);
    assert!(!html.contains("Python, measured"), "no empty section");
    assert_eq!(json["python"]["status"], "not-run");
    assert!(json["python"]["rows"].as_array().unwrap().is_empty());

    // A broken interpreter: the page says why the section is missing.
    python::PythonRecord::Broken {
        program: "/opt/old/python3".into(),
        error: "Python '/opt/old/python3' (PARBENCH_PYTHON) is version 3.7.16; parbench needs \
                Python 3.8 or newer (set PARBENCH_PYTHON to one)"
            .into(),
    }
    .save(&criterion)
    .unwrap();
    let (html, json) = report_of(&criterion);
    assert!(
        html.contains("is version 3.7.16"),
        "the reason is on the page"
    );
    assert_eq!(json["python"]["status"], "broken");
    assert_eq!(json["python"]["failed"][0]["program"], "/opt/old/python3");

    // Measured: CPython's rows beside Rust's, with verdicts and sentences.
    write_interpreter(&criterion, "3.12", 1.0);
    save_record(&criterion, &["3.12"]);
    let (html, json) = report_of(&criterion);
    let section = &json["python"];
    assert_eq!(section["status"], "measured");
    assert_eq!(section["interpreters"][0]["version"], "3.12.1");
    assert_eq!(section["interpreters"][0]["build"], "gil");
    assert!(html.contains("CPython 3.12.1 at /usr/bin/python3.12"));
    assert!(html.contains("Without the GIL: not measured, because no free-threaded CPython"));
    assert_eq!(section["tasks"], 8);
    let rows = section["rows"].as_array().unwrap();
    let labels: Vec<String> = rows
        .iter()
        .map(|r| {
            format!(
                "{} {}",
                r["runtime"].as_str().unwrap(),
                r["strategy"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(
        labels,
        [
            "cpython sequential",
            "cpython threads",
            "cpython process-pool-warm",
            "rust threads",
            "rust gil"
        ]
    );
    assert_eq!(rows[1]["hashing"]["verdict"]["kind"], "helps");
    assert_eq!(rows[1]["pure_python"]["verdict"]["kind"], "no-gain");
    let sentences = section["sentences"].to_string();
    assert!(sentences.contains("hashlib threads help"), "{sentences}");
    assert!(
        sentences.contains("The simulated GIL behaves like the real one"),
        "{sentences}"
    );
    assert!(html.contains("id=\"python-table\""));
    assert!(html.contains("stay Rust-only"));
    assert!(
        json["benchmarks"]
            .as_array()
            .unwrap()
            .iter()
            .any(|b| b["id"] == "py-loop-3000@3.12/threads/8")
    );

    // Two interpreters, then three: the free-threaded build with the GIL off, then forced on.
    write_interpreter(&criterion, "3.13t", 1.9);
    save_record(&criterion, &["3.12", "3.13t"]);
    let (html, json) = report_of(&criterion);
    let section = &json["python"];
    assert_eq!(section["interpreters"].as_array().unwrap().len(), 2);
    assert_eq!(section["interpreters"][1]["gil"], "disabled");
    assert!(section["free_threaded_hint"].is_null());
    assert!(
        section["single_thread_overhead"]["time_ratio"]["point"]
            .as_f64()
            .unwrap()
            > 1.0
    );
    assert!(
        html.contains("Without the GIL (3.13t, 8 tasks): CPython threads on pure Python help"),
        "{html}"
    );
    write_interpreter(&criterion, "3.13t-gil", 1.0);
    save_record(&criterion, &["3.12", "3.13t", "3.13t-gil"]);
    let (html, json) = report_of(&criterion);
    let section = &json["python"];
    let tags: Vec<&str> = section["interpreters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["tag"].as_str().unwrap())
        .collect();
    assert_eq!(tags, ["3.12", "3.13t", "3.13t-gil"]);
    assert_eq!(section["interpreters"][2]["gil_forced"], true);
    assert!(html.contains("with the GIL forced back on (3.13t-gil)"));
    assert!(html.contains("Forcing the GIL back on takes the gain away again"));
    let takeaways = json["takeaways"].to_string();
    assert!(takeaways.contains("Without the GIL (3.13t)"), "{takeaways}");
    for id in [
        "py-loop-3000@3.13t/threads/8",
        "py-overhead@3.13t-gil/threads/8",
    ] {
        assert!(
            json["benchmarks"]
                .as_array()
                .unwrap()
                .iter()
                .any(|b| b["id"] == id),
            "{id}"
        );
    }
}

/// Criterion data of one interpreter at 8 tasks: sleep, hash and loop groups (its threads
/// `loop_threads` times faster than sequential on the loop) and empty tasks.
fn write_interpreter(criterion: &Path, tag: &str, loop_threads: f64) {
    let slower = if tag.contains('t') { 1.4 } else { 1.0 };
    for (group, base, threads) in [
        ("py-sleep-10ms", 80e6, 7.5),
        ("py-hash-8MiB", 8e6, 1.9),
        ("py-loop-3000", 8e6 * slower, loop_threads),
    ] {
        let group = format!("{group}@{tag}");
        write_benchmark(criterion, &group, "sequential", 8, base);
        write_benchmark(criterion, &group, "threads", 8, base / threads);
        write_benchmark(criterion, &group, "process-pool-warm", 8, base / 1.6);
    }
    let group = format!("py-overhead@{tag}");
    write_benchmark(criterion, &group, "sequential", 8, 10e3);
    write_benchmark(criterion, &group, "threads", 8, 410e3);
}

/// Saves the python bench's record of interpreters `tags`.
fn save_record(criterion: &Path, tags: &[&str]) {
    let interpreters = tags
        .iter()
        .map(|t| {
            let tag = PyTag::parse(t).unwrap();
            let free = tag.build != PyBuild::Gil;
            python::InterpreterRecord {
                tag,
                program: "python3".into(),
                origin: Origin::Path,
                gil_forced: tag.build == PyBuild::FreeThreadedGilOn,
                info: python::InterpreterInfo {
                    version: format!("{}.{}.1", tag.major, tag.minor),
                    implementation: "CPython".into(),
                    executable: format!("/usr/bin/python{}.{}", tag.major, tag.minor),
                    gil: if tag.build == PyBuild::FreeThreaded {
                        GilStatus::Disabled
                    } else {
                        GilStatus::Enabled
                    },
                    free_threaded_build: free,
                    start_method: "fork".into(),
                    cpus: Some(2),
                },
                build: None,
                skipped: vec![],
                error: None,
            }
        })
        .collect::<Vec<_>>();
    let free = interpreters
        .iter()
        .any(|i| i.tag.build == PyBuild::FreeThreaded);
    PythonRecord::Measured {
        interpreters,
        failed: vec![],
        free_threaded_hint: (!free).then(python::free_threaded_hint),
        hash_bytes: 8 << 20,
        loop_iterations: 3000,
        tasks: vec![8],
    }
    .save(criterion)
    .unwrap();
}

#[test]
fn cpython_pairs_time_every_strategy_in_rounds_and_leave_out_an_interpreter_that_dies() {
    use parbench::pairs::{Mode, PairsBudget, PairsRecord};
    use parbench::suite::{Plan, Profile};
    let dir = tempfile::tempdir().unwrap();
    let hello_312 = HELLO.replace("3.11.0", "3.12.0");
    let dying = fake(
        dir.path(),
        "dying",
        &format!("{hello_312}\nread request\nexit 1"),
    );
    let interpreters = [python::interpreter_from(None), dying];
    let plan = Plan::new(Profile::Quick, 2);
    let tasks = [
        PyTask::Sleep {
            duration: Duration::from_millis(5),
        },
        PyTask::Loop { iterations: 2000 },
    ];
    let session = Session::start(&interpreters, python::HELLO_TIMEOUT);
    let sets = python::pairs::sets(&plan, &session, &tasks).unwrap();
    assert_eq!(sets.len(), 4, "two tasks on two interpreters");
    assert!(
        sets.iter()
            .all(|s| s.scenarios[0].function == BenchFunction::Sequential),
        "sequential is every set's baseline"
    );
    session.close();
    let budget = PairsBudget {
        processes: 2,
        per_set: Duration::ZERO,
        min_rounds: 3,
        max_rounds: 3,
        ..python::pairs::budget(&plan)
    };
    let passes: Vec<_> = (0..budget.processes)
        .map(|index| {
            let mut session = Session::start(&interpreters, python::HELLO_TIMEOUT);
            let pass = python::pairs::run_pass(&mut session, &sets, &budget, index).unwrap();
            session.close();
            pass
        })
        .collect();
    let real = session_tag(&interpreters[0]);
    for pass in &passes {
        let names: Vec<&str> = pass.sets.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(
            names.len(),
            2,
            "the dying interpreter's sets are left out: {names:?}"
        );
        assert!(
            names.iter().all(|n| n.contains(&format!("@{real}@"))),
            "{names:?}"
        );
        for set in &pass.sets {
            for arm in &set.modes[0].arms {
                assert_eq!(arm.per_call_ns.len(), 3, "{} {}", set.name, arm.label);
                assert!(arm.per_call_ns.iter().all(|&ns| ns > 0.0));
            }
        }
    }
    let shapes: Vec<_> = sets.iter().map(|s| s.shape()).collect();
    let record = PairsRecord::combine(&shapes, &passes, 10.0);
    let threads = record
        .of_bench(&format!("py-sleep-5ms@{real}/threads/4"), Mode::Hot)
        .expect("the sleep threads point is paired");
    assert_eq!(threads.rounds, 6);
    assert_eq!(threads.per_process.len(), 2);
    // Four sleeps of 5 ms overlap on threads: far faster than one after another.
    assert!(threads.speedup.point > 1.5, "{:?}", threads.speedup);
    let asyncio = record
        .of_bench(&format!("py-loop-2000@{real}/asyncio/4"), Mode::Hot)
        .expect("the loop asyncio point is paired");
    assert!(asyncio.speedup.lower <= asyncio.speedup.upper);
}

/// The tag an interpreter runs as.
fn session_tag(interpreter: &Interpreter) -> String {
    start_real(interpreter.clone()).tag().to_string()
}
