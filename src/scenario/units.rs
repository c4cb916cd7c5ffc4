//! Human-written quantities: durations (`"250us"`), rates (`"2000/s"`) and bandwidths
//! (`"1Gb/s"`).
//!
//! A unit is always required, so a bare `250` can never be read as the wrong one. Numbers may
//! have a fraction (`"1.5ms"`) and an exponent (`"1e3us"`); durations are rounded to the
//! nearest nanosecond once, here. Errors are lowercase sentences that name the allowed units;
//! the caller adds the field path.

use crate::engine::SimDuration;

/// Duration units and their length in nanoseconds, in the order error messages list them.
const DURATION_UNITS: &[(&str, f64)] = &[
    ("ns", 1.0),
    ("us", 1e3),
    ("µs", 1e3),
    ("ms", 1e6),
    ("s", 1e9),
    ("min", 60e9),
    ("h", 3600e9),
    ("day", 86_400e9),
];

/// What messages list as the duration (and rate) units; `µs` is accepted as a synonym of `us`.
const UNIT_LIST: &str = "ns, us, ms, s, min, h, day";

/// Bandwidth units and their value in bit/s (decimal prefixes, as network links are rated).
const BANDWIDTH_UNITS: &[(&str, f64)] = &[
    ("b/s", 1.0),
    ("Kb/s", 1e3),
    ("kb/s", 1e3),
    ("Mb/s", 1e6),
    ("Gb/s", 1e9),
    ("Tb/s", 1e12),
];

/// Splits `"1.5ms"` into `("1.5", "ms")`: the number runs up to the first letter (other than an
/// exponent's `e` directly followed by a digit or sign), `/` or `µ`.
fn split_number(text: &str) -> (&str, &str) {
    let bytes = text.as_bytes();
    let mut end = 0;
    while end < bytes.len() {
        let b = bytes[end];
        let exponent = (b == b'e' || b == b'E')
            && end > 0
            && bytes[end - 1].is_ascii_digit()
            && bytes
                .get(end + 1)
                .is_some_and(|n| n.is_ascii_digit() || *n == b'-' || *n == b'+');
        if b.is_ascii_digit() || b == b'.' || b == b'-' || b == b'+' || exponent {
            end += 1;
        } else {
            break;
        }
    }
    (text[..end].trim(), text[end..].trim())
}

/// Parses the number part of a quantity; `what` names the quantity in messages.
fn parse_number(number: &str, text: &str, what: &str) -> Result<f64, String> {
    if number.is_empty() {
        return Err(format!("expected a number before the unit in \"{text}\""));
    }
    let value: f64 = number
        .parse()
        .map_err(|_| format!("\"{number}\" in \"{text}\" is not a number"))?;
    if value.is_nan() {
        return Err(format!("\"{number}\" in \"{text}\" is not a number"));
    }
    if !value.is_finite() {
        return Err(format!("{what} \"{text}\" is too large"));
    }
    Ok(value)
}

/// Parses a duration such as `"250us"`, `"1.5ms"`, `"2s"`, `"500ns"`, `"10min"` or `"1h"`
/// (`"µs"` is accepted for `"us"`), rounded to the nearest nanosecond.
///
/// A unit is required: `"250"` is an error, and so is a negative duration.
pub fn parse_duration(text: &str) -> Result<SimDuration, String> {
    parse_duration_suggesting(text, "us")
}

/// [`parse_duration`], suggesting `unit` for a number written without one: seconds for a run
/// length, microseconds (as [`parse_duration`] does) for a cost.
pub fn parse_duration_suggesting(text: &str, suggest: &str) -> Result<SimDuration, String> {
    let trimmed = text.trim();
    let (number, unit) = split_number(trimmed);
    if number.is_empty() {
        return Err(format!(
            "expected a duration such as \"250us\", got \"{text}\" (units: {UNIT_LIST})"
        ));
    }
    if unit.is_empty() {
        return Err(format!(
            "missing unit in \"{text}\"; write e.g. \"{number}{suggest}\" (units: {UNIT_LIST})"
        ));
    }
    let Some(&(_, ns_per_unit)) = DURATION_UNITS.iter().find(|(name, _)| *name == unit) else {
        return Err(format!(
            "unknown unit `{unit}` in \"{text}\"; units: {UNIT_LIST}"
        ));
    };
    let value = parse_number(number, text, "duration")?;
    if value < 0.0 {
        return Err("durations cannot be negative".to_string());
    }
    let ns = (value * ns_per_unit).round();
    // 2^64 ns is about 584 years; anything near it is a typo.
    if ns >= u64::MAX as f64 {
        return Err(format!(
            "duration \"{text}\" is too large (at most about 584 years)"
        ));
    }
    Ok(SimDuration(ns as u64))
}

/// Parses a rate such as `"2000/s"`, `"120/min"`, `"5/ms"` or `"3600/h"` into events per
/// second. Must be greater than zero.
pub fn parse_rate(text: &str) -> Result<f64, String> {
    let trimmed = text.trim();
    let Some((number, unit)) = trimmed.split_once('/') else {
        let (number, _) = split_number(trimmed);
        let example = if number.is_empty() { "2000" } else { number };
        return Err(format!(
            "missing unit in \"{text}\"; write e.g. \"{example}/s\" (per {UNIT_LIST})"
        ));
    };
    let (number, unit) = (number.trim(), unit.trim());
    let Some(&(_, ns_per_unit)) = DURATION_UNITS.iter().find(|(name, _)| *name == unit) else {
        return Err(format!(
            "unknown unit `/{unit}` in \"{text}\"; write e.g. \"2000/s\" (per {UNIT_LIST})"
        ));
    };
    let value = parse_number(number, text, "rate")?;
    if value <= 0.0 {
        return Err(format!("rate must be greater than zero, got \"{text}\""));
    }
    Ok(value * 1e9 / ns_per_unit)
}

