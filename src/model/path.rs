//! The interpreter of a request's itinerary, and the client side around it.
//!
//! `run` performs the request's current leg (`itinerary.rs`) and, while a leg ends at once
//! (it costs nothing for this request), the next one; a leg that takes time schedules its end
//! or hands the request to a subsystem (a burst to `Cpus`, a send to `Pathway`) and stops.
//! When it ends (`Step`, `BurstDone`, or a zero-time hand-back in `ready`), `advance` closes
//! that leg and runs again. Each leg says where it leaves the request (`Location`).

use crate::engine::{ActionKey, Scheduler, SimDuration, SimTime};
use crate::scenario::Abandon;

use super::clients::Outgoing;
use super::ids::SlabKey;
use super::ids::{ProcessId, ProcessorId, RequestId, SessionId};
use super::itinerary::{Costing, Leg, Msg, Who};
use super::pathway::{Pathway, PwCtx, SendError};
use super::processor::{CpuSplit, ProcessKind, Work};
use super::request::{Conn, Location, Request, Send};
use super::{Ctx, Event, Node};

/// What a leg did.
enum Flow {
    /// It has ended already: go on with the next.
    Next,
    /// It ends later (an event, a burst, a queue).
    Wait,
    /// The request has left the node.
    Gone,
}

/// Pathway with its context, borrowed from the node for one call.
pub(super) struct PathwayAt<'a> {
    pub pathway: &'a mut Pathway,
    pub x: PwCtx<'a>,
}

impl Node {
    /// Schedules the end of the arrival window, the first sample and the first arrivals.
    pub fn start(&mut self, s: &mut Scheduler<Event>) {
        s.schedule_at_unkeyed(self.run.end, Event::StopArrivals);
        s.schedule_in_unkeyed(SimDuration::ZERO, Event::Sample);
        self.schedule_faults(s);
        let mut pw = self.pathway_at(s);
        pw.pathway.start_lcss(&mut pw.x);
        let mut ctx = Ctx {
            sched: s,
            rec: &mut self.rec,
        };
        self.clients.start(&mut ctx);
    }

    /// Records servers and links of every class, once per sample interval.
    pub(super) fn sample(&mut self, s: &mut Scheduler<Event>) {
        self.pathway.sample(s.now());
        if self.faults.busy_samples.is_some() {
            let mut per_cpu = vec![0u64; self.cpus.processors().len()];
            for p in self.cpus.processes() {
                per_cpu[p.processor.0 as usize] += p.cpu_total_ns;
            }
            // The CLIMs' processors are not candidates for `processor_down = "busiest"`.
            per_cpu.truncate(per_cpu.len() - self.clims.list.len());
            self.faults.sample_busy(per_cpu.into_iter());
        }
        if self.clients.accepting() || !self.requests.is_empty() {
            s.schedule_in_unkeyed(self.run.sample_interval, Event::Sample);
        }
    }

    /// Pathway and everything a Pathway method may touch.
    pub(super) fn pathway_at<'a>(&'a mut self, s: &'a mut Scheduler<Event>) -> PathwayAt<'a> {
        PathwayAt {
            pathway: &mut self.pathway,
            x: PwCtx {
                ctx: Ctx {
                    sched: s,
                    rec: &mut self.rec,
                },
                cpus: &mut self.cpus,
                ipc: &self.ipc,
                requests: &mut self.requests,
                failed: &mut self.failed,
                ready: &mut self.ready,
            },
        }
    }

    /// Finishes the requests a Pathsend error has just failed, in the order they failed:
    /// each client has its error, unless it has abandoned the request already.
    fn finish_failed(&mut self, s: &mut Scheduler<Event>) {
        while let Some((r, error)) = self.failed.pop_front() {
            if !self.requests.get(r).lost && self.client_waits(r, s) {
                if self.retry_after_error(r, error, s) {
                    // Reissued (`retry.rs`): this attempt leaves, not a failure.
                    self.requests.remove(r);
                    continue;
                }
                let created = self.requests.get(r).created;
                self.rec.send_failed(s.now(), created, error.label());
                self.faults.charge_error(error);
                self.request_finished(r, true, s);
            } else {
                self.requests.remove(r);
            }
        }
    }

