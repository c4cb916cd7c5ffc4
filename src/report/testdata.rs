//! Synthetic `RunResults` built by hand, so report tests need no simulation.
//!
//! The numbers are plausible, not simulated: four processors, a TCP/IP process and a listener
//! in each, log-spaced latency buckets and a 60 s time series with a 10 s warm-up ramp. Pathway
//! is the seed example of the ACS domain `%DOM = $PM1:50, $PM2:10, $PM3:40`: server class
//! SERVER-CORRECT has MAXSERVERS 10/2/8 in the three PATHMONs (links follow the weights),
//! SERVER-WRONG has 2/10/8 ($PM1 cannot take its 50 %, the others absorb it). They satisfy the
//! invariants reports rely on (conservation, busy parts summing to the processor's busy ratio,
//! a cumulative histogram ending at 1, link and request shares of a target summing to 100 %,
//! static + dynamic servers never above MAXSERVERS).

use std::path::PathBuf;

use crate::stats::{
    HistogramBucket, KindShare, LatencySummary, LinkManagerResult, ListenerResult, PathmonShare,
    PathsendErrors, PifResult, ProcessResult, ProcessorResult, RequestCounts, RunResults,
    SendTargetResult, ServerClassResult, ServerSample, TimeSample, WindowCounts,
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
                failed_per_s: 0.0,
                abandoned_per_s: 0.0,
                configured_per_s: None,
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
        warmup_requests: None,
        events: 1_234_567,
        wall_s: 0.8123456789,
        events_per_s: 1_519_798.3,
        requests: RequestCounts {
            offered,
            admitted: offered,
            completed: offered - failed - in_flight,
            failed,
            refused: failed,
            pathsend_failed: 0,
            abandoned: 0,
            abandoned_served: 0,
            retried: 0,
            tmf_aborts: 0,
            reset: 0,
            in_flight,
            syn_drops: 12,
            measured,
        },
        throughput_per_s: 499.8,
        offered_per_s: 500.0,
        configured_per_s: Some(500.0),
        admitted_per_s: 499.9,
        window: WindowCounts {
            carried_in: 5,
            attempted: 25_000,
            admitted: 24_995,
            completed: 24_990,
            failed: 3,
            carried_out: 12,
        },
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
        server_classes: DOMAIN
            .iter()
            .flat_map(|t| {
                t.members
                    .iter()
                    .map(move |m| class_result(t.class, m, load))
            })
            .collect(),
        pathmons: DOMAIN.iter().flat_map(target_shares).collect(),
        send_targets: vec![SendTargetResult {
            target: "%DOM".into(),
            server_class: "SERVER-WRONG".into(),
            local: false,
            queue_length_mean: 0.25,
            queue_length_max: 9,
            errors_905: 0,
            errors_918: 0,
            errors_923: 0,
            errors_924_requester: 0,
            errors_924_processor: 0,
            errors_947: 0,
            errors_925: 0,
            pathmon_retries: 0,
            link_managers: vec![LinkManagerResult {
                processor: 1,
                tcp: None,
                pathmon: "$PM1".into(),
                links_held_mean: 1.5,
                links_held_max: 2,
                links_held_end: 2,
                requests: offered,
                errors_905: 0,
            }],
        }],
        pathsend_errors: PathsendErrors {
            // The three failed requests: SERVER-WRONG's 904s at $PM1, and one 905.
            e904: 2,
            e905: 1,
            e916: 0,
            e918: 0,
            e923: 0,
            e924: 0,
            e925: 0,
            e947: 0,
            e902: 0,
            e915: 0,
        },
        time_to_failure_ms: Default::default(),
        pathway_xm: None,
        listeners: vec![ListenerResult {
            name: "$DIST-0".into(),
            processor: 0,
            ip_host: "$ZTC0".into(),
            connections: 10_000,
            requests: 30_000,
            syn_drops: 12,
        }],
        clims: Vec::new(),
        pifs: vec![PifResult {
            name: "G4SA0.0.A".into(),
            busy_ratio_in: 0.1,
            busy_ratio_out: 0.3,
        }],
        latency_histogram,
        latency_breakdown: Vec::new(),
        mser: None,
        span: None,
        batch_means: None,
        faults: None,
        stopped: None,
        timeseries,
    }
}

/// One send target of the sample domain: a server class and its PATHMONs.
struct Target {
    class: &'static str,
    members: [Member; 3],
}

/// A PATHMON of the sample domain, with what it defines and what it got.
struct Member {
    pathmon: &'static str,
    weight: f64,
    maxservers: u32,
    numstatic: u32,
    links_granted: u64,
    requests: u64,
}

