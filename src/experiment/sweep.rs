//! Sweeps: every scenario at every point of a parameter grid, each point replicated, and the
//! knees of each curve.
//!
//! The plan ([`SweepPlan`]) lists one variant per scenario and point (scenario by scenario,
//! points in grid order) and runs replications `1..=R` of each with the seeds of
//! [`super::replication_seed`] from the scenario's master seed, so every point of a scenario
//! shares its random numbers (common random numbers along the curve and across scenarios).
//! Run `i` of the plan is replication `i % R + 1` of variant `i / R`.
//!
//! A curve is one scenario at every value of the x parameter, the other parameters fixed: the
//! x parameter is `workload.rate` when it is swept, else the first parameter. Along a curve, in
//! the x parameter's order:
//! - `knee_throughput` is the first point where the upper end of the 95 % interval of the
//!   completion ratio (completed per second over the offered load) is below 0.99;
//! - `knee_p99` (with a p99 limit) is the first point where the lower end of the p99
//!   latency's interval is above the limit: the point clearly fails it.
//!
//! A point with one replication has no interval; its mean stands for both ends.

use serde::{Deserialize, Serialize};

use super::campaign::{RunFigures, Shard, binding, fingerprint};
use super::{Run, Variant, replication_seed};
use crate::scenario::Scenario;
use crate::stats::Estimate;

/// The completion ratio below which a point is past the throughput knee.
pub const KNEE_COMPLETION: f64 = 0.99;

/// Everything that decides a sweep's runs and outputs, without the scenario files: what a
/// shard carries so that `merge` needs nothing else.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SweepPlan {
    /// The swept key paths, in the order given.
    pub keys: Vec<String>,
    /// One per scenario and point: scenario by scenario, points in grid order.
    pub variants: Vec<Variant>,
    /// The master seed of each variant (its scenario's `run.seed`).
    pub seeds: Vec<u64>,
    /// Replications per point.
    pub replications: u32,
    /// `--p99-limit` \[ms\].
    pub p99_limit_ms: Option<f64>,
    /// FNV-1a of the validated scenarios and everything above: two shards belong together
    /// only when this is the same.
    pub fingerprint: String,
}

impl SweepPlan {
    /// The plan of `scenarios` (one per variant, overrides applied and validated).
    pub fn new(
        scenarios: &[Scenario],
        keys: Vec<String>,
        variants: Vec<Variant>,
        replications: u32,
        p99_limit_ms: Option<f64>,
    ) -> SweepPlan {
        assert_eq!(scenarios.len(), variants.len(), "one scenario per variant");
        let seeds: Vec<u64> = scenarios.iter().map(|s| s.run.seed).collect();
        let text = format!(
            "sweep\n{scenarios:?}\n{keys:?}\n{variants:?}\n{replications}\n{p99_limit_ms:?}\n"
        );
        SweepPlan {
            keys,
            variants,
            seeds,
            replications,
            p99_limit_ms,
            fingerprint: fingerprint(&text),
        }
    }

    /// Every run, in plan order.
    pub fn runs(&self) -> Vec<Run> {
        let mut runs = Vec::new();
        for (i, (v, seed)) in self.variants.iter().zip(&self.seeds).enumerate() {
            for k in 1..=self.replications {
                runs.push(Run {
                    scenario: i,
                    variant: v.clone(),
                    replication: k,
                    seed: replication_seed(*seed, k),
                });
            }
        }
        runs
    }

    /// The runs `shard` does: `(index in the plan, run)`.
    pub fn shard_runs(&self, shard: Shard) -> Vec<(usize, Run)> {
        self.runs()
            .into_iter()
            .enumerate()
            .filter(|(i, _)| shard.owns(*i))
            .collect()
    }

    /// The x parameter of every curve: `workload.rate` when swept, else the first key.
    pub fn x_key(&self) -> Option<&str> {
        self.keys
            .iter()
            .find(|k| k.as_str() == "workload.rate")
            .or(self.keys.first())
            .map(String::as_str)
    }
}

/// One point of a sweep over its replications.
#[derive(Clone, Debug)]
pub struct Point {
    /// Index of its variant in the plan.
    pub variant: usize,
    /// Estimate of each figure of [`super::campaign::FIGURES`] over the replications that
    /// had a measurement window.
    pub estimates: Vec<Estimate>,
    /// The busiest processor most replications name, and what used it.
    pub binding: Option<(u32, String)>,
    /// The figures of each replication, in replication order.
    pub runs: Vec<RunFigures>,
}

