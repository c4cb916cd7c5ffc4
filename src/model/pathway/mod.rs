//! Pathway: PATHMONs, server classes, server processes, links, link managers, ACS domains.
//!
//! Models TS/MP link management as the manuals document it:
//! - A *link* connects one link manager to one server process and carries one request at a
//!   time. There is one link manager per processor (LINKMON, or the ACS redirector and process
//!   broker) for each send target, shared by every requester in that processor, except that
//!   a Pathway/XM TCP is a link manager itself, with its own links, link queues, limit and
//!   back-off (TSMP-SM page-102; ITS p. 5-3; `tcp.rs`).
//!   Link managers cost no CPU, except that under ACS the redirector "performs the send
//!   operation" (LR page-17): with `pathway.redirector_cpu` > 0 [?] each send first runs a
//!   burst of that length in the requester's processor's `$ZLnn` process (an itinerary leg,
//!   `itinerary.rs`; the processes are spawned in `build.rs`).
//! - A Pathsend request takes the free link of its link manager that has been most responsive
//!   (the shortest smoothed time from send to reply, so links to servers in busy processors
//!   are used less; among equals the most recently released). Under ACS a free link to a
//!   static server is taken before any to a dynamic one (RS25 page-30). At low load released links are
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
//!   request anyway and its reply is discarded; as on any I/O error, the link manager
//!   returns all its links to that server process, letting current I/O complete: the idle
//!   ones at once, the busy ones when their reply comes; TSMP-SM page-136); 918 when the Pathsend
//!   call's own timeout (`[pathway] send_timeout`, a constant or drawn per send) expires first (a send still waiting for a
//!   link leaves the queue; one at its server fails like a 904, but its link is kept:
//!   a `SERVERCLASS_SEND_` timeout is not a link error, TSMP25-SM page-101); 923, 924, 925
//!   and, under ACS, 947 (FS 30) when a link manager's limits are reached (`limits.rs`, which
//!   has the table, the rules and the manual pages). After failures, 902, 915 and 916 (A.5's
//!   table: `pathsend.rs`, `no_link_error`); with every member PATHMON lost, a send that
//!   finds no free link fails with 902 at once when its link manager would ask for a link,
//!   instead of waiting for a busy one (`pathsend.rs`, `unreachable`). Every error travels with its failed request to
//!   the node as a [`SendError`] (number and file-system error).
//!
//! Simplifies: link requests are placed by the smooth weighted deficit above (ACS's exact
//! algorithm is not published); "more responsive" is measured as an exponentially smoothed
//! send-to-reply time per link (weight 0.2 on the newest request); the link manager's own CPU per send is not charged (only control information
//! passes through LINKMON; the request goes straight to the server, one message-system hop);
//! context-free sends only (no dialogs). What a processor failure means to Pathway (904 with
//! file-system error 201, dropped links, AUTORESTART and 916) is in `fail.rs`.
//!
//! Layout: this file holds the run-time types and [`Pathway`], whose fields are private to
//! `pathway/`: the rest of the model asks it through methods. `build.rs` wires it from a
//! scenario (or from parts, in tests); `link.rs` the links and link managers; `placement.rs`
//! which server a PATHMON (or ACS) grants a link to; `pathsend.rs` the event-driven side (send,
//! acquire, grant, reply, return, timers), every method taking a [`PwCtx`] and returning to the
//! node what it must do next; `lcs.rs` Pathway/XM's distributed classes (an LCS owns the
//! class's queue and forwards to servers reserved from the server node's process broker,
//! no links); `results.rs` what it reports at the end of a run. Life cycle:
//! [`Pathway::held_in`] answers what lived in a processor (PATHMONs, servers, link managers,
//! links and the requests they held), the inventory a processor failure starts from.

mod build;
mod fail;
mod lcs;
mod lcs_fail;
mod lcs_reload;
mod limits;
mod link;
mod pathsend;
mod placement;
mod results;
mod tcp;
#[cfg(test)]
mod tests;

use std::collections::VecDeque;

use crate::engine::{SimDuration, SimTime};
use crate::stats::{Recorder, ServerSample, TimeWeighted};

