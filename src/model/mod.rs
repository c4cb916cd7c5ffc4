//! NonStop models, wired into one [`Cluster`] and run by [`simulate`].
//!
//! Every event the engine delivers is an [`Event`]; `Cluster::handle` dispatches them in one
//! `match`, and `Cluster::advance` moves a request along its path (drawn in `request.rs`).
//! Pathsend over links, and the link managers' and PATHMONs' events, are in `pathsend.rs`
//! (rules in `pathway.rs`). Components live in `Vec`s and refer to each other by index: no
//! shared ownership, no trait objects, no allocation per event once the run has reached its
//! largest population (a PATHMON creating a server process is the one exception).

mod cluster;
mod lan;
mod listener;
mod message_system;
mod pathsend;
mod pathway;
pub mod pathway_xm;
mod processor;
mod request;
mod tcpip;
mod workload;

use std::time::Instant;

use rand::RngExt;

use crate::engine::{self, Model, RngStreams, Scheduler, SimDuration, SimTime, StreamRng};
use crate::scenario::{ClientStart, Scenario, StackKind};
use crate::stats::{Recorder, RunResults};

use lan::{Direction, Pif};
use listener::Listener;
use pathway::{LinkId, Pathway};
use processor::{Burst, Process, ProcessId, Processor, ProcessorId, Work};
use request::{Request, RequestId, SessionId, Slab, Stage};
use workload::{Mix, Sampler, Session};

pub use processor::ProcessKind;

/// Runs a validated scenario to the end and returns its results.
///
/// Panics if an invariant is violated (conservation of requests, time order): such a failure
/// is a bug in the simulator, never a property of the input.
pub fn simulate(scenario: &Scenario) -> RunResults {
    let mut cluster = Cluster::build(scenario);
    let mut sched = Scheduler::new();
    cluster.start(&mut sched);
    let horizon = SimTime::ZERO
        .saturating_add(scenario.run.duration)
        .saturating_add(scenario.run.drain);
    let wall = Instant::now();
    let events = engine::run_until(&mut cluster, &mut sched, horizon);
    cluster.rec.finish(sched.now());
    let wall_s = wall.elapsed().as_secs_f64();
    cluster.results(sched.now(), events, wall_s)
}

/// Everything the engine can deliver.
#[derive(Clone, Copy, Debug)]
pub enum Event {
    /// Open workload: a new client session arrives.
    SessionArrives,
    /// Closed workload: a client's think time is over.
    ThinkDone(SessionId),
    /// A request's next step is due (its `Stage` says which).
    Step(RequestId),
    /// A process's running burst has used its CPU demand.
    BurstDone(ProcessId),
    /// A client retransmits a dropped SYN.
    SynRetry(RequestId),
    /// The arrival window is over: clients send nothing new.
    StopArrivals,
    /// A link request reached its PATHMON.
    GrantAtPathmon(LinkId),
    /// A dynamic server process has been created for a link.
    ServerCreated(LinkId),
    /// A granted link is open at its link manager.
    LinkReady(LinkId),
    /// CREATEDELAY passed at a link manager (ignored if `generation` is stale).
    CreateDelay {
        /// Link manager.
        lm: u32,
        /// Generation of the wait.
        generation: u32,
    },
    /// DELETEDELAY passed for an idle link to a dynamic server (ignored if used since).
    DeleteDelay {
        /// The link.
        link: LinkId,
        /// Its generation when it went idle.
        generation: u32,
    },
    /// A server class TIMEOUT for a send.
    Timeout {
        /// The request.
        r: RequestId,
        /// Its serial, in case the slot was reused.
        serial: u32,
    },
    /// Record servers and links over time.
    Sample,
}

