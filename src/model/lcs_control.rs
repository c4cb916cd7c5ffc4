//! The Pathway/XM LCS's queue algorithm: when the Link Control Service process of a distributed
//! server class asks its process broker for more server reservations, and what it does with a
//! reservation that expires.
//!
//! What is modelled (PXM p. 9-11, page-167; `nonstop.md` section c):
//! - the LCS tracks the average arrival rate of requests and the average service time of its
//!   servers over an averaging window, and starts one or more servers when the arrival rate
//!   exceeds the service rate of the servers it holds: with arrival rate `λ`, mean service
//!   time `S` and `n` reservations held or being granted, it asks for `ceil(λ S) - n` more
//!   (at least one once `λ S > n`), never above MAXSERVERS;
//! - servers are started in parallel with serving the queue (PXM p. 9-3, page-159): the
//!   controller only says how many; the caller asks the PB and charges process creation;
//! - an expiring reservation is dropped, so that the next server is placed anew by the node's
//!   current weights (this is how servers return to a reloaded processor, AVAIL p. 6-11), unless
//!   dropping it would leave fewer than NUMSTATIC reservations: those are held permanently and
//!   renewed. A server busy when its reservation expires finishes its request first
//!   ([`Expiry::DropAfterReply`]).
//!
//! Simplified, and why ([I]: our inference, not documented):
//! - the averages are sliding-window counts over [`BUCKETS`] equal buckets of the window
//!   (arrivals counted, service times summed), not exponential smoothing: the manual says
//!   "average" without a formula, and a window whose length is a parameter is easy to reason
//!   about (a rate step is fully seen one window later). [`WINDOW_DEFAULT`] is 10 s, [I];
//! - before any request has completed there is no service time to average: the controller then
//!   asks for one server whenever requests arrive and none is held or coming, enough to learn
//!   the service time;
//! - NUMSTATIC and MAXSERVERS are given per LCS by the caller (how a class's NUMSTATIC is shared
//!   among its LCSs is the caller's decision; MAXSERVERS over all LCSs is the PB's grant
//!   limit).
//!
//! Integer time throughout; the only floats are the rate estimate and its product with the
//! service time, rounded up explicitly.

use crate::engine::{SimDuration, SimTime};

/// Averaging window of the LCS's arrival and service averages when the scenario does not say:
/// 10 s. [I] No manual gives it.
pub const WINDOW_DEFAULT: SimDuration = SimDuration::from_secs(10);

/// Buckets the window is divided into: the averages move in steps of window / 10.
pub const BUCKETS: usize = 10;

/// What to do with a reservation that has expired.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Expiry {
    /// Keep it: without it the LCS would hold fewer than NUMSTATIC reservations.
    Renew,
    /// Drop it now: the server is idle.
    Drop,
    /// Drop it when the server's current request is answered.
    DropAfterReply,
}

/// The arrival and service averages of one LCS, and its decisions.
#[derive(Clone, Debug)]
pub struct LcsControl {
    /// Length of one bucket (window / [`BUCKETS`]).
    bucket: SimDuration,
    /// Index of the bucket `now` falls in (time / bucket), for the newest entry.
    newest: u64,
    /// Per bucket, ring-indexed by bucket number: requests that arrived.
    arrivals: [u64; BUCKETS],
    /// Per bucket: requests completed and the sum of their service times [ns].
    completions: [(u64, u64); BUCKETS],
    /// NUMSTATIC: reservations held permanently.
    numstatic: u32,
    /// MAXSERVERS: most reservations.
    maxservers: u32,
}

impl LcsControl {
    /// A controller averaging over `window` (at least [`BUCKETS`] ns) for an LCS that holds
    /// between `numstatic` and `maxservers` reservations (`numstatic <= maxservers`, `maxservers
    /// >= 1`: validation guarantees both).
    pub fn new(window: SimDuration, numstatic: u32, maxservers: u32) -> Self {
        assert!(
            window.as_nanos() >= BUCKETS as u64,
            "averaging window {window} too short"
        );
        assert!(
            numstatic <= maxservers && maxservers >= 1,
            "NUMSTATIC {numstatic} and MAXSERVERS {maxservers}"
        );
        LcsControl {
            bucket: SimDuration::from_nanos(window.as_nanos() / BUCKETS as u64),
            newest: 0,
            arrivals: [0; BUCKETS],
            completions: [(0, 0); BUCKETS],
            numstatic,
            maxservers,
        }
    }

