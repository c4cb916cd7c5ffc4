//! Observation: the node's counters become [`RunResults`] at the end of a run, after the
//! conservation checks (created = completed + failed + in flight; no processor busier than
//! its cores). Also the queries a fault model needs on a live node: which requests each
//! processor holds.

use crate::engine::SimTime;
use crate::scenario::{ListenerModel, StackKind};
use crate::stats::{
    ClassBreakdown, KindShare, LinkManagerResult, ListenerResult, PathmonShare, PathsendErrors,
    PifResult, ProcessResult, ProcessorResult, RunResults, SendTargetResult, ServerClassResult,
    XmPathmonResult, XmResult, XmTcpResult,
};

use super::Node;
use super::listener::ListenerInstance;
use super::pathway::LinkManager;
use super::pathway_xm::{self, XmAssignment};
use super::processor::ProcessKind;

/// Pathway/XM's plan, with its TCP template and TERM names for reports.
#[derive(Debug)]
pub struct XmInfo {
    /// The assignment of terminals, TCPs and PATHMONs.
    pub plan: XmAssignment,
    /// TCP template names.
    pub templates: Vec<String>,
    /// TERM names.
    pub terms: Vec<String>,
}

impl Node {
    /// The run is over at `now`: closes the recorder's window accounting.
    pub fn finish(&mut self, now: SimTime) {
        self.rec.finish(now);
        self.rec.configured_series = self
            .clients
            .configured_series(self.run.end, self.run.sample_interval);
    }

    /// CPU time of every burst finished so far on requests' paths (every process but the
    /// PATHMONs, whose grants serve links, not requests), whole run [ns].
    pub fn request_cpu_total_ns(&self) -> u64 {
        self.cpus
            .processes()
            .iter()
            .filter(|p| p.kind != ProcessKind::Pathmon)
            .map(|p| p.cpu_total_ns)
            .sum()
    }

