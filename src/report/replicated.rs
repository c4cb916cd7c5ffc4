//! Reports of replicated experiments: every headline metric as a mean with its 95 %
//! Student-t half-width over the replications, each replication's own row, and the paired
//! difference of every scenario from the first one named.
//!
//! | function | file | content |
//! | --- | --- | --- |
//! | [`replicated_summary_json`] | `summary.json` | seeds and every metric's mean, half-width, n |
//! | [`estimates_csv`] | `metrics.csv` | `scenario,metric,mean,half_width,n` |
//! | [`replications_csv`] | `replications.csv` | `scenario,replication,seed,metric,value` |
//! | [`replicated_comparison_csv`] | `comparison.csv` | estimates and paired differences |
//! | [`replicated_comparison_json`] | `comparison.json` | the same, one object per scenario |
//! | [`replicated_table`] | (stdout) | metrics as rows, scenarios as columns, `mean ± hw` |
//!
//! A half-width needs two replications: with one, it is empty in CSV, `null` in JSON and
//! the table says that no interval is possible. A difference is significant when its
//! interval excludes 0; with several scenarios each difference is tested on its own, with no
//! correction for multiple comparisons.

use std::fmt::Write as _;

use serde::Serialize;

use super::table::{Row, layout};
use super::{F6, Num};
use crate::experiment::{MetricRow, PrecisionOutcome, Replicated, paired};
use crate::stats::Estimate;

/// The metrics of the terminal table: label, short label (transposed), metric name, scale,
/// decimals. Pathsend errors by number and the domains' shares are added as the runs have
/// them ([`table_rows`]).
const TABLE_ROWS: [(&str, &str, &str, f64, usize); 15] = [
    (
        "configured [requests/s]",
        "conf/s",
        "configured_per_s",
        1.0,
        2,
    ),
    (
        "throughput [requests/s]",
        "thru/s",
        "throughput_per_s",
        1.0,
        2,
    ),
    ("offered [requests/s]", "offer/s", "offered_per_s", 1.0, 2),
    ("latency mean [ms]", "mean ms", "latency_ms_mean", 1.0, 3),
    ("latency p50 [ms]", "p50 ms", "latency_ms_p50", 1.0, 3),
    ("latency p90 [ms]", "p90 ms", "latency_ms_p90", 1.0, 3),
    ("latency p99 [ms]", "p99 ms", "latency_ms_p99", 1.0, 3),
    ("latency max [ms]", "max ms", "latency_ms_max", 1.0, 3),
    ("hops per request", "hops", "hops_per_request_mean", 1.0, 2),
    (
        "busiest processor busy [%]",
        "busy %",
        "busiest_processor_busy_ratio",
        100.0,
        1,
    ),
    ("failed", "failed", "requests_failed", 1.0, 1),
    ("abandoned", "abandoned", "requests_abandoned", 1.0, 1),
    ("in flight", "in flight", "requests_in_flight", 1.0, 1),
    ("SYN drops", "SYN drops", "requests_syn_drops", 1.0, 1),
    (
        "Pathsend errors, all",
        "errors",
        "pathsend_errors_total",
        1.0,
        1,
    ),
];

/// One row of the replicated table: label, short label, metric name, scale, decimals.
type Spec = (String, String, String, f64, usize);

