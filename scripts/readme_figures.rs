//! Every figure of `README.md`, from fresh runs: `scripts/readme-figures` rewrites them,
//! `scripts/readme-figures --check` fails naming each one that differs (CI runs the check).
//!
//! Figures are marked in the README, invisible when it is rendered:
//!
//! - a block (a command's output, a table) sits between two lines
//!   `<!-- figures:NAME -->` and `<!-- /figures -->`, and is replaced whole;
//! - a number in prose or in a table cell is written `<!--fig:NAME-->81<!--/fig-->`.
//!
//! A name ending in `~` is volatile (wall-clock speed, which no two runs share): rewritten from
//! a fresh run, never checked. Every marker must have a figure here and every figure a marker.
//! Besides the figures, [`claims`] checks what the prose says about them ("all three keep up",
//! "response time no worse"); a claim that no longer holds fails both modes, since the prose
//! then needs a human. So does a `--set KEY=VALUE` example in the README that does not
//! validate on the main scenario.
//!
//! The runs are the README's own commands at the scenarios' own durations, through the same
//! library calls as the CLI (`scenario::load`, `cli::simulate_all`, `report::comparison_table`,
//! `cli::check_report`), so a figure is what the command prints. The scenarios' settings
//! quoted in prose (seed, duration, rate) are read from the files themselves.
//!
//! Usage: `cargo run --release --example readme_figures -- [--check] [README.md]`.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, anyhow, bail};

use nssim::cli::{Failure, check_report, simulate_all};
use nssim::experiment::{self, Replicated};
use nssim::report::{comparison_table, replicated_table, terminal_summary};
use nssim::scenario::{self, Scenario};
use nssim::stats::{PathmonShare, RunResults};

const MAIN: [&str; 3] = [
    "scenarios/fig-3-3-distributor.toml",
    "scenarios/tcpipv6-distributor.toml",
    "scenarios/parallel-listener.toml",
];
const ACS_CORRECT: &str = "scenarios/acs-server-correct.toml";
const ACS_WRONG: &str = "scenarios/acs-server-wrong.toml";
const ACS_LOW: &str = "scenarios/acs-low-load.toml";
const ACS_DYNAMIC: &str = "scenarios/acs-dynamic-servers.toml";
const XM: &str = "scenarios/pathway-xm-terminals.toml";
/// The README's processor failure: the same processor lost at the same moment in the two
/// listening models.
const FAILURE: [&str; 2] = [
    "scenarios/processor-failure-distributor.toml",
    "scenarios/processor-failure-parallel-listener.toml",
];
/// The README's speed run: one million requests of Figure 3-3.
const SPEED_SET: [&str; 2] = ["run.duration=100s", "run.max_requests=1000000"];
/// Runs of the speed measurement when rewriting (a range needs more than one).
const SPEED_RUNS: usize = 3;
/// `--replications` of the README's replicated comparison.
const REPLICATIONS: u32 = 5;

fn main() -> ExitCode {
    // `nssim bench`'s children, when the bench table is rewritten: this program again.
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let [mode, engine, workload, requests] = args.as_slice()
        && mode == "bench-child"
    {
        let requests = requests.parse().unwrap_or(0);
        return match nssim::cli::bench::child_main(engine, workload, requests) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("readme-figures: bench child: {}", failure(e));
                ExitCode::from(1)
            }
        };
    }
    let mut check = false;
    let mut readme = "README.md".to_string();
    for arg in std::env::args().skip(1) {
        match arg.as_str() {
            "--check" => check = true,
            a if a.starts_with('-') => {
                eprintln!("readme-figures: unknown option '{a}'; usage: [--check] [README.md]");
                return ExitCode::from(2);
            }
            a => readme = a.to_string(),
        }
    }
    match run(Path::new(&readme), check) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(e) => {
            eprintln!("readme-figures: error: {e:#}");
            ExitCode::from(2)
        }
    }
}

