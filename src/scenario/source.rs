//! Where a scenario's text comes from and where each value of it was written.
//!
//! A scenario is one file or a chain of them: `extends = "base.toml"` (a path relative to the
//! extending file) takes the base and applies this file's tables on top. Merging follows
//! OMNeT++'s `extends`: a table (a `[header]` table or dotted keys) merges key by key, anything
//! else replaces what the base had (scalars, arrays, arrays of tables `[[...]]` and inline
//! tables `{ ... }`, so a distribution or a mix is always replaced whole). Chains are allowed
//! (up to [`MAX_EXTENDS_DEPTH`] files), cycles are an error.
//!
//! Every file is read with a size limit ([`MAX_FILE_BYTES`]), so a device such as `/dev/zero`
//! gives a message instead of exhausting memory. The [`Locator`] maps a field path of the
//! merged document back to the file, line and column where its value was written, or to the
//! `--set` argument that set it.

use std::io::Read;
use std::ops::Range;
use std::path::{Path, PathBuf};

use toml_edit::{Document, Item, Table, Value};

use super::overrides::{self, Segment};
use super::{Anchor, Finding, Problem};

/// Largest scenario file read [bytes]. The shipped files are a few kilobytes; even 1,000,000
/// terminals are one `[[pathway_xm.term]]` group, so a bigger input is the wrong file.
pub const MAX_FILE_BYTES: u64 = 1 << 20;

/// Most files in one `extends` chain, the extending file included.
pub const MAX_EXTENDS_DEPTH: usize = 16;

/// One file of a chain, parsed with spans.
pub(super) struct SourceFile {
    /// What messages call the file (its path as given, or as resolved from `extends`).
    pub origin: String,
    /// The span-keeping parse.
    pub doc: Document<String>,
}

/// Reads a whole file of at most [`MAX_FILE_BYTES`] as UTF-8.
pub(super) fn read_limited(path: &Path) -> Result<String, String> {
    let file = std::fs::File::open(path).map_err(|e| format!("could not read the file: {e}"))?;
    let mut bytes = Vec::new();
    file.take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("could not read the file: {e}"))?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(format!(
            "the file is larger than {} KiB, too big for a scenario (the shipped ones are a few KiB); check the path",
            MAX_FILE_BYTES / 1024
        ));
    }
    String::from_utf8(bytes).map_err(|e| {
        format!(
            "the file is not UTF-8 text (invalid byte at offset {}); a scenario is a TOML text file",
            e.utf8_error().valid_up_to()
        )
    })
}

/// Parses `text` and, following `extends`, the files it builds on. Returns the chain base
/// first, the file itself last; `dir` is the folder `extends` paths are relative to.
pub(super) fn chain(text: String, origin: &str, dir: &Path) -> Result<Vec<SourceFile>, Problem> {
    let mut files = Vec::new();
    let mut seen: Vec<PathBuf> = vec![canonical(&dir.join(file_name(origin)))];
    let mut text = text;
    let mut origin = origin.to_string();
    let mut dir = dir.to_path_buf();
    loop {
        let doc = Document::parse(text.clone()).map_err(|e| syntax_problem(&text, &origin, &e))?;
        let next = match doc.as_table().get("extends") {
            None => None,
            Some(item) => {
                let at = |message: String| {
                    let (line, column) = position(doc.raw(), item.span()).unzip();
                    Problem {
                        origin: origin.clone(),
                        line,
                        column,
                        field: "extends".to_string(),
                        message,
                    }
                };
                let Some(rel) = item.as_str() else {
                    return Err(at(format!(
                        "extends must be a file name, e.g. extends = \"fig-3-3-distributor.toml\"; got {}",
                        item.type_name()
                    )));
                };
                let path = dir.join(rel);
                if files.len() + 1 >= MAX_EXTENDS_DEPTH {
                    return Err(at(format!(
                        "more than {MAX_EXTENDS_DEPTH} files in this extends chain; extend a file that extends nothing"
                    )));
                }
                let key = canonical(&path);
                if seen.contains(&key) {
                    let mut names: Vec<&str> = files
                        .iter()
                        .map(|f: &SourceFile| f.origin.as_str())
                        .collect();
                    names.push(&origin);
                    return Err(at(format!(
                        "extends cycle: {} -> {}; remove one of the extends",
                        names.join(" -> "),
                        path.display()
                    )));
                }
                seen.push(key);
                let base = read_limited(&path)
                    .map_err(|e| at(format!("cannot extend `{}`: {e}", path.display())))?;
                Some((path, base))
            }
        };
        files.push(SourceFile {
            origin: origin.clone(),
            doc,
        });
        let Some((path, base)) = next else { break };
        origin = path.display().to_string();
        dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
        text = base;
    }
    files.reverse();
    Ok(files)
}

