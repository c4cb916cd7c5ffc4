//! What Pathway reports at the end of a run: per class instance, per PATHMON share of a
//! route, per send target and link manager, its Pathsend errors, and where the time of each
//! class's requests went. Read from Pathway's own state; nothing outside `pathway/` reads it.

use crate::engine::SimTime;
use crate::stats::{
    ClassBreakdown, LinkManagerResult, PathmonShare, PathsendErrors, ProcessorShare, Recorder,
    SendTargetResult, ServerClassResult,
};

use super::super::processor::Cpus;
use super::{LinkManager, Pathway, Route};

/// Pathway's part of the run's results.
pub struct PathwayResults {
    /// Per class instance.
    pub server_classes: Vec<ServerClassResult>,
    /// Link and request shares per member of every route that carried requests.
    pub pathmons: Vec<PathmonShare>,
    /// Per send target and class name.
    pub send_targets: Vec<SendTargetResult>,
    /// Pathsend errors by number.
    pub pathsend_errors: PathsendErrors,
    /// Where the time of each class's measured requests went.
    pub latency_breakdown: Vec<ClassBreakdown>,
}

impl Pathway {
    /// Pathway's results at `now`, from its counters, the recorder's per-class tallies, and the
    /// busy time of its server processes.
    pub fn results(&self, now: SimTime, rec: &Recorder, cpus: &Cpus) -> PathwayResults {
        let window_ns = rec.window().as_nanos() as f64;
        let server_classes = self
            .classes
            .iter()
            .zip(rec.classes())
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
                    .map(|&s| cpus.process(self.servers[s].process).busy_ns as f64)
                    .sum::<f64>()
                    / window_ns;
                ServerClassResult {
                    name: k.name.clone(),
                    pathmon: self.pathmons[k.pathmon].name.clone(),
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
                    server_held_ratio: if k.attrs.maxservers == 0 {
                        0.0
                    } else {
                        k.stats.servers_held.mean(now, rec) / f64::from(k.attrs.maxservers)
                    },
                    requests: k.stats.requests,
                    links_granted: k.stats.links_granted,
                    links_held_mean: k.stats.links_held.mean(now, rec),
                    links_held_max: k.stats.links_held.max(now, rec),
                    links_held_end: k.stats.links_held.level(),
                    servers_static_mean: k.stats.static_running.mean(now, rec),
                    servers_dynamic_mean: k.stats.dynamic_running.mean(now, rec),
                    servers_dynamic_max: k.stats.dynamic_running.max(now, rec),
                    dynamic_created: k.stats.dynamic_created,
                    dynamic_deleted: k.stats.dynamic_deleted,
                    errors_904: k.stats.errors_904,
                    timeline: k.stats.timeline.clone(),
                }
            })
            .collect();
        let pathmons = self.pathmon_shares(now, rec);
        let send_targets = self.send_targets(now, rec);
        let pathsend_errors = PathsendErrors {
            e904: self
                .classes
                .iter()
                .map(|k| k.stats.errors_904 + k.stats.errors_904_fs201)
                .sum(),
            e905: self.routes.iter().map(|r| r.errors_905).sum(),
            e916: self.classes.iter().map(|k| k.stats.errors_916).sum::<u64>()
                + self.routes.iter().map(|r| r.errors.e916).sum::<u64>(),
            e902: self.routes.iter().map(|r| r.errors.e902).sum(),
            e915: self.routes.iter().map(|r| r.errors.e915).sum(),
            e918: self.routes.iter().map(|r| r.errors.e918).sum(),
            e923: self.routes.iter().map(|r| r.errors.e923).sum(),
            e924: self
                .routes
                .iter()
                .map(|r| r.errors.e924_requester + r.errors.e924_processor)
                .sum(),
            e925: self.routes.iter().map(|r| r.errors.e925).sum(),
            e947: self.routes.iter().map(|r| r.errors.e947).sum(),
        };
        PathwayResults {
            server_classes,
            pathmons,
            send_targets,
            pathsend_errors,
            latency_breakdown: self.latency_breakdown(rec),
        }
    }

    /// Where the time of each class's measured requests went.
    fn latency_breakdown(&self, rec: &Recorder) -> Vec<ClassBreakdown> {
        self.classes
            .iter()
            .zip(rec.classes())
            .filter(|(_, t)| t.completed > 0)
            .map(|(k, t)| ClassBreakdown {
                class: k.name.clone(),
                pathmon: self.pathmons[k.pathmon].name.clone(),
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

    /// Link-manager queues, 905 errors and links per link manager of every route that
    /// carried requests.
    fn send_targets(&self, now: SimTime, rec: &Recorder) -> Vec<SendTargetResult> {
        // Each route's link managers in index order: the processors', then the TCPs'.
        let mut by_route: Vec<Vec<&LinkManager>> = vec![Vec::new(); self.routes.len()];
        for m in &self.lms {
            by_route[m.route].push(m);
        }
        self.routes
            .iter()
            .zip(by_route)
            .filter_map(|(route, lms)| {
                let link_managers: Vec<LinkManagerResult> = lms
                    .iter()
                    .flat_map(|m| {
                        route.members.iter().zip(&m.links_by_member).filter_map(
                            move |(member, links)| {
                                let max = links.max(now, rec);
                                (m.sends > 0 || max > 0).then(|| LinkManagerResult {
                                    processor: m.cpu,
                                    tcp: self.lm_tcp_name(m),
                                    pathmon: self.pathmons[member.1].name.clone(),
                                    links_held_mean: links.mean(now, rec),
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
                        .unwrap_or_else(|| self.pathmons[route.members[0].1].name.clone()),
                    server_class: route.class_name.clone(),
                    local: route.local,
                    queue_length_mean: route.queued.mean(now, rec),
                    queue_length_max: route.queued.max(now, rec),
                    errors_905: route.errors_905,
                    errors_918: route.errors.e918,
                    errors_923: route.errors.e923,
                    errors_924_requester: route.errors.e924_requester,
                    errors_924_processor: route.errors.e924_processor,
                    errors_947: route.errors.e947,
                    errors_925: route.errors.e925,
                    pathmon_retries: route.pathmon_retries,
                    link_managers,
                })
            })
            .collect()
    }

    /// Link and request shares per member of every route that carried requests.
    fn pathmon_shares(&self, now: SimTime, rec: &Recorder) -> Vec<PathmonShare> {
        let mut out = Vec::new();
        for (i, route) in self.routes.iter().enumerate() {
            // A target's local and non-local routes share their classes, whose counts are
            // class-level: report each (domain, class, members) once.
            let same = |r: &Route| {
                r.domain == route.domain
                    && r.class_name == route.class_name
                    && r.members
                        .iter()
                        .map(|m| m.1)
                        .eq(route.members.iter().map(|m| m.1))
            };
            if self.routes[..i].iter().any(same) {
                continue;
            }
            let granted = |m: &(Option<usize>, usize, f64)| {
                m.0.map_or(0, |k| self.classes[k].stats.links_granted)
            };
            let served =
                |m: &(Option<usize>, usize, f64)| m.0.map_or(0, |k| self.classes[k].stats.requests);
            let held = |m: &(Option<usize>, usize, f64)| {
                m.0.map_or(0.0, |k| self.classes[k].stats.links_held.mean(now, rec))
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
            // Per requesting processor: the members' links granted, held and requests there.
            let by_cpu = |m: &(Option<usize>, usize, f64), cpu: usize| -> [u64; 3] {
                m.0.map_or([0; 3], |k| {
                    let c = &self.classes[k];
                    let [g, r] = c.stats.by_cpu.get(cpu).copied().unwrap_or([0, 0]);
                    [g, u64::from(c.links_from(cpu as u32)), r]
                })
            };
            let cpus = route
                .members
                .iter()
                .filter_map(|m| m.0)
                .map(|k| self.classes[k].stats.by_cpu.len())
                .max()
                .unwrap_or(0);
            // Reported for ACS domains only: a single PATHMON's split is its requesters'.
            let active: Vec<usize> = (0..cpus)
                .filter(|_| route.domain.is_some())
                .filter(|&cpu| route.members.iter().any(|m| by_cpu(m, cpu) != [0; 3]))
                .collect();
            for m in &route.members {
                let by_processor = active
                    .iter()
                    .map(|&cpu| {
                        let [granted, held, served] = by_cpu(m, cpu);
                        let all: u64 = route.members.iter().map(|m| by_cpu(m, cpu)[2]).sum();
                        ProcessorShare {
                            processor: cpu as u32,
                            links_granted: granted,
                            links_held_end: held as u32,
                            requests: served,
                            request_share: pct(served, all),
                        }
                    })
                    .collect();
                // Shares of the links held over the window: a link returned and granted again
                // (DELETEDELAY, dynamic servers) does not count twice.
                let link_share = if held_total > 0.0 {
                    100.0 * held(m) / held_total
                } else {
                    0.0
                };
                out.push(PathmonShare {
                    domain: route.domain.clone(),
                    name: self.pathmons[m.1].name.clone(),
                    server_class: route.class_name.clone(),
                    weight: m.2,
                    maxservers: m.0.map_or(0, |k| self.classes[k].attrs.maxservers),
                    links_granted: granted(m),
                    links_held_mean: held(m),
                    link_share,
                    deviation_pp: (link_share - m.2).abs(),
                    requests: served(m),
                    request_share: pct(served(m), requests),
                    by_processor,
                });
            }
        }
        out
    }
}
