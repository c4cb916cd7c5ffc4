//! The pending-event set, ordered by (time, insertion sequence), with cancellable keys.
//!
//! Contract: events pop in increasing time; events scheduled for the same instant pop in the
//! order they were scheduled (first scheduled, first delivered). The sequence number is a
//! `u64` counter, so the tie-break never depends on the payload or on memory addresses.
//!
//! Every push returns an [`ActionKey`] (NeXosim's name): a slot and a generation. A key whose
//! event has fired or been cancelled is stale: its slot's generation has moved on, and
//! `cancel` returns false.
//!
//! Layout, chosen for a clock that only moves forward:
//! - **Cancellation by generation.** `cancel` is O(1): it marks the slot cancelled and bumps
//!   its generation; the entry stays where it is and is dropped when it reaches the front. The
//!   slot is reused only after its entry has left the queue, so a stale entry can never be
//!   mistaken for a newer event of the same slot. Cancelled entries that pile up (long
//!   timers cancelled early) are swept out whenever they outnumber the live ones, so memory
//!   stays within twice the live set.
//! - **A FIFO lane for "now".** An event pushed for the instant of the last pop (a zero
//!   delay) goes to a plain FIFO instead of the heap: every such event has the current time
//!   and a larger sequence than anything already queued for it in the lane, so the lane is
//!   sorted by construction. `pop` takes the lane's front or the heap's top, whichever is
//!   first in (time, sequence).
//! - **A binary heap** of (time, sequence, slot) for everything later.
//!
//! Pop order depends only on (time, sequence), so it is the same as any other correct queue's,
//! and the same as the indexed heap this replaced. No allocation once the heap, the lane and
//! the slot table have grown to the run's largest pending set.

use std::collections::{BinaryHeap, VecDeque};

use super::SimTime;

/// An event waiting to run.
#[derive(Debug)]
pub struct Scheduled<E> {
    /// When it runs.
    pub at: SimTime,
    /// Insertion sequence: the tie-break between events at the same instant.
    pub seq: u64,
    /// The model's payload.
    pub event: E,
}

/// Names one scheduled event so that it can be cancelled before it fires. `#[must_use]`
/// (NeXosim's `ActionKey` is too): dropping one is a decision, written as a call to an
/// unkeyed scheduling method, so that any event a fault may have to cancel has its key kept.
#[must_use = "keep the key where a failure can cancel the event, or schedule it unkeyed"]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ActionKey {
    slot: u32,
    generation: u32,
}

#[derive(Debug)]
struct Entry<E> {
    at: SimTime,
    seq: u64,
    slot: u32,
    event: E,
}

impl<E> Entry<E> {
    #[inline]
    fn before(&self, other: &Self) -> bool {
        (self.at, self.seq) < (other.at, other.seq)
    }
}

/// What a slot's entry is doing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    /// No entry: on the free list.
    Free,
    /// Its entry is queued and will be delivered.
    Pending,
    /// Its entry is queued but was cancelled: it is dropped when it reaches the front.
    Cancelled,
}

#[derive(Clone, Copy, Debug)]
struct Slot {
    generation: u32,
    state: State,
}

/// Pending events ordered by (time, insertion sequence).
#[derive(Debug)]
pub struct EventQueue<E> {
    heap: BinaryHeap<Entry<E>>,
    /// Events for the instant `lane_at`, in sequence order.
    lane: VecDeque<Entry<E>>,
    /// The time of the last pop: a push for this instant joins the lane.
    lane_at: SimTime,
    slots: Vec<Slot>,
    free_slots: Vec<u32>,
    next_seq: u64,
    /// Entries in the heap or the lane whose slot is `Cancelled`.
    cancelled: usize,
}

impl<E> PartialEq for Entry<E> {
    fn eq(&self, other: &Self) -> bool {
        (self.at, self.seq) == (other.at, other.seq)
    }
}
impl<E> Eq for Entry<E> {}
impl<E> PartialOrd for Entry<E> {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
/// Reversed, so that `BinaryHeap` (a max-heap) keeps the earliest (time, sequence) on top.
impl<E> Ord for Entry<E> {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        (other.at, other.seq).cmp(&(self.at, self.seq))
    }
}

