//! Charts of one run and of several runs, drawn once and rendered as PNG and SVG.
//!
//! Each chart is a [`Plot`] variant; [`Plot::draw`] is generic over the plotters backend, so
//! the PNG and the SVG come from the same code. Conventions every chart follows:
//!
//! - a title, axis titles with units in brackets (`latency [ms]`), ticks we choose ourselves
//!   (1-2-5 steps, labels with as many decimals as the step needs), and a right margin so the
//!   last x tick label is not clipped;
//! - the legend sits in a column right of the plotting area, never on top of the data;
//! - process kinds have one colour each in every chart (`kit::kind_colour`); scenarios take the
//!   colour-blind-safe Okabe-Ito palette in the order given;
//! - category names (processors, scenarios) are centred under their bars and wrapped at `-`,
//!   `_`, `/` and spaces to fit their slot; if they still do not fit, the font shrinks and then
//!   only every k-th name is shown.
//!
//! Text needs a font: plotters is built with `ab_glyph` and no system fonts, so
//! [`register_fonts`] registers Noto Sans once per process. The `Plot` methods call it.
//!
//! Files: `kit.rs` holds what charts share (fonts, colours, axes, legends, category labels, CDF
//! curves, the warm-up band, the utilisation panel); `run.rs` the charts of one run;
//! `compare.rs` the charts of several runs; `pathway.rs` the TS/MP link and server charts of
//! one run; `links.rs` the links per link manager. This file only names the charts and renders them; the chart files import the kit,
//! and the kit imports none of them.

mod breakdown;
mod compare;
mod kit;
mod links;
mod pathway;
mod run;
mod sweep;

use std::path::{Path, PathBuf};

use anyhow::{Context, anyhow};

use plotters::coord::Shift;
use plotters::prelude::*;

pub use breakdown::{write as write_breakdown, write_compare as write_compare_breakdown};
pub use kit::register_fonts;

use crate::experiment::Replicated;
use crate::stats::RunResults;
use compare::Bars;