/// How clients arrive.
#[derive(Debug)]
enum Clients {
    Open {
        interarrival: Sampler,
        rng: StreamRng,
    },
    Closed {
        clients: u32,
        start: ClientStart,
        think: Sampler,
        rng: StreamRng,
    },
    /// Pathway/XM terminals: closed-loop, each with its TCP and its own think time.
    Terminals {
        /// Per terminal: (listener standing for its TCP template, TCP instance, think).
        terms: Vec<(u16, u32, Sampler)>,
        rng: StreamRng,
    },
}

/// A stationary forward-recurrence time: a uniform fraction of a draw from `biased`, the
/// length-biased form of the think time (see `Sampler::length_biased`).
fn forward_recurrence(biased: &Sampler, rng: &mut StreamRng) -> SimDuration {
    let whole = biased.sample(rng).as_nanos() as f64;
    SimDuration::from_nanos((whole * rng.random::<f64>()).floor() as u64)
}

/// Per-class random draws, made when a request is created.
#[derive(Debug)]
struct ClassDraws {
    service: Sampler,
    service_rng: StreamRng,
    io: Option<(Sampler, StreamRng)>,
}

/// The node and its clients at run time.
#[derive(Debug)]
pub struct Cluster {
    name: String,
    seed: u64,
    warmup: SimDuration,
    ipc: crate::scenario::MessageSystem,
    stack: crate::scenario::TcpIp,
    client_latency: SimDuration,
    request_bytes: u32,
    reply_bytes: u32,
    processors: Vec<Processor>,
    processes: Vec<Process>,
    pifs: Vec<Pif>,
    listeners: Vec<Listener>,
    /// Index of the listener the TCP/IP workload connects to (none for Pathway/XM).
    target: Option<usize>,
    pathway: Pathway,
    /// Per class name (request `class`): random draws.
    draws: Vec<ClassDraws>,
    /// Per class name: the first class instance of that name (parallel listeners' tallies).
    first_instance: Vec<usize>,
    /// Per send target, per class name: the route.
    route_for: Vec<Vec<u16>>,
    /// The same, for requesters restricted to servers in their own processor.
    route_for_local: Vec<Vec<u16>>,
    /// Requests failed with a Pathsend error whose server still holds them.
    abandoned: usize,
    next_serial: u32,
    sample_interval: SimDuration,
    /// Pathway/XM's assignment of terminals, TCPs and PATHMONs, if the scenario uses it.
    xm_plan: Option<pathway_xm::XmAssignment>,
    /// Pathway/XM TCP template names and TERM names, for reports.
    xm_templates: Vec<String>,
    xm_terms: Vec<String>,
    clients: Clients,
    requests_per_connection: u32,
    mix: Mix,
    mix_rng: StreamRng,
    accepting: bool,
    max_requests: Option<u64>,
    end: SimTime,
    requests: Slab<Request>,
    sessions: Slab<Session>,
    rec: Recorder,
}

impl Model for Cluster {
    type Event = Event;

    fn handle(&mut self, event: Event, s: &mut Scheduler<Event>) {
        match event {
            Event::SessionArrives => self.session_arrives(s),
            Event::ThinkDone(session) => self.send_next(session, s),
            Event::Step(r) => self.advance(r, s),
            Event::BurstDone(p) => self.burst_done(p, s),
            Event::SynRetry(r) => self.syn_retry(r, s),
            Event::StopArrivals => self.stop_arrivals(s.now()),
            Event::GrantAtPathmon(link) => self.grant_at_pathmon(link, s),
            Event::ServerCreated(link) => self.server_created(link, s),
            Event::LinkReady(link) => self.link_ready(link, s),
            Event::CreateDelay { lm, generation } => {
                self.createdelay_expired(lm as usize, generation, s)
            }
            Event::DeleteDelay { link, generation } => {
                self.deletedelay_expired(link, generation, s)
            }
            Event::Timeout { r, serial } => self.timeout_expired(r, serial, s),
            Event::Sample => self.sample(s),
        }
    }

    /// Arrivals have stopped and every request has left: nothing more can happen.
    fn finished(&self) -> bool {
        !self.accepting && self.requests.is_empty()
    }
}

