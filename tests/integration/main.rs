//! The one integration-test binary. Where new tests belong:
//! - `engine`: the event engine's contracts (ordering, time, random streams).
//! - `queueing`: models reduced to textbook queues, checked against exact results.
//! - `manual_claims`: what the NonStop manuals say, replayed (hops, saturation, round robin).
//! - `pathway`: TS/MP link management and ACS domains, on small worked scenarios and the
//!   Release Supplement's SERVER-CORRECT / SERVER-WRONG example.
//! - `swarm`: hundreds of small random clusters must run to the end with requests conserved.
//! - `determinism`: same seed, same bytes.
//! - `replications`: issue 8: interval coverage, paired comparisons, outputs independent of
//!   `--jobs`, `--replication K` reruns.
//! - `progress`: issue 17 item 6: the progress bar and the closing events/s line on stderr,
//!   outputs the same bytes with `--progress=always` and `--quiet`.
//! - `report`: issue 17: `report.html` is self-contained, holds every plot and renders in
//!   headless Chromium (`tests/browser/run.sh`).
//! - `golden`: the shipped scenarios' `summary.json` and `metrics.csv`, byte for byte.
//! - `model_core`: issue 6: events per request, cancellable timers, where requests are.
//! - `issue7`: regression tests of issue 7's defects (lockstep clients, session arrivals, ...).
//! - `issue16`: issue 16 section 1, the corrections against the manuals (explain's bounds,
//!   `check`'s rules, ...), and issue 19 items 11, 12 and 15.
//! - `issue19`: issue 19: atomic, locked output folders; `--set` with inline tables, removals
//!   and a depth limit; errors that say the right thing.
//! - `costs`: issue 9: size-dependent costs (CPU per request against `explain` and the size
//!   formula) and like-for-like ports.
//! - `limits`: issue 9: Pathsend limits (923/924/925, 918) under overload, processor types.
//! - `abandonment`: issue 9's client abandonment against M/M/1 theory, and its accounting.
//! - `cli`: the `nssim` binary as a user runs it, errors included.
//! - `scenario_input`: how scenario files and `--set` are read (issue 7 regressions).
//! - `fuzz`: seeded mutations of the shipped scenarios: no panic, abort or hang in check or run.
//! - `warmup`: issue 8: warm-up by count, statistics restarting at its end, MSER-5, batch means.
//! - `workloads`: issue 9's time-varying arrivals (profiles, MMPP, traces) as a run sees them.
//! - `bench`: issue 18: `nssim bench --quick` runs every workload; event counts, never times.
//! - `planning`: issue 17: `sweep` knees, `capacity` against an SLO (`--vary`, `--down`),
//!   `--shard` and `merge` byte for byte, and bad campaign input.
//! - `process_kill`: issue 15 item 1: killing each kind of process, its takeover or death.
//! - `lan_failover`: issue 15 item 5: `pif_down` / `pif_up`, sessions moving to the survivor
//!   of a failover pair, lost frames paying the retransmission timeout, no partner.
//! - `cip`: the CIP stack: protocol work on the CLIMs, listeners sharing a processor and port,
//!   CLIMs in results and `explain`; `clim_down`.
//! - `cip_failover`: issue 15 (CIP): the failover's alternate retries, a CLIM interface's
//!   `pif_down`, CLIMs in replicated and compared reports, and `check`'s CIP rules.
//! - `recovery`: issue 15 items 4 and 6: Pathsend errors of faults.md A.5 (902, 915, 916)
//!   with their file-system errors, failures by error, retries of Pathsend errors, an ACS
//!   domain's next PATHMON, `rebalance`, and a pair losing its backup mid-takeover.
//! - `explain_down`: issue 15 item 6: `explain --down` of a processor, a PIF, a CLIM or several,
//!   against saturated runs with those faults; `check`'s N-1 warnings; `check --quiet`.
//! - `lcs_failure`: issue 16 section 2 item 4: `lcs_kill`, its lost requests retried by
//!   the terminals' retry policy, the LCS's restart; bad LCS names.
//! - `fixtures`: `tests/data/valid/` loads, `tests/data/invalid/` gives the `.expected` messages.

mod abandonment;
mod bench;
mod cip;
mod cip_failover;
mod cli;
mod costs;
mod determinism;
mod engine;
mod explain_down;
mod failures;
mod faults;
mod fixtures;
mod fuzz;
mod golden;
mod issue16;
mod issue19;
mod issue7;
mod lan_failover;
mod lcs;
mod lcs_failure;
mod limits;
mod manual_claims;
mod max_in_flight;
mod model_core;
mod pathway;
mod planning;
mod process_kill;
mod progress;
mod queueing;
mod recovery;
mod replications;
mod report;
mod retry;
mod scenario_input;
mod swarm;
mod trace;
mod warmup;
mod workloads;

use std::path::{Path, PathBuf};

use nssim::scenario::{self, Scenario};

/// Path of a file in the repository.
pub fn repo(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}

/// Loads a scenario file with `--set` style overrides; panics with the problems on error.
pub fn load(rel: &str, overrides: &[&str]) -> Scenario {
    let overrides: Vec<String> = overrides.iter().map(|s| s.to_string()).collect();
    scenario::load(&repo(rel), &overrides).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// The three shipped scenarios of the distributor / parallel-listener comparison.
pub const SHIPPED: [&str; 3] = [
    "scenarios/fig-3-3-distributor.toml",
    "scenarios/tcpipv6-distributor.toml",
    "scenarios/parallel-listener.toml",
];

/// SplitMix64: a tiny deterministic generator for test parameters.
pub struct Gen(pub u64);

impl Gen {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    /// Uniform in lo..=hi.
    pub fn int(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.next() % (hi - lo + 1)
    }
    pub fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.next() as usize % items.len()]
    }
}
