//! The scenario file as written: serde structs that mirror the TOML one to one.
//!
//! Everything a user may omit is an `Option` (or a defaulted `Vec`), and even required fields
//! are optional here: `validate/` reports every missing field at once instead of serde
//! stopping at the first. Durations, rates and bandwidths stay strings until validation so a
//! bad one is reported with its field path. Every struct denies unknown fields, so a typo fails
//! loudly with its line and column. No internally tagged, untagged or flattened enums: they
//! lose toml's error spans (see /work/shared/ecosystem.md), which is why a distribution is one
//! flat table with a `dist` name and optional parameters.
//!
//! The `///` comment on each field is the reference for that key (unit and default);
//! `scenarios/README.md` collects them into the manual.

use std::collections::BTreeMap;
use std::fmt;

use serde::de::{self, Deserializer, SeqAccess, Visitor};
use serde::{Deserialize, Serialize};

/// A whole scenario file.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawScenario {
    /// Required, non-empty; letters, digits, `.`, `_` and `-` only (it becomes the output folder
    /// name `output/<name>/`).
    pub name: Option<String>,
    /// One paragraph shown in reports. Default `""`.
    pub description: Option<String>,
    /// `[run]`: run control. Required.
    pub run: Option<RawRun>,
    /// `[system]`: the NonStop node. Required.
    pub system: Option<RawSystem>,
    /// `[[processor_type]]`: processor models a `[system]` may name besides the built-in
    /// ones. Optional.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub processor_type: Vec<RawProcessorType>,
    /// `[pathway]`: the link manager and its Pathsend limits. Optional; every field has a
    /// default.
    pub pathway: Option<RawPathway>,
    /// `[message_system]`: Guardian IPC costs. Optional; every field has a default.
    pub message_system: Option<RawMessageSystem>,
    /// `[lan]`: LAN adapters. Optional; every field has a default.
    pub lan: Option<RawLan>,
    /// `[tcpip]`: the TCP/IP subsystem. Required when there is a `[[listener]]`; without
    /// listeners (Pathway/XM scenarios) it defaults to the parallel stack with every default.
    pub tcpip: Option<RawTcpIp>,
    /// `[[clim]]`: the CLIMs of the CIP stack (`tcpip.stack = "cip"`), at least one there;
    /// none under the other stacks.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub clim: Vec<RawClim>,
    /// `[[listener]]`: listener processes. At least one with a `[workload]`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub listener: Vec<RawListener>,
    /// `[[pathmon]]`: PATHMONs. Optional: without any, one PATHMON `$PM` in processor 0 with
    /// every default is created.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub pathmon: Vec<RawPathmon>,
    /// `[[domain]]`: ACS Pathway domains. Optional.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub domain: Vec<RawDomain>,
    /// `[[server_class]]`: Pathway server classes, each in one PATHMON. At least one with a
    /// `[workload]`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub server_class: Vec<RawServerClass>,
    /// `[workload]`: TCP/IP clients. Exactly one of `[workload]` and `[pathway_xm]`.
    pub workload: Option<RawWorkload>,
    /// `[pathway_xm]`: Pathway/XM terminals, TCPs and generated PATHMONs. Exactly one of
    /// `[workload]` and `[pathway_xm]`.
    pub pathway_xm: Option<RawPathwayXm>,
    /// `[[fault]]`: faults injected during the run, each at a time with one action.
    /// Optional.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fault: Vec<RawFault>,
    /// `[faults]`: the timing of detection, takeover and reload. Optional; every field has a
    /// default.
    pub faults: Option<RawFaults>,
}

/// `[[fault]]`: one fault: when, and exactly one action. `processor_down`,
/// `processor_reload`, `process_kill`, `pif_down`, `pif_up`, `clim_down`, `clim_up` and
/// `lcs_kill`.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawFault {
    /// When the fault happens, from the start of the run, before `run.duration`
    /// \[duration\]. Required.
    pub at: Option<String>,
    /// A processor fails: its number, or `"busiest"` (the processor busiest over the sample
    /// window before `at`).
    pub processor_down: Option<NameOrNumber>,
    /// A failed processor is reloaded (it is up again `faults.reload_duration` later).
    pub processor_reload: Option<u32>,
    /// A process dies: its name as `processes.csv` gives it (a `$ZTCn`, a listener instance
    /// `NAME-CPU`, a PATHMON, a server process `CLASS#N`).
    pub process_kill: Option<NameOrNumber>,
    /// A PIF (adapter port) fails: its name, e.g. `"G4SA0.0.A"`; its sessions move to its
    /// failover partner after `faults.lif_detect`.
    pub pif_down: Option<NameOrNumber>,
    /// A failed PIF is repaired: its name.
    pub pif_up: Option<NameOrNumber>,
    /// A CLIM fails (CIP stack): its name, e.g. `"C1002531"`; its addresses fail over to
    /// their failover interfaces on other CLIMs and its TCP connections are lost.
    pub clim_down: Option<NameOrNumber>,
    /// A failed CLIM is up again: its name. No automatic failback: addresses that moved stay.
    pub clim_up: Option<NameOrNumber>,
    /// A Pathway/XM LCS dies: `"PATHMON/CLASS"` (`"$XM0/ORDERS"`), a distributed class's
    /// LCS in one generated PATHMON; its PATHMON restarts it after `process_creation`.
    pub lcs_kill: Option<NameOrNumber>,
}

