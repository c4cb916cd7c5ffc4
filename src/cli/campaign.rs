//! What `sweep`, `capacity` and `merge` share: the workers and `--shard` options, loading
//! each scenario argument at each point of a plan, and writing a campaign's outputs from its
//! shard file (`sweep-runs.json`, `capacity-runs.json`), so that one run and a merge of shards
//! write the same files from the same figures.

use std::path::{Path, PathBuf};

use anyhow::Context;

use super::compare::{folder_name, parse_scenario_arg};
use super::{CampaignOptions, Failure, SimOptions, load};
use crate::experiment::campaign::{RunFigures, Shard, ShardFile};
use crate::experiment::capacity::{CapacityPlan, CapacityResults, Outcome};
use crate::experiment::sweep::{SweepPlan, SweepResults};
use crate::experiment::{self, Variant};
use crate::report::{self, html, html::Section};
use crate::scenario::Scenario;
use crate::scenario::limits::MAX_JOBS;

/// The shard file of a sweep.
pub(super) const SWEEP_RUNS: &str = "sweep-runs.json";
/// The shard file of a capacity plan.
pub(super) const CAPACITY_RUNS: &str = "capacity-runs.json";

/// A sweep's shard file.
pub(super) type SweepFile = ShardFile<SweepPlan, RunFigures>;
/// A capacity plan's shard file.
pub(super) type CapacityFile = ShardFile<CapacityPlan, Outcome>;

/// `--jobs` and `--shard`, each problem added to `problems`.
pub(super) fn jobs_and_shard(o: &CampaignOptions, problems: &mut Vec<String>) -> (usize, Shard) {
    let jobs = match o.jobs {
        None => experiment::default_jobs().min(MAX_JOBS),
        Some(j) if (1..=MAX_JOBS).contains(&j) => j,
        Some(j) => {
            problems.push(format!(
                "error: --jobs {j}: the number of workers must be 1 to {MAX_JOBS}"
            ));
            1
        }
    };
    let shard = match &o.shard {
        None => Shard::WHOLE,
        Some(text) => Shard::parse(text).unwrap_or_else(|e| {
            problems.push(format!("error: {e}"));
            Shard::WHOLE
        }),
    };
    (jobs, shard)
}

/// One scenario argument: its file, its own overrides and the name its curves carry (the
/// scenario's name, with its own overrides in brackets).
pub(super) struct Loaded {
    pub path: PathBuf,
    pub own: Vec<String>,
    pub name: String,
    /// The scenario with the global and its own overrides (no point's), validated.
    pub base: Scenario,
}

/// Loads every scenario argument with `--set` (and `extra`, e.g. an injected fault) first and
/// its own overrides after, reporting every problem; names must differ.
pub(super) fn load_arguments(
    texts: &[String],
    options: &SimOptions,
    extra: &[String],
) -> Result<Vec<Loaded>, Failure> {
    let mut loaded: Vec<Loaded> = Vec::new();
    let mut problems = Vec::new();
    for text in texts {
        let arg = match parse_scenario_arg(text) {
            Ok(a) => a,
            Err(e) => {
                problems.push(format!("error: {e}"));
                continue;
            }
        };
        let mut set = options.sets();
        set.extend(extra.iter().cloned());
        set.extend(arg.overrides.iter().cloned());
        match load(&arg.path, &set, options.seed).map_err(|f| options.name_warmup(f)) {
            Ok(s) => {
                let name = Variant::with_overrides(&s.name, &arg.overrides).label();
                if let Some(other) = loaded
                    .iter()
                    .find(|l| folder_name(&l.name) == folder_name(&name))
                {
                    problems.push(format!(
                        "error: '{}' and '{text}' both give the scenario name '{name}'; curves \
                         need distinct names: give one its own overrides or rename it with \
                         `name = ...`",
                        other.path.display()
                    ));
                }
                loaded.push(Loaded {
                    path: arg.path,
                    own: arg.overrides,
                    name,
                    base: s,
                });
            }
            Err(Failure::Usage(m)) => problems.push(m),
            Err(e) => return Err(e),
        }
    }
    if problems.is_empty() {
        Ok(loaded)
    } else {
        Err(Failure::Usage(problems.join("\n")))
    }
}

/// `l` with the global overrides, `extra`, its own overrides and then `point`'s, validated
/// without printing its warnings again (the first load printed them). A problem with a
/// point's override names it as `flag` (`--param`) typed it.
pub(super) fn at_point(
    l: &Loaded,
    options: &SimOptions,
    extra: &[String],
    point: &[(String, String)],
    flag: &str,
) -> Result<Scenario, String> {
    let mut set = options.sets();
    set.extend(extra.iter().cloned());
    set.extend(l.own.iter().cloned());
    set.extend(point.iter().map(|(k, v)| format!("{k}={v}")));
    let mut s = crate::scenario::load(&l.path, &set).map_err(|e| {
        let mut text = e.to_string();
        for (k, v) in point {
            text = text.replace(&format!("--set {k}={v}"), &format!("{flag} {k}={v}"));
        }
        format!(
            "error: invalid scenario at {}\n{text}",
            point
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect::<Vec<_>>()
                .join(", ")
        )
    })?;
    if let Some(seed) = options.seed {
        s.run.seed = seed;
    }
    Ok(s)
}