/// Fewer cancelled entries than this are never swept: a sweep is O(n), and a few stale
/// entries cost less than sweeping them.
const SWEEP_FLOOR: usize = 1024;

impl<E> Default for EventQueue<E> {
    fn default() -> Self {
        Self::new()
    }
}

impl<E> EventQueue<E> {
    /// An empty queue.
    pub fn new() -> Self {
        EventQueue {
            heap: BinaryHeap::with_capacity(1024),
            lane: VecDeque::with_capacity(64),
            lane_at: SimTime::ZERO,
            slots: Vec::with_capacity(1024),
            free_slots: Vec::new(),
            next_seq: 0,
            cancelled: 0,
        }
    }

    /// Adds `event` to run at `at`, after every event already scheduled for `at`.
    pub fn push(&mut self, at: SimTime, event: E) -> ActionKey {
        let seq = self.next_seq;
        self.next_seq += 1;
        let slot = match self.free_slots.pop() {
            Some(s) => s,
            None => {
                self.slots.push(Slot {
                    generation: 0,
                    state: State::Free,
                });
                u32::try_from(self.slots.len() - 1).expect("fewer than 2^32 pending events")
            }
        };
        let s = &mut self.slots[slot as usize];
        debug_assert_eq!(s.state, State::Free);
        s.state = State::Pending;
        let key = ActionKey {
            slot,
            generation: s.generation,
        };
        let entry = Entry {
            at,
            seq,
            slot,
            event,
        };
        // The lane holds one instant only, in sequence order: a push for the instant of the
        // last pop joins it unless it still holds another instant's events.
        if at == self.lane_at && self.lane.back().is_none_or(|b| b.at == at) {
            self.lane.push_back(entry);
        } else {
            self.heap.push(entry);
        }
        key
    }

    /// Removes and returns the earliest event (ties: first scheduled).
    pub fn pop(&mut self) -> Option<Scheduled<E>> {
        self.pop_until(SimTime::MAX)
    }

    /// Removes and returns the earliest event if it runs no later than `until`; leaves the
    /// queue as it is (cancelled entries aside) otherwise. One look at the front, where
    /// `peek_time` then `pop` would take two.
    pub fn pop_until(&mut self, until: SimTime) -> Option<Scheduled<E>> {
        if self.peek_time()? > until {
            return None;
        }
        let e = if self.front_is_lane()? {
            self.lane.pop_front()
        } else {
            self.heap.pop()
        }
        .expect("the front side is non-empty");
        let slot = &mut self.slots[e.slot as usize];
        debug_assert_eq!(
            slot.state,
            State::Pending,
            "peek_time dropped the cancelled"
        );
        slot.state = State::Free;
        slot.generation = slot.generation.wrapping_add(1);
        self.free_slots.push(e.slot);
        self.lane_at = e.at;
        Some(Scheduled {
            at: e.at,
            seq: e.seq,
            event: e.event,
        })
    }

    /// Which side holds the earliest entry: `Some(true)` the lane, `Some(false)` the heap.
    #[inline]
    fn front_is_lane(&self) -> Option<bool> {
        match (self.lane.front(), self.heap.peek()) {
            (Some(l), Some(h)) => Some(l.before(h)),
            (Some(_), None) => Some(true),
            (None, Some(_)) => Some(false),
            (None, None) => None,
        }
    }

    /// Cancels the event `key` names. Returns true if it was pending (it will not be
    /// delivered), false if it has already fired or been cancelled.
    pub fn cancel(&mut self, key: ActionKey) -> bool {
        let Some(slot) = self.slots.get_mut(key.slot as usize) else {
            return false;
        };
        if slot.generation != key.generation || slot.state != State::Pending {
            return false;
        }
        slot.state = State::Cancelled;
        slot.generation = slot.generation.wrapping_add(1);
        self.cancelled += 1;
        if self.cancelled > SWEEP_FLOOR && 2 * self.cancelled > self.heap.len() + self.lane.len() {
            self.sweep();
        }
        true
    }

