//! Wiring: a validated [`Scenario`] becomes a [`Node`]: processes in their processors, PIFs,
//! listeners, PATHMONs, server classes, routes and link managers, and the client population.
//!
//! Names follow NonStop conventions: TCP/IP processes keep their scenario names (`$ZTC3`),
//! listener instances are `<listener>-<cpu>` (`$DIST-3`), server processes `<class>#<n>`
//! (`A#0`), PIFs by their scenario names (`G4SA<adapter>.0.<port letter>`, four ports per
//! adapter), in the order the hosts list them. Pathway/XM's
//! generated PATHMONs and TCPs are named by `pathway_xm::assign` (`$XM0`, `$T0`).

use crate::engine::{RngStreams, SimDuration, SimTime};
use crate::scenario::limits::MAX_MESSAGE_BYTES;
use crate::scenario::{Arrivals, LinkManagerKind, ListenerModel, Scenario, Serve};
use crate::stats::Recorder;

use super::clients::{ClassDraws, Clients, Population};
use super::ids::ProcessId;
use super::lan::Lan;
use super::listener::Listeners;
use super::message_system::MessageSizes;
use super::observe::XmInfo;
use super::pathway::{self, Pathway, TcpSpec};
use super::pathway_xm::{self, XmAssignment};
use super::processor::{Cpus, ProcessKind};
use super::request::Requests;
use super::tcpip;
use super::workload::{Mix, Sampler, Varying, configured_mean_per_s};
use super::{Node, RunInfo};

impl Node {
    /// Builds the arena. The scenario has been validated; a dangling index here is a bug.
    pub fn build(sc: &Scenario) -> Node {
        let streams = RngStreams::new(sc.run.seed);
        let end = SimTime::ZERO + sc.run.duration;
        let xm_plan = sc.pathway_xm.as_ref().map(pathway_xm::assign);
        let mut clients = Clients::new(
            Population::Open {
                interarrival: Sampler::Constant(SimDuration::ZERO),
                rng: streams.stream("unused"),
            },
            streams.stream("workload/mix"),
            // Closed clients start from this stream, Pathway/XM terminals from their own.
            streams.stream(if sc.workload.is_some() {
                "workload/start"
            } else {
                "xm/start"
            }),
        );
        clients.max_requests = sc.run.max_requests;
        let mut c = Node {
            run: RunInfo {
                name: sc.name.clone(),
                seed: sc.run.seed,
                warmup_requests: sc.run.warmup_requests,
                end,
                sample_interval: sc.run.sample_interval,
                max_in_flight: usize::try_from(sc.run.max_in_flight).unwrap_or(usize::MAX),
            },
            stopped: None,
            cpus: Cpus::build(sc),
            ipc: sc.message_system.clone(),
            stack: sc.tcpip.clone(),
            lan: Lan::new(sc.lan.client_latency),
            clims: Default::default(),
            listeners: Listeners::default(),
            pathway: Pathway::default(),
            clients,
            requests: Requests::default(),
            rec: Recorder::new(
                SimTime::ZERO + sc.run.warmup,
                end,
                sc.run.sample_interval,
                0,
            ),
            faults: super::fault::Runtime::new(
                &sc.faults,
                sc.run.seed,
                sc.system.processors,
                sc.run.duration,
                sc.tcpip.hosts().concat(),
            ),
            xm: xm_plan.clone().map(|plan| XmInfo {
                plan,
                templates: sc
                    .pathway_xm
                    .iter()
                    .flat_map(|x| x.tcp_templates.iter().map(|t| t.name.clone()))
                    .collect(),
                terms: sc
                    .pathway_xm
                    .iter()
                    .flat_map(|x| x.terms.iter().map(|t| t.name.clone()))
                    .collect(),
            }),
            failed: Default::default(),
            ready: Default::default(),
            trace: None,
        };

        // Pathway first: its PATHMONs and static servers are the first processes.
        let parts = pathway::parts(sc, xm_plan.as_ref());
        c.pathway = Pathway::assemble(&parts, &mut c.cpus);
        // Requests name a class by its first definition: what its work needs is drawn there.
        let mut names: Vec<String> = Vec::new();
        for first in c.pathway.first_instances() {
            let k = &parts.classes[first];
            names.push(k.name.clone());
            c.clients.draws.push(ClassDraws {
                service: Sampler::new(&k.service),
                service_rng: streams.stream(&format!("class/{}/service", k.name)),
                io: k.io.as_ref().map(|d| {
                    (
                        Sampler::new(d),
                        streams.stream(&format!("class/{}/io", k.name)),
                    )
                }),
            });
        }
        c.rec = Recorder::new(
            SimTime::ZERO + sc.run.warmup,
            end,
            sc.run.sample_interval,
            c.pathway.class_instances(),
        );
        if let Some((from, to)) = sc.run.report_window {
            c.rec.report_span(SimTime::ZERO + from, SimTime::ZERO + to);
        }
        if let Some(n) = sc.run.warmup_requests {
            c.rec.warmup_by_requests(n);
        }
        c.pathway.start(&c.rec);
        c.pathway.set_lcs_reservations(sc.faults.lcs_reservations);

        match (&sc.workload, &sc.pathway_xm, &xm_plan) {
            (Some(w), _, _) => c.build_tcpip_clients(sc, w, &streams, &names),
            (None, Some(xm), Some(plan)) => c.build_terminals(xm, plan, &streams),
            _ => unreachable!("validated: a workload or Pathway/XM"),
        }
        // Under ACS with a CPU per send, each processor's redirector performs the sends made
        // there (issue 16 item 1.5); none is spawned otherwise.
        let limits = &sc.pathway;
        let redirectors: Vec<ProcessId> =
            if limits.link_manager == LinkManagerKind::Acs && !limits.redirector_cpu.is_zero() {
                (0..sc.system.processors)
                    .map(|cpu| {
                        let name = format!("$ZL{cpu:02}");
                        c.cpus
                            .spawn(name, ProcessKind::Acs, cpu, limits.redirector_priority)
                    })
                    .collect()
            } else {
                Vec::new()
            };
        let rout = (!redirectors.is_empty()).then_some((&redirectors[..], limits.redirector_cpu));
        c.listeners.build_paths(&c.cpus, &c.stack, rout);
        c
    }

