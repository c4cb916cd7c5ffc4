//! What a scenario's requests will do, without running it: each listener instance's path leg
//! by leg (from the itineraries the run would use), the CPU per request, and the operational
//! bounds, each a resource with `servers` identical servers and a demand D per request, so a
//! ceiling servers / D [requests/s]:
//! - each processor (its cores) and each PIF direction (one);
//! - each process in a processor of more cores than its threads: every NonStop process is
//!   single-threaded (`processor.rs` runs at most one burst of a process at a time), so a
//!   process is bounded by one core whatever its processor's cores (issue 16 item 1.9); a
//!   processor type may give a process kind T threads, and such a process is bounded by
//!   min(T, cores) cores. Where that is every core the processor's bound is already the
//!   process's and no row is shown;
//! - each server class's server pool: a server is held from taking a request off $RECEIVE to
//!   sending its reply, for its CPU (receive, service, reply) and its I/O, so the pool of N
//!   servers bounds the throughput at N / (share of requests x hold time);
//! - each server class's links: a link is held from the send until the server's reply, so for
//!   the hop to the server as well; there are at most MAXSERVERS x MAXLINKS of them, and at
//!   most LINKDEPTH per server from each link manager.
//!
//! The throughput ceiling is the least of all these (the bottleneck), and `explain` names which
//! binds. Each bound is a mean-value (operational) bound: a run comes close to it only when the
//! offered load is well above it (queues smooth out variation).
//!
//! Demands are means per request: connection set-up and close are weighted by
//! 1 / `requests_per_connection`, service and I/O by the class mix, and every size-dependent
//! cost (IPC CPU and latency, TCP segments, copies and ACKs, PIF frame time) is taken at the
//! mean request and reply size, rounded to a byte (exact for constant sizes; with a
//! distribution the mean of the costs can differ a little, since segments round up); requests spread over the
//! listener instances as the clients do (round robin; Pathway/XM terminals by their TCP), and
//! over a class's server processes equally.
//!
//! CPU figures are what a burst really holds a core for on the processor its process runs in:
//! its cost as the scenario writes it (for the baseline processor) divided by that
//! processor's type's speed, plus the type's `dispatch_cpu` once per burst (`processor.rs`);
//! a burst that costs nothing for a request (a connection's set-up when it opens none) pays
//! no dispatch. A leg run by servers in processors of different types shows the mean over
//! them. IPC message ends pay the same-processor or the ServerNet rate as the run charges
//! them (`message_system.rs`): a leg whose ends go to or come from a server is taken at the
//! share of servers in another processor, except the requester's own send, which the run
//! charges before the server is chosen (ServerNet unless the route is local).
//!
//! With processors, PIFs or CLIMs down (`down.rs`, `explain --down`): the same bounds for the
//! steady state after takeovers and failovers, each failed PIF's frames (and, under CIP, its
//! protocol work) on the partner that carries its addresses. The report's types and text are
//! `report.rs`'; the words of a leg's line `describe.rs`'.
//!
//! Simplifies: an ACS domain's or Pathway/XM's class instances share a class name's requests
//! in proportion to their servers, not by the domain weights; PATHMON's grant CPU is left out
//! (static links are granted once; dynamic ones once per DELETEDELAY at most); CPU queueing
//! is not part of a server's or link's hold time (the bound is optimistic when the servers'
//! processors are busy); the links of a class named in several PATHMONs are counted from the
//! first definition's MAXLINKS and LINKDEPTH.

mod describe;
mod down;
mod report;

use crate::engine::SimDuration;
use crate::scenario::{Scenario, ServerClass};

use super::clients::Population;
use super::ids::ProcessorId;
use super::itinerary::{Leg, MsgWork, Who};
use super::{Node, ProcessId};
use describe::{Rate, describe, describe_end};
pub use down::{Down, Target, without};
pub use report::{Explanation, LegLine, ResourceDemand, ResourceKind, RoutePath};

