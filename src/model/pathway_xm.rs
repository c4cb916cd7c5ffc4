//! Pathway/XM terminal load balancing: which TCP serves each TERM, which generated PATHMON
//! controls each TCP, and on which processors each process pair runs.
//!
//! What is modelled, in the order the Pathway/XM System Management Manual gives it ("Load
//! Balancing", p. 3-11; see `nonstop.md` section c):
//!
//! ```text
//!  TERMs ──group by TCP template──> sets of terminals
//!        ──terminals per TCP──────> number of TCPs per set
//!        ──spread by WEIGHT───────> TCPs with (nearly) equal total weight      $T0, $T1, ...
//!  TCPs  ──MAXTCPS per PATHMON────> number of PATHMONs
//!        ──spread by total weight─> PATHMONs with (nearly) equal total weight  $XM0, $XM1, ...
//!  each PATHMON pair and TCP pair ──NODE CPU weights──> primary and backup CPU
//! ```
//!
//! The manual says *what* is balanced but not *how*. Where it is silent, these rules are our
//! inference, not HPE's documented algorithm:
//! - terminals per TCP = min(MAXTERMS, max(1, MAXSERVERPROCESSES / server classes)): a terminal
//!   may need a link to every server class, so a TCP holding at most MAXSERVERPROCESSES server
//!   links serves at most that many / classes terminals. With no server classes the link limit
//!   does not bind and MAXTERMS alone decides;
//! - both spreads (terminals over TCPs, TCPs over PATHMONs) are the longest-processing-time
//!   greedy with a capacity: heaviest first, each to the least-loaded bin that has room;
//! - CPUs are picked by smooth weighted round-robin (nginx's algorithm) over the NODE's
//!   `(cpu, weight)` list, one sequence per node and per kind of process (PATHMON, TCP); the
//!   backup is the next CPU in the list after the primary.
//!
//! Simplified, and why:
//! - one PATHMON node: the manual creates PATHMON pairs in *each* node associated with the
//!   PATHMON object that has TCPs; our scenario names a single node, which is the common case;
//! - no TCP per PROGRAM object (the terminal-less TCP that creates temporary TERMs for RUN
//!   commands): nothing in the simulated workload issues RUN;
//! - WEIGHT is taken as configured; the manual's formula from code/data size and I/O rates is
//!   the user's business;
//! - placement is computed once, at configuration time: weight-0 CPUs are never primaries,
//!   only backups. Each NODE's process broker pair is placed the same way, as the first pair
//!   of the node's own sequence (the manual says a PB pair per NODE, not where it runs). How a node's weights change when a processor fails (weight-0 CPUs taking
//!   over, the failed CPU's weight spread) is the process broker's, in `process_broker.rs`.
//!
//! At run time each TCP planned here is a link manager of its own, with its own links, link
//! queues, MAXSERVERPROCESSES limit and back-off (`pathway/tcp.rs`).
//!
//! Everything here is a pure function of the configuration: no randomness, no hash order. Every
//! tie is broken by position (file order, TCP or PATHMON index, CPU list order), as the comments
//! at each tie say.

use std::cmp::Reverse;
use std::collections::{BTreeMap, BinaryHeap};

use crate::scenario::{PathwayXm, TcpTemplate, XmNode};

/// Where Pathway/XM places every terminal, TCP and PATHMON.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct XmAssignment {
    /// Generated PATHMON process pairs, `$XM0`, `$XM1`, ...
    pub pathmons: Vec<XmPathmonPlan>,
    /// TCP process pairs, `$T0`, `$T1`, ..., in creation order: template order, then index.
    pub tcps: Vec<XmTcpPlan>,
    /// For each terminal (index into `PathwayXm::terms`): the index into `tcps` serving it.
    pub term_tcp: Vec<usize>,
    /// The logical nodes, in configuration order, each with its process broker pair.
    pub nodes: Vec<XmNodePlan>,
}

