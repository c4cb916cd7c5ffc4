//! Synthetic `RunResults` built by hand, so report tests need no simulation.
//!
//! The numbers are plausible, not simulated: four processors, a TCP/IP process and a listener
//! in each, one server class, log-spaced latency buckets and a 60 s time series with a 10 s
//! warm-up ramp. They satisfy the invariants reports rely on (conservation, busy parts summing
//! to the processor's busy ratio, a cumulative histogram ending at 1).

use std::path::PathBuf;

use crate::stats::{
    HistogramBucket, KindShare, LatencySummary, ListenerResult, PifResult, ProcessResult,
    ProcessorResult, RequestCounts, RunResults, ServerClassResult, TimeSample,
};

/// A run named `name` at the reference load.
pub(crate) fn sample_results(name: &str) -> RunResults {
    sample_results_scaled(name, 1.0)
}

/// Three runs with the scenario names the comparison plots must fit.
pub(crate) fn three_runs() -> Vec<RunResults> {
    vec![
        sample_results_scaled("fig-3-3-distributor", 1.0),
        sample_results_scaled("tcpipv6-distributor", 1.4),
        sample_results_scaled("parallel-listener", 0.7),
    ]
}

/// A run with sixteen processors, to check that processor labels stay readable.
pub(crate) fn sixteen_cpus() -> RunResults {
    let mut r = sample_results("sixteen-cpus");
    let base = r.processors.clone();
    for i in 4..16u32 {
        let mut p = base[(i % 4) as usize].clone();
        p.id = i;
        r.processors.push(p);
    }
    r
}

/// A fresh, unique directory under the system temp dir (not created).
pub(crate) fn scratch_dir(tag: &str) -> PathBuf {
    use std::sync::atomic::{AtomicU32, Ordering};
    static N: AtomicU32 = AtomicU32::new(0);
    let n = N.fetch_add(1, Ordering::Relaxed);
    std::env::temp_dir().join(format!("nssim-report-{tag}-{}-{n}", std::process::id()))
}

/// `load` scales latency and utilisation: 1.0 is the reference run.
pub(crate) fn sample_results_scaled(name: &str, load: f64) -> RunResults {
    let processors: Vec<ProcessorResult> = (0..4u32)
        .map(|id| {
            let parts = [
                ("tcpip", 0.30 * load * if id == 0 { 1.5 } else { 1.0 }),
                ("distributor", if id == 0 { 0.12 * load } else { 0.0 }),
                ("listener", 0.05 * load),
                ("server", 0.20 * load + 0.02 * f64::from(id)),
            ];
            let busy_by_kind: Vec<KindShare> = parts
                .iter()
                .map(|(k, b)| KindShare {
                    kind: (*k).to_string(),
                    busy_ratio: b.min(0.45),
                })
                .collect();
            ProcessorResult {
                id,
                busy_ratio: busy_by_kind.iter().map(|k| k.busy_ratio).sum(),
                busy_by_kind,
            }
        })
        .collect();

    // Log-spaced buckets, 10 per decade from 0.1 ms to 1 s, filled with a log-normal-ish bump.
    let centre = (2.0 * load).ln();
    let mut counts: Vec<(f64, u64)> = (0..=40)
        .map(|i| {
            let upper_ms = 0.1 * 10f64.powf(f64::from(i) / 10.0);
            let z = (upper_ms.ln() - centre) / 0.6;
            (upper_ms, (4000.0 * (-0.5 * z * z).exp()).round() as u64)
        })
        .collect();
    counts[38].1 += 3; // a few stragglers near 0.6 s
    let measured: u64 = counts.iter().map(|c| c.1).sum();
    let mut running = 0;
    let latency_histogram = counts
        .iter()
        .map(|&(upper_ms, count)| {
            running += count;
            HistogramBucket {
                upper_ms,
                count,
                cumulative: running as f64 / measured as f64,
            }
        })
        .collect();

    let timeseries = (0..60)
        .map(|i| {
            let t_s = f64::from(i);
            let ramp = (t_s / 10.0).min(1.0);
            let wobble = 1.0 + 0.05 * (t_s * 0.7).sin();
            TimeSample {
                t_s,
                throughput_per_s: 500.0 * ramp * wobble,
                offered_per_s: 500.0 * if i == 0 { 0.5 } else { 1.0 },
                latency_ms_mean: if i == 0 { 0.0 } else { 2.0 * load * wobble },
                latency_ms_p99: if i == 0 {
                    0.0
                } else {
                    9.0 * load * wobble * wobble
                },
            }
        })
        .collect();

    let offered = 30_000;
    let in_flight = 7;
    let failed = 3;
    RunResults {
        scenario: name.to_string(),
        seed: 42,
        stack: "conventional".into(),
        listener_model: "distributor".into(),
        sim_time_s: 60.5,
        measured_s: 50.0,
        warmup_s: 10.0,
        events: 1_234_567,
        wall_s: 0.8123456789,
        events_per_s: 1_519_798.3,
        requests: RequestCounts {
            offered,
            completed: offered - failed - in_flight,
            failed,
            in_flight,
            syn_drops: 12,
            measured,
        },
        throughput_per_s: 499.8,
        offered_per_s: 500.0,
        connections_per_s: 500.0 / 3.0,
        latency_ms: LatencySummary {
            mean: 2.1 * load,
            sd: 1.3 * load,
            p50: 2.0 * load,
            p90: 4.3 * load,
            p99: 8.9 * load,
            p999: 40.0 * load,
            max: 600.0,
        },
        hops_per_request_mean: 8.0,
        processors,
        processes: vec![
            ProcessResult {
                name: "$ZTC0".into(),
                kind: "tcpip".into(),
                processor: 0,
                busy_ratio: 0.3,
                bursts: 60_000,
                ready_wait_ms_mean: 0.02,
            },
            ProcessResult {
                name: "$DIST-0".into(),
                kind: "distributor".into(),
                processor: 0,
                busy_ratio: 0.12,
                bursts: 30_000,
                ready_wait_ms_mean: 0.01,
            },
            ProcessResult {
                name: "A-0".into(),
                kind: "server".into(),
                processor: 1,
                busy_ratio: 0.2,
                bursts: 30_000,
                ready_wait_ms_mean: 0.03,
            },
        ],
        server_classes: vec![ServerClassResult {
            name: "A,B".into(), // a comma, to check CSV quoting
            servers: 4,
            completed: 24_000,
            latency_ms_mean: 2.1,
            queue_wait_ms_mean: 0.4,
            queue_length_mean: 0.25,
            queue_length_max: 9,
            server_busy_ratio: 0.5,
        }],
        listeners: vec![ListenerResult {
            name: "$DIST-0".into(),
            processor: 0,
            ip_host: "$ZTC0".into(),
            connections: 10_000,
            requests: 30_000,
            syn_drops: 12,
        }],
        pifs: vec![PifResult {
            name: "G4SA0.0.A".into(),
            busy_ratio_in: 0.1,
            busy_ratio_out: 0.3,
        }],
        latency_histogram,
        timeseries,
    }
}
