//! Processor failures simulated: per listening model what a failure costs and whether the
//! throughput recovers, AUTORESTART and 916, a double failure of a pair, determinism, and a
//! swarm of random clusters with random fault schedules (faults.md Part A).

use nssim::model::simulate;
use nssim::scenario::parse_str;
use nssim::stats::RunResults;

use crate::{Gen, load, repo};

fn nssim() -> assert_cmd::Command {
    let mut c = assert_cmd::Command::cargo_bin("nssim").unwrap();
    c.current_dir(repo(""));
    c
}

fn run(path: &str, overrides: &[&str]) -> RunResults {
    simulate(&load(path, overrides))
}

fn events(r: &RunResults, event: &str) -> usize {
    r.faults
        .as_ref()
        .expect("a run with faults")
        .log
        .iter()
        .filter(|l| l.event == event)
        .count()
}

#[test]
fn the_parallel_library_loses_only_that_processors_connections_and_recovers() {
    let r = run("scenarios/processor-failure-parallel-listener.toml", &[]);
    let q = &r.requests;
    assert_eq!(q.offered, q.completed + q.failed + q.in_flight);
    let f = r.faults.as_ref().expect("faults");
    let fault = &f.faults[0];
    assert_eq!(fault.processor, Some(3));
    // The listener in processor 3 held about a sixth of the connections; each request on
    // one fails with a reset, and nothing is refused: the filter skips the dead listener.
    assert!(fault.failed.get("reset") > 100, "{fault:?}");
    assert_eq!(fault.failed.get("refused"), 0);
    assert_eq!(q.reset, fault.failed.get("reset"));
    assert!(
        fault.recovery_s.is_some_and(|t| t < 5.0),
        "the five other listeners carry the load: {fault:?}"
    );
    assert!(f.availability > 0.99, "{}", f.availability);
}

#[test]
fn figure_3_3_loses_its_distributor_and_the_ip_host_refuses_connections() {
    let r = run("scenarios/processor-failure-distributor.toml", &[]);
    let pl = run("scenarios/processor-failure-parallel-listener.toml", &[]);
    let f = r.faults.as_ref().expect("faults");
    let fault = &f.faults[0];
    // $DIST-3's connections are reset; with no listener behind $ZTC3's IP host (its backup
    // lives on), new connections to it are refused for the rest of the run.
    assert!(fault.failed.get("reset") > 100, "{fault:?}");
    assert!(fault.failed.get("refused") > 1000, "{fault:?}");
    assert_eq!(events(&r, "takeover"), 1, "$ZTC3's backup takes over");
    assert!(fault.recovery_s.is_none(), "{fault:?}");
    // The parallel listeners, failing the same processor at the same moment, keep more.
    let pl = pl.faults.as_ref().expect("faults");
    assert!(pl.availability > f.availability + 0.02);
}

#[test]
fn a_conventional_takeover_resets_established_connections_and_keeps_listening() {
    let r = run("scenarios/tcpip-takeover.toml", &[]);
    let f = r.faults.as_ref().expect("faults");
    let reset: u64 = f
        .log
        .iter()
        .filter(|l| l.event == "connections reset")
        .map(|l| l.count.unwrap_or(0))
        .sum();
    assert!(reset > 100, "{:?}", f.log);
    assert_eq!(
        f.faults[0].failed.get("refused"),
        0,
        "the listen socket survives"
    );
    // After the takeover the distributor accepts new connections through the backup.
    let after: f64 = r
        .timeseries
        .iter()
        .filter(|w| w.t_s >= 13.0 && w.t_s < 19.0)
        .map(|w| w.throughput_per_s)
        .sum::<f64>()
        / 12.0;
    assert!(after > 4500.0, "{after}");
}

