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
//!   request anyway, its reply is discarded and its link returned); 918 when the Pathsend
//!   call's own timeout (`[pathway] send_timeout`) expires first (a send still waiting for a
//!   link leaves the queue; one at its server fails like a 904, but its link is kept:
//!   a `SERVERCLASS_SEND_` timeout is not a link error, TSMP25-SM page-101); 923, 924 and 925
//!   when a link manager's limits are reached (`limits.rs`, which has the table and the rules).
//!
//! Simplifies: link requests are placed by the smooth weighted deficit above (ACS's exact
//! algorithm is not published); "more responsive" is measured as an exponentially smoothed
//! send-to-reply time per link (weight 0.2 on the newest request); the link manager's own CPU per send is not charged (only control information
//! passes through LINKMON; the request goes straight to the server, one message-system hop);
//! no PATHMON, process or processor failures yet (so no 904 path errors, no 916, and
//! AUTORESTART has no effect); context-free sends only (no dialogs).
//!
//! Layout: this file holds the run-time types and [`Pathway`]; `link.rs` the links and link
//! managers; `placement.rs` which server a PATHMON (or ACS) grants a link to; `pathsend.rs`
//! the event-driven side (send, acquire, grant, reply, return, timers), every method taking a
//! [`PwCtx`] and returning to the node what it must do next.

mod limits;
mod link;
mod pathsend;
mod placement;

use std::collections::VecDeque;

use crate::engine::{SimDuration, SimTime};
use crate::stats::{Recorder, ServerSample, TimeWeighted};

use super::Ctx;
use super::ids::{ProcessId, RequestId, Slab};
use super::processor::Cpus;
use super::request::Requests;

pub use limits::{ErrorCounts, SendAccounts};
pub use link::{LinkManager, LinkRt};
pub use placement::Want;

use super::ids::LinkId;

/// What a Pathway method may touch besides Pathway: the scheduler and recorder, the processes
/// (a PATHMON's grant is CPU, a new server is a process), the message system (link requests
/// and sends are messages), the requests it carries, and the list of requests a Pathsend
/// error failed (the node finishes them).
pub struct PwCtx<'a> {
    /// Scheduler and recorder.
    pub ctx: Ctx<'a>,
    /// Processors and processes.
    pub cpus: &'a mut Cpus,
    /// The message system's costs.
    pub ipc: &'a crate::scenario::MessageSystem,
    /// Requests in flight.
    pub requests: &'a mut Requests,
    /// Out: requests failed with error 905, to be finished by the node.
    pub failed: &'a mut VecDeque<RequestId>,
    /// Out: requests whose current leg has just ended (a hop or a burst that took no time),
    /// to be moved on by the node.
    pub ready: &'a mut VecDeque<RequestId>,
}

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

/// What a class instance did during the run, for results.
#[derive(Debug, Default)]
pub struct ClassStats {
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
    pub timeline: Vec<ServerSample>,
}

/// A server class in one PATHMON, at run time.
#[derive(Debug)]
pub struct ClassRt {
    /// Class name.
    pub name: String,
    /// The name is defined in several PATHMONs: its servers are named `$PM.CLASS#n`.
    pub qualified: bool,
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
    /// Its statistics.
    pub stats: ClassStats,
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
    /// Links to it per link manager that holds any.
    pub links_by_lm: LinksByLm,
    /// Requests delivered and waiting ($RECEIVE), first come first served.
    pub receive: VecDeque<RequestId>,
    /// True while it is working on a request.
    pub busy: bool,
}

/// A server's links counted per link manager: only the link managers that hold links to it,
/// sorted by link manager. With many PATHMONs and link managers (Pathway/XM) a server is
/// linked from few of them, so memory is linear in the links, not servers x link managers.
#[derive(Clone, Debug, Default)]
pub struct LinksByLm(Vec<(u32, u16)>);

