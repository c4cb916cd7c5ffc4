//! `summary.json` (one run) and `comparison.json` (several runs).
//!
//! The keys of `summary.json` are a contract other tools read; add keys freely, never rename or
//! drop one. Keys appear in the order of the structs below (serde writes struct fields in
//! declaration order), floats are rounded to 6 decimals so the bytes are stable, and counts
//! are JSON integers. The histogram and the time series are not here: they go to CSV.

use serde::Serialize;
use serde::ser::{SerializeMap, Serializer};

use super::{F6, busiest_processor, conservation_ok, headline_metrics, sample, windowed};
use crate::stats::{
    KindShare, LatencySummary, ListenerResult, PathmonShare, PathsendErrors, PifResult,
    ProcessResult, ProcessorResult, RequestCounts, RunResults, SendTargetResult, ServerClassResult,
    WindowCounts,
};

/// Pretty JSON summary of one run, ending in a newline.
///
/// Keys: `scenario`, `seed`, `stack`, `listener_model`, `sim_time_s`, `warmup_s`, `measured_s`,
/// `events`, `requests` {`offered`, `admitted`, `completed`, `failed` (= `refused` +
/// `pathsend_failed` + `abandoned`), `refused`, `pathsend_failed`, `abandoned`,
/// `abandoned_served`, `retried` and `tmf_aborts` (with `workload.retry`, when non-zero), `in_flight`, `syn_drops`, `measured`}, `conservation_ok`, `throughput_per_s`,
/// `offered_per_s`, `connections_per_s`, `latency_ms` {`mean`, `sd`, `p50`, `p90`, `p99`,
/// `p999`, `max`} (each `null` when no request was measured: an empty sample has no latency,
/// rather than a latency of 0), `hops_per_request_mean` (`null` likewise; the rates and processors' `busy_ratio` are `null` when the run had no measurement window, its warm-up never ending), `busiest_processor` (id, absent without
/// processors), `processors` [{`id`, `busy_ratio`, `busy_by_kind` {kind: ratio}}],
/// `processes`, `server_classes` (without `timeline`, which goes to `servers_timeline.csv`),
/// `pathmons` [{`domain` (string or null), `name`, `server_class`, `weight`, `maxservers`,
/// `links_granted`, `link_share`, `deviation_pp`, `requests`, `request_share`, and for an ACS
/// domain `by_processor` [{`processor`, `links_granted`, `links_held_end`, `requests`,
/// `request_share`}]}],
/// `pathsend_errors` {`904`, `905`, `916`, `918`, `923`, `924`, `925`, `947`}, `time_to_failure_ms`
/// (as `latency_ms`, over measured requests that failed with a Pathsend error; `null` when
/// none did), `listeners`, `pifs`, under CIP `clims` [{`name`, `cores`, `busy_ratio`}] (lists with the fields of their
/// `crate::stats` structs), and for Pathway/XM scenarios `pathway_xm` (the assignment of
/// terminals to TCPs and TCPs to PATHMONs with processors and measured load), `latency_breakdown`,
/// `warmup_requests` (only for a warm-up by request count), `mser` {`block`, `blocks`,
/// `cutoff_requests`, `cutoff_s`, `warmup_completions`, `past_warmup`, `suggested_warmup_s`
/// (`null` unless past the warm-up)} (`null` below 50 completions), and with `--batch-means`
/// `batch_means` {`mean_ms`, `half_width_ms`, `confidence`, `batches`, `batch_size`, `lag1`,
/// `load`, `spans`, `correlated`}. Every value is deterministic: the wall time and events per second of a run
/// go to the run manifest (`manifest.json`, see `crate::experiment::manifest_json`), not here.
pub fn summary_json(r: &RunResults) -> String {
    let summary = Summary {
        scenario: &r.scenario,
        stopped: r.stopped.as_ref(),
        seed: r.seed,
        stack: &r.stack,
        listener_model: &r.listener_model,
        sim_time_s: F6(r.sim_time_s),
        warmup_s: F6(r.warmup_s),
        measured_s: F6(r.measured_s),
        events: r.events,
        requests: &r.requests,
        conservation_ok: conservation_ok(r),
        throughput_per_s: F6(windowed(r, r.throughput_per_s)),
        offered_per_s: F6(windowed(r, r.offered_per_s)),
        configured_per_s: r.configured_per_s.map(F6),
        admitted_per_s: F6(windowed(r, r.admitted_per_s)),
        window: &r.window,
        connections_per_s: F6(windowed(r, r.connections_per_s)),
        latency_ms: Latency::of(r),
        hops_per_request_mean: F6(sample(r, r.hops_per_request_mean)),
        busiest_processor: busiest_processor(r).map(|p| p.id),
        processors: r.processors.iter().map(|p| Processor::of(r, p)).collect(),
        processes: r.processes.iter().map(Process::from).collect(),
        server_classes: r.server_classes.iter().map(Class::from).collect(),
        pathmons: r.pathmons.iter().map(Share::from).collect(),
        send_targets: r.send_targets.iter().map(Target::from).collect(),
        pathsend_errors: Errors::from(&r.pathsend_errors),
        time_to_failure_ms: Latency::failures(r),
        listeners: &r.listeners,
        pifs: r.pifs.iter().map(Pif::from).collect(),
        clims: &r.clims,
        pathway_xm: r.pathway_xm.as_ref(),
        latency_breakdown: &r.latency_breakdown,
        warmup_requests: r.warmup_requests,
        mser: r.mser.as_ref().map(Mser::from),
        batch_means: r.batch_means.as_ref().map(BatchMeans::from),
        faults: r.faults.as_ref(),
        time_window: r.span.as_ref().map(TimeWindow::from),
    };
    to_pretty(&summary)
}

