//! The committed example page, `reports/example/index.html`, in a real browser.
//!
//! Headless Chromium renders a copy of the page at 1400 × 900 and at 800 × 900, with
//! `tests/browser/check.js` injected first into its `<head>`: the script records console and
//! uncaught errors from the start and, on `load`, writes what these tests check (element
//! boxes, SVG sizes, in-page links, the page's width) as JSON into the DOM, which Chromium's
//! `--dump-dom` prints. The first screen of a 900 px high window is document coordinates
//! 0 to 900.
//!
//! The pages `parbench compare --html` writes for two and three fake runs get the same checks,
//! with the compared verdicts and the list of changes on the first screen.
//!
//! Without Chromium the tests say they were skipped and why; under `CI=true` (where `.ci/run`
//! installs it) a missing browser fails them. `PARBENCH_CHROMIUM` names the browser to use.

mod common;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::Duration;

use serde_json::Value;

/// The page under test, relative to the crate root.
const PAGE: &str = "reports/example/index.html";
/// The script injected into the page.
const CHECK_SCRIPT: &str = include_str!("browser/check.js");
/// The height of the first screen, in CSS pixels.
const SCREEN_HEIGHT: f64 = 900.0;
/// The widths the page is rendered at: a laptop window and a narrow one.
const WIDE: u32 = 1400;
const NARROW: u32 = 800;
/// How long one render may take before the test fails (it takes about 3 s).
const RENDER_TIMEOUT: Duration = Duration::from_secs(40);

/// The browser to use: `$PARBENCH_CHROMIUM`, else the first of Chromium's usual names on
/// `PATH`.
fn find_chromium() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("PARBENCH_CHROMIUM") {
        return Some(PathBuf::from(path));
    }
    let path = std::env::var_os("PATH")?;
    ["chromium", "chromium-browser", "google-chrome", "chrome"]
        .iter()
        .flat_map(|name| std::env::split_paths(&path).map(move |dir| dir.join(name)))
        .find(|candidate| candidate.is_file())
}

/// The browser, or `None` after saying why the test is skipped; under `CI=true` it panics
/// instead, so CI never skips.
fn chromium_or_skip(test: &str) -> Option<PathBuf> {
    if let Some(path) = find_chromium() {
        return Some(path);
    }
    let why = "no Chromium found (looked for $PARBENCH_CHROMIUM, then chromium, \
               chromium-browser, google-chrome and chrome on PATH); \
               install it with `apt-get install chromium` or run .ci/run";
    if std::env::var("CI").is_ok_and(|ci| ci == "true") {
        panic!("{test}: CI=true, and {why}");
    }
    // Written to the stderr handle, not with eprintln!, so that the test harness's output
    // capture does not hide it: a skipped test says so.
    let _ = writeln!(std::io::stderr(), "skipped {test}: {why}");
    None
}

/// What `check.js` found in one render.
struct Render {
    width: u32,
    result: Value,
}

/// Renders a copy of `page` at `width` × 900 in `browser` and returns what `check.js` found.
fn render(browser: &Path, page: &Path, width: u32) -> Render {
    let html = std::fs::read_to_string(page)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", page.display()));
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("index.html");
    std::fs::write(&copy, inject(&html)).unwrap();
    let profile = dir.path().join("profile");
    let output = assert_cmd::Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--no-first-run",
            "--virtual-time-budget=5000",
            "--enable-logging=stderr",
            "--v=0",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg(format!("--window-size={width},{}", SCREEN_HEIGHT as u32))
        .arg("--dump-dom")
        .arg(format!("file://{}", copy.display()))
        .timeout(RENDER_TIMEOUT)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", browser.display()));
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "{} at {width} px failed ({}):\n{stderr}",
        browser.display(),
        output.status
    );
    let json = extract_result(&stdout).unwrap_or_else(|| {
        panic!(
            "the check script left no result at {width} px: it did not run (a \
             Content-Security-Policy blocking inline scripts?) or `load` never fired\n{stderr}"
        )
    });
    let mut result: Value = serde_json::from_str(json).unwrap();
    // Uncaught errors also reach Chromium's log; count any the in-page hooks missed.
    let logged: Vec<Value> = stderr
        .lines()
        .filter(|line| line.contains(":CONSOLE") && line.contains("\"Uncaught"))
        .map(|line| Value::from(format!("log: {line}")))
        .collect();
    result["logged_errors"] = Value::from(logged);
    Render { width, result }
}

