//! Issue 8, warm-up: the end of warm-up restarts every statistic from the system's state, a
//! warm-up can be a request count, and MSER-5's suggested warm-up removes the start-up bias of
//! an M/M/1 queue started empty.

use nssim::model::simulate;
use nssim::stats::{Estimate, RunResults};

use crate::load;

/// M/M/1 at rho = 0.9 with W = E[S] / (1 - rho) = 1 s: lambda = 9/s, E[S] = 100 ms. Started
/// empty, and no warm-up unless `extra` sets one.
fn mm1_rho09(seed: u64, extra: &[&str]) -> RunResults {
    let mut set = vec![
        format!("run.seed={seed}"),
        "workload.rate=9/s".to_string(),
        "server_class[0].service.mean=100ms".to_string(),
        "run.warmup=0s".to_string(),
        "run.drain=2000s".to_string(),
        "run.sample_interval=10s".to_string(),
    ];
    set.extend(extra.iter().map(|s| s.to_string()));
    let set: Vec<&str> = set.iter().map(String::as_str).collect();
    let r = simulate(&load("tests/data/mm1.toml", &set));
    assert_eq!(
        r.requests.in_flight, 0,
        "the drain lets every customer finish"
    );
    r
}

/// 99 % Student-t interval of the replications' mean response times [ms].
fn interval(runs: &[RunResults]) -> Estimate {
    Estimate::with_confidence(
        &runs.iter().map(|r| r.latency_ms.mean).collect::<Vec<_>>(),
        0.99,
    )
}

#[test]
fn mser_warmup_removes_the_start_up_bias_of_mm1_at_rho_09() {
    // Issue 8 asks for 50 replications of 2,000 customers. At rho = 0.9 the start-up bias of
    // the mean of 2,000 customers from empty is about 4 % (seeds 1..=1000: 962 ms against
    // W = 1000 ms) while the 99 % half-width of 50 replications is about 10 %, so the
    // analytic mean lies inside the cold interval as often as not: a coin toss, not a test.
    // The bias per customer grows as the run shortens faster than the interval widens, so:
    // 200 replications (seeds 1..=200) of 400 customers. Cold, the interval lies 2.9
    // half-widths below W (seeds 1001..=1200, 2001..=2200, 3001..=3200: 2.4, 2.6, 1.5).
    const REPS: u64 = 200;
    const CUSTOMERS: u64 = 400;
    let cold: Vec<RunResults> = (1..=REPS)
        .map(|s| {
            mm1_rho09(
                s,
                &[
                    &format!("run.max_requests={CUSTOMERS}"),
                    // Long enough for 400 arrivals at 9/s (44 s expected) with any seed.
                    "run.duration=5000s",
                ],
            )
        })
        .collect();
    let c = interval(&cold);
    assert!(
        !c.contains(1000.0) && c.mean < 1000.0,
        "started empty, the mean response time lies below W = 1000 ms: {c:?}"
    );
    // MSER-5 flags the transient in some replications (69 of 200) and not in others (a
    // single run at rho = 0.9 is noisy); the study takes the largest suggestion, 26 s here
    // (about 230 customers, most of the 200 blocks' first half MSER may cut).
    let suggested: Vec<f64> = cold
        .iter()
        .map(|r| {
            let m = r.mser.as_ref().expect("80 blocks of 5 are enough for MSER");
            assert_eq!(m.warmup_completions, 0);
            m.suggested_warmup_s.unwrap_or(0.0)
        })
        .collect();
    let flagged = suggested.iter().filter(|&&s| s > 0.0).count();
    assert!(flagged >= 20, "MSER flagged {flagged} of {REPS} cold runs");
    let warmup = suggested.iter().copied().fold(0.0, f64::max);
    assert!(warmup >= 10.0 && warmup.fract() == 0.0, "{warmup}");
    // The same replications with that warm-up, then as many customers again: the analytic
    // mean is inside (0.04 half-widths from the interval's centre; 0.84, 0.21, 0.07 for the
    // other seed ranges above).
    let warm: Vec<RunResults> = (1..=REPS)
        .map(|s| {
            mm1_rho09(
                s,
                &[
                    &format!("run.warmup={warmup}s"),
                    &format!("run.duration={}s", warmup + CUSTOMERS as f64 / 9.0),
                ],
            )
        })
        .collect();
    let w = interval(&warm);
    assert!(
        w.contains(1000.0),
        "W = 1000 ms not in {w:?} after a {warmup} s warm-up"
    );
    // The interval is informative: its half-width is under 15 % of W.
    assert!(w.half_width < 150.0, "{w:?}");
    for r in &warm {
        let m = r.mser.as_ref().unwrap();
        // Requests already in the system at the end of warm-up count when they finish.
        assert_eq!(
            r.requests.measured + m.warmup_completions,
            r.requests.completed
        );
    }
}

