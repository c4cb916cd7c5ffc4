//! Wiring: a validated [`Scenario`] becomes the component arena, and the arena's counters
//! become [`RunResults`] at the end.
//!
//! Names follow NonStop conventions: TCP/IP processes keep their scenario names (`$ZTC3`),
//! listener instances are `<listener>-<cpu>` (`$DIST-3`), server processes `<class>#<n>`
//! (`A#0`), PIFs `G4SA<adapter>.0.<port letter>` with four ports per adapter.

use std::collections::VecDeque;

use crate::engine::{RngStreams, SimTime};
use crate::scenario::{Arrivals, ListenerModel, Scenario, StackKind};
use crate::stats::{
    KindShare, ListenerResult, PifResult, ProcessResult, ProcessorResult, Recorder, RunResults,
    ServerClassResult,
};

use super::lan::Pif;
use super::listener::{Listener, ListenerInstance};
use super::message_system::MessageSystem;
use super::pathway::ServerClass;
use super::processor::{Process, ProcessId, ProcessKind, Processor, ProcessorId};
use super::request::Slab;
use super::tcpip::{Endpoint, StackCosts};
use super::workload::{Mix, Sampler};
use super::{ClassDraws, Clients, Cluster};

fn pif_name(i: usize) -> String {
    let port = (b'A' + (i % 4) as u8) as char;
    format!("G4SA{}.0.{port}", i / 4)
}

