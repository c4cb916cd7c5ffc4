//! Charts of TS/MP link management in one run: how each PATHMON of an ACS domain shared the
//! links against its configured weight (`link_share`), and how many server processes each
//! class ran over time (`servers`).
//!
//! Colours follow the other charts: the configured weight is orange and the measured link share
//! blue, as offered (the target) and completed (the measurement) are in the throughput
//! comparison; the request share is the lighter sky blue of the same family. In `servers`
//! every PATHMON keeps one Okabe-Ito colour in all panels, static servers are solid lines and
//! dynamic servers dashed.

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::DrawResult;
use super::kit::{
    Area, Axis, CategoryLabels, LegendItem, MUTED, OKABE_BLUE, OKABE_ORANGE, SERIES, Swatch,
    build_chart, draw_legend, font, item, legend_width, nice_step, no_data, shade_warmup,
    slot_width, title, with_legend_column,
};
use crate::report::{Target, domain_targets, fmt_weight};
use crate::stats::{PathmonShare, RunResults, ServerClassResult};

/// Sky blue: the request share, a lighter companion of the link share's blue.
const SKY_BLUE: RGBColor = SERIES[5];

// ---------------------------------------------------------------------------------------------
// Link share against weight

/// Panels per row and rows of the link share chart for `n` targets: up to three side by side.
fn grid(n: usize) -> (usize, usize) {
    let cols = n.clamp(1, 3);
    (n.max(1).div_ceil(cols), cols)
}

/// Image size of the link share chart [px]: panels at least 400 px wide (three PATHMONs with
/// three labelled bars each) and 500 px high, plus the legend column.
pub(super) fn link_share_size(r: &RunResults) -> (u32, u32) {
    let (rows, cols) = grid(domain_targets(r).len());
    ((cols as u32 * 400 + 190).max(1000), 60 + rows as u32 * 500)
}

/// One bar of each PATHMON's group.
struct ShareBar {
    label: &'static str,
    colour: RGBColor,
    value: fn(&PathmonShare) -> f64,
    text: fn(f64) -> String,
}

const SHARE_BARS: [ShareBar; 3] = [
    ShareBar {
        label: "configured weight",
        colour: OKABE_ORANGE,
        value: |p| p.weight,
        text: fmt_weight,
    },
    ShareBar {
        label: "link share",
        colour: OKABE_BLUE,
        value: |p| p.link_share,
        text: one_decimal,
    },
    ShareBar {
        label: "request share",
        colour: SKY_BLUE,
        value: |p| p.request_share,
        text: one_decimal,
    },
];

fn one_decimal(v: f64) -> String {
    format!("{v:.1}")
}

pub(super) fn link_share<DB: DrawingBackend>(root: &Area<DB>, r: &RunResults) -> DrawResult<DB> {
    let body = title(
        root,
        &format!(
            "{}: link share per PATHMON against its ACS domain weight",
            r.scenario
        ),
    )?;
    let targets = domain_targets(r);
    if targets.is_empty() {
        return no_data(
            &body,
            "no ACS domain: every send target is a single PATHMON",
        );
    }
    let items: Vec<LegendItem> = SHARE_BARS
        .iter()
        .map(|b| item(format!("{} [%]", b.label), Swatch::Fill(b.colour)))
        .collect();
    let heading = Some("per PATHMON");
    let (plot_area, legend_area) = with_legend_column(&body, legend_width(&body, heading, &items)?);
    let panels = plot_area.split_evenly(grid(targets.len()));
    for (panel, t) in panels.iter().zip(&targets) {
        share_panel(&panel.margin(6, 6, 0, 0), t)?;
    }
    draw_legend(&legend_area, heading, &items, 14)
}

