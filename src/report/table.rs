//! Plain-text summaries for the terminal: one run ([`terminal_summary`]) and several runs side
//! by side ([`comparison_table`]). Text only, no colour codes, so the output can be pasted
//! into a ticket or a test expectation.

use std::fmt::Write as _;

use super::{
    Target, busiest_processor, conservation_ok, domain_targets, empty_sample, empty_sample_reason,
    fmt_weight, no_window, sample,
};
use crate::stats::{ProcessorResult, RunResults};

/// A dozen lines describing one run: what ran, how long, what happened to the requests, how
/// fast they went and where the CPU time went; then one line per ACS domain target with each
/// PATHMON's link share against its weight, and Pathsend errors when there were any. Ends with
/// a newline.
pub fn terminal_summary(r: &RunResults) -> String {
    let q = &r.requests;
    let l = &r.latency_ms;
    let mut s = String::new();
    // `write!` into a String cannot fail; the results are ignored on purpose.
    let _ = writeln!(s, "scenario    {}", r.scenario);
    let _ = writeln!(
        s,
        "model       stack {}, listener {}",
        r.stack, r.listener_model
    );
    let _ = writeln!(s, "seed        {}", r.seed);
    let window = if no_window(r) {
        format!("no measurement window: {}", empty_sample_reason(r))
    } else {
        format!("measured {:.3} s", r.measured_s)
    };
    let _ = writeln!(
        s,
        "sim time    {:.3} s (warm-up {:.3} s, {window})",
        r.sim_time_s, r.warmup_s
    );
    if let Some(stop) = &r.stopped {
        let _ = writeln!(
            s,
            "STOPPED     at {:.3} s, INCOMPLETE: these results cover the run up to the stop ({})",
            stop.at_s, stop.reason
        );
    }
    let _ = writeln!(
        s,
        "events      {} in {:.3} s wall ({} events/s)",
        r.events,
        r.wall_s,
        si(r.events_per_s)
    );
    let conservation = if conservation_ok(r) {
        "conservation ok".to_string()
    } else {
        format!(
            "CONSERVATION VIOLATED: completed + failed + in flight = {}",
            q.completed as u128 + q.failed as u128 + q.in_flight as u128
        )
    };
    let _ = writeln!(
        s,
        "requests    offered {}, completed {}, failed {}, in flight {} ({conservation})",
        q.offered, q.completed, q.failed, q.in_flight
    );
    if q.failed > 0 {
        let reset = if q.reset > 0 {
            format!(", {} reset by a failure", q.reset)
        } else {
            String::new()
        };
        let _ = writeln!(
            s,
            "failed      {} refused (SYN), {} Pathsend errors, {} abandoned by clients ({} later served){reset}",
            q.refused, q.pathsend_failed, q.abandoned, q.abandoned_served
        );
    }
    if q.retried > 0 {
        let _ = writeln!(
            s,
            "retried     {} attempts reissued after a fault ({} after a TMF abort); not failures",
            q.retried, q.tmf_aborts
        );
    }
    if let Some(f) = &r.faults {
        let _ = writeln!(
            s,
            "faults      availability {:.4} %, downtime {:.1} s (sample windows completing under half their attempts)",
            100.0 * f.availability,
            f.downtime_s
        );
        for x in &f.faults {
            let cpu = match (&x.pif, x.processor) {
                _ if x.clim.is_some() => format!("CLIM {}", x.clim.as_deref().unwrap_or("")),
                (Some(pif), _) => format!("PIF {pif}"),
                (None, Some(c)) => format!("processor {c}"),
                (None, None) => "no processor".to_string(),
            };
            // A kill names its process: `process_kill $DIST-3 in processor 3`.
            let cpu = match (&x.process, &x.lcs) {
                (Some(name), _) => format!("{name} in {cpu}"),
                (None, Some(lcs)) => format!("LCS {lcs} in {cpu}"),
                (None, None) => cpu,
            };
            // Without a pre-fault level (no window before it with enough completions) there
            // is nothing to recover to: say so rather than "not recovered".
            let unjudged = x.recovery_s.is_none() && x.pre_throughput_per_s.is_none();
            let recovery = match (x.action.as_str(), x.recovery_s) {
                (
                    "processor_down" | "process_kill" | "pif_down" | "clim_down" | "lcs_kill",
                    None,
                ) if unjudged => {
                    ", recovery not judged (no window before it with enough completions)"
                        .to_string()
                }
                (
                    "processor_down" | "process_kill" | "pif_down" | "clim_down" | "lcs_kill",
                    Some(t),
                ) => {
                    format!(", recovered after {t:.1} s")
                }
                ("processor_down" | "pif_down" | "clim_down" | "lcs_kill", None) => {
                    ", not recovered".to_string()
                }
                ("process_kill", None) if x.processor.is_some() => ", not recovered".to_string(),
                _ => String::new(),
            };
            let recovery = match x.frames_lost {
                Some(n) => format!(", {n} frames lost{recovery}"),
                None => recovery,
            };
            let recovery = match x.requests_lost {
                Some(n) => format!(", {n} requests lost with it{recovery}"),
                None => recovery,
            };
            let recovery = if x.retried > 0 {
                format!(", {} reissued{recovery}", x.retried)
            } else {
                recovery
            };
            // Every kind it failed, by what the clients got (Pathsend errors as `902/201`).
            let kinds: Vec<String> = x
                .failed
                .0
                .iter()
                .filter(|(_, n)| **n > 0)
                .map(|(what, n)| format!("{what} {n}"))
                .collect();
            let failed = if kinds.is_empty() {
                "0 failed".to_string()
            } else {
                format!("{} failed ({})", x.failed_total, kinds.join(", "))
            };
            let _ = writeln!(
                s,
                "  fault {}  {} {cpu} at {:.3} s: {failed}, {} servers lost, {} restarted{recovery}",
                x.fault, x.action, x.at_s, x.servers_lost, x.restarted
            );
        }
    }
    // Completions in the window as a share of what the window had to complete: the requests
    // carried in from warm-up plus those attempted in it, so it never exceeds 100 %.
    let w = &r.window;
    let due = w.carried_in + w.attempted;
    let ratio = if due > 0 {
        format!(
            " ({:.1} % of the {} carried in or attempted)",
            100.0 * w.completed as f64 / due as f64,
            due
        )
    } else {
        String::new()
    };
    if no_window(r) {
        let _ = writeln!(s, "throughput  n/a (no measurement window)");
    } else {
        let _ = writeln!(
            s,
            "throughput  {:.2} requests/s completed{ratio}",
            r.throughput_per_s
        );
        let configured = r
            .configured_per_s
            .map_or_else(|| "n/a (closed clients)".to_string(), |c| format!("{c:.2}"));
        let _ = writeln!(
            s,
            "offered     configured {configured}, attempted {:.2}, admitted {:.2} [requests/s]",
            r.offered_per_s, r.admitted_per_s
        );
    }
    if empty_sample(r) {
        let _ = writeln!(
            s,
            "latency     n/a: {} (0 measured)",
            empty_sample_reason(r)
        );
        let _ = writeln!(s, "hops        n/a (0 measured)");
    } else {
        let _ = writeln!(
            s,
            "latency     mean {}, p50 {}, p90 {}, p99 {}, max {} [ms] ({} measured)",
            ms(l.mean),
            ms(l.p50),
            ms(l.p90),
            ms(l.p99),
            ms(l.max),
            q.measured
        );
        let _ = writeln!(
            s,
            "hops        {:.2} IPC hops per request",
            r.hops_per_request_mean
        );
    }
    if let Some(w) = &r.span {
        let _ = writeln!(
            s,
            "window      {:.3}..{:.3} s: throughput {:.2} requests/s (offered {:.2}), failed {} ({:.2} %)",
            w.from_s,
            w.to_s,
            w.throughput_per_s,
            w.offered_per_s,
            w.failed,
            100.0 * w.failed_ratio
        );
        let l = &w.latency_ms;
        let _ = if w.completed == 0 {
            writeln!(s, "            latency n/a (0 completed in the window)")
        } else {
            writeln!(
                s,
                "            latency mean {}, p50 {}, p90 {}, p99 {}, p99.9 {}, max {} [ms] ({} completed in the window)",
                ms(l.mean),
                ms(l.p50),
                ms(l.p90),
                ms(l.p99),
                ms(l.p999),
                ms(l.max),
                w.completed
            )
        };
    }
    if let Some(m) = &r.mser {
        let verdict = match m.suggested_warmup_s {
            Some(w) => format!(
                "PAST the warm-up's {}: suggest --warmup {w}s",
                m.warmup_completions
            ),
            None => format!("within the warm-up's {}", m.warmup_completions),
        };
        let _ = writeln!(
            s,
            "MSER-{}      cut-off after {} completions (t = {:.3} s), {verdict}",
            m.block, m.cutoff_requests, m.cutoff_s
        );
    }
    if let Some(b) = &r.batch_means {
        let note = if b.lag1 > crate::stats::batch_means::MAX_LAG1 {
            ", still correlated at 10 batches: too narrow to trust, run longer".to_string()
        } else if b.correlated {
            format!(
                ", {:.0} correlation spans at load {:.1} %, fewer than {:.0}: too narrow to trust, run longer",
                b.spans,
                100.0 * b.load,
                crate::stats::batch_means::MIN_SPANS
            )
        } else {
            String::new()
        };
        let _ = writeln!(
            s,
            "batch means mean {} ± {} ms (95 %, {} batches of {}, lag-1 {:.3}{note})",
            ms(b.mean),
            ms(b.half_width),
            b.batches,
            b.batch_size,
            b.lag1
        );
    }
    match busiest_processor(r) {
        Some(_) if no_window(r) => {
            let _ = writeln!(s, "busiest     n/a (no measurement window)");
        }
        Some(p) => {
            let _ = writeln!(s, "busiest     {}", busiest_line(p));
        }
        None => {
            let _ = writeln!(s, "busiest     (no processors)");
        }
    }
    for c in &r.clims {
        let _ = writeln!(
            s,
            "CLIM        {} {:.1} % busy ({} cores, protocol work)",
            c.name,
            100.0 * c.busy_ratio,
            c.cores
        );
    }
    if q.syn_drops > 0 {
        let _ = writeln!(s, "SYN drops   {} (listen backlog full)", q.syn_drops);
    }
    for t in domain_targets(r) {
        let _ = writeln!(s, "domain      {}", link_share_line(&t));
    }
    for line in processor_split_lines(r) {
        let _ = writeln!(s, "  {line}");
    }
    let e = &r.pathsend_errors;
    if e.e904 > 0 || e.e905 > 0 || e.e916 > 0 {
        let _ = writeln!(
            s,
            "pathsend    errors 904 {} (timeout or server lost), 905 {} (no link), 916 {} (server creation)",
            e.e904, e.e905, e.e916
        );
    }
    if e.e918 > 0 || e.e923 > 0 || e.e924 > 0 || e.e925 > 0 || e.e947 > 0 {
        let f = &r.time_to_failure_ms;
        let acs = if e.e947 > 0 {
            format!(", 947 {} (ACS sends per processor, FS 30)", e.e947)
        } else {
            String::new()
        };
        let _ = writeln!(
            s,
            "pathsend    errors 918 {} (call timeout), 923 {} (links), 924 {} (sends), 925 {} (requesters){acs}; time to failure p99 {:.3} ms",
            e.e918, e.e923, e.e924, e.e925, f.p99
        );
    }
    if let Some(xm) = &r.pathway_xm {
        for n in &xm.nodes {
            let cpus: Vec<String> = n.cpus.iter().map(|(c, w)| format!("{c}:{w}")).collect();
            let role = n
                .role
                .as_deref()
                .map_or(String::new(), |r| format!(" ({r})"));
            let pb = match (n.pb_primary, n.pb_backup) {
                (Some(p), b) => {
                    let b = b.map_or_else(|| "-".to_string(), |b| b.to_string());
                    format!("PB cpu {p}/{b}")
                }
                (None, _) => "no PB (no positive weight)".to_string(),
            };
            let _ = writeln!(
                s,
                "node        {}{role} cpus {}: {pb}, {} reservations granted",
                n.name,
                cpus.join(", "),
                n.reservations_granted
            );
        }
        for pm in &xm.pathmons {
            let backup = pm.backup.map_or_else(|| "-".to_string(), |b| b.to_string());
            let _ = writeln!(
                s,
                "pathmon     {} cpu {}/{backup}: TCPs {} (weight {}), {} requests ({:.1} %)",
                pm.name,
                pm.primary,
                pm.tcps.join(" "),
                pm.total_weight,
                pm.requests,
                pm.request_share
            );
        }
        for t in &xm.tcps {
            let backup = t.backup.map_or_else(|| "-".to_string(), |b| b.to_string());
            let _ = writeln!(
                s,
                "tcp         {} cpu {}/{backup} on {}: {} terms (weight {}), {} requests ({:.1} %), busy {:.1} %",
                t.name,
                t.primary,
                t.pathmon,
                t.terms.len(),
                t.total_weight,
                t.requests,
                t.request_share,
                100.0 * t.busy_ratio
            );
        }
        if let Some(pb) = &xm.process_broker {
            let cpus: Vec<String> = pb.cpus.iter().map(|(c, w)| format!("{c}:{w}")).collect();
            let _ = writeln!(
                s,
                "pb          node {} cpus {}: reservations of {:.0} s",
                pb.node,
                cpus.join(", "),
                pb.reservation_s
            );
        }
        for l in &xm.lcss {
            let _ = writeln!(
                s,
                "lcs         {} cpu {}: {} requests, queue mean {:.3} max {}, reservations mean {:.2} ({}..{}; NUMSTATIC {} of MAXSERVERS {}), granted {} dropped {} renewed {} refused {}",
                l.name,
                l.processor,
                l.forwarded,
                l.queue_mean,
                l.queue_max,
                l.reservations_mean,
                l.reservations_min,
                l.reservations_max,
                l.numstatic,
                l.maxservers,
                l.granted,
                l.dropped,
                l.renewed,
                l.refused
            );
            if l.replaced > 0 {
                let _ = writeln!(
                    s,
                    "lcs         {}: {} NUMSTATIC server(s) placed during a processor failure replaced after its reload",
                    l.name, l.replaced
                );
            }
        }
        let _ = writeln!(
            s,
            "xm balance  relative workload spread {:.3} (0 = every TCP the same weight)",
            xm.relative_workload_spread
        );
    }
    s
}

