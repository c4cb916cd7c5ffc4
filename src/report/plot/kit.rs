//! The plotting kit: what every chart of [`super::Plot`] shares. The embedded font, sizes and
//! colours ([`kind_colour`] gives each process kind one colour in every chart; scenarios take
//! the colour-blind-safe Okabe-Ito [`SERIES`]), [`Axis`] (1-2-5 ticks we choose ourselves,
//! linear, log or categories), [`build_chart`] (mesh, margins and axis titles), the legend
//! column ([`draw_legend`]), category labels that wrap and shrink to fit ([`CategoryLabels`]),
//! and the drawings two chart families share: CDF curves ([`draw_cdf`]), the warm-up band
//! ([`shade_warmup`]) and a utilisation panel ([`utilisation_panel`]).
//!
//! It knows nothing of which charts exist: `run.rs`, `compare.rs` and `pathway.rs` import it,
//! never the other way round.

use std::ops::Range;

use plotters::coord::Shift;
use plotters::coord::ranged1d::{DefaultFormatting, KeyPointHint};
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::DrawResult;
use crate::stats::RunResults;

/// Registers the embedded Noto Sans font as `sans-serif`, once per process. Every text draw
/// fails with `FontUnavailable` before this has run; the [`super::Plot`] methods call it
/// themselves.
pub fn register_fonts() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        // "sans-serif" is the family plotters' default captions and labels ask for. Bold and
        // italic requests fall back to the Normal face of the same name.
        plotters::style::register_font("sans-serif", FontStyle::Normal, ttf_noto_sans::REGULAR)
            .map_err(|_| ())
            .expect("embedded font is valid");
    });
}

pub(super) type Area<DB> = DrawingArea<DB, Shift>;
pub(super) type Coord = Ticked;
pub(super) type Chart<'a, DB> = ChartContext<'a, DB, Cartesian2d<Coord, Coord>>;

// ---------------------------------------------------------------------------------------------
// Style

pub(super) const FONT: &str = "sans-serif";
pub(super) const TITLE_PX: u32 = 24;
pub(super) const DESC_PX: u32 = 17;
pub(super) const LABEL_PX: u32 = 15;
pub(super) const LEGEND_PX: u32 = 15;
/// Room right of the plotting area for the last x tick label [px].
pub(super) const MARGIN_RIGHT: u32 = 30;
/// Width of the y label area: tick labels plus the rotated axis title [px].
pub(super) const Y_LABEL_AREA: u32 = 78;

/// Okabe-Ito, the colour-blind-safe palette: one colour per scenario or series.
pub(super) const SERIES: [RGBColor; 7] = [
    RGBColor(0x00, 0x72, 0xB2), // blue
    RGBColor(0xE6, 0x9F, 0x00), // orange
    RGBColor(0x00, 0x9E, 0x73), // bluish green
    RGBColor(0xD5, 0x5E, 0x00), // vermillion
    RGBColor(0xCC, 0x79, 0xA7), // reddish purple
    RGBColor(0x56, 0xB4, 0xE9), // sky blue
    RGBColor(0x00, 0x00, 0x00), // black
];
pub(super) const OKABE_BLUE: RGBColor = SERIES[0];
pub(super) const OKABE_ORANGE: RGBColor = SERIES[1];
pub(super) const OKABE_GREEN: RGBColor = SERIES[2];
pub(super) const OKABE_VERMILLION: RGBColor = SERIES[3];
pub(super) const INK: RGBColor = RGBColor(0x20, 0x20, 0x20);
pub(super) const MUTED: RGBColor = RGBColor(0x60, 0x60, 0x60);
pub(super) const GRID: RGBColor = RGBColor(0xDD, 0xDD, 0xDD);
pub(super) const WARMUP: RGBColor = RGBColor(0xEC, 0xEC, 0xEC);
/// The drain after arrivals stop: a cool tint, told apart from the warm-up's grey.
pub(super) const DRAIN: RGBColor = RGBColor(0xDD, 0xE8, 0xF2);
/// Largest to smallest positive value plotted above which a value axis is logarithmic: a
/// linear axis would flatten everything below a hundredth of the top against zero.
pub(super) const LOG_SPAN: f64 = 100.0;

/// Legend entries for process kinds, each with its fixed colour.
pub(super) fn kind_legend(kinds: &[String]) -> Vec<LegendItem> {
    kinds
        .iter()
        .map(|k| item(k.clone(), Swatch::Fill(kind_colour(k))))
        .collect()
}

/// The colour of a process kind, the same in every chart.
pub(super) fn kind_colour(kind: &str) -> RGBColor {
    match kind {
        "tcpip" => RGBColor(0x00, 0x72, 0xB2),       // blue
        "distributor" => RGBColor(0xE6, 0x9F, 0x00), // orange
        "listener" => RGBColor(0x00, 0x9E, 0x73),    // green
        "server" => RGBColor(0xCC, 0x79, 0xA7),      // purple
        "tcp" => RGBColor(0x56, 0xB4, 0xE9),         // sky blue
        "pathmon" => RGBColor(0xD5, 0x5E, 0x00),     // vermillion
        "acs" => RGBColor(0xF0, 0xE4, 0x42),         // yellow
        "clim" => RGBColor(0x33, 0x33, 0x33),        // near black
        other => {
            // Unknown kinds get a grey whose shade depends only on the name, so it is stable.
            let h = other
                .bytes()
                .fold(0u32, |h, b| h.wrapping_mul(31).wrapping_add(u32::from(b)));
            let g = 0x70 + (h % 0x50) as u8;
            RGBColor(g, g, g)
        }
    }
}

pub(super) fn font(px: u32) -> TextStyle<'static> {
    TextStyle::from((FONT, px).into_font()).color(&INK)
}
// ---------------------------------------------------------------------------------------------
// Axes

/// One axis in chart coordinates: its range, its ticks and their text. A log axis works in
/// `log10(value)` so the chart type is the same for linear and log axes.
pub(super) struct Axis {
    pub lo: f64,
    pub hi: f64,
    ticks: Vec<(f64, String)>,
    log: bool,
}

