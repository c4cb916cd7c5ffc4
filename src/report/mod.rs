//! Reports: pure functions from [`crate::stats::RunResults`] to bytes, and the files of a run.
//!
//! Every exporter takes results and returns bytes or a string (hyperfine's `Exporter`), so
//! reports are tested without running a simulation. Only [`write_run`], [`write_comparison`]
//! and [`Plot::write`] touch the file system.
//!
//! | function | file | content |
//! | --- | --- | --- |
//! | [`summary_json`] | `summary.json` | headline and per-component numbers (a contract) |
//! | [`metrics_csv`] | `metrics.csv` | every summary number, one per row (long format) |
//! | [`histogram_csv`] | `latency_histogram.csv` | latency histogram buckets |
//! | [`timeseries_csv`] | `timeseries.csv` | throughput and latency per sample interval |
//! | [`servers_timeline_csv`] | `servers_timeline.csv` | servers and links per class over time |
//! | [`Plot`] | `<name>.png`, `<name>.svg` | charts, see [`Plot`] for the list |
//! | [`comparison_csv`] | `comparison.csv` | headline numbers of several runs, long format |
//! | [`comparison_json`] | `comparison.json` | the same, one object per run |
//! | [`terminal_summary`], [`comparison_table`] | (stdout) | short human-readable text |
//! | [`html::page`] | `report.html` | one self-contained page: tables, plots, scenario text |
//!
//! Determinism: lists are written in the order `RunResults` keeps them (processor id, process
//! creation, scenario order), never hash order; floats are rounded to 6 decimals in JSON and
//! printed with `{:.6}` in CSV; lines end in `\n`. The only values that differ between two runs
//! with the same seed are the wall-clock ones (`wall_s`, `events_per_s`), which appear in the
//! terminal summary and the run manifest (`manifest.json`) but never in a results file.
//!
//! Sweeps and capacity searches have theirs (`campaign.rs`: [`sweep_csv`], [`sweep_json`],
//! [`capacity_csv`], [`capacity_json`]; plots through [`write_sweep`]).
//!
//! Replicated experiments have their own files ([`write_replicated_run`],
//! [`write_replicated_comparison`]; the exporters are listed in `replicated.rs`).

mod campaign;
mod csv;
pub mod html;
mod json;
mod plot;
mod replicated;
mod table;
mod trajectory;

#[cfg(test)]
pub(crate) mod testdata;

use std::path::{Path, PathBuf};

use anyhow::{Context, ensure};

use crate::experiment::{PrecisionOutcome, Replicated};
pub(crate) use crate::stats::headline::{
    F6, Num, busiest_processor, empty_sample, headline_metrics, no_window, sample, windowed,
};
use crate::stats::{PathmonShare, RunResults};

pub use self::campaign::{
    capacity_csv, capacity_json, capacity_table, sweep_csv, sweep_json, sweep_table,
};
pub use self::csv::{
    Parameters, comparison_csv, faults_csv, histogram_csv, metrics_csv, servers_timeline_csv,
    timeseries_csv, with_parameter_columns, xm_assignment_csv, xm_lcs_timeline_csv,
    xm_servers_by_cpu_csv,
};
pub use self::json::{comparison_json, summary_json};
pub use self::plot::{Plot, register_fonts, sweep_svgs, write_sweep};
pub use self::replicated::{
    estimates_csv, precision_line, replicated_comparison_csv, replicated_comparison_json,
    replicated_summary_json, replicated_table, replications_csv,
};
pub use self::table::{comparison_table, terminal_summary};
pub use self::trajectory::{parse_trajectory_csv, trajectory_csv};