/// [`TABLE_ROWS`], with a row per Pathsend error number whose mean is above 0 in some
/// scenario (before the total), and each ACS domain member's link and request shares.
fn table_rows(groups: &[Replicated], rows: &[Vec<MetricRow>]) -> Vec<Spec> {
    let spec = |(l, s, n, k, d): &(&str, &str, &str, f64, usize)| -> Spec {
        (l.to_string(), s.to_string(), n.to_string(), *k, *d)
    };
    let (last, fixed) = TABLE_ROWS.split_last().expect("fixed rows");
    let mut specs: Vec<Spec> = fixed.iter().map(spec).collect();
    // Each CLIM's utilisation (CIP), after the busiest processor's, as the runs have them.
    let mut clims: Vec<&str> = Vec::new();
    for r in groups.iter().flat_map(|g| g.runs.first()) {
        for c in &r.clims {
            if !clims.contains(&c.name.as_str()) {
                clims.push(&c.name);
            }
        }
    }
    let at = specs
        .iter()
        .position(|s| s.2 == "busiest_processor_busy_ratio")
        .map_or(specs.len(), |i| i + 1);
    for (k, name) in clims.iter().enumerate() {
        specs.insert(
            at + k,
            (
                format!("CLIM {name} busy [%]"),
                format!("{name} %"),
                format!("clim_busy_ratio[{name}]"),
                100.0,
                1,
            ),
        );
    }
    for (number, _) in super::table::ERROR_NUMBERS {
        let name = format!("pathsend_errors_{number}");
        let seen = rows
            .iter()
            .any(|r| find(r, &name).is_some_and(|e| e.mean > 0.0));
        if seen {
            specs.push((
                format!("Pathsend errors {number}"),
                number.to_string(),
                name,
                1.0,
                1,
            ));
        }
    }
    specs.push(spec(last));
    if groups
        .iter()
        .any(|g| g.runs.first().is_some_and(|r| r.faults.is_some()))
    {
        for (label, short, name, scale, dp) in [
            ("availability [%]", "avail %", "availability", 100.0, 3),
            ("downtime [s]", "down s", "downtime_s", 1.0, 1),
            ("reset by a failure", "reset", "requests_reset", 1.0, 1),
            ("refused", "refused", "requests_refused", 1.0, 1),
        ] {
            specs.push((label.into(), short.into(), name.into(), scale, dp));
        }
        let mut names: Vec<String> = rows
            .iter()
            .flat_map(|r| r.iter().map(|m| m.name.clone()))
            .filter(|n| n.starts_with("recovery_s["))
            .collect();
        names.sort();
        names.dedup();
        for name in names {
            let label = format!(
                "{} [s]",
                name.trim_end_matches(']')
                    .replace("recovery_s[", "recovery, ")
            );
            specs.push((label, "recov s".into(), name, 1.0, 2));
        }
    }
    let members = super::table::domain_members(
        groups
            .iter()
            .flat_map(|g| g.runs.first())
            .map(|r| r.pathmons.as_slice()),
    );
    for (key, short) in members {
        for (what, metric, tail) in [
            ("link", "link_share", "links %"),
            ("request", "request_share", "reqs %"),
        ] {
            specs.push((
                format!("{what} share {key} [%]"),
                format!("{short} {tail}"),
                format!("{metric}[{key}]"),
                1.0,
                1,
            ));
        }
    }
    specs
}

/// Metrics as rows, scenarios as columns, each cell `mean ± half-width` (transposed, one row
/// per scenario, with more than `TRANSPOSE_ABOVE` scenarios); then, with two or more
/// scenarios, each one's paired difference from the first (`*` when significant) and the note
/// that no multiplicity correction is applied; then the precision target's outcome. Ends with
/// a newline.
pub fn replicated_table(groups: &[Replicated], precision: Option<&PrecisionOutcome>) -> String {
    let rows: Vec<Vec<MetricRow>> = groups.iter().map(Replicated::metrics).collect();
    let specs = table_rows(groups, &rows);
    let n = groups.first().map_or(0, |g| g.runs.len());
    let mut s = String::new();
    if n >= 2 {
        let _ = writeln!(
            s,
            "{n} replications per scenario; mean ± 95 % half-width (Student t)"
        );
    } else {
        let _ = writeln!(s, "{n} replication per scenario");
    }
    let header: Vec<String> = groups.iter().map(|g| g.label.clone()).collect();
    let cells: Vec<Row> = specs
        .iter()
        .map(|(label, short, name, scale, dp)| Row {
            label: label.clone(),
            short: short.clone(),
            cells: rows
                .iter()
                .map(|r| cell(find(r, name), *scale, *dp, false))
                .collect(),
        })
        .collect();
    layout(&mut s, &header, &cells);
    for g in groups {
        let out = g.left_out();
        if !out.is_empty() {
            let list: Vec<String> = out.iter().map(u32::to_string).collect();
            let _ = writeln!(
                s,
                "{}: replication(s) {} left out of every interval: no measurement window (the \
                 run ended before its warm-up did; a longer run or a shorter --warmup fixes it)",
                g.label,
                list.join(", ")
            );
        }
    }
    if n < 2 {
        let _ = writeln!(
            s,
            "one replication: no interval is possible (use --replications 2 or more)"
        );
    }
    if groups.len() > 1 {
        if n < 2 {
            let _ = writeln!(
                s,
                "\ndifference from {}: one replication, no paired interval is possible \
                 (use --replications 2 or more)",
                groups[0].label
            );
        } else {
            let _ = writeln!(
                s,
                "\ndifference from {} (paired t, 95 %; * = significant, the interval excludes 0)",
                groups[0].label
            );
            let header: Vec<String> = groups[1..].iter().map(|g| g.label.clone()).collect();
            let diffs: Vec<Vec<(String, Estimate)>> =
                rows[1..].iter().map(|r| paired(&rows[0], r)).collect();
            let cells: Vec<Row> = specs
                .iter()
                .map(|(label, short, name, scale, dp)| Row {
                    label: label.clone(),
                    short: short.clone(),
                    cells: diffs
                        .iter()
                        .map(|d| {
                            let e = d.iter().find(|(k, _)| k == name).map(|(_, e)| *e);
                            cell(e, *scale, *dp, true)
                        })
                        .collect(),
                })
                .collect();
            layout(&mut s, &header, &cells);
            let _ = writeln!(
                s,
                "each difference is tested on its own: no correction for multiple comparisons"
            );
        }
    }
    if let Some(p) = precision {
        let _ = writeln!(s, "{}", precision_line(p));
    }
    s
}

