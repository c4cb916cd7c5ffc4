//! `nssim bench`: nssim's speed and memory as ratios to a hand-written loop run in the same
//! invocation, so that no change slows the simulator unseen (issue 18).
//!
//! Workloads (`benches/README.md` describes them and keeps the baseline):
//! - (a) `mm4`: the M/M/4 reduction (`benches/mm4.toml`), rho = 0.9, at `requests` requests;
//! - (b) `closed-N`: N closed clients with a long think time in front of the same server class
//!   (`benches/closed.toml`), so the engine holds about N pending events; N = 10^2, 10^4,
//!   10^5, 10^6, each for about `requests` requests;
//! - (c) every scenario in `scenarios/`, at `requests` requests ([`shipped_overrides`]).
//!
//! Every (workload, engine) pair runs in a child process of its own (this binary again,
//! through the hidden `bench-child` subcommand), so its peak resident set is its own: the
//! child reads `VmHWM` from `/proc/self/status` after the run and prints one line of JSON.
//! Time is the child's thread CPU time around the whole simulation, setup included
//! (`CLOCK_THREAD_CPUTIME_ID`, which other processes sharing the cores do not inflate; wall
//! time off Linux). The reference ([`reference`], `benches/reference.rs`) runs
//! (a) and (b) as the same queues; a shipped scenario is divided by the reference's (a), the
//! queue every NonStop path reduces to. Ratios: requests/s and events/s nssim / reference
//! (higher is better), events per request and peak RSS nssim / reference (lower is better).
//!
//! `--quick` runs every workload at 2,000 requests, for the test suite, which checks event
//! counts, never times.

#[path = "../../benches/reference.rs"]
pub mod reference;

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use anyhow::{Context, anyhow};
use serde::{Deserialize, Serialize};

use crate::cli::{BenchArgs, Failure, finish_outputs, prepare, print_out};
use crate::scenario::{self, Arrivals, Scenario, Varying};
use reference::{Model, Servers};

/// `benches/mm4.toml`, compiled in so the bench runs from any folder.
const MM4_TOML: &str = include_str!("../../benches/mm4.toml");
/// `benches/closed.toml`.
const CLOSED_TOML: &str = include_str!("../../benches/closed.toml");
/// The closed workloads' pending events (clients).
pub const CLOSED_CLIENTS: [u32; 4] = [100, 10_000, 100_000, 1_000_000];
/// What the closed clients offer whatever their number [requests/s]: think time N / this.
const CLOSED_RATE_PER_S: f64 = 2000.0;
/// Requests per workload of a full bench.
pub const FULL_REQUESTS: u64 = 1_000_000;
/// Requests per workload with `--quick`.
pub const QUICK_REQUESTS: u64 = 2_000;
/// Seed of every bench run (the shipped scenarios keep their own).
const SEED: u64 = 1;
/// A shipped scenario's duration is this many times the time its rate needs for the requests.
const DURATION_MARGIN: f64 = 1.25;
/// The longest duration a scenario may have [s] (30 days).
const DURATION_MAX_S: f64 = 30.0 * 86_400.0;

/// One workload.
#[derive(Clone, Debug, PartialEq)]
pub enum Workload {
    /// (a) The M/M/4 reduction.
    Mm4,
    /// (b) Closed clients holding about this many pending events.
    Closed(u32),
    /// (c) A shipped scenario file.
    Shipped(PathBuf),
}

impl Workload {
    /// How a child is told which workload to run.
    pub fn id(&self) -> String {
        match self {
            Workload::Mm4 => "mm4".into(),
            Workload::Closed(n) => format!("closed-{n}"),
            Workload::Shipped(p) => p.display().to_string(),
        }
    }

    /// The inverse of [`Workload::id`].
    pub fn parse(id: &str) -> Workload {
        if id == "mm4" {
            return Workload::Mm4;
        }
        match id.strip_prefix("closed-").and_then(|n| n.parse().ok()) {
            Some(n) => Workload::Closed(n),
            None => Workload::Shipped(PathBuf::from(id)),
        }
    }

