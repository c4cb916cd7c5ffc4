//! Configuration advice: valid scenarios that a NonStop engineer would still change.
//!
//! Validation (`validate/`) rejects what cannot run; these warnings flag what runs but
//! behaves badly, citing the rule from the HP manuals: ACS domain weights that do not follow
//! the PATHMONs' server capacity (TS/MP Release Supplement, "Load Balancing PATHMON Link
//! Requests in a Pathway Domain"), and classes whose servers are all dynamic (TS/MP System
//! Management Manual: PATHMON does not balance dynamic servers; NUMSTATIC = MAXSERVERS is
//! recommended). `nssim check` prints them; a run goes on regardless.
//!
//! Also the sizing rules a TS/MP engineer applies (TS/MP System Management Manual, "Steps to
//! Optimum Link Configuration", TSMP-SM page-101/102), with N the number of processors whose
//! requesters (distributors) send to a class:
//! - links: MAXSERVERS x MAXLINKS >= N x ceil(MAXSERVERS / N), or some link manager cannot hold
//!   its share of the class's servers;
//! - link starvation at start-up (issue 16 item 1.8): MAXSERVERS x MAXLINKS exactly N x
//!   ceil(MAXSERVERS / N), with LINKDEPTH 1 (a link manager may hold a link to every server),
//!   leaves no slack: granting is first come, first served, so the link managers that ask
//!   first can take another's share and leave it with none (905 for the rest of the run);
//! - processor-failure margin: MAXSERVERS x MAXLINKS >= N x ceil((1 + 1/(N - 1)) x MAXSERVERS
//!   / N) = N x ceil(MAXSERVERS / (N - 1)) (HP's example: 120 servers over 6 processors, 20 per
//!   link manager, 24 with the margin, so MAXLINKS >= 2);
//! - listen backlog [I: the 1 % is a planning threshold, not a manual's] (issue 16 item 1.7):
//!   an open (or rate-profile, MMPP) workload offered above `explain`'s ceiling fills every
//!   backlog (the accepting processes fall behind; with `[pathway] limits = "unbounded"` the
//!   requests in flight grow until `run.max_in_flight` stops the run); below it, the chance that more connections
//!   than the backlog arrive while an instance accepts one is above 1 %, with Poisson arrivals
//!   and the accept's length its CPU stretched by the CPU queueing at the accepting process,
//!   1 / (1 - u) for its processor's utilisation u at the offered rate (M/M/1 response time);
//!   closed clients with a constant think time that all start together
//!   (`start = "after-think"`), more of them per listener instance than its backlog holds,
//!   connect together. With the default `start = "stationary"` they are spread over the think
//!   time and stay spread, so no warning;
//! - timeouts and client patience [I]: a server class TIMEOUT (904) or Pathsend call timeout
//!   (918) not shorter than the clients' mean patience (`workload.abandon_after`) fires, if at
//!   all, after most clients have gone, so the error reaches no one while the send holds its
//!   link and server; set the timeouts below the patience;
//! - TCP/IPv6 on multi-core processors [I]: the manuals describe the TCP/IPv6 library on
//!   single-core processors; multi-core NonStop X processors use CIP, where the stack runs on
//!   the CLIM, so the model's numbers for that combination have no manual behind them.
//!
//! - CIP (`check/cip.rs`): a node address without a failover interface, and a CLIM whose
//!   failure would overload the CLIM its addresses fail over to at an open workload's peak.
//!
//! Classes reached through an ACS domain are left to the weight rule (their links follow the
//! weights, not N).

mod cip;

use crate::engine::SimDuration;
use crate::scenario::types::{
    Arrivals, ClientStart, Dist, Domain, ListenerModel, Scenario, SendTarget, ServerClass,
    StackKind, Varying,
};

/// Above this chance of a full backlog during one accept, `check` warns [I].
const BACKLOG_OVERFLOW_MAX: f64 = 0.01;

/// How far (in percentage points) a PATHMON's weight may be from its share of MAXSERVERS
/// before the domain counts as unbalanced.
const WEIGHT_TOLERANCE_POINTS: f64 = 2.0;

/// What `explain` says about a scenario's capacity, for the rules that compare its load with
/// it (`model::Explanation::capacity` computes it; the scenario layer does not run models).
#[derive(Clone, Debug, PartialEq)]
pub struct Capacity {
    /// The throughput ceiling, the least of every bound [requests/s].
    pub ceiling_per_s: f64,
    /// The resources that bind, by name.
    pub bottleneck: String,
    /// Per processor: utilisation per request per second [s].
    pub cpu_busy_per_request_s: Vec<f64>,
}

/// Requests per second an open workload offers at its peak: the open rate, or the peak of a
/// profile or MMPP (its states are Poisson too); none for a replayed trace or closed clients.
pub fn peak_rate(arrivals: &Arrivals) -> Option<f64> {
    match arrivals {
        Arrivals::Open { interarrival } => {
            let mean_s = interarrival.mean().as_secs_f64();
            (mean_s > 0.0).then(|| 1.0 / mean_s)
        }
        Arrivals::Varying(Varying::Profile { points, .. }) => {
            Some(points.iter().map(|&(_, r)| r).fold(0.0, f64::max))
        }
        Arrivals::Varying(Varying::Mmpp { states }) => {
            Some(states.iter().map(|&(r, _)| r).fold(0.0, f64::max))
        }
        Arrivals::Varying(Varying::Trace(_)) | Arrivals::Closed { .. } => None,
    }
}

/// Every warning for `s` without its capacity (see [`warnings_with`]).
pub fn warnings(s: &Scenario) -> Vec<String> {
    warnings_with(s, None)
}

