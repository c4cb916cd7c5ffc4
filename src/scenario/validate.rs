//! Raw -> typed: parses units, applies defaults, resolves names to indices and checks every
//! rule, collecting all problems instead of stopping at the first.
//!
//! Each problem names its field path in the file's own notation (`listener[0].processors[2]`,
//! `workload.mix.X`); `mod.rs` adds the line and column. A value that fails to parse is
//! replaced by a placeholder so checking can go on, and comparisons involving it are skipped,
//! so one mistake is reported once and not again as a cascade. The typed vectors stay aligned
//! with the file's arrays (`listeners[i]` is `listener[i]`), which is what lets later checks
//! name fields by index. Two exceptions, by design: a file without `[[pathmon]]` gets the
//! implicit `$PM` in `pathmons`, and `[[pathway_xm.term]]` groups expand into one `Term` per
//! terminal.
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
/// The PATHMON a file without `[[pathmon]]` gets (in processor 0, every default).
const IMPLICIT_PATHMON: &str = "$PM";
/// PATHMON CPU per link grant. PLACEHOLDER: no manual publishes it.
const GRANT_CPU_DEFAULT: &str = "200us";
/// Creating a dynamic server process. PLACEHOLDER: no manual publishes it.
const PROCESS_CREATION_DEFAULT: &str = "200ms";
/// PATHMON priority: above TCPs (160) and servers (150), as Pathway/XM orders them (PATHMON at
/// the NODE's PRI, TCPs at PRI-5, servers at PRI-10).
const PATHMON_PRIORITY_DEFAULT: u8 = 170;
/// ACS: at most 4 PATHMONs in a Pathway domain.
const MAX_DOMAIN_PATHMONS: usize = 4;
/// TS/MP: MAXSERVERS, NUMSTATIC and MAXLINKS are at most 4095.
const MAX_SERVERS: u32 = 4095;
/// TS/MP: LINKDEPTH is at most 255.
const MAX_LINKDEPTH: u32 = 255;
/// TS/MP: AUTORESTART is at most 32767.
const MAX_AUTORESTART: u32 = 32_767;
/// TS/MP: CREATEDELAY, DELETEDELAY and TIMEOUT are at most 16383 s.
const ATTRIBUTE_TIME_MAX: SimDuration = SimDuration::from_secs(16_383);
/// Bounds the expansion of `[[pathway_xm.term]]` groups (memory, not a Pathway limit).
const MAX_TERMS: u64 = 1_000_000;

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
    let (tcpip, stack) = c.tcpip(raw.tcpip.as_ref(), !raw.listener.is_empty());
    let process_names = match (stack, &raw.tcpip) {
        (Some(StackKind::Conventional), Some(t)) => {
            t.process.iter().flatten().map(|p| p.name.clone()).collect()
        }
        _ => Vec::new(),
    };
    let with_workload = raw.workload.is_some();
    let listeners = c.listeners(&raw.listener, stack, &process_names, with_workload);
    let pathmons = c.pathmons(&raw.pathmon);
    let domains = c.domains(&raw.domain, &pathmons);
    let (server_classes, class_pathmons) =
        c.server_classes(&raw.server_class, &pathmons, with_workload);
    let pathway = PathwayNames {
        pathmons: &pathmons,
        domains: &domains,
        classes: &server_classes,
        class_pathmons: &class_pathmons,
    };
    let workload = raw
        .workload
        .as_ref()
        .map(|w| c.workload(w, &raw.listener, &pathway));
    let pathway_xm = raw.pathway_xm.as_ref().map(|x| c.pathway_xm(x));
    match (&raw.workload, &raw.pathway_xm) {
        (None, None) => c.err(
            "workload",
            "missing table [workload] or [pathway_xm]; add [workload] (TCP/IP clients through listeners, with kind, an arrival rate or clients, and a mix) or [pathway_xm] (terminals through TCPs)",
        ),
        (Some(_), Some(_)) => c.err(
            "pathway_xm",
            "a scenario has either [workload] (TCP/IP clients) or [pathway_xm] (Pathway/XM terminals), not both; remove one",
        ),
        _ => {}
    }
    if let Some(stack) = stack {
        c.port_conflicts(&raw.listener, &listeners, stack, &process_names);
    }
    if let (Some(w), Some((workload, send_to))) = (&raw.workload, &workload) {
        c.distributor_needs_servers(raw, w, &listeners, workload, *send_to, &pathway);
    }
    let scenario = Scenario {
        name,
        description: raw.description.clone().unwrap_or_default(),
        run,
        system,
        message_system,
        lan,
        tcpip,
        listeners,
        pathmons,
        domains,
        server_classes,
        workload: workload.map(|(w, _)| w),
        pathway_xm,
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
    /// True when the file has no `[[pathmon]]` and the implicit `$PM` stands in.
    implicit_pathmon: bool,
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

    /// Returns the TCP/IP subsystem and the stack kind when it is valid. Without listeners the
    /// table may be left out: the parallel stack with every default, which nothing uses.
    fn tcpip(&mut self, raw: Option<&RawTcpIp>, has_listeners: bool) -> (TcpIp, Option<StackKind>) {
        let missing = raw.is_none();
        if missing && !has_listeners {
            let unused = RawTcpIp {
                stack: Some("parallel".to_string()),
                ..RawTcpIp::default()
            };
            return self.tcpip(Some(&unused), false);
        }
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
        with_workload: bool,
    ) -> Vec<Listener> {
        if raw.is_empty() && with_workload {
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
            let serve = match (l.serve.as_deref(), model) {
                (None | Some("in-process"), _) => Serve::InProcess,
                (Some("local-server-class"), ListenerModel::Parallel) => Serve::LocalServerClass,
                (Some("local-server-class"), ListenerModel::Distributor) => {
                    self.err(
                        format!("{field}.serve"),
                        "serve applies to parallel listeners only; a distributor always sends through Pathsend: remove `serve`",
                    );
                    Serve::InProcess
                }
                (Some(other), _) => {
                    self.err(
                        format!("{field}.serve"),
                        format!("unknown serve `{other}`; allowed: \"in-process\", \"local-server-class\""),
                    );
                    Serve::InProcess
                }
            };
            listeners.push(Listener {
                name,
                model,
                serve,
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

    /// PATHMONs, aligned with the file's `[[pathmon]]` array; without any, the implicit `$PM`
    /// in processor 0 with every default.
    fn pathmons(&mut self, raw: &[RawPathmon]) -> Vec<Pathmon> {
        if raw.is_empty() {
            self.implicit_pathmon = true;
            let grant_cpu = self.duration("pathmon", None, GRANT_CPU_DEFAULT);
            let process_creation = self.duration("pathmon", None, PROCESS_CREATION_DEFAULT);
            return vec![Pathmon {
                name: IMPLICIT_PATHMON.to_string(),
                processor: 0,
                backup: None,
                grant_cpu,
                process_creation,
                priority: PATHMON_PRIORITY_DEFAULT,
            }];
        }
        let mut seen = HashMap::new();
        let mut pathmons = Vec::new();
        for (i, p) in raw.iter().enumerate() {
            let field = format!("pathmon[{i}]");
            let name =
                self.required_name(&format!("{field}.name"), p.name.as_ref(), "name = \"$PM1\"");
            self.unique(&mut seen, &name, &format!("{field}.name"), "PATHMON");
            let processor = match p.processor {
                None => {
                    self.err(
                        format!("{field}.processor"),
                        "missing `processor`; write the processor of the primary, e.g. processor = 0",
                    );
                    0
                }
                Some(n) => {
                    self.processor(&format!("{field}.processor"), n);
                    n
                }
            };
            if let Some(b) = p.backup {
                self.processor(&format!("{field}.backup"), b);
                if p.processor == Some(b) {
                    self.err(
                        format!("{field}.backup"),
                        format!("the backup must run in another processor than the primary (a process pair survives the loss of one processor); both are {b}"),
                    );
                }
            }
            pathmons.push(Pathmon {
                name,
                processor,
                backup: p.backup,
                grant_cpu: self.duration(
                    &format!("{field}.grant_cpu"),
                    p.grant_cpu.as_ref(),
                    GRANT_CPU_DEFAULT,
                ),
                process_creation: self.duration(
                    &format!("{field}.process_creation"),
                    p.process_creation.as_ref(),
                    PROCESS_CREATION_DEFAULT,
                ),
                priority: self.priority(
                    &format!("{field}.priority"),
                    p.priority,
                    PATHMON_PRIORITY_DEFAULT,
                ),
            });
        }
        pathmons
    }

    /// "`$PM1`, `$PM2`" for messages, saying when the only one is the implicit `$PM`.
    fn pathmon_list(&self, pathmons: &[Pathmon]) -> String {
        let list = list_names(pathmons.iter().map(|p| &p.name));
        if self.implicit_pathmon {
            format!("{list} (implicit: the file has no [[pathmon]])")
        } else {
            list
        }
    }

    /// ACS Pathway domains, aligned with the file's `[[domain]]` array. Members whose PATHMON
    /// does not resolve are left out (and reported).
    fn domains(&mut self, raw: &[RawDomain], pathmons: &[Pathmon]) -> Vec<Domain> {
        let mut seen = HashMap::new();
        let mut domains = Vec::new();
        for (i, d) in raw.iter().enumerate() {
            let field = format!("domain[{i}]");
            let name =
                self.required_name(&format!("{field}.name"), d.name.as_ref(), "name = \"%DOM\"");
            if !name.is_empty() && !name.starts_with('%') {
                self.err(
                    format!("{field}.name"),
                    format!("a Pathway domain name starts with `%`, as in ACSCTL; write e.g. name = \"%{name}\""),
                );
            }
            self.unique(&mut seen, &name, &format!("{field}.name"), "domain");
            let label = if name.is_empty() {
                field.clone()
            } else {
                name.clone()
            };
            let at = format!("{field}.pathmons");
            let Some(entries) = &d.pathmons else {
                self.err(
                    &at,
                    format!("missing `pathmons`; list 1 to {MAX_DOMAIN_PATHMONS} PATHMONs with their weights in ACSCTL syntax, e.g. pathmons = [\"$PM1:50\", \"$PM2:50\"]"),
                );
                domains.push(Domain {
                    name,
                    members: Vec::new(),
                });
                continue;
            };
            if entries.is_empty() {
                self.err(
                    &at,
                    format!("a Pathway domain needs 1 to {MAX_DOMAIN_PATHMONS} PATHMONs, {label} has none; write e.g. pathmons = [\"$PM1:50\", \"$PM2:50\"]"),
                );
            } else if entries.len() > MAX_DOMAIN_PATHMONS {
                self.err(
                    &at,
                    format!(
                        "a Pathway domain has at most {MAX_DOMAIN_PATHMONS} PATHMONs, {label} has {}",
                        entries.len()
                    ),
                );
            }
            // (PATHMON index when it resolves, weight when written); weights are checked as a
            // whole only when every written one is a valid percentage.
            let mut parsed: Vec<(Option<usize>, Option<u32>)> = Vec::new();
            let mut weights_valid = true;
            for (j, entry) in entries.iter().enumerate() {
                let at_entry = format!("{at}[{j}]");
                let (member, weight_text) = match entry.split_once(':') {
                    Some((m, w)) => (m.trim(), Some(w.trim())),
                    None => (entry.trim(), None),
                };
                let weight = match weight_text.map(|t| (t, t.parse::<u32>())) {
                    None => None,
                    Some((_, Ok(w))) if w <= 100 => Some(w),
                    Some((_, Ok(w))) => {
                        weights_valid = false;
                        self.err(
                            &at_entry,
                            format!("weight {w} of `{member}` in {label} is over 100; a weight is the percentage of link requests the PATHMON takes, 0..=100"),
                        );
                        None
                    }
                    Some((text, Err(_))) => {
                        weights_valid = false;
                        self.err(
                            &at_entry,
                            format!("weight `{text}` of `{member}` in {label} is not an integer; write e.g. \"{member}:50\" (0..=100), or \"{member}\" to share what the other weights leave of 100"),
                        );
                        None
                    }
                };
                let index = pathmons.iter().position(|p| p.name == member);
                match index {
                    None => {
                        let defined = self.pathmon_list(pathmons);
                        self.err(
                            &at_entry,
                            format!("no PATHMON named `{member}` for domain {label}; defined in [[pathmon]]: {defined}"),
                        );
                    }
                    Some(k) if parsed.iter().any(|(p, _)| *p == Some(k)) => self.err(
                        &at_entry,
                        format!("`{member}` is listed twice in {label}; a PATHMON is a member of a domain once"),
                    ),
                    Some(_) => {}
                }
                parsed.push((index, weight));
            }
            let explicit: u32 = parsed.iter().filter_map(|(_, w)| *w).sum();
            let unweighted = parsed.iter().filter(|(_, w)| w.is_none()).count();
            if weights_valid && !parsed.is_empty() {
                if unweighted == 0 && explicit != 100 {
                    self.err(
                        &at,
                        format!("weights of {label} total {explicit}; they must total 100"),
                    );
                } else if explicit > 100 {
                    self.err(
                        &at,
                        format!("weights of {label} total {explicit}; they must total 100 (the PATHMONs written without a weight share what the others leave of 100)"),
                    );
                }
            }
            // ACSCTL: members without a weight share the rest equally (`$PM:50, $PM1, $PM2` is
            // 50/25/25).
            let rest = if unweighted == 0 {
                0.0
            } else {
                f64::from(100u32.saturating_sub(explicit)) / unweighted as f64
            };
            let members = parsed
                .iter()
                .filter_map(|&(index, weight)| {
                    Some(DomainMember {
                        pathmon: index?,
                        weight: weight.map_or(rest, f64::from),
                        explicit: weight.is_some(),
                    })
                })
                .collect();
            domains.push(Domain { name, members });
        }
        domains
    }

    /// Server classes, aligned with the file's `[[server_class]]` array, with each one's
    /// PATHMON index when it resolved (`ServerClass::pathmon` is then 0 as a placeholder).
    fn server_classes(
        &mut self,
        raw: &[RawServerClass],
        pathmons: &[Pathmon],
        with_workload: bool,
    ) -> (Vec<ServerClass>, Vec<Option<usize>>) {
        if raw.is_empty() && with_workload {
            self.err(
                "server_class",
                "no server classes; add at least one [[server_class]] with name, cpus and service",
            );
        }
        // (PATHMON, name) -> first class; name -> first class (for the same-work rule).
        let mut seen: HashMap<(usize, String), usize> = HashMap::new();
        let mut first: HashMap<String, usize> = HashMap::new();
        let mut classes: Vec<ServerClass> = Vec::new();
        let mut resolved: Vec<Option<usize>> = Vec::new();
        let mut work_valid = Vec::new();
        for (k, class) in raw.iter().enumerate() {
            let field = format!("server_class[{k}]");
            let pathmon = self.class_pathmon(&field, class.pathmon.as_ref(), pathmons);
            let owner = match pathmon {
                Some(p) => pathmons[p].name.clone(),
                None => class.pathmon.clone().unwrap_or_else(|| "?".to_string()),
            };
            let (typed, valid) =
                self.server_class(&field, class, pathmon.unwrap_or(0), &owner, &[], true);
            let name = typed.name.clone();
            if let (Some(p), false) = (pathmon, name.is_empty()) {
                if let Some(&j) = seen.get(&(p, name.clone())) {
                    self.err(
                        format!("{field}.name"),
                        format!("duplicate server class `{name}` in PATHMON `{owner}` (also server_class[{j}]); names must be unique within a PATHMON"),
                    );
                } else {
                    seen.insert((p, name.clone()), k);
                }
            }
            match first.get(&name) {
                None if !name.is_empty() => {
                    first.insert(name.clone(), k);
                }
                Some(&j)
                    if valid
                        && work_valid[j]
                        && pathmon.is_some()
                        && resolved[j].is_some()
                        && resolved[j] != pathmon =>
                {
                    let there = format!("`{name}` in `{}`", pathmons[classes[j].pathmon].name);
                    if typed.service != classes[j].service {
                        self.err(
                            format!("{field}.service"),
                            format!("the work of a request must not depend on which PATHMON serves it: service differs from server_class[{j}] ({there}); give every definition of `{name}` the same service"),
                        );
                    }
                    if typed.io != classes[j].io {
                        self.err(
                            format!("{field}.io"),
                            format!("the work of a request must not depend on which PATHMON serves it: io differs from server_class[{j}] ({there}); give every definition of `{name}` the same io"),
                        );
                    }
                }
                _ => {}
            }
            classes.push(typed);
            resolved.push(pathmon);
            work_valid.push(valid);
        }
        (classes, resolved)
    }

    /// The PATHMON a `[[server_class]]` belongs to: its `pathmon`, or the only PATHMON.
    fn class_pathmon(
        &mut self,
        field: &str,
        name: Option<&String>,
        pathmons: &[Pathmon],
    ) -> Option<usize> {
        match name {
            Some(name) => {
                let index = pathmons.iter().position(|p| &p.name == name);
                if index.is_none() {
                    let defined = self.pathmon_list(pathmons);
                    self.err(
                        format!("{field}.pathmon"),
                        format!("no PATHMON named `{name}`; defined in [[pathmon]]: {defined}"),
                    );
                }
                index
            }
            None if pathmons.len() == 1 => Some(0),
            None => {
                let defined = self.pathmon_list(pathmons);
                self.err(
                    format!("{field}.pathmon"),
                    format!(
                        "missing `pathmon`; there are {} PATHMONs, so name the one that owns this class: {defined}",
                        pathmons.len()
                    ),
                );
                None
            }
        }
    }

    /// One server class's attributes (shared by `[[server_class]]` and
    /// `[[pathway_xm.server_class]]`); `owner` names its PATHMON in messages. A missing `cpus`
    /// becomes `default_cpus`; `require_cpus` is false when that default is unknown (a
    /// Pathway/XM server node that did not resolve). Returns the class and whether its work
    /// (`service`, `io`) is valid.
    fn server_class(
        &mut self,
        field: &str,
        class: &RawServerClass,
        pathmon: usize,
        owner: &str,
        default_cpus: &[u32],
        require_cpus: bool,
    ) -> (ServerClass, bool) {
        let name = self.required_name(
            &format!("{field}.name"),
            class.name.as_ref(),
            "name = \"A\"",
        );
        let label = if name.is_empty() {
            field
        } else {
            name.as_str()
        };
        let maxservers = class.maxservers.unwrap_or(1);
        let maxservers_valid = maxservers <= MAX_SERVERS;
        if !maxservers_valid {
            self.err(
                format!("{field}.maxservers"),
                format!(
                    "maxservers (MAXSERVERS) must be between 0 and {MAX_SERVERS}, got {maxservers}"
                ),
            );
        }
        let numstatic = class.numstatic.unwrap_or(0);
        if maxservers_valid && numstatic > maxservers {
            self.err(
                format!("{field}.numstatic"),
                format!("NUMSTATIC {numstatic} > MAXSERVERS {maxservers} in server class {label} of {owner}; NUMSTATIC counts the static servers among the MAXSERVERS"),
            );
        }
        let maxlinks = class.maxlinks;
        let maxlinks_valid = maxlinks.is_none_or(|m| (1..=MAX_SERVERS).contains(&m));
        if let (Some(m), false) = (maxlinks, maxlinks_valid) {
            self.err(
                format!("{field}.maxlinks"),
                format!("maxlinks (MAXLINKS) must be between 1 and {MAX_SERVERS}, got {m}; leave it out for no limit"),
            );
        }
        let linkdepth = class.linkdepth.unwrap_or(1);
        if !(1..=MAX_LINKDEPTH).contains(&linkdepth) {
            self.err(
                format!("{field}.linkdepth"),
                format!(
                    "linkdepth (LINKDEPTH) must be between 1 and {MAX_LINKDEPTH}, got {linkdepth}"
                ),
            );
        } else if let (Some(m), true) = (maxlinks, maxlinks_valid)
            && linkdepth > m
        {
            self.err(
                format!("{field}.linkdepth"),
                format!("LINKDEPTH {linkdepth} > MAXLINKS {m} in server class {label} of {owner}; a link manager cannot hold more links to a server than the server accepts from all of them"),
            );
        }
        let createdelay = self.attribute_delay(field, "createdelay", class.createdelay.as_ref());
        let deletedelay = self.attribute_delay(field, "deletedelay", class.deletedelay.as_ref());
        let timeout = class.timeout.as_ref().and_then(|text| {
            let at = format!("{field}.timeout");
            let timeout = self.parse(&at, text, parse_duration)?;
            if timeout.is_zero() {
                self.err(
                    at,
                    "timeout must be greater than zero; leave it out for no timeout",
                );
            } else {
                self.at_most_attribute_limit(&at, "timeout", timeout);
            }
            Some(timeout)
        });
        let cpus = class.cpus.clone().unwrap_or_else(|| default_cpus.to_vec());
        for (j, &p) in class.cpus.iter().flatten().enumerate() {
            self.processor(&format!("{field}.cpus[{j}]"), p);
        }
        if maxservers_valid && maxservers >= 1 && cpus.is_empty() && require_cpus {
            self.err(
                format!("{field}.cpus"),
                format!("server class {label} of {owner} has MAXSERVERS {maxservers} but no CPUS to run its servers on; list processors, e.g. cpus = [0, 1], or set maxservers = 0 when only parallel listeners (which do the work in-process) use the class"),
            );
        }
        let autorestart = class.autorestart.unwrap_or(0);
        if autorestart > MAX_AUTORESTART {
            self.err(
                format!("{field}.autorestart"),
                format!("autorestart (AUTORESTART) must be between 0 and {MAX_AUTORESTART}, got {autorestart}"),
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
            .map(|d| self.dist(&format!("{field}.io"), d));
        let work_valid = service.is_some() && io.as_ref().is_none_or(Option::is_some);
        let class = ServerClass {
            name,
            pathmon,
            maxservers,
            numstatic,
            maxlinks,
            linkdepth,
            createdelay,
            deletedelay,
            timeout,
            cpus,
            autorestart,
            service: service.unwrap_or(PLACEHOLDER_DIST),
            io: io.flatten(),
            priority: self.priority(&format!("{field}.priority"), class.priority, 150),
        };
        (class, work_valid)
    }

    /// CREATEDELAY or DELETEDELAY: a duration with TS/MP's default and limit.
    fn attribute_delay(&mut self, field: &str, key: &str, text: Option<&String>) -> SimDuration {
        let default = if key == "createdelay" {
            "1min"
        } else {
            "10min"
        };
        let at = format!("{field}.{key}");
        let delay = self.duration(&at, text, default);
        self.at_most_attribute_limit(&at, key, delay);
        delay
    }

    /// TS/MP time attributes (CREATEDELAY, DELETEDELAY, TIMEOUT) are at most 16383 s.
    fn at_most_attribute_limit(&mut self, at: &str, key: &str, value: SimDuration) {
        if value > ATTRIBUTE_TIME_MAX {
            self.err(
                at,
                format!(
                    "{key} ({}) must be at most {}s, TS/MP's limit; got {value}",
                    key.to_uppercase(),
                    ATTRIBUTE_TIME_MAX.0 / 1_000_000_000
                ),
            );
        }
    }

    /// The workload and, when it resolved, where its Pathsend requests go.
    fn workload(
        &mut self,
        w: &RawWorkload,
        listeners: &[RawListener],
        pathway: &PathwayNames,
    ) -> (Workload, Option<SendTarget>) {
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
        let placeholder = Arrivals::Open {
            interarrival: PLACEHOLDER_DIST,
        };
        let arrivals = self.arrivals(w).unwrap_or(placeholder);
        let requests_per_connection = w.requests_per_connection.unwrap_or(1);
        if requests_per_connection == 0 {
            self.err(
                "workload.requests_per_connection",
                "requests_per_connection must be at least 1",
            );
        }
        let send_to = self.send_to(w.send_to.as_ref(), pathway);
        let mix = self.workload_mix(w.mix.as_ref(), pathway, send_to);
        let workload = Workload {
            listener,
            arrivals,
            requests_per_connection,
            request_bytes: w.request_bytes.unwrap_or(1024),
            reply_bytes: w.reply_bytes.unwrap_or(4096),
            send_to: send_to.unwrap_or(SendTarget::Pathmon(0)),
            mix,
        };
        (workload, send_to)
    }

    /// Resolves `workload.send_to`: a domain name, else a PATHMON name; by default the only
    /// domain, else the only PATHMON.
    fn send_to(&mut self, name: Option<&String>, pathway: &PathwayNames) -> Option<SendTarget> {
        let (pathmons, domains) = (pathway.pathmons, pathway.domains);
        let defined = || {
            format!(
                "domains: {}; PATHMONs: {}",
                list_names(domains.iter().map(|d| &d.name)),
                list_names(pathmons.iter().map(|p| &p.name))
            )
        };
        match name {
            Some(name) => {
                if let Some(d) = domains.iter().position(|d| &d.name == name) {
                    Some(SendTarget::Domain(d))
                } else if let Some(p) = pathmons.iter().position(|p| &p.name == name) {
                    Some(SendTarget::Pathmon(p))
                } else {
                    self.err(
                        "workload.send_to",
                        format!("no Pathway domain or PATHMON named `{name}`; {}", defined()),
                    );
                    None
                }
            }
            None if domains.len() == 1 => Some(SendTarget::Domain(0)),
            None if domains.is_empty() && pathmons.len() == 1 => Some(SendTarget::Pathmon(0)),
            None => {
                let example = domains
                    .first()
                    .map_or_else(|| pathmons[0].name.clone(), |d| d.name.clone());
                self.err(
                    "workload.send_to",
                    format!(
                        "missing `send_to`; with {} domains and {} PATHMONs there is no default, so name where Pathsend requests go ({}), e.g. send_to = \"{example}\"",
                        domains.len(),
                        pathmons.len(),
                        defined()
                    ),
                );
                None
            }
        }
    }

    /// The workload's mix: each name must be a class reachable from `send_to` (when it
    /// resolved); the index is that of the first `[[server_class]]` with the name.
    fn workload_mix(
        &mut self,
        mix: Option<&BTreeMap<String, f64>>,
        pathway: &PathwayNames,
        send_to: Option<SendTarget>,
    ) -> Vec<(usize, f64)> {
        let reachable = send_to.map(|t| pathway.reachable(t));
        self.mix("workload.mix", mix, |c, name, at| {
            let defs: Vec<usize> = (0..pathway.classes.len())
                .filter(|&k| pathway.classes[k].name == name)
                .collect();
            let Some(&first) = defs.first() else {
                let mut unique = Vec::new();
                for n in pathway.classes.iter().map(|s| &s.name) {
                    if !unique.contains(&n) {
                        unique.push(n);
                    }
                }
                c.err_key(
                    at,
                    format!(
                        "no server class named `{name}`; defined: {}",
                        list_names(unique)
                    ),
                );
                return None;
            };
            if let (Some(reachable), Some(target)) = (&reachable, send_to)
                && !defs.iter().any(|&k| {
                    pathway.class_pathmons[k].is_some_and(|p| reachable.contains(&p))
                })
            {
                let owners = list_names(
                    defs.iter()
                        .filter_map(|&k| pathway.class_pathmons[k])
                        .map(|p| &pathway.pathmons[p].name),
                );
                c.err_key(
                    at,
                    format!(
                        "server class `{name}` is not in {}, where workload.send_to sends requests; it is defined in {owners}",
                        pathway.describe(target)
                    ),
                );
            }
            Some(first)
        })
    }

    /// A mix table as (index, probability), sorted by name (the map's order); `resolve` turns
    /// a name into an index, reporting its own problem (against the key field it is given).
    fn mix(
        &mut self,
        field: &str,
        mix: Option<&BTreeMap<String, f64>>,
        mut resolve: impl FnMut(&mut Self, &str, &str) -> Option<usize>,
    ) -> Vec<(usize, f64)> {
        let Some(mix) = mix else {
            self.err(
                field,
                "missing `mix`; give each server class a relative weight, e.g. mix = { A = 1 }",
            );
            return Vec::new();
        };
        if mix.is_empty() {
            self.err(
                field,
                "mix must name at least one server class, e.g. mix = { A = 1 }",
            );
        }
        let mut weighted = Vec::new();
        for (name, &weight) in mix {
            let at = format!("{field}.{name}");
            if !(weight.is_finite() && weight > 0.0) {
                self.err(&at, format!("weight must be greater than zero, got {weight}; leave the class out of the mix instead"));
            }
            if let Some(index) = resolve(self, name, &at) {
                weighted.push((index, weight));
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

    /// Open or closed arrivals; `None` after a problem.
    fn arrivals(&mut self, w: &RawWorkload) -> Option<Arrivals> {
        let open_only = [
            ("rate", w.rate.is_some()),
            ("interarrival", w.interarrival.is_some()),
        ];
        let closed_only = [
            ("clients", w.clients.is_some()),
            ("think", w.think.is_some()),
            ("start", w.start.is_some()),
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
                let start = match w.start.as_deref() {
                    None | Some("stationary") => Some(ClientStart::Stationary),
                    Some("after-think") => Some(ClientStart::AfterThink),
                    Some(other) => {
                        self.err(
                            "workload.start",
                            format!(
                                "unknown start `{other}`; allowed: \"stationary\", \"after-think\""
                            ),
                        );
                        None
                    }
                };
                Some(Arrivals::Closed {
                    clients: clients?,
                    think: think?,
                    start: start?,
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
    /// a definition reachable from `send_to` with servers (MAXSERVERS >= 1).
    /// A parallel listener serving through a local server class needs, for every class in
    /// the mix and every processor it runs on, a reachable definition with MAXSERVERS >= 1
    /// whose CPUS include that processor.
    fn local_servers_reachable(
        &mut self,
        listener: &Listener,
        workload: &Workload,
        target: SendTarget,
        pathway: &PathwayNames,
    ) {
        let reachable = pathway.reachable(target);
        for &(k, _) in &workload.mix {
            let name = &pathway.classes[k].name;
            for &cpu in &listener.processors {
                let ok = (0..pathway.classes.len()).any(|j| {
                    let c = &pathway.classes[j];
                    &c.name == name
                        && c.maxservers >= 1
                        && c.cpus.contains(&cpu)
                        && pathway.class_pathmons[j].is_some_and(|p| reachable.contains(&p))
                });
                if !ok {
                    self.err(
                        format!("server_class[{k}].cpus"),
                        format!(
                            "listener `{}` serves through a local server class, but server class `{name}` has no server allowed in processor {cpu}; add {cpu} to its cpus (with maxservers >= 1)",
                            listener.name
                        ),
                    );
                }
            }
        }
    }

    fn distributor_needs_servers(
        &mut self,
        raw: &RawScenario,
        w: &RawWorkload,
        listeners: &[Listener],
        workload: &Workload,
        send_to: Option<SendTarget>,
        pathway: &PathwayNames,
    ) {
        let (Some(listener), Some(target)) = (listeners.get(workload.listener), send_to) else {
            return;
        };
        let raw_listener = &raw.listener[workload.listener];
        // Only when the workload's listener resolved (otherwise index 0 is a placeholder).
        let resolved = match &w.listener {
            Some(name) => raw_listener.name.as_ref() == Some(name),
            None => raw.listener.len() == 1,
        };
        if !resolved {
            return;
        }
        if listener.serve == Serve::LocalServerClass {
            self.local_servers_reachable(listener, workload, target, pathway);
            return;
        }
        if raw_listener.model.as_deref() != Some("distributor") {
            return;
        }
        let reachable = pathway.reachable(target);
        for &(k, _) in &workload.mix {
            let name = &pathway.classes[k].name;
            let defs: Vec<usize> = (0..pathway.classes.len())
                .filter(|&j| {
                    &pathway.classes[j].name == name
                        && pathway.class_pathmons[j].is_some_and(|p| reachable.contains(&p))
                })
                .collect();
            let Some(&first) = defs.first() else {
                continue; // not reachable: already reported on the mix
            };
            if defs.iter().any(|&j| pathway.classes[j].maxservers >= 1) {
                continue;
            }
            let owners = list_names(
                defs.iter()
                    .map(|&j| &pathway.pathmons[pathway.classes[j].pathmon].name),
            );
            let place = match target {
                SendTarget::Pathmon(_) => format!("in {owners}"),
                SendTarget::Domain(d) => format!(
                    "in every PATHMON of domain {} that defines it ({owners})",
                    pathway.domains[d].name
                ),
            };
            let also = if pathway.classes[first].cpus.is_empty() {
                " and list its cpus"
            } else {
                ""
            };
            self.err(
                format!("server_class[{first}].maxservers"),
                format!(
                    "server class `{name}` has MAXSERVERS 0 {place}, but the workload's listener `{}` is a distributor, which sends every request to a server process through Pathsend; set maxservers >= 1{also}",
                    listener.name
                ),
            );
        }
    }

    /// `[pathway_xm]`: nodes, the PATHMON template, TCP templates, terminals (expanded) and
    /// the replicated server classes.
    fn pathway_xm(&mut self, x: &RawPathwayXm) -> PathwayXm {
        let nodes = self.xm_nodes(&x.node);
        let node_names: Vec<&str> = nodes.iter().map(|n| n.name.as_str()).collect();
        let server_node = self.xm_node_ref(
            "pathway_xm.server_node",
            x.server_node.as_ref(),
            &node_names,
            "the node whose processors run the server processes",
        );
        let pathmon = match &x.pathmon {
            None => {
                self.err(
                    "pathway_xm.pathmon",
                    "missing table [pathway_xm.pathmon]; add it with the node that places the PATHMONs, e.g. node = \"CLI\"",
                );
                XmPathmon {
                    node: 0,
                    maxtcps: 4,
                    grant_cpu: SimDuration::ZERO,
                    process_creation: SimDuration::ZERO,
                    priority: PATHMON_PRIORITY_DEFAULT,
                }
            }
            Some(p) => {
                let node = self.xm_node_ref(
                    "pathway_xm.pathmon.node",
                    p.node.as_ref(),
                    &node_names,
                    "the node whose CPU distribution places the PATHMONs",
                );
                let maxtcps = p.maxtcps.unwrap_or(4);
                if maxtcps == 0 {
                    self.err("pathway_xm.pathmon.maxtcps", "maxtcps must be at least 1");
                }
                XmPathmon {
                    node: node.unwrap_or(0),
                    maxtcps,
                    grant_cpu: self.duration(
                        "pathway_xm.pathmon.grant_cpu",
                        p.grant_cpu.as_ref(),
                        GRANT_CPU_DEFAULT,
                    ),
                    process_creation: self.duration(
                        "pathway_xm.pathmon.process_creation",
                        p.process_creation.as_ref(),
                        PROCESS_CREATION_DEFAULT,
                    ),
                    priority: self.priority(
                        "pathway_xm.pathmon.priority",
                        p.priority,
                        PATHMON_PRIORITY_DEFAULT,
                    ),
                }
            }
        };
        let tcp_templates = self.tcp_templates(&x.tcp_template, &node_names);
        let template_names: Vec<&str> = tcp_templates.iter().map(|t| t.name.as_str()).collect();
        let terms = self.terms(&x.term, &template_names);
        // Replicated classes run on the server node's processors that carry load.
        let server_cpus: Option<Vec<u32>> = server_node.map(|n| {
            nodes[n]
                .cpus
                .iter()
                .filter(|&&(_, weight)| weight > 0)
                .map(|&(cpu, _)| cpu)
                .collect()
        });
        if x.server_class.is_empty() {
            self.err(
                "pathway_xm.server_class",
                "no server classes; add at least one [[pathway_xm.server_class]] with name and service",
            );
        }
        let mut seen = HashMap::new();
        let mut server_classes = Vec::new();
        for (k, class) in x.server_class.iter().enumerate() {
            let field = format!("pathway_xm.server_class[{k}]");
            if class.pathmon.is_some() {
                self.err(
                    format!("{field}.pathmon"),
                    "Pathway/XM generates its PATHMONs and replicates every server class into each; remove `pathmon`",
                );
            }
            let require_cpus = class.cpus.is_some() || server_cpus.is_some();
            let (typed, _) = self.server_class(
                &field,
                class,
                0,
                "the Pathway/XM PATHMONs",
                server_cpus.as_deref().unwrap_or_default(),
                require_cpus,
            );
            self.unique(
                &mut seen,
                &typed.name,
                &format!("{field}.name"),
                "Pathway/XM server class",
            );
            server_classes.push(typed);
        }
        let class_names: Vec<&str> = server_classes.iter().map(|c| c.name.as_str()).collect();
        let mix = self.mix("pathway_xm.mix", x.mix.as_ref(), |c, name, at| {
            let index = class_names.iter().position(|n| *n == name);
            if index.is_none() {
                c.err_key(
                    at,
                    format!(
                        "no [[pathway_xm.server_class]] named `{name}`; defined: {}",
                        list_names(&class_names)
                    ),
                );
            }
            index
        });
        for &(k, _) in &mix {
            let class = &server_classes[k];
            if class.maxservers == 0 {
                self.err(
                    format!("pathway_xm.server_class[{k}].maxservers"),
                    format!("server class `{}` is in pathway_xm.mix but has MAXSERVERS 0; terminals send every request to a server process, so set maxservers >= 1", class.name),
                );
            }
        }
        PathwayXm {
            nodes,
            pathmon,
            tcp_templates,
            terms,
            server_classes,
            server_node: server_node.unwrap_or(0),
            mix,
        }
    }

    /// Resolves a node reference; `what` says what the node is for in the message.
    fn xm_node_ref(
        &mut self,
        field: &str,
        name: Option<&String>,
        nodes: &[&str],
        what: &str,
    ) -> Option<usize> {
        let Some(name) = name else {
            let example = nodes.first().copied().unwrap_or("CLI");
            self.err(
                field,
                format!(
                    "missing `{}`; name {what}, e.g. \"{example}\"",
                    field.rsplit('.').next().unwrap_or(field)
                ),
            );
            return None;
        };
        let index = nodes.iter().position(|n| n == name);
        if index.is_none() {
            self.err(
                field,
                format!(
                    "no [[pathway_xm.node]] named `{name}`; defined: {}",
                    list_names(nodes)
                ),
            );
        }
        index
    }

    /// `[[pathway_xm.node]]`: names and CPU distributions (`"cpu:weight"` or `"cpu"`).
    fn xm_nodes(&mut self, raw: &[RawXmNode]) -> Vec<XmNode> {
        if raw.is_empty() {
            self.err(
                "pathway_xm.node",
                "no nodes; add at least one [[pathway_xm.node]] with a name and cpus, e.g. cpus = [\"0:50\", \"1:50\"]",
            );
        }
        let mut seen = HashMap::new();
        let mut nodes = Vec::new();
        for (i, n) in raw.iter().enumerate() {
            let field = format!("pathway_xm.node[{i}]");
            let name =
                self.required_name(&format!("{field}.name"), n.name.as_ref(), "name = \"CLI\"");
            self.unique(&mut seen, &name, &format!("{field}.name"), "node");
            let label = if name.is_empty() {
                field.clone()
            } else {
                name.clone()
            };
            let mut cpus: Vec<(u32, u32)> = Vec::new();
            match &n.cpus {
                None => self.err(
                    format!("{field}.cpus"),
                    "missing `cpus`; list the node's processors with their weights, e.g. cpus = [\"1:50\", \"2:25\", \"3:25\"]",
                ),
                Some(list) if list.is_empty() => self.err(
                    format!("{field}.cpus"),
                    "cpus must list at least one processor, e.g. cpus = [\"1:50\", \"2:50\"]",
                ),
                Some(list) => {
                    let before = self.findings.len();
                    for (j, NameOrNumber(entry)) in list.iter().enumerate() {
                        let at = format!("{field}.cpus[{j}]");
                        let (cpu_text, weight_text) = match entry.split_once(':') {
                            Some((c, w)) => (c.trim(), Some(w.trim())),
                            None => (entry.trim(), None),
                        };
                        let Ok(cpu) = cpu_text.parse::<u32>() else {
                            self.err(
                                at,
                                format!("`{entry}` is not a processor; write \"processor:weight\" (e.g. \"1:50\") or a processor number"),
                            );
                            continue;
                        };
                        let weight = match weight_text.map(str::parse::<u32>) {
                            None => 1,
                            Some(Ok(w)) => w,
                            Some(Err(_)) => {
                                self.err(
                                    at,
                                    format!("the weight in `{entry}` is not a whole number; write e.g. \"{cpu}:50\""),
                                );
                                continue;
                            }
                        };
                        self.processor(&at, cpu);
                        if cpus.iter().any(|&(c, _)| c == cpu) {
                            self.err(
                                at,
                                format!("processor {cpu} is listed twice in node {label}"),
                            );
                            continue;
                        }
                        cpus.push((cpu, weight));
                    }
                    if self.findings.len() == before && cpus.iter().all(|&(_, w)| w == 0) {
                        self.err(
                            format!("{field}.cpus"),
                            format!("every processor of node {label} has weight 0 (used only after a failure); give at least one a weight > 0"),
                        );
                    }
                }
            }
            nodes.push(XmNode { name, cpus });
        }
        nodes
    }

    /// `[[pathway_xm.tcp_template]]`.
    fn tcp_templates(&mut self, raw: &[RawTcpTemplate], nodes: &[&str]) -> Vec<TcpTemplate> {
        if raw.is_empty() {
            self.err(
                "pathway_xm.tcp_template",
                "no TCP templates; add at least one [[pathway_xm.tcp_template]] with a name and a node",
            );
        }
        let mut seen = HashMap::new();
        let mut templates = Vec::new();
        for (i, t) in raw.iter().enumerate() {
            let field = format!("pathway_xm.tcp_template[{i}]");
            let name = self.required_name(
                &format!("{field}.name"),
                t.name.as_ref(),
                "name = \"TCP-STD\"",
            );
            self.unique(&mut seen, &name, &format!("{field}.name"), "TCP template");
            let node = self.xm_node_ref(
                &format!("{field}.node"),
                t.node.as_ref(),
                nodes,
                "the node whose CPU distribution places the TCPs",
            );
            let maxterms = t.maxterms.unwrap_or(32);
            if maxterms == 0 {
                self.err(
                    format!("{field}.maxterms"),
                    "maxterms (MAXTERMS) must be at least 1",
                );
            }
            let maxserverprocesses = t.maxserverprocesses.unwrap_or(64);
            if maxserverprocesses == 0 {
                self.err(
                    format!("{field}.maxserverprocesses"),
                    "maxserverprocesses (MAXSERVERPROCESSES) must be at least 1",
                );
            }
            templates.push(TcpTemplate {
                name,
                node: node.unwrap_or(0),
                maxterms,
                maxserverprocesses,
                handle_cpu: self.duration(
                    &format!("{field}.handle_cpu"),
                    t.handle_cpu.as_ref(),
                    "300us",
                ),
                priority: self.priority(&format!("{field}.priority"), t.priority, 160),
            });
        }
        templates
    }

    /// `[[pathway_xm.term]]`, each group expanded into `count` terminals in file order.
    fn terms(&mut self, raw: &[RawTerm], templates: &[&str]) -> Vec<Term> {
        if raw.is_empty() {
            self.err(
                "pathway_xm.term",
                "no terminals; add at least one [[pathway_xm.term]] with a name, a template and a think time",
            );
        }
        // Expanded name -> the group that made it first.
        let mut seen: HashMap<String, usize> = HashMap::new();
        let mut total: u64 = 0;
        let mut terms = Vec::new();
        for (i, t) in raw.iter().enumerate() {
            let field = format!("pathway_xm.term[{i}]");
            let name = self.required_name(
                &format!("{field}.name"),
                t.name.as_ref(),
                "name = \"T-ORD\"",
            );
            let count = t.count.unwrap_or(1);
            if count == 0 {
                self.err(format!("{field}.count"), "count must be at least 1");
            }
            total += u64::from(count);
            let template = match &t.template {
                None => {
                    self.err(
                        format!("{field}.template"),
                        format!(
                            "missing `template`; name the [[pathway_xm.tcp_template]] of its TCPs: {}",
                            list_names(templates)
                        ),
                    );
                    None
                }
                Some(name) => {
                    let index = templates.iter().position(|n| n == name);
                    if index.is_none() {
                        self.err(
                            format!("{field}.template"),
                            format!(
                                "no [[pathway_xm.tcp_template]] named `{name}`; defined: {}",
                                list_names(templates)
                            ),
                        );
                    }
                    index
                }
            };
            let weight = t.weight.unwrap_or(1);
            if weight == 0 {
                self.err(
                    format!("{field}.weight"),
                    "weight (WEIGHT) must be at least 1; it is the terminal's relative workload",
                );
            }
            let think = match &t.think {
                None => {
                    self.err(
                        format!("{field}.think"),
                        "missing `think`; write e.g. think = { dist = \"exponential\", mean = \"5s\" }",
                    );
                    None
                }
                Some(d) => self.dist(&format!("{field}.think"), d),
            };
            if total > MAX_TERMS {
                // Reported at the group that crosses the limit; later groups only add to it.
                if total - u64::from(count) <= MAX_TERMS {
                    self.err(
                        format!("{field}.count"),
                        format!("at most {MAX_TERMS} terminals in all; this group brings the total to {total}"),
                    );
                }
                continue;
            }
            if name.is_empty() {
                continue;
            }
            for name in term_names(&name, count) {
                if let Some(&first) = seen.get(&name) {
                    let by = if first == i {
                        "this group".to_string()
                    } else {
                        format!("pathway_xm.term[{first}]")
                    };
                    self.err(
                        format!("{field}.name"),
                        format!("duplicate TERM name `{name}` (also made by {by}); TERM names must be unique"),
                    );
                    break;
                }
                seen.insert(name.clone(), i);
                terms.push(Term {
                    name,
                    template: template.unwrap_or(0),
                    weight,
                    think: think.clone().unwrap_or(PLACEHOLDER_DIST),
                });
            }
        }
        terms
    }
}

/// The TERM names of a group: `name` alone for one terminal, else `name-001`, `name-002`, ...
/// (three digits, more when `count` needs them).
fn term_names(name: &str, count: u32) -> Vec<String> {
    if count == 1 {
        return vec![name.to_string()];
    }
    let width = count.to_string().len().max(3);
    (1..=count).map(|i| format!("{name}-{i:0width$}")).collect()
}

/// The Pathway configuration that names resolve against: PATHMONs, domains, and the server
/// classes with the PATHMON each resolved to (`None` when its `pathmon` did not).
struct PathwayNames<'a> {
    pathmons: &'a [Pathmon],
    domains: &'a [Domain],
    classes: &'a [ServerClass],
    class_pathmons: &'a [Option<usize>],
}

impl PathwayNames<'_> {
    /// The PATHMONs a send to `target` can reach.
    fn reachable(&self, target: SendTarget) -> Vec<usize> {
        match target {
            SendTarget::Pathmon(p) => vec![p],
            SendTarget::Domain(d) => self.domains[d].members.iter().map(|m| m.pathmon).collect(),
        }
    }

    /// "PATHMON `$PM1`" or "any PATHMON of domain %DOM (`$PM1`, `$PM2`)".
    fn describe(&self, target: SendTarget) -> String {
        match target {
            SendTarget::Pathmon(p) => format!("PATHMON `{}`", self.pathmons[p].name),
            SendTarget::Domain(d) => format!(
                "any PATHMON of domain {} ({})",
                self.domains[d].name,
                list_names(
                    self.reachable(target)
                        .into_iter()
                        .map(|p| &self.pathmons[p].name)
                )
            ),
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
    ///
    /// Besides the file's rules it checks what the file form cannot carry: mixes summing to 1,
    /// a mix entry naming the first server class of its name, and a domain member without an
    /// explicit weight having its share of the rest.
    pub fn check(&self) -> Result<(), ScenarioError> {
        let (validated, findings) = validate(&self.to_raw());
        let mut problems: Vec<Problem> = Vec::new();
        let mut report = |field: String, message: String| {
            problems.push(Problem {
                origin: "scenario".to_string(),
                line: None,
                column: None,
                field,
                message,
            });
        };
        if self.pathmons.is_empty() {
            // The file form would get the implicit `$PM`; a model built from `self` would not.
            report(
                "pathmon".to_string(),
                format!(
                    "a scenario needs at least one PATHMON (a file without [[pathmon]] gets `{IMPLICIT_PATHMON}` in processor 0); add one to `pathmons`"
                ),
            );
        }
        for f in findings {
            report(f.field, f.message);
        }
        let mixes = [
            ("workload.mix", self.workload.as_ref().map(|w| &w.mix)),
            ("pathway_xm.mix", self.pathway_xm.as_ref().map(|x| &x.mix)),
        ];
        for (field, mix) in mixes {
            let Some(mix) = mix else { continue };
            let total: f64 = mix.iter().map(|(_, w)| w).sum();
            if !mix.is_empty() && (total - 1.0).abs() > 1e-9 {
                report(
                    field.to_string(),
                    format!("the mix probabilities must sum to 1, got {total}"),
                );
            }
        }
        if let Some(w) = &self.workload {
            for &(k, _) in &w.mix {
                let Some(class) = self.server_classes.get(k) else {
                    continue; // reported by validation as an unknown name
                };
                let first = self
                    .server_classes
                    .iter()
                    .position(|c| c.name == class.name)
                    .expect("the class itself has the name");
                if first != k {
                    report(
                        "workload.mix".to_string(),
                        format!(
                            "the mix refers to server_class[{k}] (`{}`); it must refer to the first server class of that name, server_class[{first}]",
                            class.name
                        ),
                    );
                }
            }
        }
        if let Some(v) = &validated {
            for (i, (mine, computed)) in self.domains.iter().zip(&v.domains).enumerate() {
                for (j, (m, c)) in mine.members.iter().zip(&computed.members).enumerate() {
                    if !m.explicit && (m.weight - c.weight).abs() > 1e-9 {
                        report(
                            format!("domain[{i}].pathmons[{j}]"),
                            format!(
                                "`{}` has no explicit weight, so its weight is its share of what the others leave of 100, {}, not {}",
                                v.pathmons[c.pathmon].name, c.weight, m.weight
                            ),
                        );
                    }
                }
            }
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(ScenarioError { problems })
        }
    }

    /// The scenario written back in the file's raw form (durations in `ns`, an open rate as its
    /// exponential inter-arrival distribution, every PATHMON written out, terminals one per
    /// group). Validating it gives back an equal scenario.
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
        let pathmon_name = |p: usize| {
            s.pathmons
                .get(p)
                .map_or_else(|| format!("#{p}"), |p| p.name.clone())
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
                    serve: (l.serve == Serve::LocalServerClass)
                        .then(|| "local-server-class".to_string()),
                    accept_cpu: ns(l.accept_cpu),
                    handle_cpu: ns(l.handle_cpu),
                    priority: Some(u32::from(l.priority)),
                })
                .collect(),
            pathmon: s
                .pathmons
                .iter()
                .map(|p| RawPathmon {
                    name: Some(p.name.clone()),
                    processor: Some(p.processor),
                    backup: p.backup,
                    grant_cpu: ns(p.grant_cpu),
                    process_creation: ns(p.process_creation),
                    priority: Some(u32::from(p.priority)),
                })
                .collect(),
            domain: s
                .domains
                .iter()
                .map(|d| RawDomain {
                    name: Some(d.name.clone()),
                    pathmons: Some(
                        d.members
                            .iter()
                            .map(|m| {
                                let name = pathmon_name(m.pathmon);
                                if m.explicit {
                                    format!("{name}:{}", m.weight)
                                } else {
                                    name
                                }
                            })
                            .collect(),
                    ),
                })
                .collect(),
            server_class: s
                .server_classes
                .iter()
                .map(|c| class_to_raw(c, Some(pathmon_name(c.pathmon))))
                .collect(),
            workload: s.workload.as_ref().map(|w| {
                let (interarrival, clients, think, start, kind) = match &w.arrivals {
                    Arrivals::Open { interarrival } => {
                        (Some(dist_to_raw(interarrival)), None, None, None, "open")
                    }
                    Arrivals::Closed {
                        clients,
                        think,
                        start,
                    } => (
                        None,
                        Some(*clients),
                        Some(dist_to_raw(think)),
                        Some(match start {
                            ClientStart::Stationary => "stationary".to_string(),
                            ClientStart::AfterThink => "after-think".to_string(),
                        }),
                        "closed",
                    ),
                };
                RawWorkload {
                    listener: Some(
                        s.listeners
                            .get(w.listener)
                            .map_or_else(|| format!("#{}", w.listener), |l| l.name.clone()),
                    ),
                    kind: Some(kind.to_string()),
                    rate: None,
                    interarrival,
                    clients,
                    think,
                    start,
                    requests_per_connection: Some(w.requests_per_connection),
                    request_bytes: Some(w.request_bytes),
                    reply_bytes: Some(w.reply_bytes),
                    send_to: Some(match w.send_to {
                        SendTarget::Pathmon(p) => pathmon_name(p),
                        SendTarget::Domain(d) => s
                            .domains
                            .get(d)
                            .map_or_else(|| format!("#{d}"), |d| d.name.clone()),
                    }),
                    mix: Some(
                        w.mix
                            .iter()
                            .map(|&(k, weight)| (name_at(&s.server_classes, k), weight))
                            .collect(),
                    ),
                }
            }),
            pathway_xm: s.pathway_xm.as_ref().map(xm_to_raw),
        }
    }
}

/// The name of `classes[k]`, or `#k` when there is none (validation then reports it).
fn name_at(classes: &[ServerClass], k: usize) -> String {
    classes
        .get(k)
        .map_or_else(|| format!("#{k}"), |c| c.name.clone())
}

/// A server class in the raw form; `pathmon` is `None` for Pathway/XM classes.
fn class_to_raw(c: &ServerClass, pathmon: Option<String>) -> RawServerClass {
    let ns = |d: SimDuration| Some(format!("{}ns", d.0));
    RawServerClass {
        name: Some(c.name.clone()),
        pathmon,
        maxservers: Some(c.maxservers),
        numstatic: Some(c.numstatic),
        maxlinks: c.maxlinks,
        linkdepth: Some(c.linkdepth),
        createdelay: ns(c.createdelay),
        deletedelay: ns(c.deletedelay),
        timeout: c.timeout.and_then(ns),
        cpus: Some(c.cpus.clone()),
        autorestart: Some(c.autorestart),
        service: Some(dist_to_raw(&c.service)),
        io: c.io.as_ref().map(dist_to_raw),
        priority: Some(u32::from(c.priority)),
    }
}

/// `[pathway_xm]` in the raw form: every terminal its own group of one.
fn xm_to_raw(x: &PathwayXm) -> RawPathwayXm {
    let ns = |d: SimDuration| Some(format!("{}ns", d.0));
    let node_name = |n: usize| {
        x.nodes
            .get(n)
            .map_or_else(|| format!("#{n}"), |n| n.name.clone())
    };
    RawPathwayXm {
        server_node: Some(node_name(x.server_node)),
        mix: Some(
            x.mix
                .iter()
                .map(|&(k, weight)| (name_at(&x.server_classes, k), weight))
                .collect(),
        ),
        node: x
            .nodes
            .iter()
            .map(|n| RawXmNode {
                name: Some(n.name.clone()),
                cpus: Some(
                    n.cpus
                        .iter()
                        .map(|&(cpu, weight)| NameOrNumber(format!("{cpu}:{weight}")))
                        .collect(),
                ),
            })
            .collect(),
        pathmon: Some(RawXmPathmon {
            node: Some(node_name(x.pathmon.node)),
            maxtcps: Some(x.pathmon.maxtcps),
            grant_cpu: ns(x.pathmon.grant_cpu),
            process_creation: ns(x.pathmon.process_creation),
            priority: Some(u32::from(x.pathmon.priority)),
        }),
        tcp_template: x
            .tcp_templates
            .iter()
            .map(|t| RawTcpTemplate {
                name: Some(t.name.clone()),
                node: Some(node_name(t.node)),
                maxterms: Some(t.maxterms),
                maxserverprocesses: Some(t.maxserverprocesses),
                handle_cpu: ns(t.handle_cpu),
                priority: Some(u32::from(t.priority)),
            })
            .collect(),
        term: x
            .terms
            .iter()
            .map(|t| RawTerm {
                name: Some(t.name.clone()),
                count: Some(1),
                template: Some(
                    x.tcp_templates
                        .get(t.template)
                        .map_or_else(|| format!("#{}", t.template), |t| t.name.clone()),
                ),
                weight: Some(t.weight),
                think: Some(dist_to_raw(&t.think)),
            })
            .collect(),
        server_class: x
            .server_classes
            .iter()
            .map(|c| class_to_raw(c, None))
            .collect(),
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
maxservers = 0
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
cpus = [0, 1, 2]
maxservers = 3
numstatic = 3
service = { dist = "lognormal", mean = "200us", cv = 1.5 }

[[server_class]]
name = "A"
cpus = [0, 1, 2]
maxservers = 6
numstatic = 6
maxlinks = 1
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
                serve: Serve::InProcess,
                accept_cpu: us(30),
                handle_cpu: us(20),
                priority: 180,
            }],
            // No [[pathmon]]: the implicit one.
            pathmons: vec![Pathmon {
                name: "$PM".into(),
                processor: 0,
                backup: None,
                grant_cpu: us(200),
                process_creation: SimDuration::from_millis(200),
                priority: 170,
            }],
            domains: vec![],
            server_classes: vec![ServerClass {
                name: "A".into(),
                pathmon: 0,
                maxservers: 0,
                numstatic: 0,
                maxlinks: None,
                linkdepth: 1,
                createdelay: SimDuration::from_secs(60),
                deletedelay: SimDuration::from_secs(600),
                timeout: None,
                cpus: vec![],
                autorestart: 0,
                service: Dist::Exponential { mean: us(100) },
                io: None,
                priority: 150,
            }],
            workload: Some(Workload {
                listener: 0,
                // 1000/s: mean inter-arrival 1 ms.
                arrivals: Arrivals::Open {
                    interarrival: Dist::Exponential { mean: us(1000) },
                },
                requests_per_connection: 1,
                request_bytes: 1024,
                reply_bytes: 4096,
                send_to: SendTarget::Pathmon(0),
                mix: vec![(0, 1.0)],
            }),
            pathway_xm: None,
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
        assert_eq!(s.workload.as_ref().unwrap().mix, vec![(1, 0.75), (0, 0.25)]);
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
        let text = edit(&text, "cpus = [0, 1, 2]", "cpus = [0, 7, 2]");
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
            "server_class[0].cpus[1]",
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
        let text = edit(
            DISTRIBUTOR,
            "maxservers = 3\nnumstatic = 3\n",
            "maxservers = 0\n",
        );
        let p = expect_problem(
            &text,
            "server_class[0].maxservers",
            "server class `G` has MAXSERVERS 0 in `$PM`, but the workload's listener `$DIST` is a distributor",
        );
        assert_eq!(p.line, Some(34));
        // A parallel listener does the work itself: no servers needed.
        parse_str(MINIMAL, "x.toml", &[]).unwrap();
    }

    #[test]
    fn servers_need_cpus() {
        let text = edit(MINIMAL, "maxservers = 0", "maxservers = 2");
        expect_problem(
            &text,
            "server_class[0].cpus",
            "server class A of $PM has MAXSERVERS 2 but no CPUS to run its servers on",
        );
        // MAXSERVERS defaults to 1.
        let text = edit(MINIMAL, "maxservers = 0\n", "");
        expect_problem(
            &text,
            "server_class[0].cpus",
            "has MAXSERVERS 1 but no CPUS",
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
        assert_eq!((p.line, p.column), (Some(25), Some(16)));
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
            s.workload.unwrap().arrivals,
            Arrivals::Closed {
                clients: 10,
                think: Dist::Erlang {
                    mean: SimDuration::from_secs(1),
                    k: 2
                },
                start: ClientStart::Stationary,
            }
        );
        let uniform = edit(
            MINIMAL,
            "rate = \"1000/s\"",
            "interarrival = { dist = \"uniform\", min = \"50us\", max = \"150us\" }",
        );
        let s = parse_str(&uniform, "x.toml", &[]).unwrap();
        assert_eq!(
            s.workload.unwrap().arrivals,
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
        // Without listeners [tcpip] may be left out; listeners and server classes are needed
        // only with a [workload].
        assert_eq!(fields, ["run", "system", "workload"]);
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
            s.workload.unwrap().arrivals,
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
        s.server_classes[0].maxservers = 0;
        s.server_classes[0].numstatic = 0;
        s.workload.as_mut().unwrap().mix[0].1 = 0.5;
        let err = s.check().unwrap_err();
        let fields: Vec<&str> = err.problems.iter().map(|p| p.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "listener[0].processors[0]",
                "server_class[0].maxservers",
                "workload.mix"
            ]
        );
        assert!(
            err.problems
                .iter()
                .all(|p| p.origin == "scenario" && p.line.is_none())
        );
    }

    /// The TS/MP Release Supplement's domain: %DOM = $PM1:50, $PM2:10, $PM3:40, with
    /// SERVER-CORRECT in each PATHMON (MAXSERVERS 10/2/8) and a class LOCAL only in $PM3.
    const DOMAIN: &str = r#"name = "acs"

[run]
duration = "10s"

[system]
processors = 6

[tcpip]
stack = "parallel"

[[listener]]
name = "$DIST"
model = "distributor"
processors = [4, 5]

[[pathmon]]
name = "$PM1"
processor = 0
backup = 1

[[pathmon]]
name = "$PM2"
processor = 1

[[pathmon]]
name = "$PM3"
processor = 2

[[domain]]
name = "%DOM"
pathmons = ["$PM1:50", "$PM2:10", "$PM3:40"]

[[server_class]]
name = "SERVER-CORRECT"
pathmon = "$PM1"
maxservers = 10
numstatic = 10
maxlinks = 1
cpus = [0, 1, 2]
service = { dist = "exponential", mean = "120us" }

[[server_class]]
name = "SERVER-CORRECT"
pathmon = "$PM2"
maxservers = 2
numstatic = 2
maxlinks = 1
cpus = [0, 1, 2]
service = { dist = "exponential", mean = "120us" }

[[server_class]]
name = "SERVER-CORRECT"
pathmon = "$PM3"
maxservers = 8
numstatic = 8
maxlinks = 1
cpus = [0, 1, 2]
service = { dist = "exponential", mean = "120us" }

[[server_class]]
name = "LOCAL"
pathmon = "$PM3"
cpus = [3]
service = { dist = "constant", value = "50us" }

[workload]
kind = "open"
rate = "1000/s"
mix = { SERVER-CORRECT = 3, LOCAL = 1 }
"#;

    /// Pathway/XM: terminals on node CLI, servers on node SRV.
    const XM: &str = r#"name = "xm"

[run]
duration = "60s"

[system]
processors = 6

[pathway_xm]
server_node = "SRV"
mix = { ORDERS = 7, QUERY = 3 }

[[pathway_xm.node]]
name = "CLI"
cpus = ["1:50", "2:25", "3:25", "5:0"]

[[pathway_xm.node]]
name = "SRV"
cpus = ["0:50", 4, "5:0"]

[pathway_xm.pathmon]
node = "CLI"

[[pathway_xm.tcp_template]]
name = "TCP-STD"
node = "CLI"

[[pathway_xm.term]]
name = "T-ORD"
count = 3
template = "TCP-STD"
weight = 100
think = { dist = "exponential", mean = "5s" }

[[pathway_xm.term]]
name = "T-QRY"
template = "TCP-STD"
think = { dist = "exponential", mean = "10s" }

[[pathway_xm.server_class]]
name = "ORDERS"
maxservers = 8
numstatic = 8
service = { dist = "exponential", mean = "2ms" }

[[pathway_xm.server_class]]
name = "QUERY"
maxservers = 4
numstatic = 2
cpus = [4]
service = { dist = "exponential", mean = "1ms" }
"#;

    #[test]
    fn a_file_without_pathmons_gets_the_implicit_pm() {
        let s = parse_str(DISTRIBUTOR, "x.toml", &[]).unwrap();
        assert_eq!(s.pathmons.len(), 1);
        assert_eq!(s.pathmons[0].name, "$PM");
        assert_eq!(s.pathmons[0].processor, 0);
        assert!(s.server_classes.iter().all(|c| c.pathmon == 0));
        assert_eq!(s.workload.unwrap().send_to, SendTarget::Pathmon(0));
        // It can be named like any other PATHMON.
        let named = edit(
            DISTRIBUTOR,
            "name = \"G\"",
            "name = \"G\"\npathmon = \"$PM\"",
        );
        parse_str(&named, "x.toml", &[]).unwrap();
        let unknown = edit(
            DISTRIBUTOR,
            "name = \"G\"",
            "name = \"G\"\npathmon = \"$PM9\"",
        );
        expect_problem(
            &unknown,
            "server_class[0].pathmon",
            "no PATHMON named `$PM9`; defined in [[pathmon]]: `$PM` (implicit: the file has no [[pathmon]])",
        );
    }

    #[test]
    fn pathmons_domains_and_classes_resolve() {
        let s = parse_str(DOMAIN, "x.toml", &[]).unwrap();
        assert_eq!(
            s.pathmons[0],
            Pathmon {
                name: "$PM1".into(),
                processor: 0,
                backup: Some(1),
                grant_cpu: SimDuration::from_micros(200),
                process_creation: SimDuration::from_millis(200),
                priority: 170,
            }
        );
        let weights: Vec<(usize, f64, bool)> = s.domains[0]
            .members
            .iter()
            .map(|m| (m.pathmon, m.weight, m.explicit))
            .collect();
        assert_eq!(weights, [(0, 50.0, true), (1, 10.0, true), (2, 40.0, true)]);
        let pathmons: Vec<usize> = s.server_classes.iter().map(|c| c.pathmon).collect();
        assert_eq!(pathmons, [0, 1, 2, 2]);
        let w = s.workload.unwrap();
        // The only domain is the default target.
        assert_eq!(w.send_to, SendTarget::Domain(0));
        // By name: LOCAL (class 3), then SERVER-CORRECT (its first definition, class 0).
        assert_eq!(w.mix, vec![(3, 0.25), (0, 0.75)]);
        // TS/MP defaults.
        let local = &s.server_classes[3];
        assert_eq!(
            (
                local.maxservers,
                local.numstatic,
                local.maxlinks,
                local.linkdepth
            ),
            (1, 0, None, 1)
        );
        assert_eq!(local.createdelay, SimDuration::from_secs(60));
        assert_eq!(local.deletedelay, SimDuration::from_secs(600));
        assert_eq!((local.timeout, local.autorestart), (None, 0));
        assert_eq!(s.server_classes[0].maxlinks, Some(1));
    }

    #[test]
    fn a_domain_has_at_most_four_pathmons() {
        let mut text = DOMAIN.to_string();
        for pm in ["$PM4", "$PM5"] {
            text = edit(
                &text,
                "[[domain]]",
                &format!("[[pathmon]]\nname = \"{pm}\"\nprocessor = 3\n\n[[domain]]"),
            );
        }
        let text = edit(
            &text,
            "[\"$PM1:50\", \"$PM2:10\", \"$PM3:40\"]",
            "[\"$PM1:20\", \"$PM2:20\", \"$PM3:20\", \"$PM4:20\", \"$PM5:20\"]",
        );
        let all = problems(&text);
        assert_eq!(all.len(), 1, "{all:#?}");
        assert_eq!(all[0].field, "domain[0].pathmons");
        assert_eq!(
            all[0].message,
            "a Pathway domain has at most 4 PATHMONs, %DOM has 5"
        );
        let none = edit(DOMAIN, "[\"$PM1:50\", \"$PM2:10\", \"$PM3:40\"]", "[]");
        expect_problem(
            &none,
            "domain[0].pathmons",
            "needs 1 to 4 PATHMONs, %DOM has none",
        );
    }

    #[test]
    fn domain_weights_total_100() {
        let ninety = edit(DOMAIN, "\"$PM3:40\"", "\"$PM3:30\"");
        let all = problems(&ninety);
        assert_eq!(all.len(), 1, "{all:#?}");
        assert_eq!(all[0].field, "domain[0].pathmons");
        assert_eq!(
            all[0].message,
            "weights of %DOM total 90; they must total 100"
        );
        // Explicit weights over 100 leave nothing for the unweighted member.
        let over = edit(
            DOMAIN,
            "[\"$PM1:50\", \"$PM2:10\", \"$PM3:40\"]",
            "[\"$PM1:60\", \"$PM2:50\", \"$PM3\"]",
        );
        expect_problem(
            &over,
            "domain[0].pathmons",
            "weights of %DOM total 110; they must total 100",
        );
        let big = edit(DOMAIN, "\"$PM1:50\"", "\"$PM1:150\"");
        let all = problems(&big);
        assert_eq!(all.len(), 1, "{all:#?}");
        assert_eq!(all[0].field, "domain[0].pathmons[0]");
        assert!(
            all[0]
                .message
                .contains("weight 150 of `$PM1` in %DOM is over 100")
        );
        let fraction = edit(DOMAIN, "\"$PM1:50\"", "\"$PM1:49.5\"");
        expect_problem(
            &fraction,
            "domain[0].pathmons[0]",
            "weight `49.5` of `$PM1` in %DOM is not an integer",
        );
    }

    #[test]
    fn unweighted_members_share_the_rest() {
        // ACSCTL: `%PM = $PM:50, $PM1, $PM2` -> 50/25/25.
        let text = edit(
            DOMAIN,
            "[\"$PM1:50\", \"$PM2:10\", \"$PM3:40\"]",
            "[\"$PM1:50\", \"$PM2\", \" $PM3 \"]",
        );
        let s = parse_str(&text, "x.toml", &[]).unwrap();
        let weights: Vec<(f64, bool)> = s.domains[0]
            .members
            .iter()
            .map(|m| (m.weight, m.explicit))
            .collect();
        assert_eq!(weights, [(50.0, true), (25.0, false), (25.0, false)]);
        // None weighted: 100 / 3 each.
        let text = edit(
            DOMAIN,
            "[\"$PM1:50\", \"$PM2:10\", \"$PM3:40\"]",
            "[\"$PM1\", \"$PM2\", \"$PM3\"]",
        );
        let s = parse_str(&text, "x.toml", &[]).unwrap();
        assert!(
            s.domains[0]
                .members
                .iter()
                .all(|m| (m.weight - 100.0 / 3.0).abs() < 1e-12)
        );
    }

    #[test]
    fn domain_members_must_be_pathmons_named_once() {
        let unknown = edit(DOMAIN, "\"$PM2:10\"", "\"$PMX:10\"");
        let p = expect_problem(
            &unknown,
            "domain[0].pathmons[1]",
            "no PATHMON named `$PMX` for domain %DOM; defined in [[pathmon]]: `$PM1`, `$PM2`, `$PM3`",
        );
        assert_eq!(p.line, Some(32));
        let twice = edit(DOMAIN, "\"$PM2:10\"", "\"$PM1:10\"");
        expect_problem(
            &twice,
            "domain[0].pathmons[1]",
            "`$PM1` is listed twice in %DOM",
        );
        let name = edit(DOMAIN, "name = \"%DOM\"", "name = \"DOM\"");
        expect_problem(
            &name,
            "domain[0].name",
            "a Pathway domain name starts with `%`, as in ACSCTL; write e.g. name = \"%DOM\"",
        );
        let missing = edit(
            DOMAIN,
            "pathmons = [\"$PM1:50\", \"$PM2:10\", \"$PM3:40\"]\n",
            "",
        );
        expect_problem(&missing, "domain[0].pathmons", "missing `pathmons`");
    }

    #[test]
    fn pathmon_rules() {
        let backup = edit(DOMAIN, "backup = 1", "backup = 0");
        expect_problem(
            &backup,
            "pathmon[0].backup",
            "the backup must run in another processor than the primary",
        );
        let gone = edit(DOMAIN, "backup = 1", "backup = 9");
        expect_problem(&gone, "pathmon[0].backup", "processor 9 does not exist");
        let dup = edit(DOMAIN, "name = \"$PM2\"", "name = \"$PM1\"");
        expect_problem(&dup, "pathmon[1].name", "duplicate PATHMON name `$PM1`");
        let no_processor = edit(
            DOMAIN,
            "name = \"$PM3\"\nprocessor = 2\n",
            "name = \"$PM3\"\n",
        );
        expect_problem(&no_processor, "pathmon[2].processor", "missing `processor`");
        let priority = edit(DOMAIN, "backup = 1", "backup = 1\npriority = 200");
        expect_problem(&priority, "pathmon[0].priority", "between 1 and 199");
    }

    #[test]
    fn a_class_names_its_pathmon_when_there_are_several() {
        let text = edit(DOMAIN, "pathmon = \"$PM3\"\ncpus = [3]", "cpus = [3]");
        expect_problem(
            &text,
            "server_class[3].pathmon",
            "missing `pathmon`; there are 3 PATHMONs, so name the one that owns this class: `$PM1`, `$PM2`, `$PM3`",
        );
        // Unique within a PATHMON; the same name in another PATHMON is a definition there.
        let dup = edit(DOMAIN, "name = \"LOCAL\"", "name = \"SERVER-CORRECT\"");
        let dup = edit(
            &dup,
            "mix = { SERVER-CORRECT = 3, LOCAL = 1 }",
            "mix = { SERVER-CORRECT = 1 }",
        );
        expect_problem(
            &dup,
            "server_class[3].name",
            "duplicate server class `SERVER-CORRECT` in PATHMON `$PM3` (also server_class[2]); names must be unique within a PATHMON",
        );
    }

    #[test]
    fn a_class_in_several_pathmons_does_the_same_work_in_each() {
        let service = edit(
            DOMAIN,
            "pathmon = \"$PM2\"\nmaxservers = 2\nnumstatic = 2\nmaxlinks = 1\ncpus = [0, 1, 2]\nservice = { dist = \"exponential\", mean = \"120us\" }",
            "pathmon = \"$PM2\"\nmaxservers = 2\nnumstatic = 2\nmaxlinks = 1\ncpus = [0, 1, 2]\nservice = { dist = \"exponential\", mean = \"150us\" }",
        );
        let all = problems(&service);
        assert_eq!(all.len(), 1, "{all:#?}");
        assert_eq!(all[0].field, "server_class[1].service");
        assert!(
            all[0].message.starts_with("the work of a request must not depend on which PATHMON serves it: service differs from server_class[0] (`SERVER-CORRECT` in `$PM1`)"),
            "{}",
            all[0].message
        );
        let io = edit(
            DOMAIN,
            "pathmon = \"$PM3\"\nmaxservers = 8\nnumstatic = 8\nmaxlinks = 1\ncpus = [0, 1, 2]\nservice = { dist = \"exponential\", mean = \"120us\" }",
            "pathmon = \"$PM3\"\nmaxservers = 8\nnumstatic = 8\nmaxlinks = 1\ncpus = [0, 1, 2]\nservice = { dist = \"exponential\", mean = \"120us\" }\nio = { dist = \"constant\", value = \"1ms\" }",
        );
        expect_problem(&io, "server_class[2].io", "io differs from server_class[0]");
        // A bad service is reported once, not again as a difference.
        let bad = edit(
            DOMAIN,
            "pathmon = \"$PM2\"\nmaxservers = 2\nnumstatic = 2\nmaxlinks = 1\ncpus = [0, 1, 2]\nservice = { dist = \"exponential\", mean = \"120us\" }",
            "pathmon = \"$PM2\"\nmaxservers = 2\nnumstatic = 2\nmaxlinks = 1\ncpus = [0, 1, 2]\nservice = { dist = \"exponential\", mean = \"120\" }",
        );
        assert_eq!(problems(&bad).len(), 1);
    }

    #[test]
    fn ts_mp_attribute_rules() {
        let class = "name = \"A\"\nmaxservers = 0";
        let with = |attrs: &str| {
            edit(
                MINIMAL,
                class,
                &format!("name = \"A\"\ncpus = [0]\n{attrs}"),
            )
        };
        let all = problems(&with("maxservers = 10\nnumstatic = 12"));
        assert_eq!(all.len(), 1, "{all:#?}");
        assert_eq!(all[0].field, "server_class[0].numstatic");
        assert!(
            all[0]
                .message
                .starts_with("NUMSTATIC 12 > MAXSERVERS 10 in server class A of $PM;"),
            "{}",
            all[0].message
        );
        let all = problems(&with("maxlinks = 1\nlinkdepth = 2"));
        assert_eq!(all.len(), 1, "{all:#?}");
        assert_eq!(all[0].field, "server_class[0].linkdepth");
        assert!(
            all[0]
                .message
                .starts_with("LINKDEPTH 2 > MAXLINKS 1 in server class A of $PM;"),
            "{}",
            all[0].message
        );
        // Without MAXLINKS (unlimited) any LINKDEPTH in range goes.
        parse_str(&with("linkdepth = 255"), "x.toml", &[]).unwrap();
        expect_problem(
            &with("linkdepth = 0"),
            "server_class[0].linkdepth",
            "between 1 and 255, got 0",
        );
        expect_problem(
            &with("linkdepth = 256"),
            "server_class[0].linkdepth",
            "between 1 and 255, got 256",
        );
        expect_problem(
            &with("maxservers = 4096"),
            "server_class[0].maxservers",
            "between 0 and 4095, got 4096",
        );
        expect_problem(
            &with("maxlinks = 0"),
            "server_class[0].maxlinks",
            "between 1 and 4095, got 0; leave it out for no limit",
        );
        expect_problem(
            &with("autorestart = 32768"),
            "server_class[0].autorestart",
            "between 0 and 32767",
        );
        expect_problem(
            &with("createdelay = \"16384s\""),
            "server_class[0].createdelay",
            "createdelay (CREATEDELAY) must be at most 16383s, TS/MP's limit",
        );
        expect_problem(
            &with("deletedelay = \"5h\""),
            "server_class[0].deletedelay",
            "at most 16383s",
        );
        expect_problem(
            &with("timeout = \"0s\""),
            "server_class[0].timeout",
            "leave it out for no timeout",
        );
        expect_problem(
            &with("timeout = \"5h\""),
            "server_class[0].timeout",
            "at most 16383s",
        );
        let s = parse_str(
            &with("maxservers = 4\nnumstatic = 2\nmaxlinks = 3\nlinkdepth = 2\ncreatedelay = \"5s\"\ndeletedelay = \"16383s\"\ntimeout = \"30s\"\nautorestart = 5"),
            "x.toml",
            &[],
        )
        .unwrap();
        let c = &s.server_classes[0];
        assert_eq!(
            (c.maxservers, c.numstatic, c.maxlinks, c.linkdepth),
            (4, 2, Some(3), 2)
        );
        assert_eq!(c.createdelay, SimDuration::from_secs(5));
        assert_eq!(c.deletedelay, SimDuration::from_secs(16383));
        assert_eq!(c.timeout, Some(SimDuration::from_secs(30)));
        assert_eq!((c.cpus.clone(), c.autorestart), (vec![0], 5));
    }

    #[test]
    fn send_to_defaults_and_resolves() {
        // One domain: the default.
        let s = parse_str(DOMAIN, "x.toml", &[]).unwrap();
        assert_eq!(s.workload.unwrap().send_to, SendTarget::Domain(0));
        // A PATHMON by name: its classes only.
        let text = edit(
            DOMAIN,
            "kind = \"open\"",
            "send_to = \"$PM3\"\nkind = \"open\"",
        );
        let s = parse_str(&text, "x.toml", &[]).unwrap();
        let w = s.workload.unwrap();
        assert_eq!(w.send_to, SendTarget::Pathmon(2));
        // Still the first SERVER-CORRECT (in $PM1): the work is the same in every PATHMON.
        assert_eq!(w.mix, vec![(3, 0.25), (0, 0.75)]);
        let text = edit(
            DOMAIN,
            "kind = \"open\"",
            "send_to = \"$PM1\"\nkind = \"open\"",
        );
        let p = expect_problem(
            &text,
            "workload.mix.LOCAL",
            "server class `LOCAL` is not in PATHMON `$PM1`, where workload.send_to sends requests; it is defined in `$PM3`",
        );
        assert_eq!(p.line, Some(71));
        let text = edit(
            DOMAIN,
            "kind = \"open\"",
            "send_to = \"%NOPE\"\nkind = \"open\"",
        );
        expect_problem(
            &text,
            "workload.send_to",
            "no Pathway domain or PATHMON named `%NOPE`; domains: `%DOM`; PATHMONs: `$PM1`, `$PM2`, `$PM3`",
        );
        // No domain and several PATHMONs: no default.
        let no_domain = edit(
            DOMAIN,
            "[[domain]]\nname = \"%DOM\"\npathmons = [\"$PM1:50\", \"$PM2:10\", \"$PM3:40\"]\n",
            "",
        );
        expect_problem(
            &no_domain,
            "workload.send_to",
            "missing `send_to`; with 0 domains and 3 PATHMONs there is no default",
        );
        // Two domains: no default either.
        let two = edit(
            DOMAIN,
            "[[server_class]]",
            "[[domain]]\nname = \"%TWO\"\npathmons = [\"$PM3\"]\n\n[[server_class]]",
        );
        expect_problem(&two, "workload.send_to", "with 2 domains and 3 PATHMONs");
        let two = edit(
            &two,
            "kind = \"open\"",
            "send_to = \"%TWO\"\nkind = \"open\"",
        );
        let s = parse_str(&two, "x.toml", &[]).unwrap();
        assert_eq!(s.workload.unwrap().send_to, SendTarget::Domain(1));
    }

    #[test]
    fn a_mix_class_must_be_reachable_through_the_domain() {
        let text = edit(
            DOMAIN,
            "[[server_class]]",
            "[[domain]]\nname = \"%TWO\"\npathmons = [\"$PM1\", \"$PM2\"]\n\n[[server_class]]",
        );
        let text = edit(
            &text,
            "kind = \"open\"",
            "send_to = \"%TWO\"\nkind = \"open\"",
        );
        expect_problem(
            &text,
            "workload.mix.LOCAL",
            "server class `LOCAL` is not in any PATHMON of domain %TWO (`$PM1`, `$PM2`), where workload.send_to sends requests; it is defined in `$PM3`",
        );
    }

    #[test]
    fn a_distributor_needs_servers_somewhere_in_the_domain() {
        // LOCAL exists only in $PM3; with MAXSERVERS 0 the distributor has nowhere to send it.
        let none = edit(DOMAIN, "cpus = [3]", "cpus = [3]\nmaxservers = 0");
        expect_problem(
            &none,
            "server_class[3].maxservers",
            "server class `LOCAL` has MAXSERVERS 0 in every PATHMON of domain %DOM that defines it (`$PM3`)",
        );
        // One PATHMON of the domain with servers is enough.
        let some = edit(
            DOMAIN,
            "pathmon = \"$PM2\"\nmaxservers = 2\nnumstatic = 2",
            "pathmon = \"$PM2\"\nmaxservers = 0\nnumstatic = 0",
        );
        parse_str(&some, "x.toml", &[]).unwrap();
    }

    #[test]
    fn workload_or_pathway_xm() {
        let both = format!("{DOMAIN}\n{}", &XM[XM.find("[pathway_xm]").unwrap()..]);
        expect_problem(
            &both,
            "pathway_xm",
            "either [workload] (TCP/IP clients) or [pathway_xm]",
        );
        let neither = edit(
            DOMAIN,
            "[workload]\nkind = \"open\"\nrate = \"1000/s\"\nmix = { SERVER-CORRECT = 3, LOCAL = 1 }\n",
            "",
        );
        let all = problems(&neither);
        assert_eq!(all.len(), 1, "{all:#?}");
        assert_eq!(all[0].field, "workload");
        assert!(
            all[0]
                .message
                .starts_with("missing table [workload] or [pathway_xm]")
        );
        // A workload still needs listeners, [tcpip] and server classes.
        let bare = "name = \"w\"\n[run]\nduration = \"1s\"\n[system]\nprocessors = 1\n[workload]\nkind = \"open\"\nrate = \"1/s\"\nmix = { A = 1 }\n";
        let fields: Vec<String> = problems(bare).into_iter().map(|p| p.field).collect();
        assert_eq!(fields, ["listener", "server_class", "workload.mix.A"]);
        let bare = edit(
            bare,
            "[workload]",
            "[[listener]]\nname = \"$L\"\nmodel = \"parallel\"\nprocessors = [0]\n[workload]",
        );
        let fields: Vec<String> = problems(&bare).into_iter().map(|p| p.field).collect();
        assert_eq!(fields, ["tcpip", "server_class", "workload.mix.A"]);
    }

    #[test]
    fn pathway_xm_parses_and_expands() {
        let s = parse_str(XM, "x.toml", &[]).unwrap();
        assert!(s.workload.is_none());
        assert!(s.listeners.is_empty());
        // No [tcpip] and no listeners: the parallel stack with its defaults, unused.
        assert_eq!(s.tcpip.stack, StackKind::Parallel);
        assert!(s.tcpip.processes.is_empty());
        assert_eq!(s.pathmons[0].name, "$PM");
        let x = s.pathway_xm.unwrap();
        assert_eq!(
            x.nodes,
            vec![
                XmNode {
                    name: "CLI".into(),
                    cpus: vec![(1, 50), (2, 25), (3, 25), (5, 0)]
                },
                // `4` (a bare number) has weight 1.
                XmNode {
                    name: "SRV".into(),
                    cpus: vec![(0, 50), (4, 1), (5, 0)]
                },
            ]
        );
        assert_eq!(x.server_node, 1);
        assert_eq!(
            x.pathmon,
            XmPathmon {
                node: 0,
                maxtcps: 4,
                grant_cpu: SimDuration::from_micros(200),
                process_creation: SimDuration::from_millis(200),
                priority: 170,
            }
        );
        assert_eq!(
            x.tcp_templates,
            vec![TcpTemplate {
                name: "TCP-STD".into(),
                node: 0,
                maxterms: 32,
                maxserverprocesses: 64,
                handle_cpu: SimDuration::from_micros(300),
                priority: 160,
            }]
        );
        let names: Vec<&str> = x.terms.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(names, ["T-ORD-001", "T-ORD-002", "T-ORD-003", "T-QRY"]);
        assert_eq!(
            x.terms[3],
            Term {
                name: "T-QRY".into(),
                template: 0,
                weight: 1,
                think: Dist::Exponential {
                    mean: SimDuration::from_secs(10)
                },
            }
        );
        assert!(x.terms[..3].iter().all(|t| t.weight == 100));
        // CPUS default to the server node's processors with weight > 0, in order.
        assert_eq!(x.server_classes[0].cpus, vec![0, 4]);
        assert_eq!(x.server_classes[1].cpus, vec![4]);
        assert_eq!(x.server_classes[0].pathmon, 0);
        assert_eq!(x.mix, vec![(0, 0.7), (1, 0.3)]);
    }

    #[test]
    fn term_groups_are_numbered_with_three_digits_or_more() {
        assert_eq!(term_names("T", 1), ["T"]);
        assert_eq!(term_names("T", 2), ["T-001", "T-002"]);
        let many = term_names("T", 1000);
        assert_eq!((many[0].as_str(), many[999].as_str()), ("T-0001", "T-1000"));
        let text = edit(XM, "name = \"T-QRY\"", "name = \"T-ORD-002\"");
        expect_problem(
            &text,
            "pathway_xm.term[1].name",
            "duplicate TERM name `T-ORD-002` (also made by pathway_xm.term[0])",
        );
        expect_problem(
            &edit(XM, "count = 3", "count = 0"),
            "pathway_xm.term[0].count",
            "count must be at least 1",
        );
        expect_problem(
            &edit(XM, "count = 3", "count = 2000000"),
            "pathway_xm.term[0].count",
            "at most 1000000 terminals in all",
        );
    }

    #[test]
    fn pathway_xm_rules() {
        expect_problem(
            &edit(XM, "\"3:25\", \"5:0\"]", "\"3:25\", \"1:0\"]"),
            "pathway_xm.node[0].cpus[3]",
            "processor 1 is listed twice in node CLI",
        );
        expect_problem(
            &edit(XM, "[\"0:50\", 4, \"5:0\"]", "[\"0:0\", \"4:0\"]"),
            "pathway_xm.node[1].cpus",
            "every processor of node SRV has weight 0",
        );
        expect_problem(
            &edit(XM, "\"5:0\"]", "\"9:0\"]"),
            "pathway_xm.node[0].cpus[3]",
            "processor 9 does not exist",
        );
        expect_problem(
            &edit(XM, "\"1:50\"", "\"one:50\""),
            "pathway_xm.node[0].cpus[0]",
            "`one:50` is not a processor",
        );
        expect_problem(
            &edit(XM, "\"1:50\"", "\"1:half\""),
            "pathway_xm.node[0].cpus[0]",
            "the weight in `1:half` is not a whole number",
        );
        expect_problem(
            &edit(XM, "server_node = \"SRV\"", "server_node = \"SRX\""),
            "pathway_xm.server_node",
            "no [[pathway_xm.node]] named `SRX`; defined: `CLI`, `SRV`",
        );
        expect_problem(
            &edit(XM, "[pathway_xm.pathmon]\nnode = \"CLI\"\n", ""),
            "pathway_xm.pathmon",
            "missing table [pathway_xm.pathmon]",
        );
        expect_problem(
            &edit(
                XM,
                "template = \"TCP-STD\"\nweight",
                "template = \"TCP-X\"\nweight",
            ),
            "pathway_xm.term[0].template",
            "no [[pathway_xm.tcp_template]] named `TCP-X`; defined: `TCP-STD`",
        );
        expect_problem(
            &edit(
                XM,
                "name = \"ORDERS\"",
                "name = \"ORDERS\"\npathmon = \"$PM\"",
            ),
            "pathway_xm.server_class[0].pathmon",
            "Pathway/XM generates its PATHMONs and replicates every server class into each; remove `pathmon`",
        );
        expect_problem(
            &edit(XM, "QUERY = 3", "QUERY = 3, REPORT = 1"),
            "pathway_xm.mix.REPORT",
            "no [[pathway_xm.server_class]] named `REPORT`; defined: `ORDERS`, `QUERY`",
        );
        expect_problem(
            &edit(XM, "maxservers = 4\nnumstatic = 2", "maxservers = 0"),
            "pathway_xm.server_class[1].maxservers",
            "server class `QUERY` is in pathway_xm.mix but has MAXSERVERS 0",
        );
        expect_problem(
            &edit(
                XM,
                "maxservers = 4\nnumstatic = 2",
                "maxservers = 4\nnumstatic = 5",
            ),
            "pathway_xm.server_class[1].numstatic",
            "NUMSTATIC 5 > MAXSERVERS 4 in server class QUERY of the Pathway/XM PATHMONs",
        );
        expect_problem(
            &edit(XM, "cpus = [4]", "cpus = []"),
            "pathway_xm.server_class[1].cpus",
            "has MAXSERVERS 4 but no CPUS",
        );
        // An unresolved server node is reported once, not again as missing CPUS.
        let all = problems(&edit(XM, "server_node = \"SRV\"", "server_node = \"SRX\""));
        assert_eq!(all.len(), 1, "{all:#?}");
        let fields: Vec<String> = problems(
            "name = \"x\"\n[run]\nduration = \"1s\"\n[system]\nprocessors = 1\n[pathway_xm]\n",
        )
        .into_iter()
        .map(|p| p.field)
        .collect();
        assert_eq!(
            fields,
            [
                "pathway_xm.node",
                "pathway_xm.server_node",
                "pathway_xm.pathmon",
                "pathway_xm.tcp_template",
                "pathway_xm.term",
                "pathway_xm.server_class",
                "pathway_xm.mix"
            ]
        );
    }

    #[test]
    fn overrides_reach_the_new_sections() {
        let s = parse_str(
            DOMAIN,
            "x.toml",
            &[
                "domain[0].pathmons=[\"$PM1:80\", \"$PM2\"]".into(),
                "server_class[3].pathmon=$PM2".into(),
            ],
        )
        .unwrap();
        let weights: Vec<f64> = s.domains[0].members.iter().map(|m| m.weight).collect();
        assert_eq!(weights, [80.0, 20.0]);
        assert_eq!(s.server_classes[3].pathmon, 1);
        let s = parse_str(XM, "x.toml", &["pathway_xm.term[0].count=2".into()]).unwrap();
        assert_eq!(s.pathway_xm.unwrap().terms.len(), 3);
    }

    #[test]
    fn check_round_trips_domains_and_pathway_xm() {
        for text in [DOMAIN, XM] {
            let s = parse_str(text, "x.toml", &[]).unwrap();
            s.check().unwrap();
            let (again, findings) = validate(&s.to_raw());
            assert!(findings.is_empty(), "{findings:?}");
            assert_eq!(again.unwrap(), s);
        }
        let shared = edit(
            DOMAIN,
            "[\"$PM1:50\", \"$PM2:10\", \"$PM3:40\"]",
            "[\"$PM1:50\", \"$PM2\", \"$PM3\"]",
        );
        let mut s = parse_str(&shared, "x.toml", &[]).unwrap();
        s.check().unwrap();
        // A share of the rest cannot be set by hand; an explicit weight can.
        s.domains[0].members[1].weight = 30.0;
        s.domains[0].members[2].weight = 20.0;
        let err = s.check().unwrap_err();
        assert_eq!(err.problems.len(), 2, "{err}");
        assert_eq!(err.problems[0].field, "domain[0].pathmons[1]");
        assert!(
            err.problems[0]
                .message
                .contains("its share of what the others leave of 100, 25, not 30")
        );
        s.domains[0].members[1].explicit = true;
        s.domains[0].members[2].explicit = true;
        s.check().unwrap();
        // A scenario built in Rust must have its PATHMONs (a file gets the implicit one).
        let mut s = parse_str(MINIMAL, "x.toml", &[]).unwrap();
        s.pathmons.clear();
        let err = s.check().unwrap_err();
        assert_eq!(err.problems[0].field, "pathmon");
        assert!(
            err.problems[0]
                .message
                .starts_with("a scenario needs at least one PATHMON")
        );
        // The mix names the first class of each name.
        let mut s = parse_str(DOMAIN, "x.toml", &[]).unwrap();
        s.workload.as_mut().unwrap().mix[1].0 = 1;
        let err = s.check().unwrap_err();
        assert_eq!(err.problems.len(), 1, "{err}");
        assert!(
            err.problems[0]
                .message
                .contains("it must refer to the first server class of that name, server_class[0]")
        );
    }
}
