//! Issue 17: planning answers. `nssim sweep` (knees), `nssim capacity` (against an SLO, with a
//! processor down, over processor counts), `--shard` and `nssim merge` (byte for byte), and
//! bad input.

use std::fs;
use std::path::Path;

use assert_cmd::Command;
use serde_json::Value;

use crate::repo;

fn nssim() -> Command {
    let mut c = Command::cargo_bin("nssim").unwrap();
    c.current_dir(repo(""));
    c
}

const FIG_3_3: &str = "scenarios/fig-3-3-distributor.toml";
const PARALLEL: &str = "scenarios/parallel-listener.toml";

fn json(path: &Path) -> Value {
    serde_json::from_str(&fs::read_to_string(path).unwrap()).unwrap()
}

/// The offered load [requests/s] of a curve's knee in `sweep.json` (infinite when the curve
/// has none in range).
fn knee(sweep: &Value, curve: &str, which: &str) -> f64 {
    let c = sweep["curves"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["curve"] == curve)
        .unwrap_or_else(|| panic!("no curve {curve}"));
    c[which]["offered_load_per_s"]["mean"]
        .as_f64()
        .unwrap_or(f64::INFINITY)
}

#[test]
fn a_sweep_puts_figure_3_3s_knee_below_the_parallel_listeners() {
    // The sweep as written: 10,000/s to 30,000/s in steps of 2,500/s, 3 replications
    // of 5 s each. Figure 3-3's distributors saturate their three processors near 17,900/s
    // (`nssim explain`: ceiling 17,937/s); the parallel listener spreads the work over six
    // (ceiling 27,304/s).
    let out = tempfile::tempdir().unwrap();
    nssim()
        .args(["sweep", FIG_3_3, PARALLEL])
        .args(["--param", "workload.rate=10000/s..30000/s:step=2500/s"])
        .args(["--replications", "3", "--set", "run.duration=5s"])
        .args(["--p99-limit", "50ms", "--out"])
        .arg(out.path())
        .assert()
        .success()
        .stdout(predicates::str::contains("knee_throughput"));
    let s = json(&out.path().join("sweep.json"));
    let (f, p) = (
        knee(&s, "fig-3-3-distributor", "knee_throughput"),
        knee(&s, "parallel-listener", "knee_throughput"),
    );
    assert!(f < p, "throughput knees: fig-3-3 {f}, parallel {p}");
    assert!(f > 15_000.0 && f <= 20_000.0, "fig-3-3's knee {f}");
    let (f99, p99) = (
        knee(&s, "fig-3-3-distributor", "knee_p99"),
        knee(&s, "parallel-listener", "knee_p99"),
    );
    assert!(f99 < p99, "p99 knees: fig-3-3 {f99}, parallel {p99}");
    // One row per scenario, point and replication, plus a mean and a half-width row per point.
    let csv = fs::read_to_string(out.path().join("sweep.csv")).unwrap();
    let mut lines = csv.lines();
    let header = lines.next().unwrap();
    assert!(
        header.starts_with("scenario,parameter_workload.rate,replication,seed,statistic,n,"),
        "{header}"
    );
    assert_eq!(lines.count(), 2 * 9 * (3 + 2));
    // report.html: self-contained, every plot inline.
    let page = fs::read_to_string(out.path().join("report.html")).unwrap();
    for outside in ["http", "src=", "<link"] {
        assert!(!page.contains(outside), "report.html holds {outside}");
    }
    assert!(page.contains("knee"));
    for plot in ["sweep_latency", "sweep_throughput", "sweep_utilisation"] {
        for ext in ["png", "svg"] {
            assert!(out.path().join(format!("{plot}.{ext}")).is_file());
        }
        assert!(
            page.contains(&format!("{plot}.svg")),
            "{plot} not on the page"
        );
    }
}

