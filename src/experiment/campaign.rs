//! What sweeps and capacity searches share: parameter grids (`--param`), shards
//! (`--shard I/N`), the fingerprint that tells two plans apart, and the figures a campaign
//! keeps of each run.
//!
//! A parameter is a key path and its values: a list (`workload.rate=10000/s,20000/s`) or a
//! range `A..B:step=S` (`workload.rate=10000/s..30000/s:step=2500/s`; without `:step=` the step
//! is 1). The three numbers of a range share one unit suffix; its values are `A + k S` for
//! k = 0, 1, ... up to B (a value within a millionth of a step of B counts as B), printed with
//! as many decimals as A and S need and the suffix after them, so they read as the file would.
//! Several parameters give their Cartesian product, the first one outermost.
//!
//! A campaign's outputs are computed from [`RunFigures`], a few numbers per run kept without
//! loss (JSON numbers round-trip every `f64`). A shard keeps the figures of its share of the
//! runs; merging the shards' figures gives exactly the figures one unsharded run keeps, so the
//! outputs computed from them are the same bytes.

use serde::{Deserialize, Serialize};

use crate::stats::RunResults;
use crate::stats::headline::{busiest_processor, no_window, sample, windowed};

/// Most values one `--param` may have, and most points a grid may have.
pub const MAX_POINTS: usize = 10_000;

/// One `--param`: a key path and its values as written in a scenario.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Param {
    /// The key path (`workload.rate`, `system.processors`).
    pub key: String,
    /// Its values, in order.
    pub values: Vec<String>,
}

/// Parses `key=A..B:step=S`, `key=A..B` or `key=a,b,c`; the error says what is wrong and what
/// is allowed.
pub fn parse_param(text: &str) -> Result<Param, String> {
    let Some((key, spec)) = text.split_once('=') else {
        return Err(format!(
            "'{text}' has no '='; write key.path=A..B:step=S or key.path=a,b,c"
        ));
    };
    let key = key.trim();
    let spec = spec.trim();
    if key.is_empty() || spec.is_empty() {
        return Err(format!(
            "'{text}' needs a key path and values, e.g. workload.rate=10000/s..30000/s:step=2500/s"
        ));
    }
    let values = if spec.contains("..") {
        range_values(spec).map_err(|e| format!("'{text}': {e}"))?
    } else {
        let values: Vec<String> = split_list(spec);
        if values.iter().any(String::is_empty) {
            return Err(format!(
                "'{text}': an empty value in the list; write key.path=a,b,c"
            ));
        }
        values
    };
    if values.len() > MAX_POINTS {
        return Err(format!(
            "'{text}' has {} values; at most {MAX_POINTS} are allowed",
            values.len()
        ));
    }
    let mut sorted = values.clone();
    sorted.sort();
    sorted.dedup();
    if sorted.len() != values.len() {
        return Err(format!("'{text}' lists a value twice"));
    }
    Ok(Param {
        key: key.to_string(),
        values,
    })
}

/// `a,[1,2],"x,y"` -> `a`, `[1,2]`, `"x,y"`: commas split only outside brackets and quotes, so
/// a value may be an array.
fn split_list(spec: &str) -> Vec<String> {
    let mut parts = Vec::new();
    let mut depth = 0i32;
    let mut quote: Option<char> = None;
    let mut cur = String::new();
    for c in spec.chars() {
        match (quote, c) {
            (Some(q), _) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '[' | '{') => depth += 1,
            (None, ']' | '}') => depth -= 1,
            (None, ',') if depth == 0 => {
                parts.push(std::mem::take(&mut cur).trim().to_string());
                continue;
            }
            _ => {}
        }
        cur.push(c);
    }
    parts.push(cur.trim().to_string());
    parts
}

/// A number and the unit suffix after it: `2500/s` -> (2500, "/s"), `4` -> (4, "").
pub fn split_number(text: &str) -> Option<(f64, &str)> {
    let text = text.trim();
    let end = text
        .char_indices()
        .find(|(_, c)| !(c.is_ascii_digit() || *c == '.'))
        .map_or(text.len(), |(i, _)| i);
    let n: f64 = text[..end].parse().ok()?;
    n.is_finite().then_some((n, text[end..].trim()))
}

/// Decimals written after the point in `text`'s number.
fn decimals(text: &str) -> usize {
    let num: String = text
        .trim()
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == '.')
        .collect();
    num.split_once('.').map_or(0, |(_, d)| d.len())
}

