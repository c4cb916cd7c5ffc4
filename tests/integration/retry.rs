//! The requesters' retry policy (`workload.retry`, issue 15 item 4): a processor failure's
//! failures turned into completions, the rule for requests that are not idempotent, TMF
//! aborts, determinism, and bad input.

use nssim::model::simulate;
use nssim::scenario::parse_str;
use nssim::stats::RunResults;

use crate::load;

fn run(path: &str, overrides: &[&str]) -> RunResults {
    simulate(&load(path, overrides))
}

fn conserved(r: &RunResults) {
    let q = &r.requests;
    assert_eq!(q.offered, q.completed + q.failed + q.in_flight, "{q:?}");
    assert_eq!(
        q.failed,
        q.refused + q.pathsend_failed + q.abandoned + q.reset,
        "{q:?}"
    );
}

const PARALLEL: &str = "scenarios/processor-failure-parallel-listener.toml";

#[test]
fn retries_turn_a_processor_failures_resets_into_completions() {
    let base = run(PARALLEL, &[]);
    let r = run(
        PARALLEL,
        &["workload.retry={ attempts = 3, backoff = \"50ms\" }"],
    );
    conserved(&r);
    let (q, b) = (&r.requests, &base.requests);
    // Without retries about a sixth of the connections are reset (the listener in processor 3
    // held them); with them, each reset request is reissued over a new connection, which the
    // filter gives to a live listener, so it completes.
    assert!(b.reset > 100, "{b:?}");
    assert!(q.retried >= b.reset, "every reset is reissued: {q:?}");
    assert_eq!(q.reset, 0, "{q:?}");
    // Not all complete: the reissues reconnect together one backoff after the detection, and
    // some of their SYNs meet full listen backlogs (refused, which is not a fault's doing and
    // is not retried).
    assert!(q.failed < b.failed, "{q:?} vs {b:?}");
    assert!(q.refused > b.refused, "{q:?} vs {b:?}");
    assert!(q.completed > b.completed, "{q:?} vs {b:?}");
    assert_eq!(q.tmf_aborts, 0);
    let f = r.faults.as_ref().expect("faults");
    assert_eq!(f.faults[0].retried, q.retried, "charged to the failure");
    assert!(f.availability > base.faults.as_ref().unwrap().availability);
    // The policy draws nothing: up to the failure, the two runs are the same.
    for (x, y) in r.timeseries.iter().zip(&base.timeseries) {
        if x.t_s + 1.0 <= 10.0 {
            assert_eq!(x.offered_per_s, y.offered_per_s, "at {}", x.t_s);
            assert_eq!(x.throughput_per_s, y.throughput_per_s, "at {}", x.t_s);
        }
    }
    // One attempt in all is no retry: the run is the plain one.
    let one = run(PARALLEL, &["workload.retry={ attempts = 1 }"]);
    assert_eq!(one.requests, base.requests);
}

const SERVER: &str = "scenarios/server-processor-failure.toml";

#[test]
fn a_request_that_reached_a_server_is_reissued_only_if_idempotent_or_under_tmf() {
    // (`errors = []`: G's 905s, which no server had, would be reissued by the default list;
    // and no `tmf_abort_delay`: `recovery.rs` tests both.)
    let base = run(SERVER, &[]);
    let e904 = |r: &RunResults| r.faults.as_ref().unwrap().faults[0].failed.get("904/201");
    assert!(e904(&base) > 0, "the failure fails sends with 904");
    // Not idempotent, no TMF: the 904s reached their servers, so none is reissued and the run
    // is the plain one.
    let strict = run(
        SERVER,
        &["workload.retry={ attempts = 4, backoff = \"10ms\", idempotent = false, errors = [] }"],
    );
    conserved(&strict);
    assert_eq!(strict.requests.retried, 0);
    assert_eq!(strict.requests, base.requests);
    assert_eq!(e904(&strict), e904(&base));
    // Under TMF each is aborted and reissued: every reissue is an abort, and the 904s are gone.
    let tmf = run(
        SERVER,
        &[
            "workload.retry={ attempts = 4, backoff = \"10ms\", idempotent = false, tmf = true, errors = [], tmf_abort_delay = \"0s\" }",
        ],
    );
    conserved(&tmf);
    let q = &tmf.requests;
    assert!(q.retried >= e904(&base), "{q:?}");
    assert_eq!(q.tmf_aborts, q.retried, "each reached its server: {q:?}");
    assert_eq!(e904(&tmf), 0, "reissued, not failed");
    assert!(q.failed < base.requests.failed, "{q:?}");
    // Idempotent without TMF: reissued the same way, and no abort counted.
    let idem = run(
        SERVER,
        &["workload.retry={ attempts = 4, backoff = \"10ms\", errors = [] }"],
    );
    assert_eq!(idem.requests.retried, q.retried);
    assert_eq!(idem.requests.tmf_aborts, 0);
}

#[test]
fn a_retry_policy_is_deterministic_and_reported() {
    let set = ["workload.retry={ attempts = 2, backoff = \"1ms\", tmf = true }"];
    let a = run(SERVER, &set);
    let b = run(SERVER, &set);
    assert_eq!(a.requests, b.requests);
    assert_eq!(a.faults, b.faults);
    let json = nssim::report::summary_json(&a);
    assert_eq!(json, nssim::report::summary_json(&b));
    assert!(json.contains("\"retried\""), "{json}");
    assert!(json.contains("\"tmf_aborts\""));
    let table = nssim::report::terminal_summary(&a);
    assert!(table.contains("attempts reissued after a fault"), "{table}");
    // Without a policy neither key is written.
    let plain = nssim::report::summary_json(&run(SERVER, &[]));
    assert!(!plain.contains("\"retried\"") && !plain.contains("\"tmf_aborts\""));
}

#[test]
fn bad_retry_policies_are_refused_with_every_problem() {
    for (set, want) in [
        (
            "workload.retry={ attempts = 0 }",
            "attempts must be 1 ..= 16",
        ),
        (
            "workload.retry={ attempts = 17 }",
            "attempts must be 1 ..= 16",
        ),
        ("workload.retry={ backoff = \"1ms\" }", "missing `attempts`"),
        (
            "workload.retry={ attempts = 2, backoff = \"-5ms\" }",
            "backoff must be a duration of at least 0s",
        ),
        (
            "workload.retry={ attempts = 2, backoff = \"2h\" }",
            "backoff must be at most",
        ),
        ("workload.retry={ attempts = 2, tries = 3 }", "tries"),
    ] {
        let e = nssim::scenario::load(&crate::repo(SERVER), &[set.to_string()])
            .expect_err(set)
            .to_string();
        assert!(e.contains(want), "{set}: {e}");
        if !want.contains("tries") {
            assert!(e.contains("workload.retry."), "{set} names its field: {e}");
        }
    }
    // Every problem at once.
    let text = "name = \"x\"\n[workload]\nretry = { attempts = -1, backoff = \"-1s\" }\n";
    let e = parse_str(text, "x.toml", &[]).expect_err("bad").to_string();
    assert!(
        e.contains("workload.retry.attempts") && e.contains("workload.retry.backoff"),
        "{e}"
    );
}
