//! The pending-event set, ordered by (time, insertion sequence), with cancellable keys.
//!
//! Contract: events pop in increasing time; events scheduled for the same instant pop in the
//! order they were scheduled (first scheduled, first delivered). The sequence number is a
//! `u64` counter, so the tie-break never depends on the payload or on memory addresses.
//! Nothing may be scheduled before the time of the last event popped (the clock only moves
//! forward), which is what lets a queue made for a monotone clock serve.
//!
//! Every push returns an [`ActionKey`] (NeXosim's name): a slot and a generation. A key whose
//! event has fired or been cancelled is stale: its slot's generation has moved on, and
//! `cancel` returns false.
//!
//! Two queues keep this contract, with the same methods:
//! - [`RadixQueue`] (`radix.rs`), a radix heap for the monotone integer clock, with a FIFO
//!   for the instant of the last pop. It is [`EventQueue`], the engine's queue: it had the
//!   best geometric mean of `nssim bench`'s ratios (`benches/README.md`).
//! - [`HeapQueue`], below: a binary heap of (time, sequence, slot) with a FIFO lane for
//!   "now". The simpler one, kept as the tested fallback and as the reference the radix
//!   heap is checked against (the tests at the end of this file run on both).
//!
//! Both share the slot table ([`Slots`]):
//! - **Cancellation by generation.** `cancel` is O(1): it marks the slot cancelled and bumps
//!   its generation; the entry stays where it is and is dropped when it reaches the front. The
//!   slot is reused only after its entry has left the queue, so a stale entry can never be
//!   mistaken for a newer event of the same slot. Cancelled entries that pile up (long
//!   timers cancelled early) are swept out whenever they outnumber the live ones, so memory
//!   stays within twice the live set.
//! - **A FIFO lane for "now".** An event pushed for the instant of the last pop (a zero
//!   delay) goes to a plain FIFO: every such event has the current time and a larger
//!   sequence than anything already queued for it in the lane, so the lane is sorted by
//!   construction.
//!
//! Pop order depends only on (time, sequence), so it is the same for every correct queue,
//! and the same as the indexed heap these replaced. No allocation once the queue and the
//! slot table have grown to the run's largest pending set.

use std::collections::{BinaryHeap, VecDeque};

use super::SimTime;

pub use super::radix::RadixQueue;

/// The engine's queue (see the module's header for the choice).
pub type EventQueue<E> = RadixQueue<E>;

/// An event waiting to run.
#[derive(Debug)]
pub struct Scheduled<E> {
    /// When it runs.
    pub at: SimTime,
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

/// One queued event: its place in the order and its slot.
#[derive(Debug)]
pub(super) struct Entry<E> {
    pub(super) at: SimTime,
    pub(super) seq: u64,
    pub(super) slot: u32,
    pub(super) event: E,
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

/// Fewer cancelled entries than this are never swept: a sweep is O(n), and a few stale
/// entries cost less than sweeping them.
pub(super) const SWEEP_FLOOR: usize = 1024;

/// The slot table both queues share: a slot per queued entry (pending or cancelled), reused
/// through a free list once its entry has left, and the insertion sequence.
#[derive(Debug)]
pub(super) struct Slots {
    slots: Vec<Slot>,
    free: Vec<u32>,
    next_seq: u64,
    /// Queued entries whose slot is `Cancelled`.
    pub(super) cancelled: usize,
}

impl Slots {
    pub(super) fn new() -> Self {
        Slots {
            slots: Vec::with_capacity(1024),
            free: Vec::new(),
            next_seq: 0,
            cancelled: 0,
        }
    }