#[test]
fn autorestart_restarts_static_servers_elsewhere_within_its_limit_and_916_without_a_processor() {
    let r = run("scenarios/server-processor-failure.toml", &[]);
    let f = r.faults.as_ref().expect("faults");
    // Processor 0 held two static servers of each class (six in all, round its CPUS).
    assert_eq!(f.faults[0].servers_lost, 6);
    assert!(
        f.faults[0].failed.get("904/201") > 0,
        "sends at the dead servers"
    );
    // A and D (AUTORESTART 3) restart theirs elsewhere; G (AUTORESTART 0) does not.
    assert_eq!(
        events(&r, "restarted"),
        4 + 1,
        "four servers, and the reload's line"
    );
    // The reload starts G's two static servers in processor 0 again.
    assert_eq!(f.faults[1].restarted, 2);
    assert_eq!(r.pathsend_errors.e916, 0);
    // Without AUTORESTART nothing restarts before the reload.
    let none = run(
        "scenarios/server-processor-failure.toml",
        &[
            "server_class[0].autorestart=0",
            "server_class[1].autorestart=0",
        ],
    );
    assert_eq!(events(&none, "restarted"), 1);
    // G with AUTORESTART but no other processor in its CPUS list: 916 for each server.
    let g = run(
        "scenarios/server-processor-failure.toml",
        &["server_class[2].autorestart=1"],
    );
    assert_eq!(g.pathsend_errors.e916, 2);
    assert_eq!(events(&g, "916"), 1);
}

#[test]
fn a_double_failure_of_the_pathmon_pair_loses_it_and_both_processors_servers() {
    let r = run("scenarios/double-failure.toml", &[]);
    let f = r.faults.as_ref().expect("faults");
    assert_eq!(f.faults[0].servers_lost, 6);
    assert_eq!(f.faults[1].servers_lost, 6);
    // $PM's backup takes over once; the second failure leaves no half to take over.
    let pm: Vec<_> = f.log.iter().filter(|l| l.target == "$PM").collect();
    assert_eq!(pm.len(), 1, "{pm:?}");
    assert_eq!(pm[0].message, Some(1077));
    let q = &r.requests;
    assert_eq!(q.offered, q.completed + q.failed + q.in_flight);
    assert!(f.availability < 0.99);
}

#[test]
fn faults_are_deterministic_and_leave_the_arrivals_unchanged() {
    let a = run("scenarios/processor-failure-parallel-listener.toml", &[]);
    let b = run("scenarios/processor-failure-parallel-listener.toml", &[]);
    assert_eq!(
        nssim::report::summary_json(&a).replace(&format!("{}", a.wall_s), ""),
        nssim::report::summary_json(&b).replace(&format!("{}", b.wall_s), "")
    );
    assert_eq!(a.faults, b.faults);
    // Before the fault the run is the same as without it; the fault draws from its own
    // stream, so the arrivals after it are too (requests of reset sessions aside).
    let base = run("scenarios/parallel-listener.toml", &[]);
    for (x, y) in a.timeseries.iter().zip(&base.timeseries) {
        if x.t_s + 1.0 <= 10.0 {
            assert_eq!(x.offered_per_s, y.offered_per_s, "at {}", x.t_s);
            assert_eq!(x.throughput_per_s, y.throughput_per_s, "at {}", x.t_s);
        }
    }
}