#[test]
fn a_warmup_by_count_opens_the_window_at_that_completion() {
    // M/M/1 at rho = 0.7 (tests/data/mm1.toml) for 30 s: about 30,000 completions.
    let r = simulate(&load("tests/data/mm1.toml", &["run.warmup=2000 requests"]));
    assert_eq!(r.warmup_requests, Some(2000));
    let m = r.mser.as_ref().unwrap();
    assert_eq!(m.warmup_completions, 2000);
    assert_eq!(r.requests.measured, r.requests.completed - 2000);
    // About 2 s at 1000/s; the window is the rest of the arrival window.
    assert!((1.5..2.5).contains(&r.warmup_s), "{}", r.warmup_s);
    assert!((r.measured_s - (30.0 - r.warmup_s)).abs() < 1e-9);
    // The window's balance holds (asserted in every run) with the requests carried in.
    let w = &r.window;
    assert_eq!(
        w.carried_in + w.attempted,
        w.completed + w.failed + w.carried_out
    );
    // The same seed and a time warm-up at that instant measure the same requests.
    let t = simulate(&load(
        "tests/data/mm1.toml",
        &[&format!(
            "run.warmup={}ns",
            (r.warmup_s * 1e9).round() as u64 + 1
        )],
    ));
    assert_eq!(t.requests.measured, r.requests.measured);
    assert_eq!(t.latency_ms.mean, r.latency_ms.mean);
    // A count the run never reaches: no window, and every figure says so.
    let never = simulate(&load(
        "tests/data/mm1.toml",
        &["run.warmup=1000000 requests"],
    ));
    assert_eq!(never.requests.measured, 0);
    assert_eq!(never.window.completed, 0);
    assert!(never.sim_time_s <= never.warmup_s);
}

#[test]
fn mser_flags_the_acs_dynamic_servers_start_up() {
    // Dynamic servers start as they are needed: for about 14 s latency climbs and drains
    // (the time series' mean is about 110 ms at 3-5 s and 4 ms from 15 s on; sends past the
    // link manager's limit fail with 924 meanwhile), past the scenario's 5 s warm-up. MSER-5
    // puts the cut-off at 13.8 s and suggests 14 s.
    let r = simulate(&load("scenarios/acs-dynamic-servers.toml", &[]));
    let m = r.mser.as_ref().unwrap();
    assert!(m.past_warmup, "{m:?}");
    let s = m.suggested_warmup_s.unwrap();
    assert!((10.0..=20.0).contains(&s), "{m:?}");
    // With the suggestion the transient is gone: p99 falls from about 800 ms to about 15.
    let warm = simulate(&load(
        "scenarios/acs-dynamic-servers.toml",
        &[&format!("run.warmup={s}s")],
    ));
    assert!(!warm.mser.as_ref().unwrap().past_warmup);
    assert!(
        warm.latency_ms.p99 < 0.1 * r.latency_ms.p99,
        "{} vs {}",
        warm.latency_ms.p99,
        r.latency_ms.p99
    );
}