/// A class name's share of the requests and what its work costs.
struct ClassLoad {
    name: String,
    weight: f64,
    service: SimDuration,
    io: SimDuration,
    /// Processors of its server processes, one entry per server.
    server_cpus: Vec<u32>,
    /// MAXSERVERS over all its instances (dynamic servers included).
    maxservers: u32,
    /// MAXLINKS (`None`: unlimited) and LINKDEPTH.
    maxlinks: Option<u32>,
    linkdepth: u32,
    /// Pathway/XM TYPE DISTRIBUTED: reached through an LCS, no links.
    distributed: bool,
}

fn ns(d: SimDuration) -> f64 {
    d.as_nanos() as f64
}

fn cpu_range(cpus: &[u32]) -> String {
    let mut v = cpus.to_vec();
    v.sort_unstable();
    v.dedup();
    match v.as_slice() {
        [] => "-".to_string(),
        [one] => one.to_string(),
        [first, .., last] if (*last - *first) as usize + 1 == v.len() => format!("{first}-{last}"),
        _ => v.iter().map(u32::to_string).collect::<Vec<_>>().join(","),
    }
}

/// Explains a validated scenario.
pub fn explain(sc: &Scenario) -> Explanation {
    explain_with(sc, &[])
}

/// Explains a steady state with things down ([`without`]): its scenario, with each failed
/// PIF's frames and CLIM work on the partner that carries its addresses.
pub fn explain_down(down: &Down) -> Explanation {
    explain_with(&down.scenario, &down.pifs)
}