impl Axis {
    /// A linear axis from `lo` to at least `hi`, both ends on a tick of a 1-2-5 step, with at
    /// most about `max_ticks` intervals.
    pub fn linear(lo: f64, hi: f64, max_ticks: usize) -> Axis {
        let (lo, hi) = if hi.is_finite() && lo.is_finite() && hi > lo {
            (lo, hi)
        } else {
            (0.0, 1.0)
        };
        let step = nice_step((hi - lo) / max_ticks.max(1) as f64);
        let first = (lo / step + 1e-9).floor() as i64;
        let last = (hi / step - 1e-9).ceil() as i64;
        Axis::stepped(
            first as f64 * step,
            last as f64 * step,
            step,
            last as f64 * step,
        )
    }

    /// A linear axis with ticks every `step` from `lo` to `tick_hi`, whose range ends at
    /// `range_hi` (at or above `tick_hi`, to leave headroom for labels above bars).
    pub fn stepped(lo: f64, tick_hi: f64, step: f64, range_hi: f64) -> Axis {
        let decimals = decimals_for(step);
        let n = ((tick_hi - lo) / step + 1e-9).floor() as i64;
        let ticks = (0..=n)
            .map(|k| {
                let v = lo + k as f64 * step;
                (
                    v,
                    format!(
                        "{:.*}",
                        decimals,
                        if v.abs() < step * 1e-9 { 0.0 } else { v }
                    ),
                )
            })
            .collect();
        Axis {
            lo,
            hi: range_hi.max(tick_hi),
            ticks,
            log: false,
        }
    }

    /// A log axis covering `lo..hi` (both > 0) in whole decades. Ticks at 1, 2, 5 per decade
    /// when the axis spans at most three decades, else at each decade.
    pub fn log(lo: f64, hi: f64) -> Axis {
        let a = (lo.log10() + 1e-9).floor();
        let b = (hi.log10() - 1e-9).ceil().max(a + 1.0);
        let multiples: &[f64] = if b - a <= 3.0 {
            &[1.0, 2.0, 5.0]
        } else {
            &[1.0]
        };
        let mut ticks = Vec::new();
        for e in a as i32..=b as i32 {
            for m in multiples {
                let v = m * 10f64.powi(e);
                if v.log10() <= b + 1e-9 {
                    ticks.push((v.log10(), fmt_plain(v)));
                }
            }
        }
        Axis {
            lo: a,
            hi: b,
            ticks,
            log: true,
        }
    }

    /// Categories `0..n` centred on integers.
    pub fn categories(n: usize) -> Axis {
        let ticks = (0..n).map(|i| (i as f64, String::new())).collect();
        Axis {
            lo: -0.5,
            hi: n.max(1) as f64 - 0.5,
            ticks,
            log: false,
        }
    }

    /// A value axis for `values` (those not finite or not above 0 are not counted): linear
    /// from 0 to the largest times `headroom`, or, when the largest is more than [`LOG_SPAN`]
    /// times the smallest, log over whole decades from the smallest to the largest times
    /// `headroom`.
    pub fn for_values(
        values: impl IntoIterator<Item = f64>,
        headroom: f64,
        max_ticks: usize,
    ) -> Axis {
        Axis::for_values_up_to(values, 0.0, headroom, max_ticks)
    }

    /// [`Axis::for_values`], judged on `values` alone, with the top raised to at least `top`
    /// (values also drawn that should not decide whether the axis is log, such as a drain's).
    pub fn for_values_up_to(
        values: impl IntoIterator<Item = f64>,
        top: f64,
        headroom: f64,
        max_ticks: usize,
    ) -> Axis {
        let (lo, hi) = values
            .into_iter()
            .filter(|v| v.is_finite() && *v > 0.0)
            .fold((f64::INFINITY, 0.0f64), |(lo, hi), v| {
                (lo.min(v), hi.max(v))
            });
        let log = hi > 0.0 && hi / lo > LOG_SPAN;
        let hi = if top.is_finite() { hi.max(top) } else { hi };
        if log {
            Axis::log(lo, hi * headroom)
        } else {
            Axis::linear(0.0, hi * headroom, max_ticks)
        }
    }

    /// A log axis from exactly `lo` to exactly `hi` (both > 0; widened by half either way
    /// when they are equal), not rounded out to decades. Ticks: each decade over more than
    /// three decades, else 1-2-5 in each decade, else 1 to 9, and with fewer than three of
    /// those inside the range, 1-2-5 steps of a linear axis.
    pub fn log_range(lo: f64, hi: f64) -> Axis {
        let (lo, hi) = if hi > lo {
            (lo, hi)
        } else {
            (lo / 1.5, hi * 1.5)
        };
        let (a, b) = (lo.log10(), hi.log10());
        let inside = |v: f64| v.log10() >= a - 1e-9 && v.log10() <= b + 1e-9;
        let mut ticks: Vec<(f64, String)> = Vec::new();
        let sets: [&[f64]; 3] = [
            &[1.0],
            &[1.0, 2.0, 5.0],
            &[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0],
        ];
        for multiples in sets {
            ticks = (a.floor() as i32..=b.ceil() as i32)
                .flat_map(|e| multiples.iter().map(move |m| m * 10f64.powi(e)))
                .filter(|&v| inside(v))
                .map(|v| (v.log10(), fmt_plain(v)))
                .collect();
            if ticks.len() >= 4 {
                break;
            }
        }
        if ticks.len() < 3 {
            let step = nice_step((hi - lo) / 5.0);
            let decimals = decimals_for(step);
            let first = (lo / step - 1e-9).ceil() as i64;
            let last = (hi / step + 1e-9).floor() as i64;
            ticks = (first..=last)
                .map(|k| k as f64 * step)
                .filter(|&v| v > 0.0)
                .map(|v| (v.log10(), format!("{v:.decimals$}")))
                .collect();
        }
        Axis {
            lo: a,
            hi: b,
            ticks,
            log: true,
        }
    }

    /// Whether the axis is logarithmic.
    pub fn is_log(&self) -> bool {
        self.log
    }

    /// `desc`, with `, log scale` when the axis is logarithmic.
    pub fn desc(&self, desc: &str) -> String {
        if self.log {
            format!("{desc}, log scale")
        } else {
            desc.to_string()
        }
    }

    /// Chart coordinate of a data value.
    pub fn at(&self, v: f64) -> f64 {
        if self.log { v.log10() } else { v }
    }

    /// Chart coordinate of a data value, kept inside the axis (a value at or below 0 on a log
    /// axis sits on its floor).
    pub fn at_clamped(&self, v: f64) -> f64 {
        if self.log && v <= 0.0 {
            return self.lo;
        }
        self.at(v).clamp(self.lo, self.hi)
    }

