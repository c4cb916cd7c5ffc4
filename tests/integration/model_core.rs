//! Issue 6, the model core: events per request, cancellable timers, and where every request
//! in flight is.

use std::collections::BTreeSet;

use nssim::engine::{Scheduler, SimDuration, SimTime, run_until};
use nssim::model::{Location, Node, explain, simulate};
use nssim::stats::Estimate;

use crate::load;

#[test]
fn issue6_mm4_reduction_takes_at_most_4_events_per_request() {
    // Every network and message cost is zero: only the arrival and the service burst remain
    // (11 events per request before zero-cost legs were skipped).
    let r = simulate(&load("tests/data/mmc.toml", &["run.duration=20s"]));
    let per_request = r.events as f64 / r.requests.completed as f64;
    assert!(per_request <= 4.0, "{per_request} events per request");
    assert!(
        per_request >= 2.0,
        "{per_request}: an arrival and a burst at least"
    );
}

/// Builds a node for `rel` and starts it.
fn started(rel: &str, overrides: &[&str]) -> (Node, Scheduler<nssim::model::Event>) {
    let mut node = Node::build(&load(rel, overrides));
    let mut sched = Scheduler::new();
    node.start(&mut sched);
    (node, sched)
}

#[test]
fn issue6_a_timeout_that_never_fires_costs_at_most_one_pending_event_per_request() {
    // TIMEOUT 10 s never expires here, so both runs follow the same trajectory; a cancelled
    // timer leaves the queue when its server replies, so the timers pending at any instant
    // are at most the requests in flight (before cancellation: throughput x 10 s).
    let rel = "scenarios/fig-3-3-distributor.toml";
    let timeouts = [
        "server_class[0].timeout=\"10s\"",
        "server_class[1].timeout=\"10s\"",
        "server_class[2].timeout=\"10s\"",
    ];
    let (mut a, mut sa) = started(rel, &["run.duration=1s", "run.warmup=100ms"]);
    let (mut b, mut sb) = started(
        rel,
        &[&["run.duration=1s", "run.warmup=100ms"][..], &timeouts[..]].concat(),
    );
    let mut in_flight_max = 0;
    let step = SimDuration::from_micros(20);
    let mut t = SimTime::ZERO;
    while t < SimTime(1_000_000_000) {
        t += step;
        run_until(&mut a, &mut sa, t);
        run_until(&mut b, &mut sb, t);
        assert_eq!(a.in_flight(), b.in_flight(), "same trajectory at {t}");
        assert!(
            sb.pending() <= sa.pending() + b.in_flight(),
            "at {t}: {} pending with TIMEOUT, {} without, {} in flight",
            sb.pending(),
            sa.pending(),
            b.in_flight()
        );
        in_flight_max = in_flight_max.max(b.in_flight());
    }
    assert!(sb.pending_max() <= sa.pending_max() + in_flight_max);
    assert!(sb.pending_max() > sa.pending_max(), "the timers were there");
    assert!(in_flight_max > 0);
}

#[test]
fn issue6_every_request_in_flight_is_held_by_exactly_one_processor() {
    // Stop Figure 3-3 (and a parallel-listener and a Pathway/XM node) at an arbitrary
    // instant: the requests the processors hold are the requests in flight, each once.
    for (rel, at_ns) in [
        ("scenarios/fig-3-3-distributor.toml", 733_456_789),
        ("scenarios/parallel-listener.toml", 512_345_678),
        ("scenarios/pathway-xm-terminals.toml", 1_234_567_891),
        ("scenarios/acs-dynamic-servers.toml", 987_654_321),
    ] {
        let (mut node, mut s) = started(rel, &[]);
        run_until(&mut node, &mut s, SimTime(at_ns));
        let held = node.holdings();
        let ids: BTreeSet<_> = held.iter().flatten().map(|(id, _)| *id).collect();
        let count: usize = held.iter().map(Vec::len).sum();
        assert_eq!(count, ids.len(), "{rel}: a request held twice");
        assert_eq!(count, node.in_flight(), "{rel}: held != in flight");
        assert!(count > 0, "{rel}: nothing in flight at {at_ns} ns");
        // Requests at servers are held by the servers' processors (0-2 in Figure 3-3).
        if rel.contains("fig-3-3") {
            for (cpu, reqs) in held.iter().enumerate() {
                for (_, at) in reqs {
                    if let Location::Server { .. } = at {
                        assert!(cpu <= 2, "a server request in processor {cpu}");
                    }
                }
            }
        }
    }
}

