//! Issue 8: replications with confidence intervals, paired comparisons, the work queue.
//!
//! - Coverage: 95 % intervals over replications of M/M/1 cover the analytic mean about 95 %
//!   of the time.
//! - Paired: identical scenarios differ by nothing; Figure 3-3's distributor against the
//!   parallel listener at 15,000/s differs significantly, the parallel listener faster.
//! - Determinism: the outputs do not depend on `--jobs`, and `--replication K` alone
//!   reproduces replication K's row.

use std::fs;
use std::path::Path;

use assert_cmd::Command;

use nssim::experiment::{Replicated, Variant, execute, plan, replication_seed};
use nssim::scenario::Scenario;
use nssim::stats::Estimate;

use crate::{load, repo};

#[test]
fn coverage_of_mm1_intervals_is_about_95_percent() {
    // M/M/1 at rho = 0.5: lambda = 1000/s, E[S] = 500 us, W = E[S] / (1 - rho) = 1 ms.
    // Each replication offers 6,000 customers (run.max_requests); the first 1,000 to complete
    // are the warm-up, and the 5,000 after them are measured.
    let base = load(
        "tests/data/mm1.toml",
        &[
            "server_class[0].service.mean=500us",
            "run.max_requests=6000",
            "run.duration=60s",
            "run.warmup=1000 requests",
            "run.drain=1s",
            "run.sample_interval=1s",
        ],
    );
    const EXPERIMENTS: u32 = 200;
    const REPLICATIONS: u32 = 10;
    // Experiment j's master seed is replication j of master seed 2026, so the experiments are
    // independent of each other as the replications inside each are.
    let scenarios: Vec<Scenario> = (1..=EXPERIMENTS)
        .map(|j| {
            let mut s = base.clone();
            s.run.seed = replication_seed(2026, j);
            s
        })
        .collect();
    let variants: Vec<Variant> = (1..=EXPERIMENTS)
        .map(|j| Variant::plain(&format!("e{j}")))
        .collect();
    let runs = plan(&scenarios, &variants, 1..=REPLICATIONS);
    let results = execute(&scenarios, &runs, nssim::experiment::default_jobs());
    let mut covered = 0;
    for chunk in results.chunks(REPLICATIONS as usize) {
        let g = Replicated {
            label: chunk[0].scenario.clone(),
            runs: chunk.to_vec(),
            replications: (1..=REPLICATIONS).collect(),
        };
        let w = g.estimate("latency_ms_mean").expect("a mean latency");
        assert_eq!(w.n, REPLICATIONS as usize);
        assert!(w.has_interval(), "{w:?}");
        if w.contains(1.0) {
            covered += 1;
        }
        for r in chunk {
            // The run is what the comment says: 6,000 offered, 5,000 measured.
            assert_eq!(r.requests.offered, 6000);
            assert_eq!(r.requests.measured, 5000);
        }
    }
    // 99.9 % binomial range of Bin(200, 0.95): [179, 198].
    assert!(
        (179..=198).contains(&covered),
        "{covered} of {EXPERIMENTS} intervals cover W = 1 ms"
    );
}

fn nssim(args: &[&str]) -> String {
    let out = Command::cargo_bin("nssim")
        .unwrap()
        .current_dir(repo(""))
        .args(args)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    String::from_utf8(out).unwrap()
}

/// The rows of `comparison.csv` for `scenario` and `metric`, split at commas.
fn comparison_row(dir: &Path, scenario: &str, metric: &str) -> Vec<String> {
    let text = fs::read_to_string(dir.join("comparison.csv")).unwrap();
    let mut lines = text.lines();
    assert_eq!(
        lines.next().unwrap(),
        "scenario,metric,mean,half_width,n,diff_mean,diff_half_width,significant"
    );
    lines
        .map(|l| l.split(',').map(str::to_string).collect::<Vec<_>>())
        .find(|f| f[0] == scenario && f[1] == metric)
        .unwrap_or_else(|| panic!("no row {scenario} {metric} in comparison.csv"))
}

