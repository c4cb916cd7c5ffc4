//! Scenario files: TOML -> raw serde structs -> validated, typed [`Scenario`].
//!
//! The pipeline, each stage in its own file:
//! 1. read the file, with a size limit, and the files it `extends`, and merge them
//!    (`source.rs`);
//! 2. apply `--set key.path=value` overrides to the merged document (`overrides.rs`);
//! 3. deserialize into the raw structs (`raw.rs`), which mirror the file, leniently
//!    (`lenient.rs`): every wrong type and unknown key is reported, not only the first;
//! 4. validate raw -> typed (`validate/`), collecting every problem rather than stopping at the
//!    first;
//! 5. name, for each problem, the file, line and column where the value was written (a base
//!    file's for a value it supplied), or the `--set` argument that set it (`source.rs`);
//! 6. for a valid scenario, [`warnings`] (`check.rs`) gives configuration advice: ACS domain
//!    weights that do not follow MAXSERVERS, server classes whose servers are all dynamic.
//!
//! `scenarios/README.md` is the reference manual of the format.

mod check;
mod lenient;
pub mod limits;
mod overrides;
pub mod raw;
mod source;
mod types;
pub mod units;
mod validate;

use std::fmt;
use std::path::Path;

pub use check::{Capacity, peak_rate, warnings, warnings_with};
pub use source::{MAX_EXTENDS_DEPTH, MAX_FILE_BYTES};
pub use types::*;
pub use units::{parse_bandwidth, parse_duration, parse_rate};

/// One thing wrong with a scenario: where, which field, what and how to fix it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// What the input is called: the file path, or `--set` for a bad override.
    pub origin: String,
    /// 1-based line in the (overridden) text, when known.
    pub line: Option<usize>,
    /// 1-based column (in characters), when known.
    pub column: Option<usize>,
    /// Field path, e.g. `listener[0].processors[2]`; empty for a syntax error.
    pub field: String,
    /// Lowercase, says what is allowed and the fix.
    pub message: String,
}

/// `origin:line:column: field: message`, leaving out what is unknown.
impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.origin)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
            if let Some(column) = self.column {
                write!(f, ":{column}")?;
            }
        }
        if !self.field.is_empty() {
            write!(f, ": {}", self.field)?;
        }
        write!(f, ": {}", self.message)
    }
}

/// Everything wrong with a scenario, in file order where known; `Display` prints one problem
/// per line.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub struct ScenarioError {
    /// At least one problem.
    pub problems: Vec<Problem>,
}

impl fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, problem) in self.problems.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{problem}")?;
        }
        Ok(())
    }
}

impl From<Problem> for ScenarioError {
    fn from(problem: Problem) -> Self {
        ScenarioError {
            problems: vec![problem],
        }
    }
}

/// Reads, parses and validates a scenario file (and the files it `extends`), applying
/// `--set key.path=value` overrides to the merged document first.
pub fn load(path: &Path, overrides: &[String]) -> Result<Scenario, ScenarioError> {
    let origin = path.display().to_string();
    let text = source::read_limited(path).map_err(|message| Problem {
        origin: origin.clone(),
        line: None,
        column: None,
        field: String::new(),
        message,
    })?;
    let dir = path.parent().unwrap_or(Path::new(""));
    parse_in(text, &origin, dir, overrides)
}

/// The scenario as it runs, as TOML text: the file merged with the files it `extends`, with
/// `overrides` applied (stages 1 and 2 of the pipeline), in the order its keys were first
/// written; comments are not kept. For reports: call it on a scenario that [`load`] accepted
/// with the same overrides.
pub fn merged_text(path: &Path, overrides: &[String]) -> Result<String, ScenarioError> {
    let origin = path.display().to_string();
    let text = source::read_limited(path).map_err(|message| Problem {
        origin: origin.clone(),
        line: None,
        column: None,
        field: String::new(),
        message,
    })?;
    let dir = path.parent().unwrap_or(Path::new(""));
    let files = source::chain(text, &origin, dir)?;
    let (mut merged, mut problems) = source::merge(&files);
    problems.extend(apply_overrides(&mut merged, overrides).1);
    if !problems.is_empty() {
        return Err(ScenarioError { problems });
    }
    toml::to_string(&merged).map_err(|e| {
        ScenarioError::from(Problem {
            origin,
            line: None,
            column: None,
            field: String::new(),
            message: format!("could not write the merged scenario as TOML: {e}"),
        })
    })
}

/// Same as [`load`] from text; `origin` is what messages call the file (e.g. the path), and
/// an `extends` path is relative to its folder.
pub fn parse_str(
    text: &str,
    origin: &str,
    overrides: &[String],
) -> Result<Scenario, ScenarioError> {
    let dir = Path::new(origin).parent().unwrap_or(Path::new(""));
    parse_in(text.to_string(), origin, dir, overrides)
}