    /// After every event: finishes failed requests, then moves on the requests whose leg a
    /// subsystem ended without an event, until none is left.
    pub(super) fn settle(&mut self, s: &mut Scheduler<Event>) {
        loop {
            if self.cpus.has_swallowed() {
                self.reap_swallowed(s);
            }
            self.finish_failed(s);
            match self.ready.pop_front() {
                Some(r) => self.advance(r, s),
                None => return,
            }
        }
    }

    // ----- clients -------------------------------------------------------------------------

    pub(super) fn session_arrives(&mut self, s: &mut Scheduler<Event>) {
        let Some(id) = self.clients.session_arrives() else {
            return;
        };
        self.send_next(id, s);
        let mut ctx = Ctx {
            sched: s,
            rec: &mut self.rec,
        };
        self.clients.schedule_next_arrival(&mut ctx);
    }

    /// The session sends its next request, opening a new connection if it has none.
    pub(super) fn send_next(&mut self, id: SessionId, s: &mut Scheduler<Event>) {
        let now = s.now();
        let Some(out) = self.clients.next_request(id, &mut self.listeners) else {
            return;
        };
        let Outgoing {
            listener,
            instance,
            class,
            demand,
            opens,
            closes,
            terminal,
            patience,
        } = out;
        let l = &self.listeners.list[listener as usize];
        let inst = &l.instances[instance as usize];
        let route = self.pathway.route(inst.send_to, class, l.local);
        debug_assert_eq!(
            terminal,
            inst.endpoint.host.is_none(),
            "terminals have no PIF"
        );
        // A terminal's messages have no PIF to cross: their sizes cost IPC only.
        let bytes = match &mut self.clients.sizes {
            Some(sizes) => sizes.draw(),
            None => [0, 0],
        };
        let pif = match inst.endpoint.host {
            None => 0,
            Some(h) => self.lan.session_pif(id.slot() as usize, h, opens),
        };
        let r = self.requests.insert(Request {
            session: id,
            listener,
            instance,
            class,
            leg: 0,
            at: Location::New,
            leg_started: now,
            spent_ns: [0; 9],
            created: now,
            attempt: 0,
            demand,
            bytes,
            pif,
            conn: Conn {
                opens,
                closes,
                syn_attempts: 0,
            },
            hops: 0,
            send: Send {
                route,
                requester: inst.process,
                link: None,
                server: None,
                served_by: None,
                queued_at: now,
                queue_wait: SimDuration::ZERO,
                timeout: None,
                call_timeout: None,
                outstanding: false,
            },
            send_failed: false,
            client_gone: false,
            patience: None,
            lost: false,
        });
        if self.requests.len() > self.run.max_in_flight {
            // Memory is bounded: the run stops after this event, incomplete (`finished`).
            self.stopped = Some(now);
        }
        if let Some(p) = patience {
            self.requests.get_mut(r).patience = Some(s.schedule_in(p, Event::Abandon(r)));
        }
        // Sent over the connection it already has, it is admitted at once (a terminal has no
        // connection to open); an opening one when its SYN is accepted.
        self.clients.offered(now, !opens, &mut self.rec);
        if let Some(t) = self.trace.as_mut() {
            t.sent(r);
        }
        self.run(r, s);
    }

    /// Request `r`'s client has its reply or its error: its patience timer stops. False if
    /// the client has abandoned the request: then nothing more about it is counted, and no
    /// one is told.
    pub(super) fn client_waits(&mut self, r: RequestId, s: &mut Scheduler<Event>) -> bool {
        let req = self.requests.get_mut(r);
        if let Some(key) = req.patience.take() {
            s.cancel(key);
        }
        !req.client_gone
    }

    /// The client of request `r` has waited its patience for the reply and gives up (no error
    /// number): the request counts as failed (abandoned) and the client goes on as after any
    /// failure. A SYN waiting to be retransmitted is not sent again. With `abandon =
    /// "withdraw"` a request waiting for a link or in a server's $RECEIVE queue leaves it
    /// (`Pathway::withdraw`). Anywhere else the node, which is not told, goes on with the work
    /// [I] until the request leaves: at the client (`abandoned_served`), with a Pathsend
    /// error, or with its reply discarded at its server.
    pub(super) fn abandon(&mut self, r: RequestId, s: &mut Scheduler<Event>) {
        let now = s.now();
        let req = self.requests.get_mut(r);
        // Cancelled whenever the client has its outcome, so the client still waits.
        req.patience = None;
        let (session, at) = (req.session, req.at);
        self.rec.abandoned(now);
        self.trace_ended(r, now, "abandoned");
        let withdraw = self.clients.abandon == Abandon::Withdraw;
        match at {
            Location::Backlog { retry } | Location::Backoff { retry } if s.cancel(retry) => {
                self.requests.remove(r);
            }
            Location::LinkWait { .. } | Location::Server { .. }
                if withdraw && {
                    let mut pw = self.pathway_at(s);
                    pw.pathway.withdraw(r, &mut pw.x)
                } =>
            {
                self.requests.remove(r);
            }
            _ => self.requests.client_left(r),
        }
        self.session_after_request(session, true, s);
    }