use super::Ctx;
use super::ids::{ProcessId, ProcessorId, RequestId, Slab};
use super::processor::Cpus;
use super::request::Requests;

pub use build::parts;
pub use fail::{HeldAt, Lost, Restart};
pub use lcs::LcsRt;
pub use limits::{ErrorCounts, SendAccounts, SendError};
pub use link::{LinkManager, LinkRt};
pub use placement::Want;
pub use tcp::TcpSpec;

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
    /// Out: requests a Pathsend error failed before they reached a server, each with its
    /// error, to be finished by the node.
    pub failed: &'a mut VecDeque<(RequestId, SendError)>,
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
    /// AUTORESTART: restarts of a static server that ended abnormally within 10 minutes.
    pub autorestart: u32,
}

/// What a class instance did during the run, for results.
#[derive(Debug, Default)]
pub struct ClassStats {
    /// Links granted during the run.
    pub links_granted: u64,
    /// Links held over time.
    pub links_held: TimeWeighted,
    /// Servers held by a request over time (from taking it off $RECEIVE to sending its
    /// reply: its CPU, its wait for a core and its I/O).
    pub servers_held: TimeWeighted,
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
    /// By the requesting link manager's processor: [links granted, requests completed].
    pub by_cpu: Vec<[u64; 2]>,
    /// Pathsend error 904 (TIMEOUT) on sends to this class.
    pub errors_904: u64,
    /// Pathsend error 904 with file-system error 201: the server or its processor failed.
    pub errors_904_fs201: u64,
    /// Error 916: a static server's AUTORESTART found no processor of CPUS up.
    pub errors_916: u64,
    /// Static servers AUTORESTART restarted.
    pub restarted: u64,
    /// Servers and links, one sample per sample interval.
    pub timeline: Vec<ServerSample>,
}

impl ClassRt {
    /// Links held or being granted from link managers in processor `cpu`.
    pub fn links_from(&self, cpu: u32) -> u32 {
        self.links_by_cpu.get(cpu as usize).copied().unwrap_or(0)
    }
    /// One link more (`up`) or less from processor `cpu`'s link manager.
    pub fn link_from(&mut self, cpu: u32, up: bool) {
        let i = cpu as usize;
        if self.links_by_cpu.len() <= i {
            self.links_by_cpu.resize(i + 1, 0);
        }
        if up {
            self.links_by_cpu[i] += 1;
        } else {
            self.links_by_cpu[i] -= 1;
        }
    }
}

impl ClassStats {
    /// Counts a link granted (`what` 0) or a request completed (1) for processor `cpu`.
    pub fn by_cpu(&mut self, cpu: u32, what: usize) {
        let i = cpu as usize;
        if self.by_cpu.len() <= i {
            self.by_cpu.resize(i + 1, [0, 0]);
        }
        self.by_cpu[i][what] += 1;
    }
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
    /// The same, by the processor of the link manager holding them.
    pub links_by_cpu: Vec<u32>,
    /// AUTORESTART restarts inside the current 10-minute window.
    pub restarts: Vec<SimTime>,
    /// Its statistics.
    pub stats: ClassStats,
    /// TYPE DISTRIBUTED: its LCS (index in Pathway's LCSs), which holds its servers.
    pub lcs: Option<usize>,
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
    /// A static server AUTORESTART is restarting: the processor it will run in.
    pub restart_to: Option<u32>,
    /// The processor PATHMON first placed it in (its place in CPUS).
    pub home: u32,
    /// A static server moving back to `home` after its reload (`rebalance`): it takes no new
    /// link, and moves once its links are returned.
    pub moving: bool,
    /// A server the PB placed for an LCS, counted and being created (`process_creation`), not
    /// running yet: its slot is not reused for another server until it runs or is lost.
    pub creating: bool,
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
    /// Over what a domain's weights apply (placement).
    pub balance: crate::scenario::Balance,
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
    /// Link requests an ACS domain sent to the next member because the member its weights
    /// chose had lost its PATHMON.
    pub pathmon_retries: u64,
    /// Requests queued at its link managers over time.
    pub queued: TimeWeighted,
    /// Its one member is a distributed class: requests go to this LCS, not over links.
    pub lcs: Option<u32>,
}

