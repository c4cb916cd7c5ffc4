//! Pathway link management (TS/MP) and ACS domains: small scenarios whose numbers are worked
//! out by hand, and the TS/MP Release Supplement's SERVER-CORRECT / SERVER-WRONG example.

use nssim::model::simulate;
use nssim::scenario::parse_str;
use nssim::stats::{PathmonShare, RunResults};

use crate::load;

/// A node with no costs anywhere but the server's I/O time, so every latency is a sum of the
/// configured delays. Three closed-loop clients all send their first request at t = 2 s (their
/// first think time, `start = "after-think"`), then think 2 s after each reply. Distributors in `listener_cpus` (round
/// robin: client 1 and 3 to the first, client 2 to the second); PATHMON `$PM` in processor 0
/// grants at no cost; its server class S has servers in processors 1 and 2 and a constant
/// 100 ms of I/O per request. `class` adds the TS/MP attributes under test.
fn small(listener_cpus: &str, class: &str) -> RunResults {
    let text = format!(
        r#"
name = "pathway-small"
[run]
duration = "10s"
warmup = "1s"
drain = "60s"
sample_interval = "100ms"
[system]
processors = 5
[message_system]
cpu_per_message = "0us"
cpu_per_kib = "0us"
latency_same_processor = "0us"
latency_same_processor_per_kib = "0us"
latency_cross_processor = "0us"
latency_cross_processor_per_kib = "0us"
[lan]
pif_bandwidth = "1000000Gb/s"
client_latency = "0us"
[tcpip]
stack = "parallel"
segment_cpu = "0us"
per_segment_cpu = "0us"
copy_cpu_per_kib = "0us"
ack_cpu = "0us"
connect_cpu = "0us"
close_cpu = "0us"
[[listener]]
name = "$DIST"
model = "distributor"
processors = {listener_cpus}
accept_cpu = "0us"
handle_cpu = "0us"
[[pathmon]]
name = "$PM"
processor = 0
grant_cpu = "0us"
process_creation = "200ms"
[[server_class]]
name = "S"
cpus = [1, 2]
service = {{ dist = "constant", value = "0us" }}
io = {{ dist = "constant", value = "100ms" }}
{class}
[workload]
kind = "closed"
clients = 3
think = {{ dist = "constant", value = "2s" }}
start = "after-think"
requests_per_connection = 1000
request_bytes = 0
reply_bytes = 0
mix = {{ S = 1 }}
"#
    );
    let s = parse_str(&text, "pathway-small.toml", &[]).unwrap_or_else(|e| panic!("{e}"));
    let r = simulate(&s);
    assert_eq!(
        r.requests.offered,
        r.requests.completed + r.requests.failed + r.requests.in_flight
    );
    r
}

fn ms_close(got: f64, want: f64) -> bool {
    // The latency histogram keeps 3 significant digits.
    (got - want).abs() <= want * 1e-3
}

#[test]
fn static_links_first_then_createdelay_then_a_dynamic_server_then_deletedelay() {
    // NUMSTATIC 2 of MAXSERVERS 3, one link per server, CREATEDELAY 50 ms, DELETEDELAY 1 s.
    // t = 2.000: requests 1 and 2 get links to the two static servers at once; request 3
    //            finds no static link left and waits CREATEDELAY.
    // t = 2.050: CREATEDELAY expires: the link manager asks for a dynamic server (created in
    //            200 ms, ready at 2.250).
    // t = 2.100: request 1's link frees and request 3 takes it at once (latency 200 ms).
    // t = 2.250: the dynamic link opens and stays idle; DELETEDELAY returns it at 3.250 and
    //            the dynamic server, now without links, is deleted.
    // Later rounds (every ~2.1 s) find the two static links free or freeing in time: no more
    // dynamic servers. Links granted: 2 static + 1 dynamic.
    let r = small(
        "[4]",
        "maxservers = 3\nnumstatic = 2\nmaxlinks = 1\ncreatedelay = \"50ms\"\ndeletedelay = \"1s\"",
    );
    let c = &r.server_classes[0];
    assert_eq!(c.links_granted, 3);
    assert_eq!((c.dynamic_created, c.dynamic_deleted), (1, 1));
    assert!(
        ms_close(r.latency_ms.max, 200.0),
        "max latency {}",
        r.latency_ms.max
    );
    assert!(ms_close(r.latency_ms.p50, 100.0));
    assert_eq!(r.requests.failed, 0);
    // The server timeline shows the dynamic server only between 2.25 s and 3.25 s.
    let dynamic_at = |t: f64| {
        c.timeline
            .iter()
            .find(|x| (x.t_s - t).abs() < 1e-9)
            .unwrap()
            .dynamic_servers
    };
    assert_eq!(
        (
            dynamic_at(2.2),
            dynamic_at(2.3),
            dynamic_at(3.2),
            dynamic_at(3.3)
        ),
        (0, 1, 1, 0)
    );
}