/// Pretty JSON list with one object per run, in the given order, ending in a newline. Each
/// object has `scenario`, `seed`, `stack`, `listener_model`, then the headline numbers with
/// the same names as in `comparison.csv` (`throughput_per_s`, `latency_ms_p99`,
/// `busiest_processor_busy_ratio`, `cpu0_busy_ratio`, ...).
pub fn comparison_json(runs: &[RunResults]) -> String {
    let rows: Vec<Headline<'_>> = runs.iter().map(Headline).collect();
    to_pretty(&rows)
}

pub(super) fn to_pretty<T: Serialize>(value: &T) -> String {
    let mut s = serde_json::to_string_pretty(value)
        .expect("report structs have string keys and no maps that can fail");
    s.push('\n');
    s
}

#[derive(Serialize)]
struct Summary<'a> {
    scenario: &'a str,
    /// A run stopped early (`run.max_in_flight`): its results cover it up to `at_s` only.
    #[serde(skip_serializing_if = "Option::is_none")]
    stopped: Option<&'a crate::stats::Stopped>,
    seed: u64,
    stack: &'a str,
    listener_model: &'a str,
    sim_time_s: F6,
    warmup_s: F6,
    measured_s: F6,
    events: u64,
    requests: &'a RequestCounts,
    conservation_ok: bool,
    throughput_per_s: F6,
    offered_per_s: F6,
    configured_per_s: Option<F6>,
    admitted_per_s: F6,
    window: &'a WindowCounts,
    connections_per_s: F6,
    latency_ms: Latency,
    hops_per_request_mean: F6,
    #[serde(skip_serializing_if = "Option::is_none")]
    busiest_processor: Option<u32>,
    processors: Vec<Processor<'a>>,
    processes: Vec<Process<'a>>,
    server_classes: Vec<Class<'a>>,
    pathmons: Vec<Share<'a>>,
    send_targets: Vec<Target<'a>>,
    pathsend_errors: Errors,
    time_to_failure_ms: Latency,
    listeners: &'a [ListenerResult],
    pifs: Vec<Pif<'a>>,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    clims: &'a [crate::stats::ClimResult],
    #[serde(skip_serializing_if = "Option::is_none")]
    pathway_xm: Option<&'a crate::stats::XmResult>,
    latency_breakdown: &'a [crate::stats::ClassBreakdown],
    #[serde(skip_serializing_if = "Option::is_none")]
    warmup_requests: Option<u64>,
    mser: Option<Mser>,
    #[serde(skip_serializing_if = "Option::is_none")]
    batch_means: Option<BatchMeans>,
    /// Runs with faults: availability, downtime, per fault what it cost and its recovery,
    /// and the log (`faults.csv`).
    #[serde(skip_serializing_if = "Option::is_none")]
    faults: Option<&'a crate::stats::FaultsResult>,
    /// `--window FROM..TO`: the figures over that span of simulated time.
    #[serde(skip_serializing_if = "Option::is_none")]
    time_window: Option<TimeWindow>,
}