/// `[faults]`: detection, takeover and reload timing (faults.md A.1, A.3, A.10).
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawFaults {
    /// Period of the processors' "I'm alive" messages \[duration\]. Default `"1s"`.
    pub imalive_period: Option<String>,
    /// Regroup time after the missed messages \[duration\]. Default `"300ms"`.
    pub regroup_duration: Option<String>,
    /// Time for a process pair's backup to take over \[duration\]. Default `"200ms"`.
    pub takeover_delay: Option<String>,
    /// Time from `processor_reload` until the processor is up \[duration\]. Default `"60s"`.
    pub reload_duration: Option<String>,
    /// Random processor failures: mean time between failures per processor \[duration\].
    pub mtbf: Option<String>,
    /// Random processor failures: mean time from a failure to its reload \[duration\].
    /// Default `"10min"`.
    pub mttr: Option<String>,
    /// Recovery rule: the pre-fault period \[duration\]. Default `"10s"`.
    pub recovery_pre: Option<String>,
    /// Recovery rule: relative throughput band. Default 0.05.
    pub recovery_band: Option<f64>,
    /// Recovery rule: highest p99 relative to the pre-fault p99. Default 1.5.
    pub recovery_p99: Option<f64>,
    /// Recovery rule: sample windows in a row. Default 3.
    pub recovery_windows: Option<u32>,
    /// Time from a PIF's failure until its sessions move to its partner \[duration\]. Default
    /// `"1s"`.
    pub lif_detect: Option<String>,
    /// Time the switches take to deliver to the survivor after that \[duration\]. Default
    /// `"0s"`.
    pub switch_converge: Option<String>,
    /// TCP retransmission timeout of a frame lost at a failed PIF \[duration\]. Default
    /// `"1s"`, > 0.
    pub tcp_rto: Option<String>,
    /// CIP: interval between a CLIM-to-CLIM failover's alternate attempts \[duration\].
    /// Default `"10s"`, > 0.
    pub clim_retry_interval: Option<String>,
    /// A link manager's I/O timeout on a lost PATHMON \[duration\]. Default `"5min"`, > 0.
    pub pathmon_io_timeout: Option<String>,
    /// After a reload, static servers AUTORESTART moved elsewhere: `"off"` (they stay),
    /// `"auto"` (they move back when the processor is up) or `"manual"` (they move back
    /// `rebalance_after` later). Default `"off"`.
    pub rebalance: Option<String>,
    /// With `rebalance = "manual"`: time from the processor being up to the operator's
    /// command \[duration\]. Default `"60s"`.
    pub rebalance_after: Option<String>,
    /// After an LCS dies, the reservations it held: `"held"` (the process broker keeps them
    /// until they expire, \[?\]) or `"released"` (at once). Default `"held"`.
    pub lcs_reservations: Option<String>,
}

/// `[run]`: run control.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawRun {
    /// Master seed of every random stream \[integer\]. Default 1. TOML integers stop at
    /// 2^63-1, so a larger seed (up to 2^64-1) is written in quotes: `seed = "18446744073709551615"`.
    #[serde(default, deserialize_with = "seed")]
    pub seed: Option<u64>,
    /// Window during which clients send requests \[duration\]. Required, > 0. Every duration in
    /// a scenario is at most 30 days (`scenario::limits`).
    pub duration: Option<String>,
    /// End of warm-up: an instant \[duration\], less than `duration`, or a request count
    /// (`"1000 requests"`: right after the 1000th completion). Default `"0s"`.
    pub warmup: Option<String>,
    /// Clients stop after this many requests have been offered \[count\]. Optional, >= 1.
    pub max_requests: Option<u64>,
    /// After arrivals stop, in-flight requests may finish for at most this long \[duration\].
    /// Default `"10s"`.
    pub drain: Option<String>,
    /// Width of one bucket of the time series \[duration\]. Default `"1s"`, > 0, and
    /// `(duration + drain) / sample_interval` at most 10000 (each interval keeps its own latency
    /// histogram).
    pub sample_interval: Option<String>,
    /// Requests in flight at which the run stops with an error \[count\]. Default 2,000,000,
    /// 1..=100,000,000 (`scenario::limits`).
    pub max_in_flight: Option<u64>,
}

/// `[system]`: the NonStop node.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawSystem {
    /// Processors in the node, numbered from 0 \[count\]. Required, 1..=16.
    pub processors: Option<u32>,
    /// Cores per processor \[count\]. Default 1, 1..=64. Not with `processor_type(s)`,
    /// whose type gives the cores.
    pub cores: Option<u32>,
    /// Type of every processor: a built-in (`NS1000`, `NS14000`, `NS16000`, `NS7 X1`, `NS8`) or a
    /// `[[processor_type]]` name. Default: the baseline (speed 1, `cores`, no dispatch cost).
    pub processor_type: Option<String>,
    /// Type of each processor, one name per processor in CPU order. Not with
    /// `processor_type`.
    pub processor_types: Option<Vec<String>>,
}

/// `[[processor_type]]`: a processor model.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawProcessorType {
    /// Name, referred to by `system.processor_type(s)`. Required, unique; may replace a
    /// built-in of the same name.
    pub name: Option<String>,
    /// Speed relative to the processor the scenario's CPU costs are written for: every CPU
    /// burst takes cost / speed \[factor\]. Default 1, 0.01..=100.
    pub speed: Option<f64>,
    /// Cores per processor \[count\]. Default 1, 1..=64.
    pub cores: Option<u32>,
    /// CPU added to every burst for its dispatch, in this processor's time \[duration\].
    /// Default `"0us"`.
    pub dispatch_cpu: Option<String>,
    /// Speed for message-system CPU (the ends of IPC messages) \[factor\]. Default `speed`,
    /// 0.01..=100.
    pub speed_message_system: Option<f64>,
    /// Speed for TCP/IP CPU (protocol work, and the bursts of TCP/IP processes) \[factor\].
    /// Default `speed`, 0.01..=100.
    pub speed_tcpip: Option<f64>,
    /// Speed for application CPU (listeners, distributors, TCPs, PATHMONs, servers' service)
    /// \[factor\]. Default `speed`, 0.01..=100.
    pub speed_application: Option<f64>,
    /// Threads per process kind, e.g. `{ listener = 4, distributor = 2 }`: a process of that
    /// kind in a processor of this type runs up to min(threads, cores) CPU bursts at once
    /// \[count\]. Keys: `tcpip`, `distributor`, `listener`, `pathmon`, `tcp`, `acs`, `lcs`.
    /// Default 1 for every kind (NonStop processes are single-threaded), 1..=64.
    pub threads: Option<BTreeMap<String, u32>>,
}

