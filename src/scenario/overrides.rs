//! Field paths (`listener[0].processors[2]`) and `--set key.path=value` overrides.
//!
//! A path is keys separated by `.`, each optionally followed by `[index]`s, the same notation
//! problems use to name a field. An override edits the parsed document with `toml_edit`, which
//! keeps every untouched line as written, so line numbers in later messages still match the
//! file. The value is read as a TOML value (`5`, `true`, `[3, 4]`, `"x"`, `{ dist = ... }`); if
//! it is not one, it is taken as a string, so `--set workload.rate=5000/s` needs no quotes.

use toml_edit::{ArrayOfTables, DocumentMut, InlineTable, Item, Table, Value};

/// One step of a field path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Segment {
    /// A key in a table.
    Key(String),
    /// An element of an array or array of tables.
    Index(usize),
}

/// Parses `a.b[1].c` into segments; the error says what is wrong with the path.
pub(crate) fn parse_path(path: &str) -> Result<Vec<Segment>, String> {
    let mut segments = Vec::new();
    if path.trim().is_empty() {
        return Err("empty key path; write e.g. run.seed=7".to_string());
    }
    for part in path.split('.') {
        let part = part.trim();
        let (key, mut rest) = match part.find('[') {
            Some(at) => (&part[..at], &part[at..]),
            None => (part, ""),
        };
        if key.is_empty() {
            return Err(format!(
                "empty key in `{path}`; separate keys with single dots, e.g. tcpip.process[0].name"
            ));
        }
        if key.contains(']') {
            return Err(format!("unmatched `]` in `{path}`"));
        }
        segments.push(Segment::Key(key.to_string()));
        while !rest.is_empty() {
            let close = rest
                .find(']')
                .ok_or_else(|| format!("unclosed `[` in `{path}`; write e.g. listener[0]"))?;
            let index = &rest[1..close];
            let index = index.trim().parse::<usize>().map_err(|_| {
                format!("`[{index}]` in `{path}` is not an index; write a number, e.g. [0]")
            })?;
            segments.push(Segment::Index(index));
            rest = &rest[close + 1..];
            if !rest.is_empty() && !rest.starts_with('[') {
                return Err(format!("unexpected `{rest}` after `]` in `{path}`"));
            }
        }
    }
    Ok(segments)
}

/// Renders segments back into the path notation.
pub(crate) fn render_path(segments: &[Segment]) -> String {
    let mut out = String::new();
    for segment in segments {
        match segment {
            Segment::Key(key) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(key);
            }
            Segment::Index(i) => out.push_str(&format!("[{i}]")),
        }
    }
    out
}

/// A failed override: the path (or the whole argument, if it has no path) and why.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct OverrideError {
    /// The `key.path` as typed, or the whole argument when it could not be split.
    pub field: String,
    /// What went wrong and how to fix it.
    pub message: String,
}

/// Applies one `key.path=value`, returning the path it wrote.
pub(crate) fn apply(
    doc: &mut DocumentMut,
    assignment: &str,
) -> Result<Vec<Segment>, OverrideError> {
    let Some((path, text)) = assignment.split_once('=') else {
        return Err(OverrideError {
            field: assignment.to_string(),
            message: "expected key.path=value, e.g. --set workload.rate=5000/s".to_string(),
        });
    };
    let path = path.trim();
    let fail = |message: String| OverrideError {
        field: path.to_string(),
        message,
    };
    let segments = parse_path(path).map_err(fail)?;
    let value = parse_value(text.trim());
    set_in_table(doc.as_table_mut(), &segments, &segments, value).map_err(fail)?;
    Ok(segments)
}

/// Reads `text` as a TOML value, or else as a string.
fn parse_value(text: &str) -> Value {
    match text.parse::<Value>() {
        Ok(mut value) => {
            value.decor_mut().clear();
            value
        }
        Err(_) => Value::from(text),
    }
}

/// Sets `rest` (a path inside `table`) to `value`. `full` is the whole path, for messages.
fn set_in_table(
    table: &mut Table,
    full: &[Segment],
    rest: &[Segment],
    mut value: Value,
) -> Result<(), String> {
    let Some((Segment::Key(key), after)) = rest.split_first() else {
        let walked = render_path(&full[..full.len() - rest.len()]);
        return Err(format!(
            "`{walked}` is a table, not an array; index it by key"
        ));
    };
    let here = render_path(&full[..full.len() - after.len()]);
    if after.is_empty() {
        match table.get_mut(key) {
            Some(Item::Value(old)) => {
                // Keep the old value's surrounding spaces and comment.
                *value.decor_mut() = old.decor().clone();
                *old = value;
            }
            Some(Item::Table(_)) | Some(Item::ArrayOfTables(_)) => {
                return Err(format!(
                    "`{here}` is a table; set one of its fields instead, e.g. {here}.<field>=..."
                ));
            }
            Some(Item::None) | None => {
                table.insert(key, Item::Value(value));
            }
        }
        return Ok(());
    }
    if table.get(key).is_none() {
        match after[0] {
            Segment::Index(i) => {
                return Err(format!(
                    "index {i} is out of range: `{here}` does not exist (it has no elements)"
                ));
            }
            // A missing table is created, like writing its header.
            Segment::Key(_) => {
                let mut created = Table::new();
                // Under `a.b = 1` style keys, keep writing dotted keys rather than a header.
                created.set_dotted(table.is_dotted());
                table.insert(key, Item::Table(created));
            }
        }
    }
    let child = table.get_mut(key).expect("present or just inserted");
    set_in_item(child, full, after, value)
}

