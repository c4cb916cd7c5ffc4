//! The files and terminal text of sweeps and capacity searches: `sweep.csv`, `sweep.json`,
//! `capacity.csv`, `capacity.json`, and the summaries printed on stdout. Pure functions of
//! the results ([`SweepResults`], [`CapacityResults`]), which are themselves functions of the
//! plan and the figures of each run: a merged set of shards gives the same bytes as one run.
//!
//! `sweep.csv` has one row per scenario, point and replication (`statistic` = `run`), then
//! after each point's replications a `mean` and a `half_width` row (95 % Student t over the
//! replications with a measurement window; `n` says how many). Columns: `scenario`, one
//! `parameter_<key>` per swept key (hyperfine's convention), `replication`, `seed`,
//! `statistic`, `n`, the figures of [`FIGURES`] and the busiest processor (`binding`: the one
//! most replications name, with the process kind that used most of it).

use serde::Serialize;
use serde_json::{Value, json};

use super::F6;
use super::csv::{write, writer};
use crate::experiment::campaign::{FIGURES, resource_name};
use crate::experiment::capacity::{CapacityResults, Trial, Unit, Verdict};
use crate::experiment::sweep::SweepResults;
use crate::stats::Estimate;

/// A figure as CSV text: counts as integers, other values with six decimals, unknown empty.
fn cell(v: f64, count: bool) -> String {
    if !v.is_finite() {
        String::new()
    } else if count {
        format!("{}", v.round() as i64)
    } else {
        super::Num::Float(v).to_string()
    }
}

/// `sweep.csv` (see the module header).
pub fn sweep_csv(s: &SweepResults) -> Vec<u8> {
    let mut w = writer();
    let mut header: Vec<String> = vec!["scenario".into()];
    header.extend(s.plan.keys.iter().map(|k| format!("parameter_{k}")));
    header.extend(["replication", "seed", "statistic", "n"].map(String::from));
    header.extend(FIGURES.iter().map(|(n, _)| n.to_string()));
    header.push("binding".into());
    write(
        &mut w,
        &header.iter().map(String::as_str).collect::<Vec<_>>(),
    );
    let runs = s.plan.runs();
    for p in &s.points {
        let v = &s.plan.variants[p.variant];
        let params: Vec<String> = s
            .plan
            .keys
            .iter()
            .map(|k| {
                v.parameters
                    .iter()
                    .find(|(pk, _)| pk == k)
                    .map_or(String::new(), |(_, pv)| pv.clone())
            })
            .collect();
        let mut row = |rep: String, seed: String, stat: &str, n: String, vals: Vec<String>, b| {
            let mut fields = vec![v.name.clone()];
            fields.extend(params.iter().cloned());
            fields.extend([rep, seed, stat.to_string(), n]);
            fields.extend(vals);
            fields.push(b);
            write(
                &mut w,
                &fields.iter().map(String::as_str).collect::<Vec<_>>(),
            );
        };
        for f in &p.runs {
            let run = &runs[f.run];
            let vals = FIGURES
                .iter()
                .zip(&f.values)
                .map(|((_, count), v)| cell(v.unwrap_or(f64::NAN), *count))
                .collect();
            row(
                run.replication.to_string(),
                run.seed.to_string(),
                "run",
                String::from(if f.window { "1" } else { "0" }),
                vals,
                resource_name(&f.busiest),
            );
        }
        let n = p.estimates.first().map_or(0, |e| e.n);
        let means = p.estimates.iter().map(|e| cell(e.mean, false)).collect();
        row(
            String::new(),
            String::new(),
            "mean",
            n.to_string(),
            means,
            resource_name(&p.binding),
        );
        let hws = p
            .estimates
            .iter()
            .map(|e| cell(e.half_width, false))
            .collect();
        row(
            String::new(),
            String::new(),
            "half_width",
            n.to_string(),
            hws,
            resource_name(&p.binding),
        );
    }
    w.into_inner().expect("writing into a Vec cannot fail")
}

/// An estimate as JSON: `{"mean": .., "half_width": .., "n": ..}` (null when unknown).
fn est_json(e: &Estimate) -> Value {
    json!({ "mean": F6(e.mean), "half_width": F6(e.half_width), "n": e.n })
}

/// A point's identity in JSON: its parameters as an object, in the plan's key order.
fn params_json(params: &[(String, String)]) -> Value {
    Value::Object(
        params
            .iter()
            .map(|(k, v)| (k.clone(), Value::String(v.clone())))
            .collect(),
    )
}

