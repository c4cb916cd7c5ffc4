//! Time-varying open arrivals: `workload.rate` as a profile (an array of points), or as a table
//! naming an MMPP or a replayed trace (read here, before time zero, so every bad row is reported with its line).

use std::io::Read;
use std::sync::Arc;

use super::*;

/// The first column of a trace row (a CSV may carry more; only the first is read).
fn first_column(line: &str) -> &str {
    line.split(',').next().unwrap_or("").trim()
}

/// Seconds written as a decimal (`12`, `0.000125`, at most 9 decimals) -> exact nanoseconds.
fn parse_seconds(text: &str) -> Result<u64, String> {
    let (whole, frac) = text.split_once('.').unwrap_or((text, ""));
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if (whole.is_empty() && frac.is_empty()) || !digits(whole) || !digits(frac) {
        return Err(format!(
            "expected an instant in seconds since the start, such as 0.25, got \"{text}\""
        ));
    }
    if frac.len() > 9 {
        return Err(format!(
            "\"{text}\" has more than 9 decimals; instants are whole nanoseconds"
        ));
    }
    let whole: u64 = if whole.is_empty() {
        0
    } else {
        whole
            .parse()
            .map_err(|_| format!("\"{text}\" is too large"))?
    };
    let frac_ns: u64 = format!("{frac:0<9}").parse().unwrap_or(0);
    whole
        .checked_mul(1_000_000_000)
        .and_then(|ns| ns.checked_add(frac_ns))
        .filter(|&ns| ns <= MAX_DURATION.as_nanos())
        .ok_or_else(|| format!("\"{text}\" is beyond 30 days (see Limits in scenarios/README.md)"))
}

/// A rate of a profile point or an MMPP state: `"0/s"` (idle) or a rate within the limits.
fn parse_varying_rate(text: &str) -> Result<f64, String> {
    if let Some((number, _)) = text.trim().split_once('/')
        && number.trim().parse::<f64>() == Ok(0.0)
    {
        // The unit is still checked: "0/x" is as wrong as "5/x".
        parse_rate(&text.replacen(number, "1", 1))?;
        return Ok(0.0);
    }
    let r = parse_rate(text)?;
    if !(MIN_RATE_PER_S..=MAX_RATE_PER_S).contains(&r) {
        return Err(format!(
            "rate must be \"0/s\" or between 1/day and 10000000/s, got \"{text}\" (see Limits in scenarios/README.md)"
        ));
    }
    Ok(r)
}

impl Checker {
    /// `workload.rate` given as an array of `{ at, rate }` points.
    pub(super) fn profile(
        &mut self,
        points: &[toml::Value],
        shape: Option<&str>,
    ) -> Option<Varying> {
        let linear = match shape {
            None | Some("step") => false,
            Some("linear") => true,
            Some(other) => {
                self.err(
                    "workload.rate_shape",
                    format!("unknown rate_shape `{other}`; allowed: \"step\", \"linear\""),
                );
                false
            }
        };
        if points.is_empty() {
            self.err(
                "workload.rate",
                "a rate profile needs at least one point, e.g. rate = [{ at = \"0s\", rate = \"5000/s\" }]",
            );
            return None;
        }
        if points.len() > MAX_PROFILE_POINTS {
            self.at_most(
                "workload.rate",
                points.len() as u64,
                MAX_PROFILE_POINTS as u64,
                "points of a rate profile",
            );
            return None;
        }
        let mut ok = true;
        let mut out: Vec<(SimDuration, f64)> = Vec::new();
        for (i, p) in points.iter().enumerate() {
            let at_field = format!("workload.rate[{i}]");
            let Some(t) = p.as_table() else {
                self.err(
                    &at_field,
                    format!(
                        "a profile point is a table {{ at = \"60s\", rate = \"20000/s\" }}; got {}",
                        p.type_str()
                    ),
                );
                ok = false;
                continue;
            };
            for key in t.keys().filter(|k| !["at", "rate"].contains(&k.as_str())) {
                self.err_key(
                    format!("{at_field}.{key}"),
                    format!("unknown field `{key}` of a profile point; allowed: `at`, `rate`"),
                );
                ok = false;
            }
            let field = |c: &mut Self, key: &str, example: &str| -> Option<String> {
                match t.get(key) {
                    Some(toml::Value::String(s)) => Some(s.clone()),
                    Some(v) => {
                        c.err(
                            format!("{at_field}.{key}"),
                            format!(
                                "expected a string such as \"{example}\", got {}",
                                v.type_str()
                            ),
                        );
                        None
                    }
                    None => {
                        c.err(
                            &at_field,
                            format!("missing `{key}`; each point has `at` and `rate`, e.g. {{ at = \"60s\", rate = \"20000/s\" }}"),
                        );
                        None
                    }
                }
            };
            let at = field(self, "at", "60s")
                .and_then(|s| self.parse(&format!("{at_field}.at"), &s, parse_duration));
            let rate = field(self, "rate", "20000/s")
                .and_then(|s| self.parse(&format!("{at_field}.rate"), &s, parse_varying_rate));
            let (Some(at), Some(rate)) = (at, rate) else {
                ok = false;
                continue;
            };
            if at > MAX_DURATION {
                self.err(
                    format!("{at_field}.at"),
                    "a profile point must be within 30 days (see Limits in scenarios/README.md)",
                );
                ok = false;
            } else if i == 0 && !at.is_zero() {
                self.err(
                    format!("{at_field}.at"),
                    format!("the first point of a profile must be at \"0s\" (the rate from the start), got {at}"),
                );
                ok = false;
            } else if let Some(&(prev, _)) = out.last()
                && at <= prev
            {
                self.err(
                    format!("{at_field}.at"),
                    format!("profile points must be in increasing time order; {at} is not after the previous point's {prev}"),
                );
                ok = false;
            }
            out.push((at, rate));
        }
        if ok && out.iter().all(|&(_, r)| r == 0.0) {
            self.err(
                "workload.rate",
                "every rate of the profile is zero, so nothing would arrive; give at least one point a rate above zero",
            );
            return None;
        }
        ok.then_some(Varying::Profile {
            points: out,
            linear,
        })
    }