/// Explains `sc` with the PIFs named in `failed` down, their addresses on their partners.
fn explain_with(sc: &Scenario, failed: &[String]) -> Explanation {
    let node = Node::build(sc);
    // Per PIF: the port that carries its address (its partner when it has failed; `without`
    // has checked there is one, up).
    let carrier: Vec<u16> = node
        .lan
        .pifs
        .iter()
        .enumerate()
        .map(|(p, pif)| match pif.partner {
            Some(q) if failed.contains(&pif.name) => q,
            _ => p as u16,
        })
        .collect();
    let (defs, mix, per_connection): (&[ServerClass], &[(usize, f64)], u32) =
        match (&sc.workload, &sc.pathway_xm) {
            (Some(w), _) => (&sc.server_classes, &w.mix, w.requests_per_connection),
            (None, Some(xm)) => (&xm.server_classes, &xm.mix, u32::MAX),
            _ => unreachable!("validated: a workload or Pathway/XM"),
        };
    let p_edge = if per_connection == u32::MAX {
        0.0
    } else {
        1.0 / f64::from(per_connection)
    };
    let sizes = match (&sc.workload, &sc.pathway_xm) {
        (Some(w), _) => [&w.request_bytes, &w.reply_bytes],
        (None, Some(xm)) => [&xm.request_bytes, &xm.reply_bytes],
        _ => unreachable!("validated: a workload or Pathway/XM"),
    };
    let bytes = sizes.map(|s| s.mean_bytes().round().min(f64::from(u32::MAX)) as u32);
    let msg_cpu = |m: &MsgWork, cross: bool| ns(m.cpu(bytes, cross, &node.ipc, &node.stack));
    // The same by kind: [message-system ends, TCP protocol work] [ns].
    let msg_parts = |m: &MsgWork, cross: bool| {
        let (ipc, tcp) = m.cpu_parts(bytes, cross, &node.ipc, &node.stack);
        [ns(ipc), ns(tcp)]
    };
    // What a burst of mean cost `mean` [ns] holds a core for in processor `cpu`, when a
    // share `bursts` of the requests run it (it costs them something). `split` is `mean` by
    // kind, [message system, TCP/IP, application] [ns], each at its kind's speed where the
    // type gives one (`Processor::scaled_split`).
    let procs = node.cpus.processors();
    let on = |cpu: u32, mean: f64, split: [f64; 3], bursts: f64| {
        let p = &procs[cpu as usize];
        let run = if p.kind_speeds.iter().all(|&s| s == p.speed) {
            mean / p.speed
        } else {
            (0..3).map(|k| split[k] / p.kind_speeds[k]).sum()
        };
        run + bursts * ns(p.dispatch)
    };
    let classes: Vec<ClassLoad> = mix
        .iter()
        .map(|&(k, weight)| {
            let def = &defs[k];
            let server_cpus = node.pathway.planned_server_cpus(&def.name);
            ClassLoad {
                name: def.name.clone(),
                weight,
                service: def.service.mean(),
                io: def.io.as_ref().map_or(SimDuration::ZERO, |d| d.mean()),
                maxservers: node.pathway.max_servers(&def.name),
                server_cpus,
                maxlinks: def.maxlinks,
                linkdepth: def.linkdepth,
                distributed: sc.pathway_xm.as_ref().is_some_and(|xm| xm.distributed[k]),
            }
        })
        .collect();
    let total_weight: f64 = classes.iter().map(|c| c.weight).sum();
    let service_mean: f64 = classes
        .iter()
        .map(|c| c.weight * ns(c.service))
        .sum::<f64>()
        / total_weight;

    // Which listener instances get requests, and what share.
    let mut shares: Vec<(usize, usize, f64)> = Vec::new();
    match &node.clients.population {
        Population::Terminals { terms, .. } => {
            let n = terms.len() as f64;
            for (l, list) in node.listeners.list.iter().enumerate() {
                for i in 0..list.instances.len() {
                    let k = terms
                        .iter()
                        .filter(|t| usize::from(t.0) == l && t.1 as usize == i)
                        .count();
                    if k > 0 {
                        shares.push((l, i, k as f64 / n));
                    }
                }
            }
        }
        _ => {
            let l = node
                .clients
                .target
                .expect("a TCP/IP workload has a listener");
            let n = node.listeners.list[l].instances.len();
            shares.extend((0..n).map(|i| (l, i, 1.0 / n as f64)));
        }
    }

    let cpus = node.cpus.processors();
    let mut cpu_demand = vec![0.0; cpus.len()];
    // CIP: each CLIM's share of the connections (clients spread them over the node's
    // addresses round robin) and its protocol CPU of a burst's CLIM work [ns].
    let clim_shares: Vec<(usize, f64)> = match node.lan.hosts.first() {
        Some(h) if node.clims.any() => (0..node.clims.list.len())
            .map(|c| {
                let on = h
                    .pifs
                    .iter()
                    .filter(|&&p| node.clims.of_port(carrier[usize::from(p)]) == c)
                    .count();
                (c, on as f64 / h.pifs.len() as f64)
            })
            .filter(|&(_, w)| w > 0.0)
            .collect(),
        _ => Vec::new(),
    };
    let clim_cpu = |m: &MsgWork, c: usize| -> f64 {
        let clim = &node.clims.list[c];
        (0..2)
            .filter(|&k| m.clim[k])
            .map(|k| {
                ns(clim.call_cpu) + ns(super::message_system::per_kib(clim.cpu_per_kib, bytes[k]))
            })
            .sum()
    };
    // Per process (by id): CPU per request [s]. Per class: its servers' CPU per request and
    // the hop to the server per request [s]; the link managers (requester processors) that
    // send to it.
    let mut process_demand: std::collections::BTreeMap<u32, f64> = Default::default();
    let mut pool_cpu = vec![0.0; classes.len()];
    let mut link_hop = vec![0.0; classes.len()];
    let mut link_managers: Vec<Vec<u32>> = vec![Vec::new(); classes.len()];
    let mut pif_demand = vec![(0.0, 0.0); node.lan.pifs.len()];
    let mut routes = Vec::new();
    let name_of = |p: ProcessId| node.cpus.process(p).name.clone();
    for &(l, i, share) in &shares {
        let listener = &node.listeners.list[l];
        let inst = &listener.instances[i];
        let path = &inst.path;
        let local = listener.local;
        // Requests' server processors: the class's servers, or the listener's own processor
        // for a local server class; with each its share of the requests, its class's
        // service demand, and whether its messages with the requester cross ServerNet.
        let server_split: Vec<(f64, u32, f64, bool, usize)> = classes
            .iter()
            .enumerate()
            .flat_map(|(k, c)| {
                let cpus: Vec<u32> = if local {
                    vec![inst.processor.0]
                } else {
                    c.server_cpus.clone()
                };
                let n = cpus.len().max(1) as f64;
                let requester = inst.processor.0;
                cpus.into_iter().map(move |cpu| {
                    (
                        c.weight / total_weight / n,
                        cpu,
                        ns(c.service),
                        cpu != requester,
                        k,
                    )
                })
            })
            .collect();
        let server_cpus: Vec<u32> = server_split.iter().map(|s| s.1).collect();
        // Per class: the LCS of this requester's PATHMON when the class is distributed
        // (Pathway/XM): requests cross it, and the server receives from it.
        let lcs: Vec<Option<ProcessId>> = classes
            .iter()
            .map(|c| node.pathway.lcs_for(inst.send_to, &c.name))
            .collect();
        let lcs_cpu = |k: usize| lcs[k].map(|p| node.cpus.processor_of(p).0);
        // The share of requests whose server is in another processor than the requester.
        let cross_share: f64 = server_split.iter().filter(|s| s.3).map(|s| s.0).sum();
        // Before Pathway chooses the server, the run charges the requester's send at the
        // ServerNet rate unless the route is local.
        let mut chosen = false;
        let mut legs = Vec::new();
        let mut cpu_ns = 0.0;
        for leg in &path.legs {
            let line = |what: &str, processor: String, process: String, cpu_ns: f64| LegLine {
                what: what.to_string(),
                processor,
                process,
                cpu_ns,
            };
            let line = match *leg {
                Leg::WireIn => line(
                    &format!("client wire in ({} one way)", node.lan.client_latency),
                    "-".into(),
                    "client".into(),
                    0.0,
                ),
                Leg::LanIn { host } => {
                    let (d, names) =
                        frames(&node, &carrier, host, bytes[0], share, &mut pif_demand, 0);
                    line(
                        &format!("LAN in ({d} frame of {} B)", bytes[0]),
                        "-".into(),
                        names,
                        0.0,
                    )
                }
                Leg::Admit => line(
                    "listen backlog (opening requests)",
                    "-".into(),
                    "".into(),
                    0.0,
                ),
                Leg::Cpu { who, cost } => {
                    let edge = p_edge * (ns(cost.open) + ns(cost.close));
                    // The share of requests the burst costs something: all, or those that
                    // open or close their connection.
                    let bursts = |base: f64| {
                        if base > 0.0 {
                            1.0
                        } else {
                            let k =
                                u8::from(!cost.open.is_zero()) + u8::from(!cost.close.is_zero());
                            (p_edge * f64::from(k)).min(1.0)
                        }
                    };
                    let rate = if chosen {
                        Rate::Server(cross_share)
                    } else {
                        Rate::Before(!local)
                    };
                    let what = match who {
                        Who::Process(p) if node.cpus.process(p).kind == super::ProcessKind::Acs => {
                            "CPU burst: the ACS redirector performs the send".to_string()
                        }
                        Who::Clim => "CLIM protocol work (call CPU + CPU per KiB)".to_string(),
                        _ => format!(
                            "CPU burst{}",
                            describe(&cost.msgs, bytes, &node.stack, &node.ipc, rate)
                        ),
                    };
                    match who {
                        Who::Clim => {
                            let mut mean = 0.0;
                            for &(c, w) in &clim_shares {
                                let base = ns(cost.fixed)
                                    + msg_cpu(&cost.msgs, true)
                                    + clim_cpu(&cost.msgs, c);
                                let cpu = node.clims.list[c].processor.0;
                                // All of it is TCP/IP work, on the CLIM.
                                let [ipc, tcp] = msg_parts(&cost.msgs, true);
                                let own = base - ipc - tcp + edge;
                                let here =
                                    on(cpu, base + edge, [ipc, tcp + own, 0.0], bursts(base));
                                cpu_demand[cpu as usize] += share * w * here / 1e9;
                                mean += w * here;
                            }
                            cpu_ns += mean;
                            let names: Vec<&str> = clim_shares
                                .iter()
                                .map(|&(c, _)| node.clims.list[c].name.as_str())
                                .collect();
                            line(&what, names.join(","), "CLIM stack".into(), mean)
                        }
                        Who::Process(p) => {
                            let msgs = if chosen {
                                cross_share * msg_cpu(&cost.msgs, true)
                                    + (1.0 - cross_share) * msg_cpu(&cost.msgs, false)
                            } else {
                                msg_cpu(&cost.msgs, !local)
                            };
                            let base = ns(cost.fixed)
                                + msgs
                                + if cost.service { service_mean } else { 0.0 };
                            let [ipc, tcp] = if chosen {
                                let (x, y) =
                                    (msg_parts(&cost.msgs, true), msg_parts(&cost.msgs, false));
                                [0, 1].map(|k| cross_share * x[k] + (1.0 - cross_share) * y[k])
                            } else {
                                msg_parts(&cost.msgs, !local)
                            };
                            // The burst's own cost is TCP/IP work in a TCP/IP process.
                            let own = ns(cost.fixed) + edge;
                            let tcpip_process =
                                node.cpus.process(p).kind == super::ProcessKind::TcpIp;
                            let service = if cost.service { service_mean } else { 0.0 };
                            let split = if tcpip_process {
                                [ipc, tcp + own, service]
                            } else {
                                [ipc, tcp, own + service]
                            };
                            let cpu = node.cpus.processor_of(p).0;
                            let mean = on(cpu, base + edge, split, bursts(base));
                            cpu_demand[cpu as usize] += share * mean / 1e9;
                            *process_demand.entry(p.0).or_default() += share * mean / 1e9;
                            cpu_ns += mean;
                            line(&what, cpu.to_string(), name_of(p), mean)
                        }
                        Who::Server => {
                            let mut mean = 0.0;
                            for &(w, cpu, _, cross, k) in &server_split {
                                let base = ns(cost.fixed) + msg_cpu(&cost.msgs, cross);
                                let [ipc, tcp] = msg_parts(&cost.msgs, cross);
                                let split = [ipc, tcp, ns(cost.fixed) + edge];
                                let here = on(cpu, base + edge, split, bursts(base));
                                cpu_demand[cpu as usize] += share * w * here / 1e9;
                                pool_cpu[k] += share * w * here / 1e9;
                                mean += w * here;
                            }
                            cpu_ns += mean;
                            line(
                                &format!("{what}: reply"),
                                cpu_range(&server_cpus),
                                "server".into(),
                                mean,
                            )
                        }
                    }
                }
                Leg::Hop { from, to, msg } => {
                    let b = bytes[msg as usize];
                    let (same, cross) = (
                        node.ipc.latency_of(ProcessorId(0), ProcessorId(0), b),
                        node.ipc.latency_of(ProcessorId(0), ProcessorId(1), b),
                    );
                    let at = |w: Who| match w {
                        Who::Process(p) => node.cpus.processor_of(p).0.to_string(),
                        Who::Clim => "CLIM".to_string(),
                        Who::Server => "server".to_string(),
                    };
                    let kind = match (from, to) {
                        (Who::Process(a), Who::Process(b))
                            if node.cpus.processor_of(a) == node.cpus.processor_of(b) =>
                        {
                            format!("same processor, {same}")
                        }
                        (Who::Process(_), Who::Process(_)) | (Who::Clim, _) | (_, Who::Clim) => {
                            format!("ServerNet, {cross}")
                        }
                        _ => format!("same processor {same} or ServerNet {cross}"),
                    };
                    let name = |w: Who| match w {
                        Who::Process(p) => name_of(p),
                        Who::Clim => "CLIM".into(),
                        Who::Server => "server".into(),
                    };
                    line(
                        &format!("hop {} -> {} ({b} B; {kind})", name(from), name(to)),
                        format!("{}->{}", at(from), at(to)),
                        "message system".into(),
                        0.0,
                    )
                }
                Leg::Handled => continue,
                Leg::Pathsend => {
                    chosen = true;
                    for &(w, _, _, cross, k) in &server_split {
                        let to = ProcessorId(u32::from(cross));
                        let d = node.ipc.latency_of(ProcessorId(0), to, bytes[0]);
                        link_hop[k] += share * w * d.as_secs_f64();
                        if !link_managers[k].contains(&inst.processor.0) {
                            link_managers[k].push(inst.processor.0);
                        }
                    }
                    if lcs.iter().any(Option::is_some) {
                        legs.push(lcs_line(
                            &node,
                            inst.processor.0,
                            &classes,
                            total_weight,
                            &lcs,
                            &server_split,
                            (bytes[0], share),
                            (&mut cpu_demand, &mut process_demand, &mut cpu_ns),
                        ));
                    }
                    let via = if lcs.iter().all(Option::is_some) {
                        ("LCS forwards: hop to server", "LCS")
                    } else {
                        ("Pathsend: link, hop to server", "link manager")
                    };
                    line(
                        &format!(
                            "{} ({} B; same processor {} or ServerNet {})",
                            via.0,
                            bytes[0],
                            node.ipc
                                .latency_of(ProcessorId(0), ProcessorId(0), bytes[0]),
                            node.ipc
                                .latency_of(ProcessorId(0), ProcessorId(1), bytes[0])
                        ),
                        format!("{}->{}", inst.processor.0, cpu_range(&server_cpus)),
                        via.1.into(),
                        0.0,
                    )
                }
                Leg::ServerWork => {
                    // Receive (at the rate between the requester's processor and the
                    // server's) and this class's service, on this server's processor.
                    let mut mean = 0.0;
                    for &(w, cpu, service, cross, k) in &server_split {
                        // From its LCS for a distributed class.
                        let cross = lcs_cpu(k).map_or(cross, |l| l != cpu);
                        let receive = ns(node.ipc.cpu(cross, bytes[0]));
                        let base = receive + service;
                        let split = [receive, 0.0, service];
                        let here = on(cpu, base, split, if base > 0.0 { 1.0 } else { 0.0 });
                        cpu_demand[cpu as usize] += share * w * here / 1e9;
                        pool_cpu[k] += share * w * here / 1e9;
                        mean += w * here;
                    }
                    cpu_ns += mean;
                    let what = format!(
                        "server: $RECEIVE queue, receive{} + service",
                        describe_end(&node.ipc, bytes[0], Rate::Server(cross_share))
                    );
                    line(&what, cpu_range(&server_cpus), "server".into(), mean)
                }
                Leg::Io { who } => {
                    let io: f64 =
                        classes.iter().map(|c| c.weight * ns(c.io)).sum::<f64>() / total_weight;
                    let by = match who {
                        Who::Process(p) => name_of(p),
                        Who::Clim => "CLIM".into(),
                        Who::Server => "server".into(),
                    };
                    line(
                        &format!("I/O ({:.1} us mean)", io / 1e3),
                        "-".into(),
                        by,
                        0.0,
                    )
                }
                Leg::Release => line("server releases its link", "-".into(), "".into(), 0.0),
                Leg::LanOut { host } => {
                    let (d, names) =
                        frames(&node, &carrier, host, bytes[1], share, &mut pif_demand, 1);
                    line(
                        &format!("LAN out ({d} frame of {} B), wire", bytes[1]),
                        "-".into(),
                        names,
                        0.0,
                    )
                }
                Leg::WireOut => line("wire out to the terminal", "-".into(), "client".into(), 0.0),
                Leg::Done => line("reply at the client", "-".into(), "client".into(), 0.0),
            };
            legs.push(line);
        }
        routes.push(RoutePath {
            name: name_of(inst.process),
            share,
            // A distributed class's requests cross one more message, to the LCS.
            hops: path.hops() + u32::from(!lcs.is_empty() && lcs.iter().all(Option::is_some)),
            legs,
            cpu_ns,
        });
    }
    let mut demands: Vec<ResourceDemand> = cpu_demand
        .iter()
        .enumerate()
        .filter(|(_, d)| **d > 0.0)
        .map(
            |(k, &d)| match node.clims.list.iter().find(|c| c.processor.0 as usize == k) {
                Some(c) => ResourceDemand {
                    name: format!("CLIM {}", c.name),
                    kind: ResourceKind::Clim,
                    demand_s: d,
                    servers: cpus[k].cores,
                },
                None => ResourceDemand {
                    name: format!("cpu{k}"),
                    kind: ResourceKind::Processor,
                    demand_s: d,
                    servers: cpus[k].cores,
                },
            },
        )
        .collect();
    for (p, &(i, o)) in pif_demand.iter().enumerate() {
        for (dir, d) in [("in", i), ("out", o)] {
            if d > 0.0 {
                demands.push(ResourceDemand {
                    name: format!("{} {dir}", node.lan.pifs[p].name),
                    kind: ResourceKind::Pif,
                    demand_s: d,
                    servers: 1,
                });
            }
        }
    }
    // Processes that cannot use every core of their processor: min(threads, cores) cores
    // (one for a single-threaded process; `processor.rs` runs that many of its bursts at
    // once). Where they can, the processor's bound is already the process's.
    for (&p, &d) in &process_demand {
        let p = ProcessId(p);
        let cpu = node.cpus.processor_of(p).0 as usize;
        let threads = node.cpus.process(p).threads;
        if d > 0.0 && cpus[cpu].cores > threads {
            demands.push(ResourceDemand {
                name: name_of(p),
                kind: ResourceKind::Process,
                demand_s: d,
                servers: threads,
            });
        }
    }
    // Server pools and links, per class with server processes that requests reach.
    let shipped = shares
        .iter()
        .any(|&(l, _, _)| node.listeners.list[l].relays);
    for (k, c) in classes.iter().enumerate() {
        // Every server the class may run, dynamic ones included.
        let n = c.maxservers;
        if n == 0 || c.server_cpus.is_empty() || !shipped {
            continue;
        }
        let f = c.weight / total_weight;
        let hold = pool_cpu[k] + f * c.io.as_secs_f64();
        if hold > 0.0 {
            demands.push(ResourceDemand {
                name: format!("servers {}", c.name),
                kind: ResourceKind::ServerPool,
                demand_s: hold,
                servers: n,
            });
        }
        let by_depth = u64::from(n) * u64::from(c.linkdepth) * link_managers[k].len() as u64;
        let links = match c.maxlinks {
            Some(m) => by_depth.min(u64::from(n) * u64::from(m)),
            None => by_depth,
        };
        let link_hold = hold + link_hop[k];
        if link_hold > 0.0 && links > 0 && !c.distributed {
            demands.push(ResourceDemand {
                name: format!("links {}", c.name),
                kind: ResourceKind::Links,
                demand_s: link_hold,
                servers: u32::try_from(links).unwrap_or(u32::MAX),
            });
        }
    }
    let bottleneck = (0..demands.len()).min_by(|&a, &b| {
        demands[a]
            .ceiling_per_s()
            .total_cmp(&demands[b].ceiling_per_s())
    });
    let cpu_ns = routes.iter().map(|r| r.share * r.cpu_ns).sum();
    Explanation {
        scenario: sc.name.clone(),
        routes,
        cpu_ns,
        demands,
        bottleneck,
        bytes,
        processor_types: processor_types(sc),
        cpu_busy_per_request_s: cpu_demand
            .iter()
            .enumerate()
            .map(|(k, d)| d / f64::from(cpus[k].cores))
            .collect(),
    }
}

