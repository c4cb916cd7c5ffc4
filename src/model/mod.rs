//! One NonStop node ([`Node`]) and everything the engine can deliver to it ([`Event`]).
//!
//! The node is a set of subsystems named after NonStop's nouns, each in its own file, behind
//! its own fields, and owning its whole life cycle: it is built from the scenario, changed
//! only by its own methods, and reports its own results. Where a processor failure means
//! something to it today, it says what (`fail`, `held_in`); the fault model asks each one.
//!
//! | subsystem | file | owns | build | results | life cycle |
//! | --- | --- | --- | --- | --- | --- |
//! | [`processor::Cpus`] | `processor.rs` | processors, processes, run queues, bursts, busy time, health, pairs | `Cpus::build` | `results` (CPU conservation) | `fail`, `take_over`, `kill`, `restart`, `reload` |
//! | message system | `message_system.rs` | IPC hops and their latency | the scenario's costs | none | none (stateless) |
//! | [`lan::Lan`] | `lan.rs` | adapter ports (PIFs), IP hosts, the client wire | `Lan::build` | `results` | `fail`, `detected`, `repaired` (failover) |
//! | TCP/IP | `tcpip.rs` | protocol costs, SYN retransmission, endpoints, `$ZTCn` pairs | `spawn_processes` | none | its processes are `Cpus`' |
//! | `clim::Clims` | `clim.rs` | CIP's CLIMs: a processor each, a stack process per core, their ports | `Clims::build` | `clims` (their processors' busy time) | `clim_failover.rs` |
//! | [`listener::Listeners`] | `listener.rs` | distributors, parallel listeners, TCPs, backlogs, paths | `build`, `build_tcps`, `build_paths` | `results` | none yet |
//! | [`pathway::Pathway`] | `pathway/` | PATHMONs, classes, servers, links, link managers, ACS | `parts`, `assemble`, `start` | `results` | `held_in` |
//! | [`clients::Clients`] | `clients.rs` | client sessions, arrivals, think times, draws | in `build.rs` | the recorder | none (outside the node) |
//! | [`request::Requests`] | `request.rs` | requests in flight, where each one is and its pending event | empty | conservation in `observe.rs` | `Location::pending` |
//!
//! Faults: `fault.rs` turns a scenario's `[[fault]]` entries into their timeline (failure,
//! detection, takeover, reload; detection drawn from the stream `faults`), and `failure.rs`
//! drives each instant through the subsystems' life-cycle verbs (`Cpus::fail`, `take_over`,
//! `reload`; `Pathway::take_requests_in`, `abort_send`, `fail`, `reload`; the listeners'
//! round-robin filter). `kill.rs` does the same for a `process_kill`: one process dies while
//! its processor runs on (`Cpus::kill`, `kill_primary`; `Pathway::kill_server`), and
//! `failover.rs` for a PIF's failure and repair (the LAN's `fail`, `detected`, `repaired`;
//! lost frames sent again), and `clim_failover.rs` for a CLIM's (CIP: its processor and
//! ports fail, its addresses fail over to other CLIMs, its TCP connections are lost). A run without faults schedules no fault event. `retry.rs` is the
//! requesters' retry policy: what a fault failed may be reissued instead of failing.
//!
//! A request's path is data: `itinerary.rs` builds each listener instance's legs once
//! (LAN, CPU bursts, hops, Pathsend, server work, I/O, wire) and `path.rs` interprets them,
//! skipping the legs that cost nothing. `explain.rs` prints the same legs and their bounds.
//!
//! A subsystem changes only itself; it reaches the world through a narrow [`Ctx`] (the
//! scheduler and the recorder) and returns what the node must do next (`Work` after a burst,
//! the requests a Pathsend error failed, the session to continue). Every event a failure may
//! have to cancel is scheduled keyed and its key kept where its owner finds it (a request's
//! `Location`, a process's running burst, a link being granted, the timers); events never
//! cancelled are scheduled `unkeyed`, by name. This file holds the event enum and the one
//! dispatch `match`; `build.rs` wires a scenario into a node by asking each subsystem to build
//! itself, and `observe.rs` turns the node into [`RunResults`] by asking each for its results,
//! after the request conservation checks.
//! Components live in `Vec`s and slabs and refer to each other by typed id (`ids.rs`): no
//! shared ownership, no trait objects, no allocation per event once the run has reached its
//! largest population (a PATHMON creating a server process is the one exception).

mod build;
mod clients;
mod clim;
mod clim_failover;
mod divergence;
mod explain;
mod failover;
mod failure;
pub mod fault;
mod ids;
mod itinerary;
mod kill;
mod lan;
pub mod lcs_control;
mod lcs_kill;
mod listener;
mod message_system;
mod observe;
mod path;
mod pathway;
pub mod pathway_xm;
pub mod process_broker;
mod processor;
mod request;
mod retry;
mod tcpip;
mod trace;
mod workload;