    /// `workload.rate` as a table: an MMPP or a trace.
    pub(super) fn time_varying(&mut self, value: &toml::Value) -> Option<Varying> {
        let a: RawArrivals = match serde_path_to_error::deserialize(value.clone()) {
            Ok(a) => a,
            Err(e) => {
                let mut field = "workload.rate".to_string();
                for segment in e.path().iter() {
                    match segment {
                        serde_path_to_error::Segment::Seq { index } => {
                            field.push_str(&format!("[{index}]"));
                        }
                        serde_path_to_error::Segment::Map { key } => {
                            field.push('.');
                            field.push_str(key);
                        }
                        _ => {}
                    }
                }
                let message = e.inner().message().to_string();
                let message = message.replace("struct RawMmppState", "a table { rate, mean_hold }");
                self.err(field, message);
                return None;
            }
        };
        let a = &a;
        let for_kind = |c: &mut Self, keys: &[(&str, bool)], kind: &str| {
            for (key, present) in keys {
                if *present {
                    c.err(
                        format!("workload.rate.{key}"),
                        format!("`{key}` is not a field of kind = \"{kind}\"; remove it"),
                    );
                }
            }
        };
        match a.kind.as_deref() {
            Some("mmpp") => {
                for_kind(
                    self,
                    &[
                        ("file", a.file.is_some()),
                        ("format", a.format.is_some()),
                        ("interval", a.interval.is_some()),
                    ],
                    "mmpp",
                );
                self.mmpp(a.states.as_deref())
            }
            Some("trace") => {
                for_kind(self, &[("states", a.states.is_some())], "trace");
                self.trace(a)
            }
            None => {
                self.err(
                    "workload.rate.kind",
                    "missing `kind`; write kind = \"mmpp\" (bursts) or kind = \"trace\" (a measured trace)",
                );
                None
            }
            Some(other) => {
                self.err(
                    "workload.rate.kind",
                    format!("unknown arrivals kind `{other}`; allowed: \"mmpp\", \"trace\""),
                );
                None
            }
        }
    }

