//! What faults did in a run: the rows of `faults.csv` and the `faults` object of
//! `summary.json` (filled by the fault model, `model/fault.rs`, which documents the rules).

use serde::Serialize;

/// One line of `faults.csv`: what happened when, to what.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LogRow {
    /// When [s].
    pub t_s: f64,
    /// The fault it belongs to (its index in the timeline).
    pub fault: usize,
    /// What it happened to: `processor 3`, a process name.
    pub target: String,
    /// `failed`, `detected`, `takeover`, `restarted`, `reload`, `reloaded`, `links dropped`,
    /// `servers lost`, `requests failed`, `916`. (`faults.csv` adds each fault's tally at the
    /// run's end, `failed KIND`: not log rows.)
    pub event: String,
    /// A count where the event has one (links, servers, requests); empty otherwise.
    pub count: Option<u64>,
    /// The manual's message number where faults.md gives one (PATHMON takeover: 1077).
    pub message: Option<u32>,
}

/// What one fault did to requests: the requests it failed, by what their client got, keyed
/// as `FaultsResult::failed_by_error` is (`904/201`, `904/14`, `902/201`, `947/14`, `915`,
/// `916`, `reset`, `refused`): every kind a fault can cause, each written when non-zero.
/// Serialised as that object.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct Tally(pub std::collections::BTreeMap<String, u64>);

impl Tally {
    /// One more request failed with `what`.
    pub fn add(&mut self, what: &str) {
        *self.0.entry(what.to_string()).or_insert(0) += 1;
    }
    /// Requests failed with `what` (0 if none).
    pub fn get(&self, what: &str) -> u64 {
        self.0.get(what).copied().unwrap_or(0)
    }
    /// Requests failed, all kinds together.
    pub fn total(&self) -> u64 {
        self.0.values().sum()
    }
}

/// What one fault did, for `summary.json`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FaultResult {
    /// The fault's index in the timeline.
    pub fault: usize,
    /// `processor_down`, `processor_reload`, `process_kill`, `pif_down`, `pif_up`,
    /// `clim_down`, `clim_up` or `lcs_kill`.
    pub action: String,
    /// The processor (`"busiest"` resolved; for a kill, the one the process ran in), if the
    /// fault happened.
    pub processor: Option<u32>,
    /// The process a `process_kill` named (absent for the other actions).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub process: Option<String>,
    /// When it happened [s].
    pub at_s: f64,
    /// When the processor was declared down (failures) [s].
    pub detected_s: Option<f64>,
    /// When its pairs had taken over (failures) [s].
    pub taken_over_s: Option<f64>,
    /// When the processor was up again (reloads) [s].
    pub up_s: Option<f64>,
    /// Requests it failed, by what their client got (a Pathsend error with its file-system
    /// error, `reset` or `refused`); they sum to `failed_total`.
    pub failed: Tally,
    /// Requests it failed, all kinds together.
    pub failed_total: u64,
    /// Requests it failed that their requester reissued (`workload.retry`), each attempt
    /// counted: not in `failed`. Written only when non-zero.
    #[serde(skip_serializing_if = "is_zero")]
    pub retried: u64,
    /// Server processes lost, and restarted (AUTORESTART, reload).
    pub servers_lost: u64,
    /// Processes restarted (AUTORESTART and, after a reload, listeners, TCP/IP processes,
    /// PATHMONs and static servers).
    pub restarted: u64,
    /// Links dropped.
    pub links_dropped: u64,
    /// Throughput and p99 over the pre-fault period [requests/s, ms]; none if the period
    /// holds no window that counts.
    pub pre_throughput_per_s: Option<f64>,
    /// See `pre_throughput_per_s`.
    pub pre_p99_ms: Option<f64>,
    /// Seconds from the failure to the start of the first of the recovered windows; none if
    /// it did not recover within the arrival window (or is not a failure).
    pub recovery_s: Option<f64>,
    /// The PIF (`pif_down`, `pif_up`; absent for processor faults).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pif: Option<String>,
    /// Frames lost at the failed PIF and sent again by TCP (`pif_down`; absent otherwise).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub frames_lost: Option<u64>,
    /// The CLIM (`clim_down`, `clim_up`; absent otherwise).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub clim: Option<String>,
    /// The LCS an `lcs_kill` named, `PATHMON/CLASS` (absent otherwise).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lcs: Option<String>,
    /// Requests an `lcs_kill` lost: queued at the LCS, on their way to it, in its bursts, or
    /// forwarded by it and not yet answered (each retried or failed; absent otherwise).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub requests_lost: Option<u64>,
}

/// The faults of a run, for `summary.json` and `faults.csv`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FaultsResult {
    /// Completed / attempted over the whole run.
    pub availability: f64,
    /// Time in sample windows where completions fell below half the attempts [s].
    pub downtime_s: f64,
    /// Failed requests of the whole run by what their client got: a Pathsend error with its
    /// file-system error (`905`, `902/201`, `904/201`), `reset`, `refused` or `abandoned`
    /// (faults.md A.10: failures by Pathsend error and FS). Sums to `requests.failed`.
    pub failed_by_error: std::collections::BTreeMap<String, u64>,
    /// Per fault, in timeline order.
    pub faults: Vec<FaultResult>,
    /// What happened, in time order (`faults.csv`).
    pub log: Vec<LogRow>,
}

/// For `skip_serializing_if`: a count that is zero is not written.
fn is_zero(n: &u64) -> bool {
    *n == 0
}
