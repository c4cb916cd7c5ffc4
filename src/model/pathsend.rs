//! Pathsend: how a requester's request reaches a server process over a link, and how link
//! managers and PATHMONs acquire, reuse and return links. The rules are described in
//! `pathway.rs`; this file is their event-driven side.

use crate::engine::{Scheduler, SimDuration, SimTime};

use super::pathway::{LinkId, LinkRt, ServerRt, Want};
use super::processor::{ProcessKind, Work};
use super::request::{RequestId, Stage};
use super::{Cluster, Event};

impl Cluster {
    /// The requester (listener instance or TCP) process of request `r`.
    fn requester(&self, r: RequestId) -> super::processor::ProcessId {
        let req = self.requests.get(r.0);
        self.listeners[req.listener as usize].instances[req.instance as usize].process
    }

    /// A requester sends request `r` with `SERVERCLASS_SEND_`: take a free link of the link
    /// manager of its processor, or queue there and get a link.
    pub(super) fn pathsend(&mut self, r: RequestId, s: &mut Scheduler<Event>) {
        let now = s.now();
        let cpu = self.processes[self.requester(r).0 as usize].processor.0;
        let req = self.requests.get_mut(r.0);
        req.stage = Stage::ServerIn;
        req.queued_at = now;
        let lm = self.pathway.lm(cpu, req.route as usize);
        self.pathway.lms[lm].sends += 1;
        if let Some(link) = self.pathway.take_idle(lm) {
            self.use_link(r, link, s);
        } else {
            self.pathway.lms[lm].queue.push_back(r);
            self.route_queue_changed(lm, 1, s);
            self.acquire(lm, s);
        }
    }

    fn route_queue_changed(&mut self, lm: usize, delta: i64, s: &Scheduler<Event>) {
        let route = &mut self.pathway.routes[self.pathway.lms[lm].route];
        let level = route.queued.level() as i64 + delta;
        route.queued.set(
            s.now(),
            u64::try_from(level).expect("queue below zero"),
            &self.rec,
        );
    }

    /// Asks for as many links as requests wait beyond the links already on the way: static
    /// links at once; when only dynamic ones remain, after CREATEDELAY. With no link held,
    /// none coming and none obtainable, the waiting requests fail with 905.
    fn acquire(&mut self, lm: usize, s: &mut Scheduler<Event>) {
        loop {
            let m = &self.pathway.lms[lm];
            if m.queue.len() <= m.pending as usize {
                return;
            }
            match self.pathway.place(lm, Want::Static) {
                Some((class, server)) => self.request_link(lm, class, server, s),
                None => break,
            }
        }
        match self.pathway.place(lm, Want::Dynamic) {
            Some((class, _)) => {
                let m = &mut self.pathway.lms[lm];
                if !m.createdelay_armed {
                    m.createdelay_armed = true;
                    m.createdelay_generation += 1;
                    let delay = self.pathway.classes[class].attrs.createdelay;
                    let generation = m.createdelay_generation;
                    s.schedule_in(
                        delay,
                        Event::CreateDelay {
                            lm: lm as u32,
                            generation,
                        },
                    );
                }
            }
            None => self.fail_if_unservable(lm, s),
        }
    }

    /// CREATEDELAY has passed with requests still waiting: ask for dynamic links.
    pub(super) fn createdelay_expired(
        &mut self,
        lm: usize,
        generation: u32,
        s: &mut Scheduler<Event>,
    ) {
        let m = &mut self.pathway.lms[lm];
        if !m.createdelay_armed || m.createdelay_generation != generation {
            return;
        }
        m.createdelay_armed = false;
        loop {
            let m = &self.pathway.lms[lm];
            if m.queue.len() <= m.pending as usize {
                return;
            }
            match self.pathway.place(lm, Want::Dynamic) {
                Some((class, server)) => self.request_link(lm, class, server, s),
                None => break,
            }
        }
        self.fail_if_unservable(lm, s);
    }

    /// Pathsend error 905: the link manager holds no link, none is coming, and no PATHMON
    /// can grant one, so the waiting requests can never be sent.
    fn fail_if_unservable(&mut self, lm: usize, s: &mut Scheduler<Event>) {
        let m = &self.pathway.lms[lm];
        if !m.held.is_empty() || m.pending > 0 || m.queue.is_empty() {
            return;
        }
        let n = m.queue.len() as i64;
        self.route_queue_changed(lm, -n, s);
        while let Some(r) = self.pathway.lms[lm].queue.pop_front() {
            let route = self.pathway.lms[lm].route;
            self.pathway.routes[route].errors_905 += 1;
            self.pathway.lms[lm].errors_905 += 1;
            self.rec.failed(s.now());
            self.request_finished(r, true, s);
        }
    }