/// `precision target 2.0 % on latency_ms_mean, throughput_per_s: met after 12 replications
/// (2 rounds); worst 1.8 % (fig-3-3-distributor latency_ms_mean)`.
pub fn precision_line(p: &PrecisionOutcome) -> String {
    let verdict = if p.met { "met" } else { "NOT met" };
    let worst = p
        .worst
        .as_ref()
        .map_or(String::new(), |(label, metric, w)| {
            if w.is_finite() {
                format!("; worst {:.2} % ({label} {metric})", 100.0 * w)
            } else {
                format!("; {label} {metric} has no interval")
            }
        });
    let limit = if p.met {
        String::new()
    } else {
        format!(
            ", the limit --max-replications {}",
            p.precision.max_replications
        )
    };
    format!(
        "precision target {:.2} % on {}: {verdict} after {} replications ({} round(s){limit}){worst}",
        100.0 * p.precision.target,
        p.precision.metrics.join(", "),
        p.replications,
        p.rounds
    )
}

fn find(rows: &[MetricRow], name: &str) -> Option<Estimate> {
    rows.iter().find(|r| r.name == name).map(|r| r.estimate)
}

/// `12.345 ± 0.678`, `12.345` without an interval, `n/a` for an unknown mean; a difference
/// gets its sign and `*` when significant.
fn cell(e: Option<Estimate>, scale: f64, dp: usize, difference: bool) -> String {
    let Some(e) = e.filter(|e| e.mean.is_finite()) else {
        return "n/a".into();
    };
    let mean = e.mean * scale;
    let mean = if difference {
        format!("{mean:+.dp$}")
    } else {
        format!("{mean:.dp$}")
    };
    if !e.has_interval() {
        return mean;
    }
    let star = if difference && e.significant() == Some(true) {
        " *"
    } else if difference {
        "  "
    } else {
        ""
    };
    format!("{mean} ± {:.dp$}{star}", e.half_width * scale)
}

/// `scenario,metric,mean,half_width,n`, scenario by scenario, metrics in
/// `comparison.csv` order. The half-width is empty with one replication.
pub fn estimates_csv(groups: &[Replicated]) -> Vec<u8> {
    let mut w = super::csv::writer();
    super::csv::write(&mut w, &["scenario", "metric", "mean", "half_width", "n"]);
    for g in groups {
        for m in g.metrics() {
            let e = m.estimate;
            super::csv::write(
                &mut w,
                &[
                    &g.label,
                    &m.name,
                    &Num::Float(e.mean).to_string(),
                    &Num::Float(e.half_width).to_string(),
                    &e.n.to_string(),
                ],
            );
        }
    }
    w.into_inner().expect("flushing into a Vec cannot fail")
}

/// `scenario,replication,seed,metric,value`: every replication's own headline numbers, the
/// rows a rerun with `--replication K` reproduces.
pub fn replications_csv(groups: &[Replicated]) -> Vec<u8> {
    let mut w = super::csv::writer();
    super::csv::write(
        &mut w,
        &["scenario", "replication", "seed", "metric", "value"],
    );
    for g in groups {
        for (r, k) in g.runs.iter().zip(&g.replications) {
            let (k, seed) = (k.to_string(), r.seed.to_string());
            for (metric, value) in super::headline_metrics(r) {
                super::csv::write(&mut w, &[&g.label, &k, &seed, &metric, &value.to_string()]);
            }
        }
    }
    w.into_inner().expect("flushing into a Vec cannot fail")
}

