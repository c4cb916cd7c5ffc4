//! Virtual time: integer nanoseconds, never floats.
//!
//! `SimTime` is an instant since the start of a run, `SimDuration` a span. Both are `u64`
//! nanoseconds, which covers 584 years of simulated time. Arithmetic is checked: an overflow is a
//! bug in a model, so it panics rather than wrapping. Floats appear only at the edges, when a
//! sample drawn from a distribution is rounded to a duration, and in reports.

use std::fmt;
use std::ops::{Add, AddAssign, Sub};

/// A span of virtual time [ns].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SimDuration(pub u64);

/// An instant of virtual time [ns since the start of the run].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SimTime(pub u64);

impl SimDuration {
    /// No time at all.
    pub const ZERO: SimDuration = SimDuration(0);
    /// The longest representable span; used as "never".
    pub const MAX: SimDuration = SimDuration(u64::MAX);

    /// A span of `ns` nanoseconds.
    pub const fn from_nanos(ns: u64) -> Self {
        SimDuration(ns)
    }
    /// A span of `us` microseconds.
    pub const fn from_micros(us: u64) -> Self {
        SimDuration(us * 1_000)
    }
    /// A span of `ms` milliseconds.
    pub const fn from_millis(ms: u64) -> Self {
        SimDuration(ms * 1_000_000)
    }
    /// A span of `s` seconds.
    pub const fn from_secs(s: u64) -> Self {
        SimDuration(s * 1_000_000_000)
    }
    /// Rounds a non-negative number of seconds to the nearest nanosecond.
    ///
    /// Panics on a negative or non-finite value: distributions are validated before time zero,
    /// so such a sample is a bug.
    pub fn from_secs_f64(s: f64) -> Self {
        assert!(s.is_finite() && s >= 0.0, "invalid duration {s} s");
        let ns = s * 1e9;
        // The largest double below 2^64 is an integer, so this bounds the rounded value too.
        assert!(ns < u64::MAX as f64, "duration {s} s overflows");
        SimDuration(round_ns(ns))
    }
    /// The span in nanoseconds.
    pub const fn as_nanos(self) -> u64 {
        self.0
    }
    /// The span in seconds, for reports.
    pub fn as_secs_f64(self) -> f64 {
        self.0 as f64 / 1e9
    }
    /// The span in milliseconds, for reports.
    pub fn as_millis_f64(self) -> f64 {
        self.0 as f64 / 1e6
    }
    /// True for the zero span.
    pub const fn is_zero(self) -> bool {
        self.0 == 0
    }
}

/// `x.round() as u64` for a finite `x` in `[0, 2^64)`, without the call to `round` that
/// `f64::round` compiles to on a baseline x86-64 (no SSE4.1): the hot path rounds every drawn
/// duration. Exact: below 2^53 the truncation and the fraction are exact, and from 2^52 on
/// every double is an integer; halves round up, as `f64::round` rounds them away from zero.
#[inline]
pub fn round_ns(x: f64) -> u64 {
    debug_assert!((0.0..u64::MAX as f64).contains(&x), "{x} out of range");
    let whole = x as u64;
    if x - whole as f64 >= 0.5 {
        whole + 1
    } else {
        whole
    }
}

impl SimTime {
    /// The start of every run.
    pub const ZERO: SimTime = SimTime(0);
    /// The end of time; an event scheduled here never runs in a bounded run.
    pub const MAX: SimTime = SimTime(u64::MAX);

    /// Nanoseconds since the start of the run.
    pub const fn as_nanos(self) -> u64 {
        self.0
    }
    /// Seconds since the start of the run, for reports.
    pub fn as_secs_f64(self) -> f64 {
        self.0 as f64 / 1e9
    }
    /// The span from `earlier` to `self`; panics if `earlier` is later.
    pub fn since(self, earlier: SimTime) -> SimDuration {
        SimDuration(
            self.0
                .checked_sub(earlier.0)
                .expect("SimTime::since: earlier instant is later"),
        )
    }
    /// `self + d`, saturating at `SimTime::MAX` (for horizons such as "end + drain").
    pub fn saturating_add(self, d: SimDuration) -> SimTime {
        SimTime(self.0.saturating_add(d.0))
    }
}