/// The LCS leg of a Pathway/XM requester whose classes are (some of them) distributed: the
/// hop to the LCS, its receive and its send to the server (one message end each, at the rate
/// between the LCS's processor and its peer's), charged to the LCS's process and processor.
#[allow(clippy::too_many_arguments, reason = "the explain loop's accumulators")]
fn lcs_line(
    node: &Node,
    requester: u32,
    classes: &[ClassLoad],
    total_weight: f64,
    lcs: &[Option<ProcessId>],
    server_split: &[(f64, u32, f64, bool, usize)],
    (bytes, share): (u32, f64),
    (cpu_demand, process_demand, cpu_ns): (
        &mut [f64],
        &mut std::collections::BTreeMap<u32, f64>,
        &mut f64,
    ),
) -> LegLine {
    let procs = node.cpus.processors();
    let on = |cpu: u32, base: f64| {
        let p = &procs[cpu as usize];
        if base > 0.0 {
            // Message-system work: at the type's message-system speed.
            base / p.kind_speeds[0] + ns(p.dispatch)
        } else {
            0.0
        }
    };
    let (mut mean, mut names, mut cpus, mut distributed) = (0.0, Vec::new(), Vec::new(), 0.0);
    for (k, c) in classes.iter().enumerate() {
        let Some(p) = lcs[k] else {
            continue;
        };
        let w = c.weight / total_weight;
        let at = node.cpus.processor_of(p).0;
        let receive = on(at, ns(node.ipc.cpu(at != requester, bytes)));
        let send: f64 = server_split
            .iter()
            .filter(|s| s.4 == k)
            .map(|&(ws, cpu, ..)| ws / w * on(at, ns(node.ipc.cpu(at != cpu, bytes))))
            .sum();
        let here = receive + send;
        cpu_demand[at as usize] += share * w * here / 1e9;
        *process_demand.entry(p.0).or_default() += share * w * here / 1e9;
        mean += w * here;
        distributed += w;
        names.push(node.cpus.process(p).name.clone());
        cpus.push(at.to_string());
    }
    *cpu_ns += mean;
    LegLine {
        what: format!(
            "LCS ({:.1} % of requests, distributed classes): hop to it, receive + send to a reserved server",
            100.0 * distributed
        ),
        processor: format!("{requester}->{}", cpus.join(",")),
        process: names.join(" "),
        cpu_ns: mean,
    }
}