/// Regenerates or checks; `Ok(false)` when a figure differs (check) or a claim fails.
fn run(readme: &Path, check: bool) -> anyhow::Result<bool> {
    let text = std::fs::read_to_string(readme)
        .with_context(|| format!("could not read '{}'", readme.display()))?;
    let bad_examples = set_examples_that_fail(&text);
    let fresh = Fresh::run(!check, &text)?;
    let figures = figures(&fresh)?;
    let applied = apply(&text, &figures)?;
    let name = readme.display();
    let mut ok = true;
    let changed: Vec<&Change> = applied.changes.iter().filter(|c| c.old != c.new).collect();
    if check {
        for c in changed.iter().filter(|c| !c.name.ends_with('~')) {
            ok = false;
            eprintln!(
                "{name}: figure '{}' differs from a fresh run:\n{}",
                c.name,
                diff(&c.old, &c.new)
            );
        }
        if ok {
            let volatile = applied
                .changes
                .iter()
                .filter(|c| c.name.ends_with('~'))
                .count();
            // Markers, not distinct figures: a figure marked twice is checked twice.
            println!(
                "{name}: all {} marked figures match fresh runs ({volatile} volatile wall-clock figures \
                 not checked)",
                applied.changes.len() - volatile
            );
        } else {
            eprintln!("{name}: regenerate with scripts/readme-figures, then review the prose");
        }
    } else {
        if applied.text != text {
            std::fs::write(readme, &applied.text)
                .with_context(|| format!("could not write '{}'", readme.display()))?;
        }
        let names: Vec<&str> = changed.iter().map(|c| c.name.as_str()).collect();
        println!(
            "{name}: {} figures from fresh runs, {} changed{}{}",
            applied.changes.len(),
            names.len(),
            if names.is_empty() { "" } else { ": " },
            names.join(", ")
        );
    }
    for (example, problem) in &bad_examples {
        ok = false;
        eprintln!(
            "{name}: the example '--set {example}' fails on {}: {problem}",
            MAIN[0]
        );
    }
    for failed in claims(&fresh) {
        ok = false;
        eprintln!("{name}: the prose claims what a fresh run no longer shows: {failed}");
    }
    Ok(ok)
}

// ---------------------------------------------------------------------------------------------
// The runs

/// Fresh results of every run the README quotes.
struct Fresh {
    main_15k: Vec<RunResults>,
    /// The main comparison with `--replications 5`, scenario by scenario.
    main_15k_replicated: Vec<Replicated>,
    main_20k: Vec<RunResults>,
    acs_correct: RunResults,
    acs_wrong: RunResults,
    acs_low: RunResults,
    acs_dynamic: RunResults,
    xm: RunResults,
    /// The processor failure in both listening models.
    failure: Vec<RunResults>,
    /// Speed runs: the first is deterministic (events), the rest only add wall-clock samples.
    speed: Vec<RunResults>,
    /// `nssim bench`'s table (volatile): a fresh one when rewriting, the README's own when
    /// checking (the bench takes minutes and its figures are never checked).
    bench: String,
}

impl Fresh {
    /// Runs everything, independent runs two or more at a time (`cli::simulate_all`). With
    /// `timing`, the speed run is repeated for a wall-clock range and the bench runs;
    /// without, the bench table is the one in `readme`.
    fn run(timing: bool, readme: &str) -> anyhow::Result<Fresh> {
        let mut scenarios = Vec::new();
        for path in MAIN {
            scenarios.push(load(path, &[])?);
        }
        for path in MAIN {
            scenarios.push(load(path, &["workload.rate=20000/s"])?);
        }
        for path in [ACS_CORRECT, ACS_WRONG, ACS_LOW, ACS_DYNAMIC, XM] {
            scenarios.push(load(path, &[])?);
        }
        for path in FAILURE {
            scenarios.push(load(path, &[])?);
        }
        let mut results = simulate_all(&scenarios).into_iter();
        let mut take = |n: usize| -> Vec<RunResults> { results.by_ref().take(n).collect() };
        let main_15k = take(3);
        let main_20k = take(3);
        let mut acs = take(5).into_iter();
        let mut next = || acs.next().expect("five Pathway runs");
        let (acs_correct, acs_wrong, acs_low, acs_dynamic, xm) =
            (next(), next(), next(), next(), next());
        let failure = take(2);
        // As `compare --replications 5` runs them (labels: the scenarios' names).
        let main: Vec<Scenario> = scenarios[..MAIN.len()].to_vec();
        let variants: Vec<experiment::Variant> = main
            .iter()
            .map(|s| experiment::Variant::plain(&s.name))
            .collect();
        let replicated = experiment::replicate(
            &main,
            &variants,
            1,
            REPLICATIONS,
            None,
            experiment::default_jobs(),
        );
        let main_15k_replicated = replicated.groups(main.len());
        // Speed runs one at a time, so they do not share the processors with anything.
        let speed_scenario = load(MAIN[0], &SPEED_SET)?;
        let runs = if timing { SPEED_RUNS } else { 1 };
        let speed = (0..runs)
            .map(|_| nssim::model::simulate(&speed_scenario))
            .collect();
        let bench = if timing {
            bench_table()?
        } else {
            block(readme, BENCH).unwrap_or_default()
        };
        Ok(Fresh {
            bench,
            main_15k,
            main_15k_replicated,
            main_20k,
            acs_correct,
            acs_wrong,
            acs_low,
            acs_dynamic,
            xm,
            failure,
            speed,
        })
    }
}