use std::collections::VecDeque;
use std::time::Instant;

use crate::engine::{self, Model, Scheduler, SimDuration, SimTime};
use crate::stats::{Recorder, RunResults};

use clients::Clients;
pub use ids::{LinkId, RequestId, SessionId};
use lan::Lan;
use listener::Listeners;
use pathway::Pathway;
use processor::{Cpus, Work};
use request::Requests;

pub use divergence::{Described, Divergence, diverge};
pub use explain::{
    Down, Explanation, LegLine, ResourceDemand, ResourceKind, RoutePath, Target, explain,
    explain_down, without,
};
pub use ids::{ProcessId, ProcessorId};
pub use observe::thousands;
pub use processor::ProcessKind;
pub use request::Location;

/// Runs a validated scenario to the end and returns its results ([`simulate_stepped`] with
/// nothing to call: stepping by sample interval changes no event and no byte).
///
/// Panics if an invariant is violated (conservation of requests, time order): such a failure
/// is a bug in the simulator, never a property of the input.
pub fn simulate(scenario: &crate::scenario::Scenario) -> RunResults {
    simulate_stepped(scenario, &mut |_| {})
}

/// [`simulate`], calling `advanced(t)` each time the run has reached virtual time `t`: at the
/// end of every sample interval (`run.sample_interval`, so at most 10,000 calls) and at the
/// end. For a progress bar: nothing runs per event, and the events and their order are
/// exactly those of one uninterrupted run to the horizon ([`simulate_recorded`]'s), because the engine stops at a step's end only between events (an
/// event at the step's end runs before it stops) and the next step resumes where it stopped.
pub fn simulate_stepped(
    scenario: &crate::scenario::Scenario,
    advanced: &mut dyn FnMut(SimTime),
) -> RunResults {
    let mut node = Node::build(scenario);
    let mut sched = Scheduler::new();
    node.start(&mut sched);
    let horizon = SimTime::ZERO
        .saturating_add(scenario.run.duration)
        .saturating_add(scenario.run.drain);
    let step = scenario.run.sample_interval.max(SimDuration::from_nanos(1));
    let wall = Instant::now();
    let (mut events, mut until) = (0, SimTime::ZERO);
    loop {
        until = until.saturating_add(step).min(horizon);
        events += engine::run_until(&mut node, &mut sched, until);
        advanced(until);
        // As one run_until to the horizon would: stop at the horizon, when nothing is
        // pending, or when the model says it has finished.
        if until >= horizon || sched.pending() == 0 || node.finished() {
            break;
        }
    }
    node.finish(sched.now());
    let wall_s = wall.elapsed().as_secs_f64();
    node.results(sched.now(), events, wall_s)
}

/// What to record about a run besides its results (all off by default).
#[derive(Default)]
pub struct Recording {
    /// Write a request trace here, following every n-th request (see `trace.rs`).
    pub trace: Option<(Box<dyn std::io::Write + Send>, u64)>,
    /// Fingerprint the event trajectory.
    pub trajectory: bool,
    /// Describe the events numbered `after + 1 ..= before` (counting from 1), to show where
    /// two trajectories part.
    pub window: Option<(u64, u64)>,
}

/// What a [`Recording`] recorded.
#[derive(Debug)]
pub struct Recorded {
    /// The trajectory's fingerprint and checkpoints, if asked for.
    pub trajectory: Option<engine::Trajectory>,
    /// The described events: number, time, the event.
    pub window: Vec<(u64, SimTime, String)>,
    /// Lines written to the request trace (its header included).
    pub trace_lines: u64,
}

/// [`simulate`], recording what `recording` asks for. The error is the request trace's
/// first write error.
pub fn simulate_recorded(
    scenario: &crate::scenario::Scenario,
    recording: Recording,
) -> std::io::Result<(RunResults, Recorded)> {
    let mut node = Node::build(scenario);
    node.trace = recording
        .trace
        .map(|(out, every)| Box::new(trace::RequestTrace::new(out, every)));
    let mut sched = Scheduler::new();
    node.start(&mut sched);
    let horizon = SimTime::ZERO
        .saturating_add(scenario.run.duration)
        .saturating_add(scenario.run.drain);
    let wall = Instant::now();
    let mut trajectory = engine::Trajectory::new(engine::Trajectory::EVERY);
    let mut window = Vec::new();
    let (after, before) = recording.window.unwrap_or((u64::MAX, 0));
    let mut n = 0u64;
    let events = engine::run_observed(&mut node, &mut sched, horizon, |at, e| {
        n += 1;
        if recording.trajectory {
            trajectory.observe(at, e);
        }
        if n > after && n <= before {
            window.push((n, at, format!("{e:?}")));
        }
    });
    node.finish(sched.now());
    let wall_s = wall.elapsed().as_secs_f64();
    let trace_lines = match node.trace.as_mut() {
        Some(t) => {
            t.finish()?;
            t.lines
        }
        None => 0,
    };
    let recorded = Recorded {
        trajectory: recording.trajectory.then_some(trajectory),
        window,
        trace_lines,
    };
    Ok((node.results(sched.now(), events, wall_s), recorded))
}

