//! Raw -> typed: parses units, applies defaults, resolves names to indices and checks every
//! rule, collecting all problems instead of stopping at the first.
//!
//! Each problem names its field path in the file's own notation (`listener[0].processors[2]`,
//! `workload.mix.X`); `mod.rs` adds the line and column. A value that fails to parse is
//! replaced by a placeholder so checking can go on, and comparisons involving it are skipped,
//! so one mistake is reported once and not again as a cascade. The typed vectors stay aligned
//! with the file's arrays (`listeners[i]` is `listener[i]`), which is what lets later checks
//! name fields by index.
//!
//! [`Scenario::check`] runs the same rules on a `Scenario` built in Rust, by turning it back
//! into the raw form: one rule set, two entry points.

use std::collections::{BTreeMap, HashMap};

use super::raw::*;
use super::units::{parse_bandwidth, parse_duration, parse_rate};
use super::{Anchor, Finding, Problem, ScenarioError};
use crate::engine::SimDuration;
use crate::scenario::types::*;

/// A NonStop node has at most 16 processors.
const MAX_PROCESSORS: u32 = 16;
/// Upper bound on cores per processor; generous, it only catches typos.
const MAX_CORES: u32 = 64;
/// Process priorities run 1..=199 (higher runs first).
const PRIORITY_MAX: u32 = 199;
/// NonStop TCP/IPv6 holds at most 5 pending connections per listening socket.
const PARALLEL_BACKLOG_MAX: u32 = 5;
/// Bounds the time series: `duration / sample_interval` buckets at most.
const MAX_SAMPLES: u64 = 10_000;

/// Distribution names and the parameters each takes, in the order messages list them.
const DISTS: &[(&str, &[&str])] = &[
    ("exponential", &["mean"]),
    ("constant", &["value"]),
    ("uniform", &["min", "max"]),
    ("lognormal", &["mean", "cv"]),
    ("erlang", &["mean", "k"]),
    ("gamma", &["mean", "cv"]),
];

/// Validates a raw scenario. Returns the typed scenario only when there are no findings.
pub(super) fn validate(raw: &RawScenario) -> (Option<Scenario>, Vec<Finding>) {
    let mut c = Checker::default();
    let name = c.scenario_name(raw.name.as_deref());
    let run = c.run(raw.run.as_ref());
    let (system, processors) = c.system(raw.system.as_ref());
    c.processors = processors;
    let message_system = c.message_system(raw.message_system.as_ref());
    let lan = c.lan(raw.lan.as_ref());
    let (tcpip, stack) = c.tcpip(raw.tcpip.as_ref());
    let process_names = match (stack, &raw.tcpip) {
        (Some(StackKind::Conventional), Some(t)) => {
            t.process.iter().flatten().map(|p| p.name.clone()).collect()
        }
        _ => Vec::new(),
    };
    let listeners = c.listeners(&raw.listener, stack, &process_names);
    let server_classes = c.server_classes(&raw.server_class);
    let workload = c.workload(raw.workload.as_ref(), &raw.listener, &raw.server_class);
    if let Some(stack) = stack {
        c.port_conflicts(&raw.listener, &listeners, stack, &process_names);
    }
    c.distributor_needs_servers(raw, &listeners, &server_classes, &workload);
    let scenario = Scenario {
        name,
        description: raw.description.clone().unwrap_or_default(),
        run,
        system,
        message_system,
        lan,
        tcpip,
        listeners,
        server_classes,
        workload,
    };
    let findings = c.findings;
    (findings.is_empty().then_some(scenario), findings)
}

/// Collects findings; knows the processor count once `[system]` is checked.
#[derive(Default)]
struct Checker {
    findings: Vec<Finding>,
    /// Valid processor count, `None` while unknown or invalid (then references are not
    /// checked: every one would be a spurious problem).
    processors: Option<u32>,
}

impl Checker {
    /// A problem with the value of `field`.
    fn err(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.findings.push(Finding {
            field: field.into(),
            message: message.into(),
            anchor: Anchor::Value,
        });
    }

    /// A problem with the key of `field` itself (a name that refers to nothing).
    fn err_key(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.findings.push(Finding {
            field: field.into(),
            message: message.into(),
            anchor: Anchor::Key,
        });
    }

    /// An optional duration with a default (written the way a user would write it).
    fn duration(&mut self, field: &str, text: Option<&String>, default: &str) -> SimDuration {
        let text = text.map_or(default, String::as_str);
        self.parse(field, text, parse_duration).unwrap_or_default()
    }

    /// A required duration; `example` shows how to write it.
    fn required_duration(
        &mut self,
        field: &str,
        text: Option<&String>,
        example: &str,
    ) -> Option<SimDuration> {
        match text {
            None => {
                let key = field.rsplit('.').next().unwrap_or(field);
                self.err(
                    field,
                    format!("missing `{key}`; write e.g. {key} = \"{example}\""),
                );
                None
            }
            Some(text) => self.parse(field, text, parse_duration),
        }
    }

    /// Runs a unit parser, reporting its error against `field`.
    fn parse<T>(
        &mut self,
        field: &str,
        text: &str,
        parser: fn(&str) -> Result<T, String>,
    ) -> Option<T> {
        match parser(text) {
            Ok(value) => Some(value),
            Err(message) => {
                self.err(field, message);
                None
            }
        }
    }

    /// A priority in 1..=199 with a default.
    fn priority(&mut self, field: &str, value: Option<u32>, default: u8) -> u8 {
        let value = value.unwrap_or(u32::from(default));
        if !(1..=PRIORITY_MAX).contains(&value) {
            self.err(
                field,
                format!(
                    "priority must be between 1 and {PRIORITY_MAX} (higher runs first), got {value}"
                ),
            );
            return default;
        }
        value as u8
    }

    /// A required, non-empty name; `example` is a whole `key = value` line.
    fn required_name(&mut self, field: &str, value: Option<&String>, example: &str) -> String {
        match value {
            None => {
                self.err(field, format!("missing `name`; write e.g. {example}"));
                String::new()
            }
            Some(name) if name.trim().is_empty() => {
                self.err(
                    field,
                    format!("name must not be empty; write e.g. {example}"),
                );
                String::new()
            }
            Some(name) => name.clone(),
        }
    }

    /// Reports a second use of a name; `seen` maps names to the field that used them first.
    fn unique(&mut self, seen: &mut HashMap<String, String>, name: &str, field: &str, what: &str) {
        if name.is_empty() {
            return;
        }
        if let Some(first) = seen.get(name) {
            let message =
                format!("duplicate {what} name `{name}` (also {first}); names must be unique");
            self.err(field, message);
        } else {
            seen.insert(
                name.to_string(),
                field.trim_end_matches(".name").to_string(),
            );
        }
    }

    /// Checks that processor `p` exists.
    fn processor(&mut self, field: &str, p: u32) {
        if let Some(n) = self.processors
            && p >= n
        {
            self.err(
                field,
                format!(
                    "processor {p} does not exist; allowed 0..={} (system.processors = {n})",
                    n - 1
                ),
            );
        }
    }

    fn scenario_name(&mut self, name: Option<&str>) -> String {
        let Some(name) = name else {
            self.err("name", "missing `name`; write e.g. name = \"my-scenario\" (it becomes the output folder name)");
            return String::new();
        };
        if name.is_empty() {
            self.err(
                "name",
                "name must not be empty; write e.g. name = \"my-scenario\"",
            );
        } else if let Some(bad) = name
            .chars()
            .find(|ch| !(ch.is_ascii_alphanumeric() || matches!(ch, '.' | '_' | '-')))
        {
            self.err(
                "name",
                format!(
                    "`{name}` contains {bad:?}; use only letters, digits, `.`, `_` and `-` (the name becomes a folder name)"
                ),
            );
        } else if name.chars().all(|ch| ch == '.') {
            self.err(
                "name",
                format!("`{name}` cannot be a folder name; use letters or digits"),
            );
        }
        name.to_string()
    }

