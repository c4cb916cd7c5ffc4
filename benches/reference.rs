//! The reference loop of `nssim bench`: the smallest honest discrete-event simulation of the
//! bench's queues, written by hand, that every nssim figure is divided by.
//!
//! What it is: a `BinaryHeap` of `Reverse((time [ns], sequence, what))`, one Xoshiro256++
//! generator, exponential draws by inversion (`-mean ln U`, as nssim draws them), `c` servers
//! taken from a stack of free ones and a FIFO queue of waiting customers' arrival instants.
//! A customer costs two events, its arrival and its departure, and each response is recorded
//! in [`Spread`], the structure nssim's recorder keeps its latency in, so both pay the same
//! for statistics.
//!
//! - Open ([`Model::Open`]): Poisson arrivals, stopped after `customers` arrivals; the run
//!   ends when the last customer has left (nssim's `run.max_requests`).
//! - Closed ([`Model::Closed`]): `clients` customers, each thinking for an exponential time
//!   after its departure; every thinking customer is one pending event, so the heap holds
//!   about `clients` events, as nssim's queue does. The first arrivals are one think time
//!   after 0 (for an exponential think time, the stationary start nssim draws). The run stops
//!   at `horizon_ns`, as nssim's run stops at its duration without a drain.
//!
//! What it leaves out on purpose: everything a NonStop node adds (processors, processes, IPC,
//! TCP/IP, Pathway links), cancellation, named streams. It is compiled into the `nssim`
//! library (`cli::bench` includes this file) so that `nssim bench` runs it in a child process
//! of its own, beside nssim's, in the same invocation.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, VecDeque};

use rand::rngs::Xoshiro256PlusPlus;
use rand::{RngExt, SeedableRng};

use crate::engine::SimDuration;
use crate::stats::Spread;

/// Which queue the loop runs. Service is exponential on `servers` servers in both.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Model {
    /// Poisson arrivals at `rate_per_s`, `customers` of them.
    Open {
        /// Arrival rate [1/s].
        rate_per_s: f64,
        /// Arrivals before the source stops.
        customers: u64,
    },
    /// `clients` customers cycling between thinking and the queue, until `horizon_ns`.
    Closed {
        /// Customers in the loop.
        clients: u32,
        /// Mean think time [ns].
        think_mean_ns: f64,
        /// Simulated time at which the run stops [ns].
        horizon_ns: u64,
    },
}

/// The queue's servers.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Servers {
    /// Number of servers.
    pub count: u32,
    /// Mean service time [ns].
    pub service_mean_ns: f64,
}

/// What one run did.
#[derive(Debug)]
pub struct Outcome {
    /// Customers that arrived at the queue (events popped, so before the horizon).
    pub arrivals: u64,
    /// Customers that left the queue (responses recorded).
    pub customers: u64,
    /// Events popped from the heap.
    pub events: u64,
    /// Most events pending at once.
    pub pending_max: u64,
    /// The responses.
    pub responses: Spread,
}

/// The event carried with a key: an arrival, or the departure from server `k`.
const ARRIVAL: u32 = u32::MAX;