#[test]
fn without_createdelay_pressure_no_dynamic_server_is_started() {
    // Same, but CREATEDELAY 150 ms: request 3 takes request 1's link at 2.100, before the wait
    // expires, so PATHMON never starts the dynamic server.
    let r = small(
        "[4]",
        "maxservers = 3\nnumstatic = 2\nmaxlinks = 1\ncreatedelay = \"150ms\"",
    );
    let c = &r.server_classes[0];
    assert_eq!(c.links_granted, 2);
    assert_eq!(c.dynamic_created, 0);
    assert!(ms_close(r.latency_ms.max, 200.0));
}

#[test]
fn maxlinks_caps_links_per_server_and_requests_queue_at_the_server() {
    // One static server. MAXLINKS 2, LINKDEPTH 2: the link manager gets 2 links to it, request
    // 3 waits for a link; the server serves one request at a time from its $RECEIVE queue:
    // latencies 100, 200, 300 ms. Links granted 2 (not 3).
    let r = small(
        "[4]",
        "maxservers = 1\nnumstatic = 1\nmaxlinks = 2\nlinkdepth = 2",
    );
    assert_eq!(r.server_classes[0].links_granted, 2);
    assert!(ms_close(r.latency_ms.max, 300.0), "{}", r.latency_ms.max);
    // MAXLINKS 1: one link, the same latencies (the server was the bottleneck all along).
    let r = small("[4]", "maxservers = 1\nnumstatic = 1\nmaxlinks = 1");
    assert_eq!(r.server_classes[0].links_granted, 1);
    assert!(ms_close(r.latency_ms.max, 300.0));
}

#[test]
fn linkdepth_caps_links_per_link_manager_per_server() {
    // Two distributors (processors 3 and 4), so two link managers; one static server with
    // MAXLINKS 3. LINKDEPTH 1: each link manager holds one link to it: 2 links granted.
    // LINKDEPTH 2: the link manager in processor 3, with two requests, holds two: 3 links.
    let r = small(
        "[3, 4]",
        "maxservers = 1\nnumstatic = 1\nmaxlinks = 3\nlinkdepth = 1",
    );
    assert_eq!(r.server_classes[0].links_granted, 2);
    let r = small(
        "[3, 4]",
        "maxservers = 1\nnumstatic = 1\nmaxlinks = 3\nlinkdepth = 2",
    );
    assert_eq!(r.server_classes[0].links_granted, 3);
}

#[test]
fn a_link_manager_with_no_link_and_none_grantable_fails_with_905() {
    // One static server, MAXLINKS 1, two link managers: processor 3's gets the only link;
    // processor 4's request (client 2, every round) can never get one: Pathsend error 905.
    let r = small("[3, 4]", "maxservers = 1\nnumstatic = 1\nmaxlinks = 1");
    assert_eq!(r.server_classes[0].links_granted, 1);
    assert!(r.pathsend_errors.e905 > 0);
    // A failed send ends the client's connection; its next one is handed out round robin.
    // Connections so far went to processors 3, 4, 3, so client 2's second connection (t = 4 s)
    // goes to 4 again and fails too; its third (t = 6 s) goes to 3, which has a link: 2 errors.
    assert_eq!(r.pathsend_errors.e905, r.requests.failed);
    assert_eq!(r.requests.failed, 2);
}

#[test]
fn timeout_fails_the_send_with_904_and_returns_the_link() {
    // TIMEOUT 50 ms against 100 ms of I/O: every send fails with 904 at 50 ms; the server still
    // finishes (its reply is discarded) and the link is returned, so each send needs a new one.
    let r = small(
        "[4]",
        "maxservers = 3\nnumstatic = 3\nmaxlinks = 1\ntimeout = \"50ms\"",
    );
    assert_eq!(r.requests.completed, 0);
    assert_eq!(r.pathsend_errors.e904, r.requests.failed);
    assert!(r.requests.failed >= 12, "{} sends", r.requests.failed);
    assert_eq!(r.server_classes[0].links_granted, r.requests.failed);
}

fn shares<'a>(r: &'a RunResults, class: &str) -> Vec<&'a PathmonShare> {
    r.pathmons
        .iter()
        .filter(|p| p.server_class == class)
        .collect()
}

#[test]
fn server_correct_links_follow_the_weights_under_load() {
    // %DOM = $PM1:50, $PM2:10, $PM3:40 and MAXSERVERS 10/2/8. The ACS placement keeps each
    // PATHMON's share of the links within one link of its weight: with L links granted the
    // tolerance is 100/L percentage points.
    let r = simulate(&load(
        "scenarios/acs-server-correct.toml",
        &["run.duration=8s"],
    ));
    let s = shares(&r, "SERVER-CORRECT");
    let links: u64 = s.iter().map(|p| p.links_granted).sum();
    assert!(
        links >= 15,
        "under load most of the 20 links are used, got {links}"
    );
    let tolerance = 100.0 / links as f64;
    for (p, w) in s.iter().zip([50.0, 10.0, 40.0]) {
        assert_eq!(p.weight, w);
        assert!(
            p.deviation_pp <= tolerance,
            "{}: {:.1} % vs {w} % (tolerance {tolerance:.1})",
            p.name,
            p.link_share
        );
    }
}

