//! Issue 15 item 1: `process_kill` of each kind of process (a server, a distributor, a
//! parallel listener, a conventional `$ZTCn`, a PATHMON pair), with what faults.md A.2, A.3,
//! A.5 to A.7 say its death costs, requests conserved, and a clear error for a name that
//! names no process; and issue 15 item 2: listener pairs and the `check` rule for them.

use nssim::model::simulate;
use nssim::stats::{FaultResult, FaultsResult, RunResults};

use crate::{load, repo};

const F33: &str = "scenarios/fig-3-3-distributor.toml";

fn run(path: &str, overrides: &[&str]) -> RunResults {
    let r = simulate(&load(path, overrides));
    let q = &r.requests;
    assert_eq!(q.offered, q.completed + q.failed + q.in_flight, "{path}");
    r
}

fn faults(r: &RunResults) -> (&FaultsResult, &FaultResult) {
    let f = r.faults.as_ref().expect("a run with faults");
    (f, &f.faults[0])
}

/// The log rows of `event` for `target`: (time [s], count).
fn rows(f: &FaultsResult, target: &str, event: &str) -> Vec<(f64, Option<u64>)> {
    f.log
        .iter()
        .filter(|l| l.target == target && l.event == event)
        .map(|l| (l.t_s, l.count))
        .collect()
}

#[test]
fn a_killed_static_server_fails_its_sends_with_904_and_autorestart_restarts_it_in_place() {
    let r = run(
        F33,
        &[
            "server_class[0].autorestart=2",
            "--fault process_kill=A#0@8s",
        ],
    );
    let (f, kill) = faults(&r);
    assert_eq!(kill.action, "process_kill");
    assert_eq!(kill.process.as_deref(), Some("A#0"));
    // A's static servers go round its CPUS [0, 1, 2]: A#0 is in processor 0.
    assert_eq!(kill.processor, Some(0));
    assert_eq!(kill.servers_lost, 1);
    assert_eq!(kill.restarted, 1, "{:?}", f.log);
    // No detection delay: everything happens at the kill.
    assert_eq!(rows(f, "A#0", "killed"), vec![(8.0, None)]);
    assert_eq!(rows(f, "A#0", "autorestart"), vec![(8.0, Some(1))]);
    // The restart takes process_creation and lands in the same processor (it is up).
    let restarted = rows(f, "A#0", "restarted");
    assert_eq!(restarted.len(), 1);
    assert!(
        restarted[0].0 > 8.0 && restarted[0].0 < 9.0,
        "{restarted:?}"
    );
    let a0 = r.processes.iter().find(|p| p.name == "A#0").expect("A#0");
    assert_eq!(a0.processor, 0);
    // Its connections live in the distributors: nothing is reset or refused; whatever was at
    // the server failed with 904 / FS 201 and is counted among the Pathsend failures.
    assert_eq!(
        kill.failed.get("reset") + kill.failed.get("refused"),
        0,
        "{kill:?}"
    );
    assert_eq!(r.requests.reset + r.requests.refused, 0);
    assert!(kill.failed.get("904/201") <= r.requests.pathsend_failed);
    // (The run's 904s count each aborted send once, also those whose client had gone.)
    assert!(r.pathsend_errors.e904 >= kill.failed.get("904/201"));
    assert!(
        kill.failed.get("904/201") > 0,
        "A#0 was busy at 8 s: {kill:?}"
    );
    // A transient loss of one of 18 servers: the run recovers.
    assert!(kill.recovery_s.is_some(), "{kill:?}");
}

#[test]
fn without_autorestart_a_killed_server_stays_dead_and_a_second_kill_finds_it_not_running() {
    let r = run(
        F33,
        &["--fault process_kill=A#0@8s", "--fault process_kill=A#0@9s"],
    );
    let f = r.faults.as_ref().expect("faults");
    assert_eq!(f.faults[0].servers_lost, 1);
    assert_eq!(f.faults[0].restarted, 0);
    assert!(rows(f, "A#0", "autorestart").is_empty());
    assert_eq!(rows(f, "A#0", "not running"), vec![(9.0, None)]);
    assert_eq!(f.faults[1].processor, None, "the second kill did nothing");
}

