//! What `explain` reports: each route's legs, each resource's demand and bound, the
//! bottleneck and the throughput ceiling, and the text `nssim explain` prints of them.

use std::fmt::Write as _;

/// One leg as explained.
#[derive(Clone, Debug, PartialEq)]
pub struct LegLine {
    /// What happens.
    pub what: String,
    /// The processor(s) it runs in, if any (`3`, `0-2`).
    pub processor: String,
    /// The process or port.
    pub process: String,
    /// Mean CPU per request on the processor(s) it runs in (cost / speed + dispatch) [ns].
    pub cpu_ns: f64,
}

/// One listener instance's path.
#[derive(Clone, Debug, PartialEq)]
pub struct RoutePath {
    /// Listener instance (or Pathway/XM TCP) name.
    pub name: String,
    /// Share of the requests it handles.
    pub share: f64,
    /// IPC hops per request.
    pub hops: u32,
    /// Its legs.
    pub legs: Vec<LegLine>,
    /// Mean CPU per request along the path, each burst on its processor [ns].
    pub cpu_ns: f64,
}

/// What kind of resource a bound is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ResourceKind {
    /// A processor: its cores.
    Processor,
    /// One direction of a PIF.
    Pif,
    /// A process in a processor of more cores than its threads: min(threads, cores) cores
    /// (one for a single-threaded process).
    Process,
    /// A server class's server processes, each held for its CPU and its I/O.
    ServerPool,
    /// A server class's links, each held from the send to the server's reply.
    Links,
    /// A CLIM (CIP): its cores, doing the protocol work.
    Clim,
}

/// A resource's demand per request.
#[derive(Clone, Debug, PartialEq)]
pub struct ResourceDemand {
    /// `cpu3`, `G4SA0.0.A in`, `$LSNR-0`, `servers A`, `links A`.
    pub name: String,
    /// What it is.
    pub kind: ResourceKind,
    /// Busy (or held) time per request, all visits [s].
    pub demand_s: f64,
    /// Servers at the resource (a processor's cores; 1 for a PIF direction or a process; the
    /// server processes of a pool; the links of a class).
    pub servers: u32,
}

impl ResourceDemand {
    /// The throughput at which this resource saturates [requests/s].
    pub fn ceiling_per_s(&self) -> f64 {
        if self.demand_s > 0.0 {
            f64::from(self.servers) / self.demand_s
        } else {
            f64::INFINITY
        }
    }
}

/// The paths and bounds of a scenario.
#[derive(Clone, Debug, PartialEq)]
pub struct Explanation {
    /// Scenario name.
    pub scenario: String,
    /// One path per listener instance that receives requests.
    pub routes: Vec<RoutePath>,
    /// Mean CPU per request over all routes, each burst on its processor [ns]: what a run
    /// measures as busy time per completed request.
    pub cpu_ns: f64,
    /// Processors, then PIF directions, with non-zero demand.
    pub demands: Vec<ResourceDemand>,
    /// Index of the bottleneck in `demands` (the lowest ceiling); none when no resource has
    /// a demand (every cost and service time zero: a valid if degenerate scenario).
    pub bottleneck: Option<usize>,
    /// The request and reply sizes the costs are taken at (the means) \[bytes\].
    pub bytes: [u32; 2],
    /// The processor types, when any differs from the baseline (speed 1, no dispatch cost):
    /// one line per type, `cpu0-2: NS8 (speed 1.5, dispatch 1us)`.
    pub processor_types: Vec<String>,
    /// Per processor: its utilisation per request per second (CPU per request / cores) [s].
    pub cpu_busy_per_request_s: Vec<f64>,
}

impl Explanation {
    /// The throughput ceiling 1 / D_max (cores / D for a processor) [requests/s]; infinite
    /// when no resource has a demand.
    pub fn ceiling_per_s(&self) -> f64 {
        self.bottleneck
            .map_or(f64::INFINITY, |b| self.demands[b].ceiling_per_s())
    }

    /// What `check`'s load rules compare with: the ceiling, the bottleneck's name, and each
    /// processor's utilisation per request per second.
    pub fn capacity(&self) -> crate::scenario::Capacity {
        crate::scenario::Capacity {
            ceiling_per_s: self.ceiling_per_s(),
            bottleneck: self
                .bottlenecks()
                .iter()
                .map(|d| d.name.as_str())
                .collect::<Vec<_>>()
                .join(", "),
            cpu_busy_per_request_s: self.cpu_busy_per_request_s.clone(),
        }
    }

    /// Every resource whose ceiling is within 0.1 % of the bottleneck's.
    pub fn bottlenecks(&self) -> Vec<&ResourceDemand> {
        let c = self.ceiling_per_s();
        self.demands
            .iter()
            .filter(|d| d.ceiling_per_s() <= c * 1.001)
            .collect()
    }