impl Add<SimDuration> for SimTime {
    type Output = SimTime;
    fn add(self, d: SimDuration) -> SimTime {
        SimTime(self.0.checked_add(d.0).expect("SimTime overflow"))
    }
}

impl AddAssign<SimDuration> for SimTime {
    fn add_assign(&mut self, d: SimDuration) {
        *self = *self + d;
    }
}

impl Sub<SimTime> for SimTime {
    type Output = SimDuration;
    fn sub(self, earlier: SimTime) -> SimDuration {
        self.since(earlier)
    }
}

impl Sub<SimDuration> for SimTime {
    type Output = SimTime;
    fn sub(self, d: SimDuration) -> SimTime {
        SimTime(
            self.0
                .checked_sub(d.0)
                .expect("SimTime before the start of the run"),
        )
    }
}

impl Add for SimDuration {
    type Output = SimDuration;
    fn add(self, o: SimDuration) -> SimDuration {
        SimDuration(self.0.checked_add(o.0).expect("SimDuration overflow"))
    }
}

impl AddAssign for SimDuration {
    fn add_assign(&mut self, o: SimDuration) {
        *self = *self + o;
    }
}

/// Prints in the largest unit that keeps the value at least 1, e.g. `250us`, `1.5ms`, `2s`.
impl fmt::Display for SimDuration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ns = self.0;
        let (value, unit) = if ns >= 1_000_000_000 {
            (ns as f64 / 1e9, "s")
        } else if ns >= 1_000_000 {
            (ns as f64 / 1e6, "ms")
        } else if ns >= 1_000 {
            (ns as f64 / 1e3, "us")
        } else {
            return write!(f, "{ns}ns");
        };
        // Up to three decimals, trailing zeros trimmed: 1.5ms, not 1.500ms.
        let text = format!("{value:.3}");
        let text = text.trim_end_matches('0').trim_end_matches('.');
        write!(f, "{text}{unit}")
    }
}

impl fmt::Display for SimTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "t={}", SimDuration(self.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_picks_a_readable_unit() {
        assert_eq!(SimDuration::from_micros(250).to_string(), "250us");
        assert_eq!(SimDuration::from_micros(1500).to_string(), "1.5ms");
        assert_eq!(SimDuration::from_secs(2).to_string(), "2s");
        assert_eq!(SimDuration::from_nanos(7).to_string(), "7ns");
    }

    #[test]
    fn rounding_from_seconds_is_to_nearest_nanosecond() {
        assert_eq!(SimDuration::from_secs_f64(1.5e-9).as_nanos(), 2);
        assert_eq!(SimDuration::from_secs_f64(0.25).as_nanos(), 250_000_000);
    }

    #[test]
    #[should_panic(expected = "SimTime overflow")]
    fn overflow_panics() {
        let _ = SimTime(u64::MAX - 1) + SimDuration(2);
    }

    #[test]
    fn round_ns_rounds_as_f64_round() {
        let mut x: u64 = 0x2545_F491_4F6C_DD1D;
        let mut cases = vec![
            0.0,
            0.5,
            1.5,
            2.5,
            0.499_999_999_999_999_94,
            4_503_599_627_370_495.5,
            4_503_599_627_370_497.0,
            9_007_199_254_740_993.0,
            1.8e19,
        ];
        for _ in 0..100_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            // Magnitudes from 1e-3 to 1e19, and exact halves.
            let m = (x >> 11) as f64 / (1u64 << 53) as f64;
            cases.push(m * 10f64.powi((x % 23) as i32 - 3));
            cases.push((x >> 40) as f64 + 0.5);
        }
        for c in cases {
            assert_eq!(round_ns(c), c.round() as u64, "{c:e}");
        }
    }
}