impl Cluster {
    /// Schedules the first arrivals and the end of the arrival window.
    fn start(&mut self, s: &mut Scheduler<Event>) {
        s.schedule_at(self.end, Event::StopArrivals);
        s.schedule_in(SimDuration::ZERO, Event::Sample);
        match &mut self.clients {
            Clients::Open { .. } => s.schedule_in(SimDuration::ZERO, Event::SessionArrives),
            Clients::Closed {
                clients,
                think,
                start,
                rng,
            } => {
                // By default each client starts at its stationary forward-recurrence time, as
                // if it had been thinking since long before t = 0: U x (a length-biased think
                // time), from a stream of its own. `after-think` starts every client one think
                // time after zero (in lockstep with a constant think time).
                let biased = think.length_biased();
                let mut start_rng = RngStreams::new(self.seed).stream("workload/start");
                for client in 0..*clients {
                    let first = match start {
                        ClientStart::Stationary => forward_recurrence(&biased, &mut start_rng),
                        ClientStart::AfterThink => think.sample(rng),
                    };
                    let id = SessionId(self.sessions.insert(Session {
                        listener: self.target.expect("a closed workload has a listener") as u16,
                        instance: 0,
                        remaining: 0,
                        client: Some(client),
                    }));
                    s.schedule_in(first, Event::ThinkDone(id));
                }
            }
            Clients::Terminals { terms, .. } => {
                // Terminals are attached to their TCP for the whole run (no connections), and
                // start at their stationary forward-recurrence time like closed clients.
                let mut start = RngStreams::new(self.seed).stream("xm/start");
                for (term, (listener, tcp, think)) in terms.iter().enumerate() {
                    let first = forward_recurrence(&think.length_biased(), &mut start);
                    let id = SessionId(self.sessions.insert(Session {
                        listener: *listener,
                        instance: *tcp,
                        remaining: u32::MAX,
                        client: Some(term as u32),
                    }));
                    s.schedule_in(first, Event::ThinkDone(id));
                }
            }
        }
    }

    /// Records servers and links of every class, once per sample interval.
    fn sample(&mut self, s: &mut Scheduler<Event>) {
        let t_s = s.now().as_secs_f64();
        for c in 0..self.pathway.classes.len() {
            let (st, dy) = self.pathway.running(c);
            let class = &mut self.pathway.classes[c];
            let links = class.links_held.level();
            class.timeline.push(crate::stats::ServerSample {
                t_s,
                static_servers: st,
                dynamic_servers: dy,
                links,
            });
        }
        if self.accepting || !self.requests.is_empty() {
            s.schedule_in(self.sample_interval, Event::Sample);
        }
    }

    // ----- clients -------------------------------------------------------------------------

    fn session_arrives(&mut self, s: &mut Scheduler<Event>) {
        if !self.accepting {
            return;
        }
        let id = SessionId(self.sessions.insert(Session {
            listener: self.target.expect("an open workload has a listener") as u16,
            instance: 0,
            remaining: 0,
            client: None,
        }));
        self.send_next(id, s);
        if let Clients::Open { interarrival, rng } = &mut self.clients {
            // Sessions carry N = `requests_per_connection` requests each, so they arrive N
            // times less often: one inter-arrival sample per session, scaled by N, keeps the
            // offered request rate at 1 / mean(inter-arrival) and the law's shape (with
            // `rate`, exponential gaps: Poisson sessions).
            let gap = interarrival.sample(rng);
            let gap = SimDuration(
                gap.as_nanos()
                    .saturating_mul(u64::from(self.requests_per_connection)),
            );
            s.schedule_in(gap, Event::SessionArrives);
        }
    }

