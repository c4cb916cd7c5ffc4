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
