//! What a processor failure means to Pathway, and what a reload gives back (faults.md A.2,
//! A.5 to A.7).
//!
//! Models, at the moment the other processors declare the failed processor down (before
//! that, Pathway knows nothing, and sends to a server there simply get no reply):
//! - [F] Every server process there is gone (NSINTRO p. 6-13); [F] every link manager there is
//!   gone with its requesters, and its links are relinquished (PS-G p. 4-3); [I] PATHMON
//!   reclaims them at detection, freeing MAXLINKS room for the other link managers.
//! - [F] A send outstanding at a dead server, or on its way to one, fails with 904,
//!   file-system error 201 (PS-J page-122); requests waiting in a dead link manager's queue go
//!   with their requesters. The node tells the clients (`take_requests_in`, `abort_send`).
//! - [F] A link manager holding a link to a dead server returns it (A.6); a link from a dead
//!   link manager to a server that lives on and is working on its request is returned when the
//!   server replies (its reply has nowhere to go).
//! - [F] AUTORESTART n restarts a static server that ended abnormally at most n times within a
//!   fixed 10-minute window (TSMP-SM page-247), in the next processor of its CPUS list that is
//!   up (AVAIL p. 6-6), after `process_creation`. [?] Processor failures count against the
//!   limit. With no CPUS processor up the restart fails: error 916 (PS-J page-124), counted
//!   per class. Dynamic servers are created again on demand, only in processors that are up.
//! - [I] A PATHMON whose both halves are gone grants nothing; [F] a send whose link manager
//!   would ask it for a link (no free link, below NUMSTATIC x LINKDEPTH) then fails with 902
//!   (file-system error 201 or 14; `Pathway::unreachable` has the reasoning), and after
//!   `pathmon_io_timeout` [F] its links are dropped, pending sends get 902/40 and later ones
//!   915 (A.3, A.5; the table is `Pathway::no_link_error`'s).
//! - Reload: [I] the static servers that died in the processor and were not restarted
//!   elsewhere start there again. Servers AUTORESTART moved elsewhere stay there with
//!   `rebalance = "off"` (the default, TS/MP before 2.5, A.7); with `"auto"` or `"manual"`
//!   (TS/MP 2.5 SPREBALANCEMODE) they move back, without failing a request (`rebalance`).
//!
//! Simplifies: a link being granted when its link manager or server dies is dropped with it
//! (its PATHMON's burst, if it is queued in a PATHMON taking over, finds it gone and does
//! nothing); the PATHMON's own exception CPU (A.6) is not charged.

use crate::engine::{SimDuration, SimTime};

use super::super::Event;
use super::super::ids::{LinkId, ProcessorId, RequestId};
use super::super::processor::Health;
use super::{Pathway, PwCtx};

/// AUTORESTART's window (TSMP-SM page-247).
const AUTORESTART_WINDOW: SimDuration = SimDuration::from_secs(600);

/// Where Pathway held a request in a failed processor.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HeldAt {
    /// Waiting for a link at a link manager there (its requester is there too).
    LinkQueue,
    /// In the $RECEIVE queue of a server there.
    Server,
}

/// How a server's new process came up.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Restart {
    /// AUTORESTART restarted it.
    Restarted,
    /// It moved back to its reloaded processor (`rebalance`).
    Rebalanced,
    /// Its processor was down again: not restarted (916).
    Failed,
}

/// What a processor failure cost Pathway.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Lost {
    /// Server processes that died.
    pub servers: u32,
    /// Links dropped (open or being granted).
    pub links: u32,
    /// Static servers AUTORESTART will restart elsewhere.
    pub restarting: u32,
    /// Static servers AUTORESTART could not restart: no processor of their CPUS list is up
    /// (error 916).
    pub not_restarted: u32,
}

impl Pathway {
    /// True when Pathway knows processor `cpu` is down.
    pub(super) fn is_down(&self, cpu: u32) -> bool {
        self.down.get(cpu as usize).copied().unwrap_or(false)
    }

