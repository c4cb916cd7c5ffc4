//! Raw -> typed: parses units, applies defaults, resolves names to indices and checks every
//! rule, collecting all problems instead of stopping at the first.
//!
//! Each problem names its field path in the file's own notation (`listener[0].processors[2]`,
//! `workload.mix.X`); `scenario/mod.rs` adds the file, line and column. A value that fails to
//! parse is replaced by a placeholder so checking can go on, and comparisons involving it are
//! skipped, so one mistake is reported once and not again as a cascade. The typed vectors stay
//! aligned with the file's arrays (`listeners[i]` is `listener[i]`), which is what lets later
//! checks name fields by index. Two exceptions, by design: a file without `[[pathmon]]` gets the
//! implicit `$PM` in `pathmons`, and `[[pathway_xm.term]]` groups expand into one `Term` per
//! terminal.
//!
//! One file per section of the scenario file, each adding its methods to [`Checker`]; this
//! file holds the entry point, the shared checks (names, priorities, processors, durations,
//! distributions) and the limits every section uses. The fixtures are in `tests/data/valid/`
//! and `tests/data/invalid/` (each invalid file beside the messages it must give).

mod arrivals;
mod clim;
mod faults;
mod listeners;
mod node;
mod pathsend;
mod pathway;
mod pathway_xm;
mod placement;
mod tcpip;
mod workload;

use std::collections::{BTreeMap, HashMap};

use super::limits::*;
use super::raw::*;
use super::units::{parse_bandwidth, parse_rate};
use super::{Anchor, Finding};
use crate::engine::SimDuration;
use crate::scenario::types::*;
use pathway::PathwayNames;