    /// The send of `r` failed with `error` while its server holds it (904 or 918, file-system
    /// error 40): its client has the error now, if it still waits; the request leaves when
    /// its server has finished with it.
    pub(super) fn failed_at_server(
        &mut self,
        r: RequestId,
        error: SendError,
        s: &mut Scheduler<Event>,
    ) {
        if self.requests.get(r).lost || !self.client_waits(r, s) {
            return;
        }
        let now = s.now();
        self.trace_ended(r, now, "timed-out");
        let req = self.requests.get(r);
        let session = req.session;
        self.rec.send_failed(now, req.created, error.label());
        self.faults.charge_error(error);
        self.session_after_request(session, true, s);
    }

    /// A request the client waits for left the system (completed or failed): its session
    /// continues or ends.
    pub(super) fn request_finished(
        &mut self,
        r: RequestId,
        failed: bool,
        s: &mut Scheduler<Event>,
    ) {
        self.trace_ended(r, s.now(), if failed { "failed" } else { "done" });
        let session = self.requests.get(r).session;
        self.requests.remove(r);
        self.session_after_request(session, failed, s);
    }

    /// Request `r` has ended with `outcome`: its trace line, when it is followed.
    pub(super) fn trace_ended(&mut self, r: RequestId, now: SimTime, outcome: &str) {
        if let Some(t) = self.trace.as_mut()
            && t.followed(r).is_some()
        {
            let class = self.pathway.first_instance(self.requests.get(r).class);
            t.ended(r, self.pathway.class_name(class), now, outcome);
        }
    }

    /// The stage request `r` is on has ended at `now`: its trace line, when it is followed.
    fn trace_stage(&mut self, r: RequestId, now: SimTime) {
        let Some(t) = self.trace.as_deref() else {
            return;
        };
        if t.followed(r).is_none() {
            return;
        }
        let req = self.requests.get(r);
        let leg = self.leg_of(req);
        let class = self
            .pathway
            .class_name(self.pathway.first_instance(req.class));
        let at = super::trace::place(
            req.at,
            |p| self.cpus.process(p).name.clone(),
            |s| {
                self.cpus
                    .process(self.pathway.server_process(s))
                    .name
                    .clone()
            },
        );
        let (start, class) = (req.leg_started, class.to_string());
        if let Some(t) = self.trace.as_mut() {
            t.stage(r, &class, leg, start, now, &at);
        }
    }

    /// The client has its reply (or its error): it thinks, sends its next request, or ends.
    pub(super) fn session_after_request(
        &mut self,
        id: SessionId,
        failed: bool,
        s: &mut Scheduler<Event>,
    ) {
        let mut ctx = Ctx {
            sched: s,
            rec: &mut self.rec,
        };
        if self.clients.after_request(id, failed, &mut ctx) {
            self.send_next(id, s);
        }
    }

    /// The client retransmits a dropped SYN: the request starts its path again.
    pub(super) fn syn_retry(&mut self, r: RequestId, s: &mut Scheduler<Event>) {
        let req = self.requests.get_mut(r);
        if req.lost {
            // A failure has already given its client the error.
            self.requests.remove(r);
            return;
        }
        if self.stack.stack.shared_host() {
            // The retransmitted SYN is a new incoming connection to the round-robin filter.
            req.instance = self.clients.reconnect(req.session, &mut self.listeners);
        }
        self.clock(r, s.now());
        // Its place stays `Backlog` (a fired key) until its first leg that takes time: the
        // trace names the place a zero-time leg ended at, as it always has.
        self.requests.get_mut(r).leg = 0;
        self.run(r, s);
    }

    // ----- the interpreter -----------------------------------------------------------------

