//! What an LCS's death (`lcs_kill`, faults.md A.9) means to Pathway, and its restart by its
//! PATHMON. The node (`model/lcs_kill.rs`) kills the process, fails the requests it lost and
//! restarts it; this file keeps the LCS's and the process broker's books.
//!
//! Models:
//! - [F seed 003] At its death the LCS's queue is lost (the node fails each request); a
//!   request in its forward burst never left, so its server's reservation is idle again.
//! - [?] Its reservations (`[faults] lcs_reservations`, no manual says): `held` (default):
//!   the process broker keeps them until they expire, so their servers take no new request
//!   and count against MAXSERVERS, and each is deleted when its reservation ends (a busy one
//!   after its reply); `released`: they end at once (idle servers deleted now, busy ones
//!   after their reply). Servers being created for it are orphans likewise when they run.
//! - [F] Its PATHMON restarts it (`process_creation` later): it starts empty, with a fresh
//!   controller, and asks the PB at once for its NUMSTATIC share (more as arrivals come),
//!   which the PB refuses past MAXSERVERS while orphans still count.

use crate::engine::SimDuration;
use crate::scenario::LcsReservations;

use super::super::Event;
use super::super::ids::RequestId;
use super::super::lcs_control::LcsControl;
use super::lcs::Reserved;
use super::{Pathway, PwCtx};

impl Pathway {
    /// What the PB does with a dead LCS's reservations.
    pub fn set_lcs_reservations(&mut self, how: LcsReservations) {
        self.lcs_reservations = how;
    }

    /// The LCS whose process is named `name` (`$XM0.LCS-ORDERS`).
    pub fn lcs_named(&self, name: &str) -> Option<usize> {
        self.lcss.iter().position(|l| l.name == name)
    }

    /// The LCS route `route` sends to, if its class is distributed.
    pub fn lcs_of_route(&self, route: u16) -> Option<usize> {
        self.routes[usize::from(route)].lcs.map(|l| l as usize)
    }

    /// Counts one request lost with LCS `lcs` (904/201 to its requester, per class too).
    pub fn lcs_count_lost(&mut self, lcs: usize) {
        let l = &mut self.lcss[lcs];
        l.stats.requests_lost += 1;
        self.classes[l.class].stats.errors_904_fs201 += 1;
    }

    /// LCS `lcs` has died (its process killed, `in_burst` the requests its cancelled bursts
    /// held): it is down, its reservations are orphans. Returns the requests of its queue,
    /// for the node to fail, and its PATHMON's `process_creation`, after which it restarts.
    pub fn lcs_killed(
        &mut self,
        lcs: usize,
        in_burst: &[RequestId],
        x: &mut PwCtx,
    ) -> (Vec<RequestId>, SimDuration) {
        let now = x.ctx.now();
        let l = &mut self.lcss[lcs];
        l.up = false;
        let queued: Vec<RequestId> = l.queue.drain(..).collect();
        // A forward whose burst was cut never left: its server is idle, and it reached none.
        for &r in in_burst {
            let req = x.requests.get_mut(r);
            if let Some(server) = req.send.server.take() {
                req.send.served_by = None;
                if let Some(v) = l.reserved.iter_mut().find(|v| v.server == server as usize) {
                    v.busy_since = None;
                    v.idle_since = now;
                }
            }
        }
        let held = std::mem::take(&mut l.reserved);
        l.orphaned.extend(held);
        let coming = std::mem::take(&mut l.coming_servers);
        l.orphan_coming.extend(coming);
        // Replacements being created are orphans too: nothing of the old incarnation's is
        // replaced any more (`lcs_reload.rs`).
        l.replacements.clear();
        l.coming = 0;
        self.lcs_queue_changed_at(lcs, x);
        self.lcs_reservations_changed_at(lcs, x);
        if self.lcs_reservations == LcsReservations::Released {
            let orphans = std::mem::take(&mut self.lcss[lcs].orphaned);
            for mut v in orphans {
                if v.busy_since.is_some() {
                    v.drop_after_reply = true;
                    self.lcss[lcs].orphaned.push(v);
                } else {
                    self.delete_reserved(lcs, v, x);
                }
            }
        }
        let class = self.lcss[lcs].class;
        let creation = self.pathmons[self.classes[class].pathmon].process_creation;
        (queued, creation)
    }

