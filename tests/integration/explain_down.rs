//! Issue 15 item 6: `nssim explain --down` for every fault kind (a processor, a PIF of a
//! failover pair, a CLIM, several at once): its ceiling against a run with that fault at
//! steady state, saturated; `--down`'s bad names; `check`'s N-1 warning for PIFs and CLIMs;
//! `check --quiet`.

use assert_cmd::Command;
use nssim::engine::SimDuration;
use nssim::model::{Target, explain, explain_down, simulate, without};
use nssim::scenario::{Fault, FaultAction, FaultTarget, Scenario};

use crate::{load, repo};

fn nssim() -> Command {
    let mut c = Command::cargo_bin("nssim").unwrap();
    c.current_dir(repo(""));
    c
}

/// The fault that fails `t` at `at`.
fn fault(sc: &Scenario, t: &Target, at: SimDuration) -> Fault {
    let action = match t {
        Target::Processor(c) => FaultAction::ProcessorDown(FaultTarget::Processor(*c)),
        Target::Pif(p) => {
            let pifs = sc.tcpip.hosts().concat();
            FaultAction::PifDown(pifs.iter().position(|n| n == p).expect("a PIF") as u16)
        }
        Target::Clim(c) => FaultAction::ClimDown(
            sc.tcpip
                .clims
                .iter()
                .position(|k| &k.name == c)
                .expect("a CLIM") as u16,
        ),
    };
    Fault { at, action }
}

/// `explain --down` of `downs` on `rel` with `sets` (its own faults removed): (the intact
/// ceiling, the ceiling with them down, the binding resource's name), and the throughput of
/// a run at twice the latter with them failed at 0.5 s, measured after a 5 s warm-up (every
/// detection, takeover and failover done) for `secs` seconds (at least 11).
fn down_and_run(rel: &str, sets: &[&str], downs: &[&str], secs: u32) -> (f64, f64, String, f64) {
    let mut sc = load(rel, sets);
    sc.faults.list.clear();
    let targets: Vec<Target> = downs
        .iter()
        .map(|d| Target::parse(&sc, d).expect("a valid --down"))
        .collect();
    let intact = explain(&sc).ceiling_per_s();
    let e = explain_down(&without(&sc, &targets).expect("it can stand"));
    let ceiling = e.ceiling_per_s();
    let binding = e.capacity().bottleneck;
    let rate = format!("workload.rate=\"{}/s\"", (2.0 * ceiling).round());
    // Long enough for the scenario's own faults (at most 15 s) to load; they are removed.
    let duration = format!("run.duration=\"{}s\"", (5 + secs).max(16));
    let mut set = sets.to_vec();
    set.extend([rate.as_str(), duration.as_str(), "run.warmup=\"5s\""]);
    let mut run = load(rel, &set);
    run.faults.list.clear();
    for t in &targets {
        let f = fault(&run, t, SimDuration::from_millis(500));
        run.faults.list.push(f);
    }
    let r = simulate(&run);
    (intact, ceiling, binding, r.throughput_per_s)
}

/// The run's throughput is within 10 % of the ceiling with the fault, and the fault moved the
/// ceiling by more than that (so the comparison tells the two apart).
fn assert_close(what: &str, (intact, ceiling, binding, got): (f64, f64, String, f64)) {
    assert!(
        (got - ceiling).abs() < 0.10 * ceiling,
        "{what}: throughput {got:.0}/s, ceiling {ceiling:.0}/s ({binding}), intact {intact:.0}/s"
    );
    assert!(
        ceiling < 0.85 * intact,
        "{what}: the fault should lower the ceiling: {ceiling:.0}/s vs {intact:.0}/s intact"
    );
}

