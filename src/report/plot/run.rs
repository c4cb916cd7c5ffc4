//! Charts of one run: the latency CDF with p50 and p99 marked, throughput and latency over
//! time with the warm-up and the drain shaded and the configured rate beside the measured one
//! (each panel on a log axis when its values span more than a factor of 100), and processor
//! utilisation stacked by process kind.

use plotters::prelude::*;

use super::DrawResult;
use super::kit::{
    Area, Axis, Curve, DRAIN, Guide, INK, LegendItem, OKABE_BLUE, OKABE_GREEN, OKABE_ORANGE,
    OKABE_VERMILLION, SERIES, Swatch, WARMUP, build_chart, cdf_points, draw_cdf, draw_legend,
    fmt_sig3, item, kind_legend, legend_width, no_data, shade_drain, shade_warmup, title,
    utilisation_panel, with_legend_column,
};
use crate::report::{kind_order, no_window};
use crate::stats::{RunResults, TimeSample};

pub(super) fn latency_cdf<DB: DrawingBackend>(root: &Area<DB>, r: &RunResults) -> DrawResult<DB> {
    let body = title(
        root,
        &format!(
            "{}: end-to-end latency CDF ({} measured requests)",
            r.scenario, r.requests.measured
        ),
    )?;
    let l = &r.latency_ms;
    let curve = Curve {
        label: "latency CDF".into(),
        colour: OKABE_BLUE,
        dashed: false,
        points: cdf_points(r),
    };
    let guides = [
        Guide {
            label: format!("p50 = {} ms", fmt_sig3(l.p50)),
            colour: OKABE_GREEN,
            fraction: 0.5,
            latency_ms: l.p50,
        },
        Guide {
            label: format!("p99 = {} ms", fmt_sig3(l.p99)),
            colour: OKABE_VERMILLION,
            fraction: 0.99,
            latency_ms: l.p99,
        },
    ];
    draw_cdf(&body, &[curve], &guides, None)
}

// ---------------------------------------------------------------------------------------------
// Throughput and latency over time

/// When arrivals stopped [s]: the end of the measurement window (`None` without one).
fn arrivals_end_s(r: &RunResults) -> Option<f64> {
    (!no_window(r) && r.measured_s > 0.0).then_some(r.warmup_s + r.measured_s)
}

