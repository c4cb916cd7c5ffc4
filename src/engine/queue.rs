//! The pending-event set, ordered by (time, insertion sequence).
//!
//! Contract: events pop in increasing time; events scheduled for the same instant pop in the
//! order they were scheduled (first scheduled, first delivered). The sequence number is a
//! `u64` counter, so the tie-break never depends on the payload or on memory addresses.
//!
//! A binary heap: O(log n) per operation, no allocation once the heap has grown to the run's
//! largest pending set. A calendar or ladder queue can replace it behind the same interface.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

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

impl<E> PartialEq for Scheduled<E> {
    fn eq(&self, other: &Self) -> bool {
        (self.at, self.seq) == (other.at, other.seq)
    }
}
impl<E> Eq for Scheduled<E> {}
impl<E> PartialOrd for Scheduled<E> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl<E> Ord for Scheduled<E> {
    // Reversed so that std's max-heap pops the earliest (time, seq) first.
    fn cmp(&self, other: &Self) -> Ordering {
        (other.at, other.seq).cmp(&(self.at, self.seq))
    }
}

/// Pending events ordered by (time, insertion sequence).
#[derive(Debug)]
pub struct EventQueue<E> {
    heap: BinaryHeap<Scheduled<E>>,
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
            heap: BinaryHeap::with_capacity(1024),
            next_seq: 0,
        }
    }
    /// Adds `event` to run at `at`, after every event already scheduled for `at`.
    pub fn push(&mut self, at: SimTime, event: E) {
        let seq = self.next_seq;
        self.next_seq += 1;
        self.heap.push(Scheduled { at, seq, event });
    }
    /// Removes and returns the earliest event (ties: first scheduled).
    pub fn pop(&mut self) -> Option<Scheduled<E>> {
        self.heap.pop()
    }
    /// The time of the earliest event, if any.
    pub fn peek_time(&self) -> Option<SimTime> {
        self.heap.peek().map(|s| s.at)
    }
    /// Number of pending events.
    pub fn len(&self) -> usize {
        self.heap.len()
    }
    /// True when nothing is pending.
    pub fn is_empty(&self) -> bool {
        self.heap.is_empty()
    }
}