/// `time_window` of summary.json: requests offered, completed and failed in `[from_s, to_s)`
/// and the latency of those completed in it (`null` figures when none did).
#[derive(Serialize)]
struct TimeWindow {
    from_s: F6,
    to_s: F6,
    offered: u64,
    completed: u64,
    failed: u64,
    throughput_per_s: F6,
    offered_per_s: F6,
    failed_ratio: F6,
    latency_ms: Latency,
}

impl From<&crate::stats::SpanResult> for TimeWindow {
    fn from(s: &crate::stats::SpanResult) -> Self {
        let none = s.completed == 0;
        TimeWindow {
            from_s: F6(s.from_s),
            to_s: F6(s.to_s),
            offered: s.offered,
            completed: s.completed,
            failed: s.failed,
            throughput_per_s: F6(s.throughput_per_s),
            offered_per_s: F6(s.offered_per_s),
            failed_ratio: F6(s.failed_ratio),
            latency_ms: Latency::from_summary(&s.latency_ms, |v| {
                F6(if none { f64::NAN } else { v })
            }),
        }
    }
}

#[derive(Serialize)]
struct Mser {
    block: u64,
    blocks: u64,
    cutoff_requests: u64,
    cutoff_s: F6,
    warmup_completions: u64,
    past_warmup: bool,
    suggested_warmup_s: Option<F6>,
}

impl From<&crate::stats::Mser> for Mser {
    fn from(m: &crate::stats::Mser) -> Self {
        Mser {
            block: m.block,
            blocks: m.blocks,
            cutoff_requests: m.cutoff_requests,
            cutoff_s: F6(m.cutoff_s),
            warmup_completions: m.warmup_completions,
            past_warmup: m.past_warmup,
            suggested_warmup_s: m.suggested_warmup_s.map(F6),
        }
    }
}

#[derive(Serialize)]
struct BatchMeans {
    mean_ms: F6,
    half_width_ms: F6,
    confidence: F6,
    batches: u64,
    batch_size: u64,
    lag1: F6,
    load: F6,
    spans: F6,
    correlated: bool,
}

impl From<&crate::stats::BatchMeans> for BatchMeans {
    fn from(b: &crate::stats::BatchMeans) -> Self {
        BatchMeans {
            mean_ms: F6(b.mean),
            half_width_ms: F6(b.half_width),
            confidence: F6(0.95),
            batches: b.batches,
            batch_size: b.batch_size,
            lag1: F6(b.lag1),
            load: F6(b.load),
            spans: F6(b.spans),
            correlated: b.correlated,
        }
    }
}

#[derive(Serialize)]
struct Latency {
    mean: F6,
    sd: F6,
    p50: F6,
    p90: F6,
    p99: F6,
    p999: F6,
    max: F6,
}

impl Latency {
    /// The run's latency figures; every one `null` when the sample is empty.
    fn of(r: &RunResults) -> Self {
        Latency::from_summary(&r.latency_ms, |v| F6(sample(r, v)))
    }