/// A random small cluster with a random fault schedule: 2-5 processors, a conventional or
/// parallel stack, distributors or parallel listeners, a PATHMON pair, two server classes
/// with random AUTORESTART, 1-3 processor failures (some of both halves of the pair), some
/// reloaded, 0-2 process kills, and sometimes listener pairs.
pub(crate) fn case(g: &mut Gen, n: u64) -> String {
    let processors = g.int(2, 5);
    let stack = ["conventional", "parallel"][g.int(0, 1) as usize];
    let model = ["distributor", "parallel"][g.int(0, 1) as usize];
    let listeners: Vec<u64> = (0..g.int(1, processors)).collect();
    let duration = g.int(600, 1500);
    let mut t = format!(
        "name = \"fault-swarm-{n}\"\n[run]\nseed = {n}\nduration = \"{duration}ms\"\nwarmup = \"50ms\"\n\
         drain = \"{}ms\"\nsample_interval = \"50ms\"\n[system]\nprocessors = {processors}\n\
         [tcpip]\nstack = \"{stack}\"\nbacklog = {}\n\
         [faults]\nimalive_period = \"{}ms\"\nregroup_duration = \"{}ms\"\ntakeover_delay = \"{}ms\"\n\
         reload_duration = \"{}ms\"\n",
        g.int(0, 1000),
        g.int(1, 5),
        g.int(10, 100),
        g.int(0, 50),
        g.int(0, 50),
        g.int(10, 200),
    );
    let list = |v: &[u64]| {
        format!(
            "[{}]",
            v.iter().map(u64::to_string).collect::<Vec<_>>().join(", ")
        )
    };
    if stack == "conventional" {
        for &c in &listeners {
            t += &format!("[[tcpip.process]]\nname = \"$ZTC{c}\"\nprocessor = {c}\n");
        }
    }
    t += &format!(
        "[[listener]]\nname = \"$L\"\nmodel = \"{model}\"\nprocessors = {}\n",
        list(&listeners)
    );
    let pm = g.int(0, processors - 1);
    let backup = (pm + 1) % processors;
    t += &format!("[[pathmon]]\nname = \"$PM\"\nprocessor = {pm}\nbackup = {backup}\n");
    for class in ["A", "B"] {
        let maxservers = g.int(1, 4);
        let cpus: Vec<u64> = (0..g.int(1, processors))
            .map(|_| g.int(0, processors - 1))
            .collect();
        t += &format!(
            "[[server_class]]\nname = \"{class}\"\nmaxservers = {maxservers}\nnumstatic = {}\n\
             maxlinks = {}\ncreatedelay = \"{}ms\"\nautorestart = {}\ncpus = {}\n\
             service = {{ dist = \"exponential\", mean = \"{}us\" }}\n\
             io = {{ dist = \"exponential\", mean = \"{}us\" }}\n",
            g.int(0, maxservers),
            g.int(1, 3),
            g.int(0, 50),
            g.int(0, 2),
            list(&cpus),
            g.int(10, 300),
            g.int(0, 3000),
        );
    }
    t += &format!(
        "[workload]\nsend_to = \"$PM\"\nrequests_per_connection = {}\nmix = {{ A = 1, B = 1 }}\n",
        g.int(1, 4)
    );
    if g.int(0, 1) == 0 {
        t += &format!("kind = \"open\"\nrate = \"{}/s\"\n", g.int(50, 6000));
    } else {
        t += &format!(
            "kind = \"closed\"\nclients = {}\nthink = {{ dist = \"exponential\", mean = \"{}ms\" }}\n",
            g.int(1, 40),
            g.int(1, 50)
        );
    }
    // Failures in time order on distinct processors (the pair's two halves sometimes),
    // each reloaded or not.
    let mut at = g.int(60, duration / 2);
    let mut down = Vec::new();
    for i in 0..g.int(1, 3) {
        let cpu = if i == 1 && g.int(0, 2) == 0 {
            backup
        } else {
            g.int(0, processors - 1)
        };
        if down.contains(&cpu) || at >= duration {
            break;
        }
        down.push(cpu);
        t += &format!("[[fault]]\nat = \"{at}ms\"\nprocessor_down = {cpu}\n");
        at += g.int(1, 300);
    }
    if g.int(0, 1) == 0 {
        // A reload after the latest possible detection of the first failure.
        let reload = at + 2 * 100 + 50 + g.int(0, 100);
        if reload < duration {
            t += &format!(
                "[[fault]]\nat = \"{reload}ms\"\nprocessor_reload = {}\n",
                down[0]
            );
        }
    }
    // 0-2 process kills (drawn last, so the schedules above are those of the cases without
    // them): a listener instance, a `$ZTCn`, the PATHMON pair or a server, at any time, in a
    // processor that may be down by then (the kill then finds it not running).
    for _ in 0..g.int(0, 2) {
        let mut names: Vec<String> = listeners.iter().map(|c| format!("$L-{c}")).collect();
        if stack == "conventional" {
            names.extend(listeners.iter().map(|c| format!("$ZTC{c}")));
        }
        names.extend(["$PM", "A#0", "B#0"].map(String::from));
        let name = &names[g.int(0, names.len() as u64 - 1) as usize];
        let at = g.int(1, duration - 1);
        t += &format!("[[fault]]\nat = \"{at}ms\"\nprocess_kill = \"{name}\"\n");
    }
    // A third of the listeners are pairs (drawn last too).
    if g.int(0, 2) == 0 {
        t = t.replacen("[[listener]]\n", "[[listener]]\npair = true\n", 1);
    }
    // A third of the requesters have a retry policy (drawn last of all).
    if g.int(0, 2) == 0 {
        let policy = format!(
            "retry = {{ attempts = {}, backoff = \"{}ms\", idempotent = {}, tmf = {} }}\n",
            g.int(1, 4),
            g.int(0, 100),
            g.int(0, 1) == 1,
            g.int(0, 1) == 1
        );
        t = t.replacen("[workload]\n", &format!("[workload]\n{policy}"), 1);
    }
    // Issue 15 item 4 (drawn after everything else, so earlier cases keep their draws): a
    // third rebalance after reloads, automatically or at a command, and give up on a lost
    // PATHMON within the run.
    if g.int(0, 2) == 0 {
        let mode = if g.int(0, 1) == 0 {
            "rebalance = \"auto\"\n".to_string()
        } else {
            format!(
                "rebalance = \"manual\"\nrebalance_after = \"{}ms\"\n",
                g.int(0, 300)
            )
        };
        let timeout = format!("pathmon_io_timeout = \"{}ms\"\n", g.int(50, 500));
        t = t.replacen("[faults]\n", &format!("[faults]\n{mode}{timeout}"), 1);
    }
    t
}