/// The README's bench table.
const BENCH: &str = "bench~";

/// `nssim bench` (the full bench, one run per workload), its children this program again,
/// as a fenced block with the machine and the command.
fn bench_table() -> anyhow::Result<String> {
    use nssim::cli::bench;
    let plan = bench::Plan::new(Path::new("scenarios"), false, 1, None, "nssim bench".into())
        .map_err(failure)?;
    let runner = bench::Runner::this()?;
    eprintln!(
        "readme-figures: nssim bench ({} workloads)",
        plan.workloads.len()
    );
    let report = bench::run_plan(&plan, &runner, |_| {}).map_err(failure)?;
    Ok(format!(
        "```text\n$ nssim bench\n{}machine: {}; time: {}\n```\n",
        bench::table(&report),
        report.machine,
        report.time
    ))
}

/// The text of block figure `name` in `readme`, if it has one.
fn block(readme: &str, name: &str) -> Option<String> {
    let open = format!("{BLOCK_OPEN}{name} -->\n");
    let start = readme.find(&open)? + open.len();
    let len = readme[start..].find(BLOCK_CLOSE)?;
    Some(readme[start..start + len].to_string())
}

fn load(path: &str, set: &[&str]) -> anyhow::Result<Scenario> {
    let set: Vec<String> = set.iter().map(|s| s.to_string()).collect();
    scenario::load(Path::new(path), &set).map_err(|e| anyhow!("{path}: {e}"))
}

// ---------------------------------------------------------------------------------------------
// The figures