    /// LCS `lcs` runs again, restarted by its PATHMON: a fresh controller, and it asks the PB
    /// for what it wants (at least its NUMSTATIC share).
    pub fn lcs_restarted(&mut self, lcs: usize, x: &mut PwCtx) {
        let class = self.lcss[lcs].class;
        let maxservers = self.classes[class].attrs.maxservers;
        let l = &mut self.lcss[lcs];
        l.up = true;
        l.stats.restarts += 1;
        l.control = LcsControl::new(l.window, l.numstatic, maxservers);
        self.lcs_grow(lcs, x);
        self.lcs_dispatch(lcs, x);
    }

    /// A server granted to LCS `lcs` before it died runs now: an orphan reservation (`held`),
    /// deleted when it expires, or deleted at once (`released`, or its processor failed).
    pub(super) fn orphan_ready(&mut self, lcs: usize, server: usize, x: &mut PwCtx) {
        let now = x.ctx.now();
        let class = self.servers[server].class;
        let cpu = self.servers[server].cpu;
        let up = !self.is_down(cpu) && x.cpus.is_up(super::super::ids::ProcessorId(cpu));
        if !up || self.lcs_reservations == LcsReservations::Released {
            // It never serves: not created (its process, if any, is deleted at once).
            if !up {
                self.lcss[lcs].stats.lost += 1;
            }
            self.classes[class].servers_counted -= 1;
            return;
        }
        self.servers[server].alive = true;
        self.classes[class].stats.dynamic_created += 1;
        self.servers_changed(class, now, x.ctx.rec);
        let reservation = self.broker.as_ref().expect("its PB").reservation();
        self.lcss[lcs].orphaned.push(Reserved {
            server,
            busy_since: None,
            idle_since: now,
            drop_after_reply: false,
            expires_at: now + reservation,
            // An orphan is never replaced (`lcs_reload.rs`): it ends when it expires.
            placed_down: 0,
            replaced: false,
        });
        x.ctx
            .sched
            .schedule_in_unkeyed(reservation, Event::ReservationExpired(server as u32));
    }

    /// The reservation of `server`, an orphan of LCS `lcs`, may have expired now: it ends
    /// (after the reply, if its server is busy). A stale expiry does nothing.
    pub(super) fn orphan_expired(&mut self, lcs: usize, server: usize, x: &mut PwCtx) {
        let now = x.ctx.now();
        let l = &mut self.lcss[lcs];
        let Some(k) = l
            .orphaned
            .iter()
            .position(|v| v.server == server && v.expires_at == now)
        else {
            return;
        };
        if l.orphaned[k].busy_since.is_some() {
            l.orphaned[k].drop_after_reply = true;
        } else {
            let v = l.orphaned.remove(k);
            self.delete_reserved(lcs, v, x);
            self.lcs_grow(lcs, x);
        }
    }

    /// `server`, an orphan of LCS `lcs`, has replied (its reply discarded): idle until its
    /// reservation ends, or deleted now if it has ended.
    pub(super) fn orphan_replied(&mut self, lcs: usize, server: usize, x: &mut PwCtx) {
        let now = x.ctx.now();
        let l = &mut self.lcss[lcs];
        let k =
            l.orphaned.iter().position(|v| v.server == server).expect(
                "a server answering for an LCS is reserved, by it or by its dead incarnation",
            );
        l.orphaned[k].busy_since = None;
        l.orphaned[k].idle_since = now;
        if l.orphaned[k].drop_after_reply {
            let v = l.orphaned.remove(k);
            self.delete_reserved(lcs, v, x);
            self.lcs_grow(lcs, x);
        }
    }

    fn lcs_queue_changed_at(&mut self, lcs: usize, x: &mut PwCtx) {
        let n = self.lcss[lcs].queue.len() as u64;
        self.lcss[lcs].stats.queued.set(x.ctx.now(), n, x.ctx.rec);
    }

    fn lcs_reservations_changed_at(&mut self, lcs: usize, x: &mut PwCtx) {
        let l = &mut self.lcss[lcs];
        let n = l.reserved.len() as u64;
        l.stats.reservations.set(x.ctx.now(), n, x.ctx.rec);
        l.stats.reservations_min = l.stats.reservations_min.min(n);
        l.stats.reservations_max = l.stats.reservations_max.max(n);
    }
}