/// Parses and runs one swarm case, asserting that every request offered ended in exactly one
/// way; `None` when validation refuses the generated schedule (a reload too early for its
/// detection, a fault after the run's end), as it would a user's.
pub(crate) fn run_case(text: &str, name: &str) -> Option<RunResults> {
    let s = match parse_str(text, name, &[]) {
        Ok(s) => s,
        Err(e) if e.to_string().contains("fault[") => return None,
        Err(e) => panic!("{name} is not valid:\n{e}\n{text}"),
    };
    let r = std::panic::catch_unwind(|| simulate(&s))
        .unwrap_or_else(|_| panic!("{name} panicked; scenario:\n{text}"));
    let q = &r.requests;
    assert_eq!(q.offered, q.completed + q.failed + q.in_flight, "{name}");
    assert_eq!(
        q.failed,
        q.refused + q.pathsend_failed + q.abandoned + q.reset,
        "{name}"
    );
    Some(r)
}

#[test]
fn random_clusters_with_random_failures_conserve_requests_and_cpu() {
    let mut g = Gen(1515);
    let (mut ran, mut killed, mut retrying) = (0, 0, 0);
    for n in 0..300 {
        let text = case(&mut g, n);
        // `simulate` asserts request and CPU conservation, time order, and that no burst
        // runs in a process that is not up.
        let Some(r) = run_case(&text, &format!("fault-swarm-{n}")) else {
            continue;
        };
        let q = &r.requests;
        let f = r.faults.as_ref().expect("faults");
        // Every reset comes from a fault and is charged to one; the faults' 904s and refusals
        // are among all of the run's.
        let sum = |k: fn(&nssim::stats::Tally) -> u64| -> u64 {
            f.faults.iter().map(|x| k(&x.failed)).sum()
        };
        assert_eq!(sum(|t| t.get("reset")), q.reset, "case {n}");
        assert!(sum(|t| t.get("904/201")) <= q.pathsend_failed, "case {n}");
        assert!(sum(|t| t.get("refused")) <= q.refused, "case {n}");
        // Every Pathsend error charged to a fault is one of the run's.
        assert!(
            sum(|t| t.total() - t.get("reset") - t.get("refused")) <= q.pathsend_failed,
            "case {n}"
        );
        for x in &f.faults {
            assert_eq!(x.failed.total(), x.failed_total, "case {n}");
        }
        assert!(
            r.processors.iter().all(|p| p.busy_ratio <= 1.0 + 1e-9),
            "case {n}"
        );
        // Reissues after a fault's failures are charged to it (those after a Pathsend error
        // such as 905 need not be); aborts only under TMF.
        let retried: u64 = f.faults.iter().map(|x| x.retried).sum();
        assert!(retried <= q.retried, "case {n}");
        let by_error: u64 = f.failed_by_error.values().sum();
        assert_eq!(by_error, q.failed, "case {n}");
        assert!(q.tmf_aborts <= q.retried, "case {n}");
        if !text.contains("retry = ") {
            assert_eq!(q.retried, 0, "case {n}");
        } else if !text.contains("tmf = true") {
            assert_eq!(q.tmf_aborts, 0, "case {n}");
        }
        retrying += usize::from(q.retried > 0);
        ran += 1;
        killed += f.log.iter().filter(|l| l.event == "killed").count();
    }
    assert!(ran > 250, "{ran} of 300 cases ran");
    // About 300 kills are drawn; most find their process running.
    assert!(killed > 150, "{killed} processes killed");
    assert!(retrying > 20, "{retrying} cases reissued requests");
}

