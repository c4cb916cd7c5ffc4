//! Pathsend: how a requester's request reaches a server process over a link, and how link
//! managers and PATHMONs acquire, reuse and return links. The rules are described in
//! `mod.rs`; this file is their event-driven side. Every method changes Pathway only, reaches
//! the rest of the node through [`PwCtx`], and reports requests that fail with error 905 in
//! `PwCtx::failed` for the node to finish.

use crate::engine::{SimDuration, SimTime};
use crate::stats::Recorder;

use super::super::Event;
use super::super::ids::{LinkId, ProcessorId, RequestId};
use super::super::processor::{CpuSplit, Cpus, Health, ProcessKind, Work};
use super::super::request::Location;
use super::{LinkRt, Pathway, PwCtx, SendError, ServerRt, Want};

/// Why the sends waiting at a link manager can never be sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Unservable {
    /// No PATHMON can grant a link: 905, or what the PATHMONs' state says
    /// ([`Pathway::no_link_error`]: 902, 915, 916).
    NoLink,
    /// 923: the link manager holds its limit of links.
    TooManyLinks,
    /// [F] 902 with file-system error 40: the link manager's I/O to a lost PATHMON timed out
    /// and it dropped that PATHMON's links (A.3).
    PathmonTimedOut,
}

impl Pathway {
    /// A requester sends request `r` with `SERVERCLASS_SEND_`: take a free link of the link
    /// manager of its processor, or queue there and get a link.
    /// A send the link manager's limits refuse fails at once (924, 925).
    pub fn send(&mut self, r: RequestId, x: &mut PwCtx) {
        let now = x.ctx.now();
        let req = x.requests.get_mut(r);
        if let Some(lcs) = self.routes[req.send.route as usize].lcs {
            // A distributed class: its LCS owns the queue (`lcs.rs`).
            req.send.queued_at = now;
            self.lcs_send(r, lcs as usize, x);
            return;
        }
        let requester = req.send.requester;
        let cpu = x.cpus.processor_of(requester).0;
        req.send.queued_at = now;
        let route = req.send.route as usize;
        // A Pathway/XM TCP is its own link manager; any other requester uses its processor's.
        let host = self.host_of(requester, cpu);
        let lm = self.lm_of(host, route);
        self.lms[lm].sends += 1;
        if let Err(why) = self.accounts.admit(host, requester) {
            self.routes[route].errors.refused(why);
            x.failed.push_back((r, why.error()));
            return;
        }
        req.send.outstanding = true;
        if let Some((sampler, rng)) = &mut self.call_timeout {
            let t = sampler.sample(rng);
            req.send.call_timeout = Some(x.ctx.sched.schedule_in(t, Event::SendTimeout(r)));
        }
        if let Some(link) = self.take_idle(lm) {
            self.use_link(r, link, x);
        } else {
            req.at = Location::LinkWait { lm: lm as u32 };
            self.lms[lm].queue.push_back(r);
            self.route_queue_changed(lm, 1, now, x.ctx.rec);
            self.acquire(lm, x);
        }
    }

    pub(super) fn route_queue_changed(
        &mut self,
        lm: usize,
        delta: i64,
        now: SimTime,
        rec: &Recorder,
    ) {
        let route = &mut self.routes[self.lms[lm].route];
        let level = route.queued.level() as i64 + delta;
        route
            .queued
            .set(now, u64::try_from(level).expect("queue below zero"), rec);
    }

    /// Asks for as many links as requests wait beyond the links already on the way: static
    /// links at once; when only dynamic ones remain, after CREATEDELAY. With no link held,
    /// none coming and none obtainable, the waiting requests fail with 905.
    /// A link manager at its limit of links asks for none; if it holds none to the class,
    /// its waiting requests fail with 923. A Pathway/XM TCP denied a link backs off
    /// (`tcp.rs`): it asks for no link until its back-off is over, and its requests wait.
    pub(super) fn acquire(&mut self, lm: usize, x: &mut PwCtx) {
        let host = self.lms[lm].host;
        if self.backing_off(lm, x) {
            return;
        }
        loop {
            let m = &self.lms[lm];
            if m.queue.len() <= m.pending as usize {
                return;
            }
            if !self.accounts.link_room(host) {
                self.denied(lm, Unservable::TooManyLinks, x);
                return;
            }
            match self.place_counted(lm, Want::Static) {
                Some((class, server)) => self.request_link(lm, class, server, x),
                None => break,
            }
        }
        if let Some(error) = self.unreachable(lm, x.cpus)
            && self.accounts.link_room(host)
        {
            // No member PATHMON answers: a link manager that would ask for a link now fails
            // the sends that need one; one that would ask for a dynamic link waits CREATEDELAY
            // first (`unreachable`).
            if self.would_ask(lm, Want::Static) {
                self.fail_unreachable(lm, error, x);
            } else if self.would_ask(lm, Want::Dynamic) {
                self.arm_createdelay(lm, x);
            } else {
                // It asks for no link: its sends wait for its links (or 902 with none).
                self.denied(lm, Unservable::NoLink, x);
            }
            return;
        }
        match self.place(lm, Want::Dynamic) {
            Some(_) if !self.accounts.link_room(host) => {
                self.denied(lm, Unservable::TooManyLinks, x);
            }
            Some((class, _)) => {
                if self.lms[lm].createdelay.is_none() {
                    let delay = self.classes[class].attrs.createdelay;
                    let key = x
                        .ctx
                        .sched
                        .schedule_in(delay, Event::CreateDelay { lm: lm as u32 });
                    self.lms[lm].createdelay = Some(key);
                }
            }
            None => self.denied(lm, Unservable::NoLink, x),
        }
    }