/// `[pathway]`: the link manager in each processor and the Pathsend limits it enforces.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawPathway {
    /// `"linkmon"` (TS/MP 2.0) or `"acs"` (TS/MP 2.5). Default `"acs"` when the scenario has
    /// a `[[domain]]`, else `"linkmon"`.
    pub link_manager: Option<String>,
    /// `"enforced"` or `"unbounded"` (no limit applies: sends queue at the link manager
    /// however many wait, for queueing-theory checks). Default `"enforced"`.
    pub limits: Option<String>,
    /// Sends one requester may have outstanding; one more fails with 924 \[count\].
    /// Default 255.
    pub sends_per_requester: Option<u32>,
    /// Sends outstanding at one processor's link manager; one more fails with 924
    /// \[count\]. Default 512 (LINKMON) or 1600 (ACS).
    pub sends_per_processor: Option<u32>,
    /// Links one processor's link manager may hold; past it a send finding no link fails
    /// with 923 \[count\]. Default 1750 (LINKMON and ACS: TSMP25-SM page-318; PS25
    /// page-122 gives 8191 for ACS).
    pub links_per_link_manager: Option<u32>,
    /// Requesters one processor's link manager serves; a send from one more fails with 925
    /// \[count\]. Default 256 (LINKMON) or 1024 (ACS).
    pub requesters_per_processor: Option<u32>,
    /// Pathsend call timeout (`SERVERCLASS_SEND_`'s timeout): without a reply by then the
    /// send fails with 918, file-system error 40 \[duration, or a distribution of durations
    /// drawn per send\]. Default none.
    pub send_timeout: Option<RawDuration>,
    /// ACS only: CPU the redirector (`$ZLnn`) in the requester's processor spends per send
    /// \[duration\]. Default `"0us"` (not published: no redirector process is modelled).
    pub redirector_cpu: Option<String>,
    /// ACS only: scheduling priority of the redirector processes \[1-199\]. Default 199.
    pub redirector_priority: Option<u32>,
}

/// `[message_system]`: costs of one Guardian message (placeholders to calibrate).
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawMessageSystem {
    /// CPU charged to the sender and again to the receiver of each message within one
    /// processor \[duration\]. Default `"10us"`.
    pub cpu_per_message: Option<String>,
    /// CPU per KiB of message data within one processor, at the sender and again at the
    /// receiver \[duration\]. Default `"0.1us"` (placeholder).
    pub cpu_per_kib: Option<String>,
    /// CPU charged to the sender and again to the receiver of each message across ServerNet
    /// between processors \[duration\]. Default: `cpu_per_message` (placeholder).
    pub cpu_cross_processor_per_message: Option<String>,
    /// CPU per KiB of a message across ServerNet, at the sender and again at the receiver
    /// \[duration\]. Default: `cpu_per_kib` (placeholder).
    pub cpu_cross_processor_per_kib: Option<String>,
    /// Delivery latency within one processor, fixed part \[duration\]. Default `"15us"`.
    pub latency_same_processor: Option<String>,
    /// Delivery latency within one processor per KiB \[duration\]. Default `"0.1us"`.
    pub latency_same_processor_per_kib: Option<String>,
    /// Delivery latency between processors over ServerNet, fixed part \[duration\]. Default
    /// `"30us"`.
    pub latency_cross_processor: Option<String>,
    /// Delivery latency over ServerNet per KiB \[duration\]. Default `"0.25us"`.
    pub latency_cross_processor_per_kib: Option<String>,
}

/// `[lan]`: LAN adapters.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawLan {
    /// Bandwidth of one PIF, each direction \[bandwidth\]. Default `"1Gb/s"`.
    pub pif_bandwidth: Option<String>,
    /// One-way latency between a client and the adapter \[duration\]. Default `"100us"`.
    pub client_latency: Option<String>,
}

/// `[tcpip]`: the TCP/IP subsystem (costs are placeholders to calibrate).
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawTcpIp {
    /// `"conventional"`, `"parallel"` or `"cip"` \[name\]. Required.
    pub stack: Option<String>,
    /// Protocol CPU per request or reply message, fixed part \[duration\]. Default `"15us"`.
    pub segment_cpu: Option<String>,
    /// Protocol CPU per TCP segment \[duration\]. Default `"0.5us"` (placeholder).
    pub per_segment_cpu: Option<String>,
    /// Protocol CPU per KiB copied \[duration\]. Default `"0.1us"` (placeholder).
    pub copy_cpu_per_kib: Option<String>,
    /// Protocol CPU per ACK, one per two segments \[duration\]. Default `"0.25us"`
    /// (placeholder).
    pub ack_cpu: Option<String>,
    /// Maximum segment size \[bytes\]. Default 1460, 536..=9000.
    pub mss: Option<u32>,
    /// Parallel stack only: the PIFs (LIFs) of the node's IP host, `"G4SA<adapter>.0.<port>"`
    /// \[names\]. Default `["G4SA0.0.A"]`.
    pub pifs: Option<Vec<String>>,
    /// Failover pairs of PIFs of one host, both active \[pairs of names\]. Default none.
    pub failover: Option<Vec<Vec<String>>>,
    /// The two LIFs of a failover pair share one IP address \[bool\]: after `pif_up` moved
    /// sessions stay on the survivor. Default false (each LIF's address moves back).
    pub shared_ip: Option<bool>,
    /// Protocol CPU to set up a connection \[duration\]. Default `"75us"`.
    pub connect_cpu: Option<String>,
    /// Protocol CPU to close a connection \[duration\]. Default `"25us"`.
    pub close_cpu: Option<String>,
    /// Pending connections a listening socket holds \[count\]. Default 5, >= 1; at most 5 under
    /// the parallel stack.
    pub backlog: Option<u32>,
    /// Client SYN retransmission timeout, doubling per retry \[duration\]. Default `"1s"`, > 0.
    pub syn_retry: Option<String>,
    /// SYN retransmissions before the client gives up \[count\]. Default 3.
    pub syn_retries: Option<u32>,
    /// Scheduling priority of TCP/IP processes \[1..=199\]. Default 199.
    pub priority: Option<u32>,
    /// `[[tcpip.process]]`: conventional stack only, at least one; absent for parallel.
    pub process: Option<Vec<RawTcpIpProcess>>,
}

