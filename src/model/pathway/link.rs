//! Links and link managers: the state a link manager (LINKMON, or ACS's redirector) keeps.
//!
//! A link joins one link manager to one server process and carries one request at a time.
//! A link manager serves one processor for one route; it holds open links, lists the free
//! ones, queues the requests waiting for one, and counts the links it has asked for.
//!
//! Under ACS (TS/MP 2.5) a link to a static server is taken before one to a dynamic server:
//! "link selection prefers static over dynamic servers; dynamic ones are used only when static
//! ones are unavailable" (RS25 page-30). LINKMON has no such rule.
//!
//! Simplifies: "most responsive" is an exponentially smoothed send-to-reply time per link
//! (weight [`RESPONSE_SMOOTHING`] on the newest request); the manuals do not publish LINKMON's
//! exact measure.

use std::collections::VecDeque;

use crate::engine::{ActionKey, SimDuration, SimTime};
use crate::stats::TimeWeighted;

use super::super::ids::{LinkId, RequestId};
use super::Pathway;

/// One link.
#[derive(Debug)]
pub struct LinkRt {
    /// Its link manager.
    pub lm: usize,
    /// Its server.
    pub server: usize,
    /// Granted and open (false while being granted).
    pub open: bool,
    /// Carrying a request.
    pub busy: bool,
    /// Returned to PATHMON when its server's reply comes (after a TIMEOUT).
    pub doomed: bool,
    /// Its DELETEDELAY timer while it is idle (dynamic servers only).
    pub deletedelay: Option<ActionKey>,
    /// The server is being created for this link.
    pub creating: bool,
    /// When its current request took it.
    pub taken_at: SimTime,
    /// Smoothed time a request holds the link (send to reply) [ns]: its responsiveness.
    pub response_ns: f64,
    /// While it is being granted: its pending event (the link request on its way to the
    /// PATHMON, the server's creation, the grant on its way back). The PATHMON's burst in
    /// between is keyed by its process in `Cpus`.
    pub granting: Option<ActionKey>,
}

/// Weight of the newest observation in a link's smoothed response time.
const RESPONSE_SMOOTHING: f64 = 0.2;

impl LinkRt {
    /// Folds one request's holding time into the smoothed response time (the first
    /// observation is taken as it is).
    pub fn observe(&mut self, held: SimDuration) {
        let x = held.as_nanos() as f64;
        self.response_ns = if self.response_ns == 0.0 {
            x
        } else {
            self.response_ns + RESPONSE_SMOOTHING * (x - self.response_ns)
        };
    }
}

/// The link manager of one processor (or one Pathway/XM TCP) for one send target.
#[derive(Debug)]
pub struct LinkManager {
    /// Processor it runs in: the one it serves, or its TCP's.
    pub cpu: u32,
    /// Its host: the processor (host = processor number) or TCP whose limits it counts against
    /// (`SendAccounts::hosts`).
    pub host: u32,
    /// The route (send target and class) it manages links for.
    pub route: usize,
    /// Free links, in the order they were released.
    pub idle: Vec<LinkId>,
    /// Every open link it holds.
    pub held: Vec<LinkId>,
    /// Requests waiting for a link.
    pub queue: VecDeque<RequestId>,
    /// Links asked for and not yet open.
    pub pending: u32,
    /// The running CREATEDELAY wait, if any (a TCP's link-queue timeout, which its back-off
    /// also uses).
    pub createdelay: Option<ActionKey>,
    /// That timer ends a TCP's back-off: when it fires, the link manager asks for links
    /// again as on any send, rather than for dynamic ones only.
    pub backoff_wake: bool,
    /// Links held over time, per member of its route (`Route::members` order).
    pub links_by_member: Vec<TimeWeighted>,
    /// Requests its requesters sent over the whole run.
    pub sends: u64,
    /// Of those, failed with Pathsend error 905.
    pub errors_905: u64,
}

impl LinkManager {
    /// A link manager of processor `cpu` for `route` (of `members` members), holding nothing;
    /// its host is the processor.
    pub fn new(cpu: u32, route: usize, members: usize) -> Self {
        LinkManager {
            cpu,
            host: cpu,
            route,
            idle: Vec::new(),
            held: Vec::new(),
            queue: VecDeque::new(),
            pending: 0,
            createdelay: None,
            backoff_wake: false,
            links_by_member: (0..members).map(|_| TimeWeighted::default()).collect(),
            sends: 0,
            errors_905: 0,
        }
    }
}