/// `capacity` of the two scenarios with `extra` arguments: their capacities [requests/s].
fn capacities(extra: &[&str]) -> (f64, f64, Value) {
    let out = tempfile::tempdir().unwrap();
    nssim()
        .args(["capacity", FIG_3_3, PARALLEL, "--slo", "p99<50ms"])
        .args(["--set", "run.duration=5s"])
        .args(extra)
        .arg("--out")
        .arg(out.path())
        .assert()
        .success();
    let c = json(&out.path().join("capacity.json"));
    let page = fs::read_to_string(out.path().join("report.html")).unwrap();
    assert!(page.contains("capacity.csv") && !page.contains("http"));
    let cap = |i: usize| c["scenarios"][i]["capacity_per_s"].as_f64().unwrap();
    (cap(0), cap(1), c)
}

#[test]
fn a_capacity_search_ranks_them_as_the_sweep_does() {
    let (f, p, c) = capacities(&[]);
    assert!(f < p, "capacity at p99<50ms: fig-3-3 {f}, parallel {p}");
    for s in c["scenarios"].as_array().unwrap() {
        let lo = s["bracket_per_s"][0].as_f64().unwrap();
        let hi = s["bracket_per_s"][1].as_f64().unwrap();
        assert!(
            hi - lo < 0.01 * lo,
            "bracket {lo}..{hi} is not under 1 % of {lo}"
        );
        // The p99 interval at the capacity is below the objective, and the binding resource is
        // named.
        let at = &s["at_capacity"];
        let p99 = &at["objectives"][0]["estimate"];
        let upper = p99["mean"].as_f64().unwrap() + p99["half_width"].as_f64().unwrap();
        assert!(upper < 50.0, "{at}");
        assert!(at["binding"].as_str().unwrap().starts_with("cpu"), "{at}");
    }
    // The parallel listener's advantage is printed against the first scenario.
    assert!(c["scenarios"][1]["versus_first_per_s"].as_f64().unwrap() > 0.0);
}

#[test]
fn down_busiest_lowers_both_capacities() {
    let (f, p, _) = capacities(&[]);
    let (fd, pd, _) = capacities(&["--down", "busiest"]);
    assert!(fd < f, "fig-3-3: {fd} with a processor down, {f} without");
    assert!(pd < p, "parallel: {pd} with a processor down, {p} without");
}

#[test]
fn down_is_injected_at_the_end_of_the_warm_up() {
    // --down fails the processor when the warm-up ends, and the search runs with it.
    let out = tempfile::tempdir().unwrap();
    let a = nssim()
        .args([
            "capacity", PARALLEL, "--slo", "p99<50ms", "--down", "busiest",
        ])
        .args([
            "--set",
            "run.duration=3s",
            "--range",
            "1000/s..30000/s",
            "--out",
        ])
        .arg(out.path())
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&a.stderr);
    assert_eq!(a.status.code(), Some(0), "{err}");
    assert!(out.path().join("capacity.json").is_file());
}

/// The p99 latency [ms] and throughput of a plain `run` of the scale-out fixture on `k`
/// processors at 2,500/s.
fn scale_out_run(k: usize) -> (f64, f64) {
    let out = tempfile::tempdir().unwrap();
    let cpus: Vec<String> = (0..k).map(|c| c.to_string()).collect();
    nssim()
        .args(["run", "tests/data/scale-out.toml"])
        .arg(format!("--set=system.processors={k}"))
        .arg(format!("--set=server_class[0].cpus=[{}]", cpus.join(",")))
        .arg("--out")
        .arg(out.path())
        .assert()
        .success();
    let s = json(&out.path().join("summary.json"));
    (
        s["latency_ms"]["p99"].as_f64().unwrap(),
        s["throughput_per_s"].as_f64().unwrap(),
    )
}