    /// Time to failure of measured requests that failed with a Pathsend error; every
    /// figure `null` when none did.
    fn failures(r: &RunResults) -> Self {
        let none = r.time_to_failure_ms.max == 0.0;
        Latency::from_summary(&r.time_to_failure_ms, |v| {
            F6(if none { f64::NAN } else { v })
        })
    }

    fn from_summary(l: &LatencySummary, f: impl Fn(f64) -> F6) -> Self {
        Latency {
            mean: f(l.mean),
            sd: f(l.sd),
            p50: f(l.p50),
            p90: f(l.p90),
            p99: f(l.p99),
            p999: f(l.p999),
            max: f(l.max),
        }
    }
}

#[derive(Serialize)]
struct Processor<'a> {
    id: u32,
    busy_ratio: F6,
    busy_by_kind: KindMap<'a>,
}

impl<'a> Processor<'a> {
    /// A processor of `r`; its busy ratio is unknown (`null`) when `r` had no window.
    fn of(r: &RunResults, p: &'a ProcessorResult) -> Self {
        Processor {
            id: p.id,
            busy_ratio: F6(windowed(r, p.busy_ratio)),
            busy_by_kind: KindMap(&p.busy_by_kind),
        }
    }
}

/// `{"tcpip": 0.31, "server": 0.2}` in `ProcessKind` order. A kind listed twice is summed into
/// its first position, so the object never has duplicate keys.
struct KindMap<'a>(&'a [KindShare]);

impl Serialize for KindMap<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut merged: Vec<(&str, f64)> = Vec::with_capacity(self.0.len());
        for share in self.0 {
            match merged.iter_mut().find(|(k, _)| *k == share.kind) {
                Some((_, b)) => *b += share.busy_ratio,
                None => merged.push((&share.kind, share.busy_ratio)),
            }
        }
        let mut map = s.serialize_map(Some(merged.len()))?;
        for (kind, busy) in merged {
            map.serialize_entry(kind, &F6(busy))?;
        }
        map.end()
    }
}

#[derive(Serialize)]
struct Process<'a> {
    name: &'a str,
    kind: &'a str,
    processor: u32,
    busy_ratio: F6,
    bursts: u64,
    ready_wait_ms_mean: F6,
}

impl<'a> From<&'a ProcessResult> for Process<'a> {
    fn from(p: &'a ProcessResult) -> Self {
        Process {
            name: &p.name,
            kind: &p.kind,
            processor: p.processor,
            busy_ratio: F6(p.busy_ratio),
            bursts: p.bursts,
            ready_wait_ms_mean: F6(p.ready_wait_ms_mean),
        }
    }
}

/// A server class in one PATHMON. `timeline` is left out: one sample per interval is too long
/// for a summary, and `servers_timeline.csv` has it.
#[derive(Serialize)]
struct Class<'a> {
    name: &'a str,
    pathmon: &'a str,
    servers: u32,
    numstatic: u32,
    completed: u64,
    latency_ms_mean: F6,
    queue_wait_ms_mean: F6,
    server_busy_ratio: F6,
    server_held_ratio: F6,
    requests: u64,
    links_granted: u64,
    links_held_mean: F6,
    links_held_max: u64,
    links_held_end: u64,
    servers_static_mean: F6,
    servers_dynamic_mean: F6,
    servers_dynamic_max: u64,
    dynamic_created: u64,
    dynamic_deleted: u64,
    errors_904: u64,
}

impl<'a> From<&'a ServerClassResult> for Class<'a> {
    fn from(c: &'a ServerClassResult) -> Self {
        Class {
            name: &c.name,
            pathmon: &c.pathmon,
            servers: c.servers,
            numstatic: c.numstatic,
            completed: c.completed,
            latency_ms_mean: F6(c.latency_ms_mean),
            queue_wait_ms_mean: F6(c.queue_wait_ms_mean),
            server_busy_ratio: F6(c.server_busy_ratio),
            server_held_ratio: F6(c.server_held_ratio),
            requests: c.requests,
            links_granted: c.links_granted,
            links_held_mean: F6(c.links_held_mean),
            links_held_max: c.links_held_max,
            links_held_end: c.links_held_end,
            servers_static_mean: F6(c.servers_static_mean),
            servers_dynamic_mean: F6(c.servers_dynamic_mean),
            servers_dynamic_max: c.servers_dynamic_max,
            dynamic_created: c.dynamic_created,
            dynamic_deleted: c.dynamic_deleted,
            errors_904: c.errors_904,
        }
    }
}

