//! The Pathway/XM LCS (Link Control Service) at run time: the proxy server of a DISTRIBUTED
//! server class in one PATHMON. It owns the class's request queue, holds server reservations
//! from the server node's process broker (PB) and forwards each request to a reserved server.
//!
//! What is modelled (`nonstop.md` section c; PXM page-36, page-90, page-159, page-167):
//!
//! ```text
//!  TCP ──hop──▶ LCS: receive (one message end of CPU) ──▶ LCS queue (FIFO)
//!      LCS: send (one message end of CPU) ──hop──▶ reserved idle server ($RECEIVE, service, I/O)
//!      server ──reply hop──▶ TCP                (the itinerary's reply legs, as for a link)
//! ```
//!
//! - one LCS process per PATHMON per distributed class, started with the class, placed in the
//!   PATHMON's (client) NODE by its CPU weights (smooth weighted round-robin, like the
//!   PATHMONs), at priority PATHMON - 3 (PXM page-56). It is a process like any other: its
//!   two message ends per request cost CPU by the message system's cost model (the same or
//!   the ServerNet rate by where its peers run), so it queues for its processor;
//! - LINKDEPTH is 4095 (PXM page-221): no link limit applies, and no link is acquired. The
//!   LCS forwards the head of its queue to an idle reserved server (the one idle longest),
//!   so its queue is the class's queue and its length is the signal the controller reads;
//! - its controller (`lcs_control.rs`) sees every arrival and every completion; on each
//!   arrival (and after each drop) it asks the node's PB for as many new reservations as it
//!   wants. A granted server is created in parallel with serving (PATHMON's
//!   `process_creation`; nothing waits for it) and joins the reservations when it runs;
//! - NUMSTATIC reservations are held from the start (the class's servers started with it):
//!   a class's NUMSTATIC is shared among its LCSs as evenly as possible, the first LCSs
//!   taking one more [I]; MAXSERVERS bounds the reservations (held or being created) of all
//!   LCSs of the class together, which the PB enforces when it grants;
//! - a reservation runs for the PB's reservation length from the moment its server runs; when
//!   it expires the LCS renews it if dropping it would leave fewer than its NUMSTATIC,
//!   otherwise drops it: an idle server at once (its process is deleted), a busy one after its
//!   reply.
//!
//! Simplified, and why ([I]: our inference):
//! - the reply goes from the server straight back to the TCP, as over a link [I]: the manuals
//!   call the LCS a proxy for requests and say nothing of replies passing through it;
//! - the TCP's send to its LCS needs no link and is not counted against the link managers'
//!   limits (the LCS is always reachable) [I]; the TCP's send end is charged before the LCS is
//!   known at the ServerNet rate, as any non-local Pathsend (`message_system.rs`);
//! - an LCS with requests queued and no server held or coming asks for one even when its
//!   window has forgotten every arrival, so a queue never waits for an arrival that a closed
//!   population will not send;
//! - processor failure in the server node (`fail.rs`): at detection the LCS loses the
//!   reservations of the servers there (their requests fail with 904 as at any server), the
//!   PB spreads the processor's weight over the survivors, and the LCS asks at once for what
//!   its controller wants (at least its NUMSTATIC), so new servers start on the survivors by
//!   the spread weights; a server being created there is not created (and is asked for again).
//!   After the reload the PB's weights are restored and servers come back there as
//!   reservations expire and are placed anew, NUMSTATIC ones included (`lcs_reload.rs`);
//! - an LCS's death (`lcs_kill`) and its restart by its PATHMON are `lcs_fail.rs`'s: a dead
//!   LCS receives, forwards and asks for nothing, and its reservations are orphans until
//!   they end;
//! - the PB, its CPU and messages cost nothing (`process_broker.rs`); class TIMEOUT, the
//!   Pathsend call timeout and failures of processors that host LCSs, TCPs or PATHMONs are
//!   refused by validation for distributed classes.

use std::collections::VecDeque;

use crate::engine::{SimDuration, SimTime};
use crate::stats::{Recorder, TimeWeighted};