/// One target: a group of three bars per PATHMON, the value above each bar, the PATHMON's name
/// and MAXSERVERS under its group. The y axis is 0..100 % whatever the data.
fn share_panel<DB: DrawingBackend>(area: &Area<DB>, t: &Target<'_>) -> DrawResult<DB> {
    let n = t.members.len();
    let slot = slot_width(area, n);
    let names: Vec<Vec<String>> = t
        .members
        .iter()
        .map(|m| vec![m.name.clone(), format!("MAXSERVERS {}", m.maxservers)])
        .collect();
    let labels = CategoryLabels::fit_lines(area, &names, slot)?;
    let x = Axis::categories(n);
    // Headroom above 100 % for the value labels.
    let y = Axis::stepped(0.0, 100.0, 20.0, 110.0);
    let caption = t.title();
    let mut chart = build_chart(
        area,
        &x,
        &y,
        "PATHMON",
        "share of links [%]",
        labels.area_height(),
        Some(&caption),
    )?;

    let group = 0.86;
    let bar = group / SHARE_BARS.len() as f64;
    let gap = bar * 0.06;
    let bar_px = slot as f64 * bar;
    for (i, m) in t.members.iter().enumerate() {
        for (k, b) in SHARE_BARS.iter().enumerate() {
            let v = (b.value)(m);
            if !v.is_finite() {
                continue;
            }
            let x0 = i as f64 - group / 2.0 + k as f64 * bar;
            let top = v.clamp(0.0, 100.0);
            chart.draw_series(std::iter::once(Rectangle::new(
                [(x0 + gap, 0.0), (x0 + bar - gap, top)],
                b.colour.filled(),
            )))?;
            // The largest size from 13 px down to 10 px at which the value fits over its bar;
            // none when even 10 px is too wide (the CSV has the number).
            let text = (b.text)(v);
            for px in (10..=13).rev() {
                let style = font(px)
                    .color(&MUTED)
                    .pos(Pos::new(HPos::Center, VPos::Bottom));
                let w = area.estimate_text_size(&text, &style)?.0 as f64;
                if w <= bar_px + 2.0 {
                    chart.draw_series(std::iter::once(Text::new(
                        text,
                        (x0 + bar / 2.0, top + 0.8),
                        style,
                    )))?;
                    break;
                }
            }
        }
    }
    labels.draw(area, &chart, &y)
}

// ---------------------------------------------------------------------------------------------
// Servers over time

/// Server class names in order of first appearance: one panel each.
fn class_names(r: &RunResults) -> Vec<&str> {
    let mut names: Vec<&str> = Vec::new();
    for c in &r.server_classes {
        if !names.contains(&c.name.as_str()) {
            names.push(&c.name);
        }
    }
    names
}

/// PATHMON names in order of first appearance: the index picks the PATHMON's colour, the same
/// in every panel.
fn pathmon_names(r: &RunResults) -> Vec<&str> {
    let mut names: Vec<&str> = Vec::new();
    for c in &r.server_classes {
        if !names.contains(&c.pathmon.as_str()) {
            names.push(&c.pathmon);
        }
    }
    names
}

/// Image size of the servers chart [px]: one panel 300 px high per class name.
pub(super) fn servers_size(r: &RunResults) -> (u32, u32) {
    let n = class_names(r).len().max(1) as u32;
    (1000, (70 + n * 300).max(600))
}

/// Colour and dash pattern of a PATHMON's lines: Okabe-Ito in order, and once the palette is
/// used up, the same colours again with thinner lines. (Dashes already mean "dynamic".)
fn pathmon_colour(index: usize) -> (RGBColor, u32) {
    let round = index / SERIES.len();
    (SERIES[index % SERIES.len()], if round == 0 { 2 } else { 1 })
}

pub(super) fn servers<DB: DrawingBackend>(root: &Area<DB>, r: &RunResults) -> DrawResult<DB> {
    let body = title(
        root,
        &format!("{}: server processes running over time", r.scenario),
    )?;
    let end = r
        .server_classes
        .iter()
        .flat_map(|c| c.timeline.iter().map(|s| s.t_s))
        .fold(f64::NAN, f64::max);
    if !end.is_finite() {
        return no_data(&body, "no server timeline recorded");
    }
    let names = class_names(r);
    let pathmons = pathmon_names(r);
    let panel_classes: Vec<Vec<ServerClassResult>> =
        names.iter().map(|n| panel_classes(r, n)).collect();
    let legend_items = |k: usize| -> Vec<LegendItem> {
        let mut items: Vec<LegendItem> = panel_classes[k]
            .iter()
            .map(|c| {
                let idx = pathmons.iter().position(|p| *p == c.pathmon).unwrap_or(0);
                let who = if c.pathmon.is_empty() {
                    "servers".to_string()
                } else {
                    c.pathmon.clone()
                };
                let label = format!("{who} (static {}, max {})", c.numstatic, c.servers);
                item(label, Swatch::Fill(pathmon_colour(idx).0))
            })
            .collect();
        items.push(item("static", Swatch::Line(MUTED)));
        items.push(item("dynamic", Swatch::Dashed(MUTED)));
        items
    };
    // One legend width for all panels keeps their plotting areas, and so their x axes, aligned.
    let mut legend_w = 0;
    for k in 0..names.len() {
        legend_w = legend_w.max(legend_width(&body, None, &legend_items(k))?);
    }
    let x = Axis::linear(0.0, end.max(1e-9), 12);
    let panels = body.split_evenly((names.len(), 1));
    for (k, (panel, class)) in panels.iter().zip(&names).enumerate() {
        let last = k + 1 == names.len();
        let (plot_area, legend_area) = with_legend_column(panel, legend_w);
        let classes: Vec<&ServerClassResult> = panel_classes[k].iter().collect();
        servers_panel(&plot_area, r, &x, class, &classes, &pathmons, last)?;
        draw_legend(&legend_area, None, &legend_items(k), 14)?;
    }
    Ok(())
}

