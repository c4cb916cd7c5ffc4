//! The event engine: virtual time, the pending-event set and the loop. Knows nothing of NonStop.
//!
//! A model is any type implementing [`Model`]: a closed `enum` of events and one `handle`
//! function that `match`es on it. The loop pops the earliest event, asserts that time never goes
//! backwards, advances the clock and hands the event to the model, which may schedule more
//! through the [`Scheduler`]. Generic, not boxed: no trait object and no allocation per event.

mod queue;
mod radix;
mod rng;
mod time;
mod trajectory;

pub use queue::{ActionKey, EventQueue, HeapQueue, RadixQueue, Scheduled};
pub use rng::{RngStreams, StreamRng};
pub use time::{SimDuration, SimTime, round_ns};
pub use trajectory::{Checkpoint, Fnv1a, Parting, Trajectory, parting};

/// What a model may do to the world while handling an event: read the clock, schedule events.
#[derive(Debug)]
pub struct Scheduler<E> {
    now: SimTime,
    queue: EventQueue<E>,
    pending_max: usize,
}

impl<E> Default for Scheduler<E> {
    fn default() -> Self {
        Self::new()
    }
}

impl<E> Scheduler<E> {
    /// A scheduler at time zero with nothing pending.
    pub fn new() -> Self {
        Scheduler {
            now: SimTime::ZERO,
            queue: EventQueue::new(),
            pending_max: 0,
        }
    }
    /// The current virtual time.
    pub fn now(&self) -> SimTime {
        self.now
    }
    /// Schedules `event` after `delay` (zero: after every event already due now). The key
    /// cancels it: keep it where whoever may cancel the event (a reply, a failure) finds it.
    pub fn schedule_in(&mut self, delay: SimDuration, event: E) -> ActionKey {
        let at = self.now + delay;
        self.queue.push(at, event)
    }
    /// Schedules `event` at instant `at`, which must not be in the past; returns its key.
    pub fn schedule_at(&mut self, at: SimTime, event: E) -> ActionKey {
        assert!(
            at >= self.now,
            "scheduling into the past: {at} < {}",
            self.now
        );
        self.queue.push(at, event)
    }
    /// [`schedule_in`](Self::schedule_in) for an event that is never cancelled (the end of
    /// the arrival window, a sample, a client's think time): the caller says so by name.
    pub fn schedule_in_unkeyed(&mut self, delay: SimDuration, event: E) {
        let _never_cancelled = self.schedule_in(delay, event);
    }
    /// [`schedule_at`](Self::schedule_at) for an event that is never cancelled.
    pub fn schedule_at_unkeyed(&mut self, at: SimTime, event: E) {
        let _never_cancelled = self.schedule_at(at, event);
    }
    /// Cancels a scheduled event: it leaves the queue, is never delivered and is not counted
    /// as handled. Returns false if it has already fired or been cancelled (a stale key).
    pub fn cancel(&mut self, key: ActionKey) -> bool {
        self.queue.cancel(key)
    }
    /// True if the event `key` names is still pending.
    pub fn is_pending(&self, key: ActionKey) -> bool {
        self.queue.is_pending(key)
    }
    /// Events waiting to run.
    pub fn pending(&self) -> usize {
        self.queue.len()
    }
    /// The largest number of events that were pending at once so far.
    pub fn pending_max(&self) -> usize {
        self.pending_max
    }
}

/// A simulation model driven by the engine.
pub trait Model {
    /// The closed set of events this model handles.
    type Event;
    /// Handles one event at `sched.now()`.
    fn handle(&mut self, event: Self::Event, sched: &mut Scheduler<Self::Event>);
    /// True when the run is over even though events are still pending (checked after each
    /// event; the default never ends early).
    fn finished(&self) -> bool {
        false
    }
}

/// Runs `model` until no event is pending, the next one is later than `until`, or the model
/// says it has finished.
/// Returns the number of events handled. The clock is left at the last event's time
/// (or at `until` if events remain beyond it).
pub fn run_until<M: Model>(model: &mut M, sched: &mut Scheduler<M::Event>, until: SimTime) -> u64 {
    run_observed(model, sched, until, |_, _| {})
}

/// [`run_until`], showing `observe` each event and its time just before the model handles it
/// (to fingerprint or record the trajectory). Generic: with a closure that does nothing, the
/// loop compiles to `run_until`'s.
pub fn run_observed<M: Model>(
    model: &mut M,
    sched: &mut Scheduler<M::Event>,
    until: SimTime,
    mut observe: impl FnMut(SimTime, &M::Event),
) -> u64 {
    let mut handled = 0;
    while let Some(next) = sched.queue.pop_until(until) {
        // The set at its largest, the event about to run included.
        sched.pending_max = sched.pending_max.max(sched.queue.len() + 1);
        assert!(
            next.at >= sched.now,
            "time went backwards: {} < {}",
            next.at,
            sched.now
        );
        sched.now = next.at;
        observe(next.at, &next.event);
        model.handle(next.event, sched);
        handled += 1;
        if model.finished() {
            return handled;
        }
    }
    if !sched.queue.is_empty() {
        // Events remain beyond `until`.
        sched.now = until;
    }
    handled
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Recorder(Vec<(u64, u32)>);
    impl Model for Recorder {
        type Event = u32;
        fn handle(&mut self, e: u32, s: &mut Scheduler<u32>) {
            self.0.push((s.now().as_nanos(), e));
        }
    }

    #[test]
    fn same_time_events_run_first_scheduled_first() {
        let mut s = Scheduler::new();
        for e in [3, 1, 2] {
            s.schedule_at_unkeyed(SimTime(10), e);
        }
        s.schedule_at_unkeyed(SimTime(5), 9);
        let mut m = Recorder(vec![]);
        assert_eq!(run_until(&mut m, &mut s, SimTime::MAX), 4);
        assert_eq!(m.0, vec![(5, 9), (10, 3), (10, 1), (10, 2)]);
    }

    #[test]
    fn a_cancelled_event_is_neither_delivered_nor_counted() {
        let mut s = Scheduler::new();
        s.schedule_at_unkeyed(SimTime(1), 1);
        let k = s.schedule_at(SimTime(2), 2);
        s.schedule_at_unkeyed(SimTime(3), 3);
        assert!(s.cancel(k));
        let mut m = Recorder(vec![]);
        assert_eq!(run_until(&mut m, &mut s, SimTime::MAX), 2);
        assert_eq!(m.0, vec![(1, 1), (3, 3)]);
        assert!(!s.cancel(k), "a stale key cancels nothing");
        assert_eq!(s.pending_max(), 2);
    }

    #[test]
    #[should_panic(expected = "scheduling into the past")]
    fn scheduling_into_the_past_is_a_bug() {
        let mut s: Scheduler<u32> = Scheduler::new();
        s.now = SimTime(10);
        s.schedule_at_unkeyed(SimTime(5), 1);
    }
}