pub(super) fn throughput_latency<DB: DrawingBackend>(
    root: &Area<DB>,
    r: &RunResults,
) -> DrawResult<DB> {
    let body = title(
        root,
        &format!("{}: throughput and latency over time", r.scenario),
    )?;
    let ts = &r.timeseries;
    if ts.is_empty() {
        return no_data(&body, "no time series recorded");
    }
    // Rates and latencies describe an interval; plot them at its middle.
    let dt = if ts.len() >= 2 {
        ts[1].t_s - ts[0].t_s
    } else {
        (r.sim_time_s - ts[0].t_s).max(1.0)
    };
    let end = ts[ts.len() - 1].t_s + dt;
    let x = Axis::linear(0.0, end, 12);
    let mid = |t: f64| t + dt / 2.0;
    // The drain after arrivals stop is shaded; whether a panel needs a log axis is judged
    // before it, where the run is what it was configured to be (in the drain, throughput falls
    // to nothing by design).
    let stop = arrivals_end_s(r);
    // The run ends when the drain is over or the system empty, whichever comes first.
    let ran_to = r.sim_time_s.min(end);
    let drain = stop.is_some_and(|s| s < ran_to - 1e-9);
    let before_stop = |s: &&TimeSample| stop.is_none_or(|stop| s.t_s < stop - 1e-9);

    // A time-varying workload draws its configured rate per interval (what the profile, the
    // MMPP state path or the trace asked for); a constant one, its configured rate until
    // arrivals stopped. Beside what arrived and what completed.
    let varying = ts.iter().any(|s| s.configured_per_s.is_some());
    let constant = r.configured_per_s.filter(|c| !varying && *c > 0.0);
    let configured = varying || constant.is_some();
    let mut top_items = vec![
        item("completed", Swatch::Line(OKABE_BLUE)),
        item("offered", Swatch::Dashed(OKABE_ORANGE)),
    ];
    if configured {
        top_items.push(item("configured", Swatch::Line(OKABE_GREEN)));
    }
    // Failures and abandonments, when the run has any: where overload starts to hurt.
    let failed = ts.iter().any(|s| s.failed_per_s > 0.0);
    let abandoned = ts.iter().any(|s| s.abandoned_per_s > 0.0);
    if failed {
        top_items.push(item("failed", Swatch::Line(OKABE_VERMILLION)));
    }
    if abandoned {
        top_items.push(item("of which abandoned", Swatch::Dashed(SERIES[4])));
    }
    let faults = super::kit::fault_marks(r);
    let bands = |items: &mut Vec<LegendItem>| {
        if !faults.is_empty() {
            items.push(item("fault", Swatch::Dashed(INK)));
        }
        items.push(item("warm-up", Swatch::Fill(WARMUP)));
        if drain {
            items.push(item("drain (arrivals stopped)", Swatch::Fill(DRAIN)));
        }
    };
    bands(&mut top_items);
    let mut bottom_items = vec![
        item("p99", Swatch::Line(OKABE_VERMILLION)),
        item("mean", Swatch::Line(OKABE_BLUE)),
    ];
    bands(&mut bottom_items);
    // One legend width for both panels keeps their plotting areas, and so their x axes, aligned.
    let legend_w =
        legend_width(&body, None, &top_items)?.max(legend_width(&body, None, &bottom_items)?);
    let (_, h) = body.dim_in_pixel();
    let (top, bottom) = body.split_vertically((h as i32 - 30) / 2);

    // Top panel: throughput.
    let (top_plot, top_legend) = with_legend_column(&top, legend_w);
    let rates = |s: &TimeSample| {
        [
            s.throughput_per_s,
            s.offered_per_s,
            s.configured_per_s.or(constant).unwrap_or(0.0),
            s.failed_per_s,
            s.abandoned_per_s,
        ]
    };
    let y = Axis::for_values_up_to(
        ts.iter().filter(before_stop).flat_map(rates),
        ts.iter().flat_map(rates).fold(0.0, f64::max),
        1.05,
        6,
    );
    let mut chart = build_chart(
        &top_plot,
        &x,
        &y,
        "",
        &y.desc("throughput [requests/s]"),
        34,
        None,
    )?;
    shade_warmup(&top_plot, &mut chart, &x, &y, r.warmup_s)?;
    if let (true, Some(stop)) = (drain, stop) {
        shade_drain(&top_plot, &mut chart, &x, &y, (stop, ran_to))?;
    }
    super::kit::mark_faults(&top_plot, &mut chart, &x, &y, &faults)?;
    let series = |value: fn(&TimeSample) -> f64| -> Vec<(f64, f64)> {
        ts.iter().map(|s| (mid(s.t_s), value(s))).collect()
    };
    for line in y.lines(&series(|s| s.offered_per_s)) {
        chart.draw_series(DashedLineSeries::new(
            line,
            8,
            5,
            OKABE_ORANGE.stroke_width(2),
        ))?;
    }
    if varying {
        // A mean over each interval: drawn as steps, so a step in the profile stays a step.
        let steps: Vec<(f64, f64)> = ts
            .iter()
            .flat_map(|s| {
                let c = s.configured_per_s.unwrap_or(0.0);
                [(s.t_s, c), (s.t_s + dt, c)]
            })
            .collect();
        for line in y.lines(&steps) {
            chart.draw_series(LineSeries::new(line, OKABE_GREEN.stroke_width(2)))?;
        }
    }
    if let Some(c) = constant {
        let until = stop.unwrap_or(end).min(end);
        chart.draw_series(LineSeries::new(
            [(x.lo, y.at_clamped(c)), (until, y.at_clamped(c))],
            OKABE_GREEN.stroke_width(2),
        ))?;
    }
    if failed {
        for line in y.lines(&series(|s| s.failed_per_s)) {
            chart.draw_series(LineSeries::new(line, OKABE_VERMILLION.stroke_width(2)))?;
        }
    }
    if abandoned {
        for line in y.lines(&series(|s| s.abandoned_per_s)) {
            chart.draw_series(DashedLineSeries::new(line, 8, 5, SERIES[4].stroke_width(2)))?;
        }
    }
    for line in y.lines(&series(|s| s.throughput_per_s)) {
        chart.draw_series(LineSeries::new(line, OKABE_BLUE.stroke_width(2)))?;
    }
    draw_legend(&top_legend, None, &top_items, 14)?;

    // Bottom panel: latency. Intervals without completions have no latency (0 in the data);
    // they break the line instead of dragging it to zero.
    let (bottom_plot, bottom_legend) = with_legend_column(&bottom, legend_w);
    let latencies = |s: &TimeSample| [s.latency_ms_p99, s.latency_ms_mean];
    let y = Axis::for_values_up_to(
        ts.iter().filter(before_stop).flat_map(latencies),
        ts.iter().flat_map(latencies).fold(0.0, f64::max),
        1.05,
        6,
    );
    let mut chart = build_chart(
        &bottom_plot,
        &x,
        &y,
        "time [s]",
        &y.desc("latency [ms]"),
        60,
        None,
    )?;
    shade_warmup(&bottom_plot, &mut chart, &x, &y, r.warmup_s)?;
    if let (true, Some(stop)) = (drain, stop) {
        shade_drain(&bottom_plot, &mut chart, &x, &y, (stop, ran_to))?;
    }
    super::kit::mark_faults(&bottom_plot, &mut chart, &x, &y, &faults)?;
    type Value = fn(&TimeSample) -> f64;
    let series: [(Value, RGBColor); 2] = [
        (|s| s.latency_ms_mean, OKABE_BLUE),
        (|s| s.latency_ms_p99, OKABE_VERMILLION),
    ];
    for (value, colour) in series {
        for run in ts.split(|s| value(s) <= 0.0).filter(|run| !run.is_empty()) {
            let points: Vec<_> = run
                .iter()
                .map(|s| (mid(s.t_s), y.at_clamped(value(s))))
                .collect();
            if points.len() == 1 {
                chart.draw_series(std::iter::once(Circle::new(points[0], 3, colour.filled())))?;
            } else {
                chart.draw_series(LineSeries::new(points, colour.stroke_width(2)))?;
            }
        }
    }
    draw_legend(&bottom_legend, None, &bottom_items, 14)
}