    /// Its name in the table: `M/M/4`, `closed 10^4`, a scenario file's stem.
    pub fn label(&self) -> String {
        match self {
            Workload::Mm4 => "M/M/4 rho 0.9".into(),
            Workload::Closed(n) => match n.checked_ilog10() {
                Some(e) if 10u32.pow(e) == *n => format!("closed 10^{e} pending"),
                _ => format!("closed {n} pending"),
            },
            Workload::Shipped(p) => p
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_else(|| p.display().to_string()),
        }
    }

    /// The group: `a`, `b` or `c`.
    pub fn group(&self) -> &'static str {
        match self {
            Workload::Mm4 => "a",
            Workload::Closed(_) => "b",
            Workload::Shipped(_) => "c",
        }
    }

    /// The scenario nssim runs for `requests` requests.
    pub fn scenario(&self, requests: u64) -> Result<Scenario, Failure> {
        let mut s = match self {
            Workload::Mm4 => {
                let duration_s = (DURATION_MARGIN * requests as f64 / 3600.0).ceil();
                let set = [
                    format!("run.max_requests={requests}"),
                    format!("run.duration={duration_s}s"),
                ];
                scenario::parse_str(MM4_TOML, "benches/mm4.toml", &set)?
            }
            Workload::Closed(n) => {
                let (think_ns, horizon_ns) = closed_times(*n, requests);
                let set = [
                    format!("workload.clients={n}"),
                    format!("workload.think.mean=\"{think_ns}ns\""),
                    format!("run.duration=\"{horizon_ns}ns\""),
                ];
                scenario::parse_str(CLOSED_TOML, "benches/closed.toml", &set)?
            }
            Workload::Shipped(path) => {
                let own = scenario::load(path, &[])?;
                scenario::load(path, &shipped_overrides(&own, requests))?
            }
        };
        if !matches!(self, Workload::Shipped(_)) {
            s.run.seed = SEED;
        }
        Ok(s)
    }

    /// The reference loop's queue for this workload: (c) divides by (a)'s.
    pub fn reference(&self, requests: u64) -> (Model, Servers) {
        let servers = Servers {
            count: 4,
            service_mean_ns: 1e6,
        };
        let model = match self {
            Workload::Mm4 | Workload::Shipped(_) => Model::Open {
                rate_per_s: 3600.0,
                customers: requests,
            },
            Workload::Closed(n) => {
                let (think_ns, horizon_ns) = closed_times(*n, requests);
                Model::Closed {
                    clients: *n,
                    think_mean_ns: think_ns as f64,
                    horizon_ns,
                }
            }
        };
        (model, servers)
    }
}

/// A closed workload's mean think time and duration [ns]: N clients offering
/// `CLOSED_RATE_PER_S` in all, for as long as `requests` of them take.
fn closed_times(clients: u32, requests: u64) -> (u64, u64) {
    let think_ns = (f64::from(clients) / CLOSED_RATE_PER_S * 1e9).round() as u64;
    let horizon_ns = (requests as f64 / CLOSED_RATE_PER_S * 1e9).round() as u64;
    (think_ns, horizon_ns)
}

/// What a shipped scenario offers per second, as far as its file says: an open rate (a
/// profile's last rate, an MMPP's time-weighted mean), or, for closed clients and Pathway/XM
/// terminals, one request per mean think time each (an upper bound: the response time adds
/// to it). `None` for a replayed trace, which ends when it ends.
pub fn offered_per_s(s: &Scenario) -> Option<f64> {
    let per_think = |d: &scenario::Dist| 1e9 / (d.mean().as_nanos().max(1) as f64);
    if let Some(w) = &s.workload {
        return match &w.arrivals {
            Arrivals::Open { interarrival } => Some(per_think(interarrival)),
            Arrivals::Varying(Varying::Profile { points, .. }) => {
                points.last().map(|p| p.1).filter(|r| *r > 0.0)
            }
            Arrivals::Varying(Varying::Mmpp { states }) => {
                let held: f64 = states.iter().map(|s| s.1.as_nanos() as f64).sum();
                let mass: f64 = states.iter().map(|s| s.0 * s.1.as_nanos() as f64).sum();
                Some(mass / held.max(1.0)).filter(|r| *r > 0.0)
            }
            Arrivals::Varying(Varying::Trace(_)) => None,
            Arrivals::Closed { clients, think, .. } => Some(f64::from(*clients) * per_think(think)),
        };
    }
    let xm = s.pathway_xm.as_ref()?;
    Some(xm.terms.iter().map(|t| per_think(&t.think)).sum())
}

