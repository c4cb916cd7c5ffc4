//! Pathway: PATHMONs, server classes, server processes, links, link managers, ACS domains.
//!
//! Models TS/MP link management as the manuals document it:
//! - A *link* connects one link manager to one server process and carries one request at a
//!   time. There is one link manager per processor (LINKMON, or the ACS redirector and process
//!   broker) for each send target, shared by every requester in that processor.
//! - A Pathsend request takes the free link of its link manager that has been most responsive
//!   (the shortest smoothed time from send to reply, so links to servers in busy processors
//!   are used less; among equals the most recently released). At low load released links are
//!   reused and few links are in use. Otherwise it queues
//!   at the link manager and the link manager asks for a new link: to a static server at once;
//!   when only dynamic servers remain, after the request has waited CREATEDELAY without a link
//!   freeing, to an existing dynamic server with room or else to a newly created one (process
//!   creation takes `process_creation`). A PATHMON grants a server with the fewest links among
//!   those below MAXLINKS links in all and below LINKDEPTH links from this link manager.
//!   Granting costs `grant_cpu` in the PATHMON's process plus a message each way.
//! - A link to a dynamic server idle for DELETEDELAY is returned; a dynamic server left with
//!   no link is deleted. Static servers (NUMSTATIC) start with the run and stay.
//! - A server process serves its links' requests one at a time in arrival order (its
//!   $RECEIVE queue), so with MAXLINKS > 1 requests can queue at a busy server.
//! - An ACS domain spreads link requests over up to four PATHMONs by weight: a new link goes to
//!   the PATHMON whose share of the class's links (held or on the way) is furthest below its
//!   weight among those that can grant one; a PATHMON that cannot (servers exhausted) is
//!   skipped. Under load the links follow the weights as far as MAXSERVERS allows; at low load
//!   few links are used and the released ones are reused, so shares look uneven.
//! - Pathsend errors: 905 when the link manager holds no link to the class and no PATHMON can
//!   grant one; 904 when TIMEOUT expires before the server replies (the server finishes the
//!   request anyway, its reply is discarded and its link returned).
//!
//! Simplifies: link requests are placed by the smooth weighted deficit above (ACS's exact
//! algorithm is not published); "more responsive" is measured as an exponentially smoothed
//! send-to-reply time per link (weight 0.2 on the newest request); the link manager's own CPU per send is not charged (only control information
//! passes through LINKMON; the request goes straight to the server, one message-system hop);
//! no PATHMON, process or processor failures yet (so no 904 path errors, no 916, and
//! AUTORESTART has no effect); context-free sends only (no dialogs).

use std::collections::VecDeque;

use crate::engine::{SimDuration, SimTime};
use crate::stats::TimeWeighted;

use super::processor::ProcessId;
use super::request::RequestId;

/// Index of a link in `Pathway::links`.
pub type LinkId = u32;

/// One PATHMON at run time.
#[derive(Debug)]
pub struct PathmonRt {
    /// Process name.
    pub name: String,
    /// Its process (grants cost CPU here).
    pub process: ProcessId,
    /// Time to create a dynamic server.
    pub process_creation: SimDuration,
    /// CPU per link grant.
    pub grant_cpu: SimDuration,
}

/// TS/MP attributes of a server class, as the link managers and PATHMON apply them.
#[derive(Clone, Debug)]
pub struct ClassAttrs {
    /// MAXSERVERS.
    pub maxservers: u32,
    /// NUMSTATIC.
    pub numstatic: u32,
    /// MAXLINKS (`u32::MAX` when unlimited).
    pub maxlinks: u32,
    /// LINKDEPTH.
    pub linkdepth: u32,
    /// CREATEDELAY.
    pub createdelay: SimDuration,
    /// DELETEDELAY.
    pub deletedelay: SimDuration,
    /// TIMEOUT.
    pub timeout: Option<SimDuration>,
}

