//! Clients: the population that sends requests, its sessions and its random draws.
//!
//! Models the three populations of `workload.rs`: open (sessions arrive by an inter-arrival
//! process, each carrying `requests_per_connection` requests), closed (`clients` terminals that
//! think, connect, send and wait), and Pathway/XM terminals attached to their TCP for the whole
//! run. A client sends its next request when the previous reply (or error) reaches it, or
//! when it abandons the previous one (`workload.abandon_after`, `pathway_xm.abandon_after`):
//! an abandoned request is a failure to its client, so it ends its connection like any
//! failure. What the node does with the request is `abandon` (`Abandon`): serve it for no one,
//! or withdraw it from a link or $RECEIVE queue (`Pathway::withdraw`).
//!
//! [`Clients`] owns the sessions and every client-side random stream: the inter-arrival and
//! think times, the class mix and the per-class demand draws, all made when a request is
//! created so that two topologies fed the same seed see the same requests (common random
//! numbers). It returns to the node what to send; it never touches the node's parts.
//!
//! Simplifies: clients are infinitely fast.

use rand::RngExt;

use crate::engine::{SimDuration, SimTime, StreamRng};
use crate::scenario::{Abandon, ClientStart, Retry};
use crate::stats::Recorder;

use super::ids::{SessionId, Slab};
use super::listener::Listeners;
use super::message_system::MessageSizes;
use super::request::Demand;
use super::workload::{Mix, Sampler, Session, Varying};
use super::{Ctx, Event};