impl Cluster {
    /// Builds the arena. The scenario has been validated; a dangling index here is a bug.
    pub fn build(sc: &Scenario) -> Cluster {
        let streams = RngStreams::new(sc.run.seed);
        let processors = (0..sc.system.processors)
            .map(|_| Processor::new(sc.system.cores))
            .collect();
        let mut processes: Vec<Process> = Vec::new();
        let mut spawn = |name: String, kind: ProcessKind, cpu: u32, priority: u8| {
            assert!(
                cpu < sc.system.processors,
                "process {name} on missing processor {cpu}"
            );
            processes.push(Process {
                name,
                kind,
                processor: ProcessorId(cpu),
                priority,
                bursts: VecDeque::new(),
                running: false,
                busy_ns: 0,
                bursts_started: 0,
                ready_wait_ns: 0,
            });
            ProcessId(processes.len() as u32 - 1)
        };

        // TCP/IP processes (conventional) each own a PIF; the parallel stack shares one.
        let mut pifs = Vec::new();
        let mut stack_procs = Vec::new();
        for (i, t) in sc.tcpip.processes.iter().enumerate() {
            stack_procs.push(spawn(
                t.name.clone(),
                ProcessKind::TcpIp,
                t.processor,
                sc.tcpip.priority,
            ));
            pifs.push(Pif::new(pif_name(i), sc.lan.pif_bandwidth_bps));
        }
        if sc.tcpip.stack == StackKind::Parallel {
            pifs.push(Pif::new(pif_name(0), sc.lan.pif_bandwidth_bps));
        }

        let listeners = sc
            .listeners
            .iter()
            .map(|l| {
                let kind = match l.model {
                    ListenerModel::Distributor => ProcessKind::Distributor,
                    ListenerModel::Parallel => ProcessKind::Listener,
                };
                let instances = l
                    .processors
                    .iter()
                    .enumerate()
                    .map(|(i, &cpu)| {
                        let endpoint = match sc.tcpip.stack {
                            StackKind::Conventional => {
                                let t = l.tcpip[i];
                                Endpoint {
                                    tcpip: Some(stack_procs[t]),
                                    pif: t,
                                    ip_host: sc.tcpip.processes[t].name.clone(),
                                }
                            }
                            StackKind::Parallel => Endpoint {
                                tcpip: None,
                                pif: 0,
                                ip_host: "shared".to_string(),
                            },
                        };
                        ListenerInstance {
                            process: spawn(format!("{}-{cpu}", l.name), kind, cpu, l.priority),
                            processor: ProcessorId(cpu),
                            endpoint,
                            pending_accepts: 0,
                            connections: 0,
                            requests: 0,
                            syn_drops: 0,
                        }
                    })
                    .collect();
                Listener::new(l.model, instances, l.accept_cpu, l.handle_cpu)
            })
            .collect();

        let mut classes = Vec::new();
        let mut draws = Vec::new();
        for c in &sc.server_classes {
            let servers = (0..c.servers)
                .map(|k| {
                    let cpu = c.processors[k as usize % c.processors.len()];
                    spawn(
                        format!("{}#{k}", c.name),
                        ProcessKind::Server,
                        cpu,
                        c.priority,
                    )
                })
                .collect();
            classes.push(ServerClass::new(c.name.clone(), servers));
            draws.push(ClassDraws {
                service: Sampler::new(&c.service),
                service_rng: streams.stream(&format!("class/{}/service", c.name)),
                io: c.io.as_ref().map(|d| {
                    (
                        Sampler::new(d),
                        streams.stream(&format!("class/{}/io", c.name)),
                    )
                }),
            });
        }

        let w = &sc.workload;
        let clients = match &w.arrivals {
            Arrivals::Open { interarrival } => Clients::Open {
                interarrival: Sampler::new(interarrival),
                rng: streams.stream("workload/arrivals"),
            },
            Arrivals::Closed { clients, think } => Clients::Closed {
                clients: *clients,
                think: Sampler::new(think),
                rng: streams.stream("workload/think"),
            },
        };
        let end = SimTime::ZERO + sc.run.duration;
        Cluster {
            name: sc.name.clone(),
            seed: sc.run.seed,
            warmup: sc.run.warmup,
            ipc: MessageSystem {
                cpu_per_message: sc.message_system.cpu_per_message,
                latency_same_processor: sc.message_system.latency_same_processor,
                latency_cross_processor: sc.message_system.latency_cross_processor,
            },
            stack: StackCosts {
                kind: sc.tcpip.stack,
                segment_cpu: sc.tcpip.segment_cpu,
                connect_cpu: sc.tcpip.connect_cpu,
                close_cpu: sc.tcpip.close_cpu,
                backlog: sc.tcpip.backlog,
                syn_retry: sc.tcpip.syn_retry,
                syn_retries: sc.tcpip.syn_retries,
            },
            client_latency: sc.lan.client_latency,
            request_bytes: w.request_bytes,
            reply_bytes: w.reply_bytes,
            processors,
            processes,
            pifs,
            listeners,
            target: w.listener,
            classes,
            draws,
            clients,
            requests_per_connection: w.requests_per_connection,
            mix: Mix::new(&w.mix),
            mix_rng: streams.stream("workload/mix"),
            accepting: true,
            max_requests: sc.run.max_requests,
            end,
            requests: Slab::default(),
            sessions: Slab::default(),
            rec: Recorder::new(
                SimTime::ZERO + sc.run.warmup,
                end,
                sc.run.sample_interval,
                sc.server_classes.len(),
            ),
        }
    }

