//! Issue 15 item 5: LAN failover (faults.md A.8). A PIF of a failover pair fails: its frames
//! are lost until its sessions move to the survivor, each lost frame pays one retransmission
//! timeout, and nothing fails; a PIF with no partner (the conventional stack) takes its IP
//! host down: its established connections are reset and its SYNs go unanswered.

use nssim::model::simulate;
use nssim::scenario::{Scenario, parse_str};
use nssim::stats::{FaultResult, RunResults};

use crate::{load, repo};

/// 100 closed clients, each with one connection for the whole run, thinking 20 ms on
/// average between requests; connections alternate over the IP hosts' addresses, so 50 use
/// each of the two PIFs. `tcpip` and `faults` are the variable parts.
fn scenario(tcpip: &str, listener: &str, faults: &str) -> Scenario {
    let text = format!(
        r#"
name = "lan-failover"
[run]
seed = 5
duration = "6s"
drain = "20s"
[system]
processors = 2
[lan]
pif_bandwidth = "1Gb/s"
client_latency = "100us"
[tcpip]
{tcpip}
[[listener]]
{listener}
[[server_class]]
name = "A"
maxservers = 0
service = {{ dist = "exponential", mean = "100us" }}
[workload]
kind = "closed"
clients = 100
think = {{ dist = "exponential", mean = "20ms" }}
requests_per_connection = 100000
request_bytes = 512
reply_bytes = 2048
mix = {{ A = 1 }}
{faults}
"#
    );
    parse_str(&text, "lan-failover.toml", &[]).unwrap_or_else(|e| panic!("{e}"))
}

/// The parallel stack, one listener per processor, two LIFs in a failover pair.
fn paired(faults: &str) -> Scenario {
    scenario(
        r#"stack = "parallel"
pifs = ["G4SA0.0.A", "G4SA1.0.A"]
failover = [["G4SA0.0.A", "G4SA1.0.A"]]"#,
        r#"name = "$PL"
model = "parallel"
processors = [0, 1]"#,
        faults,
    )
}

fn fault(r: &RunResults, i: usize) -> &FaultResult {
    &r.faults.as_ref().expect("a run with faults").faults[i]
}

fn logged(r: &RunResults, event: &str) -> Vec<u64> {
    r.faults
        .as_ref()
        .expect("faults")
        .log
        .iter()
        .filter(|l| l.event == event)
        .map(|l| l.count.unwrap_or(0))
        .collect()
}

/// Measured requests whose latency is above `ms` (the histogram's buckets are 10 % wide).
fn slower_than(r: &RunResults, ms: f64) -> u64 {
    r.latency_histogram
        .iter()
        .filter(|b| b.upper_ms > ms)
        .map(|b| b.count)
        .sum()
}

fn conserved(r: &RunResults) {
    let q = &r.requests;
    assert_eq!(q.offered, q.completed + q.failed + q.in_flight, "{q:?}");
    assert_eq!(
        q.in_flight, 0,
        "every request has left by the end of the drain"
    );
}

#[test]
fn sessions_move_to_the_survivor_and_the_frames_in_between_pay_one_rto() {
    // G4SA0.0.A fails at 2 s; its sessions move at 2.5 s (lif_detect); lost frames are sent
    // again 700 ms after their loss (tcp_rto, distinct from the SYN timer's 1 s).
    let r = simulate(&paired(
        r#"[faults]
lif_detect = "500ms"
tcp_rto = "700ms"
[[fault]]
at = "2s"
pif_down = "G4SA0.0.A""#,
    ));
    conserved(&r);
    assert_eq!(r.requests.failed, 0, "a failover pair loses no request");
    let f = fault(&r, 0);
    assert_eq!(f.pif.as_deref(), Some("G4SA0.0.A"));
    // Each of the 50 clients on G4SA0.0.A sends within the 500 ms (think 20 ms): its frame is
    // lost, and it waits for the retransmission (sent at 2.7 s or later, on the survivor), so
    // each loses exactly one frame, and all 50 are in flight when the sessions move.
    assert_eq!(f.frames_lost, Some(50), "{f:?}");
    assert_eq!(logged(&r, "requests moved"), vec![50]);
    // Exactly those 50 requests pay the timeout: 700 ms plus their usual under-a-millisecond
    // latency, no more (one retransmission each).
    assert_eq!(slower_than(&r, 600.0), 50);
    assert!(
        r.latency_ms.max >= 700.0 && r.latency_ms.max < 705.0,
        "{}",
        r.latency_ms.max
    );
    // The survivor carries both addresses from 2.5 s: of the 6 s, the failed port carried
    // its half for 2 s, the survivor its half for 6 s and the other half for about 3.3 s
    // (the moved clients were idle 0.7 s): about (6 + 3.3) / 2 = 4.6 times as much.
    let (a, b) = (&r.pifs[0], &r.pifs[1]);
    let ratio = b.busy_ratio_out / a.busy_ratio_out;
    assert!((4.0..5.2).contains(&ratio), "{a:?} {b:?} {ratio}");
}