fn file_name(origin: &str) -> &str {
    Path::new(origin)
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or(origin)
}

fn canonical(path: &Path) -> PathBuf {
    std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
}

/// A syntax error with its position.
pub(super) fn syntax_problem(text: &str, origin: &str, e: &toml_edit::TomlError) -> Problem {
    let (line, column) = position(text, e.span()).unzip();
    Problem {
        origin: origin.to_string(),
        line,
        column,
        field: String::new(),
        message: e.message().trim_end().to_string(),
    }
}

/// The chain merged into one table, base first; `extends` keys are dropped. Before a file's
/// tables apply, the paths its `unset = ["system.cores", ...]` lists are removed from what it
/// extends; a path that names nothing, or is not a path, is a problem at that file.
pub(super) fn merge(files: &[SourceFile]) -> (toml::Table, Vec<Problem>) {
    let mut merged = toml::Table::new();
    let mut problems = Vec::new();
    for file in files {
        if let Some(item) = file.doc.as_table().get("unset") {
            unset(&mut merged, item, file, &mut problems);
        }
        merge_table(&mut merged, file.doc.as_table());
        merged.remove("extends");
        merged.remove("unset");
    }
    (merged, problems)
}

/// Removes from `merged` each path that `item` (a file's `unset`) lists.
fn unset(merged: &mut toml::Table, item: &Item, file: &SourceFile, problems: &mut Vec<Problem>) {
    let mut problem = |span: Option<Range<usize>>, field: String, message: String| {
        let (line, column) = position(file.doc.raw(), span).unzip();
        problems.push(Problem {
            origin: file.origin.clone(),
            line,
            column,
            field,
            message,
        });
    };
    let Some(paths) = item.as_array() else {
        problem(
            item.span(),
            "unset".to_string(),
            format!(
                "unset must be a list of key paths to remove from the file this one extends, \
                 e.g. unset = [\"system.cores\"]; got {}",
                item.type_name()
            ),
        );
        return;
    };
    for (i, path) in paths.iter().enumerate() {
        let field = format!("unset[{i}]");
        let Some(text) = path.as_str() else {
            problem(
                path.span(),
                field,
                "expected a key path in quotes, e.g. \"system.cores\"".to_string(),
            );
            continue;
        };
        let removed =
            overrides::parse_path(text).and_then(|segments| overrides::remove(merged, &segments));
        if let Err(message) = removed {
            problem(path.span(), field, message);
        }
    }
}

/// Applies `top` on `base`: tables merge key by key, anything else replaces.
fn merge_table(base: &mut toml::Table, top: &Table) {
    for (key, item) in top.iter() {
        match (item, base.get_mut(key)) {
            (Item::Table(t), Some(toml::Value::Table(b))) => merge_table(b, t),
            _ => {
                if let Some(v) = item_value(item) {
                    base.insert(key.to_string(), v);
                }
            }
        }
    }
}

/// A `toml_edit` item as a `toml` value (`None` for an empty item).
pub(super) fn item_value(item: &Item) -> Option<toml::Value> {
    match item {
        Item::None => None,
        Item::Value(v) => Some(value(v)),
        Item::Table(t) => Some(toml::Value::Table(table_value(t))),
        Item::ArrayOfTables(a) => Some(toml::Value::Array(
            a.iter()
                .map(|t| toml::Value::Table(table_value(t)))
                .collect(),
        )),
    }
}

pub(super) fn table_value(t: &Table) -> toml::Table {
    t.iter()
        .filter_map(|(k, item)| item_value(item).map(|v| (k.to_string(), v)))
        .collect()
}

pub(super) fn value(v: &Value) -> toml::Value {
    match v {
        Value::String(s) => toml::Value::String(s.value().clone()),
        Value::Integer(i) => toml::Value::Integer(*i.value()),
        Value::Float(f) => toml::Value::Float(*f.value()),
        Value::Boolean(b) => toml::Value::Boolean(*b.value()),
        // No scenario field is a date: keep it as text, which is then a type error or an
        // unparsable quantity with the text shown.
        Value::Datetime(d) => toml::Value::String(d.value().to_string()),
        Value::Array(a) => toml::Value::Array(a.iter().map(value).collect()),
        Value::InlineTable(t) => {
            toml::Value::Table(t.iter().map(|(k, v)| (k.to_string(), value(v))).collect())
        }
    }
}