    /// Starts link manager `lm`'s CREATEDELAY wait (the first member class's) if none runs.
    fn arm_createdelay(&mut self, lm: usize, x: &mut PwCtx) {
        if self.lms[lm].createdelay.is_some() {
            return;
        }
        let route = &self.routes[self.lms[lm].route];
        let Some(class) = route.members.iter().find_map(|m| m.0) else {
            return;
        };
        let delay = self.classes[class].attrs.createdelay;
        let key = x
            .ctx
            .sched
            .schedule_in(delay, Event::CreateDelay { lm: lm as u32 });
        self.lms[lm].createdelay = Some(key);
    }

    /// The error a link request from link manager `lm` gets when no member PATHMON of its
    /// route can answer it (both halves of each lost, or given up on: 902 or 915, as
    /// [`no_link_error`](Self::no_link_error) says), or `None` when one runs.
    ///
    /// Why a send fails at once, rather than wait for one of the links its link manager
    /// holds (faults.md A.5, A.6; TSMP-SM page-96, PS-J page-112): [F] a link manager that
    /// finds no free link asks PATHMON for one when it is below its limits: at once while it
    /// holds fewer than NUMSTATIC x LINKDEPTH links to the class (the static links it may
    /// hold), for a dynamic server after CREATEDELAY while it holds fewer than MAXSERVERS x
    /// LINKDEPTH. [F] With its PATHMON unreachable that request fails with 902
    /// (FEScPathmonConnect: file-system error 201 path down, 14 no such process; the message
    /// is not sent), and the link manager returns that error to the send it asked for.
    /// [I] Only a refusal by a running PATHMON (no server with room) leaves the send waiting
    /// for a busy link (and 905 when it holds none). So a link manager whose PATHMON is lost
    /// still serves its sends on the links it holds while one is free, and fails the rest
    /// with 902 instead of queueing them until the send limit (924 or 947) refuses them.
    pub(super) fn unreachable(&self, lm: usize, cpus: &Cpus) -> Option<SendError> {
        let route = &self.routes[self.lms[lm].route];
        let lost = |pm: usize| {
            self.pathmon_down.get(pm).copied().unwrap_or(false)
                || self.pathmon_shut.get(pm).copied().unwrap_or(false)
        };
        let mut members = route.members.iter().filter(|m| m.0.is_some()).peekable();
        members.peek()?;
        if members.all(|&(_, pm, _)| lost(pm)) {
            Some(self.no_link_error(lm, cpus))
        } else {
            None
        }
    }

    /// True when link manager `lm` holds (or has asked for) fewer links to its route's
    /// class than it may hold to its static servers (`Want::Static`: NUMSTATIC x LINKDEPTH
    /// over the route's members) or to all its servers (`Want::Dynamic`: MAXSERVERS x
    /// LINKDEPTH), so that it would ask PATHMON for another (TSMP-SM page-96).
    fn would_ask(&self, lm: usize, want: Want) -> bool {
        let m = &self.lms[lm];
        let have = m.held.len() as u64 + u64::from(m.pending);
        let may: u64 = self.routes[m.route]
            .members
            .iter()
            .filter_map(|mb| mb.0)
            .map(|c| {
                let a = &self.classes[c].attrs;
                let servers = match want {
                    Want::Static => a.numstatic,
                    Want::Dynamic => a.maxservers,
                };
                u64::from(servers) * u64::from(a.linkdepth)
            })
            .sum();
        have < may
    }