/// `sweep.json`: the plan and, per curve, its knees and its points' main estimates.
pub fn sweep_json(s: &SweepResults) -> String {
    let knee = |p: Option<usize>| -> Value {
        p.map_or(Value::Null, |p| {
            json!({
                "parameters": params_json(&s.plan.variants[p].parameters),
                "offered_load_per_s": est_json(&s.points[p].estimate("offered_load_per_s")),
            })
        })
    };
    let curves: Vec<Value> = s
        .curves
        .iter()
        .map(|c| {
            let points: Vec<Value> = c
                .points
                .iter()
                .map(|&p| {
                    let pt = &s.points[p];
                    let mut o = serde_json::Map::new();
                    o.insert(
                        "parameters".into(),
                        params_json(&s.plan.variants[p].parameters),
                    );
                    for name in [
                        "offered_load_per_s",
                        "throughput_per_s",
                        "completion_ratio",
                        "latency_ms_mean",
                        "latency_ms_p99",
                        "busiest_processor_busy_ratio",
                    ] {
                        o.insert(name.into(), est_json(&pt.estimate(name)));
                    }
                    o.insert("binding".into(), json!(resource_name(&pt.binding)));
                    Value::Object(o)
                })
                .collect();
            json!({
                "curve": c.label,
                "knee_throughput": knee(c.knee_throughput),
                "knee_p99": knee(c.knee_p99),
                "points": points,
            })
        })
        .collect();
    let doc = json!({
        "plan": {
            "fingerprint": s.plan.fingerprint,
            "parameters": s.plan.keys,
            "points": s.points.len(),
            "replications": s.plan.replications,
            "p99_limit_ms": s.plan.p99_limit_ms.map(F6),
            "knee_completion_ratio": crate::experiment::sweep::KNEE_COMPLETION,
        },
        "curves": curves,
    });
    pretty(&doc)
}

fn pretty(v: &impl Serialize) -> String {
    let mut s = serde_json::to_string_pretty(v).expect("JSON serialises");
    s.push('\n');
    s
}

/// The knees of every curve, for stdout.
pub fn sweep_table(s: &SweepResults) -> String {
    let mut out = format!(
        "sweep: {} point(s) x {} replication(s); knee_throughput: first point whose completion \
         ratio is clearly below {}{}\n",
        s.points.len(),
        s.plan.replications,
        crate::experiment::sweep::KNEE_COMPLETION,
        s.plan.p99_limit_ms.map_or(String::new(), |l| format!(
            "; knee_p99: first point whose p99 is clearly above {l} ms"
        ))
    );
    let show = |p: Option<usize>| {
        p.map_or("none in range".to_string(), |p| {
            let load = s.points[p].estimate("offered_load_per_s").mean;
            let x = s.x_text(p);
            if x.is_empty() || s.plan.x_key() == Some("workload.rate") {
                format!("{load:.0}/s offered")
            } else {
                format!("{x} ({load:.0}/s offered)")
            }
        })
    };
    for c in &s.curves {
        out += &format!(
            "  {}\n    knee_throughput  {}\n",
            c.label,
            show(c.knee_throughput)
        );
        if s.plan.p99_limit_ms.is_some() {
            out += &format!("    knee_p99         {}\n", show(c.knee_p99));
        }
    }
    out
}

/// The name of a trial's objective columns: `latency_ms_p99_mean`, `..._half_width`.
fn objective_columns(r: &CapacityResults) -> Vec<String> {
    let mut cols = Vec::new();
    for o in &r.plan.objectives {
        let f = o.measure.figure();
        if !cols.contains(&format!("{f}_mean")) {
            cols.push(format!("{f}_mean"));
            cols.push(format!("{f}_half_width"));
        }
    }
    cols
}

fn objective_cells(r: &CapacityResults, t: Option<&Trial>) -> Vec<String> {
    let mut cells = Vec::new();
    let mut seen = Vec::new();
    for o in &r.plan.objectives {
        let f = o.measure.figure();
        if seen.contains(&f) {
            continue;
        }
        seen.push(f);
        let e = t.map_or(Estimate::of(&[]), |t| t.estimate(f));
        cells.push(cell(e.mean, false));
        cells.push(cell(e.half_width, false));
    }
    cells
}