    /// Processor `cpu` has been declared down: the requests Pathway held there, each with
    /// where, in queue order (link managers, then servers); the queues are emptied. Call
    /// before [`fail`](Self::fail), and end each request's send with
    /// [`abort_send`](Self::abort_send).
    pub fn take_requests_in(
        &mut self,
        cpu: ProcessorId,
        x: &mut PwCtx,
    ) -> Vec<(RequestId, HeldAt)> {
        let mut out = Vec::new();
        for lm in 0..self.lms.len() {
            if self.lms[lm].cpu != cpu.0 {
                continue;
            }
            if let Some(key) = self.lms[lm].createdelay.take() {
                x.ctx.sched.cancel(key);
                self.lms[lm].backoff_wake = false;
            }
            let n = self.lms[lm].queue.len() as i64;
            if n > 0 {
                self.route_queue_changed(lm, -n, x.ctx.now(), x.ctx.rec);
                out.extend(self.lms[lm].queue.drain(..).map(|r| (r, HeldAt::LinkQueue)));
            }
        }
        for sv in &mut self.servers {
            if sv.cpu == cpu.0 {
                out.extend(sv.receive.drain(..).map(|r| (r, HeldAt::Server)));
            }
        }
        out
    }

    /// The send of `r` ends because a processor failed: its timers stop, it no longer counts
    /// against the link manager's limits, and the link it holds (to a server that died) is
    /// dropped. Returns true if it was at or on its way to a server: error 904, file-system
    /// error 201, counted per class.
    pub fn abort_send(&mut self, r: RequestId, x: &mut PwCtx) -> bool {
        let req = x.requests.get_mut(r);
        if let Some(key) = req.send.timeout.take() {
            x.ctx.sched.cancel(key);
        }
        let link = req.send.link.take();
        // A request an LCS forwarded to a server of a distributed class (no link).
        let forwarded = req
            .send
            .server
            .filter(|_| self.routes[req.send.route as usize].lcs.is_some());
        let host = match (link, req.at) {
            (Some(l), _) => self.lms[self.links.get(l).lm].host,
            (None, super::super::request::Location::LinkWait { lm }) => self.lms[lm as usize].host,
            (None, _) => {
                let requester = req.send.requester;
                self.host_of(requester, x.cpus.processor_of(requester).0)
            }
        };
        self.end_send(req, host, x.ctx.sched);
        let Some(link) = link else {
            let Some(server) = forwarded else {
                return false;
            };
            // Its server died with its processor: 904 as for a server reached over a link.
            let class = self.servers[server as usize].class;
            self.classes[class].stats.errors_904_fs201 += 1;
            return true;
        };
        let class = self.servers[self.links.get(link).server].class;
        self.classes[class].stats.errors_904_fs201 += 1;
        self.links.get_mut(link).busy = false;
        self.drop_link(link, x);
        true
    }

    /// Processor `cpu` has been declared down (after its requests were taken and aborted):
    /// its servers are gone, links from its link managers or to its servers are dropped,
    /// AUTORESTART restarts static servers elsewhere, and link managers elsewhere that still
    /// have requests waiting ask for new links.
    pub fn fail(&mut self, cpu: ProcessorId, x: &mut PwCtx) -> Lost {
        let c = cpu.0 as usize;
        if self.down.len() <= c {
            self.down.resize(c + 1, false);
        }
        self.down[c] = true;
        let mut lost = Lost::default();
        // Distributed classes: the LCSs lose their reservations there, the PB its processor.
        let lcss = self.lcs_processor_down(cpu.0, x);
        // The servers that die: alive, or being created (counted, holding their link).
        let dying: Vec<usize> = (0..self.servers.len())
            .filter(|&s| {
                let sv = &self.servers[s];
                sv.cpu == cpu.0 && (sv.alive || sv.links > 0)
            })
            .collect();
        // Links first, while their servers still count them.
        let touching: Vec<LinkId> = self
            .links
            .iter()
            .filter(|(_, l)| self.lms[l.lm].cpu == cpu.0 || self.servers[l.server].cpu == cpu.0)
            .map(|(id, _)| id)
            .collect();
        for link in touching {
            let l = self.links.get_mut(link);
            if l.busy {
                // Only a link from a dead link manager to a live server can still carry a
                // request: the requests at dead servers were aborted first.
                debug_assert_ne!(self.servers[l.server].cpu, cpu.0);
                l.doomed = true;
                continue;
            }
            self.drop_link(link, x);
            lost.links += 1;
        }
        for s in dying {
            debug_assert!(self.servers[s].receive.is_empty() && self.servers[s].links == 0);
            self.server_dies(s, &mut lost, x);
        }
        self.lcs_after_failure(&lcss, x);
        self.pathmons_changed(x);
        lost
    }