/// `html` with `check.js` as the first thing in its `<head>` (or in front of everything).
fn inject(html: &str) -> String {
    let script = format!("<script>{CHECK_SCRIPT}</script>");
    match html.find("<head>") {
        Some(at) => {
            let at = at + "<head>".len();
            format!("{}{script}{}", &html[..at], &html[at..])
        }
        None => format!("{script}{html}"),
    }
}

/// The JSON the check script wrote into `<pre id="parbench-check">`, from the dumped DOM
/// (the last such element: the script appends it at the end of the body).
fn extract_result(dom: &str) -> Option<&str> {
    let open = "<pre id=\"parbench-check\">";
    let start = dom.rfind(open)? + open.len();
    let end = start + dom[start..].find("</pre>")?;
    Some(&dom[start..end])
}

/// The example page rendered at `width` in `browser`, once per test process. A render that
/// failed fails every test that needs it, with its message, without rendering again.
fn rendered(browser: &Path, width: u32) -> &'static Render {
    static WIDE_RENDER: OnceLock<Result<Render, String>> = OnceLock::new();
    static NARROW_RENDER: OnceLock<Result<Render, String>> = OnceLock::new();
    let cell = if width == WIDE {
        &WIDE_RENDER
    } else {
        &NARROW_RENDER
    };
    let result = cell.get_or_init(|| {
        let page = Path::new(env!("CARGO_MANIFEST_DIR")).join(PAGE);
        std::panic::catch_unwind(|| render(browser, &page, width)).map_err(|panic| {
            panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_else(|| "the render panicked".to_string())
        })
    });
    match result {
        Ok(render) => render,
        Err(message) => panic!("rendering {PAGE} at {width} px failed: {message}"),
    }
}

/// The example page at both widths, or none when `test` is skipped.
fn both(test: &str) -> Vec<&'static Render> {
    match chromium_or_skip(test) {
        Some(browser) => [WIDE, NARROW]
            .into_iter()
            .map(|width| rendered(&browser, width))
            .collect(),
        None => Vec::new(),
    }
}

fn number(value: &Value, what: &str) -> f64 {
    value
        .as_f64()
        .unwrap_or_else(|| panic!("{what} is not a number: {value}"))
}

/// Why the page scrolls sideways, if it does: its width against the room the window gives
/// (the window's width less its vertical scroll bar).
fn horizontal_overflow(render: &Render) -> Option<String> {
    let client = number(&render.result["clientWidth"], "clientWidth");
    let inner = number(&render.result["innerWidth"], "innerWidth");
    let scroll = number(&render.result["scrollWidth"], "scrollWidth");
    (scroll > client || client > inner).then(|| {
        format!(
            "at {} px the page is {scroll} px wide for {client} px of room",
            render.width
        )
    })
}

/// The SVGs with a zero width or height.
fn empty_svgs(render: &Render) -> Vec<&Value> {
    render.result["svgs"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|svg| {
            number(&svg["width"], "svg width") <= 0.0 || number(&svg["height"], "svg height") <= 0.0
        })
        .collect()
}

/// The in-page links (`href="#…"`) whose target id is on no element.
fn broken_links(render: &Render) -> Vec<&str> {
    render.result["links"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|link| link["resolves"] != Value::Bool(true))
        .map(|link| link["href"].as_str().unwrap_or("?"))
        .collect()
}

