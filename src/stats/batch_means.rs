//! Batch means: a confidence interval for the mean response time from one long run.
//!
//! Response times inside one run are autocorrelated, so the naive per-request interval is far
//! too narrow. Grouped into a few long batches, their batch means are nearly independent and
//! nearly normal, and Student's t applies to them (Law and Kelton, ch. 9.5.3).
//!
//! The rule: the measured completions (those after the warm-up, in completion order, in the
//! run's blocks of 5 (see `mser`); the part of a block straddling the end of the warm-up is
//! left out) are split into [`START_BATCHES`] batches of equal size (as many batches as blocks
//! below 40 blocks), the leftover blocks being dropped from the start of the window. While the
//! lag-1 autocorrelation of the batch means exceeds [`MAX_LAG1`] and halving the number of
//! batches leaves at least [`MIN_BATCHES`], the number of batches halves and their size
//! doubles (40, 20, then 10 batches). The interval is `mean ± t(0.975, b - 1) s / sqrt(b)` over the `b` batch
//! means. If the autocorrelation is still above the threshold at 10 batches, the result says
//! so: the batches are too short for the interval to be trusted and the run should be longer.

use super::student_t::t_quantile;

/// Batches to start from.
pub const START_BATCHES: usize = 40;
/// Fewest batches: the rule stops doubling the batch size here.
pub const MIN_BATCHES: usize = 10;
/// Lag-1 autocorrelation of the batch means above which the batch size doubles.
pub const MAX_LAG1: f64 = 0.2;

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
    /// The lag-1 autocorrelation is still above [`MAX_LAG1`] at the fewest batches allowed:
    /// the interval is likely too narrow.
    pub correlated: bool,
}

/// The batch-means interval of `blocks`, consecutive means of `block` completions each.
/// `None` with fewer than [`MIN_BATCHES`] blocks.
pub fn batch_means(blocks: &[f64], block: u64) -> Option<BatchMeans> {
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
        return Some(BatchMeans {
            mean,
            half_width: t * (var / n).sqrt(),
            batches: b as u64,
            batch_size: per as u64 * block,
            lag1,
            correlated: lag1 > MAX_LAG1,
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
        let mut kept_40 = 0;
        let mut lag_sum = 0.0;
        for seed in 0..200 {
            let x = uniform(4_000, seed * 7919 + 1);
            let bm = batch_means(&x, 5).unwrap();
            // 40 batches unless their lag-1 exceeds 0.2 by chance (sd about 1 / sqrt(40)).
            assert!([40, 20, 10].contains(&bm.batches), "{bm:?}");
            assert_eq!(bm.batches * bm.batch_size, 4_000 * 5);
            kept_40 += u32::from(bm.batches == 40);
            lag_sum += bm.lag1;
            if (bm.mean - 0.5).abs() <= bm.half_width {
                covered += 1;
            }
            // Half-width at 40 batches: t(0.975, 39) x sd(U) / sqrt(4000) = 2.0227 x 0.288675
            // / 63.246, give or take the sd's sampling error (about 11 % at 39 df).
            if bm.batches == 40 {
                assert!((bm.half_width / 0.009_232 - 1.0).abs() < 0.45, "{bm:?}");
            }
        }
        assert!((178..=199).contains(&covered), "covered {covered} of 200");
        // P(lag-1 of 40 iid means > 0.2) is about 0.1: most experiments keep 40 batches.
        assert!(kept_40 >= 150, "{kept_40} of 200 kept 40 batches");
        // Mean lag-1 of 40 iid batch means is -1/40 in expectation; the mean of 200 has sd
        // about 0.011.
        let lag = lag_sum / 200.0;
        assert!((lag + 0.025).abs() < 0.05, "mean lag-1 {lag}");
    }

    #[test]
    fn correlated_data_doubles_the_batch_size() {
        // A slow AR(1) (phi = 0.999) over 4,000 blocks: batch means of 100 blocks stay
        // correlated, so the rule halves to 10 batches and says it is still correlated.
        let e = uniform(4_000, 5);
        let mut x = Vec::with_capacity(e.len());
        let mut v = 0.0;
        for u in e {
            v = 0.999 * v + (u - 0.5);
            x.push(v);
        }
        let bm = batch_means(&x, 5).unwrap();
        assert_eq!(bm.batches, 10);
        assert_eq!(bm.batch_size, 400 * 5);
        assert!(bm.correlated && bm.lag1 > MAX_LAG1, "{bm:?}");
    }

    #[test]
    fn leftover_blocks_are_dropped_from_the_start() {
        // 85 blocks: 40 batches of two blocks, the first 5 dropped.
        let x: Vec<f64> = (0..85).map(|i| if i < 5 { 100.0 } else { 1.0 }).collect();
        let bm = batch_means(&x, 5).unwrap();
        assert_eq!((bm.batches, bm.batch_size), (40, 10));
        assert_eq!(bm.mean, 1.0);
        assert_eq!(bm.half_width, 0.0);
        assert_eq!(batch_means(&x[..9], 5), None);
        assert_eq!(lag1_autocorrelation(&[1.0, 2.0]), -0.5);
    }
}
