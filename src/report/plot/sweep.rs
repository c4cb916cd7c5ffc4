//! Charts of a sweep: one curve per scenario (and combination of the other parameters) on
//! common axes against the offered load (or the swept parameter when the rate is not swept),
//! each point the mean over its replications with its 95 % interval as a vertical bar.
//!
//! - `sweep_latency`: p99 (solid) and mean (dashed) latency; the y axis is logarithmic when
//!   the largest plotted value is more than 100 times the smallest, as latencies past a knee
//!   are;
//! - `sweep_throughput`: completed requests per second, with the offered load as a dotted
//!   diagonal (a curve on it carries all it is offered);
//! - `sweep_utilisation`: the busy percentage of each point's busiest processor.
//!
//! Knees are marked with a ring on the curve.

use plotters::prelude::*;

use super::DrawResult;
use super::kit::{
    Area, Axis, LegendItem, MUTED, SERIES, Swatch, build_chart, draw_legend, item, legend_width,
    no_data, title, with_legend_column,
};
use crate::experiment::sweep::SweepResults;

/// Which sweep chart.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Which {
    /// p99 and mean latency.
    Latency,
    /// Completed against offered.
    Throughput,
    /// The busiest processor's busy percentage.
    Utilisation,
}

impl Which {
    /// File stem.
    pub fn name(self) -> &'static str {
        match self {
            Which::Latency => "sweep_latency",
            Which::Throughput => "sweep_throughput",
            Which::Utilisation => "sweep_utilisation",
        }
    }
}

/// Image size [px].
pub const SIZE: (u32, u32) = (1000, 620);

/// One line: its points `(x, mean, half-width)` in x order, and the index of its knee point.
struct Line {
    label: String,
    colour: RGBColor,
    dashed: bool,
    points: Vec<(f64, f64, f64)>,
    knee: Option<usize>,
}

fn lines(s: &SweepResults, which: Which) -> Vec<Line> {
    let mut out = Vec::new();
    for (i, c) in s.curves.iter().enumerate() {
        let colour = SERIES[i % SERIES.len()];
        let series: &[(&str, &str, bool, f64)] = match which {
            Which::Latency => &[
                ("p99", "latency_ms_p99", false, 1.0),
                ("mean", "latency_ms_mean", true, 1.0),
            ],
            Which::Throughput => &[("completed", "throughput_per_s", false, 1.0)],
            Which::Utilisation => &[("busiest", "busiest_processor_busy_ratio", false, 100.0)],
        };
        let knee = match which {
            Which::Latency => c.knee_p99,
            _ => c.knee_throughput,
        };
        for (name, figure, dashed, scale) in series {
            let points: Vec<(f64, f64, f64)> = c
                .points
                .iter()
                .map(|&p| {
                    let e = s.points[p].estimate(figure);
                    (s.x_value(p), e.mean * scale, e.half_width * scale)
                })
                .collect();
            let label = if series.len() > 1 {
                format!("{} {name}", c.label)
            } else {
                c.label.clone()
            };
            out.push(Line {
                label,
                colour,
                dashed: *dashed,
                knee: knee.and_then(|k| c.points.iter().position(|&p| p == k)),
                points,
            });
        }
    }
    out
}

