//! CSV exporters: stable columns, fixed float format (`{:.6}`), `\n` line endings.
//!
//! Every file starts with `scenario,seed` so files of several runs can be concatenated (minus
//! their headers) and still be told apart. Metrics are in long format (one number per row), so
//! adding a metric never changes a column. The `csv` crate quotes names that contain commas or
//! quotes. Wall-clock values never appear here: two runs with one seed give identical bytes.

use ::csv::{Terminator, Writer, WriterBuilder};

use super::{Num, busiest_processor, conservation_ok, headline_metrics};
use crate::stats::RunResults;

/// Every number of the summary except the wall-clock ones, one per row:
/// `scenario,seed,component,metric,value`.
///
/// Components, in this order: `system`; `cpuN` and `cpuN/<kind>` per processor; each process by
/// its name (`$ZTC3`, `A-0`); `class/<name>` per server class; `listener/<name>` per listener
/// instance; `pif/<name>` per LAN adapter port.
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
        ("requests_completed", Int(q.completed)),
        ("requests_failed", Int(q.failed)),
        ("requests_in_flight", Int(q.in_flight)),
        ("requests_syn_drops", Int(q.syn_drops)),
        ("requests_measured", Int(q.measured)),
        ("conservation_ok", Int(u64::from(conservation_ok(r)))),
        ("throughput_per_s", Float(r.throughput_per_s)),
        ("offered_per_s", Float(r.offered_per_s)),
        ("connections_per_s", Float(r.connections_per_s)),
        ("latency_ms_mean", Float(l.mean)),
        ("latency_ms_sd", Float(l.sd)),
        ("latency_ms_p50", Float(l.p50)),
        ("latency_ms_p90", Float(l.p90)),
        ("latency_ms_p99", Float(l.p99)),
        ("latency_ms_p999", Float(l.p999)),
        ("latency_ms_max", Float(l.max)),
        ("hops_per_request_mean", Float(r.hops_per_request_mean)),
    ];
    if let Some(p) = busiest_processor(r) {
        system.push(("busiest_processor", Int(u64::from(p.id))));
    }
    for (metric, value) in system {
        w.metric("system", metric, value);
    }
    for p in &r.processors {
        let cpu = format!("cpu{}", p.id);
        w.metric(&cpu, "busy_ratio", Float(p.busy_ratio));
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
        let name = format!("class/{}", c.name);
        w.metric(&name, "servers", Int(u64::from(c.servers)));
        w.metric(&name, "completed", Int(c.completed));
        w.metric(&name, "latency_ms_mean", Float(c.latency_ms_mean));
        w.metric(&name, "queue_wait_ms_mean", Float(c.queue_wait_ms_mean));
        w.metric(&name, "queue_length_mean", Float(c.queue_length_mean));
        w.metric(&name, "queue_length_max", Int(c.queue_length_max));
        w.metric(&name, "server_busy_ratio", Float(c.server_busy_ratio));
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
/// latency_ms_p99`, one row per sample interval (`t_s` is its start), warm-up included.
pub fn timeseries_csv(r: &RunResults) -> Vec<u8> {
    let mut w = Rows::new(
        r,
        &[
            "scenario",
            "seed",
            "t_s",
            "throughput_per_s",
            "offered_per_s",
            "latency_ms_mean",
            "latency_ms_p99",
        ],
    );
    for s in &r.timeseries {
        w.values(&[
            Num::Float(s.t_s),
            Num::Float(s.throughput_per_s),
            Num::Float(s.offered_per_s),
            Num::Float(s.latency_ms_mean),
            Num::Float(s.latency_ms_p99),
        ]);
    }
    w.finish()
}

/// Headline numbers of several runs, in the given order: `scenario,seed,metric,value` with
/// `throughput_per_s`, `offered_per_s`, `latency_ms_{mean,p50,p90,p99,max}`,
/// `hops_per_request_mean`, `requests_{offered,completed,failed,in_flight,syn_drops}`,
/// `busiest_processor`, `busiest_processor_busy_ratio` and `cpuN_busy_ratio` per processor.
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

fn writer() -> Writer<Vec<u8>> {
    WriterBuilder::new()
        .terminator(Terminator::Any(b'\n'))
        .from_writer(Vec::new())
}

fn write(w: &mut Writer<Vec<u8>>, fields: &[&str]) {
    w.write_record(fields)
        .expect("writing into a Vec cannot fail");
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
        let mut fields: Vec<String> = Vec::with_capacity(values.len() + 2);
        fields.push(self.scenario.to_string());
        fields.push(self.seed.clone());
        fields.extend(values.iter().map(Num::to_string));
        self.w
            .write_record(&fields)
            .expect("writing into a Vec cannot fail");
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
        // A class name with a comma is quoted, so the row still has five fields.
        assert!(
            s.contains("\nfig-3-3,42,\"class/A,B\",queue_length_max,9\n"),
            "{s}"
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
    fn metrics_are_byte_stable_and_ignore_wall_clock() {
        let a = sample_results("a");
        let mut b = sample_results("a");
        b.wall_s *= 3.0;
        b.events_per_s /= 3.0;
        assert_eq!(metrics_csv(&a), metrics_csv(&b));
        assert_eq!(histogram_csv(&a), histogram_csv(&b));
        assert_eq!(timeseries_csv(&a), timeseries_csv(&b));
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
            "scenario,seed,t_s,throughput_per_s,offered_per_s,latency_ms_mean,latency_ms_p99"
        );
        assert_eq!(lines.len(), 1 + r.timeseries.len());
        assert_eq!(
            lines[1],
            "a,42,0.000000,0.000000,250.000000,0.000000,0.000000"
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
        let first = s.find("fig-3-3-distributor,").unwrap();
        let second = s.find("tcpipv6-distributor,").unwrap();
        let third = s.find("parallel-listener,").unwrap();
        assert!(first < second && second < third);
    }
}
