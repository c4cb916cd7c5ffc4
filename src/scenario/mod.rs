//! Scenario files: TOML -> raw serde structs -> validated, typed [`Scenario`].
//!
//! The pipeline, each stage in its own file:
//! 1. read the file;
//! 2. apply `--set key.path=value` overrides to the document (`overrides.rs`);
//! 3. deserialize into the raw structs (`raw.rs`), which mirror the file, with
//!    `serde_path_to_error` so a typo or a wrong type reports its field path *and* toml's line
//!    and column;
//! 4. validate raw -> typed (`validate/`), collecting every problem rather than stopping at the
//!    first, each with its field path and, found by walking a span-keeping `toml_edit` parse of
//!    the same text, its line and column;
//! 5. for a valid scenario, [`warnings`] (`check.rs`) gives configuration advice: ACS domain
//!    weights that do not follow MAXSERVERS, server classes whose servers are all dynamic.
//!
//! `scenarios/README.md` is the reference manual of the format.

mod check;
mod overrides;
pub mod raw;
mod types;
pub mod units;
mod validate;

use std::fmt;
use std::ops::Range;
use std::path::Path;

use toml_edit::{Item, Table, Value};

pub use check::warnings;
use overrides::Segment;
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

/// Reads, parses and validates a scenario file, applying `--set key.path=value` overrides first.
pub fn load(path: &Path, overrides: &[String]) -> Result<Scenario, ScenarioError> {
    let origin = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| Problem {
        origin: origin.clone(),
        line: None,
        column: None,
        field: String::new(),
        message: format!("could not read the scenario file: {e}"),
    })?;
    parse_str(&text, &origin, overrides)
}

/// Same as [`load`] from text; `origin` is what messages call the file (e.g. the path).
pub fn parse_str(
    text: &str,
    origin: &str,
    overrides: &[String],
) -> Result<Scenario, ScenarioError> {
    let text = apply_overrides(text, origin, overrides)?;
    let raw = parse_raw(&text, origin)?;
    let locator = Locator::new(&text);
    let (scenario, findings) = validate::validate(&raw);
    if findings.is_empty() {
        return Ok(scenario.expect("validation without findings builds a scenario"));
    }
    let mut problems: Vec<Problem> = findings
        .into_iter()
        .map(|f| locator.problem(origin, f))
        .collect();
    // File order; problems without a position (missing tables) first. Stable, so problems at
    // one place keep the order validation found them in.
    problems.sort_by_key(|p| (p.line, p.column));
    Err(ScenarioError { problems })
}

/// Applies overrides and returns the text to parse (the input itself when there are none).
fn apply_overrides(
    text: &str,
    origin: &str,
    overrides: &[String],
) -> Result<String, ScenarioError> {
    if overrides.is_empty() {
        return Ok(text.to_string());
    }
    let mut doc: toml_edit::DocumentMut = text
        .parse()
        .map_err(|e: toml_edit::TomlError| syntax_problem(text, origin, e.message(), e.span()))?;
    let errors = overrides::apply_all(&mut doc, overrides);
    if !errors.is_empty() {
        let problems = errors
            .into_iter()
            .map(|e| Problem {
                origin: "--set".to_string(),
                line: None,
                column: None,
                field: e.field,
                message: e.message,
            })
            .collect();
        return Err(ScenarioError { problems });
    }
    Ok(doc.to_string())
}

/// Deserializes the text into the raw structs; a syntax error, unknown field or wrong type
/// becomes one problem with toml's line, column and message and serde's field path.
fn parse_raw(text: &str, origin: &str) -> Result<raw::RawScenario, ScenarioError> {
    let deserializer = toml::Deserializer::parse(text)
        .map_err(|e| syntax_problem(text, origin, e.message(), e.span()))?;
    serde_path_to_error::deserialize(deserializer).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.inner();
        let (line, column) = position(text, inner.span()).unzip();
        let field = if path == "." { String::new() } else { path };
        ScenarioError::from(Problem {
            origin: origin.to_string(),
            line,
            column,
            field,
            message: inner.message().to_string(),
        })
    })
}