/// A chart this module draws. Single-run charts borrow one run; comparison charts borrow the
/// runs in the order they should appear (left to right, and in legends).
#[derive(Clone, Copy, Debug)]
pub enum Plot<'a> {
    /// Cumulative distribution of end-to-end latency, with p50 and p99 marked.
    LatencyCdf(&'a RunResults),
    /// Two panels over time: throughput (completed and offered) and latency (p99 and mean),
    /// warm-up shaded.
    ThroughputLatency(&'a RunResults),
    /// Busy percentage per processor, stacked by process kind.
    Utilisation(&'a RunResults),
    /// p50, p90 and p99 latency per scenario, grouped bars.
    CompareLatency(&'a [RunResults]),
    /// Offered and completed throughput per scenario.
    CompareThroughput(&'a [RunResults]),
    /// One latency CDF per scenario on common axes.
    CompareLatencyCdf(&'a [RunResults]),
    /// One utilisation panel per scenario, same 0..100 % scale.
    CompareUtilisation(&'a [RunResults]),
    /// Per ACS domain target, one panel: configured weight, link share and request share of
    /// each PATHMON [%]. Empty (a "no data" note) when no send target is a domain.
    LinkShare(&'a RunResults),
    /// Static and dynamic servers running over time, one panel per server class name, one
    /// colour per PATHMON.
    Servers(&'a RunResults),
    /// Links held per link manager (processor) and PATHMON, one panel per send target.
    LinkManagers(&'a RunResults),
    /// Pathway/XM: servers of distributed classes per processor of the server node over time.
    XmServersByCpu(&'a RunResults),
}

impl Plot<'_> {
    /// File stem: `latency_cdf`, `throughput_latency`, `utilisation`, `link_share`, `servers`,
    /// `compare_latency`, `compare_throughput`, `compare_latency_cdf`, `compare_utilisation`.
    pub fn name(&self) -> &'static str {
        match self {
            Plot::LatencyCdf(_) => "latency_cdf",
            Plot::ThroughputLatency(_) => "throughput_latency",
            Plot::Utilisation(_) => "utilisation",
            Plot::CompareLatency(_) => "compare_latency",
            Plot::CompareThroughput(_) => "compare_throughput",
            Plot::CompareLatencyCdf(_) => "compare_latency_cdf",
            Plot::CompareUtilisation(_) => "compare_utilisation",
            Plot::LinkShare(_) => "link_share",
            Plot::Servers(_) => "servers",
            Plot::LinkManagers(_) => "link_managers",
            Plot::XmServersByCpu(_) => "xm_servers_by_cpu",
        }
    }

    /// Image size [px]. Comparison charts grow with the number of scenarios so names and
    /// panels keep a readable size.
    pub fn size(&self) -> (u32, u32) {
        match self {
            Plot::LatencyCdf(_) | Plot::Utilisation(_) | Plot::CompareLatencyCdf(_) => (1000, 600),
            Plot::ThroughputLatency(_) => (1000, 720),
            Plot::CompareLatency(runs) | Plot::CompareThroughput(runs) => {
                compare::bars_size(runs.len())
            }
            Plot::CompareUtilisation(runs) => compare::utilisation_size(runs.len()),
            Plot::LinkShare(r) => pathway::link_share_size(r),
            Plot::Servers(r) => pathway::servers_size(r),
            Plot::LinkManagers(r) => links::size(r),
            Plot::XmServersByCpu(_) => (1000, 600),
        }
    }

    /// The chart as an SVG document.
    pub fn to_svg(&self) -> anyhow::Result<String> {
        render_svg(self, self.size(), self.name())
    }

    /// Renders the chart as a PNG file at `path`.
    pub fn write_png(&self, path: &Path) -> anyhow::Result<()> {
        render_png(&self.to_svg()?, path)
    }

    /// Writes `<dir>/<name>.png` and `<dir>/<name>.svg` and returns their paths, PNG first.
    pub fn write(&self, dir: &Path) -> anyhow::Result<[PathBuf; 2]> {
        write_png_svg(dir, self.name(), self.size(), self)
    }

    /// Draws the chart on `root`, normally a whole image of [`Plot::size`], on any backend.
    pub fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult<DB> {
        root.fill(&WHITE)?;
        match *self {
            Plot::LatencyCdf(r) => run::latency_cdf(root, r),
            Plot::ThroughputLatency(r) => run::throughput_latency(root, r),
            Plot::Utilisation(r) => run::utilisation(root, r),
            Plot::CompareLatency(runs) => compare::bars(root, runs, &compare::LATENCY),
            Plot::CompareThroughput(runs) => compare::bars(root, runs, &compare::THROUGHPUT),
            Plot::CompareLatencyCdf(runs) => compare::latency_cdf(root, runs),
            Plot::CompareUtilisation(runs) => compare::utilisation(root, runs),
            Plot::LinkShare(r) => pathway::link_share(root, r),
            Plot::Servers(r) => pathway::servers(root, r),
            Plot::LinkManagers(r) => links::link_managers(root, r),
            Plot::XmServersByCpu(r) => pathway::xm_servers_by_cpu(root, r),
        }
    }
}

impl Chart for Plot<'_> {
    fn draw_on<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult<DB> {
        self.draw(root)
    }
}

/// The error bars of replicated scenarios: a [`Bars`] chart at the means of replications.
struct ErrorBars<'a> {
    groups: &'a [Replicated],
    which: &'a Bars,
}

impl Chart for ErrorBars<'_> {
    fn draw_on<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult<DB> {
        root.fill(&WHITE)?;
        compare::bars_ci(root, self.groups, self.which)
    }
}

/// Writes `<dir>/<prefix>latency` and `<dir>/<prefix>throughput` (`.png`, then `.svg`) of
/// replicated scenarios: the bars of [`Plot::CompareLatency`] and [`Plot::CompareThroughput`]
/// at their means over the replications, each with its 95 % interval as an error bar.
pub fn write_error_bars(
    dir: &Path,
    groups: &[Replicated],
    prefix: &str,
) -> anyhow::Result<Vec<PathBuf>> {
    let size = compare::bars_size(groups.len());
    let mut written = Vec::new();
    for (stem, which) in [
        ("latency", &compare::LATENCY),
        ("throughput", &compare::THROUGHPUT),
    ] {
        let chart = ErrorBars { groups, which };
        written.extend(write_png_svg(
            dir,
            &format!("{prefix}{stem}"),
            size,
            &chart,
        )?);
    }
    Ok(written)
}

/// A sweep chart ([`sweep`]).
struct SweepChart<'a> {
    results: &'a crate::experiment::sweep::SweepResults,
    which: sweep::Which,
}

impl Chart for SweepChart<'_> {
    fn draw_on<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult<DB> {
        root.fill(&WHITE)?;
        sweep::draw(root, self.results, self.which)
    }
}

/// Writes `sweep_latency`, `sweep_throughput` and `sweep_utilisation` (`.png`, then `.svg`)
/// of a sweep into `dir`.
pub fn write_sweep(
    dir: &Path,
    results: &crate::experiment::sweep::SweepResults,
) -> anyhow::Result<Vec<PathBuf>> {
    let mut written = Vec::new();
    for which in [
        sweep::Which::Latency,
        sweep::Which::Throughput,
        sweep::Which::Utilisation,
    ] {
        let chart = SweepChart { results, which };
        written.extend(write_png_svg(dir, which.name(), sweep::SIZE, &chart)?);
    }
    Ok(written)
}

/// The SVG of each sweep chart, `(file stem, document)`, for pages that embed them.
pub fn sweep_svgs(
    results: &crate::experiment::sweep::SweepResults,
) -> anyhow::Result<Vec<(&'static str, String)>> {
    [
        sweep::Which::Latency,
        sweep::Which::Throughput,
        sweep::Which::Utilisation,
    ]
    .into_iter()
    .map(|which| {
        let chart = SweepChart { results, which };
        Ok((which.name(), render_svg(&chart, sweep::SIZE, which.name())?))
    })
    .collect()
}

/// A drawing for any plotters backend, so that one drawing gives both the PNG and the SVG.
/// [`Plot`] is one; charts written outside it (error bars, the latency breakdown) are others.
trait Chart {
    /// Draws on `root`, a whole image of the size it is rendered at.
    fn draw_on<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult<DB>;
}

/// `chart` at `size` as an SVG document; `what` names it in an error.
fn render_svg(chart: &impl Chart, size: (u32, u32), what: &str) -> anyhow::Result<String> {
    register_fonts();
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, size).into_drawing_area();
        chart
            .draw_on(&root)
            .map_err(|e| anyhow!("could not draw {what}: {e}"))?;
        root.present()
            .map_err(|e| anyhow!("could not draw {what}: {e}"))?;
    }
    Ok(svg)
}

/// Renders an SVG document as a PNG file at `path`, with resvg: the PNG is the SVG's own
/// pixels, text shaped and kerned from the embedded font ("sans-serif" is Noto Sans).
fn render_png(svg: &str, path: &Path) -> anyhow::Result<()> {
    static FONTS: std::sync::OnceLock<std::sync::Arc<resvg::usvg::fontdb::Database>> =
        std::sync::OnceLock::new();
    let fonts = FONTS.get_or_init(|| {
        let mut db = resvg::usvg::fontdb::Database::new();
        db.load_font_data(ttf_noto_sans::REGULAR.to_vec());
        db.set_sans_serif_family("Noto Sans");
        std::sync::Arc::new(db)
    });
    let options = resvg::usvg::Options {
        font_family: "Noto Sans".to_string(),
        fontdb: fonts.clone(),
        ..Default::default()
    };
    let what = || format!("could not draw '{}'", path.display());
    let tree = resvg::usvg::Tree::from_str(svg, &options).with_context(what)?;
    let size = tree.size().to_int_size();
    let mut pixmap = resvg::tiny_skia::Pixmap::new(size.width(), size.height())
        .ok_or_else(|| anyhow!("{}: empty image", what()))?;
    resvg::render(
        &tree,
        resvg::tiny_skia::Transform::default(),
        &mut pixmap.as_mut(),
    );
    pixmap
        .save_png(path)
        .with_context(|| format!("could not write '{}'", path.display()))
}

/// Writes `<dir>/<stem>.png`, then `<dir>/<stem>.svg`, both of `chart` at `size`, and returns
/// their paths in that order.
fn write_png_svg(
    dir: &Path,
    stem: &str,
    size: (u32, u32),
    chart: &impl Chart,
) -> anyhow::Result<[PathBuf; 2]> {
    let doc = render_svg(chart, size, stem)?;
    let png = dir.join(format!("{stem}.png"));
    render_png(&doc, &png)?;
    let svg = dir.join(format!("{stem}.svg"));
    std::fs::write(&svg, doc).with_context(|| format!("could not write '{}'", svg.display()))?;
    Ok([png, svg])
}

/// What drawing returns: plotters' error for the backend in use.
pub type DrawResult<DB> = Result<(), DrawingAreaErrorKind<<DB as DrawingBackend>::ErrorType>>;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::testdata::{sample_results, three_runs};

    #[test]
    fn svg_is_deterministic_and_has_titles_and_units() {
        let r = sample_results("fig-3-3-distributor");
        let runs = three_runs();
        let plots = [
            Plot::LatencyCdf(&r),
            Plot::ThroughputLatency(&r),
            Plot::Utilisation(&r),
            Plot::CompareLatency(&runs),
            Plot::CompareThroughput(&runs),
            Plot::CompareLatencyCdf(&runs),
            Plot::CompareUtilisation(&runs),
            Plot::LinkShare(&r),
            Plot::Servers(&r),
            Plot::LinkManagers(&r),
        ];
        for p in plots {
            let a = p.to_svg().unwrap();
            assert_eq!(
                a,
                p.to_svg().unwrap(),
                "{} differs between two renders",
                p.name()
            );
            assert!(a.contains('['), "{}: no unit in any axis title", p.name());
            assert!(a.contains("<text"), "{}: no text", p.name());
        }
    }

    #[test]
    fn the_png_is_the_svg_rendered_with_its_text() {
        // The title's row holds dark text pixels on the white background: the font reached
        // resvg (with no font, text is silently dropped and the row stays white).
        let r = sample_results("fig-3-3-distributor");
        let p = Plot::Utilisation(&r);
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("u.png");
        p.write_png(&path).unwrap();
        let png = resvg::tiny_skia::Pixmap::load_png(&path).unwrap();
        let (w, h) = p.size();
        assert_eq!((png.width(), png.height()), (w, h));
        let dark = png.pixels()[..(w * 40) as usize]
            .iter()
            .filter(|c| c.red() < 100 && c.alpha() == 255)
            .count();
        assert!(dark > 200, "only {dark} dark pixels in the title row");
    }

    #[test]
    fn plots_survive_empty_results() {
        let mut r = sample_results("empty");
        r.latency_histogram.clear();
        r.timeseries.clear();
        r.processors.clear();
        r.pathmons.clear();
        for c in &mut r.server_classes {
            c.timeline.clear();
        }
        let runs = vec![r.clone()];
        for p in [
            Plot::LatencyCdf(&r),
            Plot::ThroughputLatency(&r),
            Plot::Utilisation(&r),
            Plot::CompareLatency(&runs),
            Plot::CompareThroughput(&runs),
            Plot::CompareLatencyCdf(&runs),
            Plot::CompareUtilisation(&runs),
            Plot::CompareLatency(&[]),
            Plot::CompareUtilisation(&[]),
            Plot::LinkShare(&r),
            Plot::Servers(&r),
        ] {
            let svg = p.to_svg().unwrap();
            assert!(svg.contains("<svg"), "{}", p.name());
        }
    }
}
