//! CSV exporters: stable columns, fixed float format (`{:.6}`), `\n` line endings.
//!
//! Every file starts with `scenario,seed` so files of several runs can be concatenated (minus
//! their headers) and still be told apart. Metrics are in long format (one number per row), so
//! adding a metric never changes a column. The `csv` crate quotes names that contain commas or
//! quotes. Wall-clock values never appear here: two runs with one seed give identical bytes.

use ::csv::{Terminator, Writer, WriterBuilder};

use super::{Num, busiest_processor, conservation_ok, headline_metrics, sample, windowed};
use crate::stats::RunResults;

/// Every number of the summary except the wall-clock ones, one per row:
/// `scenario,seed,component,metric,value`. The latency figures and `hops_per_request_mean` of
/// an empty sample (no measured request) have an empty value: unknown, not 0; so do the
/// rates and processors' busy ratios of a run without a measurement window.
///
/// Components, in this order: `system` (ending with `pathsend_errors_904/905/916/918/923/924/925/947`,
/// then `pathsend_errors_902/915` when non-zero, then with faults `requests_failed_<what>` per
/// outcome of a failed request: `905`, `904_fs201`, `reset`, `refused`, `abandoned`); `cpuN` and
/// `cpuN/<kind>` per processor; each process by its name (`$ZTC3`, `A-0`);
/// `class/<pathmon>/<name>` per server class in a PATHMON; `pathmon/<domain>/<pathmon>/<class>`
/// per member of a send target (`-` for a PATHMON addressed directly: `weight`,
/// `links_granted`, `link_share`, `deviation_pp`, `requests`, `request_share`, shares and
/// weight in [%]); `listener/<name>` per listener instance; `pif/<name>` per LAN adapter port.
/// An empty PATHMON name is written `-` too, so components never contain `//`.
pub fn metrics_csv(r: &RunResults) -> Vec<u8> {
    use Num::{Float, Int};
    let mut w = Rows::new(r, &["scenario", "seed", "component", "metric", "value"]);
    let q = &r.requests;
    let l = &r.latency_ms;
    let mut system = vec![
        ("sim_time_s", Float(r.sim_time_s)),
        ("warmup_s", Float(r.warmup_s)),
        ("measured_s", Float(r.measured_s)),
        ("events", Int(r.events)),
        ("requests_offered", Int(q.offered)),
        ("requests_admitted", Int(q.admitted)),
        ("requests_completed", Int(q.completed)),
        ("requests_failed", Int(q.failed)),
        ("requests_refused", Int(q.refused)),
        ("requests_pathsend_failed", Int(q.pathsend_failed)),
        ("requests_abandoned", Int(q.abandoned)),
        ("requests_abandoned_served", Int(q.abandoned_served)),
        ("requests_in_flight", Int(q.in_flight)),
        ("requests_syn_drops", Int(q.syn_drops)),
        ("requests_measured", Int(q.measured)),
        ("conservation_ok", Int(u64::from(conservation_ok(r)))),
        ("throughput_per_s", Float(windowed(r, r.throughput_per_s))),
        ("offered_per_s", Float(windowed(r, r.offered_per_s))),
        ("admitted_per_s", Float(windowed(r, r.admitted_per_s))),
        ("window_carried_in", Int(r.window.carried_in)),
        ("window_attempted", Int(r.window.attempted)),
        ("window_admitted", Int(r.window.admitted)),
        ("window_completed", Int(r.window.completed)),
        ("window_failed", Int(r.window.failed)),
        ("window_carried_out", Int(r.window.carried_out)),
        ("connections_per_s", Float(windowed(r, r.connections_per_s))),
        ("latency_ms_mean", Float(sample(r, l.mean))),
        ("latency_ms_sd", Float(sample(r, l.sd))),
        ("latency_ms_p50", Float(sample(r, l.p50))),
        ("latency_ms_p90", Float(sample(r, l.p90))),
        ("latency_ms_p99", Float(sample(r, l.p99))),
        ("latency_ms_p999", Float(sample(r, l.p999))),
        ("latency_ms_max", Float(sample(r, l.max))),
        (
            "hops_per_request_mean",
            Float(sample(r, r.hops_per_request_mean)),
        ),
    ];
    if let Some(c) = r.configured_per_s {
        system.push(("configured_per_s", Float(c)));
    }
    if let Some(p) = busiest_processor(r) {
        system.push(("busiest_processor", Int(u64::from(p.id))));
    }
    let e = &r.pathsend_errors;
    let mut failed_by: Vec<(String, u64)> = Vec::new();
    system.extend([
        ("pathsend_errors_904", Int(e.e904)),
        ("pathsend_errors_905", Int(e.e905)),
        ("pathsend_errors_916", Int(e.e916)),
        ("pathsend_errors_918", Int(e.e918)),
        ("pathsend_errors_923", Int(e.e923)),
        ("pathsend_errors_924", Int(e.e924)),
        ("pathsend_errors_925", Int(e.e925)),
        ("pathsend_errors_947", Int(e.e947)),
    ]);
    // Errors only a lost PATHMON gives: written when some send got them, so runs without
    // them keep their bytes.
    for (metric, n) in [
        ("pathsend_errors_902", e.e902),
        ("pathsend_errors_915", e.e915),
    ] {
        if n > 0 {
            system.push((metric, Int(n)));
        }
    }
    // With faults: failed requests by what their client got (`905`, `904/201`, `reset`).
    if let Some(f) = &r.faults {
        for (what, n) in &f.failed_by_error {
            failed_by.push((format!("requests_failed_{}", what.replace('/', "_fs")), *n));
        }
    }
    for (metric, value) in system {
        w.metric("system", metric, value);
    }
    for (metric, n) in failed_by {
        w.metric("system", &metric, Int(n));
    }
    for p in &r.processors {
        let cpu = format!("cpu{}", p.id);
        w.metric(&cpu, "busy_ratio", Float(windowed(r, p.busy_ratio)));
        for k in &p.busy_by_kind {
            w.metric(
                &format!("{cpu}/{}", k.kind),
                "busy_ratio",
                Float(k.busy_ratio),
            );
        }
    }
    for p in &r.processes {
        w.metric(&p.name, "processor", Int(u64::from(p.processor)));
        w.metric(&p.name, "busy_ratio", Float(p.busy_ratio));
        w.metric(&p.name, "bursts", Int(p.bursts));
        w.metric(&p.name, "ready_wait_ms_mean", Float(p.ready_wait_ms_mean));
    }
    for c in &r.server_classes {
        let name = format!("class/{}/{}", dash_if_empty(&c.pathmon), c.name);
        let rows = [
            ("servers", Int(u64::from(c.servers))),
            ("numstatic", Int(u64::from(c.numstatic))),
            ("completed", Int(c.completed)),
            ("latency_ms_mean", Float(c.latency_ms_mean)),
            ("queue_wait_ms_mean", Float(c.queue_wait_ms_mean)),
            ("server_busy_ratio", Float(c.server_busy_ratio)),
            ("server_held_ratio", Float(c.server_held_ratio)),
            ("requests", Int(c.requests)),
            ("links_granted", Int(c.links_granted)),
            ("links_held_mean", Float(c.links_held_mean)),
            ("links_held_max", Int(c.links_held_max)),
            ("links_held_end", Int(c.links_held_end)),
            ("servers_static_mean", Float(c.servers_static_mean)),
            ("servers_dynamic_mean", Float(c.servers_dynamic_mean)),
            ("servers_dynamic_max", Int(c.servers_dynamic_max)),
            ("dynamic_created", Int(c.dynamic_created)),
            ("dynamic_deleted", Int(c.dynamic_deleted)),
            ("errors_904", Int(c.errors_904)),
        ];
        for (metric, value) in rows {
            w.metric(&name, metric, value);
        }
    }
    for p in &r.pathmons {
        let name = format!(
            "pathmon/{}/{}/{}",
            p.domain.as_deref().map_or("-", dash_if_empty),
            dash_if_empty(&p.name),
            p.server_class
        );
        let rows = [
            ("weight", Float(p.weight)),
            ("links_granted", Int(p.links_granted)),
            ("links_held_mean", Float(p.links_held_mean)),
            ("link_share", Float(p.link_share)),
            ("deviation_pp", Float(p.deviation_pp)),
            ("requests", Int(p.requests)),
            ("request_share", Float(p.request_share)),
        ];
        for (metric, value) in rows {
            w.metric(&name, metric, value);
        }
    }
    for t in &r.send_targets {
        let local = if t.local { "/local" } else { "" };
        let name = format!(
            "target/{}/{}{local}",
            dash_if_empty(&t.target),
            t.server_class
        );
        w.metric(&name, "queue_length_mean", Float(t.queue_length_mean));
        w.metric(&name, "queue_length_max", Int(t.queue_length_max));
        w.metric(&name, "errors_905", Int(t.errors_905));
        w.metric(&name, "errors_918", Int(t.errors_918));
        w.metric(&name, "errors_923", Int(t.errors_923));
        w.metric(&name, "errors_924_requester", Int(t.errors_924_requester));
        w.metric(&name, "errors_924_processor", Int(t.errors_924_processor));
        w.metric(&name, "errors_925", Int(t.errors_925));
        w.metric(&name, "errors_947", Int(t.errors_947));
        for m in &t.link_managers {
            let lm = format!("{name}/lm{}/{}", m.processor, dash_if_empty(&m.pathmon));
            w.metric(&lm, "links_held_mean", Float(m.links_held_mean));
            w.metric(&lm, "links_held_max", Int(m.links_held_max));
            w.metric(&lm, "links_held_end", Int(m.links_held_end));
            w.metric(&lm, "requests", Int(m.requests));
            w.metric(&lm, "errors_905", Int(m.errors_905));
        }
    }
    for l in &r.listeners {
        let name = format!("listener/{}", l.name);
        w.metric(&name, "processor", Int(u64::from(l.processor)));
        w.metric(&name, "connections", Int(l.connections));
        w.metric(&name, "requests", Int(l.requests));
        w.metric(&name, "syn_drops", Int(l.syn_drops));
    }
    for p in &r.pifs {
        let name = format!("pif/{}", p.name);
        w.metric(&name, "busy_ratio_in", Float(p.busy_ratio_in));
        w.metric(&name, "busy_ratio_out", Float(p.busy_ratio_out));
    }
    for c in &r.clims {
        w.metric(
            &format!("clim/{}", c.name),
            "busy_ratio",
            Float(c.busy_ratio),
        );
    }
    w.finish()
}