    fn run(&mut self, run: Option<&RawRun>) -> RunControl {
        let Some(run) = run else {
            self.err("run", "missing table [run]; add it with at least a duration, e.g. [run] duration = \"30s\"");
            return RunControl {
                seed: 1,
                duration: SimDuration::ZERO,
                warmup: SimDuration::ZERO,
                max_requests: None,
                drain: SimDuration::ZERO,
                sample_interval: SimDuration::ZERO,
            };
        };
        let duration = self.required_duration("run.duration", run.duration.as_ref(), "30s");
        if duration == Some(SimDuration::ZERO) {
            self.err(
                "run.duration",
                "duration must be greater than zero, e.g. \"30s\"",
            );
        }
        let warmup = self.duration("run.warmup", run.warmup.as_ref(), "0s");
        if let Some(d) = duration
            && !d.is_zero()
            && warmup >= d
        {
            self.err(
                "run.warmup",
                format!("warm-up ({warmup}) must be shorter than run.duration ({d})"),
            );
        }
        if run.max_requests == Some(0) {
            self.err(
                "run.max_requests",
                "max_requests must be at least 1; leave it out for no limit",
            );
        }
        let drain = self.duration("run.drain", run.drain.as_ref(), "10s");
        let sample_interval =
            self.duration("run.sample_interval", run.sample_interval.as_ref(), "1s");
        let sample_text = run.sample_interval.as_deref().unwrap_or("1s");
        if parse_duration(sample_text).is_ok() {
            if sample_interval.is_zero() {
                self.err(
                    "run.sample_interval",
                    "sample_interval must be greater than zero, e.g. \"1s\"",
                );
            } else if let Some(d) = duration {
                let buckets = d.0.div_ceil(sample_interval.0);
                if buckets > MAX_SAMPLES {
                    let least = SimDuration(d.0.div_ceil(MAX_SAMPLES));
                    self.err(
                        "run.sample_interval",
                        format!(
                            "run.duration / run.sample_interval gives {buckets} samples; at most {MAX_SAMPLES} allowed: make sample_interval at least {least}"
                        ),
                    );
                }
            }
        }
        RunControl {
            seed: run.seed.unwrap_or(1),
            duration: duration.unwrap_or_default(),
            warmup,
            max_requests: run.max_requests,
            drain,
            sample_interval,
        }
    }

    /// Returns the system and, when valid, its processor count.
    fn system(&mut self, system: Option<&RawSystem>) -> (System, Option<u32>) {
        let Some(system) = system else {
            self.err(
                "system",
                "missing table [system]; add it with e.g. [system] processors = 4",
            );
            return (
                System {
                    processors: 0,
                    cores: 1,
                },
                None,
            );
        };
        let processors = match system.processors {
            None => {
                self.err(
                    "system.processors",
                    format!(
                        "missing `processors`; write e.g. processors = 4 (1..={MAX_PROCESSORS})"
                    ),
                );
                None
            }
            Some(n) if !(1..=MAX_PROCESSORS).contains(&n) => {
                self.err(
                    "system.processors",
                    format!("processors must be between 1 and {MAX_PROCESSORS} (a NonStop node has at most {MAX_PROCESSORS} processors), got {n}"),
                );
                None
            }
            Some(n) => Some(n),
        };
        let cores = system.cores.unwrap_or(1);
        if !(1..=MAX_CORES).contains(&cores) {
            self.err(
                "system.cores",
                format!("cores must be between 1 and {MAX_CORES}, got {cores}"),
            );
        }
        (
            System {
                processors: processors.unwrap_or(0),
                cores,
            },
            processors,
        )
    }

    fn message_system(&mut self, raw: Option<&RawMessageSystem>) -> MessageSystem {
        let raw = raw.cloned().unwrap_or_default();
        MessageSystem {
            cpu_per_message: self.duration(
                "message_system.cpu_per_message",
                raw.cpu_per_message.as_ref(),
                "10us",
            ),
            latency_same_processor: self.duration(
                "message_system.latency_same_processor",
                raw.latency_same_processor.as_ref(),
                "15us",
            ),
            latency_cross_processor: self.duration(
                "message_system.latency_cross_processor",
                raw.latency_cross_processor.as_ref(),
                "30us",
            ),
        }
    }

    fn lan(&mut self, raw: Option<&RawLan>) -> Lan {
        let raw = raw.cloned().unwrap_or_default();
        let bandwidth = raw.pif_bandwidth.as_deref().unwrap_or("1Gb/s");
        Lan {
            pif_bandwidth_bps: self
                .parse("lan.pif_bandwidth", bandwidth, parse_bandwidth)
                .unwrap_or(1e9),
            client_latency: self.duration(
                "lan.client_latency",
                raw.client_latency.as_ref(),
                "100us",
            ),
        }
    }

    /// Returns the TCP/IP subsystem and the stack kind when it is valid.
    fn tcpip(&mut self, raw: Option<&RawTcpIp>) -> (TcpIp, Option<StackKind>) {
        let missing = raw.is_none();
        if missing {
            self.err("tcpip", "missing table [tcpip]; add it with stack = \"conventional\" or stack = \"parallel\"");
        }
        let raw = raw.cloned().unwrap_or_default();
        let stack = match raw.stack.as_deref() {
            None if missing => None,
            None => {
                self.err(
                    "tcpip.stack",
                    "missing `stack`; write stack = \"conventional\" or stack = \"parallel\"",
                );
                None
            }
            Some("conventional") => Some(StackKind::Conventional),
            Some("parallel") => Some(StackKind::Parallel),
            Some(other) => {
                self.err(
                    "tcpip.stack",
                    format!("unknown stack `{other}`; allowed: \"conventional\", \"parallel\""),
                );
                None
            }
        };
        let backlog = raw.backlog.unwrap_or(5);
        if backlog == 0 {
            self.err("tcpip.backlog", "backlog must be at least 1");
        } else if stack == Some(StackKind::Parallel) && backlog > PARALLEL_BACKLOG_MAX {
            self.err(
                "tcpip.backlog",
                format!("the parallel stack (TCP/IPv6) caps pending connections at {PARALLEL_BACKLOG_MAX}; set backlog to 1..={PARALLEL_BACKLOG_MAX}, got {backlog}"),
            );
        }
        let syn_retry = self.duration("tcpip.syn_retry", raw.syn_retry.as_ref(), "1s");
        if syn_retry.is_zero() && parse_duration(raw.syn_retry.as_deref().unwrap_or("1s")).is_ok() {
            self.err(
                "tcpip.syn_retry",
                "syn_retry must be greater than zero, e.g. \"1s\"",
            );
        }
        let mut processes = Vec::new();
        match (stack, &raw.process) {
            (Some(StackKind::Parallel), Some(_)) => {
                self.err("tcpip.process", "the parallel stack has no TCP/IP processes; remove [[tcpip.process]]");
            }
            (Some(StackKind::Conventional), None) => self.err(
                "tcpip.process",
                "the conventional stack needs at least one TCP/IP process; add e.g. [[tcpip.process]] name = \"$ZTC0\" processor = 0",
            ),
            (Some(StackKind::Conventional), Some(list)) if list.is_empty() => self.err(
                "tcpip.process",
                "the conventional stack needs at least one TCP/IP process; add e.g. [[tcpip.process]] name = \"$ZTC0\" processor = 0",
            ),
            (Some(StackKind::Parallel), None) => {}
            (_, list) => {
                let mut seen = HashMap::new();
                for (i, process) in list.iter().flatten().enumerate() {
                    let field = format!("tcpip.process[{i}]");
                    let name = self.required_name(&format!("{field}.name"), process.name.as_ref(), "name = \"$ZTC0\"");
                    self.unique(&mut seen, &name, &format!("{field}.name"), "TCP/IP process");
                    let processor = match process.processor {
                        None => {
                            self.err(format!("{field}.processor"), "missing `processor`; write e.g. processor = 0");
                            0
                        }
                        Some(p) => {
                            self.processor(&format!("{field}.processor"), p);
                            p
                        }
                    };
                    processes.push(TcpIpProcess { name, processor });
                }
            }
        }
        let tcpip = TcpIp {
            stack: stack.unwrap_or(StackKind::Conventional),
            segment_cpu: self.duration("tcpip.segment_cpu", raw.segment_cpu.as_ref(), "15us"),
            connect_cpu: self.duration("tcpip.connect_cpu", raw.connect_cpu.as_ref(), "75us"),
            close_cpu: self.duration("tcpip.close_cpu", raw.close_cpu.as_ref(), "25us"),
            backlog,
            syn_retry,
            syn_retries: raw.syn_retries.unwrap_or(3),
            processes,
            priority: self.priority("tcpip.priority", raw.priority, 199),
        };
        (tcpip, stack)
    }

