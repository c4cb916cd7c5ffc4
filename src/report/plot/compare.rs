//! Charts comparing several runs (topologies, stacks, listener models), in the order given.
//!
//! Scenario names go on the x axis (wrapped to fit, see `kit::CategoryLabels`) or in the
//! legend; every scenario keeps the same colour in the CDF chart and the same panel position in
//! the utilisation chart as its column in `comparison_table`.

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::DrawResult;
use super::kit::{
    Area, Axis, CategoryLabels, Curve, LegendItem, MUTED, OKABE_GREEN, SERIES, Swatch, build_chart,
    cdf_points, draw_cdf, draw_legend, fmt_sig3, font, item, kind_legend, legend_width, no_data,
    slot_width, title, utilisation_panel, with_legend_column,
};
use crate::experiment::Replicated;
use crate::report::{kind_order, no_window, sample};
use crate::stats::RunResults;

/// One bar of each group: a label, a colour and how to read the value from a run.
struct BarSeries {
    label: &'static str,
    colour: RGBColor,
    /// The headline metric it shows (`comparison.csv` name), for replicated experiments.
    metric: &'static str,
    value: fn(&RunResults) -> f64,
    /// How the value is printed above its bar.
    text: fn(f64) -> String,
}

/// A rate over the measurement window, or NaN (drawn `n/a`) when the run ended before its
/// warm-up did.
fn window(r: &RunResults, per_s: f64) -> f64 {
    if no_window(r) { f64::NAN } else { per_s }
}

/// Throughput to a tenth of a request per second: 499.8 and 500 must not look the same.
fn one_decimal(v: f64) -> String {
    format!("{v:.1}")
}

fn latency_series() -> Vec<BarSeries> {
    vec![
        BarSeries {
            label: "p50",
            metric: "latency_ms_p50",
            colour: RGBColor(0x9E, 0xCA, 0xE1),
            value: |r| sample(r, r.latency_ms.p50),
            text: fmt_sig3,
        },
        BarSeries {
            label: "p90",
            metric: "latency_ms_p90",
            colour: RGBColor(0x42, 0x92, 0xC6),
            value: |r| sample(r, r.latency_ms.p90),
            text: fmt_sig3,
        },
        BarSeries {
            label: "p99",
            metric: "latency_ms_p99",
            colour: RGBColor(0x08, 0x45, 0x94),
            value: |r| sample(r, r.latency_ms.p99),
            text: fmt_sig3,
        },
    ]
}

/// What differs between the two grouped-bar charts of headline metrics (latency
/// percentiles, throughput), drawn for single runs ([`bars`]) or, with error bars, for
/// replicated scenarios ([`bars_ci`]).
pub(super) struct Bars {
    title: &'static str,
    /// Appended to the title of the replicated chart.
    ci_suffix: &'static str,
    series: fn() -> Vec<BarSeries>,
    y_desc: &'static str,
    legend_heading: Option<&'static str>,
}

/// p50, p90 and p99 latency per scenario.
pub(super) const LATENCY: Bars = Bars {
    title: "End-to-end latency percentiles by scenario",
    ci_suffix: " (mean of replications, 95 % interval)",
    series: latency_series,
    y_desc: "latency [ms]",
    legend_heading: Some("percentile"),
};

/// Configured (open workloads), offered and completed throughput per scenario.
pub(super) const THROUGHPUT: Bars = Bars {
    title: "Throughput configured, offered and completed by scenario (measurement window)",
    ci_suffix: ", 95 % interval",
    series: throughput_series,
    y_desc: "throughput [requests/s]",
    legend_heading: None,
};

/// Image size [px] of a [`Bars`] chart of `n` scenarios: wider as scenarios are added.
pub(super) fn bars_size(n: usize) -> (u32, u32) {
    (1000.max(260 + 150 * n as u32), 600)
}

/// The `which` chart of single runs, one group of bars per run.
pub(super) fn bars<DB: DrawingBackend>(
    root: &Area<DB>,
    runs: &[RunResults],
    which: &Bars,
) -> DrawResult<DB> {
    let series = wanted((which.series)(), runs.iter());
    let (names, values) = of_runs(runs, &series);
    grouped_bars(root, which.title, &names, &values, &series, which)
}

/// [`bars`] of replicated scenarios: each bar the mean over the replications, with its
/// 95 % interval as an error bar.
pub(super) fn bars_ci<DB: DrawingBackend>(
    root: &Area<DB>,
    groups: &[Replicated],
    which: &Bars,
) -> DrawResult<DB> {
    let series = wanted((which.series)(), groups.iter().flat_map(|g| &g.runs));
    let (names, values) = of_groups(groups, &series);
    // One scenario (a replicated run's own plot) is named in the title, not "by scenario".
    let title = match groups {
        [g] => {
            let what = which.title.replacen(" by scenario", "", 1);
            let mut chars = what.chars();
            let first = chars.next().map(|c| c.to_ascii_lowercase());
            format!(
                "{}: {}{}{}",
                g.label,
                first.map(String::from).unwrap_or_default(),
                chars.as_str(),
                which.ci_suffix
            )
        }
        _ => format!("{}{}", which.title, which.ci_suffix),
    };
    grouped_bars(root, &title, &names, &values, &series, which)
}