/// Writes every file of one run into `dir` (created if missing) and returns the paths written,
/// in this fixed order: `summary.json`, `metrics.csv`, `latency_histogram.csv`,
/// `timeseries.csv`, `servers_timeline.csv` (then `xm_assignment.csv` for Pathway/XM,
/// `xm_servers_by_cpu.csv` and `xm_lcs.csv` when it has a distributed class, and
/// `faults.csv` for runs with faults), then `latency_cdf`, `throughput_latency`,
/// `utilisation`, `link_share`, `servers`, `link_managers` and `xm_servers_by_cpu`, each as
/// `.png` followed by `.svg`.
///
/// `link_share` is written only when some send target is an ACS domain
/// ([`domain_targets`] is not empty), `servers` only when some server class has
/// MAXSERVERS > 0; without them there is nothing to draw, so the files are left out rather than
/// written empty.
pub fn write_run(dir: &Path, r: &RunResults) -> anyhow::Result<Vec<PathBuf>> {
    create_dir(dir)?;
    let mut written = vec![
        write_file(dir, "summary.json", summary_json(r).as_bytes())?,
        write_file(dir, "metrics.csv", &metrics_csv(r))?,
        write_file(dir, "latency_histogram.csv", &histogram_csv(r))?,
        write_file(dir, "timeseries.csv", &timeseries_csv(r))?,
        write_file(dir, "servers_timeline.csv", &servers_timeline_csv(r))?,
    ];
    if let Some(xm) = &r.pathway_xm {
        written.push(write_file(dir, "xm_assignment.csv", &xm_assignment_csv(r))?);
        if xm.process_broker.is_some() {
            written.push(write_file(
                dir,
                "xm_servers_by_cpu.csv",
                &xm_servers_by_cpu_csv(r),
            )?);
            written.push(write_file(dir, "xm_lcs.csv", &xm_lcs_timeline_csv(r))?);
        }
    }
    if r.faults.is_some() {
        written.push(write_file(dir, "faults.csv", &faults_csv(r))?);
    }
    let plots = [
        (Plot::LatencyCdf(r), true),
        (Plot::ThroughputLatency(r), true),
        (Plot::Utilisation(r), true),
        (Plot::LinkShare(r), !domain_targets(r).is_empty()),
        (Plot::Servers(r), has_servers(r)),
        (
            Plot::LinkManagers(r),
            r.pathway_xm.is_none() && r.send_targets.iter().any(|t| !t.link_managers.is_empty()),
        ),
        (
            Plot::XmServersByCpu(r),
            r.pathway_xm
                .as_ref()
                .is_some_and(|x| x.process_broker.is_some()),
        ),
    ];
    for (plot, wanted) in plots {
        if wanted {
            written.extend(plot.write(dir)?);
        }
    }
    if !r.latency_breakdown.is_empty() {
        written.extend(plot::write_breakdown(dir, r)?);
    }
    Ok(written)
}

/// Writes the comparison of several runs (kept in the given order) into `dir` (created if
/// missing) and returns the paths written, in this fixed order: `comparison.csv`,
/// `comparison.json`, then `compare_latency`, `compare_throughput`, `compare_latency_cdf` and
/// `compare_utilisation`, each as `.png` followed by `.svg`.
pub fn write_comparison(
    dir: &Path,
    runs: &[RunResults],
    parameters: &Parameters,
) -> anyhow::Result<Vec<PathBuf>> {
    ensure!(!runs.is_empty(), "nothing to compare: no runs given");
    create_dir(dir)?;
    let csv = with_parameter_columns(&comparison_csv(runs), parameters);
    let mut written = vec![
        write_file(dir, "comparison.csv", &csv)?,
        write_file(dir, "comparison.json", comparison_json(runs).as_bytes())?,
    ];
    for plot in [
        Plot::CompareLatency(runs),
        Plot::CompareThroughput(runs),
        Plot::CompareLatencyCdf(runs),
        Plot::CompareUtilisation(runs),
    ] {
        written.extend(plot.write(dir)?);
    }
    if runs.iter().any(|r| !r.latency_breakdown.is_empty()) {
        written.extend(plot::write_compare_breakdown(dir, runs)?);
    }
    Ok(written)
}