    /// The session sends its next request, opening a new connection if it has none.
    fn send_next(&mut self, id: SessionId, s: &mut Scheduler<Event>) {
        if !self.accepting {
            self.end_session(id);
            return;
        }
        let now = s.now();
        let session = self.sessions.get_mut(id.0);
        let terminal = session.remaining == u32::MAX;
        let opens = session.remaining == 0;
        if opens {
            session.remaining = self.requests_per_connection;
            session.instance = self.listeners[session.listener as usize].round_robin();
        }
        let closes = session.remaining == 1;
        let (listener, instance) = (session.listener as usize, session.instance as usize);
        let class = self.mix.pick(&mut self.mix_rng);
        let target = self.listeners[listener].instances[instance].send_to;
        let route = if self.listeners[listener].local {
            self.route_for_local[target][class as usize]
        } else {
            self.route_for[target][class as usize]
        };
        let serial = self.next_serial;
        self.next_serial = self.next_serial.wrapping_add(1);
        let d = &mut self.draws[class as usize];
        let service = d.service.sample(&mut d.service_rng);
        let io = match &mut d.io {
            Some((sampler, rng)) => sampler.sample(rng),
            None => SimDuration::ZERO,
        };
        let r = RequestId(self.requests.insert(Request {
            session: id,
            listener: listener as u16,
            instance: instance as u32,
            class,
            stage: if terminal {
                Stage::ListenerIn
            } else {
                Stage::AtAdapterIn
            },
            created: now,
            service,
            io,
            opens_connection: opens,
            closes_connection: closes,
            syn_attempts: 0,
            hops: 0,
            route,
            link: None,
            server: None,
            served_by: None,
            serial,
            abandoned: false,
            queued_at: now,
            queue_wait: SimDuration::ZERO,
        }));
        self.rec.offered(now);
        if !opens {
            // Sent over the connection it already has (a terminal has no connection to open).
            self.rec.admitted(now);
        }
        if self
            .max_requests
            .is_some_and(|m| self.rec.counts.offered >= m)
        {
            self.stop_arrivals(now);
        }
        let delay = if terminal {
            self.client_latency
        } else {
            self.wire_in_delay(opens)
        };
        s.schedule_in(delay, Event::Step(r));
    }

    /// Clients send nothing new from `now` on; the measurement window ends here.
    fn stop_arrivals(&mut self, now: SimTime) {
        self.accepting = false;
        self.rec.stop_arrivals(now);
    }

    /// Client to adapter: one way, plus the SYN / SYN-ACK round trip for a new connection.
    fn wire_in_delay(&self, opens: bool) -> SimDuration {
        let one_way = self.client_latency;
        if opens {
            one_way + one_way + one_way
        } else {
            one_way
        }
    }

    fn end_session(&mut self, id: SessionId) {
        if self.sessions.get(id.0).client.is_none() {
            self.sessions.remove(id.0);
        }
        // A closed-loop terminal keeps its session slot; it simply stops sending.
    }

    /// A request left the system (completed or failed): its session continues or ends.
    fn request_finished(&mut self, r: RequestId, failed: bool, s: &mut Scheduler<Event>) {
        let req = self.requests.remove(r.0);
        self.session_after_request(req.session, failed, s);
    }

    /// The client has its reply (or its error): it thinks, sends its next request, or ends.
    fn session_after_request(&mut self, id: SessionId, failed: bool, s: &mut Scheduler<Event>) {
        let session = self.sessions.get_mut(id.0);
        if session.remaining != u32::MAX {
            // A failed request ends its connection; a terminal has none to end.
            session.remaining = if failed { 0 } else { session.remaining - 1 };
        }
        match (&mut self.clients, session.client) {
            (Clients::Closed { think, rng, .. }, Some(_)) => {
                let t = think.sample(rng);
                s.schedule_in(t, Event::ThinkDone(id));
            }
            (Clients::Terminals { terms, rng, .. }, Some(term)) => {
                let t = terms[term as usize].2.sample(rng);
                s.schedule_in(t, Event::ThinkDone(id));
            }
            _ => {
                if session.remaining > 0 {
                    self.send_next(id, s);
                } else {
                    self.sessions.remove(id.0);
                }
            }
        }
    }

