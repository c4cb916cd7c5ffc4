//! Runs stopped at `run.max_in_flight`: what grew and why, in their outputs and as the
//! command's error (exit 2, after the outputs are written).
//!
//! The model only stops the run and says how many requests were in the node; the reason (the
//! offered rate against `explain`'s ceiling, and whether `[pathway] limits` bound the queues)
//! is the scenario's, so it is worked out here.

use crate::experiment::Experiment;
use crate::model::thousands;
use crate::scenario::{self, Scenario};

use super::Failure;

/// Gives every run of `e` that stopped early its full reason (`scenarios[run.scenario]` is its
/// scenario), so that `summary.json` says it; returns the error to report once the outputs are
/// written, naming the first such run and how many stopped.
pub(super) fn explain_stops(scenarios: &[Scenario], e: &mut Experiment) -> Option<Failure> {
    let mut first = None;
    let mut count = 0;
    for (run, r) in e.runs.iter().zip(e.results.iter_mut()) {
        let Some(stop) = r.stopped.as_mut() else {
            continue;
        };
        stop.reason = format!("{}: {}", stop.reason, why(&scenarios[run.scenario]));
        count += 1;
        if first.is_none() {
            first = Some(format!(
                "error: run '{}' (seed {}) stopped at t = {:.1} s: {}",
                run.label(),
                r.seed,
                stop.at_s,
                stop.reason
            ));
        }
    }
    let mut msg = first?;
    if count > 1 {
        msg += &format!("\n({count} runs stopped; each run's summary.json says why)");
    }
    msg += "\nThe outputs cover each stopped run up to its stop and are marked incomplete \
            (\"stopped\" in summary.json).";
    Some(Failure::Usage(msg))
}

/// Why the requests in flight of `s` grow: the offered rate against `explain`'s ceiling, and
/// the Pathsend limits that would refuse the excess.
fn why(s: &Scenario) -> String {
    let fix = format!(
        "offer less, bound the queues, or raise run.max_in_flight (--set run.max_in_flight=N, at most {})",
        thousands(scenario::limits::MAX_MAX_IN_FLIGHT)
    );
    let unbounded = s.pathway.sends_per_processor.is_none();
    let rate = s
        .workload
        .as_ref()
        .and_then(|w| scenario::peak_rate(&w.arrivals));
    let ceiling = super::capacity(s).ceiling_per_s;
    match rate {
        Some(rate) if rate > ceiling => {
            let limits = if unbounded {
                " and [pathway] limits are unbounded"
            } else {
                ""
            };
            format!(
                "the offered {}/s exceed explain's ceiling of {}/s{limits}, so queues grow without bound; {fix}",
                thousands(rate.round() as u64),
                thousands(ceiling.round() as u64)
            )
        }
        _ => format!(
            "more requests are in the node at once than the bound allows (explain's ceiling is {}/s); {fix}",
            thousands(ceiling.round() as u64)
        ),
    }
}
