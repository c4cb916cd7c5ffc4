//! The pending-event set, ordered by (time, insertion sequence), with cancellable keys.
//!
//! Contract: events pop in increasing time; events scheduled for the same instant pop in the
//! order they were scheduled (first scheduled, first delivered). The sequence number is a
//! `u64` counter, so the tie-break never depends on the payload or on memory addresses.
//!
//! Every push returns an [`ActionKey`] (NeXosim's name): a slot and a generation. `cancel`
//! removes the event from the heap at once (O(log n)), so a timer that no longer matters
//! neither occupies memory nor is delivered nor counts as handled. A key whose event has fired
//! or been cancelled is stale: its slot's generation has moved on, and `cancel` returns false.
//!
//! An indexed binary heap: each entry knows its slot, each slot knows its entry's position.
//! No allocation once the heap and the slot table have grown to the run's largest pending set.
//! Pop order depends only on (time, sequence), so it is the same as any other heap's.

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

/// Where a slot's event sits in the heap, and the slot's generation.
#[derive(Clone, Copy, Debug)]
struct Slot {
    /// Heap index while the slot is in use; `u32::MAX` when free.
    pos: u32,
    generation: u32,
}

const FREE: u32 = u32::MAX;

/// Pending events ordered by (time, insertion sequence).
#[derive(Debug)]
pub struct EventQueue<E> {
    heap: Vec<Entry<E>>,
    slots: Vec<Slot>,
    free_slots: Vec<u32>,
    next_seq: u64,
}

impl<E> Default for EventQueue<E> {
    fn default() -> Self {
        Self::new()
    }
}

impl<E> EventQueue<E> {
    /// An empty queue.
    pub fn new() -> Self {
        EventQueue {
            heap: Vec::with_capacity(1024),
            slots: Vec::with_capacity(1024),
            free_slots: Vec::new(),
            next_seq: 0,
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
                    pos: FREE,
                    generation: 0,
                });
                u32::try_from(self.slots.len() - 1).expect("fewer than 2^32 pending events")
            }
        };
        let pos = self.heap.len();
        self.heap.push(Entry {
            at,
            seq,
            slot,
            event,
        });
        self.slots[slot as usize].pos = pos as u32;
        self.sift_up(pos);
        ActionKey {
            slot,
            generation: self.slots[slot as usize].generation,
        }
    }

    /// Removes and returns the earliest event (ties: first scheduled).
    pub fn pop(&mut self) -> Option<Scheduled<E>> {
        if self.heap.is_empty() {
            return None;
        }
        let e = self.remove_at(0);
        Some(Scheduled {
            at: e.at,
            seq: e.seq,
            event: e.event,
        })
    }

    /// Cancels the event `key` names. Returns true if it was pending (it is now gone), false
    /// if it has already fired or been cancelled.
    pub fn cancel(&mut self, key: ActionKey) -> bool {
        let Some(slot) = self.slots.get(key.slot as usize) else {
            return false;
        };
        if slot.generation != key.generation || slot.pos == FREE {
            return false;
        }
        self.remove_at(slot.pos as usize);
        true
    }

    /// True if the event `key` names is still pending.
    pub fn is_pending(&self, key: ActionKey) -> bool {
        self.slots
            .get(key.slot as usize)
            .is_some_and(|s| s.generation == key.generation && s.pos != FREE)
    }

    /// The time of the earliest event, if any.
    pub fn peek_time(&self) -> Option<SimTime> {
        self.heap.first().map(|e| e.at)
    }
    /// Number of pending events.
    pub fn len(&self) -> usize {
        self.heap.len()
    }
    /// True when nothing is pending.
    pub fn is_empty(&self) -> bool {
        self.heap.is_empty()
    }

    /// Takes the entry at heap index `i` out, frees its slot and restores the heap.
    fn remove_at(&mut self, i: usize) -> Entry<E> {
        let last = self.heap.len() - 1;
        self.heap.swap(i, last);
        let e = self.heap.pop().expect("non-empty heap");
        let slot = &mut self.slots[e.slot as usize];
        slot.pos = FREE;
        slot.generation = slot.generation.wrapping_add(1);
        self.free_slots.push(e.slot);
        if i < self.heap.len() {
            self.slots[self.heap[i].slot as usize].pos = i as u32;
            // The moved entry may belong above or below `i`.
            if i > 0 && self.heap[i].before(&self.heap[(i - 1) / 2]) {
                self.sift_up(i);
            } else {
                self.sift_down(i);
            }
        }
        e
    }

    // Sifting swaps entries but writes a slot's position only for the entry displaced at each
    // step, and the moving entry's once at the end: half the scattered writes of a swap that
    // updates both.
    fn sift_up(&mut self, mut i: usize) {
        while i > 0 {
            let parent = (i - 1) / 2;
            if !self.heap[i].before(&self.heap[parent]) {
                break;
            }
            self.heap.swap(i, parent);
            self.slots[self.heap[i].slot as usize].pos = i as u32;
            i = parent;
        }
        self.slots[self.heap[i].slot as usize].pos = i as u32;
    }

    fn sift_down(&mut self, mut i: usize) {
        let n = self.heap.len();
        loop {
            let l = 2 * i + 1;
            if l >= n {
                break;
            }
            let r = l + 1;
            let child = if r < n && self.heap[r].before(&self.heap[l]) {
                r
            } else {
                l
            };
            if !self.heap[child].before(&self.heap[i]) {
                break;
            }
            self.heap.swap(i, child);
            self.slots[self.heap[i].slot as usize].pos = i as u32;
            i = child;
        }
        self.slots[self.heap[i].slot as usize].pos = i as u32;
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
}