/// Per domain send target and requesting processor, the split of its requests (and the links
/// held at the end) between the PATHMONs: `cpu6 %DOM / SERVER-CORRECT: requests $PM1 48.2 %
/// (4 links), $PM2 ...` (issue 16 item 1.11).
fn processor_split_lines(r: &RunResults) -> Vec<String> {
    let mut out = Vec::new();
    let mut targets: Vec<(&str, &str)> = Vec::new();
    for p in &r.pathmons {
        if let Some(d) = p.domain.as_deref()
            && !targets.contains(&(d, p.server_class.as_str()))
        {
            targets.push((d, p.server_class.as_str()));
        }
    }
    for (domain, class) in targets {
        let members: Vec<_> = r
            .pathmons
            .iter()
            .filter(|p| p.domain.as_deref() == Some(domain) && p.server_class == class)
            .collect();
        let cpus: Vec<u32> = members
            .iter()
            .flat_map(|m| m.by_processor.iter().map(|c| c.processor))
            .fold(Vec::new(), |mut v, c| {
                if !v.contains(&c) {
                    v.push(c);
                }
                v
            });
        for cpu in cpus {
            let parts: Vec<String> = members
                .iter()
                .filter_map(|m| {
                    let c = m.by_processor.iter().find(|c| c.processor == cpu)?;
                    Some(format!(
                        "{} {:.1} % ({} links)",
                        m.name, c.request_share, c.links_held_end
                    ))
                })
                .collect();
            out.push(format!(
                "cpu{cpu} {domain} / {class}: requests {}",
                parts.join(", ")
            ));
        }
    }
    out
}

