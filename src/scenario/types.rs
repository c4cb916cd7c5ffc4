//! The validated, typed scenario: what the models are built from.
//!
//! Every value here has passed validation: units resolved to `SimDuration`, rates to
//! per-second floats, names resolved to indices, defaults applied. A `Scenario` can also be
//! built directly in Rust (see `examples/`); it is then the caller's job to keep it within the
//! rules and limits `scenarios/README.md` lists for files.

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
    /// PATHMONs. A file without `[[pathmon]]` gets one, `$PM` in processor 0.
    pub pathmons: Vec<Pathmon>,
    /// ACS Pathway domains.
    pub domains: Vec<Domain>,
    /// Pathway server classes, each in one PATHMON; the workload's mix names them.
    pub server_classes: Vec<ServerClass>,
    /// Which link manager runs in each processor, and the Pathsend limits it enforces.
    pub pathway: PathwayLimits,
    /// The TCP/IP client population; exactly one of `workload` and `pathway_xm` is set.
    pub workload: Option<Workload>,
    /// Pathway/XM terminals, TCPs and generated PATHMONs; exactly one of `workload` and
    /// `pathway_xm` is set.
    pub pathway_xm: Option<PathwayXm>,
    /// `[[fault]]` and `[faults]`: the faults of the run and their timing.
    pub faults: Faults,
}

/// The faults of a run and the timing of detection, takeover and reload (faults.md A.1,
/// A.3, A.10). Tags as there: [F] stated in a manual, [I] a modelling inference, [?] not
/// published.
#[derive(Clone, Debug, PartialEq)]
pub struct Faults {
    /// The faults, in time order (file order among equal times).
    pub list: Vec<Fault>,
    /// [?]/[I] Period of the "I'm alive" messages; a processor is declared down after
    /// U(1, 2] periods without one ([F] two missed periods, NSINTRO p. 6-12/13) plus the
    /// regroup. Default 1 s.
    pub imalive_period: SimDuration,
    /// [I] Regroup duration after detection (EMS ZIPC 150 logs it). Default 300 ms.
    pub regroup_duration: SimDuration,
    /// [?]/[I] Time a process pair's backup takes to take over after detection. Default
    /// 200 ms.
    pub takeover_delay: SimDuration,
    /// [?] Time from `processor_reload` until the processor is up; faults.md gives no
    /// value. Default 60 s.
    pub reload_duration: SimDuration,
    /// Random processor failures: each processor fails after exponential times of this mean
    /// (none when unset).
    pub mtbf: Option<SimDuration>,
    /// Random processor failures: exponential time of this mean from a failure until its
    /// reload starts (at least until the failure is declared down). Default 10 min.
    pub mttr: SimDuration,
    /// When a processor failure counts as recovered.
    pub recovery: RecoveryRule,
    /// [I] Time from a PIF's failure until its sessions move to its failover partner (the
    /// gratuitous ARP on the survivor, faults.md A.8), or, without a partner, until its IP
    /// host is known to be down there. Default 1 s.
    pub lif_detect: SimDuration,
    /// [I] Time the switches take to deliver to the survivor after that (spanning tree:
    /// RSTP about 1-3 s, classic STP 30-50 s). Default 0.
    pub switch_converge: SimDuration,
    /// [I] TCP retransmission timeout: a frame lost at a failed PIF is sent again this long
    /// after. Default 1 s.
    pub tcp_rto: SimDuration,
    /// [F] CIP: the interval between a CLIM-to-CLIM failover's alternate attempts, on the
    /// failover interface then the home one and so on (faults.md A.4; CIP page-45: "separated
    /// by 10 seconds"). Default 10 s.
    pub clim_retry_interval: SimDuration,
    /// [F] A link manager's I/O timeout on a PATHMON whose both halves are gone: after it,
    /// the link manager drops that PATHMON's links, its pending send gets 902 with
    /// file-system error 40 and later sends 915 (faults.md A.3; PS-G page-89). Default 5 min.
    pub pathmon_io_timeout: SimDuration,
    /// Whether static servers AUTORESTART moved to other processors move back to their own
    /// when it is reloaded (faults.md A.7, TS/MP 2.5 SPREBALANCEMODE). Default off.
    pub rebalance: Rebalance,
    /// What the process broker does with the reservations a dead LCS held (faults.md A.9,
    /// [?]). Default held until they expire.
    pub lcs_reservations: LcsReservations,
}

/// After an LCS dies (`lcs_kill`), the reservations it held ([?]: no manual says).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum LcsReservations {
    /// [?] The process broker keeps them until they expire: their servers take no new
    /// request, count against MAXSERVERS, and are deleted when the reservation ends (a busy
    /// one after its reply). The default.
    #[default]
    Held,
    /// They end at once: idle servers are deleted now, busy ones after their reply.
    Released,
}

/// What happens, after a processor's reload, to the static servers AUTORESTART moved out of
/// it (faults.md A.7).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rebalance {
    /// [F] They stay where they are (TS/MP before 2.5): the reloaded processor gets back only
    /// the static servers that were not restarted elsewhere.
    Off,
    /// [F] TS/MP 2.5 SPREBALANCEMODE AUTO: they move back when the processor is up.
    Auto,
    /// [F] SPREBALANCEMODE MANUAL: they move back when the operator's PATHCOM command comes,
    /// [?] this long after the processor is up.
    Manual(SimDuration),
}