    fn mmpp(&mut self, states: Option<&[RawMmppState]>) -> Option<Varying> {
        let Some(states) = states else {
            self.err(
                "workload.rate.states",
                "missing `states`; e.g. states = [{ rate = \"5000/s\", mean_hold = \"10s\" }, { rate = \"20000/s\", mean_hold = \"2s\" }]",
            );
            return None;
        };
        if !(2..=MAX_MMPP_STATES).contains(&states.len()) {
            self.err(
                "workload.rate.states",
                format!("an MMPP has 2 to {MAX_MMPP_STATES} states, got {}; for one state write rate = \"...\" instead", states.len()),
            );
            return None;
        }
        let mut ok = true;
        let mut out = Vec::new();
        for (i, st) in states.iter().enumerate() {
            let at = format!("workload.rate.states[{i}]");
            let rate = match &st.rate {
                Some(r) => self.parse(&format!("{at}.rate"), r, parse_varying_rate),
                None => {
                    self.err(&at, "missing `rate`, e.g. rate = \"5000/s\"");
                    None
                }
            };
            let hold = match &st.mean_hold {
                Some(h) => self.parse(&format!("{at}.mean_hold"), h, parse_duration),
                None => {
                    self.err(&at, "missing `mean_hold`, e.g. mean_hold = \"10s\"");
                    None
                }
            };
            if let Some(h) = hold
                && !(MIN_MMPP_HOLD..=MAX_DURATION).contains(&h)
            {
                self.err(
                    format!("{at}.mean_hold"),
                    format!("mean_hold must be between 1ms and 30 days, got {h} (see Limits in scenarios/README.md)"),
                );
                ok = false;
            }
            match (rate, hold) {
                (Some(r), Some(h)) => out.push((r, h)),
                _ => ok = false,
            }
        }
        if ok && out.iter().all(|&(r, _)| r == 0.0) {
            self.err(
                "workload.rate.states",
                "every state's rate is zero, so nothing would arrive; give at least one a rate above zero",
            );
            return None;
        }
        ok.then_some(Varying::Mmpp { states: out })
    }

    fn trace(&mut self, a: &RawArrivals) -> Option<Varying> {
        let counts = match a.format.as_deref() {
            None | Some("timestamps") => false,
            Some("counts") => true,
            Some(other) => {
                self.err(
                    "workload.rate.format",
                    format!("unknown trace format `{other}`; allowed: \"timestamps\" (one instant in seconds per row), \"counts\" (arrivals per interval, one row per interval)"),
                );
                return None;
            }
        };
        let interval = match (&a.interval, counts) {
            (Some(_), false) => {
                self.err(
                    "workload.rate.interval",
                    "`interval` is for format = \"counts\"; remove it, or set format = \"counts\"",
                );
                return None;
            }
            (None, true) => {
                self.err(
                    "workload.rate.interval",
                    "missing `interval`; a trace of counts needs the width of one row, e.g. interval = \"1s\"",
                );
                return None;
            }
            (Some(text), true) => {
                let d = self.parse("workload.rate.interval", text, parse_duration)?;
                if d.is_zero() || d > MAX_DURATION {
                    self.err(
                        "workload.rate.interval",
                        format!("interval must be above zero and at most 30 days, got {d}"),
                    );
                    return None;
                }
                Some(d)
            }
            (None, false) => None,
        };
        let Some(file) = &a.file else {
            self.err(
                "workload.rate.file",
                "missing `file`; name the trace's CSV file, relative to this scenario file, e.g. file = \"peak-trace.csv\"",
            );
            return None;
        };
        let path = self.trace_dir.join(file);
        let text = match read_trace(&path) {
            Ok(text) => text,
            Err(e) => {
                self.err("workload.rate.file", format!("`{}`: {e}", path.display()));
                return None;
            }
        };
        let (rows, problems) = parse_trace(&text, interval);
        if !problems.is_empty() {
            let shown = problems.len().min(MAX_TRACE_ROW_PROBLEMS);
            for p in &problems[..shown] {
                self.err("workload.rate.file", format!("{}:{p}", path.display()));
            }
            if problems.len() > shown {
                self.err(
                    "workload.rate.file",
                    format!(
                        "{}: {} more bad rows not shown",
                        path.display(),
                        problems.len() - shown
                    ),
                );
            }
            return None;
        }
        Some(Varying::Trace(match interval {
            None => Trace::Timestamps(rows.into()),
            Some(interval) => Trace::Counts {
                interval,
                counts: rows
                    .into_iter()
                    .map(|c| u32::try_from(c).expect("checked against the rate limit"))
                    .collect::<Arc<[u32]>>(),
            },
        }))
    }
}