use super::super::Event;
use super::super::ids::{ProcessId, ProcessorId, RequestId};
use super::super::lcs_control::{Expiry, LcsControl};
use super::super::processor::{CpuSplit, Work};
use super::super::request::Location;
use super::{Pathway, PwCtx};

/// A server the LCS holds a reservation of.
#[derive(Clone, Copy, Debug)]
pub struct Reserved {
    /// The server (index in Pathway's servers).
    pub server: usize,
    /// Forwarded a request that has not been answered yet: since when.
    pub busy_since: Option<SimTime>,
    /// When it last became idle (the LCS forwards to the one idle longest).
    pub idle_since: SimTime,
    /// Its reservation expired while it was busy: dropped after the reply.
    pub drop_after_reply: bool,
    /// When its reservation expires next; a `ReservationExpired` at another time is stale (its
    /// server died with its processor and the process was reused since).
    pub expires_at: SimTime,
    /// The server node's processors that were down when its server was placed (bit k: entry
    /// k of the NODE's CPU list, [`ProcessBroker::down_mask`]): once one of them is up again,
    /// the reservation is replaced when it expires (`lcs_reload.rs`).
    ///
    /// [`ProcessBroker::down_mask`]: super::super::process_broker::ProcessBroker::down_mask
    pub placed_down: u64,
    /// A replacement placed by the current weights is being created: this reservation is
    /// dropped when the replacement runs.
    pub replaced: bool,
}

/// What one LCS did, for results.
#[derive(Debug, Default)]
pub struct LcsStats {
    /// Requests in its queue over time.
    pub queued: TimeWeighted,
    /// Longest queue, whole run.
    pub queue_max: u64,
    /// Reservations held over time (servers running for it).
    pub reservations: TimeWeighted,
    /// Fewest and most reservations held at any moment of the run (from time zero).
    pub reservations_min: u64,
    /// See `reservations_min`.
    pub reservations_max: u64,
    /// Reservations the PB granted during the run (NUMSTATIC's at the start not counted).
    pub granted: u64,
    /// Grants the PB refused at MAXSERVERS.
    pub refused: u64,
    /// Expired reservations renewed (to keep NUMSTATIC).
    pub renewed: u64,
    /// Expired reservations dropped (their servers deleted).
    pub dropped: u64,
    /// Reservations lost with their servers when a processor of the server node failed
    /// (servers being created there included).
    pub lost: u64,
    /// NUMSTATIC reservations placed while a processor was down, replaced after its reload
    /// (the replacement ran and the old server was dropped).
    pub replaced: u64,
    /// Requests forwarded to a server.
    pub forwarded: u64,
    /// Requests lost with the LCS (`lcs_kill`): queued, in its bursts, on their way to it or
    /// forwarded and not answered, and sends that reached it while it was down.
    pub requests_lost: u64,
    /// Times its PATHMON restarted it.
    pub restarts: u64,
    /// One sample per sample interval: (time [s], queue length, reservations held).
    pub timeline: Vec<(f64, u64, u64)>,
}

/// One LCS at run time.
#[derive(Debug)]
pub struct LcsRt {
    /// Process name (`$XM0.LCS-ORDERS`).
    pub name: String,
    /// Its class instance.
    pub class: usize,
    /// Its process.
    pub process: ProcessId,
    /// Its share of the class's NUMSTATIC.
    pub numstatic: u32,
    /// Requests received and waiting for a server, first come first served.
    pub queue: VecDeque<RequestId>,
    /// Servers held, in the order they joined.
    pub reserved: Vec<Reserved>,
    /// Servers granted and being created.
    pub coming: u32,
    /// Of those, the ones that replace a held reservation (`lcs_reload.rs`).
    pub replacements: Vec<usize>,
    /// Those servers (`coming` of them).
    pub coming_servers: Vec<usize>,
    /// False from its death (`lcs_kill`) to its restart.
    pub up: bool,
    /// Reservations an earlier incarnation held when it died, until they end (`lcs_fail.rs`).
    pub orphaned: Vec<Reserved>,
    /// Servers an earlier incarnation was granted and that are still being created.
    pub orphan_coming: Vec<usize>,
    /// Its averaging window (a restarted LCS starts a fresh controller).
    pub window: SimDuration,
    /// Arrival and service averages, and the decisions.
    pub control: LcsControl,
    /// Its statistics.
    pub stats: LcsStats,
}

