//! Issue 16 section 2 item 4, issue 15: an LCS dies (`lcs_kill`) and its PATHMON restarts
//! it; the terminals' retry policy (`pathway_xm.retry`); bad LCS names.

use assert_cmd::Command;
use nssim::model::simulate;
use nssim::scenario;
use predicates::prelude::*;

use crate::{load, repo};

const LCS_FAILURE: &str = "scenarios/lcs-failure.toml";

/// Every request the dead LCS held is lost with 904/201 and, with 3 sends allowed, reissued
/// and completed; the LCS is restarted `process_creation` (200 ms) later; the run conserves
/// requests (`simulate` asserts request and CPU conservation too) and throughput recovers.
#[test]
fn an_lcs_failure_loses_its_pending_requests_which_are_retried() {
    let r = simulate(&load(LCS_FAILURE, &[]));
    let q = &r.requests;
    assert_eq!(q.offered, q.completed + q.failed + q.in_flight);
    let f = &r.faults.as_ref().expect("faults").faults[0];
    assert_eq!(f.action, "lcs_kill");
    assert_eq!(f.lcs.as_deref(), Some("$XM0/ORDERS"));
    let lost = f.requests_lost.expect("an LCS failure counts what it lost");
    assert!(lost > 0, "the LCS held requests when it died");
    // Every one reissued, none failed: each reissue found the LCS running again.
    assert_eq!(f.retried, lost);
    assert_eq!(f.failed.get("904/201"), 0);
    assert_eq!(q.failed, 0);
    assert!(q.retried >= lost);
    assert_eq!(f.up_s, Some(100.2), "restarted after process_creation");
    assert!(f.recovery_s.is_some(), "throughput recovers: {f:?}");
    let xm = r.pathway_xm.as_ref().unwrap();
    let dead = xm
        .lcss
        .iter()
        .find(|l| l.name == "$XM0.LCS-ORDERS")
        .unwrap();
    assert_eq!((dead.requests_lost, dead.restarts), (lost, 1));
    for l in xm.lcss.iter().filter(|l| l.name != "$XM0.LCS-ORDERS") {
        assert_eq!((l.requests_lost, l.restarts), (0, 0), "{}", l.name);
    }
    let log = &r.faults.as_ref().unwrap().log;
    let events: Vec<&str> = log.iter().map(|row| row.event.as_str()).collect();
    assert_eq!(
        events,
        [
            "killed",
            "requests lost at death",
            "restarted",
            "requests lost in all"
        ]
    );
    // The last row counts every request lost, as summary.json's `requests_lost` does.
    assert_eq!(log.last().unwrap().count, Some(lost));
}

/// Without a retry policy the same requests fail with 904/201, charged to the fault; and a
/// `process_kill` of the LCS's process is the same fault as its `lcs_kill`.
#[test]
fn without_retries_the_lost_requests_fail_with_904() {
    let r = simulate(&load(LCS_FAILURE, &["pathway_xm.retry.attempts=1"]));
    let fr = r.faults.as_ref().unwrap();
    let f = &fr.faults[0];
    let lost = f.requests_lost.unwrap();
    assert!(lost > 0);
    assert_eq!(f.failed.get("904/201"), lost);
    assert_eq!(f.retried, 0);
    assert_eq!(r.requests.failed, lost);
    assert_eq!(fr.failed_by_error.get("904/201").copied(), Some(lost));
    let q = &r.requests;
    assert_eq!(q.offered, q.completed + q.failed + q.in_flight);
    let text = std::fs::read_to_string(repo(LCS_FAILURE)).unwrap().replace(
        "lcs_kill = \"$XM0/ORDERS\"",
        "process_kill = \"$XM0.LCS-ORDERS\"",
    );
    let by_process = scenario::parse_str(&text, LCS_FAILURE, &[]).unwrap();
    assert_eq!(by_process.faults, load(LCS_FAILURE, &[]).faults);
}

/// A terminal's send that a server-node processor failure fails (904/201) is reissued by
/// `pathway_xm.retry`, as other requesters' are.
#[test]
fn terminals_retry_what_a_processor_failure_failed() {
    let without = simulate(&load("scenarios/xm-processor-failure.toml", &[]));
    let with = simulate(&load(
        "scenarios/xm-processor-failure.toml",
        &["pathway_xm.retry={ attempts = 3, backoff = \"100ms\" }"],
    ));
    let failed = without.faults.as_ref().unwrap().faults[0]
        .failed
        .get("904/201");
    assert!(failed > 0, "the failure cost requests");
    let f = &with.faults.as_ref().unwrap().faults[0];
    assert!(f.retried > 0, "{f:?}");
    assert!(with.requests.failed < without.requests.failed);
    assert_eq!(with.requests.retried, f.retried);
}

/// An LCS name that does not exist is an error naming the field and listing the LCSs, in
/// the file and on the command line (exit 2); a scenario without distributed classes has
/// none.
#[test]
fn bad_lcs_names_are_refused_with_the_list() {
    let text = std::fs::read_to_string(repo(LCS_FAILURE))
        .unwrap()
        .replace("$XM0/ORDERS", "$XM9/ORDERS");
    let e = scenario::parse_str(&text, LCS_FAILURE, &[])
        .unwrap_err()
        .to_string();
    assert!(e.contains("fault[0].lcs_kill"), "{e}");
    assert!(e.contains("no LCS is named \"$XM9/ORDERS\""), "{e}");
    assert!(
        e.contains("`$XM0/ORDERS`, `$XM0/QUERY`, `$XM1/ORDERS`, `$XM1/QUERY`"),
        "{e}"
    );
    let replicated = std::fs::read_to_string(repo("scenarios/pathway-xm-terminals.toml")).unwrap()
        + "\n[[fault]]\nat = \"10s\"\nlcs_kill = \"$XM0/ORDERS\"\n";
    let e = scenario::parse_str(&replicated, "x.toml", &[])
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("fault[0].lcs_kill") && e.contains("has none"),
        "{e}"
    );
    Command::cargo_bin("nssim")
        .unwrap()
        .current_dir(repo(""))
        .args([
            "run",
            "scenarios/pathway-xm-distributed.toml",
            "--fault",
            "lcs_kill=$XM0/ORDER@10s",
        ])
        .assert()
        .code(2)
        .stderr(
            predicate::str::contains("fault[0].lcs_kill")
                .and(predicate::str::contains("the LCSs are `$XM0/ORDERS`")),
        );
}
