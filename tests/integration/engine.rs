//! The engine's contracts, exercised through its public API.

use nssim::engine::{Model, RngStreams, Scheduler, SimDuration, SimTime, run_until};
use rand::Rng;

/// Records (time, id) of every event; each event may schedule follow-ups.
struct Chain {
    seen: Vec<(SimTime, u32)>,
}

impl Model for Chain {
    type Event = u32;
    fn handle(&mut self, e: u32, s: &mut Scheduler<u32>) {
        self.seen.push((s.now(), e));
        if e < 100 {
            // Two follow-ups at the same instant and one later: FIFO among equals.
            s.schedule_in_unkeyed(SimDuration::from_nanos(u64::from(e % 7)), e + 100);
            s.schedule_in_unkeyed(SimDuration::from_nanos(u64::from(e % 7)), e + 200);
            s.schedule_in_unkeyed(SimDuration::from_nanos(3), e + 300);
        }
    }
}

#[test]
fn same_time_events_run_in_scheduling_order_and_time_never_decreases() {
    let mut s = Scheduler::new();
    for e in 0..50 {
        s.schedule_at_unkeyed(SimTime(u64::from(e % 5) * 10), e);
    }
    let mut m = Chain { seen: vec![] };
    let n = run_until(&mut m, &mut s, SimTime::MAX);
    assert_eq!(n, 50 * 4);
    assert!(
        m.seen.windows(2).all(|w| w[0].0 <= w[1].0),
        "time went backwards"
    );
    // Events 0, 5, 10, ... were all scheduled for t = 0, in that order, so run in that order.
    let at_zero: Vec<u32> = m
        .seen
        .iter()
        .filter(|(t, e)| t.0 == 0 && *e < 50)
        .map(|x| x.1)
        .collect();
    assert_eq!(at_zero, (0..50).step_by(5).collect::<Vec<_>>());
    // Each e+100 runs before its twin e+200 (scheduled first for the same instant).
    let pos = |x: u32| m.seen.iter().position(|(_, e)| *e == x).unwrap();
    for e in 0..50 {
        assert!(pos(e + 100) < pos(e + 200));
    }
}

#[test]
fn run_until_stops_at_the_horizon() {
    let mut s = Scheduler::new();
    s.schedule_at_unkeyed(SimTime(5), 1);
    s.schedule_at_unkeyed(SimTime(50), 2);
    let mut m = Chain { seen: vec![] };
    run_until(&mut m, &mut s, SimTime(20));
    assert_eq!(s.now(), SimTime(20));
    assert!(m.seen.iter().all(|(t, _)| t.0 <= 20));
}

#[test]
fn adding_a_stream_leaves_other_streams_draws_unchanged() {
    let draws = |labels: &[&str]| -> Vec<Vec<u64>> {
        let streams = RngStreams::new(42);
        let mut rngs: Vec<_> = labels.iter().map(|l| streams.stream(l)).collect();
        // Interleave draws across streams, as components do during a run.
        let mut out = vec![Vec::new(); labels.len()];
        for _ in 0..100 {
            for (i, r) in rngs.iter_mut().enumerate() {
                out[i].push(r.next_u64());
            }
        }
        out
    };
    let before = draws(&["workload/arrivals", "class/A/service"]);
    let after = draws(&["workload/arrivals", "cpu3/tcpip/extra", "class/A/service"]);
    assert_eq!(before[0], after[0]);
    assert_eq!(before[1], after[2]);
    assert_ne!(after[1], after[0]);
}
