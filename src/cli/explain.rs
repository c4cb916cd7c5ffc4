//! `nssim explain SCENARIO [--set ...] [--down N]`: each listener instance's path leg by leg, the CPU per
//! request, and the operational bounds (demand per processor, PIF, single-threaded process,
//! server pool and class's links; the bottleneck and its throughput ceiling), without running the scenario. Exit codes as `check`: 0 ok, 2 a
//! bad scenario. With `--down N`: the same for the
//! steady state with processor N failed (`model::fault::without_processor`), after its ceiling
//! beside the intact one.

use super::{ExplainArgs, Failure};
use crate::model;
use crate::scenario;

/// Runs `nssim explain`.
pub fn cmd_explain(a: &ExplainArgs) -> Result<(), Failure> {
    let s = scenario::load(&a.check.scenario, &a.check.set)?;
    let Some(cpu) = a.down else {
        let e = model::explain(&s);
        for w in scenario::warnings_with(&s, Some(&e.capacity())) {
            eprintln!("{w}");
        }
        print!("{}", e.render());
        return Ok(());
    };
    let (down, notes) = model::fault::without_processor(&s, cpu).map_err(|why| {
        Failure::Usage(format!(
            "error: {}: --down {cpu}: {why}",
            a.check.scenario.display()
        ))
    })?;
    let intact = model::explain(&s).capacity();
    let e = model::explain(&down);
    let c = e.capacity();
    println!(
        "with processor {cpu} down, after takeovers and restarts (steady state; `nssim run --fault processor_down={cpu}@T` shows the transient):"
    );
    for n in &notes {
        println!("  {n}");
    }
    println!(
        "ceiling {:.0} requests/s ({}), against {:.0}/s with every processor up ({})\n",
        c.ceiling_per_s, c.bottleneck, intact.ceiling_per_s, intact.bottleneck
    );
    print!("{}", e.render());
    Ok(())
}