/// A send target for one class: link-manager queue, 905s and links per link manager.
#[derive(Serialize)]
struct Target<'a> {
    target: &'a str,
    server_class: &'a str,
    local: bool,
    queue_length_mean: F6,
    queue_length_max: u64,
    errors_905: u64,
    errors_918: u64,
    errors_923: u64,
    errors_924_requester: u64,
    errors_924_processor: u64,
    errors_925: u64,
    errors_947: u64,
    /// Written only when non-zero (an ACS domain that lost a PATHMON).
    #[serde(skip_serializing_if = "is_zero")]
    pathmon_retries: u64,
    link_managers: Vec<Lm<'a>>,
}

/// One link manager's links to one PATHMON's servers.
#[derive(Serialize)]
struct Lm<'a> {
    processor: u32,
    /// The Pathway/XM TCP that is this link manager; absent for a processor's.
    #[serde(skip_serializing_if = "Option::is_none")]
    tcp: Option<&'a str>,
    pathmon: &'a str,
    links_held_mean: F6,
    links_held_max: u64,
    links_held_end: u64,
    requests: u64,
    errors_905: u64,
}

impl<'a> From<&'a SendTargetResult> for Target<'a> {
    fn from(t: &'a SendTargetResult) -> Self {
        Target {
            target: &t.target,
            server_class: &t.server_class,
            local: t.local,
            queue_length_mean: F6(t.queue_length_mean),
            queue_length_max: t.queue_length_max,
            errors_905: t.errors_905,
            errors_918: t.errors_918,
            errors_923: t.errors_923,
            errors_924_requester: t.errors_924_requester,
            errors_924_processor: t.errors_924_processor,
            errors_925: t.errors_925,
            errors_947: t.errors_947,
            pathmon_retries: t.pathmon_retries,
            link_managers: t
                .link_managers
                .iter()
                .map(|m| Lm {
                    processor: m.processor,
                    tcp: m.tcp.as_deref(),
                    pathmon: &m.pathmon,
                    links_held_mean: F6(m.links_held_mean),
                    links_held_max: m.links_held_max,
                    links_held_end: m.links_held_end,
                    requests: m.requests,
                    errors_905: m.errors_905,
                })
                .collect(),
        }
    }
}

/// One PATHMON's part of a send target. `name`, `weight`, `server_class`, `links_granted` and
/// `link_share` are the contract keys planners' tools read; `domain` is `null` for a PATHMON
/// addressed directly.
#[derive(Serialize)]
struct Share<'a> {
    domain: Option<&'a str>,
    name: &'a str,
    server_class: &'a str,
    weight: F6,
    maxservers: u32,
    links_granted: u64,
    links_held_mean: F6,
    link_share: F6,
    deviation_pp: F6,
    requests: u64,
    request_share: F6,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    by_processor: Vec<CpuShare>,
}

/// One requesting processor's part of a [`Share`].
#[derive(Serialize)]
struct CpuShare {
    processor: u32,
    links_granted: u64,
    links_held_end: u32,
    requests: u64,
    request_share: F6,
}

