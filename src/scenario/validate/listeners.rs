//! `[[listener]]`: listener processes, the TCP/IP process each instance listens through, and
//! the local servers a parallel listener with `serve = "local-server-class"` needs.

use super::*;

impl Checker {
    /// Listeners, aligned with the file's `[[listener]]` array. `process_names` are the
    /// conventional TCP/IP processes (empty otherwise).
    pub(super) fn listeners(
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
        self.at_most(
            "listener",
            raw.len() as u64,
            MAX_LISTENERS as u64,
            "the number of [[listener]]",
        );
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
            let processors = l
                .processors
                .as_ref()
                .map(|p| p.numbers().to_vec())
                .unwrap_or_default();
            match &l.processors {
                None => self.err(
                    format!("{field}.processors"),
                    "missing `processors`; list the processors to run one instance on each, e.g. processors = [0, 1]",
                ),
                Some(list) if list.numbers().is_empty() => self.err(
                    format!("{field}.processors"),
                    "processors must list at least one processor, e.g. processors = [0, 1]",
                ),
                Some(_) => {}
            }
            for (j, &p) in processors.iter().enumerate() {
                let at = format!("{field}.processors[{j}]");
                self.processor(&at, p);
                // Under the parallel stack a repeat is a port conflict, reported as such; CIP
                // allows several listening processes per processor per port [F CIP page-34].
                if stack == Some(StackKind::Conventional) && processors[..j].contains(&p) {
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
                pathsend_api: self
                    .pathsend_api(&format!("{field}.pathsend_api"), l.pathsend_api.as_deref()),
                pair: l.pair.unwrap_or(false),
            });
            if l.pair == Some(true) && self.processors.is_some_and(|n| n < 2) {
                self.err(
                    format!("{field}.pair"),
                    "a listener pair needs a backup in another processor, and [system] has one processor; remove pair or add processors",
                );
            }
        }
        listeners
    }

    /// `pathsend_api`: `"send"` (the default) or `"sendl"`.
    pub(super) fn pathsend_api(&mut self, field: &str, raw: Option<&str>) -> PathsendApi {
        match raw {
            None | Some("send") => PathsendApi::Send,
            Some("sendl") => PathsendApi::SendL,
            Some(other) => {
                self.err(
                    field,
                    format!("unknown pathsend_api `{other}`; allowed: \"send\" (SERVERCLASS_SEND_, messages up to 32767 bytes), \"sendl\" (SERVERCLASS_SENDL_, up to 2 MiB)"),
                );
                PathsendApi::Send
            }
        }
    }

    /// Resolves a listener's `tcpip` names to one process index per instance. Empty unless
    /// the stack is conventional and every name resolves.
    pub(super) fn listener_tcpip(
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
            (Some(StackKind::Cip), Some(_)) => {
                self.err(
                    &at,
                    "the CIP stack has no TCP/IP processes (its stack runs on the CLIMs); remove `tcpip` from this listener",
                );
                Vec::new()
            }
            (Some(StackKind::Conventional), None) => {
                if process_names.len() == 1 {
                    return vec![0; processors.len()];
                }
                // Each instance behind the TCP/IP process of its own processor (Figure 3-3),
                // when exactly one runs there.
                let own: Vec<Option<usize>> = processors
                    .iter()
                    .map(|&p| {
                        let mut here = (0..self.tcpip_processors.len())
                            .filter(|&i| self.tcpip_processors[i] == Some(p));
                        match (here.next(), here.next()) {
                            (Some(i), None) => Some(i),
                            _ => None,
                        }
                    })
                    .collect();
                if !own.is_empty() && own.iter().all(Option::is_some) {
                    return own.into_iter().flatten().collect();
                }
                if process_names.len() > 1 {
                    self.err(&at,
                        format!(
                            "missing `tcpip`; with {} TCP/IP processes, and not exactly one in each of this listener's processors, name the one each instance listens through: one per processor, or one for all, e.g. tcpip = [\"{}\"]",
                            process_names.len(),
                            process_names[0].as_deref().unwrap_or("$ZTC0")
                        ),
                    );
                }
                Vec::new()
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

    /// A distributor relays every request to a server process, so every class in the mix needs
    /// a definition reachable from `send_to` with servers (MAXSERVERS >= 1).
    /// A parallel listener serving through a local server class needs, for every class in
    /// the mix and every processor it runs on, a reachable definition with MAXSERVERS >= 1
    /// whose CPUS include that processor.
    pub(super) fn local_servers_reachable(
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
}
