//! The request trace, the trajectory hash and `diverge`: recording changes nothing, the trace
//! accounts for each followed request's whole latency, and divergence is found where it is.

use std::io::Write;
use std::sync::{Arc, Mutex};

use nssim::model::{self, Divergence, Recording};
use nssim::report;

use crate::load;

/// A writer into a buffer the test reads back.
#[derive(Clone, Default)]
struct Shared(Arc<Mutex<Vec<u8>>>);
impl Write for Shared {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(b);
        Ok(b.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

const SHORT: [&str; 2] = ["run.duration=300ms", "run.warmup=0s"];

#[test]
fn recording_does_not_change_the_run() {
    for (name, duration) in [
        ("fig-3-3-distributor", "300ms"),
        ("acs-server-wrong", "300ms"),
        ("pathway-xm-terminals", "5s"),
    ] {
        let duration = format!("run.duration={duration}");
        let sc = load(
            &format!("scenarios/{name}.toml"),
            &[&duration, "run.warmup=0s"],
        );
        let plain = model::simulate(&sc);
        let recording = Recording {
            trace: Some((Box::new(Shared::default()), 7)),
            trajectory: true,
            window: Some((10, 20)),
        };
        let (recorded, rec) = model::simulate_recorded(&sc, recording).unwrap();
        let strip = |s: String| {
            s.lines()
                .filter(|l| !l.contains("wall_s") && !l.contains("events_per_s"))
                .collect::<Vec<_>>()
                .join("\n")
        };
        assert_eq!(
            strip(report::summary_json(&plain)),
            strip(report::summary_json(&recorded)),
            "{name}"
        );
        assert_eq!(rec.trajectory.unwrap().events, plain.events);
        assert_eq!(rec.window.len(), 10, "{name}: {:?}", rec.window);
        assert!(rec.trace_lines > 1, "{name}: something traced");
    }
}

/// Every followed request's stages tile its life: they follow one another without gap or
/// overlap from its first stage to its outcome line, so their durations add up to its
/// latency.
#[test]
fn a_followed_requests_stages_add_up_to_its_latency() {
    for name in [
        "fig-3-3-distributor",
        "parallel-listener",
        "acs-dynamic-servers",
    ] {
        let sc = load(&format!("scenarios/{name}.toml"), &SHORT);
        let buf = Shared::default();
        let recording = Recording {
            trace: Some((Box::new(buf.clone()), 1)),
            ..Default::default()
        };
        let (r, _) = model::simulate_recorded(&sc, recording).unwrap();
        let text = String::from_utf8(buf.0.lock().unwrap().clone()).unwrap();
        let mut lines = text.lines();
        assert_eq!(
            lines.next(),
            Some("request,class,start_ns,duration_ns,stage,at")
        );
        // request -> (first start, end of the last stage so far)
        let mut open: std::collections::BTreeMap<u64, (u64, u64)> = Default::default();
        let (mut done, mut failed) = (0u64, 0u64);
        for line in lines {
            let f: Vec<&str> = line.split(',').collect();
            let (n, start, d): (u64, u64, u64) = (
                f[0].parse().unwrap(),
                f[2].parse().unwrap(),
                f[3].parse().unwrap(),
            );
            let e = open.entry(n).or_insert((start, start));
            assert_eq!(
                e.1, start,
                "{name}: request {n}'s stages are contiguous: {line}"
            );
            e.1 = start + d;
            match f[4] {
                "done" => done += 1,
                "failed" | "timed-out" => failed += 1,
                _ => continue,
            }
            open.remove(&n);
        }
        // Everything sent in the run was followed; those still open were in flight at the end.
        assert_eq!(
            done + failed + open.len() as u64,
            r.requests.offered,
            "{name}"
        );
        assert!(done > 100, "{name}: {done} completed");
    }
}

#[test]
fn diverge_finds_no_difference_in_the_same_run_and_the_first_one_otherwise() {
    let a = load("scenarios/fig-3-3-distributor.toml", &SHORT);
    match model::diverge(&a, &a) {
        Divergence::Identical { events, .. } => assert!(events > 10_000),
        other => panic!("a run differs from itself: {other:?}"),
    }
    // A later end of arrivals: identical up to the first event past the shorter window.
    let b = load(
        "scenarios/fig-3-3-distributor.toml",
        &["run.duration=301ms", "run.warmup=0s"],
    );
    let Divergence::Parts {
        event,
        common,
        a: ea,
        b: eb,
    } = model::diverge(&a, &b)
    else {
        panic!("different durations must part");
    };
    let (_, common_at, _) = common.expect("they share a beginning");
    assert!(event > 1_000, "they part late: #{event}");
    assert!(common_at.0 <= 300_000_000);
    let (ea, eb) = (ea.expect("A has an event"), eb.expect("B has an event"));
    assert_eq!(ea.0, event);
    assert!(
        ea.2.contains("StopArrivals") || eb.1.0 > 300_000_000,
        "A stops arriving where B goes on: {ea:?} / {eb:?}"
    );
}