    /// A pending slot and the next sequence number for a new entry, and its key.
    #[inline]
    pub(super) fn take(&mut self) -> (u32, u64, ActionKey) {
        let seq = self.next_seq;
        self.next_seq += 1;
        let slot = match self.free.pop() {
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
        (slot, seq, key)
    }

    /// True if `slot`'s entry is to be delivered (not cancelled).
    #[inline]
    pub(super) fn is_live(&self, slot: u32) -> bool {
        self.slots[slot as usize].state == State::Pending
    }

    /// `slot`'s entry has been delivered: the slot is free and its key stale.
    #[inline]
    pub(super) fn fired(&mut self, slot: u32) {
        let s = &mut self.slots[slot as usize];
        debug_assert_eq!(
            s.state,
            State::Pending,
            "cancelled entries are dropped first"
        );
        s.state = State::Free;
        s.generation = s.generation.wrapping_add(1);
        self.free.push(slot);
    }

    /// `slot`'s cancelled entry has left the queue: the slot is free.
    #[inline]
    pub(super) fn dropped(&mut self, slot: u32) {
        let s = &mut self.slots[slot as usize];
        debug_assert_eq!(s.state, State::Cancelled);
        s.state = State::Free;
        self.free.push(slot);
        self.cancelled -= 1;
    }

    /// Marks `key`'s entry cancelled; false if it is not pending (a stale key).
    pub(super) fn cancel(&mut self, key: ActionKey) -> bool {
        let Some(slot) = self.slots.get_mut(key.slot as usize) else {
            return false;
        };
        if slot.generation != key.generation || slot.state != State::Pending {
            return false;
        }
        slot.state = State::Cancelled;
        slot.generation = slot.generation.wrapping_add(1);
        self.cancelled += 1;
        true
    }

    /// True if the event `key` names is still pending.
    pub(super) fn is_pending(&self, key: ActionKey) -> bool {
        self.slots
            .get(key.slot as usize)
            .is_some_and(|s| s.generation == key.generation && s.state == State::Pending)
    }

    /// True when cancelled entries outnumber the live ones among `held` and are worth a sweep.
    #[inline]
    pub(super) fn sweep_due(&self, held: usize) -> bool {
        self.cancelled > SWEEP_FLOOR && 2 * self.cancelled > held
    }

    /// For a sweep (`retain`): keeps `e` if it is live, else drops it and frees its slot.
    pub(super) fn keep<E>(&mut self, e: &Entry<E>) -> bool {
        if self.is_live(e.slot) {
            true
        } else {
            self.dropped(e.slot);
            false
        }
    }

    /// Slots in the table (for the memory tests).
    #[cfg(test)]
    pub(super) fn capacity(&self) -> usize {
        self.slots.len()
    }
}

/// Pending events ordered by (time, insertion sequence): a binary heap and a FIFO lane for
/// the instant of the last pop. The fallback to [`RadixQueue`].
#[derive(Debug)]
pub struct HeapQueue<E> {
    heap: BinaryHeap<Entry<E>>,
    /// Events for the instant `lane_at`, in sequence order.
    lane: VecDeque<Entry<E>>,
    /// The time of the last pop: a push for this instant joins the lane.
    lane_at: SimTime,
    slots: Slots,
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

impl<E> Default for HeapQueue<E> {
    fn default() -> Self {
        Self::new()
    }
}

impl<E> HeapQueue<E> {
    /// An empty queue.
    pub fn new() -> Self {
        HeapQueue {
            heap: BinaryHeap::with_capacity(1024),
            lane: VecDeque::with_capacity(64),
            lane_at: SimTime::ZERO,
            slots: Slots::new(),
        }
    }