/// The recovery rule's settings: the pre-fault level is the mean over `[fault - pre, fault)`;
/// the fault has recovered at the first sample window that starts `windows` windows in a row
/// with throughput within `band` of that level and p99 at most `p99_factor` times it; windows
/// with fewer than `min_completions` completions do not count.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RecoveryRule {
    /// Length of the pre-fault reference period.
    pub pre: SimDuration,
    /// Relative throughput band.
    pub band: f64,
    /// Highest p99 relative to the pre-fault p99.
    pub p99_factor: f64,
    /// Windows in a row.
    pub windows: usize,
    /// Least completions for a window to count.
    pub min_completions: f64,
}

impl Default for RecoveryRule {
    fn default() -> Self {
        RecoveryRule {
            pre: SimDuration::from_secs(10),
            band: 0.05,
            p99_factor: 1.5,
            windows: 3,
            min_completions: 100.0,
        }
    }
}

impl Default for Faults {
    fn default() -> Self {
        Faults {
            list: Vec::new(),
            imalive_period: SimDuration::from_secs(1),
            regroup_duration: SimDuration::from_millis(300),
            takeover_delay: SimDuration::from_millis(200),
            reload_duration: SimDuration::from_secs(60),
            mtbf: None,
            mttr: SimDuration::from_secs(600),
            recovery: RecoveryRule::default(),
            lif_detect: SimDuration::from_secs(1),
            switch_converge: SimDuration::ZERO,
            tcp_rto: SimDuration::from_secs(1),
            clim_retry_interval: SimDuration::from_secs(10),
            pathmon_io_timeout: SimDuration::from_secs(300),
            rebalance: Rebalance::Off,
            lcs_reservations: LcsReservations::Held,
        }
    }
}

/// One `[[fault]]`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fault {
    /// When it happens, from the start of the run.
    pub at: SimDuration,
    /// What happens.
    pub action: FaultAction,
}

/// What a fault does.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FaultAction {
    /// A processor fails.
    ProcessorDown(FaultTarget),
    /// A failed processor is reloaded.
    ProcessorReload(u32),
    /// A process dies (its name as `processes.csv` gives it: `$ZTC3`, `$DIST-3`, `$PM`,
    /// `ORDERS#0`).
    ProcessKill(String),
    /// A PIF (adapter port) fails: its index in [`TcpIp::hosts`]' order.
    PifDown(u16),
    /// A failed PIF is repaired (same index).
    PifUp(u16),
    /// A CLIM fails (CIP): its index in `TcpIp::clims`.
    ClimDown(u16),
    /// A failed CLIM is up again (same index).
    ClimUp(u16),
    /// A Pathway/XM LCS dies: `PATHMON/CLASS` as written (`$XM0/ORDERS`); its process is
    /// `$XM0.LCS-ORDERS`.
    LcsKill(String),
}

/// The process name of the LCS `lcs_kill` names `PATHMON/CLASS`: `$XM0/ORDERS` is
/// `$XM0.LCS-ORDERS` (`model::pathway`'s naming).
pub fn lcs_process_name(pm_class: &str) -> String {
    match pm_class.split_once('/') {
        Some((pm, class)) => format!("{pm}.LCS-{class}"),
        None => pm_class.to_string(),
    }
}

/// Which processor a `processor_down` fails.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FaultTarget {
    /// This one.
    Processor(u32),
    /// The one busiest over the sample window before the fault.
    Busiest,
}

/// Run control.
#[derive(Clone, Debug, PartialEq)]
pub struct RunControl {
    /// Master seed; every random stream derives from it and a label.
    pub seed: u64,
    /// Simulated time during which clients send requests.
    pub duration: SimDuration,
    /// Warm-up by time: statistics restart from the system's state at this instant (zero when
    /// the warm-up is by request count).
    pub warmup: SimDuration,
    /// Warm-up by request count (`run.warmup = "1000 requests"`): statistics restart right
    /// after the N-th completion.
    pub warmup_requests: Option<u64>,
    /// Clients stop after this many requests have been offered, if set.
    pub max_requests: Option<u64>,
    /// After arrivals stop, requests in flight may finish for at most this long; what is still
    /// in flight then is reported as `in_flight`.
    pub drain: SimDuration,
    /// Width of one bucket of the throughput / latency time series.
    pub sample_interval: SimDuration,
    /// The run stops (incomplete, with an error) when more requests than this are in the
    /// node at once.
    pub max_in_flight: u64,
    /// A span of simulated time `[from, to)` reported on its own beside the whole run
    /// (`--window FROM..TO` on the command line; never from the file). `None`: no such span.
    pub report_window: Option<(SimDuration, SimDuration)>,
}

/// The NonStop node.
#[derive(Clone, Debug, PartialEq)]
pub struct System {
    /// Number of processors, numbered 0..processors (at most 16 per node).
    pub processors: u32,
    /// Cores per processor; a process runs on one core at a time. With `processor_types`
    /// set, each processor has its type's cores instead.
    pub cores: u32,
    /// The type of each processor, in CPU order; empty means every processor is of the
    /// default type (speed 1, `cores` cores, no dispatch cost: the costs as written).
    pub processor_types: Vec<ProcessorType>,
}

