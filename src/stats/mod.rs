//! Statistics: accumulators the models feed during a run, and the plain results of a run.

mod collector;
mod results;

pub use collector::{ClassTally, Recorder, TimeWeighted};
pub use results::*;