    /// Server `s` (alive or being created, its requests aborted and its links dropped) is
    /// gone: it no longer counts, and a static one is restarted by AUTORESTART if it may be.
    fn server_dies(&mut self, s: usize, lost: &mut Lost, x: &mut PwCtx) {
        let now = x.ctx.now();
        let sv = &mut self.servers[s];
        sv.alive = false;
        sv.moving = false;
        let was_busy = std::mem::replace(&mut sv.busy, false);
        let (class, dynamic) = (sv.class, sv.dynamic);
        if was_busy {
            // It held its request (CPU or I/O) until now.
            let held = &mut self.classes[class].stats.servers_held;
            held.set(now, held.level() - 1, x.ctx.rec);
        }
        self.classes[class].servers_counted -= 1;
        self.servers_changed(class, now, x.ctx.rec);
        lost.servers += 1;
        // A distributed class's LCS replaces its servers through the PB instead (`lcs.rs`).
        let distributed = self.classes[class].lcs.is_some();
        if !dynamic && !distributed && self.classes[class].attrs.autorestart > 0 {
            if self.autorestart(s, x) {
                lost.restarting += 1;
            } else {
                lost.not_restarted += 1;
            }
        }
    }

    /// Every PATHMON's state after processes died: [I] one whose both halves are gone grants
    /// nothing (A.3); link managers that still have requests waiting ask for new links.
    ///
    /// [F] A link manager's I/O to a lost PATHMON times out after `pathmon_io_timeout` (5
    /// minutes, PS-G page-89; LR page-102): then it drops all links to that PATHMON's servers
    /// (the ones carrying a request when their reply comes), its pending sends fail with 902
    /// and file-system error 40, and later sends that need that PATHMON get 915
    /// ([`pathmon_io_timed_out`](Self::pathmon_io_timed_out)). A PATHMON that runs again (its
    /// processor reloaded) is usable again at once.
    pub fn pathmons_changed(&mut self, x: &mut PwCtx) {
        let n = self.pathmons.len();
        self.pathmon_down.resize(n, false);
        self.pathmon_lost_at.resize(n, None);
        self.pathmon_shut.resize(n, false);
        for pm in 0..n {
            let down = x.cpus.health(self.pathmons[pm].process) == Health::Down;
            if down && !self.pathmon_down[pm] {
                self.pathmon_lost_at[pm] = Some(x.ctx.now());
                x.ctx.sched.schedule_in_unkeyed(
                    self.pathmon_io_timeout,
                    Event::PathmonIoTimeout(pm as u32),
                );
            } else if !down {
                self.pathmon_lost_at[pm] = None;
                self.pathmon_shut[pm] = false;
            }
            self.pathmon_down[pm] = down;
        }
        self.acquire_everywhere(x);
    }

    /// `pathmon_io_timeout` has passed since PATHMON `pm` was lost: if it is still gone (and
    /// was not lost again since), its links are dropped and its link managers give up on it
    /// (see [`pathmons_changed`](Self::pathmons_changed)). Returns the links dropped, or None
    /// when the timer is stale.
    pub fn pathmon_io_timed_out(&mut self, pm: usize, x: &mut PwCtx) -> Option<u32> {
        let now = x.ctx.now();
        let current = self.pathmon_down.get(pm).copied().unwrap_or(false)
            && self.pathmon_lost_at[pm].is_some_and(|t| t + self.pathmon_io_timeout == now);
        if !current {
            return None;
        }
        self.pathmon_shut[pm] = true;
        let mine: Vec<LinkId> = self
            .links
            .iter()
            .filter(|(_, l)| self.classes[self.servers[l.server].class].pathmon == pm)
            .map(|(id, _)| id)
            .collect();
        let mut dropped = 0;
        let mut touched: Vec<usize> = Vec::new();
        for link in mine {
            let l = self.links.get_mut(link);
            touched.push(l.lm);
            if l.busy {
                l.doomed = true;
            } else {
                self.drop_link(link, x);
                dropped += 1;
            }
        }
        touched.sort_unstable();
        touched.dedup();
        for lm in touched {
            if self.lms[lm].queue.is_empty() || self.is_down(self.lms[lm].cpu) {
                continue;
            }
            if self.unreachable(lm, x.cpus).is_some() {
                // No member answers: every send waiting for a link gets 902/40 now (A.3).
                self.fail_unreachable(lm, super::SendError::new(902, 40), x);
                continue;
            }
            // Another member of a domain may grant; else the pending sends get 902/40.
            self.acquire(lm, x);
            self.fail_if_unservable(lm, super::pathsend::Unservable::PathmonTimedOut, x);
        }
        Some(dropped)
    }