/// `%DOM / SERVER-WRONG: links $PM1 10.0 % (w 50), $PM2 47.5 % (w 10), $PM3 42.5 % (w 40)`.
fn link_share_line(t: &Target<'_>) -> String {
    let members: Vec<String> = t
        .members
        .iter()
        .map(|m| {
            format!(
                "{} {:.1} % (w {})",
                m.name,
                m.link_share,
                fmt_weight(m.weight)
            )
        })
        .collect();
    format!("{}: links {}", t.title(), members.join(", "))
}

/// `cpu3 at 63.2 % busy (tcpip 40.1 %)`: the processor and the kind that used most of it.
fn busiest_line(p: &ProcessorResult) -> String {
    let top =
        p.busy_by_kind.iter().fold(
            None,
            |best: Option<&crate::stats::KindShare>, k| match best {
                Some(b) if b.busy_ratio >= k.busy_ratio => Some(b),
                _ => Some(k),
            },
        );
    let mut line = format!("cpu{} at {:.1} % busy", p.id, 100.0 * p.busy_ratio);
    if let Some(k) = top.filter(|k| k.busy_ratio > 0.0) {
        let _ = write!(line, " (mostly {} {:.1} %)", k.kind, 100.0 * k.busy_ratio);
    }
    line
}

/// Several runs side by side: metrics as rows, scenarios as columns (in the given order), or
/// with more than [`TRANSPOSE_ABOVE`] runs one row per run ([`layout`]); then, for two or more
/// runs, the note that single runs give no interval for their differences. Rows: the seed, the
/// configured rate (`n/a` for closed clients), throughput, offered rate, latency, hops, the
/// busiest processor, each CLIM's utilisation (CIP), failures, one row per Pathsend error
/// number some run saw, all Pathsend errors, then for ACS domains each PATHMON's link share and request share. Ends with a
/// newline; columns are separated by at least two spaces.
pub fn comparison_table(runs: &[RunResults]) -> String {
    type Cell = fn(&RunResults) -> String;
    let fixed: [(&str, &str, Cell); 17] = [
        ("seed", "seed", |r| r.seed.to_string()),
        ("configured [requests/s]", "conf/s", |r| {
            r.configured_per_s
                .map_or_else(|| "n/a".into(), |c| format!("{c:.2}"))
        }),
        ("throughput [requests/s]", "thru/s", |r| {
            rate(r, r.throughput_per_s)
        }),
        ("offered [requests/s]", "offer/s", |r| {
            rate(r, r.offered_per_s)
        }),
        ("latency mean [ms]", "mean ms", |r| {
            ms(sample(r, r.latency_ms.mean))
        }),
        ("latency p50 [ms]", "p50 ms", |r| {
            ms(sample(r, r.latency_ms.p50))
        }),
        ("latency p90 [ms]", "p90 ms", |r| {
            ms(sample(r, r.latency_ms.p90))
        }),
        ("latency p99 [ms]", "p99 ms", |r| {
            ms(sample(r, r.latency_ms.p99))
        }),
        ("latency max [ms]", "max ms", |r| {
            ms(sample(r, r.latency_ms.max))
        }),
        ("hops per request", "hops", |r| {
            let h = sample(r, r.hops_per_request_mean);
            if h.is_finite() {
                format!("{h:.2}")
            } else {
                "n/a".into()
            }
        }),
        ("busiest processor", "busiest", |r| {
            busiest_processor(r).map_or("-".into(), |p| format!("cpu{}", p.id))
        }),
        ("busiest processor busy [%]", "busy %", |r| {
            busiest_processor(r).map_or("-".into(), |p| rate_pct(r, p.busy_ratio))
        }),
        ("failed", "failed", |r| r.requests.failed.to_string()),
        ("abandoned", "abandoned", |r| {
            r.requests.abandoned.to_string()
        }),
        ("in flight", "in flight", |r| {
            r.requests.in_flight.to_string()
        }),
        ("SYN drops", "SYN drops", |r| {
            r.requests.syn_drops.to_string()
        }),
        ("Pathsend errors, all", "errors", |r| {
            r.pathsend_errors.total().to_string()
        }),
    ];
    let row = |label: &str, short: &str, f: &dyn Fn(&RunResults) -> String| Row {
        label: label.to_string(),
        short: short.to_string(),
        cells: runs.iter().map(f).collect(),
    };
    let (last, fixed) = fixed.split_last().expect("fixed rows");
    let mut rows: Vec<Row> = fixed.iter().map(|(l, s, f)| row(l, s, f)).collect();
    // Each CLIM's utilisation (CIP), after the busiest processor's.
    let mut clims: Vec<&str> = Vec::new();
    for c in runs.iter().flat_map(|r| &r.clims) {
        if !clims.contains(&c.name.as_str()) {
            clims.push(&c.name);
        }
    }
    let at = rows
        .iter()
        .position(|r| r.label == "busiest processor busy [%]")
        .map_or(rows.len(), |i| i + 1);
    for (k, name) in clims.iter().enumerate() {
        let cell = |r: &RunResults| {
            r.clims
                .iter()
                .find(|c| c.name == *name)
                .map_or("-".into(), |c| rate_pct(r, c.busy_ratio))
        };
        rows.insert(
            at + k,
            row(
                &format!("CLIM {name} busy [%]"),
                &format!("{name} %"),
                &cell,
            ),
        );
    }
    for (number, count) in ERROR_NUMBERS {
        if runs.iter().any(|r| count(&r.pathsend_errors) > 0) {
            rows.push(row(
                &format!("Pathsend errors {number}"),
                &number.to_string(),
                &|r| count(&r.pathsend_errors).to_string(),
            ));
        }
    }
    rows.push(row(last.0, last.1, &last.2));
    if runs.iter().any(|r| r.faults.is_some()) {
        rows.extend(fault_rows(runs));
    }
    if let Some(w) = runs.iter().find_map(|r| r.span.as_ref()) {
        // `--window`: the same span in every run.
        let at = format!("{:.3}..{:.3} s", w.from_s, w.to_s);
        type SpanCell = fn(&crate::stats::SpanResult) -> String;
        let cells: [(&str, &str, SpanCell); 5] = [
            ("throughput [requests/s]", "thru/s", |w| {
                format!("{:.2}", w.throughput_per_s)
            }),
            ("failed [%]", "failed %", |w| {
                format!("{:.2}", 100.0 * w.failed_ratio)
            }),
            ("latency mean [ms]", "mean ms", |w| {
                if w.completed == 0 {
                    "n/a".into()
                } else {
                    ms(w.latency_ms.mean)
                }
            }),
            ("latency p99 [ms]", "p99 ms", |w| {
                if w.completed == 0 {
                    "n/a".into()
                } else {
                    ms(w.latency_ms.p99)
                }
            }),
            ("latency p99.9 [ms]", "p999 ms", |w| {
                if w.completed == 0 {
                    "n/a".into()
                } else {
                    ms(w.latency_ms.p999)
                }
            }),
        ];
        for (label, short, f) in cells {
            rows.push(row(
                &format!("window {at}: {label}"),
                &format!("win {short}"),
                &|r| r.span.as_ref().map_or("-".into(), f),
            ));
        }
    }
    for (key, short) in domain_members(runs.iter().map(|r| r.pathmons.as_slice())) {
        let share = |r: &RunResults, link: bool| {
            r.pathmons
                .iter()
                .find(|p| member_key(p) == key)
                .map_or("-".into(), |p| {
                    if link && no_window(r) {
                        "n/a".into()
                    } else {
                        format!("{:.1}", if link { p.link_share } else { p.request_share })
                    }
                })
        };
        rows.push(row(
            &format!("link share {key} [%]"),
            &format!("{short} links %"),
            &|r| share(r, true),
        ));
        rows.push(row(
            &format!("request share {key} [%]"),
            &format!("{short} reqs %"),
            &|r| share(r, false),
        ));
    }
    let header: Vec<String> = runs.iter().map(|r| r.scenario.clone()).collect();
    let mut s = String::new();
    layout(&mut s, &header, &rows);
    for r in runs.iter().filter(|r| empty_sample(r)) {
        let _ = writeln!(s, "n/a for {}: {}", r.scenario, empty_sample_reason(r));
    }
    for r in runs {
        if let Some(stop) = &r.stopped {
            let _ = writeln!(
                s,
                "{} STOPPED at {:.3} s, INCOMPLETE: its column covers the run up to the stop ({})",
                r.scenario, stop.at_s, stop.reason
            );
        }
    }
    if runs.len() > 1 {
        // One run each: a difference has no interval, so the table cannot say it is real.
        let _ = writeln!(
            s,
            "one replication: no interval is possible for the differences \
             (--replications 2 or more gives paired intervals)"
        );
    }
    s
}

