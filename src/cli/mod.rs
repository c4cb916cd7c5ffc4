//! The `nssim` command line: parse, validate, run, export.
//!
//! Exit codes: 0 success; 1 a run or an output file failed; 2 bad usage or a bad scenario.
//! A violated simulator invariant panics (a bug, reported loudly, never a silent result).

mod args;
pub mod bench;
mod campaign;
mod capacity;
mod compare;
mod diverge;
mod experiment;
mod explain;
mod merge;
mod progress;
mod report_page;
mod stopped;
mod sweep;
mod written;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use clap::Parser;

pub use crate::experiment::simulate_all;
pub use args::{
    BenchArgs, BenchChildArgs, CampaignOptions, CapacityArgs, CheckArgs, CheckCommand, Cli,
    Command, CompareArgs, DivergeArgs, ExperimentOptions, ExplainArgs, MergeArgs, ProgressOptions,
    ProgressWhen, RunArgs, SimOptions, SweepArgs,
};
pub use compare::{ScenarioArg, folder_name, label, parse_scenario_arg};

use crate::model;
use crate::report;
use crate::scenario::{self, Scenario, ScenarioError};
use crate::stats::RunResults;

/// Entry point of the binary.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let hint = set_with_a_space(&std::env::args().collect::<Vec<_>>());
            match hint.filter(|_| e.kind() == clap::error::ErrorKind::UnknownArgument) {
                Some(hint) => {
                    let _ = e.print();
                    eprintln!("{hint}");
                    return ExitCode::from(2);
                }
                None => e.exit(),
            }
        }
    };
    match run(cli.command) {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Usage(msg)) => {
            eprintln!("{msg}");
            ExitCode::from(2)
        }
        Err(Failure::Run(e)) => {
            eprintln!("error: {e:#}");
            ExitCode::from(1)
        }
        Err(Failure::Differ) => ExitCode::from(1),
    }
}

/// The hint for `--set key.path value` (a space where `=` belongs), which clap reports only as
/// an unexpected argument.
fn set_with_a_space(args: &[String]) -> Option<String> {
    args.windows(3).find_map(|w| {
        let spaced = w[0] == "--set" && !w[1].contains('=') && !w[2].starts_with('-');
        spaced.then(|| {
            format!(
                "hint: `--set {} {}` has a space where `=` belongs; write --set {}={}",
                w[1], w[2], w[1], w[2]
            )
        })
    })
}

/// Why a command did not succeed.
#[derive(Debug)]
pub enum Failure {
    /// Bad input (scenario or arguments): exit 2.
    Usage(String),
    /// The run or its outputs failed: exit 1.
    Run(anyhow::Error),
    /// `diverge` found the runs differ (already reported): exit 1, like `cmp`.
    Differ,
}

impl From<ScenarioError> for Failure {
    fn from(e: ScenarioError) -> Self {
        Failure::Usage(format!("error: invalid scenario\n{e}"))
    }
}

/// Runs one subcommand.
pub fn run(command: Command) -> Result<(), Failure> {
    match command {
        Command::Run(a) => cmd_run(&a),
        Command::Compare(a) => compare::cmd_compare(&a),
        Command::Check(a) => cmd_check(&a),
        Command::Explain(a) => explain::cmd_explain(&a),
        Command::Diverge(a) => diverge::cmd_diverge(&a),
        Command::Sweep(a) => sweep::cmd_sweep(&a),
        Command::Capacity(a) => capacity::cmd_capacity(&a),
        Command::Merge(a) => merge::cmd_merge(&a),
        Command::Bench(a) => bench::cmd_bench(&a),
        Command::BenchChild(a) => bench::child_main(&a.engine, &a.workload, a.requests),
    }
}

/// Loads and validates a scenario for a run with overrides `set`, printing its configuration
/// warnings, and applies `--seed`.
/// `--window FROM..TO` for scenario `s` (loaded from `path`): sets the span it reports, or
/// says what is wrong with it.
fn set_window(s: &mut Scenario, path: &Path, window: Option<&str>) -> Result<(), Failure> {
    let Some(text) = window else { return Ok(()) };
    let usage = |m: String| Failure::Usage(format!("error: --window {text}: {m}"));
    let Some((from, to)) = text.split_once("..") else {
        return Err(usage(
            "write FROM..TO with durations, e.g. --window 8s..14s".into(),
        ));
    };
    let parse = |t: &str| scenario::units::parse_duration(t.trim());
    let (from, to) = match (parse(from), parse(to)) {
        (Ok(f), Ok(t)) => (f, t),
        (Err(e), _) | (_, Err(e)) => return Err(usage(format!("{e}; e.g. --window 8s..14s"))),
    };
    let end = crate::engine::SimDuration(s.run.duration.0.saturating_add(s.run.drain.0));
    let problem = if from >= to {
        Some(format!("FROM ({from}) must come before TO ({to})"))
    } else if to > end {
        Some(format!(
            "TO ({to}) is past the end of the run in '{}' ({end}: run.duration {} + run.drain {})",
            path.display(),
            s.run.duration,
            s.run.drain
        ))
    } else if from < s.run.warmup {
        Some(format!(
            "FROM ({from}) is inside the warm-up of '{}' ({}); start the window at {} or later",
            path.display(),
            s.run.warmup,
            s.run.warmup
        ))
    } else {
        None
    };
    if let Some(m) = problem {
        return Err(usage(m));
    }
    s.run.report_window = Some((from, to));
    Ok(())
}

