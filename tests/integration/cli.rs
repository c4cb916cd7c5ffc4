//! The binary as a user runs it: success paths and every kind of bad input.

use std::fs;
use std::path::PathBuf;

use assert_cmd::Command;
use predicates::prelude::*;

use crate::{SHIPPED, repo};

fn nssim() -> Command {
    let mut c = Command::cargo_bin("nssim").unwrap();
    c.current_dir(repo(""));
    c
}

/// Writes the Figure 3-3 scenario with `from` replaced by `to` into a temp file.
fn broken(name: &str, edits: &[(&str, &str)]) -> (tempfile::TempDir, PathBuf) {
    let mut text = fs::read_to_string(repo(SHIPPED[0])).unwrap();
    for (from, to) in edits {
        assert!(
            text.contains(from),
            "fixture edit: {from:?} not in the scenario"
        );
        text = text.replacen(from, to, 1);
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    fs::write(&path, text).unwrap();
    (dir, path)
}

#[test]
fn check_accepts_every_shipped_scenario() {
    for rel in SHIPPED {
        nssim()
            .args(["check", rel])
            .assert()
            .success()
            .stdout(predicate::str::contains("ok"));
    }
}

#[test]
fn run_writes_summary_csv_and_plots() {
    let tmp = tempfile::tempdir().unwrap();
    nssim()
        .args([
            "run",
            SHIPPED[2],
            "--set",
            "run.duration=1s",
            "--set",
            "run.warmup=100ms",
            "--out",
        ])
        .arg(tmp.path())
        .assert()
        .success()
        .stdout(predicate::str::contains("parallel-listener"));
    for f in [
        "summary.json",
        "metrics.csv",
        "latency_histogram.csv",
        "timeseries.csv",
        "latency_cdf.png",
        "latency_cdf.svg",
        "throughput_latency.png",
        "throughput_latency.svg",
        "utilisation.png",
        "utilisation.svg",
        "report.html",
    ] {
        let len = fs::metadata(tmp.path().join(f))
            .map(|m| m.len())
            .unwrap_or(0);
        assert!(len > 0, "{f} missing or empty");
    }
    let summary: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(tmp.path().join("summary.json")).unwrap())
            .unwrap();
    for key in [
        "scenario",
        "seed",
        "sim_time_s",
        "events",
        "requests",
        "throughput_per_s",
    ] {
        assert!(summary.get(key).is_some(), "summary.json lacks {key}");
    }
    let req = &summary["requests"];
    let n = |k: &str| {
        req[k]
            .as_u64()
            .unwrap_or_else(|| panic!("requests.{k} is not an integer"))
    };
    assert_eq!(n("offered"), n("completed") + n("failed") + n("in_flight"));
    for key in ["mean", "p50", "p90", "p99", "max"] {
        assert!(summary["latency_ms"][key].is_f64(), "latency_ms.{key}");
    }
    assert_eq!(summary["hops_per_request_mean"].as_f64(), Some(0.0));
    assert_eq!(summary["processors"].as_array().unwrap().len(), 6);
    assert!(summary["processors"][0]["busy_ratio"].is_f64());
    assert!(summary["processors"][0]["id"].is_u64());
}

#[test]
fn compare_writes_the_comparison_and_prints_a_table() {
    let tmp = tempfile::tempdir().unwrap();
    nssim()
        .arg("compare")
        .args(SHIPPED)
        .args([
            "--set",
            "run.duration=1s",
            "--set",
            "run.warmup=100ms",
            "--out",
        ])
        .arg(tmp.path())
        .assert()
        .success()
        .stdout(
            predicate::str::contains("fig-3-3-distributor")
                .and(predicate::str::contains("parallel-listener")),
        );
    for f in [
        "comparison.csv",
        "comparison.json",
        "compare_latency.png",
        "compare_throughput.png",
    ] {
        assert!(tmp.path().join(f).exists(), "{f} missing");
    }
    assert!(tmp.path().join("tcpipv6-distributor/summary.json").exists());
}

