//! `nssim compare`: several scenarios, or one scenario at several settings, side by side.
//!
//! A scenario argument is a file, optionally followed by overrides in brackets:
//! `a.toml[workload.rate=20000/s,run.duration=30s]`. They apply after the global `--set`
//! options, to that scenario only. Each run is then labelled with its scenario name and the
//! overridden key paths and values, `fig-3-3-distributor[workload.rate=20000/s]`, or by its
//! `--label` (one per scenario argument, in order), in the table, the CSV, the JSON and the
//! plots; its output folder is the label made safe for a shell ([`folder_name`]), and the
//! CSVs carry each overridden key as a `parameter_<key>` column. Labels must differ (they
//! name columns and folders), so the same file may appear twice only with different
//! overrides or labels.

use std::path::{Path, PathBuf};

use super::experiment::{self, Mode};
use super::progress::Progress;
use super::{Failure, SimOptions, finish_outputs, load, prepare, print_out, report_page};
use crate::experiment::Variant;
use crate::report;
use crate::scenario::Scenario;

/// One scenario argument of `compare`, split into its file and its own overrides.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScenarioArg {
    /// The argument as typed, for messages.
    pub text: String,
    /// The scenario file.
    pub path: PathBuf,
    /// `key.path=value` overrides from the brackets, in the order written.
    pub overrides: Vec<String>,
}

/// Splits `a.toml[k=v,k2=v2]` into the file and its overrides; an argument without brackets is
/// just a file. The brackets start at the first `[` whose prefix is an existing file, else at
/// the first `[` after a `.toml` prefix, else at the first `[`; so a file whose name contains
/// `[` still works when it exists. Inside the brackets, overrides are separated by commas
/// outside brackets and quotes, so `listener[0].processors=[3,4]` is one override.
pub fn parse_scenario_arg(text: &str) -> Result<ScenarioArg, String> {
    let plain = || ScenarioArg {
        text: text.to_string(),
        path: PathBuf::from(text),
        overrides: Vec::new(),
    };
    if !text.ends_with(']') || Path::new(text).is_file() {
        return Ok(plain());
    }
    let opens: Vec<usize> = text.match_indices('[').map(|(i, _)| i).collect();
    let start = opens
        .iter()
        .find(|&&i| i > 0 && Path::new(&text[..i]).is_file())
        .or_else(|| opens.iter().find(|&&i| text[..i].ends_with(".toml")))
        .or(opens.first())
        .copied();
    let Some(start) = start.filter(|&i| i > 0) else {
        return Ok(plain());
    };
    let inner = &text[start + 1..text.len() - 1];
    let overrides = split_overrides(inner).map_err(|e| format!("'{text}': {e}"))?;
    Ok(ScenarioArg {
        text: text.to_string(),
        path: PathBuf::from(&text[..start]),
        overrides,
    })
}

/// `k=v,k2=[1,2]` -> `["k=v", "k2=[1,2]"]`: commas split only outside brackets and quotes.
fn split_overrides(inner: &str) -> Result<Vec<String>, String> {
    let mut parts = Vec::new();
    let mut depth = 0i32;
    let mut quote: Option<char> = None;
    let mut cur = String::new();
    for c in inner.chars() {
        match (quote, c) {
            (Some(q), _) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '[' | '{') => depth += 1,
            (None, ']' | '}') => depth -= 1,
            (None, ',') if depth == 0 => {
                parts.push(std::mem::take(&mut cur));
                continue;
            }
            _ => {}
        }
        if depth < 0 {
            return Err("unbalanced ']' in the overrides".to_string());
        }
        cur.push(c);
    }
    if depth != 0 || quote.is_some() {
        return Err("unbalanced brackets or quotes in the overrides".to_string());
    }
    parts.push(cur);
    let parts: Vec<String> = parts.iter().map(|p| p.trim().to_string()).collect();
    if let Some(bad) = parts.iter().find(|p| !p.contains('=')) {
        return Err(if bad.is_empty() {
            "an empty override between the brackets; write them as \
             [key.path=value,key.path=value]"
                .to_string()
        } else {
            format!("override '{bad}' has no '='; write it as key.path=value")
        });
    }
    Ok(parts)
}