/// Rows for runs with faults: availability, downtime, resets and refusals, and each processor
/// failure's recovery time.
fn fault_rows(runs: &[RunResults]) -> Vec<Row> {
    let row = |label: String, short: &str, f: &dyn Fn(&RunResults) -> String| Row {
        label,
        short: short.to_string(),
        cells: runs.iter().map(f).collect(),
    };
    let mut rows = vec![
        row("availability [%]".into(), "avail %", &|r| {
            r.faults
                .as_ref()
                .map_or("-".into(), |f| format!("{:.3}", 100.0 * f.availability))
        }),
        row("downtime [s]".into(), "down s", &|r| {
            r.faults
                .as_ref()
                .map_or("-".into(), |f| format!("{:.1}", f.downtime_s))
        }),
        row("reset by a failure".into(), "reset", &|r| {
            r.requests.reset.to_string()
        }),
        row("refused".into(), "refused", &|r| {
            r.requests.refused.to_string()
        }),
    ];
    let failures = runs
        .iter()
        .filter_map(|r| r.faults.as_ref())
        .map(|f| f.faults.len())
        .max()
        .unwrap_or(0);
    for i in 0..failures {
        rows.push(row(format!("fault {i}: recovery [s]"), "recov s", &|r| {
            let x = r.faults.as_ref().and_then(|f| f.faults.get(i));
            match x {
                Some(x) if matches!(x.action.as_str(), "processor_down" | "pif_down") => x
                    .recovery_s
                    .map_or("not recovered".into(), |t| format!("{t:.1}")),
                _ => "-".into(),
            }
        }));
    }
    rows
}