/// Writes `text` as `dir/name` and returns the path.
pub(super) fn write_text(dir: &Path, name: &str, text: &[u8]) -> anyhow::Result<PathBuf> {
    let path = dir.join(name);
    std::fs::write(&path, text).with_context(|| format!("could not write '{}'", path.display()))?;
    Ok(path)
}

/// Writes a sweep's outputs into `dir`: for a shard, its shard file only (it is not a sweep's
/// result, and nothing in the folder should look like one); for the whole plan, the shard file,
/// `sweep.csv`, `sweep.json` and the plots. Returns the paths and the whole results.
pub(super) fn write_sweep(
    dir: &Path,
    file: &SweepFile,
) -> anyhow::Result<(Vec<PathBuf>, Option<SweepResults>)> {
    let mut written = vec![write_text(dir, SWEEP_RUNS, file.to_json().as_bytes())?];
    if file.shard != Shard::WHOLE {
        return Ok((written, None));
    }
    let figures = file.units.iter().map(|(_, f)| f.clone()).collect();
    let results = SweepResults::new(file.plan.clone(), figures);
    written.push(write_text(dir, "sweep.csv", &report::sweep_csv(&results))?);
    written.push(write_text(
        dir,
        "sweep.json",
        report::sweep_json(&results).as_bytes(),
    )?);
    written.extend(report::write_sweep(dir, &results)?);
    let mut sections = vec![Section::Text {
        title: "knees".into(),
        body: report::sweep_table(&results),
    }];
    sections.extend(html::plot_sections(dir, &written, false)?);
    sections.extend(Section::csv_table(
        "every point and replication, then each point's mean and 95 % half-width (sweep.csv)",
        &report::sweep_csv(&results),
    ));
    let mut names: Vec<String> = Vec::new();
    for v in &file.plan.variants {
        if !names.contains(&v.name) {
            names.push(v.name.clone());
        }
    }
    written.push(campaign_page(dir, "nssim sweep", &names, &sections)?);
    Ok((written, Some(results)))
}

/// `report.html` of a whole campaign, from its results alone (no command line: `merge` writes
/// the same page as the run it merges, byte for byte).
fn campaign_page(
    dir: &Path,
    what: &str,
    scenarios: &[String],
    sections: &[Section],
) -> anyhow::Result<PathBuf> {
    let facts = [
        (
            "version".to_string(),
            format!("nssim {}", env!("CARGO_PKG_VERSION")),
        ),
        ("scenarios".to_string(), scenarios.join(", ")),
    ];
    let title = format!("{what}: {}", scenarios.join(", "));
    html::write_page(dir, &html::page(&title, &facts, sections))
}

/// Writes a capacity plan's outputs into `dir`, as [`write_sweep`] does: a shard writes its
/// shard file only; the whole plan adds `capacity.csv` and `capacity.json`.
pub(super) fn write_capacity(
    dir: &Path,
    file: &CapacityFile,
) -> anyhow::Result<(Vec<PathBuf>, Option<CapacityResults>)> {
    let mut written = vec![write_text(dir, CAPACITY_RUNS, file.to_json().as_bytes())?];
    if file.shard != Shard::WHOLE {
        return Ok((written, None));
    }
    let results = CapacityResults {
        plan: file.plan.clone(),
        outcomes: file.units.iter().map(|(_, o)| o.clone()).collect(),
    };
    written.push(write_text(
        dir,
        "capacity.csv",
        &report::capacity_csv(&results),
    )?);
    written.push(write_text(
        dir,
        "capacity.json",
        report::capacity_json(&results).as_bytes(),
    )?);
    let mut sections = vec![Section::Text {
        title: "capacity".into(),
        body: report::capacity_table(&results),
    }];
    sections.extend(Section::csv_table(
        "every search (capacity.csv)",
        &report::capacity_csv(&results),
    ));
    written.push(campaign_page(
        dir,
        "nssim capacity",
        &results.plan.scenarios,
        &sections,
    )?);
    Ok((written, Some(results)))
}

/// What a shard prints instead of results.
pub(super) fn shard_note(file_name: &str, shard: Shard, units: usize, total: usize) -> String {
    format!(
        "shard {}/{}: {units} of the plan's {total} units; its {file_name} holds no result \
         by itself: combine every shard's folder with `nssim merge DIR...`\n",
        shard.index, shard.count
    )
}