    /// Checks the end-of-run invariants and collects the results.
    pub fn results(&self, now: SimTime, events: u64, wall_s: f64) -> RunResults {
        let mut counts = self.rec.counts.clone();
        counts.in_flight = self.requests.in_flight() as u64;
        assert_eq!(
            counts.offered,
            counts.completed + counts.failed + counts.in_flight,
            "conservation violated in '{}' (seed {}): offered != completed + failed + in flight",
            self.run.name,
            self.run.seed
        );
        assert_eq!(
            counts.failed,
            counts.refused + counts.pathsend_failed + counts.abandoned,
            "failures of '{}' (seed {}) do not add up: failed != refused + Pathsend + abandoned",
            self.run.name,
            self.run.seed
        );
        let w = &self.rec.window_counts;
        assert_eq!(
            w.carried_in + w.attempted,
            w.completed + w.failed + w.carried_out,
            "window conservation violated in '{}' (seed {}): carried in + attempted != completed + failed + carried out",
            self.run.name,
            self.run.seed
        );
        let window_ns = self.rec.window().as_nanos() as f64;
        let processors: Vec<ProcessorResult> = self
            .cpus
            .processors()
            .iter()
            .enumerate()
            .map(|(id, cpu)| {
                let capacity = window_ns * f64::from(cpu.cores);
                let busy_by_kind: Vec<KindShare> = ProcessKind::ALL
                    .iter()
                    .map(|&k| KindShare {
                        kind: k.name().to_string(),
                        busy_ratio: self
                            .cpus
                            .processes()
                            .iter()
                            .filter(|p| p.processor.0 as usize == id && p.kind == k)
                            .map(|p| p.busy_ns as f64)
                            // fold from +0.0: an empty f64 sum is -0.0, which prints as "-0".
                            .fold(0.0, |a, b| a + b)
                            / capacity,
                    })
                    .collect();
                let busy_ratio = busy_by_kind
                    .iter()
                    .map(|k| k.busy_ratio)
                    .fold(0.0, |a, b| a + b);
                // CPU conservation: the busy time of every kind of process in this processor
                // adds up to the CPU its cores consumed, to the nanosecond.
                let by_kind_ns: u64 = ProcessKind::ALL
                    .iter()
                    .map(|&k| {
                        self.cpus
                            .processes()
                            .iter()
                            .filter(|p| p.processor.0 as usize == id && p.kind == k)
                            .map(|p| p.busy_ns)
                            .sum::<u64>()
                    })
                    .sum();
                assert_eq!(
                    by_kind_ns, cpu.busy_ns,
                    "CPU conservation violated in '{}' (seed {}), processor {id}: busy time by kind != CPU consumed",
                    self.run.name, self.run.seed
                );
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
            .cpus
            .processes()
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
        let pw = &self.pathway;
        let server_classes: Vec<ServerClassResult> = pw
            .classes
            .iter()
            .zip(self.rec.classes())
            .map(|(k, t)| {
                let per = |sum: u128| {
                    if t.completed == 0 {
                        0.0
                    } else {
                        sum as f64 / t.completed as f64 / 1e6
                    }
                };
                let busy_servers: f64 = k
                    .servers
                    .iter()
                    .map(|&s| self.cpus.process(pw.servers[s].process).busy_ns as f64)
                    .sum::<f64>()
                    / window_ns;
                ServerClassResult {
                    name: k.name.clone(),
                    pathmon: pw.pathmons[k.pathmon].name.clone(),
                    servers: k.attrs.maxservers,
                    numstatic: k.attrs.numstatic,
                    completed: t.completed,
                    latency_ms_mean: per(t.latency_sum_ns),
                    queue_wait_ms_mean: per(t.queue_wait_sum_ns),
                    server_busy_ratio: if k.attrs.maxservers == 0 {
                        0.0
                    } else {
                        busy_servers / f64::from(k.attrs.maxservers)
                    },
                    requests: k.stats.requests,
                    links_granted: k.stats.links_granted,
                    links_held_mean: k.stats.links_held.mean(now, &self.rec),
                    links_held_max: k.stats.links_held.max(now, &self.rec),
                    links_held_end: k.stats.links_held.level(),
                    servers_static_mean: k.stats.static_running.mean(now, &self.rec),
                    servers_dynamic_mean: k.stats.dynamic_running.mean(now, &self.rec),
                    servers_dynamic_max: k.stats.dynamic_running.max(now, &self.rec),
                    dynamic_created: k.stats.dynamic_created,
                    dynamic_deleted: k.stats.dynamic_deleted,
                    errors_904: k.stats.errors_904,
                    timeline: k.stats.timeline.clone(),
                }
            })
            .collect();
        let pathmons = self.pathmon_shares(now);
        let send_targets = self.send_targets(now);
        let pathsend_errors = PathsendErrors {
            e904: pw.classes.iter().map(|k| k.stats.errors_904).sum(),
            e905: pw.routes.iter().map(|r| r.errors_905).sum(),
            e916: 0,
            e918: pw.routes.iter().map(|r| r.errors.e918).sum(),
            e923: pw.routes.iter().map(|r| r.errors.e923).sum(),
            e924: pw
                .routes
                .iter()
                .map(|r| r.errors.e924_requester + r.errors.e924_processor)
                .sum(),
            e925: pw.routes.iter().map(|r| r.errors.e925).sum(),
        };
        let listeners = self
            .listeners
            .list
            .iter()
            .flat_map(|l| {
                l.instances.iter().map(|i| ListenerResult {
                    name: self.cpus.process(i.process).name.clone(),
                    processor: i.processor.0,
                    ip_host: i.endpoint.ip_host.clone(),
                    connections: i.connections,
                    requests: i.requests,
                    syn_drops: i.syn_drops,
                })
            })
            .collect();
        let pifs: Vec<PifResult> = self
            .lan
            .pifs
            .iter()
            .map(|p| PifResult {
                name: p.name.clone(),
                busy_ratio_in: p.busy_in_ns as f64 / window_ns,
                busy_ratio_out: p.busy_out_ns as f64 / window_ns,
            })
            .collect();
        // The run's load for the batch-means run-length test (`stats::batch_means`).
        let load = crate::stats::batch_means::peak_load(
            processors
                .iter()
                .map(|p| p.busy_ratio)
                .chain(
                    pifs.iter()
                        .flat_map(|p| [p.busy_ratio_in, p.busy_ratio_out]),
                )
                .chain(server_classes.iter().map(|c| c.server_busy_ratio)),
        );
        let listener_model = match self.clients.target {
            Some(t) => match self.listeners.list[t].model {
                ListenerModel::Distributor => "distributor",
                ListenerModel::Parallel => "parallel",
            },
            None => "pathway-xm",
        };
        RunResults {
            scenario: self.run.name.clone(),
            seed: self.run.seed,
            stack: match self.stack.stack {
                StackKind::Conventional => "conventional",
                StackKind::Parallel => "parallel",
            }
            .to_string(),
            listener_model: listener_model.to_string(),
            sim_time_s: now.as_secs_f64(),
            measured_s: self.rec.window().as_secs_f64(),
            warmup_s: self.rec.warmup().as_secs_f64(),
            warmup_requests: self.run.warmup_requests,
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
            configured_per_s: self.rec.configured_per_s,
            admitted_per_s: self.rec.admitted_per_s(),
            window: self.rec.window_counts.clone(),
            connections_per_s: self.rec.connections_per_s(),
            latency_ms: self.rec.latency_summary(),
            hops_per_request_mean: self.rec.hops_per_request_mean(),
            processors,
            processes,
            server_classes,
            pathmons,
            send_targets,
            pathsend_errors,
            time_to_failure_ms: self.rec.time_to_failure_summary(),
            pathway_xm: self.xm_results(),
            listeners,
            pifs,
            latency_histogram: self.rec.latency_histogram(),
            timeseries: self.rec.timeseries(),
            latency_breakdown: self.latency_breakdown(),
            mser: self.rec.mser(),
            batch_means: self.rec.batch_means(load),
        }
    }

    /// Where the time of each class's measured requests went.
    fn latency_breakdown(&self) -> Vec<ClassBreakdown> {
        let pw = &self.pathway;
        pw.classes
            .iter()
            .zip(self.rec.classes())
            .filter(|(_, t)| t.completed > 0)
            .map(|(k, t)| ClassBreakdown {
                class: k.name.clone(),
                pathmon: pw.pathmons[k.pathmon].name.clone(),
                completed: t.completed,
                ms_mean: t
                    .breakdown_ns
                    .iter()
                    .map(|&ns| {
                        // Six decimals, as the other figures in summary.json.
                        let ms = (ns as f64 / t.completed as f64 / 1e6 * 1e6).round() / 1e6;
                        if ms == 0.0 { 0.0 } else { ms }
                    })
                    .collect(),
            })
            .collect()
    }

    /// Pathway/XM's plan with the load each TCP and PATHMON carried.
    fn xm_results(&self) -> Option<XmResult> {
        let xm = self.xm.as_ref()?;
        let plan = &xm.plan;
        let pw = &self.pathway;
        let tcp_instances: Vec<&ListenerInstance> = self.listeners.instances().collect();
        let total: u64 = tcp_instances.iter().map(|i| i.requests).sum();
        let pct = |x: u64| {
            if total == 0 {
                0.0
            } else {
                100.0 * x as f64 / total as f64
            }
        };
        let window_ns = self.rec.window().as_nanos() as f64;
        // By name, not by a scan per TCP: a million terminals have tens of thousands of TCPs.
        let by_name: std::collections::BTreeMap<&str, &ListenerInstance> = tcp_instances
            .iter()
            .map(|i| (self.cpus.process(i.process).name.as_str(), *i))
            .collect();
        let mut pathmon_requests = vec![0u64; plan.pathmons.len()];
        for k in &pw.classes {
            if let Some(n) = pathmon_requests.get_mut(k.pathmon) {
                *n += k.stats.requests;
            }
        }
        let tcps = plan
            .tcps
            .iter()
            .map(|t| {
                let inst = by_name[t.name.as_str()];
                XmTcpResult {
                    name: t.name.clone(),
                    template: xm.templates[t.template].clone(),
                    primary: t.primary,
                    backup: t.backup,
                    pathmon: plan.pathmons[t.pathmon].name.clone(),
                    terms: t.terms.iter().map(|&k| xm.terms[k].clone()).collect(),
                    total_weight: t.total_weight,
                    requests: inst.requests,
                    request_share: pct(inst.requests),
                    busy_ratio: self.cpus.process(inst.process).busy_ns as f64 / window_ns,
                }
            })
            .collect();
        let pathmons = plan
            .pathmons
            .iter()
            .enumerate()
            .map(|(p, pm)| {
                let requests = pathmon_requests[p];
                XmPathmonResult {
                    name: pm.name.clone(),
                    primary: pm.primary,
                    backup: pm.backup,
                    tcps: pm.tcps.iter().map(|&t| plan.tcps[t].name.clone()).collect(),
                    total_weight: pm.total_weight,
                    requests,
                    request_share: pct(requests),
                }
            })
            .collect();
        Some(XmResult {
            pathmons,
            tcps,
            relative_workload_spread: pathway_xm::relative_workload_spread(plan),
        })
    }

    /// Link-manager queues, 905 errors and links per link manager of every route that
    /// carried requests.
    fn send_targets(&self, now: SimTime) -> Vec<SendTargetResult> {
        let pw = &self.pathway;
        let routes = pw.routes.len();
        pw.routes
            .iter()
            .enumerate()
            .filter_map(|(r, route)| {
                let lms: Vec<&LinkManager> = (r..pw.lms.len())
                    .step_by(routes)
                    .map(|i| &pw.lms[i])
                    .collect();
                let link_managers: Vec<LinkManagerResult> = lms
                    .iter()
                    .flat_map(|m| {
                        route.members.iter().zip(&m.links_by_member).filter_map(
                            move |(member, links)| {
                                let max = links.max(now, &self.rec);
                                (m.sends > 0 || max > 0).then(|| LinkManagerResult {
                                    processor: m.cpu,
                                    pathmon: pw.pathmons[member.1].name.clone(),
                                    links_held_mean: links.mean(now, &self.rec),
                                    links_held_max: max,
                                    links_held_end: links.level(),
                                    requests: m.sends,
                                    errors_905: m.errors_905,
                                })
                            },
                        )
                    })
                    .collect();
                if link_managers.is_empty() {
                    return None;
                }
                Some(SendTargetResult {
                    target: route
                        .domain
                        .clone()
                        .unwrap_or_else(|| pw.pathmons[route.members[0].1].name.clone()),
                    server_class: route.class_name.clone(),
                    local: route.local,
                    queue_length_mean: route.queued.mean(now, &self.rec),
                    queue_length_max: route.queued.max(now, &self.rec),
                    errors_905: route.errors_905,
                    errors_918: route.errors.e918,
                    errors_923: route.errors.e923,
                    errors_924_requester: route.errors.e924_requester,
                    errors_924_processor: route.errors.e924_processor,
                    errors_925: route.errors.e925,
                    link_managers,
                })
            })
            .collect()
    }

    /// Link and request shares per member of every route that carried requests.
    fn pathmon_shares(&self, now: SimTime) -> Vec<PathmonShare> {
        let pw = &self.pathway;
        let mut out = Vec::new();
        for (i, route) in pw.routes.iter().enumerate() {
            // A target's local and non-local routes share their classes, whose counts are
            // class-level: report each (domain, class, members) once.
            let same = |r: &super::pathway::Route| {
                r.domain == route.domain
                    && r.class_name == route.class_name
                    && r.members
                        .iter()
                        .map(|m| m.1)
                        .eq(route.members.iter().map(|m| m.1))
            };
            if pw.routes[..i].iter().any(same) {
                continue;
            }
            let granted = |m: &(Option<usize>, usize, f64)| {
                m.0.map_or(0, |k| pw.classes[k].stats.links_granted)
            };
            let served =
                |m: &(Option<usize>, usize, f64)| m.0.map_or(0, |k| pw.classes[k].stats.requests);
            let held = |m: &(Option<usize>, usize, f64)| {
                m.0.map_or(0.0, |k| pw.classes[k].stats.links_held.mean(now, &self.rec))
            };
            let links: u64 = route.members.iter().map(granted).sum();
            let held_total: f64 = route.members.iter().map(held).sum();
            let requests: u64 = route.members.iter().map(served).sum();
            if links == 0 && requests == 0 {
                continue;
            }
            let pct = |x: u64, of: u64| {
                if of == 0 {
                    0.0
                } else {
                    100.0 * x as f64 / of as f64
                }
            };
            for m in &route.members {
                // Shares of the links held over the window: a link returned and granted again
                // (DELETEDELAY, dynamic servers) does not count twice.
                let link_share = if held_total > 0.0 {
                    100.0 * held(m) / held_total
                } else {
                    0.0
                };
                out.push(PathmonShare {
                    domain: route.domain.clone(),
                    name: pw.pathmons[m.1].name.clone(),
                    server_class: route.class_name.clone(),
                    weight: m.2,
                    maxservers: m.0.map_or(0, |k| pw.classes[k].attrs.maxservers),
                    links_granted: granted(m),
                    links_held_mean: held(m),
                    link_share,
                    deviation_pp: (link_share - m.2).abs(),
                    requests: served(m),
                    request_share: pct(served(m), requests),
                });
            }
        }
        out
    }
}