/// The overrides that run a shipped scenario for `requests` requests: `run.max_requests`,
/// and a duration of 1.25 times what its rate needs for them (never shorter than its own, at
/// most 30 days), with the sample interval widened if the series would exceed 10,000 rows.
pub fn shipped_overrides(own: &Scenario, requests: u64) -> Vec<String> {
    let own_s = own.run.duration.as_secs_f64();
    let duration_s = match offered_per_s(own) {
        Some(rate) => (DURATION_MARGIN * requests as f64 / rate)
            .ceil()
            .clamp(own_s.ceil(), DURATION_MAX_S),
        None => own_s.ceil(),
    };
    let mut set = vec![
        format!("run.max_requests={requests}"),
        format!("run.duration={duration_s}s"),
    ];
    let span_ms = (duration_s + own.run.drain.as_secs_f64()) * 1e3;
    let interval_ms = (span_ms / 10_000.0).ceil();
    if interval_ms * 1e6 > own.run.sample_interval.as_nanos() as f64 {
        set.push(format!("run.sample_interval={interval_ms}ms"));
    }
    set
}

/// Which simulator a child runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Engine {
    /// nssim's model.
    Nssim,
    /// `benches/reference.rs`.
    Reference,
}

impl Engine {
    fn name(self) -> &'static str {
        match self {
            Engine::Nssim => "nssim",
            Engine::Reference => "reference",
        }
    }
}

/// What one child measured.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Measured {
    /// Requests offered (nssim) or customers arrived (reference).
    pub requests: u64,
    /// Events the loop processed.
    pub events: u64,
    /// Thread CPU time of the simulation, setup included [s] (wall time off Linux).
    pub cpu_s: f64,
    /// Wall time of the same [s].
    pub wall_s: f64,
    /// Peak resident set of the child (`VmHWM`) [KiB].
    pub peak_rss_kib: u64,
    /// Resident set of the child before the run (`VmRSS`) [KiB]: the binary's share.
    pub start_rss_kib: u64,
    /// Most events pending at once (reference only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pending_max: Option<u64>,
}

/// Runs one (engine, workload) in this process and returns what it measured: the body of
/// a child. Call it in a fresh process, or the peak RSS is not this run's.
pub fn measure(engine: Engine, workload: &Workload, requests: u64) -> Result<Measured, Failure> {
    let start_rss_kib = status_kib("VmRSS").unwrap_or(0);
    let (requests, events, pending_max, cpu_s, wall_s) = match engine {
        Engine::Nssim => {
            let s = workload.scenario(requests)?;
            let (r, cpu_s, wall_s) = timed(|| crate::model::simulate(&s));
            (r.requests.offered, r.events, None, cpu_s, wall_s)
        }
        Engine::Reference => {
            let (model, servers) = workload.reference(requests);
            let (o, cpu_s, wall_s) = timed(|| reference::run(model, servers, SEED));
            (o.arrivals, o.events, Some(o.pending_max), cpu_s, wall_s)
        }
    };
    Ok(Measured {
        requests,
        events,
        cpu_s,
        wall_s,
        peak_rss_kib: status_kib("VmHWM").unwrap_or(0),
        start_rss_kib,
        pending_max,
    })
}

/// `f()` with its thread CPU time and wall time [s].
fn timed<T>(f: impl FnOnce() -> T) -> (T, f64, f64) {
    let cpu0 = thread_cpu_ns();
    let wall = Instant::now();
    let out = std::hint::black_box(f());
    let wall_s = wall.elapsed().as_secs_f64();
    let cpu_s = match (cpu0, thread_cpu_ns()) {
        (Some(a), Some(b)) => (b - a) as f64 / 1e9,
        _ => wall_s,
    };
    (out, cpu_s, wall_s)
}

/// Time this thread has run on a processor [ns] (`CLOCK_THREAD_CPUTIME_ID`, Linux).
#[cfg(target_os = "linux")]
fn thread_cpu_ns() -> Option<u64> {
    let t = rustix::time::clock_gettime(rustix::time::ClockId::ThreadCPUTime);
    u64::try_from(t.tv_sec)
        .ok()?
        .checked_mul(1_000_000_000)?
        .checked_add(u64::try_from(t.tv_nsec).ok()?)
}