    /// `points` (x already in chart coordinates, y a data value) as the lines to draw: whole
    /// on a linear axis; on a log axis broken where y is not above 0 (no log of it), the rest
    /// kept inside the axis.
    pub fn lines(&self, points: &[(f64, f64)]) -> Vec<Vec<(f64, f64)>> {
        if !self.log {
            return vec![points.to_vec()];
        }
        points
            .split(|p| p.1 <= 0.0)
            .filter(|run| !run.is_empty())
            .map(|run| run.iter().map(|&(x, y)| (x, self.at_clamped(y))).collect())
            .collect()
    }

    pub fn spec(&self) -> Coord {
        Ticked {
            inner: (self.lo..self.hi).into(),
            points: self.ticks.iter().map(|t| t.0).collect(),
        }
    }

    pub fn label(&self, c: f64) -> String {
        let tolerance = 1e-9 * (1.0 + c.abs());
        self.ticks
            .iter()
            .find(|t| (t.0 - c).abs() <= tolerance)
            .map(|t| t.1.clone())
            .unwrap_or_default()
    }
}

/// An f64 coordinate with the ticks an [`Axis`] chose. (plotters' own `WithKeyPoints` cannot be
/// used: wrapped around `RangedCoordf64` it loses the label formatter the mesh needs.)
pub(super) struct Ticked {
    inner: RangedCoordf64,
    points: Vec<f64>,
}

impl Ranged for Ticked {
    type FormatOption = DefaultFormatting;
    type ValueType = f64;

    fn map(&self, value: &f64, limit: (i32, i32)) -> i32 {
        self.inner.map(value, limit)
    }

    fn key_points<Hint: KeyPointHint>(&self, hint: Hint) -> Vec<f64> {
        // Bold points only: light mesh lines would add clutter and carry no label.
        if hint.weight().allow_light_points() {
            Vec::new()
        } else {
            self.points.clone()
        }
    }

    fn range(&self) -> Range<f64> {
        self.inner.range()
    }
}

/// The smallest 1, 2 or 5 times a power of ten at or above `raw`.
pub(super) fn nice_step(raw: f64) -> f64 {
    if !(raw.is_finite() && raw > 0.0) {
        return 1.0;
    }
    let exp = raw.log10().floor();
    let base = 10f64.powf(exp);
    let f = raw / base;
    let nice = if f <= 1.0 + 1e-9 {
        1.0
    } else if f <= 2.0 + 1e-9 {
        2.0
    } else if f <= 5.0 + 1e-9 {
        5.0
    } else {
        10.0
    };
    nice * base
}

/// Decimals needed to print multiples of `step` exactly (0.2 -> 1, 0.05 -> 2, 5 -> 0).
fn decimals_for(step: f64) -> usize {
    if step >= 1.0 {
        0
    } else {
        (-step.log10() - 1e-9).ceil().max(0.0) as usize
    }
}

/// A tick value on a log axis: `0.05`, `2`, `1000`.
fn fmt_plain(v: f64) -> String {
    if v >= 1.0 {
        format!("{v:.0}")
    } else {
        format!("{:.*}", decimals_for(v), v)
    }
}

/// A value printed above a bar: three significant digits, no exponent.
pub(super) fn fmt_sig3(v: f64) -> String {
    let a = v.abs();
    if a >= 100.0 || a == 0.0 {
        format!("{v:.0}")
    } else if a >= 10.0 {
        format!("{v:.1}")
    } else if a >= 1.0 {
        format!("{v:.2}")
    } else {
        format!("{:.*}", decimals_for(a) + 2, v)
    }
}

/// Builds a chart on `area` with our axes and draws its mesh. `x_label_area` is the height
/// under the plotting area (tick labels plus axis title); category charts pass more.
pub(super) fn build_chart<'a, DB: DrawingBackend>(
    area: &'a Area<DB>,
    x: &Axis,
    y: &Axis,
    x_desc: &str,
    y_desc: &str,
    x_label_area: u32,
    caption: Option<&str>,
) -> Result<Chart<'a, DB>, DrawingAreaErrorKind<DB::ErrorType>> {
    let mut builder = ChartBuilder::on(area);
    builder
        .margin_top(if caption.is_some() { 4 } else { 14 })
        .margin_left(8)
        .margin_right(MARGIN_RIGHT)
        .margin_bottom(6)
        .x_label_area_size(x_label_area)
        .y_label_area_size(Y_LABEL_AREA);
    if let Some(c) = caption {
        let style = fitted_font(area, c, DESC_PX, area.dim_in_pixel().0.saturating_sub(20))?;
        builder.caption(c, style);
    }
    let mut chart = builder.build_cartesian_2d(x.spec(), y.spec())?;
    let x_fmt = |v: &f64| x.label(*v);
    let y_fmt = |v: &f64| y.label(*v);
    let mut mesh = chart.configure_mesh();
    mesh.x_label_formatter(&x_fmt)
        .y_label_formatter(&y_fmt)
        .label_style(font(LABEL_PX))
        .axis_desc_style(font(DESC_PX))
        .bold_line_style(GRID)
        .light_line_style(TRANSPARENT)
        .axis_style(MUTED);
    if !x_desc.is_empty() {
        mesh.x_desc(x_desc);
    }
    mesh.y_desc(y_desc);
    mesh.draw()?;
    Ok(chart)
}

/// The largest font size up to `px` (down to 11) at which `text` fits in `width` pixels.
pub(super) fn fitted_font<DB: DrawingBackend>(
    area: &Area<DB>,
    text: &str,
    px: u32,
    width: u32,
) -> Result<TextStyle<'static>, DrawingAreaErrorKind<DB::ErrorType>> {
    let mut size = px;
    while size > 11 && area.estimate_text_size(text, &font(size))?.0 > width {
        size -= 1;
    }
    Ok(font(size))
}

/// Draws the chart title at the top of `root` and returns the area below it.
pub(super) fn title<DB: DrawingBackend>(
    root: &Area<DB>,
    text: &str,
) -> Result<Area<DB>, DrawingAreaErrorKind<DB::ErrorType>> {
    let width = root.dim_in_pixel().0.saturating_sub(40);
    let style = fitted_font(root, text, TITLE_PX, width)?;
    root.titled(text, style)
}