/// Every warning for `s`, each one line starting with `warning: `, in a fixed order: first
/// the domains (file order; within a domain, classes in the order of their first
/// `[[server_class]]`), then the server classes (file order), then the Pathway/XM server
/// classes (file order). With its `capacity` the listen-backlog rule counts CPU queueing and
/// compares the offered rate with the ceiling.
pub fn warnings_with(s: &Scenario, capacity: Option<&Capacity>) -> Vec<String> {
    let mut out = Vec::new();
    for domain in &s.domains {
        domain_weights(s, domain, &mut out);
    }
    for class in &s.server_classes {
        let owner = s
            .pathmons
            .get(class.pathmon)
            .map_or("?", |p| p.name.as_str());
        all_dynamic(class, owner, &mut out);
    }
    if let Some(xm) = &s.pathway_xm {
        // A distributed class has no CREATEDELAY: its LCS asks the process broker for
        // servers as its arrival rate outruns its service rate.
        for (class, _) in xm
            .server_classes
            .iter()
            .zip(&xm.distributed)
            .filter(|&(_, &d)| !d)
        {
            all_dynamic(class, "the Pathway/XM PATHMONs", &mut out);
        }
    }
    links_per_link_manager(s, &mut out);
    listen_backlog(s, capacity, &mut out);
    library_on_multicore(s, &mut out);
    timeouts_beyond_patience(s, &mut out);
    listener_pairs_blocked(s, &mut out);
    cip::warnings(s, &mut out);
    out
}

/// Listener pairs under round-robin filtering (parallel stack) whose backup's processor
/// already has a listener on the same port: [F] a backup taking over there gets an error and
/// cannot listen (V6-24 page-114, faults.md A.4), so the pair gives no protection.
fn listener_pairs_blocked(s: &Scenario, out: &mut Vec<String>) {
    if s.tcpip.stack != StackKind::Parallel || s.system.processors < 2 {
        return;
    }
    for l in s.listeners.iter().filter(|l| l.pair) {
        for &cpu in &l.processors {
            let backup = (cpu + 1) % s.system.processors;
            let Some(other) = s
                .listeners
                .iter()
                .find(|o| o.port == l.port && o.processors.contains(&backup))
            else {
                continue;
            };
            out.push(format!(
                "warning: listener {}: the backup of {}-{cpu} (processor {backup}) cannot take over: {}-{backup} already listens on port {} there, and a second listener cannot (V6-24 page-114); a failure of {}-{cpu} or its processor loses it. Leave processor {backup} without a listener on that port, or remove pair",
                l.name, l.name, other.name, l.port, l.name
            ));
        }
    }
}

/// The sizing rule for links: each of the N link managers sending to a class needs
/// ceil(MAXSERVERS / N) links (ceil(MAXSERVERS / (N - 1)) to take over a failed processor's
/// share), and the class has MAXSERVERS x MAXLINKS in all.
fn links_per_link_manager(s: &Scenario, out: &mut Vec<String>) {
    let Some(w) = &s.workload else { return };
    let SendTarget::Pathmon(target) = w.send_to else {
        return;
    };
    let Some(listener) = s.listeners.get(w.listener) else {
        return;
    };
    if listener.model != ListenerModel::Distributor {
        return;
    }
    let mut cpus = listener.processors.clone();
    cpus.sort_unstable();
    cpus.dedup();
    let n = cpus.len() as u64;
    for &(first, _) in &w.mix {
        let Some(name) = s.server_classes.get(first).map(|c| &c.name) else {
            continue;
        };
        let Some(class) = s
            .server_classes
            .iter()
            .find(|c| &c.name == name && c.pathmon == target)
        else {
            continue;
        };
        let (Some(maxlinks), true) = (class.maxlinks, class.maxservers > 0) else {
            continue;
        };
        let m = u64::from(class.maxservers);
        let links = m * u64::from(maxlinks);
        let owner = s
            .pathmons
            .get(class.pathmon)
            .map_or("?", |p| p.name.as_str());
        let share = m.div_ceil(n);
        let raise = |need: u64| need.div_ceil(m);
        if links < n * share {
            out.push(format!(
                "warning: server class {} in {owner}: MAXSERVERS {m} x MAXLINKS {maxlinks} = {links} links, but the {n} processors whose requesters send to it need ceil({m} / {n}) = {share} links each, {} in all, so some link manager cannot hold its share; raise MAXLINKS to {} (TS/MP System Management Manual, Steps to Optimum Link Configuration)",
                class.name,
                n * share,
                raise(n * share)
            ));
        } else if n >= 2 {
            if links == n * share && class.linkdepth == 1 && m > share {
                out.push(format!(
                    "warning: server class {} in {owner}: MAXSERVERS {m} x MAXLINKS {maxlinks} = {links} links are exactly the {n} link managers' shares of {share}, with no slack, and with LINKDEPTH 1 a link manager may hold a link to every server: links are granted first come, first served, so at start-up the link managers that ask first can take more than their share and leave another with none, whose sends then fail with 905 for the rest of the run; raise MAXLINKS to {} (PATHMON grants links on demand, TSMP25-SM page-67; 905's cause, PS-J page-112)",
                    class.name,
                    raise(n * share + 1)
                ));
            }
            let margin = m.div_ceil(n - 1);
            if links < n * margin {
                out.push(format!(
                    "warning: server class {} in {owner}: MAXSERVERS {m} x MAXLINKS {maxlinks} = {links} links do not cover a processor failure: with {n} processors sending to it each link manager needs ceil((1 + 1/{}) x {m} / {n}) = {margin} links, {} in all; raise MAXLINKS to {} (TS/MP System Management Manual, Steps to Optimum Link Configuration)",
                    class.name,
                    n - 1,
                    n * margin,
                    raise(n * margin)
                ));
            }
        }
    }
}

/// P(X > k) for X Poisson with mean `a`.
fn poisson_tail_above(a: f64, k: u32) -> f64 {
    let mut term = (-a).exp();
    let mut cdf = term;
    for i in 1..=k {
        term *= a / f64::from(i);
        cdf += term;
    }
    (1.0 - cdf).max(0.0)
}

