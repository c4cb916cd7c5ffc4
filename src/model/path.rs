//! A request's path through the node: the node-level steps that hand a request from one
//! subsystem to the next (client, LAN, TCP/IP, listener, Pathway, server and back), following
//! the diagram in `request.rs`. Each step asks one subsystem to act and schedules the next.

use crate::engine::{Scheduler, SimDuration};
use crate::scenario::StackKind;

use super::clients::Outgoing;
use super::ids::{ProcessId, RequestId, SessionId};
use super::pathway::{Pathway, PwCtx};
use super::processor::Work;
use super::request::{Conn, Request, Send, Stage};
use super::{Ctx, Event, Node};

/// Pathway with its context, borrowed from the node for one call.
pub(super) struct PathwayAt<'a> {
    pub pathway: &'a mut Pathway,
    pub x: PwCtx<'a>,
}

impl Node {
    /// Schedules the end of the arrival window, the first sample and the first arrivals.
    pub(super) fn start(&mut self, s: &mut Scheduler<Event>) {
        s.schedule_at(self.run.end, Event::StopArrivals);
        s.schedule_in(SimDuration::ZERO, Event::Sample);
        let mut ctx = Ctx {
            sched: s,
            rec: &mut self.rec,
        };
        self.clients.start(&mut ctx);
    }