/// Writes the files of a replicated run into `dir` (created if missing) and returns the paths
/// written, in this order: `summary.json` ([`replicated_summary_json`]), `metrics.csv`
/// ([`estimates_csv`]), `replications.csv` ([`replications_csv`]), then `latency` and
/// `throughput` (bars with 95 % error bars), each as `.png` followed by `.svg`, then the
/// first replication's single-run outputs ([`write_run`]) in `replication-K/`.
pub fn write_replicated_run(
    dir: &Path,
    g: &Replicated,
    precision: Option<&PrecisionOutcome>,
) -> anyhow::Result<Vec<PathBuf>> {
    create_dir(dir)?;
    let groups = std::slice::from_ref(g);
    let mut written = vec![
        write_file(
            dir,
            "summary.json",
            replicated_summary_json(g, precision).as_bytes(),
        )?,
        write_file(dir, "metrics.csv", &estimates_csv(groups))?,
        write_file(dir, "replications.csv", &replications_csv(groups))?,
    ];
    written.extend(plot::write_error_bars(dir, groups, "")?);
    // The per-run charts (latency CDF, time series, utilisation, links, breakdown) of the
    // first replication, as a single run writes them: one seed's picture beside the intervals.
    if let Some(first) = g.runs.first() {
        written.extend(write_run(
            &dir.join(format!("replication-{}", g.replications[0])),
            first,
        )?);
    }
    Ok(written)
}

/// Writes the comparison of replicated scenarios (in the given order, the first one the base
/// of the paired differences) into `dir` and returns the paths written, in this order:
/// `comparison.csv` ([`replicated_comparison_csv`]), `comparison.json`
/// ([`replicated_comparison_json`]), `replications.csv`, then `compare_latency` and
/// `compare_throughput` (bars with 95 % error bars), each as `.png` followed by `.svg`.
pub fn write_replicated_comparison(
    dir: &Path,
    groups: &[Replicated],
    parameters: &Parameters,
) -> anyhow::Result<Vec<PathBuf>> {
    ensure!(!groups.is_empty(), "nothing to compare: no runs given");
    create_dir(dir)?;
    let with = |csv: Vec<u8>| with_parameter_columns(&csv, parameters);
    let mut written = vec![
        write_file(
            dir,
            "comparison.csv",
            &with(replicated_comparison_csv(groups)),
        )?,
        write_file(
            dir,
            "comparison.json",
            replicated_comparison_json(groups).as_bytes(),
        )?,
        write_file(dir, "replications.csv", &with(replications_csv(groups)))?,
    ];
    written.extend(plot::write_error_bars(dir, groups, "compare_")?);
    Ok(written)
}

fn create_dir(dir: &Path) -> anyhow::Result<()> {
    std::fs::create_dir_all(dir)
        .with_context(|| format!("could not create output directory '{}'", dir.display()))
}

fn write_file(dir: &Path, name: &str, bytes: &[u8]) -> anyhow::Result<PathBuf> {
    let path = dir.join(name);
    std::fs::write(&path, bytes)
        .with_context(|| format!("could not write '{}'", path.display()))?;
    Ok(path)
}

/// A send target of one server class: an ACS domain or a single PATHMON, with its members.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Target<'a> {
    /// ACS domain, or `None` for a PATHMON addressed directly.
    pub domain: Option<&'a str>,
    /// Server class name.
    pub server_class: &'a str,
    /// Its PATHMONs, in `RunResults::pathmons` order.
    pub members: &'a [PathmonShare],
}

impl Target<'_> {
    /// `%DOM / SERVER-CORRECT` (or `$PM1 / SERVER-CORRECT` for a direct PATHMON).
    pub fn title(&self) -> String {
        let head = self
            .domain
            .or_else(|| self.members.first().map(|m| m.name.as_str()))
            .unwrap_or("-");
        format!("{head} / {}", self.server_class)
    }
}

/// `RunResults::pathmons` cut into targets: consecutive entries with the same domain and
/// server class form one target (the order `RunResults` promises), so the same (domain, class)
/// met again later is a separate target rather than a reordering.
pub(crate) fn targets(r: &RunResults) -> Vec<Target<'_>> {
    let same = |a: &PathmonShare, b: &PathmonShare| {
        // Direct PATHMONs (no domain) are targets of their own even when neighbours share the
        // class: two PATHMONs addressed directly are two targets.
        a.domain.is_some() && a.domain == b.domain && a.server_class == b.server_class
    };
    r.pathmons
        .chunk_by(same)
        .map(|members| Target {
            domain: members[0].domain.as_deref(),
            server_class: &members[0].server_class,
            members,
        })
        .collect()
}

