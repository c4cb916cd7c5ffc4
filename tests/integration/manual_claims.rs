//! The manuals' claims about the listening models, replayed on the shipped scenarios.

use nssim::model::simulate;
use nssim::stats::RunResults;

use crate::{SHIPPED, load};

fn run(rel: &str, overrides: &[&str]) -> RunResults {
    let r = simulate(&load(rel, overrides));
    assert_eq!(
        r.requests.offered,
        r.requests.completed + r.requests.failed + r.requests.in_flight,
        "conservation"
    );
    r
}

#[test]
fn hops_per_request_are_4_for_figure_3_3_2_for_tcpipv6_and_0_for_parallel_listeners() {
    // TCP/IP process <-> distributor and distributor <-> server, each way: 4.
    // TCP/IPv6 removes the TCP/IP process hop: 2. Parallel listeners do the work in-process: 0.
    for (rel, hops) in SHIPPED.iter().zip([4.0, 2.0, 0.0]) {
        let r = run(rel, &["run.duration=3s", "run.warmup=1s"]);
        assert!(r.requests.measured > 10_000, "{rel}: too few requests");
        assert_eq!(r.hops_per_request_mean, hops, "{rel}");
    }
}

#[test]
fn figure_3_3_saturates_first_on_its_distributor_processors_and_has_the_worst_p99() {
    // Capacity per request at the shipped placeholder costs, with 4 requests per connection
    // (connect, accept and close spread over them): Figure 3-3's processors 3-5 carry
    // 162.5 us per request (TCP/IP process 75 + distributor 87.5), so they saturate near
    // 3 / 162.5 us = 18,460/s, before the server processors 0-2 (134 us per request, 22,390/s).
    // TCP/IPv6's distributors need 122.5 us (24,490/s), so its servers limit it at 22,390/s;
    // parallel listeners spread 216.5 us over six processors (27,710/s).
    let rates = [10_000.0, 16_000.0, 20_000.0, 24_000.0];
    let mut saturated_first = None;
    for rate in rates {
        let set = ["run.duration=6s", "run.warmup=2s", "run.drain=2s"];
        let rate_set = format!("workload.rate={rate}/s");
        let mut overrides = set.to_vec();
        overrides.push(&rate_set);
        let runs: Vec<RunResults> = SHIPPED.iter().map(|rel| run(rel, &overrides)).collect();
        // Against the configured rate: a saturated listener's full backlog drops SYNs, which
        // holds back the sessions' later requests, so the offered count itself sags.
        let keeps_up = |r: &RunResults| r.throughput_per_s > 0.97 * rate;
        let (fig, v6, par) = (&runs[0], &runs[1], &runs[2]);
        assert!(
            fig.latency_ms.p99 > par.latency_ms.p99,
            "{rate}: Figure 3-3 p99 {} <= parallel listener p99 {}",
            fig.latency_ms.p99,
            par.latency_ms.p99
        );
        if saturated_first.is_none() && !keeps_up(fig) {
            saturated_first = Some(rate);
            // The others still keep up at the load where Figure 3-3 falls behind.
            assert!(keeps_up(v6), "{rate}: TCP/IPv6 distributor saturated too");
            assert!(keeps_up(par), "{rate}: parallel listener saturated too");
            // Its bottleneck is the distributor + TCP/IP processors, not the servers'.
            for cpu in 3..6 {
                assert!(
                    fig.processors[cpu].busy_ratio > 0.97,
                    "cpu{cpu} not saturated"
                );
            }
            for cpu in 0..3 {
                assert!(
                    fig.processors[cpu].busy_ratio < 0.95,
                    "cpu{cpu} is the bottleneck"
                );
            }
        }
    }
    assert_eq!(
        saturated_first,
        Some(20_000.0),
        "Figure 3-3 should fall behind first at 20000/s"
    );
}

