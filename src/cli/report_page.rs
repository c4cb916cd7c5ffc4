//! What `run` and `compare` put on `report.html` (the page itself is `report::html`): the
//! tables a command prints, every plot it wrote, each run's seed, each scenario's text as it
//! ran, the version and the command line.
//!
//! The command line is shown as typed less what cannot change a result and would make two
//! identical runs' pages differ: `--out` (the page is in that folder), `--jobs` (outputs do not
//! depend on it), `--progress` and `--quiet`. An argument that is an absolute path is shown
//! from its last folder on (`.../scenarios/a.toml`), so a page does not depend on where it ran.

use std::path::{Path, PathBuf};

use crate::experiment::{Replicated, Run};
use crate::report::html::{self, Section};
use crate::report::{self, estimates_csv};
use crate::scenario;
use crate::stats::RunResults;

use super::Failure;

/// One scenario of a command: its label and its text as it ran.
pub(super) struct Scenario {
    pub label: String,
    pub text: String,
}

/// The text of the scenario in `path` with the command's overrides `set`, and `--seed` (when
/// given) written into `run.seed`, so the text reruns as it ran.
pub(super) fn scenario_text(
    path: &Path,
    set: &[String],
    seed: Option<u64>,
) -> Result<String, Failure> {
    let mut set = set.to_vec();
    if let Some(seed) = seed {
        // TOML integers stop at 2^63-1; a larger seed is written as a string, as files do.
        set.push(if i64::try_from(seed).is_ok() {
            format!("run.seed={seed}")
        } else {
            format!("run.seed=\"{seed}\"")
        });
    }
    Ok(scenario::merged_text(path, &set)?)
}

/// The tables of single runs: the terminal summary (of one run, its wall-clock line left out)
/// and the headline metrics side by side.
pub(super) fn run_tables(runs: &[RunResults]) -> Vec<Section> {
    let mut tables = Vec::new();
    if let [r] = runs {
        let summary: Vec<String> = report::terminal_summary(r)
            .lines()
            .map(|l| {
                if l.starts_with("events ") {
                    format!("events      {}", r.events)
                } else {
                    l.to_string()
                }
            })
            .collect();
        tables.push(Section::Text {
            title: "summary".into(),
            body: summary.join("\n"),
        });
    }
    tables.push(Section::Text {
        title: "headline metrics".into(),
        body: report::comparison_table(runs),
    });
    tables
}

/// The tables of replicated scenarios: the terminal table `table` (means and 95 % intervals,
/// paired differences) and every metric's interval as in `metrics.csv`.
pub(super) fn replicated_tables(table: &str, groups: &[Replicated]) -> Vec<Section> {
    let mut tables = vec![Section::Text {
        title: "means and 95 % intervals".into(),
        body: table.to_string(),
    }];
    tables.extend(Section::csv_table(
        "every metric: mean and 95 % half-width (metrics.csv)",
        &estimates_csv(groups),
    ));
    tables
}

/// What a command's page holds besides its plots.
pub(super) struct Page<'a> {
    /// `nssim run: fig-3-3-distributor`.
    pub title: String,
    /// The tables, first on the page.
    pub tables: Vec<Section>,
    /// Warnings the command printed (MSER-5's), shown after the tables.
    pub notes: Vec<String>,
    /// Every run of the experiment, for the table of seeds.
    pub runs: &'a [Run],
    pub scenarios: Vec<Scenario>,
}

/// Builds `report.html` from `page` and the files `written` into `out` (their plots, in the
/// order written), writes it into `out` and returns its path.
pub(super) fn write(out: &Path, written: &[PathBuf], page: Page<'_>) -> anyhow::Result<PathBuf> {
    let mut sections = page.tables;
    if !page.notes.is_empty() {
        sections.push(Section::Text {
            title: "warnings".into(),
            body: page.notes.join("\n"),
        });
    }
    sections.extend(html::plot_sections(out, written, true)?);
    sections.push(Section::Heading("runs and scenarios".into()));
    sections.push(Section::Table {
        title: "runs and their seeds".into(),
        header: ["scenario", "replication", "seed"]
            .map(String::from)
            .to_vec(),
        rows: page
            .runs
            .iter()
            .map(|r| vec![r.label(), r.replication.to_string(), r.seed.to_string()])
            .collect(),
    });
    for s in page.scenarios {
        sections.push(Section::Text {
            title: format!(
                "scenario {} (as run: files merged, overrides applied)",
                s.label
            ),
            body: s.text,
        });
    }
    let facts = [
        (
            "version".to_string(),
            format!("nssim {}", env!("CARGO_PKG_VERSION")),
        ),
        (
            "command".to_string(),
            shown_command(&std::env::args().collect::<Vec<_>>()),
        ),
    ];
    html::write_page(out, &html::page(&page.title, &facts, &sections))
}

/// The command line as shown on the page (see the module header).
fn shown_command(args: &[String]) -> String {
    let mut shown = vec!["nssim".to_string()];
    let mut skip_value = false;
    for a in args.iter().skip(1) {
        if std::mem::take(&mut skip_value) {
            continue;
        }
        let flag = a.split('=').next().unwrap_or(a);
        match flag {
            "--out" | "--jobs" | "--progress" if !a.contains('=') => skip_value = true,
            "--out" | "--jobs" | "--progress" | "--quiet" | "-q" => {}
            _ => shown.push(quote(&relative(a))),
        }
    }
    shown.join(" ")
}

/// An absolute path shown from its last folder on.
fn relative(arg: &str) -> String {
    if !arg.starts_with('/') {
        return arg.to_string();
    }
    // The path part ends where a compare argument's overrides begin.
    let end = arg.find('[').unwrap_or(arg.len());
    let (path, rest) = arg.split_at(end);
    let parts: Vec<&str> = path.rsplitn(3, '/').collect();
    match parts.as_slice() {
        [file, folder, _] => format!(".../{folder}/{file}{rest}"),
        _ => arg.to_string(),
    }
}

/// An argument as a shell would need it: in single quotes when it holds anything but
/// letters, digits and `-_./=,:@%+`.
fn quote(arg: &str) -> String {
    let plain = !arg.is_empty()
        && arg
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./=,:@%+".contains(c));
    if plain {
        arg.to_string()
    } else {
        format!("'{}'", arg.replace('\'', r"'\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_command_leaves_out_what_changes_no_result() {
        let args: Vec<String> = [
            "/usr/bin/nssim",
            "compare",
            "/home/me/scenarios/a.toml",
            "/home/me/scenarios/a.toml[workload.rate=2000/s]",
            "--out",
            "/tmp/x",
            "--jobs=4",
            "--progress",
            "always",
            "--quiet",
            "--seed",
            "7",
        ]
        .map(String::from)
        .to_vec();
        assert_eq!(
            shown_command(&args),
            "nssim compare .../scenarios/a.toml '.../scenarios/a.toml[workload.rate=2000/s]' \
             --seed 7"
        );
    }
}
