//! Issue 9, time-varying workloads: a step in the configured rate shows in the measured
//! throughput within one sample interval, and a replayed trace reproduces its own arrival
//! counts exactly.

use nssim::model::simulate;

use crate::{load, repo};

/// A step from 5,000/s to 10,000/s at 3 s (500 ms samples, one request per connection, far
/// below saturation, so a request completes within milliseconds of its arrival). Each
/// interval's completions are a Poisson count of mean rate x 0.5 s, shifted by at most the
/// few milliseconds of latency: the interval just before the step is at the low rate, the one
/// starting at the step already at the high rate, each within 5 sd of its count.
#[test]
fn a_step_profile_shows_the_step_in_throughput_within_one_sample_interval() {
    let r = simulate(&load("tests/data/step-profile.toml", &[]));
    let at = |t: f64| {
        r.timeseries
            .iter()
            .find(|s| (s.t_s - t).abs() < 1e-9)
            .unwrap_or_else(|| panic!("a sample at {t} s"))
    };
    let within = |got_per_s: f64, want_per_s: f64, what: &str| {
        let (got, want) = (got_per_s * 0.5, want_per_s * 0.5);
        assert!(
            (got - want).abs() < 5.0 * want.sqrt(),
            "{what}: {got} completions in 500 ms, expected {want}"
        );
    };
    within(
        at(2.5).throughput_per_s,
        5000.0,
        "the interval before the step",
    );
    within(
        at(3.0).throughput_per_s,
        10_000.0,
        "the interval starting at the step",
    );
    within(at(5.5).throughput_per_s, 10_000.0, "the last interval");
    // The configured rate of each interval is the profile's.
    assert_eq!(at(2.5).configured_per_s, Some(5000.0));
    assert_eq!(at(3.0).configured_per_s, Some(10_000.0));
    // Over the window [1 s, 6 s): 2 s at 5,000/s and 3 s at 10,000/s.
    let mean = r.configured_per_s.expect("an open workload");
    assert!((mean - 8000.0).abs() < 1e-6, "{mean}");
    assert_eq!(r.requests.failed, 0);
}

/// Rows of a trace file after its header.
fn rows(rel: &str) -> Vec<String> {
    std::fs::read_to_string(repo(rel))
        .unwrap()
        .lines()
        .skip(1)
        .map(str::to_string)
        .collect()
}

#[test]
fn a_replayed_trace_of_counts_reproduces_its_counts_exactly() {
    let r = simulate(&load("tests/data/trace-counts.toml", &[]));
    let counts: Vec<u64> = rows("tests/data/traces/counts-500ms.csv")
        .iter()
        .map(|c| c.parse().unwrap())
        .collect();
    // The run's arrival window is 6 s: the trace's first 12 rows, one per sample interval.
    for (i, &want) in counts.iter().take(12).enumerate() {
        let s = &r.timeseries[i];
        let got = (s.offered_per_s * 0.5).round() as u64;
        assert_eq!(got, want, "interval {i} ({} s)", s.t_s);
        assert_eq!(s.configured_per_s, Some(want as f64 * 2.0), "interval {i}");
    }
    assert_eq!(r.requests.offered, counts.iter().take(12).sum::<u64>());
}

#[test]
fn a_replayed_trace_of_instants_reproduces_its_counts_exactly() {
    let r = simulate(&load("tests/data/trace-instants.toml", &[]));
    let instants: Vec<f64> = rows("tests/data/traces/instants.csv")
        .iter()
        .map(|t| t.parse().unwrap())
        .collect();
    // 100 ms samples over the 2 s arrival window.
    for (i, s) in r.timeseries.iter().take(20).enumerate() {
        let (a, b) = (i as f64 * 0.1, (i + 1) as f64 * 0.1);
        let want = instants.iter().filter(|&&t| t >= a && t < b).count() as u64;
        let got = (s.offered_per_s * 0.1).round() as u64;
        assert_eq!(got, want, "interval {i}");
    }
}

#[test]
fn the_shipped_peak_scenario_peaks() {
    let r = simulate(&load(
        "scenarios/peak-step.toml",
        &["run.duration=12s", "run.warmup=1s"],
    ));
    let mean_configured = |a: f64, b: f64| {
        let v: Vec<f64> = r
            .timeseries
            .iter()
            .filter(|s| s.t_s >= a && s.t_s < b)
            .map(|s| s.configured_per_s.unwrap())
            .collect();
        v.iter().sum::<f64>() / v.len() as f64
    };
    assert_eq!(mean_configured(2.0, 8.0), 8000.0);
    assert_eq!(mean_configured(8.0, 12.0), 18_000.0);
    // Offered requests follow: connections of 4 requests at a quarter of the rate, so each
    // 500 ms count is more dispersed than Poisson; the mean over 4 s is still within 5 %.
    let offered = |a: f64, b: f64| {
        let v: Vec<f64> = r
            .timeseries
            .iter()
            .filter(|s| s.t_s >= a && s.t_s < b)
            .map(|s| s.offered_per_s)
            .collect();
        v.iter().sum::<f64>() / v.len() as f64
    };
    assert!((offered(3.0, 8.0) / 8000.0 - 1.0).abs() < 0.05);
    assert!((offered(8.0, 12.0) / 18_000.0 - 1.0).abs() < 0.05);
}