/// The count of one Pathsend error number.
pub(super) type ErrorCount = fn(&crate::stats::PathsendErrors) -> u64;

/// Pathsend error numbers, each with its count in [`crate::stats::PathsendErrors`]; a table
/// has a row for each number some run saw.
pub(super) const ERROR_NUMBERS: [(u32, ErrorCount); 8] = [
    (904, |e| e.e904),
    (905, |e| e.e905),
    (916, |e| e.e916),
    (918, |e| e.e918),
    (923, |e| e.e923),
    (924, |e| e.e924),
    (925, |e| e.e925),
    (947, |e| e.e947),
];

/// `%DOM/SERVER-CORRECT/$PM1`: a member of an ACS domain target.
pub(super) fn member_key(p: &crate::stats::PathmonShare) -> String {
    format!(
        "{}/{}/{}",
        p.domain.as_deref().unwrap_or("-"),
        p.server_class,
        p.name
    )
}

/// The members of ACS domain targets over several runs, in order of first appearance, each
/// with its [`member_key`] and a short name for a transposed table (`$PM1`, or
/// `SERVER-CORRECT $PM1` when the runs have more than one domain target).
pub(super) fn domain_members<'a>(
    runs: impl Iterator<Item = &'a [crate::stats::PathmonShare]>,
) -> Vec<(String, String)> {
    let mut keys: Vec<(String, String, String)> = Vec::new();
    for shares in runs {
        for p in shares.iter().filter(|p| p.domain.is_some()) {
            let key = member_key(p);
            if !keys.iter().any(|(k, _, _)| *k == key) {
                let target = format!("{}/{}", p.domain.as_deref().unwrap_or("-"), p.server_class);
                keys.push((key, target, p.name.clone()));
            }
        }
    }
    let several = keys.iter().any(|(_, t, _)| *t != keys[0].1);
    keys.into_iter()
        .map(|(key, target, name)| {
            let class = target.rsplit('/').next().unwrap_or_default().to_string();
            let short = if several {
                format!("{class} {name}")
            } else {
                name
            };
            (key, short)
        })
        .collect()
}

