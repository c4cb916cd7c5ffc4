//! Charts of one run: the latency CDF with p50 and p99 marked, throughput and latency over
//! time with the warm-up shaded, and processor utilisation stacked by process kind.

use plotters::prelude::*;

use super::DrawResult;
use super::kit::{
    Area, Axis, Curve, Guide, OKABE_BLUE, OKABE_GREEN, OKABE_ORANGE, OKABE_VERMILLION, SERIES,
    Swatch, WARMUP, build_chart, cdf_points, draw_cdf, draw_legend, fmt_sig3, item, kind_legend,
    legend_width, no_data, shade_warmup, title, utilisation_panel, with_legend_column,
};
use crate::report::kind_order;
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

    // A time-varying workload also draws its configured rate: what the profile, the MMPP
    // state path or the trace asked for, beside what arrived and what completed.
    let configured = ts.iter().any(|s| s.configured_per_s.is_some());
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
    top_items.push(item("warm-up", Swatch::Fill(WARMUP)));
    let bottom_items = vec![
        item("p99", Swatch::Line(OKABE_VERMILLION)),
        item("mean", Swatch::Line(OKABE_BLUE)),
        item("warm-up", Swatch::Fill(WARMUP)),
    ];
    // One legend width for both panels keeps their plotting areas, and so their x axes, aligned.
    let legend_w =
        legend_width(&body, None, &top_items)?.max(legend_width(&body, None, &bottom_items)?);
    let (_, h) = body.dim_in_pixel();
    let (top, bottom) = body.split_vertically((h as i32 - 30) / 2);

    // Top panel: throughput.
    let (top_plot, top_legend) = with_legend_column(&top, legend_w);
    let peak = ts
        .iter()
        .map(|s| {
            s.throughput_per_s
                .max(s.offered_per_s)
                .max(s.configured_per_s.unwrap_or(0.0))
        })
        .fold(0.0, f64::max);
    let y = Axis::linear(0.0, peak * 1.05, 6);
    let mut chart = build_chart(&top_plot, &x, &y, "", "throughput [requests/s]", 34, None)?;
    shade_warmup(&top_plot, &mut chart, &x, &y, r.warmup_s)?;
    chart.draw_series(DashedLineSeries::new(
        ts.iter()
            .map(|s| (mid(s.t_s), s.offered_per_s))
            .collect::<Vec<_>>(),
        8,
        5,
        OKABE_ORANGE.stroke_width(2),
    ))?;
    if configured {
        // A mean over each interval: drawn as steps, so a step in the profile stays a step.
        let steps: Vec<(f64, f64)> = ts
            .iter()
            .flat_map(|s| {
                let c = s.configured_per_s.unwrap_or(0.0);
                [(s.t_s, c), (s.t_s + dt, c)]
            })
            .collect();
        chart.draw_series(LineSeries::new(steps, OKABE_GREEN.stroke_width(2)))?;
    }
    if failed {
        chart.draw_series(LineSeries::new(
            ts.iter().map(|s| (mid(s.t_s), s.failed_per_s)),
            OKABE_VERMILLION.stroke_width(2),
        ))?;
    }
    if abandoned {
        chart.draw_series(DashedLineSeries::new(
            ts.iter()
                .map(|s| (mid(s.t_s), s.abandoned_per_s))
                .collect::<Vec<_>>(),
            8,
            5,
            SERIES[4].stroke_width(2),
        ))?;
    }
    chart.draw_series(LineSeries::new(
        ts.iter().map(|s| (mid(s.t_s), s.throughput_per_s)),
        OKABE_BLUE.stroke_width(2),
    ))?;
    draw_legend(&top_legend, None, &top_items, 14)?;

    // Bottom panel: latency. Intervals without completions have no latency (0 in the data);
    // they break the line instead of dragging it to zero.
    let (bottom_plot, bottom_legend) = with_legend_column(&bottom, legend_w);
    let peak = ts
        .iter()
        .map(|s| s.latency_ms_p99.max(s.latency_ms_mean))
        .fold(0.0, f64::max);
    let y = Axis::linear(0.0, peak * 1.05, 6);
    let mut chart = build_chart(&bottom_plot, &x, &y, "time [s]", "latency [ms]", 60, None)?;
    shade_warmup(&bottom_plot, &mut chart, &x, &y, r.warmup_s)?;
    type Value = fn(&TimeSample) -> f64;
    let series: [(Value, RGBColor); 2] = [
        (|s| s.latency_ms_mean, OKABE_BLUE),
        (|s| s.latency_ms_p99, OKABE_VERMILLION),
    ];
    for (value, colour) in series {
        for run in ts.split(|s| value(s) <= 0.0).filter(|run| !run.is_empty()) {
            let points: Vec<_> = run.iter().map(|s| (mid(s.t_s), value(s))).collect();
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
    use crate::report::testdata::sixteen_cpus;

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
