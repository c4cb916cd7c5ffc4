//! The experiment options of `run` and `compare`: `--replications`, `--replication`,
//! `--precision`, `--precision-metric`, `--max-replications`, `--jobs`, checked together, and
//! the run manifest each command writes.

use std::path::{Path, PathBuf};

use anyhow::Context;

use super::{ExperimentOptions, Failure};
use crate::experiment::{
    self, DEFAULT_PRECISION_METRICS, Experiment, Observer, Precision, Replicated, Run, Variant,
    replicate_observed,
};
use crate::scenario::Scenario;
use crate::scenario::limits::{MAX_JOBS, MAX_REPLICATIONS};
use crate::stats::RunResults;

/// Replications a precision target starts with unless `--replications` says.
pub(super) const PRECISION_FIRST_ROUND: u32 = 5;

/// What the options ask for.
#[derive(Clone, Debug, PartialEq)]
pub(super) enum Mode {
    /// One run per scenario with the master seed: the plain `run` and `compare`.
    Single,
    /// Replication K alone.
    One(u32),
    /// R replications (two or more), or rounds towards a precision target.
    Replicated {
        replications: u32,
        precision: Option<Precision>,
    },
}

/// The mode and the number of workers, or every problem with the options (exit 2).
pub(super) fn mode(o: &ExperimentOptions) -> Result<(Mode, usize), Failure> {
    let mut problems = Vec::new();
    let jobs = match o.jobs {
        None => experiment::default_jobs().min(MAX_JOBS),
        Some(j) if (1..=MAX_JOBS).contains(&j) => j,
        Some(j) => {
            problems.push(format!(
                "error: --jobs {j}: the number of workers must be 1 to {MAX_JOBS}"
            ));
            1
        }
    };
    let in_range = |flag: &str, v: u32, lo: u32, problems: &mut Vec<String>| {
        if !(lo..=MAX_REPLICATIONS).contains(&v) {
            problems.push(format!(
                "error: {flag} {v}: allowed are {lo} to {MAX_REPLICATIONS}"
            ));
        }
    };
    if let Some(k) = o.replication {
        in_range("--replication", k, 1, &mut problems);
    }
    if let Some(r) = o.replications {
        in_range("--replications", r, 1, &mut problems);
    }
    let mut precision = None;
    if let Some(target) = o.precision {
        if !(target > 0.0 && target < 1.0) {
            problems.push(format!(
                "error: --precision {target}: the target is a fraction of the mean, greater \
                 than 0 and less than 1 (0.02 = 2 %)"
            ));
        }
        let max = o.max_replications.unwrap_or(0);
        in_range("--max-replications", max, 2, &mut problems);
        let first = o
            .replications
            .unwrap_or(PRECISION_FIRST_ROUND.min(max.max(2)));
        if first < 2 || first > max {
            problems.push(format!(
                "error: --replications {first} with --precision: the first round needs 2 to \
                 --max-replications ({max}) replications, an interval needs two"
            ));
        }
        let metrics: Vec<String> = if o.precision_metric.is_empty() {
            DEFAULT_PRECISION_METRICS
                .iter()
                .map(|m| m.to_string())
                .collect()
        } else {
            o.precision_metric.clone()
        };
        for m in metrics
            .iter()
            .filter(|m| !crate::stats::headline::is_metric_name(m))
        {
            problems.push(format!(
                "error: --precision-metric '{m}' is not a metric; allowed are the names of \
                 comparison.csv: {}, cpuN_busy_ratio, link_share[...]",
                crate::stats::headline::METRIC_NAMES.join(", ")
            ));
        }
        precision = Some((
            first,
            Precision {
                target,
                metrics,
                max_replications: max,
            },
        ));
    }
    if !problems.is_empty() {
        return Err(Failure::Usage(problems.join("\n")));
    }
    let mode = match (o.replication, precision, o.replications) {
        (Some(k), _, _) => Mode::One(k),
        (None, Some((first, p)), _) => Mode::Replicated {
            replications: first,
            precision: Some(p),
        },
        (None, None, Some(r)) if r >= 2 => Mode::Replicated {
            replications: r,
            precision: None,
        },
        _ => Mode::Single,
    };
    Ok((mode, jobs))
}

/// Runs `scenarios` (each with its `variants` entry) as `mode` asks on `jobs` workers,
/// telling `observer` (the progress bar) how it goes.
pub(super) fn run(
    scenarios: &[Scenario],
    variants: &[Variant],
    mode: &Mode,
    jobs: usize,
    observer: &dyn Observer,
) -> Experiment {
    let (first, count, precision) = match mode {
        Mode::Single => (1, 1, None),
        Mode::One(k) => (*k, 1, None),
        Mode::Replicated {
            replications,
            precision,
        } => (1, *replications, precision.as_ref()),
    };
    replicate_observed(
        scenarios,
        variants,
        (first, count),
        precision,
        jobs,
        observer,
    )
}

/// The replications of each scenario.
pub(super) fn groups(e: &Experiment, scenarios: usize) -> Vec<Replicated> {
    e.groups(scenarios)
}

/// Writes `manifest.json` into `out` and returns its path.
pub(super) fn write_manifest(
    out: &Path,
    jobs: usize,
    runs: &[Run],
    results: &[RunResults],
) -> anyhow::Result<PathBuf> {
    let path = out.join("manifest.json");
    std::fs::write(&path, experiment::manifest_json(jobs, runs, results))
        .with_context(|| format!("could not write '{}'", path.display()))?;
    Ok(path)
}

/// Writes `replications.csv` of `groups` into `out` and returns its path.
pub(super) fn write_replications(out: &Path, groups: &[Replicated]) -> anyhow::Result<PathBuf> {
    let path = out.join("replications.csv");
    std::fs::write(&path, crate::report::replications_csv(groups))
        .with_context(|| format!("could not write '{}'", path.display()))?;
    Ok(path)
}
