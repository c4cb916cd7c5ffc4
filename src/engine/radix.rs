//! A radix heap: the pending-event set for a clock that only moves forward in integer
//! nanoseconds, under the contract of `queue.rs` (time, then insertion sequence).
//!
//! Every queued time is at least `last`, the time of the last pop. An entry sits in bucket
//! `b` = the position of the highest bit in which its time differs from `last` (1 to 64), or
//! in the FIFO `now` when it is `last` itself. Bucket `b` holds times in
//! `[last with its low b bits cleared + 2^(b-1), ... + 2^b)`, so every entry of a lower bucket
//! is earlier than every entry of a higher one. When `now` is empty the lowest non-empty bucket
//! holds the earliest time `t`: `last` becomes `t` and that bucket's entries move to lower
//! buckets (each entry only ever moves down, at most 64 times, so a push and a pop cost
//! O(64) amortised, and in practice a handful of moves whatever the number pending; a binary
//! heap pays log2(n) cache-missing levels). A bit mask says which buckets are non-empty.
//!
//! Ties: the entries for `t` all sit in the bucket moved, in no particular order, so `now` is
//! sorted by sequence once when it is refilled; an entry pushed for `t` afterwards has a
//! larger sequence than all of them and is appended. Cancellation is the slot table's lazy
//! one (`queue.rs`): a cancelled entry is dropped when it is met at the front or in a bucket
//! being moved, or by a sweep once cancelled entries outnumber the live ones.
//!
//! Looking past a horizon (`pop_until` with nothing due by `until`, `peek_time`) moves
//! nothing and leaves `last` where it was, so the engine may still schedule anything from its
//! clock on.

use std::collections::VecDeque;

use super::SimTime;
use super::queue::{ActionKey, Entry, Scheduled, Slots};

/// Buckets 1 to 64 (index 0 unused: that instant is the FIFO `now`).
const BUCKETS: usize = 65;

/// Pending events ordered by (time, insertion sequence), for a monotone clock.
#[derive(Debug)]
pub struct RadixQueue<E> {
    /// Entries at `last`, in sequence order.
    now: VecDeque<Entry<E>>,
    /// Entries later than `last`, by the highest bit in which their time differs from it.
    buckets: Vec<Vec<Entry<E>>>,
    /// Bit `b` set: bucket `b` is non-empty.
    nonempty: u128,
    /// The time of the entries in `now`: the last pop's, or the earliest entry's once a
    /// bucket has been moved down for the next pop. Never later than the earliest live entry.
    last: SimTime,
    /// The time of the last pop.
    popped: SimTime,
    /// Entries held, cancelled ones included.
    held: usize,
    slots: Slots,
}

impl<E> Default for RadixQueue<E> {
    fn default() -> Self {
        Self::new()
    }
}

impl<E> RadixQueue<E> {
    /// An empty queue.
    pub fn new() -> Self {
        RadixQueue {
            now: VecDeque::with_capacity(64),
            buckets: (0..BUCKETS).map(|_| Vec::new()).collect(),
            nonempty: 0,
            last: SimTime::ZERO,
            popped: SimTime::ZERO,
            held: 0,
            slots: Slots::new(),
        }
    }

    /// The bucket of time `at` (0: the instant `last`).
    #[inline]
    fn bucket_of(last: SimTime, at: SimTime) -> usize {
        (u64::BITS - (at.0 ^ last.0).leading_zeros()) as usize
    }

    /// Adds `event` to run at `at`, after every event already scheduled for `at`. Panics if
    /// `at` is in the past: before `last`, which is never later than the last event popped,
    /// or than the horizon of a `pop_until` that popped nothing (the clock only moves forward).
    pub fn push(&mut self, at: SimTime, event: E) -> ActionKey {
        assert!(
            at >= self.last,
            "scheduling into the past of the queue: {at} < {}",
            self.last
        );
        let (slot, seq, key) = self.slots.take();
        let entry = Entry {
            at,
            seq,
            slot,
            event,
        };
        let b = Self::bucket_of(self.last, at);
        if b == 0 {
            self.now.push_back(entry);
        } else {
            self.buckets[b].push(entry);
            self.nonempty |= 1 << b;
        }
        self.held += 1;
        key
    }

    /// Removes and returns the earliest event (ties: first scheduled).
    pub fn pop(&mut self) -> Option<Scheduled<E>> {
        self.pop_until(SimTime::MAX)
    }

    /// Removes and returns the earliest event if it runs no later than `until`; leaves the
    /// queue as it is (cancelled entries aside) otherwise.
    pub fn pop_until(&mut self, until: SimTime) -> Option<Scheduled<E>> {
        if self.front(until)? > until {
            return None;
        }
        // The slot is freed before the entry is taken out: `fired` may grow the free list (a
        // call), and with the event already read the compiler spilled it around that call in
        // two overlapping stores and read it back, a store-forwarding stall on every pop.
        let slot = self
            .now
            .front()
            .expect("front left the earliest entry in `now`")
            .slot;
        self.slots.fired(slot);
        let e = self
            .now
            .pop_front()
            .expect("front left the earliest entry in `now`");
        self.popped = e.at;
        self.held -= 1;
        Some(Scheduled {
            at: e.at,
            event: e.event,
        })
    }