/// Issue 7: `compare a.toml 'a.toml[workload.rate=...]'` compares one scenario at two loads,
/// labelled by the overridden key paths (issue 19 item 8), with the global `--set` applied
/// first; folders need no quoting in a shell and the CSVs carry the parameters as columns.
#[test]
fn issue_7_compare_one_scenario_at_two_loads() {
    let tmp = tempfile::tempdir().unwrap();
    let a = SHIPPED[2];
    let out = nssim()
        .arg("compare")
        .arg(a)
        .arg(format!("{a}[workload.rate=3000/s]"))
        .arg(format!("{a}[workload.rate=3000/s,run.duration=600ms]"))
        .args(["--set", "run.duration=500ms", "--set", "run.warmup=100ms"])
        .arg("--out")
        .arg(tmp.path())
        .assert()
        .success();
    let stdout = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    let header = stdout.lines().next().unwrap();
    assert_eq!(
        header.split_whitespace().collect::<Vec<_>>(),
        [
            "metric",
            "parallel-listener",
            "parallel-listener[workload.rate=3000/s]",
            "parallel-listener[workload.rate=3000/s,run.duration=600ms]"
        ],
        "{stdout}"
    );
    let csv = fs::read_to_string(tmp.path().join("comparison.csv")).unwrap();
    assert!(
        csv.starts_with(
            "scenario,parameter_workload.rate,parameter_run.duration,seed,metric,value\n"
        ),
        "{csv}"
    );
    assert!(
        csv.contains("\nparallel-listener[workload.rate=3000/s],3000/s,,1,"),
        "{csv}"
    );
    assert!(csv.contains("\nparallel-listener,,,1,"), "{csv}");
    let json: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(tmp.path().join("comparison.json")).unwrap())
            .unwrap();
    let labels: Vec<&str> = json
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["scenario"].as_str().unwrap())
        .collect();
    assert_eq!(labels[1], "parallel-listener[workload.rate=3000/s]");
    // One folder per run, named by its label with what a shell would need quoted written '_'.
    let folder = tmp
        .path()
        .join("parallel-listener_workload.rate=3000_s_run.duration=600ms");
    let summary: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(folder.join("summary.json")).unwrap()).unwrap();
    assert_eq!(
        summary["scenario"],
        "parallel-listener[workload.rate=3000/s,run.duration=600ms]"
    );
    // The per-scenario override comes after the global --set: 600 ms, not 500 ms.
    assert_eq!(summary["sim_time_s"].as_f64().map(|t| t >= 0.6), Some(true));
    let base: serde_json::Value = serde_json::from_str(
        &fs::read_to_string(tmp.path().join("parallel-listener/summary.json")).unwrap(),
    )
    .unwrap();
    let at_3000: serde_json::Value = serde_json::from_str(
        &fs::read_to_string(
            tmp.path()
                .join("parallel-listener_workload.rate=3000_s/summary.json"),
        )
        .unwrap(),
    )
    .unwrap();
    let offered = |v: &serde_json::Value| v["requests"]["offered"].as_u64().unwrap();
    assert!(
        offered(&at_3000) * 2 < offered(&base),
        "3000/s offers far fewer than the scenario's 15000/s"
    );
}

#[test]
fn compare_refuses_two_arguments_with_the_same_label_naming_both() {
    let a = SHIPPED[2];
    nssim()
        .args(["compare", a, a])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(format!(
            "scenarios '{a}' and '{a}' both give the label 'parallel-listener'"
        )));
    let b = format!("{a}[workload.rate=3000/s]");
    let c = format!("{a}[ workload.rate = 3000/s ]");
    nssim()
        .args(["compare", &b, &c])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(format!(
            "scenarios '{b}' and '{c}' both give the label 'parallel-listener[workload.rate=3000/s]'"
        )));
    // A bad override inside the brackets is reported like a bad --set.
    nssim()
        .args(["compare", a, &format!("{a}[workload.rat=3000/s]")])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("rat"));
}

