//! Same scenario and seed: identical bytes. Different seed: different numbers.

use std::fs;
use std::path::Path;

use assert_cmd::Command;

use crate::repo;

fn run_into(dir: &Path, seed: &str) {
    Command::cargo_bin("nssim")
        .unwrap()
        .current_dir(repo(""))
        .args([
            "run",
            "scenarios/tcpipv6-distributor.toml",
            "--set",
            "run.duration=2s",
        ])
        .args(["--set", "run.warmup=500ms", "--seed", seed, "--out"])
        .arg(dir)
        .assert()
        .success();
}

/// summary.json without its wall-clock lines.
fn summary_without_wall(dir: &Path) -> String {
    fs::read_to_string(dir.join("summary.json"))
        .unwrap()
        .lines()
        .filter(|l| !l.contains("\"wall_s\"") && !l.contains("\"events_per_s\""))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn same_seed_gives_identical_csv_and_json_and_another_seed_differs() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b, c) = (
        tmp.path().join("a"),
        tmp.path().join("b"),
        tmp.path().join("c"),
    );
    run_into(&a, "11");
    run_into(&b, "11");
    run_into(&c, "12");
    for csv in [
        "metrics.csv",
        "latency_histogram.csv",
        "timeseries.csv",
        "report.html",
    ] {
        let x = fs::read(a.join(csv)).unwrap();
        assert!(!x.is_empty());
        assert_eq!(
            x,
            fs::read(b.join(csv)).unwrap(),
            "{csv} differs between identical runs"
        );
        assert_ne!(
            x,
            fs::read(c.join(csv)).unwrap(),
            "{csv} identical across seeds"
        );
    }
    assert_eq!(summary_without_wall(&a), summary_without_wall(&b));
    assert_ne!(summary_without_wall(&a), summary_without_wall(&c));
}

#[test]
fn compare_output_does_not_depend_on_thread_scheduling() {
    // Runs are independent and results are ordered by input, so two compares match byte for byte.
    let tmp = tempfile::tempdir().unwrap();
    for d in ["x", "y"] {
        Command::cargo_bin("nssim")
            .unwrap()
            .current_dir(repo(""))
            .args([
                "compare",
                "scenarios/tcpipv6-distributor.toml",
                "scenarios/parallel-listener.toml",
            ])
            .args([
                "--set",
                "run.duration=1s",
                "--set",
                "run.warmup=200ms",
                "--out",
            ])
            .arg(tmp.path().join(d))
            .assert()
            .success();
    }
    for file in ["comparison.csv", "report.html"] {
        let x = fs::read(tmp.path().join("x").join(file)).unwrap();
        assert!(
            x == fs::read(tmp.path().join("y").join(file)).unwrap(),
            "{file} differs"
        );
    }
}

/// Issue 17 item 6: a run stepped by sample interval for the progress bar is the same run,
/// event for event, also when it stops early at `run.max_in_flight` (the model's `finished`).
#[test]
fn a_run_stepped_for_the_progress_bar_is_the_same_run() {
    for (rel, sets) in [
        (crate::SHIPPED[0], vec!["run.duration=3s"]),
        (
            "tests/data/overload.toml",
            vec![
                "workload.rate=\"20000/s\"",
                "pathway.limits=\"unbounded\"",
                "run.max_in_flight=20000",
            ],
        ),
    ] {
        let s = crate::load(rel, &sets);
        // `simulate_recorded` runs the engine to the horizon in one go (`simulate` steps).
        let (straight, _) =
            nssim::model::simulate_recorded(&s, nssim::model::Recording::default()).unwrap();
        let mut steps = Vec::new();
        let stepped = nssim::model::simulate_stepped(&s, &mut |at| steps.push(at));
        assert_eq!(straight.events, stepped.events, "{rel}");
        assert_eq!(
            nssim::report::summary_json(&straight),
            nssim::report::summary_json(&stepped),
            "{rel}"
        );
        assert_eq!(
            nssim::report::metrics_csv(&straight),
            nssim::report::metrics_csv(&stepped),
            "{rel}"
        );
        assert!(
            steps.len() > 1 && steps.windows(2).all(|w| w[0] < w[1]),
            "{rel}"
        );
    }
}