/// Writes `message` in the middle of `area`, for charts without data.
pub(super) fn no_data<DB: DrawingBackend>(area: &Area<DB>, message: &str) -> DrawResult<DB> {
    let (w, h) = area.dim_in_pixel();
    let style = font(DESC_PX)
        .color(&MUTED)
        .pos(Pos::new(HPos::Center, VPos::Center));
    area.draw(&Text::new(
        message.to_string(),
        (w as i32 / 2, h as i32 / 2),
        style,
    ))
}

// ---------------------------------------------------------------------------------------------
// Legends

/// How a legend entry shows its series.
#[derive(Clone, Copy, Debug)]
pub(super) enum Swatch {
    /// A filled box (bars, shaded areas).
    Fill(RGBColor),
    /// A solid line.
    Line(RGBColor),
    /// A dashed line.
    Dashed(RGBColor),
}

pub(super) struct LegendItem {
    pub label: String,
    pub swatch: Swatch,
}

pub(super) fn item(label: impl Into<String>, swatch: Swatch) -> LegendItem {
    LegendItem {
        label: label.into(),
        swatch,
    }
}

const SWATCH_W: i32 = 26;
const LEGEND_ROW: i32 = 24;

/// Width of the legend column for `items` (with an optional heading) [px].
pub(super) fn legend_width<DB: DrawingBackend>(
    area: &Area<DB>,
    heading: Option<&str>,
    items: &[LegendItem],
) -> Result<u32, DrawingAreaErrorKind<DB::ErrorType>> {
    let mut w = 0;
    for it in items {
        w = w.max(area.estimate_text_size(&it.label, &font(LEGEND_PX))?.0 + SWATCH_W as u32 + 10);
    }
    if let Some(h) = heading {
        w = w.max(area.estimate_text_size(h, &font(LEGEND_PX))?.0);
    }
    Ok(w + 24)
}

/// Draws a legend in `area` starting at `top` [px from the area's top].
pub(super) fn draw_legend<DB: DrawingBackend>(
    area: &Area<DB>,
    heading: Option<&str>,
    items: &[LegendItem],
    top: i32,
) -> DrawResult<DB> {
    let x = 6;
    let mut y = top;
    let text = font(LEGEND_PX).pos(Pos::new(HPos::Left, VPos::Center));
    if let Some(h) = heading {
        area.draw(&Text::new(
            h.to_string(),
            (x, y + LEGEND_ROW / 2),
            text.color(&MUTED),
        ))?;
        y += LEGEND_ROW;
    }
    for it in items {
        let mid = y + LEGEND_ROW / 2;
        match it.swatch {
            Swatch::Fill(c) => {
                area.draw(&Rectangle::new(
                    [(x, mid - 7), (x + SWATCH_W, mid + 7)],
                    c.filled(),
                ))?;
            }
            Swatch::Line(c) => {
                area.draw(&PathElement::new(
                    vec![(x, mid), (x + SWATCH_W, mid)],
                    c.stroke_width(3),
                ))?;
            }
            Swatch::Dashed(c) => {
                for (a, b) in [(0, 7), (10, 16), (19, SWATCH_W)] {
                    area.draw(&PathElement::new(
                        vec![(x + a, mid), (x + b, mid)],
                        c.stroke_width(3),
                    ))?;
                }
            }
        }
        area.draw(&Text::new(
            it.label.clone(),
            (x + SWATCH_W + 8, mid),
            text.clone(),
        ))?;
        y += LEGEND_ROW;
    }
    Ok(())
}

/// Splits `body` into the plotting part and a legend column on the right.
pub(super) fn with_legend_column<DB: DrawingBackend>(
    body: &Area<DB>,
    legend_w: u32,
) -> (Area<DB>, Area<DB>) {
    let w = body.dim_in_pixel().0;
    body.split_horizontally(w.saturating_sub(legend_w) as i32)
}

// ---------------------------------------------------------------------------------------------
// Category labels

/// How category names are printed under a bar chart.
pub(super) struct CategoryLabels {
    /// Lines of each name (empty for names skipped to make room).
    lines: Vec<Vec<String>>,
    px: u32,
}

impl CategoryLabels {
    /// Fits `names` into slots `slot` pixels wide: wraps them, shrinks the font down to 11 px,
    /// and as a last resort shows only every k-th name.
    pub fn fit<DB: DrawingBackend>(
        area: &Area<DB>,
        names: &[String],
        slot: u32,
    ) -> Result<CategoryLabels, DrawingAreaErrorKind<DB::ErrorType>> {
        let names: Vec<Vec<String>> = names.iter().map(|n| vec![n.clone()]).collect();
        CategoryLabels::fit_lines(area, &names, slot)
    }

    /// Like [`CategoryLabels::fit`] for names of several lines (`["$PM1", "MAXSERVERS 10"]`):
    /// each line starts a new line and is wrapped on its own.
    pub fn fit_lines<DB: DrawingBackend>(
        area: &Area<DB>,
        names: &[Vec<String>],
        slot: u32,
    ) -> Result<CategoryLabels, DrawingAreaErrorKind<DB::ErrorType>> {
        let usable = slot.saturating_sub(6).max(1);
        let mut px = LABEL_PX;
        loop {
            let style = font(px);
            let mut lines = Vec::with_capacity(names.len());
            let mut widest = 0;
            for name in names {
                let mut wrapped = Vec::new();
                for n in name {
                    wrapped.extend(wrap(area, n, &style, usable)?);
                }
                for l in &wrapped {
                    widest = widest.max(area.estimate_text_size(l, &style)?.0);
                }
                lines.push(wrapped);
            }
            if widest <= usable {
                return Ok(CategoryLabels { lines, px });
            }
            if px <= 11 {
                // Show every k-th name so neighbours do not overlap.
                let every = (widest as usize).div_ceil(usable as usize).max(1);
                for (i, l) in lines.iter_mut().enumerate() {
                    if i % every != 0 {
                        l.clear();
                    }
                }
                return Ok(CategoryLabels { lines, px });
            }
            px -= 1;
        }
    }

    fn line_height(&self) -> u32 {
        self.px + 4
    }

    /// Height of the x label area: the names, a gap and the axis title [px].
    pub fn area_height(&self) -> u32 {
        let lines = self.lines.iter().map(Vec::len).max().unwrap_or(1).max(1) as u32;
        12 + lines * self.line_height() + 8 + DESC_PX + 6
    }