/// The PATHMON a file without `[[pathmon]]` gets (in processor 0, every default).
const IMPLICIT_PATHMON: &str = "$PM";
/// PATHMON CPU per link grant. PLACEHOLDER: no manual publishes it.
const GRANT_CPU_DEFAULT: &str = "200us";
/// Creating a dynamic server process. PLACEHOLDER: no manual publishes it.
const PROCESS_CREATION_DEFAULT: &str = "200ms";
/// PATHMON priority: above TCPs (160) and servers (150), as Pathway/XM orders them (PATHMON at
/// the NODE's PRI, TCPs at PRI-5, servers at PRI-10).
const PATHMON_PRIORITY_DEFAULT: u8 = 170;

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
/// `trace_dir` is the folder a trace's `file` is relative to (that of the scenario file that
/// names it).
pub(super) fn validate(
    raw: &RawScenario,
    trace_dir: &std::path::Path,
) -> (Option<Scenario>, Vec<Finding>) {
    let mut c = Checker {
        trace_dir: trace_dir.to_path_buf(),
        ..Checker::default()
    };
    let name = c.scenario_name(raw.name.as_deref());
    let run = c.run(raw.run.as_ref());
    let (system, processors) = c.system(raw.system.as_ref(), &raw.processor_type);
    c.processors = processors;
    // Relative processor lists ("all", "0..N-1", "others") become numbers here, so every check
    // below (and the model) sees plain lists.
    let resolved = c.resolve_processor_lists(raw);
    let raw = &resolved;
    let message_system = c.message_system(raw.message_system.as_ref());
    let lan = c.lan(raw.lan.as_ref());
    let (tcpip, stack) = c.tcpip(raw.tcpip.as_ref(), &raw.clim, !raw.listener.is_empty());
    let process_names = match (stack, &raw.tcpip) {
        (Some(StackKind::Conventional), Some(t)) => {
            t.process.iter().flatten().map(|p| p.name.clone()).collect()
        }
        _ => Vec::new(),
    };
    c.tcpip_processors = match (stack, &raw.tcpip) {
        (Some(StackKind::Conventional), Some(t)) => {
            t.process.iter().flatten().map(|p| p.processor).collect()
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
    if let Some((workload, _)) = &workload {
        c.pathsend_message_sizes(workload, &listeners);
    }
    let pathway_limits = c.pathway_limits(raw.pathway.as_ref(), !raw.domain.is_empty());
    // (Only when some fault needs them: the list is as long as the processes.)
    let killable = if raw.fault.iter().any(|f| f.process_kill.is_some()) {
        faults::killable(
            &tcpip,
            &listeners,
            &pathmons,
            &server_classes,
            raw.pathway_xm.is_some(),
        )
    } else {
        faults::Killable::default()
    };
    // The LCSs an `lcs_kill` may name, `PATHMON/CLASS` (only when the rest is valid: the
    // generated PATHMONs' names come from the Pathway/XM plan).
    let lcss = (raw
        .fault
        .iter()
        .any(|f| f.lcs_kill.is_some() || f.process_kill.is_some())
        && c.findings.is_empty())
    .then(|| pathway_xm.as_ref().map(lcs_names).unwrap_or_default());
    let faults = c.faults(
        &raw.fault,
        raw.faults.as_ref(),
        &run,
        &killable,
        &tcpip.hosts().concat(),
        lcss.as_deref(),
    );
    if pathway_xm
        .as_ref()
        .is_some_and(|x| x.distributed.contains(&true))
    {
        // Modelled: a processor of the server node only (not also in another NODE) fails and
        // is reloaded; its servers die and the LCSs reserve new ones on the survivors; an LCS
        // dies and its PATHMON restarts it. A processor hosting LCSs, TCPs or PATHMONs, and
        // random failures, are not.
        let xm = pathway_xm.as_ref().expect("checked above");
        let server_only = |cpu: u32| {
            xm.nodes
                .iter()
                .enumerate()
                .all(|(k, n)| (k == xm.server_node) == n.cpus.iter().any(|&(c, _)| c == cpu))
        };
        for (i, f) in raw.fault.iter().enumerate() {
            // An LCS's death (`lcs_kill`, or `process_kill` of its process) is modelled.
            let of_lcs = |NameOrNumber(n): &NameOrNumber| {
                lcss.iter()
                    .flatten()
                    .any(|l| crate::scenario::lcs_process_name(l) == *n)
            };
            if f.lcs_kill.is_some() || f.process_kill.as_ref().is_some_and(of_lcs) {
                continue;
            }
            let cpu = match (&f.processor_down, f.processor_reload) {
                (Some(NameOrNumber(t)), None) => t.parse::<u32>().ok(),
                (None, Some(cpu)) => Some(cpu),
                _ => None,
            };
            if f.process_kill.is_some()
                || f.pif_down.is_some()
                || f.pif_up.is_some()
                || f.clim_down.is_some()
                || !cpu.is_some_and(server_only)
            {
                c.err(
                    format!("fault[{i}]"),
                    "with a distributed server class only lcs_kill, processor_down (a number) and processor_reload of a processor of the server node that is in no other NODE are modelled; remove this fault or make every class type = \"replicated\"",
                );
            }
        }
        if raw.faults.as_ref().is_some_and(|f| f.mtbf.is_some()) {
            c.err(
                "faults.mtbf",
                "random processor failures are not modelled with a distributed server class (they may hit the client node); remove mtbf or make every class type = \"replicated\"",
            );
        }
        if pathway_limits.send_timeout.is_some() {
            c.err(
                "pathway.send_timeout",
                "the Pathsend call timeout is not modelled for sends to a distributed server class's LCS; remove send_timeout or make every class type = \"replicated\"",
            );
        }
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
        pathway: pathway_limits,
        workload: workload.map(|(w, _)| w),
        pathway_xm,
        faults,
    };
    let findings = c.findings;
    (findings.is_empty().then_some(scenario), findings)
}

/// Collects findings; knows the processor count once `[system]` is checked.
#[derive(Default)]
struct Checker {
    findings: Vec<Finding>,
    /// The folder `workload.rate.file` is relative to.
    trace_dir: std::path::PathBuf,
    /// Valid processor count, `None` while unknown or invalid (then references are not
    /// checked: every one would be a spurious problem).
    processors: Option<u32>,
    /// True when the file has no `[[pathmon]]` and the implicit `$PM` stands in.
    implicit_pathmon: bool,
    /// The processor of each `[[tcpip.process]]` (conventional stack), for the default
    /// `tcpip` of a listener.
    tcpip_processors: Vec<Option<u32>>,
    /// The CLIMs' names (CIP), for `clim_down` and `clim_up`.
    clim_names: Vec<String>,
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

    /// A cost paid per KiB, per segment or per ACK: at most [`MAX_UNIT_COST`], so that the
    /// largest message's cost stays within hours.
    fn unit_cost(&mut self, field: &str, text: Option<&String>, default: &str) -> SimDuration {
        let d = self.duration(field, text, default);
        if d > MAX_UNIT_COST {
            self.err(
                field,
                format!("a cost per KiB, per segment or per ACK must be at most {MAX_UNIT_COST}, got {d}; the largest message (2 MiB, up to 3,913 segments) would cost hours (see Limits in scenarios/README.md)"),
            );
            return SimDuration::ZERO;
        }
        d
    }

    /// A required run length; `example` shows how to write it.
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
            Some(text) => self.parse(field, text, parse_run_length),
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

    /// Reports `value` over its documented limit `max`; `what` names it ("clients", "a
    /// domain's name"). True when within the limit.
    fn at_most(&mut self, field: &str, value: u64, max: u64, what: &str) -> bool {
        if value <= max {
            return true;
        }
        self.err(
            field,
            format!(
                "{what} must be at most {max}, got {value} (see Limits in scenarios/README.md)"
            ),
        );
        false
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

    /// A listener that relays through Pathsend (a distributor, or a parallel listener serving
    /// through a local server class) sends every request and gets every reply as one Pathsend
    /// message: each must fit its API (`SERVERCLASS_SEND_` 32,767 bytes, `SERVERCLASS_SENDL_`
    /// 2 MiB). A distribution of sizes is checked at its largest value, or its 99.9th
    /// percentile when it has no largest (draws beyond the limit are cut to it in the run).
    fn pathsend_message_sizes(&mut self, w: &Workload, listeners: &[Listener]) {
        let Some(l) = listeners.get(w.listener) else {
            return;
        };
        let relays = l.model == ListenerModel::Distributor || l.serve == Serve::LocalServerClass;
        if !relays {
            return;
        }
        let why = format!(
            "listener `{}` relays every request and reply through Pathsend",
            l.name
        );
        let fix = format!("set pathsend_api = \"sendl\" on listener[{}]", w.listener);
        for (key, size) in [
            ("request_bytes", &w.request_bytes),
            ("reply_bytes", &w.reply_bytes),
        ] {
            self.fits_pathsend(&format!("workload.{key}"), size, l.pathsend_api, &why, &fix);
        }
    }

    /// A message size must fit the send call `api`; `why` says why it is one message, `fix`
    /// how to select the large-message call.
    fn fits_pathsend(
        &mut self,
        field: &str,
        size: &MessageSize,
        api: PathsendApi,
        why: &str,
        fix: &str,
    ) {
        let max = api.max_bytes();
        let top = size.checked_bytes();
        if top > f64::from(max) {
            let what = match size.0 {
                Dist::Constant(_) => format!("{top:.0} bytes"),
                Dist::Uniform { .. } => format!("up to {top:.0} bytes"),
                _ => format!("{top:.0} bytes at its 99.9th percentile"),
            };
            let fix = match api {
                PathsendApi::Send => format!(
                    "{fix} (SERVERCLASS_SENDL_, messages up to 2 MiB) or send smaller messages"
                ),
                PathsendApi::SendL => "send smaller messages".to_string(),
            };
            let call = match api {
                PathsendApi::Send => "SERVERCLASS_SEND_",
                PathsendApi::SendL => "SERVERCLASS_SENDL_",
            };
            self.err(
                field,
                format!(
                    "{why}, and {call} carries at most {max} bytes; this size is {what}; {fix}"
                ),
            );
        }
    }

    /// A distribution table: the parameters must be exactly those `dist` takes, and its
    /// largest possible draw at most [`MAX_DRAW`].
    fn dist(&mut self, field: &str, raw: &RawDist) -> Option<Dist> {
        let dist = self.dist_parameters(field, raw)?;
        let top = max_draw(&dist);
        if top > MAX_DRAW.as_nanos() as f64 {
            let years = top / 1e9 / (365.0 * 24.0 * 3600.0);
            self.err(
                field,
                format!("this distribution can draw values up to about {years:.3e} years (the sampler's extreme tail), beyond the 50-year limit of one draw; lower its mean or cv (see Limits in scenarios/README.md)"),
            );
            return None;
        }
        Some(dist)
    }

    /// [`Checker::dist`] without the limit on the largest draw.
    fn dist_parameters(&mut self, field: &str, raw: &RawDist) -> Option<Dist> {
        self.dist_of(field, raw, parse_duration)
    }

    /// A message size: a whole number of bytes, or a distribution whose parameters are sizes
    /// (`"4KiB"`); at most [`MAX_MESSAGE_BYTES`] either way.
    fn message_size(&mut self, field: &str, raw: Option<&RawSize>, default: u32) -> MessageSize {
        let key = field.rsplit('.').next().unwrap_or(field);
        match raw {
            None => MessageSize::bytes(default),
            Some(RawSize::Bytes(n)) => {
                let what = format!("{key} (the largest Pathsend message)");
                if self.at_most(field, *n, u64::from(MAX_MESSAGE_BYTES), &what) {
                    MessageSize::bytes(*n as u32)
                } else {
                    MessageSize::bytes(default)
                }
            }
            Some(RawSize::Dist(d)) => self
                .dist_of(field, d, parse_size)
                .map_or_else(|| MessageSize::bytes(default), MessageSize),
        }
    }

    /// A distribution table whose parameters `parse` reads (durations or sizes).
    fn dist_of<Q: Quantity>(
        &mut self,
        field: &str,
        raw: &RawDist,
        parse: fn(&str) -> Result<Q, String>,
    ) -> Option<Dist> {
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
        let quantity = |c: &mut Self, param: &str, text: &Option<String>| {
            c.parse(
                &format!("{field}.{param}"),
                text.as_deref().expect("checked present"),
                parse,
            )
        };
        let duration = |c: &mut Self, param: &str, text: &Option<String>| {
            quantity(c, param, text).map(Quantity::as_dist_unit)
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
            if !(MIN_CV..=MAX_CV).contains(&cv) {
                c.err(
                    format!("{field}.cv"),
                    format!("cv must be between {MIN_CV} and {MAX_CV}, got {cv}; for less variation use dist = \"constant\" (see Limits in scenarios/README.md)"),
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
                let min = quantity(self, "min", &raw.min);
                let max = quantity(self, "max", &raw.max);
                let (min, max) = (min?, max?);
                if max < min {
                    self.err(
                        format!("{field}.max"),
                        format!("max ({max}) must not be less than min ({min})"),
                    );
                    return None;
                }
                Some(Dist::Uniform {
                    min: min.as_dist_unit(),
                    max: max.as_dist_unit(),
                })
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
                let ok = (1..=MAX_ERLANG_K).contains(&k);
                if !ok {
                    self.err(
                        format!("{field}.k"),
                        format!("k (the number of phases) must be between 1 and {MAX_ERLANG_K}, got {k}; for less variation use dist = \"gamma\" with a small cv"),
                    );
                }
                let mean = mean?;
                ok.then_some(Dist::Erlang { mean, k })
            }
            _ => unreachable!("every name in DISTS is handled"),
        }
    }
}

/// What a distribution's parameters are: durations, or message sizes in [`Bytes`].
trait Quantity: Copy + Ord + std::fmt::Display {
    /// The value as a [`Dist`] parameter.
    fn as_dist_unit(self) -> SimDuration;
}

impl Quantity for SimDuration {
    fn as_dist_unit(self) -> SimDuration {
        self
    }
}

/// A message size in bytes: its own type, so that messages print it as a size. The samplers
/// are shared with durations, so a size distribution is a [`Dist`] of one nanosecond per byte
/// (the model reads it back as bytes); nothing else sees that stand-in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Bytes(u64);

impl Quantity for Bytes {
    fn as_dist_unit(self) -> SimDuration {
        SimDuration::from_nanos(self.0)
    }
}

impl std::fmt::Display for Bytes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.0 {
            n if n >= 1024 && n % 1024 == 0 => write!(f, "{} KiB", n / 1024),
            n => write!(f, "{n} B"),
        }
    }
}

/// A message size with its unit (`"512B"`, `"4KiB"`, `"1.5MiB"`; binary prefixes), at most
/// [`MAX_MESSAGE_BYTES`].
fn parse_size(text: &str) -> Result<Bytes, String> {
    let t = text.trim();
    let split = t.find(|c: char| c.is_ascii_alphabetic()).unwrap_or(t.len());
    let (number, unit) = (t[..split].trim(), t[split..].trim());
    let scale = match unit {
        "B" => 1.0,
        "KiB" => 1024.0,
        "MiB" => 1024.0 * 1024.0,
        "" => {
            return Err(format!(
                "missing unit in \"{t}\"; write e.g. \"{t}B\" (units: B, KiB, MiB)"
            ));
        }
        other => {
            return Err(format!(
                "unknown size unit `{other}` in \"{t}\"; allowed: B, KiB, MiB"
            ));
        }
    };
    let value: f64 = number
        .parse()
        .ok()
        .filter(|v: &f64| v.is_finite() && *v >= 0.0)
        .ok_or_else(|| format!("\"{t}\" is not a size; write e.g. \"4KiB\" or \"512B\""))?;
    let bytes = (value * scale).round();
    if bytes > f64::from(MAX_MESSAGE_BYTES) {
        return Err(format!(
            "\"{t}\" is more than {MAX_MESSAGE_BYTES} bytes (2 MiB), the largest message (see Limits in scenarios/README.md)"
        ));
    }
    Ok(Bytes(bytes as u64))
}

/// A duration, at most [`MAX_DURATION`].
fn parse_duration(text: &str) -> Result<SimDuration, String> {
    within_limit(super::units::parse_duration(text)?, text)
}

/// A run length (`run.duration`, a warm-up): [`parse_duration`], suggesting seconds for a
/// number written without a unit.
fn parse_run_length(text: &str) -> Result<SimDuration, String> {
    within_limit(super::units::parse_duration_suggesting(text, "s")?, text)
}

/// `d`, written `text`, if it is at most [`MAX_DURATION`].
fn within_limit(d: SimDuration, text: &str) -> Result<SimDuration, String> {
    if d > MAX_DURATION {
        return Err(format!(
            "\"{}\" is longer than {MAX_DURATION}, the limit of any duration in a scenario (30 days; see Limits in scenarios/README.md)",
            text.trim()
        ));
    }
    Ok(d)
}

/// Stands in for a distribution that failed validation (never reaches a model).
const PLACEHOLDER_DIST: Dist = Dist::Constant(SimDuration::ZERO);

/// "`a`, `b`" for messages, or "none" for an empty list.
/// The LCSs of a Pathway/XM scenario as `lcs_kill` names them, `PATHMON/CLASS`: every
/// generated PATHMON's distributed classes, in PATHMON then class order (`model::build`'s).
fn lcs_names(xm: &crate::scenario::PathwayXm) -> Vec<String> {
    let plan = crate::model::pathway_xm::assign(xm);
    let mut out = Vec::new();
    for pm in &plan.pathmons {
        for (k, class) in xm.server_classes.iter().enumerate() {
            if xm.distributed[k] {
                out.push(format!("{}/{}", pm.name, class.name));
            }
        }
    }
    out
}

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

#[cfg(test)]
mod tests {
    //! Tests of what a valid file turns into. What an invalid file must report is in
    //! `tests/data/invalid/` (checked by `tests/integration/fixtures.rs`).

    use super::pathway_xm::term_names;
    use super::*;
    use crate::scenario::{load, parse_str};

    const MINIMAL: &str = include_str!("../../../tests/data/valid/minimal.toml");
    const DISTRIBUTOR: &str = include_str!("../../../tests/data/valid/distributor.toml");
    const DOMAIN: &str = include_str!("../../../tests/data/valid/domain.toml");
    const XM: &str = include_str!("../../../tests/data/valid/pathway-xm.toml");

    /// `text` with `from` replaced by `to` (which must occur, so a test cannot silently test
    /// the unmodified file).
    fn edit(text: &str, from: &str, to: &str) -> String {
        assert!(text.contains(from), "`{from}` is not in the text");
        text.replacen(from, to, 1)
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
                warmup_requests: None,
                max_requests: None,
                drain: SimDuration::from_secs(10),
                sample_interval: SimDuration::from_secs(1),
                max_in_flight: 2_000_000,
                report_window: None,
            },
            system: System {
                processors: 4,
                cores: 1,
                processor_types: Vec::new(),
            },
            message_system: MessageSystem {
                cpu_per_message: us(10),
                cpu_per_kib: SimDuration::from_nanos(100),
                cpu_cross_processor_per_message: us(10),
                cpu_cross_processor_per_kib: SimDuration::from_nanos(100),
                latency_same_processor: us(15),
                latency_same_processor_per_kib: SimDuration::from_nanos(100),
                latency_cross_processor: us(30),
                latency_cross_processor_per_kib: SimDuration::from_nanos(250),
            },
            lan: Lan {
                pif_bandwidth_bps: 1e9,
                client_latency: us(100),
            },
            tcpip: TcpIp {
                stack: StackKind::Parallel,
                segment_cpu: us(15),
                per_segment_cpu: SimDuration::from_nanos(500),
                copy_cpu_per_kib: SimDuration::from_nanos(100),
                ack_cpu: SimDuration::from_nanos(250),
                mss: 1460,
                pifs: vec!["G4SA0.0.A".into()],
                failover: vec![],
                shared_ip: false,
                connect_cpu: us(75),
                close_cpu: us(25),
                backlog: 5,
                syn_retry: SimDuration::from_secs(1),
                syn_retries: 3,
                processes: vec![],
                priority: 199,
                clims: vec![],
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
                pathsend_api: PathsendApi::Send,
                pair: false,
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
            pathway: PathwayLimits::of(LinkManagerKind::Linkmon),
            workload: Some(Workload {
                listener: 0,
                // 1000/s: mean inter-arrival 1 ms.
                arrivals: Arrivals::Open {
                    interarrival: Dist::Exponential { mean: us(1000) },
                },
                requests_per_connection: 1,
                request_bytes: MessageSize::bytes(1024),
                reply_bytes: MessageSize::bytes(4096),
                abandon_after: None,
                abandon: Abandon::Serve,
                send_to: SendTarget::Pathmon(0),
                mix: vec![(0, 1.0)],
                retry: None,
            }),
            pathway_xm: None,
            faults: Faults::default(),
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
                processor: 5,
                pifs: vec!["G4SA0.0.C".into()],
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
    fn arrivals_are_open_or_closed() {
        let closed = edit(MINIMAL, "kind = \"open\"", "kind = \"closed\"");
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
    fn an_overridden_value_is_reported_at_its_set_argument() {
        // Issue 7: a `--set` problem named a line past the end of the file; it names the
        // argument instead.
        let err =
            parse_str(MINIMAL, "x.toml", &["listener[0].processors[1]=9".into()]).unwrap_err();
        assert_eq!(
            err.to_string(),
            "--set listener[0].processors[1]=9: listener[0].processors[1]: processor 9 does not exist; allowed 0..=3 (system.processors = 4)"
        );
        // A new table made by `--set` is the argument's too, and so is a value inside a
        // replaced array.
        let err = parse_str(
            MINIMAL,
            "x.toml",
            &[
                "lan.client_latency=fast".into(),
                "listener[0].processors=[0, 7]".into(),
            ],
        )
        .unwrap_err();
        let lines: Vec<String> = err.problems.iter().map(|p| p.to_string()).collect();
        assert_eq!(
            lines,
            [
                "--set lan.client_latency=fast: lan.client_latency: expected a duration such as \"250us\", got \"fast\" (units: ns, us, ms, s, min, h, day)",
                "--set listener[0].processors=[0, 7]: listener[0].processors[1]: processor 7 does not exist; allowed 0..=3 (system.processors = 4)",
            ]
        );
        // A problem elsewhere still points at the file.
        let err = parse_str(MINIMAL, "x.toml", &["run.warmup=20s".into()]).unwrap_err();
        assert_eq!(err.problems[0].origin, "--set run.warmup=20s");
    }

    #[test]
    fn a_rate_without_unit_from_set_gets_the_unit_hint() {
        // Issue 7: `--set workload.rate=12000` gave serde's type error.
        let err = parse_str(MINIMAL, "x.toml", &["workload.rate=12000".into()]).unwrap_err();
        assert_eq!(
            err.to_string(),
            "--set workload.rate=12000: workload.rate: missing unit in \"12000\"; write e.g. \"12000/s\" (per ns, us, ms, s, min, h, day)"
        );
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
        assert_eq!(err.problems[0].origin, "--set listener[3].port=1");
        assert_eq!(err.problems[0].field, "listener[3].port");
        assert!(err.problems[0].message.contains("index 3 is out of range"));
        assert!(
            err.to_string()
                .starts_with("--set listener[3].port=1: listener[3].port: index 3"),
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
    fn ts_mp_attribute_rules() {
        let class = "name = \"A\"\nmaxservers = 0";
        let with = |attrs: &str| {
            edit(
                MINIMAL,
                class,
                &format!("name = \"A\"\ncpus = [0]\n{attrs}"),
            )
        };
        // Without MAXLINKS (unlimited) any LINKDEPTH in range goes.
        parse_str(&with("linkdepth = 255"), "x.toml", &[]).unwrap();
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
        // With two domains, one named.
        let two = edit(
            DOMAIN,
            "[[server_class]]",
            "[[domain]]\nname = \"%TWO\"\npathmons = [\"$PM3\"]\n\n[[server_class]]",
        );
        let two = edit(
            &two,
            "kind = \"open\"",
            "send_to = \"%TWO\"\nkind = \"open\"",
        );
        let s = parse_str(&two, "x.toml", &[]).unwrap();
        assert_eq!(s.workload.unwrap().send_to, SendTarget::Domain(1));
    }

    #[test]
    fn a_distributor_needs_servers_somewhere_in_the_domain() {
        // One PATHMON of the domain with servers is enough.
        let some = edit(
            DOMAIN,
            "pathmon = \"$PM2\"\nmaxservers = 2\nnumstatic = 2",
            "pathmon = \"$PM2\"\nmaxservers = 0\nnumstatic = 0",
        );
        parse_str(&some, "x.toml", &[]).unwrap();
    }

    /// Issue 16 item 2.1: node ROLEs are read, and an explicit `type = "replicated"` is the
    /// same class as none.
    #[test]
    fn pathway_xm_node_roles_and_class_type() {
        let text = edit(
            XM,
            "name = \"CLI\"\n",
            "name = \"CLI\"\nrole = \"client\"\n",
        );
        let text = edit(
            &text,
            "name = \"SRV\"\n",
            "name = \"SRV\"\nrole = \"server\"\n",
        );
        let typed = edit(
            &text,
            "name = \"ORDERS\"\n",
            "name = \"ORDERS\"\ntype = \"replicated\"\n",
        );
        let x = parse_str(&typed, "x.toml", &[])
            .unwrap()
            .pathway_xm
            .unwrap();
        let roles: Vec<_> = x.nodes.iter().map(|n| n.role).collect();
        assert_eq!(roles, vec![Some(XmRole::Client), Some(XmRole::Server)]);
        let plain = parse_str(&text, "x.toml", &[]).unwrap().pathway_xm.unwrap();
        assert_eq!(x.server_classes, plain.server_classes);
        // PATHCOM's form of a CPU distribution is the same list.
        let pathcom = edit(
            &text,
            "cpus = [\"1:50\", \"2:25\", \"3:25\", \"5:0\"]",
            "cpus = \"1:50, 2:25, 3:25, 5:0\"",
        );
        let from_string = parse_str(&pathcom, "x.toml", &[])
            .unwrap()
            .pathway_xm
            .unwrap();
        assert_eq!(from_string.nodes, plain.nodes);
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
                    cpus: vec![(1, 50), (2, 25), (3, 25), (5, 0)],
                    role: None,
                },
                // `4` (a bare number) has weight 1.
                XmNode {
                    name: "SRV".into(),
                    cpus: vec![(0, 50), (4, 1), (5, 0)],
                    role: None,
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
    }

    #[test]
    fn servernet_message_cpu_defaults_to_the_same_processor_cpu() {
        let us = SimDuration::from_micros;
        let set = |v: &[&str]| {
            let v: Vec<String> = v.iter().map(|s| s.to_string()).collect();
            parse_str(MINIMAL, "x.toml", &v).unwrap().message_system
        };
        // Without the ServerNet keys, they follow the same-processor values as given.
        let m = set(&[
            "message_system.cpu_per_message=12us",
            "message_system.cpu_per_kib=2us",
        ]);
        assert_eq!(m.cpu_cross_processor_per_message, us(12));
        assert_eq!(m.cpu_cross_processor_per_kib, us(2));
        // Given, they stand on their own (0 included).
        let m = set(&[
            "message_system.cpu_per_message=12us",
            "message_system.cpu_cross_processor_per_message=20us",
            "message_system.cpu_cross_processor_per_kib=0us",
        ]);
        assert_eq!(
            (m.cpu_per_message, m.cpu_per_kib),
            (us(12), SimDuration::from_nanos(100))
        );
        assert_eq!(m.cpu_cross_processor_per_message, us(20));
        assert_eq!(m.cpu_cross_processor_per_kib, SimDuration::ZERO);
    }

    #[test]
    fn pathway_xm_message_sizes_default_to_nothing() {
        let xm = parse_str(XM, "x.toml", &[]).unwrap().pathway_xm.unwrap();
        assert_eq!(xm.request_bytes, MessageSize::bytes(0));
        assert_eq!(xm.reply_bytes, MessageSize::bytes(0));
        assert_eq!(xm.pathsend_api, PathsendApi::Send);
        let set = ["pathway_xm.reply_bytes=4096".to_string()];
        let xm = parse_str(XM, "x.toml", &set).unwrap().pathway_xm.unwrap();
        assert_eq!(xm.reply_bytes, MessageSize::bytes(4096));
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
    fn parallel_stack_allows_one_listener_per_processor_per_port() {
        let second = format!(
            "{MINIMAL}\n[[listener]]\nname = \"$PL2\"\nmodel = \"parallel\"\nprocessors = [1, 2]\n"
        );
        let second = edit(
            &second,
            "kind = \"open\"",
            "listener = \"$PL\"\nkind = \"open\"",
        );
        // Another port is fine.
        let other_port = edit(
            &second,
            "processors = [1, 2]",
            "processors = [1, 2]\nport = 3001",
        );
        parse_str(&other_port, "x.toml", &[]).unwrap();
    }
}
