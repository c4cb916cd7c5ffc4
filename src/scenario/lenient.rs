//! Merged document -> raw structs, reporting every wrong type and unknown key at once.
//!
//! serde stops at the first error, which would hide every other problem in the file. So the
//! document is deserialized repeatedly: each error is recorded with its field path, the
//! offending entry is pruned from the document, and deserialization runs again, until it
//! succeeds. Validation then runs on what is left, and its findings at or under a pruned path
//! are dropped (the entry was already reported; "missing `x`" would only repeat it).
//!
//! Before that, one walk over the document catches what serde would accept silently or explain
//! badly: a table written as an array (`system = [6, 1]`, which serde reads positionally) and a
//! bare number where a quantity with a unit is expected (`rate = 12000`, turned into the string
//! `"12000"` so validation gives the unit hint).

use super::overrides::{Segment, render_path};
use super::raw::RawScenario;
use super::{Anchor, Finding};

/// Keys whose value is a duration, rate or bandwidth string.
const QUANTITY_KEYS: &[&str] = &[
    "accept_cpu",
    "ack_cpu",
    "at",
    "client_latency",
    "close_cpu",
    "connect_cpu",
    "copy_cpu_per_kib",
    "cpu_cross_processor_per_kib",
    "cpu_cross_processor_per_message",
    "cpu_per_kib",
    "cpu_per_message",
    "createdelay",
    "deletedelay",
    "dispatch_cpu",
    "drain",
    "duration",
    "grant_cpu",
    "handle_cpu",
    "imalive_period",
    "interval",
    "latency_cross_processor",
    "latency_cross_processor_per_kib",
    "latency_same_processor",
    "latency_same_processor_per_kib",
    "max",
    "mean",
    "mean_hold",
    "min",
    "per_segment_cpu",
    "pif_bandwidth",
    "process_creation",
    "rate",
    "regroup_duration",
    "reload_duration",
    "sample_interval",
    "segment_cpu",
    "send_timeout",
    "syn_retry",
    "takeover_delay",
    "timeout",
    "value",
    "warmup",
];

/// Keys whose value is an array of numbers or names (any other array must hold tables), and
/// `rate`, whose array form (a rate profile) validation checks point by point.
const LIST_KEYS: &[&str] = &[
    "processors",
    "cpus",
    "pathmons",
    "tcpip",
    "pifs",
    "failover",
    "processor_types",
    "rate",
];

/// Maps from names to numbers: their keys are names chosen by the user, not fields.
const MAP_KEYS: &[&str] = &["mix"];

/// At most this many entries are pruned; a file with more problems is not worth reading on.
const MAX_PRUNED: usize = 500;

/// The raw scenario (`None` when nothing could be salvaged), the findings, and the pruned
/// paths whose validation findings must be dropped.
pub(super) fn deserialize(
    mut root: toml::Table,
) -> (Option<RawScenario>, Vec<Finding>, Vec<String>) {
    let mut findings = Vec::new();
    let mut pruned = Vec::new();
    walk_table(&mut root, &mut Vec::new(), &mut findings, &mut pruned);
    loop {
        let value = toml::Value::Table(root.clone());
        let error = match serde_path_to_error::deserialize::<_, RawScenario>(value) {
            Ok(raw) => return (Some(raw), findings, pruned),
            Err(e) => e,
        };
        let path: Vec<Segment> = error
            .path()
            .iter()
            .filter_map(|s| match s {
                serde_path_to_error::Segment::Seq { index } => Some(Segment::Index(*index)),
                serde_path_to_error::Segment::Map { key } => Some(Segment::Key(key.clone())),
                _ => None,
            })
            .collect();
        let message = error.inner().message().to_string();
        let unknown = message.starts_with("unknown field");
        findings.push(Finding {
            field: render_path(&path),
            message: friendly(&message),
            anchor: if unknown { Anchor::Key } else { Anchor::Value },
        });
        let prune = prune_path(&path);
        if pruned.len() >= MAX_PRUNED || prune.is_empty() || !remove(&mut root, &prune) {
            return (None, findings, pruned);
        }
        pruned.push(render_path(&prune));
    }
}