    /// Draws the names centred under `x = 0, 1, ...` of `chart`, just below the x axis.
    pub fn draw<DB: DrawingBackend>(
        &self,
        area: &Area<DB>,
        chart: &Chart<'_, DB>,
        y_axis: &Axis,
    ) -> DrawResult<DB> {
        let base = area.get_base_pixel();
        let style = font(self.px).pos(Pos::new(HPos::Center, VPos::Top));
        for (i, lines) in self.lines.iter().enumerate() {
            let (px, py) = chart.backend_coord(&(i as f64, y_axis.lo));
            for (k, line) in lines.iter().enumerate() {
                let pos = (
                    px - base.0,
                    py - base.1 + 10 + k as i32 * self.line_height() as i32,
                );
                area.draw(&Text::new(line.clone(), pos, style.clone()))?;
            }
        }
        Ok(())
    }
}

/// Greedy word wrap of `name` at `-`, `_`, `/` and spaces (the separator stays at the end of
/// its line, so `fig-3-3-` / `distributor` still reads as one name).
fn wrap<DB: DrawingBackend>(
    area: &Area<DB>,
    name: &str,
    style: &TextStyle<'_>,
    width: u32,
) -> Result<Vec<String>, DrawingAreaErrorKind<DB::ErrorType>> {
    let tokens = wrap_tokens(name);
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for t in tokens {
        let candidate = format!("{line}{t}");
        if line.is_empty() || area.estimate_text_size(candidate.trim_end(), style)?.0 <= width {
            line = candidate;
        } else {
            lines.push(line.trim_end().to_string());
            line = t;
        }
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line.trim_end().to_string());
    }
    Ok(lines)
}

/// `name` cut where a line may break: after `-`, `_`, `/` and spaces (the separator stays at
/// the end of its piece); in the overrides of a `compare` label, before the `[` and after each
/// `,` between settings only, so `fig-3-3-distributor[rate=20000/s,duration=30s]` breaks into the name and
/// whole settings, never inside `20000/s`.
fn wrap_tokens(name: &str) -> Vec<String> {
    let mut tokens: Vec<String> = Vec::new();
    let mut cur = String::new();
    let mut depth = 0usize;
    for c in name.chars() {
        if c == '[' && depth == 0 && !cur.is_empty() {
            tokens.push(std::mem::take(&mut cur));
        }
        cur.push(c);
        match c {
            '[' => depth += 1,
            ']' => depth = depth.saturating_sub(1),
            _ => {}
        }
        // Inside the overrides, only a comma between settings breaks (not one inside a
        // value such as `server_class[1].cpus=[0,1]`).
        let breaks = if depth == 0 {
            matches!(c, '-' | '_' | '/' | ' ')
        } else {
            depth == 1 && c == ','
        };
        if breaks {
            tokens.push(std::mem::take(&mut cur));
        }
    }
    if !cur.is_empty() {
        tokens.push(cur);
    }
    tokens
}

/// Width of one category slot [px] when a chart with `n` categories is drawn in `area`.
pub(super) fn slot_width<DB: DrawingBackend>(area: &Area<DB>, n: usize) -> u32 {
    let plot_w = area
        .dim_in_pixel()
        .0
        .saturating_sub(Y_LABEL_AREA + MARGIN_RIGHT + 8);
    plot_w / n.max(1) as u32
}

// ---------------------------------------------------------------------------------------------
// Latency CDF (shared by the single-run and the comparison chart)

/// One CDF line: `(latency_ms, cumulative fraction)` points in increasing latency.
pub(super) struct Curve {
    pub label: String,
    pub colour: RGBColor,
    /// Dashed instead of solid: tells curves apart once the palette repeats.
    pub dashed: bool,
    pub points: Vec<(f64, f64)>,
}

/// A marked percentile: dashed lines from the y axis to the curve and down to the x axis.
pub(super) struct Guide {
    pub label: String,
    pub colour: RGBColor,
    pub fraction: f64,
    pub latency_ms: f64,
}

/// The CDF of a run's latency histogram as line points: the lower edge of the first non-empty
/// bucket at 0, then each bucket's upper bound at its cumulative fraction, up to the first
/// bucket that reaches 1. Straight lines between points interpolate within a bucket.
pub(super) fn cdf_points(r: &RunResults) -> Vec<(f64, f64)> {
    let buckets: Vec<_> = r
        .latency_histogram
        .iter()
        .filter(|b| b.upper_ms.is_finite() && b.upper_ms >= 0.0)
        .collect();
    let Some(first) = buckets.iter().position(|b| b.count > 0) else {
        return Vec::new();
    };
    let lower = if first > 0 {
        buckets[first - 1].upper_ms
    } else {
        0.0
    };
    let mut points = vec![(lower, 0.0)];
    for b in &buckets[first..] {
        points.push((b.upper_ms, b.cumulative.clamp(0.0, 1.0)));
        if b.cumulative >= 1.0 - 1e-12 {
            break;
        }
    }
    points
}

/// The latency [ms] at cumulative fraction `q` of CDF `points`, interpolated linearly within
/// the bucket that reaches it; `None` for an empty curve. In a bucket starting at 0 the result
/// is kept to the bucket's top decade, so it stays above 0 for a log axis.
pub(super) fn cdf_quantile(points: &[(f64, f64)], q: f64) -> Option<f64> {
    let i = points.iter().position(|p| p.1 >= q)?;
    if i == 0 {
        return Some(points[0].0);
    }
    let ((x0, f0), (x1, f1)) = (points[i - 1], points[i]);
    let x = if f1 > f0 {
        x0 + (x1 - x0) * (q - f0) / (f1 - f0)
    } else {
        x1
    };
    // Linear within a bucket that starts at 0 says little on a log axis: keep to its top
    // decade.
    Some(if x0 <= 0.0 { x.max(x1 / 10.0) } else { x })
}

/// `points` from latency `lo` on: those below are replaced by the curve's point at `lo`.
fn cdf_from(points: &[(f64, f64)], lo: f64) -> Vec<(f64, f64)> {
    let Some(i) = points.iter().position(|p| p.0 >= lo) else {
        return Vec::new();
    };
    let mut kept = Vec::with_capacity(points.len() - i + 1);
    if i > 0 {
        let ((x0, f0), (x1, f1)) = (points[i - 1], points[i]);
        let f = if x1 > x0 {
            f0 + (f1 - f0) * (lo - x0) / (x1 - x0)
        } else {
            f1
        };
        kept.push((lo, f));
    }
    kept.extend_from_slice(&points[i..]);
    kept
}

