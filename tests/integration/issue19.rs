//! Issue 19: inputs and outputs a user can trust. Atomic, locked output folders that never
//! follow a link; `--set` that takes whole inline tables, removes keys and limits key depth;
//! errors that say the right thing.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use assert_cmd::Command;
use predicates::prelude::*;

use nssim::scenario;

use crate::{SHIPPED, repo};

fn nssim() -> Command {
    let mut c = Command::cargo_bin("nssim").unwrap();
    c.current_dir(repo(""));
    c
}

fn set(overrides: &[&str]) -> Vec<String> {
    overrides.iter().map(|s| s.to_string()).collect()
}

/// The problems of `rel` with `overrides`, one per line (panics if it loads).
fn problems(rel: &str, overrides: &[&str]) -> String {
    match scenario::load(&repo(rel), &set(overrides)) {
        Ok(_) => panic!("{rel} with {overrides:?} loaded"),
        Err(e) => e.to_string(),
    }
}

const MM1: &str = "tests/data/mm1.toml";

// Item 4: whole inline tables.

#[test]
fn the_readmes_inline_table_example_works() {
    nssim()
        .args([
            "check",
            SHIPPED[0],
            "--set",
            r#"server_class[0].service={ dist = "lognormal", mean = "150us", cv = 2 }"#,
        ])
        .assert()
        .success();
    let s = crate::load(SHIPPED[0], &["workload.mix={A=1}"]);
    assert_eq!(s.workload.as_ref().unwrap().mix.len(), 1);
    // The same in compare's brackets.
    let arg = nssim::cli::parse_scenario_arg(&format!(
        "{}[server_class[0].service={{ dist = \"lognormal\", mean = \"150us\", cv = 2 }},workload.mix={{A=1}}]",
        SHIPPED[0]
    ))
    .unwrap();
    assert_eq!(arg.overrides.len(), 2);
    scenario::load(&repo(SHIPPED[0]), &arg.overrides).unwrap();
}

// Item 5: the depth of a key path.

#[test]
fn a_deep_key_path_is_an_error_not_a_stack_overflow() {
    let deep = format!("{}=1", vec!["a"; 8100].join("."));
    nssim()
        .args(["check", SHIPPED[0], "--set", &deep])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("at most 32 keys and indices"));
}

// Item 6: removing a key.

#[test]
fn a_key_can_be_removed_by_set_and_by_an_extending_file() {
    let types = r#"system.processor_types=["NS7 X1","NS7 X1","NS7 X1","NS7 X1","NS7 X1","NS7 X1"]"#;
    assert!(problems(SHIPPED[0], &[types]).contains("remove `cores`"));
    crate::load(SHIPPED[0], &[types, "system.cores="]);
    let dir = tempfile::tempdir().unwrap();
    let base = fs::read_to_string(repo(SHIPPED[0])).unwrap();
    fs::write(dir.path().join("base.toml"), base).unwrap();
    let ext = dir.path().join("ext.toml");
    fs::write(
        &ext,
        "extends = \"base.toml\"\nunset = [\"system.cores\"]\n[system]\n\
         processor_types = [\"NS7 X1\",\"NS7 X1\",\"NS7 X1\",\"NS7 X1\",\"NS7 X1\",\"NS7 X1\"]\n",
    )
    .unwrap();
    scenario::load(&ext, &[]).unwrap();
    fs::write(
        &ext,
        "extends = \"base.toml\"\nunset = [\"system.threads\"]\n",
    )
    .unwrap();
    let e = scenario::load(&ext, &[]).unwrap_err().to_string();
    assert!(
        e.contains("ext.toml:2:10: unset[0]: `system.threads` is not set"),
        "{e}"
    );
}

// Item 9: errors that said the wrong thing.