/// A frame of `bytes` at a host's PIFs: connections spread over them round robin, so each
/// carries an equal part of the route's `share`, on the port that carries its address
/// (`carrier`: its partner when it has failed). Returns the frame time and the PIF names
/// (with a failover partner in brackets, or the partner carrying a failed one).
fn frames(
    node: &Node,
    carrier: &[u16],
    host: u16,
    bytes: u32,
    share: f64,
    demand: &mut [(f64, f64)],
    dir: usize,
) -> (SimDuration, String) {
    let pifs = &node.lan.hosts[usize::from(host)].pifs;
    let each = share / pifs.len() as f64;
    let mut names = Vec::new();
    let mut d = SimDuration::ZERO;
    for &home in pifs {
        let p = carrier[usize::from(home)];
        let pif = &node.lan.pifs[usize::from(p)];
        d = pif.frame_time(bytes);
        let slot = &mut demand[usize::from(p)];
        if dir == 0 {
            slot.0 += each * d.as_secs_f64();
        } else {
            slot.1 += each * d.as_secs_f64();
        }
        names.push(match pif.partner {
            _ if p != home => format!(
                "{} (on {})",
                node.lan.pifs[usize::from(home)].name,
                pif.name
            ),
            Some(q) => format!("{} (pair {})", pif.name, node.lan.pifs[usize::from(q)].name),
            None => pif.name.clone(),
        });
    }
    (d, names.join(", "))
}