/// Converts the start of a byte span to a 1-based (line, column), counting columns in
/// characters as toml does.
pub(super) fn position(text: &str, span: Option<Range<usize>>) -> Option<(usize, usize)> {
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

/// An applied `--set`: its path and the argument as typed.
pub(super) struct Override {
    pub path: Vec<Segment>,
    pub argument: String,
}

/// Finds where a field path of the merged document was written.
pub(super) struct Locator<'a> {
    files: &'a [SourceFile],
    overrides: &'a [Override],
}

/// A place in one file's document while walking a path.
#[derive(Clone, Copy)]
enum Node<'a> {
    Item(&'a Item),
    Table(&'a Table),
    Value(&'a Value),
}

/// One step of a walk: the child reached, its span and its key's span (either may be unknown).
type Step<'a> = (Node<'a>, Option<Range<usize>>, Option<Range<usize>>);

impl<'a> Locator<'a> {
    pub fn new(files: &'a [SourceFile], overrides: &'a [Override]) -> Self {
        Locator { files, overrides }
    }

    /// Turns a finding into a problem: at the `--set` argument that wrote the field, else at
    /// the file and position where its value (or its deepest written ancestor) is.
    pub fn problem(&self, finding: Finding) -> Problem {
        let segments = overrides::parse_path(&finding.field).unwrap_or_default();
        // The override that wrote the field or a table holding it, else one that created the
        // field (an unknown key written by `--set foo.bar=1` is reported at `foo`).
        let by_set = self
            .overrides
            .iter()
            .rev()
            .find(|o| segments.starts_with(&o.path))
            .or_else(|| {
                self.overrides
                    .iter()
                    .rev()
                    .find(|o| o.path.starts_with(&segments) && !self.written(&segments))
            });
        if let Some(o) = by_set {
            return Problem {
                origin: super::origin_of(&o.argument),
                line: None,
                column: None,
                field: finding.field,
                message: finding.message,
            };
        }
        let (file, span) = self.find(&segments, finding.anchor);
        let file = &self.files[file];
        let (line, column) = position(file.doc.raw(), span).unzip();
        Problem {
            origin: file.origin.clone(),
            line,
            column,
            field: finding.field,
            message: finding.message,
        }
    }

    /// True when some file of the chain writes the field at `segments`.
    fn written(&self, segments: &[Segment]) -> bool {
        self.files.iter().any(|file| {
            let mut node = Node::Item(file.doc.as_item());
            segments
                .iter()
                .all(|segment| match Self::child(node, segment) {
                    Some((child, _, _)) => {
                        node = child;
                        true
                    }
                    None => false,
                })
        })
    }

    /// The file (index into the chain) whose text holds the value at `segments`, and the best
    /// span known in it: the value, or its deepest ancestor written there.
    fn find(&self, segments: &[Segment], anchor: Anchor) -> (usize, Option<Range<usize>>) {
        let last_file = self.files.len() - 1;
        // The files that contribute to the merged table at the current path, most derived
        // first; once the walk leaves merged tables, only one.
        let mut here: Vec<(usize, Node)> = (0..self.files.len())
            .rev()
            .map(|i| (i, Node::Item(self.files[i].doc.as_item())))
            .collect();
        let mut best: (usize, Option<Range<usize>>) = (last_file, None);
        for (depth, segment) in segments.iter().enumerate() {
            let last = depth + 1 == segments.len();
            let steps: Vec<(usize, Step)> = here
                .iter()
                .filter_map(|&(i, node)| Self::child(node, segment).map(|s| (i, s)))
                .collect();
            let Some((owner, (_, span, key_span))) = steps.first().cloned() else {
                if let Some(&(i, _)) = here.first()
                    && best.1.is_none()
                {
                    best.0 = i;
                }
                break;
            };
            let span = match (last, anchor) {
                (true, Anchor::Key) => key_span.or(span),
                _ => span.or(key_span),
            };
            if span.is_some() {
                best = (owner, span);
            }
            // Tables merge: every file with a table here, down to the first that replaced it.
            here = steps
                .iter()
                .take_while(|(_, (node, _, _))| is_table(*node))
                .map(|&(i, (node, _, _))| (i, node))
                .collect();
            if here.is_empty() {
                here = vec![(owner, steps[0].1.0)];
            }
        }
        best
    }

    /// Steps from `node` into `segment`: the child, its span and its key's span.
    fn child<'n>(node: Node<'n>, segment: &Segment) -> Option<Step<'n>> {
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

/// True for a table that merges with the base (`[header]` or dotted keys, not inline).
fn is_table(node: Node) -> bool {
    matches!(node, Node::Item(Item::Table(_)) | Node::Table(_))
}