/// Issue 7: `nssim run ... | head -1` panicked on the broken pipe. A closed stdout is a quiet
/// success, exit 0, with every file written.
#[test]
fn issue_7_a_closed_stdout_is_a_quiet_success() {
    let tmp = tempfile::tempdir().unwrap();
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("nssim"))
        .current_dir(repo(""))
        .args([
            "run",
            SHIPPED[2],
            "--set",
            "run.duration=300ms",
            "--set",
            "run.warmup=100ms",
            "--out",
        ])
        .arg(tmp.path())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Close the reading end before nssim has simulated anything, as `head` does once it has
    // its line.
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(tmp.path().join("summary.json").exists());
}

/// Issue 7: a reused `--out` kept the plots of an earlier run that the new run does not write.
/// nssim now deletes what it listed in `.nssim-written`, and nothing else.
#[test]
fn issue_7_a_reused_out_folder_keeps_no_stale_plot_and_no_less() {
    let tmp = tempfile::tempdir().unwrap();
    let run = |scenario: &str| {
        nssim()
            .args([
                "run",
                scenario,
                "--set",
                "run.duration=300ms",
                "--set",
                "run.warmup=100ms",
                "--out",
            ])
            .arg(tmp.path())
            .assert()
            .success();
    };
    run("scenarios/acs-server-wrong.toml");
    assert!(tmp.path().join("link_share.png").exists());
    fs::write(tmp.path().join("notes.txt"), "mine").unwrap();
    run(SHIPPED[2]);
    assert!(
        !tmp.path().join("link_share.png").exists(),
        "stale link share plot of the ACS run"
    );
    assert!(
        tmp.path().join("notes.txt").exists(),
        "the user's file stays"
    );
    let list = fs::read_to_string(tmp.path().join(".nssim-written")).unwrap();
    assert!(list.lines().any(|l| l == "summary.json"), "{list}");
    let summary = fs::read_to_string(tmp.path().join("summary.json")).unwrap();
    assert!(summary.contains("parallel-listener"));
}

/// Issue 7: `run.max_requests=10` printed a measurement window that never happened and a
/// latency of 0.000 for no measured request.
#[test]
fn issue_7_a_run_without_measured_requests_says_n_a_and_why() {
    let tmp = tempfile::tempdir().unwrap();
    nssim()
        .args(["run", SHIPPED[0], "--set", "run.max_requests=10", "--out"])
        .arg(tmp.path())
        .assert()
        .success()
        .stdout(
            predicate::str::contains("no measurement window: the run ended at")
                .and(predicate::str::contains("latency     n/a:"))
                .and(predicate::str::contains("0.000, p50").not()),
        );
    let summary: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(tmp.path().join("summary.json")).unwrap())
            .unwrap();
    assert!(summary["latency_ms"]["p99"].is_null(), "{summary}");
}

#[test]
fn help_of_each_subcommand_shows_an_example() {
    for sub in ["run", "compare", "check"] {
        nssim()
            .args([sub, "--help"])
            .assert()
            .success()
            .stdout(predicate::str::contains("Example"));
    }
}

/// Runs `nssim check` on a broken copy and expects exit 2 with all `needles` on stderr.
fn rejects(edits: &[(&str, &str)], needles: &[&str]) {
    let (_dir, path) = broken("bad.toml", edits);
    let mut assert = nssim().arg("check").arg(&path).assert().code(2);
    for n in needles {
        assert = assert.stderr(predicate::str::contains(*n));
    }
    // The same file is refused by `run` before anything is simulated.
    nssim()
        .arg("run")
        .arg(&path)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("bad.toml"));
}

#[test]
fn a_misspelled_field_names_file_line_column_and_field() {
    rejects(
        &[("cores = 1", "coers = 1")],
        &["bad.toml", "26:1", "coers", "system"],
    );
}

#[test]
fn a_wrong_type_names_the_field() {
    rejects(
        &[("processors = 6", "processors = \"six\"")],
        &["bad.toml", "25:", "system.processors"],
    );
}

#[test]
fn a_unitless_or_negative_duration_names_the_field_and_units() {
    rejects(
        &[("duration = \"20s\"", "duration = \"20\"")],
        &["run.duration", "missing unit"],
    );
    rejects(
        &[("warmup = \"2s\"", "warmup = \"-2s\"")],
        &["run.warmup", "negative"],
    );
}

