//! Replications in rounds until a precision target is met.
//!
//! The first round runs the requested replications of every scenario. After each round the
//! relative half-width (`half_width / |mean|`) of every chosen metric of every scenario is
//! computed, and the worst one, w, decides: w <= target ends the experiment (target met);
//! otherwise the next round brings every scenario to
//! `min(max, max(n + 1, ceil(n x (w / target)^2)))` replications (the half-width shrinks as
//! 1 / sqrt(n)), and at `max` the experiment ends with the target not met. An unknown
//! half-width (a metric without a value) counts as not met. Every step depends only on the
//! results, which depend only on the seeds: the rounds are deterministic.

use super::{Observer, Replicated, Run, Unobserved, Variant, execute_observed, plan};
use crate::scenario::Scenario;
use crate::stats::RunResults;

/// A precision target: `--precision`, `--precision-metric`, `--max-replications`.
#[derive(Clone, Debug, PartialEq)]
pub struct Precision {
    /// Target relative half-width, e.g. 0.02 for 2 % of the mean.
    pub target: f64,
    /// Metrics that must meet it (names as in `comparison.csv`).
    pub metrics: Vec<String>,
    /// Replications per scenario at most.
    pub max_replications: u32,
}

/// The metrics a precision target applies to unless chosen.
pub const DEFAULT_PRECISION_METRICS: [&str; 2] = ["latency_ms_mean", "throughput_per_s"];

/// How a precision target went.
#[derive(Clone, Debug, PartialEq)]
pub struct PrecisionOutcome {
    /// The target.
    pub precision: Precision,
    /// Whether every chosen metric of every scenario met it.
    pub met: bool,
    /// Replications per scenario at the end.
    pub replications: u32,
    /// Rounds run.
    pub rounds: u32,
    /// The worst relative half-width at the end: (scenario label, metric, value).
    pub worst: Option<(String, String, f64)>,
}

/// Every run of an experiment and its results, in plan order (round by round, each round
/// scenario by scenario).
#[derive(Clone, Debug)]
pub struct Experiment {
    /// The runs.
    pub runs: Vec<Run>,
    /// Their results, in the same order.
    pub results: Vec<RunResults>,
    /// The precision target's outcome, when one was set.
    pub precision: Option<PrecisionOutcome>,
}

impl Experiment {
    /// The replications of each scenario, in scenario order, each in replication order.
    pub fn groups(&self, scenarios: usize) -> Vec<Replicated> {
        (0..scenarios)
            .map(|i| {
                let mut mine: Vec<(&Run, &RunResults)> = self
                    .runs
                    .iter()
                    .zip(&self.results)
                    .filter(|(run, _)| run.scenario == i)
                    .collect();
                mine.sort_by_key(|(run, _)| run.replication);
                Replicated {
                    label: mine.first().map_or(String::new(), |(run, _)| run.label()),
                    runs: mine.iter().map(|(_, r)| (*r).clone()).collect(),
                    replications: mine.iter().map(|(run, _)| run.replication).collect(),
                }
            })
            .collect()
    }
}

/// Runs replications `first..=first + replications - 1` of every scenario on `jobs` workers;
/// with a precision target, adds rounds as the module header says.
pub fn replicate(
    scenarios: &[Scenario],
    variants: &[Variant],
    first: u32,
    replications: u32,
    precision: Option<&Precision>,
    jobs: usize,
) -> Experiment {
    replicate_observed(
        scenarios,
        variants,
        (first, replications),
        precision,
        jobs,
        &Unobserved,
    )
}

/// [`replicate`] of replications `(first, count)`, telling `observer` each round's plan and
/// each run as it finishes.
pub fn replicate_observed(
    scenarios: &[Scenario],
    variants: &[Variant],
    (first, replications): (u32, u32),
    precision: Option<&Precision>,
    jobs: usize,
    observer: &dyn Observer,
) -> Experiment {
    let mut n = replications.max(1);
    let mut runs = plan(scenarios, variants, first..=first + n - 1);
    let mut results = execute_observed(scenarios, &runs, jobs, observer);
    let Some(p) = precision else {
        return Experiment {
            runs,
            results,
            precision: None,
        };
    };
    let mut rounds = 1;
    loop {
        let e = Experiment {
            runs: runs.clone(),
            results: results.clone(),
            precision: None,
        };
        let worst = worst_relative(&e.groups(scenarios.len()), &p.metrics);
        let w = worst.as_ref().map_or(0.0, |(_, _, w)| *w);
        let met = w <= p.target;
        if met || n >= p.max_replications {
            return Experiment {
                precision: Some(PrecisionOutcome {
                    precision: p.clone(),
                    met,
                    replications: n,
                    rounds,
                    worst,
                }),
                ..e
            };
        }
        let wanted = if w.is_finite() {
            (f64::from(n) * (w / p.target).powi(2))
                .ceil()
                .min(f64::from(u32::MAX)) as u32
        } else {
            u32::MAX
        };
        let next = wanted.max(n + 1).min(p.max_replications);
        let more = plan(scenarios, variants, first + n..=first + next - 1);
        results.extend(execute_observed(scenarios, &more, jobs, observer));
        runs.extend(more);
        n = next;
        rounds += 1;
    }
}

/// The largest relative half-width among `metrics` of every group (NaN, an unknown one,
/// counts as the largest), with its group and metric; `None` when no group has the metrics.
fn worst_relative(groups: &[Replicated], metrics: &[String]) -> Option<(String, String, f64)> {
    let mut worst: Option<(String, String, f64)> = None;
    for g in groups {
        let rows = g.metrics();
        for m in metrics {
            let Some(row) = rows.iter().find(|r| &r.name == m) else {
                continue;
            };
            let rel = row.estimate.relative_half_width();
            let rel = if rel.is_nan() { f64::INFINITY } else { rel };
            if worst.as_ref().is_none_or(|(_, _, w)| rel > *w) {
                worst = Some((g.label.clone(), m.clone(), rel));
            }
        }
    }
    worst
}
