//! Issue 7, scenario side: how `nssim` reads what a user gives it (regressions named after the
//! issue; each failed before its fix).

use assert_cmd::Command;
use predicates::prelude::*;

use crate::repo;

fn nssim() -> Command {
    let mut c = Command::cargo_bin("nssim").unwrap();
    c.current_dir(repo(""));
    c
}

#[test]
fn issue_7_check_warnings_name_the_file_as_run_does() {
    nssim()
        .args(["check", "scenarios/acs-server-wrong.toml"])
        .assert()
        .success()
        .stderr(predicate::str::starts_with(
            "scenarios/acs-server-wrong.toml: warning: domain %DOM, server class SERVER-WRONG:",
        ));
}

#[test]
fn issue_7_the_readme_set_example_works_on_the_main_scenario() {
    // README: `--set listener[0].processors=[3,4]`. Each instance keeps the TCP/IP process of
    // its own processor.
    nssim()
        .args([
            "check",
            "scenarios/fig-3-3-distributor.toml",
            "--set",
            "listener[0].processors=[3,4]",
        ])
        .assert()
        .success();
    let s = crate::load(
        "scenarios/fig-3-3-distributor.toml",
        &["listener[0].processors=[3,4]"],
    );
    assert_eq!(s.listeners[0].processors, [3, 4]);
    let hosts: Vec<&str> = s.listeners[0]
        .tcpip
        .iter()
        .map(|&i| s.tcpip.processes[i].name.as_str())
        .collect();
    assert_eq!(hosts, ["$ZTC3", "$ZTC4"]);
}

#[test]
fn issue_7_set_problems_name_the_argument_and_a_bare_rate_gets_the_unit_hint() {
    nssim()
        .args([
            "check",
            "scenarios/fig-3-3-distributor.toml",
            "--set",
            "workload.rate=12000",
            "--set",
            "listener[3].port=1",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "--set workload.rate=12000: workload.rate: missing unit in \"12000\"; write e.g. \"12000/s\"",
        ))
        .stderr(predicate::str::contains(
            "--set listener[3].port=1: listener[3].port: index 3 is out of range",
        ));
}

#[test]
fn issue_7_an_endless_file_is_refused_with_a_message() {
    if !std::path::Path::new("/dev/zero").exists() {
        return;
    }
    nssim()
        .args(["check", "/dev/zero"])
        .timeout(std::time::Duration::from_secs(20))
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "/dev/zero: the file is larger than 1024 KiB",
        ));
}

#[test]
fn issue_7_every_problem_at_once_type_errors_and_unknown_keys_included() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.toml");
    let text = std::fs::read_to_string(repo("scenarios/fig-3-3-distributor.toml"))
        .unwrap()
        .replacen("processors = 6", "processors = \"six\"\nprocesors = 6", 1)
        .replacen("duration = \"", "duration = 30\nx = \"", 1);
    std::fs::write(&path, text).unwrap();
    let out = nssim().arg("check").arg(&path).assert().code(2);
    let stderr = String::from_utf8(out.get_output().stderr.clone()).unwrap();
    assert!(
        stderr.contains("system.processors: expected a whole number"),
        "{stderr}"
    );
    assert!(
        stderr.contains("system.procesors: unknown field `procesors`"),
        "{stderr}"
    );
    assert!(
        stderr.contains("run.duration: missing unit in \"30\""),
        "{stderr}"
    );
    assert!(stderr.contains("run.x: unknown field `x`"), "{stderr}");
}

#[test]
fn issue_7_a_table_written_as_an_array_is_rejected() {
    let s = std::fs::read_to_string(repo("tests/data/valid/minimal.toml"))
        .unwrap()
        .replacen("[system]\nprocessors = 4\n", "", 1)
        .replacen(
            "name = \"minimal\"\n",
            "name = \"minimal\"\nsystem = [4, 1]\n",
            1,
        );
    let err = nssim::scenario::parse_str(&s, "x.toml", &[]).unwrap_err();
    assert_eq!(err.problems.len(), 1, "{err}");
    assert_eq!(err.problems[0].field, "system");
    assert!(err.problems[0].message.contains("is a table here"), "{err}");
}

#[test]
fn issue_7_a_pathmon_and_a_domain_of_one_name_are_rejected() {
    let s = std::fs::read_to_string(repo("tests/data/valid/domain.toml"))
        .unwrap()
        .replacen("name = \"$PM3\"", "name = \"%DOM\"", 1)
        .replace("$PM3", "%DOM");
    let err = nssim::scenario::parse_str(&s, "x.toml", &[]).unwrap_err();
    assert!(
        err.to_string()
            .contains("domain[0].name: `%DOM` is also the name of pathmon[2]"),
        "{err}"
    );
}

#[test]
fn issue_7_infinite_and_overflowing_mix_weights_are_rejected() {
    let base = std::fs::read_to_string(repo("tests/data/valid/minimal.toml")).unwrap();
    for weights in ["A = inf", "A = 1e308, B = 1e308", "A = nan"] {
        let s = base.replacen("mix = { A = 1 }", &format!("mix = {{ {weights} }}"), 1);
        let err = nssim::scenario::parse_str(&s, "x.toml", &[]).unwrap_err();
        assert!(
            err.to_string()
                .contains("workload.mix.A: weight must be a number up to 1e9"),
            "{weights}: {err}"
        );
    }
}

#[test]
fn issue_7_a_million_terminals_pass_check() {
    // The documented limit of terminals, with TCPs under few enough PATHMONs; `check` builds the
    // terminals and the assignment (no wall-clock bound: the machines are shared).
    let s = crate::load(
        "tests/data/pathway-xm.toml",
        &[
            "pathway_xm.term[0].count=990000",
            "pathway_xm.term[1].count=10000",
            "pathway_xm.pathmon.maxtcps=16",
        ],
    );
    let xm = s.pathway_xm.as_ref().unwrap();
    assert_eq!(xm.terms.len(), 1_000_000);
    let plan = nssim::model::pathway_xm::assign(xm);
    assert_eq!(plan.term_tcp.len(), 1_000_000);
    assert_eq!(plan.pathmons.len(), 7813);
    // One more terminal is over the limit.
    let err = nssim::scenario::load(
        &repo("tests/data/pathway-xm.toml"),
        &[
            "pathway_xm.term[0].count=990001".to_string(),
            "pathway_xm.term[1].count=10000".to_string(),
        ],
    )
    .unwrap_err();
    assert!(
        err.to_string().contains("at most 1000000 terminals"),
        "{err}"
    );
}
