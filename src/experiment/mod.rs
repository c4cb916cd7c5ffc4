//! Experiments: the plan of runs (scenarios x replications), run on a work queue over all
//! cores, and the replication rounds of a precision target. `sweep` (points of a parameter
//! grid and their knees), `capacity` (searches against objectives) and `campaign` (what both
//! share: grids, shards, fingerprints, the figures kept per run) build on the same plan and
//! work queue.
//!
//! A [`Run`] is one single-threaded simulation: a scenario (an index into the scenarios of the
//! experiment), its label, a replication number and the master seed it runs with. The plan is
//! a plain list; [`execute`] hands its runs to `jobs` workers, each pulling the next run index
//! from a shared counter, and puts every result in the slot of its run. Output is therefore
//! sorted by run, never by completion, and identical for any number of workers.
//!
//! Replication seeds ([`replication_seed`]): replication 1 runs with the master seed itself,
//! so `nssim run` without `--replications` is replication 1 of any replicated experiment;
//! replication k >= 2 runs with SplitMix64's output function applied to
//! `master + k * 0x9e3779b97f4a7c15` (wrapping). Every scenario of a comparison uses the same
//! replication seeds, so their named streams (`workload/arrivals`, ...) coincide: common
//! random numbers.

pub mod campaign;
pub mod capacity;
mod precision;
pub mod sweep;

use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use serde::Serialize;

pub use precision::{
    DEFAULT_PRECISION_METRICS, Experiment, Precision, PrecisionOutcome, replicate,
    replicate_observed,
};

use crate::model;
use crate::scenario::Scenario;
use crate::stats::headline::{headline_metrics, no_window};
use crate::stats::{Estimate, RunResults};

/// What one scenario of an experiment is: the scenario's name and the parameters set on it,
/// as `(name, value)` pairs in the order given (`("workload.rate", "20000/s")`). Reports show
/// it as a label ([`Variant::label`]); tables of many points (a sweep's rows, compare's CSVs)
/// give each parameter a column of its own.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Variant {
    /// The scenario's name.
    pub name: String,
    /// The parameters set on it: a key path and its value as written.
    pub parameters: Vec<(String, String)>,
    /// A label given explicitly (`--label`), shown instead of the one made of the name and
    /// parameters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
}

impl Variant {
    /// A scenario as its file gives it, without parameters.
    pub fn plain(name: &str) -> Variant {
        Variant::with_parameters(name, Vec::new())
    }

    /// A scenario with these `(key path, value)` parameters.
    pub fn with_parameters(name: &str, parameters: Vec<(String, String)>) -> Variant {
        Variant {
            name: name.to_string(),
            parameters,
            label: None,
        }
    }

    /// A scenario with `key.path=value` overrides (as `--set` and the brackets of `compare`
    /// take them); an override without `=` is left out.
    pub fn with_overrides(name: &str, overrides: &[String]) -> Variant {
        Variant::with_parameters(
            name,
            overrides
                .iter()
                .filter_map(|o| {
                    let (k, v) = o.split_once('=')?;
                    Some((k.trim().to_string(), v.trim().to_string()))
                })
                .collect(),
        )
    }

    /// The same variant labelled `label` (none: the label made of name and parameters).
    pub fn labelled(mut self, label: Option<&str>) -> Variant {
        self.label = label.map(str::to_string);
        self
    }

    /// The explicit label if there is one, else
    /// `fig-3-3-distributor[server_class[1].cpus=[0,1],workload.rate=20000/s]`: the name and
    /// each parameter's full key path with its value, so two classes' `cpus` stay apart.
    /// Without parameters, the name alone. A parameter `name` is left out of the brackets:
    /// the name already shows it.
    pub fn label(&self) -> String {
        if let Some(label) = &self.label {
            return label.clone();
        }
        let shown: Vec<String> = self
            .parameters
            .iter()
            .filter(|(k, _)| k != "name")
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        if shown.is_empty() {
            self.name.clone()
        } else {
            format!("{}[{}]", self.name, shown.join(","))
        }
    }
}

/// One simulation of an experiment.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Run {
    /// Index of its scenario in the experiment's list.
    pub scenario: usize,
    /// The scenario's name and the parameters set on it.
    pub variant: Variant,
    /// Replication number, from 1.
    pub replication: u32,
    /// The master seed this run uses.
    pub seed: u64,
}

impl Run {
    /// The label of its scenario ([`Variant::label`]).
    pub fn label(&self) -> String {
        self.variant.label()
    }
}

