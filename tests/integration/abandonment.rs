//! Issue 9: client abandonment (`workload.abandon_after`), the third timeout.
//!
//! The node is not told when a client gives up, so with open arrivals the queues are those of
//! the same run without patience, and the share abandoned is P(response time > patience). For
//! M/M/1 (`tests/data/mm1.toml`: lambda = 1000/s, mu = 1/0.7 ms) the response time is
//! exponential with rate mu - lambda = 428.571/s. Tolerances come from ten replications of
//! 60 s (Student-t 99.9 % intervals), as in `queueing.rs`.

use nssim::model::{Recording, simulate, simulate_recorded};
use nssim::stats::{Estimate, RunResults};

use crate::load;

const MM1: &str = "tests/data/mm1.toml";
/// mu - lambda of `mm1.toml` [1/s].
const RATE: f64 = 1.0 / 0.7e-3 - 1000.0;

fn replications(overrides: &[&str]) -> Vec<RunResults> {
    (1..=10)
        .map(|seed| {
            let seed = format!("run.seed={seed}");
            let mut all = vec![seed.as_str(), "run.duration=60s"];
            all.extend_from_slice(overrides);
            simulate(&load(MM1, &all))
        })
        .collect()
}

fn abandoned_share(runs: &[RunResults]) -> Estimate {
    let shares: Vec<f64> = runs
        .iter()
        .map(|r| r.requests.abandoned as f64 / r.requests.offered as f64)
        .collect();
    Estimate::with_confidence(&shares, 0.999)
}

#[test]
fn a_constant_patience_abandons_the_requests_slower_than_it() {
    // P(W > 5 ms) = exp(-428.571 x 0.005) = 0.117325.
    let runs = replications(&["workload.abandon_after={ dist = \"constant\", value = \"5ms\" }"]);
    let share = abandoned_share(&runs);
    let expected = (-RATE * 0.005).exp();
    assert!(share.contains(expected), "{expected} not in {share:?}");
    assert!(share.half_width < 0.1 * expected, "{share:?}");
    for r in &runs {
        let q = &r.requests;
        // Nothing else fails, and every abandoned request is still served.
        assert_eq!(q.failed, q.abandoned);
        assert_eq!(q.abandoned_served, q.abandoned);
        assert_eq!(q.in_flight, 0);
        // The time series counts each abandonment once, in the interval it happened.
        let width = r.timeseries[1].t_s - r.timeseries[0].t_s;
        let per_interval: f64 = r.timeseries.iter().map(|s| s.abandoned_per_s * width).sum();
        assert_eq!(per_interval.round() as u64, q.abandoned);
        let failed: f64 = r.timeseries.iter().map(|s| s.failed_per_s * width).sum();
        assert_eq!(failed.round() as u64, q.failed);
        // Completed requests are those that beat the patience: none slower than 5 ms (the
        // latency histogram keeps three significant digits).
        assert!(r.latency_ms.max <= 5.0 * 1.001, "{}", r.latency_ms.max);
    }
}

#[test]
fn an_exponential_patience_abandons_theta_over_mu_minus_lambda_plus_theta() {
    // theta = 1 / 5 ms = 200/s: 200 / (428.571 + 200) = 0.318182.
    let runs = replications(&["workload.abandon_after={ dist = \"exponential\", mean = \"5ms\" }"]);
    let share = abandoned_share(&runs);
    let expected = 200.0 / (RATE + 200.0);
    assert!(share.contains(expected), "{expected} not in {share:?}");
    assert!(share.half_width < 0.1 * expected, "{share:?}");
}