    /// The time of the earliest event, if any. Drops cancelled entries on the way, and moves
    /// nothing else: anything may still be scheduled from the last pop's time on.
    pub fn peek_time(&mut self) -> Option<SimTime> {
        loop {
            if self.drop_cancelled_front() {
                return self.now.front().map(|e| e.at);
            }
            if self.nonempty == 0 {
                return None;
            }
            let b = self.nonempty.trailing_zeros() as usize;
            let slots = &mut self.slots;
            let bucket = &mut self.buckets[b];
            let before = bucket.len();
            bucket.retain(|e| slots.keep(e));
            self.held -= before - bucket.len();
            match bucket.iter().map(|e| e.at).min() {
                Some(min) => return Some(min),
                None => self.nonempty &= !(1 << b),
            }
        }
    }

    /// Drops the cancelled entries at the front of `now`; true if a live one is left there.
    #[inline]
    fn drop_cancelled_front(&mut self) -> bool {
        while let Some(front) = self.now.front() {
            if self.slots.is_live(front.slot) {
                return true;
            }
            let slot = front.slot;
            self.now.pop_front();
            self.held -= 1;
            self.slots.dropped(slot);
        }
        false
    }

    /// The time of the earliest entry if it is no later than `until`, left at the front of
    /// `now`: when `now` is empty, the lowest non-empty bucket is moved down, which moves
    /// `last` to its earliest time (the caller pops next, so nothing can be scheduled before
    /// it any more). Otherwise a time later than `until`, possibly a cancelled entry's (every
    /// live one is at least as late), and nothing moved. Cancelled entries met are dropped.
    fn front(&mut self, until: SimTime) -> Option<SimTime> {
        loop {
            if self.drop_cancelled_front() {
                return self.now.front().map(|e| e.at);
            }
            if self.nonempty == 0 {
                // Empty. Moving down may have taken `last` to a cancelled entry's time, later
                // than the clock of a caller who popped nothing since: back to the last pop.
                self.last = self.popped;
                return None;
            }
            let b = self.nonempty.trailing_zeros() as usize;
            let min = self.buckets[b]
                .iter()
                .map(|e| e.at)
                .min()
                .expect("a bucket marked non-empty");
            if min > until {
                return Some(min);
            }
            self.move_down(b, min);
        }
    }

    /// `last` becomes `min`, the earliest time in bucket `b` (the lowest non-empty one): its
    /// live entries for `min` go to `now`, in sequence order, the others to lower buckets;
    /// its cancelled entries are dropped.
    fn move_down(&mut self, b: usize, min: SimTime) {
        debug_assert!(self.now.is_empty());
        let mut moving = std::mem::take(&mut self.buckets[b]);
        self.nonempty &= !(1 << b);
        self.last = min;
        for e in moving.drain(..) {
            if !self.slots.is_live(e.slot) {
                self.held -= 1;
                self.slots.dropped(e.slot);
                continue;
            }
            let to = Self::bucket_of(min, e.at);
            debug_assert!(to < b, "an entry only moves down");
            if to == 0 {
                self.now.push_back(e);
            } else {
                self.buckets[to].push(e);
                self.nonempty |= 1 << to;
            }
        }
        if self.now.len() > 1 {
            self.now.make_contiguous().sort_unstable_by_key(|e| e.seq);
        }
        // The emptied bucket keeps its allocation.
        self.buckets[b] = moving;
    }

    /// Cancels the event `key` names. Returns true if it was pending (it will not be
    /// delivered), false if it has already fired or been cancelled.
    pub fn cancel(&mut self, key: ActionKey) -> bool {
        if !self.slots.cancel(key) {
            return false;
        }
        if self.slots.sweep_due(self.held) {
            self.sweep();
        }
        true
    }

    /// True if the event `key` names is still pending.
    pub fn is_pending(&self, key: ActionKey) -> bool {
        self.slots.is_pending(key)
    }

    /// Number of pending events (cancelled ones not counted).
    pub fn len(&self) -> usize {
        self.held - self.slots.cancelled
    }
    /// True when nothing is pending.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Entries held, cancelled ones included (for the memory tests).
    #[cfg(test)]
    pub(super) fn held(&self) -> usize {
        self.held
    }
    /// Slots in the table (for the memory tests).
    #[cfg(test)]
    pub(super) fn slot_capacity(&self) -> usize {
        self.slots.capacity()
    }

    /// Drops every cancelled entry and frees its slot. O(n); run only when the cancelled
    /// entries outnumber the live ones, so its cost is amortised over the cancels.
    fn sweep(&mut self) {
        let slots = &mut self.slots;
        self.now.retain(|e| slots.keep(e));
        for (b, bucket) in self.buckets.iter_mut().enumerate() {
            bucket.retain(|e| slots.keep(e));
            if bucket.is_empty() {
                self.nonempty &= !(1 << b);
            }
        }
        debug_assert_eq!(self.slots.cancelled, 0);
        self.held = self.now.len() + self.buckets.iter().map(Vec::len).sum::<usize>();
    }
}
