//! Statistics: accumulators the models feed during a run, and the plain results of a run.

pub mod batch_means;
mod collector;
mod faults;
pub mod headline;
pub mod mser;
mod replicated;
mod results;
pub mod student_t;
#[cfg(test)]
mod test_noise;

pub use batch_means::BatchMeans;
pub use collector::{ClassTally, Recorder, Spread, TimeWeighted};
pub use faults::{FaultResult, FaultsResult, LogRow, Tally};
pub use mser::Mser;
pub use replicated::{CONFIDENCE, Estimate};
pub use results::*;
pub use student_t::t_quantile;