impl LcsRt {
    /// A new LCS for class instance `class` holding `numstatic` permanently, at most
    /// `maxservers`, averaging over `window`.
    pub fn new(
        name: String,
        class: usize,
        process: ProcessId,
        (numstatic, maxservers): (u32, u32),
        window: SimDuration,
    ) -> Self {
        LcsRt {
            name,
            class,
            process,
            numstatic,
            queue: VecDeque::new(),
            reserved: Vec::new(),
            coming: 0,
            replacements: Vec::new(),
            coming_servers: Vec::new(),
            up: true,
            orphaned: Vec::new(),
            orphan_coming: Vec::new(),
            window,
            control: LcsControl::new(window, numstatic, maxservers),
            stats: LcsStats::default(),
        }
    }

    /// Reservations held and not being dropped.
    fn keeping(&self) -> u32 {
        self.reserved.iter().filter(|v| !v.drop_after_reply).count() as u32
    }
}

impl Pathway {
    /// The process of LCS `lcs`.
    pub fn lcs_process(&self, lcs: u32) -> ProcessId {
        self.lcss[lcs as usize].process
    }

    /// The LCS process requests for class name `name` from send target `target` go to, if
    /// the class is distributed there.
    pub fn lcs_for(&self, target: usize, name: &str) -> Option<ProcessId> {
        self.route_for[target]
            .iter()
            .map(|&r| &self.routes[usize::from(r)])
            .find(|r| r.class_name == name)
            .and_then(|r| r.lcs)
            .map(|l| self.lcss[l as usize].process)
    }

    /// Reservations held or being created by every LCS of class name `name`.
    pub(super) fn class_reservations(&self, name: &str) -> u32 {
        self.lcss
            .iter()
            .filter(|l| self.classes[l.class].name == name)
            .map(|l| {
                (l.reserved.len() + l.orphaned.len() + l.orphan_coming.len()) as u32 + l.coming
            })
            .sum()
    }

    /// Time zero: each LCS's NUMSTATIC servers run; their reservations expire one
    /// reservation length later.
    pub fn start_lcss(&mut self, x: &mut PwCtx) {
        let Some(pb) = self.broker.as_ref() else {
            return;
        };
        let reservation = pb.reservation();
        for lcs in 0..self.lcss.len() {
            for k in 0..self.lcss[lcs].reserved.len() {
                self.lcss[lcs].reserved[k].expires_at = SimTime::ZERO + reservation;
                let server = self.lcss[lcs].reserved[k].server;
                x.ctx
                    .sched
                    .schedule_in_unkeyed(reservation, Event::ReservationExpired(server as u32));
            }
            let held = self.lcss[lcs].reserved.len() as u64;
            let st = &mut self.lcss[lcs].stats;
            st.reservations.set(SimTime::ZERO, held, x.ctx.rec);
            st.reservations_min = held;
            st.reservations_max = held;
        }
    }

    /// A requester sends `r` to LCS `lcs`: one message to the LCS's process.
    pub(super) fn lcs_send(&mut self, r: RequestId, lcs: usize, x: &mut PwCtx) {
        let req = x.requests.get_mut(r);
        let from = x.cpus.processor_of(req.send.requester);
        let to = x.cpus.processor_of(self.lcss[lcs].process);
        req.hops += 1;
        let d = x.ipc.latency_of(from, to, req.bytes[0]);
        if d.is_zero() {
            req.at = Location::Transit { to, step: None };
            self.lcs_arrived(r, x);
        } else {
            let step = Some(x.ctx.sched.schedule_in(d, Event::LcsArrive(r)));
            req.at = Location::Transit { to, step };
        }
    }