#[test]
fn vary_processors_finds_the_least_count_that_meets_the_slo() {
    let out = tempfile::tempdir().unwrap();
    nssim()
        .args(["capacity", "tests/data/scale-out.toml", "--slo", "p99<20ms"])
        .args(["--vary", "system.processors=1..4"])
        .args(["--vary", "server_class[0].cpus=[0],[0,1],[0,1,2],[0,1,2,3]"])
        .args(["--rate", "2500/s", "--out"])
        .arg(out.path())
        .assert()
        .success()
        .stdout(predicates::str::contains("system.processors=3"));
    let c = json(&out.path().join("capacity.json"));
    let k: usize = c["scenarios"][0]["chosen"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(k, 3);
    // A plain run with that count meets the objective; one fewer does not (it is overloaded:
    // two processors carry at most 2,000 of the 2,500 requests/s).
    let (p99, _) = scale_out_run(k);
    assert!(p99 < 20.0, "p99 {p99} ms on {k} processors");
    let (p99, done) = scale_out_run(k - 1);
    assert!(
        p99 > 20.0 && done < 2_100.0,
        "p99 {p99} ms, {done}/s on {} processors",
        k - 1
    );
}

/// Every file of `dir` (not the lock and list files), name and bytes.
fn files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut f: Vec<(String, Vec<u8>)> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap())
        .filter(|e| !e.file_name().to_string_lossy().starts_with('.'))
        .map(|e| {
            (
                e.file_name().to_string_lossy().into_owned(),
                fs::read(e.path()).unwrap(),
            )
        })
        .collect();
    f.sort();
    f
}

#[test]
fn shards_merged_equal_one_run_byte_for_byte() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    let sweep = |extra: &[&str], out: &Path| {
        nssim()
            .args(["sweep", FIG_3_3, PARALLEL])
            .args(["--param", "workload.rate=10000/s,20000/s"])
            .args(["--param", "run.duration=2s,3s"])
            .args([
                "--replications",
                "2",
                "--warmup",
                "1s",
                "--p99-limit",
                "20ms",
            ])
            .args(extra)
            .arg("--out")
            .arg(out)
            .assert()
            .success();
    };
    sweep(&["--jobs", "2"], &t.join("whole"));
    for i in 0..3 {
        let shard = format!("{i}/3");
        sweep(
            &["--shard", &shard, "--jobs", "1"],
            &t.join(format!("s{i}")),
        );
        // A shard's folder holds no result that looks like the sweep's.
        assert_eq!(
            files(&t.join(format!("s{i}")))
                .iter()
                .map(|(n, _)| n.as_str())
                .collect::<Vec<_>>(),
            ["sweep-runs.json"]
        );
    }
    nssim()
        .args(["merge"])
        .args(["s2", "s0", "s1"].map(|d| t.join(d)))
        .arg("--out")
        .arg(t.join("merged"))
        .assert()
        .success();
    let (whole, merged) = (files(&t.join("whole")), files(&t.join("merged")));
    assert_eq!(
        whole.len(),
        10,
        "sweep-runs.json, sweep.csv, sweep.json, 3 plots x 2, report.html"
    );
    assert_eq!(
        whole.iter().map(|f| &f.0).collect::<Vec<_>>(),
        merged.iter().map(|f| &f.0).collect::<Vec<_>>()
    );
    for (a, b) in whole.iter().zip(&merged) {
        assert!(a.1 == b.1, "{} differs between the run and the merge", a.0);
    }
    // Capacity, sharded by scenario.
    let capacity = |extra: &[&str], out: &Path| {
        nssim()
            .args(["capacity", FIG_3_3, PARALLEL, "--slo", "p99<20ms"])
            .args(["--set", "run.duration=2s", "--warmup", "1s"])
            .args(["--range", "10000/s..30000/s", "--max-replications", "3"])
            .args(extra)
            .arg("--out")
            .arg(out)
            .assert()
            .success();
    };
    capacity(&[], &t.join("cwhole"));
    capacity(&["--shard", "0/2"], &t.join("c0"));
    capacity(&["--shard", "1/2"], &t.join("c1"));
    nssim()
        .args(["merge"])
        .args(["c0", "c1"].map(|d| t.join(d)))
        .arg("--out")
        .arg(t.join("cmerged"))
        .assert()
        .success();
    assert_eq!(files(&t.join("cwhole")), files(&t.join("cmerged")));
}