#[test]
fn sizes_print_as_sizes() {
    let e = problems(
        MM1,
        &[r#"workload.reply_bytes={ dist = "uniform", min = "30KiB", max = "1KiB" }"#],
    );
    assert!(
        e.contains("max (1 KiB) must not be less than min (30 KiB)"),
        "{e}"
    );
}

#[test]
fn rates_nan_and_per_day() {
    let e = problems(MM1, &["workload.rate=nan/s"]);
    assert!(e.contains("\"nan\" in \"nan/s\" is not a number"), "{e}");
    crate::load(MM1, &["workload.rate=1/day"]);
    crate::load(MM1, &["workload.rate=2/day"]);
}

#[test]
fn a_seed_above_2_63_can_be_written() {
    let s = crate::load(MM1, &["run.seed=\"18446744073709551615\""]);
    assert_eq!(s.run.seed, u64::MAX);
    let dir = tempfile::tempdir().unwrap();
    let text = fs::read_to_string(repo(MM1))
        .unwrap()
        .replace("[run]\n", "[run]\nseed = \"18446744073709551615\"\n");
    let path = dir.path().join("seed.toml");
    fs::write(&path, text).unwrap();
    assert_eq!(scenario::load(&path, &[]).unwrap().run.seed, u64::MAX);
}

#[test]
fn a_bad_maxservers_gives_one_problem() {
    let e = problems(
        "scenarios/acs-server-correct.toml",
        &["server_class[0].maxservers=-1"],
    );
    assert_eq!(e.lines().count(), 1, "{e}");
    assert!(!e.contains("NUMSTATIC"), "{e}");
}

#[test]
fn an_unknown_key_from_set_is_blamed_on_set() {
    let e = problems(MM1, &["foo.bar=1"]);
    assert!(e.starts_with("--set foo.bar=1: foo: unknown field"), "{e}");
}

#[test]
fn a_run_length_without_unit_suggests_seconds() {
    let e = problems(MM1, &["run.duration=30"]);
    assert!(e.contains("write e.g. \"30s\""), "{e}");
}

#[test]
fn warmup_on_the_command_line_reads_as_in_a_file_and_is_named_as_typed() {
    nssim()
        .args(["run", MM1, "--warmup", "5"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "--warmup 5: run.warmup: missing unit",
        ));
    nssim()
        .args(["run", MM1, "--warmup", "40x"])
        .assert()
        .code(2)
        .stderr(
            predicate::str::contains("--warmup 40x: run.warmup")
                .and(predicate::str::contains("--set").not()),
        );
}

#[test]
fn set_with_a_space_gets_the_hint() {
    nssim()
        .args(["check", MM1, "--set", "workload.rate", "5000/s"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("write --set workload.rate=5000/s"));
}

// Items 1 and 3: outputs.

/// A short run of M/M/1 into `out` (without warm-up warnings to speak of).
fn run_into(out: &Path, seed: u64) -> std::process::Command {
    let mut c = std::process::Command::new(assert_cmd::cargo::cargo_bin("nssim"));
    c.current_dir(repo(""))
        .args([
            "run",
            MM1,
            "--warmup",
            "0s",
            "--set",
            "run.duration=5s",
            "--seed",
        ])
        .arg(seed.to_string())
        .arg("--out")
        .arg(out)
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    c
}

/// The seed of the whole run `out` holds, or `None` if it says it is incomplete (or holds no
/// run yet). Panics if it holds files of two runs without saying so.
fn whole_run(out: &Path) -> Option<u64> {
    if out.join(".nssim-incomplete").exists() || !out.join(".nssim-written").exists() {
        assert!(
            out.join(".nssim-incomplete").exists() || !out.join("summary.json").exists(),
            "a summary without a list or a marker"
        );
        return None;
    }
    let list = fs::read_to_string(out.join(".nssim-written")).unwrap();
    for line in list.lines().filter(|l| !l.ends_with('/')) {
        assert!(out.join(line).is_file(), "{line} is listed but missing");
    }
    let json = |name: &str| -> serde_json::Value {
        serde_json::from_str(&fs::read_to_string(out.join(name)).unwrap()).unwrap()
    };
    let seed = json("summary.json")["seed"].as_u64().unwrap();
    assert_eq!(
        json("manifest.json")["runs"][0]["seed"].as_u64(),
        Some(seed)
    );
    let csv = fs::read_to_string(out.join("metrics.csv")).unwrap();
    assert!(
        csv.lines().nth(1).unwrap().contains(&format!(",{seed},")),
        "{csv:.200}"
    );
    Some(seed)
}

#[test]
fn a_run_killed_at_any_time_leaves_one_whole_run_or_says_it_is_incomplete() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    assert!(run_into(&out, 1).status().unwrap().success());
    assert_eq!(whole_run(&out), Some(1));
    let started = Instant::now();
    assert!(
        run_into(&dir.path().join("timing"), 2)
            .status()
            .unwrap()
            .success()
    );
    let full = started.elapsed();
    // Kill times spread over the whole run, simulation and writing, in a seeded order.
    let mut x: u64 = 19;
    let mut seen = Vec::new();
    for _ in 0..16 {
        x = x
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let at = full.mul_f64((x >> 11) as f64 / (1u64 << 53) as f64);
        let mut child = run_into(&out, 2).spawn().unwrap();
        std::thread::sleep(at);
        let _ = child.kill();
        let _ = child.wait();
        let state = whole_run(&out);
        assert!(matches!(state, None | Some(1) | Some(2)), "{state:?}");
        seen.push(state);
    }
    // Whatever a kill left, the next run completes and leaves its run alone.
    assert!(run_into(&out, 3).status().unwrap().success());
    assert_eq!(whole_run(&out), Some(3), "after kills {seen:?}");
    assert!(!out.join(".nssim-staging").exists());
}

#[test]
fn two_runs_into_one_folder_cannot_mix() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let mut long = std::process::Command::new(assert_cmd::cargo::cargo_bin("nssim"));
    let mut first = long
        .current_dir(repo(""))
        .args([
            "run",
            MM1,
            "--warmup",
            "0s",
            "--set",
            "run.duration=2000s",
            "--out",
        ])
        .arg(&out)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    while !fs::read_to_string(out.join(".nssim-lock")).is_ok_and(|t| t.contains("pid")) {
        assert!(
            Instant::now() < deadline,
            "the first run never took the lock"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    let second = nssim()
        .args([
            "run",
            MM1,
            "--warmup",
            "0s",
            "--set",
            "run.duration=1s",
            "--out",
        ])
        .arg(&out)
        .assert()
        .code(1)
        .stderr(predicate::str::contains(format!(
            "is in use by another nssim run (pid {}",
            first.id()
        )));
    drop(second);
    let _ = first.kill();
    let _ = first.wait();
    // The lock goes with its process.
    run_into(&out, 1).status().unwrap();
    assert_eq!(whole_run(&out), Some(1));
}

#[cfg(unix)]
#[test]
fn links_in_an_output_folder_are_never_followed() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    assert!(run_into(&out, 1).status().unwrap().success());
    let outside = dir.path().join("outside");
    fs::create_dir(&outside).unwrap();
    fs::write(outside.join("summary.json"), "mine").unwrap();
    // A folder link that the list names, and a file link where the summary goes.
    fs::create_dir(out.join("sub")).unwrap();
    fs::write(
        out.join(".nssim-written"),
        fs::read_to_string(out.join(".nssim-written")).unwrap() + "link/summary.json\n",
    )
    .unwrap();
    std::os::unix::fs::symlink(&outside, out.join("link")).unwrap();
    let status = run_into(&out, 2).status().unwrap();
    assert!(!status.success());
    assert_eq!(
        fs::read_to_string(outside.join("summary.json")).unwrap(),
        "mine"
    );
    fs::remove_file(out.join("link")).unwrap();
    fs::remove_file(out.join("summary.json")).unwrap();
    std::os::unix::fs::symlink(outside.join("summary.json"), out.join("summary.json")).unwrap();
    nssim()
        .args([
            "run",
            MM1,
            "--warmup",
            "0s",
            "--set",
            "run.duration=1s",
            "--out",
        ])
        .arg(&out)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("is a symbolic link"));
    assert_eq!(
        fs::read_to_string(outside.join("summary.json")).unwrap(),
        "mine"
    );
}