#[test]
fn a_server_class_on_a_missing_processor_is_refused() {
    rejects(
        &[(
            "cpus = [0, 1, 2]\nmaxservers = 6",
            "cpus = [0, 1, 9]\nmaxservers = 6",
        )],
        &["server_class[0].cpus", "9", "0..=5"],
    );
}

#[test]
fn zero_processors_is_refused() {
    rejects(
        &[("processors = 6", "processors = 0")],
        &["system.processors", "between 1 and 16"],
    );
}

#[test]
fn two_parallel_listeners_on_one_processor_for_one_port_are_refused() {
    let (_d, path) = broken("bad.toml", &[]);
    let text = fs::read_to_string(repo(SHIPPED[2]))
        .unwrap()
        .replace("processors = \"all\"", "processors = [0, 1, 2, 3, 4, 4]");
    fs::write(&path, text).unwrap();
    nssim().arg("check").arg(&path).assert().code(2).stderr(
        predicate::str::contains("listener[0].processors").and(predicate::str::contains(
            "one listener per processor per port",
        )),
    );
}

#[test]
fn check_reports_every_problem_not_just_the_first() {
    rejects(
        &[
            (
                "cpus = [0, 1, 2]\nmaxservers = 6",
                "cpus = [0, 1, 7]\nmaxservers = 6",
            ),
            ("mean = \"100us\"", "mean = \"100\""),
            ("rate = \"15000/s\"", "rate = \"0/s\""),
        ],
        &[
            "server_class[0].cpus",
            "server_class[1].service",
            "workload.rate",
        ],
    );
}

#[test]
fn a_missing_file_is_a_clear_error() {
    nssim()
        .args(["check", "scenarios/nope.toml"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("nope.toml"));
}

/// The ACS example with `edits` applied to acs-server-correct.toml, checked by `nssim check`.
fn check_acs(edits: &[(&str, &str)]) -> assert_cmd::assert::Assert {
    let mut text = fs::read_to_string(repo("scenarios/acs-server-correct.toml")).unwrap();
    for (from, to) in edits {
        assert!(
            text.contains(from),
            "fixture edit: {from:?} not in the scenario"
        );
        text = text.replacen(from, to, 1);
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("acs.toml");
    fs::write(&path, text).unwrap();
    let assert = nssim().arg("check").arg(&path).assert();
    drop(dir);
    assert
}

#[test]
fn check_warns_when_domain_weights_do_not_match_maxservers_and_suggests_weights() {
    nssim()
        .args(["check", "scenarios/acs-server-wrong.toml"])
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "warning: domain %DOM, server class SERVER-WRONG: PATHMON weights $PM1:50, $PM2:10, \
             $PM3:40 do not match MAXSERVERS 2, 10, 8 (10 %, 50 %, 40 %)",
        ))
        .stderr(predicate::str::contains(
            "Weights matching MAXSERVERS: %DOM = $PM1:10, $PM2:50, $PM3:40",
        ));
    nssim()
        .args(["check", "scenarios/acs-server-correct.toml"])
        .assert()
        .success()
        .stderr(predicate::str::contains("warning").not());
}

#[test]
fn check_refuses_domain_weights_that_do_not_total_100() {
    check_acs(&[("\"$PM3:40\"", "\"$PM3:30\"")])
        .code(2)
        .stderr(predicate::str::contains("%DOM").and(predicate::str::contains("90")));
}

#[test]
fn check_refuses_more_than_four_pathmons_in_a_domain() {
    let extra = "[[pathmon]]\nname = \"$PM4\"\nprocessor = 3\n\n[[pathmon]]\nname = \"$PM5\"\nprocessor = 4\n\n[[domain]]";
    check_acs(&[
        ("[[domain]]", extra),
        (
            "[\"$PM1:50\", \"$PM2:10\", \"$PM3:40\"]",
            "[\"$PM1:20\", \"$PM2:20\", \"$PM3:20\", \"$PM4:20\", \"$PM5:20\"]",
        ),
    ])
    .code(2)
    .stderr(predicate::str::contains("at most 4 PATHMONs"));
}

