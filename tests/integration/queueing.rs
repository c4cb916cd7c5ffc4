//! Models reduced to textbook queues must reproduce the exact results.
//!
//! Tolerances come from the runs themselves: ten independent replications (seeds 1..=10) give
//! ten estimates whose mean has a Student-t 99.9 % confidence interval; the analytic value
//! must lie inside it. Replications avoid the autocorrelation within one run.

use nssim::model::simulate;
use nssim::stats::{Estimate, RunResults};

use crate::load;

fn replications(rel: &str) -> Vec<RunResults> {
    (1..=10)
        .map(|seed| simulate(&load(rel, &[&format!("run.seed={seed}")])))
        .collect()
}

#[test]
fn mm1_mean_response_and_utilisation_match_theory() {
    // lambda = 1000/s, E[S] = 0.7 ms: rho = 0.7, W = E[S] / (1 - rho) = 2.333333 ms.
    let runs = replications("tests/data/mm1.toml");
    let w = Estimate::with_confidence(
        &runs.iter().map(|r| r.latency_ms.mean).collect::<Vec<_>>(),
        0.999,
    );
    assert!(w.contains(0.7 / (1.0 - 0.7)), "W = 2.3333 ms not in {w:?}");
    // Utilisation of the server's processor = lambda x E[S] = 0.7.
    let u = Estimate::with_confidence(
        &runs
            .iter()
            .map(|r| r.processors[0].busy_ratio)
            .collect::<Vec<_>>(),
        0.999,
    );
    assert!(u.contains(0.7), "utilisation 0.7 not in {u:?}");
    // The interval is informative, not vacuous: within 5 % of the value.
    assert!(w.half_width < 0.05 * 2.333, "{w:?}");
    for r in &runs {
        assert_eq!(r.hops_per_request_mean, 2.0);
        assert_eq!(r.requests.failed, 0);
    }
}

#[test]
fn mmc_mean_response_matches_erlang_c() {
    // c = 4, lambda = 3600/s, E[S] = 1 ms: a = 3.6, Erlang C(4, 3.6) = 0.787753,
    // W = 1 ms + 0.787753 / (4 x 1000/s - 3600/s) = 2.969383 ms (shared/anchors/analytic.py).
    let runs = replications("tests/data/mmc.toml");
    let w = Estimate::with_confidence(
        &runs.iter().map(|r| r.latency_ms.mean).collect::<Vec<_>>(),
        0.999,
    );
    assert!(w.contains(2.969_383), "W = 2.969383 ms not in {w:?}");
    assert!(w.half_width < 0.05 * 2.969, "{w:?}");
    // Each of the four server processors is busy a / c = 0.9 of the time.
    for cpu in 0..4 {
        let u = Estimate::with_confidence(
            &runs
                .iter()
                .map(|r| r.processors[cpu].busy_ratio)
                .collect::<Vec<_>>(),
            0.999,
        );
        assert!(u.contains(0.9), "cpu{cpu}: utilisation 0.9 not in {u:?}");
    }
    // Little's law on the class queue: Lq = lambda Wq, Wq = C / (c mu - lambda) = 1.969383 ms.
    let lq = Estimate::with_confidence(
        &runs
            .iter()
            .map(|r| r.send_targets[0].queue_length_mean)
            .collect::<Vec<_>>(),
        0.999,
    );
    assert!(
        lq.contains(3600.0 * 1.969_383e-3),
        "Lq = 7.0898 not in {lq:?}"
    );
}