#[test]
fn output_paths_are_checked_before_the_simulation() {
    let dir = tempfile::tempdir().unwrap();
    let long = format!("name = \"{}\"", "x".repeat(5000));
    let text = fs::read_to_string(repo(MM1))
        .unwrap()
        .replace("name = \"mm1\"", &long)
        .replace("duration = \"30s\"", "duration = \"9000s\"");
    let path = dir.path().join("long.toml");
    fs::write(&path, text).unwrap();
    let started = Instant::now();
    let mut c = Command::cargo_bin("nssim").unwrap();
    c.current_dir(dir.path())
        .args(["run", "long.toml"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "more than the 255 a file name may have",
        ));
    // A 9,000 s run takes a while; the refusal comes first.
    assert!(started.elapsed() < Duration::from_secs(30));
    // compare's run folders are bounded (item 8), so its own --out is what can be too long.
    let mut c = Command::cargo_bin("nssim").unwrap();
    c.current_dir(dir.path())
        .args([
            "compare",
            "long.toml",
            "long.toml[workload.rate=900/s]",
            "--out",
        ])
        .arg("y".repeat(300))
        .assert()
        .code(1)
        .stderr(predicate::str::contains("more than the 255"));
    assert!(started.elapsed() < Duration::from_secs(60));
}