/// `[[clim]]`: one CLIM of the CIP stack, which runs the protocol work of the connections
/// whose addresses its interfaces carry.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawClim {
    /// CLIM name, e.g. `"C1002531"`: letters, digits, `-` and `_` \[name\]. Required, unique.
    pub name: Option<String>,
    /// Cores the protocol work runs on \[count\]. Default 8 (placeholder [I]), 1..=64.
    pub cores: Option<u32>,
    /// Protocol CPU on the CLIM per socket call (a request in, a reply out) \[duration\].
    /// Default `"15us"` (placeholder [I]).
    pub call_cpu: Option<String>,
    /// Protocol CPU on the CLIM per KiB of a message \[duration\]. Default `"0.5us"`
    /// (placeholder [I]).
    pub cpu_per_kib: Option<String>,
}

/// `[[tcpip.process]]`: one conventional TCP/IP process (one IP host).
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawTcpIpProcess {
    /// Guardian process name, e.g. `"$ZTC3"`. Required, unique.
    pub name: Option<String>,
    /// Processor it runs in \[processor number\]. Required, must exist.
    pub processor: Option<u32>,
    /// The PIFs (LIFs) it owns \[names\]. Default: one, `G4SA<i / 4>.0.<A + i % 4>` for the
    /// i-th process.
    pub pifs: Option<Vec<String>>,
}

/// `[[listener]]`: a listener, one instance per listed processor.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawListener {
    /// Process name prefix, e.g. `"$DIST"`. Required, unique.
    pub name: Option<String>,
    /// `"distributor"` or `"parallel"` \[name\]. Required.
    pub model: Option<String>,
    /// TCP port every instance listens on \[1..=65535\]. Default 3000.
    pub port: Option<u32>,
    /// One instance per processor listed \[processor list: numbers, or `"all"`, `"A..B"`
    /// relative to the processor count\]. Required, non-empty, each exists, no duplicates.
    pub processors: Option<RawProcessors>,
    /// Conventional stack only: the TCP/IP process each instance listens through, one name per
    /// processor, or one name for all. Default: the only `[[tcpip.process]]` when there is
    /// exactly one. Must be absent under the parallel stack. A single string is accepted too.
    pub tcpip: Option<OneOrMany>,
    /// Parallel listeners only: `"in-process"` (do the work in the listener) or
    /// `"local-server-class"` (Pathsend to a server of the class in the listener's own
    /// processor) \[name\]. Default `"in-process"`.
    pub serve: Option<String>,
    /// CPU to accept one connection \[duration\]. Default `"30us"`.
    pub accept_cpu: Option<String>,
    /// CPU per request and again per reply handled \[duration\]. Default `"20us"`.
    pub handle_cpu: Option<String>,
    /// Scheduling priority \[1..=199\]. Default 180.
    pub priority: Option<u32>,
    /// `"send"` (`SERVERCLASS_SEND_`, messages up to 32767 bytes) or `"sendl"`
    /// (`SERVERCLASS_SENDL_`, up to 2 MiB) \[name\]. Default `"send"`.
    pub pathsend_api: Option<String>,
    /// Each instance runs as a process pair, its backup in the next processor \[bool\].
    /// Default false.
    pub pair: Option<bool>,
}

/// `[[pathmon]]`: a PATHMON process pair, which owns server classes and grants links.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawPathmon {
    /// Process name, e.g. `"$PM1"`. Required, unique.
    pub name: Option<String>,
    /// Processor of the primary \[processor number\]. Required, must exist.
    pub processor: Option<u32>,
    /// Processor of the backup \[processor number\]. Optional; must exist and differ from
    /// `processor`.
    pub backup: Option<u32>,
    /// CPU to grant one link \[duration\]. Default `"200us"` (placeholder).
    pub grant_cpu: Option<String>,
    /// Time to create a dynamic server process \[duration\]. Default `"200ms"` (placeholder).
    pub process_creation: Option<String>,
    /// Scheduling priority \[1..=199\]. Default 170.
    pub priority: Option<u32>,
}

/// `[[domain]]`: an ACS Pathway domain (an ACSCTL `[Pathway Domain]` entry).
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawDomain {
    /// Domain name, e.g. `"%DOM"`. Required, unique, starts with `%`.
    pub name: Option<String>,
    /// Members in ACSCTL syntax, `"$PM1:50"` or `"$PM1"` \[names with optional integer
    /// weights\]. Required: 1 to 4 `[[pathmon]]` names, no repeats; weights 0..=100 totalling
    /// 100, members without a weight sharing what the others leave of 100 equally.
    pub pathmons: Option<Vec<String>>,
    /// Over what the weights apply: `"domain"` (the links held across the domain) or
    /// `"processor"` (the links held from the asking processor) \[name\]. Default `"domain"`.
    pub balance: Option<String>,
}

