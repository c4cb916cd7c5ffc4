//! The scenario file as written: serde structs that mirror the TOML one to one.
//!
//! Everything a user may omit is an `Option` (or a defaulted `Vec`), and even required fields
//! are optional here: `validate.rs` reports every missing field at once instead of serde
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
    /// `[message_system]`: Guardian IPC costs. Optional; every field has a default.
    pub message_system: Option<RawMessageSystem>,
    /// `[lan]`: LAN adapters. Optional; every field has a default.
    pub lan: Option<RawLan>,
    /// `[tcpip]`: the TCP/IP subsystem. Required.
    pub tcpip: Option<RawTcpIp>,
    /// `[[listener]]`: listener processes. At least one.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub listener: Vec<RawListener>,
    /// `[[server_class]]`: Pathway server classes. At least one.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub server_class: Vec<RawServerClass>,
    /// `[workload]`: the clients. Required.
    pub workload: Option<RawWorkload>,
}

/// `[run]`: run control.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawRun {
    /// Master seed of every random stream \[integer\]. Default 1.
    pub seed: Option<u64>,
    /// Window during which clients send requests \[duration\]. Required, > 0.
    pub duration: Option<String>,
    /// Statistics ignore requests sent before this instant \[duration\]. Default `"0s"`; must be
    /// less than `duration`.
    pub warmup: Option<String>,
    /// Clients stop after this many requests have been offered \[count\]. Optional, >= 1.
    pub max_requests: Option<u64>,
    /// After arrivals stop, in-flight requests may finish for at most this long \[duration\].
    /// Default `"10s"`.
    pub drain: Option<String>,
    /// Width of one bucket of the time series \[duration\]. Default `"1s"`, > 0, and
    /// `duration / sample_interval` at most 10000 (each interval keeps its own latency histogram).
    pub sample_interval: Option<String>,
}

/// `[system]`: the NonStop node.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawSystem {
    /// Processors in the node, numbered from 0 \[count\]. Required, 1..=16.
    pub processors: Option<u32>,
    /// Cores per processor \[count\]. Default 1, 1..=64.
    pub cores: Option<u32>,
}

/// `[message_system]`: costs of one Guardian message (placeholders to calibrate).
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawMessageSystem {
    /// CPU charged to the sender and again to the receiver of each message \[duration\].
    /// Default `"10us"`.
    pub cpu_per_message: Option<String>,
    /// Delivery latency within one processor \[duration\]. Default `"15us"`.
    pub latency_same_processor: Option<String>,
    /// Delivery latency between processors over ServerNet \[duration\]. Default `"30us"`.
    pub latency_cross_processor: Option<String>,
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
    /// `"conventional"` or `"parallel"` \[name\]. Required.
    pub stack: Option<String>,
    /// Protocol CPU per request or reply segment \[duration\]. Default `"15us"`.
    pub segment_cpu: Option<String>,
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

/// `[[tcpip.process]]`: one conventional TCP/IP process (one IP host).
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawTcpIpProcess {
    /// Guardian process name, e.g. `"$ZTC3"`. Required, unique.
    pub name: Option<String>,
    /// Processor it runs in \[processor number\]. Required, must exist.
    pub processor: Option<u32>,
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
    /// One instance per processor listed \[processor numbers\]. Required, non-empty, each exists,
    /// no duplicates.
    pub processors: Option<Vec<u32>>,
    /// Conventional stack only: the TCP/IP process each instance listens through, one name per
    /// processor, or one name for all. Default: the only `[[tcpip.process]]` when there is
    /// exactly one. Must be absent under the parallel stack. A single string is accepted too.
    pub tcpip: Option<OneOrMany>,
    /// CPU to accept one connection \[duration\]. Default `"30us"`.
    pub accept_cpu: Option<String>,
    /// CPU per request and again per reply handled \[duration\]. Default `"20us"`.
    pub handle_cpu: Option<String>,
    /// Scheduling priority \[1..=199\]. Default 180.
    pub priority: Option<u32>,
}

/// `[[server_class]]`: a Pathway server class.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawServerClass {
    /// Server class name, e.g. `"A"`. Required, unique.
    pub name: Option<String>,
    /// Processors the server processes are spread over \[processor numbers\]. Default `[]`; each
    /// must exist.
    pub processors: Option<Vec<u32>>,
    /// Server processes, placed round-robin over `processors` \[count\]. Default 0.
    pub servers: Option<u32>,
    /// CPU demand of one request \[distribution of durations\]. Required.
    pub service: Option<RawDist>,
    /// Non-CPU time a request holds its server (disc I/O) \[distribution of durations\].
    /// Optional: none.
    pub io: Option<RawDist>,
    /// Scheduling priority of the server processes \[1..=199\]. Default 150.
    pub priority: Option<u32>,
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
    /// Open only: Poisson arrivals at this rate \[rate\]. Exactly one of `rate` / `interarrival`.
    pub rate: Option<String>,
    /// Open only: time between arrivals \[distribution of durations\]. Exactly one of `rate` /
    /// `interarrival`.
    pub interarrival: Option<RawDist>,
    /// Closed only: number of clients \[count\]. Required for closed, >= 1.
    pub clients: Option<u32>,
    /// Closed only: think time after each reply \[distribution of durations\]. Required for
    /// closed.
    pub think: Option<RawDist>,
    /// Requests sent over one TCP connection \[count\]. Default 1, >= 1.
    pub requests_per_connection: Option<u32>,
    /// Request message size \[bytes\]. Default 1024.
    pub request_bytes: Option<u32>,
    /// Reply message size \[bytes\]. Default 4096.
    pub reply_bytes: Option<u32>,
    /// Transaction mix: server class name -> relative weight (> 0), normalised to sum 1.
    /// Required, non-empty. Sorted by name, so the order never depends on the file.
    pub mix: Option<BTreeMap<String, f64>>,
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
    /// Coefficient of variation, sd / mean, > 0 \[ratio\]: lognormal, gamma.
    pub cv: Option<f64>,
    /// Number of phases, >= 1 \[count\]: erlang.
    pub k: Option<u32>,
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