/// One row of a comparison table: its label, the header it takes when the table is printed
/// transposed, and one cell per run.
pub(super) struct Row {
    pub label: String,
    pub short: String,
    pub cells: Vec<String>,
}

/// Runs (columns) above which a comparison table is printed transposed: one row per run.
pub const TRANSPOSE_ABOVE: usize = 4;

/// Appends `rows` for the runs named in `header`: metrics as rows and runs as columns
/// ([`grid`]), or with more than [`TRANSPOSE_ABOVE`] runs transposed, one row per run under
/// the rows' short names, so many runs do not wrap the terminal. Transposed, a column that is
/// 0 for every run is left out and a line lists what was left out.
pub(super) fn layout(s: &mut String, header: &[String], rows: &[Row]) {
    if header.len() <= TRANSPOSE_ABOVE {
        let cells: Vec<(&str, Vec<String>)> = rows
            .iter()
            .map(|r| (r.label.as_str(), r.cells.clone()))
            .collect();
        grid(s, "metric", header, &cells);
        return;
    }
    let zero = |r: &&Row| r.cells.iter().all(|c| c == "0");
    let shown: Vec<&Row> = rows.iter().filter(|r| !zero(r)).collect();
    let names: Vec<String> = shown.iter().map(|r| r.short.clone()).collect();
    let cells: Vec<(&str, Vec<String>)> = header
        .iter()
        .enumerate()
        .map(|(i, run)| {
            (
                run.as_str(),
                shown.iter().map(|r| r.cells[i].clone()).collect(),
            )
        })
        .collect();
    grid(s, "run", &names, &cells);
    let left: Vec<&str> = rows.iter().filter(zero).map(|r| r.label.as_str()).collect();
    if !left.is_empty() {
        let _ = writeln!(s, "0 for every run, not shown: {}", left.join(", "));
    }
}

