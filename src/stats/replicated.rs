//! Estimates over independent replications: a mean with its 95 % Student-t half-width, and
//! the paired difference of two scenarios run on the same seeds.
//!
//! Each replication gives one number per metric (its mean latency, its throughput, ...). The
//! replications are independent and identically distributed, so the mean of those numbers
//! has the usual t interval with n - 1 degrees of freedom. Two scenarios run with the same
//! replication seeds share their random numbers (common random numbers): the differences
//! replication by replication are again i.i.d., and their t interval (the paired t interval)
//! is usually much narrower than the two intervals side by side.
//!
//! Replications also sidestep the autocorrelation inside one run, which would make a naive
//! per-request interval far too narrow at high utilisation; tests that check a model against
//! theory use [`Estimate::with_confidence`] for their wider intervals (99 %, 99.9 %).

use super::student_t::t_quantile;

/// Confidence of every interval nssim reports.
pub const CONFIDENCE: f64 = 0.95;

/// A mean over replications and the half-width of its interval: 95 % ([`CONFIDENCE`]) from
/// [`Estimate::of`], as every report uses.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Estimate {
    /// Mean of the replications' values; NaN when some value is unknown (NaN).
    pub mean: f64,
    /// Half-width of the Student-t interval; NaN with fewer than two values (no interval is
    /// possible) or when some value is unknown. 0 when all values are equal.
    pub half_width: f64,
    /// Number of replications.
    pub n: usize,
}

impl Estimate {
    /// The estimate of `values`, one per replication, with its 95 % interval.
    pub fn of(values: &[f64]) -> Estimate {
        Estimate::with_confidence(values, CONFIDENCE)
    }

    /// The estimate of `values` with its interval at `confidence` (0.99 for 99 %). Panics
    /// unless `0 < confidence < 1`.
    pub fn with_confidence(values: &[f64], confidence: f64) -> Estimate {
        assert!(
            confidence > 0.0 && confidence < 1.0,
            "confidence must be in (0, 1), got {confidence}"
        );
        let n = values.len();
        if n == 0 {
            return Estimate {
                mean: f64::NAN,
                half_width: f64::NAN,
                n,
            };
        }
        let mean = values.iter().sum::<f64>() / n as f64;
        let half_width = if n < 2 || !mean.is_finite() {
            f64::NAN
        } else {
            let var = values.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n as f64 - 1.0);
            let df = u32::try_from(n - 1).unwrap_or(u32::MAX);
            t_quantile(0.5 + confidence / 2.0, df) * (var / n as f64).sqrt()
        };
        Estimate {
            mean,
            half_width,
            n,
        }
    }

    /// The paired difference `other - base`, replication by replication (same length: the
    /// same replications of two scenarios).
    pub fn paired(base: &[f64], other: &[f64]) -> Estimate {
        assert_eq!(base.len(), other.len(), "paired replications");
        let d: Vec<f64> = other.iter().zip(base).map(|(o, b)| o - b).collect();
        Estimate::of(&d)
    }

    /// Whether the interval exists (two or more known values).
    pub fn has_interval(&self) -> bool {
        self.half_width.is_finite()
    }

    /// `half_width / |mean|`: the relative precision; infinite for a mean of 0 with a
    /// non-zero half-width, 0 when both are 0, NaN without an interval.
    pub fn relative_half_width(&self) -> f64 {
        if !self.has_interval() {
            f64::NAN
        } else if self.half_width == 0.0 {
            0.0
        } else {
            self.half_width / self.mean.abs()
        }
    }

    /// For a difference: whether its interval excludes 0 (`None` without an interval).
    pub fn significant(&self) -> Option<bool> {
        self.has_interval()
            .then(|| self.mean.abs() > self.half_width)
    }

    /// Whether `value` lies inside the interval (false without one).
    pub fn contains(&self, value: f64) -> bool {
        self.has_interval() && (value - self.mean).abs() <= self.half_width
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interval_of_a_known_sample() {
        // Mean 2, sample sd 1, t(0.975, 2) = 4.302653: half-width 4.302653 / sqrt 3.
        let e = Estimate::of(&[1.0, 2.0, 3.0]);
        assert_eq!(e.n, 3);
        assert!((e.mean - 2.0).abs() < 1e-12);
        assert!((e.half_width - 4.302_653 / 3f64.sqrt()).abs() < 1e-5);
        assert!(e.contains(4.4) && !e.contains(4.6));
        assert!((e.relative_half_width() - e.half_width / 2.0).abs() < 1e-12);
    }

    #[test]
    fn a_wider_confidence_widens_the_interval_by_the_t_ratio() {
        // Ten values 0..9: mean 4.5, sample sd 3.02765; 99.9 % two-sided with 9 degrees of
        // freedom is t(0.9995, 9) = 4.781, 95 % is t(0.975, 9) = 2.262.
        let xs: Vec<f64> = (0..10).map(f64::from).collect();
        let wide = Estimate::with_confidence(&xs, 0.999);
        let sd = (82.5f64 / 9.0).sqrt();
        assert_eq!((wide.mean, wide.n), (4.5, 10));
        assert!(
            (wide.half_width - 4.781 * sd / 10f64.sqrt()).abs() < 1e-3,
            "{wide:?}"
        );
        let narrow = Estimate::of(&xs);
        assert_eq!(narrow, Estimate::with_confidence(&xs, CONFIDENCE));
        assert!((wide.half_width / narrow.half_width - 4.781 / 2.262).abs() < 1e-3);
    }

    #[test]
    fn one_value_has_no_interval() {
        let e = Estimate::of(&[5.0]);
        assert_eq!(e.mean, 5.0);
        assert!(!e.has_interval());
        assert_eq!(e.significant(), None);
        assert!(!e.contains(5.0));
        assert!(e.relative_half_width().is_nan());
    }

    #[test]
    fn an_unknown_value_makes_the_estimate_unknown() {
        let e = Estimate::of(&[1.0, f64::NAN, 3.0]);
        assert!(e.mean.is_nan() && !e.has_interval());
    }

    #[test]
    fn pairing_removes_the_shared_noise() {
        // The same noise in both scenarios, shifted by 1: side by side the intervals overlap,
        // paired the difference is exactly 1 and significant.
        let base = [10.0, 30.0, 20.0, 50.0];
        let other: Vec<f64> = base.iter().map(|x| x + 1.0).collect();
        let d = Estimate::paired(&base, &other);
        assert_eq!(d.mean, 1.0);
        assert_eq!(d.half_width, 0.0);
        assert_eq!(d.significant(), Some(true));
        assert!(Estimate::of(&base).contains(Estimate::of(&other).mean));
        // Identical scenarios: a difference of exactly 0 is not significant.
        assert_eq!(Estimate::paired(&base, &base).significant(), Some(false));
    }
}
