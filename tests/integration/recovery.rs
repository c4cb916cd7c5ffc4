//! Issue 15 items 4 and 6, Pathway recovery (faults.md A.3, A.5 to A.7, A.10): the Pathsend
//! errors of A.5's table with their file-system errors (902, 915, 916), failures broken down
//! by error, the retry policy on Pathsend errors, an ACS domain retrying on the next PATHMON,
//! `rebalance` after a reload, and a regression: a pair whose backup's processor fails during
//! its takeover (path costs after a takeover are a unit test in `model/listener.rs`).

use nssim::model::simulate;
use nssim::stats::{FaultsResult, RunResults};

use crate::load;

const F33: &str = "scenarios/fig-3-3-distributor.toml";
const SERVER_FAILURE: &str = "scenarios/server-processor-failure.toml";

fn run(path: &str, overrides: &[&str]) -> RunResults {
    let r = simulate(&load(path, overrides));
    let q = &r.requests;
    assert_eq!(
        q.offered,
        q.completed + q.failed + q.in_flight,
        "{path}: {q:?}"
    );
    assert_eq!(
        q.failed,
        q.refused + q.pathsend_failed + q.abandoned + q.reset,
        "{path}: {q:?}"
    );
    if let Some(f) = &r.faults {
        let by: u64 = f.failed_by_error.values().sum();
        assert_eq!(
            by, q.failed,
            "every failure has one outcome: {:?}",
            f.failed_by_error
        );
    }
    r
}

fn by(r: &RunResults, what: &str) -> u64 {
    let f = r.faults.as_ref().expect("a run with faults");
    f.failed_by_error.get(what).copied().unwrap_or(0)
}

/// The log rows of `event`: (time [s], target, count).
fn rows<'a>(f: &'a FaultsResult, event: &str) -> Vec<(f64, &'a str, Option<u64>)> {
    f.log
        .iter()
        .filter(|l| l.event == event)
        .map(|l| (l.t_s, l.target.as_str(), l.count))
        .collect()
}

/// $PM's backup processor (1) fails at 5 s, so the pair is no longer one; killing $PM at 8 s
/// leaves no PATHMON (processor 0 is up: file-system error 14).
const PATHMON_GONE: [&str; 2] = ["--fault processor_down=1@5s", "--fault process_kill=$PM@8s"];

#[test]
fn a_lost_pathmon_gives_902_then_after_the_io_timeout_902_fs40_and_915() {
    // With the link managers' I/O timeout at 2 s: until 10 s open links to the servers in
    // processors 0 and 2 keep working; at 10 s every link of $PM is dropped, the sends then
    // waiting get 902 / file-system error 40 (A.3), and later sends 915.
    let mut o = PATHMON_GONE.to_vec();
    o.push("faults.pathmon_io_timeout=\"2s\"");
    let r = run(F33, &o);
    let e = &r.pathsend_errors;
    assert!(e.e915 > 1000, "every send after 10 s: {e:?}");
    assert!(e.e902 >= by(&r, "902/40"), "{e:?}");
    assert_eq!(by(&r, "915"), e.e915, "none was retried");
    let f = r.faults.as_ref().expect("faults");
    let timeouts = rows(f, "link manager timeout");
    assert_eq!(timeouts.len(), 1, "{:?}", f.log);
    assert_eq!(timeouts[0].0, 10.0);
    assert_eq!(timeouts[0].1, "$PM");
    assert!(timeouts[0].2.unwrap() > 0, "open links were dropped");
    // Before the timeout, no send was failed for want of a PATHMON with 905: links held.
    assert_eq!(e.e905, 0, "{e:?}");
    // With the default timeout (5 min) the run (20 s) never reaches it: no 915.
    let r = run(F33, &PATHMON_GONE);
    assert_eq!(r.pathsend_errors.e915, 0);
}

