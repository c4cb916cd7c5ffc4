//! Batch means: a confidence interval for the mean response time from one long run.
//!
//! Response times inside one run are autocorrelated, so the naive per-request interval is far
//! too narrow. Grouped into a few long batches, their batch means are nearly independent and
//! nearly normal, and Student's t applies to them (Law and Kelton, ch. 9.5.3).
//!
//! The rule: the measured completions (those after the warm-up, in completion order, in the
//! run's blocks of 5 (see `mser`); the part of a block straddling the end of the warm-up is
//! left out) are split into [`START_BATCHES`] batches of equal size (as many batches as blocks
//! below 20 blocks), the leftover blocks being dropped from the start of the window. While the
//! lag-1 autocorrelation of the batch means exceeds [`MAX_LAG1`] and halving the number of
//! batches leaves at least [`MIN_BATCHES`], the number of batches halves and their size
//! doubles (20, then 10 batches). The interval is `mean ± t(0.975, b - 1) s / sqrt(b)` over
//! the `b` batch means.
//!
//! The interval is flagged `correlated` (too narrow to trust; run longer) when the lag-1
//! autocorrelation is still above the threshold at 10 batches, or when the run is short for
//! its load: fewer than [`MIN_SPANS`] correlation spans of completions, a span being
//! `4 / (1 - u)^2` completions at the highest utilisation `u` of any processor, adapter port or
//! server class ([`correlation_span`]). A queue at utilisation u forgets its state over about
//! that many completions: it is M/M/1's integrated autocorrelation time of response times,
//! which grows as 1 / (1 - u)^2 in heavy traffic (Whitt, "Planning queueing simulations",
//! 1989); at u = 0.95 it is 1,600 completions, so a trusted interval needs 160,000.
//!
//! Why the second test: at high load the lag-1 test alone cannot see that a run is short. A
//! run that happened to have no long busy period has a low mean, a small spread and little
//! correlation: it passes the test and its interval lies below the true mean. On M/M/1 at
//! u = 0.95, intervals the lag-1 test alone passed covered the mean in 77 % of 20 s runs and
//! 86 % of 120 s runs. The utilisation hardly depends on such luck, so the run-length test
//! flags those runs too; with both, the intervals not flagged cover at least 90 %
//! (`m_m_1_at_rho_095_intervals_not_flagged_cover_the_mean` below and
//! `tests/integration/warmup.rs`). Fewer, longer batches (20 rather than 40) help as well:
//! their means are less correlated and closer to normal.

use super::student_t::t_quantile;

/// Batches to start from.
pub const START_BATCHES: usize = 20;
/// Fewest batches: the rule stops doubling the batch size here.
pub const MIN_BATCHES: usize = 10;
/// Lag-1 autocorrelation of the batch means above which the batch size doubles.
pub const MAX_LAG1: f64 = 0.2;
/// Correlation spans ([`correlation_span`]) a run's measured completions must hold for its
/// interval to be trusted.
pub const MIN_SPANS: f64 = 100.0;

/// Completions over which a queue at utilisation `load` forgets its state: `4 / (1 - load)^2`
/// (M/M/1's integrated autocorrelation time of response times in heavy traffic: 1,520 at
/// 0.95 against 1,600; 79 at 0.8 against 100). Infinite at a load of 1 or more.
pub fn correlation_span(load: f64) -> f64 {
    if load >= 1.0 {
        f64::INFINITY
    } else {
        4.0 / (1.0 - load.max(0.0)).powi(2)
    }
}

/// The highest utilisation among `ratios` (busy ratios of processors, adapter ports and
/// server pools), 0 without any; what [`batch_means`] takes as the run's load.
pub fn peak_load(ratios: impl IntoIterator<Item = f64>) -> f64 {
    ratios
        .into_iter()
        .filter(|r| r.is_finite())
        .fold(0.0, f64::max)
}

/// A batch-means interval.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct BatchMeans {
    /// Mean of the batch means [ms].
    pub mean: f64,
    /// Half-width of the 95 % interval [ms].
    pub half_width: f64,
    /// Number of batches.
    pub batches: u64,
    /// Completions per batch.
    pub batch_size: u64,
    /// Lag-1 autocorrelation of the batch means.
    pub lag1: f64,
    /// The run's load: the highest utilisation of a processor, port or server pool.
    pub load: f64,
    /// Correlation spans ([`correlation_span`] of `load`) in the measured completions.
    pub spans: f64,
    /// The interval is likely too narrow: the lag-1 autocorrelation is still above
    /// [`MAX_LAG1`] at the fewest batches allowed, or the run holds fewer than [`MIN_SPANS`]
    /// correlation spans.
    pub correlated: bool,
}