#[test]
fn explain_down_pif_puts_its_frames_on_the_partner_as_a_run_with_it_failed_does() {
    // Three LIFs at 100 Mb/s with 8 KiB requests: the PIFs bind. With G4SA0.0.A down its
    // partner G4SA1.0.A carries two thirds of the frames in. Saturating an open workload there
    // would still complete G4SA0.0.B's third at full rate (the paths are independent), so the
    // run is at 80 % of the ceiling with the PIF down, and each port's utilisation in is
    // compared with explain's (rate x demand): the partner's 0.8, not the intact 0.4.
    let sets = [
        "lan.pif_bandwidth=\"100Mb/s\"",
        "workload.request_bytes=8192",
    ];
    let rel = "scenarios/adapter-failover.toml";
    let mut sc = load(rel, &sets);
    sc.faults.list.clear();
    let t = Target::parse(&sc, "pif:G4SA0.0.A").expect("a PIF");
    let e = explain_down(&without(&sc, std::slice::from_ref(&t)).expect("a partner"));
    assert_eq!(e.capacity().bottleneck, "G4SA1.0.A in");
    let rate = (0.8 * e.ceiling_per_s()).round();
    let set_rate = format!("workload.rate=\"{rate}/s\"");
    let mut run = load(
        rel,
        &[
            sets[0],
            sets[1],
            &set_rate,
            "run.duration=\"16s\"",
            "run.warmup=\"5s\"",
        ],
    );
    run.faults.list.clear();
    let f = fault(&run, &t, SimDuration::from_millis(500));
    run.faults.list.push(f);
    let r = simulate(&run);
    for (name, want) in [("G4SA1.0.A", 0.8), ("G4SA0.0.B", 0.4), ("G4SA0.0.A", 0.0)] {
        let d = e
            .demands
            .iter()
            .find(|d| d.name == format!("{name} in"))
            .map_or(0.0, |d| d.demand_s);
        assert!(
            (rate * d - want).abs() < 0.01,
            "{name}: explain {}",
            rate * d
        );
        let got = r
            .pifs
            .iter()
            .find(|p| p.name == name)
            .expect("a PIF")
            .busy_ratio_in;
        assert!(
            (got - want).abs() < 0.05,
            "{name}: busy in {got:.3} in the run, {want} by explain --down"
        );
    }
}

#[test]
fn explain_down_clim_puts_its_work_on_the_other_clim_and_a_run_saturates_there() {
    // One core per CLIM: the CLIMs bind. With C1002531 down, C1002532 does all the protocol
    // work.
    let sets = ["clim[0].cores=1", "clim[1].cores=1"];
    let got = down_and_run("scenarios/clim-failover.toml", &sets, &["clim:C1002531"], 4);
    assert_eq!(got.2, "CLIM C1002532");
    assert_close("clim", got);
}

#[test]
fn explain_down_of_a_processor_and_a_clim_at_once_matches_a_run_with_both() {
    let sets = ["clim[0].cores=1", "clim[1].cores=1"];
    let got = down_and_run(
        "scenarios/clim-failover.toml",
        &sets,
        &["3", "clim:C1002531"],
        4,
    );
    assert_close("processor and clim", got);
}

#[test]
fn explain_down_of_a_processor_matches_a_run_with_it_failed() {
    // Figure 3-3 loses a distributor's processor: two distributors carry what three did.
    let got = down_and_run("scenarios/fig-3-3-distributor.toml", &[], &["3"], 4);
    assert_close("processor", got);
}

#[test]
fn explain_down_names_what_it_fails_and_refuses_bad_names_listing_the_valid_ones() {
    let out = nssim()
        .args([
            "explain",
            "scenarios/adapter-failover.toml",
            "--down",
            "pif:G4SA0.0.A",
            "--down",
            "3",
        ])
        .assert()
        .success();
    let text = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    assert!(
        text.starts_with("with PIF G4SA0.0.A and processor 3 down")
            || text.starts_with("with processor 3 and PIF G4SA0.0.A down"),
        "{text}"
    );
    assert!(
        text.contains("G4SA0.0.A's addresses and sessions ride its partner G4SA1.0.A"),
        "{text}"
    );
    assert!(text.contains("G4SA0.0.A (on G4SA1.0.A)"), "{text}");
    let refused = |file: &str, down: &str| {
        let out = nssim()
            .args(["explain", file, "--down", down])
            .assert()
            .code(2);
        String::from_utf8(out.get_output().stderr.clone()).unwrap()
    };
    let e = refused("scenarios/adapter-failover.toml", "pif:nope");
    assert!(
        e.contains("no PIF named `nope`; the PIFs are: G4SA0.0.A, G4SA1.0.A, G4SA0.0.B"),
        "{e}"
    );
    let e = refused("scenarios/clim-failover.toml", "clim:nope");
    assert!(
        e.contains("no CLIM named `nope`; the CLIMs are: C1002531, C1002532"),
        "{e}"
    );
    let e = refused("scenarios/parallel-listener.toml", "clim:C1");
    assert!(e.contains("the CLIMs are: none in this scenario"), "{e}");
    let e = refused("scenarios/parallel-listener.toml", "busiest");
    assert!(
        e.contains("write a processor number (0 to 5), pif:NAME"),
        "{e}"
    );
    // A PIF without a partner: its address is unreachable, no steady state to explain.
    let e = refused("scenarios/adapter-failover.toml", "pif:G4SA0.0.B");
    assert!(e.contains("PIF G4SA0.0.B has no failover partner"), "{e}");
}

