//! Capacity search: the highest offered load that meets a service-level objective, or the
//! least processors (the cheapest processor type) that meet it at a given rate.
//!
//! An objective ([`Objective`]) bounds one figure: `mean<`, `p99<`, `p999<` a latency, or
//! `failed<` the share of requests that fail. A trial runs a point with `first` replications
//! and judges every objective on the 95 % interval of its figure over them: the objective
//! passes when the upper end is below the limit, fails when the lower end is above it, and is
//! undecided otherwise. A trial fails when any objective fails, and also when the point is
//! clearly overloaded (the upper end of its completion ratio is below 0.99, as the sweep's
//! throughput knee); it passes when every objective passes. An undecided trial doubles its
//! replications, up to `max`; still undecided at `max`, it fails.
//!
//! The load search ([`Unit::Load`]) keeps a bracket `[lo, hi]`: `lo` met the objectives (0 at
//! first), `hi` did not (at first the operational throughput ceiling from `explain`, doubled
//! while it passes, at most [`MAX_DOUBLINGS`] times). It tries the midpoint, rounded to a whole
//! request per second, and moves one end to it, until `hi - lo` is under 1 % of `lo` (or the
//! ends are 1/s apart). The answer is `lo`, with the bracket, each objective's interval at
//! `lo` and the busiest processor there (the binding resource).
//!
//! A candidate trial ([`Unit::Candidate`]) runs one value of `--vary` at the given rate (with
//! the values in the same place of any further `--vary`, such as the placement lists that go
//! with a processor count); the answer for a scenario is the first candidate in the order
//! given that passes (list processor counts from few to many, and types from cheapest to
//! dearest).
//!
//! Every step depends only on the figures, which depend only on the seeds, so a search is
//! deterministic. Trials of different units are independent, so one plan's units are run side
//! by side, round after round, on the work queue ([`super::execute`]), and a shard does every
//! N-th unit.

use serde::{Deserialize, Serialize};

use super::campaign::{RunFigures, binding, figure};
use super::sweep::{KNEE_COMPLETION, lower, upper};
use crate::stats::Estimate;

/// Most times the load search doubles the upper end of its bracket while it still passes.
pub const MAX_DOUBLINGS: u32 = 6;

/// What an objective bounds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Measure {
    /// Mean latency \[ms\].
    Mean,
    /// 99th percentile latency \[ms\].
    P99,
    /// 99.9th percentile latency \[ms\].
    P999,
    /// Failed requests over those the window had to complete \[fraction\].
    Failed,
}

impl Measure {
    /// The campaign figure it reads.
    pub fn figure(self) -> &'static str {
        match self {
            Measure::Mean => "latency_ms_mean",
            Measure::P99 => "latency_ms_p99",
            Measure::P999 => "latency_ms_p999",
            Measure::Failed => "failed_ratio",
        }
    }
}

/// One objective: a figure below a limit.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Objective {
    /// As typed (`p99<50ms`).
    pub text: String,
    /// What it bounds.
    pub measure: Measure,
    /// The limit, in the figure's unit (ms, or a fraction for `failed`).
    pub limit: f64,
}

/// Parses `--slo` text: objectives separated by commas (`p99<50ms,failed<0.1%`).
pub fn parse_slo(text: &str) -> Result<Vec<Objective>, String> {
    let allowed = "write mean<D, p99<D, p999<D (D a duration such as 50ms or 2.5ms) or \
                   failed<P% (e.g. failed<0.1%), several separated by commas";
    let mut out = Vec::new();
    for part in text.split(',') {
        let part = part.trim();
        let Some((what, limit)) = part.split_once('<') else {
            return Err(format!("--slo '{text}': '{part}' has no '<'; {allowed}"));
        };
        let limit = limit.trim();
        let measure = match what.trim() {
            "mean" => Measure::Mean,
            "p99" => Measure::P99,
            "p999" => Measure::P999,
            "failed" => Measure::Failed,
            other => {
                return Err(format!(
                    "--slo '{text}': '{other}' is not an objective; {allowed}"
                ));
            }
        };
        let value = if measure == Measure::Failed {
            let pct = limit.strip_suffix('%').ok_or_else(|| {
                format!("--slo '{text}': '{limit}' needs a '%' (failed<0.1%); {allowed}")
            })?;
            pct.trim()
                .parse::<f64>()
                .ok()
                .filter(|v| v.is_finite() && *v > 0.0 && *v <= 100.0)
                .ok_or_else(|| {
                    format!("--slo '{text}': '{limit}' is not a percentage above 0; {allowed}")
                })?
                / 100.0
        } else {
            let d = crate::scenario::units::parse_duration(limit)
                .map_err(|e| format!("--slo '{text}': '{limit}': {e}; {allowed}"))?;
            let ms = d.0 as f64 / 1e6;
            if ms <= 0.0 {
                return Err(format!(
                    "--slo '{text}': the limit must be above 0; {allowed}"
                ));
            }
            ms
        };
        out.push(Objective {
            text: part.to_string(),
            measure,
            limit: value,
        });
    }
    Ok(out)
}