    /// True while server `s` runs or is being created (holds a link).
    pub fn server_running(&self, s: usize) -> bool {
        self.servers[s].alive || self.servers[s].links > 0
    }

    /// The Pathway server whose process is `p`, if it is one.
    pub fn server_of(&self, p: super::super::ids::ProcessId) -> Option<usize> {
        self.servers.iter().position(|sv| sv.process == p)
    }

    /// The requests in server `s`'s $RECEIVE queue, in order; the queue is emptied. Call
    /// before [`kill_server`](Self::kill_server), and end each request's send with
    /// [`abort_send`](Self::abort_send).
    pub fn take_server_queue(&mut self, s: usize) -> Vec<RequestId> {
        self.servers[s].receive.drain(..).collect()
    }

    /// Server `s`'s process was killed (`process_kill`), after every send outstanding at it
    /// was aborted (904, file-system error 201): [F] PATHMON tells every link manager holding
    /// a link to it, and they drop them (A.6); a static server is restarted by AUTORESTART,
    /// [I] in its own processor first (a process death leaves the processor up), else in the
    /// next processor of CPUS that is up; a dynamic one is created again on demand. A server
    /// being created is not created. Link managers with requests waiting ask for new links.
    pub fn kill_server(&mut self, s: usize, x: &mut PwCtx) -> Lost {
        let mut lost = Lost::default();
        let (alive, was_busy) = (self.servers[s].alive, self.servers[s].busy);
        let links: Vec<LinkId> = self
            .links
            .iter()
            .filter(|(_, l)| l.server == s)
            .map(|(id, _)| id)
            .collect();
        // While its links go, an alive server is not deleted as an idle dynamic one (it dies
        // once, below); one being created is uncounted with its last link (`drop_link`).
        self.servers[s].busy = true;
        for link in links {
            debug_assert!(!self.links.get(link).busy, "its sends were aborted first");
            self.drop_link(link, x);
            lost.links += 1;
        }
        self.servers[s].busy = was_busy;
        if alive {
            self.server_dies(s, &mut lost, x);
        }
        self.acquire_everywhere(x);
        lost
    }

    /// Static server `s` died: restart it in the first processor of its CPUS list that is up,
    /// from its own (up after a process death, down after a processor failure, so the next),
    /// after `process_creation`, if AUTORESTART allows another restart in its window. False
    /// when it cannot be restarted (error 916 when no CPUS processor is up).
    fn autorestart(&mut self, s: usize, x: &mut PwCtx) -> bool {
        let now = x.ctx.now();
        let class = self.servers[s].class;
        let k = &mut self.classes[class];
        k.restarts.retain(|&t| now - t < AUTORESTART_WINDOW);
        if k.restarts.len() as u32 >= k.attrs.autorestart {
            return false;
        }
        let n = k.cpus.len();
        let home = k
            .cpus
            .iter()
            .position(|&c| c == self.servers[s].cpu)
            .unwrap_or(0);
        let next = (0..n)
            .map(|i| k.cpus[(home + i) % n])
            .find(|&c| !self.down.get(c as usize).copied().unwrap_or(false));
        let Some(cpu) = next else {
            k.stats.errors_916 += 1;
            return false;
        };
        k.restarts.push(now);
        k.servers_counted += 1;
        self.servers[s].restart_to = Some(cpu);
        let creation = self.pathmons[k.pathmon].process_creation;
        x.ctx
            .sched
            .schedule_in_unkeyed(creation, Event::ServerRestarted(s as u32));
        true
    }