/// Runs a node to the end of its drain and returns it with its results.
fn run_to_end(rel: &str, overrides: &[&str]) -> (Node, nssim::stats::RunResults) {
    let sc = load(rel, overrides);
    let mut node = Node::build(&sc);
    let mut s = Scheduler::new();
    node.start(&mut s);
    let horizon = SimTime::ZERO + sc.run.duration + sc.run.drain;
    let events = run_until(&mut node, &mut s, horizon);
    node.finish(s.now());
    let r = node.results(s.now(), events, 0.0);
    (node, r)
}

#[test]
fn issue6_explain_figure_3_3_reads_tcpip_distributor_server_and_back() {
    let e = explain(&load("scenarios/fig-3-3-distributor.toml", &[]));
    assert_eq!(e.routes.len(), 3);
    for r in &e.routes {
        assert_eq!(r.hops, 4, "{}", r.name);
        let cpu: Vec<&str> = r
            .legs
            .iter()
            .filter(|l| l.cpu_ns > 0.0)
            .map(|l| l.process.as_str())
            .collect();
        // TCP/IP process -> distributor -> server (work, reply) -> distributor -> TCP/IP.
        assert!(
            cpu[0].starts_with("$ZTC") && cpu[1].starts_with("$DIST"),
            "{cpu:?}"
        );
        assert_eq!(&cpu[2..4], ["server", "server"]);
        assert!(
            cpu[4].starts_with("$DIST") && cpu[5].starts_with("$ZTC"),
            "{cpu:?}"
        );
    }
    let names: Vec<&str> = e.bottlenecks().iter().map(|d| d.name.as_str()).collect();
    assert_eq!(names, ["cpu3", "cpu4", "cpu5"]);
}