/// How a trial went.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Verdict {
    /// Every objective's interval is below its limit.
    Pass,
    /// Some objective's interval is above its limit, the point is overloaded, or it stayed
    /// undecided at the most replications.
    Fail,
    /// More replications are needed.
    Undecided,
}

/// Judges a trial's figures (its replications with a window) against `objectives`.
pub fn judge(objectives: &[Objective], figures: &[RunFigures]) -> Verdict {
    let est = |name: &str| {
        let j = figure(name);
        let values: Vec<f64> = figures
            .iter()
            .filter(|f| f.window)
            .map(|f| f.values[j].unwrap_or(f64::NAN))
            .collect();
        Estimate::of(&values)
    };
    let done = est("completion_ratio");
    if done.has_interval() && upper(&done) < KNEE_COMPLETION {
        return Verdict::Fail;
    }
    let mut all_pass = true;
    for o in objectives {
        let e = est(o.measure.figure());
        if !e.has_interval() {
            all_pass = false;
            continue;
        }
        if lower(&e) > o.limit {
            return Verdict::Fail;
        }
        if upper(&e) >= o.limit {
            all_pass = false;
        }
    }
    if all_pass {
        Verdict::Pass
    } else {
        Verdict::Undecided
    }
}

/// One trial: a point, its replications' figures and its verdict.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Trial {
    /// The rate tried [requests/s] (the `--rate` of a candidate).
    pub rate: f64,
    /// The figures of replications 1..=n, in replication order.
    pub figures: Vec<RunFigures>,
    /// How it went (never `Undecided` once finished).
    pub verdict: Verdict,
}

impl Trial {
    /// The estimate of figure `name` over the replications with a window.
    pub fn estimate(&self, name: &str) -> Estimate {
        let j = figure(name);
        let values: Vec<f64> = self
            .figures
            .iter()
            .filter(|f| f.window)
            .map(|f| f.values[j].unwrap_or(f64::NAN))
            .collect();
        Estimate::of(&values)
    }

    /// The busiest processor most replications name.
    pub fn binding(&self) -> Option<(u32, String)> {
        binding(&self.figures.iter().collect::<Vec<_>>())
    }
}

/// One unit of a capacity plan.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Unit {
    /// The load search of a scenario, from an initial bracket `[lo, hi]` [requests/s].
    Load {
        /// Index of the scenario.
        scenario: usize,
        /// Initial lower end (0 unless given).
        lo: f64,
        /// Initial upper end.
        hi: f64,
    },
    /// One `--vary` candidate of a scenario at a fixed rate.
    Candidate {
        /// Index of the scenario.
        scenario: usize,
        /// Index of the candidate value.
        candidate: usize,
        /// The rate [requests/s].
        rate: f64,
    },
}

/// Where a unit's search is.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Outcome {
    /// Every finished trial, in the order run.
    pub trials: Vec<Trial>,
    /// The lower end: the highest rate that passed (0 if none did, or the search never
    /// passed above a `--range` start); for a candidate, its rate if it passed, else 0.
    pub lo: f64,
    /// The upper end: the lowest rate that failed (infinite if none did in reach).
    pub hi: Option<f64>,
}

impl Outcome {
    /// The trial at the lower end (none when nothing passed).
    pub fn at_lo(&self) -> Option<&Trial> {
        self.trials
            .iter()
            .rev()
            .find(|t| t.verdict == Verdict::Pass && t.rate == self.lo)
    }
}

/// A unit's search in progress: what it needs next.
pub struct Search {
    /// The unit.
    pub unit: Unit,
    lo: f64,
    hi: f64,
    doublings: u32,
    /// Upper end not yet seen failing (initial hi untested).
    hi_tested: bool,
    trials: Vec<Trial>,
    current: Option<Trial>,
    wanted: u32,
    first: u32,
    max: u32,
    done: bool,
}

impl Search {
    /// A search of `unit` with trials of `first` replications, at most `max`.
    pub fn new(unit: Unit, first: u32, max: u32) -> Search {
        let (lo, hi) = match &unit {
            Unit::Load { lo, hi, .. } => (*lo, *hi),
            Unit::Candidate { rate, .. } => (0.0, *rate),
        };
        Search {
            unit,
            lo,
            hi,
            doublings: 0,
            hi_tested: false,
            trials: Vec::new(),
            current: None,
            wanted: first,
            first,
            max,
            done: false,
        }
    }