/// Every figure by name.
fn figures(f: &Fresh) -> anyhow::Result<BTreeMap<String, String>> {
    let mut m = BTreeMap::new();
    let mut put = |name: &str, text: String| {
        m.insert(name.to_string(), text);
    };
    let [f33, v6, pl] = [&f.main_15k[0], &f.main_15k[1], &f.main_15k[2]];
    put(
        "compare-15k",
        format!("```text\n{}```\n", comparison_table(&f.main_15k)),
    );
    put(
        "compare-failure",
        format!("```text\n{}```\n", comparison_table(&f.failure)),
    );
    let [fd, fp] = [&f.failure[0], &f.failure[1]];
    let faults = |r: &RunResults| r.faults.clone().expect("a run with faults");
    put(
        "failure_pl_recovery",
        format!(
            "{:.1}",
            faults(fp).faults[0]
                .recovery_s
                .ok_or_else(|| anyhow!("the parallel listeners did not recover"))?
        ),
    );
    put(
        "failure_dist_refused",
        thousands(fd.requests.refused as f64),
    );
    put(
        "compare-15k-replicated",
        format!(
            "```text\n{}```\n",
            replicated_table(&f.main_15k_replicated, None)
        ),
    );
    put("main_replications", REPLICATIONS.to_string());
    let run = raw_table(MAIN[0], "run")?;
    put("main_seed", raw_value(&run, "seed")?);
    put("main_duration", spaced_unit(&raw_value(&run, "duration")?));
    put("main_warmup", spaced_unit(&raw_value(&run, "warmup")?));
    let rate = raw_value(&raw_table(MAIN[0], "workload")?, "rate")?;
    let per_s: f64 = rate
        .trim_end_matches("/s")
        .parse()
        .with_context(|| format!("{}: workload.rate '{rate}' is not N/s", MAIN[0]))?;
    put("main_rate", thousands(per_s));
    put("f33_15k_busy_3_5", format!("{:.0}", busy_pct(f33, 3..=5)));
    put(
        "pl_15k_busy_max",
        format!("{:.0}", busy_pct(pl, 0..=u32::MAX)),
    );
    put("hops_f33", hops(f33));
    put("hops_v6", hops(v6));
    put("hops_pl", hops(pl));

    let [f33, v6, pl] = [&f.main_20k[0], &f.main_20k[1], &f.main_20k[2]];
    put("f33_20k_throughput", thousands(f33.throughput_per_s));
    put("f33_20k_busy_3_5", format!("{:.0}", busy_pct(f33, 3..=5)));
    put(
        "f33_20k_syn_drops",
        thousands(f33.requests.syn_drops as f64),
    );
    put("f33_20k_failed", thousands(f33.requests.failed as f64));
    put("f33_20k_p99", latency(f33.latency_ms.p99));
    put(
        "v6_20k_busy_max",
        format!("{:.1}", busy_pct(v6, 0..=u32::MAX)),
    );
    put(
        "pl_20k_busy_max",
        format!("{:.1}", busy_pct(pl, 0..=u32::MAX)),
    );
    put("v6_20k_throughput", thousands(v6.throughput_per_s));
    put("pl_20k_throughput", thousands(pl.throughput_per_s));
    put("v6_20k_p99", latency(v6.latency_ms.p99));
    put("pl_20k_p99", latency(pl.latency_ms.p99));

    put("acs_correct_links", links_cell(&f.acs_correct));
    put("acs_wrong_links", links_cell(&f.acs_wrong));
    put("acs_low_links", links_cell(&f.acs_low));
    let low = pathmons(&f.acs_low);
    let links: u64 = low.iter().map(|p| p.links_granted).sum();
    let requests: u64 = low.iter().map(|p| p.requests).sum();
    put(
        "acs_low_requests_per_link",
        thousands(two_significant(requests as f64 / links.max(1) as f64)),
    );
    put(
        "acs_low_mean",
        format!("{:.2} ms", f.acs_low.latency_ms.mean),
    );
    put(
        "acs_correct_mean",
        format!("{:.2} ms", f.acs_correct.latency_ms.mean),
    );
    let dynamic = pathmons(&f.acs_dynamic);
    let shares = |v: fn(&PathmonShare) -> f64| -> String {
        let s: Vec<String> = dynamic.iter().map(|p| format!("{:.0}", v(p))).collect();
        s.join(" / ")
    };
    put("acs_dynamic_links", shares(|p| p.link_share));
    put("acs_dynamic_requests", shares(|p| p.request_share));
    let xm =
        f.xm.pathway_xm
            .as_ref()
            .ok_or_else(|| anyhow!("{XM}: no Pathway/XM results"))?;
    let share = |pick: fn(f64, f64) -> f64, start: f64| {
        xm.tcps.iter().map(|t| t.request_share).fold(start, pick)
    };
    put(
        "xm_tcp_share_range",
        format!(
            "{:.1}-{:.1}",
            share(f64::min, f64::INFINITY),
            share(f64::max, 0.0)
        ),
    );
    put("acs_wrong_domain_line", domain_line(&f.acs_wrong)?);

    let warning = check_report(Path::new(ACS_WRONG), &[]).map_err(failure)?;
    put(
        "check-warning",
        format!("```text\n{}\n```\n", warning.warnings.join("\n")),
    );
    put("check-errors", format!("```text\n{}\n```\n", bad_check()?));
    let misspelled = bad_scenario(&[("\ncores = 1\n", "\ncoers = 1\n")])?;
    let first = misspelled
        .lines()
        .nth(1)
        .ok_or_else(|| anyhow!("the misspelled key gave no problem line: {misspelled}"))?;
    put("check-misspelled", format!("`` {first} ``"));

    put(BENCH, f.bench.clone());
    let speed = &f.speed;
    put(
        "speed_events",
        format!("{:.2} M", speed[0].events as f64 / 1e6),
    );
    let range = |v: fn(&RunResults) -> f64, fmt: fn(f64) -> String| {
        let lo = speed.iter().map(v).fold(f64::INFINITY, f64::min);
        let hi = speed.iter().map(v).fold(0.0, f64::max);
        let (a, b) = (fmt(lo), fmt(hi));
        if a == b { a } else { format!("{a}-{b}") }
    };
    put(
        "speed_wall~",
        format!("{} s", range(|r| r.wall_s, |v| format!("{v:.1}"))),
    );
    put(
        "speed_rate~",
        format!(
            "{} M",
            range(|r| r.events_per_s, |v| format!("{:.1}", v / 1e6))
        ),
    );
    Ok(m)
}