/// `[[server_class]]` (and `[[pathway_xm.server_class]]`): a Pathway server class with its
/// TS/MP attributes. Defaults are TS/MP's.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawServerClass {
    /// Server class name, e.g. `"A"`. Required; unique within its PATHMON.
    pub name: Option<String>,
    /// The `[[pathmon]]` that owns the class \[name\]. Default: the only PATHMON (the implicit
    /// `$PM` when there is no `[[pathmon]]`); required when there are several. Not allowed in
    /// `[[pathway_xm.server_class]]`.
    pub pathmon: Option<String>,
    /// MAXSERVERS: most server processes at once \[count\]. Default 1, 0..=4095.
    pub maxservers: Option<u32>,
    /// NUMSTATIC: static servers, started with the class \[count\]. Default 0, <= `maxservers`.
    pub numstatic: Option<u32>,
    /// MAXLINKS: most links to one server from all link managers \[count\]. Default unlimited,
    /// 1..=4095.
    pub maxlinks: Option<u32>,
    /// LINKDEPTH: most links one link manager holds to one server \[count\]. Default 1,
    /// 1..=255, <= `maxlinks`.
    pub linkdepth: Option<u32>,
    /// CREATEDELAY \[duration\]. Default `"1min"`, at most 16383s.
    pub createdelay: Option<String>,
    /// DELETEDELAY \[duration\]. Default `"10min"`, at most 16383s.
    pub deletedelay: Option<String>,
    /// TIMEOUT of a send to a server \[duration\]. Default none, > 0, at most 16383s.
    pub timeout: Option<String>,
    /// CPUS: processors the servers are placed on, in order \[processor list: numbers, or
    /// `"all"`, `"A..B"`, `"others"` relative to the processor count\]. Default `[]` (in
    /// `[[pathway_xm.server_class]]`: the server node's processors with weight > 0); non-empty
    /// when `maxservers` > 0; each must exist.
    pub cpus: Option<RawProcessors>,
    /// AUTORESTART \[count\]. Default 0, 0..=32767.
    pub autorestart: Option<u32>,
    /// CPU demand of one request \[distribution of durations\]. Required.
    pub service: Option<RawDist>,
    /// Non-CPU time a request holds its server (disc I/O) \[distribution of durations\].
    /// Optional: none.
    pub io: Option<RawDist>,
    /// Scheduling priority of the server processes \[1..=199\]. Default 150.
    pub priority: Option<u32>,
    /// Pathway/XM server class TYPE \[name\]: `"replicated"` (a copy in every generated
    /// PATHMON, reached over links) or `"distributed"` (an LCS per PATHMON owns the queue and
    /// forwards to servers the node's process broker reserves). Default `"replicated"`,
    /// although the product's default is DISTRIBUTED (PXM page-90). Only in
    /// `[[pathway_xm.server_class]]`.
    #[serde(rename = "type")]
    pub class_type: Option<String>,
}

/// `[workload]`: the client population.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawWorkload {
    /// Name of the `[[listener]]` clients connect to. Default: the only listener, when there is
    /// exactly one.
    pub listener: Option<String>,
    /// `"open"` or `"closed"` \[name\]. Required.
    pub kind: Option<String>,
    /// Open only: Poisson arrivals at this rate \[rate\], 1/day ..= 10000000/s; a rate profile,
    /// an array of `{ at = "0s", rate = "5000/s" }` points (a non-homogeneous Poisson
    /// process); or a table, `{ kind = "mmpp", states = [...] }` or `{ kind = "trace", file =
    /// "x.csv", ... }` ([`RawArrivals`]). Exactly one of `rate` / `interarrival`. Kept as a TOML
    /// value because it takes any of these forms; validation checks the fields of each.
    pub rate: Option<toml::Value>,
    /// Open only, with a rate profile: `"step"` (default: each point's rate holds until the
    /// next) or `"linear"` (the rate ramps linearly from each point to the next).
    pub rate_shape: Option<String>,
    /// Open only: time between arrivals \[distribution of durations\]. Exactly one of `rate` /
    /// `interarrival`.
    pub interarrival: Option<RawDist>,
    /// Closed only: number of clients \[count\]. Required for closed, 1 ..= 1000000.
    pub clients: Option<u32>,
    /// Closed only: think time after each reply \[distribution of durations\]. Required for
    /// closed.
    pub think: Option<RawDist>,
    /// Closed only: when each client sends its first request: `"stationary"` (default: at
    /// U x a length-biased think time, as if running since long before t = 0) or
    /// `"after-think"` (one think time after t = 0, all together for a constant think).
    pub start: Option<String>,
    /// Requests sent over one TCP connection \[count\]. Default 1, >= 1.
    pub requests_per_connection: Option<u32>,
    /// Client abandonment: how long a client waits for its reply, from the request's first
    /// send, before it gives up \[distribution of durations\], drawn per request. Default: clients
    /// wait for ever.
    pub abandon_after: Option<RawDist>,
    /// What an abandoned request does: `"serve"` (default: it stays queued and is served for
    /// no one) or `"withdraw"` (one still waiting for a link or in a server's $RECEIVE queue
    /// leaves the queue) \[name\].
    pub abandon: Option<String>,
    /// Request message size \[bytes, or a distribution of sizes\]. Default 1024.
    pub request_bytes: Option<RawSize>,
    /// Reply message size \[bytes, or a distribution of sizes\]. Default 4096.
    pub reply_bytes: Option<RawSize>,
    /// Where distributors send Pathsend requests: a `[[domain]]` or `[[pathmon]]` name
    /// \[name\]. Default: the only domain when there is exactly one, else the only PATHMON.
    pub send_to: Option<String>,
    /// Transaction mix: server class name -> relative weight (> 0), normalised to sum 1.
    /// Required, non-empty; each name must be a class of the `send_to` PATHMON, or of at least
    /// one PATHMON of the `send_to` domain. Sorted by name, so the order never depends on the
    /// file.
    pub mix: Option<BTreeMap<String, f64>>,
    /// The requesters' retry policy after a fault fails a request ([`RawRetry`]). Default: no
    /// retry.
    pub retry: Option<RawRetry>,
}