impl System {
    /// The type of processor `cpu`.
    pub fn processor_type(&self, cpu: u32) -> ProcessorType {
        match self.processor_types.get(cpu as usize) {
            Some(t) => t.clone(),
            None => ProcessorType::baseline(self.cores),
        }
    }
}

/// A processor model: how fast it runs the CPU costs a scenario writes, and its cores.
#[derive(Clone, Debug, PartialEq)]
pub struct ProcessorType {
    /// Name (`NS7 X1`, or one the scenario defines).
    pub name: String,
    /// Speed relative to the processor the scenario's CPU costs are written for: a burst of
    /// CPU cost `c` takes `c / speed` on this processor. > 0.
    pub speed: f64,
    /// Cores.
    pub cores: u32,
    /// CPU added to every burst (the dispatch that starts it), in this processor's time.
    pub dispatch_cpu: SimDuration,
    /// Speed per kind of CPU cost, [message system, TCP/IP, application]: the part of a
    /// burst of each kind takes its cost / that speed. Each defaults to `speed`.
    pub kind_speeds: [f64; 3],
    /// Threads per process kind (a name of [`THREAD_KINDS`]), sorted by kind, only the kinds
    /// given (each other kind has 1): a process of that kind runs up to min(threads, cores)
    /// bursts at once.
    pub threads: Vec<(String, u32)>,
}

/// The process kinds a `[[processor_type]]` may give `threads` for (the model's process
/// kinds, by their report names). Not `server`: a Pathway server takes one request at a time
/// off $RECEIVE, so it never has two bursts to run at once; not `clim`: a CLIM's stack runs
/// in the CLIM, one process per CLIM core, not in a processor of this type.
pub const THREAD_KINDS: [&str; 7] = [
    "tcpip",
    "distributor",
    "listener",
    "pathmon",
    "tcp",
    "acs",
    "lcs",
];

/// The most threads a process kind may be given.
pub const MAX_THREADS: u32 = 64;

impl ProcessorType {
    /// Threads of a process of kind `kind` (its report name) in a processor of this type,
    /// before the cores bound it: 1 unless the type gives more.
    pub fn threads_of(&self, kind: &str) -> u32 {
        self.threads
            .iter()
            .find(|(k, _)| k == kind)
            .map_or(1, |&(_, n)| n)
    }

    /// The processor the costs are written for: speed 1, no dispatch cost.
    pub fn baseline(cores: u32) -> Self {
        ProcessorType::new("baseline", 1.0, cores, SimDuration::ZERO)
    }

    /// A type whose every kind of cost runs at `speed`.
    pub fn new(name: &str, speed: f64, cores: u32, dispatch_cpu: SimDuration) -> Self {
        ProcessorType {
            name: name.into(),
            speed,
            cores,
            dispatch_cpu,
            kind_speeds: [speed; 3],
            threads: Vec::new(),
        }
    }
}

/// Which TS/MP link manager runs in each processor.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LinkManagerKind {
    /// TS/MP 2.0 LINKMON.
    Linkmon,
    /// TS/MP 2.5 ACS (redirector and process broker per processor).
    Acs,
}

/// Pathsend limits a link manager enforces (`None` everywhere for unbounded queueing).
#[derive(Clone, Debug, PartialEq)]
pub struct PathwayLimits {
    /// The link manager, whose limits are the defaults.
    pub link_manager: LinkManagerKind,
    /// Sends one requester may have outstanding; one more fails with 924.
    pub sends_per_requester: Option<u32>,
    /// Sends outstanding at one processor's link manager; one more fails with 924.
    pub sends_per_processor: Option<u32>,
    /// Links one processor's link manager may hold (or have asked for); past it a send that
    /// finds no link fails with 923.
    pub links_per_link_manager: Option<u32>,
    /// Requesters one processor's link manager serves; a send from one more fails with 925.
    pub requesters_per_processor: Option<u32>,
    /// The Pathsend call's own timeout (`SERVERCLASS_SEND_` timeout), drawn per send (a
    /// constant unless the file gives a distribution): the send fails with 918 (file-system
    /// error 40) if no reply came by then.
    pub send_timeout: Option<Dist>,
    /// [?] CPU the ACS redirector (ROUT, `$ZLnn`) of the requester's processor spends on each
    /// send it performs (LR page-17: it "performs the send operation"); no manual gives a
    /// figure. Zero (the default) spawns no redirector process. ACS only.
    pub redirector_cpu: SimDuration,
    /// [?] Scheduling priority of the ACS redirector processes. Default 199.
    pub redirector_priority: u8,
}

impl PathwayLimits {
    /// The documented limits of `kind`, no call timeout.
    pub fn of(kind: LinkManagerKind) -> Self {
        let (sends, links, requesters) = match kind {
            LinkManagerKind::Linkmon => (512, 1750, 256),
            // Links per ACS process: 1750 in TSMP25-SM page-318, 8191 in PS25 page-122; the
            // manuals disagree and the system-management table is taken (issue 16 item 1.2).
            LinkManagerKind::Acs => (1600, 1750, 1024),
        };
        PathwayLimits {
            link_manager: kind,
            sends_per_requester: Some(255),
            sends_per_processor: Some(sends),
            links_per_link_manager: Some(links),
            requesters_per_processor: Some(requesters),
            send_timeout: None,
            redirector_cpu: SimDuration::ZERO,
            redirector_priority: 199,
        }
    }
    /// No limit at all: sends queue at the link manager however many wait (queueing-theory
    /// checks).
    pub fn unbounded(kind: LinkManagerKind) -> Self {
        PathwayLimits {
            link_manager: kind,
            sends_per_requester: None,
            sends_per_processor: None,
            links_per_link_manager: None,
            requesters_per_processor: None,
            send_timeout: None,
            redirector_cpu: SimDuration::ZERO,
            redirector_priority: 199,
        }
    }
}

