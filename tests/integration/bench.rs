//! Issue 18: `nssim bench --quick`, every workload at 2,000 requests, as a user runs it. Only
//! what is deterministic is checked: the workloads run, and their event and request counts
//! (nssim's against `tests/golden/bench-quick.txt`, the reference loop's worked out). Never a
//! time: the machines are shared.
//!
//! A change that alters how many events a workload takes (fewer events per request is the
//! point of issue 18) rewrites the file with `GOLDEN_UPDATE=1 cargo test --release bench`, and
//! its commit message says why the counts moved.

use std::fs;

use assert_cmd::Command;
use serde_json::Value;

use crate::repo;

#[test]
fn issue_18_quick_bench_runs_every_workload_with_the_expected_event_counts() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("bench");
    let assert = Command::cargo_bin("nssim")
        .unwrap()
        .current_dir(repo(""))
        .args(["bench", "--quick", "--out"])
        .arg(&out)
        .assert()
        .success();
    let stdout = String::from_utf8_lossy(&assert.get_output().stdout).into_owned();
    assert!(stdout.contains("(a) M/M/4 rho 0.9"), "{stdout}");
    assert!(stdout.contains("(c) fig-3-3-distributor"), "{stdout}");
    assert_eq!(
        fs::read_to_string(out.join(".nssim-written")).unwrap(),
        "bench.json\n"
    );
    let json: Value = serde_json::from_str(&fs::read_to_string(out.join("bench.json")).unwrap())
        .expect("bench.json is JSON");
    assert_eq!(json["requests"], 2000);
    let rows = json["workloads"].as_array().expect("workloads");
    let shipped = fs::read_dir(repo("scenarios"))
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .is_ok_and(|e| e.path().extension().is_some_and(|x| x == "toml"))
        })
        .count();
    // (a), the four closed populations of (b), every shipped scenario for (c).
    assert_eq!(rows.len(), 1 + 4 + shipped);

    let mut counts = String::new();
    for row in rows {
        let id = row["id"].as_str().unwrap();
        let (n, r) = (&row["nssim"], &row["reference"]);
        let count = |m: &Value, k: &str| m[k].as_u64().unwrap_or_else(|| panic!("{id}: {k}"));
        counts += &format!(
            "{id} nssim requests {} events {}\n",
            count(n, "requests"),
            count(n, "events")
        );
        match id {
            // The reference's open M/M/4 (also the divisor of every shipped scenario): 2,000
            // customers, an arrival and a departure each.
            "mm4" | "scenarios/fig-3-3-distributor.toml" => {
                assert_eq!(
                    (count(r, "requests"), count(r, "events")),
                    (2000, 4000),
                    "{id}"
                );
                assert_eq!(count(n, "requests"), 2000, "{id}: run.max_requests");
            }
            _ => {}
        }
        if id == "mm4" {
            // Issue 18's goal (a): at most 3 events per request on the M/M/4 reduction.
            assert!(
                count(n, "events") <= 3 * 2000,
                "{id}: {}",
                count(n, "events")
            );
        }
        if let Some(clients) = id.strip_prefix("closed-") {
            let clients: u64 = clients.parse().unwrap();
            // Every client thinking is a pending event: the heap holds N of them, plus the
            // few customers at the four servers.
            let pending = count(r, "pending_max");
            assert!(
                (clients..=clients + 4).contains(&pending),
                "{id}: {pending} pending"
            );
            // About 2,000 requests in 1 s whatever N (N / Z = 2,000/s, Z >> response time).
            for m in [n, r] {
                assert!(
                    (1800..=2200).contains(&count(m, "requests")),
                    "{id}: {}",
                    count(m, "requests")
                );
            }
            // The reference spends two events per customer, one more for those still queued
            // at the end.
            assert!(count(r, "events") <= 2 * count(r, "requests"), "{id}");
            assert!(count(r, "events") + 8 >= 2 * count(r, "requests"), "{id}");
            counts += &format!(
                "{id} reference requests {} events {} pending {pending}\n",
                count(r, "requests"),
                count(r, "events")
            );
        }
    }
    let golden = repo("tests/golden/bench-quick.txt");
    if std::env::var_os("GOLDEN_UPDATE").is_some_and(|v| v == "1") {
        fs::write(&golden, &counts).unwrap();
    }
    let expected = fs::read_to_string(&golden).unwrap_or_default();
    assert_eq!(
        counts, expected,
        "event counts differ from tests/golden/bench-quick.txt (if the change is meant, rerun \
         with GOLDEN_UPDATE=1 and say why in the commit)"
    );
}

#[test]
fn issue_18_bench_child_rejects_an_unknown_engine() {
    Command::cargo_bin("nssim")
        .unwrap()
        .args(["bench-child", "simpy", "mm4", "10"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "'simpy' is not 'nssim' or 'reference'",
        ));
}