    /// Processor `cpu`, reloaded, takes back the static servers AUTORESTART moved out of it
    /// (`rebalance = "auto"` at once, `"manual"` at the operator's command; faults.md A.7,
    /// [F] TS/MP 2.5 SPREBALANCEMODE, TSMP25-SM page-152). [I] Each moves without failing a
    /// request: it takes no new link, its idle links are returned at once and the others
    /// when their reply comes (link managers with requests waiting ask for new links); then
    /// its process stops and starts again in `cpu` after `process_creation`. Returns how
    /// many move.
    pub fn rebalance(&mut self, cpu: ProcessorId, x: &mut PwCtx) -> u32 {
        if self.is_down(cpu.0) || !x.cpus.is_up(cpu) {
            return 0;
        }
        let movers: Vec<usize> = (0..self.servers.len())
            .filter(|&s| {
                let sv = &self.servers[s];
                !sv.dynamic
                    && sv.alive
                    && !sv.moving
                    && sv.home == cpu.0
                    && sv.cpu != cpu.0
                    && sv.restart_to.is_none()
            })
            .collect();
        for &s in &movers {
            let sv = &mut self.servers[s];
            sv.moving = true;
            sv.alive = false;
            let class = sv.class;
            self.servers_changed(class, x.ctx.now(), x.ctx.rec);
            // In slot order, so the returns are deterministic.
            let links: Vec<LinkId> = self
                .links
                .iter()
                .filter(|(_, l)| l.server == s)
                .map(|(id, _)| id)
                .collect();
            for link in links {
                let l = self.links.get_mut(link);
                if l.open && !l.busy {
                    self.return_link(link, x);
                } else {
                    // Carrying a request, or being granted: returned when free.
                    l.doomed = true;
                }
            }
            let sv = &self.servers[s];
            if sv.moving && sv.links == 0 && !sv.busy && sv.receive.is_empty() {
                self.move_home(s, x);
            }
        }
        movers.len() as u32
    }

    /// Static server `s`, moving home and holding nothing now, stops and is created again in
    /// its home processor after `process_creation` (`ServerRestarted`).
    pub(super) fn move_home(&mut self, s: usize, x: &mut PwCtx) {
        let sv = &mut self.servers[s];
        if sv.restart_to.is_some() {
            // Already on its way (its last link was returned while others were looked at).
            return;
        }
        debug_assert!(sv.moving && sv.links == 0 && !sv.busy && sv.receive.is_empty());
        sv.restart_to = Some(sv.home);
        let (process, class) = (sv.process, sv.class);
        let work = x.cpus.kill(process, &mut x.ctx);
        debug_assert!(work.is_empty(), "a server moving home holds no work");
        let creation = self.pathmons[self.classes[class].pathmon].process_creation;
        x.ctx
            .sched
            .schedule_in_unkeyed(creation, Event::ServerRestarted(s as u32));
    }

    /// AUTORESTART's new process for static server `s` is up (in the processor chosen when
    /// it died, if that is still up; else its restart fails with 916), or a server moving
    /// home (`rebalance`) runs there now: `Restart::Rebalanced`.
    pub fn server_restarted(&mut self, s: usize, x: &mut PwCtx) -> Restart {
        let moved = std::mem::replace(&mut self.servers[s].moving, false);
        let cpu = self.servers[s]
            .restart_to
            .take()
            .expect("a restart was planned");
        let class = self.servers[s].class;
        if self.is_down(cpu) || !x.cpus.is_up(ProcessorId(cpu)) {
            let k = &mut self.classes[class];
            k.servers_counted -= 1;
            k.stats.errors_916 += 1;
            return Restart::Failed;
        }
        let sv = &mut self.servers[s];
        x.cpus.restart(sv.process, ProcessorId(cpu));
        sv.cpu = cpu;
        sv.alive = true;
        if !moved {
            self.classes[class].stats.restarted += 1;
        }
        self.servers_changed(class, x.ctx.now(), x.ctx.rec);
        self.acquire_everywhere(x);
        if moved {
            Restart::Rebalanced
        } else {
            Restart::Restarted
        }
    }