/// How clients arrive.
#[derive(Debug)]
pub enum Population {
    /// Sessions arrive independently of the node's responses.
    Open {
        /// Inter-arrival time of requests.
        interarrival: Sampler,
        /// Its stream.
        rng: StreamRng,
    },
    /// Sessions arrive by a time-varying process (rate profile, MMPP, trace).
    Varying {
        /// The process.
        process: Varying,
        /// Its arrival stream (`workload/arrivals`).
        rng: StreamRng,
    },
    /// Terminals loop: think, send, wait.
    Closed {
        /// How many.
        clients: u32,
        /// When they send their first request.
        start: ClientStart,
        /// Think time.
        think: Sampler,
        /// Its stream.
        rng: StreamRng,
    },
    /// Pathway/XM terminals: closed-loop, each with its TCP and its own think time.
    Terminals {
        /// Per terminal: (listener standing for its TCP template, TCP instance, think).
        terms: Vec<(u16, u32, Sampler)>,
        /// The think-time stream.
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
pub struct ClassDraws {
    /// CPU demand of the work.
    pub service: Sampler,
    /// Its stream.
    pub service_rng: StreamRng,
    /// I/O time of the work, if the class does I/O.
    pub io: Option<(Sampler, StreamRng)>,
}

/// A request a client is about to send.
#[derive(Clone, Copy, Debug)]
pub struct Outgoing {
    /// Listener (or TCP template) its session is connected to.
    pub listener: u16,
    /// Listener instance (or TCP).
    pub instance: u32,
    /// Class name index drawn from the mix.
    pub class: u16,
    /// Its work.
    pub demand: Demand,
    /// It opens its connection.
    pub opens: bool,
    /// It closes its connection.
    pub closes: bool,
    /// It comes from a Pathway/XM terminal (no LAN, no connection).
    pub terminal: bool,
    /// How long its client waits for the reply before abandoning it (none: for ever).
    pub patience: Option<SimDuration>,
}

/// The client population at run time.
#[derive(Debug)]
pub struct Clients {
    /// Who the clients are.
    pub population: Population,
    /// The listener TCP/IP clients connect to (none for Pathway/XM).
    pub target: Option<usize>,
    /// Requests per TCP connection.
    pub requests_per_connection: u32,
    /// The class mix.
    pub mix: Mix,
    /// Its stream.
    pub mix_rng: StreamRng,
    /// Per class name: demand draws.
    pub draws: Vec<ClassDraws>,
    /// Stop after this many requests.
    pub max_requests: Option<u64>,
    /// The stream of closed clients' and terminals' first-request instants.
    pub start_rng: StreamRng,
    /// Client abandonment: the patience drawn for each request (streams
    /// `workload/abandon_after`, `xm/abandon_after`).
    pub patience: Option<(Sampler, StreamRng)>,
    /// What an abandoned request does (`abandon`).
    pub abandon: Abandon,
    /// Request and reply sizes, drawn per request (none: a test's clients send empty
    /// messages).
    pub sizes: Option<MessageSizes>,
    /// The requesters' retry policy (`workload.retry`; none: no retry). It draws nothing.
    pub retry: Option<Retry>,
    accepting: bool,
    sessions: Slab<Session, SessionId>,
}

impl Clients {
    /// A population that sends nothing until `start`.
    pub fn new(population: Population, mix_rng: StreamRng, start_rng: StreamRng) -> Self {
        Clients {
            start_rng,
            population,
            target: None,
            requests_per_connection: 1,
            mix: Mix::new(&[(0, 1.0)]),
            mix_rng,
            draws: Vec::new(),
            max_requests: None,
            patience: None,
            abandon: Abandon::Serve,
            sizes: None,
            retry: None,
            accepting: true,
            sessions: Slab::default(),
        }
    }

    /// True until the arrival window is over.
    pub fn accepting(&self) -> bool {
        self.accepting
    }

    /// Schedules the first arrival, or each closed client's first request.
    pub fn start(&mut self, ctx: &mut Ctx) {
        match &mut self.population {
            Population::Open { .. } => {
                ctx.sched
                    .schedule_in_unkeyed(SimDuration::ZERO, Event::SessionArrives);
            }
            Population::Varying { .. } => self.schedule_next_arrival(ctx),
            Population::Closed {
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
                for client in 0..*clients {
                    let first = match start {
                        ClientStart::Stationary => forward_recurrence(&biased, &mut self.start_rng),
                        ClientStart::AfterThink => think.sample(rng),
                    };
                    let id = self.sessions.insert(Session {
                        listener: self.target.expect("a closed workload has a listener") as u16,
                        instance: 0,
                        remaining: 0,
                        client: Some(client),
                    });
                    ctx.sched.schedule_in_unkeyed(first, Event::ThinkDone(id));
                }
            }
            Population::Terminals { terms, .. } => {
                // Terminals are attached to their TCP for the whole run (no connections), and
                // start at their stationary forward-recurrence time like closed clients.
                for (term, (listener, tcp, think)) in terms.iter().enumerate() {
                    let first = forward_recurrence(&think.length_biased(), &mut self.start_rng);
                    let id = self.sessions.insert(Session {
                        listener: *listener,
                        instance: *tcp,
                        remaining: u32::MAX,
                        client: Some(term as u32),
                    });
                    ctx.sched.schedule_in_unkeyed(first, Event::ThinkDone(id));
                }
            }
        }
    }

    /// Open workload: a session arrives; returns it, or none after the arrival window.
    pub fn session_arrives(&mut self) -> Option<SessionId> {
        if !self.accepting {
            return None;
        }
        Some(self.sessions.insert(Session {
            listener: self.target.expect("an open workload has a listener") as u16,
            instance: 0,
            remaining: 0,
            client: None,
        }))
    }

    /// Open workload: schedules the next session's arrival.
    pub fn schedule_next_arrival(&mut self, ctx: &mut Ctx) {
        if let Population::Open { interarrival, rng } = &mut self.population {
            // Sessions carry N = `requests_per_connection` requests each, so they arrive N
            // times less often: one inter-arrival sample per session, scaled by N, keeps the
            // offered request rate at 1 / mean(inter-arrival) and the law's shape (with
            // `rate`, exponential gaps: Poisson sessions).
            let gap = interarrival.sample(rng);
            let gap = SimDuration(
                gap.as_nanos()
                    .saturating_mul(u64::from(self.requests_per_connection)),
            );
            ctx.sched.schedule_in_unkeyed(gap, Event::SessionArrives);
        } else if let Population::Varying { process, rng } = &mut self.population
            && let Some(at) = process.next(self.requests_per_connection, rng)
        {
            let at = SimTime(at).max(ctx.sched.now());
            ctx.sched.schedule_at_unkeyed(at, Event::SessionArrives);
        }
    }

    /// Time-varying arrivals: the configured (expected) request rate per sample interval of
    /// `[0, horizon)` [requests/s]; none for other populations.
    pub fn configured_series(&mut self, horizon: SimTime, width: SimDuration) -> Option<Vec<f64>> {
        let Population::Varying { process, .. } = &mut self.population else {
            return None;
        };
        let per_s = 1e9 / width.as_nanos() as f64;
        Some(
            process
                .configured_mass(horizon, width, self.requests_per_connection)
                .into_iter()
                .map(|m| m * per_s)
                .collect(),
        )
    }

    /// The session's next request: opens a connection (picking the listener instance) if it
    /// has none, draws the class and the work. None once arrivals have stopped (the session
    /// ends).
    pub fn next_request(&mut self, id: SessionId, listeners: &mut Listeners) -> Option<Outgoing> {
        if !self.accepting {
            self.end_session(id);
            return None;
        }
        let session = self.sessions.get_mut(id);
        let terminal = session.remaining == u32::MAX;
        let opens = session.remaining == 0;
        if opens {
            session.remaining = self.requests_per_connection;
            session.instance = listeners.list[session.listener as usize].round_robin();
        }
        let closes = session.remaining == 1;
        let (listener, instance) = (session.listener, session.instance);
        let class = self.mix.pick(&mut self.mix_rng);
        let d = &mut self.draws[class as usize];
        let service = d.service.sample(&mut d.service_rng);
        let io = match &mut d.io {
            Some((sampler, rng)) => sampler.sample(rng),
            None => SimDuration::ZERO,
        };
        let patience = self.patience.as_mut().map(|(s, rng)| s.sample(rng));
        Some(Outgoing {
            listener,
            instance,
            class,
            demand: Demand { service, io },
            opens,
            closes,
            terminal,
            patience,
        })
    }

    /// A request was offered at `now` (`admitted`: over a connection it already has): counts
    /// it, and stops arrivals at `max_requests`.
    pub fn offered(&mut self, now: SimTime, admitted: bool, rec: &mut Recorder) {
        rec.offered(now);
        if admitted {
            rec.admitted(now);
        }
        if self.max_requests.is_some_and(|m| rec.counts.offered >= m) {
            self.stop_arrivals(now, rec);
        }
    }

    /// CIP: the connections of the sessions for which `lost(session)` holds are gone (the
    /// CLIM carrying them failed) while no request of theirs is in flight [I]: each one's
    /// next request opens a new connection. Returns how many were lost.
    pub fn drop_connections(&mut self, lost: impl Fn(SessionId) -> bool) -> u64 {
        let ids: Vec<SessionId> = self
            .sessions
            .iter()
            .filter(|&(id, s)| s.remaining != 0 && s.remaining != u32::MAX && lost(id))
            .map(|(id, _)| id)
            .collect();
        for &id in &ids {
            self.sessions.get_mut(id).remaining = 0;
        }
        ids.len() as u64
    }

    /// A SYN is retransmitted: under the parallel stack it is a new incoming connection to
    /// the round-robin filter, so it may reach another instance. Returns the instance.
    pub fn reconnect(&mut self, id: SessionId, listeners: &mut Listeners) -> u32 {
        let session = self.sessions.get_mut(id);
        session.instance = listeners.list[session.listener as usize].round_robin();
        session.instance
    }

    /// Clients send nothing new from `now` on; the measurement window ends here.
    pub fn stop_arrivals(&mut self, now: SimTime, rec: &mut Recorder) {
        self.accepting = false;
        rec.stop_arrivals(now);
    }

    fn end_session(&mut self, id: SessionId) {
        if self.sessions.get(id).client.is_none() {
            self.sessions.remove(id);
        }
        // A closed-loop terminal keeps its session slot; it simply stops sending.
    }

    /// The client has its reply (or its error): it thinks (scheduled here), ends, or sends
    /// its next request at once (returns true: the node sends it).
    pub fn after_request(&mut self, id: SessionId, failed: bool, ctx: &mut Ctx) -> bool {
        let session = self.sessions.get_mut(id);
        if session.remaining != u32::MAX {
            // A failed request ends its connection; a terminal has none to end.
            session.remaining = if failed { 0 } else { session.remaining - 1 };
        }
        match (&mut self.population, session.client) {
            (Population::Closed { think, rng, .. }, Some(_)) => {
                let t = think.sample(rng);
                ctx.sched.schedule_in_unkeyed(t, Event::ThinkDone(id));
                false
            }
            (Population::Terminals { terms, rng, .. }, Some(term)) => {
                let t = terms[term as usize].2.sample(rng);
                ctx.sched.schedule_in_unkeyed(t, Event::ThinkDone(id));
                false
            }
            _ => {
                if session.remaining > 0 {
                    true
                } else {
                    self.sessions.remove(id);
                    false
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{RngStreams, Scheduler};
    use crate::model::listener::Listener;
    use crate::scenario::ListenerModel;

    fn listeners(n: u32) -> Listeners {
        let instances = (0..n)
            .map(crate::model::listener::tests::instance)
            .collect();
        let mut ls = Listeners::default();
        ls.list.push(Listener::new(
            ListenerModel::Parallel,
            instances,
            SimDuration::ZERO,
            SimDuration::ZERO,
        ));
        ls
    }

    fn open_clients(per_connection: u32) -> Clients {
        let streams = RngStreams::new(7);
        let mut c = Clients::new(
            Population::Open {
                interarrival: Sampler::Constant(SimDuration::from_micros(100)),
                rng: streams.stream("a"),
            },
            streams.stream("m"),
            streams.stream("st"),
        );
        c.target = Some(0);
        c.requests_per_connection = per_connection;
        c.draws.push(ClassDraws {
            service: Sampler::Constant(SimDuration::from_micros(300)),
            service_rng: streams.stream("s"),
            io: None,
        });
        c
    }

    #[test]
    fn a_session_carries_its_requests_over_one_connection() {
        let mut c = open_clients(3);
        let mut ls = listeners(2);
        let mut s = Scheduler::new();
        let mut rec = Recorder::new(SimTime(0), SimTime(1000), SimDuration(10), 1);
        let id = c.session_arrives().expect("accepting");
        let mut flags = vec![];
        loop {
            let out = c.next_request(id, &mut ls).expect("accepting");
            assert_eq!(out.demand.service.as_nanos(), 300_000);
            flags.push((out.instance, out.opens, out.closes));
            let mut ctx = Ctx {
                sched: &mut s,
                rec: &mut rec,
            };
            if !c.after_request(id, false, &mut ctx) {
                break;
            }
        }
        assert_eq!(
            flags,
            vec![(0, true, false), (0, false, false), (0, false, true)]
        );
        // The next session's connection goes to the next instance.
        let id = c.session_arrives().expect("accepting");
        assert_eq!(c.next_request(id, &mut ls).map(|o| o.instance), Some(1));
    }

    #[test]
    fn sessions_of_n_requests_arrive_n_times_less_often() {
        let mut c = open_clients(4);
        let mut s = Scheduler::new();
        let mut rec = Recorder::new(SimTime(0), SimTime(1000), SimDuration(10), 1);
        let mut ctx = Ctx {
            sched: &mut s,
            rec: &mut rec,
        };
        c.schedule_next_arrival(&mut ctx);
        // Four 100 us gaps: the request rate stays one per 100 us.
        struct At(Vec<u64>);
        impl crate::engine::Model for At {
            type Event = Event;
            fn handle(&mut self, _: Event, s: &mut Scheduler<Event>) {
                self.0.push(s.now().as_nanos());
            }
        }
        let mut at = At(vec![]);
        crate::engine::run_until(&mut at, &mut s, SimTime::MAX);
        assert_eq!(at.0, vec![400_000]);
    }

    #[test]
    fn max_requests_stops_arrivals() {
        let mut c = open_clients(1);
        c.max_requests = Some(2);
        let mut rec = Recorder::new(SimTime(0), SimTime(1000), SimDuration(10), 1);
        c.offered(SimTime(1), false, &mut rec);
        assert!(c.accepting());
        c.offered(SimTime(2), false, &mut rec);
        assert!(!c.accepting());
        assert!(c.session_arrives().is_none());
    }
}