/// The master seed of replication `replication` (from 1) of an experiment with master seed
/// `master`: `master` itself for replication 1, else SplitMix64's output function of
/// `master + replication x 0x9e3779b97f4a7c15`.
pub fn replication_seed(master: u64, replication: u32) -> u64 {
    if replication <= 1 {
        return master;
    }
    let mut z = master.wrapping_add(u64::from(replication).wrapping_mul(0x9e37_79b9_7f4a_7c15));
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// The runs of `replications` (e.g. `1..=10`) of every scenario, scenario by scenario, each
/// replication seeded from its scenario's `run.seed` with [`replication_seed`].
pub fn plan(
    scenarios: &[Scenario],
    variants: &[Variant],
    replications: std::ops::RangeInclusive<u32>,
) -> Vec<Run> {
    assert_eq!(scenarios.len(), variants.len(), "one variant per scenario");
    let mut runs = Vec::new();
    for (i, (s, variant)) in scenarios.iter().zip(variants).enumerate() {
        for k in replications.clone() {
            runs.push(Run {
                scenario: i,
                variant: variant.clone(),
                replication: k,
                seed: replication_seed(s.run.seed, k),
            });
        }
    }
    runs
}

/// Workers to use when `--jobs` is not given: the available parallelism, at least 1.
pub fn default_jobs() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// What an experiment tells as it goes, for a progress display. Called from the worker
/// threads as runs are planned and finish; results never depend on it (they are sorted by
/// run whatever the order of the calls).
pub trait Observer: Sync {
    /// `runs` (of `scenarios`) were added to the plan: the first round, or a precision round.
    fn planned(&self, _scenarios: &[Scenario], _runs: &[Run]) {}
    /// `run` finished with `result`.
    fn finished(&self, _run: &Run, _result: &RunResults) {}
    /// True to be told how far each run has got ([`Observer::advanced`]); each run then
    /// stops once per sample interval to say so. False (the default): runs go straight
    /// through, at no cost.
    fn follows_runs(&self) -> bool {
        false
    }
    /// `run` has simulated up to virtual time `at` (only when [`Observer::follows_runs`]).
    fn advanced(&self, _run: &Run, _at: crate::engine::SimTime) {}
}

/// The observer that does nothing.
pub struct Unobserved;

impl Observer for Unobserved {}

/// Runs every run of `runs` on `jobs` workers (at least 1, at most one per run); returns the
/// results in the order of `runs`, each labelled with its run's label and seed.
pub fn execute(scenarios: &[Scenario], runs: &[Run], jobs: usize) -> Vec<RunResults> {
    execute_observed(scenarios, runs, jobs, &Unobserved)
}

/// [`execute`], telling `observer` the plan and each run as it finishes.
pub fn execute_observed(
    scenarios: &[Scenario],
    runs: &[Run],
    jobs: usize,
    observer: &dyn Observer,
) -> Vec<RunResults> {
    observer.planned(scenarios, runs);
    let next = AtomicUsize::new(0);
    let slots: Vec<Mutex<Option<RunResults>>> = runs.iter().map(|_| Mutex::new(None)).collect();
    let workers = jobs.clamp(1, runs.len().max(1));
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(run) = runs.get(i) else { break };
                    let mut s = scenarios[run.scenario].clone();
                    s.run.seed = run.seed;
                    let mut r = if observer.follows_runs() {
                        model::simulate_stepped(&s, &mut |at| observer.advanced(run, at))
                    } else {
                        model::simulate(&s)
                    };
                    r.scenario = run.label();
                    observer.finished(run, &r);
                    *slots[i].lock().expect("no worker panicked holding a slot") = Some(r);
                }
            });
        }
    });
    slots
        .into_iter()
        .map(|m| {
            m.into_inner()
                .expect("no worker panicked holding a slot")
                .expect("every run ran")
        })
        .collect()
}

/// Runs each scenario once with its own seed on [`default_jobs`] workers, results in input
/// order.
pub fn simulate_all(scenarios: &[Scenario]) -> Vec<RunResults> {
    let variants: Vec<Variant> = scenarios.iter().map(|s| Variant::plain(&s.name)).collect();
    execute(
        scenarios,
        &plan(scenarios, &variants, 1..=1),
        default_jobs(),
    )
}

/// One headline metric of one scenario over its replications.
#[derive(Clone, Debug)]
pub struct MetricRow {
    /// Metric name, as in `comparison.csv` (`latency_ms_mean`, ...).
    pub name: String,
    /// Its value in each replication, in replication order (NaN when unknown or absent).
    pub values: Vec<f64>,
    /// Whether each replication counts in the estimate ([`Replicated::kept`]).
    pub kept: Vec<bool>,
    /// Mean and 95 % half-width over the replications kept.
    pub estimate: Estimate,
}

/// The replications of one scenario, in replication order.
#[derive(Clone, Debug)]
pub struct Replicated {
    /// Label of the scenario.
    pub label: String,
    /// Results of each replication, in replication order.
    pub runs: Vec<RunResults>,
    /// Replication number of each run.
    pub replications: Vec<u32>,
}

impl Replicated {
    /// Whether each replication counts in the intervals: a run without a measurement window
    /// (its warm-up never ended) has no rates, busy ratios or latencies, and counting its
    /// other figures would mix it with runs that measured something; so it is left out of
    /// every interval, and the reports say so ([`Replicated::left_out`]).
    pub fn kept(&self) -> Vec<bool> {
        self.runs.iter().map(|r| !no_window(r)).collect()
    }