/// The values of the range `A..B[:step=S]`.
fn range_values(spec: &str) -> Result<Vec<String>, String> {
    let (range, step) = match spec.split_once(':') {
        Some((r, s)) => {
            let s = s
                .trim()
                .strip_prefix("step=")
                .ok_or_else(|| format!("after ':' write step=S (e.g. :step=2500/s), not '{s}'"))?;
            (r, Some(s))
        }
        None => (spec, None),
    };
    let (a, b) = range.split_once("..").expect("checked by the caller");
    let allowed = "a range is A..B:step=S with non-negative numbers sharing one unit, e.g. \
                   10000/s..30000/s:step=2500/s or 4..16";
    fn parse<'t>(t: &'t str, allowed: &str) -> Result<(f64, &'t str), String> {
        split_number(t).ok_or_else(|| format!("'{}' is not a number; {allowed}", t.trim()))
    }
    let (lo, unit) = parse(a, allowed)?;
    let (hi, unit_b) = parse(b, allowed)?;
    let (step, unit_s, step_text) = match step {
        Some(s) => {
            let (v, u) = parse(s, allowed)?;
            (v, u, s)
        }
        None => (1.0, unit, "1"),
    };
    if unit_b != unit || unit_s != unit {
        return Err(format!(
            "the start, end and step must share one unit ('{unit}', '{unit_b}', '{unit_s}'); {allowed}"
        ));
    }
    if step <= 0.0 {
        return Err(format!(
            "the step is {step_text}, a range of zero steps; the step must be greater than 0"
        ));
    }
    if hi <= lo {
        return Err(format!(
            "the range ends at or below its start ({} .. {}), so it has no steps; for one value \
             write key.path={}",
            a.trim(),
            b.trim(),
            a.trim()
        ));
    }
    let count = ((hi - lo) / step + 1e-6).floor();
    if count >= MAX_POINTS as f64 {
        return Err(format!(
            "the range has {} values; at most {MAX_POINTS} are allowed",
            count + 1.0
        ));
    }
    let dp = decimals(a).max(decimals(step_text));
    Ok((0..=count as usize)
        .map(|k| {
            let v = lo + k as f64 * step;
            format!("{v:.dp$}{unit}")
        })
        .collect())
}

/// The Cartesian product of `params`, the first one outermost: each point is a list of
/// `(key, value)`, one per parameter in the order given. No parameter gives one empty point.
pub fn grid(params: &[Param]) -> Vec<Vec<(String, String)>> {
    let mut points: Vec<Vec<(String, String)>> = vec![Vec::new()];
    for p in params {
        points = points
            .into_iter()
            .flat_map(|point| {
                p.values.iter().map(move |v| {
                    let mut q = point.clone();
                    q.push((p.key.clone(), v.clone()));
                    q
                })
            })
            .collect();
    }
    points
}

/// `--shard I/N`: this process does the share `I` (from 0) of `N`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shard {
    /// Which share, from 0.
    pub index: u32,
    /// How many shares.
    pub count: u32,
}

impl Shard {
    /// The whole plan: share 0 of 1.
    pub const WHOLE: Shard = Shard { index: 0, count: 1 };

    /// Parses `I/N` with `0 <= I < N`.
    pub fn parse(text: &str) -> Result<Shard, String> {
        let bad = |why: &str| {
            format!("--shard {text}: {why}; write I/N with I from 0 to N-1, e.g. --shard 0/4")
        };
        let (i, n) = text.split_once('/').ok_or_else(|| bad("no '/'"))?;
        let index: u32 = i
            .trim()
            .parse()
            .map_err(|_| bad("I is not a whole number"))?;
        let count: u32 = n
            .trim()
            .parse()
            .map_err(|_| bad("N is not a whole number"))?;
        if count == 0 {
            return Err(bad("N must be at least 1"));
        }
        if index >= count {
            return Err(bad(&format!(
                "shard {index} does not exist among {count} (they are numbered 0 to {})",
                count - 1
            )));
        }
        Ok(Shard { index, count })
    }

    /// Whether unit `i` of a plan is this shard's: every N-th unit from the I-th.
    pub fn owns(&self, i: usize) -> bool {
        i % self.count as usize == self.index as usize
    }
}

/// FNV-1a 64 of `text`, as 16 hex digits: the fingerprint of a plan (its scenarios as
/// validated, its points, replications, seeds and options), fixed forever so that shards made
/// by different builds of the same version agree.
pub fn fingerprint(text: &str) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in text.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!("{h:016x}")
}