    /// The sends waiting at `lm` beyond the links already on their way would each make a
    /// link request no PATHMON answers: they fail with `error` (902 or 915), the latest
    /// first taken off the queue (the earlier ones keep their place for the links coming).
    pub(super) fn fail_unreachable(&mut self, lm: usize, error: SendError, x: &mut PwCtx) {
        let m = &self.lms[lm];
        let n = m.queue.len().saturating_sub(m.pending as usize);
        if n == 0 {
            return;
        }
        let keep = m.queue.len() - n;
        let failing: Vec<RequestId> = self.lms[lm].queue.drain(keep..).collect();
        self.route_queue_changed(lm, -(n as i64), x.ctx.now(), x.ctx.rec);
        let m = &mut self.lms[lm];
        if m.queue.is_empty()
            && let Some(key) = m.createdelay.take()
        {
            x.ctx.sched.cancel(key);
            m.backoff_wake = false;
        }
        let (host, route) = (self.lms[lm].host, self.lms[lm].route);
        for r in failing {
            self.routes[route].errors.pathmon_lost(error);
            let req = x.requests.get_mut(r);
            self.end_send(req, host, x.ctx.sched);
            x.failed.push_back((r, error));
        }
    }

    /// No link can be had for the requests waiting at `lm`: they fail if the link manager
    /// holds no link and none is coming, and a TCP backs off (`tcp.rs`).
    fn denied(&mut self, lm: usize, why: Unservable, x: &mut PwCtx) {
        self.fail_if_unservable(lm, why, x);
        self.back_off(lm, x);
    }

    /// CREATEDELAY has passed with requests still waiting: ask for dynamic links.
    pub fn createdelay_expired(&mut self, lm: usize, x: &mut PwCtx) {
        // The timer is cancelled whenever the wait ends early, so a firing one is current.
        let fired = self.lms[lm].createdelay.take();
        debug_assert!(fired.is_some(), "CREATEDELAY fired unarmed");
        if std::mem::take(&mut self.lms[lm].backoff_wake) {
            // A TCP's back-off is over: it asks for links as on any send.
            self.acquire(lm, x);
            return;
        }
        let host = self.lms[lm].host;
        if let Some(error) = self.unreachable(lm, x.cpus)
            && self.accounts.link_room(host)
            && self.would_ask(lm, Want::Dynamic)
        {
            // Its request for a dynamic link finds no PATHMON (see `unreachable`).
            self.fail_unreachable(lm, error, x);
            return;
        }
        let mut why = Unservable::NoLink;
        loop {
            let m = &self.lms[lm];
            if m.queue.len() <= m.pending as usize {
                return;
            }
            if !self.accounts.link_room(host) {
                why = Unservable::TooManyLinks;
                break;
            }
            match self.place_counted(lm, Want::Dynamic) {
                Some((class, server)) => self.request_link(lm, class, server, x),
                None => break,
            }
        }
        self.denied(lm, why, x);
    }

    /// Pathsend error 905 (or 923, 902, 915, 916): the link manager holds no link, none is
    /// coming, and no PATHMON can grant one (or it may not ask for one), so the waiting
    /// requests can never be sent.
    pub(super) fn fail_if_unservable(&mut self, lm: usize, why: Unservable, x: &mut PwCtx) {
        let m = &self.lms[lm];
        if !m.held.is_empty() || m.pending > 0 || m.queue.is_empty() {
            return;
        }
        let error = match why {
            Unservable::NoLink => self.no_link_error(lm, x.cpus),
            Unservable::TooManyLinks => SendError::new(923, 0),
            Unservable::PathmonTimedOut => SendError::new(902, 40),
        };
        let n = m.queue.len() as i64;
        self.route_queue_changed(lm, -n, x.ctx.now(), x.ctx.rec);
        let host = self.lms[lm].host;
        while let Some(r) = self.lms[lm].queue.pop_front() {
            let route = self.lms[lm].route;
            match error.code {
                905 => {
                    self.routes[route].errors_905 += 1;
                    self.lms[lm].errors_905 += 1;
                }
                923 => self.routes[route].errors.e923 += 1,
                _ => self.routes[route].errors.pathmon_lost(error),
            }
            let req = x.requests.get_mut(r);
            self.end_send(req, host, x.ctx.sched);
            x.failed.push_back((r, error));
        }
    }