    /// Listeners, aligned with the file's `[[listener]]` array. `process_names` are the
    /// conventional TCP/IP processes (empty otherwise).
    fn listeners(
        &mut self,
        raw: &[RawListener],
        stack: Option<StackKind>,
        process_names: &[Option<String>],
    ) -> Vec<Listener> {
        if raw.is_empty() {
            self.err(
                "listener",
                "no listeners; add at least one [[listener]] with name, model and processors",
            );
        }
        let mut seen = HashMap::new();
        let mut listeners = Vec::new();
        for (i, l) in raw.iter().enumerate() {
            let field = format!("listener[{i}]");
            let name = self.required_name(
                &format!("{field}.name"),
                l.name.as_ref(),
                "name = \"$DIST\"",
            );
            self.unique(&mut seen, &name, &format!("{field}.name"), "listener");
            let model = match l.model.as_deref() {
                None => {
                    self.err(
                        format!("{field}.model"),
                        "missing `model`; write model = \"distributor\" or model = \"parallel\"",
                    );
                    ListenerModel::Distributor
                }
                Some("distributor") => ListenerModel::Distributor,
                Some("parallel") => ListenerModel::Parallel,
                Some(other) => {
                    self.err(
                        format!("{field}.model"),
                        format!("unknown listener model `{other}`; allowed: \"distributor\", \"parallel\""),
                    );
                    ListenerModel::Distributor
                }
            };
            let port = l.port.unwrap_or(3000);
            if !(1..=65535).contains(&port) {
                self.err(
                    format!("{field}.port"),
                    format!("port must be between 1 and 65535, got {port}"),
                );
            }
            let processors = l.processors.clone().unwrap_or_default();
            match &l.processors {
                None => self.err(
                    format!("{field}.processors"),
                    "missing `processors`; list the processors to run one instance on each, e.g. processors = [0, 1]",
                ),
                Some(list) if list.is_empty() => self.err(
                    format!("{field}.processors"),
                    "processors must list at least one processor, e.g. processors = [0, 1]",
                ),
                Some(_) => {}
            }
            for (j, &p) in processors.iter().enumerate() {
                let at = format!("{field}.processors[{j}]");
                self.processor(&at, p);
                // Under the parallel stack a repeat is a port conflict, reported as such.
                if stack != Some(StackKind::Parallel) && processors[..j].contains(&p) {
                    self.err(at, format!("processor {p} is listed twice; a listener runs one instance per processor"));
                }
            }
            let tcpip = self.listener_tcpip(&field, l, &processors, stack, process_names);
            listeners.push(Listener {
                name,
                model,
                port: u16::try_from(port).unwrap_or(0),
                processors,
                tcpip,
                accept_cpu: self.duration(
                    &format!("{field}.accept_cpu"),
                    l.accept_cpu.as_ref(),
                    "30us",
                ),
                handle_cpu: self.duration(
                    &format!("{field}.handle_cpu"),
                    l.handle_cpu.as_ref(),
                    "20us",
                ),
                priority: self.priority(&format!("{field}.priority"), l.priority, 180),
            });
        }
        listeners
    }

    /// Resolves a listener's `tcpip` names to one process index per instance. Empty unless
    /// the stack is conventional and every name resolves.
    fn listener_tcpip(
        &mut self,
        field: &str,
        l: &RawListener,
        processors: &[u32],
        stack: Option<StackKind>,
        process_names: &[Option<String>],
    ) -> Vec<usize> {
        let at = format!("{field}.tcpip");
        match (stack, &l.tcpip) {
            (Some(StackKind::Parallel), Some(_)) => {
                self.err(
                    &at,
                    "the parallel stack has no TCP/IP processes; remove `tcpip` from this listener",
                );
                Vec::new()
            }
            (Some(StackKind::Conventional), None) => {
                if process_names.len() == 1 {
                    vec![0; processors.len()]
                } else {
                    if process_names.len() > 1 {
                        self.err(&at,
                            format!(
                                "missing `tcpip`; with {} TCP/IP processes, name the one each instance listens through: one per processor, or one for all, e.g. tcpip = [\"{}\"]",
                                process_names.len(),
                                process_names[0].as_deref().unwrap_or("$ZTC0")
                            ),
                        );
                    }
                    Vec::new()
                }
            }
            (Some(StackKind::Conventional), Some(OneOrMany(names))) => {
                let n = processors.len();
                if names.is_empty() {
                    self.err(&at, "tcpip must name at least one TCP/IP process");
                    return Vec::new();
                }
                if names.len() != 1 && names.len() != n {
                    self.err(&at,
                        format!(
                            "tcpip has {} names for {n} processors; give one TCP/IP process per processor ({n} names) or a single name for all instances",
                            names.len()
                        ),
                    );
                }
                let mut indices = Vec::new();
                for (j, name) in names.iter().enumerate() {
                    match process_names
                        .iter()
                        .position(|p| p.as_deref() == Some(name))
                    {
                        Some(index) => indices.push(index),
                        None => {
                            let defined = list_names(process_names.iter().flatten());
                            self.err(
                                format!("{at}[{j}]"),
                                format!("no TCP/IP process named `{name}`; defined in [[tcpip.process]]: {defined}"),
                            );
                        }
                    }
                }
                if indices.len() != names.len() || (names.len() != 1 && names.len() != n) {
                    return Vec::new();
                }
                if indices.len() == 1 {
                    vec![indices[0]; n]
                } else {
                    indices
                }
            }
            // Unknown stack (already reported) or parallel without `tcpip`.
            _ => Vec::new(),
        }
    }

    /// Server classes, aligned with the file's `[[server_class]]` array.
    fn server_classes(&mut self, raw: &[RawServerClass]) -> Vec<ServerClass> {
        if raw.is_empty() {
            self.err(
                "server_class",
                "no server classes; add at least one [[server_class]] with name and service",
            );
        }
        let mut seen = HashMap::new();
        let mut classes = Vec::new();
        for (k, class) in raw.iter().enumerate() {
            let field = format!("server_class[{k}]");
            let name = self.required_name(
                &format!("{field}.name"),
                class.name.as_ref(),
                "name = \"A\"",
            );
            self.unique(&mut seen, &name, &format!("{field}.name"), "server class");
            let processors = class.processors.clone().unwrap_or_default();
            for (j, &p) in processors.iter().enumerate() {
                self.processor(&format!("{field}.processors[{j}]"), p);
            }
            let servers = class.servers.unwrap_or(0);
            if servers >= 1 && processors.is_empty() {
                self.err(
                    format!("{field}.processors"),
                    format!("server class `{name}` has {servers} server(s) but no processors to run them on; list processors, e.g. processors = [0, 1]"),
                );
            }
            let service = match &class.service {
                None => {
                    self.err(
                        format!("{field}.service"),
                        "missing `service`; write e.g. service = { dist = \"exponential\", mean = \"120us\" }",
                    );
                    None
                }
                Some(d) => self.dist(&format!("{field}.service"), d),
            };
            let io = class
                .io
                .as_ref()
                .and_then(|d| self.dist(&format!("{field}.io"), d));
            classes.push(ServerClass {
                name,
                processors,
                servers,
                service: service.unwrap_or(PLACEHOLDER_DIST),
                io,
                priority: self.priority(&format!("{field}.priority"), class.priority, 150),
            });
        }
        classes
    }

    fn workload(
        &mut self,
        raw: Option<&RawWorkload>,
        listeners: &[RawListener],
        classes: &[RawServerClass],
    ) -> Workload {
        let placeholder = Workload {
            listener: 0,
            arrivals: Arrivals::Open {
                interarrival: PLACEHOLDER_DIST,
            },
            requests_per_connection: 1,
            request_bytes: 1024,
            reply_bytes: 4096,
            mix: Vec::new(),
        };
        let Some(w) = raw else {
            self.err(
                "workload",
                "missing table [workload]; add it with kind, an arrival rate or clients, and a mix",
            );
            return placeholder;
        };
        let listener_names: Vec<Option<&String>> =
            listeners.iter().map(|l| l.name.as_ref()).collect();
        let listener = match &w.listener {
            Some(name) => match listener_names.iter().position(|n| *n == Some(name)) {
                Some(index) => index,
                None => {
                    let defined = list_names(listener_names.iter().flatten());
                    self.err(
                        "workload.listener",
                        format!("no listener named `{name}`; defined: {defined}"),
                    );
                    0
                }
            },
            None if listeners.len() > 1 => {
                let defined = list_names(listener_names.iter().flatten());
                self.err(
                    "workload.listener",
                    format!("missing `listener`; there are {} listeners, so name the one clients connect to: {defined}", listeners.len()),
                );
                0
            }
            None => 0,
        };
        let arrivals = self.arrivals(w).unwrap_or(placeholder.arrivals);
        let requests_per_connection = w.requests_per_connection.unwrap_or(1);
        if requests_per_connection == 0 {
            self.err(
                "workload.requests_per_connection",
                "requests_per_connection must be at least 1",
            );
        }
        Workload {
            listener,
            arrivals,
            requests_per_connection,
            request_bytes: w.request_bytes.unwrap_or(1024),
            reply_bytes: w.reply_bytes.unwrap_or(4096),
            mix: self.mix(w.mix.as_ref(), classes),
        }
    }