// ---------------------------------------------------------------------------------------------
// Utilisation

pub(super) fn utilisation<DB: DrawingBackend>(root: &Area<DB>, r: &RunResults) -> DrawResult<DB> {
    let body = title(
        root,
        &format!("{}: processor utilisation by process kind", r.scenario),
    )?;
    let kinds = kind_order([r]);
    let items = kind_legend(&kinds);
    let heading = Some("process kind");
    let (plot_area, legend_area) = with_legend_column(&body, legend_width(&body, heading, &items)?);
    utilisation_panel(&plot_area, r, &kinds, None)?;
    draw_legend(&legend_area, heading, &items, 14)
}
#[cfg(test)]
mod tests {
    use crate::report::Plot;
    use crate::report::testdata::{sample_results, sixteen_cpus};

    /// Whether a chart's SVG has a text element saying exactly `text`.
    fn has(svg: &str, text: &str) -> bool {
        svg.contains(&format!(">\n{text}\n<"))
    }

    #[test]
    fn a_run_with_clims_draws_a_bar_per_clim_of_kind_clim() {
        let mut r = sample_results("cip");
        let svg = Plot::Utilisation(&r).to_svg().unwrap();
        assert!(!has(&svg, "C1002531") && !has(&svg, "clim"));
        r.clims.push(crate::stats::ClimResult {
            name: "C1002531".into(),
            cores: 8,
            busy_ratio: 0.25,
        });
        let svg = Plot::Utilisation(&r).to_svg().unwrap();
        assert!(has(&svg, "C1002531"), "the CLIM's bar is labelled");
        assert!(has(&svg, "clim"), "its kind is in the legend");
        assert!(has(&svg, "25"), "its busy percentage is written");
        assert!(has(&svg, "processor, CLIM"));
    }

    #[test]
    fn a_chart_whose_values_span_more_than_100x_uses_log_y() {
        let mut r = sample_results("span");
        let stop = r.warmup_s + r.measured_s;
        let before: Vec<usize> = (0..r.timeseries.len())
            .filter(|&i| r.timeseries[i].t_s < stop)
            .collect();
        assert!(
            before.len() >= 2,
            "the sample run has intervals before arrivals stop"
        );
        // As recorded: latency within a factor of 100, linear.
        let svg = Plot::ThroughputLatency(&r).to_svg().unwrap();
        assert!(has(&svg, "latency [ms]"), "linear latency axis expected");
        // One interval's p99 300 times the mean of another: log.
        let mean = r.timeseries[before[1]].latency_ms_mean;
        assert!(mean > 0.0);
        r.timeseries[before[2]].latency_ms_p99 = 300.0 * mean;
        let svg = Plot::ThroughputLatency(&r).to_svg().unwrap();
        assert!(has(&svg, "latency [ms], log scale"), "no log y");
        // The latency bars of a comparison: p99 over 100 times p50.
        let mut slow = r.clone();
        slow.latency_ms.p99 = 150.0 * slow.latency_ms.p50;
        let svg = Plot::CompareLatency(&[r.clone(), slow]).to_svg().unwrap();
        assert!(has(&svg, "latency [ms], log scale"), "no log y on the bars");
        let svg = Plot::CompareLatency(std::slice::from_ref(&r))
            .to_svg()
            .unwrap();
        assert!(has(&svg, "latency [ms]"));
    }

    #[test]
    fn the_drain_is_shaded_and_the_configured_rate_drawn() {
        let mut r = sample_results("drain");
        for s in &mut r.timeseries {
            s.configured_per_s = None;
        }
        r.configured_per_s = Some(500.0);
        // Arrivals stop at 55 s; the series runs to 60 s.
        r.measured_s = 45.0;
        let svg = Plot::ThroughputLatency(&r).to_svg().unwrap();
        assert!(
            has(&svg, "drain (arrivals stopped)"),
            "drain not in the legend"
        );
        assert!(has(&svg, "drain"), "drain band not labelled");
        assert!(has(&svg, "configured"), "configured rate not drawn");
        // The comparison's throughput bars carry it too, and leave it out for closed clients.
        let svg = Plot::CompareThroughput(std::slice::from_ref(&r))
            .to_svg()
            .unwrap();
        assert!(has(&svg, "configured"));
        r.configured_per_s = None;
        let svg = Plot::CompareThroughput(std::slice::from_ref(&r))
            .to_svg()
            .unwrap();
        assert!(!has(&svg, "configured"));
    }

    #[test]
    fn many_processors_still_render() {
        let r = sixteen_cpus();
        let svg = Plot::Utilisation(&r).to_svg().unwrap();
        assert!(
            svg.contains("cpu15"),
            "sixteen processors fit as cpuN in 1000 px"
        );
    }
}