/// The targets that are ACS domains, the only ones where a link share can differ from 100 %.
pub(crate) fn domain_targets(r: &RunResults) -> Vec<Target<'_>> {
    targets(r)
        .into_iter()
        .filter(|t| t.domain.is_some())
        .collect()
}

/// Whether some server class can run servers (MAXSERVERS > 0), i.e. the `servers` chart has
/// something to show.
pub(crate) fn has_servers(r: &RunResults) -> bool {
    r.server_classes.iter().any(|c| c.servers > 0)
}

/// `weight 50` rather than `50.0`: weights are usually whole percentages, but 33.3 must show.
pub(crate) fn fmt_weight(w: f64) -> String {
    if (w - w.round()).abs() < 1e-9 {
        format!("{w:.0}")
    } else {
        format!("{w:.1}")
    }
}

/// Why a run's sample is empty, for the `n/a` in tables.
pub(crate) fn empty_sample_reason(r: &RunResults) -> String {
    if no_window(r) {
        match r.warmup_requests {
            Some(n) => format!(
                "the run ended at {:.3} s, before its warm-up of {n} requests did: fewer completed before arrivals stopped",
                r.sim_time_s
            ),
            None => format!(
                "the run ended at {:.3} s, before its {:.3} s warm-up did",
                r.sim_time_s, r.warmup_s
            ),
        }
    } else {
        "no request completed after the warm-up".to_string()
    }
}

/// The warning printed on stderr when MSER-5 finds the start-up transient lasting past the
/// configured warm-up: what it found, what to do (the warm-up to rerun with) and when it does
/// not matter (a small share of the measured completions, no trend in the time series: a
/// single slow request, such as one whose SYN was dropped, is enough to move the cut-off).
pub fn warmup_warning(r: &RunResults) -> Option<String> {
    let m = r.mser.as_ref()?;
    let suggested = m.suggested_warmup_s?;
    let configured = match r.warmup_requests {
        Some(n) => format!("{n}-request"),
        None => format!("{:.3} s", r.warmup_s),
    };
    let inside = m.cutoff_requests.saturating_sub(m.warmup_completions);
    let share = if r.requests.measured > 0 {
        format!(
            " ({:.1} % of the {} measured)",
            100.0 * inside as f64 / r.requests.measured as f64,
            r.requests.measured
        )
    } else {
        String::new()
    };
    Some(format!(
        "warning: '{}' (seed {}): MSER-5 finds start-up behaviour until t = {:.3} s (completion {}), past the {configured} warm-up, so {inside} completions of it are in the statistics{share}. To leave them out, rerun with --warmup {suggested}s (or run.warmup = \"{suggested}s\"). It matters little when that share is small and the latency over time (timeseries.csv, throughput_latency plot) is flat after the warm-up: one slow request, such as one whose SYN was dropped, can move MSER-5's cut-off",
        r.scenario, r.seed, m.cutoff_s, m.cutoff_requests
    ))
}

/// The warm-up warnings of an experiment, one line each: each run's own when every scenario
/// ran once, else one per scenario whose replications MSER-5 flags, with how many it flags and
/// the largest warm-up they suggest.
pub fn warmup_warnings(e: &crate::experiment::Experiment) -> Vec<String> {
    let replicated = e.runs.iter().any(|r| r.replication > 1);
    if !replicated {
        return e.results.iter().filter_map(warmup_warning).collect();
    }
    let mut out = Vec::new();
    let scenarios = e.runs.iter().map(|r| r.scenario).max().map_or(0, |m| m + 1);
    for sc in 0..scenarios {
        let runs: Vec<usize> = (0..e.runs.len())
            .filter(|&i| e.runs[i].scenario == sc)
            .collect();
        let suggested: Vec<f64> = runs
            .iter()
            .filter_map(|&i| e.results[i].mser.as_ref()?.suggested_warmup_s)
            .collect();
        if let Some(max) = suggested.iter().copied().reduce(f64::max) {
            out.push(format!(
                "warning: '{}': MSER-5 finds start-up behaviour past the warm-up in {} of {} replications, so their statistics include some of it. To leave it out, rerun with --warmup {max}s (the largest suggestion). It matters little when only a few replications are flagged and their intervals agree with the others': one slow request, such as one whose SYN was dropped, can move MSER-5's cut-off",
                e.runs[runs[0]].label(),
                suggested.len(),
                runs.len()
            ));
        }
    }
    out
}

