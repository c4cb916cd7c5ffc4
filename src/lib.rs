//! nssim: a discrete-event simulator of HPE NonStop clusters.
//!
//! Map of the code (dependency direction `cli -> scenario, report -> model -> engine`):
//! - [`engine`]: virtual time, the (time, sequence) event queue with cancellable keys, the
//!   loop, named random streams. Knows nothing of NonStop.
//! - [`model`]: one NonStop node (`Node`: the event enum and its one dispatch `match`) made of
//!   subsystems that each own their life cycle (build, events, results, and what a failure
//!   means to them) behind private fields, each taking a narrow context: `processor` (`Cpus`,
//!   with process health and pairs), `message_system`, `lan`, `tcpip`, `listener`, `pathway/`
//!   (PATHMONs, server classes, links, link managers, ACS placement, Pathsend; its own build
//!   and results), `clients`, `request` (where each request is, with its pending event's
//!   key); `ids` (typed and generational ids, imported by all of them), `itinerary` (a
//!   request's path as a list of legs, built per listener instance), `path` (the interpreter
//!   of those legs), `build` (scenario -> node, a loop over the subsystems), `observe` (node
//!   -> results, conservation checks, where requests are), `explain` (paths and operational
//!   bounds without a run), `pathway_xm` (Pathway/XM's terminal assignment),
//!   `process_broker` (where a Pathway/XM node places new servers, reservations, weights
//!   after a processor failure) and `lcs_control` (when an LCS asks for servers and drops
//!   them), both driven by a distributed class's LCS (`pathway/lcs.rs`). Run by
//!   [`model::simulate`]; reads [`scenario::Scenario`], feeds [`stats`].
//! - [`scenario`]: TOML scenario files -> raw serde structs -> validated, typed [`scenario::Scenario`].
//! - [`stats`]: accumulators the models feed, and [`stats::RunResults`], the plain output of a run;
//!   the warm-up diagnosis (`mser`), batch means and Student t quantiles over its completions.
//! - [`report`]: pure functions from results to bytes (JSON, CSV, plots, terminal tables), and
//!   the self-contained `report.html` page built from sections (`report::html`).
//! - [`experiment`]: the plan of runs (scenarios x replications, seeds per replication), the
//!   work queue that runs it over all cores (telling an `Observer`, the progress bar, as runs
//!   finish), estimates over replications, paired differences; sweeps and their knees,
//!   capacity searches against objectives, parameter grids, shards and their merge.
//! - [`cli`]: the `nssim` command line (`run`, `compare`, `check`, `explain`, `diverge`,
//!   `sweep`, `capacity`, `merge`, `bench`), its progress bar (`indicatif`, on stderr) and what
//!   `run` and `compare` put on `report.html`.

pub mod cli;
pub mod engine;
pub mod experiment;
pub mod model;
pub mod report;
pub mod scenario;
pub mod stats;
