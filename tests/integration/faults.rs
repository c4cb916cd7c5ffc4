//! Faults in the scenario: `[[fault]]`, `[faults]`, `--fault`, and the
//! timeline `nssim check` shows. What invalid faults must report is in `tests/data/invalid/`.

use assert_cmd::Command;
use nssim::engine::SimDuration;
use nssim::scenario::{self, FaultAction, FaultTarget};

use crate::{SHIPPED, repo};

fn nssim() -> Command {
    let mut c = Command::cargo_bin("nssim").unwrap();
    c.current_dir(repo(""));
    c
}

#[test]
fn faults_and_their_timing_are_read_sorted_by_time_with_their_defaults() {
    let s = scenario::load(&repo("tests/data/valid/faults.toml"), &[]).unwrap();
    let actions: Vec<_> = s
        .faults
        .list
        .iter()
        .map(|f| (f.at, f.action.clone()))
        .collect();
    assert_eq!(
        actions,
        vec![
            (
                SimDuration::from_secs(2),
                FaultAction::ProcessorDown(FaultTarget::Processor(1))
            ),
            (SimDuration::from_secs(5), FaultAction::ProcessorReload(1)),
            (
                SimDuration::from_secs(8),
                FaultAction::ProcessorDown(FaultTarget::Busiest)
            ),
        ]
    );
    assert_eq!(s.faults.imalive_period, SimDuration::from_millis(500));
    assert_eq!(s.faults.regroup_duration, SimDuration::from_millis(300));
    assert_eq!(s.faults.takeover_delay, SimDuration::from_millis(200));
    assert_eq!(s.faults.reload_duration, SimDuration::from_secs(2));
    // A shipped scenario has none, and every default.
    let shipped = scenario::load(&repo(SHIPPED[0]), &[]).unwrap();
    assert_eq!(shipped.faults, scenario::Faults::default());
}

#[test]
fn a_fault_argument_adds_a_fault_checked_like_one_in_the_file() {
    let s = scenario::load(
        &repo(SHIPPED[0]),
        &["--fault processor_down=3@10s".to_string()],
    )
    .unwrap();
    assert_eq!(s.faults.list.len(), 1);
    assert_eq!(s.faults.list[0].at, SimDuration::from_secs(10));
    assert_eq!(
        s.faults.list[0].action,
        FaultAction::ProcessorDown(FaultTarget::Processor(3))
    );
    // Appended after the file's own faults, with `"busiest"` as a name.
    let s = scenario::load(
        &repo("tests/data/valid/faults.toml"),
        &["--fault processor_down=busiest@9s".to_string()],
    )
    .unwrap();
    assert_eq!(s.faults.list.len(), 4);
    assert_eq!(
        s.faults.list[3].action,
        FaultAction::ProcessorDown(FaultTarget::Busiest)
    );
    // A bad one names the argument, the field and the fix.
    let e = scenario::load(
        &repo(SHIPPED[0]),
        &["--fault processor_down=9@10s".to_string()],
    )
    .unwrap_err()
    .to_string();
    assert_eq!(
        e,
        "--fault processor_down=9@10s: fault[0].processor_down: processor 9 does not exist: [system] has 6 processors, numbered 0 to 5"
    );
    let e = scenario::load(&repo(SHIPPED[0]), &["--fault processor_down=3".to_string()])
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("has no time; write e.g. --fault processor_down=3@10s"),
        "{e}"
    );
}

#[test]
fn check_shows_the_fault_timeline_and_run_refuses_faults_it_does_not_simulate() {
    let out = nssim()
        .args([
            "check",
            SHIPPED[0],
            "--fault",
            "processor_down=3@10s",
            "--fault",
            "processor_reload=3@15s",
        ])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let out = String::from_utf8(out).unwrap();
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 3, "{out}");
    // Declared down after U(1, 2] periods of 1 s and the 300 ms regroup; taken over 200 ms
    // later.
    let rest = lines[1]
        .strip_prefix("  fault: processor 3 down at 10s, declared down at ")
        .unwrap_or_else(|| panic!("{out}"));
    let (detected, taken) = rest.split_once("s, pairs taken over at ").unwrap();
    let detected: f64 = detected.parse().unwrap();
    let taken: f64 = taken.strip_suffix('s').unwrap().parse().unwrap();
    assert!(detected > 11.3 && detected <= 12.3, "{out}");
    assert!((taken - detected - 0.2).abs() < 1e-9, "{out}");
    assert_eq!(lines[2], "  fault: processor 3 reloaded at 15s, up at 75s");
    // Same seed, same timeline.
    let again = nssim()
        .args([
            "check",
            SHIPPED[0],
            "--fault",
            "processor_down=3@10s",
            "--fault",
            "processor_reload=3@15s",
        ])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    assert_eq!(out.as_bytes(), again.as_slice());
}

/// A light load leaves no sample window before the fault with enough completions for a
/// pre-fault level: the terminal says the recovery is not judged, not "not recovered", and
/// `summary.json` has a null `recovery_s` and `pre_throughput_per_s`.
#[test]
fn a_fault_under_a_light_load_says_its_recovery_is_not_judged() {
    let out = tempfile::tempdir().unwrap();
    let run = nssim()
        .args(["run", "scenarios/xm-processor-failure.toml", "--out"])
        .arg(out.path())
        .assert()
        .success();
    let text = String::from_utf8(run.get_output().stdout.clone()).unwrap();
    let line = text
        .lines()
        .find(|l| l.contains("fault 0  processor_down"))
        .unwrap_or_else(|| panic!("no fault line in\n{text}"));
    assert!(
        line.ends_with("recovery not judged (no window before it with enough completions)"),
        "{line}"
    );
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.path().join("summary.json")).unwrap())
            .unwrap();
    let f = &summary["faults"]["faults"][0];
    assert!(
        f["recovery_s"].is_null() && f["pre_throughput_per_s"].is_null(),
        "{f}"
    );
}