#[test]
fn a_killed_distributor_resets_its_connections_and_its_ip_host_refuses_new_ones() {
    let r = run(F33, &["--fault process_kill=$DIST-3@8s"]);
    let (f, kill) = faults(&r);
    assert_eq!(kill.processor, Some(3));
    // Not a pair: it dies at once, nothing takes over, and $ZTC3 lives on with no listener.
    assert!(rows(f, "$DIST-3", "takeover").is_empty());
    assert_eq!(kill.taken_over_s, None);
    // A process death is seen at once: only what was in flight on its connections is reset
    // (about 15,000/s x 2.7 ms / 3 = 13), then every new connection to $ZTC3's IP host
    // (a third of them) is refused for the rest of the run.
    assert!(
        kill.failed.get("reset") > 0 && kill.failed.get("reset") < 50,
        "{kill:?}"
    );
    assert!(kill.failed.get("refused") > 1000, "{kill:?}");
    assert_eq!(r.requests.reset, kill.failed.get("reset"));
    assert_eq!(r.requests.refused, kill.failed.get("refused"));
    assert_eq!(rows(f, "$DIST-3", "requests failed").len(), 1);
    // Its processor runs on: the other distributors and the servers there are unharmed.
    assert!(r.processors[3].busy_ratio > 0.0);
}

#[test]
fn refusals_at_a_dead_listener_are_charged_to_the_fault_that_killed_it() {
    // The distributor dies at 8 s, a server at 12 s: the refusals at $DIST-3's IP host after
    // 12 s are still the distributor's doing, not the server kill's (the latest fault).
    let r = run(
        F33,
        &[
            "--fault process_kill=$DIST-3@8s",
            "--fault process_kill=A#0@12s",
        ],
    );
    let f = r.faults.as_ref().expect("a run with faults");
    let (dist, server) = (&f.faults[0], &f.faults[1]);
    assert!(dist.failed.get("refused") > 1000, "{dist:?}");
    assert_eq!(server.failed.get("refused"), 0, "{server:?}");
    assert_eq!(r.requests.refused, dist.failed.get("refused"));
}

#[test]
fn a_killed_parallel_listener_loses_its_connections_and_the_filter_skips_it() {
    let r = run(
        "scenarios/parallel-listener.toml",
        &["--fault process_kill=$LSNR-3@8s"],
    );
    let (_, kill) = faults(&r);
    assert_eq!(kill.processor, Some(3));
    // Only the requests in flight on its connections: about 15,000/s x 1.4 ms / 6 = 3.5.
    assert!(
        kill.failed.get("reset") > 0 && kill.failed.get("reset") < 30,
        "{kill:?}"
    );
    // A processor failure at the same moment loses far more: everything sent to that
    // listener until the failure is detected.
    let down = run(
        "scenarios/parallel-listener.toml",
        &["--fault processor_down=3@8s"],
    );
    assert!(faults(&down).1.failed.get("reset") > 10 * kill.failed.get("reset"));
    // The round-robin filter skips the dead listener: nothing is refused.
    assert_eq!(kill.failed.get("refused"), 0);
    assert!(
        kill.recovery_s.is_some_and(|t| t < 5.0),
        "five listeners carry the load: {kill:?}"
    );
}

#[test]
fn a_killed_ztc_is_taken_over_by_its_backup_after_the_takeover_delay() {
    let r = run(F33, &["--fault process_kill=$ZTC3@8s"]);
    let (f, kill) = faults(&r);
    // A pair: no detection delay, its backup (processor 4) takes over 200 ms later, and the
    // conventional takeover resets every established connection; listen sockets survive.
    let takeover = rows(f, "$ZTC3", "takeover");
    assert_eq!(takeover.len(), 1);
    assert!((takeover[0].0 - 8.2).abs() < 1e-9, "{takeover:?}");
    assert_eq!(kill.taken_over_s, Some(takeover[0].0));
    let reset = rows(f, "$ZTC3", "connections reset");
    assert!(reset[0].1.is_some_and(|n| n > 100), "{reset:?}");
    assert_eq!(kill.failed.get("refused"), 0, "the listen socket survives");
    assert_eq!(kill.failed.get("904/201"), 0);
    let ztc3 = r
        .processes
        .iter()
        .find(|p| p.name == "$ZTC3")
        .expect("$ZTC3");
    assert_eq!(ztc3.processor, 4, "it runs in its backup's processor");
}