/// Everything the engine can deliver.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Event {
    /// Open workload: a new client session arrives.
    SessionArrives,
    /// Closed workload: a client's think time is over.
    ThinkDone(SessionId),
    /// The request's current leg has ended (a wire, frame, hop or I/O time has passed).
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
    /// CREATEDELAY passed at a link manager with requests still waiting (cancelled when
    /// the wait ends early).
    CreateDelay {
        /// Link manager.
        lm: u32,
    },
    /// DELETEDELAY passed for an idle link to a dynamic server (cancelled when it is used).
    DeleteDelay(LinkId),
    /// A server class TIMEOUT for a send (cancelled when the server replies).
    Timeout(RequestId),
    /// Record servers and links over time.
    Sample,
    /// A Pathsend call timeout for a send (cancelled when the send ends). After the older
    /// events, so that the trajectory hashes of runs without one keep their event codes.
    SendTimeout(RequestId),
    /// A client's patience for its request is over: it abandons it (cancelled when the
    /// client has its reply or error). Last, for the same reason.
    Abandon(RequestId),
    /// The next instant of fault `index`'s timeline (`fault.rs`): failure, detection,
    /// takeover, reload, up. After the older events, for the same reason.
    Fault {
        /// The fault, in the timeline's order.
        index: u16,
        /// Which instant.
        phase: fault::Phase,
    },
    /// AUTORESTART has created a static server's new process (index in Pathway's servers).
    ServerRestarted(u32),
    /// TCP sends again a frame of the request lost at a failed adapter port (`failover.rs`).
    Retransmit(RequestId),
    /// A retry policy's backoff is over: the requester reissues the request (`retry.rs`).
    /// Last, so that adding it left every trajectory hash as it was.
    Reissue(RequestId),
    /// A request's message reached its Pathway/XM LCS (`pathway/lcs.rs`). After the older
    /// events, for the same reason.
    LcsArrive(RequestId),
    /// A server the process broker placed for an LCS runs (index in Pathway's servers).
    LcsServerReady(u32),
    /// An LCS's reservation of a server (index in Pathway's servers) expires.
    ReservationExpired(u32),
    /// The link managers' I/O timeout on a lost PATHMON (its index) has passed
    /// (`pathway/fail.rs`). Last, for the same reason.
    PathmonIoTimeout(u32),
    /// `rebalance = "manual"`: the operator's command to move servers back to reloaded
    /// processor `cpu`, charged to reload fault `fault` (`failure.rs`). Last, likewise.
    Rebalance {
        /// The reloaded processor.
        cpu: u16,
        /// The reload's fault.
        fault: u16,
    },
}

// An event with its time fits in 24 bytes: the queue moves one per push and per pop (issue 18
// item 4). A payload added to `Event` that breaks this is worth a second thought.
const _: () = assert!(std::mem::size_of::<engine::Scheduled<Event>>() <= 24);

/// What a subsystem may do to the world while it handles its part of an event: read the
/// clock, schedule events (DSLab's `ctx`), and feed the statistics.
pub struct Ctx<'a> {
    /// The engine's scheduler.
    pub sched: &'a mut Scheduler<Event>,
    /// The run's statistics.
    pub rec: &'a mut Recorder,
}

impl Ctx<'_> {
    /// The current virtual time.
    pub fn now(&self) -> SimTime {
        self.sched.now()
    }
}

/// Identity and timing of a run, for results and failure messages.
#[derive(Debug)]
struct RunInfo {
    name: String,
    seed: u64,
    warmup_requests: Option<u64>,
    end: SimTime,
    sample_interval: SimDuration,
    /// `run.max_in_flight`: more requests than this in the node stop the run.
    max_in_flight: usize,
}

/// One NonStop node and its clients at run time.
#[derive(Debug)]
pub struct Node {
    run: RunInfo,
    /// When the run stopped early because requests in flight passed `run.max_in_flight`
    /// (set by `send_next`; the engine stops at the next `finished`).
    stopped: Option<SimTime>,
    cpus: Cpus,
    ipc: crate::scenario::MessageSystem,
    stack: crate::scenario::TcpIp,
    lan: Lan,
    /// CIP's CLIMs (none under the other stacks).
    clims: clim::Clims,
    listeners: Listeners,
    pathway: Pathway,
    clients: Clients,
    requests: Requests,
    rec: Recorder,
    /// Pathway/XM's plan and names, if the scenario uses it.
    xm: Option<observe::XmInfo>,
    /// Requests a Pathsend error (902, 905, 915, 916, 918 while queued, 923 to 925, 947)
    /// has just failed, each with its error; finished by the node at once.
    failed: VecDeque<(RequestId, pathway::SendError)>,
    /// Requests whose leg a subsystem ended without an event; moved on by the node at once.
    ready: VecDeque<RequestId>,
    /// The request trace, when one is written.
    trace: Option<Box<trace::RequestTrace>>,
    /// The faults' timeline and state (`failure.rs` drives it).
    faults: fault::Runtime,
}