/// A server class in one PATHMON, at run time.
#[derive(Debug)]
pub struct ClassRt {
    /// Class name.
    pub name: String,
    /// Index of its PATHMON.
    pub pathmon: usize,
    /// TS/MP attributes.
    pub attrs: ClassAttrs,
    /// CPUS: placement order.
    pub cpus: Vec<u32>,
    /// Priority of its server processes.
    pub priority: u8,
    /// Its server processes (live and deleted dynamic ones kept for reuse), creation order.
    pub servers: Vec<usize>,
    /// Next position in `cpus` for a new server.
    pub next_cpu: usize,
    /// Servers alive or being created (counts against MAXSERVERS).
    pub servers_counted: u32,
    /// Links held or being granted, all link managers (for ACS placement).
    pub links_out: u32,
    /// Links granted during the run.
    pub links_granted: u64,
    /// Links held over time.
    pub links_held: TimeWeighted,
    /// Static servers running over time.
    pub static_running: TimeWeighted,
    /// Dynamic servers running over time.
    pub dynamic_running: TimeWeighted,
    /// Dynamic servers created during the run.
    pub dynamic_created: u64,
    /// Dynamic servers deleted after DELETEDELAY.
    pub dynamic_deleted: u64,
    /// Requests its servers completed (replies sent), whole run.
    pub requests: u64,
    /// Pathsend error 904 (TIMEOUT) on sends to this class.
    pub errors_904: u64,
    /// Servers and links, one sample per sample interval.
    pub timeline: Vec<crate::stats::ServerSample>,
}

/// One server process.
#[derive(Debug)]
pub struct ServerRt {
    /// Its process.
    pub process: ProcessId,
    /// Its class.
    pub class: usize,
    /// Its processor.
    pub cpu: u32,
    /// Dynamic (created on demand) or static.
    pub dynamic: bool,
    /// Running (a deleted dynamic server is kept for reuse, not alive).
    pub alive: bool,
    /// Links to it from all link managers.
    pub links: u32,
    /// Links to it per link manager (indexed by link manager).
    pub links_by_lm: Vec<u16>,
    /// Requests delivered and waiting ($RECEIVE), first come first served.
    pub receive: VecDeque<RequestId>,
    /// True while it is working on a request.
    pub busy: bool,
}

/// One link.
#[derive(Debug)]
pub struct LinkRt {
    /// Its link manager.
    pub lm: usize,
    /// Its server.
    pub server: usize,
    /// Granted and open (false while being granted, and after it is returned).
    pub open: bool,
    /// Carrying a request.
    pub busy: bool,
    /// Returned to PATHMON when its server's reply comes (after a TIMEOUT).
    pub doomed: bool,
    /// Bumped whenever the link is used, so a stale DELETEDELAY timer is ignored.
    pub generation: u32,
    /// The server is being created for this link.
    pub creating: bool,
    /// When its current request took it.
    pub taken_at: SimTime,
    /// Smoothed time a request holds the link (send to reply) [ns]: its responsiveness.
    pub response_ns: f64,
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

/// The link manager of one processor for one send target.
#[derive(Debug)]
pub struct LinkManager {
    /// Processor it serves.
    pub cpu: u32,
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
    /// A CREATEDELAY wait is running.
    pub createdelay_armed: bool,
    /// Bumped to cancel a running CREATEDELAY wait.
    pub createdelay_generation: u32,
    /// Links held over time, per member of its route (`Route::members` order).
    pub links_by_member: Vec<TimeWeighted>,
    /// Requests its requesters sent over the whole run.
    pub sends: u64,
    /// Of those, failed with Pathsend error 905.
    pub errors_905: u64,
}

/// A send target for one class name: a PATHMON, or an ACS domain's members.
#[derive(Debug)]
pub struct Route {
    /// Domain name, or `None` for a single PATHMON.
    pub domain: Option<String>,
    /// Class name.
    pub class_name: String,
    /// Requesters on this route may only use servers in their own processor.
    pub local: bool,
    /// Members: (class in that PATHMON if it defines it, PATHMON index, weight [%]).
    pub members: Vec<(Option<usize>, usize, f64)>,
    /// Pathsend error 905 on this route.
    pub errors_905: u64,
    /// Requests queued at its link managers over time.
    pub queued: TimeWeighted,
}

/// Whether a link is wanted to a static or a dynamic server.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Want {
    /// A static server, granted at once.
    Static,
    /// A dynamic server, after CREATEDELAY.
    Dynamic,
}

/// All Pathway state of a run.
#[derive(Debug, Default)]
pub struct Pathway {
    /// PATHMONs.
    pub pathmons: Vec<PathmonRt>,
    /// Server classes (one per PATHMON that defines the name).
    pub classes: Vec<ClassRt>,
    /// Server processes.
    pub servers: Vec<ServerRt>,
    /// Links (ids reused after a link is returned).
    pub links: Vec<LinkRt>,
    /// Returned link ids.
    pub free_links: Vec<LinkId>,
    /// Link managers, `cpu * routes.len() + route`.
    pub lms: Vec<LinkManager>,
    /// Routes.
    pub routes: Vec<Route>,
}