    fn syn_retry(&mut self, r: RequestId, s: &mut Scheduler<Event>) {
        let req = self.requests.get_mut(r.0);
        if self.stack.stack == StackKind::Parallel {
            // The retransmitted SYN is a new incoming connection to the round-robin filter.
            let session = self.sessions.get_mut(req.session.0);
            session.instance = self.listeners[session.listener as usize].round_robin();
            req.instance = session.instance;
        }
        req.stage = Stage::AtAdapterIn;
        s.schedule_in(self.wire_in_delay(true), Event::Step(r));
    }

    // ----- processors ----------------------------------------------------------------------

    /// Queues a CPU burst of `demand` for process `p`; the request advances when it ends.
    fn submit(
        &mut self,
        p: ProcessId,
        demand: SimDuration,
        r: RequestId,
        s: &mut Scheduler<Event>,
    ) {
        self.submit_work(p, demand, Work::Request(r), s);
    }

    /// Queues a CPU burst of `demand` for process `p`; `work` continues when it ends.
    fn submit_work(
        &mut self,
        p: ProcessId,
        demand: SimDuration,
        work: Work,
        s: &mut Scheduler<Event>,
    ) {
        let now = s.now();
        let proc_ = &mut self.processes[p.0 as usize];
        proc_.bursts.push_back(Burst {
            demand,
            work,
            queued_at: now,
        });
        if !proc_.running && proc_.bursts.len() == 1 {
            let cpu = proc_.processor.0 as usize;
            self.processors[cpu].make_ready(p, proc_.priority);
            self.dispatch(cpu, s);
        }
    }

    /// Adds a process to the arena (at build time, and when PATHMON creates a server).
    fn spawn(&mut self, name: String, kind: ProcessKind, cpu: u32, priority: u8) -> ProcessId {
        assert!(
            (cpu as usize) < self.processors.len(),
            "process {name} on missing processor {cpu}"
        );
        self.processes.push(Process {
            name,
            kind,
            processor: ProcessorId(cpu),
            priority,
            bursts: Default::default(),
            running: false,
            busy_ns: 0,
            bursts_started: 0,
            ready_wait_ns: 0,
        });
        ProcessId(u32::try_from(self.processes.len() - 1).expect("fewer than 2^32 processes"))
    }

    /// Starts bursts on idle cores of processor `cpu` while processes are ready.
    fn dispatch(&mut self, cpu: usize, s: &mut Scheduler<Event>) {
        let now = s.now();
        while let Some(p) = self.processors[cpu].next_to_run() {
            let proc_ = &mut self.processes[p.0 as usize];
            let b = *proc_.bursts.front().expect("a ready process has a burst");
            proc_.running = true;
            if now >= self.rec.warmup() && now < self.rec.end() {
                proc_.bursts_started += 1;
                proc_.ready_wait_ns += (now - b.queued_at).as_nanos();
            }
            s.schedule_in(b.demand, Event::BurstDone(p));
        }
    }

    fn burst_done(&mut self, p: ProcessId, s: &mut Scheduler<Event>) {
        let proc_ = &mut self.processes[p.0 as usize];
        let b = proc_.bursts.pop_front().expect("a finished burst");
        proc_.running = false;
        let busy = self.rec.window_overlap(s.now() - b.demand, b.demand);
        proc_.busy_ns += busy;
        let cpu = proc_.processor.0 as usize;
        self.processors[cpu].release_core(busy);
        if !proc_.bursts.is_empty() {
            self.processors[cpu].make_ready(p, proc_.priority);
        }
        self.dispatch(cpu, s);
        match b.work {
            Work::Request(r) => self.advance(r, s),
            Work::Grant(link) => self.grant_done(link, s),
        }
    }

