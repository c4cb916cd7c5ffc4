//! The fingerprint of a run's event trajectory: a hash over every event in the order it ran.
//!
//! Two runs that handle the same events at the same instants in the same order have the same
//! hash; the first event where they differ changes it and every hash after it. The hash is
//! FNV-1a (64 bit) over each event's time and its `Hash` bytes (little-endian, so the same on
//! every platform), chained through all events. Every [`Trajectory::every`] events a
//! checkpoint (event count, time, hash so far) is kept, so two runs can be compared window by
//! window and the first differing event found by replaying only the window where the
//! checkpoints part.

use std::hash::{Hash, Hasher};

use super::SimTime;

/// FNV-1a over the bytes `Hash` writes, integers little-endian.
#[derive(Clone, Copy, Debug)]
pub struct Fnv1a(u64);

impl Fnv1a {
    const OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
    const PRIME: u64 = 0x0000_0100_0000_01b3;

    /// A hasher continuing from `state` (the offset basis for a fresh one).
    pub fn from_state(state: u64) -> Self {
        Fnv1a(state)
    }
}

impl Default for Fnv1a {
    fn default() -> Self {
        Fnv1a(Self::OFFSET)
    }
}

impl Hasher for Fnv1a {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 ^ u64::from(b)).wrapping_mul(Self::PRIME);
        }
    }
    fn write_u8(&mut self, i: u8) {
        self.write(&[i]);
    }
    fn write_u16(&mut self, i: u16) {
        self.write(&i.to_le_bytes());
    }
    fn write_u32(&mut self, i: u32) {
        self.write(&i.to_le_bytes());
    }
    fn write_u64(&mut self, i: u64) {
        self.write(&i.to_le_bytes());
    }
    fn write_usize(&mut self, i: usize) {
        self.write_u64(i as u64);
    }
    fn write_isize(&mut self, i: isize) {
        self.write_u64(i as u64);
    }
}

/// A checkpoint: after `events` events, the last at `at`, the hash was `hash`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Checkpoint {
    /// Events handled so far.
    pub events: u64,
    /// Time of the last of them.
    pub at: SimTime,
    /// Hash over all of them.
    pub hash: u64,
}

/// The running fingerprint of a trajectory.
#[derive(Clone, Debug)]
pub struct Trajectory {
    /// Events folded in so far.
    pub events: u64,
    /// Time of the last one.
    pub last_at: SimTime,
    hash: Fnv1a,
    /// One checkpoint per `every` events.
    pub checkpoints: Vec<Checkpoint>,
    /// Events between checkpoints.
    pub every: u64,
}

impl Trajectory {
    /// Events between checkpoints by default: a 13-million-event run keeps about 200.
    pub const EVERY: u64 = 1 << 16;

    /// An empty trajectory with a checkpoint every `every` events (at least 1).
    pub fn new(every: u64) -> Self {
        Trajectory {
            events: 0,
            last_at: SimTime::ZERO,
            hash: Fnv1a::default(),
            checkpoints: Vec::new(),
            every: every.max(1),
        }
    }

    /// Folds in one event handled at `at`.
    pub fn observe<E: Hash>(&mut self, at: SimTime, event: &E) {
        at.0.hash(&mut self.hash);
        event.hash(&mut self.hash);
        self.events += 1;
        self.last_at = at;
        if self.events.is_multiple_of(self.every) {
            self.checkpoints.push(self.checkpoint());
        }
    }

    /// The hash over every event so far.
    pub fn hash(&self) -> u64 {
        self.hash.finish()
    }

    /// The state now, as a checkpoint.
    pub fn checkpoint(&self) -> Checkpoint {
        Checkpoint {
            events: self.events,
            at: self.last_at,
            hash: self.hash(),
        }
    }
}

/// Where two trajectories, summarised by their checkpoints and final states, first part.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Parting {
    /// Same events, same hash.
    Identical,
    /// They agree up to event `after` (a checkpoint both have, 0 for the start) and differ
    /// at some event up to `before` (the next checkpoint, or the shorter run's end).
    Within {
        /// Last event count at which both hashes agree.
        after: u64,
        /// First event count at which they are known to differ.
        before: u64,
    },
}

/// Compares two trajectories by their checkpoints (`every` must match) and final states.
pub fn parting(
    a: &[Checkpoint],
    a_end: Checkpoint,
    b: &[Checkpoint],
    b_end: Checkpoint,
) -> Parting {
    if a_end == b_end {
        return Parting::Identical;
    }
    let mut after = 0;
    for (x, y) in a.iter().zip(b) {
        if x != y {
            return Parting::Within {
                after,
                before: x.events,
            };
        }
        after = x.events;
    }
    Parting::Within {
        after,
        before: a_end.events.min(b_end.events).max(after + 1),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(events: &[(u64, u32)], every: u64) -> Trajectory {
        let mut t = Trajectory::new(every);
        for &(at, e) in events {
            t.observe(SimTime(at), &e);
        }
        t
    }

    #[test]
    fn fnv1a_matches_the_published_test_vector() {
        let mut h = Fnv1a::default();
        h.write(b"a");
        assert_eq!(h.finish(), 0xaf63_dc4c_8601_ec8c);
    }

    #[test]
    fn the_hash_sees_order_time_and_payload() {
        let base = run(&[(1, 1), (2, 2), (3, 3)], 1);
        assert_eq!(base.hash(), run(&[(1, 1), (2, 2), (3, 3)], 1).hash());
        assert_ne!(base.hash(), run(&[(1, 2), (2, 1), (3, 3)], 1).hash());
        assert_ne!(base.hash(), run(&[(1, 1), (2, 2), (4, 3)], 1).hash());
        assert_ne!(base.hash(), run(&[(1, 1), (2, 2), (3, 4)], 1).hash());
        assert_eq!(base.checkpoints.len(), 3);
    }

    #[test]
    fn parting_names_the_window_of_the_first_difference() {
        let a: Vec<(u64, u32)> = (0..100).map(|i| (i, 7)).collect();
        let mut b = a.clone();
        b[57].1 = 8;
        let (ta, tb) = (run(&a, 10), run(&b, 10));
        assert_eq!(
            parting(
                &ta.checkpoints,
                ta.checkpoint(),
                &tb.checkpoints,
                tb.checkpoint()
            ),
            Parting::Within {
                after: 50,
                before: 60
            }
        );
        assert_eq!(
            parting(
                &ta.checkpoints,
                ta.checkpoint(),
                &ta.checkpoints,
                ta.checkpoint()
            ),
            Parting::Identical
        );
        // A run that stops early differs after its last event.
        let tc = run(&a[..95], 10);
        assert_eq!(
            parting(
                &ta.checkpoints,
                ta.checkpoint(),
                &tc.checkpoints,
                tc.checkpoint()
            ),
            Parting::Within {
                after: 90,
                before: 95
            }
        );
    }
}