    /// The request reached its LCS: the LCS receives it (one message end of CPU).
    pub fn lcs_arrived(&mut self, r: RequestId, x: &mut PwCtx) {
        let req = x.requests.get_mut(r);
        let lcs = self.routes[req.send.route as usize]
            .lcs
            .expect("sent to an LCS") as usize;
        let process = self.lcss[lcs].process;
        if !self.lcss[lcs].up {
            // Its LCS is dead: nothing receives it (the node fails it, `lcs_kill.rs`).
            req.at = Location::Lcs { lcs: lcs as u32 };
            x.cpus.swallow(process, Work::Request(r));
            return;
        }
        let from = x.cpus.processor_of(req.send.requester);
        let demand = x
            .ipc
            .cpu_between(from, x.cpus.processor_of(process), req.bytes[0]);
        req.at = Location::Lcs { lcs: lcs as u32 };
        if !lcs_burst(process, demand, r, x) {
            self.lcs_received(r, lcs, x);
        }
    }

    /// A burst of the LCS for `r` has ended: its receive (then it queues) or its send to the
    /// server (then the message leaves).
    pub fn lcs_burst_done(&mut self, r: RequestId, x: &mut PwCtx) {
        let req = x.requests.get(r);
        let Location::Lcs { lcs } = req.at else {
            unreachable!("an LCS burst for a request at its LCS")
        };
        match req.send.server {
            None => self.lcs_received(r, lcs as usize, x),
            Some(server) => self.lcs_sent(r, server as usize, x),
        }
    }

    /// LCS `lcs` has received `r`: it joins the queue; the controller counts the arrival.
    fn lcs_received(&mut self, r: RequestId, lcs: usize, x: &mut PwCtx) {
        let now = x.ctx.now();
        let l = &mut self.lcss[lcs];
        l.control.arrived(now);
        l.queue.push_back(r);
        x.requests.get_mut(r).send.queued_at = now;
        self.lcs_queue_changed(lcs, x.ctx.now(), x.ctx.rec);
        self.lcs_dispatch(lcs, x);
        self.lcs_grow(lcs, x);
    }

    fn lcs_queue_changed(&mut self, lcs: usize, now: SimTime, rec: &Recorder) {
        let n = self.lcss[lcs].queue.len() as u64;
        let st = &mut self.lcss[lcs].stats;
        st.queued.set(now, n, rec);
        st.queue_max = st.queue_max.max(n);
    }

    pub(super) fn lcs_reservations_changed(&mut self, lcs: usize, now: SimTime, rec: &Recorder) {
        let l = &mut self.lcss[lcs];
        let n = l.reserved.len() as u64;
        l.stats.reservations.set(now, n, rec);
        l.stats.reservations_min = l.stats.reservations_min.min(n);
        l.stats.reservations_max = l.stats.reservations_max.max(n);
    }

    /// Forwards queued requests to idle reserved servers, the one idle longest first.
    pub(super) fn lcs_dispatch(&mut self, lcs: usize, x: &mut PwCtx) {
        loop {
            let l = &self.lcss[lcs];
            if l.queue.is_empty() || !l.up {
                return;
            }
            // Ties by position: the earlier reservation.
            let Some(k) = (0..l.reserved.len())
                .filter(|&k| l.reserved[k].busy_since.is_none())
                .min_by_key(|&k| l.reserved[k].idle_since)
            else {
                return;
            };
            let r = self.lcss[lcs].queue.pop_front().expect("not empty");
            self.lcs_queue_changed(lcs, x.ctx.now(), x.ctx.rec);
            self.lcs_forward(r, lcs, k, x);
        }
    }