fn load(path: &Path, set: &[String], seed: Option<u64>) -> Result<Scenario, Failure> {
    let mut s = scenario::load(path, set)?;
    for w in scenario::warnings_with(&s, Some(&capacity(&s))) {
        eprintln!("{}: {w}", path.display());
    }
    if let Some(seed) = seed {
        s.run.seed = seed;
    }
    Ok(s)
}

/// `explain`'s capacity of `s`, for the warnings that compare load with it. The bounds are
/// those of the intact system: faults are left out.
fn capacity(s: &Scenario) -> scenario::Capacity {
    if s.faults.list.is_empty() {
        crate::model::explain(s).capacity()
    } else {
        let mut intact = s.clone();
        intact.faults.list.clear();
        crate::model::explain(&intact).capacity()
    }
}

/// N-1 at peak: for each processor, whether the others carry the workload's peak rate once it
/// has failed (its pairs taken over, AUTORESTART done), by `explain`'s ceiling of that state
/// (`model::without`). A warning per processor they cannot, or that cannot fail at all
/// without losing a listener, a PATHMON or a class. The same for each PIF of a failover pair
/// (its partner carries its addresses) and each CLIM (its interfaces fail over to the other
/// CLIMs); a PIF without a partner or a CLIM without failover interfaces is not a
/// capacity question (its connections are lost, as `run` shows) and gets no warning here.
fn n_minus_one(s: &Scenario) -> Vec<String> {
    let Some(rate) = s
        .workload
        .as_ref()
        .and_then(|w| scenario::peak_rate(&w.arrivals))
    else {
        return Vec::new();
    };
    let mut intact = s.clone();
    intact.faults.list.clear();
    let mut out = Vec::new();
    for cpu in 0..s.system.processors {
        match crate::model::without(&intact, &[crate::model::Target::Processor(cpu)]) {
            Ok(down) => {
                let c = crate::model::explain_down(&down).capacity();
                if rate > c.ceiling_per_s {
                    out.push(format!(
                        "warning: with processor {cpu} down the others carry at most {:.0} requests/s ({}), below the {rate:.0}/s offered: losing it at the peak overloads them (`nssim explain --down {cpu}`)",
                        c.ceiling_per_s, c.bottleneck
                    ));
                }
            }
            Err(why) if s.pathway_xm.is_none() => out.push(format!(
                "warning: processor {cpu} is a single point of failure: {why}"
            )),
            Err(_) => {}
        }
    }
    use crate::model::Target;
    let mut others: Vec<Target> = s
        .tcpip
        .failover
        .iter()
        .flatten()
        .map(|p| Target::Pif(p.clone()))
        .collect();
    others.extend(s.tcpip.clims.iter().map(|c| Target::Clim(c.name.clone())));
    for t in others {
        if let Ok(down) = crate::model::without(&intact, std::slice::from_ref(&t)) {
            let c = crate::model::explain_down(&down).capacity();
            if rate > c.ceiling_per_s {
                out.push(format!(
                    "warning: with {} down the rest carry at most {:.0} requests/s ({}), below the {rate:.0}/s offered: losing it at the peak overloads them (`nssim explain --down {}`)",
                    t.describe(),
                    c.ceiling_per_s,
                    c.bottleneck,
                    t.arg()
                ));
            }
        }
    }
    out
}

fn cmd_check(a: &CheckCommand) -> Result<(), Failure> {
    let report = check_report(&a.check.scenario, &a.check.sets())?;
    for w in &report.warnings {
        eprintln!("{w}");
    }
    if a.quiet {
        return Ok(());
    }
    print_out(&report.ok)
}

/// What `nssim check` prints for a valid scenario (the README's figures use it too).
#[derive(Clone, Debug)]
pub struct CheckReport {
    /// Configuration warnings, one line each, as printed on stderr.
    pub warnings: Vec<String>,
    /// The `PATH: ok: ...` line with its newline, as printed on stdout.
    pub ok: String,
}