    /// Moves the window to `now`, emptying the buckets that fell out of it.
    fn advance(&mut self, now: SimTime) {
        let index = now.as_nanos() / self.bucket.as_nanos();
        assert!(index >= self.newest, "the LCS's clock went backwards");
        let stale = (index - self.newest).min(BUCKETS as u64);
        for k in 1..=stale {
            let slot = ((self.newest + k) % BUCKETS as u64) as usize;
            self.arrivals[slot] = 0;
            self.completions[slot] = (0, 0);
        }
        self.newest = index;
    }

    fn slot(&self) -> usize {
        (self.newest % BUCKETS as u64) as usize
    }

    /// A request arrived at the LCS at `now`.
    pub fn arrived(&mut self, now: SimTime) {
        self.advance(now);
        let slot = self.slot();
        self.arrivals[slot] += 1;
    }

    /// A server answered a request at `now` after `service` (from the LCS's forward to the
    /// reply: the server's CPU, its waits and its I/O).
    pub fn completed(&mut self, now: SimTime, service: SimDuration) {
        self.advance(now);
        let slot = self.slot();
        self.completions[slot].0 += 1;
        self.completions[slot].1 += service.as_nanos();
    }

    /// Arrival rate over the window ending at `now` [requests/s].
    pub fn arrival_rate_per_s(&mut self, now: SimTime) -> f64 {
        self.advance(now);
        let window_s = self.bucket.as_nanos() as f64 * BUCKETS as f64 / 1e9;
        self.arrivals.iter().sum::<u64>() as f64 / window_s
    }

    /// Mean service time over the window ending at `now`; `None` with no completion in it.
    pub fn service_mean(&mut self, now: SimTime) -> Option<SimDuration> {
        self.advance(now);
        let (n, sum) = self
            .completions
            .iter()
            .fold((0u64, 0u64), |(n, s), &(k, t)| (n + k, s + t));
        (n > 0).then(|| SimDuration::from_nanos(sum / n))
    }

    /// How many more reservations to ask for at `now`, holding or awaiting `held` of them:
    /// `ceil(λ S) - held` when the arrival rate exceeds the service rate, never beyond
    /// MAXSERVERS; at least enough to reach NUMSTATIC.
    pub fn wanted(&mut self, now: SimTime, held: u32) -> u32 {
        let rate = self.arrival_rate_per_s(now);
        let busy = match self.service_mean(now) {
            // Offered load in servers: λ S, rounded up (a fraction of a server is a server).
            Some(s) => (rate * s.as_nanos() as f64 / 1e9).ceil() as u32,
            // No service time learnt yet: one server as soon as requests come.
            None => u32::from(rate > 0.0),
        };
        let target = busy.max(self.numstatic).min(self.maxservers);
        target.saturating_sub(held)
    }