    /// Open or closed arrivals; `None` after a problem.
    fn arrivals(&mut self, w: &RawWorkload) -> Option<Arrivals> {
        let open_only = [
            ("rate", w.rate.is_some()),
            ("interarrival", w.interarrival.is_some()),
        ];
        let closed_only = [
            ("clients", w.clients.is_some()),
            ("think", w.think.is_some()),
        ];
        let misplaced = |c: &mut Self, keys: &[(&str, bool)], kind: &str, other: &str| {
            for (key, present) in keys {
                if *present {
                    c.err(
                        format!("workload.{key}"),
                        format!("`{key}` is for {other} workloads; remove it or set kind = \"{other}\" (this workload is {kind})"),
                    );
                }
            }
        };
        match w.kind.as_deref() {
            None => {
                self.err("workload.kind", "missing `kind`; write kind = \"open\" (arrivals at a rate) or kind = \"closed\" (clients that think)");
                None
            }
            Some("open") => {
                misplaced(self, &closed_only, "open", "closed");
                match (&w.rate, &w.interarrival) {
                    (Some(_), Some(_)) => {
                        self.err(
                            "workload.interarrival",
                            "give either `rate` or `interarrival`, not both",
                        );
                        None
                    }
                    (None, None) => {
                        self.err("workload", "an open workload needs `rate` (e.g. rate = \"1000/s\") or `interarrival`");
                        None
                    }
                    (Some(rate), None) => {
                        let per_second = self.parse("workload.rate", rate, parse_rate)?;
                        let mean = SimDuration::from_secs_f64(1.0 / per_second);
                        if mean.is_zero() {
                            self.err("workload.rate", "rate is too high: the mean inter-arrival time rounds to 0ns (at most 2e9/s)");
                            return None;
                        }
                        Some(Arrivals::Open {
                            interarrival: Dist::Exponential { mean },
                        })
                    }
                    (None, Some(d)) => {
                        let interarrival = self.dist("workload.interarrival", d)?;
                        if interarrival.mean().is_zero() {
                            self.err(
                                "workload.interarrival",
                                "the mean inter-arrival time must be greater than zero",
                            );
                            return None;
                        }
                        Some(Arrivals::Open { interarrival })
                    }
                }
            }
            Some("closed") => {
                misplaced(self, &open_only, "closed", "open");
                let clients = match w.clients {
                    None => {
                        self.err("workload.clients", "missing `clients`; a closed workload needs the number of clients, e.g. clients = 100");
                        None
                    }
                    Some(0) => {
                        self.err("workload.clients", "clients must be at least 1");
                        None
                    }
                    Some(n) => Some(n),
                };
                let think = match &w.think {
                    None => {
                        self.err(
                            "workload.think",
                            "missing `think`; a closed workload needs a think time, e.g. think = { dist = \"exponential\", mean = \"1s\" }",
                        );
                        None
                    }
                    Some(d) => self.dist("workload.think", d),
                };
                Some(Arrivals::Closed {
                    clients: clients?,
                    think: think?,
                })
            }
            Some(other) => {
                self.err(
                    "workload.kind",
                    format!("unknown workload kind `{other}`; allowed: \"open\", \"closed\""),
                );
                None
            }
        }
    }

    /// The mix as (class index, probability), sorted by class name (the map's order).
    fn mix(
        &mut self,
        mix: Option<&BTreeMap<String, f64>>,
        classes: &[RawServerClass],
    ) -> Vec<(usize, f64)> {
        let Some(mix) = mix else {
            self.err(
                "workload.mix",
                "missing `mix`; give each server class a relative weight, e.g. mix = { A = 1 }",
            );
            return Vec::new();
        };
        if mix.is_empty() {
            self.err(
                "workload.mix",
                "mix must name at least one server class, e.g. mix = { A = 1 }",
            );
        }
        let names: Vec<Option<&String>> = classes.iter().map(|c| c.name.as_ref()).collect();
        let mut weighted = Vec::new();
        for (name, &weight) in mix {
            let field = format!("workload.mix.{name}");
            if !(weight.is_finite() && weight > 0.0) {
                self.err(&field, format!("weight must be greater than zero, got {weight}; leave the class out of the mix instead"));
            }
            match names.iter().position(|n| *n == Some(name)) {
                Some(index) => weighted.push((index, weight)),
                None => {
                    let defined = list_names(names.iter().flatten());
                    self.err_key(
                        field,
                        format!("no server class named `{name}`; defined: {defined}"),
                    );
                }
            }
        }
        let total: f64 = weighted.iter().map(|(_, w)| w).sum();
        if total > 0.0 && total.is_finite() {
            for (_, w) in &mut weighted {
                *w /= total;
            }
        }
        weighted
    }

    /// A distribution table: the parameters must be exactly those `dist` takes.
    fn dist(&mut self, field: &str, raw: &RawDist) -> Option<Dist> {
        let allowed_names = DISTS.iter().map(|(n, _)| *n).collect::<Vec<_>>().join(", ");
        let Some(kind) = raw.dist.as_deref() else {
            self.err(
                format!("{field}.dist"),
                format!("missing `dist`; allowed: {allowed_names}"),
            );
            return None;
        };
        let Some(&(_, takes)) = DISTS.iter().find(|(n, _)| *n == kind) else {
            self.err(
                format!("{field}.dist"),
                format!("unknown distribution `{kind}`; allowed: {allowed_names}"),
            );
            return None;
        };
        let takes_text = match takes {
            [one] => format!("{one} only"),
            _ => takes.join(" and "),
        };
        let present = [
            ("mean", raw.mean.is_some()),
            ("value", raw.value.is_some()),
            ("min", raw.min.is_some()),
            ("max", raw.max.is_some()),
            ("cv", raw.cv.is_some()),
            ("k", raw.k.is_some()),
        ];
        let before = self.findings.len();
        for (param, is_present) in present {
            let wanted = takes.contains(&param);
            if is_present && !wanted {
                self.err(
                    format!("{field}.{param}"),
                    format!("dist = \"{kind}\" takes {takes_text}; remove `{param}`"),
                );
            } else if !is_present && wanted {
                self.err(
                    format!("{field}.{param}"),
                    format!("missing `{param}`; dist = \"{kind}\" takes {takes_text}"),
                );
            }
        }
        if self.findings.len() > before {
            return None;
        }
        let duration = |c: &mut Self, param: &str, text: &Option<String>| {
            c.parse(
                &format!("{field}.{param}"),
                text.as_deref().expect("checked present"),
                parse_duration,
            )
        };
        let positive_mean = |c: &mut Self| {
            let mean = duration(c, "mean", &raw.mean)?;
            if mean.is_zero() {
                c.err(
                    format!("{field}.mean"),
                    format!("mean must be greater than zero for dist = \"{kind}\""),
                );
                return None;
            }
            Some(mean)
        };
        let cv = |c: &mut Self| {
            let cv = raw.cv.expect("checked present");
            if !(cv.is_finite() && cv > 0.0) {
                c.err(
                    format!("{field}.cv"),
                    format!("cv must be greater than zero, got {cv}"),
                );
                return None;
            }
            Some(cv)
        };
        match kind {
            "exponential" => Some(Dist::Exponential {
                mean: duration(self, "mean", &raw.mean)?,
            }),
            "constant" => Some(Dist::Constant(duration(self, "value", &raw.value)?)),
            "uniform" => {
                let min = duration(self, "min", &raw.min);
                let max = duration(self, "max", &raw.max);
                let (min, max) = (min?, max?);
                if max < min {
                    self.err(
                        format!("{field}.max"),
                        format!("max ({max}) must not be less than min ({min})"),
                    );
                    return None;
                }
                Some(Dist::Uniform { min, max })
            }
            "lognormal" => {
                let (mean, cv) = (positive_mean(self), cv(self));
                Some(Dist::Lognormal {
                    mean: mean?,
                    cv: cv?,
                })
            }
            "gamma" => {
                let (mean, cv) = (positive_mean(self), cv(self));
                Some(Dist::Gamma {
                    mean: mean?,
                    cv: cv?,
                })
            }
            "erlang" => {
                let mean = duration(self, "mean", &raw.mean);
                let k = raw.k.expect("checked present");
                if k == 0 {
                    self.err(
                        format!("{field}.k"),
                        "k (the number of phases) must be at least 1",
                    );
                }
                let mean = mean?;
                (k >= 1).then_some(Dist::Erlang { mean, k })
            }
            _ => unreachable!("every name in DISTS is handled"),
        }
    }