/// `offered == completed + failed + in_flight`, the conservation law every run must satisfy.
pub(crate) fn conservation_ok(r: &RunResults) -> bool {
    let q = &r.requests;
    q.completed
        .checked_add(q.failed)
        .and_then(|s| s.checked_add(q.in_flight))
        == Some(q.offered)
}

/// Process kinds in the order they are stacked and listed in every plot and table: the known
/// kinds in request-path order, then any other kind in order of first appearance.
pub(crate) fn kind_order<'a>(runs: impl IntoIterator<Item = &'a RunResults>) -> Vec<String> {
    let mut kinds: Vec<String> = KNOWN_KINDS.iter().map(|k| k.to_string()).collect();
    let mut seen = vec![false; KNOWN_KINDS.len()];
    let runs: Vec<&RunResults> = runs.into_iter().collect();
    for r in &runs {
        for share in r.processors.iter().flat_map(|p| &p.busy_by_kind) {
            // A kind that used no CPU anywhere is not drawn, so it is not listed either.
            if share.busy_ratio <= 0.0 {
                continue;
            }
            match kinds.iter().position(|k| *k == share.kind) {
                Some(i) if i < seen.len() => seen[i] = true,
                Some(_) => {}
                None => kinds.push(share.kind.clone()),
            }
        }
    }
    // A CLIM's work is all of kind `clim` (`ClimResult`).
    if runs
        .iter()
        .any(|r| r.clims.iter().any(|c| c.busy_ratio > 0.0))
        && !kinds.iter().any(|k| k == "clim")
    {
        kinds.push("clim".into());
    }
    // Known kinds that no processor reported are left out so the legend lists only what is drawn.
    let mut i = 0;
    kinds.retain(|_| {
        let keep = i >= seen.len() || seen[i];
        i += 1;
        keep
    });
    kinds
}

/// Kinds named in `KindShare::kind`, in the order a request meets them.
pub(crate) const KNOWN_KINDS: [&str; 7] = [
    "tcpip",
    "distributor",
    "listener",
    "tcp",
    "acs",
    "server",
    "pathmon",
];

#[cfg(test)]
mod tests {
    use super::testdata::{sample_results, scratch_dir};
    use super::*;