/// What the prose says about the figures, each checked on the fresh runs; returns the claims
/// that no longer hold.
fn claims(f: &Fresh) -> Vec<String> {
    let keeps_up = |r: &RunResults| {
        r.requests.failed == 0 && r.throughput_per_s >= 0.99 * r.offered_per_s.max(1e-9)
    };
    let mut failed = Vec::new();
    let mut claim = |holds: bool, text: &str| {
        if !holds {
            failed.push(text.to_string());
        }
    };
    claim(
        f.main_15k.iter().all(keeps_up),
        "\"At this load all three keep up\" (no failure, completed >= 99 % of offered)",
    );
    claim(
        busy_pct(&f.main_15k[0], 3..=5) >= busy_pct(&f.main_15k[0], 0..=2),
        "Figure 3-3's processors 3-5 are its busiest at 15,000/s",
    );
    claim(
        busy_pct(&f.main_15k[2], 0..=u32::MAX) < busy_pct(&f.main_15k[0], 3..=5),
        "the parallel listeners' busiest processor is less busy than Figure 3-3's 3-5",
    );
    // The replicated comparison: each alternative's paired difference from Figure 3-3 is
    // significant, and negative, in mean latency and busiest processor.
    let base = f.main_15k_replicated[0].metrics();
    for other in &f.main_15k_replicated[1..] {
        let diffs = experiment::paired(&base, &other.metrics());
        for metric in ["latency_ms_mean", "busiest_processor_busy_ratio"] {
            let better = diffs
                .iter()
                .find(|(name, _)| name == metric)
                .is_some_and(|(_, d)| d.mean + d.half_width < 0.0);
            claim(
                better,
                &format!(
                    "with --replications 5, {} is significantly below Figure 3-3 in {metric}",
                    other.label
                ),
            );
        }
    }
    let f33 = &f.main_20k[0];
    claim(
        !keeps_up(f33) && f33.requests.syn_drops > 0 && f33.requests.failed > 0,
        "at 20,000/s Figure 3-3 saturates: SYNs dropped, requests failed",
    );
    let (v6, pl) = (&f.main_20k[1], &f.main_20k[2]);
    claim(
        keeps_up(v6) && keeps_up(pl),
        "at 20,000/s the TCP/IPv6 distributors and parallel listeners still complete what they \
         are offered",
    );
    claim(
        f33.throughput_per_s < v6.throughput_per_s.min(pl.throughput_per_s),
        "at 20,000/s Figure 3-3 completes least",
    );
    let wrong = pathmons(&f.acs_wrong);
    claim(
        wrong
            .first()
            .is_some_and(|p| p.link_share < p.weight - 10.0),
        "SERVER-WRONG: $PM1 cannot take its 50 % (link share 10 points or more below weight)",
    );
    let links = |r: &RunResults| pathmons(r).iter().map(|p| p.links_granted).sum::<u64>();
    claim(
        links(&f.acs_low) < links(&f.acs_correct),
        "acs-low-load: few links (fewer than SERVER-CORRECT under load)",
    );
    let deviation = |r: &RunResults| {
        pathmons(r)
            .iter()
            .map(|p| p.deviation_pp)
            .fold(0.0, f64::max)
    };
    claim(
        deviation(&f.acs_low) > deviation(&f.acs_correct),
        "acs-low-load: link shares further from the weights than SERVER-CORRECT under load",
    );
    claim(
        f.acs_low.latency_ms.mean <= f.acs_correct.latency_ms.mean * 1.02,
        "acs-low-load: response time no worse than under load (mean within 2 %)",
    );
    failed
}