    /// Process `p` is a TCP/IP process: its bursts' own costs are TCP/IP work
    /// (`Cost::split`).
    fn is_tcpip(&self, p: ProcessId) -> bool {
        matches!(
            self.cpus.process(p).kind,
            ProcessKind::TcpIp | ProcessKind::Clim
        )
    }

    /// The process `who` names for request `req`.
    fn process(&self, req: &Request, who: Who) -> ProcessId {
        match who {
            Who::Process(p) => p,
            Who::Clim => {
                // The CLIM whose port carries the connection's address now (its home
                // port's CLIM while no port carries it).
                let port = self.lan.port(req.pif).unwrap_or(req.pif);
                self.clims
                    .core(self.clims.of_port(port), req.session.slot())
            }
            Who::Server => self
                .pathway
                .server_process(req.send.server.expect("held by a server")),
        }
    }

    /// The leg request `req` is on.
    fn leg_of(&self, req: &Request) -> Leg {
        self.listeners.list[req.listener as usize].instances[req.instance as usize]
            .path
            .leg(req.leg)
    }

    /// The request's current leg has ended: close it and run the next ones.
    pub(super) fn advance(&mut self, r: RequestId, s: &mut Scheduler<Event>) {
        self.end_leg(r, s);
        self.run(r, s);
    }

    /// Closes the current leg (a frame that has gone is accounted now, so that a window cut
    /// short by `max_requests` is measured exactly) and steps to the next.
    fn end_leg(&mut self, r: RequestId, s: &Scheduler<Event>) {
        let leg = self.leg_of(self.requests.get(r));
        self.end_this_leg(r, leg, s);
    }

    /// [`end_leg`](Self::end_leg) for the request's current leg, `leg`, already looked up.
    fn end_this_leg(&mut self, r: RequestId, leg: Leg, s: &Scheduler<Event>) {
        let req = self.requests.get(r);
        // The port the frame crossed: its address's own unless a failover moved it.
        let pif = match req.at {
            Location::Lan { pif, .. } => usize::from(pif),
            _ => usize::from(req.pif),
        };
        let bytes = req.bytes;
        match leg {
            Leg::LanIn { .. } => self.lan.frame_in_sent(pif, bytes[0], s.now(), &self.rec),
            Leg::LanOut { .. } => self
                .lan
                .frame_out_arrived(pif, bytes[1], s.now(), &self.rec),
            _ => {}
        }
        self.clock_leg(r, leg, s.now());
        self.requests.get_mut(r).leg += 1;
    }

    /// Adds the time since the current leg began to the parts of the request's latency it
    /// belongs to, and restarts the leg's clock.
    fn clock(&mut self, r: RequestId, now: SimTime) {
        let leg = self.leg_of(self.requests.get(r));
        self.clock_leg(r, leg, now);
    }

    /// [`clock`](Self::clock) for the request's current leg, `leg`, already looked up.
    fn clock_leg(&mut self, r: RequestId, leg: Leg, now: SimTime) {
        const WIRE: usize = 0;
        const LAN: usize = 1;
        const CPU_WAIT: usize = 2;
        const CPU: usize = 3;
        const IPC: usize = 4;
        const LINK_WAIT: usize = 5;
        const SERVER_QUEUE: usize = 6;
        const IO: usize = 7;
        const SYN_BACKOFF: usize = 8;
        if self.trace.is_some() {
            self.trace_stage(r, now);
        }
        let req = self.requests.get(r);
        let elapsed = (now - req.leg_started).as_nanos();
        if elapsed == 0 {
            // A leg that took no time adds nothing to any part, and its clock already reads
            // `now`: most legs of a cheap path end here, so the split below is skipped.
            return;
        }
        let client_latency = self.lan.client_latency.as_nanos();
        // A burst's CPU is the time it held its core: its cost scaled by its processor's
        // type (`Processor::scaled`); a burst of no cost was not run.
        let costing = self.costing(req);
        let on_core = |who: Who, cost: CpuSplit| {
            if cost.total().is_zero() {
                return 0;
            }
            let cpu = self.cpus.processor_of(self.process(req, who));
            self.cpus.processors()[cpu.0 as usize]
                .scaled_split(cost)
                .as_nanos()
        };
        let burst = match leg {
            Leg::Cpu { who, cost } => {
                let tcpip = self.is_tcpip(self.process(req, who));
                on_core(who, cost.split(&costing, tcpip))
            }
            Leg::ServerWork => on_core(Who::Server, server_work(&costing, req)),
            _ => 0,
        };
        let req = self.requests.get_mut(r);
        req.leg_started = now;
        let t = &mut req.spent_ns;
        // Splits `elapsed` into `service` of part `b` and the rest in part `a`.
        let mut split = |a: usize, b: usize, service: u64| {
            let service = service.min(elapsed);
            t[b] += service;
            t[a] += elapsed - service;
        };
        match leg {
            Leg::WireIn | Leg::WireOut => split(WIRE, WIRE, 0),
            Leg::LanIn { .. } => split(LAN, LAN, 0),
            Leg::LanOut { .. } => split(LAN, WIRE, client_latency),
            Leg::Admit => split(SYN_BACKOFF, SYN_BACKOFF, 0),
            Leg::Cpu { .. } => split(CPU_WAIT, CPU, burst),
            Leg::Hop { .. } => split(IPC, IPC, 0),
            Leg::Pathsend => split(IPC, LINK_WAIT, req.send.queue_wait.as_nanos()),
            Leg::ServerWork => split(SERVER_QUEUE, CPU, burst),
            Leg::Io { .. } => split(IO, IO, 0),
            Leg::Handled | Leg::Release | Leg::Done => split(CPU, CPU, 0),
        }
    }