/// The batch-means interval of `blocks`, consecutive means of `block` completions each, from
/// a run whose load ([`peak_load`]) was `load`. `None` with fewer than [`MIN_BATCHES`] blocks.
pub fn batch_means(blocks: &[f64], block: u64, load: f64) -> Option<BatchMeans> {
    if blocks.len() < MIN_BATCHES {
        return None;
    }
    let mut b = blocks.len().min(START_BATCHES);
    loop {
        let per = blocks.len() / b;
        let used = &blocks[blocks.len() - b * per..];
        let means: Vec<f64> = used
            .chunks_exact(per)
            .map(|c| c.iter().sum::<f64>() / per as f64)
            .collect();
        let lag1 = lag1_autocorrelation(&means);
        if lag1 > MAX_LAG1 && b / 2 >= MIN_BATCHES {
            b /= 2;
            continue;
        }
        let n = means.len() as f64;
        let mean = means.iter().sum::<f64>() / n;
        let var = means.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0);
        let t = t_quantile(0.975, b as u32 - 1);
        let spans = (blocks.len() as u64 * block) as f64 / correlation_span(load);
        return Some(BatchMeans {
            mean,
            half_width: t * (var / n).sqrt(),
            batches: b as u64,
            batch_size: per as u64 * block,
            lag1,
            load,
            spans,
            correlated: lag1 > MAX_LAG1 || spans < MIN_SPANS,
        });
    }
}

