//! Reproducible noise for the estimator tests (MSER, batch means): a 64-bit LCG, not one of
//! the simulation's named streams, so a test's data never changes with the engine's RNG.

/// `n` draws in [0, 1) from `seed`: the top 53 bits of a 64-bit LCG (Knuth's MMIX constants).
pub fn uniform(n: usize, seed: u64) -> Vec<f64> {
    let mut s = seed;
    (0..n)
        .map(|_| {
            s = s
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (s >> 11) as f64 / (1u64 << 53) as f64
        })
        .collect()
}

/// [`uniform`] centred on 0: `n` draws in [-0.5, 0.5).
pub fn noise(n: usize, seed: u64) -> Vec<f64> {
    uniform(n, seed).into_iter().map(|u| u - 0.5).collect()
}