impl<'a> From<&'a PathmonShare> for Share<'a> {
    fn from(p: &'a PathmonShare) -> Self {
        Share {
            domain: p.domain.as_deref(),
            name: &p.name,
            server_class: &p.server_class,
            weight: F6(p.weight),
            maxservers: p.maxservers,
            links_granted: p.links_granted,
            links_held_mean: F6(p.links_held_mean),
            link_share: F6(p.link_share),
            deviation_pp: F6(p.deviation_pp),
            requests: p.requests,
            request_share: F6(p.request_share),
            by_processor: p
                .by_processor
                .iter()
                .map(|c| CpuShare {
                    processor: c.processor,
                    links_granted: c.links_granted,
                    links_held_end: c.links_held_end,
                    requests: c.requests,
                    request_share: F6(c.request_share),
                })
                .collect(),
        }
    }
}

/// `{"904": n, "905": n, "916": n}`: keyed by the Pathsend error number, as the manuals and
/// EMS messages name them.
#[derive(Serialize)]
struct Errors {
    #[serde(rename = "904")]
    e904: u64,
    #[serde(rename = "905")]
    e905: u64,
    #[serde(rename = "916")]
    e916: u64,
    #[serde(rename = "918")]
    e918: u64,
    #[serde(rename = "923")]
    e923: u64,
    #[serde(rename = "924")]
    e924: u64,
    #[serde(rename = "925")]
    e925: u64,
    #[serde(rename = "947")]
    e947: u64,
    /// Written only when some send got it (so runs without it keep their bytes).
    #[serde(rename = "902", skip_serializing_if = "is_zero")]
    e902: u64,
    /// Written only when some send got it.
    #[serde(rename = "915", skip_serializing_if = "is_zero")]
    e915: u64,
}

/// For `skip_serializing_if`: a count that is zero is not written.
fn is_zero(n: &u64) -> bool {
    *n == 0
}

impl From<&PathsendErrors> for Errors {
    fn from(e: &PathsendErrors) -> Self {
        Errors {
            e904: e.e904,
            e905: e.e905,
            e916: e.e916,
            e918: e.e918,
            e923: e.e923,
            e924: e.e924,
            e925: e.e925,
            e947: e.e947,
            e902: e.e902,
            e915: e.e915,
        }
    }
}

#[derive(Serialize)]
struct Pif<'a> {
    name: &'a str,
    busy_ratio_in: F6,
    busy_ratio_out: F6,
}

impl<'a> From<&'a PifResult> for Pif<'a> {
    fn from(p: &'a PifResult) -> Self {
        Pif {
            name: &p.name,
            busy_ratio_in: F6(p.busy_ratio_in),
            busy_ratio_out: F6(p.busy_ratio_out),
        }
    }
}

/// One object of `comparison.json`.
struct Headline<'a>(&'a RunResults);