#[test]
fn abandonment_moves_outcomes_without_counting_any_twice() {
    // A TIMEOUT of 1.5 ms fails about 12 % of sends with 904; a patience of 4 ms abandons
    // others, some of them before their 904. With open arrivals the node does the same
    // work either way, so every request has the same fate unless its client gave up first.
    let timeout = "server_class[0].timeout=1.5ms";
    let patience = "workload.abandon_after={ dist = \"constant\", value = \"4ms\" }";
    for seed in 1..=3 {
        let seed = format!("run.seed={seed}");
        let without = simulate(&load(MM1, &[&seed, timeout]));
        let with = simulate(&load(MM1, &[&seed, timeout, patience]));
        let (a, b) = (&without.requests, &with.requests);
        assert!(a.pathsend_failed > 100, "{a:?}");
        assert!(b.abandoned > 100, "{b:?}");
        assert!(
            b.abandoned > b.abandoned_served,
            "some abandoned ones then failed: {b:?}"
        );
        assert_eq!(a.offered, b.offered);
        assert_eq!(b.completed + b.abandoned_served, a.completed);
        assert_eq!(
            b.pathsend_failed + (b.abandoned - b.abandoned_served),
            a.pathsend_failed
        );
        assert_eq!(b.failed, b.pathsend_failed + b.abandoned);
        // The errors requesters saw, and the CPU, are the same.
        assert_eq!(with.pathsend_errors.e904, without.pathsend_errors.e904);
        for (p, q) in with.processors.iter().zip(&without.processors) {
            assert_eq!(p.busy_ratio, q.busy_ratio);
        }
    }
}

#[test]
fn a_client_waiting_to_retransmit_its_syn_gives_up_and_is_not_refused() {
    // A listen backlog of 1 at 15,000/s drops SYNs; the first retransmission comes after 1 s,
    // so a client of patience 300 ms abandons every dropped request before it can be refused.
    let fig = "scenarios/fig-3-3-distributor.toml";
    let base = ["tcpip.backlog=1", "run.duration=3s", "run.warmup=1s"];
    let without = simulate(&load(fig, &base));
    assert!(without.requests.syn_drops > 0, "{:?}", without.requests);
    let mut set = base.to_vec();
    set.push("workload.abandon_after={ dist = \"constant\", value = \"300ms\" }");
    let with = simulate(&load(fig, &set));
    let q = &with.requests;
    assert!(q.syn_drops > 0, "{q:?}");
    assert_eq!(q.refused, 0, "{q:?}");
    // Each dropped SYN was abandoned while it waited to be retransmitted.
    assert!(q.abandoned >= q.syn_drops, "{q:?}");
    assert_eq!(q.offered, q.completed + q.failed + q.in_flight);
}

