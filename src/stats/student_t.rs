//! Student's t distribution: the quantile function, for confidence intervals.
//!
//! The CDF is the regularized incomplete beta function, `P(T <= t) = 1 - I_x(df/2, 1/2) / 2`
//! with `x = df / (df + t^2)` for `t >= 0`, evaluated by its continued fraction (Lentz's
//! method, as in Numerical Recipes' `betacf`). The quantile inverts the CDF by bisection to
//! 1e-12, which is slow next to a closed-form approximation but exact to the printed digits and
//! called a handful of times per run.

/// The `p` quantile of Student's t with `df` degrees of freedom: the `t` with
/// `P(T <= t) = p`. Panics unless `0 < p < 1` and `df >= 1`.
pub fn t_quantile(p: f64, df: u32) -> f64 {
    assert!(p > 0.0 && p < 1.0, "a quantile needs 0 < p < 1, got {p}");
    assert!(df >= 1, "Student's t needs at least one degree of freedom");
    if p == 0.5 {
        return 0.0;
    }
    if p < 0.5 {
        return -t_quantile(1.0 - p, df);
    }
    // Bracket: the CDF is increasing; double the upper end until it passes p.
    let (mut lo, mut hi) = (0.0f64, 1.0f64);
    while t_cdf(hi, df) < p {
        lo = hi;
        hi *= 2.0;
    }
    while hi - lo > 1e-12 * hi.max(1.0) {
        let mid = 0.5 * (lo + hi);
        if t_cdf(mid, df) < p {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    0.5 * (lo + hi)
}

/// `P(T <= t)` for Student's t with `df` degrees of freedom.
pub fn t_cdf(t: f64, df: u32) -> f64 {
    let v = f64::from(df);
    let x = v / (v + t * t);
    let tail = 0.5 * incomplete_beta(0.5 * v, 0.5, x);
    if t >= 0.0 { 1.0 - tail } else { tail }
}

/// Regularized incomplete beta function `I_x(a, b)`.
fn incomplete_beta(a: f64, b: f64, x: f64) -> f64 {
    if x <= 0.0 {
        return 0.0;
    }
    if x >= 1.0 {
        return 1.0;
    }
    let ln_front = ln_gamma(a + b) - ln_gamma(a) - ln_gamma(b) + a * x.ln() + b * (1.0 - x).ln();
    let front = ln_front.exp();
    // The continued fraction converges fast for x < (a + 1) / (a + b + 2); use the symmetry
    // I_x(a, b) = 1 - I_{1-x}(b, a) otherwise.
    if x < (a + 1.0) / (a + b + 2.0) {
        front * beta_fraction(a, b, x) / a
    } else {
        1.0 - front * beta_fraction(b, a, 1.0 - x) / b
    }
}

/// Continued fraction of the incomplete beta function (modified Lentz).
fn beta_fraction(a: f64, b: f64, x: f64) -> f64 {
    const TINY: f64 = 1e-300;
    let (qab, qap, qam) = (a + b, a + 1.0, a - 1.0);
    let mut c = 1.0;
    let mut d = 1.0 - qab * x / qap;
    if d.abs() < TINY {
        d = TINY;
    }
    d = 1.0 / d;
    let mut h = d;
    for m in 1..=10_000 {
        let m = f64::from(m);
        let m2 = 2.0 * m;
        let aa = m * (b - m) * x / ((qam + m2) * (a + m2));
        d = 1.0 + aa * d;
        if d.abs() < TINY {
            d = TINY;
        }
        c = 1.0 + aa / c;
        if c.abs() < TINY {
            c = TINY;
        }
        d = 1.0 / d;
        h *= d * c;
        let aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
        d = 1.0 + aa * d;
        if d.abs() < TINY {
            d = TINY;
        }
        c = 1.0 + aa / c;
        if c.abs() < TINY {
            c = TINY;
        }
        d = 1.0 / d;
        let del = d * c;
        h *= del;
        if (del - 1.0).abs() < 1e-15 {
            break;
        }
    }
    h
}

/// `ln Γ(x)` for `x > 0` (Lanczos, g = 7, nine coefficients: about 15 significant digits).
fn ln_gamma(x: f64) -> f64 {
    const G: f64 = 7.0;
    const C: [f64; 9] = [
        0.999_999_999_999_809_9,
        676.520_368_121_885_1,
        -1_259.139_216_722_402_8,
        771.323_428_777_653_1,
        -176.615_029_162_140_6,
        12.507_343_278_686_905,
        -0.138_571_095_265_720_12,
        9.984_369_578_019_572e-6,
        1.505_632_735_149_311_6e-7,
    ];
    if x < 0.5 {
        // Reflection: Γ(x) Γ(1 - x) = π / sin(πx).
        let pi = std::f64::consts::PI;
        return (pi / (pi * x).sin()).ln() - ln_gamma(1.0 - x);
    }
    let x = x - 1.0;
    let mut sum = C[0];
    for (i, &c) in C.iter().enumerate().skip(1) {
        sum += c / (x + i as f64);
    }
    let t = x + G + 0.5;
    0.5 * (2.0 * std::f64::consts::PI).ln() + (x + 0.5) * t.ln() - t + sum.ln()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Relative difference.
    fn rel(a: f64, b: f64) -> f64 {
        (a - b).abs() / b.abs()
    }

    #[test]
    fn quantiles_match_the_printed_table() {
        // Two-sided 95 %, 99 %, 99.9 % and one-sided 95 % columns of a standard t table.
        let table: [(f64, u32, f64); 23] = [
            (0.975, 1, 12.706),
            (0.975, 2, 4.303),
            (0.975, 4, 2.776),
            (0.975, 9, 2.262),
            (0.975, 19, 2.093),
            (0.975, 29, 2.045),
            (0.975, 49, 2.010),
            (0.975, 120, 1.980),
            (0.995, 1, 63.66),
            (0.995, 2, 9.925),
            (0.995, 9, 3.250),
            (0.995, 29, 2.756),
            (0.995, 49, 2.680),
            (0.995, 999, 2.581),
            (0.95, 1, 6.314),
            (0.95, 5, 2.015),
            (0.95, 30, 1.697),
            // Two-sided 99.9 % (the integration tests' theory checks, 10 replications) and
            // 99 % at 200 (the warm-up study's 200 replications).
            (0.9995, 2, 31.599),
            (0.9995, 9, 4.781),
            (0.9995, 10, 4.587),
            (0.9995, 29, 3.659),
            (0.995, 199, 2.601),
            (0.995, 200, 2.601),
        ];
        for (p, df, want) in table {
            let got = t_quantile(p, df);
            assert!(rel(got, want) < 5e-4, "t({p}, {df}) = {got}, table {want}");
        }
    }

    #[test]
    fn quantiles_agree_with_closed_forms() {
        // df 1 is Cauchy: tan(π(p - 1/2)); df 2: (2p - 1) sqrt(2 / (4p(1 - p))).
        for p in [0.6, 0.9, 0.975, 0.999] {
            let cauchy = (std::f64::consts::PI * (p - 0.5)).tan();
            assert!(rel(t_quantile(p, 1), cauchy) < 1e-9, "df 1, p {p}");
            let two = (2.0 * p - 1.0) * (2.0 / (4.0 * p * (1.0 - p))).sqrt();
            assert!(rel(t_quantile(p, 2), two) < 1e-9, "df 2, p {p}");
        }
        // Symmetry and the median.
        assert_eq!(t_quantile(0.5, 7), 0.0);
        assert!((t_quantile(0.025, 7) + t_quantile(0.975, 7)).abs() < 1e-9);
        // Large df tends to the normal quantile 1.959964.
        assert!(rel(t_quantile(0.975, 1_000_000), 1.959_964) < 1e-5);
    }

    #[test]
    fn cdf_inverts_the_quantile() {
        for df in [1, 3, 10, 100] {
            for p in [0.01, 0.3, 0.8, 0.995] {
                assert!((t_cdf(t_quantile(p, df), df) - p).abs() < 1e-10);
            }
        }
    }
}