impl LinksByLm {
    /// Links to the server from link manager `lm`.
    pub fn get(&self, lm: usize) -> u32 {
        match self.0.binary_search_by_key(&(lm as u32), |e| e.0) {
            Ok(i) => u32::from(self.0[i].1),
            Err(_) => 0,
        }
    }
    /// One more link from `lm`.
    pub fn add(&mut self, lm: usize) {
        let lm = u32::try_from(lm).expect("fewer than 2^32 link managers");
        match self.0.binary_search_by_key(&lm, |e| e.0) {
            Ok(i) => self.0[i].1 += 1,
            Err(i) => self.0.insert(i, (lm, 1)),
        }
    }
    /// One link fewer from `lm`.
    pub fn remove(&mut self, lm: usize) {
        let i = self
            .0
            .binary_search_by_key(&(lm as u32), |e| e.0)
            .expect("removing a link the link manager does not hold");
        self.0[i].1 -= 1;
        if self.0[i].1 == 0 {
            self.0.remove(i);
        }
    }
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
    /// Pathsend errors 918, 923, 924 and 925 on this route.
    pub errors: ErrorCounts,
    /// Requests queued at its link managers over time.
    pub queued: TimeWeighted,
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
    /// Links (slots reused after a link is returned; ids are generational).
    pub links: Slab<LinkRt, LinkId>,
    /// Link managers, `cpu * routes.len() + route`.
    pub lms: Vec<LinkManager>,
    /// Routes.
    pub routes: Vec<Route>,
    /// Per send target, per class name: the route.
    pub route_for: Vec<Vec<u16>>,
    /// The same, for requesters restricted to servers in their own processor.
    pub route_for_local: Vec<Vec<u16>>,
    /// Per class name: the first class instance of that name (parallel listeners' tallies).
    pub first_instance: Vec<usize>,
    /// Sends, links and requesters counted against the link managers' limits.
    pub accounts: SendAccounts,
    /// The Pathsend call's own timeout (error 918), if any.
    pub call_timeout: Option<SimDuration>,
}

impl Pathway {
    /// The route of a request for class name `class` to send target `target`.
    pub fn route(&self, target: usize, class: u16, local: bool) -> u16 {
        if local {
            self.route_for_local[target][class as usize]
        } else {
            self.route_for[target][class as usize]
        }
    }

    /// Position of class `c` among the members of link manager `lm`'s route.
    pub fn member_of(&self, lm: usize, c: usize) -> usize {
        self.routes[self.lms[lm].route]
            .members
            .iter()
            .position(|m| m.0 == Some(c))
            .expect("a link manager's link goes to a member of its route")
    }

    /// Link manager `lm` holds `delta` more links to servers of `class`.
    fn lm_links_changed(
        &mut self,
        lm: usize,
        class: usize,
        delta: i64,
        now: SimTime,
        rec: &Recorder,
    ) {
        let member = self.member_of(lm, class);
        let tw = &mut self.lms[lm].links_by_member[member];
        let level = u64::try_from(tw.level() as i64 + delta).expect("links held below zero");
        tw.set(now, level, rec);
    }

    /// The link manager of `cpu` for `route`.
    pub fn lm(&self, cpu: u32, route: usize) -> usize {
        cpu as usize * self.routes.len() + route
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

    /// Updates the class's running-server levels.
    pub fn servers_changed(&mut self, class: usize, now: SimTime, rec: &Recorder) {
        let (st, dy) = self.running(class);
        let c = &mut self.classes[class].stats;
        c.static_running.set(now, st, rec);
        c.dynamic_running.set(now, dy, rec);
    }

    /// Records servers and links of every class.
    pub fn sample(&mut self, now: SimTime) {
        let t_s = now.as_secs_f64();
        for c in 0..self.classes.len() {
            let (st, dy) = self.running(c);
            let stats = &mut self.classes[c].stats;
            let links = stats.links_held.level();
            stats.timeline.push(ServerSample {
                t_s,
                static_servers: st,
                dynamic_servers: dy,
                links,
            });
        }
    }
}