impl Pathway {
    /// Takes the free link of link manager `lm` that has been most responsive (shortest
    /// smoothed holding time; among equals the most recently released), if any. Under ACS,
    /// links to static servers come first: a link to a dynamic server is taken only when no
    /// static one is free (RS25 page-30).
    pub fn take_idle(&mut self, lm: usize) -> Option<LinkId> {
        let idle = &self.lms[lm].idle;
        let acs = self.accounts.limits.acs;
        // Sort key: under ACS dynamic after static, then responsiveness.
        let key = |l: LinkId| {
            let link = self.links.get(l);
            let dynamic = acs && self.servers[link.server].dynamic;
            (dynamic, link.response_ns)
        };
        let best = idle
            .iter()
            .enumerate()
            .rev()
            .min_by(|a, b| {
                let (ka, kb) = (key(*a.1), key(*b.1));
                ka.0.cmp(&kb.0).then(ka.1.total_cmp(&kb.1))
            })?
            .0;
        Some(self.lms[lm].idle.remove(best))
    }
}

#[cfg(test)]
mod tests {
    use super::super::ServerRt;
    use super::*;

    fn link(response_ns: f64) -> LinkRt {
        LinkRt {
            lm: 0,
            server: 0,
            open: true,
            busy: false,
            doomed: false,
            deletedelay: None,
            creating: false,
            taken_at: SimTime::ZERO,
            response_ns,
            granting: None,
        }
    }

    #[test]
    fn the_most_responsive_free_link_is_taken_ties_most_recent() {
        let mut pw = Pathway::default();
        pw.lms.push(LinkManager::new(0, 0, 1));
        let slow = pw.links.insert(link(900.0));
        let fast_old = pw.links.insert(link(100.0));
        let fast_new = pw.links.insert(link(100.0));
        pw.lms[0].idle = vec![slow, fast_old, fast_new];
        assert_eq!(pw.take_idle(0), Some(fast_new));
        assert_eq!(pw.take_idle(0), Some(fast_old));
        assert_eq!(pw.take_idle(0), Some(slow));
        assert_eq!(pw.take_idle(0), None);
    }

    #[test]
    fn under_acs_an_idle_static_link_wins_over_a_more_responsive_dynamic_one() {
        // Issue 16 item 1.4 (RS25 page-30). Server 0 static, server 1 dynamic; the link to
        // the dynamic one has been faster. LINKMON takes the faster link; ACS the static one.
        let server = |dynamic| ServerRt {
            process: crate::model::ProcessId(0),
            class: 0,
            cpu: 0,
            dynamic,
            alive: true,
            links: 1,
            links_by_lm: Default::default(),
            receive: Default::default(),
            busy: false,
            restart_to: None,
            home: 0,
            moving: false,
            creating: false,
        };
        for (acs, first) in [(false, 1), (true, 0)] {
            let mut pw = Pathway::default();
            pw.accounts.limits.acs = acs;
            pw.servers = vec![server(false), server(true)];
            pw.lms.push(LinkManager::new(0, 0, 1));
            let to_static = pw.links.insert(LinkRt {
                server: 0,
                ..link(900.0)
            });
            let to_dynamic = pw.links.insert(LinkRt {
                server: 1,
                ..link(100.0)
            });
            pw.lms[0].idle = vec![to_static, to_dynamic];
            let expect = [to_static, to_dynamic];
            assert_eq!(pw.take_idle(0), Some(expect[first]), "acs {acs}");
            assert_eq!(pw.take_idle(0), Some(expect[1 - first]), "acs {acs}");
        }
    }

    #[test]
    fn responsiveness_is_smoothed() {
        let mut l = link(0.0);
        l.observe(SimDuration(1000));
        assert_eq!(l.response_ns, 1000.0);
        // 1000 + 0.2 (2000 - 1000) = 1200.
        l.observe(SimDuration(2000));
        assert_eq!(l.response_ns, 1200.0);
    }
}