/// `workload.retry`: how a requester reissues a request a fault failed.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawRetry {
    /// Sends of one request in all, the first included \[count\]. Required, 1 ..= 16.
    pub attempts: Option<i64>,
    /// Time from the failure to the reissue \[duration\]. Default `"0s"`, >= 0.
    pub backoff: Option<String>,
    /// The request may be executed twice. Default `true`.
    pub idempotent: Option<bool>,
    /// The request runs in a TMF transaction: a failure aborts it and the requester reissues
    /// it whatever it reached. Default `false`.
    pub tmf: Option<bool>,
    /// Pathsend errors that fail a send before it reaches a server and that the requester
    /// reissues \[list of error numbers\]. Default `[902, 905, 916, 947]` (faults.md A.5's
    /// table); allowed: 902, 905, 915, 916, 918, 923, 924, 925, 947; `[]` for none.
    pub errors: Option<Vec<i64>>,
    /// Time a TMF abort adds before the reissue \[duration\]. Default `"50ms"` (faults.md A.5
    /// \[I\]), `"0s"` ..= `"1h"`.
    pub tmf_abort_delay: Option<String>,
}

/// `workload.rate` written as a table: an MMPP or a replayed trace.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawArrivals {
    /// `"mmpp"` or `"trace"` \[name\]. Required.
    pub kind: Option<String>,
    /// MMPP: the states, visited in order, the last followed by the first; 2 ..= 64.
    pub states: Option<Vec<RawMmppState>>,
    /// Trace: the CSV file, relative to the scenario file that names it \[path\].
    pub file: Option<String>,
    /// Trace: `"timestamps"` (default: one arrival instant per row, in seconds) or
    /// `"counts"` (arrivals per `interval`, one row per interval).
    pub format: Option<String>,
    /// Trace with `format = "counts"`: the width of one row's interval \[duration\].
    pub interval: Option<String>,
}

/// One MMPP state.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawMmppState {
    /// Poisson rate while in the state \[rate\], `"0/s"` or 1/day ..= 10000000/s. Required.
    pub rate: Option<String>,
    /// Mean (exponential) holding time \[duration\], 1 ms ..= 30 days. Required.
    pub mean_hold: Option<String>,
}

/// `[pathway_xm]`: a Pathway/XM environment, terminals (TERM objects) served by TCPs under
/// generated PATHMONs.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawPathwayXm {
    /// The node whose processors run the server processes \[name of a `[[pathway_xm.node]]`\].
    /// Required.
    pub server_node: Option<String>,
    /// Transaction mix: `[[pathway_xm.server_class]]` name -> relative weight (> 0), normalised
    /// to sum 1. Required, non-empty.
    pub mix: Option<BTreeMap<String, f64>>,
    /// `[[pathway_xm.node]]`: logical nodes. At least one.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub node: Vec<RawXmNode>,
    /// `[pathway_xm.pathmon]`: how PATHMONs are generated. Required.
    pub pathmon: Option<RawXmPathmon>,
    /// `[[pathway_xm.tcp_template]]`: TCP templates. At least one.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tcp_template: Vec<RawTcpTemplate>,
    /// `[[pathway_xm.term]]`: groups of terminals. At least one.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub term: Vec<RawTerm>,
    /// `[[pathway_xm.server_class]]`: server classes replicated into every generated PATHMON.
    /// At least one.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub server_class: Vec<RawServerClass>,
    /// Request message size, terminal's TCP to server \[bytes, or a distribution of sizes\].
    /// Default 0.
    pub request_bytes: Option<RawSize>,
    /// Reply message size, server to TCP \[bytes, or a distribution of sizes\]. Default 0.
    pub reply_bytes: Option<RawSize>,
    /// `"send"` (messages up to 32767 bytes) or `"sendl"` (up to 2 MiB) \[name\]: the limit
    /// of the TCPs' sends. Default `"send"`.
    pub pathsend_api: Option<String>,
    /// Terminal abandonment: how long a terminal waits for its reply before giving up
    /// \[distribution of durations\], drawn per request. Default: terminals wait for ever.
    pub abandon_after: Option<RawDist>,
    /// What an abandoned request does: `"serve"` (default) or `"withdraw"`, as
    /// `workload.abandon` \[name\].
    pub abandon: Option<String>,
    /// Length of a process broker's reservation of a server for a distributed class
    /// \[duration\], 1 ms ..= 1 day. Default `"60s"` (\[?\]: no manual gives it).
    pub reservation: Option<String>,
    /// Averaging window of an LCS's arrival and service averages \[duration\], 10 ms ..= 1 h.
    /// Default `"10s"` (\[I\]).
    pub lcs_window: Option<String>,
    /// The terminals' retry policy after a fault fails a request, as `workload.retry`
    /// ([`RawRetry`]). Default: no retry.
    pub retry: Option<RawRetry>,
}

/// `[[pathway_xm.node]]`: a logical node (NODE object).
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawXmNode {
    /// NODE name. Required, unique.
    pub name: Option<String>,
    /// CPU distribution, `"cpu:weight"` or `"cpu"` (weight 1); a bare integer is accepted for
    /// `"cpu"` \[processors with weights\]; or one string in PATHCOM's form,
    /// `"1:50, 2:25, 3:25, 5:0"`. Required, non-empty; each processor exists, no repeats; at
    /// least one weight > 0 (weight 0: used only after a failure).
    #[serde(default, deserialize_with = "cpu_distribution")]
    pub cpus: Option<Vec<NameOrNumber>>,
    /// ROLE \[name\]: `"client"` (hosts TCPs and PATHMONs) or `"server"` (hosts server
    /// processes). Default: none, the node may play either role. A node with a role may only
    /// be named where that role is meant: `server_node` needs `"server"`, `pathmon.node` and a
    /// `tcp_template.node` need `"client"`.
    pub role: Option<String>,
}

