//! The validated, typed scenario: what the models are built from.
//!
//! Every value here has passed validation: units resolved to `SimDuration`, rates to
//! per-second floats, names resolved to indices, defaults applied. A `Scenario` can also be
//! built directly in Rust (see `examples/`), in which case `Scenario::check` applies the same
//! semantic rules as a file would get.

use crate::engine::SimDuration;

/// A complete simulation input.
#[derive(Clone, Debug, PartialEq)]
pub struct Scenario {
    /// Short name; also the default output folder `output/<name>/`.
    pub name: String,
    /// One paragraph shown in reports.
    pub description: String,
    /// Run control: seed, length, warm-up.
    pub run: RunControl,
    /// The NonStop node: processors.
    pub system: System,
    /// Guardian message system (IPC) costs.
    pub message_system: MessageSystem,
    /// LAN adapters (ports, bandwidth, client-side latency).
    pub lan: Lan,
    /// The TCP/IP subsystem and its costs.
    pub tcpip: TcpIp,
    /// Listener processes (distributors or parallel listeners); at least one.
    pub listeners: Vec<Listener>,
    /// Pathway server classes; the workload's transaction mix names them.
    pub server_classes: Vec<ServerClass>,
    /// The client population.
    pub workload: Workload,
}

/// Run control.
#[derive(Clone, Debug, PartialEq)]
pub struct RunControl {
    /// Master seed; every random stream derives from it and a label.
    pub seed: u64,
    /// Simulated time during which clients send requests.
    pub duration: SimDuration,
    /// Statistics ignore requests sent before this instant (and busy time before it).
    pub warmup: SimDuration,
    /// Clients stop after this many requests have been offered, if set.
    pub max_requests: Option<u64>,
    /// After arrivals stop, requests in flight may finish for at most this long; what is still
    /// in flight then is reported as `in_flight`.
    pub drain: SimDuration,
    /// Width of one bucket of the throughput / latency time series.
    pub sample_interval: SimDuration,
}

/// The NonStop node.
#[derive(Clone, Debug, PartialEq)]
pub struct System {
    /// Number of processors, numbered 0..processors (at most 16 per node).
    pub processors: u32,
    /// Cores per processor; a process runs on one core at a time.
    pub cores: u32,
}

/// Costs of one Guardian message-system message (an IPC "hop").
#[derive(Clone, Debug, PartialEq)]
pub struct MessageSystem {
    /// CPU time charged to the sending process and, again, to the receiving process.
    pub cpu_per_message: SimDuration,
    /// Delivery latency between two processes in the same processor.
    pub latency_same_processor: SimDuration,
    /// Delivery latency across ServerNet between processors.
    pub latency_cross_processor: SimDuration,
}

/// LAN adapters: each PIF (physical interface, one Ethernet port) serialises frames.
#[derive(Clone, Debug, PartialEq)]
pub struct Lan {
    /// Bandwidth of one PIF, each direction [bit/s].
    pub pif_bandwidth_bps: f64,
    /// One-way latency between a client and the adapter (wire, switches, client stack).
    pub client_latency: SimDuration,
}

/// Which TCP/IP subsystem runs the sockets.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StackKind {
    /// Conventional NonStop TCP/IP: a `$ZTCn` process per IP host, every socket call an IPC hop.
    Conventional,
    /// NonStop TCP/IPv6 (Parallel Library): protocol work in the application's process, one IP
    /// host for the node, round-robin filtering of connections among listeners sharing a port.
    Parallel,
}

/// The TCP/IP subsystem.
#[derive(Clone, Debug, PartialEq)]
pub struct TcpIp {
    /// Conventional or parallel (TCP/IPv6).
    pub stack: StackKind,
    /// Protocol CPU per request or reply message (one segment each way).
    pub segment_cpu: SimDuration,
    /// Protocol CPU to set up a connection (SYN, SYN-ACK, ACK) in the stack.
    pub connect_cpu: SimDuration,
    /// Protocol CPU to close a connection (FIN exchange) in the stack.
    pub close_cpu: SimDuration,
    /// Pending (not yet accepted) connections a listening socket holds before dropping SYNs.
    pub backlog: u32,
    /// Client SYN retransmission timeout after a dropped SYN (doubles on each retry).
    pub syn_retry: SimDuration,
    /// SYN retransmissions before the client gives up and the request fails.
    pub syn_retries: u32,
    /// Conventional stack only: the TCP/IP processes, one per IP host. Empty for `Parallel`.
    pub processes: Vec<TcpIpProcess>,
    /// Scheduling priority of TCP/IP processes (1-199, higher runs first).
    pub priority: u8,
}

/// One conventional TCP/IP process (`$ZTCn`): owns one PIF and is one IP host.
#[derive(Clone, Debug, PartialEq)]
pub struct TcpIpProcess {
    /// Guardian name, e.g. `$ZTC3`.
    pub name: String,
    /// Processor it runs in (index into `System`).
    pub processor: u32,
}