/// Most PATHMONs drawn one line each in a servers panel; past it (Pathway/XM generates
/// thousands) the panel draws their sum as one line.
const MAX_PATHMON_LINES: usize = 6;

/// The server classes named `class`, one per PATHMON, or, past [`MAX_PATHMON_LINES`], one
/// summed over all of them (servers, MAXSERVERS and NUMSTATIC added, sample by sample).
fn panel_classes(r: &RunResults, class: &str) -> Vec<ServerClassResult> {
    let all: Vec<&ServerClassResult> = r
        .server_classes
        .iter()
        .filter(|c| c.name == class)
        .collect();
    if all.len() <= MAX_PATHMON_LINES {
        return all.into_iter().cloned().collect();
    }
    let mut sum = all[0].clone();
    sum.pathmon = format!("all {} PATHMONs", all.len());
    for c in &all[1..] {
        sum.servers += c.servers;
        sum.numstatic += c.numstatic;
        for (s, x) in sum.timeline.iter_mut().zip(&c.timeline) {
            s.static_servers += x.static_servers;
            s.dynamic_servers += x.dynamic_servers;
            s.links += x.links;
        }
    }
    vec![sum]
}

/// Vertical spacing of the lines of different PATHMONs in one panel [px]. Equal counts are
/// common (two PATHMONs with NUMSTATIC 2, dynamic servers all at 0): without it the line drawn
/// last hides the others. Three pixels is a tenth of a server or less on any panel we draw, so
/// the dodge separates the lines without changing what they read as.
const DODGE_PX: f64 = 3.0;