impl Point {
    /// The estimate of figure `name`.
    pub fn estimate(&self, name: &str) -> Estimate {
        self.estimates[super::campaign::figure(name)]
    }
}

/// The upper end of an estimate's interval (its mean without one).
pub fn upper(e: &Estimate) -> f64 {
    if e.has_interval() {
        e.mean + e.half_width
    } else {
        e.mean
    }
}

/// The lower end of an estimate's interval (its mean without one).
pub fn lower(e: &Estimate) -> f64 {
    if e.has_interval() {
        e.mean - e.half_width
    } else {
        e.mean
    }
}

/// A curve: one scenario at every value of the x parameter, the other parameters fixed.
#[derive(Clone, Debug)]
pub struct Curve {
    /// The label: the scenario name and the fixed parameters.
    pub label: String,
    /// Its points (indices into [`SweepResults::points`]), in the x parameter's order.
    pub points: Vec<usize>,
    /// The first point past the throughput knee, if any.
    pub knee_throughput: Option<usize>,
    /// The first point past the p99 limit, if a limit was given and a point is past it.
    pub knee_p99: Option<usize>,
}

/// A sweep's plan and the figures of every run, and what follows from them.
#[derive(Clone, Debug)]
pub struct SweepResults {
    /// The plan.
    pub plan: SweepPlan,
    /// One per variant, in plan order.
    pub points: Vec<Point>,
    /// One per scenario and combination of the parameters other than x, in plan order.
    pub curves: Vec<Curve>,
}

impl SweepResults {
    /// The results of `plan` from the figures of all its runs (any order; one per run).
    pub fn new(plan: SweepPlan, mut figures: Vec<RunFigures>) -> SweepResults {
        figures.sort_by_key(|f| f.run);
        let r = plan.replications as usize;
        assert_eq!(
            figures.len(),
            plan.variants.len() * r,
            "one figure set per run"
        );
        let points: Vec<Point> = figures
            .chunks(r)
            .enumerate()
            .map(|(variant, runs)| {
                let kept: Vec<&RunFigures> = runs.iter().filter(|f| f.window).collect();
                let estimates = (0..super::campaign::FIGURES.len())
                    .map(|j| {
                        let values: Vec<f64> = kept
                            .iter()
                            .map(|f| f.values[j].unwrap_or(f64::NAN))
                            .collect();
                        Estimate::of(&values)
                    })
                    .collect();
                Point {
                    variant,
                    estimates,
                    binding: binding(&runs.iter().collect::<Vec<_>>()),
                    runs: runs.to_vec(),
                }
            })
            .collect();
        let x_key = plan.x_key().map(str::to_string);
        let mut curves: Vec<Curve> = Vec::new();
        for (i, v) in plan.variants.iter().enumerate() {
            let fixed = Variant::with_parameters(
                &v.name,
                v.parameters
                    .iter()
                    .filter(|(k, _)| Some(k) != x_key.as_ref())
                    .cloned()
                    .collect(),
            );
            let label = fixed.label();
            match curves.iter_mut().find(|c| c.label == label) {
                Some(c) => c.points.push(i),
                None => curves.push(Curve {
                    label,
                    points: vec![i],
                    knee_throughput: None,
                    knee_p99: None,
                }),
            }
        }
        for c in &mut curves {
            c.knee_throughput = c
                .points
                .iter()
                .copied()
                .find(|&p| upper(&points[p].estimate("completion_ratio")) < KNEE_COMPLETION);
            c.knee_p99 = plan.p99_limit_ms.and_then(|limit| {
                c.points
                    .iter()
                    .copied()
                    .find(|&p| lower(&points[p].estimate("latency_ms_p99")) > limit)
            });
        }
        SweepResults {
            plan,
            points,
            curves,
        }
    }

    /// The value of the x parameter at point `p` as written (`20000/s`), or empty.
    pub fn x_text(&self, p: usize) -> String {
        let Some(x) = self.plan.x_key() else {
            return String::new();
        };
        self.plan.variants[p]
            .parameters
            .iter()
            .find(|(k, _)| k == x)
            .map_or(String::new(), |(_, v)| v.clone())
    }