/// All Pathway state of a run.
#[derive(Debug, Default)]
pub struct Pathway {
    /// PATHMONs.
    pathmons: Vec<PathmonRt>,
    /// Server classes (one per PATHMON that defines the name).
    classes: Vec<ClassRt>,
    /// Server processes.
    servers: Vec<ServerRt>,
    /// Links (slots reused after a link is returned; ids are generational).
    links: Slab<LinkRt, LinkId>,
    /// Link managers: the processors', `cpu * routes.len() + route`, then the Pathway/XM
    /// TCPs', one per route of each TCP's send target (`tcp.rs`).
    lms: Vec<LinkManager>,
    /// Pathway/XM TCPs, each a link manager host of its own, in plan order.
    tcps: Vec<tcp::TcpHost>,
    /// Routes.
    routes: Vec<Route>,
    /// Per send target, per class name: the route.
    route_for: Vec<Vec<u16>>,
    /// The same, for requesters restricted to servers in their own processor.
    route_for_local: Vec<Vec<u16>>,
    /// Per class name: the first class instance of that name (parallel listeners' tallies).
    first_instance: Vec<usize>,
    /// Sends, links and requesters counted against the link managers' limits.
    accounts: SendAccounts,
    /// The Pathsend call's own timeout (error 918), if any: drawn per send from its stream.
    call_timeout: Option<(super::workload::Sampler, crate::engine::StreamRng)>,
    /// Per processor: declared down (Pathway knows it failed) and not reloaded since.
    down: Vec<bool>,
    /// Per PATHMON: both halves are gone.
    pathmon_down: Vec<bool>,
    /// Pathway/XM LCSs, one per PATHMON per distributed class (`lcs.rs`).
    lcss: Vec<LcsRt>,
    /// The server node's process broker, when some class is distributed.
    broker: Option<super::process_broker::ProcessBroker>,
    /// Servers of distributed classes per processor of the server node, per sample.
    servers_by_cpu: Vec<(f64, Vec<u32>)>,
    /// Every server the PB placed during the run: (time [s], processor).
    placements: Vec<(f64, u32)>,
    /// Per PATHMON: when both halves were lost (cleared when it runs again).
    pathmon_lost_at: Vec<Option<SimTime>>,
    /// Per PATHMON: the link managers' I/O to it timed out and they gave up on it (915).
    pathmon_shut: Vec<bool>,
    /// [F] The link managers' I/O timeout on a PATHMON (5 minutes, PS-G page-89).
    pathmon_io_timeout: SimDuration,
    /// [?] What the PB does with a dead LCS's reservations (`[faults] lcs_reservations`).
    lcs_reservations: crate::scenario::LcsReservations,
}

/// What lived in one processor, as Pathway knows it: the inventory a processor failure starts
/// from. Each list is in index order.
#[derive(Debug, Default, PartialEq, Eq)]
#[allow(
    dead_code,
    reason = "the fault model starts a processor failure from it"
)]
pub struct Held {
    /// PATHMONs whose process runs there.
    pub pathmons: Vec<usize>,
    /// Server processes alive (or being created) there.
    pub servers: Vec<usize>,
    /// Its link managers (one per route).
    pub link_managers: Vec<usize>,
    /// Links from its link managers or to its servers, open or being granted, in slot order.
    pub links: Vec<LinkId>,
    /// Requests waiting in its link managers' queues, then in its servers' $RECEIVE queues,
    /// each queue in order (a request in service is in its server's burst: `Cpus::fail`
    /// returns it).
    pub requests: Vec<RequestId>,
}