/// One logical NODE and its process broker (PB) pair (one per NODE, PXM page-33).
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct XmNodePlan {
    /// NODE name.
    pub name: String,
    /// ROLE (`client`, `server`), `None` when not configured.
    pub role: Option<&'static str>,
    /// `(cpu, weight)` as configured.
    pub cpus: Vec<(u32, u32)>,
    /// Processors of the PB pair: primary and backup, by the NODE's weights as for PATHMON
    /// pairs [I] (no manual says where PXMCOM starts a PB); `None` when no weight is positive.
    pub pb: Option<(u32, Option<u32>)>,
}

/// One generated PATHMON process pair.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct XmPathmonPlan {
    /// Process name, `$XM0`, `$XM1`, ...
    pub name: String,
    /// Processor of the primary process.
    pub primary: u32,
    /// Processor of the backup process; `None` when its node has a single CPU.
    pub backup: Option<u32>,
    /// Indices into `XmAssignment::tcps` of the TCPs it controls, ascending.
    pub tcps: Vec<usize>,
    /// Sum of its TCPs' total terminal weight.
    pub total_weight: u64,
}

/// One TCP (Terminal Control Process) pair.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct XmTcpPlan {
    /// Process name, `$T0`, `$T1`, ...
    pub name: String,
    /// Index into `PathwayXm::tcp_templates` of the template it was created from.
    pub template: usize,
    /// Processor of the primary process.
    pub primary: u32,
    /// Processor of the backup process; `None` when its node has a single CPU.
    pub backup: Option<u32>,
    /// Index into `XmAssignment::pathmons` of the PATHMON that controls it.
    pub pathmon: usize,
    /// Indices into `PathwayXm::terms` of the terminals it serves, ascending (file order).
    pub terms: Vec<usize>,
    /// Sum of its terminals' configured WEIGHT.
    pub total_weight: u64,
}

/// Terminals one TCP of `template` serves when the environment has `classes` server classes:
/// min(MAXTERMS, max(1, MAXSERVERPROCESSES / classes)), or MAXTERMS with no server classes.
///
/// Panics if MAXTERMS is 0 (validation rejects it).
pub fn terminals_per_tcp(template: &TcpTemplate, classes: usize) -> usize {
    assert!(
        template.maxterms >= 1,
        "tcp template '{}': MAXTERMS is 0",
        template.name
    );
    let maxterms = template.maxterms as usize;
    match (template.maxserverprocesses as usize).checked_div(classes) {
        Some(by_links) => maxterms.min(by_links.max(1)),
        None => maxterms,
    }
}