    /// What the requesters of link manager `lm` hear when no member of its route can grant a
    /// link (faults.md A.5). Per member, in the route's order (ACSCTL's for a domain):
    /// - [F] 915 once the link managers have given up on its PATHMON (`pathmon_io_timeout`
    ///   after both its halves were lost; TSMP-SM, PS-G page-89);
    /// - [F] 902 while both halves of its PATHMON are gone: file-system error 201 if its
    ///   processor failed, 14 if its process was killed in a processor that is up;
    /// - [F] 916 when the class would create a dynamic server (below MAXSERVERS) but no
    ///   processor of its CPUS is up (PS-J page-124);
    /// - else 905 (PS-J page-112).
    ///
    /// [F] An ACS domain tries each member in turn and returns only the last error (RS25
    /// page-26); [I] "last" is the last member in ACSCTL order. A member that does not define
    /// the class is not tried.
    pub(super) fn no_link_error(&self, lm: usize, cpus: &Cpus) -> SendError {
        let route = &self.routes[self.lms[lm].route];
        let mut error = SendError::new(905, 0);
        for &(class, pm, _) in &route.members {
            let Some(c) = class else { continue };
            error = if self.pathmon_shut.get(pm).copied().unwrap_or(false) {
                SendError::new(915, 0)
            } else if self.pathmon_down.get(pm).copied().unwrap_or(false) {
                let at = cpus.processor_of(self.pathmons[pm].process);
                SendError::new(902, if self.is_down(at.0) { 201 } else { 14 })
            } else {
                let k = &self.classes[c];
                // Only a class with dynamic servers creates one for a send.
                let creatable = k.attrs.maxservers > k.attrs.numstatic
                    && k.servers_counted < k.attrs.maxservers;
                if creatable && k.cpus.iter().all(|&cpu| self.is_down(cpu)) {
                    SendError::new(916, 0)
                } else {
                    SendError::new(905, 0)
                }
            };
        }
        error
    }

    /// The send of `req` (through link manager host `host`) is over: it no longer counts
    /// against the limits and its call timeout is cancelled.
    pub(super) fn end_send(
        &mut self,
        req: &mut super::super::request::Request,
        host: u32,
        sched: &mut crate::engine::Scheduler<Event>,
    ) {
        if req.send.outstanding {
            req.send.outstanding = false;
            self.accounts.send_over(host, req.send.requester);
        }
        if let Some(key) = req.send.call_timeout.take() {
            sched.cancel(key);
        }
    }

    /// Reserves a link from `lm` to `server` of `class` (creating a dynamic server when
    /// `server` is `None`) and sends the link request to the PATHMON.
    fn request_link(&mut self, lm: usize, class: usize, server: Option<usize>, x: &mut PwCtx) {
        let creating = server.is_none();
        let server = match server {
            Some(sv) => sv,
            None => {
                let m = &self.lms[lm];
                let cpu = self.routes[m.route].local.then_some(m.cpu);
                self.new_server(class, true, cpu, x.cpus)
            }
        };
        let sv = &mut self.servers[server];
        sv.links += 1;
        sv.links_by_lm.add(lm);
        self.classes[class].links_out += 1;
        self.classes[class].link_from(self.lms[lm].cpu, true);
        self.lms[lm].pending += 1;
        self.accounts.hosts[self.lms[lm].host as usize].links += 1;
        let link = self.links.insert(LinkRt {
            lm,
            server,
            open: false,
            busy: false,
            doomed: false,
            deletedelay: None,
            creating,
            taken_at: SimTime::ZERO,
            response_ns: 0.0,
            granting: None,
        });
        let pathmon = &self.pathmons[self.classes[class].pathmon];
        let at = x.cpus.processor_of(pathmon.process);
        let from = ProcessorId(self.lms[lm].cpu);
        let key = x
            .ctx
            .sched
            .schedule_in(x.ipc.latency(from, at), Event::GrantAtPathmon(link));
        self.links.get_mut(link).granting = Some(key);
    }