    /// The replication numbers left out of the intervals ([`Replicated::kept`]).
    pub fn left_out(&self) -> Vec<u32> {
        self.replications
            .iter()
            .zip(self.kept())
            .filter(|(_, k)| !k)
            .map(|(n, _)| *n)
            .collect()
    }

    /// Every headline metric (in the order of the first replication's) with its estimate over
    /// the replications kept.
    pub fn metrics(&self) -> Vec<MetricRow> {
        let kept = self.kept();
        let per_run: Vec<Vec<(String, f64)>> = self
            .runs
            .iter()
            .map(|r| {
                headline_metrics(r)
                    .into_iter()
                    .map(|(k, v)| (k, v.value()))
                    .collect()
            })
            .collect();
        let Some(first) = per_run.first() else {
            return Vec::new();
        };
        first
            .iter()
            .map(|(name, _)| {
                let values: Vec<f64> = per_run
                    .iter()
                    .map(|m| {
                        m.iter()
                            .find(|(k, _)| k == name)
                            .map_or(f64::NAN, |(_, v)| *v)
                    })
                    .collect();
                let counted: Vec<f64> = values
                    .iter()
                    .zip(&kept)
                    .filter(|(_, k)| **k)
                    .map(|(v, _)| *v)
                    .collect();
                MetricRow {
                    name: name.clone(),
                    estimate: Estimate::of(&counted),
                    values,
                    kept: kept.clone(),
                }
            })
            .collect()
    }

    /// The estimate of metric `name`, if the scenario has it.
    pub fn estimate(&self, name: &str) -> Option<Estimate> {
        self.metrics()
            .into_iter()
            .find(|m| m.name == name)
            .map(|m| m.estimate)
    }
}

/// The paired difference `other - base` of every metric of `other` that `base` has too, in
/// `other`'s order, over the replications both kept; the two must hold the same
/// replications.
pub fn paired(base: &[MetricRow], other: &[MetricRow]) -> Vec<(String, Estimate)> {
    other
        .iter()
        .filter_map(|o| {
            let b = base.iter().find(|b| b.name == o.name)?;
            let both = |m: &MetricRow| -> Vec<f64> {
                m.values
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| b.kept[*i] && o.kept[*i])
                    .map(|(_, v)| *v)
                    .collect()
            };
            Some((o.name.clone(), Estimate::paired(&both(b), &both(o))))
        })
        .collect()
}

/// The run manifest: how each run went on this machine (wall time, events per second), kept
/// out of the results because it differs between identical runs. Pretty JSON ending in a
/// newline: `jobs`, then one object per run in plan order with `scenario`, `replication`,
/// `seed`, `events`, `wall_s`, `events_per_s`.
pub fn manifest_json(jobs: usize, runs: &[Run], results: &[RunResults]) -> String {
    #[derive(Serialize)]
    struct Entry {
        scenario: String,
        replication: u32,
        seed: u64,
        events: u64,
        wall_s: f64,
        events_per_s: f64,
    }
    #[derive(Serialize)]
    struct Manifest {
        jobs: usize,
        runs: Vec<Entry>,
    }
    let m = Manifest {
        jobs,
        runs: runs
            .iter()
            .zip(results)
            .map(|(run, r)| Entry {
                scenario: run.label(),
                replication: run.replication,
                seed: run.seed,
                events: r.events,
                wall_s: r.wall_s,
                events_per_s: r.events_per_s,
            })
            .collect(),
    };
    let mut s = serde_json::to_string_pretty(&m).expect("the manifest serialises");
    s.push('\n');
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replication_one_is_the_master_seed_and_the_others_differ() {
        assert_eq!(replication_seed(42, 1), 42);
        let seeds: Vec<u64> = (1..=100).map(|k| replication_seed(42, k)).collect();
        let mut unique = seeds.clone();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(unique.len(), seeds.len());
        // Fixed forever: scenarios/README.md gives these values for a re-implementer.
        assert_eq!(replication_seed(1, 2), 13_757_245_211_066_428_519);
        assert_eq!(replication_seed(1, 3), 17_911_839_290_282_890_590);
        assert_eq!(replication_seed(42, 10), 11_408_980_392_250_668_974);
    }

    #[test]
    fn experiments_do_not_import_reports() {
        // Issue 17: reports read experiments, never the other way round; the headline
        // metrics both need live in `stats::headline`.
        for (file, text) in [
            ("mod.rs", include_str!("mod.rs")),
            ("precision.rs", include_str!("precision.rs")),
        ] {
            let code: String = text
                .lines()
                .filter(|l| !l.trim_start().starts_with("//"))
                .collect();
            assert!(
                !code.contains(&["crate::", "report"].concat()),
                "experiment/{file} imports the report module"
            );
        }
    }
}