/// The latency histogram: `scenario,seed,upper_ms,count,cumulative`, one row per bucket in
/// increasing `upper_ms`.
pub fn histogram_csv(r: &RunResults) -> Vec<u8> {
    let mut w = Rows::new(r, &["scenario", "seed", "upper_ms", "count", "cumulative"]);
    for b in &r.latency_histogram {
        w.values(&[
            Num::Float(b.upper_ms),
            Num::Int(b.count),
            Num::Float(b.cumulative),
        ]);
    }
    w.finish()
}

/// The time series: `scenario,seed,t_s,throughput_per_s,offered_per_s,latency_ms_mean,
/// latency_ms_p99,failed_per_s,abandoned_per_s`, one row per sample interval (`t_s` is its
/// start), warm-up included; a time-varying workload adds `configured_per_s`, its configured
/// rate over the interval. Failures count where they happen, not where the request was sent.
pub fn timeseries_csv(r: &RunResults) -> Vec<u8> {
    let configured = r.timeseries.iter().any(|s| s.configured_per_s.is_some());
    let mut header = vec![
        "scenario",
        "seed",
        "t_s",
        "throughput_per_s",
        "offered_per_s",
        "latency_ms_mean",
        "latency_ms_p99",
        "failed_per_s",
        "abandoned_per_s",
    ];
    if configured {
        header.push("configured_per_s");
    }
    let mut w = Rows::new(r, &header);
    for s in &r.timeseries {
        let mut row = vec![
            Num::Float(s.t_s),
            Num::Float(s.throughput_per_s),
            Num::Float(s.offered_per_s),
            Num::Float(s.latency_ms_mean),
            Num::Float(s.latency_ms_p99),
            Num::Float(s.failed_per_s),
            Num::Float(s.abandoned_per_s),
        ];
        if configured {
            row.push(Num::Float(s.configured_per_s.unwrap_or(0.0)));
        }
        w.values(&row);
    }
    w.finish()
}

