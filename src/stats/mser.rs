//! Warm-up diagnosis: MSER-5 on completion-ordered response times.
//!
//! The run's response times, in the order their requests completed, are kept as the means of
//! consecutive blocks of 5 (MSER-5, White 1997; Franklin and White 2008). For a cut-off of
//! `d` blocks, the statistic is
//!
//! ```text
//!   MSER(d) = sum_{j > d} (Z_j - mean(Z_{d+1..b}))^2 / (b - d)^2
//! ```
//!
//! the variance of the truncated sample's mean, up to a constant, and it grows when deleting
//! fewer blocks leaves a transient in or when deleting more leaves too few. The truncation
//! point is the `d` minimising it over the first half of the blocks (`0 <= d <= b / 2`; a
//! minimum at the very end of the allowed range is a sign the run is too short, but still
//! the best cut-off this run supports). Ties go to the smallest `d`.
//!
//! Memory: one block sum (`f64`) and one block end time (`u64`) per 5 completions, 3.2 bytes
//! per completion. At [`MAX_BLOCKS`] blocks (655,360 completions, 2 MiB) neighbouring blocks
//! merge in pairs and the block size doubles (MSER-10, MSER-20, ...), so memory stays flat
//! however long the run; the block size used is reported. The cap is low enough that a run of
//! a million requests already reaches it (a run ten times longer then holds the same memory),
//! and high enough that MSER and the batch means still see 65,536 to 131,072 blocks.

/// Completions per block at the start of a run (MSER-5).
pub const BLOCK: u64 = 5;
/// Blocks kept before neighbours merge and the block size doubles.
pub const MAX_BLOCKS: usize = 1 << 17;
/// Fewest blocks for a diagnosis (50 completions at MSER-5).
pub const MIN_BLOCKS: usize = 10;

/// Completion-ordered response times of a whole run, in blocks.
#[derive(Debug, Clone)]
pub struct CompletionBlocks {
    block: u64,
    partial_sum: f64,
    partial_n: u64,
    sums: Vec<f64>,
    ends_ns: Vec<u64>,
}

impl Default for CompletionBlocks {
    fn default() -> Self {
        CompletionBlocks {
            block: BLOCK,
            partial_sum: 0.0,
            partial_n: 0,
            sums: Vec::new(),
            ends_ns: Vec::new(),
        }
    }
}

impl CompletionBlocks {
    /// A request completed at `now_ns` after `latency_ms`.
    pub fn push(&mut self, latency_ms: f64, now_ns: u64) {
        self.partial_sum += latency_ms;
        self.partial_n += 1;
        if self.partial_n == self.block {
            if self.sums.len() == MAX_BLOCKS {
                // The block being filled becomes the first half of a block of the new size.
                self.merge_pairs();
                return;
            }
            self.sums.push(self.partial_sum);
            self.ends_ns.push(now_ns);
            self.partial_sum = 0.0;
            self.partial_n = 0;
        }
    }

    /// Halves the number of blocks: each pair becomes one block of twice the size.
    fn merge_pairs(&mut self) {
        let half = self.sums.len() / 2;
        for i in 0..half {
            self.sums[i] = self.sums[2 * i] + self.sums[2 * i + 1];
            self.ends_ns[i] = self.ends_ns[2 * i + 1];
        }
        self.sums.truncate(half);
        self.ends_ns.truncate(half);
        self.block *= 2;
    }

    /// Completions per block.
    pub fn block(&self) -> u64 {
        self.block
    }
    /// Complete blocks.
    pub fn len(&self) -> usize {
        self.sums.len()
    }
    /// True before the first block is complete.
    pub fn is_empty(&self) -> bool {
        self.sums.is_empty()
    }
    /// Mean response time of each complete block [ms].
    pub fn means(&self) -> Vec<f64> {
        let n = self.block as f64;
        self.sums.iter().map(|s| s / n).collect()
    }
    /// Completion time of the last request of block `i` [ns].
    pub fn end_ns(&self, i: usize) -> u64 {
        self.ends_ns[i]
    }
}

/// The MSER truncation point of `means` (block means in completion order): the number of
/// leading blocks to delete, and the statistic there. `None` for fewer than two blocks.
pub fn mser_cutoff(means: &[f64]) -> Option<(usize, f64)> {
    let b = means.len();
    if b < 2 {
        return None;
    }
    // Welford's running mean and sum of squares, adding blocks from the end, so the
    // statistic for every d comes in one pass.
    let (mut n, mut mean, mut m2) = (0.0f64, 0.0f64, 0.0f64);
    let mut best: Option<(usize, f64)> = None;
    for d in (0..b).rev() {
        let x = means[d];
        n += 1.0;
        let delta = x - mean;
        mean += delta / n;
        m2 += delta * (x - mean);
        // Blocks d.. are kept.
        if d <= b / 2 {
            let stat = m2 / (n * n);
            // `<=` while d falls: ties go to the smallest cut-off.
            if best.is_none_or(|(_, s)| stat <= s) {
                best = Some((d, stat));
            }
        }
    }
    best
}

/// What MSER found in one run.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Mser {
    /// Completions per block (5 unless the run was long enough for blocks to merge).
    pub block: u64,
    /// Complete blocks examined.
    pub blocks: u64,
    /// Completions before the truncation point.
    pub cutoff_requests: u64,
    /// Virtual time of the last completion before the truncation point [s] (0 for none).
    pub cutoff_s: f64,
    /// Completions during the configured warm-up.
    pub warmup_completions: u64,
    /// The truncation point lies past the configured warm-up.
    pub past_warmup: bool,
    /// A warm-up covering the truncation point: its time rounded up to a whole second [s];
    /// only when `past_warmup`.
    pub suggested_warmup_s: Option<f64>,
}