    /// Creates a server process of `class` (reusing a deleted dynamic server's slot), placed
    /// in processor `cpu` if given, else on the next processor of its CPUS list. A dynamic
    /// server is counted at once and runs once PATHMON has created it.
    pub fn new_server(
        &mut self,
        class: usize,
        dynamic: bool,
        cpu: Option<u32>,
        cpus: &mut Cpus,
    ) -> usize {
        let now_alive = !dynamic;
        let down = &self.down;
        let c = &mut self.classes[class];
        // The next processor of CPUS that Pathway does not know to be down.
        let cpu = cpu.unwrap_or_else(|| {
            let n = c.cpus.len();
            let skip = (0..n)
                .find(|&i| {
                    let cpu = c.cpus[(c.next_cpu + i) % n];
                    !down.get(cpu as usize).copied().unwrap_or(false)
                })
                .unwrap_or(0);
            c.next_cpu += skip + 1;
            c.cpus[(c.next_cpu - 1) % n]
        });
        c.servers_counted += 1;
        // A deleted server's process in the same processor is reused (its busy time stays with
        // that processor), so memory does not grow with server churn; never one an LCS is
        // still waiting for (it would be reserved twice).
        let reuse = c.servers.iter().copied().find(|&s| {
            let s = &self.servers[s];
            !s.alive
                && s.links == 0
                && !s.busy
                && s.receive.is_empty()
                && s.cpu == cpu
                && s.restart_to.is_none()
                && !s.creating
        });
        let index = match reuse {
            Some(i) => i,
            None => {
                let n = self.classes[class].servers.len();
                let k = &self.classes[class];
                // A class name defined in several PATHMONs (an ACS domain, Pathway/XM's
                // replicated classes) is qualified by its PATHMON, as TS/MP names it
                // (`$PM1.SERVER-WRONG`), so every server process name is unique.
                let name = if k.qualified {
                    format!("{}.{}#{n}", self.pathmons[k.pathmon].name, k.name)
                } else {
                    format!("{}#{n}", k.name)
                };
                let priority = self.classes[class].priority;
                let process = cpus.spawn(name, ProcessKind::Server, cpu, priority);
                self.servers.push(ServerRt {
                    process,
                    class,
                    cpu,
                    dynamic,
                    alive: false,
                    links: 0,
                    links_by_lm: Default::default(),
                    receive: Default::default(),
                    busy: false,
                    restart_to: None,
                    home: cpu,
                    moving: false,
                    creating: false,
                });
                let i = self.servers.len() - 1;
                self.classes[class].servers.push(i);
                i
            }
        };
        let sv = &mut self.servers[index];
        sv.dynamic = dynamic;
        sv.alive = now_alive;
        // A reused process that died with its processor starts again once the processor is
        // back; in a processor that has failed unnoticed it stays down (and nothing answers).
        if cpus.health(sv.process) == Health::Down && cpus.is_up(ProcessorId(sv.cpu)) {
            cpus.restart(sv.process, ProcessorId(sv.cpu));
        }
        index
    }

    /// The link request reached the PATHMON: it spends `grant_cpu` choosing and answering.
    pub fn grant_at_pathmon(&mut self, link: LinkId, x: &mut PwCtx) {
        // Cancelled when the link is dropped, so the link is there.
        // The PATHMON's burst is keyed by its process in `Cpus`.
        self.links.get_mut(link).granting = None;
        let class = self.servers[self.links.get(link).server].class;
        let pm = &self.pathmons[self.classes[class].pathmon];
        let (process, cpu) = (pm.process, pm.grant_cpu);
        x.cpus.submit(process, cpu, Work::Grant(link), &mut x.ctx);
    }

    /// The PATHMON answered: the link opens after the reply reaches the link manager, and
    /// after the server process has been created if it is new.
    pub fn grant_done(&mut self, link: LinkId, x: &mut PwCtx) {
        // A grant queued in a PATHMON taking over may find its link dropped meanwhile.
        let Some(l) = self.links.try_get(link) else {
            return;
        };
        let key = if l.creating {
            let class = self.servers[l.server].class;
            let creation = self.pathmons[self.classes[class].pathmon].process_creation;
            x.ctx
                .sched
                .schedule_in(creation, Event::ServerCreated(link))
        } else {
            let d = self.pathmon_to_lm(link, x);
            x.ctx.sched.schedule_in(d, Event::LinkReady(link))
        };
        self.links.get_mut(link).granting = Some(key);
    }

    fn pathmon_to_lm(&self, link: LinkId, x: &PwCtx) -> SimDuration {
        let l = self.links.get(link);
        let class = self.servers[l.server].class;
        let pm = self.pathmons[self.classes[class].pathmon].process;
        let from = x.cpus.processor_of(pm);
        x.ipc.latency(from, ProcessorId(self.lms[l.lm].cpu))
    }

    /// A dynamic server has been created for `link`.
    pub fn server_created(&mut self, link: LinkId, x: &mut PwCtx) {
        self.links.get_mut(link).granting = None;
        let server = self.links.get(link).server;
        self.servers[server].alive = true;
        let class = self.servers[server].class;
        self.classes[class].stats.dynamic_created += 1;
        self.servers_changed(class, x.ctx.now(), x.ctx.rec);
        let d = self.pathmon_to_lm(link, x);
        let key = x.ctx.sched.schedule_in(d, Event::LinkReady(link));
        self.links.get_mut(link).granting = Some(key);
    }

    /// The link is open at its link manager: it carries the first waiting request, or waits.
    pub fn link_ready(&mut self, link: LinkId, x: &mut PwCtx) {
        let l = self.links.get_mut(link);
        l.granting = None;
        l.open = true;
        let (lm, server) = (l.lm, l.server);
        let class = self.servers[server].class;
        self.lms[lm].pending -= 1;
        self.lms[lm].held.push(link);
        let c = &mut self.classes[class].stats;
        c.links_granted += 1;
        c.by_cpu(self.lms[lm].cpu, 0);
        c.links_held
            .set(x.ctx.now(), c.links_held.level() + 1, x.ctx.rec);
        self.lm_links_changed(lm, class, 1, x.ctx.now(), x.ctx.rec);
        self.offer_link(link, x);
    }