/// Servers and links of every server class over time:
/// `scenario,seed,pathmon,server_class,t_s,static_servers,dynamic_servers,links`, classes in
/// `RunResults::server_classes` order, each class's samples in time order.
pub fn servers_timeline_csv(r: &RunResults) -> Vec<u8> {
    let mut w = Rows::new(
        r,
        &[
            "scenario",
            "seed",
            "pathmon",
            "server_class",
            "t_s",
            "static_servers",
            "dynamic_servers",
            "links",
        ],
    );
    for c in &r.server_classes {
        for s in &c.timeline {
            w.labelled(
                &[&c.pathmon, &c.name],
                &[
                    Num::Float(s.t_s),
                    Num::Int(s.static_servers),
                    Num::Int(s.dynamic_servers),
                    Num::Int(s.links),
                ],
            );
        }
    }
    w.finish()
}

/// Pathway/XM's distributed classes over time, one row per sample interval and processor of
/// the server node: `scenario,seed,node,t_s,cpu,weight,servers` (the servers of distributed
/// classes running there; `weight` is the configured one). Header only without a distributed
/// class.
pub fn xm_servers_by_cpu_csv(r: &RunResults) -> Vec<u8> {
    let mut w = Rows::new(
        r,
        &[
            "scenario", "seed", "node", "t_s", "cpu", "weight", "servers",
        ],
    );
    if let Some(pb) = r
        .pathway_xm
        .as_ref()
        .and_then(|x| x.process_broker.as_ref())
    {
        for (t_s, row) in &pb.servers_by_cpu {
            for (&(cpu, weight), &n) in pb.cpus.iter().zip(row) {
                w.labelled(
                    &[&pb.node],
                    &[
                        Num::Float(*t_s),
                        Num::Int(u64::from(cpu)),
                        Num::Int(u64::from(weight)),
                        Num::Int(u64::from(n)),
                    ],
                );
            }
        }
    }
    w.finish()
}