/// `[pathway_xm.pathmon]`: how Pathway/XM generates PATHMONs.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawXmPathmon {
    /// The node whose CPU distribution places the PATHMONs \[node name\]. Required.
    pub node: Option<String>,
    /// Most TCPs one PATHMON controls \[count\]. Default 4, >= 1.
    pub maxtcps: Option<u32>,
    /// CPU to grant one link \[duration\]. Default `"200us"` (placeholder).
    pub grant_cpu: Option<String>,
    /// Time to create a dynamic server process \[duration\]. Default `"200ms"` (placeholder).
    pub process_creation: Option<String>,
    /// Scheduling priority of the PATHMONs \[1..=199\]. Default 170.
    pub priority: Option<u32>,
}

/// `[[pathway_xm.tcp_template]]`: what each TCP of a set of terminals looks like.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawTcpTemplate {
    /// Template name. Required, unique.
    pub name: Option<String>,
    /// The node whose CPU distribution places the TCPs \[node name\]. Required.
    pub node: Option<String>,
    /// MAXTERMS: most terminals one TCP serves \[count\]. Default 32, >= 1.
    pub maxterms: Option<u32>,
    /// MAXSERVERPROCESSES: most server links one TCP holds \[count\]. Default 64, >= 1.
    pub maxserverprocesses: Option<u32>,
    /// TCP CPU per request and again per reply \[duration\]. Default `"300us"` (placeholder).
    pub handle_cpu: Option<String>,
    /// Scheduling priority of the TCPs \[1..=199\]. Default 160.
    pub priority: Option<u32>,
}

/// `[[pathway_xm.term]]`: a group of `count` terminals (TERM objects).
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawTerm {
    /// TERM name; with `count` > 1 the terminals are `<name>-001`, `<name>-002`, ... Required;
    /// the expanded names must be unique.
    pub name: Option<String>,
    /// Terminals in the group \[count\]. Default 1, >= 1.
    pub count: Option<u32>,
    /// The `[[pathway_xm.tcp_template]]` of their TCPs \[name\]. Required.
    pub template: Option<String>,
    /// WEIGHT: relative workload of one terminal \[count\]. Default 1, >= 1.
    pub weight: Option<u32>,
    /// Think time between a reply and the next request \[distribution of durations\]. Required.
    pub think: Option<RawDist>,
}

/// A distribution of durations: `{ dist = "exponential", mean = "120us" }`.
///
/// Which parameters are allowed depends on `dist`; validation reports missing and extra ones.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawDist {
    /// `"exponential"`, `"constant"`, `"uniform"`, `"lognormal"`, `"erlang"` or `"gamma"`.
    /// Required.
    pub dist: Option<String>,
    /// Mean \[duration\]: exponential, lognormal, erlang, gamma.
    pub mean: Option<String>,
    /// The constant value \[duration\]: constant.
    pub value: Option<String>,
    /// Lower bound \[duration\]: uniform.
    pub min: Option<String>,
    /// Upper bound, >= `min` \[duration\]: uniform.
    pub max: Option<String>,
    /// Coefficient of variation, sd / mean, 0.001 ..= 10 \[ratio\]: lognormal, gamma.
    pub cv: Option<f64>,
    /// Number of phases, 1 ..= 1000 \[count\]: erlang.
    pub k: Option<u32>,
}

/// A message size: a whole number of bytes (`4096`), or a distribution of sizes whose
/// parameters are sizes with a unit (`{ dist = "lognormal", mean = "4KiB", cv = 1.0 }`).
///
/// Hand-written rather than an untagged enum so toml's error spans survive.
#[derive(Clone, Debug, Serialize)]
#[serde(untagged)]
pub enum RawSize {
    /// A constant size \[bytes\].
    Bytes(u64),
    /// A distribution; its parameters are sizes (`"512B"`, `"4KiB"`, `"1MiB"`).
    Dist(RawDist),
}

impl<'de> Deserialize<'de> for RawSize {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct RawSizeVisitor;

        impl<'de> Visitor<'de> for RawSizeVisitor {
            type Value = RawSize;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a whole number of bytes or a distribution table")
            }

            fn visit_u64<E: de::Error>(self, v: u64) -> Result<RawSize, E> {
                Ok(RawSize::Bytes(v))
            }

            fn visit_i64<E: de::Error>(self, v: i64) -> Result<RawSize, E> {
                u64::try_from(v)
                    .map(RawSize::Bytes)
                    .map_err(|_| E::custom(format!("a size cannot be negative, got {v}")))
            }

            fn visit_map<A: de::MapAccess<'de>>(self, map: A) -> Result<RawSize, A::Error> {
                RawDist::deserialize(de::value::MapAccessDeserializer::new(map)).map(RawSize::Dist)
            }
        }

        deserializer.deserialize_any(RawSizeVisitor)
    }
}

/// A duration (`"2s"`), or a distribution of durations drawn each time
/// (`{ dist = "exponential", mean = "2s" }`).
///
/// Hand-written rather than an untagged enum so toml's error spans survive.
#[derive(Clone, Debug, Serialize)]
#[serde(untagged)]
pub enum RawDuration {
    /// A constant duration.
    Text(String),
    /// A distribution.
    Dist(RawDist),
}

impl<'de> Deserialize<'de> for RawDuration {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct RawDurationVisitor;

        impl<'de> Visitor<'de> for RawDurationVisitor {
            type Value = RawDuration;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a duration such as \"2s\" or a distribution table")
            }

            fn visit_str<E: de::Error>(self, v: &str) -> Result<RawDuration, E> {
                Ok(RawDuration::Text(v.to_string()))
            }

            fn visit_map<A: de::MapAccess<'de>>(self, map: A) -> Result<RawDuration, A::Error> {
                RawDist::deserialize(de::value::MapAccessDeserializer::new(map))
                    .map(RawDuration::Dist)
            }
        }

        deserializer.deserialize_any(RawDurationVisitor)
    }
}