/// Places every terminal, TCP and PATHMON of `xm` by the Pathway/XM load-balancing rules (see
/// the module documentation).
///
/// Panics on a configuration validation should have rejected: an index out of range, MAXTERMS
/// or MAXTCPS of 0 where processes are needed, or a node that must place a process but has no
/// CPU with a positive weight.
pub fn assign(xm: &PathwayXm) -> XmAssignment {
    let classes = xm.server_classes.len();
    let mut tcps: Vec<XmTcpPlan> = Vec::new();
    let mut term_tcp = vec![usize::MAX; xm.terms.len()];
    // One round-robin sequence per node for TCPs, created on first use so that a node that
    // places nothing needs no positive weight.
    let mut tcp_cpus: Vec<Option<SmoothWrr>> = vec![None; xm.nodes.len()];

    // 1. Group TERMs by TCP template: templates in configuration order, terms in file order.
    let mut groups: Vec<Vec<usize>> = vec![Vec::new(); xm.tcp_templates.len()];
    for (i, term) in xm.terms.iter().enumerate() {
        assert!(
            term.template < groups.len(),
            "term '{}': template index {} out of range",
            term.name,
            term.template
        );
        groups[term.template].push(i);
    }

    for (t, (template, group)) in xm.tcp_templates.iter().zip(&groups).enumerate() {
        if group.is_empty() {
            continue;
        }
        // 2. Terminals per TCP, hence the number of TCPs for this set.
        let per_tcp = terminals_per_tcp(template, classes);
        let count = group.len().div_ceil(per_tcp);
        // 3. Spread the set over its TCPs by WEIGHT.
        let weights: Vec<u64> = group
            .iter()
            .map(|&i| u64::from(xm.terms[i].weight))
            .collect();
        let node = node(xm, template.node, || {
            format!("tcp template '{}'", template.name)
        });
        let wrr = tcp_cpus[template.node].get_or_insert_with(|| SmoothWrr::new(node));
        for bin in spread(&weights, count, per_tcp) {
            let index = tcps.len();
            let terms: Vec<usize> = bin.items.iter().map(|&k| group[k]).collect();
            for &term in &terms {
                term_tcp[term] = index;
            }
            let (primary, backup) = wrr.pick();
            tcps.push(XmTcpPlan {
                name: format!("$T{index}"),
                template: t,
                primary,
                backup,
                pathmon: usize::MAX, // set in step 4
                terms,
                total_weight: bin.total,
            });
        }
    }

    // 4. PATHMONs: as many as MAXTCPS requires, TCPs spread over them by total weight.
    let mut pathmons = Vec::new();
    if !tcps.is_empty() {
        let maxtcps = xm.pathmon.maxtcps as usize;
        assert!(maxtcps >= 1, "pathway_xm pathmon: MAXTCPS is 0");
        let count = tcps.len().div_ceil(maxtcps);
        let weights: Vec<u64> = tcps.iter().map(|tcp| tcp.total_weight).collect();
        let node = node(xm, xm.pathmon.node, || "pathway_xm pathmon".to_string());
        let mut wrr = SmoothWrr::new(node);
        for bin in spread(&weights, count, maxtcps) {
            let index = pathmons.len();
            for &tcp in &bin.items {
                tcps[tcp].pathmon = index;
            }
            let (primary, backup) = wrr.pick();
            pathmons.push(XmPathmonPlan {
                name: format!("$XM{index}"),
                primary,
                backup,
                tcps: bin.items,
                total_weight: bin.total,
            });
        }
    }

    // Postconditions: every terminal has a TCP and every TCP a PATHMON.
    assert!(
        term_tcp.iter().all(|&tcp| tcp < tcps.len()),
        "a terminal was left without a TCP"
    );
    assert!(
        tcps.iter().all(|tcp| tcp.pathmon < pathmons.len()),
        "a TCP was left without a PATHMON"
    );
    // 5. One PB pair per NODE, placed as the first pair of the node's own sequence.
    let nodes = xm
        .nodes
        .iter()
        .map(|n| XmNodePlan {
            name: n.name.clone(),
            role: n.role.map(|r| r.name()),
            cpus: n.cpus.clone(),
            pb: n
                .cpus
                .iter()
                .any(|&(_, w)| w > 0)
                .then(|| SmoothWrr::new(n).pick()),
        })
        .collect();
    XmAssignment {
        pathmons,
        tcps,
        term_tcp,
        nodes,
    }
}

/// (max − min) / mean of the TCPs' total weight among the TCPs of one template, the largest over
/// all templates: 0 when every template's TCPs carry exactly the same relative workload. A
/// template whose TCPs carry no weight at all counts as 0. 0 when there are no TCPs.
pub fn relative_workload_spread(a: &XmAssignment) -> f64 {
    // template -> (min, max, sum, count); a BTreeMap so the iteration order is fixed.
    let mut per_template: BTreeMap<usize, (u64, u64, u64, u64)> = BTreeMap::new();
    for tcp in &a.tcps {
        let w = tcp.total_weight;
        let e = per_template.entry(tcp.template).or_insert((w, w, 0, 0));
        e.0 = e.0.min(w);
        e.1 = e.1.max(w);
        e.2 += w;
        e.3 += 1;
    }
    per_template
        .values()
        .map(|&(min, max, sum, count)| {
            if sum == 0 {
                0.0
            } else {
                (max - min) as f64 / (sum as f64 / count as f64)
            }
        })
        .fold(0.0, f64::max)
}

/// The node at `index`; if it does not exist, panics naming who refers to it.
fn node(xm: &PathwayXm, index: usize, who: impl FnOnce() -> String) -> &XmNode {
    xm.nodes
        .get(index)
        .unwrap_or_else(|| panic!("{}: node index {index} out of range", who()))
}

/// One bin of [`spread`]: positions of the items it holds (ascending) and their total weight.
#[derive(Clone, Debug, Default, PartialEq)]
struct Bin {
    items: Vec<usize>,
    total: u64,
}