/// Validates `path` with overrides `set` and returns what `nssim check` prints; a bad scenario
/// is `Failure::Usage` with the message `check` prints on stderr.
pub fn check_report(path: &Path, set: &[String]) -> Result<CheckReport, Failure> {
    let s = scenario::load(path, set)?;
    // Named by the file, as `run` names them.
    let warnings = scenario::warnings_with(&s, Some(&capacity(&s)))
        .into_iter()
        .chain(n_minus_one(&s))
        .map(|w| format!("{}: {w}", path.display()))
        .collect();
    let stack = match s.tcpip.stack {
        scenario::StackKind::Conventional => "conventional",
        scenario::StackKind::Parallel => "parallel",
        scenario::StackKind::Cip => "cip",
    };
    let population = match &s.pathway_xm {
        Some(xm) => {
            let plan = crate::model::pathway_xm::assign(xm);
            format!(
                "Pathway/XM: {} terminals on {} TCPs under {} PATHMONs, {} replicated server class(es)",
                xm.terms.len(),
                plan.tcps.len(),
                plan.pathmons.len(),
                xm.server_classes.len()
            )
        }
        None => format!(
            "{stack} stack, {} listener(s), {} PATHMON(s), {} domain(s), {} server class(es)",
            s.listeners.len(),
            s.pathmons.len(),
            s.domains.len(),
            s.server_classes.len()
        ),
    };
    let mut ok = format!(
        "{}: ok: scenario '{}', {} processors, {population}\n",
        path.display(),
        s.name,
        s.system.processors
    );
    // The faults' timeline, with detection drawn as a run with this seed draws it.
    for planned in
        crate::model::fault::timeline(&s.faults, s.run.seed, s.system.processors, s.run.duration)
    {
        ok.push_str(&format!(
            "  fault: {}\n",
            crate::model::fault::describe(
                &planned,
                &s.tcpip.hosts().concat(),
                &s.tcpip
                    .clims
                    .iter()
                    .map(|c| c.name.clone())
                    .collect::<Vec<_>>(),
            )
        ));
    }
    Ok(CheckReport { warnings, ok })
}