/// `series` less the configured rate when no run has one (closed clients only): a bar that
/// would be `n/a` everywhere says nothing.
fn wanted<'a>(
    mut series: Vec<BarSeries>,
    mut runs: impl Iterator<Item = &'a RunResults>,
) -> Vec<BarSeries> {
    if !runs.any(|r| r.configured_per_s.is_some()) {
        series.retain(|s| s.metric != "configured_per_s");
    }
    series
}

/// Names and (value, no half-width) of each series of each run.
fn of_runs(runs: &[RunResults], series: &[BarSeries]) -> (Vec<String>, Vec<Vec<(f64, f64)>>) {
    let names = runs.iter().map(|r| r.scenario.clone()).collect();
    let values = runs
        .iter()
        .map(|r| series.iter().map(|s| ((s.value)(r), f64::NAN)).collect())
        .collect();
    (names, values)
}

/// Labels and (mean, half-width) of each series of each replicated scenario.
fn of_groups(groups: &[Replicated], series: &[BarSeries]) -> (Vec<String>, Vec<Vec<(f64, f64)>>) {
    let names = groups.iter().map(|g| g.label.clone()).collect();
    let values = groups
        .iter()
        .map(|g| {
            let rows = g.metrics();
            series
                .iter()
                .map(|s| {
                    rows.iter()
                        .find(|m| m.name == s.metric)
                        .map_or((f64::NAN, f64::NAN), |m| {
                            (m.estimate.mean, m.estimate.half_width)
                        })
                })
                .collect()
        })
        .collect();
    (names, values)
}

fn throughput_series() -> Vec<BarSeries> {
    vec![
        BarSeries {
            label: "configured",
            metric: "configured_per_s",
            colour: OKABE_GREEN,
            value: |r| r.configured_per_s.unwrap_or(f64::NAN),
            text: one_decimal,
        },
        BarSeries {
            label: "offered",
            metric: "offered_per_s",
            colour: SERIES[1],
            value: |r| window(r, r.offered_per_s),
            text: one_decimal,
        },
        BarSeries {
            label: "completed",
            metric: "throughput_per_s",
            colour: SERIES[0],
            value: |r| window(r, r.throughput_per_s),
            text: one_decimal,
        },
    ]
}

/// Bars grouped per scenario (`names`), one bar per series, with the value printed above each
/// bar when it fits. `values[scenario][series]` is (value, half-width); a finite half-width
/// draws an error bar from value - half-width to value + half-width. `which` gives the y axis
/// title and the legend heading.
fn grouped_bars<DB: DrawingBackend>(
    root: &Area<DB>,
    title_text: &str,
    names: &[String],
    values: &[Vec<(f64, f64)>],
    series: &[BarSeries],
    which: &Bars,
) -> DrawResult<DB> {
    let (y_desc, heading) = (which.y_desc, which.legend_heading);
    let body = title(root, title_text)?;
    if names.is_empty() {
        return no_data(&body, "no runs to compare");
    }
    let items: Vec<LegendItem> = series
        .iter()
        .map(|s| item(s.label, Swatch::Fill(s.colour)))
        .collect();
    let (plot_area, legend_area) = with_legend_column(&body, legend_width(&body, heading, &items)?);

    let slot = slot_width(&plot_area, names.len());
    let labels = CategoryLabels::fit(&plot_area, names, slot)?;
    // 12 % headroom for the value labels above the tallest bar (a factor 1.5 on a log axis);
    // log when the bars span more than a factor of 100, so the short ones stay readable.
    let tops = || {
        values
            .iter()
            .flatten()
            .map(|(v, hw)| if hw.is_finite() { v + hw } else { *v })
    };
    let mut y = Axis::for_values(tops(), 1.12, 6);
    if y.is_log() {
        y = Axis::for_values(values.iter().flatten().map(|p| p.0).chain(tops()), 1.5, 6);
    }
    let x = Axis::categories(names.len());
    let mut chart = build_chart(
        &plot_area,
        &x,
        &y,
        "scenario",
        &y.desc(y_desc),
        labels.area_height(),
        None,
    )?;

    let group = 0.8;
    let bar = group / series.len() as f64;
    let gap = bar * 0.06;
    let value_style = font(13)
        .color(&MUTED)
        .pos(Pos::new(HPos::Center, VPos::Bottom));
    let lift = (y.hi - y.lo) * 0.006;
    for (i, row) in values.iter().enumerate() {
        for (k, (s, &(v, hw))) in series.iter().zip(row).enumerate() {
            let x0 = i as f64 - group / 2.0 + k as f64 * bar;
            if !v.is_finite() {
                // An unknown value (the latency of a run without measured requests) is not a
                // bar of height 0: say so where the bar would stand.
                chart.draw_series(std::iter::once(Text::new(
                    "n/a",
                    (x0 + bar / 2.0, y.lo + lift),
                    value_style.clone(),
                )))?;
                continue;
            }
            chart.draw_series(std::iter::once(Rectangle::new(
                [(x0 + gap, y.lo), (x0 + bar - gap, y.at_clamped(v))],
                s.colour.filled(),
            )))?;
            let top = if hw.is_finite() {
                let (lo, hi) = (y.at_clamped(v - hw), y.at_clamped(v + hw));
                let (xc, cap) = (x0 + bar / 2.0, bar * 0.2);
                let style = BLACK.stroke_width(1);
                for segment in [
                    vec![(xc, lo), (xc, hi)],
                    vec![(xc - cap, lo), (xc + cap, lo)],
                    vec![(xc - cap, hi), (xc + cap, hi)],
                ] {
                    chart.draw_series(std::iter::once(PathElement::new(segment, style)))?;
                }
                hi
            } else {
                y.at_clamped(v)
            };
            let text = (s.text)(v);
            let text_w = plot_area.estimate_text_size(&text, &value_style)?.0 as f64;
            if text_w <= slot as f64 * bar + 4.0 {
                chart.draw_series(std::iter::once(Text::new(
                    text,
                    (x0 + bar / 2.0, top + lift),
                    value_style.clone(),
                )))?;
            }
        }
    }
    labels.draw(&plot_area, &chart, &y)?;
    draw_legend(&legend_area, heading, &items, 14)
}