/// `fig-3-3-distributor[workload.rate=20000/s]`: the label of scenario `name` with `overrides`
/// ([`Variant::label`]).
pub fn label(name: &str, overrides: &[String]) -> String {
    Variant::with_overrides(name, overrides).label()
}

/// Longest output folder name a label gives [characters].
pub const MAX_FOLDER_NAME: usize = 80;

/// The output folder of a labelled run, a name no shell needs quoted: letters, digits and
/// `. - _ = + %` stay, and every run of other characters (brackets, commas, spaces, quotes,
/// `/`, `:` ...) becomes one `_`, none at either end:
/// `fig-3-3[server_class[1].cpus=[0,1]]` -> `fig-3-3_server_class_1_.cpus=_0_1`. A name
/// longer than [`MAX_FOLDER_NAME`] keeps its start and ends in `-` and 8 hex digits of the
/// FNV-1a hash of the whole label, so labels that differ only past the cut stay apart.
pub fn folder_name(label: &str) -> String {
    let mut name = String::with_capacity(label.len());
    for c in label.chars() {
        if c.is_ascii_alphanumeric() || ".-_=+%".contains(c) {
            name.push(c);
        } else if !name.ends_with('_') {
            name.push('_');
        }
    }
    let name = name.trim_matches('_');
    let name = if name.is_empty() { "_" } else { name };
    if name.len() <= MAX_FOLDER_NAME {
        return name.to_string();
    }
    let mut h = crate::engine::Fnv1a::default();
    std::hash::Hasher::write(&mut h, label.as_bytes());
    let hash = std::hash::Hasher::finish(&h);
    // Only ASCII is left, so any byte index is a character boundary.
    format!("{}-{:08x}", &name[..MAX_FOLDER_NAME - 9], hash as u32)
}

/// Loads every scenario argument with the global `--set` first and its own overrides after.
/// Every file is validated before any runs, so one typo does not waste the others' runs; two
/// arguments with the same label (or the same folder) are refused, naming both. Each comes
/// with its variant and its text as it runs (for `report.html`).
fn load_all(
    a: &[String],
    given: &[String],
    window: Option<&str>,
    options: &SimOptions,
) -> Result<Vec<(Scenario, Variant, String)>, Failure> {
    let mut loaded = Vec::new();
    let mut problems = Vec::new();
    if !given.is_empty() && given.len() != a.len() {
        problems.push(format!(
            "error: {} --label options for {} scenarios; give one label per scenario argument, \
             in order, or none",
            given.len(),
            a.len()
        ));
    }
    if given.iter().any(|l| l.trim().is_empty()) {
        problems
            .push("error: a --label is empty; give each run a name, e.g. --label peak-8cpu".into());
    }
    for (i, text) in a.iter().enumerate() {
        let arg = match parse_scenario_arg(text) {
            Ok(arg) => arg,
            Err(e) => {
                problems.push(format!("error: {e}"));
                continue;
            }
        };
        let mut set = options.sets();
        set.extend(arg.overrides.iter().cloned());
        let loaded_one = load(&arg.path, &set, options.seed)
            .map_err(|f| options.name_warmup(f))
            .and_then(|mut s| super::set_window(&mut s, &arg.path, window).map(|()| s));
        match loaded_one {
            Ok(s) => {
                let variant = Variant::with_overrides(&s.name, &arg.overrides)
                    .labelled(given.get(i).map(String::as_str));
                let text = report_page::scenario_text(&arg.path, &set, options.seed)?;
                loaded.push((s, variant, arg.text, text));
            }
            Err(Failure::Usage(m)) => problems.push(m),
            Err(e) => return Err(e),
        }
    }
    if !problems.is_empty() {
        return Err(Failure::Usage(problems.join("\n")));
    }
    let labels: Vec<String> = loaded.iter().map(|(_, v, _, _)| v.label()).collect();
    for (i, (label, (_, _, text, _))) in labels.iter().zip(&loaded).enumerate() {
        let clash = (0..i).find(|&j| folder_name(&labels[j]) == folder_name(label));
        if let Some(j) = clash {
            let (other, other_text) = (&labels[j], &loaded[j].2);
            let what = if other == label {
                format!("both give the label '{label}'")
            } else {
                format!("give the labels '{other}' and '{label}', which share one output folder")
            };
            return Err(Failure::Usage(format!(
                "error: scenarios '{other_text}' and '{text}' {what}; compare needs distinct \
                 labels (they name the columns and the output folders): give one its own \
                 overrides, e.g. '{text}[workload.rate=20000/s]', or rename it with `name = ...`"
            )));
        }
    }
    Ok(loaded.into_iter().map(|(s, v, _, t)| (s, v, t)).collect())
}