/// The figures a campaign keeps of each run, named by [`FIGURES`]; unknown ones (a run
/// without a measurement window, an empty latency sample) are `None`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RunFigures {
    /// Index of the run in its plan.
    pub run: usize,
    /// Whether the run had a measurement window (runs without one are left out of intervals).
    pub window: bool,
    /// One value per name of [`FIGURES`], in that order.
    pub values: Vec<Option<f64>>,
    /// The busiest processor and the process kind that used most of it.
    pub busiest: Option<(u32, String)>,
}

/// The figures of [`RunFigures`], each with whether it is a count (printed as an integer).
/// `offered_load_per_s` is the configured rate of an open workload (the offered load a plan
/// sets), else the measured offered rate; `completion_ratio` is the window's throughput over
/// it; `failed_ratio` is the window's failed requests over the requests it had to complete
/// (carried in plus attempted).
pub const FIGURES: [(&str, bool); 16] = [
    ("offered_load_per_s", false),
    ("throughput_per_s", false),
    ("offered_per_s", false),
    ("completion_ratio", false),
    ("latency_ms_mean", false),
    ("latency_ms_p50", false),
    ("latency_ms_p90", false),
    ("latency_ms_p99", false),
    ("latency_ms_p999", false),
    ("latency_ms_max", false),
    ("failed_ratio", false),
    ("busiest_processor_busy_ratio", false),
    ("requests_offered", true),
    ("requests_completed", true),
    ("requests_failed", true),
    ("requests_syn_drops", true),
];

/// Position of figure `name` in [`FIGURES`].
pub fn figure(name: &str) -> usize {
    FIGURES
        .iter()
        .position(|(n, _)| *n == name)
        .unwrap_or_else(|| panic!("'{name}' is a campaign figure"))
}

impl RunFigures {
    /// The figures of run `run` with results `r`.
    pub fn of(run: usize, r: &RunResults) -> RunFigures {
        let l = &r.latency_ms;
        let q = &r.requests;
        let offered_load = r.configured_per_s.unwrap_or(windowed(r, r.offered_per_s));
        let throughput = windowed(r, r.throughput_per_s);
        let due = r.window.carried_in + r.window.attempted;
        let failed_ratio = if due > 0 {
            windowed(r, r.window.failed as f64 / due as f64)
        } else {
            f64::NAN
        };
        let busiest = busiest_processor(r);
        let values = [
            offered_load,
            throughput,
            windowed(r, r.offered_per_s),
            if offered_load > 0.0 {
                throughput / offered_load
            } else {
                f64::NAN
            },
            sample(r, l.mean),
            sample(r, l.p50),
            sample(r, l.p90),
            sample(r, l.p99),
            sample(r, l.p999),
            sample(r, l.max),
            failed_ratio,
            busiest.map_or(f64::NAN, |p| windowed(r, p.busy_ratio)),
            q.offered as f64,
            q.completed as f64,
            q.failed as f64,
            q.syn_drops as f64,
        ];
        let busiest =
            busiest.map(|p| {
                let top = p.busy_by_kind.iter().fold(
                    None,
                    |best: Option<&crate::stats::KindShare>, k| match best {
                        Some(b) if b.busy_ratio >= k.busy_ratio => Some(b),
                        _ => Some(k),
                    },
                );
                (p.id, top.map_or(String::new(), |k| k.kind.clone()))
            });
        RunFigures {
            run,
            window: !no_window(r),
            values: values.iter().map(|v| v.is_finite().then_some(*v)).collect(),
            busiest,
        }
    }

    /// Figure `name` (NaN when unknown).
    pub fn get(&self, name: &str) -> f64 {
        self.values[figure(name)].unwrap_or(f64::NAN)
    }
}

/// `cpu3 (distributor)`: a busiest processor and what used most of it.
pub fn resource_name(busiest: &Option<(u32, String)>) -> String {
    match busiest {
        Some((id, kind)) if !kind.is_empty() => format!("cpu{id} ({kind})"),
        Some((id, _)) => format!("cpu{id}"),
        None => String::new(),
    }
}

/// The busiest processor most runs of a point name (the lowest id on a tie), with the kind
/// that most of those runs name for it.
pub fn binding(figures: &[&RunFigures]) -> Option<(u32, String)> {
    let mut counts: std::collections::BTreeMap<&(u32, String), usize> = Default::default();
    for f in figures.iter().filter(|f| f.window) {
        if let Some(b) = &f.busiest {
            *counts.entry(b).or_default() += 1;
        }
    }
    let mut best: Option<(&(u32, String), usize)> = None;
    for (b, n) in counts {
        if best.is_none_or(|(_, m)| n > m) {
            best = Some((b, n));
        }
    }
    best.map(|(b, _)| b.clone())
}

