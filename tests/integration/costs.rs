//! Issue 9, sections 1 and 2: costs that scale with the message size, and IP hosts with
//! several ports.
//!
//! - CPU per request, measured at low load, equals `explain`'s, and `explain`'s equals its
//!   size-independent part plus the size formula (per KiB of IPC at each message end, at
//!   the same-processor or the ServerNet rate, TCP per segment, per KiB copied and per ACK),
//!   at 512 B, 4 KiB, 16 KiB and 30 KiB, on the three listening models and parallel
//!   listeners through a local server class, with ServerNet CPU equal to and different from
//!   same-processor CPU; on Pathway/XM terminals with non-zero
//!   sizes; and on processors of other speeds and dispatch costs, mixed in one node.
//! - Like for like: with three PIFs each, at 8,000 requests/s with 30 KiB replies, no PIF is
//!   80 % busy and Figure 3-3 is worst on p99 and on the busiest processor, the TCP/IPv6
//!   distributors next, the parallel listeners best.
//! - At 512 B the restructured model (three PIFs for the TCP/IPv6 host) with its
//!   size-dependent costs set to zero reproduces the numbers before the change, within four
//!   standard errors of six replications each, and the default size-dependent costs move mean
//!   latency by less than 1 %.

use nssim::model::{explain, simulate};
use nssim::scenario::Dist;
use nssim::stats::RunResults;

use super::{SHIPPED, load};

/// Every size-dependent cost set to zero (the fixed parts stay).
const NO_SIZE_COSTS: [&str; 7] = [
    "message_system.cpu_per_kib=0us",
    "message_system.cpu_cross_processor_per_kib=0us",
    "message_system.latency_same_processor_per_kib=0us",
    "message_system.latency_cross_processor_per_kib=0us",
    "tcpip.per_segment_cpu=0us",
    "tcpip.copy_cpu_per_kib=0us",
    "tcpip.ack_cpu=0us",
];

/// The scenario `file` with `set`, every class's service demand made constant at its mean, so
/// a run's CPU per request has no sampling error beyond the class mix's.
fn constant_service(file: &str, set: &[&str]) -> nssim::scenario::Scenario {
    let mut sc = load(file, set);
    for k in &mut sc.server_classes {
        k.service = Dist::Constant(k.service.mean());
    }
    sc
}

/// ServerNet messages cost more CPU than same-processor ones: 16 us instead of 10 at each
/// end, 0.4 us per KiB instead of 0.1.
const SERVERNET: [&str; 2] = [
    "message_system.cpu_cross_processor_per_message=16us",
    "message_system.cpu_cross_processor_per_kib=0.4us",
];

/// CPU per completed request, all processors, each with its type's cores [ns].
fn cpu_per_request_ns(r: &RunResults, sc: &nssim::scenario::Scenario) -> f64 {
    let busy: f64 = r
        .processors
        .iter()
        .map(|p| p.busy_ratio * f64::from(sc.system.processor_type(p.id).cores))
        .sum();
    busy / r.throughput_per_s * 1e9
}