/// No thread CPU clock here: wall time is used.
#[cfg(not(target_os = "linux"))]
fn thread_cpu_ns() -> Option<u64> {
    None
}

/// A `kB` line of `/proc/self/status` (Linux).
fn status_kib(key: &str) -> Option<u64> {
    let text = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = text.lines().find(|l| l.starts_with(key))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// The hidden `bench-child ENGINE WORKLOAD REQUESTS`: measures and prints one JSON line.
pub fn child_main(engine: &str, workload: &str, requests: u64) -> Result<(), Failure> {
    let engine = match engine {
        "nssim" => Engine::Nssim,
        "reference" => Engine::Reference,
        e => {
            return Err(Failure::Usage(format!(
                "error: bench-child: engine '{e}' is not 'nssim' or 'reference'"
            )));
        }
    };
    let m = measure(engine, &Workload::parse(workload), requests)?;
    let line = serde_json::to_string(&m).expect("plain data serializes");
    print_out(&format!("{line}\n"))
}

/// How to start a child: an executable and the arguments before `ENGINE WORKLOAD REQUESTS`.
#[derive(Clone, Debug)]
pub struct Runner {
    /// The executable.
    pub exe: PathBuf,
    /// Arguments that select the child mode (`["bench-child"]` for `nssim`).
    pub prefix: Vec<String>,
}

impl Runner {
    /// This executable, with `bench-child` (the `nssim` binary, or a program that handles the
    /// same arguments by calling [`child_main`]).
    pub fn this() -> anyhow::Result<Runner> {
        Ok(Runner {
            exe: std::env::current_exe().context("could not find the running executable")?,
            prefix: vec!["bench-child".into()],
        })
    }

    fn run(&self, engine: Engine, w: &Workload, requests: u64) -> anyhow::Result<Measured> {
        let out = Command::new(&self.exe)
            .args(&self.prefix)
            .args([engine.name(), &w.id(), &requests.to_string()])
            .output()
            .with_context(|| format!("could not start '{}'", self.exe.display()))?;
        let stdout = String::from_utf8_lossy(&out.stdout);
        if !out.status.success() {
            return Err(anyhow!(
                "{} on {} failed ({}):\n{}",
                engine.name(),
                w.id(),
                out.status,
                String::from_utf8_lossy(&out.stderr).trim_end()
            ));
        }
        let line = stdout.lines().last().unwrap_or("");
        serde_json::from_str(line).with_context(|| {
            format!(
                "{} on {}: unreadable result '{line}'",
                engine.name(),
                w.id()
            )
        })
    }
}

/// What to run.
#[derive(Clone, Debug)]
pub struct Plan {
    /// The workloads, (a), (b), (c) in that order.
    pub workloads: Vec<Workload>,
    /// Requests per workload.
    pub requests: u64,
    /// Children per (workload, engine); the one with the least CPU time is kept.
    pub runs: u32,
    /// The command line, for the record.
    pub command: String,
}

impl Plan {
    /// Every workload, the shipped scenarios read from `scenarios` (sorted by name), those
    /// whose label contains `only` (all without it).
    pub fn new(
        scenarios: &Path,
        quick: bool,
        runs: u32,
        only: Option<&str>,
        command: String,
    ) -> Result<Plan, Failure> {
        let mut files: Vec<PathBuf> = std::fs::read_dir(scenarios)
            .map_err(|e| {
                Failure::Usage(format!(
                    "error: could not read the scenarios folder '{}': {e}; run from the \
                     repository's root or give --scenarios DIR",
                    scenarios.display()
                ))
            })?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "toml"))
            .collect();
        files.sort();
        let mut workloads = vec![Workload::Mm4];
        workloads.extend(CLOSED_CLIENTS.map(Workload::Closed));
        workloads.extend(files.into_iter().map(Workload::Shipped));
        if let Some(only) = only {
            workloads.retain(|w| w.label().contains(only) || w.id().contains(only));
            if workloads.is_empty() {
                return Err(Failure::Usage(format!(
                    "error: --only '{only}' matches no workload; workloads are mm4, \
                     closed-N and the scenario files' names"
                )));
            }
        }
        Ok(Plan {
            workloads,
            requests: if quick { QUICK_REQUESTS } else { FULL_REQUESTS },
            runs: runs.max(1),
            command,
        })
    }
}