/// What a campaign writes to `<kind>-runs.json`: its plan, which shard it is and the units it
/// did (runs of a sweep, searches of a capacity plan), each with its index in the plan. An
/// unsharded campaign is shard 0 of 1 with every unit; [`merge`] turns the files of all N
/// shards into that.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ShardFile<P, U> {
    /// `sweep` or `capacity`.
    pub kind: String,
    /// The nssim version that wrote it.
    pub version: String,
    /// The plan (with its fingerprint).
    pub plan: P,
    /// Which share of the plan this is.
    pub shard: Shard,
    /// How many units the plan has.
    pub units_in_plan: usize,
    /// The units done, by index in the plan, in that order.
    pub units: Vec<(usize, U)>,
}

impl<P: Serialize, U: Serialize> ShardFile<P, U> {
    /// Pretty JSON ending in a newline.
    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).expect("a shard file serialises");
        s.push('\n');
        s
    }
}

/// Merges the shard files `files` (each named, e.g. by its folder, for messages) into the file
/// of the whole plan, or says every problem: files of another kind, version or plan (their
/// fingerprints differ), a missing or repeated shard, a unit missing or done twice.
pub fn merge<P: PartialEq + Clone, U: Clone>(
    files: &[(String, ShardFile<P, U>)],
    fingerprint_of: impl Fn(&P) -> String,
) -> Result<ShardFile<P, U>, Vec<String>> {
    let Some((first_name, first)) = files.first() else {
        return Err(vec!["error: merge needs at least one folder".to_string()]);
    };
    let mut problems = Vec::new();
    for (name, f) in &files[1..] {
        if f.kind != first.kind {
            problems.push(format!(
                "error: '{name}' holds a {} but '{first_name}' a {}; merge shards of one command",
                f.kind, first.kind
            ));
        } else if f.version != first.version {
            problems.push(format!(
                "error: '{name}' was written by nssim {} but '{first_name}' by {}; run every \
                 shard with the same version",
                f.version, first.version
            ));
        } else if f.plan != first.plan || f.units_in_plan != first.units_in_plan {
            problems.push(format!(
                "error: '{name}' and '{first_name}' are shards of different plans (fingerprints \
                 {} and {}): their scenarios, parameters, seeds or options differ; merge the \
                 shards of one command line",
                fingerprint_of(&f.plan),
                fingerprint_of(&first.plan)
            ));
        }
        if f.shard.count != first.shard.count {
            problems.push(format!(
                "error: '{name}' is shard {}/{} but '{first_name}' is {}/{}; all shards must \
                 split the plan the same way",
                f.shard.index, f.shard.count, first.shard.index, first.shard.count
            ));
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let count = first.shard.count;
    let mut seen: Vec<Option<&str>> = vec![None; count as usize];
    for (name, f) in files {
        let slot = &mut seen[f.shard.index as usize];
        match slot {
            Some(other) => problems.push(format!(
                "error: '{name}' and '{other}' are both shard {}/{count}",
                f.shard.index
            )),
            None => *slot = Some(name),
        }
    }
    let missing: Vec<String> = seen
        .iter()
        .enumerate()
        .filter(|(_, s)| s.is_none())
        .map(|(i, _)| format!("{i}/{count}"))
        .collect();
    if !missing.is_empty() {
        problems.push(format!(
            "error: shard(s) {} missing; give the folder of every shard",
            missing.join(", ")
        ));
    }
    let mut units: Vec<Option<U>> = vec![None; first.units_in_plan];
    for (name, f) in files {
        for (i, u) in &f.units {
            let ok = *i < first.units_in_plan && f.shard.owns(*i);
            match units.get_mut(*i) {
                Some(slot @ None) if ok => *slot = Some(u.clone()),
                _ => problems.push(format!(
                    "error: '{name}' holds unit {i}, which is not shard {}/{count}'s or is \
                     there twice; the file was changed or mixed up",
                    f.shard.index
                )),
            }
        }
    }
    if problems.is_empty() {
        let holes = units.iter().filter(|u| u.is_none()).count();
        if holes > 0 {
            problems.push(format!(
                "error: {holes} unit(s) of the plan are in no shard: a shard did not finish; \
                 run it again"
            ));
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    Ok(ShardFile {
        kind: first.kind.clone(),
        version: first.version.clone(),
        plan: first.plan.clone(),
        shard: Shard::WHOLE,
        units_in_plan: first.units_in_plan,
        units: units
            .into_iter()
            .enumerate()
            .map(|(i, u)| (i, u.expect("checked above")))
            .collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_and_lists_expand_as_written() {
        let p = parse_param("workload.rate=10000/s..30000/s:step=2500/s").unwrap();
        assert_eq!(p.key, "workload.rate");
        assert_eq!(p.values.len(), 9);
        assert_eq!(p.values[0], "10000/s");
        assert_eq!(p.values[8], "30000/s");
        let p = parse_param("system.processors=4..7").unwrap();
        assert_eq!(p.values, ["4", "5", "6", "7"]);
        let p = parse_param("x=0.5ms..1ms:step=0.25ms").unwrap();
        assert_eq!(p.values, ["0.50ms", "0.75ms", "1.00ms"]);
        let p = parse_param("system.processor_type=NS7-X, NS8-X").unwrap();
        assert_eq!(p.values, ["NS7-X", "NS8-X"]);
        let p = parse_param("server_class[0].cpus=[0,1],[0,1,2]").unwrap();
        assert_eq!(p.values, ["[0,1]", "[0,1,2]"]);
    }

    #[test]
    fn bad_params_are_explained() {
        let e = parse_param("workload.rate=10000/s..30000/s:step=0/s").unwrap_err();
        assert!(e.contains("zero steps"), "{e}");
        let e = parse_param("workload.rate=3..3").unwrap_err();
        assert!(e.contains("no steps"), "{e}");
        let e = parse_param("workload.rate=3/s..5").unwrap_err();
        assert!(e.contains("one unit"), "{e}");
        assert!(parse_param("workload.rate").unwrap_err().contains("no '='"));
        assert!(parse_param("a=1,,2").unwrap_err().contains("empty value"));
        assert!(parse_param("a=1,1").unwrap_err().contains("twice"));
        assert!(parse_param("a=0..1e9").is_err());
    }

    #[test]
    fn the_grid_is_the_cartesian_product_first_outermost() {
        let a = parse_param("a=1,2").unwrap();
        let b = parse_param("b=x,y,z").unwrap();
        let g = grid(&[a, b]);
        assert_eq!(g.len(), 6);
        assert_eq!(g[1], [("a".into(), "1".into()), ("b".into(), "y".into())]);
        assert_eq!(g[3][0].1, "2");
        assert_eq!(grid(&[]), vec![Vec::new()]);
    }

    #[test]
    fn shards_split_the_plan_round_robin() {
        let s = Shard::parse("1/3").unwrap();
        let mine: Vec<usize> = (0..8).filter(|&i| s.owns(i)).collect();
        assert_eq!(mine, [1, 4, 7]);
        let e = Shard::parse("2/2").unwrap_err();
        assert!(e.contains("does not exist"), "{e}");
        assert!(Shard::parse("0/0").is_err());
        assert!(Shard::parse("x").is_err());
    }

    #[test]
    fn merging_checks_plans_and_shards() {
        let file = |plan: &str, index: u32, units: Vec<(usize, u8)>| ShardFile {
            kind: "sweep".to_string(),
            version: "1".to_string(),
            plan: plan.to_string(),
            shard: Shard { index, count: 2 },
            units_in_plan: 3,
            units,
        };
        let a = ("a".to_string(), file("p", 0, vec![(0, 10), (2, 12)]));
        let b = ("b".to_string(), file("p", 1, vec![(1, 11)]));
        let m = merge(&[b.clone(), a.clone()], |p| p.clone()).unwrap();
        assert_eq!(m.units, [(0, 10), (1, 11), (2, 12)]);
        assert_eq!(m.shard, Shard::WHOLE);
        let other = ("c".to_string(), file("q", 1, vec![(1, 11)]));
        let e = merge(&[a.clone(), other], |p| p.clone()).unwrap_err();
        assert!(e[0].contains("different plans"), "{e:?}");
        let e = merge(std::slice::from_ref(&a), |p| p.clone()).unwrap_err();
        assert!(e[0].contains("1/2 missing"), "{e:?}");
        let e = merge(&[a.clone(), a], |p| p.clone()).unwrap_err();
        assert!(e.iter().any(|m| m.contains("both shard 0/2")), "{e:?}");
    }

    #[test]
    fn fingerprint_is_fnv1a() {
        assert_eq!(fingerprint("a"), "af63dc4c8601ec8c");
    }
}