#[test]
fn issue6_simulated_cpu_per_request_is_the_itinerarys_sum() {
    // Constant costs, one request per connection (each opens and closes it), one service
    // time for every class: every completed request costs exactly the path's CPU.
    let constant = [
        "workload.rate=\"3000/s\"",
        "workload.requests_per_connection=1",
        "run.duration=\"1s\"",
        "run.warmup=\"100ms\"",
    ];
    let text = std::fs::read_to_string(crate::repo("scenarios/fig-3-3-distributor.toml"))
        .unwrap()
        .lines()
        .map(|l| {
            if l.starts_with("service = ") {
                "service = { dist = \"constant\", value = \"100us\" }"
            } else {
                l
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("fig-3-3-constant.toml");
    std::fs::write(&path, text).unwrap();
    let constant_rel = path.to_str().unwrap().to_string();
    let rel = constant_rel.as_str();
    let e = explain(&load(rel, &constant));
    let (node, r) = run_to_end(rel, &constant);
    assert_eq!((r.requests.failed, r.requests.in_flight), (0, 0));
    assert!(e.routes.iter().all(|x| x.cpu_ns == e.routes[0].cpu_ns));
    let per_path = e.routes[0].cpu_ns as u64;
    assert_eq!(node.request_cpu_total_ns(), r.requests.completed * per_path);

    // Random demand (the scenario's exponential services, four requests per connection):
    // the mean over ten replications' CPU per request covers the itinerary's mean.
    let rel = "scenarios/fig-3-3-distributor.toml";
    let e = explain(&load(rel, &[]));
    let per_request: Vec<f64> = (1..=10)
        .map(|seed| {
            let seed = format!("run.seed={seed}");
            let (node, r) =
                run_to_end(rel, &["run.duration=\"1s\"", "run.warmup=\"100ms\"", &seed]);
            assert_eq!(r.requests.failed, 0);
            node.request_cpu_total_ns() as f64 / r.requests.completed as f64
        })
        .collect();
    let ci = Estimate::with_confidence(&per_request, 0.999);
    assert!(ci.contains(e.cpu_ns), "{} ns not in {ci:?}", e.cpu_ns);
}

#[test]
fn issue6_figure_3_3_saturates_at_the_ceiling_explain_predicts() {
    // Offered twice the ceiling (18,462/s: processors 3-5 at 54.17 us per request each).
    let rel = "scenarios/fig-3-3-distributor.toml";
    let e = explain(&load(rel, &[]));
    let ceiling = e.ceiling_per_s();
    let r = simulate(&load(
        rel,
        &[
            &format!("workload.rate=\"{}/s\"", (2.0 * ceiling).round()),
            "run.duration=\"3s\"",
            "run.warmup=\"1s\"",
        ],
    ));
    let got = r.throughput_per_s;
    assert!(
        (got - ceiling).abs() < 0.03 * ceiling,
        "throughput {got:.0}/s, ceiling {ceiling:.0}/s"
    );
    for cpu in 3..=5 {
        assert!(
            r.processors[cpu].busy_ratio > 0.97,
            "cpu{cpu} not saturated"
        );
    }
}

#[test]
fn issue6_explain_exits_like_check() {
    use predicates::str::contains;
    let mut ok = assert_cmd::Command::cargo_bin("nssim").unwrap();
    ok.current_dir(crate::repo(""))
        .args(["explain", "scenarios/fig-3-3-distributor.toml"])
        .assert()
        .code(0)
        .stdout(contains("4 hops"))
        .stdout(contains("bottleneck: cpu3, cpu4, cpu5"));
    let mut bad = assert_cmd::Command::cargo_bin("nssim").unwrap();
    bad.current_dir(crate::repo(""))
        .args(["explain", "scenarios/fig-3-3-distributor.toml"])
        .args(["--set", "system.processors=0"])
        .assert()
        .code(2);
}

#[test]
fn issue6_latency_breakdown_adds_up_to_each_class_latency() {
    use nssim::stats::LEG_KINDS;
    for rel in [
        "scenarios/fig-3-3-distributor.toml",
        "scenarios/parallel-listener.toml",
        "scenarios/pathway-xm-terminals.toml",
        "scenarios/acs-dynamic-servers.toml",
    ] {
        let r = simulate(&load(rel, &["run.duration=\"2s\"", "run.warmup=\"500ms\""]));
        assert!(!r.latency_breakdown.is_empty(), "{rel}");
        for b in &r.latency_breakdown {
            assert_eq!(b.ms_mean.len(), LEG_KINDS.len());
            let class = r
                .server_classes
                .iter()
                .find(|c| c.name == b.class && c.pathmon == b.pathmon)
                .expect("a class of the run");
            assert_eq!(class.completed, b.completed);
            let sum: f64 = b.ms_mean.iter().sum();
            // Each part is rounded to 1e-6 ms.
            assert!(
                (sum - class.latency_ms_mean).abs() < 1e-5,
                "{rel} {}: parts {sum} != latency {}",
                b.class,
                class.latency_ms_mean
            );
            assert!(b.ms_mean.iter().all(|&x| x >= 0.0));
        }
    }
    // Figure 3-3: CPU and the wire are where the time goes; link waits are short.
    let r = simulate(&load("scenarios/fig-3-3-distributor.toml", &[]));
    let a = &r.latency_breakdown[0];
    assert!(a.ms_mean[0] > 0.0 && a.ms_mean[3] > 0.0, "{a:?}");
}
