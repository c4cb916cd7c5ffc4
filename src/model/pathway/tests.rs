//! Pathsend driven by the engine, without a scenario file: a Pathway assembled from parts, its
//! processes in a bare `Cpus`, and a bench that plays the node's part (a request at its server
//! is served and replied to at once, a failed one leaves). Each test works its timeline out.

use std::collections::VecDeque;

use crate::engine::{Model, Scheduler, SimDuration, SimTime, run_until};
use crate::scenario::{Dist, MessageSystem, ServerClass};
use crate::stats::Recorder;

use super::super::ids::{ProcessId, ProcessorId, RequestId, SessionId};
use super::super::processor::{Cpus, ProcessKind, Work};
use super::super::request::{Conn, Demand, Location, Request, Requests, Send};
use super::super::{Ctx, Event};
use super::build::{Parts, PathmonSpec, Target};
use super::limits::Limits;
use super::{Held, Pathway, PwCtx};

fn us(n: u64) -> SimDuration {
    SimDuration::from_micros(n)
}

/// The node's part around Pathway: what happened to each request, and when [us].
struct Bench {
    pw: Pathway,
    cpus: Cpus,
    ipc: MessageSystem,
    requests: Requests,
    rec: Recorder,
    failed: VecDeque<(RequestId, super::SendError)>,
    ready: VecDeque<RequestId>,
    log: Vec<(u64, RequestId, &'static str)>,
}

/// Runs `f` on Pathway with its context.
fn with<T>(
    b: &mut Bench,
    s: &mut Scheduler<Event>,
    f: impl FnOnce(&mut Pathway, &mut PwCtx) -> T,
) -> T {
    let mut x = PwCtx {
        ctx: Ctx {
            sched: s,
            rec: &mut b.rec,
        },
        cpus: &mut b.cpus,
        ipc: &b.ipc,
        requests: &mut b.requests,
        failed: &mut b.failed,
        ready: &mut b.ready,
    };
    f(&mut b.pw, &mut x)
}

impl Model for Bench {
    type Event = Event;
    fn handle(&mut self, e: Event, s: &mut Scheduler<Event>) {
        let now = s.now().as_nanos() / 1000;
        match e {
            Event::GrantAtPathmon(l) => with(self, s, |pw, x| pw.grant_at_pathmon(l, x)),
            Event::ServerCreated(l) => with(self, s, |pw, x| pw.server_created(l, x)),
            Event::LinkReady(l) => with(self, s, |pw, x| pw.link_ready(l, x)),
            Event::CreateDelay { lm } => {
                with(self, s, |pw, x| pw.createdelay_expired(lm as usize, x))
            }
            Event::DeleteDelay(l) => with(self, s, |pw, x| pw.deletedelay_expired(l, x)),
            Event::LcsArrive(r) => with(self, s, |pw, x| pw.lcs_arrived(r, x)),
            Event::LcsServerReady(sv) => {
                with(self, s, |pw, x| pw.lcs_server_ready(sv as usize, x));
            }
            Event::ReservationExpired(sv) => {
                with(self, s, |pw, x| pw.reservation_expired(sv as usize, x));
            }
            Event::ServerRestarted(sv) => {
                with(self, s, |pw, x| pw.server_restarted(sv as usize, x));
            }
            // The hop to the server has arrived.
            Event::Step(r) => with(self, s, |pw, x| pw.server_receive(r, x)),
            Event::Timeout(r) => {
                with(self, s, |pw, x| pw.timeout_expired(r, x));
                self.log.push((now, r, "904"));
            }
            Event::BurstDone(p) => {
                let mut ctx = Ctx {
                    sched: s,
                    rec: &mut self.rec,
                };
                match self.cpus.burst_done(p, &mut ctx) {
                    Work::Grant(l) => with(self, s, |pw, x| pw.grant_done(l, x)),
                    Work::Request(r) => {
                        // Served: the reply is sent and the request leaves.
                        let (server, discarded) = with(self, s, |pw, x| pw.reply_sent(r, x));
                        self.log
                            .push((now, r, if discarded { "discarded" } else { "replied" }));
                        self.requests.remove(r);
                        with(self, s, |pw, x| pw.start_service(server, x));
                    }
                }
            }
            other => unreachable!("not a Pathway event: {other:?}"),
        }
        while let Some((r, _)) = self.failed.pop_front() {
            self.log.push((now, r, "failed"));
            self.requests.remove(r);
        }
        assert!(
            self.ready.is_empty(),
            "every hop and service here takes time"
        );
    }
}

/// One class `A` of PATHMON `$PM` (processor 0, backup 1): `numstatic` of `maxservers`
/// servers in processor 1, MAXLINKS 1, CREATEDELAY 1 ms, DELETEDELAY 10 ms, 100 us
/// process creation... Two processors of one core; messages take 5 us in a processor and 10 us
/// between two, and cost no CPU; a grant costs 20 us of PATHMON CPU; creating a server 2 ms.
fn bench(maxservers: u32, numstatic: u32, timeout: Option<SimDuration>) -> (Bench, ProcessId) {
    bench_links(maxservers, numstatic, timeout, 1, 1)
}

/// [`bench`] with MAXLINKS and LINKDEPTH.
fn bench_links(
    maxservers: u32,
    numstatic: u32,
    timeout: Option<SimDuration>,
    maxlinks: u32,
    linkdepth: u32,
) -> (Bench, ProcessId) {
    let class = ServerClass {
        name: "A".into(),
        pathmon: 0,
        maxservers,
        numstatic,
        maxlinks: Some(maxlinks),
        linkdepth,
        createdelay: SimDuration::from_millis(1),
        deletedelay: SimDuration::from_millis(10),
        timeout,
        cpus: vec![1],
        autorestart: 0,
        service: Dist::Constant(us(100)),
        io: None,
        priority: 150,
    };
    let parts = Parts {
        pathmons: vec![PathmonSpec {
            name: "$PM".into(),
            processor: 0,
            backup: Some(1),
            priority: 180,
            process_creation: SimDuration::from_millis(2),
            grant_cpu: us(20),
        }],
        classes: vec![class],
        targets: vec![Target {
            domain: None,
            members: vec![(0, 100.0)],
            balance: crate::scenario::Balance::Domain,
        }],
        any_local: false,
        processors: 2,
        limits: Limits::default(),
        call_timeout: None,
        seed: 0,
        lcs: None,
        pathmon_io_timeout: crate::engine::SimDuration::from_secs(300),
    };
    let mut cpus = Cpus::new(2, 1);
    let pw = Pathway::assemble(&parts, &mut cpus);
    let requester = cpus.spawn("$DIST-0".into(), ProcessKind::Distributor, 0, 170);
    let rec = Recorder::new(
        SimTime::ZERO,
        SimTime(1_000_000_000),
        SimDuration::from_millis(100),
        pw.class_instances(),
    );
    let mut b = Bench {
        pw,
        cpus,
        ipc: MessageSystem {
            cpu_per_message: SimDuration::ZERO,
            cpu_per_kib: SimDuration::ZERO,
            cpu_cross_processor_per_message: SimDuration::ZERO,
            cpu_cross_processor_per_kib: SimDuration::ZERO,
            latency_same_processor: us(5),
            latency_same_processor_per_kib: SimDuration::ZERO,
            latency_cross_processor: us(10),
            latency_cross_processor_per_kib: SimDuration::ZERO,
        },
        requests: Requests::default(),
        rec,
        failed: VecDeque::new(),
        ready: VecDeque::new(),
        log: Vec::new(),
    };
    b.pw.start(&b.rec);
    (b, requester)
}

/// The requester sends a request of `service` to class `A` now.
fn send(
    b: &mut Bench,
    s: &mut Scheduler<Event>,
    requester: ProcessId,
    service: SimDuration,
) -> RequestId {
    let r = b.requests.insert(Request {
        session: SessionId {
            slot: 0,
            generation: 0,
        },
        listener: 0,
        instance: 0,
        class: 0,
        leg: 0,
        at: Location::New,
        created: s.now(),
        attempt: 0,
        demand: Demand {
            service,
            io: SimDuration::ZERO,
        },
        bytes: [100, 100],
        pif: 0,
        conn: Conn {
            opens: false,
            closes: false,
            syn_attempts: 0,
        },
        hops: 0,
        send: Send {
            route: b.pw.route(0, 0, false),
            requester,
            link: None,
            server: None,
            served_by: None,
            queued_at: s.now(),
            queue_wait: SimDuration::ZERO,
            timeout: None,
            call_timeout: None,
            outstanding: false,
        },
        leg_started: s.now(),
        spent_ns: [0; 9],
        send_failed: false,
        client_gone: false,
        patience: None,
        lost: false,
    });
    with(b, s, |pw, x| pw.send(r, x));
    r
}

#[test]
fn a_send_gets_a_static_link_and_the_next_one_reuses_it() {
    // r1 at t 0: no link, so the link manager asks $PM for one: 5 us to $PM (same processor),
    // 20 us grant, 5 us back: the link opens at 30 us. r1 crosses to the server (10 us) and is
    // served 100 us: replied at 140 us. r2, sent at 0 too, waits: the only static server has
    // its MAXLINKS of 1, so it waits for CREATEDELAY (1 ms); the link frees first, at 140 us,
    // and carries r2 (CREATEDELAY is cancelled): 140 + 10 + 100 = 250 us.
    let (mut b, dist) = bench(2, 1, None);
    let mut s = Scheduler::new();
    let r1 = send(&mut b, &mut s, dist, us(100));
    let r2 = send(&mut b, &mut s, dist, us(100));
    run_until(&mut b, &mut s, SimTime::MAX);
    assert_eq!(b.log, vec![(140, r1, "replied"), (250, r2, "replied")]);
    let k = &b.pw.classes[0].stats;
    assert_eq!((k.links_granted, k.dynamic_created, k.requests), (1, 0, 2));
    // The static link stays; nothing is pending any more.
    assert_eq!(k.links_held.level(), 1);
    assert_eq!(s.pending(), 0);
}

#[test]
fn a_dynamic_server_is_created_once_a_request_has_waited_createdelay() {
    // r1 holds the static link from 30 us to 40 + 5,000 = 5,040 us. r2 waits CREATEDELAY: at
    // 1,000 us the link manager asks for a dynamic link (5 us to $PM, 20 us grant), the server
    // is created (2,000 us), the link opens 5 us later: 3,030 us; r2 reaches the new server at
    // 3,040 us, but that server is in processor 1 too, whose one core serves r1 until 5,040:
    // r2 is served 5,040 to 10,040 us. The dynamic link then idles until DELETEDELAY (10 ms)
    // and is returned, and its server deleted, at 20,040 us.
    let (mut b, dist) = bench(2, 1, None);
    let mut s = Scheduler::new();
    let r1 = send(&mut b, &mut s, dist, us(5_000));
    let r2 = send(&mut b, &mut s, dist, us(5_000));
    run_until(&mut b, &mut s, SimTime::MAX);
    assert_eq!(b.log, vec![(5_040, r1, "replied"), (10_040, r2, "replied")]);
    let k = &b.pw.classes[0].stats;
    assert_eq!(
        (k.links_granted, k.dynamic_created, k.dynamic_deleted),
        (2, 1, 1)
    );
    assert_eq!(s.now(), SimTime(20_040_000));
    assert_eq!(b.pw.running(0), (1, 0));
}

#[test]
fn with_no_server_to_link_to_a_send_fails_with_905() {
    let (mut b, dist) = bench(0, 0, None);
    let mut s = Scheduler::new();
    let r = send(&mut b, &mut s, dist, us(100));
    assert_eq!(
        b.failed,
        vec![(r, super::SendError::new(905, 0))],
        "failed at once, for the node to finish"
    );
    assert_eq!(b.pw.routes[0].errors_905, 1);
    let now = s.now();
    let e = b.pw.results(now, &b.rec, &b.cpus).pathsend_errors;
    assert_eq!((e.e905, e.e904), (1, 0));
}

#[test]
fn a_timeout_fails_the_send_with_904_and_returns_its_link_after_the_reply() {
    // r takes the link at 30 us with TIMEOUT 50 us: 904 at 80 us. Its server still serves it
    // (40 to 140 us); the reply is discarded and the link, doomed, returned to $PM.
    let (mut b, dist) = bench(1, 1, Some(us(50)));
    let mut s = Scheduler::new();
    let r = send(&mut b, &mut s, dist, us(100));
    run_until(&mut b, &mut s, SimTime::MAX);
    assert_eq!(b.log, vec![(80, r, "904"), (140, r, "discarded")]);
    let k = &b.pw.classes[0].stats;
    assert_eq!((k.errors_904, k.links_held.level()), (1, 0));
    assert!(b.pw.links.is_empty());
}

#[test]
fn a_timeout_returns_every_link_of_the_link_manager_to_that_server_after_current_io() {
    // Issue 16 item 1.3 (TSMP-SM page-136): one static server, MAXLINKS = LINKDEPTH = 3, so
    // the link manager asks for three links to it at once. $PM grants them one after the
    // other (20 us each, from 5 us): they open at 30, 50 and 70 us and carry r1, r2, r3,
    // which reach the server (10 us) at 40, 60, 80 us. The server serves them in turn:
    // r1 40-140, r2 140-240, r3 (10 us) 240-250. TIMEOUT 185 us: r2's expires at 235 (904),
    // r1 (110 us) and r3 (180 us) reply in time. At 235 the link manager returns all its
    // links to the server: r1's, idle since 140, at once; r2's and r3's, busy, when their
    // replies come (240, discarded; 250, delivered). Nothing is held at the end.
    let (mut b, dist) = bench_links(1, 1, Some(us(185)), 3, 3);
    let mut s = Scheduler::new();
    let r1 = send(&mut b, &mut s, dist, us(100));
    let r2 = send(&mut b, &mut s, dist, us(100));
    let r3 = send(&mut b, &mut s, dist, us(10));
    run_until(&mut b, &mut s, SimTime(236_000));
    assert_eq!(
        b.pw.classes[0].stats.links_held.level(),
        2,
        "the idle link went at once"
    );
    run_until(&mut b, &mut s, SimTime::MAX);
    assert_eq!(
        b.log,
        vec![
            (140, r1, "replied"),
            (235, r2, "904"),
            (240, r2, "discarded"),
            (250, r3, "replied"),
        ]
    );
    let k = &b.pw.classes[0].stats;
    assert_eq!((k.links_granted, k.errors_904), (3, 1));
    assert_eq!(k.links_held.level(), 0);
    assert!(b.pw.links.is_empty());
}

#[test]
fn held_in_lists_what_lived_in_a_processor() {
    // At 30 us the link from processor 0's link manager to the static server in processor 1
    // is open and carries r1; r2 waits at the link manager; $PM runs in processor 0.
    let (mut b, dist) = bench(2, 1, None);
    let mut s = Scheduler::new();
    let r1 = send(&mut b, &mut s, dist, us(100));
    let r2 = send(&mut b, &mut s, dist, us(100));
    run_until(&mut b, &mut s, SimTime(30_000));
    let link = b.requests.get(r1).send.link.expect("r1 has its link");
    assert_eq!(
        b.pw.held_in(ProcessorId(0), &b.cpus),
        Held {
            pathmons: vec![0],
            servers: vec![],
            link_managers: vec![0],
            links: vec![link],
            requests: vec![r2],
        }
    );
    // r1 is on its way to its server, not yet in its $RECEIVE queue.
    assert_eq!(
        b.pw.held_in(ProcessorId(1), &b.cpus),
        Held {
            pathmons: vec![],
            servers: vec![0],
            link_managers: vec![1],
            links: vec![link],
            requests: vec![],
        }
    );
}

#[test]
fn a_killed_server_fails_its_send_with_904_drops_its_link_and_autorestart_restarts_it_in_place() {
    // r1 takes the static link at 30 us and reaches the server (processor 1) at 40 us, where
    // its 100 us burst runs. The server process is killed at 100 us, the node's part done
    // here: its burst's request aborts (904, FS 201), its link goes, and AUTORESTART 1
    // restarts it after process_creation (2 ms), in processor 1 again (it is up): at 2,100 us.
    // r2, sent then (nothing else is pending), gets a new link (5 + 20 + 5 us), crosses
    // (10 us) and is served (100 us): 2,240 us.
    let (mut b, dist) = bench(1, 1, None);
    b.pw.classes[0].attrs.autorestart = 1;
    let mut s = Scheduler::new();
    let r1 = send(&mut b, &mut s, dist, us(100));
    run_until(&mut b, &mut s, SimTime(100_000));
    assert_eq!(s.now(), SimTime(100_000));
    let server = b.pw.servers[0].process;
    let p = b.pw.server_of(server).expect("a server");
    let mut ctx = Ctx {
        sched: &mut s,
        rec: &mut b.rec,
    };
    assert_eq!(b.cpus.kill(server, &mut ctx), vec![Work::Request(r1)]);
    assert!(b.pw.take_server_queue(p).is_empty());
    assert!(
        with(&mut b, &mut s, |pw, x| pw.abort_send(r1, x)),
        "at its server"
    );
    b.requests.remove(r1);
    let lost = with(&mut b, &mut s, |pw, x| pw.kill_server(p, x));
    assert_eq!(
        lost,
        super::Lost {
            servers: 1,
            links: 0,
            restarting: 1,
            not_restarted: 0
        },
        "r1's link was dropped with its send"
    );
    assert!(b.pw.links.is_empty());
    assert_eq!(b.pw.classes[0].stats.errors_904_fs201, 1);
    run_until(&mut b, &mut s, SimTime(3_000_000));
    assert_eq!(s.now(), SimTime(2_100_000), "the restart is the last event");
    assert_eq!(b.cpus.processor_of(server), ProcessorId(1));
    assert_eq!(b.pw.classes[0].stats.restarted, 1);
    let r2 = send(&mut b, &mut s, dist, us(100));
    run_until(&mut b, &mut s, SimTime::MAX);
    assert_eq!(b.log, vec![(2_240, r2, "replied")]);
    // A second kill within the 10-minute window exceeds AUTORESTART 1: not restarted.
    let mut ctx = Ctx {
        sched: &mut s,
        rec: &mut b.rec,
    };
    assert!(b.cpus.kill(server, &mut ctx).is_empty());
    let lost = with(&mut b, &mut s, |pw, x| pw.kill_server(p, x));
    assert_eq!((lost.servers, lost.links, lost.restarting), (1, 1, 0));
    assert_eq!(lost.not_restarted, 1);
    assert_eq!(b.pw.running(0), (0, 0));
}

/// Two Pathway/XM TCPs in processor 0, each a link manager with MAXSERVERPROCESSES `max`.
fn two_tcps(b: &mut Bench, max: u32) -> (ProcessId, ProcessId) {
    let mut spec = Vec::new();
    for name in ["$T0", "$T1"] {
        let process = b.cpus.spawn(name.into(), ProcessKind::Tcp, 0, 145);
        spec.push(super::TcpSpec {
            name: name.into(),
            process,
            cpu: 0,
            maxserverprocesses: max,
            target: 0,
        });
    }
    b.pw.add_tcps(&spec);
    (spec[0].process, spec[1].process)
}

#[test]
fn issue16_item6_two_tcps_in_one_processor_keep_their_own_links_and_limits() {
    // Two static servers of MAXLINKS 1 in processor 1; TCPs $T0 and $T1 in processor 0, each
    // with MAXSERVERPROCESSES 1 (their own limit; the processor's LINKMON has none here).
    // r1 ($T0) asks for a link to server 0 at once. r2 ($T0) finds $T0 at its one link: it
    // waits for r1's link (not 923: a link is on its way), and $T0 backs off. r3 ($T1) is
    // not held back by $T0's limit or back-off: $T1 asks for its own link, to server 1.
    // The grants run one after the other in $PM (processor 0, one core): 5 us to $PM, 20 us
    // each, 5 us back: links at 30 and 50 us. r1: 30 + 10 + 100 = 140 us. r3 reaches server 1
    // at 60 us, but processor 1's one core serves r1 until 140: r3 is served 140 to 240 us.
    // r2 takes $T0's link when r1's reply frees it (140 us), reaches server 0 at 150 us and
    // is served after r3: 240 to 340 us.
    let (mut b, _dist) = bench_links(2, 2, None, 1, 1);
    let (t0, t1) = two_tcps(&mut b, 1);
    let mut s = Scheduler::new();
    let r1 = send(&mut b, &mut s, t0, us(100));
    let r2 = send(&mut b, &mut s, t0, us(100));
    let r3 = send(&mut b, &mut s, t1, us(100));
    run_until(&mut b, &mut s, SimTime(100_000));
    // Each TCP holds its own link; processor 0's LINKMON holds none.
    let routes = b.pw.routes.len();
    let (h0, h1) = (b.pw.host_of(t0, 0), b.pw.host_of(t1, 0));
    assert_ne!(h0, h1);
    assert_eq!(b.pw.lms[b.pw.lm_of(h0, 0)].held.len(), 1);
    assert_eq!(b.pw.lms[b.pw.lm_of(h1, 0)].held.len(), 1);
    assert_eq!(b.pw.lms[0].held.len(), 0);
    assert_eq!(
        b.pw.lms[b.pw.lm_of(h0, 0)].queue.len(),
        1,
        "r2 waits at $T0 only"
    );
    assert_eq!(
        b.pw.lms.len(),
        routes * 4,
        "2 processors' and 2 TCPs' link managers"
    );
    let links: Vec<u32> = b.pw.accounts.hosts.iter().map(|h| h.links).collect();
    assert_eq!(links, vec![0, 0, 1, 1]);
    assert_eq!(
        b.pw.tcp_backoffs(),
        vec![1, 0],
        "$T0 was denied a link, $T1 not"
    );
    run_until(&mut b, &mut s, SimTime::MAX);
    assert_eq!(
        b.log,
        vec![
            (140, r1, "replied"),
            (240, r3, "replied"),
            (340, r2, "replied")
        ]
    );
    assert_eq!(b.pw.routes[0].errors, Default::default(), "no 923 to 925");
    assert_eq!(b.pw.routes[0].errors_905, 0);
    // r2 took the freed link, so $T0's back-off wake was cancelled: nothing is pending.
    assert_eq!(s.pending(), 0);
}

#[test]
fn issue16_item6_a_tcp_denied_a_link_asks_for_none_for_max_createdelay_60s() {
    // One dynamic-only server (MAXSERVERS 1, NUMSTATIC 0, MAXLINKS 1): CREATEDELAY 1 ms,
    // DELETEDELAY 10 ms, creation 2 ms. At t 0, r1 ($T1) and r2 ($T0) find no static link
    // and wait CREATEDELAY. At 1 ms $T1 asks first (5 us to $PM, 20 us grant, 2 ms creation,
    // 5 us back: link at 3,030 us), so $T0 finds the class at MAXSERVERS with MAXLINKS used:
    // denied, r2 fails (905: $T0 holds no link, none coming), and $T0 backs off until
    // 1 ms + max(1 ms, 60 s) = 60.001 s. r1 is served 3,040 to 3,140 us; its link idles
    // DELETEDELAY and is returned at 13,140 us, deleting the server.
    let (mut b, _dist) = bench(1, 0, None);
    let (t0, t1) = two_tcps(&mut b, 10);
    let mut s = Scheduler::new();
    let r1 = send(&mut b, &mut s, t1, us(100));
    let r2 = send(&mut b, &mut s, t0, us(100));
    run_until(&mut b, &mut s, SimTime::MAX);
    assert_eq!(b.log, vec![(1_000, r2, "failed"), (3_140, r1, "replied")]);
    assert_eq!(s.now(), SimTime(13_140_000));
    assert_eq!(b.pw.tcp_backoffs(), vec![1, 0]);
    // r3 ($T0) at 13,140 us: a LINKMON would wait CREATEDELAY and have its link at
    // 13,140 + 1,000 + 5 + 20 + 2,000 + 5 = 16,170 us. $T0 asks for nothing until
    // 60,001,000 us, then waits CREATEDELAY like anyone: link at 60,001,000 + 3,030 =
    // 60,004,030 us; served 60,004,040 to 60,004,140 us.
    let r3 = send(&mut b, &mut s, t0, us(100));
    run_until(&mut b, &mut s, SimTime(59_000_000_000));
    assert_eq!(b.log.len(), 2, "r3 still waits, no link asked for");
    assert_eq!(b.pw.classes[0].stats.links_granted, 1);
    run_until(&mut b, &mut s, SimTime::MAX);
    assert_eq!(b.log[2], (60_004_140, r3, "replied"));
    assert_eq!(
        b.pw.tcp_backoffs(),
        vec![1, 0],
        "the wake-up is not a new back-off"
    );
}

/// A PATHMON `$PM` in processor 0 whose class `A` is DISTRIBUTED: its LCS in processor 0,
/// servers placed by the PB of node `SRV` (processors 1 and 2, weights 1:1), 60 s
/// reservations, a 10 s averaging window, 2 ms process creation. 16 cores per processor, so
/// servers never queue for a core; messages take 5 us / 10 us and cost no CPU.
fn lcs_bench(maxservers: u32, numstatic: u32) -> (Bench, ProcessId) {
    let (mut b, _) = bench(0, 0, None);
    let class = ServerClass {
        name: "A".into(),
        pathmon: 0,
        maxservers,
        numstatic,
        maxlinks: None,
        linkdepth: 1,
        createdelay: SimDuration::ZERO,
        deletedelay: SimDuration::ZERO,
        timeout: None,
        cpus: vec![1, 2],
        autorestart: 0,
        service: Dist::Constant(us(100)),
        io: None,
        priority: 150,
    };
    let parts = Parts {
        pathmons: vec![PathmonSpec {
            name: "$PM".into(),
            processor: 0,
            backup: Some(1),
            priority: 180,
            process_creation: SimDuration::from_millis(2),
            grant_cpu: us(20),
        }],
        classes: vec![class],
        targets: vec![Target {
            domain: None,
            members: vec![(0, 100.0)],
            balance: crate::scenario::Balance::Domain,
        }],
        any_local: false,
        processors: 3,
        limits: Limits::default(),
        call_timeout: None,
        seed: 0,
        pathmon_io_timeout: SimDuration::from_secs(300),
        lcs: Some(super::build::LcsParts {
            distributed: vec![true],
            processors: vec![0],
            priority: 177,
            node: ("SRV".into(), vec![(1, 1), (2, 1)]),
            reservation: SimDuration::from_secs(60),
            window: SimDuration::from_secs(10),
        }),
    };
    let mut cpus = Cpus::new(3, 16);
    b.pw = Pathway::assemble(&parts, &mut cpus);
    let tcp = cpus.spawn("$T0".into(), ProcessKind::Tcp, 0, 170);
    b.cpus = cpus;
    b.rec = Recorder::new(
        SimTime::ZERO,
        SimTime(400_000_000_000),
        SimDuration::from_secs(1),
        b.pw.class_instances(),
    );
    b.pw.start(&b.rec);
    (b, tcp)
}

/// The arrival rate steps 50/s -> 300/s -> 50/s, 120 s each, with 30 ms of service: the LCS
/// wants ceil(50 x 0.03) = 2 servers, then ceil(300 x 0.03) = 9, capped at MAXSERVERS 8 (the
/// queue grows meanwhile), then 2 again once the reservations of the peak
/// have expired (60 s). Throughout, the reservations held stay within [NUMSTATIC 1,
/// MAXSERVERS 8], counting those being created.
#[test]
fn lcs_reservations_stay_within_numstatic_and_maxservers_as_the_rate_steps() {
    let (numstatic, maxservers) = (1, 8);
    let (mut b, tcp) = lcs_bench(maxservers, numstatic);
    let mut s = Scheduler::new();
    with(&mut b, &mut s, |pw, x| pw.start_lcss(x));
    assert_eq!(b.pw.lcss[0].reserved.len(), 1, "NUMSTATIC from the start");
    let mut t_us = 0u64;
    let mut held_at = Vec::new();
    while t_us < 360_000_000 {
        let gap_us = if (120_000_000..240_000_000).contains(&t_us) {
            3_333
        } else {
            20_000
        };
        run_until(&mut b, &mut s, SimTime(t_us * 1000));
        send(&mut b, &mut s, tcp, us(30_000));
        let l = &b.pw.lcss[0];
        let (held, counted) = (l.reserved.len() as u32, l.reserved.len() as u32 + l.coming);
        assert!(held >= numstatic, "{held} reservations at {t_us} us");
        assert!(counted <= maxservers, "{counted} reservations at {t_us} us");
        held_at.push((t_us / 1_000_000, held));
        t_us += gap_us;
    }
    run_until(&mut b, &mut s, SimTime(420_000_000_000));
    let most = |from: u64, to: u64| {
        held_at
            .iter()
            .filter(|&&(t, _)| (from..to).contains(&t))
            .map(|&(_, n)| n)
            .max()
            .unwrap()
    };
    assert_eq!(most(100, 120), 2, "50/s x 30 ms: 2 servers");
    assert_eq!(most(200, 240), maxservers, "300/s x 30 ms = 9, capped");
    assert_eq!(
        most(340, 360),
        2,
        "back to 2 once the peak's reservations expired"
    );
    let l = &b.pw.lcss[0];
    // One LCS: its controller caps what it asks for at MAXSERVERS, so the PB refuses none.
    assert_eq!(l.stats.refused, 0);
    assert!(l.stats.dropped > 0 && l.stats.renewed > 0);
    assert_eq!(l.stats.reservations_min, 1);
    assert_eq!(l.stats.reservations_max, u64::from(maxservers));
    assert!(l.queue.is_empty(), "every request served");
    let k = &b.pw.classes[0].stats;
    assert_eq!(k.requests, l.stats.forwarded);
    assert_eq!(k.requests as usize, b.log.len());
}

#[test]
fn with_its_pathmon_lost_a_send_with_no_link_fails_with_902_then_915() {
    // faults.md A.5: both halves of the PATHMON gone, its processor up (a kill): 902 with
    // file-system error 14; its processor declared down: 201; after the link managers' I/O
    // timeout: 915.
    let mut s = Scheduler::new();
    let mut cases = vec![];
    for (down, shut) in [(false, false), (true, false), (false, true)] {
        let (mut b, dist) = bench(0, 0, None);
        b.pw.pathmon_down = vec![true];
        b.pw.pathmon_shut = vec![shut];
        if down {
            let pm = b.pw.pathmons[0].process;
            let cpu = b.cpus.processor_of(pm).0 as usize;
            b.pw.down = vec![false; cpu + 1];
            b.pw.down[cpu] = true;
        }
        let r = send(&mut b, &mut s, dist, us(100));
        let e = b.failed[0];
        assert_eq!(e.0, r);
        assert_eq!(b.pw.routes[0].errors_905, 0);
        cases.push(e.1.label());
    }
    assert_eq!(cases, ["902/14", "902/201", "915"]);
}