/// Draws CDF curves on common axes in `body`, with a legend column. The x axis is
/// logarithmic, from the lowest 0.1th percentile of the curves to the highest maximum, so
/// every scenario of a figure shares it and the tail, where latencies differ most, gets room.
pub(super) fn draw_cdf<DB: DrawingBackend>(
    body: &Area<DB>,
    curves: &[Curve],
    guides: &[Guide],
    heading: Option<&str>,
) -> DrawResult<DB> {
    let hi = curves
        .iter()
        .flat_map(|c| c.points.iter().map(|p| p.0))
        .fold(f64::NAN, f64::max);
    let lo = curves
        .iter()
        .filter_map(|c| cdf_quantile(&c.points, 0.001))
        .fold(f64::NAN, f64::min);
    if !hi.is_finite() || hi <= 0.0 || lo.is_nan() || lo <= 0.0 {
        return no_data(body, "no measured requests: nothing to plot");
    }
    let x = Axis::log_range(lo, hi);
    let lo = 10f64.powf(x.lo);
    let y = Axis::stepped(0.0, 1.0, 0.1, 1.02);

    let mut items: Vec<LegendItem> = curves
        .iter()
        .map(|c| {
            let swatch = if c.dashed {
                Swatch::Dashed(c.colour)
            } else {
                Swatch::Line(c.colour)
            };
            item(c.label.clone(), swatch)
        })
        .collect();
    items.extend(
        guides
            .iter()
            .map(|g| item(g.label.clone(), Swatch::Dashed(g.colour))),
    );
    let (plot_area, legend_area) = with_legend_column(body, legend_width(body, heading, &items)?);

    let mut chart = build_chart(
        &plot_area,
        &x,
        &y,
        "latency [ms], log scale, from the 0.1th percentile",
        "cumulative fraction of requests",
        60,
        None,
    )?;

    for g in guides {
        let gx = x.at(g.latency_ms.max(lo)).clamp(x.lo, x.hi);
        let style = g.colour.stroke_width(2);
        chart.draw_series(DashedLineSeries::new(
            [(x.lo, g.fraction), (gx, g.fraction), (gx, 0.0)],
            8,
            5,
            style,
        ))?;
    }
    for c in curves {
        let points: Vec<_> = cdf_from(&c.points, lo)
            .into_iter()
            .map(|(lx, f)| (x.at(lx), f))
            .collect();
        if c.dashed {
            chart.draw_series(DashedLineSeries::new(
                points,
                10,
                6,
                c.colour.stroke_width(3),
            ))?;
        } else {
            chart.draw_series(LineSeries::new(points, c.colour.stroke_width(3)))?;
        }
    }
    draw_legend(&legend_area, heading, &items, 14)
}

/// Shades `0..warmup_s` light grey and labels it "warm-up" (inside the band when it fits,
/// else just right of it).
pub(super) fn shade_warmup<DB: DrawingBackend>(
    area: &Area<DB>,
    chart: &mut Chart<'_, DB>,
    x: &Axis,
    y: &Axis,
    warmup_s: f64,
) -> DrawResult<DB> {
    if warmup_s.is_nan() || warmup_s <= 0.0 {
        return Ok(());
    }
    let end = warmup_s.min(x.hi);
    chart.draw_series(std::iter::once(Rectangle::new(
        [(x.lo, y.lo), (end, y.hi)],
        WARMUP.filled(),
    )))?;
    let label = "warm-up";
    let style = font(13).color(&MUTED);
    let text_w = area.estimate_text_size(label, &style)?.0 as i32;
    let band_w = chart.backend_coord(&(end, y.hi)).0 - chart.backend_coord(&(x.lo, y.hi)).0;
    let (anchor, pos, dx) = if band_w >= text_w + 8 {
        ((x.lo + end) / 2.0, Pos::new(HPos::Center, VPos::Top), 0)
    } else {
        (end, Pos::new(HPos::Left, VPos::Top), 4)
    };
    let (px, py) = chart.backend_coord(&(anchor, y.hi));
    let base = area.get_base_pixel();
    area.draw(&Text::new(
        label,
        (px - base.0 + dx, py - base.1 + 4),
        style.pos(pos),
    ))
}

/// The instants a run's faults mark on a time axis: each processor failure (`cpuN down`),
/// each reload's end (`cpuN up`), each kill (`NAME killed`) and each PIF's failure and repair
/// (`G4SA0.0.A down`, `G4SA0.0.A up`) and CLIM's (`CLIM C0 down`, `CLIM C0 up`), in time
/// order.
pub(super) fn fault_marks(r: &RunResults) -> Vec<(f64, String)> {
    let Some(f) = &r.faults else {
        return Vec::new();
    };
    let mut marks: Vec<(f64, String)> = f
        .faults
        .iter()
        .filter_map(|x| {
            if let Some(clim) = &x.clim {
                return match x.action.as_str() {
                    "clim_down" => Some((x.at_s, format!("CLIM {clim} down"))),
                    _ => Some((x.at_s, format!("CLIM {clim} up"))),
                };
            }
            if let Some(pif) = &x.pif {
                return match x.action.as_str() {
                    "pif_down" => Some((x.at_s, format!("{pif} down"))),
                    _ => Some((x.at_s, format!("{pif} up"))),
                };
            }
            let cpu = x.processor?;
            match x.action.as_str() {
                "processor_down" => Some((x.at_s, format!("cpu{cpu} down"))),
                "process_kill" => x
                    .process
                    .as_ref()
                    .map(|name| (x.at_s, format!("{name} killed"))),
                _ => x.up_s.map(|t| (t, format!("cpu{cpu} up"))),
            }
        })
        .collect();
    marks.sort_by(|a, b| a.0.total_cmp(&b.0));
    marks
}