/// MSER on a run's completion blocks, against a configured warm-up that took the first
/// `warmup_completions` completions. `None` below [`MIN_BLOCKS`] blocks.
pub fn diagnose(blocks: &CompletionBlocks, warmup_completions: u64) -> Option<Mser> {
    if blocks.len() < MIN_BLOCKS {
        return None;
    }
    let (d, _) = mser_cutoff(&blocks.means())?;
    let cutoff_requests = d as u64 * blocks.block();
    let cutoff_ns = if d == 0 { 0 } else { blocks.end_ns(d - 1) };
    let past_warmup = cutoff_requests > warmup_completions;
    Some(Mser {
        block: blocks.block(),
        blocks: blocks.len() as u64,
        cutoff_requests,
        cutoff_s: cutoff_ns as f64 / 1e9,
        warmup_completions,
        past_warmup,
        suggested_warmup_s: past_warmup.then(|| cutoff_ns.div_ceil(1_000_000_000) as f64),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::test_noise::noise;

    #[test]
    fn a_flat_sequence_needs_no_truncation() {
        let x: Vec<f64> = noise(400, 3).iter().map(|e| 10.0 + e).collect();
        let (d, _) = mser_cutoff(&x).unwrap();
        // Pure noise: MSER deletes little (it may trim a chance excursion, never a long run).
        assert!(d < 40, "cut {d} of 400 blocks of noise");
    }

    #[test]
    fn a_known_transient_is_cut_where_it_ends() {
        // 100 blocks rising linearly from 0 to 10, then 900 at 10 plus noise of amplitude 1:
        // the cut-off lies at the end of the ramp, within a few blocks.
        let e = noise(1000, 7);
        let x: Vec<f64> = (0..1000)
            .map(|i| if i < 100 { i as f64 / 10.0 } else { 10.0 } + e[i])
            .collect();
        let (d, _) = mser_cutoff(&x).unwrap();
        assert!((85..=110).contains(&d), "cut at {d}, the ramp ends at 100");
    }

    #[test]
    fn the_cutoff_is_searched_over_the_first_half_only() {
        // A ramp down over the first 80 of 100 blocks: the best cut overall is 80 (where the
        // kept blocks are constant), but only the first half is searched, and the best there
        // is its end (MSER(50) = 2.0522 < MSER(49) = 2.1500 < ... < MSER(0) = 6.8904).
        let x: Vec<f64> = (0..100).map(|i| f64::from((80 - i).max(0))).collect();
        let (d, stat) = mser_cutoff(&x).unwrap();
        assert_eq!(d, 50);
        assert!((stat - 2.0522).abs() < 1e-9, "{stat}");
        // A constant sequence: every cut-off ties at 0; the smallest wins.
        assert_eq!(mser_cutoff(&[2.0; 20]).unwrap(), (0, 0.0));
        assert_eq!(mser_cutoff(&[1.0]), None);
    }

    #[test]
    fn blocks_are_means_of_five_and_merge_at_the_cap() {
        let mut b = CompletionBlocks::default();
        for i in 0..12u64 {
            b.push(i as f64, 100 * i);
        }
        // Two complete blocks (0..5, 5..10), two completions pending.
        assert_eq!(b.means(), vec![2.0, 7.0]);
        assert_eq!((b.end_ns(0), b.end_ns(1)), (400, 900));
        b.sums = vec![1.0; MAX_BLOCKS];
        b.ends_ns = (0..MAX_BLOCKS as u64).collect();
        // The pending two plus three more would fill a block of 5: the full vector merges
        // instead, and the block being filled goes on to 10 completions.
        for _ in 0..3 {
            b.push(1.0, 7);
        }
        assert_eq!(b.block(), 10);
        assert_eq!(b.len(), MAX_BLOCKS / 2);
        assert_eq!(b.end_ns(0), 1);
        assert_eq!(b.sums[0], 2.0);
        for _ in 0..5 {
            b.push(1.0, 8);
        }
        // 10 + 11 + 8 x 1.
        assert_eq!(b.len(), MAX_BLOCKS / 2 + 1);
        assert_eq!(b.sums[MAX_BLOCKS / 2], 29.0);
        assert_eq!(b.end_ns(MAX_BLOCKS / 2), 8);
    }

    #[test]
    fn diagnosis_compares_with_the_configured_warmup_and_rounds_up() {
        // 20 blocks of 5 at a high level then 180 low, one completion every 10 ms.
        let mut b = CompletionBlocks::default();
        let e = noise(1000, 11);
        for (i, e) in e.iter().enumerate() {
            let level = if i < 100 { 50.0 } else { 1.0 };
            b.push(level + e, (i as u64 + 1) * 10_000_000);
        }
        let m = diagnose(&b, 0).unwrap();
        assert_eq!(m.cutoff_requests, 100);
        // The 100th completion is at 1.000 s: the suggestion rounds up to 1 s, not 2.
        assert!((m.cutoff_s - 1.0).abs() < 1e-12);
        assert!(m.past_warmup);
        assert_eq!(m.suggested_warmup_s, Some(1.0));
        // A configured warm-up covering the transient: no warning.
        let m = diagnose(&b, 150).unwrap();
        assert!(!m.past_warmup && m.suggested_warmup_s.is_none());
        // Too short a run: no diagnosis.
        let mut short = CompletionBlocks::default();
        for i in 0..49 {
            short.push(1.0, i);
        }
        assert_eq!(diagnose(&short, 0), None);
    }
}