impl Pathway {
    /// Takes the free link of link manager `lm` that has been most responsive (shortest
    /// smoothed holding time; among equals the most recently released), if any.
    pub fn take_idle(&mut self, lm: usize) -> Option<LinkId> {
        let idle = &self.lms[lm].idle;
        let best = idle
            .iter()
            .enumerate()
            .rev()
            .min_by(|a, b| {
                let (ra, rb) = (
                    self.links[*a.1 as usize].response_ns,
                    self.links[*b.1 as usize].response_ns,
                );
                ra.total_cmp(&rb)
            })?
            .0;
        Some(self.lms[lm].idle.remove(best))
    }

    /// Position of class `c` among the members of link manager `lm`'s route.
    pub fn member_of(&self, lm: usize, c: usize) -> usize {
        self.routes[self.lms[lm].route]
            .members
            .iter()
            .position(|m| m.0 == Some(c))
            .expect("a link manager's link goes to a member of its route")
    }

    /// The link manager of `cpu` for `route`.
    pub fn lm(&self, cpu: u32, route: usize) -> usize {
        cpu as usize * self.routes.len() + route
    }

    /// Can class `c` grant a link of kind `want` to link manager `lm`? Returns the server to
    /// link (an existing one), or `Some(None)` when a new dynamic server would be created.
    pub fn can_grant(&self, c: usize, lm: usize, want: Want) -> Option<Option<usize>> {
        let class = &self.classes[c];
        let m = &self.lms[lm];
        let local = self.routes[m.route].local;
        let room = |s: &ServerRt| {
            s.alive
                && s.links < class.attrs.maxlinks
                && u32::from(s.links_by_lm[lm]) < class.attrs.linkdepth
                && (!local || s.cpu == m.cpu)
        };
        // PATHMON uses existing servers before starting new ones; among them the one with the
        // fewest links, ties by creation order.
        let best = class
            .servers
            .iter()
            .copied()
            .filter(|&s| {
                self.servers[s].dynamic == (want == Want::Dynamic) && room(&self.servers[s])
            })
            .min_by_key(|&s| self.servers[s].links);
        match (best, want) {
            (Some(s), _) => Some(Some(s)),
            (None, Want::Dynamic)
                if class.servers_counted < class.attrs.maxservers
                    && (!local || class.cpus.contains(&m.cpu)) =>
            {
                Some(None)
            }
            _ => None,
        }
    }

    /// ACS placement: the member class that should grant the next link of kind `want` for
    /// link manager `lm`, with its server choice. Picks, among members able to grant, the one
    /// whose share of the route's links is furthest below its weight (ties: ACSCTL order).
    pub fn place(&self, lm: usize, want: Want) -> Option<(usize, Option<usize>)> {
        let route = &self.routes[self.lms[lm].route];
        let total: u32 = route
            .members
            .iter()
            .filter_map(|m| m.0)
            .map(|c| self.classes[c].links_out)
            .sum();
        let mut best: Option<(f64, usize, Option<usize>)> = None;
        for &(class, _, weight) in &route.members {
            let Some(c) = class else { continue };
            let Some(server) = self.can_grant(c, lm, want) else {
                continue;
            };
            // Deficit after one more link: weight x (total + 1) - 100 x held.
            let deficit =
                weight * f64::from(total + 1) - 100.0 * f64::from(self.classes[c].links_out);
            if best.is_none_or(|(d, _, _)| deficit > d) {
                best = Some((deficit, c, server));
            }
        }
        best.map(|(_, c, s)| (c, s))
    }

    /// Allocates a link id.
    pub fn new_link(&mut self, link: LinkRt) -> LinkId {
        match self.free_links.pop() {
            Some(id) => {
                self.links[id as usize] = link;
                id
            }
            None => {
                self.links.push(link);
                LinkId::try_from(self.links.len() - 1).expect("fewer than 2^32 links")
            }
        }
    }

    /// Static and dynamic servers running in class `c`.
    pub fn running(&self, c: usize) -> (u64, u64) {
        let (mut st, mut dy) = (0, 0);
        for &s in &self.classes[c].servers {
            let s = &self.servers[s];
            if s.alive {
                if s.dynamic {
                    dy += 1;
                } else {
                    st += 1;
                }
            }
        }
        (st, dy)
    }
}
