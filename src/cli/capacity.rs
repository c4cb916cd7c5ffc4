//! `nssim capacity`: the highest offered load that meets the objectives (`--slo`), with a
//! processor down (`--down`), or the first `--vary` value that meets them at `--rate` (the
//! search itself is in `crate::experiment::capacity`).
//!
//! `--down busiest|N` adds the fault `processor_down = busiest|N` at the end of each
//! scenario's warm-up (its `run.warmup`, which must then be a duration), through the same
//! override `--fault processor_down=...@...` writes; runs that cannot simulate faults refuse it
//! as `run` does.
//!
//! Sharding: a load search is sequential (each trial's rate depends on the last verdict), so
//! `--shard I/N` shares out the scenarios, every N-th from the I-th; with `--vary`, each
//! (scenario, value) trial is a unit of its own and the trials are shared out.

use std::collections::BTreeMap;
use std::path::PathBuf;

use super::campaign::{
    CAPACITY_RUNS, CapacityFile, Loaded, at_point, jobs_and_shard, load_arguments, shard_note,
    write_capacity,
};
use super::{CapacityArgs, Failure, finish_outputs, prepare, print_out};
use crate::experiment::campaign::{Param, RunFigures, fingerprint, parse_param};
use crate::experiment::capacity::{CapacityPlan, Objective, Unit, parse_slo, search};
use crate::experiment::{self, Run, Variant, replication_seed};
use crate::report;
use crate::scenario::limits::MAX_REPLICATIONS;
use crate::scenario::{FAULT_PREFIX, Scenario};

/// `--range LO..HI` in requests/s.
fn parse_range(text: &str) -> Result<(f64, f64), String> {
    let allowed = "write LO..HI with rates, e.g. 5000/s..40000/s (LO may be 0)";
    let (lo, hi) = text
        .split_once("..")
        .ok_or_else(|| format!("--range {text}: no '..'; {allowed}"))?;
    let rate = |t: &str| -> Result<f64, String> {
        if t.trim() == "0" || t.trim() == "0/s" {
            return Ok(0.0);
        }
        crate::scenario::units::parse_rate(t).map_err(|e| format!("--range {text}: {e}; {allowed}"))
    };
    let (lo, hi) = (rate(lo)?, rate(hi)?);
    if hi <= lo {
        return Err(format!("--range {text}: HI must be above LO; {allowed}"));
    }
    Ok((lo, hi))
}

