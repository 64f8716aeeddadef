//! The CPython driver: the protocol round trip on the real interpreter, its outputs against
//! parbench's own, and every way an interpreter can be missing or broken (fake interpreters
//! are small shell scripts in a temporary directory, given as `PARBENCH_PYTHON` would give
//! them). Needs `python3` on `PATH` (CI installs it); timings are never asserted.

mod common;

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::time::{Duration, Instant};

use parbench::bench_id::BenchFunction;
use parbench::python::{
    self, CPYTHON_STRATEGIES, GilStatus, Interpreter, PyScenario, PyTask, PythonDriver, PythonError,
};
use parbench::workload::{TaskSet, Workload, run_digest};

/// `python3` on `PATH`, started: these tests need it.
fn real_driver() -> PythonDriver {
    let interpreter = python::interpreter_from(None);
    match python::start(interpreter) {
        Ok(Some(driver)) => driver,
        Ok(None) => panic!("these tests need python3 on PATH (CI installs it)"),
        Err(e) => panic!("{e}"),
    }
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

#[test]
fn every_strategy_runs_every_task_with_parbench_outputs() {
    let mut driver = real_driver();
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
    ];
    for task in tasks {
        let expected = task.expected_outputs(5).unwrap();
        for &function in CPYTHON_STRATEGIES {
            if python::unsupported(function, &info).is_some() {
                continue;
            }
            let scenario = PyScenario::new(task, function, 5, 2).unwrap();
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
fn hashlib_digests_equal_parbench_hash_task_outputs() {
    let mut driver = real_driver();
    // Sizes around the 256-byte period of the inputs and a multi-slice one.
    for bytes in [1, 255, 256, 257, 200_000] {
        let task = PyTask::Hash { bytes };
        let scenario = PyScenario::new(task, BenchFunction::Sequential, 300, 1).unwrap();
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
fn calibration_sizes_a_loop_near_one_hash_task() {
    let mut driver = real_driver();
    let calibration = driver.calibrate(1 << 20, 20_000, 2).unwrap();
    assert!(calibration.hash_ns > 0 && calibration.loop_ns > 0);
    let iterations = python::loop_iterations_like_hash(calibration, 20_000);
    assert!(iterations >= 100);
}

#[test]
fn a_driver_error_is_reported_and_the_driver_goes_on() {
    let mut driver = real_driver();
    // The driver itself refuses what it cannot run: a strategy it does not know.
    let scenario = PyScenario {
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
    let absent = Interpreter {
        program: "parbench-no-such-python3".into(),
        from_env: false,
    };
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
    let scenario =
        PyScenario::new(PyTask::Hash { bytes: 64 }, BenchFunction::Threads, 4, 2).unwrap();
    let err = driver.run(&scenario, 2).unwrap_err();
    assert!(matches!(err, PythonError::Exited { .. }), "{err}");
    let text = one_line(&err);
    assert!(
        text.contains("py-hash-64B/threads/4")
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
    let scenario = PyScenario::new(task, BenchFunction::Sequential, 2, 1).unwrap();
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
    let scenario =
        PyScenario::new(PyTask::Loop { iterations: 1 }, BenchFunction::Threads, 1, 1).unwrap();
    let err = driver.run(&scenario, 1).unwrap_err();
    assert!(matches!(err, PythonError::Timeout { .. }), "{err}");
    assert!(gone(pid), "the hung driver was stopped");
}

/// A real driver whose warm pool of two workers has run once, and those workers' pids (checked
/// alive).
fn driver_with_a_warm_pool() -> (PythonDriver, Vec<u32>) {
    let mut driver = real_driver();
    let scenario = PyScenario::new(
        PyTask::Loop { iterations: 100 },
        BenchFunction::ProcessPoolWarm,
        4,
        2,
    )
    .unwrap();
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

    // Measured: CPython's rows beside Rust's, with verdicts and sentences.
    for (group, base, threads) in [
        ("py-sleep-10ms", 80e6, 7.5),
        ("py-hash-1MiB", 8e6, 1.9),
        ("py-loop-3000", 8e6, 1.0),
    ] {
        write_benchmark(&criterion, group, "sequential", 8, base);
        write_benchmark(&criterion, group, "threads", 8, base / threads);
        write_benchmark(&criterion, group, "process-pool-warm", 8, base / 1.6);
    }
    let info = python::InterpreterInfo {
        version: "3.12.1".into(),
        implementation: "CPython".into(),
        executable: "/usr/bin/python3.12".into(),
        gil: GilStatus::Enabled,
        free_threaded_build: false,
        start_method: "fork".into(),
        cpus: Some(2),
    };
    python::PythonRecord::Measured {
        program: "python3".into(),
        from_env: false,
        info,
        hash_bytes: 1 << 20,
        loop_iterations: 3000,
        tasks: vec![8],
        skipped: vec![],
    }
    .save(&criterion)
    .unwrap();
    let (html, json) = report_of(&criterion);
    let section = &json["python"];
    assert_eq!(section["status"], "measured");
    assert_eq!(section["interpreter"]["version"], "3.12.1");
    assert!(html.contains("CPython 3.12.1 at /usr/bin/python3.12"));
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
    assert!(
        json["benchmarks"]
            .as_array()
            .unwrap()
            .iter()
            .any(|b| b["id"] == "py-loop-3000/threads/8")
    );
}