#[test]
fn an_abandoned_request_s_trace_ends_with_abandoned() {
    let s = load(
        MM1,
        &[
            "run.duration=3s",
            "workload.abandon_after={ dist = \"constant\", value = \"4ms\" }",
        ],
    );
    let buf = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    struct Shared(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);
    impl std::io::Write for Shared {
        fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(b);
            Ok(b.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let recording = Recording {
        trace: Some((Box::new(Shared(buf.clone())), 1)),
        ..Recording::default()
    };
    let (r, _) = simulate_recorded(&s, recording).expect("trace written");
    let text = String::from_utf8(buf.lock().unwrap().clone()).unwrap();
    // Every request's lines end with its one outcome; nothing follows it.
    let mut ended = std::collections::BTreeMap::new();
    let mut abandoned = 0;
    for line in text.lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        let request: u64 = f[0].parse().unwrap();
        assert!(
            !ended.contains_key(&request),
            "a line after the outcome: {line}"
        );
        if ["done", "failed", "timed-out", "abandoned"].contains(&f[4]) {
            ended.insert(request, f[4].to_string());
            abandoned += u64::from(f[4] == "abandoned");
        }
    }
    assert_eq!(abandoned, r.requests.abandoned);
    assert!(abandoned > 0);
    assert_eq!(ended.len() as u64, r.requests.offered);
}

#[test]
fn pathway_xm_terminals_abandon_and_go_on() {
    let s = load(
        "scenarios/pathway-xm-terminals.toml",
        &["pathway_xm.abandon_after={ dist = \"constant\", value = \"10ms\" }"],
    );
    let r = simulate(&s);
    let q = &r.requests;
    assert!(q.abandoned > 0, "{q:?}");
    assert_eq!(q.failed, q.abandoned + q.pathsend_failed, "{q:?}");
    assert!(q.abandoned_served <= q.abandoned, "{q:?}");
    assert_eq!(q.offered, q.completed + q.failed + q.in_flight);
    // A terminal that gave up thinks and sends again: completions go on, all within 10 ms.
    assert!(q.completed > q.abandoned, "{q:?}");
    assert!(r.latency_ms.max <= 10.0 * 1.001, "{}", r.latency_ms.max);
}

// ----- abandon = "withdraw": M/M/c+M (Erlang-A) -------------------------------------------

/// The exact M/M/c+M (Erlang-A) birth-death chain: births `lambda`, deaths `n mu` up to `c`
/// in the system and `c mu + (n - c) theta` beyond (each waiting customer leaves at rate
/// `theta`). Truncated at `c + 400`, where the tail is below 1e-300 for the rates tested.
/// Returns (P(abandon), Lq): Lq = sum (n - c)+ pi_n, and P(abandon) = theta Lq / lambda
/// (abandonments per second over arrivals per second).
fn erlang_a(lambda: f64, mu: f64, c: usize, theta: f64) -> (f64, f64) {
    let mut pi = vec![1.0_f64];
    for n in 1..c + 400 {
        let death = if n <= c {
            n as f64 * mu
        } else {
            c as f64 * mu + (n - c) as f64 * theta
        };
        pi.push(pi[n - 1] * lambda / death);
    }
    assert!(*pi.last().unwrap() / pi.iter().sum::<f64>() < 1e-300);
    let total: f64 = pi.iter().sum();
    let lq: f64 = pi
        .iter()
        .enumerate()
        .map(|(n, p)| n.saturating_sub(c) as f64 * p / total)
        .sum();
    (theta * lq / lambda, lq)
}

fn estimate(runs: &[RunResults], f: impl Fn(&RunResults) -> f64) -> Estimate {
    Estimate::with_confidence(&runs.iter().map(f).collect::<Vec<_>>(), 0.999)
}

/// Erlang-A's abandonment is from the queue only: a customer in service stays. In nssim the
/// patience runs until the reply, and a client that gives up during service counts as
/// abandoned too, its request served for no one (`abandoned_served`, as every reply reaches
/// the client in these reductions). The withdrawn share is the rest.
fn withdrawn_share(r: &RunResults) -> f64 {
    let q = &r.requests;
    (q.abandoned - q.abandoned_served) as f64 / q.offered as f64
}

fn withdraw_runs(scenario: &str, overrides: &[&str]) -> Vec<RunResults> {
    (1..=10)
        .map(|seed| {
            let seed = format!("run.seed={seed}");
            let mut all = vec![
                seed.as_str(),
                "run.duration=30s",
                "workload.abandon_after={ dist = \"exponential\", mean = \"2ms\" }",
                "workload.abandon=\"withdraw\"",
            ];
            all.extend_from_slice(overrides);
            simulate(&load(scenario, &all))
        })
        .collect()
}

/// `tests/data/mmc.toml` (c = 4, mu = 1000/s, every network cost zero, one link per
/// server): the sends wait in the link manager's queue, the M/M/c queue. With a patience of
/// mean 2 ms (theta = 500/s) and withdrawal it is M/M/4+M, stable at any load.
fn mmc_withdraw_matches_erlang_a(rate: f64) {
    let (lambda, mu, c, theta) = (rate, 1000.0, 4, 500.0);
    let (p_abandon, lq) = erlang_a(lambda, mu, c, theta);
    let rate = format!("workload.rate={rate}/s");
    let runs = withdraw_runs("tests/data/mmc.toml", &[&rate]);
    let share = estimate(&runs, withdrawn_share);
    assert!(share.contains(p_abandon), "{p_abandon} not in {share:?}");
    assert!(share.half_width < 0.1 * p_abandon, "{share:?}");
    // Lq: the time-average of the link manager's queue.
    let queue = estimate(&runs, |r| r.send_targets[0].queue_length_mean);
    assert!(queue.contains(lq), "Lq {lq} not in {queue:?}");
    assert!(queue.half_width < 0.1 * lq, "{queue:?}");
    // A withdrawn send uses no server: each server is busy lambda (1 - P(abandon)) / (c mu).
    let busy = lambda * (1.0 - p_abandon) / (c as f64 * mu);
    for cpu in 0..c {
        let u = estimate(&runs, |r| r.processors[cpu].busy_ratio);
        assert!(u.contains(busy), "cpu{cpu}: {busy} not in {u:?}");
    }
    for r in &runs {
        let q = &r.requests;
        assert_eq!(q.failed, q.abandoned, "{q:?}");
        assert_eq!(q.offered, q.completed + q.failed + q.in_flight);
    }
}

#[test]
fn withdrawn_sends_give_erlang_a_above_capacity() {
    // lambda = 5200/s = 1.3 c mu: P(abandon) = 0.278365, Lq = 2.894998 (the chain above).
    mmc_withdraw_matches_erlang_a(5200.0);
}

#[test]
fn withdrawn_sends_give_erlang_a_below_capacity() {
    // lambda = 3200/s = 0.8 c mu: P(abandon) = 0.094769, Lq = 0.606523.
    mmc_withdraw_matches_erlang_a(3200.0);
}

#[test]
fn served_for_no_one_is_not_erlang_a_above_capacity() {
    // The same run with `abandon = "serve"` keeps abandoned sends queued: at 1.3 c mu the
    // queue grows for ever and nearly every request is abandoned (and later served), far
    // from the chain's 0.278365. This is what the two tests above would see without
    // withdrawal.
    let s = load(
        "tests/data/mmc.toml",
        &[
            "run.duration=30s",
            "workload.rate=5200/s",
            "workload.abandon_after={ dist = \"exponential\", mean = \"2ms\" }",
            "workload.abandon=\"serve\"",
        ],
    );
    let r = simulate(&s);
    let share = r.requests.abandoned as f64 / r.requests.offered as f64;
    assert!(share > 0.9, "{share}");
}

#[test]
fn withdrawn_from_receive_queues_give_erlang_a() {
    // `tests/data/mm1.toml` (c = 1, mu = 1 / 0.7 ms) with 64 links to its one server: the
    // link manager holds links to spare, so requests wait in the server's $RECEIVE queue.
    // lambda = 1.3 mu = 1857.142857/s, theta = 500/s: P(abandon) = 0.365667 (the chain).
    let mu = 1.0 / 0.7e-3;
    let lambda = 1.3 * mu;
    let (p_abandon, _) = erlang_a(lambda, mu, 1, 500.0);
    let rate = format!("workload.rate={lambda}/s");
    let runs = withdraw_runs(
        MM1,
        &[
            &rate,
            "server_class[0].maxlinks=64",
            "server_class[0].linkdepth=64",
        ],
    );
    let share = estimate(&runs, withdrawn_share);
    assert!(share.contains(p_abandon), "{p_abandon} not in {share:?}");
    assert!(share.half_width < 0.1 * p_abandon, "{share:?}");
    // The waiting was at the server: the link manager's queue stays (almost) empty.
    let queue = estimate(&runs, |r| r.send_targets[0].queue_length_mean);
    assert!(queue.mean < 0.01, "{queue:?}");
    let busy = lambda * (1.0 - p_abandon) / mu;
    let u = estimate(&runs, |r| r.processors[0].busy_ratio);
    assert!(u.contains(busy), "{busy} not in {u:?}");
    for r in &runs {
        let q = &r.requests;
        assert_eq!(q.failed, q.abandoned, "{q:?}");
        assert_eq!(q.offered, q.completed + q.failed + q.in_flight);
    }
}

#[test]
fn pathway_xm_terminals_withdraw_queued_requests() {
    // The same terminals as above, their abandoned requests withdrawn from the TCPs' link
    // queues and the servers' $RECEIVE queues: fewer are served for no one, none is lost.
    let patience = "pathway_xm.abandon_after={ dist = \"constant\", value = \"10ms\" }";
    let xm = "scenarios/pathway-xm-terminals.toml";
    let serve = simulate(&load(xm, &[patience]));
    let withdraw = simulate(&load(xm, &[patience, "pathway_xm.abandon=\"withdraw\""]));
    let (a, b) = (&serve.requests, &withdraw.requests);
    assert!(b.abandoned > 0, "{b:?}");
    assert!(
        b.abandoned_served < b.abandoned,
        "some were withdrawn: {b:?}"
    );
    assert_eq!(b.failed, b.abandoned + b.pathsend_failed, "{b:?}");
    assert_eq!(b.offered, b.completed + b.failed + b.in_flight);
    assert!(a.abandoned_served > b.abandoned_served, "{a:?} {b:?}");
}