    /// Where point `p` sits on the x axis: the swept rate in requests/s when the x parameter
    /// is `workload.rate`, the offered load when there is no parameter, else the x
    /// parameter's number, or for values that are not numbers their position 0, 1, ... in
    /// the order the values were given.
    pub fn x_value(&self, p: usize) -> f64 {
        match self.plan.x_key() {
            Some("workload.rate") => crate::scenario::units::parse_rate(&self.x_text(p))
                .unwrap_or_else(|_| self.points[p].estimate("offered_load_per_s").mean),
            Some(k) => match super::campaign::split_number(&self.x_text(p)) {
                Some((v, _)) => v,
                None => {
                    // Not a number (a processor type): its position among the key's values.
                    let mut seen: Vec<&str> = Vec::new();
                    for v in &self.plan.variants {
                        if let Some((_, x)) = v.parameters.iter().find(|(pk, _)| pk == k)
                            && !seen.contains(&x.as_str())
                        {
                            seen.push(x);
                        }
                    }
                    let x = self.x_text(p);
                    seen.iter().position(|s| *s == x).unwrap_or(0) as f64
                }
            },
            None => self.points[p].estimate("offered_load_per_s").mean,
        }
    }

    /// The x axis' title: `offered load [requests/s]`, or the x parameter.
    pub fn x_title(&self) -> String {
        match self.plan.x_key() {
            Some(k) if k != "workload.rate" => k.to_string(),
            _ => "offered load [requests/s]".to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::campaign::FIGURES;
    use super::*;

    fn figures(run: usize, load: f64, done: f64, p99: f64) -> RunFigures {
        let mut values = vec![Some(0.0); FIGURES.len()];
        values[super::super::campaign::figure("offered_load_per_s")] = Some(load);
        values[super::super::campaign::figure("completion_ratio")] = Some(done);
        values[super::super::campaign::figure("latency_ms_p99")] = Some(p99);
        RunFigures {
            run,
            window: true,
            values,
            busiest: Some((3, "distributor".into())),
        }
    }

    fn plan(points: &[&str]) -> SweepPlan {
        SweepPlan {
            keys: vec!["workload.rate".into()],
            variants: points
                .iter()
                .map(|p| {
                    Variant::with_parameters("s", vec![("workload.rate".into(), p.to_string())])
                })
                .collect(),
            seeds: vec![1; points.len()],
            replications: 2,
            p99_limit_ms: Some(50.0),
            fingerprint: String::new(),
        }
    }

    #[test]
    fn knees_are_the_first_points_clearly_past_each_limit() {
        let p = plan(&["1/s", "2/s", "3/s"]);
        // Point 2: the completion ratio's interval reaches 0.995 (not past the knee); point
        // 3 is clearly below 0.99. p99: point 2's interval straddles 50 ms; point 3 is above.
        let f = vec![
            figures(0, 1.0, 1.0, 10.0),
            figures(1, 1.0, 1.0, 11.0),
            figures(2, 2.0, 0.985, 40.0),
            figures(3, 2.0, 0.995, 60.0),
            figures(4, 3.0, 0.9, 80.0),
            figures(5, 3.0, 0.91, 81.0),
        ];
        let r = SweepResults::new(p, f);
        assert_eq!(r.curves.len(), 1);
        assert_eq!(r.curves[0].points, [0, 1, 2]);
        assert_eq!(r.curves[0].knee_throughput, Some(2));
        assert_eq!(r.curves[0].knee_p99, Some(2));
        assert_eq!(r.x_text(1), "2/s");
        assert_eq!(r.x_value(2), 3.0);
        assert_eq!(r.points[0].binding, Some((3, "distributor".into())));
    }

    #[test]
    fn the_plan_runs_replications_of_each_point() {
        let p = plan(&["1/s", "2/s"]);
        let runs = p.runs();
        assert_eq!(runs.len(), 4);
        assert_eq!((runs[3].scenario, runs[3].replication), (1, 2));
        assert_eq!(runs[1].seed, replication_seed(1, 2));
        let s = p.shard_runs(Shard { index: 1, count: 3 });
        assert_eq!(s.iter().map(|(i, _)| *i).collect::<Vec<_>>(), [1]);
    }
}