pub(super) fn latency_cdf<DB: DrawingBackend>(
    root: &Area<DB>,
    runs: &[RunResults],
) -> DrawResult<DB> {
    let body = title(root, "End-to-end latency CDF by scenario")?;
    if runs.is_empty() {
        return no_data(&body, "no runs to compare");
    }
    let curves: Vec<Curve> = runs
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let points = cdf_points(r);
            let label = if points.is_empty() {
                format!("{} (no data)", r.scenario)
            } else {
                r.scenario.clone()
            };
            let colour = SERIES[i % SERIES.len()];
            Curve {
                label,
                colour,
                dashed: (i / SERIES.len()) % 2 == 1,
                points,
            }
        })
        .collect();
    draw_cdf(&body, &curves, &[], Some("scenario"))
}

/// Panels per row and rows of the utilisation comparison for `n` scenarios.
fn grid(n: usize) -> (usize, usize) {
    let cols = n.clamp(1, 4);
    (n.max(1).div_ceil(cols), cols)
}

/// Image size of the utilisation comparison [px]: panels at least 300 px wide, 470 px high.
pub(super) fn utilisation_size(n: usize) -> (u32, u32) {
    let (rows, cols) = grid(n);
    ((cols as u32 * 300 + 180).max(1000), 60 + rows as u32 * 470)
}

pub(super) fn utilisation<DB: DrawingBackend>(
    root: &Area<DB>,
    runs: &[RunResults],
) -> DrawResult<DB> {
    let body = title(
        root,
        "Processor utilisation by scenario (measurement window)",
    )?;
    if runs.is_empty() {
        return no_data(&body, "no runs to compare");
    }
    let kinds = kind_order(runs);
    let items = kind_legend(&kinds);
    let heading = Some("process kind");
    let (plot_area, legend_area) = with_legend_column(&body, legend_width(&body, heading, &items)?);
    let panels = plot_area.split_evenly(grid(runs.len()));
    for (panel, r) in panels.iter().zip(runs) {
        let panel = panel.margin(6, 6, 0, 0);
        utilisation_panel(&panel, r, &kinds, Some(&r.scenario))?;
    }
    draw_legend(&legend_area, heading, &items, 14)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latency_bars_of_a_run_without_measured_requests_say_n_a() {
        let mut empty = crate::report::testdata::sample_results("empty");
        empty.requests.measured = 0;
        let runs = [crate::report::testdata::sample_results("a"), empty];
        let svg = crate::report::Plot::CompareLatency(&runs).to_svg().unwrap();
        assert_eq!(svg.matches("\nn/a\n").count(), 3, "one per percentile");
    }

    #[test]
    fn grid_fills_rows_of_four() {
        assert_eq!(grid(1), (1, 1));
        assert_eq!(grid(3), (1, 3));
        assert_eq!(grid(4), (1, 4));
        assert_eq!(grid(5), (2, 4));
        assert_eq!(grid(9), (3, 4));
        assert_eq!(grid(0), (1, 1));
    }
}