impl Serialize for Headline<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let r = self.0;
        let metrics = headline_metrics(r);
        let mut map = s.serialize_map(Some(4 + metrics.len()))?;
        map.serialize_entry("scenario", &r.scenario)?;
        map.serialize_entry("seed", &r.seed)?;
        map.serialize_entry("stack", &r.stack)?;
        map.serialize_entry("listener_model", &r.listener_model)?;
        for (name, value) in &metrics {
            map.serialize_entry(name, value)?;
        }
        map.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::testdata::{sample_results, three_runs};
    use serde_json::Value;

    #[test]
    fn summary_has_every_contract_key_with_its_type() {
        let v: Value = serde_json::from_str(&summary_json(&sample_results("a"))).unwrap();
        assert_eq!(v["scenario"], "a");
        for key in ["seed", "events"] {
            assert!(v[key].is_u64(), "{key} is not an integer: {}", v[key]);
        }
        for key in [
            "sim_time_s",
            "throughput_per_s",
            "offered_per_s",
            "hops_per_request_mean",
            "warmup_s",
            "measured_s",
            "connections_per_s",
        ] {
            assert!(v[key].is_f64(), "{key} is not a float: {}", v[key]);
        }
        for key in [
            "offered",
            "completed",
            "failed",
            "in_flight",
            "syn_drops",
            "measured",
        ] {
            assert!(
                v["requests"][key].is_u64(),
                "requests.{key} is not an integer"
            );
        }
        assert_eq!(v["conservation_ok"], Value::Bool(true));
        for key in ["mean", "sd", "p50", "p90", "p99", "p999", "max"] {
            assert!(
                v["latency_ms"][key].is_f64(),
                "latency_ms.{key} is not a number"
            );
        }
        let p0 = &v["processors"][0];
        assert!(p0["id"].is_u64());
        assert!(p0["busy_ratio"].is_f64());
        assert!(p0["busy_by_kind"]["tcpip"].is_f64());
        for key in [
            "processes",
            "server_classes",
            "pathmons",
            "listeners",
            "pifs",
            "processors",
        ] {
            assert!(v[key].is_array(), "{key} is not a list");
        }
        assert_eq!(v["stack"], "conventional");
        assert_eq!(v["listener_model"], "distributor");
        assert!(v.get("latency_histogram").is_none());
        assert!(v.get("timeseries").is_none());
    }

    #[test]
    fn summary_pathmons_have_the_contract_keys() {
        let r = sample_results("a");
        let v: Value = serde_json::from_str(&summary_json(&r)).unwrap();
        let list = v["pathmons"].as_array().unwrap();
        assert_eq!(list.len(), r.pathmons.len());
        assert_eq!(list.len(), 6, "two targets of three PATHMONs");
        for p in list {
            // The contract keys, with their types.
            assert!(p["name"].is_string(), "{p}");
            assert!(p["server_class"].is_string(), "{p}");
            assert!(p["weight"].is_number(), "{p}");
            assert!(p["links_granted"].is_u64(), "{p}");
            assert!(p["link_share"].is_number(), "{p}");
            // The extra keys.
            assert!(p["domain"].is_string(), "{p}");
            assert!(p["maxservers"].is_u64(), "{p}");
            assert!(p["deviation_pp"].is_number(), "{p}");
            assert!(p["requests"].is_u64(), "{p}");
            assert!(p["request_share"].is_number(), "{p}");
        }
        // SERVER-WRONG at $PM1: 20 of 200 links = 10 % against a weight of 50.
        let wrong = &list[3];
        assert_eq!(wrong["domain"], "%DOM");
        assert_eq!(wrong["name"], "$PM1");
        assert_eq!(wrong["server_class"], "SERVER-WRONG");
        assert_eq!(wrong["weight"].as_f64(), Some(50.0));
        assert_eq!(wrong["maxservers"], 2);
        assert_eq!(wrong["links_granted"], 20);
        assert_eq!(wrong["link_share"].as_f64(), Some(10.0));
        assert_eq!(wrong["deviation_pp"].as_f64(), Some(40.0));

        let mut direct = r.clone();
        direct.pathmons[0].domain = None;
        let v: Value = serde_json::from_str(&summary_json(&direct)).unwrap();
        assert!(v["pathmons"][0]["domain"].is_null());
    }

    #[test]
    fn summary_has_pathsend_errors_by_number_and_class_fields() {
        let v: Value = serde_json::from_str(&summary_json(&sample_results("a"))).unwrap();
        let e = &v["pathsend_errors"];
        assert_eq!(e["904"], 2);
        assert_eq!(e["905"], 1);
        assert_eq!(e["916"], 0);
        for n in ["918", "923", "924", "925", "947"] {
            assert_eq!(e[n], 0, "{n}");
        }
        assert_eq!(e.as_object().unwrap().len(), 8);
        // No request failed with a Pathsend error in the sample's time-to-failure: null.
        assert!(v["time_to_failure_ms"]["p99"].is_null());
        let c = &v["server_classes"][0];
        assert_eq!(c["name"], "SERVER-CORRECT");
        assert_eq!(c["pathmon"], "$PM1");
        for key in [
            "servers",
            "numstatic",
            "completed",
            "links_held_end",
            "requests",
            "links_granted",
            "links_held_max",
            "servers_dynamic_max",
            "dynamic_created",
            "dynamic_deleted",
            "errors_904",
        ] {
            assert!(
                c[key].is_u64(),
                "server_classes[0].{key} is not an integer: {c}"
            );
        }
        for key in [
            "links_held_mean",
            "servers_static_mean",
            "servers_dynamic_mean",
        ] {
            assert!(
                c[key].is_number(),
                "server_classes[0].{key} is not a number: {c}"
            );
        }
        assert!(c.get("timeline").is_none(), "the timeline belongs in CSV");
    }

    #[test]
    fn summary_floats_are_rounded_to_six_decimals() {
        let mut r = sample_results("a");
        r.throughput_per_s = 1.0 / 3.0;
        r.hops_per_request_mean = -1e-9;
        r.latency_ms.max = f64::NAN;
        let v: Value = serde_json::from_str(&summary_json(&r)).unwrap();
        assert_eq!(v["throughput_per_s"].as_f64().unwrap(), 0.333333);
        assert_eq!(v["hops_per_request_mean"].as_f64().unwrap(), 0.0);
        assert!(v["latency_ms"]["max"].is_null());
        // No long float tails anywhere in the text.
        let text = summary_json(&r);
        assert!(!text.contains("3333333"), "{text}");
        assert!(!text.contains("-0.0"), "{text}");
    }

    #[test]
    fn issue_7_an_empty_sample_has_null_latency_not_zero() {
        let mut r = sample_results("a");
        r.requests.measured = 0;
        r.latency_ms = Default::default();
        r.hops_per_request_mean = 0.0;
        let v: Value = serde_json::from_str(&summary_json(&r)).unwrap();
        for key in ["mean", "sd", "p50", "p90", "p99", "p999", "max"] {
            assert!(v["latency_ms"][key].is_null(), "latency_ms.{key}: {v}");
        }
        assert!(v["hops_per_request_mean"].is_null());
        assert_eq!(v["requests"]["measured"], 0);
        let c: Value = serde_json::from_str(&comparison_json(&[r.clone()])).unwrap();
        assert!(c[0]["latency_ms_p99"].is_null(), "{c}");
        assert!(c[0]["throughput_per_s"].is_number(), "{c}");
        let csv = String::from_utf8(crate::report::metrics_csv(&r)).unwrap();
        assert!(csv.contains(",system,latency_ms_p99,\n"), "{csv}");
        assert!(csv.contains(",system,hops_per_request_mean,\n"), "{csv}");
    }

    #[test]
    fn summary_reports_a_conservation_violation() {
        let mut r = sample_results("a");
        r.requests.in_flight += 1;
        let v: Value = serde_json::from_str(&summary_json(&r)).unwrap();
        assert_eq!(v["conservation_ok"], Value::Bool(false));
    }

    #[test]
    fn summary_is_byte_stable() {
        // The wall clock is not a result: a slower machine writes the same summary.
        let mut slow = sample_results("a");
        slow.wall_s *= 3.0;
        slow.events_per_s /= 3.0;
        assert_eq!(summary_json(&sample_results("a")), summary_json(&slow));
    }

    #[test]
    fn comparison_has_one_object_per_run_in_order() {
        let runs = three_runs();
        let v: Value = serde_json::from_str(&comparison_json(&runs)).unwrap();
        let list = v.as_array().unwrap();
        assert_eq!(list.len(), 3);
        for (obj, r) in list.iter().zip(&runs) {
            assert_eq!(obj["scenario"], r.scenario.as_str());
            assert!(obj["requests_offered"].is_u64());
            assert!(obj["latency_ms_p99"].is_f64());
            assert!(obj["busiest_processor_busy_ratio"].is_f64());
            assert!(obj["cpu3_busy_ratio"].is_f64());
            assert!(obj["pathsend_errors_905"].is_u64());
            assert!(obj["link_share[%DOM/SERVER-WRONG/$PM1]"].is_f64());
        }
        assert_eq!(comparison_json(&runs), comparison_json(&three_runs()));
    }
}