/// Console errors, uncaught errors and failed loads, from the page's hooks and the log.
fn console_errors(render: &Render) -> Vec<&Value> {
    let hooked = render.result["errors"].as_array().unwrap();
    let logged = render.result["logged_errors"].as_array().unwrap();
    hooked.iter().chain(logged).collect()
}

/// Why `selector` (found as `key`) is not wholly within the first screen, if it is not.
fn off_first_screen(render: &Render, key: &str, selector: &str) -> Option<String> {
    let element = &render.result[key];
    if element.is_null() {
        return Some(format!(
            "the page has no {selector}: it must open with the verdict matrix and the takeaways"
        ));
    }
    let top = number(&element["top"], "top");
    let bottom = number(&element["bottom"], "bottom");
    let height = number(&element["height"], "height");
    if height <= 0.0 {
        return Some(format!(
            "{selector} is not visible at {} px: {element}",
            render.width
        ));
    }
    (top < 0.0 || bottom > SCREEN_HEIGHT).then(|| {
        format!(
            "{selector} spans {top} to {bottom} px at {} px wide: not within the first \
             {SCREEN_HEIGHT} px",
            render.width
        )
    })
}

#[test]
fn the_page_is_rendered_at_the_width_asked_for() {
    for render in both("the_page_is_rendered_at_the_width_asked_for") {
        let inner = number(&render.result["innerWidth"], "innerWidth");
        assert_eq!(inner, f64::from(render.width), "{}", render.result);
    }
}

#[test]
fn nothing_overflows_horizontally() {
    for render in both("nothing_overflows_horizontally") {
        if let Some(problem) = horizontal_overflow(render) {
            panic!("{problem}: it scrolls sideways");
        }
    }
}

#[test]
fn every_svg_has_a_size() {
    for render in both("every_svg_has_a_size") {
        let empty = empty_svgs(render);
        assert!(
            empty.is_empty(),
            "at {} px, SVGs of zero size: {empty:?}",
            render.width
        );
    }
}

#[test]
fn every_in_page_link_resolves() {
    for render in both("every_in_page_link_resolves") {
        let broken = broken_links(render);
        assert!(
            broken.is_empty(),
            "at {} px, links to no element: {broken:?}",
            render.width
        );
    }
}

#[test]
fn the_console_has_no_errors() {
    for render in both("the_console_has_no_errors") {
        let errors = console_errors(render);
        assert!(errors.is_empty(), "at {} px: {errors:?}", render.width);
    }
}

/// The answer is on the first screen of a 1400 × 900 window (issue 9, item 1): the verdict
/// matrix and the takeaways both exist, are visible and end within 900 px.
#[test]
fn verdict_matrix_and_takeaways_are_on_the_first_screen() {
    let test = "verdict_matrix_and_takeaways_are_on_the_first_screen";
    let Some(browser) = chromium_or_skip(test) else {
        return;
    };
    let render = rendered(&browser, WIDE);
    let problems: Vec<String> = [
        ("verdictMatrix", "#verdict-matrix"),
        ("takeaways", "#takeaways"),
    ]
    .into_iter()
    .filter_map(|(key, selector)| off_first_screen(render, key, selector))
    .collect();
    assert!(problems.is_empty(), "{PAGE}: {}", problems.join("; "));
}

/// Every check above fails on a page made to break it, and the first-screen check passes on
/// one made to satisfy it: none of them passes whatever the page.
#[test]
fn the_checks_catch_a_broken_page() {
    let Some(browser) = chromium_or_skip("the_checks_catch_a_broken_page") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("broken.html");
    std::fs::write(
        &page,
        r##"<!DOCTYPE html><html><head><title>broken</title></head><body>
<table id="verdict-matrix"><tr><td>a short matrix</td></tr></table>
<ul id="takeaways" style="margin-top:1200px"><li>below the fold</li></ul>
<div style="width:2000px">too wide</div>
<svg width="0" height="50"></svg><svg width="40" height="40"></svg>
<a href="#takeaways">fine</a> <a href="#nowhere">dangling</a>
<img src="missing.png" alt="">
<script>console.error("deliberate");</script>
</body></html>"##,
    )
    .unwrap();
    let render = render(&browser, &page, NARROW);
    assert!(horizontal_overflow(&render).is_some(), "{}", render.result);
    assert_eq!(empty_svgs(&render).len(), 1, "{}", render.result);
    assert_eq!(broken_links(&render), ["#nowhere"], "{}", render.result);
    let errors = format!("{:?}", console_errors(&render));
    assert!(errors.contains("deliberate"), "{errors}");
    assert!(errors.contains("missing.png"), "{errors}");
    assert_eq!(
        off_first_screen(&render, "verdictMatrix", "#verdict-matrix"),
        None
    );
    let takeaways = off_first_screen(&render, "takeaways", "#takeaways").unwrap();
    assert!(takeaways.contains("not within the first"), "{takeaways}");
}