/// Runs `model` on `servers` with generator seed `seed`.
pub fn run(model: Model, servers: Servers, seed: u64) -> Outcome {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    let mut exp = |mean_ns: f64| -> u64 {
        let u = 1.0 - rng.random::<f64>();
        (-mean_ns * libm::log(u)).round() as u64
    };
    let mut heap: BinaryHeap<Reverse<(u64, u64, u32)>> = BinaryHeap::new();
    let mut seq = 0u64;
    let mut push = |heap: &mut BinaryHeap<Reverse<(u64, u64, u32)>>, at: u64, what: u32| {
        heap.push(Reverse((at, seq, what)));
        seq += 1;
    };
    // Arrival instant of the customer each server holds; free servers on a stack.
    let mut serving = vec![0u64; servers.count as usize];
    let mut free: Vec<u32> = (0..servers.count).rev().collect();
    let mut waiting: VecDeque<u64> = VecDeque::new();
    let (mut arrived, open_mean_ns, open_customers, think_ns, horizon) = match model {
        Model::Open {
            rate_per_s,
            customers,
        } => (0u64, 1e9 / rate_per_s, customers, 0.0, u64::MAX),
        Model::Closed {
            clients: _,
            think_mean_ns,
            horizon_ns,
        } => (0, 0.0, 0, think_mean_ns, horizon_ns),
    };
    match model {
        Model::Open { customers, .. } if customers > 0 => {
            push(&mut heap, exp(open_mean_ns), ARRIVAL);
            arrived = 1;
        }
        Model::Open { .. } => {}
        Model::Closed { clients, .. } => {
            for _ in 0..clients {
                push(&mut heap, exp(think_ns), ARRIVAL);
            }
        }
    }
    let mut out = Outcome {
        arrivals: 0,
        customers: 0,
        events: 0,
        pending_max: heap.len() as u64,
        responses: Spread::new(),
    };
    while let Some(Reverse((now, _, what))) = heap.pop() {
        if now > horizon {
            break;
        }
        out.events += 1;
        if what == ARRIVAL {
            out.arrivals += 1;
            if open_customers > 0 && arrived < open_customers {
                push(&mut heap, now + exp(open_mean_ns), ARRIVAL);
                arrived += 1;
            }
            match free.pop() {
                Some(k) => {
                    serving[k as usize] = now;
                    push(&mut heap, now + exp(servers.service_mean_ns), k);
                }
                None => waiting.push_back(now),
            }
        } else {
            let k = what;
            out.responses
                .record(SimDuration::from_nanos(now - serving[k as usize]));
            out.customers += 1;
            if think_ns > 0.0 {
                push(&mut heap, now + exp(think_ns), ARRIVAL);
            }
            match waiting.pop_front() {
                Some(at) => {
                    serving[k as usize] = at;
                    push(&mut heap, now + exp(servers.service_mean_ns), k);
                }
                None => free.push(k),
            }
        }
        out.pending_max = out.pending_max.max(heap.len() as u64);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const MM4: Servers = Servers {
        count: 4,
        service_mean_ns: 1e6,
    };

    #[test]
    fn open_queue_takes_two_events_per_customer_and_matches_erlang_c() {
        // M/M/4, lambda = 3600/s, E[S] = 1 ms: W = 1 ms + C(4, 3.6) / (4000/s - 3600/s)
        // = 1 ms + 0.787753 / 400 s = 2.969 ms (tests/data/mmc.toml works it out). At
        // rho 0.9 successive responses are strongly correlated: two million customers keep
        // the mean within 3 % (seeds 1 to 4 and 7 do; 400,000 customers of seed 7 gave 3.08).
        let o = run(
            Model::Open {
                rate_per_s: 3600.0,
                customers: 2_000_000,
            },
            MM4,
            7,
        );
        assert_eq!((o.arrivals, o.customers), (2_000_000, 2_000_000));
        assert_eq!(o.events, 4_000_000);
        let mean = o.responses.summary().mean;
        assert!((mean - 2.969).abs() < 0.09, "mean response {mean} ms");
    }

    #[test]
    fn closed_loop_holds_one_pending_event_per_customer() {
        // 1,000 clients thinking 0.5 s on average: about 2,000 arrivals/s (rho 0.5), so at
        // most a few are at the servers and the heap holds about 1,000 events.
        let o = run(
            Model::Closed {
                clients: 1000,
                think_mean_ns: 0.5e9,
                horizon_ns: 10_000_000_000,
            },
            MM4,
            7,
        );
        assert!((1000..=1004).contains(&o.pending_max), "{}", o.pending_max);
        // X = N / (Z + R) with R about 1.1 ms: about 19,960 customers in 10 s.
        assert!((19_400..20_500).contains(&o.customers), "{}", o.customers);
        // Every event is an arrival or a departure; arrivals still at the servers at the
        // horizon have no departure yet.
        assert!(o.events >= 2 * o.customers && o.events <= 2 * o.customers + 4);
    }
}