/// The listen backlog against the connections that arrive while an instance accepts one.
fn listen_backlog(s: &Scenario, capacity: Option<&Capacity>, out: &mut Vec<String>) {
    let Some(w) = &s.workload else { return };
    let Some(listener) = s.listeners.get(w.listener) else {
        return;
    };
    let instances = listener.processors.len().max(1) as f64;
    let backlog = s.tcpip.backlog;
    let rate = peak_rate(&w.arrivals);
    match &w.arrivals {
        Arrivals::Open { .. } | Arrivals::Varying(_) => {
            let Some(rate) = rate.filter(|&r| r > 0.0) else {
                return;
            };
            if let Some(c) = capacity.filter(|c| rate > c.ceiling_per_s) {
                // With unbounded Pathsend limits nothing refuses the excess: the requests in
                // flight grow until `run.max_in_flight` stops the run.
                let unbounded = if s.pathway.sends_per_processor.is_none() {
                    format!(
                        "; with [pathway] limits = \"unbounded\" nothing refuses the excess, so the requests in flight grow until run.max_in_flight ({}) stops the run",
                        s.run.max_in_flight
                    )
                } else {
                    String::new()
                };
                out.push(format!(
                    "warning: listener {}: {rate:.0} requests/s offered exceed explain's ceiling of {:.0}/s ({}): while it lasts the queues grow without bound, the accepting processes fall behind and, once their listen backlogs of {backlog} fill, SYNs are dropped{unbounded}. Offer less, or add capacity where `nssim explain` says it binds",
                    listener.name, c.ceiling_per_s, c.bottleneck
                ));
                return;
            }
            // CPU queueing at the accepting process: its processor's utilisation at this
            // rate stretches an accept by 1 / (1 - u) (M/M/1 response time), busiest
            // instance's processor.
            let u = capacity.map_or(0.0, |c| {
                listener
                    .processors
                    .iter()
                    .filter_map(|&p| c.cpu_busy_per_request_s.get(p as usize))
                    .fold(0.0, |m: f64, &d| m.max(rate * d))
            });
            let stretch = 1.0 / (1.0 - u.min(0.999));
            // Connections per second at one instance: round robin (or one IP host per
            // instance) spreads them evenly.
            let per_instance = rate / f64::from(w.requests_per_connection) / instances;
            let mut accept = listener.accept_cpu;
            if s.tcpip.stack == StackKind::Parallel {
                accept += s.tcpip.connect_cpu;
            }
            let a = per_instance * accept.as_secs_f64() * stretch;
            let p = poisson_tail_above(a, backlog);
            let queued = if u > 0.0 {
                format!(
                    " ({:.1} us with CPU queueing at a processor {:.0} % busy)",
                    accept.as_secs_f64() * stretch * 1e6,
                    100.0 * u
                )
            } else {
                String::new()
            };
            if p > BACKLOG_OVERFLOW_MAX {
                out.push(format!(
                    "warning: listener {}: {per_instance:.0} connections/s reach each of its {} instances and one accept takes {accept}{queued}, so {a:.2} arrive during an accept on average; the chance that more than the backlog of {backlog} do is {:.1} % (Poisson, over 1 %): SYNs will be dropped. Spread the listener over more processors, reuse connections longer (requests_per_connection) or raise the backlog",
                    listener.name,
                    instances as u64,
                    100.0 * p
                ));
            }
        }
        Arrivals::Closed {
            clients,
            think,
            start,
        } => {
            // Spread at the start, clients with a constant think time stay spread.
            if !matches!(think, Dist::Constant(_)) || *start == ClientStart::Stationary {
                return;
            }
            let per_instance = f64::from(*clients) / instances;
            if per_instance > f64::from(backlog) {
                out.push(format!(
                    "warning: listener {}: {clients} closed clients with a constant think time that start together (start = \"after-think\") share its {} instances ({per_instance:.1} each) but a backlog holds {backlog}: clients that think alike connect together and SYNs beyond the backlog are dropped. Use start = \"stationary\", a think time that varies, fewer clients per instance, or a larger backlog",
                    listener.name,
                    instances as u64,
                ));
            }
        }
    }
}

/// Pathsend timeouts that fire after the clients' mean patience: their errors find no client
/// waiting [I].
fn timeouts_beyond_patience(s: &Scenario, out: &mut Vec<String>) {
    // The clients' patience and the classes they send to, with their owners' names.
    let (patience, classes): (&Dist, Vec<(&ServerClass, &str)>) = match (&s.workload, &s.pathway_xm)
    {
        (Some(w), _) => {
            let Some(p) = &w.abandon_after else { return };
            let mixed: Vec<&str> = w
                .mix
                .iter()
                .filter_map(|&(k, _)| s.server_classes.get(k).map(|c| c.name.as_str()))
                .collect();
            let classes = s
                .server_classes
                .iter()
                .filter(|c| mixed.contains(&c.name.as_str()))
                .map(|c| {
                    (
                        c,
                        s.pathmons.get(c.pathmon).map_or("?", |p| p.name.as_str()),
                    )
                })
                .collect();
            (p, classes)
        }
        (None, Some(xm)) => {
            let Some(p) = &xm.abandon_after else { return };
            let classes = xm
                .mix
                .iter()
                .filter_map(|&(k, _)| xm.server_classes.get(k))
                .map(|c| (c, "every Pathway/XM PATHMON"))
                .collect();
            (p, classes)
        }
        (None, None) => return,
    };
    let mean = patience.mean();
    let after = |what: String, t: SimDuration, error: u32| {
        format!(
            "warning: {what} of {} is not shorter than the clients' mean patience of {} (workload.abandon_after): most clients abandon before its {error} could reach them, while the send keeps its link and server busy [I] (under abandon = \"withdraw\", only a send already in service does). Set it below the clients' patience so the error reaches a waiting client",
            duration_text(t),
            duration_text(mean)
        )
    };
    for (class, owner) in classes {
        if let Some(t) = class.timeout.filter(|&t| t >= mean) {
            out.push(after(
                format!("server class {} ({owner}): its TIMEOUT", class.name),
                t,
                904,
            ));
        }
    }
    // A call timeout drawn per send is compared by its mean.
    if let Some(t) = s
        .pathway
        .send_timeout
        .as_ref()
        .map(Dist::mean)
        .filter(|&t| t >= mean)
    {
        out.push(after("pathway.send_timeout".to_string(), t, 918));
    }
}

