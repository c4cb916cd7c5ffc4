//! `nssim explain SCENARIO [--set ...]`: each listener instance's path leg by leg, the CPU per
//! request, and the operational bounds (demand per processor, PIF, single-threaded process,
//! server pool and class's links; the bottleneck and its throughput ceiling), without running the scenario. Exit codes as `check`: 0 ok, 2 a
//! bad scenario.

use super::{CheckArgs, Failure};
use crate::model;
use crate::scenario;

/// Runs `nssim explain`.
pub fn cmd_explain(a: &CheckArgs) -> Result<(), Failure> {
    let s = scenario::load(&a.scenario, &a.set)?;
    let e = model::explain(&s);
    for w in scenario::warnings_with(&s, Some(&e.capacity())) {
        eprintln!("{w}");
    }
    print!("{}", e.render());
    Ok(())
}