/// Costs of one Guardian message-system message (an IPC "hop").
#[derive(Clone, Debug, PartialEq)]
pub struct MessageSystem {
    /// CPU time charged to the sending process and, again, to the receiving process of a
    /// message between two processes in the same processor: the fixed part, whatever the
    /// message's size.
    pub cpu_per_message: SimDuration,
    /// CPU per KiB of message data within one processor, charged at the sender and again at
    /// the receiver (the copy into and out of the message buffers), added to
    /// `cpu_per_message`.
    pub cpu_per_kib: SimDuration,
    /// As `cpu_per_message`, for a message across ServerNet between two processors (each end
    /// in its own processor). Defaults to `cpu_per_message`.
    pub cpu_cross_processor_per_message: SimDuration,
    /// As `cpu_per_kib`, for a message across ServerNet. Defaults to `cpu_per_kib`.
    pub cpu_cross_processor_per_kib: SimDuration,
    /// Delivery latency between two processes in the same processor: the fixed part.
    pub latency_same_processor: SimDuration,
    /// Delivery latency per KiB of message data within one processor.
    pub latency_same_processor_per_kib: SimDuration,
    /// Delivery latency across ServerNet between processors: the fixed part.
    pub latency_cross_processor: SimDuration,
    /// Delivery latency per KiB of message data across ServerNet.
    pub latency_cross_processor_per_kib: SimDuration,
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
    /// CIP (Cluster I/O Protocols): the protocol stack runs on the CLIMs (`[[clim]]`), each
    /// socket call is a message between the host and a CLIM, one IP host for the node, any
    /// number of listeners per processor per port.
    Cip,
}

impl StackKind {
    /// The node is one IP host whose connections are handed out among the listeners sharing
    /// a port (TCP/IPv6's round-robin filter; CIP's distribution, the same policy [?]), and a
    /// socket lives with its application, not in a TCP/IP process.
    pub fn shared_host(self) -> bool {
        self != StackKind::Conventional
    }
}

/// A CLIM (CLuster I/O Module) under the CIP stack: a Linux server on ServerNet that runs the
/// TCP/IP protocol stack for the node [F CIP page-32; I that the whole stack runs there].
#[derive(Clone, Debug, PartialEq)]
pub struct Clim {
    /// Its name, e.g. `C1002531`.
    pub name: String,
    /// [I] Cores the stack's protocol work runs on.
    pub cores: u32,
    /// [I] Protocol CPU on the CLIM per socket call (a request in, a reply out), whatever its
    /// size.
    pub call_cpu: SimDuration,
    /// [I] Protocol CPU on the CLIM per KiB of a message.
    pub cpu_per_kib: SimDuration,
}

/// The TCP/IP subsystem.
#[derive(Clone, Debug, PartialEq)]
pub struct TcpIp {
    /// Conventional or parallel (TCP/IPv6).
    pub stack: StackKind,
    /// Protocol CPU per request or reply message, whatever its size: the fixed part (the
    /// socket call and the message's protocol set-up; the key's old name is kept).
    pub segment_cpu: SimDuration,
    /// Protocol CPU per TCP segment: a message of `b` bytes is `max(1, ceil(b / mss))` segments.
    pub per_segment_cpu: SimDuration,
    /// Protocol CPU per KiB of data copied between the socket buffers and the application.
    pub copy_cpu_per_kib: SimDuration,
    /// Protocol CPU per ACK; a message of `n` segments is acknowledged `ceil(n / 2)` times
    /// (delayed ACK, one per two segments).
    pub ack_cpu: SimDuration,
    /// Maximum segment size \[bytes\].
    pub mss: u32,
    /// Parallel stack only: the PIFs (LIFs) of the node's one IP host, e.g. `G4SA0.0.A`; CIP:
    /// the CLIM interfaces carrying its addresses, e.g. `C0.eth1`.
    /// Empty for `Conventional` (each TCP/IP process owns its own).
    pub pifs: Vec<String>,
    /// Failover pairs of PIFs (LIFs) of one host: both carry traffic; when one fails its
    /// sessions move to the other (`pif_down`, faults.md A.8).
    pub failover: Vec<[String; 2]>,
    /// The two LIFs of a failover pair share one IP address: after a repair (`pif_up`) the
    /// moved sessions stay on the survivor and new ones spread over both. False: each LIF
    /// has its own address, which moves back with its sessions.
    pub shared_ip: bool,
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
    /// CIP only: the CLIMs, whose interfaces are `pifs` (`<clim>.<interface>`). Empty for
    /// the other stacks.
    pub clims: Vec<Clim>,
}

impl TcpIp {
    /// The IP hosts' PIFs, host by host: one host per conventional TCP/IP process, in order,
    /// then the parallel stack's one host. Flattened, this is the order PIFs are numbered
    /// in (`FaultAction::PifDown`, the LAN's ports).
    pub fn hosts(&self) -> Vec<&[String]> {
        let mut hosts: Vec<&[String]> = self.processes.iter().map(|t| &t.pifs[..]).collect();
        if self.stack.shared_host() {
            hosts.push(&self.pifs);
        }
        hosts
    }
}