    /// Records servers and links of every class, once per sample interval.
    pub(super) fn sample(&mut self, s: &mut Scheduler<Event>) {
        self.pathway.sample(s.now());
        if self.clients.accepting() || !self.requests.is_empty() {
            s.schedule_in(self.run.sample_interval, Event::Sample);
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
            },
        }
    }

    /// Finishes the requests a Pathsend error has just failed, in the order they failed.
    pub(super) fn drain_failed(&mut self, s: &mut Scheduler<Event>) {
        // Index, not drain: finishing a request may fail none here, but keep the buffer's
        // capacity for the next time.
        let mut i = 0;
        while i < self.failed.len() {
            let r = self.failed[i];
            self.request_finished(r, true, s);
            i += 1;
        }
        self.failed.clear();
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
        } = out;
        let l = &self.listeners.list[listener as usize];
        let inst = &l.instances[instance as usize];
        let route = self.pathway.route(inst.send_to, class, l.local);
        let serial = self.next_serial;
        self.next_serial = self.next_serial.wrapping_add(1);
        let r = self.requests.insert(Request {
            session: id,
            listener,
            instance,
            class,
            stage: if terminal {
                Stage::ListenerIn
            } else {
                Stage::AtAdapterIn
            },
            created: now,
            demand,
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
            },
            serial,
            abandoned: false,
        });
        self.clients.offered(now, &mut self.rec);
        let delay = if terminal {
            self.lan.client_latency
        } else {
            self.lan.wire_in_delay(opens)
        };
        s.schedule_in(delay, Event::Step(r));
    }

    /// A request left the system (completed or failed): its session continues or ends.
    pub(super) fn request_finished(
        &mut self,
        r: RequestId,
        failed: bool,
        s: &mut Scheduler<Event>,
    ) {
        let req = self.requests.remove(r);
        self.session_after_request(req.session, failed, s);
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

    pub(super) fn syn_retry(&mut self, r: RequestId, s: &mut Scheduler<Event>) {
        let req = self.requests.get_mut(r);
        if self.stack.stack == StackKind::Parallel {
            // The retransmitted SYN is a new incoming connection to the round-robin filter.
            req.instance = self.clients.reconnect(req.session, &mut self.listeners);
        }
        req.stage = Stage::AtAdapterIn;
        s.schedule_in(self.lan.wire_in_delay(true), Event::Step(r));
    }

    // ----- processors and messages ---------------------------------------------------------

    /// Queues a CPU burst of `demand` for process `p`; the request advances when it ends.
    fn submit(
        &mut self,
        p: ProcessId,
        demand: SimDuration,
        r: RequestId,
        s: &mut Scheduler<Event>,
    ) {
        let mut ctx = Ctx {
            sched: s,
            rec: &mut self.rec,
        };
        self.cpus.submit(p, demand, Work::Request(r), &mut ctx);
    }

    /// Sends a message for request `r` from process `from` to `to`.
    fn hop(&mut self, r: RequestId, from: ProcessId, to: ProcessId, s: &mut Scheduler<Event>) {
        let (a, b) = (self.cpus.processor_of(from), self.cpus.processor_of(to));
        self.ipc.hop(r, self.requests.get_mut(r), a, b, s);
    }

    // ----- the request path ----------------------------------------------------------------

    /// Performs the request's next step (see the diagram in `request.rs`).
    pub(super) fn advance(&mut self, r: RequestId, s: &mut Scheduler<Event>) {
        let now = s.now();
        let req = *self.requests.get(r);
        // From the request, not its session: a request abandoned after a Pathsend error still
        // travels through its server after the client (and an open session) has gone.
        let (lix, inst_ix) = (req.listener as usize, req.instance as usize);
        let listener = &self.listeners.list[lix];
        let inst = &listener.instances[inst_ix];
        let (lproc, tproc) = (inst.process, inst.endpoint.tcpip);
        // Terminals (Pathway/XM) reach their TCP directly, not through a LAN adapter.
        let pif = inst.endpoint.pif.unwrap_or(usize::MAX);
        let has_pif = inst.endpoint.pif.is_some();
        let relays = listener.relays;
        let (accept, handle) = (listener.accept_cpu, listener.handle_cpu);
        let ipc = self.ipc.cpu_per_message;
        let opens = req.conn.opens;
        let set = |n: &mut Self, st: Stage| n.requests.get_mut(r).stage = st;

        match req.stage {
            Stage::AtAdapterIn => {
                let done = self.lan.frame_in(pif, now);
                set(self, Stage::StackIn);
                s.schedule_at(done, Event::Step(r));
            }
            Stage::StackIn => {
                self.lan.frame_in_sent(pif, now, &self.rec);
                if opens && !self.admit_syn(r, s) {
                    return;
                }
                // The listener's own inbound work: receive (conventional: the message from the
                // TCP/IP process), accept a new connection, handle; then either the Pathsend
                // send (distributor, or a parallel listener using a local server class) or the
                // request's whole service demand (parallel listener working in-process).
                let own = if opens { accept } else { SimDuration::ZERO }
                    + handle
                    + if relays { ipc } else { req.demand.service };
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
                    + if relays { ipc } else { req.demand.service };
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
                self.listeners.handled(lix, inst_ix, opens);
                if opens {
                    self.rec.connection_opened(now);
                }
                if relays {
                    let mut pw = self.pathway_at(s);
                    pw.pathway.send(r, &mut pw.x);
                    self.drain_failed(s);
                } else {
                    set(self, Stage::ListenerIoDone);
                    s.schedule_in(req.demand.io, Event::Step(r));
                }
            }
            Stage::ServerIn => {
                let mut pw = self.pathway_at(s);
                pw.pathway.server_receive(r, &mut pw.x);
            }
            Stage::ServiceDone => {
                set(self, Stage::ServerIoDone);
                s.schedule_in(req.demand.io, Event::Step(r));
            }
            Stage::ServerIoDone => {
                set(self, Stage::ServerReplyDone);
                let server = req.send.server.expect("held by a server") as usize;
                self.submit(self.pathway.servers[server].process, ipc, r, s);
            }
            Stage::ServerReplyDone => {
                let mut pw = self.pathway_at(s);
                let (server, abandoned) = pw.pathway.reply_sent(r, &mut pw.x);
                self.drain_failed(s);
                let mut pw = self.pathway_at(s);
                pw.pathway.start_service(server, &mut pw.x);
                if abandoned {
                    self.requests.remove(r);
                    self.requests.abandoned -= 1;
                } else {
                    set(self, Stage::ListenerOut);
                    self.hop(r, self.pathway.servers[server].process, lproc, s);
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
                let pass_on = match (tproc, has_pif) {
                    (Some(_), _) => ipc,
                    (None, true) => self.stack.outbound(req.conn.closes),
                    (None, false) => SimDuration::ZERO,
                };
                set(self, Stage::ListenerOutDone);
                self.submit(lproc, receive + handle + pass_on, r, s);
            }
            Stage::ListenerOutDone => match (tproc, has_pif) {
                (Some(t), _) => {
                    set(self, Stage::StackOut);
                    self.hop(r, lproc, t, s);
                }
                (None, true) => {
                    set(self, Stage::StackOutDone);
                    self.advance(r, s);
                }
                (None, false) => {
                    set(self, Stage::ToClient);
                    s.schedule_in(self.lan.client_latency, Event::Step(r));
                }
            },
            Stage::StackOut => {
                set(self, Stage::StackOutDone);
                let t = tproc.expect("conventional stack");
                self.submit(t, ipc + self.stack.outbound(req.conn.closes), r, s);
            }
            Stage::StackOutDone => {
                let at_client = self.lan.frame_out(pif, now);
                set(self, Stage::ToClient);
                s.schedule_at(at_client, Event::Step(r));
            }
            Stage::ToClient => {
                if has_pif {
                    self.lan.frame_out_arrived(pif, now, &self.rec);
                }
                set(self, Stage::Done);
                let class = match req.send.served_by {
                    Some(c) => c as usize,
                    None => self.pathway.first_instance[req.class as usize],
                };
                self.rec
                    .completed(now, req.created, req.hops, class, req.send.queue_wait);
                self.request_finished(r, false, s);
            }
            Stage::Done => unreachable!("a completed request was stepped again"),
        }
    }

    /// A SYN reaches the listening socket: queue it for accept, or drop it if the backlog is
    /// full (the client retransmits later, or gives up and the request fails).
    fn admit_syn(&mut self, r: RequestId, s: &mut Scheduler<Event>) -> bool {
        let req = self.requests.get_mut(r);
        let (l, i) = (req.listener as usize, req.instance as usize);
        if self.listeners.admit_syn(l, i, self.stack.backlog) {
            return true;
        }
        self.rec.syn_dropped();
        if req.conn.syn_attempts >= self.stack.syn_retries {
            self.rec.failed();
            self.request_finished(r, true, s);
        } else {
            req.conn.syn_attempts += 1;
            let timeout = self.stack.syn_timeout(req.conn.syn_attempts);
            s.schedule_in(timeout, Event::SynRetry(r));
        }
        false
    }
}
