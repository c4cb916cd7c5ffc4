//! CIP's CLIM-to-CLIM failover in detail (faults.md A.4 "CIP"; CIP manual pages 37, 44-47):
//! the home and failover interfaces retried alternately (`faults.clim_retry_interval`), a
//! `pif_down` of one CLIM interface as a failover with its connections lost, the CLIMs'
//! utilisation in replicated and compared reports, and `check`'s CIP rules.

use nssim::model::simulate;
use nssim::scenario::parse_str;
use nssim::stats::RunResults;

use crate::cip::{closed_with, logged};

/// `(target, count)` of every `event` row, in time order.
fn rows(r: &RunResults, event: &str) -> Vec<(String, Option<u64>)> {
    let f = r.faults.as_ref().expect("faults");
    f.log
        .iter()
        .filter(|l| l.event == event)
        .map(|l| (l.target.clone(), l.count))
        .collect()
}

/// Completions in the sample windows starting in `[from, to)` seconds.
fn completed_between(r: &RunResults, from: f64, to: f64) -> f64 {
    r.timeseries
        .iter()
        .filter(|t| t.t_s >= from && t.t_s < to)
        .map(|t| t.throughput_per_s)
        .sum()
}

/// Both CLIMs fail, C1 at 2 s and C0 at 2.2 s, so when each failure is detected (1 s later)
/// the other's interface is down too: each address waits, and its failover is retried.
const BOTH_DOWN: &str =
    "[[fault]]\nat = \"2s\"\nclim_down = \"C1\"\n[[fault]]\nat = \"2.2s\"\nclim_down = \"C0\"";

#[test]
fn a_clim_up_inside_the_window_lets_the_next_attempt_bring_its_address_home() {
    // C0 is up at 6 s. Its address (waiting since 3.2 s) is not brought up at once: the CLIM
    // boots without addresses (CIP page-45), so nothing completes until the first retry at
    // 3.2 + 10 = 13.2 s, which tries the home interface (the failover one was tried at the
    // failover) and finds it up: "C0.eth1 to C0.eth1", attempt 1. C1's address (waiting
    // since 3 s) finds its home down at 13 s (attempt 1, and the failover has failed: 10 s
    // have passed), then its failover interface C0.eth1 up at 23 s (attempt 2).
    let faults = format!("{BOTH_DOWN}\n[[fault]]\nat = \"6s\"\nclim_up = \"C0\"");
    let r = simulate(&closed_with(&faults, "", &["run.duration=30s"]));
    let q = &r.requests;
    assert_eq!(q.offered, q.completed + q.failed + q.in_flight);
    assert_eq!(logged(&r, "failover pending").len(), 2);
    assert_eq!(
        rows(&r, "failover retry failed"),
        [("C1.eth1 to C1.eth1".to_string(), Some(1))]
    );
    assert_eq!(rows(&r, "failover failed").len(), 1);
    assert_eq!(
        rows(&r, "failed over"),
        [
            ("C0.eth1 to C0.eth1".to_string(), Some(1)),
            ("C1.eth1 to C0.eth1".to_string(), Some(2)),
        ]
    );
    let t = |l: &str| {
        let f = r.faults.as_ref().unwrap();
        f.log
            .iter()
            .find(|x| x.event == "failed over" && x.target == l)
            .map(|x| x.t_s)
    };
    assert_eq!(t("C0.eth1 to C0.eth1"), Some(13.2));
    assert_eq!(t("C1.eth1 to C0.eth1"), Some(23.0));
    // Nothing between the second failure's detection and the retry, though C0 is up from
    // 6 s; work again after it.
    assert_eq!(completed_between(&r, 4.0, 13.0), 0.0);
    assert!(completed_between(&r, 14.0, 23.0) > 0.0);
}

