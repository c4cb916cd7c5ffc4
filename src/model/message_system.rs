//! The Guardian message system: inter-process messages (IPC "hops") over ServerNet, and the
//! sizes of the messages a request carries.
//!
//! Models: a message of `b` bytes costs CPU in the sending process and again in the receiving
//! process, `cpu_per_message + cpu_per_kib x b / 1024` each when both run in one processor and
//! `cpu_cross_processor_per_message + cpu_cross_processor_per_kib x b / 1024` each when the
//! message crosses ServerNet between two processors (charged inside their bursts), and takes a
//! delivery latency of a fixed part plus a per-KiB part, again with separate values within a
//! processor and across ServerNet. Every message a request crosses is counted as a hop. Link-management control messages (link requests to PATHMON and their
//! answers) carry no data: they take the fixed latency only.
//!
//! Request and reply sizes are drawn per request from the workload's size distributions
//! ([`MessageSizes`], streams `workload/request_bytes` and `workload/reply_bytes`; for
//! Pathway/XM terminals `xm/request_bytes` and `xm/reply_bytes`, 0 bytes by default), and cut
//! to the largest message the path carries (`SERVERCLASS_SEND_`'s 32,767 bytes through a
//! relaying listener or from a Pathway/XM TCP, unless `pathsend_api = "sendl"`, else 2 MiB);
//! validation makes sure fewer than 0.1 % of draws are cut. A terminal's messages cross no
//! LAN: their sizes cost IPC CPU and latency only.
//!
//! Which rate an end pays is decided by the processors of its two processes. Ends between
//! fixed processes (a conventional TCP/IP process and its listener) are resolved when the
//! itinerary is built; ends whose peer is the request's server (the server's receive and reply
//! send, the requester's receive of the reply) from the server's processor against the
//! requester's, once Pathway has chosen the server. The requester's own Pathsend send is
//! charged in its burst before the server is chosen, so it pays the same-processor rate when
//! its route is local (a parallel listener's local server class: the server is in its own
//! processor by construction) and the ServerNet rate otherwise, even when the link Pathway
//! then picks leads to a server in the requester's processor [I] (a simplification: the
//! exact rate would need the burst split around the link choice, one more event).
//!
//! Simplifies: without the two ServerNet CPU keys a message costs the same CPU within and
//! across processors (the copy into and out of message buffers; the ServerNet transfer itself
//! is in the latency) [I]; no ServerNet fabric contention, X/Y path choice or fabric failure.
//! No modern per-message figure is published: every default is a placeholder to calibrate [I]
//! (historically cross-processor was about 1.5x same-processor [F]; per KiB, 0.1 us of CPU is
//! a memory copy at about 10 GB/s, 0.25 us across ServerNet about 4 GB/s [I]).

use crate::engine::{SimDuration, StreamRng};
use crate::scenario::MessageSystem;

use super::ids::ProcessorId;
use super::workload::Sampler;

/// `rate` per KiB for `bytes`, rounded to the nearest nanosecond.
pub fn per_kib(rate: SimDuration, bytes: u32) -> SimDuration {
    SimDuration::from_nanos((rate.as_nanos() * u64::from(bytes) + 512) / 1024)
}

impl MessageSystem {
    /// Delivery latency of a control message (no data) from a process in `a` to one in `b`.
    pub fn latency(&self, a: ProcessorId, b: ProcessorId) -> SimDuration {
        self.latency_of(a, b, 0)
    }

    /// Delivery latency of a message of `bytes` from a process in `a` to one in `b`.
    pub fn latency_of(&self, a: ProcessorId, b: ProcessorId, bytes: u32) -> SimDuration {
        if a == b {
            self.latency_same_processor + per_kib(self.latency_same_processor_per_kib, bytes)
        } else {
            self.latency_cross_processor + per_kib(self.latency_cross_processor_per_kib, bytes)
        }
    }

    /// CPU one end (sender or receiver) of a message of `bytes` costs, within one processor
    /// (`cross` false) or across ServerNet (`cross` true).
    pub fn cpu(&self, cross: bool, bytes: u32) -> SimDuration {
        if cross {
            self.cpu_cross_processor_per_message + per_kib(self.cpu_cross_processor_per_kib, bytes)
        } else {
            self.cpu_per_message + per_kib(self.cpu_per_kib, bytes)
        }
    }

    /// CPU one end of a message of `bytes` between a process in `a` and one in `b` costs.
    pub fn cpu_between(&self, a: ProcessorId, b: ProcessorId, bytes: u32) -> SimDuration {
        self.cpu(a != b, bytes)
    }