    /// TCP/IP processes, PIFs, listeners and the open or closed client population.
    fn build_tcpip_clients(
        &mut self,
        sc: &Scenario,
        w: &crate::scenario::Workload,
        streams: &RngStreams,
        names: &[String],
    ) {
        let stack = tcpip::spawn_processes(sc, &mut self.cpus);
        self.lan = Lan::build(sc);
        self.clims = super::clim::Clims::build(sc, &mut self.cpus, &self.lan);
        // A CLIM's failure is followed like a processor's (`clim_failover.rs`).
        self.faults
            .declared
            .resize(self.cpus.processors().len(), false);
        self.faults.clims = sc.tcpip.clims.iter().map(|c| c.name.clone()).collect();
        self.faults.clim_fault = vec![None; sc.tcpip.clims.len()];
        self.listeners = Listeners::build(sc, &stack, &mut self.cpus);
        self.clients.target = Some(w.listener);
        // Sizes are cut to the largest message the workload's path carries.
        let l = &sc.listeners[w.listener];
        let relays = l.model == ListenerModel::Distributor || l.serve == Serve::LocalServerClass;
        let cap = if relays {
            l.pathsend_api.max_bytes()
        } else {
            MAX_MESSAGE_BYTES
        };
        self.clients.sizes = Some(MessageSizes::new(
            &w.request_bytes.0,
            &w.reply_bytes.0,
            streams,
            "workload",
            cap,
        ));
        self.clients.requests_per_connection = w.requests_per_connection;
        self.clients.retry = w.retry;
        self.clients.patience = w
            .abandon_after
            .as_ref()
            .map(|d| (Sampler::new(d), streams.stream("workload/abandon_after")));
        self.clients.abandon = w.abandon;
        // The mix names classes by their first definition; requests carry the name's slot.
        let mix: Vec<(usize, f64)> = w
            .mix
            .iter()
            .map(|&(k, p)| {
                let name = &sc.server_classes[k].name;
                (
                    names
                        .iter()
                        .position(|n| n == name)
                        .expect("mix names a class"),
                    p,
                )
            })
            .collect();
        self.clients.mix = Mix::new(&mix);
        match &w.arrivals {
            Arrivals::Open { interarrival } => {
                self.rec.configured_per_s =
                    Some(1e9 / interarrival.mean().as_nanos().max(1) as f64);
            }
            Arrivals::Varying(v) => {
                // The mean configured rate over the measurement window.
                self.rec.configured_per_s = Some(configured_mean_per_s(
                    v,
                    SimTime::ZERO + sc.run.warmup,
                    SimTime::ZERO + sc.run.duration,
                    w.requests_per_connection,
                ));
            }
            Arrivals::Closed { .. } => {}
        }
        self.clients.population = match &w.arrivals {
            Arrivals::Open { interarrival } => Population::Open {
                interarrival: Sampler::new(interarrival),
                rng: streams.stream("workload/arrivals"),
            },
            Arrivals::Varying(v) => Population::Varying {
                process: Varying::new(v, streams.stream("workload/mmpp"), sc.run.sample_interval),
                rng: streams.stream("workload/arrivals"),
            },
            Arrivals::Closed {
                clients,
                think,
                start,
            } => Population::Closed {
                clients: *clients,
                start: *start,
                think: Sampler::new(think),
                rng: streams.stream("workload/think"),
            },
        };
    }

