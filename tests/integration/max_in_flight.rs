//! Issue 19 item 2: a bound on requests in flight (`run.max_in_flight`). A run that passes it
//! stops cleanly with a clear error (exit 2) naming what grew and why, and keeps its outputs,
//! marked incomplete; a run that does not is unaffected.

use std::fs;

use assert_cmd::Command;
use predicates::prelude::*;

use nssim::scenario;

use crate::{load, repo};

fn nssim() -> Command {
    let mut c = Command::cargo_bin("nssim").unwrap();
    c.current_dir(repo(""));
    c
}

const OVERLOAD: &str = "tests/data/overload.toml";
/// Ten times `explain`'s ceiling of 1,932/s, with nothing to refuse the excess.
const FLOOD: [&str; 6] = [
    "--set",
    "workload.rate=\"20000/s\"",
    "--set",
    "pathway.limits=\"unbounded\"",
    "--set",
    "run.max_in_flight=50000",
];

fn summary(dir: &std::path::Path) -> serde_json::Value {
    serde_json::from_str(&fs::read_to_string(dir.join("summary.json")).unwrap()).unwrap()
}

#[test]
fn a_flood_stops_with_a_clear_error_and_keeps_its_outputs_marked_incomplete() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    nssim()
        .args(["run", OVERLOAD])
        .args(FLOOD)
        .arg("--out")
        .arg(&out)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "stopped at t = 2.8 s: requests in flight reached 50,001 (run.max_in_flight = 50,000)",
        ))
        .stderr(predicate::str::contains(
            "the offered 20,000/s exceed explain's ceiling of 1,932/s and [pathway] limits are unbounded, so queues grow without bound; offer less, bound the queues, or raise run.max_in_flight",
        ))
        .stdout(predicate::str::contains("STOPPED     at 2.776 s, INCOMPLETE"));
    let s = summary(&out);
    let stopped = &s["stopped"];
    assert!(
        stopped["reason"]
            .as_str()
            .unwrap()
            .starts_with("requests in flight reached 50,001"),
        "{stopped}"
    );
    let at = stopped["at_s"].as_f64().unwrap();
    assert!(at > 2.0 && at < 3.0, "{at}");
    assert_eq!(stopped["max_in_flight"], 50_000);
    // Conservation holds at the stop: what is in the node counts as in flight.
    assert_eq!(s["conservation_ok"], true);
    let q = &s["requests"];
    assert_eq!(q["in_flight"], 50_001);
    assert_eq!(
        q["offered"].as_u64().unwrap(),
        q["completed"].as_u64().unwrap() + q["failed"].as_u64().unwrap() + 50_001
    );
    // The window ends at the stop, not at the run's configured end.
    assert!((s["sim_time_s"].as_f64().unwrap() - at).abs() < 1e-6);
    assert!((s["measured_s"].as_f64().unwrap() - (at - 2.0)).abs() < 1e-6);
    for f in [
        "metrics.csv",
        "timeseries.csv",
        "manifest.json",
        "report.html",
    ] {
        assert!(out.join(f).is_file(), "{f} missing");
    }
}

#[test]
fn replications_and_compare_stop_with_the_same_error() {
    let dir = tempfile::tempdir().unwrap();
    nssim()
        .args(["run", OVERLOAD, "--replications", "2"])
        .args(FLOOD)
        .arg("--out")
        .arg(dir.path().join("r"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("requests in flight reached"))
        .stderr(predicate::str::contains("(2 runs stopped;"));
    nssim()
        .args(["compare", OVERLOAD, "tests/data/mm1.toml"])
        .args(FLOOD)
        .arg("--out")
        .arg(dir.path().join("c"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("run 'overload"))
        .stdout(predicate::str::contains(
            "overload STOPPED at 2.776 s, INCOMPLETE",
        ));
}

#[test]
fn a_run_below_the_bound_is_unaffected() {
    // 50,000 requests is far above what overload.toml holds at its own 3,900/s with the
    // enforced limits: it runs to its end, and summary.json has no "stopped".
    let s = load(
        OVERLOAD,
        &["run.max_in_flight=50000", "run.duration=\"5s\""],
    );
    assert_eq!(s.run.max_in_flight, 50_000);
    let r = nssim::model::simulate(&s);
    assert!(r.stopped.is_none());
    assert!(!nssim::report::summary_json(&r).contains("stopped"));
    // The default is sized for a laptop.
    assert_eq!(load(OVERLOAD, &[]).run.max_in_flight, 2_000_000);
}

#[test]
fn the_bound_has_a_documented_range() {
    for bad in ["0", "100000001"] {
        let e = scenario::load(&repo(OVERLOAD), &[format!("run.max_in_flight={bad}")])
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("run.max_in_flight") && e.contains("must be 1 to 100000000"),
            "{e}"
        );
    }
}

#[test]
fn check_warns_that_unbounded_limits_fill_memory() {
    nssim()
        .args(["check", OVERLOAD])
        .args(FLOOD)
        .assert()
        .stderr(predicate::str::contains(
            "with [pathway] limits = \"unbounded\" nothing refuses the excess, so the requests in flight grow until run.max_in_flight (50000) stops the run",
        ));
}