/// One workload's figures.
#[derive(Clone, Debug, Serialize)]
pub struct Row {
    /// Label in the table.
    pub workload: String,
    /// What a child is told (`mm4`, `closed-N`, a scenario path).
    pub id: String,
    /// The group: a, b, c.
    pub group: String,
    /// nssim's run.
    pub nssim: Measured,
    /// The reference's run it is divided by ((a)'s for a shipped scenario).
    pub reference: Measured,
    /// The ratios, nssim / reference.
    pub ratio: Ratios,
}

/// nssim / reference.
#[derive(Clone, Copy, Debug, Serialize)]
pub struct Ratios {
    /// Requests per CPU second (higher is better).
    pub requests_per_s: f64,
    /// Events per CPU second (higher is better).
    pub events_per_s: f64,
    /// Events per request (lower is better).
    pub events_per_request: f64,
    /// Peak resident set (lower is better).
    pub peak_rss: f64,
}

impl Ratios {
    fn of(n: &Measured, r: &Measured) -> Ratios {
        let per = |a: u64, b: f64| a as f64 / b.max(1e-9);
        Ratios {
            requests_per_s: per(n.requests, n.cpu_s) / per(r.requests, r.cpu_s),
            events_per_s: per(n.events, n.cpu_s) / per(r.events, r.cpu_s),
            events_per_request: per(n.events, n.requests as f64) / per(r.events, r.requests as f64),
            peak_rss: n.peak_rss_kib as f64 / (r.peak_rss_kib as f64).max(1.0),
        }
    }
}

/// Everything one bench measured (`bench.json`).
#[derive(Clone, Debug, Serialize)]
pub struct Report {
    /// The command that ran it.
    pub command: String,
    /// Requests per workload.
    pub requests: u64,
    /// Children per (workload, engine), the fastest kept.
    pub runs: u32,
    /// Processor model and count, from `/proc/cpuinfo`.
    pub machine: String,
    /// What the times are.
    pub time: String,
    /// One per workload.
    pub workloads: Vec<Row>,
    /// Geometric mean of the requests/s ratios.
    pub geomean_requests_per_s: f64,
}

/// Runs the plan, each (workload, engine) in `plan.runs` children of `runner`; `progress`
/// hears of each child as it ends.
pub fn run_plan(
    plan: &Plan,
    runner: &Runner,
    mut progress: impl FnMut(&str),
) -> Result<Report, Failure> {
    // Bad scenarios are reported before anything runs.
    for w in &plan.workloads {
        w.scenario(plan.requests)?;
    }
    let mut best = |engine: Engine, w: &Workload| -> Result<Measured, Failure> {
        let mut kept: Option<Measured> = None;
        for _ in 0..plan.runs {
            let m = runner.run(engine, w, plan.requests).map_err(Failure::Run)?;
            progress(&format!(
                "{:<24} {:<9} {:>12} events in {:.3} s CPU, peak RSS {} MiB",
                w.label(),
                engine.name(),
                m.events,
                m.cpu_s,
                m.peak_rss_kib / 1024
            ));
            if let Some(k) = &kept {
                // A run is deterministic: a second one that differs is a bug.
                if (k.events, k.requests) != (m.events, m.requests) {
                    return Err(Failure::Run(anyhow!(
                        "{} on {}: two runs differ ({} and {} events)",
                        engine.name(),
                        w.id(),
                        k.events,
                        m.events
                    )));
                }
            }
            if kept.as_ref().is_none_or(|k| m.cpu_s < k.cpu_s) {
                kept = Some(m);
            }
        }
        Ok(kept.expect("at least one run"))
    };
    let mut rows = Vec::new();
    let mut mm4_reference: Option<Measured> = None;
    for w in &plan.workloads {
        let reference = match (w, &mm4_reference) {
            (Workload::Shipped(_), Some(r)) => r.clone(),
            _ => {
                let r = best(Engine::Reference, w)?;
                if matches!(w, Workload::Mm4 | Workload::Shipped(_)) {
                    mm4_reference = Some(r.clone());
                }
                r
            }
        };
        let nssim = best(Engine::Nssim, w)?;
        rows.push(Row {
            workload: w.label(),
            id: w.id(),
            group: w.group().into(),
            ratio: Ratios::of(&nssim, &reference),
            nssim,
            reference,
        });
    }
    let logs: f64 = rows.iter().map(|r| r.ratio.requests_per_s.ln()).sum();
    Ok(Report {
        command: plan.command.clone(),
        requests: plan.requests,
        runs: plan.runs,
        machine: machine(),
        time: "thread CPU time of each child's simulation, setup included".into(),
        geomean_requests_per_s: (logs / rows.len().max(1) as f64).exp(),
        workloads: rows,
    })
}