/// A list of strings that may also be written as a single string (`"$ZTC0"` = `["$ZTC0"]`).
///
/// Hand-written rather than an untagged enum so toml's error spans survive.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct OneOrMany(pub Vec<String>);

impl<'de> Deserialize<'de> for OneOrMany {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct OneOrManyVisitor;

        impl<'de> Visitor<'de> for OneOrManyVisitor {
            type Value = OneOrMany;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a name or a list of names")
            }

            fn visit_str<E: de::Error>(self, v: &str) -> Result<OneOrMany, E> {
                Ok(OneOrMany(vec![v.to_string()]))
            }

            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<OneOrMany, A::Error> {
                let mut names = Vec::new();
                while let Some(name) = seq.next_element::<String>()? {
                    names.push(name);
                }
                Ok(OneOrMany(names))
            }
        }

        deserializer.deserialize_any(OneOrManyVisitor)
    }
}

/// A processor list as written: an array of processor numbers, or one string relative to the
/// processor count N (`"all"`, `"0..N-1"`, `"2..N-1"`, `"N-1"`, `"others"`), which
/// `validate/placement.rs` turns into numbers once N is known.
///
/// Hand-written rather than an untagged enum so toml's error spans survive.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RawProcessors {
    /// `[0, 1, 2]`.
    Numbers(Vec<u32>),
    /// `"all"`, `"A..B"`, `"others"`, ... (resolved in validation).
    Relative(String),
}

impl RawProcessors {
    /// The numbers of a list written (or already resolved) as numbers; empty for a relative
    /// list, which validation resolves before it reads this.
    pub fn numbers(&self) -> &[u32] {
        match self {
            RawProcessors::Numbers(list) => list,
            RawProcessors::Relative(_) => &[],
        }
    }
}

impl Serialize for RawProcessors {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            RawProcessors::Numbers(list) => list.serialize(serializer),
            RawProcessors::Relative(text) => serializer.serialize_str(text),
        }
    }
}

impl<'de> Deserialize<'de> for RawProcessors {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ProcessorsVisitor;

        impl<'de> Visitor<'de> for ProcessorsVisitor {
            type Value = RawProcessors;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(
                    "an array of processor numbers such as [0, 1] or a string such as \"all\", \"0..N-1\" or \"others\"",
                )
            }

            fn visit_str<E: de::Error>(self, v: &str) -> Result<RawProcessors, E> {
                Ok(RawProcessors::Relative(v.to_string()))
            }

            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<RawProcessors, A::Error> {
                let mut numbers = Vec::new();
                while let Some(p) = seq.next_element::<u32>()? {
                    numbers.push(p);
                }
                Ok(RawProcessors::Numbers(numbers))
            }
        }

        deserializer.deserialize_any(ProcessorsVisitor)
    }
}

/// A string that may also be written as an integer (`5` = `"5"`), for lists such as
/// `cpus = ["1:50", 2]`.
///
/// Hand-written rather than an untagged enum so toml's error spans survive.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct NameOrNumber(pub String);

impl<'de> Deserialize<'de> for NameOrNumber {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct NameOrNumberVisitor;

        impl Visitor<'_> for NameOrNumberVisitor {
            type Value = NameOrNumber;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string such as \"1:50\" or an integer")
            }

            fn visit_str<E: de::Error>(self, v: &str) -> Result<NameOrNumber, E> {
                Ok(NameOrNumber(v.to_string()))
            }

            fn visit_i64<E: de::Error>(self, v: i64) -> Result<NameOrNumber, E> {
                Ok(NameOrNumber(v.to_string()))
            }

            fn visit_u64<E: de::Error>(self, v: u64) -> Result<NameOrNumber, E> {
                Ok(NameOrNumber(v.to_string()))
            }
        }

        deserializer.deserialize_any(NameOrNumberVisitor)
    }
}

/// A NODE's CPU distribution: a list (`["1:50", 2]`) or one string in PATHCOM's form
/// (`"1:50, 2:25, 3:25, 5:0"`, entries separated by commas, as `SET NODE CPUS (...)` writes
/// them). The string is split into the list's entries; validation reads them the same way.
fn cpu_distribution<'de, D: Deserializer<'de>>(
    d: D,
) -> Result<Option<Vec<NameOrNumber>>, D::Error> {
    struct Cpus;
    impl<'de> Visitor<'de> for Cpus {
        type Value = Vec<NameOrNumber>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a list such as [\"1:50\", \"2:50\"] or a string such as \"1:50, 2:50\"")
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
            Ok(v.split(',')
                .map(str::trim)
                .filter(|e| !e.is_empty())
                .map(|e| NameOrNumber(e.to_string()))
                .collect())
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
            let mut out = Vec::new();
            while let Some(e) = seq.next_element::<NameOrNumber>()? {
                out.push(e);
            }
            Ok(out)
        }
    }
    d.deserialize_any(Cpus).map(Some)
}

/// A seed: a whole number from 0 to 2^64-1, as a TOML integer or, above 2^63-1, a string.
fn seed<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    struct Seed;
    impl serde::de::Visitor<'_> for Seed {
        type Value = u64;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str(
                "a whole number from 0 to 18446744073709551615 (above 9223372036854775807, in \
                 quotes: seed = \"18446744073709551615\")",
            )
        }
        fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<u64, E> {
            u64::try_from(v).map_err(|_| E::invalid_value(serde::de::Unexpected::Signed(v), &self))
        }
        fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<u64, E> {
            Ok(v)
        }
        fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<u64, E> {
            v.trim()
                .replace('_', "")
                .parse()
                .map_err(|_| E::invalid_value(serde::de::Unexpected::Str(v), &self))
        }
    }
    d.deserialize_any(Seed).map(Some)
}