/// Every `--set KEY=VALUE` the README shows (placeholders such as `key.path=value` aside),
/// each validated on the main scenario; returns those that fail, with the first problem.
fn set_examples_that_fail(readme: &str) -> Vec<(String, String)> {
    let mut examples: Vec<String> = Vec::new();
    for (i, _) in readme.match_indices("--set ") {
        let rest = &readme[i + "--set ".len()..];
        // A quoted argument (`--set 'k={ a = 1 }'`) runs to its closing quote, as a shell
        // reads it; a bare one to the next space or backquote.
        let example = match rest.chars().next() {
            Some(q @ ('\'' | '"')) => {
                let body = &rest[1..];
                &body[..body.find(q).unwrap_or(body.len())]
            }
            _ => {
                let end = rest
                    .find(|c: char| c.is_whitespace() || c == '`')
                    .unwrap_or(rest.len());
                &rest[..end]
            }
        };
        if example.contains('=')
            && !example.contains("key.path")
            && !examples.iter().any(|e| e == example)
        {
            examples.push(example.to_string());
        }
    }
    examples
        .into_iter()
        .filter_map(|e| {
            let problem = scenario::load(Path::new(MAIN[0]), std::slice::from_ref(&e)).err()?;
            Some((
                e,
                problem.to_string().lines().next().unwrap_or("").to_string(),
            ))
        })
        .collect()
}

/// One entry per PATHMON of the run's first send target, in order. (A PATHMON reported twice
/// for one class counts once.)
fn pathmons(r: &RunResults) -> Vec<&PathmonShare> {
    let mut seen: Vec<&PathmonShare> = Vec::new();
    for p in &r.pathmons {
        let first = r.pathmons[0].server_class.as_str();
        if p.server_class == first && !seen.iter().any(|s| s.name == p.name) {
            seen.push(p);
        }
    }
    seen
}

/// `8 / 2 / 7 granted, 47.1 / 11.8 / 41.2 % of links held`: links granted and link share
/// (of the links held, time average) per PATHMON.
fn links_cell(r: &RunResults) -> String {
    let p = pathmons(r);
    let links: Vec<String> = p.iter().map(|p| p.links_granted.to_string()).collect();
    let shares: Vec<String> = p.iter().map(|p| format!("{:.1}", p.link_share)).collect();
    format!(
        "{} granted, {} % of links held",
        links.join(" / "),
        shares.join(" / ")
    )
}

/// `` `domain %DOM / SERVER-WRONG: links $PM1 12.5 % (w 50), ...` ``: the start of the
/// `domain` line `nssim run` prints.
fn domain_line(r: &RunResults) -> anyhow::Result<String> {
    let summary = terminal_summary(r);
    let line = summary
        .lines()
        .find(|l| l.starts_with("domain "))
        .ok_or_else(|| anyhow!("{}: no domain line in\n{summary}", r.scenario))?;
    let line = line.split_whitespace().collect::<Vec<_>>().join(" ");
    let first = line.split(", ").next().unwrap_or(&line);
    Ok(format!("`{first}, ...`"))
}

/// The README's example of a bad scenario: Figure 3-3 with a unitless duration and a server
/// class on a processor that does not exist, as `check` reports it.
fn bad_check() -> anyhow::Result<String> {
    bad_scenario(&[
        ("\nduration = \"20s\"\n", "\nduration = \"20\"\n"),
        ("cpus = [0, 1, 2]", "cpus = [0, 1, 9]"),
    ])
}

/// Figure 3-3 with `edits`, validated as `scenarios/x.toml`: the message `check` prints.
fn bad_scenario(edits: &[(&str, &str)]) -> anyhow::Result<String> {
    let mut text = std::fs::read_to_string(MAIN[0]).with_context(|| MAIN[0].to_string())?;
    for (from, to) in edits {
        if !text.contains(from) {
            bail!(
                "{}: {from:?} not found; update the README's bad example",
                MAIN[0]
            );
        }
        text = text.replacen(from, to, 1);
    }
    match scenario::parse_str(&text, "scenarios/x.toml", &[]) {
        Ok(_) => bail!("the README's bad example {edits:?} is valid"),
        Err(e) => match Failure::from(e) {
            Failure::Usage(m) => Ok(m),
            Failure::Run(e) => Err(e),
            Failure::Differ => bail!("a scenario error is never a difference"),
        },
    }
}

fn failure(f: Failure) -> anyhow::Error {
    match f {
        Failure::Usage(m) => anyhow!("{m}"),
        Failure::Run(e) => e,
        Failure::Differ => anyhow!("the runs differ"),
    }
}

