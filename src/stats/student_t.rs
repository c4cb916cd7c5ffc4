//! Quantiles of Student's t distribution, for confidence intervals over replications.

use statrs::distribution::{ContinuousCDF, StudentsT};

/// The `p` quantile of Student's t with `df` degrees of freedom: `t_quantile(0.975, 9)` is
/// 2.262157, the factor of a two-sided 95 % interval from ten samples.
///
/// Panics if `p` is not in (0, 1) or `df` is 0 (a caller bug: an interval needs two samples).
pub fn t_quantile(p: f64, df: u32) -> f64 {
    assert!(p > 0.0 && p < 1.0, "t quantile: p = {p} is not in (0, 1)");
    assert!(df > 0, "t quantile: zero degrees of freedom");
    StudentsT::new(0.0, 1.0, f64::from(df))
        .expect("positive degrees of freedom")
        .inverse_cdf(p)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_the_printed_table() {
        // Two-sided 95 % (p = 0.975) and 99 % (p = 0.995) columns of the usual t table.
        let table = [
            (0.975, 1, 12.706),
            (0.975, 2, 4.303),
            (0.975, 4, 2.776),
            (0.975, 9, 2.262),
            (0.975, 19, 2.093),
            (0.975, 29, 2.045),
            (0.975, 120, 1.980),
            (0.995, 1, 63.657),
            (0.995, 9, 3.250),
            (0.995, 49, 2.680),
        ];
        for (p, df, want) in table {
            let got = t_quantile(p, df);
            assert!(
                (got - want).abs() < 5e-4,
                "t({p}, {df}) = {got}, table {want}"
            );
        }
        // Symmetric about zero, and the normal quantile in the limit.
        assert!((t_quantile(0.025, 9) + t_quantile(0.975, 9)).abs() < 1e-9);
        let big = t_quantile(0.975, 100_000);
        assert!((big - 1.959_99).abs() < 1e-3, "t(0.975, 100000) = {big}");
    }
}