    /// What the cost of a burst of `req` depends on. Its messages to and from its server
    /// cross ServerNet when the server runs in another processor than the requester; before
    /// Pathway has chosen the server, unless the route is local.
    fn costing<'a>(&'a self, req: &Request) -> Costing<'a> {
        let server_cross = match req.send.server {
            Some(s) => self.pathway.server_cpu(s) != self.cpus.processor_of(req.send.requester),
            None => !self.listeners.list[req.listener as usize].local,
        };
        Costing {
            opens: req.conn.opens,
            closes: req.conn.closes,
            service: req.demand.service,
            bytes: req.bytes,
            server_cross,
            ipc: &self.ipc,
            stack: &self.stack,
            clim: self.clim_costs(req),
        }
    }

    /// CIP: the protocol CPU per call and per KiB of the CLIM carrying the request's
    /// connection; zero under the other stacks.
    fn clim_costs(&self, req: &Request) -> [SimDuration; 2] {
        if !self.clims.any() {
            return [SimDuration::ZERO; 2];
        }
        let port = self.lan.port(req.pif).unwrap_or(req.pif);
        let c = &self.clims.list[self.clims.of_port(port)];
        [c.call_cpu, c.cpu_per_kib]
    }

    /// Performs legs from the current one until one takes time or the request leaves.
    pub(super) fn run(&mut self, r: RequestId, s: &mut Scheduler<Event>) {
        loop {
            // Looked up once for both its beginning and, if it takes no time, its end: a leg
            // that ends at once leaves the request on it.
            let leg = self.leg_of(self.requests.get(r));
            match self.begin(r, leg, s) {
                Flow::Next => self.end_this_leg(r, leg, s),
                Flow::Wait | Flow::Gone => return,
            }
        }
    }

    /// Begins the request's current leg, `leg`.
    fn begin(&mut self, r: RequestId, leg: Leg, s: &mut Scheduler<Event>) -> Flow {
        let now = s.now();
        // The few fields the legs read, not the whole request (a copy of it per leg costs).
        let req = self.requests.get(r);
        let (opens, lost, pif, bytes) = (req.conn.opens, req.lost, req.pif, req.bytes);
        // Schedules the leg's end after `d` and leaves the request `at` the place that keeps
        // its key, or goes straight on when the leg takes no time.
        let after = |n: &mut Self,
                     s: &mut Scheduler<Event>,
                     d: SimDuration,
                     at: fn(ActionKey) -> Location| {
            if d.is_zero() {
                Flow::Next
            } else {
                n.requests.get_mut(r).at = at(s.schedule_in(d, Event::Step(r)));
                Flow::Wait
            }
        };
        match leg {
            Leg::WireIn => {
                let d = self.lan.wire_in_delay(opens);
                after(self, s, d, |step| Location::Wire { step })
            }
            Leg::LanIn { .. } => {
                let Some(port) = self.lan.port(pif) else {
                    return self.lost_frame(r, s);
                };
                let done = self.lan.frame_in(port.into(), bytes[0], now);
                self.after_at_lan(r, s, port, done - now)
            }
            Leg::Admit => {
                if !opens {
                    return Flow::Next;
                }
                self.admit_syn(r, s)
            }
            Leg::Cpu { who, cost } => {
                let process = self.process(self.requests.get(r), who);
                let d = cost.split(&self.costing(self.requests.get(r)), self.is_tcpip(process));
                if d.total().is_zero() {
                    return Flow::Next;
                }
                self.requests.get_mut(r).at = Location::Cpu { process };
                let mut ctx = Ctx {
                    sched: s,
                    rec: &mut self.rec,
                };
                self.cpus
                    .submit_split(process, d, Work::Request(r), &mut ctx);
                Flow::Wait
            }
            Leg::Hop { from, to, msg } => {
                let a = self
                    .cpus
                    .processor_of(self.process(self.requests.get(r), from));
                let b = self
                    .cpus
                    .processor_of(self.process(self.requests.get(r), to));
                self.requests.get_mut(r).hops += 1;
                let d = self.ipc.latency_of(a, b, bytes[msg as usize]);
                if d.is_zero() {
                    return Flow::Next;
                }
                let step = Some(s.schedule_in(d, Event::Step(r)));
                self.requests.get_mut(r).at = Location::Transit { to: b, step };
                Flow::Wait
            }
            Leg::Handled => {
                let req = self.requests.get(r);
                self.listeners
                    .handled(req.listener.into(), req.instance as usize, opens);
                if opens {
                    self.rec.connection_opened(now);
                }
                Flow::Next
            }
            Leg::Pathsend => {
                if lost {
                    // Its connection is gone: it is not sent.
                    self.requests.remove(r);
                    return Flow::Gone;
                }
                let mut pw = self.pathway_at(s);
                pw.pathway.send(r, &mut pw.x);
                Flow::Wait
            }
            Leg::ServerWork => {
                let mut pw = self.pathway_at(s);
                pw.pathway.server_receive(r, &mut pw.x);
                Flow::Wait
            }
            Leg::Io { who } => {
                let process = self.process(self.requests.get(r), who);
                let io = self.requests.get(r).demand.io;
                if io.is_zero() {
                    return Flow::Next;
                }
                if self.cpus.health(process) == super::processor::Health::Down {
                    // A dead process issues no I/O: the request is held where nothing answers.
                    self.cpus.swallow(process, Work::Request(r));
                    return Flow::Wait;
                }
                let step = s.schedule_in(io, Event::Step(r));
                self.requests.get_mut(r).at = Location::Io { process, step };
                Flow::Wait
            }
            Leg::Release => {
                let mut pw = self.pathway_at(s);
                let (server, discarded) = pw.pathway.reply_sent(r, &mut pw.x);
                // A request the returned link's link manager can no longer serve fails before
                // the server takes its next request.
                self.finish_failed(s);
                let mut pw = self.pathway_at(s);
                pw.pathway.start_service(server, &mut pw.x);
                if discarded {
                    self.requests.remove(r);
                    return Flow::Gone;
                }
                Flow::Next
            }
            Leg::LanOut { .. } => {
                let Some(port) = self.lan.port(pif) else {
                    return self.lost_frame(r, s);
                };
                let at_client = self
                    .lan
                    .frame_out(port.into(), bytes[Msg::Reply as usize], now);
                self.after_at_lan(r, s, port, at_client - now)
            }
            Leg::WireOut => {
                let d = self.lan.client_latency;
                after(self, s, d, |step| Location::Wire { step })
            }
            Leg::Done => {
                if lost {
                    // Its connection was reset: nobody takes the reply.
                    self.requests.remove(r);
                    return Flow::Gone;
                }
                if !self.client_waits(r, s) {
                    // The reply reaches a client that has gone.
                    self.rec.abandoned_served();
                    self.requests.remove(r);
                    return Flow::Gone;
                }
                let req = self.requests.get(r);
                let class = match req.send.served_by {
                    Some(c) => c as usize,
                    None => self.pathway.first_instance(req.class),
                };
                self.rec
                    .completed(now, req.created, req.hops, class, req.send.queue_wait);
                self.rec.breakdown(class, &req.spent_ns);
                self.request_finished(r, false, s);
                Flow::Gone
            }
        }
    }

    /// The request's frame takes `d` at port `port`: the leg ends then (or at once).
    fn after_at_lan(
        &mut self,
        r: RequestId,
        s: &mut Scheduler<Event>,
        port: u16,
        d: SimDuration,
    ) -> Flow {
        if d.is_zero() {
            return Flow::Next;
        }
        let step = s.schedule_in(d, Event::Step(r));
        self.requests.get_mut(r).at = Location::Lan { pif: port, step };
        Flow::Wait
    }

    /// The request's frame was lost at a failed port (`failover.rs`).
    #[cold]
    #[inline(never)]
    fn lost_frame(&mut self, r: RequestId, s: &mut Scheduler<Event>) -> Flow {
        if self.frame_lost(r, s) {
            Flow::Gone
        } else {
            Flow::Wait
        }
    }

    /// A SYN reaches the listening socket: queue it for accept, or drop it if the backlog is
    /// full (the client retransmits later, or gives up and the request fails).
    fn admit_syn(&mut self, r: RequestId, s: &mut Scheduler<Event>) -> Flow {
        let req = self.requests.get(r);
        let (l, i) = (req.listener as usize, req.instance as usize);
        let listener = self.listeners.list[l].instances[i].process;
        let listening = self.cpus.health(listener) != super::processor::Health::Down;
        if !listening && self.syn_to_dead_listener(r, s) {
            return Flow::Gone;
        }
        let req = self.requests.get_mut(r);
        if listening && self.listeners.admit_syn(l, i, self.stack.backlog) {
            if req.attempt == 0 {
                // A reissue (`retry.rs`) was admitted with its first attempt.
                self.rec.admitted(s.now());
            }
            return Flow::Next;
        }
        self.rec.syn_dropped();
        if req.client_gone || req.lost {
            // Its client has gone: no one retransmits the SYN.
            self.requests.remove(r);
            Flow::Gone
        } else if req.conn.syn_attempts >= self.stack.syn_retries {
            self.client_waits(r, s);
            self.rec.refused(s.now());
            self.request_finished(r, true, s);
            Flow::Gone
        } else {
            req.conn.syn_attempts += 1;
            let timeout = self.stack.syn_timeout(req.conn.syn_attempts);
            let retry = s.schedule_in(timeout, Event::SynRetry(r));
            req.at = Location::Backlog { retry };
            Flow::Wait
        }
    }

    // ----- where requests are ----------------------------------------------------------------

    /// The processor that holds a request at `at`: where its burst, message, link manager,
    /// server or I/O is; on the wire, at an adapter or in a backlog, the processor of the
    /// socket it is bound to (the TCP/IP process's, else the listener instance's).
    fn holder(&self, req: &Request) -> ProcessorId {
        match req.at {
            Location::Cpu { process } | Location::Io { process, .. } => {
                self.cpus.processor_of(process)
            }
            Location::Transit { to, .. } => to,
            Location::LinkWait { lm } => self.pathway.lm_cpu(lm),
            Location::Lcs { lcs } => self.cpus.processor_of(self.pathway.lcs_process(lcs)),
            Location::Server { server } => self.pathway.server_cpu(server),
            Location::New
            | Location::Wire { .. }
            | Location::Lan { .. }
            | Location::Retransmit { .. }
            | Location::Backlog { .. }
            | Location::Backoff { .. } => {
                let inst =
                    &self.listeners.list[req.listener as usize].instances[req.instance as usize];
                match inst.endpoint.tcpip {
                    Some(t) => self.cpus.processor_of(t),
                    None => inst.processor,
                }
            }
        }
    }

    /// For every processor, the requests in flight it holds and where: the query a fault
    /// model needs when a processor fails. Every request in flight appears exactly once;
    /// requests whose client already has its outcome (failed with 904 or 918 while their
    /// server still works on them, or abandoned) are not in flight and not listed.
    pub fn holdings(&self) -> Vec<Vec<(RequestId, Location)>> {
        let mut out = vec![Vec::new(); self.cpus.processors().len()];
        for (id, req) in self.requests.iter() {
            if !req.answered() {
                out[self.holder(req).0 as usize].push((id, req.at));
            }
        }
        out
    }

    /// Requests in flight (sent, not yet completed or failed).
    pub fn in_flight(&self) -> usize {
        self.requests.in_flight()
    }
}

/// A server's burst for its request, by kind: receiving it (message system, at the rate
/// between the requester's processor and the server's) and its service (application).
fn server_work(c: &Costing, req: &Request) -> CpuSplit {
    CpuSplit {
        message_system: c.ipc.cpu(c.server_cross, req.bytes[0]),
        tcpip: SimDuration::ZERO,
        application: req.demand.service,
    }
}