    /// A free link: give it to the first waiting request, or keep it idle (a dynamic one
    /// until DELETEDELAY).
    fn offer_link(&mut self, link: LinkId, x: &mut PwCtx) {
        if self.links.get(link).doomed {
            // Granted to a server that is moving back to its processor (`rebalance`).
            self.return_link(link, x);
            return;
        }
        let lm = self.links.get(link).lm;
        if let Some(r) = self.lms[lm].queue.pop_front() {
            self.route_queue_changed(lm, -1, x.ctx.now(), x.ctx.rec);
            let m = &mut self.lms[lm];
            if m.queue.is_empty()
                && let Some(key) = m.createdelay.take()
            {
                // Nobody waits any more: the CREATEDELAY wait (or a TCP's back-off wake)
                // is over; a TCP's back-off itself runs on.
                x.ctx.sched.cancel(key);
                m.backoff_wake = false;
            }
            self.use_link(r, link, x);
            return;
        }
        self.lms[lm].idle.push(link);
        let server = &self.servers[self.links.get(link).server];
        if server.dynamic {
            let delay = self.classes[server.class].attrs.deletedelay;
            let key = x.ctx.sched.schedule_in(delay, Event::DeleteDelay(link));
            self.links.get_mut(link).deletedelay = Some(key);
        }
    }

    /// Request `r` goes over `link` to its server: one message-system hop.
    fn use_link(&mut self, r: RequestId, link: LinkId, x: &mut PwCtx) {
        let now = x.ctx.now();
        let l = self.links.get_mut(link);
        debug_assert!(l.open && !l.busy, "using a link that is not free");
        l.busy = true;
        l.taken_at = now;
        if let Some(key) = l.deletedelay.take() {
            x.ctx.sched.cancel(key);
        }
        let server = l.server;
        let class = self.servers[server].class;
        let req = x.requests.get_mut(r);
        req.send.link = Some(link);
        req.send.server = Some(server as u32);
        req.send.served_by = Some(u16::try_from(class).expect("fewer than 65536 classes"));
        req.send.queue_wait = now - req.send.queued_at;
        if let Some(t) = self.classes[class].attrs.timeout {
            req.send.timeout = Some(x.ctx.sched.schedule_in(t, Event::Timeout(r)));
        }
        let from = x.cpus.processor_of(req.send.requester);
        self.hop_to_server(r, from, server, x);
    }

    /// `r`'s message leaves processor `from` for `server`: one hop; its arrival
    /// (`Event::Step`) ends the Pathsend leg. A hop that takes no time is not scheduled.
    pub(super) fn hop_to_server(
        &self,
        r: RequestId,
        from: ProcessorId,
        server: usize,
        x: &mut PwCtx,
    ) {
        let to = x.cpus.processor_of(self.servers[server].process);
        let req = x.requests.get_mut(r);
        req.hops += 1;
        let d = x.ipc.latency_of(from, to, req.bytes[0]);
        let step = if d.is_zero() {
            x.ready.push_back(r);
            None
        } else {
            Some(x.ctx.sched.schedule_in(d, Event::Step(r)))
        };
        req.at = Location::Transit { to, step };
    }

    /// The request reached its server: it joins the server's $RECEIVE queue.
    pub fn server_receive(&mut self, r: RequestId, x: &mut PwCtx) {
        let req = x.requests.get_mut(r);
        let server = req.send.server.expect("delivered to a server");
        req.at = Location::Server { server };
        let server = server as usize;
        self.servers[server].receive.push_back(r);
        if !self.servers[server].busy {
            self.start_service(server, x);
        }
    }

    /// The server takes its next request, if one waits: receive and service, one burst.
    pub fn start_service(&mut self, server: usize, x: &mut PwCtx) {
        let sv = &mut self.servers[server];
        let Some(r) = sv.receive.pop_front() else {
            return;
        };
        sv.busy = true;
        let (process, cpu) = (sv.process, ProcessorId(sv.cpu));
        let held = &mut self.classes[sv.class].stats.servers_held;
        held.set(x.ctx.now(), held.level() + 1, x.ctx.rec);
        let req = x.requests.get(r);
        // The receive end pays the rate between the sender's processor (the requester's, or
        // its LCS's) and this server's.
        let sender = self.sender_cpu(req, x);
        // Receiving is message-system CPU, the service application CPU (`CpuSplit`).
        let demand = CpuSplit {
            message_system: x.ipc.cpu_between(sender, cpu, req.bytes[0]),
            tcpip: SimDuration::ZERO,
            application: req.demand.service,
        };
        if demand.total().is_zero() && x.cpus.health(process) == Health::Down {
            x.cpus.swallow(process, Work::Request(r));
        } else if demand.total().is_zero() {
            x.ready.push_back(r);
        } else {
            x.cpus
                .submit_split(process, demand, Work::Request(r), &mut x.ctx);
        }
    }