    /// The LCS sends `r` to its `k`-th reserved server: one message end of CPU in the LCS,
    /// then the message.
    fn lcs_forward(&mut self, r: RequestId, lcs: usize, k: usize, x: &mut PwCtx) {
        let now = x.ctx.now();
        let l = &mut self.lcss[lcs];
        l.reserved[k].busy_since = Some(now);
        l.stats.forwarded += 1;
        let server = l.reserved[k].server;
        let process = l.process;
        let class = self.servers[server].class;
        let req = x.requests.get_mut(r);
        req.send.server = Some(server as u32);
        req.send.served_by = Some(u16::try_from(class).expect("fewer than 65536 classes"));
        req.send.queue_wait = now - req.send.queued_at;
        let from = x.cpus.processor_of(process);
        let demand = x
            .ipc
            .cpu_between(from, ProcessorId(self.servers[server].cpu), req.bytes[0]);
        if !lcs_burst(process, demand, r, x) {
            self.lcs_sent(r, server, x);
        }
    }

    /// The LCS's message to `server` leaves: one hop; its arrival ends the Pathsend leg.
    fn lcs_sent(&mut self, r: RequestId, server: usize, x: &mut PwCtx) {
        let req = x.requests.get_mut(r);
        let lcs = self.routes[req.send.route as usize]
            .lcs
            .expect("sent to an LCS") as usize;
        let from = x.cpus.processor_of(self.lcss[lcs].process);
        self.hop_to_server(r, from, server, x);
    }

    /// The processor the message that delivered `r` to its server came from: its LCS's for a
    /// distributed class, else its requester's.
    pub(super) fn sender_cpu(&self, r: &super::super::request::Request, x: &PwCtx) -> ProcessorId {
        match self.routes[r.send.route as usize].lcs {
            Some(l) => x.cpus.processor_of(self.lcss[l as usize].process),
            None => x.cpus.processor_of(r.send.requester),
        }
    }

    /// How many more reservations the LCS wants now, asked of the PB one by one until one is
    /// refused. Each granted server is created (PATHMON's `process_creation`) and joins the
    /// reservations when it runs.
    pub(super) fn lcs_grow(&mut self, lcs: usize, x: &mut PwCtx) {
        let now = x.ctx.now();
        let l = &mut self.lcss[lcs];
        if !l.up {
            return;
        }
        let held = l.reserved.len() as u32 + l.coming;
        let mut wanted = l.control.wanted(now, held);
        if wanted == 0 && held == 0 && !l.queue.is_empty() {
            wanted = 1;
        }
        for _ in 0..wanted {
            if self.lcs_grant(lcs, false, x).is_none() {
                return;
            }
        }
    }

    /// LCS `lcs` asks the PB for one reservation: the server it places is created (PATHMON's
    /// `process_creation`) and joins the reservations when it runs. `None` (counted) when the
    /// PB refuses. A `replacement` (`lcs_reload.rs`) may take the class up to twice MAXSERVERS
    /// for the moment both servers are held (PXM page-90: "briefly up to 2x").
    pub(super) fn lcs_grant(
        &mut self,
        lcs: usize,
        replacement: bool,
        x: &mut PwCtx,
    ) -> Option<usize> {
        let now = x.ctx.now();
        let class = self.lcss[lcs].class;
        let maxservers = self.classes[class].attrs.maxservers * (1 + u32::from(replacement));
        let held = self.class_reservations(&self.classes[class].name.clone());
        let pb = self
            .broker
            .as_mut()
            .expect("a distributed class has its PB");
        let Ok(grant) = pb.grant(now, held, maxservers) else {
            self.lcss[lcs].stats.refused += 1;
            return None;
        };
        let cpu = grant.cpu;
        self.placements.push((now.as_secs_f64(), cpu));
        let server = self.new_server(class, true, Some(cpu), x.cpus);
        self.servers[server].creating = true;
        self.lcss[lcs].coming += 1;
        self.lcss[lcs].coming_servers.push(server);
        self.lcss[lcs].stats.granted += 1;
        let creation = self.pathmons[self.classes[class].pathmon].process_creation;
        x.ctx
            .sched
            .schedule_in_unkeyed(creation, Event::LcsServerReady(server as u32));
        Some(server)
    }