/// Lag-1 autocorrelation of `x` (0 for a constant sequence).
pub fn lag1_autocorrelation(x: &[f64]) -> f64 {
    let n = x.len();
    if n < 2 {
        return 0.0;
    }
    let mean = x.iter().sum::<f64>() / n as f64;
    let den: f64 = x.iter().map(|v| (v - mean).powi(2)).sum();
    if den == 0.0 {
        return 0.0;
    }
    let num: f64 = x.windows(2).map(|w| (w[0] - mean) * (w[1] - mean)).sum();
    num / den
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::test_noise::uniform;

    #[test]
    fn iid_data_covers_the_mean_about_95_percent_of_the_time() {
        // 200 experiments of 4,000 iid U(0, 1) blocks: lag-1 near 0, and the 95 % interval
        // covers 0.5 in [178, 199] of them (the 99.9 % binomial range around 190).
        let mut covered = 0;
        let mut kept_20 = 0;
        let mut lag_sum = 0.0;
        for seed in 0..200 {
            let x = uniform(4_000, seed * 7919 + 1);
            let bm = batch_means(&x, 5, 0.0).unwrap();
            // 20 batches unless their lag-1 exceeds 0.2 by chance (sd about 1 / sqrt(20)).
            assert!([20, 10].contains(&bm.batches), "{bm:?}");
            assert_eq!(bm.batches * bm.batch_size, 4_000 * 5);
            // No load: a span of 4 completions, 5,000 of them.
            assert_eq!(bm.spans, 5_000.0);
            kept_20 += u32::from(bm.batches == 20);
            lag_sum += bm.lag1;
            if (bm.mean - 0.5).abs() <= bm.half_width {
                covered += 1;
            }
            // Half-width at 20 batches: t(0.975, 19) x sd(U) / sqrt(4000) = 2.0930 x 0.288675
            // / 63.246, give or take the sd's sampling error (about 16 % at 19 df).
            if bm.batches == 20 {
                assert!((bm.half_width / 0.009_553 - 1.0).abs() < 0.6, "{bm:?}");
            }
        }
        assert!((178..=199).contains(&covered), "covered {covered} of 200");
        // P(lag-1 of 20 iid means > 0.2) is about 0.13: most experiments keep 20 batches.
        assert!(kept_20 >= 150, "{kept_20} of 200 kept 20 batches");
        // Mean lag-1 of 20 iid batch means is about -1/20; the mean of 200 has sd about 0.016.
        let lag = lag_sum / 200.0;
        assert!((lag + 0.05).abs() < 0.05, "mean lag-1 {lag}");
    }

    #[test]
    fn correlated_data_doubles_the_batch_size() {
        // A slow AR(1) (phi = 0.999) over 4,000 blocks: batch means of 200 blocks stay
        // correlated, so the rule halves to 10 batches and says it is still correlated.
        let e = uniform(4_000, 5);
        let mut x = Vec::with_capacity(e.len());
        let mut v = 0.0;
        for u in e {
            v = 0.999 * v + (u - 0.5);
            x.push(v);
        }
        let bm = batch_means(&x, 5, 0.0).unwrap();
        assert_eq!(bm.batches, 10);
        assert_eq!(bm.batch_size, 400 * 5);
        assert!(bm.correlated && bm.lag1 > MAX_LAG1, "{bm:?}");
    }

    #[test]
    fn leftover_blocks_are_dropped_from_the_start() {
        // 85 blocks: 20 batches of four blocks, the first 5 dropped.
        let x: Vec<f64> = (0..85).map(|i| if i < 5 { 100.0 } else { 1.0 }).collect();
        let bm = batch_means(&x, 5, 0.0).unwrap();
        assert_eq!((bm.batches, bm.batch_size), (20, 20));
        assert_eq!(bm.mean, 1.0);
        assert_eq!(bm.half_width, 0.0);
        assert_eq!(batch_means(&x[..9], 5, 0.0), None);
        assert_eq!(lag1_autocorrelation(&[1.0, 2.0]), -0.5);
    }

    #[test]
    fn a_run_short_for_its_load_is_flagged() {
        // 425 completions: 106 spans of 4 at no load, but 0.27 of a span of 1,600 at
        // u = 0.95, and none at all at u = 1.
        let x: Vec<f64> = (0..85).map(|i| f64::from(i % 2)).collect();
        assert!(!batch_means(&x, 5, 0.0).unwrap().correlated);
        let b = batch_means(&x, 5, 0.95).unwrap();
        assert!(
            b.correlated && (b.spans - 425.0 / 1600.0).abs() < 1e-9,
            "{b:?}"
        );
        assert!(batch_means(&x, 5, 1.0).unwrap().correlated);
        assert_eq!(peak_load([0.3, f64::NAN, 0.9, 0.5]), 0.9);
        assert_eq!(peak_load([]), 0.0);
    }

    /// Response times of `n` customers of M/M/1 at utilisation `rho` (service rate 1, so the
    /// mean is 1 / (1 - rho)) after `warm` discarded ones, by Lindley's recursion, in blocks
    /// of 5, and the measured utilisation.
    fn mm1_blocks(rho: f64, n: usize, warm: usize, seed: u64) -> (Vec<f64>, f64) {
        let u = uniform(2 * (n + warm), seed);
        let exp = |x: f64| -(1.0 - x).ln();
        let (mut wait, mut busy, mut time) = (0.0f64, 0.0, 0.0);
        let mut blocks = Vec::with_capacity(n / 5);
        let mut sum = 0.0;
        for i in 0..n + warm {
            let service = exp(u[2 * i]);
            let gap = exp(u[2 * i + 1]) / rho;
            let response = wait + service;
            wait = (response - gap).max(0.0);
            if i >= warm {
                busy += service;
                time += gap;
                sum += response;
                if (i - warm) % 5 == 4 {
                    blocks.push(sum / 5.0);
                    sum = 0.0;
                }
            }
        }
        (blocks, (busy / time).min(1.0))
    }

    #[test]
    fn m_m_1_at_rho_095_intervals_not_flagged_cover_the_mean() {
        // Issue 19: at rho = 0.95 (W = 20) the lag-1 rule alone left intervals that covered W
        // in 77 % of 20 s runs. Here, 19,000 customers (20 s at 950/s): every interval is
        // flagged, as the run holds about 12 spans of 1,600 (fewer than 50 at any seed). And 200 runs of 400,000 customers
        // (about 250 spans): 195 are not flagged, and 176 of those cover W (90.3 %; batch means
        // at this length cover about 92 % in expectation, a little short of 95 % because
        // a run's mean and its spread rise and fall together with its busy periods).
        for seed in 1..=50 {
            let (blocks, load) = mm1_blocks(0.95, 19_000, 2_000, seed);
            let b = batch_means(&blocks, 5, load).unwrap();
            assert!(b.correlated && b.spans < 50.0, "{b:?}");
        }
        let (mut kept, mut covered) = (0, 0);
        for seed in 1..=200 {
            let (blocks, load) = mm1_blocks(0.95, 400_000, 2_000, 1000 + seed);
            let b = batch_means(&blocks, 5, load).unwrap();
            if !b.correlated {
                kept += 1;
                covered += u32::from((b.mean - 20.0).abs() <= b.half_width);
            }
        }
        assert!(kept >= 150, "only {kept} of 200 intervals not flagged");
        assert!(
            f64::from(covered) >= 0.9 * f64::from(kept),
            "{covered} of {kept} cover"
        );
    }
}