fn owned(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

/// The listening models: the shipped scenarios, and parallel listeners (processors 0 and 1)
/// serving through a local server class (servers in processors 0-3, each listener using
/// those in its own); each with its hops per request within one processor and across
/// ServerNet. Figure 3-3's distributors (processors 3-5) each sit beside their TCP/IP
/// process and send to servers in processors 0-2 (2 + 2); the TCP/IPv6 distributors have no
/// TCP/IP process (0 + 2); the parallel listeners no hop in-process, and 2 + 0 through the
/// local server class (its send is charged at the same-processor rate: the route is local).
fn listening_models() -> Vec<(&'static str, Vec<String>, u32, u32)> {
    let mut local = vec![
        "listener[0].serve=local-server-class".to_string(),
        "listener[0].processors=[0, 1]".to_string(),
    ];
    for k in 0..3 {
        local.push(format!("server_class[{k}].maxservers=4"));
        local.push(format!("server_class[{k}].numstatic=4"));
        local.push(format!("server_class[{k}].maxlinks=1"));
        local.push(format!("server_class[{k}].cpus=[0, 1, 2, 3]"));
    }
    vec![
        (SHIPPED[0], vec![], 2, 2),
        (SHIPPED[1], vec![], 0, 2),
        (SHIPPED[2], vec![], 0, 0),
        (SHIPPED[2], local, 2, 0),
    ]
}

/// Measured CPU per request of `sc` at low load against `explain`'s, within 1 %.
fn measured_matches_explain(sc: &nssim::scenario::Scenario, what: &str) -> f64 {
    let e = explain(sc);
    let r = simulate(sc);
    let got = cpu_per_request_ns(&r, sc);
    assert!(
        (got - e.cpu_ns).abs() <= 0.01 * e.cpu_ns,
        "{what}: measured {:.1} us of CPU per request, explain {:.1} us",
        got / 1e3,
        e.cpu_ns / 1e3
    );
    e.cpu_ns
}

#[test]
fn cpu_per_request_follows_the_size_formula_on_every_topology() {
    let ns = |d: nssim::engine::SimDuration| d.as_nanos() as f64;
    for (file, model_set, hs, hc) in listening_models() {
        let file = &file;
        let label = if model_set.is_empty() {
            file.to_string()
        } else {
            format!("{file} through a local server class")
        };
        for (rates, ipc_set) in [("equal", &[][..]), ("ServerNet dearer", &SERVERNET[..])] {
            for bytes in [512u32, 4096, 16 * 1024, 30 * 1024] {
                let mut set = model_set.clone();
                set.extend([
                    "workload.rate=1000/s".to_string(),
                    "run.duration=10s".to_string(),
                    "run.warmup=1s".to_string(),
                    format!("workload.request_bytes={bytes}"),
                    format!("workload.reply_bytes={bytes}"),
                ]);
                set.extend(owned(ipc_set));
                let refs: Vec<&str> = set.iter().map(String::as_str).collect();
                let sc = constant_service(file, &refs);
                let e = explain(&sc);
                assert_eq!(e.routes[0].hops, hs + hc, "{label}");
                let mut fixed_set = refs.clone();
                fixed_set.extend(NO_SIZE_COSTS);
                let fixed = explain(&constant_service(file, &fixed_set)).cpu_ns;

                // The formula, from the scenario's own costs: every IPC hop has a sending and
                // a receiving end, half the hops carry the request and half the reply, so each
                // message has `hs` same-processor and `hc` ServerNet ends (the requester's
                // send too: at the ServerNet rate, or the same-processor rate on the local
                // route); TCP works once on the request and once on the reply.
                let ipc = &sc.message_system;
                let tcp = &sc.tcpip;
                let kib = f64::from(bytes) / 1024.0;
                let segments = f64::from(bytes.div_ceil(tcp.mss).max(1));
                let tcp_size = ns(tcp.per_segment_cpu) * segments
                    + ns(tcp.copy_cpu_per_kib) * kib
                    + ns(tcp.ack_cpu) * (segments / 2.0).ceil();
                let ipc_kib = f64::from(hs) * ns(ipc.cpu_per_kib)
                    + f64::from(hc) * ns(ipc.cpu_cross_processor_per_kib);
                let want = fixed + 2.0 * (ipc_kib * kib + tcp_size);
                assert!(
                    (e.cpu_ns - want).abs() <= 1e-3 * want,
                    "{label} at {bytes} B, {rates}: explain says {:.1} us, the formula {:.1} us",
                    e.cpu_ns / 1e3,
                    want / 1e3
                );
                // The fixed part: each message's ServerNet ends cost 16 - 10 = 6 us more.
                let mut plain = fixed_set.clone();
                plain.extend([
                    "message_system.cpu_cross_processor_per_message=10us",
                    "message_system.cpu_cross_processor_per_kib=0us",
                ]);
                let plain = explain(&constant_service(file, &plain)).cpu_ns;
                let per_message = ns(ipc.cpu_cross_processor_per_message) - ns(ipc.cpu_per_message);
                let extra = 2.0 * f64::from(hc) * per_message;
                assert!(
                    (fixed - plain - extra).abs() <= 1e-6 * fixed,
                    "{label}, {rates}: ServerNet ends add {:.1} us, expected {:.1} us",
                    (fixed - plain) / 1e3,
                    extra / 1e3
                );

                measured_matches_explain(&sc, &format!("{label} at {bytes} B, {rates}"));
            }
        }
    }
}

#[test]
fn pathway_xm_terminals_pay_ipc_for_their_message_sizes() {
    // Terminals' TCPs (processors 0-3) send to servers in processors 4-7: 2 hops, every end
    // across ServerNet (the TCP's own send too: its route is not local). Both classes get the
    // same constant service, so the class mix adds no sampling error to CPU per request; the
    // TCP's and the server's work is small (20 us per request and per reply, 100 us of
    // service), so one end at the wrong rate (6 us or more) is over 1 % of the ~220 us.
    let file = "scenarios/pathway-xm-terminals.toml";
    let xm = |set: &[&str]| {
        let mut all = vec![
            "run.duration=600s",
            "run.warmup=20s",
            "pathway_xm.tcp_template[0].handle_cpu=20us",
        ];
        all.extend(SERVERNET);
        all.extend(set);
        let mut sc = load(file, &all);
        let xm = sc.pathway_xm.as_mut().expect("a Pathway/XM scenario");
        for k in &mut xm.server_classes {
            k.service = Dist::Constant(nssim::engine::SimDuration::from_micros(100));
        }
        sc
    };
    let empty = explain(&xm(&[]));
    assert_eq!(empty.bytes, [0, 0], "0 bytes by default");
    for (req, rep) in [(512u32, 4096u32), (4096, 30 * 1024)] {
        let (a, b) = (
            format!("pathway_xm.request_bytes={req}"),
            format!("pathway_xm.reply_bytes={rep}"),
        );
        let sc = xm(&[&a, &b]);
        let e = explain(&sc);
        assert_eq!(e.bytes, [req, rep]);
        assert_eq!(e.routes[0].hops, 2);
        // Two ServerNet ends per message at 0.4 us per KiB; no LAN, no TCP/IP work.
        let kib = f64::from(req + rep) / 1024.0;
        let want = empty.cpu_ns + 2.0 * 400.0 * kib;
        assert!(
            (e.cpu_ns - want).abs() <= 1e-3 * want,
            "{req}/{rep} B: explain says {:.1} us, the formula {:.1} us",
            e.cpu_ns / 1e3,
            want / 1e3
        );
        measured_matches_explain(&sc, &format!("Pathway/XM at {req}/{rep} B"));
    }
}

#[test]
fn explain_charges_each_burst_on_its_processors_type() {
    use nssim::scenario::ProcessorType;
    // Processors 0-2 (servers; listeners of the parallel model too) slow with a dispatch
    // cost, 3-5 fast with another: every burst costs cost / speed + dispatch where it runs.
    let kind = |name: &str, speed: f64, dispatch_us: u64| {
        ProcessorType::new(
            name,
            speed,
            1,
            nssim::engine::SimDuration::from_micros(dispatch_us),
        )
    };
    for file in SHIPPED {
        let mut set = vec![
            "workload.rate=1000/s",
            "run.duration=10s",
            "run.warmup=1s",
            "workload.request_bytes=4096",
            "workload.reply_bytes=16384",
        ];
        set.extend(SERVERNET);
        let mut sc = constant_service(file, &set);
        let baseline = explain(&sc).cpu_ns;
        sc.system.processor_types = (0..6)
            .map(|cpu| {
                if cpu < 3 {
                    kind("slow", 0.5, 2)
                } else {
                    kind("fast", 2.5, 1)
                }
            })
            .collect();
        let e = explain(&sc);
        let text = e.render();
        assert!(text.contains("cost / speed + dispatch_cpu"), "{text}");
        assert!(
            text.contains("cpu0-2: slow (speed 0.5, dispatch 2us)"),
            "{text}"
        );
        assert!(
            text.contains("cpu3-5: fast (speed 2.5, dispatch 1us)"),
            "{text}"
        );
        assert!(
            (e.cpu_ns - baseline).abs() > 0.05 * baseline,
            "{file}: explain's CPU must move with the processor types"
        );
        measured_matches_explain(&sc, &format!("{file} on mixed processor types"));
    }
}

/// p99 [ms], busiest processor's busy ratio, and the busiest PIF direction's.
fn like_for_like(file: &str, seed: u64, set: &[&str]) -> (f64, f64, f64) {
    let mut all = vec![
        "run.duration=6s".to_string(),
        "run.warmup=1s".to_string(),
        format!("run.seed={seed}"),
    ];
    all.extend(owned(set));
    let refs: Vec<&str> = all.iter().map(String::as_str).collect();
    let r = simulate(&load(file, &refs));
    let busy = r
        .processors
        .iter()
        .map(|p| p.busy_ratio)
        .fold(0.0, f64::max);
    let pif = r
        .pifs
        .iter()
        .map(|p| p.busy_ratio_in.max(p.busy_ratio_out))
        .fold(0.0, f64::max);
    (r.latency_ms.p99, busy, pif)
}

#[test]
fn with_as_many_ports_the_manuals_ranking_holds_for_30_kib_replies() {
    let set = ["workload.rate=8000/s", "workload.reply_bytes=30720"];
    let mut by_model = Vec::new();
    for file in SHIPPED {
        let (p99, busy, pif) = like_for_like(file, 1, &set);
        let r = simulate(&load(file, &[]));
        assert_eq!(r.pifs.len(), 3, "{file}: three PIFs, as in Figure 3-3");
        // 8,000 replies of 30 KiB a second over three 1 Gb/s ports: 2,667 x 245.8 us each,
        // 66 % busy when the connections spread evenly.
        assert!(pif < 0.8, "{file}: busiest PIF {:.1} % busy", 100.0 * pif);
        by_model.push((file, p99, busy));
    }
    for w in by_model.windows(2) {
        let ((a, p99_a, busy_a), (b, p99_b, busy_b)) = (w[0], w[1]);
        assert!(
            p99_a > p99_b,
            "p99: {a} {p99_a:.3} ms should exceed {b} {p99_b:.3} ms"
        );
        assert!(
            busy_a > busy_b,
            "busiest processor: {a} {busy_a:.3} should exceed {b} {busy_b:.3}"
        );
    }
}

/// Before the change (commit 1c36e17: fixed costs, one PIF for the TCP/IPv6 host), seeds 1-6,
/// 6 s at 8,000 requests/s with 1 s warm-up, 512-byte requests and replies: mean latency
/// [ms] and the busiest processor's busy ratio, in `SHIPPED` order (summary.json's six
/// decimals).
const BEFORE_512: [[(f64, f64); 6]; 3] = [
    [
        (0.781_655, 0.434_590),
        (0.777_084, 0.428_667),
        (0.781_461, 0.427_601),
        (0.783_724, 0.430_661),
        (0.779_499, 0.427_859),
        (0.783_323, 0.437_133),
    ],
    [
        (0.676_140, 0.361_828),
        (0.681_153, 0.366_229),
        (0.677_872, 0.375_011),
        (0.680_155, 0.367_435),
        (0.676_629, 0.360_721),
        (0.680_046, 0.375_804),
    ],
    [
        (0.484_683, 0.289_116),
        (0.484_244, 0.288_385),
        (0.486_556, 0.287_704),
        (0.485_013, 0.288_212),
        (0.484_464, 0.289_305),
        (0.485_067, 0.292_838),
    ],
];

/// Mean and standard error of the mean.
fn mean_se(x: &[f64]) -> (f64, f64) {
    let n = x.len() as f64;
    let m = x.iter().sum::<f64>() / n;
    let var = x.iter().map(|v| (v - m) * (v - m)).sum::<f64>() / (n - 1.0);
    (m, (var / n).sqrt())
}

#[test]
fn at_512_bytes_nothing_changes_beyond_the_spread_of_seeds() {
    let base = [
        "workload.rate=8000/s",
        "workload.request_bytes=512",
        "workload.reply_bytes=512",
    ];
    for (f, file) in SHIPPED.iter().enumerate() {
        let mut zeroed = base.to_vec();
        zeroed.extend(NO_SIZE_COSTS);
        let (mut after_mean, mut after_busy) = (Vec::new(), Vec::new());
        let mut shift = Vec::new();
        for seed in 1..=6u64 {
            let run = |set: &[&str]| {
                let mut all = vec![
                    "run.duration=6s".to_string(),
                    "run.warmup=1s".to_string(),
                    format!("run.seed={seed}"),
                ];
                all.extend(owned(set));
                let refs: Vec<&str> = all.iter().map(String::as_str).collect();
                simulate(&load(file, &refs))
            };
            let r = run(&zeroed);
            let busy = r
                .processors
                .iter()
                .map(|p| p.busy_ratio)
                .fold(0.0, f64::max);
            after_mean.push(r.latency_ms.mean);
            after_busy.push(busy);
            let with_costs = run(&base);
            shift.push(with_costs.latency_ms.mean / r.latency_ms.mean - 1.0);
        }
        let before_mean: Vec<f64> = BEFORE_512[f].iter().map(|b| b.0).collect();
        let before_busy: Vec<f64> = BEFORE_512[f].iter().map(|b| b.1).collect();
        for (what, before, after) in [
            ("mean latency", &before_mean, &after_mean),
            ("busiest processor", &before_busy, &after_busy),
        ] {
            // The two sets of six replications, as independent samples: their means may
            // differ by four standard errors of the difference, plus summary.json's rounding.
            let ((b, se_b), (a, se_a)) = (mean_se(before), mean_se(after));
            let se = (se_b * se_b + se_a * se_a).sqrt();
            assert!(
                (a - b).abs() <= 4.0 * se + 1e-6,
                "{file}: {what} {b:.6} before, {a:.6} after (standard error of the difference {se:.6})"
            );
        }
        // The default size-dependent costs are small at 512 bytes.
        let (s, _) = mean_se(&shift);
        assert!(
            s.abs() < 0.01,
            "{file}: default size costs move mean latency by {:.2} %",
            100.0 * s
        );
    }
}

#[test]
fn issue16_item10_each_kind_of_cpu_runs_at_its_processor_types_speed_for_it() {
    use nssim::scenario::ProcessorType;
    // Every processor: message system at 0.5, TCP/IP at 2, application at 1.25 of the
    // baseline. The run and `explain` must agree burst by burst (each splits its bursts by
    // kind on its own), and explain's legs must move by kind: a server's receive and
    // service (message system, application) and the $ZTCn bursts (TCP/IP) differently.
    let mut typed = ProcessorType::new("mixed", 1.0, 1, nssim::engine::SimDuration::ZERO);
    typed.kind_speeds = [0.5, 2.0, 1.25];
    let mut tcpip_legs = 0;
    for file in SHIPPED {
        let mut set = vec![
            "workload.rate=1000/s",
            "run.duration=10s",
            "run.warmup=1s",
            "workload.request_bytes=4096",
            "workload.reply_bytes=16384",
        ];
        set.extend(SERVERNET);
        let mut sc = constant_service(file, &set);
        let baseline = explain(&sc);
        sc.system.processor_types = vec![typed.clone(); sc.system.processors as usize];
        let e = explain(&sc);
        assert!(
            e.render()
                .contains("(speed 1, message system 0.5, TCP/IP 2, application 1.25, dispatch"),
            "{}",
            e.render()
        );
        measured_matches_explain(&sc, &format!("{file} with a speed per kind of CPU"));
        // Only TCP/IP faster: TCP/IP processes' bursts get cheaper, servers' do not move.
        typed.kind_speeds = [1.0, 2.0, 1.0];
        sc.system.processor_types = vec![typed.clone(); sc.system.processors as usize];
        let tcp_only = explain(&sc);
        typed.kind_speeds = [0.5, 2.0, 1.25];
        for (a, b) in baseline.routes[0].legs.iter().zip(&tcp_only.routes[0].legs) {
            if a.process.starts_with("$ZTC") && a.cpu_ns > 0.0 {
                assert!(b.cpu_ns < a.cpu_ns, "{file}: {} {}", a.what, b.cpu_ns);
                tcpip_legs += 1;
            }
            if a.process == "server" {
                let close = (a.cpu_ns - b.cpu_ns).abs() <= 1e-9 * a.cpu_ns.max(1.0);
                assert!(close, "{file}: {} {} vs {}", a.what, a.cpu_ns, b.cpu_ns);
            }
        }
    }
    assert!(tcpip_legs > 0, "a shipped scenario has $ZTCn bursts");
}
