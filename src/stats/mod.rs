//! Statistics: accumulators the models feed during a run, and the plain results of a run.

mod collector;
mod results;
mod summary;

pub use collector::{ClassTally, Recorder, TimeWeighted};
pub use results::*;
pub use summary::{MeanCi, mean_ci};