#[test]
fn check_warns_when_a_pif_partner_or_the_other_clim_cannot_carry_the_peak() {
    let warns = |file: &str, sets: &[&str]| {
        let mut c = nssim();
        c.args(["check", file]);
        for s in sets {
            c.args(["--set", s]);
        }
        let out = c.assert().success();
        String::from_utf8(out.get_output().stderr.clone()).unwrap()
    };
    // The PIFs bind at 100 Mb/s and 8 KiB requests; offered between the two ceilings.
    let sc = load(
        "scenarios/adapter-failover.toml",
        &[
            "lan.pif_bandwidth=\"100Mb/s\"",
            "workload.request_bytes=8192",
        ],
    );
    let intact = explain(&sc).ceiling_per_s();
    let down = explain_down(&without(&sc, &[Target::Pif("G4SA0.0.A".into())]).expect("a partner"))
        .ceiling_per_s();
    let rate = format!("workload.rate=\"{:.0}/s\"", (intact + down) / 2.0);
    let w = warns(
        "scenarios/adapter-failover.toml",
        &[
            "lan.pif_bandwidth=\"100Mb/s\"",
            "workload.request_bytes=8192",
            &rate,
        ],
    );
    assert!(
        w.contains("with PIF G4SA0.0.A down the rest carry at most"),
        "{w}"
    );
    assert!(w.contains("`nssim explain --down pif:G4SA0.0.A`"), "{w}");
    assert!(
        !w.contains("with PIF G4SA0.0.B down"),
        "no partner, no capacity: {w}"
    );
    // The CLIMs bind at one core each; offered between the two ceilings, losing either
    // overloads the other.
    let one = ["clim[0].cores=1", "clim[1].cores=1"];
    let sc = load("scenarios/clim-failover.toml", &one);
    let intact = explain(&sc).ceiling_per_s();
    let down = explain_down(
        &without(&sc, &[Target::Clim("C1002531".into())]).expect("a failover interface"),
    )
    .ceiling_per_s();
    assert!(down < 0.6 * intact, "{down} vs {intact}");
    let rate = format!("workload.rate=\"{:.0}/s\"", (intact + down) / 2.0);
    let w = warns("scenarios/clim-failover.toml", &[one[0], one[1], &rate]);
    assert!(
        w.contains("with CLIM C1002531 down the rest carry at most"),
        "{w}"
    );
    assert!(w.contains("`nssim explain --down clim:C1002531`"), "{w}");
    // At the shipped load (eight cores each) either CLIM carries it alone.
    assert!(!warns("scenarios/clim-failover.toml", &[]).contains("CLIM"));
}

#[test]
fn check_quiet_prints_only_warnings_with_the_same_exit_code() {
    let out = nssim()
        .args(["check", "--quiet", "scenarios/fig-3-3-distributor.toml"])
        .assert()
        .success();
    assert!(out.get_output().stdout.is_empty());
    let err = String::from_utf8(out.get_output().stderr.clone()).unwrap();
    assert!(err.contains("warning: with processor 3 down"), "{err}");
    let loud = nssim()
        .args(["check", "scenarios/fig-3-3-distributor.toml"])
        .assert()
        .success();
    assert_eq!(
        String::from_utf8(loud.get_output().stderr.clone()).unwrap(),
        err
    );
    assert!(!loud.get_output().stdout.is_empty());
    nssim()
        .args(["check", "-q", "tests/data/nope.toml"])
        .assert()
        .code(2);
}
