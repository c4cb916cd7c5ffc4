//! `nssim explain SCENARIO [--set ...] [--down N|pif:NAME|clim:NAME ...]`: each listener
//! instance's path leg by leg, the CPU per request, and the operational bounds (demand per
//! processor, PIF, CLIM, single-threaded process, server pool and class's links; the
//! bottleneck and its throughput ceiling), without running the scenario. Exit codes as
//! `check`: 0 ok, 2 a bad scenario or a bad `--down`. With `--down`: the same for the steady
//! state with those processors, PIFs or CLIMs failed (`model::explain::without`), after its
//! ceiling beside the intact one.

use super::{ExplainArgs, Failure};
use crate::model;
use crate::scenario;

/// Runs `nssim explain`.
pub fn cmd_explain(a: &ExplainArgs) -> Result<(), Failure> {
    let s = scenario::load(&a.check.scenario, &a.check.set)?;
    if a.down.is_empty() {
        let e = model::explain(&s);
        for w in scenario::warnings_with(&s, Some(&e.capacity())) {
            eprintln!("{w}");
        }
        print!("{}", e.render());
        return Ok(());
    }
    let usage = |arg: &str, why: String| {
        Failure::Usage(format!(
            "error: {}: --down {arg}: {why}",
            a.check.scenario.display()
        ))
    };
    let mut targets = Vec::new();
    for d in &a.down {
        let t = model::Target::parse(&s, d).map_err(|why| usage(d, why))?;
        if !targets.contains(&t) {
            targets.push(t);
        }
    }
    let down = model::without(&s, &targets).map_err(|why| usage(&a.down.join(" --down "), why))?;
    let intact = model::explain(&s).capacity();
    let e = model::explain_down(&down);
    let c = e.capacity();
    let what: Vec<String> = targets.iter().map(model::Target::describe).collect();
    let faults: Vec<String> = targets
        .iter()
        .map(|t| format!("--fault {}@T", t.fault()))
        .collect();
    println!(
        "with {} down, after takeovers, restarts and failovers (steady state; `nssim run {}` shows the transient):",
        what.join(" and "),
        faults.join(" ")
    );
    for n in &down.notes {
        println!("  {n}");
    }
    println!(
        "ceiling {:.0} requests/s ({}), against {:.0}/s with everything up ({})\n",
        c.ceiling_per_s, c.bottleneck, intact.ceiling_per_s, intact.bottleneck
    );
    print!("{}", e.render());
    Ok(())
}