/// Each LCS over time, one row per sample interval: `scenario,seed,lcs,t_s,queued,
/// reservations` (requests in its queue, reservations it holds). Header only without a
/// distributed class.
pub fn xm_lcs_timeline_csv(r: &RunResults) -> Vec<u8> {
    let mut w = Rows::new(
        r,
        &["scenario", "seed", "lcs", "t_s", "queued", "reservations"],
    );
    for l in r.pathway_xm.iter().flat_map(|x| &x.lcss) {
        for &(t_s, queued, held) in &l.timeline {
            w.labelled(
                &[&l.name],
                &[Num::Float(t_s), Num::Int(queued), Num::Int(held)],
            );
        }
    }
    w.finish()
}

/// Pathway/XM's assignment, one row per NODE, process broker, TCP and LCS, told apart by
/// `kind` (`node`, `pb`, `tcp`, `lcs`): `scenario,seed,kind,name,template,primary,backup,
/// pathmon,pathmon_primary,pathmon_backup,terms,total_weight,requests,request_share,busy_ratio,
/// node,role,cpus,server_class,reservations_granted`. A field that does not apply to a kind is
/// empty. NODE rows give `role` and `cpus` (`cpu:weight`, space-separated); PB rows the pair's
/// processors (`primary`, `backup`) and `reservations_granted`; TCP rows what they always
/// gave (terms space-separated); LCS rows their `pathmon`, processor (`primary`),
/// `server_class`, requests forwarded and reservations granted during the run. Empty (header
/// only) for other scenarios.
pub fn xm_assignment_csv(r: &RunResults) -> Vec<u8> {
    let mut w = Rows::new(
        r,
        &[
            "scenario",
            "seed",
            "kind",
            "name",
            "template",
            "primary",
            "backup",
            "pathmon",
            "pathmon_primary",
            "pathmon_backup",
            "terms",
            "total_weight",
            "requests",
            "request_share",
            "busy_ratio",
            "node",
            "role",
            "cpus",
            "server_class",
            "reservations_granted",
        ],
    );
    let Some(xm) = &r.pathway_xm else {
        return w.finish();
    };
    let cpu = |c: Option<u32>| c.map_or_else(String::new, |c| c.to_string());
    for n in &xm.nodes {
        let cpus: Vec<String> = n.cpus.iter().map(|(c, w)| format!("{c}:{w}")).collect();
        let role = n.role.clone().unwrap_or_default();
        let granted = n.reservations_granted.to_string();
        w.raw(&[
            "node",
            &n.name,
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            &n.name,
            &role,
            &cpus.join(" "),
            "",
            "",
        ]);
        w.raw(&[
            "pb",
            &n.name,
            "",
            &cpu(n.pb_primary),
            &cpu(n.pb_backup),
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            &n.name,
            "",
            "",
            "",
            &granted,
        ]);
    }
    let pathmons: std::collections::BTreeMap<&str, &crate::stats::XmPathmonResult> =
        xm.pathmons.iter().map(|p| (p.name.as_str(), p)).collect();
    for t in &xm.tcps {
        let pm = pathmons.get(t.pathmon.as_str());
        w.raw(&[
            "tcp",
            &t.name,
            &t.template,
            &t.primary.to_string(),
            &cpu(t.backup),
            &t.pathmon,
            &pm.map_or_else(String::new, |p| p.primary.to_string()),
            &cpu(pm.and_then(|p| p.backup)),
            &t.terms.join(" "),
            &t.total_weight.to_string(),
            &t.requests.to_string(),
            &Num::Float(t.request_share).to_string(),
            &Num::Float(t.busy_ratio).to_string(),
            "",
            "",
            "",
            "",
            "",
        ]);
    }
    for l in &xm.lcss {
        w.raw(&[
            "lcs",
            &l.name,
            "",
            &l.processor.to_string(),
            "",
            &l.pathmon,
            "",
            "",
            "",
            "",
            &l.forwarded.to_string(),
            "",
            "",
            "",
            "",
            "",
            &l.class,
            &l.granted.to_string(),
        ]);
    }
    w.finish()
}