#[test]
fn without_a_clim_up_the_attempts_fail_and_the_failover_fails_after_10_s() {
    let r = simulate(&closed_with(BOTH_DOWN, "", &["run.duration=30s"]));
    let q = &r.requests;
    assert_eq!(q.offered, q.completed + q.failed + q.in_flight);
    // One logged attempt each (at 13 s and 13.2 s, home interfaces, both down), then the
    // failover has failed; the host goes on trying, unlogged, and nothing comes up.
    assert_eq!(
        rows(&r, "failover retry failed"),
        [
            ("C1.eth1 to C1.eth1".to_string(), Some(1)),
            ("C0.eth1 to C0.eth1".to_string(), Some(1)),
        ]
    );
    assert_eq!(rows(&r, "failover failed").len(), 2);
    assert!(rows(&r, "failed over").is_empty());
    assert_eq!(completed_between(&r, 4.0, 30.0), 0.0);
}

#[test]
fn the_retry_interval_is_a_parameter() {
    // Every 2 s: C0's address (waiting since 3.2 s) tries home at 5.2 s (C0 still down),
    // its failover interface at 7.2 s (C1 down), home again at 9.2 s: up since 6 s. C1's
    // address (waiting since 3 s) tries home at 5 s (down), then its failover interface
    // C0.eth1 at 7 s: up, so it comes up there, while C0's own address on the same port
    // still waits for its next attempt.
    let faults = format!("{BOTH_DOWN}\n[[fault]]\nat = \"6s\"\nclim_up = \"C0\"");
    let r = simulate(&closed_with(
        &faults,
        "",
        &["run.duration=12s", "faults.clim_retry_interval=\"2s\""],
    ));
    let mine: Vec<(String, Option<u64>)> = rows(&r, "failover retry failed")
        .into_iter()
        .filter(|(t, _)| t.starts_with("C0.eth1"))
        .collect();
    assert_eq!(
        mine,
        [
            ("C0.eth1 to C0.eth1".to_string(), Some(1)),
            ("C0.eth1 to C1.eth1".to_string(), Some(2)),
        ]
    );
    assert_eq!(
        rows(&r, "failed over"),
        [
            ("C1.eth1 to C0.eth1".to_string(), Some(2)),
            ("C0.eth1 to C0.eth1".to_string(), Some(3)),
        ]
    );
    // Nothing completes before the first address comes up at 7 s (C0 up since 6 s); the
    // clients are back at work before the end (their SYN timers back off meanwhile).
    assert_eq!(completed_between(&r, 4.0, 7.0), 0.0);
    assert!(completed_between(&r, 10.0, 12.0) > 0.0);
    // Before 10 s: no failover has failed yet.
    assert!(rows(&r, "failover failed").is_empty());
}

#[test]
fn a_clim_interface_failure_is_a_failover_that_loses_its_connections() {
    // C0's port fails at 3 s, C0 itself keeps running. Detected at 4 s (lif_detect), its
    // address fails over to C1.eth1 and every TCP connection on it is lost [F CIP pages 37,
    // 44, 47], as for a CLIM failure: the five clients riding C0 each had their next request's
    // frame lost at the port (20 ms of thinking, 1 s to the detection), so exactly five are
    // reset. At 6 s the port is back: no failback, C1 keeps both addresses.
    let r = simulate(&closed_with(
        "[[fault]]\nat = \"3s\"\npif_down = \"C0.eth1\"\n[[fault]]\nat = \"6s\"\npif_up = \"C0.eth1\"",
        "",
        &[],
    ));
    let q = &r.requests;
    assert_eq!(q.offered, q.completed + q.failed + q.in_flight);
    assert_eq!(
        rows(&r, "failed over"),
        [("C0.eth1 to C1.eth1".to_string(), None)]
    );
    assert_eq!(logged(&r, "connections reset"), [5]);
    assert_eq!(q.reset, 5);
    assert!(rows(&r, "requests moved").is_empty(), "not the LAN's rule");
    let f = &r.faults.as_ref().unwrap().faults[0];
    assert_eq!(f.action, "pif_down");
    assert_eq!(f.failed.get("reset"), 5);
    // C0's stack is alive but carries nothing after the failover: C1 does the work.
    assert!(r.clims[1].busy_ratio > 2.0 * r.clims[0].busy_ratio);
    // Its stack processes never died.
    assert!(
        r.faults
            .as_ref()
            .unwrap()
            .log
            .iter()
            .all(|l| !l.target.starts_with("CLIM"))
    );
}