#[test]
fn a_link_manager_with_no_link_to_a_lost_pathmon_gets_902_not_905() {
    // server-processor-failure: processor 0 (servers, and $PM with its backup in 1) fails at
    // 8 s; G runs only there (CPUS [0], AUTORESTART 0), so from the detection its link
    // managers hold no link to G. $PM took over: G's sends fail with 905 (no server).
    let base = run(SERVER_FAILURE, &[]);
    assert_eq!(by(&base, "902/201") + by(&base, "902/14"), 0);
    assert!(
        by(&base, "905") > 1000,
        "{:?}",
        base.faults.as_ref().unwrap().failed_by_error
    );
    // With $PM's backup processor lost first (5 s), processor 0 takes both halves of $PM:
    // G's sends get 902 with file-system error 201 (the PATHMON's processor failed). The
    // links already open (A's and D's servers in 1 and 2) keep working.
    let r = run(SERVER_FAILURE, &["--fault processor_down=1@5s"]);
    let failed = &r.faults.as_ref().unwrap().failed_by_error;
    assert!(by(&r, "902/201") > 1000, "{failed:?}");
    assert_eq!(by(&r, "905"), 0, "{failed:?}");
    assert_eq!(by(&r, "902/201"), r.pathsend_errors.e902);
    assert!(r.requests.completed > r.requests.failed, "{:?}", r.requests);
}

#[test]
fn the_retry_policy_reissues_the_pathsend_errors_it_lists() {
    // G's sends fail with 905 from 10 s to the reload (server-processor-failure). 905 is in
    // the default list: each is reissued (up to attempts) instead of failing; with
    // `errors = []` they fail as before.
    let retry = "workload.retry={ attempts = 2, backoff = \"10ms\" }";
    let none = "workload.retry={ attempts = 2, backoff = \"10ms\", errors = [] }";
    let base = run(SERVER_FAILURE, &[none]);
    let r = run(SERVER_FAILURE, &[retry]);
    let (b, q) = (&base.requests, &r.requests);
    assert!(
        by(&base, "905") > 1000,
        "{:?}",
        base.faults.as_ref().unwrap().failed_by_error
    );
    // Only the fault's own 904/201s (always under the policy) are reissued.
    assert_eq!(
        b.retried,
        base.faults.as_ref().unwrap().faults[0].retried,
        "{b:?}"
    );
    assert!(b.retried < 100, "{b:?}");
    // Every 905 was an attempt; a reissued one that fails again counts once.
    assert!(q.retried > 1000, "{q:?}");
    assert!(by(&r, "905") < by(&base, "905"), "{q:?}");
    // 905s are no fault's doing: not charged to a fault.
    let f = r.faults.as_ref().unwrap();
    assert!(f.faults[0].retried < q.retried);
}

#[test]
fn a_tmf_abort_waits_tmf_abort_delay_before_the_reissue() {
    // A killed busy server's sends fail with 904/FS 201 and, under TMF, are aborted and
    // reissued after backoff + tmf_abort_delay: the reissues' latency grows with the delay.
    let kill = "--fault process_kill=A#0@8s";
    let quick =
        "workload.retry={ attempts = 2, tmf = true, idempotent = false, tmf_abort_delay = \"0s\" }";
    let slow =
        "workload.retry={ attempts = 2, tmf = true, idempotent = false, tmf_abort_delay = \"3s\" }";
    let a = run(F33, &[kill, quick]);
    let b = run(F33, &[kill, slow]);
    assert!(a.requests.tmf_aborts > 0 && b.requests.tmf_aborts > 0);
    // Its longest request otherwise is a SYN retransmitted after 1 s.
    let (a, b) = (a.latency_ms.max, b.latency_ms.max);
    assert!(a < 1500.0 && b > 3000.0 && b < 3100.0, "{a} vs {b}");
}

#[test]
fn an_acs_domain_sends_link_requests_to_the_next_pathmon_counted() {
    // %DOM = $PM1:80, $PM2:20 (dynamic servers: links are asked for all the time).
    // Processor 3 (the backup of $PM1) fails at 10 s and $PM1 is killed at 10.1 s: both
    // halves of $PM1 are gone. The link requests its weight would take go past it.
    let acs = "scenarios/acs-dynamic-servers.toml";
    let base = run(acs, &[]);
    assert!(base.send_targets.iter().all(|t| t.pathmon_retries == 0));
    let r = run(
        acs,
        &[
            "--fault processor_down=3@10s",
            "--fault process_kill=$PM1@10.1s",
        ],
    );
    let t = &r.send_targets[0];
    assert!(t.pathmon_retries > 0, "{t:?}");
    // The domain masks the loss: no send fails for want of a PATHMON.
    assert_eq!(r.pathsend_errors.e902 + r.pathsend_errors.e915, 0);
}