    /// Checks the end-of-run invariants and collects the results.
    pub(super) fn results(&self, now: SimTime, events: u64, wall_s: f64) -> RunResults {
        let mut counts = self.rec.counts.clone();
        counts.in_flight = self.requests.len() as u64;
        assert_eq!(
            counts.offered,
            counts.completed + counts.failed + counts.in_flight,
            "conservation violated in '{}' (seed {}): offered != completed + failed + in flight",
            self.name,
            self.seed
        );
        let window_ns = self.rec.window().as_nanos() as f64;
        let processors = self
            .processors
            .iter()
            .enumerate()
            .map(|(id, cpu)| {
                let capacity = window_ns * f64::from(cpu.cores);
                let busy_by_kind: Vec<KindShare> = ProcessKind::ALL
                    .iter()
                    .map(|&k| KindShare {
                        kind: k.name().to_string(),
                        busy_ratio: self
                            .processes
                            .iter()
                            .filter(|p| p.processor.0 as usize == id && p.kind == k)
                            .map(|p| p.busy_ns as f64)
                            .sum::<f64>()
                            / capacity,
                    })
                    .collect();
                let busy_ratio = busy_by_kind.iter().map(|k| k.busy_ratio).sum();
                assert!(
                    busy_ratio <= 1.0 + 1e-9,
                    "processor {id} busier than its cores"
                );
                ProcessorResult {
                    id: id as u32,
                    busy_ratio,
                    busy_by_kind,
                }
            })
            .collect();
        let processes = self
            .processes
            .iter()
            .map(|p| ProcessResult {
                name: p.name.clone(),
                kind: p.kind.name().to_string(),
                processor: p.processor.0,
                busy_ratio: p.busy_ns as f64 / window_ns,
                bursts: p.bursts_started,
                ready_wait_ms_mean: if p.bursts_started == 0 {
                    0.0
                } else {
                    p.ready_wait_ns as f64 / p.bursts_started as f64 / 1e6
                },
            })
            .collect();
        let server_classes = self
            .classes
            .iter()
            .zip(self.rec.classes())
            .map(|(c, t)| {
                let per = |sum: u128| {
                    if t.completed == 0 {
                        0.0
                    } else {
                        sum as f64 / t.completed as f64 / 1e6
                    }
                };
                ServerClassResult {
                    name: c.name.clone(),
                    servers: c.servers.len() as u32,
                    completed: t.completed,
                    latency_ms_mean: per(t.latency_sum_ns),
                    queue_wait_ms_mean: per(t.queue_wait_sum_ns),
                    queue_length_mean: c.queue_len.mean(now, &self.rec),
                    queue_length_max: c.queue_len.max(),
                    server_busy_ratio: if c.servers.is_empty() {
                        0.0
                    } else {
                        c.busy.mean(now, &self.rec) / c.servers.len() as f64
                    },
                }
            })
            .collect();
        let listeners = self
            .listeners
            .iter()
            .flat_map(|l| {
                l.instances.iter().map(|i| ListenerResult {
                    name: self.processes[i.process.0 as usize].name.clone(),
                    processor: i.processor.0,
                    ip_host: i.endpoint.ip_host.clone(),
                    connections: i.connections,
                    requests: i.requests,
                    syn_drops: i.syn_drops,
                })
            })
            .collect();
        let pifs = self
            .pifs
            .iter()
            .map(|p| PifResult {
                name: p.name.clone(),
                busy_ratio_in: p.busy_in_ns as f64 / window_ns,
                busy_ratio_out: p.busy_out_ns as f64 / window_ns,
            })
            .collect();
        let target = &self.listeners[self.target];
        RunResults {
            scenario: self.name.clone(),
            seed: self.seed,
            stack: match self.stack.kind {
                StackKind::Conventional => "conventional",
                StackKind::Parallel => "parallel",
            }
            .to_string(),
            listener_model: match target.model {
                ListenerModel::Distributor => "distributor",
                ListenerModel::Parallel => "parallel",
            }
            .to_string(),
            sim_time_s: now.as_secs_f64(),
            measured_s: self.rec.window().as_secs_f64(),
            warmup_s: self.warmup.as_secs_f64(),
            events,
            wall_s,
            events_per_s: if wall_s > 0.0 {
                events as f64 / wall_s
            } else {
                0.0
            },
            requests: counts,
            throughput_per_s: self.rec.throughput_per_s(),
            offered_per_s: self.rec.offered_per_s(),
            connections_per_s: self.rec.connections_per_s(),
            latency_ms: self.rec.latency_summary(),
            hops_per_request_mean: self.rec.hops_per_request_mean(),
            processors,
            processes,
            server_classes,
            listeners,
            pifs,
            latency_histogram: self.rec.latency_histogram(),
            timeseries: self.rec.timeseries(),
        }
    }
}