#[test]
fn paired_comparison_finds_no_difference_between_identical_scenarios() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("same");
    let table = nssim(&[
        "compare",
        "scenarios/fig-3-3-distributor.toml",
        "scenarios/fig-3-3-distributor.toml[name=twin]",
        "--set",
        "run.duration=1500ms",
        "--set",
        "run.warmup=500ms",
        "--replications",
        "4",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(
        table.contains("no correction for multiple comparisons"),
        "{table}"
    );
    for metric in ["latency_ms_mean", "latency_ms_p99", "throughput_per_s"] {
        let row = comparison_row(&out, "twin", metric);
        // Same seeds, same random numbers: the paired difference is exactly zero.
        assert_eq!(row[5], "0.000000", "{metric}: {row:?}");
        assert_eq!(row[7], "no", "{metric}: {row:?}");
        assert_eq!(row[4], "4");
    }
}

#[test]
fn paired_comparison_finds_the_parallel_listener_faster_than_figure_3_3() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("fig33");
    // Both scenarios run 15,000 requests/s.
    let table = nssim(&[
        "compare",
        "scenarios/fig-3-3-distributor.toml",
        "scenarios/parallel-listener.toml",
        "--set",
        "run.duration=2s",
        "--set",
        "run.warmup=500ms",
        "--set",
        "workload.rate=15000/s",
        "--replications",
        "5",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(
        table.contains("difference from fig-3-3-distributor"),
        "{table}"
    );
    let base = comparison_row(&out, "fig-3-3-distributor", "latency_ms_mean");
    assert_eq!(
        base[5..],
        ["", "", ""],
        "the base has no difference from itself"
    );
    let row = comparison_row(&out, "parallel-listener", "latency_ms_mean");
    let (diff, hw): (f64, f64) = (row[5].parse().unwrap(), row[6].parse().unwrap());
    assert_eq!(row[7], "yes", "{row:?}");
    assert!(
        diff < 0.0 && diff + hw < 0.0,
        "parallel listener not faster: {row:?}"
    );
    // The difference is the difference of the two means, replication by replication.
    let (a, b): (f64, f64) = (base[2].parse().unwrap(), row[2].parse().unwrap());
    assert!((b - a - diff).abs() < 1e-5, "{a} {b} {diff}");
    // The significant cell is marked in the table.
    let line = table
        .lines()
        .skip_while(|l| !l.starts_with("difference from"))
        .find(|l| l.starts_with("latency mean [ms]"))
        .unwrap();
    assert!(line.trim_end().ends_with('*'), "{line}");
}

/// Every file a run wrote (listed in `.nssim-written`) except the run manifest, which holds
/// wall-clock times.
fn written_files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    fs::read_to_string(dir.join(".nssim-written"))
        .unwrap()
        .lines()
        .filter(|l| !l.ends_with('/') && !l.ends_with("manifest.json"))
        .map(|l| (l.to_string(), fs::read(dir.join(l)).unwrap()))
        .collect()
}

#[test]
fn outputs_do_not_depend_on_the_number_of_workers() {
    let tmp = tempfile::tempdir().unwrap();
    let mut outputs = Vec::new();
    let mut tables = Vec::new();
    for jobs in ["1", "2"] {
        let out = tmp.path().join(format!("jobs{jobs}"));
        tables.push(nssim(&[
            "compare",
            "scenarios/fig-3-3-distributor.toml",
            "scenarios/tcpipv6-distributor.toml",
            "scenarios/parallel-listener.toml",
            "--set",
            "run.duration=1s",
            "--set",
            "run.warmup=200ms",
            "--replications",
            "3",
            "--jobs",
            jobs,
            "--out",
            out.to_str().unwrap(),
        ]));
        let manifest: serde_json::Value =
            serde_json::from_str(&fs::read_to_string(out.join("manifest.json")).unwrap()).unwrap();
        assert_eq!(manifest["jobs"], jobs.parse::<u64>().unwrap());
        assert_eq!(manifest["runs"].as_array().unwrap().len(), 9);
        outputs.push(written_files(&out));
    }
    assert!(outputs[0].len() > 10, "{:?}", outputs[0].len());
    let names = |o: &[(String, Vec<u8>)]| o.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>();
    assert_eq!(names(&outputs[0]), names(&outputs[1]));
    for ((name, a), (_, b)) in outputs[0].iter().zip(&outputs[1]) {
        assert!(a == b, "{name} differs between --jobs 1 and --jobs 2");
    }
    // The tables differ only in the folder named on their last line.
    let body = |t: &str| {
        t.lines()
            .filter(|l| !l.starts_with("wrote "))
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert_eq!(body(&tables[0]), body(&tables[1]));
}

#[test]
fn replication_k_alone_reproduces_its_row() {
    let tmp = tempfile::tempdir().unwrap();
    let all = tmp.path().join("all");
    let one = tmp.path().join("one");
    let common = [
        "run",
        "scenarios/tcpipv6-distributor.toml",
        "--set",
        "run.duration=1s",
        "--set",
        "run.warmup=200ms",
        "--seed",
        "5",
    ];
    let mut args = common.to_vec();
    args.extend(["--replications", "3", "--out", all.to_str().unwrap()]);
    nssim(&args);
    let mut args = common.to_vec();
    args.extend(["--replication", "2", "--out", one.to_str().unwrap()]);
    let summary = nssim(&args);
    let rows = |dir: &Path| -> Vec<String> {
        fs::read_to_string(dir.join("replications.csv"))
            .unwrap()
            .lines()
            .skip(1)
            .filter(|l| l.split(',').nth(1) == Some("2"))
            .map(str::to_string)
            .collect()
    };
    let (a, b) = (rows(&all), rows(&one));
    assert!(a.len() > 10, "{a:?}");
    assert_eq!(a, b);
    // The rerun is an ordinary single run with replication 2's seed.
    let seed = replication_seed(5, 2);
    assert!(
        summary.contains(&format!("seed        {seed}")),
        "{summary}"
    );
    let s: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(one.join("summary.json")).unwrap()).unwrap();
    assert_eq!(s["seed"], seed);
    // And the replicated summary records that seed for replication 2.
    let s: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(all.join("summary.json")).unwrap()).unwrap();
    assert_eq!(s["seeds"][1]["replication"], 2);
    assert_eq!(s["seeds"][1]["seed"], seed);
    assert_eq!(s["seeds"][0]["seed"], 5, "replication 1 is the master seed");
}