#[test]
fn rebalance_moves_autorestarted_servers_back_after_the_reload_unless_off() {
    // server-processor-failure: A's and D's servers of processor 0 are restarted in 1 and 2
    // at about 10 s; processor 0 is up again at 17 s.
    let in_cpu0 = |r: &RunResults| {
        r.processes
            .iter()
            .filter(|p| (p.name.starts_with("A#") || p.name.starts_with("D#")) && p.processor == 0)
            .count()
    };
    let off = run(SERVER_FAILURE, &[]);
    assert_eq!(in_cpu0(&off), 0, "off (the default): moved servers stay");
    assert!(rows(off.faults.as_ref().unwrap(), "rebalanced").is_empty());

    let auto = run(SERVER_FAILURE, &["faults.rebalance=\"auto\""]);
    let f = auto.faults.as_ref().unwrap();
    let moved = rows(f, "rebalanced");
    assert_eq!(moved.len(), 4, "A#0, A#3, D#0, D#3: {:?}", f.log);
    assert_eq!(in_cpu0(&auto), 4);
    assert!(moved.iter().all(|m| m.0 > 17.0 && m.0 < 18.0), "{moved:?}");
    assert_eq!(rows(f, "rebalance"), vec![(17.0, "processor 0", Some(4))]);
    // Moving fails no request: the run's failures are those of the plain run.
    assert_eq!(auto.requests.reset, off.requests.reset);
    assert_eq!(by(&auto, "904/201"), by(&off, "904/201"));

    let manual = run(
        SERVER_FAILURE,
        &[
            "faults.rebalance=\"manual\"",
            "faults.rebalance_after=\"2s\"",
        ],
    );
    let f = manual.faults.as_ref().unwrap();
    assert_eq!(rows(f, "rebalance"), vec![(19.0, "processor 0", Some(4))]);
    assert_eq!(in_cpu0(&manual), 4);
}

#[test]
fn bad_rebalance_and_retry_errors_are_reported() {
    let text = std::fs::read_to_string(crate::repo(SERVER_FAILURE)).unwrap();
    let _ = text;
    let err = nssim::scenario::load(
        &crate::repo(SERVER_FAILURE),
        &[
            "faults.rebalance=\"sometimes\"".to_string(),
            "workload.retry={ attempts = 2, errors = [904, 999] }".to_string(),
        ],
    )
    .expect_err("bad input");
    let msg = err.to_string();
    assert!(msg.contains("faults.rebalance"), "{msg}");
    assert!(msg.contains("\"off\""), "{msg}");
    assert!(msg.contains("workload.retry.errors"), "{msg}");
    assert!(msg.contains("904, 999"), "{msg}");
}

#[test]
fn a_pair_whose_backup_processor_fails_during_its_takeover_loses_its_waiting_work() {
    // $PM is killed at 8 s (its backup in processor 1 starts taking over, 200 ms) and
    // processor 1 fails at 8.1 s: both halves are gone. The grants and work waiting for the
    // backup are lost with it and failed at the detection of processor 1 (they used to stay
    // in the dead process's queue: `Cpus::fail`'s unit test shows it), so no link manager
    // waits forever on a grant: the run drains.
    for extra in [&[][..], &["workload.kind=\"open\""][..]] {
        let mut o = vec![
            "--fault process_kill=$PM@8s",
            "--fault processor_down=1@8.1s",
        ];
        o.extend_from_slice(extra);
        let r = run(F33, &o);
        assert_eq!(r.requests.in_flight, 0, "{:?}", r.requests);
        assert!(r.stopped.is_none());
    }
}