    /// A server the PB placed for an LCS runs: it joins the LCS's reservations, which expire
    /// one reservation length from now.
    pub fn lcs_server_ready(&mut self, server: usize, x: &mut PwCtx) {
        let now = x.ctx.now();
        let class = self.servers[server].class;
        let lcs = self.classes[class]
            .lcs
            .expect("a distributed class has its LCS");
        let cpu = self.servers[server].cpu;
        self.servers[server].creating = false;
        if let Some(k) = self.lcss[lcs]
            .orphan_coming
            .iter()
            .position(|&s| s == server)
        {
            // Granted to an LCS that has died since.
            self.lcss[lcs].orphan_coming.remove(k);
            return self.orphan_ready(lcs, server, x);
        }
        self.lcss[lcs].coming_servers.retain(|&s| s != server);
        if self.is_down(cpu) || !x.cpus.is_up(ProcessorId(cpu)) {
            // Its processor failed while it was being created: it never runs, and the LCS asks
            // again (the PB places it on a survivor once the failure is known).
            self.lcss[lcs].coming -= 1;
            self.lcss[lcs].stats.lost += 1;
            self.classes[class].servers_counted -= 1;
            self.lcs_replacement_lost(lcs, server);
            self.lcs_grow(lcs, x);
            return;
        }
        self.servers[server].alive = true;
        self.classes[class].stats.dynamic_created += 1;
        self.servers_changed(class, now, x.ctx.rec);
        let l = &mut self.lcss[lcs];
        l.coming -= 1;
        let pb = self.broker.as_ref().expect("its PB");
        let reservation = pb.reservation();
        l.reserved.push(Reserved {
            server,
            busy_since: None,
            idle_since: now,
            drop_after_reply: false,
            expires_at: now + reservation,
            placed_down: pb.down_mask(),
            replaced: false,
        });
        x.ctx
            .sched
            .schedule_in_unkeyed(reservation, Event::ReservationExpired(server as u32));
        // A replaced idle server goes at this instant: the peak counts only a busy one.
        self.lcs_replacement_ready(lcs, server, x);
        self.lcs_reservations_changed(lcs, now, x.ctx.rec);
        self.lcs_dispatch(lcs, x);
    }

    /// The reservation of `server` expired: renewed to keep NUMSTATIC, else dropped (after
    /// the reply, if the server is busy).
    pub fn reservation_expired(&mut self, server: usize, x: &mut PwCtx) {
        let now = x.ctx.now();
        let class = self.servers[server].class;
        let lcs = self.classes[class]
            .lcs
            .expect("a distributed class has its LCS");
        let l = &mut self.lcss[lcs];
        // Stale when the server died with its processor (and maybe was reused since).
        let Some(k) = l
            .reserved
            .iter()
            .position(|v| v.server == server && v.expires_at == now)
        else {
            // Held for an LCS that died (`lcs_fail.rs`).
            return self.orphan_expired(lcs, server, x);
        };
        let busy = l.reserved[k].busy_since.is_some();
        match l.control.expired(l.keeping(), busy) {
            Expiry::Renew => {
                l.stats.renewed += 1;
                let reservation = self.broker.as_ref().expect("its PB").reservation();
                l.reserved[k].expires_at = now + reservation;
                x.ctx
                    .sched
                    .schedule_in_unkeyed(reservation, Event::ReservationExpired(server as u32));
                self.lcs_replace_if_displaced(lcs, k, x);
            }
            Expiry::DropAfterReply => l.reserved[k].drop_after_reply = true,
            Expiry::Drop => {
                self.lcs_drop(lcs, k, x);
                self.lcs_grow(lcs, x);
            }
        }
    }

    /// LCS `lcs` drops its `k`-th reservation: the server's process is deleted.
    pub(super) fn lcs_drop(&mut self, lcs: usize, k: usize, x: &mut PwCtx) {
        let v = self.lcss[lcs].reserved.remove(k);
        self.delete_reserved(lcs, v, x);
    }

