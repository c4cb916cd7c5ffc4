//! Builds the seed's Figure 3-3 distributor topology in Rust (no scenario file), runs it and
//! prints the summary: the library API a capacity-planning script would use.
//!
//! Run with `cargo run --release --example distributor_in_code`.

use nssim::engine::SimDuration;
use nssim::model::simulate;
use nssim::scenario::{
    Abandon, Arrivals, Dist, Lan, LinkManagerKind, Listener, ListenerModel, MessageSize,
    MessageSystem, Pathmon, PathsendApi, PathwayLimits, RunControl, Scenario, SendTarget, Serve,
    ServerClass, StackKind, System, TcpIp, TcpIpProcess, Workload,
};

fn us(n: u64) -> SimDuration {
    SimDuration::from_micros(n)
}

fn main() {
    // Six static servers per class in processors 0-2, one link each (LINKDEPTH = MAXLINKS = 1).
    let class = |name: &str, mean_us: u64| ServerClass {
        name: name.to_string(),
        pathmon: 0,
        maxservers: 6,
        numstatic: 6,
        maxlinks: Some(1),
        linkdepth: 1,
        createdelay: SimDuration::from_secs(60),
        deletedelay: SimDuration::from_secs(600),
        timeout: None,
        cpus: vec![0, 1, 2],
        autorestart: 0,
        service: Dist::Exponential { mean: us(mean_us) },
        io: None,
        priority: 150,
    };
    let scenario = Scenario {
        name: "fig-3-3-in-code".to_string(),
        description: "Figure 3-3 built in Rust".to_string(),
        run: RunControl {
            seed: 1,
            duration: SimDuration::from_secs(10),
            warmup: SimDuration::from_secs(1),
            warmup_requests: None,
            max_requests: None,
            drain: SimDuration::from_secs(10),
            sample_interval: SimDuration::from_secs(1),
            max_in_flight: nssim::scenario::limits::DEFAULT_MAX_IN_FLIGHT,
            report_window: None,
        },
        system: System {
            processors: 6,
            cores: 1,
            processor_types: Vec::new(),
        },
        // Costs are placeholders, as in the shipped scenarios: a fixed part and a part per KiB.
        message_system: MessageSystem {
            cpu_per_message: us(10),
            cpu_per_kib: SimDuration::from_nanos(100),
            // ServerNet messages cost the same CPU as same-processor ones (the default).
            cpu_cross_processor_per_message: us(10),
            cpu_cross_processor_per_kib: SimDuration::from_nanos(100),
            latency_same_processor: us(15),
            latency_same_processor_per_kib: SimDuration::from_nanos(100),
            latency_cross_processor: us(30),
            latency_cross_processor_per_kib: SimDuration::from_nanos(250),
        },
        lan: Lan {
            pif_bandwidth_bps: 1e9,
            client_latency: us(100),
        },
        tcpip: TcpIp {
            stack: StackKind::Conventional,
            segment_cpu: us(15),
            per_segment_cpu: SimDuration::from_nanos(500),
            copy_cpu_per_kib: SimDuration::from_nanos(100),
            ack_cpu: SimDuration::from_nanos(250),
            mss: 1460,
            pifs: vec![],
            failover: vec![],
            shared_ip: false,
            connect_cpu: us(75),
            close_cpu: us(25),
            backlog: 5,
            syn_retry: SimDuration::from_secs(1),
            syn_retries: 3,
            processes: (3..6)
                .map(|cpu| TcpIpProcess {
                    name: format!("$ZTC{cpu}"),
                    processor: cpu,
                    // One port each, on adapter 0: G4SA0.0.A, B, C.
                    pifs: vec![format!("G4SA0.0.{}", (b'A' + (cpu - 3) as u8) as char)],
                })
                .collect(),
            priority: 199,
            clims: vec![],
        },
        listeners: vec![Listener {
            name: "$DIST".to_string(),
            model: ListenerModel::Distributor,
            port: 3000,
            processors: vec![3, 4, 5],
            tcpip: vec![0, 1, 2],
            serve: Serve::InProcess,
            accept_cpu: us(30),
            handle_cpu: us(20),
            priority: 180,
            pair: false,
            pathsend_api: PathsendApi::Send,
        }],
        pathmons: vec![Pathmon {
            name: "$PM".to_string(),
            processor: 0,
            backup: Some(1),
            grant_cpu: us(200),
            process_creation: SimDuration::from_millis(200),
            priority: 170,
        }],
        domains: vec![],
        server_classes: vec![class("A", 150), class("D", 100), class("G", 80)],
        pathway: PathwayLimits::of(LinkManagerKind::Linkmon),
        pathway_xm: None,
        faults: Default::default(),
        workload: Some(Workload {
            listener: 0,
            arrivals: Arrivals::Open {
                interarrival: Dist::Exponential { mean: us(100) },
            },
            requests_per_connection: 4,
            request_bytes: MessageSize::bytes(1024),
            reply_bytes: MessageSize::bytes(4096),
            abandon_after: None,
            abandon: Abandon::Serve,
            send_to: SendTarget::Pathmon(0),
            mix: vec![(0, 0.4), (1, 0.3), (2, 0.3)],
            retry: None,
        }),
    };
    let r = simulate(&scenario);
    println!(
        "{}: offered {} completed {} failed {} in flight {}",
        r.scenario,
        r.requests.offered,
        r.requests.completed,
        r.requests.failed,
        r.requests.in_flight
    );
    println!(
        "throughput {:.0}/s, latency mean {:.3} ms p99 {:.3} ms, {:.1} hops/request",
        r.throughput_per_s, r.latency_ms.mean, r.latency_ms.p99, r.hops_per_request_mean
    );
    for p in &r.processors {
        println!("cpu{} busy {:.1} %", p.id, 100.0 * p.busy_ratio);
    }
    println!(
        "{} events, {:.2} M events/s",
        r.events,
        r.events_per_s / 1e6
    );
}