#[test]
fn bad_campaign_input_is_refused_with_nothing_written() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    let refused = |args: &[&str], out: &str, says: &[&str]| {
        let a = nssim()
            .args(args)
            .arg("--out")
            .arg(t.join(out))
            .assert()
            .code(2);
        let err = String::from_utf8_lossy(&a.get_output().stderr).into_owned();
        for s in says {
            assert!(err.contains(s), "{args:?}: {err}");
        }
        assert!(!err.contains("panicked"), "{err}");
        for f in [
            "sweep.csv",
            "sweep.json",
            "capacity.json",
            "capacity.csv",
            "report.html",
        ] {
            assert!(!t.join(out).join(f).exists(), "{args:?} wrote {f}");
        }
    };
    refused(
        &[
            "sweep",
            FIG_3_3,
            "--param",
            "workload.rate=10000/s..30000/s:step=0/s",
        ],
        "a",
        &["a range of zero steps", "the step must be greater than 0"],
    );
    refused(
        &[
            "sweep",
            FIG_3_3,
            "--param",
            "workload.rate=1/s",
            "--shard",
            "2/2",
        ],
        "b",
        &["--shard 2/2", "does not exist among 2"],
    );
    // Every problem at once.
    refused(
        &[
            "capacity", FIG_3_3, "--slo", "p99<fast", "--slo", "p95<5ms", "--shard", "2/2",
        ],
        "c",
        &["'fast'", "'p95' is not an objective", "--shard 2/2"],
    );
    // Shards of two different plans (different rates) are not merged.
    for (dir, rates) in [("p", "10000/s,20000/s"), ("q", "10000/s,25000/s")] {
        nssim()
            .args(["sweep", PARALLEL, "--param"])
            .arg(format!("workload.rate={rates}"))
            .args([
                "--replications",
                "2",
                "--set",
                "run.duration=2s",
                "--warmup",
                "1s",
            ])
            .args(["--shard", if dir == "p" { "0/2" } else { "1/2" }, "--out"])
            .arg(t.join(dir))
            .assert()
            .success();
    }
    let a = nssim()
        .arg("merge")
        .arg(t.join("p"))
        .arg(t.join("q"))
        .arg("--out")
        .arg(t.join("m"))
        .assert()
        .code(2);
    let err = String::from_utf8_lossy(&a.get_output().stderr).into_owned();
    assert!(err.contains("shards of different plans"), "{err}");
    assert!(!t.join("m").exists(), "a refused merge created its folder");
}

#[test]
fn vary_processor_type_finds_the_first_listed_type_that_meets_the_slo() {
    // Two processors at 2,500/s: NS1000 (speed 0.25, one core) carries about 500/s, NS16000
    // (speed 0.5, one core) 1,000/s, NS8 (speed 1.5, two cores) 6,000/s.
    let out = tempfile::tempdir().unwrap();
    nssim()
        .args(["capacity", "tests/data/scale-out.toml", "--slo", "p99<20ms"])
        .args([
            "--set",
            "system.processors=2",
            "--set",
            "server_class[0].cpus=[0,1]",
        ])
        .args(["--vary", "system.processor_type=NS1000,NS16000,NS8"])
        .args(["--rate", "2500/s", "--out"])
        .arg(out.path())
        .assert()
        .success();
    let c = json(&out.path().join("capacity.json"));
    assert_eq!(c["scenarios"][0]["chosen"], "NS8");
    let csv = fs::read_to_string(out.path().join("capacity.csv")).unwrap();
    let verdicts: Vec<&str> = csv
        .lines()
        .skip(1)
        .map(|l| l.split(',').nth(3).unwrap())
        .collect();
    assert_eq!(verdicts, ["fail", "fail", "pass"]);
    // A sweep over the same types places them at 0, 1, 2 and finds the throughput knee at
    // the first (the slowest type is the most overloaded).
    let out = tempfile::tempdir().unwrap();
    nssim()
        .args(["sweep", "tests/data/scale-out.toml"])
        .args([
            "--set",
            "system.processors=2",
            "--set",
            "server_class[0].cpus=[0,1]",
        ])
        .args(["--param", "system.processor_type=NS1000,NS16000,NS8"])
        .args(["--replications", "2", "--out"])
        .arg(out.path())
        .assert()
        .success();
    let s = json(&out.path().join("sweep.json"));
    assert_eq!(
        s["curves"][0]["knee_throughput"]["parameters"]["system.processor_type"],
        "NS1000"
    );
}