    /// Whether a message's CPU depends on whether it crosses ServerNet.
    pub fn cpu_differs(&self) -> bool {
        self.cpu_per_message != self.cpu_cross_processor_per_message
            || self.cpu_per_kib != self.cpu_cross_processor_per_kib
    }
}

/// The request and reply sizes of a workload (TCP/IP clients or Pathway/XM terminals), drawn
/// per request.
#[derive(Debug)]
pub struct MessageSizes {
    /// Request size sampler (one nanosecond stands for one byte) and its stream.
    pub request: (Sampler, StreamRng),
    /// Reply size sampler and its stream.
    pub reply: (Sampler, StreamRng),
    /// Draws are cut to this many bytes: the largest message the path carries.
    pub cap: u32,
}

impl MessageSizes {
    /// Sizes drawn from `request` and `reply` on the streams `{prefix}/request_bytes` and
    /// `{prefix}/reply_bytes`, cut to `cap` bytes.
    pub fn new(
        request: &crate::scenario::Dist,
        reply: &crate::scenario::Dist,
        streams: &crate::engine::RngStreams,
        prefix: &str,
        cap: u32,
    ) -> Self {
        MessageSizes {
            request: (
                Sampler::new(request),
                streams.stream(&format!("{prefix}/request_bytes")),
            ),
            reply: (
                Sampler::new(reply),
                streams.stream(&format!("{prefix}/reply_bytes")),
            ),
            cap,
        }
    }

    /// Sizes of the next request and its reply \[bytes\]. A constant size draws nothing.
    pub fn draw(&mut self) -> [u32; 2] {
        let cap = u64::from(self.cap);
        let one = |(s, rng): &mut (Sampler, StreamRng)| s.sample(rng).as_nanos().min(cap) as u32;
        let request = one(&mut self.request);
        [request, one(&mut self.reply)]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn us(n: u64) -> SimDuration {
        SimDuration::from_micros(n)
    }

    fn ipc() -> MessageSystem {
        MessageSystem {
            cpu_per_message: us(5),
            cpu_per_kib: us(1),
            cpu_cross_processor_per_message: us(8),
            cpu_cross_processor_per_kib: us(3),
            latency_same_processor: us(10),
            latency_same_processor_per_kib: us(2),
            latency_cross_processor: us(15),
            latency_cross_processor_per_kib: us(4),
        }
    }

    #[test]
    fn cross_processor_messages_take_the_cross_processor_latency() {
        let m = ipc();
        assert_eq!(m.latency(ProcessorId(1), ProcessorId(1)).as_nanos(), 10_000);
        assert_eq!(m.latency(ProcessorId(1), ProcessorId(2)).as_nanos(), 15_000);
    }

    #[test]
    fn cost_and_latency_grow_by_the_kib() {
        let m = ipc();
        // 30 KiB: 5 + 30 x 1 us of CPU at each end within a processor, 8 + 30 x 3 across
        // ServerNet; 10 + 30 x 2 of latency within a processor, 15 + 30 x 4 across ServerNet.
        let b = 30 * 1024;
        assert_eq!(m.cpu(false, b), us(35));
        assert_eq!(m.cpu(true, b), us(98));
        assert_eq!(m.cpu_between(ProcessorId(2), ProcessorId(2), b), us(35));
        assert_eq!(m.cpu_between(ProcessorId(2), ProcessorId(3), b), us(98));
        assert_eq!(m.latency_of(ProcessorId(0), ProcessorId(0), b), us(70));
        assert_eq!(m.latency_of(ProcessorId(0), ProcessorId(1), b), us(135));
        // 512 bytes is half a KiB: 0.5 us of CPU (1.5 us across); rounding to the nanosecond.
        assert_eq!(m.cpu(false, 512).as_nanos(), 5_500);
        assert_eq!(m.cpu(true, 512).as_nanos(), 9_500);
        assert!(m.cpu_differs());
        let same = MessageSystem {
            cpu_cross_processor_per_message: us(5),
            cpu_cross_processor_per_kib: us(1),
            ..ipc()
        };
        assert!(!same.cpu_differs());
        assert_eq!(same.cpu(true, b), same.cpu(false, b));
        assert_eq!(per_kib(SimDuration::from_nanos(1), 511).as_nanos(), 0);
        assert_eq!(per_kib(SimDuration::from_nanos(1), 512).as_nanos(), 1);
    }
}