pub(super) fn cmd_compare(a: &super::CompareArgs) -> Result<(), Failure> {
    let loaded = load_all(&a.scenarios, &a.labels, a.window.as_deref(), &a.options)?;
    let (mode, jobs) = experiment::mode(&a.experiment)?;
    let out = a
        .options
        .out
        .clone()
        .unwrap_or_else(|| PathBuf::from("output/compare"));
    let variants: Vec<Variant> = loaded.iter().map(|(_, v, _)| v.clone()).collect();
    let labels: Vec<String> = variants.iter().map(Variant::label).collect();
    let folders: Vec<String> = labels.iter().map(|l| folder_name(l)).collect();
    let outputs = prepare(&out, &folders)?;
    let how = match &mode {
        Mode::Single => String::new(),
        Mode::One(k) => format!(" (replication {k})"),
        Mode::Replicated { replications, .. } => {
            format!(" ({replications} replications each, {jobs} worker(s))")
        }
    };
    let progress = Progress::new(&a.progress, jobs);
    progress.say(&format!("nssim: comparing {}{how}", labels.join(", ")));
    // A `name` override is the label already (as in [`Variant::label`]), not a column.
    let parameters: Vec<(String, Vec<(String, String)>)> = variants
        .iter()
        .map(|v| {
            let set = v.parameters.iter().filter(|(k, _)| k != "name");
            (v.label(), set.cloned().collect())
        })
        .collect();
    let scenarios: Vec<Scenario> = loaded.iter().map(|(s, _, _)| s.clone()).collect();
    let mut e = experiment::run(&scenarios, &variants, &mode, jobs, &progress);
    progress.finish();
    for r in &mut e.results {
        r.batch_means = None;
    }
    let stop = super::stopped::explain_stops(&scenarios, &mut e);
    let notes = report::warmup_warnings(&e);
    for w in &notes {
        eprintln!("{w}");
    }
    let groups = experiment::groups(&e, scenarios.len());
    let manifest = |out: &Path| experiment::write_manifest(out, jobs, &e.runs, &e.results);
    let page = |tables| report_page::Page {
        title: format!("nssim compare: {}", labels.join(", ")),
        tables,
        notes: notes.clone(),
        runs: &e.runs,
        scenarios: loaded
            .iter()
            .map(|(_, variant, text)| report_page::Scenario {
                label: variant.label(),
                text: text.clone(),
            })
            .collect(),
    };
    if let Mode::Replicated { .. } = mode {
        let table = report::replicated_table(&groups, e.precision.as_ref());
        let written = finish_outputs(outputs, |out| {
            let mut written = Vec::new();
            // The comparison's own files first, so its plots open the page.
            written.extend(report::write_replicated_comparison(
                out,
                &groups,
                &parameters,
            )?);
            for g in &groups {
                let dir = out.join(folder_name(&g.label));
                written.extend(report::write_replicated_run(&dir, g, None)?);
            }
            written.push(manifest(out)?);
            let tables = report_page::replicated_tables(&table, &groups);
            written.push(report_page::write(out, &written, page(tables))?);
            Ok(written)
        })?;
        print_out(&format!(
            "{}wrote {written} files to {}\n",
            report::replicated_table(&groups, e.precision.as_ref()),
            out.display()
        ))?;
        return stop.map_or(Ok(()), Err);
    }
    let results = &e.results;
    let written = finish_outputs(outputs, |out| {
        // The comparison's own files first, so its plots open the page.
        let mut written = report::write_comparison(out, results, &parameters)?;
        for r in results {
            written.extend(report::write_run(&out.join(folder_name(&r.scenario)), r)?);
        }
        if let Mode::One(_) = mode {
            written.push(experiment::write_replications(out, &groups)?);
        }
        written.push(manifest(out)?);
        written.push(report_page::write(
            out,
            &written,
            page(report_page::run_tables(results)),
        )?);
        Ok(written)
    })?;
    print_out(&format!(
        "{}wrote {} files to {}\n",
        report::comparison_table(results),
        written,
        out.display()
    ))?;
    stop.map_or(Ok(()), Err)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn arg(text: &str) -> ScenarioArg {
        parse_scenario_arg(text).unwrap()
    }

    #[test]
    fn a_plain_file_has_no_overrides() {
        let a = arg("scenarios/fig-3-3-distributor.toml");
        assert_eq!(a.path, PathBuf::from("scenarios/fig-3-3-distributor.toml"));
        assert!(a.overrides.is_empty());
    }

    #[test]
    fn brackets_after_the_file_are_its_overrides() {
        let a = arg("a.toml[workload.rate=20000/s, run.duration=30s]");
        assert_eq!(a.path, PathBuf::from("a.toml"));
        assert_eq!(a.overrides, ["workload.rate=20000/s", "run.duration=30s"]);
        // Commas inside brackets or quotes do not split.
        let a = arg("a.toml[listener[0].processors=[3,4],name=\"x,y\"]");
        assert_eq!(
            a.overrides,
            ["listener[0].processors=[3,4]", "name=\"x,y\""]
        );
    }

    #[test]
    fn malformed_brackets_are_explained() {
        let e = parse_scenario_arg("a.toml[]").unwrap_err();
        assert!(e.contains("empty override"), "{e}");
        let e = parse_scenario_arg("a.toml[workload.rate]").unwrap_err();
        assert!(e.contains("'workload.rate' has no '='"), "{e}");
        let e = parse_scenario_arg("a.toml[x=[1,2]").unwrap_err();
        assert!(e.contains("unbalanced"), "{e}");
        assert!(e.starts_with("'a.toml[x=[1,2]'"), "{e}");
    }

    #[test]
    fn labels_show_full_key_paths_and_values() {
        assert_eq!(label("a", &[]), "a");
        assert_eq!(
            label("a", &["workload.rate=20000/s".into()]),
            "a[workload.rate=20000/s]"
        );
        assert_eq!(
            label(
                "a",
                &[
                    "workload.rate = 20000/s".into(),
                    "server_class[1].cpus=[0,1]".into(),
                    "server_class[2].cpus=[0,1]".into()
                ]
            ),
            "a[workload.rate=20000/s,server_class[1].cpus=[0,1],server_class[2].cpus=[0,1]]"
        );
        assert_eq!(label("b", &["name=b".into()]), "b");
        let given = Variant::with_overrides("a", &["workload.rate=1/s".into()]).labelled(Some("x"));
        assert_eq!(given.label(), "x");
    }

    #[test]
    fn folder_names_need_no_quoting_and_stay_distinct() {
        assert_eq!(
            folder_name("a[workload.rate=20000/s]"),
            "a_workload.rate=20000_s"
        );
        assert_eq!(folder_name("x y\\z:\"q\""), "x_y_z_q");
        assert_eq!(folder_name("fig-3-3-distributor"), "fig-3-3-distributor");
        assert_eq!(
            folder_name("fig[server_class[1].cpus=[0,1]]"),
            "fig_server_class_1_.cpus=_0_1"
        );
        // Long labels are cut with a hash of the whole label.
        let long = |tail: &str| {
            format!(
                "acs-server-correct[server_class[0].maxservers=6,server_class[0].numstatic=6,server_class[1].maxservers={tail}]"
            )
        };
        let (a, b) = (folder_name(&long("6")), folder_name(&long("7")));
        assert_eq!(a.len(), MAX_FOLDER_NAME);
        assert_ne!(a, b);
        assert_eq!(a[..MAX_FOLDER_NAME - 9], b[..MAX_FOLDER_NAME - 9]);
        for name in [a, b, folder_name("\"'[], ;|&$`")] {
            assert!(
                name.chars()
                    .all(|c| c.is_ascii_alphanumeric() || ".-_=+%".contains(c)),
                "{name}"
            );
        }
    }
}