pub(super) fn cmd_capacity(a: &CapacityArgs) -> Result<(), Failure> {
    let mut problems = Vec::new();
    let (jobs, shard) = jobs_and_shard(&a.campaign, &mut problems);
    let mut objectives: Vec<Objective> = Vec::new();
    for text in &a.slo {
        match parse_slo(text) {
            Ok(o) => objectives.extend(o),
            Err(e) => problems.push(format!("error: {e}")),
        }
    }
    if !(2..=MAX_REPLICATIONS).contains(&a.replications) {
        problems.push(format!(
            "error: --replications {}: a trial needs an interval, so 2 to {MAX_REPLICATIONS}",
            a.replications
        ));
    }
    if a.max_replications < a.replications || a.max_replications > MAX_REPLICATIONS {
        problems.push(format!(
            "error: --max-replications {}: allowed are --replications ({}) to {MAX_REPLICATIONS}",
            a.max_replications, a.replications
        ));
    }
    let mut varied: Vec<Param> = Vec::new();
    for t in &a.vary {
        match parse_param(t) {
            Ok(p) => varied.push(p),
            Err(e) => problems.push(format!("error: --vary {e}")),
        }
    }
    if let Some(first) = varied.first()
        && let Some(p) = varied.iter().find(|p| p.values.len() != first.values.len())
    {
        problems.push(format!(
            "error: --vary {}: {} values, but --vary {} has {}; further --vary options give \
             one value per value of the first",
            p.key,
            p.values.len(),
            first.key,
            first.values.len()
        ));
    }
    if a.range.is_some() && !varied.is_empty() {
        problems.push(
            "error: --range bounds the load search; with --vary the load is --rate".to_string(),
        );
    }
    let vary: Option<Param> = varied.first().cloned();
    let vary_with: Vec<Param> = varied.iter().skip(1).cloned().collect();
    let rate = a.rate.as_ref().and_then(|t| {
        crate::scenario::units::parse_rate(t)
            .map_err(|e| problems.push(format!("error: --rate {t}: {e}")))
            .ok()
    });
    let range = a.range.as_ref().and_then(|t| {
        parse_range(t)
            .map_err(|e| problems.push(format!("error: {e}")))
            .ok()
    });
    if let Some(d) = &a.down
        && d != "busiest"
        && d.parse::<u32>().is_err()
    {
        problems.push(format!(
            "error: --down {d}: write busiest or a processor number (0, 1, ...)"
        ));
    }
    if !problems.is_empty() {
        return Err(Failure::Usage(problems.join("\n")));
    }
    let loaded = load_arguments(&a.scenarios, &a.options, &[])?;
    // The fault of --down, per scenario: at the end of its warm-up.
    let mut extra: Vec<Vec<String>> = vec![Vec::new(); loaded.len()];
    if let Some(d) = &a.down {
        let mut refused = Vec::new();
        for (i, l) in loaded.iter().enumerate() {
            if l.base.run.warmup_requests.is_some() {
                problems.push(format!(
                    "error: {}: --down fails the processor at the end of the warm-up, which \
                     must then be a duration; run.warmup is a request count (give --warmup 5s)",
                    l.path.display()
                ));
                continue;
            }
            let at = l.base.run.warmup.0;
            let fault = format!("{FAULT_PREFIX}processor_down={d}@{at}ns");
            extra[i] = vec![fault.clone()];
            let text = a.scenarios[i].clone();
            if let Err(f) = load_arguments(&[text], &a.options, &extra[i]) {
                refused.push(match f {
                    Failure::Usage(m) => format!(
                        "error: --down {d} adds `--fault processor_down={d}@{}` (the end of the \
                         warm-up) to {}, and that is refused:\n{m}",
                        crate::engine::SimDuration(at),
                        l.path.display()
                    ),
                    other => return Err(other),
                });
            }
        }
        problems.extend(refused);
    }
    let mut units = Vec::new();
    for (i, l) in loaded.iter().enumerate() {
        match (&vary, rate) {
            (Some(v), Some(r)) => {
                for c in 0..v.values.len() {
                    let point = trial_point(r, Some((v, &vary_with, c)));
                    if let Err(e) = at_point(l, &a.options, &extra[i], &point, "--vary/--rate") {
                        problems.push(format!("{}: {e}", l.path.display()));
                    }
                    units.push(Unit::Candidate {
                        scenario: i,
                        candidate: c,
                        rate: r,
                    });
                }
            }
            _ => {
                let (lo, hi) = match range {
                    Some(r) => r,
                    None => {
                        let ceiling = crate::model::explain(&l.base).ceiling_per_s();
                        if !ceiling.is_finite() {
                            problems.push(format!(
                                "error: {}: no resource bounds its throughput, so the search \
                                 has no upper end to start from; give --range LO..HI",
                                l.path.display()
                            ));
                            continue;
                        }
                        (0.0, ceiling.ceil())
                    }
                };
                for r in [lo, hi].into_iter().filter(|r| *r > 0.0) {
                    if let Err(e) =
                        at_point(l, &a.options, &extra[i], &trial_point(r, None), "--range")
                    {
                        problems.push(format!("{}: {e}", l.path.display()));
                    }
                }
                units.push(Unit::Load {
                    scenario: i,
                    lo,
                    hi,
                });
            }
        }
    }
    if !problems.is_empty() {
        problems.dedup();
        return Err(Failure::Usage(problems.join("\n")));
    }
    let bases: Vec<&Scenario> = loaded.iter().map(|l| &l.base).collect();
    let mut plan = CapacityPlan {
        scenarios: loaded.iter().map(|l| l.name.clone()).collect(),
        objectives,
        vary: vary.clone(),
        vary_with,
        down: a.down.clone(),
        first: a.replications,
        max: a.max_replications,
        units,
        fingerprint: String::new(),
    };
    plan.fingerprint = fingerprint(&format!("capacity\n{bases:?}\n{extra:?}\n{plan:?}\n"));
    let out = a
        .options
        .out
        .clone()
        .unwrap_or_else(|| PathBuf::from("output/capacity"));
    let outputs = prepare(&out, &[])?;
    let total = plan.units.len();
    let mine = (0..total).filter(|i| shard.owns(*i)).count();
    eprintln!(
        "nssim: capacity of {} scenario(s) against {}{}, {jobs} worker(s)",
        loaded.len(),
        plan.objectives
            .iter()
            .map(|o| o.text.as_str())
            .collect::<Vec<_>>()
            .join(", "),
        if shard.count > 1 {
            format!(
                ": shard {}/{}, {mine} of {total} units",
                shard.index, shard.count
            )
        } else {
            String::new()
        }
    );
    let mut trials = Trials {
        loaded: &loaded,
        extra: &extra,
        a,
        plan: &plan,
        cache: BTreeMap::new(),
        jobs,
    };
    let units = search(&plan, shard, |asks| trials.run(asks)).map_err(Failure::Usage)?;
    let file = CapacityFile {
        kind: "capacity".into(),
        version: env!("CARGO_PKG_VERSION").into(),
        plan: plan.clone(),
        shard,
        units_in_plan: total,
        units,
    };
    let mut whole = None;
    let written = finish_outputs(outputs, |dir| {
        let (w, r) = write_capacity(dir, &file)?;
        whole = r;
        Ok(w)
    })?;
    let text = match &whole {
        Some(r) => report::capacity_table(r),
        None => shard_note(CAPACITY_RUNS, shard, file.units.len(), total),
    };
    print_out(&format!(
        "{text}wrote {written} files to {}\n",
        out.display()
    ))
}

