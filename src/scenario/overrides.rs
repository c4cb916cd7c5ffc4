//! Field paths (`listener[0].processors[2]`) and `--set key.path=value` overrides.
//!
//! A path is keys separated by `.`, each optionally followed by `[index]`s, the same notation
//! problems use to name a field, at most [`MAX_PATH_SEGMENTS`] keys and indices long. An
//! override edits the merged document (the file and the files it extends, merged). The value
//! is read as a TOML value (`5`, `true`, `[3, 4]`, `"x"`, `{ dist = "lognormal", ... }`); if it
//! is not one, it is taken as a string, so `--set workload.rate=5000/s` needs no quotes. A
//! table value replaces the whole table (`workload.mix={ A = 1 }` leaves A alone in the mix),
//! and an empty value (`--set system.cores=`) removes the key.

use toml::Value;

/// Most keys and indices in one field path. The deepest field of a scenario is 5 steps
/// (`workload.rate.phase[0].at`); the limit keeps a hostile path from exhausting the stack.
pub const MAX_PATH_SEGMENTS: usize = 32;
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
        if segments.len() >= MAX_PATH_SEGMENTS {
            return Err(format!(
                "a key path has at most {MAX_PATH_SEGMENTS} keys and indices; `{}` has more",
                shortened(path)
            ));
        }
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

/// `path` itself, or its first 60 characters and "...", for messages about long paths.
pub(crate) fn shortened(path: &str) -> String {
    match path.char_indices().nth(60) {
        Some((at, _)) => format!("{}...", &path[..at]),
        None => path.to_string(),
    }
}

/// A failed override: the path (or the whole argument, if it has no path) and why.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct OverrideError {
    /// The `key.path` as typed, or the whole argument when it could not be split.
    pub field: String,
    /// What went wrong and how to fix it.
    pub message: String,
}

/// Applies one `key.path=value` (or `key.path=`, a removal), returning the path it wrote.
pub(crate) fn apply(
    doc: &mut toml::Table,
    assignment: &str,
) -> Result<Vec<Segment>, OverrideError> {
    let Some((path, text)) = assignment.split_once('=') else {
        return Err(OverrideError {
            field: shortened(assignment),
            message: "expected key.path=value, e.g. --set workload.rate=5000/s \
                      (or key.path= to remove the key)"
                .to_string(),
        });
    };
    let path = path.trim();
    let fail = |message: String| OverrideError {
        field: shortened(path),
        message,
    };
    let segments = parse_path(path).map_err(fail)?;
    let text = text.trim();
    let value = (!text.is_empty()).then(|| parse_value(text));
    edit(doc, &segments, value).map_err(fail)?;
    Ok(segments)
}

/// Removes the key or element at `segments`; an error if it is not there.
pub(crate) fn remove(doc: &mut toml::Table, segments: &[Segment]) -> Result<(), String> {
    edit(doc, segments, None)
}

/// Reads `text` as a TOML value, or else as a string.
fn parse_value(text: &str) -> Value {
    match text.parse::<toml_edit::Value>() {
        Ok(value) => super::source::value(&value),
        Err(_) => Value::String(text.to_string()),
    }
}

/// Sets the field at `segments` to `value`, or removes it for `None`.
fn edit(doc: &mut toml::Table, segments: &[Segment], value: Option<Value>) -> Result<(), String> {
    let mut root = Value::Table(std::mem::take(doc));
    let result = edit_in(&mut root, segments, 0, value);
    if let Value::Table(t) = root {
        *doc = t;
    }
    result
}

/// Edits `full[depth..]` inside `node`, which is the value at `full[..depth]`. Missing tables
/// on the way are created, as writing their header would.
fn edit_in(
    node: &mut Value,
    full: &[Segment],
    depth: usize,
    value: Option<Value>,
) -> Result<(), String> {
    let walked = render_path(&full[..depth]);
    let here = render_path(&full[..=depth]);
    let last = depth + 1 == full.len();
    let absent = || format!("`{here}` is not set, so there is nothing to remove");
    let child = match (node, &full[depth]) {
        (Value::Table(table), Segment::Key(key)) => {
            if last {
                return match value {
                    None => table.remove(key).map(drop).ok_or_else(absent),
                    Some(value) => {
                        refuse_scalar_for_table(table.get(key), &value, &here)?;
                        table.insert(key.clone(), value);
                        Ok(())
                    }
                };
            }
            if !table.contains_key(key) {
                match (&full[depth + 1], &value) {
                    (_, None) => return Err(absent()),
                    (Segment::Index(i), _) => {
                        return Err(format!(
                            "index {i} is out of range: `{here}` does not exist (it has no elements)"
                        ));
                    }
                    (Segment::Key(_), _) => {
                        table.insert(key.clone(), Value::Table(toml::Table::new()));
                    }
                }
            }
            table.get_mut(key).expect("present or just inserted")
        }
        (Value::Array(array), Segment::Index(i)) => {
            let len = array.len();
            if *i >= len {
                return Err(out_of_range(*i, &walked, len));
            }
            if last {
                match value {
                    None => {
                        array.remove(*i);
                    }
                    Some(value) => {
                        refuse_scalar_for_table(array.get(*i), &value, &here)?;
                        array[*i] = value;
                    }
                }
                return Ok(());
            }
            &mut array[*i]
        }
        (Value::Table(_), Segment::Index(_)) => {
            return Err(format!(
                "`{walked}` is a table, not an array; index it by key"
            ));
        }
        (Value::Array(_), Segment::Key(_)) => {
            return Err(format!(
                "`{walked}` is an array; pick one with an index, e.g. {walked}[0]"
            ));
        }
        (other, _) => {
            return Err(format!(
                "`{walked}` is {}, not a table or an array, so `{}` cannot be inside it",
                with_article(other.type_str()),
                render_path(full)
            ));
        }
    };
    edit_in(child, full, depth + 1, value)
}

