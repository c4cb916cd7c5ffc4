//! The CIP stack (`tcpip.stack = "cip"`, `[[clim]]`): the protocol work on the CLIMs, a
//! host<->CLIM message per socket call, several listeners per processor per port, CLIMs in
//! the utilisation outputs and in `explain`.

use nssim::model::{ResourceKind, explain, simulate};
use nssim::scenario::{Scenario, parse_str};

use crate::load;

/// Two single-core processors, a parallel listener `$PL` on `processors`, an open workload of
/// one request per connection with constant sizes and service; `tcpip` and `clims` vary.
fn text(tcpip: &str, clims: &str, processors: &str, extra: &str) -> String {
    format!(
        r#"
name = "cip"
[run]
seed = 3
duration = "4s"
warmup = "1s"
drain = "5s"
[system]
processors = 2
[message_system]
cpu_per_message = "10us"
latency_cross_processor = "30us"
[lan]
pif_bandwidth = "1Gb/s"
client_latency = "100us"
[tcpip]
segment_cpu = "15us"
connect_cpu = "75us"
close_cpu = "25us"
{tcpip}
{clims}
[[listener]]
name = "$PL"
model = "parallel"
processors = {processors}
accept_cpu = "30us"
handle_cpu = "20us"
[[server_class]]
name = "A"
maxservers = 0
service = {{ dist = "constant", value = "100us" }}
[workload]
kind = "open"
rate = "2000/s"
requests_per_connection = 1
request_bytes = 1024
reply_bytes = 4096
mix = {{ A = 1 }}
{extra}
"#
    )
}

const TWO_CLIMS: &str = r#"
[[clim]]
name = "C0"
cores = 2
call_cpu = "20us"
cpu_per_kib = "1us"
[[clim]]
name = "C1"
cores = 2
call_cpu = "20us"
cpu_per_kib = "1us"
"#;

fn cip(processors: &str) -> Scenario {
    let t = text(
        "stack = \"cip\"\npifs = [\"C0.eth1\", \"C1.eth1\"]",
        TWO_CLIMS,
        processors,
        "",
    );
    parse_str(&t, "cip.toml", &[]).unwrap_or_else(|e| panic!("{e}"))
}