/// [`estimates_csv`]'s columns, then the paired difference from the first scenario:
/// `diff_mean,diff_half_width,significant` (`yes`/`no`; all three empty for the first
/// scenario, and the last two with one replication).
pub fn replicated_comparison_csv(groups: &[Replicated]) -> Vec<u8> {
    let mut w = super::csv::writer();
    super::csv::write(
        &mut w,
        &[
            "scenario",
            "metric",
            "mean",
            "half_width",
            "n",
            "diff_mean",
            "diff_half_width",
            "significant",
        ],
    );
    let base = groups.first().map(Replicated::metrics).unwrap_or_default();
    for (i, g) in groups.iter().enumerate() {
        let rows = g.metrics();
        let diffs = if i == 0 {
            Vec::new()
        } else {
            paired(&base, &rows)
        };
        for m in &rows {
            let e = m.estimate;
            let d = diffs.iter().find(|(k, _)| *k == m.name).map(|(_, d)| *d);
            let (dm, dh, sig) = match d {
                Some(d) => (
                    Num::Float(d.mean).to_string(),
                    Num::Float(d.half_width).to_string(),
                    d.significant()
                        .map_or("", |s| if s { "yes" } else { "no" })
                        .to_string(),
                ),
                None => Default::default(),
            };
            super::csv::write(
                &mut w,
                &[
                    &g.label,
                    &m.name,
                    &Num::Float(e.mean).to_string(),
                    &Num::Float(e.half_width).to_string(),
                    &e.n.to_string(),
                    &dm,
                    &dh,
                    &sig,
                ],
            );
        }
    }
    w.into_inner().expect("flushing into a Vec cannot fail")
}

#[derive(Serialize)]
struct EstimateJson {
    mean: F6,
    half_width: F6,
    n: usize,
}

impl From<Estimate> for EstimateJson {
    fn from(e: Estimate) -> Self {
        EstimateJson {
            mean: F6(e.mean),
            half_width: F6(e.half_width),
            n: e.n,
        }
    }
}

#[derive(Serialize)]
struct DifferenceJson {
    mean: F6,
    half_width: F6,
    n: usize,
    /// `null` without an interval.
    significant: Option<bool>,
}

#[derive(Serialize)]
struct MetricJson {
    metric: String,
    #[serde(flatten)]
    estimate: EstimateJson,
    #[serde(skip_serializing_if = "Option::is_none")]
    difference: Option<DifferenceJson>,
}

#[derive(Serialize)]
struct SeedJson {
    replication: u32,
    seed: u64,
}

#[derive(Serialize)]
struct PrecisionJson<'a> {
    target: F6,
    metrics: &'a [String],
    max_replications: u32,
    met: bool,
    rounds: u32,
    worst_relative_half_width: Option<F6>,
}

#[derive(Serialize)]
struct GroupJson<'a> {
    scenario: &'a str,
    stack: &'a str,
    listener_model: &'a str,
    replications: usize,
    confidence: F6,
    seeds: Vec<SeedJson>,
    /// Replications left out of every interval (no measurement window).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    left_out: Vec<u32>,
    metrics: Vec<MetricJson>,
    #[serde(skip_serializing_if = "Option::is_none")]
    precision: Option<PrecisionJson<'a>>,
}

fn group_json<'a>(
    g: &'a Replicated,
    base: Option<&[MetricRow]>,
    precision: Option<&'a PrecisionOutcome>,
) -> GroupJson<'a> {
    let rows = g.metrics();
    let diffs = base.map(|b| paired(b, &rows)).unwrap_or_default();
    let first = g.runs.first();
    GroupJson {
        scenario: &g.label,
        stack: first.map_or("", |r| r.stack.as_str()),
        listener_model: first.map_or("", |r| r.listener_model.as_str()),
        replications: g.runs.len(),
        confidence: F6(crate::stats::CONFIDENCE),
        seeds: g
            .runs
            .iter()
            .zip(&g.replications)
            .map(|(r, k)| SeedJson {
                replication: *k,
                seed: r.seed,
            })
            .collect(),
        left_out: g.left_out(),
        metrics: rows
            .iter()
            .map(|m| MetricJson {
                metric: m.name.clone(),
                estimate: m.estimate.into(),
                difference: diffs
                    .iter()
                    .find(|(k, _)| *k == m.name)
                    .map(|(_, d)| DifferenceJson {
                        mean: F6(d.mean),
                        half_width: F6(d.half_width),
                        n: d.n,
                        significant: d.significant(),
                    }),
            })
            .collect(),
        precision: precision.map(|p| PrecisionJson {
            target: F6(p.precision.target),
            metrics: &p.precision.metrics,
            max_replications: p.precision.max_replications,
            met: p.met,
            rounds: p.rounds,
            worst_relative_half_width: p.worst.as_ref().map(|(_, _, w)| F6(*w)),
        }),
    }
}