fn syntax_problem(text: &str, origin: &str, message: &str, span: Option<Range<usize>>) -> Problem {
    let (line, column) = position(text, span).unzip();
    Problem {
        origin: origin.to_string(),
        line,
        column,
        field: String::new(),
        message: message.trim_end().to_string(),
    }
}

/// Converts the start of a byte span to a 1-based (line, column), counting columns in
/// characters as toml does.
fn position(text: &str, span: Option<Range<usize>>) -> Option<(usize, usize)> {
    let offset = span?.start.min(text.len());
    // A span never splits a character in practice; be safe anyway.
    let offset = (0..=offset)
        .rev()
        .find(|&i| text.is_char_boundary(i))
        .unwrap_or(0);
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = text[line_start..offset].chars().count() + 1;
    Some((line, column))
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

/// Finds the position of a field path in the text, using `toml_edit`'s span-keeping parse.
struct Locator<'t> {
    text: &'t str,
    doc: Option<toml_edit::Document<&'t str>>,
}

/// One step of a walk: the child reached, its span and its key's span (either may be unknown).
type Step<'a> = (Node<'a>, Option<Range<usize>>, Option<Range<usize>>);

/// A place in the document while walking a path.
#[derive(Clone, Copy)]
enum Node<'a> {
    Item(&'a Item),
    Table(&'a Table),
    Value(&'a Value),
}

impl<'t> Locator<'t> {
    fn new(text: &'t str) -> Self {
        Locator {
            text,
            doc: toml_edit::Document::parse(text).ok(),
        }
    }

    /// Turns a finding into a problem with the best position known for its field.
    fn problem(&self, origin: &str, finding: Finding) -> Problem {
        let (line, column) = self.find(&finding.field, finding.anchor).unzip();
        Problem {
            origin: origin.to_string(),
            line,
            column,
            field: finding.field,
            message: finding.message,
        }
    }

    /// The position of `field`, or of its deepest ancestor written in the file (so a missing
    /// field points at its table). `None` when not even the first key is in the file.
    fn find(&self, field: &str, anchor: Anchor) -> Option<(usize, usize)> {
        let doc = self.doc.as_ref()?;
        let segments = overrides::parse_path(field).ok()?;
        let mut node = Node::Item(doc.as_item());
        let mut best: Option<Range<usize>> = None;
        for (i, segment) in segments.iter().enumerate() {
            let last = i + 1 == segments.len();
            let Some((child, span, key_span)) = Self::child(node, segment) else {
                break;
            };
            best = match (last, anchor) {
                (true, Anchor::Key) => key_span.or(span).or(best),
                _ => span.or(key_span).or(best),
            };
            node = child;
        }
        position(self.text, best)
    }

    /// Steps from `node` into `segment`: the child, its span and its key's span.
    fn child<'a>(node: Node<'a>, segment: &Segment) -> Option<Step<'a>> {
        match (node, segment) {
            (Node::Item(item), Segment::Key(k)) => {
                let (key, child) = item.as_table_like()?.get_key_value(k)?;
                Some((Node::Item(child), child.span(), key.span()))
            }
            (Node::Table(table), Segment::Key(k)) => {
                let (key, child) = table.get_key_value(k)?;
                Some((Node::Item(child), child.span(), key.span()))
            }
            (Node::Value(value), Segment::Key(k)) => {
                let (key, child) = value.as_inline_table()?.get_key_value(k)?;
                Some((Node::Item(child), child.span(), key.span()))
            }
            (Node::Item(Item::ArrayOfTables(array)), Segment::Index(i)) => {
                let table = array.get(*i)?;
                Some((Node::Table(table), table.span(), None))
            }
            (Node::Item(Item::Value(value)) | Node::Value(value), Segment::Index(i)) => {
                let element = value.as_array()?.get(*i)?;
                Some((Node::Value(element), element.span(), None))
            }
            _ => None,
        }
    }
}
