//! Confidence intervals over independent replications.
//!
//! Given one estimate per independent replication (different seeds), the mean of the
//! estimates has a Student-t confidence interval with n - 1 degrees of freedom. Replications
//! sidestep the autocorrelation inside one run, which would make a naive per-request interval
//! far too narrow at high utilisation.

use statrs::distribution::{ContinuousCDF, StudentsT};

/// A mean and the half-width of its confidence interval.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct MeanCi {
    /// Mean of the samples.
    pub mean: f64,
    /// Half-width of the interval: the true mean lies in `mean ± half_width` at the
    /// requested confidence.
    pub half_width: f64,
    /// Number of samples.
    pub n: usize,
}

impl MeanCi {
    /// True if `value` lies inside the interval.
    pub fn contains(&self, value: f64) -> bool {
        (value - self.mean).abs() <= self.half_width
    }
}

/// Student-t interval for the mean of `samples` at `confidence` (e.g. 0.99).
/// Panics on fewer than two samples or a confidence outside (0, 1).
pub fn mean_ci(samples: &[f64], confidence: f64) -> MeanCi {
    let n = samples.len();
    assert!(n >= 2, "a confidence interval needs at least two samples");
    assert!(
        confidence > 0.0 && confidence < 1.0,
        "confidence must be in (0, 1)"
    );
    let mean = samples.iter().sum::<f64>() / n as f64;
    let var = samples.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n as f64 - 1.0);
    let t = StudentsT::new(0.0, 1.0, n as f64 - 1.0)
        .expect("valid degrees of freedom")
        .inverse_cdf(0.5 + confidence / 2.0);
    MeanCi {
        mean,
        half_width: t * (var / n as f64).sqrt(),
        n,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interval_of_a_known_sample() {
        // mean 2, sample sd 1 (values 1, 2, 3), t(0.975, df 2) = 4.302653; hw = 4.302653 / sqrt 3.
        let ci = mean_ci(&[1.0, 2.0, 3.0], 0.95);
        assert!((ci.mean - 2.0).abs() < 1e-12);
        assert!((ci.half_width - 4.302_653 / 3f64.sqrt()).abs() < 1e-5);
        assert!(ci.contains(4.4) && !ci.contains(4.6));
    }
}