/// One conventional TCP/IP process (`$ZTCn`): owns one PIF and is one IP host.
#[derive(Clone, Debug, PartialEq)]
pub struct TcpIpProcess {
    /// Guardian name, e.g. `$ZTC3`.
    pub name: String,
    /// Processor it runs in (index into `System`).
    pub processor: u32,
    /// The PIFs (LIFs) it owns, e.g. `G4SA0.0.A`; its addresses. At least one.
    pub pifs: Vec<String>,
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

/// Where a parallel listener has a request's work done.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Serve {
    /// In the listener's own process (no hop).
    InProcess,
    /// Sent through Pathsend to a server of the request's class in the listener's own
    /// processor (one same-processor hop each way).
    LocalServerClass,
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
    /// Parallel listeners only: where the request's work is done.
    pub serve: Serve,
    /// CPU to accept one new connection.
    pub accept_cpu: SimDuration,
    /// CPU per request and again per reply the listener handles (parse, relay, format).
    pub handle_cpu: SimDuration,
    /// Scheduling priority (1-199, higher runs first).
    pub priority: u8,
    /// The Pathsend call it relays with, which bounds the message size.
    pub pathsend_api: PathsendApi,
    /// [I] Each instance is a process pair whose backup is in the next processor (faults.md
    /// A.3, A.4): it takes over when its primary or its processor fails.
    pub pair: bool,
}

impl Listener {
    /// Its instances' process names, one per entry of `processors`: `<name>-<p>`, and
    /// `<name>-<p>.<k>` for the k-th instance in a processor listed again (CIP allows several
    /// listening processes per processor per port [F CIP page-34]).
    pub fn instance_names(&self) -> Vec<String> {
        self.processors
            .iter()
            .enumerate()
            .map(|(i, &p)| {
                let k = self.processors[..i].iter().filter(|&&q| q == p).count();
                if k == 0 {
                    format!("{}-{p}", self.name)
                } else {
                    format!("{}-{p}.{}", self.name, k + 1)
                }
            })
            .collect()
    }
}

/// What happens to a request its client abandons (`abandon`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Abandon {
    /// The node is not told: the request stays where it is and is served for no one.
    #[default]
    Serve,
    /// A request still waiting for a link (a link manager's queue) or in a server's $RECEIVE
    /// queue leaves that queue and its send ends; one further on is served for no one.
    Withdraw,
}

/// The Pathsend procedure a requester calls.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PathsendApi {
    /// `SERVERCLASS_SEND_`: request and reply at most 32,767 bytes.
    Send,
    /// `SERVERCLASS_SENDL_`, the large-message call: at most 2 MiB.
    SendL,
}

impl PathsendApi {
    /// The largest request or reply the call carries \[bytes\].
    pub fn max_bytes(self) -> u32 {
        match self {
            PathsendApi::Send => 32_767,
            PathsendApi::SendL => 2 * 1024 * 1024,
        }
    }
}

/// A PATHMON: the Pathway monitor process pair that owns server classes and grants links.
#[derive(Clone, Debug, PartialEq)]
pub struct Pathmon {
    /// Process name, e.g. `$PM1`.
    pub name: String,
    /// Processor of the primary.
    pub processor: u32,
    /// Processor of the backup, if the pair has one (used by the fault models to come).
    pub backup: Option<u32>,
    /// CPU the PATHMON spends granting one link (choosing a server, answering the link manager).
    pub grant_cpu: SimDuration,
    /// Time to create a dynamic server process (process creation and program start).
    pub process_creation: SimDuration,
    /// Scheduling priority (1-199, higher runs first).
    pub priority: u8,
}

/// An ACS Pathway domain: up to four PATHMONs sharing link requests by weight (ACSCTL
/// `%DOM = \A.$PM1:50, \A.$PM2:10, \A.$PM3:40`).
#[derive(Clone, Debug, PartialEq)]
pub struct Domain {
    /// Domain name, e.g. `%DOM`.
    pub name: String,
    /// Members in ACSCTL order.
    pub members: Vec<DomainMember>,
    /// Over what the weights are applied to new links.
    pub balance: Balance,
}

/// [?] Over what an ACS domain's weights are applied (faults.md Part B): the supplement
/// defines them over link requests and does not say whether per processor.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Balance {
    /// The links held across the whole domain (every processor's link managers together).
    #[default]
    Domain,
    /// The links held from the asking link manager's processor alone, as a per-processor
    /// process broker would apply them.
    Processor,
}

/// One PATHMON of a domain.
#[derive(Clone, Debug, PartialEq)]
pub struct DomainMember {
    /// Index into `Scenario::pathmons`.
    pub pathmon: usize,
    /// Weight in percent; members named without a weight share the rest equally. All members'
    /// weights total 100.
    pub weight: f64,
    /// True when the weight was written in the file, false when it is a share of the rest.
    pub explicit: bool,
}

