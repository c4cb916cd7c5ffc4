//! The headline metrics of a run and the number formatting of every report: what
//! `comparison.csv`, `comparison.json`, `replications.csv` and the replicated estimates list,
//! shared by `crate::report` (which writes them) and `crate::experiment` (which replicates
//! them), so neither depends on the other for them.

use std::fmt;

use serde::{Serialize, Serializer};

use super::{ProcessorResult, RunResults};

/// A number in a report. Counts stay integers; everything else is a float, printed with six
/// decimals in CSV and rounded to six decimals in JSON so the bytes are stable. A float that is
/// not finite (an unknown figure, such as the latency of an empty sample) is an empty CSV value
/// and `null` in JSON.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Num {
    /// A count (requests, events, bursts, ids).
    Int(u64),
    /// A measured or derived quantity.
    Float(f64),
}

impl Num {
    /// The number as a float (a count as its value; an unknown figure as NaN).
    pub fn value(self) -> f64 {
        match self {
            Num::Int(i) => i as f64,
            Num::Float(f) => f,
        }
    }
}

impl fmt::Display for Num {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Num::Int(v) => write!(f, "{v}"),
            Num::Float(v) if !v.is_finite() => Ok(()),
            Num::Float(v) => write!(f, "{:.6}", zero_sign(*v)),
        }
    }
}

impl Serialize for Num {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Num::Int(v) => s.serialize_u64(*v),
            Num::Float(v) => Serialize::serialize(&F6(*v), s),
        }
    }
}

/// `-0.0` prints as `-0.000000`; a report should not show a sign on nothing.
fn zero_sign(v: f64) -> f64 {
    if v == 0.0 { 0.0 } else { v }
}

/// A float rounded to 6 decimals when serialized; NaN and infinities become `null` (JSON has
/// no literal for them).
#[derive(Clone, Copy, Debug)]
pub struct F6(pub f64);

impl Serialize for F6 {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if self.0.is_finite() {
            s.serialize_f64(round6(self.0))
        } else {
            s.serialize_none()
        }
    }
}

/// Rounds to 6 decimals. `k / 1e6` with integer-valued `k` is the double nearest to the
/// decimal, so serde_json prints it with at most 6 decimals.
pub fn round6(v: f64) -> f64 {
    let scaled = (v * 1e6).round();
    // Beyond 2^53 every double is already an integer, and rounding would only risk overflow.
    if !scaled.is_finite() || scaled.abs() >= 9.0e15 {
        return v;
    }
    let r = scaled / 1e6;
    if r == 0.0 { 0.0 } else { r }
}

/// The processor with the largest busy ratio; on a tie the lowest id wins, so the choice does
/// not depend on float noise in the order of the list.
pub fn busiest_processor(r: &RunResults) -> Option<&ProcessorResult> {
    r.processors
        .iter()
        .fold(None, |best: Option<&ProcessorResult>, p| match best {
            Some(b) if b.busy_ratio >= p.busy_ratio => Some(b),
            _ => Some(p),
        })
}

/// Whether the latency sample is empty: no request completed after the warm-up. Its
/// latency figures and mean hops are then not 0 but unknown: `n/a` in tables, `null` in JSON,
/// an empty value in CSV ([`sample`]).
pub fn empty_sample(r: &RunResults) -> bool {
    r.requests.measured == 0
}

/// Whether the run ended before its warm-up did (e.g. `run.max_requests` reached first), so
/// there was no measurement window at all.
pub fn no_window(r: &RunResults) -> bool {
    r.sim_time_s <= r.warmup_s
}

/// A figure measured over the measurement window (a rate, a busy ratio, a time-average
/// share): `v`, or NaN (written `null` / empty / `n/a`) when the run had no window, so that a
/// run whose warm-up never ended reports its throughput as unknown rather than 0.
pub fn windowed(r: &RunResults, v: f64) -> f64 {
    if no_window(r) { f64::NAN } else { v }
}

/// A figure of the latency sample: `v`, or NaN (written `null` / empty / `n/a`) when the
/// sample is empty.
pub fn sample(r: &RunResults, v: f64) -> f64 {
    if empty_sample(r) { f64::NAN } else { v }
}