#[test]
fn a_killed_pathmon_pair_takes_over_with_message_1077_and_fails_nothing() {
    let r = run(F33, &["--fault process_kill=$PM@8s"]);
    let (f, kill) = faults(&r);
    let takeover: Vec<_> = f
        .log
        .iter()
        .filter(|l| l.target == "$PM" && l.event == "takeover")
        .collect();
    assert_eq!(takeover.len(), 1);
    assert_eq!(takeover[0].message, Some(1077));
    // Static servers, links held: existing links work during the takeover [I].
    assert_eq!(
        kill.failed.get("reset") + kill.failed.get("refused") + kill.failed.get("904/201"),
        0
    );
    assert_eq!(r.requests.failed, 0);
}

#[test]
fn process_kill_is_deterministic() {
    let a = run(F33, &["--fault process_kill=$DIST-4@6s"]);
    let b = run(F33, &["--fault process_kill=$DIST-4@6s"]);
    assert_eq!(a.faults, b.faults);
    assert_eq!(a.requests, b.requests);
}

#[test]
fn every_process_of_a_run_can_be_named_and_an_unknown_name_lists_them() {
    // Each process name a run reports (processes.csv) is a valid target, including the
    // qualified server names of an ACS domain.
    for path in [
        F33,
        "scenarios/acs-server-wrong.toml",
        "scenarios/parallel-listener.toml",
    ] {
        let r = simulate(&load(path, &["run.duration=3s"]));
        for p in &r.processes {
            let fault = format!("--fault process_kill={}@1s", p.name);
            let overrides = vec!["run.duration=3s".to_string(), fault];
            nssim::scenario::load(&repo(path), &overrides)
                .unwrap_or_else(|e| panic!("{path}: {} is refused: {e}", p.name));
        }
    }
    let out = assert_cmd::Command::cargo_bin("nssim")
        .unwrap()
        .current_dir(repo(""))
        .args(["check", F33, "--fault", "process_kill=$NOPE@5s"])
        .assert()
        .code(2);
    let err = String::from_utf8(out.get_output().stderr.clone()).unwrap();
    assert!(err.contains("--fault process_kill=$NOPE@5s"), "{err}");
    assert!(err.contains("no process is named `$NOPE`"), "{err}");
    for name in ["`$ZTC3`", "`$DIST-5`", "`$PM`", "`A#0`", "`G#5`"] {
        assert!(err.contains(name), "{name} in {err}");
    }
}

// Issue 15 item 2: listener pairs (`pair = true`).

const PL: &str = "scenarios/parallel-listener.toml";

#[test]
fn a_parallel_listener_pair_takes_over_in_a_processor_without_a_listener_on_its_port() {
    // Listeners in 0, 2 and 4 of 6 processors, each a pair with its backup in the next one.
    // (At 6,000/s: three listeners carry it at about 40 % busy.)
    let sets = [
        "listener[0].processors=[0,2,4]",
        "listener[0].pair=true",
        "workload.rate=6000/s",
    ];
    let with = |fault: &str| {
        let mut o = sets.to_vec();
        o.push(fault);
        run(PL, &o)
    };
    // A kill: the backup takes over in processor 3 after 200 ms; the parallel library's
    // backup gets ECONNRESET on its sockets (V6-24), so its connections are reset; nothing is
    // refused, and it is back in the round-robin filter.
    let r = with("--fault process_kill=$LSNR-2@8s");
    let (f, kill) = faults(&r);
    assert_eq!(kill.taken_over_s, Some(8.2));
    assert_eq!(rows(f, "$LSNR-2", "takeover"), vec![(8.2, None)]);
    assert!(rows(f, "$LSNR-2", "takeover failed").is_empty());
    assert_eq!(kill.failed.get("refused"), 0);
    let l2 = r
        .processes
        .iter()
        .find(|p| p.name == "$LSNR-2")
        .expect("$LSNR-2");
    assert_eq!(l2.processor, 3);
    let listeners: Vec<_> = r.listeners.iter().filter(|l| l.name == "$LSNR-2").collect();
    assert_eq!(listeners[0].processor, 3);
    assert!(kill.recovery_s.is_some(), "{kill:?}");
    // `explain --down 2` moves it the same way.
    let out = assert_cmd::Command::cargo_bin("nssim")
        .unwrap()
        .current_dir(repo(""))
        .args(["explain", PL, "--down", "2"])
        .args(sets.iter().flat_map(|x| ["--set", x]))
        .assert()
        .success();
    let text = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    assert!(
        text.contains("$LSNR-2's backup takes over in processor 3"),
        "{text}"
    );
    // A processor failure: its listener takes over too, after detection and the delay.
    let r = with("--fault processor_down=2@8s");
    let (f, down) = faults(&r);
    assert_eq!(rows(f, "$LSNR-2", "takeover").len(), 1);
    assert_eq!(down.failed.get("refused"), 0);
    assert_eq!(
        r.processes
            .iter()
            .find(|p| p.name == "$LSNR-2")
            .map(|p| p.processor),
        Some(3)
    );
}

