//! Links per link manager: for every send target (a PATHMON or an ACS domain, per class name)
//! the links each processor's link manager held to each PATHMON's servers, time average over
//! the measurement window. A link manager that holds no link of a class fails its sends with
//! Pathsend error 905 (see `scenarios/link-starvation.toml`); an uneven split of static links
//! at start-up shows here as bars of very different heights.
//!
//! One panel per target, up to three side by side; in each, one group of bars per link
//! manager (its processor), one bar per PATHMON in the Okabe-Ito colour of its position, the
//! value above each bar and the link manager's 905 count under its name when there were any.

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::DrawResult;
use super::kit::{
    Area, Axis, CategoryLabels, LegendItem, MUTED, SERIES, Swatch, build_chart, draw_legend, font,
    item, legend_width, nice_step, no_data, slot_width, title, with_legend_column,
};
use crate::stats::{RunResults, SendTargetResult};

/// Targets worth a panel: those whose link managers sent requests or held links.
pub(super) fn targets(r: &RunResults) -> Vec<&SendTargetResult> {
    r.send_targets
        .iter()
        .filter(|t| !t.link_managers.is_empty())
        .collect()
}

/// Panels per row and rows for `n` targets: up to three side by side.
fn grid(n: usize) -> (usize, usize) {
    let cols = n.clamp(1, 3);
    (n.max(1).div_ceil(cols), cols)
}

/// Image size [px]: panels 420 px wide and 460 px high, plus the legend column.
pub(super) fn size(r: &RunResults) -> (u32, u32) {
    let (rows, cols) = grid(targets(r).len());
    ((cols as u32 * 420 + 190).max(1000), 60 + rows as u32 * 460)
}

/// PATHMON names in order of first appearance over all targets: one colour each.
fn pathmons(r: &RunResults) -> Vec<&str> {
    let mut names: Vec<&str> = Vec::new();
    for m in targets(r).iter().flat_map(|t| &t.link_managers) {
        if !names.contains(&m.pathmon.as_str()) {
            names.push(&m.pathmon);
        }
    }
    names
}

pub(super) fn link_managers<DB: DrawingBackend>(root: &Area<DB>, r: &RunResults) -> DrawResult<DB> {
    let body = title(
        root,
        &format!("{}: links held per link manager and PATHMON", r.scenario),
    )?;
    let ts = targets(r);
    if ts.is_empty() {
        return no_data(&body, "no Pathsend traffic: no link manager held a link");
    }
    let names = pathmons(r);
    let items: Vec<LegendItem> = names
        .iter()
        .enumerate()
        .map(|(i, n)| item(n.to_string(), Swatch::Fill(SERIES[i % SERIES.len()])))
        .collect();
    let heading = Some("links to PATHMON");
    let (plot_area, legend_area) = with_legend_column(&body, legend_width(&body, heading, &items)?);
    let panels = plot_area.split_evenly(grid(ts.len()));
    for (panel, t) in panels.iter().zip(&ts) {
        panel_for(&panel.margin(6, 6, 0, 0), t, &names)?;
    }
    draw_legend(&legend_area, heading, &items, 14)
}

/// One target: a group per link manager, a bar per PATHMON.
fn panel_for<DB: DrawingBackend>(
    area: &Area<DB>,
    t: &SendTargetResult,
    names: &[&str],
) -> DrawResult<DB> {
    let mut cpus: Vec<u32> = t.link_managers.iter().map(|m| m.processor).collect();
    cpus.dedup();
    let members: Vec<&str> = {
        let mut v: Vec<&str> = Vec::new();
        for m in &t.link_managers {
            if !v.contains(&m.pathmon.as_str()) {
                v.push(&m.pathmon);
            }
        }
        v
    };
    let n = cpus.len();
    let slot = slot_width(area, n);
    let label_lines: Vec<Vec<String>> = cpus
        .iter()
        .map(|&cpu| {
            let errors: u64 = t
                .link_managers
                .iter()
                .filter(|m| m.processor == cpu)
                .map(|m| m.errors_905)
                .max()
                .unwrap_or(0);
            let mut lines = vec![format!("cpu{cpu}")];
            if errors > 0 {
                lines.push(format!("905: {errors}"));
            }
            lines
        })
        .collect();
    let labels = CategoryLabels::fit_lines(area, &label_lines, slot)?;
    let peak = t
        .link_managers
        .iter()
        .map(|m| m.links_held_max as f64)
        .fold(1.0, f64::max);
    let step = nice_step(peak / 5.0).max(1.0);
    let top = (peak / step).ceil() * step;
    let x = Axis::categories(n);
    let y = Axis::stepped(0.0, top, step, top * 1.12);
    let local = if t.local { " (local)" } else { "" };
    let caption = format!("{} / {}{local}", t.target, t.server_class);
    let mut chart = build_chart(
        area,
        &x,
        &y,
        "link manager [processor]",
        "links held [time average]",
        labels.area_height(),
        Some(&caption),
    )?;
    let group = 0.86;
    let bar = group / members.len().max(1) as f64;
    let gap = bar * 0.06;
    let bar_px = slot as f64 * bar;
    for (i, &cpu) in cpus.iter().enumerate() {
        for (k, pm) in members.iter().enumerate() {
            let Some(m) = t
                .link_managers
                .iter()
                .find(|m| m.processor == cpu && m.pathmon == *pm)
            else {
                continue;
            };
            let colour = names
                .iter()
                .position(|n| n == pm)
                .map_or(MUTED, |p| SERIES[p % SERIES.len()]);
            let x0 = i as f64 - group / 2.0 + k as f64 * bar;
            let v = m.links_held_mean.max(0.0);
            chart.draw_series(std::iter::once(Rectangle::new(
                [(x0 + gap, 0.0), (x0 + bar - gap, v)],
                colour.filled(),
            )))?;
            let text = format!("{v:.1}");
            let style = font(13)
                .color(&MUTED)
                .pos(Pos::new(HPos::Center, VPos::Bottom));
            if area.estimate_text_size(&text, &style)?.0 as f64 <= bar_px + 2.0 {
                chart.draw_series(std::iter::once(Text::new(
                    text,
                    (x0 + bar / 2.0, v + top * 0.01),
                    style,
                )))?;
            }
        }
    }
    labels.draw(area, &chart, &y)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::testdata::sample_results;

    #[test]
    fn one_panel_per_target_with_link_managers() {
        let r = sample_results("a");
        assert_eq!(targets(&r).len(), 1);
        assert_eq!(pathmons(&r), ["$PM1"]);
        let mut empty = r.clone();
        empty.send_targets.clear();
        assert!(targets(&empty).is_empty());
    }
}