#[cfg(unix)]
#[test]
fn a_read_only_folder_is_refused_before_the_simulation() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let out: PathBuf = dir.path().join("ro");
    fs::create_dir(&out).unwrap();
    fs::set_permissions(&out, fs::Permissions::from_mode(0o555)).unwrap();
    if fs::write(out.join("probe"), "x").is_ok() {
        return; // running as root: permissions do not apply
    }
    let started = Instant::now();
    nssim()
        .args(["run", MM1, "--set", "run.duration=9000s", "--out"])
        .arg(&out)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("is it writable?"));
    assert!(started.elapsed() < Duration::from_secs(30));
}

/// Item 10: a valid scenario whose requests cost nothing anywhere (M/M/1 with a zero service
/// time and no network costs) is explained, not a panic: no resource bounds it.
#[test]
fn explain_of_a_scenario_that_costs_nothing_says_so() {
    nssim()
        .args(["explain", MM1, "--set", "server_class[0].service.mean=0s"])
        .assert()
        .success()
        .stdout(predicate::str::contains("bottleneck: none"));
}

// Item 7: processor lists relative to the processor count.

#[test]
fn relative_processor_lists_follow_the_processor_count() {
    // parallel-listener.toml writes `processors = "all"`: --set system.processors alone
    // rescales it, down and up.
    for n in [2u32, 6, 8, 16] {
        let s = crate::load(
            "scenarios/parallel-listener.toml",
            &[&format!("system.processors={n}")],
        );
        assert_eq!(s.listeners[0].processors, (0..n).collect::<Vec<_>>());
    }
    let s = crate::load(
        "tests/data/valid/relative-processor-lists.toml",
        &["system.processors=9"],
    );
    assert_eq!(s.listeners[0].processors, vec![7, 8]);
    assert_eq!(s.server_classes[0].cpus, (0..7).collect::<Vec<_>>());
    assert_eq!(s.server_classes[1].cpus, vec![2, 3, 4, 5, 6, 7, 8]);
    assert_eq!(s.server_classes[2].cpus, vec![8]);
}

#[test]
fn a_bad_relative_processor_list_names_file_line_field_and_forms() {
    let e = problems(
        "tests/data/valid/relative-processor-lists.toml",
        &["system.processors=2"],
    );
    // N-2..N-1 = 0..1 leaves no "others", and 2..N-1 is empty with 2 processors.
    assert!(
        e.contains("server_class[0].cpus: \"others\" leaves no processor"),
        "{e}"
    );
    assert!(
        e.contains("server_class[1].cpus: \"2..N-1\" is an empty range with system.processors = 2"),
        "{e}"
    );
    let e = problems(
        "tests/data/valid/relative-processor-lists.toml",
        &["listener[0].processors=\"others\""],
    );
    assert!(e.contains("a listener cannot use it"), "{e}");
}

