//! `[pathway_xm]`: logical nodes, the PATHMON template, TCP templates, terminal groups
//! (expanded one `Term` per terminal) and the replicated server classes.

use super::*;

impl Checker {
    /// `[pathway_xm]`: nodes, the PATHMON template, TCP templates, terminals (expanded) and
    /// the replicated server classes.
    pub(super) fn pathway_xm(&mut self, x: &RawPathwayXm) -> PathwayXm {
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
                } else {
                    self.at_most(
                        "pathway_xm.pathmon.maxtcps",
                        u64::from(maxtcps),
                        u64::from(MAX_XM_TCPS_PER_PATHMON),
                        "maxtcps (MAXTCPS + MAXEXTERNALTCPS + MAXLINKMONS <= 800)",
                    );
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
        // Node ROLEs: servers in a server node, TCPs and PATHMONs in client nodes.
        let roles = [(
            "pathway_xm.server_node".to_string(),
            x.server_node.as_ref(),
            XmRole::Server,
        )]
        .into_iter()
        .chain(x.pathmon.as_ref().map(|p| {
            (
                "pathway_xm.pathmon.node".to_string(),
                p.node.as_ref(),
                XmRole::Client,
            )
        }))
        .chain(x.tcp_template.iter().enumerate().map(|(i, t)| {
            (
                format!("pathway_xm.tcp_template[{i}].node"),
                t.node.as_ref(),
                XmRole::Client,
            )
        }));
        for (field, name, want) in roles {
            self.xm_role(&field, name, &nodes, want);
        }
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
        self.at_most(
            "pathway_xm.server_class",
            x.server_class.len() as u64,
            MAX_SERVER_CLASSES as u64,
            "the number of [[pathway_xm.server_class]]",
        );
        let mut server_classes = Vec::new();
        let mut distributed = Vec::new();
        for (k, class) in x.server_class.iter().enumerate() {
            let field = format!("pathway_xm.server_class[{k}]");
            if class.pathmon.is_some() {
                self.err(
                    format!("{field}.pathmon"),
                    "Pathway/XM generates its PATHMONs and replicates every server class into each; remove `pathmon`",
                );
            }
            let is_distributed = match class.class_type.as_deref() {
                None | Some("replicated") => false,
                Some("distributed") => {
                    // LINKDEPTH is forced to 4095 (PXM page-221) and the PB places servers.
                    for (key, given) in [
                        ("maxlinks", class.maxlinks.is_some()),
                        ("linkdepth", class.linkdepth.is_some()),
                        ("createdelay", class.createdelay.is_some()),
                        ("deletedelay", class.deletedelay.is_some()),
                        ("cpus", class.cpus.is_some()),
                    ] {
                        if given {
                            self.err(
                                format!("{field}.{key}"),
                                format!("a distributed class has no links (LINKDEPTH is 4095) and its servers are placed by the server node's process broker, so `{key}` does not apply; remove it or write type = \"replicated\""),
                            );
                        }
                    }
                    if class.timeout.is_some() {
                        self.err(
                            format!("{field}.timeout"),
                            "TIMEOUT on a distributed class (the LCS's sends to its servers) is not modelled; remove timeout or write type = \"replicated\"",
                        );
                    }
                    true
                }
                Some(other) => {
                    self.err(
                        format!("{field}.type"),
                        format!("unknown server class type `{other}`; allowed: \"replicated\", \"distributed\" (the legacy \"direct\" is not modelled)"),
                    );
                    false
                }
            };
            distributed.push(is_distributed);
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
        self.xm_population(&tcp_templates, &terms, &pathmon, server_classes.len());
        let request_bytes =
            self.message_size("pathway_xm.request_bytes", x.request_bytes.as_ref(), 0);
        let reply_bytes = self.message_size("pathway_xm.reply_bytes", x.reply_bytes.as_ref(), 0);
        let pathsend_api = self.pathsend_api("pathway_xm.pathsend_api", x.pathsend_api.as_deref());
        // Every request and reply is one message between a TCP and a server.
        for (key, size) in [
            ("request_bytes", &request_bytes),
            ("reply_bytes", &reply_bytes),
        ] {
            self.fits_pathsend(
                &format!("pathway_xm.{key}"),
                size,
                pathsend_api,
                "the TCPs send every request and get every reply as one message",
                "set pathway_xm.pathsend_api = \"sendl\"",
            );
        }
        let abandon_after = self.patience("pathway_xm.abandon_after", x.abandon_after.as_ref());
        let abandon = self.abandon("pathway_xm.abandon", x.abandon.as_deref());
        let reservation = self.duration_within(
            "pathway_xm.reservation",
            x.reservation.as_ref(),
            "60s",
            (SimDuration::from_millis(1), SimDuration::from_secs(86_400)),
        );
        let lcs_window = self.duration_within(
            "pathway_xm.lcs_window",
            x.lcs_window.as_ref(),
            "10s",
            (SimDuration::from_millis(10), SimDuration::from_secs(3_600)),
        );
        let retry = x
            .retry
            .as_ref()
            .and_then(|r| self.retry("pathway_xm.retry", r));
        PathwayXm {
            distributed,
            reservation,
            lcs_window,
            retry,
            nodes,
            pathmon,
            tcp_templates,
            terms,
            server_classes,
            server_node: server_node.unwrap_or(0),
            mix,
            request_bytes,
            reply_bytes,
            pathsend_api,
            abandon_after,
            abandon,
        }
    }

    /// An optional duration with a default, within `[lo, hi]`.
    fn duration_within(
        &mut self,
        field: &str,
        text: Option<&String>,
        default: &str,
        (lo, hi): (SimDuration, SimDuration),
    ) -> SimDuration {
        let d = self.duration(field, text, default);
        if text.is_some() && !(lo..=hi).contains(&d) {
            self.err(field, format!("must be between {lo} and {hi}, got {d}"));
            return lo;
        }
        d
    }

    /// The number of PATHMONs Pathway/XM will generate (the rule of `model::pathway_xm`:
    /// terminals per TCP = min(MAXTERMS, max(1, MAXSERVERPROCESSES / classes)), PATHMONs =
    /// TCPs / MAXTCPS, rounded up) must keep PATHMONs x classes within
    /// [`MAX_XM_PATHMON_CLASSES`].
    fn xm_population(
        &mut self,
        templates: &[TcpTemplate],
        terms: &[Term],
        pathmon: &XmPathmon,
        classes: usize,
    ) {
        if pathmon.maxtcps == 0 || templates.iter().any(|t| t.maxterms == 0) {
            return; // reported already
        }
        let mut per_template = vec![0u64; templates.len()];
        for term in terms {
            if let Some(n) = per_template.get_mut(term.template) {
                *n += 1;
            }
        }
        let tcps: u64 = templates
            .iter()
            .zip(&per_template)
            .map(|(t, &n)| {
                let by_links = match classes {
                    0 => t.maxterms,
                    c => (t.maxserverprocesses / c as u32).max(1),
                };
                n.div_ceil(u64::from(t.maxterms.min(by_links)))
            })
            .sum();
        let pathmons = tcps.div_ceil(u64::from(pathmon.maxtcps));
        let product = pathmons * classes as u64;
        if product > MAX_XM_PATHMON_CLASSES {
            self.err(
                "pathway_xm.pathmon.maxtcps",
                format!("these terminals need {tcps} TCPs under {pathmons} generated PATHMONs, and {pathmons} PATHMONs x {classes} replicated server classes = {product} is over the limit of {MAX_XM_PATHMON_CLASSES} (see Limits in scenarios/README.md); let each TCP serve more terminals (maxterms, maxserverprocesses) or each PATHMON control more TCPs (maxtcps)"),
            );
        }
    }

    /// A node named at `field` for a process of role `want` must not have the other ROLE.
    /// Unknown or missing names were reported by [`Checker::xm_node_ref`].
    fn xm_role(&mut self, field: &str, name: Option<&String>, nodes: &[XmNode], want: XmRole) {
        let Some(node) = name.and_then(|n| nodes.iter().find(|node| &node.name == n)) else {
            return;
        };
        if let Some(role) = node.role.filter(|&r| r != want) {
            let hosts = match want {
                XmRole::Server => "server processes",
                XmRole::Client => "TCPs and PATHMONs",
            };
            self.err(
                field,
                format!(
                    "node {} has role = \"{}\" but {hosts} need a {} node; name another node or set its role to \"{}\" (or leave role out)",
                    node.name,
                    role.name(),
                    want.name(),
                    want.name()
                ),
            );
        }
    }

    /// Resolves a node reference; `what` says what the node is for in the message.
    pub(super) fn xm_node_ref(
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
    pub(super) fn xm_nodes(&mut self, raw: &[RawXmNode]) -> Vec<XmNode> {
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
                        if !self.at_most(&at, u64::from(weight), u64::from(MAX_TERM_WEIGHT), "a CPU weight") {
                            continue;
                        }
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
            let role = match n.role.as_deref() {
                None => None,
                Some("client") => Some(XmRole::Client),
                Some("server") => Some(XmRole::Server),
                Some(other) => {
                    self.err(
                        format!("{field}.role"),
                        format!("unknown role `{other}`; allowed: \"client\" (TCPs, PATHMONs) or \"server\" (server processes)"),
                    );
                    None
                }
            };
            nodes.push(XmNode { name, cpus, role });
        }
        nodes
    }

    /// `[[pathway_xm.tcp_template]]`.
    pub(super) fn tcp_templates(
        &mut self,
        raw: &[RawTcpTemplate],
        nodes: &[&str],
    ) -> Vec<TcpTemplate> {
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
            } else {
                self.at_most(
                    &format!("{field}.maxterms"),
                    u64::from(maxterms),
                    u64::from(MAX_TCP_COUNT),
                    "maxterms (MAXTERMS)",
                );
            }
            let maxserverprocesses = t.maxserverprocesses.unwrap_or(64);
            if maxserverprocesses == 0 {
                self.err(
                    format!("{field}.maxserverprocesses"),
                    "maxserverprocesses (MAXSERVERPROCESSES) must be at least 1",
                );
            } else {
                self.at_most(
                    &format!("{field}.maxserverprocesses"),
                    u64::from(maxserverprocesses),
                    u64::from(MAX_TCP_COUNT),
                    "maxserverprocesses (MAXSERVERPROCESSES)",
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
    pub(super) fn terms(&mut self, raw: &[RawTerm], templates: &[&str]) -> Vec<Term> {
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
            } else {
                self.at_most(
                    &format!("{field}.weight"),
                    u64::from(weight),
                    u64::from(MAX_TERM_WEIGHT),
                    "weight (WEIGHT)",
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
pub(super) fn term_names(name: &str, count: u32) -> Vec<String> {
    if count == 1 {
        return vec![name.to_string()];
    }
    let width = count.to_string().len().max(3);
    (1..=count).map(|i| format!("{name}-{i:0width$}")).collect()
}