/// The whole pipeline: chain, merge, override, deserialize leniently, validate, locate.
fn parse_in(
    text: String,
    origin: &str,
    dir: &Path,
    overrides: &[String],
) -> Result<Scenario, ScenarioError> {
    let files = source::chain(text, origin, dir)?;
    let (mut merged, mut set_problems) = source::merge(&files);
    let (applied, more_problems) = apply_overrides(&mut merged, overrides);
    set_problems.extend(more_problems);
    let (raw, mut findings, pruned) = lenient::deserialize(merged);
    let locator = source::Locator::new(&files, &applied);
    if let Some(raw) = &raw {
        // A trace file is relative to the scenario file that names it (the current folder
        // for one given with --set).
        let named_in = locator
            .problem(Finding {
                field: "workload.rate.file".to_string(),
                message: String::new(),
                anchor: Anchor::Value,
            })
            .origin;
        let trace_dir = if named_in.starts_with("--set") {
            Path::new("").to_path_buf()
        } else {
            Path::new(&named_in)
                .parent()
                .unwrap_or(Path::new(""))
                .to_path_buf()
        };
        let (scenario, more) = validate::validate(raw, &trace_dir);
        if findings.is_empty() && more.is_empty() && set_problems.is_empty() {
            return Ok(scenario.expect("validation without findings builds a scenario"));
        }
        // A pruned entry was reported once already; "missing `x`" would only repeat it.
        findings.extend(more.into_iter().filter(|f| {
            !pruned
                .iter()
                .any(|p| is_under(&f.field, p) || compares(&f.field, p))
        }));
    }
    let mut problems: Vec<Problem> = findings.into_iter().map(|f| locator.problem(f)).collect();
    problems.extend(set_problems);
    // The file that was run first, then the files it extends, then `--set` arguments; in each,
    // problems without a position (missing tables) first, then in file order. Stable, so
    // problems at one place keep the order validation found them in.
    let rank = |p: &Problem| {
        files
            .iter()
            .rev()
            .position(|f| f.origin == p.origin)
            .or_else(|| {
                let set = overrides.iter().position(|a| p.origin == origin_of(a))?;
                Some(files.len() + set)
            })
            .unwrap_or(files.len())
    };
    problems.sort_by_key(|p| (rank(p), p.line, p.column));
    Err(ScenarioError { problems })
}

/// Fields checked against a sibling: (field, sibling). A pruned sibling was reported already,
/// and the default that replaced it would give a spurious second problem.
const COMPARED: &[(&str, &str)] = &[("numstatic", "maxservers")];

/// True when a finding at `field` compares it with the pruned field `pruned`.
fn compares(field: &str, pruned: &str) -> bool {
    COMPARED.iter().any(|(key, sibling)| {
        field
            .strip_suffix(key)
            .and_then(|parent| Some((parent, pruned.strip_suffix(sibling)?)))
            .is_some_and(|(a, b)| a == b && a.ends_with('.'))
    })
}

/// How an override carries a `--fault ACTION=VALUE@AT` argument (the CLI passes faults with
/// the `--set` overrides, in order).
pub const FAULT_PREFIX: &str = "--fault ";

/// What messages call an override: `--set key=value`, or `--fault ...` as typed, shortened
/// if long.
pub(crate) fn origin_of(argument: &str) -> String {
    if argument.starts_with(FAULT_PREFIX) {
        overrides::shortened(argument)
    } else {
        format!("--set {}", overrides::shortened(argument))
    }
}

/// True when `field` is `prefix` or inside it.
fn is_under(field: &str, prefix: &str) -> bool {
    field
        .strip_prefix(prefix)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('.') || rest.starts_with('['))
}

/// Applies overrides to the merged document; returns where each one that applied wrote, and a
/// problem for each that did not (the others still apply, so every problem is reported).
fn apply_overrides(
    merged: &mut toml::Table,
    overrides: &[String],
) -> (Vec<source::Override>, Vec<Problem>) {
    let mut applied = Vec::new();
    let mut problems = Vec::new();
    for argument in overrides {
        let applied_here = match argument.strip_prefix(FAULT_PREFIX) {
            Some(spec) => overrides::append_fault(merged, spec),
            None => overrides::apply(merged, argument),
        };
        match applied_here {
            Ok(path) => applied.push(source::Override {
                path,
                argument: argument.clone(),
            }),
            Err(e) => problems.push(Problem {
                origin: origin_of(argument),
                line: None,
                column: None,
                field: e.field,
                message: e.message,
            }),
        }
    }
    (applied, problems)
}

/// Where a validation finding should point: the field's value, or its key (for a bad key such
/// as a mix entry naming no server class).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Anchor {
    Value,
    Key,
}

/// A validation problem before it has a position.
#[derive(Clone, Debug, PartialEq)]
struct Finding {
    field: String,
    message: String,
    anchor: Anchor,
}
