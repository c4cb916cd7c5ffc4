//! Where the time goes: one stacked bar per server class, its mean latency split into the
//! parts of `stats::LEG_KINDS` (wire, LAN, run-queue wait, CPU, IPC, link wait, server queue,
//! I/O, SYN back-off). Written as `latency_breakdown.png` / `.svg` beside the other plots,
//! with the plotting kit (`kit.rs`) as the other charts; `compare` writes
//! `compare_latency_breakdown` with one bar per scenario (its classes weighted by completions).

use std::path::{Path, PathBuf};

use plotters::prelude::*;

use super::kit::{
    Area, Axis, CategoryLabels, Swatch, build_chart, draw_legend, item, legend_width, no_data,
    slot_width, title, with_legend_column,
};
use super::{Chart, DrawResult, write_png_svg};
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

/// One stacked bar: its label and its mean time in each part of [`LEG_KINDS`] [ms].
struct Bar {
    label: String,
    ms: Vec<f64>,
}

/// Most bars one chart shows; wider ones are unreadable (and a Pathway/XM run can have a
/// class instance per generated PATHMON: thousands).
const MAX_BARS: usize = 12;

/// The parts of `parts` (each `(completions, ms per part)`) weighted by their completions.
fn weighted<'a>(parts: impl Iterator<Item = (u64, &'a [f64])> + Clone) -> Vec<f64> {
    let n: u64 = parts.clone().map(|(c, _)| c).sum();
    (0..LEG_KINDS.len())
        .map(|k| {
            let sum: f64 = parts.clone().map(|(c, ms)| ms[k] * c as f64).sum();
            if n == 0 { 0.0 } else { sum / n as f64 }
        })
        .collect()
}

/// One bar per server class of a run, qualified by PATHMON where a class name repeats. With
/// more than [`MAX_BARS`] instances, one bar per class name (its instances weighted by
/// completions); with more names than that, the most completed ones and an `other` bar.
fn class_bars(r: &RunResults) -> Vec<Bar> {
    use std::collections::BTreeMap;
    let bars = &r.latency_breakdown;
    let mut by_name: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, b) in bars.iter().enumerate() {
        by_name.entry(b.class.as_str()).or_default().push(i);
    }
    let part = |i: &usize| (bars[*i].completed, bars[*i].ms_mean.as_slice());
    if bars.len() <= MAX_BARS {
        return bars
            .iter()
            .map(|b| Bar {
                label: if by_name[b.class.as_str()].len() > 1 {
                    format!("{}.{}", b.pathmon, b.class)
                } else {
                    b.class.clone()
                },
                ms: b.ms_mean.clone(),
            })
            .collect();
    }
    // Class names in file order (of their first instance), the most completed first kept.
    let mut names: Vec<(&str, &Vec<usize>)> = by_name.iter().map(|(n, ix)| (*n, ix)).collect();
    names.sort_by_key(|(_, ix)| ix[0]);
    let completed = |ix: &Vec<usize>| ix.iter().map(|&i| bars[i].completed).sum::<u64>();
    let label = |name: &str, ix: &Vec<usize>| match ix.len() {
        1 => name.to_string(),
        n => format!("{name} ({n} PATHMONs measured)"),
    };
    if names.len() <= MAX_BARS {
        return names
            .iter()
            .map(|(name, ix)| Bar {
                label: label(name, ix),
                ms: weighted(ix.iter().map(part)),
            })
            .collect();
    }
    let mut ranked: Vec<usize> = (0..names.len()).collect();
    ranked.sort_by_key(|&n| std::cmp::Reverse(completed(names[n].1)));
    let (kept, rest) = ranked.split_at(MAX_BARS - 1);
    let mut kept = kept.to_vec();
    kept.sort_unstable();
    let mut out: Vec<Bar> = kept
        .iter()
        .map(|&n| Bar {
            label: label(names[n].0, names[n].1),
            ms: weighted(names[n].1.iter().map(part)),
        })
        .collect();
    out.push(Bar {
        label: format!("other ({} classes)", rest.len()),
        ms: weighted(rest.iter().flat_map(|&n| names[n].1.iter().map(part))),
    });
    out
}

/// One bar per run: its classes' parts weighted by their measured completions, so each bar
/// adds up to the run's mean latency over all classes.
fn run_bars(runs: &[RunResults]) -> Vec<Bar> {
    runs.iter()
        .map(|r| Bar {
            label: r.scenario.clone(),
            ms: weighted(
                r.latency_breakdown
                    .iter()
                    .map(|b| (b.completed, b.ms_mean.as_slice())),
            ),
        })
        .collect()
}