/// `capacity.csv`: for a load search, one row per scenario (`capacity_per_s` is the lower end
/// of the final bracket, `bracket_hi_per_s` its upper end, empty when no rate in reach
/// failed); with `--vary`, one row per scenario and candidate (`chosen` marks the answer).
/// Both give each objective's figure (mean and half-width) at that point, the replications
/// run there and the binding resource (the busiest processor most replications name).
pub fn capacity_csv(r: &CapacityResults) -> Vec<u8> {
    let mut w = writer();
    let vary = r.plan.vary.as_ref();
    let mut header: Vec<String> = vec!["scenario".into()];
    match vary {
        Some(v) => header.extend([
            format!("parameter_{}", v.key),
            "rate_per_s".into(),
            "verdict".into(),
            "chosen".into(),
        ]),
        None => header.extend(["capacity_per_s".into(), "bracket_hi_per_s".into()]),
    }
    header.extend(objective_columns(r));
    header.extend(
        [
            "completion_ratio_mean",
            "replications",
            "trials",
            "binding",
            "binding_busy_ratio",
        ]
        .map(String::from),
    );
    write(
        &mut w,
        &header.iter().map(String::as_str).collect::<Vec<_>>(),
    );
    for (u, o) in r.plan.units.iter().zip(&r.outcomes) {
        let (scenario, at) = match u {
            Unit::Load { scenario, .. } => (*scenario, o.at_lo()),
            Unit::Candidate { scenario, .. } => (*scenario, o.trials.last()),
        };
        let mut fields = vec![r.plan.scenarios[scenario].clone()];
        match (u, vary) {
            (
                Unit::Candidate {
                    candidate, rate, ..
                },
                Some(v),
            ) => {
                let chosen = r.chosen(scenario) == Some(*candidate);
                fields.extend([
                    v.values[*candidate].clone(),
                    cell(*rate, false),
                    verdict_text(at.map(|t| t.verdict)).to_string(),
                    chosen.to_string(),
                ]);
            }
            _ => fields.extend([
                cell(o.lo, false),
                o.hi.map_or(String::new(), |h| cell(h, false)),
            ]),
        }
        fields.extend(objective_cells(r, at));
        fields.push(cell(
            at.map_or(f64::NAN, |t| t.estimate("completion_ratio").mean),
            false,
        ));
        fields.push(at.map_or(String::new(), |t| t.figures.len().to_string()));
        fields.push(o.trials.len().to_string());
        let b = at.and_then(Trial::binding);
        fields.push(resource_name(&b));
        fields.push(cell(
            at.map_or(f64::NAN, |t| {
                t.estimate("busiest_processor_busy_ratio").mean
            }),
            false,
        ));
        write(
            &mut w,
            &fields.iter().map(String::as_str).collect::<Vec<_>>(),
        );
    }
    w.into_inner().expect("writing into a Vec cannot fail")
}

fn verdict_text(v: Option<Verdict>) -> &'static str {
    match v {
        Some(Verdict::Pass) => "pass",
        Some(Verdict::Fail) => "fail",
        _ => "undecided",
    }
}

fn trial_json(r: &CapacityResults, t: &Trial) -> Value {
    let mut o = serde_json::Map::new();
    o.insert("rate_per_s".into(), json!(F6(t.rate)));
    o.insert("verdict".into(), json!(verdict_text(Some(t.verdict))));
    o.insert("replications".into(), json!(t.figures.len()));
    let mut objectives = Vec::new();
    for ob in &r.plan.objectives {
        objectives.push(json!({
            "objective": ob.text,
            "limit": F6(ob.limit),
            "estimate": est_json(&t.estimate(ob.measure.figure())),
        }));
    }
    o.insert("objectives".into(), Value::Array(objectives));
    o.insert(
        "completion_ratio".into(),
        est_json(&t.estimate("completion_ratio")),
    );
    o.insert("binding".into(), json!(resource_name(&t.binding())));
    o.insert(
        "binding_busy_ratio".into(),
        est_json(&t.estimate("busiest_processor_busy_ratio")),
    );
    Value::Object(o)
}

/// `capacity.json`: the plan, and per scenario the answer (the capacity and its bracket, or
/// the chosen candidate) with the trial at it and every trial run.
pub fn capacity_json(r: &CapacityResults) -> String {
    let mut scenarios = Vec::new();
    for (si, name) in r.plan.scenarios.iter().enumerate() {
        let mine: Vec<(&Unit, &crate::experiment::capacity::Outcome)> = r
            .plan
            .units
            .iter()
            .zip(&r.outcomes)
            .filter(|(u, _)| match u {
                Unit::Load { scenario, .. } | Unit::Candidate { scenario, .. } => *scenario == si,
            })
            .collect();
        let entry = match &r.plan.vary {
            None => {
                let Some((_, o)) = mine.first() else { continue };
                let first = first_capacity(r);
                json!({
                    "scenario": name,
                    "capacity_per_s": F6(o.lo),
                    "versus_first_per_s": first.filter(|_| si > 0).map(|f| F6(o.lo - f)),
                    "bracket_per_s": [F6(o.lo), o.hi.map(F6)],
                    "at_capacity": o.at_lo().map(|t| trial_json(r, t)),
                    "trials": o.trials.iter().map(|t| trial_json(r, t)).collect::<Vec<_>>(),
                })
            }
            Some(v) => {
                let chosen = r.chosen(si);
                json!({
                    "scenario": name,
                    "chosen": chosen.map(|c| v.values[c].clone()),
                    "candidates": mine.iter().map(|(u, o)| {
                        let c = match u { Unit::Candidate { candidate, .. } => *candidate, _ => 0 };
                        json!({
                            "value": v.values[c],
                            "trial": o.trials.last().map(|t| trial_json(r, t)),
                        })
                    }).collect::<Vec<_>>(),
                })
            }
        };
        scenarios.push(entry);
    }
    let doc = json!({
        "plan": {
            "fingerprint": r.plan.fingerprint,
            "objectives": r.plan.objectives.iter().map(|o| o.text.clone()).collect::<Vec<_>>(),
            "vary": r.plan.vary.as_ref().map(|v| json!({"key": v.key, "values": v.values})),
            "vary_with": r.plan.vary_with.iter().map(|v| json!({"key": v.key, "values": v.values})).collect::<Vec<_>>(),
            "down": r.plan.down,
            "first_replications": r.plan.first,
            "max_replications": r.plan.max,
            "bracket_ratio": 0.01,
        },
        "scenarios": scenarios,
    });
    pretty(&doc)
}