fn nssim(args: &[&str]) -> String {
    let out = assert_cmd::Command::cargo_bin("nssim")
        .unwrap()
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn replicated_and_compared_reports_give_each_clims_utilisation_with_its_interval() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("rep");
    let short = ["--set", "run.duration=1500ms", "--set", "run.warmup=500ms"];
    let mut args = vec!["run", "scenarios/cip-parallel-listener.toml"];
    args.extend(short);
    args.extend(["--replications", "3", "--out", out.to_str().unwrap()]);
    let table = nssim(&args);
    assert!(table.contains("CLIM C1002531 busy [%]"), "{table}");
    assert!(table.contains("CLIM C1002532 busy [%]"), "{table}");
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("summary.json")).unwrap()).unwrap();
    let metric = |name: &str| {
        summary["metrics"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["metric"] == name)
            .unwrap_or_else(|| panic!("no {name}"))
            .clone()
    };
    for clim in ["C1002531", "C1002532"] {
        let m = metric(&format!("clim_busy_ratio[{clim}]"));
        assert_eq!(m["n"], 3);
        let (mean, hw) = (
            m["mean"].as_f64().unwrap(),
            m["half_width"].as_f64().unwrap(),
        );
        assert!(mean > 0.0 && mean < 1.0, "{m}");
        assert!(hw > 0.0 && hw < mean, "{m}");
    }
    let csv = std::fs::read_to_string(out.join("metrics.csv")).unwrap();
    assert!(csv.contains("clim_busy_ratio[C1002531],"), "{csv}");
    let reps = std::fs::read_to_string(out.join("replications.csv")).unwrap();
    assert_eq!(reps.matches("clim_busy_ratio[C1002532]").count(), 3);
    // A replicated comparison (the scenario and a renamed copy): the CLIMs' rows and paired
    // differences; the same single-run: the CLIMs' rows in its table.
    let cmp = tmp.path().join("cmp");
    let mut args = vec![
        "compare",
        "scenarios/cip-parallel-listener.toml",
        "scenarios/cip-parallel-listener.toml[name=twin]",
    ];
    args.extend(short);
    args.extend(["--replications", "2", "--out", cmp.to_str().unwrap()]);
    let table = nssim(&args);
    assert_eq!(
        table.matches("CLIM C1002531 busy [%]").count(),
        2,
        "{table}"
    );
    let csv = std::fs::read_to_string(cmp.join("comparison.csv")).unwrap();
    assert!(
        csv.lines()
            .any(|l| l.starts_with("twin,clim_busy_ratio[C1002532],")),
        "{csv}"
    );
    let single = tmp.path().join("single");
    let mut args = vec![
        "compare",
        "scenarios/parallel-listener.toml",
        "scenarios/cip-parallel-listener.toml",
    ];
    args.extend(short);
    args.extend(["--out", single.to_str().unwrap()]);
    let table = nssim(&args);
    let row = table
        .lines()
        .find(|l| l.starts_with("CLIM C1002531 busy [%]"))
        .unwrap_or_else(|| panic!("{table}"));
    // The parallel listener has no CLIM.
    assert!(row.contains(" - "), "{row}");
}