/// Sets `rest` (a non-empty path inside `item`) to `value`.
fn set_in_item(
    item: &mut Item,
    full: &[Segment],
    rest: &[Segment],
    value: Value,
) -> Result<(), String> {
    let walked = render_path(&full[..full.len() - rest.len()]);
    match item {
        Item::Table(table) => set_in_table(table, full, rest, value),
        Item::ArrayOfTables(array) => set_in_array_of_tables(array, full, rest, value),
        Item::Value(v) => set_in_value(v, full, rest, value),
        Item::None => Err(format!("`{walked}` does not exist")),
    }
}

/// Sets `rest` inside an array of tables (`[[listener]]`); it must start with an index.
fn set_in_array_of_tables(
    array: &mut ArrayOfTables,
    full: &[Segment],
    rest: &[Segment],
    value: Value,
) -> Result<(), String> {
    let walked = render_path(&full[..full.len() - rest.len()]);
    let Some((Segment::Index(i), after)) = rest.split_first() else {
        return Err(format!(
            "`{walked}` is an array of tables; pick one with an index, e.g. {walked}[0]"
        ));
    };
    let len = array.len();
    let Some(table) = array.get_mut(*i) else {
        return Err(out_of_range(*i, &walked, len));
    };
    if after.is_empty() {
        return Err(format!(
            "`{walked}[{i}]` is a table; set one of its fields instead, e.g. {walked}[{i}].name=..."
        ));
    }
    set_in_table(table, full, after, value)
}

/// Sets `rest` inside a value: an inline table (by key) or an array (by index).
fn set_in_value(
    target: &mut Value,
    full: &[Segment],
    rest: &[Segment],
    mut value: Value,
) -> Result<(), String> {
    let walked = render_path(&full[..full.len() - rest.len()]);
    match (target, &rest[0]) {
        (Value::InlineTable(table), Segment::Key(_)) => set_inline(table, full, rest, value),
        (Value::Array(array), Segment::Index(i)) => {
            let len = array.len();
            let Some(element) = array.get_mut(*i) else {
                return Err(out_of_range(*i, &walked, len));
            };
            if rest.len() == 1 {
                *value.decor_mut() = element.decor().clone();
                *element = value;
                Ok(())
            } else {
                set_in_value(element, full, &rest[1..], value)
            }
        }
        (Value::Array(_), Segment::Key(_)) => Err(format!(
            "`{walked}` is an array; pick an element with an index, e.g. {walked}[0]"
        )),
        (other, _) => Err(format!(
            "`{walked}` is {}, not a table or an array, so `{}` cannot be inside it",
            with_article(other.type_name()),
            render_path(full)
        )),
    }
}

/// Sets `rest` (starting with a key) inside an inline table; missing inline tables are created.
fn set_inline(
    table: &mut InlineTable,
    full: &[Segment],
    rest: &[Segment],
    mut value: Value,
) -> Result<(), String> {
    let Some((Segment::Key(key), after)) = rest.split_first() else {
        unreachable!("set_in_value only passes paths that start with a key");
    };
    if after.is_empty() {
        match table.get_mut(key) {
            Some(old) => {
                *value.decor_mut() = old.decor().clone();
                *old = value;
            }
            None => {
                table.insert(key, value);
                // Re-space the table so the new entry reads like the others.
                table.fmt();
            }
        }
        return Ok(());
    }
    if table.get(key).is_none() {
        if let Segment::Index(i) = after[0] {
            let here = render_path(&full[..full.len() - after.len()]);
            return Err(format!(
                "index {i} is out of range: `{here}` does not exist (it has no elements)"
            ));
        }
        table.insert(key, Value::InlineTable(InlineTable::new()));
    }
    let child = table.get_mut(key).expect("present or just inserted");
    set_in_value(child, full, after, value)
}

/// "an integer", "a string".
fn with_article(noun: &str) -> String {
    let vowel = noun.starts_with(['a', 'e', 'i', 'o', 'u']);
    format!("{} {noun}", if vowel { "an" } else { "a" })
}

fn out_of_range(index: usize, walked: &str, len: usize) -> String {
    match len {
        0 => format!("index {index} is out of range: `{walked}` is empty"),
        _ => format!(
            "index {index} is out of range: `{walked}` has {len} element{} (0..={})",
            if len == 1 { "" } else { "s" },
            len - 1
        ),
    }
}