/// Draws each fault mark as a dashed vertical line across the chart, labelled at the top
/// (labels of marks closer than their width are left out, so they never overlap).
pub(super) fn mark_faults<DB: DrawingBackend>(
    area: &Area<DB>,
    chart: &mut Chart<'_, DB>,
    x: &Axis,
    y: &Axis,
    marks: &[(f64, String)],
) -> DrawResult<DB> {
    let style = font(13).color(&INK);
    let base = area.get_base_pixel();
    let mut last_label_end = i32::MIN;
    for (t, label) in marks {
        if *t < x.lo || *t > x.hi {
            continue;
        }
        chart.draw_series(DashedLineSeries::new(
            [(*t, y.lo), (*t, y.hi)],
            6,
            4,
            INK.stroke_width(2),
        ))?;
        let (px, py) = chart.backend_coord(&(*t, y.hi));
        let w = area.estimate_text_size(label, &style)?.0 as i32;
        if px + 4 > last_label_end {
            area.draw(&Text::new(
                label.as_str(),
                (px - base.0 + 4, py - base.1 + 20),
                style.pos(Pos::new(HPos::Left, VPos::Top)),
            ))?;
            last_label_end = px + 4 + w + 6;
        }
    }
    Ok(())
}

/// Shades the drain, `from_s` (when arrivals stopped) to `to_s` (when the run ended), and
/// labels it "drain" at the top (inside the band when it fits, else just left of it).
/// Nothing when arrivals stopped at or after the axis ends.
pub(super) fn shade_drain<DB: DrawingBackend>(
    area: &Area<DB>,
    chart: &mut Chart<'_, DB>,
    x: &Axis,
    y: &Axis,
    (from_s, to_s): (f64, f64),
) -> DrawResult<DB> {
    if !from_s.is_finite() || from_s >= x.hi || to_s.is_nan() || to_s <= from_s {
        return Ok(());
    }
    let start = from_s.max(x.lo);
    let end = to_s.min(x.hi);
    chart.draw_series(std::iter::once(Rectangle::new(
        [(start, y.lo), (end, y.hi)],
        DRAIN.filled(),
    )))?;
    let label = "drain";
    let style = font(13).color(&MUTED);
    let text_w = area.estimate_text_size(label, &style)?.0 as i32;
    let band_w = chart.backend_coord(&(end, y.hi)).0 - chart.backend_coord(&(start, y.hi)).0;
    let (anchor, pos, dx) = if band_w >= text_w + 8 {
        ((start + end) / 2.0, Pos::new(HPos::Center, VPos::Top), 0)
    } else {
        (start, Pos::new(HPos::Right, VPos::Top), -4)
    };
    let (px, py) = chart.backend_coord(&(anchor, y.hi));
    let base = area.get_base_pixel();
    area.draw(&Text::new(
        label,
        (px - base.0 + dx, py - base.1 + 4),
        style.pos(pos),
    ))
}

/// One bar of a utilisation chart: a processor or a CLIM.
struct Bar<'a> {
    long: String,
    short: String,
    busy: f64,
    /// Busy ratio by process kind.
    parts: Vec<(&'a str, f64)>,
}

