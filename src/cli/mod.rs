//! The `nssim` command line: parse, validate, run, export.
//!
//! Exit codes: 0 success; 1 a run or an output file failed; 2 bad usage or a bad scenario.
//! A violated simulator invariant panics (a bug, reported loudly, never a silent result).

mod args;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use clap::Parser;

pub use args::{CheckArgs, Cli, Command, CompareArgs, RunArgs, SimOptions};

use crate::model;
use crate::report;
use crate::scenario::{self, Scenario, ScenarioError};
use crate::stats::RunResults;

/// Entry point of the binary.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
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
    }
}

/// Why a command did not succeed.
#[derive(Debug)]
pub enum Failure {
    /// Bad input (scenario or arguments): exit 2.
    Usage(String),
    /// The run or its outputs failed: exit 1.
    Run(anyhow::Error),
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
        Command::Compare(a) => cmd_compare(&a),
        Command::Check(a) => cmd_check(&a),
    }
}

/// Loads and validates a scenario for a run, printing its configuration warnings.
fn load(path: &Path, options: &SimOptions) -> Result<Scenario, Failure> {
    let mut s = scenario::load(path, &options.set)?;
    for w in scenario::warnings(&s) {
        eprintln!("{}: {w}", path.display());
    }
    if let Some(seed) = options.seed {
        s.run.seed = seed;
    }
    Ok(s)
}

fn cmd_check(a: &CheckArgs) -> Result<(), Failure> {
    let s = scenario::load(&a.scenario, &a.set)?;
    for w in scenario::warnings(&s) {
        eprintln!("{}: {w}", a.scenario.display());
    }
    let stack = match s.tcpip.stack {
        scenario::StackKind::Conventional => "conventional",
        scenario::StackKind::Parallel => "parallel",
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
    println!(
        "{}: ok: scenario '{}', {} processors, {population}",
        a.scenario.display(),
        s.name,
        s.system.processors
    );
    Ok(())
}

fn cmd_run(a: &RunArgs) -> Result<(), Failure> {
    let s = load(&a.scenario, &a.options)?;
    let out = a
        .options
        .out
        .clone()
        .unwrap_or_else(|| Path::new("output").join(&s.name));
    prepare(&out)?;
    eprintln!("nssim: running '{}' (seed {})", s.name, s.run.seed);
    let r = model::simulate(&s);
    let files = report::write_run(&out, &r).map_err(Failure::Run)?;
    print!("{}", report::terminal_summary(&r));
    println!("wrote {} files to {}", files.len(), out.display());
    Ok(())
}

fn cmd_compare(a: &CompareArgs) -> Result<(), Failure> {
    // Validate every file before running any, so one typo does not waste the others' runs.
    let mut scenarios = Vec::new();
    let mut problems = Vec::new();
    for path in &a.scenarios {
        match load(path, &a.options) {
            Ok(s) => scenarios.push(s),
            Err(Failure::Usage(m)) => problems.push(m),
            Err(e) => return Err(e),
        }
    }
    if !problems.is_empty() {
        return Err(Failure::Usage(problems.join("\n")));
    }
    for (i, s) in scenarios.iter().enumerate() {
        if scenarios[..i].iter().any(|o| o.name == s.name) {
            return Err(Failure::Usage(format!(
                "error: two scenarios are named '{}'; compare needs distinct names (their output \
                 folders would clash): rename one with `name = ...`",
                s.name
            )));
        }
    }
    let out = a
        .options
        .out
        .clone()
        .unwrap_or_else(|| PathBuf::from("output/compare"));
    prepare(&out)?;
    let names: Vec<&str> = scenarios.iter().map(|s| s.name.as_str()).collect();
    eprintln!("nssim: comparing {}", names.join(", "));
    let results = simulate_all(&scenarios);
    let mut written = 0;
    for r in &results {
        written += report::write_run(&out.join(&r.scenario), r)
            .map_err(Failure::Run)?
            .len();
    }
    written += report::write_comparison(&out, &results)
        .map_err(Failure::Run)?
        .len();
    print!("{}", report::comparison_table(&results));
    println!("wrote {written} files to {}", out.display());
    Ok(())
}

/// Runs independent simulations on up to `available_parallelism` threads. Each simulation is
/// single-threaded and seeded on its own, and results come back in input order, so the output
/// does not depend on the number of threads.
pub fn simulate_all(scenarios: &[Scenario]) -> Vec<RunResults> {
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .max(1);
    let mut results: Vec<Option<RunResults>> = (0..scenarios.len()).map(|_| None).collect();
    for (chunk_s, chunk_r) in scenarios.chunks(threads).zip(results.chunks_mut(threads)) {
        std::thread::scope(|scope| {
            for (s, slot) in chunk_s.iter().zip(chunk_r.iter_mut()) {
                scope.spawn(move || *slot = Some(model::simulate(s)));
            }
        });
    }
    results
        .into_iter()
        .map(|r| r.expect("every scenario ran"))
        .collect()
}

fn prepare(out: &Path) -> Result<(), Failure> {
    std::fs::create_dir_all(out)
        .with_context(|| format!("could not create output folder '{}'", out.display()))
        .map_err(Failure::Run)
}