/// A Pathway server class in one PATHMON, with the TS/MP attributes that shape link
/// management. Defaults are TS/MP's.
#[derive(Clone, Debug, PartialEq)]
pub struct ServerClass {
    /// Server class name, e.g. `SERVER-CORRECT`. The same name may exist in several PATHMONs.
    pub name: String,
    /// Index into `Scenario::pathmons` of the PATHMON that owns it.
    pub pathmon: usize,
    /// MAXSERVERS: most server processes at once (0-4095; default 1). 0 is allowed for classes
    /// whose work parallel listeners do in-process.
    pub maxservers: u32,
    /// NUMSTATIC: servers started with the class and never deleted (default 0, <= MAXSERVERS);
    /// the other MAXSERVERS - NUMSTATIC are dynamic, created on demand.
    pub numstatic: u32,
    /// MAXLINKS: most links to one server from all link managers (default unlimited: `None`).
    pub maxlinks: Option<u32>,
    /// LINKDEPTH: most links one link manager holds to one server (1-255, default 1, <= MAXLINKS).
    pub linkdepth: u32,
    /// CREATEDELAY: how long a send waits for a link to free, once only dynamic links remain,
    /// before the link manager asks for a link to a dynamic server (default 1 min).
    pub createdelay: SimDuration,
    /// DELETEDELAY: idle time after which a link to a dynamic server is returned, and a
    /// dynamic server with no links left is deleted (default 10 min).
    pub deletedelay: SimDuration,
    /// TIMEOUT: a send to a server that takes longer fails with Pathsend error 904 (default none).
    pub timeout: Option<SimDuration>,
    /// CPUS: processors the servers are placed on, round-robin in this order.
    pub cpus: Vec<u32>,
    /// AUTORESTART: restarts of a failed static server within 10 minutes (default 0). Accepted
    /// and reported; it has no effect until processes can fail.
    pub autorestart: u32,
    /// CPU demand of one request.
    pub service: Dist,
    /// Non-CPU time one request holds its server (disc I/O, waits); zero if absent.
    pub io: Option<Dist>,
    /// Scheduling priority of the server processes (1-199, higher runs first).
    pub priority: u8,
}

/// Where a requester's Pathsend requests go.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SendTarget {
    /// One PATHMON (index into `Scenario::pathmons`): the link manager asks it for links.
    Pathmon(usize),
    /// An ACS domain (index into `Scenario::domains`): links are spread over its PATHMONs by
    /// weight.
    Domain(usize),
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
    /// Request message size \[bytes\], drawn per request.
    pub request_bytes: MessageSize,
    /// Reply message size \[bytes\], drawn per request.
    pub reply_bytes: MessageSize,
    /// Client abandonment: each request's patience, from its first send (none: clients wait
    /// for ever).
    pub abandon_after: Option<Dist>,
    /// What an abandoned request does (`serve` by default).
    pub abandon: Abandon,
    /// Where Pathsend requests go (distributors): a PATHMON or a domain. Default: the only
    /// domain if there is one, else the only PATHMON.
    pub send_to: SendTarget,
    /// Transaction mix: (index into `Scenario::server_classes` of the first class with that
    /// name, probability). Sums to 1. A request is sent to the class of that name in the
    /// `send_to` PATHMON or domain.
    pub mix: Vec<(usize, f64)>,
    /// The requesters' retry policy (none: a failed request is a failure to its client).
    pub retry: Option<Retry>,
}

/// A requester's retry policy (`workload.retry`, issue 15 item 4; `model/retry.rs` applies
/// it).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Retry {
    /// Sends of one request in all, the first included (2 ..= 16; 1 is no retry).
    pub attempts: u32,
    /// Time from the failure to the reissue.
    pub backoff: SimDuration,
    /// The request may be executed twice.
    pub idempotent: bool,
    /// It runs in a TMF transaction: a failure aborts it and it is reissued.
    pub tmf: bool,
    /// [I] Time a TMF abort adds to the backoff before the reissue (faults.md A.5: 50 ms).
    pub tmf_abort_delay: SimDuration,
    /// Pathsend errors, failing a send before it reached a server, that are reissued.
    pub errors: ErrorSet,
}

/// A set of Pathsend error numbers (900 ..= 963), for the retry policy.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ErrorSet(u64);

impl ErrorSet {
    /// The errors of faults.md A.5's table that fail a send before it reaches a server
    /// (904 with file-system error 201 is a fault's, always under the policy): 902, 905,
    /// 916 and 947 [I].
    pub const DEFAULT: [u16; 4] = [902, 905, 916, 947];
    /// The errors a policy may list: those the model returns before a server has the send.
    pub const ALLOWED: [u16; 9] = [902, 905, 915, 916, 918, 923, 924, 925, 947];
    /// The set of `codes` (each in 900 ..= 963).
    pub fn of(codes: &[u16]) -> Self {
        ErrorSet(codes.iter().fold(0, |m, &c| {
            assert!((900..964).contains(&c), "Pathsend errors are 900 ..= 963");
            m | 1 << (c - 900)
        }))
    }
    /// True if `code` is in the set.
    pub fn contains(self, code: u16) -> bool {
        (900..964).contains(&code) && self.0 & (1 << (code - 900)) != 0
    }
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
    /// Open arrivals whose rate changes over time: a rate profile, MMPP bursts or a replayed
    /// trace (see `model::workload::Varying` for the generation algorithms).
    Varying(Varying),
    /// Closed loop: `clients` clients, each sends a request, waits for the reply, thinks.
    Closed {
        /// Number of clients (terminals).
        clients: u32,
        /// Think time after each reply.
        think: Dist,
        /// When each client sends its first request.
        start: ClientStart,
    },
}