#[test]
fn capacity_varies_the_processor_count_of_a_shipped_scenario_alone() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("cap");
    nssim()
        .args([
            "capacity",
            "scenarios/parallel-listener.toml",
            "--vary",
            "system.processors=2..8",
            "--rate",
            "20000/s",
            "--slo",
            "p99<5ms",
            "--set",
            "run.duration=2s",
            "--set",
            "run.warmup=200ms",
            "--out",
        ])
        .arg(&out)
        .assert()
        .success();
    let csv = fs::read_to_string(out.join("capacity.csv")).unwrap();
    // Every count from 2 to 8 ran (below 6, the old fixed list [0..5] did not validate), two
    // processors cannot carry 20,000/s (about 0.54 busy each at 15,000/s over six), and the
    // least count that passes is chosen.
    let rows: Vec<Vec<&str>> = csv
        .lines()
        .skip(1)
        .map(|l| l.split(',').collect())
        .collect();
    let counts: Vec<&str> = rows.iter().map(|r| r[1]).collect();
    assert_eq!(counts, ["2", "3", "4", "5", "6", "7", "8"], "{csv}");
    assert_eq!(rows[0][3], "fail", "{csv}");
    let chosen: Vec<&Vec<&str>> = rows.iter().filter(|r| r[4] == "true").collect();
    assert_eq!(chosen.len(), 1, "{csv}");
    assert!(
        rows.iter()
            .take_while(|r| r[4] != "true")
            .all(|r| r[3] == "fail"),
        "{csv}"
    );
}

// Item 8: labels name the full path, may be given, and make folders a shell takes unquoted.

#[test]
fn labels_name_full_paths_and_folders_need_no_quoting() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("cmp");
    let f = "scenarios/peak-step.toml";
    nssim()
        .args(["compare", f])
        .arg(format!(
            "{f}[server_class[1].cpus=[0,1],server_class[2].cpus=[0,1]]"
        ))
        .args(["--set", "run.duration=300ms", "--set", "run.warmup=100ms"])
        .arg("--out")
        .arg(&out)
        .assert()
        .success();
    let json = fs::read_to_string(out.join("comparison.json")).unwrap();
    assert!(
        json.contains("\"peak-step[server_class[1].cpus=[0,1],server_class[2].cpus=[0,1]]\""),
        "{json}"
    );
    let folder = out.join("peak-step_server_class_1_.cpus=_0_1_server_class_2_.cpus=_0_1");
    assert!(
        folder.join("summary.json").is_file(),
        "{}",
        folder.display()
    );
    let csv = fs::read_to_string(out.join("comparison.csv")).unwrap();
    assert!(
        csv.starts_with(
            "scenario,parameter_server_class[1].cpus,parameter_server_class[2].cpus,seed,"
        ),
        "{csv}"
    );
    assert!(csv.contains(",\"[0,1]\",\"[0,1]\",1,"), "{csv}");
}

#[test]
fn label_names_a_run_and_each_compared_scenario() {
    let tmp = tempfile::tempdir().unwrap();
    let short = ["--set", "run.duration=300ms", "--set", "run.warmup=100ms"];
    let run = tmp.path().join("run");
    nssim()
        .args(["run", MM1, "--label", "mm1 at rho 0.7"])
        .args(short)
        .arg("--out")
        .arg(&run)
        .assert()
        .success();
    let summary = fs::read_to_string(run.join("summary.json")).unwrap();
    assert!(
        summary.contains("\"scenario\": \"mm1 at rho 0.7\""),
        "{summary}"
    );
    let cmp = tmp.path().join("cmp");
    nssim()
        .args(["compare", MM1, &format!("{MM1}[workload.rate=500/s]")])
        .args(["--label", "base", "--label", "half load"])
        .args(short)
        .arg("--out")
        .arg(&cmp)
        .assert()
        .success();
    assert!(cmp.join("base/summary.json").is_file());
    assert!(cmp.join("half_load/summary.json").is_file());
    let csv = fs::read_to_string(cmp.join("comparison.csv")).unwrap();
    assert!(csv.contains("\nhalf load,500/s,"), "{csv}");
    nssim()
        .args(["compare", MM1, MM1, "--label", "only-one"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "1 --label options for 2 scenarios; give one label per scenario argument",
        ));
}