    /// Reserves a link from `lm` to `server` of `class` (creating a dynamic server when
    /// `server` is `None`) and sends the link request to the PATHMON.
    fn request_link(
        &mut self,
        lm: usize,
        class: usize,
        server: Option<usize>,
        s: &mut Scheduler<Event>,
    ) {
        let creating = server.is_none();
        let server = match server {
            Some(sv) => sv,
            None => {
                let m = &self.pathway.lms[lm];
                let cpu = self.pathway.routes[m.route].local.then_some(m.cpu);
                self.new_server(class, true, cpu)
            }
        };
        let pw = &mut self.pathway;
        let sv = &mut pw.servers[server];
        sv.links += 1;
        sv.links_by_lm[lm] += 1;
        pw.classes[class].links_out += 1;
        pw.lms[lm].pending += 1;
        let link = pw.new_link(LinkRt {
            lm,
            server,
            open: false,
            busy: false,
            doomed: false,
            generation: 0,
            creating,
            taken_at: SimTime::ZERO,
            response_ns: 0.0,
        });
        let pathmon = &pw.pathmons[pw.classes[class].pathmon];
        let at = self.processes[pathmon.process.0 as usize].processor;
        let from = super::processor::ProcessorId(pw.lms[lm].cpu);
        s.schedule_in(self.ipc.latency(from, at), Event::GrantAtPathmon(link));
    }

    /// Creates a server process of `class` (reusing a deleted dynamic server's slot), placed
    /// in processor `cpu` if given, else on the next processor of its CPUS list. A dynamic
    /// server is counted at once and runs once PATHMON has created it.
    pub(super) fn new_server(&mut self, class: usize, dynamic: bool, cpu: Option<u32>) -> usize {
        let now_alive = !dynamic;
        let c = &mut self.pathway.classes[class];
        let cpu = cpu.unwrap_or_else(|| {
            c.next_cpu += 1;
            c.cpus[(c.next_cpu - 1) % c.cpus.len()]
        });
        c.servers_counted += 1;
        // A deleted server's process in the same processor is reused (its busy time stays with
        // that processor), so memory does not grow with server churn.
        let reuse = c.servers.iter().copied().find(|&s| {
            let s = &self.pathway.servers[s];
            !s.alive
                && s.links == 0
                && !s.busy
                && s.receive.is_empty()
                && self.processes[s.process.0 as usize].processor.0 == cpu
        });
        let index = match reuse {
            Some(i) => i,
            None => {
                let n = self.pathway.classes[class].servers.len();
                let k = &self.pathway.classes[class];
                // A class name defined in several PATHMONs (an ACS domain, Pathway/XM's
                // replicated classes) is qualified by its PATHMON, as TS/MP names it
                // (`$PM1.SERVER-WRONG`), so every server process name is unique.
                let shared = self
                    .pathway
                    .classes
                    .iter()
                    .filter(|c| c.name == k.name)
                    .count()
                    > 1;
                let name = if shared {
                    format!("{}.{}#{n}", self.pathway.pathmons[k.pathmon].name, k.name)
                } else {
                    format!("{}#{n}", k.name)
                };
                let priority = self.pathway.classes[class].priority;
                let process = self.spawn(name, ProcessKind::Server, cpu, priority);
                self.pathway.servers.push(ServerRt {
                    process,
                    class,
                    cpu,
                    dynamic,
                    alive: false,
                    links: 0,
                    links_by_lm: vec![0; self.pathway.lms.len()],
                    receive: Default::default(),
                    busy: false,
                });
                let i = self.pathway.servers.len() - 1;
                self.pathway.classes[class].servers.push(i);
                i
            }
        };
        let sv = &mut self.pathway.servers[index];
        sv.dynamic = dynamic;
        sv.alive = now_alive;
        index
    }

    /// The link request reached the PATHMON: it spends `grant_cpu` choosing and answering.
    pub(super) fn grant_at_pathmon(&mut self, link: LinkId, s: &mut Scheduler<Event>) {
        let class = self.pathway.servers[self.pathway.links[link as usize].server].class;
        let pm = &self.pathway.pathmons[self.pathway.classes[class].pathmon];
        let (process, cpu) = (pm.process, pm.grant_cpu);
        self.submit_work(process, cpu, Work::Grant(link), s);
    }

    /// The PATHMON answered: the link opens after the reply reaches the link manager, and
    /// after the server process has been created if it is new.
    pub(super) fn grant_done(&mut self, link: LinkId, s: &mut Scheduler<Event>) {
        let l = &self.pathway.links[link as usize];
        if l.creating {
            let class = self.pathway.servers[l.server].class;
            let creation =
                self.pathway.pathmons[self.pathway.classes[class].pathmon].process_creation;
            s.schedule_in(creation, Event::ServerCreated(link));
        } else {
            s.schedule_in(self.pathmon_to_lm(link), Event::LinkReady(link));
        }
    }