    /// Parallel stack: at most one listener instance per (processor, port). Conventional: at
    /// most one per (TCP/IP process, port), since each TCP/IP process is one IP host.
    fn port_conflicts(
        &mut self,
        raw: &[RawListener],
        listeners: &[Listener],
        stack: StackKind,
        process_names: &[Option<String>],
    ) {
        // (place, port) -> (listener index, processor) of the first instance there.
        let mut taken: BTreeMap<(usize, u16), (usize, u32)> = BTreeMap::new();
        for (i, l) in listeners.iter().enumerate() {
            if l.port == 0 {
                continue; // invalid port, already reported
            }
            let per_instance = raw[i].tcpip.as_ref().is_some_and(|t| t.0.len() > 1);
            for (j, &p) in l.processors.iter().enumerate() {
                let place = match stack {
                    StackKind::Parallel => p as usize,
                    StackKind::Conventional => match l.tcpip.get(j) {
                        Some(&t) => t,
                        None => continue, // unresolved, already reported
                    },
                };
                let Some(&(first, first_p)) = taken.get(&(place, l.port)) else {
                    taken.insert((place, l.port), (i, p));
                    continue;
                };
                let who = if first == i {
                    format!("this listener's instance on processor {first_p}")
                } else {
                    format!(
                        "listener[{first}] (`{}`) on processor {first_p}",
                        listeners[first].name
                    )
                };
                match stack {
                    StackKind::Parallel => self.err(
                        format!("listener[{i}].processors[{j}]"),
                        format!(
                            "at most one listener per processor per port under the parallel stack (round-robin filtering); {who} already listens on port {}; use another processor or port",
                            l.port
                        ),
                    ),
                    StackKind::Conventional => {
                        if first == i && first_p == p {
                            continue; // the same processor listed twice, already reported
                        }
                        let process = process_names[place].as_deref().unwrap_or("?");
                        let field = if per_instance {
                            format!("listener[{i}].tcpip[{j}]")
                        } else {
                            format!("listener[{i}].processors[{j}]")
                        };
                        self.err(
                            field,
                            format!(
                                "a conventional TCP/IP process is one IP host, so only one listener instance can listen on port {} through `{process}`; {who} already does; give this instance its own TCP/IP process (one name per processor in `tcpip`) or use another port",
                                l.port
                            ),
                        );
                    }
                }
            }
        }
    }

    /// A distributor relays every request to a server process, so every class in the mix needs
    /// servers (and processors to run them on).
    fn distributor_needs_servers(
        &mut self,
        raw: &RawScenario,
        listeners: &[Listener],
        classes: &[ServerClass],
        workload: &Workload,
    ) {
        let Some(w) = &raw.workload else { return };
        let Some(listener) = listeners.get(workload.listener) else {
            return;
        };
        let raw_listener = &raw.listener[workload.listener];
        // Only when the workload's listener resolved (otherwise index 0 is a placeholder).
        let resolved = match &w.listener {
            Some(name) => raw_listener.name.as_ref() == Some(name),
            None => raw.listener.len() == 1,
        };
        if !resolved || raw_listener.model.as_deref() != Some("distributor") {
            return;
        }
        for &(k, _) in &workload.mix {
            let class = &classes[k];
            if class.servers == 0 {
                let also = if class.processors.is_empty() {
                    " and list its processors"
                } else {
                    ""
                };
                self.err(
                    format!("server_class[{k}].servers"),
                    format!(
                        "server class `{}` has no servers, but the workload's listener `{}` is a distributor, which sends every request to a server process through Pathsend; set servers >= 1{also}",
                        class.name, listener.name
                    ),
                );
            }
        }
    }
}

/// Stands in for a distribution that failed validation (never reaches a model).
const PLACEHOLDER_DIST: Dist = Dist::Constant(SimDuration::ZERO);

/// "`a`, `b`" for messages, or "none" for an empty list.
fn list_names<S: AsRef<str>>(names: impl IntoIterator<Item = S>) -> String {
    let list: Vec<String> = names
        .into_iter()
        .map(|n| format!("`{}`", n.as_ref()))
        .collect();
    if list.is_empty() {
        "none".to_string()
    } else {
        list.join(", ")
    }
}

impl Scenario {
    /// Applies the scenario file's rules to a `Scenario` built in Rust (for example in
    /// `examples/`). Problems name fields in the file's notation, with origin `scenario`.
    pub fn check(&self) -> Result<(), ScenarioError> {
        let (_, findings) = validate(&self.to_raw());
        let mut problems: Vec<Problem> = findings
            .into_iter()
            .map(|f| Problem {
                origin: "scenario".to_string(),
                line: None,
                column: None,
                field: f.field,
                message: f.message,
            })
            .collect();
        let total: f64 = self.workload.mix.iter().map(|(_, w)| w).sum();
        if !self.workload.mix.is_empty() && (total - 1.0).abs() > 1e-9 {
            problems.push(Problem {
                origin: "scenario".to_string(),
                line: None,
                column: None,
                field: "workload.mix".to_string(),
                message: format!("the mix probabilities must sum to 1, got {total}"),
            });
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(ScenarioError { problems })
        }
    }

    /// The scenario written back in the file's raw form (durations in `ns`, an open rate as its
    /// exponential inter-arrival distribution). Validating it gives back an equal scenario.
    pub fn to_raw(&self) -> RawScenario {
        let ns = |d: SimDuration| Some(format!("{}ns", d.0));
        let s = self;
        let stack = s.tcpip.stack;
        let conventional = stack == StackKind::Conventional;
        let process_name = |t: usize| {
            s.tcpip
                .processes
                .get(t)
                .map_or_else(|| format!("#{t}"), |p| p.name.clone())
        };
        let class_name = |k: usize| {
            s.server_classes
                .get(k)
                .map_or_else(|| format!("#{k}"), |c| c.name.clone())
        };
        let (interarrival, clients, think, kind) = match &s.workload.arrivals {
            Arrivals::Open { interarrival } => {
                (Some(dist_to_raw(interarrival)), None, None, "open")
            }
            Arrivals::Closed { clients, think } => {
                (None, Some(*clients), Some(dist_to_raw(think)), "closed")
            }
        };
        RawScenario {
            name: Some(s.name.clone()),
            description: Some(s.description.clone()),
            run: Some(RawRun {
                seed: Some(s.run.seed),
                duration: ns(s.run.duration),
                warmup: ns(s.run.warmup),
                max_requests: s.run.max_requests,
                drain: ns(s.run.drain),
                sample_interval: ns(s.run.sample_interval),
            }),
            system: Some(RawSystem {
                processors: Some(s.system.processors),
                cores: Some(s.system.cores),
            }),
            message_system: Some(RawMessageSystem {
                cpu_per_message: ns(s.message_system.cpu_per_message),
                latency_same_processor: ns(s.message_system.latency_same_processor),
                latency_cross_processor: ns(s.message_system.latency_cross_processor),
            }),
            lan: Some(RawLan {
                pif_bandwidth: Some(format!("{}b/s", s.lan.pif_bandwidth_bps)),
                client_latency: ns(s.lan.client_latency),
            }),
            tcpip: Some(RawTcpIp {
                stack: Some(
                    if conventional {
                        "conventional"
                    } else {
                        "parallel"
                    }
                    .to_string(),
                ),
                segment_cpu: ns(s.tcpip.segment_cpu),
                connect_cpu: ns(s.tcpip.connect_cpu),
                close_cpu: ns(s.tcpip.close_cpu),
                backlog: Some(s.tcpip.backlog),
                syn_retry: ns(s.tcpip.syn_retry),
                syn_retries: Some(s.tcpip.syn_retries),
                priority: Some(u32::from(s.tcpip.priority)),
                process: (conventional || !s.tcpip.processes.is_empty()).then(|| {
                    s.tcpip
                        .processes
                        .iter()
                        .map(|p| RawTcpIpProcess {
                            name: Some(p.name.clone()),
                            processor: Some(p.processor),
                        })
                        .collect()
                }),
            }),
            listener: s
                .listeners
                .iter()
                .map(|l| RawListener {
                    name: Some(l.name.clone()),
                    model: Some(
                        match l.model {
                            ListenerModel::Distributor => "distributor",
                            ListenerModel::Parallel => "parallel",
                        }
                        .to_string(),
                    ),
                    port: Some(u32::from(l.port)),
                    processors: Some(l.processors.clone()),
                    tcpip: (!l.tcpip.is_empty())
                        .then(|| OneOrMany(l.tcpip.iter().map(|&t| process_name(t)).collect())),
                    accept_cpu: ns(l.accept_cpu),
                    handle_cpu: ns(l.handle_cpu),
                    priority: Some(u32::from(l.priority)),
                })
                .collect(),
            server_class: s
                .server_classes
                .iter()
                .map(|c| RawServerClass {
                    name: Some(c.name.clone()),
                    processors: Some(c.processors.clone()),
                    servers: Some(c.servers),
                    service: Some(dist_to_raw(&c.service)),
                    io: c.io.as_ref().map(dist_to_raw),
                    priority: Some(u32::from(c.priority)),
                })
                .collect(),
            workload: Some(RawWorkload {
                listener: Some(
                    s.listeners
                        .get(s.workload.listener)
                        .map_or_else(|| format!("#{}", s.workload.listener), |l| l.name.clone()),
                ),
                kind: Some(kind.to_string()),
                rate: None,
                interarrival,
                clients,
                think,
                requests_per_connection: Some(s.workload.requests_per_connection),
                request_bytes: Some(s.workload.request_bytes),
                reply_bytes: Some(s.workload.reply_bytes),
                mix: Some(
                    s.workload
                        .mix
                        .iter()
                        .map(|&(k, w)| (class_name(k), w))
                        .collect(),
                ),
            }),
        }
    }
}