/// The TCP/IPv6 library on multi-core processors: a combination no manual describes [I].
fn library_on_multicore(s: &Scenario, out: &mut Vec<String>) {
    if s.tcpip.stack != StackKind::Parallel || s.listeners.is_empty() {
        return;
    }
    let multicore: Vec<String> = (0..s.system.processors)
        .filter(|&cpu| s.system.processor_type(cpu).cores > 1)
        .map(|cpu| cpu.to_string())
        .collect();
    if multicore.is_empty() {
        return;
    }
    out.push(format!(
        "warning: the TCP/IPv6 library stack runs on multi-core processors ({}): the manuals describe TCP/IPv6 on single-core processors, and multi-core NonStop X systems use CIP, whose stack runs on the CLIM [I]; the numbers for this combination are the model's, not a manual's. Use one core per processor to follow the manuals",
        and_list(multicore.into_iter().map(|c| format!("cpu{c}")))
    ));
}

/// For each class defined in the domain's PATHMONs: the weights should be each PATHMON's share
/// of the class's MAXSERVERS (a PATHMON without the class counts 0). Under load ACS asks each
/// PATHMON for its weight's share of links; one with fewer servers cannot grant them, and the
/// others absorb the rest.
fn domain_weights(s: &Scenario, domain: &Domain, out: &mut Vec<String>) {
    let members = &domain.members;
    let mut names: Vec<&str> = Vec::new();
    for class in &s.server_classes {
        let in_domain = members.iter().any(|m| m.pathmon == class.pathmon);
        if in_domain && !names.contains(&class.name.as_str()) {
            names.push(&class.name);
        }
    }
    for name in names {
        let maxservers: Vec<u32> = members
            .iter()
            .map(|m| {
                s.server_classes
                    .iter()
                    .find(|c| c.pathmon == m.pathmon && c.name == name)
                    .map_or(0, |c| c.maxservers)
            })
            .collect();
        let total: u32 = maxservers.iter().sum();
        if total == 0 {
            continue; // no servers anywhere: nothing to balance
        }
        let shares: Vec<f64> = maxservers
            .iter()
            .map(|&n| 100.0 * f64::from(n) / f64::from(total))
            .collect();
        let off = |i: usize| members[i].weight - shares[i];
        if !(0..members.len()).any(|i| off(i).abs() > WEIGHT_TOLERANCE_POINTS) {
            continue;
        }
        // Who asks for more than its servers can give: those well over their share, or, when
        // the imbalance is spread thinly, every one over it.
        let mut over: Vec<usize> = (0..members.len())
            .filter(|&i| off(i) > WEIGHT_TOLERANCE_POINTS)
            .collect();
        if over.is_empty() {
            over = (0..members.len()).filter(|&i| off(i) > 1e-9).collect();
        }
        let pathmon = |i: usize| {
            s.pathmons
                .get(members[i].pathmon)
                .map_or("?", |p| p.name.as_str())
        };
        let weights = (0..members.len())
            .map(|i| format!("{}:{}", pathmon(i), percent(members[i].weight)))
            .collect::<Vec<_>>()
            .join(", ");
        let counts = maxservers
            .iter()
            .map(u32::to_string)
            .collect::<Vec<_>>()
            .join(", ");
        let share_list = shares
            .iter()
            .map(|&p| format!("{} %", percent(p)))
            .collect::<Vec<_>>()
            .join(", ");
        let who = and_list(over.iter().map(|&i| pathmon(i).to_string()));
        let asked = and_list(
            over.iter()
                .map(|&i| format!("{} %", percent(members[i].weight))),
        );
        let its = if over.len() == 1 { "its" } else { "their" };
        let suggested = largest_remainder(&maxservers)
            .iter()
            .enumerate()
            .map(|(i, w)| format!("{}:{w}", pathmon(i)))
            .collect::<Vec<_>>()
            .join(", ");
        out.push(format!(
            "warning: domain {}, server class {name}: PATHMON weights {weights} do not match MAXSERVERS {counts} ({share_list}); under load {who} cannot take {its} {asked} of link requests and the other PATHMONs absorb them. Weights matching MAXSERVERS: {} = {suggested}",
            domain.name, domain.name
        ));
    }
}

/// Dynamic servers are created only after a send has waited CREATEDELAY, and PATHMON does not
/// balance load over them.
fn all_dynamic(class: &ServerClass, owner: &str, out: &mut Vec<String>) {
    if class.numstatic > 0 || class.maxservers == 0 {
        return;
    }
    let why = if class.createdelay.is_zero() {
        "each is created on demand, with its process creation on the request's path, and PATHMON does not balance load over dynamic servers".to_string()
    } else {
        format!(
            "the first sends wait CREATEDELAY ({}) before a server is created",
            duration_text(class.createdelay)
        )
    };
    out.push(format!(
        "warning: all servers of {} in {owner} are dynamic: {why}; HP recommends NUMSTATIC = MAXSERVERS",
        class.name
    ));
}

/// Integer weights totalling 100 proportional to `counts` (whose sum is > 0), by largest
/// remainder: each gets the floor of its exact share, and the points left over go to the
/// largest remainders, ties to the earlier member.
fn largest_remainder(counts: &[u32]) -> Vec<u32> {
    let total: u64 = counts.iter().map(|&n| u64::from(n)).sum();
    let exact: Vec<u64> = counts.iter().map(|&n| 100 * u64::from(n)).collect();
    let mut weights: Vec<u32> = exact
        .iter()
        .map(|&e| u32::try_from(e / total).expect("a share is at most 100"))
        .collect();
    let left = 100 - weights.iter().sum::<u32>();
    let mut order: Vec<usize> = (0..counts.len()).collect();
    // Stable sort: equal remainders keep member order.
    order.sort_by_key(|&i| std::cmp::Reverse(exact[i] % total));
    for &i in order.iter().take(left as usize) {
        weights[i] += 1;
    }
    weights
}

