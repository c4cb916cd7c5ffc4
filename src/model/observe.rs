//! Observation: the node's counters become [`RunResults`] at the end of a run, after the
//! conservation checks (created = completed + failed + in flight; no processor busier than
//! its cores). Also the queries a fault model needs on a live node: which requests each
//! processor holds.

use crate::engine::SimTime;
use crate::scenario::{ListenerModel, StackKind};
use crate::stats::{RunResults, XmNodeResult, XmPathmonResult, XmResult, XmTcpResult};

use super::Node;
use super::listener::ListenerInstance;
use super::pathway_xm::{self, XmAssignment};
use super::processor::{Health, ProcessKind};
use super::request::Location;

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
        if self.stopped.is_some() {
            self.rec.stop(now);
        }
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
            counts.refused + counts.pathsend_failed + counts.abandoned + counts.reset,
            "failures of '{}' (seed {}) do not add up: failed != refused + Pathsend + abandoned + reset",
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
        // No request in flight is left in a dead process of a processor known to be down, or
        // of one that is up (a killed process).
        for (r, req) in self.requests.iter() {
            if let Location::Cpu { process } | Location::Io { process, .. } = req.at
                && !req.answered()
                && self.cpus.health(process) == Health::Down
            {
                let cpu = self.cpus.processor_of(process);
                assert!(
                    !self.faults.declared[cpu.0 as usize] && !self.cpus.is_up(cpu),
                    "request {r:?} of '{}' (seed {}) is left in a dead process",
                    self.run.name,
                    self.run.seed
                );
            }
        }
        let (mut processors, processes) =
            self.cpus.results(&self.rec, &self.run.name, self.run.seed);
        // The CLIMs' processors come after the host's: reported as CLIMs.
        let clims: Vec<crate::stats::ClimResult> = self
            .clims
            .list
            .iter()
            .map(|c| crate::stats::ClimResult {
                name: c.name.clone(),
                cores: c.cores.len() as u32,
                busy_ratio: processors[c.processor.0 as usize].busy_ratio,
            })
            .collect();
        processors.truncate(processors.len() - clims.len());
        let pw = self.pathway.results(now, &self.rec, &self.cpus);
        let listeners = self.listeners.results(&self.cpus);
        let pifs = self.lan.results(&self.rec);
        // The run's load for the batch-means run-length test (`stats::batch_means`).
        let load = crate::stats::batch_means::peak_load(
            processors
                .iter()
                .map(|p| p.busy_ratio)
                .chain(clims.iter().map(|c| c.busy_ratio))
                .chain(
                    pifs.iter()
                        .flat_map(|p| [p.busy_ratio_in, p.busy_ratio_out]),
                )
                .chain(pw.server_classes.iter().map(|c| c.server_busy_ratio)),
        );
        let timeseries = self.rec.timeseries();
        let (counts_completed, counts_offered) = (counts.completed, counts.offered);
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
                StackKind::Cip => "cip",
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
            clims,
            processes,
            server_classes: pw.server_classes,
            pathmons: pw.pathmons,
            send_targets: pw.send_targets,
            pathsend_errors: pw.pathsend_errors,
            time_to_failure_ms: self.rec.time_to_failure_summary(),
            pathway_xm: self.xm_results(),
            listeners,
            pifs,
            latency_histogram: self.rec.latency_histogram(),
            timeseries: timeseries.clone(),
            latency_breakdown: pw.latency_breakdown,
            mser: self.rec.mser(),
            span: self.rec.span_result(),
            batch_means: self.rec.batch_means(load),
            faults: self.faults.results(
                &timeseries,
                self.run.sample_interval,
                counts_completed,
                counts_offered,
                self.faults.recovery,
                self.rec.failures_by_error(),
            ),
            stopped: self.stopped.map(|at| crate::stats::Stopped {
                reason: format!(
                    "requests in flight reached {} (run.max_in_flight = {})",
                    thousands(self.requests.len() as u64),
                    thousands(self.run.max_in_flight as u64)
                ),
                at_s: at.as_secs_f64(),
                max_in_flight: self.run.max_in_flight as u64,
            }),
        }
    }

    /// Pathway/XM's plan with the load each TCP and PATHMON carried.
    fn xm_results(&self) -> Option<XmResult> {
        let xm = self.xm.as_ref()?;
        let plan = &xm.plan;
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
        let pathmon_requests = self.pathway.requests_by_pathmon();
        let backoffs = self.pathway.tcp_backoffs();
        let tcps = plan
            .tcps
            .iter()
            .zip(backoffs)
            .map(|(t, link_backoffs)| {
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
                    link_backoffs,
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
        let process_broker = self.pathway.broker_result();
        let lcss = self.pathway.lcs_results(&self.cpus, &self.rec);
        let granted: u64 = lcss
            .iter()
            .map(|l| u64::from(l.numstatic) + l.granted)
            .sum();
        let nodes = plan
            .nodes
            .iter()
            .map(|n| XmNodeResult {
                name: n.name.clone(),
                role: n.role.map(String::from),
                cpus: n.cpus.clone(),
                pb_primary: n.pb.map(|p| p.0),
                pb_backup: n.pb.and_then(|p| p.1),
                reservations_granted: match &process_broker {
                    Some(pb) if pb.node == n.name => granted,
                    _ => 0,
                },
            })
            .collect();
        Some(XmResult {
            pathmons,
            tcps,
            relative_workload_spread: pathway_xm::relative_workload_spread(plan),
            process_broker,
            lcss,
            nodes,
        })
    }
}

/// `n` with a comma every three digits: 2,000,000.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}
