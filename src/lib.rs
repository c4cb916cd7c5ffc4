//! nssim: a discrete-event simulator of HPE NonStop clusters.
//!
//! Map of the code (dependency direction `cli -> scenario, report -> model -> engine`):
//! - [`engine`]: virtual time, the (time, sequence) event queue, the loop, named random streams.
//!   Knows nothing of NonStop.
//! - [`model`]: processors, message system, LAN adapters, TCP/IP stacks, listeners, Pathway
//!   (PATHMONs, server classes, links, link managers, ACS domains), Pathway/XM's terminal
//!   assignment and clients, wired from a [`scenario::Scenario`] and run by [`model::simulate`].
//! - [`scenario`]: TOML scenario files -> raw serde structs -> validated, typed [`scenario::Scenario`].
//! - [`stats`]: accumulators the models feed, and [`stats::RunResults`], the plain output of a run.
//! - [`report`]: pure functions from results to bytes (JSON, CSV, plots, terminal tables).
//! - [`cli`]: the `nssim` command line (`run`, `compare`, `check`).

pub mod cli;
pub mod engine;
pub mod model;
pub mod report;
pub mod scenario;
pub mod stats;