/// Spreads items of the given weights over `bins` bins of at most `capacity` items each, so the
/// bins' total weights are as equal as the longest-processing-time greedy makes them: items by
/// weight descending (ties: lower position first), each into the bin with the smallest total
/// among those with room (ties: lower bin index).
///
/// Panics if the bins cannot hold every item.
fn spread(weights: &[u64], bins: usize, capacity: usize) -> Vec<Bin> {
    assert!(
        bins * capacity >= weights.len(),
        "{bins} bins of {capacity} cannot hold all items"
    );
    let mut order: Vec<usize> = (0..weights.len()).collect();
    // A stable sort keeps equal weights in position order: the first tie-break.
    order.sort_by_key(|&i| Reverse(weights[i]));
    let mut out = vec![Bin::default(); bins];
    // Min-heap on (total, bin index): the index makes every key unique, which is the second
    // tie-break. A full bin is not pushed back, so it is never offered again.
    let mut open: BinaryHeap<Reverse<(u64, usize)>> = (0..bins).map(|b| Reverse((0, b))).collect();
    for i in order {
        let Reverse((total, b)) = open.pop().expect("capacity checked above");
        out[b].items.push(i);
        out[b].total = total + weights[i];
        if out[b].items.len() < capacity {
            open.push(Reverse((out[b].total, b)));
        }
    }
    for bin in &mut out {
        bin.items.sort_unstable();
    }
    out
}

/// Smooth weighted round-robin over a node's `(cpu, weight)` list (nginx's algorithm): each pick
/// adds every CPU's weight to its current value, takes the largest (ties: first in the list) and
/// subtracts the total weight from it. Over any run of `total` picks each CPU is chosen `weight`
/// times, interleaved rather than in bursts. Weight-0 CPUs are never picked.
/// The process broker (`process_broker.rs`) places servers with it too.
#[derive(Clone, Debug)]
pub(crate) struct SmoothWrr {
    cpus: Vec<(u32, u64)>,
    current: Vec<i64>,
    total: i64,
}

impl SmoothWrr {
    fn new(node: &XmNode) -> Self {
        let cpus = node.cpus.iter().map(|&(c, w)| (c, u64::from(w))).collect();
        Self::over(&node.name, cpus)
    }

    /// A sequence over `cpus`, `(cpu, weight)` in list order; `name` names the node in the
    /// panic if no weight is positive.
    pub(crate) fn over(name: &str, cpus: Vec<(u32, u64)>) -> Self {
        let total: i64 = cpus
            .iter()
            .map(|&(_, w)| i64::try_from(w).expect("a CPU weight below 2^63"))
            .sum();
        assert!(total > 0, "node '{name}': no CPU with a positive weight");
        SmoothWrr {
            current: vec![0; cpus.len()],
            cpus,
            total,
        }
    }

