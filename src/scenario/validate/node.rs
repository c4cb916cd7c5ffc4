//! `name`, `[run]`, `[system]`, `[message_system]` and `[lan]`: the node and how long it runs.

use super::*;

impl Checker {
    pub(super) fn scenario_name(&mut self, name: Option<&str>) -> String {
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

    pub(super) fn run(&mut self, run: Option<&RawRun>) -> RunControl {
        let Some(run) = run else {
            self.err("run", "missing table [run]; add it with at least a duration, e.g. [run] duration = \"30s\"");
            return RunControl {
                seed: 1,
                duration: SimDuration::ZERO,
                warmup: SimDuration::ZERO,
                warmup_requests: None,
                max_requests: None,
                drain: SimDuration::ZERO,
                sample_interval: SimDuration::ZERO,
                max_in_flight: DEFAULT_MAX_IN_FLIGHT,
                report_window: None,
            };
        };
        let duration = self.required_duration("run.duration", run.duration.as_ref(), "30s");
        if duration == Some(SimDuration::ZERO) {
            self.err(
                "run.duration",
                "duration must be greater than zero, e.g. \"30s\"",
            );
        }
        // A duration ("5s") or a request count ("1000 requests").
        let warmup_text = run.warmup.as_deref().unwrap_or("0s");
        let (warmup, warmup_requests) = if is_warmup_count(warmup_text) {
            let n = self.parse("run.warmup", warmup_text, parse_warmup_count);
            (SimDuration::ZERO, n)
        } else {
            let d = self.parse("run.warmup", warmup_text, parse_warmup_duration);
            (d.unwrap_or_default(), None)
        };
        if let (Some(n), Some(max)) = (warmup_requests, run.max_requests)
            && n >= max
        {
            self.err(
                "run.warmup",
                format!("warm-up ({n} requests) must be fewer than run.max_requests ({max})"),
            );
        }
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
                // The time series covers the drain too.
                let span = d.0.saturating_add(drain.0);
                let buckets = span.div_ceil(sample_interval.0);
                if buckets > MAX_SAMPLES {
                    let least = SimDuration(span.div_ceil(MAX_SAMPLES));
                    self.err(
                        "run.sample_interval",
                        format!(
                            "(run.duration + run.drain) / run.sample_interval gives {buckets} samples; at most {MAX_SAMPLES} allowed: make sample_interval at least {least}, or shorten the run or its drain"
                        ),
                    );
                }
            }
        }
        let max_in_flight = run.max_in_flight.unwrap_or(DEFAULT_MAX_IN_FLIGHT);
        if !(1..=MAX_MAX_IN_FLIGHT).contains(&max_in_flight) {
            self.err(
                "run.max_in_flight",
                format!(
                    "max_in_flight must be 1 to {MAX_MAX_IN_FLIGHT} requests (default {DEFAULT_MAX_IN_FLIGHT}); a request in flight needs about 250 bytes plus its events"
                ),
            );
        }
        RunControl {
            seed: run.seed.unwrap_or(1),
            duration: duration.unwrap_or_default(),
            warmup,
            warmup_requests,
            max_requests: run.max_requests,
            drain,
            sample_interval,
            max_in_flight,
            report_window: None,
        }
    }

    /// Returns the system and, when valid, its processor count.
    pub(super) fn system(
        &mut self,
        system: Option<&RawSystem>,
        types: &[RawProcessorType],
    ) -> (System, Option<u32>) {
        let Some(system) = system else {
            self.err(
                "system",
                "missing table [system]; add it with e.g. [system] processors = 4",
            );
            return (
                System {
                    processors: 0,
                    cores: 1,
                    processor_types: Vec::new(),
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
        let catalogue = self.processor_type_table(types);
        let names: Vec<String> = match (&system.processor_type, &system.processor_types) {
            (Some(_), Some(_)) => {
                self.err(
                    "system.processor_types",
                    "give either processor_type (every processor) or processor_types (one per processor), not both",
                );
                Vec::new()
            }
            (Some(one), None) => vec![one.clone(); processors.unwrap_or(0) as usize],
            (None, Some(each)) => {
                if let Some(n) = processors
                    && each.len() != n as usize
                {
                    self.err(
                        "system.processor_types",
                        format!(
                            "processor_types lists {} types for {n} processors; give one per processor, in CPU order",
                            each.len()
                        ),
                    );
                }
                each.clone()
            }
            (None, None) => Vec::new(),
        };
        if !names.is_empty() && system.cores.is_some() {
            self.err(
                "system.cores",
                "cores comes from the processor type when processor_type(s) is given; remove `cores` or set it in the [[processor_type]]",
            );
        }
        let mut processor_types = Vec::new();
        for (i, name) in names.iter().enumerate() {
            match catalogue.iter().find(|t| &t.name == name) {
                Some(t) => processor_types.push(t.clone()),
                None => {
                    let field = if system.processor_types.is_some() {
                        format!("system.processor_types[{i}]")
                    } else {
                        "system.processor_type".to_string()
                    };
                    let known = catalogue
                        .iter()
                        .map(|t| format!("`{}`", t.name))
                        .collect::<Vec<_>>()
                        .join(", ");
                    self.err(
                        field,
                        format!("unknown processor type `{name}`; known: {known} (or define it in a [[processor_type]])"),
                    );
                    if system.processor_type.is_some() {
                        break; // one message, not one per processor
                    }
                }
            }
        }
        if processor_types.len() != names.len() {
            processor_types.clear();
        }
        (
            System {
                processors: processors.unwrap_or(0),
                cores,
                processor_types,
            },
            processors,
        )
    }

    /// The built-in processor types followed by (or replaced by) the file's
    /// `[[processor_type]]` rows.
    fn processor_type_table(&mut self, raw: &[RawProcessorType]) -> Vec<ProcessorType> {
        let mut table = builtin_processor_types();
        let mut seen: Vec<&str> = Vec::new();
        for (i, t) in raw.iter().enumerate() {
            let field = format!("processor_type[{i}]");
            let Some(name) = t.name.as_deref() else {
                self.err(
                    &field,
                    "missing `name`; write e.g. name = \"fast\" and refer to it from system.processor_type",
                );
                continue;
            };
            if seen.contains(&name) {
                self.err(
                    format!("{field}.name"),
                    format!("processor type `{name}` is defined twice; names must be unique"),
                );
                continue;
            }
            seen.push(name);
            let speed = t.speed.unwrap_or(1.0);
            if !(MIN_SPEED..=MAX_SPEED).contains(&speed) {
                self.err(
                    format!("{field}.speed"),
                    format!("speed must be between {MIN_SPEED} and {MAX_SPEED} (relative to the processor the CPU costs are written for), got {speed}"),
                );
            }
            let cores = t.cores.unwrap_or(1);
            if !(1..=MAX_CORES).contains(&cores) {
                self.err(
                    format!("{field}.cores"),
                    format!("cores must be between 1 and {MAX_CORES}, got {cores}"),
                );
            }
            let dispatch_cpu = self.duration(
                &format!("{field}.dispatch_cpu"),
                t.dispatch_cpu.as_ref(),
                "0us",
            );
            // Per kind of cost, each defaulting to `speed`.
            let mut kind_speeds = [speed; 3];
            for (k, (key, value)) in [
                ("speed_message_system", t.speed_message_system),
                ("speed_tcpip", t.speed_tcpip),
                ("speed_application", t.speed_application),
            ]
            .into_iter()
            .enumerate()
            {
                let Some(v) = value else { continue };
                if !(MIN_SPEED..=MAX_SPEED).contains(&v) {
                    self.err(
                        format!("{field}.{key}"),
                        format!("{key} must be between {MIN_SPEED} and {MAX_SPEED} (relative to the processor the CPU costs are written for; leave it out to use `speed`), got {v}"),
                    );
                }
                kind_speeds[k] = v;
            }
            let threads = self.threads(&field, t.threads.as_ref());
            let row = ProcessorType {
                name: name.to_string(),
                speed,
                cores,
                dispatch_cpu,
                kind_speeds,
                threads,
            };
            match table.iter_mut().find(|b| b.name == name) {
                Some(b) => *b = row,
                None => table.push(row),
            }
        }
        table
    }

    /// A `[[processor_type]]`'s `threads` table: known kinds, 1..=MAX_THREADS each; sorted
    /// by kind (the map's order).
    fn threads(&mut self, field: &str, raw: Option<&BTreeMap<String, u32>>) -> Vec<(String, u32)> {
        let mut out = Vec::new();
        for (kind, &n) in raw.into_iter().flatten() {
            let at = format!("{field}.threads.{kind}");
            if !THREAD_KINDS.contains(&kind.as_str()) {
                let why = match kind.as_str() {
                    "server" => {
                        " (a Pathway server takes one request at a time off $RECEIVE, so it never has two bursts to run at once; give the class more servers instead)"
                    }
                    "clim" => {
                        " (a CLIM's stack runs in the CLIM, one process per CLIM core: see [[clim]] cores)"
                    }
                    _ => "",
                };
                let what = if why.is_empty() {
                    format!("unknown process kind `{kind}`")
                } else {
                    format!("`{kind}` cannot be given threads{why}")
                };
                self.err(
                    &at,
                    format!(
                        "{what}; threads may be given for {}",
                        THREAD_KINDS.join(", ")
                    ),
                );
                continue;
            }
            if !(1..=MAX_THREADS).contains(&n) {
                self.err(
                    &at,
                    format!("threads must be between 1 and {MAX_THREADS}, got {n}"),
                );
                continue;
            }
            out.push((kind.clone(), n));
        }
        out
    }

    pub(super) fn message_system(&mut self, raw: Option<&RawMessageSystem>) -> MessageSystem {
        let raw = raw.cloned().unwrap_or_default();
        let cpu_per_message = self.duration(
            "message_system.cpu_per_message",
            raw.cpu_per_message.as_ref(),
            "10us",
        );
        let cpu_per_kib = self.unit_cost(
            "message_system.cpu_per_kib",
            raw.cpu_per_kib.as_ref(),
            "0.1us",
        );
        // Without ServerNet values a message costs the same CPU within and across processors.
        let cross = |v: &mut Self, field: &str, text: Option<&String>, same: SimDuration| match text
        {
            Some(_) if field.ends_with("_per_kib") => v.unit_cost(field, text, "0us"),
            Some(_) => v.duration(field, text, "0us"),
            None => same,
        };
        MessageSystem {
            cpu_per_message,
            cpu_per_kib,
            cpu_cross_processor_per_message: cross(
                self,
                "message_system.cpu_cross_processor_per_message",
                raw.cpu_cross_processor_per_message.as_ref(),
                cpu_per_message,
            ),
            cpu_cross_processor_per_kib: cross(
                self,
                "message_system.cpu_cross_processor_per_kib",
                raw.cpu_cross_processor_per_kib.as_ref(),
                cpu_per_kib,
            ),
            latency_same_processor: self.duration(
                "message_system.latency_same_processor",
                raw.latency_same_processor.as_ref(),
                "15us",
            ),
            latency_same_processor_per_kib: self.unit_cost(
                "message_system.latency_same_processor_per_kib",
                raw.latency_same_processor_per_kib.as_ref(),
                "0.1us",
            ),
            latency_cross_processor: self.duration(
                "message_system.latency_cross_processor",
                raw.latency_cross_processor.as_ref(),
                "30us",
            ),
            latency_cross_processor_per_kib: self.unit_cost(
                "message_system.latency_cross_processor_per_kib",
                raw.latency_cross_processor_per_kib.as_ref(),
                "0.25us",
            ),
        }
    }

    pub(super) fn lan(&mut self, raw: Option<&RawLan>) -> Lan {
        let raw = raw.cloned().unwrap_or_default();
        let bandwidth = raw.pif_bandwidth.as_deref().unwrap_or("1Gb/s");
        let bps = self.parse("lan.pif_bandwidth", bandwidth, parse_bandwidth);
        if let Some(bps) = bps
            && !(MIN_BANDWIDTH_BPS..=MAX_BANDWIDTH_BPS).contains(&bps)
        {
            self.err(
                "lan.pif_bandwidth",
                format!("pif_bandwidth must be between 1Mb/s and 1000000Gb/s (1 Pb/s), got \"{bandwidth}\" (see Limits in scenarios/README.md)"),
            );
        }
        Lan {
            pif_bandwidth_bps: bps.unwrap_or(1e9),
            client_latency: self.duration(
                "lan.client_latency",
                raw.client_latency.as_ref(),
                "100us",
            ),
        }
    }
}

/// The shipped processor types: HPE NonStop model names, each with the manual page that
/// names it (`scenarios/README.md`, `[[processor_type]]`, has the table). Their speeds are
/// placeholders [I]: no manual publishes per-burst speeds, so they only order the models until
/// calibrated. Cores: an Integrity NonStop NS-series logical processor runs one instruction
/// stream (one processor element per blade element, NS1000 page-37, NS14000 page-103, NS16
/// page-50) [F]; NonStop X processors are multi-core Intel Xeon [F], but the cores per CPU, a
/// configuration choice, are not in the pages we have: 2 [I]. `NS7 X1` is the baseline the
/// shipped costs are written for (speed 1).
pub fn builtin_processor_types() -> Vec<ProcessorType> {
    let row = |name: &str, speed: f64, cores: u32| {
        ProcessorType::new(name, speed, cores, SimDuration::ZERO)
    };
    vec![
        row("NS1000", 0.25, 1),
        row("NS14000", 0.5, 1),
        row("NS16000", 0.5, 1),
        row("NS7 X1", 1.0, 2),
        row("NS8", 1.5, 2),
    ]
}

/// Whether a warm-up is written as a request count (`"1000 requests"`, `"1 request"`).
fn is_warmup_count(text: &str) -> bool {
    text.trim().ends_with("request") || text.trim().ends_with("requests")
}

/// A warm-up by request count, `"1000 requests"`.
fn parse_warmup_count(text: &str) -> Result<u64, String> {
    let t = text.trim();
    let number = t
        .strip_suffix("requests")
        .or_else(|| t.strip_suffix("request"))
        .unwrap_or(t);
    match number.trim().replace('_', "").parse::<u64>() {
        Ok(n) if (1..=MAX_WARMUP_REQUESTS).contains(&n) => Ok(n),
        _ => Err(format!(
            "expected a warm-up count such as \"1000 requests\" (a whole number from 1 to {MAX_WARMUP_REQUESTS}), got \"{text}\""
        )),
    }
}

/// A warm-up by time: a duration, with the count form named in the error.
fn parse_warmup_duration(text: &str) -> Result<SimDuration, String> {
    parse_run_length(text).map_err(|e| format!("{e}; or a request count such as \"1000 requests\""))
}
