//! Where the time goes: one stacked bar per server class, its mean latency split into the
//! parts of `stats::LEG_KINDS` (wire, LAN, run-queue wait, CPU, IPC, link wait, server queue,
//! I/O, SYN back-off). Written as `latency_breakdown.png` / `.svg` beside the other plots,
//! with the plotting kit (`kit.rs`) as the other charts.

use std::path::{Path, PathBuf};

use anyhow::{Context, anyhow};
use plotters::prelude::*;

use super::DrawResult;
use super::kit::{
    Area, Axis, CategoryLabels, Swatch, build_chart, draw_legend, item, legend_width, no_data,
    register_fonts, slot_width, title, with_legend_column,
};
use crate::stats::{LEG_KINDS, RunResults};

/// Image size [px].
const SIZE: (u32, u32) = (1000, 600);

/// One colour per part (colour-blind safe Okabe-Ito, then greys).
fn colour(i: usize) -> RGBColor {
    const C: [RGBColor; 9] = [
        RGBColor(0x99, 0x99, 0x99), // wire
        RGBColor(0x56, 0xB4, 0xE9), // lan
        RGBColor(0xF0, 0xE4, 0x42), // cpu wait
        RGBColor(0x00, 0x72, 0xB2), // cpu
        RGBColor(0x00, 0x9E, 0x73), // ipc
        RGBColor(0xD5, 0x5E, 0x00), // link wait
        RGBColor(0xE6, 0x9F, 0x00), // server queue
        RGBColor(0xCC, 0x79, 0xA7), // io
        RGBColor(0x44, 0x44, 0x44), // syn back-off
    ];
    C[i % C.len()]
}

fn draw<DB: DrawingBackend>(root: &Area<DB>, r: &RunResults) -> DrawResult<DB> {
    root.fill(&WHITE)?;
    let body = title(
        root,
        &format!("{}: where the time goes, per class", r.scenario),
    )?;
    let items: Vec<_> = LEG_KINDS
        .iter()
        .enumerate()
        .map(|(i, k)| item(*k, Swatch::Fill(colour(i))))
        .collect();
    let heading = Some("part");
    let (area, legend) = with_legend_column(&body, legend_width(&body, heading, &items)?);
    let bars = &r.latency_breakdown;
    if bars.is_empty() {
        return no_data(&area, "no measured requests");
    }
    let top = bars
        .iter()
        .map(|b| b.ms_mean.iter().sum::<f64>())
        .fold(0.0, f64::max)
        .max(1e-6);
    let names: Vec<String> = bars
        .iter()
        .map(|b| {
            if bars.iter().filter(|o| o.class == b.class).count() > 1 {
                format!("{}.{}", b.pathmon, b.class)
            } else {
                b.class.clone()
            }
        })
        .collect();
    let labels = CategoryLabels::fit(&area, &names, slot_width(&area, bars.len()))?;
    let x = Axis::categories(bars.len());
    let y = Axis::linear(0.0, top * 1.1, 6);
    let mut chart = build_chart(
        &area,
        &x,
        &y,
        "server class",
        "mean latency [ms]",
        labels.area_height(),
        None,
    )?;
    for (i, b) in bars.iter().enumerate() {
        let c = i as f64;
        let mut base = 0.0;
        for (k, &ms) in b.ms_mean.iter().enumerate() {
            if ms <= 0.0 {
                continue;
            }
            chart.draw_series(std::iter::once(Rectangle::new(
                [(c - 0.36, base), (c + 0.36, base + ms)],
                colour(k).filled(),
            )))?;
            base += ms;
        }
    }
    labels.draw(&area, &chart, &y)?;
    draw_legend(&legend, heading, &items, 14)
}

/// Writes `<dir>/latency_breakdown.png` and `.svg`; returns their paths, PNG first.
pub fn write(dir: &Path, r: &RunResults) -> anyhow::Result<[PathBuf; 2]> {
    register_fonts();
    let png = dir.join("latency_breakdown.png");
    {
        let root = BitMapBackend::new(&png, SIZE).into_drawing_area();
        draw(&root, r).map_err(|e| anyhow!("could not draw '{}': {e}", png.display()))?;
        root.present()
            .map_err(|e| anyhow!("could not write '{}': {e}", png.display()))?;
    }
    let svg_path = dir.join("latency_breakdown.svg");
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, SIZE).into_drawing_area();
        draw(&root, r).map_err(|e| anyhow!("could not draw latency_breakdown: {e}"))?;
        root.present()
            .map_err(|e| anyhow!("could not draw latency_breakdown: {e}"))?;
    }
    std::fs::write(&svg_path, svg)
        .with_context(|| format!("could not write '{}'", svg_path.display()))?;
    Ok([png, svg_path])
}