    /// The reservation `v` of LCS `lcs` (taken out of its lists) ends: its idle server's
    /// process is deleted.
    pub(super) fn delete_reserved(&mut self, lcs: usize, v: Reserved, x: &mut PwCtx) {
        let now = x.ctx.now();
        self.lcss[lcs].stats.dropped += 1;
        let sv = &mut self.servers[v.server];
        debug_assert!(!sv.busy && sv.receive.is_empty(), "dropping a busy server");
        sv.alive = false;
        let class = sv.class;
        let c = &mut self.classes[class];
        c.servers_counted -= 1;
        c.stats.dynamic_deleted += 1;
        self.servers_changed(class, now, x.ctx.rec);
        self.lcs_reservations_changed(lcs, now, x.ctx.rec);
    }

    /// The server answered `r`, forwarded by its LCS: the reservation is free for the next
    /// queued request, or dropped if it expired meanwhile. Returns the server and whether
    /// the reply is discarded, as `reply_sent` does.
    pub(super) fn lcs_reply(&mut self, r: RequestId, x: &mut PwCtx) -> (usize, bool) {
        let now = x.ctx.now();
        let req = x.requests.get(r);
        let server = req.send.server.expect("held by a server") as usize;
        let discarded = req.send_failed;
        let requester_cpu = x.cpus.processor_of(req.send.requester).0;
        self.servers[server].busy = false;
        let class = self.servers[server].class;
        let stats = &mut self.classes[class].stats;
        stats.requests += 1;
        stats.by_cpu(requester_cpu, 1);
        stats
            .servers_held
            .set(now, stats.servers_held.level() - 1, x.ctx.rec);
        let lcs = self.classes[class]
            .lcs
            .expect("a distributed class has its LCS");
        let l = &mut self.lcss[lcs];
        let Some(k) = l.reserved.iter().position(|v| v.server == server) else {
            // Reserved for an LCS that died since (`lcs_fail.rs`).
            self.orphan_replied(lcs, server, x);
            return (server, discarded);
        };
        let since = l.reserved[k].busy_since.take().expect("it was busy");
        l.control.completed(now, now - since);
        l.reserved[k].idle_since = now;
        if l.reserved[k].drop_after_reply {
            self.lcs_drop(lcs, k, x);
            self.lcs_grow(lcs, x);
        }
        self.lcs_dispatch(lcs, x);
        (server, discarded)
    }

    /// Processor `cpu` of the server node has been declared down (its requests aborted): the
    /// PB spreads its weight, and every LCS drops its reservations of the servers there.
    /// Returns the LCSs that lost some; call [`lcs_after_failure`](Self::lcs_after_failure)
    /// with them once the servers have died.
    pub(super) fn lcs_processor_down(&mut self, cpu: u32, x: &mut PwCtx) -> Vec<usize> {
        let Some(pb) = self.broker.as_mut() else {
            return Vec::new();
        };
        pb.processor_down(cpu);
        let now = x.ctx.now();
        let mut touched = Vec::new();
        for lcs in 0..self.lcss.len() {
            let servers = &self.servers;
            let l = &mut self.lcss[lcs];
            let before = l.reserved.len() + l.orphaned.len();
            l.reserved.retain(|v| servers[v.server].cpu != cpu);
            l.orphaned.retain(|v| servers[v.server].cpu != cpu);
            let lost = (before - l.reserved.len() - l.orphaned.len()) as u64;
            if lost > 0 {
                l.stats.lost += lost;
                self.lcs_reservations_changed(lcs, now, x.ctx.rec);
                touched.push(lcs);
            }
        }
        touched
    }

    /// After a processor failure: each LCS in `touched` asks the PB for what its controller
    /// wants (at least its NUMSTATIC) and forwards what it can.
    pub(super) fn lcs_after_failure(&mut self, touched: &[usize], x: &mut PwCtx) {
        for &lcs in touched {
            self.lcs_grow(lcs, x);
            self.lcs_dispatch(lcs, x);
        }
    }

    /// Processor `cpu` of the server node is up again: the PB restores its weight.
    pub(super) fn lcs_processor_up(&mut self, cpu: u32) {
        if let Some(pb) = self.broker.as_mut() {
            pb.processor_up(cpu);
        }
    }