/// A table is replaced only by a table: `run=1` is far more likely a mistake than a wish.
fn refuse_scalar_for_table(old: Option<&Value>, new: &Value, here: &str) -> Result<(), String> {
    if matches!(old, Some(Value::Table(_))) && !new.is_table() {
        return Err(format!(
            "`{here}` is a table; set one of its fields (e.g. {here}.<field>=...) or give a \
             whole table, e.g. {here}={{ <field> = ... }}"
        ));
    }
    Ok(())
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
    doc: &mut toml::Table,
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
        Ok(n) => Value::Integer(n),
        Err(_) => Value::String(value.to_string()),
    };
    let mut table = toml::Table::new();
    table.insert("at".to_string(), Value::String(at.to_string()));
    table.insert(key.to_string(), value);
    let entry = doc
        .entry("fault")
        .or_insert_with(|| Value::Array(Vec::new()));
    let Value::Array(array) = entry else {
        return Err(error(
            "`fault` in this file is not an array of tables; write faults as [[fault]]".to_string(),
        ));
    };
    array.push(Value::Table(table));
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
        let mut doc: toml::Table = text.parse().unwrap();
        apply(&mut doc, assignment).map(|_| doc.to_string())
    }

    #[test]
    fn values_replace_and_strings_need_no_quotes() {
        let text = "[run]\nduration = \"1s\"\nseed = 1\n";
        assert_eq!(
            set(text, "run.seed=7").unwrap(),
            "[run]\nduration = \"1s\"\nseed = 7\n"
        );
        // Not a TOML value: taken as a string.
        assert_eq!(
            set(text, "run.duration=2s").unwrap(),
            "[run]\nduration = \"2s\"\nseed = 1\n"
        );
    }

    #[test]
    fn missing_keys_and_tables_are_created() {
        let out = set("[run]\nseed = 1\n", "run.drain=5s").unwrap();
        assert!(out.contains("drain = \"5s\""), "{out}");
        let out = set("[run]\nseed = 1\n", "lan.pif_bandwidth=10Gb/s").unwrap();
        assert!(out.contains("[lan]\npif_bandwidth = \"10Gb/s\""), "{out}");
        let out = set("[w]\nmix = { A = 1 }\n", "w.mix.B=2").unwrap();
        assert!(out.contains("A = 1\nB = 2"), "{out}");
    }

    #[test]
    fn issue_19_a_whole_table_replaces_a_table() {
        let text = "[w]\nmix = { A = 1, B = 2 }\n[[c]]\nservice = { dist = \"constant\", value = \"1ms\" }\n";
        let out = set(text, "w.mix={A=1}").unwrap();
        assert!(
            out.contains("[w.mix]\nA = 1\n") && !out.contains("B = 2"),
            "{out}"
        );
        let out = set(
            text,
            "c[0].service={ dist = \"lognormal\", mean = \"150us\", cv = 2 }",
        )
        .unwrap();
        assert!(
            out.contains("cv = 2") && out.contains("mean = \"150us\"") && !out.contains("value"),
            "{out}"
        );
        // A scalar for a table is still refused.
        let e = set(text, "w.mix=1").unwrap_err();
        assert!(e.message.contains("give a whole table"), "{}", e.message);
    }

    #[test]
    fn issue_19_an_empty_value_removes_the_key() {
        let text = "[system]\nprocessors = 4\ncores = 1\n";
        let out = set(text, "system.cores=").unwrap();
        assert_eq!(out, "[system]\nprocessors = 4\n");
        let e = set(text, "system.threads=").unwrap_err();
        assert!(e.message.contains("nothing to remove"), "{}", e.message);
        let e = set(text, "nothing.here.at.all=").unwrap_err();
        assert!(e.message.contains("`nothing` is not set"), "{}", e.message);
    }

    #[test]
    fn issue_19_a_key_path_has_a_depth_limit() {
        let deep = format!("{}=1", vec!["a"; 8100].join("."));
        let e = set("", &deep).unwrap_err();
        assert!(e.message.contains("at most 32 keys"), "{}", e.message);
        assert!(e.field.len() < 80, "{}", e.field);
        assert!(set("", &format!("{}=1", vec!["a"; 32].join("."))).is_ok());
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