/// One utilisation chart in `area`: a bar per processor, stacked by kind in `kinds` order, with
/// the total busy percentage above each bar. The y axis is 0..100 % whatever the data.
pub(super) fn utilisation_panel<DB: DrawingBackend>(
    area: &Area<DB>,
    r: &RunResults,
    kinds: &[String],
    caption: Option<&str>,
) -> DrawResult<DB> {
    // A bar per processor, then one per CLIM (all of a CLIM's work is its protocol stack's).
    let bars: Vec<Bar> = r
        .processors
        .iter()
        .map(|p| Bar {
            long: format!("cpu{}", p.id),
            short: p.id.to_string(),
            busy: p.busy_ratio,
            parts: p
                .busy_by_kind
                .iter()
                .map(|k| (k.kind.as_str(), k.busy_ratio))
                .collect(),
        })
        .chain(r.clims.iter().map(|c| Bar {
            long: c.name.clone(),
            short: c.name.clone(),
            busy: c.busy_ratio,
            parts: vec![("clim", c.busy_ratio)],
        }))
        .collect();
    let n = bars.len();
    if n == 0 {
        if let Some(c) = caption {
            area.draw(&Text::new(c.to_string(), (10, 10), font(DESC_PX)))?;
        }
        return no_data(area, "no processors");
    }
    let slot = slot_width(area, n);
    // `cpu12` when it fits, else just the number (the axis title says "processor").
    let long: Vec<String> = bars.iter().map(|b| b.long.clone()).collect();
    let short: Vec<String> = bars.iter().map(|b| b.short.clone()).collect();
    let mut labels = CategoryLabels::fit(area, &long, slot)?;
    if labels.px < LABEL_PX || labels.lines.iter().any(|l| l.len() != 1) {
        labels = CategoryLabels::fit(area, &short, slot)?;
    }

    let x = Axis::categories(n);
    // Headroom above 100 % for the total labels.
    let y = Axis::stepped(0.0, 100.0, 20.0, 109.0);
    let title = if r.clims.is_empty() {
        "processor"
    } else {
        "processor, CLIM"
    };
    let mut chart = build_chart(
        area,
        &x,
        &y,
        title,
        "busy [%]",
        labels.area_height(),
        caption,
    )?;
    let half = 0.36;
    for (i, p) in bars.iter().enumerate() {
        let c = i as f64;
        let mut base = 0.0;
        for kind in kinds {
            let share: f64 = p.parts.iter().filter(|k| k.0 == kind).map(|k| k.1).sum();
            if share <= 0.0 {
                continue;
            }
            // Clamped at 100 %: a processor cannot be busier, and the label shows the real value.
            let top = (base + 100.0 * share).min(100.0);
            chart.draw_series(std::iter::once(Rectangle::new(
                [(c - half, base), (c + half, top)],
                kind_colour(kind).filled(),
            )))?;
            base = top;
        }
        let total = (100.0 * p.busy).max(base);
        let value = format!("{:.0}", 100.0 * p.busy);
        let style = font(13).color(&MUTED);
        let text_w = area.estimate_text_size(&value, &style)?.0;
        if text_w + 2 <= slot {
            chart.draw_series(std::iter::once(Text::new(
                value,
                (c, total.min(100.0) + 1.0),
                style.pos(Pos::new(HPos::Center, VPos::Bottom)),
            )))?;
        }
    }
    labels.draw(area, &chart, &y)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::testdata::sample_results;

    #[test]
    fn names_break_after_separators_and_before_overrides() {
        assert_eq!(wrap_tokens("fig-3-3"), ["fig-", "3-", "3"]);
        assert_eq!(
            wrap_tokens("pl[rate=20000/s,duration=30s]"),
            ["pl", "[rate=20000/s,", "duration=30s]"]
        );
        assert_eq!(
            wrap_tokens("pl[server_class[1].cpus=[0,1],run.duration=30s]"),
            ["pl", "[server_class[1].cpus=[0,1],", "run.duration=30s]"]
        );
        assert_eq!(wrap_tokens("[x]"), ["[x]"]);
        assert_eq!(wrap_tokens("a[p=[3,4]]-b"), ["a", "[p=[3,4]]-", "b"]);
    }

    #[test]
    fn nice_steps_are_1_2_5() {
        assert_eq!(nice_step(0.7), 1.0);
        assert_eq!(nice_step(1.3), 2.0);
        assert_eq!(nice_step(3.0), 5.0);
        assert_eq!(nice_step(7.0), 10.0);
        assert!((nice_step(0.013) - 0.02).abs() < 1e-12);
        assert_eq!(nice_step(0.0), 1.0);
    }

    #[test]
    fn linear_axis_ends_on_ticks_with_clean_labels() {
        let a = Axis::linear(0.0, 0.93, 10);
        assert_eq!(a.lo, 0.0);
        assert!((a.hi - 1.0).abs() < 1e-12);
        let labels: Vec<_> = a.ticks.iter().map(|t| t.1.as_str()).collect();
        assert_eq!(
            labels,
            [
                "0.0", "0.1", "0.2", "0.3", "0.4", "0.5", "0.6", "0.7", "0.8", "0.9", "1.0"
            ]
        );
        let b = Axis::linear(0.0, 525.0, 6);
        assert_eq!(b.ticks.last().unwrap().1, "600");
    }

    #[test]
    fn log_axis_covers_whole_decades() {
        let a = Axis::log(0.13, 600.0);
        assert_eq!((a.lo, a.hi), (-1.0, 3.0));
        let labels: Vec<_> = a.ticks.iter().map(|t| t.1.as_str()).collect();
        assert_eq!(labels, ["0.1", "1", "10", "100", "1000"]);
        let b = Axis::log(0.5, 20.0);
        let labels: Vec<_> = b.ticks.iter().map(|t| t.1.as_str()).collect();
        assert_eq!(
            labels,
            ["0.1", "0.2", "0.5", "1", "2", "5", "10", "20", "50", "100"]
        );
        assert_eq!(b.label(b.at(0.2)), "0.2");
    }

    #[test]
    fn value_axes_turn_log_past_a_span_of_100() {
        // 2 to 200 is a span of exactly 100: linear, from 0.
        let a = Axis::for_values([2.0, 50.0, 200.0, 0.0, f64::NAN], 1.0, 6);
        assert!(!a.is_log());
        assert_eq!(a.lo, 0.0);
        assert_eq!(a.desc("latency [ms]"), "latency [ms]");
        // 1.9 to 200: log, over whole decades; zeros are not counted.
        let b = Axis::for_values([1.9, 50.0, 200.0, 0.0], 1.0, 6);
        assert!(b.is_log());
        assert_eq!((b.lo, b.hi), (0.0, 3.0));
        assert_eq!(b.desc("latency [ms]"), "latency [ms], log scale");
        assert_eq!(
            b.lines(&[(0.0, 5.0), (1.0, 0.0), (2.0, 10.0), (3.0, 100.0)])
                .len(),
            2
        );
        assert_eq!(b.at_clamped(0.0), b.lo);
        // Judged without the drain, raised to cover it.
        let c = Axis::for_values_up_to([100.0, 120.0], 300.0, 1.0, 6);
        assert!(!c.is_log() && c.hi >= 300.0);
    }

    #[test]
    fn a_log_range_ends_where_it_is_told_with_readable_ticks() {
        let a = Axis::log_range(0.35, 12.0);
        assert!((a.lo - 0.35f64.log10()).abs() < 1e-12 && (a.hi - 12f64.log10()).abs() < 1e-12);
        let labels: Vec<_> = a.ticks.iter().map(|t| t.1.as_str()).collect();
        assert_eq!(labels, ["0.5", "1", "2", "5", "10"]);
        // Under a decade: 1 to 9.
        let b = Axis::log_range(1.2, 8.5);
        let labels: Vec<_> = b.ticks.iter().map(|t| t.1.as_str()).collect();
        assert_eq!(labels, ["2", "3", "4", "5", "6", "7", "8"]);
        // Narrower still: linear 1-2-5 steps, at their log positions.
        let c = Axis::log_range(1.21, 1.6);
        let labels: Vec<_> = c.ticks.iter().map(|t| t.1.as_str()).collect();
        assert_eq!(labels, ["1.3", "1.4", "1.5", "1.6"]);
        // Over more than three decades: each decade.
        let d = Axis::log_range(0.02, 900.0);
        let labels: Vec<_> = d.ticks.iter().map(|t| t.1.as_str()).collect();
        assert_eq!(labels, ["0.1", "1", "10", "100"]);
    }

    #[test]
    fn cdf_quantiles_interpolate_and_curves_start_at_the_axis() {
        let p = [(0.0, 0.0), (1.0, 0.002), (2.0, 0.5), (4.0, 1.0)];
        // 0.001 is half way through the first bucket, which starts at 0.
        assert_eq!(cdf_quantile(&p, 0.001), Some(0.5));
        assert_eq!(cdf_quantile(&p, 0.75), Some(3.0));
        assert_eq!(cdf_quantile(&[(0.0, 0.0), (1.0, 0.9)], 0.001), Some(0.1));
        assert_eq!(cdf_quantile(&[], 0.5), None);
        let from = cdf_from(&p, 3.0);
        assert_eq!(from, [(3.0, 0.75), (4.0, 1.0)]);
    }

    #[test]
    fn cdf_starts_at_zero_and_stops_at_one() {
        let r = sample_results("a");
        let p = cdf_points(&r);
        assert_eq!(p[0].1, 0.0);
        assert!((p.last().unwrap().1 - 1.0).abs() < 1e-12);
        assert!(p.windows(2).all(|w| w[0].0 < w[1].0 && w[0].1 <= w[1].1));
        let mut empty = r.clone();
        empty.latency_histogram.clear();
        assert!(cdf_points(&empty).is_empty());
    }
}