/// Headline numbers of several runs, in the given order: `scenario,seed,metric,value` with
/// `throughput_per_s`, `offered_per_s`, `latency_ms_{mean,p50,p90,p99,max}`,
/// `hops_per_request_mean`, `requests_{offered,completed,failed,abandoned,in_flight,syn_drops}`,
/// `pathsend_errors_905`, `busiest_processor`, `busiest_processor_busy_ratio`,
/// `cpuN_busy_ratio` per processor and `link_share[<domain>/<class>/<pathmon>]` [%] per
/// PATHMON of a send target (`-` for no domain).
pub fn comparison_csv(runs: &[RunResults]) -> Vec<u8> {
    let mut w = writer();
    write(&mut w, &["scenario", "seed", "metric", "value"]);
    for r in runs {
        let seed = r.seed.to_string();
        for (metric, value) in headline_metrics(r) {
            write(&mut w, &[&r.scenario, &seed, &metric, &value.to_string()]);
        }
    }
    w.into_inner().expect("flushing into a Vec cannot fail")
}

/// The parameters set on each labelled run: `(label, [(key path, value)])`.
pub type Parameters = [(String, Vec<(String, String)>)];

/// `csv`, whose first column is a run's label, with one `parameter_<key>` column per key any
/// run sets (in the order first met) inserted after that first column, as a sweep's rows
/// carry them: each row gets its run's value, empty where its run does not set the key. The
/// text is unchanged when no run sets a parameter.
pub fn with_parameter_columns(csv: &[u8], parameters: &Parameters) -> Vec<u8> {
    let mut keys: Vec<&str> = Vec::new();
    for (_, set) in parameters {
        for (k, _) in set {
            if !keys.contains(&k.as_str()) {
                keys.push(k);
            }
        }
    }
    if keys.is_empty() {
        return csv.to_vec();
    }
    let mut r = ::csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(csv);
    let mut w = writer();
    for (i, record) in r.records().enumerate() {
        let record = record.expect("reading back a CSV this module wrote cannot fail");
        let mut fields: Vec<String> = Vec::with_capacity(record.len() + keys.len());
        fields.push(record.get(0).unwrap_or_default().to_string());
        if i == 0 {
            fields.extend(keys.iter().map(|k| format!("parameter_{k}")));
        } else {
            let set = parameters
                .iter()
                .find(|(label, _)| label == &fields[0])
                .map(|(_, set)| set.as_slice())
                .unwrap_or_default();
            fields.extend(keys.iter().map(|k| {
                set.iter()
                    .find(|(key, _)| key == k)
                    .map_or(String::new(), |(_, v)| v.clone())
            }));
        }
        fields.extend(record.iter().skip(1).map(str::to_string));
        w.write_record(&fields)
            .expect("writing into a Vec cannot fail");
    }
    w.into_inner().expect("flushing into a Vec cannot fail")
}

/// `-` for an empty name: a path-like component never gets an empty segment.
fn dash_if_empty(s: &str) -> &str {
    if s.is_empty() { "-" } else { s }
}

pub(super) fn writer() -> Writer<Vec<u8>> {
    WriterBuilder::new()
        .terminator(Terminator::Any(b'\n'))
        .from_writer(Vec::new())
}

pub(super) fn write(w: &mut Writer<Vec<u8>>, fields: &[&str]) {
    w.write_record(fields)
        .expect("writing into a Vec cannot fail");
}