    fn pathmon_to_lm(&self, link: LinkId) -> SimDuration {
        let l = &self.pathway.links[link as usize];
        let class = self.pathway.servers[l.server].class;
        let pm = self.pathway.pathmons[self.pathway.classes[class].pathmon].process;
        let from = self.processes[pm.0 as usize].processor;
        self.ipc.latency(
            from,
            super::processor::ProcessorId(self.pathway.lms[l.lm].cpu),
        )
    }

    /// A dynamic server has been created for `link`.
    pub(super) fn server_created(&mut self, link: LinkId, s: &mut Scheduler<Event>) {
        let server = self.pathway.links[link as usize].server;
        self.pathway.servers[server].alive = true;
        let class = self.pathway.servers[server].class;
        self.pathway.classes[class].dynamic_created += 1;
        self.servers_changed(class, s);
        s.schedule_in(self.pathmon_to_lm(link), Event::LinkReady(link));
    }

    /// Link manager `lm` holds `delta` more links to servers of `class`.
    fn lm_links_changed(&mut self, lm: usize, class: usize, delta: i64, s: &Scheduler<Event>) {
        let member = self.pathway.member_of(lm, class);
        let tw = &mut self.pathway.lms[lm].links_by_member[member];
        let level = u64::try_from(tw.level() as i64 + delta).expect("links held below zero");
        tw.set(s.now(), level, &self.rec);
    }

    /// Updates the class's running-server levels.
    pub(super) fn servers_changed(&mut self, class: usize, s: &Scheduler<Event>) {
        let (st, dy) = self.pathway.running(class);
        let c = &mut self.pathway.classes[class];
        c.static_running.set(s.now(), st, &self.rec);
        c.dynamic_running.set(s.now(), dy, &self.rec);
    }

    /// The link is open at its link manager: it carries the first waiting request, or waits.
    pub(super) fn link_ready(&mut self, link: LinkId, s: &mut Scheduler<Event>) {
        let l = &mut self.pathway.links[link as usize];
        l.open = true;
        let (lm, server) = (l.lm, l.server);
        let class = self.pathway.servers[server].class;
        self.pathway.lms[lm].pending -= 1;
        self.pathway.lms[lm].held.push(link);
        let c = &mut self.pathway.classes[class];
        c.links_granted += 1;
        c.links_held
            .set(s.now(), c.links_held.level() + 1, &self.rec);
        self.lm_links_changed(lm, class, 1, s);
        self.offer_link(link, s);
    }

    /// A free link: give it to the first waiting request, or keep it idle (a dynamic one
    /// until DELETEDELAY).
    fn offer_link(&mut self, link: LinkId, s: &mut Scheduler<Event>) {
        let lm = self.pathway.links[link as usize].lm;
        if let Some(r) = self.pathway.lms[lm].queue.pop_front() {
            self.route_queue_changed(lm, -1, s);
            let m = &mut self.pathway.lms[lm];
            if m.queue.is_empty() && m.createdelay_armed {
                m.createdelay_armed = false;
                m.createdelay_generation += 1;
            }
            self.use_link(r, link, s);
            return;
        }
        self.pathway.lms[lm].idle.push(link);
        let l = &self.pathway.links[link as usize];
        let server = &self.pathway.servers[l.server];
        if server.dynamic {
            let delay = self.pathway.classes[server.class].attrs.deletedelay;
            let generation = l.generation;
            s.schedule_in(delay, Event::DeleteDelay { link, generation });
        }
    }

    /// Request `r` goes over `link` to its server: one message-system hop.
    fn use_link(&mut self, r: RequestId, link: LinkId, s: &mut Scheduler<Event>) {
        let now = s.now();
        let l = &mut self.pathway.links[link as usize];
        debug_assert!(l.open && !l.busy, "using a link that is not free");
        l.busy = true;
        l.generation += 1;
        l.taken_at = now;
        let server = l.server;
        let class = self.pathway.servers[server].class;
        let req = self.requests.get_mut(r.0);
        req.link = Some(link);
        req.server = Some(server as u32);
        req.served_by = Some(u16::try_from(class).expect("fewer than 65536 classes"));
        req.queue_wait = now - req.queued_at;
        let serial = req.serial;
        if let Some(t) = self.pathway.classes[class].attrs.timeout {
            s.schedule_in(t, Event::Timeout { r, serial });
        }
        let (from, to) = (self.requester(r), self.pathway.servers[server].process);
        self.hop(r, from, to, s);
    }