// Item 17: --window FROM..TO, the figures over a span of simulated time.

fn json(path: &Path) -> serde_json::Value {
    serde_json::from_str(&fs::read_to_string(path).unwrap()).unwrap()
}

#[test]
fn a_window_over_the_whole_measurement_gives_the_runs_own_figures() {
    // With a warm-up by time, the measured requests are those completing from the warm-up to
    // the end of the run: a window over exactly that span records the same latencies in the
    // same histogram, so every percentile is the run's to the last digit.
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("mm1");
    nssim()
        .args([
            "run",
            MM1,
            "--set",
            "run.duration=5s",
            "--set",
            "run.warmup=1s",
        ])
        .args(["--set", "run.drain=2s", "--window", "1s..7s", "--out"])
        .arg(&out)
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "window      1.000..7.000 s: throughput",
        ));
    let s = json(&out.join("summary.json"));
    let w = &s["time_window"];
    assert_eq!(w["latency_ms"], s["latency_ms"], "{w}");
    assert_eq!(w["completed"], s["requests"]["measured"], "{w}");
    assert_eq!(w["failed"], 0);
    let metrics = fs::read_to_string(out.join("metrics.csv")).unwrap();
    assert!(!metrics.is_empty());
}

#[test]
fn a_window_over_the_peak_shows_the_peaks_p99_in_run_and_compare() {
    let tmp = tempfile::tempdir().unwrap();
    let f = "scenarios/peak-step.toml";
    let out = tmp.path().join("run");
    nssim()
        .args(["run", f, "--window", "8s..14s", "--quiet", "--out"])
        .arg(&out)
        .assert()
        .success();
    let s = json(&out.join("summary.json"));
    let w = &s["time_window"];
    // 18,000/s offered for the six seconds of the peak, against 8,000/s around it.
    let offered = w["offered_per_s"].as_f64().unwrap();
    assert!((17_000.0..19_000.0).contains(&offered), "{w}");
    assert!(s["offered_per_s"].as_f64().unwrap() < 12_000.0);
    // The peak's p99 is above the whole run's: most of the run is at 8,000/s.
    assert!(
        w["latency_ms"]["p99"].as_f64().unwrap() > s["latency_ms"]["p99"].as_f64().unwrap(),
        "{w}"
    );
    let cmp = tmp.path().join("cmp");
    nssim()
        .args([
            "compare",
            f,
            &format!("{f}[workload.requests_per_connection=1]"),
        ])
        .args(["--window", "8s..14s", "--quiet", "--out"])
        .arg(&cmp)
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "window 8.000..14.000 s: latency p99 [ms]",
        ));
    let csv = fs::read_to_string(cmp.join("comparison.csv")).unwrap();
    assert!(csv.contains(",window_latency_ms_p99,"), "{csv}");
}

#[test]
fn a_bad_window_is_refused_before_the_run() {
    let f = "scenarios/peak-step.toml";
    for (window, says) in [
        ("8s", "write FROM..TO with durations"),
        ("14s..8s", "FROM (14s) must come before TO (8s)"),
        ("8s..40s", "TO (40s) is past the end of the run"),
        ("1s..14s", "FROM (1s) is inside the warm-up"),
        ("8x..14s", "--window 8x..14s:"),
    ] {
        nssim()
            .args([
                "run",
                f,
                "--window",
                window,
                "--out",
                "/nonexistent/never-written",
            ])
            .assert()
            .code(2)
            .stderr(predicate::str::contains(says));
    }
}