/// What a listener does with a request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ListenerModel {
    /// Accepts connections and relays every request through Pathsend to the request's server
    /// class, then relays the reply back.
    Distributor,
    /// A parallel (monolithic) listener: does the request's work in its own process.
    Parallel,
}

/// A listener: one instance per listed processor, all bound to the same port.
#[derive(Clone, Debug, PartialEq)]
pub struct Listener {
    /// Process name prefix; instance on processor p is named `<name>-<p>`.
    pub name: String,
    /// Distributor or parallel listener.
    pub model: ListenerModel,
    /// TCP port every instance listens on.
    pub port: u16,
    /// One instance per processor in this list (order = round-robin order).
    pub processors: Vec<u32>,
    /// Conventional stack only: for each instance, the index into `TcpIp::processes` of the
    /// TCP/IP process (IP host) it listens through. Empty for the parallel stack.
    pub tcpip: Vec<usize>,
    /// CPU to accept one new connection.
    pub accept_cpu: SimDuration,
    /// CPU per request and again per reply the listener handles (parse, relay, format).
    pub handle_cpu: SimDuration,
    /// Scheduling priority (1-199, higher runs first).
    pub priority: u8,
}

/// A Pathway server class (first cut: a shared request queue served by single-threaded
/// server processes, in the manner of LINKDEPTH = MAXLINKS = 1 links).
#[derive(Clone, Debug, PartialEq)]
pub struct ServerClass {
    /// Server class name, e.g. `A`.
    pub name: String,
    /// Processors the class's server processes are spread over, in order.
    pub processors: Vec<u32>,
    /// Number of server processes, placed round-robin over `processors`. May be 0 when only
    /// parallel listeners (which do the work in-process) use the class.
    pub servers: u32,
    /// CPU demand of one request.
    pub service: Dist,
    /// Non-CPU time one request holds its server (disc I/O, waits); zero if absent.
    pub io: Option<Dist>,
    /// Scheduling priority of the server processes (1-199, higher runs first).
    pub priority: u8,
}

/// The client population and what it sends.
#[derive(Clone, Debug, PartialEq)]
pub struct Workload {
    /// Index into `Scenario::listeners` the clients connect to.
    pub listener: usize,
    /// Open (arrivals regardless of responses) or closed (clients wait and think).
    pub arrivals: Arrivals,
    /// Requests sent over one TCP connection before it is closed (>= 1).
    pub requests_per_connection: u32,
    /// Request message size \[bytes\].
    pub request_bytes: u32,
    /// Reply message size \[bytes\].
    pub reply_bytes: u32,
    /// Transaction mix: (index into `Scenario::server_classes`, probability). Sums to 1.
    pub mix: Vec<(usize, f64)>,
}

/// How requests arrive.
#[derive(Clone, Debug, PartialEq)]
pub enum Arrivals {
    /// Open arrivals: request inter-arrival times drawn from `interarrival`
    /// (exponential for Poisson arrivals at a given rate).
    Open {
        /// Time between successive requests.
        interarrival: Dist,
    },
    /// Closed loop: `clients` clients, each sends a request, waits for the reply, thinks.
    Closed {
        /// Number of clients (terminals).
        clients: u32,
        /// Think time after each reply.
        think: Dist,
    },
}

/// A distribution of durations.
#[derive(Clone, Debug, PartialEq)]
pub enum Dist {
    /// Always `value`.
    Constant(SimDuration),
    /// Exponential with the given mean.
    Exponential {
        /// Mean.
        mean: SimDuration,
    },
    /// Uniform on [min, max].
    Uniform {
        /// Lower bound.
        min: SimDuration,
        /// Upper bound.
        max: SimDuration,
    },
    /// Lognormal with the given mean and coefficient of variation (sd / mean).
    Lognormal {
        /// Mean.
        mean: SimDuration,
        /// Coefficient of variation, > 0.
        cv: f64,
    },
    /// Erlang-k (sum of k exponentials) with the given mean; cv = 1/sqrt(k).
    Erlang {
        /// Mean.
        mean: SimDuration,
        /// Number of phases, >= 1.
        k: u32,
    },
    /// Gamma with the given mean and coefficient of variation (shape = 1/cv^2).
    Gamma {
        /// Mean.
        mean: SimDuration,
        /// Coefficient of variation, > 0.
        cv: f64,
    },
}

impl Dist {
    /// The distribution's mean.
    pub fn mean(&self) -> SimDuration {
        match *self {
            Dist::Constant(v) => v,
            Dist::Exponential { mean }
            | Dist::Lognormal { mean, .. }
            | Dist::Erlang { mean, .. }
            | Dist::Gamma { mean, .. } => mean,
            Dist::Uniform { min, max } => SimDuration((min.0 + max.0) / 2),
        }
    }
}