    /// Processor `cpu` is up again after a reload: the static servers that died there and
    /// were not restarted elsewhere start there again (within MAXSERVERS). Returns how many.
    pub fn reload(&mut self, cpu: ProcessorId, x: &mut PwCtx) -> u32 {
        if let Some(d) = self.down.get_mut(cpu.0 as usize) {
            *d = false;
        }
        // Distributed classes: the PB places by the restored weights from now on.
        self.lcs_processor_up(cpu.0);
        let mut restarted = 0;
        for s in 0..self.servers.len() {
            let sv = &self.servers[s];
            let class = sv.class;
            let k = &self.classes[class];
            if sv.cpu != cpu.0
                || k.lcs.is_some()
                || sv.dynamic
                || sv.alive
                || sv.restart_to.is_some()
                || k.servers_counted >= k.attrs.maxservers
            {
                continue;
            }
            x.cpus.restart(sv.process, cpu);
            self.servers[s].alive = true;
            self.classes[class].servers_counted += 1;
            self.servers_changed(class, x.ctx.now(), x.ctx.rec);
            restarted += 1;
        }
        // Its PATHMONs restarted with it (the node restarts them first) grant again.
        self.pathmons_changed(x);
        restarted
    }

    /// A PATHMON's grant burst for `link` was lost with its processor (both halves of the
    /// PATHMON gone): the link request is dropped, and its link manager asks again.
    pub fn grant_lost(&mut self, link: LinkId, x: &mut PwCtx) {
        if self.links.try_get(link).is_none() {
            return;
        }
        let lm = self.links.get(link).lm;
        self.drop_link(link, x);
        if !self.lms[lm].queue.is_empty() {
            self.acquire(lm, x);
        }
    }

    /// Every link manager with requests waiting and no link coming for each asks for links
    /// (after servers died or came back).
    fn acquire_everywhere(&mut self, x: &mut PwCtx) {
        for lm in 0..self.lms.len() {
            if !self.lms[lm].queue.is_empty() && !self.is_down(self.lms[lm].cpu) {
                self.acquire(lm, x);
            }
        }
    }

    /// Drops `link` (open or being granted, not carrying a request) without returning it to
    /// a live server's pool: its timers stop, the counts of its link manager, server, class
    /// and processor lose it. A dynamic server being created for it is not created.
    pub(super) fn drop_link(&mut self, link: LinkId, x: &mut PwCtx) {
        let now: SimTime = x.ctx.now();
        let l = self.links.get_mut(link);
        debug_assert!(!l.busy, "dropping a link that carries a request");
        for key in [l.granting.take(), l.deletedelay.take()]
            .into_iter()
            .flatten()
        {
            x.ctx.sched.cancel(key);
        }
        let (lm, server, open) = (l.lm, l.server, l.open);
        let m = &mut self.lms[lm];
        self.accounts.hosts[m.host as usize].links -= 1;
        if open {
            m.held.retain(|&h| h != link);
            m.idle.retain(|&h| h != link);
        } else {
            m.pending -= 1;
        }
        let sv = &mut self.servers[server];
        sv.links -= 1;
        sv.links_by_lm.remove(lm);
        let class = sv.class;
        let being_created = !open && sv.dynamic && !sv.alive && sv.links == 0;
        let delete =
            open && sv.alive && sv.dynamic && sv.links == 0 && !sv.busy && sv.receive.is_empty();
        if delete {
            sv.alive = false;
        }
        self.classes[class].links_out -= 1;
        self.classes[class].link_from(self.lms[lm].cpu, false);
        if open {
            let c = &mut self.classes[class];
            c.stats
                .links_held
                .set(now, c.stats.links_held.level() - 1, x.ctx.rec);
            self.lm_links_changed(lm, class, -1, now, x.ctx.rec);
        }
        if (being_created && !self.is_down(self.servers[server].cpu)) || delete {
            let c = &mut self.classes[class];
            c.servers_counted -= 1;
            if delete {
                c.stats.dynamic_deleted += 1;
            }
        }
        self.links.remove(link);
        if delete {
            self.servers_changed(class, now, x.ctx.rec);
        }
    }
}