/// A percentage as written in ACSCTL: whole numbers bare, others with one decimal.
fn percent(p: f64) -> String {
    if (p - p.round()).abs() < 1e-9 {
        format!("{p:.0}")
    } else {
        format!("{p:.1}")
    }
}

/// "a", "a and b", "a, b and c".
fn and_list(items: impl IntoIterator<Item = String>) -> String {
    let items: Vec<String> = items.into_iter().collect();
    match items.split_last() {
        None => String::new(),
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
    }
}

/// A TS/MP delay the way the attribute is usually written: whole hours and minutes as `h` and
/// `min` (`1min`, not `60s`).
fn duration_text(d: SimDuration) -> String {
    const MINUTE_NS: u64 = 60_000_000_000;
    const HOUR_NS: u64 = 60 * MINUTE_NS;
    match d.as_nanos() {
        0 => d.to_string(),
        ns if ns % HOUR_NS == 0 => format!("{}h", ns / HOUR_NS),
        ns if ns % MINUTE_NS == 0 => format!("{}min", ns / MINUTE_NS),
        _ => d.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::parse_str;

    /// Three PATHMONs in processors 0-2 and domain %DOM with the given ACSCTL members; each
    /// class is defined, static (NUMSTATIC = MAXSERVERS), in the PATHMONs where its count is
    /// `Some(MAXSERVERS)`.
    fn domain_scenario(members: &str, classes: &[(&str, [Option<u32>; 3])]) -> String {
        let mut text = format!(
            r#"name = "acs-domain"

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

[[pathmon]]
name = "$PM2"
processor = 1

[[pathmon]]
name = "$PM3"
processor = 2

[[domain]]
name = "%DOM"
pathmons = [{members}]
"#
        );
        for (class, counts) in classes {
            for (pm, n) in ["$PM1", "$PM2", "$PM3"].iter().zip(counts) {
                let Some(n) = n else { continue };
                text.push_str(&format!(
                    "\n[[server_class]]\nname = \"{class}\"\npathmon = \"{pm}\"\nmaxservers = {n}\nnumstatic = {n}\nmaxlinks = 1\ncpus = [0, 1, 2, 3]\nservice = {{ dist = \"exponential\", mean = \"1ms\" }}\n"
                ));
            }
        }
        text.push_str(&format!(
            "\n[workload]\nkind = \"open\"\nrate = \"1000/s\"\nmix = {{ {} = 1 }}\n",
            classes[0].0
        ));
        text
    }

    /// The TS/MP Release Supplement's example: %DOM = $PM1:50, $PM2:10, $PM3:40, with
    /// SERVER-CORRECT's MAXSERVERS 10/2/8 (50/10/40 %, matching) and SERVER-WRONG's 2/10/8
    /// (10/50/40 %, not matching); LINKDEPTH = MAXLINKS = 1.
    fn seed_004() -> String {
        domain_scenario(
            r#""$PM1:50", "$PM2:10", "$PM3:40""#,
            &[
                ("SERVER-CORRECT", [Some(10), Some(2), Some(8)]),
                ("SERVER-WRONG", [Some(2), Some(10), Some(8)]),
            ],
        )
    }

    fn warnings_of(text: &str) -> Vec<String> {
        warnings(&parse_str(text, "x.toml", &[]).unwrap())
    }

    #[test]
    fn the_manuals_server_wrong_is_flagged_and_server_correct_is_not() {
        let all = warnings_of(&seed_004());
        assert_eq!(
            all,
            [
                "warning: domain %DOM, server class SERVER-WRONG: PATHMON weights $PM1:50, $PM2:10, $PM3:40 do not match MAXSERVERS 2, 10, 8 (10 %, 50 %, 40 %); under load $PM1 cannot take its 50 % of link requests and the other PATHMONs absorb them. Weights matching MAXSERVERS: %DOM = $PM1:10, $PM2:50, $PM3:40"
            ]
        );
    }

    #[test]
    fn two_points_off_is_tolerated_three_is_not() {
        // MAXSERVERS 10/2/8 is 50/10/40 %.
        let counts = [("A", [Some(10), Some(2), Some(8)])];
        let two = domain_scenario(r#""$PM1:52", "$PM2:8", "$PM3:40""#, &counts);
        assert_eq!(warnings_of(&two), Vec::<String>::new());
        let three = domain_scenario(r#""$PM1:53", "$PM2:7", "$PM3:40""#, &counts);
        let all = warnings_of(&three);
        assert_eq!(all.len(), 1, "{all:#?}");
        assert!(
            all[0].contains("server class A: PATHMON weights $PM1:53, $PM2:7, $PM3:40"),
            "{}",
            all[0]
        );
        assert!(
            all[0].contains("under load $PM1 cannot take its 53 % of link requests"),
            "{}",
            all[0]
        );
    }

    #[test]
    fn a_member_without_the_class_counts_zero_servers() {
        // $PM3 lacks X: shares 75/25/0 against weights 40/20/40 (the last the rest of 100).
        let text = domain_scenario(
            r#""$PM1:40", "$PM2:20", "$PM3""#,
            &[("X", [Some(3), Some(1), None])],
        );
        let all = warnings_of(&text);
        assert_eq!(all.len(), 1, "{all:#?}");
        assert!(
            all[0].contains("PATHMON weights $PM1:40, $PM2:20, $PM3:40 do not match MAXSERVERS 3, 1, 0 (75 %, 25 %, 0 %); under load $PM3 cannot take its 40 % of link requests"),
            "{}",
            all[0]
        );
        assert!(
            all[0].ends_with("%DOM = $PM1:75, $PM2:25, $PM3:0"),
            "{}",
            all[0]
        );
    }

    #[test]
    fn several_over_weighted_pathmons_are_named_together() {
        // MAXSERVERS 8/1/1 is 80/10/10 %; weights 34/33/33 put $PM2 and $PM3 23 points over.
        let text = domain_scenario(
            r#""$PM1:34", "$PM2", "$PM3""#,
            &[("X", [Some(8), Some(1), Some(1)])],
        );
        let all = warnings_of(&text);
        assert_eq!(all.len(), 1, "{all:#?}");
        assert!(
            all[0].contains("weights $PM1:34, $PM2:33, $PM3:33 do not match"),
            "{}",
            all[0]
        );
        assert!(
            all[0].contains(
                "under load $PM2 and $PM3 cannot take their 33 % and 33 % of link requests"
            ),
            "{}",
            all[0]
        );
        assert!(
            all[0].ends_with("%DOM = $PM1:80, $PM2:10, $PM3:10"),
            "{}",
            all[0]
        );
    }

    #[test]
    fn unequal_shares_of_the_rest_show_one_decimal() {
        // No weights: 100/3 each.
        let text = domain_scenario(
            r#""$PM1", "$PM2", "$PM3""#,
            &[("X", [Some(1), Some(1), Some(2)])],
        );
        let all = warnings_of(&text);
        assert_eq!(all.len(), 1, "{all:#?}");
        // Weights 33.3 each against 25/25/50 %: $PM1 and $PM2 are 8.3 points over.
        assert!(
            all[0].contains("weights $PM1:33.3, $PM2:33.3, $PM3:33.3 do not match MAXSERVERS 1, 1, 2 (25 %, 25 %, 50 %)"),
            "{}",
            all[0]
        );
        assert!(
            all[0].ends_with("%DOM = $PM1:25, $PM2:25, $PM3:50"),
            "{}",
            all[0]
        );
    }

    #[test]
    fn suggested_weights_round_by_largest_remainder() {
        // 1/1/1: 33.33 each, the one point left goes to the first.
        assert_eq!(largest_remainder(&[1, 1, 1]), [34, 33, 33]);
        // 2/10/8 is exact.
        assert_eq!(largest_remainder(&[2, 10, 8]), [10, 50, 40]);
        // 1/2/4: 14.29, 28.57, 57.14 -> floors 14, 28, 57 (99); the largest remainder (.57)
        // takes the last point.
        assert_eq!(largest_remainder(&[1, 2, 4]), [14, 29, 57]);
        assert_eq!(largest_remainder(&[0, 5]), [0, 100]);
        for counts in [[3u32, 7, 11, 13], [1, 1, 1, 1], [4095, 1, 0, 2]] {
            assert_eq!(largest_remainder(&counts).iter().sum::<u32>(), 100);
        }
    }

    #[test]
    fn dynamic_only_classes_are_flagged_in_file_order() {
        let text = seed_004()
            .replace(
                "name = \"SERVER-CORRECT\"\npathmon = \"$PM3\"\nmaxservers = 8\nnumstatic = 8",
                "name = \"SERVER-CORRECT\"\npathmon = \"$PM3\"\nmaxservers = 8\nnumstatic = 0\ncreatedelay = \"2h\"",
            )
            .replace(
                "name = \"SERVER-WRONG\"\npathmon = \"$PM2\"\nmaxservers = 10\nnumstatic = 10",
                "name = \"SERVER-WRONG\"\npathmon = \"$PM2\"\nmaxservers = 10\nnumstatic = 0",
            );
        let all = warnings_of(&text);
        assert_eq!(all.len(), 3, "{all:#?}");
        // The domain first, then the classes in file order.
        assert!(all[0].starts_with("warning: domain %DOM, server class SERVER-WRONG:"));
        assert_eq!(
            all[1],
            "warning: all servers of SERVER-CORRECT in $PM3 are dynamic: the first sends wait CREATEDELAY (2h) before a server is created; HP recommends NUMSTATIC = MAXSERVERS"
        );
        assert_eq!(
            all[2],
            "warning: all servers of SERVER-WRONG in $PM2 are dynamic: the first sends wait CREATEDELAY (1min) before a server is created; HP recommends NUMSTATIC = MAXSERVERS"
        );
    }

    #[test]
    fn no_warning_for_classes_without_servers_or_with_static_ones() {
        let text = r#"name = "p"

[run]
duration = "10s"

[system]
processors = 2

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

[[server_class]]
name = "B"
maxservers = 3
numstatic = 1
cpus = [0]
service = { dist = "exponential", mean = "100us" }

[[server_class]]
name = "C"
cpus = [1]
createdelay = "0s"
service = { dist = "exponential", mean = "100us" }

[workload]
kind = "open"
rate = "1000/s"
mix = { A = 1 }
"#;
        // C has the default MAXSERVERS 1 and NUMSTATIC 0.
        assert_eq!(
            warnings_of(text),
            [
                "warning: all servers of C in $PM are dynamic: each is created on demand, with its process creation on the request's path, and PATHMON does not balance load over dynamic servers; HP recommends NUMSTATIC = MAXSERVERS"
            ]
        );
    }

    #[test]
    fn shipped_files_load_and_warn_as_documented() {
        let repo = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let load = |rel: &str| {
            crate::scenario::load(&repo.join(rel), &[]).unwrap_or_else(|e| panic!("{rel}: {e}"))
        };
        for rel in [
            "scenarios/fig-3-3-distributor.toml",
            "scenarios/tcpipv6-distributor.toml",
            "scenarios/parallel-listener.toml",
            "tests/data/mm1.toml",
            "tests/data/mmc.toml",
            "tests/data/pathway-xm.toml",
        ] {
            assert_eq!(warnings(&load(rel)), Vec::<String>::new(), "{rel}");
        }
        // link-starvation.toml has exactly 3 x 2 links per class with LINKDEPTH 1 and breaks
        // the processor-failure margin on purpose (its header says so): two warnings per
        // class, the start-up starvation its run shows first.
        let starving = warnings(&load("scenarios/link-starvation.toml"));
        assert_eq!(starving.len(), 6, "{starving:#?}");
        for pair in starving.chunks(2) {
            assert!(
                pair[0].contains("exactly the 3 link managers' shares of 2")
                    && pair[0].contains("raise MAXLINKS to 2"),
                "{}",
                pair[0]
            );
            assert!(
                pair[1].contains("do not cover a processor failure"),
                "{}",
                pair[1]
            );
        }
        for rel in [
            "scenarios/acs-dynamic-servers.toml",
            "scenarios/acs-low-load.toml",
            "scenarios/acs-server-correct.toml",
            "scenarios/pathway-xm-terminals.toml",
        ] {
            assert_eq!(warnings(&load(rel)), Vec::<String>::new(), "{rel}");
        }
        let domain = warnings(&load("tests/data/acs-domain.toml"));
        assert_eq!(domain.len(), 1, "{domain:#?}");
        assert!(
            domain[0].ends_with("Weights matching MAXSERVERS: %DOM = $PM1:10, $PM2:50, $PM3:40"),
            "{}",
            domain[0]
        );
        let xm = load("tests/data/pathway-xm.toml").pathway_xm.unwrap();
        assert_eq!(xm.terms.len(), 40);
        assert_eq!(xm.terms[29].name, "T-ORD-030");
        assert_eq!(xm.terms[30].name, "T-QRY-001");
    }

    /// Distributors in `cpus`, one class of `maxservers` static servers and `maxlinks`, and
    /// the given `[workload]` body (without its mix) and backlog.
    fn sizing_scenario(
        cpus: &str,
        maxservers: u32,
        maxlinks: u32,
        workload: &str,
        extra: &str,
    ) -> String {
        format!(
            r#"name = "sizing"
[run]
duration = "10s"
[system]
processors = 8
{extra}
[tcpip]
stack = "parallel"
[[listener]]
name = "$DIST"
model = "distributor"
processors = {cpus}
accept_cpu = "30us"
[[server_class]]
name = "A"
maxservers = {maxservers}
numstatic = {maxservers}
maxlinks = {maxlinks}
cpus = [6, 7]
service = {{ dist = "exponential", mean = "1ms" }}
[workload]
{workload}
mix = {{ A = 1 }}
"#
        )
    }

    const OPEN: &str = "kind = \"open\"\nrate = \"1000/s\"";

    #[test]
    fn a_link_manager_that_cannot_hold_its_share_is_flagged_with_the_fix() {
        // 5 servers x 1 link over 3 processors: each needs ceil(5/3) = 2, 6 in all > 5.
        let w = warnings_of(&sizing_scenario("[0, 1, 2]", 5, 1, OPEN, ""));
        assert_eq!(w.len(), 1, "{w:#?}");
        assert!(
            w[0].contains("MAXSERVERS 5 x MAXLINKS 1 = 5 links"),
            "{}",
            w[0]
        );
        assert!(
            w[0].contains("need ceil(5 / 3) = 2 links each, 6 in all"),
            "{}",
            w[0]
        );
        assert!(w[0].contains("raise MAXLINKS to 2"), "{}", w[0]);
        // MAXLINKS 2 holds the share and the margin (ceil(5/2) = 3 each, 9 <= 10).
        assert_eq!(
            warnings_of(&sizing_scenario("[0, 1, 2]", 5, 2, OPEN, "")),
            Vec::<String>::new()
        );
    }

    #[test]
    fn exactly_n_shares_with_linkdepth_1_can_starve_a_link_manager() {
        // Issue 16 item 1.8: 6 x 1 links = 3 x 2 with LINKDEPTH 1 (link-starvation.toml's
        // classes). With 7 servers (share 3, 9 links needed) the share rule applies instead;
        // with MAXLINKS 2 there is slack.
        let w = warnings_of(&sizing_scenario("[0, 1, 2]", 6, 1, OPEN, ""));
        assert!(
            w[0].contains("6 links are exactly the 3 link managers' shares of 2"),
            "{w:#?}"
        );
        assert!(w[0].contains("fail with 905"), "{}", w[0]);
        let slack = warnings_of(&sizing_scenario("[0, 1, 2]", 6, 2, OPEN, ""));
        assert!(slack.iter().all(|w| !w.contains("exactly")), "{slack:#?}");
    }

    #[test]
    fn hp_example_120_servers_over_6_processors_needs_maxlinks_2_for_the_margin() {
        // 20 per link manager fits in 120 x 1, exactly: with LINKDEPTH 1 that can starve a
        // link manager at start-up (issue 16 item 1.8); with the margin 24 each, 144 > 120.
        let w = warnings_of(&sizing_scenario("[0, 1, 2, 3, 4, 5]", 120, 1, OPEN, ""));
        assert_eq!(w.len(), 2, "{w:#?}");
        assert!(
            w[0].contains("120 links are exactly the 6 link managers' shares of 20"),
            "{}",
            w[0]
        );
        assert!(
            w[1].contains("do not cover a processor failure"),
            "{}",
            w[1]
        );
        assert!(
            w[1].contains("= 24 links, 144 in all; raise MAXLINKS to 2"),
            "{}",
            w[1]
        );
        let ok = warnings_of(&sizing_scenario("[0, 1, 2, 3, 4, 5]", 120, 2, OPEN, ""));
        assert_eq!(ok, Vec::<String>::new());
        // One sending processor has no failure to survive.
        assert_eq!(
            warnings_of(&sizing_scenario("[0]", 1, 1, OPEN, "")),
            Vec::<String>::new()
        );
    }

    #[test]
    fn poisson_tail_is_exact_for_small_cases() {
        // P(X > 0) = 1 - e^-a; P(X > 1) = 1 - e^-a (1 + a).
        assert!((poisson_tail_above(0.5, 0) - (1.0 - (-0.5f64).exp())).abs() < 1e-12);
        assert!((poisson_tail_above(2.0, 1) - (1.0 - 3.0 * (-2.0f64).exp())).abs() < 1e-12);
    }

    #[test]
    fn a_backlog_that_overflows_during_one_accept_is_flagged() {
        // One instance, a connection per request at 100,000/s; one accept takes 30 us accept
        // + 75 us connect (TCP/IPv6 default): a = 10.5 arrivals, P(X > 5) is about 97 %.
        let busy = "kind = \"open\"\nrate = \"100000/s\"\nrequests_per_connection = 1";
        let w = warnings_of(&sizing_scenario("[0]", 1, 1, busy, ""));
        assert_eq!(w.len(), 1, "{w:#?}");
        assert!(w[0].contains("10.50 arrive during an accept"), "{}", w[0]);
        assert!(w[0].contains("backlog of 5"), "{}", w[0]);
        // At 1000/s, a = 0.105: P(X > 5) is about 2e-9.
        assert_eq!(
            warnings_of(&sizing_scenario("[0]", 1, 1, OPEN, "")),
            Vec::<String>::new()
        );
    }

    #[test]
    fn timeouts_past_the_clients_patience_are_flagged() {
        let patient = "kind = \"open\"\nrate = \"1000/s\"\nabandon_after = { dist = \"exponential\", mean = \"2s\" }";
        let with_timeout = |t: &str, extra: &str| {
            sizing_scenario("[0]", 1, 1, patient, extra).replace(
                "maxlinks = 1\n",
                &format!("maxlinks = 1\ntimeout = \"{t}\"\n"),
            )
        };
        let w = warnings_of(&with_timeout("3s", "[pathway]\nsend_timeout = \"2s\""));
        assert_eq!(w.len(), 2, "{w:#?}");
        assert!(
            w[0].starts_with("warning: server class A ($PM): its TIMEOUT of 3s is not shorter than the clients' mean patience of 2s"),
            "{}",
            w[0]
        );
        assert!(w[0].contains("its 904 could reach"), "{}", w[0]);
        assert!(
            w[1].starts_with("warning: pathway.send_timeout of 2s"),
            "{}",
            w[1]
        );
        assert!(w[1].contains("its 918"), "{}", w[1]);
        // Timeouts below the patience, or clients that wait for ever: nothing to say.
        let w = warnings_of(&with_timeout("1s", "[pathway]\nsend_timeout = \"1500ms\""));
        assert_eq!(w, Vec::<String>::new());
        // Pathway/XM terminals: the replicated classes' TIMEOUT against the terminals' patience.
        let repo = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let xm = crate::scenario::load(
            &repo.join("tests/data/pathway-xm.toml"),
            &[
                "pathway_xm.abandon_after={ dist = \"constant\", value = \"1s\" }".into(),
                "pathway_xm.server_class[0].timeout=2s".into(),
            ],
        )
        .unwrap();
        let w = warnings(&xm);
        assert_eq!(w.len(), 1, "{w:#?}");
        assert!(
            w[0].contains("(every Pathway/XM PATHMON): its TIMEOUT of 2s"),
            "{}",
            w[0]
        );
        let forever = sizing_scenario("[0]", 1, 1, OPEN, "")
            .replace("maxlinks = 1\n", "maxlinks = 1\ntimeout = \"30s\"\n");
        assert_eq!(warnings_of(&forever), Vec::<String>::new());
    }

    #[test]
    fn a_rate_profile_is_checked_at_its_peak() {
        // 1000/s, then a peak of 100,000/s: the peak overflows as a constant 100,000/s does.
        let peak = "kind = \"open\"\nrate = [{ at = \"0s\", rate = \"1000/s\" }, { at = \"1s\", rate = \"100000/s\" }]\nrequests_per_connection = 1";
        let w = warnings_of(&sizing_scenario("[0]", 1, 1, peak, ""));
        assert_eq!(w.len(), 1, "{w:#?}");
        assert!(w[0].contains("10.50 arrive during an accept"), "{}", w[0]);
    }

    #[test]
    fn lockstep_closed_clients_beyond_the_backlog_are_flagged() {
        let closed = |think: &str| {
            format!("kind = \"closed\"\nclients = 12\nthink = {think}\nstart = \"after-think\"")
        };
        // 12 clients over 2 instances = 6 each > 5.
        let w = warnings_of(&sizing_scenario(
            "[0, 1]",
            2,
            2,
            &closed("{ dist = \"constant\", value = \"1s\" }"),
            "",
        ));
        assert_eq!(w.len(), 1, "{w:#?}");
        assert!(
            w[0].contains("12 closed clients with a constant think time"),
            "{}",
            w[0]
        );
        // A think time that varies spreads them out.
        let varied = closed("{ dist = \"exponential\", mean = \"1s\" }");
        assert_eq!(
            warnings_of(&sizing_scenario("[0, 1]", 2, 2, &varied, "")),
            Vec::<String>::new()
        );
        // So does the default start: spread over the think time, they stay spread (issue 16
        // item 1.7).
        let stationary = closed("{ dist = \"constant\", value = \"1s\" }")
            .replace("start = \"after-think\"", "start = \"stationary\"");
        assert_eq!(
            warnings_of(&sizing_scenario("[0, 1]", 2, 2, &stationary, "")),
            Vec::<String>::new()
        );
    }

    #[test]
    fn the_library_stack_on_multicore_processors_is_flagged_as_inferred() {
        let w = warnings_of(&sizing_scenario(
            "[0]",
            1,
            1,
            OPEN,
            "processor_type = \"NS8\"",
        ));
        assert_eq!(w.len(), 1, "{w:#?}");
        assert!(
            w[0].contains("multi-core") && w[0].contains("[I]"),
            "{}",
            w[0]
        );
        assert!(w[0].contains("cpu0, cpu1"), "{}", w[0]);
    }

    #[test]
    fn delays_are_written_as_the_attribute_would_be() {
        assert_eq!(duration_text(SimDuration::from_secs(60)), "1min");
        assert_eq!(duration_text(SimDuration::from_secs(600)), "10min");
        assert_eq!(duration_text(SimDuration::from_secs(7200)), "2h");
        assert_eq!(duration_text(SimDuration::from_secs(90)), "90s");
        assert_eq!(duration_text(SimDuration::ZERO), "0ns");
        assert_eq!(percent(33.333_333), "33.3");
        assert_eq!(percent(50.0), "50");
    }
}
