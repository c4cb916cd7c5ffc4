//! `nssim sweep`: every scenario at every point of a parameter grid, replicated, with each
//! curve's knees (the plan, the figures and the knees are in `crate::experiment::sweep`).
//!
//! Every argument is checked, and every scenario validated at every point, before any run:
//! a range of zero steps, an unknown key or a value the scenario refuses is reported with the
//! others, exit 2, and nothing is written. The output folder holds the whole sweep only when
//! it ran whole; a shard writes only `sweep-runs.json`, which `nssim merge` combines.

use std::path::PathBuf;

use super::campaign::{
    SWEEP_RUNS, SweepFile, at_point, jobs_and_shard, load_arguments, shard_note,
};
use super::{Failure, SweepArgs, finish_outputs, prepare, print_out};
use crate::experiment::campaign::{Param, RunFigures, grid, parse_param};
use crate::experiment::sweep::SweepPlan;
use crate::experiment::{self, Variant};
use crate::report;
use crate::scenario::limits::MAX_REPLICATIONS;

/// Points of one scenario whose problems are shown in full.
const SHOWN_REFUSALS: usize = 3;

pub(super) fn cmd_sweep(a: &SweepArgs) -> Result<(), Failure> {
    let mut problems = Vec::new();
    let (jobs, shard) = jobs_and_shard(&a.campaign, &mut problems);
    let mut params: Vec<Param> = Vec::new();
    for text in &a.params {
        match parse_param(text) {
            Ok(p) if params.iter().any(|q| q.key == p.key) => problems.push(format!(
                "error: --param {text}: '{}' is swept twice; give each key once",
                p.key
            )),
            Ok(p) => params.push(p),
            Err(e) => problems.push(format!("error: --param {e}")),
        }
    }
    if !(1..=MAX_REPLICATIONS).contains(&a.replications) {
        problems.push(format!(
            "error: --replications {}: allowed are 1 to {MAX_REPLICATIONS} (2 or more for \
             intervals)",
            a.replications
        ));
    }
    let p99_limit_ms =
        a.p99_limit
            .as_ref()
            .and_then(|t| match crate::scenario::units::parse_duration(t) {
                Ok(d) if d.0 > 0 => Some(d.0 as f64 / 1e6),
                Ok(_) => {
                    problems.push(format!("error: --p99-limit {t}: must be above 0"));
                    None
                }
                Err(e) => {
                    problems.push(format!("error: --p99-limit {t}: {e}"));
                    None
                }
            });
    let points = grid(&params);
    if points.len() > crate::experiment::campaign::MAX_POINTS {
        problems.push(format!(
            "error: the --param grid has {} points; at most {} are allowed",
            points.len(),
            crate::experiment::campaign::MAX_POINTS
        ));
    }
    if !problems.is_empty() {
        return Err(Failure::Usage(problems.join("\n")));
    }
    let loaded = load_arguments(&a.scenarios, &a.options, &[])?;
    let mut scenarios = Vec::new();
    let mut variants = Vec::new();
    for l in &loaded {
        let mut refused = 0;
        for point in &points {
            match at_point(l, &a.options, &[], point, "--param") {
                Ok(s) => scenarios.push(s),
                // The first few say what is wrong; a grid can have thousands of points.
                Err(e) if refused < SHOWN_REFUSALS => {
                    refused += 1;
                    problems.push(format!("{}: {e}", l.path.display()));
                }
                Err(_) => refused += 1,
            }
            variants.push(Variant::with_parameters(&l.name, point.clone()));
        }
        if refused > SHOWN_REFUSALS {
            problems.push(format!(
                "{}: ... {} more of its {} points are refused",
                l.path.display(),
                refused - SHOWN_REFUSALS,
                points.len()
            ));
        }
    }
    if !problems.is_empty() {
        problems.dedup();
        return Err(Failure::Usage(problems.join("\n")));
    }
    let keys = params.iter().map(|p| p.key.clone()).collect();
    let plan = SweepPlan::new(&scenarios, keys, variants, a.replications, p99_limit_ms);
    let out = a
        .options
        .out
        .clone()
        .unwrap_or_else(|| PathBuf::from("output/sweep"));
    let outputs = prepare(&out, &[])?;
    let mine = plan.shard_runs(shard);
    let total = plan.variants.len() * a.replications as usize;
    eprintln!(
        "nssim: sweeping {} scenario(s) over {} point(s), {} replication(s) each{}, {jobs} \
         worker(s)",
        loaded.len(),
        points.len(),
        a.replications,
        if shard.count > 1 {
            format!(
                ": shard {}/{}, {} of {total} runs",
                shard.index,
                shard.count,
                mine.len()
            )
        } else {
            String::new()
        }
    );
    let runs: Vec<experiment::Run> = mine.iter().map(|(_, r)| r.clone()).collect();
    let results = experiment::execute(&scenarios, &runs, jobs);
    let units: Vec<(usize, RunFigures)> = mine
        .iter()
        .zip(&results)
        .map(|((i, _), r)| (*i, RunFigures::of(*i, r)))
        .collect();
    let file = SweepFile {
        kind: "sweep".into(),
        version: env!("CARGO_PKG_VERSION").into(),
        plan,
        shard,
        units_in_plan: total,
        units,
    };
    let mut whole = None;
    let written = finish_outputs(outputs, |dir| {
        let (w, r) = super::campaign::write_sweep(dir, &file)?;
        whole = r;
        Ok(w)
    })?;
    let text = match &whole {
        Some(r) => report::sweep_table(r),
        None => shard_note(SWEEP_RUNS, shard, file.units.len(), total),
    };
    print_out(&format!(
        "{text}wrote {written} files to {}\n",
        out.display()
    ))
}