/// Appends the `[[fault]]` that a `--fault ACTION=VALUE@AT` argument describes
/// (`processor_down=3@10s`), returning its path; validation then checks it like one written
/// in the file.
pub(crate) fn append_fault(
    doc: &mut DocumentMut,
    spec: &str,
) -> Result<Vec<Segment>, OverrideError> {
    let error = |message: String| OverrideError {
        field: "fault".to_string(),
        message,
    };
    let example = "write e.g. --fault processor_down=3@10s";
    let (action, at) = spec
        .rsplit_once('@')
        .ok_or_else(|| error(format!("`{spec}` has no time; {example}")))?;
    let (key, value) = action
        .split_once('=')
        .ok_or_else(|| error(format!("`{action}` is not ACTION=VALUE; {example}")))?;
    let (key, value, at) = (key.trim(), value.trim().trim_matches('"'), at.trim());
    if key.is_empty() || value.is_empty() || at.is_empty() {
        return Err(error(format!("`{spec}` is incomplete; {example}")));
    }
    let value = match value.parse::<i64>() {
        Ok(n) => Value::from(n),
        Err(_) => Value::from(value),
    };
    let mut table = Table::new();
    table.insert("at", Item::Value(Value::from(at)));
    table.insert(key, Item::Value(value));
    let item = doc
        .as_table_mut()
        .entry("fault")
        .or_insert(Item::ArrayOfTables(ArrayOfTables::new()));
    let Some(array) = item.as_array_of_tables_mut() else {
        return Err(error(
            "`fault` in this file is not an array of tables; write faults as [[fault]]".to_string(),
        ));
    };
    array.push(table);
    Ok(vec![
        Segment::Key("fault".to_string()),
        Segment::Index(array.len() - 1),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_parse_and_render() {
        let path = "tcpip.process[1].processor";
        let segments = parse_path(path).unwrap();
        assert_eq!(
            segments,
            vec![
                Segment::Key("tcpip".into()),
                Segment::Key("process".into()),
                Segment::Index(1),
                Segment::Key("processor".into()),
            ]
        );
        assert_eq!(render_path(&segments), path);
        assert_eq!(parse_path("a[0][2]").unwrap().len(), 3);
        assert!(parse_path("a..b").unwrap_err().contains("empty key"));
        assert!(parse_path("a[x]").unwrap_err().contains("not an index"));
        assert!(parse_path("a[0").unwrap_err().contains("unclosed"));
        assert!(parse_path("").is_err());
    }

    fn set(text: &str, assignment: &str) -> Result<String, OverrideError> {
        let mut doc: DocumentMut = text.parse().unwrap();
        apply(&mut doc, assignment).map(|_| doc.to_string())
    }

    #[test]
    fn values_replace_in_place_and_keep_comments() {
        let text = "[run]\nseed = 1 # the seed\nduration = \"1s\"\n";
        assert_eq!(
            set(text, "run.seed=7").unwrap(),
            "[run]\nseed = 7 # the seed\nduration = \"1s\"\n"
        );
        // Not a TOML value: taken as a string.
        assert_eq!(
            set(text, "run.duration=2s").unwrap(),
            "[run]\nseed = 1 # the seed\nduration = \"2s\"\n"
        );
    }

    #[test]
    fn missing_keys_and_tables_are_created() {
        let out = set("[run]\nseed = 1\n", "run.drain=5s").unwrap();
        assert!(out.contains("drain = \"5s\""), "{out}");
        let out = set("[run]\nseed = 1\n", "lan.pif_bandwidth=10Gb/s").unwrap();
        assert!(out.contains("[lan]\npif_bandwidth = \"10Gb/s\""), "{out}");
        let out = set("[w]\nmix = { A = 1 }\n", "w.mix.B=2").unwrap();
        assert!(out.contains("mix = { A = 1, B = 2 }"), "{out}");
    }

    #[test]
    fn arrays_and_arrays_of_tables_are_indexed() {
        let text = "[[listener]]\nprocessors = [3, 4]\n[[listener]]\nprocessors = [5]\n";
        let out = set(text, "listener[1].processors=[6, 7]").unwrap();
        assert!(out.contains("processors = [6, 7]"), "{out}");
        let out = set(text, "listener[0].processors[1]=9").unwrap();
        assert!(out.contains("processors = [3, 9]"), "{out}");
    }

    #[test]
    fn bad_paths_are_reported() {
        let text = "[[listener]]\nprocessors = [3, 4]\n[run]\nseed = 1\n";
        let e = set(text, "listener[2].port=1").unwrap_err();
        assert_eq!(e.field, "listener[2].port");
        assert!(
            e.message.contains("index 2 is out of range"),
            "{}",
            e.message
        );
        assert!(e.message.contains("has 1 element (0..=0)"), "{}", e.message);
        let e = set(text, "run.seed.x=1").unwrap_err();
        assert!(
            e.message.contains("`run.seed` is an integer"),
            "{}",
            e.message
        );
        let e = set(text, "listener.port=1").unwrap_err();
        assert!(
            e.message.contains("pick one with an index"),
            "{}",
            e.message
        );
        let e = set(text, "run=1").unwrap_err();
        assert!(e.message.contains("is a table"), "{}", e.message);
        let e = set(text, "run.seed").unwrap_err();
        assert_eq!(e.field, "run.seed");
        assert!(e.message.contains("expected key.path=value"));
    }
}
