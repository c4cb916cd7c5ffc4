//! `[workload]`: the client population, where its Pathsend requests go and its mix.

use super::*;

impl Checker {
    /// The workload and, when it resolved, where its Pathsend requests go.
    pub(super) fn workload(
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
        } else if self.at_most(
            "workload.requests_per_connection",
            u64::from(requests_per_connection),
            u64::from(MAX_REQUESTS_PER_CONNECTION),
            "requests_per_connection",
        ) && let Arrivals::Open { interarrival } = &arrivals
        {
            // A session's next arrival is up to requests_per_connection draws away.
            let top = max_draw(interarrival) * f64::from(requests_per_connection);
            if top > MAX_DRAW.as_nanos() as f64 {
                self.err(
                    "workload.requests_per_connection",
                    format!("{requests_per_connection} requests per connection at this inter-arrival time put sessions up to {:.3e} years apart, beyond the 50-year limit of one draw; use fewer requests per connection or a shorter inter-arrival time", top / 1e9 / (365.0 * 24.0 * 3600.0)),
                );
            }
        }
        let request_bytes =
            self.message_size("workload.request_bytes", w.request_bytes.as_ref(), 1024);
        let reply_bytes = self.message_size("workload.reply_bytes", w.reply_bytes.as_ref(), 4096);
        let abandon_after = self.patience("workload.abandon_after", w.abandon_after.as_ref());
        let abandon = self.abandon("workload.abandon", w.abandon.as_deref());
        let retry = w
            .retry
            .as_ref()
            .and_then(|r| self.retry("workload.retry", r));
        let send_to = self.send_to(w.send_to.as_ref(), pathway);
        let mix = self.workload_mix(w.mix.as_ref(), pathway, send_to);
        let workload = Workload {
            listener,
            arrivals,
            requests_per_connection,
            request_bytes,
            reply_bytes,
            abandon_after,
            abandon,
            send_to: send_to.unwrap_or(SendTarget::Pathmon(0)),
            mix,
            retry,
        };
        (workload, send_to)
    }

    /// `workload.retry` (or `pathway_xm.retry`, the table `at` names): attempts 1 ..=
    /// [`MAX_RETRY_ATTEMPTS`], a backoff of at least 0 and at most [`MAX_RETRY_BACKOFF`].
    /// None when it is no retry (`attempts = 1`) or wrong.
    pub(super) fn retry(&mut self, at: &str, r: &RawRetry) -> Option<Retry> {
        let attempts = match r.attempts {
            None => {
                self.err(
                    format!("{at}.attempts"),
                    format!("missing `attempts`: how many sends of one request in all, the first included, 1 ..= {MAX_RETRY_ATTEMPTS}"),
                );
                None
            }
            Some(n) if !(1..=i64::from(MAX_RETRY_ATTEMPTS)).contains(&n) => {
                self.err(
                    format!("{at}.attempts"),
                    format!("attempts must be 1 ..= {MAX_RETRY_ATTEMPTS} (sends of one request in all, the first included; see Limits in scenarios/README.md), got {n}"),
                );
                None
            }
            Some(n) => Some(n as u32),
        };
        let field = &format!("{at}.backoff");
        let text = r.backoff.as_deref().unwrap_or("0s");
        let backoff = if text.trim_start().starts_with('-') {
            self.err(
                field,
                format!("backoff must be a duration of at least 0s, got `{text}`"),
            );
            None
        } else {
            let d = self.duration(field, r.backoff.as_ref(), "0s");
            if d > MAX_RETRY_BACKOFF {
                self.err(
                    field,
                    format!("backoff must be at most {MAX_RETRY_BACKOFF} (see Limits in scenarios/README.md), got {d}"),
                );
                None
            } else {
                Some(d)
            }
        };
        let errors = match &r.errors {
            None => Some(ErrorSet::of(&ErrorSet::DEFAULT)),
            Some(list) => {
                let bad: Vec<String> = list
                    .iter()
                    .filter(|&&c| !ErrorSet::ALLOWED.iter().any(|&a| i64::from(a) == c))
                    .map(|c| c.to_string())
                    .collect();
                if bad.is_empty() {
                    let codes: Vec<u16> = list.iter().map(|&c| c as u16).collect();
                    Some(ErrorSet::of(&codes))
                } else {
                    self.err(
                        format!("{at}.errors"),
                        format!(
                            "{} cannot be retried: list Pathsend errors the model returns before a send reaches a server ({}), got {}",
                            if bad.len() == 1 { "this error" } else { "these errors" },
                            ErrorSet::ALLOWED.map(|c| c.to_string()).join(", "),
                            bad.join(", ")
                        ),
                    );
                    None
                }
            }
        };
        let field = &format!("{at}.tmf_abort_delay");
        let text = r.tmf_abort_delay.as_deref().unwrap_or("50ms");
        let tmf_abort_delay = if text.trim_start().starts_with('-') {
            self.err(
                field,
                format!("tmf_abort_delay must be a duration of at least 0s, got `{text}`"),
            );
            None
        } else {
            let d = self.duration(field, r.tmf_abort_delay.as_ref(), "50ms");
            if d > MAX_RETRY_BACKOFF {
                self.err(
                    field,
                    format!("tmf_abort_delay must be at most {MAX_RETRY_BACKOFF}, got {d}"),
                );
                None
            } else {
                Some(d)
            }
        };
        let retry = Retry {
            attempts: attempts?,
            backoff: backoff?,
            idempotent: r.idempotent.unwrap_or(true),
            tmf: r.tmf.unwrap_or(false),
            tmf_abort_delay: tmf_abort_delay?,
            errors: errors?,
        };
        (retry.attempts > 1).then_some(retry)
    }

    /// A client's patience (`abandon_after`): a distribution of mean at least
    /// [`MIN_PATIENCE`]; none when not given.
    pub(super) fn patience(&mut self, field: &str, raw: Option<&RawDist>) -> Option<Dist> {
        let patience = self.dist(field, raw?)?;
        if patience.mean() < MIN_PATIENCE {
            self.err(field, format!("a client's mean patience must be at least {MIN_PATIENCE} (see Limits in scenarios/README.md), got {}; remove `abandon_after` for clients that wait for ever", patience.mean()));
            return None;
        }
        Some(patience)
    }

    /// What an abandoned request does (`abandon`): `"serve"` (the default) or `"withdraw"`.
    pub(super) fn abandon(&mut self, field: &str, raw: Option<&str>) -> Abandon {
        match raw {
            None | Some("serve") => Abandon::Serve,
            Some("withdraw") => Abandon::Withdraw,
            Some(other) => {
                self.err(
                    field,
                    format!("unknown abandon `{other}`; allowed: \"serve\" (an abandoned request is served for no one), \"withdraw\" (it leaves a link or $RECEIVE queue)"),
                );
                Abandon::Serve
            }
        }
    }

    /// Resolves `workload.send_to`: a domain name, else a PATHMON name; by default the only
    /// domain, else the only PATHMON.
    pub(super) fn send_to(
        &mut self,
        name: Option<&String>,
        pathway: &PathwayNames,
    ) -> Option<SendTarget> {
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
    pub(super) fn workload_mix(
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
    pub(super) fn mix(
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
            if !weight.is_finite() || weight > MAX_MIX_WEIGHT {
                self.err(&at, format!("weight must be a number up to {MAX_MIX_WEIGHT:e}, got {weight}; weights are relative, so scale them all down"));
            } else if weight <= 0.0 {
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
    pub(super) fn arrivals(&mut self, w: &RawWorkload) -> Option<Arrivals> {
        let open_only = [
            ("rate", w.rate.is_some()),
            ("rate_shape", w.rate_shape.is_some()),
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
                if w.rate.is_some() && w.interarrival.is_some() {
                    self.err(
                        "workload.interarrival",
                        "give either `rate` or `interarrival`, not both",
                    );
                    return None;
                }
                let profile = matches!(w.rate, Some(toml::Value::Array(_)));
                if w.rate_shape.is_some() && !profile {
                    self.err(
                        "workload.rate_shape",
                        "`rate_shape` shapes a rate profile; give rate as an array of points, e.g. rate = [{ at = \"0s\", rate = \"5000/s\" }, { at = \"60s\", rate = \"20000/s\" }], or remove it",
                    );
                }
                match (&w.rate, &w.interarrival) {
                    (None, None) => {
                        self.err("workload", "an open workload needs `rate` (e.g. rate = \"1000/s\", a profile, an MMPP or a trace) or `interarrival`");
                        None
                    }
                    (Some(toml::Value::String(rate)), _) => {
                        let per_second = self.parse("workload.rate", rate, parse_rate)?;
                        if !(MIN_RATE_PER_S..=MAX_RATE_PER_S).contains(&per_second) {
                            self.err("workload.rate", format!("rate must be between 1/day and 10000000/s, got \"{rate}\" (see Limits in scenarios/README.md)"));
                            return None;
                        }
                        let mean = SimDuration::from_secs_f64(1.0 / per_second);
                        Some(Arrivals::Open {
                            interarrival: Dist::Exponential { mean },
                        })
                    }
                    (Some(toml::Value::Array(points)), _) => self
                        .profile(points, w.rate_shape.as_deref())
                        .map(Arrivals::Varying),
                    (Some(table @ toml::Value::Table(_)), _) => {
                        self.time_varying(table).map(Arrivals::Varying)
                    }
                    (Some(other), _) => {
                        self.err(
                            "workload.rate",
                            format!("rate must be a rate such as \"1000/s\", a profile (an array of points such as [{{ at = \"0s\", rate = \"5000/s\" }}, {{ at = \"60s\", rate = \"20000/s\" }}]) or a table {{ kind = \"mmpp\", ... }} or {{ kind = \"trace\", ... }}; got {}", other.type_str()),
                        );
                        None
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
                    Some(n) if n > MAX_CLIENTS => {
                        self.at_most(
                            "workload.clients",
                            u64::from(n),
                            u64::from(MAX_CLIENTS),
                            "clients",
                        );
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
}
