//! Named random streams derived from one master seed.
//!
//! `RngStreams::stream("workload/arrivals")` seeds a generator from a stable mix of the master
//! seed and the label: FNV-1a over the label's bytes, combined with the seed and expanded by
//! SplitMix64 into the generator's 256-bit state. The derivation depends on nothing but
//! (seed, label), so adding a component (a new label) never changes another component's draws,
//! and two topologies fed the same workload see the same arrivals: common random numbers.
//!
//! The generator is Xoshiro256++ (a named, fixed algorithm; never `StdRng`, whose algorithm may
//! change between releases of `rand`).

use rand::SeedableRng;
use rand::rngs::Xoshiro256PlusPlus;

/// The generator behind every stream.
pub type StreamRng = Xoshiro256PlusPlus;

/// Derives per-component random streams from a master seed.
#[derive(Clone, Debug)]
pub struct RngStreams {
    master: u64,
}

impl RngStreams {
    /// Streams for master seed `master`.
    pub fn new(master: u64) -> Self {
        RngStreams { master }
    }
    /// The master seed.
    pub fn master(&self) -> u64 {
        self.master
    }
    /// A fresh generator for `label`; the same (seed, label) always gives the same sequence.
    pub fn stream(&self, label: &str) -> StreamRng {
        let mut state = self.master ^ fnv1a(label.as_bytes()).rotate_left(17);
        let mut seed = [0u8; 32];
        for chunk in seed.chunks_exact_mut(8) {
            chunk.copy_from_slice(&splitmix64(&mut state).to_le_bytes());
        }
        StreamRng::from_seed(seed)
    }
}

/// FNV-1a, 64-bit: a stable hash of the label (unlike `DefaultHasher`, fixed forever).
fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// SplitMix64 step (Steele, Lea, Flood 2014): turns a counter into well-mixed 64-bit words.
fn splitmix64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::Rng;

    #[test]
    fn fnv1a_matches_the_reference_vector() {
        // FNV-1a 64 of "a" is 0xaf63dc4c8601ec8c (reference test vector).
        assert_eq!(fnv1a(b"a"), 0xaf63_dc4c_8601_ec8c);
    }

    #[test]
    fn same_label_same_draws_other_label_other_draws() {
        let s = RngStreams::new(7);
        let a1: Vec<u64> = (0..4)
            .map({
                let mut r = s.stream("a");
                move |_| r.next_u64()
            })
            .collect();
        let a2: Vec<u64> = (0..4)
            .map({
                let mut r = s.stream("a");
                move |_| r.next_u64()
            })
            .collect();
        let b: Vec<u64> = (0..4)
            .map({
                let mut r = s.stream("b");
                move |_| r.next_u64()
            })
            .collect();
        assert_eq!(a1, a2);
        assert_ne!(a1, b);
    }
}