#[test]
fn the_busiest_processor_is_the_one_that_fails() {
    // Figure 3-3's busiest processors are the distributors' (3 to 5, about 84 % busy);
    // the servers' (0 to 2) are far less busy.
    let r = run("scenarios/fig-3-3-distributor.toml", &[]);
    let busiest = r
        .processors
        .iter()
        .max_by(|a, b| a.busy_ratio.total_cmp(&b.busy_ratio))
        .expect("processors")
        .id;
    assert!(busiest >= 3);
    let mut sc = load("scenarios/fig-3-3-distributor.toml", &[]);
    sc.faults.list.push(nssim::scenario::Fault {
        at: nssim::engine::SimDuration::from_secs(10),
        action: nssim::scenario::FaultAction::ProcessorDown(nssim::scenario::FaultTarget::Busiest),
    });
    let f = simulate(&sc).faults.expect("faults");
    let cpu = f.faults[0].processor.expect("resolved");
    assert!((3..=5).contains(&cpu), "processor {cpu}");
}

#[test]
fn a_run_with_faults_writes_faults_csv_and_the_faults_in_summary_json() {
    let out = tempfile::tempdir().unwrap();
    nssim()
        .args([
            "run",
            "scenarios/processor-failure-parallel-listener.toml",
            "--quiet",
            "--out",
        ])
        .arg(out.path())
        .assert()
        .success();
    let summary = std::fs::read_to_string(out.path().join("summary.json")).unwrap();
    let json: serde_json::Value = serde_json::from_str(&summary).unwrap();
    let f = &json["faults"];
    assert!(
        f["availability"]
            .as_f64()
            .is_some_and(|a| a > 0.99 && a < 1.0),
        "{f}"
    );
    assert_eq!(f["faults"][0]["processor"], 3);
    assert!(f["faults"][0]["recovery_s"].as_f64().is_some(), "{f}");
    assert!(json["requests"]["reset"].as_u64().is_some_and(|n| n > 0));
    let csv = std::fs::read_to_string(out.path().join("faults.csv")).unwrap();
    assert!(csv.starts_with("scenario,seed,t_s,fault,target,event,count,message\n"));
    assert!(csv.contains(",0,processor 3,detected,,"), "{csv}");
    // A run without faults writes neither.
    let plain = tempfile::tempdir().unwrap();
    nssim()
        .args(["run", "tests/data/mm1.toml", "--quiet", "--out"])
        .arg(plain.path())
        .assert()
        .success();
    assert!(!plain.path().join("faults.csv").exists());
    let summary = std::fs::read_to_string(plain.path().join("summary.json")).unwrap();
    assert!(!summary.contains("\"faults\""));
}

#[test]
fn explain_down_gives_the_n_minus_1_ceiling_and_check_warns_when_it_is_below_the_load() {
    let ceiling = |out: &str| -> f64 {
        let line = out
            .lines()
            .find(|l| l.starts_with("ceiling "))
            .unwrap_or_else(|| panic!("{out}"));
        line.split_whitespace().nth(1).unwrap().parse().unwrap()
    };
    let explain = |file: &str| {
        let out = nssim()
            .args(["explain", file, "--down", "3"])
            .assert()
            .success()
            .get_output()
            .stdout
            .clone();
        String::from_utf8(out).unwrap()
    };
    let f33 = explain("scenarios/fig-3-3-distributor.toml");
    let pl = explain("scenarios/parallel-listener.toml");
    assert!(f33.contains("$DIST-3 is gone"), "{f33}");
    assert!(
        f33.contains("$ZTC3 runs in its backup's processor 4"),
        "{f33}"
    );
    // Two distributors carry what three did; five listeners what six did.
    assert!(ceiling(&f33) < 13_000.0, "{f33}");
    assert!(ceiling(&pl) > 20_000.0, "{pl}");
    // Figure 3-3 at its 15,000/s cannot lose a distributor's processor; the parallel
    // listeners can lose any.
    let warns = |file: &str| {
        let out = nssim().args(["check", file]).assert().success();
        String::from_utf8(out.get_output().stderr.clone()).unwrap()
    };
    let w = warns("scenarios/fig-3-3-distributor.toml");
    assert!(
        w.contains("with processor 3 down the others carry at most"),
        "{w}"
    );
    assert!(!warns("scenarios/parallel-listener.toml").contains("down the others"));
    // A processor that does not exist is a usage error.
    nssim()
        .args(["explain", "scenarios/parallel-listener.toml", "--down", "9"])
        .assert()
        .code(2);
}