/// The capacity of the first scenario of a load search (when it was searched).
fn first_capacity(r: &CapacityResults) -> Option<f64> {
    r.plan
        .units
        .iter()
        .zip(&r.outcomes)
        .find(|(u, _)| matches!(u, Unit::Load { scenario: 0, .. }))
        .map(|(_, o)| o.lo)
}

/// The answers, for stdout.
pub fn capacity_table(r: &CapacityResults) -> String {
    let objectives: Vec<&str> = r.plan.objectives.iter().map(|o| o.text.as_str()).collect();
    let mut out = format!(
        "capacity against {}{}\n",
        objectives.join(", "),
        r.plan
            .down
            .as_ref()
            .map_or(String::new(), |d| format!(" with processor {d} down"))
    );
    let interval = |t: &Trial| -> String {
        r.plan
            .objectives
            .iter()
            .map(|o| {
                let e = t.estimate(o.measure.figure());
                let scale = if o.measure == crate::experiment::capacity::Measure::Failed {
                    100.0
                } else {
                    1.0
                };
                let unit = if scale == 100.0 { " %" } else { " ms" };
                format!(
                    "{} {:.3} ± {:.3}{unit}",
                    o.measure.figure().trim_start_matches("latency_ms_"),
                    e.mean * scale,
                    e.half_width * scale
                )
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    for (si, name) in r.plan.scenarios.iter().enumerate() {
        match &r.plan.vary {
            None => {
                let Some(o) = r
                    .plan
                    .units
                    .iter()
                    .zip(&r.outcomes)
                    .find(|(u, _)| matches!(u, Unit::Load { scenario, .. } if *scenario == si))
                    .map(|(_, o)| o)
                else {
                    continue;
                };
                let bracket = o.hi.map_or("no failing rate in reach".to_string(), |h| {
                    format!("bracket {:.0}..{h:.0}/s", o.lo)
                });
                let versus = match first_capacity(r) {
                    Some(f) if si > 0 && f > 0.0 => format!(
                        "; {:+.0} requests/s ({:+.1} %) against {}",
                        o.lo - f,
                        100.0 * (o.lo - f) / f,
                        r.plan.scenarios[0]
                    ),
                    _ => String::new(),
                };
                match o.at_lo() {
                    Some(t) => {
                        out += &format!(
                            "  {name}: {:.0} requests/s ({bracket}); {}; binding {} at {:.1} % busy{versus}\n",
                            o.lo,
                            interval(t),
                            resource_name(&t.binding()),
                            100.0 * t.estimate("busiest_processor_busy_ratio").mean
                        );
                    }
                    None => {
                        out +=
                            &format!("  {name}: no rate tried meets the objectives ({bracket})\n");
                    }
                }
            }
            Some(v) => {
                let chosen = r.chosen(si);
                let line = match chosen {
                    Some(c) => {
                        let t = r
                            .plan
                            .units
                            .iter()
                            .zip(&r.outcomes)
                            .find(|(u, _)| {
                                matches!(u, Unit::Candidate { scenario, candidate, .. }
                                    if *scenario == si && *candidate == c)
                            })
                            .and_then(|(_, o)| o.trials.last());
                        match t {
                            Some(t) => format!(
                                "{}={} at {:.0}/s; {}; binding {}",
                                v.key,
                                v.values[c],
                                t.rate,
                                interval(t),
                                resource_name(&t.binding())
                            ),
                            None => format!("{}={}", v.key, v.values[c]),
                        }
                    }
                    None => format!("no value of {} meets the objectives", v.key),
                };
                out += &format!("  {name}: {line}\n");
            }
        }
    }
    out
}