    /// Sends a message from process `from` to `to`: counts the hop and schedules the next
    /// step at delivery. The sender's and receiver's CPU costs are in their bursts.
    fn hop(&mut self, r: RequestId, from: ProcessId, to: ProcessId, s: &mut Scheduler<Event>) {
        let a = self.processes[from.0 as usize].processor;
        let b = self.processes[to.0 as usize].processor;
        let req = self.requests.get_mut(r.0);
        req.hops += 1;
        s.schedule_in(self.ipc.latency(a, b), Event::Step(r));
    }

    // ----- the request path ----------------------------------------------------------------

    /// Performs the request's next step (see the diagram in `request.rs`).
    fn advance(&mut self, r: RequestId, s: &mut Scheduler<Event>) {
        let now = s.now();
        let req = *self.requests.get(r.0);
        // From the request, not its session: a request abandoned after a Pathsend error still
        // travels through its server after the client (and an open session) has gone.
        let (lix, inst_ix) = (req.listener as usize, req.instance as usize);
        let listener = &self.listeners[lix];
        let inst = &listener.instances[inst_ix];
        let (lproc, tproc) = (inst.process, inst.endpoint.tcpip);
        // Terminals (Pathway/XM) reach their TCP directly, not through a LAN adapter.
        let pif = inst.endpoint.pif.unwrap_or(usize::MAX);
        let relays = listener.relays;
        let (accept, handle) = (listener.accept_cpu, listener.handle_cpu);
        let ipc = self.ipc.cpu_per_message;
        let opens = req.opens_connection;
        let set = |c: &mut Self, st: Stage| c.requests.get_mut(r.0).stage = st;

        match req.stage {
            Stage::AtAdapterIn => {
                let done = self.pifs[pif].transmit(now, self.request_bytes, Direction::In);
                set(self, Stage::StackIn);
                s.schedule_at(done, Event::Step(r));
            }
            Stage::StackIn => {
                let d = self.pifs[pif].frame_time(self.request_bytes);
                let busy = self.rec.window_overlap(now - d, d);
                self.pifs[pif].account(Direction::In, busy);
                if opens && !self.admit_syn(r, s) {
                    return;
                }
                // The listener's own inbound work: receive (conventional: the message from the
                // TCP/IP process), accept a new connection, handle; then either the Pathsend
                // send (distributor, or a parallel listener using a local server class) or the
                // request's whole service demand (parallel listener working in-process).
                let own = if opens { accept } else { SimDuration::ZERO }
                    + handle
                    + if relays { ipc } else { req.service };
                match tproc {
                    Some(t) => {
                        set(self, Stage::StackInDone);
                        self.submit(t, self.stack.inbound(opens) + ipc, r, s);
                    }
                    None => {
                        set(self, Stage::ListenerInDone);
                        self.submit(lproc, self.stack.inbound(opens) + own, r, s);
                    }
                }
            }
            Stage::StackInDone => {
                set(self, Stage::ListenerIn);
                self.hop(r, tproc.expect("conventional stack"), lproc, s);
            }
            Stage::ListenerIn => {
                let own = if opens { accept } else { SimDuration::ZERO }
                    + handle
                    + if relays { ipc } else { req.service };
                // A message from the TCP/IP process costs a receive; a terminal's input does not.
                let receive = if tproc.is_some() {
                    ipc
                } else {
                    SimDuration::ZERO
                };
                set(self, Stage::ListenerInDone);
                self.submit(lproc, receive + own, r, s);
            }
            Stage::ListenerInDone => {
                let inst = &mut self.listeners[lix].instances[inst_ix];
                inst.requests += 1;
                if opens {
                    inst.pending_accepts -= 1;
                    inst.connections += 1;
                    self.rec.connection_opened(now);
                }
                if relays {
                    self.pathsend(r, s);
                } else {
                    set(self, Stage::ListenerIoDone);
                    s.schedule_in(req.io, Event::Step(r));
                }
            }
            Stage::ServerIn => self.server_receive(r, s),
            Stage::ServiceDone => {
                set(self, Stage::ServerIoDone);
                s.schedule_in(req.io, Event::Step(r));
            }
            Stage::ServerIoDone => {
                set(self, Stage::ServerReplyDone);
                let server = req.server.expect("held by a server") as usize;
                self.submit(self.pathway.servers[server].process, ipc, r, s);
            }
            Stage::ServerReplyDone => {
                let server = req.server.expect("held by a server") as usize;
                let process = self.pathway.servers[server].process;
                if self.server_done(r, s) {
                    set(self, Stage::ListenerOut);
                    self.hop(r, process, lproc, s);
                }
            }
            Stage::ListenerOut | Stage::ListenerIoDone => {
                // Distributor: receive the reply from the server. Then handle it and pass it
                // on: to the TCP/IP process (conventional) or through the library (parallel).
                let receive = if req.stage == Stage::ListenerOut {
                    ipc
                } else {
                    SimDuration::ZERO
                };
                let pass_on = match (tproc, inst.endpoint.pif) {
                    (Some(_), _) => ipc,
                    (None, Some(_)) => self.stack.outbound(req.closes_connection),
                    (None, None) => SimDuration::ZERO,
                };
                set(self, Stage::ListenerOutDone);
                self.submit(lproc, receive + handle + pass_on, r, s);
            }
            Stage::ListenerOutDone => match (tproc, inst.endpoint.pif) {
                (Some(t), _) => {
                    set(self, Stage::StackOut);
                    self.hop(r, lproc, t, s);
                }
                (None, Some(_)) => {
                    set(self, Stage::StackOutDone);
                    self.advance(r, s);
                }
                (None, None) => {
                    set(self, Stage::ToClient);
                    s.schedule_in(self.client_latency, Event::Step(r));
                }
            },
            Stage::StackOut => {
                set(self, Stage::StackOutDone);
                let t = tproc.expect("conventional stack");
                self.submit(t, ipc + self.stack.outbound(req.closes_connection), r, s);
            }
            Stage::StackOutDone => {
                let done = self.pifs[pif].transmit(now, self.reply_bytes, Direction::Out);
                set(self, Stage::ToClient);
                s.schedule_at(done + self.client_latency, Event::Step(r));
            }
            Stage::ToClient => {
                if pif != usize::MAX {
                    let d = self.pifs[pif].frame_time(self.reply_bytes);
                    let sent = now - self.client_latency;
                    let busy = self.rec.window_overlap(sent - d, d);
                    self.pifs[pif].account(Direction::Out, busy);
                }
                set(self, Stage::Done);
                let class = match req.served_by {
                    Some(c) => c as usize,
                    None => self.first_instance[req.class as usize],
                };
                self.rec
                    .completed(now, req.created, req.hops, class, req.queue_wait);
                self.request_finished(r, false, s);
            }
            Stage::Done => unreachable!("a completed request was stepped again"),
        }
    }

    /// A SYN reaches the listening socket: queue it for accept, or drop it if the backlog is
    /// full (the client retransmits later, or gives up and the request fails).
    fn admit_syn(&mut self, r: RequestId, s: &mut Scheduler<Event>) -> bool {
        let req = self.requests.get_mut(r.0);
        let inst = &mut self.listeners[req.listener as usize].instances[req.instance as usize];
        if inst.pending_accepts < self.stack.backlog {
            inst.pending_accepts += 1;
            self.rec.admitted(s.now());
            return true;
        }
        inst.syn_drops += 1;
        self.rec.syn_dropped();
        if req.syn_attempts >= self.stack.syn_retries {
            self.rec.failed(s.now());
            self.request_finished(r, true, s);
        } else {
            req.syn_attempts += 1;
            let timeout = self.stack.syn_timeout(req.syn_attempts);
            s.schedule_in(timeout, Event::SynRetry(r));
        }
        false
    }
}