fn draw<DB: DrawingBackend>(
    root: &Area<DB>,
    heading_text: &str,
    x_title: &str,
    bars: &[Bar],
) -> DrawResult<DB> {
    root.fill(&WHITE)?;
    let body = title(root, heading_text)?;
    let items: Vec<_> = LEG_KINDS
        .iter()
        .enumerate()
        .map(|(i, k)| item(*k, Swatch::Fill(colour(i))))
        .collect();
    let heading = Some("part");
    let (area, legend) = with_legend_column(&body, legend_width(&body, heading, &items)?);
    if bars.iter().all(|b| b.ms.iter().all(|&m| m <= 0.0)) {
        return no_data(&area, "no measured requests");
    }
    let top = bars
        .iter()
        .map(|b| b.ms.iter().sum::<f64>())
        .fold(0.0, f64::max)
        .max(1e-6);
    let names: Vec<String> = bars.iter().map(|b| b.label.clone()).collect();
    let labels = CategoryLabels::fit(&area, &names, slot_width(&area, bars.len()))?;
    let x = Axis::categories(bars.len());
    let y = Axis::linear(0.0, top * 1.1, 6);
    let mut chart = build_chart(
        &area,
        &x,
        &y,
        x_title,
        "mean latency [ms]",
        labels.area_height(),
        None,
    )?;
    for (i, b) in bars.iter().enumerate() {
        let c = i as f64;
        let mut base = 0.0;
        for (k, &ms) in b.ms.iter().enumerate() {
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

/// Writes `<dir>/latency_breakdown.png` and `.svg`: one bar per server class of `r`.
pub fn write(dir: &Path, r: &RunResults) -> anyhow::Result<[PathBuf; 2]> {
    let heading = format!("{}: where the time goes, per class", r.scenario);
    write_bars(
        dir,
        "latency_breakdown",
        &heading,
        "server class",
        &class_bars(r),
    )
}

/// Writes `<dir>/compare_latency_breakdown.png` and `.svg`: one bar per run, in order.
pub fn write_compare(dir: &Path, runs: &[RunResults]) -> anyhow::Result<[PathBuf; 2]> {
    write_bars(
        dir,
        "compare_latency_breakdown",
        "Where the time goes, per scenario (all classes)",
        "scenario",
        &run_bars(runs),
    )
}

/// Writes `<dir>/<stem>.png` and `.svg` of `bars`, the image widening with their number.
fn write_bars(
    dir: &Path,
    stem: &str,
    heading: &str,
    x_title: &str,
    bars: &[Bar],
) -> anyhow::Result<[PathBuf; 2]> {
    let size = (SIZE.0.max(260 + 150 * bars.len() as u32), SIZE.1);
    let chart = Breakdown {
        heading,
        x_title,
        bars,
    };
    write_png_svg(dir, stem, size, &chart)
}

/// A breakdown chart, as [`draw`] takes it.
struct Breakdown<'a> {
    heading: &'a str,
    x_title: &'a str,
    bars: &'a [Bar],
}

impl Chart for Breakdown<'_> {
    fn draw_on<DB: DrawingBackend>(&self, root: &Area<DB>) -> DrawResult<DB> {
        draw(root, self.heading, self.x_title, self.bars)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::testdata::sample_results;
    use crate::stats::ClassBreakdown;

    #[test]
    fn a_scenario_bar_weights_its_classes_by_completions() {
        let mut r = sample_results("a");
        let part = |v: f64| {
            let mut ms = vec![0.0; LEG_KINDS.len()];
            ms[0] = v;
            ms
        };
        r.latency_breakdown = vec![
            ClassBreakdown {
                class: "A".into(),
                pathmon: "$PM".into(),
                completed: 1,
                ms_mean: part(4.0),
            },
            ClassBreakdown {
                class: "B".into(),
                pathmon: "$PM".into(),
                completed: 3,
                ms_mean: part(8.0),
            },
        ];
        // (1 x 4 + 3 x 8) / 4 = 7 ms.
        let bars = run_bars(std::slice::from_ref(&r));
        assert_eq!(bars.len(), 1);
        assert!((bars[0].ms[0] - 7.0).abs() < 1e-12);
        assert_eq!(class_bars(&r)[1].label, "B");
    }

    #[test]
    fn many_class_instances_are_merged_into_few_bars() {
        let mut r = sample_results("a");
        let one = |class: String, pathmon: String, completed: u64, v: f64| ClassBreakdown {
            class,
            pathmon,
            completed,
            ms_mean: vec![v; LEG_KINDS.len()],
        };
        // Two classes replicated in 20 PATHMONs: one bar per class name, weighted.
        r.latency_breakdown = (0..40)
            .map(|i| {
                one(
                    ["A", "B"][i % 2].into(),
                    format!("$XM{}", i / 2),
                    1 + i as u64 % 2,
                    1.0 + (i % 2) as f64,
                )
            })
            .collect();
        let bars = class_bars(&r);
        assert_eq!(bars.len(), 2);
        assert_eq!(bars[0].label, "A (20 PATHMONs measured)");
        assert!((bars[1].ms[0] - 2.0).abs() < 1e-12);
        // Thirty class names: the eleven most completed, then the rest as one bar.
        r.latency_breakdown = (0..30)
            .map(|i| one(format!("C{i:02}"), "$PM".into(), i as u64, 1.0))
            .collect();
        let bars = class_bars(&r);
        assert_eq!(bars.len(), MAX_BARS);
        assert_eq!(bars[0].label, "C19");
        assert_eq!(bars[MAX_BARS - 1].label, "other (19 classes)");
    }
}