impl Pathway {
    /// Class instances (one per PATHMON that defines a class name).
    pub fn class_instances(&self) -> usize {
        self.classes.len()
    }
    /// Per class name, in name order: the class instance of its first definition.
    pub fn first_instances(&self) -> impl Iterator<Item = usize> + '_ {
        self.first_instance.iter().copied()
    }
    /// The first class instance of class name `name` (the slot a request carries).
    pub fn first_instance(&self, name: u16) -> usize {
        self.first_instance[usize::from(name)]
    }
    /// The name of PATHMON `pm`.
    pub fn pathmon_name(&self, pm: usize) -> &str {
        &self.pathmons[pm].name
    }
    /// The name of class instance `class`.
    pub fn class_name(&self, class: usize) -> &str {
        &self.classes[class].name
    }
    /// The process of server `server`.
    pub fn server_process(&self, server: u32) -> ProcessId {
        self.servers[server as usize].process
    }
    /// The processor of server `server`.
    pub fn server_cpu(&self, server: u32) -> ProcessorId {
        ProcessorId(self.servers[server as usize].cpu)
    }
    /// The processor link manager `lm` serves.
    pub fn lm_cpu(&self, lm: u32) -> ProcessorId {
        ProcessorId(self.lms[lm as usize].cpu)
    }
    /// The processors the servers of class name `name` run in, over all its instances: its
    /// static servers' where it has some, else one per MAXSERVERS placed round its CPUS.
    /// A distributed class: its MAXSERVERS, over all its LCSs, placed by the PB's weights.
    pub fn planned_server_cpus(&self, name: &str) -> Vec<u32> {
        let mut out = Vec::new();
        for c in self.classes.iter().filter(|c| c.name == name) {
            if let (Some(_), Some(pb)) = (c.lcs, &self.broker) {
                let mut pb = pb.clone();
                return (0..c.attrs.maxservers).filter_map(|_| pb.place()).collect();
            }
            if c.attrs.numstatic > 0 {
                out.extend(
                    c.servers
                        .iter()
                        .filter(|&&s| !self.servers[s].dynamic)
                        .map(|&s| self.servers[s].cpu),
                );
            } else {
                out.extend((0..c.attrs.maxservers as usize).map(|i| c.cpus[i % c.cpus.len()]));
            }
        }
        out
    }
    /// MAXSERVERS of class name `name`, summed over its instances (PATHMONs); a distributed
    /// class's bounds all its LCSs together.
    pub fn max_servers(&self, name: &str) -> u32 {
        let mut k = self.classes.iter().filter(|c| c.name == name).peekable();
        match k.peek() {
            Some(c) if c.lcs.is_some() => c.attrs.maxservers,
            _ => k.map(|c| c.attrs.maxservers).sum(),
        }
    }
    /// Requests the servers of each PATHMON's classes completed, by PATHMON.
    pub fn requests_by_pathmon(&self) -> Vec<u64> {
        let mut out = vec![0u64; self.pathmons.len()];
        for k in &self.classes {
            out[k.pathmon] += k.stats.requests;
        }
        out
    }

    /// What lived in processor `cpu` (see [`Held`]), given where the PATHMON processes run.
    #[allow(
        dead_code,
        reason = "the fault model starts a processor failure from it"
    )]
    pub fn held_in(&self, cpu: ProcessorId, cpus: &Cpus) -> Held {
        let mut held = Held {
            pathmons: (0..self.pathmons.len())
                .filter(|&p| cpus.processor_of(self.pathmons[p].process) == cpu)
                .collect(),
            ..Held::default()
        };
        for (i, sv) in self.servers.iter().enumerate() {
            // A dynamic server being created is counted, not yet alive, and holds a link.
            if ProcessorId(sv.cpu) == cpu && (sv.alive || sv.links > 0) {
                held.servers.push(i);
                held.requests.extend(sv.receive.iter().copied());
            }
        }
        held.link_managers = (0..self.lms.len())
            .filter(|&m| self.lms[m].cpu == cpu.0)
            .collect();
        for &m in &held.link_managers {
            held.requests.extend(self.lms[m].queue.iter().copied());
        }
        held.links = self
            .links
            .iter()
            .filter(|(_, l)| {
                self.lms[l.lm].cpu == cpu.0 || ProcessorId(self.servers[l.server].cpu) == cpu
            })
            .map(|(id, _)| id)
            .collect();
        held
    }

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

    /// The link manager of processor `cpu` for `route` (a TCP's: `Pathway::lm_of`).
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
        self.sample_lcss(t_s);
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