    /// Whether the search has its answer.
    pub fn done(&self) -> bool {
        self.done
    }

    /// The next rate to try and the replications it needs (`from..=to`), or `None` when done.
    pub fn next_trial(&mut self) -> Option<(f64, std::ops::RangeInclusive<u32>)> {
        if self.done {
            return None;
        }
        if self.current.is_none() {
            let rate = match self.unit {
                Unit::Candidate { rate, .. } => rate,
                Unit::Load { .. } if !self.hi_tested => self.hi,
                Unit::Load { .. } => ((self.lo + self.hi) / 2.0).round(),
            };
            self.current = Some(Trial {
                rate,
                figures: Vec::new(),
                verdict: Verdict::Undecided,
            });
            self.wanted = self.first;
        }
        let t = self.current.as_ref().expect("set above");
        let have = t.figures.len() as u32;
        Some((t.rate, have + 1..=self.wanted))
    }

    /// Adds the figures of the replications [`Search::next_trial`] asked for and moves on.
    pub fn record(&mut self, objectives: &[Objective], figures: Vec<RunFigures>) {
        let t = self.current.as_mut().expect("a trial under way");
        t.figures.extend(figures);
        let n = t.figures.len() as u32;
        let mut verdict = judge(objectives, &t.figures);
        if verdict == Verdict::Undecided {
            if n < self.max {
                self.wanted = (n * 2).min(self.max);
                return;
            }
            verdict = Verdict::Fail;
        }
        t.verdict = verdict;
        let t = self.current.take().expect("a trial under way");
        let rate = t.rate;
        self.trials.push(t);
        match self.unit {
            Unit::Candidate { .. } => {
                if verdict == Verdict::Pass {
                    self.lo = rate;
                }
                self.done = true;
            }
            Unit::Load { .. } => {
                if !self.hi_tested {
                    if verdict == Verdict::Pass {
                        self.lo = rate;
                        if self.doublings >= MAX_DOUBLINGS {
                            self.hi = f64::INFINITY;
                            self.done = true;
                            return;
                        }
                        self.doublings += 1;
                        self.hi = rate * 2.0;
                    } else {
                        self.hi_tested = true;
                    }
                } else if verdict == Verdict::Pass {
                    self.lo = rate;
                } else {
                    self.hi = rate;
                }
                if self.hi_tested {
                    let mid = ((self.lo + self.hi) / 2.0).round();
                    let narrow = self.lo > 0.0 && self.hi - self.lo < 0.01 * self.lo;
                    if narrow || mid <= self.lo || mid >= self.hi {
                        self.done = true;
                    }
                }
            }
        }
    }

    /// The outcome so far (final once [`Search::done`]). The lower end is a rate that
    /// passed: a `--range` start that was never tried, or never passed, gives 0.
    pub fn outcome(&self) -> Outcome {
        let passed = self
            .trials
            .iter()
            .any(|t| t.verdict == Verdict::Pass && t.rate == self.lo);
        Outcome {
            trials: self.trials.clone(),
            lo: if passed { self.lo } else { 0.0 },
            hi: match self.unit {
                Unit::Candidate { .. } => None,
                Unit::Load { .. } => self.hi.is_finite().then_some(self.hi),
            },
        }
    }
}

/// Everything that decides a capacity plan's runs and outputs, without the scenario files.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CapacityPlan {
    /// The scenarios' names, in the order given.
    pub scenarios: Vec<String>,
    /// The objectives.
    pub objectives: Vec<Objective>,
    /// `--vary`: the key path and its candidate values (none for a load search).
    pub vary: Option<super::campaign::Param>,
    /// Further `--vary` keys whose values go with the first one's, value by value (the
    /// placement that goes with each processor count).
    pub vary_with: Vec<super::campaign::Param>,
    /// `--down` as given (`busiest` or a processor number).
    pub down: Option<String>,
    /// Replications a trial starts with.
    pub first: u32,
    /// Replications a trial may grow to.
    pub max: u32,
    /// The units, in plan order.
    pub units: Vec<Unit>,
    /// FNV-1a of the validated scenarios and everything above.
    pub fingerprint: String,
}

/// A capacity plan's outcomes, one per unit, and the answer for each scenario.
#[derive(Clone, Debug)]
pub struct CapacityResults {
    /// The plan.
    pub plan: CapacityPlan,
    /// One per unit, in plan order.
    pub outcomes: Vec<Outcome>,
}

impl CapacityResults {
    /// For a `--vary` plan, the first candidate (index) of scenario `scenario` that passed.
    pub fn chosen(&self, scenario: usize) -> Option<usize> {
        self.plan
            .units
            .iter()
            .zip(&self.outcomes)
            .filter_map(|(u, o)| match u {
                Unit::Candidate {
                    scenario: s,
                    candidate,
                    ..
                } if *s == scenario && o.lo > 0.0 => Some(*candidate),
                _ => None,
            })
            .min()
    }
}