    /// True if the event `key` names is still pending.
    pub fn is_pending(&self, key: ActionKey) -> bool {
        self.slots
            .get(key.slot as usize)
            .is_some_and(|s| s.generation == key.generation && s.state == State::Pending)
    }

    /// The time of the earliest event, if any. Drops cancelled entries at the front on the way.
    pub fn peek_time(&mut self) -> Option<SimTime> {
        loop {
            let from_lane = self.front_is_lane()?;
            let front = if from_lane {
                self.lane.front()
            } else {
                self.heap.peek()
            }
            .expect("the chosen side is non-empty");
            let slot = front.slot as usize;
            if self.slots[slot].state == State::Pending {
                return Some(front.at);
            }
            if from_lane {
                self.lane.pop_front();
            } else {
                self.heap.pop();
            }
            self.slots[slot].state = State::Free;
            self.free_slots.push(slot as u32);
            self.cancelled -= 1;
        }
    }

    /// Number of pending events (cancelled ones not counted).
    pub fn len(&self) -> usize {
        self.heap.len() + self.lane.len() - self.cancelled
    }
    /// True when nothing is pending.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Drops every cancelled entry and frees its slot. O(n); run only when the cancelled
    /// entries outnumber the live ones, so its cost is amortised over the cancels.
    fn sweep(&mut self) {
        let slots = &mut self.slots;
        let free = &mut self.free_slots;
        let mut keep = |e: &Entry<E>| {
            let s = &mut slots[e.slot as usize];
            if s.state == State::Cancelled {
                s.state = State::Free;
                free.push(e.slot);
                false
            } else {
                true
            }
        };
        self.lane.retain(&mut keep);
        self.heap.retain(&mut keep);
        self.cancelled = 0;
    }
}
#[cfg(test)]
mod tests {
    use super::*;

    fn drain(q: &mut EventQueue<u32>) -> Vec<(u64, u32)> {
        std::iter::from_fn(|| q.pop().map(|s| (s.at.0, s.event))).collect()
    }

    #[test]
    fn ties_pop_first_scheduled_first() {
        let mut q = EventQueue::new();
        for (t, e) in [(10, 1), (5, 2), (10, 3), (5, 4), (0, 5), (10, 6)] {
            let _never_cancelled = q.push(SimTime(t), e);
        }
        assert_eq!(
            drain(&mut q),
            vec![(0, 5), (5, 2), (5, 4), (10, 1), (10, 3), (10, 6)]
        );
    }

    #[test]
    fn cancel_before_firing_removes_the_event() {
        let mut q = EventQueue::new();
        let a = q.push(SimTime(1), 1);
        let b = q.push(SimTime(2), 2);
        let c = q.push(SimTime(3), 3);
        assert!(q.is_pending(b));
        assert!(q.cancel(b));
        assert!(!q.is_pending(b));
        assert_eq!(q.len(), 2);
        assert!(!q.cancel(b), "cancelling twice");
        assert_eq!(drain(&mut q), vec![(1, 1), (3, 3)]);
        assert!(!q.cancel(a) && !q.cancel(c), "cancelling after firing");
    }

    #[test]
    fn a_stale_key_does_not_cancel_the_slots_next_event() {
        let mut q = EventQueue::new();
        let old = q.push(SimTime(1), 1);
        assert_eq!(q.pop().map(|s| s.event), Some(1));
        // The freed slot is reused by the next push; the old key must not reach it.
        let new = q.push(SimTime(2), 2);
        assert!(!q.cancel(old));
        assert!(q.is_pending(new));
        assert_eq!(drain(&mut q), vec![(2, 2)]);
    }