/// A time-varying open arrival process.
#[derive(Clone, Debug, PartialEq)]
pub enum Varying {
    /// A non-homogeneous Poisson process whose request rate is given at instants: constant
    /// from each point to the next (`linear` false), or interpolated linearly between them;
    /// constant after the last point. The first point is at 0.
    Profile {
        /// (instant, requests per second), strictly increasing instants, the first 0.
        points: Vec<(SimDuration, f64)>,
        /// Linear ramps between the points instead of steps.
        linear: bool,
    },
    /// A Markov-modulated Poisson process: Poisson arrivals at the rate of the current state;
    /// each state holds for an exponential time of its mean, then the next state in the list
    /// follows (cyclically, the last back to the first).
    Mmpp {
        /// (requests per second, mean holding time) per state, at least two.
        states: Vec<(f64, SimDuration)>,
    },
    /// A measured trace replayed: each arrival is a new session (connection).
    Trace(Trace),
}

/// A replayed arrival trace, read and checked before the run.
#[derive(Clone, Debug, PartialEq)]
pub enum Trace {
    /// Session arrival instants since t = 0, non-decreasing [ns].
    Timestamps(std::sync::Arc<[u64]>),
    /// Session arrivals per interval, the first interval starting at t = 0; within an interval
    /// they are spread uniformly at random (stream `workload/trace`).
    Counts {
        /// Width of one row's interval.
        interval: SimDuration,
        /// Arrivals in each interval.
        counts: std::sync::Arc<[u32]>,
    },
}

/// When closed clients send their first request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ClientStart {
    /// At the stationary forward-recurrence time of the think time: spread as if the clients
    /// had been running long before t = 0 (the default).
    Stationary,
    /// Each one think time (a fresh draw) after t = 0: with a constant think time, all at
    /// once, like terminals logging on together.
    AfterThink,
}

/// Pathway/XM: TERM objects spread over TCPs (Terminal Control Processes), and TCPs over
/// generated PATHMONs, by the Pathway/XM load-balancing rules (see `model::pathway_xm`).
#[derive(Clone, Debug, PartialEq)]
pub struct PathwayXm {
    /// Logical nodes (NODE objects): processors with CPU weights.
    pub nodes: Vec<XmNode>,
    /// How PATHMONs are generated.
    pub pathmon: XmPathmon,
    /// TCP templates; every terminal names one.
    pub tcp_templates: Vec<TcpTemplate>,
    /// Terminals, one entry per TERM object (groups in the file are expanded, in file order).
    pub terms: Vec<Term>,
    /// Server classes replicated into every generated PATHMON (REPLICATED classes). Their
    /// `pathmon` field is ignored; their `cpus` are the server node's processors when empty.
    pub server_classes: Vec<ServerClass>,
    /// Index into `nodes` of the node the server processes run on.
    pub server_node: usize,
    /// Transaction mix: (index into `server_classes`, probability), sums to 1.
    pub mix: Vec<(usize, f64)>,
    /// Size of each request a TCP sends to a server (0 bytes by default).
    pub request_bytes: MessageSize,
    /// Size of each reply (0 bytes by default).
    pub reply_bytes: MessageSize,
    /// The send call's message limit (`"send"`: 32,767 bytes, `"sendl"`: 2 MiB).
    pub pathsend_api: PathsendApi,
    /// Terminal abandonment: each request's patience (none: terminals wait for ever).
    pub abandon_after: Option<Dist>,
    /// What an abandoned request does (`serve` by default).
    pub abandon: Abandon,
    /// Per server class (same order as `server_classes`): TYPE DISTRIBUTED (an LCS per
    /// PATHMON, servers reserved from the server node's process broker) rather than
    /// REPLICATED.
    pub distributed: Vec<bool>,
    /// Length of a process broker reservation (`[?]` 60 s by default).
    pub reservation: SimDuration,
    /// The LCS's averaging window (`[I]` 10 s by default).
    pub lcs_window: SimDuration,
    /// The terminals' retry policy (`pathway_xm.retry`, as `workload.retry`; none: a failed
    /// request is a failure to its terminal).
    pub retry: Option<Retry>,
}

/// A Pathway/XM logical node: a set of processors with weights (`SET NODE CPUS (1:50, 2:25)`).
#[derive(Clone, Debug, PartialEq)]
pub struct XmNode {
    /// NODE name.
    pub name: String,
    /// (processor, weight) pairs in the order written; weight 0 = used only after a failure.
    pub cpus: Vec<(u32, u32)>,
    /// ROLE: which processes it may host; `None` when not configured (either role).
    pub role: Option<XmRole>,
}

/// The ROLE of a Pathway/XM logical node (PXM p. 7-2, page-104).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum XmRole {
    /// CLIENT: TCPs, LCSs and PATHMONs.
    Client,
    /// SERVER: server processes.
    Server,
}

impl XmRole {
    /// The name written in a scenario (`"client"`, `"server"`).
    pub fn name(self) -> &'static str {
        match self {
            XmRole::Client => "client",
            XmRole::Server => "server",
        }
    }
}