    /// The report `nssim explain` prints.
    pub fn render(&self) -> String {
        let mut o = String::new();
        let _ = writeln!(o, "scenario {}", self.scenario);
        let _ = writeln!(
            o,
            "costs at {} request bytes and {} reply bytes (the mean sizes)",
            self.bytes[0], self.bytes[1]
        );
        if self.processor_types.is_empty() {
            let _ = writeln!(
                o,
                "CPU as written: every processor is the baseline (speed 1, no dispatch cost)"
            );
        } else {
            let _ = writeln!(
                o,
                "CPU on each burst's processor: cost / speed + dispatch_cpu per burst; processor types:"
            );
            for t in &self.processor_types {
                let _ = writeln!(o, "  {t}");
            }
        }
        for (r, same) in self.route_groups() {
            if same.is_empty() {
                let _ = writeln!(
                    o,
                    "\nroute {} ({:.1} % of requests): {} hops, {:.1} us CPU per request",
                    r.name,
                    100.0 * r.share,
                    r.hops,
                    r.cpu_ns / 1e3
                );
            } else {
                let names: Vec<&str> = same.iter().map(|s| s.name.as_str()).collect();
                let _ = writeln!(
                    o,
                    "\nroute {} x{} (also {}; the same legs and costs in their own processes, \
                     processors and PIFs; {:.1} % of requests each): {} hops, {:.1} us CPU per request",
                    r.name,
                    1 + same.len(),
                    names.join(", "),
                    100.0 * r.share,
                    r.hops,
                    r.cpu_ns / 1e3
                );
            }
            let _ = writeln!(
                o,
                "  {:>2}  {:<72} {:>10}  {:<24} {:>9}",
                "#", "leg", "processor", "process", "CPU [us]"
            );
            for (i, l) in r.legs.iter().enumerate() {
                let cpu = if l.cpu_ns > 0.0 {
                    format!("{:.2}", l.cpu_ns / 1e3)
                } else {
                    "-".to_string()
                };
                let _ = writeln!(
                    o,
                    "  {:>2}  {:<72} {:>10}  {:<24} {:>9}",
                    i + 1,
                    l.what,
                    l.processor,
                    l.process,
                    cpu
                );
            }
        }
        let _ = writeln!(
            o,
            "\nCPU per request (mean over routes): {:.1} us",
            self.cpu_ns / 1e3
        );
        let _ = writeln!(
            o,
            "\noperational bounds (demand per request, all visits; n = cores, processes, servers or links):"
        );
        let _ = writeln!(
            o,
            "  {:<18} {:>12} {:>6} {:>16}",
            "resource", "D [us]", "n", "ceiling [req/s]"
        );
        for d in &self.demands {
            let note = match d.kind {
                ResourceKind::Processor | ResourceKind::Pif => "",
                ResourceKind::Clim => "  (a CLIM: its cores, protocol work)",
                ResourceKind::Process if d.servers == 1 => "  (a process: one core)",
                ResourceKind::Process => "  (a process: its threads, one core each)",
                ResourceKind::ServerPool => "  (server processes, held for CPU and I/O)",
                ResourceKind::Links => "  (links, held from send to reply)",
            };
            let _ = writeln!(
                o,
                "  {:<18} {:>12.2} {:>6} {:>16.0}{note}",
                d.name,
                d.demand_s * 1e6,
                d.servers,
                d.ceiling_per_s()
            );
        }
        let Some(b) = self.bottleneck else {
            let _ = writeln!(
                o,
                "  (none: no processor or PIF is busy for a request)\n\nbottleneck: none; every \
                 cost and service time is zero, so no resource bounds the throughput"
            );
            return o;
        };
        let names: Vec<&str> = self.bottlenecks().iter().map(|d| d.name.as_str()).collect();
        let why = match self.demands[b].kind {
            ResourceKind::Processor | ResourceKind::Pif => "",
            ResourceKind::Clim => "; a CLIM, whose cores do the CIP stack's protocol work",
            ResourceKind::Process if self.demands[b].servers == 1 => {
                "; a single-threaded process: one core, whatever its processor's cores"
            }
            ResourceKind::Process => {
                "; a process of fewer threads than its processor's cores: one core per thread"
            }
            ResourceKind::ServerPool => "; the server processes, each held for its CPU and I/O",
            ResourceKind::Links => "; the links, each held from the send to the reply",
        };
        let _ = writeln!(
            o,
            "\nbottleneck: {} (D_max = {:.2} us{why}); throughput ceiling 1/D_max = {:.0} requests/s \
             (the least of every bound above)",
            names.join(", "),
            self.demands[b].demand_s * 1e6 / f64::from(self.demands[b].servers),
            self.ceiling_per_s()
        );
        o
    }

    /// The routes to print, each with the later routes identical to it but for their
    /// processes, processors and PIFs (the same share, hops, legs and CPU), in route order.
    pub fn route_groups(&self) -> Vec<(&RoutePath, Vec<&RoutePath>)> {
        // Leg text with the digits of process names removed: `hop $ZTC3 -> $DIST-3` and
        // `hop $ZTC4 -> $DIST-4` read alike; every other figure must be equal.
        let shape = |r: &RoutePath| {
            let legs: Vec<(String, u64)> = r
                .legs
                .iter()
                .map(|l| {
                    let what: Vec<String> = l
                        .what
                        .split(' ')
                        .map(|t| {
                            if t.starts_with('$') {
                                t.chars().filter(|c| !c.is_ascii_digit()).collect()
                            } else {
                                t.to_string()
                            }
                        })
                        .collect();
                    (what.join(" "), l.cpu_ns.to_bits())
                })
                .collect();
            (r.share.to_bits(), r.hops, r.cpu_ns.to_bits(), legs)
        };
        let shapes: Vec<_> = self.routes.iter().map(shape).collect();
        let mut taken = vec![false; self.routes.len()];
        let mut out = Vec::new();
        for i in 0..self.routes.len() {
            if taken[i] {
                continue;
            }
            let mut same = Vec::new();
            for j in i + 1..self.routes.len() {
                if !taken[j] && shapes[j] == shapes[i] {
                    taken[j] = true;
                    same.push(&self.routes[j]);
                }
            }
            out.push((&self.routes[i], same));
        }
        out
    }
}