/// Parses a bandwidth such as `"1Gb/s"`, `"100Mb/s"`, `"10Kb/s"` or `"1500b/s"` into bit/s
/// (decimal prefixes: 1Kb/s = 1000 bit/s). Must be greater than zero.
pub fn parse_bandwidth(text: &str) -> Result<f64, String> {
    let trimmed = text.trim();
    let (number, unit) = split_number(trimmed);
    let units = "b/s, Kb/s, Mb/s, Gb/s, Tb/s";
    if unit.is_empty() {
        return Err(format!(
            "missing unit in \"{text}\"; write e.g. \"{number}Mb/s\" ({units})"
        ));
    }
    let Some(&(_, bps_per_unit)) = BANDWIDTH_UNITS.iter().find(|(name, _)| *name == unit) else {
        let hint = if unit.contains('B') {
            " (bits, not bytes: write b, not B)"
        } else {
            ""
        };
        return Err(format!(
            "unknown unit `{unit}` in \"{text}\"; units: {units}{hint}"
        ));
    };
    let value = parse_number(number, text, "bandwidth")?;
    if value <= 0.0 {
        return Err(format!(
            "bandwidth must be greater than zero, got \"{text}\""
        ));
    }
    Ok(value * bps_per_unit)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ns(text: &str) -> u64 {
        parse_duration(text).unwrap().as_nanos()
    }

    #[test]
    fn durations_in_every_unit() {
        assert_eq!(ns("500ns"), 500);
        assert_eq!(ns("250us"), 250_000);
        assert_eq!(ns("250µs"), 250_000);
        assert_eq!(ns("1.5ms"), 1_500_000);
        assert_eq!(ns("2s"), 2_000_000_000);
        assert_eq!(ns("1min"), 60_000_000_000);
        assert_eq!(ns("10min"), 600_000_000_000);
        assert_eq!(ns("1h"), 3_600_000_000_000);
        assert_eq!(ns("0s"), 0);
        assert_eq!(ns(" 3 ms "), 3_000_000);
        assert_eq!(ns("1e3us"), 1_000_000);
    }

    #[test]
    fn durations_round_to_the_nearest_nanosecond() {
        // 0.1 s is not exact in binary; the product is 100000000.00000001 before rounding.
        assert_eq!(ns("0.1s"), 100_000_000);
        assert_eq!(ns("1.4ns"), 1);
        assert_eq!(ns("1.6ns"), 2);
        assert_eq!(ns("0.0005us"), 1);
    }

    #[test]
    fn a_duration_needs_a_unit() {
        assert_eq!(
            parse_duration("250").unwrap_err(),
            "missing unit in \"250\"; write e.g. \"250us\" (units: ns, us, ms, s, min, h, day)"
        );
    }

    #[test]
    fn bad_durations_are_explained() {
        assert_eq!(
            parse_duration("-5ms").unwrap_err(),
            "durations cannot be negative"
        );
        let unknown = parse_duration("5sec").unwrap_err();
        assert!(unknown.contains("unknown unit `sec`"), "{unknown}");
        assert!(unknown.contains("ns, us, ms, s, min, h"), "{unknown}");
        assert!(
            parse_duration("ms")
                .unwrap_err()
                .contains("expected a duration")
        );
        assert!(
            parse_duration("fast")
                .unwrap_err()
                .contains("expected a duration")
        );
        assert!(parse_duration("").is_err());
        assert!(
            parse_duration("1.2.3ms")
                .unwrap_err()
                .contains("is not a number")
        );
        assert!(parse_duration("1e300h").unwrap_err().contains("too large"));
    }

    #[test]
    fn rates_are_per_second() {
        assert_eq!(parse_rate("2000/s").unwrap(), 2000.0);
        assert_eq!(parse_rate("120/min").unwrap(), 2.0);
        assert_eq!(parse_rate("5/ms").unwrap(), 5000.0);
        assert_eq!(parse_rate("3600/h").unwrap(), 1.0);
        assert_eq!(parse_rate("1.5 / us").unwrap(), 1.5e6);
    }

    #[test]
    fn bad_rates_are_explained() {
        assert!(parse_rate("0/s").unwrap_err().contains("greater than zero"));
        assert!(
            parse_rate("-3/s")
                .unwrap_err()
                .contains("greater than zero")
        );
        assert_eq!(
            parse_rate("2000").unwrap_err(),
            "missing unit in \"2000\"; write e.g. \"2000/s\" (per ns, us, ms, s, min, h, day)"
        );
        assert!(
            parse_rate("5/sec")
                .unwrap_err()
                .contains("unknown unit `/sec`")
        );
        assert!(parse_rate("x/s").unwrap_err().contains("not a number"));
    }

    #[test]
    fn bandwidths_are_bits_per_second() {
        assert_eq!(parse_bandwidth("1Gb/s").unwrap(), 1e9);
        assert_eq!(parse_bandwidth("100Mb/s").unwrap(), 1e8);
        assert_eq!(parse_bandwidth("10Kb/s").unwrap(), 1e4);
        assert_eq!(parse_bandwidth("1500b/s").unwrap(), 1500.0);
        assert_eq!(parse_bandwidth("2.5 Gb/s").unwrap(), 2.5e9);
    }

    #[test]
    fn bad_bandwidths_are_explained() {
        assert!(
            parse_bandwidth("0Gb/s")
                .unwrap_err()
                .contains("greater than zero")
        );
        assert!(
            parse_bandwidth("1000")
                .unwrap_err()
                .contains("missing unit")
        );
        assert!(
            parse_bandwidth("1GB/s")
                .unwrap_err()
                .contains("bits, not bytes")
        );
    }
}