fn cmd_run(a: &RunArgs) -> Result<(), Failure> {
    use experiment::Mode;
    let mut s = load(&a.scenario, &a.options.sets(), a.options.seed)
        .map_err(|f| a.options.name_warmup(f))?;
    set_window(&mut s, &a.scenario, a.window.as_deref())?;
    let (mode, jobs) = experiment::mode(&a.experiment)?;
    let tracing = a.trace.is_some() || a.trace_hash;
    if tracing && matches!(mode, Mode::Replicated { .. }) {
        return Err(Failure::Usage(
            "error: --trace and --trace-hash follow one run; with replications, trace one of \
             them with --replication K"
                .into(),
        ));
    }
    let variants = [crate::experiment::Variant::plain(&s.name).labelled(a.label.as_deref())];
    let label = variants[0].label();
    if label.trim().is_empty() {
        return Err(Failure::Usage(
            "error: --label is empty; give the run a name, e.g. --label peak-8cpu".into(),
        ));
    }
    let out = a.options.out.clone().unwrap_or_else(|| match &a.label {
        Some(_) => Path::new("output").join(folder_name(&label)),
        None => Path::new("output").join(&s.name),
    });
    let outputs = prepare(&out, &[])?;
    let what = match &mode {
        Mode::Single => format!("seed {}", s.run.seed),
        Mode::One(k) => format!(
            "replication {k} of master seed {}: seed {}",
            s.run.seed,
            crate::experiment::replication_seed(s.run.seed, *k)
        ),
        Mode::Replicated { replications, .. } => format!(
            "{replications} replications of master seed {}, {jobs} worker(s)",
            s.run.seed
        ),
    };
    let progress = progress::Progress::new(&a.progress, jobs);
    progress.say(&format!("nssim: running '{label}' ({what})"));
    let scenarios = std::slice::from_ref(&s);
    let (mut e, recorded) = if tracing {
        let k = if let Mode::One(k) = mode { k } else { 1 };
        let runs = crate::experiment::plan(scenarios, &variants, k..=k);
        let mut one = s.clone();
        one.run.seed = runs[0].seed;
        use crate::experiment::Observer as _;
        progress.planned(scenarios, &runs);
        let (r, recorded) = simulate_recorded(&one, a)?;
        progress.finished(&runs[0], &r);
        let e = crate::experiment::Experiment {
            runs,
            results: vec![r],
            precision: None,
        };
        (e, Some(recorded))
    } else {
        (
            experiment::run(scenarios, &variants, &mode, jobs, &progress),
            None,
        )
    };
    progress.finish();
    for r in &mut e.results {
        if !a.batch_means {
            r.batch_means = None;
        }
    }
    let stop = stopped::explain_stops(scenarios, &mut e);
    let notes = report::warmup_warnings(&e);
    for w in &notes {
        eprintln!("{w}");
    }
    let groups = experiment::groups(&e, 1);
    let manifest = |out: &Path| experiment::write_manifest(out, jobs, &e.runs, &e.results);
    let text = report_page::scenario_text(&a.scenario, &a.options.sets(), a.options.seed)?;
    let page = |tables| report_page::Page {
        title: format!("nssim run: {}", s.name),
        tables,
        notes: notes.clone(),
        runs: &e.runs,
        scenarios: vec![report_page::Scenario {
            label: s.name.clone(),
            text: text.clone(),
        }],
    };
    if let Mode::Replicated { .. } = mode {
        let table = report::replicated_table(&groups, e.precision.as_ref());
        let written = finish_outputs(outputs, |out| {
            let mut w = report::write_replicated_run(out, &groups[0], e.precision.as_ref())?;
            w.push(manifest(out)?);
            let tables = report_page::replicated_tables(&table, &groups);
            w.push(report_page::write(out, &w, page(tables))?);
            Ok(w)
        })?;
        print_out(&format!(
            "{}wrote {written} files to {}\n",
            report::replicated_table(&groups, e.precision.as_ref()),
            out.display()
        ))?;
        return stop.map_or(Ok(()), Err);
    }
    let r = &e.results[0];
    let trajectory = recorded.as_ref().and_then(|x| x.trajectory.as_ref());
    let written = finish_outputs(outputs, |out| {
        let mut files = report::write_run(out, r)?;
        if let Some(t) = trajectory {
            let path = out.join("trajectory.csv");
            std::fs::write(&path, report::trajectory_csv(t))
                .with_context(|| format!("could not write '{}'", path.display()))?;
            files.push(path);
        }
        if let Mode::One(_) = mode {
            files.push(experiment::write_replications(out, &groups)?);
        }
        files.push(manifest(out)?);
        let tables = report_page::run_tables(std::slice::from_ref(r));
        files.push(report_page::write(out, &files, page(tables))?);
        Ok(files)
    })?;
    let mut extra = String::new();
    if let (Some(path), Some(x)) = (&a.trace, &recorded) {
        extra += &format!(
            "trace: {} lines (every {} requests) in {}\n",
            x.trace_lines,
            a.trace_every,
            path.display()
        );
    }
    if let Some(t) = trajectory {
        extra += &format!("trajectory: {} events, hash {:016x}\n", t.events, t.hash());
    }
    print_out(&format!(
        "{}{extra}wrote {written} files to {}\n",
        report::terminal_summary(r),
        out.display()
    ))?;
    stop.map_or(Ok(()), Err)
}

/// Runs `s` recording the request trace and trajectory that `a` asks for.
fn simulate_recorded(s: &Scenario, a: &RunArgs) -> Result<(RunResults, model::Recorded), Failure> {
    let trace = match &a.trace {
        Some(path) => {
            let file = std::fs::File::create(path)
                .with_context(|| format!("could not create trace file '{}'", path.display()))
                .map_err(Failure::Run)?;
            let out: Box<dyn std::io::Write + Send> = Box::new(file);
            Some((out, a.trace_every))
        }
        None => None,
    };
    let recording = model::Recording {
        trace,
        trajectory: a.trace_hash,
        window: None,
    };
    model::simulate_recorded(s, recording)
        .with_context(|| match &a.trace {
            Some(p) => format!("could not write trace file '{}'", p.display()),
            None => "could not write the trace".into(),
        })
        .map_err(Failure::Run)
}

/// Writes the outputs of a command with `write` (given the folder to write into) and commits
/// them into the folder `outputs` prepared; returns how many files it wrote. See
/// [`written`]: the folder holds one whole run, or says it is incomplete.
fn finish_outputs(
    outputs: written::Outputs,
    write: impl FnOnce(&Path) -> anyhow::Result<Vec<PathBuf>>,
) -> Result<usize, Failure> {
    outputs.finish(write).map_err(Failure::Run)
}

/// Prints `text` on stdout. A closed stdout (`nssim run ... | head -1`) is a quiet success:
/// the reader has what it wanted, and the files are written already.
fn print_out(text: &str) -> Result<(), Failure> {
    use std::io::Write as _;
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(Failure::Run(
            anyhow::Error::new(e).context("could not write to standard output"),
        )),
    }
}

/// Checks, creates and locks the output folder `out` (with `subfolders` for the runs of a
/// comparison) before a simulation starts.
fn prepare(out: &Path, subfolders: &[String]) -> Result<written::Outputs, Failure> {
    written::Outputs::prepare(out, subfolders).map_err(Failure::Run)
}