    /// Records each LCS's queue and reservations (once per sample interval).
    pub(super) fn sample_lcss(&mut self, t_s: f64) {
        self.sample_broker(t_s);
        for l in &mut self.lcss {
            let (q, n) = (l.queue.len() as u64, l.reserved.len() as u64);
            l.stats.timeline.push((t_s, q, n));
        }
    }

    /// The client of `r`, queued at its LCS, gave up (`abandon = "withdraw"`): it leaves the
    /// queue. False (nothing changes) while the LCS's burst for it runs.
    pub(super) fn lcs_withdraw(&mut self, r: RequestId, lcs: usize, x: &mut PwCtx) -> bool {
        let q = &mut self.lcss[lcs].queue;
        let Some(at) = q.iter().position(|&w| w == r) else {
            return false;
        };
        q.remove(at);
        self.lcs_queue_changed(lcs, x.ctx.now(), x.ctx.rec);
        true
    }

    /// Records the servers of distributed classes running per processor of the server node.
    fn sample_broker(&mut self, t_s: f64) {
        let Some(pb) = &self.broker else {
            return;
        };
        let cpus: Vec<u32> = pb.weights().iter().map(|&(c, _)| c).collect();
        let mut row = vec![0u32; cpus.len()];
        for l in &self.lcss {
            for &s in &self.classes[l.class].servers {
                let sv = &self.servers[s];
                if let (true, Some(k)) = (sv.alive, cpus.iter().position(|&c| c == sv.cpu)) {
                    row[k] += 1;
                }
            }
        }
        self.servers_by_cpu.push((t_s, row));
    }

    /// The PB's result, when some class is distributed.
    pub fn broker_result(&self) -> Option<crate::stats::XmBrokerResult> {
        let (name, cpus, reservation) = self.broker.as_ref().map(|pb| pb.describe())?;
        Some(crate::stats::XmBrokerResult {
            node: name,
            cpus,
            reservation_s: reservation.as_secs_f64(),
            servers_by_cpu: self.servers_by_cpu.clone(),
            placements: self.placements.clone(),
        })
    }

    /// Per LCS, in order: its queue and reservations.
    pub fn lcs_results(
        &self,
        cpus: &super::super::processor::Cpus,
        rec: &Recorder,
    ) -> Vec<crate::stats::XmLcsResult> {
        let end = rec.end();
        self.lcss
            .iter()
            .map(|l| {
                let k = &self.classes[l.class];
                crate::stats::XmLcsResult {
                    name: l.name.clone(),
                    pathmon: self.pathmons[k.pathmon].name.clone(),
                    class: k.name.clone(),
                    processor: cpus.processor_of(l.process).0,
                    numstatic: l.numstatic,
                    maxservers: k.attrs.maxservers,
                    forwarded: l.stats.forwarded,
                    queue_mean: l.stats.queued.mean(end, rec),
                    queue_max: l.stats.queue_max,
                    reservations_mean: l.stats.reservations.mean(end, rec),
                    reservations_min: l.stats.reservations_min,
                    reservations_max: l.stats.reservations_max,
                    granted: l.stats.granted,
                    refused: l.stats.refused,
                    renewed: l.stats.renewed,
                    dropped: l.stats.dropped,
                    lost: l.stats.lost,
                    replaced: l.stats.replaced,
                    requests_lost: l.stats.requests_lost,
                    restarts: l.stats.restarts,
                    timeline: l.stats.timeline.clone(),
                }
            })
            .collect()
    }
}

/// One message end of CPU `demand` in LCS process `process` for `r`, message-system work (an
/// LCS receives and forwards). Returns false, submitting nothing, when it costs nothing: the
/// caller goes on at once.
fn lcs_burst(process: ProcessId, demand: SimDuration, r: RequestId, x: &mut PwCtx) -> bool {
    if demand.is_zero() {
        return false;
    }
    x.cpus.submit_split(
        process,
        CpuSplit::message_system(demand),
        Work::Request(r),
        &mut x.ctx,
    );
    true
}