#[test]
fn round_robin_filtering_gives_each_listener_an_equal_share_of_connections() {
    // No SYN is dropped at this load, so the filter's turn order is the whole story:
    // first, second, ..., last, then the first again: shares differ by at most one.
    for rel in &SHIPPED[1..] {
        let r = run(rel, &["run.duration=3s"]);
        assert_eq!(r.requests.syn_drops, 0);
        let conns: Vec<u64> = r.listeners.iter().map(|l| l.connections).collect();
        let (lo, hi) = (conns.iter().min().unwrap(), conns.iter().max().unwrap());
        assert!(hi - lo <= 1, "{rel}: connections per listener {conns:?}");
        assert!(*lo > 1000);
        assert!(
            r.listeners.iter().all(|l| l.ip_host == "shared"),
            "one IP host"
        );
    }
}

#[test]
fn conventional_distributors_are_three_ip_hosts_with_a_pif_each() {
    let r = run(SHIPPED[0], &["run.duration=3s"]);
    let hosts: Vec<&str> = r.listeners.iter().map(|l| l.ip_host.as_str()).collect();
    assert_eq!(hosts, ["$ZTC3", "$ZTC4", "$ZTC5"]);
    assert_eq!(r.pifs.len(), 3);
    // TCP/IPv6: one IP host for the node, here with three LIFs (as many ports as Figure 3-3),
    // over which clients spread their connections round robin: equal traffic on each.
    let v6 = run(SHIPPED[1], &["run.duration=3s"]);
    assert!(v6.listeners.iter().all(|l| l.ip_host == "shared"));
    assert_eq!(v6.pifs.len(), 3);
    let out: Vec<f64> = v6.pifs.iter().map(|p| p.busy_ratio_out).collect();
    let mean = out.iter().sum::<f64>() / 3.0;
    for (p, b) in v6.pifs.iter().zip(&out) {
        assert!(
            (b - mean).abs() < 0.1 * mean,
            "{}: {b:.4} busy out against a mean of {mean:.4}",
            p.name
        );
    }
}

#[test]
fn a_full_backlog_drops_syns_and_retries_succeed_or_fail_visibly() {
    // Distributors far beyond capacity: their listen queues (5) fill, SYNs are dropped and
    // retransmitted after 1 s, 2 s, 4 s; with a 1 s drain some requests are still in flight.
    let r = run(
        SHIPPED[1],
        &["run.duration=3s", "run.drain=1s", "workload.rate=60000/s"],
    );
    assert!(r.requests.syn_drops > 0);
    assert!(r.listeners.iter().all(|l| l.syn_drops > 0));
    assert!(r.requests.in_flight > 0);
}

#[test]
fn parallel_listeners_can_use_a_local_server_class_one_same_processor_hop_each_way() {
    // Listeners in processors 0 and 1 hand each request to a server of its class in their own
    // processor; the classes also have servers in processors 2 and 3, which no listener may use.
    let mut set = vec![
        "listener[0].serve=local-server-class".to_string(),
        "listener[0].processors=[0, 1]".to_string(),
        "workload.rate=2000/s".to_string(),
        "run.duration=3s".to_string(),
    ];
    for k in 0..3 {
        set.push(format!("server_class[{k}].maxservers=4"));
        set.push(format!("server_class[{k}].numstatic=4"));
        set.push(format!("server_class[{k}].maxlinks=1"));
        set.push(format!("server_class[{k}].cpus=[0, 1, 2, 3]"));
    }
    let set: Vec<&str> = set.iter().map(String::as_str).collect();
    let r = run(SHIPPED[2], &set);
    assert_eq!(r.hops_per_request_mean, 2.0);
    for p in r.processes.iter().filter(|p| p.kind == "server") {
        if p.processor >= 2 {
            assert_eq!(
                p.bursts, 0,
                "{} in processor {} did work",
                p.name, p.processor
            );
        }
    }
    assert!(
        r.processes
            .iter()
            .any(|p| p.kind == "server" && p.processor < 2 && p.bursts > 0)
    );
}