/// `summary.json` of a replicated run: `scenario`, `stack`, `listener_model`,
/// `replications`, `confidence` (0.95), `seeds` (`replication`, `seed`), `left_out` (the
/// replications without a measurement window, left out of every interval; only when there
/// are any), `metrics` (one
/// object per metric with `metric`, `mean`, `half_width`, `n`), and `precision` when a
/// target was set (`target`, `metrics`, `max_replications`, `met`, `rounds`,
/// `worst_relative_half_width`).
pub fn replicated_summary_json(g: &Replicated, precision: Option<&PrecisionOutcome>) -> String {
    super::json::to_pretty(&group_json(g, None, precision))
}

/// `comparison.json` of a replicated comparison: one [`replicated_summary_json`] object per
/// scenario (without `precision`), whose metrics after the first scenario's also have a
/// `difference` from the first (`mean`, `half_width`, `n`, `significant`, paired t).
pub fn replicated_comparison_json(groups: &[Replicated]) -> String {
    let base = groups.first().map(Replicated::metrics);
    let list: Vec<GroupJson<'_>> = groups
        .iter()
        .enumerate()
        .map(|(i, g)| group_json(g, if i == 0 { None } else { base.as_deref() }, None))
        .collect();
    super::json::to_pretty(&list)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::testdata::sample_results_scaled;

    /// Scenario `label` with one run per factor: latencies and throughput scale with it.
    fn group(label: &str, factors: &[f64]) -> Replicated {
        Replicated {
            label: label.into(),
            runs: factors
                .iter()
                .enumerate()
                .map(|(k, f)| {
                    let mut r = sample_results_scaled(label, *f);
                    r.seed = 100 + k as u64;
                    r
                })
                .collect(),
            replications: (1..=factors.len() as u32).collect(),
        }
    }

    fn text(b: Vec<u8>) -> String {
        String::from_utf8(b).unwrap()
    }

    /// `r` as a run whose warm-up by count never ended: the recorder puts its empty window
    /// at the run's end, so its rates come out as 0 over a nanosecond.
    fn without_window(r: &mut crate::stats::RunResults) {
        r.warmup_requests = Some(1_000_000);
        r.warmup_s = r.sim_time_s;
        r.measured_s = 1e-9;
        r.throughput_per_s = 0.0;
        r.offered_per_s = 0.0;
        r.requests.measured = 0;
        for p in &mut r.processors {
            p.busy_ratio = 0.0;
        }
    }

    #[test]
    fn issue_19_a_run_without_a_window_is_unknown_and_left_out_of_intervals() {
        // Replication 2 of `b` never ended its warm-up. Its throughput is unknown (not 0)
        // everywhere, and it is left out of b's intervals and of the paired differences,
        // which then pair replications 1 and 3 only; the table says so.
        let a = group("a", &[1.0, 1.0, 1.0]);
        let mut b = group("b", &[1.0, 1.0, 1.0]);
        without_window(&mut b.runs[1]);
        let summary: serde_json::Value =
            serde_json::from_str(&crate::report::summary_json(&b.runs[1])).unwrap();
        assert!(summary["throughput_per_s"].is_null(), "{summary}");
        assert!(summary["processors"][0]["busy_ratio"].is_null());
        let metrics = text(crate::report::metrics_csv(&b.runs[1]));
        assert!(metrics.contains(",system,throughput_per_s,\n"), "{metrics}");
        let cmp = text(crate::report::comparison_csv(&b.runs[1..2]));
        assert!(cmp.contains(",throughput_per_s,\n"), "{cmp}");
        assert_eq!(b.left_out(), [2]);
        let e = b.estimate("throughput_per_s").unwrap();
        assert_eq!(e.n, 2);
        assert_eq!(e.mean, a.estimate("throughput_per_s").unwrap().mean);
        // Same runs on both sides otherwise: no difference, and not a significant one.
        let d = paired(&a.metrics(), &b.metrics());
        let (_, t) = d.iter().find(|(k, _)| k == "throughput_per_s").unwrap();
        assert_eq!((t.n, t.mean, t.significant()), (2, 0.0, Some(false)));
        let table = replicated_table(&[a, b.clone()], None);
        assert!(
            table.contains("b: replication(s) 2 left out of every interval"),
            "{table}"
        );
        let json: serde_json::Value =
            serde_json::from_str(&replicated_summary_json(&b, None)).unwrap();
        assert_eq!(json["left_out"], serde_json::json!([2]));
    }

    #[test]
    fn estimates_csv_has_mean_half_width_and_n() {
        let g = group("a", &[1.0, 1.1, 0.9]);
        let csv = text(estimates_csv(std::slice::from_ref(&g)));
        let mut lines = csv.lines();
        assert_eq!(lines.next(), Some("scenario,metric,mean,half_width,n"));
        let row: Vec<&str> = lines
            .find(|l| l.starts_with("a,latency_ms_mean,"))
            .unwrap()
            .split(',')
            .collect();
        let values: Vec<f64> = g.runs.iter().map(|r| r.latency_ms.mean).collect();
        let e = Estimate::of(&values);
        assert_eq!(row[2], format!("{:.6}", e.mean));
        assert_eq!(row[3], format!("{:.6}", e.half_width));
        assert_eq!(row[4], "3");
        // One replication: no half-width.
        let one = text(estimates_csv(&[group("b", &[1.0])]));
        assert!(
            one.lines()
                .any(|l| l.starts_with("b,latency_ms_mean,") && l.ends_with(",,1")),
            "{one}"
        );
    }

    #[test]
    fn replications_csv_has_one_block_per_replication_with_its_seed() {
        let g = group("a", &[1.0, 1.2]);
        let csv = text(replications_csv(&[g]));
        assert!(csv.starts_with("scenario,replication,seed,metric,value\n"));
        assert!(csv.contains("\na,1,100,latency_ms_mean,"), "{csv}");
        assert!(csv.contains("\na,2,101,latency_ms_mean,"), "{csv}");
    }

    #[test]
    fn comparison_marks_significant_differences_and_notes_no_correction() {
        // b is a scaled up by 1.5 in every replication: a paired difference with no noise.
        let a = group("a", &[1.0, 1.2, 0.8]);
        let b = group("b", &[1.5, 1.8, 1.2]);
        let same = group("same", &[1.0, 1.2, 0.8]);
        let groups = [a, b, same];
        let t = replicated_table(&groups, None);
        assert!(
            t.starts_with("3 replications per scenario; mean ± 95 %"),
            "{t}"
        );
        assert!(t.contains("difference from a (paired t, 95 %"), "{t}");
        assert!(t.contains("no correction for multiple comparisons"), "{t}");
        let diff_line = t
            .lines()
            .skip_while(|l| !l.starts_with("difference from"))
            .find(|l| l.starts_with("latency mean [ms]"))
            .unwrap();
        // b's cell is significant, same's is not.
        let cells: Vec<&str> = diff_line
            .split("  ")
            .filter(|c| !c.trim().is_empty())
            .collect();
        assert!(cells[1].trim_end().ends_with('*'), "{diff_line}");
        assert!(!cells[2].contains('*'), "{diff_line}");
        let csv = text(replicated_comparison_csv(&groups));
        let row = |s: &str| {
            csv.lines()
                .find(|l| l.starts_with(&format!("{s},latency_ms_mean,")))
                .unwrap()
                .to_string()
        };
        assert!(row("a").ends_with(",,,"), "{csv}");
        assert!(row("b").ends_with(",yes"), "{csv}");
        assert!(row("same").ends_with(",0.000000,0.000000,no"), "{csv}");
        let json: serde_json::Value =
            serde_json::from_str(&replicated_comparison_json(&groups)).unwrap();
        let m = &json[1]["metrics"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["metric"] == "latency_ms_mean")
            .unwrap()
            .clone();
        assert_eq!(m["n"], 3);
        assert_eq!(m["difference"]["significant"], true);
        assert!(json[0]["metrics"][0].get("difference").is_none());
    }

    #[test]
    fn one_replication_says_no_interval_is_possible() {
        let t = replicated_table(&[group("a", &[1.0]), group("b", &[2.0])], None);
        assert!(
            t.contains("one replication: no interval is possible"),
            "{t}"
        );
        assert!(t.contains("no paired interval is possible"), "{t}");
        assert!(!t.contains('±'), "{t}");
        assert!(!t.contains('*'), "{t}");
    }
}
