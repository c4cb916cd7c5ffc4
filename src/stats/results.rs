//! What one run produces: plain data, no simulation state, no I/O.
//!
//! Reports (`crate::report`) turn a `RunResults` into bytes; tests read it directly. Every list
//! is in a stable order (processor id, process creation order, scenario order), never hash
//! order, so the same seed gives the same bytes.

use serde::Serialize;

/// Results of one simulation run.
#[derive(Clone, Debug, Serialize)]
pub struct RunResults {
    /// Scenario name.
    pub scenario: String,
    /// Master seed.
    pub seed: u64,
    /// TCP/IP stack (`conventional` or `parallel`).
    pub stack: String,
    /// Listener model of the workload's listener (`distributor` or `parallel`).
    pub listener_model: String,
    /// Simulated time at the end of the run [s] (arrival window plus drain).
    pub sim_time_s: f64,
    /// Length of the measurement window, warm-up excluded [s].
    pub measured_s: f64,
    /// Warm-up [s].
    pub warmup_s: f64,
    /// Events processed by the engine.
    pub events: u64,
    /// Wall-clock time of the simulation loop [s]. Not deterministic; excluded from CSV.
    pub wall_s: f64,
    /// Events per wall-clock second. Not deterministic; excluded from CSV.
    pub events_per_s: f64,
    /// Request accounting over the whole run.
    pub requests: RequestCounts,
    /// Requests completed in the measurement window per second.
    pub throughput_per_s: f64,
    /// Offered requests per second in the measurement window.
    pub offered_per_s: f64,
    /// Connections opened per second in the measurement window.
    pub connections_per_s: f64,
    /// End-to-end latency of requests sent after warm-up that completed.
    pub latency_ms: LatencySummary,
    /// Mean IPC hops crossed per completed request, both directions.
    pub hops_per_request_mean: f64,
    /// Per processor, in id order.
    pub processors: Vec<ProcessorResult>,
    /// Per process, in creation order.
    pub processes: Vec<ProcessResult>,
    /// Per server class, in scenario order.
    pub server_classes: Vec<ServerClassResult>,
    /// Per send target member: PATHMON link and request shares against weights, in target
    /// order (domains and PATHMONs as the workload's mix reaches them), then member order.
    pub pathmons: Vec<PathmonShare>,
    /// Send targets per class name: link-manager queues, 905 errors, links per link manager.
    pub send_targets: Vec<SendTargetResult>,
    /// Pathsend errors by number.
    pub pathsend_errors: PathsendErrors,
    /// Pathway/XM's assignment and the load it produced, for Pathway/XM scenarios.
    pub pathway_xm: Option<XmResult>,
    /// Per listener instance, in scenario order.
    pub listeners: Vec<ListenerResult>,
    /// Per LAN adapter port (PIF).
    pub pifs: Vec<PifResult>,
    /// Latency histogram of measured requests: log-spaced buckets.
    pub latency_histogram: Vec<HistogramBucket>,
    /// Throughput and latency over time, one row per sample interval (whole run, warm-up
    /// included, so the transient is visible).
    pub timeseries: Vec<TimeSample>,
}

/// Conservation: `offered = completed + failed + in_flight`, checked at the end of every run.
#[derive(Clone, Debug, Default, Serialize, PartialEq, Eq)]
pub struct RequestCounts {
    /// Requests clients tried to send.
    pub offered: u64,
    /// Requests whose reply reached the client.
    pub completed: u64,
    /// Requests that failed: connection refused after SYN retries, or a Pathsend error.
    pub failed: u64,
    /// Requests still in the system when the run ended.
    pub in_flight: u64,
    /// SYNs dropped because a listen backlog was full (each may be retried).
    pub syn_drops: u64,
    /// Requests counted in the latency statistics (sent after warm-up, completed).
    pub measured: u64,
}

/// Latency statistics [ms].
#[derive(Clone, Debug, Default, Serialize)]
pub struct LatencySummary {
    /// Mean.
    pub mean: f64,
    /// Sample standard deviation.
    pub sd: f64,
    /// Median.
    pub p50: f64,
    /// 90th percentile.
    pub p90: f64,
    /// 99th percentile.
    pub p99: f64,
    /// 99.9th percentile.
    pub p999: f64,
    /// Maximum.
    pub max: f64,
}

/// One processor.
#[derive(Clone, Debug, Serialize)]
pub struct ProcessorResult {
    /// Processor number.
    pub id: u32,
    /// Busy core-time / (cores x measured time), in [0, 1].
    pub busy_ratio: f64,
    /// Busy ratio split by the kind of process that used the CPU, in `ProcessKind` order;
    /// the parts sum to `busy_ratio`.
    pub busy_by_kind: Vec<KindShare>,
}

/// A share of one processor's capacity used by one process kind.
#[derive(Clone, Debug, Serialize)]
pub struct KindShare {
    /// Process kind: `tcpip`, `distributor`, `listener`, `server`.
    pub kind: String,
    /// Fraction of the processor's capacity.
    pub busy_ratio: f64,
}

