//! Reports: pure functions from [`crate::stats::RunResults`] to bytes, and the files of a run.