/// The overrides of a trial: the rate, and candidate `c` of every `--vary` if any.
fn trial_point(rate: f64, vary: Option<(&Param, &[Param], usize)>) -> Vec<(String, String)> {
    let mut p = vec![("workload.rate".to_string(), format!("{rate}/s"))];
    if let Some((first, with, c)) = vary {
        for v in std::iter::once(first).chain(with) {
            p.push((v.key.clone(), v.values[c].clone()));
        }
    }
    p
}

/// Runs the replications the searches ask for, each trial's scenario loaded once.
struct Trials<'a> {
    loaded: &'a [Loaded],
    extra: &'a [Vec<String>],
    a: &'a CapacityArgs,
    plan: &'a CapacityPlan,
    cache: BTreeMap<(usize, u64), Scenario>,
    jobs: usize,
}

impl Trials<'_> {
    fn run(&mut self, asks: &[(usize, f64, u32)]) -> Result<Vec<RunFigures>, String> {
        let mut scenarios = Vec::new();
        let mut runs = Vec::new();
        for &(unit, rate, k) in asks {
            let (scenario, vary) = match &self.plan.units[unit] {
                Unit::Load { scenario, .. } => (*scenario, None),
                Unit::Candidate {
                    scenario,
                    candidate,
                    ..
                } => {
                    let v = self.plan.vary.as_ref().expect("a candidate has --vary");
                    (
                        *scenario,
                        Some((v, self.plan.vary_with.as_slice(), *candidate)),
                    )
                }
            };
            let point = trial_point(rate, vary);
            let key = (unit, rate.to_bits());
            if !self.cache.contains_key(&key) {
                let l = &self.loaded[scenario];
                let s = at_point(l, &self.a.options, &self.extra[scenario], &point, "--set")
                    .map_err(|e| format!("{}: {e}", l.path.display()))?;
                self.cache.insert(key, s);
            }
            let s = self.cache[&key].clone();
            runs.push(Run {
                scenario: scenarios.len(),
                variant: Variant::with_parameters(&self.loaded[scenario].name, point),
                replication: k,
                seed: replication_seed(s.run.seed, k),
            });
            scenarios.push(s);
        }
        let results = experiment::execute(&scenarios, &runs, self.jobs);
        Ok(runs
            .iter()
            .zip(&results)
            .map(|(run, r)| RunFigures::of(run.replication as usize, r))
            .collect())
    }
}