/// Issue 15 item 4 (faults.md A.5, A.6): double-failure.toml loses both halves of $PM at
/// 12 s (processor 1, its backup's, after processor 0 at 8 s). [F] A link manager that finds
/// no free link asks PATHMON for one while it holds fewer than NUMSTATIC x LINKDEPTH links
/// (6 x 1 per class here; it holds 2, to processor 2's servers); with PATHMON unreachable
/// that send fails with 902, file-system error 201 (its processor failed). Until processor 1
/// is declared down its link requests get no answer, so sends queue there and the 512-send
/// limit refuses some (924); after the detection no send queues: 902, not 924.
#[test]
fn a_lost_pathmon_pair_fails_the_sends_that_need_a_link_with_902_not_924() {
    let r = run("scenarios/double-failure.toml", &[]);
    let f = r.faults.as_ref().expect("faults");
    let detected = f.faults[1].detected_s.expect("declared down");
    assert!(by(&r, "902/201") > 10_000, "{:?}", f.failed_by_error);
    assert_eq!(by(&r, "902/201"), r.pathsend_errors.e902);
    // 924s happen only in the 1.56 s before processor 1 is declared down: at 15,000/s
    // that is fewer than a third of the 902s (before this rule, 20,280 924s and no 902).
    assert!(
        by(&r, "924") < by(&r, "902/201") / 3,
        "{:?}",
        f.failed_by_error
    );
    // Every 902 is charged to the second failure, which lost the pair.
    assert_eq!(f.faults[1].failed.get("902/201"), by(&r, "902/201"));
    assert_eq!(f.faults[0].failed.get("902/201"), 0);
    // The links already open keep working: requests complete after the detection.
    let after: Vec<_> = r
        .timeseries
        .iter()
        .filter(|w| w.t_s > detected + 1.0 && w.t_s + 1.0 < 20.0)
        .collect();
    assert!(!after.is_empty());
    for w in after {
        assert!(w.throughput_per_s > 1000.0, "{w:?}");
    }
}

/// The same rule when $PM's process is killed in a processor that is up: 902 with
/// file-system error 14, and no send waits for a link until the 512-send limit (no 924).
#[test]
fn a_killed_pathmon_with_no_backup_gives_902_fs14_at_once_not_924() {
    let r = run(F33, &PATHMON_GONE);
    assert!(by(&r, "902/14") > 1000, "{:?}", r.faults);
    assert_eq!(by(&r, "924"), 0, "{:?}", r.faults);
    let f = r.faults.as_ref().expect("faults");
    assert_eq!(f.faults[1].failed.get("902/14"), by(&r, "902/14"));
}

/// Issue 15 item 4, the per-fault tally: each fault's `failed` lists every kind of failure
/// it caused (Pathsend errors with their file-system error, resets, refusals) and sums to
/// its `failed_total`; the kinds charged to faults never exceed the run's; `faults.csv` has
/// one `failed KIND` row per fault and kind, and the run's table prints them.
#[test]
fn each_fault_tallies_its_failures_by_error_summing_to_its_total() {
    for (path, o) in [
        ("scenarios/double-failure.toml", &[][..]),
        (F33, &PATHMON_GONE[..]),
        ("scenarios/processor-failure-distributor.toml", &[][..]),
        (SERVER_FAILURE, &["--fault processor_down=1@5s"][..]),
    ] {
        let r = run(path, o);
        let f = r.faults.as_ref().expect("faults");
        let mut charged = std::collections::BTreeMap::<String, u64>::new();
        for x in &f.faults {
            assert_eq!(x.failed.total(), x.failed_total, "{path}: {x:?}");
            for (what, n) in &x.failed.0 {
                *charged.entry(what.clone()).or_default() += n;
            }
            // Each fault's "requests failed" rows count its failures at that instant only.
            let logged: u64 = f
                .log
                .iter()
                .filter(|l| l.fault == x.fault && l.event == "requests failed")
                .filter_map(|l| l.count)
                .sum();
            assert!(logged <= x.failed_total, "{path}: {x:?}");
        }
        for (what, n) in &charged {
            assert!(
                by(&r, what) >= *n,
                "{path}: {what} {n} > {:?}",
                f.failed_by_error
            );
        }
        let total: u64 = f.faults.iter().map(|x| x.failed_total).sum();
        assert!(total <= r.requests.failed, "{path}");
        let csv = String::from_utf8(nssim::report::faults_csv(&r)).unwrap();
        for x in &f.faults {
            for (what, n) in &x.failed.0 {
                let row = format!(",{},", x.fault);
                assert!(
                    csv.lines()
                        .any(|l| l.contains(&row) && l.contains(&format!(",failed {what},{n},"))),
                    "{path}: no row for fault {} {what}: {csv}",
                    x.fault
                );
            }
        }
    }
    // The double failure's table line names the 902s.
    let r = run("scenarios/double-failure.toml", &[]);
    let table = nssim::report::terminal_summary(&r);
    assert!(
        table
            .lines()
            .any(|l| l.contains("fault 1") && l.contains("902/201")),
        "{table}"
    );
}