    /// The server sent its reply to `r`: its link is free again (or returned, after a
    /// TIMEOUT). Returns the server, which takes its next request once the node has finished
    /// any request this failed (`start_service`), and whether the reply is discarded (the send
    /// failed at the server).
    pub fn reply_sent(&mut self, r: RequestId, x: &mut PwCtx) -> (usize, bool) {
        let req = x.requests.get_mut(r);
        if req.send.link.is_none() {
            // Forwarded by an LCS, not over a link.
            return self.lcs_reply(r, x);
        }
        let server = req.send.server.expect("held by a server") as usize;
        let link = req.send.link.take().expect("sent over a link");
        if let Some(key) = req.send.timeout.take() {
            x.ctx.sched.cancel(key);
        }
        let m = &self.lms[self.links.get(link).lm];
        let (cpu, host) = (m.cpu, m.host);
        self.end_send(req, host, x.ctx.sched);
        let discarded = req.send_failed;
        self.servers[server].busy = false;
        let class = self.servers[server].class;
        self.classes[class].stats.requests += 1;
        self.classes[class].stats.by_cpu(cpu, 1);
        let held = &mut self.classes[class].stats.servers_held;
        held.set(x.ctx.now(), held.level() - 1, x.ctx.rec);
        let l = self.links.get_mut(link);
        l.busy = false;
        l.observe(x.ctx.now() - l.taken_at);
        if l.doomed {
            self.return_link(link, x);
        } else {
            self.offer_link(link, x);
        }
        (server, discarded)
    }

    /// Returns a link to its PATHMON: after DELETEDELAY idle, or after a TIMEOUT on a send to
    /// its server.
    /// A dynamic server left with no link is deleted.
    pub(super) fn return_link(&mut self, link: LinkId, x: &mut PwCtx) {
        let now = x.ctx.now();
        let l = self.links.get_mut(link);
        l.open = false;
        if let Some(key) = l.deletedelay.take() {
            x.ctx.sched.cancel(key);
        }
        let (lm, server) = (l.lm, l.server);
        let m = &mut self.lms[lm];
        self.accounts.hosts[m.host as usize].links -= 1;
        m.held.retain(|&x| x != link);
        m.idle.retain(|&x| x != link);
        let sv = &mut self.servers[server];
        sv.links -= 1;
        sv.links_by_lm.remove(lm);
        let class = sv.class;
        let delete = sv.dynamic && sv.links == 0 && !sv.busy && sv.receive.is_empty();
        if delete {
            sv.alive = false;
        }
        self.classes[class].links_out -= 1;
        self.classes[class].link_from(self.lms[lm].cpu, false);
        let c = &mut self.classes[class];
        c.stats
            .links_held
            .set(now, c.stats.links_held.level() - 1, x.ctx.rec);
        self.lm_links_changed(lm, class, -1, now, x.ctx.rec);
        let c = &mut self.classes[class];
        if delete {
            c.servers_counted -= 1;
            c.stats.dynamic_deleted += 1;
        }
        self.links.remove(link);
        if delete {
            self.servers_changed(class, now, x.ctx.rec);
        }
        let sv = &self.servers[server];
        if sv.moving && sv.links == 0 && !sv.busy && sv.receive.is_empty() {
            self.move_home(server, x);
        }
        if !self.lms[lm].queue.is_empty() {
            self.acquire(lm, x);
        }
    }

    /// DELETEDELAY passed: return the link if it has stayed idle all that time.
    pub fn deletedelay_expired(&mut self, link: LinkId, x: &mut PwCtx) {
        // Cancelled when the link is used or returned, so a firing timer finds it idle.
        let l = self.links.get_mut(link);
        l.deletedelay = None;
        debug_assert!(l.open && !l.busy, "DELETEDELAY fired on a link in use");
        self.return_link(link, x);
    }