/// Appends a table: a `corner` header (`metric`) with the column names, then one line per row, its
/// label left-aligned and each cell right-aligned under its column, columns two spaces apart
/// and as wide as their widest entry (in characters, so `±` counts one), trailing spaces
/// trimmed. `cells[row].1[column]`, one value per column of `header`.
pub(super) fn grid<L: AsRef<str>>(
    s: &mut String,
    corner: &str,
    header: &[String],
    cells: &[(L, Vec<String>)],
) {
    let label_width = cells
        .iter()
        .map(|(l, _)| l.as_ref().chars().count())
        .max()
        .unwrap_or(0)
        .max(corner.chars().count());
    let widths: Vec<usize> = (0..header.len())
        .map(|i| {
            cells
                .iter()
                .map(|(_, c)| c[i].chars().count())
                .chain([header[i].chars().count()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut line = format!("{corner:<label_width$}");
    for (h, w) in header.iter().zip(&widths) {
        let _ = write!(line, "  {h:>w$}");
    }
    s.push_str(line.trim_end());
    s.push('\n');
    for (label, values) in cells {
        let mut line = format!("{:<label_width$}", label.as_ref());
        for (v, w) in values.iter().zip(&widths) {
            let _ = write!(line, "  {v:>w$}");
        }
        s.push_str(line.trim_end());
        s.push('\n');
    }
}

/// A rate over the measurement window with two decimals; `n/a` when the run ended before its
/// warm-up did, so there was no window.
fn rate(r: &RunResults, per_s: f64) -> String {
    if no_window(r) {
        "n/a".into()
    } else {
        format!("{per_s:.2}")
    }
}

/// A busy ratio over the measurement window in percent with one decimal; `n/a` without one.
fn rate_pct(r: &RunResults, ratio: f64) -> String {
    if no_window(r) {
        "n/a".into()
    } else {
        format!("{:.1}", 100.0 * ratio)
    }
}

/// Milliseconds with three decimals: microsecond resolution is what NonStop latencies need.
/// `n/a` for an unknown figure (NaN: the latency of an empty sample).
fn ms(v: f64) -> String {
    if v.is_finite() {
        format!("{v:.3}")
    } else {
        "n/a".into()
    }
}

/// `1.52 M`, `830 k`, `12.0`: a rate with an SI prefix, for wall-clock speed.
fn si(v: f64) -> String {
    match v.abs() {
        a if a >= 1e9 => format!("{:.2} G", v / 1e9),
        a if a >= 1e6 => format!("{:.2} M", v / 1e6),
        a if a >= 1e3 => format!("{:.1} k", v / 1e3),
        _ => format!("{v:.1}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::testdata::{sample_results, three_runs};

    #[test]
    fn issue_19_comparison_shows_the_configured_rate_each_error_seen_and_domain_shares() {
        let mut runs = three_runs();
        runs[0].configured_per_s = Some(20_000.0);
        runs[1].pathsend_errors.e924 = 17;
        let t = comparison_table(&runs);
        let line = |start: &str| {
            t.lines()
                .find(|l| l.starts_with(start))
                .unwrap_or_else(|| panic!("no '{start}' row in\n{t}"))
                .to_string()
        };
        assert!(line("configured [requests/s]").contains("20000.00"), "{t}");
        let e924 = line("Pathsend errors 924");
        assert!(e924.contains("17"), "{e924}");
        // Only the numbers some run saw get a row.
        assert!(!t.contains("Pathsend errors 916"), "{t}");
        let share = &runs[0].pathmons[0];
        let key = member_key(share);
        assert!(
            line(&format!("link share {key}")).contains(&format!("{:.1}", share.link_share)),
            "{t}"
        );
        assert!(
            line(&format!("request share {key}")).contains(&format!("{:.1}", share.request_share))
        );
        // The CSV has them too.
        let csv = String::from_utf8(crate::report::comparison_csv(&runs)).unwrap();
        assert!(csv.contains(",pathsend_errors_924,17\n"), "{csv}");
        assert!(csv.contains(",configured_per_s,20000.000000\n"), "{csv}");
        assert!(csv.contains(&format!(",request_share[{key}],")), "{csv}");
    }

    #[test]
    fn issue_19_many_runs_print_one_row_per_run() {
        let runs: Vec<RunResults> = (0..6)
            .map(|i| {
                crate::report::testdata::sample_results_scaled(
                    &format!("run-{i}"),
                    0.5 + 0.1 * f64::from(i),
                )
            })
            .collect();
        let t = comparison_table(&runs);
        let head = t.lines().next().unwrap();
        assert!(head.starts_with("run") && head.contains("p99 ms"), "{t}");
        for (i, r) in runs.iter().enumerate() {
            let row = t.lines().nth(1 + i).unwrap();
            assert!(row.starts_with(&r.scenario), "{t}");
        }
        // Four runs still have one column each.
        assert!(comparison_table(&runs[..4]).starts_with("metric"));
    }

    #[test]
    fn summary_mentions_the_headline_numbers() {
        let s = terminal_summary(&sample_results("fig-3-3-distributor"));
        let expected = [
            "scenario    fig-3-3-distributor",
            "stack conventional, listener distributor",
            "seed        42",
            "60.500 s (warm-up 10.000 s, measured 50.000 s)",
            "1234567 in 0.812 s wall (1.52 M events/s)",
            "offered 30000, completed 29990, failed 3, in flight 7 (conservation ok)",
            "499.80 requests/s completed (99.9 % of the 25005 carried in or attempted)",
            "configured 500.00, attempted 500.00, admitted 499.90 [requests/s]",
            "mean 2.100, p50 2.000, p90 4.300, p99 8.900, max 600.000 [ms]",
            "8.00 IPC hops per request",
            "cpu0 at 82.0 % busy (mostly tcpip 45.0 %)",
            "SYN drops   12",
            "domain      %DOM / SERVER-CORRECT: links $PM1 50.0 % (w 50), $PM2 10.5 % (w 10), \
             $PM3 39.5 % (w 40)",
            "domain      %DOM / SERVER-WRONG: links $PM1 10.0 % (w 50), $PM2 47.5 % (w 10), \
             $PM3 42.5 % (w 40)",
            "pathsend    errors 904 2 (timeout or server lost), 905 1 (no link), 916 0 (server creation)",
        ];
        for e in expected {
            assert!(s.contains(e), "missing {e:?} in\n{s}");
        }
        assert!(s.lines().count() <= 17, "{s}");
    }

    #[test]
    fn summary_omits_direct_targets_and_zero_errors() {
        let mut r = sample_results("a");
        for p in &mut r.pathmons {
            p.domain = None;
        }
        r.pathsend_errors = Default::default();
        let s = terminal_summary(&r);
        assert!(!s.contains("domain "), "{s}");
        assert!(!s.contains("pathsend"), "{s}");
    }

    #[test]
    fn summary_flags_a_conservation_violation_and_omits_zero_syn_drops() {
        let mut r = sample_results("a");
        r.requests.failed = 0;
        r.requests.syn_drops = 0;
        let s = terminal_summary(&r);
        assert!(s.contains("CONSERVATION VIOLATED"), "{s}");
        assert!(!s.contains("SYN drops"), "{s}");
    }

    /// Issue 7: `run.max_requests=10` ends the run before the warm-up: no window, no sample.
    fn ended_before_warmup() -> RunResults {
        let mut r = sample_results("short");
        r.sim_time_s = 0.004;
        r.warmup_s = 2.0;
        r.requests.measured = 0;
        r.latency_ms = Default::default();
        r.hops_per_request_mean = 0.0;
        r
    }

    #[test]
    fn issue_7_an_empty_sample_is_not_a_latency_of_zero() {
        let s = terminal_summary(&ended_before_warmup());
        assert!(
            s.contains(
                "sim time    0.004 s (warm-up 2.000 s, no measurement window: the run ended at \
                 0.004 s, before its 2.000 s warm-up did)"
            ),
            "{s}"
        );
        assert!(!s.contains("measured 50.000 s"), "{s}");
        assert!(s.contains("throughput  n/a (no measurement window)"), "{s}");
        assert!(
            s.contains("latency     n/a: the run ended at 0.004 s"),
            "{s}"
        );
        assert!(s.contains("hops        n/a"), "{s}");
        assert!(!s.contains("0.000,"), "{s}");
        // A window without a measured request says so.
        let mut r = sample_results("idle");
        r.requests.measured = 0;
        let s = terminal_summary(&r);
        assert!(s.contains("measured 50.000 s"), "{s}");
        assert!(
            s.contains("latency     n/a: no request completed after the warm-up"),
            "{s}"
        );
        let t = comparison_table(&[sample_results("a"), ended_before_warmup()]);
        for row in ["latency p99", "throughput", "offered", "hops per request"] {
            let line = t.lines().find(|l| l.starts_with(row)).unwrap();
            assert!(line.ends_with("  n/a"), "{row}: {t}");
        }
        assert!(t.contains("n/a for short: the run ended at 0.004 s"), "{t}");
    }

    #[test]
    fn table_has_scenarios_as_columns() {
        let t = comparison_table(&three_runs());
        let lines: Vec<_> = t.lines().collect();
        assert!(lines[0].starts_with("metric"));
        let header_cols: Vec<_> = lines[0].split_whitespace().collect();
        assert_eq!(
            header_cols,
            [
                "metric",
                "fig-3-3-distributor",
                "tcpipv6-distributor",
                "parallel-listener"
            ]
        );
        let p99 = lines
            .iter()
            .find(|l| l.starts_with("latency p99 [ms]"))
            .unwrap();
        let cells: Vec<_> = p99.split_whitespace().collect();
        assert_eq!(
            cells[cells.len() - 3..],
            ["8.900", "12.460", "6.230"],
            "{p99}"
        );
        assert!(t.contains("busiest processor busy [%]"));
        assert!(t.contains("Pathsend errors 905"));
        assert!(
            !t.contains("link_share"),
            "link shares are for CSV and JSON only"
        );
        // Right-aligned columns: every line is exactly as wide as the header; then the note.
        let (note, grid) = lines.split_last().unwrap();
        assert!(note.starts_with("one replication: no interval"), "{t}");
        let width = lines[0].len();
        assert_eq!(
            grid.iter().filter(|l| l.len() == width).count(),
            grid.len(),
            "{t}"
        );
    }
}
