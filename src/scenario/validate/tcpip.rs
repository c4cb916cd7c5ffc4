//! `[tcpip]`: the stack, its costs and TCP/IP processes; and which listener instances may
//! share a port (one IP host per conventional TCP/IP process, one listener per processor and port
//! under the parallel stack).

use super::*;

impl Checker {
    /// Returns the TCP/IP subsystem and the stack kind when it is valid. Without listeners the
    /// table may be left out: the parallel stack with every default, which nothing uses.
    pub(super) fn tcpip(
        &mut self,
        raw: Option<&RawTcpIp>,
        has_listeners: bool,
    ) -> (TcpIp, Option<StackKind>) {
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
        } else if backlog > BACKLOG_MAX {
            self.err(
                "tcpip.backlog",
                format!("backlog must be at most {BACKLOG_MAX} (SOMAXCONN), got {backlog}"),
            );
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
        } else if syn_retry > MAX_SYN_RETRY {
            self.err(
                "tcpip.syn_retry",
                format!("syn_retry must be at most {MAX_SYN_RETRY} (RFC 6298 starts at 1s), got {syn_retry}"),
            );
        }
        let syn_retries = raw.syn_retries.unwrap_or(3);
        self.at_most(
            "tcpip.syn_retries",
            u64::from(syn_retries),
            u64::from(MAX_SYN_RETRIES),
            "syn_retries",
        );
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
                let count = list.as_ref().map_or(0, Vec::len);
                self.at_most("tcpip.process", count as u64, MAX_TCPIP_PROCESSES as u64, "the number of [[tcpip.process]]");
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
            syn_retries,
            processes,
            priority: self.priority("tcpip.priority", raw.priority, 199),
        };
        (tcpip, stack)
    }

    /// Parallel stack: at most one listener instance per (processor, port). Conventional: at
    /// most one per (TCP/IP process, port), since each TCP/IP process is one IP host.
    pub(super) fn port_conflicts(
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
}