#[test]
fn a_repair_moves_a_non_shared_address_back_and_keeps_a_shared_ones_sessions() {
    let faults = r#"[faults]
lif_detect = "500ms"
[[fault]]
at = "2s"
pif_down = "G4SA0.0.A"
[[fault]]
at = "3s"
pif_up = "G4SA0.0.A""#;
    let own = simulate(&paired(faults));
    let mut sc = paired(faults);
    sc.tcpip.shared_ip = true;
    let shared = simulate(&sc);
    for r in [&own, &shared] {
        conserved(r);
        assert_eq!(r.requests.failed, 0);
        assert_eq!(logged(r, "repaired").len(), 1);
    }
    // Own address: it comes back to G4SA0.0.A, with its 50 clients, from 3 s: of the 6 s the
    // port carried its half for all but about 1 s. Shared: the clients that moved stay on
    // the survivor, and no new connection is opened, so the port carries nothing after 2 s.
    let busy = |r: &RunResults| (r.pifs[0].busy_ratio_out, r.pifs[1].busy_ratio_out);
    let (a, b) = busy(&own);
    assert!(a > 0.6 * b && a < b, "{a} {b}");
    let (a, b) = busy(&shared);
    assert!(a < 0.25 * b, "{a} {b}");
}

#[test]
fn without_a_partner_the_conventional_ip_host_resets_its_connections_and_refuses_syns() {
    // Two $ZTCn, each an IP host with its own PIF (the conventional stack has no failover
    // pair), and a listener in each processor behind its processor's $ZTCn. The backlog
    // holds every reconnection at once.
    let conventional = |faults: &str| {
        scenario(
            r#"stack = "conventional"
backlog = 1000
[[tcpip.process]]
name = "$ZTC0"
processor = 0
pifs = ["G4SA0.0.A"]
[[tcpip.process]]
name = "$ZTC1"
processor = 1
pifs = ["G4SA1.0.A"]"#,
            r#"name = "$PL"
model = "parallel"
processors = [0, 1]
tcpip = ["$ZTC0", "$ZTC1"]"#,
            faults,
        )
    };
    let r = simulate(&conventional(
        r#"[[fault]]
at = "2s"
pif_down = "G4SA0.0.A""#,
    ));
    conserved(&r);
    let f = fault(&r, 0);
    // At 3 s (lif_detect) each of the 50 clients on $ZTC0's address has a request blocked on
    // a lost frame: its connection is reset. Each then reconnects, alternating over the
    // listeners: half of them to the dead address, whose SYNs are lost at 1, 2 and 4 s
    // intervals; after the third retransmission the connection is refused, again and again
    // until the clients stop at 6 s.
    assert_eq!(f.failed.get("reset"), 50, "{f:?}");
    assert_eq!(logged(&r, "connections reset"), vec![50]);
    assert!(f.failed.get("refused") > 0, "{f:?}");
    assert_eq!(r.requests.reset, f.failed.get("reset"));
    assert_eq!(
        r.requests.refused,
        f.failed.get("refused"),
        "no backlog is full"
    );
    assert!(
        f.frames_lost.unwrap() > 50 + f.failed.get("refused"),
        "{f:?}"
    );
    assert!(f.recovery_s.is_none(), "half the IP hosts are gone: {f:?}");
    // Repaired at 4 s: the SYNs retransmitted after it get through and nothing is refused.
    let r = simulate(&conventional(
        r#"[[fault]]
at = "2s"
pif_down = "G4SA0.0.A"
[[fault]]
at = "4s"
pif_up = "G4SA0.0.A""#,
    ));
    conserved(&r);
    let f = fault(&r, 0);
    assert_eq!(
        (f.failed.get("reset"), f.failed.get("refused")),
        (50, 0),
        "{f:?}"
    );
}