fn problems(t: &str) -> String {
    match parse_str(t, "cip.toml", &[]) {
        Ok(_) => panic!("expected problems"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn the_protocol_work_is_charged_to_the_clims_not_the_host() {
    let r = simulate(&cip("[0, 1]"));
    assert_eq!(r.stack, "cip");
    let q = &r.requests;
    assert_eq!(q.offered, q.completed + q.failed + q.in_flight);
    assert_eq!(q.failed, 0);
    // Per request (each opens and closes its connection), on the CLIM: in, 20 + 1 x 1 KiB +
    // connect 75 = 96 us; out, 20 + 1 x 4 KiB + close 25 = 49 us: 145 us, half the
    // connections on each CLIM of 2 cores.
    let per_clim = r.throughput_per_s * 145e-6 / 2.0 / 2.0;
    assert_eq!(r.clims.len(), 2);
    for c in &r.clims {
        assert_eq!(c.cores, 2);
        assert!(
            (c.busy_ratio - per_clim).abs() < 0.02 * per_clim,
            "{}: {} busy, expected {per_clim}",
            c.name,
            c.busy_ratio
        );
    }
    // On the host, per request: accept 30 + handle 20 + service 100 + receiving the request
    // from the CLIM across ServerNet (10 us, 1 KiB at the default 0 per KiB... plus its
    // per-KiB cost) in one burst, handle 20 + sending the reply in the other; no protocol
    // work: that is the explained figure, and the run's host CPU matches it.
    let e = explain(&cip("[0, 1]"));
    let host: f64 = e
        .demands
        .iter()
        .filter(|d| d.kind == ResourceKind::Processor)
        .map(|d| d.demand_s)
        .sum();
    let clim: f64 = e
        .demands
        .iter()
        .filter(|d| d.kind == ResourceKind::Clim)
        .map(|d| d.demand_s)
        .sum();
    assert!((clim - 145e-6).abs() < 1e-9, "CLIM demand {clim}");
    let busy_host: f64 = r.processors.iter().map(|p| p.busy_ratio).sum();
    assert!(
        (busy_host - r.throughput_per_s * host).abs() < 0.02 * busy_host,
        "host busy {busy_host}, explained {}",
        r.throughput_per_s * host
    );
    // No host processor spent anything on the CLIMs' kind, and the CLIM stacks ran nowhere
    // but on the CLIMs.
    for p in &r.processors {
        assert!(p.busy_by_kind.iter().all(|k| k.kind != "clim"));
        assert_eq!(
            p.busy_by_kind
                .iter()
                .find(|k| k.kind == "tcpip")
                .unwrap()
                .busy_ratio,
            0.0
        );
    }
    let stacks: Vec<_> = r.processes.iter().filter(|p| p.kind == "clim").collect();
    assert_eq!(stacks.len(), 4);
    assert!(stacks.iter().all(|p| p.processor >= 2));
    // The same listeners under the parallel stack do the protocol work on the host: more
    // host CPU per request, no hop; CIP crosses two (the host<->CLIM messages).
    let par = text(
        "stack = \"parallel\"\npifs = [\"G4SA0.0.A\", \"G4SA1.0.A\"]",
        "",
        "[0, 1]",
        "",
    );
    let p = simulate(&parse_str(&par, "p.toml", &[]).unwrap());
    assert!(p.clims.is_empty());
    let busy_par: f64 = p.processors.iter().map(|p| p.busy_ratio).sum();
    assert!(busy_par > busy_host, "{busy_par} vs {busy_host}");
    assert_eq!(p.hops_per_request_mean, 0.0);
    assert_eq!(r.hops_per_request_mean, 2.0);
}

#[test]
fn several_listeners_may_share_a_processor_and_port_under_cip_only() {
    // Two instances in each processor, the connections handed out round robin [?].
    let r = simulate(&cip("[0, 0, 1, 1]"));
    let names: Vec<&str> = r.listeners.iter().map(|l| l.name.as_str()).collect();
    assert_eq!(names, ["$PL-0", "$PL-0.2", "$PL-1", "$PL-1.2"]);
    let c: Vec<u64> = r.listeners.iter().map(|l| l.connections).collect();
    let (lo, hi) = (c.iter().min().unwrap(), c.iter().max().unwrap());
    assert!(hi - lo <= 1, "round robin: {c:?}");
    // `check` has no complaint about it (its parallel-stack rule does not apply).
    let findings = nssim::scenario::warnings(&cip("[0, 0, 1, 1]"));
    assert!(
        findings.iter().all(|f| !f.contains("page-114")),
        "{findings:?}"
    );
    // The parallel stack refuses the same listener.
    let par = text(
        "stack = \"parallel\"\npifs = [\"G4SA0.0.A\"]",
        "",
        "[0, 0, 1, 1]",
        "",
    );
    let msg = problems(&par);
    assert!(
        msg.contains("at most one listener per processor per port"),
        "{msg}"
    );
}

#[test]
fn a_clim_can_be_the_binding_resource() {
    // One CLIM with one core and 400 us per call: 800 us of protocol work per request on
    // one core bounds the node at 1,250 requests/s, below the host's ceiling.
    let t = text(
        "stack = \"cip\"",
        "[[clim]]\nname = \"C0\"\ncores = 1\ncall_cpu = \"400us\"\ncpu_per_kib = \"0us\"",
        "[0, 1]",
        "",
    );
    let sc = parse_str(&t, "cip.toml", &[]).unwrap();
    // The default address: the CLIM's first port.
    assert_eq!(sc.tcpip.pifs, ["C0.eth1"]);
    let e = explain(&sc);
    let b = &e.demands[e.bottleneck.expect("a bottleneck")];
    assert_eq!(b.name, "CLIM C0");
    assert_eq!(b.kind, ResourceKind::Clim);
    // 400 + 400 + connect 75 + close 25 = 900 us.
    assert!((b.demand_s - 900e-6).abs() < 1e-12, "{}", b.demand_s);
    assert!(e.render().contains("CLIM C0"));
}

#[test]
fn clims_and_their_interfaces_are_checked() {
    let no_clim = text("stack = \"cip\"", "", "[0]", "");
    let msg = problems(&no_clim);
    assert!(msg.contains("the CIP stack runs on CLIMs"), "{msg}");
    let not_cip = text("stack = \"parallel\"", TWO_CLIMS, "[0]", "");
    let msg = problems(&not_cip);
    assert!(
        msg.contains("[[clim]] entries belong to the CIP stack"),
        "{msg}"
    );
    // Every problem at once: an unknown CLIM (naming the known ones), a port out of range,
    // a failover pair on one CLIM, cores out of range.
    let bad = text(
        "stack = \"cip\"\npifs = [\"C9.eth1\", \"C0.eth9\", \"C0.eth1\", \"C0.eth2\"]\nfailover = [[\"C0.eth1\", \"C0.eth2\"]]",
        &TWO_CLIMS.replacen("cores = 2", "cores = 0", 1),
        "[0]",
        "",
    );
    let msg = problems(&bad);
    for want in [
        "tcpip.pifs[0]",
        "there is no CLIM `C9`; the CLIMs are `C0`, `C1`",
        "tcpip.pifs[1]",
        "`C0.eth9` is not a CLIM interface",
        "tcpip.failover[0]",
        "are on the same CLIM",
        "clim[0].cores",
    ] {
        assert!(msg.contains(want), "missing {want:?} in:\n{msg}");
    }
}

#[test]
fn the_shipped_cip_scenario_moves_the_protocol_work_off_the_host() {
    let short = ["run.duration=2s", "run.warmup=200ms"];
    let cip = simulate(&load("scenarios/cip-parallel-listener.toml", &short));
    let par = simulate(&load("scenarios/parallel-listener.toml", &short));
    let busiest = |r: &nssim::stats::RunResults| {
        r.processors
            .iter()
            .map(|p| p.busy_ratio)
            .fold(0.0, f64::max)
    };
    assert!(busiest(&cip) < busiest(&par));
    assert_eq!(cip.clims.len(), 2);
    assert!(cip.clims.iter().all(|c| c.busy_ratio > 0.0));
    let q = &cip.requests;
    assert_eq!(q.offered, q.completed + q.failed + q.in_flight);
}

/// Ten closed clients, each on one connection for the whole run (a request every 20 ms on
/// average); the connections alternate over the two CLIMs' addresses, a failover pair, so
/// five ride each CLIM. `faults` and `retry` vary.
fn closed(faults: &str, retry: &str) -> Scenario {
    closed_with(faults, retry, &[])
}

pub(crate) fn closed_with(faults: &str, retry: &str, set: &[&str]) -> Scenario {
    let set: Vec<String> = set.iter().map(|s| s.to_string()).collect();
    let t = format!(
        r#"
name = "clim-down"
[run]
seed = 7
duration = "8s"
warmup = "1s"
drain = "20s"
[system]
processors = 2
[lan]
client_latency = "100us"
[tcpip]
stack = "cip"
pifs = ["C0.eth1", "C1.eth1"]
failover = [["C0.eth1", "C1.eth1"]]
{TWO_CLIMS}
[[listener]]
name = "$PL"
model = "parallel"
processors = [0, 1]
[[server_class]]
name = "A"
maxservers = 0
service = {{ dist = "exponential", mean = "100us" }}
[workload]
kind = "closed"
clients = 10
think = {{ dist = "exponential", mean = "20ms" }}
requests_per_connection = 100000
request_bytes = 512
reply_bytes = 2048
mix = {{ A = 1 }}
{retry}
{faults}
"#
    );
    parse_str(&t, "clim-down.toml", &set).unwrap_or_else(|e| panic!("{e}"))
}

pub(crate) fn logged(r: &nssim::stats::RunResults, event: &str) -> Vec<u64> {
    let f = r.faults.as_ref().expect("faults");
    f.log
        .iter()
        .filter(|l| l.event == event)
        .map(|l| l.count.unwrap_or(0))
        .collect()
}

#[test]
fn clim_down_loses_exactly_the_connections_it_carried() {
    let r = simulate(&closed("[[fault]]\nat = \"3s\"\nclim_down = \"C0\"", ""));
    let q = &r.requests;
    assert_eq!(q.offered, q.completed + q.failed + q.in_flight);
    // Between the failure (3 s) and its detection (lif_detect, 1 s) each of the five
    // clients on C0 sends its next request (20 ms of thinking): its frame is lost, waiting
    // for a retransmission, when the connection is lost at the failover. So exactly the five
    // are reset, and nothing else fails.
    assert_eq!(logged(&r, "connections reset"), [5]);
    assert_eq!(logged(&r, "idle connections lost"), [0]);
    assert_eq!(q.reset, 5);
    assert_eq!(q.failed, 5);
    let f = &r.faults.as_ref().unwrap().faults[0];
    assert_eq!(f.action, "clim_down");
    assert_eq!(f.clim.as_deref(), Some("C0"));
    assert_eq!(f.failed.get("reset"), 5);
    // Each of the five had its frame lost at C0's port, or its protocol work held by C0's
    // dead stack.
    assert!((1..=5).contains(&f.frames_lost.unwrap()), "{f:?}");
    assert_eq!(f.detected_s, Some(4.0));
    // Its address moved to C1's port and the run goes on there: recovered, C1 busier.
    let moved: Vec<&str> = r
        .faults
        .as_ref()
        .unwrap()
        .log
        .iter()
        .filter(|l| l.event == "failed over")
        .map(|l| l.target.as_str())
        .collect();
    assert_eq!(moved, ["C0.eth1 to C1.eth1"]);
    assert!(r.clims[1].busy_ratio > r.clims[0].busy_ratio);
    // The same with a retry policy: the five are reissued, not failed.
    let r = simulate(&closed(
        "[[fault]]\nat = \"3s\"\nclim_down = \"C0\"",
        "retry = { attempts = 2 }",
    ));
    assert_eq!(r.requests.failed, 0);
    assert_eq!(r.faults.as_ref().unwrap().faults[0].retried, 5);
}

#[test]
fn a_clim_comes_back_without_failback_and_a_lone_clim_fails_its_failover() {
    // C0 fails at 2 s and is up at 3 s; C1 fails at 5 s: C1's address fails over to C0, and
    // C0's own address, moved to C1 at 3 s and never moved back, goes with C1's to C0.
    let r = simulate(&closed(
        "[[fault]]\nat = \"2s\"\nclim_down = \"C0\"\n[[fault]]\nat = \"3.5s\"\nclim_up = \"C0\"\n[[fault]]\nat = \"5s\"\nclim_down = \"C1\"",
        "",
    ));
    let f = r.faults.as_ref().unwrap();
    let moved: Vec<&str> = f
        .log
        .iter()
        .filter(|l| l.event == "failed over")
        .map(|l| l.target.as_str())
        .collect();
    assert_eq!(moved, ["C0.eth1 to C1.eth1", "C1.eth1 to C0.eth1"]);
    // Every client rode C1 at 5 s (no failback), so all ten lose their connection then.
    assert_eq!(logged(&r, "connections reset"), [5, 10]);
    let q = &r.requests;
    assert_eq!(q.offered, q.completed + q.failed + q.in_flight);
    assert_eq!(q.reset, 15);
    // With both CLIMs down, nothing carries the addresses: each failover is retried for 10 s
    // and then fails; nothing completes after the second failure.
    let r = simulate(&closed_with(
        "[[fault]]\nat = \"2s\"\nclim_down = \"C0\"\n[[fault]]\nat = \"2.5s\"\nclim_down = \"C1\"",
        "",
        &["run.duration=16s"],
    ));
    assert_eq!(logged(&r, "failover pending").len(), 2);
    assert_eq!(logged(&r, "failover failed").len(), 2);
    let q = &r.requests;
    assert_eq!(q.offered, q.completed + q.failed + q.in_flight);
    assert!(
        q.refused > 0,
        "SYNs to addresses on no interface go unanswered"
    );
    assert!(
        r.timeseries
            .iter()
            .filter(|t| t.t_s > 4.0)
            .all(|t| t.throughput_per_s == 0.0)
    );
}

#[test]
fn a_host_processor_failure_under_cip_leaves_the_clims_alone() {
    let r = simulate(&closed("[[fault]]\nat = \"3s\"\nprocessor_down = 1", ""));
    let q = &r.requests;
    assert_eq!(q.offered, q.completed + q.failed + q.in_flight);
    // Only the connections of $PL-1 (half of the ten, round robin) can be reset; the CLIMs
    // keep working and none of their events is logged.
    assert!(q.reset <= 5, "{}", q.reset);
    let f = r.faults.as_ref().unwrap();
    assert!(f.log.iter().all(|l| !l.target.starts_with("CLIM")));
    assert!(r.clims.iter().all(|c| c.busy_ratio > 0.0));
}

#[test]
fn an_unknown_clim_is_refused_with_the_names() {
    let msg = match parse_str(
        &text(
            "stack = \"cip\"",
            TWO_CLIMS,
            "[0]",
            "[[fault]]\nat = \"1s\"\nclim_down = \"C9\"\n[[fault]]\nat = \"2s\"\nclim_up = \"C1\"",
        ),
        "cip.toml",
        &[],
    ) {
        Ok(_) => panic!("expected problems"),
        Err(e) => e.to_string(),
    };
    assert!(
        msg.contains("fault[0].clim_down: no CLIM is named \"C9\"; the CLIMs are `C0`, `C1`"),
        "{msg}"
    );
    assert!(
        msg.contains("fault[1].clim_up: CLIM C1 is up at 2s"),
        "{msg}"
    );
    // From the command line, exit 2.
    assert_cmd::Command::cargo_bin("nssim")
        .unwrap()
        .args([
            "run",
            "scenarios/clim-failover.toml",
            "--fault",
            "clim_down=C9@5s",
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .assert()
        .code(2)
        .stderr(predicates::str::contains("no CLIM is named \"C9\""));
}

#[test]
fn the_shipped_clim_failover_recovers() {
    let r = simulate(&load("scenarios/clim-failover.toml", &[]));
    let q = &r.requests;
    assert_eq!(q.offered, q.completed + q.failed + q.in_flight);
    let f = &r.faults.as_ref().unwrap().faults;
    assert_eq!(f[0].action, "clim_down");
    assert_eq!(f[1].action, "clim_up");
    // Only what was in flight on C1002531's connections fails, and throughput comes back.
    assert_eq!(q.failed, f[0].failed.get("reset"));
    assert!(f[0].failed.get("reset") > 0);
    assert!(f[0].recovery_s.is_some(), "not recovered");
    // No failback: from 11 s C1002532 carries both addresses.
    assert!(r.clims[1].busy_ratio > r.clims[0].busy_ratio);
}

#[test]
fn port_and_clim_faults_on_the_same_interface_do_not_collide() {
    // C0's port fails alone, then C0 fails with it (the port is already down), comes back
    // (restoring the port), and the port's own repair finds it up: logged, nothing breaks.
    let r = simulate(&closed(
        "[[fault]]\nat = \"2s\"\npif_down = \"C0.eth1\"\n[[fault]]\nat = \"2.5s\"\nclim_down = \"C0\"\n[[fault]]\nat = \"4s\"\nclim_up = \"C0\"\n[[fault]]\nat = \"5s\"\npif_up = \"C0.eth1\"\n[[fault]]\nat = \"6s\"\nclim_down = \"C0\"\n[[fault]]\nat = \"6.5s\"\npif_down = \"C0.eth1\"",
        "",
    ));
    let q = &r.requests;
    assert_eq!(q.offered, q.completed + q.failed + q.in_flight);
    assert_eq!(logged(&r, "already up").len(), 1);
    assert_eq!(logged(&r, "already down").len(), 1);
}