    #[test]
    fn random_cancellations_keep_the_order_of_the_rest() {
        // A deterministic pseudo-random schedule: push 2,000 events, cancel every third one,
        // and compare with a sorted reference.
        let mut q = EventQueue::new();
        let mut x: u64 = 12345;
        let mut keys = Vec::new();
        let mut expect = Vec::new();
        for e in 0..2000u32 {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let t = (x >> 33) % 100;
            keys.push((q.push(SimTime(t), e), t, e));
        }
        for (i, &(k, t, e)) in keys.iter().enumerate() {
            if i % 3 == 0 {
                assert!(q.cancel(k));
            } else {
                expect.push((t, i as u64, e));
            }
        }
        expect.sort();
        let want: Vec<(u64, u32)> = expect.iter().map(|&(t, _, e)| (t, e)).collect();
        assert_eq!(drain(&mut q), want);
    }

    #[test]
    fn the_lane_keeps_sequence_order_with_the_heap_at_the_same_instant() {
        // a and b were queued for t=5 before t=5 was "now" (heap); c is pushed at t=5 (lane)
        // after a has popped: b was scheduled first, so it runs before c.
        let mut q = EventQueue::new();
        let _ = q.push(SimTime(5), 'a');
        let _ = q.push(SimTime(5), 'b');
        let _ = q.push(SimTime(9), 'z');
        assert_eq!(q.pop().map(|s| s.event), Some('a'));
        let _ = q.push(SimTime(5), 'c');
        let _ = q.push(SimTime(5), 'd');
        let order: Vec<char> = std::iter::from_fn(|| q.pop().map(|s| s.event)).collect();
        assert_eq!(order, vec!['b', 'c', 'd', 'z']);
    }

    #[test]
    fn cancelled_entries_are_swept_so_memory_follows_the_live_set() {
        let mut q = EventQueue::new();
        let live = q.push(SimTime(1), 0u32);
        for i in 0..100_000u32 {
            let k = q.push(SimTime(1_000 + u64::from(i)), i);
            assert!(q.cancel(k));
            assert!(q.heap.len() + q.lane.len() <= 2 * (SWEEP_FLOOR + 1) + 1);
        }
        assert_eq!(q.len(), 1);
        assert!(q.is_pending(live));
        assert_eq!(drain(&mut q), vec![(1, 0)]);
        assert!(
            q.slots.len() <= 2 * (SWEEP_FLOOR + 2),
            "slots are reused after a sweep"
        );
    }

    /// A sorted-vector reference: the contract, written as plainly as possible.
    #[derive(Default)]
    struct Reference {
        pending: Vec<(u64, u64, u32)>,
        seq: u64,
    }

    #[test]
    fn matches_a_sorted_reference_on_random_schedules_with_cancellations() {
        for seed in 0..20u64 {
            let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
            let mut next = move || {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                x
            };
            let mut q = EventQueue::new();
            let mut r = Reference::default();
            let mut keys: Vec<(ActionKey, u64)> = Vec::new();
            let mut now = 0u64;
            for e in 0..5_000u32 {
                match next() % 10 {
                    // Push at now (the lane) or later (the heap), with many ties.
                    0..=4 => {
                        let at = now + [0, 0, 1, 7, 50][(next() % 5) as usize];
                        keys.push((q.push(SimTime(at), e), r.seq));
                        r.pending.push((at, r.seq, e));
                        r.seq += 1;
                    }
                    5..=6 if !keys.is_empty() => {
                        let i = (next() % keys.len() as u64) as usize;
                        let (k, seq) = keys.swap_remove(i);
                        let was = r.pending.iter().position(|p| p.1 == seq);
                        assert_eq!(q.cancel(k), was.is_some(), "seed {seed}");
                        if let Some(i) = was {
                            r.pending.remove(i);
                        }
                        assert!(!q.is_pending(k));
                    }
                    _ => {
                        r.pending.sort();
                        let want = (!r.pending.is_empty()).then(|| r.pending.remove(0));
                        let got = q.pop().map(|s| (s.at.0, s.seq, s.event));
                        assert_eq!(got, want, "seed {seed}");
                        if let Some((at, _, _)) = got {
                            now = at;
                        }
                    }
                }
                assert_eq!(q.len(), r.pending.len());
            }
            r.pending.sort();
            let rest: Vec<(u64, u32)> = r.pending.iter().map(|&(t, _, e)| (t, e)).collect();
            assert_eq!(drain(&mut q), rest, "seed {seed}");
        }
    }
}