/// What the run's faults did, one row per event in time order:
/// `scenario,seed,t_s,fault,target,event,count,message` (`count` and `message` empty where the
/// event has none; `message` is the manual's message number, e.g. PATHMON's takeover, 1077).
/// Then, at the run's end (`t_s` = its simulated time), each fault's tally: one row `failed
/// KIND` per kind of failure it caused (`failed 902/201`, `failed reset`), with its count
/// (the fault's `failed` in `summary.json`; target as in the fault's first row).
/// Written only for runs with faults.
pub fn faults_csv(r: &RunResults) -> Vec<u8> {
    let mut w = Rows::new(
        r,
        &[
            "scenario", "seed", "t_s", "fault", "target", "event", "count", "message",
        ],
    );
    for row in r.faults.iter().flat_map(|f| f.log.iter()) {
        let fields = [
            w.scenario.to_string(),
            w.seed.clone(),
            Num::Float(row.t_s).to_string(),
            row.fault.to_string(),
            row.target.clone(),
            row.event.clone(),
            row.count.map(|c| c.to_string()).unwrap_or_default(),
            row.message.map(|m| m.to_string()).unwrap_or_default(),
        ];
        w.w.write_record(&fields)
            .expect("writing into a Vec cannot fail");
    }
    if let Some(faults) = &r.faults {
        for f in &faults.faults {
            // The fault's target as its first row names it.
            let target = faults
                .log
                .iter()
                .find(|row| row.fault == f.fault)
                .map_or_else(String::new, |row| row.target.clone());
            for (what, n) in &f.failed.0 {
                let fields = [
                    w.scenario.to_string(),
                    w.seed.clone(),
                    Num::Float(r.sim_time_s).to_string(),
                    f.fault.to_string(),
                    target.clone(),
                    format!("failed {what}"),
                    n.to_string(),
                    String::new(),
                ];
                w.w.write_record(&fields)
                    .expect("writing into a Vec cannot fail");
            }
        }
    }
    w.finish()
}

/// A CSV writer whose rows all start with the run's `scenario,seed`.
struct Rows<'a> {
    w: Writer<Vec<u8>>,
    scenario: &'a str,
    seed: String,
}

impl<'a> Rows<'a> {
    fn new(r: &'a RunResults, header: &[&str]) -> Self {
        let mut w = writer();
        write(&mut w, header);
        Rows {
            w,
            scenario: &r.scenario,
            seed: r.seed.to_string(),
        }
    }

    fn metric(&mut self, component: &str, metric: &str, value: Num) {
        let value = value.to_string();
        write(
            &mut self.w,
            &[self.scenario, &self.seed, component, metric, &value],
        );
    }

    fn values(&mut self, values: &[Num]) {
        self.labelled(&[], values);
    }

    /// A row of `scenario,seed`, then `labels` as they are, then `values`.
    fn labelled(&mut self, labels: &[&str], values: &[Num]) {
        let mut fields: Vec<String> = Vec::with_capacity(values.len() + labels.len() + 2);
        fields.push(self.scenario.to_string());
        fields.push(self.seed.clone());
        fields.extend(labels.iter().map(|l| l.to_string()));
        fields.extend(values.iter().map(Num::to_string));
        self.w
            .write_record(&fields)
            .expect("writing into a Vec cannot fail");
    }

    /// A row of `scenario,seed`, then `fields` as they are.
    fn raw(&mut self, fields: &[&str]) {
        self.labelled(fields, &[]);
    }