/// The processor types, one line per type in CPU order of first use, when any processor is
/// not the baseline (speed 1, no dispatch cost); else none.
fn processor_types(sc: &Scenario) -> Vec<String> {
    let types: Vec<_> = (0..sc.system.processors)
        .map(|cpu| sc.system.processor_type(cpu))
        .collect();
    if types.iter().all(|t| {
        t.speed == 1.0
            && t.dispatch_cpu.is_zero()
            && t.kind_speeds == [1.0; 3]
            && t.threads.is_empty()
    }) {
        return Vec::new();
    }
    let mut lines = Vec::new();
    let mut seen: Vec<&str> = Vec::new();
    for t in &types {
        if seen.contains(&t.name.as_str()) {
            continue;
        }
        seen.push(&t.name);
        let cpus: Vec<u32> = (0..sc.system.processors)
            .filter(|&c| types[c as usize].name == t.name)
            .collect();
        // Speeds per kind only where one differs from `speed`.
        let kinds = if t.kind_speeds.iter().all(|&s| s == t.speed) {
            String::new()
        } else {
            let [m, c, a] = t.kind_speeds;
            format!(", message system {m}, TCP/IP {c}, application {a}")
        };
        // Threads only where the type gives some.
        let threads = if t.threads.is_empty() {
            String::new()
        } else {
            let each: Vec<String> = t.threads.iter().map(|(k, n)| format!("{k} {n}")).collect();
            format!(", {} cores, threads: {}", t.cores, each.join(", "))
        };
        lines.push(format!(
            "cpu{}: {} (speed {}{kinds}, dispatch {}{threads})",
            cpu_range(&cpus),
            t.name,
            t.speed,
            t.dispatch_cpu
        ));
    }
    lines
}
