//! `nssim diverge`: where two runs first differ, event by event.
//!
//! Two scenario arguments (with `compare`'s bracket overrides) are run here and the first
//! differing event is named, with the last event they share. Two `trajectory.csv` files (from
//! `run --trace-hash`, perhaps by another build) are compared by their checkpoints, which name
//! the window of events holding the first difference.

use std::path::Path;

use anyhow::Context;

use super::{DivergeArgs, Failure, load, parse_scenario_arg, print_out};
use crate::engine::{self, Parting, SimTime};
use crate::model::{self, Described, Divergence};
use crate::report;

pub(super) fn cmd_diverge(a: &DivergeArgs) -> Result<(), Failure> {
    let files = a.runs.iter().filter(|r| r.ends_with(".csv")).count();
    let text = match files {
        0 => scenarios(a)?,
        2 => trajectories(&a.runs[0], &a.runs[1])?,
        _ => {
            return Err(Failure::Usage(
                "error: give two scenarios or two trajectory.csv files, not one of each".into(),
            ));
        }
    };
    let identical = text.starts_with("identical");
    print_out(&text)?;
    if identical {
        Ok(())
    } else {
        Err(Failure::Differ)
    }
}

fn at(t: SimTime) -> String {
    format!("t = {:.9} s", t.0 as f64 / 1e9)
}

fn event(e: &Option<Described>) -> String {
    match e {
        Some((n, t, d)) => format!("#{n} at {}: {d}", at(*t)),
        None => "(the run had ended)".into(),
    }
}

fn scenarios(a: &DivergeArgs) -> Result<String, Failure> {
    let mut runs = Vec::new();
    for text in &a.runs {
        let arg = parse_scenario_arg(text).map_err(|e| Failure::Usage(format!("error: {e}")))?;
        let mut set = a.set.clone();
        set.extend(arg.overrides.iter().cloned());
        runs.push(load(&arg.path, &set, a.seed)?);
    }
    Ok(match model::diverge(&runs[0], &runs[1]) {
        Divergence::Identical { events, hash } => {
            format!("identical trajectories: {events} events, hash {hash:016x}\n")
        }
        Divergence::Parts {
            event: n,
            common,
            a: ea,
            b: eb,
        } => {
            let shared = match &common {
                Some(c) => format!("  last shared event {}\n", event(&Some(c.clone()))),
                None => "  they share no event\n".into(),
            };
            format!(
                "the trajectories part at event #{n}\n{shared}  A ({}): {}\n  B ({}): {}\n",
                a.runs[0],
                event(&ea),
                a.runs[1],
                event(&eb)
            )
        }
    })
}

fn read(path: &str) -> Result<(Vec<engine::Checkpoint>, engine::Checkpoint), Failure> {
    let text = std::fs::read_to_string(Path::new(path))
        .with_context(|| format!("could not read '{path}'"))
        .map_err(|e| Failure::Usage(format!("error: {e:#}")))?;
    report::parse_trajectory_csv(&text).map_err(|e| Failure::Usage(format!("error: {path}: {e}")))
}

fn trajectories(a: &str, b: &str) -> Result<String, Failure> {
    let ((ca, ea), (cb, eb)) = (read(a)?, read(b)?);
    Ok(match engine::parting(&ca, ea, &cb, eb) {
        Parting::Identical => format!(
            "identical trajectories: {} events, hash {:016x}\n",
            ea.events, ea.hash
        ),
        Parting::Within { after, before } => {
            let time = |c: &[engine::Checkpoint]| {
                c.iter()
                    .find(|x| x.events == after)
                    .map_or("the start".to_string(), |x| at(x.at))
            };
            format!(
                "the trajectories part between event #{} and #{before}: they agree up to \
                 #{after} ({}) and differ by #{before}\n  A: {} events, hash {:016x}\n  \
                 B: {} events, hash {:016x}\n  run both scenarios with `nssim diverge` to \
                 name the event\n",
                after + 1,
                time(&ca),
                ea.events,
                ea.hash,
                eb.events,
                eb.hash
            )
        }
    })
}
