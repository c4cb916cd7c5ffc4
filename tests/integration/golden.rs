//! Golden outputs: `summary.json` and `metrics.csv` of every shipped scenario, byte for byte.
//!
//! Each scenario in `scenarios/` runs for 2 s of simulated time (200 ms warm-up, 500 ms
//! sample interval, its own seed) and its two main outputs are compared with
//! `tests/golden/<name>.summary.json` and `tests/golden/<name>.metrics.csv`. The wall-clock
//! figures (`wall_s`, `events_per_s`) are left out: they are the only values that differ
//! between runs.
//!
//! A change that moves code must leave these files as they are. A change that alters
//! behaviour on purpose rewrites them with `GOLDEN_UPDATE=1 cargo test --release golden`,
//! and its commit message says why the numbers moved.

use std::fs;
use std::path::Path;

use nssim::model;
use nssim::report;

use crate::{load, repo};

/// The overrides every golden run uses.
const SHORT: [&str; 3] = [
    "run.duration=2s",
    "run.warmup=200ms",
    "run.sample_interval=500ms",
];

/// The overrides for scenario `name`: [`SHORT`], except for the scenarios with faults, which
/// run their whole length (their faults fall after 2 s) with the short sample interval.
fn short(name: &str) -> &'static [&'static str] {
    let text = fs::read_to_string(repo(&format!("scenarios/{name}.toml"))).expect("readable");
    if text.contains("[[fault]]") {
        &SHORT[2..]
    } else {
        &SHORT
    }
}

/// `summary.json` without its wall-clock lines.
fn summary_without_wall(json: &str) -> String {
    let mut out: String = json
        .lines()
        .filter(|l| !l.contains("\"wall_s\"") && !l.contains("\"events_per_s\""))
        .collect::<Vec<_>>()
        .join("\n");
    out.push('\n');
    out
}

/// `metrics.csv` without its wall-clock rows.
fn metrics_without_wall(csv: &[u8]) -> String {
    let text = String::from_utf8(csv.to_vec()).expect("metrics.csv is UTF-8");
    let mut out: String = text
        .lines()
        .filter(|l| !l.contains(",wall_s,") && !l.contains(",events_per_s,"))
        .collect::<Vec<_>>()
        .join("\n");
    out.push('\n');
    out
}

fn shipped_scenarios() -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(repo("scenarios"))
        .expect("scenarios/ exists")
        .filter_map(|e| {
            let name = e.ok()?.file_name().into_string().ok()?;
            name.strip_suffix(".toml").map(str::to_string)
        })
        .collect();
    names.sort();
    names
}

fn check(path: &Path, got: &str, update: bool, stale: &mut Vec<String>) {
    if update {
        fs::write(path, got).expect("write golden file");
        return;
    }
    match fs::read_to_string(path) {
        Ok(want) if want == got => {}
        Ok(want) => {
            let line = want
                .lines()
                .zip(got.lines())
                .position(|(a, b)| a != b)
                .unwrap_or_else(|| want.lines().count().min(got.lines().count()));
            stale.push(format!(
                "{}: first difference at line {}:\n  golden: {}\n  now:    {}",
                path.display(),
                line + 1,
                want.lines().nth(line).unwrap_or("<end>"),
                got.lines().nth(line).unwrap_or("<end>")
            ));
        }
        Err(_) => stale.push(format!("{}: missing", path.display())),
    }
}

#[test]
fn shipped_scenarios_match_their_golden_outputs() {
    let update = std::env::var_os("GOLDEN_UPDATE").is_some_and(|v| v == "1");
    let dir = repo("tests/golden");
    fs::create_dir_all(&dir).expect("tests/golden");
    let names = shipped_scenarios();
    assert!(names.len() >= 8, "the shipped scenarios are found");
    let mut stale = Vec::new();
    for name in &names {
        let sc = load(&format!("scenarios/{name}.toml"), short(name));
        let r = model::simulate(&sc);
        let summary = summary_without_wall(&report::summary_json(&r));
        let metrics = metrics_without_wall(&report::metrics_csv(&r));
        check(
            &dir.join(format!("{name}.summary.json")),
            &summary,
            update,
            &mut stale,
        );
        check(
            &dir.join(format!("{name}.metrics.csv")),
            &metrics,
            update,
            &mut stale,
        );
    }
    assert!(
        stale.is_empty(),
        "golden outputs differ (if the change is meant, rerun with GOLDEN_UPDATE=1 and say why in the commit):\n{}",
        stale.join("\n")
    );
}

/// The trajectory hash of every shipped scenario over a short run (`tests/golden/
/// trajectories.txt`): any change to the order, timing or content of events shows here, even
/// one that leaves the summary's rounded figures as they were.
#[test]
fn shipped_scenarios_keep_their_trajectory_hashes() {
    let update = std::env::var_os("GOLDEN_UPDATE").is_some_and(|v| v == "1");
    let mut got = String::from(
        "# scenario events hash (run.duration=1s, 20s for Pathway/XM's slow terminals, the whole run for scenarios with faults; run.warmup=0s)\n",
    );
    for name in shipped_scenarios() {
        let duration = if name.contains("xm") { "20s" } else { "1s" };
        let duration = format!("run.duration={duration}");
        let overrides: &[&str] = if short(&name).len() < SHORT.len() {
            &["run.warmup=0s"]
        } else {
            &[&duration, "run.warmup=0s"]
        };
        let sc = load(&format!("scenarios/{name}.toml"), overrides);
        let recording = model::Recording {
            trajectory: true,
            ..Default::default()
        };
        let (_, rec) = model::simulate_recorded(&sc, recording).expect("no trace file");
        let t = rec.trajectory.expect("asked for");
        got += &format!("{name} {} {:016x}\n", t.events, t.hash());
    }
    let mut stale = Vec::new();
    check(
        &repo("tests/golden/trajectories.txt"),
        &got,
        update,
        &mut stale,
    );
    assert!(
        stale.is_empty(),
        "trajectory hashes differ (if the change is meant, rerun with GOLDEN_UPDATE=1 and say why in the commit):\n{}",
        stale.join("\n")
    );
}