/// One process.
#[derive(Clone, Debug, Serialize)]
pub struct ProcessResult {
    /// Guardian-style name, e.g. `$ZTC3`, `$DIST-3`, `A-0`.
    pub name: String,
    /// Kind (see `KindShare::kind`).
    pub kind: String,
    /// Processor it runs in.
    pub processor: u32,
    /// Fraction of one core it used in the measurement window.
    pub busy_ratio: f64,
    /// CPU bursts it ran in the measurement window.
    pub bursts: u64,
    /// Mean time a burst waited for a core [ms] (run-queue wait).
    pub ready_wait_ms_mean: f64,
}

/// One server class in one PATHMON.
#[derive(Clone, Debug, Serialize)]
pub struct ServerClassResult {
    /// Class name.
    pub name: String,
    /// PATHMON that owns it.
    pub pathmon: String,
    /// MAXSERVERS.
    pub servers: u32,
    /// NUMSTATIC.
    pub numstatic: u32,
    /// Measured requests this class's servers completed (parallel listeners: requests of
    /// this class done in-process, counted on the first class of the name).
    pub completed: u64,
    /// Mean end-to-end latency of those requests [ms].
    pub latency_ms_mean: f64,
    /// Mean time those requests waited at their link manager for a link [ms]. (How many
    /// requests wait is a property of the send target, which may be a domain of several
    /// PATHMONs: see `SendTargetResult`.)
    pub queue_wait_ms_mean: f64,
    /// Busy servers averaged over the window, as a fraction of MAXSERVERS.
    pub server_busy_ratio: f64,
    /// Requests its servers completed over the whole run.
    pub requests: u64,
    /// Links its PATHMON granted to link managers for it during the run.
    pub links_granted: u64,
    /// Links held, time average over the window.
    pub links_held_mean: f64,
    /// Links held, most at once in the window.
    pub links_held_max: u64,
    /// Links held at the end of the run.
    pub links_held_end: u64,
    /// Static servers running, time average.
    pub servers_static_mean: f64,
    /// Dynamic servers running, time average.
    pub servers_dynamic_mean: f64,
    /// Dynamic servers running, most at once in the window.
    pub servers_dynamic_max: u64,
    /// Dynamic servers created during the run.
    pub dynamic_created: u64,
    /// Dynamic servers deleted after DELETEDELAY during the run.
    pub dynamic_deleted: u64,
    /// Pathsend error 904 (server TIMEOUT) on sends to this class.
    pub errors_904: u64,
    /// Servers running over time: one sample per sample interval.
    pub timeline: Vec<ServerSample>,
}

/// Servers and links of a class at one instant.
#[derive(Clone, Debug, Serialize)]
pub struct ServerSample {
    /// Instant [s].
    pub t_s: f64,
    /// Static servers running.
    pub static_servers: u64,
    /// Dynamic servers running.
    pub dynamic_servers: u64,
    /// Links held.
    pub links: u64,
}

/// A PATHMON's part of a send target (an ACS domain, or a single PATHMON) for one class.
#[derive(Clone, Debug, Serialize)]
pub struct PathmonShare {
    /// ACS domain, or `None` when requests go to this PATHMON directly.
    pub domain: Option<String>,
    /// PATHMON name.
    pub name: String,
    /// Server class name.
    pub server_class: String,
    /// Configured weight [%] (100 for a PATHMON addressed directly).
    pub weight: f64,
    /// MAXSERVERS of the class in this PATHMON (0 if it does not define the class).
    pub maxservers: u32,
    /// Links this PATHMON granted for the class during the run (a link returned and granted
    /// again counts twice).
    pub links_granted: u64,
    /// Links to this PATHMON's servers of the class held, time average over the window.
    pub links_held_mean: f64,
    /// Share of the target's links held (time average) that this PATHMON's servers hold [%].
    pub link_share: f64,
    /// |link_share - weight| [percentage points].
    pub deviation_pp: f64,
    /// Requests this PATHMON's servers completed for the class (whole run).
    pub requests: u64,
    /// Share of the target's requests served by this PATHMON [%].
    pub request_share: f64,
}

/// A send target (one PATHMON, or an ACS domain) for one class name, as the requesters'
/// link managers see it: requests waiting for a link, errors, and links per link manager.
#[derive(Clone, Debug, Serialize)]
pub struct SendTargetResult {
    /// PATHMON or ACS domain name.
    pub target: String,
    /// Server class name.
    pub server_class: String,
    /// Requesters on it may use only servers in their own processor.
    pub local: bool,
    /// Requests waiting for a link at its link managers, time average over the window.
    pub queue_length_mean: f64,
    /// Most requests waiting for a link at once in the window.
    pub queue_length_max: u64,
    /// Pathsend error 905 on sends to it.
    pub errors_905: u64,
    /// Its link managers that sent requests or held links, by processor.
    pub link_managers: Vec<LinkManagerResult>,
}