#[test]
fn a_precision_target_adds_replications_until_met() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("precise");
    let table = nssim(&[
        "run",
        "tests/data/mm1.toml",
        "--set",
        "run.duration=3s",
        "--set",
        "run.warmup=500ms",
        "--precision",
        "0.03",
        "--max-replications",
        "60",
        "--out",
        out.to_str().unwrap(),
    ]);
    let s: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(out.join("summary.json")).unwrap()).unwrap();
    let p = &s["precision"];
    assert_eq!(p["met"], true, "{table}");
    let n = s["replications"].as_u64().unwrap();
    assert!(n > 5 && n <= 60, "{n} replications");
    assert!(p["rounds"].as_u64().unwrap() >= 2);
    // Met means met: every chosen metric's relative half-width is within the target.
    for m in s["metrics"].as_array().unwrap() {
        if m["metric"] == "latency_ms_mean" || m["metric"] == "throughput_per_s" {
            let e = Estimate {
                mean: m["mean"].as_f64().unwrap(),
                half_width: m["half_width"].as_f64().unwrap(),
                n: m["n"].as_u64().unwrap() as usize,
            };
            assert!(e.relative_half_width() <= 0.03, "{m}");
            assert_eq!(e.n as u64, n);
        }
    }
    assert!(table.contains("precision target 3.00 %"), "{table}");
}

#[test]
fn bad_experiment_options_are_usage_errors_naming_the_flag() {
    let fails = |args: &[&str]| -> String {
        let out = Command::cargo_bin("nssim")
            .unwrap()
            .current_dir(repo(""))
            .args(["run", "tests/data/mm1.toml"])
            .args(args)
            .assert()
            .code(2)
            .get_output()
            .stderr
            .clone();
        String::from_utf8(out).unwrap()
    };
    let e = fails(&["--jobs", "0"]);
    assert!(
        e.contains("--jobs 0: the number of workers must be 1 to 1024"),
        "{e}"
    );
    let e = fails(&["--replications", "0"]);
    assert!(
        e.contains("--replications 0: allowed are 1 to 10000"),
        "{e}"
    );
    // All problems at once.
    let e = fails(&[
        "--precision",
        "1.5",
        "--max-replications",
        "1",
        "--precision-metric",
        "latency_mean",
    ]);
    assert!(e.contains("--precision 1.5"), "{e}");
    assert!(
        e.contains("--max-replications 1: allowed are 2 to 10000"),
        "{e}"
    );
    assert!(
        e.contains("--precision-metric 'latency_mean' is not a metric"),
        "{e}"
    );
    // A precision target needs its limit; --replication K excludes --replications.
    let e = fails(&["--precision", "0.02"]);
    assert!(e.contains("--max-replications"), "{e}");
    let e = fails(&["--replication", "2", "--replications", "3"]);
    assert!(e.contains("--replications"), "{e}");
}