    fn finish(self) -> Vec<u8> {
        self.w
            .into_inner()
            .expect("flushing into a Vec cannot fail")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::testdata::{sample_results, three_runs};

    fn text(bytes: Vec<u8>) -> String {
        String::from_utf8(bytes).unwrap()
    }

    #[test]
    fn metrics_header_and_rows() {
        let s = text(metrics_csv(&sample_results("fig-3-3")));
        let mut lines = s.lines();
        assert_eq!(lines.next(), Some("scenario,seed,component,metric,value"));
        assert_eq!(lines.next(), Some("fig-3-3,42,system,sim_time_s,60.500000"));
        assert!(s.contains("\nfig-3-3,42,system,events,1234567\n"));
        assert!(s.contains("\nfig-3-3,42,system,requests_offered,30000\n"));
        assert!(s.contains("\nfig-3-3,42,system,conservation_ok,1\n"));
        assert!(s.contains("\nfig-3-3,42,system,connections_per_s,166.666667\n"));
        assert!(s.contains("\nfig-3-3,42,cpu0,busy_ratio,"));
        assert!(s.contains("\nfig-3-3,42,cpu0/tcpip,busy_ratio,0.450000\n"));
        assert!(s.contains("\nfig-3-3,42,$ZTC0,bursts,60000\n"));
        assert!(s.contains("\nfig-3-3,42,listener/$DIST-0,syn_drops,12\n"));
        assert!(s.contains("\nfig-3-3,42,pif/G4SA0.0.A,busy_ratio_out,0.300000\n"));
        assert!(s.contains("\nfig-3-3,42,class/$PM1/SERVER-WRONG,servers,2\n"));
        assert!(s.contains("\nfig-3-3,42,class/$PM1/SERVER-WRONG,errors_904,2\n"));
        assert!(s.contains("\nfig-3-3,42,class/$PM2/SERVER-CORRECT,numstatic,1\n"));
        assert!(s.contains("\nfig-3-3,42,pathmon/%DOM/$PM2/SERVER-WRONG,link_share,47.500000\n"));
        assert!(s.contains("\nfig-3-3,42,pathmon/%DOM/$PM1/SERVER-WRONG,weight,50.000000\n"));
        assert!(s.contains("\nfig-3-3,42,system,pathsend_errors_905,1\n"));
        assert!(!s.contains("//"), "no empty path segment");
        // A class name with a comma is quoted, so the row still has five fields.
        let mut comma = sample_results("fig-3-3");
        comma.server_classes[0].name = "A,B".into();
        let c = text(metrics_csv(&comma));
        assert!(
            c.contains("\nfig-3-3,42,\"class/$PM1/A,B\",servers,10\n"),
            "{c}"
        );
        assert!(!s.contains('\r'));
        assert!(s.ends_with('\n'));
        assert!(!s.contains("wall"), "wall-clock values must not reach CSV");
        assert!(!s.contains("events_per_s"));
        for line in s.lines().skip(1) {
            let fields: Vec<_> = line.split(',').collect();
            if !line.contains('"') {
                assert_eq!(fields.len(), 5, "{line}");
            }
        }
    }

    #[test]
    fn metrics_rows_for_every_class_and_share_in_order() {
        let r = sample_results("a");
        let s = text(metrics_csv(&r));
        let components: Vec<&str> = s
            .lines()
            .skip(1)
            .map(|l| l.split(',').nth(2).unwrap())
            .collect();
        let mut classes: Vec<&str> = components
            .iter()
            .copied()
            .filter(|c| c.starts_with("class/"))
            .collect();
        classes.dedup();
        assert_eq!(
            classes,
            [
                "class/$PM1/SERVER-CORRECT",
                "class/$PM2/SERVER-CORRECT",
                "class/$PM3/SERVER-CORRECT",
                "class/$PM1/SERVER-WRONG",
                "class/$PM2/SERVER-WRONG",
                "class/$PM3/SERVER-WRONG",
            ]
        );
        let shares: Vec<&str> = s
            .lines()
            .filter(|l| l.starts_with("a,42,pathmon/%DOM/$PM3/SERVER-CORRECT,"))
            .map(|l| l.split(',').nth(3).unwrap())
            .collect();
        assert_eq!(
            shares,
            [
                "weight",
                "links_granted",
                "links_held_mean",
                "link_share",
                "deviation_pp",
                "requests",
                "request_share"
            ]
        );
        // Classes before shares before listeners.
        let first = |prefix: &str| {
            components
                .iter()
                .position(|c| c.starts_with(prefix))
                .unwrap()
        };
        assert!(first("class/") < first("pathmon/") && first("pathmon/") < first("listener/"));

        let mut direct = r.clone();
        direct.pathmons[0].domain = None;
        direct.server_classes[0].pathmon.clear();
        let d = text(metrics_csv(&direct));
        assert!(
            d.contains("\na,42,pathmon/-/$PM1/SERVER-CORRECT,link_share,"),
            "{d}"
        );
        assert!(d.contains("\na,42,class/-/SERVER-CORRECT,servers,"), "{d}");
    }

    #[test]
    fn servers_timeline_rows() {
        let r = sample_results("a");
        let s = text(servers_timeline_csv(&r));
        let lines: Vec<_> = s.lines().collect();
        assert_eq!(
            lines[0],
            "scenario,seed,pathmon,server_class,t_s,static_servers,dynamic_servers,links"
        );
        let samples: usize = r.server_classes.iter().map(|c| c.timeline.len()).sum();
        assert_eq!(lines.len(), 1 + samples);
        assert_eq!(lines[1], "a,42,$PM1,SERVER-CORRECT,0.000000,4,0,4");
        assert!(
            lines
                .last()
                .unwrap()
                .starts_with("a,42,$PM3,SERVER-WRONG,60.000000,3,")
        );
        assert_eq!(
            servers_timeline_csv(&r),
            servers_timeline_csv(&sample_results("a"))
        );
    }

    #[test]
    fn metrics_are_byte_stable_and_ignore_wall_clock() {
        let a = sample_results("a");
        let mut b = sample_results("a");
        b.wall_s *= 3.0;
        b.events_per_s /= 3.0;
        assert_eq!(metrics_csv(&a), metrics_csv(&b));
        assert_eq!(histogram_csv(&a), histogram_csv(&b));
        assert_eq!(timeseries_csv(&a), timeseries_csv(&b));
        assert_eq!(servers_timeline_csv(&a), servers_timeline_csv(&b));
    }

    #[test]
    fn histogram_rows() {
        let r = sample_results("a");
        let s = text(histogram_csv(&r));
        let lines: Vec<_> = s.lines().collect();
        assert_eq!(lines[0], "scenario,seed,upper_ms,count,cumulative");
        assert_eq!(lines.len(), 1 + r.latency_histogram.len());
        assert!(lines[1].starts_with("a,42,0.100000,"), "{}", lines[1]);
        assert!(lines.last().unwrap().ends_with(",1.000000"));
    }

    #[test]
    fn timeseries_rows() {
        let r = sample_results("a");
        let s = text(timeseries_csv(&r));
        let lines: Vec<_> = s.lines().collect();
        assert_eq!(
            lines[0],
            "scenario,seed,t_s,throughput_per_s,offered_per_s,latency_ms_mean,latency_ms_p99,failed_per_s,abandoned_per_s"
        );
        assert_eq!(lines.len(), 1 + r.timeseries.len());
        assert_eq!(
            lines[1],
            "a,42,0.000000,0.000000,250.000000,0.000000,0.000000,0.000000,0.000000"
        );
    }

    #[test]
    fn comparison_rows_in_run_order() {
        let s = text(comparison_csv(&three_runs()));
        let lines: Vec<_> = s.lines().collect();
        assert_eq!(lines[0], "scenario,seed,metric,value");
        assert_eq!(
            lines[1],
            "fig-3-3-distributor,42,throughput_per_s,499.800000"
        );
        for metric in [
            "offered_per_s",
            "latency_ms_mean",
            "latency_ms_p50",
            "latency_ms_p90",
            "latency_ms_p99",
            "latency_ms_max",
            "hops_per_request_mean",
            "busiest_processor_busy_ratio",
            "cpu0_busy_ratio",
            "cpu3_busy_ratio",
        ] {
            assert!(
                s.contains(&format!("\nparallel-listener,42,{metric},")),
                "{metric}"
            );
        }
        assert!(s.contains("\ntcpipv6-distributor,42,requests_offered,30000\n"));
        assert!(s.contains("\ntcpipv6-distributor,42,requests_in_flight,7\n"));
        assert!(s.contains("\ntcpipv6-distributor,42,pathsend_errors_905,1\n"));
        assert!(
            s.contains("\nparallel-listener,42,link_share[%DOM/SERVER-WRONG/$PM2],47.500000\n")
        );
        let first = s.find("fig-3-3-distributor,").unwrap();
        let second = s.find("tcpipv6-distributor,").unwrap();
        let third = s.find("parallel-listener,").unwrap();
        assert!(first < second && second < third);
    }

    #[test]
    fn parameter_columns_follow_the_label_and_stay_empty_where_unset() {
        let csv = b"scenario,seed,metric,value\na[x=1],1,m,2\nb,1,m,3\n";
        let params = [
            (
                "a[x=1]".to_string(),
                vec![("x".to_string(), "1".to_string())],
            ),
            ("b".to_string(), Vec::new()),
        ];
        let out = String::from_utf8(with_parameter_columns(csv, &params)).unwrap();
        assert_eq!(
            out,
            "scenario,parameter_x,seed,metric,value\na[x=1],1,1,m,2\nb,,1,m,3\n"
        );
        let none = [("b".to_string(), Vec::new())];
        assert_eq!(with_parameter_columns(csv, &none), csv.to_vec());
    }
}