/// Reads a trace of at most [`MAX_TRACE_BYTES`] as UTF-8.
fn read_trace(path: &std::path::Path) -> Result<String, String> {
    let file = std::fs::File::open(path).map_err(|e| format!("could not read the trace: {e}"))?;
    let mut bytes = Vec::new();
    file.take(MAX_TRACE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("could not read the trace: {e}"))?;
    if bytes.len() as u64 > MAX_TRACE_BYTES {
        return Err(format!(
            "the trace is larger than {} MiB (see Limits in scenarios/README.md)",
            MAX_TRACE_BYTES >> 20
        ));
    }
    String::from_utf8(bytes).map_err(|e| {
        format!(
            "the trace is not UTF-8 text (invalid byte at offset {})",
            e.utf8_error().valid_up_to()
        )
    })
}

/// The rows of a trace (instants [ns], or counts when `interval` is given) and a problem per
/// bad row as `line: message`. Blank lines are skipped; a first non-blank line that does not
/// start with a digit or `.` is a header; only the first comma-separated column is read.
pub(super) fn parse_trace(text: &str, interval: Option<SimDuration>) -> (Vec<u64>, Vec<String>) {
    let mut rows: Vec<u64> = Vec::new();
    let mut problems = Vec::new();
    let mut seen_first = false;
    // Most arrivals one row may hold: the rate limit over the interval.
    let max_count = interval.map(|d| (MAX_RATE_PER_S * d.as_secs_f64()).min(f64::from(u32::MAX)));
    let mut prev: Option<(u64, usize)> = None;
    for (i, line) in text.lines().enumerate() {
        let n = i + 1;
        let cell = first_column(line);
        if cell.is_empty() && line.trim().is_empty() {
            continue;
        }
        let first = !seen_first;
        seen_first = true;
        if first && !cell.starts_with(|c: char| c.is_ascii_digit() || c == '.') {
            continue;
        }
        if rows.len() >= MAX_TRACE_ROWS {
            problems.push(format!(
                "{n}: more than {MAX_TRACE_ROWS} rows (see Limits in scenarios/README.md)"
            ));
            break;
        }
        match max_count {
            Some(max) => match cell.parse::<u64>() {
                Ok(c) if (c as f64) <= max => rows.push(c),
                Ok(c) => problems.push(format!(
                    "{n}: {c} arrivals in one interval is above the 10000000/s rate limit ({max} per interval)"
                )),
                Err(_) => problems.push(format!(
                    "{n}: expected a count of arrivals (a whole number, 0 or more), got \"{cell}\""
                )),
            },
            None => match parse_seconds(cell) {
                Ok(t) => {
                    if let Some((p, pn)) = prev
                        && t < p
                    {
                        problems.push(format!(
                            "{n}: instant {cell} s is before the previous row's (line {pn}); a trace of timestamps must be in time order"
                        ));
                    }
                    prev = Some((t, n));
                    rows.push(t);
                }
                Err(e) => problems.push(format!("{n}: {e}")),
            },
        }
    }
    if rows.is_empty() && problems.is_empty() {
        problems.push("1: the trace has no rows".to_string());
    }
    (rows, problems)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seconds_parse_to_exact_nanoseconds() {
        assert_eq!(parse_seconds("12"), Ok(12_000_000_000));
        assert_eq!(parse_seconds("0.000000001"), Ok(1));
        assert_eq!(parse_seconds(".5"), Ok(500_000_000));
        assert_eq!(parse_seconds("1.25"), Ok(1_250_000_000));
        assert!(parse_seconds("1e3").is_err());
        assert!(parse_seconds("0.0000000001").is_err());
        assert!(parse_seconds("-1").is_err());
    }

    #[test]
    fn bad_rows_are_reported_with_their_line() {
        let (rows, problems) = parse_trace("t_s\n0.1\n\n0.3,x\nabc\n0.2\n", None);
        assert_eq!(rows, vec![100_000_000, 300_000_000, 200_000_000]);
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert!(
            problems[0].starts_with("5: expected an instant"),
            "{problems:?}"
        );
        assert!(
            problems[1].starts_with("6: instant 0.2 s is before"),
            "{problems:?}"
        );
        let (rows, problems) = parse_trace("3\n0\nx\n", Some(SimDuration::from_secs(1)));
        assert_eq!(rows, vec![3, 0]);
        assert!(
            problems[0].starts_with("3: expected a count"),
            "{problems:?}"
        );
        let (_, problems) = parse_trace("\n\n", None);
        assert_eq!(problems, ["1: the trace has no rows"]);
    }
}