#[test]
fn server_wrong_pathmon1_falls_far_below_its_weight_and_the_others_absorb_it() {
    // MAXSERVERS 2/10/8 against weights 50/10/40: $PM1 can grant 2 links at most.
    let r = simulate(&load(
        "scenarios/acs-server-wrong.toml",
        &["run.duration=8s"],
    ));
    let s = shares(&r, "SERVER-WRONG");
    let links: u64 = s.iter().map(|p| p.links_granted).sum();
    assert!(links >= 15, "{links} links");
    assert_eq!(s[0].links_granted, 2);
    assert!(s[0].link_share < 15.0, "$PM1 {:.1} %", s[0].link_share);
    // $PM2 (weight 10) takes most of what $PM1 could not.
    assert!(
        s[1].link_share > 25.0,
        "{:?}",
        s.iter().map(|p| p.link_share).collect::<Vec<_>>()
    );
    assert!(s[1].link_share + s[2].link_share > 85.0);
    assert!(s[0].request_share < 25.0);
}

#[test]
fn at_low_load_few_links_are_used_reused_often_and_response_time_is_no_worse() {
    let busy = simulate(&load(
        "scenarios/acs-server-correct.toml",
        &["run.duration=8s"],
    ));
    let idle = simulate(&load("scenarios/acs-low-load.toml", &["run.duration=8s"]));
    let links = |r: &RunResults| {
        r.server_classes
            .iter()
            .map(|c| c.links_granted)
            .sum::<u64>()
    };
    let requests = |r: &RunResults| r.server_classes.iter().map(|c| c.requests).sum::<u64>();
    assert!(
        links(&idle) < links(&busy),
        "{} vs {}",
        links(&idle),
        links(&busy)
    );
    // Released links are reused: many requests per link granted.
    assert!(
        requests(&idle) / links(&idle) > 100,
        "{} requests over {} links",
        requests(&idle),
        links(&idle)
    );
    assert!(
        idle.server_classes
            .iter()
            .map(|c| c.links_held_max)
            .sum::<u64>()
            < 8
    );
    // "This does not adversely affect the response time": the low-load mean is not above the
    // loaded one beyond the runs' own statistical error (3 standard errors of the difference;
    // at these loads consecutive requests are nearly independent).
    let se = |r: &RunResults| r.latency_ms.sd.powi(2) / r.requests.measured as f64;
    let tolerance = 3.0 * (se(&idle) + se(&busy)).sqrt();
    assert!(
        idle.latency_ms.mean <= busy.latency_ms.mean + tolerance,
        "low load {:.3} ms vs under load {:.3} ms (+{tolerance:.3})",
        idle.latency_ms.mean,
        busy.latency_ms.mean
    );
}

#[test]
fn pathway_xm_spreads_terminals_by_weight_so_every_tcp_carries_the_same_load() {
    // 26 terminals (10 x weight 100, 12 x 30, 4 x 10 = 1400), MAXTERMS 8 and
    // MAXSERVERPROCESSES 16 / 2 classes = 8 per TCP: 4 TCPs, each given weight 350; MAXTCPS 2:
    // 2 PATHMONs of weight 700. CPUs from the client node 0-3 (equal weights): TCPs on 0, 1,
    // 2, 3 with backups 1, 2, 3, 0.
    let r = simulate(&load("scenarios/pathway-xm-terminals.toml", &[]));
    let xm = r
        .pathway_xm
        .as_ref()
        .expect("a Pathway/XM run reports its assignment");
    assert_eq!((xm.tcps.len(), xm.pathmons.len()), (4, 2));
    assert!(
        xm.tcps
            .iter()
            .all(|t| t.total_weight == 350 && t.terms.len() <= 8)
    );
    assert!(
        xm.pathmons
            .iter()
            .all(|p| p.total_weight == 700 && p.tcps.len() == 2)
    );
    assert_eq!(xm.relative_workload_spread, 0.0);
    let cpus: Vec<(u32, Option<u32>)> = xm.tcps.iter().map(|t| (t.primary, t.backup)).collect();
    assert_eq!(
        cpus,
        [(0, Some(1)), (1, Some(2)), (2, Some(3)), (3, Some(0))]
    );
    // Measured load: terminals think exponentially (weight-proportional rates), so a TCP's
    // request count is close to Poisson: its standard deviation is about sqrt(expected).
    let total: u64 = xm.tcps.iter().map(|t| t.requests).sum();
    for t in &xm.tcps {
        let expected = total as f64 * t.total_weight as f64 / 1400.0;
        let tolerance = 4.0 * expected.sqrt();
        assert!(
            (t.requests as f64 - expected).abs() < tolerance,
            "{}: {} requests, expected {expected:.0} +- {tolerance:.0}",
            t.name,
            t.requests
        );
    }
    // Requests go to each TCP's own PATHMON's replicated classes.
    let served: u64 = xm.pathmons.iter().map(|p| p.requests).sum();
    assert_eq!(served, r.requests.completed);
}