#[test]
fn check_refuses_numstatic_above_maxservers_and_linkdepth_above_maxlinks() {
    check_acs(&[
        ("numstatic = 10", "numstatic = 12"),
        ("linkdepth = 1", "linkdepth = 2"),
    ])
    .code(2)
    .stderr(predicate::str::contains("NUMSTATIC 12 > MAXSERVERS 10"))
    .stderr(predicate::str::contains("LINKDEPTH 2 > MAXLINKS 1"));
}

#[test]
fn serve_local_server_class_is_for_parallel_listeners_with_local_servers() {
    // A distributor cannot be told to serve locally.
    let (_d, path) = broken(
        "bad.toml",
        &[(
            "model = \"distributor\"",
            "model = \"distributor\"\nserve = \"local-server-class\"",
        )],
    );
    nssim().arg("check").arg(&path).assert().code(2).stderr(
        predicate::str::contains("listener[0].serve")
            .and(predicate::str::contains("parallel listeners only")),
    );
    // A parallel listener serving locally needs servers allowed in each of its processors.
    let text = fs::read_to_string(repo(SHIPPED[2])).unwrap().replace(
        "model = \"parallel\"",
        "model = \"parallel\"\nserve = \"local-server-class\"",
    );
    fs::write(&path, text).unwrap();
    nssim()
        .arg("check")
        .arg(&path)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no server allowed in processor 0"));
}

/// `--trace`, `--trace-hash` and `diverge` as a user strings them together: two runs of the
/// same scenario have the same trajectory (exit 0), another seed's differs (exit 1), and a
/// damaged trajectory file is bad input (exit 2).
#[test]
fn trace_files_and_diverge_work_from_the_command_line() {
    let tmp = tempfile::tempdir().unwrap();
    let short = ["--set", "run.duration=200ms", "--set", "run.warmup=0s"];
    let run = |out: &str, seed: &str| {
        nssim()
            .args(["run", SHIPPED[0], "--trace-hash", "--seed", seed])
            .args(short)
            .arg("--out")
            .arg(tmp.path().join(out))
            .assert()
            .success()
            .stdout(predicate::str::contains("trajectory: "));
        tmp.path().join(out).join("trajectory.csv")
    };
    let (a, b, c) = (run("a", "1"), run("b", "1"), run("c", "2"));
    nssim()
        .arg("diverge")
        .args([&a, &b])
        .assert()
        .code(0)
        .stdout(predicate::str::starts_with("identical trajectories"));
    nssim()
        .arg("diverge")
        .args([&a, &c])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("part between event #1"));
    let bad = tmp.path().join("bad.csv");
    fs::write(&bad, "kind,events,time_ns,hash\ncheckpoint,1\n").unwrap();
    nssim()
        .arg("diverge")
        .args([&a, &bad])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("bad.csv: line 2"));
    nssim()
        .args(["diverge", SHIPPED[0]])
        .arg(format!("{}[run.seed=2]", SHIPPED[0]))
        .args(short)
        .assert()
        .code(1)
        .stdout(predicate::str::contains("the trajectories part at event #"))
        .stdout(predicate::str::contains("last shared event #"));

    let trace = tmp.path().join("trace.csv");
    nssim()
        .args(["run", SHIPPED[1], "--trace"])
        .arg(&trace)
        .args(["--trace-every", "10"])
        .args(short)
        .arg("--out")
        .arg(tmp.path().join("t"))
        .assert()
        .success()
        .stdout(predicate::str::contains("(every 10 requests)"));
    let text = fs::read_to_string(&trace).unwrap();
    assert!(text.starts_with("request,class,start_ns,duration_ns,stage,at\n0,"));
    assert!(
        text.lines()
            .any(|l| l.starts_with("10,") && l.ends_with(",done,"))
    );
    assert!(
        !text.lines().any(|l| l.starts_with("5,")),
        "only every 10th"
    );
    nssim()
        .args(["run", SHIPPED[1], "--trace-every", "0", "--trace"])
        .arg(&trace)
        .assert()
        .code(2);
}
