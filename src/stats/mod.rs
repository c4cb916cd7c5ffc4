//! Statistics: accumulators the models feed during a run, and the plain results of a run.

mod collector;
mod replicated;
mod results;
pub mod student_t;
mod summary;

pub use collector::{ClassTally, Recorder, TimeWeighted};
pub use replicated::{CONFIDENCE, Estimate};
pub use results::*;
pub use summary::{MeanCi, mean_ci};