#[test]
fn the_injection_and_extraction_round_trip() {
    // No browser needed: the plumbing the other tests rely on.
    let page = inject("<html><head><title>t</title></head><body></body></html>");
    assert!(page.starts_with("<html><head><script>"), "{page}");
    assert!(page.contains("parbench-check"));
    assert_eq!(inject("<p>x</p>").find("<script>"), Some(0));
    let dom = r#"<body><pre id="parbench-check">{"a":"\u003c"}</pre></body>"#;
    let json: Value = serde_json::from_str(extract_result(dom).unwrap()).unwrap();
    assert_eq!(json["a"], "<");
    assert_eq!(extract_result("<body></body>"), None);
}

/// Compare pages of two and three fake runs (the third lacks the hash group), written once
/// per test process under Cargo's temporary directory.
fn compare_pages() -> &'static [PathBuf] {
    static PAGES: OnceLock<Vec<PathBuf>> = OnceLock::new();
    PAGES.get_or_init(|| {
        let root = Path::new(env!("CARGO_TARGET_TMPDIR")).join("browser-compare-pages");
        let _ = std::fs::remove_dir_all(&root);
        let sleep: common::FakeGroup = ("sleep-10ms", &[(1, 1e7, 1e7), (64, 6.4e8, 1.2e7)]);
        let helps: common::FakeGroup = ("hash-1MiB", &[(1, 2e6, 2e6), (8, 1.6e7, 4.2e6)]);
        let no_gain: common::FakeGroup = ("hash-1MiB", &[(1, 2e6, 2e6), (8, 1.6e7, 1.6e7)]);
        let a = common::fake_run(&root, "a", &[sleep, helps]);
        let b = common::fake_run(&root, "b", &[sleep, no_gain]);
        let c = common::fake_run(&root, "c", &[sleep]);
        [vec![&a, &b], vec![&a, &b, &c]]
            .iter()
            .map(|runs| {
                let out = root.join(format!("compare-{}", runs.len()));
                common::parbench()
                    .arg("compare")
                    .args(runs)
                    .arg("--html")
                    .arg(&out)
                    .assert()
                    .success();
                out.join("index.html")
            })
            .collect()
    })
}

#[test]
fn compare_pages_of_two_and_three_runs_pass_the_same_checks() {
    let Some(browser) =
        chromium_or_skip("compare_pages_of_two_and_three_runs_pass_the_same_checks")
    else {
        return;
    };
    for page in compare_pages() {
        for width in [WIDE, NARROW] {
            let render = render(&browser, page, width);
            let at = format!("{} at {width} px", page.display());
            assert_eq!(horizontal_overflow(&render), None, "{at}");
            assert!(empty_svgs(&render).is_empty(), "{at}: {}", render.result);
            assert!(broken_links(&render).is_empty(), "{at}: {}", render.result);
            assert!(
                console_errors(&render).is_empty(),
                "{at}: {}",
                render.result
            );
            for (key, selector) in [
                ("compareMatrix", "#compare-matrix"),
                ("changes", "#changes"),
            ] {
                assert_eq!(off_first_screen(&render, key, selector), None, "{at}");
            }
        }
    }
}