/// One link manager's links to one PATHMON's servers of a class.
#[derive(Clone, Debug, Serialize)]
pub struct LinkManagerResult {
    /// Processor of the link manager (and of its requesters).
    pub processor: u32,
    /// PATHMON whose servers the links go to.
    pub pathmon: String,
    /// Links held, time average over the window.
    pub links_held_mean: f64,
    /// Links held, most at once in the window.
    pub links_held_max: u64,
    /// Links held at the end of the run.
    pub links_held_end: u64,
    /// Requests its requesters sent to the target over the whole run (all PATHMONs).
    pub requests: u64,
    /// Of those, failed with Pathsend error 905 (the link manager held no link and none
    /// could be granted).
    pub errors_905: u64,
}

/// Pathway/XM: which terminals on which TCP, which TCPs on which PATHMON, on which
/// processors, and the load each carried.
#[derive(Clone, Debug, Serialize)]
pub struct XmResult {
    /// Generated PATHMONs.
    pub pathmons: Vec<XmPathmonResult>,
    /// Generated TCPs.
    pub tcps: Vec<XmTcpResult>,
    /// (max - min) / mean of configured terminal weight per TCP, worst template: 0 = every
    /// TCP carries the same relative workload.
    pub relative_workload_spread: f64,
}

/// One generated PATHMON.
#[derive(Clone, Debug, Serialize)]
pub struct XmPathmonResult {
    /// Name (`$XM0`, ...).
    pub name: String,
    /// Primary processor.
    pub primary: u32,
    /// Backup processor.
    pub backup: Option<u32>,
    /// Its TCPs.
    pub tcps: Vec<String>,
    /// Configured terminal weight of its TCPs.
    pub total_weight: u64,
    /// Requests its server classes completed (whole run).
    pub requests: u64,
    /// Share of all Pathway/XM requests [%].
    pub request_share: f64,
}

/// One generated TCP.
#[derive(Clone, Debug, Serialize)]
pub struct XmTcpResult {
    /// Name (`$T0`, ...).
    pub name: String,
    /// TCP template.
    pub template: String,
    /// Primary processor.
    pub primary: u32,
    /// Backup processor.
    pub backup: Option<u32>,
    /// PATHMON it belongs to.
    pub pathmon: String,
    /// Its terminals.
    pub terms: Vec<String>,
    /// Configured weight of its terminals.
    pub total_weight: u64,
    /// Requests it handled (whole run).
    pub requests: u64,
    /// Share of all Pathway/XM requests [%].
    pub request_share: f64,
    /// Fraction of one core it used in the window.
    pub busy_ratio: f64,
}

/// Pathsend errors by number, whole run.
#[derive(Clone, Debug, Default, Serialize, PartialEq, Eq)]
pub struct PathsendErrors {
    /// 904 FEScServerLinkConnect (here: server TIMEOUT).
    pub e904: u64,
    /// 905 FEScNoServerLinkAvailable.
    pub e905: u64,
    /// 916 FEScServerCreationFailure.
    pub e916: u64,
}

/// One listener instance.
#[derive(Clone, Debug, Serialize)]
pub struct ListenerResult {
    /// Instance name, e.g. `$DIST-3`.
    pub name: String,
    /// Processor it runs in.
    pub processor: u32,
    /// IP host it is reached at (conventional: its TCP/IP process; parallel: the shared host).
    pub ip_host: String,
    /// Connections it accepted (whole run): round-robin fairness shows here.
    pub connections: u64,
    /// Requests it handled (whole run).
    pub requests: u64,
    /// SYNs dropped because its backlog was full.
    pub syn_drops: u64,
}

/// One LAN adapter port.
#[derive(Clone, Debug, Serialize)]
pub struct PifResult {
    /// PIF name, e.g. `G4SA0.0.A`.
    pub name: String,
    /// Inbound utilisation in the measurement window.
    pub busy_ratio_in: f64,
    /// Outbound utilisation in the measurement window.
    pub busy_ratio_out: f64,
}

/// One latency histogram bucket.
#[derive(Clone, Debug, Serialize)]
pub struct HistogramBucket {
    /// Upper bound of the bucket [ms] (inclusive).
    pub upper_ms: f64,
    /// Requests in the bucket.
    pub count: u64,
    /// Fraction of measured requests at or below `upper_ms`.
    pub cumulative: f64,
}

/// One time-series sample.
#[derive(Clone, Debug, Serialize)]
pub struct TimeSample {
    /// Start of the interval [s].
    pub t_s: f64,
    /// Requests completed in the interval per second.
    pub throughput_per_s: f64,
    /// Requests offered in the interval per second.
    pub offered_per_s: f64,
    /// Mean latency of requests completed in the interval [ms]; 0 when none.
    pub latency_ms_mean: f64,
    /// 99th percentile latency of requests completed in the interval [ms]; 0 when none.
    pub latency_ms_p99: f64,
}