/// The largest busy percentage among the processors with ids in `ids`.
fn busy_pct(r: &RunResults, ids: std::ops::RangeInclusive<u32>) -> f64 {
    r.processors
        .iter()
        .filter(|p| ids.contains(&p.id))
        .map(|p| 100.0 * p.busy_ratio)
        .fold(0.0, f64::max)
}

/// `4`, or `3.97` when the mean is not a whole number of hops.
fn hops(r: &RunResults) -> String {
    let h = r.hops_per_request_mean;
    if (h - h.round()).abs() < 0.005 {
        format!("{h:.0}")
    } else {
        format!("{h:.2}")
    }
}

/// `7.0 s`, `296 ms`, `3.6 ms`.
fn latency(ms: f64) -> String {
    if ms >= 1000.0 {
        format!("{:.1} s", ms / 1000.0)
    } else if ms >= 100.0 {
        format!("{ms:.0} ms")
    } else {
        format!("{ms:.1} ms")
    }
}

/// `18,461`: rounded to a whole number, with thousands separators.
fn thousands(v: f64) -> String {
    let digits = format!("{:.0}", v.abs());
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if v < 0.0 && digits != "0" {
        out.insert(0, '-');
    }
    out
}

/// `1489.75` -> `1500`.
fn two_significant(v: f64) -> f64 {
    if v <= 0.0 || !v.is_finite() {
        return 0.0;
    }
    let scale = 10f64.powf(v.log10().floor() - 1.0);
    (v / scale).round() * scale
}

/// `20s` -> `20 s`, as prose writes a quantity.
fn spaced_unit(v: &str) -> String {
    match v.find(|c: char| c.is_ascii_alphabetic()) {
        Some(i) => format!("{} {}", &v[..i], &v[i..]),
        None => v.to_string(),
    }
}

/// A table of a scenario file as written (`[run]`, `[workload]`).
fn raw_table(path: &str, table: &str) -> anyhow::Result<toml::Table> {
    let text = std::fs::read_to_string(path).with_context(|| path.to_string())?;
    let doc: toml::Table = text.parse().with_context(|| path.to_string())?;
    match doc.get(table) {
        Some(toml::Value::Table(t)) => Ok(t.clone()),
        _ => bail!("{path}: no [{table}] table"),
    }
}

/// A value of a table as written: strings without quotes, numbers as typed.
fn raw_value(t: &toml::Table, key: &str) -> anyhow::Result<String> {
    match t.get(key) {
        Some(toml::Value::String(s)) => Ok(s.clone()),
        Some(v) => Ok(v.to_string()),
        None => bail!("no '{key}'"),
    }
}

// ---------------------------------------------------------------------------------------------
// Markers

const BLOCK_OPEN: &str = "<!-- figures:";
const BLOCK_CLOSE: &str = "<!-- /figures -->";
const INLINE_OPEN: &str = "<!--fig:";
const INLINE_CLOSE: &str = "<!--/fig-->";

/// One marked figure: its text in the README and from the fresh run.
#[derive(Debug, PartialEq)]
struct Change {
    name: String,
    old: String,
    new: String,
}

/// The README with every marked figure replaced.
#[derive(Debug)]
struct Applied {
    text: String,
    /// Every marker, in README order.
    changes: Vec<Change>,
}