/// How Pathway/XM generates PATHMONs.
#[derive(Clone, Debug, PartialEq)]
pub struct XmPathmon {
    /// Index into `PathwayXm::nodes` of the node whose CPU distribution places the PATHMONs.
    pub node: usize,
    /// Most TCPs one PATHMON controls; the number of PATHMONs follows from it.
    pub maxtcps: u32,
    /// CPU per link grant.
    pub grant_cpu: SimDuration,
    /// Time to create a dynamic server process.
    pub process_creation: SimDuration,
    /// Priority of the PATHMON processes.
    pub priority: u8,
}

/// A TCP template: what each TCP process of a set of terminals looks like.
#[derive(Clone, Debug, PartialEq)]
pub struct TcpTemplate {
    /// Template name.
    pub name: String,
    /// Index into `PathwayXm::nodes` of the node whose CPU distribution places the TCPs.
    pub node: usize,
    /// MAXTERMS: most terminals one TCP serves.
    pub maxterms: u32,
    /// MAXSERVERPROCESSES: most server links one TCP holds; terminals per TCP are also
    /// limited to MAXSERVERPROCESSES / number of server classes.
    pub maxserverprocesses: u32,
    /// TCP CPU per request and again per reply (screen program, terminal I/O).
    pub handle_cpu: SimDuration,
    /// Priority of the TCP processes.
    pub priority: u8,
}

/// One terminal (TERM object).
#[derive(Clone, Debug, PartialEq)]
pub struct Term {
    /// TERM name, e.g. `T-ORDERS-001`.
    pub name: String,
    /// Index into `PathwayXm::tcp_templates`.
    pub template: usize,
    /// Configured WEIGHT: relative workload (e.g. transactions per hour).
    pub weight: u32,
    /// Think time between a reply and the next request.
    pub think: Dist,
}

/// A distribution of message sizes: a [`Dist`] whose values are bytes (one nanosecond of the
/// distribution stands for one byte), so the duration samplers draw sizes too.
#[derive(Clone, Debug, PartialEq)]
pub struct MessageSize(pub Dist);

impl MessageSize {
    /// Always `bytes`.
    pub fn bytes(bytes: u32) -> Self {
        MessageSize(Dist::Constant(SimDuration::from_nanos(u64::from(bytes))))
    }
    /// The mean size \[bytes\].
    pub fn mean_bytes(&self) -> f64 {
        self.0.mean().as_nanos() as f64
    }
    /// The size the Pathsend limit is checked against \[bytes\]: the largest value for a
    /// constant or uniform size, else the 99.9th percentile (exponential: mean x ln 1000;
    /// lognormal: exp(mu + 3.090 sigma); Erlang and gamma: the Wilson-Hilferty approximation
    /// k theta (1 - 1/(9k) + 3.090 sqrt(1/(9k)))^3).
    pub fn checked_bytes(&self) -> f64 {
        const Z: f64 = 3.090_232_306_167_813; // standard normal 99.9th percentile
        let gamma = |mean: f64, shape: f64| {
            let a = 1.0 / (9.0 * shape);
            mean * (1.0 - a + Z * a.sqrt()).powi(3)
        };
        match self.0 {
            Dist::Constant(v) => v.as_nanos() as f64,
            Dist::Uniform { max, .. } => max.as_nanos() as f64,
            Dist::Exponential { mean } => mean.as_nanos() as f64 * 1000f64.ln(),
            Dist::Lognormal { mean, cv } => {
                let s2 = (1.0 + cv * cv).ln();
                let mu = (mean.as_nanos() as f64).ln() - s2 / 2.0;
                (mu + Z * s2.sqrt()).exp()
            }
            Dist::Erlang { mean, k } => gamma(mean.as_nanos() as f64, f64::from(k)),
            Dist::Gamma { mean, cv } => gamma(mean.as_nanos() as f64, 1.0 / (cv * cv)),
        }
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_size_is_checked_at_its_maximum_or_its_99_9th_percentile() {
        let b = SimDuration::from_nanos;
        assert_eq!(MessageSize::bytes(40_000).checked_bytes(), 40_000.0);
        let uniform = MessageSize(Dist::Uniform {
            min: b(512),
            max: b(30_720),
        });
        assert_eq!(uniform.checked_bytes(), 30_720.0);
        assert_eq!(uniform.mean_bytes(), 15_616.0);
        // Exponential: P(X > x) = exp(-x / mean) = 0.001 at x = mean ln 1000.
        let exp = MessageSize(Dist::Exponential { mean: b(4096) });
        assert!((exp.checked_bytes() - 4096.0 * 6.907_755).abs() < 0.01);
        // Lognormal with cv 1: sigma^2 = ln 2, mu = ln 4096 - ln 2 / 2.
        let logn = MessageSize(Dist::Lognormal {
            mean: b(4096),
            cv: 1.0,
        });
        let s = 2f64.ln().sqrt();
        let want = (4096f64.ln() - 2f64.ln() / 2.0 + 3.090_232 * s).exp();
        assert!((logn.checked_bytes() - want).abs() < 0.01 * want);
        // Erlang-4: 2 k X / mean is chi-square with 8 degrees of freedom, whose 99.9th
        // percentile is 26.1245, so the exact one is 26.1245 / 8 = 3.2656 x mean;
        // Wilson-Hilferty's 3.2897 is within 1 %.
        let erlang = MessageSize(Dist::Erlang {
            mean: b(1000),
            k: 4,
        });
        assert!((erlang.checked_bytes() / 1000.0 - 3.2656).abs() < 0.01 * 3.2656);
    }
}