    #[test]
    fn write_run_writes_every_file_in_order() {
        let dir = scratch_dir("write_run");
        let r = sample_results("fig-3-3-distributor");
        let paths = write_run(&dir, &r).unwrap();
        let names: Vec<_> = paths
            .iter()
            .map(|p| p.file_name().unwrap().to_str().unwrap().to_owned())
            .collect();
        assert_eq!(
            names,
            [
                "summary.json",
                "metrics.csv",
                "latency_histogram.csv",
                "timeseries.csv",
                "servers_timeline.csv",
                "latency_cdf.png",
                "latency_cdf.svg",
                "throughput_latency.png",
                "throughput_latency.svg",
                "utilisation.png",
                "utilisation.svg",
                "link_share.png",
                "link_share.svg",
                "servers.png",
                "servers.svg",
                "link_managers.png",
                "link_managers.svg",
            ]
        );
        for p in &paths {
            let bytes = std::fs::read(p).unwrap();
            assert!(!bytes.is_empty(), "{} is empty", p.display());
            if p.extension().unwrap() == "png" {
                assert_eq!(
                    &bytes[..8],
                    b"\x89PNG\r\n\x1a\n",
                    "{} is not a PNG",
                    p.display()
                );
            }
            if p.extension().unwrap() == "svg" {
                assert!(bytes.starts_with(b"<svg"), "{} is not an SVG", p.display());
            }
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn write_run_skips_charts_with_nothing_to_show() {
        let dir = scratch_dir("write_run_skips");
        let mut r = sample_results("no-domain");
        for p in &mut r.pathmons {
            p.domain = None;
        }
        r.send_targets.clear();
        for c in &mut r.server_classes {
            c.servers = 0;
        }
        let names: Vec<_> = write_run(&dir, &r)
            .unwrap()
            .iter()
            .map(|p| p.file_name().unwrap().to_str().unwrap().to_owned())
            .collect();
        assert!(names.contains(&"servers_timeline.csv".to_string()));
        assert!(
            !names.iter().any(|n| n.starts_with("link_share")),
            "{names:?}"
        );
        assert!(
            !names.iter().any(|n| n.starts_with("servers.")),
            "{names:?}"
        );
        assert_eq!(names.last().unwrap(), "utilisation.svg");
        assert!(!dir.join("link_share.png").exists());
        assert!(!dir.join("link_managers.png").exists());
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn write_run_is_byte_stable() {
        // Same input, same bytes.
        let a = scratch_dir("stable_a");
        let b = scratch_dir("stable_b");
        let pa = write_run(&a, &sample_results("stable")).unwrap();
        let pb = write_run(&b, &sample_results("stable")).unwrap();
        assert_eq!(pa.len(), pb.len());
        for (x, y) in pa.iter().zip(&pb) {
            assert_eq!(x.file_name(), y.file_name());
            assert!(
                std::fs::read(x).unwrap() == std::fs::read(y).unwrap(),
                "{} differs between two writes",
                x.display()
            );
        }
        std::fs::remove_dir_all(&a).unwrap();
        std::fs::remove_dir_all(&b).unwrap();
    }

    #[test]
    fn targets_group_consecutive_entries_of_one_domain_and_class() {
        let mut r = sample_results("a");
        let t = targets(&r);
        assert_eq!(t.len(), 2);
        assert_eq!(t[0].title(), "%DOM / SERVER-CORRECT");
        assert_eq!(t[1].title(), "%DOM / SERVER-WRONG");
        assert!(t.iter().all(|t| t.members.len() == 3));
        // A PATHMON addressed directly is a target of its own.
        let mut direct = r.pathmons[0].clone();
        direct.domain = None;
        direct.name = "$PM9".into();
        r.pathmons.push(direct.clone());
        r.pathmons.push(direct);
        let t = targets(&r);
        assert_eq!(t.len(), 4);
        assert_eq!(t[3].title(), "$PM9 / SERVER-CORRECT");
        assert_eq!(domain_targets(&r).len(), 2);
    }

    #[test]
    fn write_comparison_writes_every_file_in_order() {
        let dir = scratch_dir("write_comparison");
        let runs = testdata::three_runs();
        let paths = write_comparison(&dir, &runs, &[]).unwrap();
        let names: Vec<_> = paths
            .iter()
            .map(|p| p.file_name().unwrap().to_str().unwrap().to_owned())
            .collect();
        assert_eq!(
            names,
            [
                "comparison.csv",
                "comparison.json",
                "compare_latency.png",
                "compare_latency.svg",
                "compare_throughput.png",
                "compare_throughput.svg",
                "compare_latency_cdf.png",
                "compare_latency_cdf.svg",
                "compare_utilisation.png",
                "compare_utilisation.svg",
            ]
        );
        for p in &paths {
            let bytes = std::fs::read(p).unwrap();
            assert!(bytes.len() > 100, "{} is (nearly) empty", p.display());
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn write_comparison_rejects_no_runs() {
        let dir = scratch_dir("write_comparison_empty");
        let err = write_comparison(&dir, &[], &[]).unwrap_err();
        assert!(err.to_string().contains("no runs"), "{err}");
    }

    #[test]
    fn write_errors_name_the_path() {
        // A regular file where the directory should be: creating the directory fails.
        let dir = scratch_dir("write_error");
        std::fs::create_dir_all(&dir).unwrap();
        let blocker = dir.join("not-a-dir");
        std::fs::write(&blocker, b"x").unwrap();
        let err = write_run(&blocker, &sample_results("a")).unwrap_err();
        assert!(format!("{err:#}").contains("not-a-dir"), "{err:#}");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn busiest_processor_prefers_lowest_id_on_tie() {
        let mut r = sample_results("a");
        for p in &mut r.processors {
            p.busy_ratio = 0.5;
        }
        assert_eq!(busiest_processor(&r).unwrap().id, r.processors[0].id);
    }

    #[test]
    fn conservation_detects_a_lost_request() {
        let mut r = sample_results("a");
        assert!(conservation_ok(&r));
        r.requests.completed -= 1;
        assert!(!conservation_ok(&r));
    }

    #[test]
    fn kind_order_puts_known_kinds_first_and_drops_absent_ones() {
        let mut r = sample_results("a");
        r.processors[0].busy_by_kind.push(crate::stats::KindShare {
            kind: "backup".into(),
            busy_ratio: 0.01,
        });
        for p in &mut r.processors {
            p.busy_by_kind.retain(|k| k.kind != "listener");
        }
        assert_eq!(
            kind_order([&r]),
            ["tcpip", "distributor", "server", "backup"]
        );
    }

    /// Writes every plot of synthetic runs to `/tmp/report-preview/` for a human to look at:
    /// `cargo test --lib report::tests::preview -- --ignored`.
    #[test]
    #[ignore = "writes preview images for manual inspection"]
    fn preview() {
        let dir = std::path::Path::new("/tmp/report-preview");
        let runs = testdata::three_runs();
        write_run(&dir.join("run"), &runs[0]).unwrap();
        write_comparison(&dir.join("compare"), &runs, &[]).unwrap();
        // One domain target (one panel), and four targets (two rows of panels) with twelve
        // classes in the servers chart.
        let mut one = testdata::sample_results("one-domain-target");
        one.pathmons.truncate(3);
        one.server_classes.truncate(3);
        write_run(&dir.join("one_target"), &one).unwrap();
        let mut four = testdata::sample_results_scaled("four-domain-targets", 1.3);
        for (k, extra) in ["SERVER-THIRD", "SERVER-FOURTH-WITH-A-LONG-NAME"]
            .iter()
            .enumerate()
        {
            let mut shares = four.pathmons[3 * k..3 * k + 3].to_vec();
            for p in &mut shares {
                p.server_class = (*extra).into();
                p.domain = Some("%DOM2".into());
            }
            four.pathmons.extend(shares);
            let mut classes = four.server_classes[3 * k..3 * k + 3].to_vec();
            for c in &mut classes {
                c.name = (*extra).into();
            }
            four.server_classes.extend(classes);
        }
        write_run(&dir.join("four_targets"), &four).unwrap();
        let mut many = Vec::new();
        for i in 0..6 {
            let mut r = testdata::sample_results_scaled(
                &format!("tcpipv6-distributor-variant-{i}"),
                0.6 + 0.15 * i as f64,
            );
            r.processors
                .extend(
                    testdata::sample_results("x")
                        .processors
                        .into_iter()
                        .map(|mut p| {
                            p.id += 4;
                            p
                        }),
                );
            many.push(r);
        }
        write_run(&dir.join("run16"), &testdata::sixteen_cpus()).unwrap();
        write_comparison(&dir.join("compare6"), &many, &[]).unwrap();
        let long: Vec<_> = (0..8)
            .map(|i| {
                let name = format!("fig-3-3-distributor-conventional-stack-{i}");
                testdata::sample_results_scaled(&name, 0.5 + 0.2 * i as f64)
            })
            .collect();
        write_comparison(&dir.join("compare8long"), &long, &[]).unwrap();
        // Narrow latency range (linear CDF axis), long run with a short warm-up.
        let mut narrow = testdata::sample_results("narrow-linear-cdf");
        narrow
            .latency_histogram
            .retain(|b| b.upper_ms > 1.0 && b.upper_ms < 30.0);
        narrow.warmup_s = 2.0;
        for s in &mut narrow.timeseries {
            s.t_s *= 10.0;
        }
        write_run(&dir.join("narrow"), &narrow).unwrap();
        println!("{}", terminal_summary(&runs[0]));
        println!("{}", terminal_summary(&four));
        println!("{}", comparison_table(&runs));
    }
}