    /// Adds `event` to run at `at`, after every event already scheduled for `at`.
    pub fn push(&mut self, at: SimTime, event: E) -> ActionKey {
        let (slot, seq, key) = self.slots.take();
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
        self.slots.fired(e.slot);
        self.lane_at = e.at;
        Some(Scheduled {
            at: e.at,
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
        if !self.slots.cancel(key) {
            return false;
        }
        if self.slots.sweep_due(self.heap.len() + self.lane.len()) {
            self.sweep();
        }
        true
    }

    /// True if the event `key` names is still pending.
    pub fn is_pending(&self, key: ActionKey) -> bool {
        self.slots.is_pending(key)
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
            let slot = front.slot;
            if self.slots.is_live(slot) {
                return Some(front.at);
            }
            if from_lane {
                self.lane.pop_front();
            } else {
                self.heap.pop();
            }
            self.slots.dropped(slot);
        }
    }

    /// Number of pending events (cancelled ones not counted).
    pub fn len(&self) -> usize {
        self.heap.len() + self.lane.len() - self.slots.cancelled
    }
    /// True when nothing is pending.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Entries held, cancelled ones included (for the memory tests).
    #[cfg(test)]
    fn held(&self) -> usize {
        self.heap.len() + self.lane.len()
    }
    /// Slots in the table (for the memory tests).
    #[cfg(test)]
    fn slot_capacity(&self) -> usize {
        self.slots.capacity()
    }

    /// Drops every cancelled entry and frees its slot. O(n); run only when the cancelled
    /// entries outnumber the live ones, so its cost is amortised over the cancels.
    fn sweep(&mut self) {
        let slots = &mut self.slots;
        self.lane.retain(|e| slots.keep(e));
        self.heap.retain(|e| slots.keep(e));
        debug_assert_eq!(self.slots.cancelled, 0);
    }
}

/// The ordering contract, run on both queues: `contract_tests!(module, Queue)`.
#[cfg(test)]
macro_rules! contract_tests {
    ($name:ident, $queue:ident) => {
        mod $name {
            use super::super::*;

            type Q<E> = $queue<E>;

            fn drain(q: &mut Q<u32>) -> Vec<(u64, u32)> {
                std::iter::from_fn(|| q.pop().map(|s| (s.at.0, s.event))).collect()
            }

            #[test]
            fn ties_pop_first_scheduled_first() {
                let mut q = Q::new();
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
                let mut q = Q::new();
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
                let mut q = Q::new();
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
                // A deterministic pseudo-random schedule: push 2,000 events, cancel every
                // third one, and compare with a sorted reference.
                let mut q = Q::new();
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
                // a and b were queued for t=5 before t=5 was "now"; c is pushed at t=5 after
                // a has popped: b was scheduled first, so it runs before c.
                let mut q = Q::new();
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
            fn nothing_due_by_the_horizon_leaves_the_queue_open_to_earlier_times() {
                // pop_until stops before 100; the engine may then schedule at 50 (its clock
                // is at the horizon or earlier), which must pop before 100.
                let mut q = Q::new();
                let _ = q.push(SimTime(10), 1);
                let _ = q.push(SimTime(100), 3);
                assert_eq!(q.pop_until(SimTime(40)).map(|s| s.event), Some(1));
                assert!(q.pop_until(SimTime(40)).is_none());
                assert_eq!(q.peek_time(), Some(SimTime(100)));
                let _ = q.push(SimTime(50), 2);
                assert_eq!(drain(&mut q), vec![(50, 2), (100, 3)]);
            }

            #[test]
            fn cancelled_entries_are_swept_so_memory_follows_the_live_set() {
                let mut q = Q::new();
                let live = q.push(SimTime(1), 0u32);
                for i in 0..100_000u32 {
                    let k = q.push(SimTime(1_000 + u64::from(i)), i);
                    assert!(q.cancel(k));
                    assert!(q.held() <= 2 * (SWEEP_FLOOR + 1) + 1);
                }
                assert_eq!(q.len(), 1);
                assert!(q.is_pending(live));
                assert_eq!(drain(&mut q), vec![(1, 0)]);
                assert!(
                    q.slot_capacity() <= 2 * (SWEEP_FLOOR + 2),
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
                    let mut q = Q::new();
                    let mut r = Reference::default();
                    let mut keys: Vec<(ActionKey, u64)> = Vec::new();
                    let mut now = 0u64;
                    for e in 0..5_000u32 {
                        match next() % 10 {
                            // Push at now (the lane) or later, with many ties.
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
                                let got = q.pop().map(|s| (s.at.0, s.event));
                                assert_eq!(got, want.map(|(t, _, e)| (t, e)), "seed {seed}");
                                if let Some((at, _)) = got {
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
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    contract_tests!(heap, HeapQueue);
    contract_tests!(radix, RadixQueue);

    #[test]
    fn scheduled_events_stay_small() {
        // The engine's payload (model::Event) is 12 bytes; with the time, 24.
        assert!(std::mem::size_of::<Scheduled<[u32; 3]>>() <= 24);
    }

    #[test]
    fn the_radix_heap_pops_as_the_binary_heap_on_random_schedules_with_cancellations() {
        // The property the engine relies on: whatever is pushed, cancelled and popped (with
        // and without a horizon), both queues deliver the same events at the same times.
        // Delays span from zero to 2^40 ns, so entries fall in every bucket, many on ties.
        for seed in 0..50u64 {
            let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
            let mut next = move || {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                x
            };
            let mut heap = HeapQueue::new();
            let mut radix = RadixQueue::new();
            let mut keys: Vec<(ActionKey, ActionKey)> = Vec::new();
            let mut now = 0u64;
            for e in 0..20_000u32 {
                match next() % 16 {
                    0..=6 => {
                        let bits = next() % 41;
                        let delay = match next() % 4 {
                            0 => 0,
                            1 => 1000,
                            _ => next() & ((1u64 << bits) - 1),
                        };
                        let at = SimTime(now + delay);
                        keys.push((heap.push(at, e), radix.push(at, e)));
                    }
                    7..=9 if !keys.is_empty() => {
                        let i = (next() % keys.len() as u64) as usize;
                        let (h, r) = keys.swap_remove(i);
                        assert_eq!(heap.cancel(h), radix.cancel(r), "seed {seed}");
                    }
                    10 => {
                        let until = SimTime(now + (next() & 0xFFFF));
                        let (h, r) = (heap.pop_until(until), radix.pop_until(until));
                        let (h, r) = (h.map(|s| (s.at, s.event)), r.map(|s| (s.at, s.event)));
                        assert_eq!(h, r, "seed {seed}");
                        now = match h {
                            Some((at, _)) => at.0,
                            None => until.0,
                        };
                    }
                    _ => {
                        let (h, r) = (heap.pop(), radix.pop());
                        let (h, r) = (h.map(|s| (s.at, s.event)), r.map(|s| (s.at, s.event)));
                        assert_eq!(h, r, "seed {seed}");
                        if let Some((at, _)) = h {
                            now = at.0;
                        }
                    }
                }
                assert_eq!(heap.len(), radix.len(), "seed {seed}");
            }
            loop {
                let (h, r) = (heap.pop(), radix.pop());
                let (h, r) = (h.map(|s| (s.at, s.event)), r.map(|s| (s.at, s.event)));
                assert_eq!(h, r, "seed {seed}");
                if h.is_none() {
                    break;
                }
            }
        }
    }
}