impl Model for Node {
    type Event = Event;

    fn handle(&mut self, event: Event, s: &mut Scheduler<Event>) {
        match event {
            Event::SessionArrives => self.session_arrives(s),
            Event::ThinkDone(session) => self.send_next(session, s),
            Event::Step(r) => self.advance(r, s),
            Event::BurstDone(p) => {
                let mut ctx = Ctx {
                    sched: s,
                    rec: &mut self.rec,
                };
                match self.cpus.burst_done(p, &mut ctx) {
                    // The LCS's receive or send for a request it forwards.
                    Work::Request(r)
                        if matches!(self.requests.get(r).at, request::Location::Lcs { .. }) =>
                    {
                        let mut pw = self.pathway_at(s);
                        pw.pathway.lcs_burst_done(r, &mut pw.x);
                    }
                    Work::Request(r) => self.advance(r, s),
                    Work::Grant(link) => {
                        let mut pw = self.pathway_at(s);
                        pw.pathway.grant_done(link, &mut pw.x);
                    }
                }
            }
            Event::SynRetry(r) => self.syn_retry(r, s),
            Event::Reissue(r) => self.reissue(r, s),
            Event::StopArrivals => self.clients.stop_arrivals(s.now(), &mut self.rec),
            Event::GrantAtPathmon(link) => {
                let mut pw = self.pathway_at(s);
                pw.pathway.grant_at_pathmon(link, &mut pw.x);
            }
            Event::ServerCreated(link) => {
                let mut pw = self.pathway_at(s);
                pw.pathway.server_created(link, &mut pw.x);
            }
            Event::LinkReady(link) => {
                let mut pw = self.pathway_at(s);
                pw.pathway.link_ready(link, &mut pw.x);
            }
            Event::CreateDelay { lm } => {
                let mut pw = self.pathway_at(s);
                pw.pathway.createdelay_expired(lm as usize, &mut pw.x);
            }
            Event::DeleteDelay(link) => {
                let mut pw = self.pathway_at(s);
                pw.pathway.deletedelay_expired(link, &mut pw.x);
            }
            Event::Timeout(r) => {
                let mut pw = self.pathway_at(s);
                pw.pathway.timeout_expired(r, &mut pw.x);
                // TIMEOUT is an I/O timeout: file-system error 40 (faults.md part B).
                self.failed_at_server(r, pathway::SendError::new(904, 40), s);
            }
            Event::SendTimeout(r) => {
                // On a link it fails at its server, like a TIMEOUT; a queued send fails
                // instead and is finished with the other failures.
                let on_link = self.requests.get(r).send.link.is_some();
                let mut pw = self.pathway_at(s);
                pw.pathway.send_timeout_expired(r, &mut pw.x);
                if on_link {
                    self.failed_at_server(r, pathway::SendError::new(918, 40), s);
                }
            }
            Event::Abandon(r) => self.abandon(r, s),
            Event::Fault { index, phase } => self.fault(index as usize, phase, s),
            Event::ServerRestarted(server) => self.server_restarted(server, s),
            Event::Retransmit(r) => self.retransmit(r, s),
            Event::PathmonIoTimeout(pm) => self.pathmon_io_timeout(pm, s),
            Event::Rebalance { cpu, fault } => {
                self.rebalance(usize::from(fault), ProcessorId(u32::from(cpu)), s);
            }
            Event::Sample => self.sample(s),
            Event::LcsArrive(r) => {
                let mut pw = self.pathway_at(s);
                pw.pathway.lcs_arrived(r, &mut pw.x);
            }
            Event::LcsServerReady(server) => {
                let mut pw = self.pathway_at(s);
                pw.pathway.lcs_server_ready(server as usize, &mut pw.x);
            }
            Event::ReservationExpired(server) => {
                let mut pw = self.pathway_at(s);
                pw.pathway.reservation_expired(server as usize, &mut pw.x);
            }
        }
        self.settle(s);
    }

    /// Arrivals have stopped and every request has left: nothing more can happen. Or the
    /// requests in flight passed `run.max_in_flight`: the run stops, incomplete.
    fn finished(&self) -> bool {
        (!self.clients.accepting() && self.requests.is_empty()) || self.stopped.is_some()
    }
}