const fn member(
    pathmon: &'static str,
    weight: f64,
    (maxservers, numstatic): (u32, u32),
    links_granted: u64,
    requests: u64,
) -> Member {
    Member {
        pathmon,
        weight,
        maxservers,
        numstatic,
        links_granted,
        requests,
    }
}

/// `%DOM = $PM1:50, $PM2:10, $PM3:40`. Links of SERVER-CORRECT follow the weights
/// (100 : 21 : 79 of 200); SERVER-WRONG's $PM1 is full at 2 servers, so $PM2 and $PM3 take
/// the rest (20 : 95 : 85 of 200, the brief's 10.0 / 47.5 / 42.5 %).
const DOMAIN: [Target; 2] = [
    Target {
        class: "SERVER-CORRECT",
        members: [
            member("$PM1", 50.0, (10, 4), 100, 7_480),
            member("$PM2", 10.0, (2, 1), 21, 1_520),
            member("$PM3", 40.0, (8, 3), 79, 6_000),
        ],
    },
    Target {
        class: "SERVER-WRONG",
        members: [
            member("$PM1", 50.0, (2, 2), 20, 1_500),
            member("$PM2", 10.0, (10, 2), 95, 7_120),
            member("$PM3", 40.0, (8, 3), 85, 6_380),
        ],
    },
];

/// The `PathmonShare` rows of one target: shares of its totals, in member order.
fn target_shares(t: &Target) -> Vec<PathmonShare> {
    let links: u64 = t.members.iter().map(|m| m.links_granted).sum();
    let requests: u64 = t.members.iter().map(|m| m.requests).sum();
    t.members
        .iter()
        .map(|m| {
            let link_share = 100.0 * m.links_granted as f64 / links as f64;
            PathmonShare {
                domain: Some("%DOM".into()),
                name: m.pathmon.into(),
                server_class: t.class.into(),
                weight: m.weight,
                maxservers: m.maxservers,
                links_granted: m.links_granted,
                links_held_mean: m.links_granted as f64,
                link_share,
                deviation_pp: (link_share - m.weight).abs(),
                requests: m.requests,
                request_share: 100.0 * m.requests as f64 / requests as f64,
                by_processor: Vec::new(),
            }
        })
        .collect()
}

/// A class in one PATHMON: static servers from t = 0, dynamic ones created during the warm-up
/// ramp (more under more `load`, never past MAXSERVERS) and deleted in the last 5 s.
fn class_result(class: &str, m: &Member, load: f64) -> ServerClassResult {
    let dynamic_max = u64::from(m.maxservers - m.numstatic);
    let timeline: Vec<ServerSample> = (0..=60)
        .map(|i| {
            let t_s = f64::from(i);
            let ramp = (t_s / 8.0).min(1.0) * if i > 55 { 0.0 } else { 1.0 };
            let wobble = 0.8 + 0.2 * (t_s * 0.9 + f64::from(m.maxservers)).sin();
            let dynamic_servers =
                ((dynamic_max as f64 * ramp * wobble * load).round() as u64).min(dynamic_max);
            let static_servers = u64::from(m.numstatic);
            ServerSample {
                t_s,
                static_servers,
                dynamic_servers,
                links: static_servers + dynamic_servers,
            }
        })
        .collect();
    let mean = |f: fn(&ServerSample) -> u64| {
        timeline[10..].iter().map(|s| f(s) as f64).sum::<f64>() / (timeline.len() - 10) as f64
    };
    let dynamic_servers_max = timeline
        .iter()
        .map(|s| s.dynamic_servers)
        .max()
        .unwrap_or(0);
    ServerClassResult {
        name: class.into(),
        pathmon: m.pathmon.into(),
        servers: m.maxservers,
        numstatic: m.numstatic,
        completed: m.requests * 5 / 6,
        latency_ms_mean: 2.1 * load,
        queue_wait_ms_mean: 0.4 * load,
        server_busy_ratio: 0.5,
        server_held_ratio: 0.75,
        requests: m.requests,
        links_granted: m.links_granted,
        links_held_mean: mean(|s| s.links),
        links_held_max: timeline.iter().map(|s| s.links).max().unwrap_or(0),
        links_held_end: timeline.last().map_or(0, |s| s.links),
        servers_static_mean: mean(|s| s.static_servers),
        servers_dynamic_mean: mean(|s| s.dynamic_servers),
        servers_dynamic_max: dynamic_servers_max,
        dynamic_created: dynamic_servers_max + 3,
        dynamic_deleted: dynamic_servers_max + 3,
        errors_904: if class == "SERVER-WRONG" && m.pathmon == "$PM1" {
            2
        } else {
            0
        },
        timeline,
    }
}