#[test]
fn the_shipped_adapter_failover_scenario_fails_nothing_and_recovers() {
    let r = simulate(&load("scenarios/adapter-failover.toml", &[]));
    conserved(&r);
    assert_eq!(r.requests.failed, 0);
    let f = fault(&r, 0);
    assert_eq!(f.action, "pif_down");
    assert!(f.frames_lost.is_some_and(|n| n > 500), "{f:?}");
    assert!(f.recovery_s.is_some_and(|t| t <= 3.0), "{f:?}");
    assert_eq!(fault(&r, 1).action, "pif_up");
    // Lost frames pay one tcp_rto (or, a SYN, the client's first SYN timeout), both 1 s.
    assert!(
        r.latency_ms.max > 1000.0 && r.latency_ms.max < 1010.0,
        "{}",
        r.latency_ms.max
    );
}

#[test]
fn pif_faults_are_deterministic_and_leave_the_processor_faults_timeline_alone() {
    let with = |extra: &str| {
        let path = repo("scenarios/processor-failure-parallel-listener.toml");
        let mut text = std::fs::read_to_string(&path).unwrap();
        text.push_str(extra);
        parse_str(&text, path.to_str().unwrap(), &[]).unwrap_or_else(|e| panic!("{e}"))
    };
    let plain = with("");
    let lan = with(
        "\n[[fault]]\nat = \"12s\"\npif_down = \"G4SA0.0.B\"\n[tcpip]\nfailover = [[\"G4SA0.0.B\", \"G4SA0.0.C\"]]\n",
    );
    let (a, b) = (simulate(&lan), simulate(&lan));
    assert_eq!(
        nssim::report::summary_json(&a)
            .lines()
            .filter(|l| !l.contains("wall"))
            .collect::<Vec<_>>(),
        nssim::report::summary_json(&b)
            .lines()
            .filter(|l| !l.contains("wall"))
            .collect::<Vec<_>>()
    );
    // The processor failure is detected at the same instant with and without the PIF fault.
    let p = simulate(&plain);
    assert_eq!(fault(&p, 0).detected_s, fault(&a, 0).detected_s);
    conserved(&a);
}

/// The fault swarm's random clusters (`failures.rs`), with PIF failures and repairs added at
/// random: under the parallel stack two LIFs in a failover pair (shared address or not),
/// under the conventional one `$ZTC0`'s PIF with no partner.
#[test]
fn random_clusters_with_pif_failures_conserve_requests() {
    let mut g = crate::Gen(1508);
    let mut ran = 0;
    for n in 0..150 {
        let mut text = crate::failures::case(&mut g, n);
        let parallel = text.contains("stack = \"parallel\"");
        let at = g.int(60, 500);
        let (first, second) = if parallel {
            let shared = g.int(0, 1) == 1;
            text = text.replacen(
                "[tcpip]\n",
                &format!("[tcpip]\npifs = [\"G4SA0.0.A\", \"G4SA1.0.A\"]\nfailover = [[\"G4SA0.0.A\", \"G4SA1.0.A\"]]\nshared_ip = {shared}\n"),
                1,
            );
            ("G4SA0.0.A", "G4SA1.0.A")
        } else {
            ("G4SA0.0.A", "G4SA0.0.A")
        };
        text = text.replacen(
            "[faults]\n",
            &format!(
                "[faults]\nlif_detect = \"{}ms\"\nswitch_converge = \"{}ms\"\ntcp_rto = \"{}ms\"\n",
                g.int(0, 200),
                g.int(0, 100),
                g.int(1, 300)
            ),
            1,
        );
        text += &format!("[[fault]]\nat = \"{at}ms\"\npif_down = \"{first}\"\n");
        let up = at + g.int(1, 400);
        if g.int(0, 1) == 0 {
            text += &format!("[[fault]]\nat = \"{up}ms\"\npif_up = \"{first}\"\n");
        } else if parallel {
            // Both halves of the pair down: the IP host is down for both addresses.
            text += &format!("[[fault]]\nat = \"{up}ms\"\npif_down = \"{second}\"\n");
        }
        let Some(r) = crate::failures::run_case(&text, &format!("pif-swarm-{n}")) else {
            continue;
        };
        let q = &r.requests;
        let f = r.faults.as_ref().expect("faults");
        let reset: u64 = f.faults.iter().map(|x| x.failed.get("reset")).sum();
        assert_eq!(
            reset, q.reset,
            "case {n}: every reset is charged to a fault"
        );
        ran += 1;
    }
    assert!(ran > 100, "{ran} of 150 cases ran");
}