    /// The next (primary, backup) pair. The backup is the first CPU after the primary in the
    /// list (wrapping) that is a different processor; weight-0 CPUs may be backups.
    pub(crate) fn pick(&mut self) -> (u32, Option<u32>) {
        let mut best: Option<usize> = None;
        for (k, &(_, w)) in self.cpus.iter().enumerate() {
            if w == 0 {
                continue;
            }
            self.current[k] += w as i64; // below 2^63: `over` summed them
            // Strictly greater: on a tie the earlier CPU in the list keeps the pick.
            if best.is_none_or(|b| self.current[k] > self.current[b]) {
                best = Some(k);
            }
        }
        let k = best.expect("a positive total weight has a positive CPU");
        self.current[k] -= self.total;
        let primary = self.cpus[k].0;
        let n = self.cpus.len();
        let backup = (1..n)
            .map(|step| self.cpus[(k + step) % n].0)
            .find(|&c| c != primary);
        (primary, backup)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::SimDuration;
    use crate::scenario::{Dist, ServerClass, TcpTemplate, Term, XmPathmon};

    fn class(name: &str) -> ServerClass {
        ServerClass {
            name: name.to_string(),
            pathmon: 0,
            maxservers: 4,
            numstatic: 0,
            maxlinks: None,
            linkdepth: 1,
            createdelay: SimDuration::from_secs(60),
            deletedelay: SimDuration::from_secs(600),
            timeout: None,
            cpus: Vec::new(),
            autorestart: 0,
            service: Dist::Constant(SimDuration::from_micros(500)),
            io: None,
            priority: 150,
        }
    }

    fn template(name: &str, node: usize, maxterms: u32, maxserverprocesses: u32) -> TcpTemplate {
        TcpTemplate {
            name: name.to_string(),
            node,
            maxterms,
            maxserverprocesses,
            handle_cpu: SimDuration::from_micros(100),
            priority: 145,
        }
    }

    fn term(i: usize, template: usize, weight: u32) -> Term {
        Term {
            name: format!("T-{i:03}"),
            template,
            weight,
            think: Dist::Constant(SimDuration::from_secs(5)),
        }
    }

    fn node(name: &str, cpus: &[(u32, u32)]) -> XmNode {
        XmNode {
            name: name.to_string(),
            cpus: cpus.to_vec(),
            role: None,
        }
    }

    /// An environment on nodes `nodes`, PATHMONs on node 0, servers on the last node.
    fn env(
        nodes: Vec<XmNode>,
        maxtcps: u32,
        tcp_templates: Vec<TcpTemplate>,
        terms: Vec<Term>,
        classes: usize,
    ) -> PathwayXm {
        let server_classes: Vec<ServerClass> =
            (0..classes).map(|c| class(&format!("SC-{c}"))).collect();
        let mix = (0..classes).map(|c| (c, 1.0 / classes as f64)).collect();
        PathwayXm {
            server_node: nodes.len() - 1,
            nodes,
            pathmon: XmPathmon {
                node: 0,
                maxtcps,
                grant_cpu: SimDuration::from_micros(200),
                process_creation: SimDuration::from_millis(50),
                priority: 160,
            },
            tcp_templates,
            terms,
            server_classes,
            mix,
            request_bytes: crate::scenario::MessageSize::bytes(0),
            reply_bytes: crate::scenario::MessageSize::bytes(0),
            pathsend_api: crate::scenario::PathsendApi::Send,
            abandon_after: None,
            abandon: crate::scenario::Abandon::Serve,
            distributed: vec![false; classes],
            reservation: SimDuration::from_secs(60),
            lcs_window: SimDuration::from_secs(10),
            retry: None,
        }
    }

    /// The worked example.
    ///
    /// One template, MAXTERMS 4, MAXSERVERPROCESSES 8, 2 server classes:
    /// terminals per TCP = min(4, max(1, 8 / 2)) = 4; 8 terminals -> ceil(8 / 4) = 2 TCPs.
    ///
    /// Weights [100, 100, 50, 50, 50, 50, 25, 25] (total 450) are already in descending order,
    /// so the greedy takes terms 0..8 in turn (totals of $T0 / $T1 after each step):
    ///   term 0 (100) -> $T0 (0 vs 0, tie -> lower index)  100 /   0
    ///   term 1 (100) -> $T1                               100 / 100
    ///   term 2  (50) -> $T0 (tie)                         150 / 100
    ///   term 3  (50) -> $T1                               150 / 150
    ///   term 4  (50) -> $T0 (tie)                         200 / 150
    ///   term 5  (50) -> $T1                               200 / 200
    ///   term 6  (25) -> $T0 (tie)                         225 / 200
    ///   term 7  (25) -> $T1                               225 / 225
    /// $T0 = terms {0, 2, 4, 6}, $T1 = terms {1, 3, 5, 7}: 225 each = 450 / 2, spread 0.
    ///
    /// MAXTCPS 1 -> ceil(2 / 1) = 2 PATHMONs; TCPs by weight (225, 225: tie -> $T0 first):
    /// $T0 -> $XM0, then $XM0 is full, so $T1 -> $XM1. Each PATHMON carries 225.
    ///
    /// CPUs: node cpus [(1,50), (2,25), (3,25)], total 100. Smooth WRR, current values after
    /// adding the weights -> pick -> after subtracting 100 from the pick:
    ///   [ 50, 25, 25] -> cpu 1 -> [-50, 25, 25]
    ///   [  0, 50, 50] -> cpu 2 (tie with 3: first in list) -> [0, -50, 50]
    ///   [ 50,-25, 75] -> cpu 3 -> [ 50,-25,-25]
    ///   [100,  0,  0] -> cpu 1 -> [  0,  0,  0]   back to the start: the cycle is 1, 2, 3, 1.
    /// PATHMONs and TCPs are separate sequences on the same node, so $XM0 and $T0 both get 1,
    /// $XM1 and $T1 both get 2. Backups are the next CPU in the list: 1 -> 2, 2 -> 3.
    #[test]
    fn worked_example_equal_relative_workload() {
        let weights = [100, 100, 50, 50, 50, 50, 25, 25];
        let terms = weights
            .iter()
            .enumerate()
            .map(|(i, &w)| term(i, 0, w))
            .collect();
        let cpus = [(1, 50), (2, 25), (3, 25)];
        let xm = env(
            vec![node("N", &cpus)],
            1,
            vec![template("TCP-A", 0, 4, 8)],
            terms,
            2,
        );
        let a = assign(&xm);

        assert_eq!(a.tcps.len(), 2);
        assert_eq!(a.tcps[0].terms, vec![0, 2, 4, 6]);
        assert_eq!(a.tcps[1].terms, vec![1, 3, 5, 7]);
        assert_eq!(a.tcps[0].total_weight, 225);
        assert_eq!(a.tcps[1].total_weight, 225);
        assert_eq!(a.term_tcp, vec![0, 1, 0, 1, 0, 1, 0, 1]);
        assert_eq!(relative_workload_spread(&a), 0.0);

        assert_eq!(a.pathmons.len(), 2);
        let pm: Vec<_> = a
            .pathmons
            .iter()
            .map(|p| {
                (
                    p.name.as_str(),
                    p.primary,
                    p.backup,
                    p.tcps.as_slice(),
                    p.total_weight,
                )
            })
            .collect();
        assert_eq!(
            pm,
            vec![
                ("$XM0", 1, Some(2), &[0][..], 225),
                ("$XM1", 2, Some(3), &[1][..], 225)
            ]
        );
        let tcp: Vec<(&str, u32, Option<u32>, usize)> = a
            .tcps
            .iter()
            .map(|t| (t.name.as_str(), t.primary, t.backup, t.pathmon))
            .collect();
        assert_eq!(tcp, vec![("$T0", 1, Some(2), 0), ("$T1", 2, Some(3), 1)]);
    }

    /// The smooth WRR cycle worked out above, continued: 1, 2, 3, 1 and again.
    #[test]
    fn smooth_wrr_interleaves_by_weight() {
        let mut wrr = SmoothWrr::new(&node("N", &[(1, 50), (2, 25), (3, 25)]));
        let picks: Vec<u32> = (0..8).map(|_| wrr.pick().0).collect();
        assert_eq!(picks, vec![1, 2, 3, 1, 1, 2, 3, 1]);
        // Through assign: MAXTERMS 1 gives one TCP per terminal, 5 TCPs -> 1, 2, 3, 1, 1.
        let terms = (0..5).map(|i| term(i, 0, 10)).collect();
        let nodes = vec![node("N", &[(1, 50), (2, 25), (3, 25)])];
        let a = assign(&env(nodes, 8, vec![template("TCP-A", 0, 1, 8)], terms, 1));
        let primaries: Vec<u32> = a.tcps.iter().map(|t| t.primary).collect();
        assert_eq!(primaries, vec![1, 2, 3, 1, 1]);
        let backups: Vec<Option<u32>> = a.tcps.iter().map(|t| t.backup).collect();
        assert_eq!(backups, vec![Some(2), Some(3), Some(1), Some(2), Some(2)]);
    }

    /// MAXTERMS 10, MAXSERVERPROCESSES 6, 3 classes: min(10, 6 / 3) = 2 terminals per TCP;
    /// 5 terminals -> ceil(5 / 2) = 3 TCPs, none with more than 2.
    #[test]
    fn capacity_limited_by_server_links_per_class() {
        let t = template("TCP-A", 0, 10, 6);
        assert_eq!(terminals_per_tcp(&t, 3), 2);
        // Fewer links than classes still allows one terminal; no classes: MAXTERMS decides.
        assert_eq!(terminals_per_tcp(&template("X", 0, 10, 2), 3), 1);
        assert_eq!(terminals_per_tcp(&template("X", 0, 10, 6), 0), 10);
        assert_eq!(terminals_per_tcp(&template("X", 0, 4, 100), 2), 4);

        // One heavy terminal: the greedy would pile the light ones elsewhere, but no TCP may
        // exceed its 2 terminals. Weights [1000, 1, 1, 1, 1]:
        //   term 0 -> $T0 (1000), term 1 -> $T1 (1), term 2 -> $T2 (1),
        //   term 3 -> $T1 (1 vs 1: lower index; 2, full), term 4 -> $T2 (2, full).
        let terms = [1000, 1, 1, 1, 1]
            .iter()
            .enumerate()
            .map(|(i, &w)| term(i, 0, w))
            .collect();
        let a = assign(&env(
            vec![node("N", &[(0, 1), (1, 1)])],
            2,
            vec![t],
            terms,
            3,
        ));
        assert_eq!(a.tcps.len(), 3);
        assert!(a.tcps.iter().all(|tcp| tcp.terms.len() <= 2));
        let terms: Vec<&[usize]> = a.tcps.iter().map(|t| t.terms.as_slice()).collect();
        assert_eq!(terms, vec![&[0][..], &[1, 3][..], &[2, 4][..]]);
        // 3 TCPs, MAXTCPS 2 -> 2 PATHMONs: $T0 (1000) -> $XM0, $T1 (2) -> $XM1,
        // $T2 (2) -> $XM1 (2 < 1000); then both are full.
        let pm: Vec<(&[usize], u64)> = a
            .pathmons
            .iter()
            .map(|p| (p.tcps.as_slice(), p.total_weight))
            .collect();
        assert_eq!(pm, vec![(&[0][..], 1000), (&[1, 2][..], 4)]);
    }

    /// Many terminals, many templates' worth of capacity: no TCP ever exceeds its limit and
    /// no PATHMON exceeds MAXTCPS.
    #[test]
    fn capacity_never_exceeded() {
        let terms = (0..97).map(|i| term(i, 0, (i as u32 * 37) % 101)).collect();
        let xm = env(
            vec![node("N", &[(0, 1), (1, 3)])],
            4,
            vec![template("A", 0, 9, 20)],
            terms,
            3,
        );
        let per_tcp = terminals_per_tcp(&xm.tcp_templates[0], 3);
        assert_eq!(per_tcp, 6);
        let a = assign(&xm);
        assert_eq!(a.tcps.len(), 97usize.div_ceil(6));
        assert!(a.tcps.iter().all(|t| t.terms.len() <= per_tcp));
        assert!(a.pathmons.iter().all(|p| p.tcps.len() <= 4));
        assert_eq!(a.pathmons.len(), a.tcps.len().div_ceil(4));
        let total: u64 = xm.terms.iter().map(|t| u64::from(t.weight)).sum();
        assert_eq!(a.tcps.iter().map(|t| t.total_weight).sum::<u64>(), total);
        assert_eq!(
            a.pathmons.iter().map(|p| p.total_weight).sum::<u64>(),
            total
        );
    }

    /// Terminals of two templates, interleaved in the file, never share a TCP; template 0's
    /// TCPs are created (and named) first; each template uses its own node's CPUs.
    #[test]
    fn templates_kept_apart() {
        let terms = (0..10).map(|i| term(i, i % 2, 10 + i as u32)).collect();
        let nodes = vec![node("PM", &[(0, 1), (1, 1)]), node("B", &[(6, 1), (7, 1)])];
        let templates = vec![template("A", 0, 2, 10), template("B", 1, 3, 10)];
        let a = assign(&env(nodes, 10, templates, terms, 1));
        // Template A: 5 terminals, 2 per TCP -> 3 TCPs; template B: 5, 3 per TCP -> 2 TCPs.
        let tmpl: Vec<usize> = a.tcps.iter().map(|t| t.template).collect();
        assert_eq!(tmpl, vec![0, 0, 0, 1, 1]);
        for (i, tcp) in a.tcps.iter().enumerate() {
            assert_eq!(tcp.name, format!("$T{i}"));
            assert!(tcp.terms.iter().all(|&t| t % 2 == tcp.template));
            let cpus: &[u32] = if tcp.template == 0 { &[0, 1] } else { &[6, 7] };
            assert!(cpus.contains(&tcp.primary));
        }
        for (t, &tcp) in a.term_tcp.iter().enumerate() {
            assert!(a.tcps[tcp].terms.contains(&t));
        }
        // 5 TCPs, MAXTCPS 10 -> one PATHMON holding all of them.
        assert_eq!(a.pathmons.len(), 1);
        assert_eq!(a.pathmons[0].tcps, vec![0, 1, 2, 3, 4]);
    }

    #[test]
    fn deterministic() {
        let terms: Vec<Term> = (0..50)
            .map(|i| term(i, i % 3, (i as u32 * 7919) % 53))
            .collect();
        let nodes = vec![
            node("N", &[(0, 30), (1, 0), (2, 70)]),
            node("M", &[(4, 1), (5, 2)]),
        ];
        let templates = vec![
            template("A", 0, 5, 12),
            template("B", 1, 4, 30),
            template("C", 1, 8, 6),
        ];
        let xm = env(nodes, 3, templates, terms, 2);
        let a = assign(&xm);
        assert_eq!(a, assign(&xm.clone()));
    }

    /// Weight-0 CPUs are held for failures: never a primary, but a backup when next in line.
    #[test]
    fn weight_zero_cpus_never_primary() {
        let cpus = [(0, 0), (1, 10), (2, 0), (3, 10)];
        let terms = (0..12).map(|i| term(i, 0, 1)).collect();
        let a = assign(&env(
            vec![node("N", &cpus)],
            2,
            vec![template("A", 0, 1, 1)],
            terms,
            1,
        ));
        assert_eq!(a.tcps.len(), 12);
        assert_eq!(a.pathmons.len(), 6);
        let primaries = a
            .tcps
            .iter()
            .map(|t| t.primary)
            .chain(a.pathmons.iter().map(|p| p.primary));
        for p in primaries {
            assert!(p == 1 || p == 3, "weight-0 cpu {p} chosen as primary");
        }
        // The backup of 1 is 2 and of 3 is 0 (wrapping): both weight 0.
        for tcp in &a.tcps {
            let expected = if tcp.primary == 1 { 2 } else { 0 };
            assert_eq!(tcp.backup, Some(expected));
        }
    }

    #[test]
    fn single_cpu_node_has_no_backup() {
        let terms = (0..3).map(|i| term(i, 0, 1)).collect();
        let a = assign(&env(
            vec![node("N", &[(4, 1)])],
            1,
            vec![template("A", 0, 1, 1)],
            terms,
            1,
        ));
        assert!(a.tcps.iter().all(|t| t.primary == 4 && t.backup.is_none()));
        assert!(
            a.pathmons
                .iter()
                .all(|p| p.primary == 4 && p.backup.is_none())
        );
    }

    #[test]
    fn no_terminals_no_processes() {
        let a = assign(&env(
            vec![node("N", &[(0, 0)])],
            1,
            vec![template("A", 0, 1, 1)],
            vec![],
            1,
        ));
        assert!(a.tcps.is_empty() && a.pathmons.is_empty() && a.term_tcp.is_empty());
        assert_eq!(relative_workload_spread(&a), 0.0);
    }

    /// Weights [3, 3, 2, 2, 2] over 2 TCPs of 3: 3->$T0, 3->$T1, 2->$T0 (5), 2->$T1 (5),
    /// 2->$T0 (7): totals 7 and 5, mean 6, spread (7 - 5) / 6 = 1/3.
    #[test]
    fn spread_measures_imbalance() {
        let terms = [3, 3, 2, 2, 2]
            .iter()
            .enumerate()
            .map(|(i, &w)| term(i, 0, w))
            .collect();
        let a = assign(&env(
            vec![node("N", &[(0, 1)])],
            8,
            vec![template("A", 0, 3, 9)],
            terms,
            1,
        ));
        let totals: Vec<u64> = a.tcps.iter().map(|t| t.total_weight).collect();
        assert_eq!(totals, vec![7, 5]);
        assert!((relative_workload_spread(&a) - 1.0 / 3.0).abs() < 1e-12);
    }
}