    /// A reservation expired at `now` while the LCS held `held` of them (this one included);
    /// `busy` says whether its server is answering a request.
    pub fn expired(&self, held: u32, busy: bool) -> Expiry {
        if held <= self.numstatic {
            Expiry::Renew
        } else if busy {
            Expiry::DropAfterReply
        } else {
            Expiry::Drop
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at_ms(ms: u64) -> SimTime {
        SimTime::ZERO + SimDuration::from_millis(ms)
    }

    /// 100 requests/s for a 10 s window with a 20 ms service time: λ S = 100 x 0.02 = 2
    /// servers.
    #[test]
    fn starts_servers_when_arrivals_outrun_service() {
        let mut c = LcsControl::new(WINDOW_DEFAULT, 0, 8);
        // Nothing arrived: nothing wanted.
        assert_eq!(c.wanted(at_ms(0), 0), 0);
        c.arrived(at_ms(0));
        // Requests but no service time yet: one server to learn it, none if one is held.
        assert_eq!(c.wanted(at_ms(0), 0), 1);
        assert_eq!(c.wanted(at_ms(0), 1), 0);
        for k in 1..1000 {
            c.arrived(at_ms(10 * k));
            c.completed(at_ms(10 * k), SimDuration::from_millis(20));
        }
        let now = at_ms(9999);
        assert!((c.arrival_rate_per_s(now) - 100.0).abs() < 1e-9);
        assert_eq!(c.service_mean(now), Some(SimDuration::from_millis(20)));
        assert_eq!(c.wanted(now, 1), 1);
        assert_eq!(c.wanted(now, 2), 0);
        assert_eq!(c.wanted(now, 5), 0, "more than enough is not dropped here");
    }

    /// The window forgets: 15 s after the last arrival nothing is wanted beyond NUMSTATIC.
    #[test]
    fn the_window_forgets_old_arrivals() {
        let mut c = LcsControl::new(SimDuration::from_secs(10), 2, 8);
        for k in 0..500 {
            c.arrived(at_ms(10 * k));
            c.completed(at_ms(10 * k), SimDuration::from_millis(100));
        }
        // 500 arrivals in 5 s of a 10 s window: 50/s x 0.1 s = 5 servers.
        assert_eq!(c.wanted(at_ms(5000), 0), 5);
        assert_eq!(c.wanted(at_ms(20_000), 0), 2, "NUMSTATIC");
        assert_eq!(c.arrival_rate_per_s(at_ms(20_000)), 0.0);
    }

    /// Expiry: NUMSTATIC reservations are renewed; beyond them, an idle server is dropped at
    /// once and a busy one after its reply.
    #[test]
    fn expiry_keeps_numstatic_and_lets_a_busy_server_finish() {
        let c = LcsControl::new(WINDOW_DEFAULT, 2, 8);
        assert_eq!(c.expired(2, false), Expiry::Renew);
        assert_eq!(c.expired(2, true), Expiry::Renew);
        assert_eq!(c.expired(3, false), Expiry::Drop);
        assert_eq!(c.expired(3, true), Expiry::DropAfterReply);
    }

    /// A small closed loop: arrivals at 50/s, then 400/s, then 50/s again, each for 120 s;
    /// service 40 ms; every 100 ms the LCS asks for what `wanted` says (granted at once) and
    /// drops what expires (60 s reservations). Reservations stay within [NUMSTATIC 1,
    /// MAXSERVERS 12] throughout, follow the load up (400 x 0.04 = 16 > 12: MAXSERVERS) and
    /// come back down to what 50/s needs (50 x 0.04 = 2) once the old reservations expire.
    #[test]
    fn reservations_stay_within_numstatic_and_maxservers_as_the_rate_steps() {
        let (numstatic, maxservers) = (1, 12);
        let mut c = LcsControl::new(WINDOW_DEFAULT, numstatic, maxservers);
        let reservation = SimDuration::from_secs(60);
        let mut expiries: Vec<SimTime> = Vec::new();
        let mut held_at = Vec::new();
        let mut t = 0u64; // ms
        let mut next_arrival = 0u64; // µs
        while t < 360_000 {
            let gap_us = if (120_000..240_000).contains(&t) {
                2_500
            } else {
                20_000
            };
            while next_arrival <= t * 1000 {
                let when = SimTime::ZERO + SimDuration::from_micros(next_arrival);
                c.arrived(when);
                c.completed(when, SimDuration::from_millis(40));
                next_arrival += gap_us;
            }
            let now = at_ms(t);
            // Expired reservations: renewed or dropped (the servers are taken as idle).
            let mut i = 0;
            while i < expiries.len() {
                if expiries[i] <= now {
                    match c.expired(expiries.len() as u32, false) {
                        Expiry::Renew => expiries[i] = now + reservation,
                        Expiry::Drop | Expiry::DropAfterReply => {
                            expiries.remove(i);
                            continue;
                        }
                    }
                }
                i += 1;
            }
            for _ in 0..c.wanted(now, expiries.len() as u32) {
                expiries.push(now + reservation);
            }
            let held = expiries.len() as u32;
            assert!(
                (numstatic..=maxservers).contains(&held),
                "{held} reservations at {t} ms"
            );
            held_at.push((t, held));
            t += 100;
        }
        let held = |ms: u64| held_at.iter().find(|&&(t, _)| t == ms).unwrap().1;
        assert_eq!(held(110_000), 2, "50/s x 40 ms");
        assert_eq!(
            held(230_000),
            12,
            "400/s x 40 ms = 16, capped at MAXSERVERS"
        );
        assert_eq!(
            held(359_900),
            2,
            "back to 50/s once the 60 s reservations expired"
        );
    }
}