/// `AMD EPYC, 2 cores`: the first `model name` of `/proc/cpuinfo` and the processor count.
fn machine() -> String {
    let model = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|t| {
            t.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split_once(':'))
                .map(|(_, m)| m.trim().to_string())
        })
        .unwrap_or_else(|| "unknown processor".into());
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    format!("{model}, {cores} cores")
}

/// The table `nssim bench` prints (and the README quotes): the request count and events per
/// request of both, then the four ratios.
pub fn table(r: &Report) -> String {
    let mut t = String::new();
    // The name column is as wide as the longest workload name, so long scenario names align.
    let names: Vec<String> = r
        .workloads
        .iter()
        .map(|row| format!("({}) {}", row.group, row.workload))
        .collect();
    let w = names.iter().map(|n| n.len()).max().unwrap_or(0).max(28);
    let _ = writeln!(
        t,
        "{:<w$} {:>9} {:>7} {:>7} | {:>6} {:>8} {:>6} {:>8}",
        "workload", "requests", "ev/req", "ref", "req/s", "events/s", "ev/req", "peak RSS"
    );
    for (row, name) in r.workloads.iter().zip(&names) {
        let per = |m: &Measured| m.events as f64 / (m.requests as f64).max(1.0);
        let _ = writeln!(
            t,
            "{:<w$} {:>9} {:>7.2} {:>7.2} | {:>6.3} {:>8.3} {:>6.2} {:>8.2}",
            name,
            row.nssim.requests,
            per(&row.nssim),
            per(&row.reference),
            row.ratio.requests_per_s,
            row.ratio.events_per_s,
            row.ratio.events_per_request,
            row.ratio.peak_rss
        );
    }
    let _ = writeln!(
        t,
        "right of |: nssim / reference; geometric mean of req/s: {:.3}",
        r.geomean_requests_per_s
    );
    t
}

/// `nssim bench`.
pub fn cmd_bench(a: &BenchArgs) -> Result<(), Failure> {
    let mut command = String::from("nssim bench");
    if a.quick {
        command += " --quick";
    }
    if a.runs != 1 {
        command += &format!(" --runs {}", a.runs);
    }
    if let Some(o) = &a.only {
        command += &format!(" --only {o}");
    }
    let plan = Plan::new(&a.scenarios, a.quick, a.runs, a.only.as_deref(), command)?;
    let out = a
        .out
        .clone()
        .unwrap_or_else(|| Path::new("output").join("bench"));
    let outputs = prepare(&out, &[])?;
    let runner = Runner::this().map_err(Failure::Run)?;
    eprintln!(
        "nssim: bench, {} workloads at {} requests, {} run(s) each",
        plan.workloads.len(),
        plan.requests,
        plan.runs
    );
    let report = run_plan(&plan, &runner, |line| eprintln!("  {line}"))?;
    let written = finish_outputs(outputs, |out| {
        let path = out.join("bench.json");
        let mut json = serde_json::to_string_pretty(&report).expect("plain data serializes");
        json.push('\n');
        std::fs::write(&path, json)
            .with_context(|| format!("could not write '{}'", path.display()))?;
        Ok(vec![path])
    })?;
    print_out(&format!(
        "{}machine: {}; time: {}\nwrote {written} files to {}\n",
        table(&report),
        report.machine,
        report.time,
        out.display()
    ))
}
