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
        raw_clims: &[RawClim],
        has_listeners: bool,
    ) -> (TcpIp, Option<StackKind>) {
        let missing = raw.is_none();
        if missing && !has_listeners {
            let unused = RawTcpIp {
                stack: Some("parallel".to_string()),
                ..RawTcpIp::default()
            };
            return self.tcpip(Some(&unused), raw_clims, false);
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
            Some("cip") => Some(StackKind::Cip),
            Some(other) => {
                self.err(
                    "tcpip.stack",
                    format!(
                        "unknown stack `{other}`; allowed: \"conventional\", \"parallel\", \"cip\""
                    ),
                );
                None
            }
        };
        let clims = self.clims(raw_clims, stack);
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
            (Some(StackKind::Cip), Some(_)) => {
                self.err("tcpip.process", "the CIP stack has no TCP/IP processes (its stack runs on the CLIMs); remove [[tcpip.process]]");
            }
            (Some(StackKind::Conventional), None) => self.err(
                "tcpip.process",
                "the conventional stack needs at least one TCP/IP process; add e.g. [[tcpip.process]] name = \"$ZTC0\" processor = 0",
            ),
            (Some(StackKind::Conventional), Some(list)) if list.is_empty() => self.err(
                "tcpip.process",
                "the conventional stack needs at least one TCP/IP process; add e.g. [[tcpip.process]] name = \"$ZTC0\" processor = 0",
            ),
            (Some(StackKind::Parallel | StackKind::Cip), None) => {}
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
                    let pifs = match &process.pifs {
                        None => vec![default_pif_name(i)],
                        Some(list) => list.clone(),
                    };
                    processes.push(TcpIpProcess {
                        name,
                        processor,
                        pifs,
                    });
                }
            }
        }
        let host_pifs = match (stack, &raw.pifs) {
            (Some(StackKind::Conventional), Some(_)) => {
                self.err("tcpip.pifs", "under the conventional stack each TCP/IP process owns its PIFs: write `pifs` in its [[tcpip.process]] instead");
                Vec::new()
            }
            (Some(StackKind::Conventional), None) => Vec::new(),
            (_, Some(list)) => list.clone(),
            // CIP: an address on the first port of every CLIM.
            (Some(StackKind::Cip), None) => {
                clims.iter().map(|c| format!("{}.eth1", c.name)).collect()
            }
            (_, None) => vec![default_pif_name(0)],
        };
        let failover = self.pifs_and_failover(&raw, stack, &processes, &host_pifs, &clims);
        let mss = raw.mss.unwrap_or(1460);
        if !(MIN_MSS..=MAX_MSS).contains(&mss) {
            self.err(
                "tcpip.mss",
                format!("mss must be between {MIN_MSS} (the TCP default) and {MAX_MSS} (jumbo frames) bytes, got {mss}"),
            );
        }
        let tcpip = TcpIp {
            stack: stack.unwrap_or(StackKind::Conventional),
            segment_cpu: self.duration("tcpip.segment_cpu", raw.segment_cpu.as_ref(), "15us"),
            per_segment_cpu: self.unit_cost(
                "tcpip.per_segment_cpu",
                raw.per_segment_cpu.as_ref(),
                "0.5us",
            ),
            copy_cpu_per_kib: self.unit_cost(
                "tcpip.copy_cpu_per_kib",
                raw.copy_cpu_per_kib.as_ref(),
                "0.1us",
            ),
            ack_cpu: self.unit_cost("tcpip.ack_cpu", raw.ack_cpu.as_ref(), "0.25us"),
            mss,
            pifs: host_pifs,
            failover,
            shared_ip: raw.shared_ip.unwrap_or(false),
            connect_cpu: self.duration("tcpip.connect_cpu", raw.connect_cpu.as_ref(), "75us"),
            close_cpu: self.duration("tcpip.close_cpu", raw.close_cpu.as_ref(), "25us"),
            backlog,
            syn_retry,
            syn_retries,
            processes,
            priority: self.priority("tcpip.priority", raw.priority, 199),
            clims,
        };
        (tcpip, stack)
    }

    /// Every PIF name is well formed and belongs to one host (the parallel stack's one host, or
    /// one TCP/IP process); each failover pair is two PIFs of one host, none in two pairs.
    fn pifs_and_failover(
        &mut self,
        raw: &RawTcpIp,
        stack: Option<StackKind>,
        processes: &[TcpIpProcess],
        host_pifs: &[String],
        clims: &[Clim],
    ) -> Vec<[String; 2]> {
        // PIF name -> (host index, field of its first mention).
        let mut owner: BTreeMap<String, (usize, String)> = BTreeMap::new();
        let mut hosts: Vec<(String, &[String], Option<String>)> = Vec::new();
        if stack.is_some_and(StackKind::shared_host) {
            let field = raw.pifs.as_ref().map(|_| "tcpip.pifs".to_string());
            hosts.push(("the node's IP host".into(), host_pifs, field));
        }
        for (i, p) in processes.iter().enumerate() {
            let written = raw
                .process
                .as_ref()
                .and_then(|l| l.get(i))
                .and_then(|p| p.pifs.as_ref());
            let field = written.map(|_| format!("tcpip.process[{i}].pifs"));
            hosts.push((format!("`{}`", p.name), &p.pifs, field));
        }
        for (h, (who, pifs, field)) in hosts.iter().enumerate() {
            let field = field.clone().unwrap_or_else(|| "tcpip".to_string());
            if pifs.is_empty() {
                self.err(
                    &field,
                    format!("{who} needs at least one PIF, e.g. pifs = [\"G4SA0.0.A\"]"),
                );
            }
            for (j, name) in pifs.iter().enumerate() {
                let at = format!("{field}[{j}]");
                let parsed = if stack == Some(StackKind::Cip) {
                    super::clim::parse_clim_interface(name, clims).map(|_| ())
                } else {
                    parse_pif_name(name).map(|_| ())
                };
                if let Err(m) = parsed {
                    self.err(&at, m);
                    continue;
                }
                match owner.get(name) {
                    Some((o, _)) => {
                        let what = if *o == h {
                            format!("{who} lists PIF {name} twice")
                        } else {
                            format!(
                                "PIF {name} already belongs to {}; a PIF (and its LIF) belongs to one IP host",
                                hosts[*o].0
                            )
                        };
                        self.err(&at, what);
                    }
                    None => {
                        owner.insert(name.clone(), (h, at));
                    }
                }
            }
        }
        let mut pairs = Vec::new();
        let mut paired: BTreeMap<String, usize> = BTreeMap::new();
        for (k, pair) in raw.failover.iter().flatten().enumerate() {
            let field = format!("tcpip.failover[{k}]");
            let [a, b] = pair.as_slice() else {
                self.err(&field, format!("a failover pair is two PIFs of one host, e.g. [\"G4SA0.0.A\", \"G4SA1.0.A\"]; got {} names", pair.len()));
                continue;
            };
            let (Some((ha, _)), Some((hb, _))) = (owner.get(a), owner.get(b)) else {
                let missing = if owner.contains_key(a) { b } else { a };
                let known: Vec<&String> = owner.keys().collect();
                self.err(
                    &field,
                    format!(
                        "PIF {missing} belongs to no IP host; the hosts' PIFs are {}",
                        list_names(known)
                    ),
                );
                continue;
            };
            if a == b {
                self.err(
                    &field,
                    format!("a failover pair needs two different PIFs, got {a} twice"),
                );
            } else if stack == Some(StackKind::Cip)
                && super::clim::parse_clim_interface(a, clims).ok()
                    == super::clim::parse_clim_interface(b, clims).ok()
            {
                self.err(&field, format!("{a} and {b} are on the same CLIM; CIP fails an interface over to an interface of another CLIM (CIP page-39)"));
            } else if ha != hb {
                self.err(&field, format!("{a} belongs to {} and {b} to {}; a failover pair is two LIFs of one IP host", hosts[*ha].0, hosts[*hb].0));
            } else if let Some(&other) = paired.get(a).or_else(|| paired.get(b)) {
                self.err(&field, format!("a PIF is in at most one failover pair; tcpip.failover[{other}] already pairs {}", if paired.contains_key(a) { a } else { b }));
            } else {
                paired.insert(a.clone(), k);
                paired.insert(b.clone(), k);
                pairs.push([a.clone(), b.clone()]);
            }
        }
        pairs
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
                    // [F CIP page-34] Any number of listening processes per processor per port.
                    StackKind::Cip => continue,
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
                    StackKind::Cip => {}
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

/// The PIF a host gets by default: the `i`-th port, four per G4SA adapter (`G4SA0.0.A`, ...,
/// `G4SA0.0.D`, `G4SA1.0.A`, ...).
pub(crate) fn default_pif_name(i: usize) -> String {
    let port = (b'A' + (i % 4) as u8) as char;
    format!("G4SA{}.0.{port}", i / 4)
}

/// Reads `G4SA<adapter>.0.<port>`: the adapter number (0 ..= [`MAX_LAN_ADAPTERS`] - 1) and the
/// port (`A` ..= `D`, the four ports of a G4SA).
pub(crate) fn parse_pif_name(name: &str) -> Result<(u32, u8), String> {
    let bad = || {
        format!(
            "PIF `{name}` is not a G4SA port name; write G4SA<adapter>.0.<port>, e.g. \"G4SA0.0.A\" (adapter 0..={}, port A..=D)",
            MAX_LAN_ADAPTERS - 1
        )
    };
    let rest = name.strip_prefix("G4SA").ok_or_else(bad)?;
    let (adapter, port) = rest.split_once(".0.").ok_or_else(bad)?;
    let adapter: u32 = adapter
        .parse()
        .ok()
        .filter(|a| *a < MAX_LAN_ADAPTERS && !adapter.starts_with('+'))
        .ok_or_else(bad)?;
    match port.as_bytes() {
        [p @ b'A'..=b'D'] => Ok((adapter, *p)),
        _ => Err(bad()),
    }
}