#[test]
fn batch_means_cover_mm1_and_report_their_rule() {
    // One long M/M/1 run at rho = 0.7 (30 s, about 28,000 measured): the batch-means 95 %
    // interval covers W = 2.3333 ms for most seeds; over seeds 1..=20, in at least 15
    // (binomial(20, 0.95) is below 15 with probability 0.0003).
    let mut covered = 0;
    for seed in 1..=20 {
        let r = simulate(&load("tests/data/mm1.toml", &[&format!("run.seed={seed}")]));
        let b = r.batch_means.as_ref().unwrap();
        assert!([20, 10].contains(&b.batches), "{b:?}");
        assert!(
            b.batch_size >= 500 && b.batch_size.is_multiple_of(5),
            "{b:?}"
        );
        // Its mean is the run's mean over nearly the same requests.
        assert!((b.mean - r.latency_ms.mean).abs() < 0.02 * r.latency_ms.mean);
        if (b.mean - 0.7 / 0.3).abs() <= b.half_width {
            covered += 1;
        }
    }
    assert!(covered >= 15, "covered {covered} of 20");
}

#[test]
fn issue_19_batch_means_flag_short_runs_at_rho_095() {
    // M/M/1 at rho = 0.95 (950/s, E[S] = 1 ms, W = 20 ms), 20 s after a 2 s warm-up: about
    // 19,000 completions, 12 correlation spans of 1,600. The lag-1 rule alone left 84 % of
    // such intervals unflagged, and they covered W in 77 % of runs; now every one is flagged.
    for seed in 1..=60 {
        let r = simulate(&load(
            "tests/data/mm1.toml",
            &[
                &format!("run.seed={seed}"),
                "run.duration=22s",
                "workload.rate=950/s",
                "server_class[0].service.mean=1ms",
            ],
        ));
        let b = r.batch_means.as_ref().unwrap();
        assert!(b.load > 0.9 && b.load < 1.0, "{b:?}");
        assert!(b.correlated && b.spans < 50.0, "seed {seed}: {b:?}");
    }
}

#[test]
fn cli_warmup_and_batch_means_reach_the_summary_and_the_warning_stderr() {
    use assert_cmd::Command;
    use predicates::prelude::*;
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("acs");
    // `--warmup 1000` is a count; the ACS start-up outlasts it: a warning with a suggestion.
    Command::cargo_bin("nssim")
        .unwrap()
        .current_dir(crate::repo(""))
        .args([
            "run",
            "scenarios/acs-dynamic-servers.toml",
            "--warmup",
            "1000 requests",
            "--batch-means",
            "--out",
        ])
        .arg(&out)
        .assert()
        .success()
        // Issue 19: the warning says what to do and when it does not matter.
        .stderr(predicate::str::contains(
            "MSER-5 finds start-up behaviour until t = ",
        ))
        .stderr(predicate::str::contains("rerun with --warmup 15s"))
        .stderr(predicate::str::contains(
            "It matters little when that share is small",
        ))
        .stdout(predicate::str::contains("MSER-5      cut-off after"))
        .stdout(predicate::str::contains("batch means mean"));
    let json = std::fs::read_to_string(out.join("summary.json")).unwrap();
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["warmup_requests"], 1000);
    assert_eq!(v["mser"]["warmup_completions"], 1000);
    assert_eq!(v["mser"]["past_warmup"], true);
    assert_eq!(v["mser"]["suggested_warmup_s"], 15.0);
    assert!(v["batch_means"]["batches"].as_u64().unwrap() >= 10);
    assert!(v["batch_means"]["lag1"].is_number());
    // A bad count names the field and the forms allowed; exit 2.
    Command::cargo_bin("nssim")
        .unwrap()
        .current_dir(crate::repo(""))
        .args(["run", "tests/data/mm1.toml", "--warmup", "0 requests"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "run.warmup: expected a warm-up count such as \"1000 requests\"",
        ));
}