    /// TIMEOUT expired: the request is still at (or on its way to) its server, so the send
    /// fails with 904; the server finishes it and the reply is discarded. The link manager
    /// returns all its links to that server process, letting current I/O complete
    /// (TSMP-SM page-136, TSMP25-SM page-101): its idle ones at once, the ones carrying a
    /// request when their reply comes. The node tells the client, if it still waits.
    pub fn timeout_expired(&mut self, r: RequestId, x: &mut PwCtx) {
        // Set when the request took its link and cancelled when its server replied.
        let req = x.requests.get_mut(r);
        req.send.timeout = None;
        let link = req.send.link.expect("a timed send holds its link");
        let (lm, server) = (self.links.get(link).lm, self.links.get(link).server);
        let class = self.servers[server].class;
        self.classes[class].stats.errors_904 += 1;
        let host = self.lms[lm].host;
        self.end_send(req, host, x.ctx.sched);
        x.requests.fail_at_server(r);
        // In `held` order, so the returns are deterministic.
        let to_server: Vec<LinkId> = self.lms[lm]
            .held
            .iter()
            .copied()
            .filter(|&l| self.links.get(l).server == server)
            .collect();
        for l in to_server {
            if self.links.get(l).busy {
                self.links.get_mut(l).doomed = true;
            } else {
                self.return_link(l, x);
            }
        }
    }

    /// The Pathsend call's own timeout expired (error 918, file-system error 40). A send still
    /// waiting for a link leaves the queue and fails (in `PwCtx::failed`); one already on a
    /// link fails at its server like a 904, but its link stays (a call timeout is not a link
    /// error): its server finishes it and the reply is discarded; the node then tells the
    /// client, if it still waits.
    pub fn send_timeout_expired(&mut self, r: RequestId, x: &mut PwCtx) {
        let now = x.ctx.now();
        let req = x.requests.get_mut(r);
        // Cancelled when the send ends, so the send is outstanding: queued, or on a link.
        req.send.call_timeout = None;
        let route = req.send.route as usize;
        self.routes[route].errors.e918 += 1;
        match (req.send.link, req.at) {
            (Some(link), _) => {
                if let Some(key) = req.send.timeout.take() {
                    x.ctx.sched.cancel(key);
                }
                let host = self.lms[self.links.get(link).lm].host;
                self.end_send(req, host, x.ctx.sched);
                x.requests.fail_at_server(r);
            }
            (None, Location::LinkWait { lm }) => {
                let lm = lm as usize;
                let host = self.lms[lm].host;
                self.end_send(req, host, x.ctx.sched);
                let q = &mut self.lms[lm].queue;
                let at = q
                    .iter()
                    .position(|&w| w == r)
                    .expect("a queued send is in its queue");
                q.remove(at);
                self.route_queue_changed(lm, -1, now, x.ctx.rec);
                x.failed.push_back((r, SendError::new(918, 40)));
            }
            (None, at) => unreachable!("an outstanding send without a link is queued, not {at:?}"),
        }
    }

    /// The client of `r` gave up (`abandon = "withdraw"`): a send still waiting for a link
    /// leaves its link manager's queue, and a request in its server's $RECEIVE queue leaves
    /// that queue and frees its link for the next waiting send; either way its send ends
    /// without a server. Returns false, changing nothing, for a request anywhere else (on its
    /// way, in service, further on): that one is served for no one.
    pub fn withdraw(&mut self, r: RequestId, x: &mut PwCtx) -> bool {
        let now = x.ctx.now();
        let req = x.requests.get_mut(r);
        match req.at {
            Location::Lcs { lcs } => self.lcs_withdraw(r, lcs as usize, x),
            Location::LinkWait { lm } => {
                let lm = lm as usize;
                let host = self.lms[lm].host;
                self.end_send(req, host, x.ctx.sched);
                let m = &mut self.lms[lm];
                let at = m
                    .queue
                    .iter()
                    .position(|&w| w == r)
                    .expect("a waiting send is in its queue");
                m.queue.remove(at);
                if m.queue.is_empty()
                    && let Some(key) = m.createdelay.take()
                {
                    // Nobody waits any more: the CREATEDELAY wait is over. Links already
                    // asked for arrive and stay idle, as after any wait that ended early.
                    x.ctx.sched.cancel(key);
                    m.backoff_wake = false;
                }
                self.route_queue_changed(lm, -1, now, x.ctx.rec);
                true
            }
            Location::Server { server } => {
                let queue = &mut self.servers[server as usize].receive;
                // Not in the queue: its server has taken it (in service), so it stays.
                let Some(at) = queue.iter().position(|&w| w == r) else {
                    return false;
                };
                queue.remove(at);
                if let Some(key) = req.send.timeout.take() {
                    x.ctx.sched.cancel(key);
                }
                let link = req.send.link.take().expect("delivered over a link");
                let host = self.lms[self.links.get(link).lm].host;
                self.end_send(req, host, x.ctx.sched);
                // The link carried no reply: it is free again (or returned, when a TIMEOUT
                // on its server has doomed it), and its response time is not observed.
                let l = self.links.get_mut(link);
                l.busy = false;
                if l.doomed {
                    self.return_link(link, x);
                } else {
                    self.offer_link(link, x);
                }
                true
            }
            _ => false,
        }
    }
}