/// A distribution in the raw form.
fn dist_to_raw(d: &Dist) -> RawDist {
    let ns = |d: SimDuration| Some(format!("{}ns", d.0));
    let mut raw = RawDist::default();
    let name = match *d {
        Dist::Constant(v) => {
            raw.value = ns(v);
            "constant"
        }
        Dist::Exponential { mean } => {
            raw.mean = ns(mean);
            "exponential"
        }
        Dist::Uniform { min, max } => {
            raw.min = ns(min);
            raw.max = ns(max);
            "uniform"
        }
        Dist::Lognormal { mean, cv } => {
            raw.mean = ns(mean);
            raw.cv = Some(cv);
            "lognormal"
        }
        Dist::Erlang { mean, k } => {
            raw.mean = ns(mean);
            raw.k = Some(k);
            "erlang"
        }
        Dist::Gamma { mean, cv } => {
            raw.mean = ns(mean);
            raw.cv = Some(cv);
            "gamma"
        }
    };
    raw.dist = Some(name.to_string());
    raw
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::{load, parse_str};

    /// The smallest valid scenario: everything optional left out.
    const MINIMAL: &str = r#"name = "minimal"

[run]
duration = "10s"

[system]
processors = 4

[tcpip]
stack = "parallel"

[[listener]]
name = "$PL"
model = "parallel"
processors = [0, 1]

[[server_class]]
name = "A"
service = { dist = "exponential", mean = "100us" }

[workload]
kind = "open"
rate = "1000/s"
mix = { A = 1 }
"#;

    /// Figure 3-3 of the listener manuals: distributors in processors 3-5, each through its own
    /// conventional TCP/IP process, server classes in processors 0-2.
    const DISTRIBUTOR: &str = r#"name = "fig-3-3-distributor"

[run]
duration = "30s"
warmup = "3s"

[system]
processors = 6

[tcpip]
stack = "conventional"

[[tcpip.process]]
name = "$ZTC3"
processor = 3

[[tcpip.process]]
name = "$ZTC4"
processor = 4

[[tcpip.process]]
name = "$ZTC5"
processor = 5

[[listener]]
name = "$DIST"
model = "distributor"
processors = [3, 4, 5]
tcpip = ["$ZTC3", "$ZTC4", "$ZTC5"]

[[server_class]]
name = "G"
processors = [0, 1, 2]
servers = 3
service = { dist = "lognormal", mean = "200us", cv = 1.5 }

[[server_class]]
name = "A"
processors = [0, 1, 2]
servers = 6
service = { dist = "exponential", mean = "120us" }
io = { dist = "constant", value = "2ms" }

[workload]
kind = "open"
rate = "10000/s"
mix = { A = 3, G = 1 }
"#;

    /// `text` with `from` replaced by `to` (which must occur, so a test cannot silently test
    /// the unmodified file).
    fn edit(text: &str, from: &str, to: &str) -> String {
        assert!(text.contains(from), "`{from}` is not in the text");
        text.replacen(from, to, 1)
    }

    fn problems(text: &str) -> Vec<Problem> {
        parse_str(text, "x.toml", &[])
            .expect_err("expected problems")
            .problems
    }

    /// Asserts that some problem is about `field` and contains `needle`; returns it.
    #[track_caller]
    fn expect_problem(text: &str, field: &str, needle: &str) -> Problem {
        let all = problems(text);
        all.iter()
            .find(|p| p.field == field && p.message.contains(needle))
            .cloned()
            .unwrap_or_else(|| {
                panic!("no problem at `{field}` containing `{needle}` in:\n{all:#?}")
            })
    }

    #[test]
    fn a_minimal_scenario_gets_every_default() {
        let s = parse_str(MINIMAL, "x.toml", &[]).unwrap();
        let us = SimDuration::from_micros;
        let expected = Scenario {
            name: "minimal".into(),
            description: String::new(),
            run: RunControl {
                seed: 1,
                duration: SimDuration::from_secs(10),
                warmup: SimDuration::ZERO,
                max_requests: None,
                drain: SimDuration::from_secs(10),
                sample_interval: SimDuration::from_secs(1),
            },
            system: System {
                processors: 4,
                cores: 1,
            },
            message_system: MessageSystem {
                cpu_per_message: us(10),
                latency_same_processor: us(15),
                latency_cross_processor: us(30),
            },
            lan: Lan {
                pif_bandwidth_bps: 1e9,
                client_latency: us(100),
            },
            tcpip: TcpIp {
                stack: StackKind::Parallel,
                segment_cpu: us(15),
                connect_cpu: us(75),
                close_cpu: us(25),
                backlog: 5,
                syn_retry: SimDuration::from_secs(1),
                syn_retries: 3,
                processes: vec![],
                priority: 199,
            },
            listeners: vec![Listener {
                name: "$PL".into(),
                model: ListenerModel::Parallel,
                port: 3000,
                processors: vec![0, 1],
                tcpip: vec![],
                accept_cpu: us(30),
                handle_cpu: us(20),
                priority: 180,
            }],
            server_classes: vec![ServerClass {
                name: "A".into(),
                processors: vec![],
                servers: 0,
                service: Dist::Exponential { mean: us(100) },
                io: None,
                priority: 150,
            }],
            workload: Workload {
                listener: 0,
                // 1000/s: mean inter-arrival 1 ms.
                arrivals: Arrivals::Open {
                    interarrival: Dist::Exponential { mean: us(1000) },
                },
                requests_per_connection: 1,
                request_bytes: 1024,
                reply_bytes: 4096,
                mix: vec![(0, 1.0)],
            },
        };
        assert_eq!(s, expected);
    }

    #[test]
    fn names_resolve_to_indices_and_the_mix_is_normalised_by_name() {
        let s = parse_str(DISTRIBUTOR, "x.toml", &[]).unwrap();
        assert_eq!(s.tcpip.stack, StackKind::Conventional);
        assert_eq!(s.tcpip.processes.len(), 3);
        assert_eq!(
            s.tcpip.processes[2],
            TcpIpProcess {
                name: "$ZTC5".into(),
                processor: 5
            }
        );
        assert_eq!(s.listeners[0].tcpip, vec![0, 1, 2]);
        // Sorted by class name (A before G), whatever the file order; weights 3:1.
        assert_eq!(s.workload.mix, vec![(1, 0.75), (0, 0.25)]);
        assert_eq!(
            s.server_classes[1].io,
            Some(Dist::Constant(SimDuration::from_millis(2)))
        );
        assert_eq!(
            s.server_classes[0].service,
            Dist::Lognormal {
                mean: SimDuration::from_micros(200),
                cv: 1.5
            }
        );
    }

    #[test]
    fn a_single_tcpip_name_and_a_single_process_default_expand_per_instance() {
        // One TCP/IP process and one instance: `tcpip` may be left out or be a plain string.
        let one = edit(
            DISTRIBUTOR,
            "processors = [3, 4, 5]\ntcpip = [\"$ZTC3\", \"$ZTC4\", \"$ZTC5\"]",
            "processors = [4]\ntcpip = \"$ZTC4\"",
        );
        let s = parse_str(&one, "x.toml", &[]).unwrap();
        assert_eq!(s.listeners[0].tcpip, vec![1]);
        let only = "[[tcpip.process]]\nname = \"$ZTC3\"\nprocessor = 3\n\n";
        let text = edit(
            &edit(&one, only, ""),
            "[[tcpip.process]]\nname = \"$ZTC5\"\nprocessor = 5\n",
            "",
        );
        let text = edit(
            &text,
            "processors = [4]\ntcpip = \"$ZTC4\"",
            "processors = [2]",
        );
        let s = parse_str(&text, "x.toml", &[]).unwrap();
        assert_eq!(s.listeners[0].tcpip, vec![0]);
    }

    #[test]
    fn an_unknown_field_gives_file_line_column_and_path() {
        let text = edit(MINIMAL, "processors = 4", "procesors = 4");
        let all = problems(&text);
        assert_eq!(all.len(), 1);
        assert_eq!(
            all[0].to_string(),
            "x.toml:7:1: system.procesors: unknown field `procesors`, expected `processors` or `cores`"
        );
    }

    #[test]
    fn a_wrong_type_names_the_path() {
        let text = edit(MINIMAL, "processors = 4", "processors = \"four\"");
        let p = expect_problem(&text, "system.processors", "invalid type: string \"four\"");
        assert_eq!((p.line, p.column), (Some(7), Some(14)));
        let text = edit(MINIMAL, "processors = [0, 1]", "processors = [0, \"x\"]");
        let p = expect_problem(&text, "listener[0].processors[1]", "expected u32");
        assert_eq!(p.line, Some(15));
    }

    #[test]
    fn a_syntax_error_has_a_position() {
        let text = edit(MINIMAL, "[[listener]]", "[[listener]");
        let all = problems(&text);
        assert_eq!(all.len(), 1);
        assert_eq!(all[0].field, "");
        assert_eq!((all[0].line, all[0].column), (Some(12), Some(12)));
        assert!(
            all[0]
                .to_string()
                .starts_with("x.toml:12:12: unclosed array table"),
            "{}",
            all[0]
        );
    }

    #[test]
    fn processor_counts_are_bounded() {
        let zero = edit(MINIMAL, "processors = 4", "processors = 0");
        expect_problem(&zero, "system.processors", "between 1 and 16");
        let many = edit(MINIMAL, "processors = 4", "processors = 17");
        expect_problem(&many, "system.processors", "at most 16 processors), got 17");
    }

    #[test]
    fn every_processor_reference_must_exist() {
        let text = edit(
            DISTRIBUTOR,
            "processors = [3, 4, 5]",
            "processors = [3, 4, 9]",
        );
        let text = edit(&text, "processor = 4", "processor = 6");
        let text = edit(&text, "processors = [0, 1, 2]", "processors = [0, 7, 2]");
        let p = expect_problem(
            &text,
            "listener[0].processors[2]",
            "processor 9 does not exist; allowed 0..=5 (system.processors = 6)",
        );
        assert_eq!((p.line, p.column), (Some(28), Some(21)));
        expect_problem(
            &text,
            "tcpip.process[1].processor",
            "processor 6 does not exist",
        );
        expect_problem(
            &text,
            "server_class[0].processors[1]",
            "processor 7 does not exist",
        );
    }

    #[test]
    fn parallel_stack_allows_one_listener_per_processor_per_port() {
        let rule = "at most one listener per processor per port under the parallel stack (round-robin filtering)";
        let same_listener = edit(MINIMAL, "processors = [0, 1]", "processors = [0, 1, 0]");
        expect_problem(&same_listener, "listener[0].processors[2]", rule);
        let second = format!(
            "{MINIMAL}\n[[listener]]\nname = \"$PL2\"\nmodel = \"parallel\"\nprocessors = [1, 2]\n"
        );
        let second = edit(
            &second,
            "kind = \"open\"",
            "listener = \"$PL\"\nkind = \"open\"",
        );
        expect_problem(&second, "listener[1].processors[0]", rule);
        // Another port is fine.
        let other_port = edit(
            &second,
            "processors = [1, 2]",
            "processors = [1, 2]\nport = 3001",
        );
        parse_str(&other_port, "x.toml", &[]).unwrap();
    }

    #[test]
    fn conventional_tcpip_process_is_one_ip_host() {
        let rule = "a conventional TCP/IP process is one IP host";
        let shared = edit(
            DISTRIBUTOR,
            "tcpip = [\"$ZTC3\", \"$ZTC4\", \"$ZTC5\"]",
            "tcpip = [\"$ZTC3\", \"$ZTC3\", \"$ZTC5\"]",
        );
        expect_problem(&shared, "listener[0].tcpip[1]", rule);
        let single = edit(
            DISTRIBUTOR,
            "tcpip = [\"$ZTC3\", \"$ZTC4\", \"$ZTC5\"]",
            "tcpip = [\"$ZTC3\"]",
        );
        expect_problem(&single, "listener[0].processors[1]", rule);
        let two = format!(
            "{DISTRIBUTOR}\n[[listener]]\nname = \"$D2\"\nmodel = \"distributor\"\nprocessors = [0]\ntcpip = [\"$ZTC4\"]\n"
        );
        let two = edit(
            &two,
            "kind = \"open\"",
            "listener = \"$DIST\"\nkind = \"open\"",
        );
        let p = expect_problem(&two, "listener[1].processors[0]", rule);
        assert!(
            p.message.contains("listener[0] (`$DIST`) on processor 4"),
            "{}",
            p.message
        );
    }

    #[test]
    fn conventional_tcpip_names_must_fit_and_resolve() {
        let short = edit(
            DISTRIBUTOR,
            "[\"$ZTC3\", \"$ZTC4\", \"$ZTC5\"]",
            "[\"$ZTC3\", \"$ZTC4\"]",
        );
        expect_problem(&short, "listener[0].tcpip", "2 names for 3 processors");
        let unknown = edit(DISTRIBUTOR, "\"$ZTC5\"]", "\"$ZTC9\"]");
        expect_problem(
            &unknown,
            "listener[0].tcpip[2]",
            "no TCP/IP process named `$ZTC9`",
        );
        let missing = edit(
            DISTRIBUTOR,
            "tcpip = [\"$ZTC3\", \"$ZTC4\", \"$ZTC5\"]\n",
            "",
        );
        expect_problem(&missing, "listener[0].tcpip", "missing `tcpip`");
        let none = DISTRIBUTOR.replace("[[tcpip.process]]", "[[tcpip.procesx]]");
        assert!(
            problems(&none)[0]
                .message
                .contains("unknown field `procesx`")
        );
    }

    #[test]
    fn stack_specific_sections() {
        let parallel_with_processes = edit(
            DISTRIBUTOR,
            "stack = \"conventional\"",
            "stack = \"parallel\"",
        );
        expect_problem(
            &parallel_with_processes,
            "tcpip.process",
            "remove [[tcpip.process]]",
        );
        expect_problem(
            &parallel_with_processes,
            "listener[0].tcpip",
            "remove `tcpip`",
        );
        let conventional_without =
            edit(MINIMAL, "stack = \"parallel\"", "stack = \"conventional\"");
        expect_problem(
            &conventional_without,
            "tcpip.process",
            "needs at least one TCP/IP process",
        );
        let backlog = edit(
            MINIMAL,
            "stack = \"parallel\"",
            "stack = \"parallel\"\nbacklog = 6",
        );
        expect_problem(&backlog, "tcpip.backlog", "caps pending connections at 5");
        let stack = edit(MINIMAL, "stack = \"parallel\"", "stack = \"library\"");
        expect_problem(
            &stack,
            "tcpip.stack",
            "allowed: \"conventional\", \"parallel\"",
        );
    }

    #[test]
    fn a_distributor_needs_servers_for_every_class_in_the_mix() {
        let text = edit(DISTRIBUTOR, "servers = 3\n", "");
        expect_problem(
            &text,
            "server_class[0].servers",
            "server class `G` has no servers",
        );
        // A parallel listener does the work itself: no servers needed.
        parse_str(MINIMAL, "x.toml", &[]).unwrap();
    }

    #[test]
    fn servers_need_processors() {
        let text = edit(MINIMAL, "name = \"A\"", "name = \"A\"\nservers = 2");
        expect_problem(
            &text,
            "server_class[0].processors",
            "has 2 server(s) but no processors",
        );
    }

    #[test]
    fn bad_durations_name_their_field() {
        let text = edit(MINIMAL, "duration = \"10s\"", "duration = \"10\"");
        let p = expect_problem(&text, "run.duration", "missing unit in \"10\"");
        assert_eq!((p.line, p.column), (Some(4), Some(12)));
        let text = edit(MINIMAL, "mean = \"100us\"", "mean = \"-100us\"");
        expect_problem(
            &text,
            "server_class[0].service.mean",
            "durations cannot be negative",
        );
        let text = format!("{MINIMAL}\n[lan]\nclient_latency = \"fast\"\n");
        expect_problem(&text, "lan.client_latency", "expected a duration");
        let text = edit(
            MINIMAL,
            "duration = \"10s\"",
            "duration = \"10s\"\nwarmup = \"10s\"",
        );
        expect_problem(&text, "run.warmup", "must be shorter than run.duration");
        let text = edit(
            MINIMAL,
            "duration = \"10s\"",
            "duration = \"10s\"\nsample_interval = \"1us\"",
        );
        expect_problem(&text, "run.sample_interval", "at least 1ms");
    }

    #[test]
    fn names_in_the_workload_must_resolve() {
        let text = edit(
            MINIMAL,
            "kind = \"open\"",
            "listener = \"$NOPE\"\nkind = \"open\"",
        );
        expect_problem(
            &text,
            "workload.listener",
            "no listener named `$NOPE`; defined: `$PL`",
        );
        let text = edit(MINIMAL, "mix = { A = 1 }", "mix = { A = 1, X = 2 }");
        let p = expect_problem(
            &text,
            "workload.mix.X",
            "no server class named `X`; defined: `A`",
        );
        // Points at the key `X`.
        assert_eq!((p.line, p.column), (Some(24), Some(16)));
    }

    #[test]
    fn arrivals_are_open_or_closed() {
        let both = edit(
            MINIMAL,
            "rate = \"1000/s\"",
            "rate = \"1000/s\"\ninterarrival = { dist = \"constant\", value = \"1ms\" }",
        );
        expect_problem(&both, "workload.interarrival", "not both");
        let closed = edit(MINIMAL, "kind = \"open\"", "kind = \"closed\"");
        expect_problem(&closed, "workload.clients", "missing `clients`");
        expect_problem(&closed, "workload.think", "missing `think`");
        expect_problem(&closed, "workload.rate", "`rate` is for open workloads");
        let closed = edit(
            &closed,
            "rate = \"1000/s\"",
            "clients = 10\nthink = { dist = \"erlang\", mean = \"1s\", k = 2 }",
        );
        let s = parse_str(&closed, "x.toml", &[]).unwrap();
        assert_eq!(
            s.workload.arrivals,
            Arrivals::Closed {
                clients: 10,
                think: Dist::Erlang {
                    mean: SimDuration::from_secs(1),
                    k: 2
                }
            }
        );
        let uniform = edit(
            MINIMAL,
            "rate = \"1000/s\"",
            "interarrival = { dist = \"uniform\", min = \"50us\", max = \"150us\" }",
        );
        let s = parse_str(&uniform, "x.toml", &[]).unwrap();
        assert_eq!(
            s.workload.arrivals,
            Arrivals::Open {
                interarrival: Dist::Uniform {
                    min: SimDuration::from_micros(50),
                    max: SimDuration::from_micros(150)
                }
            }
        );
    }

    #[test]
    fn distribution_parameters_must_match_the_dist() {
        let extra = edit(
            MINIMAL,
            "mean = \"100us\"",
            "mean = \"100us\", value = \"1us\"",
        );
        expect_problem(
            &extra,
            "server_class[0].service.value",
            "dist = \"exponential\" takes mean only; remove `value`",
        );
        let missing = edit(MINIMAL, "dist = \"exponential\"", "dist = \"gamma\"");
        expect_problem(
            &missing,
            "server_class[0].service.cv",
            "missing `cv`; dist = \"gamma\" takes mean and cv",
        );
        let unknown = edit(MINIMAL, "dist = \"exponential\"", "dist = \"poisson\"");
        expect_problem(
            &unknown,
            "server_class[0].service.dist",
            "allowed: exponential, constant, uniform, lognormal, erlang, gamma",
        );
        let cv = edit(
            MINIMAL,
            "dist = \"exponential\", mean = \"100us\"",
            "dist = \"lognormal\", mean = \"100us\", cv = 0",
        );
        expect_problem(
            &cv,
            "server_class[0].service.cv",
            "cv must be greater than zero",
        );
    }

    #[test]
    fn every_problem_is_reported_in_file_order() {
        let text = edit(MINIMAL, "duration = \"10s\"", "duration = \"10\"");
        let text = edit(&text, "processors = [0, 1]", "processors = [0, 5]");
        let text = edit(&text, "mix = { A = 1 }", "mix = { B = 1 }");
        let text = edit(
            &text,
            "stack = \"parallel\"",
            "stack = \"parallel\"\npriority = 0",
        );
        let err = parse_str(&text, "x.toml", &[]).unwrap_err();
        let fields: Vec<&str> = err.problems.iter().map(|p| p.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "run.duration",
                "tcpip.priority",
                "listener[0].processors[1]",
                "workload.mix.B"
            ]
        );
        // Display: one problem per line.
        assert_eq!(err.to_string().lines().count(), 4);
        assert!(err.to_string().lines().all(|l| l.starts_with("x.toml:")));
    }

    #[test]
    fn missing_tables_are_reported_without_a_position() {
        let all = problems("name = \"empty\"\n");
        let fields: Vec<&str> = all.iter().map(|p| p.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "run",
                "system",
                "tcpip",
                "listener",
                "server_class",
                "workload"
            ]
        );
        assert!(all.iter().all(|p| p.line.is_none()));
        assert_eq!(
            all[0].to_string(),
            format!("x.toml: run: {}", all[0].message)
        );
    }

    #[test]
    fn overrides_apply_before_parsing() {
        let sets = [
            "workload.rate=5000/s".to_string(),
            "listener[0].processors=[2, 3]".to_string(),
            "run.seed=42".to_string(),
        ];
        let s = parse_str(MINIMAL, "x.toml", &sets).unwrap();
        assert_eq!(
            s.workload.arrivals,
            Arrivals::Open {
                interarrival: Dist::Exponential {
                    mean: SimDuration::from_micros(200)
                }
            }
        );
        assert_eq!(s.listeners[0].processors, vec![2, 3]);
        assert_eq!(s.run.seed, 42);
        let s = parse_str(
            DISTRIBUTOR,
            "x.toml",
            &["tcpip.process[1].processor=1".into()],
        )
        .unwrap();
        assert_eq!(s.tcpip.processes[1].processor, 1);
        let s = parse_str(MINIMAL, "x.toml", &["lan.pif_bandwidth=10Gb/s".into()]).unwrap();
        assert_eq!(s.lan.pif_bandwidth_bps, 1e10);
    }

    #[test]
    fn an_overridden_value_is_validated_where_it_now_sits() {
        let p = parse_str(MINIMAL, "x.toml", &["listener[0].processors[1]=9".into()])
            .unwrap_err()
            .problems;
        assert_eq!(p.len(), 1);
        assert_eq!(p[0].field, "listener[0].processors[1]");
        assert_eq!(p[0].line, Some(15));
    }

    #[test]
    fn a_bad_override_path_is_reported() {
        let err = parse_str(
            MINIMAL,
            "x.toml",
            &["listener[3].port=1".into(), "run.duration.x=1".into()],
        )
        .unwrap_err();
        assert_eq!(err.problems.len(), 2);
        assert_eq!(err.problems[0].origin, "--set");
        assert_eq!(err.problems[0].field, "listener[3].port");
        assert!(err.problems[0].message.contains("index 3 is out of range"));
        assert!(
            err.to_string()
                .starts_with("--set: listener[3].port: index 3"),
            "{err}"
        );
        assert_eq!(err.problems[1].field, "run.duration.x");
    }

    #[test]
    fn a_missing_file_names_the_path() {
        let err = load(std::path::Path::new("/nonexistent/x.toml"), &[]).unwrap_err();
        assert_eq!(err.problems.len(), 1);
        assert!(
            err.to_string()
                .starts_with("/nonexistent/x.toml: could not read"),
            "{err}"
        );
    }

    #[test]
    fn check_applies_the_same_rules_to_a_scenario_built_in_rust() {
        for text in [MINIMAL, DISTRIBUTOR] {
            let s = parse_str(text, "x.toml", &[]).unwrap();
            s.check().unwrap();
            // The raw form validates back to the same scenario.
            let (again, findings) = validate(&s.to_raw());
            assert!(findings.is_empty(), "{findings:?}");
            assert_eq!(again.unwrap(), s);
        }
        let mut s = parse_str(DISTRIBUTOR, "x.toml", &[]).unwrap();
        s.listeners[0].processors[0] = 12;
        s.server_classes[0].servers = 0;
        s.workload.mix[0].1 = 0.5;
        let err = s.check().unwrap_err();
        let fields: Vec<&str> = err.problems.iter().map(|p| p.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "listener[0].processors[0]",
                "server_class[0].servers",
                "workload.mix"
            ]
        );
        assert!(
            err.problems
                .iter()
                .all(|p| p.origin == "scenario" && p.line.is_none())
        );
    }
}