/// An open workload of `rate` under CIP on two 1-core CLIMs of 200 us per call (a request
/// costs each CLIM it reaches 400 us plus connect and close), addresses `pifs` with
/// `failover`.
fn open_cip(rate: &str, pifs: &str, failover: &str) -> String {
    format!(
        r#"
name = "cip-check"
[run]
duration = "2s"
[system]
processors = 2
[tcpip]
stack = "cip"
pifs = {pifs}
{failover}
[[clim]]
name = "C0"
cores = 1
call_cpu = "200us"
cpu_per_kib = "0us"
[[clim]]
name = "C1"
cores = 1
call_cpu = "200us"
cpu_per_kib = "0us"
[[listener]]
name = "$PL"
model = "parallel"
processors = [0, 1]
[[server_class]]
name = "A"
maxservers = 0
service = {{ dist = "constant", value = "10us" }}
[workload]
kind = "open"
rate = "{rate}"
requests_per_connection = 1
mix = {{ A = 1 }}
"#
    )
}

fn check_warnings(text: &str) -> Vec<String> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cip-check.toml");
    std::fs::write(&path, text).unwrap();
    nssim::cli::check_report(&path, &[])
        .unwrap_or_else(|_| panic!("valid"))
        .warnings
}

#[test]
fn check_warns_of_an_address_without_failover_and_once_of_a_clim_whose_loss_overloads_the_rest() {
    // One address per CLIM, no failover: both warned of.
    let w = check_warnings(&open_cip("100/s", "[\"C0.eth1\", \"C1.eth1\"]", ""));
    let lone: Vec<&String> = w
        .iter()
        .filter(|l| l.contains("has no failover interface"))
        .collect();
    assert_eq!(lone.len(), 2, "{w:#?}");
    assert!(lone[0].contains("CLIM interface C0.eth1"), "{}", lone[0]);
    assert!(lone[0].contains("a failure of CLIM C0"), "{}", lone[0]);
    // Paired: no such warning; at 100/s each CLIM is 50 requests/s x 500 us = 2.5 % busy,
    // and 5 % with the other's address: nothing to say.
    let paired = "failover = [[\"C0.eth1\", \"C1.eth1\"]]";
    let w = check_warnings(&open_cip("100/s", "[\"C0.eth1\", \"C1.eth1\"]", paired));
    assert!(w.iter().all(|l| !l.contains("CLIM")), "{w:#?}");
    // At 1,200/s with at least 1,000 us per request (call_cpu 500 us, twice) on one-core
    // CLIMs, the survivor of a CLIM failure carries at most 1,000/s: the N-1 rule warns of
    // each CLIM once (and of nothing else about CLIMs), naming the explain command.
    let heavy = open_cip("1200/s", "[\"C0.eth1\", \"C1.eth1\"]", paired)
        .replace("call_cpu = \"200us\"", "call_cpu = \"500us\"");
    let w = check_warnings(&heavy);
    let n1: Vec<&String> = w.iter().filter(|l| l.contains("with CLIM ")).collect();
    assert_eq!(n1.len(), 2, "{w:#?}");
    assert!(
        n1[0].contains("with CLIM C0 down") && n1[0].contains("explain --down clim:C0"),
        "{}",
        n1[0]
    );
    // The shipped scenarios: cip-parallel-listener has no failover pair (two warnings),
    // clim-failover pairs its addresses (none).
    let repo = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let shipped = |rel: &str| {
        nssim::cli::check_report(&repo.join(rel), &[])
            .unwrap_or_else(|_| panic!("{rel}"))
            .warnings
    };
    let base = shipped("scenarios/cip-parallel-listener.toml");
    assert_eq!(
        base.iter()
            .filter(|l| l.contains("has no failover interface"))
            .count(),
        2,
        "{base:#?}"
    );
    assert!(
        shipped("scenarios/clim-failover.toml")
            .iter()
            .all(|l| !l.contains("CLIM")),
    );
}

#[test]
fn the_failover_parameter_is_refused_at_zero_with_the_field() {
    let t = open_cip(
        "100/s",
        "[\"C0.eth1\"]",
        "[faults]\nclim_retry_interval = \"0s\"",
    );
    let e = parse_str(&t, "cip.toml", &[]).unwrap_err().to_string();
    assert!(
        e.contains("faults.clim_retry_interval") && e.contains("must be positive"),
        "{e}"
    );
}