    /// Pathway/XM: a TCP process per planned TCP (one listener per template, so each keeps its
    /// template's CPU cost), each sending to its PATHMON; terminals as closed-loop clients.
    fn build_terminals(
        &mut self,
        xm: &crate::scenario::PathwayXm,
        plan: &XmAssignment,
        streams: &RngStreams,
    ) {
        let (listeners, slot) = Listeners::build_tcps(xm, plan, &mut self.cpus);
        // Each TCP is a link manager of its own (`pathway/tcp.rs`), in plan (= spawn) order.
        let tcps: Vec<TcpSpec> = plan
            .tcps
            .iter()
            .zip(&slot)
            .map(|(t, &(l, i))| TcpSpec {
                name: t.name.clone(),
                process: listeners.list[l as usize].instances[i as usize].process,
                cpu: t.primary,
                maxserverprocesses: xm.tcp_templates[t.template].maxserverprocesses,
                target: t.pathmon,
            })
            .collect();
        self.pathway.add_tcps(&tcps);
        self.listeners = listeners;
        // A terminal's request and reply cross the message system only (no LAN): their sizes
        // set the IPC costs; cut to the TCPs' send limit.
        self.clients.sizes = Some(MessageSizes::new(
            &xm.request_bytes.0,
            &xm.reply_bytes.0,
            streams,
            "xm",
            xm.pathsend_api.max_bytes(),
        ));
        self.clients.mix = Mix::new(&xm.mix);
        self.clients.population = Population::Terminals {
            terms: xm
                .terms
                .iter()
                .enumerate()
                .map(|(term, t)| {
                    let (listener, instance) = slot[plan.term_tcp[term]];
                    (listener, instance, Sampler::new(&t.think))
                })
                .collect(),
            rng: streams.stream("xm/think"),
        };
        self.clients.patience = xm
            .abandon_after
            .as_ref()
            .map(|d| (Sampler::new(d), streams.stream("xm/abandon_after")));
        self.clients.abandon = xm.abandon;
        // A terminal's failed send follows the terminals' retry policy (`retry.rs`).
        self.clients.retry = xm.retry;
    }
}