/// The headline numbers of one run, in the order `comparison.csv` and `comparison.json` use.
/// Names carry their unit last (`latency_ms_p99`); `configured_per_s` is the open workload's
/// configured rate (unknown for closed clients); every Pathsend error number has its count
/// (`pathsend_errors_904` ... `_925`); link and request shares are named
/// `link_share[<domain or ->/<class>/<pathmon>]` and `request_share[...]` [%], one each per
/// `RunResults::pathmons` entry.
pub fn headline_metrics(r: &RunResults) -> Vec<(String, Num)> {
    use Num::{Float, Int};
    let l = &r.latency_ms;
    let q = &r.requests;
    let mut m: Vec<(String, Num)> = [
        ("throughput_per_s", Float(windowed(r, r.throughput_per_s))),
        ("offered_per_s", Float(windowed(r, r.offered_per_s))),
        (
            "configured_per_s",
            Float(r.configured_per_s.unwrap_or(f64::NAN)),
        ),
        ("latency_ms_mean", Float(sample(r, l.mean))),
        ("latency_ms_p50", Float(sample(r, l.p50))),
        ("latency_ms_p90", Float(sample(r, l.p90))),
        ("latency_ms_p99", Float(sample(r, l.p99))),
        ("latency_ms_max", Float(sample(r, l.max))),
        (
            "hops_per_request_mean",
            Float(sample(r, r.hops_per_request_mean)),
        ),
        ("requests_offered", Int(q.offered)),
        ("requests_completed", Int(q.completed)),
        ("requests_failed", Int(q.failed)),
        ("requests_abandoned", Int(q.abandoned)),
        ("requests_in_flight", Int(q.in_flight)),
        ("requests_syn_drops", Int(q.syn_drops)),
        ("pathsend_errors_904", Int(r.pathsend_errors.e904)),
        ("pathsend_errors_905", Int(r.pathsend_errors.e905)),
        ("pathsend_errors_916", Int(r.pathsend_errors.e916)),
        ("pathsend_errors_918", Int(r.pathsend_errors.e918)),
        ("pathsend_errors_923", Int(r.pathsend_errors.e923)),
        ("pathsend_errors_924", Int(r.pathsend_errors.e924)),
        ("pathsend_errors_925", Int(r.pathsend_errors.e925)),
        ("pathsend_errors_947", Int(r.pathsend_errors.e947)),
        ("pathsend_errors_total", Int(r.pathsend_errors.total())),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    if let Some(p) = busiest_processor(r) {
        m.push(("busiest_processor".into(), Int(u64::from(p.id))));
        m.push((
            "busiest_processor_busy_ratio".into(),
            Float(windowed(r, p.busy_ratio)),
        ));
    }
    for p in &r.processors {
        m.push((
            format!("cpu{}_busy_ratio", p.id),
            Float(windowed(r, p.busy_ratio)),
        ));
    }
    for c in &r.clims {
        m.push((
            format!("clim_busy_ratio[{}]", c.name),
            Float(windowed(r, c.busy_ratio)),
        ));
    }
    if let Some(f) = &r.faults {
        m.push(("availability".into(), Float(f.availability)));
        m.push(("downtime_s".into(), Float(f.downtime_s)));
        m.push(("requests_reset".into(), Int(q.reset)));
        m.push(("requests_refused".into(), Int(q.refused)));
        for x in f.faults.iter().filter(|x| {
            matches!(
                x.action.as_str(),
                "processor_down" | "process_kill" | "pif_down" | "clim_down"
            )
        }) {
            m.push((
                format!("recovery_s[fault {}]", x.fault),
                Float(x.recovery_s.unwrap_or(f64::NAN)),
            ));
        }
    }
    if let Some(w) = &r.span {
        // `--window FROM..TO`: the figures over that span of simulated time.
        let lat = |v: f64| Float(if w.completed == 0 { f64::NAN } else { v });
        let l = &w.latency_ms;
        m.extend([
            ("window_throughput_per_s".into(), Float(w.throughput_per_s)),
            ("window_offered_per_s".into(), Float(w.offered_per_s)),
            ("window_failed_ratio".into(), Float(w.failed_ratio)),
            ("window_latency_ms_mean".into(), lat(l.mean)),
            ("window_latency_ms_p50".into(), lat(l.p50)),
            ("window_latency_ms_p99".into(), lat(l.p99)),
            ("window_latency_ms_p999".into(), lat(l.p999)),
            ("window_latency_ms_max".into(), lat(l.max)),
        ]);
    }
    for p in &r.pathmons {
        let domain = p.domain.as_deref().unwrap_or("-");
        let name = format!("link_share[{domain}/{}/{}]", p.server_class, p.name);
        m.push((name, Float(windowed(r, p.link_share))));
        let name = format!("request_share[{domain}/{}/{}]", p.server_class, p.name);
        m.push((name, Float(p.request_share)));
    }
    m
}

/// The fixed headline metric names (`comparison.csv`); a scenario adds `cpuN_busy_ratio` per
/// processor, `clim_busy_ratio[NAME]` per CLIM (CIP) and `link_share[...]` per PATHMON of a
/// send target, and a run with faults `availability`, `downtime_s`, `requests_reset`,
/// `requests_refused` and `recovery_s[fault N]` per processor, process, PIF or CLIM failure
/// (NaN, "n/a", when it did not recover).
pub const METRIC_NAMES: [&str; 25] = [
    "throughput_per_s",
    "offered_per_s",
    "configured_per_s",
    "latency_ms_mean",
    "latency_ms_p50",
    "latency_ms_p90",
    "latency_ms_p99",
    "latency_ms_max",
    "hops_per_request_mean",
    "requests_offered",
    "requests_completed",
    "requests_failed",
    "requests_abandoned",
    "requests_in_flight",
    "requests_syn_drops",
    "pathsend_errors_904",
    "pathsend_errors_905",
    "pathsend_errors_916",
    "pathsend_errors_918",
    "pathsend_errors_923",
    "pathsend_errors_924",
    "pathsend_errors_925",
    "pathsend_errors_947",
    "pathsend_errors_total",
    "busiest_processor_busy_ratio",
];

/// Whether `name` can be a headline metric: a fixed name, `cpuN_busy_ratio`,
/// `clim_busy_ratio[...]`, `link_share[...]` or `request_share[...]`.
pub fn is_metric_name(name: &str) -> bool {
    METRIC_NAMES.contains(&name)
        || name
            .strip_prefix("cpu")
            .and_then(|r| r.strip_suffix("_busy_ratio"))
            .is_some_and(|d| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit()))
        || ((name.starts_with("link_share[")
            || name.starts_with("request_share[")
            || name.starts_with("clim_busy_ratio["))
            && name.ends_with(']'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round6_keeps_short_decimals() {
        assert_eq!(round6(0.1234564), 0.123456);
        assert_eq!(round6(0.1234565001), 0.123457);
        assert_eq!(round6(-0.0000004), 0.0);
        assert_eq!(round6(1e300), 1e300);
        assert_eq!(serde_json::to_string(&F6(2.0 / 3.0)).unwrap(), "0.666667");
    }
}