/// What to remove for an error at `path`: the field holding it (a whole array rather than
/// one element, so later indices stay right; a whole mix rather than one entry).
fn prune_path(path: &[Segment]) -> Vec<Segment> {
    let mut end = path.len();
    while end > 0 && matches!(path[end - 1], Segment::Index(_)) {
        end -= 1;
    }
    if end >= 2 && matches!(&path[end - 2], Segment::Key(k) if MAP_KEYS.contains(&k.as_str())) {
        end -= 1;
    }
    path[..end].to_vec()
}

/// Removes the entry at `path` (ending with a key); false if it is not there.
fn remove(table: &mut toml::Table, path: &[Segment]) -> bool {
    match path {
        [Segment::Key(k)] => table.remove(k).is_some(),
        [Segment::Key(k), rest @ ..] => table.get_mut(k).is_some_and(|v| remove_in(v, rest)),
        _ => false,
    }
}

fn remove_in(value: &mut toml::Value, path: &[Segment]) -> bool {
    match (value, path.first()) {
        (toml::Value::Table(t), Some(Segment::Key(_))) => remove(t, path),
        (toml::Value::Array(a), Some(Segment::Index(i))) => {
            a.get_mut(*i).is_some_and(|v| remove_in(v, &path[1..]))
        }
        _ => false,
    }
}

/// Checks arrays and quantities in `table` (at `path`) and below.
fn walk_table(
    table: &mut toml::Table,
    path: &mut Vec<Segment>,
    findings: &mut Vec<Finding>,
    pruned: &mut Vec<String>,
) {
    let in_map = matches!(path.last(), Some(Segment::Key(k)) if MAP_KEYS.contains(&k.as_str()));
    let keys: Vec<String> = table.keys().cloned().collect();
    for key in keys {
        path.push(Segment::Key(key.clone()));
        let value = table.get_mut(&key).expect("a key just listed");
        let mut drop = false;
        match value {
            toml::Value::Array(items) => {
                let all_tables = items.iter().all(toml::Value::is_table);
                let list = !path_is_top_level(path) && LIST_KEYS.contains(&key.as_str());
                if !(all_tables || list || in_map) {
                    findings.push(Finding {
                        field: render_path(path),
                        message: format!(
                            "`{key}` is a table here, not an array of values: write its fields by name, under a [{key}] header (or [[{key}]] for a list of them) or inline as {{ field = ... }}"
                        ),
                        anchor: Anchor::Value,
                    });
                    drop = true;
                } else {
                    for (i, item) in items.iter_mut().enumerate() {
                        if let toml::Value::Table(t) = item {
                            path.push(Segment::Index(i));
                            walk_table(t, path, findings, pruned);
                            path.pop();
                        }
                    }
                }
            }
            toml::Value::Table(t) => walk_table(t, path, findings, pruned),
            toml::Value::Integer(_) | toml::Value::Float(_)
                if !in_map && QUANTITY_KEYS.contains(&key.as_str()) =>
            {
                // `rate = 12000`: validation then says which unit is missing.
                *value = toml::Value::String(value.to_string());
            }
            _ => {}
        }
        if drop {
            table.remove(&key);
            pruned.push(render_path(path));
        }
        path.pop();
    }
}

/// True for a key directly in the root table (`tcpip` there is a table, in a listener a list).
fn path_is_top_level(path: &[Segment]) -> bool {
    path.len() == 1
}

/// serde's `invalid type: string "x", expected u32` as `expected ..., got ...`, naming types
/// the way the scenario reference does.
fn friendly(message: &str) -> String {
    let rewrite = |rest: &str| -> Option<String> {
        let (got, expected) = rest.rsplit_once(", expected ")?;
        Some(format!("expected {}, got {}", noun(expected), got.trim()))
    };
    if let Some(rest) = message.strip_prefix("invalid type: ")
        && let Some(m) = rewrite(rest)
    {
        return m;
    }
    if let Some(rest) = message.strip_prefix("invalid value: ")
        && let Some(m) = rewrite(rest)
    {
        return m;
    }
    message.to_string()
}

fn noun(expected: &str) -> String {
    match expected {
        "u32" => "a whole number from 0 to 4294967295".to_string(),
        "u64" => "a whole number from 0 to 18446744073709551615".to_string(),
        "f64" => "a number".to_string(),
        "a boolean" | "a string" => expected.to_string(),
        e if e.starts_with("struct Raw") => "a table".to_string(),
        "a sequence" => "an array".to_string(),
        "a map" => "a table".to_string(),
        e => e.to_string(),
    }
}