/// Runs the units of `plan` that `shard` owns, round after round: each round asks every
/// unfinished search for its next replications and runs them all through `run` (which gets
/// `(unit index, rate, replication)` of each and returns their figures, in order, or why it
/// could not run them).
pub fn search<E>(
    plan: &CapacityPlan,
    shard: super::campaign::Shard,
    mut run: impl FnMut(&[(usize, f64, u32)]) -> Result<Vec<RunFigures>, E>,
) -> Result<Vec<(usize, Outcome)>, E> {
    let mut searches: Vec<(usize, Search)> = plan
        .units
        .iter()
        .enumerate()
        .filter(|(i, _)| shard.owns(*i))
        .map(|(i, u)| (i, Search::new(u.clone(), plan.first, plan.max)))
        .collect();
    loop {
        let mut asks = Vec::new();
        let mut counts = Vec::new();
        for (i, s) in &mut searches {
            match s.next_trial() {
                Some((rate, reps)) => {
                    counts.push(reps.clone().count());
                    asks.extend(reps.map(|k| (*i, rate, k)));
                }
                None => counts.push(0),
            }
        }
        if asks.is_empty() {
            break;
        }
        let mut figures = run(&asks)?.into_iter();
        for ((_, s), n) in searches.iter_mut().zip(counts) {
            if n > 0 {
                let got: Vec<RunFigures> = figures.by_ref().take(n).collect();
                s.record(&plan.objectives, got);
            }
        }
    }
    Ok(searches
        .into_iter()
        .map(|(i, s)| (i, s.outcome()))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::super::campaign::FIGURES;
    use super::*;

    fn figures(p99: f64) -> RunFigures {
        let mut values = vec![Some(1.0); FIGURES.len()];
        values[figure("latency_ms_p99")] = Some(p99);
        RunFigures {
            run: 0,
            window: true,
            values,
            busiest: None,
        }
    }

    #[test]
    fn slo_text_parses_or_is_explained() {
        let o = parse_slo("p99<50ms, mean<2.5ms,failed<0.1%,p999<1s").unwrap();
        assert_eq!(o.len(), 4);
        assert_eq!((o[0].measure, o[0].limit), (Measure::P99, 50.0));
        assert_eq!(o[1].limit, 2.5);
        assert!((o[2].limit - 0.001).abs() < 1e-15);
        assert_eq!(o[3].limit, 1000.0);
        for bad in [
            "p99>50ms",
            "p98<50ms",
            "p99<50",
            "failed<0.1",
            "p99<",
            "mean<0ms",
        ] {
            let e = parse_slo(bad).unwrap_err();
            assert!(e.contains("--slo"), "{bad}: {e}");
        }
    }

    #[test]
    fn a_trial_passes_fails_or_asks_for_more() {
        let o = parse_slo("p99<50ms").unwrap();
        let f = |v: &[f64]| v.iter().map(|x| figures(*x)).collect::<Vec<_>>();
        assert_eq!(judge(&o, &f(&[10.0, 11.0, 12.0])), Verdict::Pass);
        assert_eq!(judge(&o, &f(&[90.0, 91.0, 92.0])), Verdict::Fail);
        assert_eq!(judge(&o, &f(&[10.0, 90.0, 50.0])), Verdict::Undecided);
        assert_eq!(judge(&o, &f(&[10.0])), Verdict::Undecided);
    }

    #[test]
    fn the_load_search_brackets_a_step_to_one_percent() {
        // A system that meets p99<50ms below 12,345/s exactly: the search ends with a bracket
        // under 1 % of its lower end, the lower end passing and the upper end failing.
        let o = parse_slo("p99<50ms").unwrap();
        let mut s = Search::new(
            Unit::Load {
                scenario: 0,
                lo: 0.0,
                hi: 20_000.0,
            },
            3,
            6,
        );
        let mut steps = 0;
        while let Some((rate, reps)) = s.next_trial() {
            let p99 = if rate < 12_345.0 { 10.0 } else { 100.0 };
            let figs = reps.map(|k| figures(p99 + f64::from(k))).collect();
            s.record(&o, figs);
            steps += 1;
            assert!(steps < 40, "the search ends");
        }
        let out = s.outcome();
        let hi = out.hi.unwrap();
        assert!(out.lo < 12_345.0 && hi >= 12_345.0, "{} {hi}", out.lo);
        assert!(hi - out.lo < 0.01 * out.lo);
        assert_eq!(out.at_lo().unwrap().verdict, Verdict::Pass);
    }
}
