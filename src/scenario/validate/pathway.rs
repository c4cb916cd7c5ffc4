//! `[[pathmon]]`, `[[domain]]` and `[[server_class]]`: PATHMONs, ACS domains and the TS/MP
//! attributes of server classes; and the servers a distributor needs for its mix.

use super::*;

impl Checker {
    /// PATHMONs, aligned with the file's `[[pathmon]]` array; without any, the implicit `$PM`
    /// in processor 0 with every default.
    pub(super) fn pathmons(&mut self, raw: &[RawPathmon]) -> Vec<Pathmon> {
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
        self.at_most(
            "pathmon",
            raw.len() as u64,
            MAX_PATHMONS as u64,
            "the number of [[pathmon]]",
        );
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
    pub(super) fn pathmon_list(&self, pathmons: &[Pathmon]) -> String {
        let list = list_names(pathmons.iter().map(|p| &p.name));
        if self.implicit_pathmon {
            format!("{list} (implicit: the file has no [[pathmon]])")
        } else {
            list
        }
    }

    /// ACS Pathway domains, aligned with the file's `[[domain]]` array. Members whose PATHMON
    /// does not resolve are left out (and reported).
    pub(super) fn domains(&mut self, raw: &[RawDomain], pathmons: &[Pathmon]) -> Vec<Domain> {
        self.at_most(
            "domain",
            raw.len() as u64,
            MAX_DOMAINS as u64,
            "the number of [[domain]]",
        );
        let mut seen = HashMap::new();
        let mut domains = Vec::new();
        for (i, d) in raw.iter().enumerate() {
            let field = format!("domain[{i}]");
            let name =
                self.required_name(&format!("{field}.name"), d.name.as_ref(), "name = \"%DOM\"");
            if let Some(p) = pathmons.iter().position(|p| p.name == name) {
                // `workload.send_to` names a domain or a PATHMON: one name must not be both.
                self.err(
                    format!("{field}.name"),
                    format!("`{name}` is also the name of pathmon[{p}], so workload.send_to = \"{name}\" would be ambiguous; rename the domain or the PATHMON"),
                );
            }
            if !name.is_empty() && !name.starts_with('%') {
                self.err(
                    format!("{field}.name"),
                    format!("a Pathway domain name starts with `%`, as in ACSCTL; write e.g. name = \"%{name}\""),
                );
            }
            self.unique(&mut seen, &name, &format!("{field}.name"), "domain");
            let balance = match d.balance.as_deref() {
                None | Some("domain") => Balance::Domain,
                Some("processor") => Balance::Processor,
                Some(other) => {
                    self.err(
                        format!("{field}.balance"),
                        format!("unknown balance `{other}`; use \"domain\" (weights over the links held across the domain) or \"processor\" (over those held from each processor)"),
                    );
                    Balance::Domain
                }
            };
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
                    balance,
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
            domains.push(Domain {
                name,
                members,
                balance,
            });
        }
        domains
    }

    /// Server classes, aligned with the file's `[[server_class]]` array, with each one's
    /// PATHMON index when it resolved (`ServerClass::pathmon` is then 0 as a placeholder).
    pub(super) fn server_classes(
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
        self.at_most(
            "server_class",
            raw.len() as u64,
            MAX_SERVER_CLASSES as u64,
            "the number of [[server_class]]",
        );
        let total: u64 = raw
            .iter()
            .map(|c| u64::from(c.maxservers.unwrap_or(1)))
            .sum();
        self.at_most(
            "server_class",
            total,
            MAX_SERVER_PROCESSES,
            "MAXSERVERS summed over every [[server_class]]",
        );
        // (PATHMON, name) -> first class; name -> first class (for the same-work rule).
        let mut seen: HashMap<(usize, String), usize> = HashMap::new();
        let mut first: HashMap<String, usize> = HashMap::new();
        let mut classes: Vec<ServerClass> = Vec::new();
        let mut resolved: Vec<Option<usize>> = Vec::new();
        let mut work_valid = Vec::new();
        for (k, class) in raw.iter().enumerate() {
            let field = format!("server_class[{k}]");
            if class.class_type.is_some() {
                self.err(
                    format!("{field}.type"),
                    "type (REPLICATED, DISTRIBUTED) is a Pathway/XM attribute; remove it, or move the class into [[pathway_xm.server_class]]",
                );
            }
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
    pub(super) fn class_pathmon(
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
    pub(super) fn server_class(
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
        let written = class.cpus.as_ref().map(|c| c.numbers());
        let cpus = written.unwrap_or(default_cpus).to_vec();
        for (j, &p) in written.into_iter().flatten().enumerate() {
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
    pub(super) fn attribute_delay(
        &mut self,
        field: &str,
        key: &str,
        text: Option<&String>,
    ) -> SimDuration {
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
    pub(super) fn at_most_attribute_limit(&mut self, at: &str, key: &str, value: SimDuration) {
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

    pub(super) fn distributor_needs_servers(
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
}

/// The Pathway configuration that names resolve against: PATHMONs, domains, and the server
/// classes with the PATHMON each resolved to (`None` when its `pathmon` did not).
pub(super) struct PathwayNames<'a> {
    pub(super) pathmons: &'a [Pathmon],
    pub(super) domains: &'a [Domain],
    pub(super) classes: &'a [ServerClass],
    pub(super) class_pathmons: &'a [Option<usize>],
}

impl PathwayNames<'_> {
    /// The PATHMONs a send to `target` can reach.
    pub(super) fn reachable(&self, target: SendTarget) -> Vec<usize> {
        match target {
            SendTarget::Pathmon(p) => vec![p],
            SendTarget::Domain(d) => self.domains[d].members.iter().map(|m| m.pathmon).collect(),
        }
    }

    /// "PATHMON `$PM1`" or "any PATHMON of domain %DOM (`$PM1`, `$PM2`)".
    pub(super) fn describe(&self, target: SendTarget) -> String {
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