/// Draws chart `which` of `s` on `root`.
pub(super) fn draw<DB: DrawingBackend>(
    root: &Area<DB>,
    s: &SweepResults,
    which: Which,
) -> DrawResult<DB> {
    let heading = match which {
        Which::Latency => "Latency against load: p99 (solid) and mean (dashed), 95 % intervals",
        Which::Throughput => "Throughput against load: completed, 95 % intervals",
        Which::Utilisation => "Busiest processor against load, 95 % intervals",
    };
    let body = title(root, heading)?;
    let lines = lines(s, which);
    let finite: Vec<(f64, f64, f64)> = lines
        .iter()
        .flat_map(|l| l.points.iter().copied())
        .filter(|(x, y, _)| x.is_finite() && y.is_finite())
        .collect();
    if finite.is_empty() {
        return no_data(&body, "no point has a value to plot");
    }
    let x_lo = finite.iter().map(|p| p.0).fold(f64::INFINITY, f64::min);
    let x_hi = finite.iter().map(|p| p.0).fold(f64::NEG_INFINITY, f64::max);
    let top = |p: &(f64, f64, f64)| p.1 + if p.2.is_finite() { p.2 } else { 0.0 };
    let y_hi = finite.iter().map(top).fold(f64::NEG_INFINITY, f64::max);
    let y_min_pos = finite
        .iter()
        .map(|p| p.1)
        .filter(|v| *v > 0.0)
        .fold(f64::INFINITY, f64::min);
    let log = which == Which::Latency && y_min_pos.is_finite() && y_hi / y_min_pos > 100.0;
    let x = Axis::linear(
        if x_lo == x_hi { x_lo - 1.0 } else { x_lo },
        if x_lo == x_hi { x_hi + 1.0 } else { x_hi },
        8,
    );
    let y = match which {
        _ if log => Axis::log(y_min_pos, y_hi),
        Which::Utilisation => Axis::linear(0.0, 100.0, 10),
        Which::Throughput => Axis::linear(0.0, y_hi.max(x_hi), 8),
        Which::Latency => Axis::linear(0.0, y_hi, 8),
    };
    let y_desc = match which {
        Which::Latency => "latency [ms]",
        Which::Throughput => "completed [requests/s]",
        Which::Utilisation => "busiest processor busy [%]",
    };
    let mut items: Vec<LegendItem> = lines
        .iter()
        .map(|l| {
            let sw = if l.dashed {
                Swatch::Dashed(l.colour)
            } else {
                Swatch::Line(l.colour)
            };
            item(l.label.clone(), sw)
        })
        .collect();
    if which == Which::Throughput {
        items.push(item("offered", Swatch::Dashed(MUTED)));
    }
    let legend_w = legend_width(&body, Some("curve"), &items)?.min(420);
    let (plot_area, legend_area) = with_legend_column(&body, legend_w);
    let x_title = s.x_title();
    let mut chart = build_chart(&plot_area, &x, &y, &x_title, y_desc, 56, None)?;
    let clamp = |v: f64| v.max(y.lo.min(y.hi));
    let yc = |v: f64| {
        if log {
            if v > 0.0 { y.at(v) } else { y.lo }
        } else {
            v
        }
    };
    if which == Which::Throughput {
        let diag: Vec<(f64, f64)> = [x.lo, x.hi].iter().map(|&v| (v, v.min(y.hi))).collect();
        chart.draw_series(DashedLineSeries::new(diag, 4, 4, MUTED.stroke_width(1)))?;
    }
    for l in &lines {
        let pts: Vec<(f64, f64)> = l
            .points
            .iter()
            .filter(|p| p.0.is_finite() && p.1.is_finite())
            .map(|p| (p.0, clamp(yc(p.1))))
            .collect();
        let style = l.colour.stroke_width(2);
        if l.dashed {
            chart.draw_series(DashedLineSeries::new(pts.clone(), 8, 5, style))?;
        } else {
            chart.draw_series(LineSeries::new(pts.clone(), style))?;
        }
        chart.draw_series(
            pts.iter()
                .map(|&(px, py)| Circle::new((px, py), 3, l.colour.filled())),
        )?;
        for p in &l.points {
            if p.0.is_finite() && p.1.is_finite() && p.2.is_finite() && p.2 > 0.0 {
                let (a, b) = (clamp(yc(p.1 - p.2)), clamp(yc(p.1 + p.2)));
                chart.draw_series(std::iter::once(PathElement::new(
                    vec![(p.0, a), (p.0, b)],
                    l.colour.stroke_width(1),
                )))?;
            }
        }
        if let Some(k) = l.knee
            && let Some(p) = l.points.get(k)
            && p.0.is_finite()
            && p.1.is_finite()
        {
            chart.draw_series(std::iter::once(Circle::new(
                (p.0, clamp(yc(p.1))),
                8,
                l.colour.stroke_width(2),
            )))?;
        }
    }
    draw_legend(&legend_area, Some("curve (ring: knee)"), &items, 20)
}