/// Replaces the body of every marker with its figure (a figure may be marked more than once,
/// e.g. the seed). Fails on a marker without a figure, a figure without a marker and an
/// unterminated marker.
fn apply(readme: &str, figures: &BTreeMap<String, String>) -> anyhow::Result<Applied> {
    let mut out = String::with_capacity(readme.len());
    let mut changes = Vec::new();
    let mut rest = readme;
    let line_of = |rest: &str| readme[..readme.len() - rest.len()].matches('\n').count() + 1;
    loop {
        let block = rest.find(BLOCK_OPEN);
        let inline = rest.find(INLINE_OPEN);
        let (at, is_block) = match (block, inline) {
            (None, None) => break,
            (Some(b), Some(i)) if i < b => (i, false),
            (Some(b), _) => (b, true),
            (None, Some(i)) => (i, false),
        };
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let line = line_of(rest);
        let (open, close, open_end) = if is_block {
            (BLOCK_OPEN, BLOCK_CLOSE, " -->\n")
        } else {
            (INLINE_OPEN, INLINE_CLOSE, "-->")
        };
        let head_len = rest
            .find(open_end)
            .ok_or_else(|| anyhow!("line {line}: marker without '{}'", open_end.trim()))?;
        let name = rest[open.len()..head_len].trim().to_string();
        let body_start = head_len + open_end.len();
        let body_len = rest[body_start..]
            .find(close)
            .ok_or_else(|| anyhow!("line {line}: figure '{name}' has no closing {close}"))?;
        let old = &rest[body_start..body_start + body_len];
        let new = figures
            .get(&name)
            .ok_or_else(|| anyhow!("line {line}: no figure is called '{name}'"))?;
        out.push_str(&rest[..body_start]);
        out.push_str(new);
        out.push_str(close);
        changes.push(Change {
            name,
            old: old.to_string(),
            new: new.clone(),
        });
        rest = &rest[body_start + body_len + close.len()..];
    }
    out.push_str(rest);
    let unmarked: Vec<&str> = figures
        .keys()
        .filter(|k| !changes.iter().any(|c| &c.name == *k))
        .map(String::as_str)
        .collect();
    if !unmarked.is_empty() {
        bail!(
            "figures with no marker in the README: {}",
            unmarked.join(", ")
        );
    }
    Ok(Applied { text: out, changes })
}

/// The lines that differ, README first, indented.
fn diff(old: &str, new: &str) -> String {
    let (a, b): (Vec<&str>, Vec<&str>) = (old.lines().collect(), new.lines().collect());
    let mut s = String::new();
    for i in 0..a.len().max(b.len()) {
        let (x, y) = (a.get(i).copied(), b.get(i).copied());
        if x != y {
            let _ = writeln!(s, "  README: {}", x.unwrap_or("(no line)"));
            let _ = writeln!(s, "  fresh:  {}", y.unwrap_or("(no line)"));
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn figs(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn inline_and_block_markers_are_replaced_and_reported() {
        let readme =
            "a <!--fig:x-->1<!--/fig--> b\n<!-- figures:t -->\nold\n<!-- /figures -->\nend\n";
        let f = figs(&[("x", "2"), ("t", "new\nlines\n")]);
        let a = apply(readme, &f).unwrap();
        assert_eq!(
            a.text,
            "a <!--fig:x-->2<!--/fig--> b\n<!-- figures:t -->\nnew\nlines\n<!-- /figures -->\nend\n"
        );
        assert_eq!(a.changes.len(), 2);
        assert_eq!(a.changes[0].old, "1");
        assert_eq!(a.changes[1].old, "old\n");
        // Applying again changes nothing.
        let again = apply(&a.text, &f).unwrap();
        assert_eq!(again.text, a.text);
        assert!(again.changes.iter().all(|c| c.old == c.new));
    }

    #[test]
    fn markers_and_figures_must_match() {
        let e = apply("<!--fig:y-->1<!--/fig-->", &figs(&[("y", "1"), ("z", "2")]));
        assert!(format!("{:#}", e.unwrap_err()).contains("no marker in the README: z"));
        let e = apply("x\n<!--fig:q-->1<!--/fig-->", &figs(&[]));
        assert!(format!("{:#}", e.unwrap_err()).contains("line 2: no figure is called 'q'"));
        let e = apply("<!--fig:y-->1", &figs(&[("y", "1")]));
        assert!(format!("{:#}", e.unwrap_err()).contains("no closing"));
        let twice = apply(
            "<!--fig:y-->1<!--/fig--> <!--fig:y-->3<!--/fig-->",
            &figs(&[("y", "2")]),
        );
        assert_eq!(
            twice.unwrap().text,
            "<!--fig:y-->2<!--/fig--> <!--fig:y-->2<!--/fig-->"
        );
    }

    #[test]
    fn numbers_read_as_prose_writes_them() {
        assert_eq!(thousands(18460.6), "18,461");
        assert_eq!(thousands(999.0), "999");
        assert_eq!(thousands(1_234_567.0), "1,234,567");
        assert_eq!(two_significant(1489.75), 1500.0);
        assert_eq!(latency(7004.0), "7.0 s");
        assert_eq!(latency(3.62), "3.6 ms");
        assert_eq!(latency(296.2), "296 ms");
        assert_eq!(spaced_unit("20s"), "20 s");
        assert_eq!(diff("a\nb\n", "a\nc\n"), "  README: b\n  fresh:  c\n");
    }
}