    /// The request reached its server: it joins the server's $RECEIVE queue.
    pub(super) fn server_receive(&mut self, r: RequestId, s: &mut Scheduler<Event>) {
        let server = self
            .requests
            .get(r.0)
            .server
            .expect("delivered to a server") as usize;
        self.pathway.servers[server].receive.push_back(r);
        if !self.pathway.servers[server].busy {
            self.start_service(server, s);
        }
    }

    fn start_service(&mut self, server: usize, s: &mut Scheduler<Event>) {
        let sv = &mut self.pathway.servers[server];
        let Some(r) = sv.receive.pop_front() else {
            return;
        };
        sv.busy = true;
        let process = sv.process;
        let req = self.requests.get_mut(r.0);
        req.stage = Stage::ServiceDone;
        let demand = self.ipc.cpu_per_message + req.service;
        self.submit(process, demand, r, s);
    }

    /// The server sent its reply: its link is free again and it takes its next request.
    /// Returns false if the request was abandoned (and has now left the system).
    pub(super) fn server_done(&mut self, r: RequestId, s: &mut Scheduler<Event>) -> bool {
        let req = self.requests.get_mut(r.0);
        let server = req.server.take().expect("held by a server") as usize;
        let link = req.link.take().expect("sent over a link");
        let abandoned = req.abandoned;
        self.pathway.servers[server].busy = false;
        let class = self.pathway.servers[server].class;
        self.pathway.classes[class].requests += 1;
        let l = &mut self.pathway.links[link as usize];
        l.busy = false;
        l.observe(s.now() - l.taken_at);
        if l.doomed {
            self.return_link(link, s);
        } else {
            self.offer_link(link, s);
        }
        self.start_service(server, s);
        if abandoned {
            self.requests.remove(r.0);
            self.abandoned -= 1;
        }
        !abandoned
    }

    /// Returns a link to its PATHMON: after DELETEDELAY idle, or after a timed-out send.
    /// A dynamic server left with no link is deleted.
    fn return_link(&mut self, link: LinkId, s: &mut Scheduler<Event>) {
        let pw = &mut self.pathway;
        let l = &mut pw.links[link as usize];
        l.open = false;
        let (lm, server) = (l.lm, l.server);
        let m = &mut pw.lms[lm];
        m.held.retain(|&x| x != link);
        m.idle.retain(|&x| x != link);
        let sv = &mut pw.servers[server];
        sv.links -= 1;
        sv.links_by_lm[lm] -= 1;
        let class = sv.class;
        let delete = sv.dynamic && sv.links == 0 && !sv.busy && sv.receive.is_empty();
        if delete {
            sv.alive = false;
        }
        let c = &mut pw.classes[class];
        c.links_out -= 1;
        c.links_held
            .set(s.now(), c.links_held.level() - 1, &self.rec);
        self.lm_links_changed(lm, class, -1, s);
        let pw = &mut self.pathway;
        let c = &mut pw.classes[class];
        if delete {
            c.servers_counted -= 1;
            c.dynamic_deleted += 1;
        }
        pw.free_links.push(link);
        if delete {
            self.servers_changed(class, s);
        }
        if !self.pathway.lms[lm].queue.is_empty() {
            self.acquire(lm, s);
        }
    }

    /// DELETEDELAY passed: return the link if it has stayed idle all that time.
    pub(super) fn deletedelay_expired(
        &mut self,
        link: LinkId,
        generation: u32,
        s: &mut Scheduler<Event>,
    ) {
        let l = &self.pathway.links[link as usize];
        if l.open && !l.busy && l.generation == generation {
            self.return_link(link, s);
        }
    }

    /// TIMEOUT expired: if the request is still at its server, the send fails with 904; the
    /// server finishes it, the reply is discarded and the link returned.
    pub(super) fn timeout_expired(&mut self, r: RequestId, serial: u32, s: &mut Scheduler<Event>) {
        let Some(req) = self.requests.try_get(r.0) else {
            return;
        };
        let at_server = matches!(
            req.stage,
            Stage::ServerIn | Stage::ServiceDone | Stage::ServerIoDone | Stage::ServerReplyDone
        );
        if req.serial != serial || req.abandoned || !at_server || req.link.is_none() {
            return;
        }
        let link = req.link.expect("checked") as usize;
        let class = self.pathway.servers[self.pathway.links[link].server].class;
        self.pathway.links[link].doomed = true;
        self.pathway.classes[class].errors_904 += 1;
        self.rec.failed(s.now());
        self.requests.get_mut(r.0).abandoned = true;
        self.abandoned += 1;
        let session = self.requests.get(r.0).session;
        self.session_after_request(session, true, s);
    }
}