#[test]
fn a_listener_pair_whose_backup_processor_has_a_listener_on_its_port_cannot_take_over() {
    // Listeners in every processor: each backup's processor already listens on the port.
    let out = assert_cmd::Command::cargo_bin("nssim")
        .unwrap()
        .current_dir(repo(""))
        .args(["check", PL, "--set", "listener[0].pair=true"])
        .assert()
        .success();
    let err = String::from_utf8(out.get_output().stderr.clone()).unwrap();
    assert!(
        err.contains(
            "the backup of $LSNR-3 (processor 4) cannot take over: $LSNR-4 already listens on port"
        ),
        "{err}"
    );
    assert_eq!(err.matches("cannot take over").count(), 6, "{err}");
    // The run agrees: the takeover fails and the listener dies, as an unpaired one does.
    let r = run(
        PL,
        &["listener[0].pair=true", "--fault process_kill=$LSNR-3@8s"],
    );
    let (f, kill) = faults(&r);
    assert_eq!(rows(f, "$LSNR-3", "takeover failed"), vec![(8.2, None)]);
    assert!(rows(f, "$LSNR-3", "takeover").is_empty());
    assert_eq!(kill.taken_over_s, None);
    assert!(kill.failed.get("reset") > 0, "{kill:?}");
    // Without the neighbours' listeners there is no warning.
    let out = assert_cmd::Command::cargo_bin("nssim")
        .unwrap()
        .current_dir(repo(""))
        .args([
            "check",
            PL,
            "--set",
            "listener[0].pair=true",
            "--set",
            "listener[0].processors=[0,2,4]",
        ])
        .assert()
        .success();
    let err = String::from_utf8(out.get_output().stderr.clone()).unwrap();
    assert!(!err.contains("cannot take over"), "{err}");
}

#[test]
fn a_conventional_distributor_pair_continues_on_its_tcpip_processs_sockets() {
    // Figure 3-3 with distributor pairs: $DIST-3's backup (processor 4) takes over on the
    // sockets $ZTC3 keeps (A.4): no connection is reset and none refused; its requests wait
    // for the takeover. (At 6,000/s, so that processor 4 can run two distributors: at
    // 15,000/s each is about 84 % busy, and the pair would overload its backup's processor.)
    let r = run(
        F33,
        &[
            "listener[0].pair=true",
            "workload.rate=6000/s",
            "--fault process_kill=$DIST-3@8s",
        ],
    );
    let (f, kill) = faults(&r);
    assert_eq!(rows(f, "$DIST-3", "takeover"), vec![(8.2, None)]);
    assert_eq!(
        kill.failed.get("reset") + kill.failed.get("refused") + kill.failed.get("904/201"),
        0,
        "{kill:?}"
    );
    assert_eq!(
        r.requests.failed, 0,
        "{:?} {:?}",
        r.requests, r.pathsend_errors
    );
    let d3 = r
        .processes
        .iter()
        .find(|p| p.name == "$DIST-3")
        .expect("$DIST-3");
    assert_eq!(d3.processor, 4);
}

#[test]
fn a_kill_shows_in_the_table_summary_json_and_faults_csv() {
    let out = tempfile::tempdir().unwrap();
    let run = assert_cmd::Command::cargo_bin("nssim")
        .unwrap()
        .current_dir(repo(""))
        .args(["run", PL, "--fault", "process_kill=$LSNR-3@8s", "--out"])
        .arg(out.path())
        .assert()
        .success();
    let table = String::from_utf8(run.get_output().stdout.clone()).unwrap();
    assert!(
        table.contains("process_kill $LSNR-3 in processor 3 at 8.000 s"),
        "{table}"
    );
    let summary = std::fs::read_to_string(out.path().join("summary.json")).unwrap();
    let json: serde_json::Value = serde_json::from_str(&summary).unwrap();
    let fault = &json["faults"]["faults"][0];
    assert_eq!(fault["action"], "process_kill");
    assert_eq!(fault["process"], "$LSNR-3");
    assert_eq!(fault["processor"], 3);
    let csv = std::fs::read_to_string(out.path().join("faults.csv")).unwrap();
    assert!(csv.contains(",0,$LSNR-3,killed,,"), "{csv}");
}
