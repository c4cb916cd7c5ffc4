//! Statistics: accumulators the models feed during a run, and the plain results of a run.

mod results;

pub use results::*;