/// One class name: for each of its PATHMONs a solid line of static and a dashed line of
/// dynamic servers. The y axis reaches at least the largest MAXSERVERS, so the ceiling the
/// dynamic servers grow towards is on the scale.
fn servers_panel<DB: DrawingBackend>(
    area: &Area<DB>,
    r: &RunResults,
    x: &Axis,
    class: &str,
    classes: &[&ServerClassResult],
    pathmons: &[&str],
    with_x_desc: bool,
) -> DrawResult<DB> {
    let peak = classes
        .iter()
        .flat_map(|c| {
            c.timeline
                .iter()
                .map(|s| s.static_servers.max(s.dynamic_servers))
                .chain([u64::from(c.servers)])
        })
        .max()
        .unwrap_or(0);
    let (x_desc, x_area) = if with_x_desc {
        ("time [s]", 60)
    } else {
        ("", 34)
    };
    // Dodge offsets centred on the true value, and room below 0 for the lowest line.
    let n = classes.len();
    let offset_px = |k: usize| (k as f64 - (n as f64 - 1.0) / 2.0) * DODGE_PX;
    let mut y = count_axis(peak as f64);
    let plot_h = f64::from(area.dim_in_pixel().1.saturating_sub(x_area + 45).max(50));
    y.lo = -(offset_px(0).abs() + 3.0) * (y.hi / plot_h);
    let mut chart = build_chart(area, x, &y, x_desc, "servers", x_area, Some(class))?;
    shade_warmup(area, &mut chart, x, &y, r.warmup_s)?;
    let y0 = chart.backend_coord(&(x.lo, 0.0)).1;
    let y1 = chart.backend_coord(&(x.lo, y.hi)).1;
    let per_px = y.hi / f64::from((y0 - y1).max(1));
    for (k, c) in classes.iter().enumerate() {
        let idx = pathmons.iter().position(|p| *p == c.pathmon).unwrap_or(0);
        let (colour, width) = pathmon_colour(idx);
        // The first PATHMON's lines lie highest, as the legend lists it first.
        let dy = -offset_px(k) * per_px;
        let statics: Vec<(f64, f64)> = c
            .timeline
            .iter()
            .map(|s| (s.t_s, s.static_servers as f64 + dy))
            .collect();
        let dynamics: Vec<(f64, f64)> = c
            .timeline
            .iter()
            .map(|s| (s.t_s, s.dynamic_servers as f64 + dy))
            .collect();
        chart.draw_series(LineSeries::new(statics, colour.stroke_width(width + 1)))?;
        chart.draw_series(DashedLineSeries::new(
            dynamics,
            8,
            5,
            colour.stroke_width(width),
        ))?;
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Pathway/XM: servers of distributed classes per processor of the server node

/// Servers of distributed classes running in each processor of the server node over time,
/// one line per processor (its configured weight in the legend, a standby named so). Equal
/// counts are common (two processors with one server each), so each processor's line has its
/// own colour, its own dash pattern and its own marker at every sample, and the lines are
/// dodged a few pixels apart as in `servers`; the run's faults are dashed vertical lines, as
/// on the other time charts.
pub(super) fn xm_servers_by_cpu<DB: DrawingBackend>(
    root: &Area<DB>,
    r: &RunResults,
) -> DrawResult<DB> {
    let body = title(
        root,
        &format!(
            "{}: servers of distributed classes per processor over time",
            r.scenario
        ),
    )?;
    let Some(pb) = r
        .pathway_xm
        .as_ref()
        .and_then(|x| x.process_broker.as_ref())
    else {
        return no_data(&body, "no distributed server class");
    };
    let end = pb
        .servers_by_cpu
        .iter()
        .map(|s| s.0)
        .fold(f64::NAN, f64::max);
    if !end.is_finite() {
        return no_data(&body, "no servers timeline recorded");
    }
    let peak = pb
        .servers_by_cpu
        .iter()
        .flat_map(|(_, row)| row.iter().copied())
        .max()
        .unwrap_or(0);
    let faults = super::kit::fault_marks(r);
    let mut items: Vec<LegendItem> = pb
        .cpus
        .iter()
        .enumerate()
        .map(|(k, (cpu, weight))| {
            let standby = if *weight == 0 { ", standby" } else { "" };
            item(
                format!("cpu {cpu} (weight {weight}{standby})"),
                cpu_swatch(k),
            )
        })
        .collect();
    if !faults.is_empty() {
        items.push(item("fault", Swatch::Dashed(super::kit::INK)));
    }
    items.push(item("warm-up", Swatch::Fill(super::kit::WARMUP)));
    let legend_w = legend_width(&body, None, &items)?;
    let (plot_area, legend_area) = with_legend_column(&body, legend_w);
    let x = Axis::linear(0.0, end.max(1e-9), 12);
    let n = pb.cpus.len();
    let offset_px = |k: usize| (k as f64 - (n as f64 - 1.0) / 2.0) * CPU_DODGE_PX;
    let mut y = count_axis(f64::from(peak));
    let plot_h = f64::from(plot_area.dim_in_pixel().1.saturating_sub(60 + 45).max(50));
    y.lo = -(offset_px(0).abs() + 4.0) * (y.hi / plot_h);
    let mut chart = build_chart(
        &plot_area,
        &x,
        &y,
        "time [s]",
        "servers",
        60,
        Some(&pb.node),
    )?;
    shade_warmup(&plot_area, &mut chart, &x, &y, r.warmup_s)?;
    super::kit::mark_faults(&plot_area, &mut chart, &x, &y, &faults)?;
    let y0 = chart.backend_coord(&(x.lo, 0.0)).1;
    let y1 = chart.backend_coord(&(x.lo, y.hi)).1;
    let per_px = y.hi / f64::from((y0 - y1).max(1));
    for k in 0..n {
        // The first processor's line lies highest, as the legend lists it first.
        let dy = -offset_px(k) * per_px;
        let points: Vec<(f64, f64)> = pb
            .servers_by_cpu
            .iter()
            .map(|(t, row)| (*t, f64::from(row[k]) + dy))
            .collect();
        let colour = SERIES[k % SERIES.len()];
        let style = colour.stroke_width(2);
        match CPU_DASHES[k % CPU_DASHES.len()] {
            None => {
                chart.draw_series(LineSeries::new(points.clone(), style))?;
            }
            Some((dash, gap)) => {
                chart.draw_series(DashedLineSeries::new(points.clone(), dash, gap, style))?;
            }
        }
        let marker = CPU_MARKERS[(k / CPU_DASHES.len() + k) % CPU_MARKERS.len()];
        match marker {
            Marker::Circle => {
                chart.draw_series(points.iter().map(|&p| Circle::new(p, 4, colour.filled())))?;
            }
            Marker::Triangle => {
                chart.draw_series(
                    points
                        .iter()
                        .map(|&p| TriangleMarker::new(p, 5, colour.filled())),
                )?;
            }
            Marker::Square => {
                chart.draw_series(points.iter().map(|&p| {
                    EmptyElement::at(p) + Rectangle::new([(-4, -4), (4, 4)], colour.filled())
                }))?;
            }
            Marker::Cross => {
                chart.draw_series(
                    points
                        .iter()
                        .map(|&p| Cross::new(p, 4, colour.stroke_width(2))),
                )?;
            }
        }
    }
    draw_legend(&legend_area, None, &items, 14)?;
    Ok(())
}

/// Vertical spacing of the processors' lines [px], as [`DODGE_PX`] in `servers`.
const CPU_DODGE_PX: f64 = 3.0;

/// Dash pattern of each processor's line, `(dash, gap)` [px]; `None` is solid.
const CPU_DASHES: [Option<(u32, u32)>; 4] = [None, Some((10, 5)), Some((3, 4)), Some((14, 4))];

/// Marker drawn at each sample of a processor's line.
#[derive(Clone, Copy)]
enum Marker {
    Circle,
    Triangle,
    Square,
    Cross,
}

const CPU_MARKERS: [Marker; 4] = [
    Marker::Circle,
    Marker::Triangle,
    Marker::Square,
    Marker::Cross,
];

/// The legend swatch of processor `k`'s line: its colour and dash pattern.
fn cpu_swatch(k: usize) -> Swatch {
    let colour = SERIES[k % SERIES.len()];
    match CPU_DASHES[k % CPU_DASHES.len()] {
        None => Swatch::Line(colour),
        Some(_) => Swatch::Dashed(colour),
    }
}

/// A y axis for a count: whole-number ticks (never "0.5 servers") on a 1-2-5 step, ending at
/// or above `peak`, with a little headroom so a line at the top is not drawn on the frame.
fn count_axis(peak: f64) -> Axis {
    let hi = peak.max(1.0).ceil();
    let step = nice_step(hi / 6.0).max(1.0);
    let tick_hi = (hi / step).ceil() * step;
    Axis::stepped(0.0, tick_hi, step, tick_hi + 0.15 * step)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::testdata::sample_results;

    #[test]
    fn grid_fills_rows_of_three() {
        assert_eq!(grid(1), (1, 1));
        assert_eq!(grid(2), (1, 2));
        assert_eq!(grid(3), (1, 3));
        assert_eq!(grid(4), (2, 3));
        assert_eq!(grid(0), (1, 1));
    }

    #[test]
    fn link_share_names_targets_weights_and_shares() {
        let r = sample_results("a");
        let svg = crate::report::Plot::LinkShare(&r).to_svg().unwrap();
        for text in [
            "%DOM / SERVER-CORRECT",
            "%DOM / SERVER-WRONG",
            "share of links [%]",
            "MAXSERVERS 10",
            "configured weight [%]",
            "link share [%]",
            "request share [%]",
            // Values above the bars (SVG puts each text on a line of its own).
            "\n47.5\n",
            "\n10.0\n",
            "\n50\n",
        ] {
            assert!(
                svg.contains(text),
                "{text:?} missing from the link share chart"
            );
        }
    }

    #[test]
    fn servers_has_a_panel_per_class_and_a_colour_per_pathmon() {
        let r = sample_results("a");
        assert_eq!(class_names(&r), ["SERVER-CORRECT", "SERVER-WRONG"]);
        assert_eq!(pathmon_names(&r), ["$PM1", "$PM2", "$PM3"]);
        let svg = crate::report::Plot::Servers(&r).to_svg().unwrap();
        for text in ["$PM2 (static 1, max 2)", "time [s]", "servers", "dynamic"] {
            assert!(
                svg.contains(text),
                "{text:?} missing from the servers chart"
            );
        }
    }

    #[test]
    fn count_axis_has_whole_ticks() {
        let a = count_axis(2.0);
        assert_eq!(a.label(1.0), "1");
        assert_eq!(a.label(0.5), "");
        assert!(a.hi > 2.0);
        let b = count_axis(10.0);
        assert!(b.hi >= 10.0);
        assert_eq!(b.label(10.0), "10");
    }
}
